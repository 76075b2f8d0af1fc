//! The `backup-doctor-server` binary: prints the one line harnesses parse,
//! serves on the port it names, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn prints_its_address_serves_and_stops_on_sigterm() {
    let mut server = Command::new(env!("CARGO_BIN_EXE_backup-doctor-server"))
        .args(["--port", "0", "--dist", "does-not-exist", "--stats"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary");
    let stdout = server.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the startup line");
    let address = line
        .trim_end()
        .strip_prefix("backup-doctor listening on http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected startup line {line:?}"))
        .to_owned();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    assert!(
        !address.ends_with(":0"),
        "the real port is printed: {address}"
    );

    let mut stream = TcpStream::connect(&address).expect("connect to the printed address");
    stream
        .write_all(b"GET /__down?bytes=5 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .expect("send request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    assert!(response.starts_with(b"HTTP/1.1 200"));

    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let exit = server.wait().expect("wait for the server");
    assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
}
