// caught-by: unicode_memo
// Bug: memo length counted in characters, not bytes.
use crate::chain::Transfer;
use ed25519_dalek::{Signer, SigningKey};

/// The transfer body (docs/encoding.md, "Transfer"), big-endian integers.
fn body(t: &Transfer) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&t.chain_id.to_be_bytes());
    b.extend_from_slice(&t.from);
    b.extend_from_slice(&t.to);
    b.extend_from_slice(&t.amount.to_be_bytes());
    b.extend_from_slice(&t.fee.to_be_bytes());
    b.extend_from_slice(&t.nonce.to_be_bytes());
    b.extend_from_slice(&(t.memo.chars().count() as u32).to_be_bytes());
    b.extend_from_slice(t.memo.as_bytes());
    b
}

/// What is signed: the tag, a zero byte, then the body.
fn signed_message(t: &Transfer) -> Vec<u8> {
    let mut m = b"chainlab:transfer:v1\0".to_vec();
    m.extend(body(t));
    m
}

pub fn sign_transfer(seed: &[u8; 32], transfer: &Transfer) -> [u8; 64] {
    SigningKey::from_bytes(seed)
        .sign(&signed_message(transfer))
        .to_bytes()
}
