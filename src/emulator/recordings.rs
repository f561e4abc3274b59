//! A conference's recordings in the emulator: their state, how their requests are read, and
//! the operations (list, fetch, update, delete).
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

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{
    form::{DayFilter, filters_query, listing_pairs, pairs},
    paging::{Position, page},
    participants::whole_seconds,
    response::Refusal,
    seed::SeedRecording,
};
use crate::{API_ROOT_PATH, time::parse_rfc2822};

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
    /// Its place among every recording of the account, for the account's listing: by
    /// start, numbered when the space is made.
    order: u64,
    status: String,
    source: String,
    channels: String,
    pause_behavior: Option<String>,
    date_created: DateTime<FixedOffset>,
    date_updated: DateTime<FixedOffset>,
    start_time: DateTime<FixedOffset>,
    end_time: Option<DateTime<FixedOffset>>,
}

/// A conference's recordings, in the order they started.
#[derive(Debug, Default)]
pub(crate) struct Recordings {
    by_seq: BTreeMap<u64, Recording>,
    seq_of: HashMap<Uuid, u64>,
}

/// A recording listing's request: its date filters and position, already checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListRequest {
    dates: Vec<DayFilter>,
    at: Position,
}

/// The change an update asks for, already checked for form.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    status: String,
    pause_behavior: Option<String>,
}

/// Reads a recording listing's query.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    let mut request = ListRequest::default();
    for (key, value) in listing_pairs(query, &["DateCreated", "DateCreated<", "DateCreated>"])? {
        match key.as_str() {
            "DateCreated" | "DateCreated<" | "DateCreated>" => {
                request.dates.push(DayFilter::read(&key, &value)?)
            }
            _ if request.at.read(&key, &value)? => {}
            _ => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: this listing takes DateCreated, DateCreated<, DateCreated>, Page, PageSize and PageToken"
                )));
            }
        }
    }
    Ok(request)
}

/// The account's recording listing's request: whose recordings, their date filters, and
/// the position, already checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct AccountListRequest {
    call: Option<Uuid>,
    conference: Option<Uuid>,
    dates: Vec<DayFilter>,
    at: Position,
}

/// Reads the account's recording listing's query.
pub(crate) fn account_list_request(query: Option<&str>) -> Result<AccountListRequest, Refusal> {
    let mut request = AccountListRequest::default();
    let names = [
        "CallSid",
        "ConferenceSid",
        "DateCreated",
        "DateCreated<",
        "DateCreated>",
    ];
    for (key, value) in listing_pairs(query, &names)? {
        let sid = || {
            Uuid::try_parse(&value)
                .map_err(|_| Refusal::bad(format!("{key} must be a SID, not {value:?}")))
        };
        match key.as_str() {
            "CallSid" => request.call = Some(sid()?),
            "ConferenceSid" => request.conference = Some(sid()?),
            "DateCreated" | "DateCreated<" | "DateCreated>" => {
                request.dates.push(DayFilter::read(&key, &value)?)
            }
            _ if request.at.read(&key, &value)? => {}
            _ => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: this listing takes CallSid, ConferenceSid, DateCreated, DateCreated<, DateCreated>, Page, PageSize and PageToken"
                )));
            }
        }
    }
    Ok(request)
}

/// Numbers every recording of an account by start (then by conference and by its place in
/// it), for the account's listing; given the account's conferences' recordings in order.
pub(crate) fn number_across<'a>(all: impl IntoIterator<Item = &'a mut Recordings>) {
    let mut found: Vec<(DateTime<FixedOffset>, usize, &mut Recording)> = Vec::new();
    for (i, recordings) in all.into_iter().enumerate() {
        for r in recordings.by_seq.values_mut() {
            found.push((r.start_time, i, r));
        }
    }
    found.sort_by_key(|(start, i, r)| (*start, *i, r.sid));
    for (order, (_, _, r)) in found.into_iter().enumerate() {
        r.order = order as u64;
    }
}

/// One page of every recording of the account, given each conference's SID and recordings.
pub(crate) fn account_list<'a>(
    account: &Uuid,
    conferences: impl IntoIterator<Item = (Uuid, &'a Recordings)>,
    request: &AccountListRequest,
    now: DateTime<Utc>,
) -> Value {
    let mut all: BTreeMap<u64, (Uuid, &Recording)> = BTreeMap::new();
    for (conference, recordings) in conferences {
        if request.conference.is_some_and(|c| c != conference) {
            continue;
        }
        for r in recordings.by_seq.values() {
            all.insert(r.order, (conference, r));
        }
    }
    let own = [
        request.call.map(|c| ("CallSid", c.to_string())),
        request.conference.map(|c| ("ConferenceSid", c.to_string())),
    ];
    let filters = filters_query(
        own.into_iter()
            .flatten()
            .chain(request.dates.iter().map(DayFilter::pair)),
    );
    page(
        &all,
        |(_, r)| {
            // A conference's recordings belong to no call.
            request.call.is_none() && request.dates.iter().all(|f| f.passes(&r.date_created))
        },
        &request.at,
        "recordings",
        &format!("{API_ROOT_PATH}/Accounts/{account}/Recordings"),
        &filters,
        |(conference, r)| r.render(account, conference, now),
    )
}

/// Reads a recording update's form body.
pub(crate) fn update_request(body: &[u8]) -> Result<Update, Refusal> {
    let mut status = None;
    let mut pause_behavior = None;
    for (key, value) in pairs(body)? {
        match key.as_str() {
            "Status" if matches!(value.as_str(), "paused" | "in-progress" | "stopped") => {
                status = Some(value)
            }
            "Status" => {
                return Err(Refusal::bad(format!(
                    "Status must be paused, in-progress or stopped, not {value:?}"
                )));
            }
            "PauseBehavior" if matches!(value.as_str(), "skip" | "silence") => {
                pause_behavior = Some(value)
            }
            "PauseBehavior" => {
                return Err(Refusal::bad(format!(
                    "PauseBehavior must be skip or silence, not {value:?}"
                )));
            }
            _ => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: a recording update takes Status and PauseBehavior"
                )));
            }
        }
    }
    let status =
        status.ok_or_else(|| Refusal::bad("Status is required: paused, in-progress or stopped"))?;
    if pause_behavior.is_some() && status != "paused" {
        return Err(Refusal::errors(vec![
            "PauseBehavior goes with Status=paused only".into(),
        ]));
    }
    Ok(Update {
        status,
        pause_behavior,
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

fn listing(account: &Uuid, conference: &Uuid) -> String {
    format!("{API_ROOT_PATH}/Accounts/{account}/Conferences/{conference}/Recordings")
}

impl Recordings {
    pub(crate) fn from_seed(seed: &[SeedRecording], now: DateTime<FixedOffset>) -> Self {
        let mut recordings = Self::default();
        for (seq, r) in seed.iter().enumerate() {
            let created = r
                .date_created
                .as_deref()
                .and_then(|d| parse_rfc2822(d).ok())
                .unwrap_or(now);
            recordings.seq_of.insert(r.sid, seq as u64);
            recordings.by_seq.insert(
                seq as u64,
                Recording {
                    sid: r.sid,
                    order: 0,
                    status: r.status.clone(),
                    source: r.source.clone(),
                    channels: r.channels.clone(),
                    pause_behavior: None,
                    date_created: created,
                    date_updated: created,
                    start_time: created,
                    end_time: is_over(&r.status)
                        .then(|| created + chrono::Duration::seconds(i64::from(r.duration))),
                },
            );
        }
        recordings
    }

    fn get_mut(&mut self, sid: &Uuid) -> Option<&mut Recording> {
        let seq = *self.seq_of.get(sid)?;
        self.by_seq.get_mut(&seq)
    }

    pub(crate) fn list(
        &self,
        account: &Uuid,
        conference: &Uuid,
        request: &ListRequest,
        now: DateTime<Utc>,
    ) -> Value {
        let filters = filters_query(request.dates.iter().map(DayFilter::pair));
        page(
            &self.by_seq,
            |r| {
                request
                    .dates
                    .iter()
                    .all(|filter| filter.passes(&r.date_created))
            },
            &request.at,
            "recordings",
            &listing(account, conference),
            &filters,
            |r| r.render(account, conference, now),
        )
    }

    pub(crate) fn fetch(
        &self,
        account: &Uuid,
        conference: &Uuid,
        sid: &Uuid,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Value, Refusal> {
        self.seq_of
            .get(sid)
            .and_then(|s| self.by_seq.get(s))
            .map(|r| r.render(account, conference, now))
            .ok_or_else(|| Refusal::not_found(path))
    }

    pub(crate) fn update(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        sid: &Uuid,
        update: Update,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Value, Refusal> {
        let r = self.get_mut(sid).ok_or_else(|| Refusal::not_found(path))?;
        if is_over(&r.status) {
            return Err(Refusal::errors(vec![format!(
                "Recording {sid} is {} and can no longer be paused, resumed or stopped",
                r.status
            )]));
        }
        let current = if r.status == "paused" {
            "paused"
        } else {
            "in-progress"
        };
        if update.status != current || update.pause_behavior.is_some() {
            r.status = update.status;
            if let Some(behavior) = update.pause_behavior {
                r.pause_behavior = Some(behavior);
            }
            if r.status == "stopped" {
                r.end_time = Some(whole_seconds(now));
            }
            r.date_updated = whole_seconds(now);
        }
        Ok(r.render(account, conference, now))
    }

    /// Whether the conference holds the recording `sid`.
    pub(crate) fn holds(&self, sid: &Uuid) -> bool {
        self.seq_of.contains_key(sid)
    }

    pub(crate) fn remove(&mut self, sid: &Uuid, path: &str) -> Result<(), Refusal> {
        let seq = *self
            .seq_of
            .get(sid)
            .ok_or_else(|| Refusal::not_found(path))?;
        let status = &self.by_seq[&seq].status;
        if !is_over(status) {
            return Err(Refusal::errors(vec![format!(
                "Recording {sid} is {status}: stop it before deleting it"
            )]));
        }
        self.seq_of.remove(sid);
        self.by_seq.remove(&seq);
        Ok(())
    }

    /// The conference ended: its active recordings are complete.
    pub(crate) fn complete_all(&mut self, now: DateTime<Utc>) {
        for r in self.by_seq.values_mut() {
            if !is_over(&r.status) {
                r.status = "completed".into();
                r.end_time = Some(whole_seconds(now));
                r.date_updated = whole_seconds(now);
            }
        }
    }
}

impl Recording {
    /// The recording in the API's JSON shape, written by serializing the public model:
    /// every field SignalWire documents.
    fn render(&self, account: &Uuid, conference: &Uuid, now: DateTime<Utc>) -> Value {
        let end = self.end_time.unwrap_or_else(|| whole_seconds(now));
        let duration = (end - self.start_time).num_seconds().max(0);
        let uri = format!("{}/{}", listing(account, conference), self.sid);
        let model = crate::Recording {
            sid: self.sid.into(),
            account_sid: (*account).into(),
            conference_sid: Some((*conference).into()),
            call_sid: None,
            api_version: Some("2010-04-01".into()),
            status: crate::RecordingStatus::from(self.status.as_str()),
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
            trim: Some("do-not-trim".into()),
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
