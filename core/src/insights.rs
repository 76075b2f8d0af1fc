//! Opt-in insights: which beacons a walk sends to an insights collector
//! (the `insights` setting), decided here over plain data; the widget only
//! serialises them and sends them with `navigator.sendBeacon`.
//!
//! A beacon says what happened at which step of which tree, in which
//! language, with the symptom answer and coarse connection buckets once
//! known: never an identifier, a figure, a time or anything typed. The
//! format is the one the server reads (`server/src/insights/beacon.rs`,
//! `"v": 1`).
//!
//! What one walk sends, with a [`Tracker`] per widget:
//!
//! - at the first step of a fresh walk: `started`, then `step`;
//! - the first time each step is shown in the walk: `step` (so Back,
//!   Forward, "Change", Undo and a re-render never count a step twice);
//! - the first time the walk reaches an outcome: `step` for it, then
//!   `fixed-by` (the fix the person said fixed it, when there is one), then
//!   `outcome`; one outcome per walk, even if the person goes back and
//!   reaches another end;
//! - [`Tracker::left`]: `left` at the step shown when the page is closed
//!   (reloaded, navigated away) before any outcome, once per walk; not when
//!   it is only hidden, since doing a step means going to the phone's
//!   settings or WhatsApp and coming back;
//! - "Start over" (back at the first step, nothing answered) after an
//!   outcome begins a new walk, which sends `started` again; before an
//!   outcome it is the same walk. Undo of that "Start over" returns to the
//!   walk that ended and sends nothing more for it (the new walk's
//!   `started` stays counted).
//!
//! A walk the widget resumes (a link with answers, or saved progress; a
//! reload is one) sends nothing for the steps it already had nor for the
//! step it opens at: they were counted when first shown, in the earlier
//! visit. Nor does it send `left`: the earlier page was closed before an
//! outcome, which sent its `left` then. From there it counts new
//! steps and its outcome as any walk does (a person who comes back and
//! finishes counts as having left once and as resolved or escalated).

use serde::{Deserialize, Serialize};

use crate::session::Session;
use crate::speed::SpeedResult;
use crate::tree::paths::SYMPTOM_FACT;
use crate::tree::{Node, NodeId, OutcomeKind, ValidTree};

/// The beacon format version (`"v"`): this core writes it, the server
/// reads it. The vocabulary below ([`Kind`], [`Bucket`], the tree's
/// [`OutcomeKind`]) is the one definition both sides use.
pub const BEACON_VERSION: u8 = 1;

/// What happened, as the beacon's `kind` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A walk began (at the tree's first step).
    Started,
    /// A step was shown.
    Step,
    /// The person said this fix unstuck the backup.
    FixedBy,
    /// The walk reached an outcome (`outcome` says which).
    Outcome,
    /// The page was closed at this step before any outcome.
    Left,
}

impl Kind {
    /// The name in the beacon (and in the collector's database).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Started => "started",
            Kind::Step => "step",
            Kind::FixedBy => "fixed-by",
            Kind::Outcome => "outcome",
            Kind::Left => "left",
        }
    }
}

/// A coarse speed bucket, in Mbit/s: never the measured figure itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Bucket {
    /// Below 1 Mbit/s.
    #[serde(rename = "<1")]
    Below1,
    /// 1 to under 5 Mbit/s.
    #[serde(rename = "1-5")]
    From1To5,
    /// 5 to 20 Mbit/s.
    #[serde(rename = "5-20")]
    From5To20,
    /// Above 20 Mbit/s.
    #[serde(rename = ">20")]
    Above20,
}

impl Bucket {
    /// Every bucket, slowest first.
    pub const ALL: [Bucket; 4] = [
        Bucket::Below1,
        Bucket::From1To5,
        Bucket::From5To20,
        Bucket::Above20,
    ];

    /// The name in the beacon (and in the collector's database).
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Below1 => "<1",
            Bucket::From1To5 => "1-5",
            Bucket::From5To20 => "5-20",
            Bucket::Above20 => ">20",
        }
    }

    /// The bucket a speed in Mbit/s falls in; `None` for a figure that is
    /// not a finite, non-negative number (nothing is sent then).
    pub fn of_mbps(mbps: f64) -> Option<Self> {
        if !mbps.is_finite() || mbps < 0.0 {
            None
        } else if mbps < 1.0 {
            Some(Bucket::Below1)
        } else if mbps < 5.0 {
            Some(Bucket::From1To5)
        } else if mbps <= 20.0 {
            Some(Bucket::From5To20)
        } else {
            Some(Bucket::Above20)
        }
    }
}

/// One beacon, field for field as the collector reads it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Beacon {
    /// Always [`BEACON_VERSION`].
    pub v: u8,
    /// The tree's id.
    pub tree: String,
    /// The tree's revision.
    pub revision: String,
    /// The language the widget shows (`pt-BR`).
    pub lang: String,
    /// What happened.
    pub kind: Kind,
    /// The step it happened at.
    pub node: String,
    /// `QUESTION:INDEX`: the symptom question and the answer's index, once
    /// answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symptom: Option<String>,
    /// How the walk ended; exactly when `kind` is `outcome`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeKind>,
    /// The last connection test's download bucket, once measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download: Option<Bucket>,
    /// The last connection test's upload bucket, once measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload: Option<Bucket>,
}

impl Beacon {
    /// The JSON body to send.
    pub fn to_json(&self) -> String {
        // Plain strings, numbers and enums: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What a walk looks like right now, for the beacons about it.
#[derive(Clone, Copy, Debug)]
pub struct Moment<'a> {
    /// The tree walked.
    pub tree: &'a ValidTree,
    /// The walk, at the step shown.
    pub session: &'a Session,
    /// The last connection test, if any.
    pub speed: Option<&'a SpeedResult>,
    /// The language the widget shows.
    pub lang: &'a str,
}

impl Moment<'_> {
    fn beacon(&self, kind: Kind, node: &NodeId) -> Beacon {
        let speed = self.speed;
        let bucket = |mbps: Option<f64>| mbps.and_then(Bucket::of_mbps);
        Beacon {
            v: BEACON_VERSION,
            tree: self.tree.id.clone(),
            revision: self.tree.revision.clone(),
            lang: self.lang.to_owned(),
            kind,
            node: node.as_str().to_owned(),
            symptom: symptom(self.session),
            outcome: None,
            download: bucket(speed.and_then(|s| s.download_mbps)),
            upload: bucket(speed.and_then(|s| s.upload_mbps)),
        }
    }
}

/// The symptom answer as the beacon says it: `QUESTION:INDEX`.
pub fn symptom(session: &Session) -> Option<String> {
    session
        .facts()
        .remove(SYMPTOM_FACT)
        .map(|fact| format!("{}:{}", fact.node.as_str(), fact.answer))
}

/// What one widget's walk has sent so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tracker {
    /// A step has been shown since the widget opened.
    begun: bool,
    /// Steps already counted in this walk.
    seen: Vec<NodeId>,
    /// The walk's outcome is counted (or was, before it was resumed).
    ended: bool,
    /// `left` is sent.
    left: bool,
    /// Where the walk ended: its outcome and how many steps led there.
    end: Option<(NodeId, usize)>,
    /// The walk that had ended, from "Start over" until the next step:
    /// Undo of that "Start over" returns to it.
    before: Option<Box<Tracker>>,
}

impl Tracker {
    /// A widget that has shown nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The beacons for showing `moment`'s current step (none when it was
    /// counted before; see the module's rules).
    pub fn shown(&mut self, moment: Moment<'_>) -> Vec<Beacon> {
        let session = moment.session;
        let current = session.current();
        let Some(node) = moment.tree.node(current) else {
            return Vec::new();
        };
        let at_start = session.steps().is_empty();
        let here = (current.clone(), session.steps().len());
        if let (false, Some(before)) = (at_start, self.before.take()) {
            if before.end.as_ref() == Some(&here) {
                // Undo of "Start over": the walk that ended, already counted.
                *self = *before;
                return Vec::new();
            }
        }
        let mut out = Vec::new();
        if !self.begun || (self.ended && at_start) {
            let resumed = !self.begun && !at_start;
            let before = self.ended.then(|| {
                let mut ended = std::mem::take(self);
                ended.before = None;
                Box::new(ended)
            });
            *self = Tracker {
                begun: true,
                before,
                ..Tracker::default()
            };
            if resumed {
                self.seen = session.steps().iter().map(|s| s.node.clone()).collect();
                self.seen.push(current.clone());
                if matches!(node, Node::Outcome(_)) {
                    self.ended = true;
                    self.end = Some(here);
                }
                self.left = true;
                return out;
            }
            out.push(moment.beacon(Kind::Started, current));
        }
        if self.seen.contains(current) {
            return out;
        }
        self.seen.push(current.clone());
        out.push(moment.beacon(Kind::Step, current));
        if let (Node::Outcome(outcome), false) = (node, self.ended) {
            self.ended = true;
            self.end = Some(here);
            if let Some(fix) = session.fixed_by() {
                out.push(moment.beacon(Kind::FixedBy, &fix));
            }
            let mut end = moment.beacon(Kind::Outcome, current);
            end.outcome = Some(outcome.outcome);
            out.push(end);
        }
        out
    }

    /// The `left` beacon when the page is closed at `moment`'s
    /// step: once per walk, only before an outcome, only after a step was
    /// shown, never for a resumed walk.
    pub fn left(&mut self, moment: Moment<'_>) -> Option<Beacon> {
        if !self.begun || self.ended || self.left {
            return None;
        }
        self.left = true;
        Some(moment.beacon(Kind::Left, moment.session.current()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Choice;
    use crate::speed::TestEnd;
    use crate::tree::Tree;

    fn default_tree() -> ValidTree {
        let json = include_str!("../trees/default.json");
        Tree::from_json(json).expect("the default tree is valid")
    }

    fn at<'a>(tree: &'a ValidTree, session: &'a Session) -> Moment<'a> {
        Moment {
            tree,
            session,
            speed: None,
            lang: "pt-BR",
        }
    }

    fn kinds(beacons: &[Beacon]) -> Vec<(Kind, String)> {
        beacons.iter().map(|b| (b.kind, b.node.clone())).collect()
    }

    /// Android → the first symptom → the first fix → "Yes, fixed".
    fn android_fixed(tree: &ValidTree) -> Vec<Session> {
        let mut session = Session::new(tree);
        let mut shown = vec![session.clone()];
        for choice in [Choice::Answer(0), Choice::Answer(0)] {
            session.choose(tree, choice).expect("an answer");
            shown.push(session.clone());
        }
        while !matches!(tree.node(session.current()), Some(Node::Fix(_))) {
            let first = session.options(tree)[0];
            session.choose(tree, first).expect("the first option");
            shown.push(session.clone());
        }
        session.choose(tree, Choice::Fixed).expect("fixed");
        shown.push(session.clone());
        shown
    }

    #[test]
    fn a_fresh_walk_sends_started_each_new_step_and_its_end_with_the_fix() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let mut tracker = Tracker::new();
        let sent: Vec<Beacon> = walk
            .iter()
            .flat_map(|s| tracker.shown(at(&tree, s)))
            .collect();
        let last = walk.last().expect("a walk");
        let fix = last.fixed_by().expect("a fix").as_str().to_owned();
        let end = last.current().as_str().to_owned();
        let mut expected = vec![(Kind::Started, "platform".to_owned())];
        expected.extend(
            walk.iter()
                .map(|s| (Kind::Step, s.current().as_str().to_owned())),
        );
        expected.push((Kind::FixedBy, fix));
        expected.push((Kind::Outcome, end));
        assert_eq!(kinds(&sent), expected);
        assert_eq!(
            sent.last().and_then(|b| b.outcome),
            Some(OutcomeKind::Resolved)
        );
        // No symptom before the symptom question is answered; then on each.
        assert_eq!(sent[0].symptom, None);
        assert_eq!(
            sent.last().and_then(|b| b.symptom.as_deref()),
            Some("android-symptom:0")
        );
        assert!(
            tracker.left(at(&tree, last)).is_none(),
            "no left after an end"
        );
    }

    #[test]
    fn a_beacon_is_the_json_the_collector_reads() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let last = walk.last().expect("a walk");
        let mut speed = SpeedResult::new(TestEnd::Stable, 2_000_000, 3_000.0);
        speed.download_mbps = Some(12.0);
        speed.upload_mbps = Some(1.0);
        let mut tracker = Tracker::new();
        tracker.shown(at(&tree, &walk[0]));
        let moment = Moment {
            speed: Some(&speed),
            ..at(&tree, last)
        };
        let end = tracker.shown(moment).pop().expect("the outcome");
        assert_eq!(
            end.to_json(),
            format!(
                r#"{{"v":1,"tree":"whatsapp-backup-stuck","revision":"{}","lang":"pt-BR","kind":"outcome","node":"{}","symptom":"android-symptom:0","outcome":"resolved","download":"5-20","upload":"1-5"}}"#,
                tree.revision,
                last.current().as_str()
            )
        );
        let start = Tracker::new()
            .shown(at(&tree, &walk[0]))
            .remove(0)
            .to_json();
        assert_eq!(
            start,
            format!(
                r#"{{"v":1,"tree":"whatsapp-backup-stuck","revision":"{}","lang":"pt-BR","kind":"started","node":"platform"}}"#,
                tree.revision
            )
        );
    }

    #[test]
    fn re_renders_back_and_forward_never_count_a_step_twice() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let mut tracker = Tracker::new();
        let mut sent = Vec::new();
        sent.extend(tracker.shown(at(&tree, &walk[0])));
        sent.extend(tracker.shown(at(&tree, &walk[0])));
        sent.extend(tracker.shown(at(&tree, &walk[1])));
        let mut back = walk[1].clone();
        assert!(back.back());
        sent.extend(tracker.shown(at(&tree, &back)));
        sent.extend(tracker.shown(at(&tree, &walk[1])));
        sent.extend(tracker.shown(at(&tree, &walk[2])));
        assert_eq!(
            kinds(&sent),
            vec![
                (Kind::Started, "platform".to_owned()),
                (Kind::Step, "platform".to_owned()),
                (Kind::Step, walk[1].current().as_str().to_owned()),
                (Kind::Step, walk[2].current().as_str().to_owned()),
            ]
        );
    }

    #[test]
    fn leaving_before_an_end_is_sent_once_at_the_step_shown() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let mut tracker = Tracker::new();
        assert!(
            tracker.left(at(&tree, &walk[0])).is_none(),
            "nothing shown yet"
        );
        tracker.shown(at(&tree, &walk[0]));
        tracker.shown(at(&tree, &walk[1]));
        tracker.shown(at(&tree, &walk[2]));
        let left = tracker.left(at(&tree, &walk[2])).expect("left");
        assert_eq!(
            (left.kind, left.node.as_str()),
            (Kind::Left, walk[2].current().as_str())
        );
        assert_eq!(left.symptom.as_deref(), Some("android-symptom:0"));
        assert!(tracker.left(at(&tree, &walk[2])).is_none(), "once per walk");
        // Coming back and finishing still counts the end.
        let last = walk.last().expect("a walk");
        let end = tracker.shown(at(&tree, last));
        assert_eq!(end.last().map(|b| b.kind), Some(Kind::Outcome));
    }

    #[test]
    fn a_resumed_walk_sends_nothing_for_what_it_had_then_counts_what_is_new() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let mut tracker = Tracker::new();
        assert!(tracker.shown(at(&tree, &walk[1])).is_empty());
        let mut back = walk[1].clone();
        assert!(back.back());
        assert!(tracker.shown(at(&tree, &back)).is_empty(), "an old step");
        assert!(
            tracker.shown(at(&tree, &walk[1])).is_empty(),
            "the step it opened at"
        );
        let next = tracker.shown(at(&tree, &walk[2]));
        assert_eq!(
            kinds(&next),
            vec![(Kind::Step, walk[2].current().as_str().to_owned())]
        );
        assert!(
            tracker.left(at(&tree, &walk[2])).is_none(),
            "left in the earlier page"
        );
        let end = tracker.shown(at(&tree, &walk[3]));
        assert_eq!(end.last().map(|b| b.kind), Some(Kind::Outcome));

        // Resumed at an end: that end was counted before.
        let last = walk.last().expect("a walk");
        let mut at_end = Tracker::new();
        assert!(at_end.shown(at(&tree, last)).is_empty());
        assert!(at_end.left(at(&tree, last)).is_none());
    }

    #[test]
    fn one_outcome_per_walk_and_start_over_after_it_is_a_new_walk() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let last = walk.last().expect("a walk");
        let mut tracker = Tracker::new();
        for s in &walk {
            tracker.shown(at(&tree, s));
        }
        // Back from the end, "No, still stuck": another end, not counted as one.
        let mut other = last.clone();
        assert!(other.back());
        other.choose(&tree, Choice::NotFixed).expect("not fixed");
        let again = tracker.shown(at(&tree, &other));
        assert!(again.iter().all(|b| b.kind == Kind::Step), "{again:?}");

        let mut over = last.clone();
        over.restart();
        let restarted = tracker.shown(at(&tree, &over));
        assert_eq!(
            kinds(&restarted),
            vec![
                (Kind::Started, "platform".to_owned()),
                (Kind::Step, "platform".to_owned())
            ]
        );
        // The new walk counts its steps and its end afresh.
        let second: Vec<Beacon> = walk[1..]
            .iter()
            .flat_map(|s| tracker.shown(at(&tree, s)))
            .collect();
        assert_eq!(second.len(), walk.len() - 1 + 2, "{second:?}");
        assert_eq!(second.last().map(|b| b.kind), Some(Kind::Outcome));
    }

    #[test]
    fn undo_of_start_over_after_an_end_does_not_count_the_end_again() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let last = walk.last().expect("a walk");
        let mut tracker = Tracker::new();
        for s in &walk {
            tracker.shown(at(&tree, s));
        }
        let mut over = last.clone();
        over.restart();
        assert_eq!(tracker.shown(at(&tree, &over)).len(), 2, "started, step");
        // Undo brings the ended walk back: nothing new, no `left` for it.
        assert!(tracker.shown(at(&tree, last)).is_empty());
        assert!(tracker.left(at(&tree, last)).is_none());
        // Once the new walk has moved on, reaching that end again counts.
        let mut again = Tracker::new();
        for s in &walk {
            again.shown(at(&tree, s));
        }
        again.shown(at(&tree, &over));
        again.shown(at(&tree, &walk[1]));
        let end = again.shown(at(&tree, last));
        assert_eq!(end.last().map(|b| b.kind), Some(Kind::Outcome));
    }

    #[test]
    fn start_over_before_an_end_is_the_same_walk() {
        let tree = default_tree();
        let walk = android_fixed(&tree);
        let mut tracker = Tracker::new();
        tracker.shown(at(&tree, &walk[0]));
        tracker.shown(at(&tree, &walk[1]));
        let mut over = walk[1].clone();
        over.restart();
        assert!(tracker.shown(at(&tree, &over)).is_empty());
    }

    #[test]
    fn speeds_fall_in_the_collectors_buckets() {
        let cases = [
            (0.0, Some(Bucket::Below1)),
            (0.99, Some(Bucket::Below1)),
            (1.0, Some(Bucket::From1To5)),
            (4.99, Some(Bucket::From1To5)),
            (5.0, Some(Bucket::From5To20)),
            (20.0, Some(Bucket::From5To20)),
            (20.01, Some(Bucket::Above20)),
            (f64::NAN, None),
            (f64::INFINITY, None),
            (-1.0, None),
        ];
        for (mbps, bucket) in cases {
            assert_eq!(Bucket::of_mbps(mbps), bucket, "{mbps}");
        }
    }
}
