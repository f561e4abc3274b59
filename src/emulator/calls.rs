//! Calls in the emulator: placed by the REST API, they ring and are answered on the
//! emulator's clock, and end when hung up, cancelled or deleted; their status callbacks go
//! out signed as the call moves. An answered call's cXML is run by `runner.rs`, which this
//! module's calls share their log, input and waker with.
//!
//! The timeline, on the emulator's clock: a call is `queued` when created (the `initiated`
//! event), `ringing` [`RING_AFTER`] later, and answered (`in-progress`, the `answered`
//! event) [`ANSWER_AFTER`] after that, unless the called number's rule (see `numbers.rs`)
//! says it rings longer, is busy, does not answer or cannot be reached. A call that rings
//! for its `Timeout` ([`RING_TIMEOUT`] when not given) ends `no-answer`. The `completed`
//! event goes out whichever way it ends, with its status (`completed`, `canceled`, `busy`,
//! `no-answer`, `failed`) and its duration.

use std::{
    collections::{HashMap, VecDeque},
    time::Duration,
};

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{
    callbacks::{Event, StatusCallback},
    conferences::Pending,
    numbers::{Answer, Rules},
    ordered::{Filters, Ordered, PartyListing, Row, listing},
    paging::Position,
    participants::whole_seconds,
    response::Refusal,
    runner::{RunStart, RunState, RunView},
    store,
};
use crate::{
    AnsweredBy, CallDirection, CallStatus, MachineDetection,
    api::generated::{CallCreate, CallUpdate},
};

/// The number the calls of a seed's participants came in to (see
/// [`SeedParticipant`](super::SeedParticipant)).
pub const SEATED_LINE: &str = "+15550100000";

/// How long after it is created a call starts to ring.
pub const RING_AFTER: Duration = Duration::from_secs(1);

/// How long a call rings before it is answered, unless the called number's rule says
/// otherwise.
pub const ANSWER_AFTER: Duration = Duration::from_secs(2);

/// How long a call rings before it ends `no-answer` when its `Timeout` is not given.
pub const RING_TIMEOUT: Duration = Duration::from_secs(60);

/// The most calls a project may have in flight (queued, ringing or in progress) before a
/// new one, created or arriving, is refused with 429 and code 20429. A call a `<Dial>`
/// places is not refused: each call dials at most one at a time.
pub const MAX_CALLS_IN_FLIGHT: usize = 5_000;

/// How many ended calls of a project keep their run logs (each bounded at
/// [`MAX_LOG`](super::MAX_LOG) entries): past it, the log of the call that ended first is let
/// go, and asking for it answers 410.
pub const MAX_ENDED_LOGS: usize = 1_000;

/// The events a call's status callback may ask for; the last two (a call forwarded or
/// queued while it rings) never happen on the emulator.
pub(crate) const EVENTS: [&str; 6] = [
    "initiated",
    "ringing",
    "answered",
    "completed",
    "ringing_forwarded",
    "ringing_queued",
];

/// Where a call placed on the emulator takes its cXML from once answered, as it was
/// created or last redirected: see [`Emulator::call_cxml`](super::Emulator::call_cxml).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallCxml {
    /// Asked for at `url` with `method` (`GET` or `POST`).
    Url {
        /// The URL.
        url: String,
        /// `GET` or `POST`.
        method: String,
    },
    /// The voice URL of this application of the account.
    Application(Uuid),
    /// This document, given inline.
    Document(String),
    /// None of its own: the call was placed by the `<Dial>` of this call, and is bridged to
    /// it until it hangs up or is sent to cXML of its own.
    Bridged(Uuid),
}

impl CallCxml {
    fn url(url: String, method: Option<crate::CallbackMethod>) -> Self {
        let method = method.unwrap_or(crate::CallbackMethod::Post);
        Self::Url {
            url,
            method: method.as_str().to_owned(),
        }
    }

    /// A document given inline, which must read as cXML: it is what the call would run.
    fn document(cxml: String) -> Result<Self, Refusal> {
        crate::cxml::VoiceResponse::parse(&cxml)
            .map_err(|e| Refusal::bad(format!("Twiml is not a cXML document: {e}")))?;
        Ok(Self::Document(cxml))
    }
}

/// The call a `<Dial>` places.
pub(crate) struct DialOut {
    /// The call whose `<Dial>` it is: its `ParentCallSid`.
    pub(crate) parent: Uuid,
    /// Its own SID.
    pub(crate) sid: Uuid,
    /// The number dialed.
    pub(crate) to: String,
    /// The `callerId`, or the parent's `From`.
    pub(crate) from: String,
    /// How long it may ring.
    pub(crate) timeout: Duration,
    /// The `<Number>`'s status callback.
    pub(crate) callback: Option<CallCallback>,
}

/// Where a call's status callbacks go, and which events they hear of.
#[derive(Debug, Clone)]
pub(crate) struct CallCallback {
    url: String,
    method: String,
    events: Vec<String>,
}

#[derive(Debug)]
struct EmulatedCall {
    sid: Uuid,
    to: String,
    from: String,
    status: CallStatus,
    parent: Option<Uuid>,
    date_created: DateTime<FixedOffset>,
    date_updated: DateTime<FixedOffset>,
    start_time: Option<DateTime<FixedOffset>>,
    end_time: Option<DateTime<FixedOffset>>,
    direction: CallDirection,
    ring_at: DateTime<Utc>,
    /// When it is answered, busy or given up on, by `outcome`.
    outcome_at: DateTime<Utc>,
    outcome: Answer,
    handler: CallCxml,
    /// Where a document that cannot be had or read is asked for instead: URL and method.
    fallback: Option<(String, String)>,
    callback: Option<CallCallback>,
    answered_by: Option<AnsweredBy>,
    /// How many status callbacks the call has made, for `SequenceNumber`.
    sequence: u64,
    /// What its cXML's runner shares: its log, input waiting for it, how it is woken.
    run: RunState,
}

/// What a `<Dial>` sees of the call it placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dialed {
    pub(crate) status: CallStatus,
    /// Still bridged: not sent to cXML of its own.
    pub(crate) bridged: bool,
    /// Once it is over, how long it was answered, in seconds.
    pub(crate) duration: Option<i64>,
}

/// A project's calls, newest first.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    rows: Ordered<EmulatedCall>,
    /// What the numbers the project calls do.
    pub(crate) rules: Rules,
    /// The project's numbers that take calls, and where each asks for cXML.
    lines: HashMap<String, CallCxml>,
    /// [`MAX_CALLS_IN_FLIGHT`] unless a test sets another.
    in_flight_limit: Option<usize>,
    /// The ended calls whose run logs are kept, in the order they ended.
    ended_logs: VecDeque<Uuid>,
    /// [`MAX_ENDED_LOGS`] unless a test sets another.
    ended_logs_limit: Option<usize>,
    /// The calls whose status callback the REST API pointed elsewhere since this was last
    /// taken: the deliveries still waiting for the old one go (see [`Calls::take_moved`]).
    moved_callbacks: Vec<Uuid>,
}

/// A call listing's request: its filters (a parent call's SID its own) and position,
/// already checked.
pub(crate) type ListRequest = PartyListing<Option<Uuid>>;

const FILTERS: [&str; 10] = [
    "To",
    "From",
    "ParentCallSid",
    "Status",
    "StartTime",
    "StartTime<",
    "StartTime>",
    "EndTime",
    "EndTime<",
    "EndTime>",
];

/// Reads a call listing's query. An empty filter means no filter.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    // `initiated` is a status callback's word, never a call's status.
    let statuses: Vec<&str> = CallStatus::KNOWN
        .iter()
        .map(|(text, _)| *text)
        .filter(|text| *text != "initiated")
        .collect();
    PartyListing::read(
        query,
        &FILTERS,
        &["StartTime", "EndTime"],
        &statuses,
        |parent, key, value| {
            if key != "ParentCallSid" {
                return Ok(false);
            }
            *parent = Some(Uuid::try_parse(&value).map_err(|_| {
                Refusal::bad(format!(
                    "ParentCallSid must be a call SID (a UUID), not {value:?}"
                ))
            })?);
            Ok(true)
        },
    )
}

/// A call's status callback, as its form (or a `<Number>`) gives it: loopback unless
/// remote callbacks are allowed; `completed` only when no event is named.
pub(crate) fn callback(
    url: Option<String>,
    method: Option<crate::CallbackMethod>,
    events: Option<Vec<crate::cxml::CallEvent>>,
    allow_remote: bool,
) -> Result<Option<CallCallback>, Refusal> {
    let events = events
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect();
    let Some(url) = url else { return Ok(None) };
    let wanted = Wanted {
        what: "StatusCallback",
        events,
        known: &EVENTS,
    };
    checked_callback(url, method, wanted, allow_remote).map(Some)
}

/// The events a callback asks for, and those it may ask for (`completed` when it names
/// none).
pub(crate) struct Wanted<'a> {
    /// What the callback is called where it is given, for errors.
    pub(crate) what: &'a str,
    pub(crate) events: Vec<String>,
    pub(crate) known: &'a [&'a str],
}

/// A callback to the events `wanted` names, checked as a conference's callback is: loopback
/// unless remote callbacks are allowed, and `GET` or `POST`.
pub(crate) fn checked_callback(
    url: String,
    method: Option<crate::CallbackMethod>,
    wanted: Wanted<'_>,
    allow_remote: bool,
) -> Result<CallCallback, Refusal> {
    let Wanted {
        what,
        events,
        known,
    } = wanted;
    let method = method
        .unwrap_or(crate::CallbackMethod::Post)
        .as_str()
        .to_owned();
    let checked = StatusCallback {
        url,
        method,
        events: Vec::new(),
        twilio_fields: false,
    }
    .checked(allow_remote)
    .map_err(|e| Refusal::bad(format!("{what}: {e}")))?;
    let events = if events.is_empty() {
        vec!["completed".to_owned()]
    } else {
        events
    };
    if let Some(unknown) = events.iter().find(|e| !known.contains(&e.as_str())) {
        return Err(Refusal::bad(format!(
            "{what}Event {unknown:?} is not one of {}",
            known.join(", ")
        )));
    }
    Ok(CallCallback {
        url: checked.url,
        method: checked.method,
        events,
    })
}

impl CallCallback {
    /// The event `name` of the call `call`, with `params`, if the callback asks for `event`.
    pub(crate) fn pending(
        &self,
        project: &Uuid,
        call: &Uuid,
        event: &str,
        name: &str,
        params: Vec<(String, String)>,
    ) -> Option<Pending> {
        if !self.events.iter().any(|e| e == event) {
            return None;
        }
        let target = StatusCallback {
            url: self.url.clone(),
            method: self.method.clone(),
            events: Vec::new(),
            twilio_fields: false,
        };
        Some((Event::of_call(*project, *call, name, params), target))
    }
}

/// A `FallbackUrl` and its method (`POST` when not given); an empty URL is none.
/// Where a call to the project's bought number `to` asks for cXML, and its fallback: the
/// number's `VoiceUrl`, or its `VoiceApplicationSid`'s (whose fallback the runner looks up).
/// `None` for a number the project has not bought, or one with neither.
fn number_handler(
    tables: &store::Tables,
    to: &str,
) -> Option<(CallCxml, Option<(String, String)>)> {
    let number = tables
        .rows::<crate::IncomingPhoneNumber>()?
        .iter()
        .find(|n| n.phone_number.as_deref() == Some(to))?;
    if let Some((url, method)) =
        super::state::url_and_method(number.voice_url.as_ref(), number.voice_method.as_ref())
    {
        let fallback = super::state::url_and_method(
            number.voice_fallback_url.as_ref(),
            number.voice_fallback_method.as_ref(),
        );
        return Some((CallCxml::Url { url, method }, fallback));
    }
    let application = number.voice_application_sid.as_deref()?;
    let application = Uuid::try_parse(application).ok()?;
    Some((CallCxml::Application(application), None))
}

fn fallback(
    url: Option<String>,
    method: Option<crate::CallbackMethod>,
) -> Option<(String, String)> {
    let url = url.filter(|u| !u.trim().is_empty())?;
    let method = method.unwrap_or(crate::CallbackMethod::Post);
    Some((url, method.as_str().to_owned()))
}

/// The form with `Laml`, which SignalWire's documents name beside `Twiml`, under the name
/// the spec's form takes.
fn laml_as_twiml(body: &[u8]) -> Result<Vec<u8>, Refusal> {
    let mut pairs = super::form::pairs_repeating(body, &["StatusCallbackEvent"])?;
    if !pairs.iter().any(|(k, _)| k == "Laml") {
        return Ok(body.to_vec());
    }
    if pairs.iter().any(|(k, _)| k == "Twiml") {
        return Err(Refusal::bad(
            "Laml and Twiml are both given; they are one parameter, give one",
        ));
    }
    for (key, _) in &mut pairs {
        if key == "Laml" {
            "Twiml".clone_into(key);
        }
    }
    Ok(form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish()
        .into_bytes())
}

/// `at` moved on by `by`; the latest time there is, if that is past it.
pub(crate) fn later(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(by)
        .ok()
        .and_then(|by| at.checked_add_signed(by))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Calls {
    /// The seed's calls: what its numbers do when called, where those that take calls ask
    /// for cXML, and a call for each participant it seats in a conference (see
    /// [`Calls::seat`]).
    pub(crate) fn from_seed(
        numbers: &[super::SeedNumber],
        conferences: &[super::SeedConference],
        now: DateTime<Utc>,
    ) -> Self {
        let lines = numbers
            .iter()
            .filter_map(|n| {
                let url = n.voice_url.clone()?;
                let method = n.voice_method.as_deref().unwrap_or("POST").to_uppercase();
                Some((n.number.clone(), CallCxml::Url { url, method }))
            })
            .collect();
        let mut calls = Self {
            rules: Rules::from_seed(numbers),
            lines,
            ..Self::default()
        };
        let mut callers = 0;
        for conference in conferences.iter().filter(|c| c.status != "completed") {
            for participant in conference.participants.iter().filter(|p| p.is_seated()) {
                callers += 1;
                calls.seat(conference, participant, callers, now);
            }
        }
        calls
    }

    /// A participant the seed puts in a conference is a call in progress, as if it had come
    /// in from `+1555020nnnn` (`nnnn` its place among the project's seated callers) to
    /// [`SEATED_LINE`] when it joined, and run `<Dial><Conference>` with the room's name and
    /// the participant's attributes. It is in the room already: its runner's `<Dial>` finds
    /// it there and does not enter again, and when it leaves the room the call ends, as the
    /// document has no more verbs.
    fn seat(
        &mut self,
        conference: &super::SeedConference,
        participant: &super::SeedParticipant,
        caller: usize,
        now: DateTime<Utc>,
    ) {
        use crate::cxml::{Conference, Dial, VoiceResponse};
        let joined = participant
            .date_created
            .as_deref()
            .and_then(|d| crate::time::parse_rfc2822(d).ok())
            .map_or(now, |d| d.with_timezone(&Utc));
        let name = (conference.friendly_name.clone())
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| conference.sid.to_string());
        let mut room = Conference::new(name)
            .muted(participant.muted)
            .start_conference_on_enter(participant.start_conference_on_enter)
            .end_conference_on_exit(participant.end_conference_on_exit);
        if let Some(coached) = participant.call_sid_to_coach {
            room = room.coach(coached.to_string());
        }
        let document = VoiceResponse::new().dial(Dial::new().conference(room));
        let from = format!("+1555020{caller:04}");
        let handler = CallCxml::Document(document.to_xml());
        let line = SEATED_LINE.to_owned();
        let call = self.placed(
            participant.call_sid,
            line,
            from,
            None,
            handler,
            RING_TIMEOUT,
            false,
            joined,
        );
        call.direction = CallDirection::Inbound;
        call.status = CallStatus::InProgress;
        call.start_time = Some(whole_seconds(joined));
        call.outcome = Answer::Human;
        call.ring_at = joined;
        call.outcome_at = joined;
        call.run.conference = Some(conference.sid);
        call.run.seated = Some(conference.sid);
    }

    /// The seated calls (see [`Calls::seat`]) that ended or were sent to new cXML before
    /// their runner took their seat: no longer seated, each with the room it is to leave.
    pub(crate) fn unseat_gone(&mut self) -> Vec<(Uuid, Uuid)> {
        let mut gone = Vec::new();
        for call in self.rows.values_mut() {
            if call.run.seated.is_some() && (call.status.is_over() || call.run.generation > 0) {
                if let Some(conference) = call.run.seated.take() {
                    gone.push((call.sid, conference));
                }
                call.run.conference = None;
            }
        }
        gone
    }

    /// The calls whose status callback was pointed elsewhere since this was last asked.
    pub(crate) fn take_moved(&mut self) -> Vec<Uuid> {
        std::mem::take(&mut self.moved_callbacks)
    }

    /// The calls a runner should run now: those in progress that no runner runs yet.
    pub(crate) fn waiting_for_runners(&self) -> Vec<Uuid> {
        self.rows
            .values()
            .filter(|c| c.needs_runner())
            .map(|c| c.sid)
            .collect()
    }

    /// Refuses a new call while the project has its most calls in flight.
    fn room_for_one_more(&self) -> Result<(), Refusal> {
        let limit = self.in_flight_limit.unwrap_or(MAX_CALLS_IN_FLIGHT);
        let in_flight = self
            .rows
            .values()
            .filter(|c| !c.status.is_over())
            .take(limit)
            .count();
        if in_flight < limit {
            return Ok(());
        }
        Err(Refusal::new(
            429,
            20429,
            format!(
                "This project has {limit} calls in flight, the most it may have: end some, or wait for them to end, before placing another"
            ),
        ))
    }

    /// A call comes in from `from` to the project's number `to`: it is answered at once
    /// (direction `inbound`) and runs the number's voice URL.
    pub(crate) fn arrive(
        &mut self,
        account: &Uuid,
        sid: Uuid,
        from: String,
        to: String,
        now: DateTime<Utc>,
        tables: &store::Tables,
    ) -> Result<Value, Refusal> {
        self.room_for_one_more()?;
        let bought = || number_handler(tables, &to);
        let Some((handler, fallback)) = self
            .lines
            .get(&to)
            .cloned()
            .map(|h| (h, None))
            .or_else(bought)
        else {
            return Err(Refusal::new(
                404,
                20404,
                format!(
                    "{to} is not a number of this project that takes calls: buy it with a VoiceUrl (POST /IncomingPhoneNumbers), or give it a voice_url in the seed"
                ),
            ));
        };
        let call = self.placed(sid, to, from, None, handler, RING_TIMEOUT, false, now);
        call.fallback = fallback;
        let answered = whole_seconds(now);
        call.direction = CallDirection::Inbound;
        call.status = CallStatus::InProgress;
        call.start_time = Some(answered);
        call.outcome = Answer::Human;
        call.ring_at = now;
        call.outcome_at = now;
        Ok(call.render(account))
    }

    /// Places a call from its form (checked: exactly one of `Url`, `ApplicationSid` and
    /// `Twiml`). Answers the call as created, with the `initiated` event if it is wanted.
    pub(crate) fn create(
        &mut self,
        project: &Uuid,
        body: &[u8],
        sid: Uuid,
        now: DateTime<Utc>,
        allow_remote: bool,
        applications: Option<&store::Tables>,
    ) -> Result<(Value, Vec<Pending>), Refusal> {
        // `Laml` is SignalWire's other name for `Twiml`.
        let body = laml_as_twiml(body)?;
        let form: CallCreate = store::read_checked(&body, false)?;
        self.room_for_one_more()?;
        let to = form.to.unwrap_or_default();
        let from = form.from.unwrap_or_default();
        let handler = match (form.url, form.application_sid, form.twiml) {
            (Some(url), _, _) => CallCxml::url(url, form.method),
            (_, Some(app), _) => {
                let known = applications.is_some_and(|t| t.has::<crate::Application>(&app));
                if !known {
                    return Err(Refusal::new(
                        400,
                        21218,
                        format!("ApplicationSid {app} is not an application of this account"),
                    ));
                }
                CallCxml::Application(app)
            }
            (_, _, Some(cxml)) => CallCxml::document(cxml)?,
            (None, None, None) => {
                return Err(Refusal::bad(
                    "None of Url, ApplicationSid and Twiml is given; give exactly one",
                ));
            }
        };
        let callback = callback(
            form.status_callback,
            form.status_callback_method,
            form.status_callback_event,
            allow_remote,
        )?;
        let detect = form
            .machine_detection
            .is_some_and(|m| m != MachineDetection::None);
        let timeout = form
            .timeout
            .map_or(RING_TIMEOUT, |s| Duration::from_secs(s.into()));
        let call = self.placed(sid, to, from, None, handler, timeout, detect, now);
        call.callback = callback;
        call.fallback = fallback(form.fallback_url, form.fallback_method);
        let events = call.event(project, "initiated", now).into_iter().collect();
        Ok((call.render(project), events))
    }

    /// A new call to `to`, queued now: it rings after [`RING_AFTER`], and then does what
    /// `to`'s rule says, or gives up after `timeout`.
    #[allow(clippy::too_many_arguments)]
    fn placed(
        &mut self,
        sid: Uuid,
        to: String,
        from: String,
        parent: Option<Uuid>,
        handler: CallCxml,
        timeout: Duration,
        detect: bool,
        now: DateTime<Utc>,
    ) -> &mut EmulatedCall {
        let rule = self.rules.of(&to);
        let ring = Duration::from_millis(rule.after_ms);
        let (outcome, rings) = match rule.answer {
            Answer::NoAnswer => (Answer::NoAnswer, timeout),
            answer if ring >= timeout => (
                if answer == Answer::Busy {
                    Answer::Busy
                } else {
                    Answer::NoAnswer
                },
                timeout.min(ring),
            ),
            answer => (answer, ring),
        };
        let answered_by = match outcome {
            Answer::Human if detect => Some(AnsweredBy::Human),
            Answer::Machine if detect => Some(AnsweredBy::MachineStart),
            _ => None,
        };
        let created = whole_seconds(now);
        let ring_at = later(now, RING_AFTER);
        let call = EmulatedCall {
            sid,
            to,
            from,
            status: CallStatus::Queued,
            parent,
            date_created: created,
            date_updated: created,
            start_time: None,
            end_time: None,
            direction: if parent.is_some() {
                CallDirection::OutboundDial
            } else {
                CallDirection::OutboundApi
            },
            ring_at,
            outcome_at: later(ring_at, rings),
            outcome,
            handler,
            fallback: None,
            callback: None,
            answered_by,
            sequence: 0,
            run: RunState::default(),
        };
        // Newest first.
        self.rows.push_first(sid, call)
    }

    /// Places the call a `<Dial>` of the call `out.parent` makes (with `ParentCallSid`,
    /// direction `outbound-dial`): it rings and is answered, or not, by its number's rule
    /// within `out.timeout`, and the parent's run watches it. Answers its `initiated` event,
    /// if its callback asks for it.
    pub(crate) fn dial(
        &mut self,
        account: &Uuid,
        out: DialOut,
        now: DateTime<Utc>,
    ) -> Option<Pending> {
        let DialOut {
            parent,
            sid,
            to,
            from,
            timeout,
            callback,
        } = out;
        let bridged = CallCxml::Bridged(parent);
        let call = self.placed(sid, to, from, Some(parent), bridged, timeout, false, now);
        call.callback = callback;
        let event = call.event(account, "initiated", now);
        if let Some(run) = self.run_mut(&parent) {
            run.dialing = Some(sid);
            run.dial_seen = None;
        }
        event
    }

    /// Whether the call `sid` is in progress with cXML of its own that no runner runs yet.
    pub(crate) fn needs_runner(&self, sid: &Uuid) -> bool {
        self.get(sid).is_some_and(EmulatedCall::needs_runner)
    }

    /// What a `<Dial>` sees of the call it placed.
    pub(crate) fn dialed(&self, sid: &Uuid) -> Option<Dialed> {
        self.get(sid).map(|c| Dialed {
            status: c.status.clone(),
            bridged: matches!(c.handler, CallCxml::Bridged(_)),
            duration: c.duration(),
        })
    }

    /// Wakes each runner whose `<Dial>`ed call has moved on since the runner last looked.
    pub(crate) fn wake_dialers(&mut self) {
        let dialing: Vec<(Uuid, Option<Dialed>)> = self
            .rows
            .values()
            .filter_map(|c| Some((c.sid, self.dialed(&c.run.dialing?))))
            .collect();
        for (sid, status) in dialing {
            if let Some(call) = self.rows.get_mut(&sid)
                && call.run.dial_seen != status
            {
                call.run.wake.notify_one();
            }
        }
    }

    fn get(&self, sid: &Uuid) -> Option<&EmulatedCall> {
        self.rows.get(sid)
    }

    fn get_mut(&mut self, sid: &Uuid) -> Option<&mut EmulatedCall> {
        self.rows.get_mut(sid)
    }

    /// Whether the call exists and is live (answered and not over).
    pub(crate) fn is_live(&self, sid: &Uuid) -> Option<bool> {
        self.get(sid).map(|c| c.status == CallStatus::InProgress)
    }

    /// The calls that ended: their SIDs.
    pub(crate) fn ended(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.rows
            .values()
            .filter(|c| c.status.is_over())
            .map(|c| c.sid)
    }

    pub(crate) fn list(&self, account: &Uuid, request: &ListRequest) -> Value {
        self.rows.list(account, request)
    }

    pub(crate) fn fetch(&self, account: &Uuid, sid: &Uuid, path: &str) -> Result<Value, Refusal> {
        self.rows.fetch(account, sid, path)
    }

    /// Redirects, ends or re-points the status callback of a call.
    pub(crate) fn update(
        &mut self,
        account: &Uuid,
        sid: &Uuid,
        body: &[u8],
        now: DateTime<Utc>,
        allow_remote: bool,
        path: &str,
    ) -> Result<(Value, Vec<Pending>), Refusal> {
        let form: CallUpdate = store::read_checked(body, false)?;
        let call = self.get_mut(sid).ok_or_else(|| Refusal::not_found(path))?;
        if call.status.is_over() {
            return Err(Refusal::new(
                422,
                21220,
                format!(
                    "Call {sid} is {}: a call that is over cannot be changed",
                    call.status
                ),
            ));
        }
        // Everything is checked before anything changes: a refused update leaves the call
        // as it was.
        let new_callback = match form.status_callback {
            Some(url) => Some(callback(
                Some(url),
                form.status_callback_method,
                call.callback.as_ref().map(|c| {
                    c.events
                        .iter()
                        .map(|e| crate::cxml::CallEvent::from(e.as_str()))
                        .collect()
                }),
                allow_remote,
            )?),
            None => None,
        };
        let new_handler = match (form.url, form.twiml) {
            (Some(url), _) => Some(CallCxml::url(url, form.method)),
            (None, Some(cxml)) => Some(CallCxml::document(cxml)?),
            (None, None) => None,
        };
        let end = match form.status.as_ref().map(CallStatus::as_str) {
            Some(status @ ("canceled" | "completed")) => Some(status),
            Some(other) => {
                return Err(Refusal::bad(format!(
                    "Status must be canceled or completed, not {other:?}"
                )));
            }
            None => None,
        };
        let mut events = Vec::new();
        let mut moved = false;
        if let Some(callback) = new_callback {
            let target =
                |c: &Option<CallCallback>| c.as_ref().map(|c| (c.url.clone(), c.method.clone()));
            moved = call.callback.is_some() && target(&call.callback) != target(&callback);
            call.callback = callback;
        }
        if let Some(fallback) = fallback(form.fallback_url, form.fallback_method) {
            call.fallback = Some(fallback);
        }
        if let Some(handler) = new_handler {
            call.handler = handler;
            // A live call's runner leaves its verb for the new cXML.
            call.run.generation += 1;
        }
        match end {
            // An answered call goes on when asked to cancel, as Twilio documents it.
            Some("canceled") if call.status == CallStatus::InProgress => {}
            Some("completed") if call.status == CallStatus::InProgress => {
                events.extend(call.end(account, CallStatus::Completed, now));
            }
            Some(_) => events.extend(call.end(account, CallStatus::Canceled, now)),
            None => {}
        }
        call.date_updated = whole_seconds(now);
        call.run.wake.notify_one();
        let rendered = call.render(account);
        if call.status.is_over() {
            self.note_ended(*sid);
        }
        if moved {
            self.moved_callbacks.push(*sid);
        }
        Ok((rendered, events))
    }

    /// The call's runner may start: the call is in progress and its cXML does not run yet.
    pub(crate) fn start_run(&mut self, sid: &Uuid) -> Option<RunStart> {
        let call = self.get_mut(sid)?;
        if !call.needs_runner() {
            return None;
        }
        call.run.started = true;
        Some(RunStart {
            handler: call.handler.clone(),
            from: call.from.clone(),
            to: call.to.clone(),
            direction: call.direction.clone(),
            generation: call.run.generation,
            wake: call.run.wake.clone(),
        })
    }

    /// What the runner of the call `sid` sees when it looks.
    pub(crate) fn run_view(&self, sid: &Uuid) -> Option<RunView> {
        let call = self.get(sid)?;
        Some(RunView {
            live: !call.status.is_over(),
            generation: call.run.generation,
            handler: call.handler.clone(),
            fallback: call.fallback.clone(),
        })
    }

    /// Every call's runner share.
    pub(crate) fn runs_mut(&mut self) -> impl Iterator<Item = (&Uuid, &mut RunState)> {
        self.rows.values_mut().map(|c| (&c.sid, &mut c.run))
    }

    /// The runner's share of the call `sid`.
    pub(crate) fn run_mut(&mut self, sid: &Uuid) -> Option<&mut RunState> {
        self.get_mut(sid).map(|c| &mut c.run)
    }

    /// The runner's share of a live call, or why it cannot take input.
    pub(crate) fn live_run_mut(
        &mut self,
        sid: &Uuid,
        path: &str,
    ) -> Result<&mut RunState, Refusal> {
        let call = self.get_mut(sid).ok_or_else(|| Refusal::not_found(path))?;
        if call.status != CallStatus::InProgress {
            return Err(Refusal::new(
                422,
                21220,
                format!(
                    "Call {sid} is {}: only a call in progress takes input",
                    call.status
                ),
            ));
        }
        Ok(&mut call.run)
    }

    /// Ends the call `sid` with `status` (its runner, the called party), with its events;
    /// `None` when it is over already.
    pub(crate) fn end_call(
        &mut self,
        account: &Uuid,
        sid: &Uuid,
        status: CallStatus,
        now: DateTime<Utc>,
    ) -> Option<Vec<Pending>> {
        let call = self.get_mut(sid)?;
        if call.status.is_over() {
            return None;
        }
        call.date_updated = whole_seconds(now);
        call.run.wake.notify_one();
        let events = call.end(account, status, now).into_iter().collect();
        self.note_ended(*sid);
        Some(events)
    }

    /// The call `sid` has just ended: its log is kept, and the log of the call that ended
    /// first is let go past the bound.
    fn note_ended(&mut self, sid: Uuid) {
        self.ended_logs.push_back(sid);
        let limit = self.ended_logs_limit.unwrap_or(MAX_ENDED_LOGS);
        while self.ended_logs.len() > limit {
            let Some(oldest) = self.ended_logs.pop_front() else {
                break;
            };
            if let Some(call) = self.get_mut(&oldest) {
                call.run.forget();
            }
        }
    }

    /// Deletes the record of a call that is over.
    pub(crate) fn remove(&mut self, sid: &Uuid, path: &str) -> Result<(), Refusal> {
        let call = self.get(sid).ok_or_else(|| Refusal::not_found(path))?;
        if !call.status.is_over() {
            return Err(Refusal::new(
                422,
                21220,
                format!(
                    "Call {sid} is {}: hang it up before deleting its record",
                    call.status
                ),
            ));
        }
        self.rows.remove(sid);
        self.ended_logs.retain(|ended| ended != sid);
        Ok(())
    }

    /// Moves every call on to where the clock says it is (ringing, answered), with the
    /// events it makes.
    pub(crate) fn advance(&mut self, account: &Uuid, now: DateTime<Utc>) -> Vec<Pending> {
        let mut events = Vec::new();
        let mut ended = Vec::new();
        for call in self.rows.values_mut() {
            if call.status == CallStatus::Queued && now >= call.ring_at {
                call.date_updated = whole_seconds(call.ring_at);
                if call.outcome == Answer::Fail {
                    events.extend(call.end(account, CallStatus::Failed, call.ring_at));
                    call.run.wake.notify_one();
                    ended.push(call.sid);
                    continue;
                }
                call.status = CallStatus::Ringing;
                events.extend(call.event(account, "ringing", call.ring_at));
            }
            if call.status == CallStatus::Ringing && now >= call.outcome_at {
                let at = call.outcome_at;
                call.date_updated = whole_seconds(at);
                match call.outcome {
                    Answer::Human | Answer::Machine => {
                        call.status = CallStatus::InProgress;
                        call.start_time = Some(whole_seconds(at));
                        events.extend(call.event(account, "answered", at));
                    }
                    Answer::Busy => events.extend(call.end(account, CallStatus::Busy, at)),
                    _ => events.extend(call.end(account, CallStatus::NoAnswer, at)),
                }
                call.run.wake.notify_one();
                if call.status.is_over() {
                    ended.push(call.sid);
                }
            }
        }
        for sid in ended {
            self.note_ended(sid);
        }
        events
    }

    /// Whether `number` is one of the project's lines (a seed's number that takes calls).
    pub(crate) fn is_line(&self, number: &str) -> bool {
        self.lines.contains_key(number)
    }

    /// Where the call `sid` takes its cXML from.
    pub(crate) fn cxml(&self, sid: &Uuid) -> Option<CallCxml> {
        self.get(sid).map(|c| c.handler.clone())
    }

    /// When the call `sid` next moves on by itself, if it will.
    pub(crate) fn next_change(&self, sid: &Uuid) -> Option<DateTime<Utc>> {
        let call = self.get(sid)?;
        match call.status {
            CallStatus::Queued => Some(call.ring_at),
            CallStatus::Ringing => Some(call.outcome_at),
            _ => None,
        }
    }
}

impl EmulatedCall {
    /// In progress, with cXML of its own (not bridged by a `<Dial>`), and no runner yet.
    fn needs_runner(&self) -> bool {
        self.status == CallStatus::InProgress
            && !self.run.started
            && !matches!(self.handler, CallCxml::Bridged(_))
    }

    /// Ends the call with `status`, with its `completed` event.
    fn end(&mut self, account: &Uuid, status: CallStatus, now: DateTime<Utc>) -> Option<Pending> {
        self.status = status;
        self.end_time = Some(whole_seconds(now));
        self.event(account, "completed", now)
    }

    fn duration(&self) -> Option<i64> {
        let end = self.end_time?;
        Some(
            self.start_time
                .map_or(0, |start| (end - start).num_seconds().max(0)),
        )
    }

    /// The event `name` for the call's status callback, if it asked for it.
    fn event(&mut self, account: &Uuid, name: &str, at: DateTime<Utc>) -> Option<Pending> {
        let callback = self.callback.as_ref()?;
        if !callback.events.iter().any(|e| e == name) {
            return None;
        }
        let status = if name == "initiated" {
            "initiated".to_owned()
        } else {
            self.status.to_string()
        };
        let mut params: Vec<(String, String)> = vec![
            ("AccountSid".into(), account.to_string()),
            ("ApiVersion".into(), "2010-04-01".into()),
            ("CallSid".into(), self.sid.to_string()),
            ("CallStatus".into(), status),
            ("CallbackSource".into(), "call-progress-events".into()),
            ("Direction".into(), self.direction.to_string()),
            ("From".into(), self.from.clone()),
            ("SequenceNumber".into(), self.sequence.to_string()),
            (
                "Timestamp".into(),
                crate::time::format_rfc2822(&whole_seconds(at)),
            ),
            ("To".into(), self.to.clone()),
        ];
        if let Some(duration) = self.duration() {
            params.push(("CallDuration".into(), duration.to_string()));
        }
        if let Some(parent) = self.parent {
            params.push(("ParentCallSid".into(), parent.to_string()));
        }
        if let Some(by) = &self.answered_by
            && self.start_time.is_some()
        {
            params.push(("AnsweredBy".into(), by.to_string()));
        }
        self.sequence += 1;
        callback.pending(account, &self.sid, name, name, params)
    }
}

impl Row for EmulatedCall {
    const ITEMS: &'static str = "calls";
    const PATH: &'static str = "Calls";
    type Request = ListRequest;

    fn at(request: &ListRequest) -> &Position {
        &request.at
    }

    fn filters(request: &ListRequest) -> Filters<'_> {
        request.filters(request.extra.map(|v| ("ParentCallSid", v.to_string())))
    }

    fn matches(&self, r: &ListRequest) -> bool {
        r.passes(&self.to, &self.from, self.status.as_str())
            && r.extra.is_none_or(|p| self.parent == Some(p))
            && r.dates.iter().all(|f| {
                let date = if f.key.starts_with("Start") {
                    self.start_time
                } else {
                    self.end_time
                };
                date.is_some_and(|d| f.passes(&d))
            })
    }

    /// The call in the API's JSON shape, written by serializing the public model: every
    /// field SignalWire documents.
    fn render(&self, account: &Uuid) -> Value {
        let uri = format!("{}/{}", listing(account, Self::PATH), self.sid);
        let model = crate::Call {
            sid: self.sid.into(),
            account_sid: (*account).into(),
            date_created: Some(self.date_created),
            date_updated: Some(self.date_updated),
            parent_call_sid: self.parent.map(Into::into),
            to: Some(self.to.clone()),
            formatted_to: Some(self.to.clone()),
            to_formatted: Some(self.to.clone()),
            from: Some(self.from.clone()),
            formatted_from: Some(self.from.clone()),
            from_formatted: Some(self.from.clone()),
            phone_number_sid: None,
            status: self.status.clone(),
            start_time: self.start_time,
            end_time: self.end_time,
            // SignalWire's spec makes it a number always: 0 until the call is over.
            duration: Some(self.duration().unwrap_or(0)),
            price: None,
            price_unit: Some("USD".into()),
            direction: Some(self.direction.clone()),
            answered_by: self
                .answered_by
                .clone()
                .filter(|_| self.start_time.is_some()),
            api_version: Some("2010-04-01".into()),
            forwarded_from: None,
            caller_name: None,
            uri: Some(format!("{uri}.json")),
            subresource_uris: Some(crate::CallSubresourceUris {
                notifications: Some(format!("{uri}/Notifications.json")),
                recordings: Some(format!("{uri}/Recordings.json")),
            }),
            annotation: None,
            group_sid: None,
            audio_in_mos: None,
            sip_result_code: None,
            audio_rtt_avg: None,
            audio_rtt_min: None,
            audio_rtt_max: None,
            audio_out_jitter_min: None,
            audio_out_jitter_max: None,
            audio_out_jitter_avg: None,
            audio_out_lost: None,
        };
        serde_json::to_value(model).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: Uuid = Uuid::from_u128(1);

    fn sid(n: u128) -> Uuid {
        Uuid::from_u128(100 + n)
    }

    /// A project's calls with a bound of their own, and the time now.
    fn bounded(set: impl FnOnce(&mut Calls)) -> (Calls, DateTime<Utc>) {
        let mut calls = Calls::default();
        set(&mut calls);
        (calls, Utc::now())
    }

    /// Places call `n` (SID `100 + n`) to a URL on this machine.
    fn place(calls: &mut Calls, n: u128, now: DateTime<Utc>) -> Result<Value, Refusal> {
        let body = b"To=%2B15550000001&From=%2B15550000002&Url=http%3A%2F%2F127.0.0.1%2Fvoice";
        calls
            .create(&ACCOUNT, body, sid(n), now, false, None)
            .map(|(call, _)| call)
    }

    #[test]
    fn calls_in_flight_are_bounded_and_an_ended_one_makes_room() {
        let (mut calls, now) = bounded(|c| c.in_flight_limit = Some(2));
        assert!(place(&mut calls, 1, now).is_ok());
        assert!(place(&mut calls, 2, now).is_ok());
        let refused = place(&mut calls, 3, now).unwrap_err();
        assert_eq!((refused.status, refused.code), (429, 20429));
        assert!(
            refused.message.contains("2 calls in flight"),
            "{}",
            refused.message
        );
        calls.end_call(&ACCOUNT, &sid(1), CallStatus::Canceled, now);
        assert!(place(&mut calls, 4, now).is_ok());
    }

    #[test]
    fn ended_calls_keep_their_logs_up_to_the_bound_and_the_first_to_end_goes_first() {
        let (mut calls, now) = bounded(|c| c.ended_logs_limit = Some(2));
        for n in 1..=4 {
            place(&mut calls, n, now).unwrap();
            calls
                .run_mut(&sid(n))
                .unwrap()
                .log(now, "input", Value::Null);
        }
        let kept = |calls: &mut Calls, n: u128| calls.run_mut(&sid(n)).unwrap().log_json(&sid(n));
        // Ended out of order: 3, then 1, then 2. The one still in flight keeps its log.
        for n in [3, 1, 2] {
            calls.end_call(&ACCOUNT, &sid(n), CallStatus::Canceled, now);
        }
        assert!(kept(&mut calls, 3).is_none());
        let one = kept(&mut calls, 1).unwrap();
        assert_eq!(one["log"].as_array().unwrap().len(), 1);
        assert!(kept(&mut calls, 2).is_some());
        assert!(kept(&mut calls, 4).is_some());
        // A log let go takes no more entries, and counts them.
        let run = calls.run_mut(&sid(3)).unwrap();
        run.log(now, "input", Value::Null);
        assert!(run.log_json(&sid(3)).is_none());
    }
}
