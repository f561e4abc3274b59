//! The command line, as clap reads it.

use std::{net::SocketAddr, path::PathBuf};

use clap::{
    ArgAction, Args, Parser, Subcommand, ValueEnum,
    builder::{PossibleValue, PossibleValuesParser, TypedValueParser},
};
use signalwire_compat::{CallbackMethod, PauseBehavior, StreamCodec, Track};

/// A value parser for one of a library enum's documented values, by the text the API writes
/// (`in-progress`, `L16@16000h`, `GET`); a value with an underscore also by what comes before
/// it (`inbound` for `inbound_track`). The enum's own table is the one list of its values.
pub fn choice<T: Clone + Send + Sync + 'static>(
    known: &'static [(&'static str, T)],
) -> impl TypedValueParser<Value = T> {
    let short = |text: &'static str| text.split_once('_').map(|(s, _)| s);
    let values = known.iter().map(move |(text, _)| match short(text) {
        Some(alias) => PossibleValue::new(*text).alias(alias),
        None => PossibleValue::new(*text),
    });
    PossibleValuesParser::new(values).try_map(move |given: String| {
        known
            .iter()
            .find(|(text, _)| *text == given || short(text) == Some(given.as_str()))
            .map(|(_, value)| value.clone())
            .ok_or_else(|| format!("{given:?} is not one of the values listed"))
    })
}

const AFTER_HELP: &str = "\
Configuration comes from the options or from the environment:
  SIGNALWIRE_SPACE       the space, e.g. `example` for example.signalwire.com
  SIGNALWIRE_PROJECT_ID  the project ID (a UUID)
  SIGNALWIRE_API_TOKEN   the API token; it needs the Voice scope
  SIGNALWIRE_BASE_URL    an API root that replaces the space's (an emulator, a proxy)
or from a profile (`config add`; chosen with --profile or SIGNALWIRE_PROFILE, else the
default one). The options win, then a profile named, then the environment, then the
default profile.

Wherever a command takes a conference, its SID or its name works: a name picks the one
conference in progress by that name.

Try any command without an account: add --emulator to run it against a built-in emulator
whose demo conference, 'Daily standup', is cf000000-0000-4000-8000-000000000001.

Exit codes:
  0  success
  1  any other failure (network, server, unreadable answer)
  2  usage: a bad option, argument or configuration
  2  also: several conferences in progress have the name given
  3  not found: no such conference or participant (HTTP 404), or no conference in
     progress has the name given
  4  not authorized: credentials refused (HTTP 401)";

/// Calls, conferences and their participants, recordings and streams, applications and LaML
/// Bins in a SignalWire space, from a terminal or a script.
#[derive(Debug, Parser)]
#[command(name = "signalwire-compat", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted anywhere on the line.
#[derive(Debug, Args)]
pub struct Global {
    /// The space: `example` or `example.signalwire.com` [env: SIGNALWIRE_SPACE]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "SPACE"
    )]
    pub space: Option<String>,

    /// The project ID [env: SIGNALWIRE_PROJECT_ID]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "UUID"
    )]
    pub project: Option<String>,

    /// An API root to use instead of the space's, such as
    /// http://127.0.0.1:8080/api/laml/2010-04-01 [env: SIGNALWIRE_BASE_URL]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "URL"
    )]
    pub base_url: Option<String>,

    /// The API token. Prefer SIGNALWIRE_API_TOKEN: a token on the command line is visible to
    /// other users in the process list and stays in shell history
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "TOKEN"
    )]
    pub token: Option<String>,

    /// Read the API token from this file (only its owner may read it), or from standard input with `-`
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE",
        conflicts_with = "token"
    )]
    pub token_file: Option<PathBuf>,

    /// Use this profile from the configuration file (see `config`) [env: SIGNALWIRE_PROFILE]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "NAME",
        env = "SIGNALWIRE_PROFILE",
        hide_env = true
    )]
    pub profile: Option<String>,

    /// How to print results [default: table on a terminal, json otherwise]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "FORMAT"
    )]
    pub output: Option<Format>,

    /// Table columns: JSON field names, comma-separated, e.g. call_sid,muted,hold
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "NAMES",
        value_delimiter = ','
    )]
    pub columns: Option<Vec<String>>,

    /// Leave out the line of column names in table and tsv output
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_header: bool,

    /// Dates in table and tsv output in the local time zone (UTC by default)
    #[arg(long, global = true, help_heading = "Global options")]
    pub local_time: bool,

    /// Run the command against an in-process emulator with demo data, no account needed
    #[arg(long, global = true, help_heading = "Global options")]
    pub emulator: bool,

    /// Send nothing that changes anything: print the method, URL and form each change would send (reads still happen)
    #[arg(long, global = true, help_heading = "Global options")]
    pub dry_run: bool,

    /// Give up on a request after this many seconds without a complete answer (connecting
    /// included)
    #[arg(long, global = true, help_heading = "Global options", value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// How results are printed, as `--output` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    Table,
    /// The API's JSON: one document (a list prints as one array)
    Json,
    /// One JSON document a line (a list prints an item a line as it arrives)
    Ndjson,
    /// Tab-separated values, for cut, awk and spreadsheets (a table without padding)
    Tsv,
}

/// How results are printed, once `--output` is read: tsv is a kind of table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Aligned columns for people.
    Table,
    /// The API's JSON: one document (a list prints as one array).
    Json,
    /// One JSON document a line (a list prints an item a line as it arrives).
    Ndjson,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Stream a conference's audio to a WebSocket server, and stop it
    #[command(subcommand)]
    Streams(Streams),

    /// Run a local emulator of a SignalWire space in the foreground, for testing
    Emulator(EmulatorArgs),

    /// Manage profiles: named settings (space, project, where the token comes from)
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Print a shell completion script
    ///
    /// For bash, for example:
    /// `signalwire-compat completions bash > ~/.local/share/bash-completion/completions/signalwire-compat`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Read cXML documents: check one, and print it normalized
    #[command(subcommand)]
    Cxml(Cxml),

    /// Print the manual page (roff)
    ///
    /// To read it: `signalwire-compat man > signalwire-compat.1; man ./signalwire-compat.1`
    Man,
}

#[derive(Debug, Subcommand)]
pub enum Cxml {
    /// Read a cXML document as SignalWire would: print it normalized (exit 0), or its first
    /// error with its line and element (exit 2)
    Check(CxmlCheckArgs),
}

#[derive(Debug, Args)]
pub struct CxmlCheckArgs {
    /// The document's file, or `-` for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Which channel's verbs it holds [default: the first of voice, messaging and fax that
    /// reads it]
    #[arg(long, value_name = "CHANNEL", value_parser = ["voice", "messaging", "fax"])]
    pub channel: Option<String>,
}

// A conference's participants' own commands, beside the generic `list`, `get` and
// `update`; their `remove` takes many at once.
#[derive(Debug, Subcommand)]
pub enum Participants {
    /// Watch a conference: report who joins, leaves, is muted, held or coaching, look after look
    ///
    /// On a terminal: one table, redrawn in place, with the rows that changed since the last
    /// look marked `*` and the latest changes under it. Otherwise (or with --output ndjson or
    /// json, or table into a pipe): a line a change, as it is seen. JSON lines have `at`,
    /// `event` and `call_sid`; the events are present (on the first look), joined, left,
    /// muted, unmuted, held, unheld, coaching-started (with `call_sid_to_coach`) and
    /// coaching-stopped.
    ///
    /// It ends with exit 0 on Ctrl-C, or when the conference ends (after a last
    /// `conference-ended` line). An answer of 429 is waited out as the retry policy says;
    /// other errors end it with the usual exit codes.
    Watch(WatchArgs),
    /// Mute a participant, or with --all every one
    Mute(Selection),
    /// Unmute a participant, or with --all every one
    Unmute(Selection),
    /// Put a participant on hold, or with --all every one
    Hold(Selection),
    /// Take a participant off hold, or with --all every one
    Unhold(Selection),
    /// Take a participant out of the conference, or with --all every one
    Remove(Selection),
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The conference: its SID, or the name of the one conference in progress by that name
    #[arg(long, value_name = "CONFERENCE")]
    pub conference: String,
    /// Seconds between looks, at least 1
    #[arg(long, value_name = "SECONDS", default_value_t = 2,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub interval: u64,
    /// Looks that may fail in a row (a 5xx, a rate limit, no answer, the conference not
    /// found after it was seen) before the watch gives up; each is tried again after 1 s,
    /// then twice as long up to 30 s, or as long as the server's Retry-After asks
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_failures: u32,
}

/// One participant, or (with `--all`) every participant of a conference that the filters
/// keep.
#[derive(Debug, Args)]
pub struct Selection {
    /// The conference: its SID, or the name of the one conference in progress by that name
    #[arg(long, value_name = "CONFERENCE")]
    pub conference: String,
    /// The participant's call SID (or --all)
    #[arg(
        value_name = "CALL_SID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub call_sid: Option<String>,
    /// Every participant of the conference (that the filters below keep)
    #[arg(long, help_heading = "Acting on many")]
    pub all: bool,
    /// With --all: leave this call out (repeat for several)
    #[arg(
        long,
        value_name = "CALL_SID",
        requires = "all",
        help_heading = "Acting on many"
    )]
    pub except: Vec<String>,
    /// With --all: only muted participants
    #[arg(
        long,
        requires = "all",
        conflicts_with = "unmuted",
        help_heading = "Acting on many"
    )]
    pub muted: bool,
    /// With --all: only participants that are not muted
    #[arg(long, requires = "all", help_heading = "Acting on many")]
    pub unmuted: bool,
    /// With --all: only participants on hold
    #[arg(
        long = "held",
        alias = "hold",
        requires = "all",
        conflicts_with = "not_held",
        help_heading = "Acting on many"
    )]
    pub held: bool,
    /// With --all: only participants not on hold
    #[arg(long, requires = "all", help_heading = "Acting on many")]
    pub not_held: bool,
    /// With --all: how many requests to have in flight at once, 1 to 64
    #[arg(long, value_name = "N", default_value_t = 8, requires = "all",
          value_parser = clap::value_parser!(u16).range(1..=64), help_heading = "Acting on many")]
    pub concurrency: u16,
}

// A conference's own commands, beside the generic `list`, `get` and `update`.
#[derive(Debug, Subcommand)]
pub enum Conferences {
    /// End a conference: every participant is taken out
    End(ConferenceTarget),
    /// Play cXML or audio to everyone in a conference
    Announce(AnnounceArgs),
}

/// A conference, by SID or by name.
#[derive(Debug, Args)]
pub struct ConferenceTarget {
    /// The conference: its SID, or the name of the one conference in progress by that name
    #[arg(value_name = "CONFERENCE")]
    pub conference: String,
}

#[derive(Debug, Args)]
pub struct AnnounceArgs {
    #[command(flatten)]
    pub target: ConferenceTarget,
    /// The cXML or audio to play
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// How --url is fetched [default: POST]
    #[arg(long, value_name = "METHOD", value_parser = choice(CallbackMethod::KNOWN))]
    pub method: Option<CallbackMethod>,
}

// The recordings' own commands, beside the account's generic `list`, `get` and `remove`:
// those that act on a call's or a conference's recording.
#[derive(Debug, Subcommand)]
pub enum Recordings {
    /// Start recording a call in progress
    Start(RecordingStartArgs),
    /// Pause a recording
    Pause(PauseArgs),
    /// Resume a paused recording
    Resume(RecordingTarget),
    /// Stop a recording for good
    Stop(RecordingTarget),
}

/// A recording: the conference or the call it is of, and its SID.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("owner").required(true).args(["conference", "call"])))]
pub struct RecordingTarget {
    /// The conference: its SID, or the name of the one conference in progress by that name
    #[arg(long, value_name = "CONFERENCE")]
    pub conference: Option<String>,
    /// The call, for a call's recording
    #[arg(long, value_name = "CALL_SID")]
    pub call: Option<String>,
    /// The recording's SID
    #[arg(value_name = "RECORDING_SID")]
    pub recording: String,
}

#[derive(Debug, Args)]
pub struct RecordingStartArgs {
    /// The call to record; it must be in progress
    #[arg(long, value_name = "CALL_SID")]
    pub call: String,
    /// One channel for both sides, or one each [default: mono, the server's]
    #[arg(long, value_name = "CHANNELS", value_parser = choice(signalwire_compat::RecordingChannels::KNOWN))]
    pub channels: Option<signalwire_compat::RecordingChannels>,
    /// Which audio is recorded [default: both, the server's]
    #[arg(long, value_name = "TRACK", value_parser = choice(signalwire_compat::cxml::RecordingTrack::KNOWN))]
    pub track: Option<signalwire_compat::cxml::RecordingTrack>,
    /// Whether silence is cut from either end [default: do-not-trim, the server's]
    #[arg(long, value_name = "TRIM", value_parser = choice(signalwire_compat::cxml::Trim::KNOWN))]
    pub trim: Option<signalwire_compat::cxml::Trim>,
    /// Where the recording's changes are reported
    #[arg(long, value_name = "URL")]
    pub status_callback: Option<String>,
    /// How --status-callback is fetched [default: POST]
    #[arg(long, value_name = "METHOD", value_parser = choice(CallbackMethod::KNOWN), requires = "status_callback")]
    pub status_callback_method: Option<CallbackMethod>,
    /// The events reported, comma-separated [default: completed]
    #[arg(long, value_name = "EVENTS", value_delimiter = ',', requires = "status_callback",
          value_parser = choice(signalwire_compat::cxml::RecordingEvent::KNOWN))]
    pub status_callback_event: Vec<signalwire_compat::cxml::RecordingEvent>,
}

#[derive(Debug, Args)]
pub struct PauseArgs {
    #[command(flatten)]
    pub target: RecordingTarget,
    /// What the recording keeps of the pause [default: silence, the server's]
    #[arg(long, value_name = "BEHAVIOR", value_parser = choice(PauseBehavior::KNOWN))]
    pub pause_behavior: Option<PauseBehavior>,
}

#[derive(Debug, Subcommand)]
pub enum Streams {
    /// Stream a conference's or a call's audio to a WebSocket server
    Start(StreamStartArgs),
    /// Stop a stream
    Stop(StreamStopArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("owner").required(true).args(["conference", "call"])))]
pub struct StreamStartArgs {
    /// The conference: its SID, or the name of the one conference in progress by that name
    #[arg(long, value_name = "CONFERENCE")]
    pub conference: Option<String>,
    /// The call, which must be in progress (a call's stream takes no --codec nor --real-time)
    #[arg(long, value_name = "CALL_SID")]
    pub call: Option<String>,
    /// The WebSocket server: a wss:// URL (ws:// only to a loopback address)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The stream's name, unique in its conference while it runs
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Which audio it carries [default: both, the server's]
    #[arg(long, value_name = "TRACK", value_parser = choice(Track::KNOWN))]
    pub track: Option<Track>,
    /// The audio codec
    #[arg(long, value_name = "CODEC", value_parser = choice(StreamCodec::KNOWN))]
    pub codec: Option<StreamCodec>,
    /// Send audio as it happens rather than buffered
    #[arg(long)]
    pub real_time: bool,
    /// Where the server reports the stream's changes
    #[arg(long, value_name = "URL")]
    pub status_callback: Option<String>,
    /// How --status-callback is fetched [default: POST]
    #[arg(long, value_name = "METHOD", value_parser = choice(CallbackMethod::KNOWN), requires = "status_callback")]
    pub status_callback_method: Option<CallbackMethod>,
    /// A file holding the token the WebSocket server is given, or - for standard input (a
    /// token on the command line would show in the process list)
    #[arg(long, value_name = "FILE")]
    pub bearer_token_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("owner").required(true).args(["conference", "call"])))]
pub struct StreamStopArgs {
    /// The conference: its SID, or the name of the one conference in progress by that name
    #[arg(long, value_name = "CONFERENCE")]
    pub conference: Option<String>,
    /// The call, for a call's stream
    #[arg(long, value_name = "CALL_SID")]
    pub call: Option<String>,
    /// The stream's SID
    #[arg(value_name = "STREAM_SID")]
    pub stream: String,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// The address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// A JSON file of projects, conferences and participants to start with instead of the demo data
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Stop after this many seconds (by default it runs until interrupted)
    #[arg(long, value_name = "SECONDS", action = ArgAction::Set)]
    pub stop_after: Option<u64>,
    /// Let conference status callbacks go to other machines (by default only to this one)
    #[arg(long)]
    pub allow_remote_callbacks: bool,
    /// Run on a virtual clock that starts now and moves only when told to
    /// (POST /__emulator/clock with {"advance_ms": N})
    #[arg(long)]
    pub virtual_clock: bool,
    /// Run on a virtual clock that starts at this time (RFC 3339, e.g. 2026-01-01T09:00:00Z);
    /// with --clock-speed, a clock that starts there and runs on its own
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
    /// Run on a clock that goes this many times as fast as real time (0.001 to 1000): at 60,
    /// a ten-minute call takes ten seconds
    #[arg(long, value_name = "TIMES", conflicts_with = "virtual_clock", value_parser = parse_speed)]
    pub clock_speed: Option<f64>,
}

fn parse_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(speed) if (0.001..=1_000.0).contains(&speed) => Ok(speed),
        _ => Err("not a speed: a number from 0.001 to 1000, such as 60".to_owned()),
    }
}

fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|_| "not a time as RFC 3339, such as 2026-01-01T09:00:00Z".to_owned())
}

/// `config`: the profiles in the configuration file.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the profiles (the default marked *), never their tokens
    List,
    /// Show one profile, never its token
    Show {
        /// The profile
        name: String,
    },
    /// Add a profile, or replace the one of that name
    Add(ConfigAdd),
    /// Remove a profile
    Remove {
        /// The profile
        name: String,
    },
    /// Print where the configuration file is (SIGNALWIRE_COMPAT_CONFIG overrides it)
    Path,
}

#[derive(Debug, Args)]
pub struct ConfigAdd {
    /// The profile's name
    pub name: String,
    /// The space: `example` or `example.signalwire.com`
    #[arg(long = "set-space", value_name = "SPACE", conflicts_with = "base_url")]
    pub space: Option<String>,
    /// An API root instead of the space's
    #[arg(long = "set-base-url", value_name = "URL")]
    pub base_url: Option<String>,
    /// The project ID
    #[arg(long = "set-project", value_name = "UUID")]
    pub project: Option<String>,
    /// Keep the token in the configuration file, read from standard input
    #[arg(long, conflicts_with_all = ["token_file", "token_command"])]
    pub token_stdin: bool,
    /// Read the token from this file each time (only its owner may read it)
    #[arg(
        long = "set-token-file",
        value_name = "FILE",
        conflicts_with = "token_command"
    )]
    pub token_file: Option<PathBuf>,
    /// Run this command each time and use what it prints, e.g. `pass show signalwire`
    #[arg(long, value_name = "COMMAND")]
    pub token_command: Option<String>,
    /// Make it the default profile
    #[arg(long)]
    pub default: bool,
}
