//! Building the release widget with Trunk and serving it.

use std::path::{Path, PathBuf};

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
    (WASM_RUSTFLAGS, RELEASE_RUSTFLAGS),
];
const WASM_RUSTFLAGS: &str = "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS";
const RELEASE_RUSTFLAGS: &str =
    "-Zlocation-detail=none -Zfmt-debug=none -Zunstable-options -Cpanic=immediate-abort";

/// `trunk build --release` of the studio.
fn trunk_release_studio() -> TaskResult {
    trunk_build(cmd::root().join("studio"), &RELEASE_WASM_ENV, &[])
}

/// `trunk build --release` of the widget, ready to be split
/// ([`split_wasm`]): see [`split_build_env`]. Trunk's own wasm-bindgen and
/// wasm-opt of the whole wasm are replaced after.
fn trunk_release_widget() -> TaskResult {
    let rustflags = split_rustflags();
    trunk_build(
        cmd::root(),
        &split_build_env(&rustflags),
        &["--features", "split"],
    )
}

fn split_rustflags() -> String {
    format!("{RELEASE_RUSTFLAGS} -Clink-arg=--emit-relocs")
}

/// [`RELEASE_WASM_ENV`] for a wasm to be split (with the `split` feature:
/// `src/chunks.rs`'s split points): the link's relocations kept
/// (`--emit-relocs`, `rustflags` from [`split_rustflags`]) and the symbols
/// not stripped, which is what wasm-split-cli reads.
fn split_build_env(rustflags: &str) -> Vec<(&str, &str)> {
    RELEASE_WASM_ENV
        .iter()
        .copied()
        .filter(|(name, _)| *name != WASM_RUSTFLAGS)
        .chain([
            (WASM_RUSTFLAGS, rustflags),
            ("CARGO_PROFILE_RELEASE_STRIP", "false"),
        ])
        .collect()
}

/// The widget's wasm as cargo built it for [`trunk_release_widget`].
fn built_widget_wasm(target_dir: &Path) -> PathBuf {
    target_dir
        .join(tools::WASM_TARGET)
        .join("release/backup-doctor.wasm")
}

/// `built` (a wasm built with [`split_build_env`]) split by wasm-split-cli
/// into the main module and the chunks of its split points, the main
/// module through wasm-bindgen, then every module through wasm-opt at
/// index.html's level and parameters (and `opt_extra`), into `dir/site`:
/// `backup-doctor_bg.wasm`, its glue `backup-doctor.js`, the chunks'
/// loader `__wasm_split.js` and the chunks. For the release build
/// `tools/minify.mjs` puts them in dist/ under content-hashed names.
/// Returns `dir/site`.
fn split_wasm(built: &Path, dir: &Path, opt_extra: &[&str]) -> TaskResult<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    let (split, bindgen, site) = (dir.join("split"), dir.join("bindgen"), dir.join("site"));
    for d in [&split, &bindgen, &site] {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let mut wasm_split = command("wasm-split-cli", &[]);
    wasm_split
        .arg(built)
        .arg(&split)
        .args(["--target", "web", "--out-name", "backup-doctor"])
        .env("PATH", cmd::tool_path())
        .env("RUST_LOG", "warn");
    run(&mut wasm_split)?;
    // The chunks import the main module's function table by the name the
    // linker gave it, which wasm-bindgen drops unless told to keep it.
    let mut wasm_bindgen = command(
        "wasm-bindgen",
        &["--target", "web", "--keep-lld-exports", "--out-dir"],
    );
    wasm_bindgen
        .arg(&bindgen)
        .arg(split.join("backup-doctor.wasm"))
        .env("PATH", cmd::tool_path());
    if opt_extra.contains(&"-g") {
        wasm_bindgen.arg("--keep-debug");
    }
    run(&mut wasm_bindgen)?;
    let mut modules = vec![bindgen.join("backup-doctor_bg.wasm")];
    for entry in std::fs::read_dir(&split).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".wasm") && name != "backup-doctor.wasm" {
            modules.push(path);
        }
    }
    for module in &modules {
        let name = module.file_name().unwrap_or_default();
        wasm_opt(module, &site.join(name), opt_extra)?;
    }
    for (from, name) in [(&bindgen, "backup-doctor.js"), (&split, "__wasm_split.js")] {
        std::fs::copy(from.join(name), site.join(name))
            .map_err(|e| format!("cannot copy {name}: {e}"))?;
    }
    Ok(site)
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

/// The release widget's main wasm (what the first step needs) built
/// again with its function names kept, for `cargo xtask bench size --top`:
/// the toolchain, flags and split of the release build and trunk's
/// wasm-opt level and parameters (read from index.html), the names kept
/// through wasm-bindgen and wasm-opt (`-g`). Returns the main wasm's path.
pub fn build_named_wasm() -> TaskResult<PathBuf> {
    tools::ensure_build_tools()?;
    tools::ensure_twiggy()?;
    let root = cmd::root();
    let dir = root.join("target/bench-named");
    let target_dir = dir.join("cargo");
    let mut cargo = command(
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            tools::WASM_TARGET,
            "--package",
            "backup-doctor",
            "--features",
            "split",
            "--target-dir",
        ],
    );
    let rustflags = split_rustflags();
    cargo
        .arg(&target_dir)
        .current_dir(&root)
        .envs(split_build_env(&rustflags));
    run(&mut cargo)?;
    let site = split_wasm(&built_widget_wasm(&target_dir), &dir.join("split"), &["-g"])?;
    Ok(site.join("backup-doctor_bg.wasm"))
}

/// wasm-opt of `input` into `output` at index.html's level and parameters
/// (what Trunk runs), with `extra` arguments.
fn wasm_opt(input: &Path, output: &Path, extra: &[&str]) -> TaskResult {
    let index = std::fs::read_to_string(cmd::root().join("index.html"))
        .map_err(|e| format!("cannot read index.html: {e}"))?;
    let level = attribute(&index, "data-wasm-opt")?;
    let params = attribute(&index, "data-wasm-opt-params")?;
    let mut wasm_opt = command("wasm-opt", &[&format!("-O{level}")]);
    wasm_opt
        .args(extra)
        .args(params.split_whitespace())
        .arg(input)
        .arg("-o")
        .arg(output)
        .env("PATH", cmd::tool_path());
    run(&mut wasm_opt)
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
    trunk_release_widget()?;
    let root = cmd::root();
    let split = root.join("target/split");
    let site = split_wasm(&built_widget_wasm(&root.join("target")), &split, &[])?;
    // The authors' studio, into dist/studio/ (studio/Trunk.toml), after the
    // widget's build has cleaned dist/.
    trunk_release_studio()?;
    // The split widget in place of Trunk's wasm and glue, the JavaScript
    // minified for the support floor (renamed for its new content),
    // embed.js stamped with the content-hashed names of the glue, wasm and
    // CSS, index.html without comments.
    run(command("node", &["tools/minify.mjs", "dist"])
        .arg(&site)
        .current_dir(&root))?;
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
