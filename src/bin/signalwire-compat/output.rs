//! Printing participants as a table for people, or as JSON for scripts.

use std::io::Write as _;

use chrono::{DateTime, FixedOffset};
use signalwire_compat::{Participant, Printable, emulator::Emulator};
use uuid::Uuid;

use crate::args::Output;

const COLUMNS: [&str; 7] = [
    "CALL SID", "STATUS", "MUTED", "HOLD", "COACHING", "JOINED", "UPDATED",
];

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A date for people: `2026-11-25 10:00:00 UTC`, or with its offset when not UTC.
pub fn date(d: Option<DateTime<FixedOffset>>) -> String {
    match d {
        Some(d) if d.offset().local_minus_utc() == 0 => {
            d.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        }
        Some(d) => d.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        None => "-".to_owned(),
    }
}

/// Text from the server as a table cell: control characters escaped, so that it can neither
/// move the cursor nor start a line of its own, and cut well short of flooding the screen.
fn cell(text: &str) -> String {
    Printable::with_limit(text, 120).to_string()
}

fn row(p: &Participant) -> [String; 7] {
    [
        cell(p.call_sid.as_str()),
        cell(p.status.as_str()),
        yes_no(p.muted).to_owned(),
        yes_no(p.hold).to_owned(),
        p.call_sid_to_coach
            .as_ref()
            .map_or_else(|| "-".to_owned(), |sid| cell(sid.as_str())),
        date(p.date_created),
        date(p.date_updated),
    ]
}

fn json(p: &Participant) -> String {
    serde_json::to_string(p).expect("a participant always serializes")
}

/// Prints one participant.
pub fn one(p: &Participant, output: Output) {
    match output {
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(p).expect("a participant always serializes")
        ),
        Output::Ndjson => println!("{}", json(p)),
        Output::Table => {
            let fields = [
                ("call SID", cell(p.call_sid.as_str())),
                ("conference SID", cell(p.conference_sid.as_str())),
                ("status", cell(p.status.as_str())),
                ("muted", yes_no(p.muted).to_owned()),
                ("on hold", yes_no(p.hold).to_owned()),
                ("coaching", row(p)[4].clone()),
                (
                    "ends conference on exit",
                    yes_no(p.end_conference_on_exit).to_owned(),
                ),
                (
                    "started conference on enter",
                    yes_no(p.start_conference_on_enter).to_owned(),
                ),
                ("joined", date(p.date_created)),
                ("updated", date(p.date_updated)),
            ];
            let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in fields {
                println!("{k:<width$}  {v}");
            }
        }
    }
}

/// Prints a listing: ndjson a line as each participant arrives; a table or a JSON array only
/// once the listing is complete, so that a failure part way leaves no half-written document.
pub struct List {
    output: Output,
    rows: Vec<[String; 7]>,
    documents: Vec<String>,
}

impl List {
    pub fn new(output: Output) -> Self {
        Self {
            output,
            rows: Vec::new(),
            documents: Vec::new(),
        }
    }

    pub fn push(&mut self, p: &Participant) {
        match self.output {
            Output::Table => self.rows.push(row(p)),
            Output::Json => self.documents.push(json(p)),
            Output::Ndjson => {
                println!("{}", json(p));
                let _ = std::io::stdout().flush();
            }
        }
    }

    pub fn finish(self) {
        match self.output {
            Output::Ndjson => {}
            Output::Json if self.documents.is_empty() => println!("[]"),
            Output::Json => println!("[\n  {}\n]", self.documents.join(",\n  ")),
            Output::Table => {
                if self.rows.is_empty() {
                    println!("no participants");
                    return;
                }
                let mut widths = COLUMNS.map(str::len);
                for r in &self.rows {
                    for (w, cell) in widths.iter_mut().zip(r) {
                        *w = (*w).max(cell.chars().count());
                    }
                }
                let line = |cells: &[String]| {
                    let text: Vec<String> = cells
                        .iter()
                        .zip(widths)
                        .map(|(c, w)| format!("{c:<w$}"))
                        .collect();
                    println!("{}", text.join("  ").trim_end());
                };
                line(&COLUMNS.map(str::to_owned));
                for r in &self.rows {
                    line(r);
                }
            }
        }
    }
}

/// Says where a started emulator listens and how to reach it.
pub fn emulator(emulator: &Emulator, conference: Option<Uuid>, output: Output) {
    match output {
        Output::Json | Output::Ndjson => {
            let line = serde_json::json!({
                "base_url": emulator.base_url(),
                "project_id": emulator.project_id(),
                "api_token": emulator.api_token(),
                "conference_sid": conference,
            });
            println!("{line}");
        }
        Output::Table => {
            println!("emulator listening at {}", emulator.base_url());
            println!("project ID      {}", emulator.project_id());
            println!("API token       {}", emulator.api_token());
            if let Some(c) = conference {
                println!("conference SID  {c}");
            }
            println!();
            println!("export SIGNALWIRE_BASE_URL={}", emulator.base_url());
            println!("export SIGNALWIRE_PROJECT_ID={}", emulator.project_id());
            println!("export SIGNALWIRE_API_TOKEN={}", emulator.api_token());
            println!();
            println!("Stop it with Ctrl-C.");
        }
    }
    let _ = std::io::stdout().flush();
}
