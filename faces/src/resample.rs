//! Grayscale, square crop, and area-averaging downsampling to the model's input size.

/// Centre-crops a `width × height` grayscale image to a square and resizes it to
/// `size × size`, each output pixel the exact area-weighted mean of the input pixels it covers.
pub fn square_area_resize(gray: &[u8], width: usize, height: usize, size: usize) -> Vec<u8> {
    let side = width.min(height);
    let (x0, y0) = ((width - side) / 2, (height - side) / 2);
    let scale = side as f64 / size as f64;
    // For each output column/row, the input pixels it covers and how much of each.
    let spans: Vec<Vec<(usize, f64)>> = (0..size)
        .map(|o| {
            let (start, end) = (o as f64 * scale, (o + 1) as f64 * scale);
            let mut span = Vec::new();
            let mut i = start.floor() as usize;
            while (i as f64) < end && i < side {
                let cover = (end.min(i as f64 + 1.0) - start.max(i as f64)).max(0.0);
                if cover > 0.0 {
                    span.push((i, cover));
                }
                i += 1;
            }
            span
        })
        .collect();
    let mut out = Vec::with_capacity(size * size);
    for rows in &spans {
        for cols in &spans {
            let (mut sum, mut area) = (0.0, 0.0);
            for &(y, wy) in rows {
                let row = &gray[(y0 + y) * width + x0..];
                for &(x, wx) in cols {
                    sum += row[x] as f64 * wy * wx;
                    area += wy * wx;
                }
            }
            out.push((sum / area).round().clamp(0.0, 255.0) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_average_of_blocks_and_fractional_cover() {
        // 4×4 → 2×2: each output is the mean of a 2×2 block.
        let gray = [
            0, 0, 100, 100, 0, 0, 100, 100, 200, 200, 50, 50, 200, 200, 50, 50,
        ];
        assert_eq!(square_area_resize(&gray, 4, 4, 2), [0, 100, 200, 50]);
        // 3×1 row → crop to 1×1 centre.
        assert_eq!(square_area_resize(&[10, 20, 30], 3, 1, 1), [20]);
        // 3×3 → 2×2: the centre pixel is shared by all four outputs with weight ¼.
        let gray = [0, 0, 0, 0, 255, 0, 0, 0, 0];
        let out = square_area_resize(&gray, 3, 3, 2);
        assert!(out.iter().all(|&p| p == out[0]) && out[0] > 0, "{out:?}");
    }
}
