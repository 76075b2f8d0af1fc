//! `GET /__insights/summary`: its filter (`from`, `to`, `lang`), read
//! strictly from the query string, and its JSON, assembled from the rows
//! the store adds up.
//!
//! Pure: the store runs the queries; this module only checks what was asked
//! and shapes the answer (sorted here, not by the databases, whose text
//! collations differ).

use std::collections::BTreeMap;

use serde::Serialize;

use super::beacon::Bucket;
use super::day::{Day, DayError};

/// Which events the summary counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Filter {
    /// First day counted (inclusive), UTC.
    pub from: Option<Day>,
    /// Last day counted (inclusive), UTC.
    pub to: Option<Day>,
    /// Only events of walks in this language.
    pub lang: Option<String>,
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a summary query string was refused (400).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// Not `key=value&...` text.
    #[error("the query string is not valid: {0}")]
    Syntax(String),
    /// A parameter other than `from`, `to`, `lang`.
    #[error(
        "unknown parameter \"{0}\"; the summary takes from=YYYY-MM-DD, to=YYYY-MM-DD and lang=xx"
    )]
    Unknown(String),
    /// The same parameter twice.
    #[error("\"{0}\" is given more than once")]
    Repeated(String),
    /// `from` or `to` is not a date.
    #[error("\"{param}\": {error}")]
    Day {
        /// `from` or `to`.
        param: &'static str,
        /// What is wrong with it.
        error: DayError,
    },
    /// `from` after `to`.
    #[error("\"from\" ({from}) is after \"to\" ({to})")]
    Backwards {
        /// The first day asked for.
        from: Day,
        /// The last day asked for.
        to: Day,
    },
    /// `lang` is not a language tag.
    #[error("\"lang\" must be a language tag like \"en\" or \"pt-BR\"")]
    Lang,
}

impl Filter {
    /// Reads `from=YYYY-MM-DD&to=YYYY-MM-DD&lang=xx` (each optional).
    pub fn parse(query: Option<&str>) -> Result<Self, FilterError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
            .map_err(|e| FilterError::Syntax(e.to_string()))?;
        let mut filter = Filter::default();
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in &pairs {
            let param = match key.as_str() {
                "from" => "from",
                "to" => "to",
                "lang" => "lang",
                _ => return Err(FilterError::Unknown(key.chars().take(40).collect())),
            };
            if seen.contains(&param) {
                return Err(FilterError::Repeated(param.to_owned()));
            }
            seen.push(param);
            let day = |param| Day::parse(value).map_err(|error| FilterError::Day { param, error });
            match param {
                "from" => filter.from = Some(day("from")?),
                "to" => filter.to = Some(day("to")?),
                _ => {
                    if !super::beacon::is_language_tag(value) {
                        return Err(FilterError::Lang);
                    }
                    filter.lang = Some(value.clone());
                }
            }
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(FilterError::Backwards { from, to });
            }
        }
        Ok(filter)
    }
}

/// Per tree and revision: walks started and how they ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeRow {
    pub tree: String,
    pub revision: String,
    pub started: i64,
    pub resolved: i64,
    pub escalated: i64,
    pub left: i64,
}

/// Per step: shown, left there, confirmed as the fix there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRow {
    pub tree: String,
    pub revision: String,
    pub node: String,
    pub reached: i64,
    pub left: i64,
    pub fixed: i64,
}

/// Per symptom answer: how walks with it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymptomRow {
    pub tree: String,
    pub revision: String,
    pub symptom: String,
    pub resolved: i64,
    pub escalated: i64,
    pub left: i64,
}

/// Per symptom answer and fix step: how often that fix did it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymptomFixRow {
    pub tree: String,
    pub revision: String,
    pub symptom: String,
    pub node: String,
    pub fixed: i64,
}

/// Per day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayRow {
    pub tree: String,
    pub revision: String,
    pub day: String,
    pub started: i64,
    pub resolved: i64,
    pub escalated: i64,
    pub left: i64,
}

/// Per speed bucket of walks that ended (an outcome or left).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketRow {
    pub tree: String,
    pub revision: String,
    /// `download` or `upload`.
    pub direction: &'static str,
    /// `None`: not measured.
    pub bucket: Option<String>,
    pub ended: i64,
    pub resolved: i64,
}

/// Everything the queries return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rows {
    pub trees: Vec<TreeRow>,
    pub nodes: Vec<NodeRow>,
    pub symptoms: Vec<SymptomRow>,
    pub symptom_fixes: Vec<SymptomFixRow>,
    pub days: Vec<DayRow>,
    pub buckets: Vec<BucketRow>,
}

/// The summary's JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The filter applied (echoed, `null` where not given).
    pub filter: Filter,
    /// One entry per tree id and revision, sorted by both.
    pub trees: Vec<TreeSummary>,
}

/// One tree revision's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeSummary {
    pub tree: String,
    pub revision: String,
    /// `started` beacons: walks begun.
    pub started: i64,
    /// Walks that reached a `resolved` outcome.
    pub resolved: i64,
    /// Walks that reached an `escalate` outcome (sent to support).
    pub escalated: i64,
    /// Walks given up before an outcome (`left` beacons).
    pub left: i64,
    /// Steps, most reached first.
    pub nodes: Vec<NodeSummary>,
    /// Symptom answers, by how many walks with them ended.
    pub by_symptom: Vec<SymptomSummary>,
    /// Speed buckets of walks that ended.
    pub connection: Connection,
    /// Per day, oldest first.
    pub by_day: Vec<DaySummary>,
}

/// One step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeSummary {
    pub node: String,
    /// Times the step was shown.
    pub reached: i64,
    /// Walks given up at this step.
    pub left: i64,
    /// Times this (fix) step was confirmed as what unstuck the backup.
    pub fixed: i64,
}

/// One symptom answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SymptomSummary {
    /// `QUESTION:INDEX` (`android-symptom:0`).
    pub symptom: String,
    pub resolved: i64,
    pub escalated: i64,
    pub left: i64,
    /// Which fixes did it for this symptom, most often first.
    pub fixes: Vec<FixSummary>,
}

/// A fix step and how often it did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixSummary {
    pub node: String,
    pub fixed: i64,
}

/// Speed buckets, slowest first, `unmeasured` last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Connection {
    pub download: Vec<BucketSummary>,
    pub upload: Vec<BucketSummary>,
}

/// Walks that ended with this speed bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BucketSummary {
    /// `<1`, `1-5`, `5-20`, `>20` (Mbit/s) or `unmeasured`.
    pub bucket: String,
    /// Walks that ended (an outcome or left).
    pub ended: i64,
    /// Of those, walks resolved.
    pub resolved: i64,
}

/// One day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DaySummary {
    pub day: String,
    pub started: i64,
    pub resolved: i64,
    pub escalated: i64,
    pub left: i64,
}

type Key = (String, String);

/// Shapes the rows into the summary.
pub fn assemble(filter: Filter, rows: Rows) -> Summary {
    let mut trees: BTreeMap<Key, TreeSummary> = BTreeMap::new();
    for r in rows.trees {
        trees.insert(
            (r.tree.clone(), r.revision.clone()),
            TreeSummary {
                tree: r.tree,
                revision: r.revision,
                started: r.started,
                resolved: r.resolved,
                escalated: r.escalated,
                left: r.left,
                nodes: Vec::new(),
                by_symptom: Vec::new(),
                connection: Connection::default(),
                by_day: Vec::new(),
            },
        );
    }
    for r in rows.nodes {
        if let Some(t) = trees.get_mut(&(r.tree, r.revision)) {
            t.nodes.push(NodeSummary {
                node: r.node,
                reached: r.reached,
                left: r.left,
                fixed: r.fixed,
            });
        }
    }
    let mut fixes: BTreeMap<(Key, String), Vec<FixSummary>> = BTreeMap::new();
    for r in rows.symptom_fixes {
        fixes
            .entry(((r.tree, r.revision), r.symptom))
            .or_default()
            .push(FixSummary {
                node: r.node,
                fixed: r.fixed,
            });
    }
    for r in rows.symptoms {
        let key = (r.tree, r.revision);
        let mut own = fixes
            .remove(&(key.clone(), r.symptom.clone()))
            .unwrap_or_default();
        own.sort_by(|a, b| b.fixed.cmp(&a.fixed).then_with(|| a.node.cmp(&b.node)));
        if let Some(t) = trees.get_mut(&key) {
            t.by_symptom.push(SymptomSummary {
                symptom: r.symptom,
                resolved: r.resolved,
                escalated: r.escalated,
                left: r.left,
                fixes: own,
            });
        }
    }
    for r in rows.days {
        if let Some(t) = trees.get_mut(&(r.tree, r.revision)) {
            t.by_day.push(DaySummary {
                day: r.day,
                started: r.started,
                resolved: r.resolved,
                escalated: r.escalated,
                left: r.left,
            });
        }
    }
    for r in rows.buckets {
        if let Some(t) = trees.get_mut(&(r.tree, r.revision)) {
            let list = if r.direction == "download" {
                &mut t.connection.download
            } else {
                &mut t.connection.upload
            };
            list.push(BucketSummary {
                bucket: r.bucket.unwrap_or_else(|| "unmeasured".to_owned()),
                ended: r.ended,
                resolved: r.resolved,
            });
        }
    }
    let mut trees: Vec<TreeSummary> = trees.into_values().collect();
    for t in &mut trees {
        t.nodes
            .sort_by(|a, b| b.reached.cmp(&a.reached).then_with(|| a.node.cmp(&b.node)));
        t.by_symptom.sort_by(|a, b| {
            let ended = |s: &SymptomSummary| s.resolved + s.escalated + s.left;
            ended(b)
                .cmp(&ended(a))
                .then_with(|| a.symptom.cmp(&b.symptom))
        });
        t.by_day.sort_by(|a, b| a.day.cmp(&b.day));
        for list in [&mut t.connection.download, &mut t.connection.upload] {
            list.sort_by_key(|b| bucket_rank(&b.bucket));
        }
    }
    Summary { filter, trees }
}

fn bucket_rank(name: &str) -> usize {
    Bucket::ALL
        .iter()
        .position(|b| b.as_str() == name)
        .unwrap_or(Bucket::ALL.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_query_counts_everything() {
        assert_eq!(Filter::parse(None), Ok(Filter::default()));
        assert_eq!(Filter::parse(Some("")), Ok(Filter::default()));
    }

    #[test]
    fn all_three_parameters_are_read() {
        let filter =
            Filter::parse(Some("from=2026-12-01&to=2026-12-31&lang=pt-BR")).expect("valid");
        assert_eq!(filter.from, Day::parse("2026-12-01").ok());
        assert_eq!(filter.to, Day::parse("2026-12-31").ok());
        assert_eq!(filter.lang.as_deref(), Some("pt-BR"));
        // Percent-encoding is decoded.
        let encoded = Filter::parse(Some("lang=pt%2DBR")).expect("valid");
        assert_eq!(encoded.lang.as_deref(), Some("pt-BR"));
    }

    #[test]
    fn bad_parameters_are_refused_with_the_reason() {
        let error = |q: &str| Filter::parse(Some(q)).expect_err(q).to_string();
        assert_eq!(
            error("from=2026-02-30"),
            "\"from\": \"2026-02-30\" is not a real date"
        );
        assert_eq!(
            error("to=yesterday"),
            "\"to\": \"yesterday\" is not a date of the form YYYY-MM-DD"
        );
        assert_eq!(
            error("from=2026-12-02&to=2026-12-01"),
            "\"from\" (2026-12-02) is after \"to\" (2026-12-01)"
        );
        assert!(error("tree=x").starts_with("unknown parameter \"tree\""));
        assert_eq!(error("lang=en&lang=fr"), "\"lang\" is given more than once");
        assert!(error("lang=English").contains("language tag"));
        assert!(error("lang=").contains("language tag"));
    }

    fn tree_row(tree: &str, started: i64) -> TreeRow {
        TreeRow {
            tree: tree.into(),
            revision: "1".into(),
            started,
            resolved: 0,
            escalated: 0,
            left: 0,
        }
    }

    #[test]
    fn rows_land_under_their_own_tree_in_a_stable_order() {
        let rows = Rows {
            trees: vec![tree_row("b", 1), tree_row("a", 2)],
            nodes: vec![
                NodeRow {
                    tree: "a".into(),
                    revision: "1".into(),
                    node: "x".into(),
                    reached: 1,
                    left: 0,
                    fixed: 0,
                },
                NodeRow {
                    tree: "a".into(),
                    revision: "1".into(),
                    node: "y".into(),
                    reached: 5,
                    left: 1,
                    fixed: 2,
                },
                NodeRow {
                    tree: "b".into(),
                    revision: "1".into(),
                    node: "z".into(),
                    reached: 1,
                    left: 0,
                    fixed: 0,
                },
            ],
            symptoms: vec![SymptomRow {
                tree: "a".into(),
                revision: "1".into(),
                symptom: "q:0".into(),
                resolved: 2,
                escalated: 1,
                left: 0,
            }],
            symptom_fixes: vec![
                SymptomFixRow {
                    tree: "a".into(),
                    revision: "1".into(),
                    symptom: "q:0".into(),
                    node: "y".into(),
                    fixed: 1,
                },
                SymptomFixRow {
                    tree: "a".into(),
                    revision: "1".into(),
                    symptom: "q:0".into(),
                    node: "w".into(),
                    fixed: 3,
                },
            ],
            days: Vec::new(),
            buckets: vec![
                BucketRow {
                    tree: "a".into(),
                    revision: "1".into(),
                    direction: "upload",
                    bucket: None,
                    ended: 1,
                    resolved: 0,
                },
                BucketRow {
                    tree: "a".into(),
                    revision: "1".into(),
                    direction: "upload",
                    bucket: Some(">20".into()),
                    ended: 1,
                    resolved: 1,
                },
                BucketRow {
                    tree: "a".into(),
                    revision: "1".into(),
                    direction: "upload",
                    bucket: Some("<1".into()),
                    ended: 2,
                    resolved: 1,
                },
            ],
        };
        let summary = assemble(Filter::default(), rows);
        let names: Vec<&str> = summary.trees.iter().map(|t| t.tree.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        let a = &summary.trees[0];
        let nodes: Vec<&str> = a.nodes.iter().map(|n| n.node.as_str()).collect();
        assert_eq!(nodes, ["y", "x"]);
        let fixes: Vec<&str> = a.by_symptom[0]
            .fixes
            .iter()
            .map(|f| f.node.as_str())
            .collect();
        assert_eq!(fixes, ["w", "y"]);
        let buckets: Vec<&str> = a
            .connection
            .upload
            .iter()
            .map(|b| b.bucket.as_str())
            .collect();
        assert_eq!(buckets, ["<1", ">20", "unmeasured"]);
        assert_eq!(summary.trees[1].nodes.len(), 1);
    }

    #[test]
    fn the_json_uses_the_documented_names() {
        let summary = assemble(
            Filter::default(),
            Rows {
                trees: vec![tree_row("a", 1)],
                ..Rows::default()
            },
        );
        let json = serde_json::to_value(&summary).expect("serializes");
        assert_eq!(
            json["filter"],
            serde_json::json!({"from": null, "to": null, "lang": null})
        );
        let tree = &json["trees"][0];
        for key in [
            "tree",
            "revision",
            "started",
            "resolved",
            "escalated",
            "left",
            "nodes",
            "bySymptom",
            "connection",
            "byDay",
        ] {
            assert!(tree.get(key).is_some(), "{key} in {tree}");
        }
    }
}
