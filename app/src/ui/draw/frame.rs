//! Canvas drawing, batched into the next animation frame.
//!
//! An effect that draws at once runs between the DOM updates of other effects; setting a
//! canvas font then makes the browser recompute the page's styles, once per chart, and an
//! update took 200 ms to show. Drawn together in the next frame, after every DOM update, the
//! styles are computed once. The time it all took is left on `<body data-redraw-ms>` for the
//! page benchmark.
//!
//! A view whose panel the browser skips because it is out of view (`content-visibility:
//! auto`, see style.css) is drawn when it comes into view, from its latest drawing only: an
//! update then draws what the learner can see.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use web_sys::Element;

/// A drawing: the view it belongs to, the element it draws on when it waits to be seen, and
/// the drawing itself.
struct Draw {
    /// When it was asked for: of two drawings of one view on one element, the later counts.
    order: u64,
    view: &'static str,
    on: Option<Element>,
    draw: Box<dyn FnOnce()>,
}

impl Draw {
    fn new(view: &'static str, on: Option<Element>, draw: Box<dyn FnOnce()>) -> Self {
        let order = ASKED.replace(ASKED.get() + 1);
        Self {
            order,
            view,
            on,
            draw,
        }
    }

    /// Whether `self` is a later drawing of the same view on the same element than `other`.
    fn replaces(&self, other: &Draw) -> bool {
        self.order > other.order
            && self.view == other.view
            && matches!((&self.on, &other.on), (Some(a), Some(b)) if crate::ui::sight::same(a, b))
    }
}

thread_local! {
    static PENDING: RefCell<Vec<Draw>> = const { RefCell::new(Vec::new()) };
    /// Drawings of views out of view, the latest for each view and element.
    static WAITING: RefCell<Vec<Draw>> = const { RefCell::new(Vec::new()) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    static ASKED: Cell<u64> = const { Cell::new(0) };
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
    schedule(Draw::new(view, None, Box::new(draw)));
}

/// As [`draw_next_frame`], but while `on` (an element of the view) is in a panel the browser
/// skips for being out of view, the drawing waits until the panel comes into view; a later
/// drawing of the same view on the same element replaces it. Only for views drawn whole
/// each time (not the charts that grow).
pub fn draw_when_seen(view: &'static str, on: Option<&Element>, draw: impl FnOnce() + 'static) {
    schedule(Draw::new(view, on.cloned(), Box::new(draw)));
}

/// The first of a view's canvases that is there: the element [`draw_when_seen`] watches for
/// a view drawn on several, all in one panel.
pub fn first_canvas<'a>(
    canvases: impl IntoIterator<Item = &'a Option<web_sys::HtmlCanvasElement>>,
) -> Option<Element> {
    canvases
        .into_iter()
        .flatten()
        .next()
        .cloned()
        .map(Element::from)
}

fn schedule(draw: Draw) {
    PENDING.with(|pending| pending.borrow_mut().push(draw));
    if !SCHEDULED.replace(true) {
        request_animation_frame(run);
    }
}

/// Keeps a drawing until its view comes into view, in place of an older one of the same view
/// (a newer one already waiting keeps its place).
fn wait(draw: Draw) {
    WAITING.with(|waiting| {
        let mut waiting = waiting.borrow_mut();
        if waiting.iter().any(|w| w.replaces(&draw)) {
            return;
        }
        waiting.retain(|w| !draw.replaces(w));
        waiting.push(draw);
    });
}

/// A panel came into view: the drawings that waited for it are scheduled again (those still
/// out of view wait again).
pub fn draw_waiting() {
    let waited: Vec<Draw> = WAITING.with(|waiting| waiting.borrow_mut().drain(..).collect());
    for draw in waited {
        schedule(draw);
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
    let mut draws: Vec<Draw> = PENDING.with(|pending| pending.borrow_mut().drain(..).collect());
    // A drawing that waited can come back in the same frame as a newer one of its view: only
    // the newer is drawn, and it leaves nothing older waiting.
    let superseded: Vec<bool> = draws
        .iter()
        .map(|d| draws.iter().any(|other| other.replaces(d)))
        .collect();
    let mut superseded = superseded.into_iter();
    draws.retain(|_| !superseded.next().unwrap_or(false));
    let update = UPDATE_MS.replace(0.0);
    let mut detail = format!("update {update:.1} (signals {:.1})", APPLY_MS.replace(0.0));
    for draw in draws {
        if draw.on.as_ref().is_some_and(crate::ui::sight::skipped) {
            wait(draw);
            continue;
        }
        if draw.on.is_some() {
            WAITING.with(|waiting| waiting.borrow_mut().retain(|w| !draw.replaces(w)));
        }
        let begin = now();
        (draw.draw)();
        detail.push_str(&format!("; {} {:.1}", draw.view, now() - begin));
    }
    let total = update + now() - start;
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-redraw-ms", &format!("{total:.2}"));
        let _ = body.set_attribute("data-redraw-detail", &detail);
    }
}
