//! The logic of every view, as plain Rust types over `sandbox-chain`: no
//! Leptos, no browser. Views hold one of these in a signal and call its
//! methods; the native tests exercise them directly.

pub mod bft;
pub mod block;
pub mod blocktree;
pub mod bridge;
pub mod chain;
pub mod contract;
pub mod events;
pub mod hash;
pub mod keys;
pub mod mempool;
pub mod merkle;
pub mod network;
pub mod playground;
pub mod wallet;

use sandbox_chain::hash::{TxId, sha256};
use sandbox_chain::merkle::merkle_root;

/// In the labs a line of text stands in for a transaction: its id is the
/// plain SHA-256 of the line. Empty lines are skipped.
pub fn text_txids(text: &str) -> Vec<TxId> {
    text.lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .map(|line| TxId::from_hash(sha256(line.as_bytes())))
        .collect()
}

/// The Merkle root of a text's lines (see [`text_txids`]).
pub fn text_root(text: &str) -> sandbox_chain::hash::MerkleRoot {
    merkle_root(&text_txids(text))
}

/// Difficulty limits offered by the views, in leading zero bits.
pub const MIN_BITS: u32 = 1;
/// The hardest difficulty offered: about 2^28 hashes, a minute or two.
pub const MAX_BITS: u32 = 28;

/// Clamps a difficulty to what the views offer.
pub fn clamp_bits(bits: u32) -> u32 {
    bits.clamp(MIN_BITS, MAX_BITS)
}
