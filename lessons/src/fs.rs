//! Native only: reading a course, a lesson folder or a single lesson file
//! from disk and checking it. Everything here only reads files and hands
//! their text to the pure parsers.

use std::path::{Path, PathBuf};

use crate::course::{Bundle, CourseManifest, check_across, check_plays};
use crate::lesson::{Diagnostic, Lesson, LessonSource, MAX_FILE_BYTES};

/// The locales assumed when a lesson is checked outside a course.
pub const DEFAULT_LOCALES: &[&str] = &["en", "zh-CN"];

/// What checking a path found.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    /// Every problem, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Lessons that parsed and played cleanly.
    pub lessons_ok: usize,
    /// Lessons looked at.
    pub lessons_seen: usize,
    /// The course bundle, when a whole course was checked without problems.
    pub bundle: Option<Bundle>,
}

fn whole_file(file: &Path, message: String) -> Diagnostic {
    Diagnostic {
        file: file.display().to_string(),
        line: 0,
        column: 0,
        message,
    }
}

fn read(path: &Path) -> Result<String, Diagnostic> {
    let meta =
        std::fs::metadata(path).map_err(|e| whole_file(path, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(whole_file(
            path,
            format!(
                "the file has {} bytes; the limit is {MAX_FILE_BYTES}",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| whole_file(path, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::lesson::line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        Diagnostic {
            file: path.display().to_string(),
            line,
            column,
            message: "the file is not UTF-8 text".to_owned(),
        }
    })
}

/// The 1-based line of the first `id = "<id>"` at or after line `from`.
fn line_of_id(source: &str, id: &str, from: usize) -> Option<usize> {
    let needle = format!("\"{id}\"");
    source
        .lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains("id") && l.contains(&needle))
        .map(|(i, _)| i.saturating_add(1))
}

/// Loads and checks one lesson folder. `locales` come from the course.
pub fn load_lesson(dir: &Path, locales: &[String]) -> (Option<Lesson>, Vec<Diagnostic>) {
    let toml_path = dir.join("lesson.toml");
    let toml = match read(&toml_path) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let mut texts = Vec::new();
    let mut diags = Vec::new();
    for l in locales {
        let p = dir.join(format!("{l}.md"));
        if p.exists() {
            match read(&p) {
                Ok(s) => texts.push((l.clone(), p, Some(s))),
                Err(d) => diags.push(d),
            }
        } else {
            texts.push((l.clone(), p, None));
        }
    }
    let toml_name = toml_path.display().to_string();
    let src = LessonSource {
        toml_name: toml_name.clone(),
        toml: &toml,
        locales: texts
            .iter()
            .map(|(l, p, s)| (l.clone(), p.display().to_string(), s.as_deref()))
            .collect(),
    };
    match Lesson::parse(&src) {
        Ok(lesson) if diags.is_empty() => {
            for p in check_plays(&lesson) {
                let step_line = p.step.as_ref().and_then(|s| line_of_id(&toml, s, 1));
                let line = match (&p.objective, step_line) {
                    (Some(o), Some(sl)) => line_of_id(&toml, o, sl).or(step_line),
                    _ => step_line,
                };
                diags.push(Diagnostic {
                    file: toml_name.clone(),
                    line: line.unwrap_or(0),
                    column: 0,
                    message: p.message,
                });
            }
            let ok = diags.is_empty();
            (ok.then_some(lesson), diags)
        }
        Ok(_) => (None, diags),
        Err(es) => {
            diags.extend(es);
            (None, diags)
        }
    }
}

/// Locales of the course around a lesson folder (its parent's
/// `course.toml`), or the defaults. The grader loads lessons with these.
pub fn locales_near(lesson_dir: &Path) -> Vec<String> {
    let manifest = lesson_dir.parent().map(|p| p.join("course.toml"));
    if let Some(m) = manifest
        && let Ok(src) = std::fs::read_to_string(&m)
        && let Ok(c) = CourseManifest::parse(&m.display().to_string(), &src)
    {
        return c.locales;
    }
    DEFAULT_LOCALES.iter().map(|s| (*s).to_owned()).collect()
}

/// Checks a course folder (with `course.toml`), a lesson folder (with
/// `lesson.toml`) or one file of either.
pub fn check_path(path: &Path) -> CheckOutcome {
    let dir: PathBuf = if path.is_file() {
        path.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    } else {
        path.to_path_buf()
    };
    if dir.join("course.toml").is_file() && !path.ends_with("lesson.toml") {
        check_course(&dir)
    } else if dir.join("lesson.toml").is_file() {
        let (lesson, diagnostics) = load_lesson(&dir, &locales_near(&dir));
        CheckOutcome {
            lessons_ok: usize::from(lesson.is_some()),
            lessons_seen: 1,
            diagnostics,
            bundle: None,
        }
    } else {
        CheckOutcome {
            diagnostics: vec![whole_file(
                path,
                "neither a course (no course.toml) nor a lesson (no lesson.toml)".to_owned(),
            )],
            ..CheckOutcome::default()
        }
    }
}

/// Checks a whole course and builds its bundle if all is well.
pub fn check_course(dir: &Path) -> CheckOutcome {
    let mpath = dir.join("course.toml");
    let mname = mpath.display().to_string();
    let mut out = CheckOutcome::default();
    let manifest = match read(&mpath)
        .map_err(|d| vec![d])
        .and_then(|s| CourseManifest::parse(&mname, &s))
    {
        Ok(m) => m,
        Err(ds) => {
            out.diagnostics = ds;
            return out;
        }
    };
    let mut loaded = Vec::new();
    for (folder, line) in &manifest.lessons {
        out.lessons_seen = out.lessons_seen.saturating_add(1);
        let ldir = dir.join(folder);
        if !ldir.join("lesson.toml").is_file() {
            out.diagnostics.push(Diagnostic {
                file: mname.clone(),
                line: *line,
                column: 0,
                message: format!("lesson folder `{folder}` has no lesson.toml"),
            });
            continue;
        }
        let (lesson, ds) = load_lesson(&ldir, &manifest.locales);
        out.diagnostics.extend(ds);
        if let Some(l) = lesson {
            out.lessons_ok = out.lessons_ok.saturating_add(1);
            loaded.push((folder.clone(), *line, l));
        }
    }
    // Folders on disk that the course does not list.
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut unlisted: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join("lesson.toml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !manifest.lessons.iter().any(|(f, _)| f == n))
            .collect();
        unlisted.sort();
        for n in unlisted {
            out.diagnostics.push(Diagnostic {
                file: mname.clone(),
                line: 0,
                column: 0,
                message: format!("lesson folder `{n}` is not listed in `lessons`"),
            });
        }
    }
    let refs: Vec<(String, usize, &Lesson)> = loaded
        .iter()
        .map(|(f, l, lesson)| (f.clone(), *l, lesson))
        .collect();
    out.diagnostics.extend(check_across(&mname, &refs));
    if out.diagnostics.is_empty() {
        out.bundle = Some(Bundle::new(
            &manifest,
            loaded.into_iter().map(|(_, _, l)| l).collect(),
        ));
    }
    out
}
