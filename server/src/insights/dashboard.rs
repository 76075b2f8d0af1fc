//! The insights dashboard at `/insights/`: a static page, its stylesheet
//! and its script, compiled into the binary and served only when
//! `--insights` is on. The page holds no figures; it asks for the token
//! and reads them from `GET /__insights/summary`, so the token protects
//! the data while the page itself can be public.
//!
//! A strict Content-Security-Policy (scripts and styles from this origin
//! only, no inline code, data only from this origin) comes with each file.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

const PAGE: &str = include_str!("../../dashboard/index.html");
const SCRIPT: &str = include_str!("../../dashboard/dashboard.js");
const STYLES: &str = include_str!("../../dashboard/dashboard.css");
/// Three bars: the page's icon (so browsers do not ask for `/favicon.ico`).
const ICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">\
<rect x=\"1\" y=\"9\" width=\"4\" height=\"6\" fill=\"#5b7fb5\"/>\
<rect x=\"6\" y=\"5\" width=\"4\" height=\"10\" fill=\"#1a7f37\"/>\
<rect x=\"11\" y=\"1\" width=\"4\" height=\"14\" fill=\"#bc4c00\"/></svg>";

/// The policy every dashboard file is sent with.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// `/insights` (redirected), `/insights/` and its three files.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/insights",
            get(|| async { Redirect::permanent("/insights/") }),
        )
        .route(
            "/insights/",
            get(|| async { file("text/html; charset=utf-8", PAGE) }),
        )
        .route(
            "/insights/dashboard.js",
            get(|| async { file("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/insights/icon.svg",
            get(|| async { file("image/svg+xml", ICON) }),
        )
        .route(
            "/insights/dashboard.css",
            get(|| async { file("text/css; charset=utf-8", STYLES) }),
        )
}

fn file(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // A new server version brings a new page at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_no_inline_script_or_style() {
        assert!(PAGE.contains(r#"<script type="module" src="dashboard.js"></script>"#));
        assert_eq!(PAGE.matches("<script").count(), 1, "only the module script");
        assert!(!PAGE.contains("<style"), "no inline style element");
        assert!(!PAGE.contains(" style="), "no style attribute");
        let handler = PAGE.match_indices(" on").any(|(at, _)| {
            let rest = &PAGE[at + 3..];
            let name_end = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            name_end > 0 && rest[name_end..].starts_with('=')
        });
        assert!(!handler, "no inline event handler attribute");
    }

    #[test]
    fn the_script_never_writes_markup_from_data() {
        assert!(!SCRIPT.contains("innerHTML"));
        assert!(!SCRIPT.contains("insertAdjacentHTML"));
        assert!(!SCRIPT.contains("document.write"));
        assert!(
            SCRIPT.contains("sessionStorage"),
            "the token is kept for the tab"
        );
    }
}
