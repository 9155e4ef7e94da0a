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
