//! DHCP on an IOS box: the server for its `ip dhcp pool`s and the relay of
//! `ip helper-address`, both on UDP port 67 (`service dhcp`, on by default,
//! runs them). A broadcast from a client on an interface with helper
//! addresses is relayed (giaddr set to that interface's address, one hop
//! more) to each helper; a server's reply to one of the box's relay
//! addresses goes back to the client's LAN; anything else is the server's.

use super::*;
use crate::proto::decision::{Decision, DhcpStep};
use crate::proto::dhcp::{self, Arrival, Message, ReplyTo, ServerAction};
use crate::proto::ethernet::BROADCAST;
use crate::proto::{icmp, udp};
use smoltcp::wire::IpProtocol;

/// IOS sends DHCP replies with a TTL of 255.
const DHCP_TTL: u8 = 255;

impl Ios {
    /// Listen on UDP port 67 while there is something to serve or relay.
    pub(super) fn dhcp_sync(&mut self, now: Time) {
        let s = &self.services;
        let wanted =
            !s.dhcp_disabled && (!s.dhcp_pools.is_empty() || self.ifaces.iter().any(|i| !i.helpers.is_empty()));
        if wanted {
            self.stack.bind(Binding::Udp(dhcp::SERVER_PORT));
        } else {
            self.stack.unbind(Binding::Udp(dhcp::SERVER_PORT));
        }
        self.dhcp_flush(now);
    }

    /// The box's own addresses, which its server never hands out.
    fn own_addresses(&self) -> Vec<Ipv4Addr> {
        self.stack.ifaces.iter().flat_map(|i| i.addresses().map(|(a, _)| a)).collect()
    }

    /// A message on UDP port 67 (the `IP_SERVICES` table sends it here).
    pub(super) fn dhcp_packet(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        if self.services.dhcp_disabled {
            return;
        }
        let Some(m) = p.bytes.get(udp::HEADER_LEN..).and_then(Message::parse) else {
            self.services.dhcp_server.stats.malformed += 1;
            return;
        };
        // Option 82 with no relay address comes from a snooping switch, not
        // a relay: IOS takes it only when told to trust it.
        if !m.is_reply() && m.relay_info.is_some() && m.giaddr.is_unspecified() && !self.services.dhcp_relay_trust_all {
            return;
        }
        if m.is_reply() {
            self.services.dhcp_server.stats.count_reply(m.kind);
            self.relay_to_client(now, m);
        } else if let Some(helpers) = self.helpers_on(p.iface).filter(|_| p.dst == Ipv4Addr::BROADCAST) {
            self.relay_to_servers(now, p.iface, m, &helpers);
        } else {
            let iface = &self.stack.ifaces[p.iface];
            let Some((primary, _)) = iface.addr else { return };
            // The server speaks from the address the request came to.
            let server_addr = if self.stack.is_local(p.dst) { p.dst } else { primary };
            let arrival = Arrival { iface: p.iface, server_addr, subnets: iface.addresses().collect() };
            let own = self.own_addresses();
            let s = &mut self.services;
            s.dhcp_server.receive(now, &m, arrival, &s.dhcp_pools, &s.dhcp_excluded, &own);
        }
        self.dhcp_flush(now);
    }

    /// The helper addresses of the interface behind IP interface `s`, if any.
    fn helpers_on(&self, s: usize) -> Option<Vec<Ipv4Addr>> {
        let i = self.ifaces.iter().find(|i| i.stack == Some(s))?;
        (!i.helpers.is_empty()).then(|| i.helpers.clone())
    }

    /// A client's broadcast on an interface with `ip helper-address`: to each
    /// helper, with this interface as the gateway address.
    fn relay_to_servers(&mut self, now: Time, s: usize, mut m: Message, helpers: &[Ipv4Addr]) {
        let Some((primary, _)) = self.stack.ifaces[s].addr else { return };
        if m.giaddr.is_unspecified() {
            m.giaddr = primary;
        }
        m.hops = m.hops.saturating_add(1);
        self.services.dhcp_server.stats.count_forwarded(m.kind);
        let data = m.emit();
        for &server in helpers {
            let Ok(src) = self.stack.source_for(server) else { continue };
            let len = udp::HEADER_LEN + data.len();
            let sent = self.stack.originate(now, src, server, IpProtocol::Udp, None, len, |b| {
                udp::emit(b, src, server, dhcp::SERVER_PORT, dhcp::SERVER_PORT, &data)
            });
            if sent.is_ok() {
                self.note_dhcp(DhcpStep::RelayedToServer, server, s);
            }
        }
    }

    /// A server's reply to one of this box's relay addresses: to the client,
    /// broadcast if it asked for broadcasts, else to its MAC.
    fn relay_to_client(&mut self, _now: Time, m: Message) {
        let Some(s) = self.stack.ifaces.iter().position(|i| i.addresses().any(|(a, _)| a == m.giaddr)) else { return };
        let (dst, mac) = if m.broadcast { (Ipv4Addr::BROADCAST, BROADCAST) } else { (m.yiaddr, m.chaddr) };
        self.services.dhcp_server.stats.count_forwarded(m.kind);
        let data = m.emit();
        let ports = (dhcp::SERVER_PORT, dhcp::CLIENT_PORT);
        if self.stack.send_udp_to_mac(s, m.giaddr, dst, mac, ports, DHCP_TTL, &data).is_ok() {
            self.note_dhcp(DhcpStep::RelayedToClient, m.yiaddr, s);
        }
    }

    /// An echo reply to one of the server's conflict-detection pings.
    pub fn dhcp_echo_reply(&mut self, now: Time, from: Ipv4Addr) {
        let own = self.own_addresses();
        let s = &mut self.services;
        s.dhcp_server.echo_reply(now, from, &s.dhcp_pools, &s.dhcp_excluded, &own);
        self.dhcp_flush(now);
    }

    pub(super) fn dhcp_deadline(&self) -> Option<Time> {
        self.services.dhcp_due
    }

    pub(super) fn dhcp_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        let s = &mut self.services;
        s.dhcp_server.poll(now, &s.dhcp_pools);
        self.dhcp_flush(now);
        String::new()
    }

    /// `clear ip dhcp binding *|ADDR`.
    pub fn clear_dhcp_bindings(&mut self, which: Option<Ipv4Addr>) {
        self.services.dhcp_server.clear_bindings(which);
    }

    /// `clear ip dhcp conflict *|ADDR`.
    pub fn clear_dhcp_conflicts(&mut self, which: Option<Ipv4Addr>) {
        self.services.dhcp_server.clear_conflicts(which);
    }

    /// Send what the server queued; log conflicts as IOS does.
    fn dhcp_flush(&mut self, now: Time) {
        let actions = std::mem::take(&mut self.services.dhcp_server.out);
        for action in actions {
            match action {
                ServerAction::Reply { iface, to, message } => self.send_dhcp_reply(now, iface, to, message),
                ServerAction::Ping(addr) => {
                    let data = [0xabu8; 100];
                    let len = icmp::echo_len(data.len());
                    let _ = self.stack.originate(now, Ipv4Addr::UNSPECIFIED, addr, IpProtocol::Icmp, None, len, |b| {
                        icmp::emit_echo(b, false, dhcp::PING_IDENT, 0, &data)
                    });
                }
                ServerAction::Conflict(addr) => {
                    self.pending_log.push_str(&format!(
                        "\n%DHCPD-4-PING_CONFLICT: DHCP address conflict:  server pinged {addr}.\n"
                    ));
                    self.note_dhcp(DhcpStep::Conflict, addr, 0);
                }
            }
        }
        self.services.dhcp_due = self.services.dhcp_server.poll_at();
        self.refresh_due();
    }

    fn send_dhcp_reply(&mut self, now: Time, iface: usize, to: ReplyTo, m: Message) {
        let step = match m.kind {
            dhcp::Kind::Offer => DhcpStep::Offered,
            dhcp::Kind::Ack => DhcpStep::Acknowledged,
            _ => DhcpStep::Refused,
        };
        let sent = dhcp::send_reply(&mut self.stack, now, iface, to, &m, DHCP_TTL);
        if sent {
            self.note_dhcp(step, m.yiaddr, iface);
        }
    }

    fn note_dhcp(&mut self, step: DhcpStep, addr: Ipv4Addr, iface: usize) {
        if self.stack.notes.is_some() {
            self.pending_notes.push((None, Decision::Dhcp { step, addr, iface }));
        }
    }
}

/// `ip address dhcp` on an interface: the client, and the route its lease
/// brings.
#[derive(Debug)]
pub struct InterfaceClient {
    pub client: dhcp::Client,
    /// The default route the lease gave (IOS installs it at distance 254).
    pub gateway: Option<Ipv4Addr>,
}

impl Ios {
    /// `ip address dhcp` (`on`) or another address (`!on`) on an interface.
    pub fn set_dhcp_address(&mut self, now: Time, name: &IfaceName, on: bool) -> Result<(), AddressError> {
        let Some(s) = self.iface(name).and_then(|i| i.stack) else { return Err(AddressError::NotLayer3) };
        if !on {
            // The lease goes back to its server first, as IOS releases it.
            if let Some(c) = self.dhcp_clients.get_mut(&s) {
                c.client.release(now);
                self.dhcp_client_flush(now);
            }
            if self.dhcp_clients.remove(&s).is_some() {
                self.stack.ifaces[s].dhcp_client = false;
                self.stack.set_addr(s, None);
                self.sync_routes();
            }
            return Ok(());
        }
        if self.dhcp_clients.contains_key(&s) {
            return Ok(());
        }
        self.stack.ifaces[s].secondaries.clear();
        self.stack.set_addr(s, None);
        let mac = self.stack.ifaces[s].mac;
        let seed = u32::from_be_bytes([mac.0[2], mac.0[3], mac.0[4], mac.0[5]]);
        let mut client = dhcp::Client::new(mac, &self.system.hostname, seed);
        client.broadcast = true;
        self.dhcp_clients.insert(s, InterfaceClient { client, gateway: None });
        self.stack.ifaces[s].dhcp_client = true;
        self.stack.bind(Binding::Udp(dhcp::CLIENT_PORT));
        if self.stack.ifaces[s].up {
            self.dhcp_clients.get_mut(&s).expect("inserted").client.start(now);
        }
        self.sync_routes();
        self.dhcp_client_flush(now);
        Ok(())
    }

    /// Does this interface take its address from DHCP?
    pub fn address_from_dhcp(&self, stack_iface: usize) -> bool {
        self.dhcp_clients.contains_key(&stack_iface)
    }

    /// The default routes DHCP leases gave.
    pub(super) fn dhcp_default_routes(&self) -> Vec<StaticRoute> {
        self.dhcp_clients
            .values()
            .filter_map(|c| c.gateway)
            .map(|gw| StaticRoute { prefix: Prefix::DEFAULT, iface: None, next_hop: Some(gw), distance: 254 })
            .collect()
    }

    /// Interfaces that came up ask for a lease; those that went down let theirs go.
    pub(super) fn dhcp_client_sync(&mut self, now: Time) {
        let mut changed = false;
        for (&s, c) in self.dhcp_clients.iter_mut() {
            let up = self.stack.ifaces[s].up;
            let active = c.client.lease.is_some() || c.client.poll_at().is_some();
            if up && !active {
                c.client.start(now);
                self.stack.ifaces[s].dhcp_client = true;
                changed = true;
            } else if !up && active {
                c.client.stop();
                c.gateway = None;
                self.stack.set_addr(s, None);
                changed = true;
            }
        }
        if changed {
            self.sync_routes();
            self.dhcp_client_flush(now);
        }
    }

    /// A message on UDP port 68 (the `IP_SERVICES` table sends it here).
    pub(super) fn dhcp_client_packet(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        let Some(m) = p.bytes.get(udp::HEADER_LEN..).and_then(Message::parse) else { return };
        let Some(c) = self.dhcp_clients.get_mut(&p.iface) else { return };
        c.client.receive(now, &m);
        self.dhcp_client_flush(now);
    }

    pub(super) fn dhcp_client_deadline(&self) -> Option<Time> {
        self.dhcp_clients.values().filter_map(|c| c.client.poll_at()).min()
    }

    pub(super) fn dhcp_client_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        for c in self.dhcp_clients.values_mut() {
            if c.client.poll_at().is_some_and(|t| t <= now) {
                c.client.poll(now);
            }
        }
        self.dhcp_client_flush(now);
        String::new()
    }

    /// Send what the clients queued; take their leases.
    fn dhcp_client_flush(&mut self, now: Time) {
        use crate::proto::dhcp::ClientEvent;
        let ifaces: Vec<usize> = self.dhcp_clients.keys().copied().collect();
        let mut routes_changed = false;
        for s in ifaces {
            let c = self.dhcp_clients.get_mut(&s).expect("listed");
            let out = std::mem::take(&mut c.client.out);
            let events = std::mem::take(&mut c.client.events);
            for (to, m) in out {
                dhcp::send_from_client(&mut self.stack, now, s, to, &m, DHCP_TTL);
            }
            for e in events {
                match e {
                    ClientEvent::Bound(lease) => {
                        let name = self.stack.ifaces[s].name.clone();
                        self.stack.ifaces[s].dhcp_client = false;
                        self.stack.set_addr(s, Some((lease.addr, lease.len)));
                        if let Some(c) = self.dhcp_clients.get_mut(&s) {
                            c.gateway = lease.router;
                        }
                        routes_changed = true;
                        self.pending_log.push_str(&format!(
                            "\n%DHCP-6-ADDRESS_ASSIGN: Interface {name} assigned DHCP address {}, mask {}, hostname {}\n",
                            lease.addr,
                            crate::proto::ipv4::mask_of(lease.len),
                            self.system.hostname
                        ));
                        self.note_dhcp(DhcpStep::Leased, lease.addr, s);
                    }
                    ClientEvent::RenewFailed => {}
                    ClientEvent::GaveUp | ClientEvent::Refused | ClientEvent::Expired => {
                        // IOS keeps asking, without an address meanwhile.
                        self.stack.set_addr(s, None);
                        self.stack.ifaces[s].dhcp_client = true;
                        if let Some(c) = self.dhcp_clients.get_mut(&s) {
                            c.gateway = None;
                            c.client.start(now);
                        }
                        routes_changed = true;
                    }
                }
            }
        }
        if routes_changed {
            self.sync_routes();
        }
        if self.dhcp_clients.values().any(|c| !c.client.out.is_empty()) {
            self.dhcp_client_flush(now);
        }
        self.refresh_due();
    }
}
