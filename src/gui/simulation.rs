//! Simulation mode's panels: the Realtime / Simulation switch (bottom right,
//! as in Packet Tracer), the controls (Back, Capture / Forward, Play, Reset,
//! the simple PDU tool), the protocol filter, the event list and the PDUs
//! added with their outcome; and the PDU inspector, a window with the
//! device's decisions and the frame's layers as field tables with byte
//! offsets, then its bytes in hex. Everything goes through the workspace's
//! simulation API ([`crate::app::simulation`]).

use bevy_egui::egui;

use super::i18n::{tr, Lang};
use super::{Tool, UiState};
use crate::app::simulation::{FrameEvent, PduProtocol, PduShape, PROTOCOLS};
use crate::app::Workspace;

/// The width of the PDU column, at the panel's right.
const PDU_COLUMN: f32 = 230.0;

/// Play's default pace: a step every this long.
pub const PLAY_EVERY: std::time::Duration = std::time::Duration::from_millis(600);

/// How long an envelope takes to cross its cable.
pub const ENVELOPE_TRAVEL: std::time::Duration = std::time::Duration::from_millis(450);

/// The colour of a protocol's rows and envelopes.
pub fn protocol_color(protocol: &str) -> egui::Color32 {
    match protocol {
        "ARP" => egui::Color32::from_rgb(240, 200, 60),
        "ICMP" | "ICMPv6" => egui::Color32::from_rgb(120, 200, 120),
        "STP" | "RSTP" => egui::Color32::from_rgb(90, 170, 230),
        "CDP" | "LLDP" => egui::Color32::from_rgb(170, 140, 230),
        "DTP" | "LACP" | "PAgP" => egui::Color32::from_rgb(200, 160, 120),
        "OSPF" | "RIP" | "HSRP" => egui::Color32::from_rgb(230, 120, 170),
        "DHCP" | "DHCPv6" | "DNS" => egui::Color32::from_rgb(90, 210, 200),
        "TCP" | "HTTP" | "Telnet" | "SSH" => egui::Color32::from_rgb(240, 150, 80),
        _ => egui::Color32::from_rgb(190, 190, 190),
    }
}

/// The Realtime / Simulation switch, drawn in the status bar.
pub fn mode_switch(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    let sim = ws.sim.is_some();
    if s.targets.mark("mode:simulation", ui.selectable_label(sim, tr(lang, "simulation_mode"))).clicked() && !sim {
        ws.enter_simulation();
        s.status = tr(lang, "sim_started").to_string();
        // The simulation panel takes the bottom of the window: fit the view again.
        s.fit_request = true;
    }
    if s.targets.mark("mode:realtime", ui.selectable_label(!sim, tr(lang, "realtime"))).clicked() && sim {
        ws.leave_simulation();
        s.inspector = false;
        s.fit_request = true;
        if matches!(s.tool, Tool::Pdu { .. }) {
            s.tool = Tool::Select;
        }
    }
}

/// The simulation panel, along the bottom of the window.
pub fn panel(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    ws.sim_set_lang(lang);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(260.0);
            controls(ui, ws, s);
            ui.separator();
            filters(ui, ws, s);
        });
        ui.separator();
        // The list takes what the controls and the PDU column leave, and scrolls within it.
        let list_width = (ui.available_width() - PDU_COLUMN - 20.0).max(300.0);
        ui.vertical(|ui| {
            ui.set_width(list_width);
            ui.strong(tr(lang, "event_list"));
            event_list(ui, ws, s);
        });
        ui.separator();
        ui.vertical(|ui| {
            ui.set_width(PDU_COLUMN);
            ui.strong(tr(lang, "pdus"));
            egui::ScrollArea::vertical().id_salt("pdus").show(ui, |ui| pdu_list(ui, ws, lang));
        });
    });
}

fn controls(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    let playing = ws.sim.as_ref().is_some_and(|sim| sim.playing);
    ui.horizontal(|ui| {
        if s.targets.mark("sim:back", ui.button(tr(lang, "back"))).clicked() {
            if let Err(e) = ws.sim_back() {
                s.status = e.to_string();
            }
        }
        if s.targets.mark("sim:forward", ui.button(tr(lang, "forward"))).clicked() {
            ws.sim_forward();
        }
        let play = if playing { tr(lang, "pause") } else { tr(lang, "play") };
        if s.targets.mark("sim:play", ui.button(play)).clicked() {
            if let Some(sim) = ws.sim.as_mut() {
                sim.playing = !sim.playing;
            }
        }
        if s.targets.mark("sim:reset", ui.button(tr(lang, "reset"))).clicked() {
            if let Err(e) = ws.sim_reset() {
                s.status = e.to_string();
            }
        }
    });
    // Play's pace: from 0.1 to 3 seconds a step.
    let mut pace = s.play_every.as_secs_f32();
    let slider = egui::Slider::new(&mut pace, 0.1..=3.0).suffix(" s").text(tr(lang, "play_pace"));
    if s.targets.mark("sim:pace", ui.add(slider)).changed() {
        s.play_every = std::time::Duration::from_secs_f32(pace);
    }
    let picking = matches!(s.tool, Tool::Pdu { .. });
    ui.horizontal(|ui| {
        if s.targets.mark("sim:pdu", ui.selectable_label(picking, tr(lang, "simple_pdu"))).clicked() {
            s.tool = if picking { Tool::Select } else { Tool::Pdu { from: None } };
        }
        let open = s.complex.is_some();
        if s.targets.mark("sim:complex", ui.selectable_label(open, tr(lang, "complex_pdu"))).clicked() {
            s.complex = if open { None } else { Some(ComplexForm::default()) };
        }
    });
    let (time, steps) = (ws.net.now().secs_f64(), ws.timeline.step_count());
    ui.weak(format!("{}: {time:.6} s", tr(lang, "time")));
    // The timeline: drag back to any step taken (exact), or ahead to step
    // on. Nothing moves until the slider is let go (every step back is a
    // replay), and its range holds still while it is dragged.
    let (mut step, most) = s.timeline_drag.unwrap_or((steps, (steps + 20).max(20)));
    let slider = egui::Slider::new(&mut step, 0..=most).text(tr(lang, "steps"));
    let response = s.targets.mark("sim:timeline", ui.add(slider));
    let target = if response.is_pointer_button_down_on() {
        s.timeline_drag = Some((step, most));
        None
    } else if let Some((dragged_to, _)) = s.timeline_drag.take() {
        Some(dragged_to)
    } else {
        response.changed().then_some(step)
    };
    if let Some(step) = target.filter(|t| *t != steps) {
        if let Err(e) = ws.sim_go_to(step) {
            s.status = e.to_string();
        }
    }
}

fn filters(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    let Some(sim) = ws.sim.as_ref() else { return };
    let mut filter = sim.filter.clone();
    let mut changed = false;
    if s.targets.mark("filter:all", ui.selectable_label(filter.is_empty(), tr(lang, "show_all"))).clicked() {
        filter.clear();
        changed = true;
    }
    ui.horizontal_wrapped(|ui| {
        for p in PROTOCOLS {
            let on = filter.iter().any(|f| f == p);
            let label = egui::RichText::new(*p).color(protocol_color(p));
            if s.targets.mark(format!("filter:{p}"), ui.selectable_label(on, label)).clicked() {
                if on {
                    filter.retain(|f| f != p);
                } else {
                    filter.push(p.to_string());
                }
                changed = true;
            }
        }
    });
    if changed {
        ws.sim_set_filter(filter);
    }
}

/// The event list's columns before Info: time, last device, at device, type.
const COLUMNS: [(&str, f32); 4] = [("sim_time", 86.0), ("last_device", 90.0), ("at_device", 90.0), ("sim_type", 64.0)];

fn event_list(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    let Some(sim) = ws.sim.as_mut() else { return };
    let timeline = &ws.timeline;
    let picked_row = sim.selected_row();
    let row_height = ui.spacing().interact_size.y;
    ui.horizontal(|ui| {
        for (key, width) in COLUMNS {
            cell(ui, width, row_height, |ui| ui.weak(tr(lang, key)));
        }
        ui.weak(tr(lang, "info"));
    });
    let mut picked = None;
    // Only the rows in view are laid out: a long simulation stays smooth.
    egui::ScrollArea::both().id_salt("events").stick_to_bottom(true).max_height(190.0).show_rows(
        ui,
        row_height,
        sim.row_count(),
        |ui, rows| {
            for i in rows {
                let Some(e) = sim.row(timeline, i) else { continue };
                let (last, at) = places(e);
                ui.horizontal(|ui| {
                    let [time, last_w, at_w, kind] = COLUMNS.map(|(_, w)| w);
                    let row = cell(ui, time, row_height, |ui| {
                        ui.selectable_label(picked_row == Some(i), format!("{:.6}", e.line.time))
                    });
                    if s.targets.mark(format!("event:{i}"), row).clicked() {
                        picked = Some(i);
                    }
                    cell(ui, last_w, row_height, |ui| ui.add(egui::Label::new(last).truncate()));
                    cell(ui, at_w, row_height, |ui| ui.add(egui::Label::new(at).truncate()));
                    let protocol =
                        egui::RichText::new(&e.line.protocol).color(protocol_color(&e.line.protocol)).strong();
                    cell(ui, kind, row_height, |ui| ui.label(protocol));
                    let info =
                        if e.dropped { format!("✖ {}", drawable(&e.line.text)) } else { drawable(&e.line.text) };
                    ui.label(info);
                });
            }
        },
    );
    if let Some(i) = picked {
        sim.select_row(i);
        s.inspector = true;
    }
}

/// A column of the event list: `width` wide whatever its text.
fn cell(
    ui: &mut egui::Ui,
    width: f32,
    height: f32,
    add: impl FnOnce(&mut egui::Ui) -> egui::Response,
) -> egui::Response {
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    ui.allocate_ui_with_layout(egui::vec2(width, height), layout, |ui| {
        ui.set_min_width(width);
        ui.set_max_width(width);
        add(ui)
    })
    .inner
}

/// "Last device" and "at device" as Packet Tracer's list names them: a
/// frame sent is at its sender, on its way to the peer; one received has
/// come from the peer.
fn places(e: &FrameEvent) -> (String, String) {
    let peer = e.peer.clone().unwrap_or_else(|| "-".into());
    if e.line.kind == "sent" {
        (e.line.device.clone(), peer)
    } else {
        (peer, e.line.device.clone())
    }
}

fn pdu_list(ui: &mut egui::Ui, ws: &Workspace, lang: Lang) {
    if ws.timeline.pdus().is_empty() {
        ui.weak(tr(lang, "no_pdus"));
    }
    for p in ws.timeline.pdus() {
        let (word, color) = match p.result() {
            None => (tr(lang, "in_progress"), egui::Color32::from_rgb(200, 200, 120)),
            Some(true) => (tr(lang, "successful"), egui::Color32::from_rgb(120, 210, 120)),
            Some(false) => (tr(lang, "failed"), egui::Color32::from_rgb(230, 110, 100)),
        };
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(color, word);
            ui.label(format!("{} > {} ({})", p.from, p.to, p.addr));
        });
    }
}

/// The PDU inspector: the picked event's decisions, layers and bytes.
pub fn inspector(ctx: &egui::Context, ws: &Workspace, s: &mut UiState) {
    let lang = s.lang;
    let Some(e) = ws.sim.as_ref().and_then(|sim| sim.picked(&ws.timeline)) else { return };
    if !s.inspector {
        return;
    }
    let mut open = true;
    egui::Window::new(tr(lang, "inspector")).open(&mut open).default_width(460.0).default_pos([240.0, 60.0]).show(
        ctx,
        |ui| {
            let (last, at) = places(e);
            ui.label(
                egui::RichText::new(format!("{} · {} > {} · {:.6} s", e.line.protocol, last, at, e.line.time)).strong(),
            );
            ui.label(drawable(&e.line.text));
            ui.separator();
            ui.strong(tr(lang, "decisions"));
            if e.decisions.is_empty() {
                let word = if e.line.kind == "sent" { "decision_sent" } else { "decision_none" };
                ui.weak(tr(lang, word));
            }
            for d in &e.decisions {
                ui.label(format!("• {} {d}", e.line.device));
            }
            ui.separator();
            egui::ScrollArea::vertical().id_salt("layers").max_height(320.0).show(ui, |ui| {
                let word = if e.line.kind == "sent" { "out_layers" } else { "in_layers" };
                ui.strong(tr(lang, word));
                layer_tables(ui, e, "this", true);
                ui.separator();
                ui.strong(tr(lang, "bytes"));
                ui.monospace(hex(&e.frame));
                // What the device sent for the frame it took in (as Packet Tracer's "Out Layers").
                let sent: Vec<&FrameEvent> = ws.timeline.sent_for(e).collect();
                if !sent.is_empty() {
                    ui.separator();
                    ui.strong(tr(lang, "out_layers"));
                }
                for (i, out) in sent.into_iter().enumerate() {
                    let port = out.line.port.as_deref().unwrap_or("");
                    egui::CollapsingHeader::new(format!("{port}: {}", drawable(&out.line.text)))
                        .id_salt(("out", i))
                        .default_open(false)
                        .show(ui, |ui| layer_tables(ui, out, &format!("out{i}"), false));
                }
            });
        },
    );
    if !open {
        s.inspector = false;
    }
}

/// A frame's layers as field tables with their byte offsets.
fn layer_tables(ui: &mut egui::Ui, e: &FrameEvent, salt: &str, open: bool) {
    for layer in e.layers() {
        egui::CollapsingHeader::new(format!("{} ({}–{})", layer.name, layer.range.start, layer.range.end))
            .id_salt((salt, layer.range.start))
            .default_open(open)
            .show(ui, |ui| {
                egui::Grid::new((salt, "fields", layer.range.start)).striped(true).show(ui, |ui| {
                    for f in &layer.fields {
                        ui.monospace(format!("{:>4}–{:<4}", f.range.start, f.range.end));
                        ui.label(f.name);
                        ui.monospace(drawable(&f.value));
                        ui.end_row();
                    }
                });
            });
    }
}

/// Text as the app's fonts can draw it: they have no arrow, so Wireshark's
/// `49152 → 80` reads `49152 -> 80`.
fn drawable(text: &str) -> String {
    text.replace('→', "->")
}

/// Bytes as a hex dump, 16 to a line with the offset first.
fn hex(bytes: &[u8]) -> String {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, row)| {
            let cells: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
            format!("{:04x}  {}", i * 16, cells.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The complex PDU form: source, destination, protocol (ICMP, TCP or UDP
/// and its port), count, size, interval.
#[derive(Clone, Debug)]
pub struct ComplexForm {
    pub from: String,
    pub to: String,
    /// 0: ICMP, 1: TCP, 2: UDP.
    pub protocol: usize,
    pub port: u16,
    pub count: u32,
    pub size: usize,
    pub interval_secs: f32,
}

impl Default for ComplexForm {
    fn default() -> Self {
        ComplexForm {
            from: String::new(),
            to: String::new(),
            protocol: 0,
            port: 80,
            count: 4,
            size: 32,
            interval_secs: 1.0,
        }
    }
}

/// The complex PDU window: the form, then Create.
pub fn complex_form(ctx: &egui::Context, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    let Some(mut form) = s.complex.take() else { return };
    if ws.sim.is_none() {
        return;
    }
    let mut open = true;
    let mut create = false;
    egui::Window::new(tr(lang, "complex_pdu")).open(&mut open).default_pos([260.0, 300.0]).max_width(360.0).show(
        ctx,
        |ui| {
            egui::Grid::new("complex_grid").num_columns(2).show(ui, |ui| {
                ui.label(tr(lang, "source"));
                s.targets.mark("complex:from", ui.text_edit_singleline(&mut form.from));
                ui.end_row();
                ui.label(tr(lang, "destination"));
                s.targets.mark("complex:to", ui.text_edit_singleline(&mut form.to));
                ui.end_row();
                ui.label(tr(lang, "protocol"));
                ui.horizontal(|ui| {
                    for (i, name) in ["ICMP", "TCP", "UDP"].into_iter().enumerate() {
                        let label = egui::RichText::new(name).color(protocol_color(name));
                        if s.targets
                            .mark(
                                format!("complex:{}", name.to_lowercase()),
                                ui.selectable_label(form.protocol == i, label),
                            )
                            .clicked()
                        {
                            form.protocol = i;
                        }
                    }
                });
                ui.end_row();
                if form.protocol != 0 {
                    ui.label(tr(lang, "dst_port"));
                    s.targets.mark("complex:port", ui.add(egui::DragValue::new(&mut form.port).range(1..=65535)));
                    ui.end_row();
                }
                ui.label(tr(lang, "count"));
                s.targets.mark("complex:count", ui.add(egui::DragValue::new(&mut form.count).range(1..=100)));
                ui.end_row();
                ui.label(tr(lang, "size"));
                s.targets
                    .mark("complex:size", ui.add(egui::DragValue::new(&mut form.size).range(0..=9000).suffix(" B")));
                ui.end_row();
                ui.label(tr(lang, "interval"));
                let interval = egui::DragValue::new(&mut form.interval_secs).range(0.0..=60.0).speed(0.1).suffix(" s");
                s.targets.mark("complex:interval", ui.add(interval));
                ui.end_row();
            });
            ui.weak(tr(lang, "complex_hint"));
            create = s.targets.mark("complex:create", ui.button(tr(lang, "create"))).clicked();
        },
    );
    if create {
        let protocol = match form.protocol {
            1 => PduProtocol::Tcp(form.port),
            2 => PduProtocol::Udp(form.port),
            _ => PduProtocol::Icmp,
        };
        let shape = PduShape {
            protocol,
            count: form.count,
            size: form.size,
            interval: crate::sim::Duration::from_secs_f64(f64::from(form.interval_secs)),
        };
        match ws.sim_add_complex_pdu(form.from.trim(), form.to.trim(), shape) {
            Ok(()) => {
                s.status.clear();
                return;
            }
            Err(e) => s.status = e.to_string(),
        }
    }
    if open {
        s.complex = Some(form);
    }
}
