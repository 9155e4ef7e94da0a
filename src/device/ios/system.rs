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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
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
    pub rsa_modulus: Option<u32>,
    pub users: Vec<User>,
    pub lines: Vec<LineConfig>,
    pub http_server: bool,
    pub startup_config: Option<String>,
}

impl System {
    /// An address the static host table gives a name (case does not matter).
    pub fn host_address(&self, name: &str) -> Option<Ipv4Addr> {
        self.hosts.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).and_then(|(_, a)| a.first().copied())
    }

    pub fn new(model: Model) -> Self {
        System {
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
            rsa_modulus: None,
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
