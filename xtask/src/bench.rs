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
const NATIVE_BENCHES: &[(&str, &str)] =
    &[("sandbox-chain", "primitives"), ("sandbox-chain", "world")];

/// The npm package of the JavaScript baseline: CryptoJS, the SHA-256 of
/// the best-known in-browser blockchain demo. Installed into
/// `target/tools/crypto-js` (as binaryen is for wasm-opt) and served only
/// in the benchmark's own build of the site.
const CRYPTOJS: &str = "crypto-js@4.2.0";

/// The baseline's worker: hashes 80-byte headers with CryptoJS in the
/// app worker's benchmark protocol.
const CRYPTOJS_WORKER: &str = include_str!("../assets/cryptojs-bench-worker.js");

/// Where the bench page finds it, relative to the site's root.
const CRYPTOJS_WORKER_PATH: &str = "cryptojs/worker.js";

/// Options of `cargo xtask bench`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    /// Skip the browser benchmark (no Chromium, no wasm build).
    native_only: bool,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--native-only" => options.native_only = true,
                other => bail!("`cargo xtask bench` does not know `{other}` (try --native-only)"),
            }
        }
        Ok(options)
    }
}

pub(crate) fn run(options: Options) -> Result<()> {
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
    let mut failed = Vec::new();
    if !options.native_only {
        let browser = browser_results(&results)?;
        results.extend(browser.results);
        failed = browser.failed;
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
    if !failed.is_empty() {
        bail!(
            "these browser benchmarks failed (the others were written):\n{}",
            failed.join("\n")
        );
    }
    Ok(())
}

/// What the browser part measured, and which benchmarks failed (why).
struct BrowserResults {
    results: Map<String, Value>,
    failed: Vec<String>,
}

/// The chain's mining loop natively with sha2's portable (no SHA-NI)
/// backend, then the app's benchmark page in headless Chromium (with the
/// CryptoJS baseline in a worker beside it), and the ratios of the
/// browser's rates to the native ones and to CryptoJS, all of this run.
fn browser_results(native: &Map<String, Value>) -> Result<BrowserResults> {
    let target = util::target_dir()?;
    let portable = util::output(
        cargo([
            "bench",
            "-q",
            "-p",
            "sandbox-chain",
            "--bench",
            "primitives",
        ])
        .env("RUSTFLAGS", "--cfg sha2_backend=\"soft\"")
        .env("CARGO_TARGET_DIR", target.join("bench-portable")),
    )
    .context("the portable-sha2 native benchmark failed")?;
    let portable = parse_results(&portable)?;
    let mut results = Map::new();
    if let Some(rate) = portable.get("pow_mine_range_hashes_per_s") {
        results.insert(
            "native_portable_pow_mine_range_hashes_per_s".into(),
            rate.clone(),
        );
    }

    crate::browser::ensure_chromium()?;
    let site = target.join("bench-dist");
    let sizes = crate::web::build(&site)?;
    if let Some(n) = serde_json::Number::from_f64(sizes.initial_gzip() as f64) {
        results.insert("web_initial_load_gzip_bytes".into(), Value::Number(n));
    }
    let query = match install_cryptojs(&site)? {
        true => format!("auto=1&cryptojs={CRYPTOJS_WORKER_PATH}"),
        false => "auto=1".to_owned(),
    };
    let checker = crate::browser::build_checker()?;
    let server = crate::serve::spawn(site, 0)?;
    let out = crate::browser::check(&checker, "bench", &server.url(), &[&query])?;
    results.extend(parse_results(&out)?);
    let failed = parse_failures(&out);

    let get = |map: &Map<String, Value>, key: &str| map.get(key).and_then(Value::as_f64);
    let one = get(&results, "browser_header_hashes_per_s_1_worker");
    let all = get(&results, "browser_header_hashes_per_s_all_workers");
    let verify = get(&results, "browser_ed25519_verify_per_s_1_worker");
    let native_hash = get(native, "pow_mine_range_hashes_per_s");
    let native_portable = get(&results, "native_portable_pow_mine_range_hashes_per_s");
    let native_verify = get(native, "chain_ed25519_verify_per_s");
    let mut ratios = Map::new();
    let mut ratio = |name: &str, a: Option<f64>, b: Option<f64>| {
        if let (Some(a), Some(b)) = (a, b)
            && b > 0.0
            && let Some(n) = serde_json::Number::from_f64(a / b)
        {
            ratios.insert(name.to_owned(), Value::Number(n));
        }
    };
    ratio(
        "browser_1_worker_vs_native_portable_hashing",
        one,
        native_portable,
    );
    ratio("browser_1_worker_vs_native_hashing", one, native_hash);
    ratio(
        "browser_all_workers_vs_native_1_core_hashing",
        all,
        native_hash,
    );
    ratio("browser_all_workers_vs_1_worker_hashing", all, one);
    // CryptoJS on 80-byte headers as bytes (its fastest path), and as the
    // string the best-known in-browser demo hashes.
    ratio(
        "browser_1_worker_vs_cryptojs_hashing",
        one,
        get(&results, "browser_cryptojs_header_hashes_per_s_1_worker"),
    );
    ratio(
        "browser_1_worker_vs_cryptojs_string_hashing",
        one,
        get(
            &results,
            "browser_cryptojs_string_header_hashes_per_s_1_worker",
        ),
    );
    ratio("browser_verify_vs_native_verify", verify, native_verify);
    ratio(
        "browser_world_vs_native_world_events",
        get(&results, "browser_world_events_per_s_1_worker"),
        get(native, "world_events_per_s"),
    );
    results.extend(ratios);
    Ok(BrowserResults { results, failed })
}

/// Puts CryptoJS (`core.js`, `sha256.js` from npm) and its benchmark worker
/// into `site/cryptojs/`. False, with a note, if npm is missing or the
/// install fails: the browser benchmark then runs without the baseline.
fn install_cryptojs(site: &Path) -> Result<bool> {
    let dir = util::target_dir()?.join("tools").join("crypto-js");
    let package = dir.join("node_modules").join("crypto-js");
    let files = ["core.js", "sha256.js"];
    if !files.iter().all(|f| package.join(f).is_file()) {
        if !util::succeeds(std::process::Command::new("npm").arg("--version")) {
            println!("xtask bench: note: npm not found, so the CryptoJS baseline is skipped");
            return Ok(false);
        }
        std::fs::create_dir_all(&dir)?;
        let installed = util::run(
            std::process::Command::new("npm")
                .args([
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                ])
                .arg(&dir)
                .arg(CRYPTOJS),
        );
        if installed.is_err() || !files.iter().all(|f| package.join(f).is_file()) {
            println!(
                "xtask bench: note: could not install npm {CRYPTOJS}; the CryptoJS baseline is skipped"
            );
            return Ok(false);
        }
    }
    let out = site.join("cryptojs");
    std::fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    for f in files {
        std::fs::copy(package.join(f), out.join(f))
            .with_context(|| format!("could not copy {f} of {CRYPTOJS} into {}", out.display()))?;
    }
    std::fs::write(site.join(CRYPTOJS_WORKER_PATH), CRYPTOJS_WORKER)
        .with_context(|| format!("could not write {CRYPTOJS_WORKER_PATH}"))?;
    Ok(true)
}

/// The `FAILED <name>: <why>` lines of the browser checker's output.
fn parse_failures(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("FAILED "))
        .map(str::to_owned)
        .collect()
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
    fn failures_are_collected_from_their_lines() {
        let out = "BENCH a 1\nFAILED b_per_s: 404\nnoise\n";
        assert_eq!(parse_failures(out), ["b_per_s: 404"]);
        assert_eq!(parse_results(out).unwrap().len(), 1);
    }

    #[test]
    fn the_cryptojs_worker_speaks_the_bench_protocol() {
        // The page sends {type: "bench", kind, ms} after {type: "ready"}.
        for needle in [
            "importScripts(\"core.js\", \"sha256.js\")",
            "type: \"ready\"",
            "type: \"bench\"",
            "count",
        ] {
            assert!(CRYPTOJS_WORKER.contains(needle), "{needle}");
        }
        assert!(!CRYPTOJS_WORKER_PATH.starts_with('/'));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1_234_567.8), "1,234,568");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1000.0), "1,000");
    }
}
