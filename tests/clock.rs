//! The emulator's clock: every date it writes comes from it, and a virtual one moves only when
//! advanced, from Rust or over HTTP.

#![cfg(feature = "emulator")]

mod support;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use signalwire_compat::emulator::{Clock, Emulator, demo};
use support::raw;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn clock_request(emulator: &Emulator, body: Option<Value>) -> (u16, Value) {
    let url = format!("http://{}/__emulator/clock", emulator.addr());
    let request = match body {
        None => raw().get(url),
        Some(body) => raw().post(url).json(&body),
    };
    let response = request
        .basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn dates_follow_a_virtual_clock_moved_over_http() {
    // The demo's recording started at 10:06 on 25 November.
    let clock = Clock::starting_at(at("2026-11-25T10:16:00Z"));
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    assert_eq!(
        clock_request(&emulator, None).await,
        (
            200,
            json!({"now": "2026-11-25T10:16:00.000Z", "virtual": true})
        )
    );
    assert_eq!(
        clock_request(&emulator, Some(json!({"advance_ms": 300_500}))).await,
        (
            200,
            json!({"now": "2026-11-25T10:21:00.500Z", "virtual": true})
        )
    );
    assert_eq!(emulator.clock().now(), at("2026-11-25T10:21:00.500Z"));

    let client = emulator.client();
    let conference = client.conference(demo::CONFERENCE_SID);
    let stopped = conference
        .recording(demo::RECORDING_SID)
        .stop()
        .await
        .unwrap();
    assert_eq!(stopped.duration, Some(900));
    assert_eq!(
        stopped.end_time.unwrap().to_utc(),
        at("2026-11-25T10:21:00Z")
    );

    // Moved from Rust, the same clock dates the next change.
    clock.advance(Duration::from_secs(60)).unwrap();
    let muted = conference
        .participant(demo::CALL_SIDS[0])
        .update()
        .muted(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        muted.date_updated.unwrap().to_utc(),
        at("2026-11-25T10:22:00Z")
    );
}

#[tokio::test]
async fn a_real_clock_cannot_be_moved_and_bad_steps_are_refused() {
    let emulator = Emulator::start().await.unwrap();
    let (status, body) = clock_request(&emulator, None).await;
    assert_eq!((status, &body["virtual"]), (200, &json!(false)));
    let told: DateTime<Utc> = body["now"].as_str().unwrap().parse().unwrap();
    assert!((Utc::now() - told).num_seconds().abs() < 60);

    let (status, body) = clock_request(&emulator, Some(json!({"advance_ms": 1000}))).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("real time"),
        "{body}"
    );

    let virtual_one = Emulator::builder()
        .clock(Clock::starting_at(at("2026-01-01T00:00:00Z")))
        .start()
        .await
        .unwrap();
    for bad in [
        json!({"advance_ms": -5}),
        json!({"advance_ms": "10"}),
        json!({"advance_ms": 10, "and": 1}),
        json!({}),
        json!({"advance_ms": u64::MAX}),
    ] {
        let (status, body) = clock_request(&virtual_one, Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    assert_eq!(virtual_one.clock().now(), at("2026-01-01T00:00:00Z"));
}

#[tokio::test]
async fn a_callbacks_timestamp_is_the_clocks() {
    use signalwire_compat::webhooks::ConferenceEvent;

    let received = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&received)
        .await;
    let emulator = Emulator::builder()
        .clock(Clock::starting_at(at("2026-11-25T12:00:00Z")))
        .start()
        .await
        .unwrap();
    let set = raw()
        .put(format!(
            "http://{}/__emulator/conferences/{}/status-callback",
            emulator.addr(),
            demo::CONFERENCE_SID
        ))
        .basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
        .json(&json!({"url": format!("{}/events", received.uri())}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    emulator.clock().advance(Duration::from_secs(42)).unwrap();
    emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .update()
        .muted(true)
        .send()
        .await
        .unwrap();
    let requests = support::received(&received).await;
    assert_eq!(requests.len(), 1, "the callback was delivered once");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&requests[0].body)
        .into_owned()
        .collect();
    let event = ConferenceEvent::from_form(&pairs).unwrap();
    assert_eq!(
        event.timestamp.unwrap().to_utc(),
        at("2026-11-25T12:00:42Z")
    );
}
