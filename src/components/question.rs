//! A question step: the answers as large buttons.

use backup_doctor_core::session::Choice;
use backup_doctor_core::tree::Question;
use yew::prelude::*;

use crate::messages::use_locale;

#[derive(Properties, PartialEq)]
pub struct QuestionStepProps {
    pub question: Question,
    pub on_choose: Callback<Choice>,
}

#[function_component(QuestionStep)]
pub fn question_step(props: &QuestionStepProps) -> Html {
    let lang = use_locale().lang();
    let answers = props.question.answers.iter().enumerate().map(|(i, answer)| {
        let onclick = props.on_choose.reform(move |_: MouseEvent| Choice::Answer(i));
        html! {
            <button type="button" class="bd-button" {onclick}>{ answer.label.text(lang).to_owned() }</button>
        }
    });
    html! { <div class="bd-actions">{ for answers }</div> }
}
