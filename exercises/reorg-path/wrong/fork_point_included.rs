// caught-by: sibling
// Bug: undoes and re-applies the fork point too.
use crate::chain::BlockMeta;

fn height(blocks: &[BlockMeta], mut i: usize) -> usize {
    let mut h = 0;
    while let Some(p) = blocks[i].parent {
        i = p;
        h += 1;
    }
    h
}

pub fn reorg_path(blocks: &[BlockMeta], old_tip: usize, new_tip: usize) -> (Vec<usize>, Vec<usize>) {
    let (mut a, mut b) = (old_tip, new_tip);
    let (mut ha, mut hb) = (height(blocks, a), height(blocks, b));
    let mut disconnected = Vec::new();
    let mut connected = Vec::new();
    while ha > hb {
        disconnected.push(a);
        a = blocks[a].parent.unwrap_or(0);
        ha -= 1;
    }
    while hb > ha {
        connected.push(b);
        b = blocks[b].parent.unwrap_or(0);
        hb -= 1;
    }
    while a != b {
        disconnected.push(a);
        connected.push(b);
        a = blocks[a].parent.unwrap_or(0);
        b = blocks[b].parent.unwrap_or(0);
    }
    disconnected.push(a);
    connected.push(b);
    connected.reverse();
    (disconnected, connected)
}
