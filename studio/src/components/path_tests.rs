//! The tree's path tests (`tests` in the file), run on every check: which
//! pass, which fail and why, each one's walk, and a way to it in the text
//! and in the diagram.

use backup_doctor_core::tree::locate::Span;
use yew::prelude::*;

use crate::check::{Check, Shared, Usable};
use crate::state::Highlight;

#[derive(Properties, PartialEq)]
pub struct PathTestsProps {
    pub usable: Shared<Usable>,
    pub check: Shared<Check>,
    pub stale: bool,
    pub on_show: Callback<Span>,
    pub on_highlight: Callback<Highlight>,
}

const EXAMPLE: &str = r#""tests": [
  {"name": "Android, stuck at 0 %: account first",
   "answers": ["Android", "Stuck at 0 % or “Preparing backup”"],
   "reaches": "android-account", "max_screens": 3}
]"#;

#[function_component(PathTestsPanel)]
pub fn path_tests_panel(props: &PathTestsProps) -> Html {
    let tests = &props.usable.tests;
    let failed = tests.iter().filter(|t| t.failure.is_some()).count();
    let rows = tests.iter().map(|t| {
        let index = t.index;
        let place = if props.stale {
            None
        } else {
            props.check.places.get(&format!("/tests/{index}")).copied()
        };
        let on_show = place.map(|span| props.on_show.reform(move |_: MouseEvent| span));
        let on_highlight = props.on_highlight.reform(move |_: MouseEvent| Highlight::Test(index));
        let walked: Vec<&str> = t.walked.iter().map(|n| n.as_str()).collect();
        html! {
            <li class={classes!("st-test", if t.failure.is_some() { "st-fail" } else { "st-pass" })}>
                <p class="st-test-name">
                    <strong>{ if t.failure.is_some() { "Fails: " } else { "Passes: " } }</strong>
                    { t.name.clone() }
                </p>
                if let Some(failure) = &t.failure {
                    <p class="st-test-why">{ failure.to_string() }</p>
                }
                <p class="st-test-walk">{ format!("Walk: {}", walked.join(" → ")) }</p>
                <p class="st-actions">
                    <button type="button" class="st-button st-quiet" onclick={on_show} disabled={place.is_none()}>{ "Show in the text" }</button>
                    <button type="button" class="st-button st-quiet" onclick={on_highlight}>{ "Show in the flow" }</button>
                </p>
            </li>
        }
    });
    html! {
        <section class="st-panel st-tests" aria-labelledby="st-tests-title">
            <h2 id="st-tests-title">{ "Path tests" }</h2>
            if tests.is_empty() {
                <p>{ "This tree has no path tests. A path test is a walk that must reach a given step: add a list like this beside \"nodes\". \
                      At a question give an answer's English label; at a fix \"fixed\", \"still stuck\" or \"skip\"; at a connection test \
                      \"skip\", \"measured\" or one of its routes' conditions." }</p>
                <pre class="st-example">{ EXAMPLE }</pre>
            } else {
                <p class={classes!("st-summary", (failed > 0).then_some("st-has-errors"))} role="status">
                    { match failed {
                        0 => format!("All {} path tests pass.", tests.len()),
                        n => format!("{n} of {} path tests fail.", tests.len()),
                    } }
                </p>
                <ul class="st-test-list">{ for rows }</ul>
            }
        </section>
    }
}
