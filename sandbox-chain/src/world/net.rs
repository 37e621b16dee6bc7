//! The simulated network: who is linked to whom, how slow and lossy each
//! link is, and which links a partition or a cut has taken down.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use serde::{Deserialize, Serialize};

use crate::block::Block;
use crate::hash::BlockHash;
use crate::identity::SignedGovernance;
use crate::tx::Transaction;

use super::engine::{EngineMsg, NodeId};

/// How fast and reliable a link is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    /// Base one-way delay in milliseconds (at least 1 is used).
    pub latency_ms: u64,
    /// Extra delay drawn uniformly from `0..=jitter_ms` per message.
    #[serde(default)]
    pub jitter_ms: u64,
    /// Messages lost, per thousand (0 = none, 1000 = all).
    #[serde(default)]
    pub loss_permille: u16,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            latency_ms: 50,
            jitter_ms: 20,
            loss_permille: 0,
        }
    }
}

/// Which nodes are neighbours (gossip goes to neighbours only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Topology {
    /// Every node is linked to every other.
    #[default]
    FullMesh,
    /// Node i is linked to i-1 and i+1 (and the last to the first).
    Ring,
    /// A ring plus random links drawn from the seed until each node has
    /// about `degree` neighbours: always connected, O(n·degree) links.
    Random {
        /// The wanted number of neighbours per node.
        degree: u32,
    },
    /// Exactly these links (both directions).
    Links {
        /// Pairs of linked nodes.
        links: Vec<(NodeId, NodeId)>,
    },
}

/// The network part of a world's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Every link's speed and loss unless overridden.
    #[serde(default)]
    pub link: LinkConfig,
    /// Who is linked to whom.
    #[serde(default)]
    pub topology: Topology,
}

/// A message between nodes.
#[derive(Clone, Debug)]
pub enum Message {
    /// A transaction, pushed to neighbours.
    Tx(Arc<Transaction>),
    /// "I have this block."
    Inv(BlockHash),
    /// "Send me this block."
    GetBlock(BlockHash),
    /// A block, shared between all nodes that hold it.
    Block(Arc<Block>),
    /// A consensus engine's message.
    Engine(EngineMsg),
    /// A governance proposal with the approvals its sender holds.
    Governance(Arc<SignedGovernance>),
    /// Pending transactions, in an order that admits them (each sender's in
    /// nonce order): a node's mempool, sent over a link that just came up,
    /// and the transactions a reorg put back into it, announced again.
    Txs(Arc<Vec<Arc<Transaction>>>),
}

impl Message {
    /// What kind of message it is, for display.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Tx(_) => "tx",
            Message::Inv(_) => "inv",
            Message::GetBlock(_) => "getblock",
            Message::Block(_) => "block",
            Message::Engine(m) => m.kind,
            Message::Governance(_) => "governance",
            Message::Txs(_) => "txs",
        }
    }

    /// A one-line description for display.
    pub fn summary(&self) -> String {
        match self {
            Message::Tx(t) => match t.as_ref() {
                Transaction::Transfer(t) => format!(
                    "{} pays {} to {}",
                    t.transfer.sender().short(),
                    t.transfer.amount,
                    t.transfer.to.short()
                ),
                Transaction::Deploy(d) => {
                    format!("{} deploys a contract", d.tx.from.address().short())
                }
                Transaction::Call(c) => format!(
                    "{} calls {}() on {}",
                    c.tx.from.address().short(),
                    c.tx.function,
                    c.tx.contract.short()
                ),
                Transaction::Relay(r) => format!(
                    "relay of {} header(s) from chain {}",
                    r.headers.len(),
                    r.source_chain
                ),
                Transaction::Coinbase(_) | Transaction::Governance(_) => {
                    format!("transaction {}", t.id().short())
                }
            },
            Message::Inv(h) => format!("have block {}", h.short()),
            Message::GetBlock(h) => format!("send block {}", h.short()),
            Message::Block(b) => format!("block {} at height {}", b.hash().short(), b.height()),
            Message::Engine(m) => format!("{} ({} bytes)", m.kind, m.payload.len()),
            Message::Governance(g) => format!(
                "governance change {} with {} approvals",
                g.governance.nonce,
                g.approvals.len()
            ),
            Message::Txs(txs) => format!("{} pending transaction(s)", txs.len()),
        }
    }
}

/// The normalised key of an undirected link.
pub(crate) fn link_key(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    if a <= b { (a, b) } else { (b, a) }
}

/// The network's state: neighbours, link overrides, partitions and cuts.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    pub(crate) default_link: LinkConfig,
    pub(crate) overrides: BTreeMap<(NodeId, NodeId), LinkConfig>,
    /// Sorted neighbour lists.
    pub(crate) peers: Vec<Vec<NodeId>>,
    /// Partition group of each node; links work only within a group.
    pub(crate) group: Vec<u32>,
    pub(crate) cut: BTreeSet<(NodeId, NodeId)>,
}

impl Network {
    pub(crate) fn new(config: &NetworkConfig, n: u32, rng: &mut ChaCha8Rng) -> Network {
        let count = n as usize;
        let mut sets: Vec<BTreeSet<NodeId>> = vec![BTreeSet::new(); count];
        let link = |a: u32, b: u32, sets: &mut Vec<BTreeSet<NodeId>>| {
            if a != b && a < n && b < n {
                if let Some(s) = sets.get_mut(a as usize) {
                    s.insert(NodeId(b));
                }
                if let Some(s) = sets.get_mut(b as usize) {
                    s.insert(NodeId(a));
                }
            }
        };
        match &config.topology {
            Topology::FullMesh => {
                for a in 0..n {
                    for b in a.saturating_add(1)..n {
                        link(a, b, &mut sets);
                    }
                }
            }
            Topology::Ring => {
                for a in 0..n {
                    link(
                        a,
                        a.saturating_add(1).checked_rem(n).unwrap_or(0),
                        &mut sets,
                    );
                }
            }
            Topology::Random { degree } => {
                for a in 0..n {
                    link(
                        a,
                        a.saturating_add(1).checked_rem(n).unwrap_or(0),
                        &mut sets,
                    );
                }
                // Each node adds links to random others until it has half
                // its degree of its own; the other half come from others.
                let extra = degree.saturating_sub(2).div_ceil(2);
                if n > 3 {
                    for a in 0..n {
                        for _ in 0..extra {
                            let b = u32::try_from(
                                rng.next_u64().checked_rem(u64::from(n)).unwrap_or(0),
                            )
                            .unwrap_or(0);
                            link(a, b, &mut sets);
                        }
                    }
                }
            }
            Topology::Links { links } => {
                for (a, b) in links {
                    link(a.0, b.0, &mut sets);
                }
            }
        }
        Network {
            default_link: config.link,
            overrides: BTreeMap::new(),
            peers: sets.into_iter().map(|s| s.into_iter().collect()).collect(),
            group: vec![0; count],
            cut: BTreeSet::new(),
        }
    }

    pub(crate) fn peers(&self, node: NodeId) -> &[NodeId] {
        self.peers.get(node.index()).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn link(&self, a: NodeId, b: NodeId) -> LinkConfig {
        self.overrides
            .get(&link_key(a, b))
            .copied()
            .unwrap_or(self.default_link)
    }

    /// Whether a message from `a` can reach `b` now: same partition group
    /// and the link not cut. (Direct sends need not follow the topology.)
    pub(crate) fn reachable(&self, a: NodeId, b: NodeId) -> bool {
        a != b
            && self.group.get(a.index()).is_some()
            && self.group.get(a.index()) == self.group.get(b.index())
            && !self.cut.contains(&link_key(a, b))
    }

    /// Every neighbour pair (a < b) that is reachable now.
    pub(crate) fn live_links(&self) -> BTreeSet<(NodeId, NodeId)> {
        let mut out = BTreeSet::new();
        for (i, peers) in self.peers.iter().enumerate() {
            let a = NodeId(u32::try_from(i).unwrap_or(u32::MAX));
            for &b in peers {
                if a < b && self.reachable(a, b) {
                    out.insert((a, b));
                }
            }
        }
        out
    }
}
