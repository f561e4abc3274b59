//! Shared pieces of the integration tests: fixed identifiers, a client aimed at a loopback
//! server, and a printable form of a request as it went on the wire.

#![allow(dead_code)]

use signalwire_compat::{Client, RetryPolicy};

#[cfg(feature = "emulator")]
pub mod voice;

pub const PROJECT: &str = "b3877c40-da60-4998-90ad-b792e98472af";
pub const TOKEN: &str = "PTsecret-token-0123456789abcdef";
pub const CONFERENCE: &str = "b3877c40-da60-4998-90ad-b792e98472cf";
pub const CALL: &str = "b3877c40-da60-4998-90ad-b792e98472ca";
pub const OTHER_CALL: &str = "b3877c40-da60-4998-90ad-b792e98472cb";

pub const PARTICIPANTS_PATH: &str = "/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Conferences/b3877c40-da60-4998-90ad-b792e98472cf/Participants";

/// A client for the API root served at `origin` (e.g. `http://127.0.0.1:1234`), sending each
/// request once.
pub fn client(origin: &str) -> Client {
    builder(origin).build().expect("valid test configuration")
}

pub fn builder(origin: &str) -> signalwire_compat::ClientBuilder {
    Client::builder()
        .base_url(format!("{origin}/api/laml/2010-04-01"))
        .project_id(PROJECT)
        .api_token(TOKEN)
        .retry(RetryPolicy::none())
}

/// The request as it arrived, one line a part, with the credentials checked and redacted.
pub fn wire(request: &wiremock::Request) -> String {
    use base64::Engine as _;
    let mut out = format!("{} {}", request.method, request.url.path());
    if let Some(q) = request.url.query() {
        out.push('?');
        out.push_str(q);
    }
    out.push('\n');
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header").to_owned())
    };
    let auth = header("authorization").expect("every request carries credentials");
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT}:{TOKEN}"))
    );
    assert_eq!(auth, expected, "Basic credentials of project ID and token");
    let agent = header("user-agent").unwrap_or_default();
    assert!(agent.starts_with("signalwire-compat/"), "{agent}");
    let mut names: Vec<&str> = request.headers.keys().map(|n| n.as_str()).collect();
    names.sort_unstable();
    for name in names {
        let value = match name {
            "authorization" => "Basic [project_id:api_token, redacted]".to_owned(),
            // Changes with every release; checked on its own.
            "user-agent" => "signalwire-compat/[version]".to_owned(),
            // Differ between runs.
            "host" => "127.0.0.1:[port]".to_owned(),
            _ => header(name).expect("header"),
        };
        out.push_str(&format!("{name}: {value}\n"));
    }
    if !request.body.is_empty() {
        out.push_str(&format!(
            "body: {}\n",
            String::from_utf8_lossy(&request.body)
        ));
    }
    out
}

/// A plain reqwest client, for requests this crate's client would not make. This crate
/// configures rustls for its own client; a plain one needs a process-wide crypto provider.
pub fn raw() -> reqwest::Client {
    #[cfg(feature = "rustls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Sends a request with the emulator's demo credentials: its status, and its body as JSON
/// (`null` when it is not JSON).
#[cfg(feature = "emulator")]
pub async fn send_as_demo(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    use signalwire_compat::emulator::demo;
    let response = request
        .basic_auth(demo::PROJECT_ID, Some(demo::API_TOKEN))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// A receiver of status callbacks on loopback at `/status`: its URL, and each request's
/// signature and body as they arrive.
#[cfg(feature = "emulator")]
pub async fn callback_receiver() -> (String, Callbacks) {
    use axum::{body::Bytes, extract::State, http::HeaderMap};
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let receive = |State(tx): State<tokio::sync::mpsc::UnboundedSender<(String, Bytes)>>,
                   headers: HeaderMap,
                   body: Bytes| async move {
        let signature = headers
            .get("x-signalwire-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let _ = tx.send((signature, body));
        "ok"
    };
    let router = axum::Router::new()
        .route("/status", axum::routing::post(receive))
        .with_state(tx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}/status"), rx)
}

/// What a [`callback_receiver`] was sent: each request's signature and body.
#[cfg(feature = "emulator")]
pub type Callbacks = tokio::sync::mpsc::UnboundedReceiver<(String, axum::body::Bytes)>;

/// A receiver on loopback that takes connections and reads, but never answers.
pub async fn silent_receiver() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    silent
}

/// A participant in the API's JSON shape.
pub fn participant_json(call_sid: &str, muted: bool) -> serde_json::Value {
    serde_json::json!({
        "account_sid": PROJECT,
        "call_sid": call_sid,
        "call_sid_to_coach": null,
        "coaching": false,
        "conference_sid": CONFERENCE,
        "date_created": "Wed, 25 Nov 2026 10:00:00 +0000",
        "date_updated": "Wed, 25 Nov 2026 10:05:00 +0000",
        "end_conference_on_exit": false,
        "hold": false,
        "muted": muted,
        "start_conference_on_enter": true,
        "status": "in-progress",
        "uri": format!("{PARTICIPANTS_PATH}/{call_sid}.json"),
    })
}

/// Replaces the ephemeral `127.0.0.1:PORT` of a server with a fixed text, for snapshots.
pub fn stable(text: impl std::fmt::Display, origin: &str) -> String {
    let host = origin.trim_start_matches("http://");
    text.to_string().replace(host, "127.0.0.1:PORT")
}

/// What `server` has received, once it holds a request or two seconds have passed (status
/// callbacks are delivered in the background).
pub async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    for _ in 0..100 {
        let requests = server.received_requests().await.unwrap_or_default();
        if !requests.is_empty() {
            return requests;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Vec::new()
}
