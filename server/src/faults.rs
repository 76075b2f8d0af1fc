//! Fault injection for browser tests (only with `--faults`): speed-test
//! downloads and tree loads that fail the ways real networks and servers do,
//! so the widget's error paths can be tested as a user would meet them.
//!
//! - `GET /__fault/down?mode=M[&bytes=N]`: `status500` (a 503 with a body),
//!   `status404`, `drop` (about half the bytes, then the connection is cut),
//!   `stall` (64 KiB, then silence on an open connection), `nocors` (a valid
//!   body without `Access-Control-Allow-Origin`).
//! - `GET /__fault/endpoint/{M}/__down?bytes=N`: the same faults behind a
//!   base URL, so the widget's `speedtest` setting can point at a
//!   misbehaving endpoint; for `drop` and `stall` the latency probes
//!   (`bytes=0`) still answer, so the test reaches its download.
//! - `POST /__fault/endpoint/{M}/__up` with `cloudflare` (reads the body,
//!   answers 200 with an empty body and only `Server-Timing:
//!   cfRequestDuration;dur=…`, as a Cloudflare-style edge does) or `slowup`
//!   (reads the body at [`SLOW_UP_BYTES_PER_S`], as a slow uplink delivers
//!   it, then answers like `/__up`); their `__down` is the normal one.
//! - `GET /__fault/tree?mode=M`: `status404`, `status500`, `html` (a login
//!   page where JSON was expected), `notjson`, `huge` (5 MiB of JSON),
//!   `endless` (a JSON body that never ends), `timeout` (headers never come).
//!
//! Hanging faults end when the client goes away, or after
//! [`HANG_LIMIT`] at the latest.

use std::convert::Infallible;
use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use futures_util::stream;

use crate::endpoint_headers::WithoutCors;
use crate::payload::{Cut, RandomPayload};
use crate::speedtest::{bad_request, parse_bytes, plain_text, query_value};
use crate::stats::OpenFault;
use crate::AppState;

/// Longest a hanging fault waits for its client to leave.
pub const HANG_LIMIT: Duration = Duration::from_secs(300);

/// How fast `slowup` reads an upload: 1 Mbit/s.
pub const SLOW_UP_BYTES_PER_S: f64 = 125_000.0;

/// Payload size of `/__fault/down` when `bytes` is not given: 10 MB.
pub const DEFAULT_FAULT_DOWN_BYTES: u64 = 10_000_000;

/// Bytes `stall` sends before it goes silent.
pub const STALL_AFTER_BYTES: u64 = 64 * 1024;

/// Size of the `huge` tree body: 5 MiB.
pub const HUGE_TREE_BYTES: usize = 5 * 1024 * 1024;

/// Pause between pieces of the `endless` tree body.
pub const ENDLESS_PIECE_EVERY: Duration = Duration::from_millis(100);

const DOWN_MODES: &str = "status500, status404, drop, stall, nocors";
const TREE_MODES: &str = "status404, status500, html, notjson, huge, endless, timeout";

/// The `/__fault/*` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/__fault/down", get(down))
        .route("/__fault/endpoint/{mode}/__down", get(endpoint_down))
        .route("/__fault/endpoint/{mode}/__up", post(endpoint_up))
        .route("/__fault/tree", get(tree))
}

type QueryPairs = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

async fn down(State(state): State<AppState>, query: QueryPairs) -> Response {
    let Ok(Query(query)) = query else {
        return bad_request("unreadable query string");
    };
    let bytes = match query_value(&query, "bytes") {
        None => DEFAULT_FAULT_DOWN_BYTES.min(state.config.max_down_bytes),
        Some(value) => match parse_bytes(Some(value), state.config.max_down_bytes) {
            Ok(bytes) => bytes,
            Err(reason) => return bad_request(reason),
        },
    };
    let octets = [(header::CONTENT_TYPE, "application/octet-stream")];
    match query_value(&query, "mode").unwrap_or_default() {
        "status500" => plain_text(
            StatusCode::SERVICE_UNAVAILABLE,
            "fault injection: the speed-test server is unavailable (503)".into(),
        ),
        "status404" => plain_text(
            StatusCode::NOT_FOUND,
            "fault injection: no speed-test endpoint here (404)".into(),
        ),
        "drop" => {
            let body = RandomPayload::new(bytes).cut_after(bytes / 2, Cut::Abort);
            (octets, Body::new(body)).into_response()
        }
        "stall" => {
            let guard = OpenFault::open(state.stats.clone());
            let body = Guarded {
                inner: RandomPayload::new(bytes)
                    .cut_after(STALL_AFTER_BYTES, Cut::Stall(HANG_LIMIT)),
                _guard: guard,
            };
            (octets, Body::new(body)).into_response()
        }
        "nocors" => {
            let mut response = (octets, Body::new(RandomPayload::new(bytes))).into_response();
            response.extensions_mut().insert(WithoutCors);
            response
        }
        other => bad_request(format!(
            "unknown fault mode {other:?} for /__fault/down; use one of: {DOWN_MODES}"
        )),
    }
}

async fn endpoint_down(
    state: State<AppState>,
    Path(mode): Path<String>,
    query: QueryPairs,
) -> Response {
    let Ok(Query(mut query)) = query else {
        return bad_request("unreadable query string");
    };
    if matches!(mode.as_str(), "cloudflare" | "slowup") {
        return crate::speedtest::down(state, Ok(Query(query))).await;
    }
    let probe = query_value(&query, "bytes") == Some("0");
    if probe && matches!(mode.as_str(), "drop" | "stall") {
        return StatusCode::OK.into_response();
    }
    query.retain(|(k, _)| k != "mode");
    query.push(("mode".to_owned(), mode));
    down(state, Ok(Query(query))).await
}

/// Uploads that answer the way other servers and slow links do.
async fn endpoint_up(
    state: State<AppState>,
    Path(mode): Path<String>,
    request: Request,
) -> Response {
    match mode.as_str() {
        "cloudflare" => {
            let started = std::time::Instant::now();
            let mut body = request.into_body().into_data_stream();
            while let Some(chunk) = futures_util::StreamExt::next(&mut body).await {
                if chunk.is_err() {
                    return StatusCode::BAD_REQUEST.into_response();
                }
            }
            let dur = started.elapsed().as_secs_f64() * 1000.0;
            (
                StatusCode::OK,
                [("server-timing", format!("cfRequestDuration;dur={dur:.1}"))],
                "",
            )
                .into_response()
        }
        "slowup" => {
            let mut body = request.into_body().into_data_stream();
            let started = tokio::time::Instant::now();
            let mut first: Option<tokio::time::Instant> = None;
            let mut received = 0u64;
            while let Some(chunk) = futures_util::StreamExt::next(&mut body).await {
                let Ok(chunk) = chunk else {
                    return StatusCode::BAD_REQUEST.into_response();
                };
                first.get_or_insert_with(tokio::time::Instant::now);
                received += chunk.len() as u64;
                // Read no faster than the slow uplink would deliver.
                let due = started + Duration::from_secs_f64(received as f64 / SLOW_UP_BYTES_PER_S);
                tokio::time::sleep_until(due).await;
            }
            let duration_ms = first.map_or(0.0, |f| f.elapsed().as_secs_f64() * 1000.0);
            state.stats.count_up_request();
            axum::Json(serde_json::json!({ "bytes": received, "durationMs": duration_ms }))
                .into_response()
        }
        other => bad_request(format!(
            "unknown upload fault mode {other:?}; use one of: cloudflare, slowup"
        )),
    }
}

async fn tree(State(state): State<AppState>, query: QueryPairs) -> Response {
    let Ok(Query(query)) = query else {
        return bad_request("unreadable query string");
    };
    let json = [(header::CONTENT_TYPE, "application/json")];
    match query_value(&query, "mode").unwrap_or_default() {
        "status404" => plain_text(
            StatusCode::NOT_FOUND,
            "fault injection: no tree here (404)".into(),
        ),
        "status500" => plain_text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "fault injection: the tree server failed (500)".into(),
        ),
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><html><head><title>Sign in</title></head>\
             <body><h1>Sign in to continue</h1><form><input name=user></form></body></html>",
        )
            .into_response(),
        "notjson" => (json, "{not json").into_response(),
        "huge" => (json, huge_tree()).into_response(),
        "endless" => (json, endless_tree(OpenFault::open(state.stats.clone()))).into_response(),
        "timeout" => {
            let _guard = OpenFault::open(state.stats.clone());
            tokio::time::sleep(HANG_LIMIT).await;
            plain_text(
                StatusCode::GATEWAY_TIMEOUT,
                "fault injection: timed out on purpose".into(),
            )
        }
        other => bad_request(format!(
            "unknown fault mode {other:?} for /__fault/tree; use one of: {TREE_MODES}"
        )),
    }
}

/// Valid JSON that looks like a tree, exactly [`HUGE_TREE_BYTES`] long.
fn huge_tree() -> Bytes {
    static HUGE: OnceLock<Bytes> = OnceLock::new();
    HUGE.get_or_init(|| {
        let head = br#"{"id":"huge","title":"A tree far too big to load","padding":""#;
        let tail = br#""}"#;
        let mut body = Vec::with_capacity(HUGE_TREE_BYTES);
        body.extend_from_slice(head);
        body.resize(HUGE_TREE_BYTES - tail.len(), b'x');
        body.extend_from_slice(tail);
        Bytes::from(body)
    })
    .clone()
}

/// A JSON array that keeps growing, one small piece at a time, forever.
fn endless_tree(guard: OpenFault) -> Body {
    let pieces = stream::unfold((0u64, guard), |(n, guard)| async move {
        if n > 0 {
            tokio::time::sleep(ENDLESS_PIECE_EVERY).await;
        }
        let piece = if n == 0 {
            Bytes::from_static(b"{\"id\":\"endless\",\"nodes\":[")
        } else {
            Bytes::from(format!("{{\"id\":\"n{n}\",\"text\":\"still coming\"}},"))
        };
        Some((Ok::<_, Infallible>(piece), (n + 1, guard)))
    });
    Body::from_stream(pieces)
}

/// A body that keeps a fault marked open for as long as it lives.
struct Guarded<B> {
    inner: B,
    _guard: OpenFault,
}

impl<B: http_body::Body + Unpin> http_body::Body for Guarded<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_tree_is_valid_json_of_the_promised_size() {
        let body = huge_tree();
        assert_eq!(body.len(), HUGE_TREE_BYTES);
        let parsed: serde_json::Value =
            serde_json::from_slice(&body).expect("the huge tree parses as JSON");
        assert_eq!(parsed["id"], "huge");
    }
}
