//! A conference and its status.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::{AccountSid, ConferenceSid, wire::generated::types};

/// A conference room, as the API describes it.
///
/// Every field SignalWire documents is here.
///
/// - **Required**: `sid`, `account_sid` and `status`: they say which conference it is and
///   whether it is live; a default would misreport it. A response without one of them fails
///   with [`ErrorKind::Decode`](crate::ErrorKind::Decode).
/// - **Optional**: the rest are `None` when the server leaves them out or sets them to `null`
///   (SignalWire's spec always sends them; a proxy or a mock server may not).
///
/// Fields the server adds are ignored. Dates that cannot be read are `None` (and logged),
/// never an error for the whole response. Serializing gives the API's own JSON shape, dates
/// in strict RFC 2822.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Conference {
    /// The conference's SID.
    pub sid: ConferenceSid,
    /// The account (project) the conference belongs to.
    pub account_sid: AccountSid,
    /// The room's name, given by the cXML that created it (up to 64 characters).
    pub friendly_name: Option<String>,
    /// Whether the conference is waiting to start, live, or over.
    pub status: ConferenceStatus,
    /// When the conference was created.
    #[serde(with = "crate::time::optional")]
    pub date_created: Option<DateTime<FixedOffset>>,
    /// When the conference last changed.
    #[serde(with = "crate::time::optional")]
    pub date_updated: Option<DateTime<FixedOffset>>,
    /// The API version, `2010-04-01`.
    pub api_version: Option<String>,
    /// Where the conference's audio was mixed, such as `us1`.
    pub region: Option<String>,
    /// The conference's URI, relative to the host.
    pub uri: Option<String>,
    /// The URIs of its participants and recordings.
    pub subresource_uris: Option<SubresourceUris>,
}

/// Where a conference's participants and recordings are listed, relative to the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubresourceUris {
    /// The conference's participants.
    pub participants: Option<String>,
    /// The conference's recordings.
    pub recordings: Option<String>,
}

impl From<types::Conference> for Conference {
    fn from(c: types::Conference) -> Self {
        Self {
            sid: c.sid,
            account_sid: c.account_sid,
            friendly_name: c.friendly_name,
            status: c.status,
            date_created: c.date_created.and_then(|d| d.0),
            date_updated: c.date_updated.and_then(|d| d.0),
            api_version: c.api_version,
            region: c.region,
            uri: c.uri,
            subresource_uris: c.subresource_uris.map(|u| SubresourceUris {
                participants: u.participants,
                recordings: u.recordings,
            }),
        }
    }
}

crate::wire::paging::page_from!(types::ConferencePage, conferences => Conference);

crate::models::open_enum! {
    /// Where a conference is in its life: waiting for its first participants, live, or over.
    ///
    /// An open set, as SignalWire documents it: `init`, `in-progress` and `completed`; any
    /// other text the server sends is kept in [`ConferenceStatus::Other`].
    ///
    /// ```
    /// use signalwire_compat::ConferenceStatus;
    ///
    /// assert_eq!(ConferenceStatus::from("in-progress"), ConferenceStatus::InProgress);
    /// assert!(ConferenceStatus::Completed.is_over());
    /// ```
    pub enum ConferenceStatus {
        /// `init`: created, waiting for the participant that starts it.
        Init = "init",
        /// `in-progress`: live.
        InProgress = "in-progress",
        /// `completed`: over; it has no participants any more.
        Completed = "completed",
    }
}

impl ConferenceStatus {
    /// Whether the conference is over (`completed`).
    pub fn is_over(&self) -> bool {
        matches!(self, Self::Completed)
    }
}
