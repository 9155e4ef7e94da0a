//! DHCPv6 on an IOS box: the `ipv6 dhcp pool`s, an interface's role
//! (`ipv6 dhcp server POOL`, `ipv6 dhcp relay destination ADDR [IFACE]`),
//! the server's bindings, and the relay that wraps clients' messages for a
//! server elsewhere and unwraps its replies.

use std::net::Ipv6Addr;

use super::Ios;
use crate::base::IfaceName;
use crate::proto::dhcpv6::{self, Pool, Relay};
use crate::proto::ip6_stack::Delivery6;
use crate::proto::ip_stack::Binding;
use crate::proto::{ipv6, udp};
use crate::sim::Time;

/// What an interface does with DHCPv6.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dhcp6Role {
    /// `ipv6 dhcp server POOL`.
    Server(String),
    /// `ipv6 dhcp relay destination ADDR [IFACE]`, each destination.
    Relay(Vec<(Ipv6Addr, Option<IfaceName>)>),
}

impl Ios {
    /// Listen where a role says so: All_DHCP_Relay_Agents_and_Servers on
    /// each server or relay interface, and the server port.
    pub(super) fn dhcpv6_sync(&mut self) {
        // `ipv6 address dhcp`: a client per interface that asks for an address.
        let wanted: Vec<(usize, crate::proto::Mac)> = self
            .ifaces
            .iter()
            .filter(|i| i.ipv6_dhcp_client)
            .filter_map(|i| i.stack.map(|s| (s, self.stack6.ifaces[s].mac)))
            .collect();
        let before = self.dhcpv6_clients.len();
        let gone: Vec<usize> =
            self.dhcpv6_clients.keys().filter(|s| !wanted.iter().any(|w| w.0 == **s)).copied().collect();
        for s in &gone {
            if let Some(mut c) = self.dhcpv6_clients.remove(s) {
                c.release();
                for bytes in c.out {
                    let ports = (dhcpv6::CLIENT_PORT, dhcpv6::SERVER_PORT);
                    let _ = self.stack6.send_link_udp(*s, dhcpv6::ALL_SERVERS, ports, &bytes);
                }
            }
            self.stack6.set_dhcp_address(*s, None);
        }
        let mut started = false;
        for (s, mac) in wanted {
            self.dhcpv6_clients.entry(s).or_insert_with(|| {
                started = true;
                let mut c = dhcpv6::Client::new(mac);
                // IOS identifies itself with its DUID-LL; it starts at the next poll.
                c.duid = dhcpv6::duid_ll(mac);
                c.start(Time::ZERO, dhcpv6::Mode::Stateful);
                c
            });
        }
        if self.dhcpv6_clients.is_empty() {
            self.stack6.unbind(Binding::Udp(dhcpv6::CLIENT_PORT));
        } else {
            self.stack6.bind(Binding::Udp(dhcpv6::CLIENT_PORT));
        }
        if started || before != self.dhcpv6_clients.len() {
            self.refresh_due();
        }
        let mut any = false;
        for i in &self.ifaces {
            let Some(s) = i.stack else { continue };
            if i.ipv6_dhcp.is_some() {
                any = true;
                self.stack6.join(s, dhcpv6::ALL_SERVERS);
            } else if self.stack6.ifaces[s].groups.contains(&dhcpv6::ALL_SERVERS) {
                self.stack6.leave(s, dhcpv6::ALL_SERVERS);
            }
        }
        if any {
            self.stack6.bind(Binding::Udp(dhcpv6::SERVER_PORT));
        } else {
            self.stack6.unbind(Binding::Udp(dhcpv6::SERVER_PORT));
        }
    }

    /// A reply to the box's own `ipv6 address dhcp` clients (the `IP6_SERVICES` table).
    pub(super) fn dhcpv6_client_packet(&mut self, now: Time, d: &Delivery6) {
        if let Delivery6::Payload { iface, bytes, .. } = d {
            self.dhcpv6_client_receive(now, *iface, bytes.get(udp::HEADER_LEN..).unwrap_or_default());
        }
    }

    /// A message for the box's DHCPv6 server or relay (the `IP6_SERVICES` table).
    pub(super) fn dhcpv6_server_packet(&mut self, now: Time, d: &Delivery6) {
        let Delivery6::Payload { iface, src, dst, bytes, .. } = d else { return };
        let body = bytes.get(udp::HEADER_LEN..).unwrap_or_default();
        let role = self.ifaces.iter().find(|i| i.stack == Some(*iface)).and_then(|i| i.ipv6_dhcp.clone());
        if let Some(relay) = Relay::parse(body).filter(|r| r.reply) {
            return self.relay_reply(now, relay);
        }
        match role {
            Some(Dhcp6Role::Relay(destinations)) if Relay::parse(body).is_none() => {
                self.relay_forward(now, *iface, *src, body, &destinations)
            }
            Some(Dhcp6Role::Server(pool)) => self.serve(now, *iface, *src, body, &pool),
            // A relay-forward sent to one of our addresses: the pool whose
            // prefix holds the relay's link address answers.
            _ if !dst.is_multicast() => {
                let Some(relay) = Relay::parse(body) else { return };
                let pool = self
                    .services
                    .dhcpv6_pools
                    .iter()
                    .find(|p| p.prefix.is_some_and(|(prefix, len)| ipv6::contains(prefix, len, relay.link)));
                if let Some(pool) = pool.map(|p| p.name.clone()) {
                    self.serve(now, *iface, *src, body, &pool);
                }
            }
            _ => {}
        }
    }

    fn serve(&mut self, now: Time, iface: usize, from: Ipv6Addr, body: &[u8], pool: &str) {
        let Some(pool) = self.services.dhcpv6_pools.iter().find(|p| p.name == pool).cloned() else { return };
        let server = self.dhcpv6.get_or_insert_with(|| dhcpv6::Server::new(self.stack6.ifaces[0].mac));
        server.receive(now, iface, from, body, &pool);
        for a in std::mem::take(&mut server.out) {
            let pinned = ipv6::is_link_local(a.to).then_some(a.iface);
            let _ = self.stack6.send_udp(now, None, a.to, pinned, (dhcpv6::SERVER_PORT, a.port), &a.bytes);
        }
    }

    /// A client's message on a relay interface: wrapped, to every destination.
    fn relay_forward(
        &mut self,
        now: Time,
        iface: usize,
        client: Ipv6Addr,
        body: &[u8],
        destinations: &[(Ipv6Addr, Option<IfaceName>)],
    ) {
        let link = self.stack6.ifaces[iface].globals().next().map_or(Ipv6Addr::UNSPECIFIED, |a| a.addr);
        let name = self.stack6.ifaces[iface].name.to_string();
        let wrapped = dhcpv6::relay_forward(link, client, name.as_bytes(), body);
        for (dest, out) in destinations {
            let pinned = out.as_ref().and_then(|n| self.iface(n)).and_then(|i| i.stack);
            let ports = (dhcpv6::SERVER_PORT, dhcpv6::SERVER_PORT);
            let _ = self.stack6.send_udp(now, None, *dest, pinned, ports, &wrapped);
        }
    }

    /// A server's relay-reply: the message inside goes to the client, on
    /// the interface the relay-forward named.
    fn relay_reply(&mut self, now: Time, relay: Relay) {
        let name = relay.interface_id.as_deref().map(String::from_utf8_lossy);
        let iface = name.and_then(|n| IfaceName::parse(&n).ok()).and_then(|n| self.iface(&n)).and_then(|i| i.stack);
        let Some(iface) = iface else { return };
        let ports = (dhcpv6::SERVER_PORT, dhcpv6::CLIENT_PORT);
        let _ = self.stack6.send_udp(now, None, relay.peer, Some(iface), ports, &relay.inner);
    }

    fn dhcpv6_client_receive(&mut self, now: Time, iface: usize, body: &[u8]) {
        let Some(c) = self.dhcpv6_clients.get_mut(&iface) else { return };
        if c.receive(now, body) {
            let addr = c.lease.as_ref().and_then(|l| l.addr).map(|a| a.addr);
            self.stack6.set_dhcp_address(iface, addr);
        }
        self.dhcpv6_client_flush();
    }

    /// A client asks only once its interface is up and its link-local
    /// usable; until then its deadline is not one (or the device would be
    /// woken at the same instant forever).
    pub(super) fn dhcpv6_client_deadline(&self) -> Option<Time> {
        self.dhcpv6_clients
            .iter()
            .filter(|(s, _)| self.stack6.ifaces[**s].link_local().is_some())
            .filter_map(|(_, c)| c.poll_at())
            .min()
    }

    pub(super) fn dhcpv6_client_poll(&mut self, now: Time, _ports: &[crate::device::Port]) -> String {
        for (s, c) in self.dhcpv6_clients.iter_mut() {
            if c.poll_at().is_some_and(|t| t <= now) && self.stack6.ifaces[*s].link_local().is_some() {
                c.poll(now);
            }
        }
        self.dhcpv6_client_flush();
        String::new()
    }

    fn dhcpv6_client_flush(&mut self) {
        for (s, c) in self.dhcpv6_clients.iter_mut() {
            for bytes in std::mem::take(&mut c.out) {
                let ports = (dhcpv6::CLIENT_PORT, dhcpv6::SERVER_PORT);
                let _ = self.stack6.send_link_udp(*s, dhcpv6::ALL_SERVERS, ports, &bytes);
            }
        }
        self.refresh_due();
    }

    /// The pool an interface serves, if any.
    pub fn dhcpv6_pool_of(&self, pool: &str) -> Option<&Pool> {
        self.services.dhcpv6_pools.iter().find(|p| p.name == pool)
    }
}
