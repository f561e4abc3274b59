//! The recordings in the emulator: their state, how their requests are read, and the
//! operations (list, fetch, update, delete). A project keeps its recordings in one table,
//! each linked by SID to the conference (or, later, the call) it records, and reached
//! through that owner or by its SID alone.
//!
//! A recording is a small state machine. What the emulator chose where SignalWire's
//! documents are silent:
//!
//! - `in-progress` and `paused` are active: pausing (`Status=paused`, with an optional
//!   `PauseBehavior` of `skip` or `silence`) and resuming (`Status=in-progress`) go back and
//!   forth as often as asked; asking for the state a recording is already in answers 200
//!   with it unchanged, so a repeated request is harmless.
//! - `Status=stopped` ends a recording for good: it is `stopped`, with its end time and
//!   duration (the seconds from its start to its end, pauses included).
//! - A recording that is over (`stopped`, `completed` or `absent`) refuses every change with
//!   422 in SignalWire's `{"errors": [...]}` shape: a stopped recording cannot be resumed.
//! - `PauseBehavior` goes with `Status=paused` only; with another status it is refused with
//!   422 in the errors shape.
//! - Deleting answers 204, and the recording is then 404; an active recording is refused
//!   with 422 (stop it first).
//! - Ending the conference ends its active recordings as `completed`.
//! - The account's listing shows every recording, in the order they started; a
//!   conference's shows its own, in the same order.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::conferences::Pending;
use super::{
    form::{DayFilter, listing_filters, listing_pairs},
    paging::{Position, page},
    participants::whole_seconds,
    response::Refusal,
    seed::SeedRecording,
};
use crate::{API_ROOT_PATH, RecordingStatus, time::parse_rfc2822, wire::generated::types};

/// The statuses a recording can have, as SignalWire documents them.
pub(crate) const STATUSES: [&str; 7] = [
    "queued",
    "in-progress",
    "paused",
    "resumed",
    "completed",
    "absent",
    "stopped",
];

/// Whether a recording in this status is over.
pub(crate) fn is_over(status: &str) -> bool {
    matches!(status, "completed" | "absent" | "stopped")
}

#[derive(Debug)]
struct Recording {
    sid: Uuid,
    /// The conference it records.
    conference: Option<Uuid>,
    /// The call it records.
    call: Option<Uuid>,
    status: RecordingStatus,
    source: String,
    channels: String,
    pause_behavior: Option<String>,
    date_created: DateTime<FixedOffset>,
    date_updated: DateTime<FixedOffset>,
    start_time: DateTime<FixedOffset>,
    end_time: Option<DateTime<FixedOffset>>,
    /// `trim-silence` or `do-not-trim`.
    trim: &'static str,
    /// Seconds of audio, where that is not the time from its start to its end (a
    /// `<Record>` that cut its silence).
    audio: Option<i64>,
    /// Who hears that it is complete: a `<Conference record="record-from-start">`'s
    /// `recordingStatusCallback`.
    notify: Option<Notify>,
}

/// A conference recording a `<Conference record="record-from-start">` asked for: made when
/// the conference starts, with its SID chosen when it was asked for.
#[derive(Debug, Clone)]
pub(crate) struct Asked {
    pub(crate) sid: Uuid,
    pub(crate) trim: bool,
    pub(crate) notify: Option<Notify>,
}

/// Where a recording's status goes: the callback, the call whose cXML asked for it (its
/// events' `CallSid`), and the emulator's origin (for `RecordingUrl`).
#[derive(Debug, Clone)]
pub(crate) struct Notify {
    pub(crate) callback: super::calls::CallCallback,
    pub(crate) call: Uuid,
    pub(crate) origin: String,
}

/// The parameters of a recording status callback: the eight of SignalWire's payload, and
/// `ConferenceSid` for a conference's recording.
pub(crate) struct StatusParams<'a> {
    pub(crate) project: Uuid,
    pub(crate) call: Uuid,
    pub(crate) conference: Option<Uuid>,
    pub(crate) sid: Uuid,
    pub(crate) url: &'a str,
    pub(crate) status: &'a str,
    pub(crate) seconds: i64,
    pub(crate) source: &'a str,
}

impl StatusParams<'_> {
    /// The form's pairs, in SignalWire's order.
    pub(crate) fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("AccountSid".to_owned(), self.project.to_string()),
            ("CallSid".to_owned(), self.call.to_string()),
            ("RecordingSid".to_owned(), self.sid.to_string()),
            ("RecordingUrl".to_owned(), self.url.to_owned()),
            ("RecordingStatus".to_owned(), self.status.to_owned()),
            ("RecordingDuration".to_owned(), self.seconds.to_string()),
            ("RecordingChannels".to_owned(), "1".to_owned()),
            ("RecordingSource".to_owned(), self.source.to_owned()),
        ];
        if let Some(conference) = self.conference {
            pairs.push(("ConferenceSid".to_owned(), conference.to_string()));
        }
        pairs
    }
}

/// A recording's absolute URL, as its status callbacks name it.
pub(crate) fn recording_url(origin: &str, project: &Uuid, sid: &Uuid) -> String {
    format!("{origin}{API_ROOT_PATH}/Accounts/{project}/Recordings/{sid}")
}

/// A project's recordings, in the order they started.
#[derive(Debug, Default)]
pub(crate) struct Recordings {
    by_seq: BTreeMap<u64, Recording>,
    seq_of: HashMap<Uuid, u64>,
}

/// A recording listing's request: whose recordings (the account's listing filters by call
/// and conference), its date filters and position, already checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListRequest {
    call: Option<Uuid>,
    conference: Option<Uuid>,
    dates: Vec<DayFilter>,
    at: Position,
}

/// The change an update asks for, already checked for form.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    status: String,
    pause_behavior: Option<String>,
}

/// Reads a conference's recording listing's query: its date filters and position.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    read_listing(query, false)
}

/// Reads the account's recording listing's query: whose recordings, their date filters,
/// and the position.
pub(crate) fn account_list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    read_listing(query, true)
}

/// A recording listing's query; the account's (`by_owner`) also filters by call and
/// conference.
fn read_listing(query: Option<&str>, by_owner: bool) -> Result<ListRequest, Refusal> {
    let mut request = ListRequest::default();
    // An empty date means no filter, as for every listing; an empty SID is no SID (400).
    let names = ["DateCreated", "DateCreated<", "DateCreated>"];
    for (key, value) in listing_pairs(query, &names)? {
        let sid = || {
            Uuid::try_parse(&value)
                .map_err(|_| Refusal::bad(format!("{key} must be a SID, not {value:?}")))
        };
        match key.as_str() {
            "CallSid" if by_owner => request.call = Some(sid()?),
            "ConferenceSid" if by_owner => request.conference = Some(sid()?),
            "DateCreated" | "DateCreated<" | "DateCreated>" => {
                request.dates.push(DayFilter::read(&key, &value)?)
            }
            _ if request.at.read(&key, &value)? => {}
            _ => {
                let owners = if by_owner {
                    "CallSid, ConferenceSid, "
                } else {
                    ""
                };
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: this listing takes {owners}DateCreated, DateCreated<, DateCreated>, Page, PageSize and PageToken"
                )));
            }
        }
    }
    Ok(request)
}

/// Reads a recording update's form body into the spec's request type: `Status` is
/// `paused`, `in-progress` or `stopped`, `PauseBehavior` `skip` or `silence`, and nothing
/// else is taken.
pub(crate) fn update_request(body: &[u8]) -> Result<Update, Refusal> {
    let form: types::RecordingUpdate = super::store::read_spec(body)?;
    if form.pause_behavior.is_some() && form.status != types::RecordingUpdateStatus::Paused {
        return Err(Refusal::errors(vec![
            "PauseBehavior goes with Status=paused only".into(),
        ]));
    }
    Ok(Update {
        status: form.status.to_string(),
        pause_behavior: form.pause_behavior.map(|b| b.to_string()),
    })
}

/// Reads the update of a call's recording: the same rules as a conference's.
pub(crate) fn call_update_request(body: &[u8]) -> Result<Update, Refusal> {
    let form: crate::api::generated::CallRecordingUpdate = super::store::read_checked(body, false)?;
    let status = form
        .status
        .ok_or_else(|| Refusal::bad("Status is required"))?;
    if !matches!(status.as_str(), "paused" | "in-progress" | "stopped") {
        return Err(Refusal::bad(format!(
            "Status must be paused, in-progress or stopped, not {:?}",
            status.as_str()
        )));
    }
    if form.pause_behavior.is_some() && status.as_str() != "paused" {
        return Err(Refusal::errors(vec![
            "PauseBehavior goes with Status=paused only".into(),
        ]));
    }
    Ok(Update {
        status: status.to_string(),
        pause_behavior: form.pause_behavior.map(|b| b.as_str().to_owned()),
    })
}

impl SeedRecording {
    /// Whether the seed's recording of `conference` can exist: a known status, over if the
    /// conference is, one or two channels, a date that reads.
    pub(crate) fn check(&self, conference: Uuid, conference_over: bool) -> Result<(), String> {
        let sid = self.sid;
        if !STATUSES.contains(&self.status.as_str()) {
            return Err(format!(
                "recording {sid} has status {:?}; it is one of {}",
                self.status,
                STATUSES.join(", ")
            ));
        }
        if conference_over && !is_over(&self.status) {
            return Err(format!(
                "recording {sid} of completed conference {conference} is {}; a conference that is over records nothing",
                self.status
            ));
        }
        if !matches!(self.channels.as_str(), "1" | "2") {
            return Err(format!(
                "recording {sid} has channels {:?}; it is 1 or 2",
                self.channels
            ));
        }
        if let Some(date) = &self.date_created
            && let Err(e) = parse_rfc2822(date)
        {
            return Err(format!("recording {sid} has date_created {date:?}: {e}"));
        }
        Ok(())
    }
}

/// Where a recording is listed: its conference's listing, or the account's.
fn listing(account: &Uuid, conference: Option<&Uuid>) -> String {
    match conference {
        Some(conference) => {
            format!("{API_ROOT_PATH}/Accounts/{account}/Conferences/{conference}/Recordings")
        }
        None => format!("{API_ROOT_PATH}/Accounts/{account}/Recordings"),
    }
}

impl Recordings {
    /// The recordings of a project's seeded conferences, in the order they started (then
    /// by conference and by place in it).
    pub(crate) fn from_seed(
        conferences: &[super::seed::SeedConference],
        now: DateTime<FixedOffset>,
    ) -> Self {
        let mut all: Vec<(usize, usize, Recording)> = Vec::new();
        for (i, c) in conferences.iter().enumerate() {
            for (j, r) in c.recordings.iter().enumerate() {
                let created = r
                    .date_created
                    .as_deref()
                    .and_then(|d| parse_rfc2822(d).ok())
                    .unwrap_or(now);
                all.push((
                    i,
                    j,
                    Recording {
                        sid: r.sid,
                        conference: Some(c.sid),
                        call: None,
                        status: RecordingStatus::from(r.status.as_str()),
                        source: r.source.clone(),
                        channels: r.channels.clone(),
                        pause_behavior: None,
                        date_created: created,
                        date_updated: created,
                        start_time: created,
                        end_time: is_over(&r.status)
                            .then(|| created + chrono::Duration::seconds(i64::from(r.duration))),
                        trim: "do-not-trim",
                        audio: None,
                        notify: None,
                    },
                ));
            }
        }
        all.sort_by_key(|(i, j, r)| (r.start_time, *i, *j));
        let mut recordings = Self::default();
        for (seq, (_, _, r)) in all.into_iter().enumerate() {
            recordings.seq_of.insert(r.sid, seq as u64);
            recordings.by_seq.insert(seq as u64, r);
        }
        recordings
    }

    /// The recording `sid`, if `owner` (a conference or a call) is its owner or none is
    /// named.
    fn get(&self, sid: &Uuid, owner: Option<&Uuid>) -> Option<&Recording> {
        let r = self.by_seq.get(self.seq_of.get(sid)?)?;
        owner.is_none_or(|o| r.is_of(o)).then_some(r)
    }

    fn get_mut(&mut self, sid: &Uuid, owner: Option<&Uuid>) -> Option<&mut Recording> {
        let seq = *self.seq_of.get(sid)?;
        let r = self.by_seq.get_mut(&seq)?;
        owner.is_none_or(|o| r.is_of(o)).then_some(r)
    }

    /// Adds a recording that has just begun, after every other.
    fn push(&mut self, r: Recording) -> &mut Recording {
        let seq = self.by_seq.keys().next_back().map_or(0, |last| last + 1);
        self.seq_of.insert(r.sid, seq);
        self.by_seq.entry(seq).or_insert(r)
    }

    /// Starts a recording of a call that is in progress (`live`).
    pub(crate) fn start_for_call(
        &mut self,
        account: &Uuid,
        call: &Uuid,
        live: bool,
        form: crate::api::generated::CallRecordingCreate,
        sid: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Value, Refusal> {
        if !live {
            return Err(Refusal::errors(vec![format!(
                "Call {call} is not in progress: only a call in progress can be recorded"
            )]));
        }
        let channels = match form.recording_channels {
            Some(crate::RecordingChannels::Dual) => "2",
            _ => "1",
        };
        let mut r = Recording::begun(sid, "StartCallRecordingAPI", false, now);
        r.call = Some(*call);
        r.channels = channels.into();
        let r = self.push(r);
        Ok(r.render(account, now))
    }

    /// Starts the recording a `<Record>` of the call `call` makes (source `RecordVerb`, one
    /// channel), cutting its silence when `trim`.
    pub(crate) fn start_for_record(
        &mut self,
        call: &Uuid,
        sid: Uuid,
        trim: bool,
        now: DateTime<Utc>,
    ) {
        let mut r = Recording::begun(sid, "RecordVerb", trim, now);
        r.call = Some(*call);
        self.push(r);
    }

    /// Starts the recording of `conference` a `<Conference record="record-from-start">`
    /// asked for (source `Conference`, one channel), with its `in-progress` event if its
    /// callback asks for that one. Completed with the conference, as every recording of it.
    pub(crate) fn start_for_conference(
        &mut self,
        project: &Uuid,
        conference: &Uuid,
        asked: Asked,
        now: DateTime<Utc>,
    ) -> Option<Pending> {
        let mut r = Recording::begun(asked.sid, "Conference", asked.trim, now);
        r.conference = Some(*conference);
        r.notify = asked.notify;
        let r = self.push(r);
        r.event(project, "in-progress")
    }

    /// Ends a `<Record>`'s recording at `now`: `completed` with `seconds` of audio, or
    /// `absent` when it has none. Done even when the call's end completed it first.
    pub(crate) fn finish_record(&mut self, sid: &Uuid, seconds: i64, now: DateTime<Utc>) {
        if let Some(r) = self.get_mut(sid, None) {
            r.status = if seconds > 0 {
                RecordingStatus::Completed
            } else {
                RecordingStatus::Absent
            };
            r.end_time = Some(whole_seconds(now));
            r.date_updated = whole_seconds(now);
            r.audio = Some(seconds);
        }
    }

    /// A page of the recordings of `owner` (a conference), or of the account's when none is
    /// named, as `request` filters them.
    pub(crate) fn list(
        &self,
        account: &Uuid,
        owner: Option<&Uuid>,
        request: &ListRequest,
        now: DateTime<Utc>,
    ) -> Value {
        let own = [
            request.call.map(|c| ("CallSid", c.to_string())),
            request.conference.map(|c| ("ConferenceSid", c.to_string())),
        ];
        let filters = listing_filters(own, &request.dates);
        page(
            &self.by_seq,
            |r| {
                owner.is_none_or(|o| r.is_of(o))
                    && request.conference.is_none_or(|c| r.conference == Some(c))
                    && request.call.is_none_or(|c| r.call == Some(c))
                    && request.dates.iter().all(|f| f.passes(&r.date_created))
            },
            &request.at,
            "recordings",
            &listing(account, owner),
            &filters,
            |r| r.render(account, now),
        )
    }

    /// The recording `sid`, of `owner` when one is named.
    pub(crate) fn fetch(
        &self,
        account: &Uuid,
        owner: Option<&Uuid>,
        sid: &Uuid,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Value, Refusal> {
        self.get(sid, owner)
            .map(|r| r.render(account, now))
            .ok_or_else(|| Refusal::not_found(path))
    }

    pub(crate) fn update(
        &mut self,
        account: &Uuid,
        owner: Option<&Uuid>,
        sid: &Uuid,
        update: Update,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Value, Refusal> {
        let r = self
            .get_mut(sid, owner)
            .ok_or_else(|| Refusal::not_found(path))?;
        if is_over(r.status.as_str()) {
            return Err(Refusal::errors(vec![format!(
                "Recording {sid} is {} and can no longer be paused, resumed or stopped",
                r.status
            )]));
        }
        let current = if r.status == RecordingStatus::Paused {
            "paused"
        } else {
            "in-progress"
        };
        if update.status != current || update.pause_behavior.is_some() {
            r.status = RecordingStatus::from(update.status);
            if let Some(behavior) = update.pause_behavior {
                r.pause_behavior = Some(behavior);
            }
            if r.status == RecordingStatus::Stopped {
                r.end_time = Some(whole_seconds(now));
            }
            r.date_updated = whole_seconds(now);
        }
        Ok(r.render(account, now))
    }

    pub(crate) fn remove(
        &mut self,
        sid: &Uuid,
        owner: Option<&Uuid>,
        path: &str,
    ) -> Result<(), Refusal> {
        let status = &self
            .get(sid, owner)
            .ok_or_else(|| Refusal::not_found(path))?
            .status;
        if !is_over(status.as_str()) {
            return Err(Refusal::errors(vec![format!(
                "Recording {sid} is {status}: stop it before deleting it"
            )]));
        }
        if let Some(seq) = self.seq_of.remove(sid) {
            self.by_seq.remove(&seq);
        }
        Ok(())
    }

    /// Completes the active recordings of `owner` (a conference or a call), with the
    /// `completed` events their callbacks ask for.
    pub(crate) fn complete_of(
        &mut self,
        project: &Uuid,
        owner: &Uuid,
        now: DateTime<Utc>,
    ) -> Vec<Pending> {
        self.by_seq
            .values_mut()
            .filter(|r| r.is_of(owner) && !is_over(r.status.as_str()))
            .filter_map(|r| r.complete(project, now))
            .collect()
    }
}

impl Recording {
    /// Completes the recording now: its `completed` event, if its callback asks for it.
    fn complete(&mut self, project: &Uuid, now: DateTime<Utc>) -> Option<Pending> {
        self.status = RecordingStatus::Completed;
        self.end_time = Some(whole_seconds(now));
        self.date_updated = whole_seconds(now);
        self.event(project, "completed")
    }

    /// A recording of one channel from `source` that begins `now`, of nothing yet: its
    /// starter says what it records.
    fn begun(sid: Uuid, source: &str, trim: bool, now: DateTime<Utc>) -> Self {
        let started = whole_seconds(now);
        Self {
            sid,
            conference: None,
            call: None,
            status: RecordingStatus::InProgress,
            source: source.into(),
            channels: "1".into(),
            pause_behavior: None,
            date_created: started,
            date_updated: started,
            start_time: started,
            end_time: None,
            trim: if trim { "trim-silence" } else { "do-not-trim" },
            audio: None,
            notify: None,
        }
    }

    /// The status callback event `status`, if the recording has a callback that asks for it.
    fn event(&self, project: &Uuid, status: &str) -> Option<Pending> {
        let notify = self.notify.as_ref()?;
        let seconds = match self.end_time {
            Some(end) => (end - self.start_time).num_seconds().max(0),
            None => 0,
        };
        let url = recording_url(&notify.origin, project, &self.sid);
        let params = StatusParams {
            project: *project,
            call: notify.call,
            conference: self.conference,
            sid: self.sid,
            url: &url,
            status,
            seconds,
            source: &self.source,
        };
        notify
            .callback
            .pending(
                project,
                &notify.call,
                status,
                &format!("recording-{status}"),
                params.pairs(),
            )
            .map(|(event, to)| (event.queued_by(self.sid), to))
    }

    /// Whether it records the conference or the call `owner`.
    fn is_of(&self, owner: &Uuid) -> bool {
        self.conference.as_ref() == Some(owner) || self.call.as_ref() == Some(owner)
    }

    /// The recording in the API's JSON shape, written by serializing the public model:
    /// every field SignalWire documents.
    fn render(&self, account: &Uuid, now: DateTime<Utc>) -> Value {
        let end = self.end_time.unwrap_or_else(|| whole_seconds(now));
        let duration = self
            .audio
            .unwrap_or_else(|| (end - self.start_time).num_seconds().max(0));
        let uri = format!(
            "{}/{}",
            listing(account, self.conference.as_ref()),
            self.sid
        );
        let model = crate::Recording {
            sid: self.sid.into(),
            account_sid: (*account).into(),
            conference_sid: self.conference.map(Into::into),
            call_sid: self.call.map(Into::into),
            api_version: Some("2010-04-01".into()),
            status: self.status.clone(),
            source: Some(crate::RecordingSource::from(self.source.as_str())),
            channels: Some(self.channels.clone()),
            channel: Some(self.channels.clone()),
            date_created: Some(self.date_created),
            date_updated: Some(self.date_updated),
            start_time: Some(self.start_time),
            end_time: self.end_time,
            duration: Some(duration),
            price: None,
            price_unit: Some("USD".into()),
            error_code: None,
            encryption_details: None,
            trim: Some(self.trim.into()),
            uri: Some(format!("{uri}.json")),
            subresource_uris: Some(crate::RecordingSubresourceUris {
                transcriptions: Some(format!("{uri}/Transcriptions.json")),
            }),
        };
        serde_json::to_value(model).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_are_read_strictly() {
        let u = update_request(b"Status=paused&PauseBehavior=skip").unwrap();
        assert_eq!(
            (u.status.as_str(), u.pause_behavior.as_deref()),
            ("paused", Some("skip"))
        );
        for bad in [
            "",
            "PauseBehavior=skip",
            "Status=resumed",
            "Status=in-progress&PauseBehavior=silence",
            "Status=paused&PauseBehavior=loud",
            "Status=paused&Muted=true",
        ] {
            assert!(update_request(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(list_request(Some("DateCreated%3C=2026-11-30")).is_ok());
        assert!(list_request(Some("DateUpdated=2026-11-30")).is_err());
    }
}
