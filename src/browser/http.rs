//! The one way the widget makes requests: `fetch` with an abort signal
//! (and a body for a POST), and a response body read chunk by chunk. The
//! tree loader (`fetch.rs`) and the connection test (`measure.rs`) word
//! what went wrong in their own terms.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, Request, RequestInit, Response};

/// Why a request gave no usable answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpError {
    /// No answer: offline, refused, aborted, or blocked by the browser
    /// (CORS); the browser does not tell them apart.
    Network,
    /// The server answered with this error status.
    Status(u16),
}

/// What to send.
#[derive(Clone, Copy, Default)]
pub struct Send<'a> {
    /// POST this body (a GET without one).
    pub body: Option<&'a JsValue>,
    /// Bypass every cache (the speed test's requests).
    pub no_store: bool,
}

/// Sends a request to `url`, abortable through `controller`; an answer with
/// an error status is an error.
pub async fn send(
    url: &str,
    controller: &AbortController,
    what: Send<'_>,
) -> Result<Response, HttpError> {
    let init = RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    if what.no_store {
        init.set_cache(web_sys::RequestCache::NoStore);
    }
    if let Some(body) = what.body {
        init.set_method("POST");
        init.set_body(body);
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| HttpError::Network)?;
    let window = web_sys::window().ok_or(HttpError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .and_then(JsCast::dyn_into)
        .map_err(|_| HttpError::Network)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(HttpError::Status(response.status()))
    }
}

/// The body of a response broke off before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokenBody;

/// A response body, read one chunk at a time.
pub struct Body {
    reader: ReadableStreamDefaultReader,
}

impl Body {
    /// The body of `response`; `None` when it has none.
    pub fn of(response: &Response) -> Option<Self> {
        let reader = response.body()?.get_reader().unchecked_into();
        Some(Body { reader })
    }

    /// The next chunk, or `None` at the end.
    pub async fn next(&self) -> Result<Option<Uint8Array>, BrokenBody> {
        let chunk = JsFuture::from(self.reader.read())
            .await
            .map_err(|_| BrokenBody)?;
        if Reflect::get(&chunk, &JsValue::from_str("done")).map_or(true, |d| d.is_truthy()) {
            return Ok(None);
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(|_| BrokenBody)?;
        value.dyn_into().map(Some).map_err(|_| BrokenBody)
    }

    /// Stops reading: the rest is not wanted.
    pub fn cancel(&self) {
        let _ = self.reader.cancel();
    }
}
