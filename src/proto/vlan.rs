//! VLAN ids and sets of them as IOS writes them (`10,20,99`, `1-4094`,
//! `1,3-5`), and the per-port switching configuration a switch keeps.

use crate::proto::Mac;

/// A set of VLAN ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VlanSet {
    bits: Vec<u64>,
}

impl VlanSet {
    pub fn none() -> Self {
        VlanSet { bits: vec![0; 64] }
    }

    pub fn all() -> Self {
        let mut s = Self::none();
        for v in 1..=4094 {
            s.insert(v);
        }
        s
    }

    pub fn insert(&mut self, v: u16) {
        if v < 4096 {
            self.bits[usize::from(v) / 64] |= 1 << (v % 64);
        }
    }

    pub fn remove(&mut self, v: u16) {
        if v < 4096 {
            self.bits[usize::from(v) / 64] &= !(1 << (v % 64));
        }
    }

    pub fn contains(&self, v: u16) -> bool {
        v < 4096 && self.bits[usize::from(v) / 64] & (1 << (v % 64)) != 0
    }

    pub fn is_all(&self) -> bool {
        (1..=4094).all(|v| self.contains(v))
    }

    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (1..=4094).filter(|&v| self.contains(v))
    }

    /// `10,20,30-40`; `None` for an invalid list.
    pub fn parse(text: &str) -> Option<VlanSet> {
        let mut s = VlanSet::none();
        for part in text.split(',') {
            let part = part.trim();
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?),
                None => {
                    let v = part.parse::<u16>().ok()?;
                    (v, v)
                }
            };
            if a == 0 || b > 4094 || a > b {
                return None;
            }
            for v in a..=b {
                s.insert(v);
            }
        }
        Some(s)
    }

    pub fn union(&mut self, other: &VlanSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
    }

    pub fn subtract(&mut self, other: &VlanSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= !b;
        }
    }

    /// The compact form IOS prints: ranges of three or more as `a-b`.
    pub fn render(&self) -> String {
        let ids: Vec<u16> = self.iter().collect();
        if ids.is_empty() {
            return "none".into();
        }
        let mut parts = Vec::new();
        let mut i = 0;
        while i < ids.len() {
            let mut j = i;
            while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
                j += 1;
            }
            if j == i {
                parts.push(ids[i].to_string());
            } else if j == i + 1 {
                parts.push(ids[i].to_string());
                parts.push(ids[j].to_string());
            } else {
                parts.push(format!("{}-{}", ids[i], ids[j]));
            }
            i = j + 1;
        }
        parts.join(",")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortMode {
    Access,
    Trunk,
    DynamicAuto,
    DynamicDesirable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
    Protect,
    Restrict,
    Shutdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelMode {
    Active,
    Passive,
    Desirable,
    Auto,
    On,
}

impl ChannelMode {
    pub fn word(self) -> &'static str {
        match self {
            ChannelMode::Active => "active",
            ChannelMode::Passive => "passive",
            ChannelMode::Desirable => "desirable",
            ChannelMode::Auto => "auto",
            ChannelMode::On => "on",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PortSecurity {
    pub enabled: bool,
    pub maximum: Option<u32>,
    pub violation: Option<Violation>,
    pub sticky: bool,
    /// Secure addresses, and whether each was learned sticky.
    pub macs: Vec<(Mac, bool)>,
}

/// A switch port's layer-2 configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switchport {
    pub mode: Option<PortMode>,
    pub access_vlan: u16,
    pub native_vlan: u16,
    pub allowed: Option<VlanSet>,
    pub nonegotiate: bool,
    pub port_security: PortSecurity,
    pub portfast: Option<bool>,
    pub bpduguard: Option<bool>,
    pub channel_group: Option<(u32, ChannelMode)>,
    pub voice_vlan: Option<u16>,
}

impl Default for Switchport {
    fn default() -> Self {
        Switchport {
            mode: None,
            access_vlan: 1,
            native_vlan: 1,
            allowed: None,
            nonegotiate: false,
            port_security: PortSecurity::default(),
            portfast: None,
            bpduguard: None,
            channel_group: None,
            voice_vlan: None,
        }
    }
}

impl Switchport {
    pub fn config_lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.access_vlan != 1 {
            v.push(format!(" switchport access vlan {}", self.access_vlan));
        }
        if self.native_vlan != 1 {
            v.push(format!(" switchport trunk native vlan {}", self.native_vlan));
        }
        if let Some(a) = &self.allowed {
            v.push(format!(" switchport trunk allowed vlan {}", a.render()));
        }
        if let Some(vv) = self.voice_vlan {
            v.push(format!(" switchport voice vlan {vv}"));
        }
        match self.mode {
            Some(PortMode::Access) => v.push(" switchport mode access".into()),
            Some(PortMode::Trunk) => v.push(" switchport mode trunk".into()),
            Some(PortMode::DynamicAuto) => v.push(" switchport mode dynamic auto".into()),
            Some(PortMode::DynamicDesirable) => v.push(" switchport mode dynamic desirable".into()),
            None => {}
        }
        if self.nonegotiate {
            v.push(" switchport nonegotiate".into());
        }
        let ps = &self.port_security;
        if let Some(m) = ps.maximum {
            v.push(format!(" switchport port-security maximum {m}"));
        }
        match ps.violation {
            Some(Violation::Protect) => v.push(" switchport port-security violation protect".into()),
            Some(Violation::Restrict) => v.push(" switchport port-security violation restrict".into()),
            Some(Violation::Shutdown) | None => {}
        }
        if ps.sticky {
            v.push(" switchport port-security mac-address sticky".into());
        }
        for (mac, sticky) in &ps.macs {
            let s = if *sticky { "sticky " } else { "" };
            v.push(format!(" switchport port-security mac-address {s}{}", crate::proto::ethernet::cisco_format(*mac)));
        }
        if ps.enabled {
            v.push(" switchport port-security".into());
        }
        if let Some((n, m)) = self.channel_group {
            v.push(format!(" channel-group {n} mode {}", m.word()));
        }
        match self.portfast {
            Some(true) => v.push(" spanning-tree portfast".into()),
            Some(false) => v.push(" spanning-tree portfast disable".into()),
            None => {}
        }
        match self.bpduguard {
            Some(true) => v.push(" spanning-tree bpduguard enable".into()),
            Some(false) => v.push(" spanning-tree bpduguard disable".into()),
            None => {}
        }
        v
    }
}

/// Global spanning-tree settings.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StpConfig {
    pub rapid: bool,
    /// `spanning-tree vlan LIST priority N`, kept per VLAN.
    pub priorities: Vec<(u16, u32)>,
    pub portfast_default: bool,
    pub bpduguard_default: bool,
    /// VLANs with spanning tree turned off (`no spanning-tree vlan N`).
    pub disabled: Vec<u16>,
}

impl StpConfig {
    pub fn config_lines(&self) -> Vec<String> {
        let mut v = vec![format!("spanning-tree mode {}", if self.rapid { "rapid-pvst" } else { "pvst" })];
        if self.portfast_default {
            v.push("spanning-tree portfast default".into());
        }
        if self.bpduguard_default {
            v.push("spanning-tree portfast bpduguard default".into());
        }
        v.push("spanning-tree extend system-id".into());
        // VLANs with the same priority share a line, as IOS prints them.
        let mut by_prio: Vec<(u32, VlanSet)> = Vec::new();
        for &(vlan, prio) in &self.priorities {
            match by_prio.iter_mut().find(|(p, _)| *p == prio) {
                Some((_, set)) => set.insert(vlan),
                None => {
                    let mut s = VlanSet::none();
                    s.insert(vlan);
                    by_prio.push((prio, s));
                }
            }
        }
        for (prio, set) in by_prio {
            v.push(format!("spanning-tree vlan {} priority {prio}", set.render()));
        }
        if !self.disabled.is_empty() {
            let mut off = VlanSet::none();
            for &d in &self.disabled {
                off.insert(d);
            }
            v.push(format!("no spanning-tree vlan {}", off.render()));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vlan_lists() {
        let s = VlanSet::parse("10,20,99").unwrap();
        assert_eq!(s.render(), "10,20,99");
        assert_eq!(VlanSet::parse("1-5,7,8,10").unwrap().render(), "1-5,7,8,10");
        assert_eq!(VlanSet::all().render(), "1-4094");
        assert!(VlanSet::parse("0").is_none());
        assert!(VlanSet::parse("5-2").is_none());
        assert!(VlanSet::parse("4095").is_none());
        let mut a = VlanSet::parse("1-10").unwrap();
        a.subtract(&VlanSet::parse("3-5").unwrap());
        assert_eq!(a.render(), "1,2,6-10");
    }
}
