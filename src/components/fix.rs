//! A fix step: what to try, then "Did this fix it?". A step that can lose
//! data shows its warning first and reveals the instructions only after an
//! explicit confirmation (or lets the person skip it).

use backup_doctor_core::session::Choice;
use backup_doctor_core::tree::Fix;
use yew::prelude::*;

use crate::components::rich_text::RichText;
use crate::messages::use_locale;

#[derive(Properties, PartialEq)]
pub struct FixStepProps {
    pub fix: Fix,
    pub on_choose: Callback<Choice>,
}

#[function_component(FixStep)]
pub fn fix_step(props: &FixStepProps) -> Html {
    let m = use_locale();
    let lang = m.lang();
    let confirmed = use_state(|| false);
    // Once confirmed, focus moves to the revealed instructions (the button
    // that had it is gone), so keyboard and screen-reader users read on.
    let instructions = use_node_ref();
    {
        let instructions = instructions.clone();
        let warned = props.fix.warning.is_some();
        use_effect_with(*confirmed, move |confirmed| {
            if *confirmed && warned {
                if let Some(el) = instructions.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let choose = |choice: Choice| props.on_choose.reform(move |_: MouseEvent| choice);

    if let (Some(warning), false) = (&props.fix.warning, *confirmed) {
        let on_confirm = {
            let confirmed = confirmed.clone();
            Callback::from(move |_: MouseEvent| confirmed.set(true))
        };
        let confirm_label = props
            .fix
            .confirm
            .as_ref()
            .map_or("", |c| c.text(lang))
            .to_owned();
        return html! {
            <>
                <div class="bd-warning" role="note">
                    <h3>{ m.before_you_do_this }</h3>
                    <RichText source={warning.text(lang).to_owned()} />
                </div>
                // The safe choice is the primary one; the risky one looks risky.
                <div class="bd-actions">
                    <button type="button" class="bd-button bd-primary bd-skip-risk" onclick={choose(Choice::Skipped)}>{ m.skip_step }</button>
                    <button type="button" class="bd-button bd-risky bd-confirm" onclick={on_confirm}>{ confirm_label }</button>
                </div>
            </>
        };
    }
    html! {
        <>
            <div class="bd-instructions" tabindex="-1" ref={instructions}>
                if let Some(body) = &props.fix.body {
                    <RichText source={body.text(lang).to_owned()} />
                }
            </div>
            <p class="bd-question">{ m.did_it_fix }</p>
            <div class="bd-actions">
                <button type="button" class="bd-button bd-primary" onclick={choose(Choice::Fixed)}>{ m.fixed_yes }</button>
                <button type="button" class="bd-button" onclick={choose(Choice::NotFixed)}>{ m.fixed_no }</button>
            </div>
        </>
    }
}
