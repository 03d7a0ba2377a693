//! Every view can be saved as a PNG: the canvas as drawn, at the screen's pixel density.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::state::PageState;

fn download(canvas: &web_sys::HtmlCanvasElement, name: &str) {
    let Ok(url) = canvas.to_data_url() else {
        return;
    };
    let Ok(link) = document().create_element("a") else {
        return;
    };
    let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    let _ = link.set_attribute("href", &url);
    let _ = link.set_attribute("download", &format!("vit-playground-{name}.png"));
    link.click();
}

#[component]
pub fn ExportPng(canvas: NodeRef<Canvas>, name: &'static str, state: PageState) -> impl IntoView {
    view! {
        <button class="small export" data-export=name
            on:click=move |_| { if let Some(c) = canvas.get_untracked() { download(&c, name); } }>
            {move || state.lang.get().text().export_png}
        </button>
    }
}
