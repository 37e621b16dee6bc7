// caught-by: random
// Bug: the nonce is never encoded (116 bytes instead of 124).
use crate::chain::Header;
use sha2::{Digest, Sha256};

fn encode(h: &Header) -> Vec<u8> {
    let mut b = Vec::with_capacity(124);
    b.extend_from_slice(&h.chain_id.to_be_bytes());
    b.extend_from_slice(&h.height.to_be_bytes());
    b.extend_from_slice(&h.parent);
    b.extend_from_slice(&h.merkle_root);
    b.extend_from_slice(&h.timestamp_ms.to_be_bytes());
    b.extend_from_slice(&h.target);
    b
}

pub fn header_hash(header: &Header) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"chainlab:header:v1\0");
    h.update(encode(header));
    h.finalize().into()
}
