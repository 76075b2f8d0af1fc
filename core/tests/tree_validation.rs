//! A tree file with mistakes is refused with every mistake at once, each
//! naming the node and the JSON Pointer an author needs to fix it.

use backup_doctor_core::tree::{Problem, ProblemKind, Severity, Tree, TreeErrors, MAX_TREE_BYTES};

fn refused(name: &str, json: &str) -> TreeErrors {
    match Tree::from_json(json) {
        Ok(_) => panic!("{name} was accepted"),
        Err(errors) => errors,
    }
}

/// Asserts that exactly one problem sits at `path`, with `node`, and returns it.
fn at<'a>(errors: &'a TreeErrors, path: &str, node: Option<&str>) -> &'a Problem {
    let found: Vec<&Problem> = errors.problems.iter().filter(|p| p.path == path).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one problem at {path}, got:\n{errors}"
    );
    assert_eq!(found[0].node.as_ref().map(|n| n.as_str()), node, "{errors}");
    found[0]
}

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("fixtures/", $name)))
    };
}

#[test]
fn base_fixture_is_valid_without_warnings() {
    let (_, json) = fixture!("base.json");
    let tree = Tree::from_json(json).expect("base fixture is valid");
    assert!(tree.warnings().is_empty());
}

#[test]
fn not_json_says_where() {
    let (name, json) = fixture!("not-json.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1);
    match &errors.problems[0].kind {
        ProblemKind::NotJson { line, .. } => assert_eq!(*line, 4),
        other => panic!("expected NotJson, got {other:?}"),
    }
    assert!(errors.to_string().contains("line 4"), "{errors}");
}

#[test]
fn too_large_is_refused_before_reading() {
    let padding = " ".repeat(MAX_TREE_BYTES);
    let errors = refused("huge", &format!("{{{padding}}}"));
    assert_eq!(errors.problems.len(), 1);
    assert!(matches!(
        errors.problems[0].kind,
        ProblemKind::TooLarge { .. }
    ));
    assert!(errors.to_string().contains("768 KiB"), "{errors}");
}

#[test]
fn wrong_format_version() {
    let (name, json) = fixture!("wrong-format.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    let problem = at(&errors, "/format", None);
    assert_eq!(problem.kind, ProblemKind::WrongFormat { found: "3".into() });
}

#[test]
fn unknown_field_is_a_typo_with_a_suggestion() {
    let (name, json) = fixture!("unknown-field.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/1/titel", Some("restart"));
    assert!(matches!(problem.kind, ProblemKind::UnknownField { .. }));
    assert!(
        problem
            .to_string()
            .contains("unknown field \"titel\": did you mean \"title\"?"),
        "{problem}"
    );
    // The real title is then missing, reported on the node.
    let missing = at(&errors, "/nodes/1", Some("restart"));
    assert_eq!(missing.kind, ProblemKind::MissingField { field: "title" });
}

#[test]
fn missing_field() {
    let (name, json) = fixture!("missing-field.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    let problem = at(&errors, "/nodes/1", Some("restart"));
    assert_eq!(problem.kind, ProblemKind::MissingField { field: "next" });
    assert_eq!(
        problem.to_string(),
        "node \"restart\" (/nodes/1): the required field \"next\" is missing"
    );
}

#[test]
fn wrong_type() {
    let (name, json) = fixture!("wrong-type.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    let problem = at(&errors, "/nodes/0/answers", Some("platform"));
    assert_eq!(
        problem.kind,
        ProblemKind::WrongType {
            expected: "a list",
            found: "a string"
        }
    );
}

#[test]
fn bad_route_condition_lists_the_known_ones() {
    let (name, json) = fixture!("bad-value.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/2/routes/0/when", Some("speed"));
    let message = problem.to_string();
    assert!(
        message.contains("\"slow\" is not a known route condition"),
        "{message}"
    );
    assert!(message.contains("slow_upload"), "{message}");
}

#[test]
fn bad_tree_id() {
    let (name, json) = fixture!("bad-tree-id.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    assert!(matches!(
        at(&errors, "/id", None).kind,
        ProblemKind::BadValue { .. }
    ));
}

#[test]
fn duplicate_id_points_at_the_first() {
    let (name, json) = fixture!("duplicate-id.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/4/id", Some("resolved"));
    assert_eq!(
        problem.kind,
        ProblemKind::DuplicateId {
            first: "/nodes/3".into()
        }
    );
}

#[test]
fn unknown_reference_reads_like_the_brief() {
    let (name, json) = fixture!("unknown-reference.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/1/next", Some("restart"));
    assert_eq!(
        problem.to_string(),
        "node \"restart\" (/nodes/1/next): points to \"android-forcestop\", which does not exist"
    );
}

#[test]
fn unknown_start() {
    let (name, json) = fixture!("unknown-start.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    let problem = at(&errors, "/start", None);
    assert!(matches!(problem.kind, ProblemKind::UnknownReference { .. }));
}

#[test]
fn an_unreachable_node_is_a_warning_and_the_tree_still_works() {
    let (name, json) = fixture!("unreachable.json");
    let tree = Tree::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
    let warnings = tree.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "/nodes/5");
    assert_eq!(warnings[0].kind, ProblemKind::Unreachable);
    assert_eq!(warnings[0].severity, Severity::Warning);
}

#[test]
fn question_without_answers_has_no_way_forward() {
    let (name, json) = fixture!("no-way-forward.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/0/answers", Some("platform"));
    assert_eq!(problem.kind, ProblemKind::NoWayForward);
}

#[test]
fn loop_without_exit_is_reported_once_with_its_members() {
    let (name, json) = fixture!("cycle-without-exit.json");
    let errors = refused(name, json);
    let cycles: Vec<&Problem> = errors
        .problems
        .iter()
        .filter(|p| matches!(p.kind, ProblemKind::CycleWithoutExit { .. }))
        .collect();
    assert_eq!(cycles.len(), 1, "{errors}");
    assert_eq!(cycles[0].path, "/nodes/5");
    let message = cycles[0].to_string();
    assert!(message.contains("\"loop-a\" → \"loop-b\""), "{message}");
}

#[test]
fn whitespace_only_label_is_empty() {
    let (name, json) = fixture!("empty-text.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    let problem = at(&errors, "/nodes/0/answers/1/label/en", Some("platform"));
    assert_eq!(problem.kind, ProblemKind::EmptyText { lang: "en".into() });
}

#[test]
fn warning_needs_confirm_and_confirm_needs_warning() {
    let (name, json) = fixture!("warning-without-confirm.json");
    let errors = refused(name, json);
    assert_eq!(
        at(&errors, "/nodes/1", Some("restart")).kind,
        ProblemKind::WarningWithoutConfirm
    );
    let (name, json) = fixture!("confirm-without-warning.json");
    let errors = refused(name, json);
    assert_eq!(
        at(&errors, "/nodes/1/confirm", Some("restart")).kind,
        ProblemKind::ConfirmWithoutWarning
    );
}

#[test]
fn javascript_link_in_any_case_is_a_bad_link() {
    let (name, json) = fixture!("bad-link.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    let problem = at(&errors, "/nodes/4/body/en", Some("escalate"));
    assert_eq!(
        problem.kind,
        ProblemKind::BadLink {
            href: "JaVaScRiPt:alert(1)".into()
        }
    );
}

#[test]
fn missing_translation_is_only_a_warning() {
    let (_, json) = fixture!("missing-translation.json");
    let tree = Tree::from_json(json).expect("warnings alone still give a tree");
    assert_eq!(tree.warnings().len(), 1);
    let warning = &tree.warnings()[0];
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.path, "/nodes/3/title");
    assert_eq!(
        warning.kind,
        ProblemKind::MissingTranslation { lang: "es".into() }
    );
    // The Spanish reader sees the English title instead, flagged as such.
    let title = tree.get("resolved").expect("node").title();
    assert_eq!(title.get("es"), ("Fixed", true));
}

#[test]
fn missing_english_is_an_error() {
    let (name, json) = fixture!("missing-english.json");
    let errors = refused(name, json);
    assert_eq!(errors.problems.len(), 1, "{errors}");
    assert_eq!(
        at(&errors, "/nodes/3/title", Some("resolved")).kind,
        ProblemKind::MissingEnglish
    );
    let (name, json) = fixture!("missing-english-in-langs.json");
    let errors = refused(name, json);
    assert_eq!(
        at(&errors, "/langs", None).kind,
        ProblemKind::MissingEnglish
    );
}

#[test]
fn many_problems_are_all_reported_at_once() {
    let (name, json) = fixture!("many-problems.json");
    let errors = refused(name, json);
    let mut got: Vec<(String, Option<String>, String)> = errors
        .problems
        .iter()
        .map(|p| {
            let kind = format!("{:?}", p.kind);
            let kind = kind.split([' ', '{', '(']).next().unwrap_or("").to_owned();
            (p.path.clone(), p.node.as_ref().map(|n| n.to_string()), kind)
        })
        .collect();
    got.sort();
    let mut expected: Vec<(String, Option<String>, String)> = [
        ("/extra", None, "UnknownField"),
        (
            "/nodes/0/answers/1/next",
            Some("platform"),
            "UnknownReference",
        ),
        ("/nodes/1/titel", Some("restart"), "UnknownField"),
        ("/nodes/1", Some("restart"), "MissingField"),
        ("/nodes/2/routes/0/when", Some("speed"), "BadValue"),
        ("/nodes/3/title/en", Some("resolved"), "EmptyText"),
        ("/nodes/4/body/en", Some("escalate"), "BadLink"),
        ("/nodes/5/id", Some("restart"), "DuplicateId"),
        ("/nodes/6", Some("clear"), "WarningWithoutConfirm"),
        ("/nodes/6/next", Some("clear"), "UnknownReference"),
        ("/nodes/7", Some("typeless"), "MissingField"),
        ("/nodes/8", None, "WrongType"),
    ]
    .iter()
    .map(|(path, node, kind)| (path.to_string(), node.map(str::to_owned), kind.to_string()))
    .collect();
    expected.sort();
    assert_eq!(got, expected, "\n{errors}");
    // The whole report is readable text, one line per problem.
    assert_eq!(errors.to_string().lines().count(), 13, "{errors}");
}

#[test]
fn a_format_1_tree_still_reads() {
    let (_, json) = fixture!("base.json");
    assert!(json.contains("\"format\": 1"));
    assert!(Tree::from_json(json).is_ok());
}

#[test]
fn a_copy_shows_its_original_and_a_guarded_risk_is_fine() {
    let (_, json) = fixture!("guarded-risk-with-copy.json");
    let tree = Tree::from_json(json).expect("valid");
    let copy = tree.get("restart-iphone").expect("the copy");
    assert_eq!(copy.title().en(), "Restart your phone");
    assert_eq!(copy.edges()[1].target.as_str(), "escalate");
    assert_eq!(
        copy.risk(),
        Some(backup_doctor_core::tree::Risk::Chats),
        "a copy carries its original's risk"
    );
}

#[test]
fn a_copy_of_another_type_is_refused() {
    let (name, json) = fixture!("copy-of-other-type.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/5/copy_of", Some("restart-again"));
    assert!(matches!(
        &problem.kind,
        ProblemKind::CopyOfOtherType {
            found: "speed_test",
            ..
        }
    ));
}

#[test]
fn a_copy_of_a_copy_is_refused() {
    let (name, json) = fixture!("copy-of-copy.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/6/copy_of", Some("restart-third"));
    assert!(
        matches!(&problem.kind, ProblemKind::CopyOfCopy { original } if original == "restart-again")
    );
}

/// Found by `fuzz_tree_json`: `"copy_of": null` is no copy, so the node
/// needs its own title, and the problem must point at a place in the file.
#[test]
fn a_null_copy_of_is_no_copy_and_the_missing_title_is_said_where_it_belongs() {
    let (name, json) = fixture!("copy-of-copy.json");
    let mut doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["nodes"][5]["copy_of"] = serde_json::Value::Null;
    let errors = refused(name, &doc.to_string());
    let problem = at(&errors, "/nodes/5", Some("restart-again"));
    assert_eq!(problem.kind, ProblemKind::MissingField { field: "title" });
    assert!(
        errors
            .problems
            .iter()
            .all(|p| doc.pointer(&p.path).is_some()),
        "{errors}"
    );
}

#[test]
fn a_copy_with_its_own_title_is_refused() {
    let (name, json) = fixture!("copy-with-own-text.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/5/title", Some("restart-again"));
    assert!(
        matches!(&problem.kind, ProblemKind::CopyWithOwnText { original } if original == "restart")
    );
    assert!(
        problem.to_string().contains("remove this text"),
        "{problem}"
    );
}

#[test]
fn a_question_copy_needs_one_next_per_answer() {
    let (name, json) = fixture!("copy-answer-count.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/5/answers", Some("platform-again"));
    assert_eq!(
        problem.kind,
        ProblemKind::CopyAnswerCount {
            original: "platform".into(),
            expected: 2,
            found: 1
        }
    );
}

#[test]
fn a_known_answer_must_exist() {
    let (name, json) = fixture!("known-answer-out-of-range.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/0/known/0/answer", Some("platform"));
    assert_eq!(
        problem.kind,
        ProblemKind::NoSuchKnownAnswer {
            answer: 2,
            count: 2
        }
    );
}

#[test]
fn a_risk_needs_a_warning() {
    let (name, json) = fixture!("risk-without-warning.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/1/risk", Some("restart"));
    assert_eq!(problem.kind, ProblemKind::RiskWithoutWarning);
}

#[test]
fn a_step_that_can_lose_chats_needs_a_safety_check_before_it() {
    let (name, json) = fixture!("unguarded-risk.json");
    let errors = refused(name, json);
    let problem = at(&errors, "/nodes/1", Some("restart"));
    let ProblemKind::UnguardedRisk { walk } = &problem.kind else {
        panic!("expected UnguardedRisk, got {problem}");
    };
    let walk: Vec<&str> = walk.iter().map(|n| n.as_str()).collect();
    assert_eq!(walk, ["platform", "restart"]);
    assert!(problem.to_string().contains("safety check"), "{problem}");
}
