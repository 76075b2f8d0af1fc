//! Renders an author's rich text as ordinary elements. The core parsed it
//! into plain data, so author strings only ever become text nodes; links
//! are http(s) only and open in a new tab without access to this page.

use backup_doctor_core::tree::text::{self, Block, Inline};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RichTextProps {
    /// The author's source text (markup, never HTML).
    pub source: AttrValue,
}

#[function_component(RichText)]
pub fn rich_text(props: &RichTextProps) -> Html {
    let blocks = text::parse(&props.source);
    blocks.iter().map(block).collect()
}

fn block(b: &Block) -> Html {
    match b {
        Block::Paragraph(inlines) => html! { <p>{ inline_list(inlines) }</p> },
        Block::Bullets(items) => html! {
            <ul>{ for items.iter().map(|i| html! { <li>{ inline_list(i) }</li> }) }</ul>
        },
        Block::Numbered(items) => html! {
            <ol>{ for items.iter().map(|i| html! { <li>{ inline_list(i) }</li> }) }</ol>
        },
    }
}

fn inline_list(inlines: &[Inline]) -> Html {
    inlines.iter().map(inline).collect()
}

fn inline(i: &Inline) -> Html {
    match i {
        Inline::Text(t) => html! { { t.clone() } },
        Inline::Bold(inner) => html! { <strong>{ inline_list(inner) }</strong> },
        Inline::Link { label, href } => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ label.clone() }</a>
        },
    }
}
