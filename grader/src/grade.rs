//! Differential grading: the student's binary and the reference operation see
//! the same inputs; the trusted parent compares the answers.
//!
//! Inputs come from a secret seed drawn per run. The student's process only
//! receives inputs (a read-only file) and writes answers (stdout, lines that
//! start with a per-run token); the verdict is computed here after that
//! process and all its descendants are gone. Its exit code is ignored, and a
//! missing answer is a failed case.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::compile::{Built, Toolchain};
use crate::manifest::Exercise;
use crate::ops::{Operation, Registry};
use crate::rng::{self, CaseRng};
use crate::sandbox::{self, Bind, End, Job, Limits, Sandbox};

/// Overall result of grading one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every test ran; see the per-test results.
    Graded,
    /// The submission did not compile; no test ran.
    CompileError,
    /// The grader could not grade it (missing file, internal error).
    Error,
}

/// Per-test (per case class) status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    /// Every case of the class matched the reference.
    Pass,
    /// At least one case did not.
    Fail,
}

/// What the student's program answered for one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// A returned value.
    Output(Value),
    /// The function panicked (message and location).
    Panic(String),
    /// The harness could not pass the input (a type mismatch in the student's
    /// signature would not compile, so this means a broken exercise).
    BadInput(String),
    /// No answer: the process crashed, exited early or ran out of time.
    NoAnswer(String),
}

impl Answer {
    /// A short human rendering.
    pub fn render(&self) -> String {
        match self {
            Answer::Output(v) => v.to_string(),
            Answer::Panic(m) => format!("panicked: {m}"),
            Answer::BadInput(m) => format!("harness could not decode the input: {m}"),
            Answer::NoAnswer(m) => format!("no answer: {m}"),
        }
    }
}

/// The smallest failing case found for a class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    /// The input (after shrinking).
    pub input: Value,
    /// The reference output.
    pub expected: Value,
    /// What the student's code did.
    pub actual: Answer,
    /// How many shrinking steps led from the original failing input here.
    pub shrink_steps: usize,
}

/// The result of one case class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    /// Case class name (`visible`, `empty`, `odd_counts`, ...).
    pub name: String,
    /// What the class exercises.
    pub about: String,
    /// Pass or fail.
    pub status: TestStatus,
    /// Cases run.
    pub cases: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// The (shrunk) first failure.
    pub failure: Option<Failure>,
    /// Whether the cases are hidden from the student.
    pub hidden: bool,
    /// The group (task) the test belongs to, when a report has several: a
    /// lesson's step. `None` for an exercise's case classes (one task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<TestGroup>,
    /// A line for people when there is no [`Failure`] to show, e.g. when a
    /// lesson objective was achieved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A group of tests: Exercism's task, JUnit's class, a heading in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestGroup {
    /// Position, from 1 (Exercism's `task_id`).
    pub number: usize,
    /// Stable id (a lesson step's id).
    pub id: String,
    /// Title for people.
    pub title: String,
}

/// The result of grading one submission of one exercise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GradeReport {
    /// Exercise id.
    pub exercise: String,
    /// Label of the submission (file name or student folder).
    pub submission: String,
    /// Overall status.
    pub status: Status,
    /// Compiler messages or the reason grading failed.
    pub message: Option<String>,
    /// One per case class, `visible` first.
    pub tests: Vec<TestResult>,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// The run's seed (revealed only after the run).
    pub seed: u64,
    /// What the student's code printed (not the answers), truncated.
    pub output: String,
    /// Wall time of the whole grading, milliseconds.
    pub elapsed_ms: u64,
}

impl GradeReport {
    /// Score as a fraction in `0..=1`.
    pub fn fraction(&self) -> f64 {
        if self.max_score > 0.0 {
            self.score / self.max_score
        } else {
            0.0
        }
    }

    /// A report for a submission that could not be graded at all.
    pub fn error(exercise: &str, submission: &str, status: Status, message: String) -> Self {
        Self {
            exercise: exercise.into(),
            submission: submission.into(),
            status,
            message: Some(message),
            tests: Vec::new(),
            score: 0.0,
            max_score: 0.0,
            seed: 0,
            output: String::new(),
            elapsed_ms: 0,
        }
    }
}

/// Knobs for a grading run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Limits for running the student's binary (each launch).
    pub run_limits: Limits,
    /// Shrinking rounds per failing class (each is one process launch).
    pub shrink_rounds: usize,
    /// A fixed seed (reproducing a run), else a fresh secret one.
    pub seed: Option<u64>,
    /// Process launches allowed per case set when the program crashes.
    pub relaunches: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            run_limits: Limits {
                wall: Duration::from_secs(10),
                cpu_secs: 10,
                memory_bytes: 1 << 30,
                file_bytes: 1 << 20,
                processes: 32,
                open_files: 64,
                stdout_bytes: 4 << 20,
                stderr_bytes: 64 << 10,
                tmp_bytes: 16 << 20,
            },
            shrink_rounds: 12,
            seed: None,
            relaunches: 3,
        }
    }
}

/// Everything needed to grade: operations, sandbox, toolchain, scratch space.
pub struct Grader {
    /// Reference operations.
    pub registry: Registry,
    /// The sandbox.
    pub sandbox: Sandbox,
    /// The warmed-up compiler.
    pub toolchain: Toolchain,
    /// Where per-submission scratch folders go.
    pub scratch: PathBuf,
    /// Knobs.
    pub settings: Settings,
}

static JOB_COUNTER: AtomicU64 = AtomicU64::new(0);

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Answers of one launch series over a list of inputs.
struct Answers {
    answers: Vec<Answer>,
    printed: String,
}

impl Grader {
    /// Grades `source` (the student's file) against `exercise`. Never fails
    /// because of what the source does: those are reported in the result.
    pub fn grade(&self, exercise: &Exercise, submission: &str, source: &str) -> GradeReport {
        let start = Instant::now();
        let mut report = match self.grade_inner(exercise, submission, source) {
            Ok(r) => r,
            Err(e) => GradeReport::error(&exercise.id, submission, Status::Error, format!("{e:#}")),
        };
        report.elapsed_ms = start.elapsed().as_millis() as u64;
        report
    }

    fn scratch(&self) -> Result<Scratch> {
        let n = JOB_COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = self.scratch.join(format!("job-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        sandbox::make_shared_dir(&dir)?;
        Ok(Scratch(dir))
    }

    fn grade_inner(&self, ex: &Exercise, submission: &str, source: &str) -> Result<GradeReport> {
        let op = self.registry.get(&ex.operation)?;
        let scratch = self.scratch()?;
        let bin = match self
            .toolchain
            .build(&self.sandbox, &scratch.0, source, op.harness())?
        {
            Built::Binary(b) => b,
            Built::Rejected(msg) => {
                return Ok(GradeReport::error(
                    &ex.id,
                    submission,
                    Status::CompileError,
                    msg,
                ));
            }
        };
        let seed = match self.settings.seed {
            Some(s) => s,
            None => rng::os_seed()?,
        };
        // Case sets: visible examples, then each hidden class.
        let mut sets: Vec<(String, String, bool, Vec<Value>)> = vec![(
            "visible".into(),
            "the examples shown in the task".into(),
            false,
            ex.visible.iter().map(|e| e.input.clone()).collect(),
        )];
        for class in op.classes() {
            let mut rng = CaseRng::derive(seed, class.name);
            let inputs = (0..class.cases)
                .map(|i| op.generate(class.name, i, &mut rng))
                .collect::<Result<Vec<_>>>()?;
            sets.push((class.name.into(), class.about.into(), true, inputs));
        }
        // One launch series for all cases (cheap), then shrink per failing class.
        let all: Vec<Value> = sets.iter().flat_map(|s| s.3.iter().cloned()).collect();
        let expected: Vec<Value> = all
            .iter()
            .map(|i| op.reference(i))
            .collect::<Result<_>>()
            .context("the reference operation rejected a generated input (a grader bug)")?;
        let run = self.run_cases(&bin, &scratch.0, &all)?;
        let mut printed = run.printed;
        let mut tests = Vec::new();
        let mut at = 0;
        for (name, about, hidden, inputs) in sets {
            let range = at..at + inputs.len();
            at += inputs.len();
            let mut failed = 0;
            let mut first_fail = None;
            for i in range {
                if !matches_expected(op, &expected[i], &run.answers[i]) {
                    failed += 1;
                    first_fail.get_or_insert(i);
                }
            }
            let failure = match first_fail {
                None => None,
                Some(i) => {
                    let (f, extra) =
                        self.shrink(op, &bin, &scratch.0, &all[i], &expected[i], &run.answers[i])?;
                    if printed.len() < 4000 {
                        printed.push_str(&extra);
                    }
                    Some(f)
                }
            };
            let passed = failed == 0;
            tests.push(TestResult {
                name,
                about,
                status: if passed {
                    TestStatus::Pass
                } else {
                    TestStatus::Fail
                },
                cases: inputs.len(),
                failed,
                score: if passed { 1.0 } else { 0.0 },
                max_score: 1.0,
                failure,
                hidden,
                group: None,
                note: None,
            });
        }
        let score = tests.iter().map(|t| t.score).sum();
        let max_score = tests.iter().map(|t| t.max_score).sum();
        Ok(GradeReport {
            exercise: ex.id.clone(),
            submission: submission.into(),
            status: Status::Graded,
            message: None,
            tests,
            score,
            max_score,
            seed,
            output: truncate_chars(&printed, 2000),
            elapsed_ms: 0,
        })
    }

    /// Shrinks a failing input as far as the operation's shrinker and the
    /// round budget allow; every candidate is judged by the parent.
    fn shrink(
        &self,
        op: &dyn Operation,
        bin: &Path,
        dir: &Path,
        input: &Value,
        expected: &Value,
        actual: &Answer,
    ) -> Result<(Failure, String)> {
        let mut cur = (input.clone(), expected.clone(), actual.clone());
        let mut steps = 0;
        let mut printed = String::new();
        // A time-out costs a full wall-clock limit per launch: do not shrink
        // those; a crash costs a launch per step: shrink it only a little.
        let rounds = match actual {
            Answer::NoAnswer(m) if m.contains("time limit") => 0,
            Answer::NoAnswer(_) => 2,
            _ => self.settings.shrink_rounds,
        };
        for _ in 0..rounds {
            let mut cands = op.shrink(&cur.0);
            cands.truncate(48);
            let expect: Vec<Option<Value>> = cands.iter().map(|c| op.reference(c).ok()).collect();
            let valid: Vec<(Value, Value)> = cands
                .into_iter()
                .zip(expect)
                .filter_map(|(c, e)| e.map(|e| (c, e)))
                .collect();
            if valid.is_empty() {
                break;
            }
            let inputs: Vec<Value> = valid.iter().map(|v| v.0.clone()).collect();
            let run = self.run_cases(bin, dir, &inputs)?;
            if printed.is_empty() {
                printed = run.printed;
            }
            let found = valid
                .into_iter()
                .zip(run.answers)
                .find(|((_, e), a)| !matches_expected(op, e, a));
            match found {
                Some(((i, e), a)) => {
                    cur = (i, e, a);
                    steps += 1;
                }
                None => break,
            }
        }
        Ok((
            Failure {
                input: cur.0,
                expected: cur.1,
                actual: cur.2,
                shrink_steps: steps,
            },
            printed,
        ))
    }

    /// Runs the binary over `inputs`, relaunching after a crash from the case
    /// after the one that crashed (up to the budget).
    fn run_cases(&self, bin: &Path, dir: &Path, inputs: &[Value]) -> Result<Answers> {
        let mut answers: Vec<Option<Answer>> = vec![None; inputs.len()];
        let mut printed = String::new();
        let mut next = 0;
        for _ in 0..self.settings.relaunches.max(1) {
            if next >= inputs.len() {
                break;
            }
            let (got, end, out) = self.launch(bin, dir, &inputs[next..])?;
            if printed.len() < 4000 {
                printed.push_str(&out);
            }
            let mut first_missing = None;
            for (k, a) in got.into_iter().enumerate() {
                match a {
                    Some(a) => answers[next + k] = Some(a),
                    None => {
                        first_missing.get_or_insert(next + k);
                    }
                }
            }
            let Some(m) = first_missing else { break };
            let why = match end {
                End::TimedOut => format!(
                    "time limit ({} s) reached",
                    self.settings.run_limits.wall.as_secs()
                ),
                End::Signalled(s) => {
                    format!("the program was killed by signal {s}{}", signal_hint(s))
                }
                End::Exited(c) => format!("the program exited (code {c}) before answering"),
            };
            answers[m] = Some(Answer::NoAnswer(why.clone()));
            if end == End::TimedOut {
                for a in answers.iter_mut().skip(m) {
                    a.get_or_insert_with(|| Answer::NoAnswer(why.clone()));
                }
                break;
            }
            next = m + 1;
        }
        let answers = answers
            .into_iter()
            .map(|a| {
                a.unwrap_or_else(|| {
                    Answer::NoAnswer("not run: earlier crashes used up the relaunch budget".into())
                })
            })
            .collect();
        Ok(Answers { answers, printed })
    }

    /// One launch of the student's binary; returns one optional answer per input.
    fn launch(
        &self,
        bin: &Path,
        dir: &Path,
        inputs: &[Value],
    ) -> Result<(Vec<Option<Answer>>, End, String)> {
        let io = dir.join("io");
        sandbox::make_shared_dir(&io)?;
        let mut text = String::new();
        for i in inputs {
            text.push_str(&serde_json::to_string(i)?);
            text.push('\n');
        }
        let inputs_path = io.join("inputs.jsonl");
        std::fs::write(&inputs_path, text).context("writing inputs")?;
        let token = format!("@@{:016x}", rng::os_seed()?);
        let job = Job {
            program: "/sub/submission".into(),
            args: vec!["/io/inputs.jsonl".into(), token.clone()],
            binds: vec![
                Bind {
                    host: bin.to_path_buf(),
                    inside: "/sub/submission".into(),
                    writable: false,
                },
                Bind {
                    host: io.clone(),
                    inside: "/io".into(),
                    writable: false,
                },
            ],
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            cwd: "/tmp".into(),
            limits: self.settings.run_limits.clone(),
        };
        let outcome = self.sandbox.run(&job)?;
        let (answers, printed) = parse_answers(&outcome.stdout, &token, inputs.len());
        let mut printed = printed;
        let stderr = String::from_utf8_lossy(&outcome.stderr);
        if !stderr.trim().is_empty() {
            printed.push_str(&stderr);
        }
        if outcome.truncated {
            printed.push_str("\n[output truncated by the grader]\n");
        }
        Ok((answers, outcome.end, printed))
    }
}

/// Splits the student's stdout into protocol answers (lines starting with
/// `token`) and everything else (their own prints). The first answer for an
/// index wins; malformed lines are ignored.
fn parse_answers(stdout: &[u8], token: &str, n: usize) -> (Vec<Option<Answer>>, String) {
    let mut answers: Vec<Option<Answer>> = vec![None; n];
    let mut printed = String::new();
    for line in String::from_utf8_lossy(stdout).lines() {
        let Some(rest) = line.strip_prefix(token).and_then(|r| r.strip_prefix(' ')) else {
            if !line.is_empty() && printed.len() < 8000 {
                printed.push_str(line);
                printed.push('\n');
            }
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(rest) else {
            continue;
        };
        let Some(i) = v.get("i").and_then(Value::as_u64).map(|i| i as usize) else {
            continue;
        };
        let Some(slot) = answers.get_mut(i) else {
            continue;
        };
        if slot.is_some() {
            continue;
        }
        *slot = if let Some(o) = v.get("ok") {
            Some(Answer::Output(o.clone()))
        } else if let Some(p) = v.get("panic").and_then(Value::as_str) {
            Some(Answer::Panic(p.to_string()))
        } else {
            v.get("bad_input")
                .and_then(Value::as_str)
                .map(|b| Answer::BadInput(b.to_string()))
        };
    }
    (answers, printed)
}

fn matches_expected(op: &dyn Operation, expected: &Value, actual: &Answer) -> bool {
    matches!(actual, Answer::Output(v) if op.same_output(expected, v))
}

fn signal_hint(sig: i32) -> &'static str {
    match sig {
        6 => " (abort: often a failed memory allocation — the memory limit)",
        9 => " (killed: a resource limit)",
        11 => " (segmentation fault: often a stack overflow from deep recursion)",
        24 => " (CPU time limit)",
        25 => " (file size limit)",
        _ => "",
    }
}

/// At most `max` characters of `s`, marking a cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(40)).collect();
    t.push_str("\n[... output truncated by the grader]");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guards the trust boundary: only token lines count, the first answer
    /// per case wins, out-of-range indices and junk are ignored.
    #[test]
    fn answers_are_read_only_from_token_lines() {
        let out = b"hello\n@@t {\"i\":0,\"ok\":\"a\"}\n@@t {\"i\":0,\"ok\":\"b\"}\n@@x {\"i\":1,\"ok\":1}\n@@t {\"i\":9,\"ok\":1}\n@@t nonsense\n@@t {\"i\":1,\"panic\":\"boom at solution.rs:3\"}\n";
        let (a, printed) = parse_answers(out, "@@t", 3);
        assert_eq!(a[0], Some(Answer::Output(Value::String("a".into()))));
        assert_eq!(a[1], Some(Answer::Panic("boom at solution.rs:3".into())));
        assert_eq!(a[2], None);
        assert_eq!(printed, "hello\n@@x {\"i\":1,\"ok\":1}\n");
    }
}
