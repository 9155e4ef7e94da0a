//! HSRP on an IOS box: each interface's groups follow its state and
//! address, take the hellos of UDP port 1985, say hello from the virtual MAC
//! while active, answer for the virtual IP through the IP stack, announce a
//! takeover with a gratuitous ARP, and log `%HSRP-5-STATECHANGE`.

use super::*;
use crate::proto::arp;
use crate::proto::decision::Decision;
use crate::proto::hsrp::{self, Hello, State};
use crate::proto::udp;

impl Ios {
    /// Bring every group in step with its interface (up, address) and the
    /// stack with the groups (the port bound, the multicast groups joined).
    pub fn hsrp_sync(&mut self, now: Time) {
        let mut any = false;
        for at in 0..self.ifaces.len() {
            if self.ifaces[at].hsrp.is_empty() {
                continue;
            }
            any = true;
            let Some(s) = self.ifaces[at].stack else { continue };
            let (up, addr) = (self.stack.ifaces[s].up, self.stack.ifaces[s].addr);
            let version = self.ifaces[at].hsrp_version;
            for g in &mut self.ifaces[at].hsrp {
                match (up, addr) {
                    (true, Some((a, _))) => g.up(now, a),
                    _ if g.state != State::Init => g.down(now),
                    _ => {}
                }
            }
            let group = if version == 2 { hsrp::V2_GROUP } else { hsrp::V1_GROUP };
            self.stack.join(s, group);
        }
        if any {
            self.stack.bind(Binding::Udp(hsrp::PORT));
        }
        self.hsrp_flush(now);
    }

    /// A hello on UDP port 1985 (the `IP_SERVICES` table sends it here).
    pub(super) fn hsrp_packet(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        let Some(hello) = p.bytes.get(udp::HEADER_LEN..).and_then(Hello::parse) else { return };
        for i in self.ifaces.iter_mut().filter(|i| i.stack == Some(p.iface) && i.hsrp_version == hello.version) {
            for g in i.hsrp.iter_mut().filter(|g| g.config.group == hello.group) {
                g.receive(now, p.src, &hello);
            }
        }
        self.hsrp_flush(now);
    }

    /// When a group next has work (kept by [`Ios::hsrp_flush`], which every change ends with).
    pub(super) fn hsrp_deadline(&self) -> Option<Time> {
        self.routing.hsrp_due
    }

    pub(super) fn hsrp_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        for i in &mut self.ifaces {
            for g in &mut i.hsrp {
                if g.poll_at().is_some_and(|t| t <= now) {
                    g.poll(now);
                }
            }
        }
        self.hsrp_flush(now);
        String::new()
    }

    /// Send the groups' hellos, log their changes, and let the stack answer
    /// for the virtual addresses of the active ones.
    fn hsrp_flush(&mut self, _now: Time) {
        for at in 0..self.ifaces.len() {
            let Some(s) = self.ifaces[at].stack else { continue };
            let version = self.ifaces[at].hsrp_version;
            let name = self.ifaces[at].name.clone();
            let mac = self.stack.ifaces[s].mac;
            let mut virtuals = Vec::new();
            let mut announce = Vec::new();
            for g in &mut self.ifaces[at].hsrp {
                let vmac = hsrp::virtual_mac(version, g.config.group);
                for (theirs, ours) in std::mem::take(&mut g.vip_conflicts) {
                    self.pending_log.push_str(&format!(
                        "\n%HSRP-4-DIFFVIP1: {name} Grp {} active routers virtual IP address {theirs} is different to the locally configured address {ours}\n",
                        g.config.group
                    ));
                }
                for (from, to) in std::mem::take(&mut g.changes) {
                    if self.stack.notes.is_some() {
                        let note =
                            Decision::Redundancy { group: g.config.group, iface: s, from: from.word(), to: to.word() };
                        self.pending_notes.push((None, note));
                    }
                    // IOS logs a group entering or leaving Active or Standby.
                    let logged = [from, to].iter().any(|s| matches!(s, State::Active | State::Standby));
                    if logged {
                        self.pending_log.push_str(&format!(
                            "\n%HSRP-5-STATECHANGE: {name} Grp {} state {} -> {}\n",
                            g.config.group,
                            from.word(),
                            to.word()
                        ));
                    }
                    if to == State::Active {
                        if let Some(vip) = g.virtual_ip {
                            announce.push(arp::request(vmac, vip, vip));
                        }
                    }
                }
                if g.state == State::Active {
                    if let Some(vip) = g.virtual_ip {
                        virtuals.push((vip, vmac));
                    }
                }
                let group_ip = if version == 2 { hsrp::V2_GROUP } else { hsrp::V1_GROUP };
                for mut hello in std::mem::take(&mut g.out) {
                    hello.version = version;
                    hello.identifier = mac;
                    let src = if g.state == State::Active { vmac } else { mac };
                    let _ = self.stack.send_multicast_udp(s, src, group_ip, (hsrp::PORT, hsrp::PORT), 1, &hello.emit());
                }
            }
            self.stack.ifaces[s].virtuals = virtuals;
            // The takeover is announced so switches learn where the virtual MAC now is.
            for frame in announce {
                self.stack.out.push((s, frame));
            }
        }
        self.routing.hsrp_due = self.ifaces.iter().flat_map(|i| &i.hsrp).filter_map(|g| g.poll_at()).min();
        self.refresh_due();
    }
}
