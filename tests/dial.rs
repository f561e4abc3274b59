//! `<Dial>` in the emulator. With `<Conference>`: calls that dial a room by name meet in
//! one conference (opened by the first, with its status callback), stay until they are
//! taken out, hang up or run out of time, and then go to the `<Dial>`'s action with its
//! outcome. With `<Number>`: a child call rings under the number's rule and, answered, is
//! bridged until one side hangs up, the caller presses `*` or the time limit passes.

#![cfg(feature = "emulator")]

mod support;

use support::voice::{
    Asked, answered, asked_for, call_log as log, control, emulator, hang_up, pages_app, until,
    until_count, value, verb,
};

use std::time::Duration;

use serde_json::{Value, json};
use signalwire_compat::{CallStatus, ConferenceStatus, emulator::Emulator};

/// An app on loopback whose calls dial the room `standup` or a number, and that hears the
/// room's and the dialed call's events.
async fn app() -> (String, Asked) {
    pages_app(|origin| {
    let room = format!(
        r#"<Conference statusCallback="{origin}/events" statusCallbackEvent="start end join leave" startConferenceOnEnter="true">standup</Conference>"#
    );
    vec![
        ("/join", format!(r#"<Response><Dial action="/after">{room}</Dial></Response>"#)),
        (
            "/short",
            format!(r#"<Response><Dial action="/after" timeLimit="10">{room}</Dial></Response>"#),
        ),
        (
            "/on",
            format!(r#"<Response><Dial>{room}</Dial><Say>Still here</Say><Hangup/></Response>"#),
        ),
        (
            "/full",
            r#"<Response><Dial action="/after"><Conference maxParticipants="1">tiny</Conference></Dial></Response>"#.to_owned(),
        ),
        (
            "/nameless",
            "<Response><Dial><Conference>  </Conference></Dial></Response>".to_owned(),
        ),
        (
            "/number",
            r#"<Response><Dial action="/after" callerId="+15557770000" timeLimit="60" hangupOnStar="true"><Number statusCallback="/leg" statusCallbackEvent="initiated ringing answered completed">+15550001000</Number></Dial></Response>"#.to_owned(),
        ),
        (
            "/phone",
            r#"<Response><Dial action="/after" timeout="10">+15550001000</Dial></Response>"#
                .to_owned(),
        ),
        (
            "/bad-caller",
            r#"<Response><Dial action="/after" callerId="sales">+15550001000</Dial></Response>"#
                .to_owned(),
        ),
        (
            "/wait-board",
            r#"<Response><Dial><Conference beep="false" startConferenceOnEnter="false">board</Conference></Dial></Response>"#.to_owned(),
        ),
        (
            "/chair-board",
            r#"<Response><Dial><Conference record="record-from-start" recordingStatusCallback="/room-recording" recordingStatusCallbackEvent="in-progress completed">board</Conference></Dial></Response>"#.to_owned(),
        ),
        (
            "/wait-music",
            r#"<Response><Dial><Conference waitUrl="/hold" startConferenceOnEnter="false">lobby</Conference></Dial></Response>"#.to_owned(),
        ),
        (
            "/hold",
            r#"<Response><Play>http://127.0.0.1:9/music.mp3</Play><Say>Not here</Say><Pause length="2"/></Response>"#.to_owned(),
        ),
        (
            "/wait-nothing",
            r#"<Response><Dial><Conference waitUrl="/no-music" startConferenceOnEnter="false">hall</Conference></Dial></Response>"#.to_owned(),
        ),
        ("/no-music", "<Response></Response>".to_owned()),
        (
            "/open-lobby",
            "<Response><Dial><Conference>lobby</Conference></Dial></Response>".to_owned(),
        ),
        ("/after", "<Response><Say>Bye</Say><Hangup/></Response>".to_owned()),
        ("/leg", String::new()),
        ("/events", String::new()),
        ("/room-recording", String::new()),
    ]
    })
    .await
}

/// The conferences named `name`, newest last.
async fn rooms(emulator: &Emulator, name: &str) -> Vec<signalwire_compat::Conference> {
    let list = emulator.client().conferences().list().friendly_name(name);
    list.send().await.unwrap().items
}

/// The participants of the conference `room`.
async fn people(emulator: &Emulator, room: &str) -> Vec<signalwire_compat::Participant> {
    let list = emulator.client().conference(room).participants().list();
    list.send().await.unwrap().items
}

fn dialed(e: &Value) -> bool {
    e["event"] == "verb" && e["verb"] == "Dial"
}

#[tokio::test]
async fn two_calls_meet_in_one_room_and_each_goes_to_the_action_as_it_leaves() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let alice = answered(&emulator, &app, "/join", "+15550000001").await;
    until(&emulator, &alice, "the Dial", dialed).await;
    let bob = answered(&emulator, &app, "/join", "+15550000002").await;
    until(&emulator, &bob, "the Dial", dialed).await;

    // One conference of that name, started, with both calls in it.
    let rooms = rooms(&emulator, "standup").await;
    assert_eq!(rooms.len(), 1, "{rooms:#?}");
    assert_eq!(rooms[0].status, ConferenceStatus::InProgress);
    let room = rooms[0].sid.to_string();
    let people = people(&emulator, &room).await;
    let mut calls: Vec<String> = people.iter().map(|p| p.call_sid.to_string()).collect();
    calls.sort();
    let mut both = vec![alice.clone(), bob.clone()];
    both.sort();
    assert_eq!(calls, both);
    // Each call's log names the callbacks sent of it: here, its participant-join.
    for call in [&alice, &bob] {
        until(&emulator, call, "the join callback", |e| {
            e["event"] == "callback"
                && e["name"] == "participant-join"
                && e["url"].as_str().is_some_and(|u| u.ends_with("/events"))
        })
        .await;
    }

    // Alice is taken out over REST 30 s later: her Dial's action hears how it went, and
    // her call goes on.
    emulator.clock().advance(Duration::from_secs(30)).unwrap();
    emulator
        .client()
        .conference(room.as_str())
        .participant(alice.as_str())
        .remove()
        .await
        .unwrap();
    let after = asked_for(&asked, "/after", 1).await;
    assert_eq!(value(&after[0], "CallSid"), Some(alice.as_str()));
    assert_eq!(value(&after[0], "DialCallStatus"), Some("answered"));
    assert_eq!(value(&after[0], "DialCallDuration"), Some("33"));
    assert_eq!(value(&after[0], "DialCallSid"), None);

    // Bob hangs up: the last one out ends the conference, and his runner leaves it.
    hang_up(&emulator, &bob).await;
    until(&emulator, &bob, "the end", |e| e["event"] == "ended").await;
    let fetched = emulator
        .client()
        .conference(room.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(fetched.status, ConferenceStatus::Completed);
    let bob_call = emulator.client().call(bob.as_str()).fetch().await.unwrap();
    assert_eq!(bob_call.status, CallStatus::Completed);

    // The room's events went to the first participant's callback, in order.
    let events = asked_for(&asked, "/events", 6).await;
    let names: Vec<(&str, Option<&str>)> = events
        .iter()
        .map(|f| {
            (
                value(f, "StatusCallbackEvent").unwrap_or_default(),
                value(f, "CallSid"),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("conference-start", None),
            ("participant-join", Some(alice.as_str())),
            ("participant-join", Some(bob.as_str())),
            ("participant-leave", Some(alice.as_str())),
            ("participant-leave", Some(bob.as_str())),
            ("conference-end", None),
        ]
    );
    for form in &events {
        assert_eq!(value(form, "ConferenceSid"), Some(room.as_str()));
        assert_eq!(value(form, "FriendlyName"), Some("standup"));
    }

    // A call that dials the name now opens a new conference: the old one is over.
    let carol = answered(&emulator, &app, "/join", "+15550000003").await;
    until(&emulator, &carol, "the Dial", dialed).await;
    let entries = log(&emulator, &carol).await;
    let dial = entries.iter().find(|e| dialed(e)).unwrap();
    assert_ne!(dial["conference_sid"], json!(room));
    assert_eq!(dial["conference"], "standup");
}

#[tokio::test]
async fn a_time_limit_takes_the_call_out_and_without_an_action_the_next_verb_runs() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let short = answered(&emulator, &app, "/short", "+15550000001").await;
    until(&emulator, &short, "the Dial", dialed).await;
    emulator.clock().advance(Duration::from_secs(9)).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(asked.lock().unwrap().iter().all(|(p, _, _)| p != "/after"));
    emulator.clock().advance(Duration::from_secs(2)).unwrap();
    let after = asked_for(&asked, "/after", 1).await;
    assert_eq!(value(&after[0], "DialCallStatus"), Some("answered"));
    assert_eq!(value(&after[0], "DialCallDuration"), Some("10"));

    // Without an action, the call goes on to the verb after the <Dial> when it is taken
    // out: here, when the conference is ended over REST.
    let on = answered(&emulator, &app, "/on", "+15550000002").await;
    until(&emulator, &on, "the Dial", dialed).await;
    let entries = log(&emulator, &on).await;
    let room = entries.iter().find(|e| dialed(e)).unwrap()["conference_sid"]
        .as_str()
        .unwrap()
        .to_owned();
    emulator
        .client()
        .conference(room.as_str())
        .end()
        .await
        .unwrap();
    until(&emulator, &on, "the Say after the Dial", |e| {
        e["event"] == "verb" && e["verb"] == "Say" && e["text"] == "Still here"
    })
    .await;
}

#[tokio::test]
async fn a_full_room_fails_the_dial_and_a_room_without_a_name_ends_the_call() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let first = answered(&emulator, &app, "/full", "+15550000001").await;
    until(&emulator, &first, "the Dial", dialed).await;
    let second = answered(&emulator, &app, "/full", "+15550000002").await;
    let after = asked_for(&asked, "/after", 1).await;
    assert_eq!(value(&after[0], "CallSid"), Some(second.as_str()));
    assert_eq!(value(&after[0], "DialCallStatus"), Some("failed"));
    let entries = log(&emulator, &second).await;
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "error" && e["message"].as_str().unwrap().contains("full")),
        "{entries:#?}"
    );

    let nameless = answered(&emulator, &app, "/nameless", "+15550000003").await;
    until(&emulator, &nameless, "the end", |e| e["event"] == "ended").await;
    let entries = log(&emulator, &nameless).await;
    let error = entries.iter().find(|e| e["event"] == "error").unwrap();
    assert_eq!(error["code"], 12100);
    let call = emulator
        .client()
        .call(nameless.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(call.status, CallStatus::Completed);
}

/// The SID of the call the parent's `<Dial>` placed, once it is in the log.
async fn dial_call_sid(emulator: &Emulator, parent: &str) -> String {
    until(emulator, parent, "the Dial", dialed).await;
    let entries = log(emulator, parent).await;
    let dial = entries.iter().find(|e| dialed(e)).unwrap();
    dial["dial_call_sid"].as_str().unwrap().to_owned()
}

/// Lets the dialed call ring and be answered (3 s), and waits until it is bridged.
async fn bridge(emulator: &Emulator, parent: &str, child: &str) {
    emulator.clock().advance(Duration::from_secs(3)).unwrap();
    until(emulator, parent, "the bridge", |e| {
        e["bridged"] == json!(child)
    })
    .await;
}

/// The calls the call `parent` placed, as the REST API lists them.
async fn children(emulator: &Emulator, parent: &str) -> Vec<signalwire_compat::Call> {
    emulator
        .client()
        .calls()
        .list()
        .parent_call_sid(parent)
        .send()
        .await
        .unwrap()
        .items
}

/// What the dialed number does.
async fn rule(emulator: &Emulator, number: &str, behavior: Value) {
    let path = format!("/numbers/{}/behavior", number.replace('+', "%2B"));
    let (status, body) = control(emulator, "PUT", &path, behavior.clone()).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_dialed_number_rings_is_bridged_and_the_action_hears_how_it_went() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let parent = answered(&emulator, &app, "/number", "+15550000001").await;
    let child = dial_call_sid(&emulator, &parent).await;

    // The child call: placed by the parent's Dial, from its callerId, to the number.
    let leg = emulator
        .client()
        .call(child.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        leg.parent_call_sid.as_ref().map(ToString::to_string),
        Some(parent.clone())
    );
    assert_eq!(
        leg.direction.as_ref().map(ToString::to_string).as_deref(),
        Some("outbound-dial")
    );
    assert_eq!(leg.from.as_deref(), Some("+15557770000"));
    assert_eq!(leg.to.as_deref(), Some("+15550001000"));
    assert_eq!(leg.status, CallStatus::Queued);
    let children = children(&emulator, &parent).await;
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].sid.to_string(), child);

    // It rings (1 s) and is answered (2 s later): bridged.
    bridge(&emulator, &parent, &child).await;
    let leg = emulator
        .client()
        .call(child.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(leg.status, CallStatus::InProgress);

    // The called party hangs up 20 s later: the parent goes to the Dial's action.
    emulator.clock().advance(Duration::from_secs(20)).unwrap();
    hang_up(&emulator, &child).await;
    let after = asked_for(&asked, "/after", 1).await;
    assert_eq!(value(&after[0], "CallSid"), Some(parent.as_str()));
    assert_eq!(value(&after[0], "DialCallStatus"), Some("completed"));
    assert_eq!(value(&after[0], "DialCallSid"), Some(child.as_str()));
    assert_eq!(value(&after[0], "DialCallDuration"), Some("20"));
    // The parent goes on (here to its Say, a second on the clock, and Hangup); the child is over.
    until(&emulator, &parent, "the Say", |e| e["verb"] == "Say").await;
    emulator.clock().advance(Duration::from_secs(1)).unwrap();
    until(&emulator, &parent, "the parent's end", |e| {
        e["event"] == "ended"
    })
    .await;
    let leg = emulator
        .client()
        .call(child.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(leg.status, CallStatus::Completed);
    assert_eq!(leg.duration, Some(20));

    // The Number's statusCallback heard the child's every step, with its parent.
    let events = asked_for(&asked, "/leg", 4).await;
    let steps: Vec<&str> = events
        .iter()
        .map(|f| value(f, "CallStatus").unwrap_or_default())
        .collect();
    assert_eq!(steps, ["initiated", "ringing", "in-progress", "completed"]);
    for form in &events {
        assert_eq!(value(form, "CallSid"), Some(child.as_str()));
        assert_eq!(value(form, "ParentCallSid"), Some(parent.as_str()));
        assert_eq!(value(form, "Direction"), Some("outbound-dial"));
    }
    // A dialed call runs no cXML of its own: the app was never asked for it.
    assert!(
        asked
            .lock()
            .unwrap()
            .iter()
            .all(
                |(_, _, form)| value(form, "CallSid") != Some(child.as_str())
                    || value(form, "CallbackSource").is_some()
            ),
    );
}

#[tokio::test]
async fn busy_no_answer_and_failing_numbers_are_the_dials_status() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let cases = [
        (json!({"answer": "busy", "after_ms": 1000}), "busy", 2),
        // The Dial's timeout (10 s) ends it before the number would answer.
        (
            json!({"answer": "human", "after_ms": 20000}),
            "no-answer",
            11,
        ),
        (json!({"answer": "no-answer"}), "no-answer", 11),
        (json!({"answer": "fail"}), "failed", 1),
    ];
    for (n, (behavior, expected, seconds)) in cases.into_iter().enumerate() {
        rule(&emulator, "+15550001000", behavior).await;
        let parent = answered(&emulator, &app, "/phone", "+15550000001").await;
        let child = dial_call_sid(&emulator, &parent).await;
        emulator
            .clock()
            .advance(Duration::from_secs(seconds))
            .unwrap();
        let after = asked_for(&asked, "/after", n + 1).await;
        let form = &after[n];
        assert_eq!(value(form, "CallSid"), Some(parent.as_str()));
        assert_eq!(value(form, "DialCallStatus"), Some(expected), "{form:?}");
        assert_eq!(value(form, "DialCallSid"), Some(child.as_str()));
        assert_eq!(value(form, "DialCallDuration"), Some("0"));
    }
}

#[tokio::test]
async fn the_caller_ends_the_bridge_with_a_star_or_the_time_limit_does() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let parent = answered(&emulator, &app, "/number", "+15550000001").await;
    let child = dial_call_sid(&emulator, &parent).await;
    bridge(&emulator, &parent, &child).await;
    emulator.clock().advance(Duration::from_secs(5)).unwrap();
    // Other keys go nowhere; a star hangs up the dialed call.
    let digits = format!("/calls/{parent}/digits");
    let (status, _) = control(&emulator, "POST", &digits, json!({"digits": "12"})).await;
    assert_eq!(status, 204);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(asked.lock().unwrap().iter().all(|(p, _, _)| p != "/after"));
    let (status, _) = control(&emulator, "POST", &digits, json!({"digits": "*"})).await;
    assert_eq!(status, 204);
    let after = asked_for(&asked, "/after", 1).await;
    assert_eq!(value(&after[0], "DialCallStatus"), Some("completed"));
    assert_eq!(value(&after[0], "DialCallDuration"), Some("5"));
    let leg = emulator
        .client()
        .call(child.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(leg.status, CallStatus::Completed);
    until(&emulator, &parent, "the star", |e| {
        e["why"] == "the caller pressed *"
    })
    .await;

    // timeLimit is 60: the bridge ends then, and the call is in no longer than that.
    let parent = answered(&emulator, &app, "/number", "+15550000002").await;
    let child = dial_call_sid(&emulator, &parent).await;
    bridge(&emulator, &parent, &child).await;
    emulator.clock().advance(Duration::from_secs(61)).unwrap();
    let after = asked_for(&asked, "/after", 2).await;
    assert_eq!(value(&after[1], "DialCallSid"), Some(child.as_str()));
    assert_eq!(value(&after[1], "DialCallStatus"), Some("completed"));
    assert_eq!(value(&after[1], "DialCallDuration"), Some("60"));
}

#[tokio::test]
async fn hanging_up_the_caller_cancels_a_ringing_dial_and_completes_a_bridged_one() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    // Ringing: the caller hangs up over REST, and the dialed call is canceled.
    let parent = answered(&emulator, &app, "/number", "+15550000001").await;
    let child = dial_call_sid(&emulator, &parent).await;
    emulator.clock().advance(Duration::from_secs(1)).unwrap();
    emulator
        .client()
        .call(parent.as_str())
        .hangup()
        .await
        .unwrap();
    until(&emulator, &parent, "the end", |e| e["event"] == "ended").await;
    let leg = emulator
        .client()
        .call(child.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(leg.status, CallStatus::Canceled);

    // Bridged: the caller hangs up, and the dialed call completes.
    let parent = answered(&emulator, &app, "/number", "+15550000002").await;
    let child = dial_call_sid(&emulator, &parent).await;
    bridge(&emulator, &parent, &child).await;
    emulator.clock().advance(Duration::from_secs(7)).unwrap();
    hang_up(&emulator, &parent).await;
    let events = asked_for(&asked, "/leg", 7).await;
    let last = events
        .iter()
        .rev()
        .find(|f| value(f, "CallSid") == Some(child.as_str()))
        .unwrap();
    assert_eq!(value(last, "CallStatus"), Some("completed"));
    assert_eq!(value(last, "CallDuration"), Some("7"));
    // The caller is gone: no action is asked.
    assert!(asked.lock().unwrap().iter().all(|(p, _, _)| p != "/after"));
}

#[tokio::test]
async fn a_caller_id_that_is_not_a_number_fails_the_dial_without_a_call() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let parent = answered(&emulator, &app, "/bad-caller", "+15550000001").await;
    let after = asked_for(&asked, "/after", 1).await;
    assert_eq!(value(&after[0], "DialCallStatus"), Some("failed"));
    assert_eq!(value(&after[0], "DialCallSid"), None);
    let entries = log(&emulator, &parent).await;
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "error" && e["message"].as_str().unwrap().contains("callerId")),
        "{entries:#?}"
    );
    let children = children(&emulator, &parent).await;
    assert!(children.is_empty());
}

/// The `beep` entries of a call's log: who entered or left, as the call heard it.
async fn beeps(emulator: &Emulator, call: &str) -> Vec<(String, String)> {
    log(emulator, call)
        .await
        .iter()
        .filter(|e| e["event"] == "heard")
        .map(|e| {
            (
                e["beep"].as_str().unwrap().to_owned(),
                e["call"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_room_recorded_from_its_start_records_from_then_to_its_end_and_beeps_are_heard() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    // The first call waits (no beep of its own): the room has not started, and nothing
    // records it yet.
    let waiter = answered(&emulator, &app, "/wait-board", "+15550000001").await;
    until(&emulator, &waiter, "the Dial", dialed).await;
    let rooms = rooms(&emulator, "board").await;
    assert_eq!(rooms[0].status, ConferenceStatus::Init);
    let room = rooms[0].sid.to_string();
    let recordings = |emulator: &Emulator| {
        let client = emulator.client();
        let room = room.clone();
        async move {
            client
                .conference(room.as_str())
                .recordings()
                .list()
                .send()
                .await
                .unwrap()
                .items
        }
    };
    assert!(recordings(&emulator).await.is_empty());
    assert!(beeps(&emulator, &waiter).await.is_empty());

    // The chair starts the room 10 s later: the recording begins, and both hear the beep
    // of the chair coming in.
    emulator.clock().advance(Duration::from_secs(10)).unwrap();
    let chair = answered(&emulator, &app, "/chair-board", "+15550000002").await;
    until(&emulator, &chair, "the beep", |e| e["event"] == "heard").await;
    let started = asked_for(&asked, "/room-recording", 1).await;
    assert_eq!(value(&started[0], "RecordingStatus"), Some("in-progress"));
    assert_eq!(value(&started[0], "RecordingSource"), Some("Conference"));
    assert_eq!(value(&started[0], "ConferenceSid"), Some(room.as_str()));
    assert_eq!(value(&started[0], "CallSid"), Some(chair.as_str()));
    assert_eq!(value(&started[0], "RecordingDuration"), Some("0"));
    let made = recordings(&emulator).await;
    assert_eq!(made.len(), 1, "{made:#?}");
    assert_eq!(
        made[0].status,
        signalwire_compat::RecordingStatus::InProgress
    );
    assert_eq!(
        made[0].source,
        Some(signalwire_compat::RecordingSource::Conference)
    );
    let sid = made[0].sid.to_string();
    assert_eq!(value(&started[0], "RecordingSid"), Some(sid.as_str()));
    assert!(
        value(&started[0], "RecordingUrl")
            .unwrap()
            .ends_with(&format!("/Recordings/{sid}"))
    );
    let entered = vec![("enter".to_owned(), chair.clone())];
    assert_eq!(beeps(&emulator, &waiter).await, entered);
    assert_eq!(beeps(&emulator, &chair).await, entered);

    // The chair leaves a minute later: the waiter hears it go, and the room goes on.
    emulator.clock().advance(Duration::from_secs(60)).unwrap();
    hang_up(&emulator, &chair).await;
    until(&emulator, &waiter, "the exit beep", |e| {
        e["event"] == "heard" && e["beep"] == "exit"
    })
    .await;
    assert_eq!(
        recordings(&emulator).await[0].status,
        signalwire_compat::RecordingStatus::InProgress
    );

    // The waiter, last in, leaves (without a beep, as it asked): the room ends, and its
    // recording is complete, 90 s long, its callback told.
    emulator.clock().advance(Duration::from_secs(30)).unwrap();
    hang_up(&emulator, &waiter).await;
    let done = asked_for(&asked, "/room-recording", 2).await;
    assert_eq!(value(&done[1], "RecordingStatus"), Some("completed"));
    assert_eq!(value(&done[1], "RecordingDuration"), Some("90"));
    assert_eq!(value(&done[1], "RecordingSid"), Some(sid.as_str()));
    let made = recordings(&emulator).await;
    assert_eq!(
        made[0].status,
        signalwire_compat::RecordingStatus::Completed
    );
    assert_eq!(made[0].duration, Some(90));
    assert_eq!(
        beeps(&emulator, &waiter).await,
        vec![
            ("enter".to_owned(), chair.clone()),
            ("exit".to_owned(), chair.clone())
        ]
    );
}

#[tokio::test]
async fn a_coach_joins_coaching_a_call_in_the_room_and_one_that_is_not_there_fails() {
    let emulator = emulator().await;
    let (app, _) = app().await;
    let alice = answered(&emulator, &app, "/join", "+15550000001").await;
    until(&emulator, &alice, "the Dial", dialed).await;
    let stranger = "5e000000-0000-4000-8000-00000000dead";
    let nowhere = format!(
        r#"<Response><Dial action="/after"><Conference coach="{alice}">nowhere</Conference></Dial></Response>"#
    );
    let (coaching, asked) = pages_app(|_| {
        vec![
            (
                "/coach",
                format!(r#"<Response><Dial action="/after"><Conference coach="{alice}">standup</Conference></Dial></Response>"#),
            ),
            (
                "/stranger",
                format!(r#"<Response><Dial action="/after"><Conference coach="{stranger}">standup</Conference></Dial></Response>"#),
            ),
            ("/nowhere", nowhere),
            (
                "/garbled",
                r#"<Response><Dial action="/after"><Conference coach="alice">standup</Conference></Dial></Response>"#.to_owned(),
            ),
            ("/after", "<Response><Hangup/></Response>".to_owned()),
        ]
    })
    .await;
    let coach = answered(&emulator, &coaching, "/coach", "+15550000002").await;
    until(&emulator, &coach, "the Dial", dialed).await;
    let room = rooms(&emulator, "standup").await[0].sid.to_string();
    let in_room = people(&emulator, &room).await;
    let the_coach = in_room
        .iter()
        .find(|p| p.call_sid.to_string() == coach)
        .unwrap();
    assert!(the_coach.coaching);
    assert_eq!(
        the_coach
            .call_sid_to_coach
            .as_ref()
            .map(ToString::to_string),
        Some(alice.clone())
    );
    let the_coached = in_room
        .iter()
        .find(|p| p.call_sid.to_string() == alice)
        .unwrap();
    assert!(!the_coached.coaching);

    // A call that is not in the room, or a coach that is no SID: the Dial fails with
    // 13240, and the call does not join.
    for (page, n) in [("/stranger", 1), ("/garbled", 2), ("/nowhere", 3)] {
        let call = answered(&emulator, &coaching, page, "+15550000003").await;
        let after = asked_for(&asked, "/after", n).await;
        assert_eq!(value(&after[n - 1], "DialCallStatus"), Some("failed"));
        assert_eq!(value(&after[n - 1], "CallSid"), Some(call.as_str()));
        let entries = log(&emulator, &call).await;
        assert!(
            entries
                .iter()
                .any(|e| e["event"] == "error" && e["code"] == 13240),
            "{entries:#?}"
        );
    }
    let in_room = people(&emulator, &room).await;
    assert_eq!(in_room.len(), 2, "{in_room:#?}");
    // A coach opens no room: there is none by the name it asked for.
    assert!(rooms(&emulator, "nowhere").await.is_empty());
}

#[tokio::test]
async fn a_waiting_call_plays_its_wait_url_again_and_again_until_the_room_starts() {
    let emulator = emulator().await;
    let (app, asked) = app().await;
    let waiter = answered(&emulator, &app, "/wait-music", "+15550000001").await;
    let hold = asked_for(&asked, "/hold", 1).await;
    // The wait document is asked as any of the call's documents: signed, with its
    // parameters.
    assert_eq!(value(&hold[0], "CallSid"), Some(waiter.as_str()));
    assert_eq!(value(&hold[0], "CallStatus"), Some("in-progress"));
    until(&emulator, &waiter, "the Play", verb("Play")).await;
    // Its Play takes 5 s, its Say is skipped, its Pause 2 s; then it is asked again.
    emulator.clock().advance(Duration::from_secs(5)).unwrap();
    until(&emulator, &waiter, "the Pause", verb("Pause")).await;
    emulator.clock().advance(Duration::from_secs(2)).unwrap();
    asked_for(&asked, "/hold", 2).await;
    let entries = log(&emulator, &waiter).await;
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "skipped" && e["verb"] == "Say"),
        "{entries:#?}"
    );
    assert!(
        entries
            .iter()
            .filter(|e| e["event"] == "verb" && e["verb"] != "Dial")
            .all(|e| e["while"] == "waiting"),
        "{entries:#?}"
    );

    // A call that starts the room ends the waiting: the music stops mid-Play.
    until_count(&emulator, &waiter, "the second Play", verb("Play"), 2).await;
    let opener = answered(&emulator, &app, "/open-lobby", "+15550000002").await;
    until(&emulator, &opener, "the Dial", dialed).await;
    until(&emulator, &waiter, "the end of the wait", |e| {
        e["event"] == "input" && e["why"] == "the conference started"
    })
    .await;
    // Ten minutes on, in small steps: the wait document is not asked again.
    for _ in 0..60 {
        emulator.clock().advance(Duration::from_secs(10)).unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let asked_hold = asked
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _, _)| p == "/hold")
        .count();
    assert_eq!(
        asked_hold, 2,
        "the wait music went on after the room started"
    );
    let room = rooms(&emulator, "lobby").await[0].sid.to_string();
    let in_room = people(&emulator, &room).await;
    assert_eq!(in_room.len(), 2, "{in_room:#?}");
}

#[tokio::test]
async fn a_wait_url_whose_documents_take_no_time_is_asked_a_few_times_then_silence() {
    // On the real clock, where time passes while a document is asked for: "no time" is what
    // the document asks for, not what the clock says.
    let emulator = Emulator::start().await.unwrap();
    let (app, asked) = app().await;
    let call = emulator
        .client()
        .calls()
        .create("+15550000001", "+15551230001")
        .url(format!("{app}/wait-nothing"))
        .send()
        .await
        .unwrap();
    let waiter = call.sid.to_string();
    emulator
        .wait_for_log(&call.sid, Duration::from_secs(10), |e| e.is_verb("Dial"))
        .await
        .unwrap();
    until(&emulator, &waiter, "the silence", |e| {
        e["event"] == "skipped" && e["why"].as_str().is_some_and(|w| w.contains("no time"))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let n = asked
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _, _)| p == "/no-music")
        .count();
    assert_eq!(n, 4);
    // The call is still in the room, waiting.
    let call = emulator
        .client()
        .call(waiter.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(call.status, CallStatus::InProgress);
}

#[tokio::test]
async fn the_demo_participants_are_calls_whose_dial_seats_them_and_they_go_on_when_they_leave() {
    use signalwire_compat::emulator::{CallCxml, SEATED_LINE, demo};
    let emulator = emulator().await;
    let client = emulator.client();
    let [chair, muted, held, _, coach, _] = demo::CALL_SIDS.map(|s| s.to_string());
    // Each came in to the conference line when it joined and runs <Dial><Conference> with
    // its participant's attributes.
    let call = client.call(muted.as_str()).fetch().await.unwrap();
    assert_eq!(call.status, CallStatus::InProgress);
    assert_eq!(
        call.direction.map(|d| d.to_string()).as_deref(),
        Some("inbound")
    );
    assert_eq!(call.to.as_deref(), Some(SEATED_LINE));
    assert_eq!(call.from.as_deref(), Some("+15550200002"));
    let started = call.start_time.map(|t| t.to_rfc3339());
    assert_eq!(started.as_deref(), Some("2026-11-25T10:01:00+00:00"));
    let document = |sid| match emulator.call_cxml(sid) {
        Some(CallCxml::Document(text)) => text,
        other => panic!("{other:?}"),
    };
    let text = document(demo::CALL_SIDS[1]);
    assert!(text.contains(r#"muted="true""#), "{text}");
    assert!(text.contains(">Daily standup</Conference>"), "{text}");
    let text = document(demo::CALL_SIDS[4]);
    assert!(
        text.contains(&format!(r#"coach="{chair}""#))
            && text.contains(r#"startConferenceOnEnter="false""#),
        "{text}"
    );
    for sid in [&chair, &muted, &coach] {
        let entries = until(&emulator, sid, "the seated Dial", verb("Dial")).await;
        let dial = entries.iter().find(|e| verb("Dial")(e)).unwrap();
        assert_eq!(dial["conference_sid"], demo::CONFERENCE_SID.to_string());
        assert!(dial["seated"].is_string(), "{dial}");
    }
    // Seated, it did not enter again: the room has its six, as the seed says.
    let room = demo::CONFERENCE_SID.to_string();
    assert_eq!(people(&emulator, &room).await.len(), 6);
    assert!(emulator.callbacks().is_empty());

    // Taken out over the REST API, the call goes on after its <Dial>: no more verbs, so it
    // ends.
    client
        .conference(demo::CONFERENCE_SID)
        .participant(muted.as_str())
        .remove()
        .await
        .unwrap();
    until(&emulator, &muted, "the end", |e| e["event"] == "ended").await;
    let call = client.call(muted.as_str()).fetch().await.unwrap();
    assert_eq!(call.status, CallStatus::Completed);
    // Hung up over the REST API, a call leaves its room.
    client.call(held.as_str()).hangup().await.unwrap();
    let left: Vec<String> = people(&emulator, &room)
        .await
        .iter()
        .map(|p| p.call_sid.to_string())
        .collect();
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(!left.contains(&held) && !left.contains(&muted));
    // The chair ends the conference as it leaves: everyone else's call goes on, and ends.
    client.call(chair.as_str()).hangup().await.unwrap();
    let conference = client.conference(&room).fetch().await.unwrap();
    assert_eq!(conference.status, ConferenceStatus::Completed);
    until(&emulator, &coach, "the end", |e| e["event"] == "ended").await;
    let calls = client
        .calls()
        .list()
        .to(SEATED_LINE)
        .status(CallStatus::InProgress)
        .send()
        .await
        .unwrap();
    let left: Vec<String> = calls.items.iter().map(|c| c.sid.to_string()).collect();
    // Only "Design review"'s two are still in progress.
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        demo::CALL_SIDS
            .iter()
            .all(|d| !left.contains(&d.to_string())),
        "{left:?}"
    );
}
