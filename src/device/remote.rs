//! The client end of a remote login: `telnet ADDR` and `ssh -l USER ADDR`,
//! typed at a PC's prompt or at an IOS box's EXEC. One session rides one TCP
//! connection; the remote box's CLI answers in the local terminal.
//!
//! Lines go out whole (the local terminal edits them), with CR LF. The
//! remote side says when its output is complete and it waits for the next
//! line: Telnet's Go Ahead after each prompt (RFC 854's own meaning of GA),
//! and over SSH the message the server sends after a prompt (see
//! [`crate::proto::ssh`]). What came before the last line break is printed;
//! what follows it (`R1>`, `Password: `) becomes the local terminal's prompt.
//! The remote side echoes what it is sent, as IOS does; the echo of the line
//! just sent is not printed twice.

use std::net::Ipv4Addr;

use crate::proto::tcp::{ConnId, Event, Tcp};
use crate::proto::{ssh, telnet};
use crate::sim::Time;

/// Which client, for its messages: a PC's (as Packet Tracer's) or IOS's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Pc,
    Ios,
}

/// How the session reaches the remote box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Telnet,
    Ssh { user: String },
}

impl Via {
    pub fn port(&self) -> u16 {
        match self {
            Via::Telnet => telnet::PORT,
            Via::Ssh { .. } => ssh::PORT,
        }
    }
}

#[derive(Debug)]
enum Codec {
    Telnet { decoder: telnet::Decoder, options: telnet::Options },
    Ssh(Box<ssh::Ssh>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Connecting,
    Open,
    Closed,
}

/// One remote login from this terminal.
#[derive(Debug)]
pub struct RemoteSession {
    pub conn: ConnId,
    pub addr: Ipv4Addr,
    flavor: Flavor,
    codec: Codec,
    pub phase: Phase,
    /// Text for the local terminal, not shown yet.
    printed: String,
    /// Text received since the remote side's last turn.
    partial: String,
    /// Where the remote side left its cursor: the local terminal's prompt.
    pub prompt: String,
    /// A line went out (or the connection is opening): the terminal waits
    /// for the remote side's turn.
    waiting: bool,
    /// The line just sent, whose echo is not printed again.
    echo: Option<String>,
    /// SSH: the client asks for the password itself (`Password: `).
    asking_password: bool,
    /// SSH: authentication succeeded at least once (a later disconnect is
    /// a closed session, not a failed login).
    authenticated: bool,
    /// SSH: the password was asked for (the key exchange got that far).
    asked_password: bool,
    /// Lines typed before the remote side's turn (type-ahead), sent in order.
    typed_ahead: std::collections::VecDeque<String>,
    /// The last byte received was a CR (its LF is the same line break).
    after_cr: bool,
}

impl RemoteSession {
    /// Open the connection from `src`; `seed` makes the SSH exchange's
    /// random fields reproducible.
    pub fn start(
        now: Time,
        tcp: &mut Tcp,
        (src, dst): (Ipv4Addr, Ipv4Addr),
        via: Via,
        flavor: Flavor,
        seed: u64,
    ) -> RemoteSession {
        let conn = tcp.connect(now, src, dst, via.port());
        let codec = match &via {
            Via::Telnet => Codec::Telnet { decoder: telnet::Decoder::default(), options: telnet::Options::default() },
            Via::Ssh { user } => {
                let version = match flavor {
                    Flavor::Pc => ssh::WINDOWS_VERSION,
                    Flavor::Ios => ssh::CISCO_VERSION,
                };
                Codec::Ssh(Box::new(ssh::Ssh::new(ssh::Side::Client { user: user.clone() }, version, seed)))
            }
        };
        let printed = match (&via, flavor) {
            (Via::Telnet, Flavor::Ios) => format!("Trying {dst} ... "),
            (Via::Telnet, Flavor::Pc) => format!("Trying {dst} ..."),
            (Via::Ssh { .. }, _) => String::new(),
        };
        RemoteSession {
            conn,
            addr: dst,
            flavor,
            codec,
            phase: Phase::Connecting,
            printed,
            partial: String::new(),
            prompt: String::new(),
            waiting: true,
            echo: None,
            asking_password: false,
            authenticated: false,
            asked_password: false,
            typed_ahead: Default::default(),
            after_cr: false,
        }
    }

    /// Is the terminal waiting for the remote side?
    pub fn busy(&self) -> bool {
        self.phase != Phase::Closed && self.waiting
    }

    pub fn is_open(&self) -> bool {
        self.phase != Phase::Closed
    }

    /// Does the remote side (or the SSH client) ask for a password, which
    /// the terminal does not echo?
    pub fn asks_password(&self) -> bool {
        self.asking_password || self.prompt.trim_end().ends_with("Password:")
    }

    /// Is the terminal asked a question (`Username: `, `Password: `) rather
    /// than shown a command prompt? A question is printed with the output,
    /// as the box's own questions are; a prompt is the terminal's to draw.
    pub fn is_question(&self) -> bool {
        self.prompt.trim_end().ends_with(':')
    }

    pub fn take_printed(&mut self) -> String {
        std::mem::take(&mut self.printed)
    }

    /// A line typed at the local terminal.
    pub fn send_line(&mut self, now: Time, tcp: &mut Tcp, line: &str) {
        if self.phase == Phase::Closed {
            return;
        }
        if self.phase != Phase::Open || self.waiting {
            // Typed ahead: it goes when the remote side takes its turn.
            self.typed_ahead.push_back(line.to_string());
            return;
        }
        let password = self.asks_password();
        self.echo = (!password).then(|| line.to_string());
        self.waiting = true;
        match &mut self.codec {
            Codec::Telnet { .. } => {
                let mut bytes = telnet::data(line.as_bytes());
                bytes.extend_from_slice(b"\r\n");
                tcp.send(now, self.conn, &bytes);
            }
            Codec::Ssh(s) if self.asking_password => {
                self.asking_password = false;
                self.prompt.clear();
                s.password(line);
                tcp.send(now, self.conn, &s.take_output());
            }
            Codec::Ssh(s) => {
                let mut bytes = line.as_bytes().to_vec();
                bytes.extend_from_slice(b"\r\n");
                s.send(&bytes);
                tcp.send(now, self.conn, &s.take_output());
            }
        }
    }

    /// Give up (Ctrl+Shift+6 then `disconnect`, or the terminal closing).
    pub fn abort(&mut self, tcp: &mut Tcp) {
        if self.phase != Phase::Closed {
            tcp.abort(self.conn);
            self.phase = Phase::Closed;
        }
    }

    /// Act on a TCP event; returns whether it was this session's.
    pub fn on_event(&mut self, now: Time, tcp: &mut Tcp, e: Event) -> bool {
        let ours = match e {
            Event::Connected(c)
            | Event::Data(c)
            | Event::PeerClosed(c)
            | Event::Closed(c)
            | Event::Reset(c)
            | Event::TimedOut(c) => c == self.conn,
            Event::Accepted { .. } => false,
        };
        if !ours || self.phase == Phase::Closed {
            return ours;
        }
        match e {
            Event::Connected(_) => {
                self.phase = Phase::Open;
                match &mut self.codec {
                    Codec::Telnet { .. } => self.printed.push_str("Open\n"),
                    Codec::Ssh(s) => tcp.send(now, self.conn, &s.take_output()),
                }
            }
            Event::Data(_) => {
                let bytes = tcp.take_received(self.conn);
                self.receive(now, tcp, &bytes);
                if !self.waiting && self.phase == Phase::Open {
                    if let Some(line) = self.typed_ahead.pop_front() {
                        self.send_line(now, tcp, &line);
                    }
                }
            }
            Event::Reset(_) if self.phase == Phase::Connecting => {
                self.end("\n% Connection refused by remote host\n");
            }
            Event::TimedOut(_) if self.phase == Phase::Connecting => {
                self.end("\n% Connection timed out; remote host not responding\n");
            }
            Event::PeerClosed(_) => {
                tcp.close(now, self.conn);
                self.closed_by_peer();
            }
            _ => self.closed_by_peer(),
        }
        true
    }

    fn receive(&mut self, now: Time, tcp: &mut Tcp, bytes: &[u8]) {
        match &mut self.codec {
            Codec::Telnet { decoder, options } => {
                let mut turn = false;
                let mut replies = Vec::new();
                for item in decoder.feed(bytes) {
                    match item {
                        telnet::Item::Data(d) => push_text(&mut self.partial, &mut self.after_cr, &d),
                        telnet::Item::Negotiation { verb, option } => {
                            // A client echoes nothing itself; it lets the server echo.
                            if let Some(r) = options.answer(verb, option, &[telnet::option::ECHO]) {
                                replies.extend_from_slice(&r);
                            }
                        }
                        telnet::Item::GoAhead => turn = true,
                        _ => {}
                    }
                }
                if !replies.is_empty() {
                    tcp.send(now, self.conn, &replies);
                }
                if turn {
                    self.turn();
                }
            }
            Codec::Ssh(s) => {
                s.feed(bytes);
                let out = s.take_output();
                let events = s.take_events();
                if !out.is_empty() {
                    tcp.send(now, self.conn, &out);
                }
                for e in events {
                    self.ssh_event(now, tcp, e);
                }
            }
        }
    }

    fn ssh_event(&mut self, now: Time, tcp: &mut Tcp, e: ssh::Event) {
        match e {
            ssh::Event::PasswordNeeded => self.ask_password(),
            ssh::Event::AuthFailed => {
                if self.flavor == Flavor::Pc {
                    self.printed.push_str("\n% Login invalid\n\n");
                } else {
                    self.printed.push('\n');
                }
                self.ask_password();
            }
            ssh::Event::SessionOpen => self.authenticated = true,
            ssh::Event::Data(d) => push_text(&mut self.partial, &mut self.after_cr, &d),
            ssh::Event::Turn => self.turn(),
            ssh::Event::Disconnected { description, .. } if !self.asked_password => {
                // The two ends never got as far as a login: say why.
                self.printed.push_str(&format!("\n% {description}\n"));
                tcp.close(now, self.conn);
                self.closed_by_peer();
            }
            ssh::Event::Disconnected { .. } | ssh::Event::Closed => {
                if !self.authenticated {
                    self.printed.push_str("\n% Authentication failed.\n");
                }
                tcp.close(now, self.conn);
                self.closed_by_peer();
            }
            _ => {}
        }
    }

    /// The SSH client asks for the password itself.
    fn ask_password(&mut self) {
        self.asked_password = true;
        self.asking_password = true;
        self.prompt = "Password: ".into();
        self.printed.push_str(&self.prompt);
        self.waiting = false;
    }

    /// The remote side's turn: its output is complete, its prompt waits.
    fn turn(&mut self) {
        let mut text = std::mem::take(&mut self.partial);
        // A turn that does not start with the echo of the line just sent is
        // not its answer but a message the box sent meanwhile (a log line
        // to a `terminal monitor` session): shown, and the wait goes on.
        if let Some(echo) = &self.echo {
            if self.waiting && !text.starts_with(echo.as_str()) {
                if let Some(p) = text.rfind('\n') {
                    self.printed.push_str(&text[..=p]);
                }
                return;
            }
        }
        if let Some(echo) = self.echo.take() {
            if let Some(rest) = text.strip_prefix(echo.as_str()) {
                text = rest.strip_prefix('\n').unwrap_or(rest).to_string();
            }
        }
        match text.rfind('\n') {
            Some(p) => {
                self.prompt = text[p + 1..].to_string();
                self.printed.push_str(&text[..=p]);
            }
            None => self.prompt = text,
        }
        if self.is_question() {
            self.printed.push_str(&self.prompt);
        }
        self.waiting = false;
    }

    fn closed_by_peer(&mut self) {
        // What came after the last turn (the last words before closing) is shown.
        let rest = std::mem::take(&mut self.partial);
        let rest = match self.echo.take() {
            Some(echo) => {
                rest.strip_prefix(echo.as_str()).map(|r| r.trim_start_matches('\n').to_string()).unwrap_or(rest)
            }
            None => rest,
        };
        self.printed.push_str(&rest);
        if !self.printed.is_empty() && !self.printed.ends_with('\n') {
            self.printed.push('\n');
        }
        let addr = self.addr;
        self.end(&format!("\n[Connection to {addr} closed by foreign host]\n"));
    }

    fn end(&mut self, message: &str) {
        self.printed.push_str(message);
        self.prompt.clear();
        self.phase = Phase::Closed;
        self.waiting = false;
    }
}

/// Text from the wire as the terminal shows it: CR LF, a lone CR and a lone
/// LF each become one line break; NUL (sent after a bare CR, RFC 854) and
/// other controls but the tab are dropped. `after_cr` carries across
/// segments, which may split a CR LF.
fn push_text(out: &mut String, after_cr: &mut bool, bytes: &[u8]) {
    for &b in bytes {
        let was_cr = std::mem::replace(after_cr, b == b'\r');
        match b {
            b'\r' => out.push('\n'),
            b'\n' if was_cr => {}
            b'\n' => out.push('\n'),
            b'\t' => out.push('\t'),
            0x20..=0x7e => out.push(b as char),
            0x80.. => out.push(char::from(b)),
            _ => {}
        }
    }
}
