//! A space that calls you back: conference status callbacks, signed as SignalWire signs them
//! and delivered off the request's path, with a log of every attempt.
//!
//! A conference's callback (its URL, method and the events it wants, as the first
//! participant's cXML `<Conference statusCallback=… statusCallbackEvent=…>` would set them)
//! comes from the seed or from `PUT /__emulator/conferences/{sid}/status-callback`. Events
//! are made by the REST operations that change state (mute, hold, remove, end) and by the
//! control endpoints that do what the REST API cannot (a participant joins, leaves, speaks;
//! a conference starts). Each is sent form-encoded with SignalWire's parameter names, an RFC
//! 2822 `Timestamp`, and an `X-SignalWire-Signature` made with the project's signing key;
//! Twilio's extra fields (`SequenceNumber`, `Coaching`, the reasons) only when asked. A
//! conference's events are delivered in order, one at a time, with SignalWire's timeouts
//! (see [`connection`](super::connection)).

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::sync::mpsc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::{
    connection::{self, Clients, Timeouts},
    response::Refusal,
};
use crate::webhooks::{SigningKey, Validator};

/// The events a callback can ask for, as cXML's `statusCallbackEvent` names them.
pub(crate) const EVENTS: [&str; 7] = ["start", "end", "join", "leave", "mute", "hold", "speaker"];

/// How many times an event is tried, as SignalWire tries a status callback: once, and
/// twice more when that fails.
pub(crate) const MAX_ATTEMPTS: u32 = 3;

/// How long the first retry waits; the second waits twice as long.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The most delivery attempts the log keeps for a project, its oldest dropped first; one
/// project's callbacks never push another's out.
pub const MAX_CALLBACK_LOG: usize = 10_000;

/// The most characters of an attempt's URL and error the log keeps: a longer one is cut,
/// and says how much was left out. An entry stays small however long the URL it was sent to.
pub const MAX_LOGGED_TEXT: usize = 1_024;

/// The most attempts one `GET /__emulator/callbacks` answers; its `next` asks for more.
pub const CALLBACKS_PAGE: usize = 1_000;

/// Every project's delivery attempts, each project's bounded on its own.
#[derive(Debug, Default)]
struct Log {
    projects: HashMap<Uuid, ProjectLog>,
}

/// A project's delivery attempts: the last [`MAX_CALLBACK_LOG`], and how many came before
/// them.
#[derive(Debug, Default)]
struct ProjectLog {
    attempts: VecDeque<CallbackAttempt>,
    dropped: u64,
}

/// A page of a project's delivery attempts (see [`Deliverer::page`]).
#[derive(Debug)]
pub(crate) struct AttemptPage {
    /// The attempts, oldest first.
    pub(crate) attempts: Vec<CallbackAttempt>,
    /// How many of the project's attempts the log let go, oldest first.
    pub(crate) dropped: u64,
    /// Where the next page starts, if there are more.
    pub(crate) next: Option<u64>,
}

/// Where and how a conference's status callbacks go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusCallback {
    /// The URL to call: loopback, unless the emulator allows remote callbacks.
    pub url: String,
    /// `POST` (the default, a form body) or `GET` (the parameters in the query).
    #[serde(default = "post")]
    pub method: String,
    /// The events wanted, among `start`, `end`, `join`, `leave`, `mute`, `hold` and
    /// `speaker`; all of them when not given.
    #[serde(default = "all_events")]
    pub events: Vec<String>,
    /// Whether to add Twilio's fields (`SequenceNumber`, `Coaching`, `ReasonConferenceEnded`,
    /// `ReasonParticipantLeft`, `CallSidEndingConference`).
    #[serde(default)]
    pub twilio_fields: bool,
}

fn post() -> String {
    "POST".into()
}

fn all_events() -> Vec<String> {
    EVENTS.iter().map(|e| (*e).to_owned()).collect()
}

impl StatusCallback {
    /// The callback, checked: an absolute `http` or `https` URL (loopback unless
    /// `allow_remote`), `GET` or `POST` in any case, known events.
    pub(crate) fn checked(mut self, allow_remote: bool) -> Result<Self, String> {
        let url = url::Url::parse(&self.url)
            .map_err(|e| format!("url {:?} is not a URL ({e})", self.url))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("url {:?} is not http or https", self.url));
        }
        if !is_loopback(&url) && !allow_remote {
            return Err(format!(
                "url {:?} is not a loopback address; the emulator calls only this machine unless told to allow remote callbacks",
                self.url
            ));
        }
        // Kept as it will be called (scheme and host in lower case, no default port, dot
        // segments resolved, spaces escaped), so that what is shown is what is signed.
        self.url = url.to_string();
        self.method.make_ascii_uppercase();
        if self.method != "GET" && self.method != "POST" {
            return Err(format!("method {:?} is not GET or POST", self.method));
        }
        if let Some(unknown) = self.events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
            return Err(format!(
                "event {unknown:?} is not one of {}",
                EVENTS.join(", ")
            ));
        }
        Ok(self)
    }

    fn wants(&self, short: &str) -> bool {
        self.events.iter().any(|e| e == short)
    }
}

/// One delivery of a status callback, as the emulator's log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CallbackAttempt {
    /// The project whose conference or call it is.
    pub project_id: Uuid,
    /// The conference, for a conference's event; `None` for a call's own.
    pub conference_sid: Option<Uuid>,
    /// The event (`StatusCallbackEvent`), such as `participant-join`.
    pub event: String,
    /// The participant's call, for a participant's event.
    pub call_sid: Option<String>,
    /// Where it was sent.
    pub url: String,
    /// Which try this was: 1, or 2 and 3 for the retries of an event whose delivery
    /// failed (no answer, or a 5xx status).
    pub attempt: u32,
    /// The status the receiver answered, if it answered.
    pub status: Option<u16>,
    /// Why it failed, if it did (no answer, a timeout, a refused connection).
    pub error: Option<String>,
    /// The connection overrides in the URL's fragment that were not used, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// An event to send: its name and parameters, before signing.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    project: Uuid,
    /// The conference or the call whose events go out one after another, in order.
    queue: Uuid,
    conference: Option<Uuid>,
    name: String,
    params: Vec<(String, String)>,
}

impl Event {
    /// The event's name (`participant-join`, `answered`, `recording-completed`).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The call the event is of, when it names one (`CallSid`).
    pub(crate) fn call(&self) -> Option<Uuid> {
        self.params
            .iter()
            .find(|(k, _)| k == "CallSid")
            .and_then(|(_, v)| Uuid::try_parse(v).ok())
    }

    /// An event of a call's own (`initiated`, `ringing`, `answered`, `completed`).
    pub(crate) fn of_call(
        project: Uuid,
        call: Uuid,
        name: &str,
        params: Vec<(String, String)>,
    ) -> Self {
        Self {
            project,
            queue: call,
            conference: None,
            name: name.to_owned(),
            params,
        }
    }

    /// The event goes out in the order of `queue`'s events (a recording's), rather than of
    /// its call's.
    pub(crate) fn queued_by(mut self, queue: Uuid) -> Self {
        self.queue = queue;
        self
    }
}

/// What a conference sends with every event.
pub(crate) struct ConferenceInfo<'a> {
    pub(crate) project: Uuid,
    pub(crate) sid: Uuid,
    pub(crate) friendly_name: &'a str,
    pub(crate) callback: Option<&'a StatusCallback>,
    pub(crate) sequence: u64,
}

impl ConferenceInfo<'_> {
    /// An event of the conference, if its callback wants it: `short` is cXML's name for the
    /// kind (`join`), `name` the event sent (`participant-join`).
    pub(crate) fn event(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        short: &str,
        name: &str,
        participant: Option<&Value>,
        twilio: &[(&str, String)],
    ) -> Option<Event> {
        let callback = self.callback?;
        if !callback.wants(short) {
            return None;
        }
        let now = now.fixed_offset();
        let mut params: Vec<(String, String)> = vec![
            ("AccountSid".into(), self.project.to_string()),
            ("ApiVersion".into(), "2010-04-01".into()),
            ("ConferenceSid".into(), self.sid.to_string()),
            ("FriendlyName".into(), self.friendly_name.to_owned()),
            ("StatusCallbackEvent".into(), name.to_owned()),
            ("Timestamp".into(), crate::time::format_rfc2822(&now)),
        ];
        if let Some(p) = participant {
            let text = |key: &str| match &p[key] {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                other => other.to_string(),
            };
            params.push(("CallSid".into(), text("call_sid")));
            params.push(("CallStatus".into(), text("status")));
            params.push(("Muted".into(), text("muted")));
            params.push(("Hold".into(), text("hold")));
            params.push(("EndConferenceOnExit".into(), text("end_conference_on_exit")));
            params.push((
                "StartConferenceOnEnter".into(),
                text("start_conference_on_enter"),
            ));
            if callback.twilio_fields {
                params.push(("Coaching".into(), text("coaching")));
            }
        }
        if callback.twilio_fields {
            params.push(("SequenceNumber".into(), self.sequence.to_string()));
            params.extend(twilio.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        }
        Some(Event {
            project: self.project,
            queue: self.sid,
            conference: Some(self.sid),
            name: name.to_owned(),
            params,
        })
    }
}

/// Sends events off the request's path and logs every attempt. Each conference's events go
/// out one after another, in the order they were made, as a receiver would expect; different
/// conferences' events go out side by side.
#[derive(Debug, Clone)]
pub(crate) struct Deliverer {
    http: Arc<Clients>,
    log: Arc<Mutex<Log>>,
    queues: Arc<Mutex<HashMap<Uuid, Queue>>>,
}

/// The deliveries waiting for one conference's or call's callback, and, once the callback
/// changed or was removed, why those still waiting are not sent.
#[derive(Debug, Clone)]
struct Queue {
    tx: mpsc::Sender<Delivery>,
    retired: Arc<std::sync::OnceLock<&'static str>>,
}

/// One signed request waiting to go out, with the log entry it will fill in.
struct Delivery {
    request: reqwest::RequestBuilder,
    attempt: CallbackAttempt,
    timeouts: Timeouts,
}

/// The most deliveries one conference may have waiting; past it, events are dropped (and
/// logged as such) rather than held without limit for a receiver that does not keep up.
const MAX_QUEUED: usize = 1_000;

impl Deliverer {
    pub(crate) fn new() -> Result<Self, String> {
        // No proxy from the environment: callbacks go straight to the receiver, which is on
        // this machine unless remote callbacks are allowed.
        Ok(Self {
            http: Arc::new(Clients::new(false)?),
            log: Arc::default(),
            queues: Arc::default(),
        })
    }

    /// Queues the event for the conference's callback, signed with the project's key.
    /// Returns at once: the request goes out from the conference's own delivery task.
    pub(crate) fn send(&self, event: Event, callback: &StatusCallback, key: &SigningKey) {
        let mut target = connection::target(&callback.url);
        let http = self.http.client(&mut target);
        let call_sid = event
            .params
            .iter()
            .find(|(k, _)| k == "CallSid")
            .map(|(_, v)| v.clone());
        let owner = event.queue;
        // A call's `completed` is its last event: its queue goes once that is queued, and
        // its delivery task ends when the queue is drained.
        // So is a recording's completion the last of its events.
        let last = event.conference.is_none()
            && matches!(
                event.name.as_str(),
                "completed" | "recording-completed" | "recording-absent" | "recording-failed"
            );
        let attempt = CallbackAttempt {
            project_id: event.project,
            conference_sid: event.conference,
            event: event.name,
            call_sid,
            url: target.url.clone(),
            attempt: 1,
            status: None,
            error: None,
            notes: target.ignored.clone(),
        };
        let request = match http {
            Ok(http) => signed(&http, &target.url, &callback.method, &event.params, key),
            Err(e) => {
                let mut attempt = attempt;
                attempt.error = Some(format!("not sent: no HTTP client: {e}"));
                record(&self.log, attempt);
                return;
            }
        };
        let delivery = Delivery {
            request,
            attempt,
            timeouts: target.timeouts,
        };
        let queue = self.queue(owner);
        if let Err(refused) = queue.tx.try_send(delivery) {
            let mut attempt = match refused {
                mpsc::error::TrySendError::Full(d) | mpsc::error::TrySendError::Closed(d) => {
                    d.attempt
                }
            };
            attempt.error = Some(format!(
                "not sent: {MAX_QUEUED} deliveries to this callback were already waiting"
            ));
            record(&self.log, attempt);
        }
        if last {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            queues.remove(&owner);
        }
    }

    /// The delivery queue of a conference or a call, and its task, made the first time it is needed.
    fn queue(&self, owner: Uuid) -> Queue {
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        queues
            .entry(owner)
            .or_insert_with(|| {
                let (tx, mut rx) = mpsc::channel::<Delivery>(MAX_QUEUED);
                let retired = Arc::new(std::sync::OnceLock::<&'static str>::new());
                let log = self.log.clone();
                let why = retired.clone();
                tokio::spawn(async move {
                    while let Some(delivery) = rx.recv().await {
                        match why.get() {
                            Some(why) => {
                                let mut attempt = delivery.attempt;
                                attempt.error = Some(format!("not sent: {why} before it went out"));
                                record(&log, attempt);
                            }
                            None => deliver(&log, delivery).await,
                        }
                    }
                });
                Queue { tx, retired }
            })
            .clone()
    }

    /// The callback of a conference (or call) `owner` changed or was removed (`why` says
    /// which): the deliveries still waiting for the old one are not sent (each is logged,
    /// saying so), and the next event starts a queue of its own, so a slow receiver that
    /// is no longer asked holds nothing up. One already being tried finishes its tries.
    pub(crate) fn retire(&self, owner: &Uuid, why: &'static str) {
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(queue) = queues.remove(owner) {
            let _ = queue.retired.set(why);
        }
    }

    /// Every attempt the log keeps for a project, oldest first.
    pub(crate) fn attempts(&self, project: &Uuid) -> Vec<CallbackAttempt> {
        self.page(project, 0, usize::MAX).attempts
    }

    /// At most `limit` of a project's attempts from the `from`th it ever made (counting
    /// from 0, those let go included: a page that starts among them starts at the oldest
    /// kept).
    pub(crate) fn page(&self, project: &Uuid, from: u64, limit: usize) -> AttemptPage {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.page(project, from, limit)
    }
}

impl Log {
    /// See [`Deliverer::page`].
    fn page(&self, project: &Uuid, from: u64, limit: usize) -> AttemptPage {
        let Some(kept) = self.projects.get(project) else {
            return AttemptPage {
                attempts: Vec::new(),
                dropped: 0,
                next: None,
            };
        };
        let skip = usize::try_from(from.saturating_sub(kept.dropped)).unwrap_or(usize::MAX);
        let attempts: Vec<CallbackAttempt> = kept
            .attempts
            .iter()
            .skip(skip)
            .take(limit)
            .cloned()
            .collect();
        let end = kept.dropped.max(from) + attempts.len() as u64;
        let total = kept.dropped + kept.attempts.len() as u64;
        AttemptPage {
            attempts,
            dropped: kept.dropped,
            next: (end < total).then_some(end),
        }
    }
}

/// A request to `url` with `params`, signed with `key` as SignalWire signs its requests:
/// for `GET` the parameters go in the query, which the signed URL covers; otherwise they
/// are a form, signed sorted by name after the URL.
pub(crate) fn signed(
    http: &reqwest::Client,
    url: &str,
    method: &str,
    params: &[(String, String)],
    key: &SigningKey,
) -> reqwest::RequestBuilder {
    let validator = Validator::new(key.clone());
    let (request, signature) = if method.eq_ignore_ascii_case("GET") {
        let mut url = url.to_owned();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&query);
        let url = as_requested(&url);
        let signature = validator.sign(&url, &[]);
        (http.get(&url), signature)
    } else {
        let mut sorted: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let url = as_requested(url);
        let signature = validator.sign(&url, &sorted);
        (http.post(&url).form(params), signature)
    };
    request.header("X-SignalWire-Signature", signature)
}

/// `url` as the HTTP client sends it (the WHATWG form: `HTTP://127.1:080/a/../b c` is
/// `http://127.0.0.1/b%20c`), which is what a receiver sees and so what is signed; text
/// that is no URL is left as it is (its request fails).
fn as_requested(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| url.to_owned(), String::from)
}

/// Whether a URL's host is this machine: `localhost` (or `localhost.`) or a loopback
/// address (an IPv4 one mapped into IPv6 too), as the client judges it.
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    crate::client::is_loopback(url)
}

/// Sends one event, trying again (after [`RETRY_AFTER`], then twice that) while it gets no
/// answer or a 5xx status, at most [`MAX_ATTEMPTS`] times in all and within its total time
/// (the tries and the waits between them); logs every try.
async fn deliver(log: &Mutex<Log>, delivery: Delivery) {
    let Delivery {
        request,
        attempt,
        timeouts,
    } = delivery;
    let deadline = tokio::time::Instant::now() + timeouts.total;
    let mut next = Some(request);
    for n in 1..=MAX_ATTEMPTS {
        let Some(request) = next.take() else { break };
        // A form or a query is always cloneable; were it not, the one try is all.
        next = request.try_clone();
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let mut this = attempt.clone();
        this.attempt = n;
        let failed = match request.timeout(left).send().await {
            Ok(response) => {
                this.status = Some(response.status().as_u16());
                response.status().is_server_error()
            }
            Err(e) => {
                this.error = Some(describe(&e, &timeouts));
                true
            }
        };
        record(log, this);
        let wait = RETRY_AFTER * n;
        if !failed || n == MAX_ATTEMPTS || tokio::time::Instant::now() + wait >= deadline {
            break;
        }
        tokio::time::sleep(wait).await;
    }
}

/// Adds an attempt to its project's log, its URL and error cut to [`MAX_LOGGED_TEXT`],
/// dropping the project's oldest past [`MAX_CALLBACK_LOG`].
fn record(log: &Mutex<Log>, mut attempt: CallbackAttempt) {
    cut(&mut attempt.url);
    if let Some(error) = &mut attempt.error {
        cut(error);
    }
    let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
    let kept = log.projects.entry(attempt.project_id).or_default();
    if kept.attempts.len() >= MAX_CALLBACK_LOG {
        kept.attempts.pop_front();
        kept.dropped += 1;
    }
    kept.attempts.push_back(attempt);
}

/// Cuts `text` to [`MAX_LOGGED_TEXT`] characters, saying how many were left out.
fn cut(text: &mut String) {
    if let Some((at, _)) = text.char_indices().nth(MAX_LOGGED_TEXT) {
        let left = text[at..].chars().count();
        text.truncate(at);
        let s = if left == 1 { "" } else { "s" };
        text.push_str(&format!("… ({left} more character{s})"));
    }
}

/// A failed request to an app, for the log: what went wrong and why, causes included.
pub(crate) fn describe(e: &reqwest::Error, timeouts: &Timeouts) -> String {
    if e.is_timeout() {
        return format!("no answer in time ({timeouts})");
    }
    crate::one_line(e)
}

/// A control request that makes a participant join.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Join {
    pub(crate) call_sid: Uuid,
    #[serde(default)]
    pub(crate) muted: bool,
    #[serde(default)]
    pub(crate) hold: bool,
    #[serde(default)]
    pub(crate) end_conference_on_exit: bool,
    #[serde(default = "yes")]
    pub(crate) start_conference_on_enter: bool,
    /// The participant this one coaches: another call in the conference, which has started.
    #[serde(default)]
    pub(crate) call_sid_to_coach: Option<Uuid>,
}

fn yes() -> bool {
    true
}

/// A control request that starts or stops a participant speaking.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Speech {
    pub(crate) speaking: bool,
}

/// Reads a control request's JSON body into `T`, or the 400 that says what is wrong.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| Refusal::bad(format!("Not a valid request: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callback(url: &str) -> StatusCallback {
        StatusCallback {
            url: url.into(),
            method: "post".into(),
            events: all_events(),
            twilio_fields: false,
        }
    }

    #[test]
    fn callbacks_are_checked() {
        assert_eq!(
            callback("http://127.0.0.1:9/e")
                .checked(false)
                .unwrap()
                .method,
            "POST"
        );
        assert!(callback("http://localhost/e").checked(false).is_ok());
        assert!(callback("https://example.com/e").checked(false).is_err());
        assert!(callback("https://example.com/e").checked(true).is_ok());
        assert!(callback("ftp://127.0.0.1/e").checked(false).is_err());
        assert!(callback("/e").checked(false).is_err());
        let mut odd = callback("http://127.0.0.1/e");
        odd.method = "PUT".into();
        assert!(odd.checked(false).is_err());
        let mut odd = callback("http://127.0.0.1/e");
        odd.events = vec!["teleport".into()];
        assert!(odd.checked(false).is_err());
    }

    fn attempt(project: Uuid, url: String) -> CallbackAttempt {
        CallbackAttempt {
            project_id: project,
            conference_sid: None,
            event: "completed".into(),
            call_sid: None,
            url,
            attempt: 1,
            status: Some(200),
            error: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn each_project_keeps_its_own_bounded_log_and_pages_through_it() {
        let log = Mutex::new(Log::default());
        let (busy, quiet) = (Uuid::from_u128(1), Uuid::from_u128(2));
        record(&log, attempt(quiet, "http://127.0.0.1/quiet".into()));
        for n in 0..MAX_CALLBACK_LOG + 5 {
            record(&log, attempt(busy, format!("http://127.0.0.1/{n}")));
        }
        let log = log.into_inner().unwrap();
        // The busy project pushed only its own oldest out.
        let page = log.page(&quiet, 0, usize::MAX);
        assert_eq!((page.attempts.len(), page.dropped, page.next), (1, 0, None));
        let page = log.page(&busy, 0, 3);
        assert_eq!(page.dropped, 5);
        let urls: Vec<&str> = page.attempts.iter().map(|a| a.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://127.0.0.1/5",
                "http://127.0.0.1/6",
                "http://127.0.0.1/7"
            ]
        );
        assert_eq!(page.next, Some(8));
        let last = log.page(&busy, (MAX_CALLBACK_LOG + 3) as u64, 10);
        let urls: Vec<&str> = last.attempts.iter().map(|a| a.url.as_str()).collect();
        let n = MAX_CALLBACK_LOG;
        assert_eq!(
            urls,
            [
                format!("http://127.0.0.1/{}", n + 3),
                format!("http://127.0.0.1/{}", n + 4)
            ]
        );
        assert_eq!(last.next, None);
        assert!(log.page(&busy, u64::MAX, 10).attempts.is_empty());
        assert!(log.page(&Uuid::from_u128(3), 0, 10).attempts.is_empty());
    }

    #[test]
    fn a_long_url_or_error_is_cut_in_the_log() {
        let log = Mutex::new(Log::default());
        let project = Uuid::from_u128(1);
        let url = format!("http://127.0.0.1/{}", "é".repeat(65_000));
        let mut long = attempt(project, url);
        long.error = Some("x".repeat(MAX_LOGGED_TEXT + 1));
        record(&log, long);
        record(&log, attempt(project, "y".repeat(MAX_LOGGED_TEXT)));
        let page = log.into_inner().unwrap().page(&project, 0, 10);
        let cut = &page.attempts[0];
        assert_eq!(
            cut.url.chars().count(),
            MAX_LOGGED_TEXT + "… (63993 more characters)".chars().count()
        );
        assert!(
            cut.url.ends_with("é… (63993 more characters)"),
            "{}",
            &cut.url[cut.url.len() - 40..]
        );
        assert!(
            cut.error
                .as_deref()
                .unwrap()
                .ends_with("x… (1 more character)")
        );
        // One at the bound is kept whole.
        assert_eq!(page.attempts[1].url, "y".repeat(MAX_LOGGED_TEXT));
    }
}
