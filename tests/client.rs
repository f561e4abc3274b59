//! The four participant operations against scripted HTTP servers on 127.0.0.1: what goes on
//! the wire, what comes back, and how listings walk their pages.

mod support;

use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{CallbackMethod, Error, ErrorKind, ParticipantStatus};
use support::*;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path, query_param, query_param_is_missing},
};

fn participant_path(call: &str) -> String {
    format!("{PARTICIPANTS_PATH}/{call}")
}

#[tokio::test]
async fn the_documented_example_parses_verbatim() {
    let server = MockServer::start().await;
    let body = include_str!("fixtures/seed-participant.json");
    Mock::given(method("GET"))
        .and(path(participant_path(CALL)))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let p = client(&server.uri())
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .unwrap();

    assert_eq!(p.status, ParticipantStatus::Completed);
    let coach = p.call_sid_to_coach.as_ref().unwrap();
    assert_eq!(coach.as_str(), "b3877c40-da60-4998-90ad-b792e98472co");
    assert_eq!(
        coach.uuid(),
        None,
        "the documented SID is not a UUID, and still parses"
    );
    insta::assert_debug_snapshot!("seed_participant", p);
    insta::assert_snapshot!(
        "seed_participant_json",
        serde_json::to_string_pretty(&p).unwrap()
    );
}

#[tokio::test]
async fn unknown_fields_nulls_and_odd_values_never_fail_a_response() {
    let server = MockServer::start().await;
    let mut body = participant_json(CALL, true);
    let extra = json!({
        "label": null,
        "queue_time": "1200",
        "subresource_uris": {"x": "y"},
        "status": "on-the-moon",
        "date_created": "not a date",
        "date_updated": null,
        "account_sid": "AC-not-a-uuid",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;
    let p = client(&server.uri())
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .unwrap();
    assert_eq!(p.status, ParticipantStatus::Other("on-the-moon".into()));
    assert_eq!(p.status.as_str(), "on-the-moon");
    assert_eq!(p.date_created, None);
    assert_eq!(p.date_updated, None);
    assert_eq!(p.account_sid.as_str(), "AC-not-a-uuid");
    assert_eq!(p.queue_time.as_deref(), Some("1200"));
    assert_eq!(p.label, None);
    assert!(p.muted);
}

#[tokio::test]
async fn every_request_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(participant_path(CALL)))
        .respond_with(ResponseTemplate::new(200).set_body_json(participant_json(CALL, false)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(participant_path(CALL)))
        .respond_with(ResponseTemplate::new(200).set_body_json(participant_json(CALL, true)))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(participant_path(CALL)))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(PARTICIPANTS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "participants": [participant_json(CALL, true)],
            "uri": PARTICIPANTS_PATH,
            "first_page_uri": PARTICIPANTS_PATH,
            "next_page_uri": null,
            "previous_page_uri": null,
            "page": 0,
            "page_size": 20,
        })))
        .mount(&server)
        .await;

    let client = client(&server.uri());
    let conference = client.conference(CONFERENCE);
    let alice = conference.participant(CALL);

    let page = conference
        .participants()
        .list()
        .muted(true)
        .hold(false)
        .page_size(20)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    conference.participants().list().send().await.unwrap();
    alice.fetch().await.unwrap();
    let updated = alice
        .update()
        .muted(true)
        .hold(true)
        .hold_url("https://example.com/hold.xml?x=1&y=2")
        .hold_method(CallbackMethod::Post)
        .announce_url("https://example.com/announce.xml")
        .announce_method(CallbackMethod::Get)
        .wait_url("http://example.com/wait.mp3")
        .wait_method(CallbackMethod::Post)
        .coach(OTHER_CALL)
        .beep_on_exit(false)
        .end_conference_on_exit(true)
        .send()
        .await
        .unwrap();
    assert!(updated.muted);
    alice.update().stop_coaching().send().await.unwrap();
    alice.remove().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let text: Vec<String> = requests.iter().map(wire).collect();
    insta::assert_snapshot!("requests_on_the_wire", text.join("\n"));
}

#[tokio::test]
async fn three_pages_are_walked_lazily_through_next_page_uri() {
    let server = MockServer::start().await;
    let page = |n: u32, calls: &[&str], next: Option<&str>| {
        json!({
            "participants": calls.iter().map(|c| participant_json(c, n.is_multiple_of(2))).collect::<Vec<_>>(),
            "uri": format!("{PARTICIPANTS_PATH}?Page={n}&PageSize=2"),
            "first_page_uri": format!("{PARTICIPANTS_PATH}?Page=0&PageSize=2"),
            "next_page_uri": next,
            "previous_page_uri": null,
            "page": n,
            "page_size": 2,
        })
    };
    let next1 = format!("{PARTICIPANTS_PATH}?Page=1&PageSize=2&PageToken=PA1");
    let next2 = format!("{PARTICIPANTS_PATH}.json?Page=2&PageSize=2&PageToken=PA2");
    let calls = [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
        "00000000-0000-4000-8000-000000000003",
        "00000000-0000-4000-8000-000000000004",
        "00000000-0000-4000-8000-000000000005",
    ];
    Mock::given(method("GET"))
        .and(path(PARTICIPANTS_PATH))
        .and(query_param_is_missing("PageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0, &calls[0..2], Some(&next1))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("PageToken", "PA1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, &calls[2..4], Some(&next2))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("PageToken", "PA2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(2, &calls[4..], None)))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server.uri());
    let stream = client
        .conference(CONFERENCE)
        .participants()
        .list()
        .page_size(2)
        .stream();
    let mut stream = std::pin::pin!(stream);

    // Lazy: nothing is fetched before the stream is polled, and the second page only once
    // the first is used up.
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.call_sid, calls[0]);
    stream.try_next().await.unwrap().unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let mut rest = Vec::new();
    while let Some(p) = stream.try_next().await.unwrap() {
        rest.push(p.call_sid.to_string());
    }
    assert_eq!(rest, calls[2..]);
    let requests = server.received_requests().await.unwrap();
    let lines: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {}?{}",
                r.method,
                r.url.path(),
                r.url.query().unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!("three_pages", lines.join("\n"));
}

async fn listing_error(next_pages: &[serde_json::Value]) -> (usize, Error) {
    let server = MockServer::start().await;
    for (i, next) in next_pages.iter().enumerate() {
        let token = format!("PA{i}");
        let mut matcher = Mock::given(method("GET")).and(path(PARTICIPANTS_PATH));
        matcher = if i == 0 {
            matcher.and(query_param_is_missing("PageToken"))
        } else {
            matcher.and(query_param("PageToken", token.as_str()))
        };
        matcher
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "participants": [participant_json(CALL, false)],
                "uri": format!("{PARTICIPANTS_PATH}?PageToken={token}"),
                "first_page_uri": PARTICIPANTS_PATH,
                "next_page_uri": next,
                "previous_page_uri": null,
                "page": i,
                "page_size": 1,
            })))
            .mount(&server)
            .await;
    }
    let stream = client(&server.uri())
        .conference(CONFERENCE)
        .participants()
        .list()
        .stream();
    let mut stream = std::pin::pin!(stream);
    let mut seen = 0;
    loop {
        match stream.try_next().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("the listing ended without an error"),
            Err(e) => {
                assert!(
                    stream.try_next().await.unwrap().is_none(),
                    "the stream ends after its error"
                );
                return (seen, e);
            }
        }
    }
}

#[tokio::test]
async fn a_repeated_next_page_uri_ends_the_stream_with_an_error() {
    let next = format!("{PARTICIPANTS_PATH}?Page=1&PageToken=PA1");
    let (seen, error) = listing_error(&[json!(next), json!(next)]).await;
    assert_eq!(seen, 2, "both pages' participants arrive before the error");
    assert!(error.kind() == ErrorKind::Paging, "{error:?}");
    insta::assert_snapshot!("repeated_next_page", error);
}

#[tokio::test]
async fn a_next_page_uri_pointing_at_itself_ends_the_stream() {
    let (seen, error) = listing_error(&[json!(format!("{PARTICIPANTS_PATH}?PageToken=PA0"))]).await;
    assert_eq!(seen, 1);
    assert!(error.kind() == ErrorKind::Paging, "{error:?}");
}

#[tokio::test]
async fn the_documented_placeholder_next_page_uri_is_refused() {
    let (seen, error) = listing_error(&[json!("string")]).await;
    assert_eq!(seen, 1);
    insta::assert_snapshot!("placeholder_next_page", error);
}

#[tokio::test]
async fn bad_input_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let conference = client.conference(CONFERENCE);
    let alice = conference.participant(CALL);
    let errors = [
        client
            .conference("not-a-sid")
            .participant(CALL)
            .fetch()
            .await
            .unwrap_err(),
        conference
            .participant("b3877c40-da60-4998-90ad-b792e98472co")
            .remove()
            .await
            .unwrap_err(),
        conference
            .participants()
            .list()
            .page_size(0)
            .send()
            .await
            .unwrap_err(),
        conference
            .participants()
            .list()
            .page_size(1001)
            .send()
            .await
            .unwrap_err(),
        alice.update().send().await.unwrap_err(),
        alice
            .update()
            .muted(true)
            .hold_url("/relative/hold.xml")
            .send()
            .await
            .unwrap_err(),
        alice
            .update()
            .announce_url("ftp://example.com/a.mp3")
            .send()
            .await
            .unwrap_err(),
        alice.update().coach("someone").send().await.unwrap_err(),
        client
            .conference("not-a-sid")
            .recordings()
            .list()
            .send()
            .await
            .unwrap_err(),
        conference.recording("rec").remove().await.unwrap_err(),
        alice.update().hold_url("").send().await.unwrap_err(),
        client
            .conferences()
            .list()
            .friendly_name("n".repeat(65))
            .send()
            .await
            .unwrap_err(),
    ];
    let text: Vec<String> = errors
        .iter()
        .map(|e| {
            assert!(e.kind() == ErrorKind::InvalidInput, "{e:?}");
            assert_eq!(e.status(), None);
            e.to_string()
        })
        .collect();
    insta::assert_snapshot!("invalid_input", text.join("\n"));
    let stream = conference.participants().list().page_size(5000).stream();
    let mut stream = std::pin::pin!(stream);
    assert_eq!(
        stream.try_next().await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert!(stream.try_next().await.unwrap().is_none());
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

/// Futures own what they need: built from temporary handles, run many at once, spawned.
#[tokio::test]
async fn futures_are_static_and_send() {
    use futures_util::StreamExt as _;
    fn owned<F: std::future::Future + Send + 'static>(f: F) -> F {
        f
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(participant_json(CALL, true)))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let conference = client(&server.uri()).conference(CONFERENCE);
    let fetched: Vec<_> = futures_util::stream::iter([CALL, OTHER_CALL, CALL])
        .map(|sid| conference.participant(sid).fetch())
        .buffer_unordered(3)
        .collect()
        .await;
    assert_eq!(fetched.len(), 3);
    assert!(fetched.iter().all(Result::is_ok));
    let spawned = tokio::spawn(owned(conference.participant(CALL).fetch()));
    spawned.await.unwrap().unwrap();
    tokio::spawn(owned(conference.participant(CALL).remove()))
        .await
        .unwrap()
        .unwrap();
    // Built from temporaries and dropped unsent: they hold no borrow.
    let update = conference.participant(CALL).update().muted(true);
    drop(owned(update.send()));
    drop(owned(conference.participants().list().send()));
}

/// SIDs of the right kind are taken where they belong: a participant's conference SID names
/// its conference, its call SID the participant. (A call SID given as a conference SID does
/// not compile: see the `compile_fail` example of `Sid`.)
#[tokio::test]
async fn typed_sids_go_where_they_belong() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(participant_json(CALL, true)))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let p = client
        .conference(CONFERENCE)
        .participant(CALL)
        .fetch()
        .await
        .unwrap();
    let again = client
        .conference(&p.conference_sid)
        .participant(&p.call_sid)
        .update()
        .coach(p.call_sid.clone());
    drop(again);
    let same = client
        .conference(p.conference_sid.clone())
        .participant(p.call_sid.uuid().unwrap())
        .fetch()
        .await
        .unwrap();
    assert_eq!(same.call_sid, p.call_sid);
}
