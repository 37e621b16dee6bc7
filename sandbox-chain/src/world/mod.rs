//! A world of many nodes: each with its own block tree, mempool and wallet,
//! joined by a simulated network, driven by a discrete-event scheduler with
//! a simulated clock and one seeded random stream.
//!
//! Every change comes from an [`Action`]; a world is its seed, its
//! [`WorldConfig`] and its action log, which together form a
//! [`Transcript`]. Replaying a transcript gives the same world, and
//! [`World::digest`] (one hash over every node's state, see
//! `docs/world.md`) proves it.
//!
//! Consensus is a plug-in ([`Engine`]): the world delivers inputs to each
//! node's engine and carries out the effects it returns.
//!
//! How blocks spread: the producer announces a block's hash (`inv`) to its
//! neighbours; a node that lacks it asks (`getblock`) the announcer, gets
//! the block (shared, never copied), stores it and announces it in turn. A
//! block whose parent is missing is held as an orphan and its parent is
//! asked from the same neighbour, so a node catches up on a whole branch.
//! When a link comes up (a partition heals, a cut is restored, a node
//! stops withholding or being silent) both ends announce their tips and
//! send each other their pending transactions (one `txs` batch, each
//! sender's in nonce order). Transactions are pushed to neighbours; those a
//! reorg puts back into a mempool are announced again.

pub mod action;
pub mod bench;
pub mod bft;
mod digest;
pub mod engine;
pub mod event;
pub mod islands;
pub mod net;
pub mod permissioned;
pub mod poa;
pub mod pow;
pub mod scenario;
pub mod stake;
pub mod transcript;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::block::{Block, TxReceipt};
use crate::chain::{Allocation, BlockInfo, Chain, ChainError, ChainParams, Placement, TipChange};
use crate::consensus::Consensus;
use crate::contract::{
    Call, Contract, Deploy, Fault, FaultKind, Program, Value, contract_address, examples, vm,
};
use crate::hash::{BlockHash, TxId};
use crate::identity::SignedGovernance;
use crate::keys::{Address, Keypair};
use crate::ledger::Account;
use crate::mempool::{DEFAULT_CAPACITY, Evicted, EvictionReason, Mempool, MempoolError};
use crate::tx::{SignedTransfer, Transaction, Transfer, TxError};

pub use action::{
    Action, ActionError, ActionOutcome, Arg, ContractCode, DEFAULT_GAS_LIMIT, DEFAULT_MAX_EVENTS,
    NamedArg, Until,
};
pub use bft::BftNode;
pub use digest::{WORLD_STATE_TAG, WorldDigest};
pub use engine::{Behaviour, Effect, Engine, EngineInput, EngineMsg, NodeCtx, NodeId, Offence};
pub use event::{LoggedEvent, TxRejectKind, WorldEvent};
pub use net::{LinkConfig, Message, NetworkConfig, Topology};
pub use permissioned::{ChangeSpec, ConsortiumConfig, OrganisationConfig};
pub use poa::PoaEngine;
pub use pow::PowEngine;
pub use stake::StakeEngine;
pub use transcript::{ReplayError, TRANSCRIPT_FORMAT_VERSION, Transcript};

use net::{Network, link_key};

/// How long a node waits for a block it asked for before asking again.
pub const REQUEST_TIMEOUT_MS: u64 = 2_000;

/// How many times a node asks one peer for a block before giving up (until
/// it hears of the block again).
pub const MAX_REQUEST_ATTEMPTS: u32 = 3;

/// The most nodes a world may have.
pub const MAX_NODES: usize = 1_000;

/// The chain every node of a world starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ChainSpec {
    /// [`ChainParams::lesson`] with `bits` of difficulty.
    Lesson {
        /// Leading zero bits of the genesis target.
        bits: u32,
    },
    /// Exactly these parameters.
    Params(ChainParams),
}

/// A starting balance for a named key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fund {
    /// The key's name (`Keypair::from_name`).
    pub name: String,
    /// Its balance at genesis.
    pub amount: Amount,
}

/// One node's starting configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Its name; its own key (which block rewards pay) is
    /// `Keypair::from_name(name)`.
    pub name: String,
    /// Mining power, in hashes per simulated second.
    #[serde(default)]
    pub hashes_per_sec: u64,
    /// Names of the keys its wallet holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

/// Which consensus engine every node runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EngineConfig {
    /// Proof of work, most-work chain ([`PowEngine`]).
    #[default]
    ProofOfWork,
    /// Proof of authority: the authorities take turns sealing blocks
    /// ([`PoaEngine`]).
    ProofOfAuthority {
        /// Names of the authorities' keys, in rotation order; a node whose
        /// name is listed seals with its own key. Empty: every node.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        validators: Vec<String>,
        /// The in-turn authority seals `period_ms` after the parent block;
        /// others from twice that (the chain's `target_block_time_ms`).
        #[serde(default = "default_block_time_ms")]
        period_ms: u64,
    },
    /// Proof of stake: validators seal blocks, each height's proposer drawn
    /// with probability proportional to its stake ([`StakeEngine`]).
    ProofOfStake {
        /// Names of the validators' keys; a node whose name is listed
        /// seals with its own key. Empty: every node.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        validators: Vec<String>,
        /// Their stakes, in the same order. Empty: 1 each.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        stakes: Vec<u64>,
        /// The proposer seals `period_ms` after the parent block; stand-ins
        /// from twice that (the chain's `target_block_time_ms`).
        #[serde(default = "default_block_time_ms")]
        period_ms: u64,
    },
    /// Tendermint-style BFT: validators vote each block final ([`BftNode`]).
    Bft {
        /// Names of the validators' keys, in proposer rotation order; a
        /// node whose name is listed votes with its own key. Empty: every
        /// node.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        validators: Vec<String>,
        /// The pause after each decision before the next height starts;
        /// timeouts scale with it (`BftConfig::for_block_time`).
        #[serde(default = "default_block_time_ms")]
        block_time_ms: u64,
    },
}

fn default_block_time_ms() -> u64 {
    DEFAULT_BLOCK_TIME_MS
}

/// The default block time (authority period, BFT pause) in a world: 1 s.
pub const DEFAULT_BLOCK_TIME_MS: u64 = 1_000;

impl EngineConfig {
    /// A fresh engine for `node`.
    pub fn build(&self, _node: NodeId, config: &WorldConfig) -> Box<dyn Engine> {
        match self {
            EngineConfig::ProofOfWork => Box::new(PowEngine::new()),
            EngineConfig::ProofOfAuthority { .. } => {
                Box::new(PoaEngine::new(config.validator_names()))
            }
            EngineConfig::ProofOfStake { .. } => {
                Box::new(StakeEngine::new(config.validator_names()))
            }
            EngineConfig::Bft { block_time_ms, .. } => {
                let holders = config
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (Keypair::from_name(&c.name).public(), node_id(i)))
                    .collect();
                let count = u32::try_from(config.nodes.len()).unwrap_or(u32::MAX);
                Box::new(BftNode::new(
                    config.params().chain_id,
                    *block_time_ms,
                    holders,
                    count,
                ))
            }
        }
    }
}

/// Everything a world starts from (besides its seed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldConfig {
    /// The chain's rules.
    pub chain: ChainSpec,
    /// Starting balances of named keys, added to the chain's allocations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funds: Vec<Fund>,
    /// The nodes, in id order.
    pub nodes: Vec<NodeConfig>,
    /// Links and topology.
    #[serde(default)]
    pub network: NetworkConfig,
    /// The consensus engine.
    #[serde(default)]
    pub engine: EngineConfig,
    /// The organisations of a permissioned chain (absent: a public chain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consortium: Option<ConsortiumConfig>,
}

impl WorldConfig {
    /// `n` proof-of-work nodes named `node-0`, `node-1`, ... each mining at
    /// `hashes_per_sec`, on a lesson chain of `bits` difficulty, full mesh.
    pub fn pow(n: u32, bits: u32, hashes_per_sec: u64) -> Self {
        WorldConfig {
            chain: ChainSpec::Lesson { bits },
            funds: Vec::new(),
            nodes: (0..n)
                .map(|i| NodeConfig {
                    name: format!("node-{i}"),
                    hashes_per_sec,
                    keys: Vec::new(),
                })
                .collect(),
            network: NetworkConfig::default(),
            engine: EngineConfig::ProofOfWork,
            consortium: None,
        }
    }

    /// `n` nodes named `node-0`, `node-1`, ... all validators of a BFT
    /// chain with 1 s blocks, full mesh: the lesson default is `bft(4)`
    /// (f = 1).
    pub fn bft(n: u32) -> Self {
        WorldConfig {
            engine: EngineConfig::Bft {
                validators: Vec::new(),
                block_time_ms: DEFAULT_BLOCK_TIME_MS,
            },
            ..WorldConfig::pow(n, 0, 0)
        }
    }

    /// `n` nodes named `node-0`, `node-1`, ... all authorities of a
    /// proof-of-authority chain with a 1 s period, full mesh.
    pub fn poa(n: u32) -> Self {
        WorldConfig {
            engine: EngineConfig::ProofOfAuthority {
                validators: Vec::new(),
                period_ms: DEFAULT_BLOCK_TIME_MS,
            },
            ..WorldConfig::pow(n, 0, 0)
        }
    }

    /// `n` nodes named `node-0`, `node-1`, ... all validators of a
    /// proof-of-stake chain with these stakes (one per node; missing ones
    /// are 1) and a 1 s period, full mesh.
    pub fn stake(n: u32, stakes: &[u64]) -> Self {
        let count = usize::try_from(n).unwrap_or(usize::MAX);
        WorldConfig {
            engine: EngineConfig::ProofOfStake {
                validators: Vec::new(),
                stakes: (0..count)
                    .map(|i| stakes.get(i).copied().unwrap_or(1))
                    .collect(),
                period_ms: DEFAULT_BLOCK_TIME_MS,
            },
            ..WorldConfig::pow(n, 0, 0)
        }
    }

    /// The names of the validators (authorities) of a PoA, PoS or BFT
    /// world: the engine's list, or every node's name; none for proof of
    /// work.
    pub fn validator_names(&self) -> Vec<String> {
        match &self.engine {
            EngineConfig::ProofOfWork => Vec::new(),
            EngineConfig::ProofOfAuthority { validators, .. }
            | EngineConfig::ProofOfStake { validators, .. }
            | EngineConfig::Bft { validators, .. } => {
                if validators.is_empty() {
                    self.nodes.iter().map(|n| n.name.clone()).collect()
                } else {
                    validators.clone()
                }
            }
        }
    }

    /// The chain parameters, funds included.
    pub fn params(&self) -> ChainParams {
        let mut params = match &self.chain {
            ChainSpec::Lesson { bits } => ChainParams::lesson(*bits, Vec::new()),
            ChainSpec::Params(p) => p.clone(),
        };
        // A chain spec that names no consensus takes the engine's, with the
        // validators' keys and the engine's block time.
        if params.consensus.is_proof_of_work() {
            let validators = permissioned::keys_of(&self.validator_names());
            match &self.engine {
                EngineConfig::ProofOfWork => {}
                EngineConfig::ProofOfAuthority { period_ms, .. } => {
                    params = params.with_consensus(Consensus::Authority { validators });
                    params.target_block_time_ms = (*period_ms).max(1);
                }
                EngineConfig::Bft { block_time_ms, .. } => {
                    params = params.with_consensus(Consensus::Bft { validators });
                    params.target_block_time_ms = (*block_time_ms).max(1);
                }
                EngineConfig::ProofOfStake {
                    stakes, period_ms, ..
                } => {
                    let stakes = if stakes.is_empty() {
                        vec![1; validators.len()]
                    } else {
                        stakes.clone()
                    };
                    params = params.with_consensus(Consensus::Stake { validators, stakes });
                    params.target_block_time_ms = (*period_ms).max(1);
                }
            }
        }
        if let Some(c) = &self.consortium {
            params = params.with_consortium(c.build());
        }
        params
            .allocations
            .extend(self.funds.iter().map(|f| Allocation {
                address: Keypair::from_name(&f.name).address(),
                amount: f.amount,
            }));
        params
    }
}

/// Why a world could not be built from a configuration.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    /// No nodes, or too many.
    #[error("a world needs 1 to {max} nodes, not {found}")]
    NodeCount {
        /// Nodes configured.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// Two nodes share a name (so they would share a key).
    #[error("two nodes are named \"{0}\"; each node needs its own name")]
    DuplicateName(String),
    /// A validator set that cannot work.
    #[error("the validators {0}")]
    Validators(String),
}

/// One entry of the action log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// When it was applied.
    pub at_ms: u64,
    /// The action.
    pub action: Action,
    /// Why it was refused, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
}

/// A message on its way, as the UI draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageView {
    /// Its number (unique in the world, in send order).
    pub id: u64,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind ("inv", "block", "tx", ...).
    pub kind: &'static str,
    /// One line about it.
    pub summary: String,
    /// When it was sent.
    pub departs_ms: u64,
    /// When it arrives.
    pub arrives_ms: u64,
    /// Whether the network will lose it on the way.
    pub lost: bool,
}

/// One node as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeView {
    /// Its id.
    pub id: NodeId,
    /// Its name.
    pub name: String,
    /// Its address (block rewards go there).
    pub address: Address,
    /// Its tip.
    pub tip: BlockHash,
    /// Height of its tip.
    pub height: u64,
    /// Work of its canonical chain.
    pub tip_work: u128,
    /// Its ledger: every account, in address order.
    pub ledger: Vec<(Address, Account)>,
    /// Pending transaction ids.
    pub mempool: Vec<TxId>,
    /// Every block it stores (side branches included).
    pub blocks: Vec<BlockInfo>,
    /// Keys its wallet holds, by name.
    pub wallet: Vec<(String, Address)>,
    /// Mining power, hashes per simulated second.
    pub hashes_per_sec: u64,
    /// How it behaves.
    pub behaviour: Behaviour,
    /// The last block it finalised (BFT engines).
    pub finalized: Option<(u64, BlockHash)>,
}

/// Counters over the life of a world.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Events processed (deliveries and timers).
    pub events: u64,
    /// Messages sent (lost ones included).
    pub messages_sent: u64,
    /// Messages the network lost or a partition dropped.
    pub messages_dropped: u64,
    /// Blocks produced.
    pub blocks_produced: u64,
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) key: Keypair,
    pub(crate) chain: Chain,
    pub(crate) pool: Mempool,
    pub(crate) wallet: BTreeMap<String, Keypair>,
    pub(crate) hashrate: u64,
    pub(crate) behaviour: Behaviour,
    /// Blocks asked for whose retry is pending, and when they were asked.
    pub(crate) requested: BTreeMap<BlockHash, u64>,
    /// Orphans held by the chain and the parent each is missing, so the
    /// node can ask for the oldest missing block of a detached branch.
    pub(crate) orphan_parents: BTreeMap<BlockHash, BlockHash>,
    /// Transactions seen (accepted or refused), so gossip stops.
    pub(crate) seen_txs: BTreeSet<TxId>,
    pub(crate) finalized: Option<(u64, BlockHash)>,
    /// Relays handed to this node by a relayer, by source chain (the
    /// latest replaces an earlier one), waiting for its next block.
    pub(crate) relays: BTreeMap<u32, Transaction>,
    /// Governance proposals by their governance bytes (permissioned chains).
    pub(crate) governance: BTreeMap<Vec<u8>, SignedGovernance>,
}

#[derive(Debug)]
pub(crate) struct InFlight {
    pub(crate) from: NodeId,
    pub(crate) to: NodeId,
    pub(crate) departs_ms: u64,
    pub(crate) msg: Message,
    pub(crate) lost: bool,
}

#[derive(Debug)]
pub(crate) enum Pending {
    Deliver(Box<InFlight>),
    Timer {
        node: NodeId,
        tag: u64,
    },
    /// Ask `peer` again for `hash` if it has not come.
    Retry {
        node: NodeId,
        peer: NodeId,
        hash: BlockHash,
        attempt: u32,
    },
}

/// A simulated world. See the module documentation.
#[derive(Debug)]
pub struct World {
    pub(crate) seed: u64,
    pub(crate) config: WorldConfig,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) now_ms: u64,
    pub(crate) nodes: Vec<Node>,
    pub(crate) engines: Vec<Box<dyn Engine>>,
    pub(crate) net: Network,
    /// Scheduled events by (time, sequence number).
    pub(crate) queue: BTreeMap<(u64, u64), Pending>,
    /// Where each pending engine timer sits in the queue.
    pub(crate) timers: BTreeMap<(NodeId, u64), (u64, u64)>,
    pub(crate) in_flight: u64,
    /// Block requests whose retry is scheduled.
    pub(crate) retries: u64,
    pub(crate) next_seq: u64,
    pub(crate) events: Vec<LoggedEvent>,
    pub(crate) history: Vec<ActionRecord>,
    pub(crate) stats: Stats,
    /// The block the last `Produce` made (for the `mine` outcome).
    produced: Option<BlockHash>,
}

fn node_id(i: usize) -> NodeId {
    NodeId(u32::try_from(i).unwrap_or(u32::MAX))
}

impl World {
    /// A new world at time 0; every engine gets [`EngineInput::Start`].
    pub fn new(config: WorldConfig, seed: u64) -> Result<World, WorldError> {
        let n = config.nodes.len();
        if n == 0 || n > MAX_NODES {
            return Err(WorldError::NodeCount {
                found: n,
                max: MAX_NODES,
            });
        }
        let mut names = BTreeSet::new();
        for c in &config.nodes {
            if !names.insert(c.name.as_str()) {
                return Err(WorldError::DuplicateName(c.name.clone()));
            }
        }
        check_validators(&config)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let count = u32::try_from(n).unwrap_or(u32::MAX);
        let net = Network::new(&config.network, count, &mut rng);
        let params = config.params();
        let chain_id = params.chain_id;
        let genesis = Chain::new(params);
        let nodes: Vec<Node> = config
            .nodes
            .iter()
            .map(|c| Node {
                name: c.name.clone(),
                key: Keypair::from_name(&c.name),
                chain: genesis.clone(),
                pool: Mempool::new(chain_id, DEFAULT_CAPACITY),
                wallet: c
                    .keys
                    .iter()
                    .map(|k| (k.clone(), Keypair::from_name(k)))
                    .collect(),
                hashrate: c.hashes_per_sec,
                behaviour: Behaviour::Honest,
                requested: BTreeMap::new(),
                orphan_parents: BTreeMap::new(),
                seen_txs: BTreeSet::new(),
                finalized: None,
                relays: BTreeMap::new(),
                governance: BTreeMap::new(),
            })
            .collect();
        let engines = (0..n)
            .map(|i| config.engine.build(node_id(i), &config))
            .collect();
        let mut world = World {
            seed,
            config,
            rng,
            now_ms: 0,
            nodes,
            engines,
            net,
            queue: BTreeMap::new(),
            timers: BTreeMap::new(),
            in_flight: 0,
            retries: 0,
            next_seq: 0,
            events: Vec::new(),
            history: Vec::new(),
            stats: Stats::default(),
            produced: None,
        };
        for i in 0..n {
            world.run_engine(node_id(i), EngineInput::Start);
        }
        Ok(world)
    }

    // ---- reading ----

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The configuration it started from.
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }

    /// Simulated time, in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Number of nodes.
    pub fn node_count(&self) -> u32 {
        u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)
    }

    /// Every node's id.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + use<> {
        (0..self.node_count()).map(NodeId)
    }

    /// A node's chain (block tree, canonical chain, ledger).
    pub fn chain(&self, node: NodeId) -> Option<&Chain> {
        self.nodes.get(node.index()).map(|n| &n.chain)
    }

    /// A node's mempool.
    pub fn mempool(&self, node: NodeId) -> Option<&Mempool> {
        self.nodes.get(node.index()).map(|n| &n.pool)
    }

    /// A node's behaviour.
    pub fn behaviour(&self, node: NodeId) -> Option<Behaviour> {
        self.nodes.get(node.index()).map(|n| n.behaviour)
    }

    /// A node's neighbours in the topology.
    pub fn peers(&self, node: NodeId) -> &[NodeId] {
        self.net.peers(node)
    }

    /// Whether a message from `a` would reach `b` now.
    pub fn reachable(&self, a: NodeId, b: NodeId) -> bool {
        self.net.reachable(a, b)
    }

    /// A node's view, for display.
    pub fn node_view(&self, node: NodeId) -> Option<NodeView> {
        let n = self.nodes.get(node.index())?;
        Some(NodeView {
            id: node,
            name: n.name.clone(),
            address: n.key.address(),
            tip: n.chain.tip(),
            height: n.chain.height(),
            tip_work: n.chain.tip_work(),
            ledger: n.chain.ledger().accounts().map(|(a, c)| (*a, *c)).collect(),
            mempool: n.pool.iter().map(|(id, _)| *id).collect(),
            blocks: n.chain.blocks(),
            wallet: n
                .wallet
                .iter()
                .map(|(name, k)| (name.clone(), k.address()))
                .collect(),
            hashes_per_sec: n.hashrate,
            behaviour: n.behaviour,
            finalized: n.finalized,
        })
    }

    /// A relayer hands `relay` to `node`, which gossips it like a
    /// transaction; each node keeps the latest relay per source chain for
    /// its next block. Nodes check only its form and that their chain has
    /// a bridge from its source: the chain checks the headers and proofs
    /// when the block runs (see the `relay_applied` event).
    pub fn submit_relay(
        &mut self,
        node: NodeId,
        relay: crate::bridge::relay::Relay,
    ) -> Result<TxId, ActionError> {
        self.check_node(node)?;
        if self.behaviour(node) == Some(Behaviour::Silent) {
            return Err(ActionError::NodeSilent { node });
        }
        let (source_chain, headers, proofs) =
            (relay.source_chain, relay.headers.len(), relay.proofs.len());
        let txid = self.submit(node, Transaction::Relay(relay))?;
        self.log(WorldEvent::RelayReceived {
            node,
            txid,
            source_chain,
            headers,
            proofs,
        });
        Ok(txid)
    }

    /// The id of the relay from `source_chain` that `node` holds for its
    /// next block, if any.
    pub fn pending_relay(&self, node: NodeId, source_chain: u32) -> Option<TxId> {
        self.nodes
            .get(node.index())?
            .relays
            .get(&source_chain)
            .map(Transaction::id)
    }

    /// The contract at `address` on `node`'s canonical chain.
    pub fn contract(&self, node: NodeId, address: &Address) -> Option<&Contract> {
        self.chain(node)?.ledger().contract(address)
    }

    /// The receipt of a deploy or call on `node`'s canonical chain, with
    /// the block that holds it.
    pub fn receipt(&self, node: NodeId, txid: &TxId) -> Option<(BlockHash, &TxReceipt)> {
        self.chain(node)?.receipt(txid)
    }

    /// Runs `function` of the contract at `address` on `node`'s tip without
    /// a transaction (a read, as a wallet or explorer does): nothing is
    /// stored, nobody pays, the caller is the zero address. `Ok` holds the
    /// returned value; `Err` the fault (with its line).
    pub fn query_contract(
        &self,
        node: NodeId,
        address: &Address,
        function: &str,
        args: &[Value],
    ) -> Result<Option<Value>, Fault> {
        let no_contract = || Fault {
            line: 0,
            kind: FaultKind::NoContract { address: *address },
        };
        let chain = self.chain(node).ok_or_else(no_contract)?;
        let c = chain.ledger().contract(address).ok_or_else(no_contract)?;
        let program = Program::parse(&c.source).map_err(|e| Fault {
            line: e.line,
            kind: FaultKind::Syntax {
                column: e.column,
                problem: e.problem.to_string(),
            },
        })?;
        let env = vm::Env {
            contract: *address,
            caller: Address::default(),
            value: Amount::ZERO,
            balance: chain.ledger().balance(address),
            height: chain.height(),
        };
        let run = vm::run(
            &program,
            &c.storage,
            env,
            function,
            args,
            crate::contract::tx::MAX_GAS,
            false,
        );
        run.result.map(|e| e.returned)
    }

    /// A node's BFT state machine (rounds, votes, lock), if its engine is
    /// BFT.
    pub fn bft(&self, node: NodeId) -> Option<&crate::consensus::bft::BftEngine> {
        self.engines.get(node.index())?.bft()
    }

    /// A node's pending engine timers as (tag, due time in ms), soonest
    /// first (`world::bft::timer_purpose` names a BFT engine's).
    pub fn timers(&self, node: NodeId) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = self
            .timers
            .iter()
            .filter(|((n, _), _)| *n == node)
            .map(|((_, tag), (at, _))| (*tag, *at))
            .collect();
        out.sort_by_key(|(_, at)| *at);
        out
    }

    /// Every message on its way, in arrival order.
    pub fn messages_in_flight(&self) -> Vec<MessageView> {
        self.queue
            .iter()
            .filter_map(|((at, seq), p)| match p {
                Pending::Deliver(m) => Some(MessageView {
                    id: *seq,
                    from: m.from,
                    to: m.to,
                    kind: m.msg.kind(),
                    summary: m.msg.summary(),
                    departs_ms: m.departs_ms,
                    arrives_ms: *at,
                    lost: m.lost,
                }),
                Pending::Timer { .. } | Pending::Retry { .. } => None,
            })
            .collect()
    }

    /// Whether the network has drained: no message in flight and no block
    /// request waiting to be retried.
    pub fn is_idle(&self) -> bool {
        self.in_flight == 0 && self.retries == 0
    }

    /// Number of messages on their way.
    pub fn in_flight_count(&self) -> u64 {
        self.in_flight
    }

    /// When the next event is due, if any.
    pub fn next_event_ms(&self) -> Option<u64> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    /// The event log.
    pub fn events(&self) -> &[LoggedEvent] {
        &self.events
    }

    /// The action log.
    pub fn history(&self) -> &[ActionRecord] {
        &self.history
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Whether every node that is not silent has the same tip.
    pub fn tips_agree(&self) -> bool {
        let mut tips = self
            .nodes
            .iter()
            .filter(|n| n.behaviour != Behaviour::Silent)
            .map(|n| n.chain.tip());
        match tips.next() {
            Some(first) => tips.all(|t| t == first),
            None => true,
        }
    }

    fn until_holds(&self, until: Until) -> bool {
        match until {
            Until::Time { ms } => self.now_ms >= ms,
            Until::Idle => self.is_idle(),
            Until::Converged => self.is_idle() && self.tips_agree(),
            Until::Height { height } => self.nodes.iter().any(|n| n.chain.height() >= height),
        }
    }

    // ---- acting ----

    /// Applies an action and records it in the action log, accepted or not.
    /// A refused action changes nothing else and is also logged as an
    /// [`WorldEvent::ActionRejected`] event.
    pub fn apply(&mut self, action: Action) -> Result<ActionOutcome, ActionError> {
        let at_ms = self.now_ms;
        let index = self.history.len();
        let result = self.apply_inner(&action);
        let rejected = result.as_ref().err().map(ToString::to_string);
        if let Some(reason) = &rejected {
            self.log(WorldEvent::ActionRejected {
                index,
                reason: reason.clone(),
            });
        }
        self.history.push(ActionRecord {
            at_ms,
            action,
            rejected,
        });
        result
    }

    /// Processes one event (recorded as `step` with 1 event); `None` if
    /// nothing is scheduled.
    pub fn step(&mut self) -> Option<ActionOutcome> {
        if self.queue.is_empty() {
            return None;
        }
        self.apply(Action::Step { events: 1 }).ok()
    }

    /// Processes events until `cond` holds or `max_events` were processed;
    /// recorded as one `step` action with the number processed (a closure
    /// cannot be written in a transcript, its effect can). Returns whether
    /// `cond` held.
    pub fn run_until_with(
        &mut self,
        max_events: u64,
        mut cond: impl FnMut(&World) -> bool,
    ) -> bool {
        let mut done = 0u64;
        let mut held = cond(self);
        while !held && done < max_events && self.process_next() {
            done = done.saturating_add(1);
            held = cond(self);
        }
        self.history.push(ActionRecord {
            at_ms: self.now_ms,
            action: Action::Step { events: done },
            rejected: None,
        });
        held
    }

    fn check_node(&self, node: NodeId) -> Result<(), ActionError> {
        if node.index() < self.nodes.len() {
            Ok(())
        } else {
            Err(ActionError::UnknownNode {
                node,
                count: self.node_count(),
            })
        }
    }

    fn apply_inner(&mut self, action: &Action) -> Result<ActionOutcome, ActionError> {
        let mut out = ActionOutcome::default();
        match action {
            Action::CreateKey { node, name } => {
                self.check_node(*node)?;
                let n = self.node_mut(*node)?;
                if n.wallet.contains_key(name) {
                    return Err(ActionError::KeyExists {
                        node: *node,
                        name: name.clone(),
                    });
                }
                n.wallet.insert(name.clone(), Keypair::from_name(name));
            }
            Action::SendTransaction {
                node,
                from,
                to,
                amount,
                fee,
                memo,
                nonce,
            } => {
                self.check_node(*node)?;
                let tx = self.sign_transfer(*node, from, to, *amount, *fee, memo, *nonce)?;
                out.txid = Some(self.submit(*node, Transaction::Transfer(tx))?);
            }
            Action::SubmitTransaction { node, tx } => {
                self.check_node(*node)?;
                out.txid =
                    Some(self.submit(*node, Transaction::Transfer(SignedTransfer::clone(tx)))?);
            }
            Action::DeployContract {
                node,
                from,
                code,
                args,
                gas_limit,
                gas_price,
                nonce,
            } => {
                self.check_node(*node)?;
                let source = match code {
                    ContractCode::Example(id) => examples::by_id(id)
                        .ok_or_else(|| ActionError::UnknownExample(id.clone()))?
                        .source
                        .to_owned(),
                    ContractCode::Source(s) => s.clone(),
                };
                let args = args.iter().map(arg_value).collect::<Result<Vec<_>, _>>()?;
                let (key, chain_id, nonce) = self.signer(*node, from, *nonce)?;
                let deploy = Deploy {
                    chain_id,
                    from: key.public(),
                    nonce,
                    gas_limit: *gas_limit,
                    gas_price: *gas_price,
                    source,
                    args,
                }
                .sign(&key);
                out.contract = Some(contract_address(&key.address(), nonce));
                out.txid = Some(self.submit(*node, Transaction::Deploy(deploy))?);
            }
            Action::CallContract {
                node,
                from,
                contract,
                function,
                args,
                value,
                gas_limit,
                gas_price,
                nonce,
            } => {
                self.check_node(*node)?;
                let contract = contract_ref(contract)?;
                let args = args.iter().map(arg_value).collect::<Result<Vec<_>, _>>()?;
                let (key, chain_id, nonce) = self.signer(*node, from, *nonce)?;
                let call = Call {
                    chain_id,
                    from: key.public(),
                    nonce,
                    contract,
                    function: function.clone(),
                    args,
                    value: *value,
                    gas_limit: *gas_limit,
                    gas_price: *gas_price,
                }
                .sign(&key);
                out.contract = Some(contract);
                out.txid = Some(self.submit(*node, Transaction::Call(call))?);
            }
            Action::Mine { node } => {
                self.check_node(*node)?;
                if self.behaviour(*node) == Some(Behaviour::Silent) {
                    return Err(ActionError::NodeSilent { node: *node });
                }
                self.produced = None;
                self.run_engine(*node, EngineInput::Produce);
                match self.produced.take() {
                    Some(h) => out.block = Some(h),
                    None => {
                        return Err(ActionError::NoBlock {
                            node: *node,
                            reason: format!(
                                "its {} engine made none",
                                self.engines.get(node.index()).map_or("", |e| e.name())
                            ),
                        });
                    }
                }
            }
            Action::SetMiningPower {
                node,
                hashes_per_sec,
            } => {
                self.check_node(*node)?;
                self.node_mut(*node)?.hashrate = *hashes_per_sec;
                self.log(WorldEvent::MiningPowerChanged {
                    node: *node,
                    hashes_per_sec: *hashes_per_sec,
                });
                self.run_engine(*node, EngineInput::Reconfigured);
            }
            Action::SetBehaviour { node, behaviour } => {
                self.check_node(*node)?;
                self.set_behaviour(*node, *behaviour)?;
            }
            Action::Partition { groups } => self.partition(groups)?,
            Action::Heal => {
                let before = self.net.live_links();
                for g in &mut self.net.group {
                    *g = 0;
                }
                self.log(WorldEvent::Healed);
                self.links_changed(&before);
            }
            Action::CutLink { a, b } => {
                self.check_link(*a, *b)?;
                self.net.cut.insert(link_key(*a, *b));
                self.log(WorldEvent::LinkCut { a: *a, b: *b });
            }
            Action::RestoreLink { a, b } => {
                self.check_link(*a, *b)?;
                let before = self.net.live_links();
                self.net.cut.remove(&link_key(*a, *b));
                self.log(WorldEvent::LinkRestored { a: *a, b: *b });
                self.links_changed(&before);
            }
            Action::SetLink {
                a,
                b,
                latency_ms,
                jitter_ms,
                loss_permille,
            } => {
                self.check_link(*a, *b)?;
                if *loss_permille > 1000 {
                    return Err(ActionError::BadLoss(*loss_permille));
                }
                self.net.overrides.insert(
                    link_key(*a, *b),
                    LinkConfig {
                        latency_ms: *latency_ms,
                        jitter_ms: *jitter_ms,
                        loss_permille: *loss_permille,
                    },
                );
            }
            Action::AdvanceTime { ms } => {
                let end = self.now_ms.saturating_add(*ms);
                while self.next_event_ms().is_some_and(|t| t <= end)
                    && out.events < DEFAULT_MAX_EVENTS
                    && self.process_next()
                {
                    out.events = out.events.saturating_add(1);
                }
                self.now_ms = self.now_ms.max(end);
            }
            Action::RunUntil { until, max_events } => {
                let mut held = self.until_holds(*until);
                while !held && out.events < *max_events && self.process_next() {
                    out.events = out.events.saturating_add(1);
                    held = self.until_holds(*until);
                }
                if let Until::Time { ms } = until
                    && !held
                    && out.events < *max_events
                {
                    // Nothing left to do before then: the clock just moves.
                    self.now_ms = self.now_ms.max(*ms);
                    held = true;
                }
                out.reached = Some(held);
            }
            Action::Step { events } => {
                while out.events < *events && self.process_next() {
                    out.events = out.events.saturating_add(1);
                }
            }
            Action::ProposeChange {
                node,
                admin,
                change,
            } => return self.approve_change(*node, admin, change, true),
            Action::ApproveChange {
                node,
                admin,
                change,
            } => return self.approve_change(*node, admin, change, false),
        }
        Ok(out)
    }

    fn node_ref(&self, node: NodeId) -> Result<&Node, ActionError> {
        self.nodes
            .get(node.index())
            .ok_or(ActionError::UnknownNode {
                node,
                count: self.node_count(),
            })
    }

    fn node_mut(&mut self, node: NodeId) -> Result<&mut Node, ActionError> {
        let count = self.node_count();
        self.nodes
            .get_mut(node.index())
            .ok_or(ActionError::UnknownNode { node, count })
    }

    fn check_link(&self, a: NodeId, b: NodeId) -> Result<(), ActionError> {
        self.check_node(a)?;
        self.check_node(b)?;
        if a == b {
            return Err(ActionError::SelfLink { node: a });
        }
        Ok(())
    }

    /// The wallet key `from` of `node`, the chain id, and the nonce to sign
    /// with (the sender's next one as the node sees it, unless given).
    fn signer(
        &self,
        node: NodeId,
        from: &str,
        nonce: Option<u64>,
    ) -> Result<(Keypair, u32, u64), ActionError> {
        let n = self
            .nodes
            .get(node.index())
            .ok_or(ActionError::UnknownNode {
                node,
                count: self.node_count(),
            })?;
        let key = n.wallet.get(from).ok_or(ActionError::KeyNotInWallet {
            node,
            name: from.to_owned(),
        })?;
        let nonce = nonce.unwrap_or_else(|| n.pool.next_nonce(n.chain.ledger(), &key.address()));
        Ok((key.clone(), n.chain.params().chain_id, nonce))
    }

    #[allow(clippy::too_many_arguments)]
    fn sign_transfer(
        &self,
        node: NodeId,
        from: &str,
        to: &str,
        amount: Amount,
        fee: Amount,
        memo: &str,
        nonce: Option<u64>,
    ) -> Result<SignedTransfer, ActionError> {
        let n = self
            .nodes
            .get(node.index())
            .ok_or(ActionError::UnknownNode {
                node,
                count: self.node_count(),
            })?;
        let key = n.wallet.get(from).ok_or(ActionError::KeyNotInWallet {
            node,
            name: from.to_owned(),
        })?;
        let to = parse_recipient(to)?;
        let nonce = nonce.unwrap_or_else(|| n.pool.next_nonce(n.chain.ledger(), &key.address()));
        Ok(Transfer {
            chain_id: n.chain.params().chain_id,
            from: key.public(),
            to,
            amount,
            fee,
            nonce,
            memo: memo.to_owned(),
        }
        .sign(key))
    }

    /// A transaction from outside (an action) enters `node`.
    fn submit(&mut self, node: NodeId, tx: Transaction) -> Result<TxId, ActionError> {
        let tx = Arc::new(tx);
        let txid = tx.id();
        // An action may try the same transaction again: forget having seen
        // it so the node says why it refuses it.
        if let Some(n) = self.nodes.get_mut(node.index()) {
            n.seen_txs.remove(&txid);
        }
        self.receive_tx(node, tx, None)
            .map_err(|error| ActionError::Tx { node, txid, error })
    }

    fn set_behaviour(&mut self, node: NodeId, behaviour: Behaviour) -> Result<(), ActionError> {
        let n = self.node_mut(node)?;
        let before = n.behaviour;
        n.behaviour = behaviour;
        self.log(WorldEvent::BehaviourChanged { node, behaviour });
        let was_cut_off = matches!(before, Behaviour::Silent | Behaviour::Withhold);
        let is_cut_off = matches!(behaviour, Behaviour::Silent | Behaviour::Withhold);
        if was_cut_off && !is_cut_off {
            // Back in touch: exchange tips with every neighbour.
            let peers = self.net.peers(node).to_vec();
            for p in peers {
                self.handshake(node, p);
            }
        }
        if before == Behaviour::Silent && behaviour != Behaviour::Silent {
            self.run_engine(node, EngineInput::Start);
        } else {
            self.run_engine(node, EngineInput::Reconfigured);
        }
        Ok(())
    }

    fn partition(&mut self, groups: &[Vec<NodeId>]) -> Result<(), ActionError> {
        let mut group = vec![u32::try_from(groups.len()).unwrap_or(u32::MAX); self.nodes.len()];
        let mut seen = BTreeSet::new();
        for (g, members) in groups.iter().enumerate() {
            for &m in members {
                self.check_node(m)?;
                if !seen.insert(m) {
                    return Err(ActionError::NodeInTwoGroups { node: m });
                }
                if let Some(slot) = group.get_mut(m.index()) {
                    *slot = u32::try_from(g).unwrap_or(u32::MAX);
                }
            }
        }
        let before = self.net.live_links();
        self.net.group = group;
        let mut shown: Vec<Vec<NodeId>> = groups.to_vec();
        let rest: Vec<NodeId> = self.node_ids().filter(|n| !seen.contains(n)).collect();
        if !rest.is_empty() {
            shown.push(rest);
        }
        self.log(WorldEvent::Partitioned { groups: shown });
        self.links_changed(&before);
        Ok(())
    }

    /// Links that came up since `before` exchange tips.
    fn links_changed(&mut self, before: &BTreeSet<(NodeId, NodeId)>) {
        let now = self.net.live_links();
        for (a, b) in now.difference(before) {
            self.handshake(*a, *b);
        }
    }

    /// Both ends of a link that just came up announce their tips and send
    /// each other their pending transactions (so what only one side of a
    /// partition saw reaches the other when it heals).
    fn handshake(&mut self, a: NodeId, b: NodeId) {
        for (x, y) in [(a, b), (b, a)] {
            if let Some(tip) = self.nodes.get(x.index()).map(|n| n.chain.tip()) {
                self.send(x, y, Message::Inv(tip));
            }
            self.send_pending(x, y);
        }
    }

    /// `x` sends `y` its whole mempool in one message, in an order that
    /// admits it (each sender's transactions in nonce order; jitter could
    /// reorder separate messages, and a pool refuses a nonce gap). Nothing
    /// if the pool is empty or `x` withholds.
    fn send_pending(&mut self, x: NodeId, y: NodeId) {
        if self.behaviour(x) == Some(Behaviour::Withhold) {
            return;
        }
        let Some(n) = self.nodes.get(x.index()) else {
            return;
        };
        let txs: Vec<Arc<Transaction>> = n
            .pool
            .pending_in_order()
            .map(|(_, t)| Arc::new(t.clone()))
            .collect();
        if !txs.is_empty() {
            self.send(x, y, Message::Txs(Arc::new(txs)));
        }
    }

    // ---- the scheduler ----

    fn schedule(&mut self, at: u64, p: Pending) -> (u64, u64) {
        let key = (at, self.next_seq);
        self.next_seq = self.next_seq.saturating_add(1);
        self.queue.insert(key, p);
        key
    }

    /// Pops and handles the next event; false if none is scheduled.
    fn process_next(&mut self) -> bool {
        let Some(((at, _), pending)) = self.queue.pop_first() else {
            return false;
        };
        self.now_ms = self.now_ms.max(at);
        self.stats.events = self.stats.events.saturating_add(1);
        match pending {
            Pending::Deliver(m) => {
                self.in_flight = self.in_flight.saturating_sub(1);
                self.deliver(*m);
            }
            Pending::Retry {
                node,
                peer,
                hash,
                attempt,
            } => {
                self.retries = self.retries.saturating_sub(1);
                if let Some(n) = self.nodes.get_mut(node.index()) {
                    n.requested.remove(&hash);
                }
                self.request_attempt(node, peer, hash, attempt);
            }
            Pending::Timer { node, tag } => {
                self.timers.remove(&(node, tag));
                if self.behaviour(node) != Some(Behaviour::Silent) {
                    self.run_engine(node, EngineInput::Timer { tag });
                }
            }
        }
        true
    }

    fn log(&mut self, event: WorldEvent) {
        self.events.push(LoggedEvent {
            at_ms: self.now_ms,
            event,
        });
    }

    // ---- the network ----

    /// Puts a message on the wire; false if it cannot leave (the sender is
    /// silent or the receiver unreachable). A message the network will
    /// lose counts as sent: the sender cannot know.
    fn send(&mut self, from: NodeId, to: NodeId, msg: Message) -> bool {
        if self.behaviour(from) == Some(Behaviour::Silent) || !self.net.reachable(from, to) {
            return false;
        }
        let link = self.net.link(from, to);
        let mut delay = link.latency_ms.max(1);
        if link.jitter_ms > 0 {
            let j = self
                .rng
                .next_u64()
                .checked_rem(link.jitter_ms.saturating_add(1))
                .unwrap_or(0);
            delay = delay.saturating_add(j);
        }
        let lost = link.loss_permille > 0
            && self.rng.next_u64().checked_rem(1000).unwrap_or(0) < u64::from(link.loss_permille);
        self.stats.messages_sent = self.stats.messages_sent.saturating_add(1);
        self.in_flight = self.in_flight.saturating_add(1);
        let at = self.now_ms.saturating_add(delay);
        self.schedule(
            at,
            Pending::Deliver(Box::new(InFlight {
                from,
                to,
                departs_ms: self.now_ms,
                msg,
                lost,
            })),
        );
        true
    }

    fn broadcast(&mut self, from: NodeId, msg: &Message, except: Option<NodeId>) {
        let peers = self.net.peers(from).to_vec();
        for p in peers {
            if Some(p) != except {
                self.send(from, p, msg.clone());
            }
        }
    }

    fn deliver(&mut self, m: InFlight) {
        let InFlight {
            from,
            to,
            msg,
            lost,
            ..
        } = m;
        let receiver = self.behaviour(to);
        if lost || !self.net.reachable(from, to) || receiver == Some(Behaviour::Silent) {
            self.stats.messages_dropped = self.stats.messages_dropped.saturating_add(1);
            return;
        }
        let withholding = receiver == Some(Behaviour::Withhold);
        match msg {
            Message::Tx(tx) => {
                // Refusals are logged by receive_tx.
                let _ = self.receive_tx(to, tx, Some(from));
            }
            Message::Txs(txs) => self.receive_txs(to, &txs, from),
            Message::Inv(hash) => {
                if !withholding {
                    self.request(to, from, hash);
                }
            }
            Message::GetBlock(hash) => {
                if let Some(b) = self.chain(to).and_then(|c| c.get_arc(&hash)) {
                    self.send(to, from, Message::Block(b));
                }
            }
            Message::Block(block) => {
                if !withholding {
                    self.receive_block(to, block, Some(from));
                }
            }
            Message::Engine(msg) => {
                self.run_engine(to, EngineInput::Message { from, msg: &msg });
            }
            Message::Governance(g) => self.receive_governance(to, &g, from),
        }
    }

    /// Asks `peer` for a block `node` lacks (unless asked recently). For
    /// an orphan, asks for the oldest missing ancestor of its branch.
    fn request(&mut self, node: NodeId, peer: NodeId, hash: BlockHash) {
        self.request_attempt(node, peer, hash, 1);
    }

    fn request_attempt(&mut self, node: NodeId, peer: NodeId, hash: BlockHash, attempt: u32) {
        let now = self.now_ms;
        let Some(n) = self.nodes.get_mut(node.index()) else {
            return;
        };
        let hash = missing_root(n, hash);
        if n.chain.contains(&hash) || n.chain.is_invalid(&hash) || n.chain.is_orphan(&hash) {
            return;
        }
        if n.requested
            .get(&hash)
            .is_some_and(|t| t.saturating_add(REQUEST_TIMEOUT_MS) > now)
        {
            return;
        }
        // Only a request that left and will be retried blocks new ones: if
        // it could not leave, or was the last try, the next announcement
        // of the block starts over.
        if !self.send(node, peer, Message::GetBlock(hash)) {
            return;
        }
        if attempt < MAX_REQUEST_ATTEMPTS {
            if let Some(n) = self.nodes.get_mut(node.index()) {
                n.requested.insert(hash, now);
            }
            self.retries = self.retries.saturating_add(1);
            self.schedule(
                now.saturating_add(REQUEST_TIMEOUT_MS),
                Pending::Retry {
                    node,
                    peer,
                    hash,
                    attempt: attempt.saturating_add(1),
                },
            );
        }
    }

    /// `node` takes a transaction (from a neighbour, or from outside if
    /// `from` is `None`) and, if it is new and admitted, gossips it on.
    fn receive_tx(
        &mut self,
        node: NodeId,
        tx: Arc<Transaction>,
        from: Option<NodeId>,
    ) -> Result<TxId, MempoolError> {
        let txid = tx.id();
        if self.admit_tx(node, &tx, from)? {
            if self.behaviour(node) != Some(Behaviour::Withhold) {
                self.broadcast(node, &Message::Tx(tx), from);
            }
            self.run_engine(node, EngineInput::NewTransaction);
        }
        Ok(txid)
    }

    /// `node` takes a neighbour's batch of pending transactions in order,
    /// and passes the ones it admitted on as one batch.
    fn receive_txs(&mut self, node: NodeId, txs: &[Arc<Transaction>], from: NodeId) {
        let mut admitted = Vec::new();
        for tx in txs {
            // Refusals are logged by admit_tx.
            if let Ok(true) = self.admit_tx(node, tx, Some(from)) {
                admitted.push(Arc::clone(tx));
            }
        }
        if admitted.is_empty() {
            return;
        }
        if self.behaviour(node) != Some(Behaviour::Withhold) {
            self.broadcast(node, &Message::Txs(Arc::new(admitted)), Some(from));
        }
        self.run_engine(node, EngineInput::NewTransaction);
    }

    /// Admits a transaction into `node`'s mempool (or beside it, for a
    /// relay) and logs the outcome: `Ok(false)` if the node had already
    /// seen it, `Err` (logged) if refused. A transaction refused only
    /// because its nonce is ahead is forgotten again, so that it is
    /// admitted when it comes back after the ones before it.
    fn admit_tx(
        &mut self,
        node: NodeId,
        tx: &Arc<Transaction>,
        from: Option<NodeId>,
    ) -> Result<bool, MempoolError> {
        let txid = tx.id();
        let Some(n) = self.nodes.get_mut(node.index()) else {
            return Ok(false);
        };
        if !n.seen_txs.insert(txid) {
            return Ok(false);
        }
        // On a permissioned chain, only members may send.
        let outsider = tx.sender_nonce().and_then(|(from, _)| {
            n.chain
                .membership()
                .and_then(|m| m.check_sender(from).err())
        });
        let admitted = match (outsider, tx.as_ref()) {
            (Some(e), _) => Err(MempoolError::Tx(TxError::NotAMember(e))),
            // A relay waits beside the mempool (it has no sender or fee):
            // the latest per source chain, for the node's next block.
            (None, Transaction::Relay(r)) => match n.chain.ledger().bridge(r.source_chain) {
                None => Err(MempoolError::Tx(crate::tx::TxError::NoBridge {
                    source_chain: r.source_chain,
                })),
                Some(_) => r
                    .check_form()
                    .map_err(crate::tx::TxError::BadRelay)
                    .and_then(|()| n.chain.check_relay_not_applied(&txid))
                    .map_err(MempoolError::Tx)
                    .map(|()| {
                        n.relays.insert(r.source_chain, Transaction::clone(tx));
                        crate::mempool::Admitted {
                            id: txid,
                            evicted: None,
                        }
                    }),
            },
            (None, _) => n.pool.add_tx(Transaction::clone(tx), n.chain.ledger()),
        };
        if let Err(MempoolError::NonceAhead { .. }) = admitted {
            n.seen_txs.remove(&txid);
        }
        match admitted {
            Ok(a) => {
                self.log(WorldEvent::TxAccepted { node, txid, from });
                if let Some(e) = a.evicted {
                    self.log_evicted(node, e);
                }
                Ok(true)
            }
            Err(e) => {
                self.log(WorldEvent::TxRejected {
                    node,
                    txid,
                    reject: TxRejectKind::of(&e),
                    reason: e.to_string(),
                });
                Err(e)
            }
        }
    }

    /// `node` got `block` from `from` (or made it, if `from` is `None`).
    fn receive_block(&mut self, node: NodeId, block: Arc<Block>, from: Option<NodeId>) -> bool {
        let hash = block.hash();
        let Some(n) = self.nodes.get_mut(node.index()) else {
            return false;
        };
        n.requested.remove(&hash);
        let report = match n.chain.insert(block) {
            Ok(r) => r,
            Err(ChainError::KnownInvalid { .. }) => return false,
            Err(e) => {
                self.log(WorldEvent::BlockRejected {
                    node,
                    hash,
                    reason: e.to_string(),
                });
                return false;
            }
        };
        for (bad, e) in &report.invalidated {
            self.log(WorldEvent::BlockRejected {
                node,
                hash: *bad,
                reason: e.to_string(),
            });
        }
        match report.placement {
            Placement::AlreadyKnown => return false,
            Placement::Orphan { missing_parent } => {
                if let Some(n) = self.nodes.get_mut(node.index()) {
                    n.orphan_parents.insert(hash, missing_parent);
                }
                if let Some(peer) = from {
                    self.request(node, peer, missing_parent);
                }
                return true;
            }
            Placement::SideBranch | Placement::Canonical => {}
        }
        if let Some(n) = self.nodes.get_mut(node.index()) {
            n.orphan_parents.remove(&hash);
            for h in &report.adopted_orphans {
                n.orphan_parents.remove(h);
            }
        }
        if from.is_some() {
            // The sender has this block, but not necessarily the orphans
            // it let this node connect: those go to every neighbour.
            self.broadcast(node, &Message::Inv(hash), from);
            for h in &report.adopted_orphans {
                self.broadcast(node, &Message::Inv(*h), None);
            }
        }
        if let Some(tc) = report.tip_change {
            self.tip_changed(node, &tc);
        }
        true
    }

    fn tip_changed(&mut self, node: NodeId, tc: &TipChange) {
        if tc.is_reorg() {
            self.log(WorldEvent::Reorg {
                node,
                depth: tc.disconnected.len(),
                old_tip: tc.old_tip,
                new_tip: tc.new_tip,
                fork_point: tc.fork_point,
            });
        }
        let Some(n) = self.nodes.get_mut(node.index()) else {
            return;
        };
        // Transfers of blocks taken off the chain go back to the mempool
        // (unless the new branch has them too); confirmed ones leave it;
        // pending ones that no longer apply are dropped.
        let txs_of = |hashes: &[BlockHash]| -> Vec<Transaction> {
            hashes
                .iter()
                .filter_map(|h| n.chain.get_arc(h))
                .flat_map(|b| b.txs.clone())
                .collect()
        };
        let mut disconnected = txs_of(&tc.disconnected);
        // A sender's transfers go back in nonce order.
        disconnected.sort_by_key(|t| t.sender_nonce().map(|(k, n)| (k.address(), n)));
        let connected = txs_of(&tc.connected);
        let report = n.pool.on_reorg(&disconnected, &connected, n.chain.ledger());
        // What the reorg put back may never have reached the other side of
        // a partition (it was mined here first): announce it again, with
        // each of its senders' later pending transactions, in nonce order.
        let senders: BTreeSet<Address> = disconnected
            .iter()
            .filter(|t| n.pool.contains(&t.id()))
            .filter_map(|t| t.sender_nonce().map(|(k, _)| k.address()))
            .collect();
        let again: Vec<Arc<Transaction>> = senders
            .iter()
            .flat_map(|s| n.pool.pending_txs_from(s))
            .map(|(_, t)| Arc::new(t.clone()))
            .collect();
        let ran = contract_events(node, &n.chain, &tc.connected);
        // Relays now on the chain are no longer pending.
        let chain = &n.chain;
        n.relays.retain(|_, r| chain.find_tx(&r.id()).is_none());
        self.governance_after_tip(node, &tc.connected);
        for e in report.not_readmitted.into_iter().chain(report.evicted) {
            self.log_evicted(node, e);
        }
        for e in ran {
            self.log(e);
        }
        if !again.is_empty() && self.behaviour(node) != Some(Behaviour::Withhold) {
            self.broadcast(node, &Message::Txs(Arc::new(again)), None);
        }
        self.run_engine(
            node,
            EngineInput::TipChanged {
                tip: tc.new_tip,
                reorg: tc.is_reorg(),
            },
        );
    }

    /// Logs a transfer that left (or could not re-enter) a mempool, unless
    /// it left because a block confirmed it.
    fn log_evicted(&mut self, node: NodeId, e: Evicted) {
        if e.reason != EvictionReason::Confirmed {
            self.log(WorldEvent::TxDropped {
                node,
                txid: e.id,
                reason: e.reason.to_string(),
            });
        }
    }

    // ---- engines ----

    fn run_engine(&mut self, node: NodeId, input: EngineInput<'_>) {
        let i = node.index();
        let count = self.node_count();
        let (Some(n), Some(engine)) = (self.nodes.get(i), self.engines.get_mut(i)) else {
            return;
        };
        if n.behaviour == Behaviour::Silent {
            return;
        }
        let mut ctx = NodeCtx {
            node,
            now_ms: self.now_ms,
            chain: &n.chain,
            pool: &n.pool,
            relays: &n.relays,
            key: &n.key,
            hashrate: n.hashrate,
            behaviour: n.behaviour,
            peers: self.net.peers(node),
            node_count: count,
            rng: &mut self.rng,
            governance: &n.governance,
        };
        let effects = engine.handle(&mut ctx, input);
        for e in effects {
            self.apply_effect(node, e);
        }
    }

    fn apply_effect(&mut self, node: NodeId, effect: Effect) {
        match effect {
            Effect::Broadcast(msg) => self.broadcast(node, &Message::Engine(msg), None),
            Effect::Send { to, msg } => {
                self.send(node, to, Message::Engine(msg));
            }
            Effect::SetTimer { tag, after_ms } => {
                if let Some(key) = self.timers.remove(&(node, tag)) {
                    self.queue.remove(&key);
                }
                let at = self.now_ms.saturating_add(after_ms.max(1));
                let key = self.schedule(at, Pending::Timer { node, tag });
                self.timers.insert((node, tag), key);
            }
            Effect::CancelTimer { tag } => {
                if let Some(key) = self.timers.remove(&(node, tag)) {
                    self.queue.remove(&key);
                }
            }
            Effect::AddBlock { block, announce } => {
                let hash = block.hash();
                let withheld = self.behaviour(node) == Some(Behaviour::Withhold);
                self.stats.blocks_produced = self.stats.blocks_produced.saturating_add(1);
                self.log(WorldEvent::BlockProduced {
                    node,
                    hash,
                    height: block.height(),
                    txs: block.txs.len(),
                    withheld,
                });
                self.produced = Some(hash);
                if self.receive_block(node, block, None) && announce && !withheld {
                    self.broadcast(node, &Message::Inv(hash), None);
                }
            }
            Effect::Finalize { height, hash } => {
                if let Some(n) = self.nodes.get_mut(node.index()) {
                    n.finalized = Some((height, hash));
                }
                self.log(WorldEvent::Finalized { node, height, hash });
            }
            Effect::Note(text) => self.log(WorldEvent::Note { node, text }),
            Effect::ImportBlock { block, from } => {
                let hash = block.hash();
                let announce = from.is_none() && self.behaviour(node) != Some(Behaviour::Withhold);
                if self.receive_block(node, block, from) && announce {
                    self.broadcast(node, &Message::Inv(hash), None);
                }
            }
            Effect::Evidence {
                validator,
                height,
                round,
                offence,
            } => self.log(WorldEvent::Evidence {
                node,
                validator,
                height,
                round,
                offence,
            }),
        }
    }
}

/// The `contract_deployed` / `contract_called` events of the deploys and
/// calls in `blocks` (just connected on `node`'s chain), in chain order.
fn contract_events(node: NodeId, chain: &Chain, blocks: &[BlockHash]) -> Vec<WorldEvent> {
    let mut out = Vec::new();
    for hash in blocks {
        let (Some(block), Some(receipts)) = (chain.get(hash), chain.receipts(hash)) else {
            continue;
        };
        for r in receipts {
            let tx = block.txs.get(r.index as usize);
            let fault = r.receipt.fault.as_ref().map(ToString::to_string);
            match tx {
                Some(Transaction::Deploy(d)) => out.push(WorldEvent::ContractDeployed {
                    node,
                    txid: r.txid,
                    block: *hash,
                    height: block.height(),
                    deployer: d.tx.from.address(),
                    fault,
                    receipt: r.receipt.clone(),
                }),
                Some(Transaction::Call(c)) => out.push(WorldEvent::ContractCalled {
                    node,
                    txid: r.txid,
                    block: *hash,
                    height: block.height(),
                    caller: c.tx.from.address(),
                    function: c.tx.function.clone(),
                    fault,
                    receipt: r.receipt.clone(),
                }),
                _ => {}
            }
        }
        for r in chain.relay_receipts(hash).unwrap_or_default() {
            out.push(WorldEvent::RelayApplied {
                node,
                txid: r.txid,
                block: *hash,
                height: block.height(),
                receipt: r.receipt.clone(),
            });
        }
    }
    out
}

/// A contract named by its 40-digit hex address or `<key name>/<nonce>`.
pub fn contract_ref(s: &str) -> Result<Address, ActionError> {
    if s.len() == 40
        && let Ok(a) = Address::from_hex(s)
    {
        return Ok(a);
    }
    if let Some((name, nonce)) = s.rsplit_once('/')
        && !name.is_empty()
        && let Ok(nonce) = nonce.parse::<u64>()
    {
        return Ok(contract_address(&Keypair::from_name(name).address(), nonce));
    }
    Err(ActionError::BadContract(s.to_owned()))
}

/// The contract value an action argument stands for.
pub fn arg_value(a: &Arg) -> Result<Value, ActionError> {
    Ok(match a {
        Arg::Value(v) => v.clone(),
        Arg::Named(NamedArg::Text(t)) => Value::text(t),
        Arg::Named(NamedArg::Key(name)) => Value::Address(Keypair::from_name(name).address()),
        Arg::Named(NamedArg::Contract(c)) => Value::Address(contract_ref(c)?),
        Arg::Named(NamedArg::Sha256OfText(t)) => {
            Value::Bytes(crate::hash::sha256(t.as_bytes()).as_bytes().to_vec())
        }
    })
}

/// Refuses a PoA or BFT world whose validator set cannot work: none, too
/// many, or a name twice.
fn check_validators(config: &WorldConfig) -> Result<(), WorldError> {
    if matches!(config.engine, EngineConfig::ProofOfWork) {
        return Ok(());
    }
    let names = config.validator_names();
    if names.is_empty() || names.len() > crate::identity::MAX_VALIDATORS as usize {
        return Err(WorldError::Validators(format!(
            "must number 1 to {}, not {}",
            crate::identity::MAX_VALIDATORS,
            names.len()
        )));
    }
    let mut seen = BTreeSet::new();
    for n in &names {
        if !seen.insert(n.as_str()) {
            return Err(WorldError::Validators(format!("list \"{n}\" twice")));
        }
    }
    if let EngineConfig::ProofOfStake { stakes, .. } = &config.engine
        && !stakes.is_empty()
    {
        if stakes.len() != names.len() {
            return Err(WorldError::Validators(format!(
                "number {} but {} stakes are given; give one stake per validator (or none: 1 each)",
                names.len(),
                stakes.len()
            )));
        }
        if stakes.iter().all(|s| *s == 0) {
            return Err(WorldError::Validators(
                "all have stake 0; at least one needs stake to seal blocks".into(),
            ));
        }
    }
    Ok(())
}

/// For a block held as an orphan, the oldest missing ancestor of its
/// detached branch; otherwise the block itself.
fn missing_root(n: &mut Node, hash: BlockHash) -> BlockHash {
    // Forget orphans the chain no longer holds (adopted or evicted).
    let chain = &n.chain;
    n.orphan_parents.retain(|h, _| chain.is_orphan(h));
    let mut cur = hash;
    for _ in 0..n.orphan_parents.len() {
        match n.orphan_parents.get(&cur) {
            Some(parent) => cur = *parent,
            None => break,
        }
    }
    cur
}

fn parse_recipient(to: &str) -> Result<Address, ActionError> {
    if to.len() == 40
        && let Ok(a) = Address::from_hex(to)
    {
        return Ok(a);
    }
    if to.is_empty() {
        return Err(ActionError::BadRecipient(to.to_owned()));
    }
    Ok(Keypair::from_name(to).address())
}
