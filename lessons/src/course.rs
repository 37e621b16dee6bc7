//! The course: `course.toml` (locales, title, lessons in order), the checks
//! across lessons (ids, prerequisites, cycles), the checks that play each
//! lesson (nothing done at the start, every step completable by its
//! solution, the solution's transcript grades 100 %), and the bundle the
//! web app fetches.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::lesson::{Diagnostic, FileDiag, Lesson, parse_toml};
use crate::predicate::PREDICATE_NAMES;
use crate::session::Session;
use crate::transcript::grade;
use crate::view::VIEW_NAMES;

/// The `course.toml` format this crate reads.
pub const COURSE_FORMAT_VERSION: u32 = 1;

/// The bundle format this crate writes and reads.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    format_version: Spanned<u32>,
    locales: Spanned<Vec<String>>,
    lessons: Vec<Spanned<String>>,
    title: Spanned<BTreeMap<String, String>>,
}

/// `course.toml`, checked on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseManifest {
    /// Locales every lesson must have, the first being the default.
    pub locales: Vec<String>,
    /// The course title by locale.
    pub title: BTreeMap<String, String>,
    /// Lesson folders in order, each with its line in `course.toml`.
    pub lessons: Vec<(String, usize)>,
}

impl CourseManifest {
    /// Parses `course.toml`.
    pub fn parse(file: &str, source: &str) -> Result<CourseManifest, Vec<Diagnostic>> {
        let d = FileDiag { file, source };
        let f: CourseFile = parse_toml(&d).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        if *f.format_version.get_ref() != COURSE_FORMAT_VERSION {
            errors.push(d.at(
                Some(f.format_version.span()),
                format!(
                    "format_version {} is not supported (this checker reads version {COURSE_FORMAT_VERSION})",
                    f.format_version.get_ref()
                ),
            ));
        }
        if f.locales.get_ref().is_empty() {
            errors.push(d.at(
                Some(f.locales.span()),
                "`locales` needs at least one locale",
            ));
        }
        for l in f.locales.get_ref() {
            if !f.title.get_ref().contains_key(l) {
                errors.push(d.at(
                    Some(f.title.span()),
                    format!("missing translation: the course title has no `{l}`"),
                ));
            }
        }
        let mut seen = BTreeSet::new();
        let mut lessons = Vec::new();
        for l in &f.lessons {
            let name = l.get_ref();
            let (line, _) = crate::lesson::line_col(source, l.span().start);
            if !seen.insert(name.clone()) {
                errors.push(d.at(Some(l.span()), format!("lesson `{name}` is listed twice")));
            }
            if folder_id(name).is_none() {
                errors.push(d.at(
                    Some(l.span()),
                    format!("`{name}`: a lesson folder is named `NN-id`, e.g. `01-hashing`"),
                ));
            }
            lessons.push((name.clone(), line));
        }
        if errors.is_empty() {
            Ok(CourseManifest {
                locales: f.locales.into_inner(),
                title: f.title.into_inner(),
                lessons,
            })
        } else {
            Err(errors)
        }
    }
}

/// The id in a lesson folder's name `NN-id`.
pub fn folder_id(folder: &str) -> Option<&str> {
    let (num, id) = folder.split_once('-')?;
    (!num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) && crate::markdown::is_id(id))
        .then_some(id)
}

/// Checks across lessons: each folder holds the lesson its name says,
/// ids are unique, prerequisites exist, come earlier, and form no cycle.
/// `lessons` are (folder, line in course.toml, lesson) in course order.
pub fn check_across(manifest_file: &str, lessons: &[(String, usize, &Lesson)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |line: usize, message: String| Diagnostic {
        file: manifest_file.to_owned(),
        line,
        column: 0,
        message,
    };
    let mut position = BTreeMap::new();
    for (i, (folder, line, lesson)) in lessons.iter().enumerate() {
        if folder_id(folder) != Some(lesson.id.as_str()) {
            out.push(at(
                *line,
                format!(
                    "folder `{folder}` holds lesson id `{}`; name it `NN-{}`",
                    lesson.id, lesson.id
                ),
            ));
        }
        if position.insert(lesson.id.as_str(), i).is_some() {
            out.push(at(
                *line,
                format!("two lessons have the id `{}`", lesson.id),
            ));
        }
    }
    for (i, (_, line, lesson)) in lessons.iter().enumerate() {
        for p in &lesson.prerequisites {
            match position.get(p.as_str()) {
                None => out.push(at(
                    *line,
                    format!("lesson `{}`: unknown prerequisite `{p}`", lesson.id),
                )),
                Some(j) if *j >= i => out.push(at(
                    *line,
                    format!(
                        "lesson `{}` needs `{p}` first, but the course lists `{p}` at or after it",
                        lesson.id
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    // Cycles (reported even though the order check above also fires, so
    // the message names the loop).
    let graph: BTreeMap<&str, Vec<&str>> = lessons
        .iter()
        .map(|(_, _, l)| {
            (
                l.id.as_str(),
                l.prerequisites.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    if let Some(cycle) = find_cycle(&graph) {
        out.push(at(
            0,
            format!("prerequisites form a cycle: {}", cycle.join(" → ")),
        ));
    }
    out
}

/// A cycle in a graph, as the ids around it (first repeated at the end).
pub fn find_cycle<'a>(graph: &BTreeMap<&'a str, Vec<&'a str>>) -> Option<Vec<&'a str>> {
    // Iterative depth-first search with colours: 0 new, 1 on the path, 2 done.
    let mut colour: BTreeMap<&str, u8> = BTreeMap::new();
    for &root in graph.keys() {
        if colour.get(root).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        colour.insert(root, 1);
        while let Some((node, next)) = path.last().copied() {
            let edges = graph.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(&child) = edges.get(next) {
                if let Some(top) = path.last_mut() {
                    top.1 = next.saturating_add(1);
                }
                match colour.get(child).copied().unwrap_or(0) {
                    0 if graph.contains_key(child) => {
                        colour.insert(child, 1);
                        path.push((child, 0));
                    }
                    1 => {
                        let start = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let mut cycle: Vec<&str> = path
                            .get(start..)
                            .unwrap_or(&[])
                            .iter()
                            .map(|(n, _)| *n)
                            .collect();
                        cycle.push(child);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                colour.insert(node, 2);
                path.pop();
            }
        }
    }
    None
}

/// Plays a lesson: no objective holds in the starting world; after the
/// solutions of steps 1..=k every objective of step k is done; the whole
/// solution, exported as a transcript and graded, passes every objective.
/// Returns the problems, each naming its step and objective.
pub fn check_plays(lesson: &Lesson) -> Vec<PlayProblem> {
    let mut out = Vec::new();
    let mut session = match Session::start(lesson) {
        Ok(s) => s,
        Err(e) => {
            return vec![PlayProblem::new(
                None,
                None,
                format!("the starting world cannot be built: {e}"),
            )];
        }
    };
    for (step, holding) in lesson.steps.iter().zip(session.holding_now()) {
        for (o, h) in step.objectives.iter().zip(holding) {
            if h {
                out.push(PlayProblem::new(Some(&step.id), Some(&o.id), format!(
                    "step `{}`: objective `{}` already holds in the starting world (the student would get it for nothing)",
                    step.id, o.id
                )));
            }
        }
    }
    for (si, step) in lesson.steps.iter().enumerate() {
        for (ai, a) in step.solution.iter().enumerate() {
            if let Err(e) = session.apply(a.clone()) {
                out.push(PlayProblem::new(
                    Some(&step.id),
                    None,
                    format!(
                        "step `{}`: solution action {} stops the lesson: {e}",
                        step.id,
                        ai.saturating_add(1)
                    ),
                ));
                return out;
            }
        }
        if let Some(p) = session.progress().get(si) {
            for o in &p.objectives {
                if o.done_after.is_none() {
                    out.push(PlayProblem::new(Some(&step.id), Some(&o.id), format!(
                        "step `{}`: objective `{}` is not met after the solutions of steps 1 to {} (the step is not completable as written)",
                        step.id,
                        o.id,
                        si.saturating_add(1)
                    )));
                }
            }
        }
    }
    if out.is_empty() {
        let json = session.transcript().to_json();
        match grade(lesson, &json, "en") {
            Ok(r) if r.complete() => {}
            Ok(r) => out.push(PlayProblem::new(
                None,
                None,
                format!(
                    "the solution's transcript grades {}/{}, not full marks",
                    r.passed, r.total
                ),
            )),
            Err(e) => out.push(PlayProblem::new(
                None,
                None,
                format!("the solution's transcript does not grade: {e}"),
            )),
        }
    }
    out
}

/// A problem found by playing a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayProblem {
    /// The step it is about.
    pub step: Option<String>,
    /// The objective it is about.
    pub objective: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl PlayProblem {
    fn new(step: Option<&str>, objective: Option<&str>, message: String) -> Self {
        PlayProblem {
            step: step.map(str::to_owned),
            objective: objective.map(str::to_owned),
            message,
        }
    }
}

/// What the web app fetches: the whole course, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT_VERSION`].
    pub format_version: u32,
    /// Locales, the first being the default.
    pub locales: Vec<String>,
    /// The course title by locale.
    pub title: BTreeMap<String, String>,
    /// The lessons in course order.
    pub lessons: Vec<Lesson>,
    /// The view names lessons may use (see [`VIEW_NAMES`]).
    pub views: Vec<String>,
    /// The predicate names objectives may use.
    pub predicates: Vec<String>,
}

/// Why a bundle could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not JSON, or not a bundle.
    #[error("not a course bundle: {0}")]
    Json(String),
    /// Another format version.
    #[error("bundle format_version {found} is not supported (this app reads version {supported})")]
    FormatVersion {
        /// In the file.
        found: u32,
        /// Understood.
        supported: u32,
    },
}

impl Bundle {
    /// A bundle of checked lessons.
    pub fn new(manifest: &CourseManifest, lessons: Vec<Lesson>) -> Bundle {
        Bundle {
            format_version: BUNDLE_FORMAT_VERSION,
            locales: manifest.locales.clone(),
            title: manifest.title.clone(),
            lessons,
            views: VIEW_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            predicates: PREDICATE_NAMES.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a bundle.
    pub fn from_json(json: &str) -> Result<Bundle, BundleError> {
        #[derive(Deserialize)]
        struct Probe {
            format_version: u32,
        }
        let p: Probe = serde_json::from_str(json).map_err(|e| BundleError::Json(e.to_string()))?;
        if p.format_version != BUNDLE_FORMAT_VERSION {
            return Err(BundleError::FormatVersion {
                found: p.format_version,
                supported: BUNDLE_FORMAT_VERSION,
            });
        }
        serde_json::from_str(json).map_err(|e| BundleError::Json(e.to_string()))
    }

    /// A lesson by id.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cycle() {
        let g: BTreeMap<&str, Vec<&str>> = [
            ("a", vec!["b"]),
            ("b", vec!["c"]),
            ("c", vec!["a"]),
            ("d", vec![]),
        ]
        .into_iter()
        .collect();
        assert_eq!(find_cycle(&g), Some(vec!["a", "b", "c", "a"]));
        let g: BTreeMap<&str, Vec<&str>> = [("a", vec!["b"]), ("b", vec![]), ("c", vec!["a", "b"])]
            .into_iter()
            .collect();
        assert_eq!(find_cycle(&g), None);
    }

    #[test]
    fn folder_names() {
        assert_eq!(folder_id("01-hashing"), Some("hashing"));
        assert_eq!(folder_id("hashing"), None);
        assert_eq!(folder_id("x1-hashing"), None);
    }
}
