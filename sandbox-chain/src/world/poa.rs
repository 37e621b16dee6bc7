//! Proof of authority as a world engine: authorities take turns sealing
//! blocks from their node's mempool (the chain's rules are in
//! [`consensus::poa`](crate::consensus::poa)).
//!
//! Whenever a node's tip moves, its engine works out when it may seal the
//! next block: the in-turn authority (`validators[height mod n]`) at
//! `parent + period`; any other authority from `parent + 2·period`, later
//! the further it stands from the in-turn one in the rotation (by
//! `period / n` per place), so that when the in-turn authority is offline
//! the next one in line steps in first and the others hear of its block
//! before their own time comes. An authority that sealed one of the last
//! `n / 2` blocks waits (the chain would refuse its block). The timer is
//! set again on every new tip, so a block that arrives in time cancels it.
//!
//! The engine keeps no state of its own: its pending seal is a world timer.

use std::sync::Arc;

use crate::block::Seal;
use crate::chain::Chain;
use crate::consensus::poa;
use crate::keys::PublicKey;

use super::engine::{Effect, Engine, EngineInput, NodeCtx, seal_timer};

/// The timer tag of "time to seal".
const SEAL: u64 = 1;

/// The proof-of-authority engine of one node.
#[derive(Clone, Debug, Default)]
pub struct PoaEngine {
    /// Names of the authorities, in rotation order (for notes).
    names: Vec<String>,
}

/// When, and whether in turn, `me` may seal on `chain`'s tip.
struct Slot {
    at_ms: u64,
    in_turn: bool,
    in_turn_index: usize,
}

/// Whether `me` sealed one of the last `window` blocks up to the tip.
fn sealed_recently(chain: &Chain, me: &PublicKey, window: usize) -> bool {
    let mut hash = chain.tip();
    for _ in 0..window {
        let Some(b) = chain.get(&hash) else {
            return false;
        };
        if let Seal::Authority(s) = &b.seal
            && s.signer == *me
        {
            return true;
        }
        if b.height() == 0 {
            return false;
        }
        hash = b.header.parent;
    }
    false
}

impl PoaEngine {
    /// An engine; `names` are the authorities' names in rotation order.
    pub fn new(names: Vec<String>) -> Self {
        PoaEngine { names }
    }

    /// This node's next slot on its tip, or why it has none.
    fn slot(ctx: &NodeCtx<'_>) -> Result<Slot, String> {
        let chain = ctx.chain();
        let validators = chain.validators();
        let me = ctx.key().public();
        let n = validators.len();
        let mine = validators
            .iter()
            .position(|v| *v == me)
            .ok_or_else(|| "this node is not an authority".to_owned())?;
        if sealed_recently(chain, &me, poa::recent_window(n)) {
            return Err(format!(
                "it sealed one of the last {} blocks",
                poa::recent_window(n)
            ));
        }
        let parent = chain.tip_block();
        let height = parent.height().saturating_add(1);
        let n64 = u64::try_from(n).unwrap_or(u64::MAX).max(1);
        let in_turn_index = usize::try_from(height.checked_rem(n64).unwrap_or(0)).unwrap_or(0);
        let in_turn = mine == in_turn_index;
        let period = chain.params().target_block_time_ms;
        let mut at_ms = poa::earliest_time(parent.header.timestamp_ms, period, in_turn);
        if !in_turn {
            let distance = (mine.saturating_add(n).saturating_sub(in_turn_index))
                .checked_rem(n)
                .unwrap_or(0);
            let step = period.checked_div(n64).unwrap_or(period).max(1);
            let extra = step.saturating_mul(u64::try_from(distance.saturating_sub(1)).unwrap_or(0));
            at_ms = at_ms.saturating_add(extra);
        }
        Ok(Slot {
            at_ms,
            in_turn,
            in_turn_index,
        })
    }

    fn schedule(ctx: &NodeCtx<'_>) -> Vec<Effect> {
        seal_timer(ctx, SEAL, || Self::slot(ctx).ok().map(|s| s.at_ms))
    }

    fn seal(&self, ctx: &NodeCtx<'_>) -> Vec<Effect> {
        let slot = match Self::slot(ctx) {
            Ok(s) => s,
            Err(why) => return vec![Effect::Note(format!("cannot seal a block: {why}"))],
        };
        if ctx.now_ms() < slot.at_ms {
            return vec![Effect::Note(format!(
                "cannot seal a block yet: its turn comes at {} ms",
                slot.at_ms
            ))];
        }
        let mut block = ctx.sealing_template();
        let height = block.height();
        block.seal_as_authority(ctx.key());
        let mut effects = vec![Effect::AddBlock {
            block: Arc::new(block),
            announce: true,
        }];
        if !slot.in_turn {
            let name = self
                .names
                .get(slot.in_turn_index)
                .map_or("?", String::as_str);
            effects.push(Effect::Note(format!(
                "sealed block {height} out of turn (in turn: {name}, offline or barred by having sealed recently)"
            )));
        }
        effects
    }
}

impl Engine for PoaEngine {
    fn name(&self) -> &'static str {
        "proof-of-authority"
    }

    fn handle(&mut self, ctx: &mut NodeCtx<'_>, input: EngineInput<'_>) -> Vec<Effect> {
        match input {
            EngineInput::Start | EngineInput::TipChanged { .. } | EngineInput::Reconfigured => {
                Self::schedule(ctx)
            }
            EngineInput::Timer { tag: SEAL } | EngineInput::Produce => {
                let effects = self.seal(ctx);
                if effects.iter().any(|e| matches!(e, Effect::AddBlock { .. })) {
                    effects
                } else {
                    let mut effects = effects;
                    effects.extend(Self::schedule(ctx));
                    effects
                }
            }
            EngineInput::Timer { .. }
            | EngineInput::Message { .. }
            | EngineInput::NewTransaction => Vec::new(),
        }
    }

    fn encode_state(&self, _out: &mut Vec<u8>) {}
}
