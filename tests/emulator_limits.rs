//! The emulator against clients that misbehave: bad fault rules, rules of another project,
//! connections that dribble or idle, malformed bodies, seeds that cannot exist, paging off
//! the end, and updates whose parameters are in the wrong place. Raw TCP where no HTTP
//! client would send what is tested; every wait is bounded.

#![cfg(feature = "emulator")]

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use signalwire_compat::emulator::{Emulator, Fault, Seed, demo};
use support::raw;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

const FAULTS: &str = "/__emulator/faults";

fn url(emulator: &Emulator, path: &str) -> String {
    format!("http://{}{path}", emulator.addr())
}

fn one_path() -> String {
    format!(
        "/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants/{}",
        demo::PROJECT_ID,
        demo::CONFERENCE_SID,
        demo::CALL_SIDS[0]
    )
}

fn as_demo(r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    r.basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
}

fn as_other(r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    r.basic_auth(demo::OTHER_PROJECT_ID, Some(demo::OTHER_API_TOKEN))
}

async fn answer(request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = tokio::time::timeout(Duration::from_secs(10), request.send())
        .await
        .expect("answered in time")
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, body)
}

/// Sends raw bytes on a new connection, optionally closing the writing half, and returns
/// everything the emulator sends back until it closes (or 5 seconds pass).
async fn raw_exchange(emulator: &Emulator, bytes: &[u8], close_write: bool) -> String {
    let mut tcp = TcpStream::connect(emulator.addr()).await.unwrap();
    tcp.write_all(bytes).await.unwrap();
    if close_write {
        tcp.shutdown().await.unwrap();
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn basic() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        demo::PROJECT_ID,
        demo::API_TOKEN
    ))
}

#[tokio::test]
async fn a_fault_rule_that_cannot_work_is_refused_and_breaks_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let client = raw();
    for (rule, why) in [
        (
            json!({"kind": "status", "status": 503, "times": 0}),
            "times must be at least 1",
        ),
        (
            json!({"kind": "status", "status": 503, "method": "FETCH"}),
            "method \"FETCH\"",
        ),
        (
            json!({"kind": "status", "status": 429, "retry_after": "soon"}),
            "retry_after",
        ),
        (json!({"kind": "delay", "millis": 3_600_000}), "millis"),
        (json!({"kind": "huge_body", "bytes": 1u64 << 40}), "bytes"),
        (
            json!({"kind": "status", "status": 200}),
            "not an error status",
        ),
        // One bad rule in a list: none of them is queued.
        (
            json!([{"kind": "hang"}, {"kind": "status", "status": 503, "times": 0}]),
            "times",
        ),
    ] {
        let (status, _, body) =
            answer(as_demo(client.post(url(&emulator, FAULTS))).json(&rule)).await;
        assert_eq!(status, 400, "{rule}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(why),
            "{rule}: {body}"
        );
    }
    assert!(emulator.pending_faults().is_empty());
    // Every later request is still served.
    for _ in 0..3 {
        let (status, _, _) = answer(as_demo(client.get(url(&emulator, &one_path())))).await;
        assert_eq!(status, 200);
    }
    // A method in lower case is read as the method.
    let (status, _, body) = answer(
        as_demo(client.post(url(&emulator, FAULTS)))
            .json(&json!({"kind": "status", "status": 503, "method": "get"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["pending"][0]["method"], "GET");
    let (status, _, _) = answer(as_demo(client.get(url(&emulator, &one_path())))).await;
    assert_eq!(status, 503);

    // The pending rules of a project are bounded.
    let many: Vec<Value> = (0..1001).map(|_| json!({"kind": "hang"})).collect();
    let (status, _, body) = answer(as_demo(client.post(url(&emulator, FAULTS))).json(&many)).await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("at most 1000"),
        "{body}"
    );
}

#[tokio::test]
async fn faults_belong_to_their_project_and_fire_only_after_authentication() {
    let emulator = Emulator::start().await.unwrap();
    let client = raw();
    let (status, _, _) = answer(
        as_demo(client.post(url(&emulator, FAULTS)))
            .json(&json!({"kind": "status", "status": 503, "times": 2})),
    )
    .await;
    assert_eq!(status, 200);

    // Another project neither sees, clears nor triggers them.
    let (_, _, seen) = answer(as_other(client.get(url(&emulator, FAULTS)))).await;
    assert_eq!(seen["pending"], json!([]));
    let (status, _, _) = answer(as_other(client.delete(url(&emulator, FAULTS)))).await;
    assert_eq!(status, 200);
    let other = format!(
        "/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants",
        demo::OTHER_PROJECT_ID,
        demo::OTHER_CONFERENCE_SID
    );
    let (status, _, _) = answer(as_other(client.get(url(&emulator, &other)))).await;
    assert_eq!(status, 200, "another project's request is not faulted");

    // An unauthenticated request gets 401, and uses up no rule.
    let (status, _, _) = answer(client.get(url(&emulator, &one_path()))).await;
    assert_eq!(status, 401);
    let (status, _, _) = answer(
        client
            .get(url(&emulator, &one_path()))
            .basic_auth(demo::PROJECT_ID, Some("wrong")),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(emulator.pending_faults()[0].times, 2);

    // The owner's requests get them.
    for _ in 0..2 {
        let (status, _, _) = answer(as_demo(client.get(url(&emulator, &one_path())))).await;
        assert_eq!(status, 503);
    }
    let (status, _, _) = answer(as_demo(client.get(url(&emulator, &one_path())))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_request_head_that_never_ends_is_closed_at_the_header_timeout() {
    let emulator = Emulator::builder()
        .header_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let reply = raw_exchange(&emulator, b"GET / HTTP/1.1\r\nHost: x\r\nX-Half", false).await;
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
    assert!(!reply.contains("200 OK"), "{reply}");

    // An idle kept-alive connection is closed after the same time.
    let mut tcp = TcpStream::connect(emulator.addr()).await.unwrap();
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\n\r\n",
        one_path(),
        basic()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut out))
        .await
        .expect("the idle connection was closed")
        .unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200 OK"));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn stopping_ends_within_the_grace_period_whatever_clients_do() {
    let emulator = Emulator::builder()
        .header_timeout(Duration::from_secs(60))
        .shutdown_grace(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    // One connection dribbling its head, one idle, one waiting on a long delay fault.
    let mut half = TcpStream::connect(emulator.addr()).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Ha")
        .await
        .unwrap();
    let _idle = TcpStream::connect(emulator.addr()).await.unwrap();
    emulator.inject(Fault::Delay { millis: 60_000 }).unwrap();
    let delayed = tokio::spawn(answer(as_demo(raw().get(url(&emulator, &one_path())))));
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), emulator.shutdown())
        .await
        .expect("the emulator stopped");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "stopping took {took:?}");
    // The delayed request's connection was dropped: an error, not a hang.
    let outcome = tokio::time::timeout(Duration::from_secs(5), delayed).await;
    assert!(
        outcome.is_err() || outcome.unwrap().is_err(),
        "the delayed request ended"
    );
}

#[tokio::test]
async fn a_malformed_body_is_400_and_only_an_oversized_one_is_413() {
    let emulator = Emulator::start().await.unwrap();
    let head = |extra: &str| {
        format!(
            "POST {} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n{extra}\r\n",
            one_path(),
            basic()
        )
    };
    let cases: Vec<(&str, String, bool, &str)> = vec![
        (
            "a bad chunk size",
            format!(
                "{}zz\r\nMuted=true\r\n0\r\n\r\n",
                head("Transfer-Encoding: chunked\r\n")
            ),
            false,
            "400 Bad Request",
        ),
        (
            "a chunked body with no terminating chunk",
            format!(
                "{}a\r\nMuted=true\r\n",
                head("Transfer-Encoding: chunked\r\n")
            ),
            true,
            "400 Bad Request",
        ),
        (
            "a Content-Length longer than the body",
            format!("{}Muted=true", head("Content-Length: 100\r\n")),
            true,
            "400 Bad Request",
        ),
        (
            "a declared length over the limit, refused unread",
            head("Content-Length: 100000000\r\n"),
            false,
            "413 Payload Too Large",
        ),
        (
            "chunks that go over the limit",
            format!(
                "{}10000\r\n{}\r\n10000\r\n{}\r\n0\r\n\r\n",
                head("Transfer-Encoding: chunked\r\n"),
                "a".repeat(0x10000),
                "a".repeat(0x10000)
            ),
            false,
            "413 Payload Too Large",
        ),
    ];
    for (what, bytes, close_write, status) in cases {
        let reply = raw_exchange(&emulator, bytes.as_bytes(), close_write).await;
        assert!(
            reply.starts_with(&format!("HTTP/1.1 {status}")),
            "{what}: {reply}"
        );
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
        let json: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{what}: {reply}"));
        assert!(
            json["code"].is_number() && json["message"].is_string(),
            "{what}: {json}"
        );
    }
    let p = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap();
    assert!(!p.muted, "no malformed body changed anything");
}

#[tokio::test]
async fn a_seed_with_a_duplicate_is_refused_naming_it() {
    let mut seed: Seed = demo::seed();
    seed.projects[1].project_id = demo::PROJECT_ID;
    let e = Emulator::builder().seed(seed).start().await.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        e.to_string(),
        format!("project {} appears twice", demo::PROJECT_ID)
    );

    let mut seed: Seed = demo::seed();
    seed.projects[0].conferences[2].sid = demo::CONFERENCE_SID;
    let e = Emulator::builder().seed(seed).start().await.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("conference {} appears twice", demo::CONFERENCE_SID)
    );
}

#[tokio::test]
async fn no_next_page_uri_is_handed_out_that_would_be_refused() {
    let emulator = Emulator::start().await.unwrap();
    let listing = format!(
        "/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants",
        demo::PROJECT_ID,
        demo::CONFERENCE_SID
    );
    for query in [
        "Page=2147483647&PageSize=1&PageToken=PA0",
        "Page=2147483646&PageSize=1&PageToken=PA0",
        "Page=5&PageSize=1&PageToken=PA0",
    ] {
        let (status, _, page) = answer(as_demo(
            raw().get(url(&emulator, &format!("{listing}?{query}"))),
        ))
        .await;
        assert_eq!(status, 200, "{query}: {page}");
        // Whatever it offers next, it serves.
        if let Some(next) = page["next_page_uri"].as_str() {
            let (status, _, body) = answer(as_demo(raw().get(url(&emulator, next)))).await;
            assert_eq!(status, 200, "{next}: {body}");
        } else {
            assert!(query.starts_with("Page=2147483647"), "{query}: {page}");
        }
    }
}

#[tokio::test]
async fn update_parameters_in_the_query_string_change_nothing_and_say_so() {
    let emulator = Emulator::start().await.unwrap();
    let (status, headers, body) = answer(
        as_demo(raw().post(url(
            &emulator,
            &format!("{}?Muted=true&Hold=true", one_path()),
        )))
        .header("content-type", "application/x-www-form-urlencoded"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["muted"].as_bool(), body["hold"].as_bool()),
        (Some(false), Some(false))
    );
    let warning = headers["x-emulator-warning"].to_str().unwrap();
    assert!(
        warning.contains("(Muted, Hold) was ignored") && warning.contains("form body"),
        "{warning}"
    );
    // In the body they apply, with no warning.
    let (status, headers, body) = answer(
        as_demo(raw().post(url(&emulator, &one_path())))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("Muted=true"),
    )
    .await;
    assert_eq!((status, body["muted"].as_bool()), (200, Some(true)));
    assert!(!headers.contains_key("x-emulator-warning"));
}
