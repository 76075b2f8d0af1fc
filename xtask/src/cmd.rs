//! Running child processes with readable failures, and finding the project.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::TaskResult;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A command rooted in the workspace, echoing itself before it runs.
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    c
}

/// Runs `c` with inherited output; fails with the command line if it fails.
pub fn run(c: &mut Command) -> TaskResult {
    eprintln!("$ {}", describe(c));
    let status = c
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(c)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(c)))
    }
}

/// Runs `c` and returns its stdout, or `None` when it cannot start or fails.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs `c`, echoing its output live, and returns the output too, so that a
/// test layer can count its results. Returns whether it succeeded.
pub fn run_tee(c: &mut Command) -> TaskResult<(bool, String)> {
    use std::io::{BufRead, BufReader};
    eprintln!("$ {}", describe(c));
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", describe(c)))?;
    let stderr = child.stderr.take().map(BufReader::new);
    let err_thread = std::thread::spawn(move || {
        let mut seen = String::new();
        if let Some(reader) = stderr {
            for line in reader.lines().map_while(Result::ok) {
                eprintln!("{line}");
                seen.push_str(&line);
                seen.push('\n');
            }
        }
        seen
    });
    let mut seen = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            seen.push_str(&line);
            seen.push('\n');
        }
    }
    seen.push_str(&err_thread.join().unwrap_or_default());
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((status.success(), seen))
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// `PATH` with the project's npm-installed build tools (binaryen's wasm-opt)
/// and cargo's bin directory in front.
pub fn tool_path() -> String {
    let mut dirs = vec![root().join("tools/node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    let mut path: Vec<PathBuf> = dirs;
    if let Some(p) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}
