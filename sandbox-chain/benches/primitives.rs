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
use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::chain::{Allocation, Chain, ChainParams};
use sandbox_chain::hash::Domain;
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;
use sandbox_chain::pow::mine_range;
use sandbox_chain::tx::Transfer;

/// Rounds per benchmark; the reported rate is the median round.
const ROUNDS: usize = 7;
/// Length of one round (so each benchmark runs for about 0.5 s in all).
const ROUND: Duration = Duration::from_millis(75);
/// Untimed run before the first round (caches, branch predictors, CPU clock).
const WARM_UP: Duration = Duration::from_millis(50);
/// Signatures per batch in the batch-verification benchmark.
const BATCH: usize = 256;

fn main() {
    // The chain's real 124-byte header, hashed the way a block id is: tagged
    // SHA-256 over the whole encoding (what a verifier does per header).
    let header = ChainParams::lesson(255, Vec::new()).genesis_block().header;
    let (messages, signatures, keys) = signed_messages(BATCH);
    let message_refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let (block, ledger, reward) = thousand_transfer_block();
    let transfers = (block.txs.len() - 1) as u64;
    let (small, crowded, small_reward) = small_block_on_crowded_ledger();

    let mut benches = Benches::default();
    benches.add("sha256_header_hashes_per_s", 1, || {
        black_box(black_box(&header).hash());
    });
    // Mining: the same hash per nonce, from a saved midstate (`mine_range`),
    // in the chunks the web app's workers use: the native baseline of the
    // browser figures of `cargo xtask bench`.
    const MINE_CHUNK: u64 = 50_000;
    let mut next = 0u64;
    benches.add("pow_mine_range_hashes_per_s", MINE_CHUNK, move || {
        let outcome = mine_range(black_box(&header), next..next + MINE_CHUNK);
        assert!(outcome.nonce().is_none(), "a 255-bit target is never met");
        next += MINE_CHUNK;
    });
    // The chain's strict verification of one transfer-sized message.
    let key = Keypair::from_name("bench");
    let message = [7u8; 100];
    let signature = key.sign(Domain::Transfer, &message);
    let public = key.public();
    benches.add("chain_ed25519_verify_per_s", 1, move || {
        let ok = public.verify(Domain::Transfer, black_box(&message), &signature);
        assert!(ok.is_ok(), "benchmark signature must verify");
    });
    benches.add("ed25519_verify_per_s", 1, || {
        let ok = keys[0].verify(black_box(&messages[0]), black_box(&signatures[0]));
        assert!(ok.is_ok(), "benchmark signature must verify");
    });
    benches.add("ed25519_batch256_sigs_per_s", BATCH as u64, || {
        let ok = verify_batch(black_box(&message_refs), &signatures, &keys);
        assert!(ok.is_ok(), "benchmark batch must verify");
    });
    // Validating a 1,000-transfer block: every check `Chain::insert` makes on
    // a block (proof of work, Merkle root, form, batched signatures) and its
    // application to the parent's ledger the way `Chain` connects it (in
    // place, keeping the undo record), then the undo that a reorg would do,
    // so the next call starts from the same ledger. Goal: >= 0.8 x the
    // batch rate.
    let mut tip_ledger = ledger.clone();
    benches.add("block_validation_txs_per_s", transfers, move || {
        let ok = black_box(&block).check_stateless(1, 1_001, true);
        assert!(ok.is_ok(), "benchmark block must be valid");
        let applied = block.apply_in_place(black_box(&mut tip_ledger), reward);
        let Ok((undo, _)) = applied else {
            panic!("benchmark block must apply")
        };
        tip_ledger.restore(&undo);
    });
    // The ledger part alone, on a crowded ledger: a 10-transfer block
    // applied the pure way (a new ledger: copy the parent's) against in
    // place with its undo record (what `Chain` does): the first grows with
    // the ledger, the second with the block.
    benches.add("block_apply_copy_per_s", 1, || {
        let next = small.apply(black_box(&crowded), small_reward);
        assert!(next.is_ok(), "benchmark block must apply");
    });
    let mut crowded_tip = crowded.clone();
    let small = &small;
    benches.add("block_apply_in_place_per_s", 1, move || {
        let applied = small.apply_in_place(black_box(&mut crowded_tip), small_reward);
        let Ok((undo, _)) = applied else {
            panic!("benchmark block must apply")
        };
        crowded_tip.restore(&undo);
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
    ratio(
        "mining_vs_header_hash",
        rate("pow_mine_range_hashes_per_s"),
        rate("sha256_header_hashes_per_s"),
    );
    ratio(
        "block_validation_vs_batch_verify",
        rate("block_validation_txs_per_s"),
        rate("ed25519_batch256_sigs_per_s"),
    );
    ratio(
        "block_apply_in_place_vs_copy",
        rate("block_apply_in_place_per_s"),
        rate("block_apply_copy_per_s"),
    );
}

/// Accounts in the crowded ledger of the block-apply benchmarks.
const CROWD: usize = 10_000;

/// A block of 10 transfers on a chain whose genesis funds [`CROWD`]
/// accounts, with the ledger of its parent.
fn small_block_on_crowded_ledger() -> (Block, Ledger, Amount) {
    let keys: Vec<Keypair> = (0..10)
        .map(|i| Keypair::from_name(&format!("payer-{i}")))
        .collect();
    let mut allocations: Vec<Allocation> = (0..CROWD)
        .map(|i| Allocation {
            address: Keypair::from_name(&format!("holder-{i}")).address(),
            amount: Amount::new(1),
        })
        .collect();
    allocations.extend(keys.iter().map(|k| Allocation {
        address: k.address(),
        amount: Amount::new(1_000),
    }));
    let chain = Chain::new(ChainParams::lesson(0, allocations));
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
            let t = Transfer {
                chain_id: 1,
                from: k.public(),
                to,
                amount: Amount::new(10),
                fee: Amount::new(1),
                nonce: 0,
                memo: String::new(),
            };
            t.sign(k)
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
