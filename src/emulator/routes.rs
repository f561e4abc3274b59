//! The operations of the resources the emulator keeps in its own state (conferences and what
//! hangs off them), as a table: each names its spec operation, its method, its path and the
//! function that carries it out. The resources of the generic store are routed by
//! [`store::find`](super::store::find) instead.

use axum::{
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    conferences::{self, Pending},
    participants, recordings,
    response::{Refusal, ok},
    state::State,
    streams,
};

/// What an operation is given: the state, the SIDs its path names (the account first), the
/// request, and where the status callbacks it causes go.
pub(crate) struct Call<'a> {
    pub(crate) state: &'a mut State,
    pub(crate) sids: &'a [Uuid],
    pub(crate) query: Option<&'a str>,
    pub(crate) body: &'a [u8],
    pub(crate) path: &'a str,
    pub(crate) now: DateTime<Utc>,
    /// Makes a SID the emulator has not given before, for what an operation creates.
    pub(crate) new_sid: &'a dyn Fn() -> Uuid,
    /// The status callbacks the operation causes, sent once the state is released.
    pub(crate) pending: Vec<Pending>,
    /// Whether a status callback may go to another machine.
    pub(crate) allow_remote: bool,
    /// Where the emulator is reached, for URLs it hands out.
    pub(crate) origin: &'a str,
    /// The calls the operation set moving on the clock, to be woken when they move on.
    pub(crate) wake: Vec<Uuid>,
    /// The messages the operation set moving on the clock.
    pub(crate) wake_messages: Vec<Uuid>,
}

/// What an operation answers: the response, and whether it is a change whose parameters
/// may have been put in the query string by mistake (the answer then warns of it).
pub(crate) struct Answer {
    pub(crate) response: Response,
    pub(crate) change: bool,
}

fn answer(response: Response) -> Answer {
    Answer {
        response,
        change: false,
    }
}

fn changed(value: serde_json::Value) -> Answer {
    Answer {
        response: ok(StatusCode::OK, value),
        change: true,
    }
}

fn found(value: serde_json::Value) -> Answer {
    answer(ok(StatusCode::OK, value))
}

fn gone() -> Answer {
    answer(StatusCode::NO_CONTENT.into_response())
}

/// One operation: the spec's `operationId`, its method, its path below the API root (`*`
/// stands for a SID, `?` for other text), and what carries it out.
pub(crate) struct Operation {
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'static [&'static str],
    pub(crate) run: fn(&mut Call<'_>) -> Result<Answer, Refusal>,
}

const CONFERENCES: &[&str] = &["Accounts", "*", "Conferences"];
const CONFERENCE: &[&str] = &["Accounts", "*", "Conferences", "*"];
const PARTICIPANTS: &[&str] = &["Accounts", "*", "Conferences", "*", "Participants"];
const PARTICIPANT: &[&str] = &["Accounts", "*", "Conferences", "*", "Participants", "*"];
const RECORDINGS: &[&str] = &["Accounts", "*", "Conferences", "*", "Recordings"];
const RECORDING: &[&str] = &["Accounts", "*", "Conferences", "*", "Recordings", "*"];
const ACCOUNT_RECORDINGS: &[&str] = &["Accounts", "*", "Recordings"];
const ACCOUNT_RECORDING: &[&str] = &["Accounts", "*", "Recordings", "*"];
const CALLS: &[&str] = &["Accounts", "*", "Calls"];
const CALL: &[&str] = &["Accounts", "*", "Calls", "*"];
const CALL_RECORDINGS: &[&str] = &["Accounts", "*", "Calls", "*", "Recordings"];
const CALL_RECORDING: &[&str] = &["Accounts", "*", "Calls", "*", "Recordings", "*"];
const CALL_STREAMS: &[&str] = &["Accounts", "*", "Calls", "*", "Streams"];
const CALL_STREAM: &[&str] = &["Accounts", "*", "Calls", "*", "Streams", "*"];
const MESSAGES: &[&str] = &["Accounts", "*", "Messages"];
const MESSAGE: &[&str] = &["Accounts", "*", "Messages", "*"];
const MEDIA: &[&str] = &["Accounts", "*", "Messages", "*", "Media"];
const COUNTRIES: &[&str] = &["Accounts", "*", "AvailablePhoneNumbers"];
const COUNTRY: &[&str] = &["Accounts", "*", "AvailablePhoneNumbers", "?"];
const LOCAL_NUMBERS: &[&str] = &["Accounts", "*", "AvailablePhoneNumbers", "?", "Local"];
const TOLL_FREE_NUMBERS: &[&str] = &["Accounts", "*", "AvailablePhoneNumbers", "?", "TollFree"];
const IMPORTED_NUMBERS: &[&str] = &["Accounts", "*", "ImportedPhoneNumbers"];
const MEDIA_FILE: &[&str] = &["Accounts", "*", "Messages", "*", "Media", "*"];
const STREAMS: &[&str] = &["Accounts", "*", "Conferences", "*", "Streams"];
const STREAM: &[&str] = &["Accounts", "*", "Conferences", "*", "Streams", "*"];

/// Every operation of the emulator's own resources.
pub(crate) static OPERATIONS: &[Operation] = &[
    Operation {
        id: "list_available_countries",
        method: Method::GET,
        path: COUNTRIES,
        run: |c| Ok(found(super::available_numbers::countries(&c.sids[0]))),
    },
    Operation {
        id: "fetch_available_country",
        method: Method::GET,
        path: COUNTRY,
        run: |c| {
            Ok(found(super::available_numbers::country(
                &c.sids[0], c.path,
            )?))
        },
    },
    Operation {
        id: "search_local_numbers",
        method: Method::GET,
        path: LOCAL_NUMBERS,
        run: |c| search(c, super::available_numbers::Kind::Local),
    },
    Operation {
        id: "search_toll_free_numbers",
        method: Method::GET,
        path: TOLL_FREE_NUMBERS,
        run: |c| search(c, super::available_numbers::Kind::TollFree),
    },
    Operation {
        id: "create_imported_phone_number",
        method: Method::POST,
        path: IMPORTED_NUMBERS,
        run: |c| {
            let ctx = super::store::Ctx {
                account: c.sids[0],
                now: c.now,
                origin: c.origin,
                sid: (c.new_sid)(),
            };
            let tables = c
                .state
                .tables_mut(&ctx.account)
                .ok_or_else(|| Refusal::not_found(c.path))?;
            let created = super::incoming_phone_numbers::import(tables, &ctx, c.body)?;
            Ok(Answer {
                response: ok(StatusCode::CREATED, created),
                change: true,
            })
        },
    },
    Operation {
        id: "list_messages",
        method: Method::GET,
        path: MESSAGES,
        run: |c| {
            let request = super::messages::list_request(c.query)?;
            let account = c.sids[0];
            let messages = c.state.messages(&account, c.path)?;
            Ok(found(messages.list(&account, &request)))
        },
    },
    Operation {
        id: "create_message",
        method: Method::POST,
        path: MESSAGES,
        run: |c| {
            let account = c.sids[0];
            let sid = super::store::random_sid();
            let allow_remote = c.allow_remote;
            let (messages, tables, calls) = c.state.messages_mut(&account, c.path)?;
            let context = super::messages::Context {
                tables,
                is_line: &|n| calls.is_line(n),
                behavior_of: &|n| calls.rules.of(n),
                allow_remote,
            };
            let created = messages.create(&account, c.body, sid, c.now, &context)?;
            c.wake_messages.push(sid);
            Ok(Answer {
                response: ok(StatusCode::CREATED, created),
                change: true,
            })
        },
    },
    Operation {
        id: "fetch_message",
        method: Method::GET,
        path: MESSAGE,
        run: |c| {
            let [account, message] = [c.sids[0], c.sids[1]];
            Ok(found(
                c.state
                    .messages(&account, c.path)?
                    .fetch(&account, &message, c.path)?,
            ))
        },
    },
    Operation {
        id: "update_message",
        method: Method::POST,
        path: MESSAGE,
        run: |c| {
            let [account, message] = [c.sids[0], c.sids[1]];
            let (messages, _, _) = c.state.messages_mut(&account, c.path)?;
            Ok(changed(
                messages.redact(&account, &message, c.body, c.now, c.path)?,
            ))
        },
    },
    Operation {
        id: "remove_message",
        method: Method::DELETE,
        path: MESSAGE,
        run: |c| {
            let [account, message] = [c.sids[0], c.sids[1]];
            let (messages, _, _) = c.state.messages_mut(&account, c.path)?;
            messages.remove(&message, c.path)?;
            Ok(gone())
        },
    },
    Operation {
        id: "list_media_files",
        method: Method::GET,
        path: MEDIA,
        run: |c| {
            let [account, message] = [c.sids[0], c.sids[1]];
            let request = super::messages::media_list_request(message, c.query)?;
            let messages = c.state.messages(&account, c.path)?;
            Ok(found(messages.media(&account, &request, c.path)?))
        },
    },
    Operation {
        id: "fetch_media_file",
        method: Method::GET,
        path: MEDIA_FILE,
        run: |c| {
            let [account, message, file] = [c.sids[0], c.sids[1], c.sids[2]];
            let messages = c.state.messages(&account, c.path)?;
            Ok(found(
                messages.media_file(&account, &message, &file, c.path)?,
            ))
        },
    },
    Operation {
        id: "remove_media_file",
        method: Method::DELETE,
        path: MEDIA_FILE,
        run: |c| {
            let [account, message, file] = [c.sids[0], c.sids[1], c.sids[2]];
            let (messages, _, _) = c.state.messages_mut(&account, c.path)?;
            messages.remove_media_file(&message, &file, c.path)?;
            Ok(gone())
        },
    },
    Operation {
        id: "list_calls",
        method: Method::GET,
        path: CALLS,
        run: |c| {
            let request = super::calls::list_request(c.query)?;
            let account = c.sids[0];
            let calls = c.state.calls(&account, c.path)?;
            Ok(found(calls.list(&account, &request)))
        },
    },
    Operation {
        id: "create_call",
        method: Method::POST,
        path: CALLS,
        run: |c| {
            let account = c.sids[0];
            let sid = super::store::random_sid();
            let (calls, tables) = c.state.calls_mut(&account, c.path)?;
            // SignalWire answers a call it will not place with a list of errors.
            let (created, events) = calls
                .create(&account, c.body, sid, c.now, c.allow_remote, Some(tables))
                .map_err(|r| if r.status == 400 { r.listed() } else { r })?;
            c.pending = events;
            c.wake.push(sid);
            Ok(Answer {
                response: ok(StatusCode::OK, created),
                change: true,
            })
        },
    },
    Operation {
        id: "fetch_call",
        method: Method::GET,
        path: CALL,
        run: |c| {
            let [account, call] = [c.sids[0], c.sids[1]];
            Ok(found(
                c.state
                    .calls(&account, c.path)?
                    .fetch(&account, &call, c.path)?,
            ))
        },
    },
    Operation {
        id: "update_call",
        method: Method::POST,
        path: CALL,
        run: |c| {
            let [account, call] = [c.sids[0], c.sids[1]];
            let (calls, _) = c.state.calls_mut(&account, c.path)?;
            let (updated, events) =
                calls.update(&account, &call, c.body, c.now, c.allow_remote, c.path)?;
            // A dialed call sent to cXML of its own leaves its bridge and runs it.
            if calls.needs_runner(&call) {
                c.wake.push(call);
            }
            c.pending = events;
            Ok(changed(updated))
        },
    },
    Operation {
        id: "remove_call",
        method: Method::DELETE,
        path: CALL,
        run: |c| {
            let [account, call] = [c.sids[0], c.sids[1]];
            let (calls, _) = c.state.calls_mut(&account, c.path)?;
            calls.remove(&call, c.path)?;
            Ok(gone())
        },
    },
    Operation {
        id: "create_call_recording",
        method: Method::POST,
        path: CALL_RECORDINGS,
        run: |c| {
            let form: crate::api::generated::CallRecordingCreate =
                super::store::read_checked(c.body, false)?;
            let [account, call] = [c.sids[0], c.sids[1]];
            let live = c.state.calls(&account, c.path)?.is_live(&call);
            let live = live.ok_or_else(|| Refusal::not_found(c.path))?;
            let sid = super::store::random_sid();
            let all = c.state.recordings_mut(&account, c.path)?;
            let started = all
                .start_for_call(&account, &call, live, form, sid, c.now)
                .map_err(Refusal::plain)?;
            Ok(Answer {
                response: ok(StatusCode::OK, started),
                change: true,
            })
        },
    },
    Operation {
        id: "update_call_recording",
        method: Method::POST,
        path: CALL_RECORDING,
        run: |c| {
            let update = recordings::call_update_request(c.body).map_err(Refusal::plain)?;
            let [account, call, recording] = [c.sids[0], c.sids[1], c.sids[2]];
            c.state
                .calls(&account, c.path)?
                .is_live(&call)
                .ok_or_else(|| Refusal::not_found(c.path))?;
            let all = c.state.recordings_mut(&account, c.path)?;
            let (now, path) = (c.now, c.path);
            let updated = all.update(&account, Some(&call), &recording, update, now, path);
            Ok(changed(updated.map_err(Refusal::plain)?))
        },
    },
    Operation {
        id: "create_call_stream",
        method: Method::POST,
        path: CALL_STREAMS,
        run: |c| {
            let create = streams::create_request(c.body, true).map_err(Refusal::plain)?;
            let [account, call] = [c.sids[0], c.sids[1]];
            let live = c.state.calls(&account, c.path)?.is_live(&call);
            let live = live.ok_or_else(|| Refusal::not_found(c.path))?;
            let sid = (c.new_sid)();
            let all = c.state.streams_mut(&account, c.path)?;
            let created = all.create(&account, (&call, true), !live, create, sid, c.now);
            Ok(found(created.map_err(Refusal::plain)?))
        },
    },
    Operation {
        id: "update_call_stream",
        method: Method::POST,
        path: CALL_STREAM,
        run: |c| {
            streams::update_request(c.body)?;
            let [account, call, stream] = [c.sids[0], c.sids[1], c.sids[2]];
            c.state
                .calls(&account, c.path)?
                .is_live(&call)
                .ok_or_else(|| Refusal::not_found(c.path))?;
            let all = c.state.streams_mut(&account, c.path)?;
            let stopped = all.stop(&account, &call, &stream, c.now, c.path);
            let (stopped, event) = stopped.map_err(Refusal::plain)?;
            c.pending.extend(event);
            Ok(changed(stopped))
        },
    },
    Operation {
        id: "list_conferences",
        method: Method::GET,
        path: CONFERENCES,
        run: |c| {
            let request = conferences::list_request(c.query)?;
            let account = c.sids[0];
            let listed = c
                .state
                .conferences(&account)
                .map(|all| all.list(&account, &request));
            Ok(found(listed.unwrap_or_default()))
        },
    },
    Operation {
        id: "fetch_conference",
        method: Method::GET,
        path: CONFERENCE,
        run: |c| {
            let [account, conference] = [c.sids[0], c.sids[1]];
            let fetched = c.state.conference(&account, &conference, c.path)?;
            Ok(found(fetched.fetch(&account)))
        },
    },
    Operation {
        id: "update_conference",
        method: Method::POST,
        path: CONFERENCE,
        run: |c| {
            let update = conferences::update_request(c.body)?;
            let [account, conference] = [c.sids[0], c.sids[1]];
            let (conf, people) = c.state.room_mut(&account, &conference, c.path)?;
            let (updated, events) = conf.update(people, &account, update, c.now)?;
            c.pending = events;
            Ok(changed(updated))
        },
    },
    Operation {
        id: "list_participants",
        method: Method::GET,
        path: PARTICIPANTS,
        run: |c| {
            let request = participants::list_request(c.query)?;
            let [account, conference] = [c.sids[0], c.sids[1]];
            let (_, people) = c.state.room(&account, &conference, c.path)?;
            Ok(found(people.list(&account, &conference, &request)))
        },
    },
    Operation {
        id: "fetch_participant",
        method: Method::GET,
        path: PARTICIPANT,
        run: |c| {
            let [account, conference, call] = [c.sids[0], c.sids[1], c.sids[2]];
            let (_, people) = c.state.room(&account, &conference, c.path)?;
            Ok(found(people.fetch(&account, &conference, &call, c.path)?))
        },
    },
    Operation {
        id: "update_participant",
        method: Method::POST,
        path: PARTICIPANT,
        run: |c| {
            let update = participants::update_request(c.body)?;
            let [account, conference, call] = [c.sids[0], c.sids[1], c.sids[2]];
            let (conf, people) = c.state.room_mut(&account, &conference, c.path)?;
            let (updated, events) =
                conf.update_participant(people, &account, &call, update, c.now, c.path)?;
            c.pending = events;
            Ok(changed(updated))
        },
    },
    Operation {
        id: "remove_participant",
        method: Method::DELETE,
        path: PARTICIPANT,
        run: |c| {
            let [account, conference, call] = [c.sids[0], c.sids[1], c.sids[2]];
            let (conf, people) = c.state.room_mut(&account, &conference, c.path)?;
            c.pending = conf.leave(
                people,
                &account,
                &call,
                conferences::Departure::Removed,
                c.now,
                c.path,
            )?;
            Ok(gone())
        },
    },
    Operation {
        id: "list_recordings",
        method: Method::GET,
        path: RECORDINGS,
        run: |c| {
            let request = recordings::list_request(c.query)?;
            let [account, conference] = [c.sids[0], c.sids[1]];
            c.state.conference(&account, &conference, c.path)?;
            let listed = c
                .state
                .recordings(&account)
                .map(|all| all.list(&account, Some(&conference), &request, c.now));
            Ok(found(listed.unwrap_or_default()))
        },
    },
    Operation {
        id: "fetch_recording",
        method: Method::GET,
        path: RECORDING,
        run: |c| {
            let [account, conference, recording] = [c.sids[0], c.sids[1], c.sids[2]];
            c.state.conference(&account, &conference, c.path)?;
            let all = c.state.recordings_mut(&account, c.path)?;
            Ok(found(all.fetch(
                &account,
                Some(&conference),
                &recording,
                c.now,
                c.path,
            )?))
        },
    },
    Operation {
        id: "update_recording",
        method: Method::POST,
        path: RECORDING,
        run: |c| {
            let update = recordings::update_request(c.body)?;
            let [account, conference, recording] = [c.sids[0], c.sids[1], c.sids[2]];
            c.state.conference(&account, &conference, c.path)?;
            let all = c.state.recordings_mut(&account, c.path)?;
            Ok(changed(all.update(
                &account,
                Some(&conference),
                &recording,
                update,
                c.now,
                c.path,
            )?))
        },
    },
    Operation {
        id: "remove_recording",
        method: Method::DELETE,
        path: RECORDING,
        run: |c| {
            let [account, conference, recording] = [c.sids[0], c.sids[1], c.sids[2]];
            c.state.conference(&account, &conference, c.path)?;
            let all = c.state.recordings_mut(&account, c.path)?;
            all.remove(&recording, Some(&conference), c.path)?;
            Ok(gone())
        },
    },
    Operation {
        id: "list_account_recordings",
        method: Method::GET,
        path: ACCOUNT_RECORDINGS,
        run: |c| {
            let request = recordings::account_list_request(c.query)?;
            let account = c.sids[0];
            let listed = c
                .state
                .recordings(&account)
                .map(|all| all.list(&account, None, &request, c.now));
            Ok(found(listed.unwrap_or_default()))
        },
    },
    Operation {
        id: "fetch_account_recording",
        method: Method::GET,
        path: ACCOUNT_RECORDING,
        run: |c| {
            let [account, recording] = [c.sids[0], c.sids[1]];
            let all = c.state.recordings_mut(&account, c.path)?;
            Ok(found(all.fetch(&account, None, &recording, c.now, c.path)?))
        },
    },
    Operation {
        id: "remove_account_recording",
        method: Method::DELETE,
        path: ACCOUNT_RECORDING,
        run: |c| {
            let [account, recording] = [c.sids[0], c.sids[1]];
            let all = c.state.recordings_mut(&account, c.path)?;
            all.remove(&recording, None, c.path)?;
            Ok(gone())
        },
    },
    Operation {
        id: "create_stream",
        method: Method::POST,
        path: STREAMS,
        run: |c| {
            let create = streams::create_request(c.body, false)?;
            let [account, conference] = [c.sids[0], c.sids[1]];
            let over = c.state.conference(&account, &conference, c.path)?.is_over();
            let sid = (c.new_sid)();
            let all = c.state.streams_mut(&account, c.path)?;
            Ok(found(all.create(
                &account,
                (&conference, false),
                over,
                create,
                sid,
                c.now,
            )?))
        },
    },
    Operation {
        id: "update_stream",
        method: Method::POST,
        path: STREAM,
        run: |c| {
            streams::update_request(c.body)?;
            let [account, conference, stream] = [c.sids[0], c.sids[1], c.sids[2]];
            c.state.conference(&account, &conference, c.path)?;
            let all = c.state.streams_mut(&account, c.path)?;
            let (stopped, event) = all.stop(&account, &conference, &stream, c.now, c.path)?;
            c.pending.extend(event);
            Ok(changed(stopped))
        },
    },
];

/// A search of the numbers to buy, less those any project has.
fn search(c: &mut Call<'_>, kind: super::available_numbers::Kind) -> Result<Answer, Refusal> {
    let state = &*c.state;
    let taken = |number: &str| state.number_taken(number);
    Ok(found(super::available_numbers::search(
        c.path, kind, c.query, &taken,
    )?))
}

/// The SIDs `segments` names if it has the shape of `pattern`.
fn sids_of(pattern: &[&str], segments: &[&str]) -> Option<Vec<Uuid>> {
    if pattern.len() != segments.len() {
        return None;
    }
    let mut sids = Vec::new();
    for (want, got) in pattern.iter().zip(segments) {
        if *want == "*" {
            sids.push(Uuid::try_parse(got).ok()?);
        } else if *want == "?" {
            // Text the operation reads from its path (a country code).
            if got.is_empty() {
                return None;
            }
        } else if want != got {
            return None;
        }
    }
    Some(sids)
}

/// What a path names: the operations at that path and the SIDs in it; `None` when no
/// operation of the table is at that path (malformed SIDs included).
pub(crate) fn lookup(segments: &[&str]) -> Option<(Vec<&'static Operation>, Vec<Uuid>)> {
    let mut sids = None;
    let here: Vec<&'static Operation> = OPERATIONS
        .iter()
        .filter(|op| match sids_of(op.path, segments) {
            Some(found) => {
                sids = Some(found);
                true
            }
            None => false,
        })
        .collect();
    Some((here, sids?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_one_operation_a_method() {
        for op in OPERATIONS {
            let same: Vec<_> = OPERATIONS
                .iter()
                .filter(|o| o.path == op.path && o.method == op.method)
                .map(|o| o.id)
                .collect();
            assert_eq!(same, [op.id], "{} {:?}", op.method, op.path);
        }
    }

    #[test]
    fn every_operation_is_the_specs() {
        let spec = include_str!("../../openapi/compatibility.yaml");
        for op in OPERATIONS {
            assert!(
                spec.contains(&format!("operationId: {}\n", op.id)),
                "{} is not an operation of the spec",
                op.id
            );
        }
    }
}
