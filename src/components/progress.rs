//! "Step 3 of about 12" with a bar: the total is an estimate, because the
//! path depends on the answers still to come.

use yew::prelude::*;

use crate::browser::intl::number;
use crate::messages::use_locale;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    /// Steps behind the person, counting the current one.
    pub done: usize,
    /// Longest remaining path to an end, plus `done`.
    pub total: usize,
}

#[function_component(Progress)]
pub fn progress(props: &ProgressProps) -> Html {
    let m = use_locale();
    let total = props.total.max(props.done).max(1);
    let figure = |n: usize| number(m.lang(), n as f64, 0);
    let text = m.progress(&figure(props.done), &figure(total));
    html! {
        <div class="bd-progress">
            <span>{ text.clone() }</span>
            // A native <progress> needs no inline style, which a strict
            // host CSP (style-src 'self') would block.
            <progress class="bd-progress-bar" aria-label={text}
                      max={total.to_string()} value={props.done.to_string()}></progress>
        </div>
    }
}
