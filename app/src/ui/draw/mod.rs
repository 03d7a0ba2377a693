//! The page's drawing library, apart from the panels that use it: colour scales, canvases
//! painted cell by cell, plotters on a canvas that measures its own text, chart legends, and
//! drawing batched into the next animation frame.

pub mod canvas;
pub mod colour;
pub mod frame;
pub mod growing;
pub mod legend;
pub mod measured;
