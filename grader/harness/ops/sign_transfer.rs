//! Harness for `sign_transfer`: `pub fn sign_transfer(seed: &[u8; 32], transfer: &Transfer) -> [u8; 64]`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let seed: [u8; 32] = wire::hex_array(input, "seed")?;
    let t = wire::transfer(wire::field(input, "transfer")?)?;
    Ok(wire::hex(crate::solution::sign_transfer(&seed, &t)))
}
