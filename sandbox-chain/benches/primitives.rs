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
use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::chain::{Allocation, Chain, ChainParams};
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;
use sandbox_chain::pow::mine_range;
use sandbox_chain::tx::Transfer;

/// How long each benchmark runs before its rate is taken.
const WINDOW: Duration = Duration::from_millis(500);
/// Untimed run before the window (caches, branch predictors, CPU clock).
const WARM_UP: Duration = Duration::from_millis(100);
/// Signatures per batch in the batch-verification benchmark.
const BATCH: usize = 256;

fn main() {
    // The chain's real 124-byte header, hashed the way a block id is: tagged
    // SHA-256 over the whole encoding (what a verifier does per header).
    let params = ChainParams::lesson(255, Vec::new());
    let header = params.genesis_block().header;
    let sha = measure("sha256_header_hashes_per_s", 1, || {
        black_box(black_box(&header).hash());
    });
    // Mining: the same hash per nonce, from a saved midstate (`mine_range`).
    const CHUNK: u64 = 4_096;
    let mut next = 0u64;
    let mining = measure("mining_hashes_per_s", CHUNK, || {
        let outcome = mine_range(black_box(&header), next..next + CHUNK);
        assert!(outcome.nonce().is_none(), "a 255-bit target is never met");
        next += CHUNK;
    });
    ratio("mining_vs_header_hash", mining, sha);

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

    // Validating a 1,000-transfer block: every check `Chain::insert` makes on
    // a block (proof of work, Merkle root, form, batched signatures) and its
    // application to the parent's ledger. Goal: >= 0.8 x the batch rate.
    let (block, ledger, reward) = thousand_transfer_block();
    let transfers = (block.txs.len() - 1) as u64;
    let validation = measure("block_validation_txs_per_s", transfers, || {
        let ok = black_box(&block).check_stateless(1, 1_001, true);
        assert!(ok.is_ok(), "benchmark block must be valid");
        let next = block.apply(black_box(&ledger), reward);
        assert!(next.is_ok(), "benchmark block must apply");
    });
    ratio("block_validation_vs_batch_verify", validation, batch);
}

/// A block of 1,000 transfers from 1,000 funded senders, on a chain whose
/// target every hash meets, with the ledger of its parent.
fn thousand_transfer_block() -> (Block, Ledger, Amount) {
    let keys: Vec<Keypair> = (0..1_000)
        .map(|i| Keypair::from_name(&format!("sender-{i}")))
        .collect();
    let allocations = keys
        .iter()
        .map(|k| Allocation {
            address: k.address(),
            amount: Amount::new(1_000),
        })
        .collect();
    let chain = Chain::new(ChainParams {
        max_block_txs: 1_001,
        ..ChainParams::lesson(0, allocations)
    });
    let to = Keypair::from_name("bob").address();
    let transfers = keys
        .iter()
        .map(|k| {
            Transfer {
                chain_id: 1,
                from: k.public(),
                to,
                amount: Amount::new(10),
                fee: Amount::new(1),
                nonce: 0,
                memo: String::new(),
            }
            .sign(k)
        })
        .collect();
    let block = chain.block_template(Keypair::from_name("miner").address(), transfers, 10_000);
    (block, chain.ledger().clone(), chain.params().block_reward)
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
