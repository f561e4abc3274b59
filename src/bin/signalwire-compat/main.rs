//! `signalwire-compat`: the resources of a SignalWire space (calls, conferences and their
//! participants, recordings, applications, LaML Bins), from a terminal or a script, and a
//! local emulator of a space for testing. Built with the `cli` feature. The commands every
//! resource has are made from the library's table of them (`resources.rs`); a module holds
//! what a resource does of its own.

mod args;
mod calls;
mod conferences;
mod config;
mod cxml;
mod emulator;
mod output;
mod participants;
mod recordings;
mod resources;
mod streams;
mod watch;

use std::{
    io::{IsTerminal as _, Write as _},
    process::ExitCode,
    time::Duration,
};

use clap::FromArgMatches as _;
use signalwire_compat::{Client, ConferenceHandle, Error, ErrorKind, emulator::Emulator, kind};

use args::{Cli, Command, Format, Global, Output};

/// Why the command failed, and the exit code that says so.
enum Failure {
    Usage(String),
    Api(Error, Context),
    Io(String),
}

/// What the failed command was about, to name it in the message.
#[derive(Clone, Default)]
struct Context {
    conference: Option<String>,
    call: Option<String>,
    /// What to try, said after the error.
    hint: Option<&'static str>,
    /// The resource asked for below the conference or call (`recording RE…`), which is
    /// what a 404 says was not found.
    resource: Option<String>,
}

fn main() -> ExitCode {
    quiet_when_the_reader_leaves();
    let matches = command_line().get_matches();
    let invocation = match matches
        .subcommand()
        .and_then(|(name, sub)| Some((resources::find(name)?, sub.clone())))
    {
        Some(generic) => Global::from_arg_matches(&matches).map(|g| (g, Err(generic))),
        None => Cli::from_arg_matches(&matches).map(|cli| (cli.global, Ok(cli.command))),
    };
    let (global, command) = invocation.unwrap_or_else(|e| e.exit());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(global, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let (code, message) = describe(failure);
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

/// When whatever reads standard output goes away (`| head`), stop at once and quietly, as
/// Unix tools killed by SIGPIPE do (exit 141), instead of a panic's message: Rust ignores
/// SIGPIPE, so printing then fails, and `println!` panics.
fn quiet_when_the_reader_leaves() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("os error 32") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn describe(failure: Failure) -> (u8, String) {
    match failure {
        Failure::Usage(message) => (2, message),
        Failure::Io(message) => (1, message),
        Failure::Api(e, context) => {
            let code = match e.kind() {
                ErrorKind::Config | ErrorKind::InvalidInput | ErrorKind::AmbiguousName => 2,
                _ if e.is_not_found() => 3,
                _ if e.is_unauthorized() => 4,
                _ => 1,
            };
            let text = report(&e);
            let message = match (
                e.kind(),
                e.is_not_found(),
                &context.call,
                &context.conference,
            ) {
                // These already name the conference asked for.
                (ErrorKind::NoSuchName | ErrorKind::AmbiguousName, ..) => text,
                (_, true, ..) if context.resource.is_some() => {
                    let what = context.resource.as_deref().unwrap_or_default();
                    match (&context.conference, &context.call) {
                        (Some(c), _) => format!("{what} was not found in conference {c}: {text}"),
                        (None, Some(call)) => {
                            format!("{what} was not found on call {call}: {text}")
                        }
                        (None, None) => format!("{what} was not found: {text}"),
                    }
                }
                (ErrorKind::Config, ..) => format!(
                    "{text}\n  (or pass --space / --base-url and --project, or add a profile with `config add`; try any command with --emulator)"
                ),
                (_, true, Some(call), Some(conference)) => {
                    format!("participant {call} was not found in conference {conference}: {text}")
                }
                (_, true, None, Some(conference)) => {
                    format!("conference {conference} was not found: {text}")
                }
                _ => text,
            };
            let hint = context.hint.map(str::to_owned).or_else(|| {
                e.is_unauthorized()
                    .then(config::refused_token_hint)
                    .flatten()
            });
            let message = match hint {
                Some(hint) => format!("{message}\n  ({hint})"),
                None => message,
            };
            (code, message)
        }
    }
}

/// An error and its causes on one line, outermost first, each said once: the error's own
/// text says what happened, its causes (the HTTP stack's, the JSON reader's) say how.
fn report(error: &Error) -> String {
    signalwire_compat::one_line(error)
}

/// The whole command line: the hand-written commands and a generic one for each resource the
/// spec describes.
pub(crate) fn command_line() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command();
    // The resources first, in the table's order; then the tool's own commands.
    let own: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for (i, name) in own.iter().enumerate() {
        command = command.mut_subcommand(name, |c| c.display_order(100 + i));
    }
    for (i, generic) in resources::commands().enumerate() {
        command = command.subcommand(generic.display_order(i));
    }
    command
}

/// A hand-written command, or a resource's generic one with its arguments.
type Invocation = Result<
    Command,
    (
        &'static signalwire_compat::__private::ResourceMeta,
        clap::ArgMatches,
    ),
>;

async fn run(global: Global, command: Invocation) -> Result<(), Failure> {
    let format = global.output.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let output = match format {
        Format::Table | Format::Tsv => Output::Table,
        Format::Json => Output::Json,
        Format::Ndjson => Output::Ndjson,
    };
    output::set_style(output::Style {
        columns: global.columns.clone(),
        no_header: global.no_header,
        tsv: format == Format::Tsv,
        local_time: global.local_time,
    });
    // Standard input can be read once: two secrets cannot both come from it.
    if let Ok(Command::Streams(args::Streams::Start(start))) = &command
        && global.token_file.as_deref() == Some(std::path::Path::new("-"))
        && start.bearer_token_file.as_deref() == Some(std::path::Path::new("-"))
    {
        return Err(Failure::Usage(
            "--token-file - and --bearer-token-file - both read standard input, which holds one of them: give one of them a file".into(),
        ));
    }
    match &command {
        Ok(Command::Emulator(args)) => return emulator::serve(args, output).await,
        Ok(Command::Config(command)) => return config::run(command),
        Ok(Command::Completions { shell }) => {
            // Made in memory, where writing cannot fail, then written out with its error
            // reported (a full disk, a closed pipe) rather than a panic.
            let mut command = command_line();
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, "signalwire-compat", &mut script);
            return write_out(&script, "the completion script");
        }
        Ok(Command::Cxml(args::Cxml::Check(args))) => return cxml::check(args),
        Ok(Command::Man) => {
            let command = command_line();
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| Failure::Io(format!("cannot make the manual page: {e}")))?;
            return write_out(&page, "the manual page");
        }
        _ => {}
    }
    let _emulator;
    let builder = if global.emulator {
        let emulator = Emulator::start()
            .await
            .map_err(|e| Failure::Io(format!("cannot start the emulator: {e}")))?;
        let builder = emulator.client_builder();
        _emulator = emulator;
        builder
    } else {
        config::configured(&global)?
    };
    let timeout = Duration::from_secs(global.timeout);
    let client = builder
        .dry_run(global.dry_run)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .total_timeout(Some(Duration::from_secs(global.timeout.saturating_mul(4))))
        .build()
        .map_err(|e| Failure::Api(e, Context::default()))?;
    let result = match command {
        Ok(Command::Streams(command)) => streams::run(&client, command, output).await,
        Err((meta, matches)) => resources::run(&client, meta, &matches, output).await,
        Ok(
            Command::Emulator(_)
            | Command::Config(_)
            | Command::Completions { .. }
            | Command::Man
            | Command::Cxml(_),
        ) => {
            unreachable!("these commands returned above")
        }
    };
    // A dry run's change stops as an error that holds the request: show it, and succeed.
    match result {
        Err(Failure::Api(e, _)) if e.dry_run().is_some() => {
            if let Some(request) = e.dry_run() {
                output::dry_run(request, output);
            }
            Ok(())
        }
        other => other,
    }
}

/// Writes `bytes` to standard output; `what` names them in the error.
fn write_out(bytes: &[u8], what: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        // The reader stopped early (`| head`): nothing is lost that it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(|e| Failure::Io(format!("cannot write {what}: {e}"))),
    }
}

/// The conference a command names: by SID, or by the name of the one conference in
/// progress that has it.
async fn conference(client: &Client, given: &str) -> Result<ConferenceHandle, Failure> {
    Ok(client.conference(conference_sid(client, given).await?.as_str()))
}

/// The SID of the conference `given` names: the SID itself, or the one conference in
/// progress by that name.
async fn conference_sid(client: &Client, given: &str) -> Result<String, Failure> {
    use signalwire_compat::IntoSid;
    if IntoSid::<kind::Conference>::into_sid(given).is_ok() {
        return Ok(given.to_owned());
    }
    let found = client
        .conferences()
        .find_by_name(given)
        .await
        .map_err(|e| Failure::Api(e, Context::default()))?;
    Ok(found.sid.to_string())
}
