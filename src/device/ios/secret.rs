//! How IOS stores passwords: Cisco type 7 (reversible, for
//! `service password-encryption`) and type 5 (salted MD5-crypt, for `enable
//! secret` and `username ... secret`).

const TYPE7_KEY: &[u8] = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

/// Encode with Cisco type 7, using a salt index (0–15).
pub fn type7_encode(clear: &str, salt: usize) -> String {
    let salt = salt % 16;
    let mut out = format!("{salt:02}");
    for (i, b) in clear.bytes().enumerate() {
        out.push_str(&format!("{:02X}", b ^ TYPE7_KEY[(salt + i) % TYPE7_KEY.len()]));
    }
    out
}

pub fn type7_decode(encoded: &str) -> Option<String> {
    if encoded.len() < 2 || encoded.len() % 2 != 0 {
        return None;
    }
    let salt: usize = encoded[..2].parse().ok()?;
    let mut out = Vec::new();
    for (i, chunk) in encoded.as_bytes()[2..].chunks(2).enumerate() {
        let b = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        out.push(b ^ TYPE7_KEY[(salt + i) % TYPE7_KEY.len()]);
    }
    String::from_utf8(out).ok()
}

/// Does a typed password open a stored one?
pub fn matches(secret: &super::Secret, typed: &str) -> bool {
    use super::Secret;
    match secret {
        Secret::Clear(p) => p == typed,
        Secret::Type7(e) => type7_decode(e).as_deref() == Some(typed),
        Secret::Type5(h) => {
            let salt = h.split('$').nth(2).unwrap_or("");
            md5_crypt(typed, salt) == *h
        }
        // scrypt and PBKDF2 hashes are kept as given, not verified.
        Secret::Hashed(..) => false,
    }
}

const ITOA64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// MD5-crypt (`$1$salt$hash`), as IOS type 5 secrets are.
pub fn md5_crypt(password: &str, salt: &str) -> String {
    let pw = password.as_bytes();
    let salt = &salt.as_bytes()[..salt.len().min(8)];
    let mut alt = md5::Context::new();
    alt.consume(pw);
    alt.consume(salt);
    alt.consume(pw);
    let alt = alt.compute().0;
    let mut ctx = md5::Context::new();
    ctx.consume(pw);
    ctx.consume(b"$1$");
    ctx.consume(salt);
    let mut left = pw.len();
    while left > 0 {
        ctx.consume(&alt[..left.min(16)]);
        left = left.saturating_sub(16);
    }
    let mut i = pw.len();
    while i > 0 {
        if i & 1 == 1 {
            ctx.consume([0u8]);
        } else {
            ctx.consume(&pw[..1.min(pw.len())]);
        }
        i >>= 1;
    }
    let mut fin = ctx.compute().0;
    for r in 0..1000 {
        let mut c = md5::Context::new();
        if r & 1 == 1 {
            c.consume(pw);
        } else {
            c.consume(fin);
        }
        if r % 3 != 0 {
            c.consume(salt);
        }
        if r % 7 != 0 {
            c.consume(pw);
        }
        if r & 1 == 1 {
            c.consume(fin);
        } else {
            c.consume(pw);
        }
        fin = c.compute().0;
    }
    let mut out = format!("$1${}$", String::from_utf8_lossy(salt));
    let mut b64 = |a: u8, b: u8, c: u8, n: usize| {
        let mut w = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
        for _ in 0..n {
            out.push(ITOA64[(w & 0x3f) as usize] as char);
            w >>= 6;
        }
    };
    b64(fin[0], fin[6], fin[12], 4);
    b64(fin[1], fin[7], fin[13], 4);
    b64(fin[2], fin[8], fin[14], 4);
    b64(fin[3], fin[9], fin[15], 4);
    b64(fin[4], fin[10], fin[5], 4);
    b64(0, 0, fin[11], 2);
    out
}

/// A salt for a new secret, derived from the device's seed (no wall-clock randomness).
pub fn salt_from(seed: u64) -> String {
    let mut s = String::new();
    let mut x = seed;
    for _ in 0..4 {
        s.push(ITOA64[(x % 64) as usize] as char);
        x /= 64;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_known_value() {
        // The classic example: "cisco" with salt 02.
        assert_eq!(type7_encode("cisco", 2), "02050D480809");
        assert_eq!(type7_decode("02050D480809").as_deref(), Some("cisco"));
        assert_eq!(type7_decode("0822455D0A16").as_deref(), Some("cisco"));
        assert_eq!(type7_decode("xyz"), None);
    }

    #[test]
    fn md5_crypt_known_value() {
        // Checked against `openssl passwd -1 -salt SALT PASSWORD`.
        assert_eq!(md5_crypt("password", "saltsalt"), "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/");
        assert_eq!(md5_crypt("cisco", "abcd"), "$1$abcd$2hDGYdE0UrwK2pqoiF6BB1");
    }
}
