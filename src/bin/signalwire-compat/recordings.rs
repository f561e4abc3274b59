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
        Recordings::Get(r) => return get(client, &r, output).await,
        Recordings::Remove(r) => return remove(client, &r, output).await,
        Recordings::Resume(ref t) | Recordings::Stop(ref t) => t,
        Recordings::Pause(ref args) => &args.target,
    };
    let context = Context {
        conference: Some(target.conference.clone()),
        call: None,
    };
    let fail = |e| Failure::Api(e, context.clone());
    let recording = crate::conference(client, &target.conference)
        .await?
        .recording(target.recording.as_str());
    let shown = match command {
        Recordings::Pause(args) => match args.pause_behavior {
            None => recording.pause().await,
            Some(behavior) => recording.pause_with(behavior).await,
        },
        Recordings::Resume(_) => recording.resume().await,
        Recordings::Stop(_) => recording.stop().await,
        Recordings::List(_) | Recordings::Get(_) | Recordings::Remove(_) => {
            unreachable!("handled above")
        }
    }
    .map_err(fail)?;
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
