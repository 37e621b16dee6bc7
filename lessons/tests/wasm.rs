//! Tests that run inside wasm32 (Node.js, via wasm-bindgen-test): lessons
//! on one chain and on connected chains grade the same as natively.
//!
//! `cargo xtask test` runs this file with
//! `cargo test -p lessons --target wasm32-unknown-unknown --test wasm`.
//! Natively it compiles to nothing; `tests/it.rs` keeps the fixture in step
//! with the course.
#![cfg(target_arch = "wasm32")]

use lessons::{Lesson, LessonSource, grade};
use wasm_bindgen_test::wasm_bindgen_test;

/// The transcript of lesson `transactions`' solution, made natively (with
/// the world's digest in it), grades full marks in wasm32: parsing,
/// replay, objectives and the digest are the same on both.
#[wasm_bindgen_test]
fn native_transcript_grades_the_same_in_wasm() {
    let lesson = Lesson::parse(&LessonSource {
        toml_name: "lesson.toml".into(),
        toml: include_str!("../course/03-transactions/lesson.toml"),
        locales: vec![
            (
                "en".into(),
                "en.md".into(),
                Some(include_str!("../course/03-transactions/en.md")),
            ),
            (
                "zh-CN".into(),
                "zh-CN.md".into(),
                Some(include_str!("../course/03-transactions/zh-CN.md")),
            ),
        ],
    })
    .unwrap();
    let report = grade(
        &lesson,
        include_str!("data/transactions.transcript.json"),
        "en",
    )
    .unwrap();
    assert!(report.complete(), "{report:?}");
}

/// The same for connected chains: the transcript of lesson `atomic-swap`'s
/// solution (two chains, an HTLC on each, `op` actions), made natively,
/// grades full marks in wasm32, with the connected chains' digest equal.
#[wasm_bindgen_test]
fn native_islands_transcript_grades_the_same_in_wasm() {
    let lesson = Lesson::parse(&LessonSource {
        toml_name: "lesson.toml".into(),
        toml: include_str!("../course/18-atomic-swap/lesson.toml"),
        locales: vec![
            (
                "en".into(),
                "en.md".into(),
                Some(include_str!("../course/18-atomic-swap/en.md")),
            ),
            (
                "zh-CN".into(),
                "zh-CN.md".into(),
                Some(include_str!("../course/18-atomic-swap/zh-CN.md")),
            ),
        ],
    })
    .unwrap();
    let report = grade(
        &lesson,
        include_str!("data/atomic-swap.transcript.json"),
        "en",
    )
    .unwrap();
    assert!(report.complete(), "{report:?}");
    assert_eq!(report.total, 6);
}
