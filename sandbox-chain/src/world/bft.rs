//! The BFT engine ([`consensus::bft`](crate::consensus::bft)) as a world
//! engine.
//!
//! The consensus state machine is pure; this adapter drives it from the
//! world's inputs and turns what it asks for into effects:
//!
//! - its messages travel as [`EngineMsg`]s whose payload is the canonical
//!   encoding of [`Message`] (`docs/encoding.md`); a payload that does not
//!   decode is dropped and noted, never trusted;
//! - a broadcast goes to every other node (validators vote, the others
//!   follow), a message for a validator to the node holding its key;
//! - a timeout becomes a world timer whose tag encodes it;
//! - a decision ([`BftApp::commit`]) becomes an effect that stores the
//!   sealed block on the node's chain (`add_block` on the node that
//!   proposed it, `import_block` elsewhere) and a `finalize`. The engine
//!   holds until the node's tip has moved onto the block, waits
//!   `block_time_ms` (so blocks come at a lesson's pace), then starts the
//!   next height with proposals and validators read from the chain;
//! - a node that falls behind catches up from certificates: a message
//!   from a lower height is answered with the tip block (sealed with its
//!   commit certificate), and a decided block from a higher height is
//!   imported, the world fetching its missing ancestors from the sender;
//!   when the chain gets ahead of the engine, the engine starts over at the
//!   height after the tip;
//! - the world's behaviours map onto the engine's: `equivocate` signs two
//!   proposals and two votes per step, `withhold` keeps its votes to itself
//!   (a silent validator), `silent` does not run at all.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::block::{Block, Seal};
use crate::consensus::ValidatorSet;
use crate::consensus::bft::{
    self, BftApp, BftConfig, BftEngine, Evidence, Message, Output, Timeout, TimeoutKind,
};
use crate::encode::{Decode, Encode, put_len};
use crate::keys::{Address, PublicKey};

use super::engine::{Behaviour, Effect, Engine, EngineInput, EngineMsg, NodeCtx, NodeId, Offence};
use super::permissioned::acceptable;

/// The timer tag of "start the next height" (after `block_time_ms`).
const RESUME: u64 = 5 << 56;

/// A consensus timeout as a timer tag: kind (1 to 4) in the top byte,
/// round (saturated to 24 bits), the height's low 32 bits.
fn tag_of(t: Timeout) -> u64 {
    let kind: u64 = match t.kind {
        TimeoutKind::Propose => 1,
        TimeoutKind::Prevote => 2,
        TimeoutKind::Precommit => 3,
        TimeoutKind::Gossip => 4,
    };
    (kind << 56) | (u64::from(t.round.min(0xff_ffff)) << 32) | (t.height & 0xffff_ffff)
}

/// What a BFT engine's timer is for, for display: the kind of timeout and
/// its round; `None` for the pause between heights (and tags of other
/// engines).
pub fn timer_purpose(tag: u64) -> Option<(TimeoutKind, u32)> {
    timeout_of(tag, 0).map(|t| (t.kind, t.round))
}

/// The timeout a tag stands for, with the height's high bits taken from
/// `height` (the engine's; a timeout from any other height is stale and
/// ignored by the engine whichever height it names).
fn timeout_of(tag: u64, height: u64) -> Option<Timeout> {
    let kind = match tag >> 56 {
        1 => TimeoutKind::Propose,
        2 => TimeoutKind::Prevote,
        3 => TimeoutKind::Precommit,
        4 => TimeoutKind::Gossip,
        _ => return None,
    };
    let round = u32::try_from((tag >> 32) & 0xff_ffff).ok()?;
    Some(Timeout {
        kind,
        height: (height & !0xffff_ffff) | (tag & 0xffff_ffff),
        round,
    })
}

/// The node's side of the engine: read-only views of its chain, mempool
/// and governance pool; decisions collected for the adapter to store.
struct App<'c, 'a> {
    ctx: &'c NodeCtx<'a>,
    committed: Vec<Arc<Block>>,
}

impl BftApp for App<'_, '_> {
    fn propose(&mut self, _height: u64, _round: u32) -> Block {
        self.ctx.sealing_template()
    }

    fn validate(&mut self, block: &Block) -> bool {
        acceptable(self.ctx.chain(), block)
    }

    fn commit(&mut self, block: Arc<Block>) {
        self.committed.push(block);
    }

    fn validators(&self) -> ValidatorSet {
        ValidatorSet::new(self.ctx.chain().validators())
    }
}

/// The BFT engine of one node. See the module documentation.
#[derive(Clone, Debug)]
pub struct BftNode {
    config: BftConfig,
    block_time_ms: u64,
    /// Which node holds each key (validators' keys are nodes' keys).
    holders: BTreeMap<PublicKey, NodeId>,
    node_count: u32,
    /// Built on `start`, from the node's chain.
    engine: Option<BftEngine>,
    /// Offences already logged: (validator, height, round, offence).
    reported: BTreeSet<(Address, u64, u32, Offence)>,
}

impl BftNode {
    /// An engine for a node of a world whose nodes hold `holders`' keys;
    /// `block_time_ms` is the pause after each decision and scales the
    /// timeouts ([`BftConfig::for_block_time`]).
    pub fn new(
        chain_id: u32,
        block_time_ms: u64,
        holders: BTreeMap<PublicKey, NodeId>,
        node_count: u32,
    ) -> Self {
        BftNode {
            config: BftConfig::for_block_time(chain_id, block_time_ms.max(1)),
            block_time_ms,
            holders,
            node_count,
            engine: None,
            reported: BTreeSet::new(),
        }
    }

    /// The consensus engine (after `start`), for views and tests.
    pub fn engine(&self) -> Option<&BftEngine> {
        self.engine.as_ref()
    }

    fn fresh(&self, ctx: &NodeCtx<'_>) -> BftEngine {
        BftEngine::new(
            self.config,
            Some(ctx.key().clone()),
            wanted(ctx.behaviour()),
            ctx.chain().height().saturating_add(1),
            ValidatorSet::new(ctx.chain().validators()),
        )
        .holding_after_commit()
    }

    fn encode_msg(m: &Message) -> EngineMsg {
        EngineMsg {
            kind: m.label(),
            payload: m.encode().into(),
        }
    }

    /// Effects for what the engine asked and what it decided.
    fn effects(
        &mut self,
        ctx: &NodeCtx<'_>,
        outputs: Vec<Output>,
        committed: Vec<Arc<Block>>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        let me = ctx.node();
        for o in outputs {
            match o {
                Output::Broadcast(m) => {
                    let msg = Self::encode_msg(&m);
                    for to in (0..self.node_count).map(NodeId).filter(|n| *n != me) {
                        effects.push(Effect::Send {
                            to,
                            msg: msg.clone(),
                        });
                    }
                }
                Output::Send { to, message } => {
                    if let Some(to) = self.holders.get(&to).copied().filter(|n| *n != me) {
                        effects.push(Effect::Send {
                            to,
                            msg: Self::encode_msg(&message),
                        });
                    }
                }
                Output::Schedule { timeout, after_ms } => effects.push(Effect::SetTimer {
                    tag: tag_of(timeout),
                    after_ms,
                }),
                Output::Decided { .. } => {}
                Output::Evidence(e) => {
                    let (validator, height, round, offence) = match &e {
                        Evidence::DoubleVote { first, .. } => (
                            first.validator.address(),
                            first.vote.height,
                            first.vote.round,
                            Offence::DoubleVote,
                        ),
                        Evidence::DoubleProposal {
                            proposer,
                            height,
                            round,
                            ..
                        } => (*proposer, *height, *round, Offence::DoubleProposal),
                    };
                    if self.reported.insert((validator, height, round, offence)) {
                        effects.push(Effect::Evidence {
                            validator,
                            height,
                            round,
                            offence,
                        });
                    }
                }
            }
        }
        for block in committed {
            let (height, hash) = (block.height(), block.hash());
            let mine = block.coinbase().is_some_and(|c| c.to == ctx.address());
            effects.push(if mine {
                Effect::AddBlock {
                    block,
                    announce: true,
                }
            } else {
                Effect::ImportBlock { block, from: None }
            });
            effects.push(Effect::Finalize { height, hash });
        }
        effects
    }

    /// Runs `f` on the engine with the node as its app, and turns the
    /// result into effects.
    fn drive(
        &mut self,
        ctx: &NodeCtx<'_>,
        f: impl FnOnce(&mut BftEngine, &mut App<'_, '_>) -> Vec<Output>,
    ) -> Vec<Effect> {
        let Some(mut engine) = self.engine.take() else {
            return Vec::new();
        };
        let want = wanted(ctx.behaviour());
        if engine.behaviour() != want {
            engine.set_behaviour(want);
        }
        let mut app = App {
            ctx,
            committed: Vec::new(),
        };
        let outputs = f(&mut engine, &mut app);
        let committed = app.committed;
        self.engine = Some(engine);
        self.effects(ctx, outputs, committed)
    }

    /// Brings the engine in line with the chain: starts the next height
    /// once the decided block is on the chain (after `block_time_ms`), or
    /// starts over after the chain got ahead.
    fn sync(&mut self, ctx: &NodeCtx<'_>, resume_due: bool) -> Vec<Effect> {
        let Some(engine) = &self.engine else {
            return Vec::new();
        };
        let next = ctx.chain().height().saturating_add(1);
        if next > engine.height() {
            // Blocks with certificates arrived by gossip: every one is
            // final, so the engine starts at the height after the tip.
            let mut effects = vec![Effect::Finalize {
                height: ctx.chain().height(),
                hash: ctx.chain().tip(),
            }];
            self.engine = Some(self.fresh(ctx));
            effects.extend(self.drive(ctx, |e, app| e.start(app)));
            return effects;
        }
        if next == engine.height() && engine.is_held() {
            if resume_due || self.block_time_ms == 0 {
                return self.drive(ctx, |e, app| e.resume(app));
            }
            return vec![Effect::SetTimer {
                tag: RESUME,
                after_ms: self.block_time_ms,
            }];
        }
        Vec::new()
    }

    fn on_message(&mut self, ctx: &NodeCtx<'_>, from: NodeId, msg: &EngineMsg) -> Vec<Effect> {
        let message = match Message::decode(&msg.payload) {
            Ok(m) => m,
            Err(e) => {
                return vec![Effect::Note(format!(
                    "dropped a malformed {} message from {from}: {e}",
                    msg.kind
                ))];
            }
        };
        let Some(height) = self.engine.as_ref().map(BftEngine::height) else {
            return Vec::new();
        };
        let at = message.height();
        if at < height {
            // The sender is behind: send it the tip with its certificate.
            // (Votes suffice: a node behind resends them periodically.)
            let tip = ctx.chain().tip_block();
            let behind = !matches!(message, Message::Decided { .. });
            if behind && tip.height() >= at && matches!(tip.seal, Seal::Commit(_)) {
                let block = ctx.chain().get_arc(&ctx.chain().tip());
                if let Some(block) = block {
                    return vec![Effect::Send {
                        to: from,
                        msg: Self::encode_msg(&Message::Decided { block }),
                    }];
                }
            }
            return Vec::new();
        }
        if let Message::Decided { block } = &message
            && at > height
        {
            // Ahead of us: the chain checks its certificate, and fetches
            // its ancestors from the sender.
            return vec![Effect::ImportBlock {
                block: Arc::clone(block),
                from: Some(from),
            }];
        }
        self.drive(ctx, |e, app| e.on_message(app, message))
    }
}

/// The consensus behaviour for a world behaviour.
fn wanted(b: Behaviour) -> bft::Behaviour {
    match b {
        Behaviour::Honest => bft::Behaviour::Honest,
        Behaviour::Equivocate => bft::Behaviour::Equivocating,
        Behaviour::Silent | Behaviour::Withhold => bft::Behaviour::Silent,
    }
}

impl Engine for BftNode {
    fn name(&self) -> &'static str {
        "bft"
    }

    fn handle(&mut self, ctx: &mut NodeCtx<'_>, input: EngineInput<'_>) -> Vec<Effect> {
        let ctx: &NodeCtx<'_> = ctx;
        match input {
            EngineInput::Start => {
                if self.engine.is_none() {
                    self.engine = Some(self.fresh(ctx));
                    self.drive(ctx, |e, app| e.start(app))
                } else {
                    // Back from being silent: its timers were lost.
                    let mut effects = self.sync(ctx, false);
                    effects.extend(self.drive(ctx, |e, app| e.restart(app)));
                    effects
                }
            }
            EngineInput::Reconfigured => self.drive(ctx, |e, app| e.restart(app)),
            EngineInput::TipChanged { .. } => self.sync(ctx, false),
            EngineInput::Timer { tag: RESUME } => self.sync(ctx, true),
            EngineInput::Timer { tag } => {
                let Some(t) = self
                    .engine
                    .as_ref()
                    .and_then(|e| timeout_of(tag, e.height()))
                else {
                    return Vec::new();
                };
                self.drive(ctx, |e, app| e.on_timeout(app, t))
            }
            EngineInput::Message { from, msg } => self.on_message(ctx, from, msg),
            EngineInput::NewTransaction => Vec::new(),
            EngineInput::Produce => vec![Effect::Note(
                "BFT blocks are proposed in turn and decided by votes; there is nothing to mine"
                    .to_owned(),
            )],
        }
    }

    fn bft(&self) -> Option<&BftEngine> {
        self.engine.as_ref()
    }

    /// A flag for whether the engine started, its state
    /// ([`BftEngine::encode_state`]), then the offences logged
    /// (validator, height, round, offence u8) in order.
    fn encode_state(&self, out: &mut Vec<u8>) {
        match &self.engine {
            None => out.push(0),
            Some(e) => {
                out.push(1);
                e.encode_state(out);
            }
        }
        put_len(out, self.reported.len());
        for (v, h, r, o) in &self.reported {
            v.encode_to(out);
            h.encode_to(out);
            r.encode_to(out);
            out.push(match o {
                Offence::DoubleVote => 0,
                Offence::DoubleProposal => 1,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{World, WorldConfig, WorldEvent};

    #[test]
    fn a_malformed_message_is_dropped_and_noted() {
        let mut w = World::new(WorldConfig::bft(4), 1).unwrap();
        let height = w.chain(NodeId(0)).unwrap().height();
        for payload in [vec![], vec![1, 2, 3], vec![9; 40]] {
            let msg = EngineMsg {
                kind: "prevote",
                payload: payload.into(),
            };
            w.run_engine(
                NodeId(0),
                EngineInput::Message {
                    from: NodeId(1),
                    msg: &msg,
                },
            );
            let last = &w.events().last().unwrap().event;
            assert!(
                matches!(last, WorldEvent::Note { node: NodeId(0), text } if text.contains("malformed prevote message from node 1")),
                "{last:?}"
            );
        }
        assert_eq!(w.chain(NodeId(0)).unwrap().height(), height);
    }

    #[test]
    fn a_world_shows_each_nodes_rounds_votes_and_timers() {
        use crate::consensus::bft::VoteKind;
        let mut w = World::new(WorldConfig::bft(4), 3).unwrap();
        let e = w.bft(NodeId(1)).unwrap();
        assert_eq!((e.height(), e.round()), (1, 0));
        let purposes: Vec<_> = w
            .timers(NodeId(1))
            .into_iter()
            .filter_map(|(tag, _)| timer_purpose(tag))
            .collect();
        assert!(purposes.contains(&(TimeoutKind::Gossip, 0)), "{purposes:?}");
        // Deliver messages until node 1 holds a quorum of prevotes.
        let mut seen = 0;
        for _ in 0..200 {
            w.step();
            let e = w.bft(NodeId(1)).unwrap();
            seen = seen.max(e.votes(0, VoteKind::Prevote).len());
            if e.is_decided() || e.height() > 1 {
                break;
            }
        }
        assert!(seen >= 3, "node 1 saw {seen} prevotes in round 0");
        assert!(w.bft(NodeId(1)).unwrap().rounds_seen().contains(&0));
        // Proof of work has no BFT state.
        let pow = World::new(WorldConfig::pow(2, 4, 0), 1).unwrap();
        assert!(pow.bft(NodeId(0)).is_none());
    }

    #[test]
    fn timer_tags_round_trip() {
        for (kind, round, height) in [
            (TimeoutKind::Propose, 0, 1),
            (TimeoutKind::Gossip, 7, 1 << 40 | 5),
            (TimeoutKind::Precommit, u32::MAX, u64::MAX),
        ] {
            let t = Timeout {
                kind,
                height,
                round,
            };
            let back = timeout_of(tag_of(t), height).unwrap();
            assert_eq!(back.kind, kind);
            assert_eq!(back.height, height);
            assert_eq!(back.round, round.min(0xff_ffff));
            assert_ne!(tag_of(t), RESUME);
        }
        assert_eq!(timeout_of(RESUME, 1), None);
    }
}
