//! Tests that run inside wasm32 (Node.js, via wasm-bindgen-test).
//!
//! `cargo xtask test` runs this file with
//! `cargo test -p sandbox-chain --target wasm32-unknown-unknown --test wasm`.
//! Natively it compiles to nothing: the same checks run natively elsewhere.
#![cfg(target_arch = "wasm32")]

use sha2::{Digest, Sha256};
use wasm_bindgen_test::wasm_bindgen_test;

/// SHA-256("abc") from FIPS 180-2, appendix B.1. Guards that the hash the whole
/// chain is built on gives the same bytes in wasm32 as natively.
#[wasm_bindgen_test]
fn sha256_abc_matches_nist_vector() {
    let digest = Sha256::digest(b"abc");
    assert_eq!(
        hex::encode(digest),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

/// The seeded demo export (`--seed 7 --blocks 20 --txs 5`) has the same
/// SHA-256 in wasm32 as the golden file the native test checks: the two
/// builds print byte-identical chains.
#[wasm_bindgen_test]
fn export_seed7_matches_the_native_golden_hash() {
    let json = sandbox_chain::demo::demo_export_json(7, 20, 5).unwrap();
    let golden = include_str!("data/export_seed7_blocks20_txs5.sha256").trim();
    assert_eq!(
        sandbox_chain::hash::sha256(json.as_bytes()).to_hex(),
        golden
    );
}

/// The golden world transcript (six nodes, partition, heal, reorg,
/// transfers, a refused double spend, a lossy link) replays in wasm32 to
/// the digest recorded natively (`tests/it/world.rs` checks the same file):
/// the simulation, its seeded randomness and its exponential draws are
/// bit-identical on both platforms.
#[wasm_bindgen_test]
fn golden_world_digest_replays_in_wasm32() {
    use sandbox_chain::world::{Transcript, World};
    let t = Transcript::from_json(include_str!("data/world_digest.json")).unwrap();
    let w = World::replay(&t).unwrap();
    assert_eq!(Some(w.digest()), t.digest);
}

/// The golden BFT world (a permissioned consortium, governance, an
/// equivocating validator, a lossy link) replays in wasm32 to the digest
/// recorded natively (`tests/it/world_bft.rs` checks the same file): votes,
/// certificates and their signatures are bit-identical on both platforms.
#[wasm_bindgen_test]
fn golden_bft_world_digest_replays_in_wasm32() {
    use sandbox_chain::world::{Transcript, World};
    let t = Transcript::from_json(include_str!("data/world_digest_bft.json")).unwrap();
    let w = World::replay(&t).unwrap();
    assert_eq!(Some(w.digest()), t.digest);
}

/// The golden connected world (two mining chains, a relayer outage, a
/// partition of A, a bridge mint, an HTLC on B) replays in wasm32 to the
/// digest recorded natively (`tests/it/islands.rs` checks the same file):
/// both worlds, the relayers and the bridge are bit-identical on both
/// platforms.
#[wasm_bindgen_test]
fn golden_islands_digest_replays_in_wasm32() {
    use sandbox_chain::world::islands::{Islands, IslandsTranscript};
    let file: serde_json::Value =
        serde_json::from_str(include_str!("data/islands_digest.json")).unwrap();
    let t: IslandsTranscript = serde_json::from_value(file["transcript"].clone()).unwrap();
    let i = Islands::replay(&t).unwrap();
    assert_eq!(i.digest().to_hex(), file["digest"].as_str().unwrap());
}

/// The benchmark function runs in wasm32 too (a small run; `cargo xtask
/// bench` runs the full one).
#[wasm_bindgen_test]
fn bench_pow_world_runs_in_wasm32() {
    let mut fake_clock = 0.0;
    let mut clock = || {
        fake_clock += 1.0;
        fake_clock
    };
    let r = sandbox_chain::world::bench::bench_pow_world(10, 5, 8, 1, &mut clock);
    assert!(r.blocks >= 5);
}
