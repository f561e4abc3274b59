//! `participants watch`: what changed among a conference's participants since the last
//! look, until the conference ends or the user stops it.

use std::{collections::VecDeque, io::IsTerminal as _, io::Write as _, time::Duration};

use chrono::{SecondsFormat, Utc};
use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{Client, ConferenceHandle, ConferenceStatus, ErrorKind, Participant};

use crate::{
    Context, Failure,
    args::{Output, WatchArgs},
    output,
};

/// How many changes the live view keeps under its table.
const RECENT: usize = 8;

/// One change a look found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    event: &'static str,
    call_sid: String,
    /// The call coached, for `coaching-started`.
    coached: Option<String>,
}

/// What changed from `before` to `now`: for each participant now in the conference, in
/// their order, whether it joined (or, on the first look, is `present`) and how it changed;
/// then those that left, in their order before.
fn changes(before: Option<&[Participant]>, now: &[Participant]) -> Vec<Change> {
    let change = |event, p: &Participant| Change {
        event,
        call_sid: p.call_sid.to_string(),
        coached: None,
    };
    let Some(before) = before else {
        return now.iter().map(|p| change("present", p)).collect();
    };
    let mut found = Vec::new();
    for p in now {
        let Some(old) = before.iter().find(|o| o.call_sid == p.call_sid) else {
            found.push(change("joined", p));
            continue;
        };
        if old.muted != p.muted {
            found.push(change(if p.muted { "muted" } else { "unmuted" }, p));
        }
        if old.hold != p.hold {
            found.push(change(if p.hold { "held" } else { "unheld" }, p));
        }
        if old.call_sid_to_coach != p.call_sid_to_coach {
            match &p.call_sid_to_coach {
                Some(coached) => found.push(Change {
                    coached: Some(coached.to_string()),
                    ..change("coaching-started", p)
                }),
                None => found.push(change("coaching-stopped", p)),
            }
        }
    }
    for old in before {
        if !now.iter().any(|p| p.call_sid == old.call_sid) {
            found.push(change("left", old));
        }
    }
    found
}

pub(crate) async fn watch(
    client: &Client,
    args: &WatchArgs,
    output: Output,
) -> Result<(), Failure> {
    let context = Context {
        conference: Some(args.conference.clone()),
        call: None,
        hint: None,
        resource: None,
    };
    let fail = |e| Failure::Api(e, context.clone());
    let conference = crate::conference(client, &args.conference).await?;
    let live = output == Output::Table && std::io::stdout().is_terminal();
    let interval = Duration::from_secs(args.interval);
    let mut before: Option<Vec<Participant>> = None;
    let mut recent: VecDeque<String> = VecDeque::new();
    let stop = crate::emulator::interrupted();
    tokio::pin!(stop);
    let mut sid;
    // Whether the conference was seen: one never seen that is not found does not exist
    // (or is another project's), which is not the same as one that ended.
    let mut seen = false;
    let mut failures = 0u32;
    loop {
        let looked = look(&conference).await;
        let (over, now) = match looked {
            Ok((found, over, now)) => {
                sid = found;
                seen = true;
                failures = 0;
                (over, now)
            }
            Err(e) if !seen && e.is_not_found() => return Err(fail(e)),
            Err(e) if passing(&e) && failures < args.max_failures => {
                failures += 1;
                let wait = e
                    .retry_after()
                    .unwrap_or_else(|| backoff(failures))
                    .min(MAX_WAIT);
                eprintln!(
                    "{}  could not look at the conference ({}); trying again in {} s ({failures} of {})",
                    stamp(Utc::now()),
                    signalwire_compat::one_line(&e),
                    wait.as_secs_f64(),
                    args.max_failures
                );
                tokio::select! {
                    () = tokio::time::sleep(wait) => continue,
                    () = &mut stop => return Ok(()),
                }
            }
            Err(e) => {
                let context = Context {
                    hint: (seen && e.is_not_found())
                        .then_some("it was being watched and is no longer found"),
                    ..context.clone()
                };
                return Err(Failure::Api(e, context));
            }
        };
        let at = Utc::now();
        if over {
            match output {
                Output::Table => println!("{}  the conference has ended", stamp(at)),
                _ => println!(
                    "{}",
                    json!({ "at": at.to_rfc3339_opts(SecondsFormat::Secs, true), "event": "conference-ended", "conference_sid": sid })
                ),
            }
            return Ok(());
        }
        let found = changes(before.as_deref(), &now);
        for c in &found {
            let mut line = format!("{}  {:<16} {}", stamp(at), c.event, c.call_sid);
            if let Some(coached) = &c.coached {
                line.push_str(&format!(" (coaching {coached})"));
            }
            match output {
                Output::Table if live => {
                    if c.event != "present" {
                        if recent.len() == RECENT {
                            recent.pop_front();
                        }
                        recent.push_back(line);
                    }
                }
                Output::Table => println!("{line}"),
                _ => {
                    let mut event = json!({
                        "at": at.to_rfc3339_opts(SecondsFormat::Secs, true),
                        "event": c.event,
                        "call_sid": c.call_sid,
                    });
                    if let Some(coached) = &c.coached {
                        event["call_sid_to_coach"] = json!(coached);
                    }
                    println!("{event}");
                }
            }
        }
        if live {
            redraw(&args.conference, args.interval, at, &now, &found, &recent);
        }
        let _ = std::io::stdout().flush();
        before = Some(now);
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = &mut stop => return Ok(()),
        }
    }
}

/// The longest a watch waits before it looks again after a failure.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// One look: the conference's SID, whether it is over, and (when it is not) who is in it.
async fn look(
    conference: &ConferenceHandle,
) -> Result<(String, bool, Vec<Participant>), signalwire_compat::Error> {
    let c = conference.fetch().await?;
    if c.status == ConferenceStatus::Completed {
        return Ok((c.sid.to_string(), true, Vec::new()));
    }
    let now = conference
        .participants()
        .list()
        .stream()
        .try_collect()
        .await?;
    Ok((c.sid.to_string(), false, now))
}

/// Whether a failed look may pass: a look changes nothing, so any failure of the server or
/// the network may be waited out, and a conference not found once it was seen (a fault in
/// front of the API) may be found again. Credentials refused, or a request refused as
/// malformed, will not change.
fn passing(e: &signalwire_compat::Error) -> bool {
    match e.status() {
        None => !matches!(e.kind(), ErrorKind::Config | ErrorKind::InvalidInput),
        Some(status) => {
            status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 404
        }
    }
}

/// How long to wait after the `n`th failure in a row: 1 s, doubling, at most [`MAX_WAIT`].
fn backoff(n: u32) -> Duration {
    Duration::from_secs(1u64 << n.saturating_sub(1).min(5)).min(MAX_WAIT)
}

/// A time as the tool's tables write it.
fn stamp(at: chrono::DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Draws the live view over the last one: the participants, the changed ones marked, and
/// the latest changes under them.
fn redraw(
    conference: &str,
    interval: u64,
    at: chrono::DateTime<Utc>,
    now: &[Participant],
    found: &[Change],
    recent: &VecDeque<String>,
) {
    let mut screen = String::from(CLEAR);
    screen.push_str(&format!(
        "{} participants in {} at {} (every {interval} s; Ctrl-C to stop)\n\n",
        now.len(),
        output::cell(conference),
        stamp(at)
    ));
    let meta = <Participant as signalwire_compat::__private::Described>::META;
    let headings = crate::resources::headings(meta);
    let mut columns = vec![" "];
    columns.extend(headings.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = now
        .iter()
        .map(|p| {
            let changed = found
                .iter()
                .any(|c| c.event != "present" && c.call_sid == p.call_sid.as_str());
            let mut row = vec![if changed { "*" } else { " " }.to_owned()];
            row.extend(crate::resources::cells(meta, p));
            row
        })
        .collect();
    for line in output::table(&columns, &rows) {
        screen.push_str(&line);
        screen.push('\n');
    }
    if !recent.is_empty() {
        screen.push_str("\nLatest changes:\n");
        for line in recent {
            screen.push_str(line);
            screen.push('\n');
        }
    }
    print!("{}", fitted(&screen, terminal_size()));
}

/// The frame cut to the terminal: each line to its width, and as many lines as it has rows
/// (the last saying how many did not fit), so that a small terminal is not scrolled by
/// every redraw. The frame as it is when the size is not known.
fn fitted(screen: &str, size: Option<(usize, usize)>) -> String {
    let Some((columns, rows)) = size else {
        return screen.to_owned();
    };
    let (clear, body) = screen
        .strip_prefix(CLEAR)
        .map_or(("", screen), |body| (CLEAR, body));
    let lines: Vec<&str> = body.lines().collect();
    let fits = if lines.len() > rows {
        rows.saturating_sub(1)
    } else {
        lines.len()
    };
    let cut = |line: &str| line.chars().take(columns).collect::<String>();
    let mut out = String::from(clear);
    for line in &lines[..fits] {
        out.push_str(&cut(line));
        out.push('\n');
    }
    if fits < lines.len() && rows > 0 {
        out.push_str(&cut(&format!("… {} more lines", lines.len() - fits)));
        out.push('\n');
    }
    out
}

/// Clears the screen and goes to its top.
const CLEAR: &str = "\x1b[H\x1b[2J";

/// The terminal's size (columns, rows), when standard output is one that says, or
/// `COLUMNS` and `LINES` do.
fn terminal_size() -> Option<(usize, usize)> {
    #[cfg(unix)]
    {
        // SAFETY: a zeroed `winsize` is a valid value of that plain C struct.
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer, which points at one.
        let asked = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
        if asked == 0 && size.ws_col > 0 && size.ws_row > 0 {
            return Some((size.ws_col.into(), size.ws_row.into()));
        }
    }
    let var = |name: &str| {
        std::env::var(name)
            .ok()?
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
    };
    Some((var("COLUMNS")?, var("LINES")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_cut_to_a_small_terminal() {
        let screen = format!("{CLEAR}a line far wider than the terminal\nb\nc\nd\ne\nf\ng\n");
        let small = fitted(&screen, Some((20, 5)));
        let lines: Vec<&str> = small.strip_prefix(CLEAR).unwrap().lines().collect();
        assert_eq!(
            lines,
            ["a line far wider tha", "b", "c", "d", "… 3 more lines"]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(fitted(&screen, None), screen);
        let fits = fitted(&screen, Some((80, 24)));
        assert_eq!(fits.lines().count(), 7);
    }

    fn participant(call: u128, muted: bool, hold: bool, coach: Option<u128>) -> Participant {
        serde_json::from_value(json!({
            "account_sid": uuid::Uuid::from_u128(0xa),
            "conference_sid": uuid::Uuid::from_u128(0xc),
            "call_sid": uuid::Uuid::from_u128(call),
            "muted": muted,
            "hold": hold,
            "coaching": coach.is_some(),
            "call_sid_to_coach": coach.map(uuid::Uuid::from_u128),
            "end_conference_on_exit": false,
            "start_conference_on_enter": true,
            "status": "in-progress",
            "date_created": null,
            "date_updated": null,
            "uri": "/x.json",
        }))
        .unwrap()
    }

    #[test]
    fn changes_between_looks() {
        let first = [
            participant(1, false, false, None),
            participant(2, false, false, None),
        ];
        let events = |c: Vec<Change>| c.iter().map(|c| c.event).collect::<Vec<_>>();
        assert_eq!(events(changes(None, &first)), ["present", "present"]);
        assert!(changes(Some(&first), &first).is_empty());
        let second = [
            participant(1, true, true, Some(3)),
            participant(3, false, false, None),
        ];
        assert_eq!(
            events(changes(Some(&first), &second)),
            ["muted", "held", "coaching-started", "joined", "left"]
        );
        let third = [
            participant(1, false, false, None),
            participant(3, false, false, None),
        ];
        assert_eq!(
            events(changes(Some(&second), &third)),
            ["unmuted", "unheld", "coaching-stopped"]
        );
    }
}
