//! The vty lines of an IOS box: remote logins by Telnet (port 23) and SSH
//! (port 22), each session on one vty line with its own terminal.
//!
//! - **Which connections are taken.** The box listens on port 23 while some
//!   vty line's `transport input` allows Telnet, and on port 22 while one
//!   allows SSH and RSA keys exist (`crypto key generate rsa`); otherwise the
//!   port is closed and the client hears a reset ("% Connection refused by
//!   remote host"), as on a real box. A connection takes the lowest free
//!   line that allows its protocol and whose `access-class in` lets its
//!   source in; when there is none, its SYN is answered with a reset.
//! - **Login**, as the line says: `no login` lets the session straight in;
//!   `login` asks for the line's password ("Password required, but none
//!   set" closes the session when there is none; three wrong passwords end
//!   in "% Bad passwords"; an unanswered prompt times out after 30 s and
//!   counts as a wrong answer); `login local` asks for a user name and its
//!   password from the `username` table ("% Login invalid"). Over SSH the
//!   password comes in the protocol's authentication request, checked
//!   against the local users (a line password cannot open SSH);
//!   `ip ssh authentication-retries` failures end the session, and so does
//!   not logging in within `ip ssh time-out`. `privilege level` on the line
//!   (or a user's own level) sets where the session starts.
//! - **EXEC.** Each complete line waits in the session's queue; the network
//!   hands it to the CLI with the session's terminal swapped in (see
//!   [`crate::device::Device::serve_vty`]), and what the CLI printed goes
//!   back with the new prompt and a "your turn" mark (Telnet's Go Ahead).
//! - **Idle sessions** end after the line's `exec-timeout` (10 minutes
//!   unless set; `exec-timeout 0 0` never). A session that ends takes the
//!   remote logins it opened with it; `reload` ends them all.
//! - **Log messages** reach a session that typed `terminal monitor`.

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use super::system::{LineKind, Login};
use super::{Ios, Mode, TerminalState};
use crate::proto::decision::{Decision, LoginEnd, LoginStep};
use crate::proto::ssh;
use crate::proto::tcp::{ConnId, Event};
use crate::proto::telnet;
use crate::sim::{Duration, Time};

/// Is this a port the vty lines listen on (Telnet, SSH)?
pub fn is_vty_port(port: u16) -> bool {
    port == telnet::PORT || port == ssh::PORT
}

/// A terminal of the box: the console, or one vty line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum TerminalId {
    #[default]
    Console,
    Vty(u8),
}

/// Where a session is in logging in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// `login local`: waiting for the user name.
    Username { tries: u8 },
    /// Waiting for the password (of this user, with `login local`).
    Password { user: Option<String>, tries: u8 },
    /// SSH: the protocol is authenticating.
    SshAuth { failures: u32 },
    /// Logged in: lines go to the CLI.
    Exec,
}

#[derive(Debug)]
enum Wire {
    Telnet { decoder: telnet::Decoder, options: telnet::Options },
    Ssh(Box<ssh::Ssh>),
}

/// One remote login on a vty line.
#[derive(Debug)]
pub struct VtySession {
    pub line: u8,
    pub conn: ConnId,
    pub peer: Ipv4Addr,
    wire: Wire,
    pub stage: Stage,
    /// The session's own terminal (mode, history), swapped in while the CLI
    /// runs one of its lines.
    pub terminal: TerminalState,
    pub user: Option<String>,
    /// When the session last heard a line (for `exec-timeout` and `show users`).
    pub last_input: Time,
    pub started: Time,
    /// Bytes of a line not yet complete.
    partial: Vec<u8>,
    /// The last byte was a CR (a LF after it ends no second line).
    after_cr: bool,
    /// Complete lines waiting for the CLI.
    queue: VecDeque<String>,
    /// The CLI still runs a command for this session (a ping): the prompt
    /// waits until it ends.
    pub running: bool,
}

impl VtySession {
    pub fn is_ssh(&self) -> bool {
        matches!(self.wire, Wire::Ssh(_))
    }

    /// The SSH version the client speaks and the cipher agreed (`show ssh`).
    pub fn ssh_details(&self) -> Option<(String, String, String)> {
        let Wire::Ssh(s) = &self.wire else { return None };
        let algorithms = s.negotiated()?;
        Some(("2.0".into(), algorithms.cipher.clone(), algorithms.mac.clone()))
    }
}

/// The box's vty sessions.
#[derive(Debug, Default)]
pub struct Vty {
    pub sessions: Vec<VtySession>,
}

/// How long a session may take to log in over SSH unless `ip ssh time-out` says.
pub const SSH_TIMEOUT: Duration = Duration::from_secs(120);
/// IOS's default `exec-timeout 10 0`.
pub const EXEC_TIMEOUT: Duration = Duration::from_secs(600);

impl Ios {
    /// Listen on Telnet's and SSH's ports while some vty line would take them.
    pub(super) fn vty_sync_listeners(&mut self) {
        let telnet = self.vty_lines_allowing("telnet").next().is_some();
        // SSH runs once RSA keys exist (version 2 wants 768 bits at least).
        let keys = self.system.rsa_modulus.is_some_and(|bits| self.system.ssh_version != Some(2) || bits >= 768);
        let ssh = keys && self.vty_lines_allowing("ssh").next().is_some();
        for (on, port) in [(telnet, telnet::PORT), (ssh, ssh::PORT)] {
            if on {
                self.tcp.listen(port);
            } else {
                self.tcp.unlisten(port);
            }
        }
    }

    /// Would a connection from `peer` to `local:port` get a vty line: a free
    /// one that allows the protocol and whose `access-class in` lets it in?
    pub(super) fn vty_would_take(&self, now: Time, port: u16, peer: Ipv4Addr, local: Ipv4Addr) -> bool {
        self.free_vty_line(port).is_some_and(|line| self.access_class_admits(now, line, peer, local, port))
    }

    /// The lowest vty line free for a connection to `port` (one whose
    /// `transport input` allows Telnet or SSH, as the port says).
    fn free_vty_line(&self, port: u16) -> Option<u8> {
        let protocol = if port == ssh::PORT { "ssh" } else { "telnet" };
        self.vty_lines_allowing(protocol).find(|l| !self.vty.sessions.iter().any(|s| s.line == *l))
    }

    /// The vty line numbers whose `transport input` allows `protocol`.
    fn vty_lines_allowing<'a>(&'a self, protocol: &'a str) -> impl Iterator<Item = u8> + 'a {
        self.system.lines.iter().filter(|l| l.kind == LineKind::Vty).flat_map(move |l| {
            let allowed = match l.transport_input.as_deref() {
                None | Some("all") => true,
                Some(t) => t.split_whitespace().any(|w| w == protocol),
            };
            (l.first..=l.last).filter(move |_| allowed)
        })
    }

    pub(super) fn vty_config(&self, line: u8) -> Option<&super::LineConfig> {
        self.system.lines.iter().find(|l| l.kind == LineKind::Vty && (l.first..=l.last).contains(&line))
    }

    pub fn vty_session(&self, line: u8) -> Option<&VtySession> {
        self.vty.sessions.iter().find(|s| s.line == line)
    }

    fn session_mut(&mut self, conn: ConnId) -> Option<&mut VtySession> {
        self.vty.sessions.iter_mut().find(|s| s.conn == conn)
    }

    /// A TCP event for the vty server; returns whether it was one.
    pub(super) fn vty_event(&mut self, now: Time, e: Event) -> bool {
        match e {
            Event::Accepted { conn, port } if port == telnet::PORT || port == ssh::PORT => {
                self.vty_accept(now, conn, port);
                true
            }
            Event::Data(conn) if self.session_mut(conn).is_some() => {
                let bytes = self.tcp.take_received(conn);
                self.vty_receive(now, conn, &bytes);
                true
            }
            Event::PeerClosed(conn) if self.session_mut(conn).is_some() => {
                self.tcp.close(now, conn);
                self.vty_remove(conn);
                true
            }
            Event::Closed(conn) | Event::Reset(conn) | Event::TimedOut(conn) => self.vty_remove(conn),
            _ => false,
        }
    }

    fn vty_accept(&mut self, now: Time, conn: ConnId, port: u16) {
        let free = self.free_vty_line(port);
        let (Some(line), Some(peer)) = (free, self.tcp.conn(conn).map(|c| c.remote.0)) else {
            // Every line was taken between the SYN and the handshake's end.
            self.tcp.abort(conn);
            return;
        };
        let login = self.vty_config(line).map_or(Login::Line, |l| l.login);
        let wire = if port == ssh::PORT {
            let bits = self.system.rsa_modulus.unwrap_or(1024);
            let seed = u64::from(conn.0 as u32) << 32 | u64::from(line) | (now.nanos() << 8);
            // The host key is the box's: the same for every connection until new keys are generated.
            let key = format!("{}.{}/{bits}", self.system.hostname, self.system.domain_name.as_deref().unwrap_or(""));
            // IOS announces what `ip ssh version` allows: both (1.99), 2.0 or 1.5.
            let version = match self.system.ssh_version {
                Some(1) => "SSH-1.5-Cisco-1.25",
                Some(_) => ssh::CISCO_VERSION,
                None => "SSH-1.99-Cisco-1.25",
            };
            let server = ssh::Ssh::new(ssh::Side::Server { modulus_bits: bits }, version, seed)
                .with_host_key_seed(crate::sim::hash_name(0x5553, &key));
            Wire::Ssh(Box::new(server))
        } else {
            Wire::Telnet { decoder: telnet::Decoder::default(), options: telnet::Options::default() }
        };
        let ssh = matches!(wire, Wire::Ssh(_));
        let line_level = self.vty_config(line).and_then(|l| l.privilege).unwrap_or(1);
        let stage = match (ssh, login) {
            (true, _) => Stage::SshAuth { failures: 0 },
            (false, Login::None) => Stage::Exec,
            (false, Login::Local) => Stage::Username { tries: 0 },
            (false, Login::Line) => Stage::Password { user: None, tries: 0 },
        };
        self.vty.sessions.push(VtySession {
            line,
            conn,
            peer,
            wire,
            stage: stage.clone(),
            terminal: TerminalState {
                mode: if line_level >= 15 && login == Login::None && !ssh { Mode::PrivExec } else { Mode::UserExec },
                ..TerminalState::default()
            },
            user: None,
            last_input: now,
            started: now,
            partial: Vec::new(),
            after_cr: false,
            queue: VecDeque::new(),
            running: false,
        });
        self.note_login(conn, |line| LoginStep::Accepted { line });
        if ssh {
            self.vty_flush_ssh(now, conn);
            return;
        }
        // Telnet: the server echoes (so passwords stay hidden) and asks what
        // the terminal is; it keeps Go Ahead, which marks its turn.
        let mut hello = Vec::new();
        for (verb, option) in [
            (telnet::Verb::Will, telnet::option::ECHO),
            (telnet::Verb::Do, telnet::option::TERMINAL_TYPE),
            (telnet::Verb::Do, telnet::option::WINDOW_SIZE),
        ] {
            if let Some(Wire::Telnet { options, .. }) = self.session_mut(conn).map(|s| &mut s.wire) {
                hello.extend_from_slice(&options.offer(verb, option));
            }
        }
        self.tcp.send(now, conn, &hello);
        let mut greeting = self.motd();
        match stage {
            Stage::Exec => {
                let terminal =
                    self.vty.sessions.iter().find(|s| s.conn == conn).map(|s| s.terminal.clone()).unwrap_or_default();
                let prompt = self.prompt_in(&terminal);
                greeting.push_str(&format!("\n{prompt}"));
                self.vty_send(now, conn, &greeting, true);
                self.note_login(conn, |line| LoginStep::LoggedIn { line });
            }
            Stage::Password { .. } if self.vty_config(line).and_then(|l| l.password.as_ref()).is_none() => {
                greeting.push_str("\n\nPassword required, but none set\n");
                self.vty_send(now, conn, &greeting, false);
                self.vty_hang_up(now, conn, LoginEnd::NoPassword);
            }
            _ => {
                greeting.push_str(&self.login_banner());
                greeting.push_str("\n\nUser Access Verification\n\n");
                greeting.push_str(if matches!(stage, Stage::Username { .. }) { "Username: " } else { "Password: " });
                self.vty_send(now, conn, &greeting, true);
            }
        }
    }

    /// Tell the trace (when it is on) what a vty line did.
    fn note_login(&mut self, conn: ConnId, step: impl FnOnce(u8) -> LoginStep) {
        if self.stack.notes.is_none() {
            return;
        }
        if let Some(s) = self.vty.sessions.iter().find(|s| s.conn == conn) {
            let d = Decision::Login { peer: s.peer, ssh: s.is_ssh(), step: step(s.line) };
            self.pending_notes.push((None, d));
        }
    }

    /// The MOTD banner as a session shows it first.
    fn motd(&self) -> String {
        self.system.banner_motd.as_ref().map(|b| format!("\n{}\n", b.trim_end_matches('\n'))).unwrap_or_default()
    }

    fn login_banner(&self) -> String {
        self.system.banner_login.as_ref().map(|b| format!("\n{}\n", b.trim_end_matches('\n'))).unwrap_or_default()
    }

    /// Send text to a session (line breaks as CR LF); `turn` marks the end
    /// of the output, the prompt waiting.
    fn vty_send(&mut self, now: Time, conn: ConnId, text: &str, turn: bool) {
        let Some(s) = self.vty.sessions.iter_mut().find(|s| s.conn == conn) else { return };
        let crlf = text.replace('\n', "\r\n");
        let bytes = match &mut s.wire {
            Wire::Telnet { .. } => {
                let mut b = telnet::data(crlf.as_bytes());
                if turn {
                    b.extend_from_slice(&telnet::go_ahead());
                }
                b
            }
            Wire::Ssh(ssh) => {
                ssh.write(crlf.as_bytes(), turn);
                ssh.take_output()
            }
        };
        if !bytes.is_empty() {
            self.tcp.send(now, conn, &bytes);
        }
    }

    /// End a session from the box's side.
    fn vty_hang_up(&mut self, now: Time, conn: ConnId, why: LoginEnd) {
        self.note_login(conn, |line| LoginStep::Closed { line, why });
        if let Some(s) = self.vty.sessions.iter_mut().find(|s| s.conn == conn) {
            if let Wire::Ssh(ssh) = &mut s.wire {
                ssh.disconnect(11, "Disconnected by application");
                let bytes = ssh.take_output();
                self.tcp.send(now, conn, &bytes);
            }
        }
        self.tcp.close(now, conn);
        self.vty_remove(conn);
    }

    /// A session is over: its line is free, and the connections it opened
    /// (`telnet` from the session) go with it, as IOS clears a line.
    fn vty_remove(&mut self, conn: ConnId) -> bool {
        let Some(line) = self.vty.sessions.iter().find(|s| s.conn == conn).map(|s| s.line) else { return false };
        self.vty.sessions.retain(|s| s.conn != conn);
        if let Some(mut c) = self.clients.remove(&TerminalId::Vty(line)) {
            c.abort(&mut self.tcp);
        }
        true
    }

    /// Close every session (the box reloads): the clients hear the
    /// connection close.
    pub fn vty_close_all(&mut self, now: Time) {
        let conns: Vec<ConnId> = self.vty.sessions.iter().map(|s| s.conn).collect();
        for conn in conns {
            self.vty_hang_up(now, conn, LoginEnd::LoggedOut);
        }
        for (_, mut c) in std::mem::take(&mut self.clients) {
            c.abort(&mut self.tcp);
        }
        self.tcp_transmit(now);
    }

    fn vty_receive(&mut self, now: Time, conn: ConnId, bytes: &[u8]) {
        let Some(s) = self.session_mut(conn) else { return };
        s.last_input = now;
        let mut input = Vec::new();
        let mut replies = Vec::new();
        let mut ssh_events = Vec::new();
        match &mut s.wire {
            Wire::Telnet { decoder, options } => {
                for item in decoder.feed(bytes) {
                    match item {
                        telnet::Item::Data(d) => input.extend(d),
                        telnet::Item::Negotiation { verb, option } => {
                            if let Some(r) = options.answer(verb, option, &[telnet::option::ECHO]) {
                                replies.extend_from_slice(&r);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Wire::Ssh(ssh) => {
                ssh.feed(bytes);
                replies = ssh.take_output();
                ssh_events = ssh.take_events();
            }
        }
        if !replies.is_empty() {
            self.tcp.send(now, conn, &replies);
        }
        for e in ssh_events {
            match e {
                ssh::Event::AuthRequest { user, password } => self.vty_ssh_auth(now, conn, &user, &password),
                ssh::Event::ShellStarted => {
                    let Some(s) = self.session_mut(conn) else { return };
                    s.stage = Stage::Exec;
                    let terminal = s.terminal.clone();
                    let text = format!("{}\n{}", self.motd(), self.prompt_in(&terminal));
                    self.vty_send(now, conn, &text, true);
                }
                ssh::Event::Input(d) => input.extend(d),
                ssh::Event::Disconnected { .. } | ssh::Event::Closed => {
                    self.tcp.close(now, conn);
                    self.vty_remove(conn);
                    return;
                }
                _ => {}
            }
        }
        if !input.is_empty() {
            self.vty_input(now, conn, &input);
        }
    }

    /// Characters from the client: complete lines are answered (at login)
    /// or queued for the CLI.
    fn vty_input(&mut self, now: Time, conn: ConnId, bytes: &[u8]) {
        for &b in bytes {
            let Some(s) = self.session_mut(conn) else { return };
            let was_cr = std::mem::replace(&mut s.after_cr, b == b'\r');
            match b {
                // CR LF (and CR NUL) end one line, not two.
                b'\n' if was_cr => {}
                b'\r' | b'\n' => {
                    let line = String::from_utf8_lossy(&std::mem::take(&mut s.partial)).into_owned();
                    self.vty_line(now, conn, line);
                }
                0 => {}
                _ => s.partial.push(b),
            }
        }
    }

    fn vty_line(&mut self, now: Time, conn: ConnId, line: String) {
        let Some(s) = self.session_mut(conn) else { return };
        let stage = s.stage.clone();
        let vty = s.line;
        match stage {
            Stage::Exec => {
                // The echo of what was typed (not of a password the CLI or
                // a remote login from this session asked for); the CLI's
                // answer follows.
                let secret = matches!(s.terminal.question, Some(super::Question::EnablePassword { .. }))
                    || self.clients.get(&TerminalId::Vty(vty)).is_some_and(|c| c.is_open() && c.asks_password());
                if let Some(s) = self.session_mut(conn) {
                    s.queue.push_back(line.clone());
                }
                let echo = if secret { String::new() } else { format!("{line}\n") };
                self.vty_send(now, conn, &echo, false);
            }
            Stage::Username { tries } => {
                self.vty_send(now, conn, &format!("{line}\n"), false);
                if let Some(s) = self.session_mut(conn) {
                    s.stage = Stage::Password { user: Some(line), tries };
                }
                self.vty_send(now, conn, "Password: ", true);
            }
            Stage::Password { user, tries } => {
                let ok = self.login_ok(vty, user.as_deref(), &line);
                match ok {
                    Some(privilege) => self.vty_logged_in(now, conn, user, privilege),
                    None if tries + 1 >= 3 => {
                        let why = if user.is_some() { "\n% Login invalid\n" } else { "\n% Bad passwords\n" };
                        self.note_login(conn, |line| LoginStep::Denied { line });
                        self.vty_send(now, conn, why, false);
                        self.vty_hang_up(now, conn, LoginEnd::TooManyFailures);
                    }
                    None => {
                        self.note_login(conn, |line| LoginStep::Denied { line });
                        let (next, text) = match user {
                            Some(_) => (Stage::Username { tries: tries + 1 }, "\n% Login invalid\n\nUsername: "),
                            None => (Stage::Password { user: None, tries: tries + 1 }, "\nPassword: "),
                        };
                        if let Some(s) = self.session_mut(conn) {
                            s.stage = next;
                        }
                        self.vty_send(now, conn, text, true);
                    }
                }
            }
            Stage::SshAuth { .. } => {}
        }
    }

    /// Does this password (and user, with `login local`) open vty `line`?
    /// `Some(privilege)` when it does.
    fn login_ok(&self, line: u8, user: Option<&str>, password: &str) -> Option<u8> {
        let config = self.vty_config(line)?;
        let line_level = config.privilege.unwrap_or(1);
        match config.login {
            Login::None => Some(line_level),
            Login::Line => config.password.as_ref().filter(|p| p.matches(password)).map(|_| line_level),
            Login::Local => {
                let user = user?;
                let u = self.system.users.iter().find(|u| u.name == user)?;
                // A user's own level wins over the line's.
                u.secret.as_ref().filter(|s| s.matches(password)).map(|_| u.privilege.unwrap_or(line_level))
            }
        }
    }

    fn vty_logged_in(&mut self, now: Time, conn: ConnId, user: Option<String>, privilege: u8) {
        let Some(s) = self.session_mut(conn) else { return };
        s.stage = Stage::Exec;
        s.user = user;
        if privilege >= 15 {
            s.terminal.mode = Mode::PrivExec;
        }
        let terminal = s.terminal.clone();
        let text = format!("\n{}", self.prompt_in(&terminal));
        self.vty_send(now, conn, &text, true);
        self.note_login(conn, |line| LoginStep::LoggedIn { line });
    }

    fn vty_ssh_auth(&mut self, now: Time, conn: ConnId, user: &str, password: &str) {
        let Some(s) = self.session_mut(conn) else { return };
        let (vty, failures) = match s.stage {
            Stage::SshAuth { failures } => (s.line, failures),
            _ => return,
        };
        // SSH always names a user, checked against the local users; a line
        // password cannot open an SSH session (Cisco: "Authentication
        // through the line password is not possible with SSH").
        let login = self.vty_config(vty).map_or(Login::Line, |l| l.login);
        let ok = match login {
            Login::Line => None,
            Login::Local => self.login_ok(vty, Some(user), password),
            Login::None => self.login_ok(vty, None, password),
        };
        let retries = self.system.ssh_retries.unwrap_or(3);
        let Some(s) = self.session_mut(conn) else { return };
        let Wire::Ssh(ssh) = &mut s.wire else { return };
        match ok {
            Some(privilege) => {
                ssh.auth_result(true);
                s.user = Some(user.to_string());
                if privilege >= 15 {
                    s.terminal.mode = Mode::PrivExec;
                }
                let bytes = ssh.take_output();
                self.tcp.send(now, conn, &bytes);
                self.note_login(conn, |line| LoginStep::LoggedIn { line });
            }
            // The last failure is not answered: the session ends.
            None if failures + 1 >= retries => {
                self.note_login(conn, |line| LoginStep::Denied { line });
                self.vty_hang_up(now, conn, LoginEnd::TooManyFailures);
            }
            None => {
                s.stage = Stage::SshAuth { failures: failures + 1 };
                ssh.auth_result(false);
                let bytes = ssh.take_output();
                self.tcp.send(now, conn, &bytes);
                self.note_login(conn, |line| LoginStep::Denied { line });
            }
        }
    }

    fn vty_flush_ssh(&mut self, now: Time, conn: ConnId) {
        let Some(s) = self.session_mut(conn) else { return };
        let Wire::Ssh(ssh) = &mut s.wire else { return };
        let bytes = ssh.take_output();
        if !bytes.is_empty() {
            self.tcp.send(now, conn, &bytes);
        }
    }

    /// The next line a session typed for the CLI.
    pub fn vty_next_line(&mut self) -> Option<(u8, String)> {
        self.vty
            .sessions
            .iter_mut()
            .find(|s| !s.running && !s.queue.is_empty())
            .and_then(|s| s.queue.pop_front().map(|l| (s.line, l)))
    }

    pub fn vty_has_input(&self) -> bool {
        self.vty.sessions.iter().any(|s| !s.running && !s.queue.is_empty())
    }

    /// What the CLI printed for a session; with `done`, the command is over
    /// and the prompt follows.
    pub fn vty_output(&mut self, now: Time, line: u8, text: &str, done: bool) {
        let Some(s) = self.vty.sessions.iter_mut().find(|s| s.line == line) else { return };
        let conn = s.conn;
        s.running = !done;
        let terminal = s.terminal.clone();
        // A question (the enable password) stands in for the prompt.
        let asking = terminal.question.is_some() || terminal.banner_in_progress.is_some();
        let prompt = if done && !asking { self.prompt_in(&terminal) } else { String::new() };
        if !text.is_empty() || done {
            self.vty_send(now, conn, &format!("{text}{prompt}"), done);
            self.tcp_transmit(now);
        }
    }

    /// Log messages for the sessions that asked for them (`terminal
    /// monitor`) and wait at their prompt: the lines, then the prompt again.
    pub(crate) fn vty_monitor(&mut self, now: Time, log: &str) {
        let lines: String = log.lines().filter(|l| l.starts_with('%')).map(|l| format!("{l}\n")).collect();
        if lines.is_empty() {
            return;
        }
        let watching: Vec<(ConnId, TerminalState)> = self
            .vty
            .sessions
            .iter()
            .filter(|s| s.stage == Stage::Exec && !s.running && s.terminal.monitor)
            .map(|s| (s.conn, s.terminal.clone()))
            .collect();
        for (conn, terminal) in watching {
            let prompt = self.prompt_in(&terminal);
            self.vty_send(now, conn, &format!("\n{lines}{prompt}"), true);
        }
        self.tcp_transmit(now);
    }

    /// A session's command still runs (its prompt comes later).
    pub(super) fn vty_set_running(&mut self, line: u8) {
        if let Some(s) = self.vty.sessions.iter_mut().find(|s| s.line == line) {
            s.running = true;
        }
    }

    /// Text for a session as it is (a remote login's output passed through,
    /// with the remote prompt when `turn`).
    pub fn vty_raw(&mut self, now: Time, line: u8, text: &str, turn: bool) {
        let Some(conn) = self.vty_session(line).map(|s| s.conn) else { return };
        if let Some(s) = self.session_mut(conn) {
            s.running = !turn;
        }
        self.vty_send(now, conn, text, turn);
        self.tcp_transmit(now);
    }

    /// `exit` or `logout` at a session's EXEC: the session ends.
    pub fn vty_logout(&mut self, now: Time, line: u8, text: &str) {
        let Some(conn) = self.vty_session(line).map(|s| s.conn) else { return };
        if !text.is_empty() {
            self.vty_send(now, conn, text, false);
        }
        self.vty_hang_up(now, conn, LoginEnd::LoggedOut);
        self.tcp_transmit(now);
    }

    /// Take a session's terminal state (the CLI runs one of its lines on it).
    pub fn vty_take_terminal(&mut self, line: u8) -> TerminalState {
        self.vty
            .sessions
            .iter_mut()
            .find(|s| s.line == line)
            .map(|s| std::mem::take(&mut s.terminal))
            .unwrap_or_default()
    }

    /// Give a session its terminal state back, if the session still exists.
    pub fn vty_put_terminal(&mut self, line: u8, state: TerminalState) {
        if let Some(s) = self.vty.sessions.iter_mut().find(|s| s.line == line) {
            s.terminal = state;
        }
    }

    /// When an idle session or an SSH login runs out of time.
    pub(super) fn vty_deadline(&self) -> Option<Time> {
        self.vty.sessions.iter().filter_map(|s| self.session_deadline(s)).min()
    }

    fn session_deadline(&self, s: &VtySession) -> Option<Time> {
        match s.stage {
            // A command still running is not idleness.
            Stage::Exec if s.running => None,
            Stage::Exec => {
                let timeout = match self.vty_config(s.line).and_then(|l| l.exec_timeout) {
                    Some((0, 0)) => return None,
                    Some((m, sec)) => Duration::from_secs(u64::from(m) * 60 + u64::from(sec)),
                    None => EXEC_TIMEOUT,
                };
                Some(s.last_input + timeout)
            }
            Stage::SshAuth { .. } => {
                Some(s.started + self.system.ssh_timeout.map_or(SSH_TIMEOUT, |t| Duration::from_secs(t.into())))
            }
            // A Telnet login waits 30 s for each answer, as IOS does.
            _ => Some(s.last_input + Duration::from_secs(30)),
        }
    }

    pub(super) fn vty_poll(&mut self, now: Time, _ports: &[crate::device::Port]) -> String {
        let expired: Vec<(ConnId, Stage)> = self
            .vty
            .sessions
            .iter()
            .filter(|s| self.session_deadline(s).is_some_and(|t| t <= now))
            .map(|s| (s.conn, s.stage.clone()))
            .collect();
        for (conn, stage) in expired {
            match stage {
                Stage::Exec => {
                    self.vty_send(now, conn, "\n", false);
                    self.vty_hang_up(now, conn, LoginEnd::IdleTimeout);
                }
                // An unanswered login question counts as a wrong answer, as on IOS.
                Stage::Username { tries } | Stage::Password { tries, .. } if tries + 1 < 3 => {
                    let (word, next) = match stage {
                        Stage::Username { .. } => ("Username", Stage::Username { tries: tries + 1 }),
                        Stage::Password { user, .. } => ("Password", Stage::Password { user, tries: tries + 1 }),
                        _ => unreachable!("matched above"),
                    };
                    if let Some(s) = self.session_mut(conn) {
                        s.stage = next;
                        s.last_input = now;
                    }
                    self.vty_send(now, conn, &format!("\n% {word}:  timeout expired!\n{word}: "), true);
                }
                Stage::Username { .. } | Stage::Password { .. } => {
                    let word = if matches!(stage, Stage::Username { .. }) { "Username" } else { "Password" };
                    let end = if word == "Password" { "% Bad passwords" } else { "% Login invalid" };
                    self.vty_send(now, conn, &format!("\n% {word}:  timeout expired!\n{end}\n"), false);
                    self.vty_hang_up(now, conn, LoginEnd::LoginTimeout);
                }
                Stage::SshAuth { .. } => self.vty_hang_up(now, conn, LoginEnd::LoginTimeout),
            }
        }
        self.tcp_flush(now);
        String::new()
    }
}
