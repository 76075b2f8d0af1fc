//! Replays recorded download traces through the estimator and prints what it
//! decided, to tune it against what a real browser hands over on a shaped
//! link (the simulated links of the tests are tidier than that).
//!
//! ```text
//! cargo run -p backup-doctor-core --example replay -- core/tests/fixtures/traces/*.json
//! cargo run -p backup-doctor-core --example replay -- --set='{"stableSpreadPct":2}' FILES
//! REPLAY_TICKS=1 cargo run -p backup-doctor-core --example replay -- FILE
//! ```
//!
//! `--set=JSON` overrides fields of the standard `EstimatorConfig`;
//! `REPLAY_TICKS` prints the estimate every 250 ms. Traces are recorded with
//! `e2e/bench/trace-download.mjs` (see `core/tests/fixtures/traces/README.md`).

// Shared with the tests; this tool uses only part of it.
#[allow(dead_code)]
#[path = "../tests/estimator_sim/trace.rs"]
mod trace;

use backup_doctor_core::speed::EstimatorConfig;
use trace::{replay, Trace};

fn main() {
    let mut config = EstimatorConfig::standard();
    let mut errors = Vec::new();
    println!("trace        stop       at ms  MB read  Mbit/s   truth  err %  ramp ms  spread %");
    for arg in std::env::args().skip(1) {
        if let Some(json) = arg.strip_prefix("--set=") {
            config = with_overrides(config, json);
            continue;
        }
        let trace = match Trace::load(arg.as_ref()) {
            Ok(trace) => trace,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        let ticks = std::env::var_os("REPLAY_TICKS").is_some();
        let truth = trace.truth_mbps();
        let run = replay(&trace, config, |t, estimate| {
            if let (true, Some(e), true) = (ticks, estimate, (t as u64).is_multiple_of(250)) {
                eprintln!(
                    "{t:>6.0} ms {:>8.3} Mbit/s {:>+6.1} % ramp {:>5.0} spread {:>5.1}",
                    e.mbps,
                    (e.mbps / truth - 1.0) * 100.0,
                    e.ramp_ms,
                    e.spread_pct
                );
            }
        });
        match run {
            Ok(run) => {
                let Some(e) = run.estimate else {
                    println!("{:<12} {:?} without an estimate", trace.name, run.stop);
                    continue;
                };
                let error = (e.mbps / truth - 1.0) * 100.0;
                errors.push(error.abs());
                println!(
                    "{:<12} {:<9} {:>6.0} {:>8.3} {:>7.3} {:>7.3} {:>+6.1} {:>8.0} {:>9.1}",
                    trace.name,
                    format!("{:?}", run.stop),
                    run.stop_ms,
                    run.bytes_total as f64 / 1e6,
                    e.mbps,
                    truth,
                    error,
                    e.ramp_ms,
                    e.spread_pct
                );
            }
            Err(e) => eprintln!("{e}"),
        }
    }
    errors.sort_by(f64::total_cmp);
    if let (Some(median), Some(worst)) = (errors.get(errors.len() / 2), errors.last()) {
        println!(
            "|error| median {median:.1} %, worst {worst:.1} % ({} traces)",
            errors.len()
        );
    }
}

fn with_overrides(config: EstimatorConfig, json: &str) -> EstimatorConfig {
    let mut value = serde_json::to_value(config).expect("the config as JSON");
    let overrides: serde_json::Value = serde_json::from_str(json).expect("--set= takes JSON");
    for (key, v) in overrides.as_object().expect("--set= takes a JSON object") {
        value[key] = v.clone();
    }
    serde_json::from_value(value).expect("--set= fields of EstimatorConfig")
}
