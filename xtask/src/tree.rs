//! Author commands: check a tree file (every problem at once) and print it
//! as a Mermaid flowchart; print what a person sees per symptom (the path
//! report); write or check the committed JSON Schema.

use backup_doctor_core::tree::paths::{PathReport, SymptomPath};
use backup_doctor_core::tree::{json_schema, mermaid, Risk, Tree, ValidTree};

use crate::cmd;
use crate::TaskResult;

/// Where the schema generated from the Rust types is committed.
const SCHEMA_PATH: &str = "core/tree.schema.json";

/// `cargo xtask tree check FILE`.
pub fn check(file: &str) -> TaskResult {
    let json = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    match Tree::from_json(&json) {
        Ok(tree) => {
            for warning in tree.warnings() {
                eprintln!("warning: {warning}");
            }
            let results = tree.run_path_tests();
            for result in &results {
                match &result.failure {
                    None => eprintln!("path test passed: {}", result.name),
                    Some(failure) => eprintln!(
                        "path test FAILED: {} (/tests/{}): {failure}",
                        result.name, result.index
                    ),
                }
            }
            let failed = results.iter().filter(|r| r.failure.is_some()).count();
            if failed > 0 {
                return Err(format!(
                    "{file}: {failed} of {} path tests failed",
                    results.len()
                ));
            }
            eprintln!(
                "{file}: valid ({} nodes, {} warnings, {} path tests passed). Mermaid:",
                tree.tree().nodes.len(),
                tree.warnings().len(),
                results.len()
            );
            println!("{}", mermaid::to_mermaid(&tree, "en"));
            Ok(())
        }
        Err(errors) => Err(format!("{file}: {errors}")),
    }
}

fn read_valid(file: &str) -> TaskResult<ValidTree> {
    let json = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    Tree::from_json(&json).map_err(|errors| format!("{file}: {errors}"))
}

/// `cargo xtask tree paths FILE [--json]`: for each symptom answer, the
/// steps in order with their screen, and the longest chain.
pub fn paths(file: &str, json: bool) -> TaskResult {
    let report = PathReport::new(&read_valid(file)?);
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", paths_markdown(&report));
    }
    Ok(())
}

/// The report for `tree` as JSON, for the end-to-end tests (shortest trails).
pub fn paths_json(tree: &ValidTree) -> TaskResult<String> {
    serde_json::to_string(&PathReport::new(tree)).map_err(|e| e.to_string())
}

/// The path report as a Markdown table (the README's).
pub fn paths_markdown(report: &PathReport) -> String {
    let mut out = String::from(
        "| answers | first check | screens | steps in order (screen) | outcome |\n\
         | --- | --- | --: | --- | --- |\n",
    );
    for row in &report.symptoms {
        out.push_str(&row_markdown(row));
    }
    let longest: Vec<&str> = report.longest.iter().map(|n| n.as_str()).collect();
    out.push_str(&format!(
        "\nLongest chain: {} screens before its outcome ({}).\n\
         Screen 1 is the start; each fix answered \"No, still stuck\", each connection test \
         without a route (a route adds its step); `!` can lose chats, `*` is the safety check, \
         `$` may cost money, `~` loses settings; `(=x)` shows the texts of step x.\n",
        report.longest_screens(),
        longest.join(" → ")
    ));
    out
}

fn row_markdown(row: &SymptomPath) -> String {
    let steps: Vec<String> = row
        .steps
        .iter()
        .map(|s| {
            let mark = match (s.risk, s.safety_check) {
                (_, true) => "*",
                (Some(Risk::Chats), _) => "!",
                (Some(Risk::Money), _) => "$",
                (Some(Risk::Settings), _) => "~",
                (None, false) => "",
            };
            let copy = s
                .copy_of
                .as_ref()
                .map(|o| format!(" (={o})"))
                .unwrap_or_default();
            format!("{} {}{mark}{copy}", s.screen, s.node)
        })
        .collect();
    let first = row
        .steps
        .first()
        .map(|s| format!("{}: {}", s.screen, s.title))
        .unwrap_or_default();
    let screens = row.steps.last().map_or(0, |s| s.screen);
    let outcome = row.outcome.as_ref().map_or("(loops)", |o| o.as_str());
    format!(
        "| {} | {first} | {screens} | {} | {outcome} |\n",
        row.label().replace('|', "\\|"),
        steps.join(" · ")
    )
}

fn schema_text() -> TaskResult<String> {
    serde_json::to_string_pretty(&json_schema())
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// `cargo xtask tree schema`.
pub fn write_schema() -> TaskResult {
    let path = cmd::root().join(SCHEMA_PATH);
    std::fs::write(&path, schema_text()?)
        .map_err(|e| format!("cannot write {SCHEMA_PATH}: {e}"))?;
    println!("wrote {SCHEMA_PATH}");
    Ok(())
}

/// `cargo xtask tree schema --check`: fails when the committed schema is
/// not what the Rust types generate.
pub fn check_schema() -> TaskResult {
    let committed = std::fs::read_to_string(cmd::root().join(SCHEMA_PATH)).unwrap_or_default();
    if committed == schema_text()? {
        println!("{SCHEMA_PATH} is current");
        Ok(())
    } else {
        Err(format!(
            "{SCHEMA_PATH} is out of date: run `cargo xtask tree schema`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schema_matches_the_rust_types() {
        assert_eq!(check_schema(), Ok(()));
    }

    #[test]
    fn the_path_table_lists_every_symptom_row_and_the_longest_chain() {
        let tree = read_valid(
            &cmd::root()
                .join("core/trees/default.json")
                .to_string_lossy(),
        )
        .expect("the default tree is valid");
        let report = PathReport::new(&tree);
        let table = paths_markdown(&report);
        assert_eq!(
            table.lines().filter(|l| l.starts_with("| ")).count(),
            report.symptoms.len() + 2,
            "{table}"
        );
        assert!(table.contains("android-key-check*"), "{table}");
        assert!(table.contains(&format!(
            "Longest chain: {} screens",
            report.longest_screens()
        )));
    }

    #[test]
    fn default_tree_checks_clean() {
        let file = cmd::root().join("core/trees/default.json");
        assert_eq!(check(&file.to_string_lossy()), Ok(()));
    }

    #[test]
    fn a_broken_tree_fails_with_its_problems() {
        let dir = std::env::temp_dir().join(format!("xtask-tree-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("broken.json");
        std::fs::write(&file, r#"{"format": 1, "id": "x", "revision": "1", "langs": ["en"], "start": "nope", "nodes": []}"#).unwrap();
        let err = check(&file.to_string_lossy()).unwrap_err();
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn a_failing_path_test_fails_the_check() {
        let dir = std::env::temp_dir().join(format!("xtask-tree-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("walks.json");
        std::fs::write(
            &file,
            r#"{"format": 2, "id": "x", "revision": "1", "langs": ["en"], "start": "q", "nodes": [
              {"id": "q", "type": "question", "title": {"en": "Q"}, "answers": [{"label": {"en": "A"}, "next": "end"}]},
              {"id": "end", "type": "outcome", "outcome": "resolved", "title": {"en": "Done"}}],
              "tests": [{"name": "good", "answers": ["A"], "reaches": "end"},
                        {"name": "bad", "answers": ["B"], "reaches": "end"}]}"#,
        )
        .unwrap();
        let err = check(&file.to_string_lossy()).unwrap_err();
        assert!(err.contains("1 of 2 path tests failed"), "{err}");
    }
}
