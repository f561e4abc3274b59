//! Recordings and streams: the requests on the wire, the documented example, the
//! `{"errors": [...]}` shape, and every transition and refusal against the emulator.

#![cfg(feature = "emulator")]

mod support;

use chrono::NaiveDate;
use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{
    CallbackMethod, ErrorKind, PauseBehavior, RecordingStatus, StreamCodec, StreamStatus, Track,
    emulator::{Emulator, demo},
};
use support::{CONFERENCE, client, wire};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

const RECORDING: &str = "19e436af-5688-4307-b03b-bdb2b42b8142";
const STREAM: &str = "5e000000-0000-4000-8000-000000000001";
const BEARER: &str = "wire-test-bearer";

/// SignalWire's documented example of a conference recording, as their reference shows it.
fn documented_recording() -> serde_json::Value {
    json!({
        "sid": RECORDING,
        "account_sid": "720796a0-8ee9-4350-83bd-2d07a3121f1e",
        "api_version": "2010-04-01",
        "call_sid": null,
        "conference_sid": "43bb71ee-553f-4074-bb20-8e2747647cce",
        "channel": "1",
        "channels": "1",
        "date_created": "Wed, 26 Sep 2018 23:00:00 +0000",
        "date_updated": "Wed, 26 Sep 2018 23:00:04 +0000",
        "start_time": "Wed, 26 Sep 2018 23:00:00 +0000",
        "end_time": "Wed, 26 Sep 2018 23:00:04 +0000",
        "duration": 4,
        "price": "-0.0025",
        "price_unit": "USD",
        "source": "StartConferenceRecording",
        "status": "completed",
        "error_code": null,
        "uri": "/api/laml/2010-04-01/Accounts/720796a0-8ee9-4350-83bd-2d07a3121f1e/Conferences/43bb71ee-553f-4074-bb20-8e2747647cce/Recordings/19e436af-5688-4307-b03b-bdb2b42b8142.json",
        "subresource_uris": {"transcriptions": "/api/laml/2010-04-01/Accounts/720796a0-8ee9-4350-83bd-2d07a3121f1e/Recordings/19e436af-5688-4307-b03b-bdb2b42b8142/Transcriptions.json"},
        "encryption_details": null,
        "trim": "do-not-trim"
    })
}

#[tokio::test]
async fn the_documented_example_parses_as_written() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_recording()))
        .mount(&server)
        .await;
    let r = client(&server.uri())
        .conference(CONFERENCE)
        .recording(RECORDING)
        .fetch()
        .await
        .unwrap();
    assert_eq!(r.status, RecordingStatus::Completed);
    assert_eq!((r.duration, r.price.as_deref()), (Some(4), Some("-0.0025")));
    insta::assert_debug_snapshot!("documented_recording", r);
}

#[tokio::test]
async fn every_recording_and_stream_request_on_the_wire() {
    let server = MockServer::start().await;
    let stream = json!({"sid": STREAM, "status": "in-progress", "name": "t"});
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex("/Recordings$"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"recordings": [documented_recording()]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::path_regex("/Streams"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&stream))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_recording()))
        .mount(&server)
        .await;
    let conference = client(&server.uri()).conference(CONFERENCE);
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    conference
        .recordings()
        .list()
        .created_after(day(1))
        .created_before(day(30))
        .page_size(10)
        .send()
        .await
        .unwrap();
    let recording = conference.recording(RECORDING);
    recording.fetch().await.unwrap();
    recording.pause().await.unwrap();
    recording.pause_with(PauseBehavior::Skip).await.unwrap();
    recording.resume().await.unwrap();
    recording.stop().await.unwrap();
    recording.remove().await.unwrap();
    let started = conference
        .streams()
        .start("wss://transcriber.example/audio")
        .name("t")
        .track(Track::Inbound)
        .codec(StreamCodec::L16At16k)
        .real_time(true)
        .status_callback("https://example.com/stream-status", CallbackMethod::Get)
        .bearer_token(BEARER)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status, StreamStatus::InProgress);
    conference.stream(STREAM).stop().await.unwrap();
    // The account's recordings: every owner's, and one by its SID alone.
    let account = client(&server.uri());
    account
        .recordings()
        .list()
        .conference_sid(CONFERENCE)
        .call_sid("b3877c40-da60-4998-90ad-b792e98472ca")
        .created_on(day(25))
        .send()
        .await
        .unwrap();
    account.recording(RECORDING).fetch().await.unwrap();
    account.recording(RECORDING).remove().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let text: Vec<String> = requests.iter().map(wire).collect();
    let text = text.join("\n");
    assert!(text.contains(BEARER), "the bearer token is sent");
    insta::assert_snapshot!(
        "recording_and_stream_requests_on_the_wire",
        text.replace(BEARER, "[bearer token]")
    );
}

#[tokio::test]
async fn bad_arguments_fail_before_anything_is_sent() {
    let server = MockServer::start().await;
    let conference = client(&server.uri()).conference(CONFERENCE);
    for url in [
        "ws://transcriber.example/a",
        "https://transcriber.example/a",
        "/relative",
    ] {
        let e = conference.streams().start(url).send().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{url}");
    }
    let e = conference
        .streams()
        .start("wss://x.example/a")
        .status_callback("/status", CallbackMethod::Post)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("status callback URL"));
    assert_eq!(
        conference
            .recording("not-a-sid")
            .stop()
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_errors_list_is_kept_whole_and_shown_escaped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "errors": ["Recording is stopped\u{1b}[2J", "It cannot be resumed", "x".repeat(3000)]
        })))
        .mount(&server)
        .await;
    let e = client(&server.uri())
        .conference(CONFERENCE)
        .recording(RECORDING)
        .resume()
        .await
        .unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!(api.errors().len(), 3);
    assert_eq!(api.message(), "Recording is stopped\u{1b}[2J");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(422));
    let shown = e.to_string();
    assert!(shown.starts_with(
        "SignalWire answered 422 Unprocessable Entity: Recording is stopped\\u{1b}[2J; It cannot be resumed; xxx"
    ));
    assert!(shown.contains("more characters]"), "{shown}");
    assert!(!shown.chars().any(char::is_control));
}

#[tokio::test]
async fn a_recording_pauses_and_resumes_at_will_and_stops_for_good() {
    let emulator = Emulator::start().await.unwrap();
    let conference = emulator.client().conference(demo::CONFERENCE_SID);
    let recording = conference.recording(demo::RECORDING_SID);

    let started = recording.fetch().await.unwrap();
    assert_eq!(started.status, RecordingStatus::InProgress);
    assert_eq!(started.end_time, None);
    let paused = recording.pause_with(PauseBehavior::Skip).await.unwrap();
    assert_eq!(paused.status, RecordingStatus::Paused);
    assert_eq!(
        recording.pause().await.unwrap().status,
        RecordingStatus::Paused,
        "again: harmless"
    );
    assert_eq!(
        recording.resume().await.unwrap().status,
        RecordingStatus::InProgress
    );
    assert_eq!(
        recording.resume().await.unwrap().status,
        RecordingStatus::InProgress,
        "again: harmless"
    );
    let stopped = recording.stop().await.unwrap();
    assert_eq!(stopped.status, RecordingStatus::Stopped);
    assert!(stopped.end_time.is_some());
    assert!(
        stopped.duration.is_some_and(|d| d > 0),
        "{:?}",
        stopped.duration
    );

    // A stopped recording cannot be resumed, paused or stopped again: 422, errors shape.
    for e in [
        recording.resume().await.unwrap_err(),
        recording.pause().await.unwrap_err(),
        recording.stop().await.unwrap_err(),
    ] {
        assert_eq!(e.status().map(|s| s.as_u16()), Some(422), "{e}");
        let api = e.api_error().unwrap();
        assert_eq!(api.errors().len(), 1);
        assert!(
            api.message()
                .contains("can no longer be paused, resumed or stopped"),
            "{e}"
        );
    }

    // Deleting: only what is over; then it is gone.
    let active = conference.recording(demo::RECORDING_SID);
    active.remove().await.unwrap();
    assert!(active.fetch().await.unwrap_err().is_not_found());
    let paused = emulator
        .client()
        .conference(demo::SMALL_CONFERENCE_SID)
        .recording(demo::PAUSED_RECORDING_SID);
    let e = paused.remove().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(422));
    assert!(e.to_string().contains("stop it before deleting it"), "{e}");
    assert_eq!(
        paused.resume().await.unwrap().status,
        RecordingStatus::InProgress
    );
}

#[tokio::test]
async fn recordings_are_listed_and_filtered_by_day() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }
    let listed =
        |conference,
         list: fn(signalwire_compat::ListRecordings) -> signalwire_compat::ListRecordings| {
            let list = list(client.conference(conference).recordings().list());
            async move {
                let all: Vec<_> = list.stream().try_collect().await.unwrap();
                all.into_iter()
                    .map(|r| r.status.to_string())
                    .collect::<Vec<_>>()
            }
        };
    assert_eq!(listed(demo::CONFERENCE_SID, |l| l).await, ["in-progress"]);
    assert_eq!(
        listed(demo::ENDED_CONFERENCE_SID, |l| l).await,
        ["completed"]
    );
    assert_eq!(
        listed(demo::SMALL_CONFERENCE_SID, |l| l.created_on(day(25))).await,
        ["paused"]
    );
    assert!(
        listed(demo::SMALL_CONFERENCE_SID, |l| l.created_after(day(25)))
            .await
            .is_empty()
    );
    assert!(
        listed(demo::SMALL_CONFERENCE_SID, |l| l.created_before(day(25)))
            .await
            .is_empty()
    );
    assert!(
        listed(demo::WAITING_CONFERENCE_SID, |l| l).await.is_empty(),
        "a conference with no recordings lists none"
    );
}

#[tokio::test]
async fn the_account_lists_every_recording_and_reaches_one_by_its_sid_alone() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let listed = |list: signalwire_compat::ListAccountRecordings| async move {
        let all: Vec<_> = list.stream().try_collect().await.unwrap();
        all.into_iter()
            .map(|r| (r.sid.to_string(), r.status.to_string()))
            .collect::<Vec<_>>()
    };
    let sid = |s: uuid::Uuid| s.to_string();
    let everything = vec![
        (sid(demo::ENDED_RECORDING_SID), "completed".to_owned()),
        (sid(demo::RECORDING_SID), "in-progress".to_owned()),
        (sid(demo::PAUSED_RECORDING_SID), "paused".to_owned()),
    ];
    assert_eq!(listed(client.recordings().list()).await, everything);
    assert_eq!(
        listed(client.recordings().list().page_size(1)).await,
        everything,
        "one a page, followed to the end"
    );
    assert_eq!(
        listed(
            client
                .recordings()
                .list()
                .conference_sid(demo::SMALL_CONFERENCE_SID)
        )
        .await,
        everything[2..]
    );
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    assert_eq!(
        listed(client.recordings().list().created_on(day(24))).await,
        everything[..1]
    );
    assert!(
        listed(client.recordings().list().call_sid(demo::CALL_SIDS[0]))
            .await
            .is_empty(),
        "a conference's recordings belong to no call"
    );

    let paused = client
        .recording(demo::PAUSED_RECORDING_SID)
        .fetch()
        .await
        .unwrap();
    assert_eq!(paused.status, RecordingStatus::Paused);
    assert_eq!(
        paused.conference_sid.as_ref().map(ToString::to_string),
        Some(sid(demo::SMALL_CONFERENCE_SID))
    );
    let active = client
        .recording(demo::RECORDING_SID)
        .remove()
        .await
        .unwrap_err();
    assert_eq!(active.status().map(|s| s.as_u16()), Some(422), "{active}");
    client
        .recording(demo::ENDED_RECORDING_SID)
        .remove()
        .await
        .unwrap();
    let gone = client
        .recording(demo::ENDED_RECORDING_SID)
        .fetch()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert!(
        client
            .conference(demo::ENDED_CONFERENCE_SID)
            .recordings()
            .list()
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .is_empty(),
        "deleted by its SID alone, it is gone from its conference too"
    );
    let bad = client
        .recordings()
        .list()
        .call_sid("not-a-call")
        .send()
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    assert!(bad.to_string().contains("CallSid"), "{bad}");
}

#[tokio::test]
async fn streams_start_stop_and_are_refused_as_documented() {
    let emulator = Emulator::start().await.unwrap();
    let conference = emulator.client().conference(demo::CONFERENCE_SID);
    let started = conference
        .streams()
        .start("wss://transcriber.example/audio")
        .name("transcription")
        .track(Track::Both)
        .bearer_token(BEARER)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status, StreamStatus::InProgress);
    assert_eq!(started.name.as_deref(), Some("transcription"));
    let kept = emulator.streams(demo::CONFERENCE_SID);
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].bearer_token(),
        Some(BEARER),
        "the token reached the server"
    );
    assert!(
        !format!("{kept:?}").contains(BEARER),
        "and is not in its Debug"
    );

    // The name is taken while the stream runs.
    let e = conference
        .streams()
        .start("wss://other.example/audio")
        .name("transcription")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(e.api_error().unwrap().errors().len(), 1);

    let stream = conference.stream(&started.sid);
    assert_eq!(stream.stop().await.unwrap().status, StreamStatus::Stopped);
    let again = stream.stop().await.unwrap_err();
    assert_eq!(again.status().map(|s| s.as_u16()), Some(422), "{again}");
    // Stopped, its name is free again; a loopback ws:// URL is taken, for tests.
    conference
        .streams()
        .start("ws://127.0.0.1:9/audio")
        .name("transcription")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn ending_a_conference_completes_its_recordings_and_stops_its_streams() {
    let emulator = Emulator::start().await.unwrap();
    let conference = emulator.client().conference(demo::CONFERENCE_SID);
    let stream = conference
        .streams()
        .start("wss://transcriber.example/audio")
        .send()
        .await
        .unwrap();
    conference.end().await.unwrap();
    let r = conference
        .recording(demo::RECORDING_SID)
        .fetch()
        .await
        .unwrap();
    assert_eq!(r.status, RecordingStatus::Completed);
    assert!(r.end_time.is_some());
    assert_eq!(
        emulator.streams(demo::CONFERENCE_SID)[0].status,
        StreamStatus::Stopped
    );
    assert_eq!(
        conference
            .stream(&stream.sid)
            .stop()
            .await
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(422)
    );
    let e = conference
        .streams()
        .start("wss://transcriber.example/audio")
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is completed"), "{e}");
}
