//! Messages: sent, followed, listed, redacted and deleted through the client, on the wire,
//! and in the emulator, where they are sent and delivered on its clock and tell signed
//! status callbacks.

#![cfg(feature = "emulator")]

mod support;

use std::{collections::HashMap, time::Duration};

use axum::body::Bytes;
use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{
    Client, ErrorKind, Message, MessageDirection, MessageStatus,
    emulator::{Clock, DELIVER_AFTER, Emulator, SEND_AFTER, demo},
    webhooks::{Payload, Validator},
};
use support::{callback_receiver as receiver, raw, send_as_demo as send};
use tokio::sync::mpsc;

const OURS: &str = "+15551230100";
const THEIRS: &str = "+15557654321";

async fn on_a_virtual_clock() -> Emulator {
    Emulator::builder()
        .clock(Clock::starting_at("2026-12-01T09:00:00Z".parse().unwrap()))
        .start()
        .await
        .unwrap()
}

/// Buys the number messages are sent from.
async fn buy(client: &Client) {
    client
        .incoming_phone_numbers()
        .create(OURS)
        .send()
        .await
        .unwrap();
}

/// The next callback's parameters, its signature checked with the emulator's key.
async fn next_callback(
    emulator: &Emulator,
    url: &str,
    events: &mut mpsc::UnboundedReceiver<(String, Bytes)>,
) -> HashMap<String, String> {
    let (signature, body) = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("a callback within 5 s")
        .expect("the receiver is up");
    Validator::new(emulator.signing_key())
        .check(&signature, url, Payload::FormBody(&body))
        .expect("signed with the project's key");
    url::form_urlencoded::parse(&body).into_owned().collect()
}

#[tokio::test]
async fn a_message_is_sent_and_delivered_on_the_emulators_clock() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    buy(&client).await;
    let (url, mut events) = receiver().await;
    let message = client
        .messages()
        .create(THEIRS)
        .from(OURS)
        .body("Your table is ready 🍽")
        .status_callback(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(message.status, MessageStatus::Queued);
    assert_eq!(message.direction, Some(MessageDirection::OutboundApi));
    assert_eq!(message.from.as_deref(), Some(OURS));
    assert_eq!(message.to.as_deref(), Some(THEIRS));
    // An emoji makes it UCS-2: 22 code units, one segment.
    assert_eq!(message.num_segments, Some(1));
    assert_eq!(message.num_media, Some(0));
    assert_eq!((message.date_sent, message.price), (None, None));
    assert_eq!(message.price_unit.as_deref(), Some("USD"));

    // Queued, it can be neither redacted nor deleted.
    let early = client.message(&message.sid).redact().await.unwrap_err();
    assert_eq!(early.status().map(|s| s.as_u16()), Some(422), "{early}");
    assert_eq!(early.code(), Some(20009));
    let early = client.message(&message.sid).remove().await.unwrap_err();
    assert_eq!(early.code(), Some(20009), "{early}");

    emulator.clock().advance(SEND_AFTER).unwrap();
    // It leaves the queue (`sending`) and is sent at the same moment: two callbacks.
    let sending = next_callback(&emulator, &url, &mut events).await;
    assert_eq!(sending["MessageStatus"], "sending");
    assert_eq!(sending["MessageSid"], message.sid.to_string());
    let sent = next_callback(&emulator, &url, &mut events).await;
    assert_eq!(sent["MessageStatus"], "sent");
    assert_eq!(sent["SmsStatus"], "sent");
    assert_eq!(sent["MessageSid"], message.sid.to_string());
    assert_eq!(sent["NumSegments"], "1");
    assert_eq!(sent["Body"], "Your table is ready 🍽");
    assert!(!sent.contains_key("ErrorCode"));
    let fetched = client.message(&message.sid).fetch().await.unwrap();
    assert_eq!(fetched.status, MessageStatus::Sent);
    assert_eq!(
        fetched.date_sent.unwrap().to_rfc3339(),
        "2026-12-01T09:00:01+00:00"
    );
    assert_eq!(fetched.price, Some(0.0075));

    emulator.clock().advance(DELIVER_AFTER).unwrap();
    let delivered = next_callback(&emulator, &url, &mut events).await;
    assert_eq!(delivered["MessageStatus"], "delivered");
    let fetched = client.message(&message.sid).fetch().await.unwrap();
    assert_eq!(fetched.status, MessageStatus::Delivered);

    // A long GSM-7 body takes 153 septets a segment.
    let long = client
        .messages()
        .create("+15557654322")
        .from(OURS)
        .body("x".repeat(307))
        .send()
        .await
        .unwrap();
    assert_eq!(long.num_segments, Some(3));

    // Listed newest first, with their filters.
    let listed = |to: Option<&str>, status: Option<MessageStatus>| {
        let mut list = client.messages().list();
        if let Some(to) = to {
            list = list.to(to);
        }
        if let Some(status) = status {
            list = list.status(status);
        }
        async move {
            list.stream()
                .try_collect::<Vec<Message>>()
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.sid)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed(None, None).await,
        [long.sid.clone(), message.sid.clone()]
    );
    assert_eq!(
        listed(Some(THEIRS), None).await,
        std::slice::from_ref(&message.sid)
    );
    assert_eq!(
        listed(None, Some(MessageStatus::Queued)).await,
        std::slice::from_ref(&long.sid)
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let on_the_day: Vec<Message> = client
        .messages()
        .list()
        .sent_on(day)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(on_the_day.len(), 1, "only the sent one has a date_sent");

    // Sent, it is redacted, then deleted.
    let redacted = client.message(&message.sid).redact().await.unwrap();
    assert_eq!(redacted.body.as_deref(), Some(""));
    assert_eq!(redacted.status, MessageStatus::Delivered);
    client.message(&message.sid).remove().await.unwrap();
    let gone = client.message(&message.sid).fetch().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let log = emulator.callbacks();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log.iter().all(|a| a.status == Some(200)));
}

#[tokio::test]
async fn a_message_to_an_unreachable_number_or_over_its_price_fails_with_its_code() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    buy(&client).await;
    let (url, mut events) = receiver().await;
    let unreachable = "+15550009999";
    let (status, body) = send(
        raw()
            .put(format!(
                "{}/__emulator/numbers/{}/behavior",
                emulator.base_url().split("/api/").next().unwrap(),
                urlencoding(unreachable)
            ))
            .json(&json!({"answer": "fail"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let lost = client
        .messages()
        .create(unreachable)
        .from(OURS)
        .body("Anyone there?")
        .status_callback(&url)
        .send()
        .await
        .unwrap();
    let dear = client
        .messages()
        .create(THEIRS)
        .from(OURS)
        .media_url(["https://example.com/menu.jpg"])
        .max_price("0.01")
        .status_callback(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(dear.num_media, Some(1));
    emulator
        .clock()
        .advance(SEND_AFTER + DELIVER_AFTER)
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let c = next_callback(&emulator, &url, &mut events).await;
        seen.push((
            c["MessageSid"].clone(),
            c["MessageStatus"].clone(),
            c.get("ErrorCode").cloned(),
        ));
    }
    seen.sort();
    let mut want = vec![
        (lost.sid.to_string(), "sending".to_owned(), None),
        (dear.sid.to_string(), "sending".to_owned(), None),
        (lost.sid.to_string(), "sent".to_owned(), None),
        (
            lost.sid.to_string(),
            "undelivered".to_owned(),
            Some("30003".to_owned()),
        ),
        (
            dear.sid.to_string(),
            "failed".to_owned(),
            Some("30010".to_owned()),
        ),
    ];
    want.sort();
    assert_eq!(seen, want);
    let lost = client.message(&lost.sid).fetch().await.unwrap();
    assert_eq!(
        (lost.status, lost.error_code),
        (MessageStatus::Undelivered, Some(30003))
    );
    let dear = client.message(&dear.sid).fetch().await.unwrap();
    assert_eq!(
        (dear.status, dear.error_code, dear.date_sent, dear.price),
        (MessageStatus::Failed, Some(30010), None, None)
    );
    assert_eq!(
        dear.error_message.as_deref(),
        Some("Message price exceeds max price")
    );
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn bad_arguments_fail_before_anything_is_sent() {
    // Nothing listens here: a request that were sent would fail otherwise.
    let client = support::client("http://127.0.0.1:9");
    let nine: Vec<String> = (0..9)
        .map(|i| format!("https://example.com/{i}.png"))
        .collect();
    let cases = [
        client
            .messages()
            .create(THEIRS)
            .body("Hi")
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create(THEIRS)
            .from(OURS)
            .messaging_service_sid("b3877c40-da60-4998-90ad-b792e98472aa")
            .body("Hi")
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create(THEIRS)
            .from(OURS)
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create("5557654321")
            .from(OURS)
            .body("Hi")
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create(THEIRS)
            .from(OURS)
            .media_url(nine)
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create(THEIRS)
            .from(OURS)
            .media_url(["menu.jpg"])
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create(THEIRS)
            .from(OURS)
            .body("x".repeat(1601))
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create(THEIRS)
            .from(OURS)
            .body("Hi")
            .validity_period(172_801)
            .send()
            .await
            .unwrap_err(),
        client
            .messages()
            .create(THEIRS)
            .from(OURS)
            .body("Hi")
            .max_price("cheap")
            .send()
            .await
            .unwrap_err(),
        client
            .message(support::CALL)
            .update("not empty")
            .send()
            .await
            .unwrap_err(),
        client.message("not-a-sid").fetch().await.unwrap_err(),
    ];
    let shown: Vec<String> = cases
        .iter()
        .map(|e| {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
            e.to_string()
        })
        .collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[tokio::test]
async fn the_emulator_refuses_what_signalwire_would() {
    let emulator = Emulator::start().await.unwrap();
    buy(&emulator.client()).await;
    let base = format!("{}/Accounts/{}", emulator.base_url(), demo::PROJECT_ID);
    let form = |path: &str, body: String| {
        raw()
            .post(format!("{base}/{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let ours = urlencoding(OURS);
    let theirs = urlencoding(THEIRS);
    let (status, queued) = send(form("Messages", format!("To={theirs}&From={ours}&Body=Hi"))).await;
    assert_eq!(status, 201, "{queued}");
    let sid = queued["sid"].as_str().unwrap().to_owned();
    let nine: String = (0..9)
        .map(|i| format!("&MediaUrl=https%3A%2F%2Fexample.com%2F{i}.png"))
        .collect();
    let cases = [
        ("no To", format!("From={ours}&Body=Hi")),
        ("no From", format!("To={theirs}&Body=Hi")),
        ("no Body or MediaUrl", format!("To={theirs}&From={ours}")),
        (
            "a From the project does not have",
            format!("To={theirs}&From=%2B15550000000&Body=Hi"),
        ),
        (
            "a number group",
            format!("To={theirs}&MessagingServiceSid=b3877c40-da60-4998-90ad-b792e98472aa&Body=Hi"),
        ),
        (
            "both From and a number group",
            format!(
                "To={theirs}&From={ours}&MessagingServiceSid=b3877c40-da60-4998-90ad-b792e98472aa&Body=Hi"
            ),
        ),
        ("nine media files", format!("To={theirs}&From={ours}{nine}")),
        (
            "a media URL that is not http",
            format!("To={theirs}&From={ours}&MediaUrl=ftp%3A%2F%2Fexample.com%2Fa.png"),
        ),
        (
            "a To that is not E.164",
            format!("To=5557654321&From={ours}&Body=Hi"),
        ),
        (
            "a ValidityPeriod out of range",
            format!("To={theirs}&From={ours}&Body=Hi&ValidityPeriod=0"),
        ),
        (
            "an application the project does not have",
            format!(
                "To={theirs}&From={ours}&Body=Hi&ApplicationSid=b3877c40-da60-4998-90ad-b792e98472ab"
            ),
        ),
        (
            "a status callback off this machine",
            format!("To={theirs}&From={ours}&Body=Hi&StatusCallback=https%3A%2F%2Fexample.com%2Fs"),
        ),
        (
            "an unknown field",
            format!("To={theirs}&From={ours}&Body=Hi&Colour=blue"),
        ),
    ];
    let mut shown = Vec::new();
    for (what, body) in cases {
        let (status, answer) = send(form("Messages", body)).await;
        shown.push(format!(
            "{what}: {status} {} {}",
            answer["code"], answer["message"]
        ));
    }
    for (what, request) in [
        (
            "redacting a queued message",
            form(&format!("Messages/{sid}"), "Body=".into()),
        ),
        (
            "a redaction with a body",
            form(&format!("Messages/{sid}"), "Body=new".into()),
        ),
        (
            "deleting a queued message",
            raw().delete(format!("{base}/Messages/{sid}")),
        ),
        (
            "an unknown filter",
            raw().get(format!("{base}/Messages?Colour=red")),
        ),
        (
            "a status no message has",
            raw().get(format!("{base}/Messages?Status=lost")),
        ),
    ] {
        let (status, answer) = send(request).await;
        shown.push(format!(
            "{what}: {status} {} {}",
            answer["code"], answer["message"]
        ));
    }
    insta::assert_snapshot!(shown.join("\n").replace(&sid, "[message sid]"));

    let missing = format!("{base}/Messages/{}", uuid::Uuid::from_u128(7));
    assert_eq!(send(raw().get(&missing)).await.0, 404);
    assert_eq!(send(raw().delete(&missing)).await.0, 404);
    let (status, listed) = send(raw().get(format!("{base}/Messages.json?To={theirs}"))).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["messages"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn requests_on_the_wire() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

    let server = MockServer::start().await;
    let message =
        json!({"sid": support::CALL, "account_sid": support::PROJECT, "status": "queued"});
    Mock::given(any())
        .respond_with(move |request: &wiremock::Request| {
            let path = request.url.path();
            match request.method.as_str() {
                "DELETE" => ResponseTemplate::new(204),
                "GET" if path.ends_with("Messages") => ResponseTemplate::new(200)
                    .set_body_json(json!({"messages": [message], "next_page_uri": null})),
                "POST" if path.ends_with("Messages") => {
                    ResponseTemplate::new(201).set_body_json(message.clone())
                }
                _ => ResponseTemplate::new(200).set_body_json(message.clone()),
            }
        })
        .mount(&server)
        .await;
    let client = support::client(&server.uri());
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    client
        .messages()
        .list()
        .to(THEIRS)
        .status(MessageStatus::Delivered)
        .sent_after(day)
        .page_size(20)
        .send()
        .await
        .unwrap();
    client
        .messages()
        .create(THEIRS)
        .from(OURS)
        .body("See you at 10 & bring €5")
        .media_url([
            "https://example.com/a.jpg",
            "https://example.com/b.png?size=large",
        ])
        .status_callback("https://example.com/status")
        .validity_period(600)
        .send()
        .await
        .unwrap();
    client.message(support::CALL).fetch().await.unwrap();
    client.message(support::CALL).redact().await.unwrap();
    client.message(support::CALL).remove().await.unwrap();
    let requests = support::received(&server).await;
    let shown: Vec<String> = requests.iter().map(support::wire).collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn signalwires_documented_example_reads_as_a_model() {
    // The example of SignalWire's spec, in its fields and values.
    let example = json!({
        "account_sid": "ea108133-d6b3-407c-9536-9fad8a929a6a",
        "api_version": "2010-04-01",
        "body": "Hello World!",
        "num_segments": 1,
        "num_media": 1,
        "date_created": "Mon, 13 Aug 2018 21:38:46 +0000",
        "date_sent": "Mon, 13 Aug 2018 21:38:46 +0000",
        "date_updated": "Mon, 13 Aug 2018 21:38:46 +0000",
        "direction": "outbound-api",
        "error_code": "30001",
        "error_message": "Queue overflow",
        "from": "+15551234567",
        "price": 0.005,
        "price_unit": "USD",
        "sid": "0a059168-ead0-41af-9d1f-343dae832527",
        "status": "failed",
        "to": "+15557654321",
        "messaging_service_sid": "b3877c40-da60-4998-90ad-b792e98472ms",
        "uri": "/api/laml/2010-04-01/Accounts/ea108133-d6b3-407c-9536-9fad8a929a6a/Messages/0a059168-ead0-41af-9d1f-343dae832527.json",
        "subresource_uris": {
            "media": "/api/laml/2010-04-01/Accounts/ea108133-d6b3-407c-9536-9fad8a929a6a/Messages/0a059168-ead0-41af-9d1f-343dae832527/Media.json"
        }
    });
    let message: Message = serde_json::from_value(example).unwrap();
    assert_eq!(message.status, MessageStatus::Failed);
    assert_eq!(message.error_code, Some(30001));
    assert_eq!(message.num_media, Some(1));
    assert_eq!(message.price, Some(0.005));
    // Twilio writes its counts and prices as text.
    let twilio: Message = serde_json::from_value(json!({
        "sid": "SM00000000000000000000000000000000",
        "account_sid": "AC00000000000000000000000000000000",
        "status": "delivered",
        "num_segments": "2",
        "num_media": "0",
        "price": "-0.00790",
        "error_code": null
    }))
    .unwrap();
    assert_eq!(twilio.num_segments, Some(2));
    assert_eq!(twilio.price, Some(-0.0079));
}

#[tokio::test]
async fn a_messages_media_are_listed_fetched_and_deleted_once_it_is_sent() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    buy(&client).await;
    let sent = client
        .messages()
        .create(THEIRS)
        .from(OURS)
        .media_url([
            "https://example.com/menu.JPG?size=large",
            "https://example.com/terms.pdf",
        ])
        .send()
        .await
        .unwrap();
    let message = client.message(&sent.sid);
    let media = message.media_files().list().send().await.unwrap().items;
    let types: Vec<Option<&str>> = media.iter().map(|m| m.content_type.as_deref()).collect();
    assert_eq!(types, [Some("image/jpeg"), Some("application/pdf")]);
    assert!(media.iter().all(|m| m.parent_sid == sent.sid));
    assert!(media[0].uri.as_deref().unwrap().ends_with(&format!(
        "/Messages/{}/Media/{}.json",
        sent.sid, media[0].sid
    )));

    // Not while the message is on its way.
    let early = message
        .media_file(&media[0].sid)
        .remove()
        .await
        .unwrap_err();
    assert_eq!(
        (early.status().map(|s| s.as_u16()), early.code()),
        (Some(422), Some(20009)),
        "{early}"
    );
    emulator.clock().advance(SEND_AFTER).unwrap();
    message.media_file(&media[0].sid).remove().await.unwrap();
    let gone = message.media_file(&media[0].sid).fetch().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let left = message.media_files().list().send().await.unwrap().items;
    assert_eq!(left.len(), 1);
    let pdf = message.media_file(&left[0].sid).fetch().await.unwrap();
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    // The message still says what it was sent with.
    assert_eq!(message.fetch().await.unwrap().num_media, Some(2));
    // A day filter passes the day they were made, and no other.
    let today = message
        .media_files()
        .list()
        .created_on("2026-12-01".parse().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(today.items.len(), 1);
    let before = message
        .media_files()
        .list()
        .created_before("2026-12-01".parse().unwrap())
        .send()
        .await
        .unwrap();
    assert!(before.items.is_empty());

    // The media of a message the project does not have: 404.
    let unknown = client
        .message("4d2bd6d7-62a9-4b7c-9d2e-5fd2a7a5e9a0")
        .media_files()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(unknown.is_not_found(), "{unknown}");
}

#[tokio::test]
async fn a_numbers_rule_says_what_becomes_of_a_message_to_it_with_signalwires_codes() {
    let emulator = on_a_virtual_clock().await;
    let client = emulator.client();
    buy(&client).await;
    let root = emulator
        .base_url()
        .split("/api/")
        .next()
        .unwrap()
        .to_owned();
    let rule = |number: &str, body: serde_json::Value| {
        raw()
            .put(format!(
                "{root}/__emulator/numbers/{}/behavior",
                urlencoding(number)
            ))
            .json(&body)
    };
    let (status, body) = send(rule(
        "+15550001001",
        json!({"message": "undelivered", "error_code": 30005}),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["behavior"]["error_code"], 30005);
    let (status, _) = send(rule("+15550001002", json!({"message": "failed"}))).await;
    assert_eq!(status, 200);
    // A code that is not a message's, or one without a fate to go with it, is refused.
    for bad in [
        json!({"message": "undelivered", "error_code": 21211}),
        json!({"error_code": 30005}),
        json!({"message": "lost"}),
    ] {
        let (status, body) = send(rule("+15550001003", bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let mut sent = Vec::new();
    for to in ["+15550001001", "+15550001002"] {
        let message = client
            .messages()
            .create(to)
            .from(OURS)
            .body("Hello")
            .send()
            .await
            .unwrap();
        sent.push(message.sid);
    }
    emulator
        .clock()
        .advance(SEND_AFTER + DELIVER_AFTER)
        .unwrap();
    let unknown = client.message(&sent[0]).fetch().await.unwrap();
    assert_eq!(
        (
            unknown.status,
            unknown.error_code,
            unknown.error_message.as_deref()
        ),
        (
            MessageStatus::Undelivered,
            Some(30005),
            Some("Unknown destination handset")
        )
    );
    assert!(unknown.date_sent.is_some());
    let failed = client.message(&sent[1]).fetch().await.unwrap();
    assert_eq!(
        (failed.status, failed.error_code, failed.date_sent),
        (MessageStatus::Failed, Some(30008), None)
    );
}
