// caught-by: malformed
// Bug: accepts proofs with siblings left over.

use sha2::{Digest, Sha256};

fn tagged(tag: &str, parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update([0u8]);
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

pub fn verify_merkle_proof(
    txid: &[u8; 32],
    root: &[u8; 32],
    leaf_index: u32,
    leaf_count: u32,
    siblings: &[[u8; 32]],
) -> bool {
    if leaf_index >= leaf_count {
        return false;
    }
    let mut acc = tagged("chainlab:merkle-leaf:v1", &[txid]);
    let (mut pos, mut len) = (u64::from(leaf_index), u64::from(leaf_count));
    let mut next = siblings.iter();
    while len > 1 {
        if pos % 2 == 1 {
            let Some(s) = next.next() else { return false };
            acc = tagged("chainlab:merkle-node:v1", &[s, &acc]);
        } else if pos + 1 < len {
            let Some(s) = next.next() else { return false };
            acc = tagged("chainlab:merkle-node:v1", &[&acc, s]);
        }
        pos /= 2;
        len = len.div_ceil(2);
    }
    let top = tagged("chainlab:merkle-root:v1", &[&leaf_count.to_be_bytes(), &acc]);
    &top == root
}
