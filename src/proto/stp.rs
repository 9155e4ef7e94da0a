//! Spanning tree, per VLAN: PVST+ (IEEE 802.1D timers: 2 s hello, 20 s max
//! age, 15 s forward delay) and Rapid PVST+ (802.1w roles with
//! proposal/agreement). BPDUs are real frames: IEEE (LLC 42-42-03 to
//! 01:80:c2:00:00:00) and Cisco SSTP (SNAP to 01:00:0c:cc:cc:cd). Root
//! election by priority, sys-id-ext and MAC; short-mode path costs.

use std::collections::BTreeMap;

use super::Mac;
use crate::sim::{Duration, Time};

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
    fn bytes(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[..2].copy_from_slice(&self.priority.to_be_bytes());
        b[2..].copy_from_slice(&self.mac);
        b
    }
    fn from_bytes(b: &[u8]) -> Self {
        BridgeId { priority: u16::from_be_bytes([b[0], b[1]]), mac: [b[2], b[3], b[4], b[5], b[6], b[7]] }
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

/// The 802.1D/802.1w BPDU body (after LLC or SNAP).
pub fn encode(b: &Bpdu) -> Vec<u8> {
    let mut v = Vec::with_capacity(36);
    v.extend_from_slice(&[0, 0]);
    v.push(if b.rapid { 2 } else { 0 });
    v.push(if b.rapid { 2 } else { 0 });
    let mut flags = u8::from(b.tc);
    if b.rapid {
        if b.proposal {
            flags |= 0x02;
        }
        // Port role: 3 designated, 2 root.
        flags |= if b.sender_designated { 0x0c } else { 0x08 };
        flags |= 0x10 | 0x20; // learning, forwarding (as the sender's state allows)
        if b.agreement {
            flags |= 0x40;
        }
    }
    v.push(flags);
    v.extend_from_slice(&b.vector.root.bytes());
    v.extend_from_slice(&b.vector.cost.to_be_bytes());
    v.extend_from_slice(&b.vector.bridge.bytes());
    v.extend_from_slice(&b.vector.port.to_be_bytes());
    for secs in [u32::from(b.message_age), 20, 2, 15] {
        v.extend_from_slice(&((secs * 256) as u16).to_be_bytes());
    }
    if b.rapid {
        v.push(0);
    }
    v
}

pub fn decode(body: &[u8]) -> Option<Bpdu> {
    if body.len() < 35 || body[0] != 0 || body[1] != 0 {
        return None;
    }
    let rapid = body[2] >= 2 && body[3] == 2;
    if !rapid && body[3] != 0 {
        return None; // a TCN or something else
    }
    let flags = body[4];
    let vector = Vector {
        root: BridgeId::from_bytes(&body[5..13]),
        cost: u32::from_be_bytes([body[13], body[14], body[15], body[16]]),
        bridge: BridgeId::from_bytes(&body[17..25]),
        port: u16::from_be_bytes([body[25], body[26]]),
    };
    Some(Bpdu {
        rapid,
        vector,
        message_age: u16::from_be_bytes([body[27], body[28]]) / 256,
        proposal: rapid && flags & 0x02 != 0,
        agreement: rapid && flags & 0x40 != 0,
        tc: flags & 0x01 != 0,
        sender_designated: rapid && (flags >> 2) & 3 == 3,
    })
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
    fn costs_and_ordering() {
        assert_eq!((port_cost(100_000_000), port_cost(1_000_000_000), port_cost(10_000_000)), (19, 4, 100));
        let low = BridgeId { priority: 4097, mac: [0xff; 6] };
        let high = BridgeId { priority: 32769, mac: [0; 6] };
        assert!(low < high, "priority first, then MAC");
    }
}
