//! Interface names as IOS writes them (`GigabitEthernet0/0/0`, `Fa0/1`,
//! `Serial0/1/0.100`, `Vlan10`), parsed from any unique abbreviation.

use std::fmt;
use std::str::FromStr;

/// The kind of an interface: the word before its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IfaceKind {
    FastEthernet,
    GigabitEthernet,
    Serial,
    Loopback,
    Vlan,
    PortChannel,
}

impl IfaceKind {
    pub const ALL: [IfaceKind; 6] = [
        IfaceKind::FastEthernet,
        IfaceKind::GigabitEthernet,
        IfaceKind::Serial,
        IfaceKind::Loopback,
        IfaceKind::Vlan,
        IfaceKind::PortChannel,
    ];

    pub fn long(self) -> &'static str {
        match self {
            IfaceKind::FastEthernet => "FastEthernet",
            IfaceKind::GigabitEthernet => "GigabitEthernet",
            IfaceKind::Serial => "Serial",
            IfaceKind::Loopback => "Loopback",
            IfaceKind::Vlan => "Vlan",
            IfaceKind::PortChannel => "Port-channel",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            IfaceKind::FastEthernet => "Fa",
            IfaceKind::GigabitEthernet => "Gi",
            IfaceKind::Serial => "Se",
            IfaceKind::Loopback => "Lo",
            IfaceKind::Vlan => "Vl",
            IfaceKind::PortChannel => "Po",
        }
    }

    /// Line rate in bits per second.
    pub fn bandwidth_bps(self) -> u64 {
        match self {
            IfaceKind::FastEthernet => 100_000_000,
            IfaceKind::GigabitEthernet | IfaceKind::Vlan | IfaceKind::PortChannel => 1_000_000_000,
            IfaceKind::Serial => 1_544_000,
            IfaceKind::Loopback => 8_000_000_000,
        }
    }

    /// The kind named by a (case-insensitive) prefix of its long name, if exactly
    /// one kind has that prefix.
    pub fn from_prefix(word: &str) -> Option<IfaceKind> {
        let w = word.to_ascii_lowercase();
        if w.is_empty() {
            return None;
        }
        let mut found = IfaceKind::ALL.into_iter().filter(|k| k.long().to_ascii_lowercase().starts_with(&w));
        let first = found.next()?;
        match found.next() {
            None => Some(first),
            // `s` is Serial on every IOS box (there is no other S-interface here).
            Some(_) => None,
        }
    }
}

/// A full interface name: kind, slot/port numbers and an optional subinterface.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IfaceName {
    pub kind: IfaceKind,
    /// The numbers, e.g. `[0, 0, 0]` for `GigabitEthernet0/0/0`, `[10]` for `Vlan10`.
    pub numbers: Vec<u32>,
    pub sub: Option<u32>,
}

/// Why an interface name did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid interface name `{0}`")]
pub struct BadIfaceName(pub String);

impl IfaceName {
    pub fn new(kind: IfaceKind, numbers: &[u32]) -> Self {
        IfaceName { kind, numbers: numbers.to_vec(), sub: None }
    }

    pub fn with_sub(&self, sub: u32) -> Self {
        IfaceName { sub: Some(sub), ..self.clone() }
    }

    /// The physical interface a subinterface belongs to (itself if not a subinterface).
    pub fn parent(&self) -> IfaceName {
        IfaceName { sub: None, ..self.clone() }
    }

    pub fn numbers_str(&self) -> String {
        let mut s = self.numbers.iter().map(u32::to_string).collect::<Vec<_>>().join("/");
        if let Some(sub) = self.sub {
            s.push('.');
            s.push_str(&sub.to_string());
        }
        s
    }

    /// The short form IOS prints in tables: `Gi0/0/0`, `Fa0/1`, `Se0/1/0`.
    pub fn short(&self) -> String {
        format!("{}{}", self.kind.short(), self.numbers_str())
    }

    /// Parse `g0/0/0`, `Gi 0/0/0`, `gigabitethernet0/0/0.10`, `vlan 10`, `lo0`.
    /// The word and the number may also come as two tokens joined by a space.
    pub fn parse(text: &str) -> Result<Self, BadIfaceName> {
        let bad = || BadIfaceName(text.to_string());
        let t = text.trim();
        let split = t.find(|c: char| c.is_ascii_digit()).ok_or_else(bad)?;
        let (word, rest) = t.split_at(split);
        let kind = IfaceKind::from_prefix(word.trim_end()).ok_or_else(bad)?;
        let (path, sub) = match rest.split_once('.') {
            Some((p, s)) => (p, Some(s.parse::<u32>().map_err(|_| bad())?)),
            None => (rest, None),
        };
        let numbers = path
            .split('/')
            .map(|n| if n.is_empty() || n.len() > 5 { Err(bad()) } else { n.parse::<u32>().map_err(|_| bad()) })
            .collect::<Result<Vec<_>, _>>()?;
        if numbers.is_empty() || numbers.len() > 3 {
            return Err(bad());
        }
        Ok(IfaceName { kind, numbers, sub })
    }

    /// A file-name-safe form: `Gi0-0-0`.
    pub fn file_safe(&self) -> String {
        self.short().replace(['/', '.'], "-")
    }
}

impl fmt::Display for IfaceName {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}{}", self.kind.long(), self.numbers_str())
    }
}

impl FromStr for IfaceName {
    type Err = BadIfaceName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IfaceName::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_expand() {
        for (short, long) in [
            ("g0/0/0", "GigabitEthernet0/0/0"),
            ("Gi0/0/0", "GigabitEthernet0/0/0"),
            ("gig0/0/0", "GigabitEthernet0/0/0"),
            ("GigabitEthernet 0/0/1", "GigabitEthernet0/0/1"),
            ("fa0/1", "FastEthernet0/1"),
            ("f0/1", "FastEthernet0/1"),
            ("se0/1/0", "Serial0/1/0"),
            ("s0/1/1", "Serial0/1/1"),
            ("lo0", "Loopback0"),
            ("vlan 10", "Vlan10"),
            ("vl1", "Vlan1"),
            ("g0/0/0.10", "GigabitEthernet0/0/0.10"),
            ("po1", "Port-channel1"),
            ("F0", "FastEthernet0"),
        ] {
            assert_eq!(IfaceName::parse(short).unwrap().to_string(), long, "{short}");
        }
    }

    #[test]
    fn short_names() {
        assert_eq!(IfaceName::parse("gigabitethernet0/0/0").unwrap().short(), "Gi0/0/0");
        assert_eq!(IfaceName::parse("s0/1/0").unwrap().file_safe(), "Se0-1-0");
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "0/0", "x0/1", "g", "g0//1", "g0/0/0/0", "g0/a", "g99999999999"] {
            assert!(IfaceName::parse(bad).is_err(), "{bad}");
        }
    }
}
