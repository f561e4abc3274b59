//! Faults over real loopback connections: rate limits, failing gateways, hung and broken
//! servers, truncated and huge bodies. Each test is bounded in requests and time.

#![cfg(feature = "emulator")]

mod support;

use std::time::{Duration, Instant};

use signalwire_compat::{
    ClientBuilder, Error, ErrorKind, RetryPolicy,
    emulator::{Emulator, Fault, demo},
};

fn status(status: u16) -> Fault {
    Fault::Status {
        status,
        retry_after: None,
    }
}

/// Fast backoff, so that tests of retries do not wait long.
fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(50))
}

/// Fetches the first demo participant with a client configured by `configure`.
async fn fetch_configured(
    emulator: &Emulator,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Result<signalwire_compat::Participant, Error> {
    configure(emulator.client_builder())
        .build()
        .unwrap()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
}

async fn fetch(
    emulator: &Emulator,
    policy: RetryPolicy,
) -> Result<signalwire_compat::Participant, Error> {
    fetch_configured(emulator, |b| b.retry(policy)).await
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_that_wait() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject(Fault::Status {
            status: 429,
            retry_after: Some("1".into()),
        })
        .unwrap();
    let started = Instant::now();
    let p = fetch(&emulator, RetryPolicy::default()).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(p.call_sid.uuid(), Some(demo::CALL_SIDS[0]));
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    assert!(emulator.pending_faults().is_empty());
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let emulator = Emulator::start().await.unwrap();
    let when = chrono::Utc::now() + chrono::Duration::seconds(2);
    emulator
        .inject(Fault::Status {
            status: 503,
            retry_after: Some(when.format("%a, %d %b %Y %H:%M:%S GMT").to_string()),
        })
        .unwrap();
    let started = Instant::now();
    fetch(&emulator, RetryPolicy::default()).await.unwrap();
    // The date has whole seconds, so the wait is between one and two seconds.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(4), "waited {waited:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_maximum_ends_the_retries_at_once() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject(Fault::Status {
            status: 429,
            retry_after: Some("120".into()),
        })
        .unwrap();
    let started = Instant::now();
    let e = fetch(&emulator, RetryPolicy::default()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(e.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(e.code(), Some(20429));
    assert_eq!(
        e.retry_after(),
        Some(Duration::from_secs(120)),
        "the wait asked for is kept"
    );
}

#[tokio::test]
async fn two_503s_then_success_takes_three_attempts() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(status(503).times(2)).unwrap();
    fetch(&emulator, quick()).await.unwrap();
    assert!(
        emulator.pending_faults().is_empty(),
        "both faults were consumed"
    );

    // Three 503s are more than three attempts can get through; the third is reported.
    emulator.inject(status(503).times(4)).unwrap();
    let e = fetch(&emulator, quick()).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        emulator.pending_faults()[0].times,
        1,
        "exactly three attempts"
    );
}

#[tokio::test]
async fn gateway_failures_and_html_pages_are_retried_for_reads() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(Fault::Html { status: 502 }).unwrap();
    emulator.inject(status(504)).unwrap();
    fetch(&emulator, quick()).await.unwrap();
    assert!(emulator.pending_faults().is_empty());
}

#[tokio::test]
async fn a_failed_update_is_sent_once_unless_the_caller_opts_in() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(status(500).on("POST").times(2)).unwrap();
    let client = emulator.client_builder().retry(quick()).build().unwrap();
    let alice = client
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0]);
    let e = alice.update().muted(true).send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(emulator.pending_faults()[0].times, 1, "one attempt");
    emulator.clear_faults();

    // Not even a 503 repeats an update by default...
    emulator.inject(status(503).on("POST")).unwrap();
    assert!(alice.update().muted(true).send().await.is_err());
    // ...but it does when the caller says the update is safe to repeat.
    emulator.inject(status(503).on("POST")).unwrap();
    let opted = emulator
        .client_builder()
        .retry(quick().retry_updates(true))
        .build()
        .unwrap();
    let p = opted
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .update()
        .muted(true)
        .send()
        .await
        .unwrap();
    assert!(p.muted);
}

#[tokio::test]
async fn a_hung_server_times_out_naming_the_host() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(Fault::Hang).unwrap();
    let started = Instant::now();
    let e = fetch_configured(&emulator, |b| b.timeout(Duration::from_millis(500)))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(e.is_timeout(), "{e:?}");
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert!(e.to_string().contains(&emulator.addr().to_string()), "{e}");
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_hits_the_total_deadline() {
    // A bare socket: the connection is accepted by the kernel, and nothing is ever read.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let started = Instant::now();
    let e = signalwire_compat::Client::builder()
        .base_url(format!("{origin}/api/laml/2010-04-01"))
        .project_id(demo::PROJECT_ID.to_string())
        .api_token("x")
        .total_timeout(Some(Duration::from_millis(700)))
        .build()
        .unwrap()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(listener);
}

#[tokio::test]
async fn a_connection_broken_mid_body_is_reported_and_not_retried() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(Fault::Reset.times(2)).unwrap();
    let e = fetch(&emulator, quick()).await.unwrap_err();
    assert!(
        e.kind() == ErrorKind::Connection && !e.is_retryable(),
        "{e:?}"
    );
    assert!(!e.is_retryable());
    assert_eq!(emulator.pending_faults()[0].times, 1, "one attempt");
    // The status that came before the break is kept and said.
    assert_eq!(e.status(), Some(reqwest::StatusCode::OK));
    assert!(
        e.to_string()
            .contains("answered 200 OK, then the connection broke while its body was read"),
        "{e}"
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_that_keeps_the_status() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(Fault::Truncate).unwrap();
    let e = fetch(&emulator, quick()).await.unwrap_err();
    assert!(e.kind() == ErrorKind::Decode, "{e:?}");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_huge_body_is_refused_quickly_without_reading_it_all() {
    let emulator = Emulator::start().await.unwrap();
    // 512 MiB, streamed with no Content-Length; the client stops at its 1 MiB limit.
    emulator
        .inject(Fault::HugeBody { bytes: 512 << 20 })
        .unwrap();
    let started = Instant::now();
    let e = fetch_configured(&emulator, |b| b.max_response_bytes(1 << 20))
        .await
        .unwrap_err();
    assert!(
        e.kind() == ErrorKind::BodyTooLarge && e.to_string().contains("1048576-byte limit"),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_total_deadline_bounds_all_attempts_and_waits() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(status(503).times(10)).unwrap();
    let started = Instant::now();
    let e = fetch_configured(&emulator, |b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(10)
                .backoff(Duration::from_millis(400), Duration::from_millis(400)),
        )
        .total_timeout(Some(Duration::from_millis(600)))
    })
    .await
    .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn redirects_are_not_followed_so_credentials_stay_with_the_configured_host() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&elsewhere)
        .await;
    let api = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/steal", elsewhere.uri())),
        )
        .mount(&api)
        .await;
    let e = signalwire_compat::Client::builder()
        .base_url(format!("{}/api/laml/2010-04-01", api.uri()))
        .project_id(demo::PROJECT_ID.to_string())
        .api_token("secret")
        .build()
        .unwrap()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(307));
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "nothing reached the other host"
    );
}

#[tokio::test]
async fn faults_can_be_managed_over_http_from_any_language() {
    let emulator = Emulator::start().await.unwrap();
    let http = support::raw();
    let url = format!("http://{}/__emulator/faults", emulator.addr());
    let auth = |r: reqwest::RequestBuilder| r.basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN));

    let unauthenticated = http.post(&url).body("{}").send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let bad = auth(http.post(&url))
        .body(r#"{"kind": "status", "status": 200}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let added = auth(http.post(&url))
        .body(r#"[{"kind": "status", "status": 503, "times": 2}, {"kind": "delay", "millis": 10}]"#)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    assert_eq!(emulator.pending_faults().len(), 2);
    fetch(&emulator, quick()).await.unwrap();
    let listed: serde_json::Value = auth(http.get(&url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["pending"], serde_json::json!([]));
    auth(http.post(&url))
        .body(r#"{"kind": "hang"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(auth(http.delete(&url)).send().await.unwrap().status(), 200);
    assert!(emulator.pending_faults().is_empty());
}
