//! What the widget reports outward: the events a host page's analytics
//! receive (`backup-doctor:step`, `backup-doctor:outcome`) and the
//! connection-test lines of the support summary.

use backup_doctor_core::speed::SpeedResult;
use backup_doctor_core::tree::{Node, NodeId, OutcomeKind};

use crate::messages::Messages;
use crate::state::Walk;

/// The connection test's figures for the support summary.
pub fn measured_lines(m: &Messages, r: &SpeedResult) -> Vec<(String, String)> {
    let figure = |v: Option<f64>, unit: &str| {
        v.map_or_else(|| m.not_measured.to_owned(), |v| format!("{v:.1} {unit}"))
    };
    let mut lines = vec![
        (m.download.to_owned(), figure(r.download_mbps, m.mbps)),
        (m.upload.to_owned(), figure(r.upload_mbps, m.mbps)),
        (m.latency.to_owned(), figure(r.latency_ms, m.ms)),
    ];
    if let Some(e) = &r.error {
        lines.push((
            m.stopped_because.trim_end_matches(':').to_owned(),
            e.clone(),
        ));
    }
    lines
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
