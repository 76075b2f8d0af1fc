//! Building the release widget with Trunk and serving it.

use std::path::PathBuf;

use crate::cmd::{self, command, run};
use crate::server::ServerProcess;
use crate::{tools, TaskResult};

/// How Trunk's cargo builds the release wasm: with
/// [`tools::RELEASE_TOOLCHAIN`], the standard library rebuilt for size
/// (`optimize_for_size`) instead of the prebuilt one, without panic
/// locations (`-Zlocation-detail=none`) or `Debug` output
/// (`-Zfmt-debug=none`; nothing a person reads is `Debug`), and a panic
/// that traps at once (`-Cpanic=immediate-abort`: no hook, no message; the
/// crash panel is drawn by `embed/startup.js` on the trap, see
/// `src/panic.rs`). `cargo xtask bench size` prints what this saves against
/// the stable toolchain; the flags apply to the wasm target alone, so build
/// scripts and proc macros build as usual.
const RELEASE_WASM_ENV: [(&str, &str); 4] = [
    ("RUSTUP_TOOLCHAIN", tools::RELEASE_TOOLCHAIN),
    ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
    ("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size"),
    (
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "-Zlocation-detail=none -Zfmt-debug=none -Zunstable-options -Cpanic=immediate-abort",
    ),
];

/// `trunk build --release` in `dir` (the widget's or the studio's).
fn trunk_release(dir: PathBuf) -> TaskResult {
    trunk_build(dir, &RELEASE_WASM_ENV, &[])
}

/// The widget as it would be without [`RELEASE_WASM_ENV`] (the stable
/// toolchain and its prebuilt standard library), into `dist`: the peer
/// `cargo xtask bench size` compares with.
pub fn build_stable_peer(dist: &std::path::Path) -> TaskResult {
    let dist = dist.to_string_lossy();
    trunk_build(cmd::root(), &[], &["--dist", &dist])
}

fn trunk_build(dir: PathBuf, env: &[(&str, &str)], args: &[&str]) -> TaskResult {
    let mut trunk = command("trunk", &["build", "--release"]);
    trunk.args(args);
    trunk.current_dir(dir);
    trunk.env("PATH", cmd::tool_path());
    trunk.envs(env.iter().copied());
    // Trunk's own log is chatty on success; warnings and errors still show.
    trunk.env("RUST_LOG", "warn");
    run(&mut trunk)
}

/// The release widget's wasm built again with its function names kept, for
/// `cargo xtask bench size --top`: the toolchain and flags of
/// [`RELEASE_WASM_ENV`] and trunk's wasm-opt level and parameters (read from
/// index.html), but the names section left in by cargo (no strip) and kept
/// through wasm-bindgen and wasm-opt (`-g`). Returns the wasm's path.
pub fn build_named_wasm() -> TaskResult<PathBuf> {
    tools::ensure_build_tools()?;
    tools::ensure_twiggy()?;
    let root = cmd::root();
    let dir = root.join("target/bench-named");
    let target_dir = dir.to_string_lossy().into_owned();
    let mut cargo = command(
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            tools::WASM_TARGET,
            "--package",
            "backup-doctor",
            "--target-dir",
            &target_dir,
        ],
    );
    cargo.current_dir(&root);
    cargo.envs(RELEASE_WASM_ENV.iter().copied());
    cargo.env("CARGO_PROFILE_RELEASE_STRIP", "false");
    run(&mut cargo)?;
    let built = dir
        .join(tools::WASM_TARGET)
        .join("release/backup-doctor.wasm");
    let bindgen = dir.join("bindgen");
    let mut wasm_bindgen = command("wasm-bindgen", &["--target", "web", "--out-dir"]);
    wasm_bindgen
        .arg(&bindgen)
        .arg(&built)
        .env("PATH", cmd::tool_path());
    run(&mut wasm_bindgen)?;
    let index = std::fs::read_to_string(root.join("index.html"))
        .map_err(|e| format!("cannot read index.html: {e}"))?;
    let level = attribute(&index, "data-wasm-opt")?;
    let params = attribute(&index, "data-wasm-opt-params")?;
    let named = dir.join("named.wasm");
    let mut wasm_opt = command("wasm-opt", &[&format!("-O{level}"), "-g"]);
    wasm_opt
        .args(params.split_whitespace())
        .arg(bindgen.join("backup-doctor_bg.wasm"))
        .arg("-o")
        .arg(&named)
        .env("PATH", cmd::tool_path());
    run(&mut wasm_opt)?;
    Ok(named)
}

/// The value of `name="…"` in index.html's Trunk links.
fn attribute<'a>(html: &'a str, name: &str) -> TaskResult<&'a str> {
    let start = format!("{name}=\"");
    html.split_once(&start)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(value, _)| value)
        .ok_or_else(|| format!("index.html has no {name}=\"…\""))
}

/// Builds the release widget into `dist/`, the studio into `dist/studio/`
/// and the release server binary.
/// Returns the dist directory.
pub fn build_release() -> TaskResult<PathBuf> {
    tools::ensure_build_tools()?;
    trunk_release(cmd::root())?;
    // The authors' studio, into dist/studio/ (studio/Trunk.toml), after the
    // widget's build has cleaned dist/.
    trunk_release(cmd::root().join("studio"))?;
    // The JavaScript minified for the support floor (the glue renamed for
    // its new content), embed.js stamped with the content-hashed names of
    // the glue, wasm and CSS, index.html without comments.
    run(command("node", &["tools/minify.mjs", "dist"]).current_dir(cmd::root()))?;
    // Brotli and gzip copies beside each file, sent as they are.
    run(command("node", &["tools/precompress.mjs", "dist"]).current_dir(cmd::root()))?;
    run(&mut command(
        "cargo",
        &["build", "--release", "--package", "backup-doctor-server"],
    ))?;
    Ok(cmd::root().join("dist"))
}

/// `cargo xtask serve [--host H] [--port P]`: build, then serve until Ctrl-C.
pub fn serve(args: &[&str]) -> TaskResult {
    let mut host = "127.0.0.1";
    let mut port = "8080";
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match *flag {
            "--host" => host = value,
            "--port" => port = value,
            other => return Err(format!("unknown option {other} (try --host, --port)")),
        }
    }
    build_release()?;
    let server = ServerProcess::start(&["--host", host, "--port", port])?;
    println!("backup-doctor is ready: open {}", server.url);
    println!(
        "(speed-test endpoints at {}__down and {}__up; Ctrl-C stops)",
        server.url, server.url
    );
    server.wait()
}
