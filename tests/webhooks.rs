//! Webhooks: conference status callbacks of every kind read into events, signatures checked
//! end to end, and any change to a signed request refused.

mod support;

use proptest::prelude::*;
use signalwire_compat::webhooks::{
    ConferenceEvent, ConferenceEventKind, Payload, SigningKey, Validator, WebhookError,
};

const KEY: &str = "PSK_test-signing-key-0123";
const CONFERENCE: &str = "b3877c40-da60-4998-90ad-b792e98472cf";
const CALL: &str = "b3877c40-da60-4998-90ad-b792e98472ca";
const ACCOUNT: &str = "b3877c40-da60-4998-90ad-b792e98472af";

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The event's own values added to the common ones, replacing those of the same name.
fn merged(mut pairs: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    for (key, value) in form(extra) {
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => pairs.push((key, value)),
        }
    }
    pairs
}

/// A callback as SignalWire sends it: its common parameters and the event's own.
fn callback(event: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let pairs = form(&[
        ("AccountSid", ACCOUNT),
        ("ConferenceSid", CONFERENCE),
        ("FriendlyName", "Daily standup"),
        ("StatusCallbackEvent", event),
        ("Timestamp", "Wed, 25 Nov 2026 10:00:07 +0000"),
        ("ApiVersion", "2010-04-01"),
    ]);
    merged(pairs, extra)
}

fn participant(event: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let pairs = callback(
        event,
        &[
            ("CallSid", CALL),
            ("CallStatus", "in-progress"),
            ("Direction", "inbound"),
            ("From", "+15551230001"),
            ("To", "+15551239999"),
            ("Muted", "false"),
            ("Hold", "false"),
            ("EndConferenceOnExit", "false"),
            ("StartConferenceOnEnter", "true"),
        ],
    );
    merged(pairs, extra)
}

#[test]
fn every_kind_of_callback_reads_into_an_event() {
    let payloads = vec![
        ("conference-start", callback("conference-start", &[])),
        (
            "conference-end (Twilio's extra reasons)",
            callback(
                "conference-end",
                &[
                    ("CallSidEndingConference", CALL),
                    (
                        "ReasonConferenceEnded",
                        "participant-with-end-conference-on-exit-left",
                    ),
                    ("SequenceNumber", "12"),
                ],
            ),
        ),
        ("participant-join", participant("participant-join", &[])),
        (
            "participant-leave",
            participant(
                "participant-leave",
                &[("ReasonParticipantLeft", "participant_hung_up")],
            ),
        ),
        (
            "participant-mute (TRUE in upper case)",
            participant("participant-mute", &[("Muted", "TRUE")]),
        ),
        ("participant-unmute", participant("participant-unmute", &[])),
        (
            "participant-hold (1 for true)",
            participant("participant-hold", &[("Hold", "1")]),
        ),
        ("participant-unhold", participant("participant-unhold", &[])),
        (
            "participant-speech-start",
            participant("participant-speech-start", &[]),
        ),
        (
            "participant-speech-stop",
            participant("participant-speech-stop", &[]),
        ),
        (
            "participant-modify (Twilio: coaching, label)",
            participant(
                "participant-modify",
                &[
                    ("Coaching", "true"),
                    ("ParticipantLabel", "host"),
                    ("CallSidToCoach", CALL),
                ],
            ),
        ),
        (
            "announcement-end (Twilio)",
            callback("announcement-end", &[]),
        ),
        (
            "an event no one documents, with odd values",
            callback(
                "participant-teleport",
                &[
                    ("Muted", "maybe"),
                    ("Timestamp", "last Tuesday"),
                    ("SequenceNumber", "-3"),
                    ("Custom", "kept"),
                ],
            ),
        ),
    ];
    let mut text = String::new();
    for (what, pairs) in payloads {
        let event = ConferenceEvent::from_form(&pairs).unwrap();
        text.push_str(&format!("== {what}\n{event:#?}\n"));
    }
    insta::assert_snapshot!("conference_events", text);
}

#[test]
fn a_repeated_parameter_is_kept_unless_the_event_reads_it_with_two_values() {
    // A name the event reads, sent twice with different values: which counts cannot be
    // told (a signature over sorted values does not order them), so it is refused.
    let mut pairs = callback("participant-join", &[]);
    pairs.push(("FriendlyName".into(), "Second name".into()));
    assert_eq!(
        ConferenceEvent::from_form(&pairs).unwrap_err(),
        signalwire_compat::webhooks::WebhookError::AmbiguousParameter("FriendlyName".into())
    );
    // The same value twice is one value; a name it does not read keeps its others.
    let mut pairs = callback("participant-join", &[]);
    for (name, value) in [
        ("Custom", "one"),
        ("Custom", "two"),
        ("FriendlyName", "Daily standup"),
    ] {
        pairs.push((name.into(), value.into()));
    }
    let event = ConferenceEvent::from_form(&pairs).unwrap();
    assert_eq!(event.friendly_name.as_deref(), Some("Daily standup"));
    assert_eq!(event.other["Custom"], "one");
    assert_eq!(event.other["Custom[2]"], "two");
}

#[test]
fn a_name_repeated_many_times_is_numbered_in_order_and_read_in_linear_time() {
    let mut pairs = callback("participant-join", &[]);
    // A name sent literally in the numbered form is stepped over, not overwritten.
    pairs.push(("Label[3]".into(), "literal".into()));
    for value in ["one", "two", "three", "four"] {
        pairs.push(("Label".into(), value.into()));
    }
    let event = ConferenceEvent::from_form(&pairs).unwrap();
    let numbered: Vec<(&str, &str)> = ["Label", "Label[2]", "Label[3]", "Label[4]", "Label[5]"]
        .iter()
        .map(|k| (*k, event.other[*k].as_str()))
        .collect();
    assert_eq!(
        numbered,
        [
            ("Label", "one"),
            ("Label[2]", "two"),
            ("Label[3]", "literal"),
            ("Label[4]", "three"),
            ("Label[5]", "four")
        ]
    );

    // 21,000 repeats of one name (63 KB, under the extractor's body limit) once took 107 s;
    // read linearly they take milliseconds. The bound is far above that, far below the old.
    let mut pairs = callback("participant-join", &[]);
    pairs.extend((0..21_000).map(|_| ("a".to_owned(), String::new())));
    let started = std::time::Instant::now();
    let event = ConferenceEvent::from_form(&pairs).unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(event.other.len(), 21_001);
    assert!(event.other.contains_key("a[21000]"));
}

#[test]
fn an_event_cannot_be_without_its_kind_and_conference() {
    let mut pairs = callback("participant-join", &[]);
    pairs.retain(|(k, _)| k != "ConferenceSid");
    assert_eq!(
        ConferenceEvent::from_form(&pairs),
        Err(WebhookError::MissingParameter("ConferenceSid"))
    );
    let mut pairs = callback("participant-join", &[]);
    pairs.retain(|(k, _)| k != "StatusCallbackEvent");
    assert_eq!(
        ConferenceEvent::from_form(&pairs),
        Err(WebhookError::MissingParameter("StatusCallbackEvent"))
    );
}

/// Signs a form body for `url` as SignalWire does: the URL, then each parameter's name and
/// value in name order, HMAC-SHA1 with the key, in base64.
fn signed(url: &str, pairs: &[(String, String)]) -> (String, Vec<u8>) {
    use base64::Engine as _;
    use hmac::Mac as _;
    let mut sorted: Vec<_> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter())
        .finish()
        .into_bytes();
    (signature, body)
}

fn validator() -> Validator {
    Validator::new(SigningKey::new(KEY).unwrap())
}

#[test]
fn a_signed_callback_is_read_and_a_tampered_one_refused() {
    let url = "https://example.com/conference-events?room=standup";
    let pairs = participant("participant-mute", &[("Muted", "true")]);
    let (signature, body) = signed(url, &pairs);
    let event = validator()
        .conference_event(&signature, url, &body)
        .unwrap();
    assert_eq!(event.kind, ConferenceEventKind::ParticipantMute);
    assert_eq!(event.muted, Some(true));

    // The same body with Muted=false: refused.
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("Muted=true", "Muted=false");
    assert_eq!(
        validator().conference_event(&signature, url, tampered.as_bytes()),
        Err(WebhookError::BadSignature)
    );
    // Another URL, another key: refused.
    assert!(
        validator()
            .conference_event(
                &signature,
                "https://example.com/conference-events?room=other",
                &body
            )
            .is_err()
    );
    let other = Validator::new(SigningKey::new("PSK_another").unwrap());
    assert_eq!(
        other.conference_event(&signature, url, &body),
        Err(WebhookError::BadSignature)
    );
    // The key is never printed.
    assert!(!format!("{:?}", validator()).contains(KEY));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Changing any byte of the URL, of a parameter's name or value, or of a raw body turns
    /// a valid signature into an invalid one.
    #[test]
    fn any_change_to_a_signed_request_is_refused(
        path in "[a-z/]{1,20}",
        params in proptest::collection::vec(("[A-Za-z]{1,8}", "[ -~]{0,12}"), 1..6),
        which in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let url = format!("https://example.com/{path}?a=1");
        let pairs: Vec<(String, String)> = params;
        let (signature, _) = signed(&url, &pairs);
        let v = validator();
        prop_assert_eq!(v.check(&signature, &url, Payload::Form(&pairs)), Ok(()));

        // A byte of the URL.
        let mut bytes = url.clone().into_bytes();
        let i = which.index(bytes.len());
        bytes[i] ^= flip;
        if let Ok(changed) = String::from_utf8(bytes) {
            // Taking out a default port is the one change validators accept on purpose.
            if changed != url {
                prop_assert!(v.check(&signature, &changed, Payload::Form(&pairs)).is_err(), "{}", changed);
            }
        }

        // A byte of a parameter's name or value.
        let mut changed = pairs.clone();
        let slot = which.index(changed.len() * 2);
        let text = if slot % 2 == 0 { &mut changed[slot / 2].0 } else { &mut changed[slot / 2].1 };
        let mut bytes = std::mem::take(text).into_bytes();
        if bytes.is_empty() {
            bytes.push(flip);
        } else {
            let i = which.index(bytes.len());
            bytes[i] ^= flip;
        }
        if let Ok(new) = String::from_utf8(bytes) {
            *text = new;
            let mut a = changed.clone();
            let mut b = pairs.clone();
            a.sort();
            b.sort();
            if a != b {
                prop_assert!(v.check(&signature, &url, Payload::Form(&changed)).is_err());
            }
        }
    }

    /// A raw body is covered through its SHA-256 in the URL: any change to it is refused.
    #[test]
    fn any_change_to_a_raw_body_is_refused(
        body in proptest::collection::vec(any::<u8>(), 1..64),
        which in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
    ) {
        use sha2::Digest as _;
        let hash: String = sha2::Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
        let url = format!("https://example.com/events?bodySHA256={hash}");
        let (signature, _) = signed(&url, &[]);
        let v = validator();
        prop_assert_eq!(v.check(&signature, &url, Payload::Raw(&body)), Ok(()));
        let mut changed = body.clone();
        let i = which.index(changed.len());
        changed[i] ^= flip;
        prop_assert_eq!(v.check(&signature, &url, Payload::Raw(&changed)), Err(WebhookError::BodyHashMismatch));
    }
}

#[test]
fn a_call_s_webhooks_read_into_their_types() {
    use signalwire_compat::{
        AnsweredBy, CallDirection, CallStatus, RecordingStatus,
        webhooks::{CallStatusCallback, RecordingStatusCallback, VoiceRequest},
    };
    let voice = VoiceRequest::from_form(&form(&[
        ("CallSid", CALL),
        ("AccountSid", ACCOUNT),
        ("From", "+15550001111"),
        ("To", "+15550002222"),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
        ("Digits", "1"),
        ("SpeechResult", "sales please"),
        ("Confidence", "0.92"),
        ("DialCallStatus", "no-answer"),
        ("DialCallDuration", "soon"),
        ("Custom", "kept"),
    ]))
    .unwrap();
    assert_eq!(voice.call_sid.as_str(), CALL);
    assert_eq!(voice.call_status, Some(CallStatus::Ringing));
    assert_eq!(voice.direction, Some(CallDirection::Inbound));
    assert_eq!(voice.digits.as_deref(), Some("1"));
    assert_eq!(voice.confidence, Some(0.92));
    assert_eq!(voice.dial_call_status, Some(CallStatus::NoAnswer));
    assert_eq!(voice.dial_call_duration, None, "not a number: kept as sent");
    assert_eq!(voice.other["DialCallDuration"], "soon");
    assert_eq!(voice.other["Custom"], "kept");
    assert_eq!(
        VoiceRequest::from_form(&form(&[("AccountSid", ACCOUNT)])),
        Err(WebhookError::MissingParameter("CallSid"))
    );

    let status = CallStatusCallback::from_form(&form(&[
        ("CallSid", CALL),
        ("AccountSid", ACCOUNT),
        ("CallStatus", "completed"),
        ("CallDuration", "42"),
        ("SequenceNumber", "3"),
        ("Timestamp", "Wed, 02 Dec 2026 07:00:00 +0000"),
        ("AnsweredBy", "machine_end_beep"),
        ("Custom", "kept"),
    ]))
    .unwrap();
    assert_eq!(status.other["Custom"], "kept");
    assert!(status.call_status.is_over());
    assert_eq!(status.call_duration, Some(42));
    assert_eq!(status.sequence_number, Some(3));
    assert_eq!(status.answered_by, Some(AnsweredBy::MachineEndBeep));
    assert!(status.timestamp.is_some());
    assert_eq!(
        CallStatusCallback::from_form(&form(&[("CallSid", CALL), ("AccountSid", ACCOUNT)])),
        Err(WebhookError::MissingParameter("CallStatus"))
    );

    let recording = RecordingStatusCallback::from_form(&form(&[
        ("RecordingSid", "19e436af-5688-4307-b03b-bdb2b42b8142"),
        ("AccountSid", ACCOUNT),
        ("RecordingStatus", "completed"),
        ("CallSid", CALL),
        ("RecordingDuration", "12"),
        ("RecordingChannels", "2"),
        ("Custom", "kept"),
    ]))
    .unwrap();
    assert_eq!(recording.other["Custom"], "kept");
    assert_eq!(recording.recording_status, RecordingStatus::Completed);
    assert_eq!(recording.recording_channels, Some(2));
    assert_eq!(recording.call_sid.as_ref().map(|c| c.as_str()), Some(CALL));
}

#[test]
fn a_signed_voice_request_is_read_and_a_tampered_one_refused() {
    use signalwire_compat::webhooks::VoiceRequest;
    let url = "https://example.com/voice";
    let pairs = form(&[("CallSid", CALL), ("AccountSid", ACCOUNT), ("Digits", "1")]);
    let (signature, body) = signed(url, &pairs);
    let request: VoiceRequest = validator().read(&signature, url, &body).unwrap();
    assert_eq!(request.digits.as_deref(), Some("1"));
    let tampered = String::from_utf8(body)
        .unwrap()
        .replace("Digits=1", "Digits=9");
    assert_eq!(
        validator().read::<VoiceRequest>(&signature, url, tampered.as_bytes()),
        Err(WebhookError::BadSignature)
    );
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn a_handler_takes_a_voice_request_and_answers_with_cxml() {
    use axum::{Router, routing::post};
    use signalwire_compat::{
        cxml::{Say, VoiceResponse},
        webhooks::{
            UrlSource, VoiceRequest,
            axum::{Signed, WebhookConfig},
        },
    };
    async fn voice(Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
        let who = call.from.unwrap_or_else(|| "caller".into());
        VoiceResponse::new().say(Say::new(format!("Hello, {who} <3")))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = WebhookConfig {
        validator: validator(),
        url: UrlSource::Public(format!("http://{addr}")),
    };
    let app = Router::new()
        .route("/voice", post(voice))
        .with_state(config);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let url = format!("http://{addr}/voice");
    let pairs = form(&[
        ("CallSid", CALL),
        ("AccountSid", ACCOUNT),
        ("From", "+15550001111"),
    ]);
    let (signature, body) = signed(&url, &pairs);
    let http = support::raw();
    let answer = http
        .post(&url)
        .header("X-SignalWire-Signature", &signature)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/xml; charset=utf-8");
    let xml = answer.text().await.unwrap();
    let doc = VoiceResponse::parse(&xml).unwrap();
    assert_eq!(
        doc,
        VoiceResponse::new().say(Say::new("Hello, +15550001111 <3"))
    );
    let forged = http
        .post(&url)
        .header("X-SignalWire-Signature", "forged")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    // A body past 64 kB is refused unread (413), and a signed form without a parameter the
    // type needs is a bad request (400), each saying why.
    let huge = format!(
        "CallSid={CALL}&AccountSid={ACCOUNT}&Pad={}",
        "x".repeat(70_000)
    );
    let refused = http
        .post(&url)
        .header("X-SignalWire-Signature", &signature)
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 413);
    assert!(refused.text().await.unwrap().contains("65536"));
    let (signature, body) = signed(&url, &form(&[("AccountSid", ACCOUNT)]));
    let refused = http
        .post(&url)
        .header("X-SignalWire-Signature", &signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("CallSid"));
}

#[test]
fn a_replayed_callback_is_told_by_its_time_and_its_identity() {
    use signalwire_compat::webhooks::CallStatusCallback;
    use std::time::Duration;
    let at = "Wed, 02 Dec 2026 07:00:00 +0000";
    let sent = chrono::DateTime::parse_from_rfc2822(at).unwrap().to_utc();
    let window = Duration::from_secs(300);
    let later = |s: i64| sent + chrono::Duration::seconds(s);

    let call = |status: &str, seq: &str| {
        CallStatusCallback::from_form(&form(&[
            ("CallSid", CALL),
            ("AccountSid", ACCOUNT),
            ("CallStatus", status),
            ("SequenceNumber", seq),
            ("Timestamp", at),
        ]))
        .unwrap()
    };
    let completed = call("completed", "3");
    assert_eq!(completed.check_fresh(later(60), window), Ok(()));
    assert_eq!(
        completed.check_fresh(later(3_600), window),
        Err(WebhookError::Stale {
            age_seconds: 3_600,
            window_seconds: 300
        })
    );
    assert_eq!(
        completed.identity(),
        format!("call {CALL} completed seq 3 at 2026-12-02T07:00:00+00:00")
    );
    assert_eq!(completed.identity(), call("completed", "3").identity());
    assert_ne!(completed.identity(), call("completed", "4").identity());
    assert_ne!(completed.identity(), call("ringing", "3").identity());

    let event = |seq: &str| {
        ConferenceEvent::from_form(&form(&[
            ("ConferenceSid", CONFERENCE),
            ("AccountSid", ACCOUNT),
            ("StatusCallbackEvent", "participant-join"),
            ("CallSid", CALL),
            ("SequenceNumber", seq),
            ("Timestamp", at),
        ]))
        .unwrap()
    };
    let joined = event("2");
    assert_eq!(joined.check_fresh(later(-60), window), Ok(()));
    assert!(matches!(
        joined.check_fresh(later(-301), window),
        Err(WebhookError::Stale { .. })
    ));
    assert_eq!(
        joined.identity(),
        format!(
            "conference {CONFERENCE} participant-join call {CALL} seq 2 at 2026-12-02T07:00:00+00:00"
        )
    );
    assert_eq!(joined.identity(), event("2").identity());
    assert_ne!(joined.identity(), event("3").identity());
}
