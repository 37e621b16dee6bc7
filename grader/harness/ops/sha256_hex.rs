//! Harness for `sha256_hex`: `pub fn sha256_hex(data: &[u8]) -> String`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let data = wire::hex_vec(input, "data")?;
    Ok(Value::String(crate::solution::sha256_hex(&data)))
}
