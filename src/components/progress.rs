//! "Step 3 of about 12" with a bar: the total is an estimate, because the
//! path depends on the answers still to come.

use yew::prelude::*;

use crate::messages::Messages;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    /// Steps behind the person, counting the current one.
    pub done: usize,
    /// Longest remaining path to an end, plus `done`.
    pub total: usize,
    pub messages: &'static Messages,
}

#[function_component(Progress)]
pub fn progress(props: &ProgressProps) -> Html {
    let total = props.total.max(props.done).max(1);
    let text = props.messages.progress_text(props.done, total);
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
