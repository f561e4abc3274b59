//! The API token appears nowhere: not in any error's Display or Debug, not in the client's
//! Debug, and not in any log line, at any level, across every error path.

#![cfg(feature = "emulator")]

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use base64::Engine as _;
use signalwire_compat::{
    Client, Error, RetryPolicy,
    emulator::{Emulator, Fault, Seed, SeedConference, SeedParticipant, SeedProject},
};
use uuid::Uuid;

const TOKEN: &str = "PTsuper-secret-token-4f9a1c";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_token_is_in_no_error_and_no_log_line() {
    let logs = Capture::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runs on one thread, so every event of the client and the emulator lands here;
    // `log` records (reqwest's) are forwarded too.
    let _guard = tracing::subscriber::set_default(subscriber);
    let _ = tracing_log::LogTracer::init();

    let project = Uuid::from_u128(0xa1);
    let conference = Uuid::from_u128(0xcf);
    let calls: Vec<Uuid> = (1..=4).map(|n| Uuid::from_u128(0xc0 + n)).collect();
    let seed = Seed {
        projects: vec![SeedProject {
            project_id: project,
            api_token: TOKEN.into(),
            signing_key: None,
            numbers: Vec::new(),
            conferences: vec![SeedConference {
                sid: conference,
                participants: calls.iter().map(|c| SeedParticipant::new(*c)).collect(),
                ..SeedConference::new(conference)
            }],
        }],
    };
    let emulator = Emulator::builder().seed(seed).start().await.unwrap();
    let quick = RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20));
    let client = emulator
        .client_builder()
        .retry(quick.clone())
        .timeout(Duration::from_millis(300))
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let room = client.conference(conference);
    let one = room.participant(calls[0]);

    let mut errors: Vec<Error> = Vec::new();
    // Successes, so that their logging is searched too.
    room.participants()
        .list()
        .page_size(2)
        .send()
        .await
        .unwrap();
    one.fetch().await.unwrap();
    one.update().muted(true).send().await.unwrap();
    // Every kind of failure.
    for fault in [
        Fault::Status {
            status: 429,
            retry_after: Some("0".into()),
        }
        .times(3),
        Fault::Status {
            status: 503,
            retry_after: None,
        }
        .times(3),
        Fault::Html { status: 502 }.times(3),
        Fault::Status {
            status: 500,
            retry_after: None,
        }
        .into(),
        Fault::Truncate.into(),
        Fault::Reset.into(),
        Fault::HugeBody { bytes: 1 << 20 }.into(),
        Fault::Hang.into(),
    ] {
        emulator.inject(fault).unwrap();
        errors.push(one.fetch().await.unwrap_err());
    }
    emulator
        .inject(
            Fault::Status {
                status: 503,
                retry_after: None,
            }
            .on("POST"),
        )
        .unwrap();
    errors.push(one.update().hold(true).send().await.unwrap_err());
    errors.push(
        room.participant(Uuid::from_u128(0xdead))
            .fetch()
            .await
            .unwrap_err(),
    );
    errors.push(room.participant("not-a-sid").remove().await.unwrap_err());
    errors.push(one.update().hold_url("nope").send().await.unwrap_err());
    let wrong = emulator
        .client_builder()
        .api_token(format!("{TOKEN}x"))
        .build()
        .unwrap();
    errors.push(
        wrong
            .conference(conference)
            .participant(calls[1])
            .fetch()
            .await
            .unwrap_err(),
    );
    errors.push(
        Client::builder()
            .project_id(project.to_string())
            .api_token(TOKEN)
            .build()
            .unwrap_err(),
    );
    errors.push(
        Client::builder()
            .base_url("http://example.com/api")
            .project_id(project.to_string())
            .api_token(TOKEN)
            .build()
            .unwrap_err(),
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    errors.push(
        Client::builder()
            .base_url(format!("http://{closed}/api"))
            .project_id(project.to_string())
            .api_token(TOKEN)
            .retry(quick)
            .build()
            .unwrap()
            .conference(conference)
            .participant(calls[0])
            .fetch()
            .await
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 16);

    let mut texts: Vec<String> = errors
        .iter()
        .flat_map(|e| [e.to_string(), format!("{e:?}"), format!("{e:#?}")])
        .collect();
    texts.push(format!(
        "{client:?} {:?} {emulator:?}",
        emulator.client_builder()
    ));
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("retrying"),
        "the capture works: retries were logged"
    );
    assert!(
        logged.contains("sending request"),
        "the capture works: requests were logged"
    );
    texts.push(logged);

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{project}:{TOKEN}"));
    for text in &texts {
        for secret in [TOKEN, basic.as_str(), &basic[8..]] {
            assert!(!text.contains(secret), "a secret leaked into: {text}");
        }
    }
}

/// A stream's bearer token, echoed by a server in an error it retries and in one it does
/// not, appears in no error, no Debug and no log line, yet reaches the server.
#[tokio::test]
async fn a_streams_bearer_token_is_in_no_error_and_no_log_line() {
    use wiremock::{Mock, MockServer, Respond, ResponseTemplate, matchers::method};
    const BEARER: &str = "stream-bearer-7c1e2d";

    let logs = Capture::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    /// Echoes the token: a 503 on the first request, a 422 in the errors shape after.
    struct Echo(std::sync::atomic::AtomicUsize);
    impl Respond for Echo {
        fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
            let echoed = format!(
                "AuthorizationBearerToken={BEARER} was refused, as was wss://listener:url-secret-456@transcriber.example (url-secret-456)"
            );
            match self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => ResponseTemplate::new(503).set_body_json(
                    serde_json::json!({"code": 20504, "message": echoed, "status": 503}),
                ),
                _ => ResponseTemplate::new(422)
                    .set_body_json(serde_json::json!({ "errors": [echoed, "and once more"] })),
            }
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Echo(Default::default()))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/api/laml/2010-04-01", server.uri()))
        .project_id(Uuid::from_u128(0xa1).to_string())
        .api_token(TOKEN)
        .retry(
            RetryPolicy::default()
                .retry_updates(true)
                .backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let start = client
        .conference(Uuid::from_u128(0xcf))
        .streams()
        .start("wss://listener:url-secret-456@transcriber.example/audio")
        .bearer_token(BEARER);
    let debug = format!("{start:?}");
    let e = start.send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(e.api_error().unwrap().errors().len(), 2);

    let mut texts = vec![debug, e.to_string(), format!("{e:?}"), format!("{e:#?}")];
    texts.extend(e.api_error().unwrap().errors().iter().cloned());
    texts.push(String::from_utf8(logs.0.lock().unwrap().clone()).unwrap());
    for text in &texts {
        assert!(
            !text.contains(BEARER),
            "the bearer token was printed: {text}"
        );
        assert!(
            !text.contains("url-secret-456"),
            "the URL's password was printed: {text}"
        );
    }
    assert!(e.to_string().contains("[redacted]"), "{e}");
    assert!(
        texts.last().unwrap().contains("retrying"),
        "the retry was logged"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let body = String::from_utf8_lossy(&requests[0].body);
    assert!(
        body.contains(&format!("AuthorizationBearerToken={BEARER}")),
        "{body}"
    );
}
