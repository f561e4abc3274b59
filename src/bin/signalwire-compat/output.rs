//! Printing what the API returns: a table for people, JSON for scripts. Every cell that came
//! from the server is escaped and cut short, so that it can neither move the cursor nor
//! start a line of its own.

use std::io::Write as _;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use signalwire_compat::{__private::Model, Printable, Stream, emulator::Emulator};
use uuid::Uuid;

use crate::args::Output;

/// Something the tool prints: its columns in a table, its fields when shown alone. Its
/// fields' names in the API's JSON, which `--columns` picks from, are the model's.
pub trait Row: Serialize + Model {
    /// The table's column headings.
    const COLUMNS: &'static [&'static str];
    /// What an empty listing prints.
    const NONE: &'static str;
    /// The cells of its row, one for each column.
    fn cells(&self) -> Vec<String>;
    /// Its fields, named, when it is shown alone.
    fn fields(&self) -> Vec<(&'static str, String)>;
}

/// How tables are printed, from the global options; set once, before anything is printed.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// `--columns`: the JSON fields to show, in this order, instead of the usual columns.
    pub columns: Option<Vec<String>>,
    /// `--no-header`: no line of column names.
    pub no_header: bool,
    /// `--output tsv`: a tab between cells and no padding.
    pub tsv: bool,
    /// `--local-time`: dates in the local time zone instead of UTC.
    pub local_time: bool,
}

static STYLE: std::sync::OnceLock<Style> = std::sync::OnceLock::new();

/// Sets how tables are printed; the first call wins.
pub fn set_style(style: Style) {
    let _ = STYLE.set(style);
}

pub fn style() -> &'static Style {
    STYLE.get_or_init(Style::default)
}

/// Whether `--columns` names only fields that `T` has; the error lists those it has.
pub fn check_columns<T: Row>(noun: &str) -> Result<(), String> {
    let Some(columns) = &style().columns else {
        return Ok(());
    };
    match columns
        .iter()
        .find(|c| !<T as Model>::FIELDS.contains(&c.as_str()))
    {
        Some(unknown) => Err(format!(
            "--columns: {noun} have no field {:?}; they have {}",
            cell(unknown),
            <T as Model>::FIELDS.join(", ")
        )),
        None => Ok(()),
    }
}

/// The chosen columns' cells of an item, read from its JSON.
fn picked<T: Row>(item: &T, columns: &[String]) -> Vec<String> {
    let value = serde_json::to_value(item).unwrap_or_default();
    columns
        .iter()
        .map(|c| match &value[c.as_str()] {
            serde_json::Value::Null => "-".to_owned(),
            serde_json::Value::Bool(b) => yes_no(*b),
            serde_json::Value::String(text) if c.starts_with("date_") || c.ends_with("_time") => {
                signalwire_compat::time::parse_rfc2822(text)
                    .map_or_else(|_| cell(text), |d| date(Some(d)))
            }
            serde_json::Value::String(text) => cell(text),
            other => cell(&other.to_string()),
        })
        .collect()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

/// Text from the server as a table cell.
pub fn cell(text: &str) -> String {
    Printable::with_limit(text, 120).to_string()
}

fn optional(text: Option<&str>) -> String {
    text.map_or_else(|| "-".to_owned(), cell)
}

/// A date for people: `2026-11-25 10:00:00 UTC`, or with its offset when not UTC.
pub fn date(d: Option<DateTime<FixedOffset>>) -> String {
    if style().local_time {
        return d.map_or_else(
            || "-".to_owned(),
            |d| {
                d.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S %:z")
                    .to_string()
            },
        );
    }
    match d {
        Some(d) if d.offset().local_minus_utc() == 0 => {
            d.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        }
        Some(d) => d.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        None => "-".to_owned(),
    }
}

impl Row for Stream {
    const COLUMNS: &'static [&'static str] = &["SID", "NAME", "STATUS", "UPDATED"];
    const NONE: &'static str = "no streams";

    fn cells(&self) -> Vec<String> {
        vec![
            cell(self.sid.as_str()),
            optional(self.name.as_deref()),
            cell(self.status.as_str()),
            date(self.date_updated),
        ]
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SID", cell(self.sid.as_str())),
            ("name", optional(self.name.as_deref())),
            ("status", cell(self.status.as_str())),
            ("updated", date(self.date_updated)),
        ]
    }
}

impl Row for signalwire_compat::AvailablePhoneNumber {
    const COLUMNS: &'static [&'static str] = &["PHONE NUMBER", "NAME", "REGION", "LOCALITY"];
    const NONE: &'static str = "no numbers found";

    fn cells(&self) -> Vec<String> {
        vec![
            cell(&self.phone_number),
            optional(self.friendly_name.as_deref()),
            optional(self.region.as_deref()),
            optional(self.locality.as_deref()),
        ]
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("phone number", cell(&self.phone_number)),
            ("name", optional(self.friendly_name.as_deref())),
            ("region", optional(self.region.as_deref())),
            ("locality", optional(self.locality.as_deref())),
        ]
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("what the API returns always serializes")
}

/// Prints one item.
pub fn one<T: Row>(item: &T, output: Output) {
    match output {
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(item).expect("what the API returns always serializes")
        ),
        Output::Ndjson => println!("{}", json(item)),
        Output::Table if style().columns.is_some() || style().tsv => {
            let mut list = List::<T>::new(output);
            list.push(item);
            list.finish();
        }
        Output::Table => {
            let fields = item.fields();
            let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in fields {
                println!("{k:<width$}  {v}");
            }
        }
    }
}

/// Prints a listing: ndjson a line as each item arrives; a table or a JSON array only once
/// the listing is complete, so that a failure part way leaves no half-written document.
pub struct List<T> {
    output: Output,
    rows: Vec<Vec<String>>,
    documents: Vec<String>,
    item: std::marker::PhantomData<fn(&T)>,
}

impl<T: Row> List<T> {
    pub fn new(output: Output) -> Self {
        Self {
            output,
            rows: Vec::new(),
            documents: Vec::new(),
            item: std::marker::PhantomData,
        }
    }

    pub fn push(&mut self, item: &T) {
        match self.output {
            Output::Table => self.rows.push(match &style().columns {
                Some(columns) => picked(item, columns),
                None => item.cells(),
            }),
            Output::Json => self.documents.push(json(item)),
            Output::Ndjson => {
                println!("{}", json(item));
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
                let style = style();
                if self.rows.is_empty() && !style.tsv {
                    println!("{}", T::NONE);
                    return;
                }
                let columns: Vec<&str> = match &style.columns {
                    Some(columns) => columns.iter().map(String::as_str).collect(),
                    None => T::COLUMNS.to_vec(),
                };
                let lines = if style.tsv {
                    tsv(&columns, &self.rows)
                } else {
                    table(&columns, &self.rows)
                };
                for line in lines.iter().skip(usize::from(style.no_header)) {
                    println!("{line}");
                }
            }
        }
    }
}

/// A request a dry run did not send: for people, the method and URL and a line a
/// parameter; for scripts, one JSON object.
pub fn dry_run(request: &signalwire_compat::RequestPreview, output: Output) {
    match output {
        Output::Json | Output::Ndjson => println!("{}", dry_run_json(request)),
        Output::Table => {
            println!("dry run, not sent: {}", request_line(request));
            for (key, value) in &request.form {
                println!("  {}={}", cell(key), cell(value));
            }
        }
    }
}

/// A request's method and URL, whole (a URL is never cut short) but escaped.
pub fn request_line(request: &signalwire_compat::RequestPreview) -> String {
    format!(
        "{} {}",
        request.method,
        signalwire_compat::Printable::with_limit(&request.url, 2000)
    )
}

/// A request a dry run did not send, as JSON: `dry_run`, `method`, `url` and the `form`'s
/// parameters as an object.
pub fn dry_run_json(request: &signalwire_compat::RequestPreview) -> serde_json::Value {
    let form: serde_json::Map<String, serde_json::Value> = request
        .form
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::json!({
        "dry_run": true,
        "method": request.method,
        "url": request.url,
        "form": form,
    })
}

/// Rows under their column names, each column as wide as its widest cell: one string a
/// line, without trailing spaces.
pub fn table(columns: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let text: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        text.join("  ").trim_end().to_owned()
    };
    let mut lines = vec![line(&mut columns.iter().copied())];
    lines.extend(rows.iter().map(|r| line(&mut r.iter().map(String::as_str))));
    lines
}

/// Rows as tab-separated values under a line of column names; a tab, newline or
/// backslash in a cell is written `\t`, `\n` or `\\`.
pub fn tsv(columns: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let escape = |c: &str| {
        c.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
    };
    let mut lines = vec![columns.join("\t")];
    lines.extend(
        rows.iter()
            .map(|r| r.iter().map(|c| escape(c)).collect::<Vec<_>>().join("\t")),
    );
    lines
}

/// Says where a started emulator listens and how to reach it.
pub fn emulator(emulator: &Emulator, conference: Option<Uuid>, output: Output) {
    match output {
        Output::Json | Output::Ndjson => {
            let line = serde_json::json!({
                "base_url": emulator.base_url(),
                "project_id": emulator.project_id(),
                "api_token": emulator.api_token(),
                "signing_key": emulator.signing_key().expose(),
                "conference_sid": conference,
            });
            println!("{line}");
        }
        Output::Table => {
            println!("emulator listening at {}", emulator.base_url());
            println!("project ID      {}", emulator.project_id());
            println!("API token       {}", emulator.api_token());
            println!("signing key     {}", emulator.signing_key().expose());
            if let Some(c) = conference {
                println!("conference SID  {c}");
            }
            println!();
            println!("export SIGNALWIRE_BASE_URL={}", emulator.base_url());
            println!("export SIGNALWIRE_PROJECT_ID={}", emulator.project_id());
            println!("export SIGNALWIRE_API_TOKEN={}", emulator.api_token());
            println!(
                "export SIGNALWIRE_SIGNING_KEY={}",
                emulator.signing_key().expose()
            );
            println!();
            println!("Stop it with Ctrl-C.");
        }
    }
    let _ = std::io::stdout().flush();
}
