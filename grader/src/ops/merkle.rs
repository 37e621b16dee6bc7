//! Merkle operations: `merkle_root` and `verify_merkle_proof`.

use sandbox_chain::hash::{Hash256, MerkleRoot, TxId};
use sandbox_chain::merkle::{MerkleProof, merkle_proof, merkle_root};
use serde::{Deserialize, Serialize};

use super::{CaseClass, TypedOp, shrink};
use crate::rng::CaseRng;

/// Hex-encoded 32-byte values on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct H32(#[serde(with = "hex::serde")] pub(crate) [u8; 32]);

fn txids(v: &[H32]) -> Vec<TxId> {
    v.iter().map(|h| TxId::from_bytes(h.0)).collect()
}

fn random_txids(rng: &mut CaseRng, n: usize) -> Vec<H32> {
    (0..n).map(|_| H32(rng.bytes())).collect()
}

/// The Merkle root of a block's transaction ids (odd nodes promoted).
pub(crate) struct MerkleRootOp;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RootInput {
    txids: Vec<H32>,
}

const ODD: [usize; 8] = [3, 5, 7, 9, 11, 13, 15, 21];
const EVEN: [usize; 6] = [2, 4, 6, 8, 16, 32];

impl TypedOp for MerkleRootOp {
    type Input = RootInput;
    type Output = String;
    const NAME: &'static str = "merkle_root";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "empty",
            cases: 1,
            about: "no transactions",
        },
        CaseClass {
            name: "single",
            cases: 2,
            about: "one transaction",
        },
        CaseClass {
            name: "even_counts",
            cases: 6,
            about: "2, 4, 6, 8, 16 and 32 transactions",
        },
        CaseClass {
            name: "odd_counts",
            cases: 8,
            about: "3, 5, 7, 9, 11, 13, 15 and 21 transactions (a node is promoted)",
        },
        CaseClass {
            name: "random",
            cases: 12,
            about: "random numbers of random ids",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/merkle_root.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<RootInput> {
        let n = match class {
            "empty" => 0,
            "single" => 1,
            "even_counts" => EVEN[index % EVEN.len()],
            "odd_counts" => ODD[index % ODD.len()],
            "random" => rng.range_usize(0, 40),
            _ => return None,
        };
        Some(RootInput {
            txids: random_txids(rng, n),
        })
    }

    fn reference(input: &RootInput) -> String {
        merkle_root(&txids(&input.txids)).to_hex()
    }

    fn shrink(input: &RootInput) -> Vec<RootInput> {
        shrink::vec(&input.txids, |h| {
            if h.0 == [0; 32] {
                vec![]
            } else {
                vec![H32([0; 32])]
            }
        })
        .into_iter()
        .map(|txids| RootInput { txids })
        .collect()
    }
}

/// Checks an inclusion proof (the position comes from index and count).
pub(crate) struct VerifyProof;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProofInput {
    txid: H32,
    root: H32,
    leaf_index: u32,
    leaf_count: u32,
    siblings: Vec<H32>,
}

fn genuine(rng: &mut CaseRng, n: usize, index: Option<usize>) -> Option<ProofInput> {
    let ids = random_txids(rng, n);
    let i = index.unwrap_or_else(|| rng.below(n as u64) as usize);
    let proof = merkle_proof(&txids(&ids), i).ok()?;
    Some(ProofInput {
        txid: ids[i],
        root: H32(*merkle_root(&txids(&ids)).as_bytes()),
        leaf_index: proof.leaf_index(),
        leaf_count: proof.leaf_count(),
        siblings: proof
            .siblings()
            .iter()
            .map(|h| H32(*h.as_bytes()))
            .collect(),
    })
}

impl TypedOp for VerifyProof {
    type Input = ProofInput;
    type Output = bool;
    const NAME: &'static str = "verify_merkle_proof";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "valid",
            cases: 8,
            about: "genuine proofs in trees of 2 to 16 leaves",
        },
        CaseClass {
            name: "odd_counts",
            cases: 8,
            about: "genuine proofs in odd trees, including the promoted last leaf",
        },
        CaseClass {
            name: "single_leaf",
            cases: 2,
            about: "a tree of one leaf: no siblings at all",
        },
        CaseClass {
            name: "tampered",
            cases: 12,
            about: "a genuine proof with one thing changed: a sibling, the id, the root or the index",
        },
        CaseClass {
            name: "malformed",
            cases: 8,
            about: "index not below count, too many or too few siblings",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/verify_merkle_proof.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<ProofInput> {
        match class {
            "valid" => {
                let n = [2usize, 4, 8, 16, 6, 10, 12, 14][index % 8];
                genuine(rng, n, None)
            }
            "odd_counts" => {
                let n = ODD[index % ODD.len()];
                // Half of them prove the last (promoted) leaf.
                let i = if index.is_multiple_of(2) {
                    Some(n - 1)
                } else {
                    None
                };
                genuine(rng, n, i)
            }
            "single_leaf" => genuine(rng, 1, Some(0)),
            "tampered" => {
                let n = rng.range_usize(2, 12);
                let mut p = genuine(rng, n, None)?;
                match index % 4 {
                    0 if !p.siblings.is_empty() => {
                        let k = rng.below(p.siblings.len() as u64) as usize;
                        p.siblings[k].0[rng.below(32) as usize] ^= 1 << rng.below(8);
                    }
                    1 => p.txid.0[0] ^= 0x80,
                    2 => p.root.0[31] ^= 0x01,
                    _ => {
                        // Another position of the same tree, with this proof.
                        p.leaf_index = (p.leaf_index + 1) % p.leaf_count;
                    }
                }
                Some(p)
            }
            "malformed" => {
                let n = rng.range_usize(3, 12);
                let mut p = genuine(rng, n, None)?;
                match index % 4 {
                    0 => p.leaf_index = p.leaf_count,
                    1 => p.siblings.push(H32(rng.bytes())),
                    2 => {
                        p.siblings.pop();
                    }
                    _ => {
                        p.leaf_count = 0;
                        p.leaf_index = 0;
                    }
                }
                Some(p)
            }
            _ => None,
        }
    }

    fn reference(p: &ProofInput) -> bool {
        let siblings = p
            .siblings
            .iter()
            .map(|h| Hash256::from_bytes(h.0))
            .collect();
        match MerkleProof::new(p.leaf_index, p.leaf_count, siblings) {
            Ok(proof) => proof
                .verify(TxId::from_bytes(p.txid.0), MerkleRoot::from_bytes(p.root.0))
                .is_ok(),
            Err(_) => false,
        }
    }

    fn shrink(p: &ProofInput) -> Vec<ProofInput> {
        // Smaller trees are different proofs; offer only simpler siblings.
        let mut out = Vec::new();
        for k in 0..p.siblings.len() {
            if p.siblings[k].0 != [0; 32] {
                let mut q = p.clone();
                q.siblings[k] = H32([0; 32]);
                out.push(q);
            }
        }
        out
    }
}
