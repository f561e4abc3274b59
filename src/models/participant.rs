//! A conference participant and its call status.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

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

crate::models::open_enum! {
    /// The state of a participant's call.
    ///
    /// An open set: the values SignalWire and Twilio document have their own arms, and any
    /// other text the server sends is kept in [`ParticipantStatus::Other`] rather than failing
    /// the response.
    ///
    /// ```
    /// use signalwire_compat::ParticipantStatus;
    ///
    /// assert_eq!(ParticipantStatus::from("in-progress"), ParticipantStatus::InProgress);
    /// let odd = ParticipantStatus::from("on-the-moon");
    /// assert_eq!(odd.as_str(), "on-the-moon");
    /// ```
    pub enum ParticipantStatus {
        /// `queued` (Twilio).
        Queued = "queued",
        /// `connecting` (Twilio).
        Connecting = "connecting",
        /// `ringing` (Twilio).
        Ringing = "ringing",
        /// `connected` (Twilio).
        Connected = "connected",
        /// `in-progress` (SignalWire).
        InProgress = "in-progress",
        /// `complete` (Twilio, and SignalWire's older documentation).
        Complete = "complete",
        /// `completed` (SignalWire).
        Completed = "completed",
        /// `failed` (Twilio).
        Failed = "failed",
    }
}

impl ParticipantStatus {
    /// Whether the call has ended (`complete`, `completed` or `failed`).
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Complete | Self::Completed | Self::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_round_trips() {
        for (text, status) in ParticipantStatus::KNOWN {
            assert_eq!(&ParticipantStatus::from(*text), status);
            assert_eq!(status.as_str(), *text);
        }
        let other = ParticipantStatus::from("paused");
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"paused\"");
        assert_eq!(other, ParticipantStatus::Other("paused".into()));
        assert_eq!(other.to_string(), "paused");
    }

    #[test]
    fn a_participant_reads_back_what_it_writes() {
        let p = crate::__private::decode_participant(
            br#"{"account_sid": "a", "call_sid": "c", "call_sid_to_coach": null, "coaching": false,
                 "conference_sid": "f", "date_created": "Mon, 24 Sept 2018 21:00:00 +0000",
                 "date_updated": "Tue, 25 Sep 2018 20:00:00 -0330", "end_conference_on_exit": false,
                 "hold": true, "muted": false, "start_conference_on_enter": true,
                 "status": "in-progress", "uri": "/u.json"}"#,
        )
        .unwrap();
        assert!(p.date_created.is_some() && p.date_updated.is_some());
        let text = serde_json::to_string(&p).unwrap();
        assert!(
            text.contains("\"date_updated\":\"Tue, 25 Sep 2018 20:00:00 -0330\""),
            "{text}"
        );
        let again: Participant = serde_json::from_str(&text).unwrap();
        assert_eq!(again, p);
    }
}
