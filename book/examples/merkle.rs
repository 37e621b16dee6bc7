// The Merkle-trees chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::hash::{TxId, sha256};
use sandbox_chain::merkle::{merkle_levels, merkle_proof, merkle_root};

fn main() {
    // ANCHOR: root
    // Five transaction ids (here: hashes of 0..5, standing in for real ones).
    let txids: Vec<TxId> = (0u8..5).map(|i| TxId::from_hash(sha256(&[i]))).collect();
    let root = merkle_root(&txids);
    println!("root of 5: {root}");
    // The tree has levels of 5, 3, 2 and 1 hashes: odd ones out are promoted.
    let widths: Vec<usize> = merkle_levels(&txids).iter().map(Vec::len).collect();
    assert_eq!(widths, [5, 3, 2, 1]);
    // ANCHOR_END: root

    // ANCHOR: proof
    // A light client holds only the root (it is in the block header). To be
    // convinced that txids[3] is in the block it needs 3 hashes, not 5 ids.
    let proof = merkle_proof(&txids, 3).unwrap();
    assert_eq!(proof.siblings().len(), 3);
    assert!(proof.verify(txids[3], root).is_ok());
    // The same proof does not prove a different transaction...
    let error = proof.verify(txids[2], root).unwrap_err();
    println!("wrong leaf: {error}");
    // ...and a root that changed in any way rejects it.
    let other_root = merkle_root(&txids[..4]);
    assert!(proof.verify(txids[3], other_root).is_err());
    // ANCHOR_END: proof

    // ANCHOR: duplicate
    // Bitcoin's bug (CVE-2012-2459): duplicating the last id kept the root.
    // Here the odd one is promoted, never copied, and the count is hashed in.
    let mut with_copy = txids.clone();
    with_copy.push(txids[4]);
    assert_ne!(merkle_root(&with_copy), root);
    // ANCHOR_END: duplicate
}
