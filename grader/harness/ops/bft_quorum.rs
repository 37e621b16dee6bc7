//! Harness for `bft_quorum`: `pub fn has_quorum(validators: &[Validator], votes: &[[u8; 32]]) -> bool`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let validators = wire::list(input, "validators")?
        .iter()
        .map(|v| {
            Ok(crate::chain::Validator {
                key: wire::hex_array(v, "key")?,
                power: wire::u64_of(v, "power")?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let votes = wire::hashes(input, "votes")?;
    Ok(Value::Bool(crate::solution::has_quorum(&validators, &votes)))
}
