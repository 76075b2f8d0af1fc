//! `cargo xtask fuzz [--seconds N]`: runs the core's proptest fuzz targets
//! (`core/tests/fuzz_*.rs`) for a bounded time each and prints a table of
//! cases executed and failures per target.
//!
//! Each target is an ordinary integration test; a plain `cargo test` runs
//! it with 256 cases per property. Here it runs optimised, with
//! `PROPTEST_CASES` set very high and `FUZZ_SECONDS` set to the budget, so
//! every property keeps generating cases until the target's time is up
//! (see `core/tests/fuzz_support`). All properties of a target run at once,
//! sharing its time. The build is `--release` with overflow checks and
//! debug assertions switched on (an overflow is a finding, not a wrap) and
//! without the widget's size-oriented LTO, which would only slow the build.

use std::collections::BTreeMap;

use crate::{cmd, TaskResult};

/// The fuzz targets, one per untrusted input.
const TARGETS: &[&str] = &[
    "fuzz_tree_json",
    "fuzz_rich_text",
    "fuzz_trail",
    "fuzz_saved_state",
    "fuzz_config",
];

const DEFAULT_SECONDS: u64 = 30;

/// `PROPTEST_CASES` under fuzzing: a cap no budget reaches.
const CASE_CAP: &str = "1000000000";

/// Profile overrides for the fuzz build (see the module doc).
const PROFILE: &[(&str, &str)] = &[
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3"),
    ("CARGO_PROFILE_RELEASE_LTO", "false"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
    ("CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS", "true"),
    ("CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS", "true"),
];

/// What one target did.
#[derive(Debug, Default, PartialEq)]
struct TargetResult {
    properties: usize,
    cases: u64,
    failures: u64,
    seconds: f64,
}

pub fn run(args: &[&str]) -> TaskResult {
    let seconds = parse_args(args)?;
    let mut base = vec!["test", "--release", "-p", "backup-doctor-core"];
    for target in TARGETS {
        base.extend(["--test", target]);
    }
    let mut build = cmd::command("cargo", &[base.as_slice(), &["--no-run"]].concat());
    build.envs(PROFILE.iter().copied());
    cmd::run(&mut build)?;

    let mut results = Vec::new();
    for target in TARGETS {
        eprintln!("\nfuzzing {target} for {seconds} s");
        let started = std::time::Instant::now();
        let mut c = cmd::command(
            "cargo",
            &[
                "test",
                "--release",
                "-p",
                "backup-doctor-core",
                "--test",
                target,
                "--",
                "--nocapture",
                "--test-threads=64",
            ],
        );
        c.envs(PROFILE.iter().copied())
            .env("PROPTEST_CASES", CASE_CAP)
            .env("FUZZ_SECONDS", seconds.to_string());
        let (ok, output) = cmd::run_tee(&mut c)?;
        let mut result = parse_results(target, &output);
        result.seconds = started.elapsed().as_secs_f64();
        if !ok && result.failures == 0 {
            // A crash or a failing regression test: no property said so.
            result.failures = 1;
        }
        results.push((*target, result));
    }
    println!("\n{}", table(&results));
    let failed: u64 = results.iter().map(|(_, r)| r.failures).sum();
    if failed > 0 {
        Err(format!("{failed} fuzz failure(s); see the output above"))
    } else {
        Ok(())
    }
}

fn parse_args(args: &[&str]) -> TaskResult<u64> {
    match args {
        [] => Ok(DEFAULT_SECONDS),
        ["--seconds", n] => n
            .parse()
            .ok()
            .filter(|&n: &u64| n > 0)
            .ok_or_else(|| format!("--seconds needs a positive whole number, not \"{n}\"")),
        _ => Err("usage: cargo xtask fuzz [--seconds N]  (N per target)".into()),
    }
}

/// Adds up the `fuzz-result <target> <property> cases=N failures=F` lines
/// the harness prints for `target`.
fn parse_results(target: &str, output: &str) -> TargetResult {
    let mut properties: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for line in output.lines() {
        // With --nocapture a line may start with libtest's "test name ... ".
        let Some(at) = line.find("fuzz-result ") else {
            continue;
        };
        let mut words = line[at..].split_whitespace();
        if words.next() != Some("fuzz-result") || words.next() != Some(target) {
            continue;
        }
        let Some(property) = words.next() else {
            continue;
        };
        let mut cases = 0;
        let mut failures = 0;
        for word in words {
            if let Some(n) = word.strip_prefix("cases=") {
                cases = n.parse().unwrap_or(0);
            } else if let Some(n) = word.strip_prefix("failures=") {
                failures = n.parse().unwrap_or(0);
            }
        }
        let entry = properties.entry(property).or_default();
        entry.0 += cases;
        entry.1 += failures;
    }
    TargetResult {
        properties: properties.len(),
        cases: properties.values().map(|p| p.0).sum(),
        failures: properties.values().map(|p| p.1).sum(),
        seconds: 0.0,
    }
}

fn table(results: &[(&str, TargetResult)]) -> String {
    let mut lines = vec![
        "| target | properties | cases executed | failures | seconds |".to_owned(),
        "| --- | ---: | ---: | ---: | ---: |".to_owned(),
    ];
    for (target, r) in results {
        lines.push(format!(
            "| {target} | {} | {} | {} | {:.0} |",
            r.properties, r.cases, r.failures, r.seconds
        ));
    }
    let cases: u64 = results.iter().map(|(_, r)| r.cases).sum();
    let failures: u64 = results.iter().map(|(_, r)| r.failures).sum();
    lines.push(format!("| **total** | | {cases} | {failures} | |"));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_added_up_per_target() {
        let output = "\
running 3 tests
fuzz-result fuzz_trail any_string cases=1200 failures=0
fuzz-result fuzz_config any_pairs cases=99 failures=0
test any_string ... fuzz-result fuzz_trail walk_round_trip cases=300 failures=1
test result: FAILED. 2 passed; 1 failed";
        let result = parse_results("fuzz_trail", output);
        assert_eq!(
            result,
            TargetResult {
                properties: 2,
                cases: 1500,
                failures: 1,
                seconds: 0.0
            }
        );
        assert_eq!(parse_results("fuzz_tree_json", output).properties, 0);
    }

    #[test]
    fn seconds_must_be_a_positive_number() {
        assert_eq!(parse_args(&[]), Ok(DEFAULT_SECONDS));
        assert_eq!(parse_args(&["--seconds", "120"]), Ok(120));
        assert!(parse_args(&["--seconds", "0"]).is_err());
        assert!(parse_args(&["--seconds", "soon"]).is_err());
        assert!(parse_args(&["--minutes", "2"]).is_err());
    }
}
