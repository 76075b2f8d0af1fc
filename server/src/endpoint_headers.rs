//! Headers every speed-test, stats and fault response carries, and the CORS
//! preflight answer, so a widget on any origin can call a speed-test server
//! on another and read its timings.
//!
//! Written by hand rather than with `tower_http::cors` because one fault
//! (`nocors`) must be able to leave `Access-Control-Allow-Origin` out.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Headers a browser script may read from an endpoint response.
pub const EXPOSED_HEADERS: &str = "Server-Timing, Content-Length, X-Bytes-Received";

/// Put this in a response's extensions to send it without
/// `Access-Control-Allow-Origin` (the browser then refuses to hand it over).
#[derive(Clone, Copy, Debug)]
pub struct WithoutCors;

/// Middleware for the `/__*` endpoints.
pub async fn endpoint_headers(request: Request, next: Next) -> Response {
    if is_preflight(&request) {
        return preflight(request.headers());
    }
    let mut response = next.run(request).await;
    let cors = response.extensions().get::<WithoutCors>().is_none();
    add_common(response.headers_mut(), cors);
    response
}

fn is_preflight(request: &Request) -> bool {
    request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

fn preflight(request_headers: &HeaderMap) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    add_common(headers, true);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    // Echo what the page asked for (any Content-Type, custom headers):
    // nothing here depends on credentials, so nothing needs refusing.
    let asked = request_headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("Content-Type"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

fn add_common(headers: &mut HeaderMap, cors: bool) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("timing-allow-origin", HeaderValue::from_static("*"));
    if cors {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    } else {
        headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight_echoes_requested_headers() {
        let mut asked = HeaderMap::new();
        asked.insert(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_static("content-type, x-trace"),
        );
        let response = preflight(&asked);
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            response.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS],
            "content-type, x-trace"
        );
        assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    }

    #[test]
    fn without_cors_drops_only_the_cors_headers() {
        let mut headers = HeaderMap::new();
        add_common(&mut headers, false);
        assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    }
}
