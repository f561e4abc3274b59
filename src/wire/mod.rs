//! The wire: how a call becomes HTTP and comes back. Every resource goes through here and
//! nothing here knows one resource from another.
//!
//! - `generated`: the client progenitor compiles from `openapi/compatibility.yaml` (private).
//! - `transport`: the hooks that send its requests, bound their bodies, and turn failures
//!   into [`Error`](crate::Error)s, with server text escaped and our secrets taken out.
//! - `operations`: what the spec says of each operation (whether it may be retried).
//! - `retry`: when a failed request is tried again.
//! - `paging`: [`Page`](crate::Page) and the one walk that follows `next_page_uri` for every
//!   listing.

pub(crate) mod generated;
pub(crate) mod operations;
pub(crate) mod paging;
pub(crate) mod retry;
pub(crate) mod transport;
