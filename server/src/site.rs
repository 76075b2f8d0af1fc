//! The built widget (`--dist`, at `/`) and the demo host pages (`--demo`,
//! under `/demo/`), as static files.
//!
//! Built files go as their Brotli or gzip copies where the browser accepts
//! them. The glue, the wasm and the stylesheet have content-hashed
//! names (Trunk's filehash) and are cached for a year, immutable; every
//! other built file (`index.html`, `embed.js`, its helpers, the trees) keeps
//! its name and is sent with `Cache-Control: no-cache`, so a new build
//! reaches visitors at once. When the widget is not built yet, `/` says how
//! to build it instead of a bare 404.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::speedtest::plain_text;
use crate::Config;

/// The static-file router: `/demo/*` from the demo directory when given,
/// everything else from the dist directory.
pub(crate) fn router(config: &Config) -> Router {
    let mut site = Router::new();
    if let Some(demo) = &config.demo {
        site = site.nest_service("/demo", ServeDir::new(demo));
    }
    let dist = Arc::new(config.dist.clone());
    // The build writes Brotli and gzip copies beside each file
    // (tools/precompress.mjs); the layer below compresses anything else.
    let files = ServeDir::new(&config.dist)
        .precompressed_br()
        .precompressed_gzip();
    site.fallback_service(files)
        .layer(middleware::from_fn_with_state(dist, cache_and_build_check))
        .layer(CompressionLayer::new())
}

/// How long a browser may keep a file: `None` for the demo pages (the file
/// server's default), a year for a content-hashed name (a new build has new
/// names), and revalidation for every name a page links as it is.
fn cache_policy(path: &str) -> Option<&'static str> {
    if path.starts_with("/demo/") {
        None
    } else if is_content_hashed(path.rsplit('/').next().unwrap_or_default()) {
        Some("public, max-age=31536000, immutable")
    } else {
        Some("no-cache")
    }
}

/// `backup-doctor-0123456789abcdef_bg.wasm`, `widget-0123456789abcdef.css`:
/// at least 8 hex digits after the last `-` (Trunk's hash, which may drop
/// leading zeros), then the extension.
fn is_content_hashed(name: &str) -> bool {
    let Some((_, tail)) = name.rsplit_once('-') else {
        return false;
    };
    let digits = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
    digits >= 8 && matches!(tail.as_bytes().get(digits), Some(b'.' | b'_'))
}

fn asks_for_the_widget_page(path: &str) -> bool {
    path == "/" || path == "/index.html"
}

async fn cache_and_build_check(
    State(dist): State<Arc<PathBuf>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if asks_for_the_widget_page(&path) {
        let index = dist.join("index.html");
        if !tokio::fs::try_exists(&index).await.unwrap_or(false) {
            let mut response = plain_text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "The backup-doctor widget is not built yet: {} is missing.\n\
                     Run `cargo xtask serve` (it builds the widget, then starts this server), \
                     or build it yourself and pass its directory with --dist.\n",
                    index.display()
                ),
            );
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return response;
        }
    }
    let mut response = next.run(request).await;
    // Host pages on other origins load embed.js as a module, which then
    // imports the glue and fetches the wasm and the stylesheet: all need CORS.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Some(policy) = cache_policy(&path) {
        // A missing or failed file is never kept: a visitor's browser could
        // otherwise hold a 404 for a hashed name for a year.
        let ok = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
        let policy = if ok { policy } else { "no-store" };
        if !response.headers().contains_key(header::CACHE_CONTROL) {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_kept_for_good_and_linked_names_revalidate() {
        const YEAR: Option<&str> = Some("public, max-age=31536000, immutable");
        for path in [
            "/backup-doctor-2f1c0a9be8d7c6b5_bg.wasm",
            "/backup-doctor-2f1c0a9be8d7c6b5.js",
            "/widget-00ff00ff00ff00ff.css",
            "/widget-ff00ff00ff00ff.css",
            "/split-2f1c0a9be8d7c6b5.js",
            "/chunk-connection-2f1c0a9be8d7c6b5.wasm",
        ] {
            assert_eq!(cache_policy(path), YEAR, "{path}");
        }
        for path in [
            "/",
            "/index.html",
            "/embed.js",
            "/startup.js",
            "/trees/default.pt-BR.json",
            "/backup-doctor_bg.wasm",
            "/backup-doctor-2f1c0a9.js",
            "/backup-doctor-2f1c0a9be8d7c6b5x.js",
        ] {
            assert_eq!(cache_policy(path), Some("no-cache"), "{path}");
        }
        assert_eq!(cache_policy("/demo/help-article.html"), None);
    }
}
