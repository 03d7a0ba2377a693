//! The guided tour: one lesson at a time, its text filled with the run's live numbers, the
//! panel it talks about brought into view and outlined.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::lessons::{Numbers, LESSONS};
use crate::ui::state::PageState;
use crate::ui::then_now::{cls_row, largest_patch_share};

/// What the lessons quote, read from the page's signals.
fn live_numbers(state: PageState) -> Numbers {
    let report = state.report.get();
    let probe = state.probe.get();
    let weights = state.weights.get();
    let initial = state.initial.get();
    let cls_top = |row: &[f32]| largest_patch_share(row) as f64;
    let block = state.inspect.with(|i| i.block);
    Numbers {
        step: state.step.get(),
        loss: report.as_ref().map(|r| r.loss as f64),
        p_true: report
            .as_ref()
            .and_then(|r| r.true_class_probability.first())
            .map(|&p| p as f64),
        training_images: state
            .dataset
            .with(|d| d.as_ref().map(|d| d.summary.train_labels.len())),
        batch_size: state.settings.with(|s| s.batch_size),
        block: block + 1,
        gradients: report
            .as_ref()
            .and_then(|r| r.gradient_norms.blocks.get(block))
            .map(|b| [b.wq as f64, b.wk as f64, b.wv as f64]),
        drift: weights.as_ref().map(|w| w.drift.map(|d| d as f64)),
        width: probe.as_ref().map(|p| p.width),
        head_dim: probe.as_ref().map(|p| p.head_dim),
        tokens: probe.as_ref().map(|p| p.tokens),
        cls_top_share: cls_row(probe.as_deref(), initial.as_deref(), false).map(|r| cls_top(&r)),
        cls_top_share_then: cls_row(probe.as_deref(), initial.as_deref(), true)
            .map(|r| cls_top(&r)),
    }
}

/// Scrolls the lesson's panel into view and outlines it (and only it).
fn show_panel(panel: &str) {
    let document = document();
    if let Ok(outlined) = document.query_selector_all(".lesson-target") {
        for i in 0..outlined.length() {
            if let Some(element) = outlined
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = element.class_list().remove_1("lesson-target");
            }
        }
    }
    if let Some(element) = document.get_element_by_id(panel) {
        let _ = element.class_list().add_1("lesson-target");
        element.scroll_into_view();
    }
}

#[component]
pub fn Tour(state: PageState) -> impl IntoView {
    let t = move || state.lang.get().text().tour;
    let lesson = state.lesson;
    let numbers = Memo::new(move |_| live_numbers(state));
    // Every lesson change brings its panel into view; at load only when the address asked
    // for a lesson, so a plain visit opens at the top.
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        let index = lesson.get();
        let at_load = first.get_value();
        first.set_value(false);
        if at_load && index == 0 {
            return;
        }
        // After the DOM of this change is in place.
        request_animation_frame(move || show_panel(LESSONS[index].panel));
    });
    let count = LESSONS.len();
    let go = move |to: usize| lesson.set(to.min(count - 1));
    // One line while the learner works, the lesson's text on demand: a bar that stays in
    // view must not hide the panel it talks about. Expanded, the bar stops following the
    // page (it scrolls away like any text).
    let expanded = RwSignal::new(false);
    view! {
        <section class="lesson-bar" class:expanded=move || expanded.get() id="lessons" aria-labelledby="lesson-title"
            data-lesson=move || lesson.get() + 1 data-panel=move || LESSONS[lesson.get()].panel>
            <div class="lesson-head">
                <span class="lesson-progress" id="lesson-progress">
                    {move || (t().lesson_of)(lesson.get() + 1, count)}
                    " · "
                    {move || (t().questions)(LESSONS[lesson.get()].questions)}
                </span>
                <h2 id="lesson-title" class="lesson-title">
                    <button class="lesson-toggle" aria-controls="lesson-details"
                        aria-expanded=move || expanded.get().to_string()
                        on:click=move |_| expanded.update(|e| *e = !*e)>
                        <span aria-hidden="true">{move || if expanded.get() { "▾ " } else { "▸ " }}</span>
                        {move || LESSONS[lesson.get()].text(state.lang.get()).title}
                    </button>
                </h2>
                <div class="lesson-nav">
                    <button id="lesson-previous" disabled=move || lesson.get() == 0
                        on:click=move |_| go(lesson.get_untracked().saturating_sub(1))>{move || t().previous}</button>
                    <button id="lesson-next" class="primary" disabled=move || { lesson.get() + 1 >= count }
                        on:click=move |_| go(lesson.get_untracked() + 1)>{move || t().next}</button>
                    <label class="inline">
                        <span class="visually-hidden">{move || t().go_to}</span>
                        <select id="lesson-select" aria-label=move || t().go_to
                            on:change=move |ev| {
                                if let Ok(i) = event_target_value(&ev).parse::<usize>() { go(i) }
                            }>
                            {move || {
                                let lang = state.lang.get();
                                LESSONS.iter().enumerate().map(|(i, l)| view! {
                                    <option value=i.to_string() selected=move || lesson.get() == i>
                                        {format!("{}. {}", i + 1, l.text(lang).title)}
                                    </option>
                                }).collect_view()
                            }}
                        </select>
                    </label>
                    <button id="lesson-show" on:click=move |_| show_panel(LESSONS[lesson.get_untracked()].panel)>
                        {move || t().show_me}
                    </button>
                </div>
            </div>
            <div class="lesson-text" id="lesson-details" hidden=move || !expanded.get()>
                <p id="lesson-body" aria-live="polite">
                    {move || (LESSONS[lesson.get()].text(state.lang.get()).body)(&numbers.get())}
                </p>
                <p class="lesson-task"><strong>{move || t().try_it}</strong>" "
                    {move || { let lang = state.lang.get(); (LESSONS[lesson.get()].text(lang).task)(lang.text()) }}</p>
            </div>
        </section>
    }
}
