//! Harness for `address`: `pub fn address(public_key: &[u8; 32]) -> [u8; 20]`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let key: [u8; 32] = wire::hex_array(input, "public_key")?;
    Ok(wire::hex(crate::solution::address(&key)))
}
