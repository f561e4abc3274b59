//! What the emulator remembers: projects, their credentials, and a table a resource
//! (conferences, and the participants, recordings and streams linked to them by SID).
//! Nothing here knows HTTP beyond the status and code of a refusal; each resource's
//! operations live in its own module.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    calls::Calls,
    conferences::{Announcement, Conference, Conferences, Pending},
    messages::Messages,
    participants::Participants,
    recordings::Recordings,
    response::Refusal,
    seed::Seed,
    store::Tables,
    streams::Streams,
};

/// A call entering a conference by name, as `<Dial><Conference>` asks.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The room's name.
    pub(crate) name: String,
    /// Where the conference's events go, if the call opens it.
    pub(crate) callback: Option<super::callbacks::StatusCallback>,
    /// The call, and how it is in the room.
    pub(crate) join: super::callbacks::Join,
    /// The most participants the room takes.
    pub(crate) max_participants: usize,
    /// The recording its `record="record-from-start"` asks for.
    pub(crate) record: Option<super::recordings::Asked>,
}

/// A call that entered a conference: which, whether it has started, and the events.
pub(crate) struct Entered {
    pub(crate) conference: Uuid,
    pub(crate) started: bool,
    pub(crate) events: Vec<Pending>,
}

#[derive(Debug)]
pub(crate) struct State {
    projects: HashMap<Uuid, Project>,
}

#[derive(Debug)]
struct Project {
    token: String,
    signing_key: String,
    conferences: Conferences,
    /// The calls placed through the REST API.
    calls: Calls,
    /// Every participant: a call in a conference, linked to it by SID.
    participants: Participants,
    /// Every recording, linked by SID to what it records.
    recordings: Recordings,
    /// Every stream, linked by SID to the conference whose audio it carries.
    streams: Streams,
    /// The resources kept in the generic store (applications, LaML Bins, …).
    tables: Tables,
    /// Every message, sent or received.
    messages: Messages,
}

impl State {
    /// The space a (checked) seed describes; dates the seed leaves out are `now`.
    pub(crate) fn new(seed: &Seed, now: DateTime<Utc>) -> Self {
        let now = now.fixed_offset();
        let projects = seed
            .projects
            .iter()
            .map(|p| {
                (
                    p.project_id,
                    Project {
                        token: p.api_token.clone(),
                        signing_key: p
                            .signing_key
                            .clone()
                            .unwrap_or_else(|| format!("PSKemulator-{}", p.project_id)),
                        conferences: Conferences::from_seed(&p.conferences, now),
                        calls: Calls::from_seed(&p.numbers, &p.conferences, now.to_utc()),
                        participants: Participants::from_seed(&p.conferences, now),
                        recordings: Recordings::from_seed(&p.conferences, now),
                        streams: Streams::default(),
                        tables: Tables::default(),
                        messages: Messages::default(),
                    },
                )
            })
            .collect();
        Self { projects }
    }

    /// The calls of a project whose status callback was pointed elsewhere since this was
    /// last asked.
    pub(crate) fn moved_call_callbacks(&mut self, account: &Uuid) -> Vec<Uuid> {
        self.projects
            .get_mut(account)
            .map(|p| p.calls.take_moved())
            .unwrap_or_default()
    }

    /// The calls of every project in progress that no runner runs yet (the seed's seated
    /// participants, when the emulator starts).
    pub(crate) fn waiting_for_runners(&self) -> Vec<(Uuid, Uuid)> {
        self.projects
            .iter()
            .flat_map(|(project, p)| {
                (p.calls.waiting_for_runners().into_iter()).map(move |call| (*project, call))
            })
            .collect()
    }

    /// Whether `token` opens `project`. Compares in time independent of where they differ.
    pub(crate) fn authenticate(&self, project: &Uuid, token: &str) -> bool {
        self.projects.get(project).is_some_and(|p| {
            let (a, b) = (p.token.as_bytes(), token.as_bytes());
            a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
        })
    }

    /// The Signing Key a project's webhooks are signed with.
    pub(crate) fn signing_key(&self, project: &Uuid) -> Option<crate::webhooks::SigningKey> {
        let key = &self.projects.get(project)?.signing_key;
        crate::webhooks::SigningKey::new(key.clone()).ok()
    }

    /// An account's project, or the 404 for `path`.
    fn project(&self, account: &Uuid, path: &str) -> Result<&Project, Refusal> {
        self.projects
            .get(account)
            .ok_or_else(|| Refusal::not_found(path))
    }

    /// An account's project to change, or the 404 for `path`.
    fn project_mut(&mut self, account: &Uuid, path: &str) -> Result<&mut Project, Refusal> {
        self.projects
            .get_mut(account)
            .ok_or_else(|| Refusal::not_found(path))
    }

    /// Whether any project has bought `number`.
    pub(crate) fn number_taken(&self, number: &str) -> bool {
        self.projects.values().any(|p| {
            p.tables
                .rows::<crate::IncomingPhoneNumber>()
                .is_some_and(|rows| {
                    rows.iter()
                        .any(|n| n.phone_number.as_deref() == Some(number))
                })
        })
    }

    /// An account's tables; `None` for an account the emulator does not hold.
    pub(crate) fn tables_mut(&mut self, account: &Uuid) -> Option<&mut Tables> {
        self.projects.get_mut(account).map(|p| &mut p.tables)
    }

    /// Every project's tables.
    pub(crate) fn every_tables_mut(&mut self) -> impl Iterator<Item = &mut Tables> {
        self.projects.values_mut().map(|p| &mut p.tables)
    }

    /// An account's calls and its tables (where its applications are), or the 404 for
    /// `path`.
    pub(crate) fn calls_mut(
        &mut self,
        account: &Uuid,
        path: &str,
    ) -> Result<(&mut Calls, &Tables), Refusal> {
        let p = self.project_mut(account, path)?;
        Ok((&mut p.calls, &p.tables))
    }

    /// An account's messages, or the 404 for `path`.
    pub(crate) fn messages(&self, account: &Uuid, path: &str) -> Result<&Messages, Refusal> {
        Ok(&self.project(account, path)?.messages)
    }

    /// An account's messages with what sending one looks at (its numbers and
    /// applications, its calls' lines and number rules), or the 404 for `path`.
    pub(crate) fn messages_mut(
        &mut self,
        account: &Uuid,
        path: &str,
    ) -> Result<(&mut Messages, &Tables, &Calls), Refusal> {
        let p = self.project_mut(account, path)?;
        Ok((&mut p.messages, &p.tables, &p.calls))
    }

    /// When an account's message next moves on by itself, if it will.
    pub(crate) fn next_message_change(
        &self,
        account: &Uuid,
        message: &Uuid,
    ) -> Option<DateTime<Utc>> {
        self.projects.get(account)?.messages.next_change(message)
    }

    /// An account's calls, or the 404 for `path`.
    pub(crate) fn calls(&self, account: &Uuid, path: &str) -> Result<&Calls, Refusal> {
        Ok(&self.project(account, path)?.calls)
    }

    /// Moves an account's calls and messages on to where the clock says they are (rung,
    /// answered, sent, delivered), with the events that makes.
    pub(crate) fn advance(&mut self, account: &Uuid, now: DateTime<Utc>) -> Vec<Pending> {
        let Some(p) = self.projects.get_mut(account) else {
            return Vec::new();
        };
        let mut events = p.calls.advance(account, now);
        events.extend(p.messages.advance(account, now));
        events
    }

    /// When an account's call next moves on by itself, if it will.
    pub(crate) fn next_call_change(&self, account: &Uuid, call: &Uuid) -> Option<DateTime<Utc>> {
        self.projects.get(account)?.calls.next_change(call)
    }

    /// The runner of an account's call may start; see [`Calls::start_run`].
    pub(crate) fn start_run(
        &mut self,
        account: &Uuid,
        call: &Uuid,
    ) -> Option<super::runner::RunStart> {
        self.projects.get_mut(account)?.calls.start_run(call)
    }

    /// What the runner of an account's call sees.
    pub(crate) fn run_view(&self, account: &Uuid, call: &Uuid) -> Option<super::runner::RunView> {
        self.projects.get(account)?.calls.run_view(call)
    }

    /// The runner's share of an account's call.
    pub(crate) fn run_mut(
        &mut self,
        account: &Uuid,
        call: &Uuid,
    ) -> Option<&mut super::runner::RunState> {
        self.projects.get_mut(account)?.calls.run_mut(call)
    }

    /// Ends an account's call; see [`Calls::end_call`].
    pub(crate) fn end_call(
        &mut self,
        account: &Uuid,
        call: &Uuid,
        status: crate::CallStatus,
        now: DateTime<Utc>,
    ) -> Option<Vec<Pending>> {
        self.projects
            .get_mut(account)?
            .calls
            .end_call(account, call, status, now)
    }

    /// Places the call a `<Dial>` makes; see [`Calls::dial`].
    pub(crate) fn dial(
        &mut self,
        account: &Uuid,
        out: super::calls::DialOut,
        now: DateTime<Utc>,
    ) -> Option<Pending> {
        self.projects
            .get_mut(account)?
            .calls
            .dial(account, out, now)
    }

    /// What a `<Dial>` of an account's call sees of the call it placed, noting that it
    /// looked (so that it is woken only when that changes).
    pub(crate) fn look_at_dialed(
        &mut self,
        account: &Uuid,
        parent: &Uuid,
        child: &Uuid,
    ) -> Option<super::calls::Dialed> {
        let calls = &mut self.projects.get_mut(account)?.calls;
        let seen = calls.dialed(child);
        if let Some(run) = calls.run_mut(parent) {
            run.dial_seen.clone_from(&seen);
        }
        seen
    }

    /// An account's application.
    fn application(&self, account: &Uuid, application: &Uuid) -> Option<&crate::Application> {
        self.projects
            .get(account)?
            .tables
            .rows::<crate::Application>()?
            .get(application)
    }

    /// An account's application's `voice_url` and its method.
    pub(crate) fn voice_url(&self, account: &Uuid, application: &Uuid) -> Option<(String, String)> {
        let app = self.application(account, application)?;
        url_and_method(app.voice_url.as_ref(), app.voice_method.as_ref())
    }

    /// An account's application's `voice_fallback_url` and its method.
    pub(crate) fn voice_fallback(
        &self,
        account: &Uuid,
        application: &Uuid,
    ) -> Option<(String, String)> {
        let app = self.application(account, application)?;
        url_and_method(
            app.voice_fallback_url.as_ref(),
            app.voice_fallback_method.as_ref(),
        )
    }

    /// Where a call of any project takes its cXML from.
    pub(crate) fn call_cxml(&self, call: &Uuid) -> Option<super::calls::CallCxml> {
        self.projects.values().find_map(|p| p.calls.cxml(call))
    }

    /// An account's conferences; `None` for an account the emulator does not hold.
    pub(crate) fn conferences(&self, account: &Uuid) -> Option<&Conferences> {
        self.projects.get(account).map(|p| &p.conferences)
    }

    /// An account's recordings; `None` for an account the emulator does not hold.
    pub(crate) fn recordings(&self, account: &Uuid) -> Option<&Recordings> {
        self.projects.get(account).map(|p| &p.recordings)
    }

    /// An account's recordings to change, or the 404 for `path`.
    pub(crate) fn recordings_mut(
        &mut self,
        account: &Uuid,
        path: &str,
    ) -> Result<&mut Recordings, Refusal> {
        Ok(&mut self.project_mut(account, path)?.recordings)
    }

    /// Brings what hangs off a conference in line with it after a change: a conference that
    /// has started makes the recording its cXML asked for; the active recordings of a
    /// conference that is over are complete, and its streams stopped. Answers the
    /// recordings' status events, to be sent.
    #[must_use]
    pub(crate) fn settle(&mut self, account: &Uuid, now: DateTime<Utc>) -> Vec<Pending> {
        let Some(p) = self.projects.get_mut(account) else {
            return Vec::new();
        };
        let mut events = Vec::new();
        // A seated call (see `Calls::seat`) that ended, or was sent to new cXML, before its
        // runner reached its `<Dial>` leaves its room here, as its runner would have.
        for (call, conference) in p.calls.unseat_gone() {
            if p.participants.contains(&conference, &call)
                && let Some(c) = p.conferences.get_mut(&conference)
            {
                let departure = super::conferences::Departure::HungUp;
                let left = c.leave(&mut p.participants, account, &call, departure, now, "");
                events.extend(left.unwrap_or_default());
            }
        }
        for c in p.conferences.iter_mut() {
            if let Some(asked) = c.take_record() {
                events.extend(
                    p.recordings
                        .start_for_conference(account, &c.sid, asked, now),
                );
            }
        }
        for c in p.conferences.iter().filter(|c| c.is_over()) {
            events.extend(p.recordings.complete_of(account, &c.sid, now));
            events.extend(p.streams.stop_of(account, &c.sid, now));
        }
        for call in p.calls.ended() {
            events.extend(p.recordings.complete_of(account, &call, now));
            events.extend(p.streams.stop_of(account, &call, now));
        }
        p.calls.wake_dialers();
        // A runner waiting in a conference it is no longer in goes on.
        // So does one playing its waitUrl in a conference that has started, and one
        // connected to a stream that has stopped.
        for (call, run) in p.calls.runs_mut() {
            let in_room = run.conference.is_some_and(|conference| {
                !p.participants.contains(&conference, call)
                    || (run.awaiting_start
                        && p.conferences.get(&conference).is_some_and(|c| !c.is_init()))
            });
            let stream_over = run.connected.is_some_and(|s| !p.streams.is_running(&s));
            if in_room || stream_over {
                run.wake.notify_one();
            }
        }
        events
    }

    /// A call enters the conference named `name` (`<Dial><Conference>`): the newest one of
    /// that name not over, or a new one, `init`, taking `callback` (the first participant's
    /// status callback, as SignalWire keeps it). Answers the conference, whether it has
    /// started, and the events; or why the call cannot enter.
    pub(crate) fn enter_conference(
        &mut self,
        account: &Uuid,
        entry: Entry,
        now: DateTime<Utc>,
        new_sid: impl FnOnce() -> Uuid,
    ) -> Result<Entered, (Option<u32>, String)> {
        let Entry {
            name,
            callback,
            join,
            max_participants,
            record,
        } = entry;
        let name = name.as_str();
        let join = &join;
        let p = self
            .projects
            .get_mut(account)
            .ok_or_else(|| (None, "the project is gone".to_owned()))?;
        // A coach joins a conference that exists: none is opened for it.
        if let Some(coached) = join.call_sid_to_coach
            && p.conferences.live_named(name).is_none()
        {
            return Err((
                Some(super::conferences::COACH_NOT_CONNECTED),
                format!(
                    "call {coached}, to be coached, is not connected to a conference named {name:?}"
                ),
            ));
        }
        let sid = match p.conferences.live_named(name) {
            Some(sid) => sid,
            None => {
                let sid = new_sid();
                p.conferences
                    .insert(Conference::opened(sid, name, now, callback));
                sid
            }
        };
        if p.participants.count(&sid) >= max_participants {
            return Err((
                None,
                format!(
                    "conference {name:?} is full: it takes at most {max_participants} participants"
                ),
            ));
        }
        let c = p
            .conferences
            .get_mut(&sid)
            .ok_or_else(|| (None, "the conference is gone".to_owned()))?;
        let (_, events) = c
            .join(&mut p.participants, account, join, now)
            .map_err(|r| (Some(r.code), r.message))?;
        if let Some(asked) = record {
            c.ask_record(asked);
        }
        Ok(Entered {
            conference: sid,
            started: !c.is_init(),
            events,
        })
    }

    /// What everyone in `conference` hears (a beep as someone enters or leaves), written to
    /// the log of each call in it.
    pub(crate) fn hear_in_conference(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        now: DateTime<Utc>,
        detail: serde_json::Value,
    ) {
        let Some(p) = self.projects.get_mut(account) else {
            return;
        };
        for call in p.participants.calls(conference) {
            if let Some(run) = p.calls.run_mut(&call) {
                run.log(now, "heard", detail.clone());
            }
        }
    }

    /// Whether the stream `sid` runs.
    pub(crate) fn stream_running(&self, account: &Uuid, sid: &Uuid) -> bool {
        self.projects
            .get(account)
            .is_some_and(|p| p.streams.is_running(sid))
    }

    /// Whether `conference` has started (and may be over).
    pub(crate) fn conference_started(&self, account: &Uuid, conference: &Uuid) -> bool {
        self.conferences(account)
            .and_then(|c| c.get(conference))
            .is_some_and(|c| !c.is_init())
    }

    /// Whether `call` is in `conference`.
    pub(crate) fn in_conference(&self, account: &Uuid, conference: &Uuid, call: &Uuid) -> bool {
        self.projects
            .get(account)
            .is_some_and(|p| p.participants.contains(conference, call))
    }

    /// A participant a call's runner put in a conference leaves it: its call hung up, was
    /// sent to new cXML, or its `<Dial>`'s time ran out. The events of its leaving.
    pub(crate) fn leave_conference(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        call: &Uuid,
        now: DateTime<Utc>,
    ) -> Vec<Pending> {
        let Some(p) = self.projects.get_mut(account) else {
            return Vec::new();
        };
        if !p.participants.contains(conference, call) {
            return Vec::new();
        }
        let Some(c) = p.conferences.get_mut(conference) else {
            return Vec::new();
        };
        c.leave(
            &mut p.participants,
            account,
            call,
            super::conferences::Departure::HungUp,
            now,
            "",
        )
        .unwrap_or_default()
    }

    /// A conference, or the 404 for `path`.
    pub(crate) fn conference(
        &self,
        account: &Uuid,
        conference: &Uuid,
        path: &str,
    ) -> Result<&Conference, Refusal> {
        self.conferences(account)
            .and_then(|c| c.get(conference))
            .ok_or_else(|| Refusal::not_found(path))
    }

    /// A conference and the project's participants, or the 404 for `path`.
    pub(crate) fn room(
        &self,
        account: &Uuid,
        conference: &Uuid,
        path: &str,
    ) -> Result<(&Conference, &Participants), Refusal> {
        let p = self.project(account, path)?;
        let c = p
            .conferences
            .get(conference)
            .ok_or_else(|| Refusal::not_found(path))?;
        Ok((c, &p.participants))
    }

    /// A conference to change and the project's participants, or the 404 for `path`.
    pub(crate) fn room_mut(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        path: &str,
    ) -> Result<(&mut Conference, &mut Participants), Refusal> {
        let p = self.project_mut(account, path)?;
        let c = p
            .conferences
            .get_mut(conference)
            .ok_or_else(|| Refusal::not_found(path))?;
        Ok((c, &mut p.participants))
    }

    /// A conference to change, or the 404 for `path`.
    pub(crate) fn conference_mut(
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

    /// The streams of a conference of any project, oldest first.
    pub(crate) fn streams(&self, conference: &Uuid) -> Vec<super::streams::EmulatedStream> {
        self.projects
            .values()
            .flat_map(|p| p.streams.kept_of(conference).cloned())
            .collect()
    }

    /// An account's streams to change, or the 404 for `path`.
    pub(crate) fn streams_mut(
        &mut self,
        account: &Uuid,
        path: &str,
    ) -> Result<&mut Streams, Refusal> {
        Ok(&mut self.project_mut(account, path)?.streams)
    }

    /// The announcements made to a conference of any project, oldest first.
    pub(crate) fn announcements(&self, conference: &Uuid) -> Vec<Announcement> {
        self.projects
            .values()
            .filter_map(|p| p.conferences.get(conference))
            .flat_map(|c| c.announcements().iter().cloned())
            .collect()
    }
}

/// A URL an application gives (none when empty) and its method, `POST` when not given.
pub(crate) fn url_and_method(
    url: Option<&String>,
    method: Option<&impl std::fmt::Display>,
) -> Option<(String, String)> {
    let url = url.filter(|u| !u.is_empty())?.clone();
    let method = method.map_or_else(|| "POST".to_owned(), |m| m.to_string().to_uppercase());
    Some((url, method))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::demo;

    #[test]
    fn a_seated_call_that_ends_or_is_redirected_before_its_runner_runs_leaves_its_room() {
        let now = "2026-12-01T09:00:00Z".parse().unwrap();
        let mut state = State::new(&demo::seed(), now);
        let (project, room) = (demo::PROJECT_ID, demo::CONFERENCE_SID);
        let [_, muted, held, ..] = demo::CALL_SIDS;
        assert!(state.settle(&project, now).is_empty());
        assert!(state.in_conference(&project, &room, &muted));
        // No runner has taken its seat: the call ends, and settling takes it out.
        state
            .end_call(&project, &muted, crate::CallStatus::Completed, now)
            .unwrap();
        let _ = state.settle(&project, now);
        assert!(!state.in_conference(&project, &room, &muted));
        // Sent to new cXML, likewise.
        let calls = &mut state.projects.get_mut(&project).unwrap().calls;
        let path = format!("/Calls/{held}");
        calls
            .update(
                &project,
                &held,
                b"Url=http://127.0.0.1:9/next",
                now,
                false,
                &path,
            )
            .unwrap();
        let _ = state.settle(&project, now);
        assert!(!state.in_conference(&project, &room, &held));
        // The others stay seated.
        let seated = state.projects[&project].participants.count(&room);
        assert_eq!(seated, 4);
    }
}
