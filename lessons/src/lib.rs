//! ChainLab lessons: the lesson format, its objectives, playing a lesson
//! live, grading an exported transcript, checking the course and building
//! the bundle the web app fetches.
//!
//! Content is data: the course is `course/` (see `docs/lessons.md`), and no
//! code here names a lesson. Everything but [`fs`] is pure (parsing from
//! strings, evaluating over a [`World`](sandbox_chain::world::World), or
//! over connected chains, [`Islands`](sandbox_chain::world::islands::Islands)),
//! so the web app runs the very same code in wasm32.
//!
//! - The web app: [`Bundle::from_json`], [`Session::start`],
//!   [`Session::apply`], [`Session::progress`], [`Session::transcript`];
//!   it draws [`Session::world`] (the student's chain) and, on connected
//!   chains, [`Session::islands`] and [`Session::world_of`].
//! - The grader: [`grade`] (or [`grade_transcript`]) gives a
//!   [`GradeReport`] or a [`GradeError`].
//! - The checker: `cargo run -p lessons -- check [PATH]` (see [`fs`]).

pub mod action;
pub mod course;
#[cfg(not(target_arch = "wasm32"))]
pub mod fs;
pub mod lesson;
pub mod markdown;
pub mod predicate;
pub mod session;
pub mod transcript;
pub mod view;
pub mod worlds;

pub use action::{LessonAction, ToolAction, ToolOutput};
pub use course::{Bundle, BundleError, CourseManifest, check_plays};
pub use lesson::{Diagnostic, Lesson, LessonSource, Objective, Step};
pub use predicate::{Facts, LogEntry, Predicate, RejectReason};
pub use session::{Applied, Done, Session, SessionError, StepProgress};
pub use transcript::{
    GradeError, GradeReport, LessonTranscript, ObjectiveResult, StepResult, grade,
    grade_transcript, replay,
};
pub use view::{VIEW_NAMES, View};
pub use worlds::LessonWorld;
