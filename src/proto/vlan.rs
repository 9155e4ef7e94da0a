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

    /// The VLANs in the set, in order (a word of 64 at a time, skipping empty words).
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.bits
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| {
                let mut rest = word;
                std::iter::from_fn(move || {
                    if rest == 0 {
                        return None;
                    }
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    Some((w * 64) as u16 + bit as u16)
                })
            })
            .filter(|v| (1..=4094).contains(v))
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
