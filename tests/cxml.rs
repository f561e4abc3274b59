//! cXML: documents built, rendered and read back; SignalWire's documented examples read as
//! written; refusals that name the line and the element; a round trip as a property.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use signalwire_compat::cxml::{
    Beep, CallEvent, Conference, ConferenceEvent, Dial, Events, FaxResponse, Gather, GatherInput,
    Message, MessagingResponse, Number, Pause, Play, Record, Redirect, Say, VoiceResponse,
};

/// SignalWire's cXML pages, beside the checkout (only in CI and a developer's tree).
fn reference() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/signalwire/cxml");
    dir.is_dir().then_some(dir)
}

/// Every ```xml block of a page.
fn xml_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("```xml") {
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.trim_start().starts_with("```"))
                .collect();
            out.push(block.join("\n"));
        }
    }
    out
}

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "mdx") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// How a document reads: as which channel's, or why it reads as none.
fn read_any(xml: &str) -> Result<(&'static str, String), String> {
    let voice = VoiceResponse::parse(xml);
    if let Ok(doc) = &voice {
        return Ok(("voice", doc.to_xml()));
    }
    if let Ok(doc) = MessagingResponse::parse(xml) {
        return Ok(("messaging", doc.to_xml()));
    }
    if let Ok(doc) = FaxResponse::parse(xml) {
        return Ok(("fax", doc.to_xml()));
    }
    Err(voice.unwrap_err().to_string())
}

#[test]
fn every_documented_example_reads_and_round_trips() {
    let Some(dir) = reference() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must have SignalWire's cXML pages beside the checkout"
        );
        eprintln!("skipped: SignalWire's cXML pages are not beside the checkout");
        return;
    };
    let mut report = Vec::new();
    for page in pages(&dir) {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(&dir).unwrap().display().to_string();
        for (i, xml) in xml_blocks(&text).iter().enumerate() {
            let line = match read_any(xml) {
                Ok((channel, normalized)) => {
                    // What is written reads back the same.
                    let again = read_any(&normalized).expect("a rendered document reads");
                    assert_eq!(again.1, normalized, "{name} #{i}");
                    format!("{name} #{i}: {channel}")
                }
                Err(e) => format!("{name} #{i}: refused: {e}"),
            };
            report.push(line);
        }
    }
    insta::assert_snapshot!("documented_examples", report.join("\n"));
}

#[test]
fn a_document_is_built_and_written() {
    let doc = VoiceResponse::new()
        .say(
            Say::new("Welcome to the stand-up.")
                .voice("alice")
                .loops(2u32),
        )
        .gather(
            Gather::new()
                .input(Events::of([GatherInput::Dtmf, GatherInput::Speech]))
                .num_digits(1u32)
                .action("https://example.com/menu")
                .say(Say::new("Press 1 to join."))
                .push(Pause::new().length(2u32)),
        )
        .dial(
            Dial::new()
                .caller_id("+15550001111")
                .number(
                    Number::new("+15550002222").status_callback_event(Events::of([
                        CallEvent::Answered,
                        CallEvent::Completed,
                    ])),
                )
                .conference(
                    Conference::new("standup")
                        .beep(Beep::OnEnter)
                        .status_callback_event(Events::of([
                            ConferenceEvent::Start,
                            ConferenceEvent::Join,
                        ])),
                ),
        )
        .record(Record::new().max_length(30u32).play_beep(false))
        .redirect(Redirect::new("https://example.com/next"))
        .hangup();
    insta::assert_snapshot!("built_document", doc.to_pretty_xml());
    assert_eq!(VoiceResponse::parse(&doc.to_xml()).unwrap(), doc);
    assert_eq!(VoiceResponse::parse(&doc.to_pretty_xml()).unwrap(), doc);

    let sms = MessagingResponse::new()
        .message(Message::text("Your code is 1234").media("https://example.com/logo.png"));
    assert_eq!(
        sms.to_xml(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message><Body>Your code is 1234</Body><Media>https://example.com/logo.png</Media></Message></Response>"
    );
}

#[test]
fn text_never_breaks_the_document() {
    let hostile = "<script>alert(1)</script> & \"quotes\" 'n' \u{7}\u{1b}[31m ]]> \r\n end";
    let doc = VoiceResponse::new()
        .say(Say::new(hostile))
        .play(Play::new("https://example.com/a.mp3?x=1&y=2").digits(hostile));
    let xml = doc.to_xml();
    assert!(!xml.contains("<script>"), "{xml}");
    assert!(!xml.contains('\u{7}') && !xml.contains('\u{1b}'), "{xml}");
    let read = VoiceResponse::parse(&xml).unwrap();
    // Control characters XML cannot hold become U+FFFD; everything else reads back.
    let expected = hostile.replace(['\u{7}', '\u{1b}'], "\u{FFFD}");
    match &read.verbs[0] {
        signalwire_compat::cxml::VoiceVerb::Say(say) => assert_eq!(say.text(), expected.trim()),
        other => panic!("{other:?}"),
    }
    match &read.verbs[1] {
        signalwire_compat::cxml::VoiceVerb::Play(play) => {
            assert_eq!(play.text, "https://example.com/a.mp3?x=1&y=2");
            assert_eq!(play.digits.as_deref(), Some(expected.as_str()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn what_cannot_be_read_is_refused_naming_the_line_and_the_element() {
    let cases = [
        (
            "a verb in the wrong case",
            "<Response>\n  <say>Hi</say>\n</Response>",
        ),
        (
            "a noun outside its verb",
            "<Response>\n  <Conference>standup</Conference>\n</Response>",
        ),
        (
            "a verb inside another it cannot go in",
            "<Response>\n<Gather>\n  <Dial>+15550001111</Dial>\n</Gather>\n</Response>",
        ),
        (
            "a bad number",
            "<Response>\n  <Say loop=\"twice\">Hi</Say>\n</Response>",
        ),
        (
            "a bad boolean",
            "<Response><Dial><Conference muted=\"yes\">x</Conference></Dial></Response>",
        ),
        ("text where elements go", "<Response>hello</Response>"),
        (
            "text in an empty verb",
            "<Response><Hangup>now</Hangup></Response>",
        ),
        (
            "an attribute twice",
            "<Response><Say voice=\"a\" voice=\"b\">x</Say></Response>",
        ),
        ("another root", "<Reply><Say>x</Say></Reply>"),
        ("two roots", "<Response/><Response/>"),
        ("not closed", "<Response>\n<Say>x</Say>\n"),
        ("mismatched", "<Response><Say>x</Play></Response>"),
        (
            "an unknown entity",
            "<Response><Say>&nbsp;</Say></Response>",
        ),
        (
            "a DOCTYPE (no entity expansion)",
            "<!DOCTYPE r [<!ENTITY x \"boom\">]><Response><Say>&x;</Say></Response>",
        ),
        (
            "attributes on the root",
            "<Response voice=\"x\"></Response>",
        ),
        ("nothing", ""),
    ];
    let mut report = Vec::new();
    for (what, xml) in cases {
        let e = VoiceResponse::parse(xml).unwrap_err();
        report.push(format!("{what}: {e}"));
    }
    let deep = format!(
        "<Response>{}{}</Response>",
        "<Gather>".repeat(40),
        "</Gather>".repeat(40)
    );
    report.push(format!(
        "nesting 40 deep: {}",
        VoiceResponse::parse(&deep).unwrap_err()
    ));
    let huge = format!(
        "<Response><Say>{}</Say></Response>",
        "a".repeat(signalwire_compat::cxml::MAX_DOCUMENT_BYTES)
    );
    report.push(format!(
        "a huge document: {}",
        VoiceResponse::parse(&huge).unwrap_err()
    ));
    insta::assert_snapshot!("refusals", report.join("\n"));
}

#[test]
fn unknown_attributes_and_values_are_kept() {
    let xml = "<Response><Dial><Conference beep=\"sometimes\" streamUrl=\"wss://x\">room</Conference></Dial></Response>";
    let doc = VoiceResponse::parse(xml).unwrap();
    let again = doc.to_xml();
    assert!(again.contains("beep=\"sometimes\""), "{again}");
    assert!(again.contains("streamUrl=\"wss://x\""), "{again}");
    assert_eq!(VoiceResponse::parse(&again).unwrap(), doc);
}

/// Text as a person might give it: any characters XML can hold, without white space at
/// either end (text is trimmed when read).
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&\"'é€\u{1F600}\t]{0,24}".prop_map(|s| s.trim().to_owned())
}

fn say() -> impl Strategy<Value = Say> {
    (
        text(),
        proptest::option::of(text()),
        proptest::option::of(0u32..5),
    )
        .prop_map(|(t, voice, loops)| {
            let mut say = Say::new(t);
            say.voice = voice;
            say.loops = loops;
            say
        })
}

fn conference() -> impl Strategy<Value = Conference> {
    (
        text(),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![
            Just(Beep::True),
            Just(Beep::OnExit),
            text().prop_map(Beep::Other)
        ]),
    )
        .prop_map(|(name, muted, beep)| {
            let mut c = Conference::new(name);
            c.muted = muted;
            // A value that reads as a documented one is that one.
            c.beep = beep.map(|b| match b {
                Beep::Other(t) if t == "true" => Beep::True,
                Beep::Other(t) if t == "onExit" => Beep::OnExit,
                b => b,
            });
            c
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_document_reads_back_as_it_was_built(
        says in proptest::collection::vec(say(), 0..4),
        conferences in proptest::collection::vec(conference(), 0..3),
        pretty in any::<bool>(),
    ) {
        let mut doc = VoiceResponse::new();
        for s in says {
            doc = doc.say(s);
        }
        let mut dial = Dial::new();
        for c in conferences {
            dial = dial.conference(c);
        }
        doc = doc.dial(dial);
        let xml = if pretty { doc.to_pretty_xml() } else { doc.to_xml() };
        let read = VoiceResponse::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(read, doc);
    }
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn a_document_is_an_axum_response() {
    use axum::response::IntoResponse as _;
    let response = VoiceResponse::new().say(Say::new("Hi")).into_response();
    assert_eq!(
        response.headers()["content-type"],
        "text/xml; charset=utf-8"
    );
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(
        &body[..],
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Hi</Say></Response>"
    );
}
