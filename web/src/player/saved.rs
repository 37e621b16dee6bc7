//! A lesson's work as it is stored, exported and imported: its transcript
//! (exactly what `grader lesson` grades), the help asked for, and a
//! summary for the lesson list. Replaying a stored or imported transcript
//! rebuilds the [`Session`] and checks the record as the grader does
//! (lesson, version, seed, refusals, final digest).

use std::collections::BTreeMap;

use lessons::{Bundle, GradeError, Lesson, LessonTranscript, Session, replay};
use serde::{Deserialize, Serialize};

use super::help::{StepHelp, for_steps};

/// The most bytes of a transcript file the import reads (the grader's
/// limit).
pub const MAX_IMPORT_BYTES: usize = lessons::transcript::MAX_TRANSCRIPT_BYTES;

/// One lesson's stored work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedLesson {
    /// The student's actions, refusals and final digest.
    pub transcript: LessonTranscript,
    /// Hints and solution asks, per step.
    #[serde(default)]
    pub help: Vec<StepHelp>,
    /// Steps and objectives done, for the lesson list.
    #[serde(default)]
    pub summary: Summary,
}

/// Counts for the lesson list (kept beside the transcript so the list does
/// not replay every lesson).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Steps whose objectives are all done.
    pub steps_done: u32,
    /// Steps in the lesson.
    pub steps_total: u32,
    /// Objectives done.
    pub objectives_done: u32,
    /// Objectives in the lesson.
    pub objectives_total: u32,
}

impl Summary {
    /// The counts of a session.
    pub fn of(session: &Session) -> Summary {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let progress = session.progress();
        Summary {
            steps_done: count(progress.iter().filter(|s| s.complete()).count()),
            steps_total: count(progress.len()),
            objectives_done: count(
                progress
                    .iter()
                    .flat_map(|s| &s.objectives)
                    .filter(|o| o.done_after.is_some())
                    .count(),
            ),
            objectives_total: count(progress.iter().map(|s| s.objectives.len()).sum()),
        }
    }
}

/// Where a student is in a lesson, for the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No action yet (or the work was for another version of the lesson).
    NotStarted,
    /// `done` of `total` steps complete.
    InProgress {
        /// Steps complete.
        done: u32,
        /// Steps in the lesson.
        total: u32,
    },
    /// Every step complete.
    Done,
}

impl SavedLesson {
    /// What to store for a session and the help asked for.
    pub fn of(session: &Session, help: &[StepHelp]) -> SavedLesson {
        SavedLesson {
            transcript: session.transcript(),
            help: help.to_vec(),
            summary: Summary::of(session),
        }
    }

    /// Where the student is in `lesson` (work for another version of the
    /// lesson counts as not started: it will not replay).
    pub fn status(&self, lesson: &Lesson) -> Status {
        if self.transcript.lesson != lesson.id || self.transcript.lesson_version != lesson.version {
            return Status::NotStarted;
        }
        let s = self.summary;
        if s.steps_total > 0 && s.steps_done >= s.steps_total {
            Status::Done
        } else if self.transcript.actions.is_empty() && s.objectives_done == 0 {
            Status::NotStarted
        } else {
            Status::InProgress {
                done: s.steps_done,
                total: s.steps_total,
            }
        }
    }
}

/// The status of `lesson` given what is stored.
pub fn status(lesson: &Lesson, saved: Option<&SavedLesson>) -> Status {
    saved.map_or(Status::NotStarted, |s| s.status(lesson))
}

/// Why stored work could not be resumed (the lesson then starts afresh and
/// the old work is kept aside).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResumeProblem {
    /// The work was made on another version of the lesson.
    OtherVersion {
        /// The stored work's version.
        saved: u32,
        /// The course's.
        current: u32,
    },
    /// The stored work does not replay.
    Replay(String),
}

/// A lesson ready to play: the session, the help, and what went wrong with
/// the stored work, if anything.
#[derive(Debug)]
pub struct Resumed {
    /// The session.
    pub session: Session,
    /// Help per step.
    pub help: Vec<StepHelp>,
    /// Set when stored work was dropped.
    pub problem: Option<ResumeProblem>,
}

/// Starts `lesson` from the stored work, or afresh. `Err` only if the
/// lesson's world cannot be built at all (a course bug), in words.
pub fn resume(lesson: &Lesson, saved: Option<&SavedLesson>) -> Result<Resumed, String> {
    let steps = lesson.steps.len();
    let fresh = |problem| -> Result<Resumed, String> {
        Ok(Resumed {
            session: Session::start(lesson)?,
            help: for_steps(&[], steps),
            problem,
        })
    };
    let Some(saved) = saved else {
        return fresh(None);
    };
    if saved.transcript.lesson_version != lesson.version {
        return fresh(Some(ResumeProblem::OtherVersion {
            saved: saved.transcript.lesson_version,
            current: lesson.version,
        }));
    }
    match replay(lesson, &saved.transcript) {
        Ok(session) => Ok(Resumed {
            session,
            help: for_steps(&saved.help, steps),
            problem: None,
        }),
        Err(GradeError::Start(e)) => Err(e),
        Err(e) => fresh(Some(ResumeProblem::Replay(e.to_string()))),
    }
}

/// Why a transcript file was not imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Too large to read.
    #[error("the file has {len} bytes; a transcript has at most {max}")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not text.
    #[error("the file is not UTF-8 text, so it is not a transcript exported by ChainLab")]
    NotText,
    /// Not a transcript, or one that does not replay.
    #[error("{0}")]
    Transcript(GradeError),
}

/// Reads and checks a transcript file for `lesson`: its JSON, then a
/// replay with every check the grader makes. On success the session holds
/// exactly the transcript's actions.
pub fn import(lesson: &Lesson, bytes: &[u8]) -> Result<Session, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge {
            len: bytes.len(),
            max: MAX_IMPORT_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotText)?;
    let transcript = LessonTranscript::from_json(text).map_err(ImportError::Transcript)?;
    replay(lesson, &transcript).map_err(ImportError::Transcript)
}

/// The transcript file of a session: what `grader lesson` reads.
pub fn transcript_file(session: &Session) -> String {
    session.transcript().to_json()
}

/// The file name of a lesson's transcript: `<lesson id>.json`, the name
/// the grader looks for in a student's folder.
pub fn transcript_file_name(lesson_id: &str) -> String {
    format!("{lesson_id}.json")
}

/// The file name of the progress export.
pub const PROGRESS_FILE_NAME: &str = "chainlab-progress.json";

/// The progress export: every lesson of the course with its status and,
/// where there is work, its transcript (each one gradable on its own).
pub fn progress_file(
    bundle: &Bundle,
    saved: &BTreeMap<String, SavedLesson>,
    locale: &str,
) -> String {
    let lessons: Vec<serde_json::Value> = bundle
        .lessons
        .iter()
        .map(|lesson| {
            let s = saved.get(&lesson.id);
            let (status, done, total) = match status(lesson, s) {
                Status::NotStarted => ("not_started", 0, lesson.steps.len() as u32),
                Status::InProgress { done, total } => ("in_progress", done, total),
                Status::Done => ("done", lesson.steps.len() as u32, lesson.steps.len() as u32),
            };
            serde_json::json!({
                "id": lesson.id,
                "title": lesson.text(locale).map(|t| t.title.clone()).unwrap_or_default(),
                "version": lesson.version,
                "status": status,
                "steps_done": done,
                "steps_total": total,
                "transcript": s.filter(|s| s.transcript.lesson_version == lesson.version).map(|s| &s.transcript),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "format": "chainlab-progress",
        "format_version": 1,
        "course": bundle.title.get(locale).or_else(|| bundle.title.values().next()),
        "lessons": lessons,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Reads the stored `lessons` part of the document: each lesson on its
/// own, so one unreadable entry loses only itself. Returns the lessons and
/// the ids that could not be read.
pub fn load_all(value: &serde_json::Value) -> (BTreeMap<String, SavedLesson>, Vec<String>) {
    let mut out = BTreeMap::new();
    let mut bad = Vec::new();
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) => {
            for (id, entry) in map {
                match serde_json::from_value::<SavedLesson>(entry.clone()) {
                    Ok(s) if s.transcript.lesson == *id => {
                        out.insert(id.clone(), s);
                    }
                    _ => bad.push(id.clone()),
                }
            }
        }
        _ => bad.push(String::from("*")),
    }
    (out, bad)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lessons::{LessonAction, LessonSource, ToolAction};

    /// A small lesson for tests (data, as an instructor writes it).
    pub(crate) const TOML: &str = r#"
format_version = 1
id = "fixture"
version = 2
minutes = 5

[world]
seed = 7
difficulty = 8
funds = { alice = 100 }
nodes = [{ name = "my-node", keys = ["alice"] }, { name = "other" }]

[[steps]]
id = "hash-it"
views = [{ view = "hash", input = "hi" }]
hints = ["h1", "h2"]
objectives = [{ id = "hashed", hashed = {} }]
solution = [{ action = "hash", input = "hi" }]

[[steps]]
id = "mine-it"
views = [{ view = "block" }, { view = "wallet" }]
hints = ["h3"]
objectives = [{ id = "mined", mined = {} }]
solution = [{ action = "mine", node = 0 }]
"#;

    /// Its English text.
    pub(crate) const EN: &str = "# Fixture\n\nIntro with **bold**.\n\n## Hash it {#hash-it}\n\nPress Hash.\n\n### Hashed something {#hashed}\n\n### Hint {#h1}\n\nFirst hint.\n\n### Hint {#h2}\n\nSecond hint.\n\n## Mine it {#mine-it}\n\nPress Mine.\n\n### Mined a block {#mined}\n\n### Hint {#h3}\n\nThe button.\n";

    /// Its Chinese text.
    pub(crate) const ZH: &str = "# 测试\n\n介绍。\n\n## 哈希 {#hash-it}\n\n按哈希。\n\n### 算过哈希 {#hashed}\n\n### 提示 {#h1}\n\n第一个提示。\n\n### 提示 {#h2}\n\n第二个提示。\n\n## 挖矿 {#mine-it}\n\n按挖矿。\n\n### 挖到一个区块 {#mined}\n\n### 提示 {#h3}\n\n按钮。\n";

    pub(crate) fn lesson() -> Lesson {
        Lesson::parse(&LessonSource {
            toml_name: "fixture/lesson.toml".into(),
            toml: TOML,
            locales: vec![
                ("en".into(), "fixture/en.md".into(), Some(EN)),
                ("zh-CN".into(), "fixture/zh-CN.md".into(), Some(ZH)),
            ],
        })
        .unwrap()
    }

    fn hash(input: &str) -> LessonAction {
        LessonAction::Tool(ToolAction::Hash {
            input: input.into(),
        })
    }

    fn played() -> Session {
        let lesson = lesson();
        let mut s = Session::start(&lesson).unwrap();
        s.apply(hash("hi")).unwrap();
        // A refused action is recorded too.
        let refused = s
            .apply(LessonAction::World(sandbox_chain::world::Action::Mine {
                node: sandbox_chain::world::NodeId(9),
            }))
            .unwrap();
        assert!(refused.result.is_err());
        s
    }

    #[test]
    fn stored_work_replays_to_the_same_session() {
        let lesson = lesson();
        let s = played();
        let saved = SavedLesson::of(&s, &[StepHelp { hints: 1, asks: 0 }]);
        assert_eq!(
            saved.summary,
            Summary {
                steps_done: 1,
                steps_total: 2,
                objectives_done: 1,
                objectives_total: 2
            }
        );
        assert_eq!(
            saved.status(&lesson),
            Status::InProgress { done: 1, total: 2 }
        );
        let json = serde_json::to_value(&saved).unwrap();
        let back: SavedLesson = serde_json::from_value(json).unwrap();
        let resumed = resume(&lesson, Some(&back)).unwrap();
        assert_eq!(resumed.problem, None);
        assert_eq!(resumed.session.transcript(), s.transcript());
        assert_eq!(resumed.session.progress(), s.progress());
        assert_eq!(resumed.help.len(), 2);
        assert_eq!(resumed.help[0].hints, 1);
    }

    #[test]
    fn statuses() {
        let lesson = lesson();
        assert_eq!(status(&lesson, None), Status::NotStarted);
        let fresh = Session::start(&lesson).unwrap();
        assert_eq!(
            SavedLesson::of(&fresh, &[]).status(&lesson),
            Status::NotStarted
        );
        let mut s = played();
        s.apply(LessonAction::World(sandbox_chain::world::Action::Mine {
            node: sandbox_chain::world::NodeId(0),
        }))
        .unwrap();
        assert_eq!(SavedLesson::of(&s, &[]).status(&lesson), Status::Done);
        let mut old = SavedLesson::of(&s, &[]);
        old.transcript.lesson_version = 1;
        assert_eq!(old.status(&lesson), Status::NotStarted);
    }

    /// Guards "never a blank page": stored work that no longer replays
    /// starts the lesson afresh, with the reason.
    #[test]
    fn tampered_or_outdated_work_starts_afresh_with_the_reason() {
        let lesson = lesson();
        let mut saved = SavedLesson::of(&played(), &[]);
        saved.transcript.refused.clear();
        let resumed = resume(&lesson, Some(&saved)).unwrap();
        assert!(resumed.session.log().is_empty());
        let Some(ResumeProblem::Replay(reason)) = resumed.problem else {
            panic!("no problem reported")
        };
        assert!(reason.contains("action 1 (mine)"), "{reason}");

        let mut saved = SavedLesson::of(&played(), &[]);
        saved.transcript.lesson_version = 1;
        let resumed = resume(&lesson, Some(&saved)).unwrap();
        assert_eq!(
            resumed.problem,
            Some(ResumeProblem::OtherVersion {
                saved: 1,
                current: 2
            })
        );
    }

    #[test]
    fn an_exported_transcript_imports_back_and_grades() {
        let lesson = lesson();
        let s = played();
        let file = transcript_file(&s);
        let imported = import(&lesson, file.as_bytes()).unwrap();
        assert_eq!(imported.transcript(), s.transcript());
        let report = lessons::grade(&lesson, &file, "en").unwrap();
        assert_eq!((report.passed, report.total, report.refused), (1, 2, 1));
        assert_eq!(transcript_file_name(&lesson.id), "fixture.json");
    }

    /// Guards the import's promise: a bad file gets a message naming what
    /// is wrong (and, being refused, changes nothing).
    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let lesson = lesson();
        let good = transcript_file(&played());
        let edit = |json: &str, f: fn(&mut serde_json::Value)| {
            let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
            f(&mut v);
            v.to_string().into_bytes()
        };
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"\xff\xfe".to_vec(), "not UTF-8"),
            (b"{ not json".to_vec(), "not a lesson transcript"),
            (b"[]".to_vec(), "not a lesson transcript"),
            (
                good.replace("\"format_version\": 1", "\"format_version\": 9")
                    .into_bytes(),
                "format_version 9",
            ),
            (
                good.replace("\"lesson\": \"fixture\"", "\"lesson\": \"other\"")
                    .into_bytes(),
                "for lesson \"other\"",
            ),
            (
                good.replace("\"seed\": 7", "\"seed\": 8").into_bytes(),
                "seed 8",
            ),
            (
                edit(&good, |v| v["digest"] = serde_json::json!("00".repeat(32))),
                "digest",
            ),
            (
                good.replace("\"refused\": [\n    1\n  ]", "\"refused\": []")
                    .into_bytes(),
                "action 1 (mine)",
            ),
            (vec![b' '; MAX_IMPORT_BYTES + 1], "at most"),
        ];
        for (bytes, needle) in cases {
            let e = import(&lesson, &bytes).unwrap_err().to_string();
            assert!(e.contains(needle), "expected {needle:?} in {e:?}");
        }
    }

    #[test]
    fn one_unreadable_lesson_entry_loses_only_itself() {
        let good = serde_json::to_value(SavedLesson::of(&played(), &[])).unwrap();
        let doc = serde_json::json!({ "fixture": good, "broken": { "transcript": 5 }, "mislabelled": good });
        let (loaded, bad) = load_all(&doc);
        assert_eq!(loaded.keys().collect::<Vec<_>>(), ["fixture"]);
        assert_eq!(bad, ["broken", "mislabelled"]);
        assert_eq!(load_all(&serde_json::json!(3)).1, ["*"]);
        assert!(load_all(&serde_json::Value::Null).1.is_empty());
    }

    #[test]
    fn the_progress_file_lists_every_lesson_with_gradable_transcripts() {
        let lesson = lesson();
        let manifest = lessons::CourseManifest::parse(
            "course.toml",
            "format_version = 1\nlocales = [\"en\", \"zh-CN\"]\nlessons = [\"01-fixture\"]\n[title]\nen = \"C\"\n\"zh-CN\" = \"课\"\n",
        )
        .unwrap();
        let bundle = Bundle::new(&manifest, vec![lesson.clone()]);
        let mut saved = BTreeMap::new();
        saved.insert("fixture".to_owned(), SavedLesson::of(&played(), &[]));
        let file = progress_file(&bundle, &saved, "zh-CN");
        let doc: serde_json::Value = serde_json::from_str(&file).unwrap();
        assert_eq!(doc["course"], "课");
        assert_eq!(doc["lessons"][0]["status"], "in_progress");
        assert_eq!(doc["lessons"][0]["title"], "测试");
        let t = serde_json::to_string(&doc["lessons"][0]["transcript"]).unwrap();
        assert_eq!(lessons::grade(&lesson, &t, "en").unwrap().passed, 1);
    }
}
