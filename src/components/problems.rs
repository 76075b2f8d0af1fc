//! What the widget shows instead of steps when an author's tree cannot be
//! used: every problem at once, with the node and the place in the file, or
//! the reason the file did not arrive and a way to try again.

use std::rc::Rc;

use backup_doctor_core::tree::{Severity, TreeErrors};
use yew::prelude::*;

use crate::browser::fetch::FetchError;
use crate::messages::use_locale;
use crate::words::fetch_error;

#[derive(Properties, Clone)]
pub struct TreeProblemsProps {
    pub errors: Rc<TreeErrors>,
}

/// The same list when it is the same parse (a new parse is a new `Rc`):
/// comparing every problem, as the derive would, costs 1.3 KB of wasm.
impl PartialEq for TreeProblemsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.errors, &other.errors)
    }
}

#[function_component(TreeProblems)]
pub fn tree_problems(props: &TreeProblemsProps) -> Html {
    let m = use_locale();
    html! {
        <section class="bd-step bd-problems" role="alert">
            <h2>{ m.tree_problems_heading }</h2>
            <p>{ m.tree_problems_intro }</p>
            <ol>
                { for props.errors.problems.iter().map(|p| html! {
                    <li data-severity={if p.severity == Severity::Error { "error" } else { "warning" }}>
                        { p.to_string() }
                    </li>
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct FetchProblemProps {
    pub error: FetchError,
    pub on_retry: Callback<()>,
}

#[function_component(FetchProblem)]
pub fn fetch_problem(props: &FetchProblemProps) -> Html {
    let m = use_locale();
    let on_click = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <section class="bd-step bd-problems" role="alert">
            <h2>{ m.tree_fetch_heading }</h2>
            <p>{ fetch_error(&m, &props.error) }</p>
            <div class="bd-actions">
                <button type="button" class="bd-button bd-primary" onclick={on_click}>{ m.retry }</button>
            </div>
        </section>
    }
}
