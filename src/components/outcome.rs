//! The end of a walk. "Resolved" thanks the person and names the step that
//! fixed it; "escalate" says where to get help and offers a summary to copy
//! into the support request.

use backup_doctor_core::session::Summary;
use backup_doctor_core::tree::{Outcome, OutcomeKind};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::components::rich_text::RichText;
use crate::messages::Messages;

#[derive(Properties, PartialEq)]
pub struct OutcomeStepProps {
    pub outcome: Outcome,
    pub summary: Summary,
    /// The outcome's notes that fit the walk, in the person's language.
    #[prop_or_default]
    pub notes: Vec<AttrValue>,
    pub lang: AttrValue,
    pub messages: &'static Messages,
}

#[function_component(OutcomeStep)]
pub fn outcome_step(props: &OutcomeStepProps) -> Html {
    let m = props.messages;
    let kind = match props.outcome.outcome {
        OutcomeKind::Resolved => "resolved",
        OutcomeKind::Escalate => "escalate",
    };
    html! {
        <div class="bd-outcome" data-outcome={kind}>
            if let Some(body) = &props.outcome.body {
                <RichText source={body.text(&props.lang).to_owned()} />
            }
            if !props.notes.is_empty() {
                <div class="bd-notes">
                    { for props.notes.iter().map(|n| html! { <RichText source={n.clone()} /> }) }
                </div>
            }
            if let (OutcomeKind::Resolved, Some(fix)) = (props.outcome.outcome, &props.summary.fixed_by) {
                <p class="bd-fixed-by">{ m.fixed_by }{ " " }<strong>{ fix.clone() }</strong></p>
            }
            if props.outcome.outcome == OutcomeKind::Escalate {
                <SupportSummary text={props.summary.to_text()} messages={m} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SupportSummaryProps {
    text: AttrValue,
    messages: &'static Messages,
}

/// The copyable summary: a read-only text box (selectable by hand too) and
/// a copy button that reports whether copying worked.
#[function_component(SupportSummary)]
fn support_summary(props: &SupportSummaryProps) -> Html {
    let m = props.messages;
    let status = use_state(|| None::<&'static str>);
    let on_copy = {
        let status = status.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = match web_sys::window() {
                    Some(w) => JsFuture::from(w.navigator().clipboard().write_text(&text))
                        .await
                        .is_ok(),
                    None => false,
                };
                status.set(Some(if copied { m.copied } else { m.copy_failed }));
            });
        })
    };
    html! {
        <section class="bd-summary" aria-labelledby="bd-summary-heading">
            <h3 id="bd-summary-heading">{ m.summary_heading }</h3>
            <p>{ m.summary_hint }</p>
            <textarea readonly=true aria-labelledby="bd-summary-heading" value={props.text.clone()} />
            <div class="bd-actions">
                <button type="button" class="bd-button" onclick={on_copy}>{ m.copy_summary }</button>
            </div>
            <p role="status">{ status.unwrap_or("") }</p>
        </section>
    }
}
