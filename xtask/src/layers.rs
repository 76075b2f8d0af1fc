//! `cargo xtask test`: every test layer, in order, with a count per layer.
//!
//! Layers run even when an earlier one fails, so one run shows every
//! failure; the command fails if any layer failed or ran zero tests.

use std::process::Command;

use crate::cmd::{self, command, run_tee};
use crate::server::ServerProcess;
use crate::{engines, postgres, tools, tree, widget, TaskResult};

/// What one layer did.
struct LayerReport {
    name: &'static str,
    passed: u64,
    failed: u64,
    ok: bool,
}

pub fn run_all() -> TaskResult {
    tools::ensure_all()?;
    let mut reports = vec![
        lint()?,
        native()?,
        insights_on_postgres()?,
        browser_in(Browser::Chromium)?,
    ];
    reports.push(browser_in(Browser::Firefox)?);
    reports.extend(end_to_end(EndToEnd::All)?);
    summarize(&reports)
}

/// `cargo xtask test engines`: the other-engines layer alone (after a
/// release build), for work on WebKit or Firefox.
pub fn run_engines() -> TaskResult {
    tools::ensure_all()?;
    let reports = end_to_end(EndToEnd::OtherEngines)?;
    summarize(&reports)
}

/// `cargo xtask test insights`: the insights suite on SQLite and on a
/// PostgreSQL set up here, for work on the collector.
pub fn run_insights() -> TaskResult {
    let mut sqlite = native_cargo("test", &["--all-features", "--test", "insights"]);
    sqlite.env_remove("BACKUP_DOCTOR_TEST_POSTGRES");
    let reports = [
        cargo_test_layer("insights on SQLite", &mut sqlite)?,
        insights_on_postgres()?,
    ];
    summarize(&reports)
}

fn summarize(reports: &[LayerReport]) -> TaskResult {
    println!("\n{:<36} {:>7} {:>7}  result", "layer", "passed", "failed");
    for r in reports {
        let verdict = if r.ok { "ok" } else { "FAILED" };
        println!("{:<36} {:>7} {:>7}  {verdict}", r.name, r.passed, r.failed);
    }
    let failed: Vec<&str> = reports.iter().filter(|r| !r.ok).map(|r| r.name).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed layers: {}", failed.join(", ")))
    }
}

/// The crates that build and test natively (the widget only targets wasm).
const NATIVE_PACKAGES: [&str; 6] = [
    "--package",
    "backup-doctor-core",
    "--package",
    "backup-doctor-server",
    "--package",
    "xtask",
];

/// `cargo SUBCOMMAND <native packages> EXTRA...`.
fn native_cargo(subcommand: &str, extra: &[&str]) -> Command {
    let mut args = vec![subcommand];
    args.extend(NATIVE_PACKAGES);
    args.extend_from_slice(extra);
    command("cargo", &args)
}

fn lint() -> TaskResult<LayerReport> {
    let steps = [
        command("cargo", &["fmt", "--all", "--", "--check"]),
        native_cargo(
            "clippy",
            &["--all-targets", "--all-features", "--", "-D", "warnings"],
        ),
        command(
            "cargo",
            &[
                "clippy",
                "--package",
                "backup-doctor",
                "--package",
                "backup-doctor-studio",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                // The widget's `split` (src/chunks.rs's split points) too.
                "--all-features",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ];
    let mut report = LayerReport {
        name: "lint (fmt, clippy)",
        passed: 0,
        failed: 0,
        ok: true,
    };
    for mut step in steps {
        let (ok, _) = run_tee(&mut step)?;
        if ok {
            report.passed += 1;
        } else {
            report.failed += 1;
            report.ok = false;
        }
    }
    Ok(report)
}

fn native() -> TaskResult<LayerReport> {
    let mut c = native_cargo("test", &["--all-features"]);
    cargo_test_layer("native (core, server, xtask)", &mut c)
}

/// The insights suite again, on a PostgreSQL database set up here (the
/// native layer ran it on SQLite alone). Same packages and features as the
/// native layer, so nothing is rebuilt.
fn insights_on_postgres() -> TaskResult<LayerReport> {
    const NAME: &str = "insights on PostgreSQL";
    let url = match postgres::fresh_database("backup_doctor_test") {
        Ok(url) => url,
        Err(e) => {
            eprintln!("xtask: cannot set up PostgreSQL for the insights tests: {e}");
            return Ok(LayerReport {
                name: NAME,
                passed: 0,
                failed: 1,
                ok: false,
            });
        }
    };
    let mut c = native_cargo("test", &["--all-features", "--test", "insights"]);
    c.env("BACKUP_DOCTOR_TEST_POSTGRES", url);
    cargo_test_layer(NAME, &mut c)
}

/// Where wasm-bindgen-test runs the widget's tests.
#[derive(Clone, Copy)]
enum Browser {
    Chromium,
    /// Firefox ESR (webdriver.json names its binary).
    Firefox,
}

fn browser_in(browser: Browser) -> TaskResult<LayerReport> {
    let mut c = command(
        "cargo",
        &[
            "test",
            "--package",
            "backup-doctor",
            "--target",
            "wasm32-unknown-unknown",
        ],
    );
    c.env("PATH", cmd::tool_path())
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60");
    let name = match browser {
        Browser::Chromium => {
            c.env("CHROMEDRIVER", tools::CHROMEDRIVER);
            "browser (wasm-bindgen-test, Chromium)"
        }
        Browser::Firefox => {
            c.env("GECKODRIVER", "geckodriver");
            "browser (wasm-bindgen-test, Firefox)"
        }
    };
    cargo_test_layer(name, &mut c)
}

fn cargo_test_layer(name: &'static str, c: &mut Command) -> TaskResult<LayerReport> {
    let (ok, out) = run_tee(c)?;
    let (passed, failed) = count_cargo_results(&out);
    Ok(LayerReport {
        name,
        passed,
        failed,
        ok: ok && failed == 0 && passed > 0,
    })
}

/// Sums `test result: ok. 12 passed; 0 failed; ...` lines.
fn count_cargo_results(out: &str) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    for line in out
        .lines()
        .filter(|l| l.trim_start().starts_with("test result:"))
    {
        passed += number_before(line, " passed");
        failed += number_before(line, " failed");
    }
    (passed, failed)
}

fn number_before(line: &str, word: &str) -> u64 {
    line.find(word)
        .and_then(|end| line[..end].rsplit([' ', ';', '.']).next()?.parse().ok())
        .unwrap_or(0)
}

/// Which end-to-end layers to run.
#[derive(Clone, Copy, PartialEq)]
enum EndToEnd {
    All,
    OtherEngines,
}

/// Playwright in Chromium, then the other engines over WebDriver, against
/// one server.
fn end_to_end(which: EndToEnd) -> TaskResult<Vec<LayerReport>> {
    widget::build_release()?;
    let server = ServerProcess::start(&["--port", "0", "--stats", "--faults"])?;
    let dir = cmd::root().join("e2e");
    // The tests open steps by their trails, which the core computes: one
    // definition of the tree's walks, not a copy of it in JavaScript.
    let paths = tree_paths_file()?;
    let node_tests = |name: &'static str, files: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["--test", "--test-reporter=spec"];
        args.extend(files);
        let mut c = command("node", &args);
        c.current_dir(&dir)
            .env("BASE_URL", &server.url)
            .env("CHROMIUM", tools::CHROMIUM)
            .env("TREE_PATHS", &paths)
            .envs(env.iter().copied());
        let (ok, out) = run_tee(&mut c)?;
        let (passed, failed) = count_node_results(&out);
        TaskResult::Ok(LayerReport {
            name,
            passed,
            failed,
            ok: ok && failed == 0 && passed > 0,
        })
    };
    let mut reports = Vec::new();
    if which == EndToEnd::All {
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list e2e/: {e}"))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".test.mjs"))
            .collect();
        files.sort();
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        reports.push(node_tests("end-to-end (Playwright)", &files, &[])?);
    }
    let drivers = engines::Drivers::start()?;
    let engines = drivers.engines.to_string();
    reports.push(node_tests(
        "other engines (WebKit, Firefox)",
        &["engines/engines.test.mjs"],
        &[("ENGINES", &engines)],
    )?);
    drop(drivers);
    drop(server);
    Ok(reports)
}

/// Writes the default tree's path report (with the trail to every node) to
/// `target/e2e/default-tree-paths.json` and returns its path.
pub(crate) fn tree_paths_file() -> TaskResult<std::path::PathBuf> {
    let source = cmd::root().join("core/trees/default.json");
    let json = std::fs::read_to_string(&source)
        .map_err(|e| format!("cannot read the default tree: {e}"))?;
    let tree = backup_doctor_core::tree::Tree::from_json(&json).map_err(|e| e.to_string())?;
    let dir = cmd::root().join("target/e2e");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("default-tree-paths.json");
    std::fs::write(&path, tree::paths_json(&tree)?)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Reads node's spec reporter summary: `ℹ pass 7`, `ℹ fail 0`.
fn count_node_results(out: &str) -> (u64, u64) {
    let find = |key: &str| {
        out.lines()
            .filter_map(|l| l.trim_start_matches(['ℹ', ' ', '#']).strip_prefix(key))
            .filter_map(|rest| rest.trim().parse::<u64>().ok())
            .next_back()
            .unwrap_or(0)
    };
    (find("pass "), find("fail "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_every_cargo_test_binary() {
        let out = "running 3 tests\n\
                   test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured\n\
                   test result: FAILED. 10 passed; 2 failed; 1 ignored\n";
        assert_eq!(count_cargo_results(out), (13, 2));
    }

    #[test]
    fn reads_node_spec_summary() {
        let out = "✔ loads (120ms)\nℹ tests 5\nℹ suites 0\nℹ pass 4\nℹ fail 1\n";
        assert_eq!(count_node_results(out), (4, 1));
    }

    #[test]
    fn no_summary_counts_zero() {
        assert_eq!(count_node_results("crashed before tests"), (0, 0));
        assert_eq!(count_cargo_results("error: could not compile"), (0, 0));
    }
}
