//! Name resolution on an IOS box: the static host table (`ip host`), then,
//! with `ip domain-lookup` (the default), DNS queries to the `ip
//! name-server`s in turn or, with none, to the broadcast address: three
//! tries of three seconds each per server, the wait every student meets
//! after a typo at the EXEC prompt.

use super::*;
use crate::proto::dns::{self, Resolution};
use crate::proto::udp;
use smoltcp::wire::IpProtocol;

/// IOS's `ip domain timeout 3` and `ip domain retry 2`: three tries of 3 s.
pub const IOS_RESOLVER: [crate::sim::Duration; 3] =
    [crate::sim::Duration::from_secs(3), crate::sim::Duration::from_secs(3), crate::sim::Duration::from_secs(3)];

/// What the terminal does when its lookup ends.
pub(super) struct Waiting(crate::device::LookupWaiter);

impl std::fmt::Debug for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Waiting")
    }
}

/// The port IOS asks from.
const RESOLVER_PORT: u16 = 53_000;

impl Ios {
    /// The server a lookup goes to: the first name server, else everyone.
    pub fn name_server(&self) -> Ipv4Addr {
        self.system.name_servers.first().copied().unwrap_or(Ipv4Addr::BROADCAST)
    }

    /// Look `name` up by DNS (the caller has tried the host table);
    /// `waiter` acts on the result.
    pub fn lookup(&mut self, now: Time, name: &str, waiter: crate::device::LookupWaiter) {
        self.lookup_waiter = Some(Waiting(waiter));
        self.lookup_owner = self.active;
        let server = self.name_server();
        // The other name servers, asked in turn if this one never answers.
        self.next_name_servers = self.system.name_servers.iter().skip(1).rev().copied().collect();
        self.looking_for = name.to_string();
        self.resolver.resolve(now, name, Some(server), false);
        self.resolver_flush(now);
    }

    /// Is the terminal waiting for a lookup (or the connection that follows one)?
    pub fn looking_up(&self) -> bool {
        (self.lookup_waiter.is_some() && self.lookup_owner == self.active) || self.connecting()
    }

    /// A lookup that ended, and what to do with it.
    /// (With the terminal that asked: the console or a vty session.)
    pub fn take_resolution(
        &mut self,
        now: Time,
    ) -> Option<(Resolution, crate::device::LookupWaiter, super::vty::TerminalId)> {
        if self.resolver.done.is_empty() {
            return None;
        }
        let r = self.resolver.done.remove(0);
        if let (Resolution::TimedOut { .. }, Some(next)) = (&r, self.next_name_servers.pop()) {
            // IOS goes on to its next name server, and says so on the line.
            self.terminal_print(now, self.lookup_owner, &format!(" ({next})"));
            let name = self.looking_for.clone();
            self.resolver.resolve(now, &name, Some(next), false);
            self.resolver_flush(now);
            return None;
        }
        self.lookup_waiter.take().map(|w| (r, w.0, self.lookup_owner))
    }

    /// Stop waiting (Ctrl+Shift+6): the lookup's answer and any connection
    /// attempt are given up.
    pub fn stop_lookup(&mut self, now: Time) {
        if self.lookup_owner == self.active {
            self.lookup_waiter = None;
        }
        self.abandon_attempt(now);
    }

    /// An answer on the resolver's port (the `IP_SERVICES` table sends it here).
    pub(super) fn resolver_packet(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        if let Some(body) = p.bytes.get(udp::HEADER_LEN..) {
            self.resolver.receive(now, p.src, body);
        }
        self.resolver_flush(now);
    }

    pub(super) fn resolver_deadline(&self) -> Option<Time> {
        self.resolver_due
    }

    pub(super) fn resolver_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        self.resolver.poll(now);
        self.resolver_flush(now);
        String::new()
    }

    fn resolver_flush(&mut self, now: Time) {
        for (server, query) in std::mem::take(&mut self.resolver.out) {
            let len = udp::HEADER_LEN + query.len();
            if server == Ipv4Addr::BROADCAST {
                // Out of every interface that is up, from its own address.
                let ifaces: Vec<usize> = (0..self.stack.ifaces.len())
                    .filter(|&i| self.stack.ifaces[i].up && self.stack.ifaces[i].addr.is_some())
                    .collect();
                for i in ifaces {
                    let Some((src, _)) = self.stack.ifaces[i].addr else { continue };
                    let ports = (RESOLVER_PORT, dns::PORT);
                    let _ = self.stack.send_udp_to_mac(
                        i,
                        src,
                        server,
                        crate::proto::ethernet::BROADCAST,
                        ports,
                        255,
                        &query,
                    );
                }
                continue;
            }
            let Ok(src) = self.stack.source_for(server) else { continue };
            let _ = self.stack.originate(now, src, server, IpProtocol::Udp, None, len, |b| {
                udp::emit(b, src, server, RESOLVER_PORT, dns::PORT, &query)
            });
        }
        // The port listens while a lookup waits for its answer.
        if self.resolver.is_busy() {
            self.stack.bind(Binding::Udp(RESOLVER_PORT));
        } else {
            self.stack.unbind(Binding::Udp(RESOLVER_PORT));
        }
        self.resolver_due = self.resolver.poll_at();
        self.refresh_due();
    }
}

/// The resolver's port, for the `IP_SERVICES` table.
pub(super) const PORT: u16 = RESOLVER_PORT;
