//! Services hosts use, across devices: DHCP from an IOS server, directly and
//! through a relay, with conflict detection, release and renew, and
//! Windows's APIPA address when no server answers.

mod common;
use common::*;

use wirelab::net::Network;

fn dhcp_lab() -> Network {
    boot(&read("tests/labs/dhcp-relay.ron")).1
}

#[test]
fn a_pc_behind_a_relay_gets_the_first_address_after_the_excluded_range() {
    let mut net = dhcp_lab();
    let t = transcript(&mut net, "@PC2\nipconfig /dhcp\n@PC3\nipconfig /dhcp\nipconfig /all\nping 192.168.10.1\n@R1\nenable\nshow ip dhcp binding\nshow ip dhcp pool LAN2\n");
    let pc2 = section(&t, "@PC2");
    assert!(
        pc2.contains("   IP Address......................: 192.168.11.11\n   Subnet Mask.....................: 255.255.255.0\n   Default Gateway.................: 192.168.11.1\n   DNS Server......................: 192.168.10.254\n"),
        "{pc2}"
    );
    let all = section(&t, "C:\\>ipconfig /all");
    assert!(all.contains("   IPv4 Address....................: 192.168.11.12\n"), "the next address: {all}");
    assert!(all.contains("   DHCP Servers....................: 10.1.1.1\n"), "{all}");
    assert!(all.contains("   DHCP Enabled....................: Yes\n"), "{all}");
    assert!(all.contains("   Lease Obtained..................: Monday, March 1, 1993 12:00:4"), "{all}");
    assert!(all.contains("Reply from 192.168.10.1: bytes=32"), "the leased gateway routes: {all}");
    let bindings = section(&t, "R1#show ip dhcp binding");
    assert!(
        bindings.starts_with("R1#show ip dhcp binding\nBindings from all pools not associated with VRF:\nIP address      Client-ID/              Lease expiration        Type       State      Interface\n                Hardware address/\n                User name\n192.168.11.11   01"),
        "{bindings}"
    );
    assert!(bindings.contains("Mar 02 1993 12:00 AM    Automatic  Active     Unknown\n192.168.11.12   "), "{bindings}");
}

#[test]
fn with_the_server_gone_windows_takes_an_apipa_address_and_says_so() {
    let mut net = dhcp_lab();
    let t = transcript(&mut net, "@R1\nenable\nconf t\nno service dhcp\nend\n@PC1\nipconfig /dhcp\nipconfig\n");
    let pc1 = section(&t, "@PC1");
    assert!(pc1.contains("C:\\>ipconfig /dhcp\nDHCP request failed. \n"), "{pc1}");
    assert!(pc1.contains("   Autoconfiguration IPv4 Address..: 169.254."), "{pc1}");
    assert!(pc1.contains("   Subnet Mask.....................: 255.255.0.0\n"), "{pc1}");
    // About a minute of DISCOVERs first, as Windows does.
    assert!(net.now().secs_f64() >= 40.0 + 60.0, "gave up at {}", net.now().secs_f64());
    // The server back, a renew gets a lease.
    let t = transcript(&mut net, "@R1\nconf t\nservice dhcp\nend\n@PC1\nipconfig /renew\n");
    assert!(t.contains("   IP Address......................: 192.168.10.11\n"), "{t}");
}

#[test]
fn an_address_in_use_answers_the_servers_ping_and_is_skipped() {
    // PC3 sits on .11 by hand: the server must not offer it to PC2.
    let mut net = dhcp_lab();
    let t = transcript(
        &mut net,
        "@PC3\nipconfig 192.168.11.11 255.255.255.0 192.168.11.1\nping 192.168.11.1\n@PC2\nipconfig /dhcp\n@R1\nenable\nshow ip dhcp conflict\n",
    );
    assert!(t.contains("   IP Address......................: 192.168.11.12\n"), "{t}");
    let conflicts = section(&t, "R1#show ip dhcp conflict");
    assert!(
        conflicts.contains("IP address        Detection method   Detection time          VRF\n192.168.11.11     Ping               Mar 01 1993 12:00 AM"),
        "{conflicts}"
    );
    assert!(t.contains("%DHCPD-4-PING_CONFLICT: DHCP address conflict:  server pinged 192.168.11.11."), "{t}");
}

#[test]
fn release_gives_the_address_back_and_a_saved_lab_keeps_dhcp() {
    let mut net = dhcp_lab();
    let t = transcript(&mut net, "@PC1\nipconfig /dhcp\nipconfig /release\n@R1\nenable\nshow ip dhcp binding\n");
    assert!(section(&t, "C:\\>ipconfig /release").contains("   IP Address......................: 0.0.0.0\n"), "{t}");
    let bindings = section(&t, "R1#show ip dhcp binding");
    assert!(!bindings.contains("192.168.10.11"), "released: {bindings}");
    let pc1 = net.find("PC1").unwrap();
    let host = net.device(pc1).as_host().unwrap();
    assert_eq!(wirelab::cli::host::config_lines(host), ["ipconfig /dhcp"]);
}

#[test]
fn a_pc_resolves_names_at_the_servers_dns_and_pings_by_name() {
    let (_, mut net) = boot(&read("tests/labs/dns-office.ron"));
    let t = transcript(
        &mut net,
        "@PC1\nnslookup www.ccna-lab.com\nnslookup nosuch.ccna-lab.com\nping www.ccna-lab.com\nping gateway\ntracert server\nping nothere\n",
    );
    assert!(
        t.contains("C:\\>nslookup www.ccna-lab.com\nServer:  UnKnown\nAddress:  192.168.10.254\n\nName:    server.ccna-lab.com\nAddress:  192.168.10.254\nAliases:  www.ccna-lab.com\n\n"),
        "{t}"
    );
    assert!(t.contains("*** UnKnown can't find nosuch.ccna-lab.com: Non-existent domain\n"), "{t}");
    assert!(t.contains("Pinging server.ccna-lab.com [192.168.10.254] with 32 bytes of data:"), "{t}");
    // A single label takes the DNS suffix DHCP gave.
    assert!(t.contains("Pinging gateway.ccna-lab.com [192.168.10.1] with 32 bytes of data:"), "{t}");
    assert!(t.contains("Tracing route to server.ccna-lab.com [192.168.10.254]\nover a maximum of 30 hops:"), "{t}");
    assert!(t.contains("Ping request could not find host nothere. Please check the name and try again."), "{t}");
    // The server's records survive a save.
    let srv = net.find("SRV1").unwrap();
    let lines = wirelab::cli::host::config_lines(net.device(srv).as_host().unwrap());
    assert!(lines.contains(&"dnscmd /recordadd ccna-lab.com www CNAME server.ccna-lab.com".to_string()), "{lines:?}");
}

#[test]
fn with_the_dns_server_unplugged_nslookup_times_out_as_windows_says() {
    let (_, mut net) = boot(&read("tests/labs/dns-office.ron"));
    let t = transcript(
        &mut net,
        "@S1\nenable\nconf t\ninterface f0/2\nshutdown\nend\n@PC1\nnslookup www.ccna-lab.com\nping www.ccna-lab.com\n",
    );
    let at = section(&t, "C:\\>nslookup");
    assert!(
        at.contains("DNS request timed out.\n    timeout was 2 seconds.\nServer:  UnKnown\nAddress:  192.168.10.254\n\nDNS request timed out.\n    timeout was 2 seconds.\nDNS request timed out.\n    timeout was 2 seconds.\n*** Request to UnKnown timed-out\n"),
        "{at}"
    );
    assert!(at.contains("Ping request could not find host www.ccna-lab.com."), "{at}");
}

#[test]
fn curl_fetches_a_page_by_name_and_tcp_refuses_or_times_out_as_windows_reports() {
    let (_, mut net) = boot(&read("tests/labs/dns-office.ron"));
    let t = transcript(
        &mut net,
        "@PC1\ncurl http://www.ccna-lab.com/\ncurl -I http://server/nope.html\ncurl http://192.168.10.1/\ncurl http://192.168.10.77/\ncurl http://nosuch.ccna-lab.com/\n@R1\nenable\nconf t\nip http server\nend\n@PC1\ncurl -I http://192.168.10.1/\n",
    );
    assert!(t.contains("C:\\>curl http://www.ccna-lab.com/\n<html>\n"), "{t}");
    assert!(t.contains("HTTP/1.1 404 Not Found\nContent-Type: text/html\nContent-Length: "), "{t}");
    // IOS resets a port nobody listens on; a host that does not exist never answers the SYNs.
    assert!(
        t.contains("curl: (7) Failed to connect to 192.168.10.1 port 80 after 0 ms: Couldn't connect to server"),
        "{t}"
    );
    assert!(t.contains("curl: (28) Failed to connect to 192.168.10.77 port 80 after 21000 ms: Timed out"), "{t}");
    assert!(t.contains("curl: (6) Could not resolve host: nosuch.ccna-lab.com"), "{t}");
    // ip http server asks for a privilege-15 login.
    assert!(
        t.contains(
            "HTTP/1.1 401 Unauthorized\nContent-Type: text/html\nWWW-Authenticate: Basic realm=\"level_15_access\""
        ),
        "{t}"
    );
}

#[test]
fn ios_resolves_names_with_its_host_table_and_dns_and_a_typo_costs_nine_seconds() {
    let (_, mut net) = boot(&read("tests/labs/dns-office.ron"));
    let before = net.now();
    let t = transcript(&mut net, "@R1\nenable\nshw\n");
    assert!(
        t.contains("R1#shw\nTranslating \"shw\"...domain server (255.255.255.255)\n% Unknown command or computer name, or unable to find computer address\n"),
        "{t}"
    );
    let waited = net.now().since(before).secs();
    assert!(waited >= 9, "three tries of three seconds: {waited} s");
    let t = transcript(
        &mut net,
        "@R1\nconf t\nip host SRV 192.168.10.254\nip name-server 192.168.10.254\nno ip domain-lookup\nend\nping SRV\nping www.ccna-lab.com\nshw\nconf t\nip domain-lookup\nend\nping www.ccna-lab.com\nping nosuch.ccna-lab.com\nshow running-config | include ip host\nshow running-config | include name-server\n",
    );
    assert!(
        t.contains("R1#ping SRV\nType escape sequence to abort.\nSending 5, 100-byte ICMP Echos to 192.168.10.254"),
        "{t}"
    );
    // Without lookups a name outside the table is unknown at once.
    assert!(t.contains("R1#ping www.ccna-lab.com\n% Unrecognized host or address, or protocol not running.\n"), "{t}");
    assert!(t.contains("R1#shw\nTranslating \"shw\"\n% Unknown command"), "{t}");
    assert!(
        t.contains(
            "Translating \"www.ccna-lab.com\"...domain server (192.168.10.254) [OK]\nType escape sequence to abort."
        ),
        "{t}"
    );
    assert!(t.contains("Translating \"nosuch.ccna-lab.com\"...domain server (192.168.10.254)\n% Unrecognized host or address, or protocol not running."), "{t}");
    assert!(t.contains("\nip host SRV 192.168.10.254\n") && t.contains("\nip name-server 192.168.10.254\n"), "{t}");
    // A name server that never answers: IOS goes on to the next.
    let t = transcript(
        &mut net,
        "@R1\nconf t\nno ip name-server\nip name-server 10.9.9.9 192.168.10.254\nend\nping server.ccna-lab.com\n",
    );
    assert!(
        t.contains("Translating \"server.ccna-lab.com\"...domain server (10.9.9.9) (192.168.10.254) [OK]\n"),
        "{t}"
    );
}

#[test]
fn a_router_interface_takes_its_address_and_default_route_from_dhcp() {
    let lab = read("tests/labs/dhcp-relay.ron")
        .replace(
            "ip route 192.168.11.0 255.255.255.0 10.1.1.2\n\"),",
            "ip route 192.168.11.0 255.255.255.0 10.1.1.2\nip dhcp pool WAN\n network 10.1.1.0 255.255.255.252\n default-router 10.1.1.1\n\"),",
        )
        .replace("ip route 0.0.0.0 0.0.0.0 10.1.1.1\n", "");
    let (_, mut net) = boot(&lab);
    let t = transcript(
        &mut net,
        "@R2\nenable\nconf t\ninterface g0/0/1\nip address dhcp\nend\n@wait 5\n@R2\nshow ip interface brief | include 0/0/1\nshow ip route | include 0.0.0.0/0\nshow running-config | include dhcp\nping 192.168.10.1\n",
    );
    assert!(
        t.contains("%DHCP-6-ADDRESS_ASSIGN: Interface GigabitEthernet0/0/1 assigned DHCP address 10.1.1.2, mask 255.255.255.252, hostname R2"),
        "{t}"
    );
    assert!(t.contains("GigabitEthernet0/0/1   10.1.1.2        YES DHCP   up                    up"), "{t}");
    assert!(t.contains("S*    0.0.0.0/0 [254/0] via 10.1.1.1"), "{t}");
    assert!(t.contains(" ip address dhcp\n"), "{t}");
    assert!(t.contains("Success rate is 100 percent (5/5)"), "{t}");
    // A typed address ends it.
    let t = transcript(&mut net, "@R2\nconf t\ninterface g0/0/1\nip address 10.1.1.2 255.255.255.252\nend\nshow ip interface brief | include 0/0/1\n");
    assert!(t.contains("GigabitEthernet0/0/1   10.1.1.2        YES manual up"), "{t}");
}

#[test]
fn a_windows_server_hands_out_addresses_from_its_netsh_scope() {
    let (_, mut net) = boot(&read("tests/labs/dns-office.ron"));
    let t = transcript(
        &mut net,
        "@R1\nenable\nconf t\nno ip dhcp pool LAN\nend\n@SRV1\nnetsh dhcp server add scope 192.168.10.0 255.255.255.0 Office\nnetsh dhcp server scope 192.168.10.0 add iprange 192.168.10.100 192.168.10.150\nnetsh dhcp server scope 192.168.10.0 set optionvalue 003 IPADDRESS 192.168.10.1\nnetsh dhcp server scope 192.168.10.0 set optionvalue 006 IPADDRESS 192.168.10.254\nnetsh dhcp server scope 192.168.10.0 set optionvalue 015 STRING ccna-lab.com\nnetsh dhcp server scope 10.9.9.0 add iprange 10.9.9.1 10.9.9.2\n@PC1\nipconfig /renew\nipconfig\nipconfig /release\nipconfig /renew\nipconfig /all\nping server\n",
    );
    assert!(
        t.contains(
            "C:\\>netsh dhcp server add scope 192.168.10.0 255.255.255.0 Office\n\nCommand completed successfully.\n"
        ),
        "{t}"
    );
    assert!(t.contains("The command needs a valid Scope IP Address."), "{t}");
    // Renewing with R1, whose pool is gone, fails; Windows keeps its lease.
    assert!(t.contains("C:\\>ipconfig /renew\nDHCP request failed. \n"), "{t}");
    assert!(section(&t, "C:\\>ipconfig\n").contains("   IPv4 Address....................: 192.168.10.11\n"), "{t}");
    // The first address of the range, no conflict pings, an eight-day lease.
    assert!(t.contains("   IP Address......................: 192.168.10.100\n"), "{t}");
    assert!(t.contains("   DHCP Servers....................: 192.168.10.254\n"), "{t}");
    assert!(t.contains("   Lease Expires...................: Tuesday, March 9, 1993"), "{t}");
    assert!(t.contains("Pinging server.ccna-lab.com [192.168.10.254]"), "{t}");
    let srv = net.find("SRV1").unwrap();
    let lines = wirelab::cli::host::config_lines(net.device(srv).as_host().unwrap());
    assert!(
        lines.contains(&"netsh dhcp server scope 192.168.10.0 add iprange 192.168.10.100 192.168.10.150".to_string()),
        "{lines:?}"
    );
}

#[test]
fn the_desktop_browser_shows_a_page_by_name_and_the_browsers_errors() {
    use wirelab::device::BrowserPage;
    let (_, mut net) = boot(&read("tests/labs/dns-office.ron"));
    let pc1 = net.find("PC1").unwrap();
    let open = |net: &mut Network, url: &str| {
        net.act(pc1, |d, ctx| {
            wirelab::device::browse(d, ctx.now, url);
            d.flush(ctx);
        });
        net.run_for(wirelab::sim::Duration::from_secs(30));
        net.device(pc1).as_host().unwrap().browser.page.clone()
    };
    let BrowserPage::Shown { status, text } = open(&mut net, "http://www.ccna-lab.com/") else { panic!("no page") };
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(text.starts_with("wirelab\nWelcome to this server."), "tags gone, one line per block: {text}");
    assert_eq!(open(&mut net, "http://nosuch.ccna-lab.com/"), BrowserPage::Error("Host Name Unresolved".into()));
    assert_eq!(open(&mut net, "http://192.168.10.77/"), BrowserPage::Error("Request Timeout".into()));
    assert_eq!(open(&mut net, "http://192.168.10.1/"), BrowserPage::Error("Server Reset Connection".into()));
}

/// The DHCP and DNS transcripts as IOS and the Windows prompt print them,
/// whole, so a change to any column or line shows in review.
#[test]
fn dhcp_and_dns_transcripts() {
    let mut net = dhcp_lab();
    insta::assert_snapshot!(
        "dhcp_relay_transcript",
        transcript(
            &mut net,
            "@PC2\nipconfig /dhcp\nipconfig /all\n@R1\nenable\nshow ip dhcp binding\nshow ip dhcp pool\nshow ip dhcp server statistics\nshow ip dhcp conflict\n@R2\nenable\nshow running-config | section interface GigabitEthernet0/0/0\n",
        )
    );
    let (_, mut net) = boot(&read("tests/labs/dns-office.ron"));
    insta::assert_snapshot!(
        "dns_transcript",
        transcript(
            &mut net,
            "@PC1\nnslookup www.ccna-lab.com\nnslookup gateway\nping -n 1 www.ccna-lab.com\ncurl -I http://www.ccna-lab.com/\n@R1\nenable\nconf t\nip name-server 192.168.10.254\nend\nping server.ccna-lab.com\n",
        )
    );
}
