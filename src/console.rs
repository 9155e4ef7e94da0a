//! `wirelab console LAB DEVICE`: an interactive terminal on one device, as
//! over a console cable. `?` answers at once, Tab completes, the arrows walk
//! the history, Ctrl-Z leaves configuration mode. Simulated time follows the
//! wall clock between commands, so timers run while you type.

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use wirelab::cli::Terminal;

use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Cmd, ConditionalEventHandler, Editor, Event, EventContext, EventHandler, KeyEvent, RepeatCount};

use wirelab::base::{DeviceId, Model};
use wirelab::cli::ios::{complete_in, help_text};
use wirelab::device::{Mode, Role};
use wirelab::net::Network;
use wirelab::script::COMMAND_BUDGET;
use wirelab::sim::{Duration, Time};

/// What the line editor needs to know about the device between commands.
#[derive(Clone)]
struct Snapshot {
    model: Model,
    /// `None` on a host: its prompt has no `?` or Tab.
    mode: Option<Mode>,
    prompt_len: usize,
    ctrl_z: bool,
}

type Shared = Arc<Mutex<Snapshot>>;

struct Help(Shared);

impl ConditionalEventHandler for Help {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        let s = self.0.lock().ok()?.clone();
        let mode = s.mode?;
        let before = &ctx.line()[..ctx.pos()];
        let text = help_text(s.model, &mode, before, s.prompt_len);
        // The terminal is in raw mode: lines end in CR LF.
        let mut out = std::io::stdout();
        let _ = write!(out, "?\r\n{}", text.replace('\n', "\r\n"));
        let _ = out.flush();
        Some(Cmd::Repaint)
    }
}

struct CtrlZ(Shared);

impl ConditionalEventHandler for CtrlZ {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        if let Ok(mut s) = self.0.lock() {
            s.ctrl_z = true;
        }
        Some(Cmd::Interrupt)
    }
}

struct Completion(Shared);

impl Completer for Completion {
    type Candidate = String;
    fn complete(&self, line: &str, pos: usize, _: &rustyline::Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let Ok(s) = self.0.lock() else { return Ok((pos, Vec::new())) };
        let Some(mode) = &s.mode else { return Ok((pos, Vec::new())) };
        match complete_in(s.model, mode, &line[..pos]) {
            Some(full) => Ok((0, vec![full])),
            None => Ok((pos, Vec::new())),
        }
    }
}
impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {}
impl Validator for Completion {}
impl rustyline::Helper for Completion {}

fn snapshot(net: &Network, id: DeviceId) -> Snapshot {
    let d = net.device(id);
    let mode = match &d.role {
        Role::Ios(i) => Some(i.terminal.mode.clone()),
        Role::Host(_) => None,
    };
    Snapshot { model: d.model, mode, prompt_len: d.prompt().len(), ctrl_z: false }
}

/// Run the console until end of input. Returns the network for saving.
pub fn run(mut net: Network, id: DeviceId) -> rustyline::Result<Network> {
    let shared: Shared = Arc::new(Mutex::new(snapshot(&net, id)));
    let mut editor: Editor<Completion, DefaultHistory> = Editor::new()?;
    editor.set_helper(Some(Completion(shared.clone())));
    editor.bind_sequence(KeyEvent::from('?'), EventHandler::Conditional(Box::new(Help(shared.clone()))));
    editor.bind_sequence(KeyEvent::ctrl('Z'), EventHandler::Conditional(Box::new(CtrlZ(shared.clone()))));
    let start = Instant::now();
    let name = net.device(id).name.clone();
    println!("{name} con0 is now available\n\nPress RETURN to get started.\n");
    loop {
        // Time passes while the user types.
        let wall = Time::ZERO + Duration::from_secs_f64(start.elapsed().as_secs_f64());
        if wall > net.now() {
            net.run_until(wall);
        }
        print!("{}", net.take_console(id));
        let _ = std::io::stdout().flush();
        *shared.lock().expect("not poisoned") = snapshot(&net, id);
        let device = net.device(id);
        // After a question ("Password: ") the answer is typed on the same line.
        let prompt = if device.pending_question().is_some() { String::new() } else { device.prompt() };
        match editor.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() && device.pending_question() != Some(true) {
                    let _ = editor.add_history_entry(line.as_str());
                }
                net.type_line(id, &line);
                net.run_while_busy(id, COMMAND_BUDGET);
            }
            Err(rustyline::error::ReadlineError::Interrupted) => {
                let ctrl_z = std::mem::replace(&mut shared.lock().expect("not poisoned").ctrl_z, false);
                if ctrl_z {
                    println!("^Z");
                    net.type_line(id, "\u{1a}");
                }
            }
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        }
    }
    print!("{}", net.take_console(id));
    Ok(net)
}
