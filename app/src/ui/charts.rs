//! The loss and validation-accuracy charts: plotters on a canvas, drawn at the screen's
//! pixel density so they stay sharp on HiDPI screens and projectors.

use crate::ui::draw::measured::MeasuredCanvas;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::Shift;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::format::axis_label;
use crate::i18n::{decimal, Lang};
use crate::ui::draw::frame::draw_when_seen;
use crate::ui::draw::growing::{self, Drawn};
use crate::ui::draw::legend::{draw_legend, Corner, Entry};
use crate::ui::export::ExportPng;
use crate::ui::numbers::expose;
use crate::ui::state::PageState;

const LOSS_COLOUR: RGBColor = RGBColor(0, 114, 178);
const ACCURACY_COLOUR: RGBColor = RGBColor(213, 94, 0);
/// The validation images' loss: the accuracy chart's colour, as it is measured with it.
const VALIDATION_LOSS_COLOUR: RGBColor = ACCURACY_COLOUR;
const GRID: RGBColor = RGBColor(225, 225, 225);
/// The update axis spans at least this many updates, so its ticks are whole numbers.
const MIN_UPDATES: f64 = 10.0;

/// The canvas's CSS size in pixels and the screen's pixel ratio, measured when it is mounted
/// and when the window is resized, never while drawing: reading a size forces the browser to
/// lay the page out, and doing it at every update cost a second with the faces on the page.
fn screen_size(canvas: NodeRef<Canvas>) -> ReadSignal<Option<(f64, f64, f64)>> {
    let (size, set_size) = signal(None);
    let measure = move || {
        if let Some(element) = canvas.get_untracked() {
            let ratio = web_sys::window()
                .map_or(1.0, |w| w.device_pixel_ratio())
                .max(1.0);
            let width = element.client_width().max(200) as f64;
            let height = element.client_height().max(150) as f64;
            if size.get_untracked() != Some((width, height, ratio)) {
                set_size.set(Some((width, height, ratio)));
            }
        }
    };
    Effect::new(move |_| {
        if canvas.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let handle = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || handle.remove());
    size
}

/// Sizes the canvas's backing store to its CSS size × devicePixelRatio; returns the ratio.
fn fit_to_screen(canvas: &HtmlCanvasElement, (width, height, ratio): (f64, f64, f64)) -> f64 {
    let (width, height) = (
        (width * ratio).round() as u32,
        (height * ratio).round() as u32,
    );
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    ratio
}

/// How a chart is drawn after an update.
#[derive(Clone, Copy, PartialEq)]
enum Redraw {
    /// Anew, from all its points: only the latest drawing matters.
    Whole,
    /// Grown on what the canvas shows (the loss and accuracy charts): every drawing counts.
    Grown,
}

/// Draws a plotters chart on `element` in the next animation frame, at the screen's pixel
/// density (`size` from [`screen_size`]); `draw` gets the drawing area and the pixel ratio.
/// A chart that fails to draw is logged, never shown half-drawn as an error to the learner.
/// A chart drawn whole each time waits until it can be seen ([`Redraw::Whole`]).
fn draw_chart_next_frame(
    view: &'static str,
    element: HtmlCanvasElement,
    size: (f64, f64, f64),
    redraw: Redraw,
    draw: impl FnOnce(&DrawingArea<MeasuredCanvas, Shift>, f64) -> Result<(), Box<dyn std::error::Error>>
        + 'static,
) {
    let on = web_sys::Element::from(element.clone());
    let on = (redraw == Redraw::Whole).then_some(&on);
    draw_when_seen(view, on, move || {
        let ratio = fit_to_screen(&element, size);
        let Some(backend) = MeasuredCanvas::new(element) else {
            return;
        };
        if let Err(error) = draw(&backend.into_drawing_area(), ratio) {
            web_sys::console::warn_1(&format!("{view} chart: {error}").into());
        }
    });
}

struct Axes<'a> {
    lang: Lang,
    x: &'a str,
    y: &'a str,
    ratio: f64,
}

fn style(ratio: f64, size: f64) -> TextStyle<'static> {
    ("sans-serif", size * ratio)
        .into_font()
        .color(&RGBColor(40, 40, 40))
}

/// Validations shown as dots while they can be told apart; past that, their line alone (a
/// long run's thousand dots would only blur the line, and cost a redraw that keeps growing).
const MAX_DOTS: usize = 120;

fn dots(points: &[(f64, f64)]) -> &[(f64, f64)] {
    if points.len() <= MAX_DOTS {
        points
    } else {
        &[]
    }
}

/// The grid, the ticks and the axis names every chart of the page shares.
fn draw_axes<X, Y>(
    chart: &mut ChartContext<'_, MeasuredCanvas, Cartesian2d<X, Y>>,
    axes: &Axes,
) -> Result<(), Box<dyn std::error::Error>>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let r = axes.ratio;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .max_light_lines(1)
        .x_label_formatter(&|x| axis_label(axes.lang, *x))
        .y_label_formatter(&|y| axis_label(axes.lang, *y))
        .x_desc(axes.x)
        .y_desc(axes.y)
        .label_style(style(r, 12.0))
        .axis_desc_style(style(r, 13.0))
        .draw()?;
    Ok(())
}

/// The two loss curves and their legend's words.
struct LossSeries<'a> {
    /// (update, loss on that update's batch).
    batch: &'a [(u64, f32)],
    /// (update, loss on the validation images after it).
    validation: &'a [(u64, f32)],
    batch_label: &'a str,
    validation_label: &'a str,
}

fn finite_points(points: &[(u64, f32)]) -> Vec<(f64, f64)> {
    points
        .iter()
        .filter(|(_, l)| l.is_finite())
        .map(|&(s, l)| (s as f64, l as f64))
        .collect()
}

/// Everything that places a point on a loss or accuracy chart's canvas: while it stays the
/// same, an update adds its points to what is drawn ([`growing`]).
#[derive(Clone, Debug, PartialEq)]
struct Frame {
    size: (f64, f64, f64),
    lang: Lang,
    /// The update axis runs from 0 to this.
    x: f64,
    /// The value axis's range.
    y: (f64, f64),
    log_scale: bool,
    /// Whether validations are drawn as dots (see [`MAX_DOTS`]).
    dots: bool,
    /// A level drawn with the axes: the accuracy of guessing at random (0 on the loss chart).
    chance: f64,
}

/// What a loss or accuracy chart's canvas shows: its frame and, per series, what is drawn.
#[derive(Clone, Debug, Default)]
struct Shown {
    frame: Option<Frame>,
    series: [Drawn; 2],
}

impl Shown {
    /// Where each series' new points start, if `frame` is the one drawn and every series only
    /// grew; `None` when the chart must be drawn whole.
    fn new_from(&self, frame: &Frame, series: [&[(u64, f32)]; 2]) -> Option<[usize; 2]> {
        if self.frame.as_ref() != Some(frame) {
            return None;
        }
        Some([
            self.series[0].new_from(series[0])?,
            self.series[1].new_from(series[1])?,
        ])
    }

    fn drew(&mut self, frame: Frame, series: [&[(u64, f32)]; 2]) {
        self.frame = Some(frame);
        self.series = [Drawn::of(series[0]), Drawn::of(series[1])];
    }
}

/// The update axis's end for points up to `last_step`, moved in steps ([`growing::ceiling`]).
fn update_axis_end(last_step: f64) -> f64 {
    growing::ceiling(last_step.max(MIN_UPDATES) * 1.02 + 0.5)
}

/// The loss chart's frame: both curves within its ranges.
fn loss_frame(losses: &LossSeries, log_scale: bool, size: (f64, f64, f64), lang: Lang) -> Frame {
    let finite = finite_points(losses.batch);
    let validation = finite_points(losses.validation);
    let both = || finite.iter().chain(&validation);
    let last_step = both().map(|p| p.0).fold(0.0, f64::max);
    // Before the first point, a range of 0 to 1 (not 0 to 0.001, whose labels crowd the axis).
    let max = if finite.is_empty() && validation.is_empty() {
        1.0
    } else {
        both().map(|p| p.1).fold(0.0, f64::max).max(1e-3)
    };
    let y = if log_scale {
        let min = both()
            .map(|p| p.1)
            .filter(|l| *l > 0.0)
            .fold(f64::INFINITY, f64::min)
            .min(max)
            .max(1e-6);
        (growing::floor(min * 0.8), growing::ceiling(max * 1.25))
    } else {
        (0.0, growing::ceiling(max * 1.08))
    };
    Frame {
        size,
        lang,
        x: update_axis_end(last_step),
        y,
        log_scale,
        dots: validation.len() <= MAX_DOTS,
        chance: 0.0,
    }
}

/// Draws the loss chart whole (`from` is `None`), or only its series' points from `from`.
fn draw_loss(
    root: &DrawingArea<MeasuredCanvas, Shift>,
    losses: LossSeries,
    frame: &Frame,
    from: Option<[usize; 2]>,
    axes: Axes,
) -> Result<(), Box<dyn std::error::Error>> {
    let r = axes.ratio;
    let [batch_from, validation_from] = from.unwrap_or([0, 0]);
    // Each line goes on from the last point drawn.
    let after = |points: &[(u64, f32)], new: usize| {
        finite_points(&points[new.saturating_sub(1).min(points.len())..])
    };
    let finite = after(losses.batch, batch_from);
    let validation = after(losses.validation, validation_from);
    // Dots go on top of the lines: the new ones, and those the new lines may have crossed.
    let crossed = finite.first().map_or(f64::INFINITY, |p| p.0);
    let new_dots: Vec<(f64, f64)> = losses
        .validation
        .iter()
        .enumerate()
        .filter(|&(i, p)| from.is_none() || i >= validation_from || p.0 as f64 >= crossed)
        .filter(|(_, p)| p.1.is_finite())
        .map(|(_, &(s, l))| (s as f64, l as f64))
        .collect();
    if from.is_none() {
        root.fill(&WHITE)?;
    }
    let mut builder = ChartBuilder::on(root);
    builder
        .margin((12.0 * r) as i32)
        .x_label_area_size((34.0 * r) as i32)
        .y_label_area_size((54.0 * r) as i32);
    let line = LOSS_COLOUR.stroke_width((2.0 * r) as u32);
    let held_out = VALIDATION_LOSS_COLOUR.stroke_width((2.0 * r) as u32);
    let dot = (3.5 * r) as u32;
    let legend = [
        Entry {
            label: losses.batch_label,
            colour: LOSS_COLOUR,
            width: 2.0,
        },
        Entry {
            label: losses.validation_label,
            colour: VALIDATION_LOSS_COLOUR,
            width: 2.0,
        },
    ];
    let x_range = 0.0..frame.x;
    macro_rules! finish {
        ($chart:expr) => {{
            let mut chart = $chart;
            if from.is_none() {
                draw_axes(&mut chart, &axes)?;
            }
            chart.draw_series(LineSeries::new(finite.iter().copied(), line))?;
            chart.draw_series(LineSeries::new(validation.iter().copied(), held_out))?;
            if frame.dots {
                chart.draw_series(
                    new_dots
                        .iter()
                        .map(|&p| Circle::new(p, dot, VALIDATION_LOSS_COLOUR.filled())),
                )?;
            }
            // On top of the lines, so drawn again after new points.
            if !losses.validation.is_empty() {
                draw_legend(
                    &chart.plotting_area().strip_coord_spec(),
                    &legend,
                    style(r, 12.0),
                    Corner::UpperRight,
                    r,
                )?;
            }
        }};
    }
    if frame.log_scale {
        finish!(builder.build_cartesian_2d(x_range, (frame.y.0..frame.y.1).log_scale())?);
    } else {
        finish!(builder.build_cartesian_2d(x_range, frame.y.0..frame.y.1)?);
    }
    root.present()?;
    Ok(())
}

/// The accuracy chart's frame, with `chance`, the accuracy of guessing at random.
fn accuracy_frame(points: &[(u64, f32)], chance: f64, size: (f64, f64, f64), lang: Lang) -> Frame {
    Frame {
        chance,
        size,
        lang,
        x: update_axis_end(points.last().map_or(0.0, |p| p.0 as f64)),
        y: (0.0, 100.0),
        log_scale: false,
        dots: points.len() <= MAX_DOTS,
    }
}

/// Draws the accuracy chart whole (`from` is `None`), or only its points from `from`.
fn draw_accuracy(
    root: &DrawingArea<MeasuredCanvas, Shift>,
    points: &[(u64, f32)],
    frame: &Frame,
    from: Option<usize>,
    (validation_label, chance_label): (&str, &str),
    axes: Axes,
) -> Result<(), Box<dyn std::error::Error>> {
    let r = axes.ratio;
    let chance = frame.chance;
    if from.is_none() {
        root.fill(&WHITE)?;
    }
    let mut chart = ChartBuilder::on(root)
        .margin((12.0 * r) as i32)
        .x_label_area_size((34.0 * r) as i32)
        .y_label_area_size((54.0 * r) as i32)
        .build_cartesian_2d(0.0..frame.x, frame.y.0..frame.y.1)?;
    let new = from.unwrap_or(0).min(points.len());
    let percent = |points: &[(u64, f32)]| -> Vec<(f64, f64)> {
        points
            .iter()
            .map(|&(s, a)| (s as f64, a as f64 * 100.0))
            .collect()
    };
    // The line goes on from the last point drawn; the dots go on top of it, the one it
    // starts from drawn again.
    let line = percent(&points[new.saturating_sub(1)..]);
    let new_dots = line.clone();
    if from.is_none() {
        draw_axes(&mut chart, &axes)?;
        let chance_line = [(0.0, chance * 100.0), (frame.x, chance * 100.0)];
        chart.draw_series(LineSeries::new(
            chance_line,
            RGBColor(120, 120, 120).stroke_width(r as u32),
        ))?;
    }
    let stroke = ACCURACY_COLOUR.stroke_width((2.0 * r) as u32);
    chart.draw_series(LineSeries::new(line, stroke))?;
    if frame.dots {
        chart.draw_series(
            new_dots
                .iter()
                .map(|&p| Circle::new(p, (3.5 * r) as u32, ACCURACY_COLOUR.filled())),
        )?;
    }
    draw_legend(
        &chart.plotting_area().strip_coord_spec(),
        &[
            Entry {
                label: validation_label,
                colour: ACCURACY_COLOUR,
                width: 2.0,
            },
            Entry {
                label: chance_label,
                colour: RGBColor(120, 120, 120),
                width: 1.0,
            },
        ],
        style(r, 12.0),
        Corner::UpperLeft,
        r,
    )?;
    root.present()?;
    Ok(())
}

/// The points a chart holds, as JSON, for tests and the console (see [`expose`]).
fn points_json(points: &[(u64, f32)]) -> String {
    let parts: Vec<String> = points
        .iter()
        .map(|(s, v)| {
            if v.is_finite() {
                format!("[{s},{v}]")
            } else {
                format!("[{s},null]")
            }
        })
        .collect();
    format!("[{}]", parts.join(","))
}

#[component]
pub fn LossChart(state: PageState) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let size = screen_size(canvas);
    let shown = StoredValue::new_local(Shown::default());
    Effect::new(move |_| {
        let Some(size) = size.get() else { return };
        let Some(element) = canvas.get() else { return };
        let lang = state.lang.get();
        let t = lang.text();
        let points = state.losses.get();
        let validation = state.validation_losses.get();
        let log_scale = state.log_scale.get();
        draw_chart_next_frame("loss", element, size, Redraw::Grown, move |root, ratio| {
            let axes = Axes {
                lang,
                x: t.update_axis,
                y: t.loss_axis,
                ratio,
            };
            let losses = LossSeries {
                batch: &points,
                validation: &validation,
                batch_label: t.loss_batch_legend,
                validation_label: t.validation_legend,
            };
            let frame = loss_frame(&losses, log_scale, size, lang);
            let series = [&points[..], &validation[..]];
            let from = shown.with_value(|shown| shown.new_from(&frame, series));
            // Marked as not drawn until it is: a chart that failed halfway is drawn whole next.
            shown.set_value(Shown::default());
            draw_loss(root, losses, &frame, from, axes)?;
            shown.update_value(|shown| shown.drew(frame, series));
            Ok(())
        });
    });
    expose(canvas, "vitpPoints", move || {
        Some(state.losses.with_untracked(|p| points_json(p)))
    });
    expose(canvas, "vitpValidation", move || {
        Some(state.validation_losses.with_untracked(|p| points_json(p)))
    });
    let latest = move || {
        let lang = state.lang.get();
        let t = lang.text();
        state.losses.with(|p| match p.last() {
            Some((_, loss)) => (t.latest_loss)(&decimal(lang, *loss as f64, 4)),
            None => t.no_points_yet.to_string(),
        })
    };
    view! {
        <canvas
            node_ref=canvas
            class="chart"
            id="loss-chart"
            role="img"
            aria-label=move || state.lang.get().text().loss_chart
        ></canvas>
        <p class="chart-caption" id="loss-latest">{latest}</p>
        <ExportPng canvas=canvas name="loss" state />
    }
}

#[component]
pub fn AccuracyChart(state: PageState) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let size = screen_size(canvas);
    let shown = StoredValue::new_local(Shown::default());
    Effect::new(move |_| {
        let Some(size) = size.get() else { return };
        let Some(element) = canvas.get() else { return };
        let lang = state.lang.get();
        let t = lang.text();
        let classes = state
            .dataset
            .with(|d| d.as_ref().map_or(1, |d| d.summary.people.len().max(1)));
        let points = state.accuracy.get();
        draw_chart_next_frame(
            "accuracy",
            element,
            size,
            Redraw::Grown,
            move |root, ratio| {
                let axes = Axes {
                    lang,
                    x: t.update_axis,
                    y: t.accuracy_axis,
                    ratio,
                };
                let frame = accuracy_frame(&points, 1.0 / classes as f64, size, lang);
                let series = [&points[..], &[][..]];
                let from = shown.with_value(|shown| shown.new_from(&frame, series));
                shown.set_value(Shown::default());
                let labels = (t.validation_legend, t.chance);
                draw_accuracy(root, &points, &frame, from.map(|f| f[0]), labels, axes)?;
                shown.update_value(|shown| shown.drew(frame, series));
                Ok(())
            },
        );
    });
    expose(canvas, "vitpPoints", move || {
        Some(state.accuracy.with_untracked(|p| points_json(p)))
    });
    let latest = move || {
        let lang = state.lang.get();
        let t = lang.text();
        state.accuracy.with(|p| match p.last() {
            Some((step, accuracy)) => {
                (t.latest_accuracy)(&decimal(lang, *accuracy as f64 * 100.0, 1), *step)
            }
            None => String::new(),
        })
    };
    view! {
        <canvas
            node_ref=canvas
            class="chart"
            id="accuracy-chart"
            role="img"
            aria-label=move || state.lang.get().text().accuracy_chart
        ></canvas>
        <p class="chart-caption" id="accuracy-latest">{latest}</p>
        <ExportPng canvas=canvas name="validation-accuracy" state />
    }
}

/// Okabe–Ito colours for compared runs, in the order they are ticked.
pub const RUN_COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// One kept run on the comparison charts.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparedRun {
    /// What tells it apart from the others.
    pub label: String,
    pub colour: RGBColor,
    pub losses: Vec<(u64, f32)>,
    pub validation_losses: Vec<(u64, f32)>,
    pub accuracy: Vec<(u64, f32)>,
}

/// What a comparison chart plots.
#[derive(Clone, Copy, PartialEq)]
pub enum Compared {
    /// Batch loss (thin line) and validation loss (thick line with dots).
    Loss,
    /// Validation accuracy, in percent.
    Accuracy,
}

fn draw_compared(
    root: &DrawingArea<MeasuredCanvas, Shift>,
    runs: &[ComparedRun],
    what: Compared,
    axes: Axes,
) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let r = axes.ratio;
    // Per run: (thin line, thick line with dots).
    type Points = Vec<(f64, f64)>;
    let series: Vec<(Points, Points)> = runs
        .iter()
        .map(|run| match what {
            Compared::Loss => (
                finite_points(&run.losses),
                finite_points(&run.validation_losses),
            ),
            Compared::Accuracy => (
                Vec::new(),
                run.accuracy
                    .iter()
                    .map(|&(s, a)| (s as f64, a as f64 * 100.0))
                    .collect(),
            ),
        })
        .collect();
    let all = || series.iter().flat_map(|(a, b)| a.iter().chain(b));
    let last_step = all().map(|p| p.0).fold(MIN_UPDATES, f64::max);
    let top = match what {
        Compared::Loss => all().map(|p| p.1).fold(1e-3, f64::max) * 1.08,
        Compared::Accuracy => 100.0,
    };
    let mut chart = ChartBuilder::on(root)
        .margin((12.0 * r) as i32)
        .x_label_area_size((34.0 * r) as i32)
        .y_label_area_size((54.0 * r) as i32)
        .build_cartesian_2d(0.0..last_step * 1.02 + 0.5, 0.0..top)?;
    draw_axes(&mut chart, &axes)?;
    for (run, (batch, held_out)) in runs.iter().zip(&series) {
        let faint = run.colour.mix(0.45).stroke_width(r.max(1.0) as u32);
        chart.draw_series(LineSeries::new(batch.iter().copied(), faint))?;
        let bold = run.colour.stroke_width((2.5 * r) as u32);
        chart.draw_series(LineSeries::new(held_out.iter().copied(), bold))?;
        chart.draw_series(
            dots(held_out)
                .iter()
                .map(|&p| Circle::new(p, (3.0 * r) as u32, run.colour.filled())),
        )?;
    }
    // The legend is the page's, under the charts: run labels can be long.
    root.present()?;
    Ok(())
}

/// Kept runs' curves on one chart: loss (batch and validation) or validation accuracy.
#[component]
pub fn ComparedChart(
    state: PageState,
    runs: Signal<Vec<ComparedRun>>,
    what: Compared,
    id: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let size = screen_size(canvas);
    Effect::new(move |_| {
        let Some(size) = size.get() else { return };
        let Some(element) = canvas.get() else { return };
        let lang = state.lang.get();
        let t = lang.text();
        let runs = runs.get();
        draw_chart_next_frame(id, element, size, Redraw::Whole, move |root, ratio| {
            let axes = Axes {
                lang,
                x: t.update_axis,
                y: match what {
                    Compared::Loss => t.loss_axis,
                    Compared::Accuracy => t.accuracy_axis,
                },
                ratio,
            };
            draw_compared(root, &runs, what, axes)
        });
    });
    let label = move || {
        let t = state.lang.get().text();
        match what {
            Compared::Loss => t.loss_chart,
            Compared::Accuracy => t.accuracy_chart,
        }
    };
    view! {
        <canvas node_ref=canvas class="chart" id=id role="img" aria-label=label
            data-runs=move || runs.with(|r| r.len().to_string())
            data-labels=move || runs.with(|r| serde_json::to_string(&r.iter().map(|r| &r.label).collect::<Vec<_>>()).unwrap_or_default())></canvas>
        <ExportPng canvas=canvas name=id state />
    }
}

/// Okabe–Ito colours, told apart with any colour vision: Wq, Wk, Wv.
const MATRIX_COLOURS: [RGBColor; 3] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
];
const MATRIX_NAMES: [&str; 3] = ["Wq", "Wk", "Wv"];

fn draw_gradients(
    root: &DrawingArea<MeasuredCanvas, Shift>,
    series: &[Vec<(f64, f64)>; 3],
    axes: Axes,
) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let r = axes.ratio;
    let all = series.iter().flatten();
    let last_step = all.clone().map(|p| p.0).fold(MIN_UPDATES, f64::max);
    let max = all.clone().map(|p| p.1).fold(1e-6, f64::max);
    let min = all
        .map(|p| p.1)
        .filter(|v| *v > 0.0)
        .fold(max, f64::min)
        .max(1e-9);
    let mut chart = ChartBuilder::on(root)
        .margin((12.0 * r) as i32)
        .x_label_area_size((34.0 * r) as i32)
        .y_label_area_size((62.0 * r) as i32)
        .build_cartesian_2d(
            0.0..last_step * 1.02 + 0.5,
            (min * 0.8..max * 1.25).log_scale(),
        )?;
    draw_axes(&mut chart, &axes)?;
    for (i, points) in series.iter().enumerate() {
        let colour = MATRIX_COLOURS[i];
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            colour.stroke_width((2.0 * r) as u32),
        ))?;
    }
    let entries: Vec<Entry> = (0..MATRIX_NAMES.len())
        .map(|i| Entry {
            label: MATRIX_NAMES[i],
            colour: MATRIX_COLOURS[i],
            width: 2.0,
        })
        .collect();
    draw_legend(
        &chart.plotting_area().strip_coord_spec(),
        &entries,
        style(r, 12.0),
        Corner::UpperRight,
        r,
    )?;
    root.present()?;
    Ok(())
}

/// The gradient norms of Wq, Wk and Wv: the chosen block over updates, every block now.
#[component]
pub fn GradientChart(state: PageState) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let size = screen_size(canvas);
    let block = move || state.inspect.with(|i| i.block);
    let series = move || {
        let block = block();
        state.gradients.with(|points| {
            let mut out: [Vec<(f64, f64)>; 3] = Default::default();
            for (step, blocks) in points {
                if let Some(norms) = blocks.get(block) {
                    for (i, v) in [norms.wq, norms.wk, norms.wv].into_iter().enumerate() {
                        if v.is_finite() && v > 0.0 {
                            out[i].push((*step as f64, v as f64));
                        }
                    }
                }
            }
            out
        })
    };
    Effect::new(move |_| {
        let Some(size) = size.get() else { return };
        let Some(element) = canvas.get() else { return };
        let lang = state.lang.get();
        let t = lang.text();
        let data = series();
        draw_chart_next_frame(
            "gradients",
            element,
            size,
            Redraw::Whole,
            move |root, ratio| {
                let axes = Axes {
                    lang,
                    x: t.update_axis,
                    y: t.gradient_axis,
                    ratio,
                };
                draw_gradients(root, &data, axes)
            },
        );
    });
    let bars = move || {
        let lang = state.lang.get();
        let t = lang.text();
        state.gradients.with(|points| {
            let (step, blocks) = points.last()?;
            let top = blocks
                .iter()
                .flat_map(|b| [b.wq, b.wk, b.wv])
                .filter(|v| v.is_finite())
                .fold(1e-12_f32, f32::max);
            let rows = blocks
                .iter()
                .enumerate()
                .map(|(b, norms)| {
                    let cells = [norms.wq, norms.wk, norms.wv]
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let RGBColor(r, g, bl) = MATRIX_COLOURS[i];
                            let width = format!("width:{:.1}%;background:rgb({r},{g},{bl})", (v / top * 100.0).clamp(0.0, 100.0));
                            view! {
                                <div class="bar-row">
                                    <span class="bar-name">{MATRIX_NAMES[i]}</span>
                                    <span class="bar-track"><span class="bar-fill" style=width></span></span>
                                    <span class="bar-value">{decimal(lang, v as f64, 4)}</span>
                                </div>
                            }
                        })
                        .collect_view();
                    view! { <div class="bar-block"><div class="bar-title">{(t.gradient_block)(b + 1)}</div>{cells}</div> }
                })
                .collect_view();
            Some(view! {
                <p class="note">{(t.gradient_now)(*step)}</p>
                <div class="bars" id="gradient-bars">{rows}</div>
            })
        })
    };
    view! {
        <canvas node_ref=canvas class="chart" id="gradient-chart" role="img"
            aria-label=move || state.lang.get().text().gradients
            data-points=move || state.gradients.with(|p| p.len().to_string())></canvas>
        <ExportPng canvas=canvas name="gradient-norms" state />
        {bars}
    }
}
