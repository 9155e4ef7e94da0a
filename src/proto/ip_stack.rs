//! An IPv4 endpoint shared by every layer-3 device: interfaces with addresses,
//! ARP resolution with a pending queue, the routing table, forwarding with TTL
//! decrement, ICMP echo answers and ICMP errors. A host is an `IpStack` that
//! does not forward; a router one that does; a switch's SVI one behind a bridge.
//!
//! A received packet goes through named stages, in IOS's order:
//!
//! 1. [`Stage::InboundFilter`]: the filter on the interface it came in on (an ACL);
//! 2. [`Stage::OutsideToInside`]: address translation, if a translator is set (NAT);
//! 3. route or deliver: to this device (`deliver_local`: ICMP here,
//!    other protocols and ports to whichever service bound them), or onwards:
//! 4. [`Stage::InsideToOutside`], 5. [`Stage::OutboundFilter`] on the exit
//!    interface, 6. ARP for the next hop and the interface's queue.
//!
//! Filters and translators are hooks ([`PacketFilter`], [`Translator`]) that
//! the device installs from its configuration; without them a stage passes
//! everything. Services bind a protocol or port ([`Binding`]); the stack
//! hands their packets up as [`Delivery`] and answers for ports nobody bound.
//!
//! The stack never transmits by itself: it appends `(interface, frame)` pairs to
//! [`IpStack::out`] and the owning device decides which port (or bridge) they
//! leave by. What it hands up to applications goes to [`IpStack::delivered`];
//! what it decides, to [`IpStack::notes`] when the trace is on.

use std::net::Ipv4Addr;

use smoltcp::wire::{EthernetProtocol, IpProtocol};

use super::arp::{self, ArpCache};
use super::decision::{Decision, Flow};
use super::ethernet::{self, Mac, BROADCAST};
use super::hdlc;
use super::icmp::{self, ErrorKind, Message};
use super::ipv4::{self, Header};
use super::rib::{ConnectedIface, DynamicRoute, Hop, Rib, StaticRoute};
use super::udp;
use crate::base::IfaceName;
use crate::sim::{Duration, Time};

/// How frames are framed on an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encap {
    Ethernet,
    /// Cisco HDLC on serial links: point to point, no ARP.
    Hdlc,
    /// Loopbacks: nothing ever leaves.
    None,
}

#[derive(Debug)]
pub struct IpIface {
    pub name: IfaceName,
    pub encap: Encap,
    pub mac: Mac,
    pub addr: Option<(Ipv4Addr, u8)>,
    /// Secondary addresses (`ip address A M secondary`): more subnets on the
    /// same wire, each with its connected route, answering ARP and taking
    /// packets as the primary does; a packet leaves with the one on its next
    /// hop's subnet.
    pub secondaries: Vec<(Ipv4Addr, u8)>,
    /// The interface is looking for a DHCP lease: it takes replies to UDP
    /// port 68 sent to the address it is being offered, as a DHCP client's
    /// raw socket does before the address is configured (set while it has
    /// no lease, an APIPA address included).
    pub dhcp_client: bool,
    /// Line protocol up; kept current by the owning device.
    pub up: bool,
    /// Multicast groups joined on this interface (224.0.0.5 for OSPF ...).
    pub groups: Vec<Ipv4Addr>,
    /// Answer ARP for addresses reached through another interface (IOS's
    /// default on every interface; `no ip proxy-arp` turns it off).
    pub proxy_arp: bool,
    /// Addresses this interface also answers for, with the MAC it answers
    /// with (an HSRP group's virtual IP and MAC while it is active).
    pub virtuals: Vec<(Ipv4Addr, Mac)>,
    /// Addresses answered in ARP with the interface's own MAC though not
    /// configured on it: the inside global addresses NAT maps (IOS's aliases).
    pub aliases: Vec<Ipv4Addr>,
    /// The filter on packets coming in, and on packets going out.
    pub inbound: Option<Box<dyn PacketFilter>>,
    pub outbound: Option<Box<dyn PacketFilter>>,
}

impl IpIface {
    /// Every address of the interface, the primary first.
    pub fn addresses(&self) -> impl Iterator<Item = (Ipv4Addr, u8)> + '_ {
        self.addr.iter().chain(&self.secondaries).copied()
    }

    /// The interface's address on `ip`'s subnet, if any.
    pub fn address_on_subnet_of(&self, ip: Ipv4Addr) -> Option<(Ipv4Addr, u8)> {
        self.addresses().find(|&(a, len)| ipv4::network(a, len) == ipv4::network(ip, len))
    }

    /// The source address for a packet toward `next_hop` out of this
    /// interface: the address on its subnet, else the primary.
    pub fn source_toward(&self, next_hop: Ipv4Addr) -> Option<Ipv4Addr> {
        self.address_on_subnet_of(next_hop).or(self.addr).map(|(a, _)| a)
    }

    /// Is `dst` the directed broadcast of one of the interface's subnets?
    fn is_subnet_broadcast(&self, dst: Ipv4Addr) -> bool {
        self.addresses().any(|(a, len)| len < 31 && ipv4::broadcast(a, len) == dst)
    }
}

/// The stages of the IP path that a device can hook into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    InboundFilter,
    OutsideToInside,
    InsideToOutside,
    OutboundFilter,
}

/// What a packet looks like to a filter: the fields an access list matches.
pub use super::ipv4::PacketInfo;

/// A filter on an interface's way in or out (an access list).
pub trait PacketFilter: Send + Sync + std::fmt::Debug {
    /// Does the packet pass?
    fn admits(&mut self, now: Time, packet: &PacketInfo) -> bool;
}

/// Address translation between inside and outside interfaces (NAT): it may
/// rewrite the packet (addresses, ports, checksums) or refuse it.
pub trait Translator: Send + Sync + std::fmt::Debug {
    /// A packet arrived on `iface`, before routing.
    fn outside_to_inside(&mut self, now: Time, iface: usize, packet: &mut Vec<u8>) -> bool;
    /// A packet from `in_iface` is about to leave by `out_iface`.
    fn inside_to_outside(&mut self, now: Time, in_iface: usize, out_iface: usize, packet: &mut Vec<u8>) -> bool;
}

/// What a service listens for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Binding {
    /// Every packet of an IP protocol (89 for OSPF).
    Protocol(u8),
    /// A UDP port (67 for a DHCP server, 520 for RIP).
    Udp(u16),
    /// A TCP port.
    Tcp(u16),
}

/// How this stack behaves: the differences between a Windows host and IOS.
#[derive(Clone, Copy, Debug)]
pub struct StackConfig {
    pub default_ttl: u8,
    pub forwarding: bool,
    /// Hosts hold a packet while ARP resolves; IOS drops it (hence `.!!!!`).
    pub hold_on_arp_miss: bool,
    pub arp_timeout: Duration,
    pub arp_retry: Duration,
    pub arp_tries: u8,
    /// IOS sends at most one unreachable per interval (hence `U.U.U`).
    pub unreachable_interval: Duration,
    /// Routing tables list `L` routes on IOS only.
    pub local_routes: bool,
    /// Interfaces answer proxy ARP unless told not to (IOS), or never (hosts).
    pub proxy_arp: bool,
}

impl StackConfig {
    pub const HOST: StackConfig = StackConfig {
        default_ttl: 128,
        forwarding: false,
        hold_on_arp_miss: true,
        arp_timeout: arp::HOST_TIMEOUT,
        arp_retry: Duration::from_secs(1),
        arp_tries: 3,
        unreachable_interval: Duration::ZERO,
        local_routes: false,
        proxy_arp: false,
    };
    pub const IOS: StackConfig = StackConfig {
        default_ttl: 255,
        forwarding: true,
        hold_on_arp_miss: false,
        arp_timeout: arp::IOS_TIMEOUT,
        arp_retry: Duration::from_secs(2),
        arp_tries: 2,
        unreachable_interval: Duration::from_millis(500),
        local_routes: true,
        proxy_arp: true,
    };
}

/// Something the stack hands to the device's applications.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// A packet of a bound protocol, or a UDP datagram or TCP segment to a
    /// bound port.
    Payload(Payload),
    EchoReply {
        from: Ipv4Addr,
        ident: u16,
        seq: u16,
        ttl: u8,
        data_len: usize,
    },
    IcmpError {
        from: Ipv4Addr,
        kind: ErrorKind,
        echo: Option<(u16, u16)>,
        udp_ports: Option<(u16, u16)>,
    },
    /// A locally sent packet was dropped because its next hop never answered ARP.
    ArpFailed {
        src: Ipv4Addr,
        next_hop: Ipv4Addr,
        echo: Option<(u16, u16)>,
        udp_ports: Option<(u16, u16)>,
    },
}

/// A packet handed up to the service that bound its protocol or port: the
/// IP payload (the UDP or TCP header included), with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    pub binding: Binding,
    /// The interface it came in on.
    pub iface: usize,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    pub bytes: Vec<u8>,
}

/// Why the stack dropped a packet: counted, and kept for diagnosis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drop {
    NoRoute {
        dst: Ipv4Addr,
    },
    TtlExpired {
        dst: Ipv4Addr,
    },
    ArpUnresolved {
        next_hop: Ipv4Addr,
        iface: usize,
    },
    IfaceDown {
        iface: usize,
    },
    Malformed,
    /// IOS drops the packet that starts an ARP resolution (hence the first `.` of a ping).
    ArpIncomplete {
        next_hop: Ipv4Addr,
    },
    /// A filter refused it at a stage, on an interface.
    Filtered {
        stage: Stage,
        iface: usize,
    },
    /// The translator refused it.
    Untranslated {
        stage: Stage,
        iface: usize,
    },
}

/// Why a locally originated packet could not be sent at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    NoRoute,
    NoSourceAddress,
}

#[derive(Clone, Debug)]
struct Pending {
    iface: usize,
    next_hop: Ipv4Addr,
    tries: u8,
    next_try: Time,
    held: Vec<Vec<u8>>,
}

/// How many packets a host holds per unresolved neighbour (Windows holds a few).
const MAX_HELD: usize = 8;

#[derive(Debug)]
pub struct IpStack {
    pub ifaces: Vec<IpIface>,
    /// Routes the routing protocols offer (the device sets them, then rebuilds).
    pub dynamic: Vec<DynamicRoute>,
    /// What services listen for, sorted.
    bound: Vec<Binding>,
    /// Address translation, when the device does NAT.
    pub translator: Option<Box<dyn Translator>>,
    pub statics: Vec<StaticRoute>,
    pub arp: ArpCache,
    pub config: StackConfig,
    rib: Rib,
    pending: Vec<Pending>,
    ident: u16,
    last_unreachable: Option<Time>,
    /// Frames to transmit, by interface index.
    pub out: Vec<(usize, Vec<u8>)>,
    /// Events for applications.
    pub delivered: Vec<Delivery>,
    /// Decisions for the trace, when it is on.
    pub notes: Option<Vec<Decision>>,
    pub forwarded: u64,
    /// This stack's own input to the flow hash that picks among equal-cost
    /// paths (from its first interface's MAC, as CEF's universal algorithm
    /// takes a per-router ID).
    flow_seed: u32,
}

impl IpStack {
    pub fn new(config: StackConfig) -> Self {
        IpStack {
            ifaces: Vec::new(),
            dynamic: Vec::new(),
            bound: Vec::new(),
            translator: None,
            statics: Vec::new(),
            arp: ArpCache::new(config.arp_timeout),
            config,
            rib: Rib::default(),
            pending: Vec::new(),
            ident: 0,
            last_unreachable: None,
            out: Vec::new(),
            delivered: Vec::new(),
            notes: None,
            forwarded: 0,
            flow_seed: 0,
        }
    }

    pub fn add_iface(&mut self, name: IfaceName, encap: Encap, mac: Mac) -> usize {
        if self.ifaces.is_empty() {
            let b = mac.0;
            self.flow_seed = u32::from_be_bytes([b[2], b[3], b[4], b[5]]);
        }
        self.ifaces.push(IpIface {
            name,
            encap,
            mac,
            addr: None,
            up: false,
            groups: Vec::new(),
            proxy_arp: self.config.proxy_arp,
            virtuals: Vec::new(),
            aliases: Vec::new(),
            secondaries: Vec::new(),
            dhcp_client: false,
            inbound: None,
            outbound: None,
        });
        self.ifaces.len() - 1
    }

    /// Are packets waiting for ARP to resolve their next hop?
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    pub fn iface_index(&self, name: &IfaceName) -> Option<usize> {
        self.ifaces.iter().position(|i| &i.name == name)
    }

    pub fn rib(&self) -> &Rib {
        &self.rib
    }

    /// Recompute the routing table; call after any address, link or route change.
    pub fn rebuild_routes(&mut self) {
        let connected: Vec<ConnectedIface> = self
            .ifaces
            .iter()
            .enumerate()
            .flat_map(|(index, i)| i.addresses().map(move |(addr, len)| ConnectedIface { index, addr, len, up: i.up }))
            .collect();
        self.rib = Rib::build(&connected, &self.statics, &self.dynamic, self.config.local_routes);
        let ifaces = &self.ifaces;
        self.pending.retain(|p| ifaces.get(p.iface).is_some_and(|i| i.up));
    }

    /// Set the line-protocol state of an interface.
    pub fn set_up(&mut self, iface: usize, up: bool) {
        if self.ifaces[iface].up != up {
            self.ifaces[iface].up = up;
            if !up {
                self.arp.remove_iface(iface);
            }
            self.rebuild_routes();
        }
    }

    pub fn set_addr(&mut self, iface: usize, addr: Option<(Ipv4Addr, u8)>) {
        self.ifaces[iface].addr = addr;
        self.arp.remove_iface(iface);
        self.rebuild_routes();
    }

    /// Is `ip` one of this stack's own addresses (on an interface that is
    /// up), a virtual address it answers for included?
    pub fn is_local(&self, ip: Ipv4Addr) -> bool {
        self.ifaces
            .iter()
            .any(|i| i.up && (i.addresses().any(|(a, _)| a == ip) || i.virtuals.iter().any(|v| v.0 == ip)))
    }

    fn is_for_us(&self, iface: usize, dst: Ipv4Addr) -> bool {
        if dst == Ipv4Addr::BROADCAST || self.is_local(dst) {
            return true;
        }
        let i = &self.ifaces[iface];
        if dst.is_multicast() {
            return i.groups.contains(&dst);
        }
        i.is_subnet_broadcast(dst)
    }

    /// A service starts listening: its packets are handed up as [`Delivery::Payload`].
    pub fn bind(&mut self, binding: Binding) {
        if let Err(at) = self.bound.binary_search(&binding) {
            self.bound.insert(at, binding);
        }
    }

    /// A service stops listening: its port answers "unreachable" again.
    pub fn unbind(&mut self, binding: Binding) {
        self.bound.retain(|b| *b != binding);
    }

    pub fn is_bound(&self, binding: Binding) -> bool {
        self.bound.binary_search(&binding).is_ok()
    }

    /// Receive a multicast group on an interface (224.0.0.5 for OSPF).
    pub fn join(&mut self, iface: usize, group: Ipv4Addr) {
        let groups = &mut self.ifaces[iface].groups;
        if !groups.contains(&group) {
            groups.push(group);
        }
    }

    pub fn leave(&mut self, iface: usize, group: Ipv4Addr) {
        self.ifaces[iface].groups.retain(|g| *g != group);
    }

    /// Tell the trace, if it is on.
    #[inline]
    fn note(&mut self, decision: impl FnOnce() -> Decision) {
        if let Some(notes) = &mut self.notes {
            notes.push(decision());
        }
    }

    /// Note a dropped packet for the trace (which the grader's diagnosis reads).
    fn drop_packet(&mut self, packet: Option<&[u8]>, why: Drop) {
        self.note(|| Decision::IpDropped { flow: packet.and_then(flow_of), why });
    }

    fn next_ident(&mut self) -> u16 {
        self.ident = self.ident.wrapping_add(1);
        self.ident
    }

    /// Handle a frame received on an interface.
    pub fn receive(&mut self, now: Time, iface: usize, mut frame: Vec<u8>) {
        let Some(i) = self.ifaces.get(iface) else { return };
        if !i.up {
            return;
        }
        match i.encap {
            Encap::Ethernet => {
                let Some(eth) = ethernet::parse(&frame) else { return };
                let for_us = eth.dst_addr == i.mac
                    || eth.dst_addr == BROADCAST
                    || i.virtuals.iter().any(|v| v.1 == eth.dst_addr)
                    || eth.dst_addr.is_multicast() && i.groups.iter().any(|g| ipv4::multicast_mac(*g) == eth.dst_addr);
                if !for_us {
                    return;
                }
                match eth.ethertype {
                    EthernetProtocol::Arp => {
                        if let Some(a) = arp::parse(&frame[ethernet::HEADER_LEN..]) {
                            self.receive_arp(now, iface, a);
                        }
                    }
                    EthernetProtocol::Ipv4 => {
                        let Some(h) = ipv4::parse(&frame[ethernet::HEADER_LEN..]) else { return };
                        // Drop Ethernet padding so the packet is exactly its length.
                        frame.truncate(ethernet::HEADER_LEN + h.total_len);
                        self.receive_ip(now, iface, frame, ethernet::HEADER_LEN, h);
                    }
                    _ => {}
                }
            }
            Encap::Hdlc => {
                let Some((hdlc::PROTOCOL_IPV4, payload)) = hdlc::parse(&frame) else { return };
                let Some(h) = ipv4::parse(payload) else { return };
                frame.truncate(hdlc::HEADER_LEN + h.total_len);
                self.receive_ip(now, iface, frame, hdlc::HEADER_LEN, h);
            }
            Encap::None => {}
        }
    }

    fn receive_arp(&mut self, now: Time, iface: usize, a: arp::Arp) {
        let i = &self.ifaces[iface];
        if i.addr.is_none() {
            return;
        }
        // The sender is on one of the interface's subnets, primary or secondary.
        let on_subnet = i.address_on_subnet_of(a.sender_ip).is_some();
        let target_is_mine = i.addresses().any(|(ip, _)| ip == a.target_ip) || i.aliases.contains(&a.target_ip);
        let merged = self.arp.refresh(a.sender_ip, a.sender_mac, iface, now);
        if let Some(&(vip, vmac)) = self.ifaces[iface].virtuals.iter().find(|v| v.0 == a.target_ip) {
            // A virtual address (HSRP): answered with its virtual MAC.
            if a.is_request && on_subnet {
                self.out.push((iface, arp::reply(vmac, vip, a.sender_mac, a.sender_ip)));
                self.note(|| Decision::ArpReply { to: a.sender_ip, iface });
            }
            return;
        }
        if !target_is_mine {
            if merged {
                self.flush_pending(now, a.sender_ip);
            }
            if a.is_request && on_subnet && self.proxies_for(iface, a.target_ip) {
                // Proxy ARP: the asker thinks the target is on its LAN; we
                // route to it through another interface, so we answer for it.
                let mac = self.ifaces[iface].mac;
                self.out.push((iface, arp::reply(mac, a.target_ip, a.sender_mac, a.sender_ip)));
                self.note(|| Decision::ProxyArpReply { for_ip: a.target_ip, to: a.sender_ip, iface });
            }
            return;
        }
        // A reply for an address we asked about is taken even off our subnet:
        // a router answering by proxy ARP for a destination beyond it.
        let asked = self.pending.iter().any(|p| p.next_hop == a.sender_ip && p.iface == iface);
        if (on_subnet || asked) && !merged {
            self.arp.insert(a.sender_ip, a.sender_mac, iface, now);
        }
        if a.is_request {
            let mac = self.ifaces[iface].mac;
            self.out.push((iface, arp::reply(mac, a.target_ip, a.sender_mac, a.sender_ip)));
            self.note(|| Decision::ArpReply { to: a.sender_ip, iface });
        }
        self.flush_pending(now, a.sender_ip);
    }

    /// Does this router answer ARP for `target` on `iface` as a proxy? Only
    /// a router, only with proxy ARP on, only for a target outside the
    /// interface's own subnet that it routes out of another interface.
    fn proxies_for(&self, iface: usize, target: Ipv4Addr) -> bool {
        let i = &self.ifaces[iface];
        if !self.config.forwarding || !i.proxy_arp || self.is_local(target) {
            return false;
        }
        if i.addr.is_none() || i.address_on_subnet_of(target).is_some() {
            return false;
        }
        self.rib.lookup(target).is_some_and(|hop| hop.iface != iface && self.ifaces[hop.iface].up)
    }

    /// Send what was held for a neighbour that just resolved.
    fn flush_pending(&mut self, now: Time, ip: Ipv4Addr) {
        let Some(pos) = self.pending.iter().position(|p| p.next_hop == ip) else { return };
        let p = self.pending.swap_remove(pos);
        for packet in p.held {
            self.transmit(now, packet, Hop { iface: p.iface, next_hop: Some(ip) });
        }
    }

    /// The receive path: inbound filter, translation, then route or deliver.
    fn receive_ip(&mut self, now: Time, iface: usize, mut frame: Vec<u8>, l3: usize, h: Header) {
        if !self.pass_filter(now, Stage::InboundFilter, iface, &frame[l3..]) {
            return;
        }
        let h = match self.translator.as_mut() {
            None => h,
            Some(nat) => {
                let mut packet = frame.split_off(l3);
                if !nat.outside_to_inside(now, iface, &mut packet) {
                    let why = Drop::Untranslated { stage: Stage::OutsideToInside, iface };
                    return self.drop_packet(Some(&packet), why);
                }
                frame.extend_from_slice(&packet);
                match ipv4::parse(&frame[l3..]) {
                    Some(h) => h,
                    None => return self.drop_packet(None, Drop::Malformed),
                }
            }
        };
        if self.is_for_us(iface, h.dst) || self.is_dhcp_reply_for_client(iface, &frame[l3..], &h) {
            self.note(|| Decision::Received { flow: flow_of(&frame[l3..]).unwrap_or(Flow::of(&h)), iface });
            self.deliver_local(now, iface, &frame[l3..], h);
        } else if self.config.forwarding && !h.dst.is_multicast() {
            self.forward(now, iface, frame, l3, h);
        }
    }

    /// A DHCP reply unicast to the address an interface is being offered.
    fn is_dhcp_reply_for_client(&self, iface: usize, packet: &[u8], h: &Header) -> bool {
        // Only while it looks for a lease (its owner clears the flag once
        // bound): afterwards replies come to its address, and a router
        // forwards everyone else's.
        self.ifaces[iface].dhcp_client
            && h.protocol == IpProtocol::Udp
            && udp::ports(&packet[h.header_len..]).is_some_and(|(_, dst)| dst == crate::proto::dhcp::CLIENT_PORT)
    }

    /// A filter stage on an interface; a refused packet is dropped, noted,
    /// and answered with an administratively-prohibited unreachable, as IOS
    /// answers a packet an access list denies.
    fn pass_filter(&mut self, now: Time, stage: Stage, iface: usize, packet: &[u8]) -> bool {
        let i = &mut self.ifaces[iface];
        let filter = match stage {
            Stage::InboundFilter => &mut i.inbound,
            _ => &mut i.outbound,
        };
        let Some(filter) = filter.as_mut() else { return true };
        if filter.admits(now, &PacketInfo::of(packet)) {
            return true;
        }
        self.drop_packet(Some(packet), Drop::Filtered { stage, iface });
        self.send_error(now, packet, ErrorKind::AdminProhibited);
        false
    }

    /// A packet for this device: ICMP is answered here; a bound protocol or
    /// port goes up to its service; anything else gets the ICMP error every
    /// IP stack sends.
    fn deliver_local(&mut self, now: Time, iface: usize, packet: &[u8], h: Header) {
        let payload = &packet[h.header_len..h.total_len.min(packet.len())];
        let binding = match h.protocol {
            IpProtocol::Icmp => return self.deliver_icmp(now, payload, h),
            IpProtocol::Udp => udp::ports(payload).map(|(_, dst)| Binding::Udp(dst)),
            IpProtocol::Tcp => udp::ports(payload).map(|(_, dst)| Binding::Tcp(dst)),
            other => Some(Binding::Protocol(other.into())),
        };
        let Some(binding) = binding else { return self.drop_packet(Some(packet), Drop::Malformed) };
        let bound = self.is_bound(binding) || self.is_bound(Binding::Protocol(h.protocol.into()));
        if bound {
            let bytes = payload.to_vec();
            self.delivered.push(Delivery::Payload(Payload {
                binding,
                iface,
                src: h.src,
                dst: h.dst,
                ttl: h.ttl,
                bytes,
            }));
            return;
        }
        // Nobody listens. Broadcasts and multicasts get no answer.
        if h.dst == Ipv4Addr::BROADCAST || h.dst.is_multicast() || !self.is_local(h.dst) {
            return;
        }
        let kind = match binding {
            Binding::Protocol(_) => ErrorKind::ProtocolUnreachable,
            Binding::Udp(_) | Binding::Tcp(_) => ErrorKind::PortUnreachable,
        };
        // TCP answers a closed port with a reset; until TCP runs, an error says as much.
        self.send_error(now, packet, kind);
    }

    fn deliver_icmp(&mut self, now: Time, payload: &[u8], h: Header) {
        match icmp::parse(payload) {
            Some(Message::EchoRequest { ident, seq, data }) => {
                if h.dst == Ipv4Addr::BROADCAST || !self.is_local(h.dst) {
                    return; // no answer to broadcast pings
                }
                let data = data.to_vec();
                let len = icmp::echo_len(data.len());
                let _ = self.originate(now, h.dst, h.src, IpProtocol::Icmp, None, len, |b| {
                    icmp::emit_echo(b, true, ident, seq, &data)
                });
            }
            Some(Message::EchoReply { ident, seq, data }) => {
                self.delivered.push(Delivery::EchoReply { from: h.src, ident, seq, ttl: h.ttl, data_len: data.len() })
            }
            Some(Message::Error { kind, quoted }) => self.delivered.push(Delivery::IcmpError {
                from: h.src,
                kind,
                echo: quoted.echo_ids(),
                udp_ports: (quoted.header.next_header == IpProtocol::Udp).then(|| udp::ports(quoted.payload)).flatten(),
            }),
            None => {}
        }
    }

    /// The forwarding path: TTL, route, translation, outbound filter, then
    /// ARP and the exit interface's queue.
    fn forward(&mut self, now: Time, in_iface: usize, mut frame: Vec<u8>, l3: usize, h: Header) {
        if h.ttl <= 1 {
            self.drop_packet(Some(&frame[l3..]), Drop::TtlExpired { dst: h.dst });
            self.send_error(now, &frame[l3..], ErrorKind::TtlExceeded);
            return;
        }
        let Some(hop) = self.rib.lookup_flow(h.src, h.dst, self.flow_seed) else {
            self.drop_packet(Some(&frame[l3..]), Drop::NoRoute { dst: h.dst });
            self.send_error(now, &frame[l3..], ErrorKind::NetUnreachable);
            return;
        };
        ipv4::decrement_ttl(&mut frame[l3..]);
        let nh = hop.next_hop.unwrap_or(h.dst);
        self.note(|| Decision::Routed {
            flow: flow_of(&frame[l3..]).unwrap_or(Flow::of(&h)),
            iface: hop.iface,
            next_hop: nh,
        });
        let hooked = self.translator.is_some() || self.ifaces[hop.iface].outbound.is_some();
        let out = &self.ifaces[hop.iface];
        // The hot path: Ethernet in, Ethernet out, nothing to translate or
        // filter, neighbour known: rewrite the frame in place.
        if !hooked && l3 == ethernet::HEADER_LEN && out.encap == Encap::Ethernet && out.up {
            if let Some(e) = self.arp.lookup(nh, now) {
                let (dst, src) = (e.mac, out.mac);
                ethernet::set_addresses(&mut frame, dst, src);
                pad(&mut frame);
                self.forwarded += 1;
                self.out.push((hop.iface, frame));
                return;
            }
        }
        frame.drain(..l3);
        let mut packet = frame;
        if let Some(nat) = self.translator.as_mut() {
            if !nat.inside_to_outside(now, in_iface, hop.iface, &mut packet) {
                let why = Drop::Untranslated { stage: Stage::InsideToOutside, iface: hop.iface };
                return self.drop_packet(Some(&packet), why);
            }
        }
        if !self.pass_filter(now, Stage::OutboundFilter, hop.iface, &packet) {
            return;
        }
        self.forwarded += 1;
        self.transmit(now, packet, hop);
    }

    /// Send an ICMP error about `offending` back to its source.
    pub fn send_error(&mut self, now: Time, offending: &[u8], kind: ErrorKind) {
        let Some(h) = ipv4::parse(offending) else { return };
        let payload = &offending[h.header_len.min(offending.len())..];
        if icmp::is_error(payload) && h.protocol == IpProtocol::Icmp
            || h.src.is_unspecified()
            || h.src == Ipv4Addr::BROADCAST
        {
            return;
        }
        if kind != ErrorKind::TtlExceeded && !self.config.unreachable_interval.nanos().eq(&0) {
            if let Some(last) = self.last_unreachable {
                if now.since(last) < self.config.unreachable_interval {
                    return;
                }
            }
            self.last_unreachable = Some(now);
        }
        self.note(|| Decision::IcmpError { flow: flow_of(offending).unwrap_or(Flow::of(&h)), kind });
        let quoted = offending.to_vec();
        let len = icmp::error_len(&quoted);
        // The error leaves from the interface facing the offender.
        let _ = self.originate(now, Ipv4Addr::UNSPECIFIED, h.src, IpProtocol::Icmp, None, len, |b| {
            icmp::emit_error(b, kind, &quoted)
        });
    }

    /// The source address a packet to `dst` leaves with: the exit interface's.
    pub fn source_for(&self, dst: Ipv4Addr) -> Result<Ipv4Addr, SendError> {
        let hop = self.rib.lookup_flow(Ipv4Addr::UNSPECIFIED, dst, self.flow_seed).ok_or(SendError::NoRoute)?;
        self.ifaces[hop.iface].source_toward(hop.next_hop.unwrap_or(dst)).ok_or(SendError::NoSourceAddress)
    }

    /// Build and send a packet from this stack. `src` unspecified means "the
    /// address of the exit interface", as IOS and hosts choose it.
    #[allow(clippy::too_many_arguments)]
    pub fn originate(
        &mut self,
        now: Time,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        protocol: IpProtocol,
        ttl: Option<u8>,
        payload_len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<(), SendError> {
        let hop = if dst == Ipv4Addr::BROADCAST {
            let iface = self.ifaces.iter().position(|i| i.up && i.addr.is_some()).ok_or(SendError::NoRoute)?;
            Hop { iface, next_hop: None }
        } else {
            // Its own packets take the path of their destination, so the
            // source `source_for` chose leaves by its own interface.
            self.rib.lookup_flow(Ipv4Addr::UNSPECIFIED, dst, self.flow_seed).ok_or(SendError::NoRoute)?
        };
        let src = if src.is_unspecified() {
            self.ifaces[hop.iface].source_toward(hop.next_hop.unwrap_or(dst)).ok_or(SendError::NoSourceAddress)?
        } else {
            src
        };
        let ident = self.next_ident();
        let ttl = ttl.unwrap_or(self.config.default_ttl);
        let packet = ipv4::build(src, dst, protocol, ttl, ident, payload_len, fill);
        if self.is_local(dst) {
            // To ourselves: answered at once, as a loopback would.
            if let Some(h) = ipv4::parse(&packet) {
                self.deliver_local(now, hop.iface, &packet, h);
            }
            return Ok(());
        }
        self.transmit(now, packet, hop);
        Ok(())
    }

    /// Build and send a packet out of one interface, without a route: to a
    /// multicast group or a broadcast on that link (OSPF hellos, RIP updates,
    /// HSRP), or to a neighbour on it. The source is the interface's address.
    #[allow(clippy::too_many_arguments)]
    pub fn originate_on(
        &mut self,
        now: Time,
        iface: usize,
        dst: Ipv4Addr,
        protocol: IpProtocol,
        ttl: u8,
        payload_len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<(), SendError> {
        let i = self.ifaces.get(iface).ok_or(SendError::NoRoute)?;
        let src = i.source_toward(dst).ok_or(SendError::NoSourceAddress)?;
        let ident = self.next_ident();
        let packet = ipv4::build(src, dst, protocol, ttl, ident, payload_len, fill);
        let next_hop = (!dst.is_multicast() && dst != Ipv4Addr::BROADCAST).then_some(dst);
        self.transmit(now, packet, Hop { iface, next_hop });
        Ok(())
    }

    /// Send a UDP datagram out of one interface straight to a MAC address,
    /// without routing or ARP: DHCP's broadcasts from 0.0.0.0, and a server's
    /// or relay's reply to a client that has no address yet.
    #[allow(clippy::too_many_arguments)]
    pub fn send_udp_to_mac(
        &mut self,
        iface: usize,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        dst_mac: Mac,
        ports: (u16, u16),
        ttl: u8,
        data: &[u8],
    ) -> Result<(), SendError> {
        let src_mac = self.ifaces.get(iface).ok_or(SendError::NoRoute)?.mac;
        self.send_udp_frame(iface, (src_mac, src), (dst_mac, dst), ports, ttl, data)
    }

    /// A UDP datagram in an Ethernet frame out of `iface`, as given.
    fn send_udp_frame(
        &mut self,
        iface: usize,
        (src_mac, src): (Mac, Ipv4Addr),
        (dst_mac, dst): (Mac, Ipv4Addr),
        ports: (u16, u16),
        ttl: u8,
        data: &[u8],
    ) -> Result<(), SendError> {
        let i = self.ifaces.get(iface).ok_or(SendError::NoRoute)?;
        if !i.up || i.encap != Encap::Ethernet {
            return Err(SendError::NoRoute);
        }
        let ident = self.next_ident();
        let len = udp::HEADER_LEN + data.len();
        let packet =
            ipv4::build(src, dst, IpProtocol::Udp, ttl, ident, len, |b| udp::emit(b, src, dst, ports.0, ports.1, data));
        let frame =
            ethernet::build(dst_mac, src_mac, EthernetProtocol::Ipv4, packet.len(), |b| b.copy_from_slice(&packet));
        self.out.push((iface, frame));
        Ok(())
    }

    /// Send a UDP datagram to a multicast group out of one interface with a
    /// given source MAC (an HSRP active router speaks from the virtual MAC).
    #[allow(clippy::too_many_arguments)]
    pub fn send_multicast_udp(
        &mut self,
        iface: usize,
        src_mac: Mac,
        group: Ipv4Addr,
        ports: (u16, u16),
        ttl: u8,
        data: &[u8],
    ) -> Result<(), SendError> {
        let i = self.ifaces.get(iface).ok_or(SendError::NoRoute)?;
        if !i.up || i.encap != Encap::Ethernet {
            return Err(SendError::NoRoute);
        }
        let src = i.addr.map(|(a, _)| a).ok_or(SendError::NoSourceAddress)?;
        self.send_udp_frame(iface, (src_mac, src), (ipv4::multicast_mac(group), group), ports, ttl, data)
    }

    /// Encapsulate an IPv4 packet and queue it on `hop.iface`, resolving the
    /// neighbour first where the medium needs it.
    fn transmit(&mut self, now: Time, packet: Vec<u8>, hop: Hop) {
        let Some(i) = self.ifaces.get(hop.iface) else { return };
        if !i.up {
            self.drop_packet(Some(&packet), Drop::IfaceDown { iface: hop.iface });
            return;
        }
        match i.encap {
            Encap::None => {}
            Encap::Hdlc => self.out.push((hop.iface, hdlc::encapsulate_ipv4(&packet))),
            Encap::Ethernet => {
                let Some(h) = ipv4::parse(&packet) else {
                    self.drop_packet(Some(&packet), Drop::Malformed);
                    return;
                };
                let nh = hop.next_hop.unwrap_or(h.dst);
                let directed_broadcast = i.is_subnet_broadcast(nh);
                let dst_mac = if nh == Ipv4Addr::BROADCAST || directed_broadcast {
                    Some(BROADCAST)
                } else if nh.is_multicast() {
                    Some(ipv4::multicast_mac(nh))
                } else {
                    self.arp.lookup(nh, now).map(|e| e.mac)
                };
                match dst_mac {
                    Some(mac) => {
                        let src = i.mac;
                        let frame = ethernet::build(mac, src, EthernetProtocol::Ipv4, packet.len(), |b| {
                            b.copy_from_slice(&packet)
                        });
                        self.out.push((hop.iface, frame));
                    }
                    None => self.resolve(now, hop.iface, nh, packet),
                }
            }
        }
    }

    fn resolve(&mut self, now: Time, iface: usize, nh: Ipv4Addr, packet: Vec<u8>) {
        let hold = self.config.hold_on_arp_miss;
        self.note(|| match flow_of(&packet) {
            Some(flow) if hold => Decision::HeldForArp { flow, next_hop: nh },
            flow => Decision::IpDropped { flow, why: Drop::ArpIncomplete { next_hop: nh } },
        });
        if let Some(p) = self.pending.iter_mut().find(|p| p.next_hop == nh) {
            if hold && p.held.len() < MAX_HELD {
                p.held.push(packet);
            }
            return;
        }
        // IOS drops the packet that started the resolution; that is normal and
        // not logged. Giving up on the neighbour is.
        let held = if hold { vec![packet] } else { Vec::new() };
        self.pending.push(Pending { iface, next_hop: nh, tries: 0, next_try: now, held });
        self.poll(now);
    }

    /// When [`IpStack::poll`] has something to do: the next ARP retry.
    #[inline]
    pub fn poll_at(&self) -> Option<Time> {
        if self.pending.is_empty() {
            return None;
        }
        self.pending.iter().map(|p| p.next_try).min()
    }

    /// Retry or give up on pending ARP resolutions that are due.
    pub fn poll(&mut self, now: Time) {
        let mut i = 0;
        while i < self.pending.len() {
            if self.pending[i].next_try > now {
                i += 1;
                continue;
            }
            if self.pending[i].tries >= self.config.arp_tries {
                let p = self.pending.swap_remove(i);
                let why = Drop::ArpUnresolved { next_hop: p.next_hop, iface: p.iface };
                for packet in &p.held {
                    self.note(|| Decision::IpDropped { flow: flow_of(packet), why });
                    self.report_arp_failure(p.next_hop, packet);
                }
                continue;
            }
            let p = &mut self.pending[i];
            p.tries += 1;
            p.next_try = now + self.config.arp_retry;
            let (iface, nh) = (p.iface, p.next_hop);
            let iface_ref = &self.ifaces[iface];
            if let Some(src) = iface_ref.source_toward(nh) {
                let req = arp::request(iface_ref.mac, src, nh);
                self.out.push((iface, req));
                self.note(|| Decision::ArpRequest { target: nh, iface });
            }
            i += 1;
        }
    }

    fn report_arp_failure(&mut self, next_hop: Ipv4Addr, packet: &[u8]) {
        let Some(h) = ipv4::parse(packet) else { return };
        if !self.is_local(h.src) {
            return;
        }
        let payload = &packet[h.header_len..];
        let echo = match (h.protocol, icmp::parse(payload)) {
            (IpProtocol::Icmp, Some(Message::EchoRequest { ident, seq, .. })) => Some((ident, seq)),
            _ => None,
        };
        let udp_ports = (h.protocol == IpProtocol::Udp).then(|| udp::ports(payload)).flatten();
        self.delivered.push(Delivery::ArpFailed { src: h.src, next_hop, echo, udp_ports });
    }

    /// Forget everything learned (ARP, pending packets); keep the configuration.
    pub fn clear_dynamic(&mut self) {
        self.arp.clear();
        self.pending.clear();
    }
}

/// The flow an IPv4 packet belongs to, for the trace.
pub fn flow_of(packet: &[u8]) -> Option<Flow> {
    let h = ipv4::parse(packet)?;
    let payload = packet.get(h.header_len..h.total_len.min(packet.len()))?;
    let (id, seq) = match h.protocol {
        IpProtocol::Icmp => match icmp::parse(payload) {
            Some(Message::EchoRequest { ident, seq, .. } | Message::EchoReply { ident, seq, .. }) => (ident, seq),
            Some(Message::Error { quoted, .. }) => quoted.echo_ids().unwrap_or((0, 0)),
            None => (0, 0),
        },
        IpProtocol::Udp | IpProtocol::Tcp => udp::ports(payload).unwrap_or((0, 0)),
        _ => (0, 0),
    };
    Some(Flow { src: h.src, dst: h.dst, protocol: h.protocol.into(), id, seq })
}

fn pad(frame: &mut Vec<u8>) {
    if frame.len() < ethernet::MIN_FRAME_LEN {
        frame.resize(ethernet::MIN_FRAME_LEN, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::IfaceKind;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn host(mac: u8, addr: &str) -> IpStack {
        let mut s = IpStack::new(StackConfig::HOST);
        let i = s.add_iface(IfaceName::new(IfaceKind::FastEthernet, &[0]), Encap::Ethernet, Mac([0, 0, 0, 0, 0, mac]));
        s.ifaces[i].up = true;
        s.set_addr(i, Some((ip(addr), 24)));
        s
    }

    /// Move every queued frame from one stack to the other until both are quiet.
    fn exchange(a: &mut IpStack, b: &mut IpStack, now: Time) {
        for _ in 0..10 {
            let fa: Vec<_> = a.out.drain(..).collect();
            let fb: Vec<_> = b.out.drain(..).collect();
            if fa.is_empty() && fb.is_empty() {
                return;
            }
            fa.into_iter().for_each(|(_, f)| b.receive(now, 0, f));
            fb.into_iter().for_each(|(_, f)| a.receive(now, 0, f));
        }
    }

    #[test]
    fn ping_on_a_wire_resolves_arp_then_replies() {
        let (mut a, mut b) = (host(1, "10.0.0.1"), host(2, "10.0.0.2"));
        let echo = |buf: &mut [u8]| icmp::emit_echo(buf, false, 1, 1, &[0x61; 32]);
        a.originate(Time::ZERO, Ipv4Addr::UNSPECIFIED, ip("10.0.0.2"), IpProtocol::Icmp, None, 40, echo).unwrap();
        assert_eq!(a.out.len(), 1, "an ARP request, the echo is held");
        exchange(&mut a, &mut b, Time::ZERO);
        assert_eq!(
            a.delivered,
            [Delivery::EchoReply { from: ip("10.0.0.2"), ident: 1, seq: 1, ttl: 128, data_len: 32 }]
        );
        assert!(b.arp.lookup(ip("10.0.0.1"), Time::ZERO).is_some(), "learned from the request");
    }

    #[test]
    fn unanswered_arp_gives_up_and_reports() {
        let mut a = host(1, "10.0.0.1");
        let echo = |buf: &mut [u8]| icmp::emit_echo(buf, false, 1, 9, &[0; 8]);
        a.originate(Time::ZERO, Ipv4Addr::UNSPECIFIED, ip("10.0.0.99"), IpProtocol::Icmp, None, 16, echo).unwrap();
        let mut now = Time::ZERO;
        for _ in 0..5 {
            now += Duration::from_secs(1);
            a.poll(now);
        }
        assert_eq!(a.out.len(), 3, "three requests");
        assert!(matches!(a.delivered[..], [Delivery::ArpFailed { echo: Some((1, 9)), .. }]));
    }

    #[test]
    fn no_route_is_an_error_for_the_sender() {
        let mut a = host(1, "10.0.0.1");
        let r = a.originate(Time::ZERO, Ipv4Addr::UNSPECIFIED, ip("8.8.8.8"), IpProtocol::Icmp, None, 8, |_| {});
        assert_eq!(r, Err(SendError::NoRoute));
    }

    fn udp_to(a: &mut IpStack, dst: &str, port: u16) {
        let dst = ip(dst);
        let src = a.source_for(dst).unwrap();
        let len = udp::HEADER_LEN + 4;
        a.originate(Time::ZERO, src, dst, IpProtocol::Udp, None, len, |b| udp::emit(b, src, dst, 5000, port, b"ping"))
            .unwrap();
    }

    #[test]
    fn a_bound_port_gets_its_datagrams_and_an_unbound_one_answers_unreachable() {
        let (mut a, mut b) = (host(1, "10.0.0.1"), host(2, "10.0.0.2"));
        b.bind(Binding::Udp(520));
        udp_to(&mut a, "10.0.0.2", 520);
        exchange(&mut a, &mut b, Time::ZERO);
        let [Delivery::Payload(Payload { binding: Binding::Udp(520), src, bytes, .. })] = &b.delivered[..] else {
            panic!("{:?}", b.delivered)
        };
        assert_eq!((*src, &bytes[8..]), (ip("10.0.0.1"), &b"ping"[..]));
        udp_to(&mut a, "10.0.0.2", 521);
        exchange(&mut a, &mut b, Time::ZERO);
        assert!(
            matches!(a.delivered.last(), Some(Delivery::IcmpError { kind: ErrorKind::PortUnreachable, .. })),
            "{:?}",
            a.delivered
        );
    }

    #[derive(Debug)]
    struct DenyAll;
    impl PacketFilter for DenyAll {
        fn admits(&mut self, _: Time, _: &PacketInfo) -> bool {
            false
        }
    }

    #[test]
    fn an_inbound_filter_drops_before_anything_else_says_so_and_answers_prohibited() {
        let (mut a, mut b) = (host(1, "10.0.0.1"), host(2, "10.0.0.2"));
        b.ifaces[0].inbound = Some(Box::new(DenyAll));
        b.notes = Some(Vec::new());
        let echo = |buf: &mut [u8]| icmp::emit_echo(buf, false, 7, 1, &[0; 8]);
        a.originate(Time::ZERO, Ipv4Addr::UNSPECIFIED, ip("10.0.0.2"), IpProtocol::Icmp, None, 16, echo).unwrap();
        exchange(&mut a, &mut b, Time::ZERO);
        assert!(
            matches!(
                a.delivered.as_slice(),
                [Delivery::IcmpError { kind: ErrorKind::AdminProhibited, echo: Some((7, 1)), .. }]
            ),
            "no reply, an administratively-prohibited unreachable: {:?}",
            a.delivered
        );
        let why = Drop::Filtered { stage: Stage::InboundFilter, iface: 0 };
        assert!(b.notes.unwrap().iter().any(|n| matches!(n, Decision::IpDropped { flow: Some(f), why: w }
            if *w == why && f.id == 7 && f.protocol == 1)));
    }

    #[test]
    fn multicast_goes_to_the_group_address_and_only_members_take_it() {
        let (mut a, mut b) = (host(1, "10.0.0.1"), host(2, "10.0.0.2"));
        b.bind(Binding::Protocol(89));
        let group = ip("224.0.0.5");
        a.originate_on(Time::ZERO, 0, group, IpProtocol::Unknown(89), 1, 4, |p| p.fill(1)).unwrap();
        let (_, frame) = a.out.last().unwrap();
        assert_eq!(&frame[..6], &[0x01, 0x00, 0x5e, 0x00, 0x00, 0x05]);
        exchange(&mut a, &mut b, Time::ZERO);
        assert!(b.delivered.is_empty(), "not joined yet");
        b.join(0, group);
        a.originate_on(Time::ZERO, 0, group, IpProtocol::Unknown(89), 1, 4, |p| p.fill(1)).unwrap();
        exchange(&mut a, &mut b, Time::ZERO);
        assert!(matches!(
            &b.delivered[..],
            [Delivery::Payload(Payload { binding: Binding::Protocol(89), ttl: 1, .. })]
        ));
    }
}
