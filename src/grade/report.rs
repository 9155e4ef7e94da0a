//! Reports: text for people, JSON and CSV for machines.

use super::Report;

pub fn text(reports: &[Report]) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&format!("{}\n", r.submission));
        for p in &r.problems {
            out.push_str(&format!("  ! {p}\n"));
        }
        for o in &r.objectives {
            let verdict = if o.passed { "PASS" } else { "FAIL" };
            out.push_str(&format!("  {verdict}  {:>3}/{:<3} {}\n", o.points, o.max_points, o.check));
            if let Some(why) = &o.why {
                out.push_str(&format!("              why: {why}\n"));
            }
            if let (false, Some(hint)) = (o.passed, &o.hint) {
                out.push_str(&format!("              hint: {hint}\n"));
            }
        }
        out.push_str(&format!("  {} / {} points ({:.0}%)\n\n", r.points, r.max_points, r.percent));
    }
    out
}

pub fn json(reports: &[Report]) -> String {
    serde_json::to_string_pretty(reports).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
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
