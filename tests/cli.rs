//! The command-line tool, run as a user runs it: its help, its outputs, and every error with
//! its exit code. Commands run against the emulator (`--emulator`, or one started here).

#![cfg(feature = "cli")]

mod support;

use std::{
    process::{Command, Output},
    time::Duration,
};

use signalwire_compat::emulator::{Emulator, demo};

const CONFERENCE: &str = "cf000000-0000-4000-8000-000000000001";
const ALICE: &str = "ca000000-0000-4000-8000-000000000001";
const BOB: &str = "ca000000-0000-4000-8000-000000000002";
const SECRET: &str = "PTthis-token-must-never-print";

fn cli(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_signalwire-compat"));
    command.args(args);
    for var in [
        "SIGNALWIRE_SPACE",
        "SIGNALWIRE_SPACE_URL",
        "SIGNALWIRE_PROJECT_ID",
        "SIGNALWIRE_API_TOKEN",
        "SIGNALWIRE_BASE_URL",
        "SIGNALWIRE_PROFILE",
    ] {
        command.env_remove(var);
    }
    // No profile from the machine running the tests.
    command.env(
        "SIGNALWIRE_COMPAT_CONFIG",
        std::env::temp_dir().join("signalwire-compat-tests-no-such-dir/config.json"),
    );
    command
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    let run = Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(stderr).expect("UTF-8 errors"),
    };
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(SECRET), "the token was printed: {text}");
        assert!(!text.contains("panicked"), "{text}");
    }
    run
}

/// Runs the tool off the async runtime, so that an emulator on this runtime can answer it.
async fn run_async(mut command: Command) -> Run {
    tokio::task::spawn_blocking(move || run(&mut command))
        .await
        .unwrap()
}

/// Dates the emulator writes now (today, or tomorrow past midnight) differ between runs and
/// are masked; the demo data's own dates are kept.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    let today = chrono::Utc::now();
    for day in [today, today + chrono::Duration::days(1)] {
        let table = day.format("%Y-%m-%d").to_string();
        let rfc = day.format("%a, %d %b %Y").to_string();
        s.add_filter(&format!(r"{table} \d\d:\d\d:\d\d UTC"), "[NOW]");
        s.add_filter(&format!(r"{rfc} \d\d:\d\d:\d\d \+0000"), "[NOW]");
    }
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT");
    s
}

#[test]
fn the_help_tree() {
    let runs: &[&[&str]] = &[
        &["--help"][..],
        &["participants", "--help"],
        &["participants", "list", "--help"],
        &["participants", "get", "--help"],
        &["participants", "update", "--help"],
        &["participants", "mute", "--help"],
        &["participants", "remove", "--help"],
        &["participants", "watch", "--help"],
        &["conferences", "--help"],
        &["conferences", "list", "--help"],
        &["conferences", "get", "--help"],
        &["conferences", "end", "--help"],
        &["conferences", "announce", "--help"],
        &["recordings", "--help"],
        &["recordings", "pause", "--help"],
        &["streams", "start", "--help"],
        &["emulator", "--help"],
        &["completions", "--help"],
        &["config", "--help"],
        &["config", "add", "--help"],
        &["applications", "--help"],
        &["applications", "list", "--help"],
        &["applications", "create", "--help"],
        &["applications", "update", "--help"],
        &["laml-bins", "--help"],
        &["laml-bins", "create", "--help"],
    ];
    let pages = transcript(runs, &[]);
    insta::assert_snapshot!("help", pages);
}

#[test]
fn outputs_for_people_and_for_scripts() {
    let mut transcript = Vec::new();
    for args in [
        &[
            "participants",
            "list",
            "--conference",
            CONFERENCE,
            "--output",
            "table",
        ][..],
        &[
            "participants",
            "list",
            "--conference",
            CONFERENCE,
            "--muted",
            "true",
            "--output",
            "json",
        ],
        &[
            "participants",
            "list",
            "--conference",
            CONFERENCE,
            "--page-size",
            "2",
            "--limit",
            "3",
            "--output",
            "ndjson",
        ],
        &[
            "participants",
            "list",
            "--conference",
            CONFERENCE,
            "--hold",
            "true",
            "--muted",
            "false",
            "--output",
            "table",
        ],
        &[
            "participants",
            "list",
            "--conference",
            "cf000000-0000-4000-8000-000000000002",
            "--muted",
            "true",
            "--output",
            "table",
        ],
        &[
            "participants",
            "get",
            "--conference",
            CONFERENCE,
            BOB,
            "--output",
            "table",
        ],
        &[
            "participants",
            "get",
            "--conference",
            CONFERENCE,
            BOB,
            "--output",
            "json",
        ],
        &[
            "participants",
            "mute",
            "--conference",
            CONFERENCE,
            ALICE,
            "--output",
            "table",
        ],
        &[
            "participants",
            "hold",
            "--conference",
            CONFERENCE,
            ALICE,
            "--output",
            "ndjson",
        ],
        &[
            "participants",
            "unmute",
            "--conference",
            CONFERENCE,
            BOB,
            "--output",
            "ndjson",
        ],
        &[
            "participants",
            "unhold",
            "--conference",
            CONFERENCE,
            BOB,
            "--output",
            "ndjson",
        ],
        &[
            "participants",
            "update",
            "--conference",
            CONFERENCE,
            ALICE,
            "--muted",
            "true",
            "--hold",
            "true",
            "--hold-url",
            "https://example.com/hold.xml",
            "--hold-method",
            "POST",
            "--announce-url",
            "https://example.com/hello.xml",
            "--announce-method",
            "GET",
            "--wait-url",
            "https://example.com/wait.mp3",
            "--wait-method",
            "POST",
            "--coaching",
            "true",
            "--call-sid-to-coach",
            BOB,
            "--beep-on-exit",
            "true",
            "--end-conference-on-exit",
            "true",
            "--output",
            "table",
        ],
        &[
            "participants",
            "update",
            "--conference",
            CONFERENCE,
            "ca000000-0000-4000-8000-000000000005",
            "--coaching",
            "false",
            "--beep-on-exit",
            "false",
            "--end-conference-on-exit",
            "false",
            "--output",
            "json",
        ],
        &[
            "participants",
            "remove",
            "--conference",
            CONFERENCE,
            ALICE,
            "--output",
            "table",
        ],
        &[
            "participants",
            "remove",
            "--conference",
            CONFERENCE,
            ALICE,
            "--output",
            "json",
        ],
    ] {
        let r = run(cli(args).arg("--emulator"));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{args:?}");
        transcript.push(format!(
            "$ signalwire-compat {} --emulator\n{}",
            args.join(" "),
            r.stdout
        ));
    }
    let json = run(&mut cli(&[
        "participants",
        "list",
        "--emulator",
        "--conference",
        CONFERENCE,
        "--output",
        "json",
    ]));
    let parsed: serde_json::Value =
        serde_json::from_str(&json.stdout).expect("json output is one JSON document");
    assert_eq!(parsed.as_array().unwrap().len(), 6);
    let ndjson = run(&mut cli(&[
        "participants",
        "list",
        "--emulator",
        "--conference",
        CONFERENCE,
        "--output",
        "ndjson",
        "--page-size",
        "1",
    ]));
    assert_eq!(
        ndjson
            .stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .collect::<Vec<_>>()
            .len(),
        6
    );
    // Not a terminal: JSON by default.
    let default = run(&mut cli(&[
        "participants",
        "get",
        "--emulator",
        "--conference",
        CONFERENCE,
        BOB,
    ]));
    assert!(
        serde_json::from_str::<serde_json::Value>(&default.stdout).is_ok(),
        "{}",
        default.stdout
    );
    settings().bind(|| insta::assert_snapshot!("outputs", transcript.join("\n")));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_say_what_happened_and_exit_with_their_code() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url().to_owned();
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_url = format!("http://{}/api/laml/2010-04-01", hung.local_addr().unwrap());

    let mut wrong = cli(&[
        "participants",
        "list",
        "--base-url",
        &base,
        "--project",
        &demo::PROJECT_ID.to_string(),
        "--conference",
        CONFERENCE,
    ]);
    wrong.env("SIGNALWIRE_API_TOKEN", SECRET);
    let mut slow = cli(&[
        "participants",
        "get",
        "--base-url",
        &hung_url,
        "--project",
        &demo::PROJECT_ID.to_string(),
        "--conference",
        CONFERENCE,
        ALICE,
        "--timeout",
        "1",
    ]);
    slow.env("SIGNALWIRE_API_TOKEN", SECRET);
    let cases: Vec<(&str, Command)> = vec![
        (
            "nothing configured",
            cli(&["participants", "list", "--conference", CONFERENCE]),
        ),
        (
            "no project",
            cli(&[
                "participants",
                "list",
                "--space",
                "example",
                "--conference",
                CONFERENCE,
            ]),
        ),
        (
            "a space with a slash",
            cli(&[
                "participants",
                "list",
                "--space",
                "example/x",
                "--project",
                &demo::PROJECT_ID.to_string(),
                "--conference",
                CONFERENCE,
            ]),
        ),
        (
            "a conference that is neither a SID nor the name of one in progress",
            cli(&[
                "participants",
                "list",
                "--emulator",
                "--conference",
                "room-1",
            ]),
        ),
        (
            "an unknown conference",
            cli(&[
                "participants",
                "list",
                "--emulator",
                "--conference",
                "cf000000-0000-4000-8000-0000000000ff",
            ]),
        ),
        (
            "an unknown participant",
            cli(&[
                "participants",
                "get",
                "--emulator",
                "--conference",
                CONFERENCE,
                "ca000000-0000-4000-8000-0000000000ff",
            ]),
        ),
        (
            "an update that changes nothing",
            cli(&[
                "participants",
                "update",
                "--emulator",
                "--conference",
                CONFERENCE,
                ALICE,
            ]),
        ),
        (
            "a relative hold URL",
            cli(&[
                "participants",
                "update",
                "--emulator",
                "--conference",
                CONFERENCE,
                ALICE,
                "--hold-url",
                "hold.xml",
            ]),
        ),
        (
            "coaching a call not in the conference",
            cli(&[
                "participants",
                "update",
                "--emulator",
                "--conference",
                CONFERENCE,
                ALICE,
                "--coaching",
                "true",
                "--call-sid-to-coach",
                "ca000000-0000-4000-8000-0000000000ff",
            ]),
        ),
        (
            "--muted given twice",
            cli(&[
                "participants",
                "update",
                "--emulator",
                "--conference",
                CONFERENCE,
                ALICE,
                "--muted",
                "true",
                "--muted",
                "false",
            ]),
        ),
        (
            "a page size of 0",
            cli(&[
                "participants",
                "list",
                "--emulator",
                "--conference",
                CONFERENCE,
                "--page-size",
                "0",
            ]),
        ),
        (
            "an unknown option",
            cli(&[
                "participants",
                "list",
                "--emulator",
                "--conference",
                CONFERENCE,
                "--colour",
            ]),
        ),
        (
            "a missing call SID",
            cli(&[
                "participants",
                "get",
                "--emulator",
                "--conference",
                CONFERENCE,
            ]),
        ),
        ("a wrong token", wrong),
        (
            "a wrong token given as an option",
            cli(&[
                "participants",
                "get",
                "--base-url",
                &base,
                "--project",
                &demo::PROJECT_ID.to_string(),
                "--token",
                SECRET,
                "--conference",
                CONFERENCE,
                ALICE,
            ]),
        ),
        ("a server that never answers", slow),
        (
            "an unreadable seed file",
            cli(&["emulator", "--seed", "/nonexistent/seed.json"]),
        ),
    ];

    let mut report = Vec::new();
    for (name, command) in cases {
        let started = std::time::Instant::now();
        let r = run_async(command).await;
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{name} took too long"
        );
        assert_ne!(r.code, 0, "{name}");
        assert_eq!(r.stdout, "", "{name}: errors go to stderr only");
        let first = r.stderr.lines().next().unwrap_or_default();
        assert!(!first.is_empty(), "{name}");
        report.push(format!("{name}: exit {}\n{}", r.code, r.stderr.trim_end()));
    }
    drop(hung);
    settings().bind(|| insta::assert_snapshot!("errors", report.join("\n\n")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_configured_client_reaches_a_server_through_the_environment() {
    let emulator = Emulator::start().await.unwrap();
    let mut command = cli(&[
        "participants",
        "mute",
        "--conference",
        CONFERENCE,
        ALICE,
        "--output",
        "ndjson",
    ]);
    command
        .env("SIGNALWIRE_BASE_URL", emulator.base_url())
        .env("SIGNALWIRE_PROJECT_ID", emulator.project_id().to_string())
        .env("SIGNALWIRE_API_TOKEN", emulator.api_token());
    let r = run_async(command).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(p["muted"], true);
    let changed = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0])
        .fetch()
        .await
        .unwrap();
    assert!(changed.muted, "the change reached the emulator");
}

#[test]
fn the_emulator_command_prints_one_json_line_and_serves_until_told_to_stop() {
    let (mut child, info, line) = started_emulator(&["--stop-after", "30"]);
    assert_eq!(info["project_id"], demo::PROJECT_ID.to_string());
    assert_eq!(info["conference_sid"], CONFERENCE);
    let base = info["base_url"].as_str().unwrap();

    let r = run(cli(&[
        "participants",
        "list",
        "--base-url",
        base,
        "--conference",
        CONFERENCE,
        "--output",
        "ndjson",
    ])
    .env(
        "SIGNALWIRE_PROJECT_ID",
        info["project_id"].as_str().unwrap(),
    )
    .env("SIGNALWIRE_API_TOKEN", info["api_token"].as_str().unwrap()));
    assert_eq!((r.code, r.stdout.lines().count()), (0, 6), "{}", r.stderr);

    // SIGTERM stops it cleanly.
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let started = std::time::Instant::now();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    settings().bind(|| insta::assert_snapshot!("emulator_json_line", line.trim_end()));
}

/// A server on loopback that answers every request with `status` and `body`, as `kind`.
async fn answering(status: u16, kind: &str, body: String) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(status).set_body_raw(body.into_bytes(), kind))
        .mount(&server)
        .await;
    server
}

/// Runs each command line (with `extra` added, not shown) and writes what it printed under
/// a `$ signalwire-compat …` line, for a snapshot. Every one must succeed.
fn transcript(runs: &[&[&str]], extra: &[&str]) -> String {
    let mut pages = Vec::new();
    for args in runs {
        let r = run(cli(args).args(extra));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        pages.push(format!(
            "$ signalwire-compat {}\n{}",
            args.join(" "),
            r.stdout
        ));
    }
    pages.join("\n")
}

/// The tool aimed at `emulator`, with its first project's credentials.
fn to_emulator(emulator: &Emulator, args: &[&str]) -> Command {
    let mut command = cli(args);
    command
        .args(["--base-url", emulator.base_url(), "--project"])
        .arg(emulator.project_id().to_string())
        .env("SIGNALWIRE_API_TOKEN", emulator.api_token());
    command
}

/// The tool aimed at `base_url` with the secret token, for project `PROJECT`.
fn against(base_url: &str, args: &[&str]) -> Command {
    let mut command = cli(args);
    command
        .args(["--base-url", base_url, "--project", PROJECT])
        .env("SIGNALWIRE_API_TOKEN", SECRET);
    command
}

const PROJECT: &str = "b3877c40-da60-4998-90ad-b792e98472af";

/// What reaches a terminal must hold no control character but its line ends.
fn assert_printable(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "a control character reaches the terminal: {text:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_a_hostile_server_sends_reaches_the_terminal_escaped_bounded_and_redacted() {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT}:{SECRET}"));
    let nasty = "\u{1b}[2J\u{1b}[H\r\nCALL SID  STATUS\r\nforged    row\u{202e}";
    let get = ["participants", "get", "--conference", CONFERENCE, ALICE];

    // An API error: escaped, one line, cut at its limit.
    let huge = format!("{nasty}{}", "A".repeat(5 << 20));
    let server = answering(
        400,
        "application/json",
        serde_json::json!({"code": 21212, "message": huge, "status": 400}).to_string(),
    )
    .await;
    let r = run_async(against(
        &format!("{}/api/laml/2010-04-01", server.uri()),
        &get,
    ))
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_printable(&r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.len() < 2048, "{} bytes of error", r.stderr.len());
    assert!(r.stderr.contains("more characters]"), "{}", r.stderr);

    // Echoed credentials, in an HTML page, an API message and an unreadable success.
    for (status, kind, body) in [
        (502, "text/html", format!("<pre>Authorization: Basic {basic}\ntoken {SECRET}</pre>")),
        (
            401,
            "application/json",
            serde_json::json!({"code": 20003, "message": format!("{PROJECT}:{SECRET} / {basic}"), "status": 401})
                .to_string(),
        ),
        (200, "application/json", format!("{{\"call_sid\": \"{SECRET}\", \"x\": \"{basic}\"")),
    ] {
        let server = answering(status, kind, body).await;
        let r = run_async(against(&format!("{}/api/laml/2010-04-01", server.uri()), &get)).await;
        assert_ne!(r.code, 0);
        assert!(!r.stderr.contains(&basic), "{}", r.stderr);
        assert!(r.stderr.contains("[redacted]"), "{}", r.stderr);
        assert_printable(&r.stderr);
    }

    // Table cells: a status and SIDs that try to clear the screen and forge a row.
    let mut p = serde_json::json!({
        "account_sid": PROJECT, "call_sid": nasty, "call_sid_to_coach": nasty, "coaching": true,
        "conference_sid": nasty, "date_created": null, "date_updated": null,
        "end_conference_on_exit": false, "hold": false, "muted": false,
        "start_conference_on_enter": true, "status": nasty, "uri": "/x",
    });
    let server = answering(200, "application/json", p.to_string()).await;
    let mut one = against(&format!("{}/api/laml/2010-04-01", server.uri()), &get);
    one.args(["--output", "table"]);
    let r = run_async(one).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_printable(&r.stdout);
    assert_eq!(
        r.stdout.lines().count(),
        <signalwire_compat::Participant as signalwire_compat::__private::Model>::FIELDS.len(),
        "one line a field:\n{}",
        r.stdout
    );
    p["call_sid"] = serde_json::json!(ALICE);
    let server = answering(
        200,
        "application/json",
        serde_json::json!({"participants": [p.clone(), p]}).to_string(),
    )
    .await;
    let list = against(
        &format!("{}/api/laml/2010-04-01", server.uri()),
        &[
            "participants",
            "list",
            "--conference",
            CONFERENCE,
            "--output",
            "table",
        ],
    );
    let r = run_async(list).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_printable(&r.stdout);
    assert_eq!(
        r.stdout.lines().count(),
        3,
        "a header and two rows:\n{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_404_from_something_other_than_the_api_says_check_the_base_url() {
    let server = answering(404, "text/html", "<h1>Not Found</h1>".into()).await;
    let r = run_async(against(
        &server.uri(),
        &["participants", "get", "--conference", CONFERENCE, ALICE],
    ))
    .await;
    assert_eq!(r.code, 1, "not exit 3: nothing is known of the participant");
    assert!(r.stderr.contains("has no such path"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("was not found in conference"),
        "{}",
        r.stderr
    );

    let server = answering(
        404,
        "application/json",
        serde_json::json!({"code": 20404, "message": "The requested resource was not found", "status": 404})
            .to_string(),
    )
    .await;
    let r = run_async(against(
        &server.uri(),
        &["participants", "get", "--conference", CONFERENCE, ALICE],
    ))
    .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("was not found in conference"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_base_url_at_the_hosts_root_works_with_or_without_its_slash() {
    let emulator = Emulator::start().await.unwrap();
    let body = serde_json::to_string(
        &emulator
            .client()
            .conference(demo::CONFERENCE_SID)
            .participant(demo::CALL_SIDS[0])
            .fetch()
            .await
            .unwrap(),
    )
    .unwrap();
    for slash in ["", "/"] {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::path(format!(
            "/Accounts/{PROJECT}/Conferences/{CONFERENCE}/Participants/{ALICE}"
        )))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
        let r = run_async(against(
            &format!("{}{slash}", server.uri()),
            &[
                "participants",
                "get",
                "--conference",
                CONFERENCE,
                ALICE,
                "--output",
                "json",
            ],
        ))
        .await;
        assert_eq!(r.code, 0, "base URL with {slash:?}: {}", r.stderr);
    }
}

#[test]
fn a_token_that_is_not_utf8_is_named_as_such() {
    use std::os::unix::ffi::OsStrExt as _;
    let mut command = cli(&["participants", "list", "--conference", CONFERENCE]);
    command
        .env("SIGNALWIRE_SPACE", "example")
        .env("SIGNALWIRE_PROJECT_ID", PROJECT)
        .env(
            "SIGNALWIRE_API_TOKEN",
            std::ffi::OsStr::from_bytes(b"PT\xff\xfe"),
        );
    let r = run(&mut command);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("SIGNALWIRE_API_TOKEN is set but is not UTF-8 text"),
        "{}",
        r.stderr
    );
}

#[test]
fn limit_zero_still_checks_the_arguments() {
    // A conference that is not a SID is a name, and a name that names nothing is an error
    // even when nothing is to be read.
    let r = run(&mut cli(&[
        "participants",
        "list",
        "--emulator",
        "--conference",
        "not-a-room",
        "--limit",
        "0",
    ]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no conference in progress is named \"not-a-room\""),
        "{}",
        r.stderr
    );
    let r = run(&mut cli(&[
        "participants",
        "list",
        "--emulator",
        "--conference",
        CONFERENCE,
        "--limit",
        "0",
        "--output",
        "json",
    ]));
    assert_eq!((r.code, r.stdout.trim()), (0, "[]"), "{}", r.stderr);
    let r = run(&mut cli(&[
        "conferences",
        "list",
        "--emulator",
        "--page-size",
        "0",
        "--limit",
        "0",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn the_emulator_stops_on_time_while_a_client_dribbles_its_headers() {
    use std::io::Write as _;
    let (mut child, info, _) = started_emulator(&["--stop-after", "1"]);
    let base = info["base_url"].as_str().unwrap();
    let addr = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let started = std::time::Instant::now();
    // Half a request head, then nothing: the client stays connected.
    let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Half")
        .unwrap();
    let deadline = started + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the emulator did not stop within 15 s of --stop-after 1");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    drop(tcp);
}

#[test]
fn a_seed_file_with_a_duplicate_project_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("swc-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("seed.json");
    let project = |token: &str| serde_json::json!({"project_id": PROJECT, "api_token": token});
    std::fs::write(
        &path,
        serde_json::json!({"projects": [project("PTa"), project("PTb")]}).to_string(),
    )
    .unwrap();
    let r = run(&mut cli(&["emulator", "--seed", path.to_str().unwrap()]));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "is not a valid seed: project {PROJECT} appears twice"
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn conference_commands_for_people_and_for_scripts() {
    let runs: &[&[&str]] = &[
        &["conferences", "list", "--output", "table"][..],
        &[
            "conferences",
            "list",
            "--status",
            "in-progress",
            "--created-after",
            "2026-11-24",
            "--output",
            "ndjson",
        ],
        &[
            "conferences",
            "list",
            "--friendly-name",
            "Daily standup",
            "--limit",
            "1",
            "--output",
            "json",
        ],
        &["conferences", "get", "Design review", "--output", "table"],
        &[
            "conferences",
            "get",
            "cf000000-0000-4000-8000-000000000004",
            "--output",
            "ndjson",
        ],
        &["conferences", "end", "Daily standup", "--output", "table"],
        &[
            "conferences",
            "announce",
            "Design review",
            "--url",
            "https://example.com/a.xml",
            "--output",
            "table",
        ],
        &[
            "participants",
            "list",
            "--conference",
            "Design review",
            "--output",
            "table",
        ],
        &[
            "participants",
            "mute",
            "--conference",
            "Daily standup",
            ALICE,
            "--output",
            "ndjson",
        ],
    ];
    let pages = transcript(runs, &["--emulator"]);
    settings().bind(|| insta::assert_snapshot!("conference_outputs", pages));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conference_named_by_several_or_none_is_an_error_that_says_so() {
    let mut seed = demo::seed();
    seed.projects[0].conferences[2].friendly_name = Some("Daily standup".into());
    let emulator = Emulator::builder().seed(seed).start().await.unwrap();
    let against_emulator = |args: &[&str]| to_emulator(&emulator, args);
    let r = run_async(against_emulator(&["conferences", "end", "Daily standup"])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "error: 2 conferences in progress are named \"Daily standup\": {}, {}; give the SID of the one you mean",
            demo::CONFERENCE_SID,
            demo::SMALL_CONFERENCE_SID
        )
    );
    let r = run_async(against_emulator(&[
        "participants",
        "list",
        "--conference",
        "Board meeting",
    ]))
    .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    // Nothing was ended.
    let still = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        still.status,
        signalwire_compat::ConferenceStatus::InProgress
    );
}

#[test]
fn recording_and_stream_commands() {
    // A recording that is over has a fixed duration: its table is stable.
    let runs: &[&[&str]] = &[
        &[
            "recordings",
            "list",
            "--conference",
            "cf000000-0000-4000-8000-000000000003",
            "--output",
            "table",
        ][..],
        // The account's recordings: every conference's, and one by its SID alone.
        &[
            "recordings",
            "list",
            "--created-on",
            "2026-11-24",
            "--output",
            "table",
        ],
        &[
            "recordings",
            "list",
            "--call",
            "ca000000-0000-4000-8000-000000000011",
            "--output",
            "table",
        ],
        &[
            "recordings",
            "get",
            "7e000000-0000-4000-8000-000000000002",
            "--output",
            "table",
        ],
        &[
            "recordings",
            "remove",
            "7e000000-0000-4000-8000-000000000002",
            "--output",
            "table",
        ],
    ];
    let pages = transcript(runs, &["--emulator"]);
    settings().bind(|| insta::assert_snapshot!("recording_outputs", pages));

    let json = |args: &[&str]| {
        let mut command = cli(args);
        command.args(["--emulator", "--output", "json"]);
        let r = run(&mut command);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()
    };
    let live = [
        "--conference",
        "Daily standup",
        "7e000000-0000-4000-8000-000000000001",
    ];
    let paused = json(
        &[
            &["recordings", "pause"][..],
            &live,
            &["--pause-behavior", "skip"],
        ]
        .concat(),
    );
    assert_eq!(paused["status"], "paused");
    assert_eq!(
        json(&[&["recordings", "stop"][..], &live].concat())["status"],
        "stopped"
    );

    // A refused change: exit 1, every message of the errors list on one line.
    let r = run(&mut cli(&[
        "recordings",
        "resume",
        "--emulator",
        "--conference",
        "cf000000-0000-4000-8000-000000000003",
        "7e000000-0000-4000-8000-000000000002",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("422 Unprocessable Entity: Recording"),
        "{}",
        r.stderr
    );

    // A stream, with its token read from standard input and never printed.
    let mut command = cli(&[
        "streams",
        "start",
        "--emulator",
        "--conference",
        "Design review",
        "--url",
        "wss://transcriber.example/audio",
        "--name",
        "transcription",
        "--track",
        "inbound",
        "--bearer-token-file",
        "-",
        "--output",
        "json",
    ]);
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{SECRET}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    let stream: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (stream["status"].as_str(), stream["name"].as_str()),
        (Some("in-progress"), Some("transcription"))
    );

    // Refused before anything is sent: a ws:// URL off loopback, an empty token file.
    let empty = std::env::temp_dir().join(format!("swc-empty-token-{}", std::process::id()));
    std::fs::write(&empty, "\n").unwrap();
    for (args, code) in [
        (vec!["--url", "ws://transcriber.example/audio"], 2),
        (
            vec![
                "--url",
                "wss://x.example/a",
                "--bearer-token-file",
                empty.to_str().unwrap(),
            ],
            2,
        ),
    ] {
        let mut command = cli(&[
            "streams",
            "start",
            "--emulator",
            "--conference",
            "Design review",
        ]);
        command.args(args);
        let r = run(&mut command);
        assert_eq!(r.code, code, "{}", r.stderr);
    }
    std::fs::remove_file(&empty).unwrap();
}

#[test]
fn completions_and_the_manual_page_come_from_the_same_definitions() {
    // Every shell's script names the tool and its subcommands.
    for (shell, opening) in [
        ("bash", "_signalwire__compat() {"),
        ("zsh", "#compdef signalwire-compat"),
        ("fish", "complete -c signalwire-compat"),
        ("powershell", "using namespace System.Management.Automation"),
        ("elvish", "use builtin;"),
    ] {
        let r = run(&mut cli(&["completions", shell]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains(opening), "{shell}");
        for word in [
            "participants",
            "conferences",
            "recordings",
            "streams",
            "emulator",
            "timeout",
        ] {
            assert!(r.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let r = run(&mut cli(&["completions", "tcsh"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("possible values: bash"), "{}", r.stderr);

    let r = run(&mut cli(&["man"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(".TH signalwire-compat 1"), "{}", r.stdout);
    for word in ["participants", "SIGNALWIRE_API_TOKEN", "Exit codes"] {
        assert!(r.stdout.contains(word), "the manual page lacks {word}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_and_not_a_panic() {
    for args in [&["completions", "bash"][..], &["man"]] {
        let out = std::fs::File::create("/dev/full").unwrap();
        let r = run(cli(args).stdout(out));
        assert_eq!(r.code, 1, "{args:?}");
        assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    }
}

#[tokio::test]
async fn acting_on_many_reports_each_participant_and_fails_only_on_real_failures() {
    use signalwire_compat::emulator::{Fault, FaultRule};

    let emulator = Emulator::start().await.unwrap();
    let against_emulator = |args: &[&str]| to_emulator(&emulator, args);
    // The first change finds its participant gone (404), the second is refused (400).
    for status in [404, 400] {
        emulator
            .inject(FaultRule {
                method: Some("POST".into()),
                ..Fault::Status {
                    status,
                    retry_after: None,
                }
                .times(1)
            })
            .unwrap();
    }
    let mute_all = [
        "participants",
        "mute",
        "--conference",
        CONFERENCE,
        "--all",
        "--concurrency",
        "1",
        "--output",
        "table",
    ];
    let r = run_async(against_emulator(&mute_all)).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(
        "bulk_mute_table",
        format!("{}\n--- stderr\n{}", r.stdout, r.stderr)
    );
    assert!(emulator.pending_faults().is_empty());

    // Everyone unmuted but one, as one JSON object a line; the state changed for them only.
    let r = run_async(against_emulator(&[
        "participants",
        "unmute",
        "--conference",
        CONFERENCE,
        "--all",
        "--muted",
        "--except",
        BOB,
        "--output",
        "ndjson",
    ]))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = json_lines(&r.stdout);
    assert!(lines.iter().all(|l| l["outcome"] == "unmuted"), "{lines:?}");
    assert!(lines.iter().all(|l| l["call_sid"] != BOB));
    assert!(
        r.stderr
            .contains("participants unmuted, 0 had left, 0 failed"),
        "{}",
        r.stderr
    );
    let now: Vec<_> = emulator
        .client()
        .conference(demo::CONFERENCE_SID)
        .participants()
        .list()
        .send()
        .await
        .unwrap()
        .items;
    for p in &now {
        assert_eq!(p.muted, p.call_sid.as_str() == BOB, "{}", p.call_sid);
    }

    // A mistyped --except changes nothing; a SID not in the conference is noted.
    let r = run_async(against_emulator(&[
        "participants",
        "remove",
        "--conference",
        CONFERENCE,
        "--all",
        "--except",
        "ca00-typo",
    ]))
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not a call SID"), "{}", r.stderr);
    let stranger = "ca000000-0000-4000-8000-0000000000ff";
    let r = run_async(against_emulator(&[
        "participants",
        "hold",
        "--conference",
        CONFERENCE,
        "--all",
        "--except",
        stranger,
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("note: --except {stranger}")),
        "{}",
        r.stderr
    );
    let outcomes: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(outcomes.as_array().unwrap().len(), now.len());

    // Without --all a call SID is needed, and with it none may be given.
    let r = run(&mut cli(&[
        "participants",
        "mute",
        "--emulator",
        "--conference",
        CONFERENCE,
    ]));
    assert_eq!(r.code, 2);
    let r = run(&mut cli(&[
        "participants",
        "mute",
        "--emulator",
        "--conference",
        CONFERENCE,
        ALICE,
        "--all",
    ]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

#[tokio::test]
async fn dry_run_shows_each_change_and_sends_none() {
    let emulator = Emulator::start().await.unwrap();
    let against_emulator = |args: &[&str]| to_emulator(&emulator, args);
    let update = [
        "participants",
        "update",
        "--dry-run",
        "--conference",
        "Design review",
        SMALL_ALICE,
        "--muted",
        "true",
        "--hold-url",
        "https://example.com/hold.xml",
    ];
    let mut pages = Vec::new();
    for output in ["table", "json"] {
        let mut args = update.to_vec();
        args.extend(["--output", output]);
        let r = run_async(against_emulator(&args)).await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        pages.push(format!("$ ... --output {output}\n{}", r.stdout));
    }
    let r = run_async(against_emulator(&[
        "participants",
        "remove",
        "--dry-run",
        "--conference",
        CONFERENCE,
        "--all",
        "--concurrency",
        "1",
        "--output",
        "table",
    ]))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    pages.push(format!(
        "$ participants remove --all --dry-run\n{}",
        r.stdout
    ));
    let r = run_async(against_emulator(&[
        "conferences",
        "end",
        "--dry-run",
        CONFERENCE,
        "--output",
        "table",
    ]))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    pages.push(format!("$ conferences end --dry-run\n{}", r.stdout));
    settings().bind(|| insta::assert_snapshot!("dry_run", pages.join("\n")));

    // Nothing changed.
    let client = emulator.client();
    let everyone = client
        .conference(demo::CONFERENCE_SID)
        .participants()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(everyone.items.len(), 6);
    let small = client
        .conference(demo::SMALL_CONFERENCE_SID)
        .participant(SMALL_ALICE)
        .fetch()
        .await
        .unwrap();
    assert!(!small.muted);
    let live = client
        .conference(demo::CONFERENCE_SID)
        .fetch()
        .await
        .unwrap();
    assert_eq!(live.status.as_str(), "in-progress");
}

/// The first participant of the demo's "Design review".
const SMALL_ALICE: &str = "ca000000-0000-4000-8000-000000000011";

/// Lines a child writes, read off the async runtime, each within 10 seconds.
struct Lines(std::sync::mpsc::Receiver<String>);

impl Lines {
    fn of(stdout: impl std::io::Read + Send + 'static) -> Self {
        use std::io::BufRead as _;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self(rx)
    }

    async fn take(&mut self, n: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for _ in 0..n {
            let rx = &self.0;
            let line = tokio::task::block_in_place(|| rx.recv_timeout(Duration::from_secs(10)))
                .expect("a line within 10 seconds");
            lines.push(line);
        }
        lines
    }
}

/// A watch of `conference` in JSON lines, a look a second, and its output.
fn watching(emulator: &Emulator, conference: &str) -> (std::process::Child, Lines) {
    let mut child = to_emulator(
        emulator,
        &[
            "participants",
            "watch",
            "--conference",
            conference,
            "--interval",
            "1",
        ],
    )
    .args(["--output", "ndjson"])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let lines = Lines::of(child.stdout.take().unwrap());
    (child, lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reports_each_change_as_it_happens_and_ends_with_the_conference() {
    let emulator = Emulator::start().await.unwrap();
    let (mut child, mut lines) = watching(&emulator, "Daily standup");
    let mut seen = lines.take(6).await;

    // The next look is answered 429 twice: it waits as asked and goes on.
    emulator
        .inject(signalwire_compat::emulator::FaultRule {
            method: Some("GET".into()),
            ..signalwire_compat::emulator::Fault::Status {
                status: 429,
                retry_after: Some("1".into()),
            }
            .times(2)
        })
        .unwrap();

    // Another client changes the conference while it is watched.
    let client = emulator.client();
    let conference = client.conference(demo::CONFERENCE_SID);
    conference
        .participant(demo::CALL_SIDS[0])
        .update()
        .muted(true)
        .send()
        .await
        .unwrap();
    conference
        .participant(demo::CALL_SIDS[1])
        .update()
        .hold(true)
        .send()
        .await
        .unwrap();
    conference
        .participant(demo::CALL_SIDS[2])
        .remove()
        .await
        .unwrap();
    seen.extend(lines.take(3).await);
    conference.end().await.unwrap();
    seen.extend(lines.take(1).await);
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(
        emulator.pending_faults().is_empty(),
        "the 429s were answered"
    );

    for line in &seen {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(event["at"].as_str().unwrap()).is_ok(),
            "{line}"
        );
    }
    let mut s = settings();
    s.add_filter(r#""at":"[^"]+""#, r#""at":"[AT]""#);
    s.bind(|| insta::assert_snapshot!("watch_ndjson", seen.join("\n")));
}

/// The watch of the demo conference in a pseudo-terminal (`script`, from util-linux), the
/// shell running `setup` first: the process, and a reader of all it draws.
fn watch_on_a_terminal(
    emulator: &Emulator,
    setup: &str,
) -> (std::process::Child, std::thread::JoinHandle<String>) {
    let command = format!(
        "{setup}{} participants watch --conference {CONFERENCE} --interval 1 --base-url {} --project {}",
        env!("CARGO_BIN_EXE_signalwire-compat"),
        emulator.base_url(),
        emulator.project_id()
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("SIGNALWIRE_API_TOKEN", emulator.api_token())
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = std::io::Read::read_to_end(&mut { stdout }, &mut all);
        String::from_utf8_lossy(&all).into_owned()
    });
    (child, reader)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_on_a_small_terminal_draws_frames_that_fit_it() {
    let emulator = Emulator::start().await.unwrap();
    let (mut child, reader) = watch_on_a_terminal(&emulator, "stty cols 30 rows 6; ");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    emulator
        .client()
        .conference(CONFERENCE)
        .end()
        .await
        .unwrap();
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    let screen = reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "{screen}");
    let frame = screen.rsplit("\x1b[H\x1b[2J").next().unwrap();
    let lines: Vec<&str> = frame.lines().map(|l| l.trim_end_matches('\r')).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("… ") && l.contains("more lines")),
        "{frame:?}"
    );
    let drawn: Vec<&&str> = lines.iter().filter(|l| !l.contains("has ended")).collect();
    assert!(drawn.len() <= 6, "{frame:?}");
    assert!(drawn.iter().all(|l| l.chars().count() <= 30), "{frame:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_on_a_terminal_redraws_one_table_in_place() {
    // `script` (util-linux) runs the tool in a pseudo-terminal.
    let Ok(found) = Command::new("script").arg("--version").output() else {
        panic!("this test needs `script` (util-linux) to run the tool in a pseudo-terminal");
    };
    assert!(found.status.success());
    let emulator = Emulator::start().await.unwrap();
    let (mut child, reader) = watch_on_a_terminal(&emulator, "");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let conference = emulator.client().conference(demo::CONFERENCE_SID);
    conference
        .participant(demo::CALL_SIDS[0])
        .update()
        .muted(true)
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    conference.end().await.unwrap();
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    let screen = reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "{screen}");
    // Redrawn in place: each look starts from the top of a cleared screen.
    assert!(screen.matches("\x1b[H\x1b[2J").count() >= 2, "{screen:?}");
    assert!(screen.contains("CALL SID"), "{screen}");
    assert!(screen.contains("6 participants in"), "{screen}");
    // The muted participant's row is marked, and the change is listed under the table.
    assert!(
        screen.contains(&format!("*  {}", demo::CALL_SIDS[0])),
        "{screen}"
    );
    assert!(screen.contains("Latest changes:"), "{screen}");
    assert!(
        screen.contains(&format!("muted            {}", demo::CALL_SIDS[0])),
        "{screen}"
    );
    assert!(screen.contains("the conference has ended"), "{screen}");
}

#[test]
fn columns_tsv_no_header_and_local_time() {
    let runs: &[&[&str]] = &[
        &[
            "participants",
            "list",
            "--emulator",
            "--conference",
            CONFERENCE,
            "--columns",
            "call_sid,muted,hold,date_created",
            "--output",
            "table",
        ][..],
        &[
            "participants",
            "list",
            "--emulator",
            "--conference",
            CONFERENCE,
            "--columns",
            "call_sid,call_sid_to_coach",
            "--no-header",
            "--output",
            "tsv",
        ],
        &["conferences", "list", "--emulator", "--output", "tsv"],
        &[
            "conferences",
            "get",
            "--emulator",
            CONFERENCE,
            "--columns",
            "friendly_name,status",
            "--output",
            "table",
        ],
        &[
            "recordings",
            "list",
            "--emulator",
            "--conference",
            CONFERENCE,
            "--columns",
            "sid,status,start_time,price",
            "--output",
            "table",
        ],
    ];
    let pages = transcript(runs, &[]);
    insta::assert_snapshot!("output_choices", pages);

    // Dates in the local zone, when asked.
    let r = run(cli(&[
        "conferences",
        "get",
        "--emulator",
        CONFERENCE,
        "--local-time",
        "--output",
        "table",
    ])
    .env("TZ", "Asia/Kolkata"));
    assert!(
        r.stdout.contains("2026-11-25 15:30:00 +05:30"),
        "{}",
        r.stdout
    );

    // Every field of the JSON can be a column, and nothing else can: the error lists them.
    for (args, noun) in [
        (
            &[
                "participants",
                "list",
                "--emulator",
                "--conference",
                CONFERENCE,
            ][..],
            "participants",
        ),
        (&["conferences", "list", "--emulator"], "conferences"),
        (
            &[
                "recordings",
                "list",
                "--emulator",
                "--conference",
                CONFERENCE,
            ],
            "recordings",
        ),
    ] {
        let r = run(cli(args).args(["--output", "ndjson", "--limit", "1"]));
        let item: serde_json::Value =
            serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let r = run(cli(args).args(["--columns", "nope", "--output", "table"]));
        assert_eq!(r.code, 2, "{}", r.stderr);
        let listed = r
            .stderr
            .split(&format!("{noun} have no field \"nope\"; they have "))
            .nth(1)
            .unwrap_or_else(|| panic!("{}", r.stderr))
            .trim();
        let mut fields: Vec<&str> = listed.split(", ").collect();
        keys.sort_unstable();
        fields.sort_unstable();
        // Every field sent can be picked; the only ones that may be picked but are not sent
        // are Twilio's, which SignalWire leaves out.
        let unsent: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| !keys.contains(f))
            .collect();
        assert!(
            keys.iter().all(|k| fields.contains(k)),
            "{noun}: {keys:?} {fields:?}"
        );
        assert!(
            unsent.iter().all(|f| ["label", "queue_time"].contains(f)),
            "{noun}: {unsent:?}"
        );
    }
}

/// A private directory for one test's files.
/// Adds the profile `name` for the emulator, its token printed by `token_command`.
async fn add_profile(
    config: &std::path::Path,
    name: &str,
    emulator: &Emulator,
    token_command: &str,
) {
    let project = emulator.project_id().to_string();
    let mut add = with_config(config, &["config", "add", name]);
    add.args([
        "--set-base-url",
        emulator.base_url(),
        "--set-project",
        &project,
    ])
    .args(["--token-command", token_command]);
    let r = run_async(add).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The tool with `args`, its configuration file at `config`.
fn with_config(config: &std::path::Path, args: &[&str]) -> Command {
    let mut command = cli(args);
    command.env("SIGNALWIRE_COMPAT_CONFIG", config);
    command
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("signalwire-compat-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_profile_beats_a_stray_environment_and_mixed_sources_are_told() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("precedence");
    let config = dir.join("config.json");
    let tool = |args: &[&str]| with_config(&config, args);
    add_profile(
        &config,
        "local",
        &emulator,
        &format!("printf %s {}", emulator.api_token()),
    )
    .await;
    let list = ["conferences", "list", "--output", "tsv", "--no-header"];
    let stray = |command: &mut Command| {
        command
            .env("SIGNALWIRE_SPACE", "production")
            .env(
                "SIGNALWIRE_PROJECT_ID",
                "b3877c40-da60-4998-90ad-b792e98472af",
            )
            .env("SIGNALWIRE_API_TOKEN", "PTproduction-token");
    };
    // Named on the command line, the profile wins over the environment: nothing of the
    // environment's is sent.
    let mut named = tool(&list);
    named.args(["--profile", "local"]);
    stray(&mut named);
    let r = run_async(named).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("note:"), "{}", r.stderr);
    // The default profile fills in what the environment leaves out, and a token from
    // elsewhere than the space is told; refused, the message says where it came from.
    let mut mixed = tool(&list);
    mixed.env("SIGNALWIRE_API_TOKEN", "PTproduction-token");
    let r = run_async(mixed).await;
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "note: the API token comes from the environment (SIGNALWIRE_API_TOKEN), the space from profile local"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the API token from the environment (SIGNALWIRE_API_TOKEN) was refused"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("PTproduction-token"), "{}", r.stderr);
    // With the profile's own token refused, the message names the profile.
    add_profile(&config, "stale", &emulator, "printf %s PTold-token").await;
    let mut stale = tool(&list);
    stale.args(["--profile", "stale"]);
    let r = run_async(stale).await;
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the API token from profile stale was refused"),
        "{}",
        r.stderr
    );
    // An option beats the environment.
    let mut flag = to_emulator(&emulator, &["conferences", "list"]);
    flag.args(["--token", emulator.api_token()]);
    flag.env(
        "SIGNALWIRE_BASE_URL",
        "http://127.0.0.1:9/api/laml/2010-04-01",
    );
    assert_eq!(run_async(flag).await.code, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configuration_is_written_private_through_no_link_and_no_change_is_lost() {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = scratch("config-writes");
    let config = dir.join("config.json");
    let tool = |args: &[&str]| with_config(&config, args);
    let add = |name: &str, token: &str| {
        let token = format!("printf %s {token}");
        let mut command = tool(&["config", "add", name, "--set-space", "example"]);
        command.args(["--token-command", &token]);
        command
    };
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    // A file left beside it by an earlier version, readable by all, is not written
    // through: the configuration is a new private file (a leftover in the very name it
    // writes is tested in `config.rs`).
    let stale = dir.join("config.json.new");
    std::fs::write(&stale, "left over").unwrap();
    std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(run_async(add("one", "PTone")).await.code, 0);
    assert_eq!(mode(&config), 0o600);
    assert_eq!(std::fs::read_to_string(&stale).unwrap(), "left over");
    // A configuration that is a link stays one: its target is what changes.
    let real = dir.join("real-config.json");
    std::fs::rename(&config, &real).unwrap();
    std::os::unix::fs::symlink("real-config.json", &config).unwrap();
    assert_eq!(run_async(add("two", "PTtwo")).await.code, 0);
    assert!(
        std::fs::symlink_metadata(&config)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(mode(&real), 0o600);
    assert!(std::fs::read_to_string(&real).unwrap().contains("\"two\""));
    // Twelve at once: every one is kept.
    let adds: Vec<_> = (0..12)
        .map(|n| run_async(add(&format!("p{n}"), "PTx")))
        .collect();
    for r in futures_util::future::join_all(adds).await {
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = run_async(tool(&["config", "list"])).await;
    for n in 0..12 {
        assert!(r.stdout.contains(&format!(" p{n} ")), "p{n}: {}", r.stdout);
    }
    // Adding over a profile changes what is given and keeps its token.
    let r = run_async(tool(&["config", "add", "one", "--set-space", "other"])).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("kept its token"), "{}", r.stdout);
    let r = run_async(tool(&["config", "show", "one"])).await;
    assert!(
        r.stdout.contains("command printf %s PTone") && r.stdout.contains("other"),
        "{}",
        r.stdout
    );
    // What cannot be reached is refused when added.
    for bad in [
        &["--set-project", "my-project"][..],
        &["--set-space", "a/b"],
    ] {
        let mut command = tool(&["config", "add", "bad"]);
        command.args(bad);
        let r = run_async(command).await;
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("the profile is not saved"),
            "{}",
            r.stderr
        );
    }
    // A broken file is named with where it breaks, never what it holds; it does not stand
    // in the way of a command with every setting on its command line.
    std::fs::write(
        &real,
        r#"{"profiles": {"x": {"token": 12345678, "space": "PTsecret-value"}}}"#,
    )
    .unwrap();
    let r = run_async(tool(&["config", "list"])).await;
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("at line 1, column"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("12345678") && !r.stderr.contains("PTsecret"),
        "{}",
        r.stderr
    );
    let emulator = Emulator::start().await.unwrap();
    let mut full = to_emulator(&emulator, &["conferences", "list"]);
    full.args(["--token", emulator.api_token()])
        .env("SIGNALWIRE_COMPAT_CONFIG", &config);
    let r = run_async(full).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A directory where the file should be is said to be one.
    let mut command = cli(&["config", "list"]);
    command.env("SIGNALWIRE_COMPAT_CONFIG", &dir);
    let r = run_async(command).await;
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is not a file") && !r.stderr.contains("chmod"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_settle_below_the_environment_and_the_options() {
    use std::os::unix::fs::PermissionsExt as _;

    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("profiles");
    let config = dir.join("config").join("config.json");
    let tool = |args: &[&str]| with_config(&config, args);
    let list = ["conferences", "list", "--output", "tsv", "--no-header"];

    // A profile whose token is kept in the file, read from standard input.
    let mut add = tool(&[
        "config",
        "add",
        "local",
        "--set-base-url",
        emulator.base_url(),
        "--set-project",
        &emulator.project_id().to_string(),
        "--token-stdin",
    ]);
    add.stdin(std::process::Stdio::piped());
    let mut child = add
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        emulator.api_token().as_bytes(),
    )
    .unwrap();
    let out = tokio::task::block_in_place(|| child.wait_with_output()).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the file is private from the start");

    // The default profile is used; listing and showing it never print the token.
    let r = run_async(tool(&list)).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 4);
    for args in [&["config", "list"][..], &["config", "show", "local"]] {
        let r = run_async(tool(args)).await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains(emulator.api_token()), "{}", r.stdout);
        assert!(r.stdout.contains("stored in the file"), "{}", r.stdout);
    }

    // The environment wins over the profile, and an option over both.
    let mut wrong = tool(&list);
    wrong.env("SIGNALWIRE_API_TOKEN", "wrong-token");
    assert_eq!(run_async(wrong).await.code, 4);
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{}\n", emulator.api_token())).unwrap();
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut fixed = tool(&list);
    fixed
        .args(["--token-file", token_file.to_str().unwrap()])
        .env("SIGNALWIRE_API_TOKEN", "wrong-token");
    assert_eq!(run_async(fixed).await.code, 0);
    let mut piped = tool(&list);
    piped
        .args(["--token-file", "-"])
        .env("SIGNALWIRE_API_TOKEN", "wrong-token")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = piped.spawn().unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        format!("{}\n", emulator.api_token()).as_bytes(),
    )
    .unwrap();
    let out = tokio::task::block_in_place(|| child.wait_with_output()).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut other_project = tool(&list);
    other_project.args(["--project", "b3877c40-da60-4998-90ad-b792e98472af"]);
    assert_eq!(run_async(other_project).await.code, 4);

    // A token from a command, in a named profile.
    add_profile(
        &config,
        "cmd",
        &emulator,
        &format!("printf %s {}", emulator.api_token()),
    )
    .await;
    let mut by_name = tool(&list);
    by_name.args(["--profile", "cmd"]);
    assert_eq!(run_async(by_name).await.code, 0);
    let r = run_async(tool(&["conferences", "list", "--profile", "nope"])).await;
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the profiles are: cmd, local"),
        "{}",
        r.stderr
    );

    // Files others can read are refused, with the fix.
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut shared = tool(&list);
    shared.args(["--token-file", token_file.to_str().unwrap()]);
    let r = run_async(shared).await;
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = run_async(tool(&list)).await;
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("configuration file") && r.stderr.contains("chmod 600"),
        "{}",
        r.stderr
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();

    // Removing one leaves the other.
    assert_eq!(run_async(tool(&["config", "remove", "cmd"])).await.code, 0);
    let r = run_async(tool(&["config", "list"])).await;
    assert!(
        r.stdout.contains("local") && !r.stdout.contains("cmd"),
        "{}",
        r.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_stops_cleanly_on_ctrl_c_and_fails_with_the_usual_codes() {
    let emulator = Emulator::start().await.unwrap();
    let mut child = to_emulator(
        &emulator,
        &[
            "participants",
            "watch",
            "--conference",
            CONFERENCE,
            "--output",
            "ndjson",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = Lines::of(child.stdout.take().unwrap());
    lines.take(6).await;
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl-C ends a watch as success");

    // No such conference: 3; wrong credentials: 4; an interval under a second: 2.
    let r = run_async(to_emulator(
        &emulator,
        &["participants", "watch", "--conference", "Board meeting"],
    ))
    .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    let mut refused = cli(&["participants", "watch", "--conference", CONFERENCE]);
    refused
        .args(["--base-url", emulator.base_url(), "--project"])
        .arg(emulator.project_id().to_string())
        .env("SIGNALWIRE_API_TOKEN", "wrong-token");
    assert_eq!(run_async(refused).await.code, 4);
    let r = run(&mut cli(&[
        "participants",
        "watch",
        "--emulator",
        "--conference",
        CONFERENCE,
        "--interval",
        "0",
    ]));
    assert_eq!(r.code, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_waits_out_failures_and_tells_a_conference_not_found_from_one_that_ended() {
    use signalwire_compat::emulator::{Fault, FaultRule};

    let emulator = Emulator::start().await.unwrap();
    // A conference that never was, or is another project's: not found (3), never "ended".
    for sid in [
        "cf000000-0000-4000-8000-0000000000ff".to_owned(),
        demo::OTHER_CONFERENCE_SID.to_string(),
    ] {
        let r = run_async(to_emulator(
            &emulator,
            &[
                "participants",
                "watch",
                "--conference",
                &sid,
                "--output",
                "ndjson",
            ],
        ))
        .await;
        assert_eq!(r.code, 3, "{sid}: {}", r.stderr);
        assert!(!r.stdout.contains("conference-ended"), "{}", r.stdout);
    }
    let (child, mut lines) = watching(&emulator, CONFERENCE);
    lines.take(6).await;
    // A 500, three 429s that ask for a second, four HTML 502s and a 404 in front of the API:
    // each is waited out, and the watch goes on.
    let get = |fault: Fault, times: u32| FaultRule {
        method: Some("GET".into()),
        ..fault.times(times)
    };
    for rule in [
        get(
            Fault::Status {
                status: 500,
                retry_after: None,
            },
            1,
        ),
        get(
            Fault::Status {
                status: 429,
                retry_after: Some("1".into()),
            },
            3,
        ),
        get(Fault::Html { status: 502 }, 4),
        get(
            Fault::Status {
                status: 404,
                retry_after: None,
            },
            1,
        ),
    ] {
        emulator.inject(rule).unwrap();
    }
    for _ in 0..300 {
        if emulator.pending_faults().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(emulator.pending_faults().is_empty());
    emulator
        .client()
        .conference(CONFERENCE)
        .end()
        .await
        .unwrap();
    let ended = lines.take(1).await;
    assert!(ended[0].contains("conference-ended"), "{ended:?}");
    let out = tokio::task::block_in_place(|| child.wait_with_output()).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("trying again in"), "{stderr}");
    // With a bound of one failure, the second in a row ends it as the failure it is.
    emulator
        .inject(get(
            Fault::Status {
                status: 500,
                retry_after: None,
            },
            10,
        ))
        .unwrap();
    let r = run_async(to_emulator(
        &emulator,
        &[
            "participants",
            "watch",
            "--conference",
            &demo::SMALL_CONFERENCE_SID.to_string(),
            "--max-failures",
            "1",
        ],
    ))
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("(1 of 1)"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_changes_wait_out_rate_limits_and_count_them() {
    use signalwire_compat::emulator::{Fault, FaultRule};

    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject(FaultRule {
            method: Some("POST".into()),
            ..Fault::Status {
                status: 429,
                retry_after: Some("1".into()),
            }
            .times(4)
        })
        .unwrap();
    let r = run_async(to_emulator(
        &emulator,
        &[
            "participants",
            "unmute",
            "--conference",
            CONFERENCE,
            "--all",
        ],
    ))
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // In a pipe the outcomes are JSON, each with its retries; the summary is on stderr.
    assert!(
        r.stderr.contains(
            "6 of 6 participants unmuted, 0 had left, 0 failed (4 sent again after a 429)"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stdout.matches(r#""retries":1"#).count(),
        4,
        "{}",
        r.stdout
    );
    assert!(emulator.pending_faults().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_recording_or_stream_is_named_and_stdin_is_read_for_one_secret() {
    let emulator = Emulator::start().await.unwrap();
    let missing = "7e000000-0000-4000-8000-0000000000ff";
    for (what, args) in [
        (
            "recording",
            ["recordings", "stop", "--conference", CONFERENCE, missing],
        ),
        (
            "stream",
            ["streams", "stop", "--conference", CONFERENCE, missing],
        ),
    ] {
        let r = run_async(to_emulator(&emulator, &args)).await;
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "{what} {missing} was not found in conference {CONFERENCE}"
            )),
            "{}",
            r.stderr
        );
    }
    let r = run_async(to_emulator(
        &emulator,
        &[
            "recordings",
            "stop",
            "--call",
            &demo::CALL_SIDS[0].to_string(),
            missing,
        ],
    ))
    .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "recording {missing} was not found on call {}",
            demo::CALL_SIDS[0]
        )),
        "{}",
        r.stderr
    );
    let r = run_async(to_emulator(
        &emulator,
        &[
            "streams",
            "start",
            "--conference",
            CONFERENCE,
            "--url",
            "wss://streams.example.com/a",
            "--bearer-token-file",
            "-",
            "--token-file",
            "-",
        ],
    ))
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("both read standard input"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn generic_commands_for_every_described_resource() {
    use signalwire_compat::emulator::Clock;

    let clock = Clock::starting_at("2026-11-25T12:00:00Z".parse().unwrap());
    let emulator = Emulator::builder().clock(clock).start().await.unwrap();
    let mut pages = Vec::new();
    let mut step = async |args: &[&str]| {
        let r = run_async(to_emulator(&emulator, args)).await;
        let shown = format!(
            "$ signalwire-compat {}\n{}{}[exit {}]\n",
            args.join(" "),
            r.stdout,
            r.stderr,
            r.code
        );
        pages.push(shown);
        r
    };
    let created = step(&[
        "applications",
        "create",
        "--friendly-name",
        "Front desk",
        "--voice-url",
        "https://example.com/voice.xml",
        "--voice-method",
        "get",
        "--output",
        "json",
    ])
    .await;
    let sid = serde_json::from_str::<serde_json::Value>(&created.stdout).unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    step(&[
        "applications",
        "create",
        "--friendly-name",
        "Back office",
        "--output",
        "ndjson",
    ])
    .await;
    step(&["applications", "list", "--output", "table"]).await;
    step(&[
        "applications",
        "list",
        "--friendly-name",
        "Back office",
        "--output",
        "tsv",
        "--columns",
        "friendly_name,voice_method",
    ])
    .await;
    step(&[
        "applications",
        "update",
        &sid,
        "--friendly-name",
        "Front desk",
        "--sms-url",
        "https://example.com/sms",
        "--output",
        "table",
    ])
    .await;
    step(&[
        "applications",
        "get",
        &sid,
        "--output",
        "table",
        "--columns",
        "sid,sms_url,sms_method",
    ])
    .await;
    step(&["applications", "remove", &sid, "--output", "table"]).await;
    step(&[
        "laml-bins",
        "create",
        "--name",
        "Greeting",
        "--contents",
        "<Response><Say>Hi</Say></Response>",
        "--output",
        "table",
    ])
    .await;
    step(&["laml-bins", "list", "--limit", "1", "--output", "json"]).await;
    // Refusals, each with its exit code.
    step(&["applications", "get", &sid]).await;
    step(&["applications", "update", &sid]).await;
    step(&["applications", "create", "--friendly-name", ""]).await;
    step(&[
        "applications",
        "create",
        "--friendly-name",
        "x",
        "--voice-url",
        "relative.xml",
    ])
    .await;
    step(&[
        "applications",
        "create",
        "--friendly-name",
        "x",
        "--voice-method",
        "PUT",
    ])
    .await;
    step(&["applications", "get", "not-a-sid"]).await;
    step(&["applications", "list", "--columns", "nope"]).await;
    let text = numbered_sids(&pages.join("\n"), emulator.project_id());
    settings().bind(|| insta::assert_snapshot!("generic_commands", text));
}

#[tokio::test]
async fn calls_from_placing_to_deleting_with_their_recordings_and_streams() {
    use signalwire_compat::emulator::Clock;

    let clock = Clock::starting_at("2026-11-25T12:00:00Z".parse().unwrap());
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let mut pages = Vec::new();
    let mut step = async |args: &[&str]| {
        let r = run_async(to_emulator(&emulator, args)).await;
        pages.push(format!(
            "$ signalwire-compat {}\n{}{}[exit {}]\n",
            args.join(" "),
            r.stdout,
            r.stderr,
            r.code
        ));
        r
    };
    let created = step(&[
        "calls",
        "create",
        "--to",
        "+15551230002",
        "--from",
        "+15551230001",
        "--url",
        "https://example.com/voice.xml",
        "--status-callback-event",
        "ringing,completed",
        "--ring-timeout",
        "30",
        "--output",
        "json",
        "--columns",
        "sid,status",
    ])
    .await;
    let sid = serde_json::from_str::<serde_json::Value>(&created.stdout).unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    clock
        .advance(
            signalwire_compat::emulator::RING_AFTER + signalwire_compat::emulator::ANSWER_AFTER,
        )
        .unwrap();
    step(&[
        "calls",
        "list",
        "--status",
        "in-progress",
        "--started-on",
        "2026-11-25",
        "--to",
        "+15551230002",
        "--output",
        "table",
    ])
    .await;
    let recording = step(&[
        "recordings",
        "start",
        "--call",
        &sid,
        "--channels",
        "dual",
        "--output",
        "json",
    ])
    .await;
    let recording = serde_json::from_str::<serde_json::Value>(&recording.stdout).unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    step(&[
        "recordings",
        "pause",
        "--call",
        &sid,
        &recording,
        "--pause-behavior",
        "skip",
        "--output",
        "table",
    ])
    .await;
    step(&[
        "streams",
        "start",
        "--call",
        &sid,
        "--url",
        "wss://transcriber.example/audio",
        "--output",
        "table",
    ])
    .await;
    step(&[
        "calls",
        "redirect",
        &sid,
        "--twiml",
        "<Response><Pause length=\"120\"/><Hangup/></Response>",
        "--output",
        "table",
        "--columns",
        "sid,status",
    ])
    .await;
    clock.advance(std::time::Duration::from_secs(42)).unwrap();
    step(&[
        "calls",
        "hangup",
        &sid,
        "--output",
        "table",
        "--columns",
        "status,duration",
    ])
    .await;
    step(&["calls", "remove", &sid, "--output", "table"]).await;
    // Refusals, each with its exit code.
    step(&["calls", "hangup", &sid]).await;
    step(&["calls", "create", "--to", "+1", "--from", "+2"]).await;
    step(&[
        "calls",
        "create",
        "--to",
        "+1",
        "--from",
        "+2",
        "--url",
        "https://x.example/v",
        "--ring-timeout",
        "0",
    ])
    .await;
    step(&["calls", "redirect", &sid]).await;
    step(&[
        "streams",
        "start",
        "--call",
        &sid,
        "--url",
        "wss://x.example/a",
        "--codec",
        "PCMU",
    ])
    .await;
    step(&["calls", "list", "--started-on", "yesterday"]).await;
    // A SIP password is read from a file, and a dry run shows it redacted.
    let secret = std::env::temp_dir().join(format!("sip-password-{}", std::process::id()));
    std::fs::write(&secret, "sip-secret-5e1\n").unwrap();
    let path = secret.to_str().unwrap().to_owned();
    let shown = step(&[
        "calls",
        "create",
        "--to",
        "sip:alice@example.com",
        "--from",
        "+1",
        "--url",
        "https://x.example/v",
        "--sip-auth-password-file",
        &path,
        "--dry-run",
        "--output",
        "json",
    ])
    .await;
    std::fs::remove_file(&secret).unwrap();
    assert!(!shown.stdout.contains("sip-secret-5e1") && !shown.stderr.contains("sip-secret-5e1"));
    pages.pop();
    pages.push(
        format!(
            "(a dry run with --sip-auth-password-file: {}{})\n",
            shown.stdout, shown.stderr
        )
        .replace(&path, "[FILE]"),
    );
    let text = numbered_sids(&pages.join("\n"), emulator.project_id());
    settings().bind(|| insta::assert_snapshot!("call_commands", text));
}

/// `text` with each random SID the emulator made replaced by `[SID n]`, numbered in the order
/// they first appear (the project's own SID is kept).
fn numbered_sids(text: &str, project: uuid::Uuid) -> String {
    let project = project.to_string();
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let candidate = rest.get(..36).filter(|c| {
            uuid::Uuid::try_parse(c).is_ok_and(|u| u.get_version_num() == 4)
                && c.as_bytes()[8] == b'-'
                && *c != project
        });
        match candidate {
            Some(sid) => {
                let n = match seen.iter().position(|s| s == sid) {
                    Some(i) => i + 1,
                    None => {
                        seen.push(sid.to_owned());
                        seen.len()
                    }
                };
                out.push_str(&format!("[SID {n}]"));
                rest = &rest[36..];
            }
            None => {
                let c = rest.chars().next().unwrap();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// A proxy that records that it was used and answers 502, as a proxy that cannot reach its
/// target would: anything sent through it is visible.
async fn recording_proxy() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let used = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = used.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt as _;
                let _ = socket
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (format!("http://{addr}"), used)
}

#[tokio::test]
async fn a_proxy_in_the_environment_is_not_used_for_loopback_or_for_callbacks() {
    let (proxy, used) = recording_proxy().await;
    let with_proxy = |command: &mut Command| {
        for var in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            command.env(var, &proxy);
        }
        command.env_remove("NO_PROXY").env_remove("no_proxy");
    };

    // The client, to an emulator on loopback.
    let emulator = Emulator::start().await.unwrap();
    let mut command = to_emulator(&emulator, &["conferences", "list", "--output", "json"]);
    with_proxy(&mut command);
    let r = run_async(command).await;
    assert_eq!(r.code, 0, "{}", r.stderr);

    // The emulator's callbacks, to a receiver on loopback.
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let mut command = cli(&["emulator", "--output", "json", "--stop-after", "30"]);
    with_proxy(&mut command);
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        use std::io::{BufRead as _, BufReader};
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    let origin = info["base_url"]
        .as_str()
        .unwrap()
        .split("/api/")
        .next()
        .unwrap()
        .to_owned();
    let control = |path: &str, body: serde_json::Value| {
        support::raw()
            .request(
                if path.ends_with("status-callback") {
                    reqwest::Method::PUT
                } else {
                    reqwest::Method::POST
                },
                format!(
                    "{origin}/__emulator/conferences/cf000000-0000-4000-8000-000000000004/{path}"
                ),
            )
            .basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
            .json(&body)
            .send()
    };
    let set = control(
        "status-callback",
        serde_json::json!({"url": format!("{}/events", receiver.uri())}),
    )
    .await
    .unwrap();
    assert_eq!(set.status(), 200);
    let started = control("start", serde_json::json!({})).await.unwrap();
    assert_eq!(started.status(), 200);
    let delivered = support::received(&receiver).await.len();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(delivered, 1, "the callback did not reach the receiver");
    assert_eq!(
        used.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the proxy was used"
    );

    // To a space, the proxy is used, and its failure is said to be the proxy's.
    let mut command = cli(&[
        "conferences",
        "list",
        "--space",
        "example",
        "--token",
        "PTx",
    ]);
    command.args(["--project", &emulator.project_id().to_string()]);
    with_proxy(&mut command);
    let r = run_async(command).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("(through the proxy {proxy} from HTTPS_PROXY)")),
        "{}",
        r.stderr
    );
    assert!(used.load(std::sync::atomic::Ordering::SeqCst) > 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_command_gives_its_first_line_within_bounds_of_time_and_size() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("token-commands");
    let config = dir.join("config.json");
    let tool = |args: &[&str]| with_config(&config, args);
    let add = |name: &str, command: String| {
        tool(&[
            "config",
            "add",
            name,
            "--set-base-url",
            emulator.base_url(),
            "--set-project",
            &emulator.project_id().to_string(),
            "--token-command",
            &command,
        ])
    };
    let token = emulator.api_token();
    // A password manager's entry: the token, then more lines that are not it.
    let entry = format!("printf '%s\\nlogin: someone\\nrecovery: 1234\\n' {token}");
    let endless = "head -c 100000 /dev/zero | tr '\\\\0' a".to_owned();
    for (name, command) in [
        ("entry", entry),
        ("slow", "sleep 30".to_owned()),
        ("huge", endless),
    ] {
        let r = run_async(add(name, command)).await;
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let list = |profile: &str| {
        tool(&[
            "conferences",
            "list",
            "--output",
            "tsv",
            "--profile",
            profile,
        ])
    };

    let r = run_async(list("entry")).await;
    assert_eq!(r.code, 0, "only the first line is the token: {}", r.stderr);

    let started = std::time::Instant::now();
    let r = run_async(list("slow")).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("did not finish within 10 seconds"),
        "{}",
        r.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    let r = run_async(list("huge")).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("more than 64 KiB"), "{}", r.stderr);

    let r = run_async(tool(&["config", "add", " ", "--set-space", "example"])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not empty"), "{}", r.stderr);
}

#[test]
fn cxml_check_prints_a_document_normalized_or_its_first_error() {
    let dir = std::env::temp_dir().join(format!("cxml-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.xml");
    std::fs::write(
        &good,
        "<Response><Say voice='alice'>Hello &amp; welcome</Say><Dial><Conference beep=\"onEnter\">standup</Conference></Dial></Response>",
    )
    .unwrap();
    let r = run(&mut cli(&["cxml", "check", good.to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n  <Say voice=\"alice\">Hello &amp; welcome</Say>\n  <Dial>\n    <Conference beep=\"onEnter\">standup</Conference>\n  </Dial>\n</Response>\n"
    );

    let bad = dir.join("bad.xml");
    std::fs::write(
        &bad,
        "<Response>\n  <Gather>\n    <Dial>+15550001111</Dial>\n  </Gather>\n</Response>",
    )
    .unwrap();
    let r = run(&mut cli(&["cxml", "check", bad.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("line 3, <Dial>: <Dial> cannot go inside <Gather>"),
        "{}",
        r.stderr
    );

    // A messaging document, from standard input; and one that is not UTF-8.
    let mut command = cli(&["cxml", "check", "-"]);
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"<Response><Message to=\"+15550001111\"><Body>Hi</Body></Message></Response>")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<Message to=\"+15550001111\">"));

    std::fs::write(&bad, b"<Response><Say>\xff</Say></Response>").unwrap();
    let r = run(&mut cli(&["cxml", "check", bad.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
    let r = run(&mut cli(&[
        "cxml",
        "check",
        "--channel",
        "fax",
        good.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("<Say> cannot go inside <Response>"),
        "{}",
        r.stderr
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `signalwire-compat emulator ARGS --output json`, started: the process, and the JSON line it
/// printed (where it listens, its credentials).
fn started_emulator(args: &[&str]) -> (std::process::Child, serde_json::Value, String) {
    use std::io::{BufRead as _, BufReader};
    let mut child = cli(&["emulator", "--output", "json"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info = serde_json::from_str(&line).expect("one JSON line");
    (child, info, line)
}

/// Each line of `text` read as JSON.
fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// An app on loopback that answers every request with `document`.
async fn one_page_app(document: &'static str) -> String {
    let router = axum::Router::new()
        .fallback(move || async move { ([("content-type", "text/xml")], document) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    origin
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_create_follow_prints_the_log_as_the_call_runs_and_calls_log_after() {
    let app = one_page_app("<Response><Say>Hi</Say><Hangup/></Response>").await;
    let url = format!("{app}/voice");
    // With the built-in emulator: the call, then its log as it runs, to its end.
    let r = run_async(cli(&[
        "--emulator",
        "calls",
        "create",
        "--to",
        "+15550000001",
        "--from",
        "+15550000002",
        "--url",
        &url,
        "--follow",
        "--output",
        "ndjson",
    ]))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = json_lines(&r.stdout);
    assert_eq!(lines[0]["status"], "queued", "{}", r.stdout);
    let events: Vec<&str> = lines[1..]
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["request", "verb", "verb", "ended"], "{}", r.stdout);
    assert_eq!(lines[1]["url"], url.as_str());

    // Against an emulator in another process: `calls log` after, as a table and as JSON.
    let emulator = Emulator::start().await.unwrap();
    let call = emulator
        .client()
        .calls()
        .create("+15550000001", "+15550000002")
        .url(url.as_str())
        .send()
        .await
        .unwrap();
    emulator
        .wait_for_log(&call.sid, Duration::from_secs(10), |e| e.event == "ended")
        .await
        .unwrap();
    let sid = call.sid.to_string();
    let r = run_async(to_emulator(
        &emulator,
        &["calls", "log", &sid, "--output", "table"],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(rows.len(), 4, "{}", r.stdout);
    assert!(
        rows[1].contains("verb") && rows[1].contains(r#""text":"Hi""#),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("params"), "{}", r.stdout);
    let r = run_async(to_emulator(
        &emulator,
        &["calls", "log", &sid, "--output", "json"],
    ))
    .await;
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(log["log"].as_array().unwrap().len(), 4);
    assert_eq!(log["log"][0]["params"]["CallSid"], sid.as_str());

    // A call that is busy runs no cXML, and has no `ended` entry: following it ends when
    // its status does.
    let put = support::raw()
        .put(format!(
            "http://{}/__emulator/numbers/+15550000009/behavior",
            emulator.addr()
        ))
        .basic_auth(emulator.project_id(), Some(emulator.api_token()))
        .json(&serde_json::json!({ "answer": "busy", "after_ms": 500 }))
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.text().await.unwrap());
    let started = std::time::Instant::now();
    let r = run_async(to_emulator(
        &emulator,
        &[
            "calls",
            "create",
            "--to",
            "+15550000009",
            "--from",
            "+15550000002",
            "--url",
            &url,
            "--follow",
            "--output",
            "ndjson",
        ],
    ));
    let r = tokio::time::timeout(Duration::from_secs(30), r)
        .await
        .expect("following a busy call ends");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(json_lines(&r.stdout)[0]["status"], "queued", "{}", r.stdout);

    // A call it does not have, or a server that is not an emulator: not found (3), and
    // where a call's log is kept.
    let r = run_async(to_emulator(
        &emulator,
        &["calls", "log", "5e000000-0000-4000-8000-00000000beef"],
    ))
    .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("a call's log is kept by the emulator"),
        "{}",
        r.stderr
    );
    let r = run_async(to_emulator(&emulator, &["calls", "log", "not-a-sid"])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a call SID"), "{}", r.stderr);
}

#[test]
fn the_emulator_runs_on_a_sped_up_clock_with_clock_speed() {
    for (args, said) in [
        (&["--clock-speed", "0"][..], "not a speed"),
        (&["--clock-speed", "5000"][..], "not a speed"),
        (
            &["--clock-speed", "60", "--virtual-clock"][..],
            "cannot be used with",
        ),
    ] {
        let mut command = cli(&["emulator"]);
        let r = run(command.args(args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(said), "{args:?}: {}", r.stderr);
    }
    let (mut child, info, _) = started_emulator(&[
        "--stop-after",
        "10",
        "--clock-speed",
        "1000",
        "--clock-start",
        "2026-01-01T09:00:00Z",
    ]);
    let base = info["base_url"].as_str().unwrap();
    let origin = base.trim_end_matches("/api/laml/2010-04-01");
    let token = info["api_token"].as_str().unwrap();
    let project = info["project_id"].as_str().unwrap();
    let now = || -> (chrono::DateTime<chrono::Utc>, serde_json::Value) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let body: serde_json::Value = runtime.block_on(async {
            support::raw()
                .get(format!("{origin}/__emulator/clock"))
                .basic_auth(project, Some(token))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        (body["now"].as_str().unwrap().parse().unwrap(), body)
    };
    let (first, body) = now();
    assert_eq!(body["virtual"], false);
    assert!(
        first
            >= "2026-01-01T09:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
    );
    std::thread::sleep(Duration::from_millis(300));
    let (second, _) = now();
    // 0.3 s of real time is 300 s of its time, and more for the requests themselves.
    let passed = (second - first).num_seconds();
    assert!((250..=2_000).contains(&passed), "{passed} s passed");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn numbers_and_messages_by_their_own_words() {
    use signalwire_compat::emulator::Clock;

    let clock = Clock::starting_at("2026-11-25T12:00:00Z".parse().unwrap());
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let mut pages = Vec::new();
    let mut step = async |args: &[&str]| {
        let r = run_async(to_emulator(&emulator, args)).await;
        pages.push(format!(
            "$ signalwire-compat {}\n{}{}[exit {}]\n",
            args.join(" "),
            r.stdout,
            r.stderr,
            r.code
        ));
        r
    };
    step(&[
        "numbers",
        "search",
        "--area-code",
        "555",
        "--contains",
        "22330",
        "--output",
        "table",
    ])
    .await;
    step(&[
        "numbers",
        "search",
        "--country",
        "gb",
        "--toll-free",
        "--contains",
        "2015",
        "--output",
        "tsv",
        "--columns",
        "phone_number,friendly_name,iso_country",
    ])
    .await;
    step(&["numbers", "search", "--in-locality", "Seattle"]).await;
    step(&["numbers", "search", "--country", "USA"]).await;
    step(&[
        "numbers",
        "import",
        "+4915223433332",
        "--capability",
        "sms",
        "--capability",
        "voice",
        "--output",
        "tsv",
        "--columns",
        "phone_number,origin,country_code,verification_status",
    ])
    .await;
    step(&["numbers", "import", "4915223433332", "--toll-free"]).await;
    let bought = step(&[
        "numbers",
        "buy",
        "--phone-number",
        "+15551230100",
        "--sms-url",
        "https://example.com/sms",
        "--output",
        "tsv",
        "--no-header",
        "--columns",
        "sid,phone_number,friendly_name,sms_url",
    ])
    .await;
    let first = |stdout: &str| stdout.split('\t').next().unwrap().trim().to_owned();
    let number = first(&bought.stdout);
    let sent = step(&[
        "messages",
        "send",
        "--to",
        "+15557654321",
        "--from",
        "+15551230100",
        "--body",
        "Your table is ready",
        "--media-url",
        "https://example.com/menu.jpg",
        "--output",
        "tsv",
        "--no-header",
        "--columns",
        "sid,status,direction,num_segments,num_media",
    ])
    .await;
    let message = first(&sent.stdout);
    // Still queued: it cannot be redacted yet.
    step(&["messages", "redact", &message]).await;
    clock.advance(std::time::Duration::from_secs(3)).unwrap();
    step(&[
        "messages",
        "list",
        "--to",
        "+15557654321",
        "--output",
        "table",
        "--columns",
        "to,from,status,num_media,body",
    ])
    .await;
    step(&[
        "messages",
        "redact",
        &message,
        "--output",
        "table",
        "--columns",
        "status,body",
    ])
    .await;
    step(&[
        "media",
        "list",
        "--message",
        &message,
        "--output",
        "table",
        "--columns",
        "parent_sid,content_type",
    ])
    .await;
    step(&["media", "list", "--message", "not-a-sid"]).await;
    step(&[
        "messages",
        "send",
        "--to",
        "+15557654321",
        "--body",
        "No sender",
    ])
    .await;
    step(&["numbers", "release", &number, "--output", "table"]).await;
    step(&["numbers", "list", "--output", "table"]).await;
    let text = numbered_sids(&pages.join("\n"), emulator.project_id());
    settings().bind(|| insta::assert_snapshot!("numbers_and_messages", text));
}
