//! Properties over thousands of generated inputs: parsing never panics, whatever the server
//! sends, and strict RFC 2822 output always reads back as the same instant.

use chrono::{DateTime, FixedOffset, TimeZone};
use proptest::prelude::*;
use signalwire_compat::{
    __private as p,
    time::{format_rfc2822, parse_rfc2822},
};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Instants from year 1900 to 9999, at any whole-minute offset RFC 2822 can write.
fn instants() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (
        -2_208_988_800i64..253_402_300_799,
        -(23 * 60 + 59)..=(23 * 60 + 59i32),
    )
        .prop_map(|(secs, minutes)| {
            FixedOffset::east_opt(minutes * 60)
                .unwrap()
                .timestamp_opt(secs, 0)
                .unwrap()
        })
}

/// JSON values shaped like a participant, with every field free to be odd.
fn participant_like() -> impl Strategy<Value = serde_json::Value> {
    let any_json = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    let date = prop_oneof![
        instants().prop_map(|d| format_rfc2822(&d)),
        "(Mon|Tue|Sept|xx|,| |[0-9]|:|\\+|-|GMT|UT){0,12}",
        ".{0,30}",
    ];
    (
        proptest::collection::vec(("[a-z_]{1,24}", any_json.clone()), 0..20),
        date.clone(),
        date,
        ".{0,20}",
        any::<bool>(),
    )
        .prop_map(|(fields, created, updated, status, muted)| {
            let mut o = serde_json::Map::new();
            for (k, v) in fields {
                o.insert(k, v);
            }
            for key in ["account_sid", "call_sid", "conference_sid", "uri"] {
                o.entry(key)
                    .or_insert_with(|| "b3877c40-da60-4998-90ad-b792e98472co".into());
            }
            for key in [
                "coaching",
                "end_conference_on_exit",
                "hold",
                "start_conference_on_enter",
            ] {
                o.entry(key).or_insert(false.into());
            }
            o.insert("muted".into(), muted.into());
            o.insert("date_created".into(), created.into());
            o.insert("date_updated".into(), updated.into());
            o.insert("status".into(), status.into());
            o.entry("call_sid_to_coach")
                .or_insert(serde_json::Value::Null);
            serde_json::Value::Object(o)
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn strict_output_reads_back_as_the_same_instant(d in instants()) {
        let text = format_rfc2822(&d);
        let back = parse_rfc2822(&text).unwrap();
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.offset(), d.offset());
        prop_assert_eq!(DateTime::parse_from_rfc2822(&text).unwrap(), d, "chrono's strict reader agrees");
    }

    #[test]
    fn the_date_reader_never_panics(text in ".{0,60}") {
        let _ = parse_rfc2822(&text);
    }

    #[test]
    fn date_like_text_never_panics(text in "(Mon|Sun|, |[0-9]{1,4}| |Sep|Sept|Feb|[0-9]{2}:[0-9]{2}(:[0-9]{2})?|[+-][0-9]{4}|GMT|EST|Z|A|J){0,10}") {
        if let Ok(d) = parse_rfc2822(&text) {
            prop_assert_eq!(parse_rfc2822(&format_rfc2822(&d)).unwrap(), d);
        }
    }

    #[test]
    fn any_bytes_decode_to_a_value_or_an_error(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = p::decode_participant(&body);
        let _ = p::decode_page(&body);
        let _ = p::snippet(&body);
        let e = p::error_from_body(503, &body);
        prop_assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "the status is always kept");
    }

    #[test]
    fn odd_participants_are_read_not_refused(value in participant_like()) {
        let body = serde_json::to_vec(&value).unwrap();
        match p::decode_participant(&body) {
            Ok(participant) => {
                // What could be read as a date is; what could not is None.
                let created = value["date_created"].as_str().unwrap();
                prop_assert_eq!(participant.date_created, parse_rfc2822(created).ok());
                prop_assert_eq!(participant.status.as_str(), value["status"].as_str().unwrap());
            }
            // Only a field of the wrong JSON type may refuse a participant.
            Err(e) => prop_assert!(e.is_data(), "{e}"),
        }
    }

    #[test]
    fn next_page_uris_are_followed_or_refused_never_a_panic(uri in ".{0,120}") {
        let _ = p::follow_next_page(&uri);
    }

    #[test]
    fn next_page_uris_with_odd_queries_never_panic(query in "([A-Za-z]{1,9}=[^&#]{0,12}&?){0,6}") {
        let uri = format!(
            "/api/laml/2010-04-01/Accounts/00000000-0000-0000-0000-000000000001/Conferences/00000000-0000-0000-0000-000000000001/Participants?{query}"
        );
        let _ = p::follow_next_page(&uri);
    }

    #[test]
    fn error_bodies_keep_status_and_code(status in 400u16..600, code in any::<i32>(), message in ".{1,40}") {
        let body = serde_json::json!({"code": code, "message": message, "status": status});
        let e = p::error_from_body(status, body.to_string().as_bytes());
        prop_assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        prop_assert_eq!(e.code(), Some(i64::from(code)));
    }
}
