//! An SMS auto-responder, served and texted: an app that answers SignalWire's signed
//! messaging requests with messaging cXML (opening hours for `HOURS`, nothing for `STOP`,
//! a hint otherwise) and hears its replies' status callbacks; and a customer's messages
//! that the built-in emulator takes in to the app's number, asks the app about, and sends
//! the replies of, as a SignalWire space would.
//!
//! ```text
//! cargo run --example auto_responder --features emulator
//! ```
//!
//! It exits 0 only when the customer's question got the hours as a reply from the app's
//! number, that reply's `delivered` status callback reached the app (signed, like every
//! request the app took), and `STOP` got no reply.
//!
//! The app is the part to keep: point a number's `SmsUrl` at `/sms` of it on a public host
//! and it serves a real space the same way.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    extract::{FromRef, State},
    routing::post,
};
use signalwire_compat::{
    MessageDirection, MessageStatus,
    cxml::{Message, MessagingResponse},
    emulator::Emulator,
    webhooks::{
        MessageRequest, MessageStatusCallback, UrlSource, Validator,
        axum::{Signed, WebhookConfig},
    },
};

/// The app's number, bought from the emulator.
const NUMBER: &str = "+15551230100";
/// The customer texting it.
const CUSTOMER: &str = "+15557654321";

/// What the app heard: each reply's status as its callbacks told it.
type Heard = Arc<Mutex<Vec<(String, MessageStatus)>>>;

#[derive(Clone)]
struct App {
    config: WebhookConfig,
    heard: Heard,
}

impl FromRef<App> for WebhookConfig {
    fn from_ref(app: &App) -> Self {
        app.config.clone()
    }
}

/// A message came in: what to answer it with.
async fn sms(Signed(message): Signed<MessageRequest>) -> MessagingResponse {
    let text = message.body.unwrap_or_default();
    println!(
        "app: {} says {text:?}",
        message.from.as_deref().unwrap_or("someone")
    );
    let words = text.to_lowercase();
    if words.trim() == "stop" {
        // Nothing is sent back to someone who asked for no more.
        return MessagingResponse::new();
    }
    let reply = if words.contains("hours") {
        "We are open 9 to 5, Monday to Friday."
    } else {
        "Thanks! Reply HOURS for our opening hours, or STOP to opt out."
    };
    MessagingResponse::new().message(Message::text(reply).status_callback("/status"))
}

/// A reply's status callback.
async fn status(
    State(app): State<App>,
    Signed(callback): Signed<MessageStatusCallback>,
) -> &'static str {
    println!(
        "app: reply {} is {}",
        callback.message_sid, callback.message_status
    );
    app.heard
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((callback.message_sid.to_string(), callback.message_status));
    "ok"
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start().await?;
    let heard: Heard = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app = format!("http://{}", listener.local_addr()?);
    let router = Router::new()
        .route("/sms", post(sms))
        .route("/status", post(status))
        .with_state(App {
            config: WebhookConfig {
                validator: Validator::new(emulator.signing_key()),
                url: UrlSource::Public(app.clone()),
            },
            heard: heard.clone(),
        });
    tokio::spawn(async move { axum::serve(listener, router).await });
    println!("emulator at {}, app at {app}", emulator.base_url());

    let client = emulator.client();
    client
        .incoming_phone_numbers()
        .create(NUMBER)
        .sms_url(format!("{app}/sms"))
        .send()
        .await?;

    // The customer asks; the app's cXML queues a reply, which the emulator sends.
    let wait = Duration::from_secs(10);
    let question = emulator
        .receive_message(CUSTOMER, NUMBER, "What are your hours?", &[])
        .await?;
    let queued = emulator
        .wait_for_message_log(&question.sid, wait, |e| e.is_verb("Message"))
        .await?;
    let reply_sid = queued
        .text("message_sid")
        .ok_or("the log names no reply")?
        .to_owned();
    let deadline = tokio::time::Instant::now() + wait;
    let delivered = |heard: &Heard| {
        heard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|(sid, status)| *sid == reply_sid && *status == MessageStatus::Delivered)
    };
    while !delivered(&heard) {
        if tokio::time::Instant::now() >= deadline {
            return Err(
                format!("no delivered callback for reply {reply_sid} within {wait:?}").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reply = client.message(&reply_sid).fetch().await?;
    println!(
        "reply {} from {} to {}: {:?} ({})",
        reply.sid,
        reply.from.as_deref().unwrap_or_default(),
        reply.to.as_deref().unwrap_or_default(),
        reply.body.as_deref().unwrap_or_default(),
        reply.status
    );
    if reply.from.as_deref() != Some(NUMBER)
        || reply.to.as_deref() != Some(CUSTOMER)
        || reply.direction != Some(MessageDirection::OutboundReply)
        || !reply.body.as_deref().unwrap_or_default().contains("9 to 5")
    {
        return Err(format!("the reply is not the hours, from the app's number: {reply:?}").into());
    }

    // STOP gets no reply: its document has no `<Message>`.
    let stop = emulator
        .receive_message(CUSTOMER, NUMBER, "STOP", &[])
        .await?;
    emulator
        .wait_for_message_log(&stop.sid, wait, |e| e.event == "ended")
        .await?;
    let replies = client.messages().list().to(CUSTOMER).send().await?;
    if replies.items.len() != 1 {
        return Err(format!("STOP was answered: {} replies", replies.items.len()).into());
    }
    for message in [&question, &stop] {
        let refused = emulator
            .message_log(&message.sid)?
            .into_iter()
            .filter(|e| e.event == "request" && e.detail.get("status") != Some(&200.into()))
            .count();
        if refused > 0 {
            return Err(format!("the app refused {refused} requests").into());
        }
    }
    println!("the question got the hours, delivered; STOP got nothing");
    Ok(())
}
