// The hashing chapter's examples: a complete program, compiled and run by
// `mdbook test` (see `cargo xtask book`). The book shows the parts between
// the ANCHOR lines; the rest is hidden but still compiled.
extern crate sandbox_chain;

use sandbox_chain::hash::{Domain, sha256, tagged_hash};

fn main() {
    // ANCHOR: sha256
    let digest = sha256(b"hello");
    println!("SHA-256(\"hello\") = {digest}");
    // The published value: anyone, anywhere, gets the same 32 bytes.
    assert_eq!(
        digest.to_hex(),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    // ANCHOR_END: sha256

    // ANCHOR: avalanche
    let a = sha256(b"hello");
    let b = sha256(b"hellp"); // one letter, one bit of input changed
    let changed_bits: u32 = a
        .as_bytes()
        .iter()
        .zip(b.as_bytes())
        .map(|(x, y)| (x ^ y).count_ones())
        .sum();
    println!("{changed_bits} of 256 output bits changed");
    // About half of the bits flip: the hashes look unrelated.
    assert!((80..=176).contains(&changed_bits));
    // ANCHOR_END: avalanche

    // ANCHOR: tagged
    // Everything ChainLab hashes is tagged with its purpose, so a header
    // hash can never be passed off as a transaction id.
    let as_header = tagged_hash(Domain::Header, b"same bytes");
    let as_txid = tagged_hash(Domain::TxId, b"same bytes");
    assert_ne!(as_header, as_txid);
    println!("tag of a header hash: {:?}", Domain::Header.tag());
    // ANCHOR_END: tagged
}
