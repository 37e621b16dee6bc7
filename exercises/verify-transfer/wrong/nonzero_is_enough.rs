// caught-by: tampered
// Bug: only checks that a signature is present.
use crate::chain::SignedTransfer;

pub fn verify_transfer(tx: &SignedTransfer) -> bool {
    tx.signature.iter().any(|b| *b != 0)
}
