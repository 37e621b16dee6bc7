//! The student's side: a work folder with one `<exercise>.rs` per exercise,
//! progress, hints, checking and watching.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::grade::{Grader, Status};
use crate::manifest::Course;
use crate::report;

const PROGRESS_FILE: &str = ".chainlab-progress.json";

/// Per-exercise progress.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ExerciseProgress {
    /// Best score fraction reached.
    pub best: f64,
    /// Hints revealed so far.
    pub hints: usize,
}

/// Progress in a work folder.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Progress {
    /// By exercise id.
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Progress {
    /// Reads the progress file (missing means no progress).
    pub fn load(workdir: &Path) -> Result<Self> {
        let p = workdir.join(PROGRESS_FILE);
        match std::fs::read_to_string(&p) {
            Ok(t) => serde_json::from_str(&t).with_context(|| format!("parsing {}", p.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", p.display())),
        }
    }

    /// Writes the progress file.
    pub fn save(&self, workdir: &Path) -> Result<()> {
        let p = workdir.join(PROGRESS_FILE);
        std::fs::write(&p, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("writing {}", p.display()))
    }
}

/// The student's file for `id`.
pub fn solution_path(workdir: &Path, id: &str) -> PathBuf {
    workdir.join(format!("{id}.rs"))
}

/// Copies starters into the work folder, never overwriting.
pub fn init(course: &Course, workdir: &Path) -> Result<ExitCode> {
    std::fs::create_dir_all(workdir).with_context(|| format!("creating {}", workdir.display()))?;
    for ex in &course.exercises {
        let dest = solution_path(workdir, &ex.id);
        if dest.exists() {
            println!("kept     {}", dest.display());
            continue;
        }
        std::fs::copy(&ex.starter, &dest)
            .with_context(|| format!("copying {} to {}", ex.starter.display(), dest.display()))?;
        println!("created  {}", dest.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists exercises with progress.
pub fn list(course: &Course, workdir: &Path, lang: &str) -> Result<ExitCode> {
    let progress = Progress::load(workdir)?;
    println!(
        "{:<4} {:<22} {:<16} {:>6}  title",
        "#", "exercise", "lesson", "best"
    );
    for (i, ex) in course.exercises.iter().enumerate() {
        let p = progress.exercises.get(&ex.id);
        let best = match p {
            Some(p) if p.best >= 1.0 => "done".to_string(),
            Some(p) => format!("{:.0}%", p.best * 100.0),
            None if solution_path(workdir, &ex.id).exists() => "-".into(),
            None => "new".into(),
        };
        println!(
            "{:<4} {:<22} {:<16} {:>6}  {}",
            i + 1,
            ex.id,
            ex.lesson,
            best,
            ex.title.get(lang)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reveals the next hint (and repeats the earlier ones).
pub fn hint(course: &Course, id: &str, workdir: &Path, lang: &str) -> Result<ExitCode> {
    let ex = course.get(id)?;
    std::fs::create_dir_all(workdir).ok();
    let mut progress = Progress::load(workdir)?;
    let entry = progress.exercises.entry(ex.id.clone()).or_default();
    if ex.hints.is_empty() {
        println!("No hints for this exercise.");
        return Ok(ExitCode::SUCCESS);
    }
    entry.hints = (entry.hints + 1).min(ex.hints.len());
    for (i, h) in ex.hints.iter().take(entry.hints).enumerate() {
        println!(
            "Hint {}/{}: {}\n",
            i + 1,
            ex.hints.len(),
            h.get(lang).trim()
        );
    }
    if entry.hints < ex.hints.len() {
        println!("(run `grader hint {id}` again for the next one)");
    }
    progress.save(workdir)?;
    Ok(ExitCode::SUCCESS)
}

/// Checks the student's solution and records progress.
pub fn check(
    g: &Grader,
    course: &Course,
    id: &str,
    workdir: &Path,
    lang: &str,
) -> Result<ExitCode> {
    let ex = course.get(id)?;
    let path = solution_path(workdir, id);
    let source = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading your solution {} (run `grader init` first)",
            path.display()
        )
    })?;
    let r = g.grade(ex, &path.display().to_string(), &source);
    print!("{}", report::text(&r, lang));
    if r.status == Status::Graded {
        let mut progress = Progress::load(workdir)?;
        let e = progress.exercises.entry(ex.id.clone()).or_default();
        e.best = e.best.max(r.fraction());
        progress.save(workdir)?;
        if r.fraction() >= 1.0 {
            println!("Well done! `grader list` shows what is next.");
        } else {
            println!("Stuck? `grader hint {id}`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Re-checks on every save until interrupted.
pub fn watch(
    g: &Grader,
    course: &Course,
    only: Option<&str>,
    workdir: &Path,
    lang: &str,
) -> Result<ExitCode> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            let _ = tx.send(ev);
        }
    })
    .context("starting the file watcher")?;
    watcher
        .watch(workdir, RecursiveMode::NonRecursive)
        .with_context(|| format!("watching {}", workdir.display()))?;
    println!(
        "Watching {} — save a file to check it (Ctrl-C to stop).",
        workdir.display()
    );
    if let Some(id) = only {
        check(g, course, id, workdir, lang)?;
    }
    while let Ok(first) = rx.recv() {
        let mut changed = vec![first];
        // Editors write in bursts; gather them.
        while let Ok(ev) = rx.recv_timeout(Duration::from_millis(300)) {
            changed.push(ev);
        }
        let mut ids: Vec<String> = changed
            .iter()
            .filter(|e| e.kind.is_modify() || e.kind.is_create())
            .flat_map(|e| e.paths.iter())
            .filter_map(|p| {
                let stem = p.file_stem()?.to_str()?;
                (p.extension()? == "rs").then(|| stem.to_string())
            })
            .filter(|id| course.get(id).is_ok() && only.is_none_or(|o| o == id))
            .collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            println!("\n--- {id} changed ---");
            if let Err(e) = check(g, course, &id, workdir, lang) {
                eprintln!("error: {e:#}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
