//! `cargo xtask test`: every check, in order, stopping at the first failure.

use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util::{self, cargo};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Options of `cargo xtask test`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    /// Only fmt, clippy and the native tests.
    quick: bool,
    /// Only the web steps (wasm32 build, component tests, end-to-end), to
    /// iterate on the browser side without the whole suite; hidden.
    only_web: bool,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--only-web" => options.only_web = true,
                other => bail!("`cargo xtask test` does not know `{other}` (try --quick)"),
            }
        }
        if options.quick && options.only_web {
            bail!("`--quick` and `--only-web` run disjoint steps; give one of them");
        }
        Ok(options)
    }
}

pub(crate) fn run(options: Options) -> Result<()> {
    let start = Instant::now();
    install_toolchain_parts(!options.quick)?;

    let total = match (options.quick, options.only_web) {
        (true, _) => 3,
        (false, true) => 5,
        (false, false) => 10,
    };
    let mut steps = Steps::new(total);
    if options.only_web {
        web_steps(&mut steps)?;
        return finish(start, total);
    }
    steps.run("fmt", || util::run(&mut cargo(["fmt", "--all", "--check"])))?;
    steps.run("clippy", || {
        util::run(&mut cargo([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    let seed = proptest_seed();
    println!("xtask test: PROPTEST_RNG_SEED={seed} (set it to replay these property tests)");
    steps.run("native tests", || {
        util::run(cargo(["test", "--workspace"]).env("PROPTEST_RNG_SEED", &seed))
    })?;
    if !options.quick {
        // The course checks itself: every lesson parses, starts unsolved and
        // is completed by its solution; every exercise starter fails, every
        // reference scores 100 % and every known-wrong solution is caught.
        steps.run("course checks", || {
            util::run(&mut cargo(["run", "-q", "-p", "lessons", "--", "check"]))?;
            util::run(&mut cargo([
                "run",
                "-q",
                "-p",
                "grader",
                "--",
                "course-check",
                "--jobs",
                "2",
            ]))
        })?;
        web_steps(&mut steps)?;
        // The book: every include resolves and every Rust snippet compiles
        // and runs against the crates.
        steps.run("book", || crate::book::run(crate::book::Options::default()))?;
    }
    finish(start, total)
}

fn finish(start: Instant, total: usize) -> Result<()> {
    println!(
        "xtask test: all {total} steps passed in {:.1} s",
        util::seconds_since(start)
    );
    // The closing line, in the `N passed, N failed` form that CI reads.
    println!("xtask: {total} passed, 0 failed");
    Ok(())
}

/// The browser side: the wasm32 build, the wasm32 tests in Node.js, the
/// component tests and the end-to-end test in headless Chromium.
fn web_steps(steps: &mut Steps) -> Result<()> {
    steps.run("wasm32 build", || {
        util::run(&mut cargo([
            "build",
            "-p",
            "sandbox-chain",
            "-p",
            "lessons",
            "-p",
            "web",
            "-p",
            "web-worker",
            "--lib",
            "--target",
            WASM_TARGET,
        ]))
    })?;
    let mut runner = None;
    steps.run("wasm test runner build", || {
        runner = Some(build_wasm_test_runner()?);
        Ok(())
    })?;
    steps.run("wasm32 tests (Node.js)", || {
        let runner = runner
            .as_ref()
            .context("the wasm test runner was not built")?;
        run_wasm_tests(runner)
    })?;
    steps.run("web components (headless Chromium)", || {
        let runner = runner
            .as_ref()
            .context("the wasm test runner was not built")?;
        run_browser_component_tests(runner)
    })?;
    steps.run(
        "end-to-end (static site in headless Chromium)",
        run_end_to_end,
    )?;
    Ok(())
}

/// Counts and times the steps; on a failure prints the closing line and names
/// the step in the error.
struct Steps {
    total: usize,
    passed: usize,
}

impl Steps {
    fn new(total: usize) -> Steps {
        Steps { total, passed: 0 }
    }

    fn run(&mut self, name: &str, step: impl FnOnce() -> Result<()>) -> Result<()> {
        let number = self.passed + 1;
        println!("\n==> xtask test: step {number}/{} {name}", self.total);
        let start = Instant::now();
        let result = step();
        let seconds = util::seconds_since(start);
        match result {
            Ok(()) => {
                self.passed += 1;
                println!(
                    "==> xtask test: step {number}/{} {name}: ok in {seconds:.1} s",
                    self.total
                );
                Ok(())
            }
            Err(error) => {
                println!(
                    "==> xtask test: step {number}/{} {name}: FAILED after {seconds:.1} s",
                    self.total
                );
                println!("xtask: {} passed, 1 failed", self.passed);
                Err(error.context(format!(
                    "`cargo xtask test` stopped at step {number}/{} ({name})",
                    self.total
                )))
            }
        }
    }
}

/// On a fresh machine: adds rustfmt, clippy and (unless quick) the wasm32
/// target to the active toolchain if they are missing.
fn install_toolchain_parts(wasm: bool) -> Result<()> {
    // The grader's sandbox tests run student code under bubblewrap.
    util::ensure_debian_package("bwrap", "bubblewrap")?;
    if !util::succeeds(Command::new("rustup").arg("--version")) {
        println!(
            "xtask test: rustup not found; assuming rustfmt, clippy and the {WASM_TARGET} \
             target are installed"
        );
        return Ok(());
    }
    let components =
        util::output(Command::new("rustup").args(["component", "list", "--installed"]))
            .context("could not list the installed rustup components")?;
    for component in ["rustfmt", "clippy"] {
        if !components.lines().any(|line| line.starts_with(component)) {
            util::run(Command::new("rustup").args(["component", "add", component]))
                .with_context(|| format!("could not install the rustup component {component}"))?;
        }
    }
    if wasm {
        install_wasm_target()?;
    }
    Ok(())
}

/// Adds the wasm32 target with rustup if it is missing (no-op without rustup).
pub(crate) fn install_wasm_target() -> Result<()> {
    if !util::succeeds(Command::new("rustup").arg("--version")) {
        return Ok(());
    }
    let targets = util::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .context("could not list the installed rustup targets")?;
    if !targets.lines().any(|line| line.trim() == WASM_TARGET) {
        util::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
            .with_context(|| format!("could not install the {WASM_TARGET} target"))?;
    }
    Ok(())
}

/// Checks Cargo.lock: wasm-bindgen and wasm-bindgen-cli at one version.
pub(crate) fn check_lock_versions() -> Result<()> {
    let lock_path = util::project_root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("could not read {}", lock_path.display()))?;
    check_wasm_bindgen_versions(&lock)
}

/// The web crate's component tests (`web/tests/browser.rs`), in headless
/// Chromium through Debian's chromedriver.
fn run_browser_component_tests(runner: &std::path::Path) -> Result<()> {
    crate::browser::ensure_chromium()?;
    let config = util::target_dir()?.join("webdriver.json");
    let args: Vec<String> = crate::browser::CHROMIUM_FLAGS
        .iter()
        .map(|flag| flag.trim_start_matches("--").to_owned())
        .collect();
    let caps = serde_json::json!({ "goog:chromeOptions": { "args": args } });
    std::fs::write(&config, caps.to_string())
        .with_context(|| format!("could not write {}", config.display()))?;
    util::run(
        cargo([
            "test",
            "-p",
            "web",
            "--target",
            WASM_TARGET,
            "--test",
            "browser",
        ])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("CHROMEDRIVER", crate::browser::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &config)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )
}

/// Builds the static site, serves it on 127.0.0.1 and runs `browser-check
/// e2e` against it with axe-core (from npm) checking each main view's
/// accessibility; screenshots go to `target/screenshots/`.
fn run_end_to_end() -> Result<()> {
    crate::browser::ensure_chromium()?;
    let site = util::target_dir()?.join("e2e-dist");
    crate::web::build(&site)?;
    let checker = crate::browser::build_checker()?;
    let server = crate::serve::spawn(site, 0)?;
    let shots = util::target_dir()?.join("screenshots");
    let axe = crate::browser::axe_core()?;
    crate::browser::check_streaming(
        &checker,
        "e2e",
        &server.url(),
        &[
            shots.to_string_lossy().as_ref(),
            axe.to_string_lossy().as_ref(),
        ],
    )?;
    grade_exported_transcripts(&shots.join("transcripts"))
}

/// Grades the transcripts the end-to-end run exported from the lesson
/// player with `grader lesson` (what instructors run): each must grade
/// (not be refused as tampered or unreadable) and pass an objective.
fn grade_exported_transcripts(dir: &std::path::Path) -> Result<()> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| {
            format!(
                "the end-to-end run saved no transcripts in {}",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    anyhow::ensure!(
        !files.is_empty(),
        "the end-to-end run exported no transcript into {}",
        dir.display()
    );
    for file in files {
        let lesson = file
            .file_stem()
            .and_then(|s| s.to_str())
            .context("a transcript file name that is not text")?
            .to_owned();
        let json = util::output(
            cargo(["run", "-q", "-p", "grader", "--", "lesson", &lesson])
                .arg(&file)
                .args(["--format", "json"]),
        )?;
        let report: serde_json::Value = serde_json::from_str(&json)
            .with_context(|| format!("`grader lesson` printed no JSON report: {json}"))?;
        let score = report["score"].as_f64().unwrap_or(0.0);
        let max = report["max_score"].as_f64().unwrap_or(0.0);
        anyhow::ensure!(
            report["status"] == "graded" && score >= 1.0,
            "the exported transcript {} did not grade: status {}, {score}/{max}, {}",
            file.display(),
            report["status"],
            report["message"]
        );
        println!(
            "xtask: `grader lesson {lesson}` graded the exported {}: {score}/{max} objectives",
            file.display()
        );
    }
    Ok(())
}

/// Builds `wasm-test-runner` (wasm-bindgen-cli as a library) after checking
/// that it matches the `wasm-bindgen` the tests are compiled against.
fn build_wasm_test_runner() -> Result<std::path::PathBuf> {
    check_lock_versions()?;
    util::run(&mut cargo([
        "build",
        "-p",
        "xtask",
        "--features",
        "wasm-runner",
        "--bin",
        "wasm-test-runner",
    ]))?;
    let runner = util::target_dir()?
        .join("debug")
        .join(format!("wasm-test-runner{}", std::env::consts::EXE_SUFFIX));
    if !runner.is_file() {
        bail!(
            "the wasm test runner was built but is not at {}",
            runner.display()
        );
    }
    Ok(runner)
}

fn run_wasm_tests(runner: &std::path::Path) -> Result<()> {
    util::ensure_debian_package("node", "nodejs")?;
    let node = util::output(Command::new("node").arg("--version")).context(
        "Node.js (`node`) is needed to run the wasm32 tests; install it (Debian: apt-get install nodejs)",
    )?;
    println!("xtask test: wasm32 tests run in Node.js {}", node.trim());
    for package in ["sandbox-chain", "lessons"] {
        util::run(
            cargo([
                "test",
                "-p",
                package,
                "--target",
                WASM_TARGET,
                "--test",
                "wasm",
            ])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner),
        )?;
    }
    Ok(())
}

/// The wasm-bindgen test runner refuses test binaries made by another
/// wasm-bindgen version; say so before a long build, in words that name the fix.
fn check_wasm_bindgen_versions(lock: &str) -> Result<()> {
    let versions = |name: &str| -> Vec<String> {
        lock_versions(lock, name)
            .into_iter()
            .map(String::from)
            .collect()
    };
    let bindgen = versions("wasm-bindgen");
    let cli = versions("wasm-bindgen-cli");
    match (bindgen.as_slice(), cli.as_slice()) {
        ([bindgen], [cli]) if bindgen == cli => Ok(()),
        ([], _) => bail!(
            "Cargo.lock has no wasm-bindgen; the wasm tests need it (through wasm-bindgen-test)"
        ),
        _ => bail!(
            "Cargo.lock has wasm-bindgen {bindgen:?} but wasm-bindgen-cli {cli:?}; they must be \
             one and the same version: pin both exactly (`=0.2.x`) in [workspace.dependencies] \
             of the root Cargo.toml"
        ),
    }
}

/// The versions of package `name` recorded in a Cargo.lock.
fn lock_versions<'a>(lock: &'a str, name: &str) -> Vec<&'a str> {
    let mut versions = Vec::new();
    for package in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"'))
            })
        };
        if field("name") == Some(name)
            && let Some(version) = field("version")
        {
            versions.push(version);
        }
    }
    versions
}

/// The seed of every property test in this run: `PROPTEST_RNG_SEED` if set;
/// otherwise fixed under CI (a landing must not depend on luck) and drawn
/// from the clock on a developer's machine (to explore new cases). Either
/// way it is printed, so any failure can be replayed.
fn proptest_seed() -> String {
    if let Ok(seed) = std::env::var("PROPTEST_RNG_SEED") {
        return seed;
    }
    if std::env::var_os("CI").is_some() {
        return "20261122".to_string();
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    u64::from(nanos).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
dependencies = [
 "cfg-if",
]

[[package]]
name = "wasm-bindgen-cli"
version = "0.2.130"
"#;

    #[test]
    fn lock_versions_finds_exact_name_only() {
        assert_eq!(lock_versions(LOCK, "wasm-bindgen"), ["0.2.130"]);
        assert_eq!(lock_versions(LOCK, "wasm-bindgen-cli"), ["0.2.130"]);
        assert!(lock_versions(LOCK, "cfg-if").is_empty());
    }

    #[test]
    fn matching_wasm_bindgen_versions_pass() {
        assert!(check_wasm_bindgen_versions(LOCK).is_ok());
    }

    #[test]
    fn mismatched_wasm_bindgen_versions_are_named() {
        let lock = LOCK.replacen("0.2.130", "0.2.129", 1);
        let error = check_wasm_bindgen_versions(&lock).unwrap_err().to_string();
        assert!(
            error.contains("0.2.129") && error.contains("0.2.130"),
            "{error}"
        );
    }

    #[test]
    fn options_reject_unknown_flags() {
        assert_eq!(
            Options::parse(&["--quick".into()]).unwrap(),
            Options {
                quick: true,
                only_web: false
            }
        );
        assert!(Options::parse(&["--quick".into(), "--only-web".into()]).is_err());
        assert!(Options::parse(&["--quik".into()]).is_err());
    }
}
