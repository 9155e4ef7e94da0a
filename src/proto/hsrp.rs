//! The Hot Standby Router Protocol, versions 1 (RFC 2281) and 2, as IOS runs
//! it: hellos over UDP 1985 to 224.0.0.2 (v1) or 224.0.0.102 (v2), one group's
//! routers electing an active and a standby by priority and address, the
//! active answering for the virtual IP with the virtual MAC
//! (`0000.0c07.acXX`, v2 `0000.0c9f.fXXX`), and the standby taking over when
//! the active's hellos stop for the hold time.
//!
//! A [`Group`] is one group on one interface. It is told when its interface
//! comes up or goes down, given hellos with the time, and leaves the hellos
//! it sends in [`Group::out`] and its state changes in [`Group::changes`].

use std::net::Ipv4Addr;

use super::dissect::{self, ipv4_at, u16_at, u32_at, Dissected, Layer, LayerBuilder};
use super::Mac;
use crate::sim::{Duration, Time};

pub const PORT: u16 = 1985;
pub const V1_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
pub const V2_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 102);
pub const DEFAULT_PRIORITY: u8 = 100;
pub const HELLO_SECS: u32 = 3;
pub const HOLD_SECS: u32 = 10;
/// IOS's default authentication string, sent in clear.
const DEFAULT_AUTH: &[u8; 8] = b"cisco\0\0\0";

/// A version-1 hello (20 bytes after the UDP header).
mod v1_field {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const OPCODE: usize = 1;
    pub const STATE: usize = 2;
    pub const HELLO_TIME: usize = 3;
    pub const HOLD_TIME: usize = 4;
    pub const PRIORITY: usize = 5;
    pub const GROUP: usize = 6;
    pub const RESERVED: usize = 7;
    pub const AUTH: Range<usize> = 8..16;
    pub const VIRTUAL_IP: Range<usize> = 16..20;
    pub const LEN: usize = 20;
}

/// A version-2 packet: a group-state TLV, then a text-authentication TLV.
mod v2_field {
    use core::ops::Range;
    pub const TLV_TYPE: usize = 0;
    pub const TLV_LENGTH: usize = 1;
    pub const VERSION: usize = 2;
    pub const OPCODE: usize = 3;
    pub const STATE: usize = 4;
    pub const IP_VERSION: usize = 5;
    pub const GROUP: Range<usize> = 6..8;
    pub const IDENTIFIER: Range<usize> = 8..14;
    pub const PRIORITY: Range<usize> = 14..18;
    pub const HELLO_TIME: Range<usize> = 18..22;
    pub const HOLD_TIME: Range<usize> = 22..26;
    pub const VIRTUAL_IP: Range<usize> = 26..42;
    /// The text-authentication TLV follows: type 3, length 8, the string.
    pub const AUTH_TYPE: usize = 42;
    pub const AUTH_LENGTH: usize = 43;
    pub const AUTH: Range<usize> = 44..52;
    pub const LEN: usize = 52;
    pub const GROUP_STATE_TLV: u8 = 1;
    pub const GROUP_STATE_LEN: u8 = 40;
    pub const TEXT_AUTH_TLV: u8 = 3;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Init,
    Learn,
    Listen,
    Speak,
    Standby,
    Active,
}

impl State {
    /// As `show standby` and `%HSRP-5-STATECHANGE` print it.
    pub fn word(self) -> &'static str {
        match self {
            State::Init => "Init",
            State::Learn => "Learn",
            State::Listen => "Listen",
            State::Speak => "Speak",
            State::Standby => "Standby",
            State::Active => "Active",
        }
    }

    fn v1_code(self) -> u8 {
        match self {
            State::Init => 0,
            State::Learn => 1,
            State::Listen => 2,
            State::Speak => 4,
            State::Standby => 8,
            State::Active => 16,
        }
    }

    fn v2_code(self) -> u8 {
        match self {
            State::Init => 1,
            State::Learn => 2,
            State::Listen => 3,
            State::Speak => 4,
            State::Standby => 5,
            State::Active => 6,
        }
    }

    fn from_v1(c: u8) -> Option<State> {
        [State::Init, State::Learn, State::Listen, State::Speak, State::Standby, State::Active]
            .into_iter()
            .find(|s| s.v1_code() == c)
    }

    fn from_v2(c: u8) -> Option<State> {
        [State::Init, State::Learn, State::Listen, State::Speak, State::Standby, State::Active]
            .into_iter()
            .find(|s| s.v2_code() == c)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpCode {
    Hello,
    Coup,
    Resign,
}

/// What a hello says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello {
    pub version: u8,
    pub opcode: OpCode,
    pub state: State,
    pub hello_secs: u32,
    pub hold_secs: u32,
    pub priority: u8,
    pub group: u16,
    pub virtual_ip: Ipv4Addr,
    /// v2's identifier: the sender's interface MAC.
    pub identifier: Mac,
}

impl Hello {
    /// The UDP payload.
    pub fn emit(&self) -> Vec<u8> {
        let op = match self.opcode {
            OpCode::Hello => 0,
            OpCode::Coup => 1,
            OpCode::Resign => 2,
        };
        if self.version == 2 {
            let mut b = vec![0u8; v2_field::LEN];
            b[v2_field::TLV_TYPE] = v2_field::GROUP_STATE_TLV;
            b[v2_field::TLV_LENGTH] = v2_field::GROUP_STATE_LEN;
            b[v2_field::VERSION] = 2;
            b[v2_field::OPCODE] = op;
            b[v2_field::STATE] = self.state.v2_code();
            b[v2_field::IP_VERSION] = 4;
            b[v2_field::GROUP].copy_from_slice(&self.group.to_be_bytes());
            b[v2_field::IDENTIFIER].copy_from_slice(&self.identifier.0);
            b[v2_field::PRIORITY].copy_from_slice(&u32::from(self.priority).to_be_bytes());
            b[v2_field::HELLO_TIME].copy_from_slice(&(self.hello_secs * 1000).to_be_bytes());
            b[v2_field::HOLD_TIME].copy_from_slice(&(self.hold_secs * 1000).to_be_bytes());
            b[v2_field::VIRTUAL_IP.start..v2_field::VIRTUAL_IP.start + 4].copy_from_slice(&self.virtual_ip.octets());
            b[v2_field::AUTH_TYPE] = v2_field::TEXT_AUTH_TLV;
            b[v2_field::AUTH_LENGTH] = 8;
            b[v2_field::AUTH].copy_from_slice(DEFAULT_AUTH);
            b
        } else {
            let mut b = vec![0u8; v1_field::LEN];
            b[v1_field::VERSION] = 0;
            b[v1_field::OPCODE] = op;
            b[v1_field::STATE] = self.state.v1_code();
            b[v1_field::HELLO_TIME] = self.hello_secs.min(255) as u8;
            b[v1_field::HOLD_TIME] = self.hold_secs.min(255) as u8;
            b[v1_field::PRIORITY] = self.priority;
            b[v1_field::GROUP] = self.group.min(255) as u8;
            b[v1_field::RESERVED] = 0;
            b[v1_field::AUTH].copy_from_slice(DEFAULT_AUTH);
            b[v1_field::VIRTUAL_IP].copy_from_slice(&self.virtual_ip.octets());
            b
        }
    }

    /// Parse a UDP payload sent to port 1985.
    pub fn parse(b: &[u8]) -> Option<Hello> {
        let opcode = |c: u8| match c {
            0 => Some(OpCode::Hello),
            1 => Some(OpCode::Coup),
            2 => Some(OpCode::Resign),
            _ => None,
        };
        if b.first() == Some(&v2_field::GROUP_STATE_TLV) && b.get(v2_field::VERSION) == Some(&2) {
            Some(Hello {
                version: 2,
                opcode: opcode(*b.get(v2_field::OPCODE)?)?,
                state: State::from_v2(*b.get(v2_field::STATE)?)?,
                hello_secs: u32_at(b, v2_field::HELLO_TIME)? / 1000,
                hold_secs: u32_at(b, v2_field::HOLD_TIME)? / 1000,
                priority: u32_at(b, v2_field::PRIORITY)?.min(255) as u8,
                group: u16_at(b, v2_field::GROUP)?,
                virtual_ip: ipv4_at(b, v2_field::VIRTUAL_IP.start..v2_field::VIRTUAL_IP.start + 4)?,
                identifier: dissect::mac_at(b, v2_field::IDENTIFIER)?,
            })
        } else if b.len() >= v1_field::LEN && b[v1_field::VERSION] == 0 {
            Some(Hello {
                version: 1,
                opcode: opcode(b[v1_field::OPCODE])?,
                state: State::from_v1(b[v1_field::STATE])?,
                hello_secs: u32::from(b[v1_field::HELLO_TIME]),
                hold_secs: u32::from(b[v1_field::HOLD_TIME]),
                priority: b[v1_field::PRIORITY],
                group: u16::from(b[v1_field::GROUP]),
                virtual_ip: ipv4_at(b, v1_field::VIRTUAL_IP)?,
                identifier: Mac([0; 6]),
            })
        } else {
            None
        }
    }
}

/// The virtual MAC address of a group.
pub fn virtual_mac(version: u8, group: u16) -> Mac {
    if version == 2 {
        let [hi, lo] = group.to_be_bytes();
        Mac([0x00, 0x00, 0x0c, 0x9f, 0xf0 | (hi & 0x0f), lo])
    } else {
        Mac([0x00, 0x00, 0x0c, 0x07, 0xac, group as u8])
    }
}

/// A group's settings (`standby N ip|priority|preempt|timers`, `standby version 2`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupConfig {
    pub group: u16,
    pub version: u8,
    pub virtual_ip: Option<Ipv4Addr>,
    pub priority: Option<u8>,
    pub preempt: bool,
    pub hello_secs: u32,
    pub hold_secs: u32,
    /// `standby N timers` was given (else the active router's are learned).
    pub timers_configured: bool,
}

impl GroupConfig {
    pub fn new(group: u16) -> Self {
        GroupConfig {
            group,
            version: 1,
            virtual_ip: None,
            priority: None,
            preempt: false,
            hello_secs: HELLO_SECS,
            hold_secs: HOLD_SECS,
            timers_configured: false,
        }
    }

    pub fn priority(&self) -> u8 {
        self.priority.unwrap_or(DEFAULT_PRIORITY)
    }
}

/// Another router of the group, as last heard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    pub addr: Ipv4Addr,
    pub priority: u8,
    pub expires: Time,
}

/// One group on one interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub config: GroupConfig,
    pub state: State,
    /// This router's address on the interface.
    pub my_ip: Ipv4Addr,
    pub active: Option<Peer>,
    pub standby: Option<Peer>,
    /// The virtual IP in use: configured, or learned from the active router.
    pub virtual_ip: Option<Ipv4Addr>,
    pub next_hello: Option<Time>,
    /// When Listen or Speak ends if nothing else happens.
    phase_ends: Option<Time>,
    pub state_changes: u32,
    pub last_change: Time,
    /// Hellos to send (the owner adds addresses and MACs).
    pub out: Vec<Hello>,
    /// State changes, oldest first.
    pub changes: Vec<(State, State)>,
    /// The active router's timers, used while none are configured here (RFC 2281, 5.3).
    pub learned_timers: Option<(u32, u32)>,
    /// The active router's virtual IP when it differs from ours (`%HSRP-4-DIFFVIP1`, said once).
    pub different_vip: Option<Ipv4Addr>,
    /// Virtual IPs the owner should warn about, oldest first: (the active's, ours).
    pub vip_conflicts: Vec<(Ipv4Addr, Ipv4Addr)>,
}

/// Does (priority, address) `a` win over `b`?
fn beats(a: (u8, Ipv4Addr), b: (u8, Ipv4Addr)) -> bool {
    (a.0, u32::from(a.1)) > (b.0, u32::from(b.1))
}

impl Group {
    pub fn new(config: GroupConfig, now: Time) -> Self {
        Group {
            virtual_ip: config.virtual_ip,
            config,
            state: State::Init,
            my_ip: Ipv4Addr::UNSPECIFIED,
            active: None,
            standby: None,
            next_hello: None,
            phase_ends: None,
            state_changes: 0,
            last_change: now,
            out: Vec::new(),
            changes: Vec::new(),
            learned_timers: None,
            different_vip: None,
            vip_conflicts: Vec::new(),
        }
    }

    /// The hello and hold times in use: configured, else learned from the active router, else the defaults.
    pub fn timers(&self) -> (u32, u32) {
        match (self.config.timers_configured, self.learned_timers) {
            (false, Some(learned)) => learned,
            _ => (self.config.hello_secs, self.config.hold_secs),
        }
    }

    fn hold(&self) -> Duration {
        Duration::from_secs(u64::from(self.timers().1))
    }

    fn me(&self) -> (u8, Ipv4Addr) {
        (self.config.priority(), self.my_ip)
    }

    fn go(&mut self, now: Time, to: State) {
        if self.state == to {
            return;
        }
        self.changes.push((self.state, to));
        self.state = to;
        self.state_changes += 1;
        self.last_change = now;
        self.phase_ends = match to {
            State::Listen | State::Speak => Some(now + self.hold()),
            _ => None,
        };
        if to == State::Active {
            self.active = None;
        }
        if to == State::Standby {
            self.standby = None;
        }
    }

    fn hello(&self, opcode: OpCode, identifier: Mac) -> Hello {
        Hello {
            version: self.config.version,
            opcode,
            state: self.state,
            hello_secs: self.timers().0,
            hold_secs: self.timers().1,
            priority: self.config.priority(),
            group: self.config.group,
            virtual_ip: self.virtual_ip.unwrap_or(Ipv4Addr::UNSPECIFIED),
            identifier,
        }
    }

    fn send(&mut self, opcode: OpCode) {
        let h = self.hello(opcode, Mac([0; 6]));
        self.out.push(h);
    }

    /// The interface came up with this address.
    pub fn up(&mut self, now: Time, my_ip: Ipv4Addr) {
        self.my_ip = my_ip;
        if self.state == State::Init {
            let next = if self.virtual_ip.is_some() { State::Listen } else { State::Learn };
            self.go(now, next);
        }
        self.next_hello.get_or_insert(now);
    }

    /// The interface went down (or lost its address).
    pub fn down(&mut self, now: Time) {
        self.go(now, State::Init);
        self.active = None;
        self.standby = None;
        self.next_hello = None;
        self.virtual_ip = self.config.virtual_ip;
    }

    /// A new configuration (priority, preempt, virtual IP); a lower priority
    /// while active gives the role up.
    pub fn reconfigure(&mut self, now: Time, config: GroupConfig) {
        let lowered = config.priority() < self.config.priority();
        self.config = config;
        if let Some(vip) = self.config.virtual_ip {
            self.virtual_ip = Some(vip);
            if self.state == State::Learn {
                self.go(now, State::Listen);
            }
        }
        if lowered && self.state == State::Active {
            if let Some(s) = self.standby.filter(|s| beats((s.priority, s.addr), self.me())) {
                let _ = s;
                self.send(OpCode::Resign);
                self.go(now, State::Speak);
            }
        }
    }

    /// A hello from another router of the group.
    pub fn receive(&mut self, now: Time, from: Ipv4Addr, h: &Hello) {
        if self.state == State::Init || from == self.my_ip {
            return;
        }
        let them = (h.priority, from);
        let expires = now + Duration::from_secs(u64::from(h.hold_secs.max(1)));
        let peer = Peer { addr: from, priority: h.priority, expires };
        if self.virtual_ip.is_none() && h.state == State::Active && !h.virtual_ip.is_unspecified() {
            self.virtual_ip = Some(h.virtual_ip);
            if self.state == State::Learn {
                self.go(now, State::Listen);
            }
        }
        if h.state == State::Active && h.opcode == OpCode::Hello {
            self.learned_timers = Some((h.hello_secs.max(1), h.hold_secs.max(1)));
            let ours = self.config.virtual_ip.filter(|v| *v != h.virtual_ip && !h.virtual_ip.is_unspecified());
            match ours {
                Some(v) if self.different_vip != Some(h.virtual_ip) => {
                    self.different_vip = Some(h.virtual_ip);
                    self.vip_conflicts.push((h.virtual_ip, v));
                }
                Some(_) => {}
                None => self.different_vip = None,
            }
        }
        match (h.opcode, h.state) {
            (OpCode::Resign, _) => {
                if self.active.is_some_and(|a| a.addr == from) {
                    self.active = None;
                }
                if self.state == State::Standby {
                    self.become_active(now);
                }
            }
            (OpCode::Coup, _) => {
                if self.state == State::Active && beats(them, self.me()) {
                    self.go(now, State::Speak);
                    self.send(OpCode::Resign);
                }
            }
            (OpCode::Hello, State::Active) => {
                if self.state == State::Active {
                    // Two actives: the weaker yields.
                    if beats(them, self.me()) {
                        self.go(now, State::Speak);
                        self.active = Some(peer);
                    } else {
                        self.send(OpCode::Hello);
                    }
                    return;
                }
                self.active = Some(peer);
                if self.standby.is_some_and(|s| s.addr == from) {
                    self.standby = None;
                }
                // Pre-emption: a configured stronger router takes over with a coup.
                if self.config.preempt && beats(self.me(), them) && self.state >= State::Listen {
                    self.become_active(now);
                    self.send(OpCode::Coup);
                }
            }
            (OpCode::Hello, State::Standby) => {
                self.standby = Some(peer);
                if self.active.is_some_and(|a| a.addr == from) {
                    self.active = None;
                }
                match self.state {
                    State::Standby if beats(them, self.me()) => {
                        self.go(now, State::Listen);
                    }
                    State::Listen if beats(self.me(), them) => self.go(now, State::Speak),
                    _ => {}
                }
            }
            (OpCode::Hello, State::Speak) => {
                if matches!(self.state, State::Speak | State::Standby) && beats(them, self.me()) {
                    if self.state == State::Standby {
                        self.standby = Some(peer);
                    }
                    self.go(now, State::Listen);
                }
            }
            _ => {}
        }
    }

    fn become_active(&mut self, now: Time) {
        self.go(now, State::Active);
        self.send(OpCode::Hello);
    }

    /// When the group next needs time.
    pub fn poll_at(&self) -> Option<Time> {
        let mut at =
            [self.next_hello, self.phase_ends, self.active.map(|a| a.expires), self.standby.map(|s| s.expires)]
                .into_iter()
                .flatten()
                .min();
        if self.state == State::Init {
            at = None;
        }
        at
    }

    pub fn poll(&mut self, now: Time) {
        if self.state == State::Init {
            return;
        }
        // Peers not heard for their hold time are gone.
        if self.active.is_some_and(|a| a.expires <= now) {
            self.active = None;
            if self.state == State::Standby {
                self.become_active(now);
            } else if self.state == State::Listen {
                self.go(now, State::Speak);
            }
        }
        if self.standby.is_some_and(|s| s.expires <= now) {
            self.standby = None;
            if self.state == State::Listen {
                self.go(now, State::Speak);
            }
        }
        if self.phase_ends.is_some_and(|t| t <= now) {
            match self.state {
                State::Listen if self.active.is_none() || self.standby.is_none() => self.go(now, State::Speak),
                State::Listen => self.phase_ends = Some(now + self.hold()),
                State::Speak => {
                    self.go(now, State::Standby);
                    if self.active.is_none() {
                        self.become_active(now);
                    }
                }
                _ => self.phase_ends = None,
            }
        }
        // Listen sends nothing; Speak, Standby and Active say hello.
        if self.next_hello.is_some_and(|t| t <= now) {
            if matches!(self.state, State::Speak | State::Standby | State::Active) {
                self.send(OpCode::Hello);
            }
            self.next_hello = Some(now + Duration::from_secs(u64::from(self.timers().0)));
        }
    }
}

/// Dissect an HSRP packet (the payload of UDP port 1985).
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let v2 = bytes.first() == Some(&v2_field::GROUP_STATE_TLV) && bytes.get(v2_field::VERSION) == Some(&2);
    let mut layer = LayerBuilder::new("Cisco Hot Standby Router Protocol", "HSRP", bytes, base);
    let parsed = Hello::parse(bytes);
    if v2 {
        layer.rename("Cisco Hot Standby Router Protocol Version 2");
        layer.byte("Type", v2_field::TLV_TYPE, |t| format!("Group State TLV ({t})"));
        layer.byte("Length", v2_field::TLV_LENGTH, |l| l.to_string());
        layer.byte("Version", v2_field::VERSION, |v| v.to_string());
        layer.byte("Op Code", v2_field::OPCODE, |o| o.to_string());
        layer.byte("State", v2_field::STATE, |s| State::from_v2(s).map_or(s.to_string(), |s| s.word().into()));
        layer.byte("IP Version", v2_field::IP_VERSION, |v| v.to_string());
        layer.u16("Group", v2_field::GROUP, |g| g.to_string());
        layer.field("Identifier", v2_field::IDENTIFIER, dissect::mac);
        layer.u32("Priority", v2_field::PRIORITY, |p| p.to_string());
        layer.u32("Hellotime", v2_field::HELLO_TIME, |t| format!("{t} ms"));
        layer.u32("Holdtime", v2_field::HOLD_TIME, |t| format!("{t} ms"));
        layer.field("Virtual IP Address", v2_field::VIRTUAL_IP.start..v2_field::VIRTUAL_IP.start + 4, dissect::ipv4);
        layer.field("Authentication", v2_field::AUTH, dissect::text);
    } else {
        layer.byte("Version", v1_field::VERSION, |v| v.to_string());
        layer.byte("Op Code", v1_field::OPCODE, |o| o.to_string());
        layer.byte("State", v1_field::STATE, |s| State::from_v1(s).map_or(s.to_string(), |s| s.word().into()));
        layer.byte("Hellotime", v1_field::HELLO_TIME, |t| format!("{t} s"));
        layer.byte("Holdtime", v1_field::HOLD_TIME, |t| format!("{t} s"));
        layer.byte("Priority", v1_field::PRIORITY, |p| p.to_string());
        layer.byte("Group", v1_field::GROUP, |g| g.to_string());
        layer.field("Authentication Data", v1_field::AUTH, dissect::text);
        layer.field("Virtual IP Address", v1_field::VIRTUAL_IP, dissect::ipv4);
    }
    match parsed {
        Some(h) => layer.info(format!(
            "{} group {} {}",
            if h.opcode == OpCode::Hello {
                "Hello"
            } else if h.opcode == OpCode::Coup {
                "Coup"
            } else {
                "Resign"
            },
            h.group,
            h.state.word()
        )),
        None => layer.invalid("not an HSRP packet"),
    }
    layer.finish(out)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello(version: u8) -> Hello {
        Hello {
            version,
            opcode: OpCode::Hello,
            state: State::Active,
            hello_secs: 3,
            hold_secs: 10,
            priority: 150,
            group: 1,
            virtual_ip: Ipv4Addr::new(192, 168, 1, 254),
            identifier: if version == 2 { Mac([0, 0xd0, 0x97, 1, 2, 3]) } else { Mac([0; 6]) },
        }
    }

    #[test]
    fn both_versions_round_trip_and_dissect() {
        for v in [1, 2] {
            let h = hello(v);
            let b = h.emit();
            assert_eq!(Hello::parse(&b), Some(h));
            for n in 0..b.len() {
                let _ = Hello::parse(&b[..n]);
                let _ = dissect(&b[..n], 0, &mut Vec::new());
            }
            let mut layers = Vec::new();
            dissect(&b, 0, &mut layers).unwrap();
            assert_eq!(layers[0].field("Virtual IP Address"), Some("192.168.1.254"));
        }
        assert_eq!(virtual_mac(1, 1).0, [0, 0, 0x0c, 0x07, 0xac, 0x01]);
        assert_eq!(virtual_mac(2, 50).0, [0, 0, 0x0c, 0x9f, 0xf0, 0x32]);
    }

    /// Two routers: Listen and Speak for the hold time each, then the
    /// stronger is active and the other standby; the standby takes over when
    /// the active's hellos stop.
    #[test]
    fn election_and_failover() {
        let vip = Ipv4Addr::new(10, 0, 0, 254);
        let cfg = |prio| GroupConfig { virtual_ip: Some(vip), priority: Some(prio), ..GroupConfig::new(1) };
        let t0 = Time::ZERO;
        let mut a = Group::new(cfg(150), t0);
        let mut b = Group::new(cfg(100), t0);
        a.up(t0, Ipv4Addr::new(10, 0, 0, 1));
        b.up(t0, Ipv4Addr::new(10, 0, 0, 2));
        let (ip_a, ip_b) = (a.my_ip, b.my_ip);
        let mut a_alive = true;
        for _ in 0..2000 {
            let now = [a.poll_at().filter(|_| a_alive), b.poll_at()].into_iter().flatten().min().unwrap();
            if a_alive && a.poll_at().is_some_and(|t| t <= now) {
                a.poll(now);
            }
            if b.poll_at().is_some_and(|t| t <= now) {
                b.poll(now);
            }
            for h in std::mem::take(&mut a.out) {
                if a_alive {
                    b.receive(now, ip_a, &h);
                }
            }
            for h in std::mem::take(&mut b.out) {
                if a_alive {
                    a.receive(now, ip_b, &h);
                }
            }
            if now.since(Time::ZERO).secs() >= 60 && a_alive {
                assert_eq!((a.state, b.state), (State::Active, State::Standby));
                a_alive = false;
            }
            if now.since(Time::ZERO).secs() >= 80 {
                break;
            }
        }
        assert_eq!(b.state, State::Active, "took over after the hold time");
        assert!(b.changes.contains(&(State::Standby, State::Active)));
    }
}
