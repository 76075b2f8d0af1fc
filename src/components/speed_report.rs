//! A finished connection test in plain words: the figures, why it stopped
//! if it stopped early, how long the person's backup may take here (with
//! and without videos), and what to change.

use std::rc::Rc;

use backup_doctor_core::speed::{
    advise, human_duration_range, Advice, BackupEstimate, Basis, SpeedResult, TestEnd,
};
use yew::prelude::*;

use crate::browser::intl;
use crate::messages::Messages;

#[derive(Properties, PartialEq)]
pub struct SpeedReportProps {
    pub result: Rc<SpeedResult>,
    pub backup_size_gb: Option<f64>,
    pub messages: &'static Messages,
    /// Language for numbers and durations.
    pub lang: AttrValue,
    pub on_backup_size: Callback<Option<f64>>,
}

#[function_component(SpeedReport)]
pub fn speed_report(props: &SpeedReportProps) -> Html {
    let m = props.messages;
    let r = &props.result;
    let videos_gb = use_state(|| None::<f64>);
    let size_error = use_state(|| false);
    let on_size = {
        let cb = props.on_backup_size.clone();
        let size_error = size_error.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match parse_gb(&input.value()) {
                Ok(gb) => {
                    size_error.set(false);
                    cb.emit(gb);
                }
                Err(()) => size_error.set(true),
            }
        })
    };
    let on_videos = {
        let videos_gb = videos_gb.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            videos_gb.set(parse_gb(&input.value()).ok().flatten());
        })
    };
    let lang = props.lang.as_str();
    let figure = |v: Option<f64>, unit: &str, digits: u8| match v {
        Some(v) => format!("{} {unit}", intl::number(lang, v, digits)),
        None => m.not_measured.to_owned(),
    };
    let stopped = match (r.stop_reason, &r.error) {
        (TestEnd::Cancelled, _) => Some(m.cancelled.to_owned()),
        (_, Some(e)) => Some(format!("{} {e}.", m.stopped_because)),
        _ => None,
    };
    let advice: Vec<Advice> = advise(r, props.backup_size_gb)
        .into_iter()
        .filter(|a| !matches!(a, Advice::BackupTime(_)))
        .collect();
    html! {
        <section class="bd-report" aria-labelledby="bd-report-heading">
            <h3 id="bd-report-heading">{ m.results_heading }</h3>
            <dl class="bd-figures">
                <dt>{ m.download }</dt><dd class="bd-download">{ figure(r.download_mbps, m.mbps, 1) }</dd>
                <dt>{ m.upload }</dt><dd class="bd-upload">{ figure(r.upload_mbps, m.mbps, 1) }</dd>
                <dt>{ m.latency }</dt><dd>{ figure(r.latency_ms, m.ms, 0) }</dd>
                <dt>{ m.loaded_latency }</dt><dd>{ figure(r.loaded_latency_ms, m.ms, 0) }</dd>
            </dl>
            if let Some(text) = stopped { <p class="bd-stopped">{ text }</p> }
            <div class="bd-field">
                <label for="bd-backup-size">{ m.backup_size_label }</label>
                <input id="bd-backup-size" type="text" inputmode="decimal" autocomplete="off"
                       value={props.backup_size_gb.map(|g| g.to_string()).unwrap_or_default()}
                       aria-describedby="bd-backup-size-help" aria-invalid={size_error.to_string()} oninput={on_size} />
                <p id="bd-backup-size-help" class="bd-hint">{ if *size_error { m.size_invalid } else { m.backup_size_help } }</p>
                <label for="bd-videos-size">{ m.videos_size_label }</label>
                <input id="bd-videos-size" type="text" inputmode="decimal" autocomplete="off" oninput={on_videos} />
            </div>
            { estimate(m, lang, r, props.backup_size_gb, *videos_gb) }
            <ul class="bd-advice">
                { for advice.iter().filter_map(|a| advice_text(m, a)).map(|t| html! { <li>{ t }</li> }) }
            </ul>
        </section>
    }
}

/// "2.5", "2,5", "" (cleared); anything else is an error.
fn parse_gb(text: &str) -> Result<Option<f64>, ()> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 10_000.0 => Ok(Some(v)),
        _ => Err(()),
    }
}

fn estimate(
    m: &Messages,
    lang: &str,
    r: &SpeedResult,
    size: Option<f64>,
    videos: Option<f64>,
) -> Html {
    let Some(size) = size else {
        return html! { <p class="bd-estimate">{ m.ask_size }</p> };
    };
    let Some(total) = BackupEstimate::new(size, r.upload_mbps, r.download_mbps) else {
        return html! {};
    };
    let basis = match total.basis {
        Basis::Upload => m.basis_upload,
        Basis::DownloadProxy { .. } => m.basis_download,
    };
    let line = |template: &str, gb: f64, e: &BackupEstimate| {
        template
            .replace("{size}", &intl::number(lang, gb, 1))
            .replace(
                "{time}",
                &intl::duration(lang, m, human_duration_range(e.low_hours, e.high_hours)),
            )
    };
    let without = videos.filter(|v| *v < size).and_then(|v| {
        BackupEstimate::new(size - v, r.upload_mbps, r.download_mbps).map(|e| (size - v, e))
    });
    html! {
        <div class="bd-estimate">
            <p><strong>{ line(m.estimate_total, size, &total) }</strong></p>
            if let Some((gb, e)) = without { <p>{ line(m.estimate_without_videos, gb, &e) }</p> }
            <p class="bd-hint">{ basis }</p>
        </div>
    }
}

fn advice_text(m: &Messages, a: &Advice) -> Option<&'static str> {
    Some(match a {
        Advice::Offline => m.advice_offline,
        Advice::NotMeasured => m.advice_not_measured,
        Advice::VerySlowUpload { .. } => m.advice_slow_upload,
        Advice::UnstableConnection => m.advice_unstable,
        Advice::BusyConnection => m.advice_busy,
        Advice::Cellular => m.advice_cellular,
        Advice::SaveDataOn => m.advice_save_data,
        Advice::GoodConnection => m.advice_good,
        Advice::BackupTime(_) => return None,
    })
}
