//! What SignalWire sends about calls: the request to a call's URL (which answers with cXML),
//! a call's status callbacks, and a recording's.

use chrono::{DateTime, FixedOffset};

use super::{WebhookError, events::webhook};
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

webhook! {
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
    pub struct VoiceRequest;
    /// Reads a request's form parameters. A name it reads that came twice with different
    /// values is refused ([`WebhookError::AmbiguousParameter`]); the same value twice is
    /// one; a name it does not read keeps its other values in `other` under `Name[2]`, ….
    fn from_form(r) {
        /// The call (`CallSid`).
        call_sid: CallSid = CallSid::from(r.required("CallSid")?),
        /// The account (`AccountSid`).
        account_sid: AccountSid = AccountSid::from(r.required("AccountSid")?),
        /// The caller (`From`).
        from: Option<String> = r.text("From"),
        /// The called number (`To`).
        to: Option<String> = r.text("To"),
        /// The call's status (`CallStatus`).
        call_status: Option<CallStatus> = r.text("CallStatus").map(CallStatus::from),
        /// Which way it goes (`Direction`).
        direction: Option<CallDirection> = r.text("Direction").map(CallDirection::from),
        /// The API version (`ApiVersion`).
        api_version: Option<String> = r.text("ApiVersion"),
        /// The number the call was forwarded from (`ForwardedFrom`).
        forwarded_from: Option<String> = r.text("ForwardedFrom"),
        /// The caller's name (`CallerName`).
        caller_name: Option<String> = r.text("CallerName"),
        /// The call that placed this one (`ParentCallSid`).
        parent_call_sid: Option<CallSid> = r.text("ParentCallSid").map(CallSid::from),
        /// The keys pressed in a `<Gather>` (`Digits`).
        digits: Option<String> = r.text("Digits"),
        /// What was said in a `<Gather>` (`SpeechResult`).
        speech_result: Option<String> = r.text("SpeechResult"),
        /// How sure the speech recognition is, from 0 to 1 (`Confidence`).
        confidence: Option<f64> = r.parsed("Confidence", number),
        /// The recording a `<Record>` made (`RecordingUrl`).
        recording_url: Option<String> = r.text("RecordingUrl"),
        /// Its SID (`RecordingSid`).
        recording_sid: Option<RecordingSid> = r.text("RecordingSid").map(RecordingSid::from),
        /// Its length in seconds (`RecordingDuration`).
        recording_duration: Option<u64> = r.parsed("RecordingDuration", number),
        /// How a `<Dial>` ended (`DialCallStatus`).
        dial_call_status: Option<CallStatus> = r.text("DialCallStatus").map(CallStatus::from),
        /// The call a `<Dial>` placed (`DialCallSid`).
        dial_call_sid: Option<CallSid> = r.text("DialCallSid").map(CallSid::from),
        /// How long it lasted, in seconds (`DialCallDuration`).
        dial_call_duration: Option<u64> = r.parsed("DialCallDuration", number),
    }
}

webhook! {
    /// A call's status callback: where the call is in its life, sent to its `StatusCallback`.
    ///
    /// `call_sid`, `account_sid` and `call_status` are required. With answering machine
    /// detection, `answered_by` says who answered. As for every webhook type here, a parameter
    /// not named, or a value that cannot be read, is kept in [`other`](Self::other).
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct CallStatusCallback;
    /// Reads a callback's form parameters, as [`VoiceRequest::from_form`] does.
    fn from_form(r) {
        /// The call (`CallSid`).
        call_sid: CallSid = CallSid::from(r.required("CallSid")?),
        /// The account (`AccountSid`).
        account_sid: AccountSid = AccountSid::from(r.required("AccountSid")?),
        /// Its status now (`CallStatus`).
        call_status: CallStatus = CallStatus::from(r.required("CallStatus")?),
        /// How long it lasted, in seconds, once over (`CallDuration`).
        call_duration: Option<u64> = r.parsed("CallDuration", number),
        /// When the change happened (`Timestamp`).
        timestamp: Option<DateTime<FixedOffset>> = r.parsed("Timestamp", date),
        /// The callback's place in the call's sequence, from 0 (`SequenceNumber`).
        sequence_number: Option<u64> = r.parsed("SequenceNumber", number),
        /// What sent it (`CallbackSource`).
        callback_source: Option<String> = r.text("CallbackSource"),
        /// The caller (`From`).
        from: Option<String> = r.text("From"),
        /// The called number (`To`).
        to: Option<String> = r.text("To"),
        /// Which way it goes (`Direction`).
        direction: Option<CallDirection> = r.text("Direction").map(CallDirection::from),
        /// The call that placed this one (`ParentCallSid`).
        parent_call_sid: Option<CallSid> = r.text("ParentCallSid").map(CallSid::from),
        /// Who answered, with answering machine detection (`AnsweredBy`).
        answered_by: Option<AnsweredBy> = r.text("AnsweredBy").map(AnsweredBy::from),
        /// How long detection took, in milliseconds (`MachineDetectionDuration`).
        machine_detection_duration: Option<u64> = r.parsed("MachineDetectionDuration", number),
        /// Which number ended the call (`HangupBy`).
        hangup_by: Option<String> = r.text("HangupBy"),
        /// Which direction ended it (`HangupDirection`).
        hangup_direction: Option<String> = r.text("HangupDirection"),
        /// The audio's mean opinion score, 1 to 5 (`AudioInMos`).
        audio_in_mos: Option<f64> = r.parsed("AudioInMos", number),
        /// The call's recording, when it was recorded (`RecordingUrl`).
        recording_url: Option<String> = r.text("RecordingUrl"),
        /// Its SID (`RecordingSid`).
        recording_sid: Option<RecordingSid> = r.text("RecordingSid").map(RecordingSid::from),
        /// Its length in seconds (`RecordingDuration`).
        recording_duration: Option<u64> = r.parsed("RecordingDuration", number),
    }
}

webhook! {
    /// A recording's status callback, sent to its `RecordingStatusCallback` as it starts, ends
    /// or fails.
    ///
    /// `recording_sid`, `account_sid` and `recording_status` are required; a recording of a call
    /// names its `call_sid`, one of a conference its `conference_sid`.
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct RecordingStatusCallback;
    /// Reads a callback's form parameters, as [`VoiceRequest::from_form`] does.
    fn from_form(r) {
        /// The recording (`RecordingSid`).
        recording_sid: RecordingSid = RecordingSid::from(r.required("RecordingSid")?),
        /// The account (`AccountSid`).
        account_sid: AccountSid = AccountSid::from(r.required("AccountSid")?),
        /// Its status (`RecordingStatus`): `in-progress`, `completed`, `absent`, `failed`.
        recording_status: crate::RecordingStatus = crate::RecordingStatus::from(r.required("RecordingStatus")?),
        /// The call it records (`CallSid`).
        call_sid: Option<CallSid> = r.text("CallSid").map(CallSid::from),
        /// The conference it records (`ConferenceSid`).
        conference_sid: Option<ConferenceSid> = r.text("ConferenceSid").map(ConferenceSid::from),
        /// Where the audio is (`RecordingUrl`).
        recording_url: Option<String> = r.text("RecordingUrl"),
        /// Its length in seconds (`RecordingDuration`).
        recording_duration: Option<u64> = r.parsed("RecordingDuration", number),
        /// `1` or `2` (`RecordingChannels`).
        recording_channels: Option<u32> = r.parsed("RecordingChannels", number),
        /// What started it (`RecordingSource`).
        recording_source: Option<crate::RecordingSource> = r.text("RecordingSource").map(crate::RecordingSource::from),
        /// When it started (`RecordingStartTime`).
        recording_start_time: Option<DateTime<FixedOffset>> = r.parsed("RecordingStartTime", date),
        /// Why it failed, when it did (`ErrorCode`).
        error_code: Option<String> = r.text("ErrorCode"),
    }
}

/// A webhook this crate reads: a form SignalWire sends, read into its type.
pub trait Webhook: Sized {
    /// Reads the form's parameters.
    fn from_form(pairs: &[(String, String)]) -> Result<Self, WebhookError>;
}
