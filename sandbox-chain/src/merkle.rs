//! Merkle trees over a block's transaction ids, and inclusion proofs.
//!
//! # The rule
//!
//! ```text
//!                  root = R(3, T)                  <- binds the leaf count
//!                          |
//!                  T = N(N(La,Lb), Lc)             <- top node
//!                  /                \
//!          N(La,Lb)                  Lc      <- promoted unchanged
//!          /      \                  |
//!        La        Lb                Lc      <- odd node at the end of a level
//!        |         |                 |
//!        a         b                 c       (transaction ids)
//!
//!   L(x)    = tagged_hash(MerkleLeaf, x)                   32 bytes in
//!   N(l, r) = tagged_hash(MerkleNode, l || r)              64 bytes in
//!   R(n, T) = tagged_hash(MerkleRoot, u32 BE n || T)       36 bytes in
//!   root([]) = tagged_hash(MerkleRoot, u32 BE 0)           4 bytes in: no top node
//! ```
//!
//! 1. Every transaction id becomes a leaf hash `L(txid)`.
//! 2. Neighbours are paired left to right and replaced by `N(left, right)`.
//! 3. If a level has an odd number of nodes, the last one has no partner: it
//!    is **promoted** to the next level unchanged.
//! 4. Repeat until one hash is left: the **top node** `T` (for one
//!    transaction, `T = L(txid)`).
//! 5. The root is `R(n, T)`, with `n` the number of transactions. With no
//!    transactions there is no top node and the root hashes just `n = 0`.
//!    The two forms hash 36 and 4 bytes, so they can never be confused.
//!
//! # Why promote instead of duplicating
//!
//! Bitcoin pairs an odd last node with a copy of itself. Then `[a, b, c]` and
//! `[a, b, c, c]` have the same root, so a block with a duplicated
//! transaction looked identical to a valid one (CVE-2012-2459: a node could
//! be tricked into marking a valid block as invalid for good). Promotion never
//! invents a node, so the two lists get different roots (see the test
//! `duplicating_the_last_txid_changes_the_root`).
//!
//! # Why leaves and inner nodes use different tags
//!
//! An inner node hashes 64 bytes. Without separate tags, someone could hand a
//! verifier the two 32-byte children of an inner node as if they were a
//! "transaction" and prove it is in the tree (a second-preimage attack). With
//! `MerkleLeaf` and `MerkleNode` tags, a leaf hash can never equal an inner
//! node hash unless SHA-256 itself is broken.
//!
//! # Why the root binds the leaf count
//!
//! The shape of the tree, and so which side each sibling is on, follows from
//! the leaf count. Without `R`, the top node of `[a, b, c]`,
//! `N(N(La,Lb), Lc)`, is also what a *two*-leaf tree with `Lc` on the right
//! hashes to: the proof "c is leaf 1 of 2, sibling `N(La,Lb)`" would verify,
//! proving membership with a false position. A light client that checks a
//! standalone proof against a header cannot know the true count, so the
//! root carries it: a proof with a false count reaches a different root
//! (see the test `a_proof_with_a_false_leaf_count_does_not_verify`).
//!
//! # Proofs
//!
//! A [`MerkleProof`] for leaf `i` of a tree of `n` leaves lists the sibling
//! hashes on the way from the leaf to the top node, bottom first. Which side
//! each sibling is on, and at which levels the node is promoted (no sibling),
//! is fully determined by `i` and `n`, so the proof does not store sides: a
//! proof cannot be internally inconsistent. [`MerkleProof::verify`] hashes up
//! to the top node, applies `R(n, ·)` and compares with the root, so it
//! checks the transaction, its position and the tree size at once.

use serde::{Deserialize, Serialize};

use crate::encode::{Decode, DecodeError, Encode, Reader, put_list};
use crate::hash::{Domain, HASH_LEN, Hash256, MerkleRoot, TxId, tagged_hash};

/// The most sibling hashes a proof can need: a tree of at most `u32::MAX`
/// leaves is at most 32 levels deep.
pub const MAX_PROOF_LEN: u32 = 32;

/// `L(txid) = tagged_hash(MerkleLeaf, txid)`: a transaction id as it enters
/// the tree.
pub fn leaf_hash(txid: &TxId) -> Hash256 {
    tagged_hash(Domain::MerkleLeaf, txid.as_bytes())
}

/// `N(left, right) = tagged_hash(MerkleNode, left || right)`: an inner node.
pub fn node_hash(left: &Hash256, right: &Hash256) -> Hash256 {
    let mut both = [0u8; 2 * HASH_LEN];
    let (l, r) = both.split_at_mut(HASH_LEN);
    l.copy_from_slice(left.as_bytes());
    r.copy_from_slice(right.as_bytes());
    tagged_hash(Domain::MerkleNode, &both)
}

/// `R(n, top) = tagged_hash(MerkleRoot, u32 BE n || top)`: the root of a
/// tree of `leaf_count >= 1` leaves whose top node is `top` (the only hash
/// in the last of [`merkle_levels`]).
pub fn root_from_top(leaf_count: u32, top: &Hash256) -> MerkleRoot {
    let mut data = [0u8; 4 + HASH_LEN];
    let (n, t) = data.split_at_mut(4);
    n.copy_from_slice(&leaf_count.to_be_bytes());
    t.copy_from_slice(top.as_bytes());
    MerkleRoot::from_hash(tagged_hash(Domain::MerkleRoot, &data))
}

/// The root of the tree with no leaves: `tagged_hash(MerkleRoot, u32 BE 0)`
/// (the leaf count and no top node).
pub fn empty_root() -> MerkleRoot {
    MerkleRoot::from_hash(tagged_hash(Domain::MerkleRoot, &0u32.to_be_bytes()))
}

// ANCHOR: next_level
/// One level up: pairs neighbours, promotes an odd last node unchanged.
fn next_level(level: &[Hash256]) -> Vec<Hash256> {
    level
        .chunks(2)
        .filter_map(|pair| match *pair {
            [left, right] => Some(node_hash(&left, &right)),
            [single] => Some(single),
            _ => None, // `chunks(2)` yields only 1 or 2 items
        })
        .collect()
}
// ANCHOR_END: next_level

/// The leaf count as it is hashed into the root.
///
/// The rule is defined for at most `u32::MAX` leaves (a block holds far
/// fewer, see `block::MAX_BLOCK_TXS`); a longer list is counted as
/// `u32::MAX`, and no proof can be made for it.
fn leaf_count_u32(txids: &[TxId]) -> u32 {
    u32::try_from(txids.len()).unwrap_or(u32::MAX)
}

// ANCHOR: merkle_root
/// The Merkle root of `txids`, in the order given: `R(n, top)`, or
/// [`empty_root`] for no transactions.
pub fn merkle_root(txids: &[TxId]) -> MerkleRoot {
    let mut level: Vec<Hash256> = txids.iter().map(leaf_hash).collect();
    while level.len() > 1 {
        level = next_level(&level);
    }
    match level.first() {
        Some(top) => root_from_top(leaf_count_u32(txids), top),
        None => empty_root(),
    }
}
// ANCHOR_END: merkle_root

/// Every level of the tree, for drawing it: `levels[0]` are the leaf hashes
/// `L(txid)`, each next level is one step up, and the last level holds only
/// the top node. A node that is the last of an odd-length level reappears
/// unchanged (promoted) in the level above.
///
/// The root is not a level: it is one more step,
/// [`root_from_top`]`(n, top)`, that binds the leaf count to the top node.
/// A UI draws the levels, then the root above the top node. For no
/// transactions there are no levels (the result is empty) and the root is
/// [`empty_root`].
pub fn merkle_levels(txids: &[TxId]) -> Vec<Vec<Hash256>> {
    if txids.is_empty() {
        return Vec::new();
    }
    let mut levels = vec![txids.iter().map(leaf_hash).collect::<Vec<_>>()];
    while let Some(top) = levels.last().filter(|l| l.len() > 1) {
        let up = next_level(top);
        levels.push(up);
    }
    levels
}

/// Why a Merkle proof could not be built or does not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// The leaf index is not below the number of leaves.
    #[error(
        "there is no leaf {index} in a tree of {leaf_count} leaves (leaves are numbered from 0)"
    )]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// How many leaves the tree has.
        leaf_count: u64,
    },
    /// More transaction ids than a proof can describe.
    #[error("a Merkle proof can describe at most {max} leaves, this tree has {leaf_count}", max = u32::MAX)]
    TooManyLeaves {
        /// How many leaves the tree has.
        leaf_count: u64,
    },
    /// The number of sibling hashes does not fit the claimed position.
    #[error(
        "leaf {leaf_index} of a tree of {leaf_count} leaves needs exactly {expected} sibling hashes, but the proof has {found}"
    )]
    WrongPathLength {
        /// The claimed leaf index.
        leaf_index: u32,
        /// The claimed leaf count.
        leaf_count: u32,
        /// Siblings that position needs.
        expected: usize,
        /// Siblings in the proof.
        found: usize,
    },
    /// Hashing up the path (and binding the leaf count) does not reach the
    /// expected root.
    #[error(
        "hashing the transaction id up the proof gives root {computed}, not {expected}: this transaction is not at that position in a tree of that many leaves"
    )]
    RootMismatch {
        /// The root the proof leads to.
        computed: MerkleRoot,
        /// The root it should lead to.
        expected: MerkleRoot,
    },
}

/// How a node at `pos` in a level of `len` nodes meets its sibling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// The node is a left child: `N(node, sibling)`.
    Left,
    /// The node is a right child: `N(sibling, node)`.
    Right,
    /// The node is last in an odd level: promoted, no sibling.
    Promoted,
}

/// The steps from leaf `index` of `count` leaves up to the root, bottom first.
/// Empty for a one-leaf tree. `index < count` is the caller's job.
fn steps(index: u32, count: u32) -> Vec<Step> {
    let mut out = Vec::new();
    let (mut pos, mut len) = (u64::from(index), u64::from(count));
    while len > 1 {
        let step = if pos % 2 == 1 {
            Step::Right
        } else if pos.saturating_add(1) < len {
            Step::Left
        } else {
            Step::Promoted
        };
        out.push(step);
        pos /= 2;
        len = len.div_ceil(2);
    }
    out
}

/// The number of sibling hashes a proof for leaf `index` of `count` needs.
fn path_len(index: u32, count: u32) -> usize {
    steps(index, count)
        .iter()
        .filter(|s| **s != Step::Promoted)
        .count()
}

/// A proof that a transaction id is leaf `leaf_index` of a tree of
/// `leaf_count` leaves with a given root.
///
/// Its fields are private and every constructor (including [`Decode`] and
/// serde) checks that the number of siblings fits the position, so a proof
/// value is always well-formed; only the hashes remain to be checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MerkleProofFields")]
pub struct MerkleProof {
    leaf_index: u32,
    leaf_count: u32,
    siblings: Vec<Hash256>,
}

/// The unchecked JSON shape of a [`MerkleProof`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MerkleProofFields {
    leaf_index: u32,
    leaf_count: u32,
    siblings: Vec<Hash256>,
}

impl TryFrom<MerkleProofFields> for MerkleProof {
    type Error = MerkleError;
    fn try_from(f: MerkleProofFields) -> Result<Self, MerkleError> {
        MerkleProof::new(f.leaf_index, f.leaf_count, f.siblings)
    }
}

impl MerkleProof {
    /// Checks that `leaf_index < leaf_count` and that `siblings` has exactly
    /// as many hashes as that position needs (bottom first).
    pub fn new(
        leaf_index: u32,
        leaf_count: u32,
        siblings: Vec<Hash256>,
    ) -> Result<Self, MerkleError> {
        if leaf_index >= leaf_count {
            return Err(MerkleError::IndexOutOfRange {
                index: u64::from(leaf_index),
                leaf_count: u64::from(leaf_count),
            });
        }
        let expected = path_len(leaf_index, leaf_count);
        if siblings.len() != expected {
            return Err(MerkleError::WrongPathLength {
                leaf_index,
                leaf_count,
                expected,
                found: siblings.len(),
            });
        }
        Ok(MerkleProof {
            leaf_index,
            leaf_count,
            siblings,
        })
    }

    /// The position of the proven leaf (from 0).
    pub fn leaf_index(&self) -> u32 {
        self.leaf_index
    }

    /// The number of leaves the proof claims the tree has.
    pub fn leaf_count(&self) -> u32 {
        self.leaf_count
    }

    /// The sibling hashes, from the leaf's level upwards.
    pub fn siblings(&self) -> &[Hash256] {
        &self.siblings
    }

    /// The root reached by hashing `txid` up this proof's path to the top
    /// node, then binding the proof's leaf count: `R(leaf_count, top)`.
    pub fn root_for(&self, txid: &TxId) -> MerkleRoot {
        let mut acc = leaf_hash(txid);
        let mut siblings = self.siblings.iter();
        for step in steps(self.leaf_index, self.leaf_count) {
            if step == Step::Promoted {
                continue;
            }
            // `new` checked that there is one sibling per non-promoted step;
            // should one be missing, the proof simply fails to verify.
            let Some(sibling) = siblings.next() else {
                break;
            };
            acc = match step {
                Step::Left => node_hash(&acc, sibling),
                Step::Right | Step::Promoted => node_hash(sibling, &acc),
            };
        }
        root_from_top(self.leaf_count, &acc)
    }

    /// Checks that `txid` is leaf number [`leaf_index`](Self::leaf_index) of
    /// a tree of [`leaf_count`](Self::leaf_count) leaves with this `root`.
    ///
    /// The root binds the leaf count, so the root alone (e.g. from a header)
    /// is enough: a proof that lies about the count or the position does not
    /// reach it.
    pub fn verify(&self, txid: TxId, root: MerkleRoot) -> Result<(), MerkleError> {
        let computed = self.root_for(&txid);
        if computed == root {
            Ok(())
        } else {
            Err(MerkleError::RootMismatch {
                computed,
                expected: root,
            })
        }
    }
}

/// A proof that `txids[index]` is in the tree of `txids`.
pub fn merkle_proof(txids: &[TxId], index: usize) -> Result<MerkleProof, MerkleError> {
    let count_u64 = u64::try_from(txids.len()).unwrap_or(u64::MAX);
    let index_u64 = u64::try_from(index).unwrap_or(u64::MAX);
    let leaf_count = u32::try_from(txids.len()).map_err(|_| MerkleError::TooManyLeaves {
        leaf_count: count_u64,
    })?;
    let leaf_index = u32::try_from(index)
        .ok()
        .filter(|i| *i < leaf_count)
        .ok_or(MerkleError::IndexOutOfRange {
            index: index_u64,
            leaf_count: count_u64,
        })?;
    let levels = merkle_levels(txids);
    let mut siblings = Vec::new();
    let mut pos = index;
    for (level, step) in levels.iter().zip(steps(leaf_index, leaf_count)) {
        let sibling = match step {
            Step::Left => level.get(pos.saturating_add(1)),
            Step::Right => level.get(pos.saturating_sub(1)),
            Step::Promoted => None,
        };
        siblings.extend(sibling.copied());
        pos /= 2;
    }
    MerkleProof::new(leaf_index, leaf_count, siblings)
}

impl Encode for MerkleProof {
    /// `leaf_index u32 | leaf_count u32 | sibling count u32 | siblings 32 bytes each`.
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.leaf_index.encode_to(out);
        self.leaf_count.encode_to(out);
        put_list(out, &self.siblings);
    }
}

impl Decode for MerkleProof {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.offset();
        let leaf_index = r.u32("leaf_index")?;
        let leaf_count = r.u32("leaf_count")?;
        let siblings = r.list("siblings", MAX_PROOF_LEN)?;
        MerkleProof::new(leaf_index, leaf_count, siblings).map_err(|e| DecodeError::Invalid {
            field: "Merkle proof",
            offset: start,
            reason: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn txids(n: usize) -> Vec<TxId> {
        (0..n)
            .map(|i| TxId::from_hash(tagged_hash(Domain::TxId, &(i as u64).to_be_bytes())))
            .collect()
    }

    /// The tree rule written out directly, as a reference for small trees.
    fn reference_root(ids: &[TxId]) -> MerkleRoot {
        let l: Vec<Hash256> = ids.iter().map(leaf_hash).collect();
        let top = match l.as_slice() {
            [] => return MerkleRoot::from_hash(tagged_hash(Domain::MerkleRoot, &[0, 0, 0, 0])),
            [a] => *a,
            [a, b] => node_hash(a, b),
            [a, b, c] => node_hash(&node_hash(a, b), c),
            [a, b, c, d] => node_hash(&node_hash(a, b), &node_hash(c, d)),
            [a, b, c, d, e] => node_hash(&node_hash(&node_hash(a, b), &node_hash(c, d)), e),
            _ => panic!("the reference rule is written out for at most 5 leaves"),
        };
        let mut data = (ids.len() as u32).to_be_bytes().to_vec();
        data.extend_from_slice(top.as_bytes());
        MerkleRoot::from_hash(tagged_hash(Domain::MerkleRoot, &data))
    }

    #[test]
    fn small_trees_follow_the_rule() {
        for n in 0..=5 {
            let ids = txids(n);
            assert_eq!(merkle_root(&ids), reference_root(&ids), "n = {n}");
        }
        assert_eq!(merkle_root(&[]), empty_root());
    }

    /// Guards against CVE-2012-2459: with Bitcoin's "duplicate the odd node"
    /// rule, [a,b,c] and [a,b,c,c] share a root. Promotion must keep them apart.
    #[test]
    fn duplicating_the_last_txid_changes_the_root() {
        let ids = txids(3);
        let mut dup = ids.clone();
        dup.push(ids[2]);
        assert_ne!(merkle_root(&ids), merkle_root(&dup));
        // And one level up: [a..e] vs [a..e, e] (odd at two levels).
        let ids = txids(5);
        let mut dup = ids.clone();
        dup.push(ids[4]);
        assert_ne!(merkle_root(&ids), merkle_root(&dup));
    }

    /// Guards the leaf/node tag separation: the two children of an inner
    /// node, glued together, are not a leaf of the tree.
    #[test]
    fn an_inner_node_is_not_a_leaf() {
        let ids = txids(4);
        let levels = merkle_levels(&ids);
        let (l0, l1) = (levels[0][0], levels[0][1]);
        assert_ne!(
            leaf_hash(&TxId::from_hash(node_hash(&l0, &l1))),
            levels[1][0]
        );
        // A proof of the inner node N(L0,L1) at index 0 of a 2-leaf tree
        // (sibling N(L2,L3)) does not verify for any "txid" we can make.
        let fake = MerkleProof::new(0, 2, vec![levels[1][1]]).unwrap();
        let root = merkle_root(&ids);
        assert!(
            fake.verify(TxId::from_hash(levels[1][0]), root).is_err(),
            "an inner node hash passed as a txid must not verify"
        );
    }

    #[test]
    fn levels_end_in_the_top_node_and_promote_odd_nodes() {
        let ids = txids(3);
        let levels = merkle_levels(&ids);
        assert_eq!(levels.iter().map(Vec::len).collect::<Vec<_>>(), [3, 2, 1]);
        assert_eq!(levels[1][1], levels[0][2], "Lc is promoted unchanged");
        assert_eq!(root_from_top(3, &levels[2][0]), merkle_root(&ids));
        assert_ne!(
            levels[2][0],
            merkle_root(&ids).hash(),
            "the root is not a level"
        );
        assert_eq!(merkle_levels(&[]), Vec::<Vec<Hash256>>::new());
        assert_eq!(merkle_levels(&ids[..1]), vec![vec![leaf_hash(&ids[0])]]);
        assert_eq!(
            merkle_root(&ids[..1]),
            root_from_top(1, &leaf_hash(&ids[0]))
        );
    }

    #[test]
    fn proofs_verify_for_every_leaf_of_every_small_tree() {
        for n in 1..=17 {
            let ids = txids(n);
            let root = merkle_root(&ids);
            for (i, id) in ids.iter().enumerate() {
                let p = merkle_proof(&ids, i).unwrap();
                assert_eq!(p.verify(*id, root), Ok(()), "n = {n}, i = {i}");
                // Another txid at the same place does not verify.
                let other = ids[(i + 1) % n];
                if other != *id {
                    assert!(p.verify(other, root).is_err());
                }
            }
            assert_eq!(
                merkle_proof(&ids, n),
                Err(MerkleError::IndexOutOfRange {
                    index: n as u64,
                    leaf_count: n as u64
                })
            );
        }
        assert!(merkle_proof(&[], 0).is_err());
    }

    /// A proof's honest siblings cannot be re-used to claim another position
    /// or another tree size: the sides, the path length or the bound leaf
    /// count change, and `verify` against the root alone rejects the claim.
    #[test]
    fn a_proof_cannot_claim_a_wrong_index_or_leaf_count() {
        for n in 1..=12u32 {
            let ids = txids(n as usize);
            let root = merkle_root(&ids);
            for i in 0..n {
                let honest = merkle_proof(&ids, i as usize).unwrap();
                let id = ids[i as usize];
                for j in 0..n + 2 {
                    for m in 1..n + 3 {
                        if (j, m) == (i, n) {
                            continue;
                        }
                        // Either the claim is malformed for these siblings...
                        let Ok(claim) = MerkleProof::new(j, m, honest.siblings().to_vec()) else {
                            continue;
                        };
                        // ...or, if well-formed, it does not verify.
                        assert!(
                            claim.verify(id, root).is_err(),
                            "n={n} i={i} claimed j={j} m={m}"
                        );
                    }
                }
            }
        }
        let ids = txids(4);
        let p = merkle_proof(&ids, 1).unwrap();
        assert_eq!(
            MerkleProof::new(1, 4, p.siblings()[..1].to_vec()),
            Err(MerkleError::WrongPathLength {
                leaf_index: 1,
                leaf_count: 4,
                expected: 2,
                found: 1
            })
        );
        assert!(MerkleProof::new(4, 4, p.siblings().to_vec()).is_err());
    }

    /// Guards the leaf count binding `R(n, top)`. When the root was the bare
    /// top node, c (leaf 2 of [a, b, c], top N(N(La,Lb), Lc)) had a forged
    /// proof "leaf 1 of 2, sibling N(La,Lb)" that hashed to the same top node
    /// and so passed `verify` with a false position. Light clients check
    /// standalone proofs against headers and cannot know the true count, so
    /// the root itself must reject it.
    #[test]
    fn a_proof_with_a_false_leaf_count_does_not_verify() {
        let ids = txids(3);
        let root = merkle_root(&ids);
        let levels = merkle_levels(&ids);
        let top = levels[2][0];
        let forged = MerkleProof::new(1, 2, vec![levels[1][0]]).unwrap();
        // The forged path still reaches the true top node...
        assert_eq!(node_hash(&levels[1][0], &leaf_hash(&ids[2])), top);
        // ...but the count it binds is 2, not 3, so the root differs.
        assert_eq!(
            forged.verify(ids[2], root),
            Err(MerkleError::RootMismatch {
                computed: root_from_top(2, &top),
                expected: root,
            })
        );
        assert_eq!(merkle_proof(&ids, 2).unwrap().verify(ids[2], root), Ok(()));
    }

    /// Produced by an independent Python script (see the file's `readme`).
    const VECTORS: &str = include_str!("../tests/data/header_vectors.json");

    #[test]
    fn merkle_vectors() {
        let v: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        let cases = v["merkle"].as_array().unwrap();
        assert!(cases.len() >= 5);
        for case in cases {
            let ids: Vec<TxId> = serde_json::from_value(case["txids"].clone()).unwrap();
            assert_eq!(
                ids,
                txids(ids.len()),
                "txid i = tagged_hash(TxId, u64 BE i)"
            );
            let levels: Vec<Vec<Hash256>> = serde_json::from_value(case["levels"].clone()).unwrap();
            let root: MerkleRoot = serde_json::from_value(case["root"].clone()).unwrap();
            assert_eq!(merkle_levels(&ids), levels, "{} leaves: levels", ids.len());
            assert_eq!(merkle_root(&ids), root, "{} leaves: root", ids.len());
            let from_top = match levels.last().and_then(|l| l.first()) {
                Some(top) => root_from_top(ids.len() as u32, top),
                None => empty_root(),
            };
            assert_eq!(
                from_top,
                root,
                "{} leaves: root from the top level",
                ids.len()
            );
            if !case["proof"].is_null() {
                let p: MerkleProof = serde_json::from_value(case["proof"].clone()).unwrap();
                let i = p.leaf_index() as usize;
                assert_eq!(merkle_proof(&ids, i).as_ref(), Ok(&p));
                assert_eq!(p.verify(ids[i], root), Ok(()));
            }
        }
    }

    #[test]
    fn error_messages_read_well() {
        let e = MerkleError::IndexOutOfRange {
            index: 5,
            leaf_count: 3,
        };
        assert_eq!(
            e.to_string(),
            "there is no leaf 5 in a tree of 3 leaves (leaves are numbered from 0)"
        );
    }

    #[test]
    fn proof_encoding_and_json_round_trip_and_are_checked() {
        let ids = txids(5);
        let p = merkle_proof(&ids, 4).unwrap();
        let bytes = p.encode();
        assert_eq!(bytes.len(), 4 + 4 + 4 + 32 * p.siblings().len());
        assert_eq!(&bytes[..12], &[0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 1]);
        assert_eq!(MerkleProof::decode(&bytes), Ok(p.clone()));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<MerkleProof>(&json).unwrap(), p);
        // A forged count in the bytes is rejected at decode time.
        let mut bad = bytes.clone();
        bad[7] = 6;
        let err = MerkleProof::decode(&bad).unwrap_err().to_string();
        assert!(err.contains("needs exactly 2 sibling hashes"), "{err}");
        // And in JSON.
        let bad_json = json.replace("\"leaf_count\":5", "\"leaf_count\":6");
        assert!(serde_json::from_str::<MerkleProof>(&bad_json).is_err());
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(p) = MerkleProof::decode(&bytes) {
                prop_assert_eq!(p.encode(), bytes);
            }
        }

        #[test]
        fn proofs_verify_in_random_trees(n in 1usize..300, pick in any::<prop::sample::Index>()) {
            let ids = txids(n);
            let i = pick.index(n);
            let p = merkle_proof(&ids, i).unwrap();
            prop_assert_eq!(p.verify(ids[i], merkle_root(&ids)), Ok(()));
            prop_assert!(p.siblings().len() <= MAX_PROOF_LEN as usize);
        }
    }
}
