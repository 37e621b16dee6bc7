//! Primitive micro-benchmarks, run in release mode by `cargo xtask bench`
//! (or directly: `cargo bench -p sandbox-chain --bench primitives`).
//!
//! Output protocol: every result is one line `BENCH <name> <number>` on stdout;
//! `cargo xtask bench` collects those lines and merges them into
//! `target/bench.json`. Everything else printed is for humans.
//!
//! Each figure is a rate: the median of several short rounds, with the rounds
//! of all benchmarks interleaved, so that a noisy neighbour on a shared machine
//! slows every figure alike and the ratios between figures of the same run
//! stay meaningful. To add a benchmark: one `benches.add(..)` call in `main`,
//! and a `ratio(..)` if it has a natural baseline. No test asserts an
//! absolute time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey, verify_batch};
use sha2::{Digest, Sha256};

/// Rounds per benchmark; the reported rate is the median round.
const ROUNDS: usize = 7;
/// Length of one round (so each benchmark runs for about 0.5 s in all).
const ROUND: Duration = Duration::from_millis(75);
/// Untimed run before the first round (caches, branch predictors, CPU clock).
const WARM_UP: Duration = Duration::from_millis(50);
/// Signatures per batch in the batch-verification benchmark.
const BATCH: usize = 256;

fn main() {
    // A 120-byte block header: the size the chain's canonical header encoding
    // is designed around (version, heights, hashes, time, target, nonce).
    let header: Vec<u8> = (0u8..120).collect();
    let (messages, signatures, keys) = signed_messages(BATCH);
    let message_refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();

    let mut benches = Benches::default();
    benches.add("sha256_header_hashes_per_s", 1, || {
        black_box(Sha256::digest(black_box(&header)));
    });
    benches.add("ed25519_verify_per_s", 1, || {
        let ok = keys[0].verify(black_box(&messages[0]), black_box(&signatures[0]));
        assert!(ok.is_ok(), "benchmark signature must verify");
    });
    benches.add("ed25519_batch256_sigs_per_s", BATCH as u64, || {
        let ok = verify_batch(black_box(&message_refs), &signatures, &keys);
        assert!(ok.is_ok(), "benchmark batch must verify");
    });
    let rates = benches.run();

    let rate = |name: &str| rates.iter().find(|(n, _)| *n == name).map(|&(_, r)| r);
    ratio(
        "ed25519_batch_vs_single",
        rate("ed25519_batch256_sigs_per_s"),
        rate("ed25519_verify_per_s"),
    );
    ratio(
        "sha256_vs_ed25519_verify",
        rate("sha256_header_hashes_per_s"),
        rate("ed25519_verify_per_s"),
    );
}

/// `n` transaction-sized messages, each signed by its own deterministic key.
fn signed_messages(n: usize) -> (Vec<Vec<u8>>, Vec<Signature>, Vec<VerifyingKey>) {
    let mut messages = Vec::with_capacity(n);
    let mut signatures = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    for i in 0..n {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let key = SigningKey::from_bytes(&seed);
        let message: Vec<u8> = (0..100).map(|j| (i + j) as u8).collect();
        signatures.push(key.sign(&message));
        keys.push(key.verifying_key());
        messages.push(message);
    }
    (messages, signatures, keys)
}

/// A benchmark: a name, the items one call processes, and the call.
type Bench<'a> = (&'static str, u64, Box<dyn FnMut() + 'a>);

/// The benchmarks of one run, measured in interleaved rounds.
#[derive(Default)]
struct Benches<'a> {
    benches: Vec<Bench<'a>>,
}

impl<'a> Benches<'a> {
    /// Registers `f`, one call of which processes `items_per_call` items.
    fn add(&mut self, name: &'static str, items_per_call: u64, f: impl FnMut() + 'a) {
        self.benches.push((name, items_per_call, Box::new(f)));
    }

    /// Measures every benchmark in [`ROUNDS`] interleaved rounds, prints each
    /// one's median rate (items per second) and returns them by name.
    fn run(mut self) -> Vec<(&'static str, f64)> {
        for (_, _, f) in &mut self.benches {
            let warm_up = Instant::now();
            while warm_up.elapsed() < WARM_UP {
                f();
            }
        }
        let mut rounds: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); self.benches.len()];
        for _ in 0..ROUNDS {
            for ((_, items_per_call, f), rates) in self.benches.iter_mut().zip(&mut rounds) {
                rates.push(round(*items_per_call, f));
            }
        }
        let mut results = Vec::new();
        for ((name, _, _), mut rates) in self.benches.into_iter().zip(rounds) {
            rates.sort_by(f64::total_cmp);
            let median = rates[rates.len() / 2];
            report(name, median);
            results.push((name, median));
        }
        results
    }
}

/// Calls `f` for one [`ROUND`] and returns its rate in items per second.
fn round(items_per_call: u64, f: &mut dyn FnMut()) -> f64 {
    // Read the clock once per chunk, not once per call, so that the clock's own
    // cost does not show in fast benchmarks; chunks grow to about 1 ms.
    let mut chunk: u64 = 1;
    let mut calls: u64 = 0;
    let start = Instant::now();
    loop {
        let chunk_start = Instant::now();
        for _ in 0..chunk {
            f();
        }
        calls += chunk;
        if chunk_start.elapsed() < Duration::from_millis(1) {
            chunk *= 2;
        }
        let elapsed = start.elapsed();
        if elapsed >= ROUND {
            return (calls * items_per_call) as f64 / elapsed.as_secs_f64();
        }
    }
}

/// Prints the ratio of two rates measured in this run.
fn ratio(name: &str, numerator: Option<f64>, denominator: Option<f64>) {
    if let (Some(numerator), Some(denominator)) = (numerator, denominator)
        && denominator > 0.0
    {
        report(name, numerator / denominator);
    }
}

fn report(name: &str, value: f64) {
    println!("BENCH {name} {value:.4}");
}
