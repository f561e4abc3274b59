//! Walks a conference's life: find it by name, a participant's whole life cycle in it (list,
//! fetch, mute, hold, coach, remove, the 404 after removal), an announcement, and its end.
//!
//! With no configuration it starts the built-in emulator in-process and works on its demo
//! conference, so it needs no account:
//!
//! ```text
//! cargo run --example lifecycle --features emulator
//! ```
//!
//! Against a real space, set `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` and
//! `SIGNALWIRE_API_TOKEN`, and name a conference (by SID or name) and one of its calls. This
//! removes the call and ends the conference:
//!
//! ```text
//! cargo run --example lifecycle -- CONFERENCE_SID CALL_SID
//! ```

use futures_util::TryStreamExt as _;
use signalwire_compat::{Client, Error, Participant};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Held for the whole run: dropping it stops the emulator.
    #[cfg(feature = "emulator")]
    let mut _emulator = None;
    let (client, conference_sid, call_sid) = match args.as_slice() {
        [conference, call] => (Client::from_env()?, conference.clone(), call.clone()),
        #[cfg(feature = "emulator")]
        [] => {
            use signalwire_compat::emulator::{Emulator, demo};
            let emulator = Emulator::start().await?;
            println!("started the emulator at {}", emulator.base_url());
            let client = emulator.client();
            _emulator = Some(emulator);
            (
                client,
                demo::CONFERENCE_NAME.to_owned(),
                demo::CALL_SIDS[1].to_string(),
            )
        }
        _ => {
            return Err("give CONFERENCE_SID CALL_SID, or build with --features emulator to use the emulator".into());
        }
    };

    // A conference is named by its SID, or found by the name of the one in progress.
    let conference_sid = match uuid::Uuid::try_parse(&conference_sid) {
        Ok(sid) => sid.to_string(),
        Err(_) => {
            let found = client.conferences().find_by_name(&conference_sid).await?;
            println!(
                "\nfound {conference_sid:?}: {} ({})",
                found.sid, found.status
            );
            found.sid.to_string()
        }
    };
    let conference = client.conference(&conference_sid);
    println!("\nconference {conference_sid}");

    let everyone: Vec<Participant> = conference
        .participants()
        .list()
        .page_size(2)
        .stream()
        .try_collect()
        .await?;
    println!("list ({} participants, read two per page):", everyone.len());
    for p in &everyone {
        println!("  {}", line(p));
    }

    let muted: Vec<Participant> = conference
        .participants()
        .list()
        .muted(true)
        .stream()
        .try_collect()
        .await?;
    println!("list muted only: {} participants", muted.len());

    let participant = conference.participant(&call_sid);
    println!("fetch:  {}", line(&participant.fetch().await?));
    println!(
        "mute:   {}",
        line(&participant.update().muted(true).send().await?)
    );
    println!(
        "unmute: {}",
        line(&participant.update().muted(false).send().await?)
    );
    println!(
        "hold:   {}",
        line(&participant.update().hold(true).send().await?)
    );
    println!(
        "unhold: {}",
        line(&participant.update().hold(false).send().await?)
    );
    if let Some(other) = everyone.iter().find(|p| p.call_sid.as_str() != call_sid) {
        println!(
            "coach:  {}",
            line(&participant.update().coach(&other.call_sid).send().await?)
        );
        println!(
            "stop:   {}",
            line(&participant.update().stop_coaching().send().await?)
        );
    }

    participant.remove().await?;
    println!("remove: {call_sid} left the conference");
    match participant.fetch().await {
        Err(e) if e.is_not_found() => println!("fetch after remove: {} ({})", status(&e), e),
        Err(e) => return Err(e.into()),
        Ok(p) => return Err(format!("{} is still there after removal", p.call_sid).into()),
    }

    let c = conference
        .announce("https://example.com/closing-in-5-minutes.xml")
        .await?;
    println!(
        "\nannounce: {:?} is {}",
        c.friendly_name.unwrap_or_default(),
        c.status
    );
    let c = conference.end().await?;
    println!(
        "end:      {:?} is {}",
        c.friendly_name.unwrap_or_default(),
        c.status
    );
    let left = conference.participants().list().send().await?;
    println!("after the end: {} participants", left.items.len());
    Ok(())
}

fn line(p: &Participant) -> String {
    let flag = |on: bool, word: &str| {
        if on {
            word.to_owned()
        } else {
            format!("not {word}")
        }
    };
    let coaching = match &p.call_sid_to_coach {
        Some(sid) => format!(", coaching {sid}"),
        None => String::new(),
    };
    format!(
        "{} {} ({}, {}{coaching}), updated {}",
        p.call_sid,
        p.status,
        flag(p.muted, "muted"),
        flag(p.hold, "on hold"),
        p.date_updated
            .map(|d| signalwire_compat::time::format_rfc2822(&d))
            .unwrap_or_else(|| "unknown".into()),
    )
}

fn status(e: &Error) -> String {
    match (e.status(), e.code()) {
        (Some(s), Some(c)) => format!("HTTP {}, code {c}", s.as_u16()),
        (Some(s), None) => format!("HTTP {}", s.as_u16()),
        _ => "no HTTP status".into(),
    }
}
