//! The connection test in the browser: latency probes, download streams
//! read chunk by chunk, then an upload. It only moves `(time, bytes)` into
//! the core's `ThroughputEstimator` and obeys its decisions; every way a
//! network can fail ends in a `SpeedResult` whose stop reason says why,
//! within the estimator's time cap.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use backup_doctor_core::known::ConnectionKind;
use backup_doctor_core::speed::{
    loaded_latency_ms, server_timing_ms, Decision, EstimatorConfig, LatencyStats, Sample,
    SpeedResult, SpeedTestError, StreamId, TestEnd, ThroughputEstimator, UploadAction,
    UploadAnswer, UploadConfig, UploadOutcome, UploadRun,
};
use gloo::events::EventListener;
use gloo::timers::future::TimeoutFuture;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, ReadableStreamDefaultReader, Request, RequestInit, Response};

/// Unloaded latency probes; the first one also opens the connection and is
/// not counted (four samples give a median and a jitter).
const LATENCY_PROBES: usize = 5;
/// A probe (or the upload's answer) that takes longer counts as lost.
const PROBE_TIMEOUT_MS: u32 = 3_000;
/// How often the loop asks the estimator what to do.
const TICK_MS: u32 = 50;
/// How often a loaded-latency probe runs during the download.
const LOADED_PROBE_EVERY_MS: f64 = 400.0;
/// The first loaded-latency probe goes this soon after the download starts:
/// the estimator waits for one before trying a second stream.
const FIRST_LOADED_PROBE_MS: f64 = 150.0;

/// What the test is doing now, for the live view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Phase {
    Latency,
    Download,
    Upload,
}

/// A live snapshot for the progress view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Live {
    pub phase: Phase,
    /// Current download estimate, once there is one.
    pub mbps: Option<f64>,
    pub elapsed_ms: f64,
    /// 0..1 of the time cap or byte budget, whichever is further.
    pub fraction: f64,
}

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

/// Runs the whole test against `endpoint` (base URL, no trailing slash; ""
/// for this page's origin). `cancel` ends it early; `on_live` gets
/// snapshots a few times a second.
pub async fn run(
    endpoint: &str,
    cancel: Rc<Cell<bool>>,
    on_live: impl Fn(Live) + 'static,
) -> SpeedResult {
    let hint = connection_hint();
    let config = if hint.save_data || hint.cellular {
        EstimatorConfig::metered()
    } else {
        EstimatorConfig::standard()
    };
    let start = now();
    on_live(Live {
        phase: Phase::Latency,
        mbps: None,
        elapsed_ms: 0.0,
        fraction: 0.0,
    });
    // Leaving the page (the guide sends people to their settings) stops
    // the test as "interrupted", not as a bad connection.
    let left = Rc::new(Cell::new(false));
    let _visibility = web_sys::window()
        .and_then(|w| w.document())
        .map(|document| {
            let (left, cancel) = (left.clone(), cancel.clone());
            let watched = document.clone();
            EventListener::new(&document, "visibilitychange", move |_| {
                if watched.hidden() {
                    left.set(true);
                    cancel.set(true);
                }
            })
        });

    let mut result = match latency(endpoint, &cancel).await {
        Ok(stats) => {
            let (mut result, download_mbps) =
                download(endpoint, config, start, stats.median_ms, &cancel, &on_live).await;
            result.latency_ms = Some(stats.median_ms);
            result.jitter_ms = Some(stats.jitter_ms);
            if let (Some(_), TestEnd::Stable | TestEnd::Budget | TestEnd::TimeCap) =
                (download_mbps, result.stop_reason)
            {
                // No figure until the first upload request is answered (not
                // the download's), then the upload's own.
                on_live(Live {
                    phase: Phase::Upload,
                    mbps: None,
                    elapsed_ms: now() - start,
                    fraction: 0.0,
                });
                let config = if hint.save_data || hint.cellular {
                    UploadConfig::metered()
                } else {
                    UploadConfig::standard()
                };
                // Latency under the upload's load, one probe at a time so
                // probes never take the browser's connections per host.
                let uploading = Rc::new(Cell::new(true));
                let loaded = Rc::new(RefCell::new(Vec::new()));
                spawn_local(probe_while(
                    endpoint.to_owned(),
                    uploading.clone(),
                    loaded.clone(),
                ));
                let upload_began = now();
                let outcome = upload(endpoint, config, stats.median_ms, &cancel, |run, t| {
                    on_live(Live {
                        phase: Phase::Upload,
                        mbps: run.estimate_mbps(),
                        elapsed_ms: now() - start,
                        fraction: run.progress(t),
                    })
                })
                .await;
                uploading.set(false);
                result.upload_ms = Some(now() - upload_began);
                result.upload_loaded_latency_ms = loaded_latency_ms(&loaded.borrow());
                match outcome {
                    Ok((outcome, failure)) => apply_upload(&mut result, outcome, failure),
                    Err(Cancelled) => result.stop_reason = TestEnd::Cancelled,
                }
            }
            result
        }
        Err(end) => end,
    };
    if left.get() && result.stop_reason == TestEnd::Cancelled {
        result.stop_reason = TestEnd::Interrupted;
    }
    result.duration_ms = now() - start;
    result.connection = hint.description;
    result.save_data = hint.save_data;
    result.sanitized()
}

/// Latency probes: `__down?bytes=0`, one at a time.
async fn latency(endpoint: &str, cancel: &Cell<bool>) -> Result<LatencyStats, SpeedResult> {
    let mut samples = Vec::new();
    for i in 0..LATENCY_PROBES {
        if cancel.get() {
            return Err(SpeedResult::new(TestEnd::Cancelled, 0, 0.0));
        }
        match probe(endpoint, i).await {
            Ok(rtt) if i > 0 => samples.push(rtt),
            Ok(_) => {}
            // A probe slower than its cap is a lost sample on a slow link,
            // not a sign of being offline.
            Err(SpeedTestError::TimedOut { .. }) => {}
            Err(e) => return Err(SpeedResult::new(TestEnd::Error, 0, 0.0).with_error(&e)),
        }
    }
    LatencyStats::from_samples(&samples).ok_or_else(|| {
        let silent = SpeedTestError::TimedOut {
            after_ms: f64::from(PROBE_TIMEOUT_MS),
        };
        SpeedResult::new(TestEnd::Error, 0, 0.0).with_error(&silent)
    })
}

/// Latency probes one after another while `running`, into `rtts`.
async fn probe_while(endpoint: String, running: Rc<Cell<bool>>, rtts: Rc<RefCell<Vec<f64>>>) {
    let mut n = 2000;
    while running.get() {
        TimeoutFuture::new(LOADED_PROBE_EVERY_MS as u32).await;
        if !running.get() {
            break;
        }
        n += 1;
        if let Ok(rtt) = probe(&endpoint, n).await {
            if running.get() {
                rtts.borrow_mut().push(rtt);
            }
        }
    }
}

/// One round trip to `__down?bytes=0`, ms, less the server's own time.
async fn probe(endpoint: &str, n: usize) -> Result<f64, SpeedTestError> {
    let controller = AbortController::new().map_err(|_| SpeedTestError::Blocked)?;
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        gloo::timers::callback::Timeout::new(PROBE_TIMEOUT_MS, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let url = format!("{endpoint}/__down?bytes=0&probe={n}&t={}", now() as u64);
    let sent = now();
    let response = fetch(&url, &controller, None).await.map_err(|e| {
        if timed_out.get() {
            SpeedTestError::TimedOut {
                after_ms: f64::from(PROBE_TIMEOUT_MS),
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
    let init = RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(body) = body {
        init.set_method("POST");
        init.set_body(body);
    }
    let request =
        Request::new_with_str_and_init(url, &init).map_err(|_| SpeedTestError::Blocked)?;
    let window = web_sys::window().ok_or(SpeedTestError::Blocked)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .and_then(JsCast::dyn_into)
        .map_err(|_| SpeedTestError::Blocked)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(SpeedTestError::ServerStatus {
            status: response.status(),
        })
    }
}

/// State shared by the download loop and its stream readers.
struct Download {
    estimator: RefCell<ThroughputEstimator>,
    controller: AbortController,
    failure: RefCell<Option<SpeedTestError>>,
    loaded_rtts: RefCell<Vec<f64>>,
}

/// Download streams until the estimator says stop; returns the result so
/// far and the download figure.
async fn download(
    endpoint: &str,
    config: EstimatorConfig,
    start: f64,
    idle_latency_ms: f64,
    cancel: &Cell<bool>,
    on_live: &impl Fn(Live),
) -> (SpeedResult, Option<f64>) {
    let Ok(controller) = AbortController::new() else {
        return (
            SpeedResult::new(TestEnd::Error, 0, 0.0).with_error(&SpeedTestError::Blocked),
            None,
        );
    };
    let began = now();
    let mut estimator = ThroughputEstimator::new(config, began);
    estimator.set_idle_latency(idle_latency_ms);
    let state = Rc::new(Download {
        estimator: RefCell::new(estimator),
        controller,
        failure: RefCell::new(None),
        loaded_rtts: RefCell::new(Vec::new()),
    });
    let mut next_probe = now() + FIRST_LOADED_PROBE_MS;
    let mut request = 0u32;
    let end = loop {
        if cancel.get() {
            break TestEnd::Cancelled;
        }
        if state.failure.borrow().is_some() {
            break TestEnd::Error;
        }
        let t = now();
        let decision = state.estimator.borrow_mut().decide(t);
        match decision {
            Decision::OpenStream => {
                let (id, bytes) = {
                    let mut e = state.estimator.borrow_mut();
                    let bytes = e.suggested_request_bytes();
                    (e.open_request(t, bytes), bytes)
                };
                request += 1;
                let url = format!(
                    "{endpoint}/__down?bytes={bytes}&stream={request}&t={}",
                    t as u64
                );
                spawn_local(read_stream(url, id, state.clone()));
                continue;
            }
            Decision::Stop(reason) => break reason.into(),
            Decision::Continue => {}
        }
        if t >= next_probe {
            next_probe = t + LOADED_PROBE_EVERY_MS;
            spawn_local(loaded_probe(endpoint.to_owned(), request, state.clone()));
        }
        on_live(live_download(&state.estimator.borrow(), t, start));
        TimeoutFuture::new(TICK_MS).await;
    };
    state.controller.abort();
    let t = now();
    let estimator = state.estimator.borrow();
    let mut mbps = estimator.estimate(t).map(|e| e.mbps);
    let mut result = SpeedResult::new(end, estimator.bytes_total(), t - start);
    // Too fast to settle (the budget went in a few big chunks): what was
    // read over the whole time is a floor, never nothing.
    if mbps.is_none()
        && matches!(end, TestEnd::Budget | TestEnd::Stable)
        && estimator.bytes_total() > 0
    {
        mbps = Some(estimator.bytes_total() as f64 * 8.0 / ((t - began).max(1.0) * 1_000.0));
        result.download_at_least = true;
    }
    result.download_mbps = mbps;
    result.download_ms = Some(t - start);
    result.loaded_latency_ms = loaded_latency_ms(&state.loaded_rtts.borrow());
    if end == TestEnd::NoData {
        let silent_ms = estimator
            .estimate(t)
            .map_or(config.stall_ms, |e| e.silent_ms);
        // Keep the stop reason `noData` (more precise than `error`).
        result.error = Some(SpeedTestError::NoData { silent_ms }.to_string());
    }
    if let Some(e) = state.failure.borrow().as_ref() {
        result = result.with_error(e);
    }
    (result, mbps)
}

/// The live view of the download: current estimate and how far towards
/// the time cap or the byte budget, whichever is nearer.
fn live_download(e: &ThroughputEstimator, t: f64, start: f64) -> Live {
    let budget = e.bytes_total() as f64 / e.config().byte_budget.max(1) as f64;
    let time = (t - start) / e.config().time_cap_ms.max(1.0);
    Live {
        phase: Phase::Download,
        mbps: e.estimate(t).map(|e| e.mbps),
        elapsed_ms: t - start,
        fraction: budget.max(time).min(1.0),
    }
}

async fn read_stream(url: String, id: StreamId, state: Rc<Download>) {
    let outcome = read_chunks(&url, id, &state).await;
    let aborted = state.controller.signal().aborted();
    state.estimator.borrow_mut().close_stream(id, now());
    if let (Err(e), false) = (outcome, aborted) {
        state.failure.borrow_mut().get_or_insert(e);
    }
}

async fn read_chunks(url: &str, id: StreamId, state: &Download) -> Result<(), SpeedTestError> {
    let response = fetch(url, &state.controller, None).await?;
    let body = response.body().ok_or(SpeedTestError::Blocked)?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let dropped = || SpeedTestError::Dropped {
        after_bytes: state.estimator.borrow().bytes_total(),
    };
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| dropped())?;
        if Reflect::get(&chunk, &JsValue::from_str("done")).is_ok_and(|d| d.is_truthy()) {
            return Ok(());
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(|_| dropped())?;
        let bytes = value.dyn_ref::<Uint8Array>().map_or(0, Uint8Array::length);
        state.estimator.borrow_mut().record(
            id,
            Sample {
                t_ms: now(),
                bytes: u64::from(bytes),
            },
        );
    }
}

async fn loaded_probe(endpoint: String, n: u32, state: Rc<Download>) {
    if let Ok(rtt) = probe(&endpoint, 1000 + n as usize).await {
        if !state.controller.signal().aborted() {
            state.loaded_rtts.borrow_mut().push(rtt);
            state.estimator.borrow_mut().record_loaded_latency(rtt);
        }
    }
}

/// The person (or the host) stopped the test.
struct Cancelled;

/// Performs the core's [`UploadRun`]: each `Send` is a POST of that many
/// incompressible bytes, cut at its deadline; the answer is the server's
/// count when it gives one, else the browser's time for the request
/// (Resource Timing's where the page may read it). `on_answer` sees the run
/// after each answer, with the run's clock. Also returns the last request
/// failure, for the words of a `Failed` run.
async fn upload(
    endpoint: &str,
    config: UploadConfig,
    idle_rtt_ms: f64,
    cancel: &Cell<bool>,
    on_answer: impl Fn(&UploadRun, f64),
) -> Result<(UploadOutcome, Option<SpeedTestError>), Cancelled> {
    let mut run = UploadRun::new(config, idle_rtt_ms);
    let start = now();
    let mut failure = None;
    let mut request = 0u32;
    loop {
        if request > 0 {
            on_answer(&run, now() - start);
        }
        request += 1;
        if cancel.get() {
            return Err(Cancelled);
        }
        let (bytes, deadline_ms) = match run.poll(now() - start) {
            UploadAction::Done(outcome) => return Ok((outcome, failure)),
            // Requests go one at a time, so there is never one to wait for.
            UploadAction::Wait => {
                return Ok((
                    UploadOutcome::Failed {
                        bytes: run.bytes_sent(),
                    },
                    failure,
                ))
            }
            UploadAction::Send { bytes, deadline_ms } => (bytes, deadline_ms),
        };
        let Ok(controller) = AbortController::new() else {
            run.handle_failure();
            continue;
        };
        let cut = Rc::new(Cell::new(false));
        let _timer = {
            let (controller, cut) = (controller.clone(), cut.clone());
            let left = (deadline_ms - (now() - start)).max(0.0) as u32;
            gloo::timers::callback::Timeout::new(left, move || {
                cut.set(true);
                controller.abort();
            })
        };
        let body = Uint8Array::from(incompressible(bytes).as_slice());
        // A name of its own, so its Resource Timing entry can be found.
        let url = format!("{endpoint}/__up?t={}.{request}", now() as u64);
        let sent = now();
        let answer = match fetch(&url, &controller, Some(&body)).await {
            Ok(response) => read_upload_answer(response).await,
            Err(e) => Err(e),
        };
        match answer {
            Ok(Some((got, duration_ms))) => run.handle_answer(
                now() - start,
                UploadAnswer::Counted {
                    bytes: got,
                    duration_ms,
                },
            ),
            Ok(None) => {
                let fetch_ms = now() - sent;
                let answer = match request_to_response_ms(&url).await {
                    Some(elapsed_ms) => UploadAnswer::Silent {
                        elapsed_ms,
                        resource_timing: true,
                    },
                    None => UploadAnswer::Silent {
                        elapsed_ms: fetch_ms,
                        resource_timing: false,
                    },
                };
                run.handle_answer(sent - start + fetch_ms, answer);
            }
            Err(_) if cut.get() => run.handle_cut(now() - start),
            Err(e) => {
                run.handle_failure();
                failure = Some(e);
            }
        }
    }
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

/// Puts the upload's outcome into the result.
fn apply_upload(result: &mut SpeedResult, outcome: UploadOutcome, failure: Option<SpeedTestError>) {
    match outcome {
        UploadOutcome::Measured {
            mbps,
            timing,
            bytes,
            at_least,
        } => {
            result.upload_mbps = Some(mbps);
            result.upload_timing = Some(timing);
            result.upload_at_least = at_least;
            result.bytes_used += bytes;
        }
        UploadOutcome::AtMost { mbps, bytes } => {
            result.upload_mbps = Some(mbps);
            result.upload_at_most = true;
            result.bytes_used += bytes;
        }
        UploadOutcome::Failed { bytes } => {
            result.bytes_used += bytes;
            let error = failure.unwrap_or(SpeedTestError::Blocked);
            result.error = Some(format!("upload: {error}"));
        }
    }
}

/// Pseudo-random bytes (xorshift), so nothing on the way can compress them.
fn incompressible(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ (now() as u64);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}
