//! What a device decided about a frame or a packet, as the protocol pieces
//! report it to the trace: the vocabulary shared by the bridge, the IP stack
//! and every protocol after them. Decisions are small, typed and `Copy`, so
//! recording one costs a push when the trace is on and nothing when it is off
//! (pieces hold their notes in an `Option<Vec<_>>` that is `None` then).
//! Routing protocols report here too: a neighbour's state, a route given to
//! or taken from the table, a redundancy group's role.
//!
//! Ports and IP interfaces are the device's indices; the floors above turn
//! them into names (`GigabitEthernet0/0/1`) and sentences a student reads.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::icmp::ErrorKind;
use super::ip6_stack::Drop6;
use super::ip_stack::Drop;
use super::rib::Prefix;

/// The packet a decision is about, as far as a student tells packets apart:
/// its addresses, its protocol and, for ICMP echoes and UDP/TCP, the
/// identifier and sequence number or the ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Flow {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    /// ICMP echo identifier, or the source port.
    pub id: u16,
    /// ICMP echo sequence number, or the destination port.
    pub seq: u16,
}

/// Why a switch did not pass a frame on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum L2Drop {
    /// The port does not carry the frame's VLAN, or the VLAN does not exist.
    VlanNotCarried,
    /// Spanning tree blocks the port the frame came in on.
    PortBlocked,
    /// The destination was learned on the port the frame came in on.
    SamePort,
    /// Port security refused the source address.
    PortSecurity,
}

/// One decision, about one frame or packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// A switch sent a frame out of every other port of its VLAN (unknown or broadcast destination).
    Flooded { vlan: u16 },
    /// A switch sent a frame out of the one port where it learned the destination.
    Switched { vlan: u16, port: usize },
    /// A switch dropped a frame.
    Filtered { vlan: Option<u16>, why: L2Drop },
    /// A packet addressed to this device was handed to its own protocols.
    Received { flow: Flow, iface: usize },
    /// A router forwarded a packet towards `next_hop` (the destination itself when directly connected).
    Routed { flow: Flow, iface: usize, next_hop: Ipv4Addr },
    /// The device asked who has `target` on an interface.
    ArpRequest { target: Ipv4Addr, iface: usize },
    /// The device answered an ARP request for its own address.
    ArpReply { to: Ipv4Addr, iface: usize },
    /// A router answered an ARP request for an address it routes elsewhere (proxy ARP).
    ProxyArpReply { for_ip: Ipv4Addr, to: Ipv4Addr, iface: usize },
    /// A packet waits while ARP resolves its next hop.
    HeldForArp { flow: Flow, next_hop: Ipv4Addr },
    /// The device dropped a packet.
    IpDropped { flow: Option<Flow>, why: Drop },
    /// The device answered a packet with an ICMP error.
    IcmpError { flow: Flow, kind: ErrorKind },
    /// A routing protocol's neighbour changed state (`from` and `to` as the protocol prints them).
    Neighbor { protocol: &'static str, neighbor: Ipv4Addr, iface: usize, from: &'static str, to: &'static str },
    /// A routing protocol gave the routing table a route, changed it, or took it away.
    Route { protocol: &'static str, prefix: Prefix, change: RouteChange },
    /// A first-hop redundancy group (HSRP) changed state on an interface.
    Redundancy { group: u16, iface: usize, from: &'static str, to: &'static str },
    /// A DHCP server, relay or client took a step about an address.
    Dhcp { step: DhcpStep, addr: Ipv4Addr, iface: usize },
    /// A vty line took a step about a remote login (`ssh`: SSH, else Telnet).
    Login { peer: Ipv4Addr, ssh: bool, step: LoginStep },
    /// The IPv6 stack took a step about an address on an interface.
    Ipv6 { step: V6Step, addr: Ipv6Addr, iface: usize },
}

/// What the IPv6 stack did about an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V6Step {
    /// Asked who has the address (a neighbour solicitation).
    Solicited,
    /// Answered a solicitation from the address with its own link-layer address.
    Advertised,
    /// Advertised itself as a router, with this prefix (`::` for none).
    RouterAdvertised,
    /// Built this address from a router's prefix (SLAAC).
    Autoconfigured,
    /// Another node answered for this address: it is not used.
    Duplicate,
    /// Forwarded a packet for this destination, through the next hop.
    Routed { next_hop: Option<Ipv6Addr> },
    /// Dropped a packet for this destination.
    Dropped(Drop6),
}

/// What a vty line did about a remote login.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginStep {
    /// The connection took this vty line.
    Accepted { line: u8 },
    /// The line let the session in.
    LoggedIn { line: u8 },
    /// A password (or user name) did not open the line.
    Denied { line: u8 },
    /// The session ended, and why.
    Closed { line: u8, why: LoginEnd },
}

/// Why a vty line ended a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginEnd {
    /// `login` with no `password` on the line.
    NoPassword,
    /// Too many wrong passwords.
    TooManyFailures,
    /// Idle longer than the line's `exec-timeout`.
    IdleTimeout,
    /// No login within the time allowed.
    LoginTimeout,
    /// `exit` or `logout`.
    LoggedOut,
}

/// What DHCP did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhcpStep {
    /// A server offered the address.
    Offered,
    /// A server confirmed the lease.
    Acknowledged,
    /// A server refused the address the client asked for.
    Refused,
    /// A ping answered for an address the server was about to offer.
    Conflict,
    /// A relay forwarded a client's broadcast to this server.
    RelayedToServer,
    /// A relay passed a server's reply back to the client's LAN.
    RelayedToClient,
    /// A client took the lease on the address.
    Leased,
    /// A client heard no server and configured this APIPA address.
    Autoconfigured,
}

/// What happened to a protocol's route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteChange {
    /// A new prefix, through `via` at `metric`.
    Learned { via: Option<Ipv4Addr>, iface: usize, metric: u32 },
    /// The prefix's best path or metric changed.
    Changed { via: Option<Ipv4Addr>, iface: usize, metric: u32 },
    /// Advertised unreachable but still used until flushed (RIP's holddown).
    PossiblyDown,
    /// Gone from the table.
    Lost,
}

impl Decision {
    /// The device dropped the frame or packet (a switch filtering it, an
    /// IP stack discarding it): the simulation draws a red cross there.
    pub fn is_drop(&self) -> bool {
        matches!(
            self,
            Decision::Filtered { .. } | Decision::IpDropped { .. } | Decision::Ipv6 { step: V6Step::Dropped(_), .. }
        )
    }
}

impl Flow {
    /// The flow of a header alone (no ports or echo numbers).
    pub fn of(h: &super::ipv4::Header) -> Flow {
        Flow { src: h.src, dst: h.dst, protocol: h.protocol.into(), id: 0, seq: 0 }
    }
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.protocol {
            1 => write!(f, "ICMP {} -> {} (id {}, seq {})", self.src, self.dst, self.id, self.seq),
            6 => write!(f, "TCP {}:{} -> {}:{}", self.src, self.id, self.dst, self.seq),
            17 => write!(f, "UDP {}:{} -> {}:{}", self.src, self.id, self.dst, self.seq),
            p => write!(f, "IP protocol {p} {} -> {}", self.src, self.dst),
        }
    }
}
