//! Fetching a text resource (an author's tree) with a size cap and a time
//! cap, so that a huge or endless body, or a server that never answers,
//! ends in a clear message instead of a hang.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use web_sys::AbortController;

use super::http::{self, Body, HttpError};

/// Why a fetch gave no usable text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The request failed before an answer: offline, DNS, refused, or
    /// blocked by the browser (CORS).
    Network { url: String },
    /// The server answered with an error status.
    Status { url: String, status: u16 },
    /// The body is larger than the cap.
    TooLarge { url: String, cap: usize },
    /// No complete answer within the time cap.
    Timeout { url: String, secs: u32 },
    /// The body is not UTF-8 text.
    NotText { url: String },
}

/// GETs `url` and returns its body as text, reading the stream chunk by
/// chunk so a body over `cap` bytes is refused without holding it whole.
pub async fn text_capped(url: &str, cap: usize, timeout_ms: u32) -> Result<String, FetchError> {
    let controller = AbortController::new().map_err(|_| network(url))?;
    let timed_out = Rc::new(Cell::new(false));
    let _deadline = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let result = read_body(url, cap, &controller).await;
    if timed_out.get() {
        return Err(FetchError::Timeout {
            url: url.to_owned(),
            secs: timeout_ms.div_ceil(1000),
        });
    }
    if result.is_err() {
        controller.abort();
    }
    result
}

async fn read_body(
    url: &str,
    cap: usize,
    controller: &AbortController,
) -> Result<String, FetchError> {
    let response = http::send(url, controller, http::Send::default())
        .await
        .map_err(|e| match e {
            HttpError::Network => network(url),
            HttpError::Status(status) => FetchError::Status {
                url: url.to_owned(),
                status,
            },
        })?;
    let too_large = || FetchError::TooLarge {
        url: url.to_owned(),
        cap,
    };
    if let Ok(Some(len)) = response.headers().get("content-length") {
        if len.parse::<usize>().is_ok_and(|n| n > cap) {
            return Err(too_large());
        }
    }
    let Some(body) = Body::of(&response) else {
        return Ok(String::new());
    };
    let mut bytes = Vec::new();
    while let Some(array) = body.next().await.map_err(|_| network(url))? {
        if bytes.len() + array.length() as usize > cap {
            body.cancel();
            return Err(too_large());
        }
        let start = bytes.len();
        bytes.resize(start + array.length() as usize, 0);
        array.copy_to(&mut bytes[start..]);
    }
    String::from_utf8(bytes).map_err(|_| FetchError::NotText {
        url: url.to_owned(),
    })
}

fn network(url: &str) -> FetchError {
    FetchError::Network {
        url: url.to_owned(),
    }
}
