//! The release server as a child process, for `serve`, the e2e layer and
//! benchmarks: started on a port, its URL read from its first line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::cmd;
use crate::TaskResult;

/// A running `backup-doctor-server`; killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// Base URL with a trailing slash, e.g. `http://127.0.0.1:8080/`.
    pub url: String,
}

impl ServerProcess {
    /// Starts the release server binary (built by `widget::build_release`)
    /// serving `dist/` and `demo/`, with `extra` flags.
    pub fn start(extra: &[&str]) -> TaskResult<Self> {
        let root = cmd::root();
        let bin = root.join("target/release/backup-doctor-server");
        let mut c = Command::new(&bin);
        c.current_dir(&root)
            .args(["--dist", "dist", "--demo", "demo"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = c
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("server has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(url) = first
            .strip_prefix("backup-doctor listening on ")
            .map(str::to_owned)
        else {
            let _ = child.kill();
            return Err(format!("server did not start (it said: {first:?})"));
        };
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| println!("{l}")));
        Ok(Self { child, url })
    }

    /// The server's process id (for reading its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the server exits (Ctrl-C reaches both processes).
    pub fn wait(mut self) -> TaskResult {
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("server stopped: {status}"))
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
