//! Serving connections: HTTP/1.1 and HTTP/2, each admitted by the connection limits and bounded by the read
//! timeout (the first byte, then the request's headers), and the drain on SIGTERM.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;

use super::AppState;
use super::connections::{Admission, Gate, Limits, Ticket};

/// How long a connection served `/healthz` alone (over the limits) may take to send its request.
const HEALTH_ONLY_TIMEOUT: Duration = Duration::from_secs(2);

/// What a refused connection is told before it is closed.
const REFUSED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 79\r\n\r\n{\"error\":{\"code\":\"too_many_connections\",\"message\":\"too many open connections\"}}";

pub(super) fn gradings_pending(state: &AppState) -> bool {
    state.metrics.in_flight.load(Ordering::SeqCst) > 0 || state.metrics.queued.load(Ordering::SeqCst) > 0
}

/// The routers a connection may be served: the service, or `/healthz` alone.
pub(super) struct Apps {
    pub full: Router,
    pub health_only: Router,
}

/// Accepts connections (HTTP/1.1 and HTTP/2) until `stop`, within `limits`, each bounded by `read_timeout` for its
/// first byte and its request headers; then waits briefly for open connections to finish their answers.
pub(super) async fn accept_until_stopped(
    listener: tokio::net::TcpListener,
    apps: Apps,
    read_timeout: Duration,
    limits: Limits,
    proxies: Arc<[super::Cidr]>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioExecutor, TokioTimer};
    use hyper_util::server::conn::auto::Builder;

    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(read_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(read_timeout)).keep_alive_timeout(read_timeout);
    let builder = Arc::new(builder);
    let gate = Gate::new(limits);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = ?e.to_string(), "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.wait_for(|stop| *stop) => break,
        };
        // A trusted proxy carries many clients: it is not limited as one.
        let proxy = proxies.iter().any(|range| range.contains(peer.ip()));
        let (app, first_byte, ticket) = match gate.admit(peer.ip(), proxy) {
            Admission::Serve(ticket) => (apps.full.clone(), read_timeout, ticket),
            Admission::HealthOnly(ticket) => (apps.health_only.clone(), HEALTH_ONLY_TIMEOUT, ticket),
            Admission::Refuse => {
                // Told without waiting: a client that does not read its answer costs nothing.
                let _ = stream.try_write(REFUSED);
                continue;
            }
        };
        let peer = Some(peer.ip());
        let watcher = graceful.watcher();
        let proxies = proxies.clone();
        tokio::spawn(serve_connection(stream, peer, proxies, app, first_byte, builder.clone(), watcher, ticket));
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Serves one connection (from `peer`) once its first byte arrives within `first_byte` (an idle one is closed then).
#[allow(clippy::too_many_arguments)]
async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: Option<std::net::IpAddr>,
    proxies: Arc<[super::Cidr]>,
    app: Router,
    first_byte: Duration,
    builder: Arc<hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>>,
    graceful: hyper_util::server::graceful::Watcher,
    ticket: Ticket,
) {
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;

    let mut byte = [0u8; 1];
    match tokio::time::timeout(first_byte, stream.peek(&mut byte)).await {
        Ok(Ok(n)) if n > 0 => {}
        _ => return,
    }
    // Each request knows its client's address (bad tokens are counted by it): the peer's, or behind a trusted
    // proxy the client's it names.
    let app = tower::ServiceExt::map_request(app, move |mut request: axum::http::Request<_>| {
        let client = super::client::client_address(peer, request.headers(), &proxies);
        request.extensions_mut().insert(super::auth::Peer(client));
        request
    });
    let service = TowerToHyperService::new(app);
    let connection = graceful.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned());
    let _: Result<(), Infallible> = connection.await.or(Ok(()));
    drop(ticket);
}

pub(super) async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
