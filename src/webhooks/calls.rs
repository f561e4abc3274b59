//! What SignalWire sends about calls: the request to a call's URL (which answers with cXML),
//! a call's status callbacks, and a recording's.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::{WebhookError, events::Reader};
use crate::{
    AccountSid, AnsweredBy, CallDirection, CallSid, CallStatus, ConferenceSid, RecordingSid,
};

/// A number as callbacks write it; text that is not one stays in `other`.
fn number<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.trim().parse().ok()
}

fn date(text: &str) -> Option<DateTime<FixedOffset>> {
    crate::time::parse_rfc2822(text).ok()
}

/// The request SignalWire makes to a call's URL (and to an `action` after a verb), which
/// answers with a [`VoiceResponse`](crate::cxml::VoiceResponse).
///
/// `call_sid` and `account_sid` are required; every other parameter is optional, since
/// which ones come depends on the call and on the verb that ran before. What a verb reports
/// (`Digits` after `<Gather>`, `RecordingUrl` after `<Record>`, `DialCallStatus` after
/// `<Dial>`) is here too. Any parameter not named here, and any value that cannot be read as
/// its field's type, is kept in [`other`](Self::other) as sent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VoiceRequest {
    /// The call (`CallSid`).
    pub call_sid: CallSid,
    /// The account (`AccountSid`).
    pub account_sid: AccountSid,
    /// The caller (`From`).
    pub from: Option<String>,
    /// The called number (`To`).
    pub to: Option<String>,
    /// The call's status (`CallStatus`).
    pub call_status: Option<CallStatus>,
    /// Which way it goes (`Direction`).
    pub direction: Option<CallDirection>,
    /// The API version (`ApiVersion`).
    pub api_version: Option<String>,
    /// The number the call was forwarded from (`ForwardedFrom`).
    pub forwarded_from: Option<String>,
    /// The caller's name (`CallerName`).
    pub caller_name: Option<String>,
    /// The call that placed this one (`ParentCallSid`).
    pub parent_call_sid: Option<CallSid>,
    /// The keys pressed in a `<Gather>` (`Digits`).
    pub digits: Option<String>,
    /// What was said in a `<Gather>` (`SpeechResult`).
    pub speech_result: Option<String>,
    /// How sure the speech recognition is, from 0 to 1 (`Confidence`).
    pub confidence: Option<f64>,
    /// The recording a `<Record>` made (`RecordingUrl`).
    pub recording_url: Option<String>,
    /// Its SID (`RecordingSid`).
    pub recording_sid: Option<RecordingSid>,
    /// Its length in seconds (`RecordingDuration`).
    pub recording_duration: Option<u64>,
    /// How a `<Dial>` ended (`DialCallStatus`).
    pub dial_call_status: Option<CallStatus>,
    /// The call a `<Dial>` placed (`DialCallSid`).
    pub dial_call_sid: Option<CallSid>,
    /// How long it lasted, in seconds (`DialCallDuration`).
    pub dial_call_duration: Option<u64>,
    /// Every other parameter, as sent.
    pub other: BTreeMap<String, String>,
}

impl VoiceRequest {
    /// Reads a request's form parameters. A name it reads that came twice with different
    /// values is refused ([`WebhookError::AmbiguousParameter`]); the same value twice is
    /// one; a name it does not read keeps its other values in `other` under `Name[2]`, ….
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        let mut r = Reader::new(pairs);
        let call_sid = CallSid::from(r.required("CallSid")?);
        let account_sid = AccountSid::from(r.required("AccountSid")?);
        let request = Self {
            call_sid,
            account_sid,
            from: r.text("From"),
            to: r.text("To"),
            call_status: r.text("CallStatus").map(CallStatus::from),
            direction: r.text("Direction").map(CallDirection::from),
            api_version: r.text("ApiVersion"),
            forwarded_from: r.text("ForwardedFrom"),
            caller_name: r.text("CallerName"),
            parent_call_sid: r.text("ParentCallSid").map(CallSid::from),
            digits: r.text("Digits"),
            speech_result: r.text("SpeechResult"),
            confidence: r.parsed("Confidence", number),
            recording_url: r.text("RecordingUrl"),
            recording_sid: r.text("RecordingSid").map(RecordingSid::from),
            recording_duration: r.parsed("RecordingDuration", number),
            dial_call_status: r.text("DialCallStatus").map(CallStatus::from),
            dial_call_sid: r.text("DialCallSid").map(CallSid::from),
            dial_call_duration: r.parsed("DialCallDuration", number),
            other: BTreeMap::new(),
        };
        r.unambiguous()?;
        Ok(Self {
            other: r.params,
            ..request
        })
    }
}

/// A call's status callback: where the call is in its life, sent to its `StatusCallback`.
///
/// `call_sid`, `account_sid` and `call_status` are required. With answering machine
/// detection, `answered_by` says who answered. As for every webhook type here, a parameter
/// not named, or a value that cannot be read, is kept in [`other`](Self::other).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallStatusCallback {
    /// The call (`CallSid`).
    pub call_sid: CallSid,
    /// The account (`AccountSid`).
    pub account_sid: AccountSid,
    /// Its status now (`CallStatus`).
    pub call_status: CallStatus,
    /// How long it lasted, in seconds, once over (`CallDuration`).
    pub call_duration: Option<u64>,
    /// When the change happened (`Timestamp`).
    pub timestamp: Option<DateTime<FixedOffset>>,
    /// The callback's place in the call's sequence, from 0 (`SequenceNumber`).
    pub sequence_number: Option<u64>,
    /// What sent it (`CallbackSource`).
    pub callback_source: Option<String>,
    /// The caller (`From`).
    pub from: Option<String>,
    /// The called number (`To`).
    pub to: Option<String>,
    /// Which way it goes (`Direction`).
    pub direction: Option<CallDirection>,
    /// The call that placed this one (`ParentCallSid`).
    pub parent_call_sid: Option<CallSid>,
    /// Who answered, with answering machine detection (`AnsweredBy`).
    pub answered_by: Option<AnsweredBy>,
    /// How long detection took, in milliseconds (`MachineDetectionDuration`).
    pub machine_detection_duration: Option<u64>,
    /// Which number ended the call (`HangupBy`).
    pub hangup_by: Option<String>,
    /// Which direction ended it (`HangupDirection`).
    pub hangup_direction: Option<String>,
    /// The audio's mean opinion score, 1 to 5 (`AudioInMos`).
    pub audio_in_mos: Option<f64>,
    /// The call's recording, when it was recorded (`RecordingUrl`).
    pub recording_url: Option<String>,
    /// Its SID (`RecordingSid`).
    pub recording_sid: Option<RecordingSid>,
    /// Its length in seconds (`RecordingDuration`).
    pub recording_duration: Option<u64>,
    /// Every other parameter, as sent.
    pub other: BTreeMap<String, String>,
}

impl CallStatusCallback {
    /// Reads a callback's form parameters, as [`VoiceRequest::from_form`] does.
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        let mut r = Reader::new(pairs);
        let call_sid = CallSid::from(r.required("CallSid")?);
        let account_sid = AccountSid::from(r.required("AccountSid")?);
        let call_status = CallStatus::from(r.required("CallStatus")?);
        let callback = Self {
            call_sid,
            account_sid,
            call_status,
            call_duration: r.parsed("CallDuration", number),
            timestamp: r.parsed("Timestamp", date),
            sequence_number: r.parsed("SequenceNumber", number),
            callback_source: r.text("CallbackSource"),
            from: r.text("From"),
            to: r.text("To"),
            direction: r.text("Direction").map(CallDirection::from),
            parent_call_sid: r.text("ParentCallSid").map(CallSid::from),
            answered_by: r.text("AnsweredBy").map(AnsweredBy::from),
            machine_detection_duration: r.parsed("MachineDetectionDuration", number),
            hangup_by: r.text("HangupBy"),
            hangup_direction: r.text("HangupDirection"),
            audio_in_mos: r.parsed("AudioInMos", number),
            recording_url: r.text("RecordingUrl"),
            recording_sid: r.text("RecordingSid").map(RecordingSid::from),
            recording_duration: r.parsed("RecordingDuration", number),
            other: BTreeMap::new(),
        };
        r.unambiguous()?;
        Ok(Self {
            other: r.params,
            ..callback
        })
    }
}

/// A recording's status callback, sent to its `RecordingStatusCallback` as it starts, ends
/// or fails.
///
/// `recording_sid`, `account_sid` and `recording_status` are required; a recording of a call
/// names its `call_sid`, one of a conference its `conference_sid`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordingStatusCallback {
    /// The recording (`RecordingSid`).
    pub recording_sid: RecordingSid,
    /// The account (`AccountSid`).
    pub account_sid: AccountSid,
    /// Its status (`RecordingStatus`): `in-progress`, `completed`, `absent`, `failed`.
    pub recording_status: crate::RecordingStatus,
    /// The call it records (`CallSid`).
    pub call_sid: Option<CallSid>,
    /// The conference it records (`ConferenceSid`).
    pub conference_sid: Option<ConferenceSid>,
    /// Where the audio is (`RecordingUrl`).
    pub recording_url: Option<String>,
    /// Its length in seconds (`RecordingDuration`).
    pub recording_duration: Option<u64>,
    /// `1` or `2` (`RecordingChannels`).
    pub recording_channels: Option<u32>,
    /// What started it (`RecordingSource`).
    pub recording_source: Option<crate::RecordingSource>,
    /// When it started (`RecordingStartTime`).
    pub recording_start_time: Option<DateTime<FixedOffset>>,
    /// Why it failed, when it did (`ErrorCode`).
    pub error_code: Option<String>,
    /// Every other parameter, as sent.
    pub other: BTreeMap<String, String>,
}

impl RecordingStatusCallback {
    /// Reads a callback's form parameters, as [`VoiceRequest::from_form`] does.
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        let mut r = Reader::new(pairs);
        let recording_sid = RecordingSid::from(r.required("RecordingSid")?);
        let account_sid = AccountSid::from(r.required("AccountSid")?);
        let recording_status = crate::RecordingStatus::from(r.required("RecordingStatus")?);
        let callback = Self {
            recording_sid,
            account_sid,
            recording_status,
            call_sid: r.text("CallSid").map(CallSid::from),
            conference_sid: r.text("ConferenceSid").map(ConferenceSid::from),
            recording_url: r.text("RecordingUrl"),
            recording_duration: r.parsed("RecordingDuration", number),
            recording_channels: r.parsed("RecordingChannels", number),
            recording_source: r.text("RecordingSource").map(crate::RecordingSource::from),
            recording_start_time: r.parsed("RecordingStartTime", date),
            error_code: r.text("ErrorCode"),
            other: BTreeMap::new(),
        };
        r.unambiguous()?;
        Ok(Self {
            other: r.params,
            ..callback
        })
    }
}

/// A webhook this crate reads: a form SignalWire sends, read into its type.
pub trait Webhook: Sized {
    /// Reads the form's parameters.
    fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError>;
}

impl Webhook for super::ConferenceEvent {
    fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        super::ConferenceEvent::from_form(pairs)
    }
}

impl Webhook for VoiceRequest {
    fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        VoiceRequest::from_form(pairs)
    }
}

impl Webhook for CallStatusCallback {
    fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        CallStatusCallback::from_form(pairs)
    }
}

impl Webhook for RecordingStatusCallback {
    fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError> {
        RecordingStatusCallback::from_form(pairs)
    }
}
