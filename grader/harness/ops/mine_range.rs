//! Harness for `mine_range`: `pub fn mine(header: &Header, start: u64, end: u64) -> Option<u64>`.
use crate::wire::{self, Value};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let header = wire::header(wire::field(input, "header")?)?;
    let start = wire::u64_of(input, "start")?;
    let end = wire::u64_of(input, "end")?;
    Ok(match crate::solution::mine(&header, start, end) {
        Some(n) => Value::from(n),
        None => Value::Null,
    })
}
