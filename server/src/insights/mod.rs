//! Insights: opt-in counts of how walks through a tree go (started, steps
//! reached, the fix that worked, outcomes, where people leave), sent by
//! widgets as beacons and added up for the help centre that embeds them.
//!
//! `POST /__insights` takes a beacon ([`beacon`]), rate-limited per client
//! address in memory ([`limit`]), and answers 204 once the batch holding it
//! is committed ([`writer`], [`store`]). `GET /__insights/summary` answers
//! the figures ([`summary`]) to `Authorization: Bearer TOKEN` only. Nothing
//! identifying is stored: no address, user agent, cookie or time of day.

pub mod beacon;
pub mod dashboard;
pub mod day;
pub mod limit;
pub mod store;
pub mod summary;
pub mod writer;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::StreamExt;
use subtle::ConstantTimeEq;
use tower_http::timeout::RequestBodyTimeoutLayer;

pub use self::beacon::{BeaconError, Event, MAX_BEACON_BYTES};
pub use self::day::Day;
use self::limit::{ClientKey, RateLimiter};
pub use self::store::{Store, StoreError};
pub use self::summary::{Filter, Summary};
use self::writer::Writer;
pub use self::writer::{BatchPolicy, WriteError};
use crate::speedtest::plain_text;

/// Default burst of beacons one client address may send at once.
pub const DEFAULT_BURST: u32 = 60;

/// Default refill of a client's beacons, per minute (a walk sends one per
/// step; a help-centre office behind one address sends many walks).
pub const DEFAULT_PER_MINUTE: u32 = 120;

/// Shortest `--insights-token` accepted.
pub const MIN_TOKEN_CHARS: usize = 16;

/// What `--insights` and its companion flags ask for.
#[derive(Clone, PartialEq, Eq)]
pub struct InsightsConfig {
    /// `sqlite:PATH` or `postgres://...`.
    pub database: String,
    /// The bearer token that reads the summary; `None`: reading is off.
    pub token: Option<String>,
    /// Beacons a client address may send at once.
    pub burst: u32,
    /// Beacons a client address regains per minute.
    pub per_minute: u32,
}

impl InsightsConfig {
    /// `database` with the default limits and no token.
    pub fn new(database: impl Into<String>) -> Self {
        Self {
            database: database.into(),
            token: None,
            burst: DEFAULT_BURST,
            per_minute: DEFAULT_PER_MINUTE,
        }
    }
}

/// Never prints the token, nor a password in the database URL.
impl fmt::Debug for InsightsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.database.split(':').next().unwrap_or_default();
        f.debug_struct("InsightsConfig")
            .field("database", &format_args!("{scheme}:…"))
            .field("token", &self.token.as_ref().map(|_| "…"))
            .field("burst", &self.burst)
            .field("per_minute", &self.per_minute)
            .finish()
    }
}

/// Checks an `--insights-token` value (clap calls this).
pub fn parse_token(value: &str) -> Result<String, String> {
    if value.chars().count() < MIN_TOKEN_CHARS {
        return Err(format!(
            "the insights token must have at least {MIN_TOKEN_CHARS} characters (try: openssl rand -hex 24)"
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the insights token may hold only visible ASCII characters (no spaces)".into());
    }
    Ok(value.to_owned())
}

/// Which day an event is counted on; the real clock outside tests.
pub type Clock = Arc<dyn Fn() -> Day + Send + Sync>;

/// The collector: store, writer task, rate limiter and token. Cheap to
/// clone (one `Arc`).
#[derive(Clone)]
pub struct Insights {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    writer: Writer,
    limiter: Mutex<RateLimiter>,
    token: Option<String>,
    clock: Clock,
}

impl fmt::Debug for Insights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Insights")
            .field("store", &self.inner.store)
            .field("reading", &self.inner.token.is_some())
            .finish()
    }
}

impl Insights {
    /// Opens and migrates the database and starts the writer (needs a
    /// Tokio runtime); days are UTC days of the real clock.
    pub async fn open(config: &InsightsConfig) -> Result<Self, StoreError> {
        Self::open_with(config, BatchPolicy::default(), Arc::new(Day::today)).await
    }

    /// [`Insights::open`] with a batch policy and a clock of one's own.
    pub async fn open_with(
        config: &InsightsConfig,
        policy: BatchPolicy,
        clock: Clock,
    ) -> Result<Self, StoreError> {
        let store = Store::open(&config.database).await?;
        let writer = Writer::spawn(store.clone(), policy);
        let per_second = f64::from(config.per_minute) / 60.0;
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                writer,
                limiter: Mutex::new(RateLimiter::new(config.burst, per_second)),
                token: config.token.clone(),
                clock,
            }),
        })
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Whether the summary can be read at all (a token was given).
    pub fn reading_enabled(&self) -> bool {
        self.inner.token.is_some()
    }

    /// The insights endpoints, for [`crate::router_with_insights`].
    pub(crate) fn routes<S: Clone + Send + Sync + 'static>(
        &self,
        body_idle_timeout: Duration,
    ) -> Router<S> {
        Router::new()
            .route(
                "/__insights",
                post(receive)
                    .options(allowed)
                    .fallback(|| wrong_method("POST /__insights takes a beacon"))
                    .layer(RequestBodyTimeoutLayer::new(body_idle_timeout)),
            )
            .route(
                "/__insights/summary",
                axum::routing::get(read_summary)
                    .options(allowed)
                    .fallback(|| wrong_method("GET /__insights/summary reads the figures")),
            )
            .with_state(self.clone())
    }
}

/// A plain `OPTIONS` (not a CORS preflight, which the endpoint middleware
/// answers): which methods there are.
async fn allowed() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::ALLOW,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    response
}

/// Any other method: 405, saying which one the path takes.
async fn wrong_method(what: &'static str) -> Response {
    let mut response = plain_text(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{what}; no other method is answered here"),
    );
    response.headers_mut().insert(
        header::ALLOW,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    response
}

/// `POST /__insights`.
async fn receive(State(insights): State<Insights>, request: Request) -> Response {
    let key = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(ClientKey::Shared, |ConnectInfo(peer)| {
            ClientKey::of(peer.ip())
        });
    if let Some(wait) = insights.take_token(key) {
        let mut response = plain_text(
            StatusCode::TOO_MANY_REQUESTS,
            "too many beacons from this address; slow down".into(),
        );
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let body = match read_capped(request.into_body(), MAX_BEACON_BYTES).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return plain_text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("a beacon is at most {MAX_BEACON_BYTES} bytes"),
            )
        }
        Err(BodyError::Broken) => {
            return plain_text(
                StatusCode::BAD_REQUEST,
                "the beacon's body was cut off or arrived too slowly".into(),
            )
        }
    };
    let event = match beacon::parse(&body) {
        Ok(event) => event,
        Err(error) => return plain_text(StatusCode::BAD_REQUEST, error.to_string()),
    };
    let day = (insights.inner.clock)();
    match insights.inner.writer.write(day, event).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => {
            let mut response = plain_text(StatusCode::SERVICE_UNAVAILABLE, error.to_string());
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
    }
}

impl Insights {
    /// Takes one beacon from `key`'s bucket: `None` if allowed, otherwise
    /// how long to wait.
    fn take_token(&self, key: ClientKey) -> Option<Duration> {
        // A poisoned lock only means another request panicked mid-update;
        // the buckets are still usable numbers.
        let mut limiter = match self.inner.limiter.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if limiter.allow(key, Instant::now()) {
            None
        } else {
            Some(limiter.wait_for(key))
        }
    }
}

enum BodyError {
    TooLarge,
    Broken,
}

/// Reads at most `cap` bytes, refusing as soon as the body exceeds it.
async fn read_capped(body: Body, cap: usize) -> Result<Vec<u8>, BodyError> {
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Broken)?;
        if out.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// `GET /__insights/summary`.
async fn read_summary(
    State(insights): State<Insights>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(token) = insights.inner.token.as_deref() else {
        return plain_text(
            StatusCode::FORBIDDEN,
            "reading insights is off: start the server with --insights-token TOKEN (or BACKUP_DOCTOR_INSIGHTS_TOKEN)".into(),
        );
    };
    if !bearer_matches(&headers, token) {
        let mut response = plain_text(
            StatusCode::UNAUTHORIZED,
            "the insights summary needs the header Authorization: Bearer TOKEN with the server's --insights-token".into(),
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"insights\""),
        );
        return response;
    }
    let filter = match Filter::parse(query.as_deref()) {
        Ok(filter) => filter,
        Err(error) => return plain_text(StatusCode::BAD_REQUEST, error.to_string()),
    };
    match insights.inner.store.summary_rows(&filter).await {
        Ok(rows) => Json(summary::assemble(filter, rows)).into_response(),
        Err(error) => {
            eprintln!("backup-doctor: insights: the summary query failed: {error}");
            plain_text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the insights database could not be read; see the server's log".into(),
            )
        }
    }
}

/// `Authorization: Bearer TOKEN`, compared in constant time (only the
/// length can show through timing).
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, given)) = value.split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer")
        && bool::from(given.trim().as_bytes().ct_eq(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).expect("header value"),
        );
        headers
    }

    #[test]
    fn only_the_exact_bearer_token_reads() {
        let token = "0123456789abcdef";
        assert!(bearer_matches(
            &with_authorization("Bearer 0123456789abcdef"),
            token
        ));
        assert!(bearer_matches(
            &with_authorization("bearer 0123456789abcdef"),
            token
        ));
        assert!(!bearer_matches(
            &with_authorization("Bearer 0123456789abcdeF"),
            token
        ));
        assert!(!bearer_matches(
            &with_authorization("Bearer 0123456789abcde"),
            token
        ));
        assert!(!bearer_matches(
            &with_authorization("Basic 0123456789abcdef"),
            token
        ));
        assert!(!bearer_matches(
            &with_authorization("0123456789abcdef"),
            token
        ));
        assert!(!bearer_matches(&HeaderMap::new(), token));
    }

    #[test]
    fn short_or_spaced_tokens_are_refused_at_startup() {
        assert!(parse_token("short").unwrap_err().contains("at least 16"));
        assert!(parse_token("0123456789 abcdef")
            .unwrap_err()
            .contains("no spaces"));
        assert_eq!(
            parse_token("0123456789abcdef").as_deref(),
            Ok("0123456789abcdef")
        );
    }

    #[test]
    fn the_debug_form_hides_the_token_and_the_password() {
        let config = InsightsConfig {
            token: Some("0123456789abcdef".into()),
            ..InsightsConfig::new("postgres://user:secret@db/insights")
        };
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("0123456789abcdef"),
            "{shown}"
        );
        assert!(shown.contains("postgres:"), "{shown}");
    }
}
