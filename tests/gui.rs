//! The desktop app under Xvfb with Mesa's software Vulkan driver: a sample
//! lab rendered to a PNG, checked pixel by pixel where the lab places its
//! devices. Skipped, with a note, where there is no X server to start.
#![cfg(feature = "gui")]

mod common;
use common::*;

use std::process::Command;

use wirelab::app::{fit_view, to_screen};
use wirelab::base::Model;
use wirelab::lab;

/// The canvas the panels leave free in the 1600x900 window: the palette is
/// 190 pixels wide, the lab panel 300, the menu bar 22 high, the status bar 24.
const CANVAS_ORIGIN: (f32, f32) = (190.0, 22.0);
const CANVAS_SIZE: (f32, f32) = (1600.0 - 190.0 - 300.0, 900.0 - 22.0 - 24.0);

/// True, with a note, where there is no X server to start (never in CI,
/// where a missing xvfb-run fails the test).
fn skipped() -> bool {
    !tool_available("xvfb-run", "the app's screenshot tests")
}

/// The app in a 1600x900 virtual display, with these arguments.
fn app(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new("timeout")
        .args(["300", "xvfb-run", "-a", "-s", "-screen 0 1600x900x24"])
        .arg(bin())
        .args(args)
        .output()
        .expect("timeout and xvfb-run run")
}

fn screenshot(lab_rel: &str, out: &std::path::Path, extra: &[&str]) -> Result<(), String> {
    let lab = root().join(lab_rel);
    let mut args = vec![lab.as_os_str(), "--screenshot".as_ref(), out.as_os_str()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let status = app(&args);
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

/// Run the app on a lab from tests/labs with these steps, which must all
/// succeed; the screenshot taken after them, decoded.
fn run_steps(dir: &std::path::Path, name: &str, lab: &str, steps: &str) -> (u32, u32, Vec<u8>, usize) {
    let file = dir.join(format!("{name}.txt"));
    std::fs::write(&file, steps).unwrap();
    let shot = dir.join(format!("{name}.png"));
    let lab = root().join("tests/labs").join(lab);
    let out = app(&[lab.as_os_str(), "--steps".as_ref(), file.as_os_str(), "--screenshot".as_ref(), shot.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("step failed"), "the app failed ({:?}):\n{stderr}", out.status);
    decode(&shot)
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
    if skipped() {
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
    if skipped() {
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

/// The app driven by mouse and keyboard events (bevy's input messages, as a
/// real mouse and keyboard produce them): place a router and a PC from the
/// palette, cable them with the cable tool's port menu, configure both at
/// their consoles, save through File > Save as. The saved lab is then booted
/// and the PC pings the router.
#[test]
fn the_app_driven_by_mouse_and_keyboard_builds_a_working_network_and_saves_it() {
    if skipped() {
        return;
    }
    let dir = tempdir("gui-driven");
    let saved = dir.join("built.ron");
    let steps = dir.join("steps.txt");
    std::fs::write(
        &steps,
        format!(
            "click-ui palette:Router
click 600 300
click-ui palette:Pc
click 900 500
click-ui tool:cable
click-device R1
click-ui port:Gi0/0/0
click-device PC1
click-ui port:auto
click-ui tool:select
double-click-device R1
text enable
key Enter
text configure terminal
key Enter
text interface g0/0/0
key Enter
text ip address 192.168.1.1 255.255.255.0
key Enter
text no shutdown
key Enter
text end
key Enter
double-click-device PC1
click-ui terminal:PC1
text ipconfig 192.168.1.10 255.255.255.0 192.168.1.1
key Enter
click-ui menu:file
click-ui file:save_as
click-ui dialog:file_name
key Ctrl+A
text {}
click-ui dialog:ok
quit
",
            saved.display()
        ),
    )
    .unwrap();
    let out = app(&["--steps".as_ref(), steps.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the app failed ({:?}):\n{stderr}", out.status);
    assert!(!stderr.contains("step failed"), "{stderr}");

    let text = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("nothing saved ({e}):\n{stderr}"));
    let (lab, mut net) = boot(&text);
    let models: Vec<(&str, Model)> = lab.devices.iter().map(|d| (d.name.as_str(), d.model)).collect();
    assert_eq!(models, [("R1", Model::Router), ("PC1", Model::Pc)]);
    assert_eq!(lab.links, [("R1:Gi0/0/0".to_string(), "PC1:Fa0".to_string())]);
    let ping = transcript(&mut net, "@PC1\nping 192.168.1.1\n");
    assert!(ping.contains("Reply from 192.168.1.1"), "{ping}");
}

/// An idle app draws a few frames a second (for the running simulation's
/// clock and output), not as many as it can: under a software renderer that
/// would keep a school computer's cores busy.
#[test]
fn an_idle_app_draws_only_a_few_frames_a_second() {
    if skipped() {
        return;
    }
    let lab = root().join("labs/two-lans.ron");
    let out = app(&[lab.as_os_str(), "--measure-idle".as_ref(), "4".as_ref()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let per_second: f64 = stdout
        .split_once('(')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no idle figure:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert!(per_second <= 12.0, "{stdout}");
    assert!(per_second >= 1.0, "the running simulation's clock is not shown: {stdout}");
}

/// A Server's Services tab, driven as a user would: a DHCP pool and a DNS
/// record from its forms, and its home page edited. What the forms did is
/// in the saved lab (the Windows Server commands they typed, the page), and
/// a PC then gets a lease from the pool and resolves the name.
#[test]
fn the_servers_services_tab_sets_dhcp_dns_and_a_page() {
    if skipped() {
        return;
    }
    let dir = tempdir("gui-services");
    let saved = dir.join("services.ron");
    let steps = dir.join("steps.txt");
    std::fs::write(
        &steps,
        format!(
            "double-click-device SRV1
click-ui tab:SRV1:services
click-ui services:SRV1:page_text
key Ctrl+A
text Hello from SRV1
click-ui services:SRV1:save_page
click-ui services:SRV1:dhcp
click-ui services:SRV1:pool_gateway
text 192.168.10.1
click-ui services:SRV1:pool_dns
text 192.168.10.254
click-ui services:SRV1:pool_start
text 192.168.10.100
click-ui services:SRV1:pool_add
click-ui services:SRV1:dns
click-ui services:SRV1:record_name
text www.ccna-lab.com
click-ui services:SRV1:record_value
text 192.168.10.254
click-ui services:SRV1:record_add
click-ui menu:file
click-ui file:save_as
click-ui dialog:file_name
key Ctrl+A
text {}
click-ui dialog:ok
quit
",
            saved.display()
        ),
    )
    .unwrap();
    let lab = root().join("labs/dns-web.ron");
    let out = app(&[lab.as_os_str(), "--steps".as_ref(), steps.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the app failed ({:?}):\n{stderr}", out.status);
    assert!(!stderr.contains("step failed"), "{stderr}");
    let text = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("nothing saved ({e}):\n{stderr}"));
    assert!(text.contains("netsh dhcp server scope 192.168.10.0 add iprange 192.168.10.100 192.168.10.149"), "{text}");
    assert!(text.contains("dnscmd /recordadd ccna-lab.com www A 192.168.10.254"), "{text}");
    assert!(text.contains("\"/index.html\": \"Hello from SRV1\""), "{text}");
    let (_, mut net) = boot(&text);
    let t = transcript(&mut net, "@R1\nenable\nconfigure terminal\nno service dhcp\nend\n@PC1\nipconfig /renew\nnslookup www.ccna-lab.com\ncurl http://www.ccna-lab.com/\n");
    assert!(t.contains("   IP Address......................: 192.168.10.100\n"), "the server's pool: {t}");
    assert!(t.contains("Address:  192.168.10.254"), "{t}");
    assert!(t.contains("Hello from SRV1"), "{t}");
}

/// Ctrl+C stops a ping running at a PC's prompt in the app, as on Windows:
/// the statistics so far, then "Control-C", and the prompt back.
#[test]
fn ctrl_c_stops_a_running_ping_in_the_app() {
    if skipped() {
        return;
    }
    let dir = tempdir("gui-ctrl-c");
    let saved = dir.join("after.ron");
    let steps = dir.join("steps.txt");
    std::fs::write(
        &steps,
        format!(
            "double-click-device PC1
click-ui terminal:PC1
text ping -n 100 10.9.9.9
key Enter
frames 5
wait 5
key Ctrl+C
frames 5
expect PC1 Control-C
expect PC1 Ping statistics for 10.9.9.9:
text ipconfig 192.168.1.11 255.255.255.0 192.168.1.1
key Enter
click-ui menu:file
click-ui file:save_as
click-ui dialog:file_name
key Ctrl+A
text {}
click-ui dialog:ok
quit
",
            saved.display()
        ),
    )
    .unwrap();
    let lab = root().join("labs/two-lans.ron");
    let out = app(&[lab.as_os_str(), "--steps".as_ref(), steps.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the app failed ({:?}):\n{stderr}", out.status);
    assert!(!stderr.contains("step failed"), "{stderr}");
    // The prompt came back: the next line typed took effect.
    let text = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("nothing saved ({e}):\n{stderr}"));
    assert!(text.contains("ipconfig 192.168.1.11 255.255.255.0 192.168.1.1"), "{text}");
}

/// A host's Config tab sets its IPv6 address and gateway as `ipv6config`
/// does, and the file saved afterwards keeps it.
#[test]
fn the_config_tab_sets_a_hosts_ipv6() {
    if skipped() {
        return;
    }
    let dir = tempdir("gui-ipv6");
    let saved = dir.join("after.ron");
    let steps = dir.join("steps.txt");
    std::fs::write(
        &steps,
        format!(
            "open PC1
click-ui tab:PC1:config
frames 5
click-ui config:PC1:ipv6_static
click-ui config:PC1:ipv6_address
key Ctrl+A
text 2001:db8:acad:1::50/64
click-ui config:PC1:ipv6_gateway
key Ctrl+A
text fe80::1
click-ui config:PC1:apply_ipv6
frames 5
click-ui config:PC1:ipv6_auto
click-ui config:PC1:ipv6_static
frames 2
click-ui menu:file
click-ui file:save_as
click-ui dialog:file_name
key Ctrl+A
text {}
click-ui dialog:ok
quit
",
            saved.display()
        ),
    )
    .unwrap();
    let lab = root().join("labs/ipv6-slaac.ron");
    let out = app(&[lab.as_os_str(), "--steps".as_ref(), steps.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the app failed ({:?}):\n{stderr}", out.status);
    assert!(!stderr.contains("step failed"), "{stderr}");
    let text = std::fs::read_to_string(&saved).expect("saved");
    assert!(text.contains("ipv6config 2001:db8:acad:1::50/64 fe80::1"), "{text}");
}

/// Simulation mode driven as a student would: a simple PDU from PC1 to PC2
/// (behind a switch and a router), stepped, the event list checked, two
/// steps back and two forward giving the same list, and the inspector
/// opened on an ARP reply. The screenshot shows the inspector over the
/// canvas and the event list.
#[test]
fn simulation_mode_steps_a_simple_pdu_back_and_forth() {
    if skipped() {
        return;
    }
    let dir = tempdir("gui-simulation");
    let steps = dir.join("steps.txt");
    let first_nine = "sent PC1 ARP, received S1 ARP, sent S1 ARP, received R1 ARP, sent R1 ARP, received S1 ARP, sent S1 ARP, received PC1 ARP, sent PC1 ICMP";
    let forward = "click-ui sim:forward\n".repeat(6);
    std::fs::write(
        &steps,
        format!(
            "click-ui mode:simulation
frames 3
click-ui filter:ARP
click-ui filter:ICMP
click-ui sim:pdu
click-device PC1
click-device PC2
{forward}expect-events {first_nine}
expect-event-count 11
click-ui sim:back
click-ui sim:back
expect-event-count 7
click-ui sim:forward
click-ui sim:forward
expect-event-count 11
expect-events {first_nine}
click-ui event:5
frames 3
"
        ),
    )
    .unwrap();
    let shot = dir.join("inspector.png");
    let lab = root().join("tests/labs/simulation.ron");
    let out = app(&[lab.as_os_str(), "--steps".as_ref(), steps.as_os_str(), "--screenshot".as_ref(), shot.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the app failed ({:?}):\n{stderr}", out.status);
    assert!(!stderr.contains("step failed"), "{stderr}");
    let img = decode(&shot);
    assert_eq!((img.0, img.1), (1600, 900));
}

/// Pixels of the flash's pale yellow in a screenshot.
fn flash_pixels(img: &(u32, u32, Vec<u8>, usize)) -> usize {
    let (_, _, buf, ch) = img;
    buf.chunks(*ch).filter(|p| p[0] > 230 && p[1] > 220 && (110..190).contains(&p[2])).count()
}

#[test]
fn realtime_traffic_flashes_on_the_cables_it_crosses_unless_turned_off() {
    if skipped() {
        return;
    }
    let dir = tempdir("gui-flashes");
    let mut counts = Vec::new();
    for (name, off) in [("on", ""), ("off", "click-ui menu:view\nclick-ui view:flashes\nkey Escape\n")] {
        // The ping last, so the screenshot that follows shows its flash.
        let steps = format!("{off}frames 25\ntype PC1 ping -n 1 192.168.1.1\nwait 1\n");
        counts.push(flash_pixels(&run_steps(&dir, name, "simulation.ron", &steps)));
    }
    assert!(counts[0] > 500, "PC1-S1 and S1-R1 flash: {counts:?}");
    assert_eq!(counts[1], 0, "turned off in the View menu: {counts:?}");
}

#[test]
fn a_complex_tcp_pdu_from_the_form_opens_a_connection_step_by_step() {
    if skipped() {
        return;
    }
    let dir = tempdir("gui-complex");
    // The form's default: 4 connections, a second apart, 17 TCP segments each.
    let forward = "click-ui sim:forward\n".repeat(75);
    let steps = format!(
        "click-ui mode:simulation
frames 3
click-ui filter:TCP
click-ui sim:complex
frames 2
click-ui complex:from
text PC1
click-ui complex:to
text SRV1
click-ui complex:tcp
frames 2
click-ui complex:create
frames 2
expect-pdu 1 in-progress
{forward}expect-events sent PC1 TCP, received S1 TCP, sent S1 TCP, received SRV1 TCP, sent SRV1 TCP
expect-pdu 1 successful
frames 3
"
    );
    run_steps(&dir, "tcp", "simulation-server.ron", &steps);
}
