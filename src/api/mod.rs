//! Handles and builders, one module a resource: what a caller reaches through
//! [`Client`](crate::Client) and what each operation takes.

pub(crate) mod participants;
