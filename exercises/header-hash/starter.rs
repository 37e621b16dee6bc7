// Exercise header-hash: `grader show header-hash`.
use crate::chain::Header;
use sha2::{Digest, Sha256};

pub fn header_hash(header: &Header) -> [u8; 32] {
    // TODO: encode the 124 bytes (big-endian integers, nonce last) and
    // return tagged_hash("chainlab:header:v1", encoding).
    let _ = (header, Sha256::new());
    [0u8; 32]
}
