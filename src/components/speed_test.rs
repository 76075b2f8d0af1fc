//! The connection-test step: start, live progress, cancel; then the figures,
//! the backup-time estimate for the size the person enters, the advice, and
//! a Continue whose next step depends on the numbers (the tree's routes).

use std::cell::Cell;
use std::rc::Rc;

use backup_doctor_core::session::{Choice, Platform};
use backup_doctor_core::speed::SpeedResult;
use backup_doctor_core::tree::SpeedTest;
use yew::prelude::*;

use crate::browser::measure::{self, Live, Phase};
use crate::browser::{events, intl};
use crate::components::rich_text::RichText;
use crate::components::speed_report::SpeedReport;
use crate::messages::{use_locale, Messages};

#[derive(Properties, PartialEq, Clone)]
pub struct SpeedTestStepProps {
    pub step: SpeedTest,
    /// Base URL of the speed-test endpoints ("" = this page's origin).
    pub endpoint: AttrValue,
    /// The last finished test, if any.
    pub result: Option<Rc<SpeedResult>>,
    pub backup_size_gb: Option<f64>,
    /// The phone the walk is about (for where it shows the backup size).
    pub platform: Option<Platform>,
    pub on_result: Callback<Rc<SpeedResult>>,
    pub on_backup_size: Callback<Option<f64>>,
    pub on_choose: Callback<Choice>,
    /// Continue: the walk takes the route the result calls for.
    pub on_continue: Callback<()>,
}

#[function_component(SpeedTestStep)]
pub fn speed_test_step(props: &SpeedTestStepProps) -> Html {
    let m = use_locale();
    let live = use_state(|| None::<Live>);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    let root = use_node_ref();
    {
        // Leaving the step (or unmounting the widget) stops a running test.
        let cancel = cancel.clone();
        use_effect_with((), move |_| move || cancel.borrow().set(true));
    }
    let on_start = {
        let live = live.clone();
        let cancel = cancel.clone();
        let endpoint = props.endpoint.clone();
        let on_result = props.on_result.clone();
        let root = root.clone();
        Callback::from(move |_: MouseEvent| {
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            let live = live.clone();
            let endpoint = endpoint.clone();
            let on_result = on_result.clone();
            let root = root.clone();
            live.set(Some(Live {
                phase: Phase::Latency,
                mbps: None,
                elapsed_ms: 0.0,
                fraction: 0.0,
            }));
            wasm_bindgen_futures::spawn_local(async move {
                let progress = live.clone();
                let result = measure::run(&endpoint, flag, move |l| progress.set(Some(l))).await;
                live.set(None);
                if let Some(el) = root.cast::<web_sys::Element>() {
                    events::emit(
                        &el,
                        "speedtest",
                        &crate::reporting::speed_detail(&m, &result),
                    );
                }
                on_result.emit(Rc::new(result));
            });
        })
    };
    let on_cancel = {
        let cancel = cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.borrow().set(true))
    };
    let on_continue = props.on_continue.reform(|_: MouseEvent| ());
    let on_skip = props.on_choose.reform(|_: MouseEvent| Choice::Skipped);

    let controls = match (*live, &props.result) {
        (Some(l), _) => html! {
            <div class="bd-live">
                <p class="bd-phase">{ phase_text(&m, l.phase) }</p>
                // Each number with its unit isolated, so right-to-left text
                // never runs two figures together.
                <p class="bd-live-figure" aria-hidden="true">
                    if let Some(v) = l.mbps {
                        <bdi>{ m.figure_mbps(&intl::number(m.lang(), v, 1)) }</bdi>{ " · " }
                    }
                    <bdi>{ m.elapsed_seconds(&intl::number(m.lang(), l.elapsed_ms / 1000.0, 1)) }</bdi>
                </p>
                if l.phase == Phase::Upload && l.mbps.is_none() {
                    // Until the first upload answer: an open-ended bar.
                    <progress class="bd-progress-bar" aria-label={phase_text(&m, l.phase)}></progress>
                } else {
                    <progress class="bd-progress-bar" max="100" value={((l.fraction * 100.0) as u32).to_string()}
                              aria-label={phase_text(&m, l.phase)}></progress>
                }
                <div class="bd-actions">
                    <button type="button" class="bd-button bd-speed-cancel" onclick={on_cancel}>{ m.speed_cancel }</button>
                </div>
            </div>
        },
        (None, Some(result)) => html! {
            <>
                <SpeedReport result={result.clone()} backup_size_gb={props.backup_size_gb} platform={props.platform} on_backup_size={props.on_backup_size.clone()} />
                <div class="bd-actions">
                    <button type="button" class="bd-button bd-primary" onclick={on_continue}>{ m.continue_label }</button>
                    <button type="button" class="bd-button bd-speed-start" onclick={on_start}>{ m.speed_again }</button>
                </div>
            </>
        },
        (None, None) => html! {
            <>
                <p class="bd-hint">{ m.speed_uses_data }</p>
                <div class="bd-actions">
                    <button type="button" class="bd-button bd-primary bd-speed-start" onclick={on_start}>{ m.speed_start }</button>
                    <button type="button" class="bd-button bd-quiet" onclick={on_skip}>{ m.speed_skip }</button>
                </div>
            </>
        },
    };
    // One polite live region for the whole step, present before anything
    // changes: it speaks each phase once and the result once, not every
    // sample of the live figure.
    let announcement = match (*live, &props.result) {
        (Some(l), _) => phase_text(&m, l.phase).to_owned(),
        (None, Some(r)) => result_sentence(&m, r),
        (None, None) => String::new(),
    };
    html! {
        <div class="bd-speed" ref={root}>
            <p class="bd-announce bd-visually-hidden" role="status" aria-live="polite">{ announcement }</p>
            if let Some(body) = &props.step.body {
                <RichText source={body.text(m.lang()).to_owned()} />
            }
            { controls }
        </div>
    }
}

fn phase_text(m: &Messages, phase: Phase) -> &'static str {
    match phase {
        Phase::Latency => m.phase_latency,
        Phase::Download => m.phase_download,
        Phase::Upload => m.phase_upload,
    }
}

/// "Your connection. Download: 23.4 Mbit/s. Upload: 5.1 Mbit/s." for the
/// live region.
fn result_sentence(m: &Messages, r: &SpeedResult) -> String {
    let figure = |v: Option<f64>| {
        v.map_or_else(
            || m.not_measured.to_owned(),
            |v| m.figure_mbps(&intl::number(m.code, v, 1)),
        )
    };
    m.live_result(&figure(r.download_mbps), &figure(r.upload_mbps))
}
