//! The real widget with the edited tree, in a phone-width frame: the
//! widget's own page (`../`) given the tree as a `blob:` URL of this page,
//! in any of the tree's languages, either theme, from any step (the widget
//! opens the step a `#step=` trail names).

use backup_doctor_core::config::supported_lang;
use backup_doctor_core::tree::NodeId;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::check::{Shared, Usable};
use crate::files;

#[derive(Properties, PartialEq)]
pub struct PreviewProps {
    pub usable: Shared<Usable>,
    /// The text has errors: this is the last version without.
    pub stale: bool,
    /// The step to start at (`None`: the start).
    pub start_at: Option<String>,
    pub on_start: Callback<Option<String>>,
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

#[function_component(Preview)]
pub fn preview(props: &PreviewProps) -> Html {
    let usable = &props.usable;
    let lang = use_state(|| "en".to_owned());
    let theme = use_state(|| "light");
    let blob = use_state(|| None::<String>);
    {
        let blob = blob.clone();
        use_effect_with(usable.clone(), move |usable| {
            let url = files::blob_url(&usable.text, "application/json");
            blob.set(url.clone());
            move || {
                if let Some(url) = url {
                    files::revoke(&url);
                }
            }
        });
    }
    // Languages the widget speaks and the tree has.
    let langs: Vec<&str> = usable
        .tree
        .langs
        .iter()
        .map(String::as_str)
        .filter(|l| supported_lang(l).as_deref() == Some(*l))
        .collect();
    let shown_lang = if langs.contains(&lang.as_str()) {
        lang.as_str()
    } else {
        "en"
    };
    let trail = props
        .start_at
        .as_ref()
        .and_then(|id| usable.report.trails.get(&NodeId::from(id.as_str())))
        .cloned()
        .unwrap_or_default();
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| lang.set(select_value(&e)))
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            theme.set(if select_value(&e) == "dark" {
                "dark"
            } else {
                "light"
            })
        })
    };
    let on_start = props.on_start.reform(|e: Event| {
        let value = select_value(&e);
        (!value.is_empty()).then_some(value)
    });
    let src = blob.as_ref().map(|blob| {
        format!(
            "../?tree={}&lang={shown_lang}&theme={}#step={trail}",
            js_sys::encode_uri_component(blob),
            *theme
        )
    });
    let start_value = props.start_at.clone().unwrap_or_default();
    html! {
        <div class="st-preview">
            if props.stale {
                <p class="st-stale">{ "The text has errors: this is the last version without any." }</p>
            }
            <div class="st-toolbar">
                <label for="st-lang">{ "Language" }</label>
                <select id="st-lang" onchange={on_lang}>
                    { for langs.iter().map(|l| html! { <option value={l.to_string()} selected={*l == shown_lang}>{ *l }</option> }) }
                </select>
                <label for="st-theme">{ "Theme" }</label>
                <select id="st-theme" onchange={on_theme}>
                    <option value="light" selected={*theme == "light"}>{ "light" }</option>
                    <option value="dark" selected={*theme == "dark"}>{ "dark" }</option>
                </select>
                <label for="st-start">{ "Start at" }</label>
                <select id="st-start" onchange={on_start}>
                    <option value="" selected={start_value.is_empty()}>{ "the first step" }</option>
                    { for usable.tree.nodes.iter().map(|n| {
                        let id = n.id().as_str().to_owned();
                        html! { <option selected={start_value == id} value={id.clone()}>{ id }</option> }
                    }) }
                </select>
            </div>
            <div class="st-phone">
                if let Some(src) = src {
                    <iframe key={src.clone()} src={src} title="Preview: the troubleshooter with this tree, 360 pixels wide"
                            width="360" height="640"></iframe>
                }
            </div>
        </div>
    }
}
