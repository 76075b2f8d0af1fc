//! The text editor: a plain text area (no editor runtime, nothing inline,
//! fine for a 400 KB file), checked a moment after typing stops, that puts
//! the cursor on a problem when asked and says where the cursor is.

use std::rc::Rc;

use backup_doctor_core::tree::locate::Span;
use gloo::timers::callback::Timeout;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// How long after the last key the text is checked: the default tree
/// checks in a few milliseconds, but a check per key would still make
/// typing in a long file heavy.
const DEBOUNCE_MS: u32 = 250;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text opened last; the editor takes it over when `opened_count`
    /// changes.
    pub opened: Rc<str>,
    pub opened_count: u32,
    /// A place to select, with a counter (the same place twice moves again).
    pub show: Option<(Span, u32)>,
    /// False until the first tree is open.
    pub ready: bool,
    /// The text after an edit.
    pub on_change: Callback<String>,
}

/// 1-based line and column of UTF-16 offset `at` in `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut units = 0;
    let mut line = 1;
    let mut column = 1;
    for c in text.chars() {
        if units >= at {
            break;
        }
        units += c.len_utf16();
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let area = use_node_ref();
    let pending = use_mut_ref(|| None::<Timeout>);
    let cursor = use_state(|| (1usize, 1usize));

    {
        let area = area.clone();
        let opened = props.opened.clone();
        let pending = pending.clone();
        use_effect_with(props.opened_count, move |_| {
            // An edit still waiting for its check belongs to the old text.
            pending.borrow_mut().take();
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                area.set_value(&opened);
                area.set_scroll_top(0);
            }
        });
    }
    {
        let area = area.clone();
        let cursor = cursor.clone();
        use_effect_with(props.show, move |show| {
            let (Some((span, _)), Some(area)) = (show, area.cast::<HtmlTextAreaElement>()) else {
                return;
            };
            let _ = area.focus();
            let _ = area.set_selection_range(span.start_utf16 as u32, span.end_utf16 as u32);
            // Bring the line into view, a third of the way down.
            let lines = area.value().matches('\n').count() + 1;
            let per_line = f64::from(area.scroll_height()) / lines as f64;
            let top = (span.line as f64 - 1.0) * per_line - f64::from(area.client_height()) / 3.0;
            area.set_scroll_top(top.max(0.0) as i32);
            cursor.set((span.line, span.column));
        });
    }
    let oninput = {
        let area = area.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |_: InputEvent| {
            let area = area.clone();
            let on_change = on_change.clone();
            *pending.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                    on_change.emit(area.value());
                }
            }));
        })
    };
    let track = {
        let area = area.clone();
        let cursor = cursor.clone();
        move || {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                let at = area.selection_start().ok().flatten().unwrap_or(0) as usize;
                cursor.set(line_column(&area.value(), at));
            }
        }
    };
    let onkeyup = {
        let track = track.clone();
        Callback::from(move |_: KeyboardEvent| track())
    };
    let onclick = Callback::from(move |_: MouseEvent| track());
    let (line, column) = *cursor;
    html! {
        <div class="st-editor">
            <label for="st-text" class="st-label">
                { "The tree as JSON. Edit it here, or paste a whole file over it; it is checked as you type." }
            </label>
            <textarea id="st-text" ref={area} class="st-text" spellcheck="false" autocomplete="off"
                      wrap="off" disabled={!props.ready} aria-describedby="st-cursor"
                      {oninput} {onkeyup} {onclick} />
            <p id="st-cursor" class="st-cursor">{ format!("Line {line}, column {column}") }</p>
        </div>
    }
}
