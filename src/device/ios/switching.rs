//! Switching as configured on a switch: the VLAN database, spanning-tree
//! settings, EtherChannel members and errdisable recovery. The bridge is the
//! data plane they configure.

use std::collections::BTreeMap;

use crate::base::Model;
use crate::proto::etherchannel::Member;
use crate::proto::vlan::StpConfig;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switching {
    /// VLAN database of a switch: id → name (absent: the default name).
    pub vlans: BTreeMap<u16, Option<String>>,
    pub stp: StpConfig,
    /// EtherChannel members by port: what each has heard and whether it is bundled.
    pub channels: BTreeMap<usize, Member>,
    /// `errdisable recovery cause ...`: the causes a port recovers from, and
    /// `errdisable recovery interval` (300 s unless set).
    pub errdisable_causes: Vec<&'static str>,
    pub errdisable_interval: u32,
    /// `vlan internal allocation policy`, when set.
    pub internal_vlan_policy: Option<&'static str>,
    /// `spanning-tree loopguard default`.
    pub loopguard_default: bool,
    /// DHCP snooping and dynamic ARP inspection.
    pub snooping: super::snooping::Snooping,
}

impl Switching {
    pub fn new(model: Model) -> Self {
        Switching {
            vlans: if model.is_switch() { BTreeMap::from([(1, None)]) } else { BTreeMap::new() },
            stp: StpConfig::default(),
            channels: BTreeMap::new(),
            errdisable_causes: Vec::new(),
            errdisable_interval: 300,
            internal_vlan_policy: None,
            loopguard_default: false,
            snooping: Default::default(),
        }
    }
}
