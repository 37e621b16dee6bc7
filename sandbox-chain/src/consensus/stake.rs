//! Proof of stake, simplified: validators with fixed stakes (set at
//! genesis) take turns sealing blocks, each chosen for a height with
//! probability equal to its share of the stake.
//!
//! Rules (checked by `Chain` when a block arrives):
//! - for each height, the validators are put in a **stake-weighted random
//!   order** drawn from the parent's hash ([`ranking`]): the first is drawn
//!   with probability `stake / total`, the next from the rest the same way,
//!   and so on. The randomness is
//!   `SHA-256("chainlab:stake-draw:v1" || 0x00 || parent hash || height u64
//!   || round u32)`, its first 16 bytes read as a big-endian u128, modulo
//!   the remaining stake, one round per place;
//! - every block is sealed with an [`AuthoritySeal`] by a validator;
//! - the validator of rank 0 (the **proposer**) may seal `period` after the
//!   parent (the chain's `target_block_time_ms`); rank `r ≥ 1` stands in
//!   from `2 · period + (r - 1) · period / n` after it, so when the
//!   proposer is offline the next in the order steps in first;
//! - fork choice: the branch with the most weight, a proposer's block
//!   weighing [`PROPOSER_WEIGHT`] and a stand-in's [`STAND_IN_WEIGHT`].
//!
//! Unlike proof of authority there is no "sealed recently" rule: a
//! validator with half the stake should seal about half the blocks.
//! Simplifications a lesson names: stakes never change (no bonding,
//! rewards or slashing), and a proposer who seals can see the next draw
//! before it publishes (real chains use a verifiable random function, or
//! randomness committed in advance, so that a proposer cannot grind).

use serde::{Deserialize, Serialize};

use crate::encode::Encode;
use crate::hash::{BlockHash, sha256};
use crate::keys::PublicKey;

/// The fork-choice weight of a block sealed by the height's proposer.
pub const PROPOSER_WEIGHT: u128 = 2;

/// The fork-choice weight of a block sealed by a stand-in.
pub const STAND_IN_WEIGHT: u128 = 1;

/// The ASCII tag of the draw's hash.
pub const DRAW_TAG: &str = "chainlab:stake-draw:v1";

/// A validator and its stake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stake {
    /// The validator's key (it seals with it).
    pub key: PublicKey,
    /// Its stake, in coins; at least 1.
    pub stake: u64,
}

/// The randomness of place `round` of the order for the block at `height`
/// on `parent`.
fn draw(parent: &BlockHash, height: u64, round: u32) -> u128 {
    let mut data = Vec::with_capacity(DRAW_TAG.len().saturating_add(45));
    data.extend_from_slice(DRAW_TAG.as_bytes());
    data.push(0);
    parent.encode_to(&mut data);
    height.encode_to(&mut data);
    round.encode_to(&mut data);
    let h = sha256(&data);
    let mut first = [0u8; 16];
    first.copy_from_slice(h.as_bytes().get(..16).unwrap_or(&[0; 16]));
    u128::from_be_bytes(first)
}

/// The validators in the stake-weighted random order for the block at
/// `height` on `parent` (see the module docs). Validators with no stake
/// come last, in their configured order.
pub fn ranking(stakes: &[Stake], parent: &BlockHash, height: u64) -> Vec<PublicKey> {
    let mut left: Vec<Stake> = stakes.to_vec();
    let mut order = Vec::with_capacity(left.len());
    let mut round = 0u32;
    loop {
        let total: u128 = left.iter().map(|s| u128::from(s.stake)).sum();
        if total == 0 {
            break;
        }
        let mut pick = draw(parent, height, round).checked_rem(total).unwrap_or(0);
        let mut chosen = 0;
        for (i, s) in left.iter().enumerate() {
            let stake = u128::from(s.stake);
            if pick < stake {
                chosen = i;
                break;
            }
            pick = pick.saturating_sub(stake);
        }
        if chosen < left.len() {
            order.push(left.remove(chosen).key);
        }
        round = round.saturating_add(1);
    }
    order.extend(left.into_iter().map(|s| s.key));
    order
}

/// The place of `key` in the order for the block at `height` on `parent`
/// (0: the proposer); `None` if it is not a validator.
pub fn rank(stakes: &[Stake], parent: &BlockHash, height: u64, key: &PublicKey) -> Option<usize> {
    ranking(stakes, parent, height)
        .iter()
        .position(|k| k == key)
}

/// The earliest timestamp a block sealed by the validator of rank `rank`
/// may carry, out of `n` validators: the proposer `period` after the
/// parent, rank `r ≥ 1` from `2 · period + (r - 1) · period / n`.
pub fn earliest_time(parent_ms: u64, period_ms: u64, rank: usize, n: usize) -> u64 {
    let period = period_ms.max(1);
    if rank == 0 {
        return parent_ms.saturating_add(period);
    }
    let n = u64::try_from(n).unwrap_or(u64::MAX).max(1);
    let step = period.checked_div(n).unwrap_or(period).max(1);
    let behind = u64::try_from(rank.saturating_sub(1)).unwrap_or(u64::MAX);
    parent_ms
        .saturating_add(period.saturating_mul(2))
        .saturating_add(step.saturating_mul(behind))
}

/// The fork-choice weight of a block sealed by the validator of `rank`.
pub fn weight(rank: usize) -> u128 {
    if rank == 0 {
        PROPOSER_WEIGHT
    } else {
        STAND_IN_WEIGHT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{Domain, tagged_hash};
    use crate::keys::Keypair;

    fn stakes(amounts: &[u64]) -> Vec<Stake> {
        amounts
            .iter()
            .enumerate()
            .map(|(i, &stake)| Stake {
                key: Keypair::from_name(&format!("v{i}")).public(),
                stake,
            })
            .collect()
    }

    fn parent(i: u64) -> BlockHash {
        BlockHash::from_hash(tagged_hash(Domain::Header, &i.to_be_bytes()))
    }

    #[test]
    fn the_order_is_a_permutation_and_deterministic() {
        let s = stakes(&[5, 3, 2, 0]);
        let order = ranking(&s, &parent(1), 7);
        assert_eq!(order.len(), 4);
        let mut sorted = order.clone();
        sorted.sort_by_key(|k| k.to_hex());
        let mut all: Vec<PublicKey> = s.iter().map(|x| x.key).collect();
        all.sort_by_key(|k| k.to_hex());
        assert_eq!(sorted, all);
        // No stake: last, never drawn.
        assert_eq!(order[3], s[3].key);
        assert_eq!(ranking(&s, &parent(1), 7), order);
        assert_eq!(rank(&s, &parent(1), 7, &order[2]), Some(2));
        assert_eq!(
            rank(&s, &parent(1), 7, &Keypair::from_name("x").public()),
            None
        );
        assert!(ranking(&[], &parent(1), 7).is_empty());
    }

    /// Over many heights the proposer is each validator about its share
    /// of the stake (6 : 3 : 1), within a tolerance far wider than the
    /// draw's noise (a binomial's standard deviation here is under 1 %).
    #[test]
    fn proposers_follow_the_stake() {
        let s = stakes(&[6, 3, 1]);
        let mut counts = [0u32; 3];
        let draws = 6_000u64;
        for h in 1..=draws {
            let first = ranking(&s, &parent(h), h)[0];
            let i = s.iter().position(|x| x.key == first).unwrap();
            counts[i] += 1;
        }
        for (count, share) in counts.iter().zip([0.6, 0.3, 0.1]) {
            let got = f64::from(*count) / draws as f64;
            assert!((got - share).abs() < 0.03, "{counts:?}");
        }
    }

    #[test]
    fn stand_ins_wait_longer_by_rank() {
        assert_eq!(earliest_time(1_000, 600, 0, 3), 1_600);
        assert_eq!(earliest_time(1_000, 600, 1, 3), 2_200);
        assert_eq!(earliest_time(1_000, 600, 2, 3), 2_400);
        assert_eq!(weight(0), PROPOSER_WEIGHT);
        assert_eq!(weight(2), STAND_IN_WEIGHT);
    }
}
