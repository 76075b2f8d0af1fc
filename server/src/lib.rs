//! backup-doctor-server: serves the built widget and the speed-test
//! endpoints it measures against (`/__down`, `/__up`), plus opt-in counters
//! (`--stats`) and fault injection (`--faults`) for benchmarks and tests,
//! and the opt-in insights collector (`--insights`, [`insights`]).
//!
//! Build the service with [`router`]; run it with [`serve`], which the
//! `backup-doctor-server` binary wraps with command-line flags ([`Args`]).

pub mod config;
pub mod endpoint_headers;
pub mod faults;
pub mod insights;
pub mod payload;
pub mod site;
pub mod speedtest;
pub mod stats;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::{Extension, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::Layer;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::insights::Insights;

pub use crate::config::{
    Args, Config, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_DOWN_BYTES, DEFAULT_MAX_UP_BYTES,
    DEFAULT_UPLOAD_IDLE_TIMEOUT,
};
pub use crate::speedtest::{parse_bytes, BytesParamError};
pub use crate::stats::{Stats, StatsSnapshot};

/// How long a shutdown waits for open responses (a long download, a stalled
/// fault) before cutting them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// State shared by every endpoint handler.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The configuration the router was built from.
    pub config: Arc<Config>,
    /// Traffic counters (always counted; exposed only with `--stats`).
    pub stats: Arc<Stats>,
}

/// The whole service for `config`, with fresh counters.
pub fn router(config: Config) -> Router {
    router_with_stats(config, Arc::new(Stats::default()))
}

/// The whole service, counting into `stats` (so a caller can read the
/// counters without going through `/__stats`).
pub fn router_with_stats(config: Config, stats: Arc<Stats>) -> Router {
    router_with_insights(config, stats, None)
}

/// The whole service, counting into `stats`, with the insights collector
/// (opened with [`Insights::open`] from `config.insights`) when there is one.
/// Without it the insights endpoints answer 404 saying they are off.
pub fn router_with_insights(
    config: Config,
    stats: Arc<Stats>,
    insights: Option<Insights>,
) -> Router {
    let site = site::router(&config);
    let config_upload_idle = config.upload_idle_timeout;
    let state = AppState {
        config: Arc::new(config),
        stats,
    };
    let mut endpoints = Router::new().route("/__down", get(speedtest::down)).route(
        "/__up",
        post(speedtest::up).layer(RequestBodyTimeoutLayer::new(config_upload_idle)),
    );
    if state.config.stats {
        endpoints = endpoints
            .route("/__stats", get(stats::show))
            .route("/__stats/reset", post(stats::reset));
    } else {
        endpoints = endpoints
            .route("/__stats", any(stats_disabled))
            .route("/__stats/{*rest}", any(stats_disabled));
    }
    match &insights {
        Some(insights) => endpoints = endpoints.merge(insights.routes(config_upload_idle)),
        None => {
            endpoints = endpoints
                .route("/__insights", any(insights_disabled))
                .route("/__insights/{*rest}", any(insights_disabled));
        }
    }
    if state.config.faults {
        endpoints = endpoints.merge(faults::routes());
    } else {
        endpoints = endpoints.route("/__fault/{*rest}", any(faults_disabled));
    }
    let mut app = endpoints.layer(middleware::from_fn(endpoint_headers::endpoint_headers));
    if insights.is_some() {
        app = app.merge(insights::dashboard::routes());
    }
    app.with_state(state).fallback_service(site)
}

async fn stats_disabled() -> Response {
    speedtest::plain_text(
        StatusCode::NOT_FOUND,
        "the stats endpoints are off; start the server with --stats to use them".into(),
    )
}

async fn insights_disabled() -> Response {
    speedtest::plain_text(
        StatusCode::NOT_FOUND,
        "insights are off; start the server with --insights sqlite:PATH (or postgres://...) to collect them".into(),
    )
}

async fn faults_disabled() -> Response {
    speedtest::plain_text(
        StatusCode::NOT_FOUND,
        "fault injection is off; start the server with --faults to use it".into(),
    )
}

/// Unsent bytes the kernel may queue per connection. Without a limit, a
/// `__down` stream on a slow link runs hundreds of kilobytes ahead of what
/// the client has read, all of which is wasted (and counted as data used)
/// when the client stops the test. 64 KiB still refills in time at 1 Gbit/s
/// (it lasts half a millisecond there).
pub const NOTSENT_LOWAT_BYTES: u32 = 64 * 1024;

/// What each connection buffers in user space before the kernel takes it
/// (hyper's default is ~400 KB, the same waste as an unlimited socket
/// buffer), and so also the longest request head accepted (431 beyond it).
pub const CONNECTION_BUFFER_BYTES: usize = 32 * 1024;

/// Socket options for every connection. The write-ahead limit
/// ([`NOTSENT_LOWAT_BYTES`]); and `TCP_NODELAY`: a download's last, partial
/// segment (and every small answer: a probe, an upload's count) otherwise
/// waits for the client's delayed acknowledgement (Nagle's algorithm), ~40
/// ms in which the link idles, which reads as a collapse of the speed at the
/// very end of a request (on loopback, a 2 Gbit/s download measured as 5-10
/// Mbit/s in about one run of seven).
fn tune_socket(stream: &tokio::net::TcpStream) {
    // Best effort: a kernel without an option still serves correctly.
    let _ = socket2::SockRef::from(stream).set_tcp_notsent_lowat(NOTSENT_LOWAT_BYTES);
    let _ = stream.set_nodelay(true);
}

/// Serves `config` on `listener` until `shutdown` completes, then lets open
/// responses finish for up to [`SHUTDOWN_GRACE`]. Opens the insights
/// database first when `config.insights` asks for one.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_read_timeout = config.header_read_timeout;
    let insights = match &config.insights {
        Some(wanted) => Some(
            Insights::open(wanted)
                .await
                .map_err(std::io::Error::other)?,
        ),
        None => None,
    };
    let app = router_with_insights(config, Arc::new(Stats::default()), insights);
    serve_router(listener, app, header_read_timeout, shutdown).await
}

/// Serves `app` (from [`router`] or [`router_with_stats`]) like [`serve`].
///
/// HTTP/1.1 through hyper directly rather than `axum::serve`, for the two
/// knobs that one does not expose: the connection's write buffer
/// ([`CONNECTION_BUFFER_BYTES`]) and the header read timeout.
pub async fn serve_router(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_buf_size(CONNECTION_BUFFER_BYTES);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors or a connection reset before
                    // it was accepted: wait a moment, keep serving.
                    eprintln!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tune_socket(&stream);
        // The peer's address, for the insights rate limit (never stored).
        let app = Extension(ConnectInfo(peer)).layer(app.clone());
        let service = TowerToHyperService::new(app);
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away mid-response is routine, not an error.
            let _ = connection.await;
        });
    }
    drop(listener);
    // Responses still open after the grace period are cut; that is the
    // point of the grace period, not an error.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_connections_queue_little_unsent_data() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let _client = tokio::net::TcpStream::connect(address)
            .await
            .expect("connect");
        let (accepted, _) = listener.accept().await.expect("accept");
        tune_socket(&accepted);
        let lowat = socket2::SockRef::from(&accepted)
            .tcp_notsent_lowat()
            .expect("read option");
        assert_eq!(lowat, NOTSENT_LOWAT_BYTES);
    }
}
