//! The authors' studio (`/studio/`): open a tree (built-in, a file, a
//! pasted text, a URL), edit it with every problem listed and placed, see
//! it as a diagram, try it in the real widget at phone width, run its path
//! tests, and take away the file and an embed snippet. Written over the
//! same core as the widget, so the two can never disagree about what a
//! valid tree is; static, so it works from any host.

mod app;
mod check;
mod components;
mod draft;
mod files;
mod insights;
mod state;

fn main() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("studio"))
    else {
        return;
    };
    root.set_text_content(None);
    yew::Renderer::<app::App>::with_root(root).render();
}
