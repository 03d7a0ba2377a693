//! The 2-D Q/K playground (the teaching text's question 5): vectors the learner drags by
//! mouse, touch or keyboard, and the dot products, shares and output computed by [`crate::qk`]
//! as they move. It can also lay the trained model's own query and keys on the plane.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::format::token_name;
use crate::i18n::{decimal, Lang, ModelPlaneNote, PlaygroundText};
use crate::qk::{self, ModelPlane, Plane, Preset, Readout, Vec2, MAX_KEYS, MIN_KEYS};
use crate::ui::state::PageState;
use vocab::protocol::InspectTarget;

/// The SVG's own units: a square with the origin in the middle.
const SIZE: f64 = 440.0;
const HALF: f64 = SIZE / 2.0;
/// Units from the centre to the edge of the drawn grid.
const REACH: f64 = HALF - 24.0;

/// Colours from the Okabe–Ito palette, told apart with every common colour blindness; the
/// vectors also differ by line style and label.
const QUERY_COLOUR: &str = "#d55e00";
const KEY_COLOUR: &str = "#0072b2";
const VALUE_COLOUR: &str = "#009e73";
const OUTPUT_COLOUR: &str = "#7b3294";

/// The model's vectors as they were put on the plane, with where they came from.
#[derive(Clone, Debug, PartialEq)]
struct FromModel {
    projected: ModelPlane,
    /// The update they were taken at, which the note names (not the latest one).
    step: u64,
    target: InspectTarget,
    grid: usize,
}

/// A vector the learner can move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Handle {
    Query,
    Key(usize),
    Value(usize),
}

impl Handle {
    /// The `data-handle` name, also shown on the plane: q, k1, v1…
    fn id(self) -> String {
        match self {
            Handle::Query => "q".into(),
            Handle::Key(i) => format!("k{}", i + 1),
            Handle::Value(i) => format!("v{}", i + 1),
        }
    }

    fn label(self) -> String {
        match self {
            Handle::Query => "Q".into(),
            Handle::Key(i) => format!("K{}", i + 1),
            Handle::Value(i) => format!("V{}", i + 1),
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Handle::Query => QUERY_COLOUR,
            Handle::Key(_) => KEY_COLOUR,
            Handle::Value(_) => VALUE_COLOUR,
        }
    }

    /// The label's colour: the same hue, dark enough for text (WCAG AA, 4.5:1 on white).
    fn text_colour(self) -> &'static str {
        match self {
            Handle::Query => "#a84800",
            Handle::Key(_) => KEY_COLOUR,
            Handle::Value(_) => "#00704f",
        }
    }

    fn get(self, plane: &Plane) -> Option<Vec2> {
        match self {
            Handle::Query => Some(plane.query),
            Handle::Key(i) => plane.keys.get(i).map(|kv| kv.key),
            Handle::Value(i) => plane.keys.get(i).map(|kv| kv.value),
        }
    }

    fn set(self, plane: &mut Plane, to: Vec2) {
        match self {
            Handle::Query => plane.query = to,
            Handle::Key(i) => {
                if let Some(kv) = plane.keys.get_mut(i) {
                    kv.key = to;
                }
            }
            Handle::Value(i) => {
                if let Some(kv) = plane.keys.get_mut(i) {
                    kv.value = to;
                }
            }
        }
    }
}

/// A grid step of 1, 2, 2.5 or 5 × 10ⁿ giving about eight lines from the centre to an edge.
fn grid_step(extent: f64) -> f64 {
    let raw = (extent / 8.0).max(1e-6);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}

/// The half-width of the view that shows every vector with some room, on the grid.
fn fitted_extent(plane: &Plane) -> f64 {
    let needed = (plane.extent() * 1.15).max(2.0);
    let step = grid_step(needed);
    (needed / step).ceil() * step
}

fn to_svg(extent: f64, v: Vec2) -> (f64, f64) {
    (HALF + v[0] / extent * REACH, HALF - v[1] / extent * REACH)
}

fn number(lang: Lang, value: f64, digits: usize) -> String {
    decimal(lang, value, digits)
}

/// `[x, y]`; French writes `[x ; y]`, its decimal comma would make `[1,00, 0,00]` ambiguous.
fn vector(lang: Lang, v: Vec2) -> String {
    let separator = match lang {
        Lang::En => ", ",
        Lang::Fr => " ; ",
    };
    format!(
        "[{}{separator}{}]",
        number(lang, v[0], 2),
        number(lang, v[1], 2)
    )
}

fn percent(lang: Lang, share: f64) -> String {
    crate::format::percent(lang, share, 1)
}

/// An arrow from the origin to `to`, with its head.
fn arrow(extent: f64, to: Vec2, colour: &'static str, dashed: bool, width: f64) -> impl IntoView {
    let (x, y) = to_svg(extent, to);
    let (dx, dy) = (x - HALF, y - HALF);
    let length = (dx * dx + dy * dy).sqrt();
    let head = if length > 1.0 {
        let (ux, uy) = (dx / length, dy / length);
        let size = 10.0f64.min(length * 0.6);
        let base = (x - ux * size, y - uy * size);
        let side = (-uy * size * 0.45, ux * size * 0.45);
        format!(
            "{x:.1},{y:.1} {:.1},{:.1} {:.1},{:.1}",
            base.0 + side.0,
            base.1 + side.1,
            base.0 - side.0,
            base.1 - side.1
        )
    } else {
        String::new()
    };
    view! {
        <line x1=HALF y1=HALF x2=x y2=y stroke=colour stroke-width=width
            stroke-dasharray=if dashed { "6 4" } else { "none" } />
        <polygon points=head fill=colour />
    }
}

/// The grid, the axes and their numbers.
fn grid(extent: f64, lang: Lang) -> impl IntoView {
    let step = grid_step(extent);
    let count = (extent / step).round() as i64;
    let lines = (-count..=count)
        .map(|i| {
            let at = HALF + i as f64 * step / extent * REACH;
            let axis = i == 0;
            let stroke = if axis { "#8a929e" } else { "#e3e6ea" };
            let label = (i != 0 && i % 2 == 0).then(|| number(lang, i as f64 * step, 2));
            let label_x = label.clone().map(|text| {
                view! { <text x=at y=HALF + 14.0 class="tick" text-anchor="middle">{text}</text> }
            });
            let label_y = label.map(|text| {
                view! { <text x=HALF - 5.0 y=HALF - (at - HALF) + 4.0 class="tick" text-anchor="end">{text}</text> }
            });
            view! {
                <line x1=at y1=HALF - REACH x2=at y2=HALF + REACH stroke=stroke />
                <line x1=HALF - REACH y1=at x2=HALF + REACH y2=at stroke=stroke />
                {label_x}
                {label_y}
            }
        })
        .collect_view();
    view! { <g class="grid">{lines}</g> }
}

/// The arc of the angle between Q and one key, with θ.
fn angle_arc(query: Vec2, key: Vec2, degrees: f64, lang: Lang) -> impl IntoView {
    let radius = 34.0;
    let from = query[1].atan2(query[0]);
    let to = key[1].atan2(key[0]);
    let mut sweep = to - from;
    while sweep > std::f64::consts::PI {
        sweep -= std::f64::consts::TAU;
    }
    while sweep < -std::f64::consts::PI {
        sweep += std::f64::consts::TAU;
    }
    let point = |a: f64| (HALF + radius * a.cos(), HALF - radius * a.sin());
    let (x0, y0) = point(from);
    let (x1, y1) = point(from + sweep);
    // SVG's y runs down, so a counter-clockwise turn on the plane is a clockwise sweep.
    let sweep_flag = if sweep > 0.0 { 0 } else { 1 };
    let middle = point(from + sweep / 2.0);
    let label = (
        HALF + (middle.0 - HALF) * 1.6,
        HALF + (middle.1 - HALF) * 1.6,
    );
    view! {
        <path d=format!("M {x0:.1} {y0:.1} A {radius} {radius} 0 0 {sweep_flag} {x1:.1} {y1:.1}")
            fill="none" stroke="#5a6472" stroke-width="1.5" />
        <text x=label.0 y=label.1 + 4.0 class="angle" text-anchor="middle">
            {format!("θ = {}°", decimal(lang, degrees, 0))}
        </text>
    }
}
/// The playground's own state, shared by its parts: the plane, and how the learner is
/// handling it. `Copy`, like the page's signals.
#[derive(Clone, Copy)]
struct Playground {
    lang: RwSignal<Lang>,
    plane: RwSignal<Plane>,
    /// The preset last loaded, if the plane still comes from one.
    preset: RwSignal<Option<Preset>>,
    /// Units from the centre to the edge of the view.
    extent: RwSignal<f64>,
    selected: RwSignal<Handle>,
    dragging: RwSignal<Option<Handle>>,
    snap_to_grid: RwSignal<bool>,
    /// The model's vectors as they were put on the plane, and whether the learner moved
    /// them since.
    model: RwSignal<Option<FromModel>>,
    edited: RwSignal<bool>,
    query_token: RwSignal<usize>,
    readout: Memo<Readout>,
}

impl Playground {
    fn new(lang: RwSignal<Lang>) -> Self {
        let plane = RwSignal::new(Preset::TeachingText.plane());
        Self {
            lang,
            plane,
            preset: RwSignal::new(Some(Preset::TeachingText)),
            extent: RwSignal::new(fitted_extent(&plane.get_untracked())),
            selected: RwSignal::new(Handle::Query),
            dragging: RwSignal::new(None),
            snap_to_grid: RwSignal::new(true),
            model: RwSignal::new(None),
            edited: RwSignal::new(false),
            query_token: RwSignal::new(0),
            readout: Memo::new(move |_| plane.with(Plane::readout)),
        }
    }

    fn text(self) -> &'static PlaygroundText {
        self.lang.get().text().playground
    }

    fn load(self, p: Preset) {
        let new = p.plane();
        self.extent.set(fitted_extent(&new));
        self.plane.set(new);
        self.preset.set(Some(p));
        self.edited.set(false);
        self.model.set(None);
        self.selected.set(Handle::Query);
    }

    /// Changes the plane. The preset's text stays while the learner edits: the plane must not
    /// move under the pointer.
    fn edit(self, f: &dyn Fn(&mut Plane)) {
        self.plane.update(|p| f(p));
        self.edited.set(true);
    }

    /// Moves a vector, snapped to the grid when asked, kept inside the view.
    fn move_to(self, handle: Handle, to: Vec2) {
        let limit = self.extent.get_untracked();
        let step = grid_step(limit);
        let snap = self.snap_to_grid.get_untracked();
        let to = to.map(|c| {
            let c = if snap { qk::snap(c, step / 2.0) } else { c };
            c.clamp(-limit, limit)
        });
        self.edit(&|p| handle.set(p, to));
    }
}

#[component]
pub fn QkPlayground(state: PageState) -> impl IntoView {
    let pg = Playground::new(state.lang);
    let t = move || pg.text();
    view! {
        <p class="note">{move || t().intro}</p>
        <PresetBar pg />
        <div class="playground">
            <PlaneView pg />
            <div class="qk-side">
                <PlaneSettings pg />
                <Formulas pg />
                <FromTheModel pg state />
            </div>
            <KeyTable pg />
        </div>
    }
}

/// The presets, and what the chosen one shows (with the teaching text's slip, computed).
#[component]
fn PresetBar(pg: Playground) -> impl IntoView {
    let Playground {
        lang,
        preset,
        edited,
        ..
    } = pg;
    let t = move || pg.text();
    let load = move |p: Preset| pg.load(p);
    let preset_buttons = move || {
        let t = t();
        Preset::ALL
            .into_iter()
            .map(|p| {
                let name = match p {
                    Preset::TeachingText => t.preset_text,
                    Preset::Aligned => t.preset_aligned,
                    Preset::Perpendicular => t.preset_perpendicular,
                    Preset::Opposite => t.preset_opposite,
                    Preset::ManyKeys => t.preset_many,
                    Preset::SharpVsFlat => t.preset_temperature,
                };
                view! {
                    <button data-preset=p.key() class:chosen=move || preset.get() == Some(p) && !edited.get()
                        aria-pressed=move || (preset.get() == Some(p) && !edited.get()).to_string()
                        on:click=move |_| load(p)>{name}</button>
                }
            })
            .collect_view()
    };

    let about = move || {
        let t = t();
        let lang = lang.get();
        preset.get().map(|p| {
            let text = match p {
                Preset::TeachingText => t.about_text.to_string(),
                Preset::Aligned => t.about_aligned.to_string(),
                Preset::Perpendicular => t.about_perpendicular.to_string(),
                Preset::Opposite => {
                    // Quoted from the preset's own shares, so the sentence and the bars agree.
                    let keys = Preset::Opposite.plane().readout().keys;
                    (t.about_opposite)(&percent(lang, keys[0].share), &percent(lang, keys[1].share))
                }
                Preset::ManyKeys => t.about_many.to_string(),
                Preset::SharpVsFlat => t.about_temperature.to_string(),
            };
            // The slip is stated with shares computed here, not copied from anywhere.
            let slip = (p == Preset::TeachingText).then(|| {
                let base = Preset::TeachingText.plane();
                let list = |plane: &Plane| {
                    plane
                        .readout()
                        .keys
                        .iter()
                        .map(|k| percent(lang, k.share))
                        .collect::<Vec<_>>()
                        .join(" / ")
                };
                let scaled = Plane {
                    scale_dim: 2,
                    ..base.clone()
                };
                view! { <p class="slip" id="qk-slip">{(t.text_slip)(&list(&base), &list(&scaled))}</p> }
            });
            view! { <p class="note" id="qk-about">{text}</p> {slip} }
        })
    };

    view! {
        <div class="buttons presets" role="group" aria-label=move || t().preset>
            {preset_buttons}
        </div>
        {about}
    }
}

/// The plane: grid, arrows, the angle, and the handles the learner drags or moves by keyboard.
#[component]
fn PlaneView(pg: Playground) -> impl IntoView {
    let Playground {
        lang,
        plane,
        extent,
        selected,
        dragging,
        readout,
        ..
    } = pg;
    let t = move || pg.text();
    let move_to = move |handle: Handle, to: Vec2| pg.move_to(handle, to);

    // Pointer dragging: the SVG captures the pointer, so a fast drag never loses its vector.
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let pointer_to_plane = move |ev: &web_sys::PointerEvent| -> Option<Vec2> {
        let svg: web_sys::Element = svg_ref.get_untracked()?.unchecked_into();
        let rect = svg.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let x = (ev.client_x() as f64 - rect.left()) / rect.width() * SIZE;
        let y = (ev.client_y() as f64 - rect.top()) / rect.height() * SIZE;
        let e = extent.get_untracked();
        Some([(x - HALF) / REACH * e, (HALF - y) / REACH * e])
    };
    let on_pointer_move = move |ev: web_sys::PointerEvent| {
        if let Some(handle) = dragging.get_untracked() {
            ev.prevent_default();
            if let Some(at) = pointer_to_plane(&ev) {
                move_to(handle, at);
            }
        }
    };
    let on_pointer_up = move |_ev: web_sys::PointerEvent| dragging.set(None);
    let start_drag = move |handle: Handle, ev: web_sys::PointerEvent| {
        ev.prevent_default();
        selected.set(handle);
        dragging.set(Some(handle));
        if let Some(svg) = svg_ref.get_untracked() {
            let svg: web_sys::Element = svg.unchecked_into();
            let _ = svg.set_pointer_capture(ev.pointer_id());
        }
        // Focus follows the pointer, so the arrow keys move what was just grabbed.
        if let Some(target) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::SvgElement>().ok())
        {
            let _ = target.focus();
        }
    };
    let on_key = move |handle: Handle, ev: web_sys::KeyboardEvent| {
        let step = grid_step(extent.get_untracked()) * if ev.shift_key() { 4.0 } else { 1.0 };
        let delta = match ev.key().as_str() {
            "ArrowLeft" => [-step, 0.0],
            "ArrowRight" => [step, 0.0],
            "ArrowUp" => [0.0, step],
            "ArrowDown" => [0.0, -step],
            _ => return,
        };
        ev.prevent_default();
        selected.set(handle);
        if let Some(at) = plane.with_untracked(|p| handle.get(p)) {
            move_to(handle, [at[0] + delta[0], at[1] + delta[1]]);
        }
    };

    let handles = Memo::new(move |_| {
        let keys = plane.with(|p| p.keys.len());
        std::iter::once(Handle::Query)
            .chain((0..keys).map(Handle::Value))
            .chain((0..keys).map(Handle::Key))
            .collect::<Vec<_>>()
    });

    // Arrows and labels are redrawn whole on every move; the handles on top are kept, so the
    // one with keyboard focus keeps it.
    let drawing = move || {
        let lang = lang.get();
        let e = extent.get();
        let p = plane.get();
        let r = readout.get();
        let arc_key = match selected.get() {
            Handle::Key(i) | Handle::Value(i) => i,
            Handle::Query => r
                .keys
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.share.total_cmp(&b.1.share))
                .map_or(0, |(i, _)| i),
        };
        let arc = p
            .keys
            .get(arc_key)
            .zip(r.keys.get(arc_key))
            .and_then(|(kv, k)| {
                k.angle_degrees
                    .map(|deg| angle_arc(p.query, kv.key, deg, lang))
            });
        let values = p
            .keys
            .iter()
            .map(|kv| arrow(e, kv.value, VALUE_COLOUR, true, 2.0))
            .collect_view();
        let keys = p
            .keys
            .iter()
            .map(|kv| arrow(e, kv.key, KEY_COLOUR, false, 2.5))
            .collect_view();
        view! {
            {grid(e, lang)}
            {values}
            {keys}
            {arrow(e, r.output, OUTPUT_COLOUR, false, 4.0)}
            {arrow(e, p.query, QUERY_COLOUR, false, 3.5)}
            {arc}
        }
    };

    let handle_view = move |handle: Handle| {
        let at = move || {
            plane
                .with(|p| handle.get(p))
                .map(|v| to_svg(extent.get(), v))
                .unwrap_or((HALF, HALF))
        };
        let label = move || {
            let lang = lang.get();
            let v = plane.with(|p| handle.get(p)).unwrap_or([0.0, 0.0]);
            format!("{} {}", handle.label(), vector(lang, v))
        };
        view! {
            <g class="handle" tabindex="0" role="button" data-handle=handle.id()
                aria-label=label
                class:selected=move || selected.get() == handle
                transform=move || { let (x, y) = at(); format!("translate({x:.1} {y:.1})") }
                on:pointerdown=move |ev| start_drag(handle, ev)
                on:focus=move |_| selected.set(handle)
                on:keydown=move |ev| on_key(handle, ev)>
                <circle r="13" class="grab" />
                <circle r="6" fill=handle.colour() stroke="#fff" stroke-width="1.5" />
                // Q's label sits below, so it stays readable when Q lies on a key.
                <text x=if handle == Handle::Query { -10 } else { 9 } y=if handle == Handle::Query { 22 } else { -9 }
                    fill=handle.text_colour() class="handle-label">{handle.label()}</text>
            </g>
        }
    };

    let output_label = move || {
        let e = extent.get();
        let o = readout.with(|r| r.output);
        let (x, y) = to_svg(e, o);
        view! { <text x=x + 8.0 y=y + 16.0 fill=OUTPUT_COLOUR class="handle-label">"O"</text> }
    };

    view! {
        <div class="plane-column">
                <svg node_ref=svg_ref class="plane" viewBox=format!("0 0 {SIZE} {SIZE}") role="group"
                    aria-label=move || t().plane_label
                    on:pointermove=on_pointer_move on:pointerup=on_pointer_up on:pointercancel=on_pointer_up>
                    {drawing}
                    {output_label}
                    <For each=move || handles.get() key=|h| *h let:handle>
                        {handle_view(handle)}
                    </For>
                </svg>
                <p class="note">{move || t().keyboard_hint}</p>
            </div>
    }
}

/// The selected vector's typed coordinates, the temperature, d of ÷√d, and snapping.
#[component]
fn PlaneSettings(pg: Playground) -> impl IntoView {
    let Playground {
        lang,
        plane,
        extent,
        selected,
        snap_to_grid,
        ..
    } = pg;
    let t = move || pg.text();
    let edit = move |f: &dyn Fn(&mut Plane)| pg.edit(f);

    // The typed coordinates of the selected vector.
    let coordinate = move |axis: usize| {
        view! {
            <input type="number" step="0.05" class="coordinate" id=format!("qk-coordinate-{axis}")
                aria-label=move || format!("{} {}", selected.get().label(), if axis == 0 { "x" } else { "y" })
                prop:value=move || {
                    let v = plane.with(|p| selected.get().get(p)).unwrap_or([0.0, 0.0]);
                    // Shown as typed: a point, and no "−0.00".
                    let value = if v[axis].abs() < 0.005 { 0.0 } else { v[axis] };
                    format!("{value:.2}")
                }
                on:change=move |ev| {
                    let Ok(value) = event_target_value(&ev).trim().replace(',', ".").parse::<f64>() else {
                        return;
                    };
                    if !value.is_finite() {
                        return;
                    }
                    let handle = selected.get_untracked();
                    if let Some(mut at) = plane.with_untracked(|p| handle.get(p)) {
                        at[axis] = value;
                        // A typed value is kept exactly; the view grows to show it.
                        let limit = extent.get_untracked().max(value.abs() * 1.15);
                        extent.set(limit);
                        edit(&|p| handle.set(p, at));
                    }
                } />
        }
    };

    view! {
        <div class="qk-fields">
                    <label>
                        <span>{move || t().selected}{move || lang.get().text().colon}<strong id="qk-selected">{move || selected.get().label()}</strong></span>
                        <span class="coordinates">"x " {coordinate(0)} " y " {coordinate(1)}</span>
                    </label>
                    <label>
                        <span>{move || t().temperature}</span>
                        <span class="range">
                            <input type="range" id="qk-temperature" min="0.1" max="5" step="0.05"
                                prop:value=move || plane.with(|p| p.temperature.to_string())
                                on:input=move |ev| {
                                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                        edit(&|p| p.temperature = v.clamp(0.05, 10.0));
                                    }
                                } />
                            <output>{move || number(lang.get(), plane.with(|p| p.temperature), 2)}</output>
                        </span>
                    </label>
                    <label>
                        <span>{move || t().scale_dim}</span>
                        <input type="number" id="qk-scale" min="1" max="1024" step="1"
                            prop:value=move || plane.with(|p| p.scale_dim.to_string())
                            on:change=move |ev| {
                                if let Ok(d) = event_target_value(&ev).trim().parse::<usize>() {
                                    edit(&|p| p.scale_dim = d.clamp(1, 1024));
                                }
                            } />
                    </label>
                    <p class="note">{move || t().scale_note}</p>
                    <label class="check">
                        <input type="checkbox" id="qk-snap" prop:checked=move || snap_to_grid.get()
                            on:change=move |ev| snap_to_grid.set(event_target_checked(&ev)) />
                        {move || t().snap}
                    </label>
                </div>
    }
}

/// The formulas with the current numbers, for the selected key (or the first).
#[component]
fn Formulas(pg: Playground) -> impl IntoView {
    let Playground {
        lang,
        plane,
        selected,
        readout,
        ..
    } = pg;
    let t = move || pg.text();
    // The formula with the current numbers, for the selected key (or the first).
    let formulas = move || {
        let lang = lang.get();
        let t = t();
        let r = readout.get();
        let p = plane.get();
        let chosen = match selected.get() {
            Handle::Key(i) | Handle::Value(i) => i,
            Handle::Query => 0,
        }
        .min(r.keys.len().saturating_sub(1));
        let exps = r
            .keys
            .iter()
            .map(|k| format!("e^{}", number(lang, k.score, 2)))
            .collect::<Vec<_>>()
            .join(" + ");
        // The share is qk's softmax, the same number the table and the bars show.
        let chosen_share = r.keys.get(chosen).map_or(0.0, |k| k.share);
        let chosen_score = r.keys.get(chosen).map_or(0.0, |k| k.score);
        let chosen_dot = r.keys.get(chosen).map_or(0.0, |k| k.dot);
        let scaling = format!(
            "{} K{} = {} / (√{} × {}) = {}",
            t.score_line,
            chosen + 1,
            number(lang, chosen_dot, 3),
            p.scale_dim,
            number(lang, p.temperature, 2),
            number(lang, chosen_score, 3)
        );
        let softmax = format!(
            "{} K{} = e^{} / ({exps}) = {}",
            t.softmax_line,
            chosen + 1,
            number(lang, chosen_score, 2),
            percent(lang, chosen_share)
        );
        let mix = r
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{}·V{}", number(lang, k.share, 3), i + 1))
            .collect::<Vec<_>>()
            .join(" + ");
        let output = format!("{} O = {mix} = {}", t.output_line, vector(lang, r.output));
        let sum: f64 = r.keys.iter().map(|k| k.share).sum();
        view! {
            <p class="formula" id="qk-scaling">{scaling}</p>
            <p class="formula" id="qk-softmax">{softmax}</p>
            <p class="formula" id="qk-output" data-output=format!("{},{}", r.output[0], r.output[1])>{output}</p>
            <p class="formula" id="qk-sum" data-sum=sum.to_string()>{format!("{}{}{}", t.shares_sum, lang.text().colon, percent(lang, sum))}</p>
        }
    };
    formulas
}

/// The trained model's query and keys laid on the plane, and how they were laid.
#[component]
fn FromTheModel(pg: Playground, state: PageState) -> impl IntoView {
    let Playground {
        lang,
        plane,
        preset,
        extent,
        selected,
        model,
        edited,
        query_token,
        ..
    } = pg;
    let t = move || pg.text();

    let from_model = move |_| {
        let Some(view) = state.probe.get_untracked() else {
            return;
        };
        let token = query_token
            .get_untracked()
            .min(view.tokens.saturating_sub(1));
        if let Some(projected) = qk::project_head(
            &view.q,
            &view.k,
            &view.v,
            &view.scores,
            &view.attention,
            view.tokens,
            view.head_dim,
            token,
        ) {
            extent.set(fitted_extent(&projected.plane));
            plane.set(projected.plane.clone());
            model.set(Some(FromModel {
                projected,
                step: view.step,
                target: view.target,
                grid: view.grid,
            }));
            preset.set(None);
            edited.set(false);
            selected.set(Handle::Query);
        }
    };
    let model_note = move || {
        let t = t();
        let lang = lang.get();
        let FromModel {
            projected: m,
            step,
            target,
            ..
        } = model.get()?;
        Some({
            view! {
                <p class="note" id="qk-model-note">
                    {(t.model_note)(&ModelPlaneNote {
                        step,
                        block: target.block + 1,
                        head: target.head + 1,
                        width: m.plane.scale_dim,
                        tokens: m.tokens,
                        shown: m.key_tokens.len(),
                        kept: &decimal(lang, m.kept * 100.0, 0),
                        values_kept: &decimal(lang, m.values_kept * 100.0, 0),
                    })}
                </p>
                <Show when=move || edited.get()>
                    <p class="note">{move || t.model_edited}</p>
                </Show>
            }
        })
    };
    // Rebuilt when the head's shape changes, not at every update.
    let token_shape = Memo::new(move |_| {
        state
            .probe
            .with(|p| p.as_ref().map_or((1, 1), |p| (p.tokens, p.grid)))
    });
    let token_options = move || {
        let (tokens, grid) = token_shape.get();
        (0..tokens)
            .map(|i| {
                view! { <option value=i.to_string() selected=move || query_token.get_untracked() == i>{token_name(i, grid)}</option> }
            })
            .collect_view()
    };
    let no_probe = Memo::new(move |_| state.probe.with(Option::is_none));

    view! {
        <h3>{move || t().from_model}</h3>
                <div class="buttons">
                    <label class="inline">
                        {move || t().query_token}" "
                        <select id="qk-token" on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse() { query_token.set(i) }
                        }>{token_options}</select>
                    </label>
                    <button id="qk-from-model" disabled=move || no_probe.get()
                        on:click=from_model>{move || t().from_model_button}</button>
                </div>
                <Show when=move || no_probe.get()>
                    <p class="note">{move || t().from_model_wait}</p>
                </Show>
                {model_note}
    }
}

/// One row per key: its vector, dot product two ways, angle, score and share.
#[component]
fn KeyTable(pg: Playground) -> impl IntoView {
    let Playground {
        lang,
        plane,
        selected,
        model,
        readout,
        ..
    } = pg;
    let t = move || pg.text();
    let edit = move |f: &dyn Fn(&mut Plane)| pg.edit(f);

    let rows = move || {
        let lang = lang.get();
        let t = t();
        let p = plane.get();
        let r = readout.get();
        let reference = model.get();
        r.keys
            .iter()
            .zip(&p.keys)
            .enumerate()
            .map(|(i, (k, kv))| {
                let dot_terms = format!(
                    "{}×{} + {}×{} = {}",
                    number(lang, p.query[0], 2),
                    number(lang, kv.key[0], 2),
                    number(lang, p.query[1], 2),
                    number(lang, kv.key[1], 2),
                    number(lang, k.dot, 3)
                );
                let polar = match k.cos {
                    Some(cos) => format!(
                        "{} × {} × {}",
                        number(lang, k.query_norm, 2),
                        number(lang, k.key_norm, 2),
                        number(lang, cos, 3)
                    ),
                    None => "—".into(),
                };
                let angle = k
                    .angle_degrees
                    .map_or("—".into(), |deg| format!("{}°", decimal(lang, deg, 1)));
                let truth = reference.as_ref().map(|from| {
                    let m = &from.projected;
                    let token = m.key_tokens.get(i).copied().unwrap_or(0);
                    view! {
                        <td>{token_name(token, from.grid)}</td>
                        <td class="num">{m.true_scores.get(i).map(|s| number(lang, *s, 3))}</td>
                        <td class="num">{m.true_shares.get(i).map(|s| percent(lang, *s))}</td>
                    }
                });
                let true_share = reference
                    .as_ref()
                    .and_then(|from| from.projected.true_shares.get(i))
                    .map(f64::to_string);
                let width = format!("{:.2}%", k.share * 100.0);
                let handle = Handle::Key(i);
                view! {
                    <tr data-key-index=i data-share=k.share.to_string() data-score=k.score.to_string()
                        data-true-share=true_share
                        class:selected=move || matches!(selected.get(), Handle::Key(j) | Handle::Value(j) if j == i)>
                        <th scope="row">
                            <button class="link" on:click=move |_| selected.set(handle)>{handle.label()}</button>
                        </th>
                        <td class="num">{vector(lang, kv.key)}</td>
                        <td class="num">{dot_terms}</td>
                        <td class="num">{polar}</td>
                        <td class="num">{angle}</td>
                        <td class="num">{number(lang, k.score, 3)}</td>
                        <td class="share-cell">
                            <span class="share-bar" style=format!("width: {width}")></span>
                            <span class="share-text">{percent(lang, k.share)}</span>
                        </td>
                        {truth}
                        <td>
                            <button class="icon" aria-label=format!("{} {}", t.remove_key, handle.label())
                                title=t.remove_key
                                disabled=p.keys.len() <= MIN_KEYS
                                on:click=move |_| {
                                    edit(&|p| { p.remove_key(i); });
                                    selected.set(Handle::Query);
                                }>"×"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <div class="qk-keys">
                <div class="table-scroll">
                    <table class="qk-table" id="qk-table">
                        <thead>
                            <tr>
                                <th>{move || t().key}</th>
                                <th>"K"</th>
                                <th>"Q·K"</th>
                                <th>"‖Q‖·‖K‖·cos θ"</th>
                                <th>{move || t().angle}</th>
                                <th>{move || t().score}</th>
                                <th>{move || t().share}</th>
                                <Show when=move || model.with(Option::is_some)>
                                    <th>{move || t().token}</th>
                                    <th>{move || t().true_score}</th>
                                    <th>{move || t().true_share}</th>
                                </Show>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <button id="qk-add" disabled=move || plane.with(|p| p.keys.len() >= MAX_KEYS)
                    on:click=move |_| {
                        edit(&|p| { p.add_key(); });
                        let keys = plane.with_untracked(|p| p.keys.len());
                        selected.set(Handle::Key(keys - 1));
                    }>{move || t().add_key}</button>
            </div>
    }
}
