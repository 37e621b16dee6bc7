//! ChainLab's automation, run as `cargo xtask <command>` (the alias lives in
//! `.cargo/config.toml`). Written in Rust rather than shell so that it runs the
//! same everywhere and fails with clear messages.
//!
//! Every command only orchestrates `cargo`, `rustup` and the binaries they
//! build; nothing is downloaded except through rustup and crates.io.

mod bench;
mod fuzz;
mod lessons;
mod sandbox;
mod test;
mod util;

use std::process::ExitCode;

use anyhow::{Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test [--quick]                    fmt, clippy, native tests, wasm32 build and
                                    wasm32 tests in Node.js (--quick: the first three)
  sandbox                           run the chain demo
  bench                             run the benchmarks, merge them into target/bench.json
  fuzz [TARGET] [--seconds N] [--stable]
                                    run a cargo-fuzz target (default: decode, 30 s)
  lessons [PATH]                    check the course, a lesson folder or a lesson file
  lessons bundle --out DIR          check the course and write DIR/course.json
  help                              print this message";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        println!("{USAGE}");
        bail!("no command given");
    };
    match command.as_str() {
        "test" => test::run(test::Options::parse(rest)?),
        "sandbox" => {
            util::no_more_args("sandbox", rest)?;
            sandbox::run()
        }
        "bench" => {
            util::no_more_args("bench", rest)?;
            bench::run()
        }
        "fuzz" => fuzz::run(fuzz::Options::parse(rest)?),
        "lessons" => lessons::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("{USAGE}");
            bail!("unknown command `{other}`")
        }
    }
}
