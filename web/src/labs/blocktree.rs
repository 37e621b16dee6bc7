//! The block tree view's logic: a node's whole tree of blocks laid out
//! like a version-control graph (height to the right, one lane per
//! branch, the canonical branch in the top lane), with side, invalid and
//! orphan blocks marked and the node's last reorganisation highlighted.

use std::collections::{BTreeMap, BTreeSet};

use sandbox_chain::hash::BlockHash;
use sandbox_chain::world::{NodeId, World, WorldEvent};

/// Horizontal distance between heights.
pub const COL_W: f64 = 96.0;
/// Vertical distance between lanes.
pub const LANE_H: f64 = 64.0;
/// A block's box.
pub const BOX_W: f64 = 76.0;
/// A block's box.
pub const BOX_H: f64 = 40.0;
const PAD: f64 = 12.0;

/// What a block is to the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// On the canonical chain.
    Canonical,
    /// On a side branch (stale or waiting to win).
    Side,
    /// Found invalid (it or an ancestor broke a rule).
    Invalid,
    /// Held until its parent arrives.
    Orphan,
}

/// A block as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeBlock {
    /// Its hash.
    pub hash: BlockHash,
    /// Its height.
    pub height: u64,
    /// What it is.
    pub kind: BlockKind,
    /// Its box's top-left corner.
    pub x: f64,
    /// Its box's top-left corner.
    pub y: f64,
    /// Its lane (0: the canonical branch).
    pub lane: usize,
    /// The node's tip.
    pub tip: bool,
    /// Final on the node (BFT).
    pub finalized: bool,
    /// Taken off the canonical chain by the last reorganisation.
    pub reorg_old: bool,
    /// Put on the canonical chain by the last reorganisation.
    pub reorg_new: bool,
    /// Transactions, coinbase included (0 for orphans).
    pub txs: usize,
}

/// A line from a parent to a child.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeEdge {
    /// Parent's right side.
    pub from: (f64, f64),
    /// Child's left side.
    pub to: (f64, f64),
    /// Both ends canonical.
    pub canonical: bool,
    /// To an orphan's missing parent (drawn dashed, from nowhere).
    pub missing: bool,
}

/// The node's last reorganisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastReorg {
    /// Blocks taken off.
    pub depth: usize,
    /// When.
    pub at_ms: u64,
    /// Where the branches meet.
    pub fork_point: BlockHash,
    /// Position in the world's event log (changes when a new one happens).
    pub event_index: usize,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeLayout {
    /// Blocks.
    pub blocks: Vec<TreeBlock>,
    /// Edges.
    pub edges: Vec<TreeEdge>,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Blocks left out (older than the window).
    pub hidden: usize,
    /// The last reorganisation, if any.
    pub reorg: Option<LastReorg>,
    /// Number of side-branch (stale) blocks shown.
    pub side: usize,
}

impl TreeLayout {
    /// The tree `node` of `world` holds, showing the last `window`
    /// heights (`None` if there is no such node).
    pub fn of(world: &World, node: NodeId, window: u64) -> Option<TreeLayout> {
        let chain = world.chain(node)?;
        let view = world.node_view(node)?;
        let infos = chain.blocks();
        let top = infos
            .iter()
            .map(|b| b.height)
            .chain(chain.orphans().iter().map(|o| o.2))
            .max()
            .unwrap_or(0);
        let from = top.saturating_sub(window.saturating_sub(1));
        let shown: Vec<_> = infos.iter().filter(|b| b.height >= from).collect();
        let hidden = infos.len().saturating_sub(shown.len());
        let by_hash: BTreeMap<BlockHash, usize> =
            shown.iter().enumerate().map(|(i, b)| (b.hash, i)).collect();
        let mut children: BTreeMap<BlockHash, Vec<BlockHash>> = BTreeMap::new();
        let mut roots = Vec::new();
        for b in &shown {
            if by_hash.contains_key(&b.parent) && b.height > 0 {
                children.entry(b.parent).or_default().push(b.hash);
            } else {
                roots.push(b.hash);
            }
        }
        // Canonical children first, then by hash (stable).
        let canonical: BTreeSet<BlockHash> = chain.canonical_chain().iter().copied().collect();
        for list in children.values_mut() {
            list.sort_by_key(|h| (!canonical.contains(h), *h));
        }
        roots.sort_by_key(|h| (!canonical.contains(h), *h));
        // Lanes: a first child keeps its parent's lane, the others open new
        // ones (depth first, so each branch gets one lane).
        let mut lane_of: BTreeMap<BlockHash, usize> = BTreeMap::new();
        let mut next_lane = 0usize;
        let mut stack: Vec<(BlockHash, usize)> = Vec::new();
        for r in roots.iter().rev() {
            stack.push((*r, usize::MAX));
        }
        while let Some((h, lane)) = stack.pop() {
            let lane = if lane == usize::MAX {
                next_lane += 1;
                next_lane - 1
            } else {
                lane
            };
            lane_of.insert(h, lane);
            if let Some(kids) = children.get(&h) {
                // Push in reverse so the first child is laid out first.
                for (i, k) in kids.iter().enumerate().rev() {
                    stack.push((*k, if i == 0 { lane } else { usize::MAX }));
                }
            }
        }
        let reorg = last_reorg(world, node);
        let (old_branch, new_branch) = match &reorg {
            Some(r) => reorg_branches(world, node, r),
            None => (BTreeSet::new(), BTreeSet::new()),
        };
        let finalized_height = view.finalized.map(|(h, _)| h);
        let pos = |height: u64, lane: usize| {
            (
                PAD + (height - from) as f64 * COL_W,
                PAD + lane as f64 * LANE_H,
            )
        };
        let mut blocks: Vec<TreeBlock> = shown
            .iter()
            .map(|b| {
                let lane = lane_of.get(&b.hash).copied().unwrap_or(0);
                let (x, y) = pos(b.height, lane);
                let kind = if chain.is_invalid(&b.hash) {
                    BlockKind::Invalid
                } else if b.canonical {
                    BlockKind::Canonical
                } else {
                    BlockKind::Side
                };
                TreeBlock {
                    hash: b.hash,
                    height: b.height,
                    kind,
                    x,
                    y,
                    lane,
                    tip: b.hash == view.tip,
                    finalized: b.canonical && finalized_height.is_some_and(|f| b.height <= f),
                    reorg_old: old_branch.contains(&b.hash),
                    reorg_new: new_branch.contains(&b.hash),
                    txs: b.tx_count,
                }
            })
            .collect();
        let mut edges: Vec<TreeEdge> = Vec::new();
        for b in &shown {
            if let (Some(&pi), Some(&ci)) = (by_hash.get(&b.parent), by_hash.get(&b.hash)) {
                if b.height == 0 {
                    continue;
                }
                let (p, c) = (&blocks[pi], &blocks[ci]);
                edges.push(TreeEdge {
                    from: (p.x + BOX_W, p.y + BOX_H / 2.0),
                    to: (c.x, c.y + BOX_H / 2.0),
                    canonical: p.kind == BlockKind::Canonical && c.kind == BlockKind::Canonical,
                    missing: false,
                });
            }
        }
        // Orphans below everything, each in its own lane.
        let mut orphans = chain.orphans();
        orphans.sort_by_key(|o| (o.2, o.0));
        for (hash, _parent, height) in orphans.into_iter().filter(|o| o.2 >= from) {
            let lane = next_lane;
            next_lane += 1;
            let (x, y) = pos(height, lane);
            edges.push(TreeEdge {
                from: (x - (COL_W - BOX_W), y + BOX_H / 2.0),
                to: (x, y + BOX_H / 2.0),
                canonical: false,
                missing: true,
            });
            blocks.push(TreeBlock {
                hash,
                height,
                kind: BlockKind::Orphan,
                x,
                y,
                lane,
                tip: false,
                finalized: false,
                reorg_old: false,
                reorg_new: false,
                txs: 0,
            });
        }
        let lanes = next_lane.max(1);
        let cols = top.saturating_sub(from).saturating_add(1);
        let side = blocks.iter().filter(|b| b.kind == BlockKind::Side).count();
        Some(TreeLayout {
            width: PAD * 2.0 + (cols as f64 - 1.0) * COL_W + BOX_W,
            height: PAD * 2.0 + (lanes as f64 - 1.0) * LANE_H + BOX_H,
            blocks,
            edges,
            hidden,
            reorg,
            side,
        })
    }
}

/// The node's last `reorg` event.
pub fn last_reorg(world: &World, node: NodeId) -> Option<LastReorg> {
    world
        .events()
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| match &e.event {
            WorldEvent::Reorg {
                node: n,
                depth,
                fork_point,
                ..
            } if *n == node => Some(LastReorg {
                depth: *depth,
                at_ms: e.at_ms,
                fork_point: *fork_point,
                event_index: i,
            }),
            _ => None,
        })
}

/// The blocks the reorganisation took off (old tip back to the fork point)
/// and put on (new tip back to the fork point), as they are stored now.
fn reorg_branches(
    world: &World,
    node: NodeId,
    r: &LastReorg,
) -> (BTreeSet<BlockHash>, BTreeSet<BlockHash>) {
    let Some(chain) = world.chain(node) else {
        return Default::default();
    };
    let Some(WorldEvent::Reorg {
        old_tip, new_tip, ..
    }) = world.events().get(r.event_index).map(|e| &e.event)
    else {
        return Default::default();
    };
    let walk = |from: BlockHash| {
        let mut out = BTreeSet::new();
        let mut at = from;
        while at != r.fork_point {
            let Some(b) = chain.get(&at) else { break };
            out.insert(at);
            if b.height() == 0 {
                break;
            }
            at = b.header.parent;
        }
        out
    };
    (walk(*old_tip), walk(*new_tip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::world::{Action, WorldConfig};

    fn world() -> World {
        World::new(WorldConfig::pow(3, 4, 0), 11).unwrap()
    }

    #[test]
    fn a_straight_chain_is_one_lane() {
        let mut w = world();
        for _ in 0..3 {
            w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        }
        let t = TreeLayout::of(&w, NodeId(0), 50).unwrap();
        assert_eq!(t.blocks.len(), 4);
        assert!(
            t.blocks
                .iter()
                .all(|b| b.lane == 0 && b.kind == BlockKind::Canonical)
        );
        assert_eq!(t.edges.len(), 3);
        assert!(t.edges.iter().all(|e| e.canonical));
        assert_eq!(t.blocks.iter().filter(|b| b.tip).count(), 1);
        assert!(t.blocks.iter().find(|b| b.tip).unwrap().height == 3);
        assert!(TreeLayout::of(&w, NodeId(7), 50).is_none());
    }

    /// A fork resolved by a longer branch: the loser is a side block in
    /// lane 1, and the reorg marks both branches.
    #[test]
    fn a_fork_gets_a_second_lane_and_the_reorg_is_marked() {
        let mut w = world();
        w.apply(Action::Partition {
            groups: vec![vec![NodeId(0)], vec![NodeId(1), NodeId(2)]],
        })
        .unwrap();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        w.apply(Action::Mine { node: NodeId(1) }).unwrap();
        w.apply(Action::Mine { node: NodeId(1) }).unwrap();
        w.apply(Action::AdvanceTime { ms: 2_000 }).unwrap();
        w.apply(Action::Heal).unwrap();
        w.apply(Action::Mine { node: NodeId(1) }).unwrap();
        w.apply(Action::RunUntil {
            until: sandbox_chain::world::Until::Converged,
            max_events: 10_000,
        })
        .unwrap();
        let t = TreeLayout::of(&w, NodeId(0), 50).unwrap();
        let side: Vec<_> = t
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Side)
            .collect();
        assert_eq!(side.len(), 1, "{:?}", t.blocks);
        assert_eq!(side[0].lane, 1);
        assert_eq!(t.side, 1);
        assert!(side[0].reorg_old);
        let r = t.reorg.clone().expect("node 0 reorganised");
        assert_eq!(r.depth, 1);
        assert!(t.blocks.iter().filter(|b| b.reorg_new).count() >= 2);
        assert!(
            t.blocks
                .iter()
                .filter(|b| b.kind == BlockKind::Canonical)
                .all(|b| b.lane == 0)
        );
        // Canonical blocks of the same height never share a column with a
        // lane-0 neighbour: each (lane, height) is one block.
        let mut cells = BTreeSet::new();
        assert!(t.blocks.iter().all(|b| cells.insert((b.lane, b.height))));
    }

    #[test]
    fn the_window_hides_old_blocks() {
        let mut w = world();
        for _ in 0..6 {
            w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        }
        let t = TreeLayout::of(&w, NodeId(0), 3).unwrap();
        assert_eq!(t.blocks.len(), 3);
        assert_eq!(t.hidden, 4);
        assert_eq!(t.edges.len(), 2);
        assert!(t.blocks.iter().all(|b| b.height >= 4));
    }

    #[test]
    fn a_bft_chain_marks_final_blocks() {
        let mut w = World::new(WorldConfig::bft(4), 2).unwrap();
        w.apply(Action::RunUntil {
            until: sandbox_chain::world::Until::Height { height: 2 },
            max_events: 100_000,
        })
        .unwrap();
        w.apply(Action::AdvanceTime { ms: 500 }).unwrap();
        let t = TreeLayout::of(&w, NodeId(0), 50).unwrap();
        assert!(t.blocks.iter().any(|b| b.finalized && b.height >= 1));
    }
}
