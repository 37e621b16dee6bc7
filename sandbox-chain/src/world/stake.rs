//! Proof of stake as a world engine: validators seal blocks from their
//! node's mempool when their place in the height's stake-weighted order
//! comes (the chain's rules are in [`consensus::stake`](crate::consensus::stake)).
//!
//! Whenever a node's tip moves, its engine works out its place in the order
//! for the next height (drawn from the tip's hash) and sets a timer for the
//! earliest time that place may seal: the proposer one period after the
//! parent, stand-ins later by rank, so that when the proposer is offline
//! the next one in the order steps in and the others hear of its block
//! before their own time comes. The timer is set again on every new tip, so
//! a block that arrives in time cancels it.
//!
//! Like [`PoaEngine`](super::PoaEngine) it keeps no state of its own.

use std::sync::Arc;

use crate::consensus::stake;

use super::engine::{Effect, Engine, EngineInput, NodeCtx, seal_timer};

/// The timer tag of "time to seal".
const SEAL: u64 = 1;

/// The proof-of-stake engine of one node.
#[derive(Clone, Debug, Default)]
pub struct StakeEngine {
    /// Names of the validators, in configured order (for notes).
    names: Vec<String>,
}

/// When this node may seal on its tip, and its place in the order.
struct Slot {
    at_ms: u64,
    rank: usize,
    proposer: usize,
}

impl StakeEngine {
    /// An engine; `names` are the validators' names in configured order.
    pub fn new(names: Vec<String>) -> Self {
        StakeEngine { names }
    }

    /// This node's place for the next block on its tip, or why it has none.
    fn slot(ctx: &NodeCtx<'_>) -> Result<Slot, String> {
        let chain = ctx.chain();
        let tip = chain.tip();
        let stakes = chain.stakes_after(&tip);
        let me = ctx.key().public();
        if !stakes.iter().any(|s| s.key == me && s.stake > 0) {
            return Err("this node has no stake".into());
        }
        let parent = chain.tip_block();
        let height = parent.height().saturating_add(1);
        let order = stake::ranking(&stakes, &tip, height);
        let rank = order
            .iter()
            .position(|k| *k == me)
            .ok_or_else(|| "this node has no stake".to_owned())?;
        let proposer = order
            .first()
            .and_then(|p| stakes.iter().position(|s| s.key == *p))
            .unwrap_or(0);
        let at_ms = stake::earliest_time(
            parent.header.timestamp_ms,
            chain.params().target_block_time_ms,
            rank,
            stakes.len(),
        );
        Ok(Slot {
            at_ms,
            rank,
            proposer,
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
                "cannot seal a block yet: its place in the order (rank {}) comes at {} ms",
                slot.rank, slot.at_ms
            ))];
        }
        let mut block = ctx.sealing_template();
        let height = block.height();
        block.seal_as_authority(ctx.key());
        let mut effects = vec![Effect::AddBlock {
            block: Arc::new(block),
            announce: true,
        }];
        if slot.rank > 0 {
            let name = self.names.get(slot.proposer).map_or("?", String::as_str);
            effects.push(Effect::Note(format!(
                "sealed block {height} as stand-in number {} (the proposer, {name}, was offline or late)",
                slot.rank
            )));
        }
        effects
    }
}

impl Engine for StakeEngine {
    fn name(&self) -> &'static str {
        "proof-of-stake"
    }

    fn handle(&mut self, ctx: &mut NodeCtx<'_>, input: EngineInput<'_>) -> Vec<Effect> {
        match input {
            EngineInput::Start | EngineInput::TipChanged { .. } | EngineInput::Reconfigured => {
                Self::schedule(ctx)
            }
            EngineInput::Timer { tag: SEAL } | EngineInput::Produce => {
                let mut effects = self.seal(ctx);
                if !effects.iter().any(|e| matches!(e, Effect::AddBlock { .. })) {
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
