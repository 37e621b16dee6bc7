// caught-by: empty_memo
// Bug: signs the body without the tag.
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
    b.extend_from_slice(&(t.memo.len() as u32).to_be_bytes());
    b.extend_from_slice(t.memo.as_bytes());
    b
}

/// What is signed: the tag, a zero byte, then the body.
fn signed_message(t: &Transfer) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend(body(t));
    m
}

pub fn sign_transfer(seed: &[u8; 32], transfer: &Transfer) -> [u8; 64] {
    SigningKey::from_bytes(seed)
        .sign(&signed_message(transfer))
        .to_bytes()
}
