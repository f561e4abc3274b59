//! A message comes in to a number of the project: the emulator asks the number's SmsUrl
//! (signed, with SignalWire's parameters), sends the replies its messaging cXML gives, asks
//! a `<Message>`'s action once its reply is sent, follows `<Redirect>`, and goes to the
//! fallback URL when the app fails.

#![cfg(feature = "emulator")]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use signalwire_compat::{
    Client, MessageDirection, MessageStatus,
    emulator::Emulator,
    webhooks::{MessageRequest, Payload, Validator},
};
use support::voice::{Asked, asked_for, control, emulator, pages_app, value};

const OURS: &str = "+15551230100";
const THEIRS: &str = "+15557654321";

/// Buys the number messages come in to, its messaging URL `sms_url`.
async fn buy(client: &Client, sms_url: &str, fallback: Option<&str>) {
    let mut create = client
        .incoming_phone_numbers()
        .create(OURS)
        .sms_url(sms_url);
    if let Some(fallback) = fallback {
        create = create.sms_fallback_url(fallback);
    }
    create.send().await.unwrap();
}

/// A message from THEIRS to OURS comes in: its SID.
async fn text_in(emulator: &Emulator, body: Value) -> String {
    let (status, message) = control(emulator, "POST", "/messages", body).await;
    assert_eq!(status, 201, "{message}");
    message["sid"].as_str().unwrap().to_owned()
}

/// The message's log, oldest first.
async fn log(emulator: &Emulator, sid: &str) -> Vec<Value> {
    let (status, body) = control(
        emulator,
        "GET",
        &format!("/messages/{sid}/log"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["log"].as_array().cloned().unwrap_or_default()
}

/// Waits (in real time, at most 5 s) until the message's log has an entry `wanted` takes.
async fn until(emulator: &Emulator, sid: &str, what: &str, wanted: impl Fn(&Value) -> bool) {
    for _ in 0..500 {
        if log(emulator, sid).await.iter().any(&wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no {what} in the log: {:#?}", log(emulator, sid).await);
}

/// The project's messages of a direction, oldest first.
async fn messages(client: &Client, direction: MessageDirection) -> Vec<signalwire_compat::Message> {
    let mut all: Vec<_> = client
        .messages()
        .list()
        .send()
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|m| m.direction.as_ref() == Some(&direction))
        .collect();
    all.reverse();
    all
}

/// Checks the signature of what the app at `origin` was asked at `path`, and reads it.
fn read(emulator: &Emulator, origin: &str, asked: &Asked, path: &str) -> Vec<MessageRequest> {
    let validator = Validator::new(emulator.signing_key());
    asked
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _, _)| p == path)
        .map(|(p, signature, form)| {
            validator
                .check(signature, &format!("{origin}{p}"), Payload::Form(form))
                .expect("signed with the project's key");
            MessageRequest::from_form(form).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn a_message_in_is_answered_by_the_numbers_cxml_and_its_action_hears_how_the_reply_went() {
    let (app, asked) = pages_app(|origin| {
        vec![
            (
                "/sms",
                r#"<Response>
                        <Message>Thanks! We open at 9.</Message>
                        <Message to="+15550001111" action="/sent">
                            <Body>Someone asked</Body><Body>: opening hours</Body>
                            <Media>/menu.jpg</Media>
                        </Message>
                        <Message>Never sent: the action's document comes instead.</Message>
                    </Response>"#
                    .to_owned(),
            ),
            (
                "/sent",
                format!("<Response><Redirect>{origin}/last</Redirect></Response>"),
            ),
            (
                "/last",
                "<Response><Message>Bye</Message></Response>".into(),
            ),
        ]
    })
    .await;
    let emulator = emulator().await;
    let client = emulator.client();
    buy(&client, &format!("{app}/sms"), None).await;

    let (status, inbound) = control(
        &emulator,
        "POST",
        "/messages",
        json!({"from": THEIRS, "to": OURS, "body": "Hours?", "media_urls": ["https://example.com/photo.png"]}),
    )
    .await;
    assert_eq!(status, 201, "{inbound}");
    assert_eq!(inbound["status"], "received");
    assert_eq!(inbound["direction"], "inbound");
    assert_eq!(inbound["num_media"], 1);
    let sid = inbound["sid"].as_str().unwrap().to_owned();

    // The number's SmsUrl is asked at once, signed, with what came in.
    asked_for(&asked, "/sms", 1).await;
    let request = read(&emulator, &app, &asked, "/sms").remove(0);
    assert_eq!(request.message_sid.as_str(), sid);
    assert_eq!(
        request.account_sid.as_str(),
        emulator.project_id().to_string()
    );
    assert_eq!(
        (request.from.as_deref(), request.to.as_deref()),
        (Some(THEIRS), Some(OURS))
    );
    assert_eq!(request.body.as_deref(), Some("Hours?"));
    assert_eq!(request.sms_status, Some(MessageStatus::Received));
    assert_eq!(
        (request.num_media, request.num_segments),
        (Some(1), Some(1))
    );
    assert_eq!(request.media[0].url, "https://example.com/photo.png");
    assert_eq!(request.media[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(request.other.get("SmsMessageSid"), Some(&sid));

    // Two replies are queued: to the sender by default, and to where `to` says.
    until(&emulator, &sid, "the second reply", |e| {
        e["verb"] == "Message" && e["to"] == "+15550001111"
    })
    .await;
    let replies = messages(&client, MessageDirection::OutboundReply).await;
    let sent: Vec<(Option<&str>, Option<&str>, Option<&str>)> = replies
        .iter()
        .map(|m| (m.from.as_deref(), m.to.as_deref(), m.body.as_deref()))
        .collect();
    assert_eq!(
        sent,
        [
            (Some(OURS), Some(THEIRS), Some("Thanks! We open at 9.")),
            (
                Some(OURS),
                Some("+15550001111"),
                Some("Someone asked: opening hours")
            ),
        ]
    );
    assert!(replies.iter().all(|m| m.status == MessageStatus::Queued));
    assert_eq!(replies[1].num_media, Some(1));
    assert_eq!(
        asked.lock().unwrap().len(),
        1,
        "the action waits for its reply"
    );

    // Once the reply leaves the queue, the action hears how it went; its redirect is
    // followed, and what comes after the `<Message action>` is never run.
    emulator.clock().advance(Duration::from_secs(1)).unwrap();
    let action = asked_for(&asked, "/sent", 1).await.remove(0);
    assert_eq!(value(&action, "MessageStatus"), Some("sent"));
    assert_eq!(value(&action, "MessageSid"), Some(sid.as_str()));
    assert_eq!(value(&action, "ErrorCode"), None);
    asked_for(&asked, "/last", 1).await;
    until(&emulator, &sid, "the end", |e| e["event"] == "ended").await;
    let bodies: Vec<Option<String>> = messages(&client, MessageDirection::OutboundReply)
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(
        bodies,
        [
            Some("Thanks! We open at 9.".to_owned()),
            Some("Someone asked: opening hours".to_owned()),
            Some("Bye".to_owned())
        ]
    );
    // The message that came in is listed as received, and nothing else is.
    let inbound = messages(&client, MessageDirection::Inbound).await;
    assert_eq!(inbound.len(), 1);
    assert_eq!(inbound[0].status, MessageStatus::Received);
}

#[tokio::test]
async fn an_app_that_fails_sends_the_message_to_its_fallback_once_and_the_log_says_why() {
    let (app, asked) = pages_app(|_| {
        vec![
            ("/broken", "<Response><message>lower case</message></Response>".into()),
            (
                "/fallback",
                r#"<Response><Message from="+15559990000">Not ours</Message><Message>Sorry, try later</Message></Response>"#.into(),
            ),
        ]
    })
    .await;
    let emulator = emulator().await;
    let client = emulator.client();
    buy(
        &client,
        &format!("{app}/missing"),
        Some(&format!("{app}/fallback")),
    )
    .await;

    // The SmsUrl answers 404: the fallback is asked with the error and the URL that failed.
    let sid = text_in(
        &emulator,
        json!({"from": THEIRS, "to": OURS, "body": "Hello"}),
    )
    .await;
    let fallback = asked_for(&asked, "/fallback", 1).await.remove(0);
    assert_eq!(value(&fallback, "ErrorCode"), Some("11200"));
    assert_eq!(
        value(&fallback, "ErrorUrl"),
        Some(format!("{app}/missing").as_str())
    );
    // A `<Message>` from a number the project does not have is not sent (14102); the next
    // one is.
    until(&emulator, &sid, "the apology", |e| e["verb"] == "Message").await;
    let entries = log(&emulator, &sid).await;
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "error" && e["code"] == 14102),
        "{entries:#?}"
    );
    let replies = messages(&client, MessageDirection::OutboundReply).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].body.as_deref(), Some("Sorry, try later"));

    // A document that is not messaging cXML is 12100; with no fallback, the run ends.
    client
        .incoming_phone_number(client_number_sid(&client).await)
        .update()
        .sms_url(format!("{app}/broken"))
        .sms_fallback_url("")
        .send()
        .await
        .unwrap();
    let sid = text_in(
        &emulator,
        json!({"from": THEIRS, "to": OURS, "body": "Again"}),
    )
    .await;
    until(&emulator, &sid, "the end", |e| e["event"] == "ended").await;
    let entries = log(&emulator, &sid).await;
    let error = entries.iter().find(|e| e["event"] == "error").unwrap();
    assert_eq!(error["code"], 12100, "{entries:#?}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("names are case-sensitive"),
        "{error}"
    );
    assert_eq!(asked_for(&asked, "/broken", 1).await.len(), 1);
}

/// The SID of the project's one number.
async fn client_number_sid(client: &Client) -> String {
    client
        .incoming_phone_numbers()
        .list()
        .send()
        .await
        .unwrap()
        .items[0]
        .sid
        .to_string()
}

#[tokio::test]
async fn a_message_in_is_checked_and_a_number_without_an_sms_url_keeps_it_unanswered() {
    let emulator = emulator().await;
    let client = emulator.client();
    // Not a number of the project: 404, with what to do.
    let (status, body) = control(
        &emulator,
        "POST",
        "/messages",
        json!({"from": THEIRS, "to": OURS, "body": "Hi"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (404, json!(20404)),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("SmsUrl"),
        "{body}"
    );

    client
        .incoming_phone_numbers()
        .create(OURS)
        .send()
        .await
        .unwrap();
    let too_many: Vec<String> = (0..11)
        .map(|n| format!("https://example.com/{n}.jpg"))
        .collect();
    let bad: [(Value, &str); 6] = [
        (
            json!({"from": THEIRS, "to": OURS}),
            "a body, media_urls, or both",
        ),
        (
            json!({"from": THEIRS, "to": OURS, "body": ""}),
            "a body, media_urls, or both",
        ),
        (
            json!({"from": THEIRS, "to": OURS, "body": "x".repeat(1_601)}),
            "at most 1600",
        ),
        (
            json!({"from": THEIRS, "to": OURS, "media_urls": too_many}),
            "at most 10",
        ),
        (
            json!({"from": THEIRS, "to": OURS, "media_urls": ["/relative.jpg"]}),
            "absolute",
        ),
        (
            json!({"from": THEIRS, "to": OURS, "body": "hi", "colour": "red"}),
            "colour",
        ),
    ];
    for (request, why) in bad {
        let (status, body) = control(&emulator, "POST", "/messages", request.clone()).await;
        assert_eq!(status, 400, "{request}: {body}");
        assert!(
            body["message"].as_str().unwrap_or_default().contains(why),
            "{request}: {body}"
        );
    }
    let (status, _) = control(&emulator, "GET", "/messages", Value::Null).await;
    assert_eq!(status, 405);

    // A number with no SmsUrl keeps what came in, and says it asked nothing.
    let sid = text_in(
        &emulator,
        json!({"from": THEIRS, "to": OURS, "body": "Anyone?"}),
    )
    .await;
    until(&emulator, &sid, "the skip", |e| e["event"] == "skipped").await;
    let fetched = client.message(sid.as_str()).fetch().await.unwrap();
    assert_eq!(fetched.status, MessageStatus::Received);
    assert_eq!(fetched.body.as_deref(), Some("Anyone?"));
    // An unknown message has no log.
    let (status, _) = control(
        &emulator,
        "GET",
        "/messages/4d2bd6d7-62a9-4b7c-9d2e-5fd2a7a5e9a0/log",
        Value::Null,
    )
    .await;
    assert_eq!(status, 404);
}
