//! A phone menu, served and called: an app that answers SignalWire's signed requests with
//! cXML (a menu; 1 joins the team's conference, 2 leaves a voicemail), and two calls placed
//! through the REST API that the built-in emulator rings, answers and runs as a SignalWire
//! space would: it asks the app for each document, signed, follows the verbs, and the
//! callers press keys and speak through the emulator.
//!
//! ```text
//! cargo run --example ivr --features emulator
//! ```
//!
//! It prints each call's log (every request to the app, verb run, key pressed, recording
//! made) and exits 0 when both calls went where their keys sent them.
//!
//! The app is the part to keep: point a number's voice URL at `/voice` of it on a public
//! host and it serves a real space the same way (its signatures are checked with your
//! project's Signing Key).

use std::time::Duration;

use axum::{Router, routing::post};
use signalwire_compat::{
    Call,
    cxml::{Conference, Dial, Gather, Record, Redirect, Say, VoiceResponse},
    emulator::{CallLogEntry, Emulator},
    webhooks::{
        UrlSource, Validator, VoiceRequest,
        axum::{Signed, WebhookConfig},
    },
};

/// The app's first document: the menu.
async fn voice(Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
    println!(
        "app: call {} from {:?} asks for the menu",
        call.call_sid, call.from
    );
    VoiceResponse::new()
        .gather(
            Gather::new()
                .num_digits(1u32)
                .action("/menu")
                .say(Say::new("Press 1 for the standup, 2 to leave a message.")),
        )
        .say(Say::new("We did not hear a choice. Goodbye."))
}

/// Where the menu's key sends the call.
async fn menu(Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
    match call.digits.as_deref() {
        Some("1") => VoiceResponse::new()
            .say(Say::new("Joining the standup."))
            .dial(Dial::new().conference(Conference::new("standup"))),
        Some("2") => VoiceResponse::new()
            .say(Say::new(
                "Leave a message after the beep, then press pound.",
            ))
            .record(
                Record::new()
                    .action("/recorded")
                    .finish_on_key("#")
                    .max_length(120u32),
            ),
        _ => VoiceResponse::new().redirect(Redirect::new("/voice")),
    }
}

/// After the voicemail: thanks, and goodbye.
async fn recorded(Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
    println!(
        "app: voicemail {} of {} s at {}",
        call.recording_sid
            .map(|s| s.to_string())
            .unwrap_or_default(),
        call.recording_duration.unwrap_or_default(),
        call.recording_url.unwrap_or_default()
    );
    VoiceResponse::new()
        .say(Say::new("Thank you. Goodbye."))
        .hangup()
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
    let app = serve(&emulator).await?;
    println!("emulator at {}, app at {app}", emulator.base_url());
    let client = emulator.client();
    let wait = Duration::from_secs(20);

    // Alice presses 1 and joins the standup.
    let alice = call_the_menu(&emulator, &app, "+15550100001", "1").await?;
    emulator
        .wait_for_log(&alice.sid, wait, |e| e.is_verb("Dial"))
        .await?;
    let room = client.conferences().find_by_name("standup").await?;
    println!("alice is in conference {} ({})", room.sid, room.status);

    // Bob presses 2, leaves a message and presses pound.
    let bob = call_the_menu(&emulator, &app, "+15550100002", "2").await?;
    emulator
        .wait_for_log(&bob.sid, wait, |e| {
            e.event == "recording" && e.text("status") == Some("in-progress")
        })
        .await?;
    emulator.say(&bob.sid, "Hi, it's Bob, I will be late today")?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    emulator.press(&bob.sid, "#")?;
    emulator
        .wait_for_log(&bob.sid, wait, |e| e.event == "ended")
        .await?;

    // Alice hangs up; the conference, its last participant gone, ends.
    emulator.hang_up(&alice.sid)?;
    emulator
        .wait_for_log(&alice.sid, wait, |e| e.event == "ended")
        .await?;

    for (who, call) in [("alice", &alice), ("bob", &bob)] {
        println!("\n{who}'s call {}:", call.sid);
        for entry in emulator.call_log(&call.sid)? {
            println!("  {}", line(&entry));
        }
    }
    let recordings = client.recordings().list().call_sid(&bob.sid).send().await?;
    let voicemail = recordings
        .items
        .first()
        .ok_or("bob's call has no recording")?;
    println!(
        "\nbob's voicemail: {} ({} s, {})",
        voicemail.sid,
        voicemail.duration.unwrap_or_default(),
        voicemail.status
    );
    let room = client.conference(room.sid).fetch().await?;
    println!("the standup is {}", room.status);
    Ok(())
}

/// Places a call from the app's number to `to`, which runs the app's menu, and presses
/// `key` when the menu asks: the call.
async fn call_the_menu(
    emulator: &Emulator,
    app: &str,
    to: &str,
    key: &str,
) -> Result<Call, Box<dyn std::error::Error>> {
    let call = emulator
        .client()
        .calls()
        .create(to, "+15550109999")
        .url(format!("{app}/voice"))
        .send()
        .await?;
    emulator
        .wait_for_log(&call.sid, Duration::from_secs(20), |e| e.is_verb("Gather"))
        .await?;
    emulator.press(&call.sid, key)?;
    Ok(call)
}

/// Serves the app on a free port of this machine, checking every request's signature with
/// the emulator's Signing Key: its origin.
async fn serve(emulator: &Emulator) -> Result<String, Box<dyn std::error::Error>> {
    let config = WebhookConfig {
        validator: Validator::new(emulator.signing_key()),
        url: UrlSource::Host {
            scheme: "http".into(),
        },
    };
    let router = Router::new()
        .route("/voice", post(voice))
        .route("/menu", post(menu))
        .route("/recorded", post(recorded))
        .with_state::<()>(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("error: the app stopped: {e}");
        }
    });
    Ok(origin)
}

/// A log entry on one line: its time, its event, and what happened.
fn line(entry: &CallLogEntry) -> String {
    let time = entry.at.get(11..23).unwrap_or(&entry.at);
    let mut detail = entry.detail.clone();
    // The parameters of each request are many; the log keeps them, this line does not.
    detail.remove("params");
    format!(
        "{time} {:<9} {}",
        entry.event,
        serde_json::Value::Object(detail)
    )
}
