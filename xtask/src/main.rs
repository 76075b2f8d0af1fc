//! `cargo xtask`: the project's one entry point for tasks.
//!
//! Each command installs what it needs when it is missing (at pinned
//! versions) and skips what is already there, so a fresh Debian machine with
//! only rustup/cargo and node/npm needs nothing else, and a second run starts
//! in seconds. Plain `std` only: the task runner must build fast.

mod audit;
mod bench;
mod bench_insights;
mod bench_load;
mod bench_speed;
mod bench_studio;
mod cmd;
mod engines;
mod fuzz;
mod layers;
mod postgres;
mod server;
mod tools;
mod tree;
mod widget;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  serve [--host H] [--port P]   build the release widget and serve it with the
                                speed-test endpoints (default 127.0.0.1:8080)
  test                          run every test layer: lint, native, insights
                                on PostgreSQL, browser (wasm-bindgen-test in
                                Chromium and Firefox),
                                end-to-end (Playwright), other engines
                                (WebKit and Firefox over WebDriver)
  test engines                  the other-engines layer alone
  test insights                 the insights suite on SQLite and PostgreSQL
  build                         build the release widget into dist/ and the
                                studio into dist/studio/
  bench size [--top N]          gzipped size of everything the page downloads
                                before the first step; --top: twiggy's N
                                largest functions and data of the wasm
  bench speed [--markdown] [--runs N] [--no-anchor] [--link DOWN[/UP]/RTT_MS]
                                download and upload accuracy, time and data on
                                kernel-shaped links against curl and
                                @cloudflare/speedtest (root)
  bench load                    the endpoint server under concurrent load
  bench insights [--seconds N] [--clients N] [--no-postgres]
                                the insights collector under load, on SQLite
                                and PostgreSQL: beacons/s, p50/p99, nothing
                                lost, memory
  bench studio [--edits N]      the studio's check in the browser on three
                                tree sizes, beside JSON.parse of the same text
  fuzz [--seconds N]            fuzz tree parsing, session state and trails
  audit axe                     axe-core on every step, 6 languages, 2 themes
  audit lighthouse              Lighthouse mobile scores of the served page
  tree check FILE               validate a tree JSON and print it as Mermaid
  tree paths FILE [--json]      per symptom: the steps a person sees, by screen
  tree schema [--check]         write (or check) core/tree.schema.json
  setup                         install every missing tool, then stop";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["serve", rest @ ..] => widget::serve(rest),
        ["test"] => layers::run_all(),
        ["test", "engines"] => layers::run_engines(),
        ["test", "insights"] => layers::run_insights(),
        ["build"] => widget::build_release().map(|_| ()),
        ["bench", "size", rest @ ..] => bench::size(rest),
        ["bench", "speed", rest @ ..] => bench_speed::run(rest),
        ["bench", "load", rest @ ..] => bench_load::run(rest),
        ["bench", "insights", rest @ ..] => bench_insights::run(rest),
        ["bench", "studio", rest @ ..] => bench_studio::run(rest),
        ["fuzz", rest @ ..] => fuzz::run(rest),
        ["audit", rest @ ..] => audit::run_audit(rest),
        ["tree", "check", file] => tree::check(file),
        ["tree", "paths", file] => tree::paths(file, false),
        ["tree", "paths", "--json", file] | ["tree", "paths", file, "--json"] => {
            tree::paths(file, true)
        }
        ["tree", "schema"] => tree::write_schema(),
        ["tree", "schema", "--check"] => tree::check_schema(),
        ["setup"] => tools::ensure_all(),
        ["help" | "--help" | "-h"] | [] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Errors of a task, as a message for the person who ran it.
pub type TaskResult<T = ()> = Result<T, String>;
