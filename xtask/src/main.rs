//! ChainLab's automation, run as `cargo xtask <command>` (the alias lives in
//! `.cargo/config.toml`). Written in Rust rather than shell so that it runs the
//! same everywhere and fails with clear messages.
//!
//! Every command only orchestrates `cargo`, `rustup` and the binaries they
//! build; nothing is downloaded except through rustup and crates.io.

mod bench;
mod book;
mod browser;
mod fuzz;
mod lessons;
mod serve;
mod test;
mod util;
mod web;

use std::process::ExitCode;

use anyhow::{Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test [--quick]                    fmt, clippy, native tests, wasm32 build, wasm32
                                    tests in Node.js, web component tests and the
                                    end-to-end test in headless Chromium
                                    (--quick: the first three)
  sandbox [--port N]                build the course and serve it on 127.0.0.1
                                    (default port 8080)
  dist [--out DIR]                  write the course as a static site (default dist/)
  bench [--native-only]             run the benchmarks (native and in headless
                                    Chromium), merge them into target/bench.json
  book [--no-test]                  build the book into target/book, test its snippets
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

/// `--port N` of `cargo xtask sandbox` (default 8080).
fn parse_port(args: &[String]) -> Result<u16> {
    match args {
        [] => Ok(8080),
        [flag, port] if flag == "--port" => port
            .parse()
            .map_err(|_| anyhow::anyhow!("`{port}` is not a port number")),
        _ => bail!("`cargo xtask sandbox` takes only `--port N`"),
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        println!("{USAGE}");
        bail!("no command given");
    };
    match command.as_str() {
        "test" => test::run(test::Options::parse(rest)?),
        "sandbox" => web::sandbox(parse_port(rest)?),
        "dist" => web::dist(web::DistOptions::parse(rest)?),
        "bench" => bench::run(bench::Options::parse(rest)?),
        "book" => book::run(book::Options::parse(rest)?),
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
