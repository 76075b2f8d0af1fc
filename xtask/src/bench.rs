//! `cargo xtask bench size`: what the browser downloads to show the first
//! step, gzipped and as the server sends it to a browser that accepts
//! Brotli (the build's `.br` copies), per file and in total (budget:
//! 200 KB gzipped), the heaviest other language's own files, and beside it
//! the wasm as the stable toolchain builds it, in the same run. The wasm
//! chunks the page fetches after its first step (`src/chunks.rs`) are
//! listed apart. `--top N` adds twiggy's list of the wasm's N largest
//! functions and data.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::cmd::command;
use crate::{widget, TaskResult};

/// Budget from DESIGN.md, in bytes (gzipped, everything for the first step).
const FIRST_STEP_BUDGET: u64 = 200 * 1000;
/// What the phones issue asks for the same.
const FIRST_STEP_TARGET: u64 = 160 * 1000;

/// `cargo xtask bench size [--top N]`.
pub fn size(args: &[&str]) -> TaskResult {
    let top = match args {
        [] => None,
        ["--top", n] => Some(
            n.parse::<usize>()
                .map_err(|_| format!("--top needs a number of items, not {n:?}"))?,
        ),
        _ => return Err("usage: cargo xtask bench size [--top N]".into()),
    };
    let dist = widget::build_release()?;
    // The default tree is compiled into the wasm, so these are all the
    // requests the standalone page makes before its first step shows; the
    // chunks come after it.
    let mut names: Vec<String> = std::fs::read_dir(&dist)
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
    names.sort();
    let (chunks, files): (Vec<String>, Vec<String>) =
        names.into_iter().partition(|n| n.starts_with("chunk-"));
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
    // Another language fetches its part of the built-in tree
    // (trees/default.LANG.json) and its words (words/LANG.json) as well:
    // the language with the most.
    let (lang, raw, gz) = heaviest_language(&dist)?;
    println!(
        "{:<36} {raw:>10} {gz:>10}",
        format!("+ trees/default.{lang}.json, words/{lang}.json")
    );
    // ... and reads them with the reader's chunk, before its first step.
    let (reader_raw, reader_gz) = reader_chunks(&dist)?;
    println!(
        "{:<36} {reader_raw:>10} {reader_gz:>10}",
        "+ the reader's chunks"
    );
    println!(
        "{:<36} {:>10} {:>10}",
        format!("total ({lang}, the heaviest language)"),
        raw_total + raw + reader_raw,
        gz_total + gz + reader_gz
    );
    println!(
        "budget {FIRST_STEP_BUDGET} B gzipped: {:.0} % used; the phones issue's target \
         {FIRST_STEP_TARGET} B: {:.0} %",
        gz_total as f64 * 100.0 / FIRST_STEP_BUDGET as f64,
        gz_total as f64 * 100.0 / FIRST_STEP_TARGET as f64
    );
    let mut chunks_gz = 0;
    println!(
        "{:<44} {:>10} {:>10}",
        "chunk (after the first step)", "raw B", "gzip -9 B"
    );
    for name in &chunks {
        let bytes = std::fs::read(dist.join(name)).map_err(|e| e.to_string())?;
        let gz = gzip_len(&bytes)?;
        chunks_gz += gz;
        println!("{name:<44} {:>10} {gz:>10}", bytes.len());
    }
    println!("{:<44} {:>10} {chunks_gz:>10}", "total of the chunks", "");
    stable_peer(&dist, chunks_gz)?;
    match top {
        Some(n) => largest_functions(n),
        None => Ok(()),
    }
}

/// The language whose own files (its part of the built-in tree and its
/// words) weigh most, gzipped: (code, raw bytes, gzipped bytes of both).
fn heaviest_language(dist: &Path) -> TaskResult<(String, u64, u64)> {
    let mut heaviest: Option<(String, u64, u64)> = None;
    for entry in std::fs::read_dir(dist.join("words")).map_err(|e| e.to_string())? {
        let name = entry.map_err(|e| e.to_string())?.file_name();
        let Some(lang) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
            continue;
        };
        let tree = std::fs::read(dist.join(format!("trees/default.{lang}.json")))
            .map_err(|e| format!("words/{lang}.json has no trees/default.{lang}.json: {e}"))?;
        let words =
            std::fs::read(dist.join(format!("words/{lang}.json"))).map_err(|e| e.to_string())?;
        let gz = gzip_len(&tree)? + gzip_len(&words)?;
        let raw = (tree.len() + words.len()) as u64;
        if heaviest.as_ref().is_none_or(|(_, _, most)| gz > *most) {
            heaviest = Some((lang.to_owned(), raw, gz));
        }
    }
    heaviest.ok_or_else(|| "no words/LANG.json in dist/".into())
}

/// The reader's chunk and the shared chunks it loads with it, as the
/// chunks' loader lists them (`target/split/site/__wasm_split.js`, before
/// `tools/split-wasm.mjs` named them `chunk-reader-HASH.wasm` and
/// `chunk-sharedN-HASH.wasm`): (raw bytes, gzipped bytes) in `dist`.
fn reader_chunks(dist: &Path) -> TaskResult<(u64, u64)> {
    let path = crate::cmd::root().join("target/split/site/__wasm_split.js");
    let loader = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let deps = loader
        .split_once("export const __wasm_split_load_reader")
        .and_then(|(_, rest)| rest.split_once("}\n, ["))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(deps, _)| deps)
        .ok_or("the chunks' loader has no reader with its dependencies")?;
    let mut prefixes = vec!["chunk-reader-".to_owned()];
    for dep in deps.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let n = dep
            .strip_prefix("__chunk_")
            .ok_or_else(|| format!("unexpected dependency {dep} of the reader"))?;
        prefixes.push(format!("chunk-shared{n}-"));
    }
    let (mut raw, mut gz) = (0, 0);
    for prefix in &prefixes {
        let entry = std::fs::read_dir(dist)
            .map_err(|e| e.to_string())?
            .filter_map(Result::ok)
            .find(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                // Not the build's .br and .gz copies beside it.
                name.starts_with(prefix.as_str()) && name.ends_with(".wasm")
            })
            .ok_or_else(|| format!("no {prefix}HASH.wasm in dist/"))?;
        let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
        raw += bytes.len() as u64;
        gz += gzip_len(&bytes)?;
    }
    Ok((raw, gz))
}

/// `--top N`: the N largest functions and data segments of the same main
/// wasm (what the first step needs; not the chunks), built again with its
/// names kept (`widget::build_named_wasm`), by twiggy;
/// the names themselves (a custom section the release wasm does not have)
/// are left out of the list and of the shares.
fn largest_functions(n: usize) -> TaskResult {
    let wasm = widget::build_named_wasm()?;
    let mut twiggy = command("twiggy", &["top", "--format", "csv"]);
    twiggy.arg(&wasm).env("PATH", crate::cmd::tool_path());
    let csv = crate::cmd::output(&mut twiggy).ok_or("twiggy top failed")?;
    let items: Vec<(u64, String)> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields = csv_fields(line);
            let size = fields.get(1)?.parse().ok()?;
            Some((size, fields.first()?.clone()))
        })
        .filter(|(_, name)| !name.ends_with("names\" subsection") && !name.starts_with("Σ"))
        .collect();
    let shipped: u64 = items.iter().map(|(size, _)| size).sum();
    println!(
        "largest items of the release main wasm ({shipped} B without its names; twiggy {}):",
        crate::tools::TWIGGY_VERSION
    );
    println!("{:>8} {:>6}  item", "raw B", "share");
    for (size, name) in items.iter().take(n) {
        println!(
            "{size:>8} {:>5.1}%  {}",
            *size as f64 * 100.0 / shipped as f64,
            without_crate_hashes(name)
        );
    }
    Ok(())
}

/// One line of twiggy's CSV: fields split at commas outside quotes, `""`
/// read as a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// `yew[630d943f89c3991]::html` as `yew::html`: the disambiguators rustc's
/// v0 mangling adds to every crate name (8 or more hex digits; `[f64]` is a
/// slice).
fn without_crate_hashes(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        match after[1..].find(']') {
            Some(close)
                if close >= 8 && after[1..=close].chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                rest = &after[close + 2..];
            }
            _ => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The same widget built as before the release toolchain and the split
/// (stable, its prebuilt standard library, one wasm), in this run: what
/// `-Zbuild-std` saves on the whole, and what the first load leaves out.
fn stable_peer(dist: &Path, chunks_gz: u64) -> TaskResult {
    let peer = crate::cmd::root().join("target/bench-stable-dist");
    widget::build_stable_peer(&peer)?;
    let wasm_gz = |dir: &Path| -> TaskResult<u64> {
        let entry = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().ends_with("_bg.wasm"))
            .ok_or_else(|| format!("no wasm in {}", dir.display()))?;
        gzip_len(&std::fs::read(entry.path()).map_err(|e| e.to_string())?)
    };
    let (main, stable) = (wasm_gz(dist)?, wasm_gz(&peer)?);
    let whole = main + chunks_gz;
    println!(
        "peer: one wasm, stable toolchain, prebuilt std: {stable} B gzipped; the release wasm \
         and its chunks: {whole} B ({:.1} % less); before the first step: {main} B ({:.1} % of the peer)",
        (stable as f64 - whole as f64) * 100.0 / stable as f64,
        main as f64 * 100.0 / stable as f64
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twiggy_csv_lines_split_at_unquoted_commas() {
        assert_eq!(
            csv_fields(r#""data segment "".rodata.1""",47708,5.1,,"#),
            ["data segment \".rodata.1\"", "47708", "5.1", "", ""]
        );
        assert_eq!(csv_fields("a::b<c, d>,12"), ["a::b<c", " d>", "12"]);
        assert_eq!(csv_fields(r#""a::b<c, d>",12"#), ["a::b<c, d>", "12"]);
    }

    #[test]
    fn crate_disambiguators_are_dropped_and_other_brackets_kept() {
        assert_eq!(
            without_crate_hashes(
                "<yew[630d943f89c3991]::X as core[3325c360d2084197]::fmt::Display>::fmt"
            ),
            "<yew::X as core::fmt::Display>::fmt"
        );
        assert_eq!(
            without_crate_hashes("<[f64]>::sort [abc] []"),
            "<[f64]>::sort [abc] []"
        );
    }
}
