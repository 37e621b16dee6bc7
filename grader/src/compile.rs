//! Building a student's file into a binary inside the sandbox.
//!
//! Warm-up (once per grader cache): the template's dependencies (`sha2`,
//! `ed25519-dalek`, `hex`, `serde_json`, at the workspace's locked versions)
//! are built by cargo, offline, into rlibs; the Rust toolchain's sysroot is
//! made readable by the sandbox user (hard links, else copies).
//!
//! Per submission: the grader-owned harness plus the student's file are
//! written to a fresh source directory and `rustc` is invoked directly with
//! `--extern` to those rlibs, inside the sandbox, with a cleared environment,
//! `-F unsafe_code -F long_running_const_eval`, and nothing else visible: no
//! build scripts, no proc-macros, no other crates, no hidden files.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::sandbox::{self, Bind, End, Job, Limits, Sandbox};

/// The template crate's manifest (dependency versions must match the workspace).
const TEMPLATE_MANIFEST: &str = include_str!("../template/Cargo.toml.in");
/// The workspace lock file, so the template resolves to the same versions offline.
const WORKSPACE_LOCK: &str = include_str!("../../Cargo.lock");
/// Grader-owned harness entry point.
const HARNESS_MAIN: &str = include_str!("../harness/main.rs");
/// Grader-owned types handed to student functions (`crate::chain`).
const HARNESS_CHAIN: &str = include_str!("../harness/chain.rs");
/// Crates the student's code (and the harness) may use.
const EXTERN_CRATES: &[&str] = &["sha2", "ed25519_dalek", "hex", "serde_json"];

/// A warmed-up build environment.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// Sysroot readable by the sandbox user.
    sysroot: PathBuf,
    /// Directory holding the dependency rlibs.
    deps: PathBuf,
    /// `--extern name=file` pairs (file names inside `deps`).
    externs: Vec<(String, String)>,
    /// `rustc -vV` output, part of the build cache key.
    version: String,
    /// Compiled binaries, by content hash.
    bin_cache: PathBuf,
}

/// What a compilation produced.
#[derive(Debug, Clone)]
pub enum Built {
    /// A binary, at a grader-owned path.
    Binary(PathBuf),
    /// The compiler refused; its messages (paths made relative).
    Rejected(String),
}

#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    #[serde(default)]
    target: Option<CargoTarget>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct CargoTarget {
    name: String,
}

impl Toolchain {
    /// Prepares (or reuses) everything under `cache`.
    pub fn warm_up(cache: &Path) -> Result<Self> {
        sandbox::make_shared_dir(cache)?;
        let rustc = host_rustc()?;
        let version = run_text(Command::new(&rustc).arg("-vV"))?;
        let sysroot =
            PathBuf::from(run_text(Command::new(&rustc).args(["--print", "sysroot"]))?.trim());
        let host = version
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .context("`rustc -vV` printed no host triple")?
            .to_string();
        let sysroot = stage_sysroot(&sysroot, &host, cache, &version)?;
        let (deps, externs) = build_deps(cache)?;
        let bin_cache = cache.join("bins");
        sandbox::make_shared_dir(&bin_cache)?;
        Ok(Self {
            sysroot,
            deps,
            externs,
            version,
            bin_cache,
        })
    }

    /// Compiles `student_src` with `op_harness` into a binary (cached by content).
    pub fn build(
        &self,
        sb: &Sandbox,
        work: &Path,
        student_src: &str,
        op_harness: &str,
    ) -> Result<Built> {
        let mut h = Sha256::new();
        for part in [
            self.version.as_str(),
            HARNESS_MAIN,
            HARNESS_CHAIN,
            op_harness,
            student_src,
            &format!("{:?}", self.rustc_flags()),
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        let key = hex::encode(h.finalize());
        let cached = self.bin_cache.join(&key);
        if cached.is_file() {
            return Ok(Built::Binary(cached));
        }
        let src = work.join("src");
        let out = work.join("build-out");
        sandbox::make_shared_dir(&src)?;
        std::fs::write(src.join("main.rs"), HARNESS_MAIN).context("writing the harness")?;
        std::fs::write(src.join("chain.rs"), HARNESS_CHAIN).context("writing the harness")?;
        std::fs::write(src.join("op.rs"), op_harness).context("writing the harness")?;
        std::fs::write(src.join("solution.rs"), student_src)
            .context("writing the student's file")?;
        sandbox::make_sandbox_writable_dir(&out)?;
        let mut args: Vec<String> = self.rustc_flags();
        args.push("-L".into());
        args.push("dependency=/deps".into());
        for (name, file) in &self.externs {
            args.push("--extern".into());
            args.push(format!("{name}=/deps/{file}"));
        }
        args.extend(["-o".into(), "/out/submission".into(), "/src/main.rs".into()]);
        let job = Job {
            program: PathBuf::from("/toolchain/bin/rustc"),
            args,
            binds: vec![
                Bind {
                    host: self.sysroot.clone(),
                    inside: "/toolchain".into(),
                    writable: false,
                },
                Bind {
                    host: self.deps.clone(),
                    inside: "/deps".into(),
                    writable: false,
                },
                Bind {
                    host: src.clone(),
                    inside: "/src".into(),
                    writable: false,
                },
                Bind {
                    host: out.clone(),
                    inside: "/out".into(),
                    writable: true,
                },
            ],
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            cwd: "/tmp".into(),
            limits: compile_limits(),
        };
        let outcome = sb.run(&job).context("running the compiler")?;
        let messages = String::from_utf8_lossy(&outcome.stderr)
            .replace("/src/solution.rs", "solution.rs")
            .replace("/src/", "<harness>/");
        match outcome.end {
            End::Exited(0) => {}
            End::TimedOut => {
                return Ok(Built::Rejected(format!(
                    "compilation took longer than {} s and was stopped\n{messages}",
                    job.limits.wall.as_secs()
                )));
            }
            _ => return Ok(Built::Rejected(messages)),
        }
        let bin = sandbox::read_untrusted_file(&out.join("submission"), 256 << 20)
            .context("collecting the compiled binary")?;
        let tmp = self
            .bin_cache
            .join(format!("{key}.tmp{}", std::process::id()));
        std::fs::write(&tmp, bin).context("storing the compiled binary")?;
        set_mode(&tmp, 0o755)?;
        std::fs::rename(&tmp, &cached).context("storing the compiled binary")?;
        let _ = std::fs::remove_dir_all(&out);
        Ok(Built::Binary(cached))
    }

    fn rustc_flags(&self) -> Vec<String> {
        [
            "--edition=2024",
            "--crate-type=bin",
            "--crate-name=submission",
            "-Copt-level=0",
            "-Cdebuginfo=0",
            "-Coverflow-checks=on",
            "-Ccodegen-units=1",
            "-Funsafe_code",
            "-Flong_running_const_eval",
            "--color=never",
            "-Awarnings",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
}

/// Limits for one compilation (rustc plus the linker).
pub fn compile_limits() -> Limits {
    Limits {
        wall: Duration::from_secs(90),
        cpu_secs: 90,
        memory_bytes: 4 << 30,
        file_bytes: 256 << 20,
        processes: 64,
        open_files: 512,
        stdout_bytes: 64 << 10,
        stderr_bytes: 256 << 10,
        tmp_bytes: 512 << 20,
    }
}

fn host_rustc() -> Result<PathBuf> {
    if let Some(r) = std::env::var_os("RUSTC") {
        return Ok(PathBuf::from(r));
    }
    sandbox::find_in_path("rustc").context("no `rustc` on PATH: install Rust (rustup)")
}

fn run_text(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("running {:?}", cmd.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).context("non-UTF-8 tool output")
}

fn set_mode(p: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("setting permissions of {}", p.display()))
}

/// The parts of the sysroot rustc needs, at a path the sandbox user can read.
fn stage_sysroot(sysroot: &Path, host: &str, cache: &Path, version: &str) -> Result<PathBuf> {
    if sandbox::world_readable(&sysroot.join("bin/rustc"))
        && sandbox::world_readable(&sysroot.join("lib/rustlib").join(host).join("lib"))
    {
        return Ok(sysroot.to_path_buf());
    }
    let tag = hex::encode(&Sha256::digest(version.as_bytes())[..8]);
    let staged = cache.join(format!("sysroot-{tag}"));
    let done = staged.join(".complete");
    if done.is_file() {
        return Ok(staged);
    }
    // Build next to the final place and rename: concurrent graders may race.
    let building = cache.join(format!("sysroot-{tag}.building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    let parts = [
        PathBuf::from("bin/rustc"),
        PathBuf::from("lib/rustlib").join(host),
    ];
    for part in &parts {
        link_tree(&sysroot.join(part), &building.join(part))?;
    }
    for entry in std::fs::read_dir(sysroot.join("lib")).context("reading the sysroot")? {
        let entry = entry?;
        if entry.file_type()?.is_file() || entry.file_type()?.is_symlink() {
            link_tree(&entry.path(), &building.join("lib").join(entry.file_name()))?;
        }
    }
    make_tree_readable(&building)?;
    std::fs::write(building.join(".complete"), "")
        .context("marking the staged sysroot complete")?;
    if std::fs::rename(&building, &staged).is_err() {
        // Someone else finished first (or a stale incomplete copy is there).
        let _ = std::fs::remove_dir_all(&building);
        if !done.is_file() {
            bail!(
                "could not stage the sysroot at {}; remove it and retry",
                staged.display()
            );
        }
    }
    Ok(staged)
}

/// Hard-links (or copies, across file systems) `from` to `to`, recursively.
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    let meta =
        std::fs::symlink_metadata(from).with_context(|| format!("reading {}", from.display()))?;
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from)?;
        std::os::unix::fs::symlink(target, to)?;
    } else if meta.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}

/// `chmod -R a+rX` on grader-owned directories.
fn make_tree_readable(root: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // Another grader may be changing the cache at the same time: a vanished
    // entry is not an error.
    let meta = match std::fs::symlink_metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    if meta.is_dir() {
        set_mode(root, mode | 0o555)?;
        let Ok(entries) = std::fs::read_dir(root) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            make_tree_readable(&entry.path())?;
        }
    } else {
        let x = if mode & 0o100 != 0 { 0o111 } else { 0 };
        if mode & 0o444 != 0o444 || mode & x != x {
            set_mode(root, mode | 0o444 | x)?;
        }
    }
    Ok(())
}

/// Builds the template's dependencies with cargo (offline, same lock as the
/// workspace) and returns the deps directory and `--extern` pairs.
fn build_deps(cache: &Path) -> Result<(PathBuf, Vec<(String, String)>)> {
    let tdir = cache.join("template");
    let stamp_key = hex::encode(Sha256::digest(
        format!("{TEMPLATE_MANIFEST}{WORKSPACE_LOCK}").as_bytes(),
    ));
    let stamp = tdir.join("externs.json");
    if let Ok(text) = std::fs::read_to_string(&stamp)
        && let Ok((key, deps, externs)) =
            serde_json::from_str::<(String, PathBuf, Vec<(String, String)>)>(&text)
        && key == stamp_key
        && externs.iter().all(|(_, f)| deps.join(f).is_file())
    {
        return Ok((deps, externs));
    }
    std::fs::create_dir_all(tdir.join("src"))?;
    std::fs::write(tdir.join("Cargo.toml"), TEMPLATE_MANIFEST)?;
    std::fs::write(tdir.join("Cargo.lock"), WORKSPACE_LOCK)?;
    std::fs::write(
        tdir.join("src/lib.rs"),
        "//! Dependencies offered to student code.\n",
    )?;
    let cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .or_else(|| sandbox::find_in_path("cargo"))
        .context("no `cargo` on PATH: install Rust (rustup)")?;
    let target = tdir.join("target");
    let out = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "--offline",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(tdir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .output()
        .context("running cargo to build the template's dependencies")?;
    if !out.status.success() {
        bail!(
            "building the template's dependencies failed (is the registry cache warm? run `cargo fetch` in the workspace):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut externs = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<CargoMessage>(line) else {
            continue;
        };
        let Some(t) = msg.target else { continue };
        if msg.reason != "compiler-artifact" || !EXTERN_CRATES.contains(&t.name.as_str()) {
            continue;
        }
        if let Some(rlib) = msg
            .filenames
            .iter()
            .find(|f| f.extension().is_some_and(|e| e == "rlib"))
            && let Some(name) = rlib.file_name()
        {
            externs.push((t.name.clone(), name.to_string_lossy().into_owned()));
        }
    }
    externs.sort();
    externs.dedup();
    if externs.len() != EXTERN_CRATES.len() {
        bail!("the template build did not produce every expected crate: got {externs:?}");
    }
    let deps = target.join("release/deps");
    make_tree_readable(&tdir)?;
    std::fs::write(
        &stamp,
        serde_json::to_string(&(stamp_key, &deps, &externs))?,
    )?;
    Ok((deps, externs))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The template promises students the workspace's versions of sha2 and
    /// ed25519-dalek; guard against the two manifests drifting apart.
    #[test]
    fn template_dependencies_match_workspace() {
        let ws: toml::Value = toml::from_str(include_str!("../../Cargo.toml")).unwrap();
        let tpl: toml::Value = toml::from_str(TEMPLATE_MANIFEST).unwrap();
        let ws_deps = &ws["workspace"]["dependencies"];
        for (name, spec) in tpl["dependencies"].as_table().unwrap() {
            let want = ws_deps[name.as_str()].clone();
            let version = |v: &toml::Value| match v {
                toml::Value::String(s) => s.clone(),
                t => t["version"].as_str().unwrap().to_string(),
            };
            assert_eq!(version(spec), version(&want), "{name}");
        }
    }
}
