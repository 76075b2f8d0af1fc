//! The built widget (`--dist`, at `/`) and the demo host pages (`--demo`,
//! under `/demo/`), as static files.
//!
//! Text assets and wasm are gzipped on the fly; `index.html` and `embed.js`
//! are sent with `Cache-Control: no-cache` because host pages link them by a
//! fixed name, so a new build must reach visitors at once. When the widget is
//! not built yet, `/` says how to build it instead of a bare 404.

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

/// The build uses fixed file names (so that `embed.js`, loaded by other
/// sites, finds its glue and wasm beside itself): every built file must be
/// revalidated, or a browser could pair a new `embed.js` with an old wasm.
fn must_revalidate(path: &str) -> bool {
    !path.starts_with("/demo/")
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
    if must_revalidate(&path) && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_file_revalidates_and_demo_pages_may_cache() {
        assert!(must_revalidate("/"));
        assert!(must_revalidate("/index.html"));
        assert!(must_revalidate("/embed.js"));
        assert!(must_revalidate("/backup-doctor_bg.wasm"));
        assert!(must_revalidate("/widget.css"));
        assert!(!must_revalidate("/demo/help-article.html"));
    }
}
