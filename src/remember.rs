//! What the widget remembers, and where: the person's walk in localStorage
//! (so a reload, a killed browser or a phone restart comes back to the same
//! step) and, on the standalone page, in the URL fragment (so a link reopens
//! it). Only the progress is stored, under `backup-doctor:progress:<tree
//! id>`, for 30 days at most; "Forget my progress" deletes it.

use backup_doctor_core::session::Session;
use yew::prelude::*;

use crate::browser::history::StepHistory;
use crate::browser::storage::{ProgressStore, StorageError};
use crate::browser::{location, measure};
use crate::state::{resume, Resumed, SharedTree, Walk};

/// What to tell the person about their saved place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MemoryNotice {
    /// Brought back to where they were.
    Restored,
    /// Saved progress existed but could not be used.
    RestoreFailed,
    /// Storage refuses or is full: the place will not be remembered.
    Storage(StorageError),
    /// They asked to forget, and it is gone.
    Forgotten,
}

/// The walk, kept in step with storage and the URL.
pub struct RememberedWalk {
    pub walk: UseReducerHandle<Walk>,
    pub notice: Option<MemoryNotice>,
    /// Deletes the saved progress and starts again.
    pub forget: Callback<()>,
}

fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

#[hook]
pub fn use_remembered_walk(tree: &SharedTree, use_link: bool) -> RememberedWalk {
    let store = use_memo(tree.tree().id.clone(), |id| ProgressStore::for_tree(id));
    let opening = use_memo((), |_| {
        let saved = store.load();
        let link = use_link.then(location::fragment_trail).flatten();
        let saved_text = saved.as_ref().ok().and_then(Option::as_deref);
        let (session, resumed) = resume(tree, link.as_deref(), saved_text, now_ms());
        if saved_text.is_some() && !matches!(resumed, Resumed::Saved | Resumed::Link) {
            // Stale, expired or broken: nothing worth keeping.
            let _ = store.clear();
        }
        (session, resumed, saved.err())
    });
    let walk = use_reducer(|| Walk {
        tree: tree.clone(),
        session: opening.0.clone(),
        speed: None,
        connection: measure::connection_hint().kind,
        undo: None,
    });
    // Each step a history entry (standalone page and iframe; an element in
    // a host page leaves the host's history alone).
    let history = {
        let walk = walk.clone();
        use_memo((), move |_| {
            use_link.then(|| {
                StepHistory::new(move |trail| walk.dispatch(crate::state::WalkAction::GoTo(trail)))
            })
        })
    };
    let notice = use_state(|| match (&opening.1, opening.2) {
        (_, Some(e)) => Some(MemoryNotice::Storage(e)),
        (Resumed::Saved, None) => Some(MemoryNotice::Restored),
        (Resumed::Unusable(_), None) => Some(MemoryNotice::RestoreFailed),
        _ => None,
    });
    {
        let store = store.clone();
        let notice = notice.clone();
        let walk = walk.clone();
        let history = history.clone();
        use_effect_with(walk.session.encode_trail(), move |trail| {
            if let Some(history) = history.as_ref() {
                history.record(trail);
            }
            if let Err(e) = remember(&store, &walk.session, &walk.tree) {
                notice.set(Some(MemoryNotice::Storage(e)));
            } else if matches!(*notice, Some(MemoryNotice::Storage(_))) {
                notice.set(None);
            }
        });
    }
    let forget = {
        let store = store.clone();
        let notice = notice.clone();
        let walk = walk.clone();
        Callback::from(move |()| {
            let _ = store.clear();
            walk.dispatch(crate::state::WalkAction::Forget);
            notice.set(Some(MemoryNotice::Forgotten));
        })
    };
    RememberedWalk {
        walk,
        notice: *notice,
        forget,
    }
}

/// Saves the walk; a walk at its start is nothing to remember.
fn remember(
    store: &ProgressStore,
    session: &Session,
    tree: &SharedTree,
) -> Result<(), StorageError> {
    if session.steps().is_empty() {
        store.clear()
    } else {
        store.save(&session.to_saved(tree, now_ms()))
    }
}
