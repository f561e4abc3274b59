//! The data an emulator starts with: the demo space, or the caller's own.

use serde::{Deserialize, Serialize};
use uuid::{Uuid, uuid};

/// The data an emulator starts with: projects (each with its credentials), their conferences
/// and the participants in them.
///
/// Build one in code, or read it from JSON (the shape the `--seed` option of the command-line
/// tool takes); [`Seed::check`] says whether it can start an emulator:
///
/// ```
/// use signalwire_compat::emulator::Seed;
///
/// let seed: Seed = serde_json::from_str(r#"{
///   "projects": [{
///     "project_id": "6a0f0c1e-3b5d-4c8e-9f10-2a3b4c5d6e7f",
///     "api_token": "PTlocal-test-token",
///     "conferences": [{
///       "sid": "cf000000-0000-4000-8000-0000000000aa",
///       "participants": [
///         {"call_sid": "ca000000-0000-4000-8000-0000000000a1", "muted": true},
///         {"call_sid": "ca000000-0000-4000-8000-0000000000a2"}
///       ]
///     }]
///   }]
/// }"#).unwrap();
/// assert_eq!(seed.projects[0].conferences[0].participants.len(), 2);
/// assert!(seed.check().is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// The projects the emulator serves; the first is the one [`Emulator::client`] uses.
    ///
    /// [`Emulator::client`]: super::Emulator::client
    pub projects: Vec<SeedProject>,
}

/// A project: its credentials and its conferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProject {
    /// The project ID, which is also the account SID in paths.
    pub project_id: Uuid,
    /// The API token the emulator accepts for this project.
    pub api_token: String,
    /// The Signing Key the emulator signs this project's webhooks with;
    /// `PSKemulator-{project_id}` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
    /// The project's conferences.
    #[serde(default)]
    pub conferences: Vec<SeedConference>,
    /// The project's phone numbers (where an inbound call goes), and rules for numbers it
    /// calls; none when not given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<SeedNumber>,
}

/// A phone number of the project, or one it calls: what runs when a call comes in to it, and
/// what it does when called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedNumber {
    /// The number (`+15551234567`).
    pub number: String,
    /// Where a call that comes in to it asks for cXML; a number without one takes no calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_url: Option<String>,
    /// `GET` or `POST` (the default) for `voice_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_method: Option<String>,
    /// What it does when the project calls it; a person answering when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<super::NumberBehavior>,
}

impl SeedNumber {
    /// A number whose inbound calls ask `voice_url` (by `POST`) for cXML.
    pub fn new(number: impl Into<String>, voice_url: impl Into<String>) -> Self {
        Self {
            number: number.into(),
            voice_url: Some(voice_url.into()),
            voice_method: None,
            behavior: None,
        }
    }

    /// A number the project calls, which does what `behavior` says.
    pub fn called(number: impl Into<String>, behavior: super::NumberBehavior) -> Self {
        Self {
            number: number.into(),
            voice_url: None,
            voice_method: None,
            behavior: Some(behavior),
        }
    }

    fn check(&self, project: &Uuid) -> Result<(), String> {
        let n = &self.number;
        super::numbers::check_number(n)
            .map_err(|_| format!("project {project} has a number {n:?} that is not one"))?;
        if let Some(url) = &self.voice_url {
            let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if !ok {
                return Err(format!(
                    "number {n}'s voice_url {url:?} is not an http or https URL"
                ));
            }
        }
        if let Some(m) = &self.voice_method
            && !m.eq_ignore_ascii_case("GET")
            && !m.eq_ignore_ascii_case("POST")
        {
            return Err(format!(
                "number {n}'s voice_method {m:?} is not GET or POST"
            ));
        }
        if let Some(b) = &self.behavior {
            b.check()
                .map_err(|e| format!("number {n}'s behavior: {e}"))?;
        }
        Ok(())
    }
}

/// A conference and the participants in it, in the order they joined. Only `sid` is
/// required: a seed written before conferences had names, statuses and dates still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedConference {
    /// The conference SID.
    pub sid: Uuid,
    /// The room's name (up to 64 characters); the SID's text when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// `init`, `in-progress` or `completed`; `in-progress` when not given. A completed
    /// conference has no participants.
    #[serde(default = "in_progress")]
    pub status: String,
    /// Where its audio is mixed; `us1` when not given.
    #[serde(default = "us1")]
    pub region: String,
    /// When it was created, as RFC 2822 text; the emulator's start time when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    /// The participants, in the order they joined (the order listings use).
    #[serde(default)]
    pub participants: Vec<SeedParticipant>,
    /// The recordings, in the order they started; none when not given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recordings: Vec<SeedRecording>,
    /// Where its status callbacks go, as its first participant's cXML would set them; none
    /// when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_callback: Option<super::StatusCallback>,
}

/// A recording of a conference as the emulator starts with it. Only `sid` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRecording {
    /// The recording's SID.
    pub sid: Uuid,
    /// Its status (one SignalWire documents); `in-progress` when not given. A completed
    /// conference's recordings are over (`completed`, `absent` or `stopped`).
    #[serde(default = "in_progress")]
    pub status: String,
    /// How it was started; `StartConferenceRecording` when not given.
    #[serde(default = "api_source")]
    pub source: String,
    /// `1` or `2`; `1` when not given.
    #[serde(default = "mono")]
    pub channels: String,
    /// When it started, as RFC 2822 text; the emulator's start time when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    /// For a recording that is over, how long it ran, in seconds; 0 when not given.
    #[serde(default)]
    pub duration: u32,
}

impl SeedRecording {
    /// A recording in progress, started by the API.
    pub fn new(sid: Uuid) -> Self {
        Self {
            sid,
            status: in_progress(),
            source: api_source(),
            channels: mono(),
            date_created: None,
            duration: 0,
        }
    }
}

fn api_source() -> String {
    "StartConferenceRecording".to_owned()
}

fn mono() -> String {
    "1".to_owned()
}

impl SeedConference {
    /// An empty conference in progress, named by its SID.
    pub fn new(sid: Uuid) -> Self {
        Self {
            sid,
            friendly_name: None,
            status: in_progress(),
            region: us1(),
            date_created: None,
            participants: Vec::new(),
            recordings: Vec::new(),
            status_callback: None,
        }
    }
}

/// A participant as the emulator starts with it. Only `call_sid` is required.
///
/// One in the room (`in-progress`, the default, or `connected`) is also a call in progress,
/// `inbound` to [`SEATED_LINE`](super::SEATED_LINE), running `<Dial><Conference>` with the
/// room's name and this participant's attributes: taken out of the room, its call goes on
/// after the `<Dial>` and ends; hanging the call up takes it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedParticipant {
    /// The participant's call SID.
    pub call_sid: Uuid,
    /// Whether it is muted.
    #[serde(default)]
    pub muted: bool,
    /// Whether it is on hold.
    #[serde(default)]
    pub hold: bool,
    /// The call it coaches, if any (which makes it coaching).
    #[serde(default)]
    pub call_sid_to_coach: Option<Uuid>,
    /// Whether the conference ends when it leaves.
    #[serde(default)]
    pub end_conference_on_exit: bool,
    /// Whether the conference started when it entered.
    #[serde(default = "yes")]
    pub start_conference_on_enter: bool,
    /// Its call status; `in-progress` when not given.
    #[serde(default = "in_progress")]
    pub status: String,
    /// When it joined, as RFC 2822 text; the emulator's start time when not given.
    #[serde(default)]
    pub date_created: Option<String>,
}

/// Why a seed cannot start an emulator: it names the project, conference or participant at
/// fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidSeed {
    reason: String,
}

impl std::fmt::Display for InvalidSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for InvalidSeed {}

impl Seed {
    /// Checks that the seed describes a space that can exist: at least one project; no
    /// project ID twice (the second's credentials could never work); no empty API token; no
    /// conference SID twice, in any project; a known conference status, and no participants
    /// in a completed conference; names of at most 64 characters; no call twice in a
    /// conference, and no call in the rooms of two conferences of a project; a coached call
    /// that is another participant of the same conference; dates that can be read.
    ///
    /// [`EmulatorBuilder::start`](super::EmulatorBuilder::start) refuses a seed that fails.
    pub fn check(&self) -> Result<(), InvalidSeed> {
        let fail = |reason: String| Err(InvalidSeed { reason });
        if self.projects.is_empty() {
            return fail("the seed has no project".into());
        }
        let mut projects = std::collections::HashSet::new();
        let mut conferences = std::collections::HashSet::new();
        let mut recordings = std::collections::HashSet::new();
        for project in &self.projects {
            let id = project.project_id;
            if !projects.insert(id) {
                return fail(format!("project {id} appears twice"));
            }
            if project.api_token.is_empty() {
                return fail(format!("project {id} has an empty api_token"));
            }
            if project.signing_key.as_deref() == Some("") {
                return fail(format!("project {id} has an empty signing_key"));
            }
            let mut numbers = std::collections::HashSet::new();
            for number in &project.numbers {
                if !numbers.insert(number.number.as_str()) {
                    return fail(format!("project {id} has number {} twice", number.number));
                }
                number.check(&id).map_err(|reason| InvalidSeed { reason })?;
            }
            // A call is in one room at a time: each in-room participant is a call.
            let mut seated = std::collections::HashMap::new();
            for conference in &project.conferences {
                let sid = conference.sid;
                for p in conference.participants.iter().filter(|p| p.is_seated()) {
                    if let Some(first) = seated.insert(p.call_sid, sid)
                        && first != sid
                    {
                        return fail(format!(
                            "call {} is in conferences {first} and {sid}; a call is in one conference at a time",
                            p.call_sid
                        ));
                    }
                }
                if !conferences.insert(sid) {
                    return fail(format!("conference {sid} appears twice"));
                }
                conference
                    .check()
                    .map_err(|reason| InvalidSeed { reason })?;
                for r in &conference.recordings {
                    if !recordings.insert(r.sid) {
                        return fail(format!("recording {} appears twice", r.sid));
                    }
                }
            }
        }
        Ok(())
    }
}

fn us1() -> String {
    "us1".to_owned()
}

fn yes() -> bool {
    true
}

fn in_progress() -> String {
    "in-progress".to_owned()
}

impl SeedParticipant {
    /// Whether it is in the room (`in-progress` or `connected`): such a participant is a
    /// call in progress running `<Dial><Conference>`; one in another status is a
    /// participant only.
    pub(crate) fn is_seated(&self) -> bool {
        matches!(self.status.as_str(), "in-progress" | "connected")
    }

    /// An unmuted, active participant that is not on hold.
    pub fn new(call_sid: Uuid) -> Self {
        Self {
            call_sid,
            muted: false,
            hold: false,
            call_sid_to_coach: None,
            end_conference_on_exit: false,
            start_conference_on_enter: true,
            status: in_progress(),
            date_created: None,
        }
    }
}

/// The demo space every emulator starts with unless given a [`Seed`]: fixed identifiers, so
/// that examples, documentation and tests can name them.
pub mod demo {
    use super::*;

    /// The demo project's ID.
    pub const PROJECT_ID: Uuid = uuid!("a1b2c3d4-0000-4000-8000-00000000000a");
    /// The demo project's API token. It only opens the emulator.
    pub const API_TOKEN: &str = "PTemulator-demo-token";
    /// The demo project's Signing Key, which signs its webhooks.
    pub const SIGNING_KEY: &str = "PSKemulator-demo-signing-key";
    /// The demo conference, "Daily standup", in progress: six participants in several
    /// states.
    pub const CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-000000000001");
    /// The demo conference's name.
    pub const CONFERENCE_NAME: &str = "Daily standup";
    /// A second, smaller conference in progress, "Design review".
    pub const SMALL_CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-000000000002");
    /// Yesterday's "Daily standup", completed: a name shared with a conference in progress.
    pub const ENDED_CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-000000000003");
    /// "Town hall", created and waiting for its first participant (`init`).
    pub const WAITING_CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-000000000004");
    /// The call SIDs of the demo conference's participants, in the order they joined.
    pub const CALL_SIDS: [Uuid; 6] = [
        uuid!("ca000000-0000-4000-8000-000000000001"),
        uuid!("ca000000-0000-4000-8000-000000000002"),
        uuid!("ca000000-0000-4000-8000-000000000003"),
        uuid!("ca000000-0000-4000-8000-000000000004"),
        uuid!("ca000000-0000-4000-8000-000000000005"),
        uuid!("ca000000-0000-4000-8000-000000000006"),
    ];
    /// The demo conference's recording, in progress.
    pub const RECORDING_SID: Uuid = uuid!("7e000000-0000-4000-8000-000000000001");
    /// Yesterday's "Daily standup" recording, completed.
    pub const ENDED_RECORDING_SID: Uuid = uuid!("7e000000-0000-4000-8000-000000000002");
    /// "Design review"'s recording, paused.
    pub const PAUSED_RECORDING_SID: Uuid = uuid!("7e000000-0000-4000-8000-000000000003");
    /// A second project, whose data the demo project's credentials never reach.
    pub const OTHER_PROJECT_ID: Uuid = uuid!("b2c3d4e5-0000-4000-8000-00000000000b");
    /// The second project's API token.
    pub const OTHER_API_TOKEN: &str = "PTemulator-other-token";
    /// The second project's conference.
    pub const OTHER_CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-0000000000b1");

    /// The demo data.
    pub fn seed() -> Seed {
        // The day of the week comes from the date, so that the text is a true RFC 2822 date.
        let at = |day: u32, minute: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, day)
                .and_then(|d| d.and_hms_opt(10, minute, 0))
                .map(|t| crate::time::format_rfc2822(&t.and_utc().fixed_offset()))
        };
        let [a, b, c, d, e, f] = CALL_SIDS;
        let participant = |call_sid, minute| SeedParticipant {
            date_created: at(25, minute),
            ..SeedParticipant::new(call_sid)
        };
        let conference = |sid, name: &str, day, participants| SeedConference {
            friendly_name: Some(name.to_owned()),
            date_created: at(day, 0),
            participants,
            ..SeedConference::new(sid)
        };
        Seed {
            projects: vec![
                SeedProject {
                    project_id: PROJECT_ID,
                    api_token: API_TOKEN.to_owned(),
                    signing_key: Some(SIGNING_KEY.to_owned()),
                    numbers: Vec::new(),
                    conferences: vec![
                        SeedConference {
                            status: "completed".into(),
                            recordings: vec![SeedRecording {
                                status: "completed".into(),
                                date_created: at(24, 1),
                                duration: 1800,
                                ..SeedRecording::new(ENDED_RECORDING_SID)
                            }],
                            ..conference(ENDED_CONFERENCE_SID, CONFERENCE_NAME, 24, vec![])
                        },
                        SeedConference {
                            recordings: vec![SeedRecording {
                                date_created: at(25, 6),
                                ..SeedRecording::new(RECORDING_SID)
                            }],
                            ..conference(
                                CONFERENCE_SID,
                                CONFERENCE_NAME,
                                25,
                                vec![
                                    SeedParticipant {
                                        end_conference_on_exit: true,
                                        ..participant(a, 0)
                                    },
                                    SeedParticipant {
                                        muted: true,
                                        ..participant(b, 1)
                                    },
                                    SeedParticipant {
                                        hold: true,
                                        ..participant(c, 2)
                                    },
                                    SeedParticipant {
                                        muted: true,
                                        hold: true,
                                        ..participant(d, 3)
                                    },
                                    SeedParticipant {
                                        call_sid_to_coach: Some(a),
                                        start_conference_on_enter: false,
                                        ..participant(e, 4)
                                    },
                                    SeedParticipant {
                                        start_conference_on_enter: false,
                                        ..participant(f, 5)
                                    },
                                ],
                            )
                        },
                        SeedConference {
                            recordings: vec![SeedRecording {
                                status: "paused".into(),
                                channels: "2".into(),
                                date_created: at(25, 12),
                                ..SeedRecording::new(PAUSED_RECORDING_SID)
                            }],
                            ..conference(
                                SMALL_CONFERENCE_SID,
                                "Design review",
                                25,
                                vec![
                                    participant(uuid!("ca000000-0000-4000-8000-000000000011"), 10),
                                    participant(uuid!("ca000000-0000-4000-8000-000000000012"), 11),
                                ],
                            )
                        },
                        SeedConference {
                            status: "init".into(),
                            ..conference(WAITING_CONFERENCE_SID, "Town hall", 25, vec![])
                        },
                    ],
                },
                SeedProject {
                    project_id: OTHER_PROJECT_ID,
                    api_token: OTHER_API_TOKEN.to_owned(),
                    signing_key: None,
                    numbers: Vec::new(),
                    conferences: vec![conference(
                        OTHER_CONFERENCE_SID,
                        "Other project's call",
                        25,
                        vec![participant(
                            uuid!("ca000000-0000-4000-8000-0000000000b1"),
                            20,
                        )],
                    )],
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(change: impl FnOnce(&mut Seed)) -> String {
        let mut seed = demo::seed();
        change(&mut seed);
        seed.check().unwrap_err().to_string()
    }

    #[test]
    fn the_demo_seed_is_valid() {
        demo::seed().check().unwrap();
    }

    #[test]
    fn a_seed_that_cannot_exist_is_refused_naming_what_is_wrong() {
        assert_eq!(reason(|s| s.projects.clear()), "the seed has no project");
        assert_eq!(
            reason(|s| {
                let call = s.projects[0].conferences[1].participants[0].clone();
                s.projects[0].conferences[2].participants.push(call);
            }),
            format!(
                "call {} is in conferences {} and {}; a call is in one conference at a time",
                demo::CALL_SIDS[0],
                demo::CONFERENCE_SID,
                demo::SMALL_CONFERENCE_SID
            )
        );
        assert_eq!(
            reason(|s| s.projects[1].project_id = demo::PROJECT_ID),
            format!("project {} appears twice", demo::PROJECT_ID)
        );
        assert_eq!(
            reason(|s| s.projects[0].api_token.clear()),
            format!("project {} has an empty api_token", demo::PROJECT_ID)
        );
        assert_eq!(
            reason(|s| s.projects[1].conferences[0].sid = demo::CONFERENCE_SID),
            format!("conference {} appears twice", demo::CONFERENCE_SID)
        );
        assert_eq!(
            reason(|s| s.projects[0].conferences[2].sid = demo::CONFERENCE_SID),
            format!("conference {} appears twice", demo::CONFERENCE_SID)
        );
        assert!(
            reason(|s| s.projects[0].conferences[0].status = "over".into())
                .contains("has status \"over\"")
        );
        assert!(
            reason(|s| s.projects[0].conferences[1].status = "completed".into())
                .contains("is completed but has participants")
        );
        assert!(
            reason(|s| s.projects[0].conferences[0].friendly_name = Some("x".repeat(65)))
                .contains("over 64 characters")
        );
        assert_eq!(
            reason(|s| s.projects[0].conferences[1].participants[1].call_sid = demo::CALL_SIDS[0]),
            format!(
                "call {} appears twice in conference {}",
                demo::CALL_SIDS[0],
                demo::CONFERENCE_SID
            )
        );
        assert!(
            reason(
                |s| s.projects[0].conferences[1].participants[0].date_created =
                    Some("yesterday".into())
            )
            .contains("has date_created \"yesterday\"")
        );
        let lone = |s: &mut Seed| {
            s.projects[0].conferences[1].participants[0].call_sid_to_coach =
                Some(demo::OTHER_CONFERENCE_SID)
        };
        assert!(reason(lone).contains("which is not another participant"));
        let itself = |s: &mut Seed| {
            s.projects[0].conferences[1].participants[0].call_sid_to_coach =
                Some(demo::CALL_SIDS[0])
        };
        assert!(reason(itself).contains("which is not another participant"));
    }
}
