//! Lesson transcripts from the web app, graded in the grader's formats.
//!
//! The lessons crate does the grading ([`lessons::grade`]: replay, check
//! the recorded refusals and digest, evaluate the objectives); this module
//! only finds the lesson, reads the files, and maps a
//! [`lessons::GradeReport`] onto the report model: each objective is a test
//! worth one point, grouped by its step. A transcript the lessons crate
//! refuses (unreadable, oversized, tampered, for another lesson) becomes an
//! error report that names the file and gives the reason. Batches, resume,
//! the summary and every format are [`crate::batch`] and [`crate::report`],
//! the same as for exercises.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use lessons::Lesson;
use lessons::transcript::MAX_TRANSCRIPT_BYTES;

use crate::batch::{self, Batch, Submission};
use crate::grade::{GradeReport, Status, TestGroup, TestResult, TestStatus};
use crate::report::Format;

/// `grader lesson` options.
#[derive(Debug, Clone, clap::Args)]
pub struct LessonArgs {
    /// The lesson: its id (looked up in the course, e.g. `hashing`), its
    /// folder name in the course (`01-hashing`), or a lesson folder (holding
    /// `lesson.toml`).
    pub lesson: String,
    /// A transcript exported from the web app (`.json`), or a folder with one
    /// entry per student (`<student>.json`, or `<student>/` holding
    /// `<lesson-id>.json`, `transcript.json` or a single `.json` file).
    pub path: PathBuf,
    /// The lesson course (holding course.toml). Default: $CHAINLAB_LESSONS,
    /// else the nearest `lessons/course/` above the current folder.
    #[arg(long)]
    pub course: Option<PathBuf>,
    /// Parallel gradings (replays are quick; one per core is plenty).
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// Folder for reports (required for a folder of transcripts).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Format printed for a single transcript.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Re-grade transcripts that already have a report in --out.
    #[arg(long)]
    pub regrade: bool,
}

/// `grader lesson`: grade one transcript or a folder of them. Exit 0 when
/// grading completed, whatever the scores; a lesson that cannot be found or
/// does not check is an error (exit 2).
pub fn run(args: &LessonArgs, lang: &str) -> Result<ExitCode> {
    let lesson = load(&args.lesson, args.course.as_deref())?;
    let grade = |sub: &Submission| grade_file(&lesson, sub, lang);
    if args.path.is_file() {
        return batch::single(&args.path, args.format, args.out.as_deref(), lang, grade);
    }
    let out = args
        .out
        .as_ref()
        .context("grading a folder needs --out DIR for the reports")?;
    let subs = batch::discover_files(
        &args.path,
        "json",
        &[format!("{}.json", lesson.id), "transcript.json".into()],
    )?;
    Batch {
        out,
        jobs: args.jobs,
        regrade: args.regrade,
        lang,
    }
    .run(&subs, grade)
}

/// Finds the lesson course folder.
pub fn course_root(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("CHAINLAB_LESSONS") {
        return Ok(PathBuf::from(p));
    }
    let cwd = std::env::current_dir()?;
    for dir in cwd.ancestors() {
        let cand = dir.join("lessons").join("course");
        if cand.join("course.toml").is_file() {
            return Ok(cand);
        }
    }
    bail!(
        "cannot find the lessons: no lessons/course/course.toml above {}; pass --course DIR",
        cwd.display()
    )
}

/// The folder of lesson `spec`: a lesson folder itself, or the course's
/// folder whose id (or folder name) is `spec`.
pub fn find(spec: &str, course: Option<&Path>) -> Result<PathBuf> {
    let as_dir = Path::new(spec);
    if as_dir.join("lesson.toml").is_file() {
        return Ok(as_dir.to_path_buf());
    }
    let root = course_root(course)?;
    let file = root.join("course.toml");
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let manifest = lessons::CourseManifest::parse(&file.display().to_string(), &text)
        .map_err(|ds| anyhow::anyhow!("{}", join(&ds)))?;
    let found =
        manifest.lessons.iter().map(|(folder, _)| folder).find(|f| {
            f.as_str() == spec || lessons::course::folder_id(f).is_some_and(|id| id == spec)
        });
    match found {
        Some(folder) => Ok(root.join(folder)),
        None => {
            let ids: Vec<&str> = manifest
                .lessons
                .iter()
                .filter_map(|(f, _)| lessons::course::folder_id(f))
                .collect();
            bail!(
                "no lesson `{spec}` in {} (it has: {})",
                file.display(),
                ids.join(", ")
            )
        }
    }
}

/// Finds and loads lesson `spec` (see [`find`]); it must check cleanly,
/// solution play included, since grading against a broken lesson would
/// be unfair.
pub fn load(spec: &str, course: Option<&Path>) -> Result<Lesson> {
    let dir = find(spec, course)?;
    let (lesson, diags) = lessons::fs::load_lesson(&dir, &lessons::fs::locales_near(&dir));
    match lesson {
        Some(l) => Ok(l),
        None => bail!(
            "the lesson in {} does not check (run `cargo xtask lessons`):\n{}",
            dir.display(),
            join(&diags)
        ),
    }
}

fn join(ds: &[lessons::Diagnostic]) -> String {
    ds.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Grades one transcript file. Never fails: a missing, unreadable,
/// oversized or refused transcript is an error report naming the file.
pub fn grade_file(lesson: &Lesson, sub: &Submission, locale: &str) -> GradeReport {
    let start = Instant::now();
    let mut r = match &sub.file {
        Err(why) => GradeReport::error(&lesson.id, &sub.label, Status::Error, why.clone()),
        Ok(file) => match batch::read_submission(file, MAX_TRANSCRIPT_BYTES as u64) {
            Err(why) => GradeReport::error(&lesson.id, &sub.label, Status::Error, why),
            Ok(text) => batch::guarded(&lesson.id, &sub.label, || {
                grade_text(
                    lesson,
                    &sub.label,
                    &file.display().to_string(),
                    &text,
                    locale,
                )
            }),
        },
    };
    r.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    r
}

/// Grades a transcript's text; a refusal becomes an error report whose
/// message is `<file>: <reason>`.
pub fn grade_text(
    lesson: &Lesson,
    label: &str,
    file: &str,
    json: &str,
    locale: &str,
) -> GradeReport {
    match lessons::grade(lesson, json, locale) {
        Ok(g) => to_report(&g, label),
        Err(e) => GradeReport::error(&lesson.id, label, Status::Error, format!("{file}: {e}")),
    }
}

/// Maps a graded lesson onto the report model: one test per objective
/// (named `<step>/<objective>`, one point), grouped by step; the note says
/// when it was achieved.
pub fn to_report(g: &lessons::GradeReport, label: &str) -> GradeReport {
    let zh = g.locale.to_ascii_lowercase().starts_with("zh");
    let mut tests = Vec::new();
    for (i, step) in g.steps.iter().enumerate() {
        let group = TestGroup {
            number: i + 1,
            id: step.id.clone(),
            title: step.title.clone(),
        };
        for o in &step.objectives {
            let note = match (o.done_after, zh) {
                (Some(n), false) => format!("achieved after {n} action(s)"),
                (Some(n), true) => format!("第 {n} 个操作后达成"),
                (None, false) => "not achieved".to_owned(),
                (None, true) => "未达成".to_owned(),
            };
            tests.push(TestResult {
                name: format!("{}/{}", step.id, o.id),
                about: o.label.clone(),
                status: if o.passed {
                    TestStatus::Pass
                } else {
                    TestStatus::Fail
                },
                cases: 1,
                failed: usize::from(!o.passed),
                score: if o.passed { 1.0 } else { 0.0 },
                max_score: 1.0,
                failure: None,
                hidden: false,
                group: Some(group.clone()),
                note: Some(note),
            });
        }
    }
    GradeReport {
        exercise: g.lesson.clone(),
        submission: label.to_owned(),
        status: Status::Graded,
        message: None,
        score: g.passed as f64,
        max_score: g.total as f64,
        tests,
        seed: 0,
        output: String::new(),
        elapsed_ms: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{exercism, gradescope, junit, text};
    use expect_test::expect;
    use lessons::Session;

    /// The grader's own fixed course: snapshots must not change when
    /// authors edit the real one.
    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lessons")
    }

    fn fixture() -> Lesson {
        load("fixture", Some(&fixtures())).unwrap()
    }

    /// A transcript made the way the web app makes one: play the first
    /// `actions` actions of the lesson's solution, then export.
    fn played(lesson: &Lesson, actions: usize) -> String {
        let mut s = Session::start(lesson).unwrap();
        for a in lesson.steps.iter().flat_map(|s| &s.solution).take(actions) {
            s.apply(a.clone()).unwrap();
        }
        s.transcript().to_json()
    }

    fn solved(lesson: &Lesson) -> String {
        played(lesson, usize::MAX)
    }

    fn graded(json: &str, locale: &str) -> GradeReport {
        let lesson = fixture();
        grade_text(&lesson, "alice", "alice.json", json, locale)
    }

    #[test]
    fn find_by_id_by_folder_and_by_path() {
        let by_id = find("fixture", Some(&fixtures())).unwrap();
        assert_eq!(by_id, fixtures().join("01-fixture"));
        assert_eq!(find("01-fixture", Some(&fixtures())).unwrap(), by_id);
        let dir = by_id.display().to_string();
        assert_eq!(find(&dir, None).unwrap(), by_id);
        let e = find("nope", Some(&fixtures())).unwrap_err().to_string();
        assert!(
            e.contains("no lesson `nope`") && e.contains("fixture"),
            "{e}"
        );
    }

    #[test]
    fn solution_transcript_scores_full_marks_in_every_format() {
        let r = graded(&solved(&fixture()), "en");
        assert_eq!((r.score, r.max_score), (3.0, 3.0));
        expect![[r#"
            {
              "message": null,
              "status": "pass",
              "tests": [
                {
                  "name": "Hash something: Hash any text",
                  "status": "pass",
                  "task_id": 1,
                  "test_code": "first-hash/any-hash"
                },
                {
                  "name": "Same input, same output: Hash `ChainLab` once",
                  "status": "pass",
                  "task_id": 2,
                  "test_code": "same-input/once"
                },
                {
                  "name": "Same input, same output: Hash `ChainLab` twice",
                  "status": "pass",
                  "task_id": 2,
                  "test_code": "same-input/twice"
                }
              ],
              "version": 3
            }
        "#]]
        .assert_eq(&Format::Exercism.render(&r, "en"));
        expect![[r#"
            {
              "execution_time": 0,
              "output": "",
              "score": 3.0,
              "stdout_visibility": "hidden",
              "tests": [
                {
                  "max_score": 1.0,
                  "name": "Hash something: Hash any text",
                  "number": "1.1",
                  "output": "achieved after 1 action(s)",
                  "score": 1.0,
                  "status": "passed",
                  "tags": [
                    "first-hash/any-hash"
                  ],
                  "visibility": "visible"
                },
                {
                  "max_score": 1.0,
                  "name": "Same input, same output: Hash `ChainLab` once",
                  "number": "2.1",
                  "output": "achieved after 2 action(s)",
                  "score": 1.0,
                  "status": "passed",
                  "tags": [
                    "same-input/once"
                  ],
                  "visibility": "visible"
                },
                {
                  "max_score": 1.0,
                  "name": "Same input, same output: Hash `ChainLab` twice",
                  "number": "2.2",
                  "output": "achieved after 3 action(s)",
                  "score": 1.0,
                  "status": "passed",
                  "tags": [
                    "same-input/twice"
                  ],
                  "visibility": "visible"
                }
              ],
              "visibility": "visible"
            }
        "#]]
        .assert_eq(&Format::Gradescope.render(&r, "en"));
        expect![[r#"
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="chainlab" tests="3" failures="0" errors="0">
              <testsuite name="fixture/alice" tests="3" failures="0" errors="0" skipped="0" time="0.000">
                <testcase classname="fixture.first-hash" name="Hash something: Hash any text"/>
                <testcase classname="fixture.same-input" name="Same input, same output: Hash `ChainLab` once"/>
                <testcase classname="fixture.same-input" name="Same input, same output: Hash `ChainLab` twice"/>
              </testsuite>
            </testsuites>
        "#]]
        .assert_eq(&Format::Junit.render(&r, "en"));
        expect![[r#"
            == fixture (alice) ==
            1. Hash something
              [ok  ] Hash any text — achieved after 1 action(s)
            2. Same input, same output
              [ok  ] Hash `ChainLab` once — achieved after 2 action(s)
              [ok  ] Hash `ChainLab` twice — achieved after 3 action(s)
            Score 3/3 (100 %)
        "#]]
        .assert_eq(&Format::Text.render(&r, "en"));
    }

    #[test]
    fn labels_and_notes_follow_the_locale() {
        let r = graded(&solved(&fixture()), "zh-CN");
        expect![[r#"
            == fixture (alice) ==
            1. 求一个哈希
              [ok  ] 对任意文本求哈希 — 第 1 个操作后达成
            2. 相同输入，相同输出
              [ok  ] 对 `ChainLab` 求一次哈希 — 第 2 个操作后达成
              [ok  ] 对 `ChainLab` 求两次哈希 — 第 3 个操作后达成
            得分 3/3 (100 %)
        "#]]
        .assert_eq(&text(&r, "zh-CN"));
    }

    #[test]
    fn partial_transcript_gets_credit_per_objective() {
        // The first step and half of the second: 2 of 3 objectives.
        let r = graded(&played(&fixture(), 2), "en");
        assert_eq!(r.status, Status::Graded);
        assert_eq!((r.score, r.max_score), (2.0, 3.0));
        expect![[r#"
            == fixture (alice) ==
            1. Hash something
              [ok  ] Hash any text — achieved after 1 action(s)
            2. Same input, same output
              [ok  ] Hash `ChainLab` once — achieved after 2 action(s)
              [FAIL] Hash `ChainLab` twice — not achieved
            Score 2/3 (67 %)
        "#]]
        .assert_eq(&text(&r, "en"));
        let e = exercism(&r);
        assert_eq!(e["status"], "fail");
        assert_eq!(e["tests"][2]["message"], "not achieved");
        let g = gradescope(&r);
        assert_eq!(g["score"], 2.0);
        assert_eq!(g["tests"][2]["status"], "failed");
        let x = junit(std::slice::from_ref(&r));
        assert!(
            x.contains(r#"failures="1""#)
                && x.contains(r#"<failure type="not-achieved" message="not achieved">"#),
            "{x}"
        );
    }

    #[test]
    fn empty_transcript_scores_zero_and_is_still_graded() {
        let r = graded(&played(&fixture(), 0), "en");
        assert_eq!(r.status, Status::Graded);
        assert_eq!((r.score, r.max_score), (0.0, 3.0));
    }

    /// Guards the claim check: a transcript whose `refused` list was edited
    /// is an error result naming the file and the action, not a score.
    #[test]
    fn tampered_transcript_is_an_error_result_with_the_reason() {
        let mut t: serde_json::Value = serde_json::from_str(&solved(&fixture())).unwrap();
        t["refused"] = serde_json::json!([0]);
        let r = graded(&t.to_string(), "en");
        assert_eq!(r.status, Status::Error);
        expect![[r#"
            {
              "message": "alice.json: action 0 (hash): recorded as refused, but the replay accepts it; the transcript was edited or made by another version",
              "status": "error",
              "version": 3
            }
        "#]]
        .assert_eq(&Format::Exercism.render(&r, "en"));
        expect![[r#"
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="chainlab" tests="1" failures="0" errors="1">
              <testsuite name="fixture/alice" tests="1" failures="0" errors="1" skipped="0" time="0.000">
                <testcase classname="fixture" name="grading" time="0.000">
                  <error type="grader-error" message="alice.json: action 0 (hash): recorded as refused, but the replay accepts it; the transcript was edited or made by another version">alice.json: action 0 (hash): recorded as refused, but the replay accepts it; the transcript was edited or made by another version</error>
                </testcase>
              </testsuite>
            </testsuites>
        "#]]
        .assert_eq(&Format::Junit.render(&r, "en"));
        // An edited final digest.
        let mut t: serde_json::Value = serde_json::from_str(&solved(&fixture())).unwrap();
        t["digest"] = serde_json::json!("00".repeat(32));
        let m = graded(&t.to_string(), "en").message.unwrap();
        assert!(
            m.starts_with("alice.json: the replay ends with world digest"),
            "{m}"
        );
        // Another lesson's transcript, garbage, deep nesting.
        let mut t: serde_json::Value = serde_json::from_str(&solved(&fixture())).unwrap();
        t["lesson"] = serde_json::json!("hashing");
        let m = graded(&t.to_string(), "en").message.unwrap();
        assert!(
            m.contains("is for lesson \"hashing\", not \"fixture\""),
            "{m}"
        );
        let m = graded("\u{0}garbage", "en").message.unwrap();
        assert!(m.starts_with("alice.json: not a lesson transcript"), "{m}");
        let deep = "[".repeat(100_000);
        let m = graded(&deep, "en").message.unwrap();
        assert!(m.starts_with("alice.json: not a lesson transcript"), "{m}");
    }

    #[test]
    fn unreadable_and_oversized_files_are_error_results_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("grader-lesson-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lesson = fixture();
        let sub = |name: &str| Submission {
            label: name.into(),
            file: Ok(dir.join(name)),
        };
        let big = dir.join("big.json");
        std::fs::write(&big, vec![b' '; MAX_TRANSCRIPT_BYTES + 1]).unwrap();
        let r = grade_file(&lesson, &sub("big.json"), "en");
        let m = r.message.unwrap();
        assert!(m.contains("big.json is larger than"), "{m}");
        std::fs::write(dir.join("latin1.json"), [0xffu8, 0xfe]).unwrap();
        let m = grade_file(&lesson, &sub("latin1.json"), "en")
            .message
            .unwrap();
        assert!(m.contains("latin1.json is not UTF-8"), "{m}");
        let m = grade_file(&lesson, &sub("missing.json"), "en")
            .message
            .unwrap();
        assert!(m.contains("missing.json"), "{m}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Every lesson of the real course: its solution's transcript scores
    /// 100 % through this module, in every format.
    #[test]
    fn every_course_lesson_solution_scores_full_marks() {
        let course = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/course");
        let text_manifest = std::fs::read_to_string(course.join("course.toml")).unwrap();
        let manifest = lessons::CourseManifest::parse("course.toml", &text_manifest).unwrap();
        assert!(!manifest.lessons.is_empty());
        for (folder, _) in &manifest.lessons {
            let lesson = load(folder, Some(&course)).unwrap();
            let r = grade_text(&lesson, "ref", "ref.json", &solved(&lesson), "en");
            assert_eq!(r.status, Status::Graded, "{folder}: {:?}", r.message);
            assert!(r.max_score > 0.0 && r.score == r.max_score, "{folder}");
            assert_eq!(exercism(&r)["status"], "pass", "{folder}");
            assert_eq!(gradescope(&r)["score"], r.max_score, "{folder}");
            assert!(
                junit(std::slice::from_ref(&r)).contains(r#"failures="0" errors="0">"#),
                "{folder}"
            );
            assert!(text(&r, "zh-CN").contains("(100 %)"), "{folder}");
        }
    }
}
