//! The terminals: the IOS CLI (modes, command trees, show output,
//! running-config) and the Windows-style command prompt of hosts. Both are
//! driven one typed line at a time through [`type_line`].

pub mod host;
pub mod ios;
pub mod secret;
pub mod tree;

use crate::device::{Ctx, Device, Role};

/// Type one line at a device's terminal; output goes to its console.
pub fn type_line(dev: &mut Device, ctx: &mut Ctx, line: &str) {
    // A line is never longer than a terminal buffer; longer input is cut, as IOS does.
    let line = cut(line, 4096);
    match dev.role {
        Role::Host(_) => host::type_line(dev, ctx, line),
        Role::Ios(_) => ios::type_line(dev, ctx, line),
    }
}

/// Tab completion at a device's terminal.
pub fn complete(dev: &Device, line: &str) -> Option<String> {
    match &dev.role {
        Role::Host(_) => None,
        Role::Ios(_) => ios::complete(dev, line),
    }
}

/// Whether a terminal's answer to a line says the line was rejected: the
/// IOS error banners and the host prompt's complaints. Lab loading reports
/// such lines as warnings; tests use it to check configs are accepted.
pub fn is_rejection(response: &str) -> bool {
    response.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("% Invalid")
            || l.starts_with("%Invalid")
            || l.starts_with("% Incomplete")
            || l.starts_with("% Ambiguous")
            || l.starts_with("% Bad")
            || l.starts_with("%Inconsistent")
            || l.starts_with("Bad mask")
            || l.contains("is not recognized")
            || l.contains("overlaps with")
            || l.contains("Command rejected")
            || l.starts_with("The following command was not valid")
    })
}

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Lines that pass an IOS output filter (`| include`, `| exclude`, `| begin`, `| section`).
pub fn filter_output(text: &str, filter: &str) -> Result<String, ()> {
    let filter = filter.trim();
    let (kind, pattern) = filter.split_once(char::is_whitespace).ok_or(())?;
    let pattern = pattern.trim();
    let kinds = ["include", "exclude", "begin", "section"];
    let matching: Vec<&str> = kinds.iter().copied().filter(|k| k.starts_with(&kind.to_ascii_lowercase())).collect();
    let [kind] = matching.as_slice() else { return Err(()) };
    let mut out = String::new();
    let mut lines = text.lines();
    match *kind {
        "include" => lines.filter(|l| l.contains(pattern)).for_each(|l| push_line(&mut out, l)),
        "exclude" => lines.filter(|l| !l.contains(pattern)).for_each(|l| push_line(&mut out, l)),
        "begin" => {
            if let Some(first) = lines.by_ref().find(|l| l.contains(pattern)) {
                push_line(&mut out, first);
                lines.for_each(|l| push_line(&mut out, l));
            }
        }
        _ => {
            // A section is a top-level line that matches, with its indented children.
            let mut inside = false;
            for l in lines {
                let top = !l.starts_with(' ');
                if top {
                    inside = l.contains(pattern);
                }
                if inside || (!top && l.contains(pattern)) {
                    push_line(&mut out, l);
                }
            }
        }
    }
    Ok(out)
}

fn push_line(out: &mut String, l: &str) {
    out.push_str(l);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let text =
            "hostname R1\ninterface G0\n ip address 1.1.1.1 255.0.0.0\n shutdown\ninterface G1\n no ip address\nend\n";
        assert_eq!(filter_output(text, "include address").unwrap(), " ip address 1.1.1.1 255.0.0.0\n no ip address\n");
        assert_eq!(filter_output(text, "i shut").unwrap(), " shutdown\n");
        assert_eq!(filter_output(text, "exclude address").unwrap().lines().count(), 5);
        assert_eq!(filter_output(text, "begin G1").unwrap(), "interface G1\n no ip address\nend\n");
        assert_eq!(
            filter_output(text, "section G0").unwrap(),
            "interface G0\n ip address 1.1.1.1 255.0.0.0\n shutdown\n"
        );
        assert!(filter_output(text, "frobnicate x").is_err());
        assert!(cut("héllo", 2).len() <= 2);
    }
}
