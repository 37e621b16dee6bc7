//! The instructor's side: grade one submission, or a folder of them in
//! parallel, resumably, writing every report format and a summary.

use anyhow::{Context, Result};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::grade::{GradeReport, Grader, Status};
use crate::manifest::{Course, Exercise};
use crate::report::{self, Format};

/// `grader grade` options.
#[derive(Debug, Clone, clap::Args)]
pub struct GradeArgs {
    /// Exercise id.
    #[arg(long, short = 'e')]
    pub exercise: String,
    /// A submission file (`.rs`), or a folder with one entry per student
    /// (`<student>.rs`, or `<student>/` holding `<exercise>.rs`,
    /// `solution.rs`, or a single `.rs` file).
    pub path: PathBuf,
    /// Parallel gradings (each compiles with rustc, so mind the cores).
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// Folder for reports (required for a folder of submissions).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Format printed for a single submission.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Reproduce a run with this seed instead of a fresh secret one.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Re-grade submissions that already have a report in --out.
    #[arg(long)]
    pub regrade: bool,
}

/// One submission to grade.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Student label (folder or file stem), safe as a file name.
    pub label: String,
    /// The source file, or why there is none.
    pub file: Result<PathBuf, String>,
}

/// Finds the submissions in `dir` for an exercise: `<student>.rs`, or
/// `<student>/` holding `<exercise>.rs`, `solution.rs`, `src/lib.rs` or a
/// single `.rs` file. Sorted by label.
pub fn discover(dir: &Path, exercise: &str) -> Result<Vec<Submission>> {
    discover_files(
        dir,
        "rs",
        &[
            format!("{exercise}.rs"),
            "solution.rs".into(),
            "src/lib.rs".into(),
        ],
    )
}

/// Finds the submissions in `dir`: files `<student>.<ext>`, or folders
/// `<student>/` holding the first of `preferred` (paths inside the folder)
/// or else a single `.<ext>` file. Other files are ignored; a folder with
/// no usable file, and a symbolic link, become submissions that report why.
/// Sorted by label.
pub fn discover_files(dir: &Path, ext: &str, preferred: &[String]) -> Result<Vec<Submission>> {
    let dot_ext = format!(".{ext}");
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("listing submissions in {}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let stem = name.strip_suffix(dot_ext.as_str()).unwrap_or(&name);
        // A submission is untrusted: a symlink could make the grader read a
        // host file and echo it back in compiler messages.
        if entry.file_type().map(|t| t.is_symlink()).unwrap_or(true) {
            out.push(Submission {
                label: stem.to_string(),
                file: Err(format!(
                    "{} is a symbolic link; submit the file itself",
                    path.display()
                )),
            });
            continue;
        }
        let label: String = stem
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || "-_.@".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if path.is_file() {
            if name.ends_with(&dot_ext) {
                out.push(Submission {
                    label,
                    file: Ok(path),
                });
            }
            continue;
        }
        let file = match preferred.iter().map(|p| path.join(p)).find(|p| p.is_file()) {
            Some(p) => Ok(p),
            None => {
                let found: Vec<PathBuf> = std::fs::read_dir(&path)
                    .map(|rd| {
                        rd.filter_map(|e| e.ok().map(|e| e.path()))
                            .filter(|p| p.extension().is_some_and(|x| x == ext))
                            .collect()
                    })
                    .unwrap_or_default();
                match found.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err(format!("no {dot_ext} file in {}", path.display())),
                    _ => Err(format!(
                        "several {dot_ext} files in {} and none is named {}",
                        path.display(),
                        preferred.join(" or ")
                    )),
                }
            }
        };
        out.push(Submission { label, file });
    }
    out.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

/// Reads a submission's text: no symbolic link, a regular file of at most
/// `cap` bytes, UTF-8. The error names the file.
pub fn read_submission(file: &Path, cap: u64) -> Result<String, String> {
    let bytes = crate::sandbox::read_untrusted_file(file, cap).map_err(|e| format!("{e:#}"))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", file.display()))
}

/// Runs `grade`, turning a panic (a grader bug) into an error report for
/// `work`/`label`, so that one submission never stops a batch.
pub fn guarded(work: &str, label: &str, grade: impl FnOnce() -> GradeReport) -> GradeReport {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(grade)).unwrap_or_else(|_| {
        GradeReport::error(
            work,
            label,
            Status::Error,
            "internal grader error (panic); please report it".into(),
        )
    })
}

fn grade_one(g: &Grader, ex: &Exercise, sub: &Submission) -> GradeReport {
    let file = match &sub.file {
        Ok(f) => f,
        Err(why) => {
            return GradeReport::error(&ex.id, &sub.label, Status::Error, why.clone());
        }
    };
    let source = match read_submission(file, 512 * 1024) {
        Ok(s) => s,
        Err(why) => return GradeReport::error(&ex.id, &sub.label, Status::Error, why),
    };
    guarded(&ex.id, &sub.label, || g.grade(ex, &sub.label, &source))
}

/// Writes every format for one report into `dir`.
pub fn write_reports(dir: &Path, r: &GradeReport, lang: &str) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let files = [
        ("report.txt", Format::Text),
        ("exercism.results.json", Format::Exercism),
        ("gradescope.results.json", Format::Gradescope),
        ("junit.xml", Format::Junit),
    ];
    for (name, f) in files {
        std::fs::write(dir.join(name), f.render(r, lang))
            .with_context(|| format!("writing {}", dir.join(name).display()))?;
    }
    // Written last: its presence marks the submission as graded (resume).
    let tmp = dir.join("grade.json.tmp");
    std::fs::write(&tmp, Format::Json.render(r, lang))?;
    std::fs::rename(&tmp, dir.join("grade.json"))?;
    Ok(())
}

fn previous(dir: &Path) -> Option<GradeReport> {
    let text = std::fs::read_to_string(dir.join("grade.json")).ok()?;
    let r: GradeReport = serde_json::from_str(&text).ok()?;
    (r.status != Status::Error).then_some(r)
}

/// `grader grade`.
pub fn grade(g: &Grader, course: &Course, args: &GradeArgs, lang: &str) -> Result<ExitCode> {
    let ex = course.get(&args.exercise)?;
    let mut g_settings = g.settings.clone();
    g_settings.seed = args.seed;
    let g = &Grader {
        registry: crate::ops::Registry::builtin(),
        sandbox: g.sandbox.clone(),
        toolchain: g.toolchain.clone(),
        scratch: g.scratch.clone(),
        settings: g_settings,
    };
    let grade = |sub: &Submission| grade_one(g, ex, sub);
    if args.path.is_file() {
        return single(&args.path, args.format, args.out.as_deref(), lang, grade);
    }
    let out = args
        .out
        .as_ref()
        .context("grading a folder needs --out DIR for the reports")?;
    let subs = discover(&args.path, &ex.id)?;
    Batch {
        out,
        jobs: args.jobs,
        regrade: args.regrade,
        lang,
    }
    .run(&subs, grade)
}

/// Grades one file: prints the report in `format`, and writes every format
/// into `out/<label>/` when `out` is given.
pub fn single(
    file: &Path,
    format: Format,
    out: Option<&Path>,
    lang: &str,
    grade: impl FnOnce(&Submission) -> GradeReport,
) -> Result<ExitCode> {
    let sub = Submission {
        label: file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file: Ok(file.to_path_buf()),
    };
    let r = grade(&sub);
    print!("{}", format.render(&r, lang));
    if let Some(out) = out {
        write_reports(&out.join(&sub.label), &r, lang)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A batch: submissions graded in parallel, each report written to
/// `out/<label>/` (every format; `grade.json` last, which marks it graded
/// for a resumed run), then `out/junit.xml`, `out/summary.csv` and a table.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// Folder for the reports.
    pub out: &'a Path,
    /// Parallel gradings.
    pub jobs: usize,
    /// Re-grade submissions that already have a report.
    pub regrade: bool,
    /// Language of the text reports.
    pub lang: &'a str,
}

impl Batch<'_> {
    /// Grades `subs` with `grade`, which reports every problem in its
    /// result (a bad submission never stops the batch). Exit 0 when done,
    /// whatever the scores.
    pub fn run(
        &self,
        subs: &[Submission],
        grade: impl Fn(&Submission) -> GradeReport + Sync,
    ) -> Result<ExitCode> {
        let out = self.out;
        let lang = self.lang;
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let bar = indicatif::ProgressBar::new(subs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let results: Mutex<Vec<(usize, GradeReport, bool)>> = Mutex::new(Vec::new());
        let next = AtomicUsize::new(0);
        let start = std::time::Instant::now();
        std::thread::scope(|s| {
            for _ in 0..self.jobs.max(1) {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(sub) = subs.get(i) else { break };
                        let dir = out.join(&sub.label);
                        let (r, reused) = match previous(&dir).filter(|_| !self.regrade) {
                            Some(r) => (r, true),
                            None => {
                                let r = grade(sub);
                                if let Err(e) = write_reports(&dir, &r, lang) {
                                    bar.println(format!("{}: {e:#}", sub.label));
                                }
                                (r, false)
                            }
                        };
                        bar.set_message(sub.label.clone());
                        bar.inc(1);
                        if let Ok(mut v) = results.lock() {
                            v.push((i, r, reused));
                        }
                    }
                });
            }
        });
        bar.finish_and_clear();
        let mut results = results.into_inner().unwrap_or_default();
        results.sort_by_key(|r| r.0);
        let graded_now = results.iter().filter(|r| !r.2).count();
        let reports: Vec<GradeReport> = results.into_iter().map(|r| r.1).collect();
        std::fs::write(out.join("junit.xml"), report::junit(&reports))?;
        let csv = summary_csv(&reports);
        std::fs::write(out.join("summary.csv"), &csv)?;
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "{:<24} {:<13} {:>7}  failed, or why not graded",
            "submission", "status", "score"
        )?;
        for r in &reports {
            let detail = if r.status == Status::Graded {
                let failed: Vec<&str> = r
                    .tests
                    .iter()
                    .filter(|t| t.status == crate::grade::TestStatus::Fail)
                    .map(|t| t.name.as_str())
                    .collect();
                failed.join(" ")
            } else {
                let first = r.message.as_deref().unwrap_or("").lines().next();
                let first = first.unwrap_or("");
                if first.chars().count() > 120 {
                    first.chars().take(119).chain(['…']).collect()
                } else {
                    first.to_string()
                }
            };
            writeln!(
                stdout,
                "{:<24} {:<13} {:>6.0}%  {detail}",
                r.submission,
                status_word(r.status),
                r.fraction() * 100.0,
            )?;
        }
        let secs = start.elapsed().as_secs_f64();
        writeln!(
            stdout,
            "{} submission(s), {graded_now} graded now in {secs:.1} s ({:.2}/s); reports in {}",
            reports.len(),
            if secs > 0.0 {
                graded_now as f64 / secs
            } else {
                0.0
            },
            out.display()
        )?;
        Ok(ExitCode::SUCCESS)
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Graded => "graded",
        Status::CompileError => "compile-error",
        Status::Error => "error",
    }
}

/// The summary table as CSV: one row per submission, one column per class.
pub fn summary_csv(reports: &[GradeReport]) -> String {
    let mut classes: Vec<String> = Vec::new();
    for r in reports {
        for t in &r.tests {
            if !classes.contains(&t.name) {
                classes.push(t.name.clone());
            }
        }
    }
    let esc = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut o = String::from("submission,exercise,status,score,max_score,percent");
    for c in &classes {
        o.push(',');
        o.push_str(&esc(c));
    }
    o.push('\n');
    for r in reports {
        o.push_str(&format!(
            "{},{},{},{},{},{:.1}",
            esc(&r.submission),
            esc(&r.exercise),
            status_word(r.status),
            r.score,
            r.max_score,
            r.fraction() * 100.0
        ));
        for c in &classes {
            let cell = r
                .tests
                .iter()
                .find(|t| &t.name == c)
                .map(|t| {
                    if t.score >= t.max_score {
                        "pass"
                    } else {
                        "fail"
                    }
                })
                .unwrap_or("");
            o.push(',');
            o.push_str(cell);
        }
        o.push('\n');
    }
    o
}
