//! Harness for `verify_merkle_proof`:
//! `pub fn verify_merkle_proof(txid: &[u8; 32], root: &[u8; 32], leaf_index: u32, leaf_count: u32, siblings: &[[u8; 32]]) -> bool`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let txid: [u8; 32] = wire::hex_array(input, "txid")?;
    let root: [u8; 32] = wire::hex_array(input, "root")?;
    let index = wire::u64_of(input, "leaf_index")? as u32;
    let count = wire::u64_of(input, "leaf_count")? as u32;
    let siblings = wire::hashes(input, "siblings")?;
    Ok(Value::Bool(crate::solution::verify_merkle_proof(
        &txid, &root, index, count, &siblings,
    )))
}
