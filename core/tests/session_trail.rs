//! The URL-fragment trail: every walk survives encode → decode exactly, and
//! any trail that does not fit the tree is an error, never a panic.

use backup_doctor_core::session::{Choice, Session, SessionError, MAX_TRAIL_STEPS};
use backup_doctor_core::tree::{Tree, ValidTree};

fn walk_tree() -> ValidTree {
    Tree::from_json(include_str!("fixtures/walk.json")).expect("walk fixture is valid")
}

/// Every session state reachable with each node visited at most `limit`
/// times on the way (so loops are followed, but not forever).
fn all_states(tree: &ValidTree, limit: usize) -> Vec<Session> {
    let mut states = Vec::new();
    let mut stack = vec![Session::new(tree)];
    while let Some(session) = stack.pop() {
        for choice in session.options(tree) {
            let mut next = session.clone();
            next.choose(tree, choice).expect("an offered option fits");
            let visits = next
                .steps()
                .iter()
                .filter(|s| &s.node == next.current())
                .count();
            if visits < limit {
                stack.push(next);
            }
        }
        states.push(session);
    }
    states
}

#[test]
fn every_walk_round_trips_through_its_trail() {
    let tree = walk_tree();
    let states = all_states(&tree, 2);
    assert!(states.len() > 200, "only {} walks", states.len());
    for session in &states {
        let trail = session.encode_trail();
        let replayed = Session::from_trail(&tree, &trail).expect("own trail replays");
        assert_eq!(&replayed, session, "trail {trail:?}");
        assert_eq!(replayed.encode_trail(), trail);
    }
}

#[test]
fn trail_is_compact_and_readable() {
    let tree = walk_tree();
    let mut session = Session::new(&tree);
    assert_eq!(session.encode_trail(), "");
    for choice in [
        Choice::Answer(0),
        Choice::Answer(0),
        Choice::Measured { route: Some(0) },
        Choice::Fixed,
        Choice::Measured { route: None },
        Choice::NotFixed,
        Choice::Skipped,
        Choice::Answer(1),
    ] {
        session.choose(&tree, choice).expect("fits");
    }
    assert_eq!(session.encode_trail(), "0.0.m0.y.m.n.s.1");
    assert_eq!(session.current(), "escalate-android");
}

/// What a refused trail's error must look like.
type Expect = fn(&SessionError) -> bool;

#[test]
fn trails_that_do_not_fit_are_errors() {
    let tree = walk_tree();
    let cases: [(&str, Expect); 10] = [
        ("x", |e| {
            matches!(e, SessionError::BadTrail { position: 0, .. })
        }),
        ("0..1", |e| {
            matches!(e, SessionError::BadTrail { position: 1, .. })
        }),
        ("0.1.", |e| {
            matches!(e, SessionError::BadTrail { position: 2, .. })
        }),
        ("00", |e| matches!(e, SessionError::BadTrail { .. })),
        ("0.0.m00", |e| {
            matches!(e, SessionError::BadTrail { position: 2, .. })
        }),
        ("9", |e| {
            matches!(e, SessionError::TrailDoesNotFit { position: 0, .. })
        }),
        ("y", |e| {
            matches!(e, SessionError::TrailDoesNotFit { position: 0, .. })
        }),
        ("0.0.m7", |e| {
            matches!(e, SessionError::TrailDoesNotFit { position: 2, .. })
        }),
        ("1.y.y", |e| {
            matches!(e, SessionError::TrailDoesNotFit { position: 2, .. })
        }),
        ("0.é", |e| {
            matches!(e, SessionError::BadTrail { position: 1, .. })
        }),
    ];
    for (trail, expected) in cases {
        match Session::from_trail(&tree, trail) {
            Ok(session) => panic!("{trail:?} accepted at {}", session.current()),
            Err(error) => assert!(expected(&error), "{trail:?}: {error:?}"),
        }
    }
}

#[test]
fn error_messages_say_which_step() {
    let tree = walk_tree();
    let error = Session::from_trail(&tree, "0.0.m7").expect_err("no route 8");
    assert_eq!(
        error.to_string(),
        "the trail does not fit this tree at step 3: the speed test \"a-speed\" has 2 routes; there is no route 8"
    );
}

#[test]
fn absurdly_long_or_random_trails_never_panic() {
    let tree = walk_tree();
    let long = vec!["0"; MAX_TRAIL_STEPS + 1].join(".");
    assert_eq!(
        Session::from_trail(&tree, &long),
        Err(SessionError::TrailTooLong)
    );
    let huge_token = "1".repeat(100_000);
    assert!(Session::from_trail(&tree, &huge_token).is_err());
    // A cheap deterministic generator: every string it makes must be handled.
    let alphabet = ['0', '1', '2', '9', '.', 'y', 'n', 's', 'm', 'x', '-', ' '];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..5_000 {
        let mut trail = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 24) as usize;
        for i in 0..len {
            let pick = (seed.rotate_left(i as u32 * 5) % alphabet.len() as u64) as usize;
            trail.push(alphabet[pick]);
        }
        if let Ok(session) = Session::from_trail(&tree, &trail) {
            assert_eq!(
                session.encode_trail(),
                trail,
                "accepted a non-canonical trail"
            );
        }
    }
}
