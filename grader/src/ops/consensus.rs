//! Consensus operations on block trees and votes: `fork_choice`,
//! `reorg_path`, `bft_quorum`.
//!
//! Block trees are given as lists in arrival order, each block naming its
//! parent's index, so the rules can be exercised without mining. The rules
//! are sandbox-chain's (`Chain`: most cumulative work, the first block seen
//! keeps the tip on a tie; `TipChange`: disconnected tip first, connected
//! oldest first); a test below checks them against `sandbox_chain::chain::Chain`.
//! sandbox-chain has no BFT engine yet: `bft_quorum` is the textbook rule
//! (strictly more than two thirds of the voting power).

use serde::{Deserialize, Serialize};

use super::{CaseClass, TypedOp};
use crate::rng::CaseRng;

/// A block of a tree on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Meta {
    parent: Option<usize>,
    work: u64,
}

/// A tree is valid when block 0 is the only root and parents come first.
fn valid_tree(blocks: &[Meta]) -> bool {
    !blocks.is_empty()
        && blocks[0].parent.is_none()
        && blocks
            .iter()
            .enumerate()
            .skip(1)
            .all(|(i, b)| b.parent.is_some_and(|p| p < i))
}

fn cumulative(blocks: &[Meta]) -> Vec<u128> {
    let mut w: Vec<u128> = Vec::with_capacity(blocks.len());
    for b in blocks {
        let base = b.parent.map(|p| w[p]).unwrap_or(0);
        w.push(base.saturating_add(u128::from(b.work)));
    }
    w
}

fn height(blocks: &[Meta], mut i: usize) -> usize {
    let mut h = 0;
    while let Some(p) = blocks[i].parent {
        i = p;
        h += 1;
    }
    h
}

/// A random tree in arrival order: `n` blocks, each on a random earlier block
/// (biased to recent ones so that branches grow).
fn random_tree(rng: &mut CaseRng, n: usize, work: impl Fn(&mut CaseRng) -> u64) -> Vec<Meta> {
    let mut blocks = vec![Meta {
        parent: None,
        work: work(rng),
    }];
    for i in 1..n {
        let lo = i.saturating_sub(4);
        let parent = rng.range_usize(lo, i - 1);
        blocks.push(Meta {
            parent: Some(parent),
            work: work(rng),
        });
    }
    blocks
}

/// Removes block `k` and everything built on it, renumbering the rest.
fn without_subtree(blocks: &[Meta], k: usize) -> Vec<Meta> {
    let mut gone = vec![false; blocks.len()];
    let mut map = vec![usize::MAX; blocks.len()];
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        gone[i] = i == k || b.parent.is_some_and(|p| gone[p]);
        if !gone[i] {
            map[i] = out.len();
            out.push(Meta {
                parent: b.parent.map(|p| map[p]),
                work: b.work,
            });
        }
    }
    out
}

// ---------------------------------------------------------------- fork choice

/// The tip: most cumulative work; among equals, the block that arrived first.
pub(crate) struct ForkChoice;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TreeInput {
    blocks: Vec<Meta>,
}

pub(crate) fn best_tip(blocks: &[Meta]) -> usize {
    let w = cumulative(blocks);
    let mut best = 0;
    for i in 1..blocks.len() {
        if w[i] > w[best] {
            best = i;
        }
    }
    best
}

impl TypedOp for ForkChoice {
    type Input = TreeInput;
    type Output = usize;
    const NAME: &'static str = "fork_choice";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "single_chain",
            cases: 3,
            about: "no forks at all (including only genesis)",
        },
        CaseClass {
            name: "tie",
            cases: 4,
            about: "two branches with equal work: the first seen keeps the tip",
        },
        CaseClass {
            name: "heavier_shorter",
            cases: 4,
            about: "a shorter branch with more work beats a longer one",
        },
        CaseClass {
            name: "random",
            cases: 12,
            about: "random trees with random work",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/fork_choice.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<TreeInput> {
        let blocks = match class {
            "single_chain" => {
                let n = [1usize, 2, 6][index % 3];
                (0..n)
                    .map(|i| Meta {
                        parent: i.checked_sub(1),
                        work: 1 << rng.below(4),
                    })
                    .collect()
            }
            "tie" => {
                // genesis, then branch A (k blocks) and branch B (k blocks) of
                // equal work, interleaved or not; A's tip arrives first.
                let k = rng.range_usize(1, 3);
                let w: Vec<u64> = (0..k).map(|_| rng.range(1, 8)).collect();
                let mut b = vec![Meta {
                    parent: None,
                    work: 1,
                }];
                let a_start = 1;
                for (j, wj) in w.iter().enumerate() {
                    b.push(Meta {
                        parent: Some(if j == 0 { 0 } else { a_start + j - 1 }),
                        work: *wj,
                    });
                }
                let b_start = b.len();
                for (j, wj) in w.iter().enumerate().rev() {
                    let _ = j;
                    let parent = if b.len() == b_start { 0 } else { b.len() - 1 };
                    b.push(Meta {
                        parent: Some(parent),
                        work: *wj,
                    });
                }
                if index % 2 == 1 {
                    // a late block on a side branch off genesis, less work
                    b.push(Meta {
                        parent: Some(0),
                        work: 1,
                    });
                }
                b
            }
            "heavier_shorter" => {
                // A long light branch, then a short heavy one.
                let long = rng.range_usize(3, 6);
                let mut b = vec![Meta {
                    parent: None,
                    work: 1,
                }];
                for j in 0..long {
                    b.push(Meta {
                        parent: Some(j),
                        work: 1,
                    });
                }
                let heavy = (long as u64) * 2 + rng.below(4);
                b.push(Meta {
                    parent: Some(0),
                    work: heavy,
                });
                if index % 2 == 1 {
                    b.push(Meta {
                        parent: Some(b.len() - 1),
                        work: 1,
                    });
                }
                b
            }
            "random" => {
                let n = rng.range_usize(2, 14);
                random_tree(rng, n, |r| 1 << r.below(3))
            }
            _ => return None,
        };
        Some(TreeInput { blocks })
    }

    fn reference(i: &TreeInput) -> usize {
        best_tip(&i.blocks)
    }

    fn valid(i: &TreeInput) -> bool {
        valid_tree(&i.blocks)
    }

    fn shrink(i: &TreeInput) -> Vec<TreeInput> {
        (1..i.blocks.len())
            .rev()
            .map(|k| TreeInput {
                blocks: without_subtree(&i.blocks, k),
            })
            .collect()
    }
}

// ---------------------------------------------------------------- reorg path

/// Which blocks leave and join the canonical chain when the tip moves.
pub(crate) struct ReorgPath;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReorgInput {
    blocks: Vec<Meta>,
    old_tip: usize,
    new_tip: usize,
}

/// Blocks taken off (tip first) and put on (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReorgOutput {
    disconnected: Vec<usize>,
    connected: Vec<usize>,
}

pub(crate) fn reorg(blocks: &[Meta], old_tip: usize, new_tip: usize) -> ReorgOutput {
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
    connected.reverse();
    ReorgOutput {
        disconnected,
        connected,
    }
}

impl TypedOp for ReorgPath {
    type Input = ReorgInput;
    type Output = ReorgOutput;
    const NAME: &'static str = "reorg_path";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "extend",
            cases: 3,
            about: "the new tip builds on the old one: nothing is disconnected",
        },
        CaseClass {
            name: "same",
            cases: 2,
            about: "the tip does not move",
        },
        CaseClass {
            name: "sibling",
            cases: 3,
            about: "a fork one block deep",
        },
        CaseClass {
            name: "deep",
            cases: 4,
            about: "branches of different lengths that split far back",
        },
        CaseClass {
            name: "random",
            cases: 10,
            about: "random trees and tips",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/reorg_path.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<ReorgInput> {
        let chain = |n: usize| -> Vec<Meta> {
            (0..n)
                .map(|i| Meta {
                    parent: i.checked_sub(1),
                    work: 1,
                })
                .collect()
        };
        let (blocks, old_tip, new_tip) = match class {
            "extend" => {
                let n = rng.range_usize(2, 7);
                let old = rng.range_usize(0, n - 2);
                (chain(n), old, n - 1)
            }
            "same" => {
                let n = rng.range_usize(1, 5);
                let t = rng.range_usize(0, n - 1);
                (chain(n), t, t)
            }
            "sibling" => {
                let n = rng.range_usize(2, 5);
                let mut b = chain(n);
                b.push(Meta {
                    parent: Some(n - 2),
                    work: 1,
                });
                let (o, x) = if index.is_multiple_of(2) {
                    (n - 1, n)
                } else {
                    (n, n - 1)
                };
                (b, o, x)
            }
            "deep" => {
                let base = rng.range_usize(1, 3);
                let mut b = chain(base);
                let la = rng.range_usize(2, 4);
                let lb = rng.range_usize(1, 5);
                let mut tip_a = base - 1;
                for _ in 0..la {
                    b.push(Meta {
                        parent: Some(tip_a),
                        work: 1,
                    });
                    tip_a = b.len() - 1;
                }
                let mut tip_b = base - 1;
                for _ in 0..lb {
                    b.push(Meta {
                        parent: Some(tip_b),
                        work: 1,
                    });
                    tip_b = b.len() - 1;
                }
                if index.is_multiple_of(2) {
                    (b, tip_a, tip_b)
                } else {
                    (b, tip_b, tip_a)
                }
            }
            "random" => {
                let n = rng.range_usize(2, 14);
                let b = random_tree(rng, n, |_| 1);
                let o = rng.range_usize(0, n - 1);
                let x = rng.range_usize(0, n - 1);
                (b, o, x)
            }
            _ => return None,
        };
        Some(ReorgInput {
            blocks,
            old_tip,
            new_tip,
        })
    }

    fn reference(i: &ReorgInput) -> ReorgOutput {
        reorg(&i.blocks, i.old_tip, i.new_tip)
    }

    fn valid(i: &ReorgInput) -> bool {
        valid_tree(&i.blocks) && i.old_tip < i.blocks.len() && i.new_tip < i.blocks.len()
    }

    fn shrink(i: &ReorgInput) -> Vec<ReorgInput> {
        // Drop blocks that are not on either path (they only add noise).
        let path = reorg(&i.blocks, i.old_tip, i.new_tip);
        let mut keep = vec![false; i.blocks.len()];
        for start in [i.old_tip, i.new_tip] {
            let mut k = start;
            keep[k] = true;
            while let Some(p) = i.blocks[k].parent {
                k = p;
                keep[k] = true;
            }
        }
        let _ = path;
        (1..i.blocks.len())
            .rev()
            .filter(|&k| !keep[k])
            .map(|k| {
                let blocks = without_subtree(&i.blocks, k);
                let shift = |t: usize| if t > k { t - 1 } else { t };
                ReorgInput {
                    blocks,
                    old_tip: shift(i.old_tip),
                    new_tip: shift(i.new_tip),
                }
            })
            .filter(|j| {
                !j.blocks.is_empty() && j.old_tip < j.blocks.len() && j.new_tip < j.blocks.len()
            })
            .collect()
    }
}

// ---------------------------------------------------------------- BFT quorum

/// A block is final when validators holding strictly more than two thirds of
/// the voting power voted for it; each validator counts once, outsiders never.
pub(crate) struct BftQuorum;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ValidatorW {
    #[serde(with = "hex::serde")]
    key: [u8; 32],
    power: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct QuorumInput {
    validators: Vec<ValidatorW>,
    votes: Vec<crate::ops::merkle::H32>,
}

impl TypedOp for BftQuorum {
    type Input = QuorumInput;
    type Output = bool;
    const NAME: &'static str = "bft_quorum";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "exact_two_thirds",
            cases: 4,
            about: "votes worth exactly two thirds (not enough) or one more (enough)",
        },
        CaseClass {
            name: "duplicates",
            cases: 4,
            about: "a validator voting more than once",
        },
        CaseClass {
            name: "outsiders",
            cases: 4,
            about: "votes from keys that are not validators",
        },
        CaseClass {
            name: "big_power",
            cases: 4,
            about: "voting powers near the largest u64",
        },
        CaseClass {
            name: "random",
            cases: 12,
            about: "random validator sets and votes",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/bft_quorum.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<QuorumInput> {
        use crate::ops::merkle::H32;
        let n = rng.range_usize(3, 9);
        let big = class == "big_power";
        let mut validators: Vec<ValidatorW> = (0..n)
            .map(|_| ValidatorW {
                key: rng.bytes(),
                power: if big {
                    u64::MAX - rng.below(1000)
                } else {
                    rng.range(1, 10)
                },
            })
            .collect();
        let mut votes: Vec<H32> = Vec::new();
        match class {
            "exact_two_thirds" => {
                // Powers 1 each, n a multiple of 3: 2n/3 votes is exactly two thirds.
                let n = 3 * rng.range_usize(1, 3);
                validators.truncate(0);
                for _ in 0..n {
                    validators.push(ValidatorW {
                        key: rng.bytes(),
                        power: 2,
                    });
                }
                let k = 2 * n / 3 + (index % 2);
                votes = validators.iter().take(k).map(|v| H32(v.key)).collect();
            }
            "duplicates" => {
                // Equal powers, exactly two thirds distinct (not enough);
                // one voter repeats, which must not tip it over.
                let m = rng.range_usize(1, 3);
                validators = (0..3 * m)
                    .map(|_| ValidatorW {
                        key: rng.bytes(),
                        power: 5,
                    })
                    .collect();
                votes = validators.iter().take(2 * m).map(|v| H32(v.key)).collect();
                for _ in 0..=index {
                    votes.push(H32(validators[0].key));
                }
            }
            "outsiders" => {
                let k = n / 2;
                votes = validators.iter().take(k).map(|v| H32(v.key)).collect();
                for _ in 0..n * 2 {
                    votes.push(H32(rng.bytes()));
                }
            }
            "big_power" | "random" => {
                for v in &validators {
                    if rng.chance(3, 4) {
                        votes.push(H32(v.key));
                    }
                }
                if rng.chance(1, 3) && !votes.is_empty() {
                    votes.push(votes[0]);
                }
            }
            _ => return None,
        }
        // Vote order should not matter.
        for i in (1..votes.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            votes.swap(i, j);
        }
        Some(QuorumInput { validators, votes })
    }

    fn reference(i: &QuorumInput) -> bool {
        let total: u128 = i.validators.iter().map(|v| u128::from(v.power)).sum();
        let mut seen = std::collections::BTreeSet::new();
        let mut yes: u128 = 0;
        for vote in &i.votes {
            if let Some(v) = i.validators.iter().find(|v| v.key == vote.0)
                && seen.insert(vote.0)
            {
                yes += u128::from(v.power);
            }
        }
        yes * 3 > total * 2
    }

    fn valid(i: &QuorumInput) -> bool {
        let keys: std::collections::BTreeSet<_> = i.validators.iter().map(|v| v.key).collect();
        keys.len() == i.validators.len()
    }

    fn shrink(i: &QuorumInput) -> Vec<QuorumInput> {
        (0..i.votes.len())
            .map(|k| {
                let mut j = i.clone();
                j.votes.remove(k);
                j
            })
            .chain((0..i.validators.len()).map(|k| {
                let mut j = i.clone();
                j.validators.remove(k);
                j
            }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::amount::Amount;
    use sandbox_chain::chain::{Chain, ChainParams};
    use sandbox_chain::hash::BlockHash;
    use sandbox_chain::keys::Keypair;
    use sandbox_chain::merkle::merkle_root;
    use sandbox_chain::pow::{Header, mine_range};
    use sandbox_chain::tx::{Coinbase, Transaction};

    /// Guards the claim that these rules are sandbox-chain's: random trees of
    /// unit-work blocks are inserted into a real `Chain` (difficulty 0), in
    /// the same order; its tip and tip changes must match ours.
    #[test]
    fn fork_choice_and_reorg_match_sandbox_chain() {
        let seed = 99;
        println!("seed {seed}");
        let mut rng = CaseRng::new(seed);
        let miner = Keypair::from_name("miner").address();
        for _ in 0..20 {
            let n = rng.range_usize(2, 12);
            let tree = random_tree(&mut rng, n, |_| 1);
            let params = ChainParams::lesson(0, Vec::new());
            let mut chain = Chain::new(params.clone());
            let mut hashes: Vec<BlockHash> = vec![chain.genesis()];
            let mut tip = 0usize;
            for (i, b) in tree.iter().enumerate().skip(1) {
                let parent = hashes[b.parent.unwrap()];
                let pblock = chain.get(&parent).unwrap().clone();
                let height = pblock.header.height + 1;
                let cb = Transaction::Coinbase(Coinbase {
                    height,
                    to: miner,
                    amount: Amount::new(50),
                });
                let mut header = Header {
                    chain_id: params.chain_id,
                    height,
                    parent,
                    merkle_root: merkle_root(&[cb.id()]),
                    // distinct timestamps make distinct blocks on every branch
                    timestamp_ms: pblock.header.timestamp_ms + 1 + i as u64,
                    target: chain.next_target(&parent).unwrap(),
                    nonce: 0,
                };
                header.nonce = mine_range(&header, 0..1000).nonce().unwrap();
                let block = sandbox_chain::block::Block::new(header, vec![cb]);
                hashes.push(block.hash());
                let report = chain.insert(block).unwrap();
                let ours = best_tip(&tree[..=i]);
                assert_eq!(chain.tip(), hashes[ours], "tip after block {i} of {tree:?}");
                if let Some(change) = report.tip_change {
                    let path = reorg(&tree, tip, ours);
                    let idx = |v: &[usize]| v.iter().map(|&k| hashes[k]).collect::<Vec<_>>();
                    assert_eq!(change.disconnected, idx(&path.disconnected), "{tree:?}");
                    assert_eq!(change.connected, idx(&path.connected), "{tree:?}");
                }
                tip = ours;
            }
        }
    }
}
