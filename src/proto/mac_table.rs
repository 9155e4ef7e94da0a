//! The switch's MAC address table: learning, 300-second aging and lookups,
//! per VLAN. Entries age lazily (checked when read), so a quiet table costs no
//! events.

use std::collections::HashMap;

use super::Mac;
use crate::sim::{Duration, Time};

pub const DEFAULT_AGING: Duration = Duration::from_secs(300);
/// A 2960 holds 8,192 addresses; past that it stops learning and floods.
pub const CAPACITY: usize = 8192;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MacEntry {
    pub port: usize,
    pub last_seen: Time,
    pub is_static: bool,
}

#[derive(Clone, Debug)]
pub struct MacTable {
    entries: HashMap<(u16, Mac), MacEntry>,
    pub aging: Duration,
}

impl Default for MacTable {
    fn default() -> Self {
        MacTable { entries: HashMap::new(), aging: DEFAULT_AGING }
    }
}

impl MacTable {
    fn live(&self, e: &MacEntry, now: Time) -> bool {
        e.is_static || now.since(e.last_seen) < self.aging
    }

    /// Learn (or refresh) where `mac` lives. Returns the port it moved from, if it moved.
    pub fn learn(&mut self, vlan: u16, mac: Mac, port: usize, now: Time) -> Option<usize> {
        if self.entries.len() >= CAPACITY && !self.entries.contains_key(&(vlan, mac)) {
            self.entries.retain(|_, e| e.is_static || now.since(e.last_seen) < DEFAULT_AGING.max(self.aging));
            if self.entries.len() >= CAPACITY {
                return None;
            }
        }
        let e = self.entries.entry((vlan, mac)).or_insert(MacEntry { port, last_seen: now, is_static: false });
        if e.is_static {
            return None;
        }
        let moved = (e.port != port).then_some(e.port);
        e.port = port;
        e.last_seen = now;
        moved
    }

    pub fn lookup(&self, vlan: u16, mac: Mac, now: Time) -> Option<usize> {
        self.entries.get(&(vlan, mac)).filter(|e| self.live(e, now)).map(|e| e.port)
    }

    pub fn flush_port(&mut self, port: usize) {
        self.entries.retain(|_, e| e.is_static || e.port != port);
    }

    pub fn clear_dynamic(&mut self) {
        self.entries.retain(|_, e| e.is_static);
    }

    /// Live entries sorted by VLAN then address, as `show mac address-table` lists them.
    pub fn entries(&self, now: Time) -> Vec<(u16, Mac, MacEntry)> {
        let mut v: Vec<_> =
            self.entries.iter().filter(|(_, e)| self.live(e, now)).map(|(&(vl, m), e)| (vl, m, *e)).collect();
        v.sort_by_key(|&(vl, m, _)| (vl, m.0));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Mac = Mac([0, 1, 2, 3, 4, 5]);

    #[test]
    fn learns_moves_and_ages() {
        let mut t = MacTable::default();
        assert_eq!(t.learn(1, M, 3, Time::ZERO), None);
        assert_eq!(t.lookup(1, M, Time::ZERO), Some(3));
        assert_eq!(t.lookup(2, M, Time::ZERO), None, "per VLAN");
        assert_eq!(t.learn(1, M, 4, Time::ZERO), Some(3));
        let later = Time::ZERO + Duration::from_secs(299);
        assert_eq!(t.lookup(1, M, later), Some(4));
        assert_eq!(t.lookup(1, M, Time::ZERO + Duration::from_secs(300)), None);
        t.flush_port(4);
        assert!(t.entries(Time::ZERO).is_empty());
    }
}
