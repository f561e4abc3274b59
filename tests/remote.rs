//! `emulator::RemoteEmulator`: an emulator's control endpoints driven over HTTP with a
//! client's credentials, as a test harness in another process would; and what it makes of
//! a server that is not an emulator, or a hostile one.

#![cfg(feature = "emulator")]

mod support;

use std::time::Duration;

use axum::{Router, http::StatusCode, response::IntoResponse, routing::get};
use signalwire_compat::{
    Client, ErrorKind,
    emulator::{Emulator, RemoteEmulator},
};

const TOKEN: &str = "PTremote-secret-token-1234";
const PROJECT: &str = "a1b2c3d4-0000-4000-8000-00000000000a";
const CALL: &str = "5e000000-0000-4000-8000-000000000001";

#[tokio::test(flavor = "multi_thread")]
async fn it_presses_speaks_hangs_up_and_reads_the_log_as_the_emulator_itself_does() {
    let emulator = Emulator::start().await.unwrap();
    let (app, _asked) = support::voice::pages_app(|_| {
        vec![(
            "/voice",
            r#"<Response><Gather input="dtmf speech" action="/voice"><Say>Hello</Say></Gather></Response>"#
                .to_owned(),
        )]
    })
    .await;
    let client = emulator.client();
    let remote = RemoteEmulator::new(&client);
    let call = client
        .calls()
        .create("+15550000001", "+15550000002")
        .url(format!("{app}/voice"))
        .send()
        .await
        .unwrap();
    emulator
        .wait_for_log(&call.sid, Duration::from_secs(10), |e| e.is_verb("Gather"))
        .await
        .unwrap();
    remote.press(&call.sid, "7").await.unwrap();
    remote.say(&call.sid, "hello there").await.unwrap();
    remote.hang_up(&call.sid).await.unwrap();
    emulator
        .wait_for_log(&call.sid, Duration::from_secs(10), |e| e.event == "ended")
        .await
        .unwrap();
    let log = remote.call_log(&call.sid).await.unwrap();
    assert_eq!(log.dropped, 0);
    assert_eq!(log.entries, emulator.call_log(&call.sid).unwrap());
    let inputs: Vec<_> = log
        .entries
        .iter()
        .filter(|e| e.event == "input")
        .map(|e| serde_json::Value::Object(e.detail.clone()))
        .collect();
    assert!(
        inputs.contains(&serde_json::json!({ "pressed": "7" })),
        "{inputs:#?}"
    );
    assert!(
        inputs.contains(&serde_json::json!({ "hung_up": true })),
        "{inputs:#?}"
    );

    // Refusals keep the emulator's status and code: a call that is over.
    let over = remote.press(&call.sid, "1").await.unwrap_err();
    assert_eq!(over.status().map(|s| s.as_u16()), Some(422), "{over}");
    assert_eq!(over.code(), Some(21220), "{over}");
    let garbled = remote.press("call-7", "1").await.unwrap_err();
    assert_eq!(garbled.kind(), ErrorKind::InvalidInput, "{garbled}");

    // A dry-run client says what it would send, and sends nothing.
    let dry = emulator.client_builder().dry_run(true).build().unwrap();
    let e = RemoteEmulator::new(&dry)
        .press(&call.sid, "1")
        .await
        .unwrap_err();
    let preview = e.dry_run().expect("a dry run");
    assert_eq!(preview.method, "POST");
    assert!(preview.url.ends_with("/digits"), "{}", preview.url);
    assert_eq!(preview.form, [("digits".to_owned(), "1".to_owned())]);
    assert!(RemoteEmulator::new(&dry).call_log(&call.sid).await.is_ok());
}

/// A server on loopback whose every answer is `answer`: a client for it.
async fn server(answer: fn() -> axum::response::Response) -> Client {
    let router = Router::new().fallback(get(move || async move { answer() }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Client::builder()
        .base_url(format!("http://{addr}/api/laml/2010-04-01"))
        .project_id(PROJECT)
        .api_token(TOKEN)
        .max_response_bytes(64 * 1024)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// What asking `client`'s server for a call's log fails with.
async fn log_error(client: &Client) -> signalwire_compat::Error {
    let log = RemoteEmulator::new(client).call_log(CALL).await;
    log.expect_err("the server is not an emulator")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_is_not_an_emulator_or_is_hostile_is_an_honest_error() {
    // A proxy's HTML 502.
    let client = server(|| {
        (
            StatusCode::BAD_GATEWAY,
            [("content-type", "text/html")],
            "<html><body>Bad gateway</body></html>",
        )
            .into_response()
    })
    .await;
    let e = log_error(&client).await;
    assert_eq!(e.status().map(|s| s.as_u16()), Some(502), "{e}");
    assert!(e.to_string().contains("502"), "{e}");

    // An endless body is cut at the client's limit, not read to the end.
    let client = server(|| {
        let chunks = futures_util::stream::repeat_with(|| {
            Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 16 * 1024]))
        });
        axum::body::Body::from_stream(chunks).into_response()
    })
    .await;
    let e = log_error(&client).await;
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge, "{e}");

    // A 200 that is not a log, echoing the token and escape codes: a decode error that
    // shows neither.
    let client =
        server(|| (StatusCode::OK, format!("{{\"log\": \"\u{1b}[2J{TOKEN}\"}}")).into_response())
            .await;
    let e = log_error(&client).await;
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains('\u{1b}'), "{shown}");
    }

    // An error body echoing the token.
    let client = server(|| {
        (
            StatusCode::NOT_FOUND,
            [("content-type", "application/json")],
            format!("{{\"code\": 20404, \"message\": \"no {TOKEN} here\"}}"),
        )
            .into_response()
    })
    .await;
    let e = log_error(&client).await;
    assert!(e.is_not_found(), "{e}");
    assert!(!e.to_string().contains(TOKEN), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_control_endpoints_are_beside_the_api_root_under_its_prefix() {
    let router = Router::new().route(
        "/sw/__emulator/calls/{sid}/log",
        get(|| async { r#"{"call_sid": "x", "dropped": 2, "log": []}"# }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = Client::builder()
        .base_url(format!("http://{addr}/sw/api/laml/2010-04-01"))
        .project_id(PROJECT)
        .api_token(TOKEN)
        .build()
        .unwrap();
    let log = RemoteEmulator::new(&client).call_log(CALL).await.unwrap();
    assert_eq!((log.dropped, log.entries.len()), (2, 0));
}
