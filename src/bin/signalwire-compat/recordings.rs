//! `recordings`: list, show, pause, resume, stop and delete a conference's recordings.

use chrono::NaiveDate;
use signalwire_compat::{Client, ListRecordings, PauseBehavior};

use crate::{
    Context, Failure,
    args::{Output, PauseBehaviorArg, RecordingListArgs, Recordings},
    output,
};

pub(crate) async fn run(
    client: &Client,
    command: Recordings,
    output: Output,
) -> Result<(), Failure> {
    output::check_columns::<signalwire_compat::Recording>("recordings").map_err(Failure::Usage)?;
    let target = match &command {
        Recordings::List(args) => return list(client, args, output).await,
        Recordings::Get(t)
        | Recordings::Resume(t)
        | Recordings::Stop(t)
        | Recordings::Remove(t) => t,
        Recordings::Pause(args) => &args.target,
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
        Recordings::List(_) => unreachable!("listed above"),
        Recordings::Get(_) => recording.fetch().await.map_err(fail)?,
        Recordings::Pause(args) => match args.pause_behavior {
            None => recording.pause().await,
            Some(PauseBehaviorArg::Silence) => recording.pause_with(PauseBehavior::Silence).await,
            Some(PauseBehaviorArg::Skip) => recording.pause_with(PauseBehavior::Skip).await,
        }
        .map_err(fail)?,
        Recordings::Resume(_) => recording.resume().await.map_err(fail)?,
        Recordings::Stop(_) => recording.stop().await.map_err(fail)?,
        Recordings::Remove(t) => {
            recording.remove().await.map_err(fail)?;
            if output == Output::Table {
                println!(
                    "deleted recording {} of conference {}",
                    t.recording, t.conference
                );
            }
            return Ok(());
        }
    };
    output::one(&shown, output);
    Ok(())
}

async fn list(client: &Client, args: &RecordingListArgs, output: Output) -> Result<(), Failure> {
    let context = Context {
        conference: Some(args.conference.clone()),
        call: None,
    };
    let mut listing = crate::conference(client, &args.conference)
        .await?
        .recordings()
        .list();
    type DayFilter = fn(ListRecordings, NaiveDate) -> ListRecordings;
    let days: [(Option<NaiveDate>, DayFilter); 3] = [
        (args.created_on, ListRecordings::created_on),
        (args.created_before, ListRecordings::created_before),
        (args.created_after, ListRecordings::created_after),
    ];
    for (day, filter) in days {
        if let Some(day) = day {
            listing = filter(listing, day);
        }
    }
    if let Some(n) = args.paging.page_size {
        listing = listing.page_size(n);
    }
    listing = listing.max_pages(args.paging.max_pages);
    output::listing(listing.pages(), args.paging.limit, output, "recordings")
        .await
        .map_err(|e| Failure::Api(e, context))
}
