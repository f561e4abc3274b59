//! Servers that misbehave on purpose: pages that never end, text meant for a terminal, our
//! own credentials echoed back, answers that are not HTTP, fields left out, a 404 that is not
//! the API's. Each is a scripted server on 127.0.0.1, bounded in requests and time.

mod support;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{Error, ErrorKind, Page, RetryPolicy, TimeoutPhase};
use support::{CALL, CONFERENCE, PARTICIPANTS_PATH, PROJECT, TOKEN, client, participant_json};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpListener,
};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::method};

/// The Basic credential the client sends, as a server could echo it.
fn basic() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT}:{TOKEN}"))
}

/// A listing page in the API's shape.
fn page(participants: usize, next: Option<String>) -> serde_json::Value {
    json!({
        "participants": vec![participant_json(CALL, false); participants],
        "uri": PARTICIPANTS_PATH,
        "first_page_uri": PARTICIPANTS_PATH,
        "next_page_uri": next,
        "previous_page_uri": null,
        "page": 0,
        "page_size": 50,
    })
}

/// Answers the n-th request (from 0) with `make(n)`, counting the requests.
struct Script<F>(F, Arc<AtomicUsize>);

impl<F: Fn(usize) -> ResponseTemplate + Send + Sync> Respond for Script<F> {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        (self.0)(self.1.fetch_add(1, Ordering::SeqCst))
    }
}

/// A server that answers every GET with `make(n)`; returns it and its request counter.
async fn scripted(
    make: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let count = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .respond_with(Script(make, count.clone()))
        .mount(&server)
        .await;
    (server, count)
}

/// Walks a listing to its end, bounded so that a regression fails instead of hanging.
async fn walk(
    listing: signalwire_compat::ListParticipants,
) -> (Vec<Page<signalwire_compat::Participant>>, Result<(), Error>) {
    let mut pages = Vec::new();
    let stream = listing.pages();
    let mut stream = std::pin::pin!(stream);
    let outcome = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(page) = stream.try_next().await? {
            pages.push(page);
            assert!(pages.len() <= 2000, "the walk did not stop");
        }
        Ok(())
    })
    .await
    .expect("the walk ended in time");
    (pages, outcome)
}

fn listing(origin: &str) -> signalwire_compat::ListParticipants {
    client(origin).conference(CONFERENCE).participants().list()
}

#[tokio::test]
async fn a_page_named_again_in_another_spelling_ends_the_walk() {
    // Page 1, then page 1 again: zero-padded, parameters reordered, a default written out.
    let spellings = [
        "?Page=1&PageSize=50",
        "?PageSize=50&Page=01",
        "?Page=001",
        "?Page=1&PageSize=050",
    ];
    for &repeat in &spellings[1..] {
        let (server, count) = scripted(move |n| {
            let next = if n == 0 { spellings[0] } else { repeat };
            ResponseTemplate::new(200)
                .set_body_json(page(1, Some(format!("{PARTICIPANTS_PATH}{next}"))))
        })
        .await;
        let (pages, outcome) = walk(listing(&server.uri())).await;
        let e = outcome.unwrap_err();
        assert!(e.kind() == ErrorKind::Paging, "{e:?}");
        assert!(e.to_string().contains("already read"), "{e}");
        assert_eq!(
            (pages.len(), count.load(Ordering::SeqCst)),
            (2, 2),
            "{repeat}"
        );
    }
}

#[tokio::test]
async fn endless_empty_pages_that_name_a_next_page_end_the_walk() {
    let (server, count) = scripted(|n| {
        ResponseTemplate::new(200).set_body_json(page(
            0,
            Some(format!(
                "{PARTICIPANTS_PATH}?Page={}&PageToken=PA{n}",
                n + 1
            )),
        ))
    })
    .await;
    let (pages, outcome) = walk(listing(&server.uri())).await;
    let e = outcome.unwrap_err();
    assert!(e.to_string().contains("the last 3 pages were empty"), "{e}");
    assert_eq!((pages.len(), count.load(Ordering::SeqCst)), (3, 3));
}

#[tokio::test]
async fn a_few_empty_pages_between_full_ones_are_fine() {
    let (server, count) = scripted(|n| {
        let next = (n < 6).then(|| format!("{PARTICIPANTS_PATH}?Page={}", n + 1));
        ResponseTemplate::new(200).set_body_json(page(if n % 3 == 2 { 1 } else { 0 }, next))
    })
    .await;
    let (pages, outcome) = walk(listing(&server.uri())).await;
    outcome.unwrap();
    assert_eq!((pages.len(), count.load(Ordering::SeqCst)), (7, 7));
}

#[tokio::test]
async fn endless_distinct_pages_stop_at_the_page_limit() {
    let endless = |n: usize| {
        ResponseTemplate::new(200).set_body_json(page(
            1,
            Some(format!(
                "{PARTICIPANTS_PATH}?Page={}&PageToken=PA{n}",
                n + 1
            )),
        ))
    };
    // The listing's own limit.
    let (server, count) = scripted(endless).await;
    let (pages, outcome) = walk(listing(&server.uri()).max_pages(5)).await;
    let e = outcome.unwrap_err();
    assert!(e.to_string().contains("its limit of 5 pages"), "{e}");
    assert_eq!((pages.len(), count.load(Ordering::SeqCst)), (5, 5));

    // The client's, and the default of 1,000.
    let (server, count) = scripted(endless).await;
    let client = support::builder(&server.uri())
        .max_pages(7)
        .build()
        .unwrap();
    let (pages, _) = walk(client.conference(CONFERENCE).participants().list()).await;
    assert_eq!((pages.len(), count.load(Ordering::SeqCst)), (7, 7));
    let (server, count) = scripted(endless).await;
    let (pages, outcome) = walk(listing(&server.uri())).await;
    assert!(
        outcome
            .unwrap_err()
            .to_string()
            .contains("limit of 1000 pages")
    );
    assert_eq!((pages.len(), count.load(Ordering::SeqCst)), (1000, 1000));
}

#[tokio::test]
async fn an_api_root_at_the_hosts_root_gets_the_exact_path() {
    let account_path = format!("/Accounts/{PROJECT}/Conferences/{CONFERENCE}/Participants/{CALL}");
    for trailing in ["", "/"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(participant_json(CALL, true)))
            .mount(&server)
            .await;
        let client = support::builder("")
            .base_url(format!("{}{trailing}", server.uri()))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), server.uri());
        client
            .conference(CONFERENCE)
            .participant(CALL)
            .fetch()
            .await
            .unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].url.path(), account_path, "base URL{trailing:?}");
    }
}

#[tokio::test]
async fn a_project_id_in_any_uuid_form_is_sent_in_its_canonical_form() {
    let upper = PROJECT.to_uppercase();
    for given in [
        format!("{{{PROJECT}}}"),
        format!("urn:uuid:{PROJECT}"),
        upper.clone(),
        upper.replace('-', ""),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(participant_json(CALL, true)))
            .mount(&server)
            .await;
        let client = support::builder(&server.uri())
            .project_id(&given)
            .build()
            .unwrap();
        client
            .conference(CONFERENCE)
            .participant(CALL)
            .fetch()
            .await
            .unwrap();
        // `wire` checks the Basic credential against the canonical project ID.
        let request = &server.received_requests().await.unwrap()[0];
        let text = support::wire(request);
        assert!(
            text.contains(&format!("/Accounts/{PROJECT}/")),
            "{given}: {text}"
        );
    }
}

/// Every error a hostile server can produce here, displayed and debugged.
async fn hostile_errors(body_and_status: Vec<(u16, &'static str, String)>) -> Vec<Error> {
    let mut errors = Vec::new();
    for (status, content_type, body) in body_and_status {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(body.into_bytes(), content_type),
            )
            .mount(&server)
            .await;
        errors.push(
            client(&server.uri())
                .conference(CONFERENCE)
                .participant(CALL)
                .fetch()
                .await
                .unwrap_err(),
        );
    }
    errors
}

#[tokio::test]
async fn text_from_the_server_is_escaped_and_bounded_in_every_error() {
    let nasty = "line one\r\n\u{1b}[2J\u{1b}[31mFORGED\u{9b}31m\u{7}\u{202e}desrever";
    let huge = "A".repeat(5 * 1024 * 1024);
    let errors = hostile_errors(vec![
        (
            400,
            "application/json",
            json!({"code": 21212, "message": nasty, "more_info": nasty, "status": 400}).to_string(),
        ),
        (
            422,
            "application/json",
            json!({"code": 21212, "message": huge, "status": 422}).to_string(),
        ),
        (
            422,
            "application/json",
            json!({"errors": [{"message": nasty}]}).to_string(),
        ),
        (502, "text/html\u{1b}[2J", format!("<h1>{nasty}</h1>")),
        (
            200,
            "application/json",
            format!("{{\"account_sid\": \"{nasty}"),
        ),
        (
            200,
            "application/json",
            json!({"account_sid": nasty, "call_sid": 5}).to_string(),
        ),
    ])
    .await;
    for e in &errors {
        let shown = e.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "a control character reaches the terminal: {shown:?}"
        );
        assert!(shown.len() < 3 * 1024, "{} bytes shown", shown.len());
    }
    // The raw text stays available.
    let api = errors[0].api_error().unwrap();
    assert_eq!(api.message(), nasty);
    assert_eq!(errors[1].api_error().unwrap().message().len(), huge.len());
    assert!(
        errors[1]
            .to_string()
            .contains(&format!("… [{} more characters]", huge.len() - 1024))
    );
    insta::assert_snapshot!("escaped_api_error", errors[0]);
}

#[tokio::test]
async fn credentials_the_server_echoes_are_redacted_from_every_error() {
    let echo = format!(
        "Authorization: Basic {} user={PROJECT}:{TOKEN} token={TOKEN}",
        basic()
    );
    let errors = hostile_errors(vec![
        (403, "text/html", format!("<html><pre>{echo}</pre></html>")),
        (
            401,
            "application/json",
            json!({"code": 20003, "message": echo, "more_info": echo, "status": 401}).to_string(),
        ),
        (
            400,
            "application/json",
            json!({"errors": [{"message": echo}]}).to_string(),
        ),
        (
            200,
            "application/json",
            format!("{{\"account_sid\": {echo:?}, \"muted\": \"{TOKEN}\"}}"),
        ),
        (
            200,
            "application/json",
            format!("{{\"muted\": \"{TOKEN}\"}}"),
        ),
    ])
    .await;
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}"), source_chain(e)] {
            assert!(!text.contains(TOKEN), "token in {text}");
            assert!(!text.contains(&basic()), "Basic credential in {text}");
            assert!(!text.contains("PTsecret"), "part of the token in {text}");
        }
    }
    assert!(
        errors[1]
            .api_error()
            .unwrap()
            .message()
            .contains("[redacted]")
    );
}

fn source_chain(e: &Error) -> String {
    let mut text = String::new();
    let mut next: Option<&dyn std::error::Error> = Some(e);
    while let Some(cause) = next {
        text.push_str(&format!("{cause} / {cause:?}\n"));
        next = cause.source();
    }
    text
}

#[tokio::test]
async fn a_next_page_uri_that_echoes_the_token_is_redacted() {
    let (server, _) = scripted(|_| {
        ResponseTemplate::new(200).set_body_json(page(
            1,
            Some(format!(
                "https://elsewhere.example/?auth={TOKEN}&basic={}",
                basic()
            )),
        ))
    })
    .await;
    let (_, outcome) = walk(listing(&server.uri())).await;
    let e = outcome.unwrap_err();
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(!text.contains(TOKEN) && !text.contains(&basic()), "{text}");
    }
    assert!(e.to_string().contains("[redacted]"), "{e}");
}

#[tokio::test]
async fn fields_that_may_be_null_may_also_be_absent() {
    let mut sparse = participant_json(CALL, true);
    for field in ["call_sid_to_coach", "date_created", "date_updated"] {
        sparse.as_object_mut().unwrap().remove(field);
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path(format!(
            "{PARTICIPANTS_PATH}/{CALL}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(&sparse))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path(PARTICIPANTS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"participants": [sparse]})))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let p = client
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        (p.call_sid_to_coach, p.date_created, p.date_updated),
        (None, None, None)
    );
    assert!(p.muted);

    // A page with nothing but its participants is a last page.
    let (pages, outcome) = walk(client.conference(CONFERENCE).participants().list()).await;
    outcome.unwrap();
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    assert_eq!(page.items.len(), 1);
    assert_eq!(
        (
            &page.page,
            &page.page_size,
            &page.uri,
            &page.first_page_uri,
            &page.next_page_uri
        ),
        (&None, &None, &None, &None, &None)
    );
}

#[tokio::test]
async fn a_participant_without_a_required_field_is_a_decode_error() {
    for field in ["muted", "call_sid", "status"] {
        let mut p = participant_json(CALL, true);
        p.as_object_mut().unwrap().remove(field);
        let errors = hostile_errors(vec![(200, "application/json", p.to_string())]).await;
        assert!(
            errors[0].kind() == ErrorKind::Decode,
            "{field}: {:?}",
            errors[0]
        );
        let cause = std::error::Error::source(&errors[0]).unwrap().to_string();
        assert!(
            cause.contains(&format!("missing field `{field}`")),
            "{cause}"
        );
    }
}

#[tokio::test]
async fn a_404_that_is_not_the_apis_is_not_not_found() {
    let errors = hostile_errors(vec![
        (404, "text/html", "<h1>404 Not Found</h1>".into()),
        (
            404,
            "application/json",
            json!({"code": 20404, "message": "The requested resource was not found", "status": 404})
                .to_string(),
        ),
    ])
    .await;
    let (page, api) = (&errors[0], &errors[1]);
    assert_eq!(page.status().map(|s| s.as_u16()), Some(404));
    assert!(
        !page.is_not_found(),
        "a web server's page says nothing of the participant"
    );
    assert!(page.to_string().contains("has no such path"), "{page}");
    assert!(api.is_not_found());
}

#[tokio::test]
async fn removing_after_a_gateway_failure_takes_a_404_as_done() {
    async fn remove_after(first: u16) -> (Result<(), Error>, usize) {
        let server = MockServer::start().await;
        let count = Arc::new(AtomicUsize::new(0));
        let not_found = json!({"code": 20404, "message": "The requested resource was not found", "status": 404});
        Mock::given(method("DELETE"))
            .respond_with(Script(
                move |n| match n {
                    0 => ResponseTemplate::new(first).set_body_json(
                        json!({"code": 20504, "message": "try again", "status": first}),
                    ),
                    _ => ResponseTemplate::new(404).set_body_json(not_found.clone()),
                },
                count.clone(),
            ))
            .mount(&server)
            .await;
        let client = support::builder(&server.uri())
            .retry(
                RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)),
            )
            .build()
            .unwrap();
        let outcome = client
            .conference(CONFERENCE)
            .participant(CALL)
            .remove()
            .await;
        (outcome, count.load(Ordering::SeqCst))
    }
    for gateway in [502, 503, 504] {
        let (outcome, requests) = remove_after(gateway).await;
        assert!(outcome.is_ok(), "{gateway}: {outcome:?}");
        assert_eq!(requests, 2);
    }
    // A 429 was not acted on: the 404 after it is the truth.
    let (outcome, requests) = remove_after(429).await;
    assert!(outcome.unwrap_err().is_not_found());
    assert_eq!(requests, 2);
    // And so is a 404 on the first attempt.
    let (outcome, requests) = remove_after(404).await;
    assert!(outcome.unwrap_err().is_not_found());
    assert_eq!(requests, 1);
}

/// A server that answers every connection with `answer` after reading the request head,
/// counting connections; it stops after `max` of them.
async fn raw_server(answer: Vec<u8>, max: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        for _ in 0..max {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = socket.write_all(&answer).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (origin, count)
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_said_so_and_not_retried() {
    let many_headers: String = (0..5000).map(|i| format!("x-h{i}: v\r\n")).collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a 2 MB header",
            format!("HTTP/1.1 200 OK\r\nx-big: {}\r\n\r\n", "a".repeat(2 << 20)).into_bytes(),
        ),
        (
            "5,000 headers",
            format!("HTTP/1.1 200 OK\r\n{many_headers}\r\n").into_bytes(),
        ),
        (
            "an overflowing Content-Length",
            b"HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999999\r\n\r\n{}".to_vec(),
        ),
        ("HTTP/0.9", b"{\"muted\": true}".to_vec()),
        ("a bad status line", b"HTTP/1.1 OK\r\n\r\n".to_vec()),
    ];
    for (what, answer) in cases {
        let (origin, count) = raw_server(answer, 10).await;
        let client = support::builder(&origin)
            .retry(
                RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)),
            )
            .build()
            .unwrap();
        let e = client
            .conference(CONFERENCE)
            .participant(CALL)
            .fetch()
            .await
            .unwrap_err();
        assert!(e.kind() == ErrorKind::InvalidResponse, "{what}: {e:?}");
        assert!(!e.is_retryable(), "{what}");
        assert!(e.to_string().contains("not valid HTTP"), "{what}: {e}");
        assert!(!e.to_string().contains("check the network"), "{what}: {e}");
        assert_eq!(count.load(Ordering::SeqCst), 1, "{what}: sent once");
    }
}

/// A loopback listener that accepts no connection and whose queue is full, so that a new
/// connection attempt waits unanswered; `None` where the system still answers it.
async fn unanswered() -> Option<(String, Vec<std::net::TcpStream>)> {
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind("127.0.0.1:0".parse().unwrap()).ok()?;
    let addr = socket.local_addr().ok()?;
    let listener = socket.listen(0).ok()?;
    // Fill the accept queue; connections beyond it get no answer to their SYN.
    let mut held = Vec::new();
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => held.push(stream),
            Err(_) => {
                std::mem::forget(listener);
                return Some((format!("http://{addr}"), held));
            }
        }
    }
    None
}

#[tokio::test]
async fn a_connection_that_is_never_made_is_not_called_a_slow_request() {
    let Some((origin, _held)) = unanswered().await else {
        eprintln!("skipped: this system answers connections beyond a full accept queue");
        return;
    };
    // The connect timeout runs out first: said as such.
    let e = support::builder(&origin)
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .unwrap_err();
    assert!(e.timeout_phase() == Some(TimeoutPhase::Connect), "{e:?}");
    assert!(e.to_string().starts_with("could not connect to"), "{e}");

    // The attempt's timeout runs out first, still connecting: no claim that a request was
    // slow, since it may never have left.
    let e = support::builder(&origin)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .unwrap_err();
    assert!(e.timeout_phase() == Some(TimeoutPhase::Response), "{e:?}");
    assert!(e.to_string().contains("the connection was not made"), "{e}");
}
