//! A conference's recording, its status and its source.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::{AccountSid, CallSid, ConferenceSid, RecordingSid, wire::generated::types};

/// A recording of a conference, as the API describes it.
///
/// Every field SignalWire documents is here.
///
/// - **Required**: `sid`, `account_sid` and `status`: which recording it is and whether it
///   is still recording; a default would misreport it. A response without one of them fails
///   with [`ErrorKind::Decode`](crate::ErrorKind::Decode).
/// - **Optional**: the rest are `None` when the server leaves them out or sets them to
///   `null` (several are null by design: `call_sid` for a conference's recording,
///   `encryption_details` on SignalWire, `end_time` while it records).
///
/// `price` is kept as the server's text, since it is a decimal amount. Dates that cannot be
/// read are `None` (and logged), never an error for the whole response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recording {
    /// The recording's SID.
    pub sid: RecordingSid,
    /// The account (project) it belongs to.
    pub account_sid: AccountSid,
    /// The conference it records.
    pub conference_sid: Option<ConferenceSid>,
    /// A call it records; always `None` for a conference's recording.
    pub call_sid: Option<CallSid>,
    /// Whether it is recording, paused, or over.
    pub status: RecordingStatus,
    /// How it was started.
    pub source: Option<RecordingSource>,
    /// `1` (mono) or `2` (stereo).
    pub channels: Option<String>,
    /// How long it recorded, in seconds.
    pub duration: Option<i64>,
    /// When it was created.
    #[serde(with = "crate::time::optional")]
    pub date_created: Option<DateTime<FixedOffset>>,
    /// When it last changed.
    #[serde(with = "crate::time::optional")]
    pub date_updated: Option<DateTime<FixedOffset>>,
    /// When it started recording.
    #[serde(with = "crate::time::optional")]
    pub start_time: Option<DateTime<FixedOffset>>,
    /// When it stopped recording; `None` while it records.
    #[serde(with = "crate::time::optional")]
    pub end_time: Option<DateTime<FixedOffset>>,
    /// What it cost, as the server wrote the amount.
    pub price: Option<String>,
    /// The price's currency, such as `USD`.
    pub price_unit: Option<String>,
    /// Why it failed, when it did.
    pub error_code: Option<String>,
    /// How it is encrypted; always `None` on SignalWire.
    pub encryption_details: Option<String>,
    /// Whether silence at its ends is trimmed (`trim-silence`, `do-not-trim`).
    pub trim: Option<String>,
    /// The API version, `2010-04-01`.
    pub api_version: Option<String>,
    /// Its URI, relative to the host.
    pub uri: Option<String>,
    /// Where its transcriptions are listed, relative to the host.
    pub transcriptions_uri: Option<String>,
}

impl From<types::Recording> for Recording {
    fn from(r: types::Recording) -> Self {
        Self {
            sid: r.sid,
            account_sid: r.account_sid,
            conference_sid: r.conference_sid,
            call_sid: r.call_sid,
            status: r.status,
            source: r.source,
            channels: r.channels.or(r.channel),
            duration: r.duration,
            date_created: r.date_created.and_then(|d| d.0),
            date_updated: r.date_updated.and_then(|d| d.0),
            start_time: r.start_time.and_then(|d| d.0),
            end_time: r.end_time.and_then(|d| d.0),
            price: r.price,
            price_unit: r.price_unit,
            error_code: r.error_code,
            encryption_details: r.encryption_details,
            trim: r.trim,
            api_version: r.api_version,
            uri: r.uri,
            transcriptions_uri: r.subresource_uris.and_then(|u| u.transcriptions),
        }
    }
}

crate::wire::paging::page_from!(types::RecordingPage, recordings => Recording);

crate::models::open_enum! {
    /// Where a recording is in its life.
    ///
    /// An open set, as SignalWire documents it; any other text is kept in
    /// [`RecordingStatus::Other`].
    ///
    /// ```
    /// use signalwire_compat::RecordingStatus;
    ///
    /// assert!(RecordingStatus::from("stopped").is_over());
    /// assert!(!RecordingStatus::Paused.is_over());
    /// ```
    pub enum RecordingStatus {
        /// `queued`: about to start.
        Queued = "queued",
        /// `in-progress`: recording.
        InProgress = "in-progress",
        /// `paused`: not recording for now; it can be resumed.
        Paused = "paused",
        /// `resumed`: recording again after a pause.
        Resumed = "resumed",
        /// `completed`: over, with its audio kept (the conference ended, say).
        Completed = "completed",
        /// `absent`: over, with nothing recorded.
        Absent = "absent",
        /// `stopped`: stopped for good by a request.
        Stopped = "stopped",
    }
}

impl RecordingStatus {
    /// Whether the recording is over (`completed`, `absent` or `stopped`): it can no longer
    /// be paused or resumed.
    pub fn is_over(&self) -> bool {
        matches!(self, Self::Completed | Self::Absent | Self::Stopped)
    }
}

crate::models::open_enum! {
    /// How a recording was started. An open set; any other text is kept in
    /// [`RecordingSource::Other`].
    pub enum RecordingSource {
        /// `Conference`: the conference's own settings (`record` in its cXML).
        Conference = "Conference",
        /// `StartConferenceRecording`: a request to the API.
        StartConferenceRecording = "StartConferenceRecording",
    }
}
