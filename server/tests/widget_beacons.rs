//! The widget's beacons and this collector agree on the format: every
//! beacon the core's tracker makes for walks through the built-in tree (a
//! fix that works, every fix failing to support, leaving, with and without
//! a connection test) is accepted by the collector's parser with the same
//! fields. Both sides share the vocabulary (the core's `Kind`, `Bucket`
//! and `OutcomeKind`), so what is checked here is that the names the
//! widget writes are the names the collector stores.

use backup_doctor_core::insights::{Beacon, Moment, Tracker};
use backup_doctor_core::session::{Choice, Session};
use backup_doctor_core::speed::{SpeedResult, TestEnd};
use backup_doctor_core::tree::{Node, Tree, ValidTree};
use backup_doctor_server::insights::beacon::{self, Bucket};

fn default_tree() -> ValidTree {
    Tree::from_json(include_str!("../../core/trees/default.json")).expect("the built-in tree")
}

/// Walks from the start: `answers` at the first questions, then the first
/// answer, `at_fix` at every fix and the first way on elsewhere, to an end.
fn walk(tree: &ValidTree, answers: &[usize], at_fix: Choice) -> Vec<Session> {
    let mut session = Session::new(tree);
    let mut shown = vec![session.clone()];
    let mut answers = answers.iter().copied();
    for _ in 0..200 {
        let choice = match tree.node(session.current()) {
            Some(Node::Outcome(_)) | None => return shown,
            Some(Node::Question(_)) => Choice::Answer(answers.next().unwrap_or(0)),
            Some(Node::Fix(_)) => at_fix,
            Some(Node::SpeedTest(_)) => session.options(tree)[0],
        };
        session
            .choose(tree, choice)
            .expect("a choice the step takes");
        shown.push(session.clone());
    }
    panic!("no end after 200 steps");
}

fn beacons(
    tree: &ValidTree,
    walk: &[Session],
    speed: Option<&SpeedResult>,
    leave_at: Option<usize>,
) -> Vec<Beacon> {
    let mut tracker = Tracker::new();
    let mut out = Vec::new();
    for (i, session) in walk.iter().enumerate() {
        let moment = Moment {
            tree,
            session,
            speed,
            lang: "pt-BR",
        };
        out.extend(tracker.shown(moment));
        if leave_at == Some(i) {
            out.extend(tracker.left(moment));
            break;
        }
    }
    out
}

fn same_bucket(widget: Option<Bucket>, server: Option<Bucket>) -> bool {
    let name = |b: Bucket| {
        serde_json::to_value(b)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
    };
    widget.and_then(name).as_deref() == server.map(Bucket::as_str)
}

#[test]
fn every_beacon_the_widget_makes_is_accepted_with_the_same_fields() {
    let tree = default_tree();
    let mut speed = SpeedResult::new(TestEnd::Stable, 2_000_000, 3_000.0);
    speed.download_mbps = Some(0.4);
    speed.upload_mbps = Some(25.0);
    let fixed = walk(&tree, &[0, 0], Choice::Fixed);
    let escalated = walk(&tree, &[0, 0], Choice::NotFixed);
    let mut all = Vec::new();
    all.extend(beacons(&tree, &fixed, None, None));
    all.extend(beacons(&tree, &escalated, Some(&speed), None));
    all.extend(beacons(&tree, &escalated, Some(&speed), Some(3)));
    let mut kinds = std::collections::BTreeSet::new();
    for b in &all {
        let json = b.to_json();
        let event = beacon::parse(json.as_bytes()).unwrap_or_else(|e| panic!("{json}: {e}"));
        kinds.insert(event.kind.as_str());
        assert_eq!(
            serde_json::to_value(b.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .as_deref(),
            Some(event.kind.as_str()),
            "{json}"
        );
        assert_eq!(
            (
                event.tree.as_str(),
                event.revision.as_str(),
                event.lang.as_str()
            ),
            (tree.id.as_str(), tree.revision.as_str(), "pt-BR")
        );
        assert_eq!(
            (&event.node, &event.symptom),
            (&b.node, &b.symptom),
            "{json}"
        );
        assert_eq!(
            event.outcome.map(|o| o.as_str()),
            b.outcome
                .and_then(|o| serde_json::to_value(o).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .as_deref(),
            "{json}"
        );
        assert!(
            same_bucket(b.download, event.download) && same_bucket(b.upload, event.upload),
            "{json}"
        );
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["fixed-by", "left", "outcome", "started", "step"]
    );
    let has = |part: &str| all.iter().any(|b| b.to_json().contains(part));
    assert!(has(r#""outcome":"escalate""#), "a walk to support");
    assert!(has(r#""download":"<1","upload":">20""#), "buckets");
}

#[test]
fn every_bucket_is_written_by_the_name_it_is_stored_under() {
    for hundredths in 0..=3_000 {
        let mbps = f64::from(hundredths) / 100.0;
        let bucket = Bucket::of_mbps(mbps);
        assert!(
            bucket.is_some() && same_bucket(bucket, bucket),
            "{mbps} Mbit/s"
        );
    }
}
