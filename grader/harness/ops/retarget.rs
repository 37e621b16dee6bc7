//! Harness for `retarget`: `pub fn retarget(old: &[u8; 32], actual_ms: u64, expected_ms: u64) -> [u8; 32]`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let old: [u8; 32] = wire::hex_array(input, "old")?;
    let actual = wire::u64_of(input, "actual_ms")?;
    let expected = wire::u64_of(input, "expected_ms")?;
    Ok(wire::hex(crate::solution::retarget(&old, actual, expected)))
}
