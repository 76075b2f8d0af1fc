//! The beacon a widget sends to `POST /__insights`, and its validation: a
//! strict JSON shape (unknown fields, unknown kinds and out-of-range strings
//! are refused with the reason), turned into an [`Event`] to store.
//!
//! Pure: no I/O, no clock. The receiving day is the caller's to add.

use serde::Deserialize;

/// Largest beacon body accepted, in bytes (a real one is ~250 bytes).
pub const MAX_BEACON_BYTES: usize = 2048;

/// Longest tree id, node id or revision accepted.
pub const MAX_ID_CHARS: usize = 64;

/// Longest language tag accepted (`pt-BR`, `zh-Hant-TW`).
pub const MAX_LANG_CHARS: usize = 16;

// The beacon's version and vocabulary are the core's, which the widget
// writes beacons with: one definition on both sides of the wire.
pub use backup_doctor_core::insights::{Bucket, Kind, BEACON_VERSION};
pub use backup_doctor_core::tree::OutcomeKind;

/// The JSON body as sent; [`parse`] checks it and makes an [`Event`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    v: u8,
    tree: String,
    revision: String,
    lang: String,
    kind: Kind,
    node: String,
    #[serde(default)]
    symptom: Option<String>,
    #[serde(default)]
    outcome: Option<OutcomeKind>,
    #[serde(default)]
    download: Option<Bucket>,
    #[serde(default)]
    upload: Option<Bucket>,
}

/// A checked beacon: every string within its length and character set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Tree id (`whatsapp-backup-stuck`).
    pub tree: String,
    /// The tree's revision (`2026-12-02.1`).
    pub revision: String,
    /// The language the widget showed (`pt-BR`).
    pub lang: String,
    /// What happened.
    pub kind: Kind,
    /// The step it happened at.
    pub node: String,
    /// The answer given to the symptom question (`android-symptom:0`), once
    /// given.
    pub symptom: Option<String>,
    /// How the walk ended; set exactly when `kind` is `outcome`.
    pub outcome: Option<OutcomeKind>,
    /// Download speed bucket, once measured.
    pub download: Option<Bucket>,
    /// Upload speed bucket, once measured.
    pub upload: Option<Bucket>,
}

/// Why a beacon was refused; the message is the 400 response's body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BeaconError {
    /// Bigger than [`MAX_BEACON_BYTES`].
    #[error("a beacon is at most {MAX_BEACON_BYTES} bytes; this one has {0}")]
    TooLarge(usize),
    /// Not JSON, not an object of the beacon's fields, or a field of the
    /// wrong type, an unknown field or an unknown kind.
    #[error("the beacon is not valid: {0}")]
    Json(String),
    /// A format version this server does not read.
    #[error("the beacon says \"v\": {0}; this server reads \"v\": {BEACON_VERSION}")]
    Version(u8),
    /// A field outside its length or character set.
    #[error("the beacon's \"{field}\" {reason}")]
    Field {
        /// The JSON field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// `outcome` missing on an outcome, or present on another kind.
    #[error("\"outcome\" (\"resolved\" or \"escalate\") is required when \"kind\" is \"outcome\" and not allowed otherwise")]
    OutcomeMismatch,
}

/// Checks a beacon body (UTF-8 JSON, any `Content-Type`).
pub fn parse(body: &[u8]) -> Result<Event, BeaconError> {
    if body.len() > MAX_BEACON_BYTES {
        return Err(BeaconError::TooLarge(body.len()));
    }
    let wire: Wire = serde_json::from_slice(body).map_err(|e| BeaconError::Json(e.to_string()))?;
    if wire.v != BEACON_VERSION {
        return Err(BeaconError::Version(wire.v));
    }
    check_id("tree", &wire.tree, is_tree_char)?;
    check_id("revision", &wire.revision, is_revision_char)?;
    check_id("node", &wire.node, is_node_char)?;
    check_lang("lang", &wire.lang)?;
    if let Some(symptom) = &wire.symptom {
        check_symptom(symptom)?;
    }
    if wire.outcome.is_some() != (wire.kind == Kind::Outcome) {
        return Err(BeaconError::OutcomeMismatch);
    }
    Ok(Event {
        tree: wire.tree,
        revision: wire.revision,
        lang: wire.lang,
        kind: wire.kind,
        node: wire.node,
        symptom: wire.symptom,
        outcome: wire.outcome,
        download: wire.download,
        upload: wire.upload,
    })
}

fn is_tree_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Node ids and revisions are the author's (the tree format allows any
/// non-empty text: `étape-1`, `1.0 beta`), so any character but a control
/// character; what they say is shown as text, never as markup.
fn is_node_char(c: char) -> bool {
    !c.is_control()
}

fn is_revision_char(c: char) -> bool {
    !c.is_control()
}

fn check_id(
    field: &'static str,
    value: &str,
    allowed: fn(char) -> bool,
) -> Result<(), BeaconError> {
    let bad = |reason: String| Err(BeaconError::Field { field, reason });
    if value.is_empty() {
        return bad("must not be empty".to_owned());
    }
    let chars = value.chars().count();
    if chars > MAX_ID_CHARS {
        return bad(format!(
            "has {chars} characters; at most {MAX_ID_CHARS} are allowed"
        ));
    }
    if let Some(c) = value.chars().find(|&c| !allowed(c)) {
        let allowed_words = if field == "tree" {
            "lowercase letters, digits and -"
        } else {
            "text without control characters"
        };
        return bad(format!(
            "may hold only {allowed_words}; it has {}",
            describe_char(c)
        ));
    }
    Ok(())
}

fn check_lang(field: &'static str, value: &str) -> Result<(), BeaconError> {
    if is_language_tag(value) {
        return Ok(());
    }
    Err(BeaconError::Field {
        field,
        reason: format!(
            "must be a language tag like \"en\" or \"pt-BR\" (at most {MAX_LANG_CHARS} characters)"
        ),
    })
}

/// A BCP 47-shaped tag of at most [`MAX_LANG_CHARS`]: 2-3 lowercase
/// letters, then `-` subtags of 2-8 letters or digits.
pub(crate) fn is_language_tag(value: &str) -> bool {
    if value.len() > MAX_LANG_CHARS || !value.is_ascii() {
        return false;
    }
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `QUESTION:INDEX`: the symptom question's node id and the 0-based index
/// of the answer chosen (answers carry no ids; their labels are words in
/// one language, which would neither add up across languages nor belong in
/// a count).
fn check_symptom(value: &str) -> Result<(), BeaconError> {
    let bad = || {
        Err(BeaconError::Field {
            field: "symptom",
            reason: "must be the symptom question's node id and the answer's index, like \"android-symptom:0\"".to_owned(),
        })
    };
    let Some((question, index)) = value.rsplit_once(':') else {
        return bad();
    };
    if check_id("symptom", question, is_node_char).is_err()
        || index.is_empty()
        || index.len() > 2
        || !index.bytes().all(|b| b.is_ascii_digit())
    {
        return bad();
    }
    Ok(())
}

fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("\"{c}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: &str = r#"{"v":1,"tree":"whatsapp-backup-stuck","revision":"2026-12-02.1","lang":"pt-BR","kind":"step","node":"android-account","symptom":"android-symptom:0","upload":"1-5"}"#;

    fn with(field: &str, value: &str) -> String {
        let mut json: serde_json::Value = serde_json::from_str(STEP).expect("fixture");
        json[field] = serde_json::from_str(value).expect("value");
        json.to_string()
    }

    fn error_of(body: &str) -> String {
        parse(body.as_bytes()).expect_err("refused").to_string()
    }

    #[test]
    fn a_full_step_beacon_becomes_an_event() {
        let event = parse(STEP.as_bytes()).expect("valid");
        assert_eq!(
            event,
            Event {
                tree: "whatsapp-backup-stuck".into(),
                revision: "2026-12-02.1".into(),
                lang: "pt-BR".into(),
                kind: Kind::Step,
                node: "android-account".into(),
                symptom: Some("android-symptom:0".into()),
                outcome: None,
                download: None,
                upload: Some(Bucket::From1To5),
            }
        );
    }

    #[test]
    fn optional_fields_may_be_null_or_absent() {
        let body = r#"{"v":1,"tree":"t","revision":"1","lang":"en","kind":"started","node":"platform","symptom":null,"download":null}"#;
        let event = parse(body.as_bytes()).expect("valid");
        assert_eq!(event.kind, Kind::Started);
        assert_eq!(event.symptom, None);
    }

    #[test]
    fn an_unknown_field_is_named_in_the_refusal() {
        let message = error_of(&with("userAgent", r#""Mozilla""#));
        assert!(message.contains("unknown field `userAgent`"), "{message}");
    }

    #[test]
    fn an_unknown_kind_lists_the_known_ones() {
        let message = error_of(&with("kind", r#""clicked""#));
        assert!(message.contains("unknown variant `clicked`"), "{message}");
        assert!(message.contains("fixed-by"), "{message}");
    }

    #[test]
    fn a_missing_field_is_named() {
        let message = error_of(r#"{"v":1,"tree":"t","revision":"1","lang":"en","kind":"step"}"#);
        assert!(message.contains("missing field `node`"), "{message}");
    }

    #[test]
    fn not_json_is_refused() {
        assert!(error_of("tree=whatsapp").starts_with("the beacon is not valid"));
        assert!(error_of("").starts_with("the beacon is not valid"));
        assert!(error_of("[1,2]").starts_with("the beacon is not valid"));
    }

    #[test]
    fn a_duplicated_field_is_refused() {
        let body = STEP.replacen(r#""kind":"step""#, r#""kind":"step","kind":"left""#, 1);
        assert!(error_of(&body).contains("duplicate field `kind`"));
    }

    #[test]
    fn another_format_version_is_refused() {
        assert_eq!(
            error_of(&with("v", "2")),
            "the beacon says \"v\": 2; this server reads \"v\": 1"
        );
    }

    #[test]
    fn an_overlong_id_gives_its_length() {
        let long = format!("\"{}\"", "a".repeat(65));
        assert_eq!(
            error_of(&with("node", &long)),
            "the beacon's \"node\" has 65 characters; at most 64 are allowed"
        );
        assert!(parse(with("node", &format!("\"{}\"", "a".repeat(64))).as_bytes()).is_ok());
    }

    #[test]
    fn ids_outside_their_character_set_say_which_character() {
        assert_eq!(
            error_of(&with("tree", r#""Whatsapp""#)),
            "the beacon's \"tree\" may hold only lowercase letters, digits and -; it has \"W\""
        );
        assert!(error_of(&with("node", r#""a\u0007b""#)).ends_with("it has U+0007"));
        // An author's ids and revisions may be any text (the tree format's rule).
        for (field, value) in [
            ("node", r#""étape 1""#),
            ("revision", r#""1.0 beta""#),
            ("symptom", r#""question à 2:1""#),
        ] {
            assert!(
                parse(with(field, value).as_bytes()).is_ok(),
                "{field} {value}"
            );
        }
        assert!(error_of(&with("revision", r#""""#)).contains("must not be empty"));
    }

    #[test]
    fn language_tags_are_checked() {
        for good in ["en", "pt-BR", "zh-Hant-TW", "fil"] {
            assert!(
                parse(with("lang", &format!("\"{good}\"")).as_bytes()).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "",
            "EN",
            "e",
            "english",
            "en-",
            "en_GB",
            "pt-BR-x-averylongone",
            "ja-日本",
        ] {
            let message = error_of(&with("lang", &format!("\"{bad}\"")));
            assert!(message.contains("language tag"), "{bad}: {message}");
        }
    }

    #[test]
    fn a_symptom_is_a_question_and_an_answer_index() {
        assert!(parse(with("symptom", r#""ios-symptom:12""#).as_bytes()).is_ok());
        for bad in [
            "android-symptom",
            "android-symptom:",
            ":0",
            "android-symptom:x",
            "a:123",
            "Stuck at 0 %",
        ] {
            let message = error_of(&with("symptom", &format!("\"{bad}\"")));
            assert!(message.contains("\"symptom\""), "{bad}: {message}");
        }
    }

    #[test]
    fn an_outcome_needs_its_kind_and_only_an_outcome_has_one() {
        let outcome = with("kind", r#""outcome""#);
        assert!(matches!(
            parse(outcome.as_bytes()),
            Err(BeaconError::OutcomeMismatch)
        ));
        let mut json: serde_json::Value = serde_json::from_str(&outcome).expect("json");
        json["outcome"] = "resolved".into();
        let event = parse(json.to_string().as_bytes()).expect("valid outcome");
        assert_eq!(event.outcome, Some(OutcomeKind::Resolved));
        assert!(matches!(
            parse(with("outcome", r#""escalate""#).as_bytes()),
            Err(BeaconError::OutcomeMismatch)
        ));
        assert!(error_of(&with("outcome", r#""maybe""#)).contains("unknown variant `maybe`"));
    }

    #[test]
    fn only_the_four_buckets_are_accepted() {
        for bucket in Bucket::ALL {
            let body = with("download", &format!("\"{}\"", bucket.as_str()));
            assert_eq!(
                parse(body.as_bytes()).expect("valid").download,
                Some(bucket)
            );
        }
        assert!(error_of(&with("upload", r#""3.2""#)).contains("unknown variant `3.2`"));
        assert!(error_of(&with("upload", "3.2")).contains("the beacon is not valid"));
    }

    #[test]
    fn a_speed_falls_in_one_bucket() {
        assert_eq!(Bucket::of_mbps(0.4), Some(Bucket::Below1));
        assert_eq!(Bucket::of_mbps(1.0), Some(Bucket::From1To5));
        assert_eq!(Bucket::of_mbps(20.0), Some(Bucket::From5To20));
        assert_eq!(Bucket::of_mbps(20.1), Some(Bucket::Above20));
    }

    #[test]
    fn every_cut_and_every_flipped_byte_is_refused_or_still_valid_never_a_panic() {
        let full = STEP.as_bytes();
        for end in 0..full.len() {
            assert!(parse(&full[..end]).is_err(), "a beacon cut at byte {end}");
        }
        for at in 0..full.len() {
            for byte in [
                b'"', b'\\', b'{', b'}', b':', b',', b'0', b' ', 0x00, 0xff, 0xc3,
            ] {
                let mut mutated = full.to_vec();
                mutated[at] = byte;
                if let Ok(event) = parse(&mutated) {
                    // Whatever passes still holds to the character sets.
                    assert!(event.tree.chars().all(is_tree_char), "{event:?}");
                    assert!(event.node.chars().all(is_node_char), "{event:?}");
                    assert!(event.revision.chars().all(is_revision_char), "{event:?}");
                    assert!(is_language_tag(&event.lang), "{event:?}");
                }
            }
        }
    }

    #[test]
    fn a_body_over_the_cap_is_refused_before_parsing() {
        let body = format!("{STEP}{}", " ".repeat(MAX_BEACON_BYTES));
        assert_eq!(
            parse(body.as_bytes()),
            Err(BeaconError::TooLarge(body.len()))
        );
    }
}
