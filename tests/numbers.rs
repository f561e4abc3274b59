//! What a called number does: a rule per number or by default, from the seed or set with
//! `/__emulator/numbers/{number}/behavior`, followed on the emulator's clock.

#![cfg(feature = "emulator")]

mod support;

use support::voice::{control_raw as control, emulator};

use std::time::Duration;

use serde_json::json;
use signalwire_compat::{
    AnsweredBy, CallDirection, CallStatus, MachineDetection,
    emulator::{Answer, Clock, Emulator, NumberBehavior, SeedNumber, demo},
};

/// Places a call to `to` (with `timeout` seconds of ringing, and AMD when `detect`), moves
/// the clock `seconds` a second at a time, and reads the call back.
async fn call_and_wait(
    emulator: &Emulator,
    to: &str,
    timeout: u32,
    detect: bool,
    seconds: u64,
) -> signalwire_compat::Call {
    let client = emulator.client();
    let mut create = client
        .calls()
        .create(to, "+15551230001")
        .url("https://example.com/voice")
        .timeout(timeout);
    if detect {
        create = create.machine_detection(MachineDetection::Enable);
    }
    let call = create.send().await.unwrap();
    for _ in 0..seconds {
        emulator.clock().advance(Duration::from_secs(1)).unwrap();
    }
    client.call(&call.sid).fetch().await.unwrap()
}

#[tokio::test]
async fn a_called_number_answers_is_busy_rings_out_or_fails_as_its_rule_says() {
    let emulator = emulator().await;
    for (number, behavior) in [
        ("+15550000001", json!({"answer": "busy", "after_ms": 3000})),
        ("+15550000002", json!({"answer": "no-answer"})),
        ("+15550000003", json!({"answer": "fail"})),
        (
            "+15550000004",
            json!({"answer": "machine", "after_ms": 4000}),
        ),
        (
            "+15550000005",
            json!({"answer": "human", "after_ms": 20000}),
        ),
    ] {
        let path = format!("/numbers/{}/behavior", number.replace('+', "%2B"));
        let (status, body) = control(&emulator, "PUT", &path, Some(&behavior.to_string())).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["number"], number);
        assert_eq!(body["own"], true);
    }

    let busy = call_and_wait(&emulator, "+15550000001", 30, false, 10).await;
    assert_eq!(busy.status, CallStatus::Busy);
    assert_eq!(busy.start_time, None);

    // No answer: it rings for its Timeout, then ends no-answer; not a second before.
    let ringing = call_and_wait(&emulator, "+15550000002", 10, false, 5).await;
    assert_eq!(ringing.status, CallStatus::Ringing);
    let client = emulator.client();
    for _ in 0..10 {
        emulator.clock().advance(Duration::from_secs(1)).unwrap();
    }
    let unanswered = client.call(&ringing.sid).fetch().await.unwrap();
    assert_eq!(unanswered.status, CallStatus::NoAnswer);

    let failed = call_and_wait(&emulator, "+15550000003", 30, false, 10).await;
    assert_eq!(failed.status, CallStatus::Failed);

    // A machine answers; AnsweredBy says so only when detection was asked for.
    let detected = call_and_wait(&emulator, "+15550000004", 30, true, 10).await;
    assert_eq!(detected.status, CallStatus::InProgress);
    assert_eq!(detected.answered_by, Some(AnsweredBy::MachineStart));
    let plain = call_and_wait(&emulator, "+15550000004", 30, false, 10).await;
    assert_eq!(plain.status, CallStatus::InProgress);
    assert_eq!(plain.answered_by, None);
    assert_eq!(plain.direction, Some(CallDirection::OutboundApi));

    // A person who takes 20 s to answer a call that rings for 15 s never does.
    let slow = call_and_wait(&emulator, "+15550000005", 15, false, 25).await;
    assert_eq!(slow.status, CallStatus::NoAnswer);
    let patient = call_and_wait(&emulator, "+15550000005", 30, true, 25).await;
    assert_eq!(patient.status, CallStatus::InProgress);
    assert_eq!(patient.answered_by, Some(AnsweredBy::Human));
}

#[tokio::test]
async fn a_rule_is_read_replaced_and_removed_and_the_default_applies_to_the_rest() {
    let emulator = emulator().await;
    let (status, body) = control(&emulator, "GET", "/numbers/%2B15550000009/behavior", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["own"], false);
    assert_eq!(body["behavior"]["answer"], "human");

    let (status, body) = control(
        &emulator,
        "PUT",
        "/numbers/default/behavior",
        Some(r#"{"answer": "busy"}"#),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let busy = call_and_wait(&emulator, "+15550000009", 30, false, 10).await;
    assert_eq!(busy.status, CallStatus::Busy);

    let (status, _) = control(
        &emulator,
        "PUT",
        "/numbers/%2B15550000009/behavior",
        Some(r#"{"answer": "human", "after_ms": 1000}"#),
    )
    .await;
    assert_eq!(status, 200);
    let answered = call_and_wait(&emulator, "+15550000009", 30, false, 5).await;
    assert_eq!(answered.status, CallStatus::InProgress);

    // Removing a rule answers the one now in force: the default's.
    let (status, body) = control(
        &emulator,
        "DELETE",
        "/numbers/%2B15550000009/behavior",
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["own"], false);
    assert_eq!(body["behavior"]["answer"], "busy");
    let (_, body) = control(&emulator, "GET", "/numbers/%2B15550000009/behavior", None).await;
    assert_eq!(body["own"], false);
    assert_eq!(body["behavior"]["answer"], "busy");
    let still_busy = call_and_wait(&emulator, "+15550000009", 30, false, 10).await;
    assert_eq!(still_busy.status, CallStatus::Busy);
}

#[tokio::test]
async fn a_bad_rule_is_refused_and_changes_nothing() {
    let emulator = emulator().await;
    for (path, body) in [
        ("/numbers/%2B1555/behavior", r#"{"answer": "maybe"}"#),
        (
            "/numbers/%2B1555/behavior",
            r#"{"answer": "human", "after_ms": 600001}"#,
        ),
        (
            "/numbers/%2B1555/behavior",
            r#"{"answer": "human", "ring": 1}"#,
        ),
        ("/numbers/%2B1555/behavior", "not json"),
        ("/numbers/%20/behavior", r#"{"answer": "busy"}"#),
        ("/numbers/%2B1%0A555/behavior", r#"{"answer": "busy"}"#),
    ] {
        let (status, answer) = control(&emulator, "PUT", path, Some(body)).await;
        assert_eq!(status, 400, "{path} {body}: {answer}");
        assert!(
            answer.to_string().chars().all(|c| !c.is_control()),
            "{answer}"
        );
    }
    let (_, body) = control(&emulator, "GET", "/numbers/%2B1555/behavior", None).await;
    assert_eq!(body["own"], false);
    assert_eq!(body["behavior"]["answer"], "human");
}

#[tokio::test]
async fn a_seeded_rule_is_followed() {
    let mut seed = demo::seed();
    seed.projects[0].numbers.push(SeedNumber::called(
        "+15550000007",
        NumberBehavior::new(Answer::Busy).after_ms(500),
    ));
    let emulator = Emulator::builder()
        .clock(Clock::starting_at("2026-12-01T09:00:00Z".parse().unwrap()))
        .seed(seed)
        .start()
        .await
        .unwrap();
    let busy = call_and_wait(&emulator, "+15550000007", 30, false, 3).await;
    assert_eq!(busy.status, CallStatus::Busy);
}
