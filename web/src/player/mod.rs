//! The lesson player's logic, as plain types tested natively: the course
//! bundle's state, lesson texts in the student's language, hints and
//! solutions ([`help`]), stored work and transcripts ([`saved`]), the
//! lesson views' forms ([`forms`]) and what they show of the world
//! ([`world`]), the feedback after each action ([`feedback`]), the
//! Markdown of the prose ([`markdown`]) and the routes and book links
//! ([`links`]). The components in `views::lesson_list` and `views::player`
//! only draw these and send actions through `play::PlayWrite`.

pub mod feedback;
pub mod forms;
pub mod help;
pub mod links;
pub mod markdown;
pub mod saved;
pub mod world;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod course_tests;

use std::sync::Arc;

use lessons::{Bundle, Lesson, LessonAction, Session};

use crate::i18n::Lang;

/// The course bundle as the app knows it.
#[derive(Clone, Debug)]
pub enum Course {
    /// Being fetched.
    Loading,
    /// Fetched and read.
    Ready(Arc<Bundle>),
    /// Could not be fetched or read: why, in words.
    Failed(String),
}

impl Course {
    /// The bundle, if ready.
    pub fn bundle(&self) -> Option<&Arc<Bundle>> {
        match self {
            Course::Ready(b) => Some(b),
            _ => None,
        }
    }

    /// Reads a fetched bundle.
    pub fn from_json(json: &str) -> Course {
        match Bundle::from_json(json) {
            Ok(b) if b.lessons.is_empty() => {
                Course::Failed("the course file holds no lessons".into())
            }
            Ok(b) => Course::Ready(Arc::new(b)),
            Err(e) => Course::Failed(e.to_string()),
        }
    }
}

/// The lesson's title in `lang`.
pub fn title(lesson: &Lesson, lang: Lang) -> String {
    lesson
        .text(lang.code())
        .map_or_else(|| lesson.id.clone(), |t| t.title.clone())
}

/// The lesson's introduction (Markdown) in `lang`.
pub fn intro(lesson: &Lesson, lang: Lang) -> String {
    lesson
        .text(lang.code())
        .map(|t| t.intro.clone())
        .unwrap_or_default()
}

/// Step `step`'s title and text (Markdown) in `lang`.
pub fn step_text(lesson: &Lesson, lang: Lang, step: usize) -> (String, String) {
    let Some(s) = lesson.steps.get(step) else {
        return (String::new(), String::new());
    };
    lesson
        .text(lang.code())
        .and_then(|t| t.steps.get(&s.id))
        .map_or_else(
            || (s.id.clone(), String::new()),
            |t| (t.title.clone(), t.body.clone()),
        )
}

/// An objective's label (Markdown) and explanation (Markdown, often empty).
pub fn objective_text(
    lesson: &Lesson,
    lang: Lang,
    step: usize,
    objective: usize,
) -> (String, String) {
    let Some(s) = lesson.steps.get(step) else {
        return (String::new(), String::new());
    };
    let Some(o) = s.objectives.get(objective) else {
        return (String::new(), String::new());
    };
    lesson
        .text(lang.code())
        .and_then(|t| t.steps.get(&s.id))
        .and_then(|t| t.objectives.get(&o.id))
        .map_or_else(
            || (o.id.clone(), String::new()),
            |sec| (sec.title.clone(), sec.body.clone()),
        )
}

/// A hint's text (Markdown).
pub fn hint_text(lesson: &Lesson, lang: Lang, step: usize, hint: usize) -> String {
    let Some(s) = lesson.steps.get(step) else {
        return String::new();
    };
    let Some(id) = s.hints.get(hint) else {
        return String::new();
    };
    lesson
        .text(lang.code())
        .and_then(|t| t.steps.get(&s.id))
        .and_then(|t| t.hints.get(id))
        .cloned()
        .unwrap_or_default()
}

/// The step to open: the first one not complete, or the last.
pub fn opening_step(session: &Session) -> usize {
    session
        .current_step()
        .unwrap_or_else(|| session.progress().len().saturating_sub(1))
}

/// A solution's actions written as in lesson files, one per line.
pub fn solution_lines(actions: &[LessonAction]) -> Vec<String> {
    actions
        .iter()
        .map(|a| serde_json::to_string(a).unwrap_or_default())
        .collect()
}

/// The titles of a lesson's prerequisites, with their ids.
pub fn prerequisites(bundle: &Bundle, lesson: &Lesson, lang: Lang) -> Vec<(String, String)> {
    lesson
        .prerequisites
        .iter()
        .map(|id| {
            let name = bundle
                .lesson(id)
                .map_or_else(|| id.clone(), |l| title(l, lang));
            (id.clone(), name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::saved::tests::lesson;

    #[test]
    fn texts_follow_the_language() {
        let l = lesson();
        assert_eq!(title(&l, Lang::En), "Fixture");
        assert_eq!(title(&l, Lang::ZhCn), "测试");
        assert_eq!(step_text(&l, Lang::ZhCn, 1).0, "挖矿");
        assert_eq!(objective_text(&l, Lang::En, 1, 0).0, "Mined a block");
        assert_eq!(hint_text(&l, Lang::En, 0, 1), "Second hint.");
        assert_eq!(hint_text(&l, Lang::En, 0, 5), "");
        assert_eq!(step_text(&l, Lang::En, 9), (String::new(), String::new()));
        assert!(intro(&l, Lang::En).contains("**bold**"));
    }

    #[test]
    fn the_opening_step_is_the_first_unfinished() {
        let l = lesson();
        let mut s = Session::start(&l).unwrap();
        assert_eq!(opening_step(&s), 0);
        s.apply(forms::hash("x")).unwrap();
        assert_eq!(opening_step(&s), 1);
        s.apply(forms::mine(sandbox_chain::world::NodeId(0)))
            .unwrap();
        assert_eq!(opening_step(&s), 1);
        assert_eq!(
            solution_lines(&l.steps[1].solution),
            [r#"{"action":"mine","node":0}"#]
        );
    }

    #[test]
    fn a_broken_or_empty_bundle_is_a_failure_in_words() {
        assert!(
            matches!(Course::from_json("nope"), Course::Failed(e) if e.contains("not a course bundle"))
        );
        assert!(matches!(
            Course::from_json(r#"{"format_version":7}"#),
            Course::Failed(e) if e.contains("format_version 7")
        ));
        let manifest = lessons::CourseManifest::parse(
            "c.toml",
            "format_version = 1\nlocales = [\"en\"]\nlessons = []\n[title]\nen = \"C\"\n",
        )
        .unwrap();
        let empty = Bundle::new(&manifest, vec![]).to_json();
        assert!(matches!(Course::from_json(&empty), Course::Failed(e) if e.contains("no lessons")));
        let full = Bundle::new(&manifest, vec![lesson()]).to_json();
        assert!(Course::from_json(&full).bundle().is_some());
    }
}
