//! `cargo xtask fuzz [TARGET] [--seconds N] [--stable]`: runs a cargo-fuzz
//! target from `fuzz/fuzz_targets/` for a bounded time.
//!
//! cargo-fuzz needs nightly compiler flags (`-Zsanitizer`). The xtask uses the
//! `nightly` toolchain if rustup has it or can install it, and otherwise (or
//! with `--stable`) the stable toolchain with `RUSTC_BOOTSTRAP=1`, which
//! cargo-fuzz supports.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::util::{self, cargo};

/// The cargo-fuzz release this project is tested with.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Options of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Options {
    target: String,
    seconds: u64,
    stable: bool,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options {
            target: "decode".to_owned(),
            seconds: 30,
            stable: false,
        };
        let mut target = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--seconds" => {
                    let Some(value) = args.next() else {
                        bail!("--seconds needs a number of seconds");
                    };
                    options.seconds = value
                        .parse()
                        .ok()
                        .filter(|&seconds| seconds > 0)
                        .with_context(|| {
                            format!("--seconds needs a whole number above 0, got `{value}`")
                        })?;
                }
                "--stable" => options.stable = true,
                flag if flag.starts_with('-') => bail!(
                    "`cargo xtask fuzz` does not know `{flag}` (usage: [TARGET] [--seconds N] [--stable])"
                ),
                name if target.is_none() => target = Some(name.to_owned()),
                extra => bail!("`cargo xtask fuzz` takes one target, got a second one: `{extra}`"),
            }
        }
        if let Some(target) = target {
            options.target = target;
        }
        Ok(options)
    }
}

pub(crate) fn run(options: Options) -> Result<()> {
    let fuzz_dir = util::project_root().join("fuzz");
    let target_file = fuzz_dir
        .join("fuzz_targets")
        .join(format!("{}.rs", options.target));
    if !target_file.is_file() {
        bail!(
            "no fuzz target `{}` (looked for {}); targets: {}",
            options.target,
            target_file.display(),
            list_targets(&fuzz_dir).join(", ")
        );
    }
    ensure_cargo_fuzz()?;

    let mut command = Command::new("cargo");
    if !options.stable && nightly_available() {
        println!("xtask fuzz: using the nightly toolchain");
        command.arg("+nightly");
    } else {
        println!("xtask fuzz: using the stable toolchain with RUSTC_BOOTSTRAP=1");
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    command
        .current_dir(util::project_root())
        .args(["fuzz", "run", "--fuzz-dir", "fuzz", &options.target, "--"])
        .arg(format!("-max_total_time={}", options.seconds));
    util::run(&mut command).with_context(|| {
        format!(
            "fuzz target `{}` failed; a crashing input is saved under fuzz/artifacts/{}/",
            options.target, options.target
        )
    })
}

fn list_targets(fuzz_dir: &std::path::Path) -> Vec<String> {
    let mut targets: Vec<String> = std::fs::read_dir(fuzz_dir.join("fuzz_targets"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    targets.sort();
    if targets.is_empty() {
        targets.push("(none)".to_owned());
    }
    targets
}

/// Installs cargo-fuzz from crates.io if `cargo fuzz` is missing.
fn ensure_cargo_fuzz() -> Result<()> {
    if util::succeeds(Command::new("cargo").args(["fuzz", "--version"])) {
        return Ok(());
    }
    println!("xtask fuzz: installing cargo-fuzz {CARGO_FUZZ_VERSION} from crates.io");
    util::run(&mut cargo([
        "install",
        "cargo-fuzz",
        "--version",
        CARGO_FUZZ_VERSION,
        "--locked",
    ]))
    .context("could not install cargo-fuzz")
}

/// True if the nightly toolchain is installed, or rustup installs it now.
fn nightly_available() -> bool {
    if util::succeeds(Command::new("rustup").args(["run", "nightly", "rustc", "--version"])) {
        return true;
    }
    println!("xtask fuzz: trying `rustup toolchain install nightly --profile minimal`");
    util::run(Command::new("rustup").args([
        "toolchain",
        "install",
        "nightly",
        "--profile",
        "minimal",
    ]))
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options> {
        Options::parse(&args.iter().map(|arg| arg.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn defaults_and_flags() {
        let defaults = parse(&[]).unwrap();
        assert_eq!(
            (defaults.target.as_str(), defaults.seconds, defaults.stable),
            ("decode", 30, false)
        );
        let options = parse(&["other", "--seconds", "5", "--stable"]).unwrap();
        assert_eq!(
            (options.target.as_str(), options.seconds, options.stable),
            ("other", 5, true)
        );
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&["--seconds"]).is_err());
        assert!(parse(&["--seconds", "soon"]).is_err());
        assert!(parse(&["--seconds", "0"]).is_err());
        assert!(parse(&["a", "b"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}
