// Exercise merkle-proof: `grader show merkle-proof`.
use sha2::{Digest, Sha256};

pub fn verify_merkle_proof(
    txid: &[u8; 32],
    root: &[u8; 32],
    leaf_index: u32,
    leaf_count: u32,
    siblings: &[[u8; 32]],
) -> bool {
    // TODO: walk up from the leaf, left or right by position, promoting odd nodes.
    let _ = (txid, root, leaf_index, leaf_count, siblings, Sha256::new());
    false
}
