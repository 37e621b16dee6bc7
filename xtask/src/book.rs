//! `cargo xtask book`: build the book (`book/`) and test its Rust snippets.
//!
//! 1. Finds mdBook 0.5.4, or installs it with `cargo install --locked`.
//! 2. Builds `sandbox-chain` and links its rlib and those of its
//!    dependencies into one folder, `<target>/book-deps`, holding exactly one
//!    candidate per crate. (`mdbook test -L target/debug/deps` works until
//!    that folder holds two builds of a crate, e.g. after `cargo build
//!    --workspace` unified other features: then rustdoc stops with "multiple
//!    candidates for `rlib` dependency". The private folder avoids that.)
//! 3. Checks the formatting of `book/examples/*.rs` (not part of any crate,
//!    so `cargo fmt` does not see them).
//! 4. `mdbook build` into `<target>/book`. An `{{#include}}` that cannot be
//!    resolved is only logged by mdBook; here it fails the build.
//! 5. `mdbook test -L <target>/book-deps`: every `rust` block of every
//!    chapter is compiled and run (`rust,ignore` blocks are not).
//!
//! Before building, it checks the book's conventions against the course
//! (see [`check_conventions`]): one chapter per lesson id in English
//! (`students/<id>.md`) and Chinese (`zh-CN/<id>.md`), each linking to its
//! lesson in the app, listed in `SUMMARY.md` in course order, and naming
//! every exercise of its lesson; and every relative link to a chapter
//! resolves. No code names a lesson: the ids come from
//! `lessons/course/course.toml` and `exercises/exercises.toml`.
//!
//! `cargo xtask dist` and `cargo xtask sandbox` call [`build_into_site`]:
//! the same checks, the book built into `<site>/book/`, and a check that
//! each chapter's lesson link resolves to the app's `index.html`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util::{self, cargo};

/// The mdBook version the book is written for.
const MDBOOK_VERSION: &str = "0.5.4";

/// Options of `cargo xtask book`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    /// Build the HTML only; skip building the crates and `mdbook test`.
    no_test: bool,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--no-test" => options.no_test = true,
                other => bail!("`cargo xtask book` does not know `{other}` (try --no-test)"),
            }
        }
        Ok(options)
    }
}

pub(crate) fn run(options: Options) -> Result<()> {
    let start = Instant::now();
    let root = util::project_root();
    let book = root.join("book");
    let target = util::target_dir()?;

    let step = Instant::now();
    let mdbook = find_or_install_mdbook(&target)?;
    println!(
        "xtask book: {} ({:.1} s)",
        mdbook.display(),
        util::seconds_since(step)
    );

    let step = Instant::now();
    let course = check_conventions(&root)?;
    println!(
        "xtask book: {} lessons and {} exercises each have their chapters, links and mentions ({:.1} s)",
        course.lessons.len(),
        course.exercises.len(),
        util::seconds_since(step)
    );

    let step = Instant::now();
    let out = target.join("book");
    build(&mdbook, &book, &out)?;
    check_built(&out, &course)?;
    println!(
        "xtask book: built {} in {:.1} s",
        out.join("index.html").display(),
        util::seconds_since(step)
    );

    if !options.no_test {
        let step = Instant::now();
        check_examples_format(&book.join("examples"))?;
        let deps = link_snippet_deps(&target)?;
        println!(
            "xtask book: sandbox-chain built for the snippets in {:.1} s",
            util::seconds_since(step)
        );
        let step = Instant::now();
        util::run(
            Command::new(&mdbook)
                .arg("test")
                .arg(&book)
                .arg("-L")
                .arg(&deps),
        )?;
        println!(
            "xtask book: every snippet compiled and ran in {:.1} s",
            util::seconds_since(step)
        );
    }
    println!("xtask book: done in {:.1} s", util::seconds_since(start));
    Ok(())
}

/// Builds the book into `<site>/book/` next to the web app already built in
/// `site` (for `cargo xtask dist` and `cargo xtask sandbox`): checks the
/// conventions, builds, and checks that every chapter's lesson link leads
/// to the app's `index.html` in `site`. Snippets are not tested here
/// (`cargo xtask book` does that).
pub(crate) fn build_into_site(site: &Path) -> Result<()> {
    let start = Instant::now();
    let root = util::project_root();
    let target = util::target_dir()?;
    let mdbook = find_or_install_mdbook(&target)?;
    let course = check_conventions(&root)?;
    let out = site.join("book");
    build(&mdbook, &root.join("book"), &out)?;
    check_built(&out, &course)?;
    let links = check_site_links(site, &course)?;
    println!(
        "xtask: built the book into {} in {:.1} s ({links} lesson links lead to {})",
        out.display(),
        util::seconds_since(start),
        site.join("index.html").display()
    );
    Ok(())
}

/// mdBook 0.5.4 from `PATH` or `<target>/tools`, installed if neither has it.
/// A different mdBook on `PATH` is left alone: 0.5.4 then goes to
/// `<target>/tools/bin`.
fn find_or_install_mdbook(target: &Path) -> Result<PathBuf> {
    let wanted = format!("mdbook v{MDBOOK_VERSION}");
    let tools = target.join("tools");
    let local = tools.join("bin").join("mdbook");
    let on_path = PathBuf::from("mdbook");
    let version = |program: &Path| -> Option<String> {
        let output = Command::new(program)
            .arg("--version")
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let path_version = version(&on_path);
    if path_version.as_deref() == Some(wanted.as_str()) {
        return Ok(on_path);
    }
    if version(&local).as_deref() == Some(wanted.as_str()) {
        return Ok(local);
    }
    let mut install = cargo(["install", "mdbook", "--version", MDBOOK_VERSION, "--locked"]);
    let installed = match path_version {
        // Nothing on PATH: install where cargo installs binaries (on PATH
        // for anyone who installed Rust with rustup).
        None => on_path,
        Some(other) => {
            eprintln!(
                "xtask book: found {other} on PATH; installing {wanted} under {}",
                tools.display()
            );
            install.arg("--root").arg(&tools);
            local
        }
    };
    eprintln!("xtask book: installing {wanted} (2-4 minutes, once)");
    util::run(&mut install)?;
    match version(&installed) {
        Some(v) if v == wanted => Ok(installed),
        found => bail!(
            "after `cargo install`, `{} --version` says {found:?}, not {wanted:?}; is ~/.cargo/bin on PATH?",
            installed.display()
        ),
    }
}

/// `mdbook build`, failing on the errors mdBook only logs (an include whose
/// file or anchor is missing leaves the raw `{{#include}}` in the page).
fn build(mdbook: &Path, book: &Path, out: &Path) -> Result<()> {
    let mut command = Command::new(mdbook);
    command.arg("build").arg(book).arg("--dest-dir").arg(out);
    let shown = util::display(&command);
    eprintln!("$ {shown}");
    let output = command
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("could not start `{shown}`"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    eprint!("{log}");
    if !output.status.success() {
        bail!("`{shown}` failed ({})", output.status);
    }
    let problems: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("ERROR") || line.contains("Error updating"))
        .collect();
    if !problems.is_empty() {
        bail!(
            "`{shown}` logged {} error(s), e.g. an include whose file or anchor is missing:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
    Ok(())
}

/// `rustfmt --check` over the example programs the chapters include.
fn check_examples_format(examples: &Path) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples)
        .with_context(|| format!("listing {}", examples.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Ok(());
    }
    util::run(
        Command::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .args(&files),
    )
    .context("book/examples/ is not formatted: run `rustfmt --edition 2024 book/examples/*.rs`")
}

/// Builds `sandbox-chain` and hard-links (or copies) the rlib of it and of
/// every dependency into a fresh `<target>/book-deps`, one per crate.
fn link_snippet_deps(target: &Path) -> Result<PathBuf> {
    let mut command = cargo([
        "build",
        "-p",
        "sandbox-chain",
        "--lib",
        "--message-format=json-render-diagnostics",
    ]);
    let messages = util::output(&mut command)?;
    let mut rlibs: Vec<PathBuf> = Vec::new();
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message.get("reason").and_then(|r| r.as_str()) != Some("compiler-artifact") {
            continue;
        }
        let files = message
            .get("filenames")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            // Proc macros (`.so`/`.dylib`/`.dll`) too: rustc may need them
            // to load the metadata of the crates that re-export them.
            .filter(|f| {
                [".rlib", ".so", ".dylib", ".dll"]
                    .iter()
                    .any(|e| f.ends_with(e))
            });
        rlibs.extend(files.map(PathBuf::from));
    }
    if !rlibs.iter().any(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("libsandbox_chain"))
    }) {
        bail!("`cargo build -p sandbox-chain` reported no libsandbox_chain rlib");
    }
    let deps = target.join("book-deps");
    if deps.exists() {
        std::fs::remove_dir_all(&deps).with_context(|| format!("clearing {}", deps.display()))?;
    }
    std::fs::create_dir_all(&deps).with_context(|| format!("creating {}", deps.display()))?;
    for rlib in &rlibs {
        let Some(name) = rlib.file_name() else {
            continue;
        };
        let dest = deps.join(name);
        if std::fs::hard_link(rlib, &dest).is_err() {
            std::fs::copy(rlib, &dest)
                .with_context(|| format!("copying {} to {}", rlib.display(), dest.display()))?;
        }
    }
    Ok(deps)
}

// ---- The book's conventions ----

/// Where the English and the Chinese chapter of each lesson live (under
/// `book/src/`), and the query the Chinese chapters add to lesson links.
const LOCALES: [(&str, &str); 2] = [("students", ""), ("zh-CN", "?lang=zh-CN")];

/// The course as the book's conventions need it: lesson ids in course
/// order, and each exercise with its lesson.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Course {
    lessons: Vec<String>,
    exercises: Vec<(String, String)>,
}

/// The link from a chapter in `dir` to its lesson in the app. The book is
/// served at `book/` next to the app, so from `book/<dir>/<id>.html` the
/// app's page is two folders up.
fn lesson_link(id: &str, query: &str) -> String {
    format!("../../index.html#/lesson/{id}{query}")
}

/// Reads the course and the book's chapters and checks the conventions;
/// fails naming every file that breaks one.
pub(crate) fn check_conventions(root: &Path) -> Result<Course> {
    let course = read_course(root)?;
    let src = root.join("book").join("src");
    let chapters = read_chapters(&src)?;
    let mut problems = convention_problems(&course, &chapters);
    problems.extend(link_problems(&chapters));
    if !problems.is_empty() {
        bail!(
            "the book breaks {} of its conventions (see xtask/src/book.rs):\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(course)
}

/// Lesson ids from `lessons/course/course.toml` (each folder's
/// `lesson.toml`), exercises from `exercises/exercises.toml`.
fn read_course(root: &Path) -> Result<Course> {
    let course_dir = root.join("lessons").join("course");
    let course_toml = course_dir.join("course.toml");
    let table = read_toml(&course_toml)?;
    let Some(folders) = table.get("lessons").and_then(toml::Value::as_array) else {
        bail!(
            "{}: expected `lessons = [\"01-...\", ...]`",
            course_toml.display()
        );
    };
    let mut lessons = Vec::new();
    for folder in folders {
        let Some(folder) = folder.as_str() else {
            bail!(
                "{}: `lessons` holds {folder}, expected folder names",
                course_toml.display()
            );
        };
        let lesson_toml = course_dir.join(folder).join("lesson.toml");
        let lesson = read_toml(&lesson_toml)?;
        let Some(id) = lesson.get("id").and_then(toml::Value::as_str) else {
            bail!("{}: expected `id = \"...\"`", lesson_toml.display());
        };
        lessons.push(id.to_owned());
    }
    let exercises_toml = root.join("exercises").join("exercises.toml");
    let table = read_toml(&exercises_toml)?;
    let mut exercises = Vec::new();
    let listed = table
        .get("exercise")
        .and_then(toml::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, exercise) in listed.iter().enumerate() {
        let field = |name: &str| exercise.get(name).and_then(toml::Value::as_str);
        let (Some(id), Some(lesson)) = (field("id"), field("lesson")) else {
            bail!(
                "{}: exercise {} needs `id` and `lesson`",
                exercises_toml.display(),
                i + 1
            );
        };
        exercises.push((id.to_owned(), lesson.to_owned()));
    }
    Ok(Course { lessons, exercises })
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))
}

/// Every `.md` file under `src`, by its path relative to `src` with `/`.
fn read_chapters(src: &Path) -> Result<BTreeMap<String, String>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) -> Result<()> {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            let relative = format!("{prefix}{name}");
            if path.is_dir() {
                walk(&path, &format!("{relative}/"), out)?;
            } else if name.ends_with(".md") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                out.insert(relative, text);
            }
        }
        Ok(())
    }
    let mut chapters = BTreeMap::new();
    walk(src, "", &mut chapters)?;
    Ok(chapters)
}

/// The conventions between the course and the book, as one message per
/// problem naming the file (relative to the repository).
fn convention_problems(course: &Course, chapters: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let summary = chapters.get("SUMMARY.md").map_or("", String::as_str);
    for (dir, query) in LOCALES {
        let mut last: Option<(usize, &str)> = None;
        for id in &course.lessons {
            let file = format!("{dir}/{id}.md");
            let link = lesson_link(id, query);
            match chapters.get(&file) {
                None => problems.push(format!(
                    "book/src/{file} is missing: lesson `{id}` (lessons/course/course.toml) needs a chapter of that name"
                )),
                Some(text) if !links_to(text, &link) => problems.push(format!(
                    "book/src/{file} does not link to its lesson: it needs a Markdown link to `{link}`"
                )),
                Some(_) => {}
            }
            match summary.find(&format!("]({file})")) {
                None => problems.push(format!(
                    "book/src/SUMMARY.md does not list {file}, so mdBook would not build it"
                )),
                Some(at) => {
                    if let Some((before, previous)) = last
                        && at < before
                    {
                        problems.push(format!(
                            "book/src/SUMMARY.md lists {file} before {dir}/{previous}.md, but the course teaches `{previous}` first"
                        ));
                    }
                    last = Some((at, id));
                }
            }
        }
    }
    for (exercise, lesson) in &course.exercises {
        for (dir, _) in LOCALES {
            let file = format!("{dir}/{lesson}.md");
            match chapters.get(&file) {
                None => problems.push(format!(
                    "exercise `{exercise}` belongs to lesson `{lesson}` (exercises/exercises.toml), which has no chapter book/src/{file}"
                )),
                Some(text) if !text.contains(&format!("`{exercise}`")) => problems.push(format!(
                    "book/src/{file} does not mention exercise `{exercise}` of its lesson (write it in backquotes)"
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

/// Whether `text` has a Markdown link whose target is exactly `target`.
fn links_to(text: &str, target: &str) -> bool {
    markdown_links(text).any(|t| t == target)
}

/// The targets of the inline Markdown links `[text](target)` of `text`,
/// outside fenced code blocks (a title after the target is dropped).
fn markdown_links(text: &str) -> impl Iterator<Item = &str> {
    let mut fenced = false;
    text.lines()
        .filter(move |line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .flat_map(|line| line.split("](").skip(1))
        .filter_map(|rest| {
            let end = rest.find(')')?;
            rest.get(..end)?.split_whitespace().next()
        })
}

/// Relative links to `.md` files that lead to no chapter.
fn link_problems(chapters: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (file, text) in chapters {
        for target in markdown_links(text) {
            let path = target.split('#').next().unwrap_or_default();
            if !path.ends_with(".md") || path.contains("://") || path.starts_with('/') {
                continue;
            }
            let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
            match resolve_relative(dir, path) {
                Some(resolved) if chapters.contains_key(&resolved) => {}
                _ => problems.push(format!(
                    "book/src/{file} links to {target}, which is not a chapter of the book"
                )),
            }
        }
    }
    problems
}

/// `path` relative to the folder `dir` (both with `/`, relative to the
/// book's source), or `None` if it climbs above it.
fn resolve_relative(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// After `mdbook build`: the book's front page and each lesson's pages
/// exist where the app links.
fn check_built(out: &Path, course: &Course) -> Result<()> {
    let pages = course.lessons.iter().flat_map(|id| {
        LOCALES
            .iter()
            .map(move |(dir, _)| format!("{dir}/{id}.html"))
    });
    let missing: Vec<String> = std::iter::once("index.html".to_owned())
        .chain(pages)
        .filter(|page| !out.join(page).is_file())
        .collect();
    if !missing.is_empty() {
        bail!(
            "mdBook did not write the pages the app links to, in {}: {}",
            out.display(),
            missing.join(", ")
        );
    }
    Ok(())
}

/// In a built site (the app in `site`, the book in `site/book`): every
/// chapter's link to its lesson, as written in the HTML, resolves to the
/// app's `index.html`. Returns how many links were checked.
fn check_site_links(site: &Path, course: &Course) -> Result<usize> {
    let app = site.join("index.html");
    let app = app
        .canonicalize()
        .with_context(|| format!("the app's page {} is missing", app.display()))?;
    let mut checked = 0;
    for id in &course.lessons {
        for (dir, query) in LOCALES {
            let page = site.join("book").join(dir).join(format!("{id}.html"));
            let html = std::fs::read_to_string(&page)
                .with_context(|| format!("reading {}", page.display()))?;
            let link = lesson_link(id, query);
            if !html.contains(&format!("href=\"{link}\"")) {
                bail!(
                    "{} has no link to `{link}` (its chapter book/src/{dir}/{id}.md links elsewhere?)",
                    page.display()
                );
            }
            let file = link.split('#').next().unwrap_or_default();
            let target = page.parent().unwrap_or(site).join(file);
            match target.canonicalize() {
                Ok(found) if found == app => checked += 1,
                Ok(found) => bail!(
                    "in {}, `{link}` leads to {}, not to the app's {}",
                    page.display(),
                    found.display(),
                    app.display()
                ),
                Err(_) => bail!(
                    "in {}, `{link}` leads to {}, which does not exist",
                    page.display(),
                    target.display()
                ),
            }
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        Course {
            lessons: vec!["hashing".into(), "keys".into()],
            exercises: vec![("hash-hex".into(), "hashing".into())],
        }
    }

    /// A book that keeps every convention for [`course`].
    fn good_book() -> BTreeMap<String, String> {
        let mut book = BTreeMap::new();
        book.insert(
            "SUMMARY.md".into(),
            "- [Hashing](students/hashing.md)\n- [Keys](students/keys.md)\n\
             - [哈希](zh-CN/hashing.md)\n- [密钥](zh-CN/keys.md)\n"
                .into(),
        );
        book.insert(
            "students/hashing.md".into(),
            "[Lesson](../../index.html#/lesson/hashing). See [keys](keys.md#top), `hash-hex`."
                .into(),
        );
        book.insert(
            "students/keys.md".into(),
            "[Lesson](../../index.html#/lesson/keys \"the lesson\")".into(),
        );
        book.insert(
            "zh-CN/hashing.md".into(),
            "[互动课](../../index.html#/lesson/hashing?lang=zh-CN)：`hash-hex`，[English](../students/hashing.md)".into(),
        );
        book.insert(
            "zh-CN/keys.md".into(),
            "[互动课](../../index.html#/lesson/keys?lang=zh-CN)".into(),
        );
        book
    }

    #[test]
    fn a_book_that_keeps_the_conventions_passes() {
        assert_eq!(
            convention_problems(&course(), &good_book()),
            Vec::<String>::new()
        );
        assert_eq!(link_problems(&good_book()), Vec::<String>::new());
    }

    #[test]
    fn a_missing_chapter_is_named() {
        let mut book = good_book();
        book.remove("zh-CN/keys.md");
        let problems = convention_problems(&course(), &book);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("book/src/zh-CN/keys.md is missing"),
            "{problems:?}"
        );
        // And the links to it are broken too.
        book.insert("introduction.md".into(), "[keys](zh-CN/keys.md)".into());
        assert_eq!(
            link_problems(&book),
            vec![
                "book/src/SUMMARY.md links to zh-CN/keys.md, which is not a chapter of the book",
                "book/src/introduction.md links to zh-CN/keys.md, which is not a chapter of the book",
            ]
        );
    }

    #[test]
    fn a_chapter_must_link_to_its_own_lesson_in_its_language() {
        let mut book = good_book();
        // The English link in a Chinese chapter is not enough.
        book.insert(
            "zh-CN/keys.md".into(),
            "[互动课](../../index.html#/lesson/keys)".into(),
        );
        // Another lesson's id that starts with this one's does not count.
        book.insert(
            "students/hashing.md".into(),
            "[x](../../index.html#/lesson/hashing-two) `hash-hex`".into(),
        );
        let problems = convention_problems(&course(), &book);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with(
            "book/src/students/hashing.md does not link to its lesson: it needs a Markdown link to `../../index.html#/lesson/hashing`"
        )));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("zh-CN/keys.md does not link"))
        );
    }

    #[test]
    fn exercises_are_named_in_both_chapters_of_their_lesson() {
        let mut book = good_book();
        book.insert(
            "zh-CN/hashing.md".into(),
            "[互动课](../../index.html#/lesson/hashing?lang=zh-CN) hash-hex".into(),
        );
        let problems = convention_problems(&course(), &book);
        assert_eq!(
            problems,
            vec![
                "book/src/zh-CN/hashing.md does not mention exercise `hash-hex` of its lesson (write it in backquotes)"
            ]
        );
        let mut orphan = course();
        orphan.exercises.push(("bft-quorum".into(), "bft".into()));
        let problems = convention_problems(&orphan, &good_book());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("which has no chapter book/src/students/bft.md"));
    }

    #[test]
    fn the_summary_lists_chapters_in_course_order() {
        let mut book = good_book();
        book.insert(
            "SUMMARY.md".into(),
            "- [Keys](students/keys.md)\n- [Hashing](students/hashing.md)\n\
             - [哈希](zh-CN/hashing.md)\n"
                .into(),
        );
        let problems = convention_problems(&course(), &book);
        assert_eq!(
            problems,
            vec![
                "book/src/SUMMARY.md lists students/keys.md before students/hashing.md, but the course teaches `hashing` first",
                "book/src/SUMMARY.md does not list zh-CN/keys.md, so mdBook would not build it",
            ]
        );
    }

    #[test]
    fn links_inside_code_blocks_are_not_links() {
        let text = "```rust\nlet x = a[0](b.md);\n```\n[real](c.md#part \"title\")";
        assert_eq!(markdown_links(text).collect::<Vec<_>>(), vec!["c.md#part"]);
    }

    #[test]
    fn relative_paths_resolve_like_a_browser() {
        assert_eq!(
            resolve_relative("zh-CN", "../students/x.md").as_deref(),
            Some("students/x.md")
        );
        assert_eq!(resolve_relative("", "./a/b.md").as_deref(), Some("a/b.md"));
        assert_eq!(resolve_relative("", "../x.md"), None);
    }

    #[test]
    fn the_real_course_has_lessons_and_exercises() {
        let course = read_course(&util::project_root()).unwrap();
        assert!(course.lessons.contains(&"hashing".to_owned()));
        assert!(!course.exercises.is_empty());
    }

    #[test]
    fn built_pages_are_checked_where_the_app_links() {
        let out = std::env::temp_dir().join(format!("xtask-book-built-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        for dir in ["students", "zh-CN"] {
            std::fs::create_dir_all(out.join(dir)).unwrap();
            std::fs::write(out.join(dir).join("hashing.html"), "x").unwrap();
        }
        let course = Course {
            lessons: vec!["hashing".into()],
            exercises: vec![],
        };
        let error = check_built(&out, &course).unwrap_err().to_string();
        assert!(error.ends_with(": index.html"), "{error}");
        std::fs::write(out.join("index.html"), "x").unwrap();
        check_built(&out, &course).unwrap();
        std::fs::remove_file(out.join("zh-CN/hashing.html")).unwrap();
        let error = check_built(&out, &course).unwrap_err().to_string();
        assert!(error.ends_with(": zh-CN/hashing.html"), "{error}");
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn site_links_must_reach_the_app() {
        let site = std::env::temp_dir().join(format!("xtask-book-site-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&site);
        let course = Course {
            lessons: vec!["hashing".into()],
            exercises: vec![],
        };
        for (dir, query) in LOCALES {
            let folder = site.join("book").join(dir);
            std::fs::create_dir_all(&folder).unwrap();
            let link = lesson_link("hashing", query);
            std::fs::write(
                folder.join("hashing.html"),
                format!("<a href=\"{link}\">x</a>"),
            )
            .unwrap();
        }
        // No app next to the book: refused, naming the missing page.
        let error = check_site_links(&site, &course).unwrap_err().to_string();
        assert!(error.contains("index.html"), "{error}");
        std::fs::write(site.join("index.html"), "<!doctype html>").unwrap();
        assert_eq!(check_site_links(&site, &course).unwrap(), 2);
        // A chapter whose link was changed is named.
        std::fs::write(
            site.join("book/zh-CN/hashing.html"),
            "<a href=\"../index.html\">x</a>",
        )
        .unwrap();
        let error = check_site_links(&site, &course).unwrap_err().to_string();
        assert!(error.contains("zh-CN/hashing.html has no link"), "{error}");
        std::fs::remove_dir_all(&site).unwrap();
    }
}
