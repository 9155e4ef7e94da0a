//! The neighbour cache of IPv6 Neighbor Discovery (RFC 4861 §7.3): what
//! ARP's table is to IPv4, with reachability states. An entry is
//! INCOMPLETE while its solicitation is unanswered (the packets for it
//! wait), REACHABLE for `reachable_time` after a solicited advertisement
//! confirmed it, then STALE until it is used again; a packet sent to a
//! STALE neighbour moves it to DELAY, and without news for 5 seconds it is
//! PROBEd with unicast solicitations, then forgotten.
//!
//! The cache decides and keeps timers; it sends nothing itself: [`poll`]
//! returns the solicitations to send and the neighbours given up on, and
//! the stack builds the packets. REACHABLE turns STALE by the clock alone,
//! so [`Entry::state_at`] reads it at any moment without a timer.
//!
//! [`poll`]: NeighborCache::poll

use std::net::Ipv6Addr;

use super::Mac;
use crate::sim::{Duration, Time};

/// Reachability of a neighbour (the states IOS's `show ipv6 neighbors` prints).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Incomplete,
    Reachable,
    Stale,
    Delay,
    Probe,
}

impl State {
    /// The name IOS prints.
    pub fn ios_name(self) -> &'static str {
        match self {
            State::Incomplete => "INCMP",
            State::Reachable => "REACH",
            State::Stale => "STALE",
            State::Delay => "DELAY",
            State::Probe => "PROBE",
        }
    }

    /// The name Windows prints (`netsh interface ipv6 show neighbors`).
    pub fn windows_name(self) -> &'static str {
        match self {
            State::Incomplete => "Incomplete",
            State::Reachable => "Reachable",
            State::Stale => "Stale",
            State::Delay => "Delay",
            State::Probe => "Probe",
        }
    }
}

/// How long a neighbour stays in DELAY before it is probed.
pub const DELAY_FIRST_PROBE: Duration = Duration::from_secs(5);
/// Solicitations before a neighbour is given up on.
pub const MAX_SOLICIT: u8 = 3;
/// Packets held for one unresolved neighbour.
const MAX_HELD: usize = 16;

#[derive(Clone, Debug)]
pub struct Entry {
    pub addr: Ipv6Addr,
    pub iface: usize,
    pub mac: Option<Mac>,
    state: State,
    /// When the state last changed (the last confirmation, for REACHABLE).
    pub since: Time,
    /// The neighbour said it is a router.
    pub router: bool,
    tries: u8,
    next: Option<Time>,
    held: Vec<Vec<u8>>,
}

impl Entry {
    /// The state at `now`: a REACHABLE entry past its time is STALE.
    pub fn state_at(&self, now: Time, reachable_time: Duration) -> State {
        if self.state == State::Reachable && now.since(self.since) >= reachable_time {
            State::Stale
        } else {
            self.state
        }
    }
}

/// What the stack must do for a packet to a neighbour.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Send it to this MAC.
    Send(Mac),
    /// Held; a multicast solicitation must go out now.
    Solicit,
    /// Held; a solicitation is already under way.
    Held,
}

/// What the cache's timers ask for.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// A solicitation: to the solicited-node group (`unicast: None`) or to the MAC.
    Solicit { addr: Ipv6Addr, iface: usize, unicast: Option<Mac> },
    /// No answer: the packets that waited are undeliverable.
    GaveUp { addr: Ipv6Addr, iface: usize, held: Vec<Vec<u8>> },
}

#[derive(Clone, Debug)]
pub struct NeighborCache {
    entries: Vec<Entry>,
    pub reachable_time: Duration,
    pub retrans: Duration,
}

impl NeighborCache {
    pub fn new(reachable_time: Duration, retrans: Duration) -> Self {
        NeighborCache { entries: Vec::new(), reachable_time, retrans }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn find(&mut self, addr: Ipv6Addr, iface: usize) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.addr == addr && e.iface == iface)
    }

    /// The MAC to send to, without changing anything (for a frame that
    /// needs no resolution bookkeeping).
    pub fn peek(&self, addr: Ipv6Addr, iface: usize) -> Option<Mac> {
        self.entries.iter().find(|e| e.addr == addr && e.iface == iface).and_then(|e| e.mac)
    }

    /// A packet is to be sent to `addr` on `iface`: where to, or hold it.
    pub fn resolve(&mut self, now: Time, addr: Ipv6Addr, iface: usize, packet: Vec<u8>) -> Resolution {
        let reachable_time = self.reachable_time;
        let Some(e) = self.find(addr, iface) else {
            self.entries.push(Entry {
                addr,
                iface,
                mac: None,
                state: State::Incomplete,
                since: now,
                router: false,
                tries: 1,
                next: Some(now + self.retrans),
                held: vec![packet],
            });
            return Resolution::Solicit;
        };
        match (e.state_at(now, reachable_time), e.mac) {
            (State::Incomplete, _) | (_, None) => {
                if e.held.len() < MAX_HELD {
                    e.held.push(packet);
                }
                Resolution::Held
            }
            (State::Stale, Some(mac)) => {
                e.state = State::Delay;
                e.since = now;
                e.next = Some(now + DELAY_FIRST_PROBE);
                Resolution::Send(mac)
            }
            (_, Some(mac)) => Resolution::Send(mac),
        }
    }

    /// A neighbour advertisement for `addr` arrived. Returns the packets
    /// that waited for it.
    pub fn advertised(
        &mut self,
        now: Time,
        addr: Ipv6Addr,
        iface: usize,
        mac: Option<Mac>,
        solicited: bool,
        router: bool,
    ) -> Vec<Vec<u8>> {
        let Some(e) = self.find(addr, iface) else { return Vec::new() };
        let changed = mac.is_some_and(|m| e.mac != Some(m));
        if let Some(m) = mac {
            e.mac = Some(m);
        }
        e.router = router;
        if e.mac.is_none() {
            return Vec::new();
        }
        if solicited {
            e.state = State::Reachable;
            e.since = now;
            e.next = None;
        } else if changed || e.state == State::Incomplete {
            e.state = State::Stale;
            e.since = now;
            e.next = None;
        }
        std::mem::take(&mut e.held)
    }

    /// A neighbour's link-layer address was learned from a solicitation or
    /// a router advertisement it sent. Returns the packets that waited.
    pub fn learned(&mut self, now: Time, addr: Ipv6Addr, iface: usize, mac: Mac, router: bool) -> Vec<Vec<u8>> {
        match self.find(addr, iface) {
            Some(e) => {
                e.router |= router;
                if e.mac != Some(mac) {
                    e.mac = Some(mac);
                    e.state = State::Stale;
                    e.since = now;
                    e.next = None;
                }
                std::mem::take(&mut e.held)
            }
            None => {
                self.entries.push(Entry {
                    addr,
                    iface,
                    mac: Some(mac),
                    state: State::Stale,
                    since: now,
                    router,
                    tries: 0,
                    next: None,
                    held: Vec::new(),
                });
                Vec::new()
            }
        }
    }

    /// When [`NeighborCache::poll`] has something to do.
    pub fn poll_at(&self) -> Option<Time> {
        self.entries.iter().filter_map(|e| e.next).min()
    }

    /// Run the timers that are due.
    pub fn poll(&mut self, now: Time) -> Vec<Action> {
        let mut actions = Vec::new();
        let retrans = self.retrans;
        self.entries.retain_mut(|e| {
            if e.next.is_none_or(|t| t > now) {
                return true;
            }
            match e.state {
                State::Delay => {
                    e.state = State::Probe;
                    e.since = now;
                    e.tries = 1;
                    e.next = Some(now + retrans);
                    actions.push(Action::Solicit { addr: e.addr, iface: e.iface, unicast: e.mac });
                    true
                }
                State::Incomplete | State::Probe if e.tries < MAX_SOLICIT => {
                    e.tries += 1;
                    e.next = Some(now + retrans);
                    let unicast = if e.state == State::Probe { e.mac } else { None };
                    actions.push(Action::Solicit { addr: e.addr, iface: e.iface, unicast });
                    true
                }
                State::Incomplete | State::Probe => {
                    actions.push(Action::GaveUp { addr: e.addr, iface: e.iface, held: std::mem::take(&mut e.held) });
                    false
                }
                State::Reachable | State::Stale => {
                    e.next = None;
                    true
                }
            }
        });
        actions
    }

    /// Forget the neighbours of an interface (its link went down).
    pub fn remove_iface(&mut self, iface: usize) {
        self.entries.retain(|e| e.iface != iface);
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: Mac = Mac([0, 1, 2, 3, 4, 5]);

    fn at(secs: u64) -> Time {
        Time::ZERO + Duration::from_secs(secs)
    }

    fn cache() -> NeighborCache {
        NeighborCache::new(Duration::from_secs(30), Duration::from_secs(1))
    }

    #[test]
    fn incomplete_then_reachable_then_stale_by_the_clock() {
        let mut c = cache();
        let a: Ipv6Addr = "2001:db8::2".parse().unwrap();
        assert_eq!(c.resolve(at(0), a, 0, vec![1]), Resolution::Solicit);
        assert_eq!(c.resolve(at(0), a, 0, vec![2]), Resolution::Held);
        assert_eq!(c.entries()[0].state_at(at(0), c.reachable_time), State::Incomplete);
        assert_eq!(c.advertised(at(0), a, 0, Some(MAC), true, false), vec![vec![1], vec![2]]);
        assert_eq!(c.entries()[0].state_at(at(29), c.reachable_time), State::Reachable);
        assert_eq!(c.entries()[0].state_at(at(30), c.reachable_time), State::Stale);
    }

    #[test]
    fn a_stale_neighbour_used_goes_through_delay_and_probe() {
        let mut c = cache();
        let a: Ipv6Addr = "fe80::1".parse().unwrap();
        assert!(c.learned(at(0), a, 0, MAC, true).is_empty());
        assert_eq!(c.resolve(at(1), a, 0, vec![]), Resolution::Send(MAC));
        assert_eq!(c.entries()[0].state_at(at(1), c.reachable_time), State::Delay);
        assert_eq!(c.poll_at(), Some(at(6)));
        assert_eq!(c.poll(at(6)), vec![Action::Solicit { addr: a, iface: 0, unicast: Some(MAC) }]);
        assert_eq!(c.entries()[0].state_at(at(6), c.reachable_time), State::Probe);
        c.advertised(at(6), a, 0, Some(MAC), true, true);
        assert_eq!(c.entries()[0].state_at(at(6), c.reachable_time), State::Reachable);
    }

    #[test]
    fn three_unanswered_solicitations_give_up_with_the_held_packets() {
        let mut c = cache();
        let a: Ipv6Addr = "2001:db8::9".parse().unwrap();
        c.resolve(at(0), a, 0, vec![7]);
        assert_eq!(c.poll(at(1)).len(), 1);
        assert_eq!(c.poll(at(2)).len(), 1);
        assert_eq!(c.poll(at(3)), vec![Action::GaveUp { addr: a, iface: 0, held: vec![vec![7]] }]);
        assert!(c.entries().is_empty());
    }
}
