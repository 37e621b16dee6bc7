//! `cargo xtask bench`: runs benchmark binaries, collects their result lines
//! and merges them into `target/bench.json` (a flat JSON object name -> number).
//!
//! Protocol: a benchmark binary prints one line `BENCH <name> <number>` per
//! result on stdout (see `sandbox-chain/benches/primitives.rs`). Merging keeps
//! the keys that other sources (a wasm or browser benchmark) wrote before.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::util::{self, cargo};

/// Native benchmark targets, as (package, bench target). Add a line here to
/// have `cargo xtask bench` run a new `harness = false` bench target.
const NATIVE_BENCHES: &[(&str, &str)] = &[("sandbox-chain", "primitives")];

pub(crate) fn run() -> Result<()> {
    let mut results = Map::new();
    for (package, bench) in NATIVE_BENCHES {
        let stdout = util::output(&mut cargo(["bench", "-q", "-p", package, "--bench", bench]))
            .with_context(|| format!("benchmark {package}/{bench} failed"))?;
        let found = parse_results(&stdout)
            .with_context(|| format!("benchmark {package}/{bench} printed a bad result line"))?;
        if found.is_empty() {
            bail!("benchmark {package}/{bench} printed no `BENCH <name> <number>` line");
        }
        results.extend(found);
    }

    let path = util::target_dir()?.join("bench.json");
    let merged = merge_into_file(&path, &results)?;
    print!("{}", table(&results));
    println!(
        "xtask bench: {} results written to {} ({} keys in all)",
        results.len(),
        path.display(),
        merged
    );
    Ok(())
}

/// The `BENCH <name> <number>` lines of a benchmark's output; other lines are
/// ignored, a malformed `BENCH` line is an error.
fn parse_results(stdout: &str) -> Result<Map<String, Value>> {
    let mut results = Map::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("BENCH ") else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let (Some(name), Some(number), None) = (fields.next(), fields.next(), fields.next()) else {
            bail!("expected `BENCH <name> <number>`, got `{line}`");
        };
        let value: f64 = number
            .parse()
            .with_context(|| format!("`{number}` is not a number in `{line}`"))?;
        let Some(number) = serde_json::Number::from_f64(value) else {
            bail!("`{number}` is not a finite number in `{line}`");
        };
        results.insert(name.to_owned(), Value::Number(number));
    }
    Ok(results)
}

/// Adds `results` to the JSON object in `path` (created if missing; replaced,
/// with a warning, if it is not a JSON object). Returns the number of keys.
fn merge_into_file(path: &Path, results: &Map<String, Value>) -> Result<usize> {
    let mut all = match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            _ => {
                eprintln!(
                    "xtask bench: {} is not a JSON object; starting it afresh",
                    path.display()
                );
                Map::new()
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(error) => {
            return Err(error).with_context(|| format!("could not read {}", path.display()));
        }
    };
    all.extend(results.clone());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&all).context("could not encode bench.json")?;
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, text + "\n")
        .with_context(|| format!("could not write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(all.len())
}

/// A two-column table: rates (`*_per_s`) as whole numbers, other figures
/// (ratios) with three decimals.
fn table(results: &Map<String, Value>) -> String {
    let width = results.keys().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (name, value) in results {
        let value = value.as_f64().unwrap_or(f64::NAN);
        let shown = if name.ends_with("_per_s") {
            format!("{}/s", group_thousands(value))
        } else {
            format!("{value:.3}")
        };
        out.push_str(&format!("{name:<width$}  {shown:>16}\n"));
    }
    out
}

/// `1234567.8` -> `1,234,568`.
fn group_thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if value < 0.0 {
        grouped.insert(0, '-');
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_result_lines_and_skips_others() {
        let results = parse_results("warming up\nBENCH a_per_s 12.5\nBENCH b 2\n").unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results["a_per_s"].as_f64(), Some(12.5));
        assert_eq!(results["b"].as_f64(), Some(2.0));
    }

    #[test]
    fn malformed_result_lines_are_errors() {
        assert!(parse_results("BENCH a_per_s fast\n").is_err());
        assert!(parse_results("BENCH a_per_s\n").is_err());
        assert!(parse_results("BENCH a 1 2\n").is_err());
        assert!(parse_results("BENCH a NaN\n").is_err());
    }

    #[test]
    fn merge_keeps_keys_of_other_sources() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        let path = dir.join("bench.json");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, r#"{"wasm_sha256_per_s": 1.0, "a_per_s": 5.0}"#).unwrap();
        let new = parse_results("BENCH a_per_s 7\n").unwrap();
        assert_eq!(merge_into_file(&path, &new).unwrap(), 2);
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(written["wasm_sha256_per_s"].as_f64(), Some(1.0));
        assert_eq!(written["a_per_s"].as_f64(), Some(7.0));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn merge_replaces_a_file_that_is_not_an_object() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-bad-{}", std::process::id()));
        let path = dir.join("bench.json");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, "[1, 2").unwrap();
        let new = parse_results("BENCH a 1\n").unwrap();
        assert_eq!(merge_into_file(&path, &new).unwrap(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1_234_567.8), "1,234,568");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1000.0), "1,000");
    }
}
