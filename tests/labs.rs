//! Every sample lab in labs/: it validates; as handed out every objective
//! fails (but the few listed as meant to start satisfied); it scores 100%
//! after its reference solution is typed in and the result saved, and below
//! 100% after each of its plausible wrong solutions (at least three a lab).

mod common;
use common::*;

use wirelab::grade::{grade_lab, GradeLimits};
use wirelab::lab;

/// The objectives meant to pass before any work (lab, objective index from
/// 0, why): each checks that something working stays working.
const STARTS_SATISFIED: &[(&str, usize, &str)] = &[
    ("etherchannel", 7, "PC1 reaches PC2 over the unbundled links from the start; bundling must not break it"),
    ("port-security", 6, "the two PCs talk before port security; securing the ports must not cut them off"),
    (
        "ospf-single-area",
        9,
        "the ISP's network must stay out of OSPF; it is out before any work, and in after one wrong step",
    ),
    (
        "ospf-troubleshooting",
        5,
        "R3's LAN interface is passive from the start and must stay so while its link to R2 is fixed",
    ),
    ("acl-standard", 1, "the staff LAN reaches the servers before any list; the list must keep it so"),
    ("acl-standard", 2, "the guests reach the staff LAN before any list; a list near the source would cut them off"),
    ("acl-extended", 1, "the intranet opens by name before any list; the list must keep the web and DNS open"),
    ("acl-extended", 2, "other traffic flows before any list; the list must end with a permit"),
    ("acl-extended", 5, "the admin PC logs in before any list; access-class must let it in"),
    ("stp-root", 6, "spanning tree keeps PC1 and PC2 connected whichever switch is root; moving the root must too"),
];

#[test]
fn every_sample_lab_is_solvable_and_not_solved() {
    let mut labs: Vec<_> = std::fs::read_dir(root().join("labs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    labs.sort();
    assert!(labs.len() >= 5, "sample labs: {labs:?}");
    for path in labs {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (lab, _) = lab::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!lab.instructions.is_empty() && !lab.objectives.is_empty(), "{name}: instructions and objectives");
        let (handed_out, warnings) = lab::build(&lab).unwrap();
        assert!(warnings.is_empty(), "{name}: config lines rejected: {warnings:?}");
        drop(handed_out);

        let blank = grade_lab(&lab, &lab, &name, &GradeLimits::default());
        assert!(blank.points < blank.max_points, "{name}: already solved as handed out");
        for o in blank.objectives.iter().filter(|o| o.passed) {
            assert!(
                STARTS_SATISFIED.iter().any(|(lab, index, _)| *lab == name && *index == o.index),
                "{name}: objective {} ({}) passes as handed out",
                o.index + 1,
                o.check
            );
        }

        let solution = root().join(format!("labs/{name}.solution.txt"));
        let script = std::fs::read_to_string(&solution).unwrap_or_else(|e| panic!("{}: {e}", solution.display()));
        let (_, mut net) = boot(&std::fs::read_to_string(&path).unwrap());
        let transcript = transcript(&mut net, &script);
        assert!(!transcript.contains("% Invalid input"), "{name}: the solution has a typo:\n{transcript}");
        let saved = lab::to_ron(&lab::to_lab(&lab, &net));
        let submission = lab::parse(&saved, "saved.ron").unwrap();
        let graded = grade_lab(&lab, &submission, &name, &GradeLimits::default());
        assert!(
            graded.is_full_marks(),
            "{name}: solution scores {}/{}:\n{}",
            graded.points,
            graded.max_points,
            wirelab::grade::text(&[graded.clone()])
        );
    }
}

/// Each lab's `NAME.wrong-*.txt` scripts are plausible student mistakes:
/// every one must score below full marks.
#[test]
fn wrong_solutions_score_below_full_marks() {
    let mut scripts: Vec<_> = std::fs::read_dir(root().join("labs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(".wrong-")))
        .collect();
    scripts.sort();
    for script in scripts {
        let file = script.file_name().unwrap().to_string_lossy().to_string();
        let name = file.split(".wrong-").next().unwrap().to_string();
        let path = root().join(format!("labs/{name}.ron"));
        let (lab, _) = lab::load_file(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (_, mut net) = boot(&std::fs::read_to_string(&path).unwrap());
        let transcript = transcript(&mut net, &std::fs::read_to_string(&script).unwrap());
        assert!(!transcript.contains("% Invalid input"), "{file} has a typo:\n{transcript}");
        let saved = lab::to_ron(&lab::to_lab(&lab, &net));
        let submission = lab::parse(&saved, "saved.ron").unwrap();
        let graded = grade_lab(&lab, &submission, &name, &GradeLimits::default());
        assert!(!graded.is_full_marks(), "{file} scores full marks:\n{}", wirelab::grade::text(&[graded.clone()]));
    }
}
