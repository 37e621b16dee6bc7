//! Primitive micro-benchmarks, run in release mode by `cargo xtask bench`
//! (or directly: `cargo bench -p sandbox-chain --bench primitives`).
//!
//! Output protocol: every result is one line `BENCH <name> <number>` on stdout;
//! `cargo xtask bench` collects those lines and merges them into
//! `target/bench.json`. Everything else printed is for humans.
//!
//! Each figure is a rate measured over a fixed time window; ratios compare
//! figures of the same run, so they mean something on any machine. To add a
//! benchmark: one `measure(..)` call in `main`, and a `ratio(..)` if it has a
//! natural baseline. No test asserts an absolute time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey, verify_batch};
use sha2::{Digest, Sha256};

/// How long each benchmark runs before its rate is taken.
const WINDOW: Duration = Duration::from_millis(500);
/// Untimed run before the window (caches, branch predictors, CPU clock).
const WARM_UP: Duration = Duration::from_millis(100);
/// Signatures per batch in the batch-verification benchmark.
const BATCH: usize = 256;

fn main() {
    // A 120-byte block header: the size the chain's canonical header encoding
    // is designed around (version, heights, hashes, time, target, nonce).
    let header: Vec<u8> = (0u8..120).collect();
    let sha = measure("sha256_header_hashes_per_s", 1, || {
        black_box(Sha256::digest(black_box(&header)));
    });

    let (messages, signatures, keys) = signed_messages(BATCH);
    let single = measure("ed25519_verify_per_s", 1, || {
        let ok = keys[0].verify(black_box(&messages[0]), black_box(&signatures[0]));
        assert!(ok.is_ok(), "benchmark signature must verify");
    });
    let message_refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let batch = measure("ed25519_batch256_sigs_per_s", BATCH as u64, || {
        let ok = verify_batch(black_box(&message_refs), &signatures, &keys);
        assert!(ok.is_ok(), "benchmark batch must verify");
    });

    ratio("ed25519_batch_vs_single", batch, single);
    ratio("sha256_vs_ed25519_verify", sha, single);
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

/// Runs `f` repeatedly for [`WINDOW`] and prints and returns its rate in items
/// per second, where one call of `f` processes `items_per_call` items.
fn measure(name: &str, items_per_call: u64, mut f: impl FnMut()) -> f64 {
    let warm_up = Instant::now();
    while warm_up.elapsed() < WARM_UP {
        f();
    }
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
        if elapsed >= WINDOW {
            let rate = (calls * items_per_call) as f64 / elapsed.as_secs_f64();
            report(name, rate);
            return rate;
        }
    }
}

/// Prints the ratio of two rates measured in this run.
fn ratio(name: &str, numerator: f64, denominator: f64) {
    if denominator > 0.0 {
        report(name, numerator / denominator);
    }
}

fn report(name: &str, value: f64) {
    println!("BENCH {name} {value:.4}");
}
