//! What the emulator remembers, and the four operations on it. Nothing here knows HTTP
//! beyond the status and code of a refusal.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, Timelike as _, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{response::Refusal, seed::Seed};
use crate::API_ROOT_PATH;
use crate::time::{format_rfc2822, parse_rfc2822};

#[derive(Debug)]
pub(crate) struct State {
    projects: HashMap<Uuid, Project>,
}

#[derive(Debug)]
struct Project {
    token: String,
    conferences: HashMap<Uuid, Conference>,
}

#[derive(Debug, Default)]
struct Conference {
    next_seq: u64,
    /// Participants by the order they joined.
    participants: BTreeMap<u64, Participant>,
    seq_of: HashMap<Uuid, u64>,
}

#[derive(Debug, Clone)]
struct Participant {
    call_sid: Uuid,
    muted: bool,
    hold: bool,
    call_sid_to_coach: Option<Uuid>,
    end_conference_on_exit: bool,
    start_conference_on_enter: bool,
    status: String,
    date_created: DateTime<FixedOffset>,
    date_updated: DateTime<FixedOffset>,
    // Accepted and kept, as SignalWire does, but not part of the participant's JSON.
    settings: BTreeMap<&'static str, String>,
}

/// The filters and position of a list request, already checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListRequest {
    pub(crate) muted: Option<bool>,
    pub(crate) hold: Option<bool>,
    pub(crate) page: u32,
    pub(crate) page_size: u32,
    pub(crate) token: Option<PageToken>,
}

/// Where a page starts: after (`PA`) or before (`PB`) a participant's join sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageToken {
    After(u64),
    Before(u64),
}

impl PageToken {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let number = |digits: &str| {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        if let Some(d) = text.strip_prefix("PA") {
            number(d).map(Self::After)
        } else if let Some(d) = text.strip_prefix("PB") {
            number(d).map(Self::Before)
        } else {
            None
        }
    }

    fn render(self) -> String {
        match self {
            Self::After(n) => format!("PA{n}"),
            Self::Before(n) => format!("PB{n}"),
        }
    }
}

/// The changes an update asks for, already checked for form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Update {
    pub(crate) muted: Option<bool>,
    pub(crate) hold: Option<bool>,
    pub(crate) coaching: Option<bool>,
    pub(crate) call_sid_to_coach: Option<Uuid>,
    pub(crate) end_conference_on_exit: Option<bool>,
    pub(crate) settings: Vec<(&'static str, String)>,
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

impl State {
    pub(crate) fn new(seed: &Seed, now: DateTime<Utc>) -> Self {
        let now = now.fixed_offset();
        let projects = seed
            .projects
            .iter()
            .map(|p| {
                let conferences = p
                    .conferences
                    .iter()
                    .map(|c| {
                        let mut conference = Conference::default();
                        for s in &c.participants {
                            let created = s
                                .date_created
                                .as_deref()
                                .and_then(|d| parse_rfc2822(d).ok())
                                .unwrap_or(now);
                            conference.join(Participant {
                                call_sid: s.call_sid,
                                muted: s.muted,
                                hold: s.hold,
                                call_sid_to_coach: s.call_sid_to_coach,
                                end_conference_on_exit: s.end_conference_on_exit,
                                start_conference_on_enter: s.start_conference_on_enter,
                                status: s.status.clone(),
                                date_created: created,
                                date_updated: created,
                                settings: BTreeMap::new(),
                            });
                        }
                        (c.sid, conference)
                    })
                    .collect();
                (
                    p.project_id,
                    Project {
                        token: p.api_token.clone(),
                        conferences,
                    },
                )
            })
            .collect();
        Self { projects }
    }

    /// Whether `token` opens `project`. Compares in time independent of where they differ.
    pub(crate) fn authenticate(&self, project: &Uuid, token: &str) -> bool {
        self.projects.get(project).is_some_and(|p| {
            let (a, b) = (p.token.as_bytes(), token.as_bytes());
            a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
        })
    }

    fn conference(
        &self,
        account: &Uuid,
        conference: &Uuid,
        path: &str,
    ) -> Result<&Conference, Refusal> {
        self.projects
            .get(account)
            .and_then(|p| p.conferences.get(conference))
            .ok_or_else(|| Refusal::not_found(path))
    }

    fn conference_mut(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        path: &str,
    ) -> Result<&mut Conference, Refusal> {
        self.projects
            .get_mut(account)
            .and_then(|p| p.conferences.get_mut(conference))
            .ok_or_else(|| Refusal::not_found(path))
    }

    pub(crate) fn list(
        &self,
        account: &Uuid,
        conference_sid: &Uuid,
        request: &ListRequest,
        path: &str,
    ) -> Result<Value, Refusal> {
        let conference = self.conference(account, conference_sid, path)?;
        let matches = |p: &&Participant| {
            request.muted.is_none_or(|m| p.muted == m) && request.hold.is_none_or(|h| p.hold == h)
        };
        let size = request.page_size as usize;
        let all = conference.participants.iter();
        let chosen: Vec<(u64, &Participant)> = match request.token {
            None => all
                .filter(|(_, p)| matches(p))
                .skip(size.saturating_mul(request.page as usize))
                .take(size)
                .map(|(s, p)| (*s, p))
                .collect(),
            Some(PageToken::After(after)) => conference
                .participants
                .range(after.saturating_add(1)..)
                .filter(|(_, p)| matches(p))
                .take(size)
                .map(|(s, p)| (*s, p))
                .collect(),
            Some(PageToken::Before(before)) => {
                let mut v: Vec<_> = conference
                    .participants
                    .range(..before)
                    .rev()
                    .filter(|(_, p)| matches(p))
                    .take(size)
                    .map(|(s, p)| (*s, p))
                    .collect();
                v.reverse();
                v
            }
        };

        let more_after = chosen.last().is_some_and(|(last, _)| {
            conference
                .participants
                .range(last + 1..)
                .any(|(_, p)| matches(&p))
        });
        let more_before = chosen.first().is_some_and(|(first, _)| {
            conference
                .participants
                .range(..*first)
                .any(|(_, p)| matches(&p))
        });

        let listing =
            format!("{API_ROOT_PATH}/Accounts/{account}/Conferences/{conference_sid}/Participants");
        let mut filters = String::new();
        if let Some(m) = request.muted {
            filters.push_str(&format!("Muted={m}&"));
        }
        if let Some(h) = request.hold {
            filters.push_str(&format!("Hold={h}&"));
        }
        let page_uri = |page: u32, token: Option<PageToken>| {
            let mut uri = format!("{listing}?{filters}Page={page}&PageSize={size}");
            if let Some(t) = token {
                uri.push_str("&PageToken=");
                uri.push_str(&t.render());
            }
            uri
        };
        let page = request.page;
        // A page past the last one a request can name (Page is at most 2147483647) is never
        // offered: the emulator would refuse the URI it handed out.
        let next = (more_after && page < i32::MAX as u32).then(|| {
            let last = chosen.last().map(|(s, _)| *s).unwrap_or_default();
            page_uri(page.saturating_add(1), Some(PageToken::After(last)))
        });
        let previous = (page > 0 && more_before).then(|| {
            let first = chosen.first().map(|(s, _)| *s).unwrap_or_default();
            page_uri(page - 1, Some(PageToken::Before(first)))
        });
        let participants: Vec<Value> = chosen
            .iter()
            .map(|(_, p)| p.render(account, conference_sid))
            .collect();
        Ok(json!({
            "participants": participants,
            "uri": page_uri(page, request.token),
            "first_page_uri": page_uri(0, None),
            "next_page_uri": next,
            "previous_page_uri": previous,
            "page": page,
            "page_size": size,
        }))
    }

    pub(crate) fn fetch(
        &self,
        account: &Uuid,
        conference: &Uuid,
        call: &Uuid,
        path: &str,
    ) -> Result<Value, Refusal> {
        let c = self.conference(account, conference, path)?;
        c.get(call)
            .map(|p| p.render(account, conference))
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
        let c = self.conference_mut(account, conference, path)?;
        let current = c.get(call).ok_or_else(|| Refusal::not_found(path))?;
        if matches!(current.status.as_str(), "complete" | "completed" | "failed") {
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
                if target == *call || c.get(&target).is_none() {
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
        let p = c.get_mut(call).ok_or_else(|| Refusal::not_found(path))?;
        if update.is_empty() {
            return Ok(p.render(account, conference));
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
        // Dates are written in whole seconds; keep them that way so reads agree with writes.
        p.date_updated = now
            .fixed_offset()
            .with_nanosecond(0)
            .unwrap_or_else(|| now.fixed_offset());
        Ok(p.render(account, conference))
    }

    pub(crate) fn remove(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        call: &Uuid,
        path: &str,
    ) -> Result<(), Refusal> {
        let c = self.conference_mut(account, conference, path)?;
        let seq = c
            .seq_of
            .remove(call)
            .ok_or_else(|| Refusal::not_found(path))?;
        c.participants.remove(&seq);
        // Whoever coached the removed call coaches no one now.
        for p in c.participants.values_mut() {
            if p.call_sid_to_coach == Some(*call) {
                p.call_sid_to_coach = None;
            }
        }
        Ok(())
    }
}

impl Conference {
    fn join(&mut self, p: Participant) {
        if let Some(old) = self.seq_of.remove(&p.call_sid) {
            self.participants.remove(&old);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.seq_of.insert(p.call_sid, seq);
        self.participants.insert(seq, p);
    }

    fn get(&self, call: &Uuid) -> Option<&Participant> {
        self.seq_of.get(call).and_then(|s| self.participants.get(s))
    }

    fn get_mut(&mut self, call: &Uuid) -> Option<&mut Participant> {
        let seq = *self.seq_of.get(call)?;
        self.participants.get_mut(&seq)
    }
}

impl Participant {
    /// The participant in the API's JSON shape: SignalWire's thirteen fields.
    fn render(&self, account: &Uuid, conference: &Uuid) -> Value {
        json!({
            "account_sid": account,
            "call_sid": self.call_sid,
            "call_sid_to_coach": self.call_sid_to_coach,
            "coaching": self.call_sid_to_coach.is_some(),
            "conference_sid": conference,
            "date_created": format_rfc2822(&self.date_created),
            "date_updated": format_rfc2822(&self.date_updated),
            "end_conference_on_exit": self.end_conference_on_exit,
            "hold": self.hold,
            "muted": self.muted,
            "start_conference_on_enter": self.start_conference_on_enter,
            "status": self.status,
            "uri": format!("{API_ROOT_PATH}/Accounts/{account}/Conferences/{conference}/Participants/{}.json", self.call_sid),
        })
    }
}
