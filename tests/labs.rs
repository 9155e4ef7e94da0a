//! Every sample lab in labs/: it validates, scores below 100% as handed out,
//! and 100% after its reference solution is typed in and the result saved.

mod common;
use common::*;

use wirelab::grade::{grade_lab, GradeLimits};
use wirelab::lab;

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
