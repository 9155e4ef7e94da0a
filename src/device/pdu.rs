//! Complex PDUs over TCP and UDP, from a host (simulation mode's "Add
//! Complex PDU", as Packet Tracer's): each one a real exchange through the
//! host's own stacks, so a student watches what the transport layer does.
//!
//! - TCP: a connection to the port (the three-way handshake), the data sent,
//!   then closed (FIN both ways). It succeeds when the connection opens; a
//!   reset (nothing listens) or no answer after TCP's retransmissions fails.
//! - UDP: one datagram to the port, from a port of its own. UDP never
//!   answers by itself: an ICMP error back (port unreachable, prohibited by
//!   an access list ...) fails it; a datagram back succeeds; silence is
//!   "unanswered", and whoever watches the network decides whether it got
//!   there (simulation mode looks at the destination's trace).
//!
//! The attempts go one after another, `interval` apart, each reported to a
//! [`probe::Report`] as ping's probes are (a reply, an error, a timeout).

use std::net::{IpAddr, Ipv4Addr};

use smoltcp::wire::IpProtocol;

use crate::proto::icmp::ErrorKind;
use crate::proto::ip_stack::{Binding, Delivery, IpStack};
use crate::proto::probe::{self, Outcome, Spec};
use crate::proto::tcp::{ConnId, Event, Tcp};
use crate::proto::udp;
use crate::sim::{Duration, Time};

/// The transport a PDU uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

/// What to send.
#[derive(Clone, Copy, Debug)]
pub struct TransportSpec {
    pub transport: Transport,
    pub dst: Ipv4Addr,
    pub port: u16,
    /// Bytes of data in each connection or datagram.
    pub size: usize,
    pub count: u32,
    /// Between the end of one attempt and the next.
    pub interval: Duration,
    /// How long a UDP datagram waits for an answer.
    pub timeout: Duration,
    /// The first source port (each attempt takes the next).
    pub first_port: u16,
}

/// The attempt on its way.
#[derive(Clone, Copy, Debug)]
struct Attempt {
    index: u32,
    src_port: u16,
    started: Time,
    conn: Option<ConnId>,
    /// TCP: the connection opened (success already reported); it is closing.
    opened: bool,
}

pub struct TransportPdu {
    spec: TransportSpec,
    report: Box<dyn probe::Report>,
    sent: u32,
    current: Option<Attempt>,
    next_at: Time,
    tally: probe::Tally,
    done: bool,
}

impl TransportPdu {
    pub fn new(now: Time, spec: TransportSpec, mut report: Box<dyn probe::Report>) -> Self {
        // The report's start takes a ping's spec; only the destination and count matter to it.
        let ping = Spec {
            dst: IpAddr::V4(spec.dst),
            kind: probe::Kind::Echo,
            count: spec.count,
            size: spec.size,
            timeout: spec.timeout,
            pace: probe::Pace::AfterOutcome { min_gap: spec.interval },
            ident: spec.first_port,
        };
        report.start(&ping, &mut String::new());
        TransportPdu { spec, report, sent: 0, current: None, next_at: now, tally: probe::Tally::default(), done: false }
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// When it has something to do next.
    pub fn poll_at(&self) -> Option<Time> {
        match self.current {
            _ if self.done => None,
            // A UDP datagram's wait for an answer.
            Some(a) if self.spec.transport == Transport::Udp => Some(a.started + self.spec.timeout),
            // TCP keeps its own clock.
            Some(_) => None,
            None => Some(self.next_at),
        }
    }

    /// Start the next attempt when it is due; end a UDP wait that ran out.
    pub fn poll(&mut self, now: Time, stack: &mut IpStack, tcp: &mut Tcp) {
        if let Some(a) = self.current.filter(|_| self.spec.transport == Transport::Udp) {
            if now.since(a.started) >= self.spec.timeout {
                stack.unbind(Binding::Udp(a.src_port));
                self.finish_attempt(now, Outcome::Timeout);
            }
        }
        if self.current.is_none() && !self.done && self.next_at <= now {
            self.send(now, stack, tcp);
        }
    }

    fn send(&mut self, now: Time, stack: &mut IpStack, tcp: &mut Tcp) {
        let index = self.sent;
        self.sent += 1;
        let src_port = self.spec.first_port.wrapping_add(index as u16);
        let dst = self.spec.dst;
        let Ok(src) = stack.source_for(dst) else {
            let unsent = Outcome::NotSent(crate::proto::ip_stack::SendError::NoRoute);
            self.current = Some(Attempt { index, src_port, started: now, conn: None, opened: false });
            return self.finish_attempt(now, unsent);
        };
        let data: Vec<u8> = (0..self.spec.size).map(|i| b'a' + (i % 23) as u8).collect();
        let conn = match self.spec.transport {
            Transport::Tcp => {
                let id = tcp.connect(now, src, dst, self.spec.port);
                // Queued until the connection opens.
                tcp.send(now, id, &data);
                Some(id)
            }
            Transport::Udp => {
                stack.bind(Binding::Udp(src_port));
                let port = self.spec.port;
                let sent = stack.originate(now, src, dst, IpProtocol::Udp, None, udp::HEADER_LEN + data.len(), |b| {
                    udp::emit(b, src, dst, src_port, port, &data)
                });
                self.current = Some(Attempt { index, src_port, started: now, conn: None, opened: false });
                if let Err(e) = sent {
                    stack.unbind(Binding::Udp(src_port));
                    return self.finish_attempt(now, Outcome::NotSent(e));
                }
                return;
            }
        };
        // TCP picks the connection's own port.
        let src_port = conn.and_then(|id| tcp.conn(id)).map_or(src_port, |c| c.local.1);
        self.current = Some(Attempt { index, src_port, started: now, conn, opened: false });
    }

    /// The source port of the attempt on its way (for whoever checks where it went).
    pub fn src_port(&self) -> Option<u16> {
        self.current.map(|a| a.src_port)
    }

    /// What TCP said about a connection; `true` when it was this PDU's.
    pub fn on_tcp_event(&mut self, now: Time, tcp: &mut Tcp, event: Event) -> bool {
        let Some(mut a) = self.current else { return false };
        let id = match event {
            Event::Connected(id)
            | Event::Data(id)
            | Event::PeerClosed(id)
            | Event::Closed(id)
            | Event::Reset(id)
            | Event::TimedOut(id) => id,
            Event::Accepted { .. } => return false,
        };
        if a.conn != Some(id) {
            return false;
        }
        let from = IpAddr::V4(self.spec.dst);
        let rtt = now.since(a.started);
        match event {
            Event::Connected(_) => {
                // Open: the data is on its way; close after it.
                a.opened = true;
                self.current = Some(a);
                let opened = Outcome::Reply { from, rtt, ttl: 0, bytes: self.spec.size };
                self.tally.add(&opened);
                self.report.outcome(a.index, 0, &opened, &mut String::new());
                tcp.close(now, id);
            }
            Event::Data(_) => {
                // Whatever the server says back is read and left.
                tcp.take_received(id);
            }
            Event::PeerClosed(_) => tcp.close(now, id),
            Event::Closed(_) | Event::Reset(_) | Event::TimedOut(_) if a.opened => self.next(now),
            Event::Reset(_) => {
                self.finish_attempt(now, Outcome::Error { from, kind: ErrorKind::PortUnreachable, rtt });
            }
            Event::TimedOut(_) | Event::Closed(_) => self.finish_attempt(now, Outcome::Timeout),
            Event::Accepted { .. } => return false,
        }
        true
    }

    /// A datagram that came to one of this PDU's ports; `true` when it was.
    pub fn on_datagram(&mut self, now: Time, stack: &mut IpStack, from: Ipv4Addr, to_port: u16) -> bool {
        let Some(a) = self.current.filter(|a| a.src_port == to_port && self.spec.transport == Transport::Udp) else {
            return false;
        };
        stack.unbind(Binding::Udp(a.src_port));
        let rtt = now.since(a.started);
        self.finish_attempt(now, Outcome::Reply { from: from.into(), rtt, ttl: 0, bytes: 0 });
        true
    }

    /// An ICMP error (or an unresolved next hop) about a datagram; `true`
    /// when it was about this PDU's.
    pub fn on_error(&mut self, now: Time, stack: &mut IpStack, d: &Delivery) -> bool {
        let (outcome, ports) = match *d {
            Delivery::IcmpError { from, kind, udp_ports, .. } => {
                let rtt = self.current.map_or(Duration::ZERO, |a| now.since(a.started));
                (Outcome::Error { from: from.into(), kind, rtt }, udp_ports)
            }
            Delivery::ArpFailed { src, udp_ports, .. } => (Outcome::Unresolved { from: src.into() }, udp_ports),
            _ => return false,
        };
        let Some(a) = self.current else { return false };
        if self.spec.transport != Transport::Udp || ports != Some((a.src_port, self.spec.port)) {
            return false;
        }
        stack.unbind(Binding::Udp(a.src_port));
        self.finish_attempt(now, outcome);
        true
    }

    /// Give up (Ctrl+C, a new PDU from this host).
    pub fn abort(&mut self, now: Time, stack: &mut IpStack, tcp: &mut Tcp) {
        if let Some(a) = self.current {
            match a.conn {
                Some(id) => tcp.abort(id),
                None => stack.unbind(Binding::Udp(a.src_port)),
            }
            if !a.opened {
                self.finish_attempt(now, Outcome::Timeout);
            }
        }
        self.sent = self.spec.count;
        self.current = None;
        self.check_done();
    }

    fn finish_attempt(&mut self, now: Time, outcome: Outcome) {
        if let Some(a) = self.current {
            self.tally.add(&outcome);
            self.report.outcome(a.index, 0, &outcome, &mut String::new());
        }
        self.next(now);
    }

    /// The attempt is over: the next one after the interval, or the end.
    fn next(&mut self, now: Time) {
        self.current = None;
        self.next_at = now + self.spec.interval;
        self.check_done();
    }

    fn check_done(&mut self) {
        if !self.done && self.current.is_none() && self.sent >= self.spec.count {
            self.done = true;
            self.report.finish(&self.tally, &mut String::new());
        }
    }
}
