//! Addresses as people type them: IOS and the lab format take IPv4
//! addresses only as full dotted quads.

use std::net::Ipv4Addr;

/// A dotted quad (`10.0.0.1`): no `10.1`, no leading `+`, no octet longer
/// than three digits.
pub fn parse_ipv4(t: &str) -> Option<Ipv4Addr> {
    let mut parts = 0;
    for p in t.split('.') {
        parts += 1;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    if parts != 4 {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_quads_only() {
        assert_eq!(parse_ipv4("10.0.0.1"), Some(Ipv4Addr::new(10, 0, 0, 1)));
        for bad in ["10.1", "10.0.0.256", "+1.2.3.4", "1.2.3.4.5", "1..2.3", "0001.2.3.4", ""] {
            assert_eq!(parse_ipv4(bad), None, "{bad}");
        }
    }
}
