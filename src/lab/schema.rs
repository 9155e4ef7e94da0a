//! The lab file schema (RON): devices, cables, starting configurations,
//! instructions and objectives. Field names are a contract with instructors'
//! files: fields may be added, never renamed.

use ipnetwork::{IpNetwork, Ipv4Network};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::base::Model;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Lab", deny_unknown_fields)]
pub struct Lab {
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub devices: Vec<DeviceSpec>,
    /// Cables, each `("DEVICE:IFACE", "DEVICE:IFACE")`.
    #[serde(default)]
    pub links: Vec<(String, String)>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// What a submission may change beyond configurations.
    #[serde(default)]
    pub allow: Vec<Allowance>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Device", deny_unknown_fields)]
pub struct DeviceSpec {
    pub name: String,
    pub model: Model,
    #[serde(default)]
    pub at: (f32, f32),
    /// Lines typed into the device's CLI at boot (IOS global configuration, or
    /// the host prompt's `ipconfig` lines).
    #[serde(default)]
    pub config: String,
    /// An IOS device's startup-config (NVRAM) when it differs from `config`:
    /// what `copy running-config startup-config` last saved, `""` for none.
    /// Absent, the device boots as if `config` had been saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<String>,
    /// A Server's web pages by path (`"/index.html": "<html>..."`), in place
    /// of or beside the page a new server shows.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pages: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Allowance {
    /// Students may recable (a cabling exercise).
    Cabling,
    /// Students may add or remove devices.
    Devices,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Objective", deny_unknown_fields)]
pub struct Objective {
    pub points: u32,
    pub check: Check,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// What the student sees in place of the check (which may give the answer away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How much a failure tells the student.
    #[serde(default, skip_serializing_if = "Feedback::is_full")]
    pub feedback: Feedback,
}

/// How much a failed objective tells the student.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Feedback {
    /// Why it failed, and the hint.
    #[default]
    Full,
    /// The hint only.
    HintOnly,
    /// Only that it failed.
    Hidden,
}

impl Feedback {
    pub fn is_full(&self) -> bool {
        *self == Feedback::Full
    }
}

/// A check on the network's behaviour or state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Check {
    Ping {
        from: String,
        to: String,
    },
    NoPing {
        from: String,
        to: String,
    },
    Traceroute {
        from: String,
        to: String,
        hops: Vec<String>,
    },
    /// The host has an address in `network` (IPv4 or IPv6), obtained the
    /// way `origin` says when it is given.
    HostIp {
        device: String,
        network: IpNetwork,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<AddressOrigin>,
    },
    InterfaceIp {
        device: String,
        interface: String,
        address: IpNetwork,
    },
    InterfaceUp {
        device: String,
        interface: String,
    },
    ConfigLine {
        device: String,
        line: String,
        /// Look in the startup-config (what was saved) instead of the running-config.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        startup: bool,
    },
    ShowContains {
        device: String,
        command: String,
        text: String,
    },
    Route {
        device: String,
        prefix: IpNetwork,
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<String>,
    },
    Vlan {
        device: String,
        id: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    SwitchportMode {
        device: String,
        interface: String,
        mode: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vlan: Option<u16>,
    },
    DhcpLease {
        device: String,
        network: Ipv4Network,
    },
    Resolves {
        from: String,
        name: String,
        address: String,
    },
    HttpGet {
        from: String,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contains: Option<String>,
    },
    Link {
        a: String,
        b: String,
    },
    /// The routing table has no route inside this prefix (a network that must stay unadvertised).
    NoRoute {
        device: String,
        prefix: IpNetwork,
    },
    /// An OSPF neighbour (by router ID, or the name of the router) in a state
    /// (`FULL` unless given; `2WAY` between two DROTHERs).
    OspfNeighbor {
        device: String,
        neighbor_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// `enable secret` is set, and to this password.
    EnableSecret {
        device: String,
        password: String,
    },
    /// The console (`line: "console"`) or every vty line (`"vty"`) asks for a
    /// password at login, and this one opens it (`login` with the line's
    /// password, or `login local` with a user's).
    LoginPassword {
        device: String,
        line: String,
        password: String,
    },
    /// A banner (`motd` unless `kind: "login"`) is set, containing `contains` if given.
    Banner {
        device: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contains: Option<String>,
    },
    /// Port security is enabled on the interface, with these settings where given.
    PortSecurity {
        device: String,
        interface: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        maximum: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        violation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sticky: Option<bool>,
    },
    /// A remote login from `from` to `to` (an address, or a device's name)
    /// by Telnet or SSH, with this user (SSH, `login local`) and password.
    /// `expect`: `Allowed` (the default) passes when it reaches the remote
    /// prompt; `Refused` when no login is even asked for (the port is
    /// closed: `transport input ssh` against Telnet, no RSA keys against
    /// SSH); `Denied` when a login is asked for and these credentials do
    /// not open it.
    RemoteLogin {
        from: String,
        to: String,
        via: RemoteVia,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<String>,
        password: String,
        #[serde(default, skip_serializing_if = "Expect::is_allowed")]
        expect: Expect,
    },
    /// Access list `acl` on the device counted a match (on entry `seq` if
    /// given): the list is applied where the lab's traffic passes, and
    /// decides it. Checked after the objectives before it sent their traffic.
    AclHit {
        device: String,
        acl: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<u32>,
    },
    /// The device's NAT table (`show ip nat translations`) has a translation
    /// of this inside local address (to this inside global one, if given).
    /// Checked after the objectives before it sent their traffic.
    NatTranslation {
        device: String,
        inside_local: std::net::Ipv4Addr,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inside_global: Option<std::net::Ipv4Addr>,
    },
    /// The device is the active router of an HSRP group (on `interface`, or any).
    HsrpActive {
        device: String,
        group: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interface: Option<String>,
    },
}

/// How a [`Check::RemoteLogin`] connects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemoteVia {
    Telnet,
    Ssh,
}

/// What a [`Check::RemoteLogin`] expects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expect {
    #[default]
    Allowed,
    Refused,
    Denied,
}

impl Expect {
    fn is_allowed(&self) -> bool {
        *self == Expect::Allowed
    }
}

/// How a host got an address (`HostIp`'s `origin`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressOrigin {
    /// Typed in (`ipconfig A M`, `ipv6config A/N`).
    Static,
    /// Built from a router's advertised prefix (IPv6 only).
    Slaac,
    /// Leased from a DHCP (or DHCPv6) server.
    Dhcp,
}

impl Check {
    /// The (device, interface) pairs a check refers to.
    pub fn interfaces(&self) -> Vec<(&str, &str)> {
        match self {
            Check::InterfaceIp { device, interface, .. }
            | Check::InterfaceUp { device, interface }
            | Check::SwitchportMode { device, interface, .. }
            | Check::PortSecurity { device, interface, .. } => vec![(device, interface)],
            Check::HsrpActive { device, interface: Some(interface), .. } => vec![(device, interface)],
            Check::Link { a, b } => [a, b].into_iter().filter_map(|e| e.split_once(':')).collect(),
            _ => Vec::new(),
        }
    }

    /// A value the check cannot use (a route code, a neighbour state, a
    /// line name ...): the text to point at in the file, and why.
    pub fn invalid_value(&self) -> Option<(String, String)> {
        const ROUTE_CODES: &[&str] = &[
            "C", "L", "S", "R", "O", "O IA", "O E1", "O E2", "O N1", "O N2", "D", "D EX", "B", "i", "S*", "R*", "O*E1",
            "O*E2", "O*IA", "D*", // and `show ipv6 route`'s:
            "ND", "OI", "OE1", "OE2", "ON1", "ON2",
        ];
        const STATES: &[&str] = &["FULL", "2WAY", "2-WAY", "INIT", "EXSTART", "EXCHANGE", "LOADING", "DOWN", "ATTEMPT"];
        const ROLES: &[&str] = &["DR", "BDR", "DROTHER", "-"];
        let bad = |value: &str, why: String| Some((value.to_string(), why));
        match self {
            Check::Route { code, .. } if !ROUTE_CODES.iter().any(|c| c.eq_ignore_ascii_case(code.trim())) => bad(
                code,
                format!("`{code}` is not a route code `show ip route` prints (C, S, O, O IA, O E2, R, S* ...)"),
            ),
            Check::HostIp { network: IpNetwork::V4(_), origin: Some(AddressOrigin::Slaac), .. } => {
                bad("Slaac", "SLAAC builds IPv6 addresses only: the network must be an IPv6 prefix".into())
            }
            Check::OspfNeighbor { state: Some(state), .. } => {
                let (s, role) = state.split_once('/').map_or((state.as_str(), None), |(s, r)| (s, Some(r.trim())));
                let state_ok = STATES.iter().any(|k| k.eq_ignore_ascii_case(s.trim()));
                let role_ok = role.is_none_or(|r| ROLES.iter().any(|k| k.eq_ignore_ascii_case(r)));
                if state_ok && role_ok {
                    None
                } else {
                    bad(
                        state,
                        format!(
                            "`{state}` is not an OSPF neighbour state (FULL, 2WAY ..., optionally /DR, /BDR, /DROTHER)"
                        ),
                    )
                }
            }
            Check::HsrpActive { group, .. } if *group > 4095 => {
                bad(&group.to_string(), format!("HSRP groups go from 0 to 4095, not {group}"))
            }
            Check::LoginPassword { line, .. }
                if !["console", "con", "vty"].contains(&line.to_ascii_lowercase().as_str()) =>
            {
                bad(line, format!("`{line}` is not a line: use \"console\" or \"vty\""))
            }
            Check::Banner { kind: Some(kind), .. }
                if !["motd", "login"].contains(&kind.to_ascii_lowercase().as_str()) =>
            {
                bad(kind, format!("`{kind}` is not a banner: use \"motd\" or \"login\""))
            }
            Check::PortSecurity { violation: Some(v), .. }
                if !["shutdown", "restrict", "protect"].contains(&v.trim().to_ascii_lowercase().as_str()) =>
            {
                bad(v, format!("`{v}` is not a violation mode: shutdown, restrict or protect"))
            }
            _ => None,
        }
    }

    /// The devices a check refers to (for validation).
    pub fn devices(&self) -> Vec<&str> {
        match self {
            Check::Ping { from, .. } | Check::NoPing { from, .. } | Check::Traceroute { from, .. } => vec![from],
            Check::Resolves { from, .. } | Check::HttpGet { from, .. } => vec![from],
            Check::RemoteLogin { from, to, .. } if to.parse::<std::net::Ipv4Addr>().is_err() => vec![from, to],
            Check::RemoteLogin { from, .. } => vec![from],
            Check::HostIp { device, .. }
            | Check::InterfaceIp { device, .. }
            | Check::InterfaceUp { device, .. }
            | Check::ConfigLine { device, .. }
            | Check::ShowContains { device, .. }
            | Check::Route { device, .. }
            | Check::NoRoute { device, .. }
            | Check::Vlan { device, .. }
            | Check::SwitchportMode { device, .. }
            | Check::DhcpLease { device, .. }
            | Check::HsrpActive { device, .. }
            | Check::AclHit { device, .. }
            | Check::NatTranslation { device, .. }
            | Check::EnableSecret { device, .. }
            | Check::LoginPassword { device, .. }
            | Check::Banner { device, .. }
            | Check::PortSecurity { device, .. } => vec![device],
            Check::OspfNeighbor { device, neighbor_id, .. } if neighbor_id.parse::<std::net::Ipv4Addr>().is_err() => {
                vec![device, neighbor_id]
            }
            Check::OspfNeighbor { device, .. } => vec![device],
            Check::Link { a, b } => vec![a.split(':').next().unwrap_or(a), b.split(':').next().unwrap_or(b)],
        }
    }
}
