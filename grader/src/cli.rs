//! Command-line interface: parsing and the shared set-up of a [`Grader`].

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::compile::Toolchain;
use crate::grade::{Grader, Settings};
use crate::jail::JailArgs;
use crate::manifest::Course;
use crate::ops::Registry;
use crate::sandbox::{self, Isolation, Sandbox};

/// ChainLab grader: check your exercises, or grade a class's submissions.
#[derive(Debug, Parser)]
#[command(name = "grader", version)]
pub struct Cli {
    /// The course folder (holding exercises.toml). Default: $CHAINLAB_EXERCISES,
    /// else the nearest `exercises/` above the current folder.
    #[arg(long, global = true)]
    pub exercises: Option<PathBuf>,
    /// Cache for the compiler set-up and built binaries. Default:
    /// $CHAINLAB_GRADER_CACHE, else `target/grader-cache` next to the course.
    #[arg(long, global = true)]
    pub cache: Option<PathBuf>,
    /// Language of texts: `en` or `zh-CN`.
    #[arg(long, global = true, default_value = "en")]
    pub lang: String,
    /// Allow grading without bubblewrap, on your own machine, for your own code.
    #[arg(long, global = true)]
    pub unsandboxed_own_machine: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Copy the starter files into your work folder (never overwrites).
    Init(WorkArgs),
    /// List exercises with your progress.
    List(WorkArgs),
    /// Show an exercise's task.
    Show {
        /// Exercise id.
        exercise: String,
    },
    /// Check your solution: visible examples, then hidden cases.
    Check {
        /// Exercise id.
        exercise: String,
        /// Your work folder.
        #[command(flatten)]
        work: WorkArgs,
    },
    /// Reveal the next hint for an exercise.
    Hint {
        /// Exercise id.
        exercise: String,
        /// Your work folder.
        #[command(flatten)]
        work: WorkArgs,
    },
    /// Re-check whenever you save a file.
    Watch {
        /// Only this exercise (default: whichever file changed).
        exercise: Option<String>,
        /// Your work folder.
        #[command(flatten)]
        work: WorkArgs,
    },
    /// Grade one submission file, or a folder of submissions (instructors).
    Grade(crate::batch::GradeArgs),
    /// Grade lesson transcripts exported from the web app: one file, or a
    /// folder of them (instructors). The same report formats, batch, resume
    /// and summary as `grade`; each objective is a test worth one point,
    /// grouped by step. A tampered or unreadable transcript gets an error
    /// report with the reason. Needs no sandbox and no compiler.
    #[command(after_help = "Examples:
  grader lesson hashing alice.json
  grader lesson hashing alice.json --format exercism
  grader lesson transactions transcripts/ --out reports/ --jobs 2
  grader --lang zh-CN lesson lessons/course/01-hashing alice.json")]
    Lesson(crate::transcript::LessonArgs),
    /// Prove the course is sound: starters fail, references pass, every
    /// known-wrong solution is caught by its named case class.
    CourseCheck {
        /// Parallel gradings.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// Only these exercises.
        #[arg(long = "only")]
        only: Vec<String>,
    },
    /// Show whether the sandbox works here and what it enforces.
    Doctor,
    /// Print generated inputs of an operation with their reference outputs
    /// (for writing visible examples).
    Sample {
        /// Operation name.
        operation: String,
        /// Case class.
        class: String,
        /// How many.
        #[arg(long, default_value_t = 2)]
        count: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// (internal) the in-sandbox jail.
    #[command(name = "__jail", hide = true)]
    Jail(JailArgs),
}

/// The student's work folder.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkArgs {
    /// Folder with your solution files (`<exercise>.rs`).
    #[arg(long, default_value = "chainlab-work")]
    pub workdir: PathBuf,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Jail(args) = &cli.command {
        crate::jail::run(args)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Lesson(args) = &cli.command {
        return crate::transcript::run(args, &cli.lang);
    }
    let registry = Registry::builtin();
    if let Command::Sample {
        operation,
        class,
        count,
        seed,
    } = &cli.command
    {
        let op = registry.get(operation)?;
        let mut rng = crate::rng::CaseRng::derive(*seed, class);
        let mut out = Vec::new();
        for i in 0..*count {
            let input = op.generate(class, i, &mut rng)?;
            let expected = op.reference(&input)?;
            out.push(serde_json::json!({"name": format!("{class} {}", i + 1), "input": input, "expected": expected}));
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let root = course_root(cli.exercises.as_deref())?;
    let course = Course::load(&root, &registry)?;
    let lang = cli.lang.clone();
    match &cli.command {
        Command::Init(w) => crate::student::init(&course, &w.workdir),
        Command::List(w) => crate::student::list(&course, &w.workdir, &lang),
        Command::Show { exercise } => {
            let ex = course.get(exercise)?;
            println!("# {}\n\n{}", ex.title.get(&lang), ex.task.get(&lang));
            Ok(ExitCode::SUCCESS)
        }
        Command::Hint { exercise, work } => {
            crate::student::hint(&course, exercise, &work.workdir, &lang)
        }
        Command::Check { exercise, work } => {
            let g = build_grader(&cli, &root, registry)?;
            crate::student::check(&g, &course, exercise, &work.workdir, &lang)
        }
        Command::Watch { exercise, work } => {
            let g = build_grader(&cli, &root, registry)?;
            crate::student::watch(&g, &course, exercise.as_deref(), &work.workdir, &lang)
        }
        Command::Grade(args) => {
            let g = build_grader(&cli, &root, registry)?;
            crate::batch::grade(&g, &course, args, &lang)
        }
        Command::CourseCheck { jobs, only } => {
            let g = build_grader(&cli, &root, registry)?;
            crate::course_check::run(&g, &course, *jobs, only)
        }
        Command::Doctor => {
            let g = build_grader(&cli, &root, registry)?;
            doctor(&g)
        }
        Command::Jail(_) | Command::Sample { .. } | Command::Lesson(_) => Ok(ExitCode::SUCCESS),
    }
}

fn doctor(g: &Grader) -> Result<ExitCode> {
    match g.sandbox.isolation() {
        Isolation::Bubblewrap { bwrap } => println!("sandbox: bubblewrap ({})", bwrap.display()),
        Isolation::OwnMachine => {
            println!("sandbox: NONE (own-machine mode: rlimits, Landlock, seccomp only)")
        }
    }
    let l = &g.settings.run_limits;
    let job = |program: &str, args: &[&str]| crate::sandbox::Job {
        program: program.into(),
        args: args.iter().map(|s| s.to_string()).collect(),
        binds: Vec::new(),
        env: Vec::new(),
        cwd: "/tmp".into(),
        limits: l.clone(),
    };
    let status = g
        .sandbox
        .run(&job("/usr/bin/cat", &["/proc/self/status"]))?;
    for line in String::from_utf8_lossy(&status.stdout).lines() {
        if ["Uid:", "CapEff:", "NoNewPrivs:", "Seccomp:"]
            .iter()
            .any(|k| line.starts_with(k))
        {
            println!("inside the sandbox: {line}");
        }
    }
    let jail = g.sandbox.jail_path_inside();
    let denied = g
        .sandbox
        .run(&job("/usr/bin/cat", &[&jail.to_string_lossy()]))?;
    println!(
        "Landlock: {}",
        if denied.end != crate::sandbox::End::Exited(0) {
            "enforced (reading the grader binary from inside is refused)"
        } else {
            "NOT enforced on this kernel"
        }
    );
    println!(
        "running as: {}",
        if nix::unistd::geteuid().is_root() {
            "root, sandbox as uid 65534"
        } else {
            "current user"
        }
    );
    println!("run limits: {l:?}");
    Ok(ExitCode::SUCCESS)
}

/// Finds the course folder.
pub fn course_root(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("CHAINLAB_EXERCISES") {
        return Ok(PathBuf::from(p));
    }
    let cwd = std::env::current_dir()?;
    for dir in cwd.ancestors() {
        let cand = dir.join("exercises");
        if cand.join("exercises.toml").is_file() {
            return Ok(cand);
        }
    }
    anyhow::bail!(
        "cannot find the course: no exercises/exercises.toml above {}; pass --exercises DIR",
        cwd.display()
    )
}

/// The grader cache folder.
///
/// When running as root the sandbox user must be able to read the cache, so
/// a default under a private home (e.g. `/root`, mode 0700) is replaced by a
/// root-owned folder in `/var/tmp`.
pub fn cache_dir(given: Option<&Path>, course_root: &Path) -> Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("CHAINLAB_GRADER_CACHE") {
        return Ok(PathBuf::from(p));
    }
    let abs = std::fs::canonicalize(course_root)
        .with_context(|| format!("resolving {}", course_root.display()))?;
    let base = abs.parent().unwrap_or(&abs);
    let preferred = base.join("target").join("grader-cache");
    if !nix::unistd::geteuid().is_root() || sandbox::world_readable(base) {
        return Ok(preferred);
    }
    let fallback = PathBuf::from("/var/tmp/chainlab-grader-cache");
    match std::fs::symlink_metadata(&fallback) {
        Ok(m) => {
            use std::os::unix::fs::MetadataExt;
            if !m.is_dir() || m.uid() != 0 {
                anyhow::bail!(
                    "{} exists but is not a folder owned by root; remove it or pass --cache",
                    fallback.display()
                );
            }
        }
        Err(_) => sandbox::make_shared_dir(&fallback)?,
    }
    Ok(fallback)
}

/// The jail binary: this executable, staged where the sandbox user can read
/// it. The staged copy is named after the executable's size and mtime and
/// written under a temporary name first, so concurrent graders never exec a
/// half-written file.
fn jail_exe(cache: &Path) -> Result<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let me = std::env::current_exe().context("locating the grader executable")?;
    if sandbox::world_readable(&me) {
        return Ok(me);
    }
    let meta = std::fs::metadata(&me).context("reading the grader executable")?;
    let staged = cache.join(format!("grader-jail-{}-{}", meta.size(), meta.mtime()));
    if staged.is_file() {
        return Ok(staged);
    }
    let tmp = cache.join(format!("grader-jail.tmp{}", std::process::id()));
    std::fs::copy(&me, &tmp).context("staging the grader executable for the sandbox")?;
    std::fs::rename(&tmp, &staged).context("staging the grader executable for the sandbox")?;
    Ok(staged)
}

/// Sets up sandbox and toolchain for commands that run student code.
pub fn build_grader(cli: &Cli, root: &Path, registry: Registry) -> Result<Grader> {
    let cache = cache_dir(cli.cache.as_deref(), root)?;
    sandbox::make_shared_dir(&cache)?;
    if nix::unistd::geteuid().is_root() && !sandbox::world_readable(&cache) {
        anyhow::bail!(
            "the grader cache {} must be readable by the sandbox user (every parent folder searchable); choose another with --cache",
            cache.display()
        );
    }
    let sb = Sandbox::detect(jail_exe(&cache)?, cli.unsandboxed_own_machine)?;
    let toolchain = Toolchain::warm_up(&cache).context("preparing the compiler")?;
    let scratch = cache.join("scratch");
    sandbox::make_shared_dir(&scratch)?;
    let mut settings = Settings::default();
    if let Ok(seed) = std::env::var("CHAINLAB_SEED") {
        settings.seed = Some(
            seed.parse()
                .with_context(|| format!("CHAINLAB_SEED={seed} is not a number"))?,
        );
    }
    if let Ok(secs) = std::env::var("CHAINLAB_RUN_TIMEOUT_SECS") {
        let secs: u64 = secs
            .parse()
            .with_context(|| format!("CHAINLAB_RUN_TIMEOUT_SECS={secs} is not a number"))?;
        settings.run_limits.wall = std::time::Duration::from_secs(secs);
        settings.run_limits.cpu_secs = secs;
    }
    Ok(Grader {
        registry,
        sandbox: sb,
        toolchain,
        scratch,
        settings,
    })
}
