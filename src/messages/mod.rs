//! The widget's own words (not the tree's): buttons, headings, notices.
//!
//! One table per language (a file each), chosen once at mount; components
//! take a `&'static Messages`, so a missing string is a compile error rather
//! than a blank button. Numbers and durations are worded by the browser's
//! `Intl` (see `browser::intl`), so plurals and digits follow the language.

mod ar;
mod en;
mod es;
mod hi;
mod id;
mod pt_br;

pub use ar::AR;
pub use en::EN;
pub use es::ES;
pub use hi::HI;
pub use id::ID;
pub use pt_br::PT_BR;

/// Every string the widget itself shows.
#[derive(Debug, PartialEq, Eq)]
pub struct Messages {
    pub brand: &'static str,
    pub loading_tree: &'static str,
    pub back: &'static str,
    pub start_over: &'static str,
    pub your_answers: &'static str,
    pub change_answer: &'static str,
    /// "Step {done} of about {total}".
    pub progress: &'static str,
    pub did_it_fix: &'static str,
    pub fixed_yes: &'static str,
    pub fixed_no: &'static str,
    pub skip_step: &'static str,
    pub before_you_do_this: &'static str,
    pub crumb_not_fixed: &'static str,
    pub crumb_skipped: &'static str,
    pub crumb_fixed: &'static str,
    pub crumb_measured: &'static str,
    /// Beside an answer the browser gave ("Wi-Fi (as your browser reports)").
    pub crumb_known: &'static str,
    /// On the step after an answer the browser gave: "… “{answer}” …".
    pub known_answer_notice: &'static str,
    pub fixed_by: &'static str,
    pub summary_heading: &'static str,
    pub summary_hint: &'static str,
    pub copy_summary: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub continue_label: &'static str,
    pub tree_problems_heading: &'static str,
    pub tree_problems_intro: &'static str,
    pub tree_fetch_heading: &'static str,
    pub retry: &'static str,
    pub settings_notice: &'static str,
    pub restored_notice: &'static str,
    pub restore_failed_notice: &'static str,
    pub forget_progress: &'static str,
    pub speed_start: &'static str,
    pub speed_cancel: &'static str,
    pub speed_again: &'static str,
    pub speed_skip: &'static str,
    pub speed_uses_data: &'static str,
    pub phase_latency: &'static str,
    pub phase_download: &'static str,
    pub phase_upload: &'static str,
    pub elapsed: &'static str,
    pub download: &'static str,
    pub upload: &'static str,
    pub latency: &'static str,
    pub loaded_latency: &'static str,
    pub not_measured: &'static str,
    pub mbps: &'static str,
    pub ms: &'static str,
    pub results_heading: &'static str,
    pub stopped_because: &'static str,
    pub cancelled: &'static str,
    /// The test stopped because the page was left (hidden).
    pub interrupted: &'static str,
    pub backup_size_label: &'static str,
    pub backup_size_help: &'static str,
    pub videos_size_label: &'static str,
    pub size_invalid: &'static str,
    /// "Your {size} GB backup may take {time} on this connection."
    pub estimate_total: &'static str,
    /// "Without videos ({size} GB): {time}."
    pub estimate_without_videos: &'static str,
    pub basis_upload: &'static str,
    pub basis_download: &'static str,
    pub backup_size_help_android: &'static str,
    pub backup_size_help_ios: &'static str,
    pub size_unit_label: &'static str,
    pub verdict_offline: &'static str,
    pub verdict_not_measured: &'static str,
    /// "… a {size} backup needs {time} …".
    pub verdict_too_slow: &'static str,
    pub verdict_too_slow_no_size: &'static str,
    pub verdict_unsteady: &'static str,
    /// "… a {size} backup needs {time} …".
    pub verdict_slow_not_stuck: &'static str,
    /// "… a {size} backup needs {time} …".
    pub verdict_fast: &'static str,
    pub verdict_fast_no_size: &'static str,
    pub details_label: &'static str,
    /// "… the {count} answers after it …".
    pub change_drops: &'static str,
    pub change_confirm: &'static str,
    pub change_keep: &'static str,
    pub undo: &'static str,
    pub answers_dropped_notice: &'static str,
    pub restarted_notice: &'static str,
    pub ask_size: &'static str,
    pub advice_offline: &'static str,
    pub advice_not_measured: &'static str,
    pub advice_slow_upload: &'static str,
    pub advice_unstable: &'static str,
    /// Latency rises a lot while uploading (the upload fills a queue).
    pub advice_busy_upload: &'static str,
    pub advice_busy: &'static str,
    pub advice_cellular: &'static str,
    pub advice_save_data: &'static str,
    pub advice_good: &'static str,
    /// The built-in steps fell back to English (their translations did not load).
    pub translation_unavailable: &'static str,
    /// Progress cannot be stored in this browser.
    pub storage_unavailable: &'static str,
    /// Progress could not be written (storage full).
    pub storage_write_failed: &'static str,
    /// "Forget my progress" was done.
    pub forgotten_notice: &'static str,
    /// "under {n}", where {n} is a duration the browser words ("5 minutes").
    pub dur_under: &'static str,
    /// "about {n}" ("about 2–3 hours").
    pub dur_about: &'static str,
    /// "over {n}".
    pub dur_over: &'static str,
}

impl Messages {
    /// The table for a language code as `config::supported_lang` returns
    /// it; English for anything else.
    pub fn for_lang(lang: &str) -> &'static Messages {
        match lang {
            "es" => &ES,
            "pt-BR" => &PT_BR,
            "hi" => &HI,
            "id" => &ID,
            "ar" => &AR,
            _ => &EN,
        }
    }

    /// "Step 3 of about 12".
    pub fn progress_text(&self, done: usize, total: usize) -> String {
        self.progress
            .replace("{done}", &done.to_string())
            .replace("{total}", &total.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [&Messages; 6] = [&EN, &ES, &PT_BR, &HI, &ID, &AR];

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn every_language_keeps_the_placeholders() {
        for m in ALL {
            assert!(
                m.progress.contains("{done}") && m.progress.contains("{total}"),
                "{}",
                m.progress
            );
            assert!(m.known_answer_notice.contains("{answer}"));
            for t in [m.verdict_too_slow, m.verdict_slow_not_stuck, m.verdict_fast] {
                assert!(t.contains("{size}") && t.contains("{time}"), "{t}");
            }
            assert!(m.change_drops.contains("{count}"));
            for t in [m.dur_under, m.dur_about, m.dur_over] {
                assert!(t.contains("{n}"), "{t}");
            }
            assert!(m.estimate_total.contains("{size}") && m.estimate_total.contains("{time}"));
            assert!(
                m.estimate_without_videos.contains("{size}")
                    && m.estimate_without_videos.contains("{time}")
            );
        }
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn languages_resolve_to_their_tables() {
        assert_eq!(Messages::for_lang("ar"), &AR);
        assert_eq!(Messages::for_lang("pt-BR"), &PT_BR);
        assert_eq!(Messages::for_lang("xx"), &EN);
    }
}
