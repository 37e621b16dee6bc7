//! Objectives: a small, typed set of predicates over the world and the
//! student's action log, with `all`, `any` and `not`.
//!
//! In a lesson file a predicate is one key naming it, with its settings:
//! `balance = { account = "bob", at_least = 10 }`,
//! `all = [{ reorg = {} }, { tips_agree = { min_height = 3 } }]`.
//! Every setting is checked when the lesson is loaded (unknown fields,
//! nodes and accounts are named); evaluation itself never fails: a
//! predicate about something that does not exist is simply false.
//!
//! Predicates about things that happen (`reorg`, `tx_rejected`, `mined`,
//! `partitioned`, ...) look only at events since the lesson started, so a
//! scenario's or a setup's past never counts for the student.

use std::collections::BTreeSet;

use sandbox_chain::keys::{Address, Keypair, PublicKey};
use sandbox_chain::world::{Action, Behaviour, NodeId, TxRejectKind, World, WorldEvent};
use serde::{Deserialize, Serialize};

use crate::action::{BlockCheck, LessonAction, ToolAction, ToolOutput};

/// How deeply `all`/`any`/`not` may nest.
pub const MAX_DEPTH: usize = 8;

/// How many recent hashes the `avalanche` predicate compares.
pub const AVALANCHE_WINDOW: usize = 16;

/// Why a node refused a transaction, as objectives name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// Another transaction with the same sender and nonce (not the same
    /// transaction) came first.
    DoubleSpend,
    /// The very same signed transaction was sent again.
    Replay,
    /// The signature does not match the sender's key.
    BadSignature,
    /// The sender cannot pay amount plus fee.
    InsufficientFunds,
    /// The nonce skips ahead of the sender's next one.
    NonceAhead,
    /// Signed for another chain.
    WrongChain,
    /// Zero amount, long memo, overflow.
    Malformed,
    /// The mempool is full.
    PoolFull,
}

/// One predicate. See `docs/lessons.md` for each with an example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Predicate {
    /// Every one holds.
    All(Vec<Predicate>),
    /// At least one holds.
    Any(Vec<Predicate>),
    /// It does not hold.
    Not(Box<Predicate>),
    /// An account's balance on a node's canonical chain compares.
    Balance {
        /// A key name (or a 40-digit hex address).
        account: String,
        /// Whose ledger; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// Balance ≥ this.
        #[serde(default)]
        at_least: Option<u64>,
        /// Balance ≤ this.
        #[serde(default)]
        at_most: Option<u64>,
        /// Balance = this.
        #[serde(default)]
        equals: Option<u64>,
    },
    /// A node's canonical chain is at least this high.
    Height {
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// The height.
        at_least: u64,
    },
    /// Blocks produced by a node (since the lesson began) are on a
    /// node's canonical chain.
    Mined {
        /// The producer; default the student's node.
        #[serde(default)]
        by: Option<u32>,
        /// How many blocks, at least.
        #[serde(default = "one")]
        count: u64,
        /// Whose canonical chain; default the producer's.
        #[serde(default)]
        canonical_on: Option<u32>,
    },
    /// A transfer is on a node's canonical chain.
    TxConfirmed {
        /// Sender's key name or address; default any.
        #[serde(default)]
        from: Option<String>,
        /// Recipient's key name or address; default any.
        #[serde(default)]
        to: Option<String>,
        /// Amount ≥ this; default any.
        #[serde(default)]
        at_least: Option<u64>,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// Blocks on top of it, its own included (1: it is in a block).
        #[serde(default = "one")]
        confirmations: u64,
    },
    /// A node refused a transaction (since the lesson began).
    TxRejected {
        /// For this reason; default any.
        #[serde(default)]
        reason: Option<RejectReason>,
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// At least two of the nodes have different tips.
    TipsDiffer {
        /// Among these nodes; default every node that is not silent.
        #[serde(default)]
        nodes: Option<Vec<u32>>,
    },
    /// The nodes have the same tip, at least this high.
    TipsAgree {
        /// These nodes; default every node that is not silent.
        #[serde(default)]
        nodes: Option<Vec<u32>>,
        /// The shared tip's height, at least.
        #[serde(default)]
        min_height: u64,
    },
    /// A node's canonical chain switched branches (since the lesson began).
    Reorg {
        /// Blocks taken off, at least.
        #[serde(default = "one_usize")]
        min_depth: usize,
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A BFT engine finalised a block at this height or above.
    Finalized {
        /// The height.
        height: u64,
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A block on a node's canonical chain has a hash with this many
    /// leading zero bits or more.
    BlockZeroBits {
        /// The bits.
        bits: u32,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// The network was partitioned (since the lesson began), and if
    /// `healed`, healed after that.
    Partitioned {
        /// Require a heal after the partition.
        #[serde(default)]
        healed: bool,
    },
    /// A node's wallet holds a key.
    WalletHas {
        /// The key's name.
        key: String,
        /// Whose wallet; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A node's mempool size compares.
    Mempool {
        /// Whose mempool; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// Pending transactions ≥ this.
        #[serde(default)]
        at_least: Option<u64>,
        /// Pending transactions ≤ this.
        #[serde(default)]
        at_most: Option<u64>,
    },
    /// The student hashed text (with the hash tool).
    Hashed {
        /// How many hashes, at least.
        #[serde(default = "one")]
        count: u64,
        /// Only hashes with this many leading zero bits or more count.
        #[serde(default)]
        zero_bits: u32,
        /// Only hashes of exactly this text count.
        #[serde(default)]
        input: Option<String>,
    },
    /// Among the student's recent hashes, two inputs one character apart
    /// (one changed, added or removed) have digests differing in at least
    /// `bits` of 256 bits.
    Avalanche {
        /// Differing bits, at least.
        bits: u32,
    },
    /// The student signed a message.
    Signed {
        /// With this key; default any.
        #[serde(default)]
        key: Option<String>,
        /// How many signatures, at least.
        #[serde(default = "one")]
        count: u64,
    },
    /// The student checked a signature and it came out `valid` (or not).
    Verified {
        /// The result wanted.
        valid: bool,
        /// Against this key; default any.
        #[serde(default)]
        key: Option<String>,
        /// The signature was one the student made, checked against another
        /// message or key than it signed (a forgery attempt).
        #[serde(default)]
        tampered: bool,
    },
    /// The difficulty of the tip block of a node's chain, as the expected
    /// number of hashes to find a block (`2^bits` for a target of `bits`
    /// leading zero bits), compares.
    Difficulty {
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// Expected hashes per block ≥ this.
        #[serde(default)]
        at_least: Option<u64>,
        /// Expected hashes per block ≤ this.
        #[serde(default)]
        at_most: Option<u64>,
    },
    /// A node stores blocks that are not on its canonical chain (stale
    /// blocks of side branches: evidence of a fork it saw).
    StaleBlocks {
        /// Whose block tree; default the student's node.
        #[serde(default)]
        node: Option<u32>,
        /// How many, at least.
        #[serde(default = "one")]
        at_least: u64,
    },
    /// A node's mempool took a transaction in place of a pending one
    /// (since the lesson began): replace-by-fee, or in a full pool the
    /// eviction of a cheaper transfer.
    TxReplaced {
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// The student edited a copy of a block (`edit_block`) and the copy
    /// fails every check in `breaks` and passes every check in `intact`.
    BlockEdited {
        /// Checks the copy must fail.
        #[serde(default)]
        breaks: Vec<BlockCheck>,
        /// Checks the copy must pass.
        #[serde(default)]
        intact: Vec<BlockCheck>,
    },
    /// The student checked a Merkle proof as a light client
    /// (`check_inclusion`) and it came out `valid` (or not), in a block of
    /// at least `min_leaves` transactions.
    Inclusion {
        /// The result wanted.
        valid: bool,
        /// Transactions in the block, at least.
        #[serde(default)]
        min_leaves: u32,
    },
}

fn one() -> u64 {
    1
}

fn one_usize() -> usize {
    1
}

/// Every predicate's name, in the order the documentation lists them.
pub const PREDICATE_NAMES: &[&str] = &[
    "all",
    "any",
    "not",
    "balance",
    "height",
    "mined",
    "tx_confirmed",
    "tx_rejected",
    "tips_differ",
    "tips_agree",
    "reorg",
    "finalized",
    "block_zero_bits",
    "partitioned",
    "wallet_has",
    "mempool",
    "hashed",
    "avalanche",
    "signed",
    "verified",
    "difficulty",
    "stale_blocks",
    "tx_replaced",
    "block_edited",
    "inclusion",
];

/// One entry of a lesson's action log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// What the student did.
    pub action: LessonAction,
    /// Why it was refused, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// What a tool action computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<ToolOutput>,
}

/// What a predicate is evaluated over.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    /// The world.
    pub world: &'a World,
    /// The student's node.
    pub student: NodeId,
    /// The first event of the lesson (events before it are the setup's).
    pub events_from: usize,
    /// The first entry of the world's action history made by the student.
    pub history_from: usize,
    /// The student's actions.
    pub log: &'a [LogEntry],
}

/// A key name or a 40-digit hex address.
pub fn resolve_account(name: &str) -> Address {
    if name.len() == 40
        && let Ok(a) = Address::from_hex(name)
    {
        return a;
    }
    Keypair::from_name(name).address()
}

fn resolve_public(key: &str) -> Option<PublicKey> {
    if key.len() == 64
        && let Ok(p) = PublicKey::from_hex(key)
    {
        return Some(p);
    }
    if key.is_empty() {
        return None;
    }
    Some(Keypair::from_name(key).public())
}

fn cmp(value: u64, at_least: Option<u64>, at_most: Option<u64>, equals: Option<u64>) -> bool {
    at_least.is_none_or(|n| value >= n)
        && at_most.is_none_or(|n| value <= n)
        && equals.is_none_or(|n| value == n)
}

/// Whether `a` becomes `b` by changing, adding or removing one character.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    match long.len().checked_sub(short.len()) {
        Some(0) => {
            // One substitution: the rest after the first difference matches.
            prefix < short.len()
                && short.get(prefix.saturating_add(1)..) == long.get(prefix.saturating_add(1)..)
        }
        Some(1) => short.get(prefix..) == long.get(prefix.saturating_add(1)..),
        _ => false,
    }
}

fn differing_bits(a: &[u8; 32], b: &[u8; 32]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

impl Facts<'_> {
    fn node(&self, n: Option<u32>) -> NodeId {
        n.map_or(self.student, NodeId)
    }

    fn events(&self) -> impl Iterator<Item = (usize, &WorldEvent)> {
        self.world
            .events()
            .iter()
            .enumerate()
            .skip(self.events_from)
            .map(|(i, e)| (i, &e.event))
    }

    fn live_nodes(&self, nodes: &Option<Vec<u32>>) -> Vec<NodeId> {
        match nodes {
            Some(list) => list.iter().map(|n| NodeId(*n)).collect(),
            None => self
                .world
                .node_ids()
                .filter(|n| self.world.behaviour(*n) != Some(Behaviour::Silent))
                .collect(),
        }
    }

    fn is_replay(&self, event_index: usize, txid: &sandbox_chain::hash::TxId) -> bool {
        let accepted_before = self
            .world
            .events()
            .iter()
            .take(event_index)
            .any(|e| matches!(&e.event, WorldEvent::TxAccepted { txid: t, .. } if t == txid));
        accepted_before
            || self.world.node_ids().any(|n| {
                self.world
                    .chain(n)
                    .is_some_and(|c| c.find_tx(txid).is_some())
            })
    }

    /// Whether `node`'s wallet holds the key `key` (from the start or
    /// made by an accepted `create_key`).
    pub fn wallet_has_key(&self, node: NodeId, key: &str) -> bool {
        let at_start = self
            .world
            .config()
            .nodes
            .get(node.index())
            .is_some_and(|c| c.keys.iter().any(|k| k == key));
        at_start
            || self.world.history().iter().any(|r| {
                r.rejected.is_none()
                    && matches!(&r.action, Action::CreateKey { node: n, name } if *n == node && name == key)
            })
    }

    fn tools(&self) -> impl Iterator<Item = (&ToolAction, &ToolOutput)> {
        self.log
            .iter()
            .filter_map(|e| match (&e.action, &e.output) {
                (LessonAction::Tool(t), Some(o)) if e.refused.is_none() => Some((t, o)),
                _ => None,
            })
    }
}

impl Predicate {
    /// Whether the predicate holds. Never fails: anything missing (a node,
    /// a block) makes it false.
    pub fn holds(&self, f: &Facts<'_>) -> bool {
        let w = f.world;
        match self {
            Predicate::All(ps) => ps.iter().all(|p| p.holds(f)),
            Predicate::Any(ps) => ps.iter().any(|p| p.holds(f)),
            Predicate::Not(p) => !p.holds(f),
            Predicate::Balance {
                account,
                node,
                at_least,
                at_most,
                equals,
            } => w.chain(f.node(*node)).is_some_and(|c| {
                let b = c.ledger().balance(&resolve_account(account)).get();
                cmp(b, *at_least, *at_most, *equals)
            }),
            Predicate::Height { node, at_least } => w
                .chain(f.node(*node))
                .is_some_and(|c| c.height() >= *at_least),
            Predicate::Mined {
                by,
                count,
                canonical_on,
            } => {
                let by = f.node(*by);
                let on = canonical_on.map_or(by, NodeId);
                let Some(chain) = w.chain(on) else {
                    return false;
                };
                let blocks: BTreeSet<_> = f
                    .events()
                    .filter_map(|(_, e)| match e {
                        WorldEvent::BlockProduced { node, hash, .. }
                            if *node == by && chain.is_canonical(hash) =>
                        {
                            Some(*hash)
                        }
                        _ => None,
                    })
                    .collect();
                blocks.len() as u64 >= *count
            }
            Predicate::TxConfirmed {
                from,
                to,
                at_least,
                node,
                confirmations,
            } => {
                let Some(chain) = w.chain(f.node(*node)) else {
                    return false;
                };
                let from = from.as_deref().map(resolve_account);
                let to = to.as_deref().map(resolve_account);
                let tip = chain.height();
                chain.canonical_blocks().iter().any(|b| {
                    let confs = tip.saturating_sub(b.height()).saturating_add(1);
                    confs >= *confirmations
                        && b.txs.iter().filter_map(|t| t.as_transfer()).any(|t| {
                            from.is_none_or(|a| t.transfer.from.address() == a)
                                && to.is_none_or(|a| t.transfer.to == a)
                                && at_least.is_none_or(|n| t.transfer.amount.get() >= n)
                        })
                })
            }
            Predicate::TxRejected { reason, node } => f.events().any(|(i, e)| match e {
                WorldEvent::TxRejected {
                    node: n,
                    txid,
                    reject,
                    ..
                } => {
                    node.is_none_or(|want| NodeId(want) == *n)
                        && reason.is_none_or(|r| {
                            let replay =
                                *reject == TxRejectKind::DoubleSpend && f.is_replay(i, txid);
                            match r {
                                RejectReason::Replay => replay,
                                RejectReason::DoubleSpend => {
                                    *reject == TxRejectKind::DoubleSpend && !replay
                                }
                                RejectReason::BadSignature => *reject == TxRejectKind::BadSignature,
                                RejectReason::InsufficientFunds => {
                                    *reject == TxRejectKind::InsufficientFunds
                                }
                                RejectReason::NonceAhead => *reject == TxRejectKind::NonceAhead,
                                RejectReason::WrongChain => *reject == TxRejectKind::WrongChain,
                                RejectReason::Malformed => *reject == TxRejectKind::Malformed,
                                RejectReason::PoolFull => *reject == TxRejectKind::PoolFull,
                            }
                        })
                }
                _ => false,
            }),
            Predicate::TipsDiffer { nodes } => {
                let tips: BTreeSet<_> = f
                    .live_nodes(nodes)
                    .into_iter()
                    .filter_map(|n| w.chain(n).map(|c| c.tip()))
                    .collect();
                tips.len() >= 2
            }
            Predicate::TipsAgree { nodes, min_height } => {
                let nodes = f.live_nodes(nodes);
                let chains: Option<Vec<_>> = nodes.iter().map(|n| w.chain(*n)).collect();
                let Some(chains) = chains else {
                    return false;
                };
                let tips: BTreeSet<_> = chains.iter().map(|c| c.tip()).collect();
                tips.len() == 1 && chains.iter().all(|c| c.height() >= *min_height)
            }
            Predicate::Reorg { min_depth, node } => f.events().any(|(_, e)| {
                matches!(e, WorldEvent::Reorg { node: n, depth, .. }
                    if *depth >= *min_depth && node.is_none_or(|want| NodeId(want) == *n))
            }),
            Predicate::Finalized { height, node } => f.events().any(|(_, e)| {
                matches!(e, WorldEvent::Finalized { node: n, height: h, .. }
                    if *h >= *height && node.is_none_or(|want| NodeId(want) == *n))
            }),
            Predicate::BlockZeroBits { bits, node } => w.chain(f.node(*node)).is_some_and(|c| {
                c.canonical_chain()
                    .iter()
                    .skip(1)
                    .any(|h| h.hash().leading_zero_bits() >= *bits)
            }),
            Predicate::Partitioned { healed } => {
                let first = f
                    .events()
                    .find(|(_, e)| matches!(e, WorldEvent::Partitioned { .. }))
                    .map(|(i, _)| i);
                match first {
                    None => false,
                    Some(_) if !healed => true,
                    Some(p) => f
                        .events()
                        .any(|(i, e)| i > p && matches!(e, WorldEvent::Healed)),
                }
            }
            Predicate::WalletHas { key, node } => f.wallet_has_key(f.node(*node), key),
            Predicate::Mempool {
                node,
                at_least,
                at_most,
            } => w
                .mempool(f.node(*node))
                .is_some_and(|m| cmp(m.len() as u64, *at_least, *at_most, None)),
            Predicate::Hashed {
                count,
                zero_bits,
                input,
            } => {
                let n = f
                    .tools()
                    .filter(|(t, o)| match (t, o) {
                        (ToolAction::Hash { input: i }, ToolOutput::Hash { zero_bits: z, .. }) => {
                            z >= zero_bits && input.as_ref().is_none_or(|want| want == i)
                        }
                        _ => false,
                    })
                    .count();
                n as u64 >= *count
            }
            Predicate::Avalanche { bits } => {
                let hashes: Vec<(&str, &[u8; 32])> = f
                    .tools()
                    .filter_map(|(t, o)| match (t, o) {
                        (ToolAction::Hash { input }, ToolOutput::Hash { digest, .. }) => {
                            Some((input.as_str(), &digest.0))
                        }
                        _ => None,
                    })
                    .collect();
                let recent = hashes
                    .get(hashes.len().saturating_sub(AVALANCHE_WINDOW)..)
                    .unwrap_or(&[]);
                recent.iter().enumerate().any(|(i, (a, da))| {
                    recent
                        .iter()
                        .skip(i.saturating_add(1))
                        .any(|(b, db)| one_edit_apart(a, b) && differing_bits(da, db) >= *bits)
                })
            }
            Predicate::Signed { key, count } => {
                let n = f
                    .tools()
                    .filter(|(t, _)| {
                        matches!(t, ToolAction::Sign { key: k, .. }
                            if key.as_ref().is_none_or(|want| want == k))
                    })
                    .count();
                n as u64 >= *count
            }
            Predicate::Difficulty {
                node,
                at_least,
                at_most,
            } => w.chain(f.node(*node)).is_some_and(|c| {
                let work = c.tip_block().header.target.work();
                let work = u64::try_from(work).unwrap_or(u64::MAX);
                cmp(work, *at_least, *at_most, None)
            }),
            Predicate::StaleBlocks { node, at_least } => w.chain(f.node(*node)).is_some_and(|c| {
                let stale = c.blocks().iter().filter(|b| !b.canonical).count();
                stale as u64 >= *at_least
            }),
            Predicate::TxReplaced { node } => {
                // A pool logs an admission that evicts a pending transfer
                // as `tx_accepted` immediately followed by `tx_dropped` of
                // another transaction on the same node, at the same time.
                let events = w.events().iter().skip(f.events_from);
                let next = w.events().iter().skip(f.events_from.saturating_add(1));
                events
                    .zip(next)
                    .any(|(first, second)| match (&first.event, &second.event) {
                        (
                            WorldEvent::TxAccepted {
                                node: a, txid: new, ..
                            },
                            WorldEvent::TxDropped {
                                node: b, txid: old, ..
                            },
                        ) => {
                            a == b
                                && new != old
                                && first.at_ms == second.at_ms
                                && node.is_none_or(|want| NodeId(want) == *a)
                        }
                        _ => false,
                    })
            }
            Predicate::BlockEdited { breaks, intact } => f.tools().any(|(_, o)| match o {
                ToolOutput::BlockEdit { broken, .. } => {
                    breaks.iter().all(|c| broken.contains(c))
                        && intact.iter().all(|c| !broken.contains(c))
                }
                _ => false,
            }),
            Predicate::Inclusion { valid, min_leaves } => f.tools().any(|(_, o)| {
                matches!(o, ToolOutput::Inclusion { valid: v, leaves, .. }
                    if v == valid && leaves >= min_leaves)
            }),
            Predicate::Verified {
                valid,
                key,
                tampered,
            } => {
                let signed: Vec<(Option<PublicKey>, &str, &str)> = f
                    .tools()
                    .filter_map(|(t, o)| match (t, o) {
                        (
                            ToolAction::Sign { key, message },
                            ToolOutput::Signature { signature },
                        ) => Some((resolve_public(key), message.as_str(), signature.as_str())),
                        _ => None,
                    })
                    .collect();
                let want_key = key.as_deref().and_then(resolve_public);
                f.tools().any(|(t, o)| match (t, o) {
                    (
                        ToolAction::Verify {
                            key: k,
                            message,
                            signature,
                        },
                        ToolOutput::Verified { valid: v },
                    ) => {
                        let pk = resolve_public(k);
                        let forged = signed.iter().any(|(sk, m, s)| {
                            s.eq_ignore_ascii_case(signature) && (*sk != pk || m != message)
                        });
                        v == valid
                            && want_key.is_none_or(|w| pk == Some(w))
                            && (!*tampered || forged)
                    }
                    _ => false,
                })
            }
        }
    }

    /// Checks the settings against a lesson: nodes exist, accounts are
    /// known, comparisons compare something, nesting is bounded. Returns
    /// every problem, in words.
    pub fn validate(&self, nodes: u32, known: &BTreeSet<String>) -> Vec<String> {
        let mut out = Vec::new();
        self.validate_into(nodes, known, 1, &mut out);
        out
    }

    fn validate_into(
        &self,
        nodes: u32,
        known: &BTreeSet<String>,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        if depth > MAX_DEPTH {
            out.push(format!(
                "`all`/`any`/`not` nest deeper than {MAX_DEPTH} levels"
            ));
            return;
        }
        let node = |n: &Option<u32>, what: &str, out: &mut Vec<String>| {
            if let Some(n) = n
                && *n >= nodes
            {
                out.push(format!(
                    "`{what}`: there is no node {n}: this lesson's world has nodes 0 to {}",
                    nodes.saturating_sub(1)
                ));
            }
        };
        let account = |a: &str, what: &str, out: &mut Vec<String>| {
            let is_address = a.len() == 40 && Address::from_hex(a).is_ok();
            if !is_address && !known.contains(a) {
                out.push(format!(
                    "`{what}`: unknown account \"{a}\" (this lesson knows: {}; declare others in `world.accounts`)",
                    known.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        };
        match self {
            Predicate::All(ps) | Predicate::Any(ps) => {
                if ps.is_empty() {
                    out.push("`all`/`any` needs at least one predicate".to_owned());
                }
                for p in ps {
                    p.validate_into(nodes, known, depth.saturating_add(1), out);
                }
            }
            Predicate::Not(p) => p.validate_into(nodes, known, depth.saturating_add(1), out),
            Predicate::Balance {
                account: a,
                node: n,
                at_least,
                at_most,
                equals,
            } => {
                account(a, "balance.account", out);
                node(n, "balance.node", out);
                if at_least.is_none() && at_most.is_none() && equals.is_none() {
                    out.push("`balance` needs `at_least`, `at_most` or `equals`".to_owned());
                }
            }
            Predicate::Height { node: n, .. } => node(n, "height.node", out),
            Predicate::Mined {
                by, canonical_on, ..
            } => {
                node(by, "mined.by", out);
                node(canonical_on, "mined.canonical_on", out);
            }
            Predicate::TxConfirmed {
                from, to, node: n, ..
            } => {
                if let Some(a) = from {
                    account(a, "tx_confirmed.from", out);
                }
                if let Some(a) = to {
                    account(a, "tx_confirmed.to", out);
                }
                node(n, "tx_confirmed.node", out);
            }
            Predicate::TxRejected { node: n, .. } => node(n, "tx_rejected.node", out),
            Predicate::TipsDiffer { nodes: ns } | Predicate::TipsAgree { nodes: ns, .. } => {
                for n in ns.iter().flatten() {
                    node(&Some(*n), "nodes", out);
                }
                if ns.as_ref().is_some_and(|ns| ns.len() < 2) {
                    out.push("`nodes` must list at least two nodes".to_owned());
                }
            }
            Predicate::Reorg { node: n, .. } => node(n, "reorg.node", out),
            Predicate::Finalized { node: n, .. } => node(n, "finalized.node", out),
            Predicate::BlockZeroBits { bits, node: n } => {
                node(n, "block_zero_bits.node", out);
                if *bits > 256 {
                    out.push("`block_zero_bits.bits` is at most 256".to_owned());
                }
            }
            Predicate::Partitioned { .. } => {}
            Predicate::WalletHas { key, node: n } => {
                account(key, "wallet_has.key", out);
                node(n, "wallet_has.node", out);
            }
            Predicate::Mempool {
                node: n,
                at_least,
                at_most,
            } => {
                node(n, "mempool.node", out);
                if at_least.is_none() && at_most.is_none() {
                    out.push("`mempool` needs `at_least` or `at_most`".to_owned());
                }
            }
            Predicate::Hashed { zero_bits, .. } => {
                if *zero_bits > 256 {
                    out.push("`hashed.zero_bits` is at most 256".to_owned());
                }
            }
            Predicate::Avalanche { bits } => {
                if *bits > 256 {
                    out.push("`avalanche.bits` is at most 256".to_owned());
                }
            }
            Predicate::Signed { key, .. } => {
                if let Some(k) = key {
                    account(k, "signed.key", out);
                }
            }
            Predicate::Difficulty {
                node: n,
                at_least,
                at_most,
            } => {
                node(n, "difficulty.node", out);
                if at_least.is_none() && at_most.is_none() {
                    out.push("`difficulty` needs `at_least` or `at_most`".to_owned());
                }
            }
            Predicate::TxReplaced { node: n } => node(n, "tx_replaced.node", out),
            Predicate::StaleBlocks { node: n, .. } => node(n, "stale_blocks.node", out),
            Predicate::BlockEdited { breaks, intact } => {
                if breaks.is_empty() && intact.is_empty() {
                    out.push("`block_edited` needs `breaks` or `intact`".to_owned());
                }
                if let Some(c) = breaks.iter().find(|c| intact.contains(c)) {
                    out.push(format!(
                        "`block_edited`: {c:?} is in both `breaks` and `intact`, so it can never hold"
                    ));
                }
            }
            Predicate::Inclusion { .. } => {}
            Predicate::Verified { key, .. } => {
                if let Some(k) = key
                    && !(k.len() == 64 && PublicKey::from_hex(k).is_ok())
                {
                    account(k, "verified.key", out);
                }
            }
        }
    }

    /// The predicate's name, as written in lessons.
    pub fn name(&self) -> &'static str {
        match self {
            Predicate::All(_) => "all",
            Predicate::Any(_) => "any",
            Predicate::Not(_) => "not",
            Predicate::Balance { .. } => "balance",
            Predicate::Height { .. } => "height",
            Predicate::Mined { .. } => "mined",
            Predicate::TxConfirmed { .. } => "tx_confirmed",
            Predicate::TxRejected { .. } => "tx_rejected",
            Predicate::TipsDiffer { .. } => "tips_differ",
            Predicate::TipsAgree { .. } => "tips_agree",
            Predicate::Reorg { .. } => "reorg",
            Predicate::Finalized { .. } => "finalized",
            Predicate::BlockZeroBits { .. } => "block_zero_bits",
            Predicate::Partitioned { .. } => "partitioned",
            Predicate::WalletHas { .. } => "wallet_has",
            Predicate::Mempool { .. } => "mempool",
            Predicate::Hashed { .. } => "hashed",
            Predicate::Avalanche { .. } => "avalanche",
            Predicate::Signed { .. } => "signed",
            Predicate::Verified { .. } => "verified",
            Predicate::Difficulty { .. } => "difficulty",
            Predicate::TxReplaced { .. } => "tx_replaced",
            Predicate::StaleBlocks { .. } => "stale_blocks",
            Predicate::BlockEdited { .. } => "block_edited",
            Predicate::Inclusion { .. } => "inclusion",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(one_edit_apart("hello", "hellp"));
        assert!(one_edit_apart("hello", "hell"));
        assert!(one_edit_apart("hell", "hello"));
        assert!(one_edit_apart("ab", "xab"));
        assert!(!one_edit_apart("hello", "hello"));
        assert!(!one_edit_apart("hello", "hxllp"));
        assert!(!one_edit_apart("ab", "ba"));
        assert!(one_edit_apart("", "a"));
        assert!(!one_edit_apart("", ""));
    }

    #[test]
    fn predicate_names_match_the_enum() {
        // Each name parses as the predicate of that name (with settings
        // that satisfy its required fields).
        for name in PREDICATE_NAMES {
            let body = match *name {
                "all" | "any" => "[{ partitioned = {} }]".to_owned(),
                "not" => "{ partitioned = {} }".to_owned(),
                "balance" => "{ account = \"a\", at_least = 1 }".to_owned(),
                "height" => "{ at_least = 1 }".to_owned(),
                "finalized" => "{ height = 1 }".to_owned(),
                "block_zero_bits" | "avalanche" => "{ bits = 1 }".to_owned(),
                "wallet_has" => "{ key = \"a\" }".to_owned(),
                "verified" | "inclusion" => "{ valid = true }".to_owned(),
                "difficulty" => "{ at_least = 1 }".to_owned(),
                "block_edited" => "{ breaks = [\"link\"] }".to_owned(),
                _ => "{}".to_owned(),
            };
            let p: Predicate = toml::from_str(&format!("{name} = {body}")).unwrap();
            assert_eq!(p.name(), *name);
        }
    }
}
