//! A small receiver of conference status callbacks: it checks each request's signature with
//! the project's Signing Key, reads the event, and prints it. A request whose signature does
//! not match gets 403 and is not printed.
//!
//! With no configuration it is its own demo: it starts the built-in emulator with the demo
//! conference's callbacks pointed at itself, mutes, holds and removes a participant and ends
//! the conference, prints the events the emulator sends, and exits:
//!
//! ```text
//! cargo run --example webhook_receiver --features emulator
//! ```
//!
//! To receive a real space's callbacks, give the Signing Key and the public URL the space
//! calls (behind ngrok, say), and point a `<Conference statusCallback="…">` at it:
//!
//! ```text
//! SIGNALWIRE_SIGNING_KEY=PSK_… PUBLIC_URL=https://abc123.ngrok.io \
//!     cargo run --example webhook_receiver --features axum -- 127.0.0.1:3000
//! ```

use std::net::SocketAddr;

use axum::{Router, extract::State, routing::any};
use signalwire_compat::webhooks::{
    ConferenceEvent, ConferenceEventKind, SigningKey, UrlSource, Validator,
    axum::{SignedEvent, WebhookConfig},
};
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("SIGNALWIRE_SIGNING_KEY") {
        Ok(key) => {
            let listen: SocketAddr = std::env::args()
                .nth(1)
                .unwrap_or_else(|| "127.0.0.1:3000".into())
                .parse()
                .map_err(|e| format!("the address to listen on is not valid: {e}"))?;
            let url = match std::env::var("PUBLIC_URL") {
                Ok(public) => UrlSource::Public(public),
                Err(_) => UrlSource::Host {
                    scheme: "http".into(),
                },
            };
            let (addr, mut events) = receive(listen, SigningKey::new(key)?, url).await?;
            eprintln!("receiving conference events at http://{addr}/events");
            while let Some(event) = events.recv().await {
                print(&event);
            }
            Ok(())
        }
        #[cfg(feature = "emulator")]
        Err(_) => demo().await,
        #[cfg(not(feature = "emulator"))]
        Err(_) => {
            Err("set SIGNALWIRE_SIGNING_KEY, or build with --features emulator for the demo".into())
        }
    }
}

/// Serves `/events` on `listen`, sending each event whose signature checks out to the
/// returned channel.
async fn receive(
    listen: SocketAddr,
    key: SigningKey,
    url: UrlSource,
) -> Result<(SocketAddr, mpsc::UnboundedReceiver<ConferenceEvent>), Box<dyn std::error::Error>> {
    #[derive(Clone)]
    struct App {
        config: WebhookConfig,
        events: mpsc::UnboundedSender<ConferenceEvent>,
    }
    impl axum::extract::FromRef<App> for WebhookConfig {
        fn from_ref(app: &App) -> Self {
            app.config.clone()
        }
    }
    async fn event(State(app): State<App>, SignedEvent(event): SignedEvent) -> &'static str {
        let _ = app.events.send(event);
        "ok"
    }

    let (tx, rx) = mpsc::unbounded_channel();
    let app = App {
        config: WebhookConfig {
            validator: Validator::new(key),
            url,
        },
        events: tx,
    };
    let router = Router::new().route("/events", any(event)).with_state(app);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("error: the receiver stopped: {e}");
        }
    });
    Ok((addr, rx))
}

fn print(event: &ConferenceEvent) {
    let flag = |name: &str, value: Option<bool>| {
        value.map_or_else(String::new, |v| format!(" {name}={v}"))
    };
    let call = event
        .call_sid
        .as_ref()
        .map_or_else(String::new, |c| format!(" call={c}"));
    println!(
        "#{} {} conference={}{call}{}{}",
        event
            .sequence_number
            .map_or_else(|| "-".to_owned(), |n| n.to_string()),
        event.kind,
        event.conference_sid,
        flag("muted", event.muted),
        flag("hold", event.hold),
    );
}

/// The emulator calls this receiver back while a client changes its demo conference.
#[cfg(feature = "emulator")]
async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    use signalwire_compat::emulator::{Emulator, demo};

    // Listen first, so that the conference's callback can name the address.
    let key = SigningKey::new(demo::SIGNING_KEY)?;
    let url = UrlSource::Host {
        scheme: "http".into(),
    };
    let (addr, mut events) = receive("127.0.0.1:0".parse()?, key, url).await?;
    let mut seed = demo::seed();
    let conference = seed.projects[0]
        .conferences
        .iter_mut()
        .find(|c| c.sid == demo::CONFERENCE_SID)
        .ok_or("the demo seed has its conference")?;
    conference.status_callback = Some(serde_json::from_value(serde_json::json!({
        "url": format!("http://{addr}/events"),
        "twilio_fields": true,
    }))?);
    let emulator = Emulator::builder().seed(seed).start().await?;
    eprintln!(
        "emulator at {}, receiver at http://{addr}/events",
        emulator.base_url()
    );

    let client = emulator.client();
    let conference = client.conference(demo::CONFERENCE_SID);
    let alice = conference.participant(demo::CALL_SIDS[0]);
    alice.update().muted(true).send().await?;
    alice.update().hold(true).send().await?;
    alice.remove().await?;
    conference.end().await?;

    // A conference's events arrive in the order they were made: print them until it ends.
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), events.recv()).await {
            Ok(Some(event)) => {
                print(&event);
                if event.kind == ConferenceEventKind::ConferenceEnd {
                    break;
                }
            }
            _ => {
                return Err("the emulator's callbacks did not all arrive within 10 seconds".into());
            }
        }
    }
    Ok(())
}
