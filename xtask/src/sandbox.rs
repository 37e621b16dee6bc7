//! `cargo xtask sandbox`: for now, the chain demo. (To be replaced by serving
//! the web course; keep this small.)

use anyhow::{Result, bail};

use crate::util::{self, cargo};

pub(crate) fn run() -> Result<()> {
    let example = util::project_root().join("sandbox-chain/examples/export.rs");
    if !example.is_file() {
        bail!(
            "the chain demo is not written yet: {} does not exist. \
             Meanwhile, `cargo xtask test` runs every test.",
            example.display()
        );
    }
    util::run(&mut cargo([
        "run",
        "-q",
        "-p",
        "sandbox-chain",
        "--example",
        "export",
        "--",
        "--seed",
        "7",
        "--blocks",
        "20",
        "--txs",
        "5",
    ]))
}
