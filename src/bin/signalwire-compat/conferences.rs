//! `conferences`: list, show, end and announce to the account's conferences.

use chrono::NaiveDate;
use signalwire_compat::{CallbackMethod, Client, ListConferences};

use crate::{
    Context, Failure,
    args::{ConferenceListArgs, Conferences, Output},
    output,
};

pub(crate) async fn run(
    client: &Client,
    command: Conferences,
    output: Output,
) -> Result<(), Failure> {
    output::check_columns::<signalwire_compat::Conference>("conferences")
        .map_err(Failure::Usage)?;
    let target = match &command {
        Conferences::List(args) => return list(client, args, output).await,
        Conferences::Get(t) | Conferences::End(t) => t,
        Conferences::Announce(args) => &args.target,
    };
    let context = Context {
        conference: Some(target.conference.clone()),
        call: None,
    };
    let conference = crate::conference(client, &target.conference).await?;
    let fail = |e| Failure::Api(e, context.clone());
    let shown = match command {
        Conferences::List(_) => unreachable!("listed above"),
        Conferences::Get(_) => conference.fetch().await.map_err(fail)?,
        Conferences::End(_) => conference.end().await.map_err(fail)?,
        Conferences::Announce(args) => {
            let method = args.method.unwrap_or(CallbackMethod::Post);
            conference
                .update()
                .announce_url(&args.url)
                .announce_method(method)
                .send()
                .await
                .map_err(fail)?
        }
    };
    output::one(&shown, output);
    Ok(())
}

async fn list(client: &Client, args: &ConferenceListArgs, output: Output) -> Result<(), Failure> {
    let mut listing = client.conferences().list();
    if let Some(name) = &args.name {
        listing = listing.friendly_name(name);
    }
    if let Some(status) = args.status.clone() {
        listing = listing.status(status);
    }
    type DayFilter = fn(ListConferences, NaiveDate) -> ListConferences;
    let days: [(Option<NaiveDate>, DayFilter); 6] = [
        (args.created_on, ListConferences::created_on),
        (args.created_before, ListConferences::created_before),
        (args.created_after, ListConferences::created_after),
        (args.updated_on, ListConferences::updated_on),
        (args.updated_before, ListConferences::updated_before),
        (args.updated_after, ListConferences::updated_after),
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
    output::listing(listing.pages(), args.paging.limit, output, "conferences")
        .await
        .map_err(|e| Failure::Api(e, Context::default()))
}
