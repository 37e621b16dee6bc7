// caught-by: tie
// Bug: switches to a later block of equal work.
use crate::chain::BlockMeta;

pub fn best_tip(blocks: &[BlockMeta]) -> usize {
    let mut total: Vec<u128> = Vec::with_capacity(blocks.len());
    for b in blocks {
        let base = b.parent.map_or(0, |p| total[p]);
        total.push(base + u128::from(b.work));
    }
    let mut best = 0;
    for i in 1..blocks.len() {
        if total[i] >= total[best] {
            best = i;
        }
    }
    best
}
