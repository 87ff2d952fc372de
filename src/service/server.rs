//! Serving connections: HTTP/1.1 and HTTP/2 with a read timeout for slow clients, and the drain on SIGTERM.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;

use super::AppState;

pub(super) fn gradings_pending(state: &AppState) -> bool {
    state.metrics.in_flight.load(Ordering::SeqCst) > 0 || state.metrics.queued.load(Ordering::SeqCst) > 0
}

/// Accepts connections (HTTP/1.1 and HTTP/2) until `stop`, each bounded by `read_timeout` for its request headers;
/// then waits briefly for open connections to finish their answers.
pub(super) async fn accept_until_stopped(
    listener: tokio::net::TcpListener,
    app: Router,
    read_timeout: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;

    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(read_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(read_timeout));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (stream, _) = tokio::select! {
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
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _: Result<(), Infallible> = connection.await.or(Ok(()));
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
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
