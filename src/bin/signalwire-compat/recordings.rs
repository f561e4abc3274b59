//! `recordings`' own commands: start a call's recording, and pause, resume and stop a
//! call's or a conference's. Listing, showing and deleting them, the account's, are the
//! generic commands.

use signalwire_compat::{__private::Described, Client};

use crate::{
    Context, Failure,
    args::{Output, Recordings},
};

pub(crate) async fn run(
    client: &Client,
    command: Recordings,
    output: Output,
) -> Result<(), Failure> {
    crate::resources::check_columns(<signalwire_compat::Recording as Described>::META)
        .map_err(Failure::Usage)?;
    let target = match command {
        Recordings::Start(args) => return start(client, args, output).await,
        Recordings::Resume(ref t) | Recordings::Stop(ref t) => t,
        Recordings::Pause(ref args) => &args.target,
    };
    let context = Context {
        conference: target.conference.clone(),
        call: target.call.clone(),
        hint: None,
        resource: Some(format!("recording {}", target.recording)),
    };
    let fail = |e| Failure::Api(e, context.clone());
    let behavior = match &command {
        Recordings::Pause(args) => Some(args.pause_behavior),
        _ => None,
    };
    let resume = matches!(command, Recordings::Resume(_));
    // A conference's recording and a call's have the same actions, on handles of their own.
    macro_rules! act {
        ($recording:expr) => {{
            let recording = $recording;
            match behavior {
                Some(None) => recording.pause().await,
                Some(Some(behavior)) => recording.pause_with(behavior).await,
                None if resume => recording.resume().await,
                None => recording.stop().await,
            }
        }};
    }
    let sid = target.recording.as_str();
    let shown = match (&target.conference, &target.call) {
        (Some(conference), _) => act!(crate::conference(client, conference).await?.recording(sid)),
        (None, call) => act!(
            client
                .call(call.as_deref().unwrap_or_default())
                .recording(sid)
        ),
    }
    .map_err(fail)?;
    crate::resources::show(&shown, output);
    Ok(())
}

async fn start(
    client: &Client,
    args: crate::args::RecordingStartArgs,
    output: Output,
) -> Result<(), Failure> {
    let mut start = client.call(args.call.as_str()).recordings().create();
    if let Some(channels) = args.channels {
        start = start.recording_channels(channels);
    }
    if let Some(track) = args.track {
        start = start.recording_track(track);
    }
    if let Some(trim) = args.trim {
        start = start.trim(trim);
    }
    if let Some(url) = args.status_callback {
        start = start.recording_status_callback(url);
    }
    if let Some(method) = args.status_callback_method {
        start = start.recording_status_callback_method(method);
    }
    if !args.status_callback_event.is_empty() {
        start = start.recording_status_callback_event(args.status_callback_event);
    }
    let shown = start
        .send()
        .await
        .map_err(|e| Failure::Api(e, Context::default()))?;
    crate::resources::show(&shown, output);
    Ok(())
}
