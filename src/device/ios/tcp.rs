//! TCP on an IOS box: every segment for the box comes here; closed ports
//! answer with a reset, as IOS does. On top: `ip http server` on port 80
//! (asking for a login, so an anonymous request gets 401), the vty lines'
//! Telnet and SSH servers ([`super::vty`]), and the remote logins the box's
//! terminals open (`telnet`, `ssh`, a mistyped word taken for a host name).

use super::vty::TerminalId;
use super::*;
use crate::device::remote::{Flavor, RemoteSession, Via};
use crate::device::web::WebServer;
use crate::proto::http;
use smoltcp::wire::IpProtocol;

/// The port a segment opening a connection (SYN without ACK) asks for.
fn opening_port(segment: &[u8]) -> Option<u16> {
    let t = smoltcp::wire::TcpPacket::new_checked(segment).ok()?;
    (t.syn() && !t.ack()).then(|| t.dst_port())
}

impl Ios {
    /// A TCP segment for the box (the `IP_SERVICES` table sends it here).
    pub(super) fn tcp_segment(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        // Segments to a broadcast address get no answer, not even a reset.
        if !self.stack.is_local(p.dst) {
            return;
        }
        // A connection to the vty lines is refused at once (a reset to its
        // SYN) when no line would take it: all busy, or `access-class`.
        if let Some(port) = opening_port(&p.bytes).filter(|&port| self.tcp.listening(port)) {
            if super::vty::is_vty_port(port) && !self.vty_would_take(now, port, p.src, p.dst) {
                self.tcp.unlisten(port);
                self.tcp.receive(now, p.src, p.dst, &p.bytes);
                self.tcp.listen(port);
                self.tcp_flush(now);
                return;
            }
        }
        self.tcp.receive(now, p.src, p.dst, &p.bytes);
        self.tcp_flush(now);
    }

    /// Open a remote login from the terminal the CLI runs for; what it hears
    /// later (the remote prompt, its output) reaches that terminal. Returns
    /// what to print now: "Trying ADDR ..." when `announce` (the CLI may
    /// have said it already), or why no connection can start.
    pub fn open_remote(&mut self, now: Time, dst: Ipv4Addr, via: Via, announce: bool) -> String {
        if let TerminalId::Vty(line) = self.active {
            if !self.access_class_out_admits(now, line, dst) {
                return "% Connections to that host not permitted from this terminal\n".into();
            }
        }
        let Ok(src) = self.stack.source_for(dst) else {
            let text = if announce { format!("Trying {dst} ... \n") } else { String::new() };
            return format!("{text}% Destination unreachable; gateway or host down\n");
        };
        let seed = (u64::from(u32::from(src)) << 32 | u64::from(u32::from(dst))) ^ now.nanos();
        let mut session = RemoteSession::start(now, &mut self.tcp, (src, dst), via, Flavor::Ios, seed);
        let printed = session.take_printed();
        self.clients.insert(self.active, session);
        self.tcp_flush(now);
        if announce {
            printed
        } else {
            String::new()
        }
    }

    /// A line typed at a terminal whose remote login is open.
    pub fn remote_line(&mut self, now: Time, owner: TerminalId, line: &str) {
        if let Some(c) = self.clients.get_mut(&owner) {
            c.send_line(now, &mut self.tcp, line);
        }
        if let TerminalId::Vty(l) = owner {
            // The session waits for the remote box's answer before its next line.
            self.vty_set_running(l);
        }
        self.tcp_flush(now);
    }

    /// Is the terminal waiting for its remote login to answer?
    pub fn connecting(&self) -> bool {
        self.clients.get(&self.active).is_some_and(RemoteSession::busy)
    }

    /// Give up the terminal's remote login (Ctrl+Shift+6): the connection is reset.
    pub(super) fn abandon_attempt(&mut self, now: Time) {
        if let Some(mut c) = self.clients.remove(&self.active) {
            c.abort(&mut self.tcp);
            self.terminal_print(now, self.active, &c.take_printed());
            self.tcp_flush(now);
        }
    }

    /// Print at one of the box's terminals: the console's log, or a vty session.
    pub(super) fn terminal_print(&mut self, now: Time, owner: TerminalId, text: &str) {
        match owner {
            TerminalId::Console => self.pending_log.push_str(text),
            TerminalId::Vty(line) => self.vty_output(now, line, text, false),
        }
    }

    /// `ip http server` on or off.
    pub fn set_http_server(&mut self, on: bool) {
        self.system.http_server = on;
        if on {
            self.tcp.listen(http::PORT);
            let site = http::Site { realm: Some("level_15_access".into()), ..http::Site::default() };
            self.web.get_or_insert_with(|| WebServer::new(site));
        } else {
            self.tcp.unlisten(http::PORT);
            self.web = None;
        }
    }

    pub(super) fn tcp_deadline(&self) -> Option<Time> {
        self.tcp_due
    }

    pub(super) fn tcp_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        self.tcp.poll(now);
        self.tcp_flush(now);
        String::new()
    }

    pub(super) fn tcp_flush(&mut self, now: Time) {
        // An application's answer may raise more events (a reset closing a session).
        for _ in 0..8 {
            for e in std::mem::take(&mut self.tcp.events) {
                if let Some(w) = self.web.as_mut() {
                    if w.on_event(now, &mut self.tcp, e) {
                        continue;
                    }
                }
                if self.vty_event(now, e) {
                    continue;
                }
                let mut ended = None;
                for (owner, c) in self.clients.iter_mut() {
                    if c.on_event(now, &mut self.tcp, e) {
                        ended = Some(*owner);
                        break;
                    }
                }
                if let Some(owner) = ended {
                    self.client_progress(now, owner);
                }
            }
            if self.tcp.events.is_empty() {
                break;
            }
        }
        self.tcp_transmit(now);
    }

    /// Send the segments TCP queued (for callers outside [`Ios::tcp_flush`]:
    /// a vty session's output written when a ping it ran prints).
    pub(super) fn tcp_transmit(&mut self, now: Time) {
        for seg in std::mem::take(&mut self.tcp.out) {
            let len = seg.segment.len();
            let _ = self
                .stack
                .originate(now, seg.src, seg.dst, IpProtocol::Tcp, None, len, |b| b.copy_from_slice(&seg.segment));
        }
        self.tcp_due = self.tcp.poll_at();
        self.refresh_due();
    }

    /// A remote login heard from the far end: what it printed goes to the
    /// terminal that opened it; a vty session gets its prompt back when the
    /// remote one waits (or is gone).
    fn client_progress(&mut self, now: Time, owner: TerminalId) {
        let Some(c) = self.clients.get_mut(&owner) else { return };
        let text = c.take_printed();
        let (open, busy) = (c.is_open(), c.busy());
        if !open {
            self.clients.remove(&owner);
        }
        match owner {
            TerminalId::Console => self.pending_log.push_str(&text),
            TerminalId::Vty(line) => {
                // (A question is in the text already.)
                let prompt = if open {
                    self.clients.get(&owner).map(|c| if c.is_question() { String::new() } else { c.prompt.clone() })
                } else {
                    None
                };
                match prompt {
                    // The remote prompt stands in for this box's.
                    Some(p) if !busy => self.vty_raw(now, line, &format!("{text}{p}"), true),
                    Some(_) => self.vty_raw(now, line, &text, false),
                    None => self.vty_output(now, line, &text, !busy),
                }
            }
        }
    }
}
