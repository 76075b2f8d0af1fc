//! Shared test plumbing: building routers, sending one request through
//! them, and a real TCP server for streaming and abort cases.

#![allow(dead_code)] // each test binary uses a different part of this

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, Response};
use axum::Router;
use backup_doctor_server::{router_with_stats, serve_router, Config, Stats};
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// A config whose dist directory does not exist, for endpoint-only tests.
pub fn endpoints_config() -> Config {
    Config {
        dist: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("server-dist-never-built"),
        stats: true,
        faults: true,
        ..Config::default()
    }
}

/// A fresh, empty directory for this test binary.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Sends one request through a fresh router for `config`.
pub async fn send(config: Config, request: Request<Body>) -> Response<Body> {
    backup_doctor_server::router(config)
        .oneshot(request)
        .await
        .expect("the router never fails")
}

/// Sends one request through an existing router.
pub async fn send_to(router: &Router, request: Request<Body>) -> Response<Body> {
    router
        .clone()
        .oneshot(request)
        .await
        .expect("the router never fails")
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .body(Body::empty())
        .expect("valid request")
}

/// The whole body; panics if the body ends in an error.
pub async fn body_bytes(response: Response<Body>) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .expect("body completes")
        .to_bytes()
        .to_vec()
}

pub async fn body_text(response: Response<Body>) -> String {
    String::from_utf8(body_bytes(response).await).expect("utf-8 body")
}

pub async fn body_json(response: Response<Body>) -> serde_json::Value {
    serde_json::from_slice(&body_bytes(response).await).expect("JSON body")
}

/// A real server on 127.0.0.1:0, with its counters.
pub async fn spawn_server(config: Config) -> (SocketAddr, Arc<Stats>) {
    let stats = Arc::new(Stats::default());
    let header_read_timeout = config.header_read_timeout;
    let app = router_with_stats(config, stats.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let never = std::future::pending::<()>();
        let _ = serve_router(listener, app, header_read_timeout, never).await;
    });
    (address, stats)
}

/// Opens a connection, sends `request` (raw HTTP/1.1) and reads up to the
/// end of the response head. Returns the head and any body bytes already read.
pub async fn raw_request(address: SocketAddr, request: &[u8]) -> (TcpStream, String, Vec<u8>) {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(request).await.expect("send request");
    let (head, rest) = read_head(&mut stream).await;
    (stream, head, rest)
}

pub async fn read_head(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            return (head, buffer[end + 4..].to_vec());
        }
        let read = stream.read(&mut chunk).await.expect("read response head");
        assert!(read > 0, "connection closed before the response head");
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// Reads until at least `want` body bytes are in `body`.
pub async fn read_at_least(stream: &mut TcpStream, body: &mut Vec<u8>, want: usize) {
    let mut chunk = vec![0u8; 64 * 1024];
    while body.len() < want {
        let read = stream.read(&mut chunk).await.expect("read body");
        assert!(read > 0, "connection closed after {} bytes", body.len());
        body.extend_from_slice(&chunk[..read]);
    }
}

/// Reads until the connection ends (cleanly or not); says whether it ended
/// with an error.
pub async fn read_to_end_or_error(stream: &mut TcpStream, body: &mut Vec<u8>) -> bool {
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) => return false,
            Ok(read) => body.extend_from_slice(&chunk[..read]),
            Err(_) => return true,
        }
    }
}

/// The value of header `name` in a raw response head (case-insensitive).
pub fn head_value<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// Waits (yielding) until `done` holds; panics after a generous deadline.
/// Used to wait for the server to notice a client left, never to time it.
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
