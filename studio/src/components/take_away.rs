//! Taking the work away: the file, byte for byte as in the editor, and
//! the embed snippets (iframe and script) with `tree=` pointing where the
//! author will host it.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::files;

#[derive(Properties, PartialEq)]
pub struct TakeAwayProps {
    /// The editor's text.
    pub text: Rc<str>,
    /// Errors in it (the download still works, with a word of warning).
    pub errors: usize,
    /// The tree's id, for the file name.
    pub tree_id: Option<AttrValue>,
}

/// Where the widget is: beside the studio, one folder up.
fn widget_base() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|origin| format!("{origin}/"))
        .unwrap_or_else(|| "https://YOUR-HOST/".to_owned())
}

/// The editor's text area, as it is this moment.
fn editor_text() -> Option<String> {
    use wasm_bindgen::JsCast;
    let area = web_sys::window()?
        .document()?
        .get_element_by_id("st-text")?;
    Some(
        area.dyn_into::<web_sys::HtmlTextAreaElement>()
            .ok()?
            .value(),
    )
}

fn snippets(base: &str, tree_url: &str) -> (String, String) {
    let attr = tree_url.replace('&', "&amp;").replace('"', "&quot;");
    let query = String::from(js_sys::encode_uri_component(tree_url));
    let iframe = format!(
        r#"<iframe id="backup-doctor-frame" src="{base}?tree={query}&amp;lang=en" title="Fix a stuck WhatsApp backup"
        style="width: 100%; border: 0; height: 640px"></iframe>
<script>
  addEventListener("message", (event) => {{
    const frame = document.getElementById("backup-doctor-frame");
    if (event.origin !== new URL(frame.src).origin || event.source !== frame.contentWindow) return;
    if (event.data?.source === "backup-doctor" && event.data.type === "resize")
      frame.style.height = Math.ceil(event.data.detail.height) + "px";
  }});
</script>"#
    );
    let script = format!(
        r#"<script type="module" src="{base}embed.js"></script>
<backup-doctor tree="{attr}" lang="en" theme="auto"></backup-doctor>"#
    );
    (iframe, script)
}

#[function_component(TakeAway)]
pub fn take_away(props: &TakeAwayProps) -> Html {
    let name = format!("{}.json", props.tree_id.as_deref().unwrap_or("tree"));
    // What the author typed; until then, a URL named after the tree.
    let typed = use_state(|| None::<String>);
    let tree_url = typed
        .as_ref()
        .cloned()
        .unwrap_or_else(|| format!("https://YOUR-HOST/trees/{name}"));
    let message = use_state(|| None::<String>);
    let base = widget_base();
    let (iframe, script) = snippets(&base, &tree_url);

    let on_download = {
        let text = props.text.clone();
        let name = name.clone();
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            // The editor's text as it is now, even if its check is still
            // waiting for typing to stop.
            let text = editor_text().unwrap_or_else(|| text.to_string());
            message.set(Some(
                match files::download(&text, &name, "application/json") {
                    Ok(()) => format!("Downloaded {name}."),
                    Err(e) => e,
                },
            ));
        })
    };
    let on_url = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            typed.set(Some(e.target_unchecked_into::<HtmlInputElement>().value()));
        })
    };
    let copy = |what: &'static str, text: String| {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let text = text.clone();
            let message = message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                message.set(Some(match files::copy(&text).await {
                    Ok(()) => format!("The {what} snippet is copied."),
                    Err(e) => e,
                }));
            });
        })
    };
    html! {
        <section class="st-panel st-take" aria-labelledby="st-take-title">
            <h2 id="st-take-title">{ "Take it away" }</h2>
            <p>
                <button type="button" class="st-button" onclick={on_download}>{ format!("Download {name}") }</button>
                if props.errors > 0 {
                    { format!(" This text has {} error{}: a widget given it shows them instead of the steps.", props.errors, if props.errors == 1 { "" } else { "s" }) }
                }
            </p>
            <p>
                <label for="st-host">{ "Where you will put the file (its URL)" }</label>
                <input id="st-host" type="text" inputmode="url" spellcheck="false" value={tree_url.clone()} oninput={on_url} />
            </p>
            <p class="st-hint">{ "If the file is on another site than the widget, that site must allow the widget's site to read it (CORS)." }</p>
            <div class="st-snippets">
                <div>
                    <label for="st-snippet-iframe">{ "iframe snippet" }</label>
                    <textarea id="st-snippet-iframe" readonly=true rows="11" value={iframe.clone()} />
                    <button type="button" class="st-button st-quiet" onclick={copy("iframe", iframe)}>{ "Copy the iframe snippet" }</button>
                </div>
                <div>
                    <label for="st-snippet-script">{ "Script snippet" }</label>
                    <textarea id="st-snippet-script" readonly=true rows="3" value={script.clone()} />
                    <button type="button" class="st-button st-quiet" onclick={copy("script", script)}>{ "Copy the script snippet" }</button>
                </div>
            </div>
            if let Some(text) = &*message {
                <p role="status">{ text.clone() }</p>
            }
        </section>
    }
}
