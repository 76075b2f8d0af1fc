//! `POST /__up`: counts and discards any body, says how long it took, and
//! refuses bodies over the cap whether they announce their size or not.

mod common;

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use backup_doctor_server::Config;
use bytes::Bytes;
use common::{
    body_json, body_text, endpoints_config, head_value, raw_request, read_to_end_or_error, send,
    spawn_server,
};
use tokio::io::AsyncWriteExt;

fn post_up(body: Body) -> Request<Body> {
    Request::post("/__up")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(body)
        .expect("valid request")
}

fn chunked(pieces: usize, piece_len: usize) -> Body {
    let stream = futures_util::stream::iter(
        (0..pieces).map(move |_| Ok::<_, Infallible>(Bytes::from(vec![7u8; piece_len]))),
    );
    Body::from_stream(stream)
}

#[tokio::test]
async fn counts_a_body_with_a_content_length() {
    let response = send(endpoints_config(), post_up(Body::from(vec![0u8; 123_456]))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["x-bytes-received"], "123456");
    let timing = headers["server-timing"].to_str().expect("ascii");
    assert!(timing.starts_with("app;dur="), "{timing}");
    assert!(
        timing["app;dur=".len()..].parse::<f64>().is_ok(),
        "{timing}"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(headers["timing-allow-origin"], "*");
    let json = body_json(response).await;
    assert_eq!(json["bytes"], 123_456);
    assert!(
        json["durationMs"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{json}"
    );
}

#[tokio::test]
async fn counts_a_chunked_body_without_a_content_length() {
    let response = send(endpoints_config(), post_up(chunked(10, 10_000))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_json(response).await["bytes"], 100_000);
}

#[tokio::test]
async fn accepts_any_content_type_and_an_empty_body() {
    let request = Request::post("/__up")
        .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
        .body(Body::empty())
        .expect("valid request");
    let response = send(endpoints_config(), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let json = body_json(response).await;
    assert_eq!(json["bytes"], 0);
    assert_eq!(json["durationMs"], 0.0);
}

fn small_cap() -> Config {
    Config {
        max_up_bytes: 50_000,
        ..endpoints_config()
    }
}

#[tokio::test]
async fn refuses_an_announced_size_over_the_cap_up_front() {
    let response = send(small_cap(), post_up(Body::from(vec![0u8; 50_001]))).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let text = body_text(response).await;
    assert!(text.contains("50001 bytes"), "{text}");
    assert!(text.contains("cap of 50000 bytes"), "{text}");
    assert!(text.contains("--max-up-bytes"), "{text}");
}

#[tokio::test]
async fn accepts_a_body_exactly_at_the_cap() {
    let response = send(small_cap(), post_up(Body::from(vec![0u8; 50_000]))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_json(response).await["bytes"], 50_000);
}

#[tokio::test]
async fn refuses_a_chunked_body_once_it_goes_over_the_cap() {
    let response = send(small_cap(), post_up(chunked(100, 10_000))).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = body_text(response).await;
    assert!(text.contains("cap of 50000 bytes"), "{text}");
}

#[tokio::test]
async fn refuses_a_chunked_body_over_the_cap_on_a_real_connection() {
    let (address, stats) = spawn_server(small_cap()).await;
    let mut request =
        b"POST /__up HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..6 {
        request.extend_from_slice(format!("{:x}\r\n", 10_000).as_bytes());
        request.extend_from_slice(&[1u8; 10_000]);
        request.extend_from_slice(b"\r\n");
    }
    let (_stream, head, _) = raw_request(address, &request).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(stats.snapshot().up_bytes <= 60_000);
}

#[tokio::test]
async fn get_on_the_upload_endpoint_is_method_not_allowed() {
    let response = send(endpoints_config(), common::get("/__up")).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn preflight_allows_a_post_with_any_content_type() {
    for path in ["/__up", "/__down"] {
        let request = Request::builder()
            .method(Method::OPTIONS)
            .uri(path)
            .header(header::ORIGIN, "https://help.example.com")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .expect("valid request");
        let response = send(endpoints_config(), request).await;
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let headers = response.headers();
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        let methods = headers[header::ACCESS_CONTROL_ALLOW_METHODS]
            .to_str()
            .expect("ascii");
        assert!(
            methods.contains("POST") && methods.contains("GET"),
            "{methods}"
        );
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_HEADERS],
            "content-type"
        );
    }
}

#[tokio::test]
async fn a_client_that_aborts_mid_upload_leaves_the_server_working() {
    let (address, stats) = spawn_server(endpoints_config()).await;
    let head = b"POST /__up HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n";
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(head).await.expect("send head");
    stream.write_all(&[9u8; 300_000]).await.expect("send part");
    drop(stream);
    common::eventually("the partial upload to be read", || {
        stats.snapshot().up_bytes == 300_000
    })
    .await;

    let request =
        b"POST /__up HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    let (mut stream, head, mut body) = raw_request(address, request).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(head_value(&head, "x-bytes-received"), Some("5"));
    read_to_end_or_error(&mut stream, &mut body).await;
    let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON body");
    assert_eq!(json["bytes"], 5);
}

#[tokio::test]
async fn an_upload_that_stalls_is_cut_off_instead_of_held_forever() {
    use std::time::Duration;
    let config = Config {
        upload_idle_timeout: Duration::from_millis(300),
        ..endpoints_config()
    };
    let (address, _) = common::spawn_server(config).await;
    // Announces 1,000,000 bytes, sends 10, then goes quiet.
    let answered = tokio::time::timeout(
        Duration::from_secs(5),
        common::raw_request(
            address,
            b"POST /__up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n0123456789",
        ),
    )
    .await;
    let (_, head, _) = answered.expect("the server answers a stalled upload instead of waiting");
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
}
