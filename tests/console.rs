//! `wirelab console` driven in a real terminal (tmux): `?` answered at once,
//! Tab completion, Ctrl-Z, and --save on exit.

mod common;
use common::*;

use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Type keys, then give the console a moment (typeahead is dropped while the
/// line editor switches terminal modes, as on a real serial console).
fn keys(session: &str, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", session];
    args.extend_from_slice(keys);
    tmux(&args);
    sleep(Duration::from_millis(300));
}

#[test]
fn console_in_a_real_terminal() {
    if !tool_available("tmux", "the terminal test") {
        return;
    }
    let dir = tempdir("console");
    let saved = dir.join("saved.ron");
    let session = format!("wirelab-console-{}", std::process::id());
    let cmd = format!(
        "{} console {} R1 --save {}",
        bin().display(),
        root().join("labs/two-lans.ron").display(),
        saved.display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "100", "-y", "60", &cmd]);
    sleep(Duration::from_millis(800));
    keys(&session, &["Enter"]);
    keys(&session, &["en", "Enter"]);
    keys(&session, &["conf t", "Enter"]);
    keys(&session, &["int g0/0/0", "Enter"]);
    keys(&session, &["ip add ?"]);
    keys(&session, &["192.168.1.1 255.255.255.0", "Enter"]);
    keys(&session, &["no shut", "Enter"]);
    keys(&session, &["C-z"]);
    keys(&session, &["sh ip int b", "Tab"]);
    keys(&session, &["Enter"]);
    let screen = tmux(&["capture-pane", "-t", &session, "-p", "-S", "-100"]);
    keys(&session, &["C-d"]);
    sleep(Duration::from_millis(500));
    tmux(&["kill-session", "-t", &session]);
    assert!(screen.contains("R1(config-if)#ip add ?\n  A.B.C.D     IP address"), "? answered without Enter:\n{screen}");
    assert!(
        screen.contains("R1(config-if)#ip add 192.168.1.1 255.255.255.0"),
        "the line kept what was typed before ?:\n{screen}"
    );
    assert!(
        screen.contains("%SYS-5-CONFIG_I: Configured from console by console"),
        "Ctrl-Z left configuration mode:\n{screen}"
    );
    assert!(screen.contains("R1#sh ip int brief"), "Tab completed `b` to `brief`:\n{screen}");
    assert!(screen.contains("GigabitEthernet0/0/0   192.168.1.1     YES manual up                    up"), "{screen}");
    let text = std::fs::read_to_string(&saved).expect("--save wrote the lab");
    assert!(text.contains("ip address 192.168.1.1 255.255.255.0"), "{text}");
}
