//! `/__fault/*` (only with `--faults`): speed-test downloads and tree loads
//! that fail the way real servers and networks do.

mod common;

use axum::http::{header, StatusCode};
use backup_doctor_server::Config;
use common::{
    body_bytes, body_text, endpoints_config, eventually, get, head_value, raw_request,
    read_at_least, read_to_end_or_error, send, spawn_server,
};
use http_body_util::BodyExt;
use tokio::io::AsyncReadExt;

#[tokio::test]
async fn faults_are_hidden_without_the_flag() {
    let config = Config {
        faults: false,
        ..endpoints_config()
    };
    for uri in ["/__fault/down?mode=drop", "/__fault/tree?mode=html"] {
        assert_eq!(
            send(config.clone(), get(uri)).await.status(),
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
}

#[tokio::test]
async fn unknown_modes_list_the_known_ones() {
    let response = send(endpoints_config(), get("/__fault/down?mode=boom")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let text = body_text(response).await;
    assert!(text.contains("stall") && text.contains("nocors"), "{text}");
    let response = send(endpoints_config(), get("/__fault/tree")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(response).await.contains("endless"));
}

#[tokio::test]
async fn download_status_faults_answer_with_a_body_and_cors() {
    for (mode, status) in [
        ("status500", StatusCode::SERVICE_UNAVAILABLE),
        ("status404", StatusCode::NOT_FOUND),
    ] {
        let response = send(
            endpoints_config(),
            get(&format!("/__fault/down?mode={mode}")),
        )
        .await;
        assert_eq!(response.status(), status, "{mode}");
        assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(!body_text(response).await.is_empty(), "{mode}");
    }
}

#[tokio::test]
async fn nocors_sends_a_valid_body_without_allow_origin() {
    let response = send(
        endpoints_config(),
        get("/__fault/down?mode=nocors&bytes=2000"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(body_bytes(response).await.len(), 2000);
}

#[tokio::test]
async fn drop_ends_the_body_early_with_an_error() {
    let response = send(
        endpoints_config(),
        get("/__fault/down?mode=drop&bytes=300000"),
    )
    .await;
    assert_eq!(response.headers()[header::CONTENT_LENGTH], "300000");
    let mut body = response.into_body();
    let mut received = 0;
    let error = loop {
        match body.frame().await {
            Some(Ok(frame)) => received += frame.data_ref().map_or(0, |data| data.len()),
            Some(Err(error)) => break error,
            None => panic!("the body ended cleanly after {received} bytes"),
        }
    };
    assert_eq!(received, 150_000);
    assert!(error.to_string().contains("150000 of 300000"), "{error}");
}

#[tokio::test]
async fn drop_cuts_a_real_connection_short_of_its_content_length() {
    let (address, _) = spawn_server(endpoints_config()).await;
    let request = b"GET /__fault/down?mode=drop&bytes=2000000 HTTP/1.1\r\nHost: test\r\n\r\n";
    let (mut stream, head, mut body) = raw_request(address, request).await;
    assert_eq!(head_value(&head, "content-length"), Some("2000000"));
    read_to_end_or_error(&mut stream, &mut body).await;
    // About half: the bytes before the cut are flushed, then the close.
    assert!(body.len() >= 900_000, "got only {} bytes", body.len());
    assert!(
        body.len() <= 1_000_000,
        "got {} bytes, past the cut",
        body.len()
    );
}

#[tokio::test]
async fn stall_sends_64_kib_then_nothing_until_the_client_leaves() {
    let (address, stats) = spawn_server(endpoints_config()).await;
    let request = b"GET /__fault/down?mode=stall&bytes=1000000 HTTP/1.1\r\nHost: test\r\n\r\n";
    let (mut stream, head, mut body) = raw_request(address, request).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    read_at_least(&mut stream, &mut body, 64 * 1024).await;
    assert_eq!(body.len(), 64 * 1024);
    let mut more = [0u8; 1024];
    let waited = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        stream.read(&mut more),
    )
    .await;
    assert!(
        waited.is_err(),
        "data or close arrived after the stall: {waited:?}"
    );
    assert_eq!(stats.snapshot().open_faults, 1);
    drop(stream);
    eventually("the stall to end when the client left", || {
        stats.snapshot().open_faults == 0
    })
    .await;
}

#[tokio::test]
async fn tree_status_and_content_faults() {
    let cases = [
        ("status404", StatusCode::NOT_FOUND, "text/plain"),
        ("status500", StatusCode::INTERNAL_SERVER_ERROR, "text/plain"),
        ("html", StatusCode::OK, "text/html"),
        ("notjson", StatusCode::OK, "application/json"),
    ];
    for (mode, status, kind) in cases {
        let response = send(
            endpoints_config(),
            get(&format!("/__fault/tree?mode={mode}")),
        )
        .await;
        assert_eq!(response.status(), status, "{mode}");
        let content_type = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(content_type.starts_with(kind), "{mode}: {content_type}");
        let text = body_text(response).await;
        if mode == "notjson" {
            assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
        }
        if mode == "html" {
            assert!(text.starts_with("<!doctype html>"), "{text}");
        }
    }
}

#[tokio::test]
async fn huge_tree_is_five_mib_of_json() {
    let response = send(endpoints_config(), get("/__fault/tree?mode=huge")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_LENGTH], "5242880");
    let body = body_bytes(response).await;
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
}

#[tokio::test]
async fn endless_tree_keeps_streaming_until_the_client_leaves() {
    let (address, stats) = spawn_server(endpoints_config()).await;
    let request = b"GET /__fault/tree?mode=endless HTTP/1.1\r\nHost: test\r\n\r\n";
    let (mut stream, head, mut body) = raw_request(address, request).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(head_value(&head, "transfer-encoding"), Some("chunked"));
    assert!(head_value(&head, "content-length").is_none());
    read_at_least(&mut stream, &mut body, 300).await;
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("still coming"), "{text}");
    drop(stream);
    eventually("the endless body to stop when the client left", || {
        stats.snapshot().open_faults == 0
    })
    .await;
}

#[tokio::test]
async fn timeout_tree_never_sends_headers_and_ends_when_the_client_leaves() {
    let (address, stats) = spawn_server(endpoints_config()).await;
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    tokio::io::AsyncWriteExt::write_all(
        &mut stream,
        b"GET /__fault/tree?mode=timeout HTTP/1.1\r\nHost: test\r\n\r\n",
    )
    .await
    .expect("send request");
    eventually("the request to reach the handler", || {
        stats.snapshot().open_faults == 1
    })
    .await;
    let mut first = [0u8; 16];
    let waited = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        stream.read(&mut first),
    )
    .await;
    assert!(waited.is_err(), "something arrived: {waited:?}");
    drop(stream);
    eventually("the handler to be dropped when the client left", || {
        stats.snapshot().open_faults == 0
    })
    .await;
}

#[tokio::test]
async fn a_faulty_endpoint_base_still_answers_latency_probes_then_fails() {
    // Probes of a dropping or stalling endpoint succeed, so a speed test
    // gets as far as its download before the fault hits.
    for mode in ["drop", "stall"] {
        let probe = send(
            endpoints_config(),
            get(&format!("/__fault/endpoint/{mode}/__down?bytes=0")),
        )
        .await;
        assert_eq!(probe.status(), StatusCode::OK, "{mode}");
        assert!(body_bytes(probe).await.is_empty());
    }
    let failing = send(
        endpoints_config(),
        get("/__fault/endpoint/status500/__down?bytes=0"),
    )
    .await;
    assert_eq!(failing.status(), StatusCode::SERVICE_UNAVAILABLE);
    let unknown = send(
        endpoints_config(),
        get("/__fault/endpoint/boom/__down?bytes=10"),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
}
