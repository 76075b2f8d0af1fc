//! The answers so far, folded by default; each can be changed, which takes
//! the person back to that step.

use backup_doctor_core::session::{Choice, Crumb};
use yew::prelude::*;

use crate::messages::use_locale;

#[derive(Properties, PartialEq)]
pub struct BreadcrumbProps {
    pub crumbs: Vec<Crumb>,
    /// Called with the step index to answer again.
    pub on_rewind: Callback<usize>,
}

#[function_component(Breadcrumb)]
pub fn breadcrumb(props: &BreadcrumbProps) -> Html {
    let m = use_locale();
    if props.crumbs.is_empty() {
        return html! {};
    }
    let items = props.crumbs.iter().map(|crumb| {
        let step = crumb.step;
        let onclick = props.on_rewind.reform(move |_: MouseEvent| step);
        let answer = match (&crumb.answer, crumb.choice) {
            (Some(label), Choice::Known(_)) => m.known_answer(label),
            (Some(label), _) => label.clone(),
            (None, choice) => match choice {
                Choice::Fixed => m.crumb_fixed,
                Choice::NotFixed => m.crumb_not_fixed,
                Choice::Skipped => m.crumb_skipped,
                Choice::Measured { .. } | Choice::Answer(_) | Choice::Known(_) => m.crumb_measured,
            }
            .to_owned(),
        };
        html! {
            <li>
                { label_with_colon(&crumb.title) }
                <span class="bd-crumb-answer">{ answer }</span>
                { " " }
                <button type="button" class="bd-link-button" {onclick}
                        aria-label={format!("{} {}", m.change_answer, crumb.title)}>
                    { m.change_answer }
                </button>
            </li>
        }
    });
    html! {
        <nav class="bd-breadcrumb" aria-label={m.your_answers}>
            <details>
                <summary>{ format!("{} ({})", m.your_answers, props.crumbs.len()) }</summary>
                <ol>{ for items }</ol>
            </details>
        </nav>
    }
}

/// "Platform: " but "Which phone? " (a title that ends in its own
/// punctuation gets no colon after it).
fn label_with_colon(title: &str) -> String {
    if title.ends_with(['?', ':', '؟', '？']) {
        format!("{title} ")
    } else {
        format!("{title}: ")
    }
}
