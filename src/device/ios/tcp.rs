//! TCP on an IOS box: every segment for the box comes here; closed ports
//! answer with a reset, as IOS does, and `ip http server` listens on port 80
//! (asking for a login, so an anonymous request gets 401).

use super::*;
use crate::device::web::WebServer;
use crate::proto::http;
use crate::proto::tcp::Event;
use smoltcp::wire::IpProtocol;

/// How an outgoing connection attempt (the Telnet that IOS opens for a word
/// it takes as a host name) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    Open,
    Refused,
    TimedOut,
}

/// Prints how an attempt ended.
pub type AttemptPrinter = Box<dyn FnOnce(Attempt, &mut String) + Send + Sync>;

/// What the terminal prints when the attempt ends.
pub struct AttemptWaiter(pub AttemptPrinter);

impl std::fmt::Debug for AttemptWaiter {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("AttemptWaiter")
    }
}

impl Ios {
    /// A TCP segment for the box (the `IP_SERVICES` table sends it here).
    pub(super) fn tcp_segment(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        // Segments to a broadcast address get no answer, not even a reset.
        if !self.stack.is_local(p.dst) {
            return;
        }
        self.tcp.receive(now, p.src, p.dst, &p.bytes);
        self.tcp_flush(now);
    }

    /// Open a TCP connection to `dst:port`; `waiter` prints how it went.
    /// (With no Telnet client yet, an open connection is closed at once.)
    pub fn try_connect(&mut self, now: Time, dst: Ipv4Addr, port: u16, waiter: AttemptWaiter) {
        let Ok(src) = self.stack.source_for(dst) else {
            (waiter.0)(Attempt::TimedOut, &mut self.pending_log);
            return;
        };
        let conn = self.tcp.connect(now, src, dst, port);
        self.attempt = Some((conn, waiter));
        self.tcp_flush(now);
    }

    /// Is the terminal waiting for a connection attempt?
    pub fn connecting(&self) -> bool {
        self.attempt.is_some()
    }

    /// Give up the attempt (Ctrl+Shift+6): the connection is reset.
    pub(super) fn abandon_attempt(&mut self, now: Time) {
        if let Some((conn, _)) = self.attempt.take() {
            self.tcp.abort(conn);
            self.tcp_flush(now);
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

    fn tcp_flush(&mut self, now: Time) {
        for e in std::mem::take(&mut self.tcp.events) {
            if let Some(w) = self.web.as_mut() {
                if w.on_event(now, &mut self.tcp, e) {
                    continue;
                }
            }
            let ended = match (self.attempt.as_ref().map(|a| a.0), e) {
                (Some(c), Event::Connected(x)) if c == x => {
                    self.tcp.close(now, c);
                    Some(Attempt::Open)
                }
                (Some(c), Event::Reset(x)) if c == x => Some(Attempt::Refused),
                (Some(c), Event::TimedOut(x)) if c == x => Some(Attempt::TimedOut),
                _ => None,
            };
            if let (Some(outcome), Some((_, waiter))) = (ended, self.attempt.take()) {
                (waiter.0)(outcome, &mut self.pending_log);
            }
        }
        for seg in std::mem::take(&mut self.tcp.out) {
            let len = seg.segment.len();
            let _ = self
                .stack
                .originate(now, seg.src, seg.dst, IpProtocol::Tcp, None, len, |b| b.copy_from_slice(&seg.segment));
        }
        self.tcp_due = self.tcp.poll_at();
        self.refresh_due();
    }
}
