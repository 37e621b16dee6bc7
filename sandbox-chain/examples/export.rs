//! Prints a seeded demo chain as JSON, with every block's and transaction's
//! canonical bytes, hashes, public keys and signatures (see docs/encoding.md).
//!
//! `cargo run -q -p sandbox-chain --example export -- --seed 7 --blocks 20 --txs 5`

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: export [--seed N] [--blocks N] [--txs N]
  --seed N    the seed of the demo chain (default 7)
  --blocks N  blocks after genesis, at most 10000 (default 20)
  --txs N     transfers per block, at most 999 (default 5)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        // A closed pipe (e.g. `| head`) is not an error worth a message.
        Ok(json) => match writeln!(std::io::stdout().lock(), "{json}") {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("export: cannot write the output: {e}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("export: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let (mut seed, mut blocks, mut txs) = (7u64, 20u64, 5u64);
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let (slot, max) = match flag.as_str() {
            "--seed" => (&mut seed, u64::MAX),
            "--blocks" => (&mut blocks, 10_000),
            "--txs" => (&mut txs, 999),
            "-h" | "--help" => return Err("help requested".into()),
            other => return Err(format!("unknown argument {other:?}")),
        };
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a number after it"))?;
        let n: u64 = value
            .parse()
            .map_err(|_| format!("{flag} expects a whole number, got {value:?}"))?;
        if n > max {
            return Err(format!("{flag} is at most {max}, got {n}"));
        }
        *slot = n;
    }
    let blocks = u32::try_from(blocks).map_err(|e| e.to_string())?;
    let txs = u32::try_from(txs).map_err(|e| e.to_string())?;
    sandbox_chain::demo::demo_export_json(seed, blocks, txs)
        .map_err(|e| format!("building the demo chain failed: {e}"))
}
