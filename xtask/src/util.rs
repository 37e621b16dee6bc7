//! Running commands and locating the workspace.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// The workspace root (the folder above `xtask/`).
pub(crate) fn project_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// A `cargo` command run from the workspace root, using the same cargo that
/// runs the xtask (so `cargo +toolchain xtask` stays on that toolchain).
pub(crate) fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(project_root());
    command
}

/// A human-readable form of a command line, for logs and error messages.
pub(crate) fn display(command: &Command) -> String {
    let program = Path::new(command.get_program())
        .file_name()
        .unwrap_or(command.get_program())
        .to_string_lossy()
        .into_owned();
    let mut line = program;
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs a command with inherited stdio; an error if it cannot start or fails.
pub(crate) fn run(command: &mut Command) -> Result<()> {
    let shown = display(command);
    eprintln!("$ {shown}");
    let status = command
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs a command and returns its standard output; stderr goes to the terminal.
pub(crate) fn output(command: &mut Command) -> Result<String> {
    let shown = display(command);
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !output.status.success() {
        bail!("`{shown}` failed ({})", output.status);
    }
    String::from_utf8(output.stdout).with_context(|| format!("`{shown}` printed invalid UTF-8"))
}

/// True if the command starts and exits successfully (its output is discarded).
pub(crate) fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Cargo's target directory for this workspace (honours `CARGO_TARGET_DIR`
/// and `build.target-dir`).
pub(crate) fn target_dir() -> Result<PathBuf> {
    let metadata = output(&mut cargo([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
    ]))?;
    let metadata: serde_json::Value =
        serde_json::from_str(&metadata).context("`cargo metadata` printed invalid JSON")?;
    let Some(dir) = metadata
        .get("target_directory")
        .and_then(serde_json::Value::as_str)
    else {
        bail!("`cargo metadata` did not name a target directory");
    };
    Ok(PathBuf::from(dir))
}

/// Seconds since `start`, for timing lines.
pub(crate) fn seconds_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// Makes sure `program` is on PATH, installing the Debian `package` that
/// provides it with apt-get when it is missing (CI and fresh machines run
/// as root). Fails with the exact command to run when that is not possible.
pub(crate) fn ensure_debian_package(program: &str, package: &str) -> Result<()> {
    if succeeds(Command::new("sh").args(["-c", &format!("command -v {program}")])) {
        return Ok(());
    }
    println!("xtask: {program} is missing; installing the Debian package {package}");
    let installed = succeeds(Command::new("apt-get").arg("update").arg("-qq"))
        && succeeds(
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "--no-install-recommends", package])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        );
    if !installed {
        bail!(
            "{program} is needed and could not be installed; run `apt-get install {package}` as root"
        );
    }
    Ok(())
}
