//! Scripts for `wirelab run`: lines typed at device terminals (`@DEVICE` to
//! switch), `@wait SECONDS` to let simulated time pass, `#` comments. Running a
//! script produces the transcript a terminal would show.

use crate::base::DeviceId;
use crate::cli::Terminal;
use crate::net::Network;
use crate::sim::Duration;

/// One step of a script.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Type at this device from now on.
    Select {
        device: DeviceId,
        line: usize,
    },
    Type {
        text: String,
    },
    Wait {
        seconds: f64,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct ScriptError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// How long a ping or traceroute may take before the terminal gives up on it.
pub const COMMAND_BUDGET: Duration = Duration::from_secs(600);

/// Parse a script against a network's device names.
pub fn parse(text: &str, file: &str, net: &Network) -> Result<Vec<Step>, ScriptError> {
    let mut steps = Vec::new();
    let mut selected = false;
    // A byte-order mark (as Windows Notepad saves UTF-8) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let err = |message: String| ScriptError { file: file.to_string(), line: line_no, message };
        let trimmed = raw.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        if let Some(directive) = trimmed.strip_prefix('@') {
            let directive = directive.split('#').next().unwrap_or("").trim();
            let mut words = directive.split_whitespace();
            match (words.next(), words.next()) {
                (Some(w), Some(secs)) if w.eq_ignore_ascii_case("wait") => {
                    let seconds: f64 =
                        secs.parse().ok().filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s <= 1e7).ok_or_else(
                            || err(format!("`@wait {secs}`: seconds must be a number from 0 to 10000000")),
                        )?;
                    steps.push(Step::Wait { seconds });
                }
                (Some(name), None) => {
                    let device = net.find(name).ok_or_else(|| err(format!("unknown device `{name}`")))?;
                    steps.push(Step::Select { device, line: line_no });
                    selected = true;
                }
                _ => return Err(err(format!("`@{directive}` is neither `@DEVICE` nor `@wait SECONDS`"))),
            }
            continue;
        }
        if !selected {
            if trimmed.is_empty() {
                continue;
            }
            return Err(err("no device selected: start with a line `@DEVICE`".into()));
        }
        // A terminal takes a line of at most 4096 bytes; longer is a mistake
        // to report, not to cut silently.
        if raw.len() > crate::cli::MAX_LINE_BYTES {
            return Err(err(format!(
                "the line is {} bytes; a terminal takes at most {} bytes a line",
                raw.len(),
                crate::cli::MAX_LINE_BYTES
            )));
        }
        steps.push(Step::Type { text: raw.to_string() });
    }
    Ok(steps)
}

/// Run parsed steps, appending what the terminals show to `transcript`.
pub fn run(net: &mut Network, steps: &[Step], transcript: &mut String) {
    let mut current: Option<DeviceId> = None;
    for step in steps {
        match step {
            Step::Select { device, .. } => {
                current = Some(*device);
                let name = net.device(*device).name.clone();
                transcript.push_str(&format!("@{name}\n"));
                transcript.push_str(&net.take_console(*device));
            }
            Step::Wait { seconds } => {
                transcript.push_str(&format!("@wait {seconds}\n"));
                net.run_for(Duration::from_secs_f64(*seconds));
            }
            Step::Type { text } => {
                let Some(id) = current else { continue };
                type_and_show(net, id, text, transcript);
            }
        }
    }
}

/// Type a line at a device as a person would and append the screen to `transcript`.
pub fn type_and_show(net: &mut Network, id: DeviceId, text: &str, transcript: &mut String) {
    match net.device(id).pending_question() {
        // The question is already on screen; a password or a confirmation is not echoed.
        Some(true) => {}
        Some(false) => {
            transcript.push_str(text);
            transcript.push('\n');
        }
        None => {
            let prompt = net.device(id).prompt();
            transcript.push_str(&prompt);
            // Ctrl-Z shows as ^Z, as terminals echo it.
            transcript.push_str(&text.replace('\u{1a}', "^Z"));
            transcript.push('\n');
        }
    }
    net.type_line(id, text);
    net.run_while_busy(id, COMMAND_BUDGET);
    transcript.push_str(&net.take_console(id));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        let lab =
            crate::lab::parse(r#"Lab(title: "s", devices: [Device(name: "PC1", model: Pc)], links: [])"#, "s.ron")
                .unwrap();
        crate::lab::build(&lab).unwrap().0
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_line() {
        let steps = parse("\u{feff}@PC1\nipconfig\n", "bom.txt", &net()).unwrap();
        assert!(matches!(steps[..], [Step::Select { line: 1, .. }, Step::Type { .. }]), "{steps:?}");
    }

    #[test]
    fn a_line_too_long_for_a_terminal_is_an_error_not_cut() {
        let text = format!("@PC1\n{}\n", "x".repeat(5000));
        let e = parse(&text, "long.txt", &net()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("5000 bytes") && e.message.contains("4096"), "{e}");
    }
}
