//! The decision tree: the JSON format help-centre authors write (format 2,
//! which reads every format 1 file unchanged; see `core/trees/README.md`),
//! checked into a [`ValidTree`] before anything walks it.
//!
//! The model types here mirror the file one to one (serde, unknown fields
//! refused) so the format has a single definition; [`ValidTree`] is the only
//! thing the session and the widget accept, which makes "walked an unchecked
//! tree" impossible to write. Validation lives in `shape` (the JSON shape, node
//! by node) and `rules` (references, reachability, texts); rich text in
//! [`text`]; the diagram export in [`mermaid`]; what a person sees per symptom
//! in [`paths`]. A node may be a copy of another (`copy_of`): it shows the
//! original's texts with ways out of its own, so a symptom's chain can order
//! shared steps its own way without a second copy of every translation;
//! [`ValidTree`] resolves copies, so nothing downstream ever sees one unresolved.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

mod copies;
pub mod coverage;
mod graph;
pub mod layout;
pub mod locate;
pub mod mermaid;
pub mod packed;
pub mod path_tests;
pub mod paths;
mod problem;
mod rules;
#[cfg(feature = "schema")]
mod schema;
mod shape;
pub mod text;
mod valid;

pub use problem::{Problem, ProblemKind, Severity, TreeErrors};
#[cfg(feature = "schema")]
pub use schema::json_schema;
pub use valid::ValidTree;

/// The tree file format this core writes about and documents.
pub const FORMAT_VERSION: u64 = 2;

/// Every format this core reads: format 2 only adds optional fields to 1,
/// so a format 1 file reads as it always did.
pub const READABLE_FORMATS: [u64; 2] = [1, FORMAT_VERSION];

/// The largest tree file accepted, in bytes (768 KiB). A tree is a help
/// article, not a database: the default tree in ten languages is about
/// 420 KiB, so this leaves room for twenty; anything bigger is a mistake or
/// an attack.
pub const MAX_TREE_BYTES: usize = 768 * 1024;

/// The language every text must have, and the one shown when a translation
/// is missing.
pub const FALLBACK_LANG: &str = "en";

/// A whole tree file, as written by an author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tree {
    /// Format version; one of [`READABLE_FORMATS`].
    pub format: u64,
    /// Tree id, `[a-z0-9-]+`; saved sessions remember it.
    pub id: String,
    /// Free, non-empty revision; a saved session from another revision is stale.
    pub revision: String,
    /// Languages the tree claims to be complete in; "en" first.
    pub langs: Vec<String>,
    /// The id of the first node.
    pub start: NodeId,
    /// All nodes, in the author's order.
    pub nodes: Vec<Node>,
    /// Walks that must reach a given step ([`path_tests`]); the widget
    /// ignores them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<path_tests::PathTest>,
}

/// The id of a node, unique within its tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NodeId(String);

impl NodeId {
    /// Wraps a node id.
    pub fn new(id: impl Into<String>) -> Self {
        NodeId(id.into())
    }

    /// The id as written in the file.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for NodeId {
    fn from(id: &str) -> Self {
        NodeId(id.to_owned())
    }
}

impl PartialEq<str> for NodeId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for NodeId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A text in several languages: `{"en": "...", "es": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Localized(pub BTreeMap<String, String>);

impl Localized {
    /// The text in `lang`, falling back to the primary subtag ("pt-BR" to
    /// "pt") and then to English. The flag is `true` when English was used
    /// for another language, so the widget can mark the text as untranslated.
    pub fn get(&self, lang: &str) -> (&str, bool) {
        if let Some(text) = self.0.get(lang) {
            return (text, false);
        }
        if let Some((primary, _)) = lang.split_once('-') {
            if let Some(text) = self.0.get(primary) {
                return (text, false);
            }
        }
        let text = self.0.get(FALLBACK_LANG).map_or("", String::as_str);
        (text, lang != FALLBACK_LANG)
    }

    /// The text in `lang` (or its fallback), without the flag.
    pub fn text(&self, lang: &str) -> &str {
        self.get(lang).0
    }

    /// No text in any language (a copy's texts before they are resolved).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The English text ("" if missing, which a [`ValidTree`] rules out).
    pub fn en(&self) -> &str {
        self.text(FALLBACK_LANG)
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Localized {
    fn from(pairs: [(&str, &str); N]) -> Self {
        Localized(
            pairs
                .iter()
                .map(|(lang, text)| ((*lang).to_owned(), (*text).to_owned()))
                .collect(),
        )
    }
}

/// One node of the tree; the `"type"` field says which kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Node {
    /// A question with answers; each answer leads on.
    Question(Question),
    /// A thing to try, ending with "Did this fix it?".
    Fix(Fix),
    /// The connection-test slot.
    SpeedTest(SpeedTest),
    /// An end: resolved, or where to get help.
    Outcome(Outcome),
}

/// A question node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Question {
    /// Node id.
    pub id: NodeId,
    /// Another question whose title, body, fact, answer labels, `known` and
    /// `safety_check` this one shows; only its answers' `next` are its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<NodeId>,
    /// The question, plain text (required unless `copy_of`).
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub title: Localized,
    /// Optional rich text under the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Localized>,
    /// When set, the chosen answer is recorded under this name for the
    /// escalation summary ("platform", "symptom").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    /// Passing this node makes the steps after it safe to offer: every
    /// step with `risk: "chats"` must be reachable only through one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub safety_check: bool,
    /// The answers, in display order.
    pub answers: Vec<Answer>,
    /// Answers the widget gives by itself when what it knows says so (the
    /// browser reports Wi-Fi, say): the first that holds is taken, shown
    /// in "Your answers so far" and can be changed there; when none holds
    /// the question is asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<KnownAnswer>,
}

/// An answer a question gets without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KnownAnswer {
    /// What must be known.
    pub when: RouteCondition,
    /// The index of the answer it gives.
    pub answer: usize,
}

/// One answer of a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Answer {
    /// The answer, plain text (required unless the question is a copy).
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub label: Localized,
    /// Where this answer leads.
    pub next: NodeId,
}

/// A fix node: something to try.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fix {
    /// Node id.
    pub id: NodeId,
    /// Another fix whose title, body, warning, confirm, risk and
    /// `safety_check` this one shows; `fixed` and `next` are its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<NodeId>,
    /// What to do, plain text (required unless `copy_of`).
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub title: Localized,
    /// The exact steps, rich text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Localized>,
    /// What can be lost, rich text; shown prominently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Localized>,
    /// The label of the explicit confirmation; required exactly when
    /// `warning` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<Localized>,
    /// What the step puts at risk; requires a `warning`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// Passing this step makes the steps after it safe to offer (see
    /// [`Question::safety_check`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub safety_check: bool,
    /// Texts shown under the steps only when they fit the walk so far.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Where "Yes, it's fixed" leads.
    pub fixed: NodeId,
    /// Where "No, still stuck" and "Skip this step" lead.
    pub next: NodeId,
}

/// The speed-test node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpeedTest {
    /// Node id.
    pub id: NodeId,
    /// Another speed test whose title and body this one shows; `next` and
    /// `routes` are its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<NodeId>,
    /// Title, plain text (required unless `copy_of`).
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub title: Localized,
    /// Rich text shown before the test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Localized>,
    /// Where to go when no route matches (or the test is skipped).
    pub next: NodeId,
    /// Checked in order after a measurement; the first match wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
}

/// A conditional exit of the speed-test node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Route {
    /// The condition on the measurement.
    pub when: RouteCondition,
    /// Where it leads.
    pub next: NodeId,
}

/// What a step can put at risk, for its warning and for the safety rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Risk {
    /// Chats can be lost (deleting a backup, another account, reinstalling):
    /// only reachable through a `safety_check` node.
    Chats,
    /// It may cost money (a backup over mobile data).
    Money,
    /// Settings are lost (saved Wi-Fi passwords).
    Settings,
}

impl Risk {
    /// Every risk, in the order of the format description.
    pub const ALL: [Risk; 3] = [Risk::Chats, Risk::Money, Risk::Settings];

    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Chats => "chats",
            Risk::Money => "money",
            Risk::Settings => "settings",
        }
    }
}

/// What a measurement or the browser can show, for routing (speed-test
/// `routes`) and for answering questions without asking (`known`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RouteCondition {
    /// No connection at all.
    Offline,
    /// Upload too slow for the backup in a reasonable time.
    SlowUpload,
    /// Speed or latency varies a lot.
    Unstable,
    /// Latency rises sharply under load (bufferbloat).
    HighLoadedLatency,
    /// The browser says the connection is cellular.
    Cellular,
    /// The browser says the connection is Wi-Fi.
    Wifi,
}

impl RouteCondition {
    /// Every condition, in the order of the format description.
    pub const ALL: [RouteCondition; 6] = [
        RouteCondition::Offline,
        RouteCondition::SlowUpload,
        RouteCondition::Unstable,
        RouteCondition::HighLoadedLatency,
        RouteCondition::Cellular,
        RouteCondition::Wifi,
    ];

    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            RouteCondition::Offline => "offline",
            RouteCondition::SlowUpload => "slow_upload",
            RouteCondition::Unstable => "unstable",
            RouteCondition::HighLoadedLatency => "high_loaded_latency",
            RouteCondition::Cellular => "cellular",
            RouteCondition::Wifi => "wifi",
        }
    }
}

/// An end node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Outcome {
    /// Node id.
    pub id: NodeId,
    /// Resolved or escalate.
    pub outcome: OutcomeKind,
    /// Title, plain text.
    pub title: Localized,
    /// Rich text: what now, where to get help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Localized>,
    /// Texts shown under the body only when the walk did (or did not do)
    /// certain steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// A text shown only when it fits what the person actually did: "you
/// turned videos off" after the videos step, "don't delete any backup"
/// only if they did not. A step counts as done when it was answered "Yes"
/// or "No, still stuck" (not skipped); a copy counts as its original.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Note {
    /// Rich text.
    pub text: Localized,
    /// Shown only if the walk did one of these steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub if_done: Vec<NodeId>,
    /// Shown only if the walk did none of these steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless_done: Vec<NodeId>,
}

/// How a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum OutcomeKind {
    /// The backup is unstuck.
    Resolved,
    /// Nothing worked; hand over to support.
    Escalate,
}

impl OutcomeKind {
    /// Both kinds, in the order of the format description.
    pub const ALL: [OutcomeKind; 2] = [OutcomeKind::Resolved, OutcomeKind::Escalate];

    /// The name used in the file (and in insights beacons).
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Resolved => "resolved",
            OutcomeKind::Escalate => "escalate",
        }
    }
}

/// Which way out of a node an edge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// The answer with this index.
    Answer(usize),
    /// A fix's "Yes, it's fixed".
    Fixed,
    /// A fix's "No, still stuck" (also "Skip this step").
    NotFixed,
    /// A speed test's route with this index.
    Route(usize),
    /// A speed test's `next`: no route matched, or the test was skipped.
    Next,
}

/// One way out of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge<'a> {
    /// Which way out.
    pub kind: EdgeKind,
    /// Where it leads.
    pub target: &'a NodeId,
}

impl Edge<'_> {
    /// The JSON Pointer of the edge's target field, relative to its node
    /// (`/answers/1/next`).
    pub fn pointer(&self) -> String {
        match self.kind {
            EdgeKind::Answer(i) => format!("/answers/{i}/next"),
            EdgeKind::Fixed => "/fixed".to_owned(),
            EdgeKind::NotFixed | EdgeKind::Next => "/next".to_owned(),
            EdgeKind::Route(i) => format!("/routes/{i}/next"),
        }
    }
}

impl Node {
    /// The node's id.
    pub fn id(&self) -> &NodeId {
        match self {
            Node::Question(q) => &q.id,
            Node::Fix(f) => &f.id,
            Node::SpeedTest(s) => &s.id,
            Node::Outcome(o) => &o.id,
        }
    }

    /// The node's title (plain text).
    pub fn title(&self) -> &Localized {
        match self {
            Node::Question(q) => &q.title,
            Node::Fix(f) => &f.title,
            Node::SpeedTest(s) => &s.title,
            Node::Outcome(o) => &o.title,
        }
    }

    /// The node's body (rich text), if any.
    pub fn body(&self) -> Option<&Localized> {
        match self {
            Node::Question(q) => q.body.as_ref(),
            Node::Fix(f) => f.body.as_ref(),
            Node::SpeedTest(s) => s.body.as_ref(),
            Node::Outcome(o) => o.body.as_ref(),
        }
    }

    /// The node this one is a copy of, if it is one.
    pub fn copy_of(&self) -> Option<&NodeId> {
        match self {
            Node::Question(q) => q.copy_of.as_ref(),
            Node::Fix(f) => f.copy_of.as_ref(),
            Node::SpeedTest(s) => s.copy_of.as_ref(),
            Node::Outcome(_) => None,
        }
    }

    /// The conditional texts of a fix or an outcome.
    pub fn notes(&self) -> &[Note] {
        match self {
            Node::Fix(f) => &f.notes,
            Node::Outcome(o) => &o.notes,
            Node::Question(_) | Node::SpeedTest(_) => &[],
        }
    }

    /// What the step puts at risk, if anything.
    pub fn risk(&self) -> Option<Risk> {
        match self {
            Node::Fix(f) => f.risk,
            _ => None,
        }
    }

    /// Whether passing this node makes the risky steps after it safe to offer.
    pub fn is_safety_check(&self) -> bool {
        match self {
            Node::Question(q) => q.safety_check,
            Node::Fix(f) => f.safety_check,
            Node::SpeedTest(_) | Node::Outcome(_) => false,
        }
    }

    /// The `"type"` name used in the file.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Question(_) => "question",
            Node::Fix(_) => "fix",
            Node::SpeedTest(_) => "speed_test",
            Node::Outcome(_) => "outcome",
        }
    }

    /// Every way out of this node, in display order (none for an outcome).
    pub fn edges(&self) -> Vec<Edge<'_>> {
        match self {
            Node::Question(q) => q
                .answers
                .iter()
                .enumerate()
                .map(|(i, a)| Edge {
                    kind: EdgeKind::Answer(i),
                    target: &a.next,
                })
                .collect(),
            Node::Fix(f) => vec![
                Edge {
                    kind: EdgeKind::Fixed,
                    target: &f.fixed,
                },
                Edge {
                    kind: EdgeKind::NotFixed,
                    target: &f.next,
                },
            ],
            Node::SpeedTest(s) => s
                .routes
                .iter()
                .enumerate()
                .map(|(i, r)| Edge {
                    kind: EdgeKind::Route(i),
                    target: &r.next,
                })
                .chain(std::iter::once(Edge {
                    kind: EdgeKind::Next,
                    target: &s.next,
                }))
                .collect(),
            Node::Outcome(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_falls_back_to_english_and_says_so() {
        let text = Localized::from([("en", "Restart"), ("es", "Reinicia")]);
        assert_eq!(text.get("es"), ("Reinicia", false));
        assert_eq!(text.get("es-MX"), ("Reinicia", false));
        assert_eq!(text.get("de"), ("Restart", true));
        assert_eq!(text.get("en"), ("Restart", false));
    }

    #[test]
    fn node_kinds_use_the_type_tag_and_refuse_unknown_fields() {
        let ok = r#"{"id":"x","type":"outcome","outcome":"resolved","title":{"en":"Done"}}"#;
        let node: Node = serde_json::from_str(ok).expect("valid outcome");
        assert_eq!(node.kind_name(), "outcome");
        assert!(node.edges().is_empty());
        let typo = r#"{"id":"x","type":"outcome","outcome":"resolved","titel":{"en":"Done"}}"#;
        assert!(serde_json::from_str::<Node>(typo).is_err());
    }

    #[test]
    fn fix_edges_are_fixed_then_not_fixed() {
        let fix = r#"{"id":"f","type":"fix","title":{"en":"Try"},"fixed":"a","next":"b"}"#;
        let node: Node = serde_json::from_str(fix).expect("valid fix");
        let edges = node.edges();
        assert_eq!(edges[0].target, "a");
        assert_eq!(edges[0].pointer(), "/fixed");
        assert_eq!(edges[1].target, "b");
        assert_eq!(edges[1].pointer(), "/next");
    }
}
