// caught-by: random
// Bug: `{:x}` drops the leading zero of bytes below 0x10.
use sha2::{Digest, Sha256};

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:x}")).collect()
}
