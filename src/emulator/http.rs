//! The emulator's HTTP face: authentication, routing, parsing, and JSON answers for
//! everything, refusals included.

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
    faults::{self, Applied, FaultRule, Faults},
    response::{Refusal, ok, refusal, unauthorized},
    state::{ListRequest, PageToken, State, Update},
};
use crate::API_ROOT_PATH;

/// The largest request body the emulator reads.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// The largest total size of request headers the emulator reads.
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Where faults are managed, outside the API root.
pub(crate) const FAULTS_PATH: &str = "/__emulator/faults";

pub(crate) struct App {
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Mutex<Faults>,
    /// Flips to `true` when the emulator stops, releasing requests held by a hang.
    pub(crate) stopping: tokio::sync::watch::Receiver<bool>,
}

pub(crate) fn router(app: Arc<App>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(app)
}

enum Route {
    List {
        account: Uuid,
        conference: Uuid,
    },
    One {
        account: Uuid,
        conference: Uuid,
        call: Uuid,
    },
}

impl Route {
    fn account(&self) -> &Uuid {
        match self {
            Self::List { account, .. } | Self::One { account, .. } => account,
        }
    }

    fn allowed(&self) -> &'static [Method] {
        match self {
            Self::List { .. } => &[Method::GET],
            Self::One { .. } => &[Method::GET, Method::POST, Method::DELETE],
        }
    }
}

/// The route a path names, at `/api/laml/2010-04-01` or `/2010-04-01`, with or without a
/// `.json` suffix; `None` for anything else, malformed SIDs included.
fn route(path: &str) -> Option<Route> {
    // The helper libraries' older form leaves out `/api/laml`.
    let legacy = API_ROOT_PATH
        .strip_prefix("/api/laml")
        .unwrap_or(API_ROOT_PATH);
    let rest = path
        .strip_prefix(API_ROOT_PATH)
        .or_else(|| path.strip_prefix(legacy))?
        .strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    let sid = |s: &str| Uuid::try_parse(s).ok();
    let json_less = |s: &'static str, seg: &str| seg == s || seg.strip_suffix(".json") == Some(s);
    match segments.as_slice() {
        ["Accounts", a, "Conferences", c, last] if json_less("Participants", last) => {
            Some(Route::List {
                account: sid(a)?,
                conference: sid(c)?,
            })
        }
        ["Accounts", a, "Conferences", c, "Participants", call] => Some(Route::One {
            account: sid(a)?,
            conference: sid(c)?,
            call: sid(call.strip_suffix(".json").unwrap_or(call))?,
        }),
        _ => None,
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
    let Some(route) = route(&path) else {
        return refusal(Refusal::not_found(&path));
    };
    if !route.allowed().contains(&parts.method) {
        let allow = route
            .allowed()
            .iter()
            .map(Method::as_str)
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
    }
    if *route.account() != project {
        return unauthorized(&format!(
            "Authentication failed: these credentials are not for account {}",
            route.account()
        ));
    }

    let body = match read_body(&parts.headers, body).await {
        Ok(body) => body,
        Err(refused) => return refusal(refused),
    };
    let now = chrono::Utc::now();
    let outcome = match (route, parts.method) {
        (
            Route::List {
                account,
                conference,
            },
            _,
        ) => list_request(parts.uri.query())
            .and_then(|r| app.state().list(&account, &conference, &r, &path))
            .map(|v| ok(StatusCode::OK, v)),
        (
            Route::One {
                account,
                conference,
                call,
            },
            Method::GET,
        ) => app
            .state()
            .fetch(&account, &conference, &call, &path)
            .map(|v| ok(StatusCode::OK, v)),
        (
            Route::One {
                account,
                conference,
                call,
            },
            Method::POST,
        ) => update_request(&parts.headers, &body)
            .and_then(|u| {
                app.state()
                    .update(&account, &conference, &call, u, now, &path)
            })
            .map(|v| {
                let mut response = ok(StatusCode::OK, v);
                if let Some(warning) = ignored_query(parts.uri.query()) {
                    tracing::warn!("{warning}");
                    if let Ok(value) = HeaderValue::from_str(&warning) {
                        response.headers_mut().insert(WARNING_HEADER, value);
                    }
                }
                response
            }),
        (
            Route::One {
                account,
                conference,
                call,
            },
            _,
        ) => app
            .state()
            .remove(&account, &conference, &call, &path)
            .map(|()| StatusCode::NO_CONTENT.into_response()),
    };
    outcome.unwrap_or_else(refusal)
}

/// The header that says the emulator ignored something a client probably meant it to read.
pub(crate) const WARNING_HEADER: &str = "x-emulator-warning";

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

/// Name-value pairs of a query or form, refusing repeated names and text that is not UTF-8.
fn pairs(raw: &[u8]) -> Result<Vec<(String, String)>, Refusal> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(raw) {
        if key.contains('\u{fffd}') || value.contains('\u{fffd}') {
            return Err(Refusal::bad("Parameters must be UTF-8 text"));
        }
        if out.iter().any(|(k, _)| *k == key) {
            return Err(Refusal::bad(format!(
                "Parameter {key} is given more than once"
            )));
        }
        out.push((key.into_owned(), value.into_owned()));
    }
    Ok(out)
}

fn boolean(key: &str, value: &str) -> Result<bool, Refusal> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(Refusal::bad(format!(
            "{key} must be true or false, not {value:?}"
        )))
    }
}

fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    let mut request = ListRequest {
        page_size: 50,
        ..ListRequest::default()
    };
    for (key, value) in pairs(query.unwrap_or_default().as_bytes())? {
        match key.as_str() {
            "Muted" => request.muted = Some(boolean(&key, &value)?),
            "Hold" => request.hold = Some(boolean(&key, &value)?),
            "Page" => {
                request.page = value
                    .parse()
                    .ok()
                    .filter(|n| *n <= i32::MAX as u32)
                    .ok_or_else(|| {
                        Refusal::bad(format!(
                            "Page must be a whole number from 0 to 2147483647, not {value:?}"
                        ))
                    })?
            }
            "PageSize" => {
                request.page_size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        Refusal::bad(format!("PageSize must be from 1 to 1000, not {value:?}"))
                    })?
            }
            "PageToken" if !(value.starts_with("PA") || value.starts_with("PB")) => {
                return Err(Refusal::bad(format!(
                    "PageToken must start with PA or PB, not {value:?}"
                )));
            }
            "PageToken" => {
                request.token = Some(PageToken::parse(&value).ok_or_else(|| {
                    Refusal::new(
                        422,
                        10000,
                        format!("PageToken {value:?} is not one this server gave"),
                    )
                })?)
            }
            _ => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: this listing takes Muted, Hold, Page, PageSize and PageToken"
                )));
            }
        }
    }
    Ok(request)
}

fn update_request(headers: &HeaderMap, body: &Bytes) -> Result<Update, Refusal> {
    if !body.is_empty() {
        let form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !form {
            return Err(Refusal::bad(
                "The body must be a form (Content-Type: application/x-www-form-urlencoded)",
            ));
        }
    }
    let mut update = Update::default();
    for (key, value) in pairs(body)? {
        match key.as_str() {
            "Muted" => update.muted = Some(boolean(&key, &value)?),
            "Hold" => update.hold = Some(boolean(&key, &value)?),
            "Coaching" => update.coaching = Some(boolean(&key, &value)?),
            "EndConferenceOnExit" => update.end_conference_on_exit = Some(boolean(&key, &value)?),
            "BeepOnExit" => {
                boolean(&key, &value)?;
                update
                    .settings
                    .push(("BeepOnExit", value.to_ascii_lowercase()));
            }
            "CallSidToCoach" => {
                update.call_sid_to_coach = Some(Uuid::try_parse(&value).map_err(|_| {
                    Refusal::new(
                        400,
                        16002,
                        format!("CallSidToCoach {value:?} is not a call SID"),
                    )
                })?)
            }
            "HoldUrl" | "AnnounceUrl" | "WaitUrl" => {
                let ok = url::Url::parse(&value)
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
                if !ok {
                    return Err(Refusal::bad(format!(
                        "{key} must be an absolute http or https URL, not {value:?}"
                    )));
                }
                update.settings.push((static_key(&key), value));
            }
            "HoldMethod" | "AnnounceMethod" | "WaitMethod" => {
                let method = value.to_ascii_uppercase();
                if method != "GET" && method != "POST" {
                    return Err(Refusal::new(
                        400,
                        21209,
                        format!("{key} must be GET or POST, not {value:?}"),
                    ));
                }
                update.settings.push((static_key(&key), method));
            }
            _ => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: an update takes Muted, Hold, HoldUrl, HoldMethod, AnnounceUrl, AnnounceMethod, WaitUrl, WaitMethod, Coaching, CallSidToCoach, BeepOnExit and EndConferenceOnExit"
                )));
            }
        }
    }
    Ok(update)
}

fn static_key(key: &str) -> &'static str {
    match key {
        "HoldUrl" => "HoldUrl",
        "AnnounceUrl" => "AnnounceUrl",
        "WaitUrl" => "WaitUrl",
        "HoldMethod" => "HoldMethod",
        "AnnounceMethod" => "AnnounceMethod",
        _ => "WaitMethod",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let a = "a1b2c3d4-0000-4000-8000-00000000000a";
        let c = "cf000000-0000-4000-8000-000000000001";
        let p = "ca000000-0000-4000-8000-000000000001";
        for path in [
            format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants"),
            format!("/2010-04-01/Accounts/{a}/Conferences/{c}/Participants.json"),
        ] {
            assert!(matches!(route(&path), Some(Route::List { .. })), "{path}");
        }
        for path in [
            format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/{p}"),
            format!("/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/{p}.json"),
        ] {
            assert!(matches!(route(&path), Some(Route::One { .. })), "{path}");
        }
        for path in [
            "/".to_owned(),
            format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/"),
            format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/nope/Participants"),
            format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Participants/{p}.xml"),
            format!("/api/laml/2010-04-01/Accounts/{a}/Conferences/{c}/Recordings"),
            format!("/api/laml/2010-04-02/Accounts/{a}/Conferences/{c}/Participants"),
        ] {
            assert!(route(&path).is_none(), "{path}");
        }
    }

    #[test]
    fn forms() {
        let h = |ct: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
            m
        };
        let form = h("application/x-www-form-urlencoded; charset=utf-8");
        let u =
            update_request(&form, &Bytes::from("Muted=TRUE&Hold=False&HoldMethod=post")).unwrap();
        assert_eq!((u.muted, u.hold), (Some(true), Some(false)));
        assert_eq!(u.settings, vec![("HoldMethod", "POST".to_owned())]);
        for bad in [
            "Muted=yes",
            "Muted=true&Muted=false",
            "HoldMethod=PUT",
            "HoldUrl=/x",
            "CallSidToCoach=x",
            "Muted=%FF",
        ] {
            assert!(update_request(&form, &Bytes::from(bad)).is_err(), "{bad}");
        }
        assert!(update_request(&h("application/json"), &Bytes::from("{}")).is_err());
        assert!(update_request(&HeaderMap::new(), &Bytes::new()).is_ok());
    }

    #[test]
    fn list_queries() {
        assert_eq!(list_request(None).unwrap().page_size, 50);
        let r = list_request(Some("Muted=true&PageSize=2&Page=3&PageToken=PA7")).unwrap();
        assert_eq!(
            (r.muted, r.page, r.page_size, r.token),
            (Some(true), 3, 2, Some(PageToken::After(7)))
        );
        for bad in [
            "PageSize=0",
            "PageSize=1001",
            "PageSize=x",
            "Page=-1",
            "Page=2147483648",
            "PageToken=XY1",
            "PageToken=PA",
            "Hold=1",
        ] {
            assert!(list_request(Some(bad)).is_err(), "{bad}");
        }
    }
}
