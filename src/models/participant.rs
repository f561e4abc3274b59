//! A conference participant and its call status.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{AccountSid, CallSid, ConferenceSid, wire::generated::types};

/// A call connected to a conference, as the API describes it.
///
/// Every field SignalWire documents is here, plus Twilio's `label` and `queue_time`.
///
/// - **Required**: `account_sid`, `call_sid`, `conference_sid`, `coaching`,
///   `end_conference_on_exit`, `hold`, `muted`, `start_conference_on_enter`, `status` and
///   `uri`. SignalWire's spec marks them required and never null; they identify the
///   participant or say what it is doing, and a default would misreport it (a participant
///   whose `muted` is missing is not known to be unmuted). A response without one of them
///   fails with [`ErrorKind::Decode`](crate::ErrorKind::Decode).
/// - **Optional**: `call_sid_to_coach`, `date_created`, `date_updated`, `label` and
///   `queue_time` are `None` when the server sets them to `null` or leaves them out.
///
/// Fields the server adds are ignored. Dates that cannot be read are `None` (and logged),
/// never an error for the whole response.
///
/// Serializing gives the API's own JSON shape, dates in strict RFC 2822.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Participant {
    /// The account (project) the conference belongs to.
    pub account_sid: AccountSid,
    /// The participant's call; it identifies the participant within the conference.
    pub call_sid: CallSid,
    /// The call this participant is coaching, if any.
    pub call_sid_to_coach: Option<CallSid>,
    /// Whether the participant is coaching another call.
    pub coaching: bool,
    /// The conference the participant is in.
    pub conference_sid: ConferenceSid,
    /// When the participant joined.
    #[serde(with = "crate::time::optional")]
    pub date_created: Option<DateTime<FixedOffset>>,
    /// When the participant last changed.
    #[serde(with = "crate::time::optional")]
    pub date_updated: Option<DateTime<FixedOffset>>,
    /// Whether the conference ends when this participant leaves.
    pub end_conference_on_exit: bool,
    /// Whether the participant is on hold.
    pub hold: bool,
    /// Whether the participant is muted.
    pub muted: bool,
    /// Whether the conference started when this participant entered.
    pub start_conference_on_enter: bool,
    /// The state of the participant's call.
    pub status: ParticipantStatus,
    /// The participant's URI, relative to the host.
    pub uri: String,
    /// A name given to the participant (sent by Twilio, not by SignalWire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Milliseconds the participant waited in a queue (sent by Twilio, not by SignalWire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_time: Option<String>,
}

crate::wire::paging::page_from!(types::ParticipantPage, participants => Participant);

impl From<types::Participant> for Participant {
    fn from(p: types::Participant) -> Self {
        Self {
            account_sid: p.account_sid,
            call_sid: p.call_sid,
            call_sid_to_coach: p.call_sid_to_coach,
            coaching: p.coaching,
            conference_sid: p.conference_sid,
            date_created: p.date_created.and_then(|d| d.0),
            date_updated: p.date_updated.and_then(|d| d.0),
            end_conference_on_exit: p.end_conference_on_exit,
            hold: p.hold,
            muted: p.muted,
            start_conference_on_enter: p.start_conference_on_enter,
            status: p.status,
            uri: p.uri,
            label: p.label,
            queue_time: p.queue_time,
        }
    }
}

/// The state of a participant's call.
///
/// An open set: the values SignalWire and Twilio document have their own arms, and any other
/// text the server sends is kept in [`ParticipantStatus::Other`] rather than failing the
/// response.
///
/// ```
/// use signalwire_compat::ParticipantStatus;
///
/// assert_eq!(ParticipantStatus::from("in-progress"), ParticipantStatus::InProgress);
/// let odd = ParticipantStatus::from("on-the-moon");
/// assert_eq!(odd.as_str(), "on-the-moon");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParticipantStatus {
    /// `queued` (Twilio).
    Queued,
    /// `connecting` (Twilio).
    Connecting,
    /// `ringing` (Twilio).
    Ringing,
    /// `connected` (Twilio).
    Connected,
    /// `in-progress` (SignalWire).
    InProgress,
    /// `complete` (Twilio, and SignalWire's older documentation).
    Complete,
    /// `completed` (SignalWire).
    Completed,
    /// `failed` (Twilio).
    Failed,
    /// Any other value, kept as the server wrote it.
    Other(String),
}

impl ParticipantStatus {
    const KNOWN: [(&'static str, ParticipantStatus); 8] = [
        ("queued", Self::Queued),
        ("connecting", Self::Connecting),
        ("ringing", Self::Ringing),
        ("connected", Self::Connected),
        ("in-progress", Self::InProgress),
        ("complete", Self::Complete),
        ("completed", Self::Completed),
        ("failed", Self::Failed),
    ];

    /// The value as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(text) => text,
            known => Self::KNOWN
                .iter()
                .find(|(_, k)| k == known)
                .map(|(text, _)| *text)
                .unwrap_or_default(),
        }
    }

    /// Whether the call has ended (`complete`, `completed` or `failed`).
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Complete | Self::Completed | Self::Failed)
    }
}

impl From<&str> for ParticipantStatus {
    fn from(text: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|(known, _)| *known == text)
            .map(|(_, status)| status.clone())
            .unwrap_or_else(|| Self::Other(text.to_owned()))
    }
}

impl From<String> for ParticipantStatus {
    fn from(text: String) -> Self {
        match Self::from(text.as_str()) {
            Self::Other(_) => Self::Other(text),
            known => known,
        }
    }
}

impl fmt::Display for ParticipantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ParticipantStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ParticipantStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Ok(match text {
            std::borrow::Cow::Borrowed(t) => Self::from(t),
            std::borrow::Cow::Owned(t) => Self::from(t),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_round_trips() {
        for (text, status) in ParticipantStatus::KNOWN {
            assert_eq!(ParticipantStatus::from(text), status);
            assert_eq!(status.as_str(), text);
        }
        let other = ParticipantStatus::from("paused");
        assert_eq!(other, ParticipantStatus::Other("paused".into()));
        assert_eq!(other.to_string(), "paused");
    }
}
