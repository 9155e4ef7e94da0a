//! Scripted UI steps (`--steps FILE`), for docs and tests. Input steps move
//! the pointer, click and type through bevy's input messages, so egui and the
//! canvas handle them exactly as they handle a user's mouse and keyboard:
//!
//! - `click X Y`, `double-click X Y`: the left button at window pixel (X, Y);
//! - `click-ui TARGET`: the middle of a named widget, waiting for it to be
//!   shown: `palette:<Model>`, `tool:select|cable`, `port:auto|<port>|cancel`,
//!   `menu:file|edit|view`, `file:new|open|save|save_as|quit`,
//!   `edit:undo|redo|delete`, `view:fit|labels|flashes`, `speed:0|1|2|10`,
//!   `selected:name|rename|delete`, `dialog:file_name|ok`, `lab:check`,
//!   and in a device's window `tab:<device>:cli|config|desktop|services`,
//!   `config:<device>:hostname|apply_hostname|static|dhcp|address|mask|gateway|dns|port_on|apply`,
//!   and for a host's IPv6 `config:<device>:ipv6_static|ipv6_auto|ipv6_dhcp|ipv6_address|ipv6_gateway|apply_ipv6`,
//!   `desktop:<device>:ip_config|web_browser`, `browser:<device>:url|go`,
//!   `services:<device>:http|dhcp|dns|page|page_text|save_page|pool_name|pool_gateway|pool_dns|pool_start|pool_mask|pool_max|pool_add|record_name|record_a|record_cname|record_value|record_add`,
//!   `terminal:<device>` (see [`Targets`]); in simulation mode
//!   `mode:simulation|realtime`, `sim:back|forward|play|reset|pdu|complex|pace|timeline`,
//!   `filter:all|<PROTOCOL>`, `event:<row>`, and in the complex PDU window
//!   `complex:from|to|icmp|tcp|udp|port|count|size|interval|create`;
//! - `click-device NAME`, `double-click-device NAME`: a device's icon;
//! - `text WORDS…`: typed characters; `key NAME` (Enter, Tab, Escape,
//!   Backspace, Delete, ArrowUp, ArrowDown, Ctrl+A, Ctrl+C);
//! - `frames N`: let N frames pass.
//!
//! Document steps act directly: `open DEV`, `select DEV`, `type DEV LINE`,
//! `check`, `wait SECONDS` (simulated, in realtime mode), `expect DEV TEXT` (the device's
//! terminal shows TEXT, else the step fails), `expect-events LIST` (the
//! simulation's event list, as `kind device protocol` rows joined by `, `,
//! starts with LIST), `expect-event-count N`, `expect-pdu N successful|failed|in-progress`
//! (the PDU list's Nth PDU), `lang fr|en`, `labels on|off`, and
//! `quit` (as the menu's Quit). A step that cannot be carried out is reported
//! and makes the app exit with an error.

use std::collections::{BTreeMap, VecDeque};

use bevy::input::keyboard::{Key, KeyboardInput, NativeKeyCode};
use bevy::input::mouse::MouseButtonInput;
use bevy::input::ButtonState;
use bevy::prelude::*;
use bevy::window::{CursorMoved, PrimaryWindow, RequestRedraw, WindowEvent};
use bevy_egui::egui;

use super::canvas::{world, WorldCamera};
use super::{i18n, UiState, Ws};
use crate::app::Action;

/// Where the named widgets were drawn in the last frame (logical pixels), so
/// steps can click them by name.
#[derive(Default)]
pub struct Targets(BTreeMap<String, egui::Rect>);

impl Targets {
    /// Remember where `response`'s widget is, under `name`; pass it on.
    pub fn mark(&mut self, name: impl Into<String>, response: egui::Response) -> egui::Response {
        self.0.insert(name.into(), response.rect);
        response
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    fn centre(&self, name: &str) -> Option<Vec2> {
        self.0.get(name).map(|r| Vec2::new(r.center().x, r.center().y))
    }
}

/// One input event, sent on its own frame so each is seen as a user's would be.
#[derive(Clone, Debug)]
enum Input {
    Move(Vec2),
    Button(ButtonState),
    Key(Key, KeyCode, ButtonState),
    Idle,
}

#[derive(Resource, Default)]
pub struct Steps {
    lines: VecDeque<String>,
    inputs: VecDeque<Input>,
    /// Frames the current step has waited for its target.
    waited: u32,
    failed: Vec<String>,
}

impl Steps {
    pub fn new(lines: Vec<String>) -> Self {
        Steps { lines: lines.into(), ..default() }
    }

    pub fn done(&self) -> bool {
        self.lines.is_empty() && self.inputs.is_empty()
    }

    /// How the app exits: with an error if a step could not be carried out.
    pub fn exit(&self) -> AppExit {
        if self.failed.is_empty() {
            return AppExit::Success;
        }
        for f in &self.failed {
            eprintln!("wirelab: step failed: {f}");
        }
        AppExit::error()
    }
}

/// How long a step waits for its widget or device to appear.
const PATIENCE_FRAMES: u32 = 120;

/// Carry out the next step, or the next input event of the current one.
/// Runs before bevy reads input, so the messages written here are this frame's input.
#[allow(clippy::too_many_arguments)]
pub fn drive(
    mut steps: ResMut<Steps>,
    mut ws: ResMut<Ws>,
    mut ui: ResMut<UiState>,
    mut window: Single<(Entity, &mut Window), With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform), With<WorldCamera>>,
    mut cursor: MessageWriter<CursorMoved>,
    mut buttons: MessageWriter<MouseButtonInput>,
    mut keys: MessageWriter<KeyboardInput>,
    mut window_events: MessageWriter<WindowEvent>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    if steps.done() {
        return;
    }
    // Keep frames coming while there is something to do.
    redraw.write(RequestRedraw);
    let (window_entity, ref mut window) = *window;
    if let Some(input) = steps.inputs.pop_front() {
        // A user's click or key press is into a focused window (egui ignores
        // keys otherwise); a virtual display has no window manager to give it.
        if !window.focused {
            window.focused = true;
        }
        match input {
            Input::Move(at) => {
                let delta = window.cursor_position().map(|p| at - p);
                window.set_cursor_position(Some(at));
                // As bevy_winit does: the typed message for bevy's input state,
                // the window event for egui.
                let moved = CursorMoved { window: window_entity, position: at, delta };
                window_events.write(WindowEvent::CursorMoved(moved.clone()));
                cursor.write(moved);
            }
            Input::Button(state) => {
                let button = MouseButtonInput { button: MouseButton::Left, state, window: window_entity };
                window_events.write(WindowEvent::MouseButtonInput(button));
                buttons.write(button);
            }
            Input::Key(logical_key, key_code, state) => {
                let text = match (&logical_key, state) {
                    (Key::Character(c), ButtonState::Pressed) => Some(c.clone()),
                    _ => None,
                };
                let key = KeyboardInput { key_code, logical_key, state, text, repeat: false, window: window_entity };
                window_events.write(WindowEvent::KeyboardInput(key.clone()));
                keys.write(key);
            }
            Input::Idle => {}
        }
        return;
    }
    // Steps start once the panels are laid out and the view fitted, so the
    // positions they click are the ones a user would see.
    if ui.canvas.is_none() || ui.fit_request {
        return;
    }
    let Some(line) = steps.lines.front().cloned() else { return };
    let (verb, rest) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
    let rest = rest.trim();
    let device_point = |name: &str| -> Option<Vec2> {
        let id = ws.0.net.find(name)?;
        let (cam, cam_t) = *camera;
        cam.world_to_viewport(cam_t, world(ws.0.net.device(id).at).extend(0.0)).ok()
    };
    let result: Result<Vec<Input>, String> = match verb {
        _ if verb.is_empty() || verb.starts_with('#') => Ok(Vec::new()),
        "click" | "double-click" => point(rest).map(|p| clicks(p, verb == "double-click")),
        "click-ui" => match ui.targets.centre(rest) {
            Some(p) => Ok(clicks(p, false)),
            None => return wait_for(&mut steps, &line),
        },
        "click-device" | "double-click-device" => match device_point(rest) {
            Some(p) => Ok(clicks(p, verb == "double-click-device")),
            None => return wait_for(&mut steps, &line),
        },
        "text" => Ok(rest
            .chars()
            .flat_map(|c| {
                press(Key::Character(c.to_string().into()), KeyCode::Unidentified(NativeKeyCode::Unidentified))
            })
            .collect()),
        "key" => named_key(rest),
        "frames" => rest.parse::<usize>().map(|n| vec![Input::Idle; n]).map_err(|_| "frames needs a count".into()),
        _ => document_step(verb, rest, &mut ws, &mut ui).map(|()| Vec::new()),
    };
    steps.lines.pop_front();
    steps.waited = 0;
    match result {
        // A frame after each step, for what it did to show.
        Ok(inputs) => steps.inputs.extend(inputs.into_iter().chain([Input::Idle])),
        Err(e) => {
            warn!("step `{line}`: {e}");
            steps.failed.push(format!("{line}: {e}"));
        }
    }
}

/// The step's widget or device is not shown yet: try again next frame, for a while.
fn wait_for(steps: &mut Steps, line: &str) {
    steps.waited += 1;
    if steps.waited > PATIENCE_FRAMES {
        warn!("step `{line}`: not found");
        steps.failed.push(format!("{line}: not found"));
        steps.lines.pop_front();
        steps.waited = 0;
    }
}

fn point(text: &str) -> Result<Vec2, String> {
    let mut xy = text.split_whitespace().map(str::parse::<f32>);
    match (xy.next(), xy.next()) {
        (Some(Ok(x)), Some(Ok(y))) => Ok(Vec2::new(x, y)),
        _ => Err("needs X Y in window pixels".into()),
    }
}

fn clicks(at: Vec2, double: bool) -> Vec<Input> {
    let mut inputs = vec![Input::Move(at), Input::Idle];
    for _ in 0..if double { 2 } else { 1 } {
        inputs.extend([Input::Button(ButtonState::Pressed), Input::Button(ButtonState::Released)]);
    }
    inputs
}

fn press(key: Key, code: KeyCode) -> [Input; 2] {
    [Input::Key(key.clone(), code, ButtonState::Pressed), Input::Key(key, code, ButtonState::Released)]
}

fn named_key(name: &str) -> Result<Vec<Input>, String> {
    let (key, code) = match name.to_ascii_lowercase().as_str() {
        "enter" => (Key::Enter, KeyCode::Enter),
        "tab" => (Key::Tab, KeyCode::Tab),
        "escape" => (Key::Escape, KeyCode::Escape),
        "backspace" => (Key::Backspace, KeyCode::Backspace),
        "delete" => (Key::Delete, KeyCode::Delete),
        "arrowup" => (Key::ArrowUp, KeyCode::ArrowUp),
        "arrowdown" => (Key::ArrowDown, KeyCode::ArrowDown),
        "ctrl+a" | "ctrl+c" => {
            let ctrl = |state| Input::Key(Key::Control, KeyCode::ControlLeft, state);
            let (letter, code) =
                if name.eq_ignore_ascii_case("ctrl+a") { ("a", KeyCode::KeyA) } else { ("c", KeyCode::KeyC) };
            let mut inputs = vec![ctrl(ButtonState::Pressed)];
            inputs.extend(press(Key::Character(letter.into()), code));
            inputs.push(ctrl(ButtonState::Released));
            return Ok(inputs);
        }
        _ => return Err(format!("unknown key `{name}`")),
    };
    Ok(press(key, code).into())
}

fn document_step(verb: &str, rest: &str, ws: &mut Ws, ui: &mut UiState) -> Result<(), String> {
    let (first, after) = rest.split_once(' ').unwrap_or((rest, ""));
    match verb {
        "open" => ui.open_device(first),
        "select" => ui.selected = Some(first.to_string()),
        "type" => ws.0.apply(Action::Type { device: first.to_string(), line: after.to_string() }).map_err(|e| e.0)?,
        "check" => {
            ws.0.check_results();
        }
        "wait" => {
            if ws.0.sim.is_some() {
                return Err("wait is for realtime mode: in simulation mode, time moves with sim:forward".into());
            }
            let secs: f64 = first.parse().map_err(|_| "wait needs seconds".to_string())?;
            ws.0.run_for(crate::sim::Duration::from_secs_f64(secs));
        }
        // A check for tests: the device's terminal shows this text.
        "expect" => {
            let shown = ws.0.scrollback.get(first).map(String::as_str).unwrap_or("");
            if !shown.contains(after) {
                return Err(format!("{first}'s terminal does not show `{after}`:\n{shown}"));
            }
        }
        "expect-events" | "expect-event-count" => {
            let Some(sim) = ws.0.sim.as_ref() else { return Err("not in simulation mode".into()) };
            let rows: Vec<String> = sim
                .rows(&ws.0.timeline)
                .map(|e| format!("{} {} {}", e.line.kind, e.line.device, e.line.protocol))
                .collect();
            let shown = rows.join(", ");
            let ok = if verb == "expect-events" { shown.starts_with(rest) } else { rest.parse() == Ok(rows.len()) };
            if !ok {
                return Err(format!("the event list is not `{rest}`:\n{shown}"));
            }
        }
        "expect-pdu" => {
            let n: usize = first.parse().map_err(|_| "expect-pdu needs a PDU number (from 1)".to_string())?;
            let pdu =
                n.checked_sub(1).and_then(|i| ws.0.timeline.pdus().get(i)).ok_or(format!("there is no PDU {n}"))?;
            let state = match pdu.result() {
                None => "in-progress",
                Some(true) => "successful",
                Some(false) => "failed",
            };
            if state != after {
                return Err(format!("PDU {n} is {state}, not {after}"));
            }
        }
        "lang" => ui.lang = if first == "fr" { i18n::Lang::Fr } else { i18n::Lang::En },
        "labels" => ui.show_labels = first != "off",
        "quit" => ui.quit_requested = true,
        other => return Err(format!("unknown step `{other}`")),
    }
    Ok(())
}
