// caught-by: funds
// Bug: checks the balance against the amount only.
use crate::chain::{Ledger, SignedTransfer, Transfer, TxRejection};
use ed25519_dalek::{Signature, VerifyingKey};
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
    let h = tagged("chainlab:address:v1", &[public_key]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[..20]);
    a
}

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

pub fn validate_transfer(
    ledger: &Ledger,
    chain_id: u32,
    tx: &SignedTransfer,
) -> Result<(), TxRejection> {
    let t = &tx.transfer;
    if t.amount == 0 {
        return Err(TxRejection::ZeroAmount);
    }
    if t.memo.len() > 140 {
        return Err(TxRejection::MemoTooLong);
    }
    let total = t.amount.checked_add(t.fee).ok_or(TxRejection::Overflow)?;
    if t.chain_id != chain_id {
        return Err(TxRejection::WrongChain);
    }
    if !signature_ok(tx) {
        return Err(TxRejection::BadSignature);
    }
    let account = ledger.get(&address_of(&t.from)).copied().unwrap_or_default();
    if t.nonce < account.nonce {
        return Err(TxRejection::NonceUsed);
    }
    if t.nonce > account.nonce {
        return Err(TxRejection::NonceAhead);
    }
    if t.amount > account.balance {
        return Err(TxRejection::InsufficientFunds);
    }
    Ok(())
}
