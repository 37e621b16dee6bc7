//! Reports in the formats course platforms read, plus readable text.
//!
//! - Exercism test-runner interface, `results.json` version 3.
//! - Gradescope autograder `results.json`.
//! - JUnit XML (`testsuites`/`testsuite`/`testcase`/`failure`).
//! - Text for people.

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

/// Test names shown to platforms: `visible` or `hidden: <class>`.
fn test_name(t: &TestResult) -> String {
    if t.hidden {
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
                    let mut o = json!({
                        "name": test_name(t),
                        "status": if t.status == TestStatus::Pass { "pass" } else { "fail" },
                        "test_code": format!("{} case(s): {}", t.cases, t.about),
                        "task_id": 1,
                    });
                    if let Some(m) = failure_message(t) {
                        o["message"] = Value::String(m);
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
    let tests: Vec<Value> = r
        .tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "name": test_name(t),
                "number": format!("{}", i + 1),
                "score": t.score,
                "max_score": t.max_score,
                "status": if t.status == TestStatus::Pass { "passed" } else { "failed" },
                "output": failure_message(t).unwrap_or_else(|| format!("{} case(s) passed: {}", t.cases, t.about)),
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
            let kind = if r.status == Status::CompileError {
                "compile-error"
            } else {
                "grader-error"
            };
            let msg = r.message.as_deref().unwrap_or("");
            let _ = writeln!(
                x,
                "    <testcase classname=\"{}\" name=\"build\" time=\"{time:.3}\">\n      <error type=\"{kind}\" message=\"{}\">{}</error>\n    </testcase>",
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
            let _ = write!(
                x,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&r.exercise),
                xml_escape(&test_name(t))
            );
            match failure_message(t) {
                None => x.push_str("/>\n"),
                Some(m) => {
                    let _ = writeln!(
                        x,
                        ">\n      <failure type=\"mismatch\" message=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(&format!("{} of {} case(s) failed", t.failed, t.cases)),
                        xml_escape(&m)
                    );
                }
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
    for t in &r.tests {
        let mark = if t.status == TestStatus::Pass {
            "ok  "
        } else {
            "FAIL"
        };
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
