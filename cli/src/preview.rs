//! `vitp faces preview`: a contact sheet of a face set, one row per person.

use std::path::Path;

use image::{GrayImage, Luma};

pub fn run(data: &str, people: usize, zoom: usize, out: &Path) -> Result<(), String> {
    let faces = crate::data::load(data, 32)?;
    let people = people.min(faces.classes());
    let size = faces.size;
    let columns = (0..people)
        .map(|p| faces.train.images_of(p).count())
        .max()
        .unwrap_or(0);
    let cell = size * zoom + 2;
    let mut sheet =
        GrayImage::from_pixel((columns * cell) as u32, (people * cell) as u32, Luma([255]));
    for person in 0..people {
        for (column, index) in faces.train.images_of(person).enumerate() {
            let pixels = faces.train.pixels(index);
            for y in 0..size * zoom {
                for x in 0..size * zoom {
                    let value = pixels[(y / zoom) * size + x / zoom];
                    sheet.put_pixel(
                        (column * cell + 1 + x) as u32,
                        (person * cell + 1 + y) as u32,
                        Luma([value]),
                    );
                }
            }
        }
    }
    sheet
        .save(out)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "{people} people × up to {columns} training images → {}",
        out.display()
    );
    Ok(())
}
