//! Chart legends drawn with the canvas's own text measurement.
//!
//! plotters' series labels size their text with a `<span>` added to the page (its web font
//! code, which [`crate::ui::draw::measured::MeasuredCanvas`] cannot reach), forcing the browser to
//! lay the whole page out once per chart and update; this legend measures on the canvas.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Which corner of the plotting area the legend sits in.
#[derive(Clone, Copy)]
pub enum Corner {
    UpperLeft,
    UpperRight,
}

/// One line of a legend: its colour, line width (CSS px) and text.
pub struct Entry<'a> {
    pub label: &'a str,
    pub colour: RGBColor,
    pub width: f64,
}

/// Draws `entries` in a framed box at `corner` of `area` (the chart's plotting area);
/// `ratio` is the screen's pixel ratio the chart is drawn at.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    font: TextStyle,
    corner: Corner,
    ratio: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if entries.is_empty() {
        return Ok(());
    }
    let px = |v: f64| (v * ratio).round() as i32;
    let (area_width, _) = area.dim_in_pixel();
    let mut text_width = 0;
    let mut line_height = px(14.0);
    for entry in entries {
        let (w, h) = area.estimate_text_size(entry.label, &font)?;
        text_width = text_width.max(w as i32);
        line_height = line_height.max(h as i32 + px(3.0));
    }
    let (pad, swatch, gap) = (px(6.0), px(18.0), px(6.0));
    let width = pad * 2 + swatch + gap + text_width;
    let height = pad * 2 + line_height * entries.len() as i32;
    let left = match corner {
        Corner::UpperLeft => px(8.0),
        Corner::UpperRight => (area_width as i32 - width - px(8.0)).max(0),
    };
    let top = px(8.0);
    // Opaque: a chart that grows draws its legend again over its new points, and a box seen
    // through would darken with every update.
    area.draw(&Rectangle::new(
        [(left, top), (left + width, top + height)],
        WHITE.filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(left, top), (left + width, top + height)],
        RGBColor(215, 215, 215).stroke_width(1),
    ))?;
    let anchored = font.pos(Pos::new(HPos::Left, VPos::Center));
    for (i, entry) in entries.iter().enumerate() {
        let y = top + pad + line_height * i as i32 + line_height / 2;
        area.draw(&PathElement::new(
            [(left + pad, y), (left + pad + swatch, y)],
            entry.colour.stroke_width(px(entry.width).max(1) as u32),
        ))?;
        area.draw(&Text::new(
            entry.label,
            (left + pad + swatch + gap, y),
            anchored.clone(),
        ))?;
    }
    Ok(())
}
