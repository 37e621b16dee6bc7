//! Harness for `apply_transfers`:
//! `pub fn apply_transfers(ledger: &Ledger, fee_to: [u8; 20], txs: &[SignedTransfer]) -> Result<Ledger, usize>`.
use crate::wire::{self, Value, json};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let ledger = wire::ledger(wire::field(input, "ledger")?)?;
    let fee_to: [u8; 20] = wire::hex_array(input, "fee_to")?;
    let txs = wire::list(input, "txs")?
        .iter()
        .map(wire::signed)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match crate::solution::apply_transfers(&ledger, fee_to, &txs) {
        Ok(after) => json!({ "ok": wire::ledger_out(&after) }),
        Err(i) => json!({ "err": i }),
    })
}
