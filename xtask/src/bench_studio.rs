//! `cargo xtask bench studio [--edits N]`: how long the studio's check of
//! a tree takes in the browser (Chromium), on three sizes of tree, beside
//! the browser's own `JSON.parse` of the same text in the same page (the
//! peer: what merely reading the file costs on this machine at that moment).
//! The page measures each check itself; `e2e/bench/studio-check.mjs` edits
//! the text and reads the figures.

use std::process::Stdio;

use serde_json::Value;

use crate::cmd::{self, command};
use crate::server::ServerProcess;
use crate::{tools, widget, TaskResult};

pub fn run(args: &[&str]) -> TaskResult {
    let edits = match args {
        [] => "15",
        ["--edits", n] if n.parse::<u32>().is_ok_and(|n| n > 0) => n,
        _ => return Err("usage: cargo xtask bench studio [--edits N]".to_owned()),
    };
    widget::build_release()?;
    let server = ServerProcess::start(&["--port", "0"])?;
    let out = command(
        "node",
        &[
            "bench/studio-check.mjs",
            "--base",
            &server.url,
            "--edits",
            edits,
        ],
    )
    .current_dir(cmd::root().join("e2e"))
    .env("CHROMIUM", tools::CHROMIUM)
    .stderr(Stdio::inherit())
    .output()
    .map_err(|e| format!("could not start node: {e}"))?;
    drop(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let result: Value = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| {
            format!(
                "the studio benchmark printed no result ({}): {stdout}",
                out.status
            )
        })?;
    print!("{}", table(&result));
    Ok(())
}

fn table(result: &Value) -> String {
    let ms = |row: &Value, key: &str| row[key].as_f64().unwrap_or(f64::NAN);
    let mut out = format!(
        "\nStudio check in Chromium, {} edits per tree (median, p90 in ms; \
         JSON.parse: the browser reading the same text)\n\n\
         | tree | bytes | steps | validation | whole check | JSON.parse | validation / JSON.parse |\n\
         | --- | --: | --: | --: | --: | --: | --: |\n",
        result["edits"]
    );
    for row in result["rows"].as_array().into_iter().flatten() {
        let parse = ms(row, "parseMedian");
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} ({:.1}) | {:.1} ({:.1}) | {:.1} | {:.0}× |\n",
            row["name"].as_str().unwrap_or("?"),
            row["bytes"],
            row["nodes"],
            ms(row, "validateMedian"),
            ms(row, "validateP90"),
            ms(row, "totalMedian"),
            ms(row, "totalP90"),
            parse,
            ms(row, "validateMedian") / parse.max(0.1),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_per_tree_with_the_ratio_to_the_peer() {
        let result = serde_json::json!({"edits": 3, "rows": [
            {"name": "a", "bytes": 10, "nodes": 2, "validateMedian": 4.0, "validateP90": 5.0,
             "totalMedian": 8.0, "totalP90": 9.0, "parseMedian": 0.5}]});
        let table = table(&result);
        assert!(
            table.contains("| a | 10 | 2 | 4.0 (5.0) | 8.0 (9.0) | 0.5 | 8× |"),
            "{table}"
        );
    }
}
