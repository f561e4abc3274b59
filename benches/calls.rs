//! What the emulator's cXML runner costs: 1,000 calls in flight at once, each running a
//! five-verb app (`Say`, `Pause`, `Play`, a `Gather` nobody answers, `Hangup`) served by a
//! local app server, on a virtual clock stepped as fast as the calls keep up.
//!
//! `cargo bench --features emulator --bench calls` prints a Markdown table row: calls
//! completed a second (wall time from the first call created to the last one completed, the
//! clock stepped 500 ms every millisecond, so that the runners, not the stepping, set the
//! pace) and the process's peak resident memory (`VmHWM`: emulator, app server and client
//! together), with the memory before the calls for comparison.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{Router, routing::post};
use futures_util::{StreamExt as _, TryStreamExt as _};
use signalwire_compat::{
    CallStatus,
    emulator::{Clock, Emulator},
};

/// How many calls are in flight at once.
const CALLS: usize = 1_000;

/// The app's one document: five verbs.
const DOCUMENT: &str = r#"<Response><Say>Hello and welcome</Say><Pause length="1"/><Play>http://127.0.0.1:9/hold.mp3</Play><Gather numDigits="1" timeout="2"><Say>Press a key</Say></Gather><Hangup/></Response>"#;

/// The process's peak resident memory so far, in MiB, from `/proc/self/status`.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let emulator = Emulator::builder()
        .clock(Clock::starting_at(
            "2026-12-01T09:00:00Z".parse().expect("a date"),
        ))
        .start()
        .await
        .expect("the emulator starts");
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = asked.clone();
    let app = Router::new().route(
        "/voice",
        post(move || {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::Relaxed);
                ([("content-type", "text/xml")], DOCUMENT)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!(
        "http://{}/voice",
        listener.local_addr().expect("an address")
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let before = peak_rss_mib();

    let client = emulator.client();
    let started = Instant::now();
    let created: Vec<_> = futures_util::stream::iter(0..CALLS)
        .map(|n| {
            let client = client.clone();
            let url = url.clone();
            async move {
                client
                    .calls()
                    .create(format!("+1555{n:07}"), "+15550009999")
                    .url(url)
                    .send()
                    .await
            }
        })
        .buffer_unordered(64)
        .try_collect()
        .await
        .expect("every call is created");
    assert_eq!(created.len(), CALLS);

    // Step the clock while the runners keep up, until every call has completed.
    let mut steps = 0u32;
    loop {
        emulator
            .clock()
            .advance(Duration::from_millis(500))
            .expect("a virtual clock");
        steps += 1;
        tokio::time::sleep(Duration::from_millis(1)).await;
        if steps.is_multiple_of(10) {
            let done = client
                .calls()
                .list()
                .status(CallStatus::Completed)
                .page_size(1000)
                .stream()
                .try_fold(0usize, |n, _| async move { Ok(n + 1) })
                .await
                .expect("the calls are listed");
            if done == CALLS {
                break;
            }
            assert!(steps < 20_000, "{done} of {CALLS} calls completed");
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let after = peak_rss_mib();
    assert_eq!(asked.load(Ordering::Relaxed), CALLS, "each call asked once");
    let mib = |m: Option<f64>| m.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0} MiB"));
    println!(
        "| {CALLS} calls in flight, each running a five-verb app against a local app server (virtual clock, {:.0} s of it) | {:.0} calls completed/s ({elapsed:.2} s), peak RSS {} | | | (peak RSS before the calls: {}) |",
        f64::from(steps) / 2.0,
        CALLS as f64 / elapsed,
        mib(after),
        mib(before),
    );
    emulator.shutdown().await;
}
