//! A finished connection test in plain words, verdict first: the backup
//! size (asked before the verdict, in GB or MB, with where the phone shows
//! it), then one sentence on what the connection means for this backup
//! ("slow, not stuck: leave it on Wi-Fi and charging for about 5 hours"),
//! what to change, and the figures behind a "Details" disclosure.

use std::rc::Rc;

use backup_doctor_core::session::Platform;
use backup_doctor_core::speed::{
    advise, human_duration_range, verdict, Advice, BackupEstimate, Basis, SpeedResult, TestEnd,
    Verdict,
};
use yew::prelude::*;

use crate::browser::intl;
use crate::messages::{use_locale, Messages};
use crate::words::isolate;

#[derive(Properties, PartialEq)]
pub struct SpeedReportProps {
    pub result: Rc<SpeedResult>,
    pub backup_size_gb: Option<f64>,
    /// The phone the walk is about, for where it shows the backup size.
    pub platform: Option<Platform>,
    pub on_backup_size: Callback<Option<f64>>,
}

/// The unit the person types the size in.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Gb,
    Mb,
}

impl Unit {
    fn to_gb(self, value: f64) -> f64 {
        match self {
            Unit::Gb => value,
            Unit::Mb => value / 1000.0,
        }
    }
}

#[function_component(SpeedReport)]
pub fn speed_report(props: &SpeedReportProps) -> Html {
    let m = use_locale();
    let r = &props.result;
    let lang = m.lang();
    let unit = use_state(|| Unit::Gb);
    let size_text = use_state(|| {
        props
            .backup_size_gb
            // As JavaScript writes the number (and `f64::from_str` reads
            // it back): Rust's own float formatting would add 4 KB of wasm.
            .map(|g| {
                String::from(
                    js_sys::Number::from(g)
                        .to_string_with_radix(10)
                        .unwrap_or_default(),
                )
            })
            .unwrap_or_default()
    });
    let videos_text = use_state(String::new);
    let size_error = use_state(|| false);
    let emit_size = {
        let cb = props.on_backup_size.clone();
        let size_error = size_error.clone();
        move |text: &str, unit: Unit| match parse_number(text) {
            Ok(value) => {
                size_error.set(false);
                cb.emit(value.map(|v| unit.to_gb(v)));
            }
            Err(()) => size_error.set(true),
        }
    };
    let on_size = {
        let (size_text, unit, emit_size) = (size_text.clone(), unit.clone(), emit_size.clone());
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            emit_size(&input.value(), *unit);
            size_text.set(input.value());
        })
    };
    let on_unit = {
        let (size_text, unit) = (size_text.clone(), unit.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let chosen = if select.value() == "mb" {
                Unit::Mb
            } else {
                Unit::Gb
            };
            unit.set(chosen);
            emit_size(&size_text, chosen);
        })
    };
    let on_videos = {
        let videos_text = videos_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            videos_text.set(input.value());
        })
    };
    let videos_gb = parse_number(&videos_text)
        .ok()
        .flatten()
        .map(|v| unit.to_gb(v));
    let figure = |v: Option<f64>, unit: fn(&Messages, &str) -> String, digits: u8| match v {
        Some(v) => unit(&m, &intl::number(lang, v, digits)),
        None => m.not_measured.to_owned(),
    };
    // A floor ("over 900 Mbit/s") or a ceiling ("under 0.1 Mbit/s") says so.
    let bounded = |v: Option<f64>, floor: bool, ceiling: bool| {
        let text = figure(v, Messages::figure_mbps, 1);
        match (v.is_some(), floor, ceiling) {
            (true, true, _) => m.figure_over(&text),
            (true, _, true) => m.figure_under(&text),
            _ => text,
        }
    };
    let stopped = match (r.stop_reason, &r.error) {
        (TestEnd::Cancelled, _) => Some(m.cancelled.to_owned()),
        (TestEnd::Interrupted, _) => Some(m.interrupted.to_owned()),
        (_, Some(e)) => Some(crate::words::speed_error(&m, e)),
        _ => None,
    };
    // The verdict says whether the connection is fine or offline; the list
    // keeps what to change.
    let advice: Vec<&'static str> = advise(r, props.backup_size_gb)
        .iter()
        .filter_map(|a| advice_text(&m, a))
        .collect();
    let size_help = match props.platform {
        Some(Platform::Android) => m.backup_size_help_android,
        Some(Platform::Iphone) => m.backup_size_help_ios,
        None => m.backup_size_help,
    };
    let basis = BackupEstimate::new(1.0, r.upload_mbps, r.download_mbps).map(|e| match e.basis {
        Basis::Upload => m.basis_upload,
        Basis::DownloadProxy { .. } => m.basis_download,
    });
    html! {
        <section class="bd-report" aria-labelledby="bd-report-heading">
            <h3 id="bd-report-heading">{ m.results_heading }</h3>
            if let Some(text) = stopped { <p class="bd-stopped">{ text }</p> }
            <div class="bd-field">
                <label for="bd-backup-size">{ m.backup_size_label }</label>
                <div class="bd-size">
                    <input id="bd-backup-size" type="text" inputmode="decimal" autocomplete="off"
                           value={(*size_text).clone()} aria-describedby="bd-backup-size-help"
                           aria-invalid={size_error.to_string()} oninput={on_size} />
                    <select id="bd-backup-unit" aria-label={m.size_unit_label} onchange={on_unit}>
                        <option value="gb" selected={*unit == Unit::Gb}>{ "GB" }</option>
                        <option value="mb" selected={*unit == Unit::Mb}>{ "MB" }</option>
                    </select>
                </div>
                <p id="bd-backup-size-help" class="bd-hint">{ if *size_error { m.size_invalid } else { size_help } }</p>
            </div>
            <p class="bd-verdict"><strong>{ verdict_text(&m, lang, r, props.backup_size_gb) }</strong></p>
            { without_videos(&m, lang, r, props.backup_size_gb, videos_gb) }
            if !advice.is_empty() {
                <ul class="bd-advice">{ for advice.iter().map(|t| html! { <li>{ *t }</li> }) }</ul>
            }
            <details class="bd-details">
                <summary>{ m.details_label }</summary>
                <dl class="bd-figures">
                    <dt>{ m.download }</dt><dd class="bd-download"><bdi>{ bounded(r.download_mbps, r.download_at_least, false) }</bdi></dd>
                    <dt>{ m.upload }</dt><dd class="bd-upload"><bdi>{ bounded(r.upload_mbps, r.upload_at_least, r.upload_at_most) }</bdi></dd>
                    <dt>{ m.latency }</dt><dd><bdi>{ figure(r.latency_ms, Messages::figure_ms, 0) }</bdi></dd>
                    <dt>{ m.loaded_latency }</dt><dd><bdi>{ figure(r.loaded_latency_ms, Messages::figure_ms, 0) }</bdi></dd>
                </dl>
                if let Some(basis) = basis { <p class="bd-hint">{ basis }</p> }
                <div class="bd-field">
                    <label for="bd-videos-size">{ m.videos_size_label }</label>
                    <input id="bd-videos-size" type="text" inputmode="decimal" autocomplete="off"
                           value={(*videos_text).clone()} oninput={on_videos} />
                </div>
            </details>
        </section>
    }
}

/// "2.5", "2,5", "" (cleared); anything else is an error.
fn parse_number(text: &str) -> Result<Option<f64>, ()> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    match backup_doctor_core::decimal::parse_decimal(&t) {
        Some(v) if v > 0.0 && v < 10_000_000.0 => Ok(Some(v)),
        _ => Err(()),
    }
}

/// The verdict as a sentence: the time for this size where it is known.
fn verdict_text(m: &Messages, lang: &str, r: &SpeedResult, size: Option<f64>) -> String {
    let timed = |sentence: fn(&Messages, &str, &str) -> String, e: &BackupEstimate| {
        sentence(
            m,
            &isolate(&gigabytes(lang, size.unwrap_or_default())),
            &isolate(&intl::duration(
                m,
                human_duration_range(e.low_hours, e.high_hours),
            )),
        )
    };
    match verdict(r, size) {
        Verdict::Offline => m.verdict_offline.to_owned(),
        Verdict::NotMeasured => m.verdict_not_measured.to_owned(),
        Verdict::TooSlow { estimate: Some(e) } => timed(Messages::verdict_too_slow, &e),
        Verdict::TooSlow { estimate: None } => m.verdict_too_slow_no_size.to_owned(),
        Verdict::Unsteady => m.verdict_unsteady.to_owned(),
        Verdict::SlowNotStuck { estimate } => timed(Messages::verdict_slow_not_stuck, &estimate),
        Verdict::FastEnough { estimate: Some(e) } => timed(Messages::verdict_fast, &e),
        Verdict::FastEnough { estimate: None } => m.verdict_fast_no_size.to_owned(),
    }
}

/// "3 GB", the number worded by the browser for the language.
fn gigabytes(lang: &str, gb: f64) -> String {
    let digits = if gb.fract() == 0.0 || gb >= 10.0 {
        0
    } else {
        1
    };
    format!("{} GB", intl::number(lang, gb, digits))
}

fn without_videos(
    m: &Messages,
    lang: &str,
    r: &SpeedResult,
    size: Option<f64>,
    videos: Option<f64>,
) -> Html {
    let Some(size) = size else {
        return html! {};
    };
    let Some((gb, e)) = videos.filter(|v| *v < size).and_then(|v| {
        BackupEstimate::new(size - v, r.upload_mbps, r.download_mbps).map(|e| (size - v, e))
    }) else {
        return html! {};
    };
    let text = m.estimate_without_videos(
        &intl::number(lang, gb, 1),
        &intl::duration(m, human_duration_range(e.low_hours, e.high_hours)),
    );
    html! { <p class="bd-estimate">{ text }</p> }
}

/// What to change; the verdict already says whether the connection is
/// fine, offline or unmeasured, so those are not repeated.
fn advice_text(m: &Messages, a: &Advice) -> Option<&'static str> {
    Some(match a {
        Advice::VerySlowUpload { .. } => m.advice_slow_upload,
        Advice::UnstableConnection => m.advice_unstable,
        Advice::BusyConnection => m.advice_busy,
        Advice::BusyWhileUploading => m.advice_busy_upload,
        Advice::Cellular => m.advice_cellular,
        Advice::SaveDataOn => m.advice_save_data,
        Advice::Offline => m.advice_offline,
        Advice::NotMeasured | Advice::GoodConnection | Advice::BackupTime(_) => return None,
    })
}
