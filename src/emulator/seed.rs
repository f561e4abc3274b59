//! The data an emulator starts with: the demo space, or the caller's own.

use serde::{Deserialize, Serialize};
use uuid::{Uuid, uuid};

/// The data an emulator starts with: projects (each with its credentials), their conferences
/// and the participants in them.
///
/// Build one in code, or read it from JSON (the shape the `--seed` option of the command-line
/// tool takes):
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
    /// The project's conferences.
    #[serde(default)]
    pub conferences: Vec<SeedConference>,
}

/// A conference and the participants in it, in the order they joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedConference {
    /// The conference SID.
    pub sid: Uuid,
    /// The participants, in the order they joined (the order listings use).
    #[serde(default)]
    pub participants: Vec<SeedParticipant>,
}

/// A participant as the emulator starts with it. Only `call_sid` is required.
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

fn yes() -> bool {
    true
}

fn in_progress() -> String {
    "in-progress".to_owned()
}

impl SeedParticipant {
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
    /// The demo conference: six participants in several states.
    pub const CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-000000000001");
    /// A second, smaller conference of the demo project.
    pub const SMALL_CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-000000000002");
    /// The call SIDs of the demo conference's participants, in the order they joined.
    pub const CALL_SIDS: [Uuid; 6] = [
        uuid!("ca000000-0000-4000-8000-000000000001"),
        uuid!("ca000000-0000-4000-8000-000000000002"),
        uuid!("ca000000-0000-4000-8000-000000000003"),
        uuid!("ca000000-0000-4000-8000-000000000004"),
        uuid!("ca000000-0000-4000-8000-000000000005"),
        uuid!("ca000000-0000-4000-8000-000000000006"),
    ];
    /// A second project, whose data the demo project's credentials never reach.
    pub const OTHER_PROJECT_ID: Uuid = uuid!("b2c3d4e5-0000-4000-8000-00000000000b");
    /// The second project's API token.
    pub const OTHER_API_TOKEN: &str = "PTemulator-other-token";
    /// The second project's conference.
    pub const OTHER_CONFERENCE_SID: Uuid = uuid!("cf000000-0000-4000-8000-0000000000b1");

    /// The demo data.
    pub fn seed() -> Seed {
        let at = |minute: u32| Some(format!("Wed, 25 Nov 2026 10:{minute:02}:00 +0000"));
        let [a, b, c, d, e, f] = CALL_SIDS;
        let participant = |call_sid, minute| SeedParticipant {
            date_created: at(minute),
            ..SeedParticipant::new(call_sid)
        };
        Seed {
            projects: vec![
                SeedProject {
                    project_id: PROJECT_ID,
                    api_token: API_TOKEN.to_owned(),
                    conferences: vec![
                        SeedConference {
                            sid: CONFERENCE_SID,
                            participants: vec![
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
                        },
                        SeedConference {
                            sid: SMALL_CONFERENCE_SID,
                            participants: vec![
                                participant(uuid!("ca000000-0000-4000-8000-000000000011"), 10),
                                participant(uuid!("ca000000-0000-4000-8000-000000000012"), 11),
                            ],
                        },
                    ],
                },
                SeedProject {
                    project_id: OTHER_PROJECT_ID,
                    api_token: OTHER_API_TOKEN.to_owned(),
                    conferences: vec![SeedConference {
                        sid: OTHER_CONFERENCE_SID,
                        participants: vec![participant(
                            uuid!("ca000000-0000-4000-8000-0000000000b1"),
                            20,
                        )],
                    }],
                },
            ],
        }
    }
}
