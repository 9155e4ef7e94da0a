//! A device's window: its terminal (CLI, with `?`, Tab and history), a
//! Config tab whose forms issue the equivalent IOS commands, for hosts a
//! Desktop tab with IP configuration, the web browser and the command
//! prompt, and for a Server a Services tab ([`super::services`]).

use bevy_egui::egui;

use super::i18n::tr;
use super::UiState;
use crate::app::{Action, Workspace};
use crate::device::{addr_mask, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Cli,
    Config,
    Desktop,
    Services,
}

/// The state of one open device window.
#[derive(Clone, Debug)]
pub struct DeviceWindow {
    pub device: String,
    pub tab: Tab,
    pub input: String,
    pub history: Vec<String>,
    pub history_pos: Option<usize>,
    pub form: Form,
    /// The IOS commands the Config tab issued, shown as Packet Tracer does.
    pub equivalent: Vec<String>,
    /// The Desktop web browser's address bar.
    pub url: String,
    /// A Server's Services tab.
    pub services: super::services::ServicesForm,
}

#[derive(Clone, Debug, Default)]
pub struct Form {
    pub hostname: String,
    pub iface: usize,
    pub address: String,
    pub mask: String,
    pub gateway: String,
    /// A host obtains its address automatically (DHCP) rather than statically.
    pub dhcp: bool,
    pub dns: String,
    /// IPv6 on a host: how it gets its address, and the static one.
    pub ipv6_mode: Ipv6Mode,
    pub ipv6_address: String,
    pub ipv6_gateway: String,
    pub port_on: bool,
    pub loaded_for: Option<(String, usize)>,
}

/// How a host's IPv6 address is set (`ipv6config`'s three forms).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ipv6Mode {
    #[default]
    Static,
    Auto,
    Dhcp,
}

impl DeviceWindow {
    pub fn new(device: &str) -> Self {
        DeviceWindow {
            device: device.into(),
            tab: Tab::Cli,
            input: String::new(),
            history: Vec::new(),
            history_pos: None,
            form: Form::default(),
            equivalent: Vec::new(),
            url: "http://".to_string(),
            services: Default::default(),
        }
    }
}

/// Show every open device window; returns the windows still open.
pub fn show(ctx: &egui::Context, ws: &mut Workspace, ui_state: &mut UiState) {
    let lang = ui_state.lang;
    let mut windows = std::mem::take(&mut ui_state.windows);
    let targets = &mut ui_state.targets;
    windows.retain_mut(|w| {
        let Some(id) = ws.net.find(&w.device) else { return false };
        let is_host = ws.net.device(id).model.is_host();
        let is_server = ws.net.device(id).model == crate::base::Model::Server;
        let mut open = true;
        egui::Window::new(format!("{} ({})", w.device, ws.net.device(id).model.platform()))
            .id(egui::Id::new(("device", w.device.clone())))
            .open(&mut open)
            .default_size([620.0, 440.0])
            .default_pos([210.0 + 24.0 * (w.device.len() % 5) as f32, 60.0])
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let dev = &w.device;
                    if !is_host {
                        targets
                            .mark(format!("tab:{dev}:cli"), ui.selectable_value(&mut w.tab, Tab::Cli, tr(lang, "cli")));
                    }
                    targets.mark(
                        format!("tab:{dev}:config"),
                        ui.selectable_value(&mut w.tab, Tab::Config, tr(lang, "config")),
                    );
                    if is_host {
                        targets.mark(
                            format!("tab:{dev}:desktop"),
                            ui.selectable_value(&mut w.tab, Tab::Desktop, tr(lang, "desktop")),
                        );
                    }
                    if is_server {
                        targets.mark(
                            format!("tab:{dev}:services"),
                            ui.selectable_value(&mut w.tab, Tab::Services, tr(lang, "services")),
                        );
                    }
                });
                if is_host && w.tab == Tab::Cli {
                    w.tab = Tab::Desktop;
                }
                ui.separator();
                match w.tab {
                    Tab::Cli => terminal(ui, ws, w, targets),
                    Tab::Config => config(ui, ws, w, lang, targets),
                    Tab::Desktop => desktop(ui, ws, w, lang, targets),
                    Tab::Services => super::services::show(ui, ws, w, lang, targets),
                }
            });
        open
    });
    ui_state.windows = windows;
}

/// The terminal: scrollback and the line being typed.
fn terminal(ui: &mut egui::Ui, ws: &mut Workspace, w: &mut DeviceWindow, targets: &mut super::steps::Targets) {
    let text = ws.scrollback.get(&w.device).cloned().unwrap_or_default();
    let height = (ui.available_height() - 8.0).max(120.0);
    egui::ScrollArea::vertical().max_height(height).stick_to_bottom(true).auto_shrink([false, false]).show(ui, |ui| {
        // The prompt is the scrollback's last line; the line being typed follows it, as on a console.
        let (earlier, prompt) = text.rsplit_once('\n').unwrap_or(("", text.as_str()));
        let console = |t: &str| egui::RichText::new(t).monospace().color(egui::Color32::from_rgb(220, 225, 230));
        if !earlier.is_empty() {
            ui.add(egui::Label::new(console(earlier)).wrap_mode(egui::TextWrapMode::Extend));
        }
        let edit = egui::TextEdit::singleline(&mut w.input)
            .font(egui::TextStyle::Monospace)
            .frame(egui::Frame::NONE)
            .desired_width(f32::INFINITY)
            .lock_focus(true)
            // A terminal keeps the keyboard after Enter; the line is sent below.
            .return_key(None)
            .id(egui::Id::new(("terminal-input", w.device.clone())));
        let response = ui
            .horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                ui.add(egui::Label::new(console(prompt)).wrap_mode(egui::TextWrapMode::Extend));
                ui.add(edit)
            })
            .inner;
        let response = targets.mark(format!("terminal:{}", w.device), response);
        if !response.has_focus() && ui.ctx().memory(|m| m.focused().is_none()) {
            response.request_focus();
        }
        let id = ws.net.find(&w.device);
        // `?` is answered at once, as on a console.
        if let Some(before) = w.input.strip_suffix('?') {
            if let Some(id) = id {
                let d = ws.net.device(id);
                if let Role::Ios(ios) = &d.role {
                    let help = crate::cli::ios::help_text(d.model, &ios.terminal.mode, before, d.prompt().len());
                    let entry = ws.scrollback.entry(w.device.clone()).or_default();
                    entry.push_str(&format!("{before}?\n{help}{}", d.prompt()));
                    w.input = before.to_string();
                }
            }
        }
        let (enter, tab, up, down, ctrl_z, interrupt) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::Tab),
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.modifiers.ctrl && i.key_pressed(egui::Key::Z),
                // Ctrl+C at a PC's prompt, Ctrl+Shift+6 on IOS (either works on both).
                // (egui may report Ctrl+C as a copy instead of a key.)
                i.modifiers.ctrl
                    && (i.key_pressed(egui::Key::C) || i.modifiers.shift && i.key_pressed(egui::Key::Num6))
                    || i.events.iter().any(|e| matches!(e, egui::Event::Copy)),
            )
        });
        if interrupt && (response.has_focus() || response.lost_focus()) {
            ws.interrupt(&w.device);
        }
        if response.has_focus() || response.lost_focus() {
            if tab {
                if let Some(completed) = id.and_then(|id| crate::cli::complete(ws.net.device(id), &w.input)) {
                    w.input = completed;
                    move_cursor_to_end(ui, &w.device, w.input.len());
                }
            }
            if ctrl_z {
                let _ = ws.apply(Action::Type { device: w.device.clone(), line: "\u{1a}".into() });
            }
            if up && !w.history.is_empty() {
                let pos = w.history_pos.map_or(w.history.len() - 1, |p| p.saturating_sub(1));
                w.history_pos = Some(pos);
                w.input = w.history[pos].clone();
                move_cursor_to_end(ui, &w.device, w.input.len());
            }
            if down {
                if let Some(p) = w.history_pos {
                    if p + 1 < w.history.len() {
                        w.history_pos = Some(p + 1);
                        w.input = w.history[p + 1].clone();
                    } else {
                        w.history_pos = None;
                        w.input.clear();
                    }
                }
            }
            if enter {
                let line = std::mem::take(&mut w.input);
                if !line.trim().is_empty() {
                    w.history.push(line.clone());
                }
                w.history_pos = None;
                let _ = ws.apply(Action::Type { device: w.device.clone(), line });
                response.request_focus();
            }
        }
    });
}

fn move_cursor_to_end(ui: &egui::Ui, device: &str, len: usize) {
    let id = egui::Id::new(("terminal-input", device.to_string()));
    if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), id) {
        state.cursor.set_char_range(Some(egui::text::CCursorRange::one(egui::text::CCursor::new(len))));
        state.store(ui.ctx(), id);
    }
}

/// Type a list of commands at a device, recording them as the equivalent IOS.
pub(super) fn issue(ws: &mut Workspace, w: &mut DeviceWindow, lines: &[String]) {
    for l in lines {
        let _ = ws.apply(Action::Type { device: w.device.clone(), line: l.clone() });
        w.equivalent.push(l.clone());
    }
}

fn config(
    ui: &mut egui::Ui,
    ws: &mut Workspace,
    w: &mut DeviceWindow,
    lang: super::i18n::Lang,
    targets: &mut super::steps::Targets,
) {
    let dev = w.device.clone();
    let Some(id) = ws.net.find(&w.device) else { return };
    let d = ws.net.device(id);
    let ports: Vec<String> = d.ports.iter().map(|p| p.name.to_string()).collect();
    let is_host = d.model.is_host();
    if w.form.loaded_for.as_ref() != Some(&(w.device.clone(), w.form.iface)) {
        let iface = w.form.iface.min(ports.len().saturating_sub(1));
        w.form.iface = iface;
        w.form.hostname = match &d.role {
            Role::Ios(i) => i.system.hostname.clone(),
            Role::Host(_) => d.name.clone(),
        };
        let addr = d.stack().iface_index(&d.ports[iface].name).and_then(|s| addr_mask(d.stack().ifaces[s].addr));
        w.form.address = addr.map_or(String::new(), |(a, _)| a.to_string());
        w.form.mask = addr.map_or(String::new(), |(_, m)| m.to_string());
        w.form.port_on = d.port_admin_up(iface);
        w.form.gateway = d.as_host().and_then(|h| h.gateway).map_or(String::new(), |g| g.to_string());
        w.form.dhcp = d.as_host().is_some_and(|h| h.dhcp_enabled());
        w.form.dns = d.as_host().and_then(|h| h.dns).map_or(String::new(), |g| g.to_string());
        if let Some(h) = d.as_host() {
            w.form.ipv6_mode = if h.ipv6_autoconfig() {
                Ipv6Mode::Auto
            } else if h.ipv6_dhcp {
                Ipv6Mode::Dhcp
            } else {
                Ipv6Mode::Static
            };
            // The address in use (static, SLAAC or leased) and the gateway in use.
            let i6 = &h.stack6.ifaces[0];
            w.form.ipv6_address = match h.ipv6_static {
                Some((a, len)) => format!("{a}/{len}"),
                None => i6.globals().next().map_or(String::new(), |a| format!("{}/{}", a.addr, a.len)),
            };
            w.form.ipv6_gateway = h
                .ipv6_gateway
                .or_else(|| h.stack6.routers.first().map(|r| r.addr))
                .map_or(String::new(), |g| g.to_string());
        }
        w.form.loaded_for = Some((w.device.clone(), iface));
    }
    egui::Grid::new("config-form").num_columns(2).show(ui, |ui| {
        if !is_host {
            ui.label(tr(lang, "hostname"));
            ui.horizontal(|ui| {
                targets.mark(format!("config:{dev}:hostname"), ui.text_edit_singleline(&mut w.form.hostname));
                if targets.mark(format!("config:{dev}:apply_hostname"), ui.button(tr(lang, "apply"))).clicked() {
                    let name = w.form.hostname.clone();
                    issue(
                        ws,
                        w,
                        &["enable".into(), "configure terminal".into(), format!("hostname {name}"), "end".into()],
                    );
                }
            });
            ui.end_row();
        }
        ui.label(tr(lang, "interface"));
        egui::ComboBox::from_id_salt("iface")
            .selected_text(ports.get(w.form.iface).cloned().unwrap_or_default())
            .show_ui(ui, |ui| {
                for (i, p) in ports.iter().enumerate() {
                    ui.selectable_value(&mut w.form.iface, i, p);
                }
            });
        ui.end_row();
        if is_host {
            // As on a PC's IP configuration: static, or obtained by DHCP.
            ui.label("");
            ui.horizontal(|ui| {
                targets
                    .mark(format!("config:{dev}:static"), ui.radio_value(&mut w.form.dhcp, false, tr(lang, "static")));
                targets.mark(format!("config:{dev}:dhcp"), ui.radio_value(&mut w.form.dhcp, true, tr(lang, "dhcp")));
            });
            ui.end_row();
        }
        // With DHCP the fields show the lease and cannot be typed in.
        let editable = !(is_host && w.form.dhcp);
        ui.label(tr(lang, "address"));
        targets.mark(
            format!("config:{dev}:address"),
            ui.add_enabled(editable, egui::TextEdit::singleline(&mut w.form.address)),
        );
        ui.end_row();
        ui.label(tr(lang, "mask"));
        targets
            .mark(format!("config:{dev}:mask"), ui.add_enabled(editable, egui::TextEdit::singleline(&mut w.form.mask)));
        ui.end_row();
        if is_host {
            ui.label(tr(lang, "gateway"));
            targets.mark(
                format!("config:{dev}:gateway"),
                ui.add_enabled(editable, egui::TextEdit::singleline(&mut w.form.gateway)),
            );
            ui.end_row();
            ui.label(tr(lang, "dns_server"));
            targets.mark(
                format!("config:{dev}:dns"),
                ui.add_enabled(editable, egui::TextEdit::singleline(&mut w.form.dns)),
            );
            ui.end_row();
        } else {
            ui.label("");
            targets.mark(format!("config:{dev}:port_on"), ui.checkbox(&mut w.form.port_on, tr(lang, "port_on")));
            ui.end_row();
        }
    });
    if targets.mark(format!("config:{dev}:apply"), ui.button(tr(lang, "apply"))).clicked() {
        let f = w.form.clone();
        if is_host && f.dhcp {
            issue(ws, w, &["ipconfig /dhcp".to_string()]);
        } else if is_host {
            let line = if f.gateway.trim().is_empty() {
                format!("ipconfig {} {}", f.address, f.mask)
            } else {
                format!("ipconfig {} {} {}", f.address, f.mask, f.gateway)
            };
            let mut lines = vec![line];
            if !f.dns.trim().is_empty() {
                lines.push(format!("dns {}", f.dns.trim()));
            }
            issue(ws, w, &lines);
        } else {
            let iface = ports.get(f.iface).cloned().unwrap_or_default();
            let mut lines = vec!["enable".to_string(), "configure terminal".into(), format!("interface {iface}")];
            if f.address.trim().is_empty() {
                lines.push("no ip address".into());
            } else {
                lines.push(format!("ip address {} {}", f.address.trim(), f.mask.trim()));
            }
            lines.push(if f.port_on { "no shutdown".into() } else { "shutdown".into() });
            lines.push("end".into());
            issue(ws, w, &lines);
        }
        w.form.loaded_for = None;
    }
    if is_host {
        ipv6_form(ui, ws, w, lang, targets);
    }
    ui.separator();
    // A PC's form stands for its command prompt, not for IOS.
    ui.label(tr(lang, if is_host { "equivalent_host" } else { "equivalent" }));
    egui::ScrollArea::vertical().max_height(140.0).stick_to_bottom(true).show(ui, |ui| {
        for l in &w.equivalent {
            ui.monospace(l);
        }
    });
}

/// The Desktop's web browser: an address bar, Go, and the page's text (or
/// the browser's error).
fn browser(
    ui: &mut egui::Ui,
    ws: &mut Workspace,
    w: &mut DeviceWindow,
    lang: super::i18n::Lang,
    targets: &mut super::steps::Targets,
) {
    use crate::device::BrowserPage;
    let dev = w.device.clone();
    let go = ui
        .horizontal(|ui| {
            ui.label("URL");
            let field = ui.add(egui::TextEdit::singleline(&mut w.url).desired_width(260.0));
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            targets.mark(format!("browser:{dev}:url"), field);
            let clicked = targets.mark(format!("browser:{dev}:go"), ui.button(tr(lang, "go"))).clicked();
            clicked || entered
        })
        .inner;
    if go && !w.url.trim().is_empty() {
        let url = w.url.trim().to_string();
        ws.browse(&dev, &url);
    }
    let Some(id) = ws.net.find(&dev) else { return };
    let Some(host) = ws.net.device(id).as_host() else { return };
    egui::ScrollArea::vertical().id_salt("page").max_height(160.0).show(ui, |ui| match &host.browser.page {
        BrowserPage::Empty => {}
        BrowserPage::Loading => {
            ui.weak(tr(lang, "loading"));
        }
        BrowserPage::Shown { text, .. } => {
            ui.label(text.as_str());
        }
        BrowserPage::Error(e) => {
            ui.colored_label(egui::Color32::from_rgb(220, 90, 90), e.as_str());
        }
    });
}

fn desktop(
    ui: &mut egui::Ui,
    ws: &mut Workspace,
    w: &mut DeviceWindow,
    lang: super::i18n::Lang,
    targets: &mut super::steps::Targets,
) {
    let header = ui.collapsing(tr(lang, "ip_config"), |ui| config(ui, ws, w, lang, targets)).header_response;
    targets.mark(format!("desktop:{}:ip_config", w.device), header);
    let header = ui.collapsing(tr(lang, "web_browser"), |ui| browser(ui, ws, w, lang, targets)).header_response;
    targets.mark(format!("desktop:{}:web_browser", w.device), header);
    ui.label(tr(lang, "command_prompt"));
    terminal(ui, ws, w, targets);
}

/// A host's IPv6 settings, as Packet Tracer's IP Configuration shows them:
/// static, automatic (SLAAC, and DHCPv6 as the routers' flags say) or
/// DHCPv6; applied as the `ipv6config` line a student would type.
fn ipv6_form(
    ui: &mut egui::Ui,
    ws: &mut Workspace,
    w: &mut DeviceWindow,
    lang: super::i18n::Lang,
    targets: &mut super::steps::Targets,
) {
    let dev = w.device.clone();
    ui.separator();
    ui.strong(tr(lang, "ipv6_config"));
    let link_local = ws
        .net
        .find(&w.device)
        .and_then(|id| ws.net.device(id).as_host().and_then(|h| h.stack6.ifaces[0].link_local()))
        .map_or_else(String::new, |a| a.to_string().to_uppercase());
    egui::Grid::new("config-form-ipv6").num_columns(2).show(ui, |ui| {
        ui.label("");
        ui.horizontal(|ui| {
            let mode = &mut w.form.ipv6_mode;
            targets
                .mark(format!("config:{dev}:ipv6_static"), ui.radio_value(mode, Ipv6Mode::Static, tr(lang, "static")));
            targets
                .mark(format!("config:{dev}:ipv6_auto"), ui.radio_value(mode, Ipv6Mode::Auto, tr(lang, "ipv6_auto")));
            targets.mark(format!("config:{dev}:ipv6_dhcp"), ui.radio_value(mode, Ipv6Mode::Dhcp, tr(lang, "dhcpv6")));
        });
        ui.end_row();
        // Automatic and DHCPv6 show what the host got; only static is typed in.
        let editable = w.form.ipv6_mode == Ipv6Mode::Static;
        ui.label(tr(lang, "ipv6_address"));
        targets.mark(
            format!("config:{dev}:ipv6_address"),
            ui.add_enabled(editable, egui::TextEdit::singleline(&mut w.form.ipv6_address)),
        );
        ui.end_row();
        ui.label(tr(lang, "ipv6_gateway"));
        targets.mark(
            format!("config:{dev}:ipv6_gateway"),
            ui.add_enabled(editable, egui::TextEdit::singleline(&mut w.form.ipv6_gateway)),
        );
        ui.end_row();
        ui.label(tr(lang, "link_local"));
        ui.monospace(link_local);
        ui.end_row();
    });
    if targets.mark(format!("config:{dev}:apply_ipv6"), ui.button(tr(lang, "apply_ipv6"))).clicked() {
        let f = w.form.clone();
        let line = match f.ipv6_mode {
            Ipv6Mode::Auto => "ipv6config autoconfig".to_string(),
            Ipv6Mode::Dhcp => "ipv6config dhcp".to_string(),
            Ipv6Mode::Static if f.ipv6_gateway.trim().is_empty() => format!("ipv6config {}", f.ipv6_address.trim()),
            Ipv6Mode::Static => format!("ipv6config {} {}", f.ipv6_address.trim(), f.ipv6_gateway.trim()),
        };
        issue(ws, w, &[line]);
        w.form.loaded_for = None;
    }
}
