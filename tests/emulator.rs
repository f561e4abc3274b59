//! The emulator over real loopback HTTP: driven by this crate's client, and by hand where the
//! client would refuse to send what is being tested.

#![cfg(feature = "emulator")]

mod support;

use std::time::Duration;

use futures_util::TryStreamExt as _;
use serde_json::Value;
use signalwire_compat::{
    ErrorKind, ParticipantStatus,
    emulator::{Emulator, Seed, SeedConference, SeedParticipant, SeedProject, demo},
};
use support::raw;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use uuid::Uuid;

fn listing(emulator: &Emulator, root: &str, conference: Uuid) -> String {
    format!(
        "http://{}{root}/Accounts/{}/Conferences/{conference}/Participants",
        emulator.addr(),
        emulator.project_id()
    )
}

async fn send(request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, headers, body)
}

fn demo_auth(r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    r.basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
}

#[tokio::test]
async fn the_participant_life_cycle_through_the_client() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let conference = client.conference(demo::CONFERENCE_SID);

    let all: Vec<_> = conference
        .participants()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    let sids: Vec<Uuid> = all.iter().map(|p| p.call_sid.uuid().unwrap()).collect();
    assert_eq!(sids, demo::CALL_SIDS);
    assert!(
        all.iter()
            .all(|p| p.status == ParticipantStatus::InProgress)
    );

    let alice = conference.participant(demo::CALL_SIDS[0]);
    let before = alice.fetch().await.unwrap();
    assert!(!before.muted);

    let muted = alice.update().muted(true).send().await.unwrap();
    assert!(muted.muted);
    assert!(
        muted.date_updated > before.date_updated,
        "date_updated moves"
    );
    assert_eq!(muted.date_created, before.date_created);
    assert!(
        alice.fetch().await.unwrap().muted,
        "the change is visible to the next read"
    );

    let held = alice
        .update()
        .hold(true)
        .hold_url("https://example.com/hold.xml")
        .send()
        .await
        .unwrap();
    assert!(held.hold && held.muted);

    let coach = conference.participant(demo::CALL_SIDS[5]);
    let coaching = coach
        .update()
        .coach(demo::CALL_SIDS[0])
        .send()
        .await
        .unwrap();
    assert!(coaching.coaching);
    assert_eq!(
        coaching.call_sid_to_coach.unwrap().uuid(),
        Some(demo::CALL_SIDS[0])
    );
    let stopped = coach.update().stop_coaching().send().await.unwrap();
    assert!(!stopped.coaching && stopped.call_sid_to_coach.is_none());

    alice.remove().await.unwrap();
    let gone = alice.fetch().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert_eq!(gone.code(), Some(20404));
    assert!(alice.remove().await.unwrap_err().is_not_found());
    assert!(
        alice
            .update()
            .muted(false)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    let left: Vec<_> = conference
        .participants()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(left.len(), 5);
    // Whoever coached the removed call coaches no one now.
    let e = conference
        .participant(demo::CALL_SIDS[4])
        .fetch()
        .await
        .unwrap();
    assert!(!e.coaching && e.call_sid_to_coach.is_none());
}

#[tokio::test]
async fn filters_and_pages() {
    let emulator = Emulator::start().await.unwrap();
    let conference = emulator.client().conference(demo::CONFERENCE_SID);
    let sids = |ps: Vec<signalwire_compat::Participant>| {
        ps.into_iter()
            .map(|p| p.call_sid.uuid().unwrap())
            .collect::<Vec<_>>()
    };
    let [a, b, c, d, e, f] = demo::CALL_SIDS;
    let muted = conference
        .participants()
        .list()
        .muted(true)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sids(muted), [b, d]);
    let held = conference
        .participants()
        .list()
        .hold(true)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sids(held), [c, d]);
    let neither = conference
        .participants()
        .list()
        .muted(false)
        .hold(false)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sids(neither), [a, e, f]);

    let pages: Vec<_> = conference
        .participants()
        .list()
        .page_size(4)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].items.len(), 4);
    assert_eq!(pages[1].items.len(), 2);
    assert_eq!((pages[0].page, pages[1].page), (Some(0), Some(1)));
    assert_eq!(pages[0].previous_page_uri, None);
    assert_eq!(pages[1].next_page_uri, None);
    let prefix = format!(
        "/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants?",
        demo::PROJECT_ID,
        demo::CONFERENCE_SID
    );
    for uri in [
        &pages[0].uri,
        &pages[0].first_page_uri,
        &pages[0].next_page_uri,
        &pages[1].previous_page_uri,
    ] {
        let uri = uri.as_deref().unwrap();
        assert!(uri.starts_with(&prefix), "{uri}");
    }

    // The previous page of the second page is the first page again.
    let (status, _, back) = send(demo_auth(raw().get(format!(
        "http://{}{}",
        emulator.addr(),
        pages[1].previous_page_uri.as_ref().unwrap()
    ))))
    .await;
    assert_eq!(status, 200);
    let back: Vec<&str> = back["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["call_sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        back,
        demo::CALL_SIDS[..4]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );

    // Page numbers without a token count from the start.
    let (_, _, third) = send(demo_auth(raw().get(format!(
        "{}?Page=2&PageSize=2",
        listing(&emulator, "/api/laml/2010-04-01", demo::CONFERENCE_SID)
    ))))
    .await;
    assert_eq!(third["participants"][0]["call_sid"], e.to_string());
    assert_eq!(third["next_page_uri"], Value::Null);
}

#[tokio::test]
async fn an_empty_filter_value_is_no_filter_and_an_empty_page_token_the_first_page() {
    let emulator = Emulator::start().await.unwrap();
    let base = format!(
        "http://{}/api/laml/2010-04-01/Accounts/{}/Conferences",
        emulator.addr(),
        emulator.project_id()
    );
    let participants = listing(&emulator, "/api/laml/2010-04-01", demo::CONFERENCE_SID);
    let recordings = format!("{base}/{}/Recordings", demo::CONFERENCE_SID);
    let cases = [
        (
            base.as_str(),
            "conferences",
            "FriendlyName=&Status=&DateCreated=&DateUpdated%3C=&DateCreated%3E=&PageToken=",
        ),
        (participants.as_str(), "participants", "PageToken="),
        (
            recordings.as_str(),
            "recordings",
            "DateCreated=&DateCreated%3C=&PageToken=",
        ),
    ];
    for (url, key, empty) in cases {
        let (status, _, plain) = send(demo_auth(raw().get(url))).await;
        assert_eq!(status, 200, "{url}");
        let (status, _, with_empty) = send(demo_auth(raw().get(format!("{url}?{empty}")))).await;
        assert_eq!(status, 200, "{url}?{empty}: {with_empty}");
        // The same items (by SID: an active recording's duration grows with the clock).
        let sids = |page: &Value| -> Vec<Value> {
            page[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item.get("sid").unwrap_or(&item["call_sid"]).clone())
                .collect()
        };
        assert_eq!(sids(&with_empty), sids(&plain), "{key}");
        // Each listing holds something, so that an empty filter that filtered would show.
        assert!(!plain[key].as_array().unwrap().is_empty(), "{key}");
    }
    // A value that is not empty is still read, and refused when malformed; a number or a
    // boolean has no empty form.
    for query in ["Status=bogus", "Page=", "PageSize="] {
        let (status, _, _) = send(demo_auth(raw().get(format!("{base}?{query}")))).await;
        assert_eq!(status, 400, "{query}");
    }
    for query in ["Muted=", "Hold="] {
        let (status, _, _) = send(demo_auth(raw().get(format!("{participants}?{query}")))).await;
        assert_eq!(status, 400, "{query}");
    }
    let (status, _, _) = send(demo_auth(raw().get(format!("{participants}?PageToken=XX")))).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_list_envelope_has_exactly_the_documented_keys() {
    let emulator = Emulator::start().await.unwrap();
    let url = format!(
        "{}?PageSize=2",
        listing(&emulator, "/api/laml/2010-04-01", demo::CONFERENCE_SID)
    );
    let (status, headers, body) = send(demo_auth(raw().get(url))).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "first_page_uri",
            "next_page_uri",
            "page",
            "page_size",
            "participants",
            "previous_page_uri",
            "uri"
        ]
    );
    let p = &body["participants"][0];
    let mut fields: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields.len(), 13, "{fields:?}");
    for date in [&p["date_created"], &p["date_updated"]] {
        let text = date.as_str().unwrap();
        let parsed = chrono::DateTime::parse_from_rfc2822(text).unwrap();
        assert_eq!(
            signalwire_compat::time::format_rfc2822(&parsed),
            text,
            "strict RFC 2822"
        );
    }
    insta::assert_json_snapshot!("demo_first_page", body);
}

#[tokio::test]
async fn the_helper_libraries_path_forms_are_served() {
    let emulator = Emulator::start().await.unwrap();
    let call = demo::CALL_SIDS[1];
    for root in ["/api/laml/2010-04-01", "/2010-04-01"] {
        for suffix in ["", ".json"] {
            let base = listing(&emulator, root, demo::CONFERENCE_SID);
            let (status, _, body) = send(demo_auth(raw().get(format!("{base}{suffix}")))).await;
            assert_eq!(status, 200, "{root} {suffix}");
            assert_eq!(body["participants"].as_array().unwrap().len(), 6);
            let (status, _, body) =
                send(demo_auth(raw().get(format!("{base}/{call}{suffix}")))).await;
            assert_eq!(status, 200);
            assert_eq!(body["call_sid"], call.to_string());
        }
    }
}

#[tokio::test]
async fn credentials_are_checked_on_every_route_and_projects_are_isolated() {
    let emulator = Emulator::start().await.unwrap();
    let one = format!(
        "{}/{}",
        listing(&emulator, "/api/laml/2010-04-01", demo::CONFERENCE_SID),
        demo::CALL_SIDS[0]
    );
    let unknown = format!("http://{}/nowhere", emulator.addr());
    for url in [&one, &unknown] {
        let (status, headers, body) = send(raw().get(url)).await;
        assert_eq!(status, 401, "{url}");
        assert_eq!(body["code"], 20003);
        assert_eq!(headers["www-authenticate"], "Basic realm=\"SignalWire\"");
        let (status, _, _) = send(raw().get(url).basic_auth(demo::PROJECT_ID, Some("wrong"))).await;
        assert_eq!(status, 401);
        let (status, _, _) = send(raw().get(url).bearer_auth(demo::API_TOKEN)).await;
        assert_eq!(status, 401);
    }

    // The other project's credentials do not open the demo project's data...
    let (status, _, body) = send(
        raw()
            .get(&one)
            .basic_auth(demo::OTHER_PROJECT_ID, Some(demo::OTHER_API_TOKEN)),
    )
    .await;
    assert_eq!((status, body["code"].as_i64()), (401, Some(20003)));
    // ...a client of the other project does not find the demo conference in its own account...
    let other = emulator
        .client_builder()
        .project_id(demo::OTHER_PROJECT_ID.to_string())
        .api_token(demo::OTHER_API_TOKEN)
        .build()
        .unwrap();
    let e = other
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert!(
        other
            .conference(demo::CONFERENCE_SID)
            .participant(demo::CALL_SIDS[0])
            .update()
            .muted(true)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        other
            .conference(demo::CONFERENCE_SID)
            .participant(demo::CALL_SIDS[0])
            .remove()
            .await
            .unwrap_err()
            .is_not_found()
    );
    // ...and its own data is there.
    let own: Vec<_> = other
        .conference(demo::OTHER_CONFERENCE_SID)
        .participants()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(own.len(), 1);
    // The demo data is untouched by all of that.
    assert!(
        !emulator
            .client()
            .conference(demo::CONFERENCE_SID)
            .participant(demo::CALL_SIDS[0])
            .fetch()
            .await
            .unwrap()
            .muted
    );

    let e = emulator
        .client_builder()
        .api_token("wrong")
        .build()
        .unwrap()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap_err();
    assert!(e.is_unauthorized());
    assert_eq!(e.code(), Some(20003));
}

#[tokio::test]
async fn refusals_are_json_with_the_right_status_and_code() {
    let emulator = Emulator::start().await.unwrap();
    let list = listing(&emulator, "/api/laml/2010-04-01", demo::CONFERENCE_SID);
    let one = format!("{list}/{}", demo::CALL_SIDS[0]);
    let form = |body: &str| {
        demo_auth(raw().post(&one))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
    };
    let cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
        (
            "PageSize=0",
            demo_auth(raw().get(format!("{list}?PageSize=0"))),
        ),
        (
            "PageSize=1001",
            demo_auth(raw().get(format!("{list}?PageSize=1001"))),
        ),
        (
            "Muted=maybe filter",
            demo_auth(raw().get(format!("{list}?Muted=maybe"))),
        ),
        (
            "PageToken without PA or PB",
            demo_auth(raw().get(format!("{list}?PageToken=XX1"))),
        ),
        (
            "PageToken not ours",
            demo_auth(raw().get(format!("{list}?PageToken=PAxyz"))),
        ),
        (
            "a misspelt filter",
            demo_auth(raw().get(format!("{list}?muted=true"))),
        ),
        ("an unknown form field", form("Muted=true&Label=x")),
        ("Muted=maybe update", form("Muted=maybe")),
        ("Coaching=true alone", form("Coaching=true")),
        (
            "coaching a call not in the conference",
            form("Coaching=true&CallSidToCoach=ca000000-0000-4000-8000-0000000000ff"),
        ),
        ("HoldMethod=PUT", form("HoldMethod=PUT")),
        ("HoldUrl relative", form("HoldUrl=/hold.xml")),
        (
            "a JSON body",
            demo_auth(raw().post(&one))
                .header("content-type", "application/json")
                .body("{\"Muted\":true}"),
        ),
        ("bad UTF-8 in a form", form("Muted=%FF%FE")),
        (
            "unknown path",
            demo_auth(raw().get(format!(
                "http://{}/api/laml/2010-04-01/Accounts/{}/Queues",
                emulator.addr(),
                demo::PROJECT_ID
            ))),
        ),
        (
            "malformed SID",
            demo_auth(raw().get(format!("{list}/not-a-sid"))),
        ),
        (
            "unknown conference",
            demo_auth(raw().get(listing(&emulator, "/api/laml/2010-04-01", Uuid::nil()))),
        ),
        ("PUT on a participant", demo_auth(raw().put(&one))),
        ("POST on the listing", demo_auth(raw().post(&list))),
        (
            "a 100 KiB body",
            form(&format!(
                "Muted=true&HoldUrl=https://x.example/{}",
                "a".repeat(100 * 1024)
            )),
        ),
    ];
    let mut report = Vec::new();
    for (name, request) in cases {
        let (status, headers, body) = send(request).await;
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{name}"
        );
        assert_eq!(body["status"].as_u64(), Some(u64::from(status)), "{name}");
        let allow = headers
            .get("allow")
            .map(|v| format!(" (Allow: {})", v.to_str().unwrap()))
            .unwrap_or_default();
        report.push(format!(
            "{name}: {status} code {} {}{allow}",
            body["code"], body["message"]
        ));
    }
    insta::assert_snapshot!(
        "refusals",
        report
            .join("\n")
            .replace(&emulator.addr().to_string(), "127.0.0.1:PORT")
    );
    // Nothing refused changed anything.
    assert!(
        !emulator
            .client()
            .conference(demo::CONFERENCE_SID)
            .participant(demo::CALL_SIDS[0])
            .fetch()
            .await
            .unwrap()
            .muted
    );
}

#[tokio::test]
async fn updates_accept_booleans_in_any_case_and_delete_answers_204_with_no_body() {
    let emulator = Emulator::start().await.unwrap();
    let one = format!(
        "{}/{}",
        listing(&emulator, "/2010-04-01", demo::CONFERENCE_SID),
        demo::CALL_SIDS[0]
    );
    let (status, _, body) = send(
        demo_auth(raw().post(format!("{one}.json")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("Muted=True&Hold=FALSE&EndConferenceOnExit=tRuE"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            body["muted"].as_bool(),
            body["hold"].as_bool(),
            body["end_conference_on_exit"].as_bool()
        ),
        (Some(true), Some(false), Some(true))
    );

    let response = demo_auth(raw().delete(&one)).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert!(response.headers().get("content-type").is_none());
    assert!(response.bytes().await.unwrap().is_empty());
    let (status, _, body) = send(demo_auth(raw().get(&one))).await;
    assert_eq!((status, body["code"].as_i64()), (404, Some(20404)));
}

#[tokio::test]
async fn concurrent_updates_lose_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let conference = client.conference(demo::CONFERENCE_SID);
    // Three kinds of change, each sent many times at once to every participant, and none
    // undone: any order of these requests ends with all three applied everywhere.
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..20 {
        for sid in demo::CALL_SIDS {
            let p = conference.participant(sid);
            tasks.spawn(async move {
                let update = match round % 3 {
                    0 => p.update().muted(true),
                    1 => p.update().hold(true),
                    _ => p.update().end_conference_on_exit(true),
                };
                update.send().await.map(drop)
            });
        }
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    for p in conference
        .participants()
        .list()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
    {
        assert!(p.muted && p.hold && p.end_conference_on_exit, "{p:?}");
    }
}

#[tokio::test]
async fn keep_alive_and_connection_close_are_honoured() {
    let emulator = Emulator::start().await.unwrap();
    let auth = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            demo::PROJECT_ID,
            demo::API_TOKEN
        ))
    };
    let path = format!(
        "/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants/{}",
        demo::PROJECT_ID,
        demo::CONFERENCE_SID,
        demo::CALL_SIDS[0]
    );
    let request = |close: bool| {
        format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n{}\r\n",
            if close { "Connection: close\r\n" } else { "" }
        )
    };
    let mut tcp = tokio::net::TcpStream::connect(emulator.addr())
        .await
        .unwrap();
    // Two requests on one connection, the second asking to close it.
    tcp.write_all(request(false).as_bytes()).await.unwrap();
    tcp.write_all(request(true).as_bytes()).await.unwrap();
    let mut all = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut all))
        .await
        .expect("the server closes the connection after the request that asked")
        .unwrap();
    let text = String::from_utf8_lossy(&all);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
}

#[tokio::test]
async fn seeded_from_the_callers_data_and_stopped_on_request() {
    let project = Uuid::from_u128(0x1111);
    let conference = Uuid::from_u128(0x2222);
    let calls: Vec<Uuid> = (1..=3).map(|n| Uuid::from_u128(0x3000 + n)).collect();
    let seed = Seed {
        projects: vec![SeedProject {
            project_id: project,
            api_token: "my-token".into(),
            signing_key: None,
            numbers: Vec::new(),
            conferences: vec![SeedConference {
                sid: conference,
                participants: calls
                    .iter()
                    .map(|c| SeedParticipant {
                        status: "completed".into(),
                        ..SeedParticipant::new(*c)
                    })
                    .collect(),
                ..SeedConference::new(conference)
            }],
        }],
    };
    let emulator = Emulator::builder().seed(seed).start().await.unwrap();
    assert_eq!(emulator.project_id(), project);
    let client = emulator.client();
    let listed: Vec<_> = client
        .conference(conference)
        .participants()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].status, ParticipantStatus::Completed);
    // A participant whose call has ended can no longer be changed.
    let e = client
        .conference(conference)
        .participant(calls[0])
        .update()
        .muted(true)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.kind() == ErrorKind::Api
            && e.status().map(|s| s.as_u16()) == Some(422)
            && e.code() == Some(10000),
        "{e}"
    );

    let addr = emulator.addr();
    emulator.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );

    let dropped = Emulator::start().await.unwrap();
    let addr = dropped.addr();
    drop(dropped);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after drop"
    );
}

#[tokio::test]
async fn an_empty_seed_is_refused() {
    let e = Emulator::builder()
        .seed(Seed::default())
        .start()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn hostile_requests_get_json_4xx_answers_and_change_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let one = format!(
        "{}/{}",
        listing(&emulator, "/api/laml/2010-04-01", demo::CONFERENCE_SID),
        demo::CALL_SIDS[0]
    );
    let form = |body: Vec<u8>| {
        demo_auth(raw().post(&one))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let huge_chunked =
        futures_util::stream::iter((0..64).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 16 * 1024])));
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        (
            "a form that is not percent-encoding",
            form(b"Muted=%ZZ&Hold".to_vec()),
            400,
        ),
        (
            "raw bytes that are not UTF-8",
            form(b"Muted=\xff\xfe".to_vec()),
            400,
        ),
        (
            "a key that is not UTF-8",
            form(b"%C3%28=true".to_vec()),
            400,
        ),
        ("a 10 MiB body", form(vec![b'a'; 10 << 20]), 413),
        (
            "a 1 MiB body with no length",
            demo_auth(raw().post(&one))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(reqwest::Body::wrap_stream(huge_chunked)),
            413,
        ),
        (
            "a 100 KiB header",
            demo_auth(raw().get(&one)).header("x-padding", "p".repeat(100 * 1024)),
            431,
        ),
        (
            "credentials that are not UTF-8",
            raw().get(&one).header(
                "authorization",
                reqwest::header::HeaderValue::from_bytes(b"Basic \xff\xfe").unwrap(),
            ),
            401,
        ),
        (
            "credentials that are not base64",
            raw().get(&one).header("authorization", "Basic ***"),
            401,
        ),
        (
            "a 16 KiB path",
            demo_auth(raw().get(format!("{one}/{}", "x".repeat(16 * 1024)))),
            404,
        ),
        (
            "a NUL in the path",
            demo_auth(raw().get(format!("{one}%00"))),
            404,
        ),
    ];
    for (name, request, expected) in cases {
        let (status, headers, body) = send(request).await;
        assert_eq!(status, expected, "{name}: {body}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{name}"
        );
        assert_eq!(body["status"].as_u64(), Some(u64::from(status)), "{name}");
    }
    let p = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap();
    assert!(!p.muted && !p.hold, "nothing changed");
}
