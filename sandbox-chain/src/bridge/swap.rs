//! Atomic swaps with hash time-locked contracts (HTLCs), and a seeded
//! simulation of one between two chains with relayer outages and reorgs.
//!
//! The protocol (alice has coins on chain A, bob on chain B):
//! 1. Alice picks a secret `s` and locks her coins on A for bob under
//!    `sha256(s)`, until A-height `timeout_a`.
//! 2. Bob sees that lock (confirmed) and locks his coins on B for alice
//!    under the same hash, until B-height `timeout_b`, which comes earlier.
//! 3. Alice claims on B by revealing `s` (only while there is time left).
//! 4. Bob reads `s` from B and claims on A. Each side refunds its own lock
//!    once its timeout has passed and it is still locked.
//!
//! Atomic means both claims happen or both locks are refunded. It holds as
//! long as the gap between the timeouts exceeds the longest relayer outage
//! plus the deepest reorg; [`simulate`] shows it holding, and breaking when
//! that assumption is violated.

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::hash::{Hash256, sha256};

/// Where an HTLC stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HtlcState {
    /// Coins locked.
    Locked,
    /// Claimed by the receiver with this secret.
    Claimed(#[serde(with = "crate::contract::value::hex_bytes")] Vec<u8>),
    /// Returned to the sender.
    Refunded,
}

/// Why an HTLC step was refused (the same rules as `contracts/htlc.contract`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HtlcError {
    /// Not locked any more.
    #[error("nothing is locked")]
    NotLocked,
    /// Claim at or after the timeout.
    #[error("too late: the timeout has passed, the sender can refund")]
    TooLate,
    /// Refund before the timeout.
    #[error("too early: the receiver may claim until the timeout")]
    TooEarly,
    /// The secret does not hash to the lock.
    #[error("wrong secret: its SHA-256 is not the hash lock")]
    WrongSecret,
}

/// A hash time-locked contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Htlc {
    /// `sha256(secret)`.
    pub hashlock: Hash256,
    /// The first height at which the sender may refund (and the receiver
    /// may no longer claim).
    pub timeout: u64,
    /// Where it stands.
    pub state: HtlcState,
}

// ANCHOR: htlc
impl Htlc {
    /// Claims with `secret` in a block at `height`.
    pub fn claim(&mut self, secret: &[u8], height: u64) -> Result<(), HtlcError> {
        if self.state != HtlcState::Locked {
            return Err(HtlcError::NotLocked);
        }
        if height >= self.timeout {
            return Err(HtlcError::TooLate);
        }
        if sha256(secret) != self.hashlock {
            return Err(HtlcError::WrongSecret);
        }
        self.state = HtlcState::Claimed(secret.to_vec());
        Ok(())
    }

    /// Refunds in a block at `height`.
    pub fn refund(&mut self, height: u64) -> Result<(), HtlcError> {
        if self.state != HtlcState::Locked {
            return Err(HtlcError::NotLocked);
        }
        if height < self.timeout {
            return Err(HtlcError::TooEarly);
        }
        self.state = HtlcState::Refunded;
        Ok(())
    }
}
// ANCHOR_END: htlc

/// An operation on one chain's HTLC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Create the HTLC (lock coins).
    Lock {
        /// Hash lock.
        hashlock: Hash256,
        /// Timeout height.
        timeout: u64,
    },
    /// Claim with a secret.
    Claim(#[serde(with = "crate::contract::value::hex_bytes")] Vec<u8>),
    /// Refund.
    Refund,
}

/// One chain in the simulation: blocks of operations; its HTLC's state is
/// the result of replaying them (invalid operations are dropped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimChain {
    /// Operations included, per block (block `i` has height `i + 1`).
    pub blocks: Vec<Vec<Op>>,
    /// Submitted operations waiting for a block.
    pub pending: Vec<Op>,
}

impl SimChain {
    /// The height of the tip.
    pub fn height(&self) -> u64 {
        u64::try_from(self.blocks.len()).unwrap_or(u64::MAX)
    }

    /// The HTLC after the first `upto` blocks, with the height of its lock.
    pub fn htlc_at(&self, upto: usize) -> Option<(Htlc, u64)> {
        let mut htlc: Option<(Htlc, u64)> = None;
        for (i, ops) in self.blocks.iter().take(upto).enumerate() {
            let height = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(1);
            for op in ops {
                apply(&mut htlc, op, height);
            }
        }
        htlc
    }

    /// The HTLC now.
    pub fn htlc(&self) -> Option<Htlc> {
        self.htlc_at(self.blocks.len()).map(|(h, _)| h)
    }

    /// Mines one block with every pending operation that is valid in it.
    fn mine(&mut self) {
        let mut htlc = self.htlc_at(self.blocks.len());
        let height = self.height().saturating_add(1);
        let mut included = Vec::new();
        for op in std::mem::take(&mut self.pending) {
            if apply(&mut htlc, &op, height) {
                included.push(op);
            }
        }
        self.blocks.push(included);
    }

    /// Replaces the last `depth` blocks with `depth + 1` empty ones (an
    /// attacker's longer branch); their operations go back to pending, as
    /// honest nodes re-broadcast them.
    fn reorg(&mut self, depth: usize) {
        let keep = self.blocks.len().saturating_sub(depth);
        let dropped: Vec<Op> = self.blocks.drain(keep..).flatten().collect();
        for _ in 0..=depth {
            self.blocks.push(Vec::new());
        }
        let mut pending = dropped;
        pending.append(&mut self.pending);
        self.pending = pending;
    }
}

/// Applies `op` at `height`; returns whether it was valid.
fn apply(htlc: &mut Option<(Htlc, u64)>, op: &Op, height: u64) -> bool {
    match (op, htlc.as_mut()) {
        (Op::Lock { hashlock, timeout }, None) if height < *timeout => {
            *htlc = Some((
                Htlc {
                    hashlock: *hashlock,
                    timeout: *timeout,
                    state: HtlcState::Locked,
                },
                height,
            ));
            true
        }
        (Op::Claim(secret), Some((h, _))) => h.claim(secret, height).is_ok(),
        (Op::Refund, Some((h, _))) => h.refund(height).is_ok(),
        _ => false,
    }
}

/// The parameters of a simulated swap. Heights are counted from the start;
/// both chains make one block per tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwapParams {
    /// Confirmations a party waits for before acting on the other's lock.
    pub confirmations: u64,
    /// Alice's timeout on A (height).
    pub timeout_a: u64,
    /// Bob's timeout on B (height); must be well before `timeout_a`.
    pub timeout_b: u64,
    /// The longest relayer outage, in ticks.
    pub max_outage: u64,
    /// The deepest reorg, in blocks.
    pub max_reorg: u64,
    /// Whether alice reveals the secret at all.
    pub alice_claims: bool,
    /// Whether bob locks at all.
    pub bob_locks: bool,
}

impl SwapParams {
    /// Safe parameters: the timeouts 3x the outage plus reorg apart.
    pub fn safe(max_outage: u64, max_reorg: u64) -> Self {
        let margin = max_outage
            .saturating_add(max_reorg)
            .saturating_add(4)
            .saturating_mul(3);
        SwapParams {
            confirmations: max_reorg.saturating_add(1),
            timeout_b: margin.saturating_mul(2),
            timeout_a: margin.saturating_mul(3),
            max_outage,
            max_reorg,
            alice_claims: true,
            bob_locks: true,
        }
    }
}

/// How a swap ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapOutcome {
    /// Both claimed: the swap happened.
    Swapped,
    /// Both locks refunded (or bob never locked and alice refunded).
    Refunded,
    /// Bob claimed alice's coins and got his own back: alice lost.
    AliceLost,
    /// Alice claimed bob's coins and got her own back: bob lost.
    BobLost,
    /// Something is still locked (the run was too short).
    Unfinished,
}

/// The secret used by the simulation.
const SECRET: &[u8] = b"alice's secret";

/// Runs a swap with `seed` choosing relayer outages, reorgs and when the
/// parties act. Deterministic: the same seed and parameters give the same
/// chains and outcome.
pub fn simulate(params: &SwapParams, seed: u64) -> (SwapOutcome, SimChain, SimChain) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut a = SimChain::default();
    let mut b = SimChain::default();
    let hashlock = sha256(SECRET);
    let conf = usize::try_from(params.confirmations).unwrap_or(usize::MAX);
    // What each party has seen of the other chain through the relayer.
    let (mut bob_view_of_a, mut alice_view_of_b) = (a.clone(), b.clone());
    let mut outage_left = 0u64;
    let (mut bob_locked, mut alice_claimed, mut bob_claimed) = (false, false, false);
    let (mut alice_refund_sent, mut bob_refund_sent) = (false, false);
    a.pending.push(Op::Lock {
        hashlock,
        timeout: params.timeout_a,
    });
    let end = params
        .timeout_a
        .saturating_add(params.max_outage)
        .saturating_add(params.max_reorg)
        .saturating_add(10);
    for tick in 0..end {
        // The network: blocks, occasionally a reorg (never in the final
        // stretch, so the run settles).
        a.mine();
        b.mine();
        let late = tick.saturating_add(params.max_reorg).saturating_add(3) >= end;
        for chain in [&mut a, &mut b] {
            if !late && params.max_reorg > 0 && rng.next_u64().is_multiple_of(8) {
                let depth = rng
                    .next_u64()
                    .checked_rem(params.max_reorg.saturating_add(1))
                    .unwrap_or(0);
                chain.reorg(usize::try_from(depth).unwrap_or(0));
            }
        }
        // The relayer: sometimes goes offline for up to `max_outage` ticks.
        if outage_left == 0 && params.max_outage > 0 && rng.next_u64().is_multiple_of(6) {
            outage_left = rng
                .next_u64()
                .checked_rem(params.max_outage.saturating_add(1))
                .unwrap_or(0);
        }
        let relayer_up = outage_left == 0;
        outage_left = outage_left.saturating_sub(1);
        if relayer_up {
            bob_view_of_a = a.clone();
            alice_view_of_b = b.clone();
        }
        // Bob: lock once alice's lock is confirmed on A, with time to spare.
        if params.bob_locks && !bob_locked {
            let confirmed = bob_view_of_a.blocks.len().saturating_sub(conf);
            if let Some((h, _)) = bob_view_of_a.htlc_at(confirmed)
                && h.hashlock == hashlock
                && h.timeout >= params.timeout_a
                && b.height()
                    .saturating_add(params.max_reorg)
                    .saturating_add(2)
                    < params.timeout_b
            {
                b.pending.push(Op::Lock {
                    hashlock,
                    timeout: params.timeout_b,
                });
                bob_locked = true;
            }
        }
        // Alice: claim on B once bob's lock is confirmed, if time is left.
        // She re-sends her claim if a reorg dropped it (it is pending again
        // on its own; she never needs to).
        if params.alice_claims && !alice_claimed {
            let confirmed = alice_view_of_b.blocks.len().saturating_sub(conf);
            if let Some((h, _)) = alice_view_of_b.htlc_at(confirmed)
                && h.hashlock == hashlock
                && h.state == HtlcState::Locked
                && b.height()
                    .saturating_add(params.max_reorg)
                    .saturating_add(params.confirmations)
                    .saturating_add(2)
                    < params.timeout_b
            {
                b.pending.push(Op::Claim(SECRET.to_vec()));
                alice_claimed = true;
            }
        }
        // Bob: learns the secret from B (his own chain, seen directly) and
        // sends his claim to A through the relayer.
        if !bob_claimed
            && relayer_up
            && let Some(Htlc {
                state: HtlcState::Claimed(secret),
                ..
            }) = b.htlc()
        {
            a.pending.push(Op::Claim(secret));
            bob_claimed = true;
        }
        // Refunds once the timeouts have passed (each party on its own chain).
        if !alice_refund_sent
            && a.height() >= params.timeout_a
            && a.htlc().is_some_and(|h| h.state == HtlcState::Locked)
        {
            a.pending.push(Op::Refund);
            alice_refund_sent = true;
        }
        if !bob_refund_sent
            && b.height() >= params.timeout_b
            && b.htlc().is_some_and(|h| h.state == HtlcState::Locked)
        {
            b.pending.push(Op::Refund);
            bob_refund_sent = true;
        }
    }
    let outcome = match (a.htlc().map(|h| h.state), b.htlc().map(|h| h.state)) {
        (Some(HtlcState::Claimed(_)), Some(HtlcState::Claimed(_))) => SwapOutcome::Swapped,
        (Some(HtlcState::Refunded), Some(HtlcState::Refunded) | None) => SwapOutcome::Refunded,
        (Some(HtlcState::Claimed(_)), Some(HtlcState::Refunded) | None) => SwapOutcome::AliceLost,
        (Some(HtlcState::Refunded), Some(HtlcState::Claimed(_))) => SwapOutcome::BobLost,
        _ => SwapOutcome::Unfinished,
    };
    (outcome, a, b)
}
