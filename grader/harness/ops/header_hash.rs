//! Harness for `header_hash`: `pub fn header_hash(header: &Header) -> [u8; 32]`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let header = wire::header(input)?;
    Ok(wire::hex(crate::solution::header_hash(&header)))
}
