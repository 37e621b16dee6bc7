//! The Merkle view: the tree over some lines of text, laid out for SVG, with
//! the inclusion proof of one leaf highlighted.

use sandbox_chain::hash::{Hash256, MerkleRoot};
use sandbox_chain::merkle::{MerkleProof, merkle_levels, merkle_proof, merkle_root};
use serde::{Deserialize, Serialize};

use super::text_txids;

/// The state of the Merkle view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MerkleLab {
    /// One "transaction" per line.
    pub text: String,
    /// The leaf whose proof is shown.
    pub selected: usize,
}

impl Default for MerkleLab {
    fn default() -> Self {
        MerkleLab {
            text: "alice pays bob 5\nbob pays carol 2\ncarol pays dave 1\ndave pays erin 3\nerin pays alice 4"
                .into(),
            selected: 2,
        }
    }
}

/// The part a node plays in the selected leaf's proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Not involved.
    Plain,
    /// On the path from the selected leaf to the root (recomputed by the verifier).
    Path,
    /// A sibling hash that the proof carries.
    Sibling,
}

/// A node of the drawn tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Level, 0 = leaves.
    pub level: usize,
    /// Position within the level.
    pub index: usize,
    /// Centre, in SVG units.
    pub x: f64,
    /// Centre, in SVG units.
    pub y: f64,
    /// The node's hash.
    pub hash: Hash256,
    /// Its part in the proof.
    pub role: Role,
    /// Whether it was promoted unchanged from the level below.
    pub promoted: bool,
}

/// A line from a child up to its parent.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Child centre.
    pub from: (f64, f64),
    /// Parent centre.
    pub to: (f64, f64),
    /// Whether it lies on the proof path.
    pub on_path: bool,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    /// Every node.
    pub nodes: Vec<Node>,
    /// Every edge.
    pub edges: Vec<Edge>,
    /// SVG width.
    pub width: f64,
    /// SVG height.
    pub height: f64,
}

/// Width of a node's box.
pub const NODE_W: f64 = 92.0;
/// Height of a node's box.
pub const NODE_H: f64 = 34.0;
const GAP_X: f64 = 14.0;
const ROW_H: f64 = 78.0;
const PAD: f64 = 12.0;
/// The most lines the view turns into leaves.
pub const MAX_LEAVES: usize = 16;

impl MerkleLab {
    /// The leaves' lines (at most [`MAX_LEAVES`]).
    pub fn lines(&self) -> Vec<String> {
        self.text
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .take(MAX_LEAVES)
            .map(String::from)
            .collect()
    }

    fn txids(&self) -> Vec<sandbox_chain::hash::TxId> {
        let mut ids = text_txids(&self.text);
        ids.truncate(MAX_LEAVES);
        ids
    }

    /// The root.
    pub fn root(&self) -> MerkleRoot {
        merkle_root(&self.txids())
    }

    /// The selected leaf, clamped to the leaves there are.
    pub fn selected(&self) -> usize {
        self.selected.min(self.txids().len().saturating_sub(1))
    }

    /// The selected leaf's proof, if there is a leaf.
    pub fn proof(&self) -> Option<MerkleProof> {
        merkle_proof(&self.txids(), self.selected()).ok()
    }

    /// Whether the proof verifies against the root (it always should: the
    /// view shows the check the verifier does).
    pub fn proof_verifies(&self) -> Option<Result<(), String>> {
        let ids = self.txids();
        let proof = self.proof()?;
        let txid = *ids.get(self.selected())?;
        Some(
            // The root binds the leaf count, so this also checks the
            // proof's claimed position.
            proof.verify(txid, self.root()).map_err(|e| e.to_string()),
        )
    }

    /// The tree laid out for drawing, root at the top.
    pub fn layout(&self) -> Layout {
        layout_of(&self.txids(), self.selected())
    }
}

/// The Merkle tree over `ids` laid out for drawing, root at the top, with
/// the path and siblings of leaf `selected` marked.
pub fn layout_of(ids: &[sandbox_chain::hash::TxId], selected: usize) -> Layout {
    if ids.is_empty() {
        return Layout::default();
    }
    let levels = merkle_levels(ids);
    let depth = levels.len();
    let mut xs: Vec<Vec<f64>> = Vec::with_capacity(depth);
    let mut layout = Layout {
        width: PAD * 2.0 + ids.len() as f64 * (NODE_W + GAP_X) - GAP_X,
        // One row per level, plus the root above the top node.
        height: PAD * 2.0 + depth as f64 * ROW_H + NODE_H,
        ..Layout::default()
    };
    for (level, hashes) in levels.iter().enumerate() {
        let y = PAD + NODE_H / 2.0 + (depth - level) as f64 * ROW_H;
        let mut row = Vec::with_capacity(hashes.len());
        for (index, hash) in hashes.iter().enumerate() {
            let (x, promoted) = match level.checked_sub(1).and_then(|l| xs.get(l)) {
                None => (PAD + NODE_W / 2.0 + index as f64 * (NODE_W + GAP_X), false),
                Some(below) => {
                    let left = below.get(2 * index).copied().unwrap_or(0.0);
                    match below.get(2 * index + 1) {
                        Some(right) => ((left + right) / 2.0, false),
                        None => (left, true),
                    }
                }
            };
            let path_index = selected >> level;
            let role = if index == path_index {
                Role::Path
            } else if index == path_index ^ 1 {
                Role::Sibling
            } else {
                Role::Plain
            };
            if let Some(below) = level.checked_sub(1).and_then(|l| xs.get(l)) {
                let child_y = y + ROW_H;
                for child in [2 * index, 2 * index + 1] {
                    if let Some(cx) = below.get(child) {
                        layout.edges.push(Edge {
                            from: (*cx, child_y - NODE_H / 2.0),
                            to: (x, y + NODE_H / 2.0),
                            on_path: role == Role::Path && child == selected >> (level - 1),
                        });
                    }
                }
            }
            layout.nodes.push(Node {
                level,
                index,
                x,
                y,
                hash: *hash,
                role,
                promoted,
            });
            row.push(x);
        }
        xs.push(row);
    }
    // The root binds the leaf count to the top node: one more box above
    // it, on every proof's path.
    if let Some(top_x) = xs.last().and_then(|row| row.first()).copied() {
        let y = PAD + NODE_H / 2.0;
        layout.edges.push(Edge {
            from: (top_x, y + ROW_H - NODE_H / 2.0),
            to: (top_x, y + NODE_H / 2.0),
            on_path: true,
        });
        layout.nodes.push(Node {
            level: depth,
            index: 0,
            x: top_x,
            y,
            hash: merkle_root(ids).hash(),
            role: Role::Path,
            promoted: false,
        });
    }
    layout
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proof_path_has_one_node_per_level_and_the_root_and_siblings_match_the_proof() {
        let lab = MerkleLab::default();
        let layout = lab.layout();
        let depth = merkle_levels(&lab.txids()).len();
        let path: Vec<_> = layout
            .nodes
            .iter()
            .filter(|n| n.role == Role::Path)
            .collect();
        // One node per level, then the root.
        assert_eq!(path.len(), depth + 1);
        let siblings: Vec<Hash256> = layout
            .nodes
            .iter()
            .filter(|n| n.role == Role::Sibling)
            .map(|n| n.hash)
            .collect();
        assert_eq!(siblings, lab.proof().unwrap().siblings());
        assert_eq!(lab.proof_verifies(), Some(Ok(())));
    }

    /// The drawing ends at the top node; the root is one more hash over it
    /// and the leaf count (`root_from_top`), shown beside the tree.
    #[test]
    fn the_root_is_drawn_centred_above_the_top_node_that_gives_it() {
        let lab = MerkleLab {
            text: "a\nb\nc\nd".into(),
            selected: 0,
        };
        let layout = lab.layout();
        let root = layout.nodes.last().unwrap();
        assert_eq!(root.hash, lab.root().hash());
        assert!((root.x - layout.width / 2.0).abs() < 1e-9);
        assert!(layout.nodes.iter().all(|n| n.y >= root.y));
        let top = &layout.nodes[layout.nodes.len() - 2];
        assert_eq!(
            sandbox_chain::merkle::root_from_top(4, &top.hash),
            lab.root()
        );
    }

    #[test]
    fn an_odd_last_node_is_promoted_straight_up() {
        let lab = MerkleLab {
            text: "a\nb\nc".into(),
            selected: 2,
        };
        let layout = lab.layout();
        let promoted: Vec<_> = layout.nodes.iter().filter(|n| n.promoted).collect();
        assert_eq!(promoted.len(), 1);
        let leaf_c = &layout.nodes[2];
        assert_eq!(promoted[0].x, leaf_c.x);
        assert_eq!(promoted[0].hash, leaf_c.hash);
    }

    #[test]
    fn selection_is_clamped_and_empty_text_draws_nothing() {
        let lab = MerkleLab {
            text: "only".into(),
            selected: 9,
        };
        assert_eq!(lab.selected(), 0);
        let empty = MerkleLab {
            text: "\n\n".into(),
            selected: 0,
        };
        assert!(empty.layout().nodes.is_empty());
        assert!(empty.proof().is_none());
    }
}
