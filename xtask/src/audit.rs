//! `cargo xtask audit axe|lighthouse`: the accessibility audits, on the
//! release build served as people get it.
//!
//! `axe` runs the e2e accessibility file alone (axe-core over every node of
//! the default tree, in every language and both themes). `lighthouse` runs
//! Lighthouse's mobile audit in Debian's Chromium and prints the category
//! scores; it lives in `audit/` so that the test command does not install it.

use crate::cmd::{self, command, run};
use crate::server::ServerProcess;
use crate::{tools, widget, TaskResult};

pub fn run_audit(args: &[&str]) -> TaskResult {
    match args {
        ["axe"] => axe(),
        ["lighthouse"] => lighthouse(),
        _ => Err("usage: cargo xtask audit axe|lighthouse".into()),
    }
}

fn axe() -> TaskResult {
    tools::ensure_all()?;
    widget::build_release()?;
    let server = ServerProcess::start(&["--port", "0"])?;
    let mut c = command(
        "node",
        &["--test", "--test-reporter=spec", "accessibility.test.mjs"],
    );
    c.current_dir(cmd::root().join("e2e"))
        .env("BASE_URL", &server.url)
        .env("CHROMIUM", tools::CHROMIUM);
    run(&mut c)
}

/// The categories the README reports.
const CATEGORIES: [&str; 3] = ["accessibility", "performance", "best-practices"];

fn lighthouse() -> TaskResult {
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    tools::ensure_npm("audit")?;
    widget::build_release()?;
    let server = ServerProcess::start(&["--port", "0"])?;
    let report = cmd::root().join("target/lighthouse.json");
    let output_path = format!("--output-path={}", report.display());
    let only = format!("--only-categories={}", CATEGORIES.join(","));
    let mut c = command(
        "node",
        &[
            "audit/node_modules/lighthouse/cli/index.js",
            &server.url,
            &only,
            "--form-factor=mobile",
            "--output=json",
            &output_path,
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        ],
    );
    c.env("CHROME_PATH", tools::CHROMIUM);
    run(&mut c)?;
    let text =
        std::fs::read_to_string(&report).map_err(|e| format!("no Lighthouse report: {e}"))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    println!(
        "\nLighthouse {} (mobile) on {}",
        json["lighthouseVersion"].as_str().unwrap_or("?"),
        server.url
    );
    println!("{:<16} {:>5}", "category", "score");
    for name in CATEGORIES {
        let score = json["categories"][name]["score"]
            .as_f64()
            .map(|s| (s * 100.0).round());
        println!(
            "{name:<16} {:>5}",
            score.map_or("-".into(), |s| s.to_string())
        );
    }
    for audit in [
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
    ] {
        if let Some(v) = json["audits"][audit]["displayValue"].as_str() {
            println!("{audit:<26} {v}");
        }
    }
    Ok(())
}
