//! `streams`: stream a conference's audio to a WebSocket server, and stop it.

use std::io::Read as _;

use signalwire_compat::{CallbackMethod, Client};

use crate::{
    Context, Failure,
    args::{Output, StreamStartArgs, Streams},
    output,
};

pub(crate) async fn run(client: &Client, command: Streams, output: Output) -> Result<(), Failure> {
    output::check_columns::<signalwire_compat::Stream>("streams").map_err(Failure::Usage)?;
    let (conference, call) = match &command {
        Streams::Start(args) => (args.conference.clone(), args.call.clone()),
        Streams::Stop(args) => (args.conference.clone(), args.call.clone()),
    };
    let context = Context {
        conference: conference.clone(),
        call: call.clone(),
        hint: None,
        resource: match &command {
            Streams::Stop(args) => Some(format!("stream {}", args.stream)),
            Streams::Start(_) => None,
        },
    };
    let fail = |e| Failure::Api(e, context.clone());
    // The stream's owner: a conference (by SID or name) or a call.
    let owner = match (&conference, &call) {
        (Some(conference), _) => Ok(crate::conference(client, conference).await?),
        (None, call) => Err(client.call(call.as_deref().unwrap_or_default())),
    };
    let shown = match command {
        Streams::Start(args) => {
            let streams = match &owner {
                Ok(conference) => conference.streams(),
                Err(call) => call.streams(),
            };
            start(&streams, args)?.send().await.map_err(fail)?
        }
        Streams::Stop(args) => {
            let stream = match &owner {
                Ok(conference) => conference.stream(args.stream.as_str()),
                Err(call) => call.stream(args.stream.as_str()),
            };
            stream.stop().await.map_err(fail)?
        }
    };
    output::one(&shown, output);
    Ok(())
}

fn start(
    streams: &signalwire_compat::Streams,
    args: StreamStartArgs,
) -> Result<signalwire_compat::StartStream, Failure> {
    let mut start = streams.start(&args.url);
    if let Some(name) = args.name {
        start = start.name(name);
    }
    if let Some(track) = args.track {
        start = start.track(track);
    }
    if let Some(codec) = args.codec {
        start = start.codec(codec);
    }
    if args.real_time {
        start = start.real_time(true);
    }
    if let Some(url) = &args.status_callback {
        let method = args.status_callback_method.unwrap_or(CallbackMethod::Post);
        start = start.status_callback(url, method);
    }
    if let Some(path) = &args.bearer_token_file {
        start = start.bearer_token(read_token(path)?);
    }
    Ok(start)
}

/// A secret of a generic command (`--sip-auth-password-file`), read as a bearer token is.
pub(crate) fn read_secret(path: &std::path::Path, what: &str) -> Result<String, Failure> {
    read_token(path).map_err(|e| match e {
        Failure::Usage(message) => Failure::Usage(message.replace("the bearer token", what)),
        other => other,
    })
}

/// A token from a file, or from standard input for `-`; its line end is not part of it.
fn read_token(path: &std::path::Path) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    read.map_err(|e| {
        Failure::Usage(format!(
            "cannot read the bearer token from {}: {e}",
            path.display()
        ))
    })?;
    let token = text.trim_end_matches(['\r', '\n']).to_owned();
    if token.is_empty() {
        return Err(Failure::Usage(format!(
            "the bearer token file {} is empty",
            path.display()
        )));
    }
    Ok(token)
}
