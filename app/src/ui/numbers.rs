//! The numbers behind a view, for the browser tests and for anyone at the console: a
//! property of the view's element (`canvas.vitpMatrix`, `canvas.vitpPoints`, …) that gives them
//! as JSON when it is read.
//!
//! They were `data-*` attributes, written as text after every update: the loss history's 2 000
//! points and every attention matrix, formatted number by number whether or not anyone looked,
//! a fifth of the page's own work per update. Read on demand, they cost nothing until read,
//! and a long session does not rewrite a history that only grew by one point.

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Gives `element` the property `name`, whose value is `read()` at the moment it is read
/// (`undefined` while `read` has nothing). `read` should read signals untracked: it runs
/// outside the page's reactive updates.
pub fn expose<E>(
    element: NodeRef<E>,
    name: &'static str,
    read: impl Fn() -> Option<String> + 'static,
) where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let getter: Closure<dyn Fn() -> JsValue> =
        Closure::new(move || read().map_or(JsValue::UNDEFINED, JsValue::from));
    // Kept as long as the view: the element's property calls it.
    let getter = StoredValue::new_local(getter);
    Effect::new(move |_| {
        let Some(element) = element.get() else {
            return;
        };
        let descriptor = js_sys::Object::new();
        getter.with_value(|getter| {
            let _ = js_sys::Reflect::set(&descriptor, &"get".into(), getter.as_ref());
        });
        let _ = js_sys::Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE);
        js_sys::Object::define_property(
            element.unchecked_ref::<js_sys::Object>(),
            &name.into(),
            &descriptor,
        );
    });
}
