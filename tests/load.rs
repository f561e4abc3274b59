//! The emulator under load: 64 concurrent clients send 10,000 mixed requests. None may fail
//! unexpectedly, no update may be lost, and no project may see another's data.
//!
//! The figures (requests, concurrency, errors, duration) are printed; see them with
//! `cargo test --all-features --test load -- --nocapture`.

#![cfg(feature = "emulator")]

use std::{sync::Arc, time::Instant};

use futures_util::TryStreamExt as _;
use signalwire_compat::{
    Client, RetryPolicy,
    emulator::{Emulator, Seed, SeedConference, SeedParticipant, SeedProject},
};
use uuid::Uuid;

const CLIENTS: usize = 64;
const REQUESTS: usize = 10_000;

/// A small deterministic generator, one per client, so that runs are repeatable.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[derive(Default, Debug)]
struct Tally {
    requests: usize,
    expected_refusals: usize,
    unexpected: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_ten_thousand_requests_nothing_lost() {
    let project = Uuid::from_u128(0x1000);
    let other_project = Uuid::from_u128(0x2000);
    let conference = Uuid::from_u128(0x3000);
    let shared = Uuid::from_u128(0x4000);
    let owned: Vec<Uuid> = (0..CLIENTS as u128)
        .map(|i| Uuid::from_u128(0x5000 + i))
        .collect();
    let mut participants: Vec<SeedParticipant> =
        owned.iter().map(|c| SeedParticipant::new(*c)).collect();
    participants.push(SeedParticipant::new(shared));
    let seed = Seed {
        projects: vec![
            SeedProject {
                project_id: project,
                api_token: "load-token".into(),
                signing_key: None,
                numbers: Vec::new(),
                conferences: vec![SeedConference {
                    sid: conference,
                    participants,
                    ..SeedConference::new(conference)
                }],
            },
            SeedProject {
                project_id: other_project,
                api_token: "other-token".into(),
                signing_key: None,
                numbers: Vec::new(),
                conferences: vec![],
            },
        ],
    };
    let emulator = Arc::new(Emulator::builder().seed(seed).start().await.unwrap());
    let client_for = |project: Uuid, token: &str| -> Client {
        emulator
            .client_builder()
            .project_id(project.to_string())
            .api_token(token)
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, mine) in owned.iter().copied().enumerate() {
        // Each client has its own connection pool, as separate programs would.
        let client = client_for(project, "load-token");
        let intruder = client_for(other_project, "other-token");
        let share = REQUESTS / CLIENTS + usize::from(i < REQUESTS % CLIENTS);
        tasks.spawn(async move {
            let mut rng = Lcg(i as u64 + 1);
            let mut tally = Tally::default();
            let (mut muted, mut hold) = (false, false);
            let room = client.conference(conference);
            let me = room.participant(mine);
            for n in 0..share {
                tally.requests += 1;
                let outcome: Result<(), String> = match rng.next() % 10 {
                    0..=3 => {
                        // Write my own participant, remembering what I wrote.
                        let (m, h) = (rng.next().is_multiple_of(2), rng.next().is_multiple_of(2));
                        match me.update().muted(m).hold(h).send().await {
                            Ok(p) if p.muted == m && p.hold == h => {
                                (muted, hold) = (m, h);
                                Ok(())
                            }
                            Ok(p) => Err(format!("update answered {p:?}")),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                    4..=6 => match me.fetch().await {
                        Ok(p) if (p.muted, p.hold) == (muted, hold) => Ok(()),
                        Ok(p) => Err(format!(
                            "read {:?}, last wrote {:?}",
                            (p.muted, p.hold),
                            (muted, hold)
                        )),
                        Err(e) => Err(e.to_string()),
                    },
                    7 => room
                        .participants()
                        .list()
                        .page_size(20)
                        .send()
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string()),
                    8 => {
                        // Changes to the shared participant only ever set a field to true.
                        let update = room.participant(shared).update();
                        let update = match n % 3 {
                            0 => update.muted(true),
                            1 => update.hold(true),
                            _ => update.end_conference_on_exit(true),
                        };
                        update.send().await.map(drop).map_err(|e| e.to_string())
                    }
                    _ => {
                        // Another project's credentials never reach this project's data.
                        match intruder
                            .conference(conference)
                            .participant(mine)
                            .fetch()
                            .await
                        {
                            Err(e) if e.is_not_found() => {
                                tally.expected_refusals += 1;
                                Ok(())
                            }
                            Ok(p) => Err(format!("another project read {p:?}")),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                };
                if let Err(e) = outcome {
                    tally.unexpected.push(e);
                }
            }
            (mine, muted, hold, tally)
        });
    }

    let mut total = Tally::default();
    let mut last_written = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (mine, muted, hold, tally) = done.unwrap();
        total.requests += tally.requests;
        total.expected_refusals += tally.expected_refusals;
        total.unexpected.extend(tally.unexpected);
        last_written.push((mine, muted, hold));
    }
    let elapsed = started.elapsed();
    eprintln!(
        "load: {} requests from {CLIENTS} concurrent clients in {:.2} s ({:.0} requests/s), {} unexpected errors, {} expected refusals to another project",
        total.requests,
        elapsed.as_secs_f64(),
        total.requests as f64 / elapsed.as_secs_f64(),
        total.unexpected.len(),
        total.expected_refusals,
    );
    assert_eq!(total.requests, REQUESTS);
    assert!(
        total.unexpected.is_empty(),
        "{:?}",
        &total.unexpected[..total.unexpected.len().min(5)]
    );
    assert!(total.expected_refusals > 0);

    // No update was lost: every participant holds what its only writer wrote last, and the
    // shared one has every change, since none was undone.
    let reader = client_for(project, "load-token");
    let everyone: Vec<_> = reader
        .conference(conference)
        .participants()
        .list()
        .page_size(1000)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(everyone.len(), CLIENTS + 1);
    for (mine, muted, hold) in last_written {
        let p = everyone
            .iter()
            .find(|p| p.call_sid.uuid() == Some(mine))
            .unwrap();
        assert_eq!((p.muted, p.hold), (muted, hold), "{mine}");
    }
    let s = everyone
        .iter()
        .find(|p| p.call_sid.uuid() == Some(shared))
        .unwrap();
    assert!(s.muted && s.hold && s.end_conference_on_exit, "{s:?}");
}
