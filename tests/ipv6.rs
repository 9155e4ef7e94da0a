//! IPv6 across devices: SLAAC from a router's advertisements, static routes
//! over Ethernet and serial links, the neighbour cache over simulated time,
//! pings and traceroutes from hosts and from IOS.

mod common;
use common::*;

use wirelab::sim::Duration;

#[test]
fn debug_slaac() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let pc = net.find("PC1").unwrap();
    for _ in 0..5 {
        let d = net.device(pc);
        eprintln!("{:?} {:?} routers={:?}", net.now(), d.stack6().ifaces[0].addrs, d.stack6().routers.len());
        net.run_for(Duration::from_secs(1));
    }
}
