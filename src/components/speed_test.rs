//! The connection-test step. Until the measurement engine is built, it says
//! so plainly and lets the person continue: it never shows a made-up result.

use backup_doctor_core::session::Choice;
use backup_doctor_core::tree::SpeedTest;
use yew::prelude::*;

use crate::components::rich_text::RichText;
use crate::messages::Messages;

#[derive(Properties, PartialEq)]
pub struct SpeedTestStepProps {
    pub step: SpeedTest,
    pub lang: AttrValue,
    pub messages: &'static Messages,
    pub on_choose: Callback<Choice>,
}

#[function_component(SpeedTestStep)]
pub fn speed_test_step(props: &SpeedTestStepProps) -> Html {
    let m = props.messages;
    let on_continue = props
        .on_choose
        .reform(|_: MouseEvent| Choice::Measured { route: None });
    html! {
        <>
            if let Some(body) = &props.step.body {
                <RichText source={body.text(&props.lang).to_owned()} />
            }
            <p class="bd-notice">{ m.speed_test_unavailable }</p>
            <div class="bd-actions">
                <button type="button" class="bd-button bd-primary" onclick={on_continue}>{ m.continue_label }</button>
            </div>
        </>
    }
}
