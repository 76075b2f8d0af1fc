//! The widget's configuration: `lang`, `tree`, `speedtest`, `theme`,
//! `insights`.
//!
//! The same names arrive from three places (the standalone page's URL query,
//! the custom element's attributes, the options of the JS `mount`), so they
//! are parsed here once, from plain `(name, value)` pairs. A bad value never
//! blanks the widget: it falls back to the default and becomes a
//! [`ConfigProblem`] that the widget shows in words.

include!(concat!(env!("OUT_DIR"), "/langs.rs"));

/// `rtl` or `ltr` for a supported language code.
pub fn direction(lang: &str) -> &'static str {
    if RTL_LANGS.contains(&lang) {
        "rtl"
    } else {
        "ltr"
    }
}

/// Colour scheme the host asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// Follow `prefers-color-scheme`.
    #[default]
    Auto,
}

impl Theme {
    /// The value as written in configuration (`light`, `dark`, `auto`).
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// A parsed, usable configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Asked-for language, if it was given and supported.
    pub lang: Option<String>,
    /// URL of an author's tree JSON; `None` means the built-in tree.
    pub tree: Option<String>,
    /// Base URL of the speed-test endpoints; `None` means the widget's own
    /// origin.
    pub speedtest: Option<String>,
    pub theme: Theme,
    /// Base URL of an insights collector (beacons go to
    /// `{insights}/__insights`); `None` means nothing is ever sent.
    pub insights: Option<String>,
}

/// A configuration value the widget could not use, and what it did instead
/// (the default). The widget words it in the person's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigProblem {
    /// A name that is not one of `lang`, `tree`, `speedtest`, `theme`,
    /// `insights` (shortened for display).
    Unknown { name: String },
    /// A known setting with a value it cannot take (shortened for display).
    Invalid { setting: Setting, value: String },
}

/// The five settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Lang,
    Tree,
    Speedtest,
    Theme,
    Insights,
}

/// Keeps messages readable when a value is huge or hostile.
fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > MAX {
        let head: String = clean.chars().take(MAX).collect();
        format!("{head}…")
    } else {
        clean
    }
}

/// Settings that are not configuration but state the widget itself writes
/// in a URL (so they are not reported as unknown).
const IGNORED: &[&str] = &["step"];

impl Config {
    /// Parses `(name, value)` pairs; empty values count as "not given".
    ///
    /// ```
    /// use backup_doctor_core::config::{Config, Theme};
    /// let (c, problems) = Config::from_pairs([("theme", "dark"), ("colour", "red")]);
    /// assert_eq!(c.theme, Theme::Dark);
    /// assert_eq!(problems.len(), 1);
    /// ```
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Config, Vec<ConfigProblem>) {
        let mut config = Config::default();
        let mut problems = Vec::new();
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() || IGNORED.contains(&name) {
                continue;
            }
            match name {
                "lang" => match supported_lang(value) {
                    Some(lang) => config.lang = Some(lang),
                    None => problems.push(ConfigProblem::Invalid {
                        setting: Setting::Lang,
                        value: shorten(value),
                    }),
                },
                "tree" => match checked_url(value).or_else(|| blob_url(value)) {
                    Some(url) => config.tree = Some(url),
                    None => problems.push(ConfigProblem::Invalid {
                        setting: Setting::Tree,
                        value: shorten(value),
                    }),
                },
                "speedtest" => match checked_url(value) {
                    Some(url) => config.speedtest = Some(url.trim_end_matches('/').to_owned()),
                    None => problems.push(ConfigProblem::Invalid {
                        setting: Setting::Speedtest,
                        value: shorten(value),
                    }),
                },
                "insights" => match checked_url(value) {
                    Some(url) => config.insights = Some(url.trim_end_matches('/').to_owned()),
                    None => problems.push(ConfigProblem::Invalid {
                        setting: Setting::Insights,
                        value: shorten(value),
                    }),
                },
                "theme" => match value {
                    "light" => config.theme = Theme::Light,
                    "dark" => config.theme = Theme::Dark,
                    "auto" => config.theme = Theme::Auto,
                    _ => problems.push(ConfigProblem::Invalid {
                        setting: Setting::Theme,
                        value: shorten(value),
                    }),
                },
                other => problems.push(ConfigProblem::Unknown {
                    name: shorten(other),
                }),
            }
        }
        (config, problems)
    }
}

/// Picks the supported language for a code like `pt-BR`, `pt`, `es-MX` or
/// `AR`: an exact match first, then the primary language (any Portuguese
/// gets Brazilian Portuguese, the only Portuguese the widget has).
pub fn supported_lang(code: &str) -> Option<String> {
    let lower = code.trim().to_ascii_lowercase().replace('_', "-");
    let primary = lower.split('-').next().unwrap_or_default();
    UI_LANGS
        .iter()
        .find(|l| l.to_ascii_lowercase() == lower)
        .or_else(|| {
            UI_LANGS.iter().find(|l| {
                l.split('-')
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(primary))
            })
        })
        .map(|l| (*l).to_owned())
}

/// Accepts absolute http(s) URLs and same-origin paths; refuses other
/// schemes (`javascript:`, `data:`) and anything with control characters
/// or backslashes (browsers read `/\host` as `//host`, another origin).
/// A tree may also come as a `blob:` URL of a web page: text a page of the
/// widget's own origin made (the studio's preview hands the widget its
/// edited tree this way); the browser refuses another origin's.
fn blob_url(value: &str) -> Option<String> {
    let rest = value.strip_prefix("blob:")?;
    checked_url(rest)
        .filter(|url| url.starts_with("http"))
        .map(|_| value.to_owned())
}

fn checked_url(value: &str) -> Option<String> {
    if value
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    let absolute = lower.starts_with("https://") || lower.starts_with("http://");
    let path = (value.starts_with('/') && !value.starts_with("//"))
        || value.starts_with("./")
        || value.starts_with("../");
    (absolute || path).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_match_by_region_then_by_language() {
        assert_eq!(supported_lang("pt-br").as_deref(), Some("pt-BR"));
        assert_eq!(supported_lang("pt_PT").as_deref(), Some("pt-BR"));
        assert_eq!(supported_lang("es-MX").as_deref(), Some("es"));
        assert_eq!(supported_lang("AR").as_deref(), Some("ar"));
        assert_eq!(supported_lang("hi-IN").as_deref(), Some("hi"));
        assert_eq!(supported_lang("fr-CA").as_deref(), Some("fr"));
        assert_eq!(supported_lang("xx"), None);
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("ur"), "rtl");
        assert_eq!(direction("hi"), "ltr");
    }

    #[test]
    fn defaults_when_nothing_is_given() {
        let (c, p) = Config::from_pairs([]);
        assert_eq!(c, Config::default());
        assert!(p.is_empty());
    }

    #[test]
    fn reads_every_setting() {
        let (c, p) = Config::from_pairs([
            ("lang", "EN-gb"),
            ("tree", "/trees/mine.json"),
            ("speedtest", "https://speed.example.org/"),
            ("theme", "light"),
            ("insights", "https://insights.example.org/"),
        ]);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.insights.as_deref(), Some("https://insights.example.org"));
        assert_eq!(c.lang.as_deref(), Some("en"));
        assert_eq!(c.tree.as_deref(), Some("/trees/mine.json"));
        assert_eq!(c.speedtest.as_deref(), Some("https://speed.example.org"));
        assert_eq!(c.theme, Theme::Light);
    }

    #[test]
    fn insights_may_be_this_origin_or_an_http_url_never_a_blob() {
        let (c, p) = Config::from_pairs([("insights", "/")]);
        assert_eq!((c.insights.as_deref(), p.len()), (Some(""), 0));
        let (c, p) = Config::from_pairs([("insights", "http://127.0.0.1:9/x/")]);
        assert_eq!(
            (c.insights.as_deref(), p.len()),
            (Some("http://127.0.0.1:9/x"), 0)
        );
        let (c, p) = Config::from_pairs([("insights", "blob:http://127.0.0.1/x")]);
        assert_eq!((c.insights, p.len()), (None, 1));
    }

    #[test]
    fn a_tree_may_come_as_a_blob_url_of_a_web_page() {
        let url = "blob:http://127.0.0.1:8080/0d6c5c38-1b1a-4c8e-9d6e-3c2b1f0e9a11";
        let (c, p) = Config::from_pairs([("tree", url)]);
        assert_eq!((c.tree.as_deref(), p.len()), (Some(url), 0));
    }

    #[test]
    fn bad_values_fall_back_and_are_reported() {
        let (c, p) = Config::from_pairs([
            ("theme", "purple"),
            ("tree", "javascript:alert(1)"),
            ("tree", "blob:javascript:alert(1)"),
            ("speedtest", "blob:http://127.0.0.1/x"),
            ("speedtest", "//evil.example"),
            ("insights", "javascript:alert(1)"),
            ("lang", "xx"),
            ("colour", "red"),
        ]);
        assert_eq!(c, Config::default());
        assert_eq!(
            p,
            vec![
                ConfigProblem::Invalid {
                    setting: Setting::Theme,
                    value: "purple".into()
                },
                ConfigProblem::Invalid {
                    setting: Setting::Tree,
                    value: "javascript:alert(1)".into()
                },
                ConfigProblem::Invalid {
                    setting: Setting::Tree,
                    value: "blob:javascript:alert(1)".into()
                },
                ConfigProblem::Invalid {
                    setting: Setting::Speedtest,
                    value: "blob:http://127.0.0.1/x".into()
                },
                ConfigProblem::Invalid {
                    setting: Setting::Speedtest,
                    value: "//evil.example".into()
                },
                ConfigProblem::Invalid {
                    setting: Setting::Insights,
                    value: "javascript:alert(1)".into()
                },
                ConfigProblem::Invalid {
                    setting: Setting::Lang,
                    value: "xx".into()
                },
                ConfigProblem::Unknown {
                    name: "colour".into()
                },
            ]
        );
    }

    #[test]
    fn hostile_values_are_shortened_and_stripped_in_messages() {
        let long = format!("<script>{}\u{0007}", "a".repeat(10_000));
        let (_, p) = Config::from_pairs([("theme", long.as_str())]);
        let ConfigProblem::Invalid { value, .. } = &p[0] else {
            panic!("{p:?}")
        };
        assert!(value.len() < 200, "{value}");
        assert!(!value.contains('\u{0007}'));
    }
}
