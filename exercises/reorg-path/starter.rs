// Exercise reorg-path: `grader show reorg-path`.
use crate::chain::BlockMeta;

pub fn reorg_path(blocks: &[BlockMeta], old_tip: usize, new_tip: usize) -> (Vec<usize>, Vec<usize>) {
    // TODO: walk both tips back to their common ancestor.
    let _ = (blocks, old_tip);
    (Vec::new(), vec![new_tip])
}
