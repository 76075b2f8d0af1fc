//! A tree's own figures from an insights collector (the server's
//! `GET /__insights/summary`, behind its token), to show beside each step
//! of the diagram: how many people reached it, left there, were fixed by
//! it. The token stays in this tab's sessionStorage, like the dashboard's.

use std::collections::HashMap;

use gloo::timers::callback::Timeout;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Request, RequestInit, Response};

/// How long the collector may take.
const TIMEOUT_MS: u32 = 15_000;
const TOKEN_KEY: &str = "backup-doctor:studio-insights-token";

/// One step's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepFigures {
    pub reached: u64,
    pub left: u64,
    pub fixed: u64,
}

/// The figures of one tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Which revisions they cover, in words.
    pub covers: String,
    pub started: u64,
    pub resolved: u64,
    pub escalated: u64,
    /// By node id.
    pub steps: HashMap<String, StepFigures>,
}

/// The figures of tree `id` in a summary: its `revision` when the
/// collector has it, else every revision added up (ids that stayed the
/// same mean the same step).
pub fn figures_of(summary: &Value, id: &str, revision: &str) -> Option<Figures> {
    let trees: Vec<&Value> = summary["trees"]
        .as_array()?
        .iter()
        .filter(|t| t["tree"] == id)
        .collect();
    if trees.is_empty() {
        return None;
    }
    let exact: Vec<&Value> = trees
        .iter()
        .copied()
        .filter(|t| t["revision"] == revision)
        .collect();
    let (rows, covers) = if exact.is_empty() {
        (
            trees,
            format!("every revision of \"{id}\" added up (none of revision {revision} yet)"),
        )
    } else {
        (exact, format!("revision {revision}"))
    };
    let n = |v: &Value, key: &str| v[key].as_u64().unwrap_or(0);
    let mut figures = Figures {
        covers,
        ..Figures::default()
    };
    for tree in rows {
        figures.started += n(tree, "started");
        figures.resolved += n(tree, "resolved");
        figures.escalated += n(tree, "escalated");
        for node in tree["nodes"].as_array().into_iter().flatten() {
            let Some(name) = node["node"].as_str() else {
                continue;
            };
            let step = figures.steps.entry(name.to_owned()).or_default();
            step.reached += n(node, "reached");
            step.left += n(node, "left");
            step.fixed += n(node, "fixed");
        }
    }
    Some(figures)
}

/// The token this tab used last.
pub fn saved_token() -> String {
    session_storage()
        .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
        .unwrap_or_default()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// GETs `{base}/__insights/summary` with the token; a message for the
/// author on every failure.
pub async fn fetch_summary(base: &str, token: &str) -> Result<Value, String> {
    let url = format!("{}/__insights/summary", base.trim_end_matches('/'));
    let headers = Headers::new().map_err(|_| "the browser refused the request")?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(|_| "the token has characters a request cannot carry")?;
    let controller = AbortController::new().map_err(|_| "the browser refused the request")?;
    let init = RequestInit::new();
    init.set_headers(&headers);
    init.set_signal(Some(&controller.signal()));
    let request = Request::new_with_str_and_init(&url, &init)
        .map_err(|_| format!("{url} is not an address the browser can fetch"))?;
    let _deadline = {
        let controller = controller.clone();
        Timeout::new(TIMEOUT_MS, move || controller.abort())
    };
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .and_then(JsCast::dyn_into)
        .map_err(|_| {
            format!("{url} did not answer within {} s, or refused this page (offline, or the collector is on another site that does not allow this one)", TIMEOUT_MS / 1000)
        })?;
    match response.status() {
        200 => {}
        401 => return Err("The collector refused the token.".to_owned()),
        403 => return Err("The collector has no token set, so nobody can read its figures (start it with --insights-token).".to_owned()),
        404 => return Err(format!("{url} is not an insights collector (404): is the server started with --insights?")),
        status => return Err(format!("The collector answered {status}.")),
    }
    let text = JsFuture::from(response.text().map_err(|_| "no body")?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or("the collector's answer broke off")?;
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(TOKEN_KEY, token);
    }
    serde_json::from_str(&text).map_err(|_| "the collector's answer is not a summary".to_owned())
}
