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
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// A node's canonical chain as a row of linked blocks.
    Chain {
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// Show each block's ledger changes.
        #[serde(default)]
        show_ledger: bool,
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
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
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// A node's mempool, in fee order.
    Mempool {
        /// Whose mempool; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// Nodes, links and messages in flight; partition and heal controls.
    Network {
        /// Draw messages in flight.
        #[serde(default = "yes")]
        show_messages: bool,
        /// Offer the partition, heal and link controls.
        #[serde(default)]
        controls: bool,
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// A node's whole block tree, side branches included.
    Blocktree {
        /// Whose tree; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// The event log.
    Events {
        /// Show only events of these kinds (`block_produced`, `reorg`, ...);
        /// empty: all.
        #[serde(default)]
        kinds: Vec<String>,
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// BFT rounds: proposals, votes, quorums, finality.
    Bft {
        /// Whose view of the rounds; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// A smart contract's source, storage, balance and receipts, as a
    /// node's canonical chain holds it.
    Contract {
        /// Which contract: `<key name>/<nonce>` (the contract that key
        /// deployed with that nonce, e.g. `alice/0`) or its 40-digit hex
        /// address; empty: every contract on the chain.
        #[serde(default)]
        name: String,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// With connected chains: which chain; default the student's.
        #[serde(default)]
        chain: Option<usize>,
    },
    /// Two connected chains side by side, the bridge between them (its
    /// vault, the light client's view of the source, wrapped coins) and the
    /// relayers that carry headers and lock proofs.
    Bridge {
        /// The source chain (where coins are locked).
        #[serde(default)]
        from: usize,
        /// The destination chain (where wrapped coins are minted).
        #[serde(default = "one")]
        to: usize,
        /// Offer the relayers' start and stop controls.
        #[serde(default)]
        controls: bool,
    },
}

fn one() -> usize {
    1
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
            View::Bridge { .. } => "bridge",
        }
    }

    /// The node a view is about, if its settings name one.
    pub fn node(&self) -> Option<u32> {
        match self {
            View::Block { node, .. }
            | View::Chain { node, .. }
            | View::Wallet { node, .. }
            | View::Mempool { node, .. }
            | View::Blocktree { node, .. }
            | View::Bft { node, .. }
            | View::Contract { node, .. } => *node,
            _ => None,
        }
    }

    /// The connected chain a view draws, if its settings name one
    /// (`None`: the student's chain; the web app reads
    /// `Session::world_of(view.chain())`).
    pub fn chain(&self) -> Option<usize> {
        match self {
            View::Block { chain, .. }
            | View::Chain { chain, .. }
            | View::Wallet { chain, .. }
            | View::Mempool { chain, .. }
            | View::Network { chain, .. }
            | View::Blocktree { chain, .. }
            | View::Events { chain, .. }
            | View::Bft { chain, .. }
            | View::Contract { chain, .. } => *chain,
            _ => None,
        }
    }

    /// Checks the settings against a lesson's world: `nodes` on the
    /// student's chain, `chains` the node counts of connected chains
    /// (empty: one chain). Returns every problem, in words.
    pub fn validate(&self, nodes: u32, chains: &[u32]) -> Vec<String> {
        let mut out = Vec::new();
        let name = self.name();
        let connected = |what: &str, out: &mut Vec<String>| {
            if chains.is_empty() {
                out.push(format!(
                    "view `{name}`: `{what}` names one of connected chains, but this lesson has one chain"
                ));
                false
            } else {
                true
            }
        };
        let exists = |c: usize, what: &str, out: &mut Vec<String>| {
            if c >= chains.len() {
                out.push(format!(
                    "view `{name}`: there is no chain {c} (`{what}`; chains 0 to {})",
                    chains.len().saturating_sub(1)
                ));
            }
        };
        let mut count = nodes;
        let mut on = None;
        if let Some(c) = self.chain()
            && connected("chain", &mut out)
        {
            exists(c, "chain", &mut out);
            count = chains.get(c).copied().unwrap_or(0);
            on = Some(c);
        }
        if let Some(n) = self.node()
            && n >= count
            && (on.is_none() || count > 0)
        {
            out.push(format!(
                "view `{name}`: there is no node {n} ({}nodes 0 to {})",
                on.map_or(String::new(), |c| format!("chain {c} has ")),
                count.saturating_sub(1)
            ));
        }
        if let View::Contract { name: c, .. } = self
            && !c.is_empty()
            && let Err(e) = sandbox_chain::world::contract_ref(c)
        {
            out.push(format!("view `contract`: {e}"));
        }
        if let View::Bridge { from, to, .. } = self {
            if chains.is_empty() {
                out.push(
                    "view `bridge` draws connected chains, but this lesson has one chain"
                        .to_owned(),
                );
                return out;
            }
            exists(*from, "from", &mut out);
            exists(*to, "to", &mut out);
            if from == to {
                out.push(
                    "view `bridge`: `from` and `to` are the same chain; a bridge joins two"
                        .to_owned(),
                );
            }
        }
        out
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

    fn v(text: &str) -> View {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn chains_and_nodes_of_views_are_checked() {
        let bridge = v("view = \"bridge\"");
        assert_eq!(
            bridge,
            View::Bridge {
                from: 0,
                to: 1,
                controls: false
            }
        );
        assert!(bridge.validate(2, &[])[0].contains("draws connected chains"));
        assert!(bridge.validate(2, &[2, 3]).is_empty());
        assert!(v("view = \"bridge\"\nto = 0").validate(2, &[2, 3])[0].contains("same chain"));
        assert!(v("view = \"bridge\"\nto = 2").validate(2, &[2, 3])[0].contains("no chain 2"));
        let wallet = v("view = \"wallet\"\nnode = 3\nchain = 1");
        assert_eq!((wallet.node(), wallet.chain()), (Some(3), Some(1)));
        assert!(
            wallet.validate(2, &[2, 4]).is_empty(),
            "chain 1 has 4 nodes"
        );
        assert!(wallet.validate(2, &[2, 3])[0].contains("chain 1 has nodes 0 to 2"));
        assert!(wallet.validate(4, &[])[0].contains("this lesson has one chain"));
        assert!(v("view = \"wallet\"\nnode = 3").validate(2, &[])[0].contains("nodes 0 to 1"));
        assert!(v("view = \"events\"\nchain = 5").validate(2, &[2, 2])[0].contains("no chain 5"));
        assert!(
            v("view = \"contract\"\nname = \"alice\"").validate(2, &[])[0]
                .contains("not a contract")
        );
        assert!(
            v("view = \"contract\"\nname = \"alice/0\"")
                .validate(2, &[])
                .is_empty()
        );
        assert_eq!(v("view = \"hash\"").chain(), None);
    }
}
