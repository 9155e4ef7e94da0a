//! Decisions in words a student reads: what the trace and the simulation
//! mode say a device did with a frame ("switched in VLAN 10 out
//! FastEthernet0/2", "dropped ICMP 10.0.0.1 -> 10.0.3.3: no route to
//! 10.0.3.3"). Ports and interfaces are named as the device names them.

use crate::proto::decision::{Decision, DhcpStep, Flow, L2Drop, LoginEnd, LoginStep, RouteChange, V6Step};
use crate::proto::icmp::ErrorKind;
use crate::proto::ip6_stack::Drop6;
use crate::proto::ip_stack::{Drop, Stage};

use super::Device;

impl Device {
    fn port_name(&self, port: usize) -> String {
        self.ports.get(port).map_or_else(|| format!("port {port}"), |p| p.name.to_string())
    }

    fn ip_iface_name(&self, iface: usize) -> String {
        self.stack().ifaces.get(iface).map_or_else(|| format!("interface {iface}"), |i| i.name.to_string())
    }

    /// A decision of this device, in a sentence.
    pub fn describe(&self, decision: &Decision) -> String {
        match *decision {
            Decision::Flooded { vlan } => {
                format!("flooded in VLAN {vlan} out of every other port (destination unknown or broadcast)")
            }
            Decision::Switched { vlan, port } => format!("switched in VLAN {vlan} out {}", self.port_name(port)),
            Decision::Filtered { vlan, why } => {
                let vlan = vlan.map_or(String::new(), |v| format!(" in VLAN {v}"));
                let why = match why {
                    L2Drop::VlanNotCarried => "the port does not carry the frame's VLAN",
                    L2Drop::PortBlocked => "spanning tree blocks the port",
                    L2Drop::SamePort => "the destination is on the port the frame came in on",
                    L2Drop::PortSecurity => "port security refused the source address",
                };
                format!("dropped the frame{vlan}: {why}")
            }
            Decision::Received { flow, iface } => format!("{flow} is for this device ({})", self.ip_iface_name(iface)),
            Decision::Routed { flow, iface, next_hop } => {
                let via =
                    if next_hop == flow.dst { "directly connected".to_string() } else { format!("via {next_hop}") };
                format!("routed {flow} out {}, {via}", self.ip_iface_name(iface))
            }
            Decision::ArpRequest { target, iface } => {
                format!("ARP: who has {target}? (asked on {})", self.ip_iface_name(iface))
            }
            Decision::ArpReply { to, iface } => {
                format!("ARP: answered {to} with the MAC address of {}", self.ip_iface_name(iface))
            }
            Decision::ProxyArpReply { for_ip, to, iface } => format!(
                "proxy ARP: answered {to} for {for_ip}, which it routes through another interface, with the MAC address of {}",
                self.ip_iface_name(iface)
            ),
            Decision::HeldForArp { flow, next_hop } => format!("holds {flow} while ARP resolves {next_hop}"),
            Decision::IpDropped { flow, why } => {
                let what = flow.map_or("a packet".to_string(), |f: Flow| f.to_string());
                format!("dropped {what}: {}", self.drop_words(why))
            }
            Decision::IcmpError { flow, kind } => {
                let kind = match kind {
                    ErrorKind::NetUnreachable => "network unreachable",
                    ErrorKind::HostUnreachable => "host unreachable",
                    ErrorKind::ProtocolUnreachable => "protocol unreachable",
                    ErrorKind::PortUnreachable => "port unreachable",
                    ErrorKind::AdminProhibited => "administratively prohibited",
                    ErrorKind::TtlExceeded => "time exceeded",
                };
                format!("sent ICMP {kind} to {} about {flow}", flow.src)
            }
            Decision::Neighbor { protocol, neighbor, iface, from, to } => {
                format!("{protocol} neighbour {neighbor} on {} went from {from} to {to}", self.ip_iface_name(iface))
            }
            Decision::Route { protocol, prefix, change } => match change {
                RouteChange::Learned { via, iface, metric } | RouteChange::Changed { via, iface, metric } => {
                    let how = if matches!(change, RouteChange::Learned { .. }) { "learned" } else { "now routes" };
                    let path = match via {
                        Some(v) => format!("via {v} ({})", self.ip_iface_name(iface)),
                        None => format!("out {}", self.ip_iface_name(iface)),
                    };
                    format!("{protocol} {how} {prefix} {path}, metric {metric}")
                }
                RouteChange::PossiblyDown => {
                    format!("{protocol}: {prefix} is possibly down (held down, still used until it is flushed)")
                }
                RouteChange::Lost => format!("{protocol}: {prefix} left the routing table"),
            },
            Decision::Redundancy { group, iface, from, to } => {
                format!("HSRP group {group} on {} went from {from} to {to}", self.ip_iface_name(iface))
            }
            Decision::Dhcp { step, addr, iface } => {
                let on = self.ip_iface_name(iface);
                match step {
                    DhcpStep::Offered => format!("DHCP: offered {addr} to a client on {on}"),
                    DhcpStep::Acknowledged => format!("DHCP: leased {addr} to a client on {on}"),
                    DhcpStep::Refused => format!("DHCP: refused a client on {on} the address it asked for"),
                    DhcpStep::Conflict => format!("DHCP: {addr} answered the server's ping, so it is in use: not offered"),
                    DhcpStep::RelayedToServer => format!("DHCP relay: client's broadcast on {on} forwarded to {addr}"),
                    DhcpStep::RelayedToClient => format!("DHCP relay: server's reply for {addr} passed to the client on {on}"),
                    DhcpStep::Leased => format!("DHCP: took the lease on {addr}"),
                    DhcpStep::Autoconfigured => {
                        format!("DHCP: no server answered; configured the APIPA address {addr}")
                    }
                }
            }
            Decision::Login { peer, ssh, step } => {
                let via = if ssh { "SSH" } else { "Telnet" };
                match step {
                    LoginStep::Accepted { line } => format!("{via} from {peer} took vty {line}"),
                    LoginStep::LoggedIn { line } => format!("{via} from {peer} logged in on vty {line}"),
                    LoginStep::Denied { line } => format!("{via} from {peer}: wrong password on vty {line}"),
                    LoginStep::Closed { line, why } => {
                        let why = match why {
                            LoginEnd::NoPassword => "the line has `login` but no password",
                            LoginEnd::TooManyFailures => "too many wrong passwords",
                            LoginEnd::IdleTimeout => "idle longer than the line's exec-timeout",
                            LoginEnd::LoginTimeout => "no login in the time allowed",
                            LoginEnd::LoggedOut => "the user logged out",
                        };
                        format!("vty {line} closed the {via} session from {peer}: {why}")
                    }
                }
            }
            Decision::Ipv6 { step, addr, iface } => {
                let on = self.ip_iface_name(iface);
                match step {
                    V6Step::Solicited => format!("asked who has {addr} on {on} (IPv6 neighbour solicitation)"),
                    V6Step::Advertised => format!("told {addr} its link-layer address on {on} (neighbour advertisement)"),
                    V6Step::RouterAdvertised if addr.is_unspecified() => {
                        format!("advertised itself as an IPv6 router on {on}, with no prefix")
                    }
                    V6Step::RouterAdvertised => format!("advertised itself as an IPv6 router on {on}, prefix {addr}/64"),
                    V6Step::Autoconfigured => format!("built the address {addr} from the router's prefix on {on} (SLAAC)"),
                    V6Step::Duplicate => format!("another node already uses {addr} on {on}: the address is not used"),
                    V6Step::Routed { next_hop: Some(nh) } => format!("routed a packet for {addr} out {on} via {nh}"),
                    V6Step::Routed { next_hop: None } => format!("routed a packet for {addr} out {on} (directly connected)"),
                    V6Step::Dropped(why) => {
                        let why = match why {
                            Drop6::NoRoute => "no IPv6 route to it",
                            Drop6::HopLimit => "its hop limit ran out",
                            Drop6::Unresolved => "the neighbour never answered its solicitations",
                            Drop6::IfaceDown => "the exit interface is down",
                            Drop6::LinkLocalNotRouted => "link-local addresses are never routed",
                            Drop6::NotRouting => "this device does not route IPv6 (no ipv6 unicast-routing)",
                            Drop6::Filtered { inbound: true } => "the inbound IPv6 access list denies it",
                            Drop6::Filtered { inbound: false } => "the outbound IPv6 access list denies it",
                        };
                        format!("dropped a packet for {addr}: {why}")
                    }
                }
            }
        }
    }

    fn drop_words(&self, why: Drop) -> String {
        match why {
            Drop::NoRoute { dst } => format!("no route to {dst}"),
            Drop::TtlExpired { .. } => "its TTL ran out".into(),
            Drop::ArpUnresolved { next_hop, iface } => {
                format!("ARP for {next_hop} got no reply on {}", self.ip_iface_name(iface))
            }
            Drop::ArpIncomplete { next_hop } => {
                format!("ARP for {next_hop} is not resolved yet (IOS drops the packet that starts it)")
            }
            Drop::IfaceDown { iface } => format!("{} is down", self.ip_iface_name(iface)),
            Drop::Malformed => "it is malformed".into(),
            Drop::Filtered { stage, iface } => {
                let way = if stage == Stage::InboundFilter { "inbound" } else { "outbound" };
                format!("the {way} access list on {} denies it", self.ip_iface_name(iface))
            }
            Drop::Untranslated { iface, .. } => {
                format!("address translation on {} had no entry for it", self.ip_iface_name(iface))
            }
        }
    }
}
