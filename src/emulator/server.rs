//! Accepting connections, bounding how long they may sit idle or dribble a request head, and
//! shutting down within a deadline.
//!
//! `axum::serve` offers no header-read timeout and waits for every connection on shutdown,
//! so one client that sends half its headers (or a `delay` fault in flight) would keep the
//! emulator alive forever. This loop serves the same router on hyper directly:
//!
//! - a request head must arrive within the header timeout; on a kept-alive connection the
//!   timer starts when the previous response is done, so it is the idle timeout too;
//! - on shutdown the listener closes at once, idle connections close, requests in flight get
//!   the grace period to finish, and whatever is left then is dropped.

use std::{net::SocketAddr, time::Duration};

use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::watch, task::JoinSet};

/// How long connections may take, and how long a shutdown waits for them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The time a request head may take to arrive, counted from when the connection is
    /// ready for one (so also the longest a kept-alive connection stays idle).
    pub(crate) header_timeout: Duration,
    /// How long a shutdown lets requests in flight finish before dropping them.
    pub(crate) shutdown_grace: Duration,
}

/// Serves `router` on `listener` until `stop` resolves, then drains within the grace period.
/// `stopping` is set as the shutdown begins, to release requests held by a `hang` fault.
pub(crate) async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    stop: impl std::future::Future<Output = ()>,
    stopping: watch::Sender<bool>,
) {
    let mut connections = JoinSet::new();
    let (drain_tx, drain) = watch::channel(false);
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    connections.spawn(connection(tcp, peer, router.clone(), limits, drain.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, say: pause rather than spin.
                    tracing::warn!(error = %e, "the emulator could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections, so the set holds only live ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    let _ = drain_tx.send(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::info!(
            left = connections.len(),
            "dropping connections still open after the shutdown grace period"
        );
        connections.shutdown().await;
    }
}

/// One connection, served until the client leaves, a timeout closes it, or the emulator
/// drains it.
async fn connection(
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    router: axum::Router,
    limits: Limits,
    mut drain: watch::Receiver<bool>,
) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(error = %e, "could not set TCP_NODELAY");
    }
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = builder.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(router));
    let mut conn = std::pin::pin!(conn);
    let draining = async move {
        // The guard `wait_for` returns is dropped here, not held while the connection ends.
        let _ = drain.wait_for(|d| *d).await;
    };
    let outcome = tokio::select! {
        outcome = conn.as_mut() => outcome,
        () = draining => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = outcome {
        tracing::debug!(%peer, error = %e, "connection ended");
    }
}
