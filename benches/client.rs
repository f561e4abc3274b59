//! What the generated client and its layer cost, measured side by side against a hand-written
//! reqwest + serde_json baseline, as ratios (the machine is shared and noisy; absolute times
//! do not compare between runs).
//!
//! `cargo bench --features emulator --bench client` prints one Markdown table. The servers run
//! in child processes (this binary, started again in another role), so their work never shares
//! the client's thread, and the client's heap is measured alone.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    io::{BufRead as _, BufReader, Write as _},
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

use futures_util::{StreamExt as _, TryStreamExt as _};
use serde::Deserialize;
use signalwire_compat::{
    Client, RetryPolicy,
    emulator::{Emulator, Seed, SeedConference, SeedParticipant, SeedProject, demo},
};

/// Counts the heap the client holds: current bytes and the peak since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, size) };
        if !q.is_null() {
            if size > layout.size() {
                let now = CURRENT.fetch_add(size - layout.size(), Ordering::Relaxed) + size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - size, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ROLE: &str = "SIGNALWIRE_COMPAT_BENCH_ROLE";

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("emulator") => serve_emulator(),
        Ok("hyper") => serve_hyper(),
        // For profilers: one side's fetch loop alone (`ours` or `baseline`), N requests.
        Ok(side @ ("ours" | "baseline")) => profile(side == "ours"),
        _ => run_all(),
    }
}

// ---------------------------------------------------------------------------------------
// Server roles, run in child processes.

/// The emulator, seeded with `PARTICIPANTS` participants (the demo data when 0); prints its
/// base URL and serves until its standard input closes.
fn serve_emulator() {
    let n: u128 = std::env::var("PARTICIPANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let seed = if n == 0 {
        demo::seed()
    } else {
        Seed {
            projects: vec![SeedProject {
                project_id: demo::PROJECT_ID,
                api_token: demo::API_TOKEN.into(),
                signing_key: None,
                numbers: Vec::new(),
                conferences: vec![SeedConference {
                    sid: demo::CONFERENCE_SID,
                    participants: (0..n)
                        .map(|i| {
                            SeedParticipant::new(uuid::Uuid::from_u128(
                                0xca00_0000_0000_0000_0000 + i,
                            ))
                        })
                        .collect(),
                    ..SeedConference::new(demo::CONFERENCE_SID)
                }],
            }],
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let emulator = Emulator::builder().seed(seed).start().await.unwrap();
        println!("{}", emulator.base_url());
        wait_for_stdin_close().await;
    });
}

/// A minimal hyper server that answers every request with the same participant JSON the
/// emulator sends: the loopback ceiling for this machine.
fn serve_hyper() {
    use hyper::{Response, body::Bytes, server::conn::http1, service::service_fn};
    let body = Bytes::from(std::env::var("BODY").unwrap());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                tcp.set_nodelay(true).unwrap();
                let body = body.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |_req| {
                        let body = body.clone();
                        async move {
                            Ok::<_, std::convert::Infallible>(
                                Response::builder()
                                    .header("content-type", "application/json; charset=utf-8")
                                    .body(http_body_util::Full::new(body))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                        .await;
                });
            }
        });
        wait_for_stdin_close().await;
    });
}

async fn wait_for_stdin_close() {
    tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).unwrap_or(0) > 0 {}
    })
    .await
    .unwrap();
}

/// A server in a child process; dropping it closes the child's standard input, which ends it.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(role: &str, env: &[(&str, String)]) -> Self {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .env(ROLE, role)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap();
        let mut url = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut url)
            .unwrap();
        Self {
            child,
            url: url.trim().to_owned(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// The baseline: what one would write by hand with reqwest and serde_json.

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainParticipant {
    account_sid: String,
    call_sid: String,
    call_sid_to_coach: Option<String>,
    coaching: bool,
    conference_sid: String,
    date_created: String,
    date_updated: String,
    end_conference_on_exit: bool,
    hold: bool,
    muted: bool,
    start_conference_on_enter: bool,
    status: String,
    uri: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainPage {
    participants: Vec<PlainParticipant>,
    next_page_uri: Option<String>,
}

fn baseline_client() -> reqwest::Client {
    // This crate configures rustls for its own client; a plain reqwest client needs a
    // process-wide crypto provider.
    #[cfg(feature = "rustls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    use base64::Engine as _;
    let mut headers = reqwest::header::HeaderMap::new();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        demo::PROJECT_ID,
        demo::API_TOKEN
    ));
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {auth}")).unwrap();
    value.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, value);
    // What a careful hand-written client sets too: credentials, no redirects, timeouts.
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn baseline_fetch(http: &reqwest::Client, url: &str) -> PlainParticipant {
    let response = http.get(url).send().await.unwrap();
    assert!(response.status().is_success());
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// The demo participant's URL under an API root, as the baseline requests it.
fn participant_url(base_url: &str) -> String {
    format!(
        "{base_url}/Accounts/{}/Conferences/{}/Participants/{}",
        demo::PROJECT_ID,
        demo::CONFERENCE_SID,
        demo::CALL_SIDS[0]
    )
}

fn our_client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .project_id(demo::PROJECT_ID.to_string())
        .api_token(demo::API_TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn profile(ours: bool) {
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let server = Server::start("emulator", &[]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = our_client(&server.url);
        let handle = client
            .conference(demo::CONFERENCE_SID)
            .participant(demo::CALL_SIDS[0]);
        let http = baseline_client();
        let url = participant_url(&server.url);
        let in_flight: usize = std::env::var("IN_FLIGHT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        if ours {
            futures_util::stream::iter(0..n)
                .map(|_| handle.fetch())
                .buffer_unordered(in_flight)
                .for_each(|p| async move {
                    std::hint::black_box(p.unwrap());
                })
                .await;
        } else {
            futures_util::stream::iter(0..n)
                .map(|_| baseline_fetch(&http, &url))
                .buffer_unordered(in_flight)
                .for_each(|p| async move {
                    std::hint::black_box(p);
                })
                .await;
        }
    });
}

// ---------------------------------------------------------------------------------------
// Measurement.

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Runs `a` and `b` in alternating rounds and returns their median times per round.
async fn ab<A, B, FA, FB>(rounds: usize, mut a: A, mut b: B) -> (f64, f64, f64)
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = ()>,
    FB: Future<Output = ()>,
{
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut time_a = Duration::ZERO;
        let mut time_b = Duration::ZERO;
        for first_a in [round % 2 == 0, round % 2 != 0] {
            let started = Instant::now();
            if first_a {
                a().await
            } else {
                b().await
            }
            let took = started.elapsed();
            if first_a {
                time_a = took
            } else {
                time_b = took
            }
        }
        ta.push(time_a.as_secs_f64());
        tb.push(time_b.as_secs_f64());
        ratios.push(time_a.as_secs_f64() / time_b.as_secs_f64());
    }
    (median(ta), median(tb), median(ratios))
}

struct Row {
    what: String,
    ours: String,
    baseline: String,
    ratio: String,
    goal: String,
}

fn run_all() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    runtime.block_on(async {
        rows.extend(fetch_benchmarks().await);
        rows.push(decode_benchmark().await);
        rows.extend(listing_benchmarks().await);
        rows.extend(server_ceiling().await);
    });
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "| benchmark | signalwire-compat | baseline | ratio | goal |"
    )
    .unwrap();
    writeln!(out, "|---|---|---|---|---|").unwrap();
    for r in rows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            r.what, r.ours, r.baseline, r.ratio, r.goal
        )
        .unwrap();
    }
}

async fn fetch_benchmarks() -> Vec<Row> {
    let server = Server::start("emulator", &[]);
    let ours = our_client(&server.url);
    let handle = ours
        .conference(demo::CONFERENCE_SID)
        .participant(demo::CALL_SIDS[0]);
    let http = baseline_client();
    let url = participant_url(&server.url);
    // Warm both connection pools.
    for _ in 0..300 {
        handle.fetch().await.unwrap();
        baseline_fetch(&http, &url).await;
    }

    const SEQUENTIAL: usize = 400;
    let (a, b, ratio) = ab(
        15,
        || async {
            for _ in 0..SEQUENTIAL {
                handle.fetch().await.unwrap();
            }
        },
        || async {
            for _ in 0..SEQUENTIAL {
                baseline_fetch(&http, &url).await;
            }
        },
    )
    .await;
    let per = |t: f64, n: usize| format!("{:.1} µs/request", t / n as f64 * 1e6);
    let sequential = Row {
        what: "fetch, sequential".into(),
        ours: per(a, SEQUENTIAL),
        baseline: per(b, SEQUENTIAL),
        ratio: format!("{ratio:.3} (time)"),
        goal: "≤ 1.05".into(),
    };

    const IN_FLIGHT: usize = 64;
    const TOTAL: usize = 4_000;
    let (a, b, ratio) = ab(
        11,
        || async {
            futures_util::stream::iter(0..TOTAL)
                .map(|_| handle.fetch())
                .buffer_unordered(IN_FLIGHT)
                .try_for_each(|_| async { Ok(()) })
                .await
                .unwrap();
        },
        || async {
            futures_util::stream::iter(0..TOTAL)
                .map(|_| baseline_fetch(&http, &url))
                .buffer_unordered(IN_FLIGHT)
                .for_each(|_| async {})
                .await;
        },
    )
    .await;
    let rate = |t: f64| format!("{:.0} requests/s", TOTAL as f64 / t);
    let concurrent = Row {
        what: format!("fetch, {IN_FLIGHT} in flight"),
        ours: rate(a),
        baseline: rate(b),
        ratio: format!("{:.3} (throughput)", 1.0 / ratio),
        goal: "≥ 0.95".into(),
    };
    vec![sequential, concurrent]
}

async fn decode_benchmark() -> Row {
    let body = demo_participant_json();
    let bytes = body.as_bytes();
    const N: usize = 20_000;
    let (a, b, ratio) = ab(
        21,
        || async {
            for _ in 0..N {
                std::hint::black_box(
                    signalwire_compat::__private::decode_participant(std::hint::black_box(bytes))
                        .unwrap(),
                );
            }
        },
        || async {
            for _ in 0..N {
                std::hint::black_box(
                    serde_json::from_slice::<PlainParticipant>(std::hint::black_box(bytes))
                        .unwrap(),
                );
            }
        },
    )
    .await;
    Row {
        what: "decode one participant (dates parsed by ours, kept as text by the baseline)".into(),
        ours: format!("{:.2} µs", a / N as f64 * 1e6),
        baseline: format!("{:.2} µs", b / N as f64 * 1e6),
        ratio: format!("{ratio:.3} (time)"),
        goal: "< 1.5".into(),
    }
}

fn demo_participant_json() -> String {
    serde_json::json!({
        "account_sid": demo::PROJECT_ID,
        "call_sid": demo::CALL_SIDS[0],
        "call_sid_to_coach": null,
        "coaching": false,
        "conference_sid": demo::CONFERENCE_SID,
        "date_created": "Wed, 25 Nov 2026 10:00:00 +0000",
        "date_updated": "Wed, 25 Nov 2026 10:05:00 +0000",
        "end_conference_on_exit": false,
        "hold": false,
        "muted": true,
        "start_conference_on_enter": true,
        "status": "in-progress",
        "uri": format!("/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants/{}.json", demo::PROJECT_ID, demo::CONFERENCE_SID, demo::CALL_SIDS[0]),
    })
    .to_string()
}

async fn listing_benchmarks() -> Vec<Row> {
    let mut rows = Vec::new();
    let mut peaks = Vec::new();
    for total in [1_000usize, 100_000] {
        let server = Server::start("emulator", &[("PARTICIPANTS", total.to_string())]);
        let ours = our_client(&server.url);
        let listing = || {
            ours.conference(demo::CONFERENCE_SID)
                .participants()
                .list()
                .page_size(1000)
        };
        // Warm the connection, then measure the heap the stream holds at its peak.
        listing().send().await.unwrap();
        let before = CURRENT.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let count = listing()
            .stream()
            .try_fold(0usize, |n, p| async move {
                std::hint::black_box(p);
                Ok(n + 1)
            })
            .await
            .unwrap();
        let took = started.elapsed().as_secs_f64();
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        assert_eq!(count, total);

        // The baseline follows next_page_uri by hand.
        let http = baseline_client();
        let origin = server
            .url
            .trim_end_matches("/api/laml/2010-04-01")
            .to_owned();
        let mut next = Some(format!(
            "/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants?PageSize=1000",
            demo::PROJECT_ID,
            demo::CONFERENCE_SID
        ));
        let started = Instant::now();
        let mut seen = 0;
        while let Some(uri) = next {
            let page: PlainPage = serde_json::from_slice(
                &http
                    .get(format!("{origin}{uri}"))
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap(),
            )
            .unwrap();
            seen += page.participants.len();
            next = page.next_page_uri;
        }
        let baseline = started.elapsed().as_secs_f64();
        assert_eq!(seen, total);
        peaks.push(peak);
        rows.push(Row {
            what: format!("list {total} participants, pages of 1000, through stream()"),
            ours: format!(
                "{:.0} participants/s, peak heap {:.1} MiB",
                total as f64 / took,
                peak as f64 / 1048576.0
            ),
            baseline: format!("{:.0} participants/s", total as f64 / baseline),
            ratio: format!("{:.3} (throughput)", baseline / took),
            goal: "peak heap flat".into(),
        });
    }
    rows.push(Row {
        what: "peak heap, 100,000 vs 1,000 participants".into(),
        ours: format!("{:.2}×", peaks[1] as f64 / peaks[0] as f64),
        baseline: String::new(),
        ratio: String::new(),
        goal: "does not grow with the total".into(),
    });
    rows
}

async fn server_ceiling() -> Vec<Row> {
    if Command::new("wrk").arg("--version").output().is_err() {
        return vec![Row {
            what: "server ceiling (wrk)".into(),
            ours: "wrk is not installed (apt-get install wrk)".into(),
            baseline: String::new(),
            ratio: String::new(),
            goal: String::new(),
        }];
    }
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        demo::PROJECT_ID,
        demo::API_TOKEN
    ));
    let wrk = |url: &str| -> f64 {
        let out = Command::new("wrk")
            .args([
                "-t1",
                "-c64",
                "-d5s",
                "-H",
                &format!("Authorization: Basic {auth}"),
                url,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("Non-2xx"), "{text}");
        text.lines()
            .find_map(|l| l.strip_prefix("Requests/sec:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no rate in wrk's output: {text}"))
    };
    let emulator = Server::start("emulator", &[]);
    let url = participant_url(&emulator.url);
    let body = baseline_client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hyper = Server::start("hyper", &[("BODY", body)]);
    let (e, h) = (wrk(&url), wrk(&hyper.url));
    vec![Row {
        what: "server ceiling: wrk, 1 thread, 64 connections, 5 s".into(),
        ours: format!("emulator {e:.0} requests/s"),
        baseline: format!("minimal hyper server {h:.0} requests/s"),
        ratio: format!("{:.3}", e / h),
        goal: "(how much of the loopback limit the emulator uses)".into(),
    }]
}
