//! Neighbour discovery on an IOS box: CDP and LLDP advertisements out of
//! its ports, and the neighbour tables they fill.

use super::*;

/// What the box heard from its neighbours, and its own discovery settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovery {
    pub cdp_run: bool,
    /// CDP neighbours: local port, what they said, when it expires.
    pub cdp_neighbors: Vec<(usize, crate::proto::cdp::Advert, Time)>,
    /// Seconds since the box booted, counting to the next CDP advertisement.
    pub cdp_clock: u64,
    pub lldp_run: bool,
    /// LLDP neighbours: local port, what they said, when it expires.
    pub lldp_neighbors: Vec<(usize, crate::proto::lldp::Advert, Time)>,
    /// Seconds until the next LLDP advertisement.
    pub lldp_countdown: u64,
}

impl Default for Discovery {
    fn default() -> Self {
        Discovery {
            cdp_run: true,
            cdp_neighbors: Vec::new(),
            cdp_clock: 0,
            lldp_run: false,
            lldp_neighbors: Vec::new(),
            lldp_countdown: 0,
        }
    }
}

impl Ios {
    /// Send CDP advertisements out of every enabled, live port (or just one).
    pub fn cdp_announce(&mut self, ports: &[Port], only: Option<usize>) {
        use crate::proto::cdp;
        if !self.discovery.cdp_run {
            return;
        }
        let address = self.stack.ifaces.iter().find(|i| i.up).and_then(|i| i.addr).map(|(a, _)| a);
        let caps = match self.model {
            Model::Router => cdp::ROUTER,
            Model::Switch => cdp::SWITCH | cdp::IGMP,
            _ => cdp::ROUTER | cdp::SWITCH | cdp::IGMP,
        };
        let version = match self.model {
            Model::Router => "Cisco IOS XE Software, Version 16.09.04",
            _ => "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE4, RELEASE SOFTWARE (fc1)",
        };
        let mut frames = Vec::new();
        for i in &self.ifaces {
            let Some(p) = i.port else { continue };
            if !i.cdp_enable || !ports[p].link_up || only.is_some_and(|o| o != p) {
                continue;
            }
            let native_vlan = i.switchport.as_ref().map(|sp| {
                if sp.mode == Some(crate::proto::vlan::PortMode::Trunk) {
                    sp.native_vlan
                } else {
                    sp.access_vlan
                }
            });
            let advert = cdp::Advert {
                device_id: self.system.hostname.clone(),
                address,
                port_id: i.name.to_string(),
                capabilities: caps,
                version: version.into(),
                platform: format!("cisco {}", self.model.platform()),
                native_vlan,
                holdtime: cdp::HOLDTIME,
            };
            frames.push((p, cdp::frame(ports[p].mac, &advert)));
        }
        self.pending_l2.extend(frames);
    }

    /// Send LLDP advertisements out of every live port that transmits them (or just one).
    pub fn lldp_announce(&mut self, ports: &[Port], only: Option<usize>) {
        use crate::proto::lldp;
        if !self.discovery.lldp_run {
            return;
        }
        let address = self.stack.ifaces.iter().find(|i| i.up).and_then(|i| i.addr).map(|(a, _)| a);
        let (supported, enabled) = match self.model {
            Model::Router => (lldp::ROUTER, lldp::ROUTER),
            Model::Switch => (lldp::BRIDGE, lldp::BRIDGE),
            _ => (
                lldp::BRIDGE | lldp::ROUTER,
                if self.routing.ip_routing { lldp::BRIDGE | lldp::ROUTER } else { lldp::BRIDGE },
            ),
        };
        let description = match self.model {
            Model::Router => "Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.4, RELEASE SOFTWARE (fc2)",
            _ => "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE4, RELEASE SOFTWARE (fc1)",
        };
        let chassis = ports.first().map_or(crate::proto::Mac([0; 6]), |p| p.mac);
        let mut frames = Vec::new();
        for i in &self.ifaces {
            let Some(p) = i.port else { continue };
            if !i.lldp_transmit || !ports[p].link_up || only.is_some_and(|o| o != p) {
                continue;
            }
            let advert = lldp::Advert {
                chassis,
                port_id: i.name.short(),
                ttl: lldp::HOLDTIME,
                port_description: i.name.to_string(),
                system_name: self.system.hostname.clone(),
                system_description: description.into(),
                capabilities: (supported, enabled),
                address,
            };
            frames.push((p, lldp::frame(ports[p].mac, &advert)));
        }
        self.pending_l2.extend(frames);
    }

    /// An LLDP advertisement heard on a port.
    pub(super) fn lldp_heard(&mut self, now: Time, port: usize, frame: &[u8]) {
        if !self.discovery.lldp_run {
            return;
        }
        let Some(advert) = crate::proto::lldp::parse(frame) else { return };
        if !self.port_iface(port).is_some_and(|i| i.lldp_receive) {
            return;
        }
        let expires = now + crate::sim::Duration::from_secs(u64::from(advert.ttl));
        self.discovery.lldp_neighbors.retain(|(p, a, _)| !(*p == port && a.chassis == advert.chassis));
        if advert.ttl > 0 {
            self.discovery.lldp_neighbors.push((port, advert, expires));
        }
        self.discovery.lldp_neighbors.sort_by(|a, b| (&a.1.system_name, a.0).cmp(&(&b.1.system_name, b.0)));
    }

    /// A CDP advertisement heard on a port.
    pub(super) fn cdp_heard(&mut self, now: Time, port: usize, frame: &[u8]) {
        let Some(advert) = crate::proto::cdp::parse(frame) else { return };
        if !self.discovery.cdp_run {
            return;
        }
        let Some(local) = self.port_iface(port) else { return };
        if !local.cdp_enable {
            return;
        }
        let mine = local
            .switchport
            .as_ref()
            .filter(|sp| sp.mode == Some(crate::proto::vlan::PortMode::Trunk))
            .map(|sp| sp.native_vlan);
        let known = self
            .discovery
            .cdp_neighbors
            .iter()
            .any(|(p, a, _)| *p == port && a.device_id == advert.device_id && a.native_vlan == advert.native_vlan);
        if let (Some(m), Some(theirs), false) = (mine, advert.native_vlan, known) {
            if m != theirs {
                self.pending_log.push_str(&format!(
                    "\n%CDP-4-NATIVE_VLAN_MISMATCH: Native VLAN mismatch discovered on {} ({m}), with {} {} ({theirs}).\n",
                    local.name, advert.device_id, advert.port_id
                ));
            }
        }
        let expires = now + crate::sim::Duration::from_secs(u64::from(advert.holdtime));
        self.discovery.cdp_neighbors.retain(|(p, a, _)| !(*p == port && a.device_id == advert.device_id));
        self.discovery.cdp_neighbors.push((port, advert, expires));
        self.discovery.cdp_neighbors.sort_by(|a, b| (&a.1.device_id, a.0).cmp(&(&b.1.device_id, b.0)));
    }
}
