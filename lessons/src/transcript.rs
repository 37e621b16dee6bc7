//! The transcript a student exports from the web app, and grading it.
//!
//! A transcript is a claim: "on version 3 of lesson `transactions`, with
//! seed 7, I did these actions; these ones were refused; the world ended
//! with this digest". Grading never trusts it: it rebuilds the lesson's
//! world, replays every action, checks the claim (refusals and digest)
//! and evaluates the objectives itself. The only way to pass is to give
//! actions that really achieve the objectives.

use std::collections::BTreeSet;

use sandbox_chain::world::WorldDigest;
use serde::{Deserialize, Serialize};

use crate::action::LessonAction;
use crate::lesson::Lesson;
use crate::session::{MAX_ACTIONS, Session, SessionError};

/// The transcript format this crate writes and reads.
pub const LESSON_TRANSCRIPT_FORMAT_VERSION: u32 = 1;

/// The largest transcript read, in bytes.
pub const MAX_TRANSCRIPT_BYTES: usize = 4 * 1024 * 1024;

/// A student's record of a lesson. JSON:
///
/// ```json
/// { "format_version": 1, "lesson": "transactions", "lesson_version": 1,
///   "seed": 3, "actions": [{ "action": "mine", "node": 0 }],
///   "refused": [], "digest": "<64 hex digits>" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonTranscript {
    /// Always [`LESSON_TRANSCRIPT_FORMAT_VERSION`].
    pub format_version: u32,
    /// The lesson's id.
    pub lesson: String,
    /// The lesson's version it was made on.
    pub lesson_version: u32,
    /// The world's seed (the lesson's).
    pub seed: u64,
    /// Every action, accepted or refused, in order.
    pub actions: Vec<LessonAction>,
    /// Positions (from 0) of the refused actions.
    pub refused: Vec<usize>,
    /// The world's digest after the last action.
    pub digest: WorldDigest,
}

impl LessonTranscript {
    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // Strings, numbers, lists and string-keyed maps: always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a transcript: bounded size, nesting bounded by serde_json,
    /// unknown fields refused, format version checked first.
    pub fn from_json(json: &str) -> Result<LessonTranscript, GradeError> {
        if json.len() > MAX_TRANSCRIPT_BYTES {
            return Err(GradeError::TooLarge {
                len: json.len(),
                max: MAX_TRANSCRIPT_BYTES,
            });
        }
        #[derive(Deserialize)]
        struct Probe {
            format_version: u32,
        }
        let probe: Probe = serde_json::from_str(json).map_err(json_error)?;
        if probe.format_version != LESSON_TRANSCRIPT_FORMAT_VERSION {
            return Err(GradeError::FormatVersion {
                found: probe.format_version,
                supported: LESSON_TRANSCRIPT_FORMAT_VERSION,
            });
        }
        serde_json::from_str(json).map_err(json_error)
    }
}

fn json_error(e: serde_json::Error) -> GradeError {
    GradeError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Why a transcript could not be graded. Each says what was wrong in
/// words an instructor can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    /// Too big to read.
    #[error("the transcript has {len} bytes, more than the limit of {max}")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not JSON, or not a transcript.
    #[error("not a lesson transcript: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde expected.
        message: String,
    },
    /// Another format version.
    #[error(
        "transcript format_version {found} is not supported (this grader reads version {supported})"
    )]
    FormatVersion {
        /// In the file.
        found: u32,
        /// Understood.
        supported: u32,
    },
    /// For another lesson.
    #[error("the transcript is for lesson \"{found}\", not \"{expected}\"")]
    WrongLesson {
        /// The lesson graded.
        expected: String,
        /// The transcript's.
        found: String,
    },
    /// For another version of the lesson.
    #[error(
        "the transcript was made on version {found} of lesson \"{lesson}\"; the course has version {expected}"
    )]
    WrongVersion {
        /// The lesson.
        lesson: String,
        /// The course's version.
        expected: u32,
        /// The transcript's.
        found: u32,
    },
    /// Another seed than the lesson's.
    #[error("the transcript's seed {found} is not the lesson's seed {expected}")]
    WrongSeed {
        /// The lesson's.
        expected: u64,
        /// The transcript's.
        found: u64,
    },
    /// Too many actions.
    #[error("the transcript has {found} actions; a lesson takes at most {max}")]
    TooManyActions {
        /// Found.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// The `refused` list names an action that does not exist, or twice.
    #[error("`refused` lists action {0}, which is not in the transcript or is listed twice")]
    BadRefusedList(usize),
    /// The replay disagrees with the record about an action.
    #[error(
        "action {index} ({action}): {what}; the transcript was edited or made by another version"
    )]
    Diverged {
        /// Position, from 0.
        index: usize,
        /// Its name.
        action: String,
        /// What differs.
        what: String,
    },
    /// The replay ends elsewhere than recorded.
    #[error(
        "the replay ends with world digest {replayed} but the transcript records {recorded}: the transcript was edited or made by another version"
    )]
    DigestMismatch {
        /// Recorded.
        recorded: WorldDigest,
        /// Replayed.
        replayed: WorldDigest,
    },
    /// The lesson's world could not be built (a course bug).
    #[error("the lesson's world cannot be built: {0}")]
    Start(String),
    /// The replay went over a limit.
    #[error("the replay stopped at action {index}: {error}")]
    Limit {
        /// Position, from 0.
        index: usize,
        /// Which limit.
        error: SessionError,
    },
}

/// One objective's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveResult {
    /// Its id.
    pub id: String,
    /// Its label in the report's locale.
    pub label: String,
    /// Whether it was achieved.
    pub passed: bool,
    /// After how many actions it first held.
    pub done_after: Option<usize>,
}

/// One step's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResult {
    /// Its id.
    pub id: String,
    /// Its title in the report's locale.
    pub title: String,
    /// Whether every objective passed.
    pub complete: bool,
    /// Each objective.
    pub objectives: Vec<ObjectiveResult>,
}

/// A graded lesson: plain data for the grader's report formats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeReport {
    /// The lesson's id.
    pub lesson: String,
    /// Its version.
    pub lesson_version: u32,
    /// The locale of titles and labels.
    pub locale: String,
    /// The lesson's title.
    pub title: String,
    /// Each step, in order.
    pub steps: Vec<StepResult>,
    /// Objectives achieved.
    pub passed: usize,
    /// Objectives in the lesson.
    pub total: usize,
    /// Actions in the transcript.
    pub actions: usize,
    /// Of which refused by the world or a tool.
    pub refused: usize,
}

impl GradeReport {
    /// Whether every objective passed.
    pub fn complete(&self) -> bool {
        self.passed == self.total
    }
}

impl Session {
    /// The current progress as a report (the web app can show the same
    /// report the grader writes).
    pub fn report(&self, lesson: &Lesson, locale: &str) -> GradeReport {
        let text = lesson.text(locale);
        let steps: Vec<StepResult> = self
            .progress()
            .iter()
            .map(|sp| {
                let st = text.and_then(|t| t.steps.get(&sp.id));
                StepResult {
                    id: sp.id.clone(),
                    title: st.map_or_else(|| sp.id.clone(), |s| s.title.clone()),
                    complete: sp.complete(),
                    objectives: sp
                        .objectives
                        .iter()
                        .map(|o| ObjectiveResult {
                            id: o.id.clone(),
                            label: st
                                .and_then(|s| s.objectives.get(&o.id))
                                .map_or_else(|| o.id.clone(), |s| s.title.clone()),
                            passed: o.done_after.is_some(),
                            done_after: o.done_after,
                        })
                        .collect(),
                }
            })
            .collect();
        let total = steps.iter().map(|s| s.objectives.len()).sum();
        let passed = steps
            .iter()
            .flat_map(|s| &s.objectives)
            .filter(|o| o.passed)
            .count();
        GradeReport {
            lesson: lesson.id.clone(),
            lesson_version: lesson.version,
            locale: locale.to_owned(),
            title: text.map_or_else(|| lesson.id.clone(), |t| t.title.clone()),
            steps,
            passed,
            total,
            actions: self.log().len(),
            refused: self.log().iter().filter(|e| e.refused.is_some()).count(),
        }
    }
}

/// Grades a transcript in JSON against a lesson. See [`grade_transcript`].
pub fn grade(lesson: &Lesson, json: &str, locale: &str) -> Result<GradeReport, GradeError> {
    grade_transcript(lesson, &LessonTranscript::from_json(json)?, locale)
}

/// Replays a transcript on the lesson's world, checks that every action
/// was accepted or refused as recorded and that the world ends with the
/// recorded digest, and reports the objectives (labels in `locale`).
pub fn grade_transcript(
    lesson: &Lesson,
    t: &LessonTranscript,
    locale: &str,
) -> Result<GradeReport, GradeError> {
    Ok(replay(lesson, t)?.report(lesson, locale))
}

/// Replays a transcript on a fresh session of `lesson`, checking it as
/// the grader does: the lesson, its version and seed, the action limit,
/// each action accepted or refused as recorded, and the final digest. The
/// grader reports on the session; the web app resumes stored work from it.
pub fn replay(lesson: &Lesson, t: &LessonTranscript) -> Result<Session, GradeError> {
    if t.lesson != lesson.id {
        return Err(GradeError::WrongLesson {
            expected: lesson.id.clone(),
            found: t.lesson.clone(),
        });
    }
    if t.lesson_version != lesson.version {
        return Err(GradeError::WrongVersion {
            lesson: lesson.id.clone(),
            expected: lesson.version,
            found: t.lesson_version,
        });
    }
    if t.seed != lesson.start.seed {
        return Err(GradeError::WrongSeed {
            expected: lesson.start.seed,
            found: t.seed,
        });
    }
    if t.actions.len() > MAX_ACTIONS {
        return Err(GradeError::TooManyActions {
            found: t.actions.len(),
            max: MAX_ACTIONS,
        });
    }
    let mut refused = BTreeSet::new();
    for &i in &t.refused {
        if i >= t.actions.len() || !refused.insert(i) {
            return Err(GradeError::BadRefusedList(i));
        }
    }
    let mut session = Session::start(lesson).map_err(GradeError::Start)?;
    for (index, action) in t.actions.iter().enumerate() {
        let applied = session
            .apply(action.clone())
            .map_err(|error| GradeError::Limit { index, error })?;
        match (&applied.result, refused.contains(&index)) {
            (Ok(_), true) => {
                return Err(GradeError::Diverged {
                    index,
                    action: action.name(),
                    what: "recorded as refused, but the replay accepts it".to_owned(),
                });
            }
            (Err(reason), false) => {
                return Err(GradeError::Diverged {
                    index,
                    action: action.name(),
                    what: format!("recorded as accepted, but the replay refuses it: {reason}"),
                });
            }
            _ => {}
        }
    }
    let replayed = session.digest();
    if replayed != t.digest {
        return Err(GradeError::DigestMismatch {
            recorded: t.digest,
            replayed,
        });
    }
    Ok(session)
}
