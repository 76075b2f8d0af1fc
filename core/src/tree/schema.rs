//! The JSON Schema of the tree format, generated from the model types so it
//! can never drift from what the core reads; editors use it to autocomplete
//! and flag typos while an author writes a tree.
//!
//! The schema checks shape only; the rules (references, reachability,
//! translations) need [`super::Tree::from_json`].

use serde_json::Value;

use super::Tree;

/// The JSON Schema (2020-12) of a tree file.
pub fn json_schema() -> Value {
    schemars::schema_for!(Tree).to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_every_node_type_and_refuses_unknown_fields() {
        let schema = json_schema();
        let text = schema.to_string();
        for kind in ["question", "fix", "speed_test", "outcome"] {
            assert!(text.contains(&format!("\"{kind}\"")), "{kind} missing");
        }
        assert!(text.contains("\"additionalProperties\":false"));
        assert_eq!(schema["type"], "object");
    }
}
