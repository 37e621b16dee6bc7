//! Harness for `fork_choice`: `pub fn best_tip(blocks: &[BlockMeta]) -> usize`.
use crate::wire::{self, Value};

pub(crate) fn blocks(input: &Value) -> Result<Vec<crate::chain::BlockMeta>, String> {
    wire::list(input, "blocks")?
        .iter()
        .map(|b| {
            Ok(crate::chain::BlockMeta {
                parent: wire::field(b, "parent")?.as_u64().map(|p| p as usize),
                work: wire::u64_of(b, "work")?,
            })
        })
        .collect()
}

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    Ok(Value::from(crate::solution::best_tip(&blocks(input)?)))
}
