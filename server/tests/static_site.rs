//! The built widget at `/` and demo pages at `/demo/`: right types, gzip for
//! text and wasm, no stale entry points, and a useful answer before a build.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use backup_doctor_server::Config;
use common::{body_bytes, body_text, get, scratch_dir, send};

const INDEX: &str = "<!doctype html><html><body><backup-doctor></backup-doctor></body></html>";

fn built_site(name: &str) -> Config {
    let root = scratch_dir(name);
    let dist = root.join("dist");
    let demo = root.join("demo");
    std::fs::create_dir_all(&dist).expect("dist dir");
    std::fs::create_dir_all(&demo).expect("demo dir");
    write(&dist.join("index.html"), INDEX.as_bytes());
    write(
        &dist.join("embed.js"),
        "customElements.define('backup-doctor', class {});\n"
            .repeat(50)
            .as_bytes(),
    );
    write(
        &dist.join("widget-3f2a.wasm"),
        &[0, 97, 115, 109, 1, 0, 0, 0].repeat(500),
    );
    write(
        &dist.join("styles-1a2b.css"),
        ":root { --bd-accent: #075e54; }\n".repeat(50).as_bytes(),
    );
    write(
        &demo.join("index.html"),
        b"<!doctype html><title>Demo host page</title>",
    );
    Config {
        dist,
        demo: Some(demo),
        ..Config::default()
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("write fixture");
}

fn get_gzip(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("valid request")
}

#[tokio::test]
async fn root_serves_index_html_without_caching_it() {
    let config = built_site("root");
    for uri in ["/", "/index.html"] {
        let response = send(config.clone(), get(uri)).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-cache",
            "{uri}"
        );
        assert!(response.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/html"));
        assert_eq!(body_text(response).await, INDEX);
    }
}

#[tokio::test]
async fn built_files_have_fixed_names_so_all_revalidate() {
    let config = built_site("cache");
    for uri in ["/embed.js", "/styles-1a2b.css"] {
        let response = send(config.clone(), get(uri)).await;
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-cache",
            "{uri}"
        );
    }
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm_and_gzipped() {
    let response = send(built_site("wasm"), get_gzip("/widget-3f2a.wasm")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert!(body_bytes(response).await.len() < 4000);
}

#[tokio::test]
async fn text_assets_are_gzipped_when_the_browser_accepts_it() {
    for uri in ["/embed.js", "/styles-1a2b.css"] {
        let response = send(built_site("gzip"), get_gzip(uri)).await;
        assert_eq!(
            response.headers()[header::CONTENT_ENCODING],
            "gzip",
            "{uri}"
        );
    }
    let response = send(built_site("plain"), get("/embed.js")).await;
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
}

#[tokio::test]
async fn static_files_allow_cross_origin_loads_but_not_the_speed_test_headers() {
    // A host page on another origin imports embed.js as a module, which
    // loads the glue, the wasm and the stylesheet: they need CORS.
    let response = send(built_site("plain-headers"), get("/styles-1a2b.css")).await;
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(response.headers().get("timing-allow-origin").is_none());
}

#[tokio::test]
async fn demo_pages_are_served_under_demo() {
    let response = send(built_site("demo"), get("/demo/")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body_text(response).await.contains("Demo host page"));
    let response = send(built_site("demo-index"), get("/demo/index.html")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_files_are_404() {
    let response = send(built_site("missing-file"), get("/nope.js")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn before_a_build_the_root_says_how_to_build() {
    let config = Config {
        dist: scratch_dir("unbuilt").join("dist"),
        ..Config::default()
    };
    let response = send(config.clone(), get("/")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let text = body_text(response).await;
    assert!(text.contains("cargo xtask serve"), "{text}");
    assert!(text.contains("index.html"), "{text}");
    // The speed-test endpoints work without a build.
    let response = send(config, get("/__down?bytes=10")).await;
    assert_eq!(response.status(), StatusCode::OK);
}
