//! EtherChannel on a switch: following `channel-group` configuration,
//! speaking LACP or PAgP on member ports, and handing the bundles to the bridge.

use super::*;

impl Ios {
    /// EtherChannel, once a second and on every PDU heard: follow the
    /// configuration, speak where due, and rebundle. Returns the log lines of
    /// port-channels going up or down.
    pub(super) fn run_channels(&mut self, now: Time, ports: &[Port]) -> String {
        use crate::proto::etherchannel::{bundle, Member};
        let configured: BTreeMap<usize, (u32, crate::proto::vlan::ChannelMode)> =
            self.ifaces.iter().filter_map(|i| Some((i.port?, i.switchport.as_ref()?.channel_group?))).collect();
        if configured.is_empty() && self.switching.channels.is_empty() {
            return String::new();
        }
        self.switching.channels.retain(|p, m| configured.get(p) == Some(&(m.group, m.mode)));
        for (&p, &(group, mode)) in &configured {
            self.switching.channels.entry(p).or_insert_with(|| Member::new(group, mode));
        }
        let due: Vec<usize> =
            self.switching.channels.iter().filter(|(p, m)| m.due(now, ports[**p].link_up)).map(|(p, _)| *p).collect();
        for p in due {
            self.send_channel_pdu(now, p, ports);
        }
        let was_up = self.channel_groups_up(ports);
        let bundles = bundle(&mut self.switching.channels, now, |p| ports[p].link_up);
        if let Some(bridge) = self.bridge.as_mut() {
            bridge.set_bundles(&bundles);
        }
        let is_up = self.channel_groups_up(ports);
        let mut log = String::new();
        for (group, up) in &is_up {
            if was_up.get(group) != Some(up) {
                let word = if *up { "up" } else { "down" };
                log.push_str(&format!("\n%LINK-3-UPDOWN: Interface Port-channel{group}, changed state to {word}\n"));
                log.push_str(&format!(
                    "\n%LINEPROTO-5-UPDOWN: Line protocol on Interface Port-channel{group}, changed state to {word}\n"
                ));
            }
        }
        log
    }

    /// The name a port goes by in tables: `Port-channel1` for the port that
    /// stands for a bundle, its own name otherwise.
    pub fn logical_port_name(&self, port: usize, ports: &[Port]) -> IfaceName {
        let group = self.bridge.as_ref().filter(|b| b.is_channel(port)).and_then(|b| {
            let member = b.members(port).next()?;
            self.switching.channels.get(&member).map(|m| m.group)
        });
        match group {
            Some(n) => IfaceName::new(IfaceKind::PortChannel, &[n]),
            None => ports[port].name.clone(),
        }
    }

    /// Each configured channel group, and whether any member is bundled and up.
    pub fn channel_groups_up(&self, ports: &[Port]) -> BTreeMap<u32, bool> {
        let mut groups = BTreeMap::new();
        for (&p, m) in &self.switching.channels {
            *groups.entry(m.group).or_insert(false) |= m.bundled && ports[p].link_up;
        }
        groups
    }

    pub(super) fn send_channel_pdu(&mut self, now: Time, port: usize, ports: &[Port]) {
        use crate::proto::etherchannel::Protocol;
        use crate::proto::{lacp, pagp};
        let Some(m) = self.switching.channels.get_mut(&port) else { return };
        m.last_sent = Some(now);
        let system = self.bridge.as_ref().map_or(ports[0].mac, |b| b.bridge_mac);
        let frame = match m.mode.protocol() {
            Some(Protocol::Lacp) => {
                let mut state = lacp::AGGREGATION;
                if m.mode.initiates() {
                    state |= lacp::ACTIVITY;
                }
                if m.bundled {
                    state |= lacp::SYNCHRONIZATION | lacp::COLLECTING | lacp::DISTRIBUTING;
                }
                let partner = match m.partner {
                    Some(p) => lacp::Info {
                        system_priority: lacp::DEFAULT_PRIORITY,
                        system: p.system,
                        key: m.group as u16,
                        port_priority: lacp::DEFAULT_PRIORITY,
                        port: 0,
                        state: lacp::AGGREGATION | if p.initiates { lacp::ACTIVITY } else { 0 },
                    },
                    None => lacp::Info { state: lacp::DEFAULTED, ..lacp::Info::default() },
                };
                let actor = lacp::Info {
                    system_priority: lacp::DEFAULT_PRIORITY,
                    system,
                    key: m.group as u16,
                    port_priority: lacp::DEFAULT_PRIORITY,
                    port: port as u16 + 1,
                    state,
                };
                lacp::frame(ports[port].mac, &lacp::Lacpdu { actor, partner })
            }
            Some(Protocol::Pagp) => {
                let mut flags = if m.mode.initiates() { 0 } else { pagp::AUTO };
                if m.bundled {
                    flags |= pagp::CONSISTENT;
                }
                let info = pagp::Info {
                    flags,
                    device: system,
                    port_ifindex: port as u32 + 1,
                    group_ifindex: 5000 + m.group,
                    partner_device: m.partner.map_or(Mac([0; 6]), |p| p.system),
                    device_name: self.system.hostname.clone(),
                    port_name: ports[port].name.short(),
                };
                pagp::frame(ports[port].mac, &info)
            }
            None => return,
        };
        self.pending_l2.push((port, frame));
    }

    pub(super) fn lacp_heard(&mut self, now: Time, port: usize, pdu: &crate::proto::lacp::Lacpdu, ports: &[Port]) {
        let partner = crate::proto::etherchannel::Partner {
            protocol: crate::proto::etherchannel::Protocol::Lacp,
            system: pdu.actor.system,
            initiates: pdu.actor.state & crate::proto::lacp::ACTIVITY != 0,
            heard_at: now,
        };
        self.channel_heard(now, port, partner, ports);
    }

    pub(super) fn pagp_heard(&mut self, now: Time, port: usize, info: &crate::proto::pagp::Info, ports: &[Port]) {
        let partner = crate::proto::etherchannel::Partner {
            protocol: crate::proto::etherchannel::Protocol::Pagp,
            system: info.device,
            initiates: info.flags & crate::proto::pagp::AUTO == 0,
            heard_at: now,
        };
        self.channel_heard(now, port, partner, ports);
    }

    /// A partner spoke: remember it, answer at once if this end has not yet
    /// spoken to it, and rebundle.
    pub(super) fn channel_heard(
        &mut self,
        now: Time,
        port: usize,
        partner: crate::proto::etherchannel::Partner,
        ports: &[Port],
    ) {
        let Some(m) = self.switching.channels.get_mut(&port) else { return };
        let new = m.partner.is_none_or(|p| p.system != partner.system || p.protocol != partner.protocol);
        m.partner = Some(partner);
        if new {
            m.last_sent = None;
        }
        let log = self.run_channels(now, ports);
        self.pending_log.push_str(&log);
    }
}
