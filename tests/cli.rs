//! The command-line tool, run as a user runs it: its help, its outputs, and every error with
//! its exit code. Commands run against the emulator (`--emulator`, or one started here).

#![cfg(feature = "cli")]

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
    ] {
        command.env_remove(var);
    }
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
    let mut pages = Vec::new();
    for args in [
        &["--help"][..],
        &["participants", "--help"],
        &["participants", "list", "--help"],
        &["participants", "get", "--help"],
        &["participants", "update", "--help"],
        &["participants", "mute", "--help"],
        &["participants", "remove", "--help"],
        &["emulator", "--help"],
    ] {
        let r = run(&mut cli(args));
        assert_eq!(r.code, 0, "{args:?}");
        pages.push(format!(
            "$ signalwire-compat {}\n{}",
            args.join(" "),
            r.stdout
        ));
    }
    insta::assert_snapshot!("help", pages.join("\n"));
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
            "--unmuted",
            "--output",
            "table",
        ],
        &[
            "participants",
            "list",
            "--conference",
            "cf000000-0000-4000-8000-000000000002",
            "--muted",
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
            "--mute",
            "--hold",
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
            "--coach",
            BOB,
            "--beep-on-exit",
            "--end-conference-on-exit",
            "--output",
            "table",
        ],
        &[
            "participants",
            "update",
            "--conference",
            CONFERENCE,
            "ca000000-0000-4000-8000-000000000005",
            "--no-coach",
            "--no-beep-on-exit",
            "--no-end-conference-on-exit",
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
            "a conference SID that is not a UUID",
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
                "--coach",
                "ca000000-0000-4000-8000-0000000000ff",
            ]),
        ),
        (
            "--mute with --unmute",
            cli(&[
                "participants",
                "update",
                "--emulator",
                "--conference",
                CONFERENCE,
                ALICE,
                "--mute",
                "--unmute",
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
    use std::io::{BufRead as _, BufReader};
    let mut child = cli(&["emulator", "--output", "json", "--stop-after", "30"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
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
