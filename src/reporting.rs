//! What the widget reports outward: the events a host page's analytics
//! receive (`backup-doctor:step`, `backup-doctor:outcome`,
//! `backup-doctor:speedtest`).

use backup_doctor_core::speed::SpeedResult;
use backup_doctor_core::tree::{Node, NodeId, OutcomeKind};

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

/// `backup-doctor:step` for every step shown, and `backup-doctor:outcome`
/// when it is an end (see the README for the detail fields).
pub fn host_events(walk: &Walk, node: &NodeId) -> Vec<(&'static str, serde_json::Value)> {
    let Some(current) = walk.tree.node(node) else {
        return Vec::new();
    };
    let progress = walk.session.progress(&walk.tree);
    let mut out = vec![(
        "step",
        serde_json::json!({
            "tree": walk.tree.key(),
            "node": node.as_str(),
            "kind": current.kind_name(),
            "step": progress.done + 1,
            "trail": walk.session.encode_trail(),
        }),
    )];
    if let Node::Outcome(o) = current {
        out.push((
            "outcome",
            serde_json::json!({
                "tree": walk.tree.key(),
                "node": node.as_str(),
                "outcome": match o.outcome { OutcomeKind::Resolved => "resolved", OutcomeKind::Escalate => "escalate" },
                "fixedBy": walk.session.fixed_by().map(|n| n.as_str().to_owned()),
                "tried": walk.session.tried().iter().map(|n| n.as_str().to_owned()).collect::<Vec<_>>(),
            }),
        ));
    }
    out
}
