//! A dry-run client against the emulator: reads go through, changes are built exactly as
//! they would be sent and stopped before they leave, with their secrets taken out.

#![cfg(feature = "emulator")]

use signalwire_compat::{
    ErrorKind,
    emulator::{Emulator, demo},
};

#[tokio::test]
async fn changes_stop_before_they_are_sent_and_reads_go_through() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client_builder().dry_run(true).build().unwrap();
    let conference = client.conference(demo::CONFERENCE_SID);
    let alice = conference.participant(demo::CALL_SIDS[0]);

    // Reads are sent.
    let before = alice.fetch().await.unwrap();
    assert!(!before.muted);

    // An update is built, stopped and described.
    let stopped = alice
        .update()
        .muted(true)
        .hold_url("https://example.com/hold.xml")
        .send()
        .await
        .unwrap_err();
    assert_eq!(stopped.kind(), ErrorKind::DryRun);
    assert!(!stopped.is_retryable());
    let request = stopped.dry_run().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        format!(
            "{}/Accounts/{}/Conferences/{}/Participants/{}",
            emulator.base_url(),
            demo::PROJECT_ID,
            demo::CONFERENCE_SID,
            demo::CALL_SIDS[0]
        )
    );
    let form: Vec<(&str, &str)> = request
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        form,
        [
            ("HoldUrl", "https://example.com/hold.xml"),
            ("Muted", "true")
        ]
    );
    assert!(
        stopped
            .to_string()
            .starts_with("dry run, not sent: POST http://"),
        "{stopped}"
    );

    // A removal and an ending are stopped too; nothing changed on the server.
    let removal = alice.remove().await.unwrap_err();
    assert_eq!(removal.dry_run().unwrap().method, "DELETE");
    assert!(removal.dry_run().unwrap().form.is_empty());
    let ending = conference.end().await.unwrap_err();
    assert_eq!(
        ending.dry_run().unwrap().form,
        [("Status".to_owned(), "completed".to_owned())]
    );
    let after = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap();
    assert_eq!(after, before);
    let live = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .fetch()
        .await
        .unwrap();
    assert_eq!(live.status.as_str(), "in-progress");

    // Nothing reached the server's announcement or stream logs either.
    assert!(
        conference
            .announce("https://example.com/a.xml")
            .await
            .is_err()
    );
    assert!(emulator.announcements(demo::CONFERENCE_SID).is_empty());
}

#[tokio::test]
async fn a_stopped_request_never_shows_the_bearer_token_or_the_api_token() {
    const BEARER: &str = "stream-bearer-secret-123";
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client_builder().dry_run(true).build().unwrap();
    let stopped = client
        .conference(demo::CONFERENCE_SID)
        .streams()
        .start("wss://transcriber.example/audio")
        .bearer_token(BEARER)
        .send()
        .await
        .unwrap_err();
    let request = stopped.dry_run().unwrap();
    assert!(
        request
            .form
            .iter()
            .any(|(k, v)| k == "AuthorizationBearerToken" && v == "[redacted]"),
        "{request:?}"
    );
    for text in [
        stopped.to_string(),
        format!("{stopped:?}"),
        request.to_string(),
    ] {
        assert!(!text.contains(BEARER), "{text}");
        assert!(!text.contains(emulator.api_token()), "{text}");
    }
    assert!(emulator.streams(demo::CONFERENCE_SID).is_empty());
}

#[tokio::test]
async fn credentials_in_a_stream_url_are_in_no_preview_and_no_error() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client_builder().dry_run(true).build().unwrap();
    let stopped = client
        .conference(demo::CONFERENCE_SID)
        .streams()
        .start("wss://listener:url-secret-456@transcriber.example/audio")
        .send()
        .await
        .unwrap_err();
    let request = stopped.dry_run().unwrap();
    assert!(
        request
            .form
            .iter()
            .any(|(k, v)| k == "Url" && v == "wss://transcriber.example/audio"),
        "{request:?}"
    );
    let refused = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .streams()
        .start("https://listener:url-secret-456@transcriber.example/audio")
        .send()
        .await
        .unwrap_err();
    for text in [
        stopped.to_string(),
        request.to_string(),
        refused.to_string(),
        format!("{refused:?}"),
    ] {
        assert!(!text.contains("url-secret-456"), "{text}");
    }
}
