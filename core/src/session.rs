//! A person's walk through a [`ValidTree`]: where they are, what they chose
//! on the way, and everything derived from that (breadcrumb, progress, the
//! facts and tried fixes for the escalation summary).
//!
//! The walk is only its list of steps, so it has two compact encodings: a
//! trail for the URL fragment ("0.1.n.n.y") and a saved state for
//! localStorage, because people restart their phone in the middle of the flow
//! and expect to come back where they were. Both are replayed against the
//! tree, so a stale or tampered one is an error, never a panic. Time is a
//! parameter here; nothing reads a clock.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::known::Known;
use crate::tree::{Node, NodeId, Note, Outcome, OutcomeKind, ValidTree};

/// How long a saved walk stays useful: 30 days, in milliseconds.
pub const MAX_AGE_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// The longest trail accepted, in steps; far beyond any real walk, it keeps
/// a hostile URL from costing more than a moment.
pub const MAX_TRAIL_STEPS: usize = 500;

/// The version of [`SavedState`] this core writes and reads.
pub const SAVED_STATE_VERSION: u32 = 1;

/// What the person did at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    /// Picked the answer with this index (question).
    Answer(usize),
    /// The answer with this index, given by what the widget knew (a
    /// question's `known`); it routes and counts exactly like [`Choice::Answer`].
    Known(usize),
    /// "Yes, it's fixed" (fix).
    Fixed,
    /// "No, still stuck" (fix).
    NotFixed,
    /// "Skip this step" (fix or speed test).
    Skipped,
    /// The speed test finished; the index of the route taken, or `None` for `next`.
    Measured {
        /// Index into the speed test's `routes`.
        route: Option<usize>,
    },
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Answer(i) => write!(f, "answer {}", i + 1),
            Choice::Known(i) => write!(f, "answer {} (known)", i + 1),
            Choice::Fixed => f.write_str("fixed"),
            Choice::NotFixed => f.write_str("not fixed"),
            Choice::Skipped => f.write_str("skipped"),
            Choice::Measured { route: Some(r) } => write!(f, "measured (route {})", r + 1),
            Choice::Measured { route: None } => f.write_str("measured"),
        }
    }
}

impl Choice {
    /// The answer's index, for an answer given or known.
    pub fn answer(self) -> Option<usize> {
        match self {
            Choice::Answer(i) | Choice::Known(i) => Some(i),
            _ => None,
        }
    }
}

/// One step taken: the node the person was at and what they chose there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The node.
    pub node: NodeId,
    /// The choice made at it.
    pub choice: Choice,
    /// The question's `fact` name, if it has one and was answered.
    pub fact: Option<String>,
}

/// A step for the breadcrumb ("Platform: Android › What you see: Stuck at 0 %").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    /// Index of the step, for [`Session::rewind_to`].
    pub step: usize,
    /// The node.
    pub node: NodeId,
    /// The node's title in the requested language.
    pub title: String,
    /// The choice made.
    pub choice: Choice,
    /// The chosen answer's label, for questions; the widget words the other choices.
    pub answer: Option<String>,
}

/// How far along the walk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Steps taken.
    pub done: usize,
    /// Steps taken plus the most steps that may still come.
    pub total_estimate: usize,
}

impl Progress {
    /// `done / total_estimate`, 1.0 at an outcome.
    pub fn fraction(&self) -> f64 {
        if self.total_estimate == 0 {
            1.0
        } else {
            self.done as f64 / self.total_estimate as f64
        }
    }
}

/// A recorded fact: which answer of which question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactAnswer {
    /// The question.
    pub node: NodeId,
    /// The index of the chosen answer.
    pub answer: usize,
}

/// The phone a walk is about, as far as the tree says (its `platform` fact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Android: Google Account and Google Drive.
    Android,
    /// iPhone: iCloud.
    Iphone,
}

/// Why a choice, a rewind or a trail was refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SessionError {
    /// The current step is not in this tree (the tree changed under the walk).
    #[error("the step \"{node}\" is not in this tree (was the tree changed?)")]
    UnknownNode {
        /// The missing node.
        node: NodeId,
    },
    /// The walk already reached an outcome.
    #[error("the walk already ended at \"{node}\"")]
    Finished {
        /// The outcome node.
        node: NodeId,
    },
    /// A choice of the wrong kind for this node (e.g. "fixed" on a question).
    #[error("\"{choice}\" is not possible at the {kind} step \"{node}\"")]
    DoesNotFit {
        /// The current node.
        node: NodeId,
        /// Its type name.
        kind: &'static str,
        /// The refused choice.
        choice: Choice,
    },
    /// An answer index past the end.
    #[error("the question \"{node}\" has {count} answers; there is no answer {}", index + 1)]
    NoSuchAnswer {
        /// The question.
        node: NodeId,
        /// The refused index.
        index: usize,
        /// How many answers it has.
        count: usize,
    },
    /// A route index past the end.
    #[error("the speed test \"{node}\" has {count} routes; there is no route {}", index + 1)]
    NoSuchRoute {
        /// The speed test.
        node: NodeId,
        /// The refused index.
        index: usize,
        /// How many routes it has.
        count: usize,
    },
    /// Rewinding to a step that was not taken.
    #[error("there is no step {} to go back to ({len} steps taken)", index + 1)]
    NoSuchStep {
        /// The refused index.
        index: usize,
        /// Steps taken.
        len: usize,
    },
    /// A backup size that is not a positive number of gigabytes. (The
    /// message leaves the value out: `f64`'s `Display` would bring ~8 KB of
    /// float formatting into the widget's wasm for a text no person sees.)
    #[error("a backup size is a finite, positive number of GB")]
    BadBackupSize {
        /// The refused value.
        value: f64,
    },
    /// A trail token that is not a choice.
    #[error("the trail is unreadable at step {} (\"{token}\")", position + 1)]
    BadTrail {
        /// Index of the token.
        position: usize,
        /// The token as written (cut to 16 characters).
        token: String,
    },
    /// A trail longer than [`MAX_TRAIL_STEPS`].
    #[error("the trail has more than {MAX_TRAIL_STEPS} steps")]
    TrailTooLong,
    /// A trail step that does not fit the tree.
    #[error("the trail does not fit this tree at step {}: {reason}", position + 1)]
    TrailDoesNotFit {
        /// Index of the token.
        position: usize,
        /// Why the choice was refused.
        reason: Box<SessionError>,
    },
}

/// Why a saved walk could not be restored; the widget then starts afresh
/// (and may say why).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RestoreError {
    /// Not JSON, or not the shape of a [`SavedState`].
    #[error("the saved progress is unreadable: {0}")]
    Corrupt(String),
    /// Written by another version of the widget.
    #[error("the saved progress is from another version of the widget (v{found})")]
    OtherVersion {
        /// The version found.
        found: u64,
    },
    /// Saved for another tree, or another revision of this one.
    #[error("the saved progress is for \"{saved}\", but this is \"{current}\"")]
    OtherTree {
        /// `id@revision` saved.
        saved: String,
        /// `id@revision` of the tree now.
        current: String,
    },
    /// Older than [`MAX_AGE_MS`].
    #[error("the saved progress is {age_days} days old; it is kept for 30 days")]
    Expired {
        /// Age in whole days.
        age_days: u64,
    },
    /// The trail no longer fits the tree.
    #[error("the saved progress does not fit this guide: {0}")]
    Replay(#[source] SessionError),
}

/// The JSON stored in localStorage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedState {
    /// Always [`SAVED_STATE_VERSION`].
    pub v: u32,
    /// `"<tree id>@<revision>"`.
    pub tree: String,
    /// The trail, as [`Session::encode_trail`] writes it.
    pub trail: String,
    /// The backup size the person gave, if any.
    #[serde(default)]
    pub backup_size_gb: Option<f64>,
    /// When it was saved (milliseconds since the Unix epoch).
    pub saved_at_ms: u64,
}

/// What the person tells support when nothing worked, as data: the widget
/// words it in the person's language (with the connection test's figures
/// and what else the person typed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// The tree's id.
    pub tree_id: String,
    /// The tree's revision.
    pub revision: String,
    /// The questions answered, in walk order (the latest answer to each).
    pub facts: Vec<Fact>,
    /// The backup size the person gave.
    pub backup_size_gb: Option<f64>,
    /// Titles of the fixes answered "No, still stuck", in order.
    pub tried: Vec<String>,
    /// Titles of the fixes skipped, in order.
    pub skipped: Vec<String>,
    /// Title of the fix answered "Yes, it's fixed", if any.
    pub fixed_by: Option<String>,
    /// The outcome reached, if the walk ended.
    pub outcome: Option<OutcomeKind>,
}

/// A question and the answer given to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The question's title.
    pub question: String,
    /// The answer's label.
    pub answer: String,
    /// The browser gave the answer (not the person).
    pub known: bool,
}

/// A person's walk through a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    start: NodeId,
    current: NodeId,
    steps: Vec<Step>,
    /// The later steps of the walk while the person is back at an earlier
    /// one (after Back or "Change"), oldest first: choosing the same again
    /// brings them all back, Forward brings back one.
    ahead: Vec<Step>,
    backup_size_gb: Option<f64>,
}

impl Session {
    /// A walk at the tree's start.
    pub fn new(tree: &ValidTree) -> Self {
        let start = tree.start().id().clone();
        Session {
            current: start.clone(),
            start,
            steps: Vec::new(),
            ahead: Vec::new(),
            backup_size_gb: None,
        }
    }

    /// The node the person is at.
    pub fn current(&self) -> &NodeId {
        &self.current
    }

    /// The outcome reached, if the walk has ended.
    pub fn outcome<'t>(&self, tree: &'t ValidTree) -> Option<&'t Outcome> {
        match tree.node(&self.current) {
            Some(Node::Outcome(outcome)) => Some(outcome),
            _ => None,
        }
    }

    /// The steps taken, oldest first.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Records `choice` at the current node and moves on. A choice that
    /// does not fit the node (wrong kind, index past the end, walk ended)
    /// is refused and nothing changes.
    ///
    /// After Back or "Change", the later steps are kept: the same choice
    /// as before brings every one of them back; another choice keeps those
    /// the new way still passes (in order) and drops the rest (see
    /// [`Session::would_drop`], so the widget can ask first).
    pub fn choose(&mut self, tree: &ValidTree, choice: Choice) -> Result<(), SessionError> {
        self.step(tree, choice)?;
        let mut ahead = std::mem::take(&mut self.ahead);
        // The old answer at this step is the one just replaced.
        if ahead
            .first()
            .is_some_and(|old| self.steps.last().is_some_and(|new| new.node == old.node))
        {
            ahead.remove(0);
        }
        for later in ahead {
            if later.node == self.current && self.step(tree, later.choice).is_err() {
                break;
            }
        }
        Ok(())
    }

    /// How many answers after this step, kept by Back or "Change",
    /// `choice` would drop (0 when it is the same choice as before, or
    /// nothing is kept).
    pub fn would_drop(&self, tree: &ValidTree, choice: Choice) -> usize {
        let mut trial = self.clone();
        if trial.choose(tree, choice).is_err() {
            return 0;
        }
        let kept = trial.steps.len().saturating_sub(self.steps.len() + 1);
        let replaced = usize::from(
            self.ahead
                .first()
                .is_some_and(|old| old.node == self.current),
        );
        self.ahead.len().saturating_sub(replaced + kept)
    }

    /// The later steps kept while the person is back at an earlier one.
    pub fn ahead(&self) -> &[Step] {
        &self.ahead
    }

    /// Takes the next kept step again (the browser's Forward); `false` when
    /// there is none.
    pub fn forward(&mut self, tree: &ValidTree) -> bool {
        if self.ahead.is_empty() {
            return false;
        }
        let next = self.ahead.remove(0);
        if next.node != self.current || self.step(tree, next.choice).is_err() {
            self.ahead.clear();
            return false;
        }
        true
    }

    /// Moves to the place a trail names (a link, or the browser's Back and
    /// Forward through the steps' history entries): when the trail is part
    /// of this walk, the steps after it are kept as with Back; otherwise the
    /// walk is the trail's.
    pub fn go_to(&mut self, tree: &ValidTree, trail: &str) -> Result<(), SessionError> {
        let mut whole = self.clone();
        while whole.forward(tree) {}
        let target = Session::from_trail(tree, trail)?;
        let n = target.steps.len();
        let shares = whole.steps.len() >= n && whole.steps[..n] == target.steps[..];
        let backup_size_gb = self.backup_size_gb;
        *self = target;
        self.backup_size_gb = backup_size_gb;
        if shares {
            self.ahead = whole.steps[n..].to_vec();
        }
        Ok(())
    }

    /// One step, without looking at the kept later steps.
    fn step(&mut self, tree: &ValidTree, choice: Choice) -> Result<(), SessionError> {
        let node = tree
            .node(&self.current)
            .ok_or_else(|| SessionError::UnknownNode {
                node: self.current.clone(),
            })?;
        let id = node.id().clone();
        let next = match (node, choice) {
            (Node::Outcome(_), _) => return Err(SessionError::Finished { node: id }),
            (Node::Question(q), Choice::Answer(index) | Choice::Known(index)) => {
                let answer = q.answers.get(index).ok_or(SessionError::NoSuchAnswer {
                    node: id.clone(),
                    index,
                    count: q.answers.len(),
                })?;
                &answer.next
            }
            (Node::Fix(f), Choice::Fixed) => &f.fixed,
            (Node::Fix(f), Choice::NotFixed | Choice::Skipped) => &f.next,
            (Node::SpeedTest(s), Choice::Measured { route: Some(index) }) => {
                let route = s.routes.get(index).ok_or(SessionError::NoSuchRoute {
                    node: id.clone(),
                    index,
                    count: s.routes.len(),
                })?;
                &route.next
            }
            (Node::SpeedTest(s), Choice::Measured { route: None } | Choice::Skipped) => &s.next,
            (node, choice) => {
                return Err(SessionError::DoesNotFit {
                    node: id,
                    kind: node.kind_name(),
                    choice,
                })
            }
        };
        let fact = match node {
            Node::Question(q) => q.fact.clone(),
            _ => None,
        };
        self.current = next.clone();
        self.steps.push(Step {
            node: id,
            choice,
            fact,
        });
        Ok(())
    }

    /// Answers the current question, and each one after it, by what is
    /// `known` (the question's `known` entries), so nobody is asked what
    /// the browser already said. Returns how many were answered. Called by
    /// the widget after a choice, never when replaying a trail (the trail
    /// records these answers as `k` tokens).
    pub fn answer_known(&mut self, tree: &ValidTree, known: &Known<'_>) -> usize {
        let mut answered = 0;
        while answered < MAX_TRAIL_STEPS {
            let Some(Node::Question(question)) = tree.node(&self.current) else {
                break;
            };
            let Some(answer) = question.known_answer(known) else {
                break;
            };
            if self.choose(tree, Choice::Known(answer)).is_err() {
                break;
            }
            answered += 1;
        }
        answered
    }

    /// Leaves the connection test at the current node: by the first route
    /// whose condition `known` (with its measurement) meets, by `next` when
    /// none does, or as skipped when nothing was measured.
    pub fn leave_test(&mut self, tree: &ValidTree, known: &Known<'_>) -> Result<(), SessionError> {
        let choice = match (tree.node(&self.current), known.measured) {
            (Some(Node::SpeedTest(test)), Some(_)) => Choice::Measured {
                route: test.route_for(known),
            },
            _ => Choice::Skipped,
        };
        self.choose(tree, choice)
    }

    /// Every choice that fits the current node, in display order: a
    /// question's answers; a fix's fixed, not fixed, skipped; a speed test's
    /// `next`, each route, skipped; nothing at an outcome (or an unknown node).
    pub fn options(&self, tree: &ValidTree) -> Vec<Choice> {
        match tree.node(&self.current) {
            Some(Node::Question(q)) => (0..q.answers.len()).map(Choice::Answer).collect(),
            Some(Node::Fix(_)) => vec![Choice::Fixed, Choice::NotFixed, Choice::Skipped],
            Some(Node::SpeedTest(s)) => std::iter::once(Choice::Measured { route: None })
                .chain((0..s.routes.len()).map(|r| Choice::Measured { route: Some(r) }))
                .chain(std::iter::once(Choice::Skipped))
                .collect(),
            Some(Node::Outcome(_)) | None => Vec::new(),
        }
    }

    /// Goes back one screen, keeping the steps to come back to; `false`
    /// when already at the start. Answers the browser gave were no screen,
    /// so Back passes them too (they can be changed in the answers so far).
    pub fn back(&mut self) -> bool {
        let mut moved = false;
        while let Some(step) = self.steps.pop() {
            self.current = step.node.clone();
            let known = matches!(step.choice, Choice::Known(_));
            self.ahead.insert(0, step);
            moved = true;
            if !known {
                break;
            }
        }
        moved
    }

    /// Back to the start, forgetting every step (the backup size stays).
    pub fn restart(&mut self) {
        self.steps.clear();
        self.ahead.clear();
        self.current = self.start.clone();
    }

    /// Returns to the step with this index so the person can choose again
    /// there; that step and every later one are kept until they choose (see
    /// [`Session::choose`]).
    pub fn rewind_to(&mut self, step: usize) -> Result<(), SessionError> {
        let len = self.steps.len();
        let Some(target) = self.steps.get(step) else {
            return Err(SessionError::NoSuchStep { index: step, len });
        };
        self.current = target.node.clone();
        let mut later = self.steps.split_off(step);
        later.append(&mut self.ahead);
        self.ahead = later;
        Ok(())
    }

    /// The steps with their titles and answer labels in `lang`, for the breadcrumb.
    pub fn breadcrumb(&self, tree: &ValidTree, lang: &str) -> Vec<Crumb> {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let node = tree.node(&step.node);
                Crumb {
                    step: i,
                    node: step.node.clone(),
                    title: node.map_or("", |n| n.title().text(lang)).to_owned(),
                    choice: step.choice,
                    answer: answer_label(node, step.choice, lang),
                }
            })
            .collect()
    }

    /// Screens passed and an estimate of the total (passed plus the longest
    /// way left to an outcome, loops counted once).
    pub fn progress(&self, tree: &ValidTree) -> Progress {
        // An answer the browser gave was never a screen.
        let done = self
            .steps
            .iter()
            .filter(|s| !matches!(s.choice, Choice::Known(_)))
            .count();
        let left = tree.steps_left(&self.current).unwrap_or(0);
        Progress {
            done,
            total_estimate: done + left,
        }
    }

    /// The facts recorded by questions with a `fact` name; a later answer
    /// to the same fact wins.
    pub fn facts(&self) -> BTreeMap<String, FactAnswer> {
        let mut facts = BTreeMap::new();
        for step in &self.steps {
            if let (Some(name), Some(answer)) = (&step.fact, step.choice.answer()) {
                facts.insert(
                    name.clone(),
                    FactAnswer {
                        node: step.node.clone(),
                        answer,
                    },
                );
            }
        }
        facts
    }

    /// The notes of the current step that fit what the walk did: a step
    /// counts as done when answered "Yes" or "No, still stuck", and a copy
    /// counts as its original too.
    pub fn notes<'t>(&self, tree: &'t ValidTree) -> Vec<&'t Note> {
        let mut done: Vec<&NodeId> = Vec::new();
        for step in &self.steps {
            if matches!(step.choice, Choice::Fixed | Choice::NotFixed) {
                done.push(&step.node);
                if let Some(original) = tree.node(&step.node).and_then(Node::copy_of) {
                    done.push(original);
                }
            }
        }
        let did = |ids: &[NodeId]| ids.iter().any(|id| done.contains(&id));
        tree.node(&self.current)
            .map(Node::notes)
            .unwrap_or_default()
            .iter()
            .filter(|note| {
                (note.if_done.is_empty() || did(&note.if_done)) && !did(&note.unless_done)
            })
            .collect()
    }

    /// The phone the walk is about: the English label of the answer to the
    /// `platform` fact, when it names Android or the iPhone.
    pub fn platform(&self, tree: &ValidTree) -> Option<Platform> {
        let fact = self.facts().remove("platform")?;
        let label = answer_label(tree.node(&fact.node), Choice::Answer(fact.answer), "en")?;
        let label = label.to_ascii_lowercase();
        if label.contains("android") {
            Some(Platform::Android)
        } else if label.contains("iphone") || label.contains("ios") {
            Some(Platform::Iphone)
        } else {
            None
        }
    }

    /// The fix the person said fixed it (the last one, if several).
    pub fn fixed_by(&self) -> Option<NodeId> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.choice == Choice::Fixed)
            .map(|s| s.node.clone())
    }

    /// The fixes answered "No, still stuck", in order, each once.
    pub fn tried(&self) -> Vec<NodeId> {
        self.nodes_with(Choice::NotFixed)
    }

    /// The fixes skipped, in order, each once.
    pub fn skipped(&self) -> Vec<NodeId> {
        self.nodes_with(Choice::Skipped)
    }

    fn nodes_with(&self, choice: Choice) -> Vec<NodeId> {
        let mut nodes = Vec::new();
        for step in &self.steps {
            if step.choice == choice && !nodes.contains(&step.node) {
                nodes.push(step.node.clone());
            }
        }
        nodes
    }

    /// The backup size the person gave, in GB.
    pub fn backup_size_gb(&self) -> Option<f64> {
        self.backup_size_gb
    }

    /// Sets (or clears) the backup size; refuses anything that is not a
    /// finite, positive number of gigabytes.
    pub fn set_backup_size_gb(&mut self, gb: Option<f64>) -> Result<(), SessionError> {
        match gb {
            Some(value) if !(value.is_finite() && value > 0.0) => {
                Err(SessionError::BadBackupSize { value })
            }
            _ => {
                self.backup_size_gb = gb;
                Ok(())
            }
        }
    }

    /// The walk as a compact trail for the URL fragment: one token per step,
    /// joined by dots. An answer is its index ("0"), or `k0` when it was
    /// known without asking; a fix `y` (fixed), `n`
    /// (not fixed) or `s` (skipped), a speed test `m` (measured, `next`),
    /// `m0`, `m1`... (route taken) or `s`. The empty walk is "".
    pub fn encode_trail(&self) -> String {
        let tokens: Vec<String> = self
            .steps
            .iter()
            .map(|step| match step.choice {
                Choice::Answer(i) => i.to_string(),
                Choice::Known(i) => format!("k{i}"),
                Choice::Fixed => "y".to_owned(),
                Choice::NotFixed => "n".to_owned(),
                Choice::Skipped => "s".to_owned(),
                Choice::Measured { route: None } => "m".to_owned(),
                Choice::Measured { route: Some(r) } => format!("m{r}"),
            })
            .collect();
        tokens.join(".")
    }

    /// Replays a trail from the start. Anything that does not fit the tree
    /// is an error saying at which step.
    pub fn from_trail(tree: &ValidTree, trail: &str) -> Result<Session, SessionError> {
        let mut session = Session::new(tree);
        if trail.is_empty() {
            return Ok(session);
        }
        // The longest token is "m9999" (5 characters), plus its dot.
        if trail.len() > MAX_TRAIL_STEPS * 6 || trail.split('.').count() > MAX_TRAIL_STEPS {
            return Err(SessionError::TrailTooLong);
        }
        for (position, token) in trail.split('.').enumerate() {
            let choice = parse_token(token).ok_or_else(|| SessionError::BadTrail {
                position,
                token: token.chars().take(16).collect(),
            })?;
            session
                .step(tree, choice)
                .map_err(|reason| SessionError::TrailDoesNotFit {
                    position,
                    reason: Box::new(reason),
                })?;
        }
        Ok(session)
    }

    /// The walk as JSON for localStorage, stamped with `now_ms`.
    pub fn to_saved(&self, tree: &ValidTree, now_ms: u64) -> String {
        let state = SavedState {
            v: SAVED_STATE_VERSION,
            tree: tree.key(),
            trail: self.encode_trail(),
            backup_size_gb: self.backup_size_gb,
            saved_at_ms: now_ms,
        };
        // A struct of strings and numbers always serializes.
        serde_json::to_string(&state).unwrap_or_default()
    }

    /// Restores a walk saved by [`Session::to_saved`], if it is for this
    /// tree and revision, younger than [`MAX_AGE_MS`] at `now_ms`, and still
    /// fits the tree.
    pub fn from_saved(tree: &ValidTree, saved: &str, now_ms: u64) -> Result<Session, RestoreError> {
        let value: Value =
            serde_json::from_str(saved).map_err(|e| RestoreError::Corrupt(e.to_string()))?;
        let Some(object) = value.as_object() else {
            return Err(RestoreError::Corrupt("not an object".to_owned()));
        };
        match object.get("v").and_then(Value::as_u64) {
            Some(found) if found != u64::from(SAVED_STATE_VERSION) => {
                return Err(RestoreError::OtherVersion { found })
            }
            Some(_) => {}
            None => return Err(RestoreError::Corrupt("no version".to_owned())),
        }
        let state: SavedState =
            serde_json::from_value(value).map_err(|e| RestoreError::Corrupt(e.to_string()))?;
        let current = tree.key();
        if state.tree != current {
            return Err(RestoreError::OtherTree {
                saved: state.tree,
                current,
            });
        }
        // A clock set far back is as untrustworthy as a clock set forward.
        let age = now_ms.abs_diff(state.saved_at_ms);
        if age > MAX_AGE_MS {
            return Err(RestoreError::Expired {
                age_days: age / (24 * 60 * 60 * 1000),
            });
        }
        let mut session = Session::from_trail(tree, &state.trail).map_err(RestoreError::Replay)?;
        session
            .set_backup_size_gb(state.backup_size_gb)
            .map_err(|e| RestoreError::Corrupt(e.to_string()))?;
        Ok(session)
    }

    /// The escalation summary, texts in `lang`. `measured` is left empty
    /// for the widget to fill with the speed-test figures.
    pub fn summary(&self, tree: &ValidTree, lang: &str) -> Summary {
        let title = |id: &NodeId| {
            tree.node(id)
                .map_or(id.as_str(), |n| n.title().text(lang))
                .to_owned()
        };
        let mut answered: Vec<(&NodeId, usize, bool)> = Vec::new();
        for step in &self.steps {
            if let Some(answer) = step.choice.answer() {
                answered.retain(|(node, _, _)| *node != &step.node);
                answered.push((&step.node, answer, matches!(step.choice, Choice::Known(_))));
            }
        }
        let facts = answered
            .into_iter()
            .map(|(node, answer, known)| Fact {
                question: title(node),
                answer: answer_label(tree.node(node), Choice::Answer(answer), lang)
                    .unwrap_or_default(),
                known,
            })
            .collect();
        Summary {
            tree_id: tree.id.clone(),
            revision: tree.revision.clone(),
            facts,
            backup_size_gb: self.backup_size_gb,
            tried: self.tried().iter().map(title).collect(),
            skipped: self.skipped().iter().map(title).collect(),
            fixed_by: self.fixed_by().as_ref().map(title),
            outcome: self.outcome(tree).map(|o| o.outcome),
        }
    }
}

fn answer_label(node: Option<&Node>, choice: Choice, lang: &str) -> Option<String> {
    match (node, choice) {
        (Some(Node::Question(q)), choice) => choice
            .answer()
            .and_then(|i| q.answers.get(i))
            .map(|a| a.label.text(lang).to_owned()),
        _ => None,
    }
}

/// One trail token, strictly in the form [`Session::encode_trail`] writes.
fn parse_token(token: &str) -> Option<Choice> {
    fn index(digits: &str) -> Option<usize> {
        let canonical = !digits.is_empty()
            && digits.len() <= 4
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        canonical.then(|| digits.parse().ok()).flatten()
    }
    match token {
        "y" => Some(Choice::Fixed),
        "n" => Some(Choice::NotFixed),
        "s" => Some(Choice::Skipped),
        "m" => Some(Choice::Measured { route: None }),
        _ => {
            if let Some(route) = token.strip_prefix('m') {
                index(route).map(|r| Choice::Measured { route: Some(r) })
            } else if let Some(answer) = token.strip_prefix('k') {
                index(answer).map(Choice::Known)
            } else {
                index(token).map(Choice::Answer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_strict() {
        assert_eq!(parse_token("0"), Some(Choice::Answer(0)));
        assert_eq!(parse_token("12"), Some(Choice::Answer(12)));
        assert_eq!(parse_token("m3"), Some(Choice::Measured { route: Some(3) }));
        assert_eq!(parse_token("k1"), Some(Choice::Known(1)));
        for bad in [
            "", "01", "-1", "+1", "y1", "m01", "mm", "Y", "99999", "1e3", " 1", "k", "k01", "km1",
        ] {
            assert_eq!(parse_token(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn summary_keeps_the_latest_answer_to_each_question_and_who_gave_it() {
        let tree =
            crate::tree::Tree::from_json(include_str!("../trees/default.json")).expect("valid");
        let mut session = Session::new(&tree);
        session.choose(&tree, Choice::Answer(0)).expect("Android");
        let summary = session.summary(&tree, "en");
        assert_eq!(summary.facts.len(), 1);
        assert_eq!(summary.facts[0].answer, "Android");
        assert!(!summary.facts[0].known);
        assert_eq!(summary.tree_id, "whatsapp-backup-stuck");
        assert!(summary.outcome.is_none() && summary.tried.is_empty());
    }
}
