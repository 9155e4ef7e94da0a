//! How IOS prints a running ping (`!!!!!`) and traceroute.

use std::net::IpAddr;

use crate::proto::icmp::ErrorKind;
use crate::proto::ip_stack::SendError;
use crate::proto::probe::{Outcome, Report, Spec, Tally};

/// `ping` on IOS.
#[derive(Default)]
pub struct IosPing {
    printed: usize,
    /// IPv6 with no route: IOS says so and stops after the first probe.
    no_route: bool,
    v6: bool,
}

impl Report for IosPing {
    fn start(&mut self, spec: &Spec, out: &mut String) {
        let size = spec.size + header_len(spec.dst);
        let secs = spec.timeout.secs();
        out.push_str(&format!(
            "Type escape sequence to abort.\nSending {}, {size}-byte ICMP Echos to {}, timeout is {secs} seconds:\n",
            spec.count,
            ios_addr(spec.dst)
        ));
        self.v6 = spec.dst.is_ipv6();
    }

    fn outcome(&mut self, index: u32, _ttl: u8, outcome: &Outcome, out: &mut String) {
        if self.no_route {
            return;
        }
        if let (0, Outcome::NotSent(SendError::NoRoute)) = (index, outcome) {
            if self.v6 {
                self.no_route = true;
                out.push_str("\n% No valid route for destination");
                return;
            }
        }
        if self.printed > 0 && self.printed % 70 == 0 {
            out.push('\n');
        }
        out.push(match outcome {
            Outcome::Reply { .. } => '!',
            Outcome::Error { kind: ErrorKind::TtlExceeded, .. } => '&',
            // IPv6: "A - administratively prohibited" in IOS's ping legend.
            Outcome::Error { kind: ErrorKind::AdminProhibited, from: IpAddr::V6(_), .. } => 'A',
            Outcome::Error { .. } => 'U',
            Outcome::Timeout | Outcome::Unresolved { .. } | Outcome::NotSent(_) => '.',
        });
        self.printed += 1;
    }

    fn finish(&mut self, tally: &Tally, out: &mut String) {
        let sent = if self.no_route { 1 } else { tally.ended };
        let percent = (tally.replies * 100).checked_div(sent).unwrap_or(0);
        out.push_str(&format!("\nSuccess rate is {percent} percent ({}/{sent})", tally.replies));
        if let Some((min, avg, max)) = tally.rtts() {
            out.push_str(&format!(", round-trip min/avg/max = {min}/{avg}/{max} ms"));
        }
        out.push_str("\n\n");
    }
}

/// The IP and ICMP headers IOS counts in a ping's datagram size.
pub fn header_len(dst: IpAddr) -> usize {
    match dst {
        IpAddr::V4(_) => 28,
        IpAddr::V6(_) => 48,
    }
}

/// An address as IOS prints it (IPv6 in capitals).
pub fn ios_addr(a: IpAddr) -> String {
    match a {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => a.to_string().to_uppercase(),
    }
}

/// `traceroute` on IOS: a line per hop, the address once, each probe's time.
#[derive(Default)]
pub struct IosTrace {
    hop_from: Option<IpAddr>,
}

impl Report for IosTrace {
    fn start(&mut self, spec: &Spec, out: &mut String) {
        out.push_str(&format!(
            "Type escape sequence to abort.\nTracing the route to {}\n{}\n",
            ios_addr(spec.dst),
            // IPv4 names the VRFs; IPv6 leaves a blank line.
            if spec.dst.is_ipv6() { "" } else { "VRF info: (vrf in name/id, vrf out name/id)" }
        ));
    }

    fn outcome(&mut self, index: u32, ttl: u8, outcome: &Outcome, out: &mut String) {
        if index % 3 == 0 {
            out.push_str(&format!("{ttl:>3}"));
            self.hop_from = None;
        }
        match *outcome {
            Outcome::Reply { from, rtt, .. } | Outcome::Error { from, rtt, .. } => {
                if self.hop_from != Some(from) {
                    out.push_str(&format!(" {}", ios_addr(from)));
                    self.hop_from = Some(from);
                }
                let mark = match outcome {
                    Outcome::Error { kind: ErrorKind::AdminProhibited, .. } => " !A",
                    Outcome::Error { kind: ErrorKind::HostUnreachable, .. } if !from.is_unspecified() => " !H",
                    Outcome::Error { kind: ErrorKind::NetUnreachable, .. } => " !N",
                    _ => "",
                };
                out.push_str(&format!(" {} msec{mark}", rtt.millis()));
            }
            _ => out.push_str(" * "),
        }
        if index % 3 == 2 {
            out.push('\n');
        }
    }

    fn finish(&mut self, _tally: &Tally, out: &mut String) {
        out.push('\n');
    }
}
