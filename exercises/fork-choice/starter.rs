// Exercise fork-choice: `grader show fork-choice`.
use crate::chain::BlockMeta;

pub fn best_tip(blocks: &[BlockMeta]) -> usize {
    // TODO: cumulative work per block, then the first block with the most.
    blocks.len().saturating_sub(1)
}
