//! Services configured on an IOS box: access lists, the DHCP server (its
//! pools, exclusions and running state) and relay, NAT.

use crate::proto::acl::AclTable;
use crate::proto::dhcp;
use crate::proto::nat::{NatConfig, NatTable};
use crate::sim::Time;

#[derive(Clone, Debug, Default)]
pub struct Services {
    /// Access lists, shared with the filters `ip access-group` installs.
    pub acls: AclTable,
    pub dhcp_pools: Vec<dhcp::Pool>,
    pub dhcp_excluded: Vec<dhcp::Excluded>,
    /// `no service dhcp`: neither server nor relay runs (IOS's default is on).
    pub dhcp_disabled: bool,
    /// `ip dhcp relay information trust-all`: take requests that carry
    /// option 82 with no relay address (from a snooping switch).
    pub dhcp_relay_trust_all: bool,
    /// The server's bindings, conflicts and counters.
    pub dhcp_server: dhcp::Server,
    /// When the server next needs the clock (kept by its flush).
    pub dhcp_due: Option<Time>,
    /// `ipv6 dhcp pool NAME` blocks.
    pub dhcpv6_pools: Vec<crate::proto::dhcpv6::Pool>,
    pub nat: NatConfig,
    /// The translator and its table (installed on the IP stack while NAT is configured).
    pub nat_table: NatTable,
}
