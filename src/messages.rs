//! The widget's own words (not the tree's): buttons, headings, notices.
//!
//! One table per language, chosen once at mount; components take a
//! `&'static Messages`, so a missing string is a compile error rather than
//! a blank button.

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
    pub fixed_by: &'static str,
    pub summary_heading: &'static str,
    pub summary_hint: &'static str,
    pub copy_summary: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub speed_test_unavailable: &'static str,
    pub continue_label: &'static str,
    pub tree_problems_heading: &'static str,
    pub tree_problems_intro: &'static str,
    pub tree_fetch_heading: &'static str,
    pub retry: &'static str,
    pub settings_notice: &'static str,
    pub restored_notice: &'static str,
    pub restore_failed_notice: &'static str,
    pub forget_progress: &'static str,
}

/// English, the fallback for every language.
pub const EN: Messages = Messages {
    brand: "Backup doctor",
    loading_tree: "Loading the troubleshooting steps…",
    back: "Back",
    start_over: "Start over",
    your_answers: "Your answers so far",
    change_answer: "Change",
    progress: "Step {done} of about {total}",
    did_it_fix: "Did this fix it?",
    fixed_yes: "Yes, the backup works now",
    fixed_no: "No, still stuck",
    skip_step: "Skip this step",
    before_you_do_this: "Before you do this",
    crumb_not_fixed: "tried, not fixed",
    crumb_skipped: "skipped",
    crumb_fixed: "fixed it",
    crumb_measured: "tested",
    fixed_by: "What fixed it:",
    summary_heading: "Summary for support",
    summary_hint: "Copy this and paste it into your message, so support knows what you already tried.",
    copy_summary: "Copy summary",
    copied: "Copied.",
    copy_failed: "Could not copy: select the text and copy it by hand.",
    speed_test_unavailable: "The connection test is not available in this version. Check that other apps and websites load normally on this phone, then continue.",
    continue_label: "Continue",
    tree_problems_heading: "These troubleshooting steps have errors",
    tree_problems_intro: "The steps file could not be used. For its author:",
    tree_fetch_heading: "The troubleshooting steps could not be loaded",
    retry: "Try again",
    settings_notice: "Some settings of this widget were ignored:",
    restored_notice: "Welcome back: you are where you left off.",
    restore_failed_notice: "Your earlier progress could not be restored, so this starts from the beginning.",
    forget_progress: "Forget my progress",
};

impl Messages {
    /// The table for a supported language code.
    pub fn for_lang(_lang: &str) -> &'static Messages {
        &EN
    }

    /// "Step 3 of about 12".
    pub fn progress_text(&self, done: usize, total: usize) -> String {
        self.progress
            .replace("{done}", &done.to_string())
            .replace("{total}", &total.to_string())
    }
}
