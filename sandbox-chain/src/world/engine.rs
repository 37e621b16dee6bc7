//! The consensus plug-in: a small trait that takes a value and returns a
//! value.
//!
//! Each node of a [`World`](super::World) owns one engine. The world calls
//! [`Engine::handle`] with a read-only view of the node ([`NodeCtx`]) and one
//! [`EngineInput`] (the node started, its tip moved, a timer fired, an engine
//! message arrived, ...). The engine answers with a list of [`Effect`]s
//! (send or broadcast a message, set or cancel a timer, add a block to the
//! node's chain, finalise a block, write a note in the event log). The world
//! carries the effects out; an engine never touches the network, the clock
//! or another node directly. That is what keeps every engine deterministic
//! and replayable: the same inputs in the same order give the same effects.
//!
//! Engine messages are opaque to the world: a `kind` for display and the
//! engine's own canonical bytes. The world delivers them with the same
//! latency, jitter, loss and partitions as every other message.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use serde::{Deserialize, Serialize};

use crate::block::Block;
use crate::chain::Chain;
use crate::hash::BlockHash;
use crate::identity::SignedGovernance;
use crate::keys::{Address, Keypair};

use crate::mempool::Mempool;

/// A node of a world: its position in the world's node list, from 0.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index into the world's node list.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}", self.0)
    }
}

/// How a node behaves. Anything but `Honest` is Byzantine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Follows the protocol.
    #[default]
    Honest,
    /// Sends nothing and ignores everything it receives (crashed or muted);
    /// its engine is not run.
    Silent,
    /// Mines in secret: keeps the blocks and transactions it makes to
    /// itself and ignores blocks from others, until made honest again,
    /// when it announces its tip (a "private chain" attack).
    Withhold,
    /// Signs two conflicting things where the protocol allows one. Engines
    /// that sign votes act on this; proof of work treats it as honest.
    Equivocate,
}

impl Behaviour {
    /// One byte for the state digest.
    pub fn code(self) -> u8 {
        match self {
            Behaviour::Honest => 0,
            Behaviour::Silent => 1,
            Behaviour::Withhold => 2,
            Behaviour::Equivocate => 3,
        }
    }
}

/// A consensus message, opaque to the world: the engine encodes and decodes
/// its own payload. Cloning shares the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineMsg {
    /// What it is, for display ("proposal", "prevote", ...).
    pub kind: &'static str,
    /// The engine's canonical bytes.
    pub payload: Arc<[u8]>,
}

/// What happened to a node that its engine should react to.
#[derive(Clone, Copy, Debug)]
pub enum EngineInput<'a> {
    /// The world was created (or the node came back from being silent).
    Start,
    /// The node's tip moved to another block.
    TipChanged {
        /// The new tip.
        tip: BlockHash,
        /// Whether blocks were taken off the old canonical chain.
        reorg: bool,
    },
    /// A timer the engine set has fired.
    Timer {
        /// The tag it was set with.
        tag: u64,
    },
    /// An engine message arrived from another node.
    Message {
        /// The sender.
        from: NodeId,
        /// The message.
        msg: &'a EngineMsg,
    },
    /// A transaction entered the node's mempool.
    NewTransaction,
    /// The node's mining power or behaviour was changed by an action.
    Reconfigured,
    /// A lesson asks the node to produce a block now (the `mine` action).
    Produce,
}

/// What an engine asks the world to do for its node.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Send to every neighbour the node has a working link to.
    Broadcast(EngineMsg),
    /// Send to one node (delivered only if a link between them works).
    Send {
        /// The receiver.
        to: NodeId,
        /// The message.
        msg: EngineMsg,
    },
    /// Fire [`EngineInput::Timer`] with `tag` after `after_ms`; replaces a
    /// pending timer with the same tag.
    SetTimer {
        /// The engine's name for the timer.
        tag: u64,
        /// Delay in simulated milliseconds.
        after_ms: u64,
    },
    /// Forget a pending timer.
    CancelTimer {
        /// The tag it was set with.
        tag: u64,
    },
    /// Insert a block into this node's chain; if `announce`, tell the
    /// neighbours (unless the node withholds). The event log records it as
    /// produced by this node.
    AddBlock {
        /// The block, shared.
        block: Arc<Block>,
        /// Whether to gossip it.
        announce: bool,
    },
    /// The block is final on this node (BFT finality): recorded in the
    /// event log and the node's view.
    Finalize {
        /// Its height.
        height: u64,
        /// Its hash.
        hash: BlockHash,
    },
    /// A line for the event log ("round 2: no quorum, moving on").
    Note(String),
    /// Insert a block this node did not produce but knows to be final (a
    /// BFT decision, sealed with its commit certificate): stored as if
    /// received from `from` (whose missing ancestors the node then asks
    /// for), or, with no `from`, announced to the neighbours. Not logged as
    /// produced.
    ImportBlock {
        /// The block, shared.
        block: Arc<Block>,
        /// The node it came from, if another.
        from: Option<NodeId>,
    },
    /// Proof that a validator broke the protocol, for the event log.
    Evidence {
        /// The validator caught.
        validator: Address,
        /// The height.
        height: u64,
        /// The round.
        round: u32,
        /// What it did.
        offence: Offence,
    },
}

/// A protocol violation an engine can prove.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offence {
    /// Two different signed votes of one kind in one round.
    DoubleVote,
    /// Two different signed proposals for one round.
    DoubleProposal,
}

/// The timer of an engine that seals blocks in turns (authority rotation,
/// stake): a silent node, or one with no slot (`at_ms` gives none), cancels
/// its `tag` timer; any other sets it for its slot, at least 1 ms ahead.
pub(super) fn seal_timer(
    ctx: &NodeCtx<'_>,
    tag: u64,
    at_ms: impl FnOnce() -> Option<u64>,
) -> Vec<Effect> {
    if ctx.behaviour() == Behaviour::Silent {
        return vec![Effect::CancelTimer { tag }];
    }
    match at_ms() {
        Some(at) => vec![Effect::SetTimer {
            tag,
            after_ms: at.saturating_sub(ctx.now_ms()).max(1),
        }],
        None => vec![Effect::CancelTimer { tag }],
    }
}

/// A consensus engine: one instance per node.
pub trait Engine: fmt::Debug {
    /// A short name for display ("proof-of-work").
    fn name(&self) -> &'static str;

    /// Reacts to one input. Must be deterministic: use only `ctx` (its
    /// random numbers included) and the engine's own state.
    fn handle(&mut self, ctx: &mut NodeCtx<'_>, input: EngineInput<'_>) -> Vec<Effect>;

    /// Appends the engine's state in a canonical byte encoding (rounds,
    /// locks, votes held, ...); it becomes part of the world's state digest.
    /// An engine with no state of its own appends nothing.
    fn encode_state(&self, out: &mut Vec<u8>);

    /// The BFT state machine, for views that draw rounds and votes; `None`
    /// for engines that have none.
    fn bft(&self) -> Option<&crate::consensus::bft::BftEngine> {
        None
    }
}

/// What an engine may read of its node, and the world's seeded randomness.
pub struct NodeCtx<'a> {
    pub(crate) node: NodeId,
    pub(crate) now_ms: u64,
    pub(crate) chain: &'a Chain,
    pub(crate) pool: &'a Mempool,
    pub(crate) relays: &'a std::collections::BTreeMap<u32, crate::tx::Transaction>,
    pub(crate) key: &'a Keypair,
    pub(crate) hashrate: u64,
    pub(crate) behaviour: Behaviour,
    pub(crate) peers: &'a [NodeId],
    pub(crate) node_count: u32,
    pub(crate) rng: &'a mut ChaCha8Rng,
    /// Governance changes waiting for a block (permissioned chains).
    pub(crate) governance: &'a BTreeMap<Vec<u8>, SignedGovernance>,
}

impl fmt::Debug for NodeCtx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeCtx")
            .field("node", &self.node)
            .field("now_ms", &self.now_ms)
            .finish_non_exhaustive()
    }
}

impl NodeCtx<'_> {
    /// This node.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// The simulated time, in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// The node's block tree, canonical chain and ledger.
    pub fn chain(&self) -> &Chain {
        self.chain
    }

    /// The node's own key (its identity: it signs votes, and block rewards
    /// go to its address).
    pub fn key(&self) -> &Keypair {
        self.key
    }

    /// The node's address (where its block rewards go).
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// The node's mining power, in hashes per simulated second.
    pub fn hashrate(&self) -> u64 {
        self.hashrate
    }

    /// How the node behaves.
    pub fn behaviour(&self) -> Behaviour {
        self.behaviour
    }

    /// The node's neighbours in the topology (links may be cut).
    pub fn peers(&self) -> &[NodeId] {
        self.peers
    }

    /// The number of nodes in the world.
    pub fn node_count(&self) -> u32 {
        self.node_count
    }

    /// A number from the world's seeded random stream.
    pub fn random_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// The node's mempool.
    pub fn mempool(&self) -> &Mempool {
        self.pool
    }

    /// An unmined block on the node's tip with the transactions
    /// [`Mempool::select_txs`] picks, paying this node, stamped `now_ms`.
    pub fn block_template(&self) -> Block {
        let max = self.chain.params().max_block_txs.saturating_sub(1) as usize;
        // Relays first (they pay nothing but keep the bridge current).
        let mut txs: Vec<crate::tx::Transaction> =
            self.relays.values().take(max).cloned().collect();
        let room = max.saturating_sub(txs.len());
        txs.extend(self.pool.select_txs(self.chain.ledger(), room));
        self.chain
            .block_template_txs(self.address(), txs, self.now_ms)
    }
}
