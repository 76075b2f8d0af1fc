//! One step per screen: progress, the answers so far, the current step and
//! the way back. It resumes where the person left off (a shared link, then
//! saved progress) and remembers every step in localStorage and in the URL.

use backup_doctor_core::session::Choice;
use backup_doctor_core::tree::Node;
use yew::prelude::*;

use crate::browser::events;
use crate::browser::storage::StorageError;
use crate::chunks::{self, Connection, Lazy, Outcome};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::fix::FixStep;
use crate::components::progress::Progress;
use crate::components::question::QuestionStep;
use crate::components::rich_text::RichText;
use crate::messages::use_locale;
use crate::remember::{use_remembered_walk, MemoryNotice, RememberedWalk};
use crate::reporting::{host_events, use_insights};
use crate::state::{SharedTree, UndoReason, Walk, WalkAction};

#[derive(Properties, PartialEq)]
pub struct TroubleshooterProps {
    pub tree: SharedTree,
    /// Base URL of the speed-test endpoints ("" = this page's origin).
    #[prop_or_default]
    pub endpoint: AttrValue,
    /// Read and write the step in the URL fragment (standalone page only:
    /// an embedded widget must not touch its host page's URL).
    #[prop_or(true)]
    pub use_link: bool,
    /// Base URL of the insights collector; `None`: nothing is sent.
    #[prop_or_default]
    pub insights: Option<AttrValue>,
}

#[function_component(Troubleshooter)]
pub fn troubleshooter(props: &TroubleshooterProps) -> Html {
    let m = use_locale();
    let lang = m.lang();
    let RememberedWalk {
        walk,
        notice,
        forget,
    } = use_remembered_walk(&props.tree, props.use_link);

    // Move focus to the new step's heading, so screen readers and keyboard
    // users start at the top of it (not on first render: that would steal
    // focus from the host page).
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        let first = use_mut_ref(|| true);
        use_effect_with(walk.session.current().clone(), move |_| {
            if std::mem::replace(&mut *first.borrow_mut(), false) {
                return;
            }
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    }

    // Tell the host page (analytics) about every step and every end.
    let root = use_node_ref();
    {
        let root = root.clone();
        let walk = walk.clone();
        use_effect_with(walk.session.current().clone(), move |node| {
            if let Some(el) = root.cast::<web_sys::Element>() {
                let shown = host_events(&walk, node);
                if let Some(step) = &shown.step {
                    events::emit(&el, "step", step);
                }
                if let Some(outcome) = &shown.outcome {
                    events::emit(&el, "outcome", outcome);
                }
            }
        });
    }

    // The steps that come later (the connection test, the outcome) are in
    // chunks of their own: fetched once this first step is drawn.
    use_effect_with((), |_| chunks::prefetch());

    // With the `insights` setting, the collector counts the walk (steps,
    // the end, leaving), each step once (see `backup_doctor_core::insights`).
    use_insights(&walk, props.insights.clone(), lang);

    // A choice that would drop later answers (after Back or "Change") is
    // asked about first; the change can then be undone. The question goes
    // with the step it was asked at.
    let pending = use_state(|| None::<(Choice, usize)>);
    {
        let pending = pending.clone();
        use_effect_with(walk.session.current().clone(), move |_| pending.set(None));
    }

    let Some(node) = walk.tree.node(walk.session.current()).cloned() else {
        // A ValidTree contains every node a session can reach.
        return html! {};
    };
    let on_choose = {
        let walk = walk.clone();
        let pending = pending.clone();
        Callback::from(
            move |c: Choice| match walk.session.would_drop(&walk.tree, c) {
                0 => walk.dispatch(WalkAction::Choose(c)),
                dropped => pending.set(Some((c, dropped))),
            },
        )
    };
    let on_rewind = {
        let walk = walk.clone();
        Callback::from(move |step: usize| walk.dispatch(WalkAction::RewindTo(step)))
    };
    let on_back = {
        let walk = walk.clone();
        Callback::from(move |_: MouseEvent| walk.dispatch(WalkAction::Back))
    };
    let on_restart = {
        let walk = walk.clone();
        Callback::from(move |_: MouseEvent| walk.dispatch(WalkAction::Restart))
    };
    let progress = walk.session.progress(&walk.tree);
    // Texts that fit what the person did so far ("you deleted the old
    // backup..."): above a fix's instructions, under an outcome's body.
    let notes: Vec<AttrValue> = walk
        .session
        .notes(&walk.tree)
        .iter()
        .map(|n| AttrValue::from(n.text.text(lang).to_owned()))
        .collect();
    let fix_notes = (!notes.is_empty() && matches!(node, Node::Fix(_))).then(|| {
        html! {
            <div class="bd-notes">
                { for notes.iter().map(|n| html! { <RichText source={n.clone()} /> }) }
            </div>
        }
    });
    let view = match &node {
        Node::Question(q) => html! {
            <>
                if let Some(body) = &q.body { <RichText source={body.text(lang).to_owned()} /> }
                <QuestionStep question={q.clone()} on_choose={on_choose} />
            </>
        },
        Node::Fix(f) => {
            html! { <FixStep fix={f.clone()} on_choose={on_choose} /> }
        }
        Node::SpeedTest(s) => {
            let on_result = dispatch(&walk, WalkAction::Measured);
            let on_backup_size = dispatch(&walk, WalkAction::SetBackupSize);
            let on_continue = dispatch(&walk, |()| WalkAction::LeaveTest);
            html! {
                <Lazy<Connection> step={s.clone()} endpoint={props.endpoint.clone()}
                               result={walk.speed.clone()} backup_size_gb={walk.session.backup_size_gb()}
                               platform={walk.session.platform(&walk.tree)}
                               {on_result} {on_backup_size} on_choose={on_choose} {on_continue} />
            }
        }
        Node::Outcome(o) => {
            html! {
                <Lazy<Outcome> outcome={o.clone()} session={walk.session.clone()} tree={walk.tree.clone()}
                               speed={walk.speed.clone()} notes={notes.clone()} />
            }
        }
    };
    let notice = notice.map(|n| match n {
        MemoryNotice::Storage(StorageError::Unavailable) => m.storage_unavailable,
        MemoryNotice::Storage(StorageError::WriteFailed) => m.storage_write_failed,
        MemoryNotice::Restored => m.restored_notice,
        MemoryNotice::RestoreFailed => m.restore_failed_notice,
        MemoryNotice::Forgotten => m.forgotten_notice,
    });
    let on_forget = forget.reform(|_: MouseEvent| ());
    let confirm_change = pending.map(|(choice, dropped)| {
        let on_change = {
            let (walk, pending) = (walk.clone(), pending.clone());
            Callback::from(move |_: MouseEvent| {
                pending.set(None);
                walk.dispatch(WalkAction::Choose(choice));
            })
        };
        let on_keep = {
            let (walk, pending) = (walk.clone(), pending.clone());
            Callback::from(move |_: MouseEvent| {
                pending.set(None);
                walk.dispatch(WalkAction::KeepAnswers);
            })
        };
        html! {
            <div class="bd-warning bd-change-confirm" role="alertdialog" aria-labelledby="bd-change-text">
                <p id="bd-change-text">{ m.change_drops(dropped as f64) }</p>
                <div class="bd-actions">
                    <button type="button" class="bd-button bd-primary bd-keep-answers" onclick={on_keep}>{ m.change_keep }</button>
                    <button type="button" class="bd-button bd-risky bd-change-answer" onclick={on_change}>{ m.change_confirm }</button>
                </div>
            </div>
        }
    });
    let undo_notice = walk.undo.as_ref().map(|undo| {
        let text = match undo.reason {
            UndoReason::StartedOver => m.restarted_notice,
            UndoReason::AnswersDropped => m.answers_dropped_notice,
        };
        let on_undo = {
            let walk = walk.clone();
            Callback::from(move |_: MouseEvent| walk.dispatch(WalkAction::Undo))
        };
        html! {
            <p class="bd-notice bd-undo-notice" role="status">
                { text }{ " " }
                <button type="button" class="bd-link-button bd-undo" onclick={on_undo}>{ m.undo }</button>
            </p>
        }
    });
    // Right after an answer the browser gave, say so, with the way to change
    // it: the browser may not be on the phone that has the stuck backup.
    let crumbs = walk.session.breadcrumb(&walk.tree, lang);
    let known_answer = crumbs
        .last()
        .filter(|c| matches!(c.choice, Choice::Known(_)))
        .cloned();
    let known_notice = known_answer.map(|crumb| {
        let step = crumb.step;
        let on_change = on_rewind.reform(move |_: MouseEvent| step);
        let text = m.known_answer_notice(&crate::words::isolate(
            crumb.answer.as_deref().unwrap_or_default(),
        ));
        html! {
            <p class="bd-notice bd-known-notice" role="status">
                { text }{ " " }
                <button type="button" class="bd-link-button bd-known-change" onclick={on_change}
                        aria-label={format!("{} {}", m.change_answer, crumb.title)}>
                    { m.change_answer }
                </button>
            </p>
        }
    });
    let at_start = walk.session.steps().is_empty();
    html! {
        <div class="bd-walk" ref={root}>
            if let Some(text) = notice {
                <p class="bd-notice" role="status">{ text }</p>
            }
            { for undo_notice }
            <Progress done={progress.done + 1} total={progress.total_estimate + 1} />
            <Breadcrumb {crumbs} on_rewind={on_rewind.clone()} />
            { for known_notice }
            <section class="bd-step" key={node.id().as_str().to_owned()} data-node={node.id().as_str().to_owned()}>
                <h2 ref={heading} tabindex="-1">{ node.title().text(lang).to_owned() }</h2>
                { for confirm_change }
                { for fix_notes }
                { view }
            </section>
            if !at_start {
                <nav class="bd-nav">
                    <button type="button" class="bd-button bd-quiet" onclick={on_back}>{ m.back }</button>
                    <button type="button" class="bd-button bd-quiet" onclick={on_restart}>{ m.start_over }</button>
                </nav>
                <p class="bd-privacy">
                    <button type="button" class="bd-link-button bd-forget" onclick={on_forget}>{ m.forget_progress }</button>
                </p>
            }
        </div>
    }
}

fn dispatch<T: 'static>(walk: &UseReducerHandle<Walk>, action: fn(T) -> WalkAction) -> Callback<T> {
    let walk = walk.clone();
    Callback::from(move |value: T| walk.dispatch(action(value)))
}
