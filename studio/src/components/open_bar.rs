//! Where a tree comes from: the built-in one, a file from the computer, or
//! a URL. (Pasting over the editor's text is the fourth way.)

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, SubmitEvent};
use yew::prelude::*;

use crate::files::read_file;
use crate::state::Source;

#[derive(Properties, PartialEq)]
pub struct OpenBarProps {
    /// A text was read (from a file).
    pub on_open: Callback<(String, Source)>,
    /// A URL to fetch.
    pub on_open_url: Callback<String>,
    /// The built-in tree.
    pub on_built_in: Callback<()>,
    /// Something could not be read.
    pub on_error: Callback<String>,
}

#[function_component(OpenBar)]
pub fn open_bar(props: &OpenBarProps) -> Html {
    let url = use_node_ref();
    let on_file = {
        let on_open = props.on_open.clone();
        let on_error = props.on_error.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // The same file can be picked again after editing.
            input.set_value("");
            let on_open = on_open.clone();
            let on_error = on_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match read_file(&file).await {
                    Ok(text) => on_open.emit((text, Source::File(file.name()))),
                    Err(message) => on_error.emit(message),
                }
            });
        })
    };
    let on_submit = {
        let url = url.clone();
        let on_open_url = props.on_open_url.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(input) = url.cast::<HtmlInputElement>() {
                let value = input.value().trim().to_owned();
                if !value.is_empty() {
                    on_open_url.emit(value);
                }
            }
        })
    };
    let on_built_in = props.on_built_in.reform(|_: MouseEvent| ());
    html! {
        <nav class="st-open" aria-label="Open a tree">
            <button type="button" class="st-button" onclick={on_built_in}>{ "Open the built-in tree" }</button>
            <label class="st-button st-file">
                { "Open a file…" }
                <input type="file" accept=".json,application/json" onchange={on_file} />
            </label>
            <form class="st-url" onsubmit={on_submit}>
                <label for="st-url">{ "or a URL" }</label>
                <input id="st-url" ref={url} type="text" inputmode="url" spellcheck="false" placeholder="https://help.example.com/trees/backup.json" />
                <button type="submit" class="st-button">{ "Open" }</button>
            </form>
        </nav>
    }
}
