//! Device icons built from shapes, one look per model, so no image assets are
//! needed and they stay sharp at any zoom.

use bevy::prelude::*;

use crate::base::Model;

/// One coloured shape of an icon, relative to the device's centre.
pub struct Part {
    pub shape: Shape,
    pub offset: Vec2,
    pub color: Color,
}

pub enum Shape {
    Circle(f32),
    Rect(f32, f32),
}

fn part(shape: Shape, x: f32, y: f32, color: Color) -> Part {
    Part { shape, offset: Vec2::new(x, y), color }
}

const WHITE: Color = Color::srgb(0.95, 0.96, 0.98);

/// The parts of a model's icon, back to front.
pub fn parts(model: Model) -> Vec<Part> {
    use Shape::*;
    match model {
        Model::Router => {
            let body = Color::srgb(0.16, 0.42, 0.75);
            vec![
                part(Circle(24.0), 0.0, 0.0, body),
                part(Rect(30.0, 4.0), 0.0, 0.0, WHITE),
                part(Rect(4.0, 30.0), 0.0, 0.0, WHITE),
                part(Circle(5.0), 0.0, 0.0, body),
            ]
        }
        Model::Switch => {
            let body = Color::srgb(0.09, 0.56, 0.55);
            vec![
                part(Rect(56.0, 30.0), 0.0, 0.0, body),
                part(Rect(34.0, 3.0), 0.0, 6.0, WHITE),
                part(Rect(34.0, 3.0), 0.0, -6.0, WHITE),
                part(Rect(6.0, 8.0), 17.0, 6.0, WHITE),
                part(Rect(6.0, 8.0), -17.0, -6.0, WHITE),
            ]
        }
        Model::L3Switch => {
            let body = Color::srgb(0.45, 0.30, 0.70);
            vec![
                part(Rect(56.0, 34.0), 0.0, 0.0, body),
                part(Rect(34.0, 3.0), 0.0, 8.0, WHITE),
                part(Rect(34.0, 3.0), 0.0, -8.0, WHITE),
                part(Circle(7.0), 0.0, 0.0, WHITE),
            ]
        }
        Model::Pc => vec![
            part(Rect(44.0, 32.0), 0.0, 6.0, Color::srgb(0.25, 0.27, 0.30)),
            part(Rect(38.0, 24.0), 0.0, 7.0, Color::srgb(0.55, 0.78, 0.95)),
            part(Rect(10.0, 8.0), 0.0, -14.0, Color::srgb(0.25, 0.27, 0.30)),
            part(Rect(26.0, 4.0), 0.0, -19.0, Color::srgb(0.25, 0.27, 0.30)),
        ],
        Model::Laptop => vec![
            part(Rect(40.0, 28.0), 0.0, 6.0, Color::srgb(0.25, 0.27, 0.30)),
            part(Rect(34.0, 21.0), 0.0, 7.0, Color::srgb(0.62, 0.85, 0.75)),
            part(Rect(50.0, 6.0), 0.0, -11.0, Color::srgb(0.35, 0.37, 0.40)),
        ],
        Model::Server => vec![
            part(Rect(32.0, 48.0), 0.0, 0.0, Color::srgb(0.22, 0.24, 0.28)),
            part(Rect(24.0, 4.0), 0.0, 12.0, Color::srgb(0.55, 0.78, 0.95)),
            part(Rect(24.0, 4.0), 0.0, 2.0, Color::srgb(0.55, 0.78, 0.95)),
            part(Rect(24.0, 4.0), 0.0, -8.0, Color::srgb(0.55, 0.78, 0.95)),
            part(Circle(2.5), 9.0, -18.0, Color::srgb(0.3, 0.9, 0.4)),
        ],
    }
}

/// How many of a model's first parts still show when zoomed out too far for
/// details: enough to tell the model by its shape and colour.
pub fn essential_parts(model: Model) -> usize {
    match model {
        // The frame alone is a dark square; the screen says "computer".
        Model::Pc | Model::Laptop => 2,
        Model::Router | Model::Switch | Model::L3Switch | Model::Server => 1,
    }
}

/// How far from its centre a click still hits a device.
pub const HIT_RADIUS: f32 = 30.0;

/// The colour of each model's body (the first part), for the pixel checks of tests.
pub fn body_color(model: Model) -> Color {
    parts(model)[0].color
}
