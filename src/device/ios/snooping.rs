//! DHCP snooping and dynamic ARP inspection on a switch, as a 2960 does
//! them. Both look at frames as they come in on a port, before the bridge
//! switches them.
//!
//! - **DHCP snooping** (`ip dhcp snooping`, on the VLANs `ip dhcp snooping
//!   vlan` lists): a server's message (OFFER, ACK, NAK) coming in on an
//!   untrusted port is dropped, so a rogue server gives no lease; only
//!   ports `ip dhcp snooping trust` take them. A client's message on an
//!   untrusted port must carry its own MAC as chaddr, must not carry option
//!   82 already, and gets option 82 added (circuit id: VLAN, module, port;
//!   remote id: the switch's MAC) unless `no ip dhcp snooping information
//!   option` — which is why an IOS DHCP server that receives it with a zero
//!   giaddr drops it unless `ip dhcp relay information trust-all`. An ACK
//!   on a trusted port adds a binding (MAC, address, lease, VLAN, the
//!   client's port); a NAK or RELEASE takes it away. `ip dhcp snooping limit
//!   rate N` err-disables a port that sends more than N messages a second.
//! - **Dynamic ARP inspection** (`ip arp inspection vlan`): an ARP message
//!   on an untrusted port must match a snooping binding (sender IP and MAC
//!   on that VLAN), and pass `ip arp inspection validate` (src-mac, dst-mac,
//!   ip); else it is dropped and logged. More than 15 a second (`ip arp
//!   inspection limit rate`) err-disables the port.

use std::collections::BTreeSet;

use super::*;
use crate::proto::dhcp::{Kind, Message};
use crate::proto::ethernet::cisco_format;
use crate::proto::udp;
use crate::sim::Duration;
use smoltcp::wire::IpProtocol;

/// The snooping and inspection settings of a switch, and the bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snooping {
    /// `ip dhcp snooping`.
    pub enabled: bool,
    /// `ip dhcp snooping vlan LIST`.
    pub vlans: BTreeSet<u16>,
    /// `ip dhcp snooping information option` (on by default, as on a 2960).
    pub option82: bool,
    /// `ip dhcp snooping verify mac-address` (on by default).
    pub verify_mac: bool,
    /// `ip arp inspection vlan LIST`.
    pub arp_vlans: BTreeSet<u16>,
    /// `ip arp inspection validate src-mac dst-mac ip`.
    pub validate: ArpValidate,
    pub bindings: Vec<SnoopBinding>,
}

impl Default for Snooping {
    fn default() -> Self {
        Snooping {
            enabled: false,
            vlans: BTreeSet::new(),
            option82: true,
            verify_mac: true,
            arp_vlans: BTreeSet::new(),
            validate: ArpValidate::default(),
            bindings: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArpValidate {
    pub src_mac: bool,
    pub dst_mac: bool,
    pub ip: bool,
}

/// What snooping learned from an ACK: who holds which address, where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnoopBinding {
    pub mac: Mac,
    pub ip: Ipv4Addr,
    pub vlan: u16,
    pub port: usize,
    pub expires: Time,
}

/// The default `ip arp inspection limit rate` on an untrusted port.
pub const ARP_RATE: u32 = 15;

/// Where a frame's Ethernet payload starts (after an 802.1Q tag) and its type.
fn ether_type(frame: &[u8]) -> Option<(usize, u16)> {
    let t = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    if t == 0x8100 {
        Some((18, u16::from_be_bytes([*frame.get(16)?, *frame.get(17)?])))
    } else {
        Some((14, t))
    }
}

impl Ios {
    /// Check (and, for option 82, rewrite) a frame that came in on a switch
    /// port; `None` when snooping or inspection drops it.
    pub(super) fn snooping_filter(&mut self, now: Time, port: usize, frame: Vec<u8>) -> Option<Vec<u8>> {
        let s = &self.switching.snooping;
        if !s.enabled && s.arp_vlans.is_empty() {
            return Some(frame);
        }
        let Some(vlan) = self.bridge.as_ref().and_then(|b| b.vlan_of(port, &frame)) else { return Some(frame) };
        let Some((l3, kind)) = ether_type(&frame) else { return Some(frame) };
        match kind {
            0x0806 if s.arp_vlans.contains(&vlan) => self.inspect_arp(now, port, vlan, l3, frame),
            0x0800 if s.enabled && s.vlans.contains(&vlan) => self.snoop_dhcp(now, port, vlan, l3, frame),
            _ => Some(frame),
        }
    }

    fn snoop_dhcp(&mut self, now: Time, port: usize, vlan: u16, l3: usize, frame: Vec<u8>) -> Option<Vec<u8>> {
        let Some(h) = crate::proto::ipv4::parse(&frame[l3..]) else { return Some(frame) };
        let ip_end = (l3 + h.total_len).min(frame.len());
        let udp_at = l3 + h.header_len;
        let ports = frame.get(udp_at..ip_end).and_then(udp::ports);
        let (Some((sport, dport)), IpProtocol::Udp) = (ports, h.protocol) else { return Some(frame) };
        if !matches!((sport, dport), (68, 67) | (67, 68) | (67, 67)) {
            return Some(frame);
        }
        let Some(m) = frame.get(udp_at + udp::HEADER_LEN..ip_end).and_then(Message::parse) else { return Some(frame) };
        let Some(i) = self.port_iface_mut(port) else { return Some(frame) };
        let trusted = i.snoop_trust;
        if !trusted && self.snoop_rate_exceeded(now, port) {
            return None;
        }
        let Some(i) = self.port_iface(port) else { return Some(frame) };
        let name = i.name.clone();
        if m.is_reply() {
            if !trusted {
                self.pending_log.push_str(&format!(
                    "\n%DHCP_SNOOPING-5-DHCP_SNOOPING_UNTRUSTED_PORT: DHCP_SNOOPING drop message on untrusted port, message type: {}, MAC sa: {}\n",
                    message_word(m.kind),
                    cisco_format(crate::proto::ethernet::parse(&frame).map_or(m.chaddr, |e| e.src_addr))
                ));
                return None;
            }
            self.learn_binding(now, vlan, &m);
            // The option this switch added goes no further than the switch.
            if m.relay_info.is_some() && self.switching.snooping.option82 {
                let mut m = m;
                m.relay_info = None;
                return Some(rebuild(&frame, l3, &h, (sport, dport), &m.emit()));
            }
            return Some(frame);
        }
        if trusted {
            return Some(frame);
        }
        let src = crate::proto::ethernet::parse(&frame).map(|e| e.src_addr);
        if self.switching.snooping.verify_mac && src != Some(m.chaddr) {
            return None;
        }
        if m.relay_info.is_some() {
            // Option 82 on an untrusted port is not allowed.
            return None;
        }
        if matches!(m.kind, Kind::Release | Kind::Decline) {
            self.switching.snooping.bindings.retain(|b| !(b.mac == m.chaddr && b.vlan == vlan && b.port == port));
        }
        if !self.switching.snooping.option82 {
            return Some(frame);
        }
        let mut m = m;
        m.relay_info = Some(self.circuit_info(vlan, &name));
        Some(rebuild(&frame, l3, &h, (sport, dport), &m.emit()))
    }

    /// Option 82 as a 2960 writes it: circuit id (VLAN, module, port) and
    /// remote id (the switch's MAC).
    fn circuit_info(&self, vlan: u16, port: &IfaceName) -> Vec<u8> {
        let mac = self.bridge.as_ref().map_or([0; 6], |b| b.svi_mac.0);
        let numbers = &port.numbers;
        let (module, index) = (numbers.first().copied().unwrap_or(0) as u8, numbers.last().copied().unwrap_or(0) as u8);
        let [hi, lo] = vlan.to_be_bytes();
        let mut v = vec![1, 6, 0, 4, hi, lo, module, index, 2, 8, 0, 6];
        v.extend_from_slice(&mac);
        v
    }

    /// An ACK binds its address to the client's MAC and port; a NAK unbinds.
    fn learn_binding(&mut self, now: Time, vlan: u16, m: &Message) {
        let s = &mut self.switching.snooping;
        match m.kind {
            Kind::Ack if !m.yiaddr.is_unspecified() => {
                let port = self.bridge.as_ref().and_then(|b| b.macs.lookup(vlan, m.chaddr, now));
                let Some(port) = port else { return };
                s.bindings.retain(|b| !(b.mac == m.chaddr && b.vlan == vlan));
                let lease = Duration::from_secs(u64::from(m.lease_secs.unwrap_or(86_400)));
                s.bindings.push(SnoopBinding { mac: m.chaddr, ip: m.yiaddr, vlan, port, expires: now + lease });
            }
            Kind::Nak => s.bindings.retain(|b| !(b.mac == m.chaddr && b.vlan == vlan)),
            _ => {}
        }
    }

    /// Count a DHCP message on an untrusted port against `ip dhcp snooping
    /// limit rate`; too many err-disable the port.
    fn snoop_rate_exceeded(&mut self, now: Time, port: usize) -> bool {
        let Some(i) = self.port_iface_mut(port) else { return false };
        let Some(limit) = i.snoop_rate else { return false };
        let count = per_second(&mut i.snoop_seen, now);
        if count <= limit || i.err_disabled {
            return i.err_disabled;
        }
        self.err_disable(now, port, "dhcp-rate-limit", |short| {
            format!("%DHCP_SNOOPING-4-DHCP_SNOOPING_ERRDISABLE_WARNING: DHCP Snooping received {count} DHCP packets on interface {short}")
        });
        true
    }

    /// Err-disable a port for `cause`, logging `warning` (given the port's
    /// short name) then IOS's `%PM-4-ERR_DISABLE`.
    fn err_disable(&mut self, now: Time, port: usize, cause: &'static str, warning: impl FnOnce(&str) -> String) {
        let Some(i) = self.port_iface_mut(port) else { return };
        let short = i.name.short();
        i.err_disabled = true;
        i.err_disabled_at = Some((now, cause));
        self.err_disabled_now.push(port);
        self.pending_log.push_str(&format!(
            "\n{}\n%PM-4-ERR_DISABLE: {cause} error detected on {short}, putting {short} in err-disable state\n",
            warning(&short)
        ));
    }

    /// Dynamic ARP inspection of one ARP message on an untrusted port.
    fn inspect_arp(&mut self, now: Time, port: usize, vlan: u16, l3: usize, frame: Vec<u8>) -> Option<Vec<u8>> {
        let Some(i) = self.port_iface_mut(port) else { return Some(frame) };
        if i.arp_trust {
            return Some(frame);
        }
        // The rate limit: 15 a second unless set otherwise.
        let count = per_second(&mut i.arp_seen, now);
        if count > i.arp_rate.unwrap_or(ARP_RATE) && !i.err_disabled {
            self.err_disable(now, port, "arp-inspection", |short| {
                format!("%SW_DAI-4-PACKET_RATE_EXCEEDED: {count} packets received in 1000 milliseconds on {short}.")
            });
            return None;
        }
        let payload = &frame[l3..];
        let arp = crate::proto::arp::parse(payload)?;
        let target_mac = payload.get(18..24).map(|b| Mac([b[0], b[1], b[2], b[3], b[4], b[5]]));
        let eth = crate::proto::ethernet::parse(&frame)?;
        let v = self.switching.snooping.validate;
        let bound = self
            .switching
            .snooping
            .bindings
            .iter()
            .any(|b| b.vlan == vlan && b.ip == arp.sender_ip && b.mac == arp.sender_mac && b.expires > now);
        let valid = (!v.src_mac || eth.src_addr == arp.sender_mac)
            && (!v.dst_mac || arp.is_request || Some(eth.dst_addr) == target_mac)
            && (!v.ip
                || !(arp.sender_ip.is_unspecified() || arp.sender_ip.is_broadcast() || arp.sender_ip.is_multicast()));
        if bound && valid {
            return Some(frame);
        }
        let short = self.port_iface(port).map(|i| i.name.short()).unwrap_or_default();
        let why = if bound { "INVALID_ARP" } else { "DHCP_SNOOPING_DENY" };
        let secs = now.nanos() / 1_000_000_000;
        self.pending_log.push_str(&format!(
            "\n%SW_DAI-4-{why}: 1 Invalid ARPs ({}) on {short}, vlan {vlan}.([{}/{}/{}/{}/{:02}:{:02}:{:02} UTC Mon Mar 1 1993])\n",
            if arp.is_request { "Req" } else { "Res" },
            cisco_format(arp.sender_mac),
            arp.sender_ip,
            cisco_format(target_mac.unwrap_or(Mac([0; 6]))),
            arp.target_ip,
            secs / 3600 % 24,
            secs / 60 % 60,
            secs % 60
        ));
        None
    }

    /// The bindings still leased at `now`.
    pub fn snooping_bindings(&self, now: Time) -> Vec<&SnoopBinding> {
        self.switching.snooping.bindings.iter().filter(|b| b.expires > now).collect()
    }
}

/// Count one message in the current second of a port's `(second, count)`;
/// returns the count so far this second.
fn per_second(seen: &mut (u64, u32), now: Time) -> u32 {
    let second = now.nanos() / 1_000_000_000;
    if seen.0 != second {
        *seen = (second, 0);
    }
    seen.1 += 1;
    seen.1
}

/// A message type as the snooping log names it.
fn message_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Offer => "DHCPOFFER",
        Kind::Ack => "DHCPACK",
        Kind::Nak => "DHCPNAK",
        Kind::Discover => "DHCPDISCOVER",
        Kind::Request => "DHCPREQUEST",
        Kind::Release => "DHCPRELEASE",
        Kind::Decline => "DHCPDECLINE",
        _ => "DHCPINFORM",
    }
}

/// The frame again with a new DHCP message: the same link header (and tag),
/// IP addresses, TTL and identification, lengths and checksums new.
fn rebuild(frame: &[u8], l3: usize, h: &crate::proto::ipv4::Header, ports: (u16, u16), dhcp: &[u8]) -> Vec<u8> {
    let ident = u16::from_be_bytes([frame[l3 + 4], frame[l3 + 5]]);
    let packet =
        crate::proto::ipv4::build(h.src, h.dst, IpProtocol::Udp, h.ttl, ident, udp::HEADER_LEN + dhcp.len(), |b| {
            udp::emit(b, h.src, h.dst, ports.0, ports.1, dhcp)
        });
    let mut out = frame[..l3].to_vec();
    out.extend_from_slice(&packet);
    out
}
