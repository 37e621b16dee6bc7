//! `cargo xtask lessons [PATH]`: check the course (or one lesson folder or
//! file); `cargo xtask lessons bundle --out DIR`: check it and write the
//! bundle the web app fetches. Both call the `lessons` binary, which holds
//! the checker (content is data; this file only forwards).

use anyhow::Result;

use crate::util::{self, cargo};

pub(crate) fn run(args: &[String]) -> Result<()> {
    let mut command = cargo(["run", "-q", "-p", "lessons", "--"]);
    match args.first().map(String::as_str) {
        Some("bundle") => command.args(args),
        _ => command.arg("check").args(args),
    };
    util::run(&mut command)
}
