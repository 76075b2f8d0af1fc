//! The end of a walk. "Resolved" thanks the person and names the step that
//! fixed it; "escalate" says where to get help and offers a summary to
//! share, mail, copy or print for the support request.

use std::rc::Rc;

use backup_doctor_core::session::{Session, Summary};
use backup_doctor_core::speed::SpeedResult;
use backup_doctor_core::tree::{Outcome, OutcomeKind};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::components::rich_text::RichText;
use crate::messages::use_locale;
use crate::state::SharedTree;
use crate::words::{summary_text, LastBackup, SupportReport};

#[derive(Properties, PartialEq, Clone)]
pub struct OutcomeStepProps {
    pub outcome: Outcome,
    /// The walk that ended here, and its tree: what the summary tells.
    pub session: Session,
    pub tree: SharedTree,
    /// The connection test's result, if there was one.
    #[prop_or_default]
    pub speed: Option<Rc<SpeedResult>>,
    /// The outcome's notes that fit the walk, in the person's language.
    #[prop_or_default]
    pub notes: Vec<AttrValue>,
}

#[function_component(OutcomeStep)]
pub fn outcome_step(props: &OutcomeStepProps) -> Html {
    let m = use_locale();
    let summary = props.session.summary(&props.tree, m.lang());
    let kind = props.outcome.outcome.as_str();
    html! {
        <div class="bd-outcome" data-outcome={kind}>
            if let Some(body) = &props.outcome.body {
                <RichText source={body.text(m.lang()).to_owned()} />
            }
            if !props.notes.is_empty() {
                <div class="bd-notes">
                    { for props.notes.iter().map(|n| html! { <RichText source={n.clone()} /> }) }
                </div>
            }
            if let (OutcomeKind::Resolved, Some(fix)) = (props.outcome.outcome, &summary.fixed_by) {
                <p class="bd-fixed-by">{ m.fixed_by }{ " " }<strong>{ fix.clone() }</strong></p>
            }
            if props.outcome.outcome == OutcomeKind::Escalate {
                <SupportSummary {summary} speed={props.speed.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SupportSummaryProps {
    summary: Summary,
    speed: Option<Rc<SpeedResult>>,
}

/// The summary to pass on: what the person told the widget, what was
/// tried and measured, and the Last backup date if they add it; sent by
/// the phone's share sheet (Web Share), by email, copied, or printed.
#[function_component(SupportSummary)]
fn support_summary(props: &SupportSummaryProps) -> Html {
    let m = use_locale();
    let status = use_state(|| None::<&'static str>);
    let last_backup = use_state(LastBackup::default);
    let can_share = use_memo((), |_| {
        web_sys::window().is_some_and(|w| {
            js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("share")).unwrap_or(false)
        })
    });
    let report = SupportReport {
        summary: props.summary.clone(),
        speed: props.speed.as_deref().cloned(),
        last_backup: (*last_backup).clone(),
    };
    let text = AttrValue::from(summary_text(&m, &report));
    let on_copy = {
        let (status, text) = (status.clone(), text.clone());
        Callback::from(move |_: MouseEvent| {
            let (status, text) = (status.clone(), text.clone());
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
    let on_share = {
        let (status, text) = (status.clone(), text.clone());
        Callback::from(move |_: MouseEvent| {
            let (status, text) = (status.clone(), text.clone());
            wasm_bindgen_futures::spawn_local(async move {
                status.set(
                    share(m.summary_title, &text)
                        .await
                        .err()
                        .map(|()| m.share_failed),
                );
            });
        })
    };
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let mailto = format!(
        "mailto:?subject={}&body={}",
        mail_encode(m.email_subject),
        mail_encode(&text)
    );
    let on_date = {
        let last_backup = last_backup.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let value = input.value();
            last_backup.set(if value.is_empty() {
                LastBackup::Unknown
            } else {
                LastBackup::On(value)
            });
        })
    };
    let date_input = use_node_ref();
    let on_none = {
        let last_backup = last_backup.clone();
        let date_input = date_input.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            // Unticked: the date still in the field counts again.
            let typed = date_input
                .cast::<web_sys::HtmlInputElement>()
                .map(|d| d.value())
                .filter(|v| !v.is_empty());
            last_backup.set(match (input.checked(), typed) {
                (true, _) => LastBackup::None,
                (false, Some(date)) => LastBackup::On(date),
                (false, None) => LastBackup::Unknown,
            });
        })
    };
    // No date after today (the browser's own day).
    let today = use_memo((), |_| {
        let iso = String::from(js_sys::Date::new_0().to_iso_string());
        iso.get(..10).unwrap_or_default().to_owned()
    });
    let none = *last_backup == LastBackup::None;
    html! {
        <section class="bd-summary" aria-labelledby="bd-summary-heading">
            <h3 id="bd-summary-heading">{ m.summary_heading }</h3>
            <p>{ m.summary_hint }</p>
            <div class="bd-field">
                <label for="bd-last-backup">{ m.last_backup_label }</label>
                <input id="bd-last-backup" type="date" ref={date_input} min="2010-01-01"
                       max={(*today).clone()} disabled={none} onchange={on_date} />
                <label class="bd-check">
                    <input id="bd-no-last-backup" type="checkbox" checked={none} onchange={on_none} />
                    { m.last_backup_none }
                </label>
            </div>
            <textarea readonly=true aria-labelledby="bd-summary-heading" value={text.clone()} />
            // What a printer gets: the whole text (a text box prints cut off).
            <pre class="bd-summary-print" aria-hidden="true">{ text.clone() }</pre>
            <div class="bd-actions">
                if *can_share {
                    <button type="button" class="bd-button bd-primary bd-share" onclick={on_share}>{ m.share_summary }</button>
                }
                <a class="bd-button bd-email" href={mailto}>{ m.email_summary }</a>
                <button type="button" class="bd-button bd-copy" onclick={on_copy}>{ m.copy_summary }</button>
                <button type="button" class="bd-button bd-quiet bd-print" onclick={on_print}>{ m.print_summary }</button>
            </div>
            <p role="status">{ status.unwrap_or("") }</p>
        </section>
    }
}

/// `navigator.share({title, text})`; a cancelled share sheet is not a
/// failure.
async fn share(title: &str, text: &str) -> Result<(), ()> {
    let navigator = web_sys::window().ok_or(())?.navigator();
    let data = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        js_sys::Reflect::set(&data, &JsValue::from_str(k), &JsValue::from_str(v))
    };
    set("title", title).map_err(|_| ())?;
    set("text", text).map_err(|_| ())?;
    let share = js_sys::Reflect::get(&navigator, &JsValue::from_str("share"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(())?;
    let promise = share.call1(&navigator, &data).map_err(|_| ())?;
    match JsFuture::from(js_sys::Promise::resolve(&promise)).await {
        Ok(_) => Ok(()),
        Err(e) => {
            let name = js_sys::Reflect::get(&e, &JsValue::from_str("name"))
                .ok()
                .and_then(|n| n.as_string());
            if name.as_deref() == Some("AbortError") {
                Ok(())
            } else {
                Err(())
            }
        }
    }
}

/// Percent-encodes `text` for a `mailto:` field: everything but letters,
/// digits and `-._~` (`encodeURIComponent` leaves `!*'()` as they are), and
/// each line break as CRLF (RFC 6068).
fn mail_encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(&text.replace('\n', "\r\n")))
        .replace('!', "%21")
        .replace('*', "%2A")
        .replace('\'', "%27")
        .replace('(', "%28")
        .replace(')', "%29")
}
