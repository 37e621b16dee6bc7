//! Harness for `reorg_path`:
//! `pub fn reorg_path(blocks: &[BlockMeta], old_tip: usize, new_tip: usize) -> (Vec<usize>, Vec<usize>)`
//! returning (disconnected, tip first; connected, oldest first).
use crate::wire::{self, Value, json};

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let blocks = wire::list(input, "blocks")?
        .iter()
        .map(|b| {
            Ok(crate::chain::BlockMeta {
                parent: wire::field(b, "parent")?.as_u64().map(|p| p as usize),
                work: wire::u64_of(b, "work")?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let old_tip = wire::u64_of(input, "old_tip")? as usize;
    let new_tip = wire::u64_of(input, "new_tip")? as usize;
    let (disconnected, connected) = crate::solution::reorg_path(&blocks, old_tip, new_tip);
    Ok(json!({ "disconnected": disconnected, "connected": connected }))
}
