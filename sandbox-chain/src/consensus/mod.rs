//! Consensus rules beyond proof of work: proof of authority ([`poa`]), a
//! simplified stake-weighted proof of stake ([`stake`]) and a
//! Tendermint-style BFT engine ([`bft`]), and the [`Consensus`] choice a
//! chain's parameters make.
//!
//! Fork choice by consensus (applied by `Chain`):
//! - proof of work: the valid branch with the most cumulative work;
//! - proof of authority: the branch with the most weight, where an in-turn
//!   block weighs 2 and an out-of-turn block 1 (Clique's rule: longest,
//!   preferring in-turn blocks);
//! - proof of stake: the same with the height's stake-weighted proposer in
//!   place of the in-turn authority (2 for its block, 1 for a stand-in's);
//! - BFT: only finalised blocks (each carries a commit certificate), so
//!   there is one branch; a second certified block at a finalised height is
//!   refused and never causes a reorg.

pub mod bft;
pub mod poa;
pub mod stake;

use serde::{Deserialize, Serialize};

use crate::keys::PublicKey;

/// How a chain agrees on its blocks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Consensus {
    /// Miners search for nonces; the branch with the most work wins.
    #[default]
    ProofOfWork,
    /// A fixed set of authorities take turns sealing blocks (round-robin by
    /// height; see [`poa`]).
    Authority {
        /// The authorities, in rotation order.
        validators: Vec<PublicKey>,
    },
    /// Validators vote in rounds (propose, prevote, precommit); a block is
    /// final once 2f+1 of 3f+1 validators precommit it (see [`bft`]).
    Bft {
        /// The validators; the proposer rotates through them in this order.
        validators: Vec<PublicKey>,
    },
    /// Validators with stakes seal blocks, each height's proposer drawn
    /// with probability proportional to its stake (see [`stake`]).
    Stake {
        /// The validators.
        validators: Vec<PublicKey>,
        /// Their stakes, in the same order (a missing one counts as 0).
        stakes: Vec<u64>,
    },
}

impl Consensus {
    /// Whether this is proof of work (the default).
    pub fn is_proof_of_work(&self) -> bool {
        matches!(self, Consensus::ProofOfWork)
    }

    /// The validators at genesis (none for proof of work).
    pub fn validators(&self) -> &[PublicKey] {
        match self {
            Consensus::ProofOfWork => &[],
            Consensus::Authority { validators }
            | Consensus::Bft { validators }
            | Consensus::Stake { validators, .. } => validators,
        }
    }

    /// The stake of `key` (0 unless this is proof of stake and it is a
    /// validator with stake).
    pub fn stake_of(&self, key: &PublicKey) -> u64 {
        match self {
            Consensus::Stake { validators, stakes } => validators
                .iter()
                .position(|v| v == key)
                .and_then(|i| stakes.get(i).copied())
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// A short name for messages: "proof of work", "proof of authority",
    /// "BFT", "proof of stake".
    pub fn name(&self) -> &'static str {
        match self {
            Consensus::ProofOfWork => "proof of work",
            Consensus::Authority { .. } => "proof of authority",
            Consensus::Bft { .. } => "BFT",
            Consensus::Stake { .. } => "proof of stake",
        }
    }
}

/// A validator set with equal voting power per validator: `n` validators
/// tolerate `f = (n - 1) / 3` faulty ones, and a quorum is `n - f` votes
/// (`2f + 1` when `n = 3f + 1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValidatorSet {
    keys: Vec<PublicKey>,
}

impl ValidatorSet {
    /// The validators, in rotation order.
    pub fn new(keys: Vec<PublicKey>) -> Self {
        ValidatorSet { keys }
    }

    /// The validators, in rotation order.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// How many validators.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether `key` is a validator.
    pub fn contains(&self, key: &PublicKey) -> bool {
        self.keys.contains(key)
    }

    /// The position of `key` in the rotation.
    pub fn index_of(&self, key: &PublicKey) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    // ANCHOR: quorum
    /// The most faulty validators the set tolerates: `f = (n - 1) / 3`.
    pub fn max_faulty(&self) -> usize {
        self.keys.len().saturating_sub(1) / 3
    }

    /// Votes needed for a quorum: `n - f` (= `2f + 1` when `n = 3f + 1`).
    /// Any two quorums share at least `f + 1` validators, so at least one
    /// honest one.
    pub fn quorum(&self) -> usize {
        self.keys.len().saturating_sub(self.max_faulty())
    }
    // ANCHOR_END: quorum

    /// The validator at position `(height + round) mod n`: heights rotate the
    /// proposer, and each new round of a height moves to the next one.
    pub fn proposer(&self, height: u64, round: u32) -> Option<&PublicKey> {
        let n = u64::try_from(self.keys.len()).ok().filter(|n| *n > 0)?;
        let i = height.wrapping_add(u64::from(round)).checked_rem(n)?;
        self.keys.get(usize::try_from(i).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keypair;

    fn set(n: usize) -> ValidatorSet {
        ValidatorSet::new(
            (0..n)
                .map(|i| Keypair::from_name(&format!("v{i}")).public())
                .collect(),
        )
    }

    #[test]
    fn quorums_intersect_in_an_honest_validator() {
        for (n, f, q) in [
            (1, 0, 1),
            (3, 0, 3),
            (4, 1, 3),
            (5, 1, 4),
            (7, 2, 5),
            (10, 3, 7),
        ] {
            let s = set(n);
            assert_eq!((s.max_faulty(), s.quorum()), (f, q), "n = {n}");
            // Two quorums overlap in 2q - n validators, more than f.
            assert!(2 * q - n > f);
        }
    }

    #[test]
    fn proposer_rotates_by_height_and_round() {
        let s = set(4);
        assert_eq!(s.proposer(1, 0), Some(&s.keys()[1]));
        assert_eq!(s.proposer(1, 1), Some(&s.keys()[2]));
        assert_eq!(s.proposer(3, 2), Some(&s.keys()[1]));
        assert_eq!(set(0).proposer(1, 0), None);
    }
}
