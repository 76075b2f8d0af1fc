//! What the widget reports outward: the events a host page's analytics
//! receive (`backup-doctor:step`, `backup-doctor:outcome`,
//! `backup-doctor:speedtest`), and, with the `insights` setting, the
//! beacons to an insights collector ([`use_insights`]).

use std::cell::RefCell;
use std::rc::Rc;

use backup_doctor_core::insights::{Moment, Tracker};
use backup_doctor_core::speed::SpeedResult;
use backup_doctor_core::tree::{Node, NodeId};
use gloo::events::EventListener;
use serde::Serialize;
use yew::prelude::*;

use crate::browser::beacon;
use crate::messages::Messages;
use crate::state::Walk;

/// The `backup-doctor:speedtest` detail (and what `speedTest()` resolves
/// with): the result's JSON plus `errorMessage`, its `error` in the
/// widget's language (`null` without an error).
pub fn speed_detail(m: &Messages, r: &SpeedResult) -> serde_json::Value {
    let mut detail = serde_json::to_value(r).unwrap_or_default();
    if let Some(object) = detail.as_object_mut() {
        let message = r.error.as_ref().map(|e| crate::words::speed_error(m, e));
        object.insert("errorMessage".to_owned(), message.into());
    }
    detail
}

/// The detail of `backup-doctor:step` (see the README for the fields).
#[derive(Serialize)]
pub struct StepDetail {
    tree: String,
    node: String,
    kind: &'static str,
    step: usize,
    trail: String,
}

/// The detail of `backup-doctor:outcome`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeDetail {
    tree: String,
    node: String,
    outcome: &'static str,
    fixed_by: Option<String>,
    tried: Vec<String>,
}

/// The events of one step shown: `step` always, `outcome` at an end.
#[derive(Default)]
pub struct HostEvents {
    pub step: Option<StepDetail>,
    pub outcome: Option<OutcomeDetail>,
}

/// `backup-doctor:step` for every step shown, and `backup-doctor:outcome`
/// when it is an end; typed details, not `serde_json::Value`s, so the
/// first load carries no JSON object model.
pub fn host_events(walk: &Walk, node: &NodeId) -> HostEvents {
    let Some(current) = walk.tree.node(node) else {
        return HostEvents::default();
    };
    let progress = walk.session.progress(&walk.tree);
    let outcome = match current {
        Node::Outcome(o) => Some(OutcomeDetail {
            tree: walk.tree.key(),
            node: node.as_str().to_owned(),
            outcome: o.outcome.as_str(),
            fixed_by: walk.session.fixed_by().map(|n| n.as_str().to_owned()),
            tried: walk
                .session
                .tried()
                .iter()
                .map(|n| n.as_str().to_owned())
                .collect(),
        }),
        _ => None,
    };
    HostEvents {
        step: Some(StepDetail {
            tree: walk.tree.key(),
            node: node.as_str().to_owned(),
            kind: current.kind_name(),
            step: progress.done + 1,
            trail: walk.session.encode_trail(),
        }),
        outcome,
    }
}

fn moment<'a>(walk: &'a Walk, lang: &'a str) -> Moment<'a> {
    Moment {
        tree: &walk.tree,
        session: &walk.session,
        speed: walk.speed.as_deref(),
        lang,
    }
}

/// Sends the insights beacons of this widget's walk to the collector at
/// `base` (`None`: nothing, ever): those the core's [`Tracker`] picks
/// each time a step is shown, and `left` when the page is closed
/// (`pagehide`) before an outcome.
#[hook]
pub fn use_insights(walk: &Walk, base: Option<AttrValue>, lang: &'static str) {
    let tracker = use_mut_ref(Tracker::new);
    // The walk as last rendered, for a `left` at whatever step is shown.
    let latest: Rc<RefCell<Walk>> = use_mut_ref(|| walk.clone());
    *latest.borrow_mut() = walk.clone();
    {
        let (tracker, walk) = (tracker.clone(), walk.clone());
        use_effect_with(
            (walk.session.current().clone(), base.clone()),
            move |(_, base)| {
                if let Some(base) = base {
                    for b in tracker.borrow_mut().shown(moment(&walk, lang)) {
                        beacon::send(base, &b);
                    }
                }
            },
        );
    }
    use_effect_with(base, move |base| {
        // Only `pagehide` (the page closed, reloaded or navigated away), not
        // `visibilitychange`: the steps send people to their phone's
        // settings and WhatsApp, so hiding the page is how a step is done,
        // not a sign of giving up.
        let listeners = base.clone().and_then(|base| {
            let window = web_sys::window()?;
            Some(EventListener::new(&window, "pagehide", move |_| {
                let walk = latest.borrow();
                if let Some(b) = tracker.borrow_mut().left(moment(&walk, lang)) {
                    beacon::send(&base, &b);
                }
            }))
        });
        // Dropping the listeners removes them (the widget was unmounted).
        move || drop(listeners)
    });
}
