//! Installs the tools the build and the tests need, when they are missing.
//!
//! Versions are pinned here (trunk) or derived from the lockfiles
//! (wasm-bindgen-cli must equal Cargo.lock's wasm-bindgen; npm packages come
//! from committed package-lock.json files), so every machine builds alike.
//! Each check is cheap, so a second run skips straight to the work.

use std::path::Path;

use crate::cmd::{self, command, output, run};
use crate::TaskResult;

/// Trunk 0.22 needs a newer rustc than this machine has; 0.21.14 is verified.
pub const TRUNK_VERSION: &str = "0.21.14";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// WebKitGTK's driver and browser (Debian's webkit2gtk-driver), on a
/// virtual X display (xvfb).
pub const WEBKIT_DRIVER: &str = "/usr/bin/WebKitWebDriver";
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
pub const XVFB: &str = "/usr/bin/Xvfb";
/// Debian's Firefox ESR, driven by geckodriver from crates.io (the npm
/// package downloads a binary, which cannot be fetched here).
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
pub const GECKODRIVER_VERSION: &str = "0.37.1";
/// The toolchain of the release wasm (widget and studio) only: a pinned
/// nightly, for `-Zbuild-std` (the standard library rebuilt for size, with
/// panic locations and `Debug` formatting left out; see
/// `widget::RELEASE_WASM_ENV`). Everything else, the browser tests' wasm
/// included, builds with the stable toolchain.
pub const RELEASE_TOOLCHAIN: &str = "nightly-2026-05-20";
/// wasm-split-cli (crate `wasm_split_cli_support`), which splits the
/// release wasm at `src/chunks.rs`'s split points; it must read what
/// `wasm_split_helpers` (Cargo.lock) emits.
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
/// The wasm size profiler behind `cargo xtask bench size --top`, installed
/// by that command only.
pub const TWIGGY_VERSION: &str = "0.8.0";

/// Everything: what `serve` needs and what `test` needs.
pub fn ensure_all() -> TaskResult {
    ensure_build_tools()?;
    ensure_browser()?;
    ensure_engines()?;
    ensure_npm("e2e")
}

/// What a release build of the widget needs.
pub fn ensure_build_tools() -> TaskResult {
    ensure_wasm_target()?;
    ensure_release_toolchain()?;
    ensure_std_sources()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_split()?;
    ensure_npm("tools")
}

fn ensure_wasm_target() -> TaskResult {
    let installed =
        output(&mut command("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(&mut command("rustup", &["target", "add", WASM_TARGET]))
}

/// [`RELEASE_TOOLCHAIN`] with the standard library's source (for
/// `-Zbuild-std`) and the wasm target, installed by rustup when missing
/// (about 10 s; the minimal profile, no docs).
fn ensure_release_toolchain() -> TaskResult {
    let installed = output(&mut command(
        "rustup",
        &[
            "component",
            "list",
            "--installed",
            "--toolchain",
            RELEASE_TOOLCHAIN,
        ],
    ))
    .unwrap_or_default();
    let has = |component: &str| installed.lines().any(|l| l.trim().starts_with(component));
    if has("rust-src") && has(&format!("rust-std-{WASM_TARGET}")) {
        return Ok(());
    }
    eprintln!("installing the release toolchain {RELEASE_TOOLCHAIN} (about 10 s)");
    run(&mut command(
        "rustup",
        &[
            "toolchain",
            "install",
            RELEASE_TOOLCHAIN,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
            "--target",
            WASM_TARGET,
        ],
    ))
}

/// The crates the standard library depends on (its own Cargo.lock), in
/// cargo's cache: Trunk builds offline, and `-Zbuild-std` builds them.
fn ensure_std_sources() -> TaskResult {
    let sysroot = output(&mut command(
        "rustc",
        &[&format!("+{RELEASE_TOOLCHAIN}"), "--print", "sysroot"],
    ))
    .ok_or("rustc --print sysroot failed")?;
    let manifest = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    let fetch = |offline: bool| {
        let mut cargo = command("cargo", &[&format!("+{RELEASE_TOOLCHAIN}"), "fetch"]);
        cargo.arg("--manifest-path").arg(&manifest);
        if offline {
            cargo.arg("--offline");
        }
        cargo
    };
    if output(&mut fetch(true)).is_some() {
        return Ok(());
    }
    eprintln!("fetching the standard library's dependencies for -Zbuild-std");
    run(&mut fetch(false))
}

fn installed_version(program: &str) -> Option<String> {
    let mut c = command(program, &["--version"]);
    c.env("PATH", cmd::tool_path());
    // "trunk 0.21.14", "wasm-bindgen 0.2.130"
    output(&mut c)?.split_whitespace().nth(1).map(str::to_owned)
}

/// `cargo install --locked NAME --version VERSION` unless `NAME --version`
/// already says that version; `minutes` is what the person is told to expect.
fn ensure_crate_tool(name: &str, version: &str, minutes: &str) -> TaskResult {
    if installed_version(name).as_deref() == Some(version) {
        return Ok(());
    }
    eprintln!("installing {name} {version} (about {minutes} minutes on 2 cores)");
    run(&mut command(
        "cargo",
        &["install", "--locked", name, "--version", version],
    ))
}

/// wasm-split-cli prints no version: `cargo install --list` says which.
fn ensure_wasm_split() -> TaskResult {
    const CRATE: &str = "wasm_split_cli_support";
    let listed = output(&mut command("cargo", &["install", "--list"])).unwrap_or_default();
    let want = format!("{CRATE} v{WASM_SPLIT_VERSION}:");
    if listed.lines().any(|l| l == want) {
        return Ok(());
    }
    eprintln!("installing wasm-split-cli {WASM_SPLIT_VERSION} (about 3 minutes on 2 cores)");
    run(&mut command(
        "cargo",
        &[
            "install",
            "--locked",
            CRATE,
            "--version",
            WASM_SPLIT_VERSION,
            "--features",
            "build-binary",
        ],
    ))
}

fn ensure_trunk() -> TaskResult {
    ensure_crate_tool("trunk", TRUNK_VERSION, "6")
}

/// twiggy, for `bench size --top` only.
pub fn ensure_twiggy() -> TaskResult {
    ensure_crate_tool("twiggy", TWIGGY_VERSION, "7")
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must match it.
pub fn locked_wasm_bindgen() -> TaskResult<String> {
    let lock = std::fs::read_to_string(cmd::root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = ")) {
                return Ok(v.trim_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn ensure_wasm_bindgen() -> TaskResult {
    let want = locked_wasm_bindgen()?;
    if installed_version("wasm-bindgen").as_deref() == Some(want.as_str())
        && installed_version("wasm-bindgen-test-runner").as_deref() == Some(want.as_str())
    {
        return Ok(());
    }
    eprintln!("installing wasm-bindgen-cli {want} (about 2 minutes)");
    // Not --locked: the CLI's own lockfile names a crate version the
    // registry lacks.
    run(&mut command(
        "cargo",
        &["install", "wasm-bindgen-cli", "--version", &want],
    ))
}

/// `npm ci` in `dir` when its node_modules is missing or older than its lock.
pub fn ensure_npm(dir: &str) -> TaskResult {
    let root = cmd::root().join(dir);
    let stamp = root.join("node_modules/.package-lock.json");
    if newer_or_same(&stamp, &root.join("package-lock.json")) {
        return Ok(());
    }
    let mut c = command("npm", &["ci", "--no-audit", "--no-fund"]);
    c.current_dir(&root);
    run(&mut c)
}

fn newer_or_same(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(x), Some(y)) if x >= y)
}

/// Debian's Chromium and ChromeDriver: browsers that test tools download
/// themselves cannot be fetched on these machines.
pub fn ensure_browser() -> TaskResult {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// WebKit and Firefox with their WebDriver servers, for the other-engines
/// layer and the browser layer's Firefox run.
pub fn ensure_engines() -> TaskResult {
    if [WEBKIT_DRIVER, MINIBROWSER, XVFB, FIREFOX]
        .iter()
        .any(|p| !Path::new(p).exists())
    {
        apt_install(&["webkit2gtk-driver", "xvfb", "xauth", "firefox-esr"])?;
    }
    // "geckodriver 0.37.1 (...)"
    if installed_version("geckodriver").as_deref() == Some(GECKODRIVER_VERSION) {
        return Ok(());
    }
    eprintln!("installing geckodriver {GECKODRIVER_VERSION} (about 3 minutes on 2 cores)");
    run(&mut command(
        "cargo",
        &["install", "geckodriver", "--version", GECKODRIVER_VERSION],
    ))
}

/// `apt-get install -y PACKAGES` (through sudo unless root), after an
/// update of the package lists.
pub fn apt_install(packages: &[&str]) -> TaskResult {
    let as_root = output(&mut command("id", &["-u"])).is_some_and(|s| s.trim() == "0");
    let (program, prefix): (&str, &[&str]) = if as_root {
        ("apt-get", &[])
    } else {
        ("sudo", &["apt-get"])
    };
    let with = |args: &[&str]| {
        let mut all: Vec<&str> = prefix.to_vec();
        all.extend_from_slice(args);
        let mut c = command(program, &all);
        c.env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut with(&["update"]))?;
    let mut install = vec!["install", "-y"];
    install.extend_from_slice(packages);
    run(&mut with(&install))
}
