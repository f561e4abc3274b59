//! Running a call's cXML, as a SignalWire space does once the call is answered: the
//! emulator asks the call's URL for a document (signed, with SignalWire's parameters and
//! its timeouts), reads it, and carries out its verbs on the emulator's clock, asking again
//! where a verb says so (`<Redirect>`, a `<Gather>`'s `action`). Every request, verb, input
//! and error goes in the call's log (`GET /__emulator/calls/{sid}/log`).
//!
//! What takes time takes it on the emulator's clock: `<Say>` [`SAY_PER_WORD`] a word (at
//! least a second), `<Play>` [`PLAY_LENGTH`] a file (or [`KEY_LENGTH`] a key it plays),
//! `<Pause>` its length, `<Gather>` until its input ends or its `timeout` passes. The
//! called party's keys, speech and hang-up come from control requests.
//!
//! A document that cannot be had ends the call, as SignalWire ends it, with the error in the
//! log: 11200 (no answer, a refused connection, a status other than 2xx), 11215 (more than
//! [`MAX_HTTP_REDIRECTS`] HTTP redirects), 11750 (a body over [`MAX_DOCUMENT_BYTES`]), 12100
//! (a body that is not a cXML document). A URL that is not on this machine is not asked
//! unless the emulator allows remote callbacks: the call then waits, in progress, until it
//! is ended, and its log says why.

use std::{collections::VecDeque, sync::Arc, time::Duration};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Notify;
use uuid::Uuid;

use super::{
    callbacks::{Join, StatusCallback},
    calls::{CallCxml, later},
    conferences::COACH_NOT_CONNECTED,
    http::App,
    streams::STREAM_EVENTS,
};
use crate::{
    CallStatus, CallbackMethod,
    cxml::{
        AttrValue, Beep, Conference, ConferenceRecord, ConnectNoun, Dial, DialNoun, GatherInput,
        GatherPrompt, Number, RejectReason, StartNoun, VoiceResponse, VoiceVerb,
    },
    webhooks::SigningKey,
};

/// How long the emulator waits to connect to an app, as SignalWire does.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the emulator waits for an app's answer (and between its packets), as
/// SignalWire does.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The most time one request to an app may take in all, as SignalWire allows.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

/// The largest document the emulator reads, as SignalWire's limit (error 11750).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// The most HTTP redirects followed for one request, as SignalWire follows (error 11215).
pub const MAX_HTTP_REDIRECTS: usize = 3;

/// The most documents one call asks for (through `<Redirect>` and `<Gather>`); past it the
/// call ends, so that an app that redirects forever cannot keep a call running forever.
pub const MAX_DOCUMENTS: usize = 100;

/// The most entries a call's log keeps, the oldest dropped first.
pub const MAX_LOG: usize = 1_000;

/// How long `<Say>` takes a word.
pub const SAY_PER_WORD: Duration = Duration::from_millis(400);

/// How long `<Play>` takes a file: the emulator does not fetch audio.
pub const PLAY_LENGTH: Duration = Duration::from_secs(5);

/// How long `<Play digits>` takes a key (`w`, a wait, takes half a second).
pub const KEY_LENGTH: Duration = Duration::from_millis(200);

/// The most keys a call keeps while no `<Gather>` takes them.
pub const MAX_KEYS: usize = 256;

/// The longest a `<Dial>` lasts when it sets no `timeLimit`, in seconds, as SignalWire's
/// default.
pub const DIAL_TIME_LIMIT: u32 = 14_400;

/// The most participants a conference takes, and what `maxParticipants` is held to.
pub const MAX_PARTICIPANTS: usize = 250;

/// How long a `<Dial>` lets its call ring when it sets no `timeout`, in seconds, as
/// SignalWire's default (a `timeout` is held to 5 to 600).
pub const DIAL_TIMEOUT: u32 = 30;

/// The longest room name `<Conference>` takes, in characters.
pub const MAX_ROOM_NAME: usize = 128;

/// The longest `<Record>`, in seconds, when its `maxLength` is not given or is 0.
pub const RECORD_MAX_LENGTH: u32 = 3_600;

/// The seconds of silence that end a `<Record>` without a `timeout`.
pub const RECORD_TIMEOUT: u32 = 5;

/// The keys that end a `<Record>` without a `finishOnKey`.
pub const RECORD_FINISH_KEYS: &str = "1234567890*#";

/// How long the beep before a `<Record>` takes.
pub const BEEP_LENGTH: Duration = Duration::from_millis(500);

/// The events a `<Record>`'s `recordingStatusCallback` may ask for.
const RECORDING_EVENTS: [&str; 3] = ["in-progress", "completed", "absent"];

/// The events a `<Conference>`'s `recordingStatusCallback` may ask for (the emulator's
/// recordings do not fail: `failed` is accepted and never sent).
const CONFERENCE_RECORDING_EVENTS: [&str; 3] = ["in-progress", "completed", "failed"];

/// The confidence reported for speech the called party gives.
pub const SPEECH_CONFIDENCE: &str = "0.9";

/// One line of a call's log.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogEntry {
    /// When, on the emulator's clock (RFC 3339).
    at: String,
    /// `request`, `verb`, `skipped`, `input`, `heard`, `recording`, `callback`, `error` or `ended`.
    event: &'static str,
    /// What happened, by the event.
    #[serde(flatten)]
    detail: Value,
}

/// What a call's runner shares with the rest of the emulator: its log, the input waiting
/// for it, and how it is woken.
#[derive(Debug, Default)]
pub(crate) struct RunState {
    log: Log,
    /// Keys pressed and not yet gathered.
    digits: String,
    /// Speech given and not yet gathered.
    speech: Option<String>,
    /// When the called party was heard since a `<Record>` last looked: from the start of
    /// the first thing said to the end of the last.
    heard: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Bumped each time the REST API sends the call to new cXML.
    pub(crate) generation: u64,
    /// The conference a `<Dial><Conference>` put the call in, while it is there.
    pub(crate) conference: Option<Uuid>,
    /// The conference the seed put the call in: the call's `<Dial><Conference>` finds it
    /// there (taken by the runner when it gets there).
    pub(crate) seated: Option<Uuid>,
    /// Whether the call plays its `waitUrl` until that conference starts: the runner is
    /// woken when it does.
    pub(crate) awaiting_start: bool,
    /// The stream a `<Connect><Stream>` connected the call to, while it lasts: the runner
    /// is woken when it stops.
    pub(crate) connected: Option<Uuid>,
    /// The call a `<Dial><Number>` placed, while the `<Dial>` lasts.
    pub(crate) dialing: Option<Uuid>,
    /// That call's status when the runner last looked: the runner is woken when it changes.
    pub(crate) dial_seen: Option<super::calls::Dialed>,
    /// Whether the runner has started.
    pub(crate) started: bool,
    /// Wakes the runner: input, a redirect, the call's end.
    pub(crate) wake: Arc<Notify>,
}

/// What a call's or a message's cXML did, its last [`MAX_LOG`] entries, as `GET
/// /__emulator/calls/{sid}/log` (or `messages/…`) answers it.
#[derive(Debug, Default)]
pub(crate) struct Log {
    entries: VecDeque<LogEntry>,
    dropped: u64,
    /// Whether the log was let go, what it logs having ended long ago.
    forgotten: bool,
}

impl Log {
    /// Adds an entry (none once the log is let go).
    pub(crate) fn push(&mut self, at: DateTime<Utc>, event: &'static str, detail: Value) {
        if self.forgotten {
            self.dropped += 1;
            return;
        }
        if self.entries.len() >= MAX_LOG {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(LogEntry {
            at: at.to_rfc3339_opts(SecondsFormat::Millis, true),
            event,
            detail,
        });
    }

    /// The log as the control request answers it, under `key` (`call_sid`,
    /// `message_sid`); `None` once it is let go.
    pub(crate) fn json(&self, key: &str, sid: &Uuid) -> Option<Value> {
        (!self.forgotten).then(|| json!({ key: sid, "dropped": self.dropped, "log": self.entries }))
    }

    /// Lets the log go.
    pub(crate) fn forget(&mut self) {
        self.dropped += self.entries.len() as u64;
        self.entries = VecDeque::new();
        self.forgotten = true;
    }
}

impl RunState {
    /// Adds an entry to the log (none once it is let go).
    pub(crate) fn log(&mut self, at: DateTime<Utc>, event: &'static str, detail: Value) {
        self.log.push(at, event, detail);
    }

    /// The log as the control request answers it; `None` once it is let go.
    pub(crate) fn log_json(&self, call: &Uuid) -> Option<Value> {
        self.log.json("call_sid", call)
    }

    /// Lets the log go: the call ended long ago (see [`MAX_ENDED_LOGS`](super::MAX_ENDED_LOGS)).
    pub(crate) fn forget(&mut self) {
        self.log.forget();
    }

    /// The called party presses keys; of those no `<Gather>` has taken, the last
    /// [`MAX_KEYS`] are kept.
    pub(crate) fn press(&mut self, digits: &str) {
        self.digits.push_str(digits);
        let extra = self.digits.len().saturating_sub(MAX_KEYS);
        // Keys are ASCII: any byte index is a character boundary.
        self.digits.drain(..extra);
        self.wake.notify_one();
    }

    /// The called party says something, starting `at` and taking as long as `<Say>` would.
    pub(crate) fn say(&mut self, text: &str, at: DateTime<Utc>) {
        self.speech = Some(text.to_owned());
        self.heard = Some(widened(self.heard, (at, later(at, say_length(text)))));
        self.wake.notify_one();
    }

    fn has_input(&self) -> bool {
        !self.digits.is_empty() || self.speech.is_some()
    }
}

/// A control request's keys: digits, `*` and `#`, from 1 to 64 of them.
pub(crate) fn check_digits(digits: &str) -> Result<(), String> {
    if digits.is_empty() || digits.chars().count() > 64 {
        return Err("digits must have from 1 to 64 keys".into());
    }
    match digits
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, '*' | '#')))
    {
        Some(bad) => Err(format!(
            "digits has {:?}, which is not a key: use 0-9, * and #",
            crate::Printable::new(&bad.to_string()).to_string()
        )),
        None => Ok(()),
    }
}

/// What the runner needs of a call to start: filled in by the call's store.
#[derive(Debug, Clone)]
pub(crate) struct RunStart {
    pub(crate) handler: CallCxml,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) direction: crate::CallDirection,
    pub(crate) generation: u64,
    pub(crate) wake: Arc<Notify>,
}

/// What the runner sees of its call when it looks.
#[derive(Debug, Clone)]
pub(crate) struct RunView {
    pub(crate) live: bool,
    pub(crate) generation: u64,
    pub(crate) handler: CallCxml,
    /// The call's `FallbackUrl` and its method.
    pub(crate) fallback: Option<(String, String)>,
}

/// Where the next document comes from.
#[derive(Debug, Clone)]
enum Source {
    Url {
        url: String,
        method: String,
        extra: Vec<(String, String)>,
    },
    Document(String),
}

/// What a verb leaves the call to do.
enum Flow {
    Next,
    Ask(Source),
    End(CallStatus, &'static str),
    /// The call ended, or went to new cXML, from outside; or the emulator stops.
    Interrupted,
}

/// How a wait ended.
#[derive(PartialEq, Eq)]
enum Woke {
    Time,
    Input,
    Interrupted,
}

struct Runner {
    app: Arc<App>,
    project: Uuid,
    call: Uuid,
    start: RunStart,
    generation: u64,
    /// The URL of the document being run, for relative URLs and a `<Gather>` without an
    /// `action`.
    current: Option<(String, String)>,
    /// How many documents the call has asked for.
    asked: usize,
}

/// Runs the call's cXML until the call ends; returns at once if the call is not in progress
/// or its cXML already runs.
pub(crate) async fn run(app: Arc<App>, project: Uuid, call: Uuid) {
    let start = {
        let mut state = app.state();
        state.start_run(&project, &call)
    };
    let Some(start) = start else {
        return;
    };
    let generation = start.generation;
    let mut runner = Runner {
        app,
        project,
        call,
        start,
        generation,
        current: None,
        asked: 0,
    };
    let first = runner.source(runner.start.handler.clone());
    runner.go(first).await;
}

impl Runner {
    fn now(&self) -> DateTime<Utc> {
        self.app.clock.now()
    }

    fn log(&self, event: &'static str, detail: Value) {
        let now = self.now();
        let mut state = self.app.state();
        if let Some(run) = state.run_mut(&self.project, &self.call) {
            run.log(now, event, detail);
        }
    }

    /// Where a call's cXML source takes the runner: an application's voice URL is looked up.
    fn source(&self, handler: CallCxml) -> Option<Source> {
        match handler {
            CallCxml::Url { url, method } => Some(Source::Url {
                url,
                method,
                extra: Vec::new(),
            }),
            CallCxml::Document(text) => Some(Source::Document(text)),
            // Not run: a bridged call has no runner (see `Calls::needs_runner`).
            CallCxml::Bridged(_) => None,
            CallCxml::Application(sid) => {
                let found = self.app.state().voice_url(&self.project, &sid);
                match found {
                    Some((url, method)) => Some(Source::Url {
                        url,
                        method,
                        extra: Vec::new(),
                    }),
                    None => {
                        self.log(
                            "error",
                            json!({ "code": 21218, "message": format!("application {sid} has no voice_url") }),
                        );
                        None
                    }
                }
            }
        }
    }

    async fn go(&mut self, first: Option<Source>) {
        let Some(mut source) = first else {
            self.end(CallStatus::Completed, "it has no cXML to run");
            return;
        };
        let mut documents = 0;
        // Whether the document being asked for is the call's FallbackUrl.
        let mut on_fallback = false;
        loop {
            documents += 1;
            if documents > MAX_DOCUMENTS {
                self.log(
                    "error",
                    json!({ "code": 11215, "message": format!("more than {MAX_DOCUMENTS} documents asked for by one call: a loop?") }),
                );
                self.end(CallStatus::Completed, "too many documents");
                return;
            }
            let text = match &source {
                Source::Document(text) => {
                    self.current = None;
                    text.clone()
                }
                Source::Url { url, method, extra } => {
                    match self.fetch(url, method, extra).await {
                        Fetched::Document(text) => {
                            self.current = Some((url.clone(), method.clone()));
                            text
                        }
                        Fetched::Failed(code, message) => {
                            self.log("error", json!({ "code": code, "message": message }));
                            if let Some(next) = self.fall_back(on_fallback, code, url) {
                                source = next;
                                on_fallback = true;
                                continue;
                            }
                            self.end(CallStatus::Completed, "its document could not be had");
                            return;
                        }
                        Fetched::NotAsked => {
                            // Nothing to run: the call waits until it is ended.
                            match self.wait(None, false).await {
                                Woke::Interrupted => match self.redirected() {
                                    Some(next) => {
                                        source = next;
                                        on_fallback = false;
                                        continue;
                                    }
                                    None => return,
                                },
                                _ => return,
                            }
                        }
                    }
                }
            };
            let document = match VoiceResponse::parse(&text) {
                Ok(document) => document,
                Err(e) => {
                    self.log(
                        "error",
                        json!({ "code": 12100, "message": format!("the document is not cXML: {e}") }),
                    );
                    let failed = self.current.as_ref().map(|(url, _)| url.clone());
                    if let Some(next) =
                        failed.and_then(|url| self.fall_back(on_fallback, 12100, &url))
                    {
                        source = next;
                        on_fallback = true;
                        continue;
                    }
                    self.end(CallStatus::Completed, "its document is not cXML");
                    return;
                }
            };
            let mut next = None;
            for verb in &document.verbs {
                match self.verb(verb).await {
                    Flow::Next => {}
                    Flow::Ask(to) => {
                        next = Some(to);
                        break;
                    }
                    Flow::End(status, why) => {
                        self.end(status, why);
                        return;
                    }
                    Flow::Interrupted => match self.redirected() {
                        Some(to) => {
                            next = Some(to);
                            break;
                        }
                        None => return,
                    },
                }
            }
            on_fallback = false;
            match next {
                Some(to) => source = to,
                None => {
                    self.end(CallStatus::Completed, "its document has no more verbs");
                    return;
                }
            }
        }
    }

    /// Where the call goes when the document at `failed` could not be had or read (error
    /// `code`): its `FallbackUrl` (or its application's), asked with `ErrorCode` and
    /// `ErrorUrl`; nothing when it has none or the failed document was the fallback's.
    fn fall_back(&self, on_fallback: bool, code: u32, failed: &str) -> Option<Source> {
        if on_fallback {
            return None;
        }
        let (url, method) = {
            let state = self.app.state();
            let view = state.run_view(&self.project, &self.call)?;
            match (view.fallback, &view.handler) {
                (Some(fallback), _) => fallback,
                (None, CallCxml::Application(sid)) => state.voice_fallback(&self.project, sid)?,
                (None, _) => return None,
            }
        };
        let url = match self.resolve(&url) {
            Ok(url) => url,
            Err(why) => {
                self.log("skipped", json!({ "fallbackUrl": url, "why": why }));
                return None;
            }
        };
        self.log("input", json!({ "fallback": url }));
        Some(Source::Url {
            url,
            method,
            extra: vec![
                ("ErrorCode".to_owned(), code.to_string()),
                ("ErrorUrl".to_owned(), failed.to_owned()),
            ],
        })
    }

    /// The new cXML the REST API sent the call to, if that is why the runner was
    /// interrupted (and not the call's end).
    fn redirected(&mut self) -> Option<Source> {
        let view = self.app.state().run_view(&self.project, &self.call)?;
        if !view.live {
            self.log(
                "ended",
                json!({ "why": "it was hung up, or ended over the REST API" }),
            );
            return None;
        }
        if view.generation == self.generation {
            return None;
        }
        self.generation = view.generation;
        self.log("input", json!({ "redirect": true }));
        self.source(view.handler)
    }

    /// Ends the call, unless it is over already, with its events.
    fn end(&self, status: CallStatus, why: &'static str) {
        let now = self.now();
        let mut state = self.app.state();
        let pending = state.end_call(&self.project, &self.call, status.clone(), now);
        if let Some(mut pending) = pending {
            if let Some(run) = state.run_mut(&self.project, &self.call) {
                run.log(now, "ended", json!({ "status": status, "why": why }));
            }
            pending.extend(state.settle(&self.project, now));
            self.app.dispatch_held(&mut state, &self.project, pending);
        }
    }

    /// Waits until `until` (forever for `None`), or until input comes (when `input`), or
    /// until the call ends or goes to new cXML.
    async fn wait(&self, until: Option<DateTime<Utc>>, input: bool) -> Woke {
        let (project, call) = (self.project, self.call);
        self.wait_for(until, |state| {
            input
                && state
                    .run_mut(&project, &call)
                    .is_some_and(|r| r.has_input())
        })
        .await
    }

    /// Waits until `until` (forever for `None`), or until `ready` says so (answering
    /// [`Woke::Input`]), or until the call ends or goes to new cXML.
    async fn wait_for(
        &self,
        until: Option<DateTime<Utc>>,
        ready: impl Fn(&mut super::state::State) -> bool,
    ) -> Woke {
        let mut stopping = self.app.stopping.clone();
        loop {
            let notified = self.start.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut state = self.app.state();
                let Some(view) = state.run_view(&self.project, &self.call) else {
                    return Woke::Interrupted;
                };
                if !view.live || view.generation != self.generation {
                    return Woke::Interrupted;
                }
                if ready(&mut state) {
                    return Woke::Input;
                }
            }
            let sleep = async {
                match until {
                    Some(at) => self.app.clock.sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = sleep => return Woke::Time,
                () = &mut notified => {}
                _ = stopping.wait_for(|stop| *stop) => return Woke::Interrupted,
            }
        }
    }

    /// Waits `length` on the clock `loops` times (0: until interrupted), broken off by input
    /// when `input`.
    async fn take(&self, length: Duration, loops: u32, input: bool) -> Woke {
        let until = match loops {
            0 => None,
            n => Some(later(self.now(), length.saturating_mul(n))),
        };
        self.wait(until, input).await
    }

    async fn verb(&mut self, verb: &VoiceVerb) -> Flow {
        match verb {
            VoiceVerb::Say(say) => {
                let text = say.text();
                let loops = say.loops.unwrap_or(1);
                self.log(
                    "verb",
                    json!({ "verb": "Say", "text": text, "loop": loops }),
                );
                flow(self.take(say_length(&text), loops, false).await)
            }
            VoiceVerb::Play(play) => {
                let loops = play.loops.unwrap_or(1);
                self.log(
                    "verb",
                    json!({ "verb": "Play", "url": play.text, "digits": play.digits, "loop": loops }),
                );
                flow(self.take(play_length(play), loops, false).await)
            }
            VoiceVerb::Pause(pause) => {
                let length = pause.length.unwrap_or(1);
                self.log("verb", json!({ "verb": "Pause", "length": length }));
                flow(
                    self.take(Duration::from_secs(length.into()), 1, false)
                        .await,
                )
            }
            VoiceVerb::Gather(gather) => self.gather(gather).await,
            VoiceVerb::Record(record) => self.record(record).await,
            VoiceVerb::Redirect(redirect) => {
                let method = method(redirect.method.as_ref());
                self.log(
                    "verb",
                    json!({ "verb": "Redirect", "url": redirect.text, "method": method }),
                );
                match self.resolve(&redirect.text) {
                    Ok(url) => Flow::Ask(Source::Url {
                        url,
                        method,
                        extra: Vec::new(),
                    }),
                    Err(e) => self.bad(e),
                }
            }
            VoiceVerb::Dial(dial) => {
                for other in dial.children.iter().skip(1) {
                    self.log(
                        "skipped",
                        json!({ "verb": "Dial", "noun": noun_name(other), "why": "the emulator dials the first noun of a <Dial> only" }),
                    );
                }
                match dial.children.first() {
                    Some(DialNoun::Conference(room)) => self.dial_conference(dial, room).await,
                    Some(DialNoun::Number(number)) => {
                        self.dial_number(dial, &number.text, Some(number)).await
                    }
                    Some(DialNoun::Phone(text)) => self.dial_number(dial, text, None).await,
                    other => {
                        self.log(
                            "skipped",
                            json!({ "verb": "Dial", "noun": other.map_or("nothing", noun_name), "why": "the emulator dials a <Number> or a <Conference>" }),
                        );
                        Flow::Next
                    }
                }
            }
            VoiceVerb::Hangup(_) => {
                self.log("verb", json!({ "verb": "Hangup" }));
                Flow::End(CallStatus::Completed, "<Hangup>")
            }
            VoiceVerb::Reject(reject) => {
                let busy = reject.reason == Some(RejectReason::Busy);
                self.log(
                    "verb",
                    json!({ "verb": "Reject", "reason": if busy { "busy" } else { "rejected" } }),
                );
                if busy {
                    Flow::End(CallStatus::Busy, "<Reject reason=\"busy\">")
                } else {
                    Flow::End(CallStatus::NoAnswer, "<Reject>")
                }
            }
            VoiceVerb::Start(start) => {
                for noun in &start.children {
                    let StartNoun::Stream(stream) = noun;
                    self.start_stream("Start", stream);
                }
                Flow::Next
            }
            VoiceVerb::Stop(stop) => {
                for noun in &stop.children {
                    let StartNoun::Stream(stream) = noun;
                    self.stop_stream(stream);
                }
                Flow::Next
            }
            VoiceVerb::Connect(connect) => self.connect(connect).await,
            other => {
                let name = verb_name(other);
                self.log(
                    "skipped",
                    json!({ "verb": name, "why": "the emulator does not carry this verb out yet" }),
                );
                Flow::Next
            }
        }
    }

    /// `<Dial><Conference>`: the call enters the room of that name (opening it when none
    /// is live), stays until it is taken out, the conference ends or the `<Dial>`'s
    /// `timeLimit` passes, and then goes to the `<Dial>`'s `action` (with `DialCallStatus`
    /// `answered` and `DialCallDuration`) or on to the next verb.
    async fn dial_conference(&mut self, dial: &Dial, room: &Conference) -> Flow {
        let name = room.text().trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_ROOM_NAME {
            return self.bad(format!(
                "a <Conference> needs a room name of 1 to {MAX_ROOM_NAME} characters"
            ));
        }
        let seated = {
            let mut state = self.app.state();
            state
                .run_mut(&self.project, &self.call)
                .and_then(|run| run.seated.take())
        };
        if let Some(conference) = seated {
            return self.seated(dial, room, conference).await;
        }
        let callback = match &room.status_callback {
            Some(url) => match self.conference_callback(url, room) {
                Ok(callback) => Some(callback),
                Err(why) => {
                    self.log("skipped", json!({ "statusCallback": url, "why": why }));
                    None
                }
            },
            None => None,
        };
        let coach = match room.coach.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match Uuid::parse_str(text) {
                Ok(sid) => Some(sid),
                Err(_) => {
                    self.log(
                        "error",
                        json!({ "verb": "Dial", "conference": name, "code": COACH_NOT_CONNECTED, "message": format!("coach {text:?} is not a call SID") }),
                    );
                    return self.dial_action(dial, "failed", None, 0);
                }
            },
        };
        let record = (room.record == Some(ConferenceRecord::FromStart)).then(|| {
            let callback = self.recording_callback(
                room.recording_status_callback.as_deref(),
                room.recording_status_callback_method,
                room.recording_status_callback_event.as_ref(),
                &CONFERENCE_RECORDING_EVENTS,
            );
            super::recordings::Asked {
                sid: self.app.new_sid(),
                trim: room.trim != Some(crate::cxml::Trim::DoNotTrim),
                notify: callback.map(|callback| super::recordings::Notify {
                    callback,
                    call: self.call,
                    origin: self.app.origin.clone(),
                }),
            }
        });
        let beep = self.beep(room);
        if let Some(ConferenceRecord::Other(value)) = &room.record {
            self.log(
                "skipped",
                json!({ "record": value, "why": "not do-not-record or record-from-start: the conference is not recorded" }),
            );
        }
        let entry = super::state::Entry {
            name: name.clone(),
            callback,
            join: Join {
                call_sid: self.call,
                muted: room.muted.unwrap_or(false),
                hold: false,
                end_conference_on_exit: room.end_conference_on_exit.unwrap_or(false),
                start_conference_on_enter: room.start_conference_on_enter.unwrap_or(true),
                call_sid_to_coach: coach,
            },
            max_participants: room.max_participants.map_or(MAX_PARTICIPANTS, |n| {
                (n as usize).clamp(1, MAX_PARTICIPANTS)
            }),
            record,
        };
        let limit = Duration::from_secs(dial.time_limit.unwrap_or(DIAL_TIME_LIMIT).into());
        let joined_at = self.now();
        let entered = {
            let mut state = self.app.state();
            let app = self.app.clone();
            let entered = state.enter_conference(&self.project, entry, joined_at, || app.new_sid());
            entered.map(|entered| {
                if let Some(run) = state.run_mut(&self.project, &self.call) {
                    run.conference = Some(entered.conference);
                }
                let mut events = entered.events;
                events.extend(state.settle(&self.project, joined_at));
                self.app.dispatch_held(&mut state, &self.project, events);
                (entered.conference, entered.started)
            })
        };
        let (conference, started) = match entered {
            Ok(entered) => entered,
            Err((code, why)) => {
                self.log(
                    "error",
                    json!({ "verb": "Dial", "conference": name, "code": code, "message": why }),
                );
                return self.dial_action(dial, "failed", None, 0);
            }
        };
        self.log(
            "verb",
            json!({
                "verb": "Dial", "conference": name, "conference_sid": conference,
                "muted": room.muted.unwrap_or(false),
                "startConferenceOnEnter": room.start_conference_on_enter.unwrap_or(true),
                "endConferenceOnExit": room.end_conference_on_exit.unwrap_or(false),
                "beep": beep.to_string(),
                "coach": coach,
                "record": room.record.as_ref().map_or("do-not-record", |r| r.as_str()),
                "timeLimit": limit.as_secs(),
            }),
        );
        // The beep is heard in a room that has started: one entering a room that waits is
        // not announced (the room's start is, by whoever starts it).
        if started && matches!(beep, Beep::True | Beep::OnEnter) {
            self.app.state().hear_in_conference(
                &self.project,
                &conference,
                joined_at,
                json!({ "beep": "enter", "call": self.call }),
            );
        }
        self.in_room(dial, room, conference, started, &beep, joined_at, limit)
            .await
    }

    /// A `<Conference>`'s `beep`; one the emulator does not know is logged and taken as the
    /// default, `true`.
    fn beep(&self, room: &Conference) -> Beep {
        match room.beep.clone() {
            None => Beep::True,
            Some(Beep::Other(value)) => {
                self.log(
                    "skipped",
                    json!({ "beep": value, "why": "not one of true, false, onEnter, onExit: the default, true, is used" }),
                );
                Beep::True
            }
            Some(beep) => beep,
        }
    }

    /// The `<Dial><Conference>` of a call the seed put in `conference`: it is in the room
    /// already (unless taken out since), and stays as one that entered now would.
    async fn seated(&mut self, dial: &Dial, room: &Conference, conference: Uuid) -> Flow {
        let beep = self.beep(room);
        let limit = Duration::from_secs(dial.time_limit.unwrap_or(DIAL_TIME_LIMIT).into());
        self.log(
            "verb",
            json!({
                "verb": "Dial", "conference": room.text().trim(), "conference_sid": conference,
                "seated": "in the room from the emulator's seed",
                "timeLimit": limit.as_secs(),
            }),
        );
        let started = self
            .app
            .state()
            .conference_started(&self.project, &conference);
        let now = self.now();
        self.in_room(dial, room, conference, started, &beep, now, limit)
            .await
    }

    /// A call in `conference` (since `joined_at`; `started` whether the room had started
    /// then) plays the room's `waitUrl` until it starts, and stays until it is taken out,
    /// the conference ends or the `<Dial>`'s `limit` passes; then leaves it.
    #[allow(clippy::too_many_arguments)]
    async fn in_room(
        &mut self,
        dial: &Dial,
        room: &Conference,
        conference: Uuid,
        started: bool,
        beep: &Beep,
        joined_at: DateTime<Utc>,
        limit: Duration,
    ) -> Flow {
        let until = later(joined_at, limit);
        if !started {
            match &room.wait_url {
                Some(url) => {
                    let method = method(room.wait_method.as_ref());
                    if self.wait_music(url, &method, conference, until).await == Woke::Interrupted {
                        self.leave_room(conference, beep);
                        return Flow::Interrupted;
                    }
                }
                None => self.log(
                    "skipped",
                    json!({ "waitUrl": null, "why": "no waitUrl: SignalWire plays its hold music, the emulator waits in silence" }),
                ),
            }
        }
        let (project, call) = (self.project, self.call);
        let woke = self
            .wait_for(Some(until), |state| {
                !state.in_conference(&project, &conference, &call)
            })
            .await;
        if woke == Woke::Interrupted && *self.app.stopping.borrow() {
            // The emulator stops: nobody leaves, and no callback says they did.
            return Flow::Interrupted;
        }
        let left = self.leave_room(conference, beep);
        // The clock may move past the limit in one step; the call was in no longer than it.
        let seconds = (left - joined_at)
            .num_seconds()
            .clamp(0, i64::try_from(limit.as_secs()).unwrap_or(i64::MAX));
        match woke {
            Woke::Interrupted => Flow::Interrupted,
            Woke::Time => {
                self.log("input", json!({ "left": conference, "why": "timeLimit" }));
                self.dial_action(dial, "answered", None, seconds)
            }
            Woke::Input => {
                self.log(
                    "input",
                    json!({ "left": conference, "why": "taken out, or the conference ended" }),
                );
                self.dial_action(dial, "answered", None, seconds)
            }
        }
    }

    /// Starts the stream a `<Start>` or `<Connect>` (`verb`) names, as the REST API starts
    /// one (the same checks: a `wss://` URL, or `ws://` on this machine; a name not in use),
    /// its `statusCallback` told `stream-started`: the stream's SID, or `None` (logged) when
    /// it cannot start.
    fn start_stream(&self, verb: &'static str, stream: &crate::cxml::Stream) -> Option<Uuid> {
        let mut form = vec![("Url", stream.url.clone().unwrap_or_default())];
        if let Some(name) = &stream.name {
            form.push(("Name", name.clone()));
        }
        if let Some(track) = &stream.track {
            form.push(("Track", track.as_str().to_owned()));
        }
        if let Some(token) = &stream.auth_bearer_token {
            form.push(("AuthorizationBearerToken", token.clone()));
        }
        let body = serde_urlencoded::to_string(&form).unwrap_or_default();
        let create = match super::streams::create_request(body.as_bytes(), true) {
            Ok(create) => create,
            Err(refused) => {
                let why = refused.errors.map_or(refused.message, |e| e.join("; "));
                self.log(
                    "error",
                    json!({ "verb": verb, "noun": "Stream", "message": why }),
                );
                return None;
            }
        };
        let callback = self.callback_of(
            stream.status_callback.as_deref(),
            stream.status_callback_method,
            super::calls::Wanted {
                what: "statusCallback",
                events: STREAM_EVENTS.iter().map(|e| (*e).to_owned()).collect(),
                known: &STREAM_EVENTS,
            },
        );
        let sid = self.app.new_sid();
        let now = self.now();
        let mut state = self.app.state();
        // A call hung up while its document was asked for has no audio to stream.
        let over = !state
            .run_view(&self.project, &self.call)
            .is_some_and(|v| v.live);
        let created = state.streams_mut(&self.project, "").and_then(|all| {
            let created = all.create(&self.project, (&self.call, true), over, create, sid, now)?;
            let started = callback.and_then(|c| all.notify(&self.project, &sid, c, now));
            Ok((created, started))
        });
        let detail = match created {
            Ok((_, started)) => {
                self.app
                    .dispatch_held(&mut state, &self.project, started.into_iter().collect());
                json!({ "verb": verb, "noun": "Stream", "stream_sid": sid, "url": stream.url, "name": stream.name })
            }
            Err(refused) => {
                let why = refused.errors.map_or(refused.message, |e| e.join("; "));
                json!({ "verb": verb, "noun": "Stream", "message": why })
            }
        };
        let ok = detail.get("stream_sid").is_some();
        if let Some(run) = state.run_mut(&self.project, &self.call) {
            run.log(now, if ok { "verb" } else { "error" }, detail);
        }
        ok.then_some(sid)
    }

    /// `<Stop><Stream name="…">`: stops the call's running stream of that name, its
    /// `statusCallback` told `stream-stopped`.
    fn stop_stream(&self, stream: &crate::cxml::Stream) {
        let Some(name) = stream.name.as_deref() else {
            self.log(
                "skipped",
                json!({ "verb": "Stop", "noun": "Stream", "why": "a <Stop><Stream> names the stream to stop" }),
            );
            return;
        };
        let now = self.now();
        let mut state = self.app.state();
        let stopped = state.streams_mut(&self.project, "").ok().and_then(|all| {
            let sid = all.running_named(&self.call, name)?;
            all.stop(&self.project, &self.call, &sid, now, "")
                .ok()
                .map(|(_, event)| (sid, event))
        });
        let detail = match stopped {
            Some((sid, event)) => {
                self.app
                    .dispatch_held(&mut state, &self.project, event.into_iter().collect());
                json!({ "verb": "Stop", "noun": "Stream", "name": name, "stream_sid": sid })
            }
            None => {
                json!({ "verb": "Stop", "noun": "Stream", "name": name, "why": "no stream of that name runs" })
            }
        };
        if let Some(run) = state.run_mut(&self.project, &self.call) {
            run.log(now, "verb", detail);
        }
    }

    /// `<Connect><Stream>`: the call is connected to the stream until it stops (over the
    /// REST API, or the call ends or goes to new cXML), then asks `action` or goes on.
    /// The emulator carries no audio: the stream is a record, as the REST API's are.
    async fn connect(&mut self, connect: &crate::cxml::Connect) -> Flow {
        let stream = match connect.children.first() {
            Some(ConnectNoun::Stream(stream)) => stream,
            other => {
                let noun = match other {
                    Some(ConnectNoun::Room(_)) => "Room",
                    Some(ConnectNoun::VirtualAgent(_)) => "VirtualAgent",
                    _ => "nothing",
                };
                self.log(
                    "skipped",
                    json!({ "verb": "Connect", "noun": noun, "why": "the emulator connects a call to a <Stream> only" }),
                );
                return Flow::Next;
            }
        };
        let Some(sid) = self.start_stream("Connect", stream) else {
            return Flow::Next;
        };
        if let Some(run) = self.app.state().run_mut(&self.project, &self.call) {
            run.connected = Some(sid);
        }
        let project = self.project;
        let woke = self
            .wait_for(None, |state| !state.stream_running(&project, &sid))
            .await;
        if let Some(run) = self.app.state().run_mut(&self.project, &self.call) {
            run.connected = None;
        }
        if woke == Woke::Interrupted {
            // Sent to new cXML, the call leaves the stream (one that ended stopped it).
            let now = self.now();
            let mut state = self.app.state();
            let stopped = state
                .streams_mut(&self.project, "")
                .ok()
                .and_then(|all| all.stop(&self.project, &self.call, &sid, now, "").ok());
            if let Some((_, event)) = stopped {
                self.app
                    .dispatch_held(&mut state, &self.project, event.into_iter().collect());
            }
            return Flow::Interrupted;
        }
        self.log("input", json!({ "stream_stopped": sid }));
        match &connect.action {
            Some(action) => match self.resolve(action) {
                Ok(url) => Flow::Ask(Source::Url {
                    url,
                    method: method(connect.method.as_ref()),
                    extra: Vec::new(),
                }),
                Err(e) => self.bad(e),
            },
            None => Flow::Next,
        }
    }

    /// The call leaves `conference` (if it is still in), beeping as it goes when `beep`
    /// says so; answers when.
    fn leave_room(&self, conference: Uuid, beep: &Beep) -> DateTime<Utc> {
        let now = self.now();
        let mut state = self.app.state();
        if let Some(run) = state.run_mut(&self.project, &self.call) {
            run.conference = None;
            run.awaiting_start = false;
        }
        let mut events = state.leave_conference(&self.project, &conference, &self.call, now);
        events.extend(state.settle(&self.project, now));
        if matches!(beep, Beep::True | Beep::OnExit) {
            state.hear_in_conference(
                &self.project,
                &conference,
                now,
                json!({ "beep": "exit", "call": self.call }),
            );
        }
        self.app.dispatch_held(&mut state, &self.project, events);
        now
    }

    /// Plays a `<Conference>`'s `waitUrl` until the conference starts, the call is taken out
    /// or `until` passes: its document is asked for (with the call's parameters, signed) and
    /// its `<Play>`, `<Pause>` and `<Redirect>` run, again and again, as SignalWire loops it.
    /// Other verbs are skipped; a document that cannot be had, is not cXML, or takes no
    /// time is logged, and the call waits in silence. Answers [`Woke::Interrupted`] when the
    /// call ended or went to new cXML.
    async fn wait_music(
        &mut self,
        url: &str,
        wait_method: &str,
        conference: Uuid,
        until: DateTime<Utc>,
    ) -> Woke {
        let (project, call) = (self.project, self.call);
        let done = move |state: &mut super::state::State| {
            !state.in_conference(&project, &conference, &call)
                || state.conference_started(&project, &conference)
        };
        if let Some(run) = self.app.state().run_mut(&self.project, &self.call) {
            run.awaiting_start = true;
        }
        let document = self.current.clone();
        let mut next = self.resolve(url).map(|url| (url, wait_method.to_owned()));
        let mut idle = 0;
        let woke = loop {
            let (at, how) = match next {
                Ok(asked) => asked,
                Err(why) => {
                    self.log("skipped", json!({ "waitUrl": url, "why": why }));
                    break self.wait_for(Some(until), &done).await;
                }
            };
            // The room may have started, or the call left it, while the last one played.
            if done(&mut self.app.state()) {
                break Woke::Input;
            }
            let text = match self.fetch(&at, &how, &[]).await {
                Fetched::Document(text) => text,
                Fetched::Failed(code, message) => {
                    self.log(
                        "error",
                        json!({ "waitUrl": at, "code": code, "message": message, "then": "the call waits in silence" }),
                    );
                    break self.wait_for(Some(until), &done).await;
                }
                Fetched::NotAsked => break self.wait_for(Some(until), &done).await,
            };
            let verbs = match VoiceResponse::parse(&text) {
                Ok(document) => document.verbs,
                Err(e) => {
                    self.log(
                        "skipped",
                        json!({ "waitUrl": at, "why": format!("not cXML ({e}); an audio file is not played: the call waits in silence") }),
                    );
                    break self.wait_for(Some(until), &done).await;
                }
            };
            self.current = Some((at.clone(), how.clone()));
            next = Ok((at, how));
            let mut woke = None;
            // Whether the document asked for any time: one that does not is asked for again
            // at once, and a run of them would never end.
            let mut played = false;
            for verb in &verbs {
                let length = match verb {
                    VoiceVerb::Play(play) => {
                        let loops = play.loops.unwrap_or(1);
                        self.log(
                            "verb",
                            json!({ "verb": "Play", "url": play.text, "loop": loops, "while": "waiting" }),
                        );
                        // `loop="0"` plays until the wait ends.
                        (loops > 0).then(|| play_length(play).saturating_mul(loops))
                    }
                    VoiceVerb::Pause(pause) => {
                        let length = pause.length.unwrap_or(1);
                        self.log(
                            "verb",
                            json!({ "verb": "Pause", "length": length, "while": "waiting" }),
                        );
                        Some(Duration::from_secs(length.into()))
                    }
                    VoiceVerb::Redirect(redirect) => {
                        let method = method(redirect.method.as_ref());
                        self.log(
                            "verb",
                            json!({ "verb": "Redirect", "url": redirect.text, "method": method, "while": "waiting" }),
                        );
                        next = self.resolve(&redirect.text).map(|url| (url, method));
                        break;
                    }
                    other => {
                        self.log(
                            "skipped",
                            json!({ "verb": verb_name(other), "why": "a waitUrl document plays <Play>, <Pause> and <Redirect> only" }),
                        );
                        continue;
                    }
                };
                if length == Some(Duration::ZERO) {
                    continue;
                }
                played = true;
                let end = length.map_or(until, |length| later(self.now(), length).min(until));
                match self.wait_for(Some(end), &done).await {
                    Woke::Time if end < until => {}
                    other => {
                        woke = Some(other);
                        break;
                    }
                }
            }
            if let Some(woke) = woke {
                break woke;
            }
            // Documents that take no time would be asked for without end: a few in a row
            // (a redirect or two) are followed, and then the call waits in silence.
            idle = if played { 0 } else { idle + 1 };
            if idle > MAX_HTTP_REDIRECTS {
                self.log(
                    "skipped",
                    json!({ "waitUrl": url, "why": format!("{idle} documents in a row took no time: the call waits in silence") }),
                );
                break self.wait_for(Some(until), &done).await;
            }
        };
        self.current = document;
        let now = self.now();
        let mut state = self.app.state();
        let started = state.conference_started(&self.project, &conference);
        if let Some(run) = state.run_mut(&self.project, &self.call) {
            run.awaiting_start = false;
            if woke == Woke::Input && started {
                run.log(
                    now,
                    "input",
                    json!({ "waited": conference, "why": "the conference started" }),
                );
            }
        }
        woke
    }

    /// Where a `<Conference>`'s events go: its `statusCallback`, made absolute and
    /// checked, with the events it asks for (`start` and `end` when it names none).
    fn conference_callback(&self, url: &str, room: &Conference) -> Result<StatusCallback, String> {
        let url = self.resolve(url)?;
        let events = match &room.status_callback_event {
            Some(events) => events
                .0
                .iter()
                .map(|e| e.write().into_owned())
                .filter(|e| super::callbacks::EVENTS.contains(&e.as_str()))
                .collect(),
            None => vec!["start".to_owned(), "end".to_owned()],
        };
        StatusCallback {
            url,
            method: method(room.status_callback_method.as_ref()),
            events,
            twilio_fields: false,
        }
        .checked(self.app.allow_remote_callbacks)
    }

    /// `<Dial><Number>` (or a number as the `<Dial>`'s text): a child call to the number
    /// (`ParentCallSid` this call, from `callerId` or this call's `From`) rings under the
    /// number's rule for the `<Dial>`'s `timeout`; answered, it is bridged to this call until
    /// either hangs up, the caller presses `*` (with `hangupOnStar`), or `timeLimit` passes.
    /// Then the `<Dial>`'s `action` is asked with `DialCallStatus`, `DialCallSid` and
    /// `DialCallDuration`, or the next verb runs.
    async fn dial_number(&mut self, dial: &Dial, text: &str, noun: Option<&Number>) -> Flow {
        let to = text.trim().to_owned();
        if to.is_empty() || to.chars().any(char::is_control) || to.len() > 64 {
            return self.bad("a <Number> needs a number of 1 to 64 characters".to_owned());
        }
        let from = match dial.caller_id.as_deref().map(str::trim) {
            Some(id) if !is_e164(id) => {
                self.log(
                    "error",
                    json!({ "verb": "Dial", "message": format!("callerId {id:?} is not an E.164 number (+ and 2 to 15 digits)") }),
                );
                return self.dial_action(dial, "failed", None, 0);
            }
            Some(id) => id.to_owned(),
            None => self.start.from.clone(),
        };
        let timeout = dial.timeout.unwrap_or(DIAL_TIMEOUT).clamp(5, 600);
        let limit = Duration::from_secs(dial.time_limit.unwrap_or(DIAL_TIME_LIMIT).into());
        let callback = noun.and_then(|n| {
            let events = n.status_callback_event.as_ref().map(|e| e.0.clone());
            let wanted = super::calls::Wanted {
                what: "statusCallback",
                events: events
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                known: &super::calls::EVENTS,
            };
            self.callback_of(
                n.status_callback.as_deref(),
                n.status_callback_method,
                wanted,
            )
        });
        if let Some(url) = noun.and_then(|n| n.url.as_ref()) {
            self.log(
                "skipped",
                json!({ "url": url, "why": "the emulator runs no cXML for the called party before bridging" }),
            );
        }
        let child = self.app.new_sid();
        {
            let now = self.now();
            let mut state = self.app.state();
            let out = super::calls::DialOut {
                parent: self.call,
                sid: child,
                to: to.clone(),
                from: from.clone(),
                timeout: Duration::from_secs(timeout.into()),
                callback,
            };
            let event = state.dial(&self.project, out, now);
            self.app
                .dispatch_held(&mut state, &self.project, event.into_iter().collect());
        }
        super::http::wake_call(self.app.clone(), self.project, child);
        self.log(
            "verb",
            json!({
                "verb": "Dial", "number": to, "callerId": from, "timeout": timeout,
                "timeLimit": limit.as_secs(), "dial_call_sid": child,
            }),
        );
        // It rings until it is answered or ends.
        let (project, call) = (self.project, self.call);
        let seen =
            move |state: &mut super::state::State| state.look_at_dialed(&project, &call, &child);
        let woke = self
            .wait_for(None, |state| {
                seen(state).is_none_or(|d| {
                    d.status != CallStatus::Queued && d.status != CallStatus::Ringing
                })
            })
            .await;
        if woke == Woke::Interrupted {
            self.hang_up_dialed(child, self.now());
            return Flow::Interrupted;
        }
        let now = self.now();
        let status = self.app.state().look_at_dialed(&project, &call, &child);
        match status {
            Some(d) if d.status == CallStatus::InProgress && d.bridged => {}
            Some(d) if d.status == CallStatus::InProgress => {
                // Sent to cXML of its own the moment it answered.
                self.stop_dialing();
                return self.dial_action(dial, "completed", Some(child), 0);
            }
            Some(d) => {
                self.stop_dialing();
                self.log(
                    "input",
                    json!({ "dial_call_sid": child, "dial_call_status": d.status }),
                );
                let status = match d.status {
                    CallStatus::Busy => "busy",
                    CallStatus::NoAnswer => "no-answer",
                    CallStatus::Canceled => "canceled",
                    _ => "failed",
                };
                return self.dial_action(dial, status, Some(child), 0);
            }
            None => {
                self.stop_dialing();
                return self.dial_action(dial, "failed", Some(child), 0);
            }
        }
        self.log("input", json!({ "bridged": child }));
        let star = dial.hangup_on_star == Some(true);
        let starred = std::sync::atomic::AtomicBool::new(false);
        let woke = self
            .wait_for(Some(later(now, limit)), |state| {
                if star
                    && let Some(run) = state.run_mut(&project, &call)
                    && let Some(at) = run.digits.find('*')
                {
                    run.digits.drain(..=at);
                    starred.store(true, std::sync::atomic::Ordering::Relaxed);
                    return true;
                }
                seen(state).is_none_or(|d| d.status.is_over() || !d.bridged)
            })
            .await;
        let pressed = starred.into_inner();
        // The clock may step past the limit: the bridge ends at it.
        let end = self.now().min(later(now, limit));
        match woke {
            Woke::Interrupted => {
                self.hang_up_dialed(child, end);
                return Flow::Interrupted;
            }
            Woke::Time => self.log("input", json!({ "unbridged": child, "why": "timeLimit" })),
            Woke::Input if pressed => {
                self.log(
                    "input",
                    json!({ "unbridged": child, "why": "the caller pressed *" }),
                );
            }
            Woke::Input => self.log(
                "input",
                json!({ "unbridged": child, "why": "the dialed call hung up or left" }),
            ),
        }
        let ended = self.hang_up_dialed(child, end);
        let seconds = ended
            .unwrap_or_else(|| (end - now).num_seconds())
            .clamp(0, i64::try_from(limit.as_secs()).unwrap_or(i64::MAX));
        self.dial_action(dial, "completed", Some(child), seconds)
    }

    /// The callback a verb names (`url`, relative to the document), checked; one that cannot
    /// be called is logged as skipped, and the verb goes on without it.
    fn callback_of(
        &self,
        url: Option<&str>,
        method: Option<CallbackMethod>,
        wanted: super::calls::Wanted<'_>,
    ) -> Option<super::calls::CallCallback> {
        let url = url?;
        let what = wanted.what.to_owned();
        let checked = self.resolve(url).and_then(|resolved| {
            super::calls::checked_callback(
                resolved,
                method,
                wanted,
                self.app.allow_remote_callbacks,
            )
            .map_err(|r| r.message)
        });
        match checked {
            Ok(callback) => Some(callback),
            Err(why) => {
                self.log("skipped", json!({ what: url, "why": why }));
                None
            }
        }
    }

    /// A verb's `recordingStatusCallback`, with the events it asks for of those `known`.
    fn recording_callback(
        &self,
        url: Option<&str>,
        method: Option<CallbackMethod>,
        events: Option<&crate::cxml::Events<crate::cxml::RecordingEvent>>,
        known: &[&str],
    ) -> Option<super::calls::CallCallback> {
        let wanted = super::calls::Wanted {
            what: "recordingStatusCallback",
            events: events
                .map(|e| e.0.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
            known,
        };
        self.callback_of(url, method, wanted)
    }

    /// The `<Dial>` no longer waits on the call it placed.
    fn stop_dialing(&self) {
        if let Some(run) = self.app.state().run_mut(&self.project, &self.call) {
            run.dialing = None;
            run.dial_seen = None;
        }
    }

    /// Ends the call the `<Dial>` placed at `now`, if it is still bridged (canceled while it
    /// rings, completed once answered), and stops waiting on it. Answers its duration, once
    /// over.
    fn hang_up_dialed(&self, child: Uuid, now: DateTime<Utc>) -> Option<i64> {
        self.stop_dialing();
        let mut state = self.app.state();
        let dialed = state.look_at_dialed(&self.project, &self.call, &child)?;
        if dialed.bridged && !dialed.status.is_over() {
            let status = if dialed.status == CallStatus::InProgress {
                CallStatus::Completed
            } else {
                CallStatus::Canceled
            };
            if let Some(mut events) = state.end_call(&self.project, &child, status, now) {
                events.extend(state.settle(&self.project, now));
                self.app.dispatch_held(&mut state, &self.project, events);
            }
        }
        state
            .look_at_dialed(&self.project, &self.call, &child)
            .and_then(|d| d.duration.filter(|_| d.bridged))
    }

    /// After a `<Dial>`: its `action`, asked with the outcome, or the next verb.
    fn dial_action(&self, dial: &Dial, status: &str, sid: Option<Uuid>, seconds: i64) -> Flow {
        let Some(action) = &dial.action else {
            return Flow::Next;
        };
        let mut extra = vec![("DialCallStatus".to_owned(), status.to_owned())];
        if let Some(sid) = sid {
            extra.push(("DialCallSid".to_owned(), sid.to_string()));
        }
        extra.push(("DialCallDuration".to_owned(), seconds.to_string()));
        match self.resolve(action) {
            Ok(url) => Flow::Ask(Source::Url {
                url,
                method: method(dial.method.as_ref()),
                extra,
            }),
            Err(e) => self.bad(e),
        }
    }

    /// A verb that names a URL that is not one: the call ends as a document error.
    fn bad(&self, e: String) -> Flow {
        self.log("error", json!({ "code": 12100, "message": e }));
        Flow::End(CallStatus::Completed, "its document names a bad URL")
    }

    async fn gather(&mut self, gather: &crate::cxml::Gather) -> Flow {
        let inputs: Vec<GatherInput> = gather
            .input
            .as_ref()
            .map(|i| i.0.clone())
            .unwrap_or_default();
        let dtmf = inputs.is_empty() || inputs.contains(&GatherInput::Dtmf);
        let speech = inputs.contains(&GatherInput::Speech);
        let timeout = Duration::from_secs(gather.timeout.unwrap_or(5).into());
        let finish = gather
            .finish_on_key
            .clone()
            .unwrap_or_else(|| "#".to_owned());
        let wanted = gather.num_digits.map(|n| n as usize);
        self.log(
            "verb",
            json!({
                "verb": "Gather", "action": gather.action, "timeout": timeout.as_secs(),
                "numDigits": wanted, "finishOnKey": finish, "input": if speech && dtmf { "dtmf speech" } else if speech { "speech" } else { "dtmf" },
            }),
        );
        // Its prompts play until the caller gives input.
        for prompt in &gather.children {
            let (length, loops) = match prompt {
                GatherPrompt::Say(say) => (say_length(&say.text()), say.loops.unwrap_or(1)),
                GatherPrompt::Play(play) => (play_length(play), play.loops.unwrap_or(1)),
                GatherPrompt::Pause(pause) => {
                    (Duration::from_secs(pause.length.unwrap_or(1).into()), 1)
                }
            };
            match self.take(length, loops, true).await {
                Woke::Time => {}
                Woke::Input => break,
                Woke::Interrupted => return Flow::Interrupted,
            }
        }
        let mut digits = String::new();
        let mut said = None;
        let mut deadline = later(self.now(), timeout);
        loop {
            {
                let mut state = self.app.state();
                if let Some(run) = state.run_mut(&self.project, &self.call) {
                    // What the Gather does not listen for is dropped, so that it cannot
                    // wake the Gather again and again.
                    let keys = std::mem::take(&mut run.digits);
                    if dtmf {
                        digits.push_str(&keys);
                    }
                    if let Some(text) = run.speech.take()
                        && speech
                    {
                        said = Some(text);
                    }
                }
            }
            if let Some(at) = digits.find(|c: char| !finish.is_empty() && finish.contains(c)) {
                digits.truncate(at);
                break;
            }
            if wanted.is_some_and(|n| digits.chars().count() >= n) {
                if let Some(n) = wanted {
                    digits = digits.chars().take(n).collect();
                }
                break;
            }
            if said.is_some() {
                break;
            }
            match self.wait(Some(deadline), true).await {
                Woke::Time => break,
                // Each key starts the timeout again: it is the silence allowed.
                Woke::Input => deadline = later(self.now(), timeout),
                Woke::Interrupted => return Flow::Interrupted,
            }
        }
        self.log("input", json!({ "digits": digits, "speech": said }));
        if digits.is_empty() && said.is_none() && gather.action_on_empty_result != Some(true) {
            return Flow::Next;
        }
        let mut extra = Vec::new();
        if dtmf {
            extra.push(("Digits".to_owned(), digits));
        }
        if let Some(text) = said {
            extra.push(("SpeechResult".to_owned(), text));
            extra.push(("Confidence".to_owned(), SPEECH_CONFIDENCE.to_owned()));
        }
        let method = method(gather.method.as_ref());
        let url = match &gather.action {
            Some(action) => match self.resolve(action) {
                Ok(url) => url,
                Err(e) => return self.bad(e),
            },
            // Without an action, the document's own URL is asked again, as SignalWire does.
            None => match &self.current {
                Some((url, _)) => url.clone(),
                None => return Flow::Next,
            },
        };
        Flow::Ask(Source::Url { url, method, extra })
    }

    /// `<Record>`: after its beep, records the called party until a key of `finishOnKey`,
    /// `timeout` seconds of silence after the last thing said, `maxLength`, a hang-up or a
    /// redirect. The recording (source `RecordVerb`) is `completed` with the seconds heard
    /// (or its whole length with `trim="do-not-trim"`), or `absent` with none; its
    /// `recordingStatusCallback` hears the events it asks for; then `action` (or the
    /// document's own URL) is asked with `RecordingUrl`, `RecordingSid`,
    /// `RecordingDuration` and `Digits`, also after a hang-up, whose document is not run.
    async fn record(&mut self, record: &crate::cxml::Record) -> Flow {
        let finish = record
            .finish_on_key
            .clone()
            .unwrap_or_else(|| RECORD_FINISH_KEYS.to_owned());
        let max_length = match record.max_length {
            None | Some(0) => RECORD_MAX_LENGTH,
            Some(n) => n.min(DIAL_TIME_LIMIT),
        };
        let timeout = record.timeout.unwrap_or(RECORD_TIMEOUT);
        let trim = record.trim != Some(crate::cxml::Trim::DoNotTrim);
        let beep = record.play_beep != Some(false);
        self.log(
            "verb",
            json!({
                "verb": "Record", "action": record.action, "finishOnKey": finish,
                "maxLength": max_length, "timeout": timeout, "playBeep": beep,
                "trim": if trim { "trim-silence" } else { "do-not-trim" },
            }),
        );
        if record.transcribe == Some(true) {
            self.log(
                "skipped",
                json!({ "transcribe": true, "why": "the emulator makes no transcriptions yet" }),
            );
        }
        if let Some(url) = &record.storage_url {
            self.log(
                "skipped",
                json!({ "storageUrl": url, "why": "the emulator keeps its recordings itself" }),
            );
        }
        let callback = self.recording_callback(
            record.recording_status_callback.as_deref(),
            record.recording_status_callback_method,
            record.recording_status_callback_event.as_ref(),
            &RECORDING_EVENTS,
        );
        if beep && self.take(BEEP_LENGTH, 1, false).await == Woke::Interrupted {
            return Flow::Interrupted;
        }

        let sid = self.app.new_sid();
        let started = self.now();
        {
            let mut state = self.app.state();
            if let Some(run) = state.run_mut(&self.project, &self.call) {
                // What was pressed or said before the recording began is not part of it.
                run.digits.clear();
                run.speech = None;
                run.heard = None;
            }
            if let Ok(all) = state.recordings_mut(&self.project, "") {
                all.start_for_record(&self.call, sid, trim, started);
            }
        }
        let url = format!(
            "{}{}/Accounts/{}/Recordings/{sid}",
            self.app.origin,
            crate::API_ROOT_PATH,
            self.project
        );
        self.log(
            "recording",
            json!({ "recording_sid": sid, "status": "in-progress" }),
        );
        self.recording_event(callback.as_ref(), sid, &url, "in-progress", 0);

        let limit = later(started, Duration::from_secs(max_length.into()));
        let mut heard: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        let mut key = None;
        let (end, woke) = loop {
            {
                let mut state = self.app.state();
                if let Some(run) = state.run_mut(&self.project, &self.call) {
                    let keys = std::mem::take(&mut run.digits);
                    key = keys.chars().find(|c| finish.contains(*c));
                    run.speech = None;
                    if let Some(span) = run.heard.take() {
                        heard = Some(widened(heard, span));
                    }
                }
            }
            if key.is_some() {
                break (self.now(), Woke::Input);
            }
            let quiet_since = heard.map_or(started, |(_, last)| last.max(started));
            let deadline = match timeout {
                0 => limit,
                n => later(quiet_since, Duration::from_secs(n.into())).min(limit),
            };
            match self.wait(Some(deadline), true).await {
                Woke::Time => break (deadline.min(self.now()), Woke::Time),
                Woke::Input => {}
                Woke::Interrupted => break (self.now(), Woke::Interrupted),
            }
        };
        let seconds = match (trim, heard) {
            (true, Some((first, last))) => whole_up(last.min(end) - first.max(started)),
            (true, None) => 0,
            (false, _) => whole_up(end - started),
        };
        let status = if seconds > 0 { "completed" } else { "absent" };
        if let Ok(all) = self.app.state().recordings_mut(&self.project, "") {
            all.finish_record(&sid, seconds, end);
        }
        self.log(
            "recording",
            json!({ "recording_sid": sid, "status": status, "duration": seconds, "digits": key.map(String::from) }),
        );
        self.recording_event(callback.as_ref(), sid, &url, status, seconds);

        let hung_up = woke == Woke::Interrupted
            && !self
                .app
                .state()
                .run_view(&self.project, &self.call)
                .is_some_and(|v| v.live);
        if woke == Woke::Interrupted && !hung_up {
            // Sent to new cXML: that runs, and the action is not asked.
            return Flow::Interrupted;
        }
        let target = match &record.action {
            Some(action) => match self.resolve(action) {
                Ok(url) => Some(url),
                Err(e) if !hung_up => return self.bad(e),
                Err(_) => None,
            },
            // Without an action, the document's own URL is asked again, as SignalWire does.
            None => self.current.as_ref().map(|(url, _)| url.clone()),
        };
        let Some(target) = target else {
            return if hung_up {
                Flow::Interrupted
            } else {
                Flow::Next
            };
        };
        let extra = vec![
            ("RecordingUrl".to_owned(), url),
            ("RecordingSid".to_owned(), sid.to_string()),
            ("RecordingDuration".to_owned(), seconds.to_string()),
            (
                "Digits".to_owned(),
                key.map(String::from).unwrap_or_default(),
            ),
        ];
        let method = method(record.method.as_ref());
        if hung_up {
            // The app hears how the recording ended; the call is over, so its answer is
            // not run.
            let _ = self.fetch(&target, &method, &extra).await;
            return Flow::Interrupted;
        }
        Flow::Ask(Source::Url {
            url: target,
            method,
            extra,
        })
    }

    /// Sends a `<Record>`'s recording status `status`, if its callback asks for it.
    fn recording_event(
        &self,
        callback: Option<&super::calls::CallCallback>,
        sid: Uuid,
        url: &str,
        status: &str,
        seconds: i64,
    ) {
        let Some(callback) = callback else { return };
        let params = super::recordings::StatusParams {
            project: self.project,
            call: self.call,
            conference: None,
            sid,
            url,
            status,
            seconds,
            source: "RecordVerb",
        }
        .pairs();
        let name = format!("recording-{status}");
        if let Some(pending) = callback
            .pending(&self.project, &self.call, status, &name, params)
            .map(|(event, to)| (event.queued_by(sid), to))
        {
            let mut state = self.app.state();
            self.app
                .dispatch_held(&mut state, &self.project, vec![pending]);
        }
    }

    /// A URL of the document, made absolute against the document's own.
    fn resolve(&self, text: &str) -> Result<String, String> {
        resolve(self.current.as_ref().map(|(url, _)| url.as_str()), text)
    }

    /// Asks `url` for a document, signed, with the call's parameters and `extra`. An
    /// inbound call's first request says `ringing`, as SignalWire's does: the call is
    /// answered by the document it gets.
    async fn fetch(&mut self, url: &str, method: &str, extra: &[(String, String)]) -> Fetched {
        self.asked += 1;
        let live = self
            .app
            .state()
            .run_view(&self.project, &self.call)
            .is_some_and(|v| v.live);
        let status = if !live {
            "completed"
        } else if self.asked == 1 && self.start.direction == crate::CallDirection::Inbound {
            "ringing"
        } else {
            "in-progress"
        };
        let mut params = vec![
            ("AccountSid".to_owned(), self.project.to_string()),
            ("ApiVersion".to_owned(), "2010-04-01".to_owned()),
            ("CallSid".to_owned(), self.call.to_string()),
            ("CallStatus".to_owned(), status.to_owned()),
            ("Direction".to_owned(), self.start.direction.to_string()),
            ("From".to_owned(), self.start.from.clone()),
            ("To".to_owned(), self.start.to.clone()),
        ];
        params.extend(extra.iter().cloned());
        ask(
            &self.app,
            &self.project,
            url,
            method,
            &params,
            &|event, detail| {
                self.log(event, detail);
            },
        )
        .await
    }
}

/// Asks the app at `url` for a document, as a call's or a message's runner does: signed
/// with the project's key, with `params`, each step logged by `log` (`skipped` for a URL
/// the emulator may not reach, then the `request` with its outcome).
pub(crate) async fn ask(
    app: &App,
    project: &Uuid,
    url: &str,
    method: &str,
    params: &[(String, String)],
    log: &(dyn Fn(&'static str, Value) + Sync),
) -> Fetched {
    if let Err(why) = reachable(app, url) {
        log(
            "skipped",
            json!({ "url": url, "method": method, "why": why }),
        );
        return Fetched::NotAsked;
    }
    let Some(key) = app.state().signing_key(project) else {
        return Fetched::Failed(11200, "the project is gone".into());
    };
    let mut target = super::connection::target(url);
    let http = app.fetcher.client(&mut target);
    if !target.ignored.is_empty() {
        log(
            "skipped",
            json!({ "url": url, "why": target.ignored.join("; ") }),
        );
    }
    let began = std::time::Instant::now();
    let (outcome, status) = match http {
        Ok(http) => fetch(&http, &key, &target, method, params).await,
        Err(e) => (Fetched::Failed(11200, format!("no HTTP client: {e}")), None),
    };
    let ms = u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX);
    let error = match &outcome {
        Fetched::Failed(code, message) => Some(json!({ "code": code, "message": message })),
        _ => None,
    };
    log(
        "request",
        json!({ "url": url, "method": method, "status": status, "ms": ms, "params": params.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect::<serde_json::Map<_, _>>(), "error": error }),
    );
    outcome
}

/// A URL a document gives, made absolute against the document's own (`base`).
pub(crate) fn resolve(base: Option<&str>, text: &str) -> Result<String, String> {
    let text = text.trim();
    match url::Url::parse(text) {
        Ok(url) => Ok(url.to_string()),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let Some(base) = base else {
                return Err(format!(
                    "{text:?} is a relative URL, and the document has no URL of its own"
                ));
            };
            url::Url::parse(base)
                .and_then(|b| b.join(text))
                .map(|u| u.to_string())
                .map_err(|e| format!("{text:?} is not a URL: {e}"))
        }
        Err(e) => Err(format!("{text:?} is not a URL: {e}")),
    }
}

/// Whether the emulator may ask `url`: on this machine, unless remote callbacks are
/// allowed.
fn reachable(app: &App, url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{url:?} is not http or https"));
    }
    if app.allow_remote_callbacks || super::callbacks::is_loopback(&parsed) {
        return Ok(());
    }
    Err("not on this machine: the emulator asks only loopback URLs unless it allows remote callbacks".into())
}

/// What asking an app gave.
pub(crate) enum Fetched {
    Document(String),
    /// The error code SignalWire reports, and what happened.
    Failed(u32, String),
    /// Not asked: the URL is not one the emulator may reach.
    NotAsked,
}

/// Asks `target` for a document; answers what it gave and the HTTP status, if one came.
async fn fetch(
    http: &reqwest::Client,
    key: &SigningKey,
    target: &super::connection::Target,
    method: &str,
    params: &[(String, String)],
) -> (Fetched, Option<u16>) {
    let timeouts = &target.timeouts;
    let request =
        super::callbacks::signed(http, &target.url, method, params, key).timeout(timeouts.total);
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(e) if e.is_redirect() => {
            return (
                Fetched::Failed(
                    11215,
                    format!("more than {MAX_HTTP_REDIRECTS} redirects in a row"),
                ),
                None,
            );
        }
        Err(e) => {
            return (
                Fetched::Failed(11200, super::callbacks::describe(&e, timeouts)),
                None,
            );
        }
    };
    let status = response.status().as_u16();
    if !response.status().is_success() {
        return (
            Fetched::Failed(11200, format!("the app answered HTTP {status}")),
            Some(status),
        );
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                    return (
                        Fetched::Failed(
                            11750,
                            format!(
                                "the document is larger than {} kB",
                                MAX_DOCUMENT_BYTES / 1024
                            ),
                        ),
                        Some(status),
                    );
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return (
                    Fetched::Failed(11200, super::callbacks::describe(&e, timeouts)),
                    Some(status),
                );
            }
        }
    }
    match String::from_utf8(body) {
        Ok(text) => (Fetched::Document(text), Some(status)),
        Err(_) => (
            Fetched::Failed(12100, "the document is not UTF-8 text".into()),
            Some(status),
        ),
    }
}

/// Whether `text` is an E.164 number: `+` and 2 to 15 digits.
fn is_e164(text: &str) -> bool {
    text.strip_prefix('+')
        .is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn noun_name(noun: &DialNoun) -> &'static str {
    match noun {
        DialNoun::Number(_) | DialNoun::Phone(_) => "Number",
        DialNoun::Conference(_) => "Conference",
        DialNoun::Sip(_) => "Sip",
        DialNoun::Queue(_) => "Queue",
        DialNoun::Verto(_) => "Verto",
    }
}

/// A span of time widened to take in `more` (or `more` itself when there is none yet).
fn widened(
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    more: (DateTime<Utc>, DateTime<Utc>),
) -> (DateTime<Utc>, DateTime<Utc>) {
    match span {
        Some((first, last)) => (first.min(more.0), last.max(more.1)),
        None => more,
    }
}

/// A span in whole seconds, a part of a second counting as one.
fn whole_up(span: chrono::TimeDelta) -> i64 {
    let ms = span.num_milliseconds().max(0);
    ms / 1000 + i64::from(ms % 1000 != 0)
}

fn flow(woke: Woke) -> Flow {
    match woke {
        Woke::Interrupted => Flow::Interrupted,
        Woke::Time | Woke::Input => Flow::Next,
    }
}

pub(crate) fn method(method: Option<&CallbackMethod>) -> String {
    method.map_or("POST", CallbackMethod::as_str).to_uppercase()
}

/// How long `<Say>` speaks `text`.
fn say_length(text: &str) -> Duration {
    let words = u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX);
    SAY_PER_WORD
        .saturating_mul(words)
        .max(Duration::from_secs(1))
}

/// How long `<Play>` plays once.
fn play_length(play: &crate::cxml::Play) -> Duration {
    match &play.digits {
        Some(keys) => keys
            .chars()
            .map(|c| {
                if c.eq_ignore_ascii_case(&'w') {
                    Duration::from_millis(500)
                } else {
                    KEY_LENGTH
                }
            })
            .sum(),
        None => PLAY_LENGTH,
    }
}

/// A verb's element name, for the log.
fn verb_name(verb: &VoiceVerb) -> &'static str {
    match verb {
        VoiceVerb::Say(_) => "Say",
        VoiceVerb::Play(_) => "Play",
        VoiceVerb::Pause(_) => "Pause",
        VoiceVerb::Gather(_) => "Gather",
        VoiceVerb::Dial(_) => "Dial",
        VoiceVerb::Record(_) => "Record",
        VoiceVerb::Hangup(_) => "Hangup",
        VoiceVerb::Redirect(_) => "Redirect",
        VoiceVerb::Reject(_) => "Reject",
        VoiceVerb::Enqueue(_) => "Enqueue",
        VoiceVerb::Leave(_) => "Leave",
        VoiceVerb::Echo(_) => "Echo",
        VoiceVerb::Denoise(_) => "Denoise",
        VoiceVerb::Sms(_) => "Sms",
        VoiceVerb::Connect(_) => "Connect",
        VoiceVerb::Start(_) => "Start",
        VoiceVerb::Refer(_) => "Refer",
        VoiceVerb::Stop(_) => "Stop",
        VoiceVerb::Pay(_) => "Pay",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn say_takes_its_words_and_at_least_a_second() {
        assert_eq!(say_length("hi"), Duration::from_secs(1));
        assert_eq!(
            say_length("one two three four five"),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn keys_waiting_for_a_gather_are_bounded() {
        let mut run = RunState::default();
        for _ in 0..100 {
            run.press(&"1".repeat(63));
            run.press("#");
        }
        assert_eq!(run.digits.len(), MAX_KEYS);
        assert!(run.digits.ends_with('#'));
    }

    #[test]
    fn digits_are_keys() {
        assert!(check_digits("12#*").is_ok());
        assert!(check_digits("").is_err());
        assert!(check_digits("1w").is_err());
        assert!(check_digits(&"1".repeat(65)).is_err());
    }
}
