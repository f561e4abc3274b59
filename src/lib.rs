#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![warn(unreachable_pub, rust_2018_idioms)]

mod api;
mod client;
pub mod cxml;
#[cfg(feature = "emulator")]
pub mod emulator;
mod error;
mod models;
pub mod segments;
mod sid;
mod text;
pub mod time;
pub mod webhooks;
mod wire;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

include!(concat!(env!("OUT_DIR"), "/exports.rs"));
pub use api::{
    CallbackMethod,
    available_numbers::{AvailableNumbers, SearchNumbers},
    imported_numbers::ImportPhoneNumber,
    recordings::PauseBehavior,
    streams::{StartStream, StreamCodec, StreamHandle, Streams, Track},
};
pub use client::{API_ROOT_PATH, Client, ClientBuilder, env};
pub use error::{ApiError, DecodeError, Error, ErrorKind, RequestPreview, TimeoutPhase};
pub use models::generated::*;
pub use sid::*;
pub use text::{MAX_SHOWN_CHARS, Printable, one_line};
pub use wire::paging::Page;
pub use wire::retry::RetryPolicy;
