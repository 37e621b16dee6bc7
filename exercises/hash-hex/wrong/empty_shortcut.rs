// caught-by: empty
// Bug: treats empty input as "nothing to hash".
use sha2::{Digest, Sha256};

pub fn sha256_hex(data: &[u8]) -> String {
    if data.is_empty() {
        return "0".repeat(64);
    }
    hex::encode(Sha256::digest(data))
}
