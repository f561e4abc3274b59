//! What the voice tests share: an emulator on a virtual clock, its control requests, and
//! waiting for a call's log.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing::post};
use serde_json::Value;
use signalwire_compat::{
    emulator::{Clock, Emulator},
    webhooks::{Payload, Validator},
};

/// An emulator whose clock stands at 2026-12-01 09:00 UTC until a test moves it.
pub async fn emulator() -> Emulator {
    Emulator::builder()
        .clock(Clock::starting_at("2026-12-01T09:00:00Z".parse().unwrap()))
        .start()
        .await
        .unwrap()
}

/// A control request with the project's credentials and a JSON body (none for
/// `Value::Null`): its status and JSON.
pub async fn control(emulator: &Emulator, method: &str, path: &str, body: Value) -> (u16, Value) {
    let body = (!body.is_null()).then(|| body.to_string());
    control_raw(emulator, method, path, body.as_deref()).await
}

/// A control request with `body` as it is, sent as JSON.
pub async fn control_raw(
    emulator: &Emulator,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let url = format!("http://{}/__emulator{path}", emulator.addr());
    let mut request = super::raw()
        .request(method.parse().unwrap(), url)
        .basic_auth(emulator.project_id(), Some(emulator.api_token()));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The call's log, oldest first.
pub async fn call_log(emulator: &Emulator, call: &str) -> Vec<Value> {
    let (status, body) = control(emulator, "GET", &format!("/calls/{call}/log"), Value::Null).await;
    assert_eq!(status, 200, "{body}");
    body["log"].as_array().cloned().unwrap_or_default()
}

/// Waits (in real time, at most 5 s) until `n` entries of the call's log are `wanted`:
/// the log then.
pub async fn until_count(
    emulator: &Emulator,
    call: &str,
    what: &str,
    wanted: impl Fn(&Value) -> bool,
    n: usize,
) -> Vec<Value> {
    for _ in 0..500 {
        let entries = call_log(emulator, call).await;
        if entries.iter().filter(|e| wanted(e)).count() >= n {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "not {n} of {what} in the log: {:#?}",
        call_log(emulator, call).await
    );
}

/// Waits (in real time, at most 5 s) until the call's log has an entry `wanted` accepts:
/// the log then.
pub async fn until(
    emulator: &Emulator,
    call: &str,
    what: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    until_count(emulator, call, what, wanted, 1).await
}

/// Whether a log entry is the verb `name` being run.
pub fn verb(name: &'static str) -> impl Fn(&Value) -> bool {
    move |e| e["event"] == "verb" && e["verb"] == name
}

/// The value of `key` in a form.
pub fn value<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// A form as an app receives it.
pub type Form = Vec<(String, String)>;

/// What an app was asked, in order: the path, the `X-SignalWire-Signature`, the form.
pub type Asked = Arc<Mutex<Vec<(String, String, Form)>>>;

/// An app on loopback that answers each of its pages (a path and the cXML it answers, made
/// from the app's origin) to a `POST`, and keeps what it was asked: its origin, and that.
pub async fn pages_app(pages: impl FnOnce(&str) -> Vec<(&'static str, String)>) -> (String, Asked) {
    let asked: Asked = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let mut router = Router::new();
    for (path, body) in pages(&origin) {
        router = router.route(
            path,
            post(
                move |State(asked): State<Asked>, headers: HeaderMap, form: Bytes| async move {
                    let form = url::form_urlencoded::parse(&form).into_owned().collect();
                    let signature = signature(&headers);
                    asked
                        .lock()
                        .unwrap()
                        .push((path.to_owned(), signature, form));
                    ([("content-type", "text/xml")], body)
                },
            ),
        );
    }
    let router = router.with_state(asked.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (origin, asked)
}

/// The request's `X-SignalWire-Signature`, or nothing.
pub fn signature(headers: &HeaderMap) -> String {
    headers
        .get("x-signalwire-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Waits (in real time, at most 5 s) until the app has been asked for `path` `n` times: the
/// forms it was sent there.
pub async fn asked_for(asked: &Asked, path: &str, n: usize) -> Vec<Form> {
    for _ in 0..500 {
        let forms: Vec<Form> = asked
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, _, f)| f.clone())
            .collect();
        if forms.len() >= n {
            return forms;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{path} not asked {n} times: {:#?}", asked.lock().unwrap());
}

/// Places a call from +15551230001 to `to` that runs `path` of the app, and lets it be
/// answered (3 s on the clock): its SID.
pub async fn answered(emulator: &Emulator, app: &str, path: &str, to: &str) -> String {
    let call = emulator
        .client()
        .calls()
        .create(to, "+15551230001")
        .url(format!("{app}{path}"))
        .send()
        .await
        .unwrap();
    emulator.clock().advance(Duration::from_secs(3)).unwrap();
    call.sid.to_string()
}

/// The called party hangs up the call (204).
pub async fn hang_up(emulator: &Emulator, call: &str) {
    let path = format!("/calls/{call}/hangup");
    let (status, body) = control(emulator, "POST", &path, Value::Null).await;
    assert_eq!(status, 204, "{body}");
}

/// Checks that each request the app at `app` was asked carries a signature made with the
/// emulator's key over its URL and form.
pub fn assert_signed(emulator: &Emulator, app: &str, asked: &[(String, String, Form)]) {
    let validator = Validator::new(emulator.signing_key());
    for (path, signature, form) in asked {
        assert!(
            validator
                .check(signature, &format!("{app}{path}"), Payload::Form(form))
                .is_ok(),
            "{path}: the signature does not hold"
        );
    }
}
