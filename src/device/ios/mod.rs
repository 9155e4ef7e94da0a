//! An IOS box (router, switch, multilayer switch): its configuration state,
//! its interfaces, its IP stack and, on switches, its bridge. What the CLI
//! configures lives here; how commands are parsed lives in [`crate::cli`].

mod dhcp;
mod dhcpv6;
mod discovery;
mod etherchannel;
mod filters;
mod hsrp;
mod interfaces;
mod ipv6;
mod ospf;
mod ospf6;
mod port_security;
mod resolver;
mod rip;
mod routing;
pub mod secret;
mod services;
pub mod snooping;
mod static_routes;
mod switching;
mod system;
pub mod tcp;
mod terminal;
mod trunking;
pub mod vty;

pub use dhcpv6::Dhcp6Role;
pub use discovery::Discovery;
pub use routing::Routing;
pub use services::Services;
pub use switching::Switching;
pub use system::{BannerKind, LineConfig, LineKind, Login, Secret, System, User};
pub use terminal::{Confirmable, Mode, Question, TerminalState};

use std::net::Ipv4Addr;

pub use interfaces::{lineproto_log, link_log, AddressError, AddressRole, LinkEvent};
pub use ipv6::{Ipv6RouteError, Ipv6StaticRoute};
pub use static_routes::{RouteError, StaticRouteSpec};

use super::bridge::{Bridge, Forwarded};
use super::{Outbox, Port};
use crate::base::{IfaceKind, IfaceName, Model};
use crate::proto::acl::{AclId, AclKind};
use crate::proto::ip6_stack::{Delivery6, Ip6Stack, Stack6Config};
use crate::proto::ip_stack::{Binding, Encap, IpStack, Payload, StackConfig};
use crate::proto::nat::Side;
use crate::proto::ospf::OspfIface;
use crate::proto::rib::{Prefix, StaticRoute};
use crate::proto::vlan::Switchport;
use crate::proto::Mac;
use crate::sim::Time;
use std::collections::BTreeMap;
use std::net::Ipv6Addr;

/// Per-interface configuration beyond its address (which the IP stack holds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IosIface {
    pub name: IfaceName,
    pub description: Option<String>,
    pub shutdown: bool,
    pub duplex: Option<String>,
    pub speed: Option<String>,
    pub clock_rate: Option<u32>,
    /// `bandwidth KBPS`: what routing protocols take the link's speed to be.
    pub bandwidth: Option<u32>,
    /// `ip mtu BYTES`.
    pub ip_mtu: Option<u16>,
    /// HSRP groups (`standby ...`), with their running state.
    pub hsrp: Vec<crate::proto::hsrp::Group>,
    /// `standby version 2` on this interface.
    pub hsrp_version: u8,
    /// The physical port, for physical interfaces.
    pub port: Option<usize>,
    /// The interface's index in the IP stack, for layer-3 interfaces.
    pub stack: Option<usize>,
    /// Layer-2 settings of a switch port (`None` on routed ports).
    pub switchport: Option<Switchport>,
    /// `encapsulation dot1Q VLAN [native]` on a subinterface.
    pub dot1q: Option<(u16, bool)>,
    pub access_group_in: Option<AclId>,
    pub access_group_out: Option<AclId>,
    /// The lists whose filters are installed on the IP interface (in, out).
    pub filters_installed: (Option<AclId>, Option<AclId>),
    pub nat: Option<Side>,
    pub helpers: Vec<Ipv4Addr>,
    pub ospf: OspfIface,
    /// `ipv6 ospf ...`: the same settings, for OSPFv3.
    pub ospf6: OspfIface,
    pub ipv6: Vec<Ipv6Address>,
    pub ipv6_enable: bool,
    /// `ipv6 address autoconfig`: an address from the advertised prefix.
    pub ipv6_autoconfig: bool,
    /// `ipv6 address autoconfig default`: and a default route to the advertising router.
    pub ipv6_autoconfig_default: bool,
    /// `ipv6 nd ra suppress`, `ipv6 nd managed-config-flag`, `ipv6 nd other-config-flag`.
    pub ipv6_nd: crate::proto::ip6_stack::RaConfig,
    /// `ipv6 dhcp server POOL` or `ipv6 dhcp relay destination ...`.
    pub ipv6_dhcp: Option<Dhcp6Role>,
    /// `ipv6 address dhcp`: the interface's address from a DHCPv6 server.
    pub ipv6_dhcp_client: bool,
    /// `ipv6 traffic-filter LIST in|out`, and the lists whose filters are installed.
    pub traffic_filter_in: Option<AclId>,
    pub traffic_filter_out: Option<AclId>,
    pub filters6_installed: (Option<AclId>, Option<AclId>),
    /// `no ip redirects`, `no ip unreachables`, `no negotiation auto`,
    /// `no mdix auto` typed on the interface (stored and shown).
    pub no_redirects: bool,
    pub no_unreachables: bool,
    pub no_negotiation: bool,
    pub no_mdix: bool,
    /// `switchport trunk encapsulation dot1q`, `switchport port-security aging time N` (kept and shown).
    pub trunk_dot1q: bool,
    pub psecure_aging: Option<u32>,
    /// Shut down by a protection (BPDU guard, port security) until `shutdown` / `no shutdown`.
    pub err_disabled: bool,
    /// CDP on this interface (`no cdp enable` turns it off).
    pub cdp_enable: bool,
    /// DTP: what the neighbour last said and when; what this port last said and when.
    pub dtp_heard: Option<(crate::proto::dtp::Admin, Time)>,
    pub dtp_said: Option<(crate::proto::dtp::Admin, bool, Time)>,
    /// LLDP on this interface, each way (`no lldp transmit`, `no lldp receive`).
    pub lldp_transmit: bool,
    pub lldp_receive: bool,
    /// Why, and when (for `errdisable recovery`).
    pub err_disabled_at: Option<(Time, &'static str)>,
    /// `ip dhcp snooping trust`, `ip dhcp snooping limit rate N`, and the
    /// messages counted in the current second (its number, the count).
    pub snoop_trust: bool,
    pub snoop_rate: Option<u32>,
    pub snoop_seen: (u64, u32),
    /// `ip arp inspection trust`, `ip arp inspection limit rate N`, and the
    /// ARP messages counted in the current second.
    pub arp_trust: bool,
    pub arp_rate: Option<u32>,
    pub arp_seen: (u64, u32),
    /// Port security at run time: addresses learned (not sticky), violations, last source.
    pub secure_learned: Vec<Mac>,
    pub violations: u64,
    pub last_source: Option<(Mac, u16)>,
}

/// An IPv6 address as configured on an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6Address {
    pub addr: Ipv6Addr,
    pub len: u8,
    pub kind: Ipv6Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ipv6Kind {
    Global,
    LinkLocal,
    Eui64,
}

impl IosIface {
    pub fn new(name: IfaceName, port: Option<usize>, stack: Option<usize>, shutdown: bool) -> Self {
        IosIface {
            name,
            description: None,
            shutdown,
            duplex: None,
            speed: None,
            clock_rate: None,
            bandwidth: None,
            ip_mtu: None,
            hsrp: Vec::new(),
            hsrp_version: 1,
            port,
            stack,
            switchport: None,
            dot1q: None,
            access_group_in: None,
            access_group_out: None,
            filters_installed: (None, None),
            nat: None,
            helpers: Vec::new(),
            ospf: OspfIface::default(),
            ipv6: Vec::new(),
            ipv6_enable: false,
            ipv6_autoconfig: false,
            ipv6_autoconfig_default: false,
            ospf6: OspfIface::default(),
            ipv6_nd: Default::default(),
            ipv6_dhcp: None,
            ipv6_dhcp_client: false,
            traffic_filter_in: None,
            traffic_filter_out: None,
            filters6_installed: (None, None),
            err_disabled: false,
            no_redirects: false,
            no_unreachables: false,
            no_negotiation: false,
            no_mdix: false,
            trunk_dot1q: false,
            psecure_aging: None,
            cdp_enable: true,
            dtp_heard: None,
            dtp_said: None,
            lldp_transmit: true,
            lldp_receive: true,
            err_disabled_at: None,
            snoop_trust: false,
            snoop_rate: None,
            snoop_seen: (0, 0),
            arp_trust: false,
            arp_rate: None,
            arp_seen: (0, 0),
            secure_learned: Vec::new(),
            violations: 0,
            last_source: None,
        }
    }
}

/// An IOS box, composed of parts that each own their state: the terminal,
/// the system settings, the interfaces, routing, switching, neighbour
/// discovery and the services. The IP stack and, on switches, the bridge are
/// the data planes the parts configure.
#[derive(Debug)]
pub struct Ios {
    pub model: Model,
    pub terminal: TerminalState,
    pub system: System,
    pub ifaces: Vec<IosIface>,
    pub routing: Routing,
    pub switching: Switching,
    pub discovery: Discovery,
    pub services: Services,
    pub stack: IpStack,
    /// The IPv6 stack, on the same interface indices as `stack`.
    pub stack6: Ip6Stack,
    /// The DHCPv6 server, once a pool has served a client.
    pub dhcpv6: Option<crate::proto::dhcpv6::Server>,
    /// `ipv6 address dhcp` clients, by IP interface.
    pub dhcpv6_clients: BTreeMap<usize, crate::proto::dhcpv6::Client>,
    pub bridge: Option<Bridge>,
    /// Frames the bridge switched, waiting to be handed to the engine.
    pending_l2: Vec<(usize, Vec<u8>)>,
    /// Decisions for the trace, waiting to be handed to the engine.
    pending_notes: Vec<(Option<usize>, crate::proto::decision::Decision)>,
    /// Log lines produced while handling frames, for the console.
    pub pending_log: String,
    /// Ports err-disabled since the engine last looked (it takes their links down).
    pub err_disabled_now: Vec<usize>,
    /// When the once-a-second housekeeping (spanning tree, CDP, LLDP, DTP,
    /// EtherChannel, errdisable recovery) runs next.
    next_tick: Time,
    /// The earliest deadline of the protocols in `DEADLINES` (all but the tick).
    protocols_due: Option<Time>,
    /// The box's TCP (resets for closed ports; the web server's connections).
    pub tcp: crate::proto::tcp::Tcp,
    tcp_due: Option<Time>,
    /// `ip http server`.
    pub web: Option<super::web::WebServer>,
    /// DNS lookups for `ping NAME` and mistyped commands.
    pub resolver: crate::proto::dns::Resolver,
    resolver_due: Option<Time>,
    lookup_waiter: Option<resolver::Waiting>,
    /// The terminal that asked for the lookup under way.
    lookup_owner: vty::TerminalId,
    /// The name being looked up, and the name servers still to ask.
    looking_for: String,
    next_name_servers: Vec<Ipv4Addr>,
    /// `ip address dhcp` clients, by IP interface.
    pub dhcp_clients: BTreeMap<usize, dhcp::InterfaceClient>,
    /// Remote logins into the box.
    pub vty: vty::Vty,
    /// Which terminal the CLI is running a line for (the console, or a vty
    /// session whose terminal is swapped in).
    pub active: vty::TerminalId,
    /// Remote logins out of the box (`telnet`, `ssh`), by the terminal that opened them.
    pub clients: BTreeMap<vty::TerminalId, crate::device::remote::RemoteSession>,
}

/// A handler for a control frame: it returns whether the frame was its own.
type FrameHandler = fn(&mut Ios, Time, usize, &[u8], &[Port]) -> bool;

/// The control protocols a box takes frames for, by destination group
/// address. Several protocols can share one address (Cisco's
/// 01:00:0c:cc:cc:cc carries PAgP, DTP and CDP): each is asked in turn and
/// the first that recognises the frame takes it. A protocol is added here
/// with one line.
const LINK_LOCAL: &[(Mac, FrameHandler)] = &[
    (crate::proto::cdp::DST, |ios, now, port, frame, ports| {
        crate::proto::pagp::parse(frame).map(|info| ios.pagp_heard(now, port, &info, ports)).is_some()
    }),
    (crate::proto::cdp::DST, |ios, now, port, frame, ports| {
        crate::proto::dtp::parse(frame).map(|hello| ios.dtp_heard(now, port, &hello, ports)).is_some()
    }),
    (crate::proto::cdp::DST, |ios, now, port, frame, _| {
        ios.cdp_heard(now, port, frame);
        true
    }),
    (crate::proto::lacp::DST, |ios, now, port, frame, ports| {
        crate::proto::lacp::parse(frame).map(|pdu| ios.lacp_heard(now, port, &pdu, ports)).is_some()
    }),
    (crate::proto::lldp::DST, |ios, now, port, frame, _| {
        ios.lldp_heard(now, port, frame);
        true
    }),
];

/// A protocol an IOS box runs over IP: the protocol number or port it binds
/// on the IP stack, and what takes its packets. A protocol is added here
/// with one line (and binds its [`Binding`] on the stack when it starts).
type PacketHandler = fn(&mut Ios, Time, &Payload, &[Port]);
const IP_SERVICES: &[(Binding, PacketHandler)] = &[
    (Binding::Protocol(crate::proto::ospf::packet::PROTOCOL), Ios::ospf_packet),
    (Binding::Udp(crate::proto::hsrp::PORT), Ios::hsrp_packet),
    (Binding::Udp(crate::proto::rip::packet::PORT), Ios::rip_packet),
    (Binding::Udp(crate::proto::dhcp::SERVER_PORT), Ios::dhcp_packet),
    (Binding::Udp(crate::proto::dhcp::CLIENT_PORT), Ios::dhcp_client_packet),
    (Binding::Protocol(6), Ios::tcp_segment),
    (Binding::Udp(resolver::PORT), Ios::resolver_packet),
];

/// The box's IPv6 services, by what they are bound to.
type Packet6Handler = fn(&mut Ios, Time, &Delivery6);
const IP6_SERVICES: &[(Binding, Packet6Handler)] = &[
    (Binding::Protocol(crate::proto::ospf3::packet::PROTOCOL), Ios::ospf6_packet),
    (Binding::Udp(crate::proto::dhcpv6::CLIENT_PORT), Ios::dhcpv6_client_packet),
    (Binding::Udp(crate::proto::dhcpv6::SERVER_PORT), Ios::dhcpv6_server_packet),
];

/// The box's timed work: when each piece is next due, and what runs then
/// (returning what the console logs). Deadlines that fall at the same instant
/// run in this order. A protocol with timers adds one line.
type Deadline = fn(&Ios) -> Option<Time>;
type Due = fn(&mut Ios, Time, &[Port]) -> String;
const DEADLINES: &[(Deadline, Due)] = &[
    (|ios| Some(ios.next_tick), Ios::run_tick),
    (Ios::ospf_deadline, Ios::ospf_poll),
    (Ios::ospf6_deadline, Ios::ospf6_poll),
    (Ios::hsrp_deadline, Ios::hsrp_poll),
    (Ios::rip_deadline, Ios::rip_poll),
    (Ios::dhcp_deadline, Ios::dhcp_poll),
    (Ios::dhcp_client_deadline, Ios::dhcp_client_poll),
    (Ios::dhcpv6_client_deadline, Ios::dhcpv6_client_poll),
    (Ios::tcp_deadline, Ios::tcp_poll),
    (Ios::resolver_deadline, Ios::resolver_poll),
    (Ios::vty_deadline, Ios::vty_poll),
];

impl Ios {
    pub fn new(model: Model, ports: &[Port], base_mac: Mac, now: Time) -> Self {
        // Only routers route until the switching issue brings `ip routing`.
        let mut stack = IpStack::new(StackConfig { forwarding: model == Model::Router, ..StackConfig::IOS });
        // Every TCP segment for the box comes up to its TCP, which resets closed ports.
        stack.bind(Binding::Protocol(6));
        let mut stack6 = Ip6Stack::new(Stack6Config::IOS, false);
        let mut ifaces = Vec::new();
        let routed = model == Model::Router;
        for (i, p) in ports.iter().enumerate() {
            let encap = if p.name.kind == IfaceKind::Serial { Encap::Hdlc } else { Encap::Ethernet };
            let stack_index = routed.then(|| {
                stack6.add_iface(p.name.clone(), encap, p.mac);
                stack.add_iface(p.name.clone(), encap, p.mac)
            });
            // Router interfaces start shut down; switch ports start enabled.
            let mut iface = IosIface::new(p.name.clone(), Some(i), stack_index, routed);
            if !routed {
                iface.switchport = Some(Switchport::default());
            }
            ifaces.push(iface);
        }
        let bridge = model.is_switch().then(|| Bridge::new(base_mac, ports.len()));
        let mut ios = Ios {
            model,
            terminal: TerminalState::default(),
            system: System::new(model),
            ifaces,
            routing: Routing::new(model),
            switching: Switching::new(model),
            discovery: Discovery::default(),
            services: Services::default(),
            stack,
            stack6,
            dhcpv6: None,
            dhcpv6_clients: BTreeMap::new(),
            bridge,
            pending_l2: Vec::new(),
            pending_notes: Vec::new(),
            err_disabled_now: Vec::new(),
            pending_log: String::new(),
            next_tick: now + crate::sim::Duration::from_secs(1),
            protocols_due: None,
            tcp: crate::proto::tcp::Tcp::new(
                crate::proto::tcp::TcpConfig::IOS,
                u32::from_be_bytes([base_mac.0[2], base_mac.0[3], base_mac.0[4], base_mac.0[5]]),
            ),
            tcp_due: None,
            web: None,
            resolver: crate::proto::dns::Resolver::new(resolver::IOS_RESOLVER.to_vec(), u16::from(base_mac.0[5])),
            resolver_due: None,
            lookup_waiter: None,
            lookup_owner: vty::TerminalId::Console,
            looking_for: String::new(),
            next_name_servers: Vec::new(),
            dhcp_clients: BTreeMap::new(),
            vty: vty::Vty::default(),
            active: vty::TerminalId::Console,
            clients: BTreeMap::new(),
        };
        if model.is_switch() {
            let vlan1 = IfaceName::new(IfaceKind::Vlan, &[1]);
            let svi = ios.add_l3_iface(vlan1.clone(), Encap::Ethernet, base_mac);
            ios.ifaces.push(IosIface::new(vlan1, None, Some(svi), true));
        }
        if model == Model::Switch || model == Model::L3Switch {
            ios.system.lines.push(LineConfig::new(LineKind::Vty, 5, 15));
            ios.system.lines.retain(|l| l.kind != LineKind::Aux);
        }
        ios.vty_sync_listeners();
        ios
    }

    /// A layer-3 interface on both stacks, at the same index.
    pub fn add_l3_iface(&mut self, name: IfaceName, encap: Encap, mac: Mac) -> usize {
        let v6 = self.stack6.add_iface(name.clone(), encap, mac);
        let v4 = self.stack.add_iface(name, encap, mac);
        debug_assert_eq!(v4, v6, "the two stacks keep the same interface indices");
        v4
    }

    /// A routed port that becomes a switch port again: its layer-3
    /// interface goes down on both stacks and IPv6 stops on it (the index
    /// stays, unused, so the others keep theirs).
    pub fn retire_l3_iface(&mut self, iface: usize) {
        self.set_l3_up(iface, false);
        self.stack6.configure(iface, false, &[]);
        self.stack6.rebuild_routes();
    }

    /// A layer-3 interface's line protocol, on both stacks.
    pub fn set_l3_up(&mut self, iface: usize, up: bool) {
        self.stack.set_up(iface, up);
        self.stack6.set_up(iface, up);
    }

    pub fn prompt(&self) -> String {
        self.prompt_in(&self.terminal)
    }

    /// The prompt of a terminal in this state (a vty session's own).
    pub fn prompt_in(&self, terminal: &TerminalState) -> String {
        let suffix = match &terminal.mode {
            Mode::UserExec => ">",
            Mode::PrivExec => "#",
            Mode::Config => "(config)#",
            Mode::Interface { range: true, .. } => "(config-if-range)#",
            Mode::Interface { names, .. } if names.first().is_some_and(|n| n.sub.is_some()) => "(config-subif)#",
            Mode::Interface { .. } => "(config-if)#",
            Mode::Line { .. } => "(config-line)#",
            Mode::RouterOspf { .. } | Mode::RouterRip => "(config-router)#",
            Mode::Ipv6RouterOspf { .. } => "(config-rtr)#",
            Mode::Vlan { .. } => "(config-vlan)#",
            Mode::DhcpPool { .. } => "(dhcp-config)#",
            Mode::Dhcp6Pool { .. } => "(config-dhcpv6)#",
            Mode::Acl { kind: AclKind::Standard, .. } => "(config-std-nacl)#",
            Mode::Acl { kind: AclKind::Extended, .. } => "(config-ext-nacl)#",
            Mode::Acl { kind: AclKind::Ipv6, .. } => "(config-ipv6-acl)#",
        };
        format!("{}{}", self.system.hostname, suffix)
    }

    pub fn is_router(&self) -> bool {
        self.model == Model::Router
    }

    pub fn iface(&self, name: &IfaceName) -> Option<&IosIface> {
        self.ifaces.iter().find(|i| &i.name == name)
    }

    pub fn iface_mut(&mut self, name: &IfaceName) -> Option<&mut IosIface> {
        self.ifaces.iter_mut().find(|i| &i.name == name)
    }

    /// The interface of a physical port. Physical interfaces come first, in
    /// port order (IOS lists them so), so this is an index, not a search.
    pub fn port_iface(&self, port: usize) -> Option<&IosIface> {
        match self.ifaces.get(port) {
            Some(i) if i.port == Some(port) => Some(i),
            _ => self.ifaces.iter().find(|i| i.port == Some(port)),
        }
    }

    pub fn port_iface_mut(&mut self, port: usize) -> Option<&mut IosIface> {
        let at = match self.ifaces.get(port) {
            Some(i) if i.port == Some(port) => port,
            _ => self.ifaces.iter().position(|i| i.port == Some(port))?,
        };
        self.ifaces.get_mut(at)
    }

    pub fn port_admin_up(&self, port: usize) -> bool {
        self.port_iface(port).is_some_and(|i| !i.shutdown && !i.err_disabled)
    }

    /// Create a logical interface (loopback, SVI, subinterface) on first mention.
    /// Returns `None` for a name this box cannot have.
    pub fn ensure_iface(&mut self, name: &IfaceName, ports: &[Port]) -> Option<&mut IosIface> {
        if self.iface(name).is_none() {
            let creatable = match name.kind {
                IfaceKind::Loopback => name.numbers.len() == 1 && name.sub.is_none(),
                IfaceKind::Vlan => {
                    self.model.is_switch() && name.numbers.len() == 1 && (1..=4094).contains(&name.numbers[0])
                }
                IfaceKind::PortChannel => {
                    self.model.is_switch() && name.numbers.len() == 1 && (1..=48).contains(&name.numbers[0])
                }
                _ => false,
            };
            if !creatable {
                return None;
            }
            let loopback = name.kind == IfaceKind::Loopback;
            if name.kind == IfaceKind::PortChannel {
                let mut po = IosIface::new(name.clone(), None, None, false);
                po.switchport = Some(Switchport::default());
                self.ifaces.push(po);
            } else {
                let encap = if loopback { Encap::None } else { Encap::Ethernet };
                let mac = self.bridge.as_ref().map_or_else(|| ports[0].mac, |b| b.svi_mac);
                let stack = self.add_l3_iface(name.clone(), encap, mac);
                self.ifaces.push(IosIface::new(name.clone(), None, Some(stack), !loopback));
            }
            self.ifaces.sort_by(|a, b| iface_order(&a.name).cmp(&iface_order(&b.name)));
            self.refresh_logical(ports);
        }
        self.iface_mut(name)
    }

    /// Hand the configured routes to the IP stack. A switch that does not route
    /// uses its `ip default-gateway` as a default route for its own traffic.
    pub fn sync_routes(&mut self) {
        let mut statics = self.routing.static_routes.clone();
        if self.model == Model::Switch {
            statics.clear();
            if let Some(gw) = self.routing.default_gateway {
                statics.push(StaticRoute { prefix: Prefix::DEFAULT, iface: None, next_hop: Some(gw), distance: 1 });
            }
        }
        statics.extend(self.dhcp_default_routes());
        self.stack.statics = statics;
        self.stack.rebuild_routes();
    }

    /// Create a subinterface (`interface g0/0/0.10`); it carries traffic once
    /// it has an 802.1Q encapsulation.
    pub fn ensure_subif(&mut self, name: &IfaceName, _ports: &[Port]) {
        if self.iface(name).is_some() {
            return;
        }
        self.ifaces.push(IosIface::new(name.clone(), None, None, false));
        self.ifaces.sort_by(|a, b| iface_order(&a.name).cmp(&iface_order(&b.name)));
    }

    /// Recompute the line protocol of interfaces that have no port of their
    /// own: loopbacks (up unless shut), VLAN interfaces (up when a live port
    /// carries their VLAN), subinterfaces (up with their parent port).
    pub fn refresh_logical(&mut self, ports: &[Port]) {
        let mut states = Vec::new();
        for i in &self.ifaces {
            if i.port.is_some() {
                continue;
            }
            let Some(s) = i.stack else { continue };
            let up = !i.shutdown
                && match i.name.kind {
                    IfaceKind::Loopback => true,
                    IfaceKind::Vlan => {
                        let vlan = i.name.numbers[0] as u16;
                        self.bridge.as_ref().is_some_and(|b| b.vlan_active(vlan, ports))
                    }
                    _ => {
                        let parent = self.iface(&i.name.parent());
                        i.dot1q.is_some()
                            && parent.is_some_and(|p| !p.shutdown && p.port.is_some_and(|port| ports[port].link_up))
                    }
                };
            states.push((s, up));
        }
        for (s, up) in states {
            self.set_l3_up(s, up);
        }
    }

    /// The switchport configuration a port runs with: a channel member
    /// carries what its port-channel interface is configured for.
    pub fn effective_switchport<'a>(&'a self, i: &'a IosIface) -> &'a Option<Switchport> {
        effective_switchport(&self.ifaces, i)
    }

    /// Bring the bridge's view of ports and VLANs in step with the configuration.
    pub fn sync_bridge(&mut self, ports: &[Port]) {
        let Some(bridge) = self.bridge.as_mut() else { return };
        use super::bridge::PortVlans;
        use crate::proto::vlan::VlanSet;
        for i in &self.ifaces {
            let Some(p) = i.port else { continue };
            let switchport = effective_switchport(&self.ifaces, i);
            let neighbour = i.dtp_heard.map(|(a, _)| a);
            bridge.ports[p] = match switchport {
                None => PortVlans::Routed,
                Some(sp) if crate::proto::dtp::trunks(sp.mode, sp.nonegotiate, neighbour) => PortVlans::Trunk {
                    native: sp.native_vlan,
                    allowed: sp.allowed.clone().unwrap_or_else(VlanSet::all),
                },
                Some(sp) => PortVlans::Access(sp.access_vlan),
            };
        }
        let mut vlans = VlanSet::none();
        for &v in self.switching.vlans.keys() {
            vlans.insert(v);
        }
        bridge.vlans = vlans;
        self.refresh_logical(ports);
    }

    /// A port's link changed: update the stack and the bridge, and return the
    /// log lines IOS prints.
    pub fn link_changed(&mut self, port: usize, up: bool, ports: &[Port]) -> String {
        let (name, stack, shut) = match self.port_iface(port) {
            Some(i) => (i.name.clone(), i.stack, i.shutdown),
            None => return String::new(),
        };
        if let Some(s) = stack {
            self.set_l3_up(s, up);
        }
        if !up {
            if let Some(i) = self.port_iface_mut(port) {
                i.dtp_heard = None;
                i.dtp_said = None;
            }
            if let Some(m) = self.switching.channels.get_mut(&port) {
                // The partner is heard afresh when the link returns.
                m.partner = None;
                m.last_sent = None;
            }
        }
        if let Some(b) = self.bridge.as_mut() {
            // A port-channel keeps its addresses while another member carries it.
            if !up && !(b.is_channel(port) && b.up(port, ports)) {
                b.macs.flush_port(port);
            }
        }
        if self.bridge.is_some() {
            // A negotiated trunk falls back to access with its link.
            self.sync_bridge(ports);
        } else {
            self.refresh_logical(ports);
        }
        let event = match (up, shut) {
            (true, _) => LinkEvent::Up,
            (false, true) => LinkEvent::AdminDown,
            (false, false) => LinkEvent::Down,
        };
        link_log(&name, event)
    }

    /// A frame arrived on a port whose link is up.
    pub fn receive(&mut self, now: Time, port: usize, frame: Vec<u8>, ports: &[Port]) {
        // Link-local control protocols first: their group addresses are never
        // switched or routed, whether the protocol runs or not.
        if frame.len() > 6 && frame[0] & 1 == 1 {
            let mut group = false;
            for (dst, handle) in LINK_LOCAL {
                if frame[..6] == dst.0 {
                    group = true;
                    if handle(self, now, port, &frame, ports) {
                        break;
                    }
                }
            }
            if group {
                return;
            }
        }
        let routed = self.bridge.as_ref().is_none_or(|b| b.ports[port] == super::bridge::PortVlans::Routed);
        if routed {
            // A router port, or a multilayer switch's routed port; a tag picks
            // the subinterface that carries its VLAN.
            let tag = crate::proto::dot1q::vlan_of(&frame);
            let sub = self.ifaces.iter().find(|i| {
                i.stack.is_some()
                    && i.port.is_none()
                    && i.name.sub.is_some()
                    && self.iface(&i.name.parent()).and_then(|p| p.port) == Some(port)
                    && match (i.dot1q, tag) {
                        (Some((v, _)), Some(t)) => v == t,
                        (Some((_, native)), None) => native,
                        _ => false,
                    }
            });
            let target = match (sub, tag) {
                (Some(s), _) => s.stack,
                (None, None) => self.port_iface(port).and_then(|i| i.stack),
                (None, Some(_)) => None,
            };
            if let Some(s) = target {
                let frame = if tag.is_some() { crate::proto::dot1q::untag(&frame) } else { frame };
                self.ip_receive(now, s, frame);
            }
            return;
        }
        if !self.port_security_admits(now, port, &frame) {
            if self.stack.notes.is_some() {
                let vlan = self.port_iface(port).and_then(|i| i.switchport.as_ref()).map(|sp| sp.access_vlan);
                let why = crate::proto::decision::L2Drop::PortSecurity;
                self.pending_notes.push((Some(port), crate::proto::decision::Decision::Filtered { vlan, why }));
            }
            return;
        }
        let Some(frame) = self.snooping_filter(now, port, frame) else { return };
        if crate::proto::ethernet::parse(&frame)
            .is_some_and(|e| e.dst_addr == crate::proto::stp::IEEE_DST || e.dst_addr == crate::proto::stp::PVST_DST)
        {
            if let Some(log) = self.bpdu_guard(now, port) {
                self.pending_log.push_str(&log);
                return;
            }
            if let Some(bridge) = self.bridge.as_mut() {
                let answers = bridge.receive_bpdu(now, port, &frame, ports);
                self.pending_l2.extend(answers);
            }
            return;
        }
        let Some(bridge) = self.bridge.as_mut() else { return };
        let mut fwd = Forwarded::default();
        bridge.receive(now, port, frame, ports, &mut fwd);
        self.pending_l2.extend(fwd.to_ports);
        self.pending_notes.append(&mut fwd.notes);
        for (vlan, f) in fwd.to_svi {
            if let Some(s) = self.svi_for(vlan) {
                self.ip_receive(now, s, f);
            }
        }
    }

    /// A frame for a layer-3 interface: to the stack of its IP version.
    fn ip_receive(&mut self, now: Time, iface: usize, frame: Vec<u8>) {
        if self.stack6.carries(iface, &frame) {
            self.stack6.receive(now, iface, &frame);
        } else {
            self.stack.receive(now, iface, frame);
        }
    }

    /// The earliest deadline of the box's timed work (the `DEADLINES` table).
    /// Asked after every event: the protocols' part is kept in a field.
    #[inline]
    pub fn poll_at(&self) -> Option<Time> {
        Some(self.protocols_due.map_or(self.next_tick, |t| t.min(self.next_tick)))
    }

    /// Recompute the protocols' earliest deadline; each protocol's flush
    /// (which every change to it ends with) calls this.
    pub(super) fn refresh_due(&mut self) {
        self.protocols_due = DEADLINES[1..].iter().filter_map(|(at, _)| at(self)).min();
    }

    /// Run the timed work that is due; returns what the console logs.
    pub fn poll(&mut self, now: Time, ports: &[Port]) -> String {
        let mut log = String::new();
        for (at, run) in DEADLINES {
            if at(self).is_some_and(|t| t <= now) {
                log.push_str(&run(self, now, ports));
            }
        }
        log
    }

    /// A packet for one of the box's IPv6 services (the `IP6_SERVICES` table).
    pub fn deliver6(&mut self, now: Time, d: &Delivery6) {
        let Delivery6::Payload { binding, .. } = d else { return };
        for (bound, handle) in IP6_SERVICES {
            if bound == binding {
                handle(self, now, d);
            }
        }
    }

    /// A packet for one of the box's IP services (the `IP_SERVICES` table).
    pub fn deliver(&mut self, now: Time, packet: &Payload, ports: &[Port]) {
        // A service bound to a whole protocol (TCP) takes every port of it.
        let protocol = match packet.binding {
            Binding::Tcp(_) => Some(Binding::Protocol(6)),
            Binding::Udp(_) => Some(Binding::Protocol(17)),
            Binding::Protocol(_) => None,
        };
        for (binding, handle) in IP_SERVICES {
            if *binding == packet.binding || Some(*binding) == protocol {
                handle(self, now, packet, ports);
            }
        }
    }

    /// The once-a-second housekeeping.
    fn run_tick(&mut self, now: Time, ports: &[Port]) -> String {
        self.next_tick = now + crate::sim::Duration::from_secs(1);
        self.tick(now, ports)
    }

    /// Once a second: run each VLAN's spanning tree and send its BPDUs.
    /// Returns what the console logs.
    pub fn tick(&mut self, now: Time, ports: &[Port]) -> String {
        // CDP: advertise every 60 seconds, forget neighbours past their holdtime.
        if self.discovery.cdp_clock % 60 == 0 {
            self.cdp_announce(ports, None);
        }
        self.discovery.cdp_clock += 1;
        self.discovery.cdp_neighbors.retain(|(p, _, expires)| *expires > now && ports[*p].link_up);
        if self.discovery.lldp_run {
            if self.discovery.lldp_countdown == 0 {
                self.lldp_announce(ports, None);
                self.discovery.lldp_countdown = crate::proto::lldp::TIMER_SECS;
            }
            self.discovery.lldp_countdown -= 1;
        }
        self.discovery.lldp_neighbors.retain(|(p, _, expires)| *expires > now && ports[*p].link_up);
        self.run_dtp(now, ports);
        let mut log = self.run_channels(now, ports);
        if self.bridge.is_none() {
            return log;
        }
        let stp = &self.switching.stp;
        let edges: Vec<bool> = (0..ports.len())
            .map(|p| {
                self.port_iface(p).and_then(|i| i.switchport.as_ref()).is_some_and(|sp| {
                    sp.portfast == Some(true)
                        || (stp.portfast_default
                            && sp.portfast.is_none()
                            && sp.mode != Some(crate::proto::vlan::PortMode::Trunk))
                })
            })
            .collect();
        let Some(bridge) = self.bridge.as_mut() else { return log };
        let bpdus = bridge.run_stp(now, ports, &self.switching.stp, &edges);
        self.pending_l2.extend(bpdus);
        // errdisable recovery: bring a port back after the interval, for the causes set.
        if !self.switching.errdisable_causes.is_empty() {
            let interval = crate::sim::Duration::from_secs(u64::from(self.switching.errdisable_interval));
            for i in self.ifaces.iter_mut().filter(|i| i.err_disabled) {
                let Some(((at, cause), p)) = i.err_disabled_at.zip(i.port) else { continue };
                if self.switching.errdisable_causes.contains(&cause) && now.since(at) >= interval {
                    i.err_disabled = false;
                    i.err_disabled_at = None;
                    i.secure_learned.clear();
                    self.err_disabled_now.push(p);
                }
            }
        }
        // A VLAN interface comes up when a port of its VLAN starts forwarding.
        let svis: Vec<(usize, usize, bool)> = self
            .ifaces
            .iter()
            .enumerate()
            .filter(|(_, i)| i.name.kind == IfaceKind::Vlan)
            .filter_map(|(at, i)| i.stack.map(|s| (at, s, self.stack.ifaces[s].up)))
            .collect();
        self.refresh_logical(ports);
        for (at, s, was) in svis {
            let up = self.stack.ifaces[s].up;
            if up != was {
                log.push_str(&lineproto_log(&self.ifaces[at].name, up));
            }
        }
        self.protocols_sync(now);
        log
    }

    /// After a command or a link change: the routing protocols and first-hop
    /// redundancy follow the configuration and the interfaces.
    pub fn protocols_sync(&mut self, now: Time) {
        self.ospf_sync(now);
        self.rip_sync(now);
        self.hsrp_sync(now);
        self.dhcp_sync(now);
        self.dhcp_client_sync(now);
        self.vty_sync_listeners();
        self.filters_sync();
        self.nat_sync();
        self.ipv6_sync();
        self.dhcpv6_sync();
        self.ospf6_sync(now);
    }

    /// The IP interface of a VLAN's SVI.
    fn svi_for(&self, vlan: u16) -> Option<usize> {
        self.ifaces
            .iter()
            .find(|i| i.name.kind == IfaceKind::Vlan && i.name.numbers == [u32::from(vlan)])
            .and_then(|i| i.stack)
    }

    /// Hand everything queued for the wire to the engine.
    pub fn drain_output(&mut self, now: Time, ports: &[Port], out: &mut Outbox) {
        self.filters_log();
        out.frames.append(&mut self.pending_l2);
        out.notes.append(&mut self.pending_notes);
        // Taken and handed back so the queue keeps its allocation across frames.
        let mut frames = std::mem::take(&mut self.stack.out);
        frames.append(&mut self.stack6.out);
        for (iface, frame) in frames.drain(..) {
            let Some(owner) = self.ifaces.iter().find(|i| i.stack == Some(iface)) else { continue };
            if let Some(port) = owner.port {
                out.frames.push((port, frame));
            } else if owner.name.kind == IfaceKind::Vlan {
                let vlan = owner.name.numbers[0] as u16;
                if let Some(bridge) = self.bridge.as_mut() {
                    let mut fwd = Forwarded::default();
                    bridge.send_from_svi(now, vlan, frame, ports, &mut fwd);
                    out.frames.extend(fwd.to_ports);
                    out.notes.append(&mut fwd.notes);
                }
            } else if let (Some(_), Some((vlan, native))) = (owner.name.sub, owner.dot1q) {
                if let Some(port) = self.iface(&owner.name.parent()).and_then(|p| p.port) {
                    let frame = if native { frame } else { crate::proto::dot1q::tag(&frame, vlan) };
                    out.frames.push((port, frame));
                }
            }
        }
        self.stack.out = frames;
    }
}

/// The order IOS lists interfaces in: physical by kind and number, then
/// loopbacks, then VLAN interfaces.
pub fn iface_order(name: &IfaceName) -> (u8, IfaceKind, Vec<u32>, Option<u32>) {
    let group = match name.kind {
        IfaceKind::Loopback => 1,
        IfaceKind::PortChannel => 2,
        IfaceKind::Vlan => 3,
        _ => 0,
    };
    (group, name.kind, name.numbers.clone(), name.sub)
}

/// [`Ios::effective_switchport`] over the interface list, for callers that
/// hold other parts of the device mutably.
fn effective_switchport<'a>(ifaces: &'a [IosIface], i: &'a IosIface) -> &'a Option<Switchport> {
    let channel =
        i.switchport.as_ref().and_then(|sp| sp.channel_group).and_then(|(n, _)| {
            ifaces.iter().find(|po| po.name.kind == IfaceKind::PortChannel && po.name.numbers[0] == n)
        });
    match channel {
        Some(po) if i.switchport.is_some() => &po.switchport,
        _ => &i.switchport,
    }
}
