//! The studio page: where a tree comes from (the built-in one, a file, a
//! pasted text, a URL, the draft), and the panels that show its check.

use std::rc::Rc;

use backup_doctor::browser::fetch::text_capped;
use backup_doctor::browser::location::query_pairs;
use backup_doctor::messages::Messages;
use backup_doctor::words::{config_problem, fetch_error};
use backup_doctor::DEFAULT_TREE_EN_JSON;
use backup_doctor_core::config::Config;
use backup_doctor_core::tree::MAX_TREE_BYTES;
use yew::prelude::*;

use crate::check::Check;
use crate::components::coverage::CoveragePanel;
use crate::components::diagram::DiagramPanel;
use crate::components::editor::Editor;
use crate::components::open_bar::OpenBar;
use crate::components::path_tests::PathTestsPanel;
use crate::components::preview::Preview;
use crate::components::problem_list::ProblemList;
use crate::components::take_away::TakeAway;
use crate::draft;
use crate::files::now_ms;
use crate::state::{Highlight, Source, Studio, StudioAction};

/// How long a tree by URL may take, as in the widget.
const TREE_TIMEOUT_MS: u32 = 15_000;
/// The built-in tree in all its languages, relative to `/studio/`.
const BUILT_IN_URL: &str = "../trees/default.json";

/// A line under the toolbar: what happened last.
#[derive(Clone, PartialEq)]
pub enum Status {
    Info(String),
    Error(String),
}

/// Checks `text` with the page's clock.
fn check(text: &Rc<str>) -> Check {
    Check::run(text.clone(), &now_ms)
}

const REPLACE: &str = "Open another tree? The text in the editor and your draft will be replaced. Download the file first to keep them.";
const DISCARD: &str = "Discard your draft? The editor gets the built-in tree, and the draft is gone from this browser. Download the file first to keep it.";

/// Asks before replacing text the author has worked on.
fn may_replace(studio: &Studio, question: &str) -> bool {
    // A draft kept while a `?tree=` URL is open counts as work too.
    if !studio.is_edited() && studio.source != Source::Draft && draft::load().is_none() {
        return true;
    }
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// Fetches a tree as the widget would (same size and time caps, same words
/// for what went wrong).
async fn fetch_tree(url: &str) -> Result<String, String> {
    let english = Messages::for_lang("en");
    let (config, problems) = Config::from_pairs([("tree", url)]);
    if let Some(problem) = problems.first() {
        return Err(config_problem(english, problem));
    }
    let url = config.tree.unwrap_or_default();
    text_capped(&url, MAX_TREE_BYTES, TREE_TIMEOUT_MS)
        .await
        .map_err(|e| fetch_error(english, &e))
}

#[function_component(App)]
pub fn app() -> Html {
    let studio = use_reducer(|| {
        let text: Rc<str> = Rc::from("");
        let check = check(&text);
        Studio::new(text, Source::BuiltIn, check)
    });
    let ready = use_state(|| false);
    let status = use_state(|| None::<Status>);
    // The last open asked for: a slow fetch that comes back after a later
    // open (a file picked meanwhile) is dropped, not shown over it.
    let latest = use_mut_ref(|| 0u32);
    let opened_any = use_mut_ref(|| false);

    // Opens a text, replacing the editor's; the old draft goes with it
    // unless this is the draft.
    let open = {
        let studio = studio.clone();
        let ready = ready.clone();
        let status = status.clone();
        let (latest, opened_any) = (latest.clone(), opened_any.clone());
        Callback::from(move |(text, source): (String, Source)| {
            *latest.borrow_mut() += 1;
            *opened_any.borrow_mut() = true;
            // Windows line ends: the text area keeps only "\n", and every
            // place in the text must count the same characters it shows.
            let converted = text.contains("\r\n");
            let text: Rc<str> = Rc::from(text.replace("\r\n", "\n"));
            // At start, a tree by URL leaves an earlier draft alone until
            // the first edit (which becomes the draft).
            let keep_draft = source == Source::Draft || !*ready && matches!(source, Source::Url(_));
            if !keep_draft {
                if let Err(e) = draft::discard() {
                    status.set(Some(Status::Error(draft::describe(e).to_owned())));
                }
            }
            let note = if keep_draft && source != Source::Draft && draft::load().is_some() {
                " Your earlier draft stays in this browser until you edit this tree; open this page without ?tree= to get back to it."
            } else {
                ""
            };
            let check = check(&text);
            let line_ends = if converted {
                " Its Windows line ends (CRLF) are now plain line ends (LF); the download has those."
            } else {
                ""
            };
            status.set(Some(Status::Info(format!(
                "Opened {}: checked in {:.0} ms.{note}{line_ends}",
                source.describe(),
                check.total_ms
            ))));
            studio.dispatch(StudioAction::Open {
                text,
                source,
                check,
            });
            ready.set(true);
        })
    };

    let open_url = {
        let open = open.clone();
        let status = status.clone();
        let (latest, opened_any) = (latest.clone(), opened_any.clone());
        Callback::from(move |url: String| {
            let open = open.clone();
            let status = status.clone();
            let (latest, opened_any) = (latest.clone(), opened_any.clone());
            let ticket = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            status.set(Some(Status::Info(format!("Opening {url}…"))));
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = fetch_tree(&url).await;
                if *latest.borrow() != ticket {
                    return;
                }
                match fetched {
                    Ok(text) => open.emit((text, Source::Url(url))),
                    Err(message) if !*opened_any.borrow() => {
                        // Nothing is open yet (a `?tree=` that failed):
                        // the draft or the built-in tree, never an editor
                        // that stays disabled.
                        let (text, source) = match draft::load() {
                            Some(text) => (text, Source::Draft),
                            None => (
                                fetch_tree(BUILT_IN_URL)
                                    .await
                                    .unwrap_or_else(|_| DEFAULT_TREE_EN_JSON.to_owned()),
                                Source::BuiltIn,
                            ),
                        };
                        let instead = source.describe();
                        open.emit((text, source));
                        status.set(Some(Status::Error(format!(
                            "{message} The editor has {instead} instead."
                        ))));
                    }
                    Err(message) => status.set(Some(Status::Error(message))),
                }
            });
        })
    };

    let open_built_in = {
        let open = open.clone();
        let status = status.clone();
        let latest = latest.clone();
        Callback::from(move |()| {
            let open = open.clone();
            let status = status.clone();
            let latest = latest.clone();
            let ticket = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = fetch_tree(BUILT_IN_URL).await;
                if *latest.borrow() != ticket {
                    return;
                }
                match fetched {
                    Ok(text) => open.emit((text, Source::BuiltIn)),
                    Err(message) => {
                        // The widget carries the tree's English: better than nothing.
                        open.emit((DEFAULT_TREE_EN_JSON.to_owned(), Source::BuiltIn));
                        status.set(Some(Status::Error(format!(
                            "{message} The built-in tree is open in English only."
                        ))));
                    }
                }
            });
        })
    };

    // At start: a URL in the address (`?tree=`), else the draft, else the
    // built-in tree.
    {
        let open = open.clone();
        let open_url = open_url.clone();
        let open_built_in = open_built_in.clone();
        use_effect_with((), move |_| {
            let asked = query_pairs()
                .into_iter()
                .find(|(k, v)| k == "tree" && !v.is_empty());
            match (asked, draft::load()) {
                (Some((_, url)), _) => open_url.emit(url),
                (None, Some(text)) => open.emit((text, Source::Draft)),
                (None, None) => open_built_in.emit(()),
            }
        });
    }

    // Every edit is the draft.
    let on_change = {
        let studio = studio.clone();
        let status = status.clone();
        Callback::from(move |text: String| {
            let text: Rc<str> = Rc::from(text);
            if text == studio.text {
                return;
            }
            if let Err(e) = draft::save(&text) {
                status.set(Some(Status::Error(draft::describe(e).to_owned())));
            }
            let check = check(&text);
            studio.dispatch(StudioAction::Edited { text, check });
        })
    };

    let guarded = |action: Callback<(String, Source)>| {
        let studio = studio.clone();
        Callback::from(move |opened: (String, Source)| {
            if may_replace(&studio, REPLACE) {
                action.emit(opened);
            }
        })
    };
    let on_open = guarded(open.clone());
    let on_open_url = {
        let studio = studio.clone();
        Callback::from(move |url: String| {
            if may_replace(&studio, REPLACE) {
                open_url.emit(url);
            }
        })
    };
    let on_built_in = {
        let studio = studio.clone();
        let open_built_in = open_built_in.clone();
        Callback::from(move |()| {
            if may_replace(&studio, REPLACE) {
                open_built_in.emit(());
            }
        })
    };
    let on_discard = {
        let studio = studio.clone();
        Callback::from(move |_| {
            if may_replace(&studio, DISCARD) {
                open_built_in.emit(());
            }
        })
    };
    let on_error = {
        let status = status.clone();
        Callback::from(move |message: String| status.set(Some(Status::Error(message))))
    };
    let on_show = {
        let studio = studio.clone();
        Callback::from(move |span| studio.dispatch(StudioAction::Show(span)))
    };
    let on_start = {
        let studio = studio.clone();
        Callback::from(move |id| studio.dispatch(StudioAction::StartAt(id)))
    };
    let on_highlight = {
        let studio = studio.clone();
        Callback::from(move |h: Highlight| studio.dispatch(StudioAction::Highlight(h)))
    };
    // A step clicked in the diagram: there in the text and in the preview.
    let on_select = {
        let studio = studio.clone();
        Callback::from(move |index: usize| {
            let Some(usable) = &studio.usable else { return };
            if let Some(span) = studio.check.places.get(&format!("/nodes/{index}")) {
                studio.dispatch(StudioAction::Show(*span));
            }
            let id = usable
                .tree
                .nodes
                .get(index)
                .map(|n| n.id().as_str().to_owned());
            studio.dispatch(StudioAction::StartAt(id));
        })
    };

    let check = &studio.check;
    let stale = check.usable.is_none() && studio.usable.is_some();
    let has_draft = studio.source == Source::Draft || studio.is_edited();
    html! {
        <>
        <header class="st-header">
            <h1>{ "backup-doctor studio" }</h1>
            <p class="st-lead">
                { "Write, check, see and try a troubleshooting tree. The studio stores nothing on a server: \
                   your draft stays in this browser's storage until you discard it, and leaves only when you download it." }
            </p>
        </header>
        <OpenBar on_open={on_open} on_open_url={on_open_url} on_built_in={on_built_in} on_error={on_error} />
        <div class="st-statusbar">
            <p class="st-source">{
                if *ready {
                    format!("Editing {}{}", studio.source.describe(), if studio.is_edited() { " (edited)" } else { "" })
                } else {
                    "Opening…".to_owned()
                }
            }</p>
            if has_draft {
                <button type="button" class="st-button st-quiet" onclick={on_discard}>{ "Discard draft" }</button>
            }
        </div>
        {
            match &*status {
                Some(Status::Error(message)) => html! { <p class="st-status st-error" role="alert">{ message.clone() }</p> },
                Some(Status::Info(message)) => html! { <p class="st-status" role="status">{ message.clone() }</p> },
                None => html! { <p class="st-status" role="status"></p> },
            }
        }
        <div class="st-work">
            <section class="st-panel st-edit" aria-labelledby="st-edit-title" data-checks={studio.checks.to_string()}>
                <h2 id="st-edit-title">{ "Tree file" }</h2>
                <ProblemList check={check.clone()} on_show={on_show.clone()} />
                <Editor opened={studio.opened.clone()} opened_count={studio.opened_count}
                        show={studio.show} ready={*ready} on_change={on_change} />
            </section>
            <section class="st-panel st-try" aria-labelledby="st-preview-title">
                <h2 id="st-preview-title">{ "Preview" }</h2>
                {
                    match &studio.usable {
                        Some(usable) => html! {
                            <Preview usable={usable.clone()} stale={stale} start_at={studio.start_at.clone()} on_start={on_start.clone()} />
                        },
                        None => html! { <p>{ "The preview appears once the tree has no errors." }</p> },
                    }
                }
            </section>
        </div>
        {
            match &studio.usable {
                Some(usable) => html! {
                    <>
                    // A new tree or revision starts with no figures of the old one.
                    <DiagramPanel key={format!("{}\u{1f}{}", usable.tree.id, usable.tree.revision)} usable={usable.clone()} stale={stale} highlight={studio.highlight}
                                  selected={studio.start_at.clone()} on_select={on_select} on_highlight={on_highlight.clone()} />
                    <div class="st-work">
                        <PathTestsPanel usable={usable.clone()} check={check.clone()} stale={stale}
                                        on_show={on_show.clone()} on_highlight={on_highlight} />
                        <CoveragePanel usable={usable.clone()} check={check.clone()} stale={stale} on_show={on_show} />
                    </div>
                    </>
                },
                None => html! {},
            }
        }
        <TakeAway text={studio.text.clone()} errors={check.errors()}
                  tree_id={studio.usable.as_ref().map(|u| AttrValue::from(u.tree.id.clone()))} />
        </>
    }
}
