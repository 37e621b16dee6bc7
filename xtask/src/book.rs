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
    let out = target.join("book");
    build(&mdbook, &book, &out)?;
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
