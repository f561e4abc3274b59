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
//! It prints what the app heard and each call's log (every request to the app, verb run, key
//! pressed, recording made), and exits 0 only when both calls went where their keys sent
//! them: the first caller was a participant of the conference, whose status callbacks reached
//! the app; the second left a recording; and the app took every request (its extractors
//! refuse one without a valid signature with 403, which the call's log would show).
//!
//! The app is the part to keep: point a number's voice URL at `/voice` of it on a public
//! host and it serves a real space the same way (its signatures are checked with your
//! project's Signing Key).

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
    Call,
    cxml::{
        Conference, ConferenceEvent, Dial, Events, Gather, Record, Redirect, Say, VoiceResponse,
    },
    emulator::{CallLogEntry, Emulator},
    webhooks::{
        ConferenceEventKind, UrlSource, Validator, VoiceRequest,
        axum::{Signed, SignedEvent, WebhookConfig},
    },
};

/// What the app heard, in order.
type Heard = Arc<Mutex<Vec<String>>>;

/// The app's state: how requests are checked, and what it heard (for the demo to look at).
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

impl App {
    fn hear(&self, what: String) {
        println!("app: {what}");
        self.heard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(what);
    }
}

/// The app's first document: the menu.
async fn voice(State(app): State<App>, Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
    app.hear(format!("call {} asks for the menu", call.call_sid));
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
async fn menu(State(app): State<App>, Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
    app.hear(format!("call {} pressed {:?}", call.call_sid, call.digits));
    match call.digits.as_deref() {
        Some("1") => VoiceResponse::new()
            .say(Say::new("Joining the standup."))
            .dial(
                Dial::new().conference(
                    Conference::new("standup")
                        .status_callback("/events")
                        .status_callback_event(Events::of([
                            ConferenceEvent::Start,
                            ConferenceEvent::End,
                            ConferenceEvent::Join,
                            ConferenceEvent::Leave,
                        ])),
                ),
            ),
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
async fn recorded(State(app): State<App>, Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
    app.hear(format!(
        "call {} left voicemail {} of {} s",
        call.call_sid,
        call.recording_sid
            .map(|s| s.to_string())
            .unwrap_or_default(),
        call.recording_duration.unwrap_or_default(),
    ));
    VoiceResponse::new()
        .say(Say::new("Thank you. Goodbye."))
        .hangup()
}

/// The conference's status callbacks.
async fn events(State(app): State<App>, SignedEvent(event): SignedEvent) -> &'static str {
    let call = event
        .call_sid
        .map(|c| format!(" of call {c}"))
        .unwrap_or_default();
    app.hear(format!("{}{call}", event.kind));
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
    let (app, heard) = serve(&emulator).await?;
    println!("emulator at {}, app at {app}", emulator.base_url());
    let client = emulator.client();
    let wait = Duration::from_secs(20);

    // Alice presses 1 and joins the standup.
    let alice = call_the_menu(&emulator, &app, "+15550100001", "1").await?;
    emulator
        .wait_for_log(&alice.sid, wait, |e| e.is_verb("Dial"))
        .await?;
    let room = client.conferences().find_by_name("standup").await?;
    let people = client
        .conference(&room.sid)
        .participants()
        .list()
        .send()
        .await?;
    if !people.items.iter().any(|p| p.call_sid == alice.sid) {
        return Err(format!("alice is not in the standup: {:#?}", people.items).into());
    }
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

    // The conference's events reach the app as they are delivered, in the background.
    let joined = format!(
        "{} of call {}",
        ConferenceEventKind::ParticipantJoin,
        alice.sid
    );
    let ended = ConferenceEventKind::ConferenceEnd.to_string();
    let has = |what: &str| {
        heard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|h| h == what)
    };
    for _ in 0..500 {
        if has(&ended) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for wanted in [&joined, &ended] {
        if !has(wanted) {
            return Err(format!("the app never heard {wanted:?}").into());
        }
    }
    // A request the app refused (a bad signature is a 403) shows in the call's log.
    for call in [&alice, &bob] {
        let refused = emulator
            .call_log(&call.sid)?
            .into_iter()
            .filter(|e| e.event == "request" && e.detail.get("status") != Some(&200.into()))
            .count();
        if refused > 0 {
            return Err(format!("the app refused {refused} requests of call {}", call.sid).into());
        }
    }
    println!("every request was taken, and both calls went where their keys sent them");
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
/// the emulator's Signing Key: its origin, and what it hears.
async fn serve(emulator: &Emulator) -> Result<(String, Heard), Box<dyn std::error::Error>> {
    let heard = Heard::default();
    let app = App {
        config: WebhookConfig {
            validator: Validator::new(emulator.signing_key()),
            url: UrlSource::Host {
                scheme: "http".into(),
            },
        },
        heard: heard.clone(),
    };
    let router = Router::new()
        .route("/voice", post(voice))
        .route("/menu", post(menu))
        .route("/recorded", post(recorded))
        .route("/events", post(events))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("error: the app stopped: {e}");
        }
    });
    Ok((origin, heard))
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
