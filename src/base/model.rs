//! Device models and the physical interfaces each one has.

use serde::{Deserialize, Serialize};

use super::iface::{IfaceKind, IfaceName};

/// The device models a lab can place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Model {
    /// An ISR 4321-class router.
    Router,
    /// A Catalyst 2960-class access switch.
    Switch,
    /// A Catalyst 3650-class multilayer switch.
    L3Switch,
    Pc,
    Laptop,
    Server,
}

impl Model {
    pub const ALL: [Model; 6] =
        [Model::Router, Model::Switch, Model::L3Switch, Model::Pc, Model::Laptop, Model::Server];

    pub fn name(self) -> &'static str {
        match self {
            Model::Router => "Router",
            Model::Switch => "Switch",
            Model::L3Switch => "L3Switch",
            Model::Pc => "Pc",
            Model::Laptop => "Laptop",
            Model::Server => "Server",
        }
    }

    pub fn is_host(self) -> bool {
        matches!(self, Model::Pc | Model::Laptop | Model::Server)
    }

    pub fn is_switch(self) -> bool {
        matches!(self, Model::Switch | Model::L3Switch)
    }

    /// The platform name `show version` prints.
    pub fn platform(self) -> &'static str {
        match self {
            Model::Router => "ISR4321/K9",
            Model::Switch => "WS-C2960-24TT-L",
            Model::L3Switch => "WS-C3650-24PS",
            Model::Pc => "PC-PT",
            Model::Laptop => "Laptop-PT",
            Model::Server => "Server-PT",
        }
    }

    /// The hostname a device has before anyone configures it.
    pub fn default_hostname(self) -> &'static str {
        match self {
            Model::Router => "Router",
            Model::Switch | Model::L3Switch => "Switch",
            Model::Pc => "PC",
            Model::Laptop => "Laptop",
            Model::Server => "Server",
        }
    }

    /// The physical interfaces, in the order IOS lists them.
    pub fn ports(self) -> Vec<IfaceName> {
        use IfaceKind::*;
        match self {
            Model::Router => {
                let mut v: Vec<_> = (0..3).map(|p| IfaceName::new(GigabitEthernet, &[0, 0, p])).collect();
                v.extend((0..2).map(|p| IfaceName::new(Serial, &[0, 1, p])));
                v
            }
            Model::Switch => {
                let mut v: Vec<_> = (1..=24).map(|p| IfaceName::new(FastEthernet, &[0, p])).collect();
                v.extend((1..=2).map(|p| IfaceName::new(GigabitEthernet, &[0, p])));
                v
            }
            Model::L3Switch => {
                let mut v: Vec<_> = (1..=24).map(|p| IfaceName::new(GigabitEthernet, &[1, 0, p])).collect();
                v.extend((1..=4).map(|p| IfaceName::new(GigabitEthernet, &[1, 1, p])));
                v
            }
            Model::Pc | Model::Laptop | Model::Server => vec![IfaceName::new(FastEthernet, &[0])],
        }
    }

    /// The index of a physical port by name, if this model has it: its
    /// position in [`Model::ports`], worked out without listing them.
    pub fn port_index(self, name: &IfaceName) -> Option<usize> {
        use IfaceKind::*;
        if name.sub.is_some() {
            return None;
        }
        let n = name.numbers.as_slice();
        let at = |i: u32, first: u32, count: u32| (first..first + count).contains(&i).then(|| (i - first) as usize);
        match (self, name.kind, n) {
            (Model::Router, GigabitEthernet, [0, 0, p]) => at(*p, 0, 3),
            (Model::Router, Serial, [0, 1, p]) => at(*p, 0, 2).map(|i| 3 + i),
            (Model::Switch, FastEthernet, [0, p]) => at(*p, 1, 24),
            (Model::Switch, GigabitEthernet, [0, p]) => at(*p, 1, 2).map(|i| 24 + i),
            (Model::L3Switch, GigabitEthernet, [1, 0, p]) => at(*p, 1, 24),
            (Model::L3Switch, GigabitEthernet, [1, 1, p]) => at(*p, 1, 4).map(|i| 24 + i),
            (Model::Pc | Model::Laptop | Model::Server, FastEthernet, [0]) => Some(0),
            _ => None,
        }
    }

    /// The first two bytes after 00: of the MAC addresses this model's ports get,
    /// so a capture shows at a glance what kind of box sent a frame.
    pub(crate) fn mac_prefix(self) -> [u8; 2] {
        match self {
            Model::Router => [0xd0, 0x97],
            Model::Switch => [0x0d, 0xbd],
            Model::L3Switch => [0xe0, 0xf7],
            Model::Pc => [0x01, 0x42],
            Model::Laptop => [0x0c, 0x85],
            Model::Server => [0x90, 0x2b],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_counts_match_the_design() {
        assert_eq!(Model::Router.ports().len(), 5);
        assert_eq!(Model::Switch.ports().len(), 26);
        assert_eq!(Model::L3Switch.ports().len(), 28);
        assert_eq!(Model::Pc.ports().len(), 1);
        let gi = IfaceName::parse("g0/0/2").unwrap();
        assert_eq!(Model::Router.port_index(&gi), Some(2));
        assert_eq!(Model::Switch.port_index(&gi), None);
        assert_eq!(Model::Switch.port_index(&IfaceName::parse("gi0/2").unwrap()), Some(25));
    }

    #[test]
    fn port_index_is_the_position_in_the_port_list() {
        for model in Model::ALL {
            for (i, name) in model.ports().iter().enumerate() {
                assert_eq!(model.port_index(name), Some(i), "{model:?} {name}");
            }
            for other in ["g0/0/3", "s0/1/2", "fa0/25", "gi0/3", "g1/0/25", "g1/1/5", "fa1", "fa0/0", "g0/0/0.1"] {
                let name = IfaceName::parse(other).unwrap();
                assert!(!model.ports().contains(&name) || name.sub.is_some() || model.port_index(&name).is_some());
                if !model.ports().contains(&name) {
                    assert_eq!(model.port_index(&name), None, "{model:?} {other}");
                }
            }
        }
    }
}
