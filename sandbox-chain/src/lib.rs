//! sandbox-chain: a small, complete, deterministic blockchain for teaching.
//!
//! Functional core: no I/O, no wall clock, no OS randomness. Time and seeds are
//! passed in, so every run is reproducible natively and in wasm32.
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

pub mod amount;
pub mod block;
pub mod bridge;
pub mod chain;
pub mod consensus;
pub mod contract;
pub mod demo;
pub mod encode;
pub mod hash;
pub mod identity;
pub mod json;
pub mod keys;
pub mod ledger;
pub mod mempool;
pub mod merkle;
pub mod pow;
pub mod tx;
pub mod world;

pub use json::{ImportError, MAX_JSON_BYTES};

/// Feeds arbitrary bytes to every decoder and validator of the crate: the
/// body of the fuzz target (`cargo xtask fuzz`) and of the no-panic property
/// tests. It must return normally for every input.
#[doc(hidden)]
pub fn fuzz_decode(data: &[u8]) {
    use encode::Decode;
    let _ = hash::Hash256::decode(data);
    let _ = keys::PublicKey::decode(data);
    let _ = keys::Signature::decode(data);
    let _ = keys::Address::decode(data);
    let _ = pow::Target::decode(data);
    let _ = merkle::MerkleProof::decode(data);
    if let Ok(header) = pow::Header::decode(data) {
        let _ = header.meets_target();
    }
    if let Ok(tx) = tx::Transaction::decode(data) {
        // Every kind (transfers, governance, deploys, calls): the stateless
        // checks, a run on a funded ledger, and the mempool's admission.
        let _ = tx.check_stateless(1);
        let params = demo::demo_params();
        let mut ledger = params.genesis_ledger();
        if let Some((key, _)) = tx.sender_nonce() {
            let _ = ledger.credit(key.address(), amount::Amount::new(1_000_000));
        }
        let _ = block::apply_transaction(&mut ledger, &tx, 1, keys::Address::default());
        let mut pool = mempool::Mempool::new(1, 10);
        let _ = pool.add_tx(tx, &ledger);
    }
    if let Ok(block) = block::Block::decode(data) {
        let _ = block.check_stateless(block.header.chain_id, block::MAX_BLOCK_TXS, true);
        let mut chain = chain::Chain::new(demo::demo_params());
        let _ = chain.insert(block);
    }
    if let Ok(m) = consensus::bft::Message::decode(data) {
        // What a world's BFT engine does first with a message it received.
        let _ = m.height();
        if let consensus::bft::Message::Proposal(p) = &m {
            let _ = p.verify();
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = json::ChainFile::import(text);
        let _ = tx::Transaction::from_json(text, 1);
        let _ = hash::BlockHash::from_hex(text);
        let _ = keys::PublicKey::from_hex(text);
    }
}
