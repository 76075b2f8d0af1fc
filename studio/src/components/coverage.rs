//! Translation coverage: per language of the tree, how many texts it has
//! and which are missing (the widget shows English for those), each a way
//! to its place in the text.

use backup_doctor_core::tree::locate::Span;
use yew::prelude::*;

use crate::check::{Check, Shared, Usable};

/// Missing texts listed per language; beyond that a count.
const LISTED: usize = 40;

#[derive(Properties, PartialEq)]
pub struct CoverageProps {
    pub usable: Shared<Usable>,
    pub check: Shared<Check>,
    pub stale: bool,
    pub on_show: Callback<Span>,
}

#[function_component(CoveragePanel)]
pub fn coverage_panel(props: &CoverageProps) -> Html {
    let langs = &props.usable.coverage;
    let rows = langs.iter().map(|lang| {
        let percent = if lang.total == 0 { 100.0 } else { 100.0 * lang.present() as f64 / lang.total as f64 };
        html! {
            <tr>
                <th scope="row">{ lang.lang.clone() }</th>
                <td>{ format!("{} of {}", lang.present(), lang.total) }</td>
                <td>{ format!("{percent:.0} %") }</td>
                <td>
                    if lang.missing.is_empty() {
                        { "none" }
                    } else {
                        <ul class="st-missing">
                            { for lang.missing.iter().take(LISTED).map(|pointer| {
                                let place = if props.stale { None } else { props.check.places.get(pointer).copied() };
                                let onclick = place.map(|span| props.on_show.reform(move |_: MouseEvent| span));
                                html! { <li><button type="button" class="st-link" onclick={onclick} disabled={place.is_none()}><code>{ pointer.clone() }</code></button></li> }
                            }) }
                            if lang.missing.len() > LISTED {
                                <li>{ format!("…and {} more", lang.missing.len() - LISTED) }</li>
                            }
                        </ul>
                    }
                </td>
            </tr>
        }
    });
    html! {
        <section class="st-panel st-coverage" aria-labelledby="st-coverage-title">
            <h2 id="st-coverage-title">{ "Translations" }</h2>
            if langs.is_empty() {
                <p>{ "The tree is in English only. Add a language to \"langs\" and its texts beside each \"en\"." }</p>
            } else {
                <table>
                    <caption>{ "Texts per language; a missing one shows in English" }</caption>
                    <thead><tr><th scope="col">{ "Language" }</th><th scope="col">{ "Texts" }</th><th scope="col">{ "Complete" }</th><th scope="col">{ "Missing" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </section>
    }
}
