//! Conferences: the requests on the wire, the documented example, and the resource end to end
//! against the emulator (filters, paging, finding by name, ending, announcing).

#![cfg(feature = "emulator")]

mod support;

use chrono::NaiveDate;
use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{
    CallbackMethod, ConferenceStatus, ErrorKind,
    emulator::{Emulator, Seed, SeedConference, demo},
};
use support::{CONFERENCE, PROJECT, client, wire};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

/// SignalWire's documented example of a conference, as their reference shows it.
fn documented_conference() -> serde_json::Value {
    json!({
        "sid": "b3877c40-da60-4998-90ad-b792e98472cf",
        "account_sid": "b3877c40-da60-4998-90ad-b792e98472af",
        "date_created": "Mon, 24 Sept 2018 21:00:00 +0000",
        "date_updated": "Tue, 25 Sept 2018 20:00:00 +0000",
        "friendly_name": "My Conference Room",
        "status": "in-progress",
        "api_version": "2010-04-01",
        "region": "us1",
        "uri": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Conferences/b3877c40-da60-4998-90ad-b792e98472cf.json",
        "subresource_uris": {
            "participants": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Conferences/b3877c40-da60-4998-90ad-b792e98472cf/Participants.json",
            "recordings": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Conferences/b3877c40-da60-4998-90ad-b792e98472cf/Recordings.json"
        }
    })
}

#[tokio::test]
async fn the_documented_example_parses_as_written() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_conference()))
        .mount(&server)
        .await;
    let c = client(&server.uri())
        .conference(CONFERENCE)
        .fetch()
        .await
        .unwrap();
    assert_eq!(c.status, ConferenceStatus::InProgress);
    assert_eq!(c.friendly_name.as_deref(), Some("My Conference Room"));
    insta::assert_debug_snapshot!("documented_conference", c);
}

#[tokio::test]
async fn every_conference_request_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex("/Conferences$"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"conferences": [documented_conference()]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_conference()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(documented_conference()))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    client.conferences().list().send().await.unwrap();
    let page = client
        .conferences()
        .list()
        .friendly_name("Daily standup & more")
        .status(ConferenceStatus::InProgress)
        .created_on(day(25))
        .created_before(day(30))
        .created_after(day(1))
        .updated_on(day(26))
        .updated_before(day(29))
        .updated_after(day(2))
        .page_size(20)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let conference = client.conference(CONFERENCE);
    conference.fetch().await.unwrap();
    conference.end().await.unwrap();
    conference
        .announce("https://example.com/closing.xml")
        .await
        .unwrap();
    conference
        .update()
        .announce_url("https://example.com/closing.xml")
        .announce_method(CallbackMethod::Get)
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let text: Vec<String> = requests.iter().map(wire).collect();
    insta::assert_snapshot!("conference_requests_on_the_wire", text.join("\n"));
}

#[tokio::test]
async fn bad_conference_arguments_fail_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let errors = [
        client
            .conferences()
            .list()
            .friendly_name("x".repeat(65))
            .send()
            .await,
        client.conferences().list().page_size(0).send().await,
    ];
    for e in errors {
        assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
    }
    for e in [
        client.conference("not-a-sid").fetch().await,
        client.conference(CONFERENCE).update().send().await,
        client
            .conference(CONFERENCE)
            .announce("/relative.xml")
            .await,
    ] {
        assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn conferences_are_found_by_name() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    // "Daily standup" is the name of one conference in progress and one completed.
    let found = client
        .conferences()
        .find_by_name(demo::CONFERENCE_NAME)
        .await
        .unwrap();
    assert_eq!(found.sid.uuid(), Some(demo::CONFERENCE_SID));

    let none = client
        .conferences()
        .find_by_name("Nobody's here")
        .await
        .unwrap_err();
    assert_eq!(none.kind(), ErrorKind::NoSuchName);
    assert!(none.is_not_found());
    assert_eq!(
        none.to_string(),
        "no conference in progress is named \"Nobody's here\"; list them to see their names"
    );

    // Two rooms in progress with one name: the error lists both.
    let mut seed = demo::seed();
    seed.projects[0].conferences[2].friendly_name = Some(demo::CONFERENCE_NAME.into());
    let emulator = Emulator::builder().seed(seed).start().await.unwrap();
    let several = emulator
        .client()
        .conferences()
        .find_by_name(demo::CONFERENCE_NAME)
        .await
        .unwrap_err();
    assert_eq!(several.kind(), ErrorKind::AmbiguousName);
    assert_eq!(
        several.candidates(),
        [
            demo::CONFERENCE_SID.to_string(),
            demo::SMALL_CONFERENCE_SID.to_string()
        ]
    );
    insta::assert_snapshot!("ambiguous_name", several);
}

#[tokio::test]
async fn the_emulator_filters_conferences_as_documented() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let names = |list: signalwire_compat::ListConferences| async move {
        let all: Vec<_> = list.stream().try_collect().await.unwrap();
        all.into_iter()
            .map(|c| format!("{} ({})", c.friendly_name.unwrap_or_default(), c.status))
            .collect::<Vec<_>>()
    };
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let list = || client.conferences().list();
    assert_eq!(
        names(list()).await,
        [
            "Daily standup (completed)",
            "Daily standup (in-progress)",
            "Design review (in-progress)",
            "Town hall (init)"
        ]
    );
    assert_eq!(
        names(list().friendly_name(demo::CONFERENCE_NAME)).await,
        ["Daily standup (completed)", "Daily standup (in-progress)"]
    );
    assert_eq!(
        names(list().status(ConferenceStatus::Init)).await,
        ["Town hall (init)"]
    );
    assert_eq!(
        names(list().created_on(day(24))).await,
        ["Daily standup (completed)"]
    );
    // Before and after a day leave that day out.
    assert_eq!(
        names(list().created_before(day(24))).await,
        Vec::<String>::new()
    );
    assert_eq!(names(list().created_after(day(24))).await.len(), 3);
    assert_eq!(names(list().created_before(day(25))).await.len(), 1);
    assert_eq!(
        names(
            list()
                .status(ConferenceStatus::InProgress)
                .created_after(day(24))
        )
        .await,
        ["Daily standup (in-progress)", "Design review (in-progress)"]
    );
    assert_eq!(names(list().updated_on(day(25))).await.len(), 3);
    // Pages of one, walked through next_page_uri with the filters kept.
    let pages: Vec<_> = list()
        .created_after(day(24))
        .page_size(1)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert!(
        pages[0]
            .next_page_uri
            .as_deref()
            .unwrap()
            .contains("DateCreated%3E=2026-11-24&Page=1&PageSize=1&PageToken=PA1"),
        "{:?}",
        pages[0].next_page_uri
    );
}

#[tokio::test]
async fn ending_a_conference_takes_everyone_out_and_ending_again_is_harmless() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let conference = client.conference(demo::CONFERENCE_SID);
    let ended = conference.end().await.unwrap();
    assert_eq!(ended.status, ConferenceStatus::Completed);
    assert!(ended.date_updated > ended.date_created);

    let gone = conference
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let left: Vec<_> = conference
        .participants()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(left.is_empty());
    assert!(
        conference
            .participant(demo::CALL_SIDS[1])
            .update()
            .muted(true)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );

    let again = conference.end().await.unwrap();
    assert_eq!(again, ended, "ending again changes nothing");
    assert_eq!(conference.fetch().await.unwrap(), ended);
    // Found by name no more: it is over.
    assert_eq!(
        client
            .conferences()
            .find_by_name(demo::CONFERENCE_NAME)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NoSuchName
    );
}

#[tokio::test]
async fn announcements_are_recorded_and_refused_once_a_conference_is_over() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let conference = client.conference(demo::SMALL_CONFERENCE_SID);
    conference
        .announce("https://example.com/a.xml")
        .await
        .unwrap();
    conference
        .update()
        .announce_url("https://example.com/b.mp3")
        .announce_method(CallbackMethod::Get)
        .send()
        .await
        .unwrap();
    let made: Vec<_> = emulator
        .announcements(demo::SMALL_CONFERENCE_SID)
        .into_iter()
        .map(|a| format!("{} {}", a.method, a.url))
        .collect();
    assert_eq!(
        made,
        [
            "POST https://example.com/a.xml",
            "GET https://example.com/b.mp3"
        ]
    );

    let refused = client
        .conference(demo::ENDED_CONFERENCE_SID)
        .announce("https://example.com/a.xml")
        .await
        .unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(refused.code(), Some(10000));
    assert!(
        emulator
            .announcements(demo::ENDED_CONFERENCE_SID)
            .is_empty()
    );
}

#[tokio::test]
async fn the_emulator_refuses_what_signalwire_would() {
    let emulator = Emulator::start().await.unwrap();
    let http = support::raw();
    let url = |rest: &str| {
        format!(
            "{}/Accounts/{}/Conferences{rest}",
            emulator.base_url(),
            demo::PROJECT_ID
        )
    };
    let auth = |r: reqwest::RequestBuilder| r.basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN));
    let form = |body: &'static str| {
        auth(http.post(url(&format!("/{}", demo::CONFERENCE_SID))))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let cases = vec![
        (
            "an unknown status filter",
            auth(http.get(url("?Status=over"))),
            400,
        ),
        (
            "a date that is not YYYY-MM-DD",
            auth(http.get(url("?DateCreated=2026-1-5"))),
            400,
        ),
        (
            "a participant filter",
            auth(http.get(url("?Muted=true"))),
            400,
        ),
        (
            "another status than completed",
            form("Status=in-progress"),
            400,
        ),
        (
            "a relative announcement URL",
            form("AnnounceUrl=/a.xml"),
            400,
        ),
        (
            "an announcement method other than GET or POST",
            form("AnnounceMethod=PUT"),
            400,
        ),
        ("a participant parameter", form("Muted=true"), 400),
        (
            "a conference of another project",
            auth(http.get(url(&format!("/{}", demo::OTHER_CONFERENCE_SID)))),
            404,
        ),
        (
            "no such conference",
            auth(http.get(url("/cf000000-0000-4000-8000-0000000000ff"))),
            404,
        ),
        (
            "deleting a conference",
            auth(http.delete(url(&format!("/{}", demo::CONFERENCE_SID)))),
            405,
        ),
        (
            "another project's listing",
            auth(http.get(format!(
                "{}/Accounts/{}/Conferences",
                emulator.base_url(),
                demo::OTHER_PROJECT_ID
            ))),
            401,
        ),
    ];
    for (what, request, status) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{what}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], status, "{what}: {body}");
    }
    // The other project sees its own conference only.
    let other = emulator
        .client_builder()
        .project_id(demo::OTHER_PROJECT_ID.to_string())
        .api_token(demo::OTHER_API_TOKEN)
        .build()
        .unwrap();
    let theirs: Vec<_> = other
        .conferences()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].sid.uuid(), Some(demo::OTHER_CONFERENCE_SID));
}

#[tokio::test]
async fn a_seed_written_before_conferences_had_names_still_loads() {
    let seed: Seed = serde_json::from_value(json!({
        "projects": [{
            "project_id": PROJECT,
            "api_token": "PTold-seed",
            "conferences": [{"sid": CONFERENCE, "participants": [{"call_sid": support::CALL}]}]
        }]
    }))
    .unwrap();
    assert_eq!(
        seed.projects[0].conferences[0],
        SeedConference {
            participants: seed.projects[0].conferences[0].participants.clone(),
            ..SeedConference::new(CONFERENCE.parse().unwrap())
        }
    );
    let emulator = Emulator::builder().seed(seed).start().await.unwrap();
    let c = emulator
        .client()
        .conference(CONFERENCE)
        .fetch()
        .await
        .unwrap();
    assert_eq!(c.status, ConferenceStatus::InProgress);
    assert_eq!(c.friendly_name.as_deref(), Some(CONFERENCE));
    assert_eq!(c.region.as_deref(), Some("us1"));
}
