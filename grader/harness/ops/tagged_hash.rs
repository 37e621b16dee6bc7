//! Harness for `tagged_hash`: `pub fn tagged_hash(tag: &str, data: &[u8]) -> [u8; 32]`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let tag = wire::field(input, "tag")?.as_str().ok_or("`tag` is not a string")?;
    let data = wire::hex_vec(input, "data")?;
    Ok(wire::hex(crate::solution::tagged_hash(tag, &data)))
}
