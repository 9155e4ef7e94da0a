//! Access lists at work on an IOS box. `ip access-group` installs a filter
//! on the interface's way in or out of the IP stack ([`AclFilter`], sharing
//! the box's table, so an edit to the list applies at once and the hits show
//! in `show access-lists`); `access-class` on the vty lines checks where a
//! remote login comes from; the lines `log` entries produce reach the
//! console.

use std::net::Ipv4Addr;

use super::Ios;
use crate::proto::acl::{AclFilter, AclId};
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
    }

    /// Does vty `line`'s `access-class ... in` let a connection from `peer`
    /// to `local:port` in? (No list, or a list that does not exist: yes.)
    pub(super) fn access_class_admits(&self, now: Time, line: u8, peer: Ipv4Addr, local: Ipv4Addr, port: u16) -> bool {
        let Some(id) = self
            .system
            .lines
            .iter()
            .find(|l| l.kind == super::LineKind::Vty && (l.first..=l.last).contains(&line))
            .and_then(|l| l.access_class_in.clone())
        else {
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
        let Some(id) = self
            .system
            .lines
            .iter()
            .find(|l| l.kind == super::LineKind::Vty && (l.first..=l.last).contains(&line))
            .and_then(|l| l.access_class_out.clone())
        else {
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
