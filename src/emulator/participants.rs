//! A conference's participants in the emulator: their state, how their requests are read,
//! and the four operations (list, fetch, update, remove).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, Timelike as _, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{
    callbacks::Join,
    form::{boolean, listing_pairs},
    paging::{Position, page},
    response::Refusal,
    seed::{SeedConference, SeedParticipant},
    store,
};
use crate::{
    API_ROOT_PATH, CallbackMethod, ParticipantStatus, api::generated::ParticipantUpdate,
    time::parse_rfc2822,
};

/// A project's participants, in the order they joined: each a call in a conference, linked
/// to the conference by its SID and named by the pair.
#[derive(Debug, Default)]
pub(crate) struct Participants {
    next_seq: u64,
    by_seq: BTreeMap<u64, Participant>,
    seq_of: HashMap<(Uuid, Uuid), u64>,
}

#[derive(Debug, Clone)]
struct Participant {
    /// The conference the call is in.
    conference: Uuid,
    call_sid: Uuid,
    muted: bool,
    hold: bool,
    call_sid_to_coach: Option<Uuid>,
    end_conference_on_exit: bool,
    start_conference_on_enter: bool,
    status: ParticipantStatus,
    date_created: DateTime<FixedOffset>,
    date_updated: DateTime<FixedOffset>,
    // Accepted and kept, as SignalWire does, but not part of the participant's JSON.
    settings: BTreeMap<&'static str, String>,
}

/// A participant listing's request: its filters and position, already checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListRequest {
    muted: Option<bool>,
    hold: Option<bool>,
    at: Position,
}

/// The changes an update asks for, already checked for form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Update {
    muted: Option<bool>,
    hold: Option<bool>,
    coaching: Option<bool>,
    call_sid_to_coach: Option<Uuid>,
    end_conference_on_exit: Option<bool>,
    settings: Vec<(&'static str, String)>,
}

impl Update {
    fn is_empty(&self) -> bool {
        self.muted.is_none()
            && self.hold.is_none()
            && self.coaching.is_none()
            && self.call_sid_to_coach.is_none()
            && self.end_conference_on_exit.is_none()
            && self.settings.is_empty()
    }
}

/// Reads a participant listing's query.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    let mut request = ListRequest::default();
    for (key, value) in listing_pairs(query, &[])? {
        match key.as_str() {
            "Muted" => request.muted = Some(boolean(&key, &value)?),
            "Hold" => request.hold = Some(boolean(&key, &value)?),
            _ if request.at.read(&key, &value)? => {}
            _ => return Err(super::form::unknown_filter(&key, &["Muted", "Hold"])),
        }
    }
    Ok(request)
}

/// Reads a participant update's form body into the spec's request type, whose URLs,
/// methods and booleans the store's reader checks (an empty URL is refused: a participant's
/// URLs are not cleared).
pub(crate) fn update_request(body: &[u8]) -> Result<Update, Refusal> {
    let form: ParticipantUpdate = store::read(body, false)?;
    let call_sid_to_coach = form
        .call_sid_to_coach
        .map(|text| {
            Uuid::try_parse(&text).map_err(|_| {
                Refusal::new(
                    400,
                    16002,
                    format!("CallSidToCoach {text:?} is not a call SID"),
                )
            })
        })
        .transpose()?;
    let mut settings = Vec::new();
    let texts = [
        ("HoldUrl", form.hold_url),
        ("AnnounceUrl", form.announce_url),
        ("WaitUrl", form.wait_url),
        ("HoldMethod", form.hold_method.map(method)),
        ("AnnounceMethod", form.announce_method.map(method)),
        ("WaitMethod", form.wait_method.map(method)),
        ("BeepOnExit", form.beep_on_exit.map(|b| b.to_string())),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            settings.push((key, value));
        }
    }
    Ok(Update {
        muted: form.muted,
        hold: form.hold,
        coaching: form.coaching,
        call_sid_to_coach,
        end_conference_on_exit: form.end_conference_on_exit,
        settings,
    })
}

/// A method as the API writes it.
pub(crate) fn method(m: CallbackMethod) -> String {
    match m {
        CallbackMethod::Get => "GET",
        CallbackMethod::Post => "POST",
    }
    .to_owned()
}

impl SeedParticipant {
    /// Whether the seed's participant of `conference` (whose calls are `calls`) can exist: a
    /// date that reads, and a coached call that is another participant of the conference.
    pub(crate) fn check(
        &self,
        conference: Uuid,
        calls: &std::collections::HashSet<Uuid>,
    ) -> Result<(), String> {
        let call = self.call_sid;
        if let Some(date) = &self.date_created
            && let Err(e) = parse_rfc2822(date)
        {
            return Err(format!(
                "participant {call} of conference {conference} has date_created {date:?}: {e}"
            ));
        }
        if let Some(coached) = self.call_sid_to_coach
            && (coached == call || !calls.contains(&coached))
        {
            return Err(format!(
                "participant {call} of conference {conference} coaches {coached}, which is not another participant of that conference"
            ));
        }
        Ok(())
    }
}

/// The path of a conference's participant listing.
fn listing(account: &Uuid, conference: &Uuid) -> String {
    format!("{API_ROOT_PATH}/Accounts/{account}/Conferences/{conference}/Participants")
}

impl Participants {
    /// The participants of a project's seeded conferences, joined in the seed's order;
    /// dates not given are `now`.
    pub(crate) fn from_seed(conferences: &[SeedConference], now: DateTime<FixedOffset>) -> Self {
        let mut participants = Self::default();
        for c in conferences {
            for s in &c.participants {
                let created = s
                    .date_created
                    .as_deref()
                    .and_then(|d| parse_rfc2822(d).ok())
                    .unwrap_or(now);
                participants.join(Participant {
                    conference: c.sid,
                    call_sid: s.call_sid,
                    muted: s.muted,
                    hold: s.hold,
                    call_sid_to_coach: s.call_sid_to_coach,
                    end_conference_on_exit: s.end_conference_on_exit,
                    start_conference_on_enter: s.start_conference_on_enter,
                    status: ParticipantStatus::from(s.status.as_str()),
                    date_created: created,
                    date_updated: created,
                    settings: BTreeMap::new(),
                });
            }
        }
        participants
    }

    /// Everyone in `conference` leaves, as when it ends.
    pub(crate) fn clear(&mut self, conference: &Uuid) {
        self.by_seq.retain(|_, p| p.conference != *conference);
        self.seq_of.retain(|(c, _), _| c != conference);
    }

    /// A call joins `conference` now, as a [`Join`] control request describes it: its JSON,
    /// or `None` when the call is in the conference already.
    pub(crate) fn join_new(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        join: &Join,
        now: DateTime<Utc>,
    ) -> Option<Value> {
        if self.seq_of.contains_key(&(*conference, join.call_sid)) {
            return None;
        }
        let at = whole_seconds(now);
        let p = Participant {
            conference: *conference,
            call_sid: join.call_sid,
            muted: join.muted,
            hold: join.hold,
            call_sid_to_coach: join.call_sid_to_coach,
            end_conference_on_exit: join.end_conference_on_exit,
            start_conference_on_enter: join.start_conference_on_enter,
            status: ParticipantStatus::InProgress,
            date_created: at,
            date_updated: at,
            settings: BTreeMap::new(),
        };
        let rendered = p.render(account);
        self.join(p);
        Some(rendered)
    }

    /// Whether `call` is in `conference`.
    pub(crate) fn contains(&self, conference: &Uuid, call: &Uuid) -> bool {
        self.seq_of.contains_key(&(*conference, *call))
    }

    /// The calls in `conference`, in the order they joined.
    pub(crate) fn calls(&self, conference: &Uuid) -> Vec<Uuid> {
        self.by_seq
            .values()
            .filter(|p| p.conference == *conference)
            .map(|p| p.call_sid)
            .collect()
    }

    /// How many participants `conference` has.
    pub(crate) fn count(&self, conference: &Uuid) -> usize {
        self.seq_of.keys().filter(|(c, _)| c == conference).count()
    }

    /// Every participant of `conference`'s JSON, in the order they joined.
    pub(crate) fn values(&self, account: &Uuid, conference: &Uuid) -> Vec<Value> {
        self.by_seq
            .values()
            .filter(|p| p.conference == *conference)
            .map(|p| p.render(account))
            .collect()
    }

    fn join(&mut self, p: Participant) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.seq_of.insert((p.conference, p.call_sid), seq);
        self.by_seq.insert(seq, p);
    }

    fn get(&self, conference: &Uuid, call: &Uuid) -> Option<&Participant> {
        self.seq_of
            .get(&(*conference, *call))
            .and_then(|s| self.by_seq.get(s))
    }

    fn get_mut(&mut self, conference: &Uuid, call: &Uuid) -> Option<&mut Participant> {
        let seq = *self.seq_of.get(&(*conference, *call))?;
        self.by_seq.get_mut(&seq)
    }

    pub(crate) fn list(&self, account: &Uuid, conference: &Uuid, request: &ListRequest) -> Value {
        let mut filters = String::new();
        if let Some(m) = request.muted {
            filters.push_str(&format!("Muted={m}&"));
        }
        if let Some(h) = request.hold {
            filters.push_str(&format!("Hold={h}&"));
        }
        page(
            &self.by_seq,
            |p| {
                p.conference == *conference
                    && request.muted.is_none_or(|m| p.muted == m)
                    && request.hold.is_none_or(|h| p.hold == h)
            },
            &request.at,
            "participants",
            &listing(account, conference),
            &filters,
            |p| p.render(account),
        )
    }

    pub(crate) fn fetch(
        &self,
        account: &Uuid,
        conference: &Uuid,
        call: &Uuid,
        path: &str,
    ) -> Result<Value, Refusal> {
        self.get(conference, call)
            .map(|p| p.render(account))
            .ok_or_else(|| Refusal::not_found(path))
    }

    pub(crate) fn update(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        call: &Uuid,
        update: Update,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Value, Refusal> {
        let current = self
            .get(conference, call)
            .ok_or_else(|| Refusal::not_found(path))?;
        if current.status.is_finished() {
            return Err(Refusal::new(
                422,
                10000,
                format!(
                    "Participant {call} has {} and can no longer be updated",
                    current.status
                ),
            ));
        }
        let coach_target = match (update.coaching, update.call_sid_to_coach) {
            (Some(false), _) => None,
            (_, Some(target)) => {
                if target == *call || self.get(conference, &target).is_none() {
                    return Err(Refusal::new(
                        422,
                        16002,
                        format!(
                            "The participant to be coached ({target}) is not in the provided conference"
                        ),
                    ));
                }
                Some(target)
            }
            (Some(true), None) => {
                return Err(Refusal::new(
                    422,
                    16002,
                    "Coaching requires CallSidToCoach: the call of the participant to coach",
                ));
            }
            (None, None) => current.call_sid_to_coach,
        };
        let p = self
            .get_mut(conference, call)
            .ok_or_else(|| Refusal::not_found(path))?;
        if update.is_empty() {
            return Ok(p.render(account));
        }
        if let Some(m) = update.muted {
            p.muted = m;
        }
        if let Some(h) = update.hold {
            p.hold = h;
        }
        if let Some(e) = update.end_conference_on_exit {
            p.end_conference_on_exit = e;
        }
        p.call_sid_to_coach = coach_target;
        for (key, value) in update.settings {
            p.settings.insert(key, value);
        }
        p.date_updated = whole_seconds(now);
        Ok(p.render(account))
    }

    pub(crate) fn remove(
        &mut self,
        conference: &Uuid,
        call: &Uuid,
        path: &str,
    ) -> Result<(), Refusal> {
        let seq = self
            .seq_of
            .remove(&(*conference, *call))
            .ok_or_else(|| Refusal::not_found(path))?;
        self.by_seq.remove(&seq);
        // Whoever coached the removed call coaches no one now.
        for p in self.by_seq.values_mut() {
            if p.conference == *conference && p.call_sid_to_coach == Some(*call) {
                p.call_sid_to_coach = None;
            }
        }
        Ok(())
    }
}

/// A time as the API writes dates: in whole seconds, so that reads agree with writes.
pub(crate) fn whole_seconds(now: DateTime<Utc>) -> DateTime<FixedOffset> {
    let now = now.fixed_offset();
    now.with_nanosecond(0).unwrap_or(now)
}

impl Participant {
    /// The participant in the API's JSON shape, written by serializing the public model:
    /// SignalWire's thirteen fields.
    fn render(&self, account: &Uuid) -> Value {
        let conference = &self.conference;
        let model = crate::Participant {
            account_sid: (*account).into(),
            call_sid: self.call_sid.into(),
            call_sid_to_coach: self.call_sid_to_coach.map(Into::into),
            coaching: self.call_sid_to_coach.is_some(),
            conference_sid: (*conference).into(),
            date_created: Some(self.date_created),
            date_updated: Some(self.date_updated),
            end_conference_on_exit: self.end_conference_on_exit,
            hold: self.hold,
            muted: self.muted,
            start_conference_on_enter: self.start_conference_on_enter,
            status: self.status.clone(),
            uri: format!("{}/{}.json", listing(account, conference), self.call_sid),
            label: None,
            queue_time: None,
        };
        serde_json::to_value(model).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let u = update_request(b"Muted=TRUE&Hold=False&HoldMethod=post").unwrap();
        assert_eq!((u.muted, u.hold), (Some(true), Some(false)));
        assert_eq!(u.settings, vec![("HoldMethod", "POST".to_owned())]);
        for bad in [
            "Muted=yes",
            "Muted=true&Muted=false",
            "HoldMethod=PUT",
            "HoldUrl=/x",
            "CallSidToCoach=x",
            "Muted=%FF",
            "Status=completed",
        ] {
            assert!(update_request(bad.as_bytes()).is_err(), "{bad}");
        }
        assert!(update_request(b"").unwrap().is_empty());
    }

    #[test]
    fn list_queries() {
        assert_eq!(list_request(None).unwrap().at.page_size, 50);
        let r = list_request(Some("Muted=true&PageSize=2&Page=3")).unwrap();
        assert_eq!((r.muted, r.at.page, r.at.page_size), (Some(true), 3, 2));
        for bad in ["Hold=1", "Status=completed", "PageSize=0"] {
            assert!(list_request(Some(bad)).is_err(), "{bad}");
        }
    }
}
