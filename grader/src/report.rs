//! Reports in the formats course platforms read, plus readable text.
//!
//! - Exercism test-runner interface, `results.json` version 3.
//! - Gradescope autograder `results.json`.
//! - JUnit XML (`testsuites`/`testsuite`/`testcase`/`failure`).
//! - Text for people.
//!
//! One model ([`GradeReport`]) for both kinds of work: an exercise's tests
//! are its case classes (one task); a lesson transcript's tests are its
//! objectives, grouped by step ([`TestResult::group`]), one point each.

use serde_json::{Value, json};
use std::fmt::Write as _;

use crate::grade::{Answer, GradeReport, Status, TestResult, TestStatus, truncate_chars};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// Exercism `results.json` version 3.
    Exercism,
    /// Gradescope `results.json`.
    Gradescope,
    /// JUnit XML.
    Junit,
    /// The grader's own JSON (everything, for tools).
    Json,
}

impl Format {
    /// Renders `r` in this format.
    pub fn render(self, r: &GradeReport, lang: &str) -> String {
        match self {
            Format::Text => text(r, lang),
            Format::Exercism => pretty(&exercism(r)),
            Format::Gradescope => pretty(&gradescope(r)),
            Format::Junit => junit(std::slice::from_ref(r)),
            Format::Json => serde_json::to_string_pretty(r).unwrap_or_default() + "\n",
        }
    }

    /// The usual file name for this format.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Text => "report.txt",
            Format::Exercism | Format::Gradescope => "results.json",
            Format::Junit => "junit.xml",
            Format::Json => "grade.json",
        }
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// Test names shown to platforms: `visible examples`, `hidden cases:
/// <class>`, or `<group title>: <about>` for grouped tests (objectives).
fn test_name(t: &TestResult) -> String {
    if let Some(g) = &t.group {
        format!("{}: {}", g.title, t.about)
    } else if t.hidden {
        format!("hidden cases: {}", t.name)
    } else {
        "visible examples".into()
    }
}

/// The teaching message for a failed test: smallest input, expected, actual.
pub fn failure_message(t: &TestResult) -> Option<String> {
    let f = t.failure.as_ref()?;
    let mut m = String::new();
    let _ = writeln!(
        m,
        "{} of {} case(s) failed ({}).",
        t.failed, t.cases, t.about
    );
    let shrunk = if f.shrink_steps > 0 {
        format!(" (shrunk in {} step(s))", f.shrink_steps)
    } else {
        String::new()
    };
    let _ = writeln!(m, "Smallest failing input{shrunk}:\n  {}", f.input);
    let _ = writeln!(m, "Expected:\n  {}", f.expected);
    let _ = write!(
        m,
        "Actual:\n  {}",
        match &f.actual {
            Answer::Output(v) => v.to_string(),
            other => other.render(),
        }
    );
    Some(m)
}

/// What to say about a failed test: the teaching message, else its note,
/// else the counts.
fn fail_message(t: &TestResult) -> String {
    failure_message(t)
        .or_else(|| t.note.clone())
        .unwrap_or_else(|| format!("{} of {} case(s) failed ({}).", t.failed, t.cases, t.about))
}

/// What to say about a test that passed.
fn pass_message(t: &TestResult) -> String {
    t.note
        .clone()
        .unwrap_or_else(|| format!("{} case(s) passed: {}", t.cases, t.about))
}

/// Exercism test-runner interface, version 3.
pub fn exercism(r: &GradeReport) -> Value {
    match r.status {
        Status::CompileError | Status::Error => json!({
            "version": 3,
            "status": "error",
            "message": truncate_chars(r.message.as_deref().unwrap_or("grading failed"), 65_000),
        }),
        Status::Graded => {
            let all_pass = r.tests.iter().all(|t| t.status == TestStatus::Pass);
            let tests: Vec<Value> = r
                .tests
                .iter()
                .map(|t| {
                    let (test_code, task_id) = match &t.group {
                        Some(g) => (t.name.clone(), g.number),
                        None => (format!("{} case(s): {}", t.cases, t.about), 1),
                    };
                    let mut o = json!({
                        "name": test_name(t),
                        "status": if t.status == TestStatus::Pass { "pass" } else { "fail" },
                        "test_code": test_code,
                        "task_id": task_id,
                    });
                    if t.status == TestStatus::Fail {
                        o["message"] = Value::String(fail_message(t));
                    }
                    if !r.output.is_empty() {
                        o["output"] = Value::String(truncate_to_500(&r.output));
                    }
                    o
                })
                .collect();
            json!({
                "version": 3,
                "status": if all_pass { "pass" } else { "fail" },
                "message": Value::Null,
                "tests": tests,
            })
        }
    }
}

/// Exercism limits per-test output to 500 characters.
fn truncate_to_500(s: &str) -> String {
    const NOTE: &str = "\nOutput was truncated. Please limit to 500 chars";
    if s.chars().count() <= 500 {
        return s.to_string();
    }
    let keep = 500 - NOTE.chars().count();
    s.chars().take(keep).collect::<String>() + NOTE
}

/// Gradescope autograder `results.json`.
pub fn gradescope(r: &GradeReport) -> Value {
    // Grouped tests are numbered `group.position` (Gradescope sorts by it).
    let mut in_group = 0;
    let tests: Vec<Value> = r
        .tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let number = match &t.group {
                Some(g) => {
                    let first = i == 0 || r.tests[i - 1].group.as_ref() != Some(g);
                    in_group = if first { 1 } else { in_group + 1 };
                    format!("{}.{in_group}", g.number)
                }
                None => format!("{}", i + 1),
            };
            let (status, output) = if t.status == TestStatus::Pass {
                ("passed", pass_message(t))
            } else {
                ("failed", fail_message(t))
            };
            json!({
                "name": test_name(t),
                "number": number,
                "score": t.score,
                "max_score": t.max_score,
                "status": status,
                "output": output,
                "tags": [t.name.clone()],
                "visibility": "visible",
            })
        })
        .collect();
    let mut out = String::new();
    if let Some(m) = &r.message {
        out.push_str(m);
    }
    if !r.output.is_empty() {
        let _ = write!(out, "Your program printed:\n{}", r.output);
    }
    json!({
        "score": r.score,
        "execution_time": r.elapsed_ms.div_ceil(1000),
        "output": out,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    })
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // XML 1.0 forbids most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// JUnit XML for one or many reports: one `testsuite` per submission.
pub fn junit(reports: &[GradeReport]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = reports.iter().map(|r| r.tests.len().max(1)).sum();
    let failures: usize = reports
        .iter()
        .map(|r| {
            r.tests
                .iter()
                .filter(|t| t.status == TestStatus::Fail)
                .count()
        })
        .sum();
    let errors = reports
        .iter()
        .filter(|r| r.status != Status::Graded)
        .count();
    let _ = writeln!(
        x,
        "<testsuites name=\"chainlab\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for r in reports {
        let suite = xml_escape(&format!("{}/{}", r.exercise, r.submission));
        let time = r.elapsed_ms as f64 / 1000.0;
        if r.status != Status::Graded {
            let _ = writeln!(
                x,
                "  <testsuite name=\"{suite}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"{time:.3}\">"
            );
            let (name, kind) = if r.status == Status::CompileError {
                ("build", "compile-error")
            } else {
                ("grading", "grader-error")
            };
            let msg = r.message.as_deref().unwrap_or("");
            let _ = writeln!(
                x,
                "    <testcase classname=\"{}\" name=\"{name}\" time=\"{time:.3}\">\n      <error type=\"{kind}\" message=\"{}\">{}</error>\n    </testcase>",
                xml_escape(&r.exercise),
                xml_escape(msg.lines().next().unwrap_or("")),
                xml_escape(msg)
            );
            x.push_str("  </testsuite>\n");
            continue;
        }
        let f = r
            .tests
            .iter()
            .filter(|t| t.status == TestStatus::Fail)
            .count();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"0\" time=\"{time:.3}\">",
            r.tests.len()
        );
        for t in &r.tests {
            let class = match &t.group {
                Some(g) => format!("{}.{}", r.exercise, g.id),
                None => r.exercise.clone(),
            };
            let _ = write!(
                x,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&class),
                xml_escape(&test_name(t))
            );
            if t.status == TestStatus::Pass {
                x.push_str("/>\n");
            } else {
                let (kind, summary) = if t.failure.is_some() || t.note.is_none() {
                    (
                        "mismatch",
                        format!("{} of {} case(s) failed", t.failed, t.cases),
                    )
                } else {
                    ("not-achieved", t.note.clone().unwrap_or_default())
                };
                let _ = writeln!(
                    x,
                    ">\n      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n    </testcase>",
                    xml_escape(&summary),
                    xml_escape(&fail_message(t))
                );
            }
        }
        if !r.output.is_empty() {
            let _ = writeln!(x, "    <system-out>{}</system-out>", xml_escape(&r.output));
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// Readable text for the student or instructor.
pub fn text(r: &GradeReport, lang: &str) -> String {
    let zh = lang.to_ascii_lowercase().starts_with("zh");
    let mut o = String::new();
    let _ = writeln!(o, "== {} ({}) ==", r.exercise, r.submission);
    match r.status {
        Status::CompileError => {
            let _ = writeln!(
                o,
                "{}\n{}",
                if zh {
                    "编译失败："
                } else {
                    "Your code did not compile:"
                },
                r.message.as_deref().unwrap_or("")
            );
            return o;
        }
        Status::Error => {
            let _ = writeln!(
                o,
                "{} {}",
                if zh {
                    "无法评分："
                } else {
                    "Could not grade:"
                },
                r.message.as_deref().unwrap_or("")
            );
            return o;
        }
        Status::Graded => {}
    }
    let mut group = None;
    for t in &r.tests {
        let mark = if t.status == TestStatus::Pass {
            "ok  "
        } else {
            "FAIL"
        };
        if let Some(g) = &t.group {
            if group != Some(g) {
                let _ = writeln!(o, "{}. {}", g.number, g.title);
                group = Some(g);
            }
            let _ = match &t.note {
                Some(n) => writeln!(o, "  [{mark}] {} — {n}", t.about),
                None => writeln!(o, "  [{mark}] {}", t.about),
            };
            continue;
        }
        let _ = writeln!(
            o,
            "[{mark}] {:<28} {} case(s) — {}",
            test_name(t),
            t.cases,
            t.about
        );
        if let Some(m) = failure_message(t) {
            for line in m.lines() {
                let _ = writeln!(o, "       {line}");
            }
        }
    }
    let _ = writeln!(
        o,
        "{} {}/{} ({:.0} %)",
        if zh { "得分" } else { "Score" },
        r.score,
        r.max_score,
        r.fraction() * 100.0
    );
    if !r.output.is_empty() {
        let _ = writeln!(
            o,
            "{}\n{}",
            if zh {
                "你的程序输出："
            } else {
                "Your program printed:"
            },
            r.output.trim_end()
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::{Failure, GradeReport, Status, TestResult, TestStatus};
    use expect_test::expect;
    use serde_json::json;

    /// A fixed report: one visible class passing, one hidden class failing
    /// with a shrunk case, some student output with characters XML must escape.
    fn fixture() -> GradeReport {
        GradeReport {
            exercise: "merkle-root".into(),
            submission: "alice".into(),
            status: Status::Graded,
            message: None,
            tests: vec![
                TestResult {
                    name: "visible".into(),
                    about: "the examples shown in the task".into(),
                    status: TestStatus::Pass,
                    cases: 2,
                    failed: 0,
                    score: 1.0,
                    max_score: 1.0,
                    failure: None,
                    hidden: false,
                    group: None,
                    note: None,
                },
                TestResult {
                    name: "odd_counts".into(),
                    about: "3, 5 and 7 transactions".into(),
                    status: TestStatus::Fail,
                    cases: 3,
                    failed: 3,
                    score: 0.0,
                    max_score: 1.0,
                    failure: Some(Failure {
                        input: json!({"txids": ["00", "01", "02"]}),
                        expected: json!("ab"),
                        actual: Answer::Output(json!("cd")),
                        shrink_steps: 4,
                    }),
                    hidden: true,
                    group: None,
                    note: None,
                },
            ],
            score: 1.0,
            max_score: 2.0,
            seed: 42,
            output: "debug: <level 1> & done\n".into(),
            elapsed_ms: 1234,
        }
    }

    #[test]
    fn exercism_v3_snapshot() {
        expect![[r#"
            {
              "message": null,
              "status": "fail",
              "tests": [
                {
                  "name": "visible examples",
                  "output": "debug: <level 1> & done\n",
                  "status": "pass",
                  "task_id": 1,
                  "test_code": "2 case(s): the examples shown in the task"
                },
                {
                  "message": "3 of 3 case(s) failed (3, 5 and 7 transactions).\nSmallest failing input (shrunk in 4 step(s)):\n  {\"txids\":[\"00\",\"01\",\"02\"]}\nExpected:\n  \"ab\"\nActual:\n  \"cd\"",
                  "name": "hidden cases: odd_counts",
                  "output": "debug: <level 1> & done\n",
                  "status": "fail",
                  "task_id": 1,
                  "test_code": "3 case(s): 3, 5 and 7 transactions"
                }
              ],
              "version": 3
            }
        "#]].assert_eq(&Format::Exercism.render(&fixture(), "en"));
    }

    #[test]
    fn exercism_compile_error_snapshot() {
        let r = GradeReport::error(
            "merkle-root",
            "bob",
            Status::CompileError,
            "error[E0308]: mismatched types".into(),
        );
        expect![[r#"
            {
              "message": "error[E0308]: mismatched types",
              "status": "error",
              "version": 3
            }
        "#]]
        .assert_eq(&Format::Exercism.render(&r, "en"));
    }

    #[test]
    fn gradescope_snapshot() {
        expect![[r#"
            {
              "execution_time": 2,
              "output": "Your program printed:\ndebug: <level 1> & done\n",
              "score": 1.0,
              "stdout_visibility": "hidden",
              "tests": [
                {
                  "max_score": 1.0,
                  "name": "visible examples",
                  "number": "1",
                  "output": "2 case(s) passed: the examples shown in the task",
                  "score": 1.0,
                  "status": "passed",
                  "tags": [
                    "visible"
                  ],
                  "visibility": "visible"
                },
                {
                  "max_score": 1.0,
                  "name": "hidden cases: odd_counts",
                  "number": "2",
                  "output": "3 of 3 case(s) failed (3, 5 and 7 transactions).\nSmallest failing input (shrunk in 4 step(s)):\n  {\"txids\":[\"00\",\"01\",\"02\"]}\nExpected:\n  \"ab\"\nActual:\n  \"cd\"",
                  "score": 0.0,
                  "status": "failed",
                  "tags": [
                    "odd_counts"
                  ],
                  "visibility": "visible"
                }
              ],
              "visibility": "visible"
            }
        "#]].assert_eq(&Format::Gradescope.render(&fixture(), "en"));
    }

    #[test]
    fn junit_snapshot() {
        let err = GradeReport::error(
            "merkle-root",
            "carol",
            Status::CompileError,
            "error: expected `;`\n --> solution.rs:3".into(),
        );
        expect![[r#"
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="chainlab" tests="3" failures="1" errors="1">
              <testsuite name="merkle-root/alice" tests="2" failures="1" errors="0" skipped="0" time="1.234">
                <testcase classname="merkle-root" name="visible examples"/>
                <testcase classname="merkle-root" name="hidden cases: odd_counts">
                  <failure type="mismatch" message="3 of 3 case(s) failed">3 of 3 case(s) failed (3, 5 and 7 transactions).
            Smallest failing input (shrunk in 4 step(s)):
              {&quot;txids&quot;:[&quot;00&quot;,&quot;01&quot;,&quot;02&quot;]}
            Expected:
              &quot;ab&quot;
            Actual:
              &quot;cd&quot;</failure>
                </testcase>
                <system-out>debug: &lt;level 1&gt; &amp; done
            </system-out>
              </testsuite>
              <testsuite name="merkle-root/carol" tests="1" failures="0" errors="1" skipped="0" time="0.000">
                <testcase classname="merkle-root" name="build" time="0.000">
                  <error type="compile-error" message="error: expected `;`">error: expected `;`
             --&gt; solution.rs:3</error>
                </testcase>
              </testsuite>
            </testsuites>
        "#]].assert_eq(&junit(&[fixture(), err]));
    }

    #[test]
    fn text_snapshot_en_and_zh() {
        expect![[r#"
            == merkle-root (alice) ==
            [ok  ] visible examples             2 case(s) — the examples shown in the task
            [FAIL] hidden cases: odd_counts     3 case(s) — 3, 5 and 7 transactions
                   3 of 3 case(s) failed (3, 5 and 7 transactions).
                   Smallest failing input (shrunk in 4 step(s)):
                     {"txids":["00","01","02"]}
                   Expected:
                     "ab"
                   Actual:
                     "cd"
            Score 1/2 (50 %)
            Your program printed:
            debug: <level 1> & done
        "#]]
        .assert_eq(&Format::Text.render(&fixture(), "en"));
        expect![[r#"
            == merkle-root (alice) ==
            [ok  ] visible examples             2 case(s) — the examples shown in the task
            [FAIL] hidden cases: odd_counts     3 case(s) — 3, 5 and 7 transactions
                   3 of 3 case(s) failed (3, 5 and 7 transactions).
                   Smallest failing input (shrunk in 4 step(s)):
                     {"txids":["00","01","02"]}
                   Expected:
                     "ab"
                   Actual:
                     "cd"
            得分 1/2 (50 %)
            你的程序输出：
            debug: <level 1> & done
        "#]]
        .assert_eq(&Format::Text.render(&fixture(), "zh-CN"));
    }

    /// Guards the Exercism limit: per-test output is at most 500 characters.
    #[test]
    fn exercism_output_is_limited_to_500_chars() {
        let mut r = fixture();
        r.output = "x".repeat(2000);
        let v = exercism(&r);
        for t in v["tests"].as_array().unwrap() {
            assert!(t["output"].as_str().unwrap().chars().count() <= 500);
        }
    }

    /// Guards XML well-formedness against control characters in student output.
    #[test]
    fn junit_replaces_forbidden_control_characters() {
        let mut r = fixture();
        r.output = "bell\u{7} nul\u{0}".into();
        let x = junit(&[r]);
        assert!(!x.contains('\u{7}') && !x.contains('\u{0}'));
    }
}
