//! HTTP on a host, over its TCP: a Server's web service (on by default, as
//! on a Packet Tracer server) answering from its pages, one fetch at a time
//! for `curl`, the graders and the Desktop's web browser, and the browser
//! itself (the name looked up, the page fetched, its text shown).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::proto::http::{self, Response, Site, Url};
use crate::proto::tcp::{ConnId, Event, Tcp};
use crate::sim::{Duration, Time};

/// A web server: its pages, and the requests being read.
#[derive(Clone, Debug, Default)]
pub struct WebServer {
    pub site: Site,
    reading: BTreeMap<ConnId, Vec<u8>>,
}

impl WebServer {
    pub fn new(site: Site) -> WebServer {
        WebServer { site, reading: BTreeMap::new() }
    }

    /// Act on a TCP event; returns whether it was the server's.
    pub fn on_event(&mut self, now: Time, tcp: &mut Tcp, e: Event) -> bool {
        match e {
            Event::Accepted { conn, port: http::PORT } => {
                self.reading.insert(conn, Vec::new());
            }
            Event::Data(conn) if self.reading.contains_key(&conn) => {
                let data = tcp.take_received(conn);
                let buf = self.reading.get_mut(&conn).expect("checked");
                buf.extend(data);
                if let Some((method, path)) = http::parse_request(buf) {
                    self.reading.remove(&conn);
                    tcp.send(now, conn, &self.site.respond(&method, &path));
                    tcp.close(now, conn);
                }
            }
            Event::PeerClosed(conn) if self.reading.contains_key(&conn) => {
                self.reading.remove(&conn);
                tcp.close(now, conn);
            }
            Event::Closed(conn) | Event::Reset(conn) | Event::TimedOut(conn) => {
                return self.reading.remove(&conn).is_some();
            }
            _ => return false,
        }
        true
    }
}

/// How a fetch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    Response(Response),
    /// The server's host answered with a reset: nothing listens on the port.
    Refused {
        addr: Ipv4Addr,
        port: u16,
        after: Duration,
    },
    /// No answer to the SYNs.
    TimedOut {
        addr: Ipv4Addr,
        port: u16,
        after: Duration,
    },
    /// The connection broke before a whole response came.
    Broken,
}

/// A fetch under way.
#[derive(Clone, Debug)]
pub struct Fetch {
    conn: ConnId,
    addr: Ipv4Addr,
    port: u16,
    request: Vec<u8>,
    received: Vec<u8>,
    started: Time,
}

impl Fetch {
    /// Open the connection for `GET` (or `HEAD`) of `url` at `addr`.
    pub fn start(now: Time, tcp: &mut Tcp, src: Ipv4Addr, addr: Ipv4Addr, url: &Url, head: bool) -> Fetch {
        let conn = tcp.connect(now, src, addr, url.port);
        let request = http::request(if head { "HEAD" } else { "GET" }, url);
        Fetch { conn, addr, port: url.port, request, received: Vec::new(), started: now }
    }

    /// Act on a TCP event; `Some` when the fetch is over.
    pub fn on_event(&mut self, now: Time, tcp: &mut Tcp, e: Event) -> Option<FetchOutcome> {
        let after = now.since(self.started);
        match e {
            Event::Connected(c) if c == self.conn => {
                tcp.send(now, c, &self.request);
                None
            }
            Event::Data(c) if c == self.conn => {
                self.received.extend(tcp.take_received(c));
                None
            }
            Event::PeerClosed(c) if c == self.conn => {
                tcp.close(now, c);
                Some(http::parse_response(&self.received, true).map_or(FetchOutcome::Broken, FetchOutcome::Response))
            }
            Event::Reset(c) if c == self.conn => Some(if self.received.is_empty() {
                FetchOutcome::Refused { addr: self.addr, port: self.port, after }
            } else {
                http::parse_response(&self.received, true).map_or(FetchOutcome::Broken, FetchOutcome::Response)
            }),
            Event::TimedOut(c) if c == self.conn => {
                Some(FetchOutcome::TimedOut { addr: self.addr, port: self.port, after })
            }
            _ => None,
        }
    }

    /// Stop (Ctrl+C): the connection is reset.
    pub fn abort(&self, tcp: &mut Tcp) {
        tcp.abort(self.conn);
    }
}

/// Open `url` in a host's web browser: look the name up if it is one, fetch
/// the page, and show its text or the browser's error ("Host Name
/// Unresolved", "Request Timeout", "Server Reset Connection").
pub fn browse(dev: &mut super::Device, now: Time, url: &str) {
    use super::{BrowserPage, Role};
    let Role::Host(h) = &mut dev.role else { return };
    h.browser.url = url.to_string();
    let Some(parsed) = Url::parse(url) else {
        h.browser.page = BrowserPage::Error("Invalid URL".into());
        return;
    };
    if h.waiting() {
        return; // one thing at a time, as the prompt
    }
    h.browser.page = BrowserPage::Loading;
    let show: super::FetchWaiter = Box::new(|outcome, h| {
        h.browser.page = match outcome {
            FetchOutcome::Response(r) => BrowserPage::Shown {
                status: r.head.lines().next().unwrap_or_default().to_string(),
                text: page_text(&r.body),
            },
            FetchOutcome::Refused { .. } | FetchOutcome::Broken => BrowserPage::Error("Server Reset Connection".into()),
            FetchOutcome::TimedOut { .. } => BrowserPage::Error("Request Timeout".into()),
        }
    });
    if let Ok(addr) = parsed.host.parse::<Ipv4Addr>() {
        h.fetch(now, &parsed, addr, false, show);
        return;
    }
    let host_name = parsed.host.clone();
    let then: super::LookupWaiter = Box::new(move |r, dev, now| {
        let Role::Host(h) = &mut dev.role else { return };
        match r {
            crate::proto::dns::Resolution::Found { addresses, .. } => h.fetch(now, &parsed, addresses[0], false, show),
            _ => h.browser.page = BrowserPage::Error("Host Name Unresolved".into()),
        }
    });
    h.resolve(now, &host_name, then);
}

/// A page's text as a simple browser shows it: tags gone, one line per
/// block, entities for <, > and & read.
pub fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else { break };
        let tag = rest[open + 1..open + close].trim_start_matches('/').to_ascii_lowercase();
        let name = tag.split(|c: char| c.is_whitespace()).next().unwrap_or_default();
        if matches!(name, "br" | "p" | "hr" | "h1" | "h2" | "h3" | "li" | "tr" | "div" | "center" | "title") {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    let out = out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    out.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}
