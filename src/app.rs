//! The document behind the desktop app, free of any GUI: a lab being edited
//! and its running network, changed only through [`Action`]s (which is what
//! makes undo/redo, autosave and scripted UI tests possible). The bevy app in
//! `crate::gui` (feature `gui`) turns clicks and keys into actions and draws the result.

pub mod simulation;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::{DeviceId, IfaceName, Model};
use crate::grade::{self, GradeLimits, Report};
use crate::lab::{self, DeviceSpec, Lab};
use crate::net::Network;
use crate::sim::Duration;

/// Something a user does to the workspace.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Place a new device; it gets the next free name (`R1`, `S2`, `PC3` ...).
    AddDevice {
        model: Model,
        at: (f32, f32),
    },
    MoveDevice {
        device: String,
        to: (f32, f32),
    },
    RenameDevice {
        device: String,
        to: String,
    },
    DeleteDevice {
        device: String,
    },
    /// Cable two devices; `None` picks the first free port (fastest first).
    Connect {
        a: String,
        a_iface: Option<String>,
        b: String,
        b_iface: Option<String>,
    },
    /// Unplug the cable at a port.
    Disconnect {
        device: String,
        iface: String,
    },
    /// Type a line at a device's terminal.
    Type {
        device: String,
        line: String,
    },
    /// Set a page of a Server's web service (its Services tab; a lab's `pages`).
    SetPage {
        device: String,
        path: String,
        body: String,
    },
    Undo,
    Redo,
}

/// What went wrong with an action, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ActionError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, ActionError> {
    Err(ActionError(msg.into()))
}

/// A lab open for editing, with its network running.
pub struct Workspace {
    /// Title, instructions, objectives, seed; devices and cables are read
    /// back from the network when saving.
    pub template: Lab,
    pub net: Network,
    pub path: Option<PathBuf>,
    pub dirty: bool,
    /// Everything each terminal has shown, by device name.
    pub scrollback: BTreeMap<String, String>,
    undo: Vec<Lab>,
    redo: Vec<Lab>,
    /// Simulation speed: 0 is paused.
    pub speed: f64,
    /// The last "Check results".
    pub last_report: Option<Report>,
    /// Bumped whenever devices or cables come or go, so views know to redraw.
    pub generation: u64,
    /// Everything put into the network since it was last built from a lab
    /// (realtime and simulation alike), so going back is exact.
    pub timeline: simulation::Timeline,
    /// Simulation mode's view, when on: the network runs step by step.
    pub sim: Option<simulation::SimState>,
}

const UNDO_DEPTH: usize = 100;

impl Workspace {
    /// An empty, untitled workspace.
    pub fn new() -> Self {
        let template = Lab {
            title: "Untitled".into(),
            instructions: String::new(),
            seed: 1,
            devices: Vec::new(),
            links: Vec::new(),
            objectives: Vec::new(),
            allow: Vec::new(),
        };
        Self::from_lab(template, None).expect("an empty lab builds")
    }

    pub fn from_lab(lab: Lab, path: Option<PathBuf>) -> Result<Self, ActionError> {
        let (timeline, net) = simulation::Timeline::start(lab.clone()).map_err(ActionError)?;
        let mut ws = Workspace {
            template: lab,
            net,
            timeline,
            path,
            dirty: false,
            scrollback: BTreeMap::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            speed: 1.0,
            last_report: None,
            generation: 0,
            sim: None,
        };
        ws.greet_all();
        Ok(ws)
    }

    pub fn open(path: &Path) -> Result<Self, ActionError> {
        let (lab, _) = lab::load_file(path).map_err(|e| ActionError(e.to_string()))?;
        Self::from_lab(lab, Some(path.to_path_buf()))
    }

    /// Each terminal starts with its prompt, as a console cable shows it.
    fn greet_all(&mut self) {
        for d in self.net.devices() {
            let text = self.scrollback.entry(d.name.clone()).or_default();
            if text.is_empty() {
                text.push_str(&d.prompt());
            }
        }
    }

    /// The lab as it stands: template plus the network's devices, configs and cables.
    pub fn lab(&self) -> Lab {
        lab::to_lab(&self.template, &self.net)
    }

    pub fn title(&self) -> String {
        let name = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or("untitled".into(), |n| n.to_string_lossy().to_string());
        format!("{}{name} - wirelab", if self.dirty { "*" } else { "" })
    }

    fn find(&self, name: &str) -> Result<DeviceId, ActionError> {
        self.net.find(name).ok_or_else(|| ActionError(format!("there is no device {name}")))
    }

    fn snapshot(&mut self) {
        self.undo.push(self.lab());
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Rebuild the network from a lab (configurations carry the state over).
    /// The template (the lab as handed out) stays as it was, for grading.
    fn rebuild(&mut self, lab: Lab) -> Result<(), ActionError> {
        let (timeline, net) = simulation::Timeline::start(lab).map_err(ActionError)?;
        self.net = net;
        self.timeline = timeline;
        self.scrollback.retain(|name, _| self.net.find(name).is_some());
        self.greet_all();
        Ok(())
    }

    /// The next free name for a model: R1, S1, MLS1, PC1, L1, SRV1.
    pub fn next_name(&self, model: Model) -> String {
        let prefix = match model {
            Model::Router => "R",
            Model::Switch => "S",
            Model::L3Switch => "MLS",
            Model::Pc => "PC",
            Model::Laptop => "L",
            Model::Server => "SRV",
        };
        (1..).map(|n| format!("{prefix}{n}")).find(|n| self.net.find(n).is_none()).expect("names are endless")
    }

    /// The first port without a cable, preferring the fastest kind (uplinks first on switches).
    pub fn free_port(&self, device: DeviceId) -> Option<IfaceName> {
        let d = self.net.device(device);
        let mut ports: Vec<(usize, &IfaceName)> =
            d.ports.iter().enumerate().filter(|(_, p)| !p.cabled).map(|(i, p)| (i, &p.name)).collect();
        if d.model.is_switch() {
            // Access ports for hosts first on a switch: keep the uplinks free.
            ports
                .sort_by_key(|(i, p)| (p.kind != crate::base::IfaceKind::FastEthernet && d.model == Model::Switch, *i));
        }
        ports.first().map(|(_, n)| (*n).clone())
    }

    /// Open a page in a host's web browser (not an edit of the lab: nothing
    /// to undo or save).
    pub fn browse(&mut self, device: &str, url: &str) {
        // Part of the timeline, so Back replays it (it cannot fail but for
        // a device that is not there).
        let input = simulation::Input::Browse { device: device.into(), url: url.into() };
        let _ = self.timeline.put(&mut self.net, input);
    }

    /// Stop what a terminal waits for (Ctrl+C at a PC's prompt, Ctrl+Shift+6
    /// on IOS): a running ping or traceroute prints what it has, a lookup or
    /// a remote login is given up. Not an edit of the lab.
    pub fn interrupt(&mut self, device: &str) {
        let Some(id) = self.net.find(device) else { return };
        if !self.net.device(id).busy() {
            return;
        }
        let host = self.net.device(id).model.is_host();
        let _ = self.timeline.put(&mut self.net, simulation::Input::Interrupt { device: device.into() });
        // What the command had printed, then Windows's own words for the break.
        let printed = self.net.take_console(id);
        let text = self.scrollback.entry(device.to_string()).or_default();
        text.push_str(&printed);
        if host {
            text.push_str("Control-C\n^C\n");
        }
        self.collect_output();
    }

    /// Carry out an action.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        // Edits made in place are on the timeline and replay; those that
        // rebuild the network from a lab start a new one, so they wait for
        // realtime mode.
        let rebuilds =
            matches!(action, Action::RenameDevice { .. } | Action::DeleteDevice { .. } | Action::Undo | Action::Redo);
        if self.sim.is_some() && rebuilds {
            return err("leave simulation mode to rename or delete a device, undo or redo");
        }
        match action {
            Action::AddDevice { model, at } => {
                let name = self.next_name(model);
                self.snapshot();
                let input = simulation::Input::AddDevice { name: name.clone(), model, at };
                if let Err(e) = self.timeline.put(&mut self.net, input) {
                    self.undo.pop();
                    return err(e);
                }
                let id = self.find(&name)?;
                self.scrollback.insert(name, self.net.device(id).prompt());
            }
            Action::MoveDevice { device, to } => {
                // Not on the timeline: where a device sits changes no frame.
                let id = self.find(&device)?;
                self.snapshot();
                self.net.device_mut(id).at = to;
            }
            Action::RenameDevice { device, to } => {
                let to = to.trim().to_string();
                if to.is_empty() || to.contains(|c: char| c.is_whitespace() || c == ':') {
                    return err(format!("`{to}` cannot be a device name (no spaces or colons)"));
                }
                self.find(&device)?;
                if !to.eq_ignore_ascii_case(&device) && self.net.find(&to).is_some() {
                    return err(format!("there is already a device named {to}"));
                }
                self.snapshot();
                let mut lab = self.lab();
                for d in &mut lab.devices {
                    if d.name == device {
                        d.name = to.clone();
                    }
                }
                for (a, b) in &mut lab.links {
                    for end in [a, b] {
                        if let Some((dev, iface)) = end.split_once(':') {
                            if dev == device {
                                *end = format!("{to}:{iface}");
                            }
                        }
                    }
                }
                if let Some(text) = self.scrollback.remove(&device) {
                    self.scrollback.insert(to.clone(), text);
                }
                self.rebuild(lab)?;
            }
            Action::DeleteDevice { device } => {
                self.find(&device)?;
                self.snapshot();
                let mut lab = self.lab();
                lab.devices.retain(|d| d.name != device);
                lab.links
                    .retain(|(a, b)| !a.starts_with(&format!("{device}:")) && !b.starts_with(&format!("{device}:")));
                self.scrollback.remove(&device);
                self.rebuild(lab)?;
            }
            Action::Connect { a, a_iface, b, b_iface } => {
                let (ida, idb) = (self.find(&a)?, self.find(&b)?);
                let pick = |ws: &Self, id: DeviceId, iface: &Option<String>| -> Result<IfaceName, ActionError> {
                    match iface {
                        Some(i) => IfaceName::parse(i).map_err(|e| ActionError(e.to_string())),
                        None => ws
                            .free_port(id)
                            .ok_or_else(|| ActionError(format!("{} has no free port", ws.net.device(id).name))),
                    }
                };
                let (ia, ib) = (pick(self, ida, &a_iface)?, pick(self, idb, &b_iface)?);
                self.snapshot();
                let input = simulation::Input::Connect { a, a_port: ia, b, b_port: ib };
                if let Err(e) = self.timeline.put(&mut self.net, input) {
                    self.undo.pop();
                    return err(e);
                }
            }
            Action::Disconnect { device, iface } => {
                let id = self.find(&device)?;
                let name = IfaceName::parse(&iface).map_err(|e| ActionError(e.to_string()))?;
                let port = self
                    .net
                    .device(id)
                    .model
                    .port_index(&name)
                    .ok_or_else(|| ActionError(format!("{device} has no interface {name}")))?;
                if self.net.cable_at(id, port).is_none() {
                    return err(format!("{device} {name} has no cable"));
                }
                self.snapshot();
                self.timeline
                    .put(&mut self.net, simulation::Input::Disconnect { device, port })
                    .map_err(ActionError)?;
            }
            Action::Type { device, line } => {
                let id = self.find(&device)?;
                let echo = match self.net.device(id).pending_question() {
                    Some(true) => String::new(),
                    _ => line.replace('\u{1a}', "^Z"),
                };
                let text = self.scrollback.entry(device.clone()).or_default();
                text.push_str(&echo);
                text.push('\n');
                self.timeline.type_line(&mut self.net, &device, &line).map_err(ActionError)?;
                self.collect_output();
                // Configuration is part of the document; a `show` is not, but
                // telling them apart is not worth a wrong "unsaved" marker.
                self.dirty = true;
                return Ok(());
            }
            Action::SetPage { device, path, body } => {
                let id = self.find(&device)?;
                if !path.starts_with('/') {
                    return err("a page's path starts with /");
                }
                if self.net.device(id).model != Model::Server {
                    return err("only a Server runs a web service");
                }
                self.snapshot();
                self.timeline
                    .put(&mut self.net, simulation::Input::SetPage { device, path, body })
                    .map_err(ActionError)?;
            }
            Action::Undo => {
                let Some(previous) = self.undo.pop() else { return err("nothing to undo") };
                self.redo.push(self.lab());
                self.rebuild(previous)?;
            }
            Action::Redo => {
                let Some(next) = self.redo.pop() else { return err("nothing to redo") };
                self.undo.push(self.lab());
                self.rebuild(next)?;
            }
        }
        self.dirty = true;
        self.generation += 1;
        Ok(())
    }

    /// Move what the terminals printed into their scrollback, with a prompt
    /// after it when the terminal is waiting for input.
    pub fn collect_output(&mut self) {
        for id in 0..self.net.devices().len() {
            let out = self.net.take_console(id);
            let d = self.net.device(id);
            let waiting = !d.busy();
            let text = self.scrollback.entry(d.name.clone()).or_default();
            let had_prompt_pending = text.ends_with('\n') || text.is_empty();
            if out.is_empty() && !(waiting && had_prompt_pending) {
                continue;
            }
            text.push_str(&out);
            if waiting && (text.ends_with('\n') || text.is_empty()) && d.pending_question().is_none() {
                text.push_str(&d.prompt());
            }
            // Keep the scrollback bounded, as a terminal's is.
            if text.len() > 200_000 {
                let cut = text.len() - 150_000;
                let cut = (cut..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                text.drain(..cut);
            }
        }
    }

    /// Let simulated time pass with the wall clock, at the workspace's speed,
    /// at most [`MAX_STEP_SECONDS`] at a time (in realtime mode only).
    pub fn advance(&mut self, wall_seconds: f64) {
        if self.speed > 0.0 && self.sim.is_none() {
            let dt = (wall_seconds * self.speed).min(MAX_STEP_SECONDS);
            self.run_for(Duration::from_secs_f64(dt));
        }
    }

    /// Let `d` of simulated time pass (realtime mode), on the timeline.
    pub fn run_for(&mut self, d: Duration) {
        if self.sim.is_none() {
            let until = self.net.now() + d;
            self.timeline.run_until(&mut self.net, until);
            self.collect_output();
        }
    }

    /// Enter simulation mode where the network stands: it runs only when
    /// stepped, and every frame is traced from now on.
    pub fn enter_simulation(&mut self) {
        if self.sim.is_some() {
            return;
        }
        self.timeline.enter(&mut self.net);
        self.sim = Some(simulation::SimState::new(self.scrollback.clone()));
    }

    /// Back to realtime: the network runs on from where the simulation
    /// left it, untraced again.
    pub fn leave_simulation(&mut self) {
        if self.sim.take().is_some() {
            self.timeline.leave(&mut self.net);
        }
    }

    /// One step forward (Capture / Forward). Returns how many new rows the
    /// list shows (0: nothing happened that the filter shows).
    pub fn sim_forward(&mut self) -> usize {
        let Some(sim) = self.sim.as_mut() else { return 0 };
        // What the terminals show as this step begins: what going back to
        // the step before shows again.
        sim.mark_terminals(self.timeline.step_count(), &self.scrollback);
        let new = self.timeline.forward(&mut self.net, &sim.filter).len();
        sim.refresh(&self.timeline);
        sim.unselect();
        self.collect_output();
        new
    }

    /// The event on row `i` of the simulation's list.
    pub fn sim_row(&self, i: usize) -> Option<&simulation::FrameEvent> {
        self.sim.as_ref().and_then(|s| s.row(&self.timeline, i))
    }

    /// The event the canvas shows: the one picked, else the newest.
    pub fn sim_current(&self) -> Option<&simulation::FrameEvent> {
        self.sim.as_ref().and_then(|s| s.current_row()).and_then(|i| self.sim_row(i))
    }

    /// One step back, exactly.
    pub fn sim_back(&mut self) -> Result<(), ActionError> {
        let step = self.timeline.step_count();
        self.sim_go_to(step.saturating_sub(1))
    }

    /// Go to step `step` of the simulation: back exactly, or forward by stepping.
    pub fn sim_go_to(&mut self, step: usize) -> Result<(), ActionError> {
        if self.sim.is_none() {
            return Ok(());
        }
        let now = self.timeline.step_count();
        if step < now {
            let edits = self.timeline.edits();
            if let Some(net) = self.timeline.back_to(step).map_err(ActionError)? {
                let forgot_edits = self.timeline.edits() < edits;
                self.swap_in_replayed(net, Some(step), forgot_edits);
            }
        } else {
            for _ in now..step {
                self.sim_forward();
            }
        }
        Ok(())
    }

    /// Back to where the simulation started, the PDUs forgotten.
    pub fn sim_reset(&mut self) -> Result<(), ActionError> {
        if self.sim.is_none() {
            return Ok(());
        }
        let edits = self.timeline.edits();
        let net = self.timeline.reset().map_err(ActionError)?;
        self.swap_in_replayed(net, None, edits > 0);
        Ok(())
    }

    /// A network the timeline rebuilt takes the old one's place, after step
    /// `step` (`None`: where the simulation began, every input forgotten);
    /// the terminals show what they showed then (what the replay printed
    /// again is not news).
    fn swap_in_replayed(&mut self, mut net: Network, step: Option<usize>, forgot_edits: bool) {
        for id in 0..net.devices().len() {
            net.take_console(id);
            // Devices stay where they were moved to.
            if let Some(old) = self.net.find(&net.device(id).name) {
                net.device_mut(id).at = self.net.device(old).at;
            }
        }
        self.net = net;
        if let Some(sim) = self.sim.as_mut() {
            sim.refresh(&self.timeline);
            sim.unselect();
            sim.restore_terminals(step, &mut self.scrollback);
        }
        self.greet_all();
        // Devices placed or taken away: the canvas draws the scene again.
        self.generation += 1;
        // Edits made since the simulation began are part of the document.
        if forgot_edits {
            self.dirty = true;
        }
    }

    /// Add a simple PDU (one echo) from a device to another (or an address).
    pub fn sim_add_pdu(&mut self, from: &str, to: &str) -> Result<(), ActionError> {
        if self.sim.is_none() {
            return err("simple PDUs are for simulation mode");
        }
        // What the source sends at once (an ARP request) is the list's next step.
        self.timeline.add_simple_pdu(&mut self.net, from, to).map_err(ActionError)
    }

    /// Say the simulation's decisions in this language.
    pub fn sim_set_lang(&mut self, lang: crate::base::Lang) {
        self.timeline.set_lang(&self.net, lang);
    }

    /// Add a complex PDU: echoes of a chosen count, size and interval.
    pub fn sim_add_complex_pdu(
        &mut self,
        from: &str,
        to: &str,
        shape: simulation::PduShape,
    ) -> Result<(), ActionError> {
        if self.sim.is_none() {
            return err("complex PDUs are for simulation mode");
        }
        self.timeline.add_pdu(&mut self.net, from, to, shape).map_err(ActionError)
    }

    /// Show only these protocols in the event list (none: all).
    pub fn sim_set_filter(&mut self, filter: Vec<String>) {
        if let Some(sim) = self.sim.as_mut() {
            sim.filter = filter;
            sim.refresh(&self.timeline);
        }
    }

    /// Save to `path` (or the current path), atomically.
    pub fn save(&mut self, path: Option<&Path>) -> Result<PathBuf, ActionError> {
        let path = path
            .map(Path::to_path_buf)
            .or_else(|| self.path.clone())
            .ok_or_else(|| ActionError("choose a file name first".into()))?;
        lab::save_file(&path, &self.lab()).map_err(|e| ActionError(format!("{}: {e}", path.display())))?;
        self.path = Some(path.clone());
        self.dirty = false;
        Ok(path)
    }

    /// Where autosave keeps unsaved work: next to the lab, or in the temp folder.
    pub fn recovery_path(&self) -> PathBuf {
        match &self.path {
            Some(p) => {
                let name = p.file_name().map_or("lab.ron".into(), |n| n.to_string_lossy().to_string());
                p.with_file_name(format!(".{name}.recovery"))
            }
            None => std::env::temp_dir().join("wirelab-untitled.ron.recovery"),
        }
    }

    /// Write the recovery file (only when there is unsaved work).
    pub fn autosave(&self) -> Result<(), ActionError> {
        if !self.dirty {
            return Ok(());
        }
        lab::save::write_atomic(&self.recovery_path(), &lab::to_ron(&self.lab()))
            .map_err(|e| ActionError(e.to_string()))
    }

    /// The same grader as `wirelab grade`, on the lab as it stands now.
    pub fn check_results(&mut self) -> &Report {
        let report = grade::grade_lab(&self.template, &self.lab(), "this network", &GradeLimits::default());
        self.last_report.insert(report)
    }

    /// The objectives' lab for grading keeps its own devices; without any
    /// (an untitled workspace) the current network is the lab.
    pub fn has_objectives(&self) -> bool {
        !self.template.objectives.is_empty()
    }

    /// Add the devices of a spec list (used when opening a lab from the app).
    pub fn device_specs(&self) -> Vec<DeviceSpec> {
        self.lab().devices
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// The most simulated time one frame lets pass, so a slow frame does not turn
/// into a long freeze. A view that wants a speed kept draws frames at least
/// `speed / MAX_STEP_SECONDS` times a second.
pub const MAX_STEP_SECONDS: f64 = 1.0;

/// The view that fits every device of a lab in the canvas (the part of the
/// window the panels leave free, `canvas` pixels wide and high): the world
/// point at the canvas's centre and the world units per pixel.
pub fn fit_view(points: &[(f32, f32)], canvas: (f32, f32)) -> ((f32, f32), f32) {
    if points.is_empty() {
        return ((0.0, 0.0), 1.0);
    }
    const MARGIN: f32 = 80.0;
    // World coordinates: lab y points down, world y up.
    let xs = points.iter().map(|p| p.0);
    let ys = points.iter().map(|p| -p.1);
    let (min_x, max_x) = (xs.clone().fold(f32::MAX, f32::min) - MARGIN, xs.fold(f32::MIN, f32::max) + MARGIN);
    let (min_y, max_y) = (ys.clone().fold(f32::MAX, f32::min) - MARGIN, ys.fold(f32::MIN, f32::max) + MARGIN);
    let usable = (canvas.0.max(200.0), canvas.1.max(200.0));
    let scale = ((max_x - min_x) / usable.0).max((max_y - min_y) / usable.1).max(0.2);
    (((min_x + max_x) / 2.0, (min_y + max_y) / 2.0), scale)
}

/// Where a lab point lands on screen (pixels from the window's top-left) for a
/// view from [`fit_view`] of the canvas at `origin` (its top-left) and `size`.
pub fn to_screen(at: (f32, f32), centre: (f32, f32), scale: f32, origin: (f32, f32), size: (f32, f32)) -> (f32, f32) {
    let world = (at.0, -at.1);
    (origin.0 + size.0 / 2.0 + (world.0 - centre.0) / scale, origin.1 + size.1 / 2.0 - (world.1 - centre.1) / scale)
}
