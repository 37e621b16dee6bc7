//! Harness for `verify_transfer`: `pub fn verify_transfer(tx: &SignedTransfer) -> bool`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let tx = wire::signed(input)?;
    Ok(Value::Bool(crate::solution::verify_transfer(&tx)))
}
