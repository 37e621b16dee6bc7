// Exercise validate-transfer: `grader show validate-transfer`.
use crate::chain::{Ledger, SignedTransfer, TxRejection};

pub fn validate_transfer(
    ledger: &Ledger,
    chain_id: u32,
    tx: &SignedTransfer,
) -> Result<(), TxRejection> {
    // TODO: form, chain, signature, nonce, funds — in that order.
    let _ = (ledger, chain_id, tx);
    Err(TxRejection::BadSignature)
}
