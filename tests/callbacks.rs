//! Status callbacks end to end: the emulator sends signed events to a receiver on loopback,
//! the receiver checks them with this crate's axum extractor, and copies that were changed on
//! the way are refused.

#![cfg(feature = "emulator")]

mod support;

use std::{net::SocketAddr, time::Duration};

use axum::{
    Router,
    body::Bytes,
    extract::{FromRef, State},
    http::{HeaderMap, Method, Uri},
    routing::any,
};
use serde_json::{Value, json};
use signalwire_compat::{
    emulator::{Emulator, Seed, SeedConference, SeedProject},
    webhooks::{
        ConferenceEventKind, UrlSource, Validator,
        axum::{SignedEvent, WebhookConfig},
    },
};
use tokio::sync::mpsc;
use uuid::Uuid;

const PROJECT: Uuid = Uuid::from_u128(0xa0);
const CONFERENCE: Uuid = Uuid::from_u128(0xc0);
const TOKEN: &str = "callback-token";
const KEY: &str = "PSKcallback-test-key";

fn call(n: u128) -> Uuid {
    Uuid::from_u128(0xca00 + n)
}

/// An emulator with one conference that has not started and has no one in it.
async fn emulator() -> Emulator {
    let seed = Seed {
        projects: vec![SeedProject {
            project_id: PROJECT,
            api_token: TOKEN.into(),
            signing_key: Some(KEY.into()),
            numbers: Vec::new(),
            conferences: vec![SeedConference {
                status: "init".into(),
                friendly_name: Some("Standup".into()),
                ..SeedConference::new(CONFERENCE)
            }],
        }],
    };
    Emulator::builder().seed(seed).start().await.unwrap()
}

/// What a receiver got: the method, the URI, the signature and the body, as they came.
#[derive(Debug, Clone)]
struct Captured {
    method: Method,
    uri: Uri,
    signature: Option<String>,
    body: Bytes,
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// A receiver that keeps every request as it came, and answers 200.
async fn capturing_receiver() -> (SocketAddr, mpsc::UnboundedReceiver<Captured>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let router = Router::new()
        .route(
            "/events",
            any(
                |State(tx): State<mpsc::UnboundedSender<Captured>>,
                 method: Method,
                 uri: Uri,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let signature = headers
                        .get("x-signalwire-signature")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let _ = tx.send(Captured {
                        method,
                        uri,
                        signature,
                        body,
                    });
                    "ok"
                },
            ),
        )
        .with_state(tx);
    (serve(router).await, rx)
}

#[derive(Clone)]
struct Checking {
    config: WebhookConfig,
    events: mpsc::UnboundedSender<signalwire_compat::webhooks::ConferenceEvent>,
}

impl FromRef<Checking> for WebhookConfig {
    fn from_ref(state: &Checking) -> Self {
        state.config.clone()
    }
}

/// A receiver that checks signatures with the extractor, as if it stood behind a proxy
/// whose public address is `public` (where the emulator sent the callbacks).
async fn checking_receiver(
    public: SocketAddr,
    key: signalwire_compat::webhooks::SigningKey,
) -> (
    SocketAddr,
    mpsc::UnboundedReceiver<signalwire_compat::webhooks::ConferenceEvent>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let state = Checking {
        config: WebhookConfig {
            validator: Validator::new(key),
            url: UrlSource::Public(format!("http://{public}")),
        },
        events: tx,
    };
    let router = Router::new()
        .route(
            "/events",
            any(
                |State(state): State<Checking>, SignedEvent(event): SignedEvent| async move {
                    let _ = state.events.send(event);
                    "ok"
                },
            ),
        )
        .with_state(state);
    (serve(router).await, rx)
}

/// Replays a captured callback to `to`, with the body changed by `change`.
async fn replay(captured: &Captured, to: SocketAddr, body: Bytes) -> u16 {
    let url = format!(
        "http://{to}{}",
        captured.uri.path_and_query().unwrap().as_str()
    );
    let mut request = support::raw()
        .request(captured.method.clone(), url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(signature) = &captured.signature {
        request = request.header("X-SignalWire-Signature", signature);
    }
    request.send().await.unwrap().status().as_u16()
}

/// A control request to the emulator, with the project's credentials.
async fn control(emulator: &Emulator, method: Method, path: &str, body: Value) -> (u16, Value) {
    let response = support::raw()
        .request(
            method,
            format!("http://{}/__emulator{path}", emulator.addr()),
        )
        .basic_auth(PROJECT, Some(TOKEN))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Sets the conference's status callback with a control request.
async fn set_callback(emulator: &Emulator, callback: Value) -> (u16, Value) {
    let path = format!("/conferences/{CONFERENCE}/status-callback");
    control(emulator, Method::PUT, &path, callback).await
}

/// Makes a call join the conference with a control request.
async fn join_call(emulator: &Emulator, body: Value) -> (u16, Value) {
    let path = format!("/conferences/{CONFERENCE}/participants");
    control(emulator, Method::POST, &path, body).await
}

async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a callback within 10 seconds")
        .expect("the receiver is still running")
}

#[tokio::test]
async fn signed_events_round_trip_and_tampered_copies_are_refused() {
    let emulator = emulator().await;
    assert_eq!(emulator.signing_key().expose(), KEY);
    let (public, mut captured) = capturing_receiver().await;
    let (checker, mut events) = checking_receiver(public, emulator.signing_key()).await;

    let callback =
        json!({ "url": format!("http://{public}/events?room=1"), "twilio_fields": true });
    let (status, set) = set_callback(&emulator, callback).await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(set["method"], "POST");

    // A call joins (which starts the conference), is muted, speaks, and is removed; another
    // joins; the conference is ended.
    let (status, joined) = join_call(&emulator, json!({ "call_sid": call(1) })).await;
    assert_eq!(status, 201, "{joined}");
    assert_eq!(joined["status"], "in-progress");
    let client = emulator.client();
    let conference = client.conference(CONFERENCE);
    conference
        .participant(call(1))
        .update()
        .muted(true)
        .send()
        .await
        .unwrap();
    let speech = format!("/conferences/{CONFERENCE}/participants/{}/speech", call(1));
    let (status, _) = control(
        &emulator,
        Method::POST,
        &speech,
        json!({ "speaking": true }),
    )
    .await;
    assert_eq!(status, 204);
    conference.participant(call(1)).remove().await.unwrap();
    join_call(&emulator, json!({ "call_sid": call(2), "muted": true })).await;
    conference.end().await.unwrap();

    let want = [
        ("conference-start", None),
        ("participant-join", Some(call(1))),
        ("participant-mute", Some(call(1))),
        ("participant-speech-start", Some(call(1))),
        ("participant-leave", Some(call(1))),
        ("participant-join", Some(call(2))),
        ("participant-leave", Some(call(2))),
        ("conference-end", None),
    ];
    // A conference's events arrive one at a time, in the order they were made.
    let mut got = Vec::new();
    for _ in want {
        got.push(next(&mut captured).await);
    }
    let mut checked = Vec::new();
    for c in &got {
        assert_eq!(c.method, Method::POST);
        assert_eq!(c.uri.query(), Some("room=1"));
        assert_eq!(replay(c, checker, c.body.clone()).await, 200);
        checked.push(next(&mut events).await);
    }
    let seen: Vec<_> = checked
        .iter()
        .map(|e| {
            (
                e.kind.as_str().to_owned(),
                e.call_sid.as_ref().and_then(|c| c.uuid()),
            )
        })
        .collect();
    let want: Vec<_> = want.iter().map(|(k, c)| ((*k).to_owned(), *c)).collect();
    assert_eq!(seen, want);
    let numbers: Vec<_> = checked.iter().map(|e| e.sequence_number).collect();
    assert_eq!(numbers, (1..=8).map(Some).collect::<Vec<_>>());
    for e in &checked {
        assert_eq!(e.conference_sid.uuid(), Some(CONFERENCE));
        assert_eq!(e.friendly_name.as_deref(), Some("Standup"));
        assert!(e.timestamp.is_some());
    }
    let mute = &checked[2];
    assert_eq!(mute.kind, ConferenceEventKind::ParticipantMute);
    assert_eq!(mute.muted, Some(true));
    assert_eq!(
        checked[7].reason_conference_ended.as_deref(),
        Some("conference-ended-via-api")
    );

    // Changed on the way, or without its signature: refused, and nothing reaches the app.
    let original = &got[0];
    let tampered = String::from_utf8(original.body.to_vec()).unwrap() + "&Muted=true";
    assert_eq!(replay(original, checker, Bytes::from(tampered)).await, 403);
    let unsigned = Captured {
        signature: None,
        ..original.clone()
    };
    assert_eq!(replay(&unsigned, checker, original.body.clone()).await, 403);
    let other_url = Captured {
        uri: "/events?room=2".parse().unwrap(),
        ..original.clone()
    };
    assert_eq!(
        replay(&other_url, checker, original.body.clone()).await,
        403
    );
    assert!(events.try_recv().is_err());

    // The log has every attempt, with the receiver's answer.
    let log = emulator.callbacks();
    assert_eq!(log.len(), 8);
    assert!(
        log.iter()
            .all(|a| a.status == Some(200) && a.error.is_none())
    );
    let (status, listed) = control(&emulator, Method::GET, "/callbacks", Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(listed["callbacks"].as_array().unwrap().len(), 8);
    assert_eq!(
        (&listed["dropped"], &listed["next"]),
        (&json!(0), &Value::Null)
    );
    // Paged: `next` asks for the rest, and the pages add up to the whole.
    let mut path = "/callbacks?limit=3".to_owned();
    let mut paged = Vec::new();
    let mut pages = 0;
    loop {
        let (status, page) = control(&emulator, Method::GET, &path, Value::Null).await;
        assert_eq!(status, 200, "{page}");
        paged.extend(page["callbacks"].as_array().unwrap().iter().cloned());
        pages += 1;
        match page["next"].as_str() {
            Some(next) => path = next.strip_prefix("/__emulator").unwrap().to_owned(),
            None => break,
        }
    }
    assert_eq!(
        (pages, &paged),
        (3, listed["callbacks"].as_array().unwrap())
    );
    let (_, tail) = control(&emulator, Method::GET, "/callbacks?from=7", Value::Null).await;
    assert_eq!(tail["callbacks"].as_array().unwrap().len(), 1);
    for bad in ["limit=0", "limit=1001", "from=-1", "limit=two", "page=2"] {
        let (status, body) = control(
            &emulator,
            Method::GET,
            &format!("/callbacks?{bad}"),
            Value::Null,
        )
        .await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn get_callbacks_sign_the_query_and_only_wanted_events_are_sent() {
    let emulator = emulator().await;
    let (public, mut captured) = capturing_receiver().await;
    let (checker, mut events) = checking_receiver(public, emulator.signing_key()).await;
    let callback = json!({
        "url": format!("http://{public}/events"),
        "method": "get",
        "events": ["join"],
    });
    assert_eq!(set_callback(&emulator, callback).await.0, 200);
    join_call(&emulator, json!({ "call_sid": call(1) })).await;
    emulator
        .client()
        .conference(CONFERENCE)
        .participant(call(1))
        .update()
        .hold(true)
        .send()
        .await
        .unwrap();

    let got = next(&mut captured).await;
    assert_eq!(got.method, Method::GET);
    assert!(got.body.is_empty());
    assert_eq!(replay(&got, checker, Bytes::new()).await, 200);
    let event = next(&mut events).await;
    assert_eq!(event.kind, ConferenceEventKind::ParticipantJoin);
    // Without Twilio's fields, there is no sequence number.
    assert_eq!(event.sequence_number, None);
    // The hold was not asked for: nothing more comes.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), captured.recv())
            .await
            .is_err()
    );
    // A changed query is refused.
    let changed = Captured {
        uri: got
            .uri
            .to_string()
            .replace("Muted=false", "Muted=true")
            .parse()
            .unwrap(),
        ..got.clone()
    };
    assert_ne!(changed.uri, got.uri);
    assert_eq!(replay(&changed, checker, Bytes::new()).await, 403);
}

#[tokio::test]
async fn control_requests_are_checked() {
    let emulator = emulator().await;
    let path = format!("/conferences/{CONFERENCE}/status-callback");
    // Only loopback, unless allowed; only GET or POST; only known events; nothing else.
    for (body, says) in [
        (json!({ "url": "https://example.com/events" }), "loopback"),
        (
            json!({ "url": "http://127.0.0.1:9/e", "method": "PUT" }),
            "GET or POST",
        ),
        (
            json!({ "url": "http://127.0.0.1:9/e", "events": ["teleport"] }),
            "teleport",
        ),
        (
            json!({ "url": "http://127.0.0.1:9/e", "extra": 1 }),
            "extra",
        ),
        (json!({ "url": "/relative" }), "not a URL"),
    ] {
        let (status, answer) = control(&emulator, Method::PUT, &path, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            answer["message"].as_str().unwrap().contains(says),
            "{answer}"
        );
    }
    let unknown = format!("/conferences/{}/status-callback", Uuid::from_u128(9));
    let (status, _) = control(
        &emulator,
        Method::PUT,
        &unknown,
        json!({ "url": "http://127.0.0.1:9/" }),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = control(&emulator, Method::POST, &path, json!({})).await;
    assert_eq!(status, 405);
    let (status, _) = control(&emulator, Method::GET, "/nothing", Value::Null).await;
    assert_eq!(status, 404);

    // Joining twice, or a conference that is over, is refused.
    assert_eq!(
        join_call(&emulator, json!({ "call_sid": call(1) })).await.0,
        201
    );
    assert_eq!(
        join_call(&emulator, json!({ "call_sid": call(1) })).await.0,
        422
    );
    assert_eq!(join_call(&emulator, json!({ "call": 1 })).await.0, 400);
    emulator
        .client()
        .conference(CONFERENCE)
        .end()
        .await
        .unwrap();
    assert_eq!(
        join_call(&emulator, json!({ "call_sid": call(2) })).await.0,
        422
    );

    // Another project's credentials do not reach this project's conference.
    let response = support::raw()
        .put(format!("http://{}/__emulator{path}", emulator.addr()))
        .basic_auth(PROJECT, Some("wrong"))
        .json(&json!({ "url": "http://127.0.0.1:9/" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // A remote callback in the seed is refused at start unless allowed.
    let remote = |allow: bool| {
        let seed = Seed {
            projects: vec![SeedProject {
                project_id: PROJECT,
                api_token: TOKEN.into(),
                signing_key: None,
                numbers: Vec::new(),
                conferences: vec![SeedConference {
                    status_callback: Some(
                        serde_json::from_value(json!({ "url": "https://example.com/e" })).unwrap(),
                    ),
                    ..SeedConference::new(CONFERENCE)
                }],
            }],
        };
        Emulator::builder()
            .seed(seed)
            .allow_remote_callbacks(allow)
            .start()
    };
    let refused = remote(false).await.unwrap_err();
    assert!(refused.to_string().contains("loopback"), "{refused}");
    let allowed = remote(true).await.unwrap();
    // Its default key names the project.
    assert_eq!(
        allowed.signing_key().expose(),
        format!("PSKemulator-{PROJECT}")
    );
}

#[tokio::test]
async fn an_unreachable_receiver_is_logged_and_does_not_slow_the_api() {
    let emulator = emulator().await;
    // A port nothing listens on: bind one, note it, and close it.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let log = join_and_wait(&emulator, closed, &["join", "start"], 2).await;
    for attempt in &log {
        assert_eq!(attempt.status, None);
        assert!(attempt.error.is_some(), "{attempt:?}");
    }
}

/// Points the conference's callbacks (for `events`) at `receiver`, makes a call join, checks
/// that the API answered at once, and waits up to 15 seconds for `count` delivery attempts.
async fn join_and_wait(
    emulator: &Emulator,
    receiver: SocketAddr,
    events: &[&str],
    count: usize,
) -> Vec<signalwire_compat::emulator::CallbackAttempt> {
    join_and_wait_at(
        emulator,
        &format!("http://{receiver}/events"),
        events,
        count,
    )
    .await
}

/// [`join_and_wait`] with the callback at `url`.
async fn join_and_wait_at(
    emulator: &Emulator,
    url: &str,
    events: &[&str],
    count: usize,
) -> Vec<signalwire_compat::emulator::CallbackAttempt> {
    let callback = json!({ "url": url, "events": events });
    assert_eq!(set_callback(emulator, callback).await.0, 200);
    let started = std::time::Instant::now();
    let body = json!({ "call_sid": call(1) });
    assert_eq!(join_call(emulator, body).await.0, 201);
    // The API answers at once, and keeps answering while deliveries wait.
    let fetched = emulator
        .client()
        .conference(CONFERENCE)
        .fetch()
        .await
        .unwrap();
    assert_eq!(fetched.status.as_str(), "in-progress");
    assert!(started.elapsed() < Duration::from_secs(2));
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let log = loop {
        let log = emulator.callbacks();
        if log.len() >= count || std::time::Instant::now() > deadline {
            break log;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(log.len(), count, "{log:?}");
    log
}

/// The next `count` events captured, in the order they arrived, checked with the validator
/// alone.
async fn checked_events(
    rx: &mut mpsc::UnboundedReceiver<Captured>,
    public: SocketAddr,
    validator: &Validator,
    count: usize,
) -> Vec<signalwire_compat::webhooks::ConferenceEvent> {
    let mut events = Vec::new();
    for _ in 0..count {
        let c = next(rx).await;
        let url = format!(
            "http://{public}{}",
            c.uri.path_and_query().unwrap().as_str()
        );
        let signature = c.signature.as_deref().unwrap_or_default();
        events.push(
            validator
                .conference_event(signature, &url, &c.body)
                .unwrap(),
        );
    }
    events
}

#[tokio::test]
async fn starting_and_hanging_up_make_their_events_and_can_end_the_conference() {
    let emulator = emulator().await;
    let validator = Validator::new(emulator.signing_key());
    let (public, mut captured) = capturing_receiver().await;
    let callback = json!({ "url": format!("http://{public}/events"), "twilio_fields": true });
    assert_eq!(set_callback(&emulator, callback).await.0, 200);

    // Start by hand; a second start changes nothing and sends nothing.
    let start = format!("/conferences/{CONFERENCE}/start");
    let (status, started) = control(&emulator, Method::POST, &start, Value::Null).await;
    assert_eq!(
        (status, started["status"].as_str()),
        (200, Some("in-progress"))
    );
    assert_eq!(
        control(&emulator, Method::POST, &start, Value::Null)
            .await
            .0,
        200
    );
    for (n, ends) in [(1, false), (2, true), (3, false)] {
        let body = json!({ "call_sid": call(n), "end_conference_on_exit": ends });
        assert_eq!(join_call(&emulator, body).await.0, 201);
    }
    // The first hangs up: it leaves. The second hangs up: the conference ends with it.
    let hang_up = |n| format!("/conferences/{CONFERENCE}/participants/{}", call(n));
    assert_eq!(
        control(&emulator, Method::DELETE, &hang_up(1), Value::Null)
            .await
            .0,
        204
    );
    assert_eq!(
        control(&emulator, Method::DELETE, &hang_up(1), Value::Null)
            .await
            .0,
        404
    );
    assert_eq!(
        control(&emulator, Method::DELETE, &hang_up(2), Value::Null)
            .await
            .0,
        204
    );

    let events = checked_events(&mut captured, public, &validator, 8).await;
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str().to_owned()).collect();
    assert_eq!(
        kinds,
        [
            "conference-start",
            "participant-join",
            "participant-join",
            "participant-join",
            "participant-leave",
            "participant-leave",
            "participant-leave",
            "conference-end",
        ]
    );
    assert_eq!(
        events[4].reason_participant_left.as_deref(),
        Some("participant_hung_up")
    );
    let end = &events[7];
    assert_eq!(
        end.reason_conference_ended.as_deref(),
        Some("participant-with-end-conference-on-exit-left")
    );
    assert_eq!(
        end.call_sid_ending_conference
            .as_ref()
            .and_then(|c| c.uuid()),
        Some(call(2))
    );
    assert!(events[7].call_sid.is_none());
    // Nothing more: the second start sent nothing.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), captured.recv())
            .await
            .is_err()
    );
    let over = emulator
        .client()
        .conference(CONFERENCE)
        .fetch()
        .await
        .unwrap();
    assert_eq!(over.status.as_str(), "completed");
    assert_eq!(
        control(&emulator, Method::POST, &start, Value::Null)
            .await
            .0,
        422
    );
}

#[tokio::test]
async fn a_seeded_callback_is_used_and_the_last_to_leave_ends_the_conference() {
    let (public, mut captured) = capturing_receiver().await;
    let seed = Seed {
        projects: vec![SeedProject {
            project_id: PROJECT,
            api_token: TOKEN.into(),
            signing_key: None,
            numbers: Vec::new(),
            conferences: vec![SeedConference {
                participants: vec![signalwire_compat::emulator::SeedParticipant::new(call(1))],
                status_callback: Some(
                    serde_json::from_value(json!({
                        "url": format!("http://{public}/events"),
                        "events": ["leave", "end"],
                        "twilio_fields": true,
                    }))
                    .unwrap(),
                ),
                ..SeedConference::new(CONFERENCE)
            }],
        }],
    };
    let emulator = Emulator::builder().seed(seed).start().await.unwrap();
    let validator = Validator::new(emulator.signing_key());
    let hang_up = format!("/conferences/{CONFERENCE}/participants/{}", call(1));
    assert_eq!(
        control(&emulator, Method::DELETE, &hang_up, Value::Null)
            .await
            .0,
        204
    );
    let events = checked_events(&mut captured, public, &validator, 2).await;
    assert_eq!(events[0].kind, ConferenceEventKind::ParticipantLeave);
    assert_eq!(events[1].kind, ConferenceEventKind::ConferenceEnd);
    assert_eq!(
        events[1].reason_conference_ended.as_deref(),
        Some("last-participant-left")
    );
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out_without_holding_up_the_api() {
    let emulator = emulator().await;
    let silent = support::silent_receiver().await;
    let started = std::time::Instant::now();
    let log = join_and_wait(&emulator, silent, &["join"], 1).await;
    assert_eq!(log[0].status, None);
    assert_eq!(
        log[0].error.as_deref(),
        Some("no answer in time (2 s to connect, 5 s to answer, 15 s in all)")
    );
    assert!(started.elapsed() >= Duration::from_secs(5));
}

#[tokio::test]
async fn a_callback_urls_fragment_sets_its_timeouts_retries_included() {
    let emulator = emulator().await;
    let silent = support::silent_receiver().await;
    // 0.5 s to answer and 1.2 s in all: one try times out, and no time is left to wait
    // 1 s for another. The fragment is not part of the URL called.
    let url = format!("http://{silent}/events#rt=500&tt=1200&ot=5");
    let started = std::time::Instant::now();
    let log = join_and_wait_at(&emulator, &url, &["join"], 1).await;
    assert!(started.elapsed() < Duration::from_secs(3), "{log:?}");
    assert_eq!(log[0].url, format!("http://{silent}/events"));
    assert_eq!(
        log[0].error.as_deref(),
        Some("no answer in time (2 s to connect, 0.5 s to answer, 1.2 s in all)")
    );
    assert_eq!(
        log[0].notes,
        ["ot=5 is not used: the time to connect is 100 to 10000 ms"]
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(emulator.callbacks().len(), 1, "{:?}", emulator.callbacks());
}

#[tokio::test]
async fn control_requests_and_the_log_belong_to_one_project() {
    use signalwire_compat::emulator::demo;

    let emulator = Emulator::start().await.unwrap();
    let (public, _captured) = capturing_receiver().await;
    let as_other = |method: Method, path: String| {
        support::raw()
            .request(
                method,
                format!("http://{}/__emulator{path}", emulator.addr()),
            )
            .basic_auth(demo::OTHER_PROJECT_ID, Some(demo::OTHER_API_TOKEN))
            .json(&if path.ends_with("status-callback") {
                json!({ "url": format!("http://{public}/events") })
            } else {
                json!({ "call_sid": call(1) })
            })
            .send()
    };
    // The other project cannot reach the demo project's conference...
    let demo_conference = format!("/conferences/{}", demo::WAITING_CONFERENCE_SID);
    let status = |r: reqwest::Response| r.status().as_u16();
    let put = as_other(Method::PUT, format!("{demo_conference}/status-callback"));
    assert_eq!(status(put.await.unwrap()), 404);
    let join = as_other(Method::POST, format!("{demo_conference}/participants"));
    assert_eq!(status(join.await.unwrap()), 404);
    // ...but can set its own, and its deliveries are not in the demo project's log.
    let own = format!("/conferences/{}", demo::OTHER_CONFERENCE_SID);
    let put = as_other(Method::PUT, format!("{own}/status-callback"));
    assert_eq!(status(put.await.unwrap()), 200);
    let join = as_other(Method::POST, format!("{own}/participants"));
    assert_eq!(status(join.await.unwrap()), 201);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let log = as_other(Method::GET, "/callbacks".into()).await.unwrap();
        let log: Value = log.json().await.unwrap();
        if !log["callbacks"].as_array().unwrap().is_empty() {
            assert_eq!(log["callbacks"][0]["event"], "participant-join");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no delivery logged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(emulator.callbacks().is_empty());
    // The demo project's key is the documented one.
    assert_eq!(emulator.signing_key().expose(), demo::SIGNING_KEY);
}

#[tokio::test]
async fn the_extractor_says_what_is_wrong_with_a_request_it_refuses() {
    let key = signalwire_compat::webhooks::SigningKey::new("PSKtest-key").unwrap();
    let public: SocketAddr = "127.0.0.1:9".parse().unwrap();
    let (receiver, _events) = checking_receiver(public, key).await;
    let url = format!("http://{receiver}/events");
    let send = |body: Vec<u8>, signature: Option<reqwest::header::HeaderValue>| {
        let mut request = support::raw()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("X-SignalWire-Signature", signature);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let form = b"StatusCallbackEvent=conference-start&ConferenceSid=x".to_vec();
    let (status, text) = send(form.clone(), None).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("no X-SignalWire-Signature header"), "{text}");

    let not_ascii = reqwest::header::HeaderValue::from_bytes(b"sig\xe9nature").unwrap();
    let (status, text) = send(form.clone(), Some(not_ascii)).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("is not text"), "{text}");

    let signed = reqwest::header::HeaderValue::from_static("AAAA");
    let (status, text) = send(vec![b'a'; 64 * 1024 + 1], Some(signed.clone())).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("larger than 65536 bytes"), "{text}");

    let (status, text) = send(form, Some(signed)).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("does not match"), "{text}");
}

/// A receiver that answers the statuses given, one a request (the last one ever after).
async fn answering(statuses: Vec<u16>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let router = Router::new().route(
        "/events",
        any(move || {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let status = statuses[n.min(statuses.len() - 1)];
            async move { axum::http::StatusCode::from_u16(status).unwrap() }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

#[tokio::test]
async fn a_failed_delivery_is_tried_three_times_in_all_and_an_answer_ends_it() {
    // Two 500s, then a 200: three tries, a second and then two apart.
    let emulator = emulator().await;
    let receiver = answering(vec![500, 503, 200]).await;
    let started = std::time::Instant::now();
    let log = join_and_wait(&emulator, receiver, &["join"], 3).await;
    let tries: Vec<(u32, Option<u16>)> = log.iter().map(|a| (a.attempt, a.status)).collect();
    assert_eq!(tries, [(1, Some(500)), (2, Some(503)), (3, Some(200))]);
    assert!(started.elapsed() >= Duration::from_secs(3));

    // Always 500: three tries and no more.
    let emulator = self::emulator().await;
    let receiver = answering(vec![500]).await;
    let log = join_and_wait(&emulator, receiver, &["join"], 3).await;
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    assert_eq!(emulator.callbacks().len(), 3, "{log:?}");

    // A 4xx is an answer: it is not tried again.
    let emulator = self::emulator().await;
    let receiver = answering(vec![404]).await;
    join_and_wait(&emulator, receiver, &["join"], 1).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let log = emulator.callbacks();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].attempt, log[0].status), (1, Some(404)));
}

#[tokio::test]
async fn pointing_the_callback_elsewhere_or_removing_it_takes_its_waiting_events_with_it() {
    let emulator = emulator().await;
    let silent = support::silent_receiver().await;
    // A receiver that never answers: with 0.3 s a try and 0.4 s in all, each event holds
    // the queue 0.3 s, so three joins keep it busy for about a second.
    let slow = json!({ "url": format!("http://{silent}/events#rt=300&tt=400"), "events": ["join", "leave"] });
    assert_eq!(set_callback(&emulator, slow.clone()).await.0, 200);
    for n in 1..=3 {
        assert_eq!(
            join_call(&emulator, json!({ "call_sid": call(n) })).await.0,
            201
        );
    }
    // Pointed elsewhere, the next event goes out at once, not after the old ones.
    let (public, mut captured) = capturing_receiver().await;
    let moved = json!({ "url": format!("http://{public}/events"), "events": ["join", "leave"] });
    assert_eq!(set_callback(&emulator, moved.clone()).await.0, 200);
    let started = std::time::Instant::now();
    assert_eq!(
        join_call(&emulator, json!({ "call_sid": call(4) })).await.0,
        201
    );
    let got = tokio::time::timeout(Duration::from_millis(250), captured.recv())
        .await
        .expect("the new receiver is not held up by the old one's queue")
        .unwrap();
    assert!(String::from_utf8_lossy(&got.body).contains("participant-join"));
    assert!(started.elapsed() < Duration::from_millis(250));
    // The old ones still waiting are logged as not sent, saying why; the one being tried
    // when the callback moved finished its try.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = emulator.callbacks();
    let not_sent: Vec<&str> = log
        .iter()
        .filter_map(|a| a.error.as_deref())
        .filter(|e| e.starts_with("not sent"))
        .collect();
    assert_eq!(
        not_sent,
        ["not sent: the conference's status callback was pointed elsewhere before it went out"; 2],
        "{log:#?}"
    );
    assert_eq!(
        log.iter()
            .filter(|a| a.url.contains(&silent.to_string()))
            .count(),
        3
    );
    // Pointed back, then set again as it is: what waits for it is kept. Removed: dropped.
    assert_eq!(set_callback(&emulator, slow.clone()).await.0, 200);
    for n in 5..=7 {
        assert_eq!(
            join_call(&emulator, json!({ "call_sid": call(n) })).await.0,
            201
        );
    }
    assert_eq!(set_callback(&emulator, slow).await.0, 200);
    let path = format!("/conferences/{CONFERENCE}/status-callback");
    assert_eq!(
        control(&emulator, Method::DELETE, &path, Value::Null)
            .await
            .0,
        204
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = emulator.callbacks();
    let removed = log
        .iter()
        .filter(|a| {
            a.error.as_deref()
                == Some("not sent: the conference's status callback was removed before it went out")
        })
        .count();
    assert_eq!(removed, 2, "{log:#?}");
}

#[tokio::test]
async fn a_callback_url_is_signed_as_it_is_called_however_it_was_written() {
    let emulator = emulator().await;
    let validator = Validator::new(emulator.signing_key());
    let (public, mut captured) = capturing_receiver().await;
    let port = public.port();
    let forms = [
        format!("HTTP://127.0.0.1:{port}/a/../events"),
        format!("http://127.1:{port}/events"),
        format!("http://127.0.0.1:0{port}/./events"),
        format!("http://127.0.0.1:{port}/events?room=daily standup"),
    ];
    for (n, written) in forms.iter().enumerate() {
        let callback = json!({ "url": written, "events": ["join"] });
        let (status, set) = set_callback(&emulator, callback).await;
        assert_eq!(status, 200, "{set}");
        // Kept, and shown, as it will be called.
        let shown = set["url"].as_str().unwrap();
        assert!(
            shown.starts_with(&format!("http://127.0.0.1:{port}/events")),
            "{shown}"
        );
        let call = call(n as u128 + 1);
        assert_eq!(
            join_call(&emulator, json!({ "call_sid": call })).await.0,
            201
        );
        let event = checked_events(&mut captured, public, &validator, 1).await;
        assert_eq!(
            event[0].call_sid.as_ref().map(|c| c.to_string()),
            Some(call.to_string()),
            "{written}"
        );
    }
    // A GET callback with connection overrides in its fragment keeps its parameters, and
    // its signature covers them.
    let callback = json!({ "url": format!("http://127.0.0.1:{port}/events#rt=2000"), "method": "GET", "events": ["join"] });
    assert_eq!(set_callback(&emulator, callback).await.0, 200);
    assert_eq!(
        join_call(&emulator, json!({ "call_sid": call(9) })).await.0,
        201
    );
    let c = next(&mut captured).await;
    assert_eq!(c.method, Method::GET);
    let url = format!(
        "http://{public}{}",
        c.uri.path_and_query().unwrap().as_str()
    );
    assert!(
        url.contains("StatusCallbackEvent=participant-join"),
        "{url}"
    );
    let signature = c.signature.as_deref().unwrap_or_default();
    validator
        .check(
            signature,
            &url,
            signalwire_compat::webhooks::Payload::Form(&[]),
        )
        .unwrap();
}
