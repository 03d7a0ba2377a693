//! Canvas drawing, batched into the next animation frame.
//!
//! An effect that draws at once runs between the DOM updates of other effects; setting a
//! canvas font then makes the browser recompute the page's styles, once per chart, and an
//! update took 200 ms to show. Drawn together in the next frame, after every DOM update, the
//! styles are computed once. The time it all took is left on `<body data-redraw-ms>` for the
//! page benchmark.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;

type Draw = (&'static str, Box<dyn FnOnce()>);

thread_local! {
    static PENDING: RefCell<Vec<Draw>> = const { RefCell::new(Vec::new()) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// Time spent folding the latest events into the page (DOM updates included), in ms, and
    /// the part of it that set the signals.
    static UPDATE_MS: Cell<f64> = const { Cell::new(0.0) };
    static APPLY_MS: Cell<f64> = const { Cell::new(0.0) };
}

pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Draws `draw` in the next animation frame, with every other drawing asked for meanwhile;
/// `view` names it in the benchmark's breakdown.
pub fn draw_next_frame(view: &'static str, draw: impl FnOnce() + 'static) {
    PENDING.with(|pending| pending.borrow_mut().push((view, Box::new(draw))));
    if !SCHEDULED.replace(true) {
        request_animation_frame(run);
    }
}

/// The bridge reports how long applying the latest events took: setting the signals, and
/// in all, with the DOM updates that followed.
pub fn record_update(apply_ms: f64, ms: f64) {
    APPLY_MS.set(apply_ms);
    UPDATE_MS.set(ms);
}

fn run() {
    SCHEDULED.set(false);
    let start = now();
    let draws: Vec<Draw> = PENDING.with(|pending| pending.borrow_mut().drain(..).collect());
    let update = UPDATE_MS.replace(0.0);
    let mut detail = format!("update {update:.1} (signals {:.1})", APPLY_MS.replace(0.0));
    for (view, draw) in draws {
        let begin = now();
        draw();
        detail.push_str(&format!("; {view} {:.1}", now() - begin));
    }
    let total = update + now() - start;
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-redraw-ms", &format!("{total:.2}"));
        let _ = body.set_attribute("data-redraw-detail", &detail);
    }
}
