//! Numbers and durations worded for the person's language by the browser's
//! `Intl` (digits, decimal separators, plural forms, "2–3 hours"), with a
//! plain fallback where `Intl` refuses.

use backup_doctor_core::speed::{HumanDuration, TimeUnit};
use js_sys::{Array, Function, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::messages::Messages;

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn formatter(lang: &str, opts: &Object) -> Intl::NumberFormat {
    let locales = Array::of1(&JsValue::from_str(lang));
    Intl::NumberFormat::new(&locales, opts)
}

/// `value` with at most `digits` decimals, e.g. "23.4" or "23,4".
pub fn number(lang: &str, value: f64, digits: u8) -> String {
    let f = formatter(
        lang,
        &options(&[
            ("maximumFractionDigits", JsValue::from(digits)),
            ("minimumFractionDigits", JsValue::from(digits)),
        ]),
    );
    f.format()
        .call1(&f, &JsValue::from_f64(value))
        .ok()
        .and_then(|s| s.as_string())
        // JavaScript's own `toFixed` if `Intl` fails: Rust's float
        // formatting would add 4 KB of wasm for this fallback alone.
        .or_else(|| {
            js_sys::Number::from(value)
                .to_fixed(digits)
                .ok()
                .map(String::from)
        })
        .unwrap_or_default()
}

/// A `YYYY-MM-DD` date (as a date input gives it) in the language's long
/// form ("3 de marzo de 2026"); the text as given where it is not a date.
pub fn date(lang: &str, iso: &str) -> String {
    let mut parts = iso.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(year)), Some(Some(month)), Some(Some(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return iso.to_owned();
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return iso.to_owned();
    }
    // In UTC, and the year set on its own: `Date(y, m, d)` reads 0-99 as
    // 1900-1999, and a local midnight can be another day in another zone.
    let when = js_sys::Date::new_0();
    when.set_utc_full_year_with_month_date(year, month as i32 - 1, day as i32);
    let locales = Array::of1(&JsValue::from_str(lang));
    let format = Intl::DateTimeFormat::new(
        &locales,
        &options(&[
            ("dateStyle", JsValue::from_str("long")),
            ("timeZone", JsValue::from_str("UTC")),
        ]),
    );
    format
        .format()
        .call1(&format, &when)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| iso.to_owned())
}

/// The CLDR plural category ("one", "few", "other", …) of `count` in
/// `lang`, from `Intl.PluralRules`; "other" where it is missing.
pub fn plural_category(lang: &str, count: f64) -> String {
    let locales = Array::of1(&JsValue::from_str(lang));
    let rules = Intl::PluralRules::new(&locales, &Object::new());
    rules
        .select(count)
        .as_string()
        .unwrap_or_else(|| "other".to_owned())
}

/// "5 minutes", "2–3 hours", "3 días", in the language's own plural form.
fn units(lang: &str, low: u32, high: Option<u32>, unit: TimeUnit) -> String {
    let unit_name = match unit {
        TimeUnit::Minutes => "minute",
        TimeUnit::Hours => "hour",
        TimeUnit::Days => "day",
    };
    let f = formatter(
        lang,
        &options(&[
            ("style", JsValue::from_str("unit")),
            ("unit", JsValue::from_str(unit_name)),
            ("unitDisplay", JsValue::from_str("long")),
        ]),
    );
    let worded = match high.filter(|h| *h != low) {
        Some(high) => Reflect::get(&f, &JsValue::from_str("formatRange"))
            .ok()
            .and_then(|m| m.dyn_into::<Function>().ok())
            .and_then(|m| m.call2(&f, &JsValue::from(low), &JsValue::from(high)).ok()),
        None => f.format().call1(&f, &JsValue::from(low)).ok(),
    };
    worded
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| match high {
            Some(high) if high != low => format!("{low}–{high} {unit_name}s"),
            _ => format!("{low} {unit_name}s"),
        })
}

/// A backup duration in words: "about 2–3 hours", "under 5 minutes".
pub fn duration(m: &Messages, d: Option<HumanDuration>) -> String {
    let lang = m.code;
    match d {
        Some(HumanDuration::Under { value, unit }) => m.dur_under(&units(lang, value, None, unit)),
        Some(HumanDuration::About { value, unit }) => m.dur_about(&units(lang, value, None, unit)),
        Some(HumanDuration::Between { low, high, unit }) => {
            m.dur_about(&units(lang, low, Some(high), unit))
        }
        Some(HumanDuration::Over { value, unit }) => m.dur_over(&units(lang, value, None, unit)),
        None => m.not_measured.to_owned(),
    }
}
