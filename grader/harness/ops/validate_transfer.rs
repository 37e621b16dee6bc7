//! Harness for `validate_transfer`:
//! `pub fn validate_transfer(ledger: &Ledger, chain_id: u32, tx: &SignedTransfer) -> Result<(), TxRejection>`.
use crate::chain::TxRejection;
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let ledger = wire::ledger(wire::field(input, "ledger")?)?;
    let chain_id = wire::u64_of(input, "chain_id")? as u32;
    let tx = wire::signed(wire::field(input, "tx")?)?;
    let word = match crate::solution::validate_transfer(&ledger, chain_id, &tx) {
        Ok(()) => "ok",
        Err(TxRejection::ZeroAmount) => "zero_amount",
        Err(TxRejection::MemoTooLong) => "memo_too_long",
        Err(TxRejection::Overflow) => "overflow",
        Err(TxRejection::WrongChain) => "wrong_chain",
        Err(TxRejection::BadSignature) => "bad_signature",
        Err(TxRejection::NonceUsed) => "nonce_used",
        Err(TxRejection::NonceAhead) => "nonce_ahead",
        Err(TxRejection::InsufficientFunds) => "insufficient_funds",
    };
    Ok(Value::String(word.into()))
}
