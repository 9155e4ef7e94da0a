//! Grading: a submission's devices are booted from their configurations, the
//! network converges, and the lab's objectives are checked in order, each with
//! its points, hint and, for failed pings and traces, a diagnosis drawn from
//! the simulation. Objectives, instructions and seed come from the lab only.
//! Every submission runs within limits (file size, devices, events, wall
//! clock), so a hostile one is reported, not obeyed.

mod check;
mod diagnose;
mod integrity;
mod ospf;
mod report;

use std::path::{Path, PathBuf};
use std::time::{Duration as WallDuration, Instant};

use serde::Serialize;

use crate::lab::{self, Lab};
use crate::net::Network;
use crate::sim::{Duration, Limits, Time};

pub use check::{describe, evaluate, resolve_target};
pub use report::{csv, json, text};

/// Bounds on one submission.
#[derive(Clone, Copy, Debug)]
pub struct GradeLimits {
    pub max_file_bytes: u64,
    pub max_devices: usize,
    pub max_events: u64,
    pub wall_clock: WallDuration,
    /// Simulated time given to the network to converge before checking.
    pub converge: Duration,
}

impl Default for GradeLimits {
    fn default() -> Self {
        GradeLimits {
            max_file_bytes: 16 * 1024 * 1024,
            max_devices: 1000,
            max_events: 20_000_000,
            wall_clock: WallDuration::from_secs(20),
            converge: Duration::from_secs(60),
        }
    }
}

/// The result of one objective.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveResult {
    pub index: usize,
    /// What was checked, in words (`Ping PC1 -> 192.168.2.10`).
    pub check: String,
    pub passed: bool,
    pub points: u32,
    pub max_points: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Why it failed, in a sentence a student can act on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// What the student sees in place of the check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip)]
    feedback: crate::lab::Feedback,
}

impl ObjectiveResult {
    /// An objective not yet checked.
    fn new(index: usize, o: &crate::lab::Objective) -> ObjectiveResult {
        ObjectiveResult {
            index,
            check: check::describe(&o.check),
            passed: false,
            points: 0,
            max_points: o.points,
            hint: o.hint.clone(),
            why: None,
            label: o.label.clone(),
            feedback: o.feedback,
        }
    }

    /// What the student sees: the label if the lab gives one, else the check.
    pub fn shown(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.check)
    }

    /// Keep what the objective's feedback allows a student to see (a
    /// submission that could not be graded still says why).
    fn apply_feedback(&mut self) {
        use crate::lab::Feedback;
        let grading = self.why.as_deref().is_some_and(|w| w.starts_with("not graded"));
        if self.feedback != Feedback::Full && !grading {
            self.why = None;
        }
        if self.feedback == Feedback::Hidden {
            self.hint = None;
        }
    }
}

/// The grade of one submission.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub submission: String,
    pub points: u32,
    pub max_points: u32,
    pub percent: f64,
    /// Problems with the submission itself: unreadable, over a limit, a
    /// topology that differs from the lab's.
    pub problems: Vec<String>,
    pub objectives: Vec<ObjectiveResult>,
    /// Set when this machine could not finish grading within the wall-clock
    /// guard: the submission has no score (not a lower one), and says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_graded: Option<String>,
}

impl Report {
    fn new(submission: &str, lab: &Lab) -> Self {
        Report {
            submission: submission.to_string(),
            points: 0,
            max_points: lab.objectives.iter().map(|o| o.points).sum(),
            percent: 0.0,
            problems: Vec::new(),
            objectives: Vec::new(),
            not_graded: None,
        }
    }

    /// No score: grading ran out of wall-clock time on this machine. A score
    /// depends only on the lab and the submission, so none is given.
    fn not_graded(mut self, lab: &Lab, limits: &GradeLimits) -> Self {
        let why = format!(
            "not graded: took too long on this machine (more than {} s); grade it again on a faster computer \
             or with a longer --time-limit",
            limits.wall_clock.as_secs()
        );
        self.objectives = lab
            .objectives
            .iter()
            .enumerate()
            .map(|(index, o)| ObjectiveResult { hint: None, ..ObjectiveResult::new(index, o) })
            .collect();
        self.not_graded = Some(why);
        self.points = 0;
        self.percent = 0.0;
        self
    }

    /// Every objective scores 0 because of `problem`.
    fn zero(mut self, lab: &Lab, problem: String) -> Self {
        self.objectives = lab
            .objectives
            .iter()
            .enumerate()
            .map(|(index, o)| ObjectiveResult { why: Some(problem.clone()), ..ObjectiveResult::new(index, o) })
            .collect();
        self.problems.push(problem);
        self
    }

    fn total(mut self) -> Self {
        for o in &mut self.objectives {
            o.apply_feedback();
        }
        self.points = self.objectives.iter().map(|o| o.points).sum();
        self.percent =
            if self.max_points == 0 { 100.0 } else { f64::from(self.points) * 100.0 / f64::from(self.max_points) };
        self
    }

    pub fn is_full_marks(&self) -> bool {
        self.not_graded.is_none() && self.points == self.max_points && self.problems.is_empty()
    }

    pub fn is_graded(&self) -> bool {
        self.not_graded.is_none()
    }
}

/// Why a submission could not be graded at all (not the student's fault: a
/// missing file).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GradeError(pub String);

/// Grade one submission file against a lab.
pub fn grade_file(lab: &Lab, path: &Path, limits: &GradeLimits) -> Result<Report, GradeError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| GradeError(format!("{name}: {e}")))?;
    let report = Report::new(&name, lab);
    if meta.len() > limits.max_file_bytes {
        return Ok(report
            .zero(
                lab,
                format!(
                    "file size limit: the submission is {} bytes; the limit is {}",
                    meta.len(),
                    limits.max_file_bytes
                ),
            )
            .total());
    }
    let bytes = std::fs::read(path).map_err(|e| GradeError(format!("{name}: {e}")))?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(report.zero(lab, "the submission is not a text file".into()).total());
    };
    Ok(grade_text(lab, &text, &name, limits))
}

/// Grade a submission given as lab text.
pub fn grade_text(lab: &Lab, text: &str, name: &str, limits: &GradeLimits) -> Report {
    let report = Report::new(name, lab);
    let submission = match lab::parse(text, name) {
        Ok(s) => s,
        Err(e) => return report.zero(lab, format!("the submission is not a valid lab file: {e}")).total(),
    };
    if submission.devices.len() > limits.max_devices {
        return report
            .zero(
                lab,
                format!(
                    "device limit: the submission has {} devices; the limit is {}",
                    submission.devices.len(),
                    limits.max_devices
                ),
            )
            .total();
    }
    grade_lab(lab, &submission, name, limits)
}

/// Grade a parsed submission: only its devices, cables and configurations are
/// used; objectives, instructions and seed come from `lab`.
pub fn grade_lab(lab: &Lab, submission: &Lab, name: &str, limits: &GradeLimits) -> Report {
    let mut report = Report::new(name, lab);
    let differences = integrity::compare(lab, submission);
    let trusted =
        Lab { seed: lab.seed, objectives: Vec::new(), instructions: lab.instructions.clone(), ..submission.clone() };
    let mut net = match lab::build_limited(&trusted, Limits { max_events: limits.max_events }) {
        Ok((net, _)) => net,
        Err(e) => return report.zero(lab, format!("the submission's topology cannot be built: {e}")).total(),
    };
    net.set_limits(Limits { max_events: limits.max_events });
    let started = Instant::now();
    let until = net.now() + limits.converge;
    let converged = run_bounded(&mut net, until, started, limits);
    if converged == Err(Stop::WallClock) {
        return report.not_graded(lab, limits);
    }
    let converged = converged.map_err(|_| {
        format!(
            "event limit: the network did more than {} things in {:.1} simulated seconds (a loop or a storm?)",
            limits.max_events,
            net.now().secs_f64()
        )
    });
    report.problems.extend(differences.iter().map(|d| d.to_string()));
    if let Err(limit) = &converged {
        report.problems.push(limit.clone());
    }
    for (index, objective) in lab.objectives.iter().enumerate() {
        let mut result = ObjectiveResult::new(index, objective);
        if let Some(d) = differences.iter().find(|d| d.affects(&objective.check)) {
            result.why = Some(format!("not graded: {d}"));
        } else if let Err(limit) = &converged {
            result.why = Some(format!("not graded: {limit}"));
        } else if started.elapsed() > limits.wall_clock {
            return report.not_graded(lab, limits);
        } else if net.stats().limit_hit {
            result.why = Some(format!(
                "not graded: event limit: the network did more than {} things (a loop or a storm?)",
                limits.max_events
            ));
        } else {
            let outcome = check::evaluate(&mut net, &objective.check);
            result.passed = outcome.passed;
            result.why = outcome.why;
            if net.stats().limit_hit {
                result.passed = false;
                result.why = Some(format!(
                    "not graded: event limit: the network did more than {} things (a loop or a storm?)",
                    limits.max_events
                ));
                if !report.problems.iter().any(|p| p.starts_with("event limit")) {
                    report.problems.push(format!(
                        "event limit: more than {} events while checking objective {}",
                        limits.max_events,
                        index + 1
                    ));
                }
            }
        }
        if result.passed {
            result.points = objective.points;
            result.why = None;
        }
        report.objectives.push(result);
    }
    if started.elapsed() > limits.wall_clock {
        return report.not_graded(lab, limits);
    }
    report.total()
}

/// Why a run stopped early: the event limit (part of the score: the same
/// submission always hits it) or the wall-clock guard (this machine's speed:
/// never part of a score).
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    Events,
    WallClock,
}

/// Run to `until` in slices, stopping at the event limit or the wall-clock guard.
fn run_bounded(net: &mut Network, until: Time, started: Instant, limits: &GradeLimits) -> Result<(), Stop> {
    while net.now() < until {
        let next = (net.now() + Duration::from_millis(500)).min(until);
        net.run_until(next);
        if net.stats().limit_hit {
            return Err(Stop::Events);
        }
        if started.elapsed() > limits.wall_clock {
            return Err(Stop::WallClock);
        }
    }
    Ok(())
}

/// Grade many submissions in parallel; results come back in input order and
/// are identical to grading them one at a time.
pub fn grade_all(
    lab: &Lab,
    paths: &[PathBuf],
    limits: &GradeLimits,
    threads: usize,
) -> Vec<Result<Report, GradeError>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<Report, GradeError>>>> =
        paths.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(paths.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(path) = paths.get(i) else { break };
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| grade_file(lab, path, limits)))
                    .unwrap_or_else(|_| Err(GradeError(format!("{}: internal error while grading", path.display()))));
                *results[i].lock().expect("not poisoned") = Some(r);
            });
        }
    });
    results.into_iter().map(|m| m.into_inner().expect("not poisoned").expect("every submission graded")).collect()
}
