//! The connection test in the browser: performs what the core's
//! [`SpeedRun`] asks (latency probes, download streams read chunk by chunk,
//! upload requests) and tells it what came back; the run decides phases,
//! sizes, stops and the result. Every way a network can fail ends in a
//! `SpeedResult` whose stop reason says why, within the run's time caps.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use backup_doctor_core::known::ConnectionKind;
use backup_doctor_core::speed::{
    incompressible, server_timing_ms, RunAction, RunConfig, Sample, SpeedResult, SpeedRun,
    SpeedTestError, StreamId, TestEnd, UploadAnswer, UploadReply, PROBE_TIMEOUT_MS,
};
pub use backup_doctor_core::speed::{Live, Phase};
use gloo::events::EventListener;
use gloo::timers::future::TimeoutFuture;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, Response};

use super::http::{self, Body, HttpError};

/// How long the driver waits for news before it asks the run again, ms.
const TICK_MS: u32 = 50;

/// What the browser says about the connection (`navigator.connection`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionHint {
    /// `type` then `effectiveType`, e.g. "cellular 4g".
    pub description: Option<String>,
    pub save_data: bool,
    pub cellular: bool,
    /// `type` as the core reads it (Wi-Fi, cellular, unknown...).
    pub kind: ConnectionKind,
}

/// Reads `navigator.connection` where the browser has it.
pub fn connection_hint() -> ConnectionHint {
    let Some(window) = web_sys::window() else {
        return ConnectionHint::default();
    };
    let Ok(connection) = Reflect::get(&window.navigator(), &JsValue::from_str("connection")) else {
        return ConnectionHint::default();
    };
    if connection.is_undefined() || connection.is_null() {
        return ConnectionHint::default();
    }
    let field = |name: &str| Reflect::get(&connection, &JsValue::from_str(name)).ok();
    let kind = field("type").and_then(|v| v.as_string());
    let effective = field("effectiveType").and_then(|v| v.as_string());
    let description = [kind.clone(), effective]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let kind = ConnectionKind::from_browser_type(kind.as_deref());
    ConnectionHint {
        cellular: kind == ConnectionKind::Cellular,
        kind,
        save_data: field("saveData").is_some_and(|v| v.is_truthy()),
        description: (!description.is_empty()).then_some(description),
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// What the driver and the tasks performing the run's actions share.
struct Shared {
    run: RefCell<SpeedRun>,
    /// Aborts every download stream (and, on a stop, the upload request).
    streams: AbortController,
    upload: RefCell<Option<AbortController>>,
    /// Set by a task that reported something: the driver asks the run again
    /// at once instead of after its tick.
    news: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Shared {
    fn tell(&self) {
        self.news.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    /// Resolves when a task has news, or after `ms`.
    async fn nap(&self, ms: u32) {
        let mut timer = pin!(TimeoutFuture::new(ms));
        poll_fn(|cx| {
            if self.news.replace(false) || timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(());
            }
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
    }

    fn stop_requests(&self) {
        self.streams.abort();
        if let Some(upload) = self.upload.borrow_mut().take() {
            upload.abort();
        }
    }
}

/// Runs the whole test against `endpoint` (base URL, no trailing slash; ""
/// for this page's origin). `cancel` ends it early; `on_live` gets
/// snapshots a few times a second.
pub async fn run(
    endpoint: &str,
    cancel: Rc<Cell<bool>>,
    on_live: impl Fn(Live) + 'static,
) -> SpeedResult {
    let hint = connection_hint();
    let start = now();
    let Ok(streams) = AbortController::new() else {
        return SpeedResult::new(TestEnd::Error, 0, 0.0)
            .with_error(Phase::Latency, &SpeedTestError::Blocked)
            .sanitized();
    };
    let shared = Rc::new(Shared {
        run: RefCell::new(SpeedRun::new(
            RunConfig::new(hint.save_data || hint.cellular),
            start,
        )),
        streams,
        upload: RefCell::new(None),
        news: Cell::new(false),
        waker: RefCell::new(None),
    });
    // Leaving the page (the guide sends people to their settings) stops
    // the test as "interrupted", not as a bad connection.
    let _visibility = web_sys::window()
        .and_then(|w| w.document())
        .map(|document| {
            let shared = shared.clone();
            let watched = document.clone();
            EventListener::new(&document, "visibilitychange", move |_| {
                if watched.hidden() {
                    shared.run.borrow_mut().stop(TestEnd::Interrupted);
                    shared.tell();
                }
            })
        });
    let mut requests = 0u32;
    let mut result = loop {
        if cancel.get() {
            shared.run.borrow_mut().stop(TestEnd::Cancelled);
        }
        let action = shared.run.borrow_mut().poll(now());
        match action {
            RunAction::Probe { n } => {
                spawn_local(probe_task(endpoint.to_owned(), n, shared.clone()))
            }
            RunAction::OpenStream { id, bytes } => {
                requests += 1;
                let url = format!(
                    "{endpoint}/__down?bytes={bytes}&stream={requests}&t={}",
                    now() as u64
                );
                spawn_local(read_stream(url, id, shared.clone()));
            }
            RunAction::StopStreams => shared.stop_requests(),
            RunAction::Upload { bytes, deadline_ms } => {
                requests += 1;
                let url = format!("{endpoint}/__up?t={}.{requests}", now() as u64);
                spawn_local(upload_task(url, bytes, deadline_ms, shared.clone()));
            }
            RunAction::Wait => {
                on_live(shared.run.borrow().live(now()));
                shared.nap(TICK_MS).await;
            }
            RunAction::Done(result) => break result,
        }
    };
    shared.stop_requests();
    result.connection = hint.description;
    result.save_data = hint.save_data;
    result.sanitized()
}

async fn probe_task(endpoint: String, n: u32, shared: Rc<Shared>) {
    let rtt = probe(&endpoint, n).await;
    shared.run.borrow_mut().handle_probe(n, rtt);
    shared.tell();
}

async fn read_stream(url: String, id: StreamId, shared: Rc<Shared>) {
    let outcome = read_chunks(&url, id, &shared).await;
    shared
        .run
        .borrow_mut()
        .handle_stream_end(id, now(), outcome);
    shared.tell();
}

async fn read_chunks(url: &str, id: StreamId, shared: &Shared) -> Result<(), SpeedTestError> {
    let response = fetch(url, &shared.streams, None).await?;
    let body = Body::of(&response).ok_or(SpeedTestError::Blocked)?;
    let mut read = 0u64;
    let dropped = |after_bytes| SpeedTestError::Dropped { after_bytes };
    while let Some(chunk) = body.next().await.map_err(|_| dropped(read))? {
        let bytes = u64::from(chunk.length());
        read += bytes;
        let sample = Sample { t_ms: now(), bytes };
        shared.run.borrow_mut().handle_chunk(id, sample);
    }
    Ok(())
}

/// One upload request of the run: `bytes` incompressible bytes POSTed to
/// `url`, cut at `deadline_ms`; the answer is the server's count when it
/// gives one, else the browser's time for the request (Resource Timing's
/// where the page may read it).
async fn upload_task(url: String, bytes: usize, deadline_ms: f64, shared: Rc<Shared>) {
    let (answered, reply) = upload_request(&url, bytes, deadline_ms, &shared).await;
    shared.run.borrow_mut().handle_upload(answered, reply);
    shared.tell();
}

async fn upload_request(
    url: &str,
    bytes: usize,
    deadline_ms: f64,
    shared: &Shared,
) -> (f64, UploadReply) {
    let Ok(controller) = AbortController::new() else {
        return (now(), UploadReply::Failed(SpeedTestError::Blocked));
    };
    *shared.upload.borrow_mut() = Some(controller.clone());
    let cut = Rc::new(Cell::new(false));
    let _timer = {
        let (controller, cut) = (controller.clone(), cut.clone());
        let left = (deadline_ms - now()).max(0.0) as u32;
        gloo::timers::callback::Timeout::new(left, move || {
            cut.set(true);
            controller.abort();
        })
    };
    let body = Uint8Array::from(incompressible(bytes, now().to_bits()).as_slice());
    let sent = now();
    let answer = match fetch(url, &controller, Some(&body)).await {
        Ok(response) => read_upload_answer(response).await,
        Err(e) => Err(e),
    };
    let answered = now();
    let reply = match answer {
        Ok(Some((got, duration_ms))) => UploadReply::Answer(UploadAnswer::Counted {
            bytes: got,
            duration_ms,
        }),
        Ok(None) => UploadReply::Answer(match request_to_response_ms(url).await {
            Some(elapsed_ms) => UploadAnswer::Silent {
                elapsed_ms,
                resource_timing: true,
            },
            None => UploadAnswer::Silent {
                elapsed_ms: answered - sent,
                resource_timing: false,
            },
        }),
        Err(_) if cut.get() => UploadReply::Cut,
        Err(e) => UploadReply::Failed(e),
    };
    (answered, reply)
}

/// One round trip to `__down?bytes=0`, ms, less the server's own time.
async fn probe(endpoint: &str, n: u32) -> Result<f64, SpeedTestError> {
    let controller = AbortController::new().map_err(|_| SpeedTestError::Blocked)?;
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        gloo::timers::callback::Timeout::new(PROBE_TIMEOUT_MS as u32, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let url = format!("{endpoint}/__down?bytes=0&probe={n}&t={}", now() as u64);
    let sent = now();
    let response = fetch(&url, &controller, None).await.map_err(|e| {
        if timed_out.get() {
            SpeedTestError::TimedOut {
                after_ms: PROBE_TIMEOUT_MS,
            }
        } else {
            e
        }
    })?;
    let _ = JsFuture::from(
        response
            .array_buffer()
            .map_err(|_| SpeedTestError::Blocked)?,
    )
    .await;
    drop(timer);
    let fetch_ms = now() - sent;
    // Resource Timing where the page may read it: the same clock as a
    // silent server's upload requests, from which this round trip comes off.
    let elapsed = request_to_response_ms(&url).await.unwrap_or(fetch_ms);
    // The server's own time (a CDN edge says it in Server-Timing) is not
    // the network's.
    let server_ms = response
        .headers()
        .get("server-timing")
        .ok()
        .flatten()
        .and_then(|h| server_timing_ms(&h))
        .unwrap_or(0.0);
    Ok((elapsed - server_ms).max(elapsed * 0.1))
}

async fn fetch(
    url: &str,
    controller: &AbortController,
    body: Option<&JsValue>,
) -> Result<Response, SpeedTestError> {
    let what = http::Send {
        body,
        no_store: true,
    };
    http::send(url, controller, what)
        .await
        .map_err(|e| match e {
            HttpError::Network => SpeedTestError::Blocked,
            HttpError::Status(status) => SpeedTestError::ServerStatus { status },
        })
}

/// Resource Timing's `requestStart`→`responseStart` for the request to
/// `url`, ms: `None` where the browser hides it (another origin without
/// `Timing-Allow-Origin`: both are 0), has no entry (a full buffer: the page
/// may have made many requests; the widget never clears the host page's
/// entries), or records it only later.
async fn request_to_response_ms(url: &str) -> Option<f64> {
    let performance = web_sys::window()?.performance()?;
    // The entry is queued once the answer's body has been read: give the
    // browser one turn to add it.
    TimeoutFuture::new(0).await;
    let entries = performance.get_entries_by_type("resource");
    let entry = entries
        .iter()
        .rev()
        .filter_map(|e| e.dyn_into::<web_sys::PerformanceResourceTiming>().ok())
        .find(|e| e.name().ends_with(url))?;
    let (request, response) = (entry.request_start(), entry.response_start());
    (request > 0.0 && response > request).then_some(response - request)
}

/// Our server's `{"bytes", "durationMs"}`, or `None` for an answer without
/// a count (a Cloudflare-style edge's empty 200).
async fn read_upload_answer(response: Response) -> Result<Option<(u64, f64)>, SpeedTestError> {
    let text = JsFuture::from(response.text().map_err(|_| SpeedTestError::Blocked)?)
        .await
        .map_err(|_| SpeedTestError::Dropped { after_bytes: 0 })?
        .as_string()
        .unwrap_or_default();
    let answer: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let counted = answer.as_ref().and_then(|a| {
        let bytes = a["bytes"].as_u64()?;
        let ms = a["durationMs"].as_f64()?;
        Some((bytes, ms))
    });
    Ok(counted)
}
