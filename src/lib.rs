#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![warn(unreachable_pub, rust_2018_idioms)]

mod client;
#[cfg(feature = "emulator")]
pub mod emulator;
mod error;
mod generated;
mod paging;
mod participant;
mod participants;
mod retry;
mod sid;
mod text;
pub mod time;
mod transport;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::{API_ROOT_PATH, Client, ClientBuilder, env};
pub use error::{ApiError, DecodeError, Error, TimeoutPhase};
pub use paging::Page;
pub use participant::{Participant, ParticipantStatus};
pub use participants::{
    CallbackMethod, Conference, ListParticipants, ParticipantHandle, Participants,
    UpdateParticipant,
};
pub use retry::RetryPolicy;
pub use sid::{IntoSid, Sid};
pub use text::{MAX_SHOWN_CHARS, Printable};
