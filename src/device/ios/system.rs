//! The system settings of an IOS box: its name, passwords and users,
//! banners, the console and vty lines, domain name and SSH, and the
//! startup-config in NVRAM.

use std::net::Ipv4Addr;

use crate::base::Model;
use crate::proto::acl::AclId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineKind {
    Console,
    Aux,
    Vty,
}

impl LineKind {
    pub fn word(self) -> &'static str {
        match self {
            LineKind::Console => "con",
            LineKind::Aux => "aux",
            LineKind::Vty => "vty",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BannerKind {
    Motd,
    Login,
}

/// A password as stored: in clear (type 0), Cisco type 7, or hashed (type 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Secret {
    Clear(String),
    Type7(String),
    Type5(String),
    /// Type 8 (PBKDF2) or 9 (scrypt), kept as given.
    Hashed(u8, String),
}

impl Secret {
    /// Does a typed password open this one?
    pub fn matches(&self, typed: &str) -> bool {
        super::secret::matches(self, typed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Login {
    #[default]
    None,
    Line,
    Local,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineConfig {
    pub kind: LineKind,
    pub first: u8,
    pub last: u8,
    pub password: Option<Secret>,
    pub login: Login,
    pub exec_timeout: Option<(u32, u32)>,
    /// `privilege level N`: the level a session on the line starts at.
    pub privilege: Option<u8>,
    /// `history size N`: how many commands the line's history keeps (10 unless set).
    pub history_size: Option<u32>,
    /// `stopbits N` (async lines), as typed.
    pub stopbits: Option<u32>,
    pub logging_synchronous: bool,
    pub transport_input: Option<String>,
    pub access_class_in: Option<AclId>,
    pub access_class_out: Option<AclId>,
}

impl LineConfig {
    pub fn new(kind: LineKind, first: u8, last: u8) -> Self {
        LineConfig {
            kind,
            first,
            last,
            password: None,
            login: if kind == LineKind::Vty { Login::Line } else { Login::None },
            exec_timeout: None,
            privilege: None,
            history_size: None,
            stopbits: None,
            logging_synchronous: false,
            transport_input: None,
            access_class_in: None,
            access_class_out: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub privilege: Option<u8>,
    pub secret: Option<Secret>,
}

/// Global settings IOS keeps and shows but that change nothing this
/// simulator models (CEF against process switching, classful lookups, the
/// HTTPS server, log timestamps): stored as typed, rendered where IOS
/// renders them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `ip cef` (on by default; `no ip cef` shows).
    pub cef: bool,
    /// `ip classless` (on by default).
    pub classless: bool,
    /// `ip subnet-zero` (on by default).
    pub subnet_zero: bool,
    /// `ip http secure-server`.
    pub http_secure: bool,
    /// `ip forward-protocol nd` (on by default on routers, and shown).
    pub forward_nd: bool,
    /// `service timestamps debug|log ...`: the words after `service timestamps`.
    pub timestamps: Vec<String>,
    /// `service pad` / `no service pad`, when set.
    pub pad: Option<bool>,
    /// `no aaa new-model` typed.
    pub no_aaa: bool,
    /// `boot-start-marker` / `boot-end-marker` read from a configuration.
    pub boot_markers: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cef: true,
            classless: true,
            subnet_zero: true,
            http_secure: false,
            forward_nd: true,
            timestamps: Vec::new(),
            pad: None,
            no_aaa: false,
            boot_markers: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
    /// Settings stored and shown (see [`Settings`]).
    pub settings: Settings,
    pub hostname: String,
    pub enable_secret: Option<Secret>,
    pub enable_password: Option<Secret>,
    pub password_encryption: bool,
    pub banner_motd: Option<String>,
    pub banner_login: Option<String>,
    pub domain_name: Option<String>,
    pub domain_lookup: bool,
    /// `ip host NAME ADDRESS...`: the static host table.
    pub hosts: Vec<(String, Vec<Ipv4Addr>)>,
    /// `ip name-server ADDRESS...`
    pub name_servers: Vec<Ipv4Addr>,
    pub ssh_version: Option<u8>,
    /// `ip ssh time-out SECONDS` (120 unless set).
    pub ssh_timeout: Option<u32>,
    /// `ip ssh authentication-retries N` (3 unless set).
    pub ssh_retries: Option<u32>,
    pub rsa_modulus: Option<u32>,
    /// The keys saved with the configuration (they survive a reload).
    pub rsa_saved: Option<u32>,
    pub users: Vec<User>,
    pub lines: Vec<LineConfig>,
    pub http_server: bool,
    pub startup_config: Option<String>,
}

impl System {
    /// Make `first..=last` of `kind` a set of whole line blocks, splitting
    /// the blocks it cuts (`line vty 0 1` out of `vty 0 4`), so a change
    /// in line mode reaches exactly those lines.
    pub fn split_lines(&mut self, kind: LineKind, first: u8, last: u8) {
        for at in [first, last.saturating_add(1)] {
            let cut = self.lines.iter().position(|l| l.kind == kind && l.first < at && at <= l.last);
            if let Some(i) = cut {
                let mut upper = self.lines[i].clone();
                upper.first = at;
                self.lines[i].last = at - 1;
                self.lines.insert(i + 1, upper);
            }
        }
    }

    /// Join neighbouring blocks of `kind` whose settings are the same again,
    /// as IOS shows them (but never across vty 4/5: `line vty 0 4` and
    /// `line vty 5 15` stay apart, as on a real box).
    pub fn merge_lines(&mut self, kind: LineKind) {
        let mut i = 0;
        while i + 1 < self.lines.len() {
            let (a, b) = (&self.lines[i], &self.lines[i + 1]);
            let same = LineConfig { first: 0, last: 0, ..a.clone() } == LineConfig { first: 0, last: 0, ..b.clone() };
            if a.kind == kind && b.kind == kind && a.last + 1 == b.first && b.first != 5 && same {
                self.lines[i].last = self.lines[i + 1].last;
                self.lines.remove(i + 1);
            } else {
                i += 1;
            }
        }
    }

    /// An address the static host table gives a name (case does not matter).
    pub fn host_address(&self, name: &str) -> Option<Ipv4Addr> {
        self.hosts.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).and_then(|(_, a)| a.first().copied())
    }

    pub fn new(model: Model) -> Self {
        System {
            settings: Settings::default(),
            hostname: model.default_hostname().to_string(),
            enable_secret: None,
            enable_password: None,
            password_encryption: false,
            banner_motd: None,
            banner_login: None,
            domain_name: None,
            domain_lookup: true,
            hosts: Vec::new(),
            name_servers: Vec::new(),
            ssh_version: None,
            ssh_timeout: None,
            ssh_retries: None,
            rsa_modulus: None,
            rsa_saved: None,
            users: Vec::new(),
            lines: vec![
                LineConfig::new(LineKind::Console, 0, 0),
                LineConfig::new(LineKind::Aux, 0, 0),
                LineConfig::new(LineKind::Vty, 0, 4),
            ],
            http_server: false,
            startup_config: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vty_blocks(s: &System) -> Vec<(u8, u8, Login)> {
        s.lines.iter().filter(|l| l.kind == LineKind::Vty).map(|l| (l.first, l.last, l.login)).collect()
    }

    #[test]
    fn line_blocks_split_for_a_part_and_join_again_when_alike() {
        let mut s = System::new(Model::Switch);
        s.lines.push(LineConfig::new(LineKind::Vty, 5, 15));
        assert_eq!(vty_blocks(&s), [(0, 4, Login::Line), (5, 15, Login::Line)]);
        s.split_lines(LineKind::Vty, 2, 3);
        for l in s.lines.iter_mut().filter(|l| l.kind == LineKind::Vty && (2..=3).contains(&l.first)) {
            l.login = Login::Local;
        }
        s.merge_lines(LineKind::Vty);
        assert_eq!(
            vty_blocks(&s),
            [(0, 1, Login::Line), (2, 3, Login::Local), (4, 4, Login::Line), (5, 15, Login::Line)]
        );
        s.split_lines(LineKind::Vty, 2, 3);
        for l in s.lines.iter_mut().filter(|l| l.kind == LineKind::Vty && (2..=3).contains(&l.first)) {
            l.login = Login::Line;
        }
        s.merge_lines(LineKind::Vty);
        // Alike again: one block, but 0-4 and 5-15 stay apart as on a real box.
        assert_eq!(vty_blocks(&s), [(0, 4, Login::Line), (5, 15, Login::Line)]);
    }
}
