//! A host (PC, laptop, server): one NIC, an IP stack that does not forward, a
//! default gateway, the settings its command prompt shows, and the DHCP
//! client that sets them when the adapter is set to obtain an address
//! automatically (an APIPA address, 169.254.x.y, when no server answers,
//! as Windows does). Its DNS resolver looks names up (one lookup at a
//! time, the prompt waiting for it), and a Server answers DNS queries from
//! the zones configured on it. Its TCP carries HTTP: a Server's web
//! service answers on port 80, and `curl` fetches a page.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::dhcp_service::DhcpService;
use super::web::{Fetch, FetchOutcome, WebServer};
use super::Port;
use crate::proto::decision::{Decision, DhcpStep};
use crate::proto::dhcp::{self, Client, ClientEvent, ClientLease, Message};
use crate::proto::dhcp::{Arrival, ServerAction};
use crate::proto::dhcpv6;
use crate::proto::dns::{self, Resolution, Resolver, Zones};
use crate::proto::http::Url;
use crate::proto::ip6_stack::{Ip6Stack, Origin, Stack6Config, StaticRoute6};
use crate::proto::ip_stack::{Binding, Delivery, Encap, IpStack, StackConfig};
use crate::proto::rib::{Prefix, StaticRoute};
use crate::proto::tcp::{Tcp, TcpConfig};
use crate::proto::udp;
use crate::sim::{Duration, Time};
use smoltcp::wire::IpProtocol;

/// How the adapter got its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// Typed in (or none).
    Static,
    /// From a DHCP server's lease.
    Dhcp,
    /// Windows's automatic private address: DHCP is on and no server answered.
    Apipa,
}

/// How a DHCP exchange the prompt waits for ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DhcpOutcome {
    Bound(ClientLease),
    /// No server answered: the adapter took this APIPA address.
    GaveUp(Ipv4Addr),
    /// The lease went back to the server; the adapter has no address.
    Released,
    /// No server answered a renewal; the adapter keeps its lease.
    RenewFailed,
}

/// What the prompt prints when the exchange it waits for ends (the CLI
/// supplies it, so the words stay out of this floor).
pub type DhcpWaiter = Box<dyn FnOnce(&DhcpOutcome, &mut String) + Send + Sync>;

/// What to do when a lookup ends (print, then perhaps ping the address):
/// the CLI supplies it, with the device to act on.
pub type LookupWaiter = Box<dyn FnOnce(&Resolution, &mut super::Device, Time) + Send + Sync>;

/// What the prompt prints when a fetch ends.
/// What happens when a fetch ends (`curl` prints, the browser shows the
/// page): the caller supplies it.
pub type FetchWaiter = Box<dyn FnOnce(&FetchOutcome, &mut Host) + Send + Sync>;

/// The Desktop's web browser: the address typed, and what it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Browser {
    pub url: String,
    pub page: BrowserPage,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum BrowserPage {
    #[default]
    Empty,
    Loading,
    /// The status line and the page's text.
    Shown {
        status: String,
        text: String,
    },
    /// What the browser says instead of a page ("Request Timeout" ...).
    Error(String),
}

/// The UDP port the resolver asks from (Windows picks a random high port;
/// the lab's seed decides it here through the query id).
const RESOLVER_PORT_BASE: u16 = 49_152;

/// Windows's resolver: 1 s for the first try, then 2 and 4 (then it gives up).
pub const WINDOWS_RESOLVER: [Duration; 3] = [Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)];
/// nslookup: two tries of 2 seconds.
pub const NSLOOKUP: [Duration; 2] = [Duration::from_secs(2), Duration::from_secs(2)];

/// How long `ipconfig /release` takes after its message left.
const RELEASE_SETTLE: Duration = Duration::from_millis(10);

/// Windows looks for a DHCP server again every five minutes while it holds an APIPA address.
const APIPA_RETRY: Duration = Duration::from_secs(300);

pub struct Host {
    pub stack: IpStack,
    /// IPv6, on the same adapter (index 0).
    pub stack6: Ip6Stack,
    /// `ipv6config ADDR/LEN [GATEWAY]`: the static IPv6 address and gateway.
    pub ipv6_static: Option<(Ipv6Addr, u8)>,
    pub ipv6_gateway: Option<Ipv6Addr>,
    /// `ipv6config dhcp`: an address from DHCPv6 whatever routers say.
    pub ipv6_dhcp: bool,
    /// The DHCPv6 client: stateful with `ipv6config dhcp` or a router's M
    /// flag, stateless with its O flag (under `ipv6config autoconfig`).
    pub dhcpv6: dhcpv6::Client,
    /// DNS servers DHCPv6 gave.
    pub dns6: Vec<Ipv6Addr>,
    pub gateway: Option<Ipv4Addr>,
    pub dns: Option<Ipv4Addr>,
    /// The DNS suffix a DHCP server gave (`domain-name`).
    pub dns_suffix: Option<String>,
    pub addressing: Addressing,
    /// The DHCP client, while the adapter obtains its address automatically.
    pub dhcp: Option<Client>,
    /// The prompt waits for the DHCP exchange `ipconfig /renew` started.
    waiter: Option<DhcpWaiter>,
    /// When to look for a server again while on an APIPA address.
    retry_at: Option<Time>,
    /// Decisions for the trace.
    notes: Vec<Decision>,
    /// What the waited-for command printed when it ended.
    printed: String,
    /// A DHCPRELEASE is on its way (it may wait for ARP): the address goes
    /// once it has left, and the prompt returns a moment later, when the
    /// message has reached the server's LAN.
    releasing: bool,
    release_done_at: Option<Time>,
    /// The resolver (its cache survives between lookups).
    pub resolver: Resolver,
    /// The port the current lookup asks from.
    resolver_port: Option<u16>,
    /// What the prompt does when the lookup ends.
    lookup_waiter: Option<LookupWaiter>,
    /// A Server's DNS service: its zones and records (none: the service is off).
    pub dns_zones: Zones,
    pub tcp: Tcp,
    /// A Server's web service (on by default).
    pub web: Option<WebServer>,
    fetch: Option<(Fetch, FetchWaiter)>,
    /// A complex PDU over TCP or UDP on its way (simulation mode).
    pdu: Option<super::pdu::TransportPdu>,
    /// A Server's DHCP service (scopes set with netsh).
    pub dhcp_service: DhcpService,
    pub browser: Browser,
    /// A remote login (`telnet`, `ssh`) open at the prompt.
    pub remote: Option<super::remote::RemoteSession>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Host").field("addr", &self.addr()).field("addressing", &self.addressing).finish()
    }
}

impl Host {
    /// A host; a `server` runs a web service from the start.
    pub fn new(ports: &[Port], server: bool) -> Self {
        let mut stack = IpStack::new(StackConfig::HOST);
        stack.add_iface(ports[0].name.clone(), Encap::Ethernet, ports[0].mac);
        // Every TCP segment comes up to the host's TCP (which resets closed ports).
        stack.bind(Binding::Protocol(6));
        let b = ports[0].mac.0;
        let mut tcp = Tcp::new(TcpConfig::WINDOWS, u32::from_be_bytes([b[2], b[3], b[4], b[5]]));
        if server {
            tcp.listen(crate::proto::http::PORT);
        }
        let mut stack6 = Ip6Stack::new(Stack6Config::HOST, false);
        stack6.add_iface(ports[0].name.clone(), Encap::Ethernet, ports[0].mac);
        // Windows runs IPv6 on every adapter: a link-local address from the start.
        stack6.configure(0, true, &[]);
        Host {
            stack,
            stack6,
            ipv6_static: None,
            ipv6_gateway: None,
            ipv6_dhcp: false,
            dhcpv6: dhcpv6::Client::new(ports[0].mac),
            dns6: Vec::new(),
            gateway: None,
            dns: None,
            dns_suffix: None,
            addressing: Addressing::Static,
            dhcp: None,
            waiter: None,
            retry_at: None,
            notes: Vec::new(),
            printed: String::new(),
            releasing: false,
            release_done_at: None,
            resolver: Resolver::new(
                WINDOWS_RESOLVER.to_vec(),
                u16::from_be_bytes([ports[0].mac.0[4], ports[0].mac.0[5]]),
            ),
            resolver_port: None,
            lookup_waiter: None,
            dns_zones: Zones::default(),
            tcp,
            web: server.then(WebServer::default),
            fetch: None,
            pdu: None,
            dhcp_service: DhcpService::default(),
            browser: Browser::default(),
            remote: None,
        }
    }

    pub fn addr(&self) -> Option<(Ipv4Addr, u8)> {
        self.stack.ifaces[0].addr
    }

    /// `ipv6config ADDR/LEN [GATEWAY]`: a static IPv6 address (and default
    /// gateway); autoconfiguration stops. `None` removes it.
    pub fn set_ipv6(&mut self, addr: Option<(Ipv6Addr, u8)>, gateway: Option<Ipv6Addr>) {
        self.ipv6_static = addr;
        self.ipv6_gateway = gateway;
        self.stop_dhcpv6();
        self.stack6.set_autoconfig(0, false, true);
        self.sync_ipv6();
    }

    /// `ipv6config autoconfig`: addresses and the gateway from router
    /// advertisements, and DHCPv6 as their flags say.
    pub fn set_ipv6_autoconfig(&mut self) {
        self.ipv6_static = None;
        self.ipv6_gateway = None;
        self.stop_dhcpv6();
        self.stack6.set_autoconfig(0, true, true);
        self.sync_ipv6();
    }

    /// `ipv6config dhcp`: an address (and DNS) from a DHCPv6 server, the
    /// gateway from router advertisements.
    pub fn set_ipv6_dhcp(&mut self, now: Time) {
        self.ipv6_static = None;
        self.ipv6_gateway = None;
        self.stop_dhcpv6();
        self.ipv6_dhcp = true;
        self.stack6.set_autoconfig(0, false, true);
        self.sync_ipv6();
        self.stack6.bind(Binding::Udp(dhcpv6::CLIENT_PORT));
        self.dhcpv6.start(now, dhcpv6::Mode::Stateful);
    }

    fn stop_dhcpv6(&mut self) {
        self.ipv6_dhcp = false;
        self.dhcpv6.stop();
        self.dns6.clear();
        self.stack6.unbind(Binding::Udp(dhcpv6::CLIENT_PORT));
        self.stack6.set_dhcp_address(0, None);
    }

    /// Under autoconfiguration, DHCPv6 follows the routers' flags: an
    /// address when M is set, the other settings when O is.
    fn follow_advertisements(&mut self, now: Time) {
        if !self.stack6.ifaces[0].autoconfig {
            return;
        }
        let wanted = match self.stack6.ifaces[0].heard {
            Some(ad) if ad.managed => Some(dhcpv6::Mode::Stateful),
            Some(ad) if ad.other => Some(dhcpv6::Mode::Stateless),
            _ => None,
        };
        if self.dhcpv6.mode() == wanted {
            return;
        }
        match wanted {
            Some(mode) => {
                self.stack6.bind(Binding::Udp(dhcpv6::CLIENT_PORT));
                self.dhcpv6.start(now, mode);
            }
            None => {
                self.dhcpv6.stop();
                self.stack6.set_dhcp_address(0, None);
            }
        }
    }

    /// Is IPv6 still being set up (DAD, SLAAC, a DHCPv6 exchange)?
    pub fn ipv6_settling(&self) -> bool {
        self.stack6.settling(0) || (self.dhcpv6.busy() && self.stack6.ifaces[0].up)
    }

    /// A DHCPv6 message for the client.
    pub fn deliver6(&mut self, now: Time, d: &crate::proto::ip6_stack::Delivery6) {
        let crate::proto::ip6_stack::Delivery6::Payload { binding: Binding::Udp(dhcpv6::CLIENT_PORT), bytes, .. } = d
        else {
            return;
        };
        if self.dhcpv6.receive(now, bytes.get(udp::HEADER_LEN..).unwrap_or_default()) {
            let lease = self.dhcpv6.lease.clone().unwrap_or(dhcpv6::ClientLease {
                addr: None,
                dns: Vec::new(),
                domains: Vec::new(),
                server: Vec::new(),
            });
            self.stack6.set_dhcp_address(0, lease.addr.map(|a| a.addr));
            self.dns6 = lease.dns;
            if self.dns_suffix.is_none() {
                self.dns_suffix = lease.domains.first().cloned();
            }
        }
    }

    fn flush_dhcpv6(&mut self) {
        for bytes in std::mem::take(&mut self.dhcpv6.out) {
            let ports = (dhcpv6::CLIENT_PORT, dhcpv6::SERVER_PORT);
            let _ = self.stack6.send_link_udp(0, dhcpv6::ALL_SERVERS, ports, &bytes);
        }
    }

    /// Is the adapter's IPv6 set by router advertisements?
    pub fn ipv6_autoconfig(&self) -> bool {
        self.stack6.ifaces[0].autoconfig
    }

    fn sync_ipv6(&mut self) {
        let configured: Vec<_> = self.ipv6_static.iter().map(|&(a, len)| (a, len, Origin::Manual)).collect();
        self.stack6.configure(0, true, &configured);
        self.stack6.statics = self
            .ipv6_gateway
            .map(|gw| StaticRoute6 {
                prefix: Ipv6Addr::UNSPECIFIED,
                len: 0,
                iface: crate::proto::ipv6::is_link_local(gw).then_some(0),
                next_hop: Some(gw),
                distance: 1,
            })
            .into_iter()
            .collect();
        self.stack6.rebuild_routes();
    }

    /// `ipconfig ADDR MASK [GATEWAY]`: a static address; DHCP stops.
    pub fn set_ip(&mut self, addr: Option<(Ipv4Addr, u8)>, gateway: Option<Ipv4Addr>) {
        if let Some(c) = self.dhcp.as_mut() {
            c.stop();
        }
        self.dhcp = None;
        self.waiter = None;
        self.retry_at = None;
        self.addressing = Addressing::Static;
        self.dns_suffix = None;
        self.stack.ifaces[0].dhcp_client = false;
        self.stack.unbind(Binding::Udp(dhcp::CLIENT_PORT));
        self.configure(addr, gateway);
    }

    fn configure(&mut self, addr: Option<(Ipv4Addr, u8)>, gateway: Option<Ipv4Addr>) {
        self.gateway = gateway;
        self.stack.statics = gateway
            .map(|gw| StaticRoute { prefix: Prefix::DEFAULT, iface: None, next_hop: Some(gw), distance: 1 })
            .into_iter()
            .collect();
        self.stack.set_addr(0, addr);
        self.stack.clear_dynamic();
    }

    /// Is the adapter set to obtain its address automatically?
    pub fn dhcp_enabled(&self) -> bool {
        self.dhcp.is_some()
    }

    /// `ipconfig /renew` (and `/dhcp`): obtain an address automatically,
    /// renewing the lease it has. `waiter` prints the result.
    pub fn renew(&mut self, now: Time, host_name: &str, mac: crate::proto::Mac, waiter: Option<DhcpWaiter>) {
        if self.dhcp.is_none() {
            // The xid's seed: the MAC, which the lab's seed decides.
            let b = mac.0;
            let seed = u32::from_be_bytes([b[2], b[3], b[4], b[5]]);
            self.dhcp = Some(Client::new(mac, host_name, seed));
            self.addressing = Addressing::Dhcp;
            self.configure(None, None);
            self.dns = None;
        }
        self.stack.ifaces[0].dhcp_client = true;
        self.stack.bind(Binding::Udp(dhcp::CLIENT_PORT));
        self.waiter = waiter;
        self.retry_at = None;
        if let Some(c) = self.dhcp.as_mut() {
            c.renew(now);
        }
        self.flush_dhcp(now);
    }

    /// `ipconfig /release`: give the lease back; once the DHCPRELEASE has
    /// left (after ARP finds the server or its router), the adapter keeps no
    /// address. `waiter` prints the result.
    pub fn release(&mut self, now: Time, waiter: Option<DhcpWaiter>) {
        if let Some(c) = self.dhcp.as_mut() {
            c.release(now);
        }
        self.flush_dhcp(now);
        self.retry_at = None;
        self.releasing = true;
        self.release_done_at = None;
        self.waiter = waiter;
        self.settle(now);
    }

    /// Finish a release whose message has left.
    pub fn settle(&mut self, now: Time) {
        self.follow_advertisements(now);
        self.flush_dhcpv6();
        if !self.releasing || self.stack.has_pending() {
            return;
        }
        match self.release_done_at {
            None => {
                self.release_done_at = Some(now + RELEASE_SETTLE);
                return;
            }
            Some(t) if t > now => return,
            Some(_) => self.release_done_at = None,
        }
        self.releasing = false;
        self.configure(None, None);
        self.dns = None;
        self.dns_suffix = None;
        if self.addressing == Addressing::Apipa {
            self.addressing = Addressing::Dhcp;
        }
        if let Some(waiter) = self.waiter.take() {
            waiter(&DhcpOutcome::Released, &mut self.printed);
        }
    }

    /// Is the prompt waiting for a DHCP exchange or a name lookup?
    pub fn waiting(&self) -> bool {
        self.waiter.is_some()
            || self.releasing
            || self.lookup_waiter.is_some()
            || self.fetch.is_some()
            || self.remote.as_ref().is_some_and(super::remote::RemoteSession::busy)
    }

    /// Fetch `url` from `addr` (`curl [-I]`); `waiter` prints the result.
    pub fn fetch(&mut self, now: Time, url: &Url, addr: Ipv4Addr, head: bool, waiter: FetchWaiter) {
        let Ok(src) = self.stack.source_for(addr) else {
            waiter(&FetchOutcome::TimedOut { addr, port: url.port, after: Duration::ZERO }, self);
            return;
        };
        let f = Fetch::start(now, &mut self.tcp, src, addr, url, head);
        self.fetch = Some((f, waiter));
        self.flush_tcp(now);
    }

    /// Open a remote login (`telnet ADDR`, `ssh -l USER ADDR`); returns what
    /// the prompt prints at once.
    pub fn open_remote(&mut self, now: Time, dst: Ipv4Addr, via: super::remote::Via, seed: u64) -> String {
        let Ok(src) = self.stack.source_for(dst) else {
            return "% Connection timed out; remote host not responding\n".into();
        };
        let mut r =
            super::remote::RemoteSession::start(now, &mut self.tcp, (src, dst), via, super::remote::Flavor::Pc, seed);
        let printed = r.take_printed();
        self.remote = Some(r);
        self.flush_tcp(now);
        printed
    }

    /// A line typed while a remote login is open.
    pub fn remote_line(&mut self, now: Time, line: &str) {
        if let Some(r) = self.remote.as_mut() {
            r.send_line(now, &mut self.tcp, line);
        }
        self.flush_tcp(now);
    }

    /// Send a complex PDU over TCP or UDP (one at a time: a new one gives up the last).
    pub fn start_pdu(
        &mut self,
        now: Time,
        spec: super::pdu::TransportSpec,
        report: Box<dyn crate::proto::probe::Report>,
    ) {
        if let Some(mut old) = self.pdu.take() {
            old.abort(now, &mut self.stack, &mut self.tcp);
        }
        let mut pdu = super::pdu::TransportPdu::new(now, spec, report);
        pdu.poll(now, &mut self.stack, &mut self.tcp);
        self.pdu = Some(pdu);
        self.flush_tcp(now);
    }

    /// The complex PDU's attempt on its way: its transport and source port.
    pub fn pdu_src_port(&self) -> Option<u16> {
        self.pdu.as_ref().and_then(super::pdu::TransportPdu::src_port)
    }

    /// An ICMP error or a failed ARP about a datagram: `true` when the
    /// complex PDU on its way took it.
    pub fn pdu_error(&mut self, now: Time, d: &Delivery) -> bool {
        let Some(pdu) = self.pdu.as_mut() else { return false };
        let taken = pdu.on_error(now, &mut self.stack, d);
        if pdu.is_done() {
            self.pdu = None;
        }
        taken
    }

    /// Send TCP's segments and let the applications act on its events.
    fn flush_tcp(&mut self, now: Time) {
        for _ in 0..8 {
            let events = std::mem::take(&mut self.tcp.events);
            for e in events {
                if let Some(pdu) = self.pdu.as_mut() {
                    if pdu.on_tcp_event(now, &mut self.tcp, e) {
                        if pdu.is_done() {
                            self.pdu = None;
                        }
                        continue;
                    }
                }
                if self.web.as_mut().is_some_and(|w| w.on_event(now, &mut self.tcp, e)) {
                    continue;
                }
                if let Some(r) = self.remote.as_mut() {
                    if r.on_event(now, &mut self.tcp, e) {
                        self.printed.push_str(&r.take_printed());
                        if !r.is_open() {
                            self.remote = None;
                        }
                        continue;
                    }
                }
                let done = self.fetch.as_mut().and_then(|(f, _)| f.on_event(now, &mut self.tcp, e));
                if let Some(outcome) = done {
                    if let Some((_, waiter)) = self.fetch.take() {
                        waiter(&outcome, self);
                    }
                }
            }
            for seg in std::mem::take(&mut self.tcp.out) {
                let len = seg.segment.len();
                let _ = self
                    .stack
                    .originate(now, seg.src, seg.dst, IpProtocol::Tcp, None, len, |b| b.copy_from_slice(&seg.segment));
            }
            if self.tcp.events.is_empty() {
                break;
            }
        }
    }

    /// Look a name up (`ptr`: the reverse record of an address, as nslookup
    /// asks first) at `server`, with this retry schedule; `waiter` acts on
    /// the result.
    pub fn lookup(
        &mut self,
        now: Time,
        name: &str,
        server: Option<Ipv4Addr>,
        ptr: bool,
        schedule: &[Duration],
        waiter: LookupWaiter,
    ) {
        self.resolver.schedule = schedule.to_vec();
        self.lookup_waiter = Some(waiter);
        self.resolver.resolve(now, name, server, ptr);
        self.flush_dns(now);
    }

    /// A name as Windows asks for it: a single label gets the connection's
    /// DNS suffix (the domain DHCP gave).
    pub fn qualify(&self, name: &str) -> String {
        match &self.dns_suffix {
            Some(suffix) if !name.contains('.') => format!("{name}.{suffix}"),
            _ => name.to_string(),
        }
    }

    /// Look a name up as `ping NAME` does: qualified, at the adapter's DNS
    /// server, with Windows's retries. Returns the name asked for.
    pub fn resolve(&mut self, now: Time, name: &str, waiter: LookupWaiter) -> String {
        let name = self.qualify(name);
        let server = self.dns;
        self.lookup(now, &name, server, false, &WINDOWS_RESOLVER, waiter);
        name
    }

    /// A finished lookup and what to do with it.
    pub fn take_resolution(&mut self) -> Option<(Resolution, LookupWaiter)> {
        if self.resolver.done.is_empty() {
            return None;
        }
        let r = self.resolver.done.remove(0);
        self.lookup_waiter.take().map(|w| (r, w))
    }

    /// Send the resolver's queries from its port.
    fn flush_dns(&mut self, now: Time) {
        for (server, query) in std::mem::take(&mut self.resolver.out) {
            let port = RESOLVER_PORT_BASE + u16::from_be_bytes([query[0], query[1]]) % 16_384;
            if let Some(old) = self.resolver_port.replace(port) {
                self.stack.unbind(Binding::Udp(old));
            }
            self.stack.bind(Binding::Udp(port));
            let Ok(src) = self.stack.source_for(server) else { continue };
            let len = udp::HEADER_LEN + query.len();
            let _ = self.stack.originate(now, src, server, IpProtocol::Udp, None, len, |b| {
                udp::emit(b, src, server, port, dns::PORT, &query)
            });
        }
        if !self.resolver.is_busy() {
            if let Some(old) = self.resolver_port.take() {
                self.stack.unbind(Binding::Udp(old));
            }
        }
    }

    /// A Server's DHCP service, on or off with its scopes.
    pub fn sync_dhcp_service(&mut self) {
        if self.dhcp_service.scopes.is_empty() {
            self.stack.unbind(Binding::Udp(dhcp::SERVER_PORT));
        } else {
            self.stack.bind(Binding::Udp(dhcp::SERVER_PORT));
        }
    }

    /// A request on port 67 for a Server's DHCP service.
    fn serve_dhcp(&mut self, now: Time, p: &crate::proto::ip_stack::Payload) {
        let Some(m) = p.bytes.get(udp::HEADER_LEN..).and_then(Message::parse) else { return };
        if m.is_reply() {
            return;
        }
        let Some((addr, _)) = self.addr() else { return };
        let arrival = Arrival { iface: 0, server_addr: addr, subnets: self.stack.ifaces[0].addresses().collect() };
        let (pools, excluded) = (self.dhcp_service.pools(), self.dhcp_service.excluded());
        self.dhcp_service.server.receive(now, &m, arrival, &pools, &excluded, &[addr]);
        self.flush_dhcp_service(now);
    }

    fn flush_dhcp_service(&mut self, now: Time) {
        for action in std::mem::take(&mut self.dhcp_service.server.out) {
            if let ServerAction::Reply { to, message, .. } = action {
                dhcp::send_reply(&mut self.stack, now, 0, to, &message, 128);
            }
        }
    }

    /// A Server's DNS service, on or off with its zones.
    pub fn sync_dns_service(&mut self) {
        if self.dns_zones.zones.is_empty() {
            self.stack.unbind(Binding::Udp(dns::PORT));
        } else {
            self.stack.bind(Binding::Udp(dns::PORT));
        }
    }

    /// Stop waiting (Ctrl+C); a DHCP client carries on in the background,
    /// a fetch is reset.
    pub fn stop_waiting(&mut self, now: Time) {
        self.waiter = None;
        self.lookup_waiter = None;
        if let Some(mut r) = self.remote.take() {
            r.abort(&mut self.tcp);
            self.flush_tcp(now);
        }
        if let Some((f, _)) = self.fetch.take() {
            f.abort(&mut self.tcp);
            self.flush_tcp(now);
        }
    }

    pub fn poll_at(&self) -> Option<Time> {
        let client = self.dhcp.as_ref().and_then(Client::poll_at);
        let service = self.dhcp_service.server.poll_at();
        // The DHCPv6 client runs only while its link is up (see `poll`).
        let client6 = self.dhcpv6.poll_at().filter(|_| self.stack6.ifaces[0].up);
        let pdu = self.pdu.as_ref().and_then(super::pdu::TransportPdu::poll_at);
        [
            client,
            self.retry_at,
            self.release_done_at,
            self.resolver.poll_at(),
            self.tcp.poll_at(),
            service,
            client6,
            pdu,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Timed DHCP work: retransmissions, renewal, looking again after APIPA.
    pub fn poll(&mut self, now: Time) {
        self.settle(now);
        if self.resolver.poll_at().is_some_and(|t| t <= now) {
            self.resolver.poll(now);
            self.flush_dns(now);
        }
        if self.tcp.poll_at().is_some_and(|t| t <= now) {
            self.tcp.poll(now);
            self.flush_tcp(now);
        }
        if let Some(pdu) = self.pdu.as_mut().filter(|p| p.poll_at().is_some_and(|t| t <= now)) {
            pdu.poll(now, &mut self.stack, &mut self.tcp);
            if pdu.is_done() {
                self.pdu = None;
            }
            self.flush_tcp(now);
        }
        if self.dhcp_service.server.poll_at().is_some_and(|t| t <= now) {
            let pools = self.dhcp_service.pools();
            self.dhcp_service.server.poll(now, &pools);
            self.flush_dhcp_service(now);
        }
        if self.retry_at.is_some_and(|t| t <= now) {
            self.retry_at = None;
            if let Some(c) = self.dhcp.as_mut() {
                c.start(now);
            }
        }
        if let Some(c) = self.dhcp.as_mut() {
            c.poll(now);
        }
        self.flush_dhcp(now);
        if self.dhcpv6.poll_at().is_some_and(|t| t <= now) && self.stack6.ifaces[0].up {
            self.dhcpv6.poll(now);
        }
        self.flush_dhcpv6();
    }

    /// Packets for the host's own services: a DHCP reply on port 68, a DNS
    /// answer on the resolver's port, a DNS query to a Server's port 53.
    pub fn deliver(&mut self, now: Time, d: &Delivery) {
        let Delivery::Payload(p) = d else { return };
        if let Binding::Tcp(_) = p.binding {
            // Segments to a broadcast address get no answer, not even a reset.
            if !self.stack.is_local(p.dst) {
                return;
            }
            self.tcp.receive(now, p.src, p.dst, &p.bytes);
            self.flush_tcp(now);
            return;
        }
        let body = p.bytes.get(udp::HEADER_LEN..).unwrap_or_default();
        if let (Some(pdu), Binding::Udp(port)) = (self.pdu.as_mut(), p.binding) {
            if pdu.on_datagram(now, &mut self.stack, p.src, port) {
                if pdu.is_done() {
                    self.pdu = None;
                }
                return;
            }
        }
        if self.resolver_port.is_some_and(|port| p.binding == Binding::Udp(port)) {
            self.resolver.receive(now, p.src, body);
            self.flush_dns(now);
            return;
        }
        // A DNS server answers queries sent to its address, not broadcasts
        // (Windows's DNS service listens on its unicast addresses).
        if p.binding == Binding::Udp(dns::PORT) && self.stack.is_local(p.dst) {
            let Some((src_port, _)) = udp::ports(&p.bytes) else { return };
            let Some(answer) = self.dns_zones.answer(body) else { return };
            let (src, dst) = (p.dst, p.src);
            let len = udp::HEADER_LEN + answer.len();
            let _ = self.stack.originate(now, src, dst, IpProtocol::Udp, None, len, |b| {
                udp::emit(b, src, dst, dns::PORT, src_port, &answer)
            });
            return;
        }
        if p.binding == Binding::Udp(dhcp::SERVER_PORT) {
            return self.serve_dhcp(now, p);
        }
        if p.binding != Binding::Udp(dhcp::CLIENT_PORT) {
            return;
        }
        let (Some(c), Some(m)) = (self.dhcp.as_mut(), p.bytes.get(udp::HEADER_LEN..).and_then(Message::parse)) else {
            return;
        };
        c.receive(now, &m);
        self.flush_dhcp(now);
    }

    /// Send what the client queued and act on what it decided.
    fn flush_dhcp(&mut self, now: Time) {
        let Some(c) = self.dhcp.as_mut() else { return };
        let out = std::mem::take(&mut c.out);
        let events = std::mem::take(&mut c.events);
        for (to, m) in out {
            dhcp::send_from_client(&mut self.stack, now, 0, to, &m, 128);
        }
        for e in events {
            let outcome = match e {
                ClientEvent::Bound(lease) => {
                    self.stack.ifaces[0].dhcp_client = false;
                    self.addressing = Addressing::Dhcp;
                    self.configure(Some((lease.addr, lease.len)), lease.router);
                    self.dns = lease.dns.first().copied();
                    self.dns_suffix = lease.domain_name.clone();
                    self.notes.push(Decision::Dhcp { step: DhcpStep::Leased, addr: lease.addr, iface: 0 });
                    Some(DhcpOutcome::Bound(lease))
                }
                ClientEvent::GaveUp => {
                    let apipa = self.apipa_address();
                    self.addressing = Addressing::Apipa;
                    self.configure(Some((apipa, 16)), None);
                    self.dns = None;
                    self.dns_suffix = None;
                    self.retry_at = Some(now + APIPA_RETRY);
                    self.notes.push(Decision::Dhcp { step: DhcpStep::Autoconfigured, addr: apipa, iface: 0 });
                    Some(DhcpOutcome::GaveUp(apipa))
                }
                // Refused its old address (it moved): start over, as Windows does.
                ClientEvent::Refused => {
                    self.configure(None, None);
                    self.stack.ifaces[0].dhcp_client = true;
                    if let Some(c) = self.dhcp.as_mut() {
                        c.start(now);
                    }
                    None
                }
                ClientEvent::RenewFailed => Some(DhcpOutcome::RenewFailed),
                ClientEvent::Expired => {
                    self.configure(None, None);
                    self.stack.ifaces[0].dhcp_client = true;
                    self.dns = None;
                    if let Some(c) = self.dhcp.as_mut() {
                        c.start(now);
                    }
                    None
                }
            };
            if let Some(outcome) = outcome {
                if let Some(waiter) = self.waiter.take() {
                    waiter(&outcome, &mut self.printed);
                }
            }
        }
        if self.dhcp.as_ref().is_some_and(|c| !c.out.is_empty()) {
            self.flush_dhcp(now);
        }
    }

    /// The APIPA address Windows picks: 169.254.1.0 to 169.254.254.255,
    /// from the MAC (Windows draws it at random; the lab's seed decides the MAC).
    fn apipa_address(&self) -> Ipv4Addr {
        let b = self.stack.ifaces[0].mac.0;
        let h = u32::from_be_bytes([b[2], b[3], b[4], b[5]]).wrapping_mul(0x9E37_79B9);
        Ipv4Addr::new(169, 254, 1 + ((h >> 8) % 254) as u8, (h >> 24) as u8)
    }

    /// Decisions for the trace since the last call.
    pub fn take_notes(&mut self) -> Vec<Decision> {
        std::mem::take(&mut self.notes)
    }

    /// Print at the prompt (a waited-for command's result).
    pub fn print(&mut self, text: &str) {
        self.printed.push_str(text);
    }

    /// What the host printed (a waited-for command's result) since the last call.
    pub fn take_printed(&mut self) -> String {
        std::mem::take(&mut self.printed)
    }
}
