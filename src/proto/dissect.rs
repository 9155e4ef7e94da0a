//! Frame dissection: a captured frame's bytes as named layers and fields, for
//! the PDU inspector (like Wireshark's packet-details pane) and for one-line
//! `--trace` summaries (like its Info column).
//!
//! # How dispatch works
//!
//! Dissection walks down the layers. Each step looks a [`Key`] up in
//! [`DISSECTORS`] and calls that protocol's own `dissect` function, which lives
//! in the protocol's file next to its `field` table. The function pushes its
//! [`Layer`] and answers with what comes next ([`Next`]): the key of its
//! payload and where the payload lies. The walk starts at [`Key::Link`] and
//! ends when a protocol has no payload, when no dissector is registered for a
//! key (the payload is shown as a raw "Data" layer), or when a PDU is
//! malformed (a final "Malformed" layer). Bytes after the innermost PDU are
//! the frame's padding.
//!
//! ```text
//! Link(Ethernet) ┬ EtherType 0x0800 ─ IPv4 ┬ IpProtocol 1 ─ ICMP
//!                │                         ├ IpProtocol 6 ─ TCP ─ TcpPort 80 ─ HTTP (others: Data)
//!                │                         ├ IpProtocol 17 ─ UDP ─ UdpPort 53 ─ DNS, 67 and 68 ─ DHCP, 520 ─ RIP,
//!                │                         │                       1985 ─ HSRP, 546 and 547 ─ DHCPv6 (others: Data)
//!                │                         ├ IpProtocol 89 ─ OSPF
//!                │                         └ any other ─ Data
//!                ├ EtherType 0x86dd ─ IPv6 ┬ IpProtocol 58 ─ ICMPv6 (NDP included)
//!                │                         ├ IpProtocol 6 ─ TCP ...
//!                │                         ├ IpProtocol 17 ─ UDP ...
//!                │                         └ IpProtocol 89 ─ OSPFv3
//!                ├ EtherType 0x0806 ─ ARP
//!                ├ EtherType 0x8100 ─ 802.1Q ─ (type or length again, as after Ethernet)
//!                ├ EtherType 0x8809 ─ LACP
//!                ├ EtherType 0x88cc ─ LLDP
//!                └ 802.3 length ─ Llc ┬ LlcSap 0x42 ─ STP
//!                                     └ Snap(Cisco, pid) ─ CDP, DTP, PAgP, PVST+
//! Link(CiscoHdlc) ─ EtherType 0x0800 ─ IPv4 ...
//! ```
//!
//! TCP and UDP hand their data on by port: the destination's if a dissector
//! is registered for it, else the source's (a reply comes from the well-known
//! port). A dissector that finds the bytes are not its protocol after all
//! (port 80 carrying something other than HTTP) shows them as "Data" with
//! [`push_data`], so the frame stays named by the layer below.
//!
//! A layer whose length field promises more bytes than the frame holds hands
//! on what there is; the walk then ends with a "Malformed" layer unless a
//! layer inside reported its own problem first.
//!
//! # Registering a protocol
//!
//! 1. In the protocol's file, write
//!    `pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected`.
//!    `bytes` are the PDU (from its first header byte to the end of what the
//!    layer below gave it) and `base` is where they start in the frame. Build
//!    the layer with a [`LayerBuilder`] from the file's `field` table: it shows
//!    each field the bytes hold whole and turns the rest into "Malformed".
//! 2. Add one `(Key, dissect)` entry to [`DISSECTORS`].
//!
//! The helpers at the bottom read fields (`u16_at`, `mac_at` ...) and show
//! values (`hex`, `mac` ...); the formats' parsers read their fields with the
//! same helpers, so no bare offset is needed anywhere.

use std::net::Ipv4Addr;
use std::ops::Range;

use super::ethernet::CISCO_OUI;
use super::{
    arp, cdp, dhcp, dhcpv6, dns, dot1q, dtp, ethernet, hdlc, hsrp, http, icmp, icmpv6, ipv4, ipv6, lacp, lldp, ospf,
    pagp, rip, stp, tcp, udp, Mac,
};

/// A field's bytes, relative to the start of its protocol's header.
pub type Field = Range<usize>;

/// What the first byte of a frame is: the link a capture was taken on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkType {
    /// pcap's LINKTYPE_ETHERNET (1): every cable but serial ones.
    Ethernet,
    /// pcap's LINKTYPE_C_HDLC (104): serial links.
    CiscoHdlc,
}

/// One protocol's part of a frame, as the inspector lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Its heading: "Ethernet II", "802.1Q", "STP (Rapid)" ...
    pub name: &'static str,
    /// The short protocol name: "Ethernet", "STP", "CDP" ... ("Data", "Padding",
    /// "Trailer" and "Malformed" for the layers that are no protocol).
    pub protocol: &'static str,
    /// The bytes of the frame its fields span (its header, or the whole PDU
    /// for a protocol that carries no other).
    pub range: Range<usize>,
    /// What it says in a few words; the top layer's is the frame's summary.
    pub info: String,
    pub fields: Vec<FieldView>,
}

/// One field of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldView {
    pub name: &'static str,
    /// Where it lies in the frame (absolute).
    pub range: Range<usize>,
    /// Human readable: "0x8100", "10", "0011.2233.4455", "S1" ...
    pub value: String,
}

pub const DATA: &str = "Data";
pub const PADDING: &str = "Padding";
pub const TRAILER: &str = "Trailer";
pub const MALFORMED: &str = "Malformed";

impl Layer {
    /// Whether this layer is a protocol (not raw data, padding or a malformed mark).
    pub fn is_protocol(&self) -> bool {
        ![DATA, PADDING, TRAILER, MALFORMED].contains(&self.protocol)
    }

    /// The value of the first field called `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.name == name).map(|f| f.value.as_str())
    }
}

/// How a layer names the protocol its payload is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The start of a frame.
    Link(LinkType),
    /// An Ethernet II (or 802.1Q, or Cisco HDLC) protocol type.
    EtherType(u16),
    /// The payload of an IEEE 802.3 frame, which starts with an 802.2 LLC header.
    Llc,
    /// An LLC PDU, by its destination service access point (0x42: spanning tree).
    LlcSap(u8),
    /// A SNAP PDU, by organisation and protocol id.
    Snap {
        oui: [u8; 3],
        pid: u16,
    },
    IpProtocol(u8),
    /// The port a TCP segment's data is for (see [`tcp::dissect`]).
    TcpPort(u16),
    /// The port a UDP datagram's data is for (see [`udp::dissect`]).
    UdpPort(u16),
}

/// What follows a layer: its payload's key and where it lies (relative to the
/// bytes the layer was given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Next {
    pub key: Key,
    pub payload: Range<usize>,
}

/// Why a PDU could not be shown whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// The bytes end inside a field: `needed` bytes were required, `present` given.
    Truncated { needed: usize, present: usize },
    /// A length field gives `said` bytes (from the PDU's start); `present` are there.
    LengthPastEnd { said: usize, present: usize },
    /// A field holds a value the format rules out.
    Invalid(&'static str),
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::Truncated { needed, present } => {
                write!(f, "truncated: {present} bytes, where the next field needs {needed}")
            }
            Malformed::LengthPastEnd { said, present } => {
                write!(f, "truncated: the length field gives {said} bytes, {present} present")
            }
            Malformed::Invalid(reason) => f.write_str(reason),
        }
    }
}

/// What a dissector returns: the next step (`None`: nothing follows), or why
/// it stopped.
pub type Dissected = Result<Option<Next>, Malformed>;

/// A protocol's dissector: the PDU's bytes, where they start in the frame,
/// and the layers so far.
pub type Dissector = fn(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected;

/// Every registered dissector, by the key that leads to it.
pub const DISSECTORS: &[(Key, Dissector)] = &[
    (Key::Link(LinkType::Ethernet), ethernet::dissect),
    (Key::Link(LinkType::CiscoHdlc), hdlc::dissect),
    (Key::EtherType(0x0800), ipv4::dissect),
    (Key::EtherType(0x0806), arp::dissect),
    (Key::EtherType(0x86dd), ipv6::dissect),
    (Key::EtherType(dot1q::TPID), dot1q::dissect),
    (Key::EtherType(lacp::ETHERTYPE), lacp::dissect),
    (Key::EtherType(lldp::ETHERTYPE), lldp::dissect),
    (Key::Llc, ethernet::dissect_llc),
    (Key::LlcSap(stp::LLC_SAP), stp::dissect),
    (Key::Snap { oui: CISCO_OUI, pid: stp::PVST_PID }, stp::dissect_pvst),
    (Key::Snap { oui: CISCO_OUI, pid: pagp::PID }, pagp::dissect),
    (Key::Snap { oui: CISCO_OUI, pid: dtp::PID }, dtp::dissect),
    (Key::Snap { oui: CISCO_OUI, pid: cdp::PID }, cdp::dissect),
    (Key::IpProtocol(1), icmp::dissect),
    (Key::IpProtocol(6), tcp::dissect),
    (Key::IpProtocol(17), udp::dissect),
    (Key::IpProtocol(58), icmpv6::dissect),
    (Key::IpProtocol(ospf::packet::PROTOCOL), dissect_ospf),
    (Key::TcpPort(http::PORT), http::dissect),
    (Key::UdpPort(dns::PORT), dns::dissect),
    (Key::UdpPort(dhcp::SERVER_PORT), dhcp::dissect),
    (Key::UdpPort(dhcp::CLIENT_PORT), dhcp::dissect),
    (Key::UdpPort(hsrp::PORT), hsrp::dissect),
    (Key::UdpPort(dhcpv6::CLIENT_PORT), dhcpv6::dissect),
    (Key::UdpPort(dhcpv6::SERVER_PORT), dhcpv6::dissect),
    (Key::UdpPort(rip::packet::PORT), rip::packet::dissect),
];

/// OSPF's protocol number carries both versions: the first byte says which.
fn dissect_ospf(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    match bytes.first() {
        Some(3) => crate::proto::ospf3::packet::dissect(bytes, base, out),
        _ => ospf::packet::dissect(bytes, base, out),
    }
}

/// The dissector registered for a key.
pub fn dissector(key: Key) -> Option<Dissector> {
    DISSECTORS.iter().find(|(k, _)| *k == key).map(|(_, d)| *d)
}

/// Every layer of a frame, outermost first. Never panics: what does not parse
/// ends in a "Malformed" layer.
pub fn dissect(frame: &[u8], link: LinkType) -> Vec<Layer> {
    let mut out = Vec::new();
    // A payload said to be longer than the bytes left: dissected as far as it
    // goes, then reported unless something inside is reported first.
    let mut cut_short = None;
    let mut step = Some((Key::Link(link), 0..frame.len()));
    while let Some((key, range)) = step.take() {
        let Some(bytes) = frame.get(range.clone()) else { break };
        let Some(dissect) = dissector(key) else {
            push_data(bytes, range.start, &mut out);
            break;
        };
        match dissect(bytes, range.start, &mut out) {
            Ok(None) => {}
            // A payload must start after the PDU's first byte, so that every
            // step moves on and the walk ends.
            Ok(Some(next)) if next.payload.start > 0 && next.payload.start <= next.payload.end => {
                if next.payload.end > bytes.len() {
                    let problem = Malformed::LengthPastEnd { said: next.payload.end, present: bytes.len() };
                    cut_short.get_or_insert((range.clone(), problem));
                }
                let payload = next.payload.start.min(bytes.len())..next.payload.end.min(bytes.len());
                step = Some((next.key, range.start + payload.start..range.start + payload.end));
            }
            Ok(Some(_)) => out.push(malformed_layer(&out, range, Malformed::Invalid("payload outside the PDU"))),
            Err(problem) => out.push(malformed_layer(&out, range, problem)),
        }
    }
    if let Some((range, problem)) = cut_short.filter(|_| out.iter().all(|l| l.protocol != MALFORMED)) {
        out.push(malformed_layer(&out, range, problem));
    }
    let end = covered_end(&out);
    if let Some(rest) = frame.get(end..).filter(|rest| !rest.is_empty()) {
        out.push(raw_layer(if link == LinkType::Ethernet { PADDING } else { TRAILER }, rest, end));
    }
    out
}

/// One line for a frame, like Wireshark's Info column: the top protocol's
/// name and what it says ("ARP Who has 10.0.0.1? Tell 10.0.0.2").
pub fn summary(frame: &[u8], link: LinkType) -> String {
    summarize(&dissect(frame, link))
}

/// [`summary`] of layers already dissected.
pub fn summarize(layers: &[Layer]) -> String {
    let mut line = match layers.iter().rev().find(|l| l.is_protocol()) {
        Some(top) if top.info.is_empty() => top.protocol.to_string(),
        Some(top) => format!("{} {}", top.protocol, top.info),
        None => String::new(),
    };
    if let Some(problem) = layers.iter().find(|l| l.protocol == MALFORMED) {
        line.push_str(&format!(" [Malformed: {}]", problem.info));
    }
    line
}

/// The short name of a frame's highest protocol: "ARP", "ICMP", "STP", "IPv4" ...
pub fn protocol(frame: &[u8], link: LinkType) -> &'static str {
    let layers = dissect(frame, link);
    layers.iter().rev().find(|l| l.is_protocol()).map_or(MALFORMED, |l| l.protocol)
}

/// Show `bytes` as one raw "Data" layer: for a dissector that knows its
/// payload is opaque (a subtype no dissector knows), or that finds the bytes
/// are not its protocol after all.
pub fn push_data(bytes: &[u8], base: usize, out: &mut Vec<Layer>) {
    if !bytes.is_empty() {
        out.push(raw_layer(DATA, bytes, base));
    }
}

/// Where the layers so far end in the frame.
fn covered_end(layers: &[Layer]) -> usize {
    layers.iter().map(|l| l.range.end).max().unwrap_or(0)
}

/// Bytes shown as one field (raw data, padding).
fn raw_layer(name: &'static str, bytes: &[u8], base: usize) -> Layer {
    let range = base..base + bytes.len();
    Layer {
        name,
        protocol: name,
        range: range.clone(),
        info: format!("{} bytes", bytes.len()),
        fields: vec![FieldView { name, range, value: preview(bytes) }],
    }
}

/// The mark after a PDU that did not parse: over its bytes not yet shown.
fn malformed_layer(layers: &[Layer], pdu: Range<usize>, problem: Malformed) -> Layer {
    let start = covered_end(layers).max(pdu.start).min(pdu.end);
    let range = start..pdu.end;
    let info = problem.to_string();
    Layer {
        name: MALFORMED,
        protocol: MALFORMED,
        range: range.clone(),
        fields: vec![FieldView { name: MALFORMED, range, value: info.clone() }],
        info,
    }
}

/// Builds one layer from a protocol's field table. Each field is shown only if
/// the PDU holds it whole; the first one that is cut off, or a value marked
/// invalid, makes [`LayerBuilder::finish`] report the PDU as malformed.
pub struct LayerBuilder<'a> {
    bytes: &'a [u8],
    base: usize,
    layer: Layer,
    problem: Option<Malformed>,
}

impl<'a> LayerBuilder<'a> {
    /// A layer over `bytes`, which start at `base` in the frame.
    pub fn new(name: &'static str, protocol: &'static str, bytes: &'a [u8], base: usize) -> Self {
        LayerBuilder {
            bytes,
            base,
            layer: Layer { name, protocol, range: base..base, info: String::new(), fields: Vec::new() },
            problem: None,
        }
    }

    /// Show the field at `range` (relative to the PDU) with the value `show`
    /// makes of its bytes; the bytes, or `None` if the PDU ends before it does.
    pub fn field(
        &mut self,
        name: &'static str,
        range: Field,
        show: impl FnOnce(&'a [u8]) -> String,
    ) -> Option<&'a [u8]> {
        match self.bytes.get(range.clone()) {
            Some(bytes) => {
                self.push(name, range, show(bytes));
                Some(bytes)
            }
            None => {
                self.fail(Malformed::Truncated { needed: range.end.max(range.start), present: self.bytes.len() });
                None
            }
        }
    }

    /// A one-byte field at `at`.
    pub fn byte(&mut self, name: &'static str, at: usize, show: impl FnOnce(u8) -> String) -> Option<u8> {
        self.field(name, at..at + 1, |b| b.first().map_or_else(String::new, |&v| show(v)))?.first().copied()
    }

    /// A big-endian 16-bit field.
    pub fn u16(&mut self, name: &'static str, range: Field, show: impl FnOnce(u16) -> String) -> Option<u16> {
        let value = u16_at(self.bytes, range.clone());
        self.field(name, range, |_| value.map_or_else(String::new, show))?;
        value
    }

    /// A big-endian 32-bit field.
    pub fn u32(&mut self, name: &'static str, range: Field, show: impl FnOnce(u32) -> String) -> Option<u32> {
        let value = u32_at(self.bytes, range.clone());
        self.field(name, range, |_| value.map_or_else(String::new, show))?;
        value
    }

    /// Rename the layer once its contents tell what it is ("STP (Rapid)").
    pub fn rename(&mut self, name: &'static str) {
        self.layer.name = name;
    }

    /// What the layer says in a few words.
    pub fn info(&mut self, text: impl Into<String>) {
        self.layer.info = text.into();
    }

    /// Mark the PDU malformed (the first problem found is the one reported).
    pub fn invalid(&mut self, reason: &'static str) {
        self.fail(Malformed::Invalid(reason));
    }

    /// The PDU's bytes, for what the fields do not cover (TLV walks).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Push the layer; `Err` if a field was cut off or marked invalid.
    pub fn finish(self, out: &mut Vec<Layer>) -> Result<(), Malformed> {
        out.push(self.layer);
        match self.problem {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    fn push(&mut self, name: &'static str, range: Field, value: String) {
        let range = self.base + range.start..self.base + range.end;
        let span = &mut self.layer.range;
        if self.layer.fields.is_empty() {
            *span = range.clone();
        } else {
            *span = span.start.min(range.start)..span.end.max(range.end);
        }
        self.layer.fields.push(FieldView { name, range, value });
    }

    fn fail(&mut self, problem: Malformed) {
        self.problem.get_or_insert(problem);
    }
}

/// One type-length-value of a Cisco PDU, as [`cisco_tlvs`] found it.
pub struct Tlv<'a> {
    pub kind: u16,
    pub value: &'a [u8],
}

/// The TLVs of CDP, DTP and PAgP: a 2-byte type, a 2-byte length that counts
/// the 4-byte header, then the value. Shows one field per TLV (named by
/// `name`, its value by `show`) from `start`, to the end of the PDU or for
/// `count` TLVs; a TLV cut short or shorter than its header marks the layer
/// malformed and ends the walk. Returns the TLVs found whole.
pub fn cisco_tlvs<'a>(
    layer: &mut LayerBuilder<'a>,
    start: usize,
    count: Option<usize>,
    name: impl Fn(u16) -> &'static str,
    show: impl Fn(u16, &[u8]) -> String,
) -> Vec<Tlv<'a>> {
    const HEADER: usize = 4;
    let bytes = layer.bytes();
    let mut found = Vec::new();
    let mut at = start;
    loop {
        let more = match count {
            Some(n) => found.len() < n,
            None => at < bytes.len(),
        };
        if !more {
            break;
        }
        let Some(tlv) = bytes.get(at..).filter(|t| t.len() >= HEADER) else {
            layer.field("TLV", at..at + HEADER, hex); // cut short: marks the layer
            break;
        };
        let kind = u16_at(tlv, 0..2).unwrap_or_default();
        let len = usize::from(u16_at(tlv, 2..4).unwrap_or_default());
        if len < HEADER {
            layer.field("TLV", at..at + HEADER, hex);
            layer.invalid("TLV length under its header's");
            break;
        }
        let shown = layer.field(name(kind), at..at + len, |tlv| show(kind, tlv.get(HEADER..).unwrap_or_default()));
        let Some(tlv) = shown else { break };
        found.push(Tlv { kind, value: tlv.get(HEADER..).unwrap_or_default() });
        at += len;
    }
    found
}

// Reading fields: shared by the formats' parsers and their dissectors. Each
// returns `None` if the bytes do not hold the field whole.

/// A big-endian 16-bit field.
pub fn u16_at(bytes: &[u8], field: Field) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(field)?.try_into().ok()?))
}

/// A big-endian 32-bit field.
pub fn u32_at(bytes: &[u8], field: Field) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(field)?.try_into().ok()?))
}

/// A MAC address field.
pub fn mac_at(bytes: &[u8], field: Field) -> Option<Mac> {
    Some(Mac(bytes.get(field)?.try_into().ok()?))
}

/// An IPv4 address field.
pub fn ipv4_at(bytes: &[u8], field: Field) -> Option<Ipv4Addr> {
    Some(Ipv4Addr::from(<[u8; 4]>::try_from(bytes.get(field)?).ok()?))
}

// Showing values.

/// `0x8100`: the bytes in hex, as one number.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A big-endian number of any width up to 8 bytes (wider ones keep their low 8).
pub fn number(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| n << 8 | u64::from(b))
}

/// `0011.2233.4455` (Cisco's notation), or hex if the bytes are no MAC address.
pub fn mac(bytes: &[u8]) -> String {
    match <[u8; 6]>::try_from(bytes) {
        Ok(b) => ethernet::cisco_format(Mac(b)),
        Err(_) => hex(bytes),
    }
}

/// `10.0.0.1`, or hex if the bytes are no IPv4 address.
pub fn ipv4(bytes: &[u8]) -> String {
    match <[u8; 4]>::try_from(bytes) {
        Ok(b) => Ipv4Addr::from(b).to_string(),
        Err(_) => hex(bytes),
    }
}

/// Text as sent (invalid UTF-8 replaced).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `32 bytes: 6162636465666768…`: a length and the first bytes.
pub fn preview(bytes: &[u8]) -> String {
    const SHOWN: usize = 16;
    let head = hex(&bytes[..bytes.len().min(SHOWN)]);
    let more = if bytes.len() > SHOWN { "…" } else { "" };
    format!("{} bytes: {}{more}", bytes.len(), head.trim_start_matches("0x"))
}

/// The names of the bits set in `bits` ("Activity, Aggregation"), or "none".
pub fn flag_names(bits: u32, names: &[(u32, &str)]) -> String {
    let set: Vec<&str> = names.iter().filter(|(bit, _)| bits & bit != 0).map(|(_, name)| *name).collect();
    if set.is_empty() {
        "none".to_string()
    } else {
        set.join(", ")
    }
}

/// Test helpers shared by the formats' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use smoltcp::wire::{EthernetProtocol, IpProtocol};

    /// A table's fields, in order, tile `0..len` with no gap or overlap.
    pub fn assert_contiguous(fields: &[(&str, Field)], len: usize) {
        let mut at = 0;
        for (name, range) in fields {
            assert_eq!(range.start, at, "{name} starts where the previous field ends");
            assert!(range.end > range.start, "{name} is not empty");
            at = range.end;
        }
        assert_eq!(at, len, "the fields end where the PDU does");
    }

    /// A one-byte field as a range.
    pub fn one(at: usize) -> Field {
        at..at + 1
    }

    /// Dissect every prefix of a frame: none panics, every field lies inside
    /// its layer and the frame, and only the whole frame is free of a
    /// "Malformed" layer when `whole_is_clean`.
    pub fn assert_every_truncation_dissects(frame: &[u8], link: LinkType) {
        for len in 0..=frame.len() {
            let prefix = &frame[..len];
            let layers = dissect(prefix, link);
            for layer in &layers {
                assert!(layer.range.end <= len, "{len}: layer {} {:?} inside the frame", layer.name, layer.range);
                for f in &layer.fields {
                    assert!(
                        layer.range.start <= f.range.start && f.range.end <= layer.range.end,
                        "{len}: field {} {:?} inside layer {} {:?}",
                        f.name,
                        f.range,
                        layer.name,
                        layer.range
                    );
                }
            }
            let _ = summarize(&layers);
        }
        let whole = dissect(frame, link);
        assert!(whole.iter().all(|l| l.protocol != MALFORMED), "the whole frame is well formed: {whole:#?}");
    }

    /// An Ethernet frame with `payload` in an IPv4 packet from `src` to `dst`.
    pub fn ipv4_frame(src: Ipv4Addr, dst: Ipv4Addr, protocol: IpProtocol, payload: &[u8]) -> Vec<u8> {
        let packet = ipv4::build(src, dst, protocol, 128, 1, payload.len(), |p| p.copy_from_slice(payload));
        let (to, from) = (Mac([0x00, 0x50, 0x56, 0, 0, 2]), Mac([0x00, 0x50, 0x56, 0, 0, 1]));
        ethernet::build(to, from, EthernetProtocol::Ipv4, packet.len(), |p| p.copy_from_slice(&packet))
    }

    /// An Ethernet frame with `data` in a UDP datagram from `src` port
    /// `ports.0` to `dst` port `ports.1`.
    pub fn udp_frame(src: Ipv4Addr, dst: Ipv4Addr, ports: (u16, u16), data: &[u8]) -> Vec<u8> {
        let mut datagram = vec![0u8; udp::HEADER_LEN + data.len()];
        udp::emit(&mut datagram, src, dst, ports.0, ports.1, data);
        ipv4_frame(src, dst, IpProtocol::Udp, &datagram)
    }

    /// The layer of a protocol, by heading.
    pub fn layer<'a>(layers: &'a [Layer], name: &str) -> &'a Layer {
        layers.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no {name} layer in {layers:#?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::proto::ethernet::BROADCAST;
    use smoltcp::wire::{EthernetProtocol, IpProtocol};

    const A: Mac = Mac([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);

    fn ping(reply: bool) -> Vec<u8> {
        let mut echo = vec![0u8; icmp::echo_len(4)];
        icmp::emit_echo(&mut echo, reply, 1, 3, b"abcd");
        let packet = ipv4::build(
            Ipv4Addr::new(10, 0, 0, 2),
            Ipv4Addr::new(10, 0, 0, 1),
            IpProtocol::Icmp,
            128,
            7,
            echo.len(),
            |p| p.copy_from_slice(&echo),
        );
        ethernet::build(BROADCAST, A, EthernetProtocol::Ipv4, packet.len(), |p| p.copy_from_slice(&packet))
    }

    #[test]
    fn an_arp_request() {
        let f = arp::request(A, Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "ARP", PADDING]);
        assert_eq!(layers[0].field("Destination"), Some("ffff.ffff.ffff"));
        assert_eq!(layers[0].field("Type"), Some("ARP (0x0806)"));
        assert_eq!(layers[1].range, 14..42);
        assert_eq!(layers[1].field("Opcode"), Some("request (1)"));
        assert_eq!(layers[1].field("Sender IP address"), Some("10.0.0.2"));
        assert_eq!(layers[2].range, 42..60);
        assert_eq!(summary(&f, LinkType::Ethernet), "ARP Who has 10.0.0.1? Tell 10.0.0.2");
        assert_eq!(protocol(&f, LinkType::Ethernet), "ARP");
        let r = arp::reply(A, Ipv4Addr::new(10, 0, 0, 1), BROADCAST, Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(summary(&r, LinkType::Ethernet), "ARP 10.0.0.1 is at 0011.2233.4455");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
    }

    #[test]
    fn a_ping_and_its_reply() {
        let f = ping(false);
        let layers = dissect(&f, LinkType::Ethernet);
        let ip = layer(&layers, "IPv4");
        assert_eq!(ip.range, 14..34);
        assert_eq!(ip.field("Time to Live"), Some("128"));
        assert_eq!(ip.field("Protocol"), Some("ICMP (1)"));
        assert_eq!(ip.field("Header Checksum").map(|v| v.ends_with("[correct]")), Some(true));
        let icmp = layer(&layers, "ICMP");
        assert_eq!(icmp.range, 34..46);
        assert_eq!(icmp.field("Checksum").map(|v| v.ends_with("[correct]")), Some(true));
        assert_eq!(summary(&f, LinkType::Ethernet), "ICMP Echo (ping) request id=1 seq=3");
        assert_eq!(summary(&ping(true), LinkType::Ethernet), "ICMP Echo (ping) reply id=1 seq=3");
        assert_eq!(protocol(&f, LinkType::Ethernet), "ICMP");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
    }

    #[test]
    fn an_icmp_error_quotes_the_packet() {
        let echo = ping(false);
        let offending = &echo[14..46];
        let mut err = vec![0u8; icmp::error_len(offending)];
        icmp::emit_error(&mut err, icmp::ErrorKind::TtlExceeded, offending);
        let packet = ipv4::build(
            Ipv4Addr::new(10, 0, 0, 254),
            Ipv4Addr::new(10, 0, 0, 2),
            IpProtocol::Icmp,
            255,
            1,
            err.len(),
            |p| p.copy_from_slice(&err),
        );
        let f = ethernet::build(A, A, EthernetProtocol::Ipv4, packet.len(), |p| p.copy_from_slice(&packet));
        let layers = dissect(&f, LinkType::Ethernet);
        let icmp = layer(&layers, "ICMP");
        assert_eq!(icmp.field("Original datagram"), Some("10.0.0.2 → 10.0.0.1 ICMP Echo (ping) request id=1 seq=3"));
        assert_eq!(summary(&f, LinkType::Ethernet), "ICMP Time-to-live exceeded (TTL exceeded in transit)");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
    }

    #[test]
    fn a_udp_datagram_and_an_unknown_ip_protocol() {
        let (s, d) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 9));
        let mut dgram = vec![0u8; udp::HEADER_LEN + 3];
        udp::emit(&mut dgram, s, d, 49152, 33434, b"abc");
        let packet = ipv4::build(s, d, IpProtocol::Udp, 1, 2, dgram.len(), |p| p.copy_from_slice(&dgram));
        let f = ethernet::build(A, A, EthernetProtocol::Ipv4, packet.len(), |p| p.copy_from_slice(&packet));
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "IPv4", "UDP", DATA, PADDING]);
        assert_eq!(layer(&layers, DATA).range, 42..45);
        assert_eq!(summary(&f, LinkType::Ethernet), "UDP 49152 → 33434 Len=3");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);

        // 253: set aside for experiments, so no dissector will ever claim it.
        let unknown = ipv4::build(s, d, IpProtocol::Unknown(253), 1, 2, 4, |p| p.fill(1));
        let f = ethernet::build(A, A, EthernetProtocol::Ipv4, unknown.len(), |p| p.copy_from_slice(&unknown));
        let layers = dissect(&f, LinkType::Ethernet);
        assert_eq!(layer(&layers, DATA).range, 34..38);
        assert_eq!(protocol(&f, LinkType::Ethernet), "IPv4");
        assert_eq!(summary(&f, LinkType::Ethernet), "IPv4 10.0.0.1 → 10.0.0.9 protocol 253");
    }

    #[test]
    fn an_unknown_ethertype_is_data_to_the_end() {
        let f = ethernet::build(BROADCAST, A, EthernetProtocol::Unknown(0x9000), 2, |p| p.fill(0xee));
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", DATA]);
        assert_eq!(layers[1].range, 14..60);
        assert_eq!(protocol(&f, LinkType::Ethernet), "Ethernet");
        assert_eq!(summary(&f, LinkType::Ethernet), "Ethernet 0011.2233.4455 → ffff.ffff.ffff");
    }

    #[test]
    fn truncated_and_corrupt_frames_are_malformed() {
        let f = ping(false);
        let layers = dissect(&f[..32], LinkType::Ethernet);
        let last = layers.last().expect("layers");
        assert_eq!(last.name, MALFORMED);
        assert_eq!(last.range, 30..32, "the bytes of the IPv4 header left unshown");
        assert_eq!(layer(&layers, "IPv4").field("Source Address"), Some("10.0.0.2"), "what fits is still shown");
        assert_eq!(layer(&layers, "IPv4").field("Destination Address"), None);
        assert_eq!(
            summary(&f[..32], LinkType::Ethernet),
            "IPv4 [Malformed: truncated: 18 bytes, where the next field needs 20]"
        );
        let mut bad = f.clone();
        bad[17] = 0; // total length 0: less than the header
        let layers = dissect(&bad, LinkType::Ethernet);
        assert_eq!(layer(&layers, MALFORMED).info, "total length under the header length");
        assert!(layers.iter().all(|l| l.name != "ICMP"));
        assert!(dissect(&[], LinkType::Ethernet).iter().any(|l| l.name == MALFORMED));
        assert_eq!(protocol(&[], LinkType::Ethernet), "Ethernet");
    }

    #[test]
    fn a_payload_longer_than_the_frame_is_shown_then_malformed() {
        let (s, d) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 9));
        let mut dgram = vec![0u8; udp::HEADER_LEN + 3];
        udp::emit(&mut dgram, s, d, 49152, 33434, b"abc");
        let packet = ipv4::build(s, d, IpProtocol::Udp, 1, 2, dgram.len(), |p| p.copy_from_slice(&dgram));
        let f = ethernet::build(A, A, EthernetProtocol::Ipv4, packet.len(), |p| p.copy_from_slice(&packet));
        let cut = &f[..44];
        let layers = dissect(cut, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "IPv4", "UDP", DATA, MALFORMED]);
        assert_eq!(layers[3].range, 42..44, "the data that is there");
        let problem = "truncated: the length field gives 31 bytes, 30 present";
        assert_eq!(layers[4].info, problem);
        assert_eq!(summary(cut, LinkType::Ethernet), format!("UDP 49152 → 33434 Len=3 [Malformed: {problem}]"));
    }

    #[test]
    fn builder_reports_the_first_problem_and_spans_its_fields() {
        let mut out = Vec::new();
        let mut b = LayerBuilder::new("T", "T", &[1, 2, 3], 10);
        assert_eq!(b.u16("a", 1..3, |v| v.to_string()), Some(0x0203));
        assert_eq!(b.byte("b", 3, |v| v.to_string()), None);
        b.invalid("ignored: not the first problem");
        assert_eq!(b.finish(&mut out), Err(Malformed::Truncated { needed: 4, present: 3 }));
        assert_eq!(out[0].range, 11..13);
        assert_eq!(out[0].fields, [FieldView { name: "a", range: 11..13, value: "515".into() }]);
    }

    #[test]
    fn readers_and_shows() {
        assert_eq!(u16_at(&[1, 2, 3], 1..3), Some(0x0203));
        assert_eq!(u16_at(&[1, 2, 3], 2..4), None);
        assert_eq!(u16_at(&[1, 2, 3], 0..3), None, "a field of the wrong width");
        assert_eq!(u32_at(&[0, 0, 1, 0], 0..4), Some(256));
        assert_eq!(mac_at(&[0, 0, 0x11, 0x22, 0x33, 0x44, 0x55], 1..7), Some(A));
        assert_eq!(ipv4_at(&[10, 0, 0, 1], 0..4), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(hex(&[0x81, 0]), "0x8100");
        assert_eq!(number(&[1, 0]), 256);
        assert_eq!(mac(&A.0), "0011.2233.4455");
        assert_eq!(mac(&[1]), "0x01");
        assert_eq!(preview(&[0xab; 20]), format!("20 bytes: {}…", "ab".repeat(16)));
        assert_eq!(flag_names(5, &[(1, "a"), (2, "b"), (4, "c")]), "a, c");
        assert_eq!(flag_names(0, &[(1, "a")]), "none");
    }

    /// A frame of every registered protocol, as the builders send them, and
    /// the protocol each should be named by.
    fn one_of_each() -> Vec<(&'static str, Vec<u8>, LinkType)> {
        use crate::proto::{cdp, dhcp, dns, dot1q, dtp, hdlc, http, lacp, lldp, pagp, stp, tcp};
        let bpdu = stp::Bpdu {
            rapid: true,
            vector: stp::Vector {
                root: stp::BridgeId { priority: 4097, mac: A.0 },
                cost: 4,
                bridge: stp::BridgeId { priority: 32769, mac: [2; 6] },
                port: 0x8001,
            },
            message_age: 1,
            proposal: false,
            agreement: true,
            tc: false,
            sender_designated: false,
        };
        let cdp = cdp::Advert {
            device_id: "R1".into(),
            address: Some(Ipv4Addr::new(10, 0, 0, 1)),
            port_id: "GigabitEthernet0/0".into(),
            capabilities: cdp::ROUTER,
            version: "Cisco IOS Software".into(),
            platform: "cisco ISR4331".into(),
            native_vlan: None,
            holdtime: cdp::HOLDTIME,
        };
        let lldp = lldp::Advert {
            chassis: A,
            port_id: "Gi0/0".into(),
            ttl: lldp::HOLDTIME,
            port_description: "GigabitEthernet0/0".into(),
            system_name: "R1".into(),
            system_description: "Cisco IOS Software".into(),
            capabilities: (lldp::ROUTER, lldp::ROUTER),
            address: None,
        };
        let pagp = pagp::Info {
            flags: pagp::CONSISTENT,
            device: A,
            port_ifindex: 1,
            group_ifindex: 2,
            partner_device: Mac([0; 6]),
            device_name: "S1".into(),
            port_name: "Fa0/1".into(),
        };
        let hello = dtp::Hello { admin: dtp::Admin::Auto, trunking: false, sender: A };
        let lacpdu = lacp::Lacpdu { actor: lacp::Info::default(), partner: lacp::Info::default() };
        let packet = &ping(false)[14..46];
        let (pc, server) = (Ipv4Addr::new(192, 168, 1, 10), Ipv4Addr::new(192, 168, 1, 20));
        let mut windows = tcp::Tcp::new(tcp::TcpConfig::WINDOWS, 1);
        windows.connect(crate::sim::Time::ZERO, pc, server, http::PORT);
        let syn = ipv4_frame(pc, server, IpProtocol::Tcp, &windows.out[0].segment);
        let url = http::Url::parse("http://192.168.1.20/").expect("a URL");
        let get = tcp::testing::segment((pc, 49152), (server, http::PORT), 1, 1, &http::request("GET", &url));
        let discover = dhcp::Message::new(dhcp::Kind::Discover, 0x1234_abcd, A).emit();
        let dhcp_ports = (dhcp::CLIENT_PORT, dhcp::SERVER_PORT);
        let query = dns::query(0x1a2b, "www.ccna-lab.com", false).expect("a query");
        vec![
            ("ARP", arp::request(A, Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1)), LinkType::Ethernet),
            ("ICMP", ping(false), LinkType::Ethernet),
            ("ICMP", dot1q::tag(&ping(true), 30), LinkType::Ethernet),
            ("ICMP", hdlc::encapsulate_ipv4(packet), LinkType::CiscoHdlc),
            ("STP", stp::ieee_frame(A, &bpdu), LinkType::Ethernet),
            ("STP", dot1q::tag(&stp::pvst_frame(A, 20, &bpdu), 20), LinkType::Ethernet),
            ("CDP", cdp::frame(A, &cdp), LinkType::Ethernet),
            ("DTP", dtp::frame(A, &hello), LinkType::Ethernet),
            ("PAgP", pagp::frame(A, &pagp), LinkType::Ethernet),
            ("LACP", lacp::frame(A, &lacpdu), LinkType::Ethernet),
            ("LLDP", lldp::frame(A, &lldp), LinkType::Ethernet),
            ("TCP", syn, LinkType::Ethernet),
            ("HTTP", ipv4_frame(pc, server, IpProtocol::Tcp, &get), LinkType::Ethernet),
            ("DHCP", udp_frame(Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, dhcp_ports, &discover), LinkType::Ethernet),
            ("DNS", udp_frame(pc, server, (49152, dns::PORT), &query), LinkType::Ethernet),
        ]
    }

    #[test]
    fn every_protocol_is_named_and_survives_truncation_and_corruption() {
        for (name, frame, link) in one_of_each() {
            assert_eq!(protocol(&frame, link), name, "{}", summary(&frame, link));
            assert!(summary(&frame, link).starts_with(name));
            assert_every_truncation_dissects(&frame, link);
            // Every byte set to a few values: no panic, and every field inside the frame.
            for at in 0..frame.len() {
                for value in [0x00, 0x01, 0x80, 0xff] {
                    let mut bad = frame.clone();
                    bad[at] = value;
                    for layer in dissect(&bad, link) {
                        assert!(layer.fields.iter().all(|f| f.range.end <= bad.len()), "{name} byte {at} = {value}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_key_has_one_dissector() {
        for (i, (key, _)) in DISSECTORS.iter().enumerate() {
            assert!(DISSECTORS[i + 1..].iter().all(|(k, _)| k != key), "{key:?} registered twice");
        }
    }

    #[test]
    fn a_walk_that_does_not_move_on_is_malformed() {
        // A frame whose bytes can never satisfy the dispatcher must still end.
        for len in 0..80 {
            let f: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
            let _ = dissect(&f, LinkType::Ethernet);
            let _ = dissect(&f, LinkType::CiscoHdlc);
        }
    }
}
