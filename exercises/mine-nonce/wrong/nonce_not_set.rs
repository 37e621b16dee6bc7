// caught-by: found
// Bug: hashes the header with its own nonce every time.
use crate::chain::Header;
use sha2::{Digest, Sha256};

fn header_hash(h: &Header) -> [u8; 32] {
    let mut s = Sha256::new();
    s.update(b"chainlab:header:v1\0");
    s.update(h.chain_id.to_be_bytes());
    s.update(h.height.to_be_bytes());
    s.update(h.parent);
    s.update(h.merkle_root);
    s.update(h.timestamp_ms.to_be_bytes());
    s.update(h.target);
    s.update(h.nonce.to_be_bytes());
    s.finalize().into()
}

pub fn mine(header: &Header, start: u64, end: u64) -> Option<u64> {
    let candidate = header.clone();
    for nonce in start..end {
        if header_hash(&candidate) <= header.target {
            return Some(nonce);
        }
    }
    None
}
