// Exercise tagged-hash: `grader show tagged-hash`.
use sha2::{Digest, Sha256};

pub fn tagged_hash(tag: &str, data: &[u8]) -> [u8; 32] {
    // TODO: hash the tag's bytes, then one zero byte, then the data.
    let _ = (tag, data, Sha256::new());
    [0u8; 32]
}
