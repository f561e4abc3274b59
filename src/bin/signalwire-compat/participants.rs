//! `participants`' own commands: mute, unmute, hold, unhold and remove the participants of a
//! conference, one at a time or all at once, and watch them. Listing, showing and changing
//! one are the generic commands.

use futures_util::{StreamExt as _, TryStreamExt as _};
use signalwire_compat::{__private::Described, Client, ConferenceHandle, Error, UpdateParticipant};

use crate::{
    Context, Failure,
    args::{Output, Participants, Selection},
    output,
};

/// A change that can be made to one participant or to many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Mute,
    Unmute,
    Hold,
    Unhold,
    Remove,
}

impl Action {
    /// What was done, as the result lines say it.
    fn done(self) -> &'static str {
        match self {
            Self::Mute => "muted",
            Self::Unmute => "unmuted",
            Self::Hold => "held",
            Self::Unhold => "unheld",
            Self::Remove => "removed",
        }
    }

    /// The update it makes, or `None` for a removal.
    fn update(self) -> Option<fn(UpdateParticipant) -> UpdateParticipant> {
        match self {
            Self::Mute => Some(|u| u.muted(true)),
            Self::Unmute => Some(|u| u.muted(false)),
            Self::Hold => Some(|u| u.hold(true)),
            Self::Unhold => Some(|u| u.hold(false)),
            Self::Remove => None,
        }
    }

    /// Does it to one participant.
    async fn apply(self, conference: &ConferenceHandle, call: &str) -> Result<(), Error> {
        let one = conference.participant(call);
        match self.update() {
            Some(change) => change(one.update()).send().await.map(drop),
            None => one.remove().await,
        }
    }
}

pub(crate) async fn run(
    client: &Client,
    command: Participants,
    output: Output,
) -> Result<(), Failure> {
    crate::resources::check_columns(<signalwire_compat::Participant as Described>::META)
        .map_err(Failure::Usage)?;
    let (action, selection) = match command {
        Participants::Watch(args) => return crate::watch::watch(client, &args, output).await,
        Participants::Mute(s) => (Action::Mute, s),
        Participants::Unmute(s) => (Action::Unmute, s),
        Participants::Hold(s) => (Action::Hold, s),
        Participants::Unhold(s) => (Action::Unhold, s),
        Participants::Remove(s) => (Action::Remove, s),
    };
    let conference = crate::conference(client, &selection.conference).await?;
    match &selection.call_sid {
        Some(call) if !selection.all => one(&conference, action, call, &selection, output).await,
        _ => many(&conference, action, &selection, output).await,
    }
}

/// The action on one participant: the participant as it is now, or a line for a removal.
async fn one(
    conference: &ConferenceHandle,
    action: Action,
    call: &str,
    selection: &Selection,
    output: Output,
) -> Result<(), Failure> {
    let context = Context {
        conference: Some(selection.conference.clone()),
        call: Some(call.to_owned()),
        hint: None,
        resource: None,
    };
    let fail = |e: Error| Failure::Api(e, context.clone());
    let one = conference.participant(call);
    match action.update() {
        None => {
            one.remove().await.map_err(fail)?;
            if output == Output::Table {
                println!("removed {call} from conference {}", selection.conference);
            }
        }
        Some(change) => {
            let participant = change(one.update()).send().await.map_err(fail)?;
            crate::resources::show(&participant, output);
        }
    }
    Ok(())
}

/// How one participant of many came out.
#[derive(Debug, serde::Serialize)]
struct Outcome {
    call_sid: String,
    /// What was done (`muted`, `removed`…), `left` for a participant no longer in the
    /// conference, or `failed`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// In a dry run, the request that was not sent.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_json")]
    request: Option<signalwire_compat::RequestPreview>,
    /// How many times it was sent again after a 429.
    #[serde(skip_serializing_if = "is_zero")]
    retries: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The most times one participant's change is sent again after a 429 (nothing was done,
/// so it is safe to repeat), each after the server's `Retry-After` or 1 s, at most 30 s.
const MAX_RATE_RETRIES: u32 = 5;

impl Action {
    /// [`apply`](Self::apply), sent again after each 429 as [`MAX_RATE_RETRIES`] allows: the
    /// outcome, and how many times it was sent again.
    async fn apply_waiting_out_limits(
        self,
        conference: &ConferenceHandle,
        call: &str,
    ) -> (Result<(), Error>, u32) {
        let mut retries = 0;
        loop {
            match self.apply(conference, call).await {
                Err(e)
                    if e.status().is_some_and(|s| s.as_u16() == 429)
                        && retries < MAX_RATE_RETRIES =>
                {
                    retries += 1;
                    let wait = e
                        .retry_after()
                        .unwrap_or(std::time::Duration::from_secs(1))
                        .min(std::time::Duration::from_secs(30));
                    tokio::time::sleep(wait).await;
                }
                done => return (done, retries),
            }
        }
    }
}

fn as_json<S: serde::Serializer>(
    request: &Option<signalwire_compat::RequestPreview>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::Serialize as _;
    request
        .as_ref()
        .map(output::dry_run_json)
        .serialize(serializer)
}

/// The action on every participant the selection keeps, a few at a time: a line for each
/// as it finishes, then a summary. Fails (exit 1) if any one failed; a participant that
/// left meanwhile is not a failure.
async fn many(
    conference: &ConferenceHandle,
    action: Action,
    selection: &Selection,
    output: Output,
) -> Result<(), Failure> {
    let context = Context {
        conference: Some(selection.conference.clone()),
        call: None,
        hint: None,
        resource: None,
    };
    // A mistyped --except would leave no one out: refuse it before anything changes.
    let mut except = Vec::new();
    for e in &selection.except {
        match uuid::Uuid::try_parse(e.trim()) {
            Ok(sid) => except.push(sid),
            Err(_) => {
                return Err(Failure::Usage(format!(
                    "--except {:?} is not a call SID (a UUID such as ca000000-0000-4000-8000-000000000001); nothing was changed",
                    output::cell(e)
                )));
            }
        }
    }
    let mut listing = conference.participants().list();
    if selection.muted || selection.unmuted {
        listing = listing.muted(selection.muted);
    }
    if selection.held || selection.not_held {
        listing = listing.hold(selection.held);
    }
    let everyone: Vec<_> = listing
        .stream()
        .try_collect()
        .await
        .map_err(|e| Failure::Api(e, context))?;
    let kept = |p: &signalwire_compat::Participant| {
        p.call_sid.uuid().is_none_or(|sid| !except.contains(&sid))
    };
    for sid in &except {
        if !everyone.iter().any(|p| p.call_sid.uuid() == Some(*sid)) {
            eprintln!("note: --except {sid}: no participant the selection keeps has that call SID");
        }
    }
    let calls: Vec<String> = everyone
        .iter()
        .filter(|p| kept(p))
        .map(|p| p.call_sid.to_string())
        .collect();
    let mut outcomes = futures_util::stream::iter(calls.iter())
        .map(|call| async move {
            let (done, retries) = action.apply_waiting_out_limits(conference, call).await;
            let (outcome, error, request) = match done {
                Ok(()) => (action.done(), None, None),
                Err(e) if e.is_not_found() => ("left", None, None),
                Err(e) if e.dry_run().is_some() => ("dry-run", None, e.dry_run().cloned()),
                Err(e) => ("failed", Some(crate::report(&e)), None),
            };
            Outcome {
                call_sid: call.clone(),
                outcome,
                error,
                request,
                retries,
            }
        })
        .buffer_unordered(usize::from(selection.concurrency));
    let mut all = Vec::new();
    while let Some(outcome) = outcomes.next().await {
        match output {
            Output::Table => match (&outcome.error, &outcome.request) {
                (Some(error), _) => {
                    println!("{:<8} {}: {error}", outcome.outcome, outcome.call_sid)
                }
                (None, Some(request)) => {
                    let mut line = format!(
                        "{:<8} {}: {}",
                        outcome.outcome,
                        outcome.call_sid,
                        output::request_line(request)
                    );
                    for (k, v) in &request.form {
                        line.push_str(&format!(" {}={}", output::cell(k), output::cell(v)));
                    }
                    println!("{line}");
                }
                (None, None) => println!("{:<8} {}", outcome.outcome, outcome.call_sid),
            },
            Output::Ndjson => println!("{}", serde_json::json!(outcome)),
            Output::Json => {}
        }
        all.push(outcome);
    }
    if output == Output::Json {
        println!("{}", serde_json::json!(all));
    }
    let count = |what: &str| all.iter().filter(|o| o.outcome == what).count();
    let (done, left, failed) = (count(action.done()), count("left"), count("failed"));
    let planned = count("dry-run");
    let summary = if planned > 0 {
        format!(
            "dry run: {planned} of {} participants would be {}; nothing was changed",
            all.len(),
            action.done()
        )
    } else {
        let retries: u32 = all.iter().map(|o| o.retries).sum();
        let waited = match retries {
            0 => String::new(),
            n => format!(" ({n} sent again after a 429)"),
        };
        format!(
            "{} of {} participants {}, {left} had left, {failed} failed{waited}",
            done,
            all.len(),
            action.done()
        )
    };
    // The summary goes with the table, and to stderr when stdout is for a program.
    if output == Output::Table {
        println!("{summary}");
    } else {
        eprintln!("{summary}");
    }
    if failed > 0 {
        return Err(Failure::Io(format!(
            "{failed} of {} participants could not be {}",
            all.len(),
            action.done()
        )));
    }
    Ok(())
}
