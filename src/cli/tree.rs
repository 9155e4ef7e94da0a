//! The command tree as data: keywords and typed arguments, each with its help
//! text, the modes' trees built from them, and one parser that gives every
//! command its abbreviations, `?` help, Tab completion, `no` forms and IOS
//! error messages (with the caret under the first bad character).

use std::net::Ipv4Addr;

use crate::base::{IfaceKind, IfaceName, Model};

/// What a handler receives: the matched keywords and argument values, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Key(&'static str),
    Ip(Ipv4Addr),
    Num(u32),
    Word(String),
    Iface(IfaceName),
    /// A.B.C.D/N
    Prefix(Ipv4Addr, u8),
    /// The rest of the line, as typed.
    Rest(String),
}

/// The kinds of argument a command can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A.B.C.D (addresses, masks, wildcards).
    Ipv4,
    /// A number in an inclusive range.
    Num(u32, u32),
    /// One word.
    Word,
    /// Everything to the end of the line.
    Rest,
    /// An interface name, as one token (`g0/0/0`) or two (`GigabitEthernet 0/0/0`).
    Iface,
    /// A.B.C.D/N
    Prefix,
}

impl Arg {
    /// The placeholder `?` shows.
    pub fn placeholder(self) -> String {
        match self {
            Arg::Ipv4 => "A.B.C.D".into(),
            Arg::Num(lo, hi) => format!("<{lo}-{hi}>"),
            Arg::Word => "WORD".into(),
            Arg::Rest => "LINE".into(),
            Arg::Iface => "interface".into(),
            Arg::Prefix => "A.B.C.D/nn".into(),
        }
    }

    /// Try to match at `tokens[0..]`; returns the value and how many tokens it took.
    fn accept(self, tokens: &[Token], line: &str) -> Option<(Value, usize)> {
        let t = tokens.first()?.text;
        match self {
            Arg::Ipv4 => parse_ipv4(t).map(|ip| (Value::Ip(ip), 1)),
            Arg::Num(lo, hi) => {
                let n: u32 = t.parse().ok()?;
                (lo..=hi).contains(&n).then_some((Value::Num(n), 1))
            }
            Arg::Word => Some((Value::Word(t.to_string()), 1)),
            Arg::Prefix => {
                let (a, l) = t.split_once('/')?;
                let len: u8 = l.parse().ok().filter(|&l| l <= 32)?;
                Some((Value::Prefix(parse_ipv4(a)?, len), 1))
            }
            Arg::Rest => Some((Value::Rest(line[tokens[0].start..].trim_end().to_string()), tokens.len())),
            Arg::Iface => {
                if let Ok(n) = IfaceName::parse(t) {
                    return Some((Value::Iface(n), 1));
                }
                let next = tokens.get(1)?;
                if t.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                    && next.text.starts_with(|c: char| c.is_ascii_digit())
                {
                    let n = IfaceName::parse(&format!("{t}{}", next.text)).ok()?;
                    return Some((Value::Iface(n), 2));
                }
                None
            }
        }
    }
}

/// Keywords match whatever the case (`dot1Q`, `DOT1Q`, `Dot1q`).
fn starts_with_ci(keyword: &str, typed_lower: &str) -> bool {
    keyword.len() >= typed_lower.len()
        && keyword.as_bytes()[..typed_lower.len()].eq_ignore_ascii_case(typed_lower.as_bytes())
}

pub use crate::base::parse_ipv4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    Key(&'static str),
    Arg(Arg),
}

/// One node of a command tree.
pub struct Node<H> {
    pub word: Word,
    pub help: &'static str,
    pub children: Vec<Node<H>>,
    pub run: Option<H>,
    /// The line may end here as typed.
    pub plain: bool,
    /// The line may end here after `no`.
    pub negated: bool,
    /// Which models have this command.
    pub when: fn(Model) -> bool,
    /// Shown by `?` only if true (hidden commands still parse).
    pub visible: bool,
}

fn always(_: Model) -> bool {
    true
}

pub fn kw<H>(word: &'static str, help: &'static str) -> Node<H> {
    node(Word::Key(word), help)
}

pub fn arg<H>(kind: Arg, help: &'static str) -> Node<H> {
    node(Word::Arg(kind), help)
}

fn node<H>(word: Word, help: &'static str) -> Node<H> {
    Node { word, help, children: Vec::new(), run: None, plain: false, negated: false, when: always, visible: true }
}

impl<H: Copy> Node<H> {
    pub fn sub(mut self, children: Vec<Node<H>>) -> Self {
        self.children = children;
        self
    }
    /// Runs `h` when the line ends here, with or without `no`.
    pub fn run(mut self, h: H) -> Self {
        self.run = Some(h);
        self.plain = true;
        self.negated = true;
        self
    }
    /// Runs `h` only without `no`.
    pub fn plain(mut self, h: H) -> Self {
        self.run = Some(h);
        self.plain = true;
        self
    }
    /// Runs `h` only after `no` (the positive form needs more words).
    pub fn no(mut self, h: H) -> Self {
        self.run = Some(h);
        self.negated = true;
        self
    }
    pub fn when(mut self, f: fn(Model) -> bool) -> Self {
        self.when = f;
        self
    }
    pub fn hidden(mut self) -> Self {
        self.visible = false;
        self
    }

    /// Can a `no` form end at this node or below it?
    fn negatable(&self) -> bool {
        self.negated || self.children.iter().any(Node::negatable)
    }

    fn ends_here(&self, negated: bool) -> bool {
        self.run.is_some() && if negated { self.negated } else { self.plain }
    }

    /// The text `?` shows for this node.
    fn label(&self) -> String {
        match self.word {
            Word::Key(k) => k.to_string(),
            Word::Arg(a) => a.placeholder(),
        }
    }
}

/// A word of the typed line and where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub start: usize,
}

pub fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                tokens.push(Token { text: &line[s..i], start: s });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(Token { text: &line[s..], start: s });
    }
    tokens
}

/// What parsing a line came to.
pub enum Parsed<H> {
    /// `starts[i]` is the byte where `values[i]` began in the line.
    Run {
        handler: H,
        values: Vec<Value>,
        starts: Vec<usize>,
    },
    /// Invalid input; the caret goes under byte `at` of the line.
    Invalid {
        at: usize,
    },
    Incomplete,
    /// The line up to the end of the ambiguous word.
    Ambiguous {
        upto: usize,
    },
    /// Nothing typed.
    Empty,
}

enum Step<'t, H> {
    To(&'t Node<H>, Value, usize),
    Invalid(usize),
    Ambiguous(usize),
}

fn step<'t, H>(nodes: &'t [Node<H>], tokens: &[Token], line: &str, model: Model) -> Step<'t, H> {
    let t = tokens[0];
    let lower = t.text.to_ascii_lowercase();
    let live = || nodes.iter().filter(|n| (n.when)(model));
    let keys: Vec<&Node<H>> = live().filter(|n| matches!(n.word, Word::Key(k) if starts_with_ci(k, &lower))).collect();
    if let Some(exact) = keys.iter().find(|n| matches!(n.word, Word::Key(k) if k.eq_ignore_ascii_case(&lower))) {
        return key_step(exact, t);
    }
    if keys.len() == 1 {
        return key_step(keys[0], t);
    }
    // An argument that accepts the token beats a set of ambiguous keywords only
    // if it is specific (a number or address): `WORD` never resolves ambiguity.
    for n in live() {
        if let Word::Arg(a) = n.word {
            if keys.len() > 1 && matches!(a, Arg::Word | Arg::Rest) {
                continue;
            }
            if let Some((v, used)) = a.accept(tokens, line) {
                return Step::To(n, v, used);
            }
        }
    }
    if keys.len() > 1 {
        return Step::Ambiguous(t.start + t.text.len());
    }
    // The caret goes under the first character no keyword could continue with.
    let best = live()
        .filter_map(|n| match n.word {
            Word::Key(k) => Some(k.bytes().zip(lower.bytes()).take_while(|(a, b)| a.eq_ignore_ascii_case(b)).count()),
            Word::Arg(_) => None,
        })
        .max()
        .unwrap_or(0);
    Step::Invalid(t.start + best.min(t.text.len().saturating_sub(1)))
}

fn key_step<'t, H>(n: &'t Node<H>, _t: Token) -> Step<'t, H> {
    match n.word {
        Word::Key(k) => Step::To(n, Value::Key(k), 1),
        Word::Arg(_) => unreachable!("keywords only"),
    }
}

/// Parse a whole line against a tree.
pub fn parse<H: Copy>(roots: &[Node<H>], line: &str, negated: bool, model: Model) -> Parsed<H> {
    let tokens = tokenize(line);
    if tokens.is_empty() {
        return Parsed::Empty;
    }
    let mut nodes: &[Node<H>] = roots;
    let mut here: Option<&Node<H>> = None;
    let mut values = Vec::new();
    let mut starts = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match step(nodes, &tokens[i..], line, model) {
            Step::To(n, v, used) => {
                values.push(v);
                starts.push(tokens[i].start);
                here = Some(n);
                nodes = &n.children;
                i += used;
            }
            Step::Invalid(at) => return Parsed::Invalid { at },
            Step::Ambiguous(upto) => return Parsed::Ambiguous { upto },
        }
    }
    match here {
        Some(n) if n.ends_here(negated) => {
            Parsed::Run { handler: n.run.expect("ends_here checks run"), values, starts }
        }
        _ => Parsed::Incomplete,
    }
}

/// The nodes reachable after the complete words of `line` (the part before a
/// trailing partial word), or the byte where the line went wrong.
fn walk<'t, H>(
    roots: &'t [Node<H>],
    tokens: &[Token],
    line: &str,
    model: Model,
) -> Result<(Option<&'t Node<H>>, &'t [Node<H>]), usize> {
    let mut nodes: &[Node<H>] = roots;
    let mut here = None;
    let mut i = 0;
    while i < tokens.len() {
        match step(nodes, &tokens[i..], line, model) {
            Step::To(n, _, used) => {
                here = Some(n);
                nodes = &n.children;
                i += used;
            }
            Step::Invalid(at) => return Err(at),
            Step::Ambiguous(upto) => return Err(upto),
        }
    }
    Ok((here, nodes))
}

/// Help for a line ending in `?`: after a space, the next words with their
/// help; right after a partial word, the words it could complete to.
pub fn help<H: Copy>(roots: &[Node<H>], before: &str, negated: bool, model: Model) -> Result<String, usize> {
    help_with(roots, before, negated, model, false)
}

/// [`help`], and with `pipe` (a `show` command) the `|  Output modifiers`
/// row where the command may end.
pub fn help_with<H: Copy>(
    roots: &[Node<H>],
    before: &str,
    negated: bool,
    model: Model,
    pipe: bool,
) -> Result<String, usize> {
    let partial = !before.is_empty() && !before.ends_with(char::is_whitespace);
    let tokens = tokenize(before);
    let (complete, last) =
        if partial { (&tokens[..tokens.len() - 1], tokens.last().copied()) } else { (&tokens[..], None) };
    let (here, nodes) = walk(roots, complete, before, model)?;
    let live: Vec<&Node<H>> =
        nodes.iter().filter(|n| (n.when)(model) && n.visible && (!negated || n.negatable())).collect();
    if let Some(last) = last {
        let lower = last.text.to_ascii_lowercase();
        let mut words: Vec<String> = live
            .iter()
            .filter_map(|n| match n.word {
                Word::Key(k) if starts_with_ci(k, &lower) => Some(k.to_string()),
                Word::Arg(a) if a.accept(&[last], before).is_some() => Some(a.placeholder()),
                _ => None,
            })
            .collect();
        words.dedup();
        if words.is_empty() {
            return Err(last.start);
        }
        let mut out = String::new();
        let mut col = 0;
        for w in words {
            if col + w.len() + 2 > 79 && col > 0 {
                out.push('\n');
                col = 0;
            }
            out.push_str(&w);
            out.push_str("  ");
            col += w.len() + 2;
        }
        out.push_str("\n\n");
        return Ok(out);
    }
    let mut rows: Vec<(String, &str)> = Vec::new();
    for n in &live {
        if let Word::Arg(Arg::Iface) = n.word {
            for k in IfaceKind::ALL {
                if iface_kind_on(k, model) {
                    rows.push((k.long().to_string(), iface_help(k)));
                }
            }
        } else {
            rows.push((n.label(), n.help));
        }
    }
    let mut sorted_keys: Vec<(String, &str)> = rows.iter().filter(|r| !is_placeholder(&r.0)).cloned().collect();
    sorted_keys.sort();
    let mut all: Vec<(String, &str)> = rows.into_iter().filter(|r| is_placeholder(&r.0)).collect();
    all.extend(sorted_keys);
    let ends = here.is_some_and(|n| n.ends_here(negated));
    // IOS-XE repeats `<cr>` as its help; classic IOS (the 2960) does not.
    let cr_help = if model == Model::Switch { "" } else { "<cr>" };
    if ends && all.is_empty() {
        // Alone, each row keeps its own short column.
        let mut out = String::new();
        if pipe {
            out.push_str("  |  Output modifiers\n");
        }
        out.push_str(&format!("  <cr>  {cr_help}").trim_end().to_string());
        out.push_str("\n\n");
        return Ok(out);
    }
    if ends {
        if pipe {
            all.push(("|".to_string(), "Output modifiers"));
        }
        all.push(("<cr>".to_string(), cr_help));
    }
    let width = all.iter().map(|r| r.0.len()).max().unwrap_or(0).max(10) + 2;
    let mut out = String::new();
    for (word, text) in all {
        out.push_str(&format!("  {word:<width$}{text}").trim_end().to_string());
        out.push('\n');
    }
    out.push('\n');
    Ok(out)
}

fn is_placeholder(s: &str) -> bool {
    s.starts_with('<') && s != "<cr>" || s == "A.B.C.D" || s == "WORD" || s == "LINE" || s == "A.B.C.D/nn"
}

fn iface_kind_on(k: IfaceKind, model: Model) -> bool {
    match model {
        Model::Router => !matches!(k, IfaceKind::FastEthernet | IfaceKind::Vlan | IfaceKind::PortChannel),
        Model::Switch => !matches!(k, IfaceKind::Serial | IfaceKind::Loopback),
        Model::L3Switch => !matches!(k, IfaceKind::Serial | IfaceKind::FastEthernet),
        _ => k == IfaceKind::FastEthernet,
    }
}

fn iface_help(k: IfaceKind) -> &'static str {
    match k {
        IfaceKind::FastEthernet => "FastEthernet IEEE 802.3",
        IfaceKind::GigabitEthernet => "GigabitEthernet IEEE 802.3z",
        IfaceKind::Serial => "Serial",
        IfaceKind::Loopback => "Loopback interface",
        IfaceKind::Vlan => "Catalyst Vlans",
        IfaceKind::PortChannel => "Ethernet Channel of interfaces",
    }
}

/// Tab completion: the line with its last word completed, if exactly one
/// keyword fits.
pub fn complete<H>(roots: &[Node<H>], line: &str, model: Model) -> Option<String> {
    if line.is_empty() || line.ends_with(char::is_whitespace) {
        return None;
    }
    let tokens = tokenize(line);
    let last = *tokens.last()?;
    let (_, nodes) = walk(roots, &tokens[..tokens.len() - 1], line, model).ok()?;
    let lower = last.text.to_ascii_lowercase();
    let keys: Vec<&'static str> = nodes
        .iter()
        .filter(|n| (n.when)(model))
        .filter_map(|n| match n.word {
            Word::Key(k) if starts_with_ci(k, &lower) => Some(k),
            _ => None,
        })
        .collect();
    let exact = keys.iter().find(|k| k.eq_ignore_ascii_case(&lower));
    let word = match (exact, keys.as_slice()) {
        (Some(k), _) => *k,
        (None, [k]) => *k,
        _ => return None,
    };
    Some(format!("{}{} ", &line[..last.start], word))
}

#[cfg(test)]
mod tests {
    use super::*;

    type T = fn();
    fn rec() {}

    fn tree() -> Vec<Node<T>> {
        vec![
            kw("show", "Show running system information").sub(vec![
                kw("ip", "IP information").sub(vec![
                    kw("interface", "IP interface status").sub(vec![kw("brief", "Brief summary").plain(rec as T)]),
                    kw("route", "IP routing table")
                        .plain(rec as T)
                        .sub(vec![arg(Arg::Ipv4, "Network").plain(rec as T)]),
                ]),
                kw("interfaces", "Interface status").plain(rec as T),
            ]),
            kw("shutdown", "Shutdown the selected interface").run(rec as T),
            kw("ip", "IP config").sub(vec![kw("address", "Set the IP address").no(rec as T).sub(vec![arg(
                Arg::Ipv4,
                "IP address",
            )
            .sub(vec![arg(Arg::Ipv4, "IP subnet mask").run(rec as T)])])]),
            kw("interface", "Select an interface").sub(vec![arg(Arg::Iface, "").plain(rec as T)]),
            kw("send", "Send a message").plain(rec as T),
        ]
    }

    fn outcome(line: &str) -> String {
        match parse(&tree(), line, false, Model::Router) {
            Parsed::Run { values, .. } => format!("run {values:?}"),
            Parsed::Invalid { at } => format!("invalid at {at}"),
            Parsed::Incomplete => "incomplete".into(),
            Parsed::Ambiguous { upto } => format!("ambiguous {:?}", &line[..upto]),
            _ => "empty".into(),
        }
    }

    #[test]
    fn abbreviations_and_errors() {
        assert!(outcome("sho ip int br").starts_with("run"));
        assert!(outcome("SHOW IP ROUTE 10.0.0.1").starts_with("run"));
        assert_eq!(outcome("s"), "ambiguous \"s\"");
        assert_eq!(outcome("show ip intx brief"), "invalid at 11");
        assert_eq!(outcome("show ip"), "incomplete");
        assert_eq!(outcome("show ip route 10.0.0.256"), "invalid at 14");
        assert_eq!(outcome("show ip route 1.1.1.1 extra"), "invalid at 22");
        assert_eq!(outcome("xyz"), "invalid at 0");
        assert!(outcome("show interf").starts_with("run"));
        assert_eq!(outcome("show i"), "ambiguous \"show i\"");
    }

    #[test]
    fn interface_names_in_one_or_two_tokens() {
        assert!(outcome("int g0/0/0").contains("GigabitEthernet"));
        assert!(outcome("int GigabitEthernet 0/0/1").contains("[0, 0, 1]"));
    }

    #[test]
    fn no_forms() {
        let t = tree();
        assert!(matches!(parse(&t, "ip address", true, Model::Router), Parsed::Run { .. }));
        assert!(matches!(parse(&t, "ip address", false, Model::Router), Parsed::Incomplete));
        assert!(matches!(parse(&t, "ip add 10.0.0.1 255.0.0.0", true, Model::Router), Parsed::Run { .. }));
    }

    #[test]
    fn help_and_completion() {
        let t = tree();
        let h = help(&t, "show ip ", false, Model::Router).unwrap();
        assert!(h.contains("  interface") && h.contains("IP routing table"), "{h}");
        assert!(!h.contains("<cr>"));
        let h = help(&t, "show ip route ", false, Model::Router).unwrap();
        assert!(h.contains("A.B.C.D") && h.contains("<cr>"), "{h}");
        assert_eq!(help(&t, "sh", false, Model::Router).unwrap(), "show  shutdown  \n\n");
        assert_eq!(help(&t, "show xx ", false, Model::Router), Err(5));
        assert_eq!(complete(&t, "sho ip int", Model::Router).as_deref(), Some("sho ip interface "));
        assert_eq!(complete(&t, "s", Model::Router), None);
    }
}
