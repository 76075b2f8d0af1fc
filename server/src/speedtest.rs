//! The speed-test endpoints, compatible with Cloudflare's speed-test edge:
//! `GET /__down?bytes=N` sends N incompressible bytes, `POST /__up` reads and
//! discards a body and says how many bytes arrived and over how long.
//!
//! Both refuse sizes over the configured caps so a public deployment cannot
//! be turned into a free bandwidth sink.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::payload::RandomPayload;
use crate::stats::OpenDownStream;
use crate::AppState;

/// Why a `bytes=` query parameter was refused; the message is the 400 body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BytesParamError {
    /// No `bytes` parameter at all.
    #[error("missing query parameter `bytes`: say how many bytes to send, e.g. ?bytes=1000000 (bytes=0 is a latency probe)")]
    Missing,
    /// `bytes=` with nothing after it.
    #[error("query parameter `bytes` is empty: give a whole number of bytes, e.g. ?bytes=1000000")]
    Empty,
    /// `bytes=-5`.
    #[error("query parameter `bytes` must not be negative (got {0:?})")]
    Negative(String),
    /// `bytes=1.5`.
    #[error("query parameter `bytes` must be a whole number of bytes, not a fraction (got {0:?})")]
    Fractional(String),
    /// `bytes=1e6`: a number, but not written as digits.
    #[error("query parameter `bytes` must be written as plain digits, e.g. 1000000 (got {0:?})")]
    NotDigits(String),
    /// `bytes=abc`.
    #[error("query parameter `bytes` is not a number (got {0:?}); give a whole number of bytes, e.g. ?bytes=1000000")]
    NotANumber(String),
    /// More than the server's `--max-down-bytes`.
    #[error("query parameter `bytes` = {requested} is over this server's cap of {cap} bytes (--max-down-bytes); ask for {cap} or fewer")]
    OverCap {
        /// The value as the client wrote it.
        requested: String,
        /// The cap in bytes.
        cap: u64,
    },
}

/// Reads a byte count the way `/__down` accepts it: plain digits, at most `cap`.
pub fn parse_bytes(value: Option<&str>, cap: u64) -> Result<u64, BytesParamError> {
    let raw = value.ok_or(BytesParamError::Missing)?;
    let text = raw.trim();
    // Echo at most a short prefix of what the client sent.
    let shown: String = text.chars().take(40).collect();
    if text.is_empty() {
        return Err(BytesParamError::Empty);
    }
    if let Ok(bytes) = text.parse::<u64>() {
        return if bytes > cap {
            Err(BytesParamError::OverCap {
                requested: shown,
                cap,
            })
        } else {
            Ok(bytes)
        };
    }
    let digits = text.strip_prefix('+').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Only digits, yet too big for u64: certainly over any cap.
        return Err(BytesParamError::OverCap {
            requested: shown,
            cap,
        });
    }
    match text.parse::<f64>() {
        Ok(number) if number.is_finite() => {
            if text.starts_with('-') && number != 0.0 {
                Err(BytesParamError::Negative(shown))
            } else if number.fract() != 0.0 {
                Err(BytesParamError::Fractional(shown))
            } else {
                Err(BytesParamError::NotDigits(shown))
            }
        }
        _ => Err(BytesParamError::NotANumber(shown)),
    }
}

/// A 400 with a plain-text reason.
pub(crate) fn bad_request(reason: impl std::fmt::Display) -> Response {
    plain_text(StatusCode::BAD_REQUEST, reason.to_string())
}

/// A response with a plain-text body, never sniffed as HTML.
pub(crate) fn plain_text(status: StatusCode, text: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        text,
    )
        .into_response()
}

/// The first value of `name` in a decoded query string.
pub(crate) fn query_value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// `GET /__down?bytes=N`.
pub(crate) async fn down(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return bad_request(format!("unreadable query string: {rejection}")),
    };
    let bytes = match parse_bytes(query_value(&query, "bytes"), state.config.max_down_bytes) {
        Ok(bytes) => bytes,
        Err(reason) => return bad_request(reason),
    };
    state.stats.count_down_request();
    let body = RandomPayload::new(bytes).metered(OpenDownStream::open(state.stats.clone()));
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::new(body),
    )
        .into_response()
}

/// Whether a body error is the idle timeout (`Config::upload_idle_timeout`).
fn went_quiet(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// `POST /__up`: reads and discards the body, answers what arrived.
pub(crate) async fn up(State(state): State<AppState>, request: Request) -> Response {
    let cap = state.config.max_up_bytes;
    if let Some(announced) = content_length(request.headers()) {
        if announced > cap {
            return too_large(format!(
                "upload of {announced} bytes is over this server's cap of {cap} bytes (--max-up-bytes); send {cap} or fewer"
            ));
        }
    }
    let mut clock = UploadClock::new(content_length(request.headers()));
    state.stats.count_up_request();
    let mut body = request.into_body().into_data_stream();
    let mut received: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) if went_quiet(&error) => {
                return plain_text(
                    StatusCode::REQUEST_TIMEOUT,
                    format!("the upload stopped sending after {received} bytes; it was cut off"),
                )
            }
            Err(error) => {
                return bad_request(format!(
                    "the upload broke off after {received} bytes: {error}"
                ))
            }
        };
        if chunk.is_empty() {
            continue;
        }
        received += chunk.len() as u64;
        clock.arrived(Instant::now(), received);
        state.stats.count_up_bytes(chunk.len() as u64);
        if received > cap {
            return too_large(format!(
                "upload went over this server's cap of {cap} bytes (--max-up-bytes) after {received} bytes; send {cap} or fewer"
            ));
        }
    }
    let duration_ms = clock.duration_ms(Instant::now(), received);
    let mut response = axum::Json(serde_json::json!({
        "bytes": received,
        "durationMs": duration_ms,
    }))
    .into_response();
    let headers = response.headers_mut();
    if let Ok(timing) = HeaderValue::from_str(&format!("app;dur={duration_ms:.3}")) {
        headers.insert("server-timing", timing);
    }
    headers.insert("x-bytes-received", HeaderValue::from(received));
    response
}

/// Times an upload's body at the rate it kept up. From the first byte to
/// the last, an upload that followed an idle moment reads fast: a shaper's
/// token bucket (an ISP's, or tc's) and the sender's congestion window let
/// its first kilobytes through faster than the link sustains, which read
/// 5-8 % fast on a 1-2 Mbit/s uplink with ~250 KB requests (`cargo xtask
/// bench speed`). So when the length is announced, the first quarter of the
/// body only starts the clock: the time is the rest's, scaled to the whole
/// body (`durationMs` = how long all of it takes at the sustained rate).
struct UploadClock {
    /// A quarter of the announced length.
    quarter: Option<u64>,
    first: Option<Instant>,
    /// When the received bytes first reached the quarter, and how many.
    at_quarter: Option<(Instant, u64)>,
}

impl UploadClock {
    fn new(announced: Option<u64>) -> Self {
        UploadClock {
            quarter: announced.map(|n| n / 4).filter(|&q| q > 0),
            first: None,
            at_quarter: None,
        }
    }

    /// `received` bytes in all have arrived, at `now`.
    fn arrived(&mut self, now: Instant, received: u64) {
        self.first.get_or_insert(now);
        if self.at_quarter.is_none() && self.quarter.is_some_and(|q| received >= q) {
            self.at_quarter = Some((now, received));
        }
    }

    /// The body's time, ms, once `received` bytes have arrived by `now`.
    fn duration_ms(&self, now: Instant, received: u64) -> f64 {
        let ms = |from: Instant| now.saturating_duration_since(from).as_secs_f64() * 1000.0;
        match self.at_quarter {
            Some((at, counted)) if received > counted && ms(at) > 0.0 => {
                ms(at) * received as f64 / (received - counted) as f64
            }
            _ => self.first.map_or(0.0, ms),
        }
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn too_large(reason: String) -> Response {
    let mut response = plain_text(StatusCode::PAYLOAD_TOO_LARGE, reason);
    // The rest of the body is not read; do not reuse the connection for it.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn an_upload_is_timed_at_the_rate_it_kept_up_not_its_first_burst() {
        use super::UploadClock;
        let start = std::time::Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        // 100 kB announced: the first 30 kB arrive at once (a bucket's
        // burst), the other 70 kB at 100 bytes/ms.
        let mut clock = UploadClock::new(Some(100_000));
        clock.arrived(at(0), 30_000);
        for i in 1..=70 {
            clock.arrived(at(10 * i), 30_000 + 1_000 * i);
        }
        let ms = clock.duration_ms(at(700), 100_000);
        assert!((ms - 1_000.0).abs() < 1.0, "{ms}: 100 kB at 100 bytes/ms");
        // From the first byte it would read 700 ms: 43 % fast.
        let mut unannounced = UploadClock::new(None);
        unannounced.arrived(at(0), 30_000);
        unannounced.arrived(at(700), 100_000);
        assert_eq!(unannounced.duration_ms(at(700), 100_000), 700.0);
        // A body that came in one piece has only its own time.
        let mut whole = UploadClock::new(Some(1_000));
        whole.arrived(at(5), 1_000);
        assert_eq!(whole.duration_ms(at(5), 1_000), 0.0);
    }

    use super::*;

    const CAP: u64 = 1000;

    #[test]
    fn plain_digits_within_the_cap_are_accepted() {
        assert_eq!(parse_bytes(Some("0"), CAP), Ok(0));
        assert_eq!(parse_bytes(Some("1000"), CAP), Ok(1000));
        assert_eq!(parse_bytes(Some(" 12 "), CAP), Ok(12));
    }

    #[test]
    fn each_bad_value_gets_its_own_reason() {
        assert_eq!(parse_bytes(None, CAP), Err(BytesParamError::Missing));
        assert_eq!(parse_bytes(Some(""), CAP), Err(BytesParamError::Empty));
        assert!(matches!(
            parse_bytes(Some("-5"), CAP),
            Err(BytesParamError::Negative(_))
        ));
        assert!(matches!(
            parse_bytes(Some("-0.5"), CAP),
            Err(BytesParamError::Negative(_))
        ));
        assert!(matches!(
            parse_bytes(Some("1.5"), CAP),
            Err(BytesParamError::Fractional(_))
        ));
        assert!(matches!(
            parse_bytes(Some("1e2"), CAP),
            Err(BytesParamError::NotDigits(_))
        ));
        assert!(matches!(
            parse_bytes(Some("abc"), CAP),
            Err(BytesParamError::NotANumber(_))
        ));
        assert!(matches!(
            parse_bytes(Some("NaN"), CAP),
            Err(BytesParamError::NotANumber(_))
        ));
        assert!(matches!(
            parse_bytes(Some("inf"), CAP),
            Err(BytesParamError::NotANumber(_))
        ));
        assert!(matches!(
            parse_bytes(Some("1001"), CAP),
            Err(BytesParamError::OverCap { .. })
        ));
        assert!(matches!(
            parse_bytes(Some("99999999999999999999999"), CAP),
            Err(BytesParamError::OverCap { .. })
        ));
    }

    #[test]
    fn over_cap_message_names_the_cap_and_the_flag() {
        let message = parse_bytes(Some("5000"), CAP).unwrap_err().to_string();
        assert!(message.contains("1000 bytes"), "{message}");
        assert!(message.contains("--max-down-bytes"), "{message}");
    }

    #[test]
    fn echoed_value_is_shortened() {
        let long = "x".repeat(500);
        let message = parse_bytes(Some(&long), CAP).unwrap_err().to_string();
        assert!(message.len() < 200, "{message}");
    }
}
