//! The called party's side of a call the emulator runs: pressing keys, speaking, hanging up,
//! and reading what the call's cXML did. The control endpoints (`POST
//! /__emulator/calls/{sid}/digits`, `…/speech`, `…/hangup`, `GET …/log`) and the
//! [`Emulator`]'s methods of the same names do the same thing through these functions.

use std::{fmt, time::Duration};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Emulator, conferences::Pending, response::Refusal, state::State};
use crate::{IntoSid, sid::kind};

/// The most characters one thing said may have.
const MAX_SAID_CHARS: usize = 1_000;

/// The called party presses `digits` (1 to 64 of `0`–`9`, `*`, `#`): a `<Gather>` takes
/// them, a `<Record>` or a bridge may end on them.
pub(crate) fn press(
    state: &mut State,
    project: &Uuid,
    call: &Uuid,
    digits: &str,
    now: DateTime<Utc>,
    path: &str,
) -> Result<(), Refusal> {
    super::runner::check_digits(digits).map_err(Refusal::bad)?;
    let (calls, _) = state.calls_mut(project, path)?;
    let run = calls.live_run_mut(call, path)?;
    run.log(now, "input", json!({ "pressed": digits }));
    run.press(digits);
    Ok(())
}

/// The called party says `text` (1 to 1,000 characters), taking as long as `<Say>` would.
pub(crate) fn say(
    state: &mut State,
    project: &Uuid,
    call: &Uuid,
    text: &str,
    now: DateTime<Utc>,
    path: &str,
) -> Result<(), Refusal> {
    if text.trim().is_empty() || text.chars().count() > MAX_SAID_CHARS {
        return Err(Refusal::bad(format!(
            "text must have from 1 to {MAX_SAID_CHARS} characters"
        )));
    }
    let (calls, _) = state.calls_mut(project, path)?;
    let run = calls.live_run_mut(call, path)?;
    run.log(now, "input", json!({ "said": text }));
    run.say(text, now);
    Ok(())
}

/// The called party hangs up: the call completes, with the events to send.
pub(crate) fn hang_up(
    state: &mut State,
    project: &Uuid,
    call: &Uuid,
    now: DateTime<Utc>,
    path: &str,
) -> Result<Vec<Pending>, Refusal> {
    let (calls, _) = state.calls_mut(project, path)?;
    calls
        .live_run_mut(call, path)?
        .log(now, "input", json!({ "hung_up": true }));
    Ok(calls
        .end_call(project, call, crate::CallStatus::Completed, now)
        .unwrap_or_default())
}

/// The call's log as the control endpoint answers it; 410 once it is let go.
pub(crate) fn log(
    state: &mut State,
    project: &Uuid,
    call: &Uuid,
    path: &str,
) -> Result<Value, Refusal> {
    let (calls, _) = state.calls_mut(project, path)?;
    let run = calls
        .run_mut(call)
        .ok_or_else(|| Refusal::not_found(path))?;
    run.log_json(call).ok_or_else(|| {
        Refusal::new(
            410,
            20404,
            format!(
                "the log of call {call} is no longer kept: the emulator keeps the logs of the last {} calls that ended",
                super::MAX_ENDED_LOGS
            ),
        )
    })
}

/// One line of a call's log: what its cXML did, what was asked of the app, what the called
/// party did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct CallLogEntry {
    /// When, on the emulator's clock (RFC 3339).
    pub at: String,
    /// `request`, `verb`, `skipped`, `input`, `heard`, `recording`, `callback`, `error` or `ended`.
    pub event: String,
    /// What happened, by the event: `{"verb": "Say", "text": …}`, `{"code": 11200, …}`.
    #[serde(flatten)]
    pub detail: serde_json::Map<String, Value>,
}

impl CallLogEntry {
    /// The detail named `key`, as text, when it is text.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.detail.get(key).and_then(Value::as_str)
    }

    /// Whether this is the verb `name` being run (`Gather`, `Say`, …).
    pub fn is_verb(&self, name: &str) -> bool {
        self.event == "verb" && self.text("verb") == Some(name)
    }
}

/// A control action on a call the emulator refused: the call is not one of the project's,
/// is over, or the input is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    status: u16,
    code: u32,
    message: String,
}

impl ControlError {
    /// A refusal of the control endpoints, as the same action from Rust gives it.
    pub(super) fn from_refusal(refused: Refusal) -> Self {
        Self {
            status: refused.status,
            code: refused.code,
            message: refused.message,
        }
    }

    /// Input refused before anything is looked at (400).
    pub(super) fn bad(code: u32, message: String) -> Self {
        Self {
            status: 400,
            code,
            message,
        }
    }

    /// What the emulator wrote and could not read back: a fault of the emulator (500).
    pub(super) fn internal(message: String) -> Self {
        Self {
            status: 500,
            code: 0,
            message,
        }
    }

    /// The HTTP status the control endpoint answers for the same request (404, 409, 410, …).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// SignalWire's error code for it, as the control endpoint's body carries it.
    pub fn code(&self) -> u32 {
        self.code
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {}, code {})",
            crate::Printable::new(&self.message),
            self.status,
            self.code
        )
    }
}

impl std::error::Error for ControlError {}

/// The call named, or why it cannot be.
fn call_of(call_sid: impl IntoSid<kind::Call>) -> Result<Uuid, ControlError> {
    sid_of(call_sid, "call")
}

/// The SID of a `what` (`call`, `message`) named, or why it cannot be (400, 21201).
pub(super) fn sid_of<K>(sid: impl IntoSid<K>, what: &str) -> Result<Uuid, ControlError> {
    sid.into_sid().map_err(|text| {
        ControlError::bad(
            21201,
            format!(
                "{:?} is not a {what} SID",
                crate::Printable::new(&text).to_string()
            ),
        )
    })
}

/// The called party's side of the calls the emulator runs for the first project, from Rust:
/// what the control endpoints under `/__emulator/calls/{sid}/` do over HTTP.
impl Emulator {
    fn act<T>(
        &self,
        call_sid: impl IntoSid<kind::Call>,
        what: &str,
        act: impl FnOnce(&mut State, &Uuid, DateTime<Utc>, &str) -> Result<T, Refusal>,
    ) -> Result<T, ControlError> {
        let call = call_of(call_sid)?;
        let path = format!("{}/calls/{call}/{what}", super::http::CONTROL_PATH);
        let mut state = self.app.state();
        let now = self.app.clock.now();
        act(&mut state, &call, now, &path).map_err(ControlError::from_refusal)
    }

    /// The called party presses `digits` (1 to 64 of `0`–`9`, `*` and `#`) on a call in
    /// progress: a `<Gather>` takes them (keys pressed before it are kept for it), a
    /// `<Record>` ends on one of its `finishOnKey`, a bridge on `*` with `hangupOnStar`.
    ///
    /// ```no_run
    /// # async fn demo(emulator: signalwire_compat::emulator::Emulator, call: signalwire_compat::Call) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// emulator
    ///     .wait_for_log(&call.sid, Duration::from_secs(5), |e| e.is_verb("Gather"))
    ///     .await?;
    /// emulator.press(&call.sid, "2")?;
    /// # Ok(()) }
    /// ```
    pub fn press(
        &self,
        call_sid: impl IntoSid<kind::Call>,
        digits: &str,
    ) -> Result<(), ControlError> {
        self.act(call_sid, "digits", |state, call, now, path| {
            press(state, &self.project_id, call, digits, now, path)
        })
    }

    /// The called party says `text` (1 to 1,000 characters) on a call in progress, taking
    /// 0.4 s a word as `<Say>` does: a `<Gather input="speech">` hears it as its
    /// `SpeechResult`, a `<Record>` records it.
    pub fn say(&self, call_sid: impl IntoSid<kind::Call>, text: &str) -> Result<(), ControlError> {
        self.act(call_sid, "speech", |state, call, now, path| {
            say(state, &self.project_id, call, text, now, path)
        })
    }

    /// The called party hangs up a call in progress: it completes, with its status
    /// callback's `completed`.
    pub fn hang_up(&self, call_sid: impl IntoSid<kind::Call>) -> Result<(), ControlError> {
        let pending = self.act(call_sid, "hangup", |state, call, now, path| {
            let mut pending = hang_up(state, &self.project_id, call, now, path)?;
            pending.extend(state.settle(&self.project_id, now));
            Ok(pending)
        })?;
        self.app.dispatch(&self.project_id, pending);
        Ok(())
    }

    /// The log of a call the emulator ran, oldest first: every request to the app, verb
    /// run, input, recording and error, and its end (the last
    /// [`MAX_LOG`](super::MAX_LOG) entries).
    pub fn call_log(
        &self,
        call_sid: impl IntoSid<kind::Call>,
    ) -> Result<Vec<CallLogEntry>, ControlError> {
        let log = self.act(call_sid, "log", |state, call, _, path| {
            log(state, &self.project_id, call, path)
        })?;
        serde_json::from_value(log["log"].clone())
            .map_err(|e| ControlError::internal(format!("the call's log does not read: {e}")))
    }

    /// Waits, in real time and at most `within`, until the call's log has an entry `wanted`
    /// accepts: the first such entry. Fails when the time passes first (with the last
    /// entries of the log in the message), or when the call cannot be looked at.
    ///
    /// ```no_run
    /// # async fn demo(emulator: signalwire_compat::emulator::Emulator, call: signalwire_compat::Call) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// let ended = emulator
    ///     .wait_for_log(&call.sid, Duration::from_secs(10), |e| e.event == "ended")
    ///     .await?;
    /// println!("the call ended: {:?}", ended.text("why"));
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_log(
        &self,
        call_sid: impl IntoSid<kind::Call>,
        within: Duration,
        wanted: impl Fn(&CallLogEntry) -> bool,
    ) -> Result<CallLogEntry, ControlError> {
        let call = call_of(call_sid)?;
        wait_in_log(&format!("call {call}"), within, wanted, || {
            self.call_log(call)
        })
        .await
    }
}

/// Reads a log (`read`) every 10 ms, in real time and at most `within`, until it has an
/// entry `wanted` accepts: the first such entry. Fails when the time passes first (with
/// the last entries of the log in the message, which names `what`), or when the log cannot
/// be read.
pub(super) async fn wait_in_log(
    what: &str,
    within: Duration,
    wanted: impl Fn(&CallLogEntry) -> bool,
    read: impl Fn() -> Result<Vec<CallLogEntry>, ControlError>,
) -> Result<CallLogEntry, ControlError> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let log = read()?;
        if let Some(found) = log.iter().find(|e| wanted(e)) {
            return Ok(found.clone());
        }
        if tokio::time::Instant::now() >= deadline {
            let last: Vec<String> = log
                .iter()
                .rev()
                .take(3)
                .rev()
                .map(|e| json!(e).to_string())
                .collect();
            return Err(ControlError {
                status: 408,
                code: 0,
                message: format!(
                    "{what}'s log had no such entry within {within:?}; its last entries: {}",
                    last.join(", ")
                ),
            });
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
