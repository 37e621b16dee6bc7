//! Harness for `merkle_root`: `pub fn merkle_root(txids: &[[u8; 32]]) -> [u8; 32]`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let txids = wire::hashes(input, "txids")?;
    Ok(wire::hex(crate::solution::merkle_root(&txids)))
}
