//! The page URL: configuration from the query string, and the person's
//! place in the tree in the fragment (`#step=0.1.n`), so a copied link
//! reopens the same step.

use web_sys::UrlSearchParams;

const STEP_KEY: &str = "step=";

/// The query string as `(name, value)` pairs, in order.
pub fn query_pairs() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    let Ok(params) = UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    let entries = js_sys::try_iter(&params.entries()).ok().flatten();
    for entry in entries.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((name, value));
        }
    }
    pairs
}

/// The trail written in the fragment, if any.
pub fn fragment_trail() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let trail = hash.strip_prefix('#')?.strip_prefix(STEP_KEY)?;
    Some(js_sys::decode_uri_component(trail).ok()?.into())
}

/// The fragment that names a step: `#step=<trail>`.
pub fn step_url(trail: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(trail).into();
    format!("#{STEP_KEY}{encoded}")
}
