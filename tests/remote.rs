//! Remote logins across devices: Telnet and SSH from a PC and from a
//! router into the vty lines of IOS boxes, with the lines' login rules,
//! transport input, exec-timeout, and `show users` / `show ssh` while a
//! session is open.

mod common;
use common::*;

use wirelab::net::Network;

fn lab() -> Network {
    boot(&read("tests/labs/remote.ron")).1
}

/// R1 set up for SSH as the hardening labs ask: a domain, keys, a local
/// admin of privilege 15, login local and SSH only on the vty lines.
const SSH_ONLY: &str = "@R1
enable
configure terminal
enable secret class
ip domain-name ccna-lab.com
username admin privilege 15 secret Adm1nP4ss
username guest secret guest123
crypto key generate rsa general-keys modulus 1024
ip ssh version 2
line vty 0 4
 transport input ssh
 login local
end
";

#[test]
fn telnet_with_a_line_password_reaches_user_exec_and_exit_comes_back() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nbanner motd #Authorized access only#\nline vty 0 4\n password cisco\n login\nend\n@PC1\ntelnet 192.168.1.1\ncisco\nshow ip interface brief\nenable\nexit\nping 192.168.1.1\n",
    );
    insta::assert_snapshot!("telnet_line_password", section(&t, "@PC1"));
}

#[test]
fn three_wrong_passwords_close_the_session_and_no_password_refuses_at_once() {
    let mut net = lab();
    let t = transcript(&mut net, "@PC1\ntelnet 192.168.1.1\n");
    assert!(
        t.contains("Trying 192.168.1.1 ...Open\n\n\nPassword required, but none set\n\n[Connection to 192.168.1.1 closed by foreign host]\n"),
        "{t}"
    );
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nline vty 0 4\n password cisco\nend\n@PC1\ntelnet 192.168.1.1\nguess1\nguess2\nguess3\n",
    );
    insta::assert_snapshot!("telnet_bad_passwords", section(&t, "@PC1"));
}

#[test]
fn ssh_with_login_local_reaches_privileged_exec_and_telnet_is_refused() {
    let mut net = lab();
    let script = format!(
        "{SSH_ONLY}@PC1\nssh -l admin 192.168.1.1\nAdm1nP4ss\nshow users\nshow ssh\nexit\ntelnet 192.168.1.1\nssh -l guest 192.168.1.1\nguest123\nenable\nclass\nexit\n"
    );
    let t = transcript(&mut net, &script);
    insta::assert_snapshot!("ssh_login_local", section(&t, "@PC1"));
    let pc = section(&t, "@PC1");
    assert!(pc.contains("R1#show users"), "privilege 15 lands in privileged EXEC: {pc}");
    assert!(pc.contains("% Connection refused by remote host"), "transport input ssh refuses Telnet: {pc}");
}

#[test]
fn ssh_wrong_passwords_end_after_the_retries() {
    let mut net = lab();
    let script = format!("{SSH_ONLY}@PC1\nssh -l admin 192.168.1.1\nnope1\nnope2\nnope3\nping 192.168.1.1\n");
    let t = transcript(&mut net, &script);
    insta::assert_snapshot!("ssh_wrong_passwords", section(&t, "@PC1"));
}

#[test]
fn without_keys_ssh_is_refused_and_enable_needs_a_password_remotely() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nline vty 0 4\n no login\nend\n@PC1\nssh -l admin 192.168.1.1\ntelnet 192.168.1.1\nenable\nexit\n",
    );
    let pc = section(&t, "@PC1");
    assert!(pc.contains("C:\\>ssh -l admin 192.168.1.1\n\n% Connection refused by remote host\n"), "{pc}");
    assert!(pc.contains("R1>enable\n% No password set\n"), "{pc}");
}

#[test]
fn a_router_telnets_to_another_and_the_remote_ping_runs_there() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nline vty 0 4\n password cisco\n login\nend\n@R2\nenable\ntelnet 10.0.12.1\ncisco\nping 192.168.1.10\nshow users\nexit\nshow users\n",
    );
    insta::assert_snapshot!("router_to_router", section(&t, "@R2"));
}

#[test]
fn a_session_through_a_router_to_the_next_one_nests() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nenable secret class\nline vty 0 4\n password cisco\n login\nend\n@R2\nenable\nconfigure terminal\nline vty 0 4\n password cisco2\n login\nend\n@PC1\ntelnet 192.168.1.1\ncisco\ntelnet 10.0.12.2\ncisco2\nshow users\nexit\nshow users\nexit\n",
    );
    let pc = section(&t, "@PC1");
    insta::assert_snapshot!("nested", pc);
    assert!(pc.ends_with("[Connection to 192.168.1.1 closed by foreign host]\n"), "{pc}");
}

#[test]
fn an_idle_session_is_logged_out_after_the_exec_timeout() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nline vty 0 4\n password cisco\n login\n exec-timeout 1 30\nend\n@PC1\ntelnet 192.168.1.1\ncisco\n@wait 89\n@R1\nshow users\n@wait 2\nshow users\n@PC1\nping 192.168.1.1\n",
    );
    let r1 = section(&t, "R1#show users");
    assert!(r1.contains("   2 vty 0                idle                 00:01:29 192.168.1.10\n"), "{r1}");
    let after = section(&t, "@wait 2");
    assert!(!after.contains("vty 0"), "logged out: {after}");
    assert!(t.contains("[Connection to 192.168.1.1 closed by foreign host]\nC:\\>ping"), "{t}");
}

#[test]
fn a_remote_session_leaves_the_consoles_mode_alone_and_its_configuration_is_logged_there() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nline vty 0 4\n password cisco\n login\n privilege level 15\nexit\ninterface g0/0/2\n@PC1\ntelnet 192.168.1.1\ncisco\nconfigure terminal\nhostname EDGE\nend\nexit\n@R1\ndescription spare\n",
    );
    let pc = section(&t, "@PC1");
    let pc = &pc[..pc.find("@R1").unwrap_or(pc.len())];
    assert!(pc.contains("R1#configure terminal"), "privilege level 15 on the line: {pc}");
    assert!(!pc.contains("%SYS-5-CONFIG_I"), "a vty sees it only with terminal monitor: {pc}");
    let console = section(&t, "@R1\n");
    let console = &console[console.rfind("@R1").unwrap()..];
    assert!(console.contains("%SYS-5-CONFIG_I: Configured from console by vty0 (192.168.1.10)"), "{console}");
    assert!(console.contains("EDGE(config-if)#description spare"), "the console is still in interface mode: {console}");
}

#[test]
fn an_unanswered_password_prompt_times_out_three_times_then_closes() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nline vty 0 4\n password cisco\n login\nend\n@PC1\ntelnet 192.168.1.1\n@wait 100\nping -n 1 192.168.1.1\n",
    );
    let pc = section(&t, "@PC1");
    assert!(pc.contains("% Password:  timeout expired!\nPassword: "), "{pc}");
    assert!(pc.contains("% Password:  timeout expired!\n% Bad passwords\n"), "{pc}");
    assert!(pc.contains("[Connection to 192.168.1.1 closed by foreign host]"), "{pc}");
}

#[test]
fn terminal_monitor_copies_log_messages_to_a_vty_session() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\nline vty 0 4\n password cisco\n login\n privilege level 15\nend\n@PC1\ntelnet 192.168.1.1\ncisco\nterminal monitor\n@R1\nconfigure terminal\ninterface g0/0/2\n no shutdown\nend\n@PC1\nshow clock\n",
    );
    let pc = &t[t.rfind("@PC1").unwrap()..];
    assert!(
        pc.contains("%SYS-5-CONFIG_I: Configured from console by console\n*00:00"),
        "the console's log reaches the session, then the answer: {pc}"
    );
}
