//! The egui panels around the canvas: the menu bar, the device palette, the
//! lab panel (instructions, objectives, "Check results"), the port menu of
//! the cable tool, and the dialogs (open, save as, unsaved work, recovery).

use bevy_egui::egui;

use super::i18n::{tr, Lang};
use super::{Dialog, Tool, UiState};
use crate::app::{Action, Workspace};
use crate::base::{IfaceName, Model};

/// Everything drawn with egui, on the root `Ui` that covers the window.
/// Returns the rectangle the panels leave to the canvas.
pub fn show(ctx: &egui::Context, ws: &mut Workspace, ui_state: &mut UiState) -> egui::Rect {
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    let lang = ui_state.lang;
    egui::Panel::top("menu").show(&mut root, |ui| menu_bar(ui, ws, ui_state));
    egui::Panel::left("palette").exact_size(super::canvas::PANELS.0).show(&mut root, |ui| palette(ui, ws, ui_state));
    egui::Panel::right("lab").exact_size(super::canvas::PANELS.1).show(&mut root, |ui| lab_panel(ui, ws, ui_state));
    egui::Panel::bottom("status").show(&mut root, |ui| {
        ui.horizontal(|ui| {
            ui.label(format!("{}: {:.1} s", tr(lang, "time"), ws.net.now().secs_f64()));
            ui.separator();
            ui.label(match &ui_state.tool {
                Tool::Place(_) => tr(lang, "place_hint").to_string(),
                Tool::Cable { .. } => tr(lang, "cable_hint").to_string(),
                Tool::Pdu { from: None } => tr(lang, "pdu_hint").to_string(),
                Tool::Pdu { from: Some(_) } => tr(lang, "pdu_to_hint").to_string(),
                Tool::Select => ui_state.status.clone(),
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                super::simulation::mode_switch(ui, ws, ui_state);
            });
        });
    });
    if ws.sim.is_some() {
        egui::Panel::bottom("simulation")
            .exact_size(250.0)
            .show(&mut root, |ui| super::simulation::panel(ui, ws, ui_state));
    }
    let canvas = root.available_rect_before_wrap();
    port_menu(ctx, ws, ui_state);
    dialogs(ctx, ws, ui_state);
    canvas
}

fn report(ui_state: &mut UiState, r: Result<(), crate::app::ActionError>) {
    if let Err(e) = r {
        ui_state.status = e.to_string();
    }
}

fn menu_bar(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    egui::MenuBar::new().ui(ui, |ui| {
        let file = ui.menu_button(tr(lang, "file"), |ui| {
            if s.targets.mark("file:new", ui.button(tr(lang, "new"))).clicked() {
                s.dialog = Some(if ws.dirty { Dialog::ConfirmNew } else { Dialog::None });
                if !ws.dirty {
                    *ws = Workspace::new();
                    s.reset_view();
                }
            }
            if s.targets.mark("file:open", ui.button(tr(lang, "open"))).clicked() {
                s.dialog = Some(Dialog::Open(String::new()));
            }
            if s.targets.mark("file:save", ui.button(tr(lang, "save"))).clicked() {
                save(ws, s, None);
            }
            if s.targets.mark("file:save_as", ui.button(tr(lang, "save_as"))).clicked() {
                let name = ws.path.as_ref().map_or("lab.ron".into(), |p| p.display().to_string());
                s.dialog = Some(Dialog::SaveAs(name));
            }
            ui.separator();
            if s.targets.mark("file:quit", ui.button(tr(lang, "quit"))).clicked() {
                s.quit_requested = true;
            }
        });
        s.targets.mark("menu:file", file.response);
        let edit = ui.menu_button(tr(lang, "edit"), |ui| {
            if s.targets.mark("edit:undo", ui.button(tr(lang, "undo"))).clicked() {
                report(s, ws.apply(Action::Undo));
            }
            if s.targets.mark("edit:redo", ui.button(tr(lang, "redo"))).clicked() {
                report(s, ws.apply(Action::Redo));
            }
            if s.targets.mark("edit:delete", ui.button(tr(lang, "delete"))).clicked() {
                if let Some(d) = s.selected.take() {
                    s.close_device(&d);
                    report(s, ws.apply(Action::DeleteDevice { device: d }));
                }
            }
        });
        s.targets.mark("menu:edit", edit.response);
        let view = ui.menu_button(tr(lang, "view"), |ui| {
            if s.targets.mark("view:fit", ui.button(tr(lang, "fit"))).clicked() {
                s.fit_request = true;
            }
            let labels = ui.checkbox(&mut s.show_labels, tr(lang, "labels"));
            s.targets.mark("view:labels", labels);
            let mut flashes = s.flashes.on(ws.net.devices().len());
            if s.targets.mark("view:flashes", ui.checkbox(&mut flashes, tr(lang, "flashes"))).changed() {
                s.flashes.chosen = Some(flashes);
            }
        });
        s.targets.mark("menu:view", view.response);
        ui.menu_button(tr(lang, "simulation"), |ui| {
            for (label, speed) in [(tr(lang, "pause"), 0.0), ("1×", 1.0), ("2×", 2.0), ("10×", 10.0)] {
                if ui.radio(ws.speed == speed, label).clicked() {
                    ws.speed = speed;
                }
            }
        });
        ui.menu_button(tr(lang, "language"), |ui| {
            ui.radio_value(&mut s.lang, Lang::En, tr(lang, "english"));
            ui.radio_value(&mut s.lang, Lang::Fr, tr(lang, "french"));
        });
        ui.separator();
        for (label, speed) in [("⏸", 0.0), ("1×", 1.0), ("2×", 2.0), ("10×", 10.0)] {
            if s.targets.mark(format!("speed:{speed}"), ui.selectable_label(ws.speed == speed, label)).clicked() {
                ws.speed = speed;
            }
        }
    });
}

fn save(ws: &mut Workspace, s: &mut UiState, path: Option<std::path::PathBuf>) {
    if ws.path.is_none() && path.is_none() {
        s.dialog = Some(Dialog::SaveAs("lab.ron".into()));
        return;
    }
    match ws.save(path.as_deref()) {
        Ok(p) => {
            s.status = format!("{} {}", tr(s.lang, "saved"), p.display());
            let _ = std::fs::remove_file(ws.recovery_path());
        }
        Err(e) => s.status = e.to_string(),
    }
}

/// The palette's name for a model, in the app's language.
fn model_label(lang: Lang, model: Model) -> &'static str {
    tr(
        lang,
        match model {
            Model::Router => "model_router",
            Model::Switch => "model_switch",
            Model::L3Switch => "model_l3switch",
            Model::Pc => "model_pc",
            Model::Laptop => "model_laptop",
            Model::Server => "model_server",
        },
    )
}

fn palette(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    ui.heading(tr(lang, "devices"));
    for model in Model::ALL {
        let selected = s.tool == Tool::Place(model);
        if s.targets
            .mark(format!("palette:{model:?}"), ui.selectable_label(selected, model_label(lang, model)))
            .clicked()
        {
            s.tool = if selected { Tool::Select } else { Tool::Place(model) };
        }
    }
    ui.separator();
    ui.heading(tr(lang, "tools"));
    if s.targets.mark("tool:select", ui.selectable_label(s.tool == Tool::Select, tr(lang, "select"))).clicked() {
        s.tool = Tool::Select;
    }
    let cabling = matches!(s.tool, Tool::Cable { .. });
    if s.targets.mark("tool:cable", ui.selectable_label(cabling, tr(lang, "cable"))).clicked() {
        s.tool = if cabling { Tool::Select } else { Tool::Cable { first: None } };
    }
    if let Some(sel) = s.selected.clone() {
        ui.separator();
        ui.label(egui::RichText::new(&sel).strong());
        ui.horizontal(|ui| {
            s.targets.mark("selected:name", ui.text_edit_singleline(&mut s.rename));
        });
        ui.horizontal(|ui| {
            if s.targets.mark("selected:rename", ui.button(tr(lang, "rename"))).clicked() && !s.rename.trim().is_empty()
            {
                let to = s.rename.trim().to_string();
                match ws.apply(Action::RenameDevice { device: sel.clone(), to: to.clone() }) {
                    Ok(()) => {
                        s.close_device(&sel);
                        s.selected = Some(to);
                    }
                    Err(e) => s.status = e.to_string(),
                }
            }
            if s.targets.mark("selected:delete", ui.button(tr(lang, "delete"))).clicked() {
                s.close_device(&sel);
                s.selected = None;
                report(s, ws.apply(Action::DeleteDevice { device: sel.clone() }));
            }
        });
        if let Some(id) = ws.net.find(&sel) {
            let d = ws.net.device(id);
            ui.separator();
            egui::ScrollArea::vertical().id_salt("ports").max_height(220.0).show(ui, |ui| {
                for (p, port) in d.ports.iter().enumerate() {
                    let peer = ws.net.peer(id, p).map(|e| {
                        format!(
                            "{} {}",
                            ws.net.device(e.device).name,
                            ws.net.device(e.device).ports[e.port].name.short()
                        )
                    });
                    ui.horizontal(|ui| {
                        // The port's light, as on the canvas; hollow when no cable is plugged in.
                        let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                        if port.cabled {
                            let [r, g, b] = super::canvas::LinkLight::of(d, p).rgb();
                            ui.painter().circle_filled(dot.center(), 4.0, egui::Color32::from_rgb(r, g, b));
                        } else {
                            ui.painter().circle_stroke(dot.center(), 3.5, (1.0, ui.visuals().weak_text_color()));
                        }
                        ui.label(port.name.short());
                        if let Some(peer) = peer {
                            ui.weak(peer);
                            if ui.small_button("✂").on_hover_text("Unplug").clicked() {
                                s.pending
                                    .push(Action::Disconnect { device: sel.clone(), iface: port.name.to_string() });
                            }
                        }
                    });
                }
            });
        }
    } else {
        s.rename.clear();
    }
}

fn lab_panel(ui: &mut egui::Ui, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    ui.heading(&ws.template.title);
    egui::ScrollArea::vertical().id_salt("lab-scroll").show(ui, |ui| {
        if !ws.template.instructions.is_empty() {
            egui::CollapsingHeader::new(tr(lang, "instructions")).default_open(true).show(ui, |ui| {
                ui.label(egui::RichText::new(&ws.template.instructions).size(12.5));
            });
        }
        egui::CollapsingHeader::new(tr(lang, "objectives")).default_open(true).show(ui, |ui| {
            if ws.template.objectives.is_empty() {
                ui.weak(tr(lang, "no_objectives"));
                return;
            }
            let results = ws.last_report.clone();
            for (i, o) in ws.template.objectives.iter().enumerate() {
                let r = results.as_ref().and_then(|r| r.objectives.get(i));
                let mark = match r {
                    Some(r) if r.passed => egui::RichText::new("✔").color(egui::Color32::from_rgb(80, 200, 100)),
                    Some(_) => egui::RichText::new("×").strong().color(egui::Color32::from_rgb(230, 80, 80)),
                    None => egui::RichText::new("•"),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(mark);
                    let unit = tr(lang, if o.points == 1 { "point" } else { "points" });
                    // The lab's label when it gives one: the check may be the answer.
                    let shown = o.label.clone().unwrap_or_else(|| crate::grade::describe(&o.check));
                    ui.label(format!("{shown} ({} {unit})", o.points));
                });
                if let Some(r) = r.filter(|r| !r.passed) {
                    if let Some(why) = &r.why {
                        ui.label(
                            egui::RichText::new(format!("   {}: {why}", tr(lang, "why")))
                                .size(11.5)
                                .color(egui::Color32::from_rgb(240, 180, 120)),
                        );
                    }
                    if let Some(h) = &r.hint {
                        ui.label(egui::RichText::new(format!("   {}: {h}", tr(lang, "hint"))).size(11.5).italics());
                    }
                }
            }
        });
        if ws.has_objectives() {
            ui.separator();
            if s.targets.mark("lab:check", ui.button(egui::RichText::new(tr(lang, "check")).strong())).clicked() {
                ws.check_results();
            }
            if let Some(r) = &ws.last_report {
                let score = match &r.not_graded {
                    Some(why) => why.clone(),
                    None => format!(
                        "{}: {} / {} {} ({:.0}%)",
                        tr(lang, "score"),
                        r.points,
                        r.max_points,
                        tr(lang, "points"),
                        r.percent
                    ),
                };
                ui.label(egui::RichText::new(score).size(16.0).strong());
                for p in &r.problems {
                    ui.colored_label(egui::Color32::from_rgb(240, 180, 120), p);
                }
            }
        }
    });
}

fn port_menu(ctx: &egui::Context, ws: &mut Workspace, s: &mut UiState) {
    let Some(menu) = s.port_menu.clone() else { return };
    let Some(id) = ws.net.find(&menu.device) else {
        s.port_menu = None;
        return;
    };
    let free: Vec<IfaceName> = ws.net.device(id).ports.iter().filter(|p| !p.cabled).map(|p| p.name.clone()).collect();
    let mut chosen: Option<Option<String>> = None;
    let mut close = false;
    egui::Area::new(egui::Id::new("port-menu"))
        .fixed_pos(egui::pos2(menu.screen.x, menu.screen.y))
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new(format!("{} — {}", menu.device, tr(s.lang, "pick_port"))).strong());
                if s.targets.mark("port:auto", ui.button(tr(s.lang, "auto"))).clicked() {
                    chosen = Some(None);
                }
                egui::ScrollArea::vertical().max_height(260.0).show(ui, |ui| {
                    for p in &free {
                        if s.targets.mark(format!("port:{}", p.short()), ui.button(p.to_string())).clicked() {
                            chosen = Some(Some(p.to_string()));
                        }
                    }
                });
                if s.targets.mark("port:cancel", ui.button(tr(s.lang, "cancel"))).clicked() {
                    close = true;
                }
            });
        });
    if close {
        s.port_menu = None;
        s.tool = Tool::Select;
    }
    let Some(port) = chosen else { return };
    s.port_menu = None;
    match (&s.tool, menu.second) {
        (Tool::Cable { first: Some((a, a_iface)) }, true) => {
            let action =
                Action::Connect { a: a.clone(), a_iface: a_iface.clone(), b: menu.device.clone(), b_iface: port };
            s.tool = Tool::Cable { first: None };
            report(s, ws.apply(action));
        }
        _ => s.tool = Tool::Cable { first: Some((menu.device, port)) },
    }
}

fn dialogs(ctx: &egui::Context, ws: &mut Workspace, s: &mut UiState) {
    let lang = s.lang;
    let Some(dialog) = s.dialog.clone() else { return };
    let mut next = Some(dialog.clone());
    let window = |title: &str| {
        egui::Window::new(title.to_string())
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
    };
    match dialog {
        Dialog::None => next = None,
        Dialog::Open(mut path) | Dialog::SaveAs(mut path) => {
            let opening = matches!(s.dialog, Some(Dialog::Open(_)));
            window(tr(lang, if opening { "open" } else { "save_as" })).show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label(tr(lang, "file_name"));
                    s.targets.mark("dialog:file_name", ui.text_edit_singleline(&mut path));
                });
                if opening {
                    egui::ScrollArea::vertical().max_height(200.0).show(ui, |ui| {
                        for dir in [".", "labs"] {
                            let mut files: Vec<String> = std::fs::read_dir(dir)
                                .into_iter()
                                .flatten()
                                .filter_map(|e| e.ok())
                                .map(|e| e.path())
                                .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                                .map(|p| p.display().to_string())
                                .collect();
                            files.sort();
                            for f in files {
                                if ui.selectable_label(path == f, &f).clicked() {
                                    path = f;
                                }
                            }
                        }
                    });
                }
                ui.horizontal(|ui| {
                    if s.targets.mark("dialog:ok", ui.button(tr(lang, "ok"))).clicked() {
                        if opening {
                            match Workspace::open(std::path::Path::new(&path)) {
                                Ok(new) => {
                                    *ws = new;
                                    s.reset_view();
                                    next = None;
                                }
                                Err(e) => s.status = e.to_string(),
                            }
                        } else {
                            save(ws, s, Some(path.clone().into()));
                            next = None;
                        }
                        if next.is_some() {
                            return;
                        }
                    }
                    if ui.button(tr(lang, "cancel")).clicked() {
                        next = None;
                    }
                });
                if next.is_some() {
                    next = Some(if opening { Dialog::Open(path.clone()) } else { Dialog::SaveAs(path.clone()) });
                }
            });
        }
        Dialog::ConfirmClose | Dialog::ConfirmNew => {
            let closing = matches!(dialog, Dialog::ConfirmClose);
            window("wirelab").show(ctx, |ui| {
                ui.label(tr(lang, "unsaved"));
                ui.horizontal(|ui| {
                    if ui.button(tr(lang, "save")).clicked() {
                        save(ws, s, None);
                        if !ws.dirty {
                            next = None;
                            s.quit_requested = closing;
                        }
                    }
                    if ui.button(tr(lang, "discard")).clicked() {
                        let _ = std::fs::remove_file(ws.recovery_path());
                        next = None;
                        if closing {
                            s.quit_now = true;
                        } else {
                            *ws = Workspace::new();
                            s.reset_view();
                        }
                    }
                    if ui.button(tr(lang, "cancel")).clicked() {
                        next = None;
                    }
                });
            });
        }
        Dialog::Recover(path) => {
            window("wirelab").show(ctx, |ui| {
                ui.label(tr(lang, "recover"));
                ui.monospace(path.display().to_string());
                ui.horizontal(|ui| {
                    if ui.button(tr(lang, "recover_yes")).clicked() {
                        if let Ok(mut recovered) = Workspace::open(&path) {
                            recovered.path = ws.path.clone();
                            recovered.template = ws.template.clone();
                            recovered.dirty = true;
                            recovered.generation = ws.generation + 1;
                            *ws = recovered;
                        }
                        next = None;
                    }
                    if ui.button(tr(lang, "recover_no")).clicked() {
                        let _ = std::fs::remove_file(&path);
                        next = None;
                    }
                });
            });
        }
    }
    s.dialog = next;
}
