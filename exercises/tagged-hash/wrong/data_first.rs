// caught-by: every_tag
// Bug: data before the tag.
use sha2::{Digest, Sha256};

pub fn tagged_hash(tag: &str, data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(data);
    h.update([0u8]);
    h.update(tag.as_bytes());
    h.finalize().into()
}
