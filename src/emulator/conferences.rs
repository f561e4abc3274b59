//! Conferences in the emulator: their state, how their requests are read, and the
//! operations (list, fetch, update).
//!
//! What the emulator chose where SignalWire's documents are silent:
//!
//! - Conferences are listed in the order they were created.
//! - `DateCreated<` and `DateCreated>` (and the `DateUpdated` pair) mean strictly before and
//!   after the given day, in UTC, as SignalWire documents them ("before the date provided").
//!   Twilio documents its own `DateCreated<=` as "on or before".
//! - Ending a conference (`Status=completed`) takes every participant out: fetching one is
//!   then 404, and the participant listing is empty. Its active recordings complete, and its
//!   streams stop. The conference itself stays, completed.
//! - Ending a conference that is already over answers 200 with it unchanged, so that an
//!   ending repeated after a lost answer is harmless. An announcement to a conference that
//!   is over is refused with 422 (code 10000), as SignalWire refuses changes to a
//!   participant of a completed conference. An update with no parameters answers 200 with
//!   the conference unchanged.
//! - An announcement is accepted and kept: [`Emulator::announcements`] lists them.
//!
//! [`Emulator::announcements`]: super::Emulator::announcements

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::callbacks::{ConferenceInfo, Event, Join, StatusCallback};
use super::{
    form::{DayFilter, listing_pairs, status_filter, unknown_filter},
    ordered::{Filters, Ordered, Row, listing},
    paging::Position,
    participants::{Participants, whole_seconds},
    response::Refusal,
    seed::SeedConference,
};
use crate::{ConferenceStatus, time::parse_rfc2822};

/// The statuses a conference can have.
const STATUSES: [&str; 3] = ["init", "in-progress", "completed"];

/// The filters a conference listing takes, besides its position.
const FILTERS: [&str; 8] = [
    "FriendlyName",
    "Status",
    "DateCreated",
    "DateCreated<",
    "DateCreated>",
    "DateUpdated",
    "DateUpdated<",
    "DateUpdated>",
];

/// A conference the emulator holds.
#[derive(Debug)]
pub(crate) struct Conference {
    pub(crate) sid: Uuid,
    friendly_name: String,
    status: ConferenceStatus,
    region: String,
    date_created: DateTime<FixedOffset>,
    date_updated: DateTime<FixedOffset>,
    announcements: Vec<Announcement>,
    status_callback: Option<StatusCallback>,
    /// How many events the conference has made, for Twilio's `SequenceNumber`.
    sequence: u64,
    /// The recording a `<Conference record="record-from-start">` asked for, made when the
    /// conference starts; `Made` once it is, so it is made once.
    record: Record,
}

/// Where a conference is with the recording its cXML may ask for.
#[derive(Debug, Default)]
enum Record {
    #[default]
    NotAsked,
    Asked(super::recordings::Asked),
    Made,
}

/// SignalWire's error for a coach whose call to coach is not connected to the conference in
/// progress.
pub(crate) const COACH_NOT_CONNECTED: u32 = 13240;

/// An event ready to go: what to send, and where.
pub(crate) type Pending = (Event, StatusCallback);

/// An announcement a conference was asked to play, as the emulator recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Announcement {
    /// The conference it was made to.
    pub conference_sid: Uuid,
    /// The cXML or audio to play.
    pub url: String,
    /// How the URL is fetched: `GET` or `POST` (the default).
    pub method: String,
    /// When it was asked for.
    pub at: DateTime<FixedOffset>,
}

/// A conference listing's request: its filters and position, already checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListRequest {
    friendly_name: Option<String>,
    status: Option<String>,
    dates: Vec<DayFilter>,
    at: Position,
}

/// The changes a conference update asks for, already checked for form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Update {
    end: bool,
    announce_url: Option<String>,
    announce_method: Option<String>,
}

/// Reads a conference listing's query.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    let mut request = ListRequest::default();
    for (key, value) in listing_pairs(query, &FILTERS)? {
        match key.as_str() {
            "FriendlyName" if value.chars().count() > 64 => {
                return Err(Refusal::bad(format!(
                    "FriendlyName has {} characters; a conference name has at most 64",
                    value.chars().count()
                )));
            }
            "FriendlyName" => request.friendly_name = Some(value),
            "Status" => request.status = Some(status_filter(value, &STATUSES)?),
            "DateCreated" | "DateCreated<" | "DateCreated>" | "DateUpdated" | "DateUpdated<"
            | "DateUpdated>" => request.dates.push(DayFilter::read(&key, &value)?),
            _ if request.at.read(&key, &value)? => {}
            _ => return Err(unknown_filter(&key, &FILTERS)),
        }
    }
    Ok(request)
}

/// Reads a conference update's form body into the spec's request type, whose URL and
/// method the store's reader checks.
pub(crate) fn update_request(body: &[u8]) -> Result<Update, Refusal> {
    let form: crate::api::generated::ConferenceUpdate = super::store::read(body, false)?;
    let end = match form.status.as_deref() {
        None => false,
        Some("completed") => true,
        Some(other) => {
            return Err(Refusal::bad(format!(
                "Status can only be completed (which ends the conference), not {other:?}"
            )));
        }
    };
    Ok(Update {
        end,
        announce_url: form.announce_url,
        announce_method: form.announce_method.map(super::participants::method),
    })
}

impl SeedConference {
    /// Whether the seed's conference can exist: a known status, no participants once it is
    /// completed, a name of at most 64 characters, a date that reads, a status callback that
    /// can be sent to; and each of its participants and recordings as they check themselves.
    pub(crate) fn check(&self) -> Result<(), String> {
        let sid = self.sid;
        if !STATUSES.contains(&self.status.as_str()) {
            return Err(format!(
                "conference {sid} has status {:?}; it is init, in-progress or completed",
                self.status
            ));
        }
        if self.status == "completed" && !self.participants.is_empty() {
            return Err(format!(
                "conference {sid} is completed but has participants; a conference that is over has none"
            ));
        }
        if let Some(name) = &self.friendly_name
            && name.chars().count() > 64
        {
            return Err(format!(
                "conference {sid} has a friendly_name over 64 characters"
            ));
        }
        if let Some(date) = &self.date_created
            && let Err(e) = parse_rfc2822(date)
        {
            return Err(format!("conference {sid} has date_created {date:?}: {e}"));
        }
        if let Some(callback) = &self.status_callback
            && let Err(e) = callback.clone().checked(true)
        {
            return Err(format!("conference {sid} has a status_callback whose {e}"));
        }
        let mut calls = std::collections::HashSet::new();
        for p in &self.participants {
            if !calls.insert(p.call_sid) {
                return Err(format!(
                    "call {} appears twice in conference {sid}",
                    p.call_sid
                ));
            }
        }
        for p in &self.participants {
            p.check(sid, &calls)?;
        }
        for r in &self.recordings {
            r.check(sid, self.status == "completed")?;
        }
        Ok(())
    }
}

/// How a participant leaves a conference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Departure {
    /// Taken out by a REST delete.
    Removed,
    /// Its call hung up (a control request).
    HungUp,
}

impl Conference {
    pub(crate) fn from_seed(seed: &SeedConference, now: DateTime<FixedOffset>) -> Self {
        let created = seed
            .date_created
            .as_deref()
            .and_then(|d| parse_rfc2822(d).ok())
            .unwrap_or(now);
        Self {
            sid: seed.sid,
            friendly_name: seed
                .friendly_name
                .clone()
                .unwrap_or_else(|| seed.sid.to_string()),
            status: ConferenceStatus::from(seed.status.as_str()),
            region: seed.region.clone(),
            date_created: created,
            date_updated: created,
            announcements: Vec::new(),
            status_callback: seed.status_callback.clone(),
            sequence: 0,
            record: Record::NotAsked,
        }
    }

    /// A conference a `<Dial><Conference>` opens: `init` until a participant starts it,
    /// with the first participant's status callback.
    pub(crate) fn opened(
        sid: Uuid,
        friendly_name: &str,
        now: DateTime<Utc>,
        status_callback: Option<StatusCallback>,
    ) -> Self {
        let at = whole_seconds(now);
        Self {
            sid,
            friendly_name: friendly_name.to_owned(),
            status: ConferenceStatus::Init,
            region: "us1".to_owned(),
            date_created: at,
            date_updated: at,
            announcements: Vec::new(),
            status_callback,
            sequence: 0,
            record: Record::NotAsked,
        }
    }

    /// A participant's cXML asks for the conference to be recorded from its start: the
    /// first to ask is heard, later ones are not.
    pub(crate) fn ask_record(&mut self, asked: super::recordings::Asked) {
        if matches!(self.record, Record::NotAsked) {
            self.record = Record::Asked(asked);
        }
    }

    /// The recording asked for, once the conference has started and while it is not over.
    pub(crate) fn take_record(&mut self) -> Option<super::recordings::Asked> {
        if self.is_init() || self.is_over() || !matches!(self.record, Record::Asked(_)) {
            return None;
        }
        match std::mem::replace(&mut self.record, Record::Made) {
            Record::Asked(asked) => Some(asked),
            _ => None,
        }
    }

    pub(crate) fn fetch(&self, account: &Uuid) -> Value {
        self.render(account)
    }

    pub(crate) fn update(
        &mut self,
        people: &mut Participants,
        account: &Uuid,
        update: Update,
        now: DateTime<Utc>,
    ) -> Result<(Value, Vec<Pending>), Refusal> {
        let over = self.is_over();
        let mut events = Vec::new();
        if let Some(url) = update.announce_url {
            self.unless_over("take an announcement")?;
            self.announcements.push(Announcement {
                conference_sid: self.sid,
                url,
                method: update.announce_method.unwrap_or_else(|| "POST".into()),
                at: whole_seconds(now),
            });
            self.date_updated = whole_seconds(now);
        }
        if update.end && !over {
            let reason = [(
                "ReasonConferenceEnded",
                "conference-ended-via-api".to_owned(),
            )];
            events.extend(self.finish(people, account, now, &reason));
        }
        Ok((self.render(account), events))
    }

    /// The conference ends: everyone still in leaves (its recordings and streams, kept by
    /// the project, complete and stop when the state settles); the events are a leave for
    /// each participant, then `conference-end` with `twilio`'s reasons.
    fn finish(
        &mut self,
        people: &mut Participants,
        account: &Uuid,
        now: DateTime<Utc>,
        twilio: &[(&str, String)],
    ) -> Vec<Pending> {
        let mut events = Vec::new();
        for p in people.values(account, &self.sid) {
            events.extend(self.event(account, now, "leave", "participant-leave", Some(&p), &[]));
        }
        events.extend(self.event(account, now, "end", "conference-end", None, twilio));
        self.status = ConferenceStatus::Completed;
        people.clear(&self.sid);
        self.date_updated = whole_seconds(now);
        events
    }

    /// The 422 for a conference that is over, saying what it cannot `do`.
    fn unless_over(&self, to_do: &str) -> Result<(), Refusal> {
        if self.is_over() {
            return Err(Refusal::new(
                422,
                10000,
                format!("Conference {} is completed and cannot {to_do}", self.sid),
            ));
        }
        Ok(())
    }

    /// A conference waiting for its first participant (`init`) starts, with its
    /// `conference-start` event; one already started stays as it is.
    fn begin(&mut self, account: &Uuid, now: DateTime<Utc>) -> Option<Pending> {
        if self.status != ConferenceStatus::Init {
            return None;
        }
        self.status = ConferenceStatus::InProgress;
        self.date_updated = whole_seconds(now);
        self.event(account, now, "start", "conference-start", None, &[])
    }

    /// The event `name` (of cXML's kind `short`), if the conference's callback wants it.
    fn event(
        &mut self,
        account: &Uuid,
        now: DateTime<Utc>,
        short: &str,
        name: &str,
        participant: Option<&Value>,
        twilio: &[(&str, String)],
    ) -> Option<Pending> {
        let callback = self.status_callback.as_ref()?;
        let info = ConferenceInfo {
            project: *account,
            sid: self.sid,
            friendly_name: &self.friendly_name,
            callback: Some(callback),
            sequence: self.sequence + 1,
        };
        let event = info.event(now, short, name, participant, twilio)?;
        let callback = callback.clone();
        self.sequence += 1;
        Some((event, callback))
    }

    /// Sets (or, with `None`, removes) where the conference's status callbacks go; answers
    /// whether they now go somewhere else (another URL or method, or nowhere).
    pub(crate) fn set_status_callback(&mut self, callback: Option<StatusCallback>) -> bool {
        let target =
            |c: &Option<StatusCallback>| c.as_ref().map(|c| (c.url.clone(), c.method.clone()));
        let moved =
            self.status_callback.is_some() && target(&self.status_callback) != target(&callback);
        self.status_callback = callback;
        moved
    }

    /// Changes a participant (a REST update), with the events the change makes: mute or
    /// unmute, hold or unhold.
    pub(crate) fn update_participant(
        &mut self,
        people: &mut Participants,
        account: &Uuid,
        call: &Uuid,
        update: super::participants::Update,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<(Value, Vec<Pending>), Refusal> {
        let sid = self.sid;
        let before = people.fetch(account, &sid, call, path)?;
        let after = people.update(account, &sid, call, update, now, path)?;
        let mut events = Vec::new();
        for (field, short, on, off) in [
            ("muted", "mute", "participant-mute", "participant-unmute"),
            ("hold", "hold", "participant-hold", "participant-unhold"),
        ] {
            if before[field] != after[field] {
                let name = if after[field] == Value::Bool(true) {
                    on
                } else {
                    off
                };
                events.extend(self.event(account, now, short, name, Some(&after), &[]));
            }
        }
        Ok((after, events))
    }

    /// Takes a participant out, with its `participant-leave` event (and Twilio's `reason`
    /// fields): the participant as it was, and the event.
    fn take_out(
        &mut self,
        people: &mut Participants,
        account: &Uuid,
        call: &Uuid,
        now: DateTime<Utc>,
        path: &str,
        reason: &[(&str, String)],
    ) -> Result<(Value, Vec<Pending>), Refusal> {
        let sid = self.sid;
        let leaving = people.fetch(account, &sid, call, path)?;
        people.remove(&sid, call, path)?;
        let events = self
            .event(
                account,
                now,
                "leave",
                "participant-leave",
                Some(&leaving),
                reason,
            )
            .into_iter()
            .collect();
        Ok((leaving, events))
    }

    /// A call joins (a control request; the REST API has no such operation), with its
    /// `participant-join` event, after `conference-start` when it starts the conference.
    pub(crate) fn join(
        &mut self,
        people: &mut Participants,
        account: &Uuid,
        join: &Join,
        now: DateTime<Utc>,
    ) -> Result<(Value, Vec<Pending>), Refusal> {
        self.unless_over("take a new participant")?;
        let sid = self.sid;
        if let Some(coached) = join.call_sid_to_coach
            && (self.is_init() || coached == join.call_sid || !people.contains(&sid, &coached))
        {
            return Err(Refusal::new(
                422,
                COACH_NOT_CONNECTED,
                format!(
                    "call {coached}, to be coached, is not connected to conference {sid} in progress"
                ),
            ));
        }
        let joined = people.join_new(account, &sid, join, now).ok_or_else(|| {
            Refusal::new(
                422,
                10000,
                format!("Call {} is already in conference {sid}", join.call_sid),
            )
        })?;
        let mut events = Vec::new();
        if join.start_conference_on_enter {
            events.extend(self.begin(account, now));
        }
        events.extend(self.event(account, now, "join", "participant-join", Some(&joined), &[]));
        Ok((joined, events))
    }

    /// The conference starts (a control request), with its `conference-start` event: as
    /// when a participant with `startConferenceOnEnter` enters. One that has started
    /// already is left as it is; one that is over cannot start again (422).
    pub(crate) fn start(
        &mut self,
        account: &Uuid,
        now: DateTime<Utc>,
    ) -> Result<(Value, Vec<Pending>), Refusal> {
        self.unless_over("start again")?;
        let events = self.begin(account, now).into_iter().collect();
        Ok((self.render(account), events))
    }

    /// A participant leaves, with its `participant-leave` event. Taken out by a REST delete,
    /// that is all; when it hangs up (a control request), the conference changes, and ends
    /// if it was the last one in or was to end the conference on exit, as on SignalWire.
    pub(crate) fn leave(
        &mut self,
        people: &mut Participants,
        account: &Uuid,
        call: &Uuid,
        how: Departure,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Vec<Pending>, Refusal> {
        if how == Departure::Removed {
            return Ok(self.take_out(people, account, call, now, path, &[])?.1);
        }
        let sid = self.sid;
        let reason = [("ReasonParticipantLeft", "participant_hung_up".to_owned())];
        let (leaving, mut events) = self.take_out(people, account, call, now, path, &reason)?;
        self.date_updated = whole_seconds(now);
        let last = people.values(account, &sid).is_empty();
        let ends = leaving["end_conference_on_exit"] == Value::Bool(true);
        if ends || last {
            let reason = if ends {
                "participant-with-end-conference-on-exit-left"
            } else {
                "last-participant-left"
            };
            let twilio = [
                ("ReasonConferenceEnded", reason.to_owned()),
                ("CallSidEndingConference", call.to_string()),
            ];
            events.extend(self.finish(people, account, now, &twilio));
        }
        Ok(events)
    }

    /// A participant starts or stops speaking (a control request), with its event.
    pub(crate) fn speech(
        &mut self,
        people: &Participants,
        account: &Uuid,
        call: &Uuid,
        speaking: bool,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Vec<Pending>, Refusal> {
        let sid = self.sid;
        let speaker = people.fetch(account, &sid, call, path)?;
        let name = if speaking {
            "participant-speech-start"
        } else {
            "participant-speech-stop"
        };
        Ok(self
            .event(account, now, "speaker", name, Some(&speaker), &[])
            .into_iter()
            .collect())
    }

    /// Whether the conference waits to start.
    pub(crate) fn is_init(&self) -> bool {
        self.status == ConferenceStatus::Init
    }

    /// Whether the conference is over.
    pub(crate) fn is_over(&self) -> bool {
        self.status == ConferenceStatus::Completed
    }

    pub(crate) fn announcements(&self) -> &[Announcement] {
        &self.announcements
    }
}

impl Row for Conference {
    const ITEMS: &'static str = "conferences";
    const PATH: &'static str = "Conferences";
    type Request = ListRequest;

    fn at(request: &ListRequest) -> &Position {
        &request.at
    }

    fn filters(request: &ListRequest) -> Filters<'_> {
        let own = vec![
            request.friendly_name.clone().map(|n| ("FriendlyName", n)),
            request.status.clone().map(|s| ("Status", s)),
        ];
        (own, &request.dates)
    }

    fn matches(&self, request: &ListRequest) -> bool {
        request
            .friendly_name
            .as_ref()
            .is_none_or(|n| *n == self.friendly_name)
            && request
                .status
                .as_ref()
                .is_none_or(|s| *s == self.status.as_str())
            && request.dates.iter().all(|filter| {
                filter.passes(if filter.on_created() {
                    &self.date_created
                } else {
                    &self.date_updated
                })
            })
    }

    /// The conference in the API's JSON shape, written by serializing the public model:
    /// every field SignalWire documents.
    fn render(&self, account: &Uuid) -> Value {
        let uri = format!("{}/{}", listing(account, Self::PATH), self.sid);
        let model = crate::Conference {
            sid: self.sid.into(),
            account_sid: (*account).into(),
            friendly_name: Some(self.friendly_name.clone()),
            status: self.status.clone(),
            date_created: Some(self.date_created),
            date_updated: Some(self.date_updated),
            api_version: Some("2010-04-01".into()),
            region: Some(self.region.clone()),
            uri: Some(format!("{uri}.json")),
            subresource_uris: Some(crate::SubresourceUris {
                participants: Some(format!("{uri}/Participants.json")),
                recordings: Some(format!("{uri}/Recordings.json")),
            }),
        };
        serde_json::to_value(model).unwrap_or_default()
    }
}

/// An account's conferences, in the order they were created.
#[derive(Debug, Default)]
pub(crate) struct Conferences {
    rows: Ordered<Conference>,
}

impl Conferences {
    pub(crate) fn from_seed(seed: &[SeedConference], now: DateTime<FixedOffset>) -> Self {
        let mut conferences = Self::default();
        for c in seed {
            conferences
                .rows
                .push_last(c.sid, Conference::from_seed(c, now));
        }
        conferences
    }

    pub(crate) fn get(&self, sid: &Uuid) -> Option<&Conference> {
        self.rows.get(sid)
    }

    /// The conferences, in the order they were created.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Conference> {
        self.rows.values()
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Conference> {
        self.rows.values_mut()
    }

    pub(crate) fn get_mut(&mut self, sid: &Uuid) -> Option<&mut Conference> {
        self.rows.get_mut(sid)
    }

    /// The newest conference named `friendly_name` that is not over.
    pub(crate) fn live_named(&self, friendly_name: &str) -> Option<Uuid> {
        self.rows
            .values()
            .rev()
            .find(|c| !c.is_over() && c.friendly_name == friendly_name)
            .map(|c| c.sid)
    }

    /// Adds a conference, the newest.
    pub(crate) fn insert(&mut self, conference: Conference) {
        self.rows.push_last(conference.sid, conference);
    }

    pub(crate) fn list(&self, account: &Uuid, request: &ListRequest) -> Value {
        self.rows.list(account, request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_forms() {
        let r = list_request(Some(
            "FriendlyName=Daily+standup&Status=in-progress&DateCreated%3C=2026-11-30&PageSize=2",
        ))
        .unwrap();
        assert_eq!(r.friendly_name.as_deref(), Some("Daily standup"));
        assert_eq!(r.dates[0].key, "DateCreated<");
        assert_eq!(r.at.page_size, 2);
        let long_name = format!("FriendlyName={}", "é".repeat(65));
        for bad in [
            "Status=over",
            "DateCreated=2026-1-5",
            "DateCreated=yesterday",
            "DateUpdated>=2026-02-30",
            "Muted=true",
            &long_name,
        ] {
            assert!(list_request(Some(bad)).is_err(), "{bad}");
        }
        assert!(list_request(Some(&format!("FriendlyName={}", "é".repeat(64)))).is_ok());
        let u = update_request(
            b"Status=completed&AnnounceUrl=https://x.example/a.xml&AnnounceMethod=get",
        )
        .unwrap();
        assert!(u.end);
        assert_eq!(u.announce_method.as_deref(), Some("GET"));
        for bad in [
            "Status=in-progress",
            "AnnounceUrl=/a.xml",
            "AnnounceMethod=PUT",
            "Muted=true",
        ] {
            assert!(update_request(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
