//! `/__stats`: what the endpoints really moved, including a download the
//! client gave up on, and that it is hidden unless `--stats` is on.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use backup_doctor_server::{router, Config};
use common::{
    body_bytes, body_json, body_text, endpoints_config, eventually, get, raw_request,
    read_at_least, send, send_to, spawn_server,
};

#[tokio::test]
async fn stats_endpoints_are_hidden_without_the_flag() {
    let config = Config {
        stats: false,
        ..endpoints_config()
    };
    assert_eq!(
        send(config.clone(), get("/__stats")).await.status(),
        StatusCode::NOT_FOUND
    );
    let reset = Request::post("/__stats/reset")
        .body(Body::empty())
        .expect("valid request");
    let response = send(config, reset).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(body_text(response).await.contains("--stats"));
}

#[tokio::test]
async fn stats_count_downloads_uploads_and_reset() {
    let app = router(endpoints_config());
    let response = send_to(&app, get("/__down?bytes=100000")).await;
    assert_eq!(body_bytes(response).await.len(), 100_000);
    send_to(&app, get("/__down?bytes=0")).await;
    send_to(&app, get("/__down?bytes=-3")).await; // refused, not counted
    let upload = Request::post("/__up")
        .body(Body::from(vec![1u8; 4321]))
        .expect("valid request");
    send_to(&app, upload).await;

    let response = send_to(&app, get("/__stats")).await;
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let json = body_json(response).await;
    assert_eq!(json["downBytes"], 100_000);
    assert_eq!(json["downRequests"], 2);
    assert_eq!(json["upBytes"], 4321);
    assert_eq!(json["upRequests"], 1);
    assert_eq!(json["openDownStreams"], 0);

    let reset = Request::post("/__stats/reset")
        .body(Body::empty())
        .expect("valid request");
    assert_eq!(send_to(&app, reset).await.status(), StatusCode::OK);
    let json = body_json(send_to(&app, get("/__stats")).await).await;
    assert_eq!(json["downBytes"], 0);
    assert_eq!(json["upBytes"], 0);
    assert_eq!(json["downRequests"], 0);
    assert_eq!(json["upRequests"], 0);
}

#[tokio::test]
async fn an_aborted_download_counts_only_what_was_sent() {
    const ASKED: u64 = 400_000_000;
    let (address, stats) = spawn_server(endpoints_config()).await;
    let request = format!("GET /__down?bytes={ASKED} HTTP/1.1\r\nHost: test\r\n\r\n");
    let (mut stream, head, mut body) = raw_request(address, request.as_bytes()).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    read_at_least(&mut stream, &mut body, 1_000_000).await;
    assert_eq!(stats.snapshot().open_down_streams, 1);
    drop(stream);

    eventually("the server to notice the client left", || {
        stats.snapshot().open_down_streams == 0
    })
    .await;
    let sent = stats.snapshot().down_bytes;
    assert!(
        sent >= 1_000_000,
        "counted {sent}, but the client read 1 MB"
    );
    // Socket buffers hold a few MB at most; the rest was never generated.
    assert!(
        sent < ASKED / 4,
        "counted {sent} of {ASKED} for an aborted download"
    );
}
