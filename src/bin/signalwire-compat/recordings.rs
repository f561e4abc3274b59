//! `recordings`: list, show, pause, resume, stop and delete recordings, a conference's or,
//! reached by their SID alone, the account's.

use chrono::NaiveDate;
use signalwire_compat::{Client, ListAccountRecordings, ListRecordings};

use crate::{
    Context, Failure,
    args::{Output, RecordingListArgs, RecordingRef, Recordings},
    output,
};

pub(crate) async fn run(
    client: &Client,
    command: Recordings,
    output: Output,
) -> Result<(), Failure> {
    output::check_columns::<signalwire_compat::Recording>("recordings").map_err(Failure::Usage)?;
    let target = match command {
        Recordings::List(args) => return list(client, &args, output).await,
        Recordings::Start(args) => return start(client, args, output).await,
        Recordings::Get(r) => return get(client, &r, output).await,
        Recordings::Remove(r) => return remove(client, &r, output).await,
        Recordings::Resume(ref t) | Recordings::Stop(ref t) => t,
        Recordings::Pause(ref args) => &args.target,
    };
    let context = Context {
        conference: target.conference.clone(),
        call: None,
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
    output::one(&shown, output);
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
    output::one(&shown, output);
    Ok(())
}

fn context(conference: Option<&String>) -> Context {
    Context {
        conference: conference.cloned(),
        call: None,
    }
}

async fn get(client: &Client, r: &RecordingRef, output: Output) -> Result<(), Failure> {
    let fail = |e| Failure::Api(e, context(r.conference.as_ref()));
    let shown = match &r.conference {
        Some(conference) => {
            crate::conference(client, conference)
                .await?
                .recording(r.recording.as_str())
                .fetch()
                .await
        }
        None => client.recording(r.recording.as_str()).fetch().await,
    }
    .map_err(fail)?;
    output::one(&shown, output);
    Ok(())
}

async fn remove(client: &Client, r: &RecordingRef, output: Output) -> Result<(), Failure> {
    let fail = |e| Failure::Api(e, context(r.conference.as_ref()));
    match &r.conference {
        Some(conference) => {
            crate::conference(client, conference)
                .await?
                .recording(r.recording.as_str())
                .remove()
                .await
        }
        None => client.recording(r.recording.as_str()).remove().await,
    }
    .map_err(fail)?;
    if output == Output::Table {
        match &r.conference {
            Some(conference) => println!(
                "deleted recording {} of conference {conference}",
                r.recording
            ),
            None => println!("deleted recording {}", r.recording),
        }
    }
    Ok(())
}

/// The day filters both listings take, applied the same way.
macro_rules! days {
    ($listing:ident, $args:expr, $ty:ty) => {{
        type DayFilter = fn($ty, NaiveDate) -> $ty;
        let days: [(Option<NaiveDate>, DayFilter); 3] = [
            ($args.created_on, <$ty>::created_on),
            ($args.created_before, <$ty>::created_before),
            ($args.created_after, <$ty>::created_after),
        ];
        for (day, filter) in days {
            if let Some(day) = day {
                $listing = filter($listing, day);
            }
        }
        if let Some(n) = $args.paging.page_size {
            $listing = $listing.page_size(n);
        }
        $listing.max_pages($args.paging.max_pages)
    }};
}

async fn list(client: &Client, args: &RecordingListArgs, output: Output) -> Result<(), Failure> {
    let fail = |e| Failure::Api(e, context(args.conference.as_ref()));
    if let (Some(conference), None) = (&args.conference, &args.call) {
        let mut listing = crate::conference(client, conference)
            .await?
            .recordings()
            .list();
        let listing = days!(listing, args, ListRecordings);
        return output::listing(listing.pages(), args.paging.limit, output, "recordings")
            .await
            .map_err(fail);
    }
    let mut listing = client.recordings().list();
    // The call's SID is checked before a conference's name is looked up.
    if let Some(call) = &args.call {
        listing = listing.call_sid(call.as_str());
    }
    if let Some(conference) = &args.conference {
        let conference = crate::conference_sid(client, conference).await?;
        listing = listing.conference_sid(conference.as_str());
    }
    let listing = days!(listing, args, ListAccountRecordings);
    output::listing(listing.pages(), args.paging.limit, output, "recordings")
        .await
        .map_err(fail)
}
