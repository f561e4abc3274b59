//! The emulator's HTTP face: authentication, faults, bodies, routing, and a JSON answer for
//! everything, refusals included. Each resource's requests are read and carried out by its
//! own module.

use std::sync::{Arc, Mutex};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State as Extract},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    callbacks::{self, Join, Speech, StatusCallback, json_body},
    conferences::{self, Pending},
    faults::{self, Applied, FaultRule, Faults},
    form,
    response::{Refusal, ok, refusal, unauthorized},
    state::State,
};
use crate::API_ROOT_PATH;

/// The largest request body the emulator reads.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// The largest total size of request headers the emulator reads.
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Where faults are managed, outside the API root.
pub(crate) const FAULTS_PATH: &str = "/__emulator/faults";

/// Where the emulator's own control requests go, outside the API root.
pub(crate) const CONTROL_PATH: &str = "/__emulator";

pub(crate) struct App {
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Mutex<Faults>,
    /// Flips to `true` when the emulator stops, releasing requests held by a hang.
    pub(crate) stopping: tokio::sync::watch::Receiver<bool>,
    /// The number of the next SID the emulator makes up (for a new stream).
    pub(crate) next_sid: std::sync::atomic::AtomicU64,
    /// Sends status callbacks and keeps their log.
    pub(crate) deliverer: callbacks::Deliverer,
    /// Asks apps for the cXML their calls run.
    pub(crate) fetcher: super::connection::Clients,
    /// Whether a status callback may go to another machine.
    pub(crate) allow_remote_callbacks: bool,
    /// What every date the emulator writes is read from.
    pub(crate) clock: super::Clock,
    /// Where the emulator is reached, `http://127.0.0.1:PORT`, for the URLs it hands out.
    pub(crate) origin: String,
}

impl App {
    /// A SID the emulator has not given before, shaped like a version-4 UUID.
    /// Sends each event to its callback, signed with `project`'s key.
    pub(crate) fn dispatch(&self, project: &Uuid, pending: Vec<Pending>) {
        if pending.is_empty() {
            return;
        }
        let mut state = self.state();
        self.dispatch_held(&mut state, project, pending);
    }

    /// [`dispatch`](Self::dispatch) with the state already held: events made under one hold
    /// of the lock are queued before another hold can queue its own, so a receiver hears of
    /// a call's changes in the order they happened. Queuing does not wait.
    pub(crate) fn dispatch_held(&self, state: &mut State, project: &Uuid, pending: Vec<Pending>) {
        if pending.is_empty() {
            return;
        }
        let Some(key) = state.signing_key(project) else {
            return;
        };
        let now = self.clock.now();
        for (event, callback) in pending {
            // The call the event is of (a participant's, for a conference's) logs it.
            if let Some(call) = event.call()
                && let Some(run) = state.run_mut(project, &call)
            {
                run.log(
                    now,
                    "callback",
                    serde_json::json!({ "name": event.name(), "url": callback.url, "method": callback.method }),
                );
            }
            self.deliverer.send(event, &callback, &key);
        }
    }

    pub(crate) fn new_sid(&self) -> Uuid {
        let n = self
            .next_sid
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Uuid::from_u128(0x5e00_0000_0000_4000_8000_0000_0000_0000 | u128::from(n))
    }
}

pub(crate) fn router(app: Arc<App>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(app)
}

/// A path's segments below the API root, at `/api/laml/2010-04-01` or at the helper
/// libraries' older `/2010-04-01`, the last without a `.json` suffix.
fn api_segments(path: &str) -> Option<Vec<&str>> {
    let legacy = API_ROOT_PATH
        .strip_prefix("/api/laml")
        .unwrap_or(API_ROOT_PATH);
    let rest = path
        .strip_prefix(API_ROOT_PATH)
        .or_else(|| path.strip_prefix(legacy))?
        .strip_prefix('/')?;
    let mut segments: Vec<&str> = rest.split('/').collect();
    // `.json` may end the path, whatever it names.
    if let Some(last) = segments.last_mut() {
        *last = last.strip_suffix(".json").unwrap_or(last);
    }
    Some(segments)
}

/// A path to a resource in the generic store: `Accounts/{account}/{Segment}[/{sid}]`, at
/// either API root, with or without `.json`.
fn table_route(path: &str) -> Option<(Uuid, &'static dyn super::store::Table, Option<Uuid>)> {
    let segments = api_segments(path)?;
    let sid = |s: &str| Uuid::try_parse(s).ok();
    match segments.as_slice() {
        ["Accounts", a, segment] => Some((sid(a)?, super::store::find(segment)?, None)),
        ["Accounts", a, segment, s] => Some((sid(a)?, super::store::find(segment)?, Some(sid(s)?))),
        _ => None,
    }
}

/// A request to a resource in the generic store, authenticated as `project`.
async fn serve_table(
    app: &App,
    project: Uuid,
    account: Uuid,
    table: &'static dyn super::store::Table,
    sid: Option<Uuid>,
    parts: &axum::http::request::Parts,
    body: Body,
) -> Response {
    if account != project {
        return unauthorized(&format!(
            "Authentication failed: these credentials are not for account {account}"
        ));
    }
    let body = match read_body(&parts.headers, body).await {
        Ok(body) => body,
        Err(refused) => return refusal(refused),
    };
    if parts.method == Method::POST
        && let Err(refused) = form::check_form(&parts.headers, &body)
    {
        return refusal(refused);
    }
    let path = parts.uri.path();
    let request = super::store::Request {
        ctx: super::store::Ctx {
            account,
            now: app.clock.now(),
            origin: &app.origin,
            // Only a create uses one; a SID is not spent on every request.
            sid: if sid.is_none() && parts.method == Method::POST {
                super::store::random_sid()
            } else {
                Uuid::nil()
            },
        },
        method: &parts.method,
        sid,
        query: parts.uri.query(),
        body: &body,
        path,
    };
    let mut state = app.state();
    let Some(tables) = state.tables_mut(&account) else {
        return refusal(Refusal::not_found(path));
    };
    let answer = table.handle(request, tables);
    drop(state);
    match answer {
        Ok(response) if parts.method == Method::POST && sid.is_some() => {
            warn_of_query(response, parts.uri.query())
        }
        Ok(response) => response,
        Err(refused) => refusal(refused),
    }
}

/// A LaML Bin's contents, as its `request_url` serves them to anyone who calls it.
fn laml_bin_contents(app: &App, method: &Method, sid: &str) -> Response {
    if method != Method::GET && method != Method::POST {
        let mut response = refusal(Refusal::new(
            405,
            20004,
            format!("Method {method} is not allowed here; use GET, POST"),
        ));
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return response;
    }
    let now = app.clock.now();
    let contents = Uuid::try_parse(sid)
        .ok()
        .and_then(|sid| super::laml_bins::serve(app.state().every_tables_mut(), &sid, now));
    match contents {
        Some(xml) => {
            let mut response = Response::new(Body::from(xml));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/xml; charset=utf-8"),
            );
            // The contents are whatever a project stored: never run as a page on this origin.
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            );
            response
        }
        None => refusal(Refusal::not_found(&format!(
            "{}{sid}",
            super::laml_bins::CONTENTS_PATH
        ))),
    }
}

async fn handle(Extract(app): Extract<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let header_bytes: usize = parts
        .headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return refusal(Refusal::new(
            431,
            10000,
            format!("The request headers are larger than {MAX_HEADER_BYTES} bytes"),
        ));
    }
    if let Some(sid) = path.strip_prefix(super::laml_bins::CONTENTS_PATH) {
        return laml_bin_contents(&app, &parts.method, sid);
    }
    let project = match authenticate(&app, &parts.headers) {
        Some(project) => project,
        None => {
            return unauthorized(
                "Authentication failed: give the project ID and API token as HTTP Basic credentials",
            );
        }
    };
    if path == FAULTS_PATH {
        return manage_faults(&app, project, &parts.method, body).await;
    }
    if let Some(rest) = path.strip_prefix(CONTROL_PATH) {
        let query = parts.uri.query().unwrap_or("");
        return control(
            &app,
            project,
            &parts.method,
            rest,
            query,
            &parts.headers,
            body,
        )
        .await;
    }
    // Faults belong to the project that added them, and fire only for its own requests.
    let fault = app.faults().take(&project, &parts.method);
    if let Some(fault) = fault {
        match faults::apply(fault) {
            Applied::Answer(response) => return response,
            Applied::Delay(wait) => tokio::time::sleep(wait).await,
            Applied::Hang => {
                let mut stopping = app.stopping.clone();
                let _ = stopping.wait_for(|stop| *stop).await;
                return refusal(Refusal::new(503, 20504, "The emulator is stopping"));
            }
        }
    }
    let routed = api_segments(&path).and_then(|segments| super::routes::lookup(&segments));
    let Some((here, sids)) = routed else {
        return match table_route(&path) {
            Some((account, table, sid)) => {
                serve_table(&app, project, account, table, sid, &parts, body).await
            }
            None => refusal(Refusal::not_found(&path)),
        };
    };
    let Some(operation) = here.iter().find(|op| op.method == parts.method) else {
        let allow = here
            .iter()
            .map(|op| op.method.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut response = refusal(Refusal::new(
            405,
            20004,
            format!(
                "Method {} is not allowed on {path}; use {allow}",
                parts.method
            ),
        ));
        if let Ok(value) = HeaderValue::from_str(&allow) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    };
    let account = sids[0];
    if account != project {
        return unauthorized(&format!(
            "Authentication failed: these credentials are not for account {account}"
        ));
    }

    let body = match read_body(&parts.headers, body).await {
        Ok(body) => body,
        Err(refused) => return refusal(refused),
    };
    let query = parts.uri.query();
    if parts.method == Method::POST
        && let Err(refused) = form::check_form(&parts.headers, &body)
    {
        return refusal(refused);
    }
    tracing::debug!(operation = operation.id, %path, "emulator request");
    let new_sid = || app.new_sid();
    let mut state = app.state();
    // Read once the state is held, so that no change is dated before one made meanwhile.
    let now = app.clock.now();
    // Calls and messages move on with the clock, whether or not their wakers have run yet;
    // what that makes is sent where the callbacks pointed before the operation changes any.
    let earlier = state.advance(&project, now);
    app.dispatch_held(&mut state, &project, earlier);
    let mut call = super::routes::Call {
        state: &mut state,
        sids: &sids,
        query,
        body: &body,
        path: &path,
        now,
        new_sid: &new_sid,
        pending: Vec::new(),
        allow_remote: app.allow_remote_callbacks,
        origin: &app.origin,
        wake: Vec::new(),
        wake_messages: Vec::new(),
    };
    let outcome = (operation.run)(&mut call);
    let mut moved = std::mem::take(&mut call.pending);
    let wake = std::mem::take(&mut call.wake);
    let wake_messages = std::mem::take(&mut call.wake_messages);
    // A call's status callback pointed elsewhere takes what waited for the old one.
    for sid in state.moved_call_callbacks(&project) {
        app.deliverer
            .retire(&sid, "the call's status callback was pointed elsewhere");
    }
    moved.extend(state.settle(&project, now));
    app.dispatch_held(&mut state, &project, moved);
    drop(state);
    for sid in wake {
        wake_call(app.clone(), project, sid);
    }
    for sid in wake_messages {
        wake_message(app.clone(), project, sid);
    }
    match outcome {
        Ok(answer) if answer.change => warn_of_query(answer.response, query),
        Ok(answer) => answer.response,
        Err(refused) => refusal(refused),
    }
}

/// `GET /__emulator/callbacks[?from=N&limit=M]`: the project's delivery attempts, oldest
/// first, at most `limit` (1 to [`CALLBACKS_PAGE`](callbacks::CALLBACKS_PAGE), that when not given) from the `from`th
/// it ever made (0 when not given); `dropped` counts those the log let go, and `next` is
/// the request for the rest, or `null`.
fn delivery_log(app: &App, project: &Uuid, query: &str) -> Result<Response, Refusal> {
    let (mut from, mut limit) = (0u64, callbacks::CALLBACKS_PAGE);
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let number = |most: u64| {
            value
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= most && (key != "limit" || *n > 0))
                .ok_or_else(|| {
                    Refusal::bad(format!(
                        "{key}={value:?} is not a number from {} to {most}",
                        u64::from(key == "limit")
                    ))
                })
        };
        match key.as_ref() {
            "from" => from = number(u64::MAX)?,
            "limit" => limit = number(callbacks::CALLBACKS_PAGE as u64)? as usize,
            _ => {
                return Err(Refusal::bad(format!(
                    "{key:?} is not a parameter here: give from and limit"
                )));
            }
        }
    }
    let page = app.deliverer.page(project, from, limit);
    let next = page
        .next
        .map(|at| format!("{CONTROL_PATH}/callbacks?from={at}&limit={limit}"));
    Ok(ok(
        StatusCode::OK,
        json!({ "callbacks": page.attempts, "dropped": page.dropped, "next": next }),
    ))
}

/// Moves the project on each time the clock reaches the time `next` gives (what is due of
/// its calls and messages, and what that settles), sending the events that makes, until
/// `next` gives none (`true`) or the emulator stops (`false`).
async fn follow_the_clock(
    app: &App,
    project: Uuid,
    next: impl Fn(&super::state::State) -> Option<chrono::DateTime<chrono::Utc>>,
) -> bool {
    let mut stopping = app.stopping.clone();
    loop {
        if *stopping.borrow() {
            return false;
        }
        let Some(at) = next(&app.state()) else {
            return true;
        };
        tokio::select! {
            () = app.clock.sleep_until(at) => {}
            _ = stopping.wait_for(|stop| *stop) => return false,
        }
        let mut state = app.state();
        let now = app.clock.now();
        let mut moved = state.advance(&project, now);
        moved.extend(state.settle(&project, now));
        app.dispatch_held(&mut state, &project, moved);
    }
}

/// Moves a call on when the clock reaches its next change (it rings, it is answered), and
/// sends the events it makes; once it has no change of its own to come, its cXML runs.
pub(crate) fn wake_call(app: Arc<App>, project: Uuid, call: Uuid) {
    tokio::spawn(async move {
        if follow_the_clock(&app, project, |s| s.next_call_change(&project, &call)).await {
            // Answered (or over): its cXML runs, if it does not already.
            super::runner::run(app, project, call).await;
        }
    });
}

/// Moves a message on when the clock reaches its next change (it is sent, it is
/// delivered), and sends the status callbacks it makes, until it has no change to come or
/// the emulator stops.
pub(crate) fn wake_message(app: Arc<App>, project: Uuid, message: Uuid) {
    tokio::spawn(async move {
        follow_the_clock(&app, project, |s| s.next_message_change(&project, &message)).await;
    });
}

/// A control request, below `/__emulator`: what the REST API cannot do (a call joins, a
/// participant speaks) and what a test needs to see (where callbacks go, what was sent).
///
/// - `PUT /conferences/{sid}/status-callback` sets a conference's [`StatusCallback`] (JSON);
///   `DELETE` there removes it.
/// - `POST /conferences/{sid}/start` starts a conference that has not started.
/// - `POST /conferences/{sid}/participants` makes a call join ([`Join`], JSON);
///   `DELETE /conferences/{sid}/participants/{call}` makes it hang up.
/// - `POST /conferences/{sid}/participants/{call}/speech` starts or stops it speaking
///   ([`Speech`], JSON).
/// - `GET /callbacks` lists the project's delivery attempts.
/// - `POST /calls` (`{"from": "+15550001111", "to": "+15551230001"}`): a call comes in to a
///   number of the project, and runs its voice URL.
/// - `POST /calls/{sid}/digits` (`{"digits": "1#"}`) and `/speech` (`{"text": "sales"}`):
///   the called party of a call in progress presses keys or speaks; `POST
///   /calls/{sid}/hangup`: it hangs up; `GET /calls/{sid}/log`: what the call's cXML did.
/// - `POST /messages` (`{"from": "+15557770001", "to": "+15551230001", "body": "Hi",
///   "media_urls": []}`): a message comes in to a number of the project, and runs its
///   messaging URL; `GET /messages/{sid}/log`: what its messaging cXML did.
/// - `PUT /numbers/{number}/behavior` says what a number does when called (`GET` reads
///   it, `DELETE` takes it away).
async fn control(
    app: &Arc<App>,
    project: Uuid,
    method: &Method,
    rest: &str,
    query: &str,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let sid = |s: &str| Uuid::try_parse(s).ok();
    let allowed: &str = match segments.as_slice() {
        ["callbacks"] => "GET",
        ["clock"] => "GET, POST",
        ["conferences", c, "status-callback"] if sid(c).is_some() => "PUT, DELETE",
        ["conferences", c, "start"] if sid(c).is_some() => "POST",
        ["conferences", c, "participants"] if sid(c).is_some() => "POST",
        ["conferences", c, "participants", p] if sid(c).is_some() && sid(p).is_some() => "DELETE",
        ["conferences", c, "participants", p, "speech"] if sid(c).is_some() && sid(p).is_some() => {
            "POST"
        }
        ["calls"] => "POST",
        ["calls", c, "digits" | "speech" | "hangup"] if sid(c).is_some() => "POST",
        ["calls", c, "log"] if sid(c).is_some() => "GET",
        ["messages"] => "POST",
        ["messages", m, "log"] if sid(m).is_some() => "GET",
        ["numbers", _, "behavior"] => "GET, PUT, DELETE",
        _ => return refusal(Refusal::not_found(&format!("{CONTROL_PATH}{rest}"))),
    };
    if !allowed.split(", ").any(|m| m == method.as_str()) {
        let mut response = refusal(Refusal::new(
            405,
            20004,
            format!("Method {method} is not allowed here; use {allowed}"),
        ));
        if let Ok(value) = HeaderValue::from_str(allowed) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }
    if segments == ["callbacks"] {
        return delivery_log(app, &project, query).unwrap_or_else(refusal);
    }
    let bytes = match read_body(headers, body).await {
        Ok(bytes) => bytes,
        Err(refused) => return refusal(refused),
    };
    if segments == ["clock"] {
        return clock(app, method, &bytes).unwrap_or_else(refusal);
    }
    if let ["numbers", number, "behavior"] = segments.as_slice() {
        let path = format!("{CONTROL_PATH}{rest}");
        return behavior(app, project, method, number, &bytes, &path).unwrap_or_else(refusal);
    }
    let path = format!("{CONTROL_PATH}{rest}");
    if segments == ["calls"] {
        return arrive(app, project, &bytes, &path).unwrap_or_else(refusal);
    }
    if segments == ["messages"] {
        return super::messaging::arrive(app, project, &bytes, &path).unwrap_or_else(refusal);
    }
    if let ["messages", message, "log"] = segments.as_slice() {
        let message = sid(message).unwrap_or_default();
        let state = app.state();
        return state
            .messages(&project, &path)
            .and_then(|m| m.log_json(&message, &path))
            .map_or_else(refusal, |log| ok(StatusCode::OK, log));
    }
    let conference = segments.get(1).and_then(|c| sid(c)).unwrap_or_default();
    // Below `calls/`, the SID is a call's.
    let call_sid = conference;
    let now = app.clock.now();
    let mut pending = Vec::new();
    let mut state = app.state();
    let outcome = match (segments.as_slice(), method) {
        (["conferences", _, "status-callback"], &Method::DELETE) => {
            state.conference_mut(&project, &conference, &path).map(|c| {
                if c.set_status_callback(None) {
                    app.deliverer
                        .retire(&conference, "the conference's status callback was removed");
                }
                StatusCode::NO_CONTENT.into_response()
            })
        }
        (["conferences", _, "status-callback"], _) => json_body::<StatusCallback>(&bytes)
            .and_then(|callback| {
                callback
                    .checked(app.allow_remote_callbacks)
                    .map_err(|e| Refusal::bad(format!("The status callback's {e}")))
            })
            .and_then(|callback| {
                let c = state.conference_mut(&project, &conference, &path)?;
                if c.set_status_callback(Some(callback.clone())) {
                    app.deliverer.retire(
                        &conference,
                        "the conference's status callback was pointed elsewhere",
                    );
                }
                Ok(ok(StatusCode::OK, json!(callback)))
            }),
        (["conferences", _, "participants"], _) => json_body::<Join>(&bytes).and_then(|join| {
            let (c, people) = state.room_mut(&project, &conference, &path)?;
            let (joined, events) = c.join(people, &project, &join, now)?;
            pending = events;
            Ok(ok(StatusCode::CREATED, joined))
        }),
        (["conferences", _, "start"], _) => state
            .conference_mut(&project, &conference, &path)
            .and_then(|c| c.start(&project, now))
            .map(|(started, events)| {
                pending = events;
                ok(StatusCode::OK, started)
            }),
        (["conferences", _, "participants", call], _) => {
            let call = sid(call).unwrap_or_default();
            state
                .room_mut(&project, &conference, &path)
                .and_then(|(c, people)| {
                    c.leave(
                        people,
                        &project,
                        &call,
                        conferences::Departure::HungUp,
                        now,
                        &path,
                    )
                })
                .map(|events| {
                    pending = events;
                    StatusCode::NO_CONTENT.into_response()
                })
        }
        (["calls", _, "log"], _) => super::caller::log(&mut state, &project, &call_sid, &path)
            .map(|log| ok(StatusCode::OK, log)),
        (["calls", _, "digits"], _) => json_body::<Digits>(&bytes).and_then(|keys| {
            super::caller::press(&mut state, &project, &call_sid, &keys.digits, now, &path)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }),
        (["calls", _, "speech"], _) => json_body::<Said>(&bytes).and_then(|said| {
            super::caller::say(&mut state, &project, &call_sid, &said.text, now, &path)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }),
        (["calls", _, "hangup"], _) => {
            super::caller::hang_up(&mut state, &project, &call_sid, now, &path).map(|events| {
                pending = events;
                StatusCode::NO_CONTENT.into_response()
            })
        }
        (["conferences", _, "participants", call, "speech"], _) => json_body::<Speech>(&bytes)
            .and_then(|speech| {
                let call = sid(call).unwrap_or_default();
                let (c, people) = state.room_mut(&project, &conference, &path)?;
                pending = c.speech(people, &project, &call, speech.speaking, now, &path)?;
                Ok(StatusCode::NO_CONTENT.into_response())
            }),
        _ => Err(Refusal::not_found(&path)),
    };
    pending.extend(state.settle(&project, now));
    drop(state);
    app.dispatch(&project, pending);
    outcome.unwrap_or_else(refusal)
}

/// A call coming in, as `POST /__emulator/calls` takes it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Arrival {
    from: String,
    to: String,
}

/// `POST /__emulator/calls`: a call from `from` comes in to the project's number `to`; it
/// is answered and runs the number's voice URL. Answers the call (201).
fn arrive(app: &Arc<App>, project: Uuid, body: &[u8], path: &str) -> Result<Response, Refusal> {
    let Arrival { from, to } = json_body::<Arrival>(body)?;
    for (name, number) in [("from", &from), ("to", &to)] {
        super::numbers::check_number(number).map_err(|_| {
            Refusal::bad(format!(
                "{name} is 1 to 64 characters with no spaces, such as +15551234567"
            ))
        })?;
    }
    let sid = super::store::random_sid();
    let now = app.clock.now();
    let call = {
        let mut state = app.state();
        let (calls, tables) = state.calls_mut(&project, path)?;
        calls.arrive(&project, sid, from, to, now, tables)?
    };
    wake_call(app.clone(), project, sid);
    Ok(ok(StatusCode::CREATED, call))
}

/// Keys the called party presses, as `POST /__emulator/calls/{sid}/digits` takes them.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Digits {
    digits: String,
}

/// What the called party says, as `POST /__emulator/calls/{sid}/speech` takes it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Said {
    text: String,
}

/// `GET`, `PUT` or `DELETE /__emulator/numbers/{number}/behavior`: what a number the
/// project calls does ([`NumberBehavior`](super::NumberBehavior), JSON), or with `default`,
/// every number without a rule of its own. Each answers the rule now in force, and whether
/// it is the number's own (`"own": false` is the default's).
fn behavior(
    app: &App,
    project: Uuid,
    method: &Method,
    number: &str,
    body: &[u8],
    path: &str,
) -> Result<Response, Refusal> {
    let number = percent_encoding::percent_decode_str(number)
        .decode_utf8()
        .map_err(|_| Refusal::bad("The number is not UTF-8 text"))?;
    super::numbers::check_number(&number)?;
    let mut state = app.state();
    let (calls, _) = state.calls_mut(&project, path)?;
    match *method {
        Method::PUT => {
            let rule = json_body::<super::NumberBehavior>(body)?;
            calls.rules.set(&number, rule)?;
        }
        Method::DELETE => calls.rules.remove(&number),
        _ => {}
    }
    let (rule, own) = calls.rules.get(&number);
    Ok(ok(
        StatusCode::OK,
        json!({ "number": number, "behavior": rule, "own": own }),
    ))
}

/// A step of the emulator's virtual clock, as `POST /__emulator/clock` takes it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_ms: u64,
}

/// `GET /__emulator/clock` tells the time; `POST` with `{"advance_ms": N}` moves a virtual
/// clock forward first. Both answer `{"now": RFC 3339, "virtual": bool}`.
fn clock(app: &App, method: &Method, body: &[u8]) -> Result<Response, Refusal> {
    if method == Method::POST {
        let step = json_body::<Advance>(body)?;
        app.clock
            .advance(std::time::Duration::from_millis(step.advance_ms))
            .map_err(|e| {
                let status = if e == super::ClockError::Real {
                    409
                } else {
                    400
                };
                Refusal::new(status, 10000, format!("The clock cannot move: {e}"))
            })?;
    }
    let now = app.clock.now();
    Ok(ok(
        StatusCode::OK,
        json!({
            "now": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "virtual": app.clock.is_virtual(),
        }),
    ))
}

/// The header that says the emulator ignored something a client probably meant it to read.
pub(crate) const WARNING_HEADER: &str = "x-emulator-warning";

/// An update's answer, with a warning header when its parameters were put in the query
/// string, which SignalWire does not read: they changed nothing.
fn warn_of_query(mut response: Response, query: Option<&str>) -> Response {
    if let Some(warning) = ignored_query(query) {
        tracing::warn!("{warning}");
        if let Ok(value) = HeaderValue::from_str(&warning) {
            response.headers_mut().insert(WARNING_HEADER, value);
        }
    }
    response
}

/// What to tell a client that put an update's parameters in the query string: SignalWire
/// reads only the form body, so they change nothing.
fn ignored_query(query: Option<&str>) -> Option<String> {
    let names: Vec<String> = form_urlencoded::parse(query?.as_bytes())
        .map(|(k, _)| k.chars().filter(char::is_ascii_graphic).take(40).collect())
        .take(12)
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "the query string ({}) was ignored: an update's parameters go in the form body",
            names.join(", ")
        )
    })
}

/// How long a request body may take to arrive.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The request body, up to [`MAX_BODY_BYTES`]: 413 for a body over it (refused from its
/// `Content-Length` before reading when it declares one), 400 for a body that is malformed
/// or ends before its declared length, 408 for one that does not arrive in time.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Refusal> {
    let too_large = || {
        Refusal::new(
            413,
            10000,
            format!("The request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Err(_) => Err(Refusal::new(
            408,
            10000,
            format!(
                "The request body did not arrive within {} seconds",
                BODY_TIMEOUT.as_secs()
            ),
        )),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if over_limit(&e) => Err(too_large()),
        Ok(Err(_)) => Err(Refusal::bad(
            "The request body could not be read: it is malformed (a bad chunk) or ended before its declared length",
        )),
    }
}

/// Whether a body error is the size limit's, rather than a malformed or cut-off body.
fn over_limit(error: &axum::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = next {
        if cause.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        next = cause.source();
    }
    false
}

/// `GET` lists the project's pending fault rules, `POST` adds one rule or an array of them
/// (all or none), `DELETE` clears them. Another project's rules are neither seen nor
/// touched.
async fn manage_faults(app: &App, project: Uuid, method: &Method, body: Body) -> Response {
    match *method {
        Method::GET => {}
        Method::DELETE => app.faults().clear(&project),
        Method::POST => {
            let bytes = match read_body(&HeaderMap::new(), body).await {
                Ok(bytes) => bytes,
                Err(refused) => return refusal(refused),
            };
            let values = match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Array(values)) => values,
                Ok(value) => vec![value],
                Err(e) => return refusal(Refusal::bad(format!("Not JSON: {e}"))),
            };
            let rules = match values
                .into_iter()
                .map(FaultRule::from_json)
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(rules) => rules,
                Err(invalid) => return refusal(Refusal::bad(invalid.to_string())),
            };
            if let Err(invalid) = app.faults().push(project, rules) {
                return refusal(Refusal::bad(invalid.to_string()));
            }
        }
        _ => {
            let mut response = refusal(Refusal::new(405, 20004, "Use GET, POST or DELETE"));
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, POST, DELETE"));
            return response;
        }
    }
    let pending = app.faults().pending(&project);
    ok(StatusCode::OK, json!({ "pending": pending }))
}

impl App {
    // A panic while holding either lock cannot leave its data half-changed: every state
    // operation checks before it writes, and the fault queue changes in single steps. So a
    // poisoned lock is still good to use.

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The project whose credentials the request carries, if they are right.
fn authenticate(app: &App, headers: &HeaderMap) -> Option<Uuid> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, token) = text.split_once(':')?;
    let project = Uuid::try_parse(user).ok()?;
    app.state().authenticate(&project, token).then_some(project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let a = "a1b2c3d4-0000-4000-8000-00000000000a";
        let c = "cf000000-0000-4000-8000-000000000001";
        let p = "ca000000-0000-4000-8000-000000000001";
        let kind = |path: &str| {
            let first = api_segments(path)
                .and_then(|segments| super::super::routes::lookup(&segments))
                .map(|(here, _)| here[0].id);
            match first {
                Some("list_conferences") => "conferences",
                Some("fetch_conference") => "conference",
                Some("list_participants") => "participants",
                Some("fetch_participant") => "participant",
                Some("list_recordings") => "recordings",
                Some("fetch_recording") => "recording",
                Some("list_account_recordings") => "account recordings",
                Some("fetch_account_recording") => "account recording",
                Some("create_stream") => "streams",
                Some("update_stream") => "stream",
                Some(other) => panic!("{other} has no label here"),
                None => "none",
            }
        };
        for (path, want) in [
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences"),
                "conferences",
            ),
            (
                format!("/2010-04-01/Accounts/{a}/Conferences.json"),
                "conferences",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}"),
                "conference",
            ),
            (
                format!("/2010-04-01/Accounts/{a}/Conferences/{c}.json"),
                "conference",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants"),
                "participants",
            ),
            (
                format!("/2010-04-01/Accounts/{a}/Conferences/{c}/Participants.json"),
                "participants",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/{p}"),
                "participant",
            ),
            (
                format!("/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/{p}.json"),
                "participant",
            ),
            ("/".to_owned(), "none"),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/"),
                "none",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/nope/Participants"),
                "none",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/{p}.xml"),
                "none",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Recordings"),
                "recordings",
            ),
            (
                format!("/2010-04-01/Accounts/{a}/Conferences/{c}/Recordings/{p}.json"),
                "recording",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Recordings"),
                "account recordings",
            ),
            (
                format!("/2010-04-01/Accounts/{a}/Recordings/{p}.json"),
                "account recording",
            ),
            (format!("/2010-04-01/Accounts/{a}/Recordings/nope"), "none"),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Streams"),
                "streams",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Streams/{p}"),
                "stream",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Transcriptions"),
                "none",
            ),
            (
                format!("/api/laml/2010-04-02/Accounts/{a}/Conferences/{c}/Participants"),
                "none",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{a}/Conferences.json/{c}"),
                "none",
            ),
        ] {
            assert_eq!(kind(&path), want, "{path}");
        }
    }
}
