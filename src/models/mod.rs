//! The data the API returns, one module a resource: lenient in what they read, strict in what
//! they write back.

pub(crate) mod participant;
