//! Script mode's JavaScript API, called by `embed.js`: `mount(element,
//! options)` renders a widget into an element (inside the shadow root
//! `embed.js` made) and returns a handle with `speedTest(options)` and
//! `destroy()`.

use std::cell::Cell;
use std::rc::Rc;

use backup_doctor_core::config::Config;
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::AppHandle;

use crate::app::{App, AppProps};
use crate::browser::{events, measure};
use crate::chunks::{self, Connection, SpeedTestRun};

/// A mounted widget, as JavaScript holds it.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<App>>,
    root: Element,
    config: Config,
    /// Cancels speed tests started through the API when destroyed.
    cancel: Rc<Cell<bool>>,
}

/// `(name, value)` pairs of a plain options object; values that are not
/// strings are passed on as their JSON text so the config reports them.
fn option_pairs(options: &JsValue) -> Vec<(String, String)> {
    if !options.is_object() {
        return Vec::new();
    }
    js_sys::Object::entries(options.unchecked_ref())
        .iter()
        .filter_map(|entry| {
            let pair = js_sys::Array::from(&entry);
            let name = pair.get(0).as_string()?;
            let value = pair.get(1);
            if value.is_undefined() || value.is_null() {
                return None;
            }
            let text = value.as_string().or_else(|| {
                js_sys::JSON::stringify(&value)
                    .ok()
                    .and_then(|s| s.as_string())
            })?;
            Some((name, text))
        })
        .collect()
}

/// Renders a widget into `root` with `options` (`lang`, `tree`,
/// `speedtest`, `theme`, `insights`).
#[wasm_bindgen]
pub fn mount(root: Element, options: JsValue) -> WidgetHandle {
    let mut pairs = option_pairs(&options);
    // Set by embed.js, not by people: where the widget's files are.
    let asset_base = pairs
        .iter()
        .position(|(k, _)| k == "assetBase")
        .map(|i| pairs.remove(i).1)
        .unwrap_or_default();
    let (config, problems) =
        Config::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let props = AppProps {
        config: config.clone(),
        problems,
        standalone: false,
        asset_base: asset_base.into(),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    WidgetHandle {
        app: Some(app),
        root,
        config,
        cancel: Rc::new(Cell::new(false)),
    }
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Runs a connection test without the troubleshooter's UI; resolves
    /// with the result (the `backup-doctor:speedtest` detail) and fires that
    /// event too. `options.speedtest` overrides the endpoint.
    #[wasm_bindgen(js_name = speedTest)]
    pub fn speed_test(&self, options: JsValue) -> js_sys::Promise {
        let endpoint = option_pairs(&options)
            .into_iter()
            .find(|(k, _)| k == "speedtest")
            .and_then(|(_, v)| Config::from_pairs([("speedtest", v.as_str())]).0.speedtest)
            .or_else(|| self.config.speedtest.clone())
            .unwrap_or_default();
        let run = SpeedTestRun {
            endpoint,
            cancel: self.cancel.clone(),
            root: self.root.clone(),
            messages: crate::messages::Messages::for_lang(&crate::app::resolve_lang(&self.config)),
        };
        wasm_bindgen_futures::future_to_promise(async move {
            // The measuring is in the connection test's chunk.
            let api = chunks::load::<Connection>()
                .await
                .map_err(|_| JsValue::from_str(run.messages.step_unavailable))?;
            (api.speed_test)(run).await
        })
    }

    /// Unmounts the widget: its components drop their listeners and timers,
    /// and running tests are cancelled (their requests aborted).
    pub fn destroy(&mut self) {
        self.cancel.set(true);
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.set_text_content(None);
    }
}

/// What `speedTest` runs, in the connection test's chunk: the test, then
/// the `backup-doctor:speedtest` event and the promise's value.
pub(crate) async fn run_speed_test(run: SpeedTestRun) -> Result<JsValue, JsValue> {
    let result = measure::run(&run.endpoint, run.cancel, |_| {}).await;
    let detail = crate::reporting::speed_detail(run.messages, &result);
    events::emit(&run.root, "speedtest", &detail);
    let json = serde_json::to_string(&detail).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&json)
}
