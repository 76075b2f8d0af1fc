//! Asks an insights collector for this tree's figures (URL and token),
//! and says what it got or why not.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::insights::{fetch_summary, figures_of, saved_token, Figures};

#[derive(Properties, PartialEq)]
pub struct FiguresFormProps {
    pub tree_id: AttrValue,
    pub revision: AttrValue,
    pub on_figures: Callback<Option<Rc<Figures>>>,
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

#[function_component(FiguresForm)]
pub fn figures_form(props: &FiguresFormProps) -> Html {
    let base = use_node_ref();
    let token = use_node_ref();
    let message = use_state(|| None::<(bool, String)>);
    let onsubmit = {
        let (base, token, message) = (base.clone(), token.clone(), message.clone());
        let (id, revision) = (props.tree_id.to_string(), props.revision.to_string());
        let on_figures = props.on_figures.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value().trim().to_owned())
                    .unwrap_or_default()
            };
            let (url, secret) = (value(&base), value(&token));
            let (message, on_figures, id, revision) = (
                message.clone(),
                on_figures.clone(),
                id.clone(),
                revision.clone(),
            );
            message.set(Some((false, format!("Asking {url}…"))));
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_summary(&url, &secret).await {
                    Ok(summary) => match figures_of(&summary, &id, &revision) {
                        Some(f) => {
                            message.set(Some((false, format!(
                                "Figures for {}: {} started, {} resolved, {} got help. Each step shows how many reached it, left there and were fixed by it.",
                                f.covers, f.started, f.resolved, f.escalated
                            ))));
                            on_figures.emit(Some(Rc::new(f)));
                        }
                        None => {
                            message.set(Some((
                                false,
                                format!("The collector has no figures for \"{id}\" yet."),
                            )));
                            on_figures.emit(None);
                        }
                    },
                    Err(e) => message.set(Some((true, e))),
                }
            });
        })
    };
    html! {
        <form class="st-figures-form" {onsubmit} aria-label="Figures from an insights collector">
            <label for="st-insights-url">{ "Insights collector" }</label>
            <input id="st-insights-url" ref={base} type="text" inputmode="url" spellcheck="false" value={origin()} />
            <label for="st-insights-token">{ "Token" }</label>
            <input id="st-insights-token" ref={token} type="password" autocomplete="off" value={saved_token()} />
            <button type="submit" class="st-button st-quiet">{ "Show figures" }</button>
            {
                match &*message {
                    Some((true, text)) => html! { <p class="st-status st-error" role="alert">{ text.clone() }</p> },
                    Some((false, text)) => html! { <p class="st-status" role="status">{ text.clone() }</p> },
                    None => html! {},
                }
            }
        </form>
    }
}
