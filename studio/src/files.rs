//! Thin glue for files: a text as a `blob:` URL (the preview's tree, a
//! download), a file from the computer as text, the clipboard, the clock.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Url};

/// `text` as a `blob:` URL of this page (to be revoked with [`revoke`]).
pub fn blob_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

/// Frees a URL made by [`blob_url`].
pub fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}

/// Saves `text` as a file named `name` through the browser's download.
pub fn download(text: &str, name: &str, mime: &str) -> Result<(), String> {
    let url = blob_url(text, mime).ok_or("the browser could not make the file")?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link element")?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has started from the URL; it can go once the click is handled.
    gloo::timers::callback::Timeout::new(1_000, move || revoke(&url)).forget();
    Ok(())
}

/// The text of a file the author picked.
pub async fn read_file(file: &File) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| format!("the browser could not read {}", file.name()))?;
    text.as_string()
        .ok_or_else(|| format!("{} is not a text file", file.name()))
}

/// Puts `text` on the clipboard.
pub async fn copy(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser refused the clipboard; select the text and copy it".to_owned())
}

/// Milliseconds from the page's start, for the check's cost.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
