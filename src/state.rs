//! The person's walk as Yew state: a reducer over the core's `Session`
//! (`WalkAction` in, a new `Walk` out), and where a walk starts from when
//! the widget opens (a shared link, saved progress, or the beginning).

use std::rc::Rc;

use backup_doctor_core::known::{ConnectionKind, Known};
use backup_doctor_core::session::{Choice, RestoreError, Session};
use backup_doctor_core::speed::SpeedResult;
use backup_doctor_core::tree::ValidTree;
use yew::Reducible;

/// A valid tree shared by components, compared by identity (a tree never
/// changes once loaded; comparing its contents on every render would be
/// wasted work).
#[derive(Clone, Debug)]
pub struct SharedTree(pub Rc<ValidTree>);

impl PartialEq for SharedTree {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SharedTree {
    type Target = ValidTree;
    fn deref(&self) -> &ValidTree {
        &self.0
    }
}

/// The walk in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Walk {
    pub tree: SharedTree,
    pub session: Session,
    /// The last connection test, for the advice and the support summary.
    pub speed: Option<Rc<SpeedResult>>,
    /// What the browser said about the connection when the widget opened.
    pub connection: ConnectionKind,
    /// The walk as it was before the last "Start over" or the last change
    /// that dropped later answers, for Undo.
    pub undo: Option<Rc<Undo>>,
}

/// A walk to go back to, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Undo {
    pub session: Session,
    pub reason: UndoReason,
}

/// What Undo would undo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UndoReason {
    StartedOver,
    AnswersDropped,
}

impl Walk {
    /// What the walk knows without asking.
    pub fn known(&self) -> Known<'_> {
        Known {
            connection: self.connection,
            measured: self.speed.as_deref(),
        }
    }
}

/// What the person can do to the walk.
#[derive(Clone, Debug, PartialEq)]
pub enum WalkAction {
    /// A connection test finished.
    Measured(Rc<SpeedResult>),
    /// The backup size the person typed (GB), or cleared.
    SetBackupSize(Option<f64>),
    Choose(Choice),
    /// Continue from the connection test: the tree's routes pick the next
    /// step by the result (or the test counts as skipped without one).
    LeaveTest,
    Back,
    Restart,
    /// "Forget my progress": back to the start, with nothing to undo.
    Forget,
    /// Go back to this step to answer it differently.
    RewindTo(usize),
    /// The browser's Back or Forward landed on this trail.
    GoTo(String),
    /// Back to the walk before the last "Start over" or dropping change.
    Undo,
    /// Return to where the person was, every later answer kept (after
    /// "Change" and then "Keep my answers").
    KeepAnswers,
}

impl Reducible for Walk {
    type Action = WalkAction;

    fn reduce(self: Rc<Self>, action: WalkAction) -> Rc<Self> {
        let mut session = self.session.clone();
        let mut speed = self.speed.clone();
        let moved_on = matches!(action, WalkAction::Choose(_) | WalkAction::LeaveTest);
        let mut undo = match action {
            WalkAction::Measured(_) | WalkAction::SetBackupSize(_) => self.undo.clone(),
            _ => None,
        };
        let before = self.session.clone();
        let changed = match action {
            WalkAction::Measured(result) => {
                speed = Some(result);
                true
            }
            WalkAction::SetBackupSize(gb) => session.set_backup_size_gb(gb).is_ok(),
            WalkAction::Choose(choice) => {
                if session.would_drop(&self.tree, choice) > 0 {
                    // Undo returns to where the person was before "Change".
                    let mut whole = before.clone();
                    while whole.forward(&self.tree) {}
                    undo = Some(Rc::new(Undo {
                        session: whole,
                        reason: UndoReason::AnswersDropped,
                    }));
                }
                session.choose(&self.tree, choice).is_ok()
            }
            WalkAction::LeaveTest => session.leave_test(&self.tree, &self.known()).is_ok(),
            WalkAction::Back => session.back(),
            WalkAction::Restart => {
                if !session.steps().is_empty() {
                    undo = Some(Rc::new(Undo {
                        session: before.clone(),
                        reason: UndoReason::StartedOver,
                    }));
                }
                session.restart();
                true
            }
            WalkAction::Forget => {
                session.restart();
                true
            }
            WalkAction::RewindTo(step) => session.rewind_to(step).is_ok(),
            WalkAction::GoTo(trail) => session.go_to(&self.tree, &trail).is_ok(),
            WalkAction::KeepAnswers => {
                let mut moved = false;
                while session.forward(&self.tree) {
                    moved = true;
                }
                moved
            }
            WalkAction::Undo => match &self.undo {
                Some(point) => {
                    session = point.session.clone();
                    true
                }
                None => false,
            },
        };
        if moved_on {
            // Questions the browser can answer are not asked (each can be
            // changed in "Your answers so far").
            let known = Known {
                connection: self.connection,
                measured: speed.as_deref(),
            };
            session.answer_known(&self.tree, &known);
        }
        if changed || undo != self.undo {
            Rc::new(Walk {
                tree: self.tree.clone(),
                session,
                speed,
                connection: self.connection,
                undo,
            })
        } else {
            self
        }
    }
}

/// Where the walk started from when the widget opened.
#[derive(Clone, Debug, PartialEq)]
pub enum Resumed {
    /// A link with `#step=…` opened this step.
    Link,
    /// Saved progress brought the person back to where they were.
    Saved,
    /// Nothing to resume.
    Fresh,
    /// Saved progress existed but could not be used (corrupt, or does not
    /// fit this tree); the walk starts afresh.
    Unusable(RestoreError),
}

/// Picks the starting walk: a link's trail wins (it was shared on purpose),
/// then saved progress, then the beginning. Never fails.
pub fn resume(
    tree: &ValidTree,
    link_trail: Option<&str>,
    saved: Option<&str>,
    now_ms: u64,
) -> (Session, Resumed) {
    // A link names its step on purpose, even the first one (`#step=`).
    if let Some(session) = link_trail.and_then(|t| Session::from_trail(tree, t).ok()) {
        return (session, Resumed::Link);
    }
    match saved.map(|s| Session::from_saved(tree, s, now_ms)) {
        Some(Ok(session)) if !session.steps().is_empty() => (session, Resumed::Saved),
        Some(Ok(_)) | None => (Session::new(tree), Resumed::Fresh),
        // Old progress of another guide or version is simply not ours.
        Some(Err(
            RestoreError::OtherTree { .. }
            | RestoreError::OtherVersion { .. }
            | RestoreError::Expired { .. },
        )) => (Session::new(tree), Resumed::Fresh),
        Some(Err(e)) => (Session::new(tree), Resumed::Unusable(e)),
    }
}
