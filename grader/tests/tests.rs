//! End-to-end tests of the `grader` binary: the attack suite (hostile
//! submissions must be graded as failures or compile errors without harming
//! the grader or leaving processes behind) and the sandbox refusal.
//!
//! Needs bubblewrap (`apt-get install bubblewrap`). Runs with a 2-second
//! run limit so the time-out attacks stay cheap.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn grader() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_grader"));
    // The cache is the grader's default (target/grader-cache, or a /var/tmp
    // folder when the checkout is not readable by the sandbox user).
    c.arg("--exercises")
        .arg(repo().join("exercises"))
        .env("CHAINLAB_RUN_TIMEOUT_SECS", "2")
        .env_remove("CHAINLAB_GRADER_CACHE")
        .env_remove("CHAINLAB_SEED");
    c
}

static WARM: Once = Once::new();

/// Builds the template dependencies once, before tests race to do it.
fn warm() {
    WARM.call_once(|| {
        let out = grader().arg("doctor").output().unwrap();
        assert!(
            out.status.success(),
            "grader doctor failed (is bubblewrap installed?):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
}

fn scratch_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("grader-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A host file the sandbox must never be able to read (made once: tests run
/// in parallel).
fn secret() -> PathBuf {
    static SECRET: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SECRET
        .get_or_init(|| {
            let d = scratch_dir("secret");
            let p = d.join("hidden-tests.txt");
            std::fs::write(&p, "TOP SECRET hidden cases").unwrap();
            p
        })
        .clone()
}

fn attack_source(name: &str, extra: &[(&str, String)]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/attacks")
        .join(name);
    let mut src = std::fs::read_to_string(&path).unwrap();
    src = src
        .replace("@SECRET@", &secret().display().to_string())
        .replace(
            "@EXERCISES@",
            &repo().join("exercises").display().to_string(),
        )
        .replace("@GRADER_PID@", &std::process::id().to_string());
    for (k, v) in extra {
        src = src.replace(k, v);
    }
    src
}

fn run_grade(name: &str, src: &str) -> (Value, Output) {
    warm();
    let dir = scratch_dir(&format!("attack-{name}"));
    let file = dir.join(name);
    std::fs::write(&file, src).unwrap();
    let out = grader()
        .args(["grade", "-e", "hash-hex", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "grader must exit 0 whatever the submission does; stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "grader printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (v, out)
}

/// Grades an attack and asserts every test failed.
fn assert_fails(name: &str, extra: &[(&str, String)]) -> Value {
    let (v, _) = run_grade(name, &attack_source(name, extra));
    assert_eq!(v["status"], "graded", "{name}: {v:#}");
    assert_eq!(v["score"], 0.0, "{name} must earn nothing: {v:#}");
    let seed = &v["seed"];
    println!("{name}: seed {seed}");
    for t in v["tests"].as_array().unwrap() {
        assert_eq!(t["status"], "fail", "{name}: {t:#}");
    }
    v
}

/// Grades an attack and asserts it did not compile.
fn assert_rejected(name: &str) -> Value {
    let (v, _) = run_grade(name, &attack_source(name, &[]));
    assert_eq!(v["status"], "compile_error", "{name}: {v:#}");
    let msg = v["message"].as_str().unwrap();
    assert!(
        !msg.contains("TOP SECRET"),
        "{name}: the compiler message leaked the secret"
    );
    v
}

/// Processes whose command line contains `marker` (left-overs of an attack).
fn survivors(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(marker) {
                found.push(format!("{}: {cmd}", e.file_name().to_string_lossy()));
            }
        }
    }
    found
}

#[test]
fn reference_solution_scores_full_marks() {
    warm();
    let src = std::fs::read_to_string(repo().join("exercises/hash-hex/reference.rs")).unwrap();
    let (v, _) = run_grade("reference.rs", &src);
    assert_eq!(v["status"], "graded");
    assert_eq!(v["score"], v["max_score"], "{v:#}");
}

#[test]
fn exit_zero_is_not_a_pass() {
    let v = assert_fails("exit_zero.rs", &[]);
    let actual = &v["tests"][0]["failure"]["actual"];
    assert!(actual.get("no_answer").is_some(), "{actual}");
}

#[test]
fn printed_fake_results_are_ignored() {
    assert_fails("fake_results.rs", &[]);
}

#[test]
fn forged_answer_lines_do_not_help() {
    assert_fails("forged_token.rs", &[]);
}

#[test]
fn hidden_files_are_unreadable_at_run_time() {
    assert_fails("read_secrets.rs", &[]);
}

#[test]
fn include_str_of_a_secret_does_not_compile() {
    assert_rejected("include_str_secret.rs");
}

#[test]
fn include_bytes_of_the_reference_does_not_compile() {
    assert_rejected("include_bytes_reference.rs");
}

#[test]
fn path_attribute_cannot_reach_hidden_files() {
    assert_rejected("path_attribute.rs");
}

#[test]
fn compile_time_environment_is_empty() {
    assert_rejected("env_at_compile_time.rs");
}

#[test]
fn no_mangle_symbol_interposition_is_forbidden() {
    let v = assert_rejected("no_mangle.rs");
    assert!(
        v["message"].as_str().unwrap().contains("unsafe_code"),
        "{v:#}"
    );
}

#[test]
fn unsafe_code_is_forbidden() {
    assert_rejected("unsafe_block.rs");
}

#[test]
fn endless_const_evaluation_is_stopped() {
    assert_rejected("const_eval_loop.rs");
}

#[test]
fn infinite_loop_times_out() {
    let v = assert_fails("infinite_loop.rs", &[]);
    let why = v["tests"][0]["failure"]["actual"]["no_answer"]
        .as_str()
        .unwrap();
    assert!(
        why.contains("time limit") || why.contains("signal"),
        "{why}"
    );
}

#[test]
fn sleeping_past_the_deadline_times_out() {
    assert_fails("sleep_past_timeout.rs", &[]);
}

#[test]
fn memory_bomb_hits_the_memory_limit() {
    assert_fails("memory_bomb.rs", &[]);
}

#[test]
fn fork_bomb_is_contained_and_cleaned_up() {
    assert_fails("fork_bomb.rs", &[]);
    assert_eq!(survivors("1009.31"), Vec::<String>::new());
}

#[test]
fn huge_output_is_capped() {
    let (v, out) = run_grade("huge_output.rs", &attack_source("huge_output.rs", &[]));
    assert_eq!(v["score"], 0.0);
    assert!(
        out.stdout.len() < 1 << 20,
        "report grew to {} bytes",
        out.stdout.len()
    );
}

#[test]
fn network_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    assert_fails("network.rs", &[("@PORT@", port)]);
    assert!(
        listener.accept().is_err(),
        "a sandboxed process connected to the host"
    );
}

#[test]
fn signalling_the_grader_does_not_harm_it() {
    // Killing -1, pid 1 and this test's own pid: if any reached outside the
    // sandbox, this test process (or the grader) would be dead.
    assert_fails("signal_grader.rs", &[]);
}

#[test]
fn children_escaping_their_process_group_are_killed() {
    assert_fails("escape_process_group.rs", &[]);
    assert_eq!(survivors("1009.77"), Vec::<String>::new());
}

#[test]
fn aborting_panic_hook_is_a_failure() {
    assert_fails("panic_everywhere.rs", &[]);
}

#[test]
fn refuses_without_a_sandbox_unless_own_machine() {
    warm();
    let reference = repo().join("exercises/hash-hex/reference.rs");
    let out = grader()
        .env("CHAINLAB_BWRAP", "/nonexistent/bwrap")
        .args(["grade", "-e", "hash-hex"])
        .arg(&reference)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--unsandboxed-own-machine"), "{err}");
    let out = grader()
        .env("CHAINLAB_BWRAP", "/nonexistent/bwrap")
        .args([
            "--unsandboxed-own-machine",
            "grade",
            "-e",
            "hash-hex",
            "--format",
            "json",
        ])
        .arg(&reference)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["score"], v["max_score"], "{v:#}");
}

#[test]
fn batch_grading_is_resumable_and_survives_bad_submissions() {
    warm();
    let subs = scratch_dir("batch-subs");
    let out = scratch_dir("batch-out");
    let ex = repo().join("exercises/hash-hex");
    std::fs::copy(ex.join("reference.rs"), subs.join("alice.rs")).unwrap();
    std::fs::create_dir_all(subs.join("bob")).unwrap();
    std::fs::copy(ex.join("wrong/no_padding.rs"), subs.join("bob/hash-hex.rs")).unwrap();
    std::fs::create_dir_all(subs.join("carol")).unwrap(); // no solution at all
    std::fs::write(subs.join("dave.rs"), [0xffu8, 0xfe]).unwrap(); // not UTF-8
    std::fs::write(subs.join("erin.rs"), "fn oops(").unwrap(); // does not compile
    std::os::unix::fs::symlink(secret(), subs.join("mallory.rs")).unwrap(); // exfiltration attempt
    let run = || {
        let o = grader()
            .args(["grade", "-e", "hash-hex", "--jobs", "2", "--out"])
            .arg(&out)
            .arg(&subs)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let first = run();
    assert!(first.contains("6 submission(s)"), "{first}");
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 7, "{csv}");
    assert!(
        rows[1].starts_with("alice,hash-hex,graded,4,4,100.0"),
        "{csv}"
    );
    assert!(rows[2].starts_with("bob,hash-hex,graded,1,4"), "{csv}");
    assert!(rows[3].starts_with("carol,hash-hex,error"), "{csv}");
    assert!(rows[4].starts_with("dave,hash-hex,error"), "{csv}");
    assert!(rows[5].starts_with("erin,hash-hex,compile-error"), "{csv}");
    assert!(rows[6].starts_with("mallory,hash-hex,error"), "{csv}");
    let mallory = std::fs::read_to_string(out.join("mallory/report.txt")).unwrap();
    assert!(!mallory.contains("TOP SECRET"), "{mallory}");
    for f in [
        "exercism.results.json",
        "gradescope.results.json",
        "junit.xml",
        "report.txt",
    ] {
        assert!(out.join("alice").join(f).is_file(), "{f}");
    }
    // Resume: graded and compile-error submissions are skipped, errors retried.
    let second = run();
    assert!(second.contains("3 graded now"), "{second}");
}

#[test]
fn the_course_loads_with_every_exercise_in_both_languages() {
    let reg = grader::ops::Registry::builtin();
    let course = grader::manifest::Course::load(&repo().join("exercises"), &reg).unwrap();
    assert!(course.exercises.len() >= 12, "{}", course.exercises.len());
    for ex in &course.exercises {
        assert!(
            !ex.task.en.trim().is_empty() && !ex.task.zh_cn.trim().is_empty(),
            "{}",
            ex.id
        );
        assert!(
            ex.wrong.len() >= 3,
            "{} has {} known-wrong solutions",
            ex.id,
            ex.wrong.len()
        );
        assert!(!ex.hints.is_empty(), "{}", ex.id);
        let starter = std::fs::read_to_string(&ex.starter).unwrap();
        assert!(starter.contains("TODO"), "{}: starter has no TODO", ex.id);
    }
}

#[test]
fn a_broken_manifest_is_reported_with_file_and_field() {
    let reg = grader::ops::Registry::builtin();
    let dir = scratch_dir("broken-manifest");
    std::fs::write(
        dir.join("exercises.toml"),
        "format_version = 1\n[[exercise]]\nid = \"x\"\nlesson = \"l\"\noperation = \"no_such_op\"\ntitle = { en = \"a\", \"zh-CN\" = \"b\" }\n",
    )
    .unwrap();
    let err = format!(
        "{:#}",
        grader::manifest::Course::load(&dir, &reg).unwrap_err()
    );
    assert!(
        err.contains("operation") && err.contains("no_such_op"),
        "{err}"
    );
    std::fs::write(dir.join("exercises.toml"), "format_version = 7\n").unwrap();
    let err = format!(
        "{:#}",
        grader::manifest::Course::load(&dir, &reg).unwrap_err()
    );
    assert!(err.contains("format_version 7"), "{err}");
}

/// A transcript of a lesson, made the way the web app makes one: the
/// first `actions` actions of the lesson's own solution, then exported.
fn lesson_transcript(lesson: &lessons::Lesson, actions: usize) -> String {
    let mut s = lessons::Session::start(lesson).unwrap();
    for a in lesson.steps.iter().flat_map(|s| &s.solution).take(actions) {
        s.apply(a.clone()).unwrap();
    }
    s.transcript().to_json()
}

#[test]
fn lesson_batch_survives_garbage_and_tampering_and_resumes() {
    // No sandbox needed: grading a transcript runs no student code.
    let course = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lessons");
    let lesson = grader::transcript::load("fixture", Some(&course)).unwrap();
    let subs = scratch_dir("lesson-subs");
    let out = scratch_dir("lesson-out");
    std::fs::write(subs.join("alice.json"), lesson_transcript(&lesson, 99)).unwrap();
    std::fs::create_dir_all(subs.join("bob")).unwrap();
    std::fs::write(
        subs.join("bob/transcript.json"),
        lesson_transcript(&lesson, 2),
    )
    .unwrap();
    std::fs::write(subs.join("carol.json"), [0u8, 0xff, 7, 1]).unwrap(); // garbage
    // A forged final state: the replay ends elsewhere than it claims.
    let mut tampered: Value = serde_json::from_str(&lesson_transcript(&lesson, 99)).unwrap();
    tampered["digest"] = Value::String("ab".repeat(32));
    let tampered = tampered.to_string();
    std::fs::write(subs.join("dave.json"), tampered).unwrap();
    std::fs::write(
        subs.join("erin.json"),
        r#"{"format_version": 1, "lesson": ["#,
    )
    .unwrap(); // cut short
    std::fs::write(subs.join("notes.txt"), "not a submission").unwrap();
    let run = || {
        let o = grader()
            .arg("lesson")
            .arg("--course")
            .arg(&course)
            .args(["fixture", "--jobs", "2", "--out"])
            .arg(&out)
            .arg(&subs)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let first = run();
    assert!(first.contains("5 submission(s), 5 graded now"), "{first}");
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "submission,exercise,status,score,max_score,percent,first-hash/any-hash,same-input/once,same-input/twice",
        "{csv}"
    );
    assert_eq!(rows[1], "alice,fixture,graded,3,3,100.0,pass,pass,pass");
    assert_eq!(rows[2], "bob,fixture,graded,2,3,66.7,pass,pass,fail");
    assert!(rows[3].starts_with("carol,fixture,error"), "{csv}");
    assert!(rows[4].starts_with("dave,fixture,error"), "{csv}");
    assert!(rows[5].starts_with("erin,fixture,error"), "{csv}");
    assert_eq!(rows.len(), 6, "{csv}");
    let carol = std::fs::read_to_string(out.join("carol/report.txt")).unwrap();
    assert!(carol.contains("carol.json is not UTF-8 text"), "{carol}");
    let erin = std::fs::read_to_string(out.join("erin/report.txt")).unwrap();
    assert!(
        erin.contains("erin.json: not a lesson transcript") && erin.contains("line 1"),
        "{erin}"
    );
    let dave = std::fs::read_to_string(out.join("dave/exercism.results.json")).unwrap();
    assert!(
        dave.contains("\"status\": \"error\"") && dave.contains("world digest"),
        "{dave}"
    );
    for f in [
        "exercism.results.json",
        "gradescope.results.json",
        "junit.xml",
        "report.txt",
        "grade.json",
    ] {
        assert!(out.join("alice").join(f).is_file(), "{f}");
    }
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(
        junit.contains(r#"<testsuites name="chainlab" tests="9" failures="1" errors="3">"#),
        "{junit}"
    );
    // Resume: graded transcripts are skipped, errors retried.
    let second = run();
    assert!(second.contains("3 graded now"), "{second}");
}

#[test]
fn lesson_single_transcript_prints_the_chosen_format() {
    let course = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lessons");
    let lesson = grader::transcript::load("fixture", Some(&course)).unwrap();
    let dir = scratch_dir("lesson-single");
    let file = dir.join("erin.json");
    std::fs::write(&file, lesson_transcript(&lesson, 1)).unwrap();
    let o = grader()
        .arg("lesson")
        .arg("--course")
        .arg(&course)
        .args(["fixture", "--format", "gradescope"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["score"], 1.0, "{v:#}");
    // An unknown lesson is the instructor's mistake: exit 2, naming it.
    let o = grader()
        .arg("lesson")
        .arg("--course")
        .arg(&course)
        .arg("no-such-lesson")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no lesson `no-such-lesson`"), "{err}");
}
