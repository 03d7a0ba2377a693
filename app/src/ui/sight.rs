//! Which panels the browser draws now, and panels that follow the run only while it does.
//!
//! Panels scrolled far out of view are skipped by the browser (`content-visibility: auto`,
//! style.css). Their canvases already wait to be drawn until they come into view
//! (`draw::frame::draw_when_seen`); their words and numbers wait too: a panel reads the
//! worker's latest views through [`while_seen`], which stands still while the panel is skipped
//! and catches up when it comes into view. An update then costs the DOM work of the panels in
//! sight only, not of the page's twenty.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::Element;

thread_local! {
    /// The panels the browser skips for now, as it said.
    static SKIPPED: RefCell<Vec<Element>> = const { RefCell::new(Vec::new()) };
    /// Every panel that asked to know, with its signal.
    static WATCHERS: RefCell<Vec<(Element, RwSignal<bool>)>> = const { RefCell::new(Vec::new()) };
    static WATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the browser skips `element` for now, its panel being out of view, as the browser
/// last said of the panels around it. Read from what it said, not asked (`checkVisibility`
/// would lay the page out again in every frame).
pub fn skipped(element: &Element) -> bool {
    SKIPPED.with(|skipped| {
        let skipped = skipped.borrow();
        if skipped.is_empty() {
            return false;
        }
        let mut at = Some(element.clone());
        while let Some(element) = at {
            if skipped.iter().any(|panel| same(panel, &element)) {
                return true;
            }
            at = element.parent_element();
        }
        false
    })
}

pub fn same(a: &Element, b: &Element) -> bool {
    AsRef::<JsValue>::as_ref(a) == AsRef::<JsValue>::as_ref(b)
}

/// The browser says when a panel starts or stops being skipped
/// (`contentvisibilityautostatechange`, which does not bubble: heard on its way down the
/// page). Installed before the page is built, so that no panel's first word is missed; when
/// one comes into view, `came_into_view` runs after the panels' signals are set.
pub fn watch_panels(came_into_view: fn()) {
    if WATCHING.replace(true) {
        return;
    }
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let panel = js_sys::Reflect::get(&event, &"target".into())
            .ok()
            .and_then(|t| t.dyn_into::<Element>().ok());
        let is_skipped = js_sys::Reflect::get(&event, &"skipped".into())
            .ok()
            .and_then(|s| s.as_bool());
        let (Some(panel), Some(is_skipped)) = (panel, is_skipped) else {
            return;
        };
        SKIPPED.with(|skipped| {
            let mut skipped = skipped.borrow_mut();
            skipped.retain(|p| !same(p, &panel));
            if is_skipped {
                skipped.push(panel);
            }
        });
        tell_watchers();
        if !is_skipped {
            came_into_view();
        }
    });
    let _ = document().add_event_listener_with_callback_and_bool(
        "contentvisibilityautostatechange",
        listener.as_ref().unchecked_ref(),
        true,
    );
    // One listener for the page's lifetime.
    listener.forget();
}

fn tell_watchers() {
    // Set outside the borrow: a signal's subscribers may register another watcher.
    let changes: Vec<(RwSignal<bool>, bool)> = WATCHERS.with(|watchers| {
        let mut watchers = watchers.borrow_mut();
        // A panel taken off the page (its owner disposed) no longer asks.
        watchers.retain(|(_, seen)| seen.try_get_untracked().is_some());
        watchers
            .iter()
            .map(|(element, seen)| (*seen, !skipped(element)))
            .collect()
    });
    for (seen, now) in changes {
        if seen.get_untracked() != now {
            seen.set(now);
        }
    }
}

/// Whether a panel is drawn by the browser now: given to the panel's contents as context by
/// the panel (see `ui::Panel`); true until the browser says otherwise.
#[derive(Clone, Copy)]
pub struct Seen(RwSignal<bool>);

impl Seen {
    /// Follows the element `panel` will hold once mounted.
    pub fn of(panel: NodeRef<leptos::html::Section>) -> Self {
        let seen = RwSignal::new(true);
        Effect::new(move |_| {
            if let Some(element) = panel.get() {
                let element: Element = element.into();
                seen.set(!skipped(&element));
                WATCHERS.with(|watchers| watchers.borrow_mut().push((element, seen)));
            }
        });
        Self(seen)
    }
}

/// What the worker sent, shared between the page's views (`Arc`): a pointer says whether a
/// value is the same one again, where comparing the numbers would read them all.
pub trait Shared: Clone + Send + Sync + 'static {
    fn same(&self, other: &Self) -> bool;
}

impl<T: Send + Sync + 'static> Shared for Option<Arc<T>> {
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

/// The backward path, with its update.
impl<T: Send + Sync + 'static> Shared for Option<(u64, Arc<T>)> {
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Some((s, a)), Some((t, b))) => s == t && Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

/// Whether `target` is on screen or within half a screen of it, as the page scrolls.
///
/// Not the browser's content-visibility state: a panel holding the focus (the button just
/// pressed in it) is never skipped, however far it is scrolled away. For work that only
/// matters while seen, such as the camera's Live; false while `target` is hidden.
pub fn near_view(target: NodeRef<leptos::html::Div>) -> Signal<bool> {
    let near = RwSignal::new(true);
    Effect::new(move |_| {
        let Some(element) = target.get() else {
            return;
        };
        let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The last entry is the latest state.
            if let Some(entry) = entries.iter().last() {
                let entry: web_sys::IntersectionObserverEntry = entry.unchecked_into();
                near.set(entry.is_intersecting());
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin("50% 0px");
        if let Ok(observer) = web_sys::IntersectionObserver::new_with_options(
            on_change.as_ref().unchecked_ref(),
            &options,
        ) {
            observer.observe(&element);
        }
        // The element lives as long as the page: so do its observer and callback.
        on_change.forget();
    });
    near.into()
}

/// `source` as the surrounding panel shows it: followed while the browser draws the panel,
/// held while it skips it, and brought up to date when it comes into view. Outside a panel,
/// `source` itself.
pub fn while_seen<S: Shared>(source: RwSignal<S>) -> Memo<S> {
    let seen = use_context::<Seen>().map(|s| s.0);
    Memo::new_with_compare(
        move |held: Option<&S>| match held {
            Some(held) if seen.is_some_and(|seen| !seen.get()) => held.clone(),
            _ => source.get(),
        },
        changed::<S>,
    )
}

fn changed<S: Shared>(old: Option<&S>, new: Option<&S>) -> bool {
    !matches!((old, new), (Some(old), Some(new)) if old.same(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_is_new_when_it_is_another_one() {
        let a = Some(Arc::new(1.0f32));
        let same_again = a.clone();
        let equal_other = Some(Arc::new(1.0f32));
        assert!(!changed(Some(&a), Some(&same_again)));
        assert!(changed(Some(&a), Some(&equal_other)));
        assert!(changed(Some(&a), Some(&None)));
        assert!(!changed::<Option<Arc<f32>>>(Some(&None), Some(&None)));
        let path = Some((3, Arc::new(1.0f32)));
        assert!(!changed(Some(&path), Some(&path.clone())));
        assert!(changed(
            Some(&path),
            Some(&Some((4, path.clone().unwrap().1)))
        ));
        assert!(changed(None, Some(&a)));
    }

    #[test]
    fn a_panel_out_of_view_holds_its_view_and_catches_up_in_view() {
        let owner = Owner::new();
        owner.set();
        let source = RwSignal::new(Some(Arc::new(1)));
        let seen = RwSignal::new(true);
        provide_context(Seen(seen));
        let shown = while_seen(source);
        assert_eq!(shown.get_untracked().as_deref(), Some(&1));
        seen.set(false);
        source.set(Some(Arc::new(2)));
        assert_eq!(
            shown.get_untracked().as_deref(),
            Some(&1),
            "held while skipped"
        );
        source.set(Some(Arc::new(3)));
        seen.set(true);
        assert_eq!(
            shown.get_untracked().as_deref(),
            Some(&3),
            "the latest once in view"
        );
        source.set(None);
        assert_eq!(shown.get_untracked(), None, "followed in view");
    }
}
