// Exercise apply-block: `grader show apply-block`.
use crate::chain::{Ledger, SignedTransfer};

pub fn apply_transfers(
    ledger: &Ledger,
    fee_to: [u8; 20],
    txs: &[SignedTransfer],
) -> Result<Ledger, usize> {
    // TODO: work on a copy; for each transfer check nonce and funds, then move the coins.
    let _ = (fee_to, txs);
    Ok(ledger.clone())
}
