//! A Server's Services tab, as Packet Tracer's, one service at a time:
//! HTTP (its pages, edited in place), DHCP (a pool: default gateway, DNS server, start address, mask,
//! maximum number of users) and DNS (A and CNAME records). DHCP and DNS are
//! set by typing Windows Server's own commands at the server's prompt
//! (`netsh dhcp server ...`, `dnscmd ...`), listed under the form as the
//! equivalent commands, so a form and a script do the same thing; a page is
//! set with the app's `SetPage` action, as the lab file's `pages` field.

use std::net::Ipv4Addr;

use bevy_egui::egui;

use super::device_window::{issue, DeviceWindow};
use super::i18n::{tr, Lang};
use super::steps::Targets;
use crate::app::{Action, Workspace};
use crate::proto::dns::Record;

/// The service the tab shows (one at a time, as Packet Tracer's list).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Service {
    #[default]
    Http,
    Dhcp,
    Dns,
}

/// The Services tab's fields.
#[derive(Clone, Debug)]
pub struct ServicesForm {
    pub service: Service,
    /// The page being edited, and its text.
    pub page: String,
    pub body: String,
    /// The page whose text `body` was loaded from.
    loaded_page: Option<String>,
    pub pool_name: String,
    pub gateway: String,
    pub dns_server: String,
    pub start: String,
    pub mask: String,
    pub max_users: String,
    pub record_name: String,
    pub cname: bool,
    pub record_value: String,
    /// Why the last Add was refused (a field that is not an address).
    pub problem: Option<String>,
}

impl Default for ServicesForm {
    fn default() -> Self {
        ServicesForm {
            service: Service::Http,
            page: "/index.html".into(),
            body: String::new(),
            loaded_page: None,
            pool_name: "serverPool".into(),
            gateway: String::new(),
            dns_server: String::new(),
            start: String::new(),
            mask: "255.255.255.0".into(),
            max_users: "50".into(),
            record_name: String::new(),
            cname: false,
            record_value: String::new(),
            problem: None,
        }
    }
}

pub fn show(ui: &mut egui::Ui, ws: &mut Workspace, w: &mut DeviceWindow, lang: Lang, targets: &mut Targets) {
    ui.horizontal(|ui| {
        for (service, name, key) in
            [(Service::Http, "HTTP", "http"), (Service::Dhcp, "DHCP", "dhcp"), (Service::Dns, "DNS", "dns")]
        {
            let r = ui.selectable_value(&mut w.services.service, service, name);
            targets.mark(format!("services:{}:{key}", w.device), r);
        }
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt("services").show(ui, |ui| {
        match w.services.service {
            Service::Http => http(ui, ws, w, lang, targets),
            Service::Dhcp => dhcp(ui, ws, w, lang, targets),
            Service::Dns => dns(ui, ws, w, lang, targets),
        }
        if let Some(p) = &w.services.problem {
            ui.colored_label(egui::Color32::from_rgb(220, 90, 90), p.as_str());
        }
        ui.separator();
        ui.label(tr(lang, "equivalent_host"));
        for l in &w.equivalent {
            ui.monospace(l);
        }
    });
}

/// The pages: pick one (or type a new path), edit its text, save it.
fn http(ui: &mut egui::Ui, ws: &mut Workspace, w: &mut DeviceWindow, lang: Lang, targets: &mut Targets) {
    let dev = w.device.clone();
    let Some(host) = ws.net.find(&dev).and_then(|id| ws.net.device(id).as_host()) else { return };
    let pages: Vec<(String, String)> = host
        .web
        .as_ref()
        .map(|s| s.site.pages.iter().map(|(p, b)| (p.clone(), b.clone())).collect())
        .unwrap_or_default();
    let f = &mut w.services;
    if f.loaded_page.as_deref() != Some(f.page.as_str()) {
        f.body = pages.iter().find(|(p, _)| *p == f.page).map(|(_, b)| b.clone()).unwrap_or_default();
        f.loaded_page = Some(f.page.clone());
    }
    ui.horizontal(|ui| {
        ui.label(tr(lang, "page"));
        egui::ComboBox::from_id_salt("pages").selected_text(f.page.as_str()).show_ui(ui, |ui| {
            for (p, _) in &pages {
                ui.selectable_value(&mut f.page, p.clone(), p.as_str());
            }
        });
        targets
            .mark(format!("services:{dev}:page"), ui.add(egui::TextEdit::singleline(&mut f.page).desired_width(160.0)));
    });
    targets.mark(
        format!("services:{dev}:page_text"),
        ui.add(egui::TextEdit::multiline(&mut f.body).code_editor().desired_rows(6).desired_width(f32::INFINITY)),
    );
    if targets.mark(format!("services:{dev}:save_page"), ui.button(tr(lang, "save_page"))).clicked() {
        let path = if f.page.starts_with('/') { f.page.trim().to_string() } else { format!("/{}", f.page.trim()) };
        let _ = ws.apply(Action::SetPage { device: dev, path: path.clone(), body: f.body.clone() });
        f.page = path;
    }
}

/// The DHCP pools, and a form for a new one.
fn dhcp(ui: &mut egui::Ui, ws: &mut Workspace, w: &mut DeviceWindow, lang: Lang, targets: &mut Targets) {
    let dev = w.device.clone();
    let Some(host) = ws.net.find(&dev).and_then(|id| ws.net.device(id).as_host()) else { return };
    let rows: Vec<[String; 5]> = host
        .dhcp_service
        .scopes
        .iter()
        .map(|s| {
            let list = |v: &[Ipv4Addr]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(" ");
            [
                s.pool.name.clone(),
                s.pool.network.map_or(String::new(), |(n, l)| format!("{n}/{l}")),
                s.range.map_or(String::new(), |(a, b)| format!("{a} - {b}")),
                list(&s.pool.default_routers),
                list(&s.pool.dns_servers),
            ]
        })
        .collect();
    table(ui, "pools", &[tr(lang, "pool_name"), "Network", tr(lang, "range"), tr(lang, "gateway"), "DNS"], &rows);
    let f = &mut w.services;
    egui::Grid::new("pool-form").num_columns(2).show(ui, |ui| {
        for (key, field, value) in [
            ("pool_name", "pool_name", &mut f.pool_name),
            ("gateway", "pool_gateway", &mut f.gateway),
            ("dns_server", "pool_dns", &mut f.dns_server),
            ("start_address", "pool_start", &mut f.start),
            ("mask", "pool_mask", &mut f.mask),
            ("max_users", "pool_max", &mut f.max_users),
        ] {
            ui.label(tr(lang, key));
            targets.mark(format!("services:{dev}:{field}"), ui.text_edit_singleline(value));
            ui.end_row();
        }
    });
    if targets.mark(format!("services:{dev}:pool_add"), ui.button(tr(lang, "add"))).clicked() {
        match pool_commands(f) {
            Ok(lines) => {
                w.services.problem = None;
                issue(ws, w, &lines);
            }
            Err(why) => w.services.problem = Some(why),
        }
    }
}

/// The `netsh` lines that make the pool the form describes, as Packet
/// Tracer's fields mean it: addresses from the start address on, at most
/// the maximum number of users, inside the start address's subnet.
fn pool_commands(f: &ServicesForm) -> Result<Vec<String>, String> {
    let ip = |s: &str, what: &str| {
        s.trim().parse::<Ipv4Addr>().map_err(|_| format!("{what}: `{}` is not an IPv4 address", s.trim()))
    };
    let start = ip(&f.start, "start address")?;
    let mask = ip(&f.mask, "subnet mask")?;
    let users: u32 =
        f.max_users.trim().parse().map_err(|_| format!("maximum users: `{}` is not a number", f.max_users.trim()))?;
    let name = f.pool_name.split_whitespace().collect::<Vec<_>>().join("_");
    if name.is_empty() || users == 0 {
        return Err("a pool needs a name and at least one user".into());
    }
    let network = Ipv4Addr::from(u32::from(start) & u32::from(mask));
    let broadcast = u32::from(network) | !u32::from(mask);
    let end = Ipv4Addr::from((u32::from(start).saturating_add(users - 1)).min(broadcast.saturating_sub(1)));
    let scope = format!("netsh dhcp server scope {network}");
    let mut lines = vec![
        format!("netsh dhcp server add scope {network} {mask} {name}"),
        format!("{scope} add iprange {start} {end}"),
    ];
    if !f.gateway.trim().is_empty() {
        lines.push(format!("{scope} set optionvalue 003 IPADDRESS {}", ip(&f.gateway, "default gateway")?));
    }
    if !f.dns_server.trim().is_empty() {
        lines.push(format!("{scope} set optionvalue 006 IPADDRESS {}", ip(&f.dns_server, "DNS server")?));
    }
    Ok(lines)
}

/// The DNS records, and a form for a new one.
fn dns(ui: &mut egui::Ui, ws: &mut Workspace, w: &mut DeviceWindow, lang: Lang, targets: &mut Targets) {
    let dev = w.device.clone();
    let Some(host) = ws.net.find(&dev).and_then(|id| ws.net.device(id).as_host()) else { return };
    let zones = host.dns_zones.zones.clone();
    let rows: Vec<[String; 3]> = host
        .dns_zones
        .records
        .iter()
        .flat_map(|(name, records)| {
            records.iter().map(move |r| match r {
                Record::A(a) => [name.clone(), "A".into(), a.to_string()],
                Record::Cname(c) => [name.clone(), "CNAME".into(), c.clone()],
            })
        })
        .collect();
    table(ui, "records", &[tr(lang, "record_name"), "Type", tr(lang, "record_value")], &rows);
    let f = &mut w.services;
    egui::Grid::new("record-form").num_columns(2).show(ui, |ui| {
        ui.label(tr(lang, "record_name"));
        targets.mark(format!("services:{dev}:record_name"), ui.text_edit_singleline(&mut f.record_name));
        ui.end_row();
        ui.label("Type");
        ui.horizontal(|ui| {
            targets.mark(format!("services:{dev}:record_a"), ui.radio_value(&mut f.cname, false, "A"));
            targets.mark(format!("services:{dev}:record_cname"), ui.radio_value(&mut f.cname, true, "CNAME"));
        });
        ui.end_row();
        ui.label(tr(lang, if f.cname { "record_target" } else { "address" }));
        targets.mark(format!("services:{dev}:record_value"), ui.text_edit_singleline(&mut f.record_value));
        ui.end_row();
    });
    if targets.mark(format!("services:{dev}:record_add"), ui.button(tr(lang, "add"))).clicked() {
        match record_commands(f, &zones) {
            Ok(lines) => {
                w.services.problem = None;
                issue(ws, w, &lines);
            }
            Err(why) => w.services.problem = Some(why),
        }
    }
}

/// The `dnscmd` lines for a record: its zone is the name less its first
/// label (`www.ccna-lab.com` in `ccna-lab.com`), made first when new.
fn record_commands(f: &ServicesForm, zones: &[String]) -> Result<Vec<String>, String> {
    let name = crate::proto::dns::canonical(&f.record_name);
    let Some((label, zone)) = name.split_once('.') else {
        return Err(format!("`{name}`: give the full name, as www.example.com"));
    };
    let value = f.record_value.trim();
    let record = if f.cname {
        format!("CNAME {value}")
    } else {
        let a: Ipv4Addr = value.parse().map_err(|_| format!("`{value}` is not an IPv4 address"))?;
        format!("A {a}")
    };
    let mut lines = Vec::new();
    if !zones.iter().any(|z| *z == zone) {
        lines.push(format!("dnscmd /zoneadd {zone} /primary"));
    }
    lines.push(format!("dnscmd /recordadd {zone} {label} {record}"));
    Ok(lines)
}

fn table<const N: usize>(ui: &mut egui::Ui, id: &str, heads: &[&str; N], rows: &[[String; N]]) {
    egui::Grid::new(id).striped(true).num_columns(N).show(ui, |ui| {
        for h in heads {
            ui.strong(*h);
        }
        ui.end_row();
        for r in rows {
            for c in r {
                ui.monospace(c.as_str());
            }
            ui.end_row();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_form_becomes_netsh_lines_inside_its_subnet() {
        let f = ServicesForm {
            start: "192.168.1.100".into(),
            gateway: "192.168.1.1".into(),
            dns_server: "192.168.1.254".into(),
            max_users: "500".into(),
            ..ServicesForm::default()
        };
        assert_eq!(
            pool_commands(&f).unwrap(),
            [
                "netsh dhcp server add scope 192.168.1.0 255.255.255.0 serverPool",
                "netsh dhcp server scope 192.168.1.0 add iprange 192.168.1.100 192.168.1.254",
                "netsh dhcp server scope 192.168.1.0 set optionvalue 003 IPADDRESS 192.168.1.1",
                "netsh dhcp server scope 192.168.1.0 set optionvalue 006 IPADDRESS 192.168.1.254",
            ]
        );
        assert!(pool_commands(&ServicesForm { start: "nope".into(), ..f }).is_err());
    }

    #[test]
    fn a_record_goes_in_the_zone_of_its_name() {
        let f = ServicesForm {
            record_name: "www.ccna-lab.com".into(),
            record_value: "192.168.1.254".into(),
            ..ServicesForm::default()
        };
        assert_eq!(
            record_commands(&f, &[]).unwrap(),
            ["dnscmd /zoneadd ccna-lab.com /primary", "dnscmd /recordadd ccna-lab.com www A 192.168.1.254"]
        );
        assert_eq!(record_commands(&f, &["ccna-lab.com".into()]).unwrap().len(), 1);
        let alias = ServicesForm {
            cname: true,
            record_name: "web.ccna-lab.com".into(),
            record_value: "www.ccna-lab.com".into(),
            ..f
        };
        assert_eq!(
            record_commands(&alias, &["ccna-lab.com".into()]).unwrap(),
            ["dnscmd /recordadd ccna-lab.com web CNAME www.ccna-lab.com"]
        );
    }
}
