//! EtherChannel membership: what each configured member port has heard
//! from its partner (LACP or PAgP), when it has to speak, and which
//! members bundle into their port-channel. The frames are in `lacp` and
//! `pagp`; forwarding over a bundle is the bridge's.

use std::collections::BTreeMap;

use super::vlan::ChannelMode;
use super::Mac;
use crate::sim::{Duration, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Lacp,
    Pagp,
}

impl ChannelMode {
    /// The negotiation protocol of a mode (`on` has none).
    pub fn protocol(self) -> Option<Protocol> {
        match self {
            ChannelMode::Active | ChannelMode::Passive => Some(Protocol::Lacp),
            ChannelMode::Desirable | ChannelMode::Auto => Some(Protocol::Pagp),
            ChannelMode::On => None,
        }
    }

    /// Does this end start the negotiation on its own?
    pub fn initiates(self) -> bool {
        matches!(self, ChannelMode::Active | ChannelMode::Desirable)
    }
}

/// The last word heard from the other end of a member link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partner {
    pub protocol: Protocol,
    pub system: Mac,
    /// It initiates (LACP active, PAgP desirable).
    pub initiates: bool,
    pub heard_at: Time,
}

/// One configured member port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub group: u32,
    pub mode: ChannelMode,
    pub partner: Option<Partner>,
    pub last_sent: Option<Time>,
    pub bundled: bool,
}

/// LACP's long timeout (3 × 30 s) and PAgP's (3.5 × 30 s).
fn timeout(p: Protocol) -> Duration {
    match p {
        Protocol::Lacp => Duration::from_secs(90),
        Protocol::Pagp => Duration::from_secs(105),
    }
}

/// While a member is not bundled it speaks every second; once bundled, every 30 s.
const FAST: Duration = Duration::from_secs(1);
const SLOW: Duration = Duration::from_secs(30);

impl Member {
    pub fn new(group: u32, mode: ChannelMode) -> Self {
        Member { group, mode, partner: None, last_sent: None, bundled: false }
    }

    fn partner_fresh(&self, now: Time) -> Option<&Partner> {
        self.partner.as_ref().filter(|p| now.since(p.heard_at) < timeout(p.protocol))
    }

    /// Whether this member has to send a PDU now. Passive ends only answer.
    pub fn due(&self, now: Time, link_up: bool) -> bool {
        let Some(protocol) = self.mode.protocol() else { return false };
        if !link_up || !(self.mode.initiates() || self.partner_fresh(now).is_some_and(|p| p.protocol == protocol)) {
            return false;
        }
        let every = if self.bundled { SLOW } else { FAST };
        self.last_sent.is_none_or(|t| now.since(t) >= every)
    }

    /// Could this member bundle, considering only itself and its partner?
    fn can_bundle(&self, now: Time, link_up: bool) -> bool {
        if !link_up {
            return false;
        }
        match self.mode.protocol() {
            None => true,
            Some(protocol) => self
                .partner_fresh(now)
                .is_some_and(|p| p.protocol == protocol && (self.mode.initiates() || p.initiates)),
        }
    }
}

/// Decide which members bundle: those that can, and within a group only
/// those facing the same partner system as the group's first (lower-numbered
/// ports win, as the aggregator's first member does). Returns, for each
/// bundled port, the port that stands for its port-channel: the group's
/// lowest configured member, so the channel keeps one identity while its
/// members come and go.
pub fn bundle(
    members: &mut BTreeMap<usize, Member>,
    now: Time,
    link_up: impl Fn(usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut first_member: BTreeMap<u32, usize> = BTreeMap::new();
    let mut partner_of_group: BTreeMap<u32, Option<Mac>> = BTreeMap::new();
    let mut out = Vec::new();
    for (&port, m) in members.iter_mut() {
        first_member.entry(m.group).or_insert(port);
        let candidate = m.can_bundle(now, link_up(port));
        let system = m.partner.map(|p| p.system);
        let consistent = match partner_of_group.get(&m.group) {
            Some(s) => *s == system,
            None => true,
        };
        m.bundled = candidate && consistent;
        if m.bundled {
            partner_of_group.entry(m.group).or_insert(system);
            out.push((port, first_member[&m.group]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(protocol: Protocol, system: u8, initiates: bool) -> Option<Partner> {
        Some(Partner { protocol, system: Mac([0, 0, 0, 0, 0, system]), initiates, heard_at: Time::ZERO })
    }

    #[test]
    fn modes_bundle_as_on_a_catalyst() {
        let t = Time::ZERO + Duration::from_secs(1);
        let case = |mode, partner| {
            let mut m = BTreeMap::from([(0, Member { partner, ..Member::new(1, mode) })]);
            !bundle(&mut m, t, |_| true).is_empty()
        };
        assert!(case(ChannelMode::Active, heard(Protocol::Lacp, 1, false)));
        assert!(case(ChannelMode::Passive, heard(Protocol::Lacp, 1, true)));
        assert!(!case(ChannelMode::Passive, heard(Protocol::Lacp, 1, false)), "passive with passive");
        assert!(!case(ChannelMode::Active, heard(Protocol::Pagp, 1, true)), "LACP with PAgP");
        assert!(case(ChannelMode::Desirable, heard(Protocol::Pagp, 1, false)));
        assert!(!case(ChannelMode::Auto, heard(Protocol::Pagp, 1, false)), "auto with auto");
        assert!(!case(ChannelMode::Active, None), "nobody heard");
        assert!(case(ChannelMode::On, None));
    }

    #[test]
    fn a_member_facing_another_switch_stays_out_and_the_channel_keeps_its_port() {
        let t = Time::ZERO + Duration::from_secs(1);
        let mut m = BTreeMap::from([
            (4, Member { partner: heard(Protocol::Lacp, 7, true), ..Member::new(1, ChannelMode::Active) }),
            (5, Member { partner: heard(Protocol::Lacp, 7, true), ..Member::new(1, ChannelMode::Active) }),
            (6, Member { partner: heard(Protocol::Lacp, 9, true), ..Member::new(1, ChannelMode::Active) }),
        ]);
        assert_eq!(bundle(&mut m, t, |_| true), vec![(4, 4), (5, 4)]);
        // Port 4 goes down: the channel still stands on port 4's index.
        assert_eq!(bundle(&mut m, t, |p| p != 4), vec![(5, 4)]);
        // Silence past the timeout unbundles.
        assert!(bundle(&mut m, Time::ZERO + Duration::from_secs(91), |_| true).is_empty());
    }

    #[test]
    fn passive_ends_answer_but_never_start() {
        let t = Time::ZERO;
        let passive = Member::new(1, ChannelMode::Passive);
        assert!(!passive.due(t, true));
        let answered = Member { partner: heard(Protocol::Lacp, 1, true), ..passive };
        assert!(answered.due(t, true));
        assert!(Member::new(1, ChannelMode::Active).due(t, true));
        assert!(!Member::new(1, ChannelMode::Active).due(t, false));
        assert!(!Member::new(1, ChannelMode::On).due(t, true));
    }
}
