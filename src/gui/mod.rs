//! The desktop app (feature `gui`): bevy draws the topology ([`canvas`]),
//! egui the tool panels ([`panels`], [`device_window`]); [`redraw`] decides
//! when a frame is drawn and [`steps`] drives the app from a script of clicks
//! and keys. Everything the app does goes through [`crate::app::Workspace`]
//! actions, the same document API the tests drive; no logic lives only here.

mod canvas;
mod device_window;
mod flashes;
pub mod i18n;
mod icons;
mod panels;
mod redraw;
mod services;
mod simulation;
mod steps;

use std::path::PathBuf;
use std::time::Instant;

use bevy::diagnostic::{DiagnosticsStore, FrameTimeDiagnosticsPlugin};
use bevy::prelude::*;
use bevy::render::view::screenshot::{save_to_disk, Screenshot, ScreenshotCaptured};
use bevy::window::{PrimaryWindow, WindowCloseRequested};
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{egui, EguiContexts, EguiPlugin, EguiPrimaryContextPass};

use crate::app::{Action, Workspace};
use crate::base::Model;
pub use icons::body_color;

/// The workspace, as a bevy resource.
#[derive(Resource)]
pub struct Ws(pub Workspace);

/// What the canvas tool does on a click.
#[derive(Clone, Debug, PartialEq)]
pub enum Tool {
    Select,
    Place(Model),
    /// Cabling: the first end once chosen (device, port or automatic).
    Cable {
        first: Option<(String, Option<String>)>,
    },
    /// Simulation mode's simple PDU: the source once chosen.
    Pdu {
        from: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct Drag {
    pub device: String,
    pub start: (f32, f32),
    pub at: (f32, f32),
    pub grab: Vec2,
    pub moved: bool,
}

#[derive(Clone, Debug)]
pub struct PortMenu {
    pub device: String,
    pub screen: Vec2,
    pub second: bool,
}

#[derive(Clone, Debug)]
pub enum Dialog {
    None,
    Open(String),
    SaveAs(String),
    ConfirmClose,
    ConfirmNew,
    Recover(PathBuf),
}

/// The state of the interface that is not part of the document.
#[derive(Resource)]
pub struct UiState {
    pub lang: i18n::Lang,
    pub selected: Option<String>,
    pub windows: Vec<device_window::DeviceWindow>,
    pub tool: Tool,
    pub show_labels: bool,
    pub dialog: Option<Dialog>,
    pub status: String,
    pub drag: Option<Drag>,
    pub last_click: Option<(String, f64)>,
    pub fit_request: bool,
    /// Where the canvas is (logical pixels): what the panels leave free.
    pub canvas: Option<Rect>,
    pub port_menu: Option<PortMenu>,
    pub rename: String,
    /// Where named widgets were drawn, for scripted steps.
    pub targets: steps::Targets,
    /// Actions chosen inside a panel, carried out after it is drawn.
    pub pending: Vec<Action>,
    pub quit_requested: bool,
    pub quit_now: bool,
    /// The PDU inspector is open (on the event list's picked row).
    pub inspector: bool,
    /// When simulation mode's Play last stepped, and how often it steps.
    pub played_at: Instant,
    pub play_every: std::time::Duration,
    /// The event the envelope shows (its row) and when it set off along its cable.
    pub envelope: Option<(usize, Instant)>,
    /// While the timeline slider is held: the step it points at, and its range then.
    pub timeline_drag: Option<(usize, usize)>,
    /// The complex PDU form, while it is open.
    pub complex: Option<simulation::ComplexForm>,
    /// Realtime mode's traffic flashes on cables.
    pub flashes: flashes::Flashes,
}

impl UiState {
    fn new() -> Self {
        UiState {
            lang: i18n::Lang::from_env(),
            selected: None,
            windows: Vec::new(),
            tool: Tool::Select,
            show_labels: false,
            dialog: None,
            status: String::new(),
            drag: None,
            last_click: None,
            fit_request: true,
            canvas: None,
            port_menu: None,
            rename: String::new(),
            targets: steps::Targets::default(),
            pending: Vec::new(),
            quit_requested: false,
            quit_now: false,
            inspector: false,
            played_at: Instant::now(),
            play_every: simulation::PLAY_EVERY,
            envelope: None,
            timeline_drag: None,
            flashes: flashes::Flashes::default(),
            complex: None,
        }
    }

    pub fn open_device(&mut self, name: &str) {
        if !self.windows.iter().any(|w| w.device == name) {
            self.windows.push(device_window::DeviceWindow::new(name));
        }
    }

    pub fn close_device(&mut self, name: &str) {
        self.windows.retain(|w| w.device != name);
    }

    fn reset_view(&mut self) {
        self.selected = None;
        self.windows.clear();
        self.tool = Tool::Select;
        self.fit_request = true;
    }
}

/// How the app was started.
#[derive(Clone, Debug)]
pub struct Options {
    pub lab: Option<PathBuf>,
    /// Render, save a PNG and exit.
    pub screenshot: Option<PathBuf>,
    /// A file of UI steps to carry out at start (docs, tests).
    pub steps: Option<PathBuf>,
    /// Measure the frame time over this many frames, print it and exit.
    pub measure_frames: Option<u32>,
    /// Count the frames drawn over this many idle seconds, print them and exit.
    pub measure_idle: Option<f64>,
    /// The window's size in pixels.
    pub window: (u32, u32),
}

#[derive(Resource)]
struct Run {
    options: Options,
    frames: u32,
    screenshot_requested: bool,
    screenshot_done: bool,
    exit_in: Option<u32>,
    autosave_at: Instant,
    started: Instant,
    idle_frames: u32,
}

#[derive(Resource, Default)]
struct ScreenshotSaved(std::sync::Arc<std::sync::atomic::AtomicBool>);

/// How often a frame is drawn with no input, so the simulation's output,
/// clock and link lights keep up with it.
const SIMULATION_REFRESH: std::time::Duration = std::time::Duration::from_millis(200);

/// Run the app. Returns an error message if the lab could not be opened.
pub fn run(options: Options) -> Result<(), String> {
    let mut ws = match &options.lab {
        Some(p) => Workspace::open(p).map_err(|e| e.to_string())?,
        None => Workspace::new(),
    };
    ws.speed = 1.0;
    let steps = match &options.steps {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("{}: {e}", p.display()))?
            .lines()
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    let mut ui = UiState::new();
    let recovery = ws.recovery_path();
    // Scripted, captured and measured runs never stop to offer a recovery.
    let scripted = options.steps.is_some()
        || options.screenshot.is_some()
        || options.measure_frames.is_some()
        || options.measure_idle.is_some();
    if !scripted && recovery.exists() {
        ui.dialog = Some(Dialog::Recover(recovery));
    }
    let title = ws.title();
    // Screenshots and measurements render every frame; otherwise a frame is
    // drawn on input, when egui asks, and a few times a second so a running
    // simulation shows its output and lights: an idle app leaves the CPU alone.
    let still = options.screenshot.is_some() || options.measure_frames.is_some();
    let winit = if still {
        WinitSettings { focused_mode: UpdateMode::Continuous, unfocused_mode: UpdateMode::Continuous }
    } else {
        WinitSettings {
            focused_mode: UpdateMode::reactive(SIMULATION_REFRESH),
            unfocused_mode: UpdateMode::reactive_low_power(SIMULATION_REFRESH),
        }
    };
    App::new()
        .insert_resource(winit)
        .insert_resource(ClearColor(canvas::BACKGROUND))
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window { title, resolution: options.window.into(), ..default() }),
            close_when_requested: false,
            ..default()
        }))
        // The history holds every measured frame, so the figures printed are over all of them.
        .add_plugins(redraw::RedrawPlugin { continuous: still })
        .add_plugins(FrameTimeDiagnosticsPlugin::new(options.measure_frames.map_or(120, |n| n as usize)))
        .add_plugins(EguiPlugin::default())
        .insert_resource(Ws(ws))
        .insert_resource(ui)
        .insert_resource(steps::Steps::new(steps))
        .insert_resource(Run {
            options,
            frames: 0,
            screenshot_requested: false,
            screenshot_done: false,
            exit_in: None,
            autosave_at: Instant::now(),
            started: Instant::now(),
            idle_frames: 0,
        })
        .insert_resource(ScreenshotSaved::default())
        .init_resource::<canvas::Scene>()
        .add_systems(Startup, canvas::setup)
        .add_systems(PreUpdate, steps::drive.before(bevy::input::InputSystems))
        .add_systems(
            Update,
            (
                simulate,
                canvas::input,
                canvas::viewport,
                canvas::fit,
                canvas::sync,
                canvas::level_of_detail,
                canvas::draw,
                window_title,
                closing,
                lifecycle,
            )
                .chain(),
        )
        .add_systems(EguiPrimaryContextPass, draw_ui)
        .run();
    Ok(())
}

fn draw_ui(mut contexts: EguiContexts, mut ws: ResMut<Ws>, mut ui: ResMut<UiState>) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    // Panels are see-through: the frame's clear colour is their background (see canvas::setup).
    if ctx.global_style().visuals.panel_fill != egui::Color32::TRANSPARENT {
        let mut visuals = ctx.global_style().visuals.clone();
        visuals.panel_fill = egui::Color32::TRANSPARENT;
        ctx.set_visuals(visuals);
    }
    ui.targets.clear();
    let canvas = panels::show(&ctx, &mut ws.0, &mut ui);
    ui.canvas = Some(Rect::new(canvas.min.x, canvas.min.y, canvas.max.x, canvas.max.y));
    device_window::show(&ctx, &mut ws.0, &mut ui);
    simulation::inspector(&ctx, &ws.0, &mut ui);
    simulation::complex_form(&ctx, &mut ws.0, &mut ui);
    for action in std::mem::take(&mut ui.pending) {
        if let Err(e) = ws.0.apply(action) {
            ui.status = e.to_string();
        }
    }
    Ok(())
}

/// Simulated time follows the wall clock at the chosen speed; in
/// simulation mode, Play takes a step a few times a second.
fn simulate(time: Res<Time>, mut ws: ResMut<Ws>, mut ui: ResMut<UiState>, run: Res<Run>) {
    // Screenshots and measurements are of a still network: no time passes.
    if run.options.screenshot.is_none() {
        ws.0.advance(f64::from(time.delta_secs()));
    }
    let showing = ws.0.sim.is_none() && ui.flashes.on(ws.0.net.devices().len());
    ui.flashes.update(&ws.0.net, showing);
    let playing = ws.0.sim.as_ref().is_some_and(|s| s.playing);
    if playing && ui.played_at.elapsed() >= ui.play_every {
        ui.played_at = Instant::now();
        // A network with nothing more to show pauses Play, as Packet Tracer does.
        if ws.0.sim_forward() == 0 {
            if let Some(sim) = ws.0.sim.as_mut() {
                sim.playing = false;
            }
            ui.status = i18n::tr(ui.lang, "sim_quiet").to_string();
        }
    }
    // A new current event sets its envelope off along the cable.
    let current = ws.0.sim.as_ref().and_then(|s| s.current_row());
    match (current, ui.envelope) {
        (Some(row), Some((shown, _))) if row == shown => {}
        (Some(row), _) => ui.envelope = Some((row, Instant::now())),
        (None, _) => ui.envelope = None,
    }
}

fn window_title(ws: Res<Ws>, mut window: Single<&mut Window, With<PrimaryWindow>>) {
    let title = ws.0.title();
    if window.title != title {
        window.title = title;
    }
}

/// Closing with unsaved work asks first; autosave every minute.
fn closing(
    mut requests: MessageReader<WindowCloseRequested>,
    mut ui: ResMut<UiState>,
    ws: Res<Ws>,
    mut exit: MessageWriter<AppExit>,
    mut run: ResMut<Run>,
    steps: Res<steps::Steps>,
) {
    for _ in requests.read() {
        ui.quit_requested = true;
    }
    if ui.quit_requested {
        ui.quit_requested = false;
        if ws.0.dirty {
            ui.dialog = Some(Dialog::ConfirmClose);
        } else {
            ui.quit_now = true;
        }
    }
    if ui.quit_now {
        exit.write(steps.exit());
    }
    if run.autosave_at.elapsed().as_secs() >= 60 {
        run.autosave_at = Instant::now();
        if let Err(e) = ws.0.autosave() {
            warn!("autosave: {e}");
        }
    }
}

/// Screenshots and frame-time measurements: render, capture, exit.
fn lifecycle(
    mut commands: Commands,
    mut run: ResMut<Run>,
    saved: Res<ScreenshotSaved>,
    diagnostics: Res<DiagnosticsStore>,
    mut exit: MessageWriter<AppExit>,
    steps: Res<steps::Steps>,
) {
    run.frames += 1;
    if let Some(seconds) = run.options.measure_idle {
        // Counted from the first frame after start-up has settled.
        const SETTLE_SECONDS: f64 = 2.0;
        let since = run.started.elapsed().as_secs_f64() - SETTLE_SECONDS;
        if since < 0.0 {
            run.idle_frames = 0;
        } else if since < seconds {
            run.idle_frames += 1;
        } else {
            let n = run.idle_frames;
            println!("idle {seconds} s: {n} frames drawn ({:.1} per second)", f64::from(n) / seconds);
            exit.write(AppExit::Success);
        }
        return;
    }
    if let Some(n) = run.options.measure_frames {
        // The first frames build pipelines; measure after them.
        if run.frames == n + 30 {
            let mut ms: Vec<f64> = diagnostics
                .get(&FrameTimeDiagnosticsPlugin::FRAME_TIME)
                .map(|d| d.values().copied().collect())
                .unwrap_or_default();
            println!("{}", FrameTimes::of(&mut ms));
            exit.write(AppExit::Success);
        }
        return;
    }
    let Some(path) = run.options.screenshot.clone() else { return };
    // The picture is of what the steps, if any, left on screen.
    if run.frames >= 20 && steps.done() && !run.screenshot_requested {
        run.screenshot_requested = true;
        let flag = saved.0.clone();
        commands.spawn(Screenshot::primary_window()).observe(save_to_disk(path)).observe(
            move |_: On<ScreenshotCaptured>| {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            },
        );
    }
    if saved.0.load(std::sync::atomic::Ordering::SeqCst) && !run.screenshot_done {
        run.screenshot_done = true;
        run.exit_in = Some(3);
    }
    if let Some(n) = run.exit_in.as_mut() {
        if *n == 0 {
            exit.write(steps.exit());
        } else {
            *n -= 1;
        }
    }
}

/// Frame-time figures over a run of frames, in milliseconds.
struct FrameTimes {
    frames: usize,
    mean: f64,
    median: f64,
    p95: f64,
}

impl FrameTimes {
    fn of(ms: &mut [f64]) -> Self {
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms.get(((ms.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        let mean = if ms.is_empty() { 0.0 } else { ms.iter().sum::<f64>() / ms.len() as f64 };
        FrameTimes { frames: ms.len(), mean, median: at(0.5), p95: at(0.95) }
    }
}

impl std::fmt::Display for FrameTimes {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let fps = if self.mean > 0.0 { 1000.0 / self.mean } else { 0.0 };
        write!(
            f,
            "frames {}: mean frame time {:.2} ms ({fps:.1} fps), median {:.2} ms, 95th percentile {:.2} ms",
            self.frames, self.mean, self.median, self.p95
        )
    }
}

/// The world position at which a device of the lab is drawn, for tests.
pub fn lab_to_world(at: (f32, f32)) -> Vec2 {
    canvas::world(at)
}
