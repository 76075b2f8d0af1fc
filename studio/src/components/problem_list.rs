//! Every problem of the text at once, errors before warnings, each with its
//! node, JSON Pointer and line:column; choosing one puts the cursor there.

use backup_doctor_core::tree::locate::Span;
use backup_doctor_core::tree::Severity;
use yew::prelude::*;

use crate::check::{Check, Located, Shared};

/// More than this many are summarised: a file that is not a tree at all
/// can have hundreds, and the first ones are the ones to fix.
const SHOWN: usize = 200;

#[derive(Properties, PartialEq)]
pub struct ProblemListProps {
    pub check: Shared<Check>,
    pub on_show: Callback<Span>,
}

fn item(problem: &Located, on_show: &Callback<Span>) -> Html {
    let place = problem
        .span
        .map(|s| format!("line {}:{}", s.line, s.column))
        .unwrap_or_else(|| "place unknown".to_owned());
    let pointer = if problem.pointer.is_empty() {
        "(the whole file)".to_owned()
    } else {
        problem.pointer.clone()
    };
    let node = problem
        .node
        .as_ref()
        .map(|n| html! { <span class="st-node-id">{ format!("step \"{n}\"") }</span> });
    let onclick = problem
        .span
        .map(|span| on_show.reform(move |_: MouseEvent| span));
    html! {
        <li>
            <button type="button" class="st-problem" onclick={onclick} disabled={problem.span.is_none()}>
                <span class="st-where">{ node }<code>{ pointer }</code>{ " " }<span class="st-line">{ place }</span></span>
                <span class="st-message">{ problem.message.clone() }</span>
            </button>
        </li>
    }
}

#[function_component(ProblemList)]
pub fn problem_list(props: &ProblemListProps) -> Html {
    let check = &props.check;
    let of = |severity| {
        check
            .problems
            .iter()
            .filter(move |p| p.severity == severity)
            .collect::<Vec<_>>()
    };
    let (errors, warnings) = (of(Severity::Error), of(Severity::Warning));
    let counts = match (errors.len(), warnings.len()) {
        (0, 0) => "No problems".to_owned(),
        (e, w) => format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    };
    // Only the counts are a live region: the timings change on every
    // check and would be read out at every pause in typing.
    let timing = format!(
        " · checked in {:.0} ms (validation {:.1} ms)",
        check.total_ms, check.validate_ms
    );
    let list = |title: &str, class: &str, items: &[&Located]| {
        if items.is_empty() {
            return html! {};
        }
        let more = items.len().saturating_sub(SHOWN);
        html! {
            <div class={classes!("st-problems", class.to_owned())}>
                <h3>{ format!("{title} ({})", items.len()) }</h3>
                <ul>{ for items.iter().take(SHOWN).map(|p| item(p, &props.on_show)) }</ul>
                if more > 0 {
                    <p>{ format!("…and {more} more; fix the first ones and check again.") }</p>
                }
            </div>
        }
    };
    html! {
        <div class="st-check" data-check-ms={format!("{:.3}", check.total_ms)}
             data-validate-ms={format!("{:.3}", check.validate_ms)}>
            <p class={classes!("st-summary", (!errors.is_empty()).then_some("st-has-errors"))}>
                <span role="status">{ counts }</span><span class="st-timing">{ timing }</span>
            </p>
            { list("Errors: the widget cannot use the tree", "st-errors", &errors) }
            { list("Warnings: the tree works, but", "st-warnings", &warnings) }
        </div>
    }
}
