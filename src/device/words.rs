//! Decisions in words a student reads, in English or French: what the trace
//! and the simulation mode say a device did with a frame ("switched in VLAN
//! 10 out FastEthernet0/2", « a supprimé ICMP 10.0.0.1 -> 10.0.3.3 : aucune
//! route vers 10.0.3.3 »). Ports and interfaces are named as the device
//! names them; protocol names and states stay as IOS prints them.

use crate::base::Lang;
use crate::proto::decision::{Decision, DhcpStep, Flow, L2Drop, LoginEnd, LoginStep, RouteChange, V6Step};
use crate::proto::icmp::ErrorKind;
use crate::proto::ip6_stack::Drop6;
use crate::proto::ip_stack::{Drop, Stage};

use super::Device;

/// The sentence in the language asked for; both read the same variables.
macro_rules! say {
    ($lang:expr, $en:literal, $fr:literal) => {
        match $lang {
            Lang::En => format!($en),
            Lang::Fr => format!($fr),
        }
    };
}

impl Device {
    fn port_name(&self, port: usize) -> String {
        self.ports.get(port).map_or_else(|| format!("port {port}"), |p| p.name.to_string())
    }

    fn ip_iface_name(&self, iface: usize) -> String {
        self.stack().ifaces.get(iface).map_or_else(|| format!("interface {iface}"), |i| i.name.to_string())
    }

    /// A decision of this device, in a sentence (in English).
    pub fn describe(&self, decision: &Decision) -> String {
        self.describe_in(decision, Lang::En)
    }

    /// A decision of this device, in a sentence in `lang`.
    pub fn describe_in(&self, decision: &Decision, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let pick = |en: &'static str, fr_text: &'static str| if fr { fr_text } else { en };
        match *decision {
            Decision::Flooded { vlan } => say!(
                lang,
                "flooded in VLAN {vlan} out of every other port (destination unknown or broadcast)",
                "a diffusé la trame dans le VLAN {vlan} sur tous les autres ports (destination inconnue ou broadcast)"
            ),
            Decision::Switched { vlan, port } => {
                let port = self.port_name(port);
                say!(lang, "switched in VLAN {vlan} out {port}", "a commuté la trame dans le VLAN {vlan} vers {port}")
            }
            Decision::Filtered { vlan, why } => {
                let vlan = vlan.map_or(String::new(), |v| say!(lang, " in VLAN {v}", " dans le VLAN {v}"));
                let why = match why {
                    L2Drop::VlanNotCarried => pick(
                        "the port does not carry the frame's VLAN",
                        "le port ne transporte pas le VLAN de la trame",
                    ),
                    L2Drop::PortBlocked => pick("spanning tree blocks the port", "le spanning tree bloque le port"),
                    L2Drop::SamePort => pick(
                        "the destination is on the port the frame came in on",
                        "la destination est sur le port d'où vient la trame",
                    ),
                    L2Drop::PortSecurity => pick(
                        "port security refused the source address",
                        "la sécurité des ports (port-security) a refusé l'adresse source",
                    ),
                };
                say!(lang, "dropped the frame{vlan}: {why}", "a supprimé la trame{vlan} : {why}")
            }
            Decision::Received { flow, iface } => {
                let on = self.ip_iface_name(iface);
                say!(lang, "{flow} is for this device ({on})", "{flow} est pour cet équipement ({on})")
            }
            Decision::Routed { flow, iface, next_hop } => {
                let out = self.ip_iface_name(iface);
                let via = if next_hop == flow.dst {
                    pick("directly connected", "directement connecté").to_string()
                } else {
                    say!(lang, "via {next_hop}", "via {next_hop}")
                };
                say!(lang, "routed {flow} out {out}, {via}", "a routé {flow} vers {out}, {via}")
            }
            Decision::ArpRequest { target, iface } => {
                let on = self.ip_iface_name(iface);
                say!(lang, "ARP: who has {target}? (asked on {on})", "ARP : qui a {target} ? (demandé sur {on})")
            }
            Decision::ArpReply { to, iface } => {
                let of = self.ip_iface_name(iface);
                say!(
                    lang,
                    "ARP: answered {to} with the MAC address of {of}",
                    "ARP : a répondu à {to} avec l'adresse MAC de {of}"
                )
            }
            Decision::ProxyArpReply { for_ip, to, iface } => {
                let of = self.ip_iface_name(iface);
                say!(
                    lang,
                    "proxy ARP: answered {to} for {for_ip}, which it routes through another interface, with the MAC address of {of}",
                    "proxy ARP : a répondu à {to} pour {for_ip}, qu'il route par une autre interface, avec l'adresse MAC de {of}"
                )
            }
            Decision::HeldForArp { flow, next_hop } => say!(
                lang,
                "holds {flow} while ARP resolves {next_hop}",
                "garde {flow} en attendant qu'ARP résolve {next_hop}"
            ),
            Decision::IpDropped { flow, why } => {
                let what = flow.map_or(pick("a packet", "un paquet").to_string(), |f: Flow| f.to_string());
                let why = self.drop_words(why, lang);
                say!(lang, "dropped {what}: {why}", "a supprimé {what} : {why}")
            }
            Decision::IcmpError { flow, kind } => {
                let kind = match kind {
                    ErrorKind::NetUnreachable => pick("network unreachable", "réseau inaccessible"),
                    ErrorKind::HostUnreachable => pick("host unreachable", "hôte inaccessible"),
                    ErrorKind::ProtocolUnreachable => pick("protocol unreachable", "protocole inaccessible"),
                    ErrorKind::PortUnreachable => pick("port unreachable", "port inaccessible"),
                    ErrorKind::AdminProhibited => pick("administratively prohibited", "interdit par l'administrateur"),
                    ErrorKind::TtlExceeded => pick("time exceeded", "durée de vie dépassée (TTL)"),
                };
                let src = flow.src;
                say!(
                    lang,
                    "sent ICMP {kind} to {src} about {flow}",
                    "a envoyé un message ICMP {kind} à {src} au sujet de {flow}"
                )
            }
            Decision::Neighbor { protocol, neighbor, iface, from, to } => {
                let on = self.ip_iface_name(iface);
                say!(
                    lang,
                    "{protocol} neighbour {neighbor} on {on} went from {from} to {to}",
                    "le voisin {protocol} {neighbor} sur {on} est passé de {from} à {to}"
                )
            }
            Decision::Route { protocol, prefix, change } => match change {
                RouteChange::Learned { via, iface, metric } | RouteChange::Changed { via, iface, metric } => {
                    let learned = matches!(change, RouteChange::Learned { .. });
                    let on = self.ip_iface_name(iface);
                    let path = match via {
                        Some(v) => say!(lang, "via {v} ({on})", "via {v} ({on})"),
                        None => say!(lang, "out {on}", "par {on}"),
                    };
                    match (learned, lang) {
                        (true, Lang::En) => format!("{protocol} learned {prefix} {path}, metric {metric}"),
                        (false, Lang::En) => format!("{protocol} now routes {prefix} {path}, metric {metric}"),
                        (true, Lang::Fr) => format!("{protocol} a appris {prefix} {path}, métrique {metric}"),
                        (false, Lang::Fr) => format!("{protocol} route désormais {prefix} {path}, métrique {metric}"),
                    }
                }
                RouteChange::PossiblyDown => say!(
                    lang,
                    "{protocol}: {prefix} is possibly down (held down, still used until it is flushed)",
                    "{protocol} : {prefix} est peut-être tombée (en hold-down, utilisée jusqu'à sa suppression)"
                ),
                RouteChange::Lost => {
                    say!(
                        lang,
                        "{protocol}: {prefix} left the routing table",
                        "{protocol} : {prefix} a quitté la table de routage"
                    )
                }
            },
            Decision::Redundancy { group, iface, from, to } => {
                let on = self.ip_iface_name(iface);
                say!(
                    lang,
                    "HSRP group {group} on {on} went from {from} to {to}",
                    "le groupe HSRP {group} sur {on} est passé de {from} à {to}"
                )
            }
            Decision::Dhcp { step, addr, iface } => {
                let on = self.ip_iface_name(iface);
                match step {
                    DhcpStep::Offered => {
                        say!(
                            lang,
                            "DHCP: offered {addr} to a client on {on}",
                            "DHCP : a proposé {addr} à un client sur {on}"
                        )
                    }
                    DhcpStep::Acknowledged => {
                        say!(
                            lang,
                            "DHCP: leased {addr} to a client on {on}",
                            "DHCP : a attribué {addr} à un client sur {on}"
                        )
                    }
                    DhcpStep::Refused => say!(
                        lang,
                        "DHCP: refused a client on {on} the address it asked for",
                        "DHCP : a refusé à un client sur {on} l'adresse qu'il demandait"
                    ),
                    DhcpStep::Conflict => say!(
                        lang,
                        "DHCP: {addr} answered the server's ping, so it is in use: not offered",
                        "DHCP : {addr} a répondu au ping du serveur, elle est donc utilisée : pas proposée"
                    ),
                    DhcpStep::RelayedToServer => say!(
                        lang,
                        "DHCP relay: client's broadcast on {on} forwarded to {addr}",
                        "relais DHCP : le broadcast du client sur {on} est transmis à {addr}"
                    ),
                    DhcpStep::RelayedToClient => say!(
                        lang,
                        "DHCP relay: server's reply for {addr} passed to the client on {on}",
                        "relais DHCP : la réponse du serveur pour {addr} est transmise au client sur {on}"
                    ),
                    DhcpStep::Leased => say!(lang, "DHCP: took the lease on {addr}", "DHCP : a pris le bail de {addr}"),
                    DhcpStep::Autoconfigured => say!(
                        lang,
                        "DHCP: no server answered; configured the APIPA address {addr}",
                        "DHCP : aucun serveur n'a répondu ; a configuré l'adresse APIPA {addr}"
                    ),
                }
            }
            Decision::Login { peer, ssh, step } => {
                let via = if ssh { "SSH" } else { "Telnet" };
                match step {
                    LoginStep::Accepted { line } => {
                        say!(lang, "{via} from {peer} took vty {line}", "{via} depuis {peer} a pris la vty {line}")
                    }
                    LoginStep::LoggedIn { line } => say!(
                        lang,
                        "{via} from {peer} logged in on vty {line}",
                        "{via} depuis {peer} s'est connecté sur la vty {line}"
                    ),
                    LoginStep::Denied { line } => say!(
                        lang,
                        "{via} from {peer}: wrong password on vty {line}",
                        "{via} depuis {peer} : mauvais mot de passe sur la vty {line}"
                    ),
                    LoginStep::Closed { line, why } => {
                        let why = match why {
                            LoginEnd::NoPassword => pick(
                                "the line has `login` but no password",
                                "la ligne a `login` mais pas de mot de passe",
                            ),
                            LoginEnd::TooManyFailures => {
                                pick("too many wrong passwords", "trop de mauvais mots de passe")
                            }
                            LoginEnd::IdleTimeout => pick(
                                "idle longer than the line's exec-timeout",
                                "inactive plus longtemps que l'exec-timeout de la ligne",
                            ),
                            LoginEnd::LoginTimeout => {
                                pick("no login in the time allowed", "pas de connexion dans le temps imparti")
                            }
                            LoginEnd::LoggedOut => pick("the user logged out", "l'utilisateur s'est déconnecté"),
                        };
                        say!(
                            lang,
                            "vty {line} closed the {via} session from {peer}: {why}",
                            "la vty {line} a fermé la session {via} depuis {peer} : {why}"
                        )
                    }
                }
            }
            Decision::Ipv6 { step, addr, iface } => {
                let on = self.ip_iface_name(iface);
                match step {
                    V6Step::Solicited => say!(
                        lang,
                        "asked who has {addr} on {on} (IPv6 neighbour solicitation)",
                        "a demandé qui a {addr} sur {on} (sollicitation de voisin IPv6)"
                    ),
                    V6Step::Advertised => say!(
                        lang,
                        "told {addr} its link-layer address on {on} (neighbour advertisement)",
                        "a donné à {addr} son adresse de couche liaison sur {on} (annonce de voisin)"
                    ),
                    V6Step::RouterAdvertised if addr.is_unspecified() => say!(
                        lang,
                        "advertised itself as an IPv6 router on {on}, with no prefix",
                        "s'est annoncé comme routeur IPv6 sur {on}, sans préfixe"
                    ),
                    V6Step::RouterAdvertised => say!(
                        lang,
                        "advertised itself as an IPv6 router on {on}, prefix {addr}/64",
                        "s'est annoncé comme routeur IPv6 sur {on}, préfixe {addr}/64"
                    ),
                    V6Step::Autoconfigured => say!(
                        lang,
                        "built the address {addr} from the router's prefix on {on} (SLAAC)",
                        "a construit l'adresse {addr} à partir du préfixe du routeur sur {on} (SLAAC)"
                    ),
                    V6Step::Duplicate => say!(
                        lang,
                        "another node already uses {addr} on {on}: the address is not used",
                        "un autre nœud utilise déjà {addr} sur {on} : l'adresse n'est pas utilisée"
                    ),
                    V6Step::Routed { next_hop: Some(nh) } => say!(
                        lang,
                        "routed a packet for {addr} out {on} via {nh}",
                        "a routé un paquet pour {addr} vers {on} via {nh}"
                    ),
                    V6Step::Routed { next_hop: None } => say!(
                        lang,
                        "routed a packet for {addr} out {on} (directly connected)",
                        "a routé un paquet pour {addr} vers {on} (directement connecté)"
                    ),
                    V6Step::Dropped(why) => {
                        let why = match why {
                            Drop6::NoRoute => pick("no IPv6 route to it", "aucune route IPv6 vers elle"),
                            Drop6::HopLimit => pick("its hop limit ran out", "sa limite de sauts est épuisée"),
                            Drop6::Unresolved => pick(
                                "the neighbour never answered its solicitations",
                                "le voisin n'a jamais répondu à ses sollicitations",
                            ),
                            Drop6::IfaceDown => {
                                pick("the exit interface is down", "l'interface de sortie est hors service")
                            }
                            Drop6::LinkLocalNotRouted => pick(
                                "link-local addresses are never routed",
                                "les adresses link-local ne sont jamais routées",
                            ),
                            Drop6::NotRouting => pick(
                                "this device does not route IPv6 (no ipv6 unicast-routing)",
                                "cet équipement ne route pas IPv6 (pas de ipv6 unicast-routing)",
                            ),
                            Drop6::Filtered { inbound: true } => pick(
                                "the inbound IPv6 access list denies it",
                                "la liste d'accès IPv6 entrante le refuse",
                            ),
                            Drop6::Filtered { inbound: false } => pick(
                                "the outbound IPv6 access list denies it",
                                "la liste d'accès IPv6 sortante le refuse",
                            ),
                        };
                        say!(lang, "dropped a packet for {addr}: {why}", "a supprimé un paquet pour {addr} : {why}")
                    }
                }
            }
        }
    }

    fn drop_words(&self, why: Drop, lang: Lang) -> String {
        match why {
            Drop::NoRoute { dst } => say!(lang, "no route to {dst}", "aucune route vers {dst}"),
            Drop::TtlExpired { .. } => say!(lang, "its TTL ran out", "son TTL est épuisé"),
            Drop::ArpUnresolved { next_hop, iface } => {
                let on = self.ip_iface_name(iface);
                say!(
                    lang,
                    "ARP for {next_hop} got no reply on {on}",
                    "ARP pour {next_hop} n'a eu aucune réponse sur {on}"
                )
            }
            Drop::ArpIncomplete { next_hop } => say!(
                lang,
                "ARP for {next_hop} is not resolved yet (IOS drops the packet that starts it)",
                "ARP pour {next_hop} n'est pas encore résolu (IOS supprime le paquet qui le déclenche)"
            ),
            Drop::IfaceDown { iface } => {
                let on = self.ip_iface_name(iface);
                say!(lang, "{on} is down", "{on} est hors service")
            }
            Drop::Malformed => say!(lang, "it is malformed", "il est malformé"),
            Drop::Filtered { stage, iface } => {
                let on = self.ip_iface_name(iface);
                match (stage == Stage::InboundFilter, lang) {
                    (true, Lang::En) => format!("the inbound access list on {on} denies it"),
                    (false, Lang::En) => format!("the outbound access list on {on} denies it"),
                    (true, Lang::Fr) => format!("la liste d'accès entrante de {on} le refuse"),
                    (false, Lang::Fr) => format!("la liste d'accès sortante de {on} le refuse"),
                }
            }
            Drop::Untranslated { iface, .. } => {
                let on = self.ip_iface_name(iface);
                say!(
                    lang,
                    "address translation on {on} had no entry for it",
                    "la traduction d'adresses sur {on} n'avait aucune entrée pour lui"
                )
            }
        }
    }
}
