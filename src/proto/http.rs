//! HTTP/1.1 over TCP port 80, as far as a lab needs: URLs, the request
//! curl sends, a server's answer from its pages (200 or 404, `HEAD` for
//! `curl -I`), and reading a response. Text only; one request per
//! connection (`Connection: close`).

use std::collections::BTreeMap;

pub const PORT: u16 = 80;

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

#[cfg(test)]
mod tests {
    use super::*;

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
