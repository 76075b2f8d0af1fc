//! The studio's state as a reducer: the text in the editor and its check,
//! the last usable version (what the diagram and the preview show while the
//! text has errors), and what the author pointed at.

use std::rc::Rc;

use backup_doctor_core::tree::locate::Span;
use yew::Reducible;

use crate::check::{Check, Shared, Usable};

/// Where the text in the editor came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The tree the widget ships.
    BuiltIn,
    /// A file from the computer, by name.
    File(String),
    /// A URL.
    Url(String),
    /// The draft this browser kept.
    Draft,
}

impl Source {
    /// Where from, in words.
    pub fn describe(&self) -> String {
        match self {
            Source::BuiltIn => "the built-in tree".to_owned(),
            Source::File(name) => format!("the file {name}"),
            Source::Url(url) => url.clone(),
            Source::Draft => "your draft in this browser".to_owned(),
        }
    }
}

/// What the diagram highlights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Highlight {
    /// Nothing.
    #[default]
    None,
    /// The steps of one symptom row of the path report.
    Symptom(usize),
    /// The walk of one path test.
    Test(usize),
}

/// The whole state.
#[derive(Clone, Debug)]
pub struct Studio {
    /// The text as last checked.
    pub text: Rc<str>,
    /// The text as it was opened: the draft is "edited" when they differ.
    pub opened: Rc<str>,
    /// Where it came from.
    pub source: Source,
    /// Bumped when a text is opened, so the editor takes it over.
    pub opened_count: u32,
    /// The check of `text`.
    pub check: Shared<Check>,
    /// How many checks have run (in the page's markup, so a test or a
    /// benchmark can wait for the next one).
    pub checks: u32,
    /// The last usable version (maybe of an earlier text).
    pub usable: Option<Shared<Usable>>,
    /// A place to show in the editor, with a counter so that asking for
    /// the same place twice still moves the cursor.
    pub show: Option<(Span, u32)>,
    /// The step the preview starts at (`None`: the start).
    pub start_at: Option<String>,
    /// What the diagram highlights.
    pub highlight: Highlight,
}

/// Everything that changes the state.
pub enum StudioAction {
    /// A text was opened (replacing the editor's).
    Open {
        text: Rc<str>,
        source: Source,
        check: Check,
    },
    /// The author changed the text.
    Edited { text: Rc<str>, check: Check },
    /// Put the cursor on this place.
    Show(Span),
    /// Start the preview at this step (`None`: the start).
    StartAt(Option<String>),
    /// Highlight in the diagram.
    Highlight(Highlight),
}

impl Studio {
    /// The state with `text` opened from `source`.
    pub fn new(text: Rc<str>, source: Source, check: Check) -> Self {
        let check = Shared(Rc::new(check));
        Studio {
            opened: text.clone(),
            text,
            source,
            opened_count: 0,
            usable: check.usable.clone().map(Shared),
            check,
            checks: 1,
            show: None,
            start_at: None,
            highlight: Highlight::None,
        }
    }

    /// Whether the text differs from what was opened.
    pub fn is_edited(&self) -> bool {
        self.text != self.opened
    }

    fn checked(mut self, text: Rc<str>, check: Check) -> Self {
        let check = Shared(Rc::new(check));
        if let Some(usable) = &check.usable {
            // A step that no longer exists cannot be started at.
            if let Some(id) = &self.start_at {
                if usable.tree.get(id).is_none() {
                    self.start_at = None;
                }
            }
            self.usable = Some(Shared(usable.clone()));
        }
        self.text = text;
        self.check = check;
        self.checks += 1;
        self
    }
}

impl Reducible for Studio {
    type Action = StudioAction;

    fn reduce(self: Rc<Self>, action: StudioAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            StudioAction::Open {
                text,
                source,
                check,
            } => {
                next = next.checked(text.clone(), check);
                next.opened = text;
                next.source = source;
                next.opened_count += 1;
                next.usable = next.check.usable.clone().map(Shared);
                next.start_at = None;
                next.highlight = Highlight::None;
                next.show = None;
            }
            StudioAction::Edited { text, check } => next = next.checked(text, check),
            StudioAction::Show(span) => {
                let count = next.show.map_or(0, |(_, n)| n + 1);
                next.show = Some((span, count));
            }
            StudioAction::StartAt(id) => next.start_at = id,
            StudioAction::Highlight(highlight) => next.highlight = highlight,
        }
        Rc::new(next)
    }
}
