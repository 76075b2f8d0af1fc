//! The core's data in the person's words: settings notices, fetch and
//! connection-test failures, and the support summary. The core never words
//! anything a person reads; every sentence here comes from the locale
//! tables, with numbers and dates worded by `Intl`.

use backup_doctor_core::config::{ConfigProblem, Setting, UI_LANGS};
use backup_doctor_core::session::Summary;
use backup_doctor_core::speed::{Phase, SpeedResult, SpeedTestError, TestError};
use backup_doctor_core::tree::OutcomeKind;

use crate::browser::fetch::FetchError;
use crate::browser::intl::number;
use crate::messages::Messages;

/// A value from outside (a URL, a setting someone typed) or a figure with
/// its unit ("3 GB") as one unit inside a sentence of either direction: first-strong isolate … pop directional
/// isolate. Its own direction controls end at the isolate's end, so a
/// hostile U+202E cannot turn the rest of the sentence around.
pub fn isolate(value: &str) -> String {
    format!("\u{2068}{value}\u{2069}")
}

/// A setting that was ignored, and why.
pub fn config_problem(m: &Messages, problem: &ConfigProblem) -> String {
    match problem {
        ConfigProblem::Unknown { name } => m.setting_unknown(&isolate(name)),
        ConfigProblem::Invalid { setting, value } => {
            let value = isolate(value);
            match setting {
                Setting::Lang => m.setting_bad_lang(&value, &isolate(&UI_LANGS.join(", "))),
                Setting::Tree => m.setting_bad_tree(&value),
                Setting::Speedtest => m.setting_bad_speedtest(&value),
                Setting::Theme => m.setting_bad_theme(&value),
                Setting::Insights => m.setting_bad_insights(&value),
            }
        }
    }
}

/// Why the steps file did not arrive.
pub fn fetch_error(m: &Messages, error: &FetchError) -> String {
    let whole = |n: f64| number(m.code, n, 0);
    match error {
        FetchError::Network { url } => m.fetch_network(&isolate(url)),
        FetchError::Status { url, status } => m.fetch_status(&status.to_string(), &isolate(url)),
        FetchError::TooLarge { url, cap } => {
            m.fetch_too_large(&isolate(url), &whole(*cap as f64 / 1024.0))
        }
        FetchError::Timeout { url, secs } => {
            m.fetch_timeout(&isolate(url), &whole(f64::from(*secs)))
        }
        FetchError::NotText { url } => m.fetch_not_text(&isolate(url)),
    }
}

/// Why the connection test stopped early, as one sentence; an upload that
/// failed says that the download was measured.
pub fn speed_error(m: &Messages, error: &TestError) -> String {
    let seconds = |ms: f64| {
        let s = if ms.is_finite() && ms > 0.0 {
            (ms / 1_000.0).round()
        } else {
            0.0
        };
        number(m.code, s, 0)
    };
    let megabytes = |bytes: u64| number(m.code, bytes as f64 / 1e6, 1);
    // The same five sentences, for a failed download or a failed upload.
    type Said = fn(&Messages, &str) -> String;
    let (status, dropped, no_data, timed_out, blocked): (Said, Said, Said, Said, &str) =
        if error.phase == Phase::Upload {
            (
                Messages::speed_error_upload_status,
                Messages::speed_error_upload_dropped,
                Messages::speed_error_upload_no_data,
                Messages::speed_error_upload_timed_out,
                m.speed_error_upload_blocked,
            )
        } else {
            (
                Messages::speed_error_status,
                Messages::speed_error_dropped,
                Messages::speed_error_no_data,
                Messages::speed_error_timed_out,
                m.speed_error_blocked,
            )
        };
    match &error.cause {
        SpeedTestError::ServerStatus { status: code } => status(m, &code.to_string()),
        SpeedTestError::Dropped { after_bytes } => dropped(m, &megabytes(*after_bytes)),
        SpeedTestError::NoData { silent_ms } => no_data(m, &seconds(*silent_ms)),
        SpeedTestError::TimedOut { after_ms } => timed_out(m, &seconds(*after_ms)),
        SpeedTestError::Blocked => blocked.to_owned(),
    }
}

/// What the person may add on the escalation step: the "Last backup" line
/// of WhatsApp's Chat backup screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LastBackup {
    /// Not said.
    #[default]
    Unknown,
    /// WhatsApp shows no last backup.
    None,
    /// The date shown, as the browser's date input gives it (`YYYY-MM-DD`).
    On(String),
}

/// Everything the support summary says.
#[derive(Clone, Debug, PartialEq)]
pub struct SupportReport {
    pub summary: Summary,
    pub speed: Option<SpeedResult>,
    pub last_backup: LastBackup,
}

/// The summary as plain text, to share, mail, print or paste.
pub fn summary_text(m: &Messages, report: &SupportReport) -> String {
    let s = &report.summary;
    let mut lines = vec![m.summary_title.to_owned()];
    let item = |text: &str| format!("- {text}");
    if !s.facts.is_empty() {
        lines.push(m.summary_told.to_owned());
        lines.extend(s.facts.iter().map(|f| {
            let answer = if f.known {
                m.known_answer(&f.answer)
            } else {
                f.answer.clone()
            };
            item(&m.summary_fact(&f.question, &answer))
        }));
    }
    if let Some(gb) = s.backup_size_gb {
        lines.push(m.summary_backup_size(&number(m.code, gb, 1)));
    }
    match &report.last_backup {
        LastBackup::Unknown => {}
        LastBackup::None => lines.push(m.summary_no_last_backup.to_owned()),
        LastBackup::On(date) => {
            lines.push(m.summary_last_backup(&crate::browser::intl::date(m.code, date)))
        }
    }
    if !s.tried.is_empty() {
        lines.push(m.summary_tried.to_owned());
        lines.extend(s.tried.iter().map(|t| item(t)));
    }
    if !s.skipped.is_empty() {
        lines.push(m.summary_skipped.to_owned());
        lines.extend(s.skipped.iter().map(|t| item(t)));
    }
    if let Some(fix) = &s.fixed_by {
        lines.push(m.summary_fixed_by(fix));
    }
    if let Some(r) = &report.speed {
        lines.push(m.summary_connection.to_owned());
        let figure = |v: Option<f64>, digits: u8, unit: fn(&Messages, &str) -> String| {
            v.map_or_else(
                || m.not_measured.to_owned(),
                |v| unit(m, &number(m.code, v, digits)),
            )
        };
        for (label, value) in [
            (
                m.download,
                figure(r.download_mbps, 1, Messages::figure_mbps),
            ),
            (m.upload, figure(r.upload_mbps, 1, Messages::figure_mbps)),
            (m.latency, figure(r.latency_ms, 0, Messages::figure_ms)),
        ] {
            lines.push(item(&m.summary_figure(label, &value)));
        }
        if let Some(e) = &r.error {
            lines.push(item(&speed_error(m, e)));
        }
    }
    match s.outcome {
        Some(OutcomeKind::Resolved) => lines.push(m.summary_result_resolved.to_owned()),
        Some(OutcomeKind::Escalate) => lines.push(m.summary_result_escalate.to_owned()),
        None => {}
    }
    lines.push(m.summary_guide(&s.tree_id, &s.revision));
    lines.push(m.summary_widget(crate::VERSION));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use backup_doctor_core::session::Fact;
    use backup_doctor_core::speed::{Phase, TestEnd, TestError};

    use super::*;

    fn report() -> SupportReport {
        let mut speed = SpeedResult::new(TestEnd::Error, 0, 1.0);
        speed.download_mbps = Some(12.25);
        speed.error = Some(TestError {
            phase: Phase::Upload,
            cause: SpeedTestError::Blocked,
        });
        SupportReport {
            summary: Summary {
                tree_id: "t".into(),
                revision: "7".into(),
                facts: vec![Fact {
                    question: "¿Qué teléfono?".into(),
                    answer: "Android".into(),
                    known: false,
                }],
                backup_size_gb: Some(4.26),
                tried: vec!["Reinicia el teléfono".into()],
                skipped: vec![],
                fixed_by: None,
                outcome: Some(OutcomeKind::Escalate),
            },
            speed: Some(speed),
            last_backup: LastBackup::On("2026-03-03".into()),
        }
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn the_summary_is_worded_in_the_language_with_local_numbers_and_dates() {
        let es = crate::messages::tests::table("es");
        let text = summary_text(es, &report());
        assert!(text.starts_with(es.summary_title), "{text}");
        for part in [
            "4,3",
            "12,3",
            "Reinicia el teléfono",
            "Android",
            es.summary_tried,
            es.summary_result_escalate,
        ] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
        assert!(text.contains("marzo"), "the date in Spanish: {text}");
        // The test failed at the upload: the words say the download was measured.
        assert!(text.contains(es.speed_error_upload_blocked), "{text}");
        assert_ne!(es.speed_error_upload_blocked, es.speed_error_blocked);
        assert!(
            !text.contains(es.summary_skipped),
            "no empty section: {text}"
        );
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn settings_and_failures_are_worded_from_the_table_with_values_isolated() {
        let en = Messages::for_lang("en");
        let problem = ConfigProblem::Invalid {
            setting: Setting::Theme,
            value: "purple".into(),
        };
        assert_eq!(
            config_problem(en, &problem),
            "The setting theme=“\u{2068}purple\u{2069}” was ignored: it must be light, dark or auto."
        );
        let error = FetchError::Timeout {
            url: "https://x/t.json".into(),
            secs: 15,
        };
        assert_eq!(
            fetch_error(en, &error),
            "\u{2068}https://x/t.json\u{2069} did not arrive within 15 seconds."
        );
        let ar = crate::messages::tests::table("ar");
        assert!(fetch_error(ar, &error).contains("\u{2068}https://x/t.json\u{2069}"));
        assert_ne!(fetch_error(ar, &error), fetch_error(en, &error));
    }
}
