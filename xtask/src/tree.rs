//! Author commands: check a tree file (every problem at once) and print it
//! as a Mermaid flowchart; write or check the committed JSON Schema.

use backup_doctor_core::tree::{json_schema, mermaid, Tree};

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
            eprintln!(
                "{file}: valid ({} nodes, {} warnings). Mermaid:",
                tree.tree().nodes.len(),
                tree.warnings().len()
            );
            println!("{}", mermaid::to_mermaid(&tree, "en"));
            Ok(())
        }
        Err(errors) => Err(format!("{file}: {errors}")),
    }
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
}
