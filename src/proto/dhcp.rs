//! DHCPv4 (RFC 2131): the messages (through smoltcp's wire format, with the
//! options it leaves to us), the server an IOS box runs for its pools, and
//! the client a Windows host runs. Both are plain state machines: time is
//! passed in, what they want sent waits in their `out` queues, and
//! `poll_at` says when they next need the clock. Neither knows devices or
//! command syntax; the pools they serve are handed to them as data.
//!
//! - [`Message`]: one DHCP message, parsed and emitted; [`dissect()`] shows
//!   one to the inspector, option by option.
//! - [`Server`]: bindings, offers held for a client, conflict detection by
//!   ping before an offer (IOS pings an address twice, 500 ms apart, and
//!   offers it only when nothing answers), statistics.
//! - [`Client`]: DISCOVER, OFFER, REQUEST, ACK as Windows runs them, with
//!   its retransmissions, renewal at half the lease and rebinding at seven
//!   eighths, release, and giving up (the caller then picks an APIPA address).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

pub use smoltcp::wire::DhcpMessageType as Kind;
use smoltcp::wire::{DhcpOption, DhcpPacket, DhcpRepr};

use super::dissect::{self, Dissected, Layer, LayerBuilder};
use super::ethernet::{Mac, BROADCAST};
use super::ip_stack::IpStack;
use super::{ipv4, udp};
use crate::sim::{Duration, Time};
use smoltcp::wire::IpProtocol;

/// A BOOTP message as RFC 2131 lays it out, for the dissector: smoltcp's
/// `DhcpPacket` builds and parses it.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    /// 1: request (client to server), 2: reply.
    pub const OP: usize = 0;
    pub const HTYPE: usize = 1;
    pub const HLEN: usize = 2;
    pub const HOPS: usize = 3;
    pub const XID: Field = 4..8;
    pub const SECS: Field = 8..10;
    /// The high bit asks for broadcast replies.
    pub const FLAGS: Field = 10..12;
    pub const CIADDR: Field = 12..16;
    pub const YIADDR: Field = 16..20;
    pub const SIADDR: Field = 20..24;
    pub const GIADDR: Field = 24..28;
    /// The client's hardware address takes 16 bytes; a MAC fills the first 6.
    pub const CLIENT_MAC: Field = 28..34;
    pub const CHADDR_PADDING: Field = 34..44;
    /// Server host name and boot file name: text ended by a zero byte, empty here.
    pub const SNAME: Field = 44..108;
    pub const FILE: Field = 108..236;
    pub const MAGIC_COOKIE: Field = 236..240;
    /// Options: a code, a length and the value (Pad and End are a code alone).
    pub const OPTIONS: Rest = 240..;
}

/// What the first four option bytes hold in a DHCP message (and not in a
/// plain BOOTP one).
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// The bit of the flags field by which a client asks for broadcast replies.
const FLAG_BROADCAST: u16 = 0x8000;

/// The server's UDP port (and the port relays speak to each other on).
pub const SERVER_PORT: u16 = 67;
/// The client's UDP port.
pub const CLIENT_PORT: u16 = 68;

/// IOS's default lease: one day.
pub const DEFAULT_LEASE_SECS: u32 = 86_400;

// Option codes (RFC 2132). smoltcp writes and reads most of them; the
// dissector names them all.
const OPT_PAD: u8 = 0;
const OPT_SUBNET_MASK: u8 = 1;
const OPT_ROUTER: u8 = 3;
const OPT_DNS: u8 = 6;
const OPT_HOST_NAME: u8 = 12;
const OPT_DOMAIN_NAME: u8 = 15;
const OPT_REQUESTED_IP: u8 = 50;
const OPT_LEASE_TIME: u8 = 51;
const OPT_MESSAGE_TYPE: u8 = 53;
const OPT_SERVER_ID: u8 = 54;
const OPT_PARAMETER_LIST: u8 = 55;
const OPT_MAX_MESSAGE_SIZE: u8 = 57;
const OPT_RENEWAL: u8 = 58;
const OPT_REBINDING: u8 = 59;
const OPT_CLIENT_ID: u8 = 61;
const OPT_END: u8 = 255;
/// Relay Agent Information (RFC 3046): what a relay or a snooping switch
/// adds about where the client is (circuit id, remote id).
pub const OPT_RELAY_INFO: u8 = 82;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lease {
    Days { days: u32, hours: u32, minutes: u32 },
    Infinite,
}

impl Lease {
    /// The lease in seconds (`u32::MAX` is "infinite" on the wire).
    pub fn secs(self) -> u32 {
        match self {
            Lease::Days { days, hours, minutes } => days * 86_400 + hours * 3_600 + minutes * 60,
            Lease::Infinite => u32::MAX,
        }
    }
}

/// `ip dhcp pool NAME` and what is configured under it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Pool {
    pub name: String,
    pub network: Option<(Ipv4Addr, u8)>,
    pub default_routers: Vec<Ipv4Addr>,
    pub dns_servers: Vec<Ipv4Addr>,
    pub domain_name: Option<String>,
    pub lease: Option<Lease>,
}

impl Pool {
    fn lease_secs(&self) -> u32 {
        self.lease.map_or(DEFAULT_LEASE_SECS, Lease::secs)
    }

    /// Does the pool's network contain `ip`?
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.network.is_some_and(|(net, len)| ipv4::network(ip, len) == ipv4::network(net, len))
    }

    /// The first and last address it can hand out (not the network or
    /// broadcast address), if it has any.
    pub fn range(&self) -> Option<(Ipv4Addr, Ipv4Addr)> {
        match self.network {
            Some((net, len)) if (1..31).contains(&len) => Some((
                Ipv4Addr::from(u32::from(ipv4::network(net, len)) + 1),
                Ipv4Addr::from(u32::from(ipv4::broadcast(net, len)) - 1),
            )),
            _ => None,
        }
    }

    /// How many addresses it can hand out.
    pub fn size(&self) -> u32 {
        self.range().map_or(0, |(a, b)| u32::from(b) - u32::from(a) + 1)
    }

    /// Is `ip` one of the addresses it can hand out?
    pub fn is_host(&self, ip: Ipv4Addr) -> bool {
        self.range().is_some_and(|(a, b)| (u32::from(a)..=u32::from(b)).contains(&u32::from(ip)))
    }

    /// The addresses it can hand out, lowest first.
    pub fn hosts(&self) -> impl Iterator<Item = Ipv4Addr> {
        let (first, last) = self.range().map_or((1, 0), |(a, b)| (u32::from(a), u32::from(b)));
        (first..=last).map(Ipv4Addr::from)
    }
}

/// `ip dhcp excluded-address LOW [HIGH]`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub low: Ipv4Addr,
    pub high: Option<Ipv4Addr>,
}

impl Excluded {
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let high = self.high.unwrap_or(self.low);
        (u32::from(self.low)..=u32::from(high)).contains(&u32::from(ip))
    }
}

/// One DHCP message, as the wire carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: Kind,
    pub xid: u32,
    pub secs: u16,
    /// The client asks for broadcast replies (Windows since Vista does).
    pub broadcast: bool,
    /// Relays passed through.
    pub hops: u8,
    /// The client's current address (renewing, releasing).
    pub ciaddr: Ipv4Addr,
    /// The address given.
    pub yiaddr: Ipv4Addr,
    pub siaddr: Ipv4Addr,
    /// The relay that forwarded the request (its interface on the client's LAN).
    pub giaddr: Ipv4Addr,
    pub chaddr: Mac,
    /// Option 61 (Windows sends its MAC there).
    pub client_id: Option<Mac>,
    pub requested_ip: Option<Ipv4Addr>,
    pub server_id: Option<Ipv4Addr>,
    pub subnet_mask: Option<Ipv4Addr>,
    pub router: Option<Ipv4Addr>,
    pub dns: Vec<Ipv4Addr>,
    pub domain_name: Option<String>,
    pub host_name: Option<String>,
    pub lease_secs: Option<u32>,
    pub renew_secs: Option<u32>,
    pub rebind_secs: Option<u32>,
    pub parameters: Vec<u8>,
    /// Option 82 as it came, when a relay agent (or a snooping switch) added it.
    pub relay_info: Option<Vec<u8>>,
}

impl Message {
    /// A message of `kind` with every other field empty.
    pub fn new(kind: Kind, xid: u32, chaddr: Mac) -> Message {
        Message {
            kind,
            xid,
            secs: 0,
            broadcast: false,
            hops: 0,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::UNSPECIFIED,
            chaddr,
            client_id: None,
            requested_ip: None,
            server_id: None,
            subnet_mask: None,
            router: None,
            dns: Vec::new(),
            domain_name: None,
            host_name: None,
            lease_secs: None,
            renew_secs: None,
            rebind_secs: None,
            parameters: Vec::new(),
            relay_info: None,
        }
    }

    /// Is this a reply (OFFER, ACK, NAK), which relays send back to the client?
    pub fn is_reply(&self) -> bool {
        matches!(self.kind, Kind::Offer | Kind::Ack | Kind::Nak)
    }

    /// The client's key in a server's bindings: its client identifier, else its MAC.
    pub fn client_key(&self) -> Mac {
        self.client_id.unwrap_or(self.chaddr)
    }

    /// Parse the UDP payload of a DHCP message.
    pub fn parse(bytes: &[u8]) -> Option<Message> {
        let packet = DhcpPacket::new_checked(bytes).ok()?;
        let repr = DhcpRepr::parse(&packet).ok()?;
        let mut m = Message::new(repr.message_type, repr.transaction_id, repr.client_hardware_address);
        m.secs = repr.secs;
        m.broadcast = repr.broadcast;
        m.hops = packet.hops();
        m.ciaddr = repr.client_ip;
        m.yiaddr = repr.your_ip;
        m.siaddr = repr.server_ip;
        m.giaddr = repr.relay_agent_ip;
        m.client_id = repr.client_identifier;
        m.requested_ip = repr.requested_ip;
        m.server_id = repr.server_identifier;
        m.subnet_mask = repr.subnet_mask;
        m.router = repr.router;
        m.dns = repr.dns_servers.iter().flatten().copied().collect();
        m.lease_secs = repr.lease_duration;
        m.renew_secs = repr.renew_duration;
        m.rebind_secs = repr.rebind_duration;
        m.parameters = repr.parameter_request_list.map(<[u8]>::to_vec).unwrap_or_default();
        for option in packet.options() {
            let text = || Some(String::from_utf8_lossy(option.data).trim_end_matches('\0').to_string());
            match option.kind {
                OPT_DOMAIN_NAME => m.domain_name = text(),
                OPT_HOST_NAME => m.host_name = text(),
                OPT_RELAY_INFO => m.relay_info = Some(option.data.to_vec()),
                _ => {}
            }
        }
        Some(m)
    }

    /// The UDP payload of this message.
    pub fn emit(&self) -> Vec<u8> {
        // smoltcp writes the fixed fields and the options it knows; the
        // others follow as extra options, in the order RFC 2132 numbers them.
        let lease = self.lease_secs.map(u32::to_be_bytes);
        let renew = self.renew_secs.map(u32::to_be_bytes);
        let rebind = self.rebind_secs.map(u32::to_be_bytes);
        let dns: Vec<u8> = self.dns.iter().flat_map(|a| a.octets()).collect();
        let mut extra: Vec<DhcpOption> = Vec::new();
        if !dns.is_empty() {
            extra.push(DhcpOption { kind: OPT_DNS, data: &dns });
        }
        // An option holds at most 255 bytes: longer names are cut there.
        fn capped(t: &str) -> &[u8] {
            &t.as_bytes()[..t.len().min(255)]
        }
        fn capped_bytes(b: &[u8]) -> &[u8] {
            &b[..b.len().min(255)]
        }
        if let Some(h) = &self.host_name {
            extra.push(DhcpOption { kind: OPT_HOST_NAME, data: capped(h) });
        }
        if let Some(d) = &self.domain_name {
            extra.push(DhcpOption { kind: OPT_DOMAIN_NAME, data: capped(d) });
        }
        if let Some(r) = &renew {
            extra.push(DhcpOption { kind: OPT_RENEWAL, data: r });
        }
        if let Some(r) = &rebind {
            extra.push(DhcpOption { kind: OPT_REBINDING, data: r });
        }
        if let Some(r) = &self.relay_info {
            extra.push(DhcpOption { kind: OPT_RELAY_INFO, data: capped_bytes(r) });
        }
        let repr = DhcpRepr {
            message_type: self.kind,
            transaction_id: self.xid,
            secs: self.secs,
            client_hardware_address: self.chaddr,
            client_ip: self.ciaddr,
            your_ip: self.yiaddr,
            server_ip: self.siaddr,
            router: self.router,
            subnet_mask: self.subnet_mask,
            relay_agent_ip: self.giaddr,
            broadcast: self.broadcast,
            requested_ip: self.requested_ip,
            client_identifier: self.client_id,
            server_identifier: self.server_id,
            parameter_request_list: (!self.parameters.is_empty()).then_some(&self.parameters[..]),
            dns_servers: None,
            max_size: None,
            lease_duration: lease.map(u32::from_be_bytes),
            renew_duration: None,
            rebind_duration: None,
            additional_options: &extra,
        };
        // BOOTP's minimum message is 300 bytes; the end option is followed by padding.
        let mut buf = vec![0u8; repr.buffer_len().max(300)];
        let mut packet = DhcpPacket::new_unchecked(&mut buf);
        repr.emit(&mut packet).expect("the buffer fits the message");
        packet.set_hops(self.hops);
        buf
    }
}

/// Dissect a DHCP message (the data of UDP port 67 or 68): the BOOTP
/// fields, then each option as one field. The Info column reads as
/// Wireshark's: `Discover - Transaction ID 0x1234abcd`.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Dynamic Host Configuration Protocol", "DHCP", bytes, base);
    let op = layer.byte("Message type", field::OP, |op| match op {
        1 => "Boot Request (1)".into(),
        2 => "Boot Reply (2)".into(),
        op => op.to_string(),
    });
    layer.byte("Hardware type", field::HTYPE, |t| if t == 1 { "Ethernet (0x01)".into() } else { format!("0x{t:02x}") });
    layer.byte("Hardware address length", field::HLEN, |n| n.to_string());
    layer.byte("Hops", field::HOPS, |n| n.to_string());
    let xid = layer.u32("Transaction ID", field::XID, |xid| format!("0x{xid:08x}"));
    layer.u16("Seconds elapsed", field::SECS, |s| s.to_string());
    layer.u16("Bootp flags", field::FLAGS, |f| {
        format!("0x{f:04x} ({})", if f & FLAG_BROADCAST != 0 { "Broadcast" } else { "Unicast" })
    });
    layer.field("Client IP address", field::CIADDR, dissect::ipv4);
    layer.field("Your (client) IP address", field::YIADDR, dissect::ipv4);
    layer.field("Next server IP address", field::SIADDR, dissect::ipv4);
    layer.field("Relay agent IP address", field::GIADDR, dissect::ipv4);
    layer.field("Client MAC address", field::CLIENT_MAC, dissect::mac);
    layer.field("Client hardware address padding", field::CHADDR_PADDING, dissect::hex);
    layer.field("Server host name", field::SNAME, name_or_not_given);
    layer.field("Boot file name", field::FILE, name_or_not_given);
    let cookie = layer.field("Magic cookie", field::MAGIC_COOKIE, |c| {
        if c == MAGIC_COOKIE {
            "DHCP".into()
        } else {
            dissect::hex(c)
        }
    });
    let message_type = match cookie {
        Some(c) if c == MAGIC_COOKIE => dissect_options(&mut layer),
        Some(_) => {
            layer.invalid("no DHCP magic cookie");
            None
        }
        None => None,
    };
    if let (Some(op), Some(xid)) = (op, xid) {
        let what = match message_type.and_then(message_type_name) {
            Some(name) => name,
            None if op == 2 => "Boot Reply",
            None => "Boot Request",
        };
        layer.info(format!("{what} - Transaction ID 0x{xid:08x}"));
    }
    layer.finish(out)?;
    Ok(None)
}

/// Show the options one field each, to the End option and the padding after
/// it; returns the message type (option 53) if there is one.
fn dissect_options(layer: &mut LayerBuilder<'_>) -> Option<u8> {
    let bytes = layer.bytes();
    let mut message_type = None;
    let mut at = field::OPTIONS.start;
    while let Some(&code) = bytes.get(at) {
        match code {
            OPT_PAD => {
                layer.byte("Pad", at, |_| "(0)".into());
                at += 1;
            }
            OPT_END => {
                layer.byte("End", at, |_| "(255)".into());
                if at + 1 < bytes.len() {
                    layer.field("Padding", at + 1..bytes.len(), dissect::preview);
                }
                return message_type;
            }
            code => {
                // The length byte, then that many of value.
                let len = bytes.get(at + 1).map_or(0, |&len| usize::from(len));
                let shown = layer.field(option_name(code), at..at + 2 + len, |option| {
                    format!("({code}) length {len}: {}", show_option(code, &option[2..]))
                });
                let Some(option) = shown else { return message_type };
                if code == OPT_MESSAGE_TYPE {
                    message_type = option.get(2).copied();
                }
                at += 2 + len;
            }
        }
    }
    message_type
}

/// Wireshark's words for a message type (option 53).
fn message_type_name(kind: u8) -> Option<&'static str> {
    Some(match Kind::from(kind) {
        Kind::Discover => "Discover",
        Kind::Offer => "Offer",
        Kind::Request => "Request",
        Kind::Decline => "Decline",
        Kind::Ack => "ACK",
        Kind::Nak => "NAK",
        Kind::Release => "Release",
        Kind::Inform => "Inform",
        Kind::Unknown(_) => return None,
    })
}

/// The options a lab's messages carry, by their RFC 2132 (and 3046) names.
fn option_name(code: u8) -> &'static str {
    match code {
        OPT_SUBNET_MASK => "Subnet Mask",
        OPT_ROUTER => "Router",
        OPT_DNS => "Domain Name Server",
        OPT_HOST_NAME => "Host Name",
        OPT_DOMAIN_NAME => "Domain Name",
        OPT_REQUESTED_IP => "Requested IP Address",
        OPT_LEASE_TIME => "IP Address Lease Time",
        OPT_MESSAGE_TYPE => "DHCP Message Type",
        OPT_SERVER_ID => "DHCP Server Identifier",
        OPT_PARAMETER_LIST => "Parameter Request List",
        OPT_MAX_MESSAGE_SIZE => "Maximum DHCP Message Size",
        OPT_RENEWAL => "Renewal Time Value",
        OPT_REBINDING => "Rebinding Time Value",
        OPT_CLIENT_ID => "Client identifier",
        OPT_RELAY_INFO => "Agent Information Option",
        _ => "Option",
    }
}

/// An option's value in words where its format is known, else its bytes.
fn show_option(code: u8, value: &[u8]) -> String {
    match (code, value.len()) {
        (OPT_MESSAGE_TYPE, 1) => message_type_name(value[0]).map_or_else(|| value[0].to_string(), str::to_string),
        (OPT_SUBNET_MASK | OPT_ROUTER | OPT_DNS | OPT_REQUESTED_IP | OPT_SERVER_ID, len) if len > 0 && len % 4 == 0 => {
            value.chunks(4).map(dissect::ipv4).collect::<Vec<_>>().join(", ")
        }
        (OPT_LEASE_TIME | OPT_RENEWAL | OPT_REBINDING, 4) => match dissect::number(value) {
            0xffff_ffff => "infinity".into(),
            secs => format!("{secs} s"),
        },
        (OPT_HOST_NAME | OPT_DOMAIN_NAME, _) => dissect::text(value),
        (OPT_PARAMETER_LIST, _) => value.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
        (OPT_MAX_MESSAGE_SIZE, 2) => dissect::number(value).to_string(),
        // Hardware type 1 (Ethernet), then the MAC.
        (OPT_CLIENT_ID, 7) if value[0] == 1 => dissect::mac(&value[1..]),
        _ => dissect::preview(value),
    }
}

/// Server host name and boot file name: text up to the first zero byte.
fn name_or_not_given(bytes: &[u8]) -> String {
    let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
    if text.is_empty() {
        "not given".into()
    } else {
        dissect::text(text)
    }
}

/// Where a server's reply goes (RFC 2131 §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyTo {
    /// To the relay that forwarded the request, on the server port.
    Relay(Ipv4Addr),
    /// To the client's own address (it is renewing), routed.
    Client(Ipv4Addr),
    /// 255.255.255.255 on the interface the request came in on.
    Broadcast,
    /// To the offered address at the client's MAC, without ARP.
    Hardware(Ipv4Addr, Mac),
}

/// How a request reached the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// The IP stack's interface it came in on.
    pub iface: usize,
    /// That interface's address, the server's identifier for its replies.
    pub server_addr: Ipv4Addr,
    /// That interface's subnets (primary first), which pick the pool when no relay did.
    pub subnets: Vec<(Ipv4Addr, u8)>,
}

/// What a server wants done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerAction {
    Reply {
        iface: usize,
        to: ReplyTo,
        message: Message,
    },
    /// Ping this address: conflict detection before an offer.
    Ping(Ipv4Addr),
    /// A ping found the address in use (IOS logs `%DHCPD-4-PING_CONFLICT`).
    Conflict(Ipv4Addr),
}

/// An address the server gave a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub client: Mac,
    pub pool: String,
    /// `None`: an infinite lease.
    pub expires: Option<Time>,
    /// The interface the request came in on.
    pub iface: usize,
    /// The request came through a relay (the client is not on that interface).
    pub relayed: bool,
}

/// An address found in use, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub method: ConflictMethod,
    pub at: Time,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictMethod {
    /// The server's ping got an answer.
    Ping,
    /// The client declined it (it found the address in use).
    Decline,
}

/// Messages counted, as `show ip dhcp server statistics` lists them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Statistics {
    pub discover: u64,
    pub request: u64,
    pub decline: u64,
    pub release: u64,
    pub inform: u64,
    pub offer: u64,
    pub ack: u64,
    pub nak: u64,
    pub expired: u64,
    pub malformed: u64,
    /// Replies a relay received from servers: OFFER, ACK, NAK.
    pub received_offer: u64,
    pub received_ack: u64,
    pub received_nak: u64,
    /// What a relay forwarded, by message: DISCOVER, REQUEST, DECLINE,
    /// RELEASE, INFORM (to servers); OFFER, ACK, NAK (to clients).
    pub forwarded: [u64; 8],
}

impl Statistics {
    /// A relay passed a message on.
    pub fn count_forwarded(&mut self, kind: Kind) {
        let at = match kind {
            Kind::Discover => 0,
            Kind::Request => 1,
            Kind::Decline => 2,
            Kind::Release => 3,
            Kind::Inform => 4,
            Kind::Offer => 5,
            Kind::Ack => 6,
            Kind::Nak => 7,
            _ => return,
        };
        self.forwarded[at] += 1;
    }

    /// A relay took a server's reply.
    pub fn count_reply(&mut self, kind: Kind) {
        match kind {
            Kind::Offer => self.received_offer += 1,
            Kind::Ack => self.received_ack += 1,
            Kind::Nak => self.received_nak += 1,
            _ => {}
        }
    }
}

/// An address being pinged before it is offered.
#[derive(Clone, Debug)]
struct Probe {
    addr: Ipv4Addr,
    pool: String,
    discover: Message,
    arrival: Arrival,
    pings: u8,
    next_at: Time,
}

/// The ICMP identifier of the server's conflict-detection pings, so their
/// replies come back to it and not to a ping typed at the prompt.
pub const PING_IDENT: u16 = 0x4443;

/// How many pings IOS sends before an offer, and how long it waits for each.
pub const PING_PACKETS: u8 = 2;
pub const PING_TIMEOUT: Duration = Duration::from_millis(500);
/// How long an offered address stays reserved for its client.
const OFFER_HOLD: Duration = Duration::from_secs(30);

/// A DHCP server: an IOS box's, or a Windows Server's.
#[derive(Clone, Debug, Default)]
pub struct Server {
    /// Pings before an offer: IOS's `ip dhcp ping packets` is 2; a Windows
    /// server's conflict detection is off (0) unless set.
    pub ping_packets: Option<u8>,
    pub bindings: BTreeMap<Ipv4Addr, Binding>,
    pub conflicts: BTreeMap<Ipv4Addr, Conflict>,
    offered: BTreeMap<Ipv4Addr, (Mac, Time)>,
    probes: Vec<Probe>,
    pub stats: Statistics,
    pub out: Vec<ServerAction>,
}

impl Server {
    /// A message arrived on UDP port 67. `own` lists the box's own
    /// addresses, which are never handed out.
    pub fn receive(
        &mut self,
        now: Time,
        m: &Message,
        arrival: Arrival,
        pools: &[Pool],
        excluded: &[Excluded],
        own: &[Ipv4Addr],
    ) {
        self.expire(now);
        match m.kind {
            Kind::Discover => {
                self.stats.discover += 1;
                self.discover(now, m, arrival, pools, excluded, own);
            }
            Kind::Request => {
                self.stats.request += 1;
                self.request(now, m, arrival, pools, excluded, own);
            }
            Kind::Release => {
                self.stats.release += 1;
                let key = m.client_key();
                if self.bindings.get(&m.ciaddr).is_some_and(|b| b.client == key) {
                    self.bindings.remove(&m.ciaddr);
                }
            }
            Kind::Decline => {
                self.stats.decline += 1;
                // Only the client the address was given to, and to this server.
                let key = m.client_key();
                let ours = m.server_id.is_none_or(|s| s == arrival.server_addr);
                if let Some(addr) =
                    m.requested_ip.filter(|a| ours && self.bindings.get(a).is_some_and(|b| b.client == key))
                {
                    self.bindings.remove(&addr);
                    self.conflicts.insert(addr, Conflict { method: ConflictMethod::Decline, at: now });
                }
            }
            Kind::Inform => self.stats.inform += 1,
            _ => {}
        }
    }

    /// The pool that serves a request: the relay's subnet, else the
    /// receiving interface's.
    fn pool_for<'a>(m: &Message, arrival: &Arrival, pools: &'a [Pool]) -> Option<&'a Pool> {
        if !m.giaddr.is_unspecified() {
            return pools.iter().find(|p| p.contains(m.giaddr));
        }
        arrival.subnets.iter().find_map(|&(a, _)| pools.iter().find(|p| p.contains(a)))
    }

    fn discover(
        &mut self,
        now: Time,
        m: &Message,
        arrival: Arrival,
        pools: &[Pool],
        excluded: &[Excluded],
        own: &[Ipv4Addr],
    ) {
        let key = m.client_key();
        // A retransmitted DISCOVER while its address is being pinged.
        if self.probes.iter().any(|p| p.discover.client_key() == key) {
            return;
        }
        let Some(pool) = Self::pool_for(m, &arrival, pools) else { return };
        // A client that has (or was just offered) an address gets it again, without a ping.
        let known = self
            .bindings
            .iter()
            .find(|(a, b)| b.client == key && b.pool == pool.name && pool.contains(**a))
            .map(|(a, _)| *a)
            .or_else(|| self.offered.iter().find(|(a, (c, _))| *c == key && pool.contains(**a)).map(|(a, _)| *a));
        if let Some(addr) = known {
            return self.offer(now, m, &arrival, pool, addr);
        }
        self.probe_next(now, m.clone(), arrival, pool, excluded, own);
    }

    /// Pick the lowest free address of the pool and ping it before offering.
    fn probe_next(
        &mut self,
        now: Time,
        discover: Message,
        arrival: Arrival,
        pool: &Pool,
        excluded: &[Excluded],
        own: &[Ipv4Addr],
    ) {
        let free = pool.hosts().find(|a| {
            !excluded.iter().any(|e| e.contains(*a))
                && !own.contains(a)
                && !self.bindings.contains_key(a)
                && !self.offered.contains_key(a)
                && !self.conflicts.contains_key(a)
                && !self.probes.iter().any(|p| p.addr == *a)
        });
        let Some(addr) = free else { return };
        if self.ping_packets == Some(0) {
            return self.offer(now, &discover, &arrival, pool, addr);
        }
        self.out.push(ServerAction::Ping(addr));
        self.probes.push(Probe {
            addr,
            pool: pool.name.clone(),
            discover,
            arrival,
            pings: 1,
            next_at: now + PING_TIMEOUT,
        });
    }

    /// A ping answered: the address is in use. Record the conflict and try
    /// the next address for the client who asked.
    pub fn echo_reply(&mut self, now: Time, from: Ipv4Addr, pools: &[Pool], excluded: &[Excluded], own: &[Ipv4Addr]) {
        let Some(at) = self.probes.iter().position(|p| p.addr == from) else { return };
        let probe = self.probes.remove(at);
        self.conflicts.insert(from, Conflict { method: ConflictMethod::Ping, at: now });
        self.out.push(ServerAction::Conflict(from));
        if let Some(pool) = pools.iter().find(|p| p.name == probe.pool) {
            self.probe_next(now, probe.discover, probe.arrival, pool, excluded, own);
        }
    }

    fn offer(&mut self, now: Time, m: &Message, arrival: &Arrival, pool: &Pool, addr: Ipv4Addr) {
        self.offered.insert(addr, (m.client_key(), now + OFFER_HOLD));
        self.stats.offer += 1;
        let reply = self.answer(Kind::Offer, m, arrival, pool, addr);
        self.reply(m, arrival, reply);
    }

    /// An OFFER or ACK: the address and everything the pool gives with it.
    fn answer(&self, kind: Kind, m: &Message, arrival: &Arrival, pool: &Pool, addr: Ipv4Addr) -> Message {
        let mut r = Message::new(kind, m.xid, m.chaddr);
        r.broadcast = m.broadcast;
        r.giaddr = m.giaddr;
        r.ciaddr = m.ciaddr;
        r.yiaddr = addr;
        r.server_id = Some(arrival.server_addr);
        r.subnet_mask = pool.network.map(|(_, len)| ipv4::mask_of(len));
        r.router = pool.default_routers.first().copied();
        r.dns = pool.dns_servers.iter().take(3).copied().collect();
        r.domain_name = pool.domain_name.clone();
        let lease = pool.lease_secs();
        r.lease_secs = Some(lease);
        if lease != u32::MAX {
            r.renew_secs = Some(lease / 2);
            r.rebind_secs = Some((u64::from(lease) * 7 / 8) as u32);
        }
        r
    }

    fn reply(&mut self, m: &Message, arrival: &Arrival, mut reply: Message) {
        // The relay agent's information goes back with the reply (RFC 3046).
        reply.relay_info = m.relay_info.clone();
        let to = if !m.giaddr.is_unspecified() {
            ReplyTo::Relay(m.giaddr)
        } else if !m.ciaddr.is_unspecified() && reply.kind != Kind::Nak {
            ReplyTo::Client(m.ciaddr)
        } else if m.broadcast || reply.kind == Kind::Nak {
            ReplyTo::Broadcast
        } else {
            ReplyTo::Hardware(reply.yiaddr, m.chaddr)
        };
        self.out.push(ServerAction::Reply { iface: arrival.iface, to, message: reply });
    }

    fn request(
        &mut self,
        now: Time,
        m: &Message,
        arrival: Arrival,
        pools: &[Pool],
        excluded: &[Excluded],
        own: &[Ipv4Addr],
    ) {
        // Selecting: the client chose another server's offer.
        if m.server_id.is_some_and(|s| s != arrival.server_addr) {
            let key = m.client_key();
            self.offered.retain(|_, (c, _)| *c != key);
            return;
        }
        let wanted = m.requested_ip.unwrap_or(m.ciaddr);
        let key = m.client_key();
        let pool = if m.giaddr.is_unspecified() && !m.ciaddr.is_unspecified() {
            // Renewing: unicast from the client's own address.
            pools.iter().find(|p| p.contains(m.ciaddr))
        } else {
            Self::pool_for(m, &arrival, pools)
        };
        let free_for_client = |s: &Server| {
            !excluded.iter().any(|e| e.contains(wanted))
                && !own.contains(&wanted)
                && s.bindings.get(&wanted).is_none_or(|b| b.client == key)
                && s.offered.get(&wanted).is_none_or(|(c, _)| *c == key)
                && !s.conflicts.contains_key(&wanted)
        };
        match pool {
            Some(pool) if pool.is_host(wanted) && free_for_client(self) => {
                self.offered.remove(&wanted);
                let lease = pool.lease_secs();
                let expires = (lease != u32::MAX).then(|| now + Duration::from_secs(u64::from(lease)));
                let iface = arrival.iface;
                let relayed = !m.giaddr.is_unspecified();
                self.bindings.insert(wanted, Binding { client: key, pool: pool.name.clone(), expires, iface, relayed });
                self.stats.ack += 1;
                let reply = self.answer(Kind::Ack, m, &arrival, pool, wanted);
                self.reply(m, &arrival, reply);
            }
            // A client asking for an address this server does not give
            // (it moved to another subnet, or the address is taken): NAK.
            Some(_) => {
                self.stats.nak += 1;
                let mut nak = Message::new(Kind::Nak, m.xid, m.chaddr);
                nak.giaddr = m.giaddr;
                nak.broadcast = true;
                nak.server_id = Some(arrival.server_addr);
                self.reply(m, &arrival, nak);
            }
            None => {}
        }
    }

    /// `clear ip dhcp binding *`, or one address.
    pub fn clear_bindings(&mut self, which: Option<Ipv4Addr>) {
        match which {
            None => self.bindings.clear(),
            Some(a) => {
                self.bindings.remove(&a);
            }
        }
    }

    /// `clear ip dhcp conflict *`, or one address.
    pub fn clear_conflicts(&mut self, which: Option<Ipv4Addr>) {
        match which {
            None => self.conflicts.clear(),
            Some(a) => {
                self.conflicts.remove(&a);
            }
        }
    }

    fn expire(&mut self, now: Time) {
        let before = self.bindings.len();
        self.bindings.retain(|_, b| b.expires.is_none_or(|t| t > now));
        self.stats.expired += (before - self.bindings.len()) as u64;
        self.offered.retain(|_, (_, until)| *until > now);
    }

    /// Pings due, offers after silent pings, expired leases.
    pub fn poll(&mut self, now: Time, pools: &[Pool]) {
        self.expire(now);
        let mut i = 0;
        while i < self.probes.len() {
            if self.probes[i].next_at > now {
                i += 1;
                continue;
            }
            if self.probes[i].pings < self.ping_packets.unwrap_or(PING_PACKETS) {
                let p = &mut self.probes[i];
                p.pings += 1;
                p.next_at = now + PING_TIMEOUT;
                let addr = p.addr;
                self.out.push(ServerAction::Ping(addr));
                i += 1;
                continue;
            }
            // Nothing answered: the address is free.
            let p = self.probes.remove(i);
            if let Some(pool) = pools.iter().find(|x| x.name == p.pool) {
                self.offer(now, &p.discover, &p.arrival, pool, p.addr);
            }
        }
    }

    pub fn poll_at(&self) -> Option<Time> {
        let probes = self.probes.iter().map(|p| p.next_at);
        let leases = self.bindings.values().filter_map(|b| b.expires);
        let offers = self.offered.values().map(|(_, t)| *t);
        probes.chain(leases).chain(offers).min()
    }

    /// Addresses leased from a pool now.
    pub fn leased_in(&self, pool: &str) -> usize {
        self.bindings.values().filter(|b| b.pool == pool).count()
    }

    /// The next address the server would try in a pool (`show ip dhcp
    /// pool`'s "Current index"): after the highest leased, else the first.
    pub fn current_index(&self, pool: &Pool) -> Option<Ipv4Addr> {
        let highest = self.bindings.iter().filter(|(_, b)| b.pool == pool.name).map(|(a, _)| *a).max();
        match highest {
            Some(a) => Some(Ipv4Addr::from(u32::from(a).saturating_add(1))),
            None => pool.hosts().next(),
        }
    }
}

/// A lease as a client holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLease {
    pub addr: Ipv4Addr,
    pub len: u8,
    pub router: Option<Ipv4Addr>,
    pub dns: Vec<Ipv4Addr>,
    pub domain_name: Option<String>,
    pub server: Ipv4Addr,
    pub obtained: Time,
    /// `None`: infinite.
    pub expires: Option<Time>,
    renew_at: Option<Time>,
    rebind_at: Option<Time>,
}

/// Where a client's message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientTo {
    /// 255.255.255.255 from 0.0.0.0 (or from its address when rebinding).
    Broadcast,
    /// Unicast to the server that gave the lease (renewing, releasing).
    Server(Ipv4Addr),
}

/// What a client tells its host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEvent {
    /// A lease was granted or renewed: configure the interface.
    Bound(ClientLease),
    /// No server answered in time (Windows then autoconfigures an APIPA address).
    GaveUp,
    /// The server refused the address it asked for.
    Refused,
    /// The lease ran out.
    Expired,
    /// A renewal no server answered: the lease it has stays until it runs out.
    RenewFailed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Idle,
    Selecting,
    Requesting(Message),
    Bound,
    Renewing,
    Rebinding,
}

/// Windows's DISCOVER and REQUEST retransmissions: four sends, 4, 8 and 16
/// seconds apart (RFC 2131's doubling), then 32 seconds more before it gives
/// up, about a minute in all.
const RETRY: [u64; 4] = [4, 8, 16, 32];

/// A Windows host's DHCP client.
#[derive(Clone, Debug)]
pub struct Client {
    pub mac: Mac,
    pub host_name: String,
    /// Ask for broadcast replies (IOS's client does; Windows 7 and later do not).
    pub broadcast: bool,
    state: State,
    xid: u32,
    started: Time,
    tries: usize,
    next_at: Option<Time>,
    pub lease: Option<ClientLease>,
    pub out: Vec<(ClientTo, Message)>,
    pub events: Vec<ClientEvent>,
}

impl Client {
    pub fn new(mac: Mac, host_name: &str, seed: u32) -> Client {
        Client {
            mac,
            host_name: host_name.to_string(),
            broadcast: false,
            state: State::Idle,
            xid: seed,
            started: Time::ZERO,
            tries: 0,
            next_at: None,
            lease: None,
            out: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Is an exchange under way (the prompt waits for it)?
    pub fn is_busy(&self) -> bool {
        matches!(self.state, State::Selecting | State::Requesting(_))
    }

    fn base(&self, kind: Kind, now: Time) -> Message {
        let mut m = Message::new(kind, self.xid, self.mac);
        m.secs = now.since(self.started).secs().min(u64::from(u16::MAX)) as u16;
        // Windows 7 and later ask for unicast replies first (Vista asked for broadcasts).
        m.broadcast = self.broadcast;
        m.client_id = Some(self.mac);
        m.host_name = Some(self.host_name.clone());
        // What Windows 10 asks for: mask, router, DNS, domain name, and the rest it always lists.
        m.parameters = vec![1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252];
        m
    }

    /// Get a lease from scratch (`ipconfig /renew` without one, `ipconfig /dhcp`).
    pub fn start(&mut self, now: Time) {
        self.xid = self.xid.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        self.started = now;
        self.tries = 0;
        self.state = State::Selecting;
        self.send_discover(now);
    }

    fn send_discover(&mut self, now: Time) {
        let mut m = self.base(Kind::Discover, now);
        m.requested_ip = self.lease.as_ref().map(|l| l.addr);
        self.out.push((ClientTo::Broadcast, m));
        self.next_at = Some(now + Duration::from_secs(RETRY[self.tries]));
    }

    /// `ipconfig /renew`: renew the lease it has, or get one.
    pub fn renew(&mut self, now: Time) {
        match &self.lease {
            Some(l) if l.expires.is_none_or(|e| e > now) => {
                // RENEWING: unicast to the server that gave the lease, from the address.
                self.xid = self.xid.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                self.started = now;
                self.tries = 0;
                let mut m = self.base(Kind::Request, now);
                m.ciaddr = l.addr;
                m.broadcast = false;
                let server = l.server;
                self.out.push((ClientTo::Server(server), m.clone()));
                self.state = State::Requesting(m);
                self.next_at = Some(now + Duration::from_secs(RETRY[0]));
            }
            _ => self.start(now),
        }
    }

    /// `ipconfig /release`: give the address back and stop.
    pub fn release(&mut self, now: Time) {
        if let Some(l) = self.lease.take() {
            let mut m = self.base(Kind::Release, now);
            m.broadcast = false;
            m.ciaddr = l.addr;
            m.server_id = Some(l.server);
            m.host_name = None;
            m.parameters.clear();
            self.out.push((ClientTo::Server(l.server), m));
        }
        self.state = State::Idle;
        self.next_at = None;
    }

    /// Stop without a word (the adapter got a static address).
    pub fn stop(&mut self) {
        self.lease = None;
        self.state = State::Idle;
        self.next_at = None;
    }

    /// A message for UDP port 68.
    pub fn receive(&mut self, now: Time, m: &Message) {
        if m.xid != self.xid || m.chaddr != self.mac {
            return;
        }
        match (&self.state, m.kind) {
            (State::Selecting, Kind::Offer) => {
                // The first offer wins, as on Windows.
                let mut r = self.base(Kind::Request, now);
                r.requested_ip = Some(m.yiaddr);
                r.server_id = m.server_id;
                self.out.push((ClientTo::Broadcast, r.clone()));
                self.state = State::Requesting(r);
                self.tries = 0;
                self.next_at = Some(now + Duration::from_secs(RETRY[0]));
            }
            (State::Requesting(_) | State::Renewing | State::Rebinding, Kind::Ack) => {
                let Some(mask) = m.subnet_mask.and_then(ipv4::prefix_len) else { return };
                let lease_secs = m.lease_secs.unwrap_or(DEFAULT_LEASE_SECS);
                let at = |secs: Option<u32>, fraction: u64| {
                    (lease_secs != u32::MAX).then(|| {
                        let s = secs.map_or(u64::from(lease_secs) * fraction / 8, u64::from);
                        now + Duration::from_secs(s)
                    })
                };
                let lease = ClientLease {
                    addr: m.yiaddr,
                    len: mask,
                    router: m.router,
                    dns: m.dns.clone(),
                    domain_name: m.domain_name.clone(),
                    server: m.server_id.unwrap_or(Ipv4Addr::UNSPECIFIED),
                    obtained: now,
                    expires: at(m.lease_secs, 8),
                    renew_at: at(m.renew_secs, 4),
                    rebind_at: at(m.rebind_secs, 7),
                };
                self.next_at = lease.renew_at;
                self.lease = Some(lease.clone());
                self.state = State::Bound;
                self.events.push(ClientEvent::Bound(lease));
            }
            (State::Requesting(_) | State::Renewing | State::Rebinding, Kind::Nak) => {
                self.lease = None;
                self.state = State::Idle;
                self.next_at = None;
                self.events.push(ClientEvent::Refused);
            }
            _ => {}
        }
    }

    /// Retransmit, renew, rebind, or let the lease go, as the time has come.
    pub fn poll(&mut self, now: Time) {
        if self.next_at.is_none_or(|t| t > now) {
            return;
        }
        match self.state.clone() {
            State::Requesting(_)
                if self.tries + 1 >= RETRY.len()
                    && self.lease.as_ref().is_some_and(|l| l.expires.is_none_or(|e| e > now)) =>
            {
                // Windows keeps a lease it could not renew until it expires.
                self.state = State::Bound;
                self.next_at =
                    self.lease.as_ref().and_then(|l| l.renew_at.filter(|t| *t > now).or(l.rebind_at).or(l.expires));
                self.events.push(ClientEvent::RenewFailed);
            }
            State::Selecting | State::Requesting(_) if self.tries + 1 >= RETRY.len() => {
                self.state = State::Idle;
                self.next_at = None;
                self.events.push(ClientEvent::GaveUp);
            }
            State::Selecting => {
                self.tries += 1;
                self.send_discover(now);
            }
            State::Requesting(m) => {
                self.tries += 1;
                // A renewal goes again to its server; a selection is broadcast.
                let to = match (&self.lease, m.ciaddr.is_unspecified()) {
                    (Some(l), false) => ClientTo::Server(l.server),
                    _ => ClientTo::Broadcast,
                };
                self.out.push((to, m));
                self.next_at = Some(now + Duration::from_secs(RETRY[self.tries]));
            }
            State::Bound | State::Renewing | State::Rebinding => self.lease_timers(now),
            State::Idle => self.next_at = None,
        }
    }

    fn lease_timers(&mut self, now: Time) {
        let Some(l) = self.lease.clone() else { return };
        if l.expires.is_some_and(|e| e <= now) {
            self.lease = None;
            self.state = State::Idle;
            self.next_at = None;
            self.events.push(ClientEvent::Expired);
            return;
        }
        let rebinding = l.rebind_at.is_some_and(|t| t <= now);
        let mut m = self.base(Kind::Request, now);
        m.broadcast = false;
        m.ciaddr = l.addr;
        let to = if rebinding { ClientTo::Broadcast } else { ClientTo::Server(l.server) };
        self.out.push((to, m));
        self.state = if rebinding { State::Rebinding } else { State::Renewing };
        // Half the time left before the next step, at least a minute (RFC 2131 §4.4.5).
        let until = if rebinding { l.expires } else { l.rebind_at }.unwrap_or(now);
        let wait = Duration::from_secs((until.since(now).secs() / 2).max(60));
        self.next_at = Some((now + wait).min(until.max(now + Duration::from_secs(1))));
    }

    pub fn poll_at(&self) -> Option<Time> {
        self.next_at
    }
}

/// Send a server's reply where [`ReplyTo`] says, from `iface` (whose
/// address is the server's): routed to a relay or a renewing client, else
/// straight to the client's MAC or the broadcast address. Returns whether it left.
pub fn send_reply(stack: &mut IpStack, now: Time, iface: usize, to: ReplyTo, m: &Message, ttl: u8) -> bool {
    let data = m.emit();
    let routed = |stack: &mut IpStack, dst: Ipv4Addr, port: u16| {
        let Ok(src) = stack.source_for(dst) else { return false };
        let len = udp::HEADER_LEN + data.len();
        stack
            .originate(now, src, dst, IpProtocol::Udp, None, len, |b| udp::emit(b, src, dst, SERVER_PORT, port, &data))
            .is_ok()
    };
    match to {
        ReplyTo::Relay(relay) => routed(stack, relay, SERVER_PORT),
        ReplyTo::Client(client) => routed(stack, client, CLIENT_PORT),
        ReplyTo::Broadcast | ReplyTo::Hardware(..) => {
            let Some((src, _)) = stack.ifaces.get(iface).and_then(|i| i.addr) else { return false };
            let (dst, mac) = match to {
                ReplyTo::Hardware(ip, mac) => (ip, mac),
                _ => (Ipv4Addr::BROADCAST, BROADCAST),
            };
            stack.send_udp_to_mac(iface, src, dst, mac, (SERVER_PORT, CLIENT_PORT), ttl, &data).is_ok()
        }
    }
}

/// Send a client's message out of `iface`: broadcast (from 0.0.0.0 until it
/// has an address), or routed to the server that gave its lease.
pub fn send_from_client(stack: &mut IpStack, now: Time, iface: usize, to: ClientTo, m: &Message, ttl: u8) {
    let data = m.emit();
    let ports = (CLIENT_PORT, SERVER_PORT);
    match to {
        ClientTo::Broadcast => {
            let src = m.ciaddr;
            let _ = stack.send_udp_to_mac(iface, src, Ipv4Addr::BROADCAST, BROADCAST, ports, ttl, &data);
        }
        ClientTo::Server(server) => {
            let src = m.ciaddr;
            let len = udp::HEADER_LEN + data.len();
            let _ = stack.originate(now, src, server, IpProtocol::Udp, None, len, |b| {
                udp::emit(b, src, server, ports.0, ports.1, &data)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }
    const PC: Mac = Mac([0x00, 0x50, 0x56, 0xb3, 0xed, 0xd8]);

    fn pool() -> Pool {
        Pool {
            name: "LAN".into(),
            network: Some((ip("192.168.10.0"), 24)),
            default_routers: vec![ip("192.168.10.1")],
            dns_servers: vec![ip("192.168.20.254")],
            domain_name: Some("ccna-lab.com".into()),
            lease: Some(Lease::Days { days: 2, hours: 12, minutes: 30 }),
        }
    }

    fn arrival() -> Arrival {
        Arrival { iface: 0, server_addr: ip("192.168.10.1"), subnets: vec![(ip("192.168.10.1"), 24)] }
    }

    #[test]
    fn the_dissector_table_matches_smoltcp() {
        use dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[
                ("op", one(field::OP)),
                ("htype", one(field::HTYPE)),
                ("hlen", one(field::HLEN)),
                ("hops", one(field::HOPS)),
                ("xid", field::XID),
                ("secs", field::SECS),
                ("flags", field::FLAGS),
                ("ciaddr", field::CIADDR),
                ("yiaddr", field::YIADDR),
                ("siaddr", field::SIADDR),
                ("giaddr", field::GIADDR),
                ("chaddr", field::CLIENT_MAC),
                ("chaddr padding", field::CHADDR_PADDING),
                ("sname", field::SNAME),
                ("file", field::FILE),
                ("magic cookie", field::MAGIC_COOKIE),
            ],
            field::OPTIONS.start,
        );
        let mut m = Message::new(Kind::Request, 0x1234_abcd, PC);
        (m.secs, m.hops, m.broadcast) = (3, 1, true);
        (m.ciaddr, m.yiaddr, m.siaddr, m.giaddr) = (ip("1.1.1.1"), ip("2.2.2.2"), ip("3.3.3.3"), ip("4.4.4.4"));
        let b = m.emit();
        let p = DhcpPacket::new_checked(&b[..]).unwrap();
        assert_eq!(b[field::OP], 1);
        assert_eq!((b[field::HTYPE], b[field::HLEN], b[field::HOPS]), (1, p.hardware_len(), p.hops()));
        assert_eq!(dissect::u32_at(&b, field::XID), Some(p.transaction_id()));
        assert_eq!(dissect::u16_at(&b, field::SECS), Some(p.secs()));
        assert_eq!(dissect::u16_at(&b, field::FLAGS), Some(p.flags().bits()));
        assert_eq!(dissect::ipv4_at(&b, field::CIADDR), Some(p.client_ip()));
        assert_eq!(dissect::ipv4_at(&b, field::YIADDR), Some(p.your_ip()));
        assert_eq!(dissect::ipv4_at(&b, field::SIADDR), Some(p.server_ip()));
        assert_eq!(dissect::ipv4_at(&b, field::GIADDR), Some(p.relay_agent_ip()));
        assert_eq!(dissect::mac_at(&b, field::CLIENT_MAC), Some(p.client_hardware_address()));
        assert_eq!(dissect::u32_at(&b, field::MAGIC_COOKIE), Some(p.magic_number()));
        assert_eq!(b[field::MAGIC_COOKIE], MAGIC_COOKIE);
    }

    #[test]
    fn messages_dissect_with_wiresharks_info_and_every_option() {
        use dissect::testing::{assert_every_truncation_dissects, layer, udp_frame};
        use dissect::{summary, LinkType};
        let mut client = Client::new(PC, "PC1", 7);
        client.start(Time::ZERO);
        let (_, discover) = client.out.remove(0);
        let f = udp_frame(Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, (CLIENT_PORT, SERVER_PORT), &discover.emit());
        let info = format!("DHCP Discover - Transaction ID 0x{:08x}", discover.xid);
        assert_eq!(summary(&f, LinkType::Ethernet), info);
        let layers = dissect::dissect(&f, LinkType::Ethernet);
        let dhcp = layer(&layers, "Dynamic Host Configuration Protocol");
        assert_eq!(dhcp.field("Client MAC address"), Some("0050.56b3.edd8"));
        assert_eq!(dhcp.field("Magic cookie"), Some("DHCP"));
        assert_eq!(dhcp.field("Server host name"), Some("not given"));
        assert_eq!(dhcp.field("DHCP Message Type"), Some("(53) length 1: Discover"));
        assert_eq!(dhcp.field("Host Name"), Some("(12) length 3: PC1"));
        assert_eq!(dhcp.range.end, f.len(), "options, End and the padding to 300 bytes");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);

        // A server's ACK, from port 67 to 68.
        let mut ack = Message::new(Kind::Ack, 0x1234_abcd, PC);
        ack.yiaddr = ip("192.168.10.11");
        ack.server_id = Some(ip("192.168.10.1"));
        ack.subnet_mask = Some(ip("255.255.255.0"));
        ack.dns = vec![ip("192.168.20.254"), ip("8.8.8.8")];
        ack.lease_secs = Some(u32::MAX);
        ack.broadcast = true;
        let f = udp_frame(ip("192.168.10.1"), ip("192.168.10.11"), (SERVER_PORT, CLIENT_PORT), &ack.emit());
        assert_eq!(summary(&f, LinkType::Ethernet), "DHCP ACK - Transaction ID 0x1234abcd");
        let layers = dissect::dissect(&f, LinkType::Ethernet);
        let dhcp = layer(&layers, "Dynamic Host Configuration Protocol");
        assert_eq!(dhcp.field("Message type"), Some("Boot Reply (2)"));
        assert_eq!(dhcp.field("Bootp flags"), Some("0x8000 (Broadcast)"));
        assert_eq!(dhcp.field("Your (client) IP address"), Some("192.168.10.11"));
        assert_eq!(dhcp.field("Domain Name Server"), Some("(6) length 8: 192.168.20.254, 8.8.8.8"));
        assert_eq!(dhcp.field("IP Address Lease Time"), Some("(51) length 4: infinity"));
        assert_eq!(dhcp.field("End"), Some("(255)"));
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
    }

    #[test]
    fn a_message_without_the_magic_cookie_is_malformed() {
        use dissect::{summary, testing::udp_frame, LinkType};
        let mut bytes = Message::new(Kind::Discover, 1, PC).emit();
        bytes[field::MAGIC_COOKIE.start] = 0;
        let f = udp_frame(Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, (CLIENT_PORT, SERVER_PORT), &bytes);
        let line = summary(&f, LinkType::Ethernet);
        assert_eq!(line, "DHCP Boot Request - Transaction ID 0x00000001 [Malformed: no DHCP magic cookie]");
    }

    #[test]
    fn a_message_round_trips_through_the_wire_format() {
        let mut m = Message::new(Kind::Ack, 0x1234_5678, PC);
        m.broadcast = true;
        m.hops = 1;
        m.yiaddr = ip("192.168.10.11");
        m.giaddr = ip("192.168.10.1");
        m.client_id = Some(PC);
        m.server_id = Some(ip("10.1.1.1"));
        m.subnet_mask = Some(ip("255.255.255.0"));
        m.router = Some(ip("192.168.10.1"));
        m.dns = vec![ip("192.168.20.254"), ip("8.8.8.8")];
        m.domain_name = Some("ccna-lab.com".into());
        m.host_name = Some("PC1".into());
        m.lease_secs = Some(86_400);
        m.renew_secs = Some(43_200);
        m.rebind_secs = Some(75_600);
        let bytes = m.emit();
        assert!(bytes.len() >= 300);
        assert_eq!(Message::parse(&bytes), Some(m));
    }

    #[test]
    fn the_server_pings_then_offers_the_first_free_address_and_acks_it() {
        let mut s = Server::default();
        let pools = [pool()];
        let excluded = [Excluded { low: ip("192.168.10.1"), high: Some(ip("192.168.10.10")) }];
        let mut client = Client::new(PC, "PC1", 7);
        client.start(Time::ZERO);
        let (_, discover) = client.out.remove(0);
        s.receive(Time::ZERO, &discover, arrival(), &pools, &excluded, &[ip("192.168.10.1")]);
        assert_eq!(s.out, [ServerAction::Ping(ip("192.168.10.11"))]);
        s.out.clear();
        let t = Time::ZERO + PING_TIMEOUT;
        s.poll(t, &pools);
        assert_eq!(s.out, [ServerAction::Ping(ip("192.168.10.11"))]);
        s.out.clear();
        s.poll(t + PING_TIMEOUT, &pools);
        let ServerAction::Reply { to, message: offer, .. } = s.out.remove(0) else { panic!("an offer") };
        let unicast = ReplyTo::Hardware(ip("192.168.10.11"), PC);
        assert_eq!((to, offer.kind, offer.yiaddr), (unicast, Kind::Offer, ip("192.168.10.11")));
        client.receive(t, &offer);
        let (_, request) = client.out.remove(0);
        assert_eq!(request.requested_ip, Some(ip("192.168.10.11")));
        s.receive(t, &request, arrival(), &pools, &excluded, &[]);
        let ServerAction::Reply { message: ack, .. } = s.out.remove(0) else { panic!("an ack") };
        assert_eq!(ack.kind, Kind::Ack);
        assert_eq!(ack.lease_secs, Some(2 * 86_400 + 12 * 3_600 + 30 * 60));
        client.receive(t, &ack);
        let Some(ClientEvent::Bound(lease)) = client.events.pop() else { panic!("bound") };
        assert_eq!((lease.addr, lease.len, lease.router), (ip("192.168.10.11"), 24, Some(ip("192.168.10.1"))));
        assert_eq!(lease.domain_name.as_deref(), Some("ccna-lab.com"));
        assert_eq!(s.bindings[&ip("192.168.10.11")].client, PC);
    }

    #[test]
    fn an_address_that_answers_the_ping_is_a_conflict_and_the_next_is_tried() {
        let mut s = Server::default();
        let pools = [pool()];
        let discover = {
            let mut c = Client::new(PC, "PC1", 1);
            c.start(Time::ZERO);
            c.out.remove(0).1
        };
        s.receive(Time::ZERO, &discover, arrival(), &pools, &[], &[ip("192.168.10.1")]);
        s.out.clear();
        s.echo_reply(Time::ZERO, ip("192.168.10.2"), &pools, &[], &[ip("192.168.10.1")]);
        assert_eq!(s.out, [ServerAction::Conflict(ip("192.168.10.2")), ServerAction::Ping(ip("192.168.10.3"))]);
        assert_eq!(s.conflicts[&ip("192.168.10.2")].method, ConflictMethod::Ping);
    }

    #[test]
    fn a_request_for_an_excluded_or_own_address_is_refused() {
        let mut s = Server::default();
        let pools = [pool()];
        let excluded = [Excluded { low: ip("192.168.10.2"), high: Some(ip("192.168.10.10")) }];
        for wanted in ["192.168.10.5", "192.168.10.1", "192.168.10.255"] {
            let mut request = Message::new(Kind::Request, 9, PC);
            request.requested_ip = Some(ip(wanted));
            s.receive(Time::ZERO, &request, arrival(), &pools, &excluded, &[ip("192.168.10.1")]);
            let Some(ServerAction::Reply { message, .. }) = s.out.pop() else { panic!("an answer for {wanted}") };
            assert_eq!(message.kind, Kind::Nak, "{wanted}");
        }
        assert!(s.bindings.is_empty());
    }

    #[test]
    fn a_name_longer_than_an_option_is_cut_not_a_panic() {
        let mut m = Message::new(Kind::Offer, 1, PC);
        m.domain_name = Some("x".repeat(400));
        let parsed = Message::parse(&m.emit()).expect("it parses");
        assert_eq!(parsed.domain_name.map(|d| d.len()), Some(255));
    }

    #[test]
    fn a_client_no_server_answers_gives_up_after_its_retransmissions() {
        let mut c = Client::new(PC, "PC1", 3);
        c.start(Time::ZERO);
        let mut t = Time::ZERO;
        while let Some(at) = c.poll_at() {
            t = at;
            c.poll(t);
        }
        assert_eq!(c.out.len(), 4, "four DISCOVERs");
        assert_eq!(c.events, [ClientEvent::GaveUp]);
        assert_eq!(t, Time::ZERO + Duration::from_secs(60));
    }

    #[test]
    fn a_relayed_request_is_served_from_the_relays_subnet_and_answered_to_the_relay() {
        let mut s = Server::default();
        let mut lan2 = pool();
        lan2.name = "LAN2".into();
        lan2.network = Some((ip("192.168.11.0"), 24));
        let pools = [pool(), lan2];
        let mut discover = {
            let mut c = Client::new(PC, "PC1", 1);
            c.start(Time::ZERO);
            c.out.remove(0).1
        };
        discover.giaddr = ip("192.168.11.1");
        discover.hops = 1;
        let far = Arrival { iface: 1, server_addr: ip("10.1.1.2"), subnets: vec![(ip("10.1.1.2"), 30)] };
        s.receive(Time::ZERO, &discover, far, &pools, &[], &[]);
        assert_eq!(s.out, [ServerAction::Ping(ip("192.168.11.1"))]);
        s.out.clear();
        s.echo_reply(Time::ZERO, ip("192.168.11.1"), &pools, &[], &[]);
        s.poll(Time::ZERO + Duration::from_secs(1), &pools);
        s.poll(Time::ZERO + Duration::from_secs(2), &pools);
        let Some(ServerAction::Reply { to, message, .. }) = s.out.pop() else { panic!("an offer") };
        assert_eq!(
            (to, message.yiaddr, message.giaddr),
            (ReplyTo::Relay(ip("192.168.11.1")), ip("192.168.11.2"), ip("192.168.11.1"))
        );
    }
}
