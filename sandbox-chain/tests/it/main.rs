//! Integration tests of sandbox-chain: one test binary, one module per area.
#![cfg(not(target_arch = "wasm32"))]

mod bft;
mod bridge;
mod chain;
mod consensus;
mod contract_blocks;
mod contracts;
mod determinism;
mod encoding;
mod islands;
mod support;
mod vectors;
mod world;
mod world_bft;
