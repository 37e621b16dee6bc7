use crate::chain::{SignedTransfer, Transfer};
use ed25519_dalek::{Signature, VerifyingKey};

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
    let mut m = b"chainlab:transfer:v1\0".to_vec();
    m.extend(body(t));
    m
}

fn signature_ok(tx: &SignedTransfer) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(&tx.transfer.from) else {
        return false;
    };
    if key.is_weak() {
        return false;
    }
    let sig = Signature::from_bytes(&tx.signature);
    key.verify_strict(&signed_message(&tx.transfer), &sig).is_ok()
}

pub fn verify_transfer(tx: &SignedTransfer) -> bool {
    signature_ok(tx)
}
