//! Snapshot transcripts of OSPF's show commands on a lab of two areas
//! (tests/labs/ospf-areas.ron) once its adjacencies are FULL, of
//! `show ip protocols`, and of `clear ip ospf process` and the router-id
//! message. The layouts were checked line by line against the IOS XE 16.9
//! and IOS 15 captures in the project's research notes.

mod common;
use common::*;

fn run(script: &str) -> String {
    let (_, mut net) = boot(&read("tests/labs/ospf-areas.ron"));
    transcript(&mut net, &format!("@wait 93\n{script}"))
}

#[test]
fn neighbors_and_interfaces() {
    insta::assert_snapshot!(run("@R1
enable
show ip ospf neighbor
show ip ospf neighbor detail
show ip ospf interface brief
show ip ospf interface
@R3
enable
show ip ospf interface brief
show ip ospf interface lo0
show ip ospf interface g0/0/0
show ip ospf interface g0/0/1
@R4
enable
show ip ospf neighbor
show ip ospf interface g0/0/0
@ISP
enable
show ip ospf neighbor
show ip ospf interface brief
"));
}

#[test]
fn process_summary_and_database() {
    insta::assert_snapshot!(run("@R1
enable
show ip ospf
show ip ospf database
@R2
enable
show ip ospf
@R3
enable
show ip ospf database
"));
}

#[test]
fn ip_protocols() {
    insta::assert_snapshot!(run("@R1
enable
show ip protocols
@R2
enable
show ip protocols
@R3
enable
show ip protocols
@ISP
enable
show ip protocols
"));
}

#[test]
fn clear_process_and_router_id() {
    insta::assert_snapshot!(run("@R2
enable
clear ip ospf process

clear ip ospf process
maybe
no
clear ip ospf 1 process
yes
@wait 120
show ip ospf neighbor
conf t
router ospf 1
router-id 22.22.22.22
do show ip ospf | include Routing Process
router-id 2.2.2.2
end
@R4
enable
show ip ospf neighbor
"));
}
