//! What one connection may cost the server: how far a download runs ahead of
//! a client that stops reading (all of it is data used, and wasted, when the
//! client aborts), and how long a client may take to send its request head.

mod common;

use std::time::Duration;

use backup_doctor_server::Config;
use common::{endpoints_config, read_head, spawn_server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

#[tokio::test]
async fn a_download_runs_little_ahead_of_a_client_that_stops_reading() {
    let (address, stats) = spawn_server(endpoints_config()).await;
    // A phone-sized receive window, so the client's own buffer is not what
    // absorbs the stream.
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(64 * 1024).expect("SO_RCVBUF");
    let mut stream = socket.connect(address).await.expect("connect");
    stream
        .write_all(b"GET /__down?bytes=20000000 HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("send request");
    let (head, _) = read_head(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // Everything the server will buffer, it buffers in far less than this.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counted = stats.snapshot().down_bytes;
    // Client window (~128 KiB as the kernel doubles it) + unsent socket
    // data (64 KiB) + the connection's buffer (32 KiB + one 16 KiB chunk).
    // Before these limits (hyper's ~400 KB buffer, 128 KiB unsent, 64 KiB
    // chunks) it was ~460 KB.
    assert!(
        counted <= 300_000,
        "the server produced {counted} bytes for a client that read none"
    );
    drop(stream);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let config = Config {
        header_read_timeout: Duration::from_millis(300),
        ..endpoints_config()
    };
    let (address, _) = spawn_server(config).await;
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream
        .write_all(b"GET /__down?bytes=10 HTTP/1.1\r\nHost: te")
        .await
        .expect("send half a head");
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the server still holds the connection after 5 s");
    // Closed (or reset); hyper may first say 408.
    let text = String::from_utf8_lossy(&answer);
    assert!(
        closed.is_err() || answer.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{closed:?} {text}"
    );
}
