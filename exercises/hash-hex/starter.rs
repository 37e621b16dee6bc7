// Exercise hash-hex: see `grader show hash-hex`.
use sha2::{Digest, Sha256};

pub fn sha256_hex(data: &[u8]) -> String {
    // TODO: hash `data` with SHA-256 and return the digest as lowercase hex.
    let _ = Sha256::digest(data);
    String::new()
}
