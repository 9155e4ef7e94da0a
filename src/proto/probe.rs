//! Ping and traceroute as state machines over a device's IP stacks (IPv4
//! or IPv6, by the destination): what to send when, which answer belongs to
//! which probe, when a probe has timed out. How the results are printed
//! (Windows or IOS wording) is a [`Report`] supplied by the command that
//! started the session.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr};

use smoltcp::wire::IpProtocol;

use super::icmp::{self, ErrorKind};
use super::icmpv6;
use super::ip6_stack::{self, Delivery6, Ip6Stack};
use super::ip_stack::{Delivery, IpStack, SendError};
use super::udp;
use crate::sim::{Duration, Time};

/// The stacks a probe can leave by.
pub struct Stacks<'a> {
    pub v4: &'a mut IpStack,
    pub v6: &'a mut Ip6Stack,
}

/// An answer to a probe, whichever stack it came up from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Reply {
        from: IpAddr,
        ident: u16,
        seq: u16,
        ttl: u8,
        data_len: usize,
    },
    Error {
        from: IpAddr,
        kind: ErrorKind,
        echo: Option<(u16, u16)>,
        udp_ports: Option<(u16, u16)>,
    },
    /// The local stack (at address `src`) could not resolve the next hop.
    Unresolved {
        src: IpAddr,
        echo: Option<(u16, u16)>,
        udp_ports: Option<(u16, u16)>,
    },
}

impl Answer {
    /// What an IPv4 delivery says to a probe, if anything.
    pub fn of(d: &Delivery) -> Option<Answer> {
        Some(match *d {
            Delivery::EchoReply { from, ident, seq, ttl, data_len } => {
                Answer::Reply { from: from.into(), ident, seq, ttl, data_len }
            }
            Delivery::IcmpError { from, kind, echo, udp_ports } => {
                Answer::Error { from: from.into(), kind, echo, udp_ports }
            }
            Delivery::ArpFailed { src, echo, udp_ports, .. } => Answer::Unresolved { src: src.into(), echo, udp_ports },
            Delivery::Payload(_) => return None,
        })
    }

    /// What an IPv6 delivery says to a probe, if anything.
    pub fn of6(d: &Delivery6) -> Option<Answer> {
        Some(match *d {
            Delivery6::EchoReply { from, ident, seq, hop_limit, data_len } => {
                Answer::Reply { from: from.into(), ident, seq, ttl: hop_limit, data_len }
            }
            Delivery6::IcmpError { from, kind, echo, udp_ports } => {
                Answer::Error { from: from.into(), kind, echo, udp_ports }
            }
            Delivery6::Unresolved { src, echo, udp_ports } => Answer::Unresolved { src: src.into(), echo, udp_ports },
            Delivery6::Payload { .. } => return None,
        })
    }
}

/// What one probe came back with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Reply {
        from: IpAddr,
        rtt: Duration,
        ttl: u8,
        bytes: usize,
    },
    Error {
        from: IpAddr,
        kind: ErrorKind,
        rtt: Duration,
    },
    /// The local stack (at address `from`) could not resolve the next hop.
    Unresolved {
        from: IpAddr,
    },
    Timeout,
    /// Never left: no route or no source address.
    NotSent(SendError),
}

/// When the next probe goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// After the previous probe's outcome, but no sooner than `min_gap` after it was sent.
    AfterOutcome { min_gap: Duration },
    /// Every `interval`, whatever came back (a load generator).
    Fixed { interval: Duration },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Echo,
    /// TTL-limited probes, `per_hop` at each TTL, up to `max_hops`; ICMP echo
    /// (Windows tracert) or UDP to high ports (IOS traceroute).
    Trace {
        per_hop: u32,
        max_hops: u8,
        udp: bool,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub dst: IpAddr,
    pub kind: Kind,
    /// Echo probes to send (for traces, the limit comes from `max_hops`).
    pub count: u32,
    /// Bytes of ICMP data (or UDP payload).
    pub size: usize,
    pub timeout: Duration,
    pub pace: Pace,
    pub ident: u16,
}

/// What a session's probes came back with, counted as they end: what the
/// statistics at the end of a ping need, in constant memory however many
/// probes a `repeat` asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Probes that ended (answered, timed out or never sent).
    pub ended: u64,
    pub replies: u64,
    /// Replies, ICMP errors and failed ARP: what Windows counts as received.
    pub answered: u64,
    pub timeouts: u64,
    /// Round-trip times of the replies, in whole milliseconds.
    pub rtt_min_ms: u64,
    pub rtt_max_ms: u64,
    pub rtt_sum_ms: u64,
}

impl Tally {
    pub fn add(&mut self, outcome: &Outcome) {
        self.ended += 1;
        match *outcome {
            Outcome::Reply { rtt, .. } => {
                let ms = rtt.millis();
                self.rtt_min_ms = if self.replies == 0 { ms } else { self.rtt_min_ms.min(ms) };
                self.rtt_max_ms = self.rtt_max_ms.max(ms);
                self.rtt_sum_ms += ms;
                self.replies += 1;
                self.answered += 1;
            }
            Outcome::Error { .. } | Outcome::Unresolved { .. } => self.answered += 1,
            Outcome::Timeout => self.timeouts += 1,
            Outcome::NotSent(_) => {}
        }
    }

    /// The replies' round-trip times: minimum, average, maximum (ms).
    pub fn rtts(&self) -> Option<(u64, u64, u64)> {
        (self.replies > 0).then(|| (self.rtt_min_ms, self.rtt_sum_ms / self.replies, self.rtt_max_ms))
    }
}

/// Prints a session's progress. Implemented by the Windows prompt and by IOS.
pub trait Report: Send + Sync {
    fn start(&mut self, spec: &Spec, out: &mut String);
    /// Probe `index` (0-based) at `ttl` came back with `outcome`.
    fn outcome(&mut self, index: u32, ttl: u8, outcome: &Outcome, out: &mut String);
    fn finish(&mut self, tally: &Tally, out: &mut String);
}

/// A report that prints nothing (benchmarks, graders).
pub struct Silent;
impl Report for Silent {
    fn start(&mut self, _: &Spec, _: &mut String) {}
    fn outcome(&mut self, _: u32, _: u8, _: &Outcome, _: &mut String) {}
    fn finish(&mut self, _: &Tally, _: &mut String) {}
}

struct InFlight {
    index: u32,
    seq: u16,
    ttl: u8,
    sent: Time,
}

pub struct Session {
    pub spec: Spec,
    report: Box<dyn Report>,
    sent: u32,
    next_send: Time,
    in_flight: VecDeque<InFlight>,
    /// Outcomes by probe index (the first [`KEPT_OUTCOMES`]); `None` while in flight.
    outcomes: Vec<Option<Outcome>>,
    /// Every outcome, counted (long fixed-pace runs keep nothing else).
    tally: Tally,
    done: bool,
    trace_reached: bool,
}

const UDP_BASE_PORT: u16 = 33434;
const FIXED_KEEP: u32 = 64;
/// Outcomes kept one by one (for a grader's look at a ping); beyond, only
/// the tally grows, so `ping … repeat 2147483647` costs no memory per probe.
const KEPT_OUTCOMES: usize = 10_000;

impl Session {
    pub fn new(spec: Spec, report: Box<dyn Report>) -> Self {
        Session {
            spec,
            report,
            sent: 0,
            next_send: Time::ZERO,
            in_flight: VecDeque::new(),
            outcomes: Vec::new(),
            tally: Tally::default(),
            done: false,
            trace_reached: false,
        }
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Echo replies so far.
    pub fn replies(&self) -> u64 {
        self.tally.replies
    }

    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().flatten()
    }

    fn total(&self) -> u32 {
        match self.spec.kind {
            Kind::Echo => self.spec.count,
            Kind::Trace { per_hop, max_hops, .. } => per_hop * u32::from(max_hops),
        }
    }

    fn ttl_of(&self, index: u32) -> Option<u8> {
        match self.spec.kind {
            Kind::Echo => None,
            Kind::Trace { per_hop, .. } => Some((index / per_hop + 1) as u8),
        }
    }

    fn keeps_outcomes(&self) -> bool {
        !matches!(self.spec.pace, Pace::Fixed { .. }) || self.total() <= FIXED_KEEP
    }

    pub fn start(&mut self, now: Time, stack: &mut Stacks, out: &mut String) -> Option<Time> {
        self.report.start(&self.spec, out);
        self.next_send = now;
        self.step(now, stack, out)
    }

    /// Advance: expire timed-out probes, send what is due. Returns when to wake next.
    pub fn step(&mut self, now: Time, stack: &mut Stacks, out: &mut String) -> Option<Time> {
        if self.done {
            return None;
        }
        while let Some(f) = self.in_flight.front() {
            if now.since(f.sent) < self.spec.timeout {
                break;
            }
            let f = self.in_flight.pop_front().expect("front exists");
            self.record(f.index, f.ttl, Outcome::Timeout, out);
        }
        while !self.done && self.sent < self.total() && self.next_send <= now && self.may_send() {
            self.send(now, stack, out);
        }
        self.check_done(out);
        if self.done {
            return None;
        }
        let timeout = self.in_flight.front().map(|f| f.sent + self.spec.timeout);
        let send = (self.sent < self.total() && self.may_send()).then_some(self.next_send);
        [timeout, send].into_iter().flatten().min()
    }

    fn may_send(&self) -> bool {
        match self.spec.pace {
            Pace::Fixed { .. } => true,
            Pace::AfterOutcome { .. } => self.in_flight.is_empty() && !self.trace_over(),
        }
    }

    fn send(&mut self, now: Time, stacks: &mut Stacks, out: &mut String) {
        let index = self.sent;
        self.sent += 1;
        let seq = (index as u16).wrapping_add(1);
        let ttl = self.ttl_of(index);
        let spec = self.spec;
        let port = UDP_BASE_PORT.wrapping_add(index as u16);
        let udp = matches!(spec.kind, Kind::Trace { udp: true, .. });
        let result = match spec.dst {
            IpAddr::V4(dst) if udp => {
                let stack = &mut *stacks.v4;
                let data = vec![0u8; spec.size];
                stack.source_for(dst).and_then(|src| {
                    stack.originate(now, src, dst, IpProtocol::Udp, ttl, udp::HEADER_LEN + spec.size, |b| {
                        udp::emit(b, src, dst, spec.ident, port, &data)
                    })
                })
            }
            IpAddr::V4(dst) => {
                let data: Vec<u8> = (0..spec.size).map(|i| b'a' + (i % 23) as u8).collect();
                stacks.v4.originate(
                    now,
                    Ipv4Addr::UNSPECIFIED,
                    dst,
                    IpProtocol::Icmp,
                    ttl,
                    icmp::echo_len(spec.size),
                    |b| icmp::emit_echo(b, false, spec.ident, seq, &data),
                )
            }
            IpAddr::V6(dst) if udp => {
                let data = vec![0u8; spec.size];
                stacks.v6.originate(now, dst, None, IpProtocol::Udp, ttl, |src| {
                    ip6_stack::udp_datagram(src, dst, (spec.ident, port), &data)
                })
            }
            IpAddr::V6(dst) => {
                let data: Vec<u8> = (0..spec.size).map(|i| b'a' + (i % 23) as u8).collect();
                stacks.v6.originate(now, dst, None, IpProtocol::Icmpv6, ttl, |src| {
                    icmpv6::emit(&icmpv6::echo(false, spec.ident, seq, &data), src, dst)
                })
            }
        };
        let ttl = ttl.unwrap_or(0);
        let sent = result.is_ok();
        match result {
            Ok(()) => self.in_flight.push_back(InFlight { index, seq, ttl, sent: now }),
            Err(e) => self.record(index, ttl, Outcome::NotSent(e), out),
        }
        self.next_send = match spec.pace {
            Pace::Fixed { interval } => now + interval,
            // A probe that could not leave counts as timed out, as IOS's
            // dots do: the next goes after the timeout, so time moves on
            // and a huge repeat count stays bounded by the command's budget.
            Pace::AfterOutcome { min_gap } if !sent && min_gap == Duration::ZERO => now + spec.timeout,
            Pace::AfterOutcome { min_gap } => now + min_gap,
        };
    }

    /// Match something the stack delivered to this session's probes.
    pub fn on_delivery(&mut self, now: Time, d: &Answer, out: &mut String) -> bool {
        let key = match *d {
            Answer::Reply { ident, seq, .. } if ident == self.spec.ident => Some(seq),
            Answer::Error { echo: Some((ident, seq)), .. } if ident == self.spec.ident => Some(seq),
            Answer::Unresolved { echo: Some((ident, seq)), .. } if ident == self.spec.ident => Some(seq),
            Answer::Error { udp_ports: Some((sport, dport)), .. }
            | Answer::Unresolved { udp_ports: Some((sport, dport)), .. }
                if sport == self.spec.ident =>
            {
                Some(dport.wrapping_sub(UDP_BASE_PORT).wrapping_add(1))
            }
            _ => None,
        };
        let Some(seq) = key else { return false };
        let Some(pos) = self.in_flight.iter().position(|f| f.seq == seq) else { return true };
        let f = self.in_flight.remove(pos).expect("position is valid");
        let rtt = now.since(f.sent);
        let outcome = match *d {
            Answer::Reply { from, ttl, data_len, .. } => Outcome::Reply { from, rtt, ttl, bytes: data_len },
            Answer::Error { from, kind, .. } => Outcome::Error { from, kind, rtt },
            Answer::Unresolved { src, .. } => Outcome::Unresolved { from: src },
        };
        let reached = match outcome {
            Outcome::Reply { .. } => true,
            Outcome::Error { from, kind: ErrorKind::PortUnreachable, .. } => from == self.spec.dst,
            // Any other error but "time exceeded" means the trace can go no further.
            Outcome::Error { kind, .. } => kind != ErrorKind::TtlExceeded,
            _ => false,
        };
        if reached && matches!(self.spec.kind, Kind::Trace { .. }) {
            self.trace_reached = true;
        }
        self.record(f.index, f.ttl, outcome, out);
        if let Pace::AfterOutcome { .. } = self.spec.pace {
            self.next_send = self.next_send.max(now);
        }
        true
    }

    fn record(&mut self, index: u32, ttl: u8, outcome: Outcome, out: &mut String) {
        self.tally.add(&outcome);
        if self.keeps_outcomes() {
            let i = index as usize;
            if i < KEPT_OUTCOMES {
                if self.outcomes.len() <= i {
                    self.outcomes.resize(i + 1, None);
                }
                self.outcomes[i] = Some(outcome);
            }
            self.report.outcome(index, ttl, &outcome, out);
        }
    }

    /// A trace that reached its target still sends the rest of that hop's probes.
    fn trace_over(&self) -> bool {
        match self.spec.kind {
            Kind::Trace { per_hop, .. } => self.trace_reached && self.sent % per_hop == 0,
            Kind::Echo => false,
        }
    }

    fn check_done(&mut self, out: &mut String) {
        let all_sent = self.sent >= self.total() || self.trace_over();
        if all_sent && self.in_flight.is_empty() && !self.done {
            self.done = true;
            self.report.finish(&self.tally, out);
        }
    }

    /// Stop now (Ctrl-Shift-6, or the simulation's time budget ran out).
    pub fn abort(&mut self, out: &mut String) {
        while let Some(f) = self.in_flight.pop_front() {
            self.record(f.index, f.ttl, Outcome::Timeout, out);
        }
        self.sent = self.total();
        self.check_done(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Remembers the tally it was finished with.
    struct Keep(std::sync::Arc<std::sync::Mutex<Option<Tally>>>);
    impl Report for Keep {
        fn start(&mut self, _: &Spec, _: &mut String) {}
        fn outcome(&mut self, _: u32, _: u8, _: &Outcome, _: &mut String) {}
        fn finish(&mut self, tally: &Tally, _: &mut String) {
            *self.0.lock().unwrap() = Some(*tally);
        }
    }

    #[test]
    fn a_huge_repeat_counts_its_probes_in_constant_memory() {
        let count = KEPT_OUTCOMES as u32 * 3;
        let spec = Spec {
            dst: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 5)),
            kind: Kind::Echo,
            count,
            size: 100,
            timeout: Duration::from_secs(2),
            pace: Pace::AfterOutcome { min_gap: Duration::ZERO },
            ident: 7,
        };
        let finished = std::sync::Arc::new(std::sync::Mutex::new(None));
        let mut session = Session::new(spec, Box::new(Keep(finished.clone())));
        let mut out = String::new();
        let from = spec.dst;
        for i in 0..count {
            let outcome = match i % 3 {
                0 => Outcome::Reply { from, rtt: Duration::from_millis(u64::from(i % 7)), ttl: 255, bytes: 100 },
                1 => Outcome::Error { from, kind: ErrorKind::HostUnreachable, rtt: Duration::ZERO },
                _ => Outcome::Timeout,
            };
            session.record(i, 0, outcome, &mut out);
        }
        session.sent = count;
        session.check_done(&mut out);
        assert_eq!(session.outcomes.len(), KEPT_OUTCOMES, "only the first outcomes are kept one by one");
        let tally = finished.lock().unwrap().expect("finished");
        let count = u64::from(count);
        assert_eq!(
            (tally.ended, tally.replies, tally.answered, tally.timeouts),
            (count, count / 3, 2 * count / 3, count / 3)
        );
        assert_eq!(tally.rtts(), Some((0, 2, 6)));
    }
}
