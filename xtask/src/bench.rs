//! `cargo xtask bench size`: what the browser downloads to show the first
//! step, gzipped and as the server sends it to a browser that accepts
//! Brotli (the build's `.br` copies), per file and in total (budget:
//! 200 KB gzipped), and beside it the wasm as the stable toolchain builds
//! it, in the same run.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{widget, TaskResult};

/// Budget from DESIGN.md, in bytes (gzipped, everything for the first step).
const FIRST_STEP_BUDGET: u64 = 200 * 1000;
/// What the phones issue asks for the same.
const FIRST_STEP_TARGET: u64 = 160 * 1000;

pub fn size() -> TaskResult {
    let dist = widget::build_release()?;
    // The default tree is compiled into the wasm, so these are all the
    // requests the standalone page makes before its first step shows.
    let mut files: Vec<String> = std::fs::read_dir(&dist)
        .map_err(|e| format!("cannot list {}: {e}", dist.display()))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n == "index.html"
                || n.ends_with(".js") && !n.starts_with("embed")
                || n.ends_with(".wasm")
                || n.ends_with(".css")
        })
        .collect();
    files.sort();
    println!(
        "{:<36} {:>10} {:>10} {:>10}",
        "file (standalone page)", "raw B", "gzip -9 B", "brotli B"
    );
    let (mut raw_total, mut gz_total, mut br_total) = (0, 0, 0);
    for name in &files {
        let bytes = std::fs::read(dist.join(name)).map_err(|e| e.to_string())?;
        let gz = gzip_len(&bytes)?;
        // What the server sends a browser that accepts Brotli.
        let br = std::fs::metadata(dist.join(format!("{name}.br")))
            .map(|m| m.len())
            .unwrap_or(gz);
        raw_total += bytes.len() as u64;
        gz_total += gz;
        br_total += br;
        println!("{name:<36} {:>10} {gz:>10} {br:>10}", bytes.len());
    }
    println!(
        "{:<36} {raw_total:>10} {gz_total:>10} {br_total:>10}",
        "total (English, the default)"
    );
    // Another language fetches its part of the built-in tree as well
    // (trees/default.LANG.json): the largest of them.
    let mut largest: Option<(String, usize, u64)> = None;
    for entry in std::fs::read_dir(dist.join("trees")).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !(name.starts_with("default.") && name.ends_with(".json") && name != "default.json") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let gz = gzip_len(&bytes)?;
        if largest.as_ref().is_none_or(|(_, _, g)| gz > *g) {
            largest = Some((name, bytes.len(), gz));
        }
    }
    let (name, raw, gz) = largest.ok_or("no trees/default.LANG.json in dist/")?;
    println!(
        "{:<36} {raw:>10} {gz:>10}",
        format!("+ trees/{name} (largest language)")
    );
    println!(
        "{:<36} {:>10} {:>10}",
        "total (that language)",
        raw_total + raw as u64,
        gz_total + gz
    );
    println!(
        "budget {FIRST_STEP_BUDGET} B gzipped: {:.0} % used; the phones issue's target \
         {FIRST_STEP_TARGET} B: {:.0} %",
        gz_total as f64 * 100.0 / FIRST_STEP_BUDGET as f64,
        gz_total as f64 * 100.0 / FIRST_STEP_TARGET as f64
    );
    stable_peer(&dist)
}

/// The same widget built as before the release toolchain (stable, its
/// prebuilt standard library), in this run: what `-Zbuild-std` saves.
fn stable_peer(dist: &std::path::Path) -> TaskResult {
    let peer = crate::cmd::root().join("target/bench-stable-dist");
    widget::build_stable_peer(&peer)?;
    let wasm_gz = |dir: &std::path::Path| -> TaskResult<u64> {
        let entry = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().ends_with("_bg.wasm"))
            .ok_or_else(|| format!("no wasm in {}", dir.display()))?;
        gzip_len(&std::fs::read(entry.path()).map_err(|e| e.to_string())?)
    };
    let (release, stable) = (wasm_gz(dist)?, wasm_gz(&peer)?);
    println!(
        "peer: the wasm built with the stable toolchain's prebuilt std: {stable} B gzipped; \
         -Zbuild-std saves {} B ({:.1} %)",
        stable as i64 - release as i64,
        (stable as f64 - release as f64) * 100.0 / stable as f64
    );
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> TaskResult<u64> {
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start gzip: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("gzip has no stdin")?;
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    writer
        .join()
        .map_err(|_| "gzip writer panicked".to_string())?
        .map_err(|e| e.to_string())?;
    Ok(out.stdout.len() as u64)
}
