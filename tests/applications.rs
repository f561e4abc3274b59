//! Applications and LaML Bins: the resources generated from their description in the spec,
//! through the client, on the wire, and in the emulator.

#![cfg(feature = "emulator")]

mod support;

use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{
    Application, CallbackMethod, ErrorKind, LamlBin,
    emulator::{Emulator, demo},
};
use support::raw;

#[tokio::test]
async fn an_application_from_creation_to_deletion() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let created = client
        .applications()
        .create("Front desk")
        .voice_url("https://example.com/voice.xml")
        .voice_method(CallbackMethod::Get)
        .sms_status_callback("https://example.com/sms-status")
        .send()
        .await
        .unwrap();
    assert_eq!(created.friendly_name.as_deref(), Some("Front desk"));
    assert_eq!(
        created.voice_url.as_deref(),
        Some("https://example.com/voice.xml")
    );
    assert_eq!(created.voice_method.as_deref(), Some("GET"));
    assert_eq!(created.sms_method.as_deref(), Some("POST"));
    assert_eq!(
        created.message_status_callback.as_deref(),
        Some("https://example.com/sms-status")
    );
    assert_eq!(
        created.account_sid,
        emulator.project_id().to_string().as_str()
    );
    let sid = created.sid.clone();

    let other = client
        .applications()
        .create("Back office")
        .send()
        .await
        .unwrap();
    let fetched = client.application(&sid).fetch().await.unwrap();
    assert_eq!(fetched, created);

    let all: Vec<Application> = client
        .applications()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|a| a.sid.clone()).collect::<Vec<_>>(),
        [sid.clone(), other.sid.clone()]
    );
    let named: Vec<Application> = client
        .applications()
        .list()
        .friendly_name("Back office")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(named, std::slice::from_ref(&other));
    let pages: Vec<_> = client
        .applications()
        .list()
        .page_size(1)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);

    let updated = client
        .application(&sid)
        .update("Front desk (nights)")
        .voice_method(CallbackMethod::Post)
        .sms_status_callback("")
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.friendly_name.as_deref(),
        Some("Front desk (nights)")
    );
    assert_eq!(updated.voice_method.as_deref(), Some("POST"));
    assert_eq!(
        updated.voice_url, created.voice_url,
        "what is not named stays"
    );
    assert_eq!(updated.sms_status_callback, None, "an empty URL clears it");

    client.application(&sid).remove().await.unwrap();
    let gone = client.application(&sid).fetch().await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let again = client.application(&sid).remove().await.unwrap_err();
    assert!(again.is_not_found(), "{again}");
}

#[tokio::test]
async fn a_laml_bin_is_served_at_its_request_url() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let xml = "<Response><Say>Hello &amp; welcome</Say></Response>";
    let bin = client
        .laml_bins()
        .create("Greeting")
        .contents(xml)
        .send()
        .await
        .unwrap();
    assert_eq!(bin.num_requests, Some(0));
    assert_eq!(bin.date_last_accessed, None);
    let url = bin.request_url.clone().unwrap();
    assert!(
        url.starts_with(&format!("http://{}/laml-bins/", emulator.addr())),
        "{url}"
    );

    // Anyone may fetch it, by GET or POST, as a call would.
    for request in [raw().get(&url), raw().post(&url).form(&[("CallSid", "x")])] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/xml; charset=utf-8"
        );
        assert_eq!(response.text().await.unwrap(), xml);
    }
    let seen = client.laml_bin(&bin.sid).fetch().await.unwrap();
    assert_eq!(seen.num_requests, Some(2));
    assert!(seen.date_last_accessed.is_some());

    let changed = client
        .laml_bin(&bin.sid)
        .update("Greeting")
        .contents("<Response><Hangup/></Response>")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.name.as_deref(), Some("Greeting"));
    assert_eq!(
        raw().get(&url).send().await.unwrap().text().await.unwrap(),
        "<Response><Hangup/></Response>"
    );
    let listed: Vec<LamlBin> = client
        .laml_bins()
        .list()
        .name("Greeting")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    client.laml_bin(&bin.sid).remove().await.unwrap();
    assert_eq!(raw().get(&url).send().await.unwrap().status(), 404);
    assert_eq!(raw().delete(&url).send().await.unwrap().status(), 405);
}

#[tokio::test]
async fn bad_arguments_fail_before_anything_is_sent() {
    // Nothing listens here: a request that were sent would fail otherwise.
    let client = support::client("http://127.0.0.1:9");
    let cases = [
        client.applications().create("").send().await.unwrap_err(),
        client
            .applications()
            .create("x".repeat(65))
            .send()
            .await
            .unwrap_err(),
        client
            .applications()
            .create("ok")
            .voice_url("/relative.xml")
            .send()
            .await
            .unwrap_err(),
        client
            .application(support::CALL)
            .update("")
            .send()
            .await
            .unwrap_err(),
        client
            .application(support::CALL)
            .update("ok")
            .status_callback("ftp://user:secret@example.com/")
            .send()
            .await
            .unwrap_err(),
        client.application("not-a-sid").fetch().await.unwrap_err(),
        client.laml_bins().create("").send().await.unwrap_err(),
    ];
    let shown: Vec<String> = cases
        .iter()
        .map(|e| {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
            e.to_string()
        })
        .collect();
    insta::assert_snapshot!(shown.join("\n"));
}

use support::send_as_demo as send;

#[tokio::test]
async fn the_emulator_refuses_what_signalwire_would() {
    let emulator = Emulator::start().await.unwrap();
    let base = format!("{}/Accounts/{}", emulator.base_url(), demo::PROJECT_ID);
    let form = |path: &str, body: &str| {
        raw()
            .post(format!("{base}/{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
    };
    let (status, created) = send(form("Applications", "FriendlyName=Existing")).await;
    assert_eq!(status, 201, "{created}");
    let app = created["sid"].as_str().unwrap().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&app).unwrap().get_version_num(), 4);
    let cases = [
        (
            "no FriendlyName",
            form("Applications", "VoiceUrl=https://example.com/v"),
        ),
        (
            "an unknown field",
            form("Applications", "FriendlyName=a&Colour=blue"),
        ),
        (
            "a method that is not GET or POST",
            form("Applications", "FriendlyName=a&VoiceMethod=PUT"),
        ),
        (
            "a relative URL",
            form("Applications", "FriendlyName=a&SmsUrl=/sms"),
        ),
        ("no Name", form("LamlBins", "Contents=%3CResponse/%3E")),
        (
            "an update without its name",
            form(
                &format!("Applications/{app}"),
                "VoiceUrl=https://example.com/v",
            ),
        ),
        ("an empty Name", form("LamlBins", "Name=")),
        (
            "an empty FriendlyName",
            form("Applications", "FriendlyName="),
        ),
        (
            "a FriendlyName of 65 characters",
            form("Applications", &format!("FriendlyName={}", "é".repeat(65))),
        ),
        (
            "an unknown filter",
            raw().get(format!("{base}/Applications?Colour=blue")),
        ),
    ];
    let mut shown = Vec::new();
    for (what, request) in cases {
        let (status, body) = send(request).await;
        assert_eq!(status, 400, "{what}: {body}");
        shown.push(format!("{what}: {} {}", body["code"], body["message"]));
    }
    insta::assert_snapshot!(shown.join("\n"));

    let missing = format!("{base}/Applications/{}", uuid::Uuid::from_u128(7));
    assert_eq!(send(raw().get(&missing)).await.0, 404);
    assert_eq!(send(raw().delete(&missing)).await.0, 404);
    assert_eq!(
        send(form(
            &format!("Applications/{}", uuid::Uuid::from_u128(7)),
            "FriendlyName=b"
        ))
        .await
        .0,
        404
    );
    let elsewhere = format!(
        "{}/Accounts/{}/Applications",
        emulator.base_url(),
        uuid::Uuid::from_u128(8)
    );
    assert_eq!(send(raw().get(elsewhere)).await.0, 401);
    for (method, path, allow) in [
        (reqwest::Method::PUT, "Applications".to_owned(), "GET, POST"),
        (
            reqwest::Method::PATCH,
            format!("Applications/{}", uuid::Uuid::from_u128(7)),
            "GET, POST, DELETE",
        ),
        (reqwest::Method::DELETE, "LamlBins".to_owned(), "GET, POST"),
    ] {
        let response = raw()
            .request(method.clone(), format!("{base}/{path}"))
            .basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
    }

    // Helper libraries' `.json` forms are served too, and an empty filter is no filter (while
    // an empty parameter the listing does not take is still refused).
    let (status, _) = send(form("Applications", "FriendlyName=Kept")).await;
    assert_eq!(status, 201);
    let (status, body) = send(raw().get(format!("{base}/Applications.json?FriendlyName="))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["applications"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        send(raw().get(format!("{base}/Applications?Colour=")))
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn requests_on_the_wire() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

    let server = MockServer::start().await;
    let application = json!({"sid": support::CALL, "account_sid": support::PROJECT});
    let bin = json!({"sid": support::CALL, "account_sid": support::PROJECT});
    Mock::given(any())
        .respond_with(move |request: &wiremock::Request| {
            let path = request.url.path();
            let body = if path.contains("LamlBins") {
                bin.clone()
            } else {
                application.clone()
            };
            match request.method.as_str() {
                "DELETE" => ResponseTemplate::new(204),
                "GET" if path.ends_with("Applications") => ResponseTemplate::new(200)
                    .set_body_json(json!({"applications": [body], "next_page_uri": null})),
                "GET" if path.ends_with("LamlBins") => ResponseTemplate::new(200)
                    .set_body_json(json!({"laml_bins": [body], "next_page_uri": null})),
                "POST" if path.ends_with("Applications") || path.ends_with("LamlBins") => {
                    ResponseTemplate::new(201).set_body_json(body)
                }
                _ => ResponseTemplate::new(200).set_body_json(body),
            }
        })
        .mount(&server)
        .await;
    let client = support::client(&server.uri());
    client
        .applications()
        .list()
        .friendly_name("Front desk")
        .page_size(10)
        .send()
        .await
        .unwrap();
    client
        .applications()
        .create("Front desk")
        .voice_url("https://example.com/voice.xml")
        .voice_method(CallbackMethod::Get)
        .status_callback("https://example.com/status")
        .send()
        .await
        .unwrap();
    client.application(support::CALL).fetch().await.unwrap();
    client
        .application(support::CALL)
        .update("Front desk")
        .sms_url("https://example.com/sms")
        .sms_fallback_method(CallbackMethod::Post)
        .send()
        .await
        .unwrap();
    client.application(support::CALL).remove().await.unwrap();
    client
        .laml_bins()
        .list()
        .name("Greeting")
        .send()
        .await
        .unwrap();
    client
        .laml_bins()
        .create("Greeting")
        .contents("<Response><Say>Hi & bye</Say></Response>")
        .send()
        .await
        .unwrap();
    client
        .laml_bin(support::CALL)
        .update("Renamed")
        .send()
        .await
        .unwrap();
    client.laml_bin(support::CALL).remove().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let shown: Vec<String> = requests.iter().map(support::wire).collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn signalwires_documented_examples_read_as_models() {
    let application: Application = serde_json::from_value(json!({
        "sid": "b3877c40-da60-4998-90ad-b792e98472af",
        "account_sid": "b3877c40-da60-4998-90ad-b792e98472af",
        "api_version": "2010-04-01",
        "date_created": "Sat, 15 Sept 2018 10:00:00 +0000",
        "date_updated": "Sat, 16 Sept 2018 10:00:00 +0000",
        "friendly_name": "My Friendly Name",
        "uri": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Applications/b3877c40-da60-4998-90ad-b792e98472af.json",
        "voice_url": "http://example.com",
        "voice_method": "POST",
        "voice_fallback_url": "http://example.com",
        "voice_fallback_method": "POST",
        "status_callback": "http://example.com",
        "status_callback_method": "POST",
        "voice_caller_id_lookup": null,
        "sms_url": "http://example.com",
        "sms_method": "POST",
        "sms_fallback_url": "http://www.example.com/sms-fallback",
        "sms_fallback_method": "POST",
        "sms_status_callback": "http://www.example.com/sms-status-callback",
        "sms_status_callback_method": "POST",
        "message_status_callback": "http://www.example.com/sms-status-callback",
        "a_field_added_later": 1
    }))
    .unwrap();
    assert_eq!(
        application.date_created.unwrap().to_rfc3339(),
        "2018-09-15T10:00:00+00:00"
    );
    let bin: LamlBin = serde_json::from_value(json!({
        "sid": "5184b831-184f-4209-872d-ccdccc80f2f1",
        "date_created": "2019-11-26T20:00:00Z",
        "date_updated": "2019-11-26T20:00:00Z",
        "date_last_accessed": null,
        "account_sid": "b3877c40-da60-4998-90ad-b792e98472af",
        "name": "Death Star IVR",
        "contents": "<Response><Say>Hello!</Say></Response>",
        "request_url": "https://example.signalwire.com/laml-bins/5184b831-184f-4209-872d-ccdccc80f2f1",
        "num_requests": 42,
        "api_version": "2010-04-01",
        "uri": "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/LamlBins/5184b831-184f-4209-872d-ccdccc80f2f1"
    }))
    .unwrap();
    assert_eq!(
        bin.date_created.unwrap().to_rfc3339(),
        "2019-11-26T20:00:00+00:00"
    );
    assert_eq!(bin.num_requests, Some(42));
    // Written back, a bin's dates stay ISO 8601 and an application's RFC 2822.
    let written = serde_json::to_value(&bin).unwrap();
    assert_eq!(written["date_created"], "2019-11-26T20:00:00Z");
    let written = serde_json::to_value(&application).unwrap();
    assert_eq!(written["date_created"], "Sat, 15 Sep 2018 10:00:00 +0000");
    // A model without its SID is refused; one with odd dates is not.
    assert!(serde_json::from_value::<LamlBin>(json!({"account_sid": "x"})).is_err());
    let odd: LamlBin = serde_json::from_value(
        json!({"sid": "x", "account_sid": "y", "date_created": "yesterday"}),
    )
    .unwrap();
    assert_eq!(odd.date_created, None);
}
