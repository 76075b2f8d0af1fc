//! The other engines, for the tests: WebKit (WebKitGTK's WebKitWebDriver
//! driving MiniBrowser on a virtual X display) and Firefox ESR (geckodriver,
//! headless), each a WebDriver server on a free port of 127.0.0.1, started
//! for one test run and stopped (with their browsers) when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{cmd, tools, TaskResult};

/// How long a driver may take to answer `/status` after it starts.
const DRIVER_START: Duration = Duration::from_secs(30);

/// A child process killed (and reaped) when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The running drivers; everything stops when this is dropped (the drivers
/// before the display they draw on).
pub struct Drivers {
    processes: Vec<Guard>,
    /// `[{name, driver, capabilities}]` for `e2e/engines/`.
    pub engines: Value,
}

impl Drop for Drivers {
    fn drop(&mut self) {
        while let Some(process) = self.processes.pop() {
            drop(process);
        }
    }
}

impl Drivers {
    pub fn start() -> TaskResult<Self> {
        let mut processes = Vec::new();
        let display = free_display()?;
        let xvfb = spawn(
            Command::new(tools::XVFB).args([
                &display,
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ]),
            "Xvfb",
        )?;
        processes.push(xvfb);
        wait_for(&format!("the X display {display}"), || {
            Path::new(&format!("/tmp/.X11-unix/X{}", &display[1..])).exists()
        })?;

        let webkit_port = free_port()?;
        let mut webkit = Command::new(tools::WEBKIT_DRIVER);
        webkit
            .arg(format!("--port={webkit_port}"))
            .env("DISPLAY", &display);
        processes.push(spawn(&mut webkit, "WebKitWebDriver")?);

        let gecko_port = free_port()?;
        let mut gecko = Command::new("geckodriver");
        gecko
            .args(["--host", "127.0.0.1", "--port", &gecko_port.to_string()])
            .env("PATH", cmd::tool_path());
        processes.push(spawn(&mut gecko, "geckodriver")?);

        for (name, port) in [
            ("WebKitWebDriver", webkit_port),
            ("geckodriver", gecko_port),
        ] {
            wait_for(&format!("{name} on port {port}"), || {
                TcpStream::connect(("127.0.0.1", port)).is_ok()
            })?;
        }
        let engines = json!([
            {
                "name": "webkit",
                "driver": format!("http://127.0.0.1:{webkit_port}/"),
                "capabilities": {
                    "browserName": "MiniBrowser",
                    "webkitgtk:browserOptions": {
                        "binary": tools::MINIBROWSER,
                        "args": ["--automation"],
                    },
                },
            },
            {
                "name": "firefox",
                "driver": format!("http://127.0.0.1:{gecko_port}/"),
                "capabilities": {
                    "browserName": "firefox",
                    "moz:firefoxOptions": {
                        "binary": tools::FIREFOX,
                        "args": ["-headless"],
                    },
                },
            },
        ]);
        Ok(Drivers { processes, engines })
    }
}

fn spawn(c: &mut Command, name: &str) -> TaskResult<Guard> {
    c.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Guard)
        .map_err(|e| format!("could not start {name}: {e}"))
}

fn wait_for(what: &str, ready: impl Fn() -> bool) -> TaskResult {
    let started = Instant::now();
    while !ready() {
        if started.elapsed() > DRIVER_START {
            return Err(format!("{what} was not ready after {DRIVER_START:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// A port of 127.0.0.1 that nothing listens on right now.
fn free_port() -> TaskResult<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// An X display number no server uses (`:90` and up).
fn free_display() -> TaskResult<String> {
    (90..200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })
        .map(|n| format!(":{n}"))
        .ok_or_else(|| "no free X display between :90 and :199".to_owned())
}
