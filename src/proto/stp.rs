//! Spanning tree, per VLAN: PVST+ (IEEE 802.1D timers: 2 s hello, 20 s max
//! age, 15 s forward delay) and Rapid PVST+ (802.1w roles with
//! proposal/agreement). BPDUs are real frames: IEEE (LLC 42-42-03 to
//! 01:80:c2:00:00:00) and Cisco SSTP (SNAP to 01:00:0c:cc:cc:cd). Root
//! election by priority, sys-id-ext and MAC; short-mode path costs.

use std::collections::BTreeMap;

use super::dissect::{self, mac_at, u16_at, u32_at, Dissected, Layer, LayerBuilder};
use super::{ethernet, Mac};
use crate::sim::{Duration, Time};

/// The BPDU, from its first byte (after the LLC or SNAP header).
mod field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const PROTOCOL_ID: Field = 0..2;
    pub const VERSION: usize = 2;
    pub const BPDU_TYPE: usize = 3;
    // A topology change notification ends here; configuration and RST BPDUs go on.
    pub const FLAGS: usize = 4;
    pub const ROOT_ID: Field = 5..13;
    pub const ROOT_PATH_COST: Field = 13..17;
    pub const BRIDGE_ID: Field = 17..25;
    pub const PORT_ID: Field = 25..27;
    /// The timers, in 1/256 s.
    pub const MESSAGE_AGE: Field = 27..29;
    pub const MAX_AGE: Field = 29..31;
    pub const HELLO_TIME: Field = 31..33;
    pub const FORWARD_DELAY: Field = 33..35;
    /// RST BPDUs only: the length of the (absent) version 1 information, 0.
    pub const VERSION_1_LENGTH: usize = 35;

    /// FLAGS bits. A configuration BPDU uses only the two topology change bits.
    pub const TOPOLOGY_CHANGE: u8 = 0x01;
    pub const PROPOSAL: u8 = 0x02;
    pub const PORT_ROLE: u8 = 0x0c;
    pub const PORT_ROLE_SHIFT: u32 = 2;
    pub const LEARNING: u8 = 0x10;
    pub const FORWARDING: u8 = 0x20;
    pub const AGREEMENT: u8 = 0x40;
    pub const TOPOLOGY_CHANGE_ACK: u8 = 0x80;
}

/// A bridge identifier (root or sender) inside the BPDU.
mod bridge_id_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    /// The configured priority plus the VLAN (the system id extension).
    pub const PRIORITY: Field = 0..2;
    pub const MAC: Field = 2..8;
}

/// The TLV that ends a Cisco PVST+ BPDU, naming the VLAN it was sent for.
mod pvst_tlv_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    /// 0: originating VLAN.
    pub const TYPE: Field = 0..2;
    /// Of the value only: 2.
    pub const LENGTH: Field = 2..4;
    pub const VLAN: Field = 4..6;
}

/// The LLC service access point of IEEE BPDUs.
pub const LLC_SAP: u8 = 0x42;
/// Cisco's SNAP protocol id for PVST+ BPDUs.
pub const PVST_PID: u16 = 0x010b;
pub const TCN_LEN: usize = field::BPDU_TYPE + 1;
pub const CONFIG_LEN: usize = field::FORWARD_DELAY.end;
pub const RST_LEN: usize = field::VERSION_1_LENGTH + 1;
const PVST_TLV_LEN: usize = pvst_tlv_field::VLAN.end;
const PVST_TLV_ORIGINATING_VLAN: u16 = 0;
/// Protocol versions and BPDU types.
const VERSION_STP: u8 = 0;
const VERSION_RSTP: u8 = 2;
const TYPE_CONFIG: u8 = 0x00;
const TYPE_RST: u8 = 0x02;
const TYPE_TCN: u8 = 0x80;
/// Port roles in the RST flags.
const ROLE_ALTERNATE_OR_BACKUP: u8 = 1;
const ROLE_ROOT: u8 = 2;
const ROLE_DESIGNATED: u8 = 3;

pub const IEEE_DST: Mac = Mac([0x01, 0x80, 0xc2, 0x00, 0x00, 0x00]);
pub const PVST_DST: Mac = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcd]);
pub const HELLO: Duration = Duration::from_secs(2);
pub const MAX_AGE: Duration = Duration::from_secs(20);
pub const FORWARD_DELAY: Duration = Duration::from_secs(15);
pub const DEFAULT_PRIORITY: u16 = 32768;

/// A bridge identifier: priority (with the VLAN as sys-id-ext) and MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BridgeId {
    pub priority: u16,
    pub mac: [u8; 6],
}

impl BridgeId {
    fn parse(bytes: &[u8]) -> Option<Self> {
        Some(BridgeId {
            priority: u16_at(bytes, bridge_id_field::PRIORITY)?,
            mac: mac_at(bytes, bridge_id_field::MAC)?.0,
        })
    }

    fn emit(&self, buf: &mut [u8]) {
        buf[bridge_id_field::PRIORITY].copy_from_slice(&self.priority.to_be_bytes());
        buf[bridge_id_field::MAC].copy_from_slice(&self.mac);
    }
}

/// What a BPDU says: the sender's best path to the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Vector {
    pub root: BridgeId,
    pub cost: u32,
    pub bridge: BridgeId,
    pub port: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Root,
    Designated,
    Alternate,
    Disabled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Blocking,
    Listening,
    Learning,
    Forwarding,
}

/// A parsed BPDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bpdu {
    pub rapid: bool,
    pub vector: Vector,
    pub message_age: u16,
    pub proposal: bool,
    pub agreement: bool,
    pub tc: bool,
    /// RST flags: the sender's port role is designated / root.
    pub sender_designated: bool,
}

impl Bpdu {
    /// The length of the BPDU body: RST BPDUs carry one byte more.
    pub fn buffer_len(&self) -> usize {
        if self.rapid {
            RST_LEN
        } else {
            CONFIG_LEN
        }
    }

    /// Write the body into `buf` (exactly `buffer_len()` long).
    pub fn emit(&self, buf: &mut [u8]) {
        let (version, kind) = if self.rapid { (VERSION_RSTP, TYPE_RST) } else { (VERSION_STP, TYPE_CONFIG) };
        buf[field::PROTOCOL_ID].copy_from_slice(&0u16.to_be_bytes());
        buf[field::VERSION] = version;
        buf[field::BPDU_TYPE] = kind;
        let mut flags = if self.tc { field::TOPOLOGY_CHANGE } else { 0 };
        if self.rapid {
            if self.proposal {
                flags |= field::PROPOSAL;
            }
            let role = if self.sender_designated { ROLE_DESIGNATED } else { ROLE_ROOT };
            flags |= role << field::PORT_ROLE_SHIFT;
            // Learning and forwarding, as the sender's state allows.
            flags |= field::LEARNING | field::FORWARDING;
            if self.agreement {
                flags |= field::AGREEMENT;
            }
        }
        buf[field::FLAGS] = flags;
        self.vector.root.emit(&mut buf[field::ROOT_ID]);
        buf[field::ROOT_PATH_COST].copy_from_slice(&self.vector.cost.to_be_bytes());
        self.vector.bridge.emit(&mut buf[field::BRIDGE_ID]);
        buf[field::PORT_ID].copy_from_slice(&self.vector.port.to_be_bytes());
        let timers = [
            (field::MESSAGE_AGE, u64::from(self.message_age)),
            (field::MAX_AGE, MAX_AGE.secs()),
            (field::HELLO_TIME, HELLO.secs()),
            (field::FORWARD_DELAY, FORWARD_DELAY.secs()),
        ];
        for (at, secs) in timers {
            buf[at].copy_from_slice(&((secs * 256) as u16).to_be_bytes());
        }
        if self.rapid {
            buf[field::VERSION_1_LENGTH] = 0;
        }
    }

    /// A configuration or RST BPDU body; `None` for anything else (a TCN, a
    /// truncated body, another protocol id).
    pub fn parse(body: &[u8]) -> Option<Self> {
        if body.len() < CONFIG_LEN || u16_at(body, field::PROTOCOL_ID)? != 0 {
            return None;
        }
        let version = *body.get(field::VERSION)?;
        let kind = *body.get(field::BPDU_TYPE)?;
        let rapid = version >= VERSION_RSTP && kind == TYPE_RST;
        if !rapid && kind != TYPE_CONFIG {
            return None; // a TCN or something else
        }
        let flags = *body.get(field::FLAGS)?;
        let vector = Vector {
            root: BridgeId::parse(body.get(field::ROOT_ID)?)?,
            cost: u32_at(body, field::ROOT_PATH_COST)?,
            bridge: BridgeId::parse(body.get(field::BRIDGE_ID)?)?,
            port: u16_at(body, field::PORT_ID)?,
        };
        let role = (flags & field::PORT_ROLE) >> field::PORT_ROLE_SHIFT;
        Some(Bpdu {
            rapid,
            vector,
            message_age: u16_at(body, field::MESSAGE_AGE)? / 256,
            proposal: rapid && flags & field::PROPOSAL != 0,
            agreement: rapid && flags & field::AGREEMENT != 0,
            tc: flags & field::TOPOLOGY_CHANGE != 0,
            sender_designated: rapid && role == ROLE_DESIGNATED,
        })
    }
}

/// The 802.1D/802.1w BPDU body (after LLC or SNAP).
pub fn encode(b: &Bpdu) -> Vec<u8> {
    let mut body = vec![0u8; b.buffer_len()];
    b.emit(&mut body);
    body
}

pub fn decode(body: &[u8]) -> Option<Bpdu> {
    Bpdu::parse(body)
}

/// An IEEE BPDU frame (802.3, LLC SAP 0x42, to [`IEEE_DST`]), as sent for
/// an access port's VLAN or a trunk's native VLAN.
pub fn ieee_frame(src: Mac, bpdu: &Bpdu) -> Vec<u8> {
    ethernet::llc_frame(IEEE_DST, src, LLC_SAP, &encode(bpdu))
}

/// A Cisco PVST+ BPDU frame (SNAP PID 0x010b, to [`PVST_DST`]) ending with
/// the TLV that names its VLAN. Untagged: a trunk tags it for every VLAN
/// but the native one.
pub fn pvst_frame(src: Mac, vlan: u16, bpdu: &Bpdu) -> Vec<u8> {
    let mut pdu = vec![0u8; bpdu.buffer_len() + PVST_TLV_LEN];
    let (body, tlv) = pdu.split_at_mut(bpdu.buffer_len());
    bpdu.emit(body);
    tlv[pvst_tlv_field::TYPE].copy_from_slice(&PVST_TLV_ORIGINATING_VLAN.to_be_bytes());
    tlv[pvst_tlv_field::LENGTH].copy_from_slice(&(pvst_tlv_field::VLAN.len() as u16).to_be_bytes());
    tlv[pvst_tlv_field::VLAN].copy_from_slice(&vlan.to_be_bytes());
    ethernet::cisco_snap_frame(PVST_DST, src, PVST_PID, &pdu)
}

/// A BPDU frame as received (untagged): IEEE, for the port's own VLAN, or
/// PVST+, naming the VLAN it was sent for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BpduFrame {
    Ieee(Bpdu),
    Pvst { vlan: Option<u16>, bpdu: Bpdu },
}

/// Read a BPDU frame built by [`ieee_frame`] or [`pvst_frame`] (802.1Q tag removed).
pub fn parse_frame(frame: &[u8]) -> Option<BpduFrame> {
    if let Some(body) = ethernet::llc_payload(frame, IEEE_DST, LLC_SAP) {
        return Some(BpduFrame::Ieee(decode(body)?));
    }
    let pdu = ethernet::cisco_snap_payload(frame, PVST_DST, PVST_PID)?;
    let bpdu = decode(pdu)?;
    let tlv = pdu.len().checked_sub(PVST_TLV_LEN).and_then(|at| pdu.get(at..))?;
    let vlan = (u16::from_be_bytes([tlv[pvst_tlv_field::TYPE.start], tlv[pvst_tlv_field::TYPE.start + 1]])
        == PVST_TLV_ORIGINATING_VLAN)
        .then(|| u16::from_be_bytes([tlv[pvst_tlv_field::VLAN.start], tlv[pvst_tlv_field::VLAN.start + 1]]));
    Some(BpduFrame::Pvst { vlan, bpdu })
}

/// Dissect an IEEE BPDU (the payload of LLC SAP 0x42).
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    dissect_bpdu(bytes, base, out, false)
}

/// Dissect a Cisco PVST+ BPDU (the payload of SNAP PID 0x010b): the BPDU,
/// then the TLV that names its VLAN.
pub fn dissect_pvst(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    dissect_bpdu(bytes, base, out, true)
}

fn dissect_bpdu(bytes: &[u8], base: usize, out: &mut Vec<Layer>, pvst: bool) -> Dissected {
    let mut layer = LayerBuilder::new(if pvst { "PVST+" } else { "STP" }, "STP", bytes, base);
    layer.u16("Protocol Identifier", field::PROTOCOL_ID, |id| match id {
        0 => "Spanning Tree Protocol (0x0000)".to_string(),
        id => format!("0x{id:04x}"),
    });
    layer.byte("Protocol Version", field::VERSION, |v| match v {
        VERSION_STP => "Spanning Tree (0)".to_string(),
        VERSION_RSTP => "Rapid Spanning Tree (2)".to_string(),
        3 => "Multiple Spanning Tree (3)".to_string(),
        v => v.to_string(),
    });
    let kind = layer.byte("BPDU Type", field::BPDU_TYPE, |t| match t {
        TYPE_CONFIG => "Configuration (0x00)".to_string(),
        TYPE_RST => "Rapid/Multiple Spanning Tree (0x02)".to_string(),
        TYPE_TCN => "Topology Change Notification (0x80)".to_string(),
        t => format!("0x{t:02x}"),
    });
    let rapid = kind == Some(TYPE_RST);
    let body_len = match kind {
        Some(TYPE_TCN) => {
            layer.rename(if pvst { "PVST+ (TCN)" } else { "STP (TCN)" });
            layer.info("Topology Change Notification");
            TCN_LEN
        }
        Some(TYPE_CONFIG | TYPE_RST) => {
            layer.rename(match (pvst, rapid) {
                (false, false) => "STP (802.1D)",
                (false, true) => "STP (Rapid)",
                (true, false) => "PVST+ (802.1D)",
                (true, true) => "PVST+ (Rapid)",
            });
            dissect_vector(&mut layer, rapid);
            if rapid {
                layer.byte("Version 1 Length", field::VERSION_1_LENGTH, |n| n.to_string());
                RST_LEN
            } else {
                CONFIG_LEN
            }
        }
        Some(_) => {
            layer.invalid("unknown BPDU type");
            TCN_LEN
        }
        None => TCN_LEN,
    };
    if pvst {
        let tlv = body_len..body_len + PVST_TLV_LEN;
        let vlan = layer.bytes().get(tlv.clone()).map(|t| {
            let kind = u16_at(t, pvst_tlv_field::TYPE);
            let len = u16_at(t, pvst_tlv_field::LENGTH).map(usize::from);
            (kind, len, u16_at(t, pvst_tlv_field::VLAN))
        });
        layer.field("Originating VLAN", tlv, |t| match vlan {
            Some((Some(PVST_TLV_ORIGINATING_VLAN), Some(2), Some(vlan))) => vlan.to_string(),
            _ => dissect::hex(t),
        });
        if matches!(vlan, Some((kind, len, _)) if kind != Some(PVST_TLV_ORIGINATING_VLAN) || len != Some(pvst_tlv_field::VLAN.len()))
        {
            layer.invalid("PVST+ BPDU without its originating VLAN");
        }
    }
    layer.finish(out)?;
    Ok(None)
}

/// The flags, the priority vector and the timers of a configuration or RST BPDU.
fn dissect_vector(layer: &mut LayerBuilder, rapid: bool) {
    let flags = layer.byte("BPDU Flags", field::FLAGS, |f| format!("0x{f:02x} ({})", flag_text(f, rapid)));
    let root = layer.field("Root Identifier", field::ROOT_ID, bridge_id_text);
    let cost = layer.u32("Root Path Cost", field::ROOT_PATH_COST, |c| c.to_string());
    layer.field("Bridge Identifier", field::BRIDGE_ID, bridge_id_text);
    let port = layer.u16("Port Identifier", field::PORT_ID, |p| format!("0x{p:04x}"));
    let seconds = |t: u16| format!("{} s", f64::from(t) / 256.0);
    layer.u16("Message Age", field::MESSAGE_AGE, seconds);
    layer.u16("Max Age", field::MAX_AGE, seconds);
    layer.u16("Hello Time", field::HELLO_TIME, seconds);
    layer.u16("Forward Delay", field::FORWARD_DELAY, seconds);
    if let (Some(flags), Some(root), Some(cost), Some(port)) = (flags, root, cost, port) {
        let kind = if rapid { "RST." } else { "Conf." };
        let tc = if flags & field::TOPOLOGY_CHANGE != 0 { " TC +" } else { "" };
        let root = BridgeId::parse(root)
            .map_or_else(String::new, |r| format!("{}/{}", r.priority, ethernet::cisco_format(Mac(r.mac))));
        layer.info(format!("{kind}{tc} Root = {root} Cost = {cost} Port = 0x{port:04x}"));
    }
}

/// `Proposal, Port Role: Designated, Learning, Forwarding`.
fn flag_text(flags: u8, rapid: bool) -> String {
    let bit = |b: u8| u32::from(b);
    if !rapid {
        return dissect::flag_names(
            u32::from(flags),
            &[
                (bit(field::TOPOLOGY_CHANGE), "Topology Change"),
                (bit(field::TOPOLOGY_CHANGE_ACK), "Topology Change Ack"),
            ],
        );
    }
    let role = match (flags & field::PORT_ROLE) >> field::PORT_ROLE_SHIFT {
        ROLE_ALTERNATE_OR_BACKUP => "Alternate or Backup",
        ROLE_ROOT => "Root",
        ROLE_DESIGNATED => "Designated",
        _ => "Unknown",
    };
    let named = [
        (bit(field::TOPOLOGY_CHANGE), "Topology Change"),
        (bit(field::PROPOSAL), "Proposal"),
        (bit(field::LEARNING), "Learning"),
        (bit(field::FORWARDING), "Forwarding"),
        (bit(field::AGREEMENT), "Agreement"),
        (bit(field::TOPOLOGY_CHANGE_ACK), "Topology Change Ack"),
    ];
    format!("Port Role: {role}, {}", dissect::flag_names(u32::from(flags), &named))
}

/// `32769/0011.2233.4455 (priority 32768, sys-id-ext 1)`.
fn bridge_id_text(bytes: &[u8]) -> String {
    match BridgeId::parse(bytes) {
        Some(id) => format!(
            "{}/{} (priority {}, sys-id-ext {})",
            id.priority,
            ethernet::cisco_format(Mac(id.mac)),
            id.priority & 0xf000,
            id.priority & 0x0fff
        ),
        None => dissect::hex(bytes),
    }
}

/// Short-mode path cost of a link speed.
pub fn port_cost(bits_per_sec: u64) -> u32 {
    match bits_per_sec {
        b if b >= 10_000_000_000 => 2,
        // Port-channels: Cisco prices bundles between the standard steps.
        b if b >= 2_000_000_000 => 3,
        b if b >= 1_000_000_000 => 4,
        b if b >= 200_000_000 => 12,
        b if b >= 100_000_000 => 19,
        _ => 100,
    }
}

/// One port in one VLAN's tree.
#[derive(Clone, Debug)]
pub struct PortInfo {
    pub role: Role,
    pub state: State,
    /// The best BPDU heard on the port, and when.
    pub heard: Option<(Vector, u16, Time)>,
    /// When the current state began (timers run from it).
    pub since: Time,
    pub cost: u32,
    pub id: u16,
    pub edge: bool,
    /// Rapid: the neighbour agreed to our proposal.
    pub agreed: bool,
    pub proposing: bool,
    /// Rapid: agree on the next BPDU sent out of this (root) port.
    pub send_agreement: bool,
}

/// One VLAN's spanning tree on one switch.
#[derive(Clone, Debug)]
pub struct Tree {
    pub vlan: u16,
    pub me: BridgeId,
    pub root: Vector,
    pub root_port: Option<usize>,
    pub ports: BTreeMap<usize, PortInfo>,
    pub rapid: bool,
}

/// A BPDU to send: out of which port, for which VLAN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub port: usize,
    pub vlan: u16,
    pub bpdu: Bpdu,
}

impl Tree {
    pub fn new(vlan: u16, priority: u16, mac: [u8; 6], rapid: bool) -> Self {
        let me = BridgeId { priority: priority.saturating_add(vlan), mac };
        Tree {
            vlan,
            me,
            root: Vector { root: me, cost: 0, bridge: me, port: 0 },
            root_port: None,
            ports: BTreeMap::new(),
            rapid,
        }
    }

    pub fn is_root(&self) -> bool {
        self.root.root == self.me
    }

    /// Add or refresh a port that is up and carries this VLAN.
    pub fn port_up(&mut self, now: Time, port: usize, cost: u32, edge: bool) {
        let id = 0x8000 | (port as u16 + 1);
        // A new port starts as designated: listening (802.1D), discarding and
        // proposing (rapid), or forwarding at once if it is an edge port.
        let state = if edge {
            State::Forwarding
        } else if self.rapid {
            State::Blocking
        } else {
            State::Listening
        };
        let entry = self.ports.entry(port).or_insert(PortInfo {
            role: Role::Designated,
            state,
            heard: None,
            since: now,
            cost,
            id,
            edge,
            agreed: false,
            proposing: false,
            send_agreement: false,
        });
        entry.cost = cost;
        entry.edge = edge;
    }

    pub fn port_down(&mut self, port: usize) {
        self.ports.remove(&port);
    }

    /// The vector this bridge would advertise out of a port.
    fn advertised(&self, port: &PortInfo) -> Vector {
        Vector { root: self.root.root, cost: self.root.cost, bridge: self.me, port: port.id }
    }

    /// Recompute the root and every port's role from what was heard.
    pub fn recompute(&mut self, now: Time) {
        let mut best = Vector { root: self.me, cost: 0, bridge: self.me, port: 0 };
        let mut root_port = None;
        for (&p, info) in &self.ports {
            if let Some((v, _, _)) = info.heard {
                let through = Vector { root: v.root, cost: v.cost + info.cost, bridge: v.bridge, port: v.port };
                let better = (through.root, through.cost, through.bridge, through.port, info.id)
                    < (
                        best.root,
                        best.cost,
                        best.bridge,
                        best.port,
                        root_port.map_or(u16::MAX, |r: usize| self.ports[&r].id),
                    );
                if through.root < self.me && better {
                    best = through;
                    root_port = Some(p);
                }
            }
        }
        self.root = best;
        self.root_port = root_port;
        let roles: Vec<(usize, Role)> = self
            .ports
            .iter()
            .map(|(&p, info)| {
                let role = if Some(p) == root_port {
                    Role::Root
                } else {
                    match info.heard {
                        Some((v, _, _)) if v < self.advertised(info) => Role::Alternate,
                        _ => Role::Designated,
                    }
                };
                (p, role)
            })
            .collect();
        for (p, role) in roles {
            let info = self.ports.get_mut(&p).expect("listed above");
            if info.role != role {
                info.role = role;
                info.since = now;
                info.agreed = false;
                info.proposing = false;
                match role {
                    Role::Alternate | Role::Disabled => info.state = State::Blocking,
                    // Rapid: a new root port forwards at once.
                    Role::Root if self.rapid => info.state = State::Forwarding,
                    _ => {
                        if info.state == State::Forwarding && role == Role::Designated {
                            // Stays forwarding.
                        } else if info.edge {
                            info.state = State::Forwarding;
                        } else {
                            info.state = if self.rapid { State::Blocking } else { State::Listening };
                        }
                    }
                }
            }
        }
    }

    /// A BPDU heard on a port. Returns true if the port is now in BPDU-guard trouble
    /// (an edge port heard a BPDU).
    pub fn receive(&mut self, now: Time, port: usize, bpdu: &Bpdu) {
        let Some(info) = self.ports.get_mut(&port) else { return };
        info.edge = false;
        let keep = match info.heard {
            None => true,
            Some((v, _, _)) => bpdu.vector <= v || (bpdu.vector.bridge == v.bridge && bpdu.vector.port == v.port),
        };
        if keep {
            info.heard = Some((bpdu.vector, bpdu.message_age, now));
        }
        let mine = self.advertised(&self.ports[&port]);
        if bpdu.agreement && self.ports[&port].role == Role::Designated {
            let info = self.ports.get_mut(&port).expect("exists");
            info.agreed = true;
            info.state = State::Forwarding;
            info.proposing = false;
        }
        self.recompute(now);
        // Rapid: a proposal answered by a port that will stay discarding
        // (alternate) agrees at once: it is already in sync.
        if self.rapid && bpdu.proposal && self.ports.get(&port).is_some_and(|i| i.role == Role::Alternate) {
            if let Some(info) = self.ports.get_mut(&port) {
                info.send_agreement = true;
            }
        }
        // Rapid: a proposal from a better bridge on our new root port: sync
        // (block our other designated non-edge ports) and agree.
        if self.rapid && bpdu.proposal && Some(port) == self.root_port && bpdu.vector < mine {
            for (&p, info) in self.ports.iter_mut() {
                if p != port && info.role == Role::Designated && !info.edge && !info.agreed {
                    info.state = State::Blocking;
                    info.since = now;
                }
            }
            if let Some(info) = self.ports.get_mut(&port) {
                info.state = State::Forwarding;
                info.send_agreement = true;
            }
        }
    }

    /// Age out stale information, run the timers, and produce the BPDUs to send.
    pub fn tick(&mut self, now: Time, hello_due: bool) -> Vec<Outgoing> {
        let mut expired = false;
        for info in self.ports.values_mut() {
            if let Some((_, age, at)) = info.heard {
                let life = MAX_AGE.nanos().saturating_sub(u64::from(age) * 1_000_000_000);
                // Rapid PVST+ ages out after three missed hellos.
                let life = if self.rapid { (3 * HELLO.nanos()).min(life) } else { life };
                if now.since(at).nanos() >= life {
                    info.heard = None;
                    expired = true;
                }
            }
        }
        if expired {
            self.recompute(now);
        }
        for info in self.ports.values_mut() {
            let elapsed = now.since(info.since);
            if info.role == Role::Designated || info.role == Role::Root {
                let next = match info.state {
                    State::Listening if elapsed >= FORWARD_DELAY => Some(State::Learning),
                    State::Learning if elapsed >= FORWARD_DELAY => Some(State::Forwarding),
                    // Rapid without agreement falls back to the timers.
                    State::Blocking if self.rapid && elapsed >= FORWARD_DELAY => Some(State::Learning),
                    _ => None,
                };
                if let Some(s) = next {
                    info.state = s;
                    info.since = now;
                }
            }
        }
        let mut out = Vec::new();
        let root_age = self.root_port.and_then(|p| self.ports[&p].heard).map_or(0, |(_, age, _)| age + 1);
        let (rapid, is_root, vlan) = (self.rapid, self.is_root(), self.vlan);
        let ports: Vec<usize> = self.ports.keys().copied().collect();
        for p in ports {
            let advertised = self.advertised(&self.ports[&p]);
            let info = self.ports.get_mut(&p).expect("listed");
            let send = match info.role {
                Role::Designated => hello_due || (rapid && info.state != State::Forwarding && !info.proposing),
                _ => info.send_agreement,
            };
            if !send {
                continue;
            }
            let proposal = rapid && info.role == Role::Designated && info.state != State::Forwarding && !info.edge;
            if proposal {
                info.proposing = true;
            }
            let agreement = std::mem::take(&mut info.send_agreement);
            let vector = if info.role == Role::Root { Vector { port: info.id, ..advertised } } else { advertised };
            out.push(Outgoing {
                port: p,
                vlan,
                bpdu: Bpdu {
                    rapid,
                    vector,
                    message_age: if is_root { 0 } else { root_age },
                    proposal,
                    agreement,
                    tc: false,
                    sender_designated: info.role == Role::Designated,
                },
            });
        }
        out
    }

    /// BPDUs that cannot wait for the next hello: agreements.
    pub fn urgent(&mut self) -> Vec<Outgoing> {
        let mut out = Vec::new();
        let (rapid, vlan, root, cost, me) = (self.rapid, self.vlan, self.root.root, self.root.cost, self.me);
        for (&p, info) in self.ports.iter_mut() {
            if std::mem::take(&mut info.send_agreement) {
                out.push(Outgoing {
                    port: p,
                    vlan,
                    bpdu: Bpdu {
                        rapid,
                        vector: Vector { root, cost, bridge: me, port: info.id },
                        message_age: 0,
                        proposal: false,
                        agreement: true,
                        tc: false,
                        sender_designated: false,
                    },
                });
            }
        }
        out
    }

    pub fn state(&self, port: usize) -> State {
        self.ports.get(&port).map_or(State::Blocking, |i| i.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bpdu_round_trip() {
        let me = BridgeId { priority: 32769, mac: [0, 1, 2, 3, 4, 5] };
        for rapid in [false, true] {
            let b = Bpdu {
                rapid,
                vector: Vector { root: me, cost: 19, bridge: me, port: 0x8001 },
                message_age: 1,
                proposal: rapid,
                agreement: false,
                tc: false,
                sender_designated: rapid,
            };
            let bytes = encode(&b);
            assert_eq!(bytes.len(), if rapid { 36 } else { 35 });
            assert_eq!(decode(&bytes), Some(b));
        }
        assert_eq!(decode(&[0u8; 10]), None);
    }

    #[test]
    fn the_tables_tile_each_kind_of_bpdu() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        let tcn = [("protocol", field::PROTOCOL_ID), ("version", one(field::VERSION)), ("type", one(field::BPDU_TYPE))];
        let config = [
            ("flags", one(field::FLAGS)),
            ("root", field::ROOT_ID),
            ("cost", field::ROOT_PATH_COST),
            ("bridge", field::BRIDGE_ID),
            ("port", field::PORT_ID),
            ("age", field::MESSAGE_AGE),
            ("max age", field::MAX_AGE),
            ("hello", field::HELLO_TIME),
            ("forward delay", field::FORWARD_DELAY),
        ];
        assert_contiguous(&tcn, TCN_LEN);
        assert_contiguous(&[&tcn[..], &config[..]].concat(), CONFIG_LEN);
        assert_contiguous(&[&tcn[..], &config[..], &[("v1 length", one(field::VERSION_1_LENGTH))]].concat(), RST_LEN);
        assert_eq!((TCN_LEN, CONFIG_LEN, RST_LEN), (4, 35, 36));
        let id = [("priority", bridge_id_field::PRIORITY), ("mac", bridge_id_field::MAC)];
        assert_contiguous(&id, field::ROOT_ID.len());
        assert_contiguous(&id, field::BRIDGE_ID.len());
        let tlv = [("type", pvst_tlv_field::TYPE), ("length", pvst_tlv_field::LENGTH), ("vlan", pvst_tlv_field::VLAN)];
        assert_contiguous(&tlv, PVST_TLV_LEN);
    }

    fn sample(rapid: bool) -> Bpdu {
        Bpdu {
            rapid,
            vector: Vector {
                root: BridgeId { priority: 32769, mac: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55] },
                cost: 19,
                bridge: BridgeId { priority: 32769, mac: [0x00, 0x66, 0x77, 0x88, 0x99, 0xaa] },
                port: 0x8002,
            },
            message_age: 1,
            proposal: rapid,
            agreement: false,
            tc: false,
            sender_designated: rapid,
        }
    }

    #[test]
    fn bpdus_on_the_wire() {
        // Protocol id, version, type, flags | root id | cost | bridge id | port | timers (1/256 s).
        let vector_and_timers = "8001001122334455 00000013 80010066778899aa 8002 0100 1400 0200 0f00";
        let config = format!("0000 00 00 00 {vector_and_timers}");
        let rst = format!("0000 02 02 3e {vector_and_timers} 00");
        assert_eq!(dissect::hex(&encode(&sample(false))), format!("0x{}", config.replace(' ', "")));
        assert_eq!(dissect::hex(&encode(&sample(true))), format!("0x{}", rst.replace(' ', "")));
        // Every flag combination survives a round trip.
        for bits in 0..32u8 {
            let b = Bpdu {
                rapid: bits & 1 != 0,
                proposal: bits & 3 == 3,
                agreement: bits & 5 == 5,
                tc: bits & 8 != 0,
                sender_designated: bits & 17 == 17,
                ..sample(false)
            };
            assert_eq!(Bpdu::parse(&encode(&b)), Some(b));
        }
        assert_eq!(Bpdu::parse(&[0, 0, 0, 0x80]), None, "a TCN carries no vector");
    }

    #[test]
    fn frames_as_the_bridge_sends_them() {
        let src = Mac([0x00, 0x66, 0x77, 0x88, 0x99, 0xab]);
        let body = encode(&sample(false));
        let mut ieee = IEEE_DST.0.to_vec();
        ieee.extend_from_slice(&src.0);
        ieee.extend_from_slice(&(3 + body.len() as u16).to_be_bytes());
        ieee.extend_from_slice(&[0x42, 0x42, 0x03]);
        ieee.extend_from_slice(&body);
        ieee.resize(ethernet::MIN_FRAME_LEN, 0);
        assert_eq!(ieee_frame(src, &sample(false)), ieee);

        let body = encode(&sample(true));
        let mut pvst = PVST_DST.0.to_vec();
        pvst.extend_from_slice(&src.0);
        pvst.extend_from_slice(&(8 + body.len() as u16 + 6).to_be_bytes());
        pvst.extend_from_slice(&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x01, 0x0b]);
        pvst.extend_from_slice(&body);
        pvst.extend_from_slice(&[0x00, 0x00, 0x00, 0x02, 0x00, 0x0a]);
        assert_eq!(pvst_frame(src, 10, &sample(true)), pvst);
    }

    #[test]
    fn dissect_ieee_pvst_and_tcn_bpdus() {
        use crate::proto::dissect::{dissect, summary, testing::*, LinkType, PADDING};
        use crate::proto::dot1q;
        let src = Mac([0x00, 0x66, 0x77, 0x88, 0x99, 0xab]);
        let f = ieee_frame(src, &sample(false));
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["IEEE 802.3 Ethernet", "Logical-Link Control", "STP (802.1D)", PADDING]);
        let stp = &layers[2];
        assert_eq!(stp.range, 17..52);
        assert_eq!(stp.field("Root Identifier"), Some("32769/0011.2233.4455 (priority 32768, sys-id-ext 1)"));
        assert_eq!(stp.field("Root Path Cost"), Some("19"));
        assert_eq!(stp.field("Port Identifier"), Some("0x8002"));
        assert_eq!(stp.field("Max Age"), Some("20 s"));
        assert_eq!(stp.field("BPDU Flags"), Some("0x00 (none)"));
        assert_eq!(summary(&f, LinkType::Ethernet), "STP Conf. Root = 32769/0011.2233.4455 Cost = 19 Port = 0x8002");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);

        let g = dot1q::tag(&pvst_frame(src, 10, &sample(true)), 10);
        let layers = dissect(&g, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "802.1Q", "Logical-Link Control", "PVST+ (Rapid)"]);
        let stp = &layers[3];
        assert_eq!(stp.range, 26..g.len());
        assert_eq!(stp.field("BPDU Flags"), Some("0x3e (Port Role: Designated, Proposal, Learning, Forwarding)"));
        assert_eq!(stp.field("Originating VLAN"), Some("10"));
        assert_eq!(layers[2].field("PID"), Some("PVST+ (0x010b)"));
        assert_eq!(summary(&g, LinkType::Ethernet), "STP RST. Root = 32769/0011.2233.4455 Cost = 19 Port = 0x8002");
        assert_every_truncation_dissects(&g, LinkType::Ethernet);

        let tcn = ethernet::llc_frame(IEEE_DST, src, LLC_SAP, &[0, 0, 0, TYPE_TCN]);
        let layers = dissect(&tcn, LinkType::Ethernet);
        assert_eq!(layer(&layers, "STP (TCN)").range, 17..21);
        assert_eq!(summary(&tcn, LinkType::Ethernet), "STP Topology Change Notification");
        assert_every_truncation_dissects(&tcn, LinkType::Ethernet);
    }

    #[test]
    fn costs_and_ordering() {
        assert_eq!((port_cost(100_000_000), port_cost(1_000_000_000), port_cost(10_000_000)), (19, 4, 100));
        let low = BridgeId { priority: 4097, mac: [0xff; 6] };
        let high = BridgeId { priority: 32769, mac: [0; 6] };
        assert!(low < high, "priority first, then MAC");
    }
}
