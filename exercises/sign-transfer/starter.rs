// Exercise sign-transfer: `grader show sign-transfer`.
use crate::chain::Transfer;
use ed25519_dalek::{Signer, SigningKey};

pub fn sign_transfer(seed: &[u8; 32], transfer: &Transfer) -> [u8; 64] {
    // TODO: encode the body, prefix the tag and a zero byte, sign with the key.
    let key = SigningKey::from_bytes(seed);
    let _ = (transfer, key.sign(b"TODO"));
    [0u8; 64]
}
