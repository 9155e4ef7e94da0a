//! Services configured on an IOS box: access lists, DHCP pools and
//! exclusions, NAT.

use crate::proto::acl::Acl;
use crate::proto::dhcp;
use crate::proto::nat::NatConfig;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Services {
    pub acls: Vec<Acl>,
    pub dhcp_pools: Vec<dhcp::Pool>,
    pub dhcp_excluded: Vec<dhcp::Excluded>,
    pub nat: NatConfig,
}
