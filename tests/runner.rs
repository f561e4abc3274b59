//! The emulator runs a call's cXML: it asks the app (signed, with SignalWire's parameters),
//! follows its verbs on the emulator's clock, takes the called party's keys, asks a
//! `<Gather>`'s action, and ends the call as SignalWire would when the app fails.

#![cfg(feature = "emulator")]

mod support;

use support::voice::{
    Asked, assert_signed, call_log as log, control, emulator, hang_up, until, until_count, value,
    verb,
};

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::{any, post},
};
use serde_json::{Value, json};
use signalwire_compat::{
    CallStatus,
    emulator::{Clock, Emulator, SeedNumber, demo},
};

fn xml(body: impl Into<String>) -> impl IntoResponse {
    ([("content-type", "text/xml")], body.into())
}

/// An app on loopback: a menu, what pressing its keys does, and the ways an app fails.
async fn app() -> (String, Asked) {
    let asked: Asked = Arc::default();
    let record = |path: &'static str| {
        move |State(asked): State<Asked>, headers: HeaderMap, body: Bytes| async move {
            let form: Vec<(String, String)> =
                url::form_urlencoded::parse(&body).into_owned().collect();
            let signature = support::voice::signature(&headers);
            asked
                .lock()
                .unwrap()
                .push((path.to_owned(), signature, form.clone()));
            form
        }
    };
    let menu = record("/voice");
    let chosen = record("/menu");
    let quiet = record("/quiet");
    let slow = record("/slow");
    let router = Router::new()
        .route(
            "/voice",
            post(move |s, h, f| async move {
                menu(s, h, f).await;
                xml(r#"<Response><Gather numDigits="1" action="/menu"><Say>Press 1 for sales, 2 to hear this again</Say></Gather><Say>Goodbye</Say></Response>"#)
            }),
        )
        .route(
            "/menu",
            post(move |s, h, f| async move {
                let form = chosen(s, h, f).await;
                let digits = form.iter().find(|(k, _)| k == "Digits").map(|(_, v)| v.clone());
                match digits.as_deref() {
                    Some("2") => xml("<Response><Redirect>/voice</Redirect></Response>"),
                    _ => xml("<Response><Say>Connecting you</Say><Hangup/></Response>"),
                }
            }),
        )
        .route(
            "/quiet",
            post(move |s, h, f| async move {
                quiet(s, h, f).await;
                xml(r#"<Response><Gather timeout="3" action="/menu"><Say>Press a key</Say></Gather><Say>Nobody pressed anything</Say><Reject reason="busy"/></Response>"#)
            }),
        )
        .route(
            "/slow",
            post(move |s, h, f| async move {
                slow(s, h, f).await;
                tokio::time::sleep(Duration::from_millis(1_200)).await;
                xml("<Response><Hangup/></Response>")
            }),
        )
        .route(
            "/slower",
            any(|| async {
                tokio::time::sleep(Duration::from_millis(5_500)).await;
                xml("<Response><Hangup/></Response>")
            }),
        )
        .route("/fail", any(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }))
        .route("/html", any(|| async { ([("content-type", "text/html")], "<html><body>Hi</body></html>") }))
        .route("/big", any(|| async { xml(format!("<Response><Say>{}</Say></Response>", "a ".repeat(35_000))) }))
        .route(
            "/hop",
            any(|| async { (StatusCode::FOUND, [("location", "/hop")], "") }),
        )
        .route("/loop", any(|| async { xml("<Response><Redirect>/loop</Redirect></Response>") }))
        .route("/pause", any(|| async { xml(r#"<Response><Pause length="600"/></Response>"#) }))
        .with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), asked)
}

/// Moves the clock a second at a time (at most 30) until the call's cXML ends it: its log.
async fn step_until_ended(emulator: &Emulator, call: &str) -> Vec<Value> {
    let ended = |e: &Value| e["event"] == "ended";
    for _ in 0..30 {
        if log(emulator, call).await.iter().any(ended) {
            break;
        }
        emulator.clock().advance(Duration::from_secs(1)).unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    until(emulator, call, "the end", ended).await
}

/// Waits (in real time, at most `within`) until the call has ended: its log.
async fn until_within(emulator: &Emulator, call: &str, within: Duration) -> Vec<Value> {
    let ended = emulator
        .wait_for_log(call, within, |e| e.event == "ended")
        .await;
    assert!(ended.is_ok(), "{ended:?}");
    log(emulator, call).await
}

/// Places a call to +15551230002 that runs `path` of the app, and lets it be answered.
async fn answered(emulator: &Emulator, app: &str, path: &str) -> String {
    support::voice::answered(emulator, app, path, "+15551230002").await
}

#[tokio::test]
async fn a_caller_presses_through_a_menu_and_the_app_is_asked_signed() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let call = answered(&emulator, &app, "/voice").await;
    until(&emulator, &call, "the menu", verb("Gather")).await;

    // 2 hears the menu again, through a <Redirect>; 1 goes on to sales.
    let (status, body) = control(
        &emulator,
        "POST",
        &format!("/calls/{call}/digits"),
        json!({"digits": "2"}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    until_count(&emulator, &call, "the menu again", verb("Gather"), 2).await;
    control(
        &emulator,
        "POST",
        &format!("/calls/{call}/digits"),
        json!({"digits": "1"}),
    )
    .await;
    until(&emulator, &call, "sales", |e| {
        verb("Say")(e) && e["text"] == "Connecting you"
    })
    .await;
    let entries = step_until_ended(&emulator, &call).await;

    let fetched = emulator.client().call(call.as_str()).fetch().await.unwrap();
    assert_eq!(fetched.status, CallStatus::Completed);
    let ended = entries.iter().find(|e| e["event"] == "ended").unwrap();
    assert_eq!(ended["why"], "<Hangup>");

    // Every request the app had: signed with the project's key over its URL and form, with
    // SignalWire's parameters, and the keys pressed where a Gather's action is asked.
    let asked = asked.lock().unwrap().clone();
    let paths: Vec<&str> = asked.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(paths, ["/voice", "/menu", "/voice", "/menu"]);
    assert_signed(&emulator, &app, &asked);
    for (_, _, form) in &asked {
        let value = |k: &str| value(form, k);
        assert_eq!(value("CallSid"), Some(call.as_str()));
        assert_eq!(
            value("AccountSid"),
            Some(emulator.project_id().to_string().as_str())
        );
        assert_eq!(value("CallStatus"), Some("in-progress"));
        assert_eq!(value("To"), Some("+15551230002"));
        assert_eq!(value("From"), Some("+15551230001"));
        assert_eq!(value("Direction"), Some("outbound-api"));
    }
    let digits: Vec<Option<&str>> = asked
        .iter()
        .map(|(_, _, f)| {
            f.iter()
                .find(|(k, _)| k == "Digits")
                .map(|(_, v)| v.as_str())
        })
        .collect();
    assert_eq!(digits, [None, Some("2"), None, Some("1")]);
}

fn log_count(asked: &Asked, path: &str) -> usize {
    asked
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _, _)| p == path)
        .count()
}

#[tokio::test]
async fn a_gather_nobody_answers_goes_on_to_the_next_verb() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let call = answered(&emulator, &app, "/quiet").await;
    until(&emulator, &call, "the Gather", verb("Gather")).await;
    // Its prompt (1 s), then 3 s of silence: a second at a time, as a test would step
    // through an IVR, until the verb after the Gather runs.
    let next = |e: &Value| verb("Say")(e) && e["text"] == "Nobody pressed anything";
    let mut seconds = 0;
    while !log(&emulator, &call).await.iter().any(next) {
        assert!(
            seconds < 30,
            "the Gather never timed out: {:#?}",
            log(&emulator, &call).await
        );
        emulator.clock().advance(Duration::from_secs(1)).unwrap();
        seconds += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        seconds >= 4,
        "the prompt and the timeout take 4 s; it took {seconds}"
    );
    step_until_ended(&emulator, &call).await;
    let fetched = emulator.client().call(call.as_str()).fetch().await.unwrap();
    assert_eq!(fetched.status, CallStatus::Busy, "<Reject reason=\"busy\">");
    assert_eq!(
        log_count(&asked, "/menu"),
        0,
        "no input: the action is not asked"
    );
}

// A Gather that woke on input it did not take spun without yielding, and this test did not
// finish; on worker threads the rest of the emulator goes on beside such a runner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speech_a_keys_only_gather_does_not_hear_neither_ends_it_nor_stops_its_timeout() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let call = answered(&emulator, &app, "/quiet").await;
    until(&emulator, &call, "the Gather", verb("Gather")).await;
    let path = format!("/calls/{call}/speech");
    let (status, _) = control(&emulator, "POST", &path, json!({"text": "sales"})).await;
    assert_eq!(status, 204);
    // Its prompt (1 s) and 3 s of silence, as if nothing had been said.
    let next = |e: &Value| verb("Say")(e) && e["text"] == "Nobody pressed anything";
    let mut seconds = 0;
    while !log(&emulator, &call).await.iter().any(next) {
        assert!(seconds < 30, "the Gather never timed out");
        emulator.clock().advance(Duration::from_secs(1)).unwrap();
        seconds += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seconds <= 6, "the timeout took {seconds} s");
    assert_eq!(log_count(&asked, "/menu"), 0, "speech is not a key");
}

#[tokio::test]
async fn an_app_that_fails_ends_the_call_with_signalwires_error_code() {
    let emulator = emulator().await;
    let (app, _) = app().await;
    for (path, code) in [
        ("/fail", 11200),
        ("/html", 12100),
        ("/big", 11750),
        ("/hop", 11215),
        ("/loop", 11215),
        ("/nothing-here", 11200),
    ] {
        let call = answered(&emulator, &app, path).await;
        let entries = until(&emulator, &call, "the end", |e| e["event"] == "ended").await;
        let error = entries
            .iter()
            .find(|e| e["event"] == "error")
            .unwrap_or_else(|| panic!("{path}: no error in {entries:#?}"));
        assert_eq!(error["code"], code, "{path}: {error}");
        let fetched = emulator.client().call(call.as_str()).fetch().await.unwrap();
        assert_eq!(fetched.status, CallStatus::Completed, "{path}");
    }
}

#[tokio::test]
async fn a_url_fragment_sets_the_requests_timeouts_and_is_neither_sent_nor_signed() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    // 1 s to answer: the app, 1.2 s, is too slow (11200, saying what was allowed); an
    // override out of its range is not used, and said.
    let call = answered(&emulator, &app, "/slow#rt=1000&ot=20").await;
    let entries = until(&emulator, &call, "the end", |e| e["event"] == "ended").await;
    let error = entries.iter().find(|e| e["event"] == "error").unwrap();
    assert_eq!(error["code"], 11200);
    assert_eq!(
        error["message"],
        "no answer in time (2 s to connect, 1 s to answer, 15 s in all)"
    );
    assert!(
        entries.iter().any(|e| e["event"] == "skipped"
            && e["why"] == "ot=20 is not used: the time to connect is 100 to 10000 ms"),
        "{entries:#?}"
    );

    // Without a fragment, an app that takes longer than SignalWire's 5 s is 11200 too.
    let call = answered(&emulator, &app, "/slower").await;
    let entries = until_within(&emulator, &call, Duration::from_secs(10)).await;
    let error = entries.iter().find(|e| e["event"] == "error").unwrap();
    assert_eq!(error["code"], 11200);
    assert_eq!(
        error["message"],
        "no answer in time (2 s to connect, 5 s to answer, 15 s in all)"
    );
    let request = entries.iter().find(|e| e["event"] == "request").unwrap();
    assert!(request["ms"].as_u64().unwrap() >= 5_000, "{request}");

    // 3 s is enough: the request went to the URL without its fragment, signed as sent.
    let call = answered(&emulator, &app, "/slow#rt=3000").await;
    let entries = until(&emulator, &call, "the end", |e| e["event"] == "ended").await;
    assert!(
        entries.iter().all(|e| e["event"] != "error"),
        "{entries:#?}"
    );
    assert!(entries.iter().any(verb("Hangup")), "{entries:#?}");
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 2);
    assert_signed(&emulator, &app, &asked);
}

#[tokio::test]
async fn a_document_that_fails_sends_the_call_to_its_fallback_url_once() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let place = |url: &str, fallback: &str| {
        emulator
            .client()
            .calls()
            .create("+15551230002", "+15551230001")
            .url(format!("{app}{url}"))
            .fallback_url(format!("{app}{fallback}"))
            .send()
    };
    // A 500: the fallback (the menu) is asked with the error, and runs.
    let call = place("/fail", "/voice").await.unwrap().sid.to_string();
    emulator.clock().advance(Duration::from_secs(3)).unwrap();
    until(&emulator, &call, "the menu", verb("Gather")).await;
    let menu = asked
        .lock()
        .unwrap()
        .iter()
        .find(|(p, _, _)| p == "/voice")
        .cloned();
    let form = menu.unwrap().2;
    assert_eq!(value(&form, "ErrorCode"), Some("11200"));
    assert_eq!(
        value(&form, "ErrorUrl"),
        Some(format!("{app}/fail").as_str())
    );
    let live = emulator.client().call(call.as_str()).fetch().await.unwrap();
    assert_eq!(live.status, CallStatus::InProgress);

    // HTML, then a fallback that fails too: the call ends, with both errors in its log.
    let call = place("/html", "/fail").await.unwrap().sid.to_string();
    emulator.clock().advance(Duration::from_secs(3)).unwrap();
    let entries = until(&emulator, &call, "the end", |e| e["event"] == "ended").await;
    let codes: Vec<&Value> = entries
        .iter()
        .filter(|e| e["event"] == "error")
        .map(|e| &e["code"])
        .collect();
    assert_eq!(codes, [&json!(12100), &json!(11200)], "{entries:#?}");
    let asked_fallback = entries
        .iter()
        .filter(|e| e["event"] == "request" && e["url"] == format!("{app}/fail"))
        .count();
    assert_eq!(asked_fallback, 1, "the fallback is asked once");
}

#[tokio::test]
async fn a_redirect_or_a_hang_up_interrupts_the_verb_under_way() {
    let emulator = emulator().await;
    let (app, _) = app().await;
    let client = emulator.client();

    // Through the REST API: new cXML at once, in the middle of a ten-minute pause.
    let call = answered(&emulator, &app, "/pause").await;
    until(&emulator, &call, "the pause", verb("Pause")).await;
    client
        .call(call.as_str())
        .redirect_to_cxml(&signalwire_compat::cxml::VoiceResponse::new().hangup())
        .send()
        .await
        .unwrap();
    until(&emulator, &call, "the end", |e| e["event"] == "ended").await;
    assert_eq!(
        client.call(call.as_str()).fetch().await.unwrap().status,
        CallStatus::Completed
    );

    // The called party hangs up: the call is over, and takes no more keys.
    let call = answered(&emulator, &app, "/pause").await;
    until(&emulator, &call, "the pause", verb("Pause")).await;
    hang_up(&emulator, &call).await;
    assert_eq!(
        client.call(call.as_str()).fetch().await.unwrap().status,
        CallStatus::Completed
    );
    let (status, body) = control(
        &emulator,
        "POST",
        &format!("/calls/{call}/digits"),
        json!({"digits": "1"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (422, json!(21220)),
        "{body}"
    );
}

#[tokio::test]
async fn the_emulators_methods_press_speak_hang_up_and_read_the_log_as_the_endpoints_do() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let call = answered(&emulator, &app, "/voice").await;
    let gather = emulator
        .wait_for_log(call.as_str(), Duration::from_secs(5), |e| {
            e.is_verb("Gather")
        })
        .await
        .unwrap();
    assert_eq!(gather.text("action"), Some("/menu"));
    emulator.press(call.as_str(), "1").unwrap();
    emulator
        .wait_for_log(call.as_str(), Duration::from_secs(5), |e| {
            e.event == "request" && e.text("url").is_some_and(|u| u.ends_with("/menu"))
        })
        .await
        .unwrap();
    let menu = log_count(&asked, "/menu");
    assert_eq!(menu, 1);
    emulator.say(call.as_str(), "hello there").unwrap();
    emulator.hang_up(call.as_str()).unwrap();
    emulator
        .wait_for_log(call.as_str(), Duration::from_secs(5), |e| {
            e.event == "ended"
        })
        .await
        .unwrap();
    let entries = emulator.call_log(call.as_str()).unwrap();
    let inputs: Vec<_> = entries
        .iter()
        .filter(|e| e.event == "input")
        .map(|e| serde_json::Value::Object(e.detail.clone()))
        .collect();
    assert!(inputs.contains(&json!({ "pressed": "1" })), "{inputs:#?}");
    assert!(
        inputs.contains(&json!({ "said": "hello there" })),
        "{inputs:#?}"
    );
    assert!(inputs.contains(&json!({ "hung_up": true })), "{inputs:#?}");
    // The log as the endpoint answers it is the same.
    let (status, body) =
        control(&emulator, "GET", &format!("/calls/{call}/log"), Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(body["log"], serde_json::to_value(&entries).unwrap());

    // Refused as the endpoints refuse: a call that is over, keys that are not keys, a call
    // that is not there, text that is not a SID; and a wait that runs out says so.
    let over = emulator.press(call.as_str(), "1").unwrap_err();
    assert_eq!((over.status(), over.code()), (422, 21220), "{over}");
    let e = emulator.hang_up(call.as_str()).unwrap_err();
    assert_eq!(e.status(), 422, "{e}");
    let live = answered(&emulator, &app, "/pause").await;
    let bad = emulator.press(live.as_str(), "12a").unwrap_err();
    assert_eq!(bad.status(), 400, "{bad}");
    let empty = emulator.say(live.as_str(), "  ").unwrap_err();
    assert_eq!(empty.status(), 400, "{empty}");
    let stranger = uuid::Uuid::from_u128(7);
    assert_eq!(emulator.press(stranger, "1").unwrap_err().status(), 404);
    assert_eq!(emulator.call_log(stranger).unwrap_err().status(), 404);
    let garbled = emulator.press("not-a-sid", "1").unwrap_err();
    assert_eq!(garbled.status(), 400);
    assert!(garbled.to_string().contains("not a call SID"), "{garbled}");
    let waited = emulator
        .wait_for_log(live.as_str(), Duration::from_millis(50), |e| {
            e.event == "ended"
        })
        .await
        .unwrap_err();
    assert_eq!(waited.status(), 408);
    assert!(waited.message().contains("no such entry"), "{waited}");
}

#[tokio::test]
async fn control_requests_are_checked() {
    let emulator = emulator().await;
    let (app, _) = app().await;
    let call = answered(&emulator, &app, "/pause").await;
    until(&emulator, &call, "the pause", verb("Pause")).await;
    for (body, status) in [
        (json!({"digits": ""}), 400),
        (json!({"digits": "12a"}), 400),
        (json!({"digits": "1".repeat(65)}), 400),
        (json!({"keys": "1"}), 400),
    ] {
        let (got, answer) = control(
            &emulator,
            "POST",
            &format!("/calls/{call}/digits"),
            body.clone(),
        )
        .await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    let (got, _) = control(
        &emulator,
        "POST",
        &format!("/calls/{call}/speech"),
        json!({"text": " "}),
    )
    .await;
    assert_eq!(got, 400);
    let unknown = "ca000000-0000-4000-8000-0000000000ff";
    let (got, _) = control(
        &emulator,
        "GET",
        &format!("/calls/{unknown}/log"),
        Value::Null,
    )
    .await;
    assert_eq!(got, 404);
    let (got, _) = control(
        &emulator,
        "DELETE",
        &format!("/calls/{call}/log"),
        Value::Null,
    )
    .await;
    assert_eq!(got, 405);
}

#[tokio::test]
async fn a_url_off_this_machine_is_not_asked_and_the_call_waits() {
    let emulator = emulator().await;
    let call = emulator
        .client()
        .calls()
        .create("+15551230002", "+15551230001")
        .url("https://example.com/voice.xml")
        .send()
        .await
        .unwrap();
    emulator.clock().advance(Duration::from_secs(3)).unwrap();
    let call = call.sid.to_string();
    let entries = until(&emulator, &call, "the skipped request", |e| {
        e["event"] == "skipped"
    })
    .await;
    assert!(
        entries.iter().all(|e| e["event"] != "request"),
        "{entries:#?}"
    );
    let fetched = emulator.client().call(call.as_str()).fetch().await.unwrap();
    assert_eq!(fetched.status, CallStatus::InProgress);
}

#[tokio::test]
async fn a_call_to_one_of_the_projects_numbers_runs_its_voice_url() {
    let (app, asked) = app().await;
    let mut seed = demo::seed();
    seed.projects[0]
        .numbers
        .push(SeedNumber::new("+15550002000", format!("{app}/voice")));
    let emulator = Emulator::builder()
        .clock(Clock::starting_at("2026-12-01T09:00:00Z".parse().unwrap()))
        .seed(seed)
        .start()
        .await
        .unwrap();

    let (status, call) = control(
        &emulator,
        "POST",
        "/calls",
        json!({"from": "+15557654321", "to": "+15550002000"}),
    )
    .await;
    assert_eq!(status, 201, "{call}");
    assert_eq!(call["direction"], "inbound");
    assert_eq!(call["status"], "in-progress");
    assert_eq!(call["from"], "+15557654321");
    assert_eq!(call["to"], "+15550002000");
    let sid = call["sid"].as_str().unwrap().to_owned();

    // The number's voice URL is asked at once, as a call that is still ringing; the menu's
    // action later hears the call in progress. Both are signed and say `inbound`.
    until(&emulator, &sid, "the menu", verb("Gather")).await;
    control(
        &emulator,
        "POST",
        &format!("/calls/{sid}/digits"),
        json!({"digits": "1"}),
    )
    .await;
    until(&emulator, &sid, "sales", |e| {
        verb("Say")(e) && e["text"] == "Connecting you"
    })
    .await;
    let asked = asked.lock().unwrap().clone();
    assert_signed(&emulator, &app, &asked);
    let statuses: Vec<(&str, Option<&str>)> = asked
        .iter()
        .map(|(path, _, form)| {
            let value = |k: &str| value(form, k);
            assert_eq!(value("CallSid"), Some(sid.as_str()));
            assert_eq!(value("Direction"), Some("inbound"));
            assert_eq!(value("From"), Some("+15557654321"));
            assert_eq!(value("To"), Some("+15550002000"));
            (path.as_str(), value("CallStatus"))
        })
        .collect();
    assert_eq!(
        statuses,
        [("/voice", Some("ringing")), ("/menu", Some("in-progress"))]
    );
    let fetched = emulator.client().call(sid.as_str()).fetch().await.unwrap();
    assert_eq!(
        fetched
            .direction
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("inbound")
    );
    assert_eq!(fetched.status, CallStatus::InProgress);

    // A number that takes no calls, and requests that are not an arrival, are refused.
    let (status, body) = control(
        &emulator,
        "POST",
        "/calls",
        json!({"from": "+15557654321", "to": "+15550009999"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (404, json!(20404)),
        "{body}"
    );
    for bad in [
        json!({"from": "+15557654321"}),
        json!({"from": "+1 555", "to": "+15550002000"}),
        json!({"from": "+15557654321", "to": "+15550002000", "body": "hi"}),
    ] {
        let (status, body) = control(&emulator, "POST", "/calls", bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, _) = control(&emulator, "GET", "/calls", Value::Null).await;
    assert_eq!(status, 405);
}

/// An app whose calls start, stop and connect to streams, and that hears their events.
async fn stream_app() -> (String, Asked) {
    support::voice::pages_app(|_| {
        vec![
            (
                "/start",
                r#"<Response><Start><Stream name="transcript" url="wss://transcriber.example/audio" track="both_tracks" statusCallback="/stream-events"/></Start><Pause length="10"/><Stop><Stream name="transcript"/></Stop><Pause length="5"/><Hangup/></Response>"#.to_owned(),
            ),
            (
                "/connect",
                r#"<Response><Connect action="/after-connect"><Stream url="ws://127.0.0.1:9/media" statusCallback="/stream-events"/></Connect><Say>never</Say></Response>"#.to_owned(),
            ),
            ("/after-connect", "<Response><Hangup/></Response>".to_owned()),
            (
                "/bad-stream",
                r#"<Response><Start><Stream url="http://example.com/audio"/></Start><Say>Still here</Say><Hangup/></Response>"#.to_owned(),
            ),
            ("/stream-events", String::new()),
        ]
    })
    .await
}

#[tokio::test]
async fn start_stop_and_connect_streams_make_the_calls_streams_and_tell_their_callbacks() {
    let emulator = emulator().await;
    let (app, asked) = stream_app().await;

    // <Start><Stream>: the stream runs beside the call, which goes on at once; <Stop> by
    // name stops it. Its callback hears both.
    let call = answered(&emulator, &app, "/start").await;
    until(&emulator, &call, "the Pause", verb("Pause")).await;
    let sid: uuid::Uuid = call.parse().unwrap();
    let streams = emulator.streams(sid);
    assert_eq!(streams.len(), 1, "{streams:?}");
    assert_eq!(streams[0].name.as_deref(), Some("transcript"));
    assert_eq!(streams[0].url, "wss://transcriber.example/audio");
    assert_eq!(
        streams[0].status,
        signalwire_compat::StreamStatus::InProgress
    );
    let started = support::voice::asked_for(&asked, "/stream-events", 1).await;
    assert_eq!(value(&started[0], "StreamEvent"), Some("stream-started"));
    assert_eq!(value(&started[0], "StreamName"), Some("transcript"));
    assert_eq!(value(&started[0], "CallSid"), Some(call.as_str()));
    let stream_sid = streams[0].sid.to_string();
    assert_eq!(value(&started[0], "StreamSid"), Some(stream_sid.as_str()));
    emulator.clock().advance(Duration::from_secs(10)).unwrap();
    let stopped = support::voice::asked_for(&asked, "/stream-events", 2).await;
    assert_eq!(value(&stopped[1], "StreamEvent"), Some("stream-stopped"));
    assert_eq!(
        emulator.streams(sid)[0].status,
        signalwire_compat::StreamStatus::Stopped
    );

    // <Connect><Stream>: the call stays connected until the stream is stopped over the
    // REST API, and then asks the Connect's action.
    let call = answered(&emulator, &app, "/connect").await;
    until(&emulator, &call, "the Connect", verb("Connect")).await;
    let sid: uuid::Uuid = call.parse().unwrap();
    let stream = emulator.streams(sid)[0].sid;
    emulator.clock().advance(Duration::from_secs(60)).unwrap();
    let still = emulator.client().call(call.as_str()).fetch().await.unwrap();
    assert_eq!(still.status, CallStatus::InProgress);
    emulator
        .client()
        .call(call.as_str())
        .stream(stream)
        .stop()
        .await
        .unwrap();
    let entries = until(&emulator, &call, "the end", |e| e["event"] == "ended").await;
    assert!(entries.iter().any(verb("Hangup")), "{entries:#?}");
    assert!(!entries.iter().any(verb("Say")), "{entries:#?}");
    let events = support::voice::asked_for(&asked, "/stream-events", 4).await;
    assert_eq!(value(&events[3], "StreamEvent"), Some("stream-stopped"));

    // Sent to new cXML, the call leaves the stream, which stops.
    let call = answered(&emulator, &app, "/connect").await;
    until(&emulator, &call, "the Connect", verb("Connect")).await;
    let sid: uuid::Uuid = call.parse().unwrap();
    emulator
        .client()
        .call(call.as_str())
        .redirect_to_cxml(
            &signalwire_compat::cxml::VoiceResponse::parse(
                r#"<Response><Pause length="600"/></Response>"#,
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    until(&emulator, &call, "the new cXML", verb("Pause")).await;
    assert_eq!(
        emulator.streams(sid)[0].status,
        signalwire_compat::StreamStatus::Stopped
    );
    let live = emulator.client().call(call.as_str()).fetch().await.unwrap();
    assert_eq!(live.status, CallStatus::InProgress);
    hang_up(&emulator, &call).await;

    // A stream that cannot start is an error in the log, and the call goes on.
    let call = answered(&emulator, &app, "/bad-stream").await;
    let entries = step_until_ended(&emulator, &call).await;
    let error = entries.iter().find(|e| e["event"] == "error").unwrap();
    assert!(
        error["message"].as_str().unwrap().contains("wss://"),
        "{error}"
    );
    assert!(entries.iter().any(verb("Say")), "{entries:#?}");
}

#[tokio::test]
async fn a_call_to_a_bought_number_runs_its_voice_url_and_falls_back_to_its_fallback() {
    let (app, asked) = support::voice::pages_app(|_| {
        vec![(
            "/fallback",
            "<Response><Say>Sorry</Say></Response>".to_owned(),
        )]
    })
    .await;
    let emulator = emulator().await;
    emulator
        .client()
        .incoming_phone_numbers()
        .create("+15550003000")
        .voice_url(format!("{app}/missing"))
        .voice_fallback_url(format!("{app}/fallback"))
        .send()
        .await
        .unwrap();
    let (status, call) = control(
        &emulator,
        "POST",
        "/calls",
        json!({"from": "+15557654321", "to": "+15550003000"}),
    )
    .await;
    assert_eq!(status, 201, "{call}");
    let sid = call["sid"].as_str().unwrap().to_owned();
    // The voice URL answers 404: the number's fallback is asked, with why.
    let fallback = support::voice::asked_for(&asked, "/fallback", 1)
        .await
        .remove(0);
    assert_eq!(value(&fallback, "ErrorCode"), Some("11200"));
    assert_eq!(value(&fallback, "CallSid"), Some(sid.as_str()));
    until(&emulator, &sid, "the apology", |e| {
        verb("Say")(e) && e["text"] == "Sorry"
    })
    .await;
}
