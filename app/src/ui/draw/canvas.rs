//! Drawing numbers on a canvas: matrices as coloured cells, a face with the attention of one
//! token spread over its patches. Every view of the page draws through these.

use std::cell::RefCell;
use std::collections::hash_map::{Entry, HashMap};

use vocab::protocol::HeadView;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::ui::draw::colour::sequential;

/// Side of each square view on screen, in CSS pixels (drawn at the screen's pixel density).
pub const VIEW_PX: f64 = 300.0;

/// A canvas's 2-D drawing context.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

thread_local! {
    /// Canvases never shown, one per matrix shape, one pixel per cell: matrices are coloured
    /// there as one image and scaled onto the views, instead of one `fillRect` (and one colour
    /// string) per cell. One per shape, because resizing a canvas throws its pixels and its
    /// backing store away: with one shared by the views, every view resized it at every
    /// update.
    static SCRATCH: RefCell<HashMap<(usize, usize), Scratch>> = RefCell::new(HashMap::new());
}

/// A scratch canvas and its context.
struct Scratch {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
}

impl Scratch {
    fn new((rows, cols): (usize, usize)) -> Option<Self> {
        let canvas: HtmlCanvasElement = leptos::prelude::document()
            .create_element("canvas")
            .ok()?
            .dyn_into()
            .ok()?;
        canvas.set_width(cols as u32);
        canvas.set_height(rows as u32);
        let context = context_2d(&canvas)?;
        Some(Self { canvas, context })
    }
}

/// Paints a `rows × cols` matrix as cells filling the rectangle at (x, y), `width × height`
/// in the context's units, each cell a flat colour.
pub fn paint_cells(
    context: &CanvasRenderingContext2d,
    (rows, cols): (usize, usize),
    (x, y, width, height): (f64, f64, f64, f64),
    colour: impl Fn(usize) -> [u8; 3],
) {
    if rows == 0 || cols == 0 {
        return;
    }
    let mut rgba = Vec::with_capacity(rows * cols * 4);
    for i in 0..rows * cols {
        let [r, g, b] = colour(i);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let scratch = match scratch.entry((rows, cols)) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => match Scratch::new((rows, cols)) {
                Some(made) => entry.insert(made),
                None => return,
            },
        };
        let Some(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            wasm_bindgen::Clamped(&rgba),
            cols as u32,
            rows as u32,
        )
        .ok() else {
            return;
        };
        let _ = scratch.context.put_image_data(&image, 0.0, 0.0);
        // Sharp cell edges, as the cells are.
        context.set_image_smoothing_enabled(false);
        let _ = context.draw_image_with_html_canvas_element_and_dw_and_dh(
            &scratch.canvas,
            x,
            y,
            width,
            height,
        );
    });
}

/// A grey picture, one byte a pixel, as the canvas's own pixels (the page scales it).
pub fn put_grey(
    canvas: &HtmlCanvasElement,
    context: &CanvasRenderingContext2d,
    grey: &[u8],
    size: usize,
) {
    if size == 0 || grey.len() != size * size {
        return;
    }
    if canvas.width() != size as u32 || canvas.height() != size as u32 {
        canvas.set_width(size as u32);
        canvas.set_height(size as u32);
    }
    let rgba: Vec<u8> = grey.iter().flat_map(|&g| [g, g, g, 255]).collect();
    if let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&rgba),
        size as u32,
        size as u32,
    ) {
        let _ = context.put_image_data(&image, 0.0, 0.0);
    }
}

/// The context of a canvas whose pixels are put, never drawn ([`put_grey`]): kept in memory
/// (`willReadFrequently`) instead of on the graphics card, so that putting them is a copy,
/// not an upload per canvas (half the time for the batch's 32 faces in headless Chromium).
/// It must be the canvas's first context: the browser keeps the options of the first.
pub fn pixel_context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"willReadFrequently".into(), &true.into()).ok()?;
    canvas
        .get_context_with_context_options("2d", &options)
        .ok()??
        .dyn_into()
        .ok()
}

/// The square view's context, its canvas sized to the screen's pixel density.
fn square_context(canvas: &HtmlCanvasElement) -> Option<(CanvasRenderingContext2d, f64)> {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let side = (VIEW_PX * ratio).round() as u32;
    if canvas.width() != side || canvas.height() != side {
        canvas.set_width(side);
        canvas.set_height(side);
    }
    let context = context_2d(canvas)?;
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    Some((context, ratio))
}

/// A `rows × cols` matrix as coloured cells filling a `width × height` (CSS px) canvas.
pub fn draw_cells(
    canvas: &HtmlCanvasElement,
    values: &[f32],
    (rows, cols): (usize, usize),
    (width, height): (f64, f64),
    colour: impl Fn(f32) -> [u8; 3],
) {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (w, h) = (
        (width * ratio).round() as u32,
        (height * ratio).round() as u32,
    );
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let Some(context) = context_2d(canvas) else {
        return;
    };
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    paint_cells(&context, (rows, cols), (0.0, 0.0, width, height), |i| {
        colour(values[i])
    });
}

/// A square `n × n` matrix (scores or shares), CLS's row and column set apart, the hovered
/// row and cell outlined.
pub fn draw_matrix(
    canvas: &HtmlCanvasElement,
    values: &[f32],
    n: usize,
    colour: impl Fn(f32) -> [u8; 3],
    hovered: Option<(usize, usize)>,
) {
    let Some((context, _)) = square_context(canvas) else {
        return;
    };
    let cell = VIEW_PX / n as f64;
    paint_cells(&context, (n, n), (0.0, 0.0, VIEW_PX, VIEW_PX), |i| {
        colour(values[i])
    });
    // The CLS row and column are set apart: CLS is not a patch.
    context.set_stroke_style_str("rgba(0,0,0,0.55)");
    context.set_line_width(1.0);
    context.stroke_rect(0.0, cell, VIEW_PX, 0.0);
    context.stroke_rect(cell, 0.0, 0.0, VIEW_PX);
    if let Some((row, col)) = hovered {
        context.set_stroke_style_str("#000");
        context.set_line_width(2.0);
        context.stroke_rect(0.0, row as f64 * cell, VIEW_PX, cell);
        context.stroke_rect(col as f64 * cell, row as f64 * cell, cell, cell);
    }
}

/// The face with a patch grid and `shares` (one per patch, row by row) spread over the
/// patches: the strongest full colour, unless the caller shares one `scale` between faces.
pub fn draw_face_shares(
    canvas: &HtmlCanvasElement,
    (pixels, size): (&[u8], usize),
    grid: usize,
    shares: &[f32],
    scale: Option<f32>,
) -> Option<CanvasRenderingContext2d> {
    let (context, _) = square_context(canvas)?;
    paint_cells(&context, (size, size), (0.0, 0.0, VIEW_PX, VIEW_PX), |i| {
        let p = pixels.get(i).copied().unwrap_or(0);
        [p, p, p]
    });
    overlay_shares(&context, grid, shares, scale);
    Some(context)
}

/// A camera frame (`side × side` RGBA) with `shares` spread over its patches, as
/// [`draw_face_shares`] draws a face.
pub fn draw_frame_shares(
    canvas: &HtmlCanvasElement,
    (rgba, side): (&[u8], usize),
    grid: usize,
    shares: &[f32],
) -> Option<()> {
    let (context, _) = square_context(canvas)?;
    paint_cells(&context, (side, side), (0.0, 0.0, VIEW_PX, VIEW_PX), |i| {
        let p = rgba.get(4 * i..4 * i + 3).unwrap_or(&[0, 0, 0]);
        [p[0], p[1], p[2]]
    });
    overlay_shares(&context, grid, shares, None);
    Some(())
}

/// Each patch tinted by its share (the strongest full colour, unless `scale` is shared
/// between views), with the patch grid while it leaves the picture visible.
fn overlay_shares(
    context: &CanvasRenderingContext2d,
    grid: usize,
    shares: &[f32],
    scale: Option<f32>,
) {
    let patch = VIEW_PX / grid as f64;
    let top = scale.unwrap_or_else(|| shares.iter().copied().fold(f32::MIN_POSITIVE, f32::max));
    for (p, &share) in shares.iter().enumerate().take(grid * grid) {
        let share = share / top;
        let [r, g, b] = sequential(share);
        context.set_fill_style_str(&format!("rgba({r},{g},{b},{:.3})", 0.15 + 0.55 * share));
        context.fill_rect(
            (p % grid) as f64 * patch,
            (p / grid) as f64 * patch,
            patch,
            patch,
        );
    }
    // Grid lines only while they leave the face visible between them.
    if grid <= 32 {
        context.set_stroke_style_str("rgba(255,255,255,0.35)");
        context.set_line_width(1.0);
        for i in 1..grid {
            let at = i as f64 * patch;
            context.stroke_rect(at, 0.0, 0.0, VIEW_PX);
            context.stroke_rect(0.0, at, VIEW_PX, 0.0);
        }
    }
}

/// The face with a patch grid, the attention of one query token spread over the patches,
/// and the hovered query and key patches outlined.
pub fn draw_face(
    canvas: &HtmlCanvasElement,
    face: (&[u8], usize),
    view: &HeadView,
    row: &[f32],
    query: usize,
    key: Option<usize>,
    scale: Option<f32>,
) {
    let grid = view.grid;
    let Some(context) = draw_face_shares(canvas, face, grid, &row[1..], scale) else {
        return;
    };
    let patch = VIEW_PX / grid as f64;
    let outline = |token: usize, colour: &str, dash: bool| {
        if token == 0 {
            return;
        }
        let p = token - 1;
        context.set_stroke_style_str(colour);
        context.set_line_width(3.0);
        let pattern = js_sys::Array::new();
        if dash {
            pattern.push(&6.0.into());
            pattern.push(&4.0.into());
        }
        let _ = context.set_line_dash(&pattern);
        context.stroke_rect(
            (p % grid) as f64 * patch + 1.5,
            (p / grid) as f64 * patch + 1.5,
            patch - 3.0,
            patch - 3.0,
        );
        let _ = context.set_line_dash(&js_sys::Array::new());
    };
    outline(query, "#f0a202", false);
    if let Some(key) = key {
        outline(key, "#2166ac", true);
    }
}
