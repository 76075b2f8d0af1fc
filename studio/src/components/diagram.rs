//! The flow as SVG, drawn from the core's layout (`tree::layout`): every
//! step and way out, steps coloured by kind, the steps that can lose chats
//! and the key check marked, a symptom's path or a path test's walk
//! highlighted. Choosing a step shows it in the text and starts the preview
//! there. The Mermaid text stays available as an export.

use std::collections::HashSet;

use backup_doctor_core::tree::layout::{EdgeLine, StepBox, BOX_HEIGHT, BOX_WIDTH};
use backup_doctor_core::tree::{mermaid, OutcomeKind, Risk};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::check::{Shared, Usable};
use crate::components::figures::FiguresForm;
use crate::files;
use crate::insights::Figures;
use crate::state::Highlight;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub usable: Shared<Usable>,
    /// The text has errors: this is the last version without.
    pub stale: bool,
    pub highlight: Highlight,
    /// The step the preview starts at.
    pub selected: Option<String>,
    /// A step was chosen, by index.
    pub on_select: Callback<usize>,
    pub on_highlight: Callback<Highlight>,
}

const TITLE_CHARS: usize = 24;

fn short(title: &str) -> String {
    if title.chars().count() <= TITLE_CHARS {
        title.to_owned()
    } else {
        let head: String = title.chars().take(TITLE_CHARS - 1).collect();
        format!("{}…", head.trim_end())
    }
}

/// Ids are shown whole in the tooltip and the text; the box takes what fits.
fn short_id(id: &str) -> String {
    const ID_CHARS: usize = 22;
    if id.chars().count() <= ID_CHARS {
        id.to_owned()
    } else {
        let head: String = id.chars().take(ID_CHARS - 1).collect();
        format!("{head}…")
    }
}

fn kind_words(b: &StepBox) -> &'static str {
    match (b.kind, b.outcome) {
        ("question", _) => "question",
        ("fix", _) => "fix",
        ("speed_test", _) => "connection test",
        (_, Some(OutcomeKind::Resolved)) => "outcome: resolved",
        _ => "outcome: get help",
    }
}

/// The nodes (by id) a highlight walks through, in order.
fn walk(usable: &Usable, highlight: Highlight) -> Vec<&str> {
    match highlight {
        Highlight::None => Vec::new(),
        Highlight::Symptom(i) => usable.report.symptoms.get(i).map_or_else(Vec::new, |row| {
            let start = usable.tree.start.as_str();
            std::iter::once(start)
                .chain(row.answers.iter().map(|a| a.question.as_str()))
                .chain(row.steps.iter().map(|s| s.node.as_str()))
                .chain(row.outcome.iter().map(|o| o.as_str()))
                .fold(Vec::new(), |mut walk, id| {
                    if walk.last() != Some(&id) {
                        walk.push(id);
                    }
                    walk
                })
        }),
        Highlight::Test(i) => usable
            .tests
            .get(i)
            .map(|t| t.walked.iter().map(|n| n.as_str()).collect())
            .unwrap_or_default(),
    }
}

fn line_path(line: &EdgeLine) -> String {
    let ((x1, y1), (x2, y2)) = (line.start, line.end);
    if line.back {
        let bulge = 36.0 + (y1 - y2).abs().min(600.0) / 12.0;
        format!(
            "M{x1:.1} {y1:.1} C{:.1} {y1:.1} {:.1} {y2:.1} {x2:.1} {y2:.1}",
            x1 + bulge,
            x2 + bulge
        )
    } else {
        let mid = (y1 + y2) / 2.0;
        format!("M{x1:.1} {y1:.1} C{x1:.1} {mid:.1} {x2:.1} {mid:.1} {x2:.1} {y2:.1}")
    }
}

#[function_component(DiagramPanel)]
pub fn diagram_panel(props: &DiagramProps) -> Html {
    let usable = &props.usable;
    let diagram = &usable.diagram;
    let message = use_state(|| None::<String>);
    let figures = use_state(|| None::<std::rc::Rc<Figures>>);
    let on_figures = {
        let figures = figures.clone();
        Callback::from(move |f| figures.set(f))
    };
    let walked = walk(usable, props.highlight);
    let on_walk: HashSet<&str> = walked.iter().copied().collect();
    let steps_on_walk: HashSet<(&str, &str)> = walked.windows(2).map(|w| (w[0], w[1])).collect();

    let lines = diagram.lines.iter().map(|line| {
        let (from, to) = (&diagram.boxes[line.from], &diagram.boxes[line.to]);
        let lit = steps_on_walk.contains(&(from.id.as_str(), to.id.as_str()));
        html! {
            <path d={line_path(line)} class={classes!("st-edge", line.back.then_some("st-back"), lit.then_some("st-lit"))}
                  marker-end="url(#st-arrow)" />
        }
    });
    let boxes = diagram.boxes.iter().map(|b| {
        let index = b.index;
        let on_select = props.on_select.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_select.emit(index));
        let on_select = props.on_select.clone();
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_select.emit(index);
            }
        });
        let class = classes!(
            "st-step",
            format!("st-kind-{}", b.kind),
            matches!(b.outcome, Some(OutcomeKind::Escalate)).then_some("st-escalate"),
            (b.risk == Some(Risk::Chats)).then_some("st-risky"),
            b.safety_check.then_some("st-key"),
            on_walk.contains(b.id.as_str()).then_some("st-lit"),
            (props.selected.as_deref() == Some(b.id.as_str())).then_some("st-selected"),
        );
        let (badge, mark) = match (b.safety_check, b.risk) {
            (true, _) => ("key", "key check, "),
            (_, Some(Risk::Chats)) => ("!", "can lose chats, "),
            (_, Some(Risk::Money)) => ("$", "may cost money, "),
            (_, Some(Risk::Settings)) => ("~", "loses settings, "),
            _ => ("", ""),
        };
        let label = format!("{}: {} ({mark}{})", kind_words(b), b.title, b.id);
        html! {
            <g class={class} transform={format!("translate({:.1} {:.1})", b.x, b.y)} tabindex="0" role="button"
               aria-label={label} data-node={b.id.to_string()} {onclick} {onkeydown}>
                <title>{ format!("{} ({})", b.title, b.id) }</title>
                <rect width={BOX_WIDTH.to_string()} height={BOX_HEIGHT.to_string()} rx="8" />
                <text x="8" y="19" class="st-step-title">{ short(&b.title) }</text>
                <text x="8" y="38" class="st-step-id">{ short_id(b.id.as_str()) }</text>
                if !badge.is_empty() {
                    <text x={(BOX_WIDTH - 8.0).to_string()} y="38" class="st-badge" text-anchor="end">{ badge }</text>
                }
                if let Some(f) = figures.as_ref().map(|f| f.steps.get(b.id.as_str()).copied().unwrap_or_default()) {
                    <text x="4" y={(BOX_HEIGHT + 14.0).to_string()} class="st-figures">
                        { format!("reached {} · left {} · fixed {}", f.reached, f.left, f.fixed) }
                    </text>
                }
            </g>
        }
    });

    let on_pick = {
        let on_highlight = props.on_highlight.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let parse = |prefix: &str| value.strip_prefix(prefix).and_then(|n| n.parse().ok());
            on_highlight.emit(if let Some(i) = parse("symptom:") {
                Highlight::Symptom(i)
            } else if let Some(i) = parse("test:") {
                Highlight::Test(i)
            } else {
                Highlight::None
            });
        })
    };
    let selected_value = match props.highlight {
        Highlight::None => String::new(),
        Highlight::Symptom(i) => format!("symptom:{i}"),
        Highlight::Test(i) => format!("test:{i}"),
    };
    let mermaid_text = mermaid::to_mermaid(&usable.tree, "en");
    let on_copy = {
        let text = mermaid_text.clone();
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let text = text.clone();
            let message = message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                message.set(Some(match files::copy(&text).await {
                    Ok(()) => "Mermaid text copied.".to_owned(),
                    Err(e) => e,
                }));
            });
        })
    };
    let on_download = {
        let text = mermaid_text;
        let name = format!("{}.mmd", usable.tree.id);
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            if let Err(e) = files::download(&text, &name, "text/plain") {
                message.set(Some(e));
            }
        })
    };
    html! {
        <section class="st-panel st-diagram" aria-labelledby="st-diagram-title">
            <h2 id="st-diagram-title">{ "Flow" }</h2>
            if props.stale {
                <p class="st-stale" role="status">{ "The text has errors: this is the last version without any." }</p>
            }
            <div class="st-toolbar">
                <label for="st-highlight">{ "Highlight" }</label>
                <select id="st-highlight" onchange={on_pick}>
                    <option value="" selected={selected_value.is_empty()}>{ "nothing" }</option>
                    <optgroup label="What a person sees for a symptom">
                        { for usable.report.symptoms.iter().enumerate().map(|(i, row)| {
                            let value = format!("symptom:{i}");
                            html! { <option selected={selected_value == value} value={value.clone()}>{ row.label() }</option> }
                        }) }
                    </optgroup>
                    if !usable.tests.is_empty() {
                        <optgroup label="Path tests">
                            { for usable.tests.iter().enumerate().map(|(i, t)| {
                                let value = format!("test:{i}");
                                html! { <option selected={selected_value == value} value={value.clone()}>{ t.name.clone() }</option> }
                            }) }
                        </optgroup>
                    }
                </select>
                <button type="button" class="st-button st-quiet" onclick={on_copy}>{ "Copy Mermaid text" }</button>
                <button type="button" class="st-button st-quiet" onclick={on_download}>{ "Download .mmd" }</button>
                if let Some(text) = &*message {
                    <span role="status">{ text.clone() }</span>
                }
            </div>
            <FiguresForm tree_id={AttrValue::from(usable.tree.id.clone())} revision={AttrValue::from(usable.tree.revision.clone())} on_figures={on_figures} />
            <ul class="st-legend" aria-label="Legend">
                <li class="st-kind-question">{ "question" }</li>
                <li class="st-kind-fix">{ "fix" }</li>
                <li class="st-kind-speed_test">{ "connection test" }</li>
                <li class="st-kind-outcome">{ "resolved" }</li>
                <li class="st-kind-outcome st-escalate">{ "get help" }</li>
                <li class="st-risky">{ "can lose chats" }</li>
                <li class="st-key">{ "key check" }</li>
            </ul>
            <p class="st-hint">{ format!("{} steps. Choose one to see it in the text and start the preview there.", diagram.boxes.len()) }</p>
            <div class="st-canvas">
                <svg xmlns="http://www.w3.org/2000/svg" width={format!("{:.0}", diagram.width)} height={format!("{:.0}", diagram.height)}
                     viewBox={format!("0 0 {:.0} {:.0}", diagram.width, diagram.height)} role="group" aria-label="The tree as a diagram">
                    <defs>
                        <marker id="st-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                            <path d="M0 0 L10 5 L0 10 z" class="st-arrowhead" />
                        </marker>
                    </defs>
                    <g class="st-edges">{ for lines }</g>
                    <g class="st-steps">{ for boxes }</g>
                </svg>
            </div>
        </section>
    }
}
