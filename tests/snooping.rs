//! DHCP snooping and dynamic ARP inspection on a 2960 between a router's
//! DHCP server, PCs and a rogue DHCP server: the rogue wins a lease until
//! snooping is on; option 82 meets an IOS server as on real gear; bindings;
//! ARP from an address no binding vouches for is dropped; the rate limit
//! err-disables a flooding port.

mod common;
use common::*;

use wirelab::net::Network;

fn lab() -> Network {
    boot(&read("tests/labs/snooping.ron")).1
}

const SNOOPING: &str = "@S1
enable
configure terminal
ip dhcp snooping
ip dhcp snooping vlan 1
interface g0/1
 ip dhcp snooping trust
end
";

#[test]
fn a_rogue_server_behind_an_untrusted_port_gives_no_lease_once_snooping_is_on() {
    let mut net = lab();
    let before = transcript(&mut net, "@PC1\nipconfig /dhcp\n");
    assert!(
        before.contains("   Default Gateway.................: 192.168.10.250\n"),
        "the rogue answers first: {before}"
    );
    let t = transcript(
        &mut net,
        &format!("{SNOOPING}@S1\nconfigure terminal\nno ip dhcp snooping information option\nend\n@PC2\nipconfig /dhcp\n@PC1\nipconfig /release\nipconfig /renew\n@S1\nshow ip dhcp snooping binding\n"),
    );
    assert!(section(&t, "@PC2").contains("   Default Gateway.................: 192.168.10.1\n"), "{t}");
    assert!(t.contains("%DHCP_SNOOPING-5-DHCP_SNOOPING_UNTRUSTED_PORT: DHCP_SNOOPING drop message on untrusted port, message type: DHCPOFFER"), "{t}");
    assert!(!t.contains("192.168.10.2"), "no rogue address any more: {t}");
    let bindings = section(&t, "S1#show ip dhcp snooping binding");
    assert!(bindings.contains("86399       dhcp-snooping  1     FastEthernet0/2\n"), "{bindings}");
    assert!(bindings.contains("86399       dhcp-snooping  1     FastEthernet0/1\n"), "{bindings}");
    assert!(bindings.contains("Total number of bindings: 2\n"), "{bindings}");
}

#[test]
fn option_82_from_the_switch_is_dropped_by_an_ios_server_unless_it_trusts_it() {
    let mut net = lab();
    let t = transcript(&mut net, &format!("{SNOOPING}@PC2\nipconfig /dhcp\n"));
    assert!(section(&t, "@PC2").contains("DHCP request failed."), "option 82 with a zero giaddr: {t}");
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nip dhcp relay information trust-all\nend\n@PC2\nipconfig /renew\n@R1\nshow running-config | include trust-all\n",
    );
    assert!(t.contains("   IP Address......................: 192.168.10.11\n"), "{t}");
    assert!(t.contains("\nip dhcp relay information trust-all\n"), "{t}");
}

#[test]
fn arp_inspection_drops_what_no_binding_vouches_for() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        &format!("{SNOOPING}@S1\nconfigure terminal\nno ip dhcp snooping information option\nip arp inspection vlan 1\ninterface g0/1\n ip arp inspection trust\nend\n@PC1\nipconfig /dhcp\nping -n 2 192.168.10.1\n@ROGUE\nping -n 2 192.168.10.1\n@S1\nshow ip arp inspection\n"),
    );
    assert!(section(&t, "@PC1").contains("Reply from 192.168.10.1: bytes=32"), "a bound host passes: {t}");
    assert!(!section(&t, "@ROGUE").contains("Reply from 192.168.10.1: bytes"), "{t}");
    assert!(t.contains("%SW_DAI-4-DHCP_SNOOPING_DENY: 1 Invalid ARPs (Req) on Fa0/3, vlan 1.([0090."), "{t}");
    assert!(section(&t, "S1#show ip arp inspection").contains("    1     Enabled          Active"), "{t}");
}

#[test]
fn a_port_over_its_dhcp_rate_is_err_disabled() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        &format!("{SNOOPING}@S1\nconfigure terminal\nno ip dhcp snooping information option\ninterface f0/1\n ip dhcp snooping limit rate 1\nend\n@PC1\nipconfig /dhcp\nipconfig /release\nipconfig /renew\n@S1\nshow interfaces status\n"),
    );
    assert!(
        t.contains("%PM-4-ERR_DISABLE: dhcp-rate-limit error detected on Fa0/1, putting Fa0/1 in err-disable state"),
        "{t}"
    );
    assert!(section(&t, "S1#show interfaces status").contains("err-disabled"), "{t}");
}

#[test]
fn errdisable_recovery_brings_a_rate_limited_port_back() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        &format!("{SNOOPING}@S1\nconfigure terminal\nno ip dhcp snooping information option\nerrdisable recovery cause dhcp-rate-limit\nerrdisable recovery interval 30\ninterface f0/1\n ip dhcp snooping limit rate 1\nend\n@PC1\nipconfig /dhcp\nipconfig /release\nipconfig /renew\n@S1\nshow interfaces status | include Fa0/1 \n@wait 31\nshow interfaces status | include Fa0/1 \n"),
    );
    // Err-disabled, then up again 30 s later (while PC1 still looks for a server).
    let after = section(&t, "%PM-4-ERR_DISABLE: dhcp-rate-limit error detected on Fa0/1");
    assert!(after.contains("Interface FastEthernet0/1, changed state to up"), "back after the interval: {t}");
    let shown = section(&t, "S1#show interfaces status");
    assert!(shown.lines().nth(1).unwrap_or("").starts_with("Fa0/1                        connected"), "{t}");
}
