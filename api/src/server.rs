//! Serving connections with limits, so slow or idle clients cannot hold the service: a request's
//! headers must arrive within a deadline, its body is read under a deadline (see
//! [`crate::startup::app`]), and at most so many connections are open at once (further clients
//! wait in the kernel's queue until one closes). With TLS, the handshake is done in the
//! connection's own task under the same header deadline. On shutdown, requests in flight are
//! answered; connections still open after a grace period (live screens, stalled clients) are
//! closed.

use std::{convert::Infallible, future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo, response::Response};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
    sync::Semaphore,
};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Connection limits (README: configuration).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time a client has to send a request's headers, on a new or kept-alive connection.
    pub header_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// How long shutdown waits for open connections before closing them.
    pub shutdown_grace: Duration,
}

/// Serves `app` on `listener` until `shutdown` resolves; over TLS when `tls` is given.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            let app = app.clone();
            async move {
                Ok::<_, Infallible>(
                    app.oneshot(req.map(axum::body::Body::new))
                        .await
                        .unwrap_or_else(|never| match never {}),
                )
            }
        });
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(stream, service, limits, watcher).await,
                Some(acceptor) => {
                    // A client that never finishes its handshake is dropped at the header deadline.
                    match tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await
                    {
                        Ok(Ok(stream)) => serve_connection(stream, service, limits, watcher).await,
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    tracing::info!("shutting down: no new connections, finishing requests in flight");
    tokio::select! {
        () = graceful.shutdown() => {
            tracing::info!("minsheng stopped cleanly: every request in flight was answered");
        }
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::info!(
                grace_secs = limits.shutdown_grace.as_secs(),
                "minsheng stopped: connections still open after the grace period (live screens, idle clients) were closed"
            );
        }
    }
    Ok(())
}

/// One connection, HTTP/1.1 with keep-alive, until the client leaves or shutdown closes it. A client
/// that stalls or disconnects ends only its own connection.
async fn serve_connection<I, S>(
    io: I,
    service: S,
    limits: Limits,
    watcher: hyper_util::server::graceful::Watcher,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: hyper::service::Service<
            hyper::Request<Incoming>,
            Response = Response<axum::body::Body>,
            Error = Infallible,
        > + Send
        + 'static,
    S::Future: Send + 'static,
{
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(io), service);
    let _ = watcher.watch(conn).await;
}
