// caught-by: odd_counts
// Bug: pairs an odd last node with a copy of itself (Bitcoin's rule).

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

pub fn merkle_root(txids: &[[u8; 32]]) -> [u8; 32] {
    let n = txids.len() as u32;
    if txids.is_empty() {
        return tagged("chainlab:merkle-root:v1", &[&n.to_be_bytes()]);
    }
    let mut level: Vec<[u8; 32]> = txids
        .iter()
        .map(|id| tagged("chainlab:merkle-leaf:v1", &[id]))
        .collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for pair in level.chunks(2) {
            match pair {
                [l, r] => next.push(tagged("chainlab:merkle-node:v1", &[l, r])),
                [odd] => next.push(tagged("chainlab:merkle-node:v1", &[odd, odd])),
                _ => {}
            }
        }
        level = next;
    }
    tagged("chainlab:merkle-root:v1", &[&n.to_be_bytes(), &level[0]])
}
