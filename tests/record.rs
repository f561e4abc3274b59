//! `<Record>` in the emulator: the called party is recorded after the beep until a key,
//! silence, the longest length, a hang-up or a redirect; the recording is in the REST API,
//! its status callback hears it, and the verb's action is asked with it.

#![cfg(feature = "emulator")]

mod support;

use std::time::Duration;

use serde_json::json;
use signalwire_compat::{CallStatus, RecordingStatus, emulator::Emulator};
use support::voice::{
    Asked, answered, asked_for, assert_signed, call_log, control, emulator, hang_up, pages_app,
    until, value, verb,
};

async fn app() -> (String, Asked) {
    pages_app(|_| {
        vec![
            (
                "/voicemail",
                r##"<Response><Say>Leave a message</Say><Record action="/recorded" finishOnKey="#" recordingStatusCallback="/recording" recordingStatusCallbackEvent="in-progress completed absent"/><Say>never</Say></Response>"##.to_owned(),
            ),
            (
                "/silent",
                r#"<Response><Record action="/recorded" timeout="3" playBeep="false" recordingStatusCallback="/recording" recordingStatusCallbackEvent="absent"/></Response>"#.to_owned(),
            ),
            (
                "/untrimmed",
                r#"<Response><Record action="/recorded" timeout="3" playBeep="false" trim="do-not-trim"/></Response>"#.to_owned(),
            ),
            (
                "/short",
                r#"<Response><Record action="/recorded" maxLength="4" timeout="0" playBeep="false"/></Response>"#.to_owned(),
            ),
            (
                "/again",
                r#"<Response><Record timeout="2" playBeep="false" recordingStatusCallback="http://example.com/recording"/></Response>"#.to_owned(),
            ),
            ("/recorded", "<Response><Say>Thanks</Say><Hangup/></Response>".to_owned()),
            ("/recording", String::new()),
        ]
    })
    .await
}

/// Waits until the call's `<Record>` has begun (before its beep, if it has one).
async fn recording(emulator: &Emulator, call: &str) {
    until(emulator, call, "the Record", verb("Record")).await;
}

/// Waits until the call's `<Record>` is recording.
async fn recording_started(emulator: &Emulator, call: &str) {
    until(emulator, call, "the recording", |e| {
        e["event"] == "recording" && e["status"] == "in-progress"
    })
    .await;
}

async fn say(emulator: &Emulator, call: &str, text: &str) {
    let path = format!("/calls/{call}/speech");
    let (status, body) = control(emulator, "POST", &path, json!({ "text": text })).await;
    assert_eq!(status, 204, "{body}");
}

async fn press(emulator: &Emulator, call: &str, digits: &str) {
    let path = format!("/calls/{call}/digits");
    let (status, body) = control(emulator, "POST", &path, json!({ "digits": digits })).await;
    assert_eq!(status, 204, "{body}");
}

fn advance(emulator: &Emulator, ms: u64) {
    emulator.clock().advance(Duration::from_millis(ms)).unwrap();
}

/// Calls the voicemail and lets its prompt and beep play: the recording has begun (its
/// callback heard so), and the call's SID.
async fn voicemail(emulator: &Emulator, app: &str, asked: &Asked) -> String {
    let call = answered(emulator, app, "/voicemail", "+15550000001").await;
    until(emulator, &call, "the prompt", verb("Say")).await;
    // The prompt (3 words, 1.2 s), then the beep (0.5 s): the recording begins.
    advance(emulator, 1_200);
    recording(emulator, &call).await;
    advance(emulator, 500);
    let started = asked_for(asked, "/recording", 1).await;
    assert_eq!(value(&started[0], "RecordingStatus"), Some("in-progress"));
    call
}

#[tokio::test]
async fn a_voicemail_is_recorded_until_its_key_and_the_action_and_callback_hear_of_it() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let call = voicemail(&emulator, &app, &asked).await;

    // Five words take 2 s; what is recorded is what was said, not the silence around it.
    advance(&emulator, 1_000);
    say(&emulator, &call, "this is my message thanks").await;
    advance(&emulator, 3_000);
    press(&emulator, &call, "#").await;

    let action = asked_for(&asked, "/recorded", 1).await;
    let form = &action[0];
    let sid = value(form, "RecordingSid").unwrap().to_owned();
    assert_eq!(value(form, "CallSid"), Some(call.as_str()));
    assert_eq!(value(form, "RecordingDuration"), Some("2"));
    assert_eq!(value(form, "Digits"), Some("#"));
    assert_eq!(
        value(form, "RecordingUrl").map(str::to_owned),
        Some(format!(
            "http://{}/api/laml/2010-04-01/Accounts/{}/Recordings/{sid}",
            emulator.addr(),
            emulator.project_id()
        ))
    );
    assert_eq!(value(form, "CallStatus"), Some("in-progress"));

    // The status callback heard it begin and end, signed, with SignalWire's parameters.
    let events = asked_for(&asked, "/recording", 2).await;
    let completed = &events[1];
    let mut keys: Vec<&str> = completed.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "AccountSid",
            "CallSid",
            "RecordingChannels",
            "RecordingDuration",
            "RecordingSid",
            "RecordingSource",
            "RecordingStatus",
            "RecordingUrl"
        ]
    );
    assert_eq!(value(completed, "RecordingStatus"), Some("completed"));
    assert_eq!(value(completed, "RecordingDuration"), Some("2"));
    assert_eq!(value(completed, "RecordingSource"), Some("RecordVerb"));
    assert_eq!(value(completed, "RecordingSid"), Some(sid.as_str()));
    assert_signed(&emulator, &app, &asked.lock().unwrap());

    // The REST API has the recording, the call's and the account's.
    let fetched = emulator
        .client()
        .recording(sid.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(fetched.status, RecordingStatus::Completed);
    assert_eq!(fetched.duration, Some(2));
    assert_eq!(fetched.call_sid.map(|s| s.to_string()), Some(call.clone()));
    assert_eq!(fetched.trim.as_deref(), Some("trim-silence"));
    let of_call = emulator
        .client()
        .recordings()
        .list()
        .call_sid(call.as_str())
        .send()
        .await
        .unwrap()
        .items;
    assert_eq!(of_call.len(), 1);

    // The verb after <Record> is never run: the action's document is.
    until(&emulator, &call, "the thanks", |e| {
        verb("Say")(e) && e["text"] == "Thanks"
    })
    .await;
    assert!(
        call_log(&emulator, &call)
            .await
            .iter()
            .all(|e| e["text"] != "never")
    );
}

#[tokio::test]
async fn silence_the_longest_length_and_trim_decide_what_is_kept() {
    let emulator = emulator().await;
    let (app, asked) = app().await;

    // Nothing said, silence cut: the recording is absent after 3 s of silence.
    let silent = answered(&emulator, &app, "/silent", "+15550000001").await;
    recording_started(&emulator, &silent).await;
    advance(&emulator, 3_000);
    let action = asked_for(&asked, "/recorded", 1).await;
    assert_eq!(value(&action[0], "RecordingDuration"), Some("0"));
    assert_eq!(value(&action[0], "Digits"), Some(""));
    let events = asked_for(&asked, "/recording", 1).await;
    assert_eq!(value(&events[0], "RecordingStatus"), Some("absent"));
    let sid = value(&action[0], "RecordingSid").unwrap();
    let absent = emulator.client().recording(sid).fetch().await.unwrap();
    assert_eq!(absent.status, RecordingStatus::Absent);

    // Silence kept: the 3 s are the recording.
    let untrimmed = answered(&emulator, &app, "/untrimmed", "+15550000002").await;
    recording_started(&emulator, &untrimmed).await;
    advance(&emulator, 3_000);
    let action = asked_for(&asked, "/recorded", 2).await;
    assert_eq!(value(&action[1], "CallSid"), Some(untrimmed.as_str()));
    assert_eq!(value(&action[1], "RecordingDuration"), Some("3"));

    // No silence timeout: the caller talks on and maxLength (4 s) ends it; a key not in
    // finishOnKey does not... here every key does, so none is pressed.
    let short = answered(&emulator, &app, "/short", "+15550000003").await;
    recording_started(&emulator, &short).await;
    say(
        &emulator,
        &short,
        "one two three four five six seven eight nine ten eleven",
    )
    .await;
    advance(&emulator, 6_000);
    let action = asked_for(&asked, "/recorded", 3).await;
    assert_eq!(value(&action[2], "CallSid"), Some(short.as_str()));
    assert_eq!(value(&action[2], "RecordingDuration"), Some("4"));
}

#[tokio::test]
async fn hanging_up_keeps_the_recording_and_tells_the_action_whose_document_is_not_run() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let call = voicemail(&emulator, &app, &asked).await;
    say(&emulator, &call, "call me back").await;
    advance(&emulator, 2_000);
    hang_up(&emulator, &call).await;

    let action = asked_for(&asked, "/recorded", 1).await;
    assert_eq!(value(&action[0], "CallStatus"), Some("completed"));
    assert_eq!(value(&action[0], "RecordingDuration"), Some("2"));
    let sid = value(&action[0], "RecordingSid").unwrap();
    let kept = emulator.client().recording(sid).fetch().await.unwrap();
    assert_eq!(kept.status, RecordingStatus::Completed);
    assert_eq!(kept.duration, Some(2));
    let fetched = emulator.client().call(call.as_str()).fetch().await.unwrap();
    assert_eq!(fetched.status, CallStatus::Completed);
    tokio::time::sleep(Duration::from_millis(50)).await;
    advance(&emulator, 2_000);
    assert!(
        call_log(&emulator, &call)
            .await
            .iter()
            .all(|e| e["text"] != "Thanks"),
        "the action's document ran after the hang-up"
    );
}

#[tokio::test]
async fn without_an_action_the_document_is_asked_again_with_the_recording() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let call = answered(&emulator, &app, "/again", "+15550000001").await;
    recording_started(&emulator, &call).await;
    // A callback off this machine is not called: the log says so, and the Record goes on.
    let entries = call_log(&emulator, &call).await;
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "skipped" && e["recordingStatusCallback"].is_string()),
        "{entries:#?}"
    );
    advance(&emulator, 2_000);
    let again = asked_for(&asked, "/again", 2).await;
    assert_eq!(value(&again[0], "RecordingSid"), None);
    assert!(value(&again[1], "RecordingSid").is_some());
    assert_eq!(value(&again[1], "RecordingDuration"), Some("0"));
}
