//! The app's own words in English and French, from one catalog. What devices
//! print (IOS, the Windows prompt) stays as the real devices print it.

pub use crate::base::Lang;

/// (key, English, French)
const CATALOG: &[(&str, &str, &str)] = &[
    ("file", "File", "Fichier"),
    ("new", "New", "Nouveau"),
    ("open", "Open…", "Ouvrir…"),
    ("save", "Save", "Enregistrer"),
    ("save_as", "Save as…", "Enregistrer sous…"),
    ("quit", "Quit", "Quitter"),
    ("edit", "Edit", "Édition"),
    ("undo", "Undo", "Annuler"),
    ("redo", "Redo", "Rétablir"),
    ("delete", "Delete", "Supprimer"),
    ("rename", "Rename", "Renommer"),
    ("view", "View", "Affichage"),
    ("fit", "Fit to view", "Tout afficher"),
    ("labels", "Interface labels", "Noms des interfaces"),
    ("simulation", "Simulation", "Simulation"),
    ("pause", "Pause", "Pause"),
    ("speed", "Speed", "Vitesse"),
    ("language", "Language", "Langue"),
    ("devices", "Devices", "Équipements"),
    ("model_router", "Router (ISR 4321)", "Routeur (ISR 4321)"),
    ("model_switch", "Switch (2960)", "Commutateur (2960)"),
    ("model_l3switch", "Multilayer switch (3650)", "Commutateur multicouche (3650)"),
    ("model_pc", "PC", "PC"),
    ("model_laptop", "Laptop", "Ordinateur portable"),
    ("model_server", "Server", "Serveur"),
    ("tools", "Tools", "Outils"),
    ("select", "Select", "Sélection"),
    ("cable", "Cable", "Câble"),
    ("auto", "Automatic", "Automatique"),
    ("lab", "Lab", "TP"),
    ("instructions", "Instructions", "Consignes"),
    ("objectives", "Objectives", "Objectifs"),
    ("check", "Check results", "Vérifier les résultats"),
    ("score", "Score", "Note"),
    ("points", "points", "points"),
    ("point", "point", "point"),
    ("hint", "Hint", "Indice"),
    ("why", "Why", "Pourquoi"),
    ("cli", "CLI", "CLI"),
    ("config", "Config", "Config"),
    ("desktop", "Desktop", "Bureau"),
    ("hostname", "Hostname", "Nom d'hôte"),
    ("apply", "Apply", "Appliquer"),
    ("interface", "Interface", "Interface"),
    ("address", "IP address", "Adresse IP"),
    ("mask", "Subnet mask", "Masque"),
    ("gateway", "Default gateway", "Passerelle par défaut"),
    ("static", "Static", "Statique"),
    ("dhcp", "DHCP", "DHCP"),
    ("dns_server", "DNS server", "Serveur DNS"),
    ("ipv6_config", "IPv6 configuration", "Configuration IPv6"),
    ("ipv6_auto", "Automatic (SLAAC)", "Automatique (SLAAC)"),
    ("dhcpv6", "DHCPv6", "DHCPv6"),
    ("ipv6_address", "IPv6 address / prefix length", "Adresse IPv6 / longueur de préfixe"),
    ("ipv6_gateway", "IPv6 gateway", "Passerelle IPv6"),
    ("link_local", "Link-local address", "Adresse link-local"),
    ("apply_ipv6", "Apply IPv6", "Appliquer IPv6"),
    ("web_browser", "Web browser", "Navigateur web"),
    ("go", "Go", "Aller"),
    ("loading", "Loading...", "Chargement..."),
    ("port_on", "Port on", "Port activé"),
    ("equivalent", "Equivalent IOS commands", "Commandes IOS équivalentes"),
    ("equivalent_host", "Equivalent commands", "Commandes équivalentes"),
    ("ip_config", "IP configuration", "Configuration IP"),
    ("services", "Services", "Services"),
    ("page", "Page", "Page"),
    ("save_page", "Save page", "Enregistrer la page"),
    ("pool_name", "Pool name", "Nom du pool"),
    ("start_address", "Start IP address", "Adresse IP de début"),
    ("max_users", "Maximum number of users", "Nombre maximal d'utilisateurs"),
    ("range", "Range", "Plage"),
    ("add", "Add", "Ajouter"),
    ("record_name", "Name", "Nom"),
    ("record_value", "Value", "Valeur"),
    ("record_target", "Canonical name", "Nom canonique"),
    ("command_prompt", "Command prompt", "Invite de commandes"),
    ("file_name", "File name", "Nom du fichier"),
    ("cancel", "Cancel", "Annuler"),
    ("ok", "OK", "OK"),
    (
        "unsaved",
        "There are unsaved changes. Save them before closing?",
        "Des modifications ne sont pas enregistrées. Les enregistrer avant de fermer ?",
    ),
    ("discard", "Close without saving", "Fermer sans enregistrer"),
    (
        "recover",
        "Unsaved work from an earlier session was found. Recover it?",
        "Un travail non enregistré d'une session précédente a été trouvé. Le récupérer ?",
    ),
    ("recover_yes", "Recover", "Récupérer"),
    ("recover_no", "Ignore", "Ignorer"),
    ("no_objectives", "This lab has no objectives.", "Ce TP n'a pas d'objectifs."),
    ("pick_port", "Choose a port", "Choisir un port"),
    ("place_hint", "Click the canvas to place the device", "Cliquez sur le plan pour placer l'équipement"),
    ("simulation_mode", "Simulation", "Simulation"),
    ("realtime", "Realtime", "Temps réel"),
    (
        "sim_started",
        "Simulation mode: the network starts again from its configurations and runs one step at a time",
        "Mode simulation : le réseau repart de ses configurations et avance pas à pas",
    ),
    ("back", "◀ Back", "◀ Retour"),
    ("forward", "Capture / Forward ▶", "Capturer / Avancer ▶"),
    ("play", "Play", "Lecture"),
    ("reset", "Reset", "Réinitialiser"),
    ("simple_pdu", "Add simple PDU", "Ajouter une PDU simple"),
    ("steps", "steps", "pas"),
    ("play_pace", "per step (Play)", "par pas (lecture)"),
    ("show_all", "Show all", "Tout afficher"),
    ("event_list", "Event list", "Liste des événements"),
    ("pdus", "PDUs", "PDU"),
    ("sim_time", "Time (s)", "Temps (s)"),
    ("last_device", "Last device", "Équipement précédent"),
    ("at_device", "At device", "Équipement actuel"),
    ("sim_type", "Type", "Type"),
    ("info", "Info", "Infos"),
    ("no_pdus", "No PDU yet: add one with the tool above", "Aucune PDU : ajoutez-en une avec l'outil ci-dessus"),
    ("in_progress", "In progress", "En cours"),
    ("successful", "Successful", "Réussie"),
    ("failed", "Failed", "Échec"),
    ("inspector", "PDU information", "Informations sur la PDU"),
    ("decisions", "What the device decided", "Ce que l'équipement a décidé"),
    (
        "decision_sent",
        "The frame leaves this port for the device at the other end of the cable.",
        "La trame quitte ce port vers l'équipement à l'autre bout du câble.",
    ),
    (
        "decision_none",
        "The device took the frame in; it had nothing more to decide about it.",
        "L'équipement a reçu la trame ; il n'avait rien d'autre à décider à son sujet.",
    ),
    ("bytes", "Bytes", "Octets"),
    ("pdu_hint", "Click the device that sends the PDU", "Cliquez l'équipement qui envoie la PDU"),
    ("pdu_to_hint", "Now click the device it goes to", "Cliquez maintenant l'équipement destinataire"),
    (
        "cable_hint",
        "Click a device, choose a port, then the other device",
        "Cliquez un équipement, choisissez un port, puis l'autre équipement",
    ),
    ("saved", "Saved", "Enregistré"),
    ("time", "Time", "Temps"),
    ("english", "English", "English"),
    ("french", "Français", "Français"),
];

pub fn tr(lang: Lang, key: &str) -> &'static str {
    match CATALOG.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, fr)) => match lang {
            Lang::En => en,
            Lang::Fr => fr,
        },
        None => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_and_unique() {
        for (i, (k, en, fr)) in CATALOG.iter().enumerate() {
            assert!(!en.is_empty() && !fr.is_empty(), "{k}");
            assert!(!CATALOG[i + 1..].iter().any(|(k2, _, _)| k2 == k), "duplicate key {k}");
        }
        assert_eq!(tr(Lang::Fr, "save"), "Enregistrer");
        assert_eq!(tr(Lang::En, "nonexistent"), "?");
    }
}
