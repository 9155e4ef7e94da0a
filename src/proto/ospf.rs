//! OSPF configuration: `router ospf` processes (router-id, `network ... area`,
//! passive interfaces, reference bandwidth, default origination) and the
//! per-interface settings. The protocol itself runs in the routing issue; this
//! is the state the CLI keeps and renders.

use std::fmt;
use std::net::Ipv4Addr;

use crate::device::IfaceName;

/// An area as the user wrote it: `0` or `0.0.0.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Number(u32),
    Dotted(Ipv4Addr),
}

impl Area {
    pub fn parse(w: &str) -> Option<Area> {
        if let Ok(n) = w.parse::<u32>() {
            return Some(Area::Number(n));
        }
        crate::cli::tree::parse_ipv4(w).map(Area::Dotted)
    }

    pub fn id(self) -> u32 {
        match self {
            Area::Number(n) => n,
            Area::Dotted(a) => u32::from(a),
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Area::Number(n) => write!(f, "{n}"),
            Area::Dotted(a) => write!(f, "{a}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkStatement {
    pub addr: Ipv4Addr,
    pub wildcard: Ipv4Addr,
    pub area: Area,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OspfProcess {
    pub pid: u32,
    pub router_id: Option<Ipv4Addr>,
    pub networks: Vec<NetworkStatement>,
    pub passive_default: bool,
    pub passive: Vec<IfaceName>,
    /// Exceptions to `passive-interface default`.
    pub not_passive: Vec<IfaceName>,
    pub reference_bandwidth: Option<u32>,
    pub default_originate: Option<bool>,
}

impl OspfProcess {
    pub fn config_lines(&self) -> Vec<String> {
        let mut v = vec![format!("router ospf {}", self.pid)];
        if let Some(id) = self.router_id {
            v.push(format!(" router-id {id}"));
        }
        if let Some(bw) = self.reference_bandwidth {
            v.push(format!(" auto-cost reference-bandwidth {bw}"));
        }
        if self.passive_default {
            v.push(" passive-interface default".into());
            v.extend(self.not_passive.iter().map(|i| format!(" no passive-interface {i}")));
        }
        v.extend(self.passive.iter().map(|i| format!(" passive-interface {i}")));
        v.extend(self.networks.iter().map(|n| format!(" network {} {} area {}", n.addr, n.wildcard, n.area)));
        match self.default_originate {
            Some(true) => v.push(" default-information originate always".into()),
            Some(false) => v.push(" default-information originate".into()),
            None => {}
        }
        v
    }
}

/// `ip ospf ...` on an interface.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OspfIface {
    pub process_area: Option<(u32, Area)>,
    pub cost: Option<u32>,
    pub priority: Option<u8>,
    pub hello: Option<u32>,
    pub dead: Option<u32>,
    pub point_to_point: bool,
}

impl OspfIface {
    pub fn config_lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some((p, a)) = self.process_area {
            v.push(format!(" ip ospf {p} area {a}"));
        }
        if let Some(c) = self.cost {
            v.push(format!(" ip ospf cost {c}"));
        }
        if let Some(p) = self.priority {
            v.push(format!(" ip ospf priority {p}"));
        }
        if let Some(h) = self.hello {
            v.push(format!(" ip ospf hello-interval {h}"));
        }
        if let Some(d) = self.dead {
            v.push(format!(" ip ospf dead-interval {d}"));
        }
        if self.point_to_point {
            v.push(" ip ospf network point-to-point".into());
        }
        v
    }
}
