//! The parts of the widget the first step does not need, each in a wasm
//! chunk of its own: the connection test (its step, report, engine and
//! measuring, and the embed API's `speedTest`), the outcome (the last
//! step and its support summary) and the reader (a tree file read and
//! checked, a language's words read: the built-in English tree is
//! compiled in packed, checked at build, and English's words are compiled
//! in, so only another language or an author's tree needs it, before its
//! first step).
//!
//! With the `split` feature (the release build, `cargo xtask build`), each
//! chunk's entry is a `#[wasm_split]` function: wasm-split-cli moves the
//! code only it reaches into a `.wasm` of its own, fetched the first time
//! it is called. The standalone page and the element download the rest
//! after their first step is drawn ([`prefetch`]), so the step is usually
//! there before it is reached, and still there if the connection drops.
//! Without the feature (tests, the stable peer of `cargo xtask bench
//! size`) the same functions are plain `async` ones in the one wasm.
//!
//! A chunk that cannot be downloaded or compiled is [`Unavailable`]: its
//! step says so in the person's language with a Try again ([`Lazy`]); the
//! walk and its answers stay as they were.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::thread::LocalKey;

use backup_doctor_core::tree::{Tree, TreeErrors, ValidTree};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::components::outcome::{OutcomeStep, OutcomeStepProps};
use crate::components::problems::{TreeProblems, TreeProblemsProps};
use crate::components::speed_test::{SpeedTestStep, SpeedTestStepProps};
use crate::messages::{use_locale, Messages};

/// A boxed future on the page's one thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// A chunk could not be downloaded or compiled (offline, a proxy that
/// mangles it); loading it again retries from scratch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for Unavailable {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        Unavailable
    }
}

/// A part of the widget in a chunk of its own.
pub trait Chunk: 'static {
    /// Its entry points, once loaded.
    type Api: Copy + 'static;
    /// Where the entry points are kept once loaded.
    fn slot() -> &'static LocalKey<Cell<Option<Self::Api>>>;
    /// Downloads the chunk (once; a failure is not remembered).
    fn fetch() -> LocalFuture<Result<Self::Api, Unavailable>>;
}

/// A chunk that draws a step: what it draws for its props.
pub trait LazyView: Chunk {
    type Props: Properties + PartialEq;
    fn view(api: &Self::Api, props: &Self::Props) -> Html;
}

/// The chunk's entry points if it has been loaded.
pub fn loaded<C: Chunk>() -> Option<C::Api> {
    C::slot().with(Cell::get)
}

/// The chunk's entry points, downloading it first if needed.
pub async fn load<C: Chunk>() -> Result<C::Api, Unavailable> {
    if let Some(api) = loaded::<C>() {
        return Ok(api);
    }
    let api = C::fetch().await?;
    C::slot().with(|slot| slot.set(Some(api)));
    Ok(api)
}

/// Downloads the steps' chunks in the background, one after the other
/// (the connection test first: it comes before the outcome in every walk
/// that has it). Called once the first step is drawn.
pub fn prefetch() {
    wasm_bindgen_futures::spawn_local(async {
        // A failure is shown when the step is reached, and retried there.
        let _ = load::<Connection>().await;
        let _ = load::<Outcome>().await;
    });
}

/// Declares a chunk: its type, where its entry points are kept, and the
/// split point that builds them (`$module` names the chunk's `.wasm`).
macro_rules! chunk {
    ($(#[$doc:meta])* $name:ident in $module:ident: $api:ty = $entry:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl Chunk for $name {
            type Api = $api;

            fn slot() -> &'static LocalKey<Cell<Option<$api>>> {
                thread_local!(static SLOT: Cell<Option<$api>> = const { Cell::new(None) });
                &SLOT
            }

            fn fetch() -> LocalFuture<Result<$api, Unavailable>> {
                #[cfg(feature = "split")]
                #[wasm_split_helpers::wasm_split($module, fallible)]
                fn entry() -> Result<$api, Unavailable> {
                    Ok($entry)
                }
                #[cfg(not(feature = "split"))]
                async fn entry() -> Result<$api, Unavailable> {
                    Ok($entry)
                }
                Box::pin(entry())
            }
        }
    };
}

/// The connection test's entry points.
#[derive(Clone, Copy)]
pub struct ConnectionApi {
    /// Draws the connection-test step.
    pub view: fn(&SpeedTestStepProps) -> Html,
    /// The embed API's `speedTest`: measures against `endpoint` and
    /// resolves with the result's event detail (see [`crate::embed`]).
    pub speed_test: fn(SpeedTestRun) -> LocalFuture<Result<JsValue, JsValue>>,
}

/// A connection test started by the embed API.
pub struct SpeedTestRun {
    pub endpoint: String,
    pub cancel: Rc<Cell<bool>>,
    /// The element the `backup-doctor:speedtest` event is fired on.
    pub root: web_sys::Element,
    pub messages: &'static Messages,
}

chunk! {
    /// The connection test: its step and the embed API's `speedTest`.
    Connection in connection: ConnectionApi = ConnectionApi {
        view: |props| html! { <SpeedTestStep ..props.clone() /> },
        speed_test: |run| Box::pin(crate::embed::run_speed_test(run)),
    }
}

impl LazyView for Connection {
    type Props = SpeedTestStepProps;

    fn view(api: &ConnectionApi, props: &SpeedTestStepProps) -> Html {
        (api.view)(props)
    }
}

/// The outcome's entry point: draws the last step.
pub type OutcomeApi = fn(&OutcomeStepProps) -> Html;

chunk! {
    /// The outcome: the last step and its support summary.
    Outcome in outcome: OutcomeApi = |props| html! { <OutcomeStep ..props.clone() /> }
}

impl LazyView for Outcome {
    type Props = OutcomeStepProps;

    fn view(api: &OutcomeApi, props: &OutcomeStepProps) -> Html {
        api(props)
    }
}

/// The reader's entry points.
#[derive(Clone, Copy)]
pub struct ReaderApi {
    /// Reads and checks a tree file ([`Tree::from_json`]).
    pub tree: fn(&str) -> Result<ValidTree, TreeErrors>,
    /// Reads a locale file as a language's table ([`Messages::from_json`]).
    pub words: fn(&str, &str) -> Result<&'static Messages, String>,
    /// Draws what is wrong with a tree file it read.
    pub problems: fn(&TreeProblemsProps) -> Html,
}

chunk! {
    /// The reader: tree files (and what is wrong with one) and other
    /// languages' words.
    Reader in reader: ReaderApi = ReaderApi {
        tree: Tree::from_json,
        words: Messages::from_json,
        problems: |props| html! { <TreeProblems ..props.clone() /> },
    }
}

impl LazyView for Reader {
    type Props = TreeProblemsProps;

    fn view(api: &ReaderApi, props: &TreeProblemsProps) -> Html {
        (api.problems)(props)
    }
}

/// Draws `C`'s step with these props once its chunk is loaded: until then
/// a loading line, and if it cannot be loaded, why, with Try again.
#[function_component(Lazy)]
pub fn lazy<C: LazyView>(props: &C::Props) -> Html {
    let m = use_locale();
    let state = use_state(|| loaded::<C>().map(Ok));
    let attempt = use_state(|| 0_u32);
    {
        let state = state.clone();
        use_effect_with(*attempt, move |_| {
            if !matches!(*state, Some(Ok(_))) {
                wasm_bindgen_futures::spawn_local(
                    async move { state.set(Some(load::<C>().await)) },
                );
            }
        });
    }
    match *state {
        Some(Ok(api)) => C::view(&api, props),
        Some(Err(Unavailable)) => {
            let on_retry = {
                let (state, attempt) = (state.clone(), attempt.clone());
                Callback::from(move |()| {
                    state.set(None);
                    attempt.set(*attempt + 1);
                })
            };
            unavailable(&m, on_retry)
        }
        None => html! { <p class="bd-loading" role="status">{ m.loading_tree }</p> },
    }
}

/// A part of the widget could not be downloaded: why, and Try again.
pub fn unavailable(m: &Messages, on_retry: Callback<()>) -> Html {
    let onclick = on_retry.reform(|_: MouseEvent| ());
    html! {
        <div class="bd-warning bd-unavailable" role="alert">
            <p>{ m.step_unavailable }</p>
            <button type="button" class="bd-button bd-primary bd-retry" {onclick}>{ m.retry }</button>
        </div>
    }
}
