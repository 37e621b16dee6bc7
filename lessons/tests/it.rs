//! Integration tests of the lessons crate: the real course checks, the
//! checker names what is wrong and where, grading replays and refuses
//! tampered transcripts, and no input makes anything panic.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use lessons::fs::check_course;
use lessons::{
    Bundle, GradeError, Lesson, LessonAction, LessonSource, LessonTranscript, Session, grade,
};
use sandbox_chain::amount::Amount;
use sandbox_chain::keys::Keypair;
use sandbox_chain::tx::Transfer;
use sandbox_chain::world::islands::IslandsAction;
use sandbox_chain::world::{Action, NodeId};

fn course_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("course")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(course_dir().join(rel)).unwrap()
}

/// Parses a lesson from its three texts (the real ones, possibly mutated).
fn parse(toml: &str, en: &str, zh: &str) -> Result<Lesson, Vec<lessons::Diagnostic>> {
    Lesson::parse(&LessonSource {
        toml_name: "lesson.toml".into(),
        toml,
        locales: vec![
            ("en".into(), "en.md".into(), Some(en)),
            ("zh-CN".into(), "zh-CN.md".into(), Some(zh)),
        ],
    })
}

fn real(folder: &str) -> (String, String, String) {
    (
        read(&format!("{folder}/lesson.toml")),
        read(&format!("{folder}/en.md")),
        read(&format!("{folder}/zh-CN.md")),
    )
}

fn lesson(folder: &str) -> Lesson {
    let (t, e, z) = real(folder);
    parse(&t, &e, &z).unwrap()
}

/// The errors for a mutated lesson, as `file:line:col: message` lines.
fn errors_after(folder: &str, edit: impl Fn(&mut String, &mut String, &mut String)) -> String {
    let (mut t, mut e, mut z) = real(folder);
    edit(&mut t, &mut e, &mut z);
    match parse(&t, &e, &z) {
        Ok(l) => lessons::check_plays(&l)
            .into_iter()
            .map(|p| p.message)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(ds) => ds
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn replace(s: &mut String, from: &str, to: &str) {
    assert!(s.contains(from), "fixture text not found: {from}");
    *s = s.replacen(from, to, 1);
}

// ---- the course ----

/// Every lesson of the real course parses, plays (nothing done at the
/// start, every step completable, its transcript grades 100 %), and the
/// bundle round-trips through JSON into lessons that play the same.
#[test]
fn the_course_checks_and_its_bundle_round_trips() {
    let out = check_course(&course_dir());
    let problems: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(out.lessons_ok >= 16, "the course has at least 16 lessons");
    let bundle = out.bundle.unwrap();
    // The lessons the book and the web app link to by id, in course order
    // after the eleven on one proof-of-work chain.
    let ids: Vec<&str> = bundle.lessons.iter().map(|l| l.id.as_str()).collect();
    let later = [
        "proof-of-authority",
        "bft",
        "consortium",
        "contracts",
        "digital-currency",
        "bridge",
        "atomic-swap",
    ];
    let at = ids.iter().position(|i| *i == "mempool").unwrap();
    assert_eq!(ids.get(at + 1..at + 8), Some(&later[..]), "{ids:?}");
    let back = Bundle::from_json(&bundle.to_json()).unwrap();
    assert_eq!(back.to_json(), bundle.to_json());
    for l in &back.lessons {
        assert!(lessons::check_plays(l).is_empty(), "lesson {}", l.id);
        assert!(l.steps.len() >= 3, "lesson {} has fewer than 3 steps", l.id);
        assert_eq!(l.text.len(), 2, "lesson {} is not in en and zh-CN", l.id);
    }
}

// ---- the checker names what is wrong, and where ----

#[test]
fn unknown_view_is_named_with_its_line() {
    let e = errors_after("01-hashing", |t, _, _| {
        replace(t, "view = \"hash\", input", "view = \"hsah\", input");
    });
    assert!(e.starts_with("lesson.toml:15:19:"), "{e}");
    assert!(e.contains("unknown variant `hsah`"), "{e}");
    assert!(e.contains("`hash`, `keys`"), "{e}");
}

#[test]
fn unknown_field_is_named() {
    let e = errors_after("01-hashing", |t, _, _| {
        replace(
            t,
            "avalanche = { bits = 100 }",
            "avalanche = { bitz = 100 }",
        );
    });
    assert!(e.contains("unknown field `bitz`, expected `bits`"), "{e}");
}

#[test]
fn unknown_predicate_is_named() {
    let e = errors_after("01-hashing", |t, _, _| {
        replace(t, "hashed = {} }", "hashd = {} }");
    });
    assert!(e.contains("unknown variant `hashd`"), "{e}");
    // Named at its objective.
    let (t, _, _) = real("01-hashing");
    let at = t.find("hashed = {} }").unwrap();
    let start = t[..at].rfind('{').unwrap();
    let (line, col) = position(&t, &t[start..at + 13]);
    assert!(e.starts_with(&format!("lesson.toml:{line}:{col}:")), "{e}");
}

#[test]
fn unknown_action_is_named_with_the_tool_actions() {
    let e = errors_after("03-transactions", |t, _, _| {
        replace(
            t,
            "{ action = \"mine\", node = 0 }",
            "{ action = \"mien\", node = 0 }",
        );
    });
    assert!(e.contains("unknown variant `mien`"), "{e}");
    assert!(e.contains("or a tool action: hash, sign, verify"), "{e}");
    let (t, _, _) = real("03-transactions");
    let (line, col) = position(&t, "{ action = \"mine\", node = 0 }");
    assert!(e.starts_with(&format!("lesson.toml:{line}:{col}:")), "{e}");
}

#[test]
fn unknown_account_is_named() {
    let e = errors_after("03-transactions", |t, _, _| {
        replace(
            t,
            "account = \"bob\", at_least",
            "account = \"bbo\", at_least",
        );
    });
    assert!(e.contains("unknown account \"bbo\""), "{e}");
    assert!(e.starts_with("lesson.toml:43:5:"), "{e}");
}

#[test]
fn unknown_node_is_named() {
    let e = errors_after("03-transactions", |t, _, _| {
        replace(
            t,
            "mempool = { at_least = 1 }",
            "mempool = { at_least = 1, node = 7 }",
        );
    });
    assert!(e.contains("there is no node 7"), "{e}");
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    let e = errors_after("01-hashing", |t, _, _| {
        replace(t, "minutes = 10", "minutes = = 10");
    });
    assert!(e.starts_with("lesson.toml:5:"), "{e}");
}

#[test]
fn missing_translation_is_caught() {
    let e = errors_after("01-hashing", |_, _, z| {
        replace(z, "### 提示 {#exact-text}", "### 提示");
    });
    assert!(e.contains("zh-CN.md:"), "{e}");
    let e = errors_after("01-hashing", |_, _, z| {
        *z = z.replace("### 提示 {#exact-text}\n", "").replace(
            "大写 C、大写 L，别的什么都不要：`ChainLab`。哪怕末尾多一个空格，也是不同的输入。",
            "",
        );
    });
    assert!(
        e.contains("zh-CN.md:") && e.contains("missing translation: hint `exact-text`"),
        "{e}"
    );
}

#[test]
fn markdown_id_not_in_toml_is_named_with_its_line() {
    let e = errors_after("01-hashing", |_, en, _| {
        replace(en, "{#first-hash}", "{#frist-hash}");
    });
    assert!(
        e.contains("en.md:10:1: `{#frist-hash}` is not a step"),
        "{e}"
    );
}

#[test]
fn objective_true_at_start_is_caught() {
    let e = errors_after("03-transactions", |t, _, _| {
        replace(
            t,
            "mempool = { at_least = 1 }",
            "balance = { account = \"dave\", equals = 0 }",
        );
    });
    assert!(e.contains("already holds in the starting world"), "{e}");
}

#[test]
fn incompletable_step_is_caught() {
    let e = errors_after("01-hashing", |t, _, _| {
        replace(t, "\"ChainLab 548\"", "\"ChainLab 549\"");
    });
    assert!(e.contains("objective `eight-zero-bits` is not met"), "{e}");
}

#[test]
fn prerequisite_cycle_is_caught() {
    let dir = tempdir("cycle");
    copy_course(&dir);
    let keys = dir.join("01-hashing/lesson.toml");
    let t = std::fs::read_to_string(&keys)
        .unwrap()
        .replace("prerequisites = []", "prerequisites = [\"transactions\"]");
    std::fs::write(&keys, t).unwrap();
    let out = check_course(&dir);
    let all: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
    let all = all.join("\n");
    // The loop is named wherever the search entered it.
    let cycle = all
        .lines()
        .find_map(|l| l.split_once("prerequisites form a cycle: "))
        .map(|(_, c)| c.to_owned())
        .unwrap_or_else(|| panic!("{all}"));
    for id in ["hashing", "keys", "transactions"] {
        assert!(cycle.contains(id), "{cycle}");
    }
    assert!(!cycle.contains("mining"), "{cycle}");
    assert!(out.bundle.is_none());
}

#[test]
fn missing_locale_file_is_caught() {
    let dir = tempdir("missing-locale");
    copy_course(&dir);
    std::fs::remove_file(dir.join("02-keys/zh-CN.md")).unwrap();
    let out = check_course(&dir);
    let all: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        all.iter()
            .any(|d| d.contains("02-keys/zh-CN.md: missing: the lesson has no zh-CN text")),
        "{all:?}"
    );
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lessons-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn copy_course(to: &Path) {
    fn copy(from: &Path, to: &Path) {
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }
    copy(&course_dir(), to);
}

// ---- grading ----

fn solution_session(lesson: &Lesson, steps: usize) -> Session {
    let mut s = Session::start(lesson).unwrap();
    for step in lesson.steps.iter().take(steps) {
        for a in &step.solution {
            s.apply(a.clone()).unwrap();
        }
    }
    s
}

#[test]
fn a_full_solution_grades_full_marks_and_a_partial_one_partial() {
    let l = lesson("03-transactions");
    let full = solution_session(&l, l.steps.len()).transcript().to_json();
    let r = grade(&l, &full, "zh-CN").unwrap();
    assert!(r.complete(), "{r:?}");
    assert_eq!(r.title, "交易、重放与双花");
    let part = solution_session(&l, 2).transcript().to_json();
    let r = grade(&l, &part, "en").unwrap();
    assert_eq!((r.passed, r.total), (3, 7), "{r:?}");
    assert!(r.steps[0].complete && r.steps[1].complete && !r.steps[2].complete);
}

/// `tests/wasm.rs` grades this fixture in wasm32; here it must equal what
/// the solution produces natively. After changing lesson `transactions`,
/// regenerate it with `UPDATE_FIXTURES=1 cargo test -p lessons --test it`.
#[test]
fn wasm_fixture_is_the_native_solution_transcript() {
    let l = lesson("03-transactions");
    let json = solution_session(&l, l.steps.len()).transcript().to_json();
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/transactions.transcript.json");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let fixture = std::fs::read_to_string(&path).unwrap();
    assert_eq!(fixture, json, "regenerate with UPDATE_FIXTURES=1");
}

#[test]
fn objectives_latch_in_any_order() {
    // The overspend can be tried first; it counts.
    let l = lesson("03-transactions");
    let mut s = Session::start(&l).unwrap();
    let overspend = LessonAction::World(Action::SendTransaction {
        node: NodeId(0),
        from: "alice".into(),
        to: "dave".into(),
        amount: Amount::new(1_000),
        fee: Amount::ZERO,
        memo: String::new(),
        nonce: None,
    });
    let applied = s.apply(overspend).unwrap();
    assert!(applied.result.is_err());
    assert_eq!(applied.newly_done, vec![(4, 0)]);
}

fn transcript(lesson: &Lesson) -> LessonTranscript {
    solution_session(lesson, lesson.steps.len()).transcript()
}

#[test]
fn edited_digest_is_refused() {
    let l = lesson("03-transactions");
    let mut t = transcript(&l);
    let other = solution_session(&l, 1).digest();
    t.digest = other;
    let e = grade(&l, &t.to_json(), "en").unwrap_err();
    assert!(matches!(e, GradeError::DigestMismatch { .. }), "{e}");
    assert!(e.to_string().contains("was edited"), "{e}");
}

#[test]
fn forged_signature_recorded_as_accepted_is_refused() {
    let l = lesson("03-transactions");
    let mut t = transcript(&l);
    // The first payment, re-signed by alice, then its amount raised.
    let mut st = Transfer {
        chain_id: 1,
        from: Keypair::from_name("alice").public(),
        to: Keypair::from_name("bob").address(),
        amount: Amount::new(10),
        fee: Amount::ZERO,
        nonce: 0,
        memo: String::new(),
    }
    .sign(&Keypair::from_name("alice"));
    st.transfer.amount = Amount::new(90);
    t.actions[0] = LessonAction::World(Action::SubmitTransaction {
        node: NodeId(0),
        tx: Box::new(st),
    });
    let e = grade(&l, &t.to_json(), "en").unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, GradeError::Diverged { index: 0, .. }), "{msg}");
    assert!(
        msg.contains("recorded as accepted, but the replay refuses it"),
        "{msg}"
    );
    assert!(msg.contains("signature"), "{msg}");
}

#[test]
fn action_the_world_rejects_recorded_as_accepted_is_refused() {
    let l = lesson("03-transactions");
    let mut t = transcript(&l);
    t.actions
        .push(LessonAction::World(Action::Mine { node: NodeId(9) }));
    let e = grade(&l, &t.to_json(), "en").unwrap_err().to_string();
    assert!(e.contains("there is no node 9"), "{e}");
}

#[test]
fn refusal_recorded_for_an_accepted_action_is_refused() {
    let l = lesson("03-transactions");
    let mut t = transcript(&l);
    t.refused.insert(0, 0);
    let e = grade(&l, &t.to_json(), "en").unwrap_err().to_string();
    assert!(
        e.contains("recorded as refused, but the replay accepts it"),
        "{e}"
    );
}

#[test]
fn edited_blocks_are_not_a_transcript() {
    // A transcript carries actions only; blocks pasted into it are refused
    // by name, not silently ignored.
    let l = lesson("03-transactions");
    let json = transcript(&l).to_json();
    let edited = json.replacen('{', "{\"blocks\": [{\"height\": 1, \"txs\": []}],", 1);
    let e = grade(&l, &edited, "en").unwrap_err().to_string();
    assert!(e.contains("unknown field `blocks`"), "{e}");
}

#[test]
fn wrong_lesson_version_seed_and_format_are_refused() {
    let l = lesson("03-transactions");
    let t = transcript(&l);
    let mut x = t.clone();
    x.lesson = "keys".into();
    assert!(matches!(
        grade(&l, &x.to_json(), "en"),
        Err(GradeError::WrongLesson { .. })
    ));
    let mut x = t.clone();
    x.lesson_version = 99;
    assert!(matches!(
        grade(&l, &x.to_json(), "en"),
        Err(GradeError::WrongVersion { .. })
    ));
    let mut x = t.clone();
    x.seed = 4;
    assert!(matches!(
        grade(&l, &x.to_json(), "en"),
        Err(GradeError::WrongSeed { .. })
    ));
    let mut x = t.clone();
    x.format_version = 2;
    assert!(matches!(
        grade(&l, &x.to_json(), "en"),
        Err(GradeError::FormatVersion { found: 2, .. })
    ));
    let mut x = t;
    x.refused = vec![999];
    assert!(matches!(
        grade(&l, &x.to_json(), "en"),
        Err(GradeError::BadRefusedList(999))
    ));
}

#[test]
fn oversized_and_deeply_nested_transcripts_are_refused() {
    let l = lesson("01-hashing");
    let huge = " ".repeat(lessons::transcript::MAX_TRANSCRIPT_BYTES + 1);
    assert!(matches!(
        grade(&l, &huge, "en"),
        Err(GradeError::TooLarge { .. })
    ));
    let deep = format!(
        "{{\"format_version\":1,\"actions\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = grade(&l, &deep, "en").unwrap_err().to_string();
    assert!(e.contains("recursion limit"), "{e}");
    let mut t = transcript(&l);
    t.actions = vec![
        LessonAction::Tool(lessons::ToolAction::Hash { input: "x".into() });
        lessons::session::MAX_ACTIONS + 1
    ];
    assert!(matches!(
        grade(&l, &t.to_json(), "en"),
        Err(GradeError::TooManyActions { .. })
    ));
}

// ---- no input makes anything panic ----

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn mutate(s: &str, cuts: &[(usize, usize, String)]) -> String {
        let mut b: Vec<char> = s.chars().collect();
        for (at, del, ins) in cuts {
            if b.is_empty() {
                break;
            }
            let at = at % b.len();
            let end = (at + del % 8).min(b.len());
            b.splice(at..end, ins.chars());
        }
        b.into_iter().collect()
    }

    const ALPHABET: &str = "[]{}=\"#\n ,.-_0123456789azAZ{#}`~:";

    fn edits() -> impl Strategy<Value = Vec<(usize, usize, String)>> {
        prop::collection::vec(
            (
                any::<usize>(),
                any::<usize>(),
                prop::collection::vec(
                    prop::sample::select(ALPHABET.chars().collect::<Vec<_>>()),
                    0..6,
                )
                .prop_map(|v| v.into_iter().collect::<String>()),
            ),
            1..6,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Mutated lessons parse or fail with diagnostics; those that still
        /// parse are played by the checker; nothing panics.
        #[test]
        fn mutated_lessons(which in 0usize..4, e1 in edits(), e2 in edits(), target in 0usize..3) {
            let folder = ["01-hashing", "02-keys", "03-transactions", "18-atomic-swap"][which];
            let (mut t, mut e, mut z) = real(folder);
            match target {
                0 => t = mutate(&t, &e1),
                1 => e = mutate(&e, &e1),
                _ => { t = mutate(&t, &e1); z = mutate(&z, &e2); }
            }
            if let Ok(l) = parse(&t, &e, &z) {
                let _ = lessons::check_plays(&l);
            }
        }

        /// Arbitrary text as any file.
        #[test]
        fn arbitrary_text(s in ".{0,400}") {
            let _ = parse(&s, &s, &s);
            let _ = lessons::CourseManifest::parse("course.toml", &s);
            let _ = lessons::markdown::parse(&s);
            let _ = Bundle::from_json(&s);
        }

        /// Mutated transcripts grade or fail with a reason (one chain and
        /// connected chains).
        #[test]
        fn mutated_transcripts(which in 0usize..2, e1 in edits()) {
            let l = lesson(["03-transactions", "18-atomic-swap"][which]);
            let json = transcript(&l).to_json();
            let _ = grade(&l, &mutate(&json, &e1), "en");
        }
    }

    #[test]
    fn deeply_nested_toml_is_refused_not_overflowed() {
        let (t, e, z) = real("01-hashing");
        let deep = format!("{t}\nx = {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
        let errs = parse(&deep, &e, &z).unwrap_err();
        assert!(
            errs[0].message.contains("nest more than 32 deep"),
            "{errs:?}"
        );
        let deep = format!("{t}\nx = {}1{}\n", "{a=".repeat(20_000), "}".repeat(20_000));
        assert!(parse(&deep, &e, &z).is_err());
    }
}

/// Every one-line objective example in docs/lessons.md parses, and every
/// predicate and view has a section or row there.
#[test]
fn docs_examples_parse_and_cover_every_predicate_and_view() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/lessons.md"))
            .unwrap();
    let mut n = 0;
    for line in docs
        .lines()
        .filter(|l| l.starts_with("{ id = ") && l.ends_with('}'))
    {
        let o: lessons::Objective = toml::from_str::<toml::Table>(&format!("o = {line}"))
            .ok()
            .and_then(|t| t.get("o").cloned())
            .map(|v| v.try_into().unwrap_or_else(|e| panic!("{line}: {e}")))
            .unwrap_or_else(|| panic!("{line}: not TOML"));
        assert!(!o.id.is_empty());
        n += 1;
    }
    assert!(n >= 20, "only {n} examples found");
    for p in lessons::predicate::PREDICATE_NAMES {
        assert!(
            docs.contains(&format!("`{p}`")),
            "docs/lessons.md lacks predicate {p}"
        );
    }
    for v in lessons::VIEW_NAMES {
        assert!(
            docs.contains(&format!("| `{v}` |")),
            "docs/lessons.md lacks view {v}"
        );
    }
}

// ---- predicates added for lessons 06 to 11 ----

fn send(amount: u64, fee: u64, nonce: Option<u64>) -> LessonAction {
    LessonAction::World(Action::SendTransaction {
        node: NodeId(0),
        from: "alice".into(),
        to: "bob".into(),
        amount: Amount::new(amount),
        fee: Amount::new(fee),
        memo: String::new(),
        nonce,
    })
}

/// `tx_replaced` must not mistake a refused double spend (same nonce, fee
/// not higher) for a replacement; only the higher fee counts.
#[test]
fn a_refused_double_spend_is_not_a_replacement() {
    let l = lesson("11-mempool");
    let (step, objective) = (1, 0);
    assert_eq!(l.steps[step].objectives[objective].id, "replaced");
    let mut s = Session::start(&l).unwrap();
    s.apply(send(20, 0, None)).unwrap();
    let same_fee = s.apply(send(21, 0, Some(0))).unwrap();
    assert!(same_fee.result.is_err(), "{same_fee:?}");
    assert!(
        s.progress()[step].objectives[objective]
            .done_after
            .is_none()
    );
    let bumped = s.apply(send(20, 3, Some(0))).unwrap();
    assert!(bumped.result.is_ok(), "{bumped:?}");
    assert!(bumped.newly_done.contains(&(step, objective)));
}

#[test]
fn a_block_without_room_for_a_transfer_is_refused() {
    let e = errors_after("11-mempool", |t, _, _| {
        replace(t, "block_txs = 3", "block_txs = 1")
    });
    assert!(
        e.contains("lesson.toml:13:13:") && e.contains("`block_txs` counts the coinbase"),
        "{e}"
    );
}

#[test]
fn block_edited_with_a_check_both_broken_and_intact_is_named() {
    let e = errors_after("06-tamper-evidence", |t, _, _| {
        replace(
            t,
            "block_edited = { breaks = [\"signature\"] }",
            "block_edited = { breaks = [\"signature\"], intact = [\"signature\"] }",
        )
    });
    assert!(e.contains("can never hold"), "{e}");
}

/// A light client's checks are recomputed on replay: a transcript that
/// claims a different txid grades differently, never by what was recorded.
#[test]
fn inclusion_checks_are_graded_by_replay() {
    let l = lesson("07-merkle");
    let mut t = transcript(&l);
    let real = "a30034dac296cf3fe35f3591c1d9bd27aab14eef2361d7f037f8009407df4bf5";
    // Turn the valid check into a second invalid one: the world's digest
    // is unchanged (tools do not touch it), the proof step now fails.
    for a in &mut t.actions {
        if let LessonAction::Tool(lessons::ToolAction::CheckInclusion { txid, .. }) = a
            && txid == real
        {
            *txid = "c".repeat(64);
        }
    }
    let r = grade(&l, &t.to_json(), "en").unwrap();
    assert!(!r.complete());
    assert!(!r.steps[1].complete && r.steps[2].complete, "{r:?}");
}

/// Transcripts exported before connected chains came to lessons (the
/// solutions of lessons 1 to 11, made by that version of the crate and
/// never regenerated) still read and grade full marks: the transcript
/// JSON and what it replays to did not change.
#[test]
fn transcripts_made_before_connected_chains_still_grade() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let json = std::fs::read_to_string(&path).unwrap();
        let t = LessonTranscript::from_json(&json).unwrap();
        let folder = std::fs::read_dir(course_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|f| lessons::course::folder_id(f) == Some(t.lesson.as_str()))
            .unwrap_or_else(|| panic!("no lesson {} for {}", t.lesson, path.display()));
        let r = grade(&lesson(&folder), &json, "en")
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(r.complete(), "{}: {r:?}", path.display());
        n += 1;
    }
    assert_eq!(n, 11);
}

// ---- connected chains ----

/// The session of a connected-chains lesson says which chain the student is
/// on and gives every chain's world; a one-chain lesson has none of that.
#[test]
fn a_connected_session_shows_its_chains() {
    let l = lesson("17-bridge");
    let s = Session::start(&l).unwrap();
    assert_eq!(s.student_chain(), Some(0));
    let islands = s.islands().unwrap();
    assert_eq!(islands.chain_count(), 2);
    assert_eq!(islands.config().chains[1].name, "B");
    assert_eq!(s.world().node_count(), 2, "the student's chain A");
    assert_eq!(s.world_of(Some(1)).unwrap().node_count(), 4);
    assert!(s.world_of(Some(2)).is_none());
    let one = Session::start(&lesson("03-transactions")).unwrap();
    assert!(one.islands().is_none() && one.student_chain().is_none());
    assert!(one.world_of(Some(0)).is_none());
    assert_eq!(one.world_of(None).unwrap().digest(), one.world().digest());
}

#[test]
fn a_connected_transcript_grades_and_partial_credit_counts() {
    let l = lesson("17-bridge");
    let full = transcript(&l).to_json();
    let r = grade(&l, &full, "zh-CN").unwrap();
    assert!(r.complete(), "{r:?}");
    assert_eq!(r.title, "跨链桥：在链与链之间转移币");
    let part = solution_session(&l, 1).transcript().to_json();
    let r = grade(&l, &part, "en").unwrap();
    assert_eq!((r.passed, r.total), (2, 7), "{r:?}");
    // A world action acts on the student's chain; `advance_time` on all.
    assert!(part.contains("\"action\": \"advance_time\""));
}

/// A tampered connected-chains transcript fails with the reason: an `op`
/// action the replay refuses, a changed world action, an `op` action in a
/// lesson with one chain.
#[test]
fn tampered_connected_transcripts_are_refused() {
    let l = lesson("18-atomic-swap");
    let mut t = transcript(&l);
    let i = t
        .actions
        .iter()
        .position(|a| matches!(a, LessonAction::Islands(_)))
        .unwrap();
    if let LessonAction::Islands(IslandsAction::On { chain, .. }) = &mut t.actions[i] {
        *chain = 5;
    }
    let e = grade(&l, &t.to_json(), "en").unwrap_err();
    assert!(matches!(e, GradeError::Diverged { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("on chain 5"), "{msg}");
    assert!(
        msg.contains("recorded as accepted, but the replay refuses it: there is no chain 5"),
        "{msg}"
    );

    // alice locks 5,000 instead of 500: every action still goes through,
    // but the chains end elsewhere.
    let mut t = transcript(&l);
    for a in &mut t.actions {
        if let LessonAction::World(Action::CallContract { value, .. }) = a
            && value.get() == 500
        {
            *value = Amount::new(5_000);
        }
    }
    let e = grade(&l, &t.to_json(), "en").unwrap_err();
    assert!(matches!(e, GradeError::DigestMismatch { .. }), "{e}");

    let one = lesson("03-transactions");
    let mut t = transcript(&one);
    t.actions
        .push(LessonAction::Islands(IslandsAction::StopRelayer {
            relayer: 0,
        }));
    let e = grade(&one, &t.to_json(), "en").unwrap_err().to_string();
    assert!(e.contains("this lesson has one chain"), "{e}");
}

/// `tests/wasm.rs` grades this connected-chains fixture in wasm32; here it
/// must equal what the solution produces natively. After changing lesson
/// `atomic-swap`, regenerate it with
/// `UPDATE_FIXTURES=1 cargo test -p lessons --test it`.
#[test]
fn wasm_islands_fixture_is_the_native_solution_transcript() {
    let l = lesson("18-atomic-swap");
    let json = transcript(&l).to_json();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/atomic-swap.transcript.json");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let fixture = std::fs::read_to_string(&path).unwrap();
    assert_eq!(fixture, json, "regenerate with UPDATE_FIXTURES=1");
    assert!(grade(&l, &fixture, "en").unwrap().complete());
}

/// The line and column of `needle`'s first character in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not found"));
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[test]
fn mistakes_in_a_connected_lesson_are_named_with_their_place() {
    let (t, _, _) = real("17-bridge");
    let (line, _) = position(&t, "{ id = \"minted\", wrapped_balance");
    let e = errors_after("17-bridge", |t, _, _| {
        replace(
            t,
            "{ id = \"minted\", wrapped_balance",
            "{ id = \"minted\", wrapped_balanse",
        );
    });
    assert!(e.starts_with(&format!("lesson.toml:{line}:5:")), "{e}");
    assert!(e.contains("wrapped_balanse"), "{e}");

    let e = errors_after("17-bridge", |t, _, _| {
        replace(
            t,
            "{ id = \"light-client\", on_chain = { chain = 1,",
            "{ id = \"light-client\", on_chain = { chain = 9,",
        );
    });
    assert!(
        e.contains("there is no chain 9: this lesson has chains 0 to 1"),
        "{e}"
    );

    let (line, col) = position(&t, "{ op = \"stop_relayer\", relayer = 0 }");
    let e = errors_after("17-bridge", |t, _, _| {
        replace(
            t,
            "{ op = \"stop_relayer\", relayer = 0 }",
            "{ op = \"stop_relayer\", relayer = 4 }",
        );
    });
    assert!(
        e.contains(&format!("lesson.toml:{line}:{col}: there is no relayer 4")),
        "{e}"
    );

    let e = errors_after("17-bridge", |t, _, _| {
        replace(t, "chain = 0\n", "chain = 3\n");
    });
    assert!(
        e.contains("the student's chain is 3 but there are chains 0 to 1"),
        "{e}"
    );

    let e = errors_after("17-bridge", |t, _, _| {
        replace(
            t,
            "{ view = \"events\", chain = 1,",
            "{ view = \"events\", chain = 2,",
        );
    });
    assert!(e.contains("view `events`: there is no chain 2"), "{e}");

    let e = errors_after("17-bridge", |t, _, _| {
        replace(t, "name = \"B\"", "name = \"A\"");
    });
    assert!(e.contains("two chains are named \"A\""), "{e}");

    // An `op` action in a lesson with one chain is named where it stands.
    let e = errors_after("03-transactions", |t, _, _| {
        replace(
            t,
            "{ action = \"mine\", node = 0 }",
            "{ op = \"stop_relayer\", relayer = 0 }",
        );
    });
    assert!(e.contains("`op` actions address connected chains"), "{e}");
    // So are connected-chain predicates.
    let e = errors_after("03-transactions", |t, _, _| {
        replace(
            t,
            "mempool = { at_least = 1 }",
            "relayer = { relayer = 0, online = true }",
        );
    });
    assert!(e.contains("`relayer` is about connected chains"), "{e}");
}

/// A lesson can start from the end of a named connected-chains scenario.
#[test]
fn a_lesson_can_start_from_an_islands_scenario() {
    let (t, e, z) = real("17-bridge");
    // The chains and relayer go; the scenario's take their place.
    let start = t.find("[[world.chains]]").unwrap();
    let end = t.find("[[steps]]").unwrap();
    let t2 = format!("{}{}", &t[..start], &t[end..]).replacen(
        "chain = 0\n",
        "chain = 0\nislands = \"bridge-transfer\"\n",
        1,
    );
    let l = parse(&t2, &e, &z).unwrap_or_else(|d| panic!("{d:?}"));
    let s = Session::start(&l).unwrap();
    // The scenario already minted 100 for alice on B.
    let i = s.islands().unwrap();
    let alice = Keypair::from_name("alice").address();
    assert_eq!(i.wrapped_balance(1, NodeId(0), 0, &alice), 100);
    let bad = t2.replace(
        "islands = \"bridge-transfer\"",
        "islands = \"bridge-transfr\"",
    );
    let d = parse(&bad, &e, &z).unwrap_err();
    assert!(
        d.iter().any(|d| d
            .message
            .contains("unknown connected-chains scenario \"bridge-transfr\"")),
        "{d:?}"
    );
}
