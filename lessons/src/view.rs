//! The interactive views a step can show: a fixed list shared with the web
//! app, each with typed settings.
//!
//! A lesson names a view by its `view` key and gives its settings beside
//! it: `{ view = "hash", input = "hello" }`. The web app matches on
//! [`View`] to mount a component; adding a view means adding a variant here
//! (and its component there), never a string compared somewhere else.

use serde::{Deserialize, Serialize};

/// A view and its settings. Every setting has a default, so
/// `{ view = "chain" }` is always enough.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "view", rename_all = "snake_case", deny_unknown_fields)]
pub enum View {
    /// A text box and its SHA-256, live; the student's hashes are recorded
    /// as `hash` actions.
    Hash {
        /// Text already in the box.
        #[serde(default)]
        input: String,
        /// Show the digest in bits as well as hex (for the avalanche effect).
        #[serde(default)]
        show_bits: bool,
    },
    /// Key pairs from names: secret seed, public key, address; sign and
    /// verify messages (`sign` and `verify` actions).
    Keys {
        /// Key names to show; empty: the student node's wallet.
        #[serde(default)]
        names: Vec<String>,
    },
    /// One block: header fields, hash, target, transactions.
    Block {
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// Which height of the canonical chain; default the tip.
        #[serde(default)]
        height: Option<u64>,
    },
    /// A node's canonical chain as a row of linked blocks.
    Chain {
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// Show each block's ledger changes.
        #[serde(default)]
        show_ledger: bool,
    },
    /// A Merkle tree over a block's transactions (or given leaves).
    Merkle {
        /// Leaves to start from; empty: the tip block's transactions.
        #[serde(default)]
        leaves: Vec<String>,
        /// A leaf whose inclusion proof to highlight.
        #[serde(default)]
        proof_for: Option<u32>,
    },
    /// A node's wallet: keys, balances, a form to send a transaction.
    Wallet {
        /// Whose wallet; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A node's mempool, in fee order.
    Mempool {
        /// Whose mempool; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// Nodes, links and messages in flight; partition and heal controls.
    Network {
        /// Draw messages in flight.
        #[serde(default = "yes")]
        show_messages: bool,
        /// Offer the partition, heal and link controls.
        #[serde(default)]
        controls: bool,
    },
    /// A node's whole block tree, side branches included.
    Blocktree {
        /// Whose tree; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// The event log.
    Events {
        /// Show only events of these kinds (`block_produced`, `reorg`, ...);
        /// empty: all.
        #[serde(default)]
        kinds: Vec<String>,
    },
    /// BFT rounds: proposals, votes, quorums, finality.
    Bft {
        /// Whose view of the rounds; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A smart contract's code and state (once the contracts issue lands).
    Contract {
        /// The contract's name.
        #[serde(default)]
        name: String,
    },
    /// Two chains and the bridge between them (once the contracts issue
    /// lands).
    Bridge {},
}

fn yes() -> bool {
    true
}

/// Every view's name, in the order the documentation lists them. The web
/// app has one component per name.
pub const VIEW_NAMES: &[&str] = &[
    "hash",
    "keys",
    "block",
    "chain",
    "merkle",
    "wallet",
    "mempool",
    "network",
    "blocktree",
    "events",
    "bft",
    "contract",
    "bridge",
];

impl View {
    /// The view's name, as written in lessons.
    pub fn name(&self) -> &'static str {
        match self {
            View::Hash { .. } => "hash",
            View::Keys { .. } => "keys",
            View::Block { .. } => "block",
            View::Chain { .. } => "chain",
            View::Merkle { .. } => "merkle",
            View::Wallet { .. } => "wallet",
            View::Mempool { .. } => "mempool",
            View::Network { .. } => "network",
            View::Blocktree { .. } => "blocktree",
            View::Events { .. } => "events",
            View::Bft { .. } => "bft",
            View::Contract { .. } => "contract",
            View::Bridge {} => "bridge",
        }
    }

    /// The node a view is about, if its settings name one.
    pub fn node(&self) -> Option<u32> {
        match self {
            View::Block { node, .. }
            | View::Chain { node, .. }
            | View::Wallet { node }
            | View::Mempool { node }
            | View::Blocktree { node }
            | View::Bft { node } => *node,
            _ => None,
        }
    }

    /// Key names the view's settings mention.
    pub fn accounts(&self) -> &[String] {
        match self {
            View::Keys { names } => names,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list the web app and the docs read must name every variant.
    #[test]
    fn view_names_match_the_enum() {
        for name in VIEW_NAMES {
            let json = format!("{{\"view\":\"{name}\"}}");
            let v: View = serde_json::from_str(&json).unwrap();
            assert_eq!(v.name(), *name);
        }
    }
}
