//! A local SignalWire space: a real HTTP server that behaves like the Compatibility API's
//! participant endpoints, for tests, demos and the command-line tool. Needs the `emulator`
//! feature.
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
//! (code 16002), changing a participant whose call has ended, or a page token it never gave
//! (code 10000).
//!
//! Faults can be injected to test retry and timeout handling: from Rust with
//! [`Emulator::inject`], from any language by `POST`ing a [`FaultRule`] (or an array of them)
//! as JSON to `/__emulator/faults` with any project's credentials, e.g.
//! `{"kind": "status", "status": 429, "retry_after": "1", "times": 2}`; `GET` there lists the
//! pending rules and `DELETE` clears them. Headers over 32 KiB get a JSON 431.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use signalwire_compat::emulator::{Emulator, demo};
//!
//! let emulator = Emulator::start().await?;
//! let client = emulator.client();
//! let page = client.conference(demo::CONFERENCE_SID).participants().list().send().await?;
//! assert_eq!(page.participants.len(), 6);
//! # Ok(()) }
//! ```

mod faults;
mod http;
mod seed;
mod state;

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::{Arc, Mutex},
};

use axum::serve::ListenerExt as _;
use tokio::sync::oneshot;
use uuid::Uuid;

pub use faults::{Fault, FaultRule};
pub use seed::{Seed, SeedConference, SeedParticipant, SeedProject, demo};

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
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: demo::seed(),
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

    /// Binds the address and starts serving on the current Tokio runtime.
    ///
    /// Fails if the address cannot be bound, or if the seed has no project.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let primary = self.seed.projects.first().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "the seed has no project")
        })?;
        let (project_id, api_token) = (primary.project_id, primary.api_token.clone());
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
        let app = Arc::new(http::App {
            state: Mutex::new(state::State::new(&self.seed, chrono::Utc::now())),
            faults: Mutex::new(faults::Faults::default()),
            stopping,
        });
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let server =
            axum::serve(listener, http::router(app.clone())).with_graceful_shutdown(async move {
                let _ = stopped.await;
                // Release requests held by a hang, so that the graceful shutdown can finish.
                let _ = stopping_tx.send(true);
            });
        let task = tokio::spawn(async move {
            if let Err(e) = server.await {
                tracing::warn!(error = %e, "the emulator stopped with an error");
            }
        });
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

    /// Queues a fault for the next requests the rule matches: a 429 with `Retry-After`, a
    /// 503, a proxy's HTML page, a delay, a hang, a broken connection, a truncated or huge
    /// body. Rules fire in the order given, before authentication, as a proxy's would.
    ///
    /// ```no_run
    /// # async fn demo(emulator: signalwire_compat::emulator::Emulator) {
    /// use signalwire_compat::emulator::Fault;
    ///
    /// // The next two requests get 503, the one after a 429 asking to wait a second.
    /// emulator.inject(Fault::Status { status: 503, retry_after: None }.times(2));
    /// emulator.inject(Fault::Status { status: 429, retry_after: Some("1".into()) });
    /// # }
    /// ```
    pub fn inject(&self, rule: impl Into<FaultRule>) {
        self.app.faults().push(rule.into());
    }

    /// The fault rules not yet used up, in the order they fire.
    pub fn pending_faults(&self) -> Vec<FaultRule> {
        self.app.faults().pending()
    }

    /// Drops every fault not yet fired.
    pub fn clear_faults(&self) {
        self.app.faults().clear();
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the
    /// server to end.
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
