//! The course as data: `exercises/exercises.toml` and one folder per exercise.
//!
//! ```text
//! exercises/exercises.toml        format_version, [[exercise]] entries
//! exercises/<id>/task.en.md       task text, English
//! exercises/<id>/task.zh-CN.md    task text, Simplified Chinese
//! exercises/<id>/starter.rs       what the student starts from (// TODO)
//! exercises/<id>/reference.rs     a solution that must score 100 %
//! exercises/<id>/visible.json     visible examples: [{"name", "input"}]
//! exercises/<id>/wrong/*.rs       known-wrong solutions; first lines say
//!                                 `// caught-by: <case class>`
//! ```

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

use crate::ops::Registry;

/// The manifest format this grader reads.
pub const FORMAT_VERSION: u32 = 1;

/// Text in the course's two languages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
}

impl Text {
    /// The text in `lang` (`en` or `zh-CN`; anything else falls back to English).
    pub fn get(&self, lang: &str) -> &str {
        if lang.eq_ignore_ascii_case("zh-CN") || lang.eq_ignore_ascii_case("zh") {
            &self.zh_cn
        } else {
            &self.en
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    format_version: u32,
    #[serde(default, rename = "exercise")]
    exercises: Vec<RawExercise>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    id: String,
    lesson: String,
    operation: String,
    title: Text,
    #[serde(default, rename = "hint")]
    hints: Vec<Text>,
}

/// A visible example: the student sees its input and the expected output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Shown in reports.
    pub name: String,
    /// Input in the operation's JSON encoding.
    pub input: Value,
}

/// A known-wrong solution and the case class that must catch it.
#[derive(Debug, Clone)]
pub struct WrongSolution {
    /// File path.
    pub path: PathBuf,
    /// The case class that must fail for it.
    pub caught_by: String,
}

/// One exercise, with every file checked to exist.
#[derive(Debug, Clone)]
pub struct Exercise {
    /// Stable id (folder name).
    pub id: String,
    /// The lesson it belongs to.
    pub lesson: String,
    /// Reference operation name.
    pub operation: String,
    /// Title.
    pub title: Text,
    /// Task text.
    pub task: Text,
    /// Progressive hints, gentlest first.
    pub hints: Vec<Text>,
    /// Starter file.
    pub starter: PathBuf,
    /// Reference solution file.
    pub reference: PathBuf,
    /// Visible examples.
    pub visible: Vec<Example>,
    /// Known-wrong solutions.
    pub wrong: Vec<WrongSolution>,
}

/// The whole course.
#[derive(Debug, Clone)]
pub struct Course {
    /// Folder holding `exercises.toml`.
    pub root: PathBuf,
    /// Exercises in course order.
    pub exercises: Vec<Exercise>,
}

impl Course {
    /// Loads and validates `root/exercises.toml` and every file it implies,
    /// checking operation names and case classes against `registry`.
    pub fn load(root: &Path, registry: &Registry) -> Result<Self> {
        let path = root.join("exercises.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the course manifest {}", path.display()))?;
        let raw: RawManifest =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if raw.format_version != FORMAT_VERSION {
            bail!(
                "{}: format_version {} is not supported (this grader reads {FORMAT_VERSION})",
                path.display(),
                raw.format_version
            );
        }
        let mut exercises = Vec::new();
        for ex in raw.exercises {
            let e = load_exercise(root, ex, registry)
                .with_context(|| format!("in {}", path.display()))?;
            if exercises.iter().any(|o: &Exercise| o.id == e.id) {
                bail!("{}: exercise id `{}` appears twice", path.display(), e.id);
            }
            exercises.push(e);
        }
        Ok(Self {
            root: root.to_path_buf(),
            exercises,
        })
    }

    /// The exercise called `id`.
    pub fn get(&self, id: &str) -> Result<&Exercise> {
        self.exercises.iter().find(|e| e.id == id).with_context(|| {
            format!(
                "no exercise `{id}`; known: {}",
                self.exercises
                    .iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }
}

fn load_exercise(root: &Path, ex: RawExercise, registry: &Registry) -> Result<Exercise> {
    let id = ex.id;
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        bail!("exercise id `{id}` must be lowercase letters, digits and dashes");
    }
    let dir = root.join(&id);
    let need = |name: &str| -> Result<PathBuf> {
        let p = dir.join(name);
        if !p.is_file() {
            bail!("exercise `{id}`: missing file {}", p.display());
        }
        Ok(p)
    };
    let op = registry
        .get(&ex.operation)
        .with_context(|| format!("exercise `{id}`: field `operation`"))?;
    let read =
        |p: &Path| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
    let task = Text {
        en: read(&need("task.en.md")?)?,
        zh_cn: read(&need("task.zh-CN.md")?)?,
    };
    let visible_path = need("visible.json")?;
    let visible: Vec<Example> = serde_json::from_str(&read(&visible_path)?)
        .with_context(|| format!("parsing {}", visible_path.display()))?;
    for (i, example) in visible.iter().enumerate() {
        op.reference(&example.input).with_context(|| {
            format!(
                "{}: example {i} (`{}`): field `input`",
                visible_path.display(),
                example.name
            )
        })?;
    }
    let mut wrong = Vec::new();
    let wdir = dir.join("wrong");
    if wdir.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&wdir)
            .with_context(|| format!("listing {}", wdir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        for path in files {
            let text = read(&path)?;
            let caught_by = text
                .lines()
                .take(10)
                .find_map(|l| l.trim().strip_prefix("// caught-by:"))
                .map(|s| s.trim().to_string())
                .with_context(|| {
                    format!(
                        "{}: needs a `// caught-by: <case class>` line",
                        path.display()
                    )
                })?;
            if caught_by != "visible" && !op.classes().iter().any(|c| c.name == caught_by) {
                bail!(
                    "{}: `caught-by: {caught_by}` is not a case class of `{}` (has: visible, {})",
                    path.display(),
                    op.name(),
                    op.classes()
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            wrong.push(WrongSolution { path, caught_by });
        }
    }
    Ok(Exercise {
        starter: need("starter.rs")?,
        reference: need("reference.rs")?,
        id,
        lesson: ex.lesson,
        operation: ex.operation,
        title: ex.title,
        task,
        hints: ex.hints,
        visible,
        wrong,
    })
}
