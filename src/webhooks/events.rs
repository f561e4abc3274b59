//! Conference status callbacks, read into a typed event.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::WebhookError;
use crate::{AccountSid, CallSid, ConferenceSid};

/// A webhook type: its fields, each with its documentation, its type and how it is read
/// from the form's [`Reader`] (named by the caller), and the `other` field of what is left.
/// Writes the struct, its `from_form` (every field read in the order written, then the
/// repeated-name check) and its [`Webhook`](super::Webhook) impl.
macro_rules! webhook {
    (
        $(#[$meta:meta])*
        pub struct $name:ident;
        $(#[$fdoc:meta])*
        fn from_form($r:ident) {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $init:expr, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Every other parameter, as sent.
            pub other: ::std::collections::BTreeMap<String, String>,
        }

        impl $name {
            $(#[$fdoc])*
            pub fn from_form(pairs: &[(String, String)]) -> Result<Self, super::WebhookError> {
                let mut $r = super::events::Reader::new(pairs);
                let read = Self {
                    $( $field: $init, )*
                    other: ::std::collections::BTreeMap::new(),
                };
                $r.unambiguous()?;
                Ok(Self {
                    other: $r.params,
                    ..read
                })
            }
        }

        impl super::Webhook for $name {
            fn from_form(pairs: &[(String, String)]) -> Result<Self, super::WebhookError> {
                $name::from_form(pairs)
            }
        }
    };
}

pub(super) use webhook;

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

webhook! {
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
    pub struct ConferenceEvent;
    /// Reads a callback's form parameters. A name it reads that came twice with different
    /// values is refused ([`WebhookError::AmbiguousParameter`]): a signature over sorted
    /// values cannot say which came first. The same value twice is one; a name it does not
    /// read keeps its other values in `other` under `Name[2]`, `Name[3]`, ….
    fn from_form(r) {
        /// What happened (`StatusCallbackEvent`).
        kind: ConferenceEventKind = ConferenceEventKind::from(r.required("StatusCallbackEvent")?),
        /// The conference (`ConferenceSid`).
        conference_sid: ConferenceSid = ConferenceSid::from(r.required("ConferenceSid")?),
        /// The account (`AccountSid`).
        account_sid: Option<AccountSid> = r.text("AccountSid").map(AccountSid::from),
        /// The participant's call, for a participant's event (`CallSid`).
        call_sid: Option<CallSid> = r.text("CallSid").map(CallSid::from),
        /// The conference's name (`FriendlyName`).
        friendly_name: Option<String> = r.text("FriendlyName"),
        /// When it happened (`Timestamp`).
        timestamp: Option<DateTime<FixedOffset>> = r.parsed("Timestamp", |t| crate::time::parse_rfc2822(t).ok()),
        /// The event's place in the conference's sequence (`SequenceNumber`, Twilio).
        sequence_number: Option<u64> = r.parsed("SequenceNumber", |n| n.trim().parse().ok()),
        /// Whether the participant is muted (`Muted`).
        muted: Option<bool> = r.parsed("Muted", lenient_bool),
        /// Whether the participant is on hold (`Hold`).
        hold: Option<bool> = r.parsed("Hold", lenient_bool),
        /// Whether the participant is coaching (`Coaching`, Twilio).
        coaching: Option<bool> = r.parsed("Coaching", lenient_bool),
        /// Whether the conference ends when the participant leaves (`EndConferenceOnExit`).
        end_conference_on_exit: Option<bool> = r.parsed("EndConferenceOnExit", lenient_bool),
        /// Whether the participant started the conference (`StartConferenceOnEnter`).
        start_conference_on_enter: Option<bool> = r.parsed("StartConferenceOnEnter", lenient_bool),
        /// The participant's call status (`CallStatus`).
        call_status: Option<String> = r.text("CallStatus"),
        /// The call's direction (`Direction`).
        direction: Option<String> = r.text("Direction"),
        /// The caller (`From`).
        from: Option<String> = r.text("From"),
        /// The called number (`To`).
        to: Option<String> = r.text("To"),
        /// The call that created the participant's call (`ParentCallSid`).
        parent_call_sid: Option<CallSid> = r.text("ParentCallSid").map(CallSid::from),
        /// The participant's label (`ParticipantLabel`, Twilio).
        participant_label: Option<String> = r.text("ParticipantLabel"),
        /// The participant whose leaving ended the conference (`CallSidEndingConference`,
        /// Twilio).
        call_sid_ending_conference: Option<CallSid> = r.text("CallSidEndingConference").map(CallSid::from),
        /// Why the conference ended (`ReasonConferenceEnded`, Twilio), such as
        /// `last-participant-left` or `conference-ended-via-api`.
        reason_conference_ended: Option<String> = r.text("ReasonConferenceEnded"),
        /// Why the participant left (`ReasonParticipantLeft`, Twilio).
        reason_participant_left: Option<String> = r.text("ReasonParticipantLeft"),
        /// A recording's URL, with the events that carry one (`RecordingUrl`).
        recording_url: Option<String> = r.text("RecordingUrl"),
    }
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
