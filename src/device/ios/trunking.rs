//! DTP on a switch: hellos that say what each port is, and the trunks they
//! negotiate.

use super::*;

impl Ios {
    /// DTP, once a second: say what each switch port is, when it changed or
    /// every 30 s; forget silent neighbours; follow what was heard.
    pub(super) fn run_dtp(&mut self, now: Time, ports: &[Port]) {
        use crate::proto::dtp::{self, Admin, Hello};
        let mut changed = false;
        let mut frames = Vec::new();
        // What each port says is what it runs with (a channel member speaks
        // for its port-channel's configuration).
        let said: Vec<Option<(Admin, bool)>> = self
            .ifaces
            .iter()
            .map(|i| self.effective_switchport(i).as_ref().map(|sp| (Admin::of(sp.mode), sp.nonegotiate)))
            .collect();
        let bridge = self.bridge.as_ref();
        for (i, said) in self.ifaces.iter_mut().zip(said) {
            let (Some(p), Some((admin, nonegotiate))) = (i.port, said) else { continue };
            if i.dtp_heard.is_some_and(|(_, at)| now.since(at).secs() >= dtp::TIMEOUT_SECS) {
                i.dtp_heard = None;
                changed = true;
            }
            if nonegotiate || !ports[p].link_up {
                continue;
            }
            let trunking = bridge.is_some_and(|b| b.is_trunk(p));
            let due = match i.dtp_said {
                None => true,
                Some((a, t, at)) => a != admin || t != trunking || now.since(at).secs() >= dtp::HELLO_SECS,
            };
            if due {
                i.dtp_said = Some((admin, trunking, now));
                frames.push((p, dtp::frame(ports[p].mac, &Hello { admin, trunking, sender: ports[p].mac })));
            }
        }
        self.pending_l2.extend(frames);
        if changed {
            self.sync_bridge(ports);
        }
    }

    pub(super) fn dtp_heard(&mut self, now: Time, port: usize, hello: &crate::proto::dtp::Hello, ports: &[Port]) {
        let Some(i) = self.port_iface_mut(port) else { return };
        if i.switchport.is_none() {
            return;
        }
        let before = i.dtp_heard.map(|(a, _)| a);
        i.dtp_heard = Some((hello.admin, now));
        if before != Some(hello.admin) {
            self.sync_bridge(ports);
        }
    }
}
