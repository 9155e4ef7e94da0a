//! The desktop app under Xvfb with Mesa's software Vulkan driver: a sample
//! lab rendered to a PNG, checked pixel by pixel where the lab places its
//! devices. Skipped, with a note, where there is no X server to start.
#![cfg(feature = "gui")]

mod common;
use common::*;

use std::process::Command;

use wirelab::app::{fit_view, to_screen};
use wirelab::device::Model;
use wirelab::lab;

/// The canvas the panels leave free in the 1600x900 window: the palette is
/// 190 pixels wide, the lab panel 300, the menu bar 22 high, the status bar 24.
const CANVAS_ORIGIN: (f32, f32) = (190.0, 22.0);
const CANVAS_SIZE: (f32, f32) = (1600.0 - 190.0 - 300.0, 900.0 - 22.0 - 24.0);

fn xvfb() -> bool {
    Command::new("xvfb-run").arg("--help").output().is_ok()
}

fn screenshot(lab_rel: &str, out: &std::path::Path, extra: &[&str]) -> Result<(), String> {
    let status = Command::new("timeout")
        .args(["180", "xvfb-run", "-a", "-s", "-screen 0 1600x900x24"])
        .arg(bin())
        .arg(root().join(lab_rel))
        .arg("--screenshot")
        .arg(out)
        .args(extra)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.exists() {
        return Err(format!("no screenshot; stderr:\n{}", String::from_utf8_lossy(&status.stderr)));
    }
    Ok(())
}

fn decode(path: &std::path::Path) -> (u32, u32, Vec<u8>, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    (info.width, info.height, buf, channels)
}

fn pixel(img: &(u32, u32, Vec<u8>, usize), x: f32, y: f32) -> [u8; 3] {
    let (w, _, buf, ch) = img;
    let i = (y.round() as usize * *w as usize + x.round() as usize) * ch;
    [buf[i], buf[i + 1], buf[i + 2]]
}

/// The icon body's colour in 8-bit sRGB.
fn body(model: Model) -> [u8; 3] {
    let c = wirelab::gui::body_color(model).to_srgba();
    [(c.red * 255.0).round() as u8, (c.green * 255.0).round() as u8, (c.blue * 255.0).round() as u8]
}

/// A point of each icon that shows its body colour (the centre may be white).
fn sample_offset(model: Model) -> (f32, f32) {
    match model {
        Model::Router => (12.0, 12.0),
        Model::Switch | Model::L3Switch => (-24.0, 0.0),
        Model::Pc => (-20.0, 20.0),
        Model::Laptop => (-18.0, 18.0),
        Model::Server => (-12.0, 20.0),
    }
}

#[test]
fn sample_lab_renders_its_devices_where_the_lab_places_them() {
    if !xvfb() {
        eprintln!("SKIPPED: xvfb-run is not installed (CI installs xvfb and mesa-vulkan-drivers)");
        return;
    }
    let dir = tempdir("gui");
    let out = dir.join("two-lans.png");
    screenshot("labs/two-lans.ron", &out, &[]).unwrap();
    let img = decode(&out);
    assert_eq!((img.0, img.1), (1600, 900));
    let mut colours: Vec<[u8; 3]> = (0..img.1)
        .step_by(7)
        .flat_map(|y| (0..img.0).step_by(7).map(move |x| (x, y)))
        .map(|(x, y)| pixel(&img, x as f32, y as f32))
        .collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 20, "the image is blank ({} colours)", colours.len());

    let lab = lab::load_file(&root().join("labs/two-lans.ron")).unwrap().0;
    let points: Vec<(f32, f32)> = lab.devices.iter().map(|d| d.at).collect();
    let (centre, scale) = fit_view(&points, CANVAS_SIZE);
    for d in &lab.devices {
        let (ox, oy) = sample_offset(d.model);
        let at = (d.at.0 + ox, d.at.1 - oy);
        let (x, y) = to_screen(at, centre, scale, CANVAS_ORIGIN, CANVAS_SIZE);
        let got = pixel(&img, x, y);
        let want = body(d.model);
        let close = got.iter().zip(want).all(|(g, w)| (i16::from(*g) - i16::from(w)).abs() <= 12);
        assert!(close, "{} ({:?}) at ({x:.0},{y:.0}): got {got:?}, want {want:?}", d.name, d.model);
    }
}

#[test]
fn device_cli_and_check_results_render() {
    if !xvfb() {
        eprintln!("SKIPPED: xvfb-run is not installed");
        return;
    }
    let dir = tempdir("gui-cli");
    let steps = dir.join("steps.txt");
    std::fs::write(&steps, "open R1\ntype R1 enable\ntype R1 show ip interface brief\ncheck\n").unwrap();
    let out = dir.join("cli.png");
    screenshot("labs/two-lans.ron", &out, &["--steps", steps.to_str().unwrap()]).unwrap();
    let img = decode(&out);
    // The terminal window's light monospace text on its dark background
    // fills the top-left; the score line sits in the lab panel on the right.
    let bright = |x0: u32, y0: u32, x1: u32, y1: u32| {
        (y0..y1)
            .step_by(2)
            .flat_map(|y| (x0..x1).step_by(2).map(move |x| (x, y)))
            .filter(|&(x, y)| pixel(&img, x as f32, y as f32).iter().all(|&c| c > 170))
            .count()
    };
    assert!(bright(20, 80, 700, 400) > 200, "terminal text drawn");
    assert!(bright(1300, 300, 1600, 900) > 100, "lab panel text drawn");
}
