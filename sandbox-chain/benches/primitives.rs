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
use sandbox_chain::hash::{BlockHash, Domain, MerkleRoot};
use sandbox_chain::keys::Keypair;
use sandbox_chain::pow::{Header, Target, mine_range};
use sha2::{Digest, Sha256};

/// How long each benchmark runs before its rate is taken.
const WINDOW: Duration = Duration::from_millis(500);
/// Untimed run before the window (caches, branch predictors, CPU clock).
const WARM_UP: Duration = Duration::from_millis(100);
/// Nonces per `mine_range` call (what the web app's workers use).
const MINE_CHUNK: u64 = 50_000;
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

    // The chain's own mining loop (midstate, 124-byte header), as the
    // browser's workers run it: the native baseline of `cargo xtask bench`'s
    // browser figures. Target 1, so every range is hashed whole.
    let unmeetable = Header {
        chain_id: 1,
        height: 1,
        parent: BlockHash::ZERO,
        merkle_root: MerkleRoot::ZERO,
        timestamp_ms: 0,
        target: Target::MIN,
        nonce: 0,
    };
    let mut next: u64 = 0;
    measure("pow_mine_range_hashes_per_s", MINE_CHUNK, || {
        let from = next;
        next += MINE_CHUNK;
        black_box(mine_range(black_box(&unmeetable), from..from + MINE_CHUNK));
    });
    // The chain's strict verification of one transfer-sized message.
    let key = Keypair::from_name("bench");
    let message = [7u8; 100];
    let signature = key.sign(Domain::Transfer, &message);
    let public = key.public();
    measure("chain_ed25519_verify_per_s", 1, || {
        let ok = public.verify(Domain::Transfer, black_box(&message), &signature);
        assert!(ok.is_ok(), "benchmark signature must verify");
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
