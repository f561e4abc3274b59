//! A local SignalWire space: a real HTTP server that behaves like the Compatibility API's
//! conference, participant, recording and stream endpoints, and its applications and LaML
//! Bins (kept in a generic store, `store.rs`), for tests, demos and the command-line tool.
//! Needs the `emulator` feature. Every date it writes comes from its [`Clock`].
//!
//! It binds 127.0.0.1 on a free port (or the address given), starts with the [`demo`] data
//! or a [`Seed`] of your own, serves several projects that never see each other's data, and
//! stops when dropped or [shut down](Emulator::shutdown).
//!
//! It answers as SignalWire does: Basic auth on every route (401, code 20003), the API root
//! at `/api/laml/2010-04-01` and at `/2010-04-01`, with or without a `.json` suffix, list
//! filters and paging with host-relative page URIs, form-encoded updates, 204 on delete, and
//! JSON errors with `code`, `message`, `more_info` and `status` for everything it refuses:
//! 400 for malformed values and unknown query parameters (code 10000; 21209 for a callback
//! method other than GET or POST), 401 (code 20003), 404 (code 20404, also for malformed SIDs
//! and unknown paths), 405 (code 20004, with `Allow`), 413 (bodies over 64 KiB), and 422 for
//! well-formed requests it cannot carry out: coaching without a call of the same conference
//! (code 16002), changing a participant whose call has ended, an announcement to a
//! conference that is over, or a page token it never gave (code 10000). What it chose where
//! SignalWire's documents are silent about conferences (listing order, the meaning of
//! `DateCreated<`, ending twice) is said in the README's emulator section.
//!
//! Faults can be injected to test retry and timeout handling: from Rust with
//! [`Emulator::inject`], from any language by `POST`ing a [`FaultRule`] (or an array of them)
//! as JSON to `/__emulator/faults` with a project's credentials, e.g.
//! `{"kind": "status", "status": 429, "retry_after": "1", "times": 2}`; `GET` there lists the
//! pending rules and `DELETE` clears them. Rules belong to the project that added them: they
//! fire only on its own requests, after authentication, and no other project sees or clears
//! them. A rule is checked when it is added ([`FaultRule::checked`]); a bad one is refused
//! with 400 and nothing is queued.
//!
//! It calls webhooks back: a conference's status callbacks (set in the seed or at
//! `/__emulator/conferences/{sid}/status-callback`) are sent, signed with the project's
//! signing key ([`Emulator::signing_key`]), for the REST operations that change state and
//! for the control requests that do what the REST API cannot (a call joins, speaks, hangs
//! up; a conference starts). [`Emulator::callbacks`] and `GET /__emulator/callbacks` (a
//! page at a time) list each project's delivery attempts, its last [`MAX_CALLBACK_LOG`]. The README's "Receiving webhooks" section has the control
//! requests, with curl examples.
//!
//! Request bodies: over 64 KiB is 413 (refused from `Content-Length` before reading when
//! it is declared), malformed chunks or a body shorter than its `Content-Length` are 400, a
//! body that takes over 10 seconds is 408. Headers over 32 KiB get a JSON 431. An update
//! reads its parameters from the form body only, as SignalWire does: parameters in the query
//! string change nothing, and the answer (200, the participant unchanged, as for an update
//! with no parameters) carries an `X-Emulator-Warning` header saying they were ignored.
//!
//! Connections: a request head must arrive within 10 seconds of the connection being ready
//! for one, so a kept-alive connection idle that long is closed
//! ([`EmulatorBuilder::header_timeout`]). Stopping closes the listener at once, gives requests
//! in flight 5 seconds to finish, then drops what is left
//! ([`EmulatorBuilder::shutdown_grace`]). Some refusals are made by the HTTP layer before the
//! emulator sees a request, and have no JSON body: a request head hyper cannot parse (400),
//! or one over its buffer of about 400 KiB or 100 headers (431).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use signalwire_compat::emulator::{Emulator, demo};
//!
//! let emulator = Emulator::start().await?;
//! let client = emulator.client();
//! let page = client.conference(demo::CONFERENCE_SID).participants().list().send().await?;
//! assert_eq!(page.items.len(), 6);
//! # Ok(()) }
//! ```

mod applications;
mod available_numbers;
mod callbacks;
mod caller;
mod calls;
mod clock;
mod conferences;
mod connection;
mod faults;
mod form;
mod http;
mod incoming_phone_numbers;
mod laml_bins;
mod messages;
mod messaging;
mod numbers;
mod ordered;
mod paging;
mod participants;
mod recordings;
mod remote;
mod response;
mod routes;
mod runner;
mod seed;
mod server;
mod state;
pub(crate) mod store;
mod streams;

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::{Arc, Mutex},
};

use std::time::Duration;

use tokio::sync::oneshot;
use uuid::Uuid;

pub use available_numbers::{MAX_FOUND, PER_AREA};
pub use callbacks::{
    CALLBACKS_PAGE, CallbackAttempt, MAX_CALLBACK_LOG, MAX_LOGGED_TEXT, StatusCallback,
};
pub use caller::{CallLogEntry, ControlError};
pub use calls::{
    ANSWER_AFTER, CallCxml, MAX_CALLS_IN_FLIGHT, MAX_ENDED_LOGS, RING_AFTER, RING_TIMEOUT,
    SEATED_LINE,
};
pub use clock::{Clock, ClockError, MAX_ADVANCE, MAX_SPEED, MIN_SPEED};
pub use conferences::Announcement;
pub use faults::{
    Fault, FaultRule, InvalidFault, MAX_DELAY_MILLIS, MAX_HUGE_BODY_BYTES, MAX_PENDING_RULES,
};
pub use messages::{DELIVER_AFTER, MMS_PRICE, SEND_AFTER, SMS_PRICE};
pub use messaging::{MAX_INBOUND_MEDIA, MAX_MESSAGE_BODY};
pub use numbers::{Answer, MAX_RING_MS, MAX_RULES, MESSAGE_ERRORS, MessageFate, NumberBehavior};
pub use remote::{CallLog, RemoteEmulator};
pub use runner::{
    BEEP_LENGTH, CONNECT_TIMEOUT, DIAL_TIME_LIMIT, DIAL_TIMEOUT, KEY_LENGTH, MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS, MAX_HTTP_REDIRECTS, MAX_KEYS, MAX_LOG, MAX_PARTICIPANTS, MAX_ROOM_NAME,
    PLAY_LENGTH, READ_TIMEOUT, RECORD_FINISH_KEYS, RECORD_MAX_LENGTH, RECORD_TIMEOUT, SAY_PER_WORD,
    SPEECH_CONFIDENCE, TOTAL_TIMEOUT,
};
pub use seed::{
    InvalidSeed, Seed, SeedConference, SeedNumber, SeedParticipant, SeedProject, SeedRecording,
    demo,
};
pub use streams::EmulatedStream;

use crate::{Client, ClientBuilder};

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    app: Arc<http::App>,
    addr: SocketAddr,
    base_url: String,
    project_id: Uuid,
    api_token: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Configures an [`Emulator`] before it starts.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    seed: Seed,
    limits: server::Limits,
    allow_remote_callbacks: bool,
    clock: Clock,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: demo::seed(),
            limits: server::Limits {
                header_timeout: Duration::from_secs(10),
                shutdown_grace: Duration::from_secs(5),
            },
            allow_remote_callbacks: false,
            clock: Clock::real(),
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on; 127.0.0.1 on a free port by default.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// The data to start with, instead of the [`demo`] data.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// How long a request head may take to arrive, counted from when the connection is
    /// ready for one; a kept-alive connection idle that long is closed. 10 seconds by
    /// default.
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_timeout = timeout;
        self
    }

    /// How long stopping lets requests in flight finish before dropping their connections;
    /// 5 seconds by default.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.limits.shutdown_grace = grace;
        self
    }

    /// Whether status callbacks may go to other machines. By default the emulator calls
    /// only loopback addresses (`127.0.0.0/8`, `::1`, `localhost`), so that a test cannot
    /// reach the internet by mistake; a callback elsewhere is refused when it is set.
    pub fn allow_remote_callbacks(mut self, allow: bool) -> Self {
        self.allow_remote_callbacks = allow;
        self
    }

    /// The clock the emulator reads its time from: [`Clock::real`] by default. Give a
    /// virtual one ([`Clock::starting_at`]) to set the dates it writes and to move time by
    /// hand, from Rust with [`Clock::advance`] (on this clock or [`Emulator::clock`]) or from
    /// any language with `POST /__emulator/clock` and `{"advance_ms": N}`.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use signalwire_compat::emulator::{Clock, Emulator};
    ///
    /// let clock = Clock::starting_at("2026-01-01T09:00:00Z".parse()?);
    /// let emulator = Emulator::builder().clock(clock.clone()).start().await?;
    /// clock.advance(Duration::from_secs(30))?;
    /// # Ok(()) }
    /// ```
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    ///
    /// Fails with [`std::io::ErrorKind::InvalidInput`] if the seed is not valid (see
    /// [`Seed::check`]), and as binding fails otherwise.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
        self.seed.check().map_err(|e| invalid(e.to_string()))?;
        for conference in self.seed.projects.iter().flat_map(|p| &p.conferences) {
            if let Some(callback) = &conference.status_callback {
                callback
                    .clone()
                    .checked(self.allow_remote_callbacks)
                    .map_err(|e| {
                        invalid(format!(
                            "conference {} has a status_callback whose {e}",
                            conference.sid
                        ))
                    })?;
            }
        }
        let deliverer = callbacks::Deliverer::new().map_err(std::io::Error::other)?;
        let primary = &self.seed.projects[0];
        let (project_id, api_token) = (primary.project_id, primary.api_token.clone());
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
        let app = Arc::new(http::App {
            state: Mutex::new(state::State::new(&self.seed, self.clock.now())),
            faults: Mutex::new(faults::Faults::default()),
            stopping,
            next_sid: std::sync::atomic::AtomicU64::new(1),
            deliverer,
            fetcher: connection::Clients::new(true).map_err(std::io::Error::other)?,
            allow_remote_callbacks: self.allow_remote_callbacks,
            clock: self.clock,
            origin: format!("http://{}", reachable(addr)),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let stopped = async move {
            let _ = stopped.await;
        };
        // The seed's participants are calls running `<Dial><Conference>`.
        let waiting = app.state().waiting_for_runners();
        for (project, call) in waiting {
            http::wake_call(app.clone(), project, call);
        }
        let router = http::router(app.clone());
        let task = tokio::spawn(server::serve(
            listener,
            router,
            self.limits,
            stopped,
            stopping_tx,
        ));
        tracing::info!(%addr, "emulator listening");
        Ok(Emulator {
            app,
            addr,
            base_url: format!("http://{addr}{}", crate::API_ROOT_PATH),
            project_id,
            api_token,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// The address to give out for `addr`: loopback in place of "any address" (`0.0.0.0`, `::`),
/// which nothing can connect to.
fn reachable(addr: SocketAddr) -> SocketAddr {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            std::net::IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    addr
}

impl Emulator {
    /// Starts an emulator with the [`demo`] data on 127.0.0.1 and a free port.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// Configures an emulator: its address and data.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its API root, e.g. `http://127.0.0.1:41234/api/laml/2010-04-01`, to give as a client's
    /// base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The first project's ID.
    pub fn project_id(&self) -> Uuid {
        self.project_id
    }

    /// The first project's API token.
    pub fn api_token(&self) -> &str {
        &self.api_token
    }

    /// A client builder aimed at this emulator, with the first project's credentials.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(&self.base_url)
            .project_id(self.project_id.to_string())
            .api_token(&self.api_token)
    }

    /// A client of this emulator, with the first project's credentials.
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .expect("an emulator's own address and credentials are a valid configuration")
    }

    /// Queues a fault for the first project's next requests that the rule matches: a 429
    /// with `Retry-After`, a 503, a proxy's HTML page, a delay, a hang, a broken connection,
    /// a truncated or huge body. Rules fire in the order given, on authenticated requests of
    /// that project only. A rule that [`FaultRule::checked`] refuses is not queued.
    ///
    /// ```no_run
    /// # async fn demo(emulator: signalwire_compat::emulator::Emulator) -> Result<(), Box<dyn std::error::Error>> {
    /// use signalwire_compat::emulator::Fault;
    ///
    /// // The next two requests get 503, the one after a 429 asking to wait a second.
    /// emulator.inject(Fault::Status { status: 503, retry_after: None }.times(2))?;
    /// emulator.inject(Fault::Status { status: 429, retry_after: Some("1".into()) })?;
    /// # Ok(()) }
    /// ```
    pub fn inject(&self, rule: impl Into<FaultRule>) -> Result<(), InvalidFault> {
        self.app.faults().push(self.project_id, [rule.into()])
    }

    /// The first project's fault rules not yet used up, in the order they fire.
    pub fn pending_faults(&self) -> Vec<FaultRule> {
        self.app.faults().pending(&self.project_id)
    }

    /// The announcements made to a conference (`AnnounceUrl` on the conference), oldest
    /// first.
    pub fn announcements(&self, conference_sid: Uuid) -> Vec<Announcement> {
        self.app.state().announcements(&conference_sid)
    }

    /// Where a call placed on the emulator takes its cXML from (its `Url`, its application
    /// or its inline `Twiml`), as created or last redirected; `None` for no such call.
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// use signalwire_compat::emulator::{CallCxml, Emulator};
    ///
    /// let emulator = Emulator::start().await?;
    /// let call = emulator
    ///     .client()
    ///     .calls()
    ///     .create("+15551230002", "+15551230001")
    ///     .url("https://example.com/voice")
    ///     .send()
    ///     .await
    ///     .expect("placed");
    /// let placed = emulator.call_cxml(call.sid.uuid().unwrap());
    /// assert!(matches!(placed, Some(CallCxml::Url { .. })));
    /// # Ok(()) }
    /// ```
    pub fn call_cxml(&self, call_sid: Uuid) -> Option<CallCxml> {
        self.app.state().call_cxml(&call_sid)
    }

    /// The streams a conference or a call was asked to open, oldest first. The emulator
    /// opens no WebSocket: this is what it kept of each request.
    pub fn streams(&self, conference_sid: Uuid) -> Vec<EmulatedStream> {
        self.app.state().streams(&conference_sid)
    }

    /// The first project's Signing Key: what its status callbacks are signed with, and what
    /// a receiver checks them with.
    pub fn signing_key(&self) -> crate::webhooks::SigningKey {
        self.app
            .state()
            .signing_key(&self.project_id)
            .expect("the first project is always held, with a non-empty key")
    }

    /// The status callbacks the emulator tried to deliver for the first project, oldest
    /// first, with what the receiver answered: its last [`MAX_CALLBACK_LOG`] attempts, a
    /// URL or error over [`MAX_LOGGED_TEXT`] characters cut there (and saying how much was
    /// left out). Deliveries run in the
    /// background: one made by a request just answered may not be here yet.
    pub fn callbacks(&self) -> Vec<CallbackAttempt> {
        self.app.deliverer.attempts(&self.project_id)
    }

    /// The clock the emulator reads its time from; see [`EmulatorBuilder::clock`].
    pub fn clock(&self) -> &Clock {
        &self.app.clock
    }

    /// Drops every fault of the first project not yet fired.
    pub fn clear_faults(&self) {
        self.app.faults().clear(&self.project_id);
    }

    /// Stops accepting connections, lets requests in flight finish within the
    /// [shutdown grace](EmulatorBuilder::shutdown_grace), drops the connections left, and
    /// waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("project_id", &self.project_id)
            .field("api_token", &"** redacted **")
            .finish_non_exhaustive()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
