//! Reports: text for people, JSON and CSV for machines.

use super::Report;

pub fn text(reports: &[Report]) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&format!("{}\n", r.submission));
        if let Some(why) = &r.not_graded {
            out.push_str(&format!("  NOT GRADED: {}\n\n", why.trim_start_matches("not graded: ")));
            continue;
        }
        for p in &r.problems {
            out.push_str(&format!("  ! {p}\n"));
        }
        for o in &r.objectives {
            let verdict = if o.passed { "PASS" } else { "FAIL" };
            out.push_str(&format!("  {verdict}  {:>3}/{:<3} {}\n", o.points, o.max_points, o.shown()));
            if let Some(why) = &o.why {
                out.push_str(&format!("              why: {why}\n"));
            }
            if let (false, Some(hint)) = (o.passed, &o.hint) {
                out.push_str(&format!("              hint: {hint}\n"));
            }
        }
        out.push_str(&format!("  {} / {} points ({:.0}%)\n\n", r.points, r.max_points, r.percent));
    }
    printable(&out)
}

/// Text safe to print on a terminal: no control characters (an ANSI escape
/// in a device name) and no bidirectional overrides (which reorder what a
/// reader sees), but line breaks and tabs.
fn printable(s: &str) -> String {
    s.chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .filter(|c| !matches!(*c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// The reports as JSON; a submission that was not graded has `"graded": false`
/// and no points (null), never a zero it did not earn.
pub fn json(reports: &[Report]) -> String {
    let values: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            if let Some(map) = v.as_object_mut() {
                map.insert("graded".into(), r.is_graded().into());
                if !r.is_graded() {
                    map.insert("points".into(), serde_json::Value::Null);
                    map.insert("percent".into(), serde_json::Value::Null);
                }
            }
            v
        })
        .collect();
    serde_json::to_string_pretty(&values).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn csv_field(s: &str) -> String {
    // A spreadsheet runs a cell that starts with = + - @ (or a tab or CR
    // before one) as a formula: a quote mark keeps it text.
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One row per submission: file, points, maximum, percent, problems, then
/// each objective's points.
pub fn csv(reports: &[Report]) -> String {
    let objectives = reports.first().map_or(0, |r| r.objectives.len());
    let mut out = String::from("submission,points,max_points,percent,problems");
    for i in 0..objectives {
        let label = reports.first().map(|r| r.objectives[i].check.clone()).unwrap_or_default();
        out.push(',');
        out.push_str(&csv_field(&format!("{}: {label}", i + 1)));
    }
    out.push('\n');
    for r in reports {
        // A submission that was not graded has empty score cells, not zeros.
        if let Some(why) = &r.not_graded {
            out.push_str(&format!("{},,{},,{}", csv_field(&r.submission), r.max_points, csv_field(why)));
            out.push_str(&",".repeat(r.objectives.len()));
            out.push('\n');
            continue;
        }
        out.push_str(&format!(
            "{},{},{},{:.1},{}",
            csv_field(&r.submission),
            r.points,
            r.max_points,
            r.percent,
            csv_field(&r.problems.join("; "))
        ));
        for o in &r.objectives {
            out.push_str(&format!(",{}", o.points));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod safety_tests {
    use super::*;

    #[test]
    fn reports_carry_no_formulas_or_escapes() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-12"), "-12");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("a\rb"), "\"a\rb\"");
        assert_eq!(printable("PC\u{1b}[31m1\u{202e}x\n"), "PC[31m1x\n");
    }
}
