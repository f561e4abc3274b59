//! The account's phone numbers: bought, listed, changed and released through the client,
//! on the wire, and in the emulator.

#![cfg(feature = "emulator")]

mod support;

use futures_util::TryStreamExt as _;
use serde_json::json;
use signalwire_compat::{
    CallbackMethod, ErrorKind, IncomingPhoneNumber, NumberCapability, NumberType,
    emulator::{Emulator, demo},
};
use support::raw;

#[tokio::test]
async fn a_number_from_purchase_to_release() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let bought = client
        .incoming_phone_numbers()
        .create("+15551230100")
        .voice_url("https://example.com/voice.xml")
        .voice_method(CallbackMethod::Get)
        .sms_url("https://example.com/sms.xml")
        .send()
        .await
        .unwrap();
    assert_eq!(bought.phone_number.as_deref(), Some("+15551230100"));
    assert_eq!(bought.friendly_name.as_deref(), Some("(555) 123-0100"));
    assert_eq!(bought.voice_method.as_deref(), Some("GET"));
    assert_eq!(bought.sms_method.as_deref(), Some("POST"));
    assert_eq!(bought.country_code.as_deref(), Some("US"));
    assert_eq!(bought.verification_status, None, "not a toll-free number");
    assert_eq!(bought.origin.as_deref(), Some("signalwire"));
    assert_eq!(bought.emergency_status.as_deref(), Some("Inactive"));
    let capabilities = bought.capabilities.clone().unwrap();
    assert_eq!(
        (capabilities.voice, capabilities.sms, capabilities.mms),
        (Some(true), Some(true), Some(true))
    );
    let sid = bought.sid.clone();

    let toll_free = client
        .incoming_phone_numbers()
        .create("+18885550199")
        .friendly_name("Support line")
        .send()
        .await
        .unwrap();
    assert_eq!(toll_free.friendly_name.as_deref(), Some("Support line"));
    assert_eq!(toll_free.verification_status.as_deref(), Some("unverified"));

    let fetched = client.incoming_phone_number(&sid).fetch().await.unwrap();
    assert_eq!(fetched, bought);
    let all: Vec<IncomingPhoneNumber> = client
        .incoming_phone_numbers()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|n| n.sid.clone()).collect::<Vec<_>>(),
        [sid.clone(), toll_free.sid.clone()]
    );
    // The number filter matches digits anywhere in the number.
    for (filter, want) in [("+1888", vec![&toll_free]), ("0100", vec![&bought])] {
        let found: Vec<IncomingPhoneNumber> = client
            .incoming_phone_numbers()
            .list()
            .phone_number(filter)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(found.iter().collect::<Vec<_>>(), want, "{filter}");
    }
    let named: Vec<IncomingPhoneNumber> = client
        .incoming_phone_numbers()
        .list()
        .friendly_name("Support line")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(named, std::slice::from_ref(&toll_free));

    let updated = client
        .incoming_phone_number(&sid)
        .update()
        .sms_url("https://example.com/other-sms.xml")
        .sms_method(CallbackMethod::Get)
        .voice_url("")
        .emergency_address_sid("b3877c40-da60-4998-90ad-b792e98472ee")
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.sms_url.as_deref(),
        Some("https://example.com/other-sms.xml")
    );
    assert_eq!(updated.sms_method.as_deref(), Some("GET"));
    assert_eq!(updated.voice_url, None, "an empty URL clears it");
    assert_eq!(
        updated.voice_method, bought.voice_method,
        "what is not named stays"
    );
    assert_eq!(updated.emergency_status.as_deref(), Some("Active"));

    client.incoming_phone_number(&sid).remove().await.unwrap();
    let gone = client
        .incoming_phone_number(&sid)
        .fetch()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    // Released, it may be bought again.
    client
        .incoming_phone_numbers()
        .create("+15551230100")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_arguments_fail_before_anything_is_sent() {
    // Nothing listens here: a request that were sent would fail otherwise.
    let client = support::client("http://127.0.0.1:9");
    let cases = [
        client
            .incoming_phone_numbers()
            .create("5551230100")
            .send()
            .await
            .unwrap_err(),
        client
            .incoming_phone_numbers()
            .create("+1555")
            .send()
            .await
            .unwrap_err(),
        client
            .incoming_phone_numbers()
            .create("+1555\u{1b}[2J0100")
            .send()
            .await
            .unwrap_err(),
        client
            .incoming_phone_numbers()
            .create("+15551230100")
            .sms_url("sms.xml")
            .send()
            .await
            .unwrap_err(),
        client
            .incoming_phone_number(support::CALL)
            .update()
            .friendly_name("x".repeat(256))
            .send()
            .await
            .unwrap_err(),
        client
            .incoming_phone_number(support::CALL)
            .update()
            .friendly_name("")
            .send()
            .await
            .unwrap_err(),
        client
            .incoming_phone_number(support::CALL)
            .update()
            .voice_application_sid("not-a-sid")
            .send()
            .await
            .unwrap_err(),
        client
            .incoming_phone_number("not-a-sid")
            .fetch()
            .await
            .unwrap_err(),
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
    let (status, bought) = send(form("IncomingPhoneNumbers", "PhoneNumber=%2B15551230100")).await;
    assert_eq!(status, 201, "{bought}");
    let sid = bought["sid"].as_str().unwrap().to_owned();
    let cases = [
        (
            400,
            "no PhoneNumber",
            form("IncomingPhoneNumbers", "FriendlyName=a"),
        ),
        (
            400,
            "a number without its +",
            form("IncomingPhoneNumbers", "PhoneNumber=15551230101"),
        ),
        (
            400,
            "an unknown field",
            form(
                "IncomingPhoneNumbers",
                "PhoneNumber=%2B15551230101&Colour=blue",
            ),
        ),
        (
            400,
            "a receive mode that is neither voice nor fax",
            form(
                "IncomingPhoneNumbers",
                "PhoneNumber=%2B15551230101&VoiceReceiveMode=text",
            ),
        ),
        (
            400,
            "an empty name",
            form(&format!("IncomingPhoneNumbers/{sid}"), "FriendlyName="),
        ),
        (
            400,
            "a method that is not GET or POST",
            form(&format!("IncomingPhoneNumbers/{sid}"), "SmsMethod=PATCH"),
        ),
        (
            400,
            "a number of a country the emulator sells none of",
            form("IncomingPhoneNumbers", "PhoneNumber=%2B0005550100"),
        ),
        (
            422,
            "a number the project already has",
            form("IncomingPhoneNumbers", "PhoneNumber=%2B15551230100"),
        ),
        (
            400,
            "an unknown filter",
            raw().get(format!("{base}/IncomingPhoneNumbers?AreaCode=555")),
        ),
    ];
    let mut shown = Vec::new();
    for (want, what, request) in cases {
        let (status, body) = send(request).await;
        assert_eq!(status, want, "{what}: {body}");
        shown.push(format!(
            "{what}: {status} {} {}",
            body["code"], body["message"]
        ));
    }
    insta::assert_snapshot!(shown.join("\n"));

    let (status, toll_free) =
        send(form("IncomingPhoneNumbers", "PhoneNumber=%2B18005550100")).await;
    assert_eq!(status, 201);
    let toll_free = toll_free["sid"].as_str().unwrap();
    let (status, body) = send(form(
        &format!("IncomingPhoneNumbers/{toll_free}"),
        &format!("EmergencyAddressSid={}", uuid::Uuid::from_u128(3)),
    ))
    .await;
    assert_eq!(status, 400, "{body}");

    let missing = format!("{base}/IncomingPhoneNumbers/{}", uuid::Uuid::from_u128(7));
    assert_eq!(send(raw().get(&missing)).await.0, 404);
    assert_eq!(send(raw().delete(&missing)).await.0, 404);
    let (status, body) = send(raw().get(format!(
        "{base}/IncomingPhoneNumbers.json?PhoneNumber=%2B1555"
    )))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["incoming_phone_numbers"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_number_owned_elsewhere_is_imported_and_is_then_the_accounts() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let numbers = client.incoming_phone_numbers();
    let imported = numbers
        .import("+4915223433332", NumberType::Longcode)
        .capabilities([NumberCapability::Sms, NumberCapability::Voice])
        .send()
        .await
        .unwrap();
    assert_eq!(imported.phone_number.as_deref(), Some("+4915223433332"));
    assert_eq!(imported.origin.as_deref(), Some("hosted"));
    assert_eq!(imported.country_code.as_deref(), Some("DE"));
    assert_eq!(imported.friendly_name.as_deref(), Some("+4915223433332"));
    assert_eq!(imported.verification_status, None);
    let capabilities = imported.capabilities.clone().unwrap();
    assert_eq!(
        (
            capabilities.voice,
            capabilities.sms,
            capabilities.mms,
            capabilities.fax
        ),
        (Some(true), Some(true), Some(false), Some(false))
    );
    // Every capability when none is named; a toll-free number awaits verification.
    let toll_free = numbers
        .import("+18885550123", NumberType::Tollfree)
        .send()
        .await
        .unwrap();
    assert_eq!(toll_free.verification_status.as_deref(), Some("unverified"));
    assert_eq!(toll_free.capabilities.unwrap().fax, Some(true));
    // It is one of the account's numbers: listed, fetched, changed, released.
    let all: Vec<IncomingPhoneNumber> = numbers.list().stream().try_collect().await.unwrap();
    assert_eq!(
        all.iter().map(|n| &n.sid).collect::<Vec<_>>(),
        [&imported.sid, &toll_free.sid]
    );
    let handle = client.incoming_phone_number(&imported.sid);
    assert_eq!(handle.fetch().await.unwrap(), imported);
    let changed = handle
        .update()
        .sms_url("https://example.com/sms.xml")
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.sms_url.as_deref(),
        Some("https://example.com/sms.xml")
    );
    // Importing it again is refused, with SignalWire's code as the client reads it.
    let again = numbers
        .import("+4915223433332", NumberType::Longcode)
        .send()
        .await
        .unwrap_err();
    assert_eq!(again.status().map(|s| s.as_u16()), Some(422), "{again}");
    assert_eq!(again.code(), Some(21422), "{again}");
    handle.remove().await.unwrap();
    numbers
        .import("+4915223433332", NumberType::Longcode)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_import_the_emulator_refuses_is_a_422_with_its_code_as_text() {
    let emulator = Emulator::start().await.unwrap();
    let url = format!(
        "{}/Accounts/{}/ImportedPhoneNumbers.json",
        emulator.base_url(),
        demo::PROJECT_ID
    );
    let form = |body: &str| {
        raw()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
    };
    let (status, body) = send(form("number=%2B4915223433332&number_type=longcode")).await;
    assert_eq!(status, 201, "{body}");
    let cases = [
        ("no number type", "number=%2B4915223433333"),
        ("no number", "number_type=longcode"),
        (
            "a number without its +",
            "number=4915223433333&number_type=longcode",
        ),
        (
            "a number of 31 digits",
            &format!("number=%2B{}&number_type=longcode", "1".repeat(31)),
        ),
        (
            "an unknown type",
            "number=%2B4915223433333&number_type=mobile",
        ),
        (
            "an unknown capability",
            "number=%2B4915223433333&number_type=longcode&capabilities=text",
        ),
        (
            "a capability twice",
            "number=%2B4915223433333&number_type=longcode&capabilities=sms&capabilities=sms",
        ),
        (
            "an unknown field",
            "number=%2B4915223433333&number_type=longcode&Colour=blue",
        ),
        (
            "a number the account has",
            "number=%2B4915223433332&number_type=longcode",
        ),
    ];
    let mut shown = Vec::new();
    for (what, request) in cases {
        let (status, body) = send(form(request)).await;
        assert_eq!(status, 422, "{what}: {body}");
        assert!(body["code"].is_string(), "{what}: {body}");
        shown.push(format!(
            "{what}: {status} {} {}",
            body["code"], body["message"]
        ));
    }
    insta::assert_snapshot!(shown.join("\n"));
}

#[tokio::test]
async fn requests_on_the_wire() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

    let server = MockServer::start().await;
    let number = json!({"sid": support::CALL, "account_sid": support::PROJECT});
    Mock::given(any())
        .respond_with(move |request: &wiremock::Request| {
            let path = request.url.path();
            match request.method.as_str() {
                "DELETE" => ResponseTemplate::new(204),
                "GET" if path.ends_with("IncomingPhoneNumbers") => ResponseTemplate::new(200)
                    .set_body_json(
                        json!({"incoming_phone_numbers": [number], "next_page_uri": null}),
                    ),
                "POST"
                    if path.ends_with("IncomingPhoneNumbers")
                        || path.ends_with("ImportedPhoneNumbers") =>
                {
                    ResponseTemplate::new(201).set_body_json(number.clone())
                }
                _ => ResponseTemplate::new(200).set_body_json(number.clone()),
            }
        })
        .mount(&server)
        .await;
    let client = support::client(&server.uri());
    client
        .incoming_phone_numbers()
        .list()
        .phone_number("+1555")
        .friendly_name("Front desk")
        .page_size(10)
        .send()
        .await
        .unwrap();
    client
        .incoming_phone_numbers()
        .create("+15551230100")
        .friendly_name("Front desk")
        .voice_url("https://example.com/voice.xml")
        .sms_application_sid("b3877c40-da60-4998-90ad-b792e98472ab")
        .send()
        .await
        .unwrap();
    client
        .incoming_phone_numbers()
        .import("+4915223433332", NumberType::Longcode)
        .capabilities([NumberCapability::Sms, NumberCapability::Voice])
        .send()
        .await
        .unwrap();
    client
        .incoming_phone_number(support::CALL)
        .fetch()
        .await
        .unwrap();
    client
        .incoming_phone_number(support::CALL)
        .update()
        .sms_url("https://example.com/sms.xml")
        .status_callback_method(CallbackMethod::Get)
        .send()
        .await
        .unwrap();
    client
        .incoming_phone_number(support::CALL)
        .remove()
        .await
        .unwrap();
    let requests = support::received(&server).await;
    let shown: Vec<String> = requests.iter().map(support::wire).collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn signalwires_documented_example_reads_as_a_model() {
    // The example of SignalWire's spec, in its fields and values.
    let example = json!({
        "account_id": "ea108133-d6b3-407c-9536-9fad8a929a6a",
        "account_sid": "ea108133-d6b3-407c-9536-9fad8a929a6a",
        "address_requirements": "none",
        "address_sid": null,
        "api_version": "2010-04-01",
        "beta": false,
        "capabilities": {"voice": true, "sms": true, "mms": true, "fax": true},
        "country_code": "US",
        "date_created": "Tue, 25 Sep 2018 23:00:00 +0000",
        "date_updated": "Wed, 26 Sep 2018 22:00:00 +0000",
        "emergency_address_sid": null,
        "emergency_status": "Inactive",
        "friendly_name": "(555) 123-4567",
        "identity_sid": null,
        "origin": "signalwire",
        "phone_number": "+15551234567",
        "sid": "b3877c40-da60-4998-90ad-b792e98472pn",
        "sms_application_sid": null,
        "sms_fallback_method": "POST",
        "sms_fallback_url": null,
        "sms_method": "POST",
        "sms_url": null,
        "status_callback": null,
        "status_callback_method": "POST",
        "trunk_sid": null,
        "uri": "/api/laml/2010-04-01/Accounts/ea108133-d6b3-407c-9536-9fad8a929a6a/IncomingPhoneNumbers/b3877c40-da60-4998-90ad-b792e98472pn.json",
        "voice_application_sid": null,
        "voice_caller_id_lookup": null,
        "voice_fallback_method": "POST",
        "voice_fallback_url": null,
        "voice_method": "POST",
        "voice_url": null
    });
    let number: IncomingPhoneNumber = serde_json::from_value(example).unwrap();
    assert_eq!(number.phone_number.as_deref(), Some("+15551234567"));
    assert_eq!(number.capabilities.and_then(|c| c.fax), Some(true));
    assert!(number.date_created.is_some());
}

#[tokio::test]
async fn numbers_to_buy_are_searched_the_same_every_time_and_never_offered_once_bought() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let countries = client.available_countries().await.unwrap();
    let codes: Vec<&str> = countries.iter().map(|c| c.country_code.as_str()).collect();
    assert_eq!(codes, ["US", "CA", "GB"]);
    let us = client.available_phone_numbers("us").fetch().await.unwrap();
    assert_eq!(us.country.as_deref(), Some("United States"));
    let uris = us.subresource_uris.unwrap();
    assert!(
        uris.local
            .unwrap()
            .ends_with("/AvailablePhoneNumbers/US/Local.json")
    );
    assert!(
        uris.toll_free
            .unwrap()
            .ends_with("/AvailablePhoneNumbers/US/TollFree.json")
    );
    let missing = client
        .available_phone_numbers("ZZ")
        .fetch()
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");

    // The same search, the same numbers; each of the area, holding the pattern.
    let search = || {
        client
            .available_phone_numbers("US")
            .local()
            .area_code("555")
            .contains("2*3")
    };
    let first = search().send().await.unwrap();
    assert_eq!(first.len(), signalwire_compat::emulator::MAX_FOUND);
    assert_eq!(search().send().await.unwrap(), first);
    for n in &first {
        assert!(n.phone_number.starts_with("+1555"), "{}", n.phone_number);
        assert_eq!(n.region.as_deref(), Some("IL"));
        assert_eq!(n.iso_country.as_deref(), Some("US"));
        let caps = n.capabilities.as_ref().unwrap();
        assert_eq!(
            (caps.voice, caps.sms, caps.mms),
            (Some(true), Some(true), Some(true))
        );
    }
    // Bought, a number is not offered again; released, it is.
    let chosen = first[0].phone_number.clone();
    let bought = client
        .incoming_phone_numbers()
        .create(&chosen)
        .send()
        .await
        .unwrap();
    let after = search().send().await.unwrap();
    assert!(after.iter().all(|n| n.phone_number != chosen));
    assert_eq!(after[0], first[1]);
    client
        .incoming_phone_number(&bought.sid)
        .remove()
        .await
        .unwrap();
    assert_eq!(search().send().await.unwrap(), first);

    // A region and its city, letters of the keypad, toll-free numbers.
    let seattle = client
        .available_phone_numbers("US")
        .local()
        .in_region("wa")
        .in_locality("Seattle")
        .send()
        .await
        .unwrap();
    assert!(seattle.iter().all(|n| n.phone_number.starts_with("+1206")));
    let cafe = client
        .available_phone_numbers("US")
        .local()
        .contains("CAFE")
        .send()
        .await
        .unwrap();
    assert!(cafe.iter().all(|n| n.phone_number.contains("2233")));
    let free = client
        .available_phone_numbers("CA")
        .toll_free()
        .send()
        .await
        .unwrap();
    assert!(!free.is_empty());
    assert!(
        free.iter()
            .all(|n| n.phone_number.starts_with("+1833") && n.region.is_none())
    );

    // What the builder refuses, before anything is sent.
    let refused = [
        client.available_phone_numbers("USA").local().send().await,
        client
            .available_phone_numbers("US")
            .local()
            .area_code("55")
            .send()
            .await,
        client
            .available_phone_numbers("US")
            .local()
            .contains("12-3")
            .send()
            .await,
        client
            .available_phone_numbers("US")
            .local()
            .in_locality("Seattle")
            .send()
            .await,
        client
            .available_phone_numbers("US")
            .local()
            .in_region("W")
            .send()
            .await,
    ];
    for result in refused {
        let e = result.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    }

    // What the emulator refuses of a search sent by hand.
    let base = emulator.base_url();
    let account = emulator.project_id();
    for (query, why) in [
        ("PageSize=0", "PageSize"),
        ("Colour=red", "Colour"),
        ("SmsEnabled=maybe", "SmsEnabled"),
        ("Beta=", "Beta"),
        ("InLocality=Seattle", "InRegion"),
    ] {
        let (status, body) = support::send_as_demo(raw().get(format!(
            "{base}/Accounts/{account}/AvailablePhoneNumbers/US/Local.json?{query}"
        )))
        .await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(why),
            "{query}: {body}"
        );
    }
    let (status, body) = support::send_as_demo(raw().get(format!(
        "{base}/Accounts/{account}/AvailablePhoneNumbers/GB/Local.json?AreaCode=020"
    )))
    .await;
    assert_eq!(status, 400, "{body}");
    // Twilio's libraries send PageSize: it bounds the answer.
    let (status, body) = support::send_as_demo(raw().get(format!(
        "{base}/Accounts/{account}/AvailablePhoneNumbers/GB/Local.json?PageSize=3&SmsEnabled=true"
    )))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["available_phone_numbers"].as_array().unwrap().len(), 3);
    assert_eq!(
        body["available_phone_numbers"][0]["capabilities"]["SMS"],
        json!(true)
    );
}
