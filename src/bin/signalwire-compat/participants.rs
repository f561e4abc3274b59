//! `participants`: list, show, change and remove the participants of a conference.

use signalwire_compat::{CallbackMethod, Client, Error, UpdateParticipant};

use crate::{
    Context, Failure,
    args::{ListArgs, Method, Output, Participants, Target, UpdateArgs},
    output,
};

pub(crate) async fn run(
    client: &Client,
    command: Participants,
    output: Output,
) -> Result<(), Failure> {
    let context = |t: &Target| Context {
        conference: Some(t.conference.clone()),
        call: Some(t.call_sid.clone()),
    };

    let target = match &command {
        Participants::List(args) => return list(client, args, output).await,
        Participants::Get(t)
        | Participants::Mute(t)
        | Participants::Unmute(t)
        | Participants::Hold(t)
        | Participants::Unhold(t)
        | Participants::Remove(t) => t,
        Participants::Update(args) => &args.target,
    };
    let context = context(target);
    let one = crate::conference(client, &target.conference)
        .await?
        .participant(target.call_sid.as_str());
    let fail = |e: Error| Failure::Api(e, context.clone());
    let change = |f: fn(UpdateParticipant) -> UpdateParticipant| f(one.update()).send();
    let participant = match command {
        Participants::List(_) => unreachable!("listed above"),
        Participants::Get(_) => one.fetch().await.map_err(fail)?,
        Participants::Mute(_) => change(|u| u.muted(true)).await.map_err(fail)?,
        Participants::Unmute(_) => change(|u| u.muted(false)).await.map_err(fail)?,
        Participants::Hold(_) => change(|u| u.hold(true)).await.map_err(fail)?,
        Participants::Unhold(_) => change(|u| u.hold(false)).await.map_err(fail)?,
        Participants::Update(args) => update(one.update(), &args).send().await.map_err(fail)?,
        Participants::Remove(t) => {
            one.remove().await.map_err(fail)?;
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
    // The conference is resolved even when nothing is to be read: a name that names no
    // conference is an error with --limit 0 too.
    let mut listing = crate::conference(client, &args.conference)
        .await?
        .participants()
        .list();
    if args.muted || args.unmuted {
        listing = listing.muted(args.muted);
    }
    if args.hold || args.not_held {
        listing = listing.hold(args.hold);
    }
    if let Some(n) = args.paging.page_size {
        listing = listing.page_size(n);
    }
    listing = listing.max_pages(args.paging.max_pages);
    output::listing(listing.pages(), args.paging.limit, output, "participants")
        .await
        .map_err(|e| Failure::Api(e, context))
}
