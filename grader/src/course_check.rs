//! `grader course-check`: the course checks itself.
//!
//! Every starter compiles and scores below 100 %; every reference solution
//! scores 100 %; every known-wrong solution compiles and fails the case class
//! its `// caught-by:` line names.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::grade::{GradeReport, Grader, Status, TestStatus};
use crate::manifest::{Course, Exercise};

#[derive(Debug, Clone)]
enum Expect {
    StarterFails,
    ReferencePasses,
    CaughtBy(String),
}

struct Task<'a> {
    ex: &'a Exercise,
    file: PathBuf,
    expect: Expect,
}

/// One finding of the check.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Exercise id.
    pub exercise: String,
    /// File checked.
    pub file: PathBuf,
    /// Whether it behaved as the course promises.
    pub ok: bool,
    /// What happened.
    pub detail: String,
}

fn judge(expect: &Expect, r: &GradeReport) -> (bool, String) {
    let failed: Vec<&str> = r
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Fail)
        .map(|t| t.name.as_str())
        .collect();
    match (expect, r.status) {
        (_, Status::Error) => (
            false,
            format!("grading error: {}", r.message.as_deref().unwrap_or("")),
        ),
        (_, Status::CompileError) => (
            false,
            format!(
                "does not compile: {}",
                r.message
                    .as_deref()
                    .unwrap_or("")
                    .lines()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
        ),
        (Expect::StarterFails, Status::Graded) => (
            r.fraction() < 1.0,
            format!("starter scores {:.0} %", r.fraction() * 100.0),
        ),
        (Expect::ReferencePasses, Status::Graded) => (
            r.fraction() >= 1.0,
            if failed.is_empty() {
                "reference scores 100 %".into()
            } else {
                format!("reference FAILS {}", failed.join(", "))
            },
        ),
        (Expect::CaughtBy(class), Status::Graded) => (
            failed.contains(&class.as_str()),
            format!(
                "expected to be caught by `{class}`; failed: [{}]",
                failed.join(", ")
            ),
        ),
    }
}

/// Runs the course check with `jobs` parallel gradings.
pub fn run(g: &Grader, course: &Course, jobs: usize, only: &[String]) -> Result<ExitCode> {
    let mut tasks = Vec::new();
    for ex in &course.exercises {
        if !only.is_empty() && !only.contains(&ex.id) {
            continue;
        }
        tasks.push(Task {
            ex,
            file: ex.starter.clone(),
            expect: Expect::StarterFails,
        });
        tasks.push(Task {
            ex,
            file: ex.reference.clone(),
            expect: Expect::ReferencePasses,
        });
        for w in &ex.wrong {
            tasks.push(Task {
                ex,
                file: w.path.clone(),
                expect: Expect::CaughtBy(w.caught_by.clone()),
            });
        }
    }
    let seed = match g.settings.seed {
        Some(s) => s,
        None => crate::rng::os_seed()?,
    };
    println!(
        "course-check: {} file(s), seed {seed} (reproduce with CHAINLAB_SEED={seed})",
        tasks.len()
    );
    let mut settings = g.settings.clone();
    settings.seed = Some(seed);
    let g = Grader {
        registry: crate::ops::Registry::builtin(),
        sandbox: g.sandbox.clone(),
        toolchain: g.toolchain.clone(),
        scratch: g.scratch.clone(),
        settings,
    };
    let findings = check_tasks(&g, &tasks, jobs)?;
    let mut bad = 0;
    for f in &findings {
        if !f.ok {
            bad += 1;
        }
        println!(
            "{} {:<20} {:<40} {}",
            if f.ok { "ok  " } else { "FAIL" },
            f.exercise,
            f.file
                .strip_prefix(&course.root)
                .unwrap_or(&f.file)
                .display(),
            f.detail
        );
    }
    println!("{} passed, {} failed", findings.len() - bad, bad);
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn check_tasks(g: &Grader, tasks: &[Task<'_>], jobs: usize) -> Result<Vec<Finding>> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<(usize, Finding)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(t) = tasks.get(i) else { break };
                    let finding = match std::fs::read_to_string(&t.file)
                        .with_context(|| format!("reading {}", t.file.display()))
                    {
                        Err(e) => Finding {
                            exercise: t.ex.id.clone(),
                            file: t.file.clone(),
                            ok: false,
                            detail: format!("{e:#}"),
                        },
                        Ok(src) => {
                            let r = g.grade(t.ex, &t.file.display().to_string(), &src);
                            let (ok, detail) = judge(&t.expect, &r);
                            Finding {
                                exercise: t.ex.id.clone(),
                                file: t.file.clone(),
                                ok,
                                detail,
                            }
                        }
                    };
                    if let Ok(mut v) = out.lock() {
                        v.push((i, finding));
                    }
                }
            });
        }
    });
    let mut v = out.into_inner().unwrap_or_default();
    v.sort_by_key(|x| x.0);
    Ok(v.into_iter().map(|x| x.1).collect())
}
