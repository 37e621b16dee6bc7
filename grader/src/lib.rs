//! ChainLab's grader: safe, differential auto-grading of Rust exercises.
//!
//! The course is data (`exercises/`); the engine is generic. A submission is
//! compiled with a grader-owned harness in a sandbox, run on inputs generated
//! from a secret seed, and judged by comparing its answers with a reference
//! operation in this (trusted) process. Lesson transcripts from the web app
//! are graded here too ([`transcript`]), in the same report formats. See
//! `ARCHITECTURE.md`.

pub mod batch;
pub mod cli;
pub mod compile;
pub mod course_check;
pub mod grade;
pub mod jail;
pub mod manifest;
pub mod ops;
pub mod report;
pub mod rng;
pub mod sandbox;
pub mod student;
pub mod transcript;
