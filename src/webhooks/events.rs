//! Conference status callbacks, read into a typed event.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::WebhookError;
use crate::{AccountSid, CallSid, ConferenceSid};

crate::models::open_enum! {
    /// What happened, as a conference status callback's `StatusCallbackEvent` says.
    ///
    /// SignalWire documents ten events; Twilio adds `participant-modify` and the
    /// announcement events. Any other text is kept in [`ConferenceEventKind::Other`].
    pub enum ConferenceEventKind {
        /// `conference-start`.
        ConferenceStart = "conference-start",
        /// `conference-end`.
        ConferenceEnd = "conference-end",
        /// `participant-join`.
        ParticipantJoin = "participant-join",
        /// `participant-leave`.
        ParticipantLeave = "participant-leave",
        /// `participant-mute`.
        ParticipantMute = "participant-mute",
        /// `participant-unmute`.
        ParticipantUnmute = "participant-unmute",
        /// `participant-hold`.
        ParticipantHold = "participant-hold",
        /// `participant-unhold`.
        ParticipantUnhold = "participant-unhold",
        /// `participant-speech-start`.
        ParticipantSpeechStart = "participant-speech-start",
        /// `participant-speech-stop`.
        ParticipantSpeechStop = "participant-speech-stop",
        /// `participant-modify` (Twilio).
        ParticipantModify = "participant-modify",
        /// `announcement-end` (Twilio).
        AnnouncementEnd = "announcement-end",
        /// `announcement-fail` (Twilio).
        AnnouncementFail = "announcement-fail",
    }
}

/// A conference status callback: what happened, to which conference and participant.
///
/// Only `kind` and `conference_sid` are required: an event cannot exist without them.
/// SignalWire does not say which parameters come with which event, so every other field is
/// optional; booleans are read leniently (`true`/`false` in any case, `1`/`0`), the
/// timestamp as RFC 2822 (leniently, as everywhere in this crate). Any parameter not named
/// here, and any value that cannot be read as its field's type (it is then `None`), is kept
/// in [`other`](Self::other) as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConferenceEvent {
    /// What happened (`StatusCallbackEvent`).
    pub kind: ConferenceEventKind,
    /// The conference (`ConferenceSid`).
    pub conference_sid: ConferenceSid,
    /// The account (`AccountSid`).
    pub account_sid: Option<AccountSid>,
    /// The participant's call, for a participant's event (`CallSid`).
    pub call_sid: Option<CallSid>,
    /// The conference's name (`FriendlyName`).
    pub friendly_name: Option<String>,
    /// When it happened (`Timestamp`).
    pub timestamp: Option<DateTime<FixedOffset>>,
    /// The event's place in the conference's sequence (`SequenceNumber`, Twilio).
    pub sequence_number: Option<u64>,
    /// Whether the participant is muted (`Muted`).
    pub muted: Option<bool>,
    /// Whether the participant is on hold (`Hold`).
    pub hold: Option<bool>,
    /// Whether the participant is coaching (`Coaching`, Twilio).
    pub coaching: Option<bool>,
    /// Whether the conference ends when the participant leaves (`EndConferenceOnExit`).
    pub end_conference_on_exit: Option<bool>,
    /// Whether the participant started the conference (`StartConferenceOnEnter`).
    pub start_conference_on_enter: Option<bool>,
    /// The participant's call status (`CallStatus`).
    pub call_status: Option<String>,
    /// The call's direction (`Direction`).
    pub direction: Option<String>,
    /// The caller (`From`).
    pub from: Option<String>,
    /// The called number (`To`).
    pub to: Option<String>,
    /// The call that created the participant's call (`ParentCallSid`).
    pub parent_call_sid: Option<CallSid>,
    /// The participant's label (`ParticipantLabel`, Twilio).
    pub participant_label: Option<String>,
    /// The participant whose leaving ended the conference (`CallSidEndingConference`,
    /// Twilio).
    pub call_sid_ending_conference: Option<CallSid>,
    /// Why the conference ended (`ReasonConferenceEnded`, Twilio), such as
    /// `last-participant-left` or `conference-ended-via-api`.
    pub reason_conference_ended: Option<String>,
    /// Why the participant left (`ReasonParticipantLeft`, Twilio).
    pub reason_participant_left: Option<String>,
    /// A recording's URL, with the events that carry one (`RecordingUrl`).
    pub recording_url: Option<String>,
    /// Every other parameter, as sent.
    pub other: BTreeMap<String, String>,
}

/// Takes a callback's parameters out one by one; what is left is the event's `other`.
pub(super) struct Reader {
    pub(super) params: BTreeMap<String, String>,
    /// The names that came more than once with different values.
    conflicting: std::collections::BTreeSet<String>,
    /// The first such name the type asked for.
    ambiguous: Option<String>,
}

impl Reader {
    /// The parameters of a form. For a repeated name, the first value is the name's and the
    /// others are kept under `Name[2]`, `Name[3]`, …; a name read that came with different
    /// values makes [`Reader::unambiguous`] fail.
    pub(super) fn new(pairs: &[(String, String)]) -> Self {
        let mut params: BTreeMap<String, String> = BTreeMap::new();
        // The next number to try for each repeated name, so that reading is linear in the
        // number of pairs however often a name repeats (a name sent literally as `Name[2]`
        // is stepped over, and each step is taken once).
        let mut next: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut conflicting = std::collections::BTreeSet::new();
        for (key, value) in pairs {
            if let Some(first) = params.get(key) {
                if first != value {
                    conflicting.insert(key.clone());
                }
                let n = next.entry(key.as_str()).or_insert(2);
                while params.contains_key(&format!("{key}[{n}]")) {
                    *n += 1;
                }
                params.insert(format!("{key}[{n}]"), value.clone());
                *n += 1;
            } else {
                params.insert(key.clone(), value.clone());
            }
        }
        Self {
            params,
            conflicting,
            ambiguous: None,
        }
    }

    /// Fails when a parameter the type read came more than once with different values.
    pub(super) fn unambiguous(&self) -> Result<(), WebhookError> {
        match &self.ambiguous {
            Some(name) => Err(WebhookError::AmbiguousParameter(name.clone())),
            None => Ok(()),
        }
    }

    /// A required parameter's text.
    pub(super) fn required(&mut self, name: &'static str) -> Result<String, WebhookError> {
        self.text(name).ok_or(WebhookError::MissingParameter(name))
    }

    /// A parameter's text; an empty one counts as absent.
    pub(super) fn text(&mut self, name: &str) -> Option<String> {
        if self.ambiguous.is_none() && self.conflicting.contains(name) {
            self.ambiguous = Some(name.to_owned());
        }
        self.params.remove(name).filter(|v| !v.is_empty())
    }

    /// A parameter read as a type; text that cannot be read stays in `other`, as sent.
    pub(super) fn parsed<T>(&mut self, name: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let text = self.text(name)?;
        let value = parse(&text);
        if value.is_none() {
            self.params.insert(name.to_owned(), text);
        }
        value
    }
}

/// A boolean as callbacks write it: `true`/`false` in any case, or `1`/`0`.
fn lenient_bool(text: &str) -> Option<bool> {
    match text.trim() {
        t if t.eq_ignore_ascii_case("true") || t == "1" => Some(true),
        t if t.eq_ignore_ascii_case("false") || t == "0" => Some(false),
        _ => None,
    }
}

impl ConferenceEvent {
    /// Reads a callback's form parameters. A name it reads that came twice with different
    /// values is refused ([`WebhookError::AmbiguousParameter`]): a signature over sorted
    /// values cannot say which came first. The same value twice is one; a name it does not
    /// read keeps its other values in `other` under `Name[2]`, `Name[3]`, ….
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        let mut r = Reader::new(pairs);
        let kind = r
            .text("StatusCallbackEvent")
            .map(ConferenceEventKind::from)
            .ok_or(WebhookError::MissingParameter("StatusCallbackEvent"))?;
        let conference_sid = r
            .text("ConferenceSid")
            .map(ConferenceSid::from)
            .ok_or(WebhookError::MissingParameter("ConferenceSid"))?;
        let event = Self {
            kind,
            conference_sid,
            account_sid: r.text("AccountSid").map(AccountSid::from),
            call_sid: r.text("CallSid").map(CallSid::from),
            friendly_name: r.text("FriendlyName"),
            timestamp: r.parsed("Timestamp", |t| crate::time::parse_rfc2822(t).ok()),
            sequence_number: r.parsed("SequenceNumber", |n| n.trim().parse().ok()),
            muted: r.parsed("Muted", lenient_bool),
            hold: r.parsed("Hold", lenient_bool),
            coaching: r.parsed("Coaching", lenient_bool),
            end_conference_on_exit: r.parsed("EndConferenceOnExit", lenient_bool),
            start_conference_on_enter: r.parsed("StartConferenceOnEnter", lenient_bool),
            call_status: r.text("CallStatus"),
            direction: r.text("Direction"),
            from: r.text("From"),
            to: r.text("To"),
            parent_call_sid: r.text("ParentCallSid").map(CallSid::from),
            participant_label: r.text("ParticipantLabel"),
            call_sid_ending_conference: r.text("CallSidEndingConference").map(CallSid::from),
            reason_conference_ended: r.text("ReasonConferenceEnded"),
            reason_participant_left: r.text("ReasonParticipantLeft"),
            recording_url: r.text("RecordingUrl"),
            other: BTreeMap::new(),
        };
        r.unambiguous()?;
        let params = r.params;
        Ok(Self {
            other: params,
            ..event
        })
    }
}
