//! Access lists at the CLI: `access-list N ...`, `ip access-list standard|
//! extended NAME` and its entries, `ip access-group` on interfaces,
//! `access-class` on lines, `show access-lists`.

use super::acl_syntax::{self, EntryError};
use super::tree::Arg;
use super::{arg, kw, Cx, Tree};
use crate::cli::Rejection;
use crate::device::Mode;
use crate::proto::acl::{Acl, AclId, AclKind, Entry};

pub fn global() -> Tree {
    vec![kw("access-list", "Add an access list entry").sub(vec![arg(Arg::Num(1, 2699), "IP access list number")
        .no(delete_numbered)
        .sub(vec![
            kw("permit", "Specify packets to forward").sub(vec![arg(Arg::Rest, "Entry").run(numbered_entry)]),
            kw("deny", "Specify packets to reject").sub(vec![arg(Arg::Rest, "Entry").run(numbered_entry)]),
            kw("remark", "Access list entry comment")
                .sub(vec![arg(Arg::Rest, "Comment up to 100 characters").run(numbered_entry)]),
        ])])]
}

/// Under `ip` in global configuration.
pub fn ip_access_list() -> super::super::tree::Node<super::Handler> {
    kw("access-list", "Named access list").sub(vec![
        kw("standard", "Standard Access List").sub(vec![arg(Arg::Word, "Access-list name").run(named_list)]),
        kw("extended", "Extended Access List").sub(vec![arg(Arg::Word, "Access-list name").run(named_list)]),
        kw("resequence", "Resequence Access List").sub(vec![arg(Arg::Word, "Access-list name or number").sub(vec![
            arg(Arg::Num(1, 2_147_483_647), "Starting Sequence Number").sub(vec![arg(
                Arg::Num(1, 2_147_483_647),
                "Step to increment the sequence number",
            )
            .run(resequence)]),
        ])]),
    ])
}

/// `ip access-list resequence LIST START STEP`: number the entries again.
fn resequence(cx: &mut Cx) {
    let (Some(id), Some(start), Some(step)) = (cx.word(0).map(AclId::parse), cx.num(0), cx.num(1)) else { return };
    let table = cx.ios().services.acls.clone();
    let mut lists = table.lists();
    let Some(acl) = lists.iter_mut().find(|a| a.id == id) else {
        drop(lists);
        cx.reject(Rejection::Refused, &format!("%Access list {id} does not exist\n"));
        return;
    };
    acl.resequence(start, step);
}

/// `clear access-list counters [LIST]` (privileged EXEC).
pub fn clear() -> super::super::tree::Node<super::Handler> {
    kw("access-list", "Clear access list statistical information").sub(vec![kw(
        "counters",
        "Clear access list counters",
    )
    .plain(clear_counters)
    .sub(vec![arg(Arg::Word, "Access list number or name").plain(clear_counters)])])
}

fn clear_counters(cx: &mut Cx) {
    let only = cx.word(0).map(AclId::parse);
    for acl in cx.ios().services.acls.lists().iter_mut().filter(|a| only.as_ref().is_none_or(|o| *o == a.id)) {
        acl.clear_counters();
    }
}

/// The entries of `(config-std-nacl)` and `(config-ext-nacl)`.
pub fn entries() -> Tree {
    list_mode(arg(Arg::Num(1, 2_147_483_647), "Sequence Number"))
}

/// The commands of an access-list mode, a sequence number given by `sequence`.
fn list_mode(sequence: super::super::tree::Node<super::Handler>) -> Tree {
    let rest = || vec![arg(Arg::Rest, "Entry").run(named_entry)];
    let actions = || {
        vec![
            kw("permit", "Specify packets to forward").sub(rest()),
            kw("deny", "Specify packets to reject").sub(rest()),
        ]
    };
    let mut t = actions();
    t.extend([
        kw("remark", "Access list entry comment")
            .sub(vec![arg(Arg::Rest, "Comment up to 100 characters").run(named_entry)]),
        sequence.no(named_entry).sub(actions()),
        kw("exit", "Exit from access-list configuration mode").plain(super::config::exit),
        kw("end", "Exit from configure mode").plain(super::config::end),
    ]);
    t
}

/// The entries of `(config-ipv6-acl)`: `[sequence N] permit|deny ...`.
pub fn ipv6_entries() -> Tree {
    let mut t = list_mode(arg(Arg::Num(1, 4_294_967_295), "Sequence number"));
    // IPv6 lists take the number after the word `sequence`.
    let numbered = t.remove(3);
    t.insert(3, kw("sequence", "Sequence number for this entry").sub(vec![numbered]));
    t
}

/// `ipv6 access-list NAME`: create it if new and enter its mode; `no` removes it.
pub fn ipv6_list(cx: &mut Cx) {
    let Some(name) = cx.word(0).map(str::to_string) else { return };
    let id = AclId::Name(name);
    if cx.negated {
        cx.ios().services.acls.lists().retain(|a| a.id != id);
        return;
    }
    let existing = cx.ios().services.acls.lists().iter().find(|a| a.id == id).map(|a| a.kind);
    if existing.is_some_and(|k| k != AclKind::Ipv6) {
        cx.reject(Rejection::Refused, "% An IPv4 access list with this name already exists\n");
        return;
    }
    list_mut(&mut cx.ios().services.acls.lists(), &id, AclKind::Ipv6);
    cx.ios().terminal.mode = Mode::Acl { id, kind: AclKind::Ipv6 };
}

/// `ipv6 traffic-filter LIST in|out` under an interface.
pub fn traffic_filter(cx: &mut Cx) {
    let id = cx.word(0).map(|w| AclId::Name(w.to_string()));
    let (inbound, outbound) = (cx.has("in"), cx.has("out"));
    let negated = cx.negated;
    for name in super::config::selected(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        if !negated {
            *(if inbound { &mut i.traffic_filter_in } else { &mut i.traffic_filter_out }) = id.clone();
            continue;
        }
        // `no ipv6 traffic-filter [NAME]` without a direction removes it from both.
        let mut slots = Vec::new();
        if inbound || !outbound {
            slots.push(&mut i.traffic_filter_in);
        }
        if outbound || !inbound {
            slots.push(&mut i.traffic_filter_out);
        }
        for slot in slots {
            if id.is_none() || *slot == id {
                *slot = None;
            }
        }
    }
}

/// `show ipv6 access-list [NAME]`.
pub fn show_ipv6_lists(cx: &mut Cx) {
    let only = cx.word(0).map(|w| AclId::Name(w.to_string()));
    let text: String = cx
        .ios()
        .services
        .acls
        .lists()
        .iter()
        .filter(|a| a.kind == AclKind::Ipv6 && only.as_ref().is_none_or(|o| *o == a.id))
        .map(acl_syntax::show_list)
        .collect();
    cx.print(&text);
}

/// `ip access-group LIST in|out` under an interface.
pub fn access_group() -> super::super::tree::Node<super::Handler> {
    kw("access-group", "Specify access control for packets").no(access_group_handler).sub(vec![arg(
        Arg::Word,
        "Access-list name or number",
    )
    .no(access_group_handler)
    .sub(vec![
        kw("in", "inbound packets").run(access_group_handler),
        kw("out", "outbound packets").run(access_group_handler),
    ])])
}

/// `access-class LIST in|out` under a line.
pub fn access_class() -> super::super::tree::Node<super::Handler> {
    kw("access-class", "Filter connections based on an IP access list").sub(vec![arg(Arg::Word, "IP access list").sub(
        vec![
            kw("in", "Filter incoming connections").run(access_class_handler),
            kw("out", "Filter outgoing connections").run(access_class_handler),
        ],
    )])
}

pub fn show() -> Tree {
    vec![kw("access-lists", "List access lists")
        .plain(show_lists)
        .sub(vec![arg(Arg::Word, "ACL name or number").plain(show_lists)])]
}

fn list_mut<'a>(acls: &'a mut Vec<Acl>, id: &AclId, kind: AclKind) -> &'a mut Acl {
    if let Some(i) = acls.iter().position(|a| &a.id == id) {
        return &mut acls[i];
    }
    acls.push(Acl::new(id.clone(), kind));
    // Numbered lists print before named ones, each in order.
    acls.sort_by(|a, b| a.id.cmp(&b.id));
    let i = acls.iter().position(|a| &a.id == id).expect("just inserted");
    &mut acls[i]
}

/// Apply `permit|deny|remark REST` to a list; print the IOS error on bad input.
fn apply_entry(cx: &mut Cx, id: AclId, kind: AclKind, seq: Option<u32>, action: &str, rest: &str) {
    let negated = cx.negated;
    if action == "remark" {
        let table = cx.ios().services.acls.clone();
        let mut lists = table.lists();
        let acl = list_mut(&mut lists, &id, kind);
        if negated {
            acl.entries.retain(|e| !matches!(e, Entry::Remark(r) if r == rest));
        } else {
            acl.entries.push(Entry::Remark(rest.chars().take(100).collect()));
        }
        return;
    }
    // Nothing in an entry is case-sensitive (real configs write `permit TCP`).
    let text = format!("{action} {rest}").to_ascii_lowercase();
    let words: Vec<&str> = text.split_whitespace().collect();
    match acl_syntax::parse_rule(&words, kind) {
        Ok(rule) => {
            let table = cx.ios().services.acls.clone();
            let mut lists = table.lists();
            let acl = list_mut(&mut lists, &id, kind);
            if negated {
                acl.remove_rule(&rule);
            } else {
                acl.add(seq, rule);
            }
        }
        Err(EntryError::Incomplete) => cx.reject(Rejection::Incomplete, "% Incomplete command.\n\n"),
        Err(EntryError::Invalid(word)) => {
            // The offending word is `word` words into `text`, which starts at `rest` minus the action.
            let rest_col = cx.rest_column().unwrap_or(0);
            let offset_in_rest =
                rest.split_whitespace().take(word.saturating_sub(1)).map(|w| w.len() + 1).sum::<usize>();
            let col = rest_col + offset_in_rest;
            cx.invalid_at(col);
        }
    }
}

fn numbered_entry(cx: &mut Cx) {
    let Some(n) = cx.num(0) else { return };
    let Some(kind) = AclKind::of_number(n) else {
        cx.reject(Rejection::Refused, "% Invalid access list number\n");
        return;
    };
    let action = cx.key_after_num().unwrap_or("permit");
    let rest = cx.rest().unwrap_or("").to_string();
    apply_entry(cx, AclId::Number(n), kind, None, action, &rest);
}

fn delete_numbered(cx: &mut Cx) {
    let Some(n) = cx.num(0) else { return };
    cx.ios().services.acls.lists().retain(|a| a.id != AclId::Number(n));
}

fn named_list(cx: &mut Cx) {
    let Some(name) = cx.word(0).map(str::to_string) else { return };
    let kind = if cx.has("standard") { AclKind::Standard } else { AclKind::Extended };
    let id = AclId::parse(&name);
    if let AclId::Number(n) = id {
        if AclKind::of_number(n) != Some(kind) {
            let kind_word = if kind == AclKind::Standard { "standard" } else { "extended" };
            cx.reject(Rejection::Refused, &format!("% {name} is not a valid {kind_word} access list number\n"));
            return;
        }
    }
    if cx.negated {
        cx.ios().services.acls.lists().retain(|a| a.id != id);
        return;
    }
    let existing = cx.ios().services.acls.lists().iter().find(|a| a.id == id).map(|a| a.kind);
    if existing.is_some_and(|k| k != kind) {
        let other = if kind == AclKind::Standard { "extended" } else { "standard" };
        cx.reject(Rejection::Refused, &format!("% A named {other} IP access list with this name already exists\n"));
        return;
    }
    list_mut(&mut cx.ios().services.acls.lists(), &id, kind);
    cx.ios().terminal.mode = Mode::Acl { id, kind };
}

fn named_entry(cx: &mut Cx) {
    let Mode::Acl { id, kind } = cx.ios().terminal.mode.clone() else { return };
    let seq = cx.num(0);
    let action = ["permit", "deny", "remark"].into_iter().find(|a| cx.has(a));
    match (action, seq) {
        (Some(action), _) => {
            let rest = cx.rest().unwrap_or("").to_string();
            apply_entry(cx, id, kind, seq, action, &rest);
        }
        (None, Some(seq)) if cx.negated => {
            list_mut(&mut cx.ios().services.acls.lists(), &id, kind).remove_seq(seq);
        }
        _ => {}
    }
}

fn access_group_handler(cx: &mut Cx) {
    let id = cx.word(0).map(AclId::parse);
    let (inbound, outbound) = (cx.has("in"), cx.has("out"));
    let negated = cx.negated;
    for name in super::config::selected(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        if inbound || !outbound {
            if negated && (id.is_none() || i.access_group_in == id) || !negated && inbound {
                i.access_group_in = if negated { None } else { id.clone() };
            }
        }
        if outbound && (negated && (id.is_none() || i.access_group_out == id) || !negated) {
            i.access_group_out = if negated { None } else { id.clone() };
        }
    }
}

fn access_class_handler(cx: &mut Cx) {
    let id = if cx.negated { None } else { cx.word(0).map(AclId::parse) };
    let inbound = cx.has("in");
    super::config::each_line(cx, |l| {
        if inbound {
            l.access_class_in = id.clone();
        } else {
            l.access_class_out = id.clone();
        }
    });
}

fn show_lists(cx: &mut Cx) {
    let only = cx.word(0).map(AclId::parse);
    let text: String = cx
        .ios()
        .services
        .acls
        .lists()
        .iter()
        .filter(|a| only.as_ref().is_none_or(|o| *o == a.id))
        .map(acl_syntax::show_list)
        .collect();
    cx.print(&text);
}
