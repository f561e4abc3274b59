//! A stream of a conference's audio to a WebSocket server.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::{AccountSid, ConferenceSid, StreamSid, wire::generated::types};

/// A stream of a conference's audio to a WebSocket server, as the API describes it.
///
/// `sid` and `status` are required; the rest are `None` when the server leaves them out.
/// The bearer token the stream was opened with is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stream {
    /// The stream's SID.
    pub sid: StreamSid,
    /// The account (project) it belongs to.
    pub account_sid: Option<AccountSid>,
    /// The conference whose audio it carries.
    pub conference_sid: Option<ConferenceSid>,
    /// Its name, unique in its conference while it runs.
    pub name: Option<String>,
    /// Whether it is starting, running, or stopped.
    pub status: StreamStatus,
    /// When it last changed.
    #[serde(with = "crate::time::optional")]
    pub date_updated: Option<DateTime<FixedOffset>>,
    /// Its URI, relative to the host.
    pub uri: Option<String>,
}

impl From<types::Stream> for Stream {
    fn from(s: types::Stream) -> Self {
        Self {
            sid: s.sid,
            account_sid: s.account_sid,
            conference_sid: s.conference_sid,
            name: s.name,
            status: s.status,
            date_updated: s.date_updated.and_then(|d| d.0),
            uri: s.uri,
        }
    }
}

crate::models::open_enum! {
    /// Where a stream is in its life. An open set; any other text is kept in
    /// [`StreamStatus::Other`].
    pub enum StreamStatus {
        /// `queued`: being set up.
        Queued = "queued",
        /// `in-progress`: carrying audio.
        InProgress = "in-progress",
        /// `stopped`: over.
        Stopped = "stopped",
    }
}
