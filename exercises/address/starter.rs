// Exercise address: `grader show address`.
use sha2::{Digest, Sha256};

pub fn address(public_key: &[u8; 32]) -> [u8; 20] {
    // TODO: tagged hash of the key, keep the first 20 bytes.
    let _ = (public_key, Sha256::new());
    [0u8; 20]
}
