//! Calls: placed, followed, redirected, ended and deleted through the client, on the wire,
//! and in the emulator, where they ring and are answered on its clock and send signed
//! status callbacks; a call's recordings and streams.

#![cfg(feature = "emulator")]

mod support;

use std::time::Duration;

use axum::body::Bytes;
use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{
    Call, CallStatus, CallbackMethod, ErrorKind, MachineDetection, PauseBehavior, RecordingStatus,
    StreamStatus,
    cxml::{CallEvent, Hangup, Pause, Say, VoiceResponse},
    emulator::{ANSWER_AFTER, CallCxml, Clock, Emulator, RING_AFTER, demo},
    webhooks::{CallStatusCallback, Validator},
};
use support::{callback_receiver as receiver, raw};
use tokio::sync::mpsc;

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

async fn on_a_virtual_clock() -> Emulator {
    Emulator::builder()
        .clock(Clock::starting_at(at("2026-12-01T09:00:00Z")))
        .start()
        .await
        .unwrap()
}

/// The next callback, checked against the emulator's signing key.
async fn next_event(
    emulator: &Emulator,
    url: &str,
    events: &mut mpsc::UnboundedReceiver<(String, Bytes)>,
) -> CallStatusCallback {
    let (signature, body) = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("a callback within 5 s")
        .expect("the receiver is up");
    Validator::new(emulator.signing_key())
        .read::<CallStatusCallback>(&signature, url, &body)
        .expect("signed with the project's key")
}

#[tokio::test]
async fn a_call_rings_is_answered_and_hangs_up_on_the_emulators_clock() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    let (url, mut events) = receiver().await;
    let call = client
        .calls()
        .create("+15551230002", "+15551230001")
        .url("https://example.com/voice")
        .method(CallbackMethod::Get)
        .status_callback(&url)
        .status_callback_event([
            CallEvent::Initiated,
            CallEvent::Ringing,
            CallEvent::Answered,
            CallEvent::Completed,
        ])
        .machine_detection(MachineDetection::Enable)
        .timeout(30)
        .send()
        .await
        .unwrap();
    assert_eq!(call.status, CallStatus::Queued);
    assert_eq!(call.to.as_deref(), Some("+15551230002"));
    assert_eq!(call.start_time, None);
    let sid = call.sid.uuid().unwrap();
    assert_eq!(
        emulator.call_cxml(sid),
        Some(CallCxml::Url {
            url: "https://example.com/voice".into(),
            method: "GET".into()
        })
    );
    let initiated = next_event(&emulator, &url, &mut events).await;
    assert_eq!(initiated.call_status, CallStatus::Initiated);
    assert_eq!(initiated.sequence_number, Some(0));

    // It rings once the clock has moved on, whoever asks first: the emulator's waker or a
    // request.
    emulator.clock().advance(RING_AFTER).unwrap();
    let ringing = next_event(&emulator, &url, &mut events).await;
    assert_eq!(ringing.call_status, CallStatus::Ringing);
    assert_eq!(
        client.call(&call.sid).fetch().await.unwrap().status,
        CallStatus::Ringing
    );
    emulator.clock().advance(ANSWER_AFTER).unwrap();
    let answered = client.call(&call.sid).fetch().await.unwrap();
    assert_eq!(answered.status, CallStatus::InProgress);
    assert_eq!(
        answered.start_time.unwrap().to_rfc3339(),
        "2026-12-01T09:00:03+00:00"
    );
    let event = next_event(&emulator, &url, &mut events).await;
    assert_eq!(event.call_status, CallStatus::InProgress);
    assert_eq!(
        event.callback_source.as_deref(),
        Some("call-progress-events")
    );
    assert_eq!(
        event.answered_by,
        Some(signalwire_compat::AnsweredBy::Human)
    );

    // Redirected while live to a two-minute pause (the emulator runs it), then hung up
    // after a minute.
    let goodbye = VoiceResponse::new()
        .push(Pause::new().length(120u32))
        .push(Say::new("Goodbye"))
        .push(Hangup::new());
    client
        .call(&call.sid)
        .redirect_to_cxml(&goodbye)
        .send()
        .await
        .unwrap();
    assert_eq!(
        emulator.call_cxml(sid),
        Some(CallCxml::Document(goodbye.to_xml()))
    );
    emulator.clock().advance(Duration::from_secs(60)).unwrap();
    let ended = client.call(&call.sid).hangup().await.unwrap();
    assert_eq!(ended.status, CallStatus::Completed);
    assert_eq!(ended.duration, Some(60));
    let completed = next_event(&emulator, &url, &mut events).await;
    assert_eq!(completed.call_status, CallStatus::Completed);
    assert_eq!(completed.call_duration, Some(60));
    assert_eq!(completed.sequence_number, Some(3));

    // Over, it cannot change, and its record can be deleted.
    let late = client.call(&call.sid).hangup().await.unwrap_err();
    assert_eq!(late.status().map(|s| s.as_u16()), Some(422), "{late}");
    assert_eq!(late.code(), Some(21220));
    client.call(&call.sid).remove().await.unwrap();
    assert!(
        client
            .call(&call.sid)
            .fetch()
            .await
            .unwrap_err()
            .is_not_found()
    );
    let log = emulator.callbacks();
    assert_eq!(log.len(), 4, "{log:?}");
    assert!(
        log.iter()
            .all(|a| a.status == Some(200) && a.conference_sid.is_none())
    );
}

#[tokio::test]
async fn calls_are_listed_newest_first_with_their_filters() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    let hello = VoiceResponse::new().push(Say::new("Hello"));
    let mut placed = Vec::new();
    for to in ["+15550000001", "+15550000002", "+15550000001"] {
        let call = client
            .calls()
            .create(to, "+15551230001")
            .cxml(&hello)
            .send()
            .await
            .unwrap();
        placed.push(call.sid);
    }
    // A call not yet answered is cancelled; one that was is hung up.
    let canceled = client.call(&placed[0]).cancel().await.unwrap();
    assert_eq!(canceled.status, CallStatus::Canceled);
    assert_eq!(canceled.duration, Some(0));
    emulator.clock().advance(RING_AFTER + ANSWER_AFTER).unwrap();
    // The demo's participants are older calls, from other numbers.
    let all: Vec<Call> = client.calls().list().stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 3 + 8, "{all:?}");
    let all: Vec<Call> = client
        .calls()
        .list()
        .from("+15551230001")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let sids: Vec<_> = all.iter().map(|c| c.sid.clone()).collect();
    assert_eq!(
        sids,
        [placed[2].clone(), placed[1].clone(), placed[0].clone()]
    );
    let statuses: Vec<_> = all.iter().map(|c| c.status.to_string()).collect();
    assert_eq!(statuses, ["in-progress", "in-progress", "canceled"]);

    let to_one: Vec<Call> = client
        .calls()
        .list()
        .to("+15550000001")
        .status(CallStatus::InProgress)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(to_one.len(), 1);
    assert_eq!(to_one[0].sid, placed[2]);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let started: Vec<Call> = client
        .calls()
        .list()
        .started_on(day)
        .page_size(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(started.len(), 2, "a call never answered has not started");
    let ended_before: Vec<Call> = client
        .calls()
        .list()
        .ended_before(day)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(ended_before.is_empty());
    let children: Vec<Call> = client
        .calls()
        .list()
        .parent_call_sid(placed[1].as_str())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(children.is_empty());
    // A live call's record cannot be deleted.
    let live = client.call(&placed[1]).remove().await.unwrap_err();
    assert_eq!(live.status().map(|s| s.as_u16()), Some(422), "{live}");
}

#[tokio::test]
async fn a_calls_recordings_and_streams() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    let call = client
        .calls()
        .create("+15551230002", "+15551230001")
        .url("https://example.com/voice")
        .send()
        .await
        .unwrap();
    let handle = client.call(&call.sid);
    // Not yet answered: nothing to record or stream.
    let early = handle.recordings().create().send().await.unwrap_err();
    assert_eq!(early.status().map(|s| s.as_u16()), Some(422), "{early}");
    emulator.clock().advance(RING_AFTER + ANSWER_AFTER).unwrap();

    let recording = handle
        .recordings()
        .create()
        .recording_channels(signalwire_compat::RecordingChannels::Dual)
        .send()
        .await
        .unwrap();
    assert_eq!(recording.status, RecordingStatus::InProgress);
    assert_eq!(recording.call_sid.as_ref(), Some(&call.sid));
    assert_eq!(recording.channel_count(), Some(2));
    let one = handle.recording(&recording.sid);
    assert_eq!(
        one.pause_with(PauseBehavior::Skip).await.unwrap().status,
        RecordingStatus::Paused
    );
    assert_eq!(
        one.resume().await.unwrap().status,
        RecordingStatus::InProgress
    );
    let of_call: Vec<_> = client
        .recordings()
        .list()
        .call_sid(&call.sid)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(of_call.len(), 1);

    let stream = handle
        .streams()
        .start("wss://transcriber.example.com/audio")
        .name("transcription")
        .bearer_token("stream-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.call_sid.as_ref(), Some(&call.sid));
    assert_eq!(stream.conference_sid, None);
    let codec = handle
        .streams()
        .start("wss://transcriber.example.com/audio")
        .codec(signalwire_compat::StreamCodec::Pcmu)
        .send()
        .await
        .unwrap_err();
    assert_eq!(codec.kind(), ErrorKind::InvalidInput, "{codec}");

    // Hanging up completes the recording and stops the stream.
    handle.hangup().await.unwrap();
    let done = client.recording(&recording.sid).fetch().await.unwrap();
    assert_eq!(done.status, RecordingStatus::Completed);
    let stopped = handle.stream(&stream.sid).stop().await.unwrap_err();
    assert_eq!(stopped.status().map(|s| s.as_u16()), Some(422), "{stopped}");
    let kept = emulator.streams(call.sid.uuid().unwrap());
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].status, StreamStatus::Stopped);
    assert_eq!(kept[0].bearer_token(), Some("stream-secret"));
}

#[tokio::test]
async fn bad_arguments_fail_before_anything_is_sent() {
    // Nothing listens here: a request that were sent would fail otherwise.
    let client = support::client("http://127.0.0.1:9");
    let calls = client.calls();
    let create = || calls.create("+15551230002", "+15551230001");
    let cases = [
        create().send().await.unwrap_err(),
        create()
            .url("https://example.com/v")
            .twiml("<Response/>")
            .send()
            .await
            .unwrap_err(),
        create()
            .url("https://example.com/v")
            .application_sid(support::CALL)
            .twiml("<Response/>")
            .send()
            .await
            .unwrap_err(),
        create()
            .application_sid("not-a-sid")
            .send()
            .await
            .unwrap_err(),
        create().url("/voice").send().await.unwrap_err(),
        create()
            .url("https://example.com/v")
            .timeout(0)
            .send()
            .await
            .unwrap_err(),
        create()
            .url("https://example.com/v")
            .machine_detection_speech_threshold(999)
            .send()
            .await
            .unwrap_err(),
        create()
            .url("https://example.com/v")
            .send_digits("12x#")
            .send()
            .await
            .unwrap_err(),
        create()
            .url("https://example.com/v")
            .send_digits("1".repeat(33))
            .send()
            .await
            .unwrap_err(),
        create()
            .url("https://example.com/v")
            .max_price_per_minute("0.00751")
            .send()
            .await
            .unwrap_err(),
        calls
            .create("", "+15551230001")
            .url("https://example.com/v")
            .send()
            .await
            .unwrap_err(),
        client
            .call(support::CALL)
            .update()
            .send()
            .await
            .unwrap_err(),
        client
            .call(support::CALL)
            .redirect("https://example.com/v")
            .twiml("<Response/>")
            .send()
            .await
            .unwrap_err(),
        client.call("not-a-sid").hangup().await.unwrap_err(),
        client
            .calls()
            .list()
            .parent_call_sid("nope")
            .send()
            .await
            .unwrap_err(),
    ];
    let shown: Vec<String> = cases
        .iter()
        .map(|e| {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
            e.to_string()
        })
        .collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn a_sip_password_is_never_in_a_debug() {
    let client = support::client("http://127.0.0.1:9");
    let create = client
        .calls()
        .create("sip:alice@example.com", "+15551230001")
        .url("https://example.com/v")
        .sip_auth_username("alice")
        .sip_auth_password("sip-secret-9f2");
    let shown = format!("{create:?}");
    assert!(!shown.contains("sip-secret-9f2"), "{shown}");
    assert!(shown.contains("alice"), "{shown}");
}

#[tokio::test]
async fn a_sip_password_is_never_in_a_dry_run_or_an_echoed_error() {
    let client = support::builder("http://127.0.0.1:9")
        .dry_run(true)
        .build()
        .unwrap();
    let stopped = client
        .calls()
        .create("sip:alice@example.com", "+15551230001")
        .url("https://example.com/v")
        .sip_auth_password("sip-secret-9f2")
        .send()
        .await
        .unwrap_err();
    let preview = stopped.dry_run().expect("a dry run");
    assert!(
        preview
            .form
            .iter()
            .any(|(k, v)| k == "SipAuthPassword" && v == "[redacted]"),
        "{preview:?}"
    );
    assert!(!format!("{stopped} {stopped:?}").contains("sip-secret-9f2"));
}

use support::send_as_demo as send;

#[tokio::test]
async fn the_emulator_refuses_what_signalwire_would() {
    let emulator = on_a_virtual_clock().await;
    let base = format!("{}/Accounts/{}", emulator.base_url(), demo::PROJECT_ID);
    let form = |path: &str, body: &str| {
        raw()
            .post(format!("{base}/{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
    };
    let ok = "To=%2B15550000002&From=%2B15550000001";
    // Repeated events, as Twilio's and SignalWire's libraries send them, are taken.
    let (status, created) = send(form(
        "Calls",
        &format!("{ok}&Url=https%3A%2F%2Fexample.com%2Fv&StatusCallback=http%3A%2F%2F127.0.0.1%3A9%2Fs&StatusCallbackEvent=initiated&StatusCallbackEvent=completed"),
    ))
    .await;
    assert_eq!(status, 200, "{created}");
    let sid = created["sid"].as_str().unwrap().to_owned();
    let cases = [
        (
            "no To",
            form("Calls", "From=%2B1&Url=https%3A%2F%2Fexample.com%2Fv"),
        ),
        ("no Url, ApplicationSid or Twiml", form("Calls", ok)),
        (
            "both Url and Twiml",
            form(
                "Calls",
                &format!("{ok}&Url=https%3A%2F%2Fexample.com%2Fv&Twiml=%3CResponse%2F%3E"),
            ),
        ),
        (
            "a Twiml that is not cXML",
            form("Calls", &format!("{ok}&Twiml=%3CSay%3Ehi")),
        ),
        (
            "a Timeout out of range",
            form(
                "Calls",
                &format!("{ok}&Url=https%3A%2F%2Fexample.com%2Fv&Timeout=601"),
            ),
        ),
        (
            "a Timeout that is not a number",
            form(
                "Calls",
                &format!("{ok}&Url=https%3A%2F%2Fexample.com%2Fv&Timeout=soon"),
            ),
        ),
        (
            "SendDigits with a letter",
            form(
                "Calls",
                &format!("{ok}&Url=https%3A%2F%2Fexample.com%2Fv&SendDigits=1a"),
            ),
        ),
        (
            "an unknown event",
            form(
                "Calls",
                &format!(
                    "{ok}&Url=https%3A%2F%2Fexample.com%2Fv&StatusCallback=http%3A%2F%2F127.0.0.1%3A9%2Fs&StatusCallbackEvent=bridged"
                ),
            ),
        ),
        (
            "a remote status callback",
            form(
                "Calls",
                &format!(
                    "{ok}&Url=https%3A%2F%2Fexample.com%2Fv&StatusCallback=https%3A%2F%2Fexample.com%2Fs"
                ),
            ),
        ),
        (
            "an unknown field",
            form(
                "Calls",
                &format!("{ok}&Url=https%3A%2F%2Fexample.com%2Fv&Colour=blue"),
            ),
        ),
        (
            "an update to Status=ringing",
            form(&format!("Calls/{sid}"), "Status=ringing"),
        ),
        (
            "an update with Url and Twiml",
            form(
                &format!("Calls/{sid}"),
                "Url=https%3A%2F%2Fexample.com%2Fv&Twiml=%3CResponse%2F%3E",
            ),
        ),
        (
            "an unknown filter",
            raw().get(format!("{base}/Calls?Colour=blue")),
        ),
        (
            "a Status filter it does not know",
            raw().get(format!("{base}/Calls?Status=bridged")),
        ),
        (
            "a StartTime that is not a day",
            raw().get(format!("{base}/Calls?StartTime%3E=yesterday")),
        ),
        (
            "an application that does not exist",
            form(
                "Calls",
                &format!("{ok}&ApplicationSid={}", uuid::Uuid::from_u128(7)),
            ),
        ),
    ];
    let mut shown = Vec::new();
    for (what, request) in cases {
        let (status, body) = send(request).await;
        assert!(matches!(status, 400 | 404), "{what}: {status} {body}");
        // A call's creation is refused with a list of errors, as SignalWire writes it.
        let error = if body["errors"].is_array() {
            assert_eq!(
                body["errors"].as_array().map(Vec::len),
                Some(1),
                "{what}: {body}"
            );
            &body["errors"][0]
        } else {
            &body
        };
        shown.push(format!(
            "{what}: {status} {} {}",
            error["code"], error["message"]
        ));
    }
    insta::assert_snapshot!(shown.join("\n"));

    // A refused update changes nothing; an empty Url is refused, not taken.
    let sid_uuid = uuid::Uuid::parse_str(&sid).unwrap();
    let before = emulator.call_cxml(sid_uuid);
    let (status, _) = send(form(
        &format!("Calls/{sid}"),
        "Url=https%3A%2F%2Fexample.com%2Fnew&Status=ringing",
    ))
    .await;
    assert_eq!(status, 400);
    let (status, _) = send(form(
        &format!("Calls/{sid}"),
        "Url=&Twiml=%3CResponse%2F%3E",
    ))
    .await;
    assert_eq!(status, 400);
    assert_eq!(emulator.call_cxml(sid_uuid), before);
    // `Laml` is `Twiml` by SignalWire's other name.
    let (status, laml) = send(form("Calls", &format!("{ok}&Laml=%3CResponse%2F%3E"))).await;
    assert_eq!(status, 200, "{laml}");
    let laml = uuid::Uuid::parse_str(laml["sid"].as_str().unwrap()).unwrap();
    assert_eq!(
        emulator.call_cxml(laml),
        Some(CallCxml::Document("<Response/>".into()))
    );
    client_hangs_up(&emulator, laml).await;

    // An empty filter is no filter; the `.json` forms are served.
    let (status, body) = send(raw().get(format!("{base}/Calls.json?To=&Status="))).await;
    assert_eq!(status, 200, "{body}");
    // The two placed here and the demo's eight participants.
    assert_eq!(body["calls"].as_array().map(Vec::len), Some(2 + 8));
    let missing = format!("{base}/Calls/{}", uuid::Uuid::from_u128(7));
    assert_eq!(send(raw().get(&missing)).await.0, 404);
    assert_eq!(send(raw().delete(&missing)).await.0, 404);
    assert_eq!(
        send(form(
            &format!("Calls/{}/Recordings", uuid::Uuid::from_u128(7)),
            ""
        ))
        .await
        .0,
        404
    );
    let response = raw()
        .put(format!("{base}/Calls"))
        .basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, POST");
}

#[tokio::test]
async fn requests_on_the_wire() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

    let server = MockServer::start().await;
    let call = json!({"sid": support::CALL, "account_sid": support::PROJECT, "status": "queued"});
    let recording =
        json!({"sid": support::OTHER_CALL, "account_sid": support::PROJECT, "status": "paused"});
    let stream = json!({"sid": support::OTHER_CALL, "status": "in-progress"});
    Mock::given(any())
        .respond_with(move |request: &wiremock::Request| {
            let path = request.url.path();
            let body = if path.contains("Recordings") {
                recording.clone()
            } else if path.contains("Streams") {
                stream.clone()
            } else {
                call.clone()
            };
            match request.method.as_str() {
                "DELETE" => ResponseTemplate::new(204),
                "GET" if path.ends_with("Calls") => ResponseTemplate::new(200)
                    .set_body_json(json!({"calls": [body], "next_page_uri": null})),
                "POST" if path.ends_with("Calls") || path.ends_with("Recordings") => {
                    ResponseTemplate::new(200).set_body_json(body)
                }
                _ => ResponseTemplate::new(200).set_body_json(body),
            }
        })
        .mount(&server)
        .await;
    let client = support::client(&server.uri());
    client
        .calls()
        .list()
        .to("+15551230002")
        .from("+15551230001")
        .status(CallStatus::Completed)
        .started_after(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
        .ended_before(chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap())
        .parent_call_sid(support::OTHER_CALL)
        .page_size(20)
        .send()
        .await
        .unwrap();
    client
        .calls()
        .create("+15551230002", "+15551230001")
        .url("https://example.com/voice")
        .method(CallbackMethod::Get)
        .status_callback("https://example.com/status")
        .status_callback_event([CallEvent::Ringing, CallEvent::Completed])
        .timeout(25)
        .machine_detection(MachineDetection::DetectMessageEnd)
        .record(true)
        .recording_status_callback_event([
            signalwire_compat::cxml::RecordingEvent::InProgress,
            signalwire_compat::cxml::RecordingEvent::Completed,
        ])
        .trim(signalwire_compat::cxml::Trim::TrimSilence)
        .send_digits("1ww2#")
        .max_price_per_minute("0.0075")
        .send()
        .await
        .unwrap();
    client
        .calls()
        .create("sip:alice@example.com", "+15551230001")
        .cxml(&VoiceResponse::new().push(Say::new("Hi & <bye>")))
        .send()
        .await
        .unwrap();
    client.call(support::CALL).fetch().await.unwrap();
    client
        .call(support::CALL)
        .redirect("https://example.com/next")
        .method(CallbackMethod::Post)
        .send()
        .await
        .unwrap();
    client.call(support::CALL).hangup().await.unwrap();
    client.call(support::CALL).cancel().await.unwrap();
    client.call(support::CALL).remove().await.unwrap();
    let call = client.call(support::CALL);
    call.recordings()
        .create()
        .recording_track(signalwire_compat::cxml::RecordingTrack::Inbound)
        .recording_status_callback("https://example.com/rec")
        .send()
        .await
        .unwrap();
    call.recording(support::OTHER_CALL)
        .pause_with(PauseBehavior::Skip)
        .await
        .unwrap();
    call.recording(support::OTHER_CALL).stop().await.unwrap();
    call.streams()
        .start("wss://example.com/audio")
        .track(signalwire_compat::Track::Inbound)
        .send()
        .await
        .unwrap();
    call.stream(support::OTHER_CALL).stop().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let shown: Vec<String> = requests.iter().map(support::wire).collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn signalwires_documented_call_reads_as_the_model() {
    let call: Call = serde_json::from_value(json!({
        "account_sid": "b3877c40-da60-4998-90ad-b792e98472af",
        "annotation": null,
        "answered_by": "machine_end_beep",
        "api_version": "2010-04-01",
        "caller_name": null,
        "date_created": "Wed, 19 Sep 2018 20:00:00 +0000",
        "date_updated": "Wed, 19 Sep 2018 21:00:00 +0000",
        "direction": "outbound-api",
        "duration": 20,
        "end_time": "Fri, 21 Sep 2018 10:00:00 +0000",
        "forwarded_from": null,
        "from": "+13103384645",
        "from_formatted": "(310) 338-4645",
        "formatted_from": "(310) 338-4645",
        "group_sid": null,
        "parent_call_sid": "b3877c40-da60-4998-90ad-b792e98472af",
        "phone_number_sid": "b3877c40-da60-4998-90ad-b792e98472pn",
        "price": 0.003,
        "price_unit": "USD",
        "sid": "b3877c40-da60-4998-90ad-b792e98472ca",
        "start_time": "Wed, 19 Sep 2018 20:00:01 +0000",
        "status": "completed",
        "subresource_uris": {
            "notifications": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Calls/b3877c40-da60-4998-90ad-b792e98472ca/Notifications.json",
            "recordings": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Calls/b3877c40-da60-4998-90ad-b792e98472ca/Recordings.json"
        },
        "to": "+13105678901",
        "to_formatted": "(310) 567-8901",
        "formatted_to": "(310) 567-8901",
        "uri": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Calls/b3877c40-da60-4998-90ad-b792e98472ca.json",
        "audio_in_mos": 4.5,
        "sip_result_code": "200",
        "audio_rtt_avg": 50,
        "audio_rtt_min": 20,
        "audio_rtt_max": 100,
        "audio_out_jitter_min": 1,
        "audio_out_jitter_max": 10,
        "audio_out_jitter_avg": 5,
        "audio_out_lost": 0,
        "a_field_added_later": true
    }))
    .unwrap();
    assert!(call.status.is_over());
    assert_eq!(
        call.parent_call_sid.as_ref().map(|s| s.as_str()),
        Some("b3877c40-da60-4998-90ad-b792e98472af")
    );
    assert_eq!(
        call.answered_by,
        Some(signalwire_compat::AnsweredBy::MachineEndBeep)
    );
    assert_eq!(call.price, Some(0.003));
    let as_text: Call = serde_json::from_value(
        json!({"sid": "x", "account_sid": "y", "status": "completed", "price": "-0.0030", "audio_in_mos": "n/a"}),
    )
    .unwrap();
    assert_eq!((as_text.price, as_text.audio_in_mos), (Some(-0.003), None));
    assert_eq!(call.audio_in_mos, Some(4.5));
    assert_eq!(call.duration, Some(20));
    let written = serde_json::to_value(&call).unwrap();
    assert_eq!(written["start_time"], "Wed, 19 Sep 2018 20:00:01 +0000");
    assert!(serde_json::from_value::<Call>(json!({"sid": "x", "account_sid": "y"})).is_err());
    let odd: Call = serde_json::from_value(
        json!({"sid": "x", "account_sid": "y", "status": "bridged", "start_time": "soon"}),
    )
    .unwrap();
    assert_eq!(odd.status.as_str(), "bridged");
    assert_eq!(odd.start_time, None);
}

#[tokio::test]
async fn what_a_hostile_server_sends_about_calls_is_redacted_escaped_and_refused() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

    const PASSWORD: &str = "sip-secret-71c3";
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|request: &wiremock::Request| {
            let path = request.url.path();
            if request.method.as_str() == "POST" {
                // An error that echoes the whole form, password and all, with escape codes.
                let echoed = String::from_utf8_lossy(&request.body).into_owned();
                return ResponseTemplate::new(400).set_body_json(json!({
                    "code": 21210,
                    "message": format!("\u{1b}[2J\u{1b}]0;owned\u{7}refused: {echoed}"),
                    "status": 400
                }));
            }
            if path.ends_with("Calls") {
                // A page whose first call has no status, whatever else it has.
                return ResponseTemplate::new(200).set_body_json(json!({
                    "calls": [{"sid": support::CALL, "account_sid": support::PROJECT, "to": "\u{1b}[31m+1"}],
                    "next_page_uri": null
                }));
            }
            ResponseTemplate::new(200).set_body_json(json!({
                "sid": support::CALL, "account_sid": support::PROJECT, "status": "in-progress",
                "to": "\u{1b}[2J+1", "price": "-0.003"
            }))
        })
        .mount(&server)
        .await;
    let client = support::client(&server.uri());
    let refused = client
        .calls()
        .create("sip:alice@example.com", "+15551230001")
        .url("https://example.com/v")
        .sip_auth_username("alice")
        .sip_auth_password(PASSWORD)
        .send()
        .await
        .unwrap_err();
    let shown = format!("{refused} {refused:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert_eq!(refused.code(), Some(21210));
    // A call without its status is a decode error, not a call in some made-up state.
    let listed = client.calls().list().send().await.unwrap_err();
    assert_eq!(listed.kind(), ErrorKind::Decode, "{listed}");
    // A price written as text, as Twilio writes it, is read; the called number keeps what
    // was sent, escaped only when shown.
    let fetched = client.call(support::CALL).fetch().await.unwrap();
    assert_eq!(fetched.price, Some(-0.003));
    assert_eq!(fetched.to.as_deref(), Some("\u{1b}[2J+1"));
    assert!(
        !signalwire_compat::Printable::new(fetched.to.as_deref().unwrap())
            .to_string()
            .contains('\u{1b}')
    );
}

#[tokio::test]
async fn a_refused_call_reads_with_its_code_from_the_list_of_errors() {
    let emulator = on_a_virtual_clock().await;
    let refused = emulator
        .client()
        .calls()
        .create("+15551230002", "+15551230001")
        .url("https://example.com/v")
        .status_callback("https://example.com/status")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(400), "{refused}");
    assert_eq!(refused.code(), Some(10000), "{refused}");
    let api = refused.api_error().expect("an API error");
    assert!(
        api.message().contains("not a loopback address"),
        "{refused}"
    );
    assert_eq!(api.errors().len(), 1);
}

async fn client_hangs_up(emulator: &Emulator, call: uuid::Uuid) {
    let ended = emulator.client().call(call).hangup().await.unwrap();
    assert!(ended.status.is_over());
}

#[tokio::test]
async fn pointing_a_calls_status_callback_elsewhere_drops_what_waited_for_the_old_one() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    // A receiver that takes connections and never answers: with 0.3 s a try and 0.4 s in
    // all, each event holds the call's queue 0.3 s.
    let silent = support::silent_receiver().await;
    let call = client
        .calls()
        .create("+15551230002", "+15551230001")
        .twiml("<Response><Pause length=\"60\"/></Response>")
        .status_callback(format!("http://{silent}/status#rt=300&tt=400"))
        .status_callback_event([
            CallEvent::Initiated,
            CallEvent::Ringing,
            CallEvent::Answered,
            CallEvent::Completed,
        ])
        .send()
        .await
        .unwrap();
    // Ringing and answered wait behind initiated, which is being tried.
    emulator.clock().advance(RING_AFTER + ANSWER_AFTER).unwrap();
    let (url, mut events) = receiver().await;
    let sid = call.sid.to_string();
    let form = format!(
        "StatusCallback={}",
        url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
    );
    let updated = support::raw()
        .post(format!(
            "{}/Accounts/{}/Calls/{sid}.json",
            emulator.base_url(),
            emulator.project_id()
        ))
        .basic_auth(emulator.project_id(), Some(emulator.api_token()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    // The call's end goes to the new receiver at once, not after the old one's queue.
    let started = std::time::Instant::now();
    client.call(sid.as_str()).hangup().await.unwrap();
    let completed = next_event(&emulator, &url, &mut events).await;
    assert_eq!(completed.call_status, CallStatus::Completed);
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let not_sent = emulator
        .callbacks()
        .iter()
        .filter(|a| {
            a.error.as_deref()
                == Some(
                    "not sent: the call's status callback was pointed elsewhere before it went out",
                )
        })
        .count();
    assert_eq!(not_sent, 2, "{:#?}", emulator.callbacks());
}
