//! Access lists and NAT at work on an IOS box. `ip access-group` installs a filter
//! on the interface's way in or out of the IP stack ([`AclFilter`], sharing
//! the box's table, so an edit to the list applies at once and the hits show
//! in `show access-lists`); `access-class` on the vty lines checks where a
//! remote login comes from; the lines `log` entries produce reach the
//! console. NAT's translator ([`crate::proto::nat`]) is installed on the IP
//! stack while the box has NAT rules and inside and outside interfaces.

use std::net::Ipv4Addr;

use super::Ios;
use crate::proto::acl::{AclFilter, AclId};
use crate::proto::ip6_stack::Packet6Filter;
use crate::proto::ip_stack::{PacketFilter, PacketInfo};
use crate::sim::Time;

impl Ios {
    /// Install (or remove) the filters the interfaces' `ip access-group`
    /// lines name, where they changed.
    pub(super) fn filters_sync(&mut self) {
        for i in &mut self.ifaces {
            let Some(s) = i.stack else { continue };
            let want = (i.access_group_in.clone(), i.access_group_out.clone());
            if i.filters_installed == want {
                continue;
            }
            let filter = |id: Option<AclId>| {
                id.map(|id| Box::new(AclFilter { table: self.services.acls.clone(), id }) as Box<dyn PacketFilter>)
            };
            self.stack.ifaces[s].inbound = filter(want.0.clone());
            self.stack.ifaces[s].outbound = filter(want.1.clone());
            i.filters_installed = want;
        }
        for i in &mut self.ifaces {
            let Some(s) = i.stack else { continue };
            let want = (i.traffic_filter_in.clone(), i.traffic_filter_out.clone());
            if i.filters6_installed == want {
                continue;
            }
            let filter = |id: Option<AclId>| {
                id.map(|id| Box::new(AclFilter { table: self.services.acls.clone(), id }) as Box<dyn Packet6Filter>)
            };
            self.stack6.ifaces[s].inbound = filter(want.0.clone());
            self.stack6.ifaces[s].outbound = filter(want.1.clone());
            i.filters6_installed = want;
        }
    }

    /// Give the translator the configuration it works from (interfaces'
    /// sides, rules, pools, the addresses `overload` interfaces have now),
    /// and install it on the stack while there is something to translate.
    pub(super) fn nat_sync(&mut self) {
        use crate::proto::nat::{NatSetup, Rule, Side, Target};
        let config = &self.services.nat;
        // The usual case, after every command and every second: no NAT at all.
        if config.rules.is_empty()
            && self.stack.translator.is_none()
            && self.stack.ifaces.iter().all(|i| i.aliases.is_empty())
        {
            return;
        }
        let mut sides = vec![None; self.stack.ifaces.len()];
        for i in &self.ifaces {
            if let (Some(s), Some(side)) = (i.stack, i.nat) {
                sides[s] = Some(side);
            }
        }
        let active =
            !config.rules.is_empty() && sides.contains(&Some(Side::Inside)) && sides.contains(&Some(Side::Outside));
        // The outside interfaces answer ARP for the global addresses on their
        // subnets (static ones, and pools'), as IOS adds aliases for them.
        let globals: Vec<Ipv4Addr> = if active {
            config
                .rules
                .iter()
                .filter_map(|r| match r {
                    Rule::Static { global, .. } | Rule::StaticPort { global, .. } => Some(*global),
                    Rule::Dynamic { .. } => None,
                })
                .chain(
                    config
                        .pools
                        .iter()
                        .flat_map(|p| (u32::from(p.start)..=u32::from(p.end)).take(1024).map(Ipv4Addr::from)),
                )
                .collect()
        } else {
            Vec::new()
        };
        for (s, side) in sides.iter().enumerate() {
            let ip = &mut self.stack.ifaces[s];
            let aliases: Vec<Ipv4Addr> = match (side, ip.addr) {
                (Some(Side::Outside), Some((a, len))) => globals
                    .iter()
                    .copied()
                    .filter(|g| crate::proto::ipv4::network(*g, len) == crate::proto::ipv4::network(a, len) && *g != a)
                    .collect(),
                _ => Vec::new(),
            };
            if ip.aliases != aliases {
                ip.aliases = aliases;
            }
        }
        if !active {
            if self.stack.translator.is_some() {
                self.stack.translator = None;
            }
            return;
        }
        let iface_addrs = config
            .rules
            .iter()
            .filter_map(|r| match r {
                Rule::Dynamic { target: Target::Interface(name), .. } => Some(name.clone()),
                _ => None,
            })
            .map(|name| {
                let addr = self.iface(&name).and_then(|i| i.stack).and_then(|s| self.stack.ifaces[s].addr).map(|a| a.0);
                (name, addr)
            })
            .collect();
        let setup = NatSetup { sides, config: config.clone(), iface_addrs };
        let table = self.services.nat_table.clone();
        {
            let mut nat = table.lock();
            nat.setup = setup;
            nat.set_acls(self.services.acls.clone());
        }
        if self.stack.translator.is_none() {
            self.stack.translator = Some(Box::new(table));
        }
    }

    /// Does vty `line`'s `access-class ... in` let a connection from `peer`
    /// to `local:port` in? (No list, or a list that does not exist: yes.)
    pub(super) fn access_class_admits(&self, now: Time, line: u8, peer: Ipv4Addr, local: Ipv4Addr, port: u16) -> bool {
        let Some(id) = self.vty_config(line).and_then(|l| l.access_class_in.clone()) else {
            return true;
        };
        let packet = PacketInfo {
            src: Some(peer),
            dst: Some(local),
            protocol: 6,
            src_port: None,
            dst_port: Some(port),
            icmp_type: None,
            tcp_ack_or_rst: false,
        };
        self.services.acls.admits(now, &id, &packet)
    }

    /// Does vty `line`'s `access-class ... out` let a session on it open a
    /// connection to `dst`? (The list's addresses are the destinations.)
    pub(super) fn access_class_out_admits(&self, now: Time, line: u8, dst: Ipv4Addr) -> bool {
        let Some(id) = self.vty_config(line).and_then(|l| l.access_class_out.clone()) else {
            return true;
        };
        let packet = PacketInfo { src: Some(dst), dst: Some(dst), protocol: 6, ..PacketInfo::default() };
        self.services.acls.admits(now, &id, &packet)
    }

    /// The lines `log` entries produced, for the console.
    #[inline]
    pub(super) fn filters_log(&mut self) {
        for line in self.services.acls.take_log() {
            self.pending_log.push_str(&format!("\n{line}\n"));
        }
    }
}
