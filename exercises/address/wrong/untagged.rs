// caught-by: named
// Bug: plain SHA-256 of the key.
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

fn address_of(public_key: &[u8; 32]) -> [u8; 20] {
    let h: [u8; 32] = Sha256::digest(public_key).into();
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[..20]);
    a
}

pub fn address(public_key: &[u8; 32]) -> [u8; 20] {
    address_of(public_key)
}
