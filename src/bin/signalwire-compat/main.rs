//! `signalwire-compat`: conference participants of a SignalWire space from a terminal or a
//! script, and a local emulator of a space for testing. Built with the `cli` feature.

mod args;
mod output;

use std::{io::IsTerminal as _, process::ExitCode, time::Duration};

use clap::Parser as _;
use futures_util::StreamExt as _;
use signalwire_compat::{
    CallbackMethod, Client, ClientBuilder, Error, ErrorKind, IntoSid, Printable, UpdateParticipant,
    emulator::{Emulator, Seed, demo},
    kind,
};

use args::{
    Cli, Command, EmulatorArgs, ListArgs, Method, Output, Participants, Target, UpdateArgs,
};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let (code, message) = describe(failure);
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

fn describe(failure: Failure) -> (u8, String) {
    match failure {
        Failure::Usage(message) => (2, message),
        Failure::Io(message) => (1, message),
        Failure::Api(e, context) => {
            let code = match e.kind() {
                ErrorKind::Config | ErrorKind::InvalidInput => 2,
                _ if e.is_not_found() => 3,
                _ if e.is_unauthorized() => 4,
                _ => 1,
            };
            let text = report(&e);
            let message = match (e.kind(), e.is_not_found(), &context.call, &context.conference) {
                (ErrorKind::InvalidInput, ..) if e.invalid_field() == Some("update") => "nothing to change: give at least one of --mute, --unmute, --hold, --unhold, --hold-url, --announce-url, --wait-url, --coach, --no-coach and the other options in `participants update --help`".to_owned(),
                (ErrorKind::Config, ..) => format!(
                    "{text}\n  (or pass --space / --base-url and --project; try any command with --emulator)"
                ),
                (_, true, Some(call), Some(conference)) => {
                    format!("participant {call} was not found in conference {conference}: {text}")
                }
                (_, true, None, Some(conference)) => {
                    format!("conference {conference} was not found: {text}")
                }
                _ => text,
            };
            (code, message)
        }
    }
}

/// An error and its causes on one line, outermost first, each said once: the error's own
/// text says what happened, its causes (the HTTP stack's, the JSON reader's) say how.
fn report(error: &Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = cause.source();
    }
    text
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let output = cli
        .global
        .output
        .unwrap_or(if std::io::stdout().is_terminal() {
            Output::Table
        } else {
            Output::Json
        });
    if let Command::Emulator(args) = &cli.command {
        return serve(args, output).await;
    }
    let _emulator;
    let builder = if cli.global.emulator {
        let emulator = Emulator::start()
            .await
            .map_err(|e| Failure::Io(format!("cannot start the emulator: {e}")))?;
        let builder = emulator.client_builder();
        _emulator = emulator;
        builder
    } else {
        configured(&cli.global)
    };
    let timeout = Duration::from_secs(cli.global.timeout);
    let client = builder
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .total_timeout(Some(Duration::from_secs(
            cli.global.timeout.saturating_mul(4),
        )))
        .build()
        .map_err(|e| Failure::Api(e, Context::default()))?;
    let Command::Participants(command) = cli.command else {
        unreachable!("the emulator command returned above")
    };
    participants(&client, command, output).await
}

/// A client builder from the environment, overridden by the options given.
fn configured(global: &args::Global) -> ClientBuilder {
    let mut builder = ClientBuilder::from_env();
    if let Some(space) = &global.space {
        builder = builder.space(space);
    }
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url);
    }
    if let Some(project) = &global.project {
        builder = builder.project_id(project);
    }
    if let Some(token) = &global.token {
        builder = builder.api_token(token);
    }
    builder
}

async fn participants(
    client: &Client,
    command: Participants,
    output: Output,
) -> Result<(), Failure> {
    let context = |t: &Target| Context {
        conference: Some(t.conference.clone()),
        call: Some(t.call_sid.clone()),
    };
    let fail = |context: Context| move |e: Error| Failure::Api(e, context);
    let one = |t: &Target| {
        client
            .conference(t.conference.as_str())
            .participant(t.call_sid.as_str())
    };
    let shortcut = |t: &Target, change: fn(UpdateParticipant) -> UpdateParticipant| {
        let update = change(one(t).update());
        async move { update.send().await }
    };
    let participant = match command {
        Participants::List(args) => return list(client, &args, output).await,
        Participants::Get(t) => one(&t).fetch().await.map_err(fail(context(&t)))?,
        Participants::Mute(t) => shortcut(&t, |u| u.muted(true))
            .await
            .map_err(fail(context(&t)))?,
        Participants::Unmute(t) => shortcut(&t, |u| u.muted(false))
            .await
            .map_err(fail(context(&t)))?,
        Participants::Hold(t) => shortcut(&t, |u| u.hold(true))
            .await
            .map_err(fail(context(&t)))?,
        Participants::Unhold(t) => shortcut(&t, |u| u.hold(false))
            .await
            .map_err(fail(context(&t)))?,
        Participants::Update(args) => {
            let update = update(one(&args.target).update(), &args);
            update.send().await.map_err(fail(context(&args.target)))?
        }
        Participants::Remove(t) => {
            one(&t).remove().await.map_err(fail(context(&t)))?;
            if output == Output::Table {
                println!("removed {} from conference {}", t.call_sid, t.conference);
            }
            return Ok(());
        }
    };
    output::one(&participant, output);
    Ok(())
}

fn update(mut u: UpdateParticipant, a: &UpdateArgs) -> UpdateParticipant {
    let method = |m: Method| match m {
        Method::Get => CallbackMethod::Get,
        Method::Post => CallbackMethod::Post,
    };
    let either = |yes: bool, no: bool| match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    if let Some(m) = either(a.mute, a.unmute) {
        u = u.muted(m);
    }
    if let Some(h) = either(a.hold, a.unhold) {
        u = u.hold(h);
    }
    if let Some(url) = &a.hold_url {
        u = u.hold_url(url);
    }
    if let Some(m) = a.hold_method {
        u = u.hold_method(method(m));
    }
    if let Some(url) = &a.announce_url {
        u = u.announce_url(url);
    }
    if let Some(m) = a.announce_method {
        u = u.announce_method(method(m));
    }
    if let Some(url) = &a.wait_url {
        u = u.wait_url(url);
    }
    if let Some(m) = a.wait_method {
        u = u.wait_method(method(m));
    }
    if let Some(call) = &a.coach {
        u = u.coach(call.as_str());
    }
    if a.no_coach {
        u = u.stop_coaching();
    }
    if let Some(b) = either(a.beep_on_exit, a.no_beep_on_exit) {
        u = u.beep_on_exit(b);
    }
    if let Some(e) = either(a.end_conference_on_exit, a.no_end_conference_on_exit) {
        u = u.end_conference_on_exit(e);
    }
    u
}

async fn list(client: &Client, args: &ListArgs, output: Output) -> Result<(), Failure> {
    let context = Context {
        conference: Some(args.conference.clone()),
        call: None,
    };
    let mut listing = client
        .conference(args.conference.as_str())
        .participants()
        .list();
    if args.muted || args.unmuted {
        listing = listing.muted(args.muted);
    }
    if args.hold || args.not_held {
        listing = listing.hold(args.hold);
    }
    if let Some(n) = args.page_size {
        listing = listing.page_size(n);
    }
    listing = listing.max_pages(args.max_pages);
    let limit = args.limit.unwrap_or(usize::MAX);
    if limit == 0 {
        // Nothing is read, but the arguments are still checked.
        IntoSid::<kind::Conference>::into_sid(args.conference.as_str()).map_err(|text| {
            Failure::Usage(format!(
                "invalid conference SID: \"{}\" is not a UUID",
                Printable::new(&text)
            ))
        })?;
        output::List::new(output).finish();
        return Ok(());
    }
    let progress = std::io::stderr().is_terminal();
    let mut pages = std::pin::pin!(listing.pages());
    let mut printer = output::List::new(output);
    let mut count = 0usize;
    while count < limit {
        let Some(page) = pages.next().await else {
            break;
        };
        let page = page.map_err(|e| Failure::Api(e, context.clone()))?;
        let take = page.items.len().min(limit - count);
        for p in page.items.iter().take(take) {
            printer.push(p);
        }
        count += take;
        if progress && page.next_page_uri.is_some() && count < limit {
            eprint!("\rread {count} participants…");
        }
    }
    if progress {
        eprint!("\r\x1b[K");
    }
    printer.finish();
    Ok(())
}

async fn serve(args: &EmulatorArgs, output: Output) -> Result<(), Failure> {
    let seed = match &args.seed {
        None => demo::seed(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::Usage(format!("cannot read the seed file {}: {e}", path.display()))
            })?;
            let seed = serde_json::from_str::<Seed>(&text).map_err(|e| e.to_string());
            seed.and_then(|seed| seed.check().map(|()| seed).map_err(|e| e.to_string()))
                .map_err(|e| {
                    Failure::Usage(format!(
                        "the seed file {} is not a valid seed: {e}",
                        path.display()
                    ))
                })?
        }
    };
    // The first conference in progress, to try commands on.
    let conference = seed
        .projects
        .first()
        .and_then(|p| p.conferences.iter().find(|c| c.status == "in-progress"))
        .map(|c| c.sid);
    let emulator = Emulator::builder()
        .listen(args.listen)
        .seed(seed)
        .start()
        .await
        .map_err(|e| Failure::Io(format!("cannot start the emulator on {}: {e}", args.listen)))?;
    output::emulator(&emulator, conference, output);

    let stop_after = async {
        match args.stop_after {
            Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = stop_after => {}
        _ = interrupted() => {}
    }
    emulator.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn interrupted() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
