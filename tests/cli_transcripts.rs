//! Snapshot tests of terminal transcripts: modes and prompts, every error kind
//! with its caret, `?` help, abbreviations, `no` forms, `do`, output filters,
//! saving and reloading, device management, and the host prompt.

mod common;
use common::*;

const LAB: &str = r#"Lab(
    title: "cli",
    seed: 11,
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0), config: "hostname R1"),
        Device(name: "S1", model: Switch, at: (0.0, 100.0), config: "hostname S1"),
        Device(name: "PC1", model: Pc, at: (0.0, 200.0), config: "ipconfig 192.168.1.10 255.255.255.0 192.168.1.1"),
    ],
    links: [("R1:G0/0/0", "S1:G0/1"), ("S1:F0/1", "PC1:F0")],
)"#;

fn run(script: &str) -> String {
    let (_, mut net) = boot(LAB);
    transcript(&mut net, script)
}

#[test]
fn modes_and_prompts() {
    insta::assert_snapshot!(run("@R1
enable
configure terminal
interface GigabitEthernet0/0/0
exit
interface g0/0/0.10
exit
line console 0
exit
router ospf 1
exit
ip dhcp pool LAN
exit
ip access-list standard MGMT
exit
ip access-list extended FILTER
exit
end
disable
@S1
enable
conf t
vlan 10
exit
interface range fa0/1 - 4
exit
interface vlan 1
\u{1a}
"));
}

#[test]
fn errors_with_carets() {
    insta::assert_snapshot!(run("@R1
show ip intx brief
show ip
s
xyz
enable
conf t
no ip domain-lookup
do xyz
interface g0/0/9
interface g0/0/1
ip address 10.0.0.256 255.255.255.0
ip address 10.0.0.1 255.0.255.0
ip address 10.0.0.0 255.255.255.0
ip address 10.0.0.1 255.255.255.0
ip address 10.0.0.2 255.255.255.0 secondary
ip address 10.0.1.1 255.255.255.0 secondary
no ip address 10.0.0.1 255.255.255.0
do show running-config interface g0/0/1
exit
ip route 10.0.0.0 255.255.255.0
end
xyz
"));
}

#[test]
fn help() {
    insta::assert_snapshot!(run("@R1
?
sh?
show ?
show ip ?
show ip route ?
enable
conf t
?
ip route ?
int g0/0/0
ip address ?
no ?
"));
}

#[test]
fn abbreviations_no_forms_and_do() {
    insta::assert_snapshot!(run("@R1
en
conf t
int g0/0/0
ip add 192.168.1.1 255.255.255.0
no shut
do sh ip int br
no ip add
do sh ip int br
ip add 192.168.1.1 255.255.255.0
ex
ip route 0.0.0.0 0.0.0.0 192.168.1.254
do sh ip ro
no ip route 0.0.0.0 0.0.0.0 192.168.1.254
no hostname
end
sh ip ro
"));
}

#[test]
fn output_filters() {
    insta::assert_snapshot!(run("@R1
enable
conf t
int g0/0/0
ip address 192.168.1.1 255.255.255.0
description LAN
no shutdown
end
show running-config | include address
show running-config | exclude !
show running-config | begin line
show running-config | section interface GigabitEthernet0/0/0
show ip interface brief | include up
show running-config interface g0/0/0
show ip interface brief | frobnicate
"));
}

#[test]
fn save_erase_and_reload() {
    insta::assert_snapshot!(run("@R1
enable
conf t
hostname Branch
end
copy running-config startup-config

show startup-config | include hostname
conf t
hostname Lost
end
reload

enable
show running-config | include hostname
erase startup-config

reload

enable
show running-config | include hostname
"));
}

#[test]
fn device_management() {
    insta::assert_snapshot!(run("@R1
enable
conf t
enable secret class
service password-encryption
line console 0
password cisco
login
logging synchronous
exec-timeout 5 0
exit
line vty 0 4
password cisco
login local
transport input ssh
exit
username admin secret Adm1nP@55
ip domain-name lab.example
crypto key generate rsa
1024
ip ssh version 2
banner motd $
Authorized access only!
Disconnect now.
$
end
show running-config
disable
enable
wrong
class
show privilege
"));
}

#[test]
fn switch_configuration() {
    insta::assert_snapshot!(run("@S1
enable
conf t
vlan 10
name STAFF
vlan 20
name STUDENTS
exit
interface range fa0/1 - 2
switchport mode access
switchport access vlan 10
switchport port-security
switchport port-security maximum 2
switchport port-security mac-address sticky
spanning-tree portfast
exit
interface fa0/3
switchport access vlan 30
interface g0/2
switchport mode trunk
switchport trunk native vlan 99
switchport trunk allowed vlan 10,20,99
interface vlan 1
ip address 192.168.1.2 255.255.255.0
no shutdown
exit
ip default-gateway 192.168.1.1
spanning-tree mode rapid-pvst
spanning-tree vlan 10,20 priority 24576
end
show vlan brief
show running-config | begin spanning-tree
"));
}

#[test]
fn host_prompt() {
    insta::assert_snapshot!(run("@PC1
ipconfig
ipconfig /all
help
netstat
ping
ping -n 2 -l 64 192.168.1.10
arp -a
arp -d
ipconfig 10.1.1.5 255.255.0.0
ipconfig
ipconfig 10.1.1.5 255.0.255.0
"));
}

/// Settings IOS keeps and shows though nothing here depends on them (CEF,
/// classful lookups, the HTTPS server, log timestamps, PAD, AAA, ICMP
/// redirects and unreachables, autonegotiation, a line's history size) are
/// stored and come back in the running-config, not accepted and dropped.
#[test]
fn settings_without_a_modelled_effect_are_stored_and_shown() {
    let t = run("@R1
enable
configure terminal
service timestamps debug datetime msec
service timestamps log datetime msec
no service pad
no aaa new-model
no ip cef
no ip classless
ip http secure-server
interface g0/0/0
 no ip redirects
 no ip unreachables
 no negotiation auto
line vty 0 4
 history size 3
 stopbits 1
end
show running-config
");
    let config = section(&t, "R1#show running-config");
    for line in [
        "service timestamps debug datetime msec\n",
        "service timestamps log datetime msec\n",
        "no service pad\n",
        "no aaa new-model\n",
        "no ip cef\n",
        "no ip classless\n",
        "ip http secure-server\n",
        " no ip redirects\n",
        " no ip unreachables\n",
        " no negotiation auto\n",
        " history size 3\n",
        " stopbits 1\n",
    ] {
        assert!(config.contains(line), "{line:?} missing:\n{config}");
    }
}

/// A switch's settings of the same kind (the internal VLAN policy, loop
/// guard, trunk encapsulation, port-security aging, more errdisable
/// recovery causes) are stored and shown too.
#[test]
fn switch_settings_without_a_modelled_effect_are_stored_and_shown() {
    let t = run("@S1
enable
configure terminal
vlan internal allocation policy ascending
spanning-tree loopguard default
errdisable recovery cause bpduguard
errdisable recovery cause dhcp-rate-limit
errdisable recovery interval 60
interface f0/2
 switchport trunk encapsulation dot1q
 switchport port-security aging time 10
end
show running-config
");
    let config = section(&t, "S1#show running-config");
    for line in [
        "vlan internal allocation policy ascending\n",
        "spanning-tree loopguard default\n",
        "errdisable recovery cause bpduguard\nerrdisable recovery cause dhcp-rate-limit\nerrdisable recovery interval 60\n",
        " switchport trunk encapsulation dot1q\n",
        " switchport port-security aging time 10\n",
    ] {
        assert!(config.contains(line), "{line:?} missing:\n{config}");
    }
}
