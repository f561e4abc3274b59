//! Walks a conference's life: find it by name, a participant's whole life cycle in it (list,
//! fetch, mute, hold, coach, remove, the 404 after removal), an announcement, and its end.
//!
//! With no configuration it starts the built-in emulator in-process, so it needs no account:
//! three calls placed through the REST API run `<Dial><Conference>` and meet in a room, and
//! the walk works on that room (the removed caller's call then goes on past its `<Dial>` and
//! ends; the conference's end ends the others):
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
            let emulator = signalwire_compat::emulator::Emulator::start().await?;
            println!("started the emulator at {}", emulator.base_url());
            let client = emulator.client();
            _emulator = Some(emulator);
            let callers = seat_callers(&client).await?;
            (client, ROOM.to_owned(), callers[1].clone())
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
    // Its call goes on with the verbs after its <Dial>: the emulator's callers have none,
    // so they hang up.
    println!("its call: {}", settled(&client, &call_sid).await?);

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
    for p in &everyone {
        let sid = p.call_sid.to_string();
        if sid != call_sid {
            println!("  call {sid}: {}", settled(&client, &sid).await?);
        }
    }
    Ok(())
}

/// The room the emulator's callers meet in.
#[cfg(feature = "emulator")]
const ROOM: &str = "Lifecycle walk";

/// Places three calls whose cXML dials [`ROOM`] (the second joins muted), and waits until
/// all three are participants: their call SIDs.
#[cfg(feature = "emulator")]
async fn seat_callers(client: &Client) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    use signalwire_compat::cxml::{Conference, Dial, VoiceResponse};
    let mut callers = Vec::new();
    for (n, muted) in [false, true, false].into_iter().enumerate() {
        let dial = Dial::new().conference(Conference::new(ROOM).muted(muted));
        let call = client
            .calls()
            .create(format!("+1555030000{n}"), "+15550300010")
            .cxml(&VoiceResponse::new().dial(dial))
            .send()
            .await?;
        println!(
            "placed {} to {}: it dials {ROOM:?}",
            call.sid,
            call.to.unwrap_or_default()
        );
        callers.push(call.sid.to_string());
    }
    // The calls ring, are answered and run their cXML on the emulator's (real) clock.
    for _ in 0..100 {
        if let Ok(room) = client.conferences().find_by_name(ROOM).await {
            let seated = client
                .conference(&room.sid)
                .participants()
                .list()
                .send()
                .await?;
            if seated.items.len() == callers.len() {
                return Ok(callers);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(format!("the calls did not all reach {ROOM:?} within 10 s").into())
}

/// The call's status once it is no longer in progress (or still so after 5 s), with its
/// duration.
async fn settled(client: &Client, sid: &str) -> Result<String, Error> {
    let mut call = client.call(sid).fetch().await?;
    for _ in 0..50 {
        if call.status != signalwire_compat::CallStatus::InProgress {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        call = client.call(sid).fetch().await?;
    }
    Ok(match call.duration {
        Some(seconds) => format!("{} after {seconds} s", call.status),
        None => call.status.to_string(),
    })
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
