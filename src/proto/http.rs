//! HTTP/1.1 over TCP port 80, as far as a lab needs: URLs, the request
//! curl sends, a server's answer from its pages (200 or 404, `HEAD` for
//! `curl -I`), and reading a response. Text only; one request per
//! connection (`Connection: close`). [`dissect()`] shows a message to the
//! inspector.

use std::collections::BTreeMap;

use super::dissect::{self, Dissected, Layer, LayerBuilder};

pub const PORT: u16 = 80;

/// The methods a request line may start with (RFC 9110, and PATCH).
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/// `http://HOST[:PORT][/PATH]`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub host: String,
    pub port: u16,
    pub path: String,
}

impl Url {
    pub fn parse(text: &str) -> Option<Url> {
        let rest = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some(_) => return None,
            None => text,
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (authority, PORT),
        };
        (!host.is_empty()).then(|| Url { host: host.to_string(), port, path: path.to_string() })
    }
}

/// The request curl sends.
pub fn request(method: &str, url: &Url) -> Vec<u8> {
    let host = if url.port == PORT { url.host.clone() } else { format!("{}:{}", url.host, url.port) };
    format!("{method} {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: curl/8.4.0\r\nAccept: */*\r\n\r\n", url.path)
        .into_bytes()
}

/// A complete request's method and path (`None` until the header ends).
pub fn parse_request(bytes: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(bytes).ok()?;
    if !text.contains("\r\n\r\n") {
        return None;
    }
    let mut first = text.lines().next()?.split_whitespace();
    Some((first.next()?.to_string(), first.next()?.to_string()))
}

/// A web server's pages by path; `/` serves `/index.html`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub pages: BTreeMap<String, String>,
    /// Every page needs a login (IOS's `ip http server` asks for a
    /// privilege-15 user): requests without credentials get 401.
    pub realm: Option<String>,
}

/// The page a new server shows.
pub const DEFAULT_INDEX: &str = "<html>\n<center><font size='+2' color='blue'>wirelab</font></center>\n<hr>Welcome to this server. Its pages are set in the lab file (its pages field).\n</html>\n";

impl Default for Site {
    fn default() -> Site {
        Site { pages: BTreeMap::from([("/index.html".to_string(), DEFAULT_INDEX.to_string())]), realm: None }
    }
}

impl Site {
    /// The response to a request.
    pub fn respond(&self, method: &str, path: &str) -> Vec<u8> {
        if let Some(realm) = &self.realm {
            let body =
                "<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD><BODY><H1>401 Unauthorized</H1></BODY></HTML>\n";
            return format!(
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nWWW-Authenticate: Basic realm=\"{realm}\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                body.len(),
                if method == "HEAD" { "" } else { body }
            )
            .into_bytes();
        }
        let path = if path == "/" { "/index.html" } else { path };
        let (status, body) = match (method, self.pages.get(path)) {
            ("GET" | "HEAD", Some(page)) => ("200 OK", page.clone()),
            ("GET" | "HEAD", None) => {
                ("404 Not Found", format!("<html><body><h1>404 Not Found</h1><p>{path}</p></body></html>\n"))
            }
            _ => ("501 Not Implemented", String::new()),
        };
        let mut out = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        if method != "HEAD" {
            out.push_str(&body);
        }
        out.into_bytes()
    }
}

/// A response as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The status line and header lines, as received.
    pub head: String,
    pub body: String,
}

/// Read a response; `complete` says the connection closed (the body ends there).
pub fn parse_response(bytes: &[u8], complete: bool) -> Option<Response> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let body = &bytes[end + 4..];
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let length = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok()).flatten()
    });
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match length {
        Some(n) if body.len() >= n => Some(Response { status, head, body: text(&body[..n]) }),
        _ if complete => Some(Response { status, head, body: text(body) }),
        _ => None,
    }
}

/// What an HTTP message's first line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StartLine {
    /// `GET /index.html HTTP/1.1`
    Request,
    /// `HTTP/1.1 200 OK`
    Status,
}

/// Whether `line` starts an HTTP message, and which kind: a known method, a
/// target and a version; or a version and a three-digit status code.
fn start_line(line: &str) -> Option<StartLine> {
    let is_version = |word: &str| {
        word.strip_prefix("HTTP/").is_some_and(
            |v| matches!(v.as_bytes(), [major, b'.', minor] if major.is_ascii_digit() && minor.is_ascii_digit()),
        )
    };
    let mut words = line.split(' ');
    let first = words.next()?;
    if is_version(first) {
        let code = words.next()?;
        return (code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())).then_some(StartLine::Status);
    }
    let (target, version) = (words.next()?, words.next()?);
    (METHODS.contains(&first) && !target.is_empty() && is_version(version) && words.next().is_none())
        .then_some(StartLine::Request)
}

/// Dissect an HTTP message (the data of a segment to or from port 80): the
/// start line and each header line, then the body as data. A segment that
/// does not start with a request or status line (a later part of a long
/// body, or a test PDU's filler) is shown as data: it is no HTTP message of
/// its own.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let first_end = bytes.windows(2).position(|w| w == b"\r\n");
    let first = first_end.and_then(|end| std::str::from_utf8(&bytes[..end]).ok());
    let Some((first, kind)) = first.and_then(|line| Some((line, start_line(line)?))) else {
        dissect::push_data(bytes, base, out);
        return Ok(None);
    };
    let mut layer = LayerBuilder::new("Hypertext Transfer Protocol", "HTTP", bytes, base);
    let name = if kind == StartLine::Request { "Request Line" } else { "Status Line" };
    layer.field(name, 0..first.len() + 2, |_| first.to_string());
    layer.info(first);
    // Header lines to the empty line that ends them (or to the end of the
    // segment, when the header goes on in the next one).
    let mut at = first.len() + 2;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let (line_len, next) = match rest.windows(2).position(|w| w == b"\r\n") {
            Some(end) => (end, at + end + 2),
            None => (rest.len(), bytes.len()),
        };
        if line_len == 0 {
            layer.field("End of Header", at..next, |_| r"\r\n".to_string());
            at = next;
            break;
        }
        layer.field("Header", at..next, |line| dissect::text(&line[..line_len]));
        at = next;
    }
    layer.finish(out)?;
    dissect::push_data(&bytes[at..], base + at, out);
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::dissect::testing::{assert_every_truncation_dissects, ipv4_frame, layer};
    use crate::proto::dissect::{dissect, protocol, summary, LinkType, DATA};
    use crate::proto::tcp;
    use smoltcp::wire::IpProtocol;
    use std::net::Ipv4Addr;

    const CLIENT: (Ipv4Addr, u16) = (Ipv4Addr::new(192, 168, 1, 10), 49152);
    const SERVER: (Ipv4Addr, u16) = (Ipv4Addr::new(192, 168, 1, 20), PORT);

    /// A frame carrying `payload` in a TCP segment.
    fn frame(from: (Ipv4Addr, u16), to: (Ipv4Addr, u16), payload: &[u8]) -> Vec<u8> {
        ipv4_frame(from.0, to.0, IpProtocol::Tcp, &tcp::testing::segment(from, to, 1, 1, payload))
    }

    #[test]
    fn a_request_and_its_response_dissect_line_by_line() {
        let url = Url::parse("http://www.ccna-lab.com/index.html").unwrap();
        let get = frame(CLIENT, SERVER, &request("GET", &url));
        assert_eq!(summary(&get, LinkType::Ethernet), "HTTP GET /index.html HTTP/1.1");
        let layers = dissect(&get, LinkType::Ethernet);
        let http = layer(&layers, "Hypertext Transfer Protocol");
        assert_eq!(http.field("Request Line"), Some("GET /index.html HTTP/1.1"));
        assert_eq!(http.fields[0].range, 54..80, "the line and its CRLF");
        let headers: Vec<&str> = http.fields.iter().filter(|f| f.name == "Header").map(|f| f.value.as_str()).collect();
        assert_eq!(headers, ["Host: www.ccna-lab.com", "User-Agent: curl/8.4.0", "Accept: */*"]);
        assert_eq!(http.field("End of Header"), Some(r"\r\n"));
        assert_eq!(http.range.end, get.len(), "a request without a body");
        assert_every_truncation_dissects(&get, LinkType::Ethernet);

        // From the well-known port to the client's ephemeral one.
        let ok = frame(SERVER, CLIENT, &Site::default().respond("GET", "/"));
        assert_eq!(summary(&ok, LinkType::Ethernet), "HTTP HTTP/1.1 200 OK");
        let layers = dissect(&ok, LinkType::Ethernet);
        let http = layer(&layers, "Hypertext Transfer Protocol");
        assert_eq!(http.field("Status Line"), Some("HTTP/1.1 200 OK"));
        assert!(http.fields.iter().any(|f| f.value == format!("Content-Length: {}", DEFAULT_INDEX.len())));
        let body = layer(&layers, DATA);
        assert_eq!((body.range.start, body.range.end), (http.range.end, ok.len()));
        assert_eq!(body.range.len(), DEFAULT_INDEX.len());
        assert_every_truncation_dissects(&ok, LinkType::Ethernet);
    }

    #[test]
    fn other_bytes_on_port_80_are_data_in_tcp() {
        // A test PDU's filler, a body's later segment, a line that is no HTTP.
        for payload in [&[b'a'; 100][..], b"</html>\r\n", b"GET\r\n", b"HTTP/1.1 OK\r\n", b"GET / HTTP/1.1"] {
            let f = frame(CLIENT, SERVER, payload);
            assert_eq!(protocol(&f, LinkType::Ethernet), "TCP", "{payload:?}");
            let layers = dissect(&f, LinkType::Ethernet);
            assert_eq!(layer(&layers, DATA).range.len(), payload.len());
        }
    }

    #[test]
    fn start_lines() {
        assert_eq!(start_line("GET / HTTP/1.1"), Some(StartLine::Request));
        assert_eq!(start_line("HEAD /a.html HTTP/1.0"), Some(StartLine::Request));
        assert_eq!(start_line("HTTP/1.1 404 Not Found"), Some(StartLine::Status));
        assert_eq!(start_line("get / HTTP/1.1"), None, "methods are case-sensitive");
        assert_eq!(start_line("GET  HTTP/1.1"), None);
        assert_eq!(start_line("GET / HTTP/1.1 x"), None);
        assert_eq!(start_line("HTTP/1.1 2000 OK"), None);
        assert_eq!(start_line("HTTP/x.1 200 OK"), None);
        assert_eq!(start_line(""), None);
    }

    #[test]
    fn urls_requests_and_responses() {
        let url = Url::parse("http://www.ccna-lab.com/index.html").unwrap();
        assert_eq!((url.host.as_str(), url.port, url.path.as_str()), ("www.ccna-lab.com", 80, "/index.html"));
        assert_eq!(Url::parse("10.0.0.1:8080").unwrap().path, "/");
        assert!(Url::parse("ftp://x/").is_none());
        let req = request("GET", &url);
        assert_eq!(parse_request(&req), Some(("GET".into(), "/index.html".into())));
        let site = Site::default();
        let ok = parse_response(&site.respond("GET", "/"), false).unwrap();
        assert_eq!((ok.status, ok.body.as_str()), (200, DEFAULT_INDEX));
        let head = parse_response(&site.respond("HEAD", "/"), true).unwrap();
        assert!(head.head.contains(&format!("Content-Length: {}", DEFAULT_INDEX.len())) && head.body.is_empty());
        assert_eq!(parse_response(&site.respond("GET", "/nope.html"), false).unwrap().status, 404);
    }
}
