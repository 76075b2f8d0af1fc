//! `GET /__down?bytes=N`: exact, incompressible payloads with the headers a
//! cross-origin speed test needs, and clear 400s for bad sizes.

mod common;

use axum::http::{header, StatusCode};
use backup_doctor_server::Config;
use common::{body_bytes, body_text, endpoints_config, get, send};

async fn download(bytes: u64) -> Vec<u8> {
    let response = send(endpoints_config(), get(&format!("/__down?bytes={bytes}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_LENGTH],
        bytes.to_string().as_str()
    );
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/octet-stream"
    );
    body_bytes(response).await
}

#[tokio::test]
async fn sends_exactly_the_bytes_asked_for() {
    for bytes in [1u64, 65_535, 65_536, 123_456, 5_000_000] {
        assert_eq!(download(bytes).await.len() as u64, bytes, "bytes={bytes}");
    }
}

#[tokio::test]
async fn zero_bytes_is_an_empty_latency_probe() {
    let response = send(endpoints_config(), get("/__down?bytes=0")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_LENGTH], "0");
    assert!(body_bytes(response).await.is_empty());
}

#[tokio::test]
async fn payload_is_not_a_repeated_buffer() {
    let body = download(300_000).await;
    let mut seen = [false; 256];
    for &byte in &body {
        seen[byte as usize] = true;
    }
    assert_eq!(
        seen.iter().filter(|&&s| s).count(),
        256,
        "all byte values occur"
    );
    let chunk = 64 * 1024;
    assert_ne!(body[..chunk], body[chunk..2 * chunk]);
    assert_ne!(body[..1024], body[1024..2048]);
    // Two downloads are not the same bytes either (no cacheable payload).
    assert_ne!(download(4096).await, download(4096).await);
}

#[tokio::test]
async fn extra_query_parameters_are_ignored() {
    let response = send(
        endpoints_config(),
        get("/__down?measId=8123&bytes=1000&during=download"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_bytes(response).await.len(), 1000);
}

#[tokio::test]
async fn every_response_carries_the_cross_origin_timing_headers() {
    for uri in ["/__down?bytes=10", "/__down?bytes=nope", "/__down"] {
        let response = send(endpoints_config(), get(uri)).await;
        let headers = response.headers();
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{uri}");
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{uri}");
        assert_eq!(headers["timing-allow-origin"], "*", "{uri}");
        let exposed = headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
            .to_str()
            .expect("ascii");
        assert!(exposed.contains("Server-Timing"), "{uri}: {exposed}");
        assert!(exposed.contains("Content-Length"), "{uri}: {exposed}");
    }
}

#[tokio::test]
async fn download_is_not_gzipped_even_when_the_client_accepts_it() {
    let request = axum::http::Request::get("/__down?bytes=5000")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(axum::body::Body::empty())
        .expect("valid request");
    let response = send(endpoints_config(), request).await;
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body_bytes(response).await.len(), 5000);
}

async fn refusal(config: Config, uri: &str) -> String {
    let response = send(config, get(uri)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
    assert!(response.headers()[header::CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .starts_with("text/plain"));
    body_text(response).await
}

#[tokio::test]
async fn bad_sizes_get_a_400_that_says_what_is_wrong() {
    let cases = [
        ("/__down", "missing query parameter `bytes`"),
        ("/__down?size=10", "missing query parameter `bytes`"),
        ("/__down?bytes=", "is empty"),
        ("/__down?bytes=-1", "must not be negative"),
        ("/__down?bytes=abc", "is not a number"),
        ("/__down?bytes=12.5", "not a fraction"),
        ("/__down?bytes=1e6", "plain digits"),
    ];
    for (uri, reason) in cases {
        let text = refusal(endpoints_config(), uri).await;
        assert!(text.contains(reason), "{uri}: {text}");
    }
}

#[tokio::test]
async fn sizes_over_the_cap_are_refused_naming_the_cap() {
    let text = refusal(endpoints_config(), "/__down?bytes=1073741825").await;
    assert!(text.contains("1073741824 bytes"), "{text}");
    assert!(text.contains("--max-down-bytes"), "{text}");

    let small_cap = Config {
        max_down_bytes: 5000,
        ..endpoints_config()
    };
    let text = refusal(small_cap.clone(), "/__down?bytes=5001").await;
    assert!(text.contains("5000 bytes"), "{text}");
    let response = send(small_cap, get("/__down?bytes=5000")).await;
    assert_eq!(body_bytes(response).await.len(), 5000);
}

#[tokio::test]
async fn head_request_announces_the_size_without_a_body() {
    let request = axum::http::Request::head("/__down?bytes=777")
        .body(axum::body::Body::empty())
        .expect("valid request");
    let response = send(endpoints_config(), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_LENGTH], "777");
}
