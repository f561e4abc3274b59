//! Every kind of error, as a person reads it: each one's Display is snapshotted, its helpers
//! checked, and none may contain the API token.

mod support;

use std::time::Duration;

use serde_json::json;
use signalwire_compat::{Client, Error, ErrorKind};
use support::*;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

async fn fetch_with(server: &MockServer, response: ResponseTemplate) -> Error {
    fetch_with_client(server, response, client(&server.uri())).await
}

async fn fetch_with_client(
    server: &MockServer,
    response: ResponseTemplate,
    client: Client,
) -> Error {
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(response)
        .mount(server)
        .await;
    client
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .expect_err("the server answered with a failure")
}

fn check_no_secret(e: &Error) {
    for text in [e.to_string(), format!("{e:?}"), format!("{e:#?}")] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
}

#[tokio::test]
async fn every_error_kind_says_what_happened() {
    let server = MockServer::start().await;
    let origin = server.uri();
    let mut report = Vec::new();
    let mut record = |name: &str, e: &Error| {
        check_no_secret(e);
        let mut text = format!(
            "{name}\n  kind={:?} status={:?} code={:?} not_found={} unauthorized={} retryable={} timeout={}\n  {}",
            e.kind(),
            e.status().map(|s| s.as_u16()),
            e.code(),
            e.is_not_found(),
            e.is_unauthorized(),
            e.is_retryable(),
            e.is_timeout(),
            stable(e, &origin),
        );
        // The causes, which Display leaves to the reader of the chain.
        let mut next = std::error::Error::source(e);
        while let Some(cause) = next {
            text.push_str(&format!("\n  caused by: {}", stable(cause, &origin)));
            next = cause.source();
        }
        report.push(text);
    };

    let e = fetch_with(
        &server,
        ResponseTemplate::new(404).set_body_json(json!({
            "code": 20404,
            "message": "The requested resource was not found",
            "more_info": "https://developer.signalwire.com/compatibility-api/reference/error-codes",
            "status": 404
        })),
    )
    .await;
    assert!(e.kind() == ErrorKind::Api && e.code() == Some(20404));
    record("404 with the API's error body", &e);

    let e = fetch_with(
        &server,
        ResponseTemplate::new(401).set_body_json(json!({
            "code": 20003, "message": "Authentication Failed", "more_info": null, "status": 401
        })),
    )
    .await;
    record("401 with the API's error body", &e);

    let e = fetch_with(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "3")
            .set_body_json(json!({"code": 20429, "message": "Too Many Requests", "status": 429})),
    )
    .await;
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    record("429 with Retry-After, retries off", &e);

    let e = fetch_with(
        &server,
        ResponseTemplate::new(422).set_body_json(json!({
            "errors": [{"code": "invalid_parameter", "message": "Muted must be a boolean"}]
        })),
    )
    .await;
    record("422 in the {errors: [...]} shape", &e);

    let e = fetch_with(
        &server,
        ResponseTemplate::new(502).set_body_raw(
            "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>\n",
            "text/html",
        ),
    )
    .await;
    assert!(e.kind() == ErrorKind::Status);
    record("502 HTML page from a proxy", &e);

    let e = fetch_with(
        &server,
        ResponseTemplate::new(404).set_body_raw("<h1>Not Found</h1>", "text/html"),
    )
    .await;
    record(
        "404 HTML page (a documented status with a body that is not JSON)",
        &e,
    );

    let e = fetch_with(&server, ResponseTemplate::new(500)).await;
    record("500 with no body", &e);

    let e = fetch_with(
        &server,
        ResponseTemplate::new(200).set_body_raw(r#"{"participants": 5}"#, "application/json"),
    )
    .await;
    assert!(e.kind() == ErrorKind::Decode);
    record("200 whose body is not a participant", &e);

    let e = fetch_with(
        &server,
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"account_sid": "b3877c40-da60"#, "application/json"),
    )
    .await;
    record("200 with truncated JSON", &e);

    let e = fetch_with_client(
        &server,
        ResponseTemplate::new(200).set_body_raw("x".repeat(5000), "application/json"),
        builder(&origin).max_response_bytes(1000).build().unwrap(),
    )
    .await;
    assert!(e.kind() == ErrorKind::BodyTooLarge && e.to_string().contains("1000-byte limit"));
    record("a body over the limit", &e);

    let e = fetch_with_client(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
        builder(&origin)
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    )
    .await;
    record("no answer within the attempt timeout", &e);

    let e = fetch_with_client(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
        builder(&origin)
            .total_timeout(Some(Duration::from_millis(200)))
            .build()
            .unwrap(),
    )
    .await;
    record("no answer within the total timeout", &e);

    let e = fetch_with_client(
        &server,
        ResponseTemplate::new(302).insert_header("location", "https://elsewhere.example/"),
        client(&origin),
    )
    .await;
    record("a redirect, which is not followed", &e);

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let e = client(&format!("http://{closed}"))
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .unwrap_err();
    assert!(
        e.kind() == ErrorKind::Connection && e.is_retryable(),
        "{e:?}"
    );
    let text = e
        .to_string()
        .replace(&closed.to_string(), "127.0.0.1:CLOSED");
    record("a port nobody listens on", &e);

    let e = Client::builder()
        .project_id(PROJECT)
        .api_token(TOKEN)
        .build()
        .unwrap_err();
    record("no space configured", &e);
    let e = Client::builder()
        .space("example")
        .api_token(TOKEN)
        .build()
        .unwrap_err();
    record("no project configured", &e);
    let e = Client::builder()
        .space("example")
        .project_id(PROJECT)
        .build()
        .unwrap_err();
    record("no token configured", &e);
    let e = Client::builder()
        .space("example/evil")
        .project_id(PROJECT)
        .api_token(TOKEN)
        .build()
        .unwrap_err();
    record("a space with a slash", &e);
    let e = Client::builder()
        .base_url("http://api.example.com/api/laml/2010-04-01")
        .project_id(PROJECT)
        .api_token(TOKEN)
        .build()
        .unwrap_err();
    record("plain http to a host that is not loopback", &e);
    let e = Client::builder()
        .space("example")
        .project_id("my-project")
        .api_token(TOKEN)
        .build()
        .unwrap_err();
    record("a project ID that is not a UUID", &e);

    let mut report = report.join("\n\n");
    report = report.replace(&closed.to_string(), "127.0.0.1:CLOSED");
    insta::assert_snapshot!("error_kinds", report);
    assert!(
        text.starts_with("could not reach 127.0.0.1:CLOSED"),
        "{text}"
    );
}

#[tokio::test]
async fn the_client_and_its_builder_never_print_the_token() {
    let builder = builder("http://127.0.0.1:9");
    let client = builder.clone().build().unwrap();
    for text in [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
}
