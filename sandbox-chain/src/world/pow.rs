//! Proof of work as a consensus engine: mining power per node, block
//! discovery times drawn from the world's seeded stream, real nonces.
//!
//! A node with `h` hashes per second mining a target whose expected work is
//! `w` hashes finds a block after an exponentially distributed time with
//! mean `w / h` seconds. The engine draws that time when the node's tip
//! moves (the exponential distribution is memoryless, so starting over on a
//! new tip is exact), sets a timer, and when it fires builds a block on the
//! tip and searches nonces with [`mine_range`] until the header meets the
//! target, so the block is a real proof of work every node checks. Nodes
//! follow the chain with the most work ([`Chain`](crate::chain::Chain) does
//! the fork choice).
//!
//! The draw uses only IEEE-754 addition, multiplication and division (no
//! `ln` from the platform's maths library), so it is bit-identical natively
//! and in wasm32.

use std::sync::Arc;

use crate::pow::{MineOutcome, mine_range};

use super::engine::{Behaviour, Effect, Engine, EngineInput, NodeCtx};

/// The timer tag of "a block is found".
const FOUND: u64 = 1;

/// The most nonces tried for one block; a lesson difficulty needs far fewer.
pub const MAX_NONCES: u64 = 1 << 28;

/// The proof-of-work engine. It keeps no state of its own: the pending
/// discovery is a world timer.
#[derive(Clone, Debug, Default)]
pub struct PowEngine;

impl PowEngine {
    /// A new engine.
    pub fn new() -> Self {
        PowEngine
    }

    fn schedule(ctx: &mut NodeCtx<'_>) -> Vec<Effect> {
        let h = ctx.hashrate();
        if h == 0 || ctx.behaviour() == Behaviour::Silent {
            return vec![Effect::CancelTimer { tag: FOUND }];
        }
        let chain = ctx.chain();
        let tip = chain.tip();
        let target = chain
            .next_target(&tip)
            .unwrap_or(chain.tip_block().header.target);
        // Mean time in ms: work (hashes) * 1000 / hashes per second.
        let mean_ms = target.work() as f64 * 1000.0 / h as f64;
        let u = ctx.random_u64();
        let after_ms = (mean_ms * neg_ln_unit(u)).ceil();
        // `as` saturates: an absurd delay becomes u64::MAX, never UB.
        let after_ms = (after_ms as u64).max(1);
        vec![Effect::SetTimer {
            tag: FOUND,
            after_ms,
        }]
    }

    fn produce(ctx: &mut NodeCtx<'_>) -> Vec<Effect> {
        let mut block = ctx.block_template();
        match mine_range(&block.header, 0..MAX_NONCES) {
            MineOutcome::Found { nonce, .. } => {
                block.header.nonce = nonce;
                vec![Effect::AddBlock {
                    block: Arc::new(block),
                    announce: true,
                }]
            }
            MineOutcome::Exhausted { tried } => vec![Effect::Note(format!(
                "no nonce among the first {tried} meets the target: the difficulty is too high for a lesson"
            ))],
        }
    }
}

impl Engine for PowEngine {
    fn name(&self) -> &'static str {
        "proof-of-work"
    }

    fn handle(&mut self, ctx: &mut NodeCtx<'_>, input: EngineInput<'_>) -> Vec<Effect> {
        match input {
            EngineInput::Start | EngineInput::TipChanged { .. } | EngineInput::Reconfigured => {
                Self::schedule(ctx)
            }
            EngineInput::Timer { tag: FOUND } | EngineInput::Produce => {
                let mut effects = Self::produce(ctx);
                if effects
                    .iter()
                    .all(|e| !matches!(e, Effect::AddBlock { .. }))
                {
                    effects.extend(Self::schedule(ctx));
                }
                effects
            }
            EngineInput::Timer { .. }
            | EngineInput::Message { .. }
            | EngineInput::NewTransaction => Vec::new(),
        }
    }

    fn encode_state(&self, _out: &mut Vec<u8>) {}
}

/// `-ln(u)` for `u = (x >> 11) + 1) / 2^53`, a uniform number in `(0, 1]`:
/// an exponential sample with mean 1.
///
/// Computed with `u = m · 2^e`, `m` in `[1, 2)` read from the bits, and
/// `ln m = 2·atanh(s)`, `s = (m-1)/(m+1) < 1/3`, summed as a series to
/// double precision. Only `+ - * /` on `f64`: the same bits on every
/// platform.
pub fn neg_ln_unit(x: u64) -> f64 {
    const LN_2: f64 = std::f64::consts::LN_2;
    let u = ((x >> 11).saturating_add(1)) as f64 / (1u64 << 53) as f64;
    let bits = u.to_bits();
    let exponent = (((bits >> 52) & 0x7ff) as i64).saturating_sub(1023);
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..24 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    let ln_u = exponent as f64 * LN_2 + 2.0 * sum;
    -ln_u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neg_ln_matches_the_platform_closely() {
        for x in [
            0u64,
            1 << 11,
            12345 << 20,
            u64::MAX / 3,
            u64::MAX / 2,
            u64::MAX,
        ] {
            let u = ((x >> 11) + 1) as f64 / (1u64 << 53) as f64;
            let ours = neg_ln_unit(x);
            let theirs = -u.ln();
            assert!((ours - theirs).abs() < 1e-12, "{x}: {ours} vs {theirs}");
        }
        assert_eq!(neg_ln_unit(u64::MAX), 0.0);
    }

    #[test]
    fn exponential_mean_is_one() {
        // A fixed sequence of inputs spread over the range.
        let n = 100_000u64;
        let step = u64::MAX / n;
        let mean: f64 = (0..n).map(|i| neg_ln_unit(i * step)).sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.01, "{mean}");
    }
}
