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
