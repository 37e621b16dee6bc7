// Exercise verify-transfer: `grader show verify-transfer`.
use crate::chain::SignedTransfer;
use ed25519_dalek::{Signature, VerifyingKey};

pub fn verify_transfer(tx: &SignedTransfer) -> bool {
    // TODO: rebuild the signed message and verify_strict it with the sender's key.
    let _ = (VerifyingKey::from_bytes(&tx.transfer.from), Signature::from_bytes(&tx.signature));
    false
}
