// Exercise merkle-root: `grader show merkle-root`.
use sha2::{Digest, Sha256};

pub fn merkle_root(txids: &[[u8; 32]]) -> [u8; 32] {
    // TODO: empty root, leaf hashes, then pair level by level (promote an odd last node).
    let _ = (txids, Sha256::new());
    [0u8; 32]
}
