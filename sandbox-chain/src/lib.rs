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
pub mod chain;
pub mod consensus;
pub mod encode;
pub mod hash;
pub mod identity;
pub mod json;
pub mod keys;
pub mod ledger;
pub mod merkle;
pub mod pow;
pub mod tx;

pub use json::{ImportError, MAX_JSON_BYTES};
