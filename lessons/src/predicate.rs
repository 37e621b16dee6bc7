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

use std::collections::{BTreeMap, BTreeSet};

use sandbox_chain::block::Seal;
use sandbox_chain::consensus::poa;
use sandbox_chain::contract::{Fault, FaultKind, Receipt, Value};
use sandbox_chain::identity::{Change, Role};
use sandbox_chain::keys::{Address, Keypair, PublicKey};
use sandbox_chain::world::islands::Islands;
use sandbox_chain::world::{
    Action, Arg, Behaviour, NodeId, Offence, TxRejectKind, World, WorldEvent, arg_value,
    contract_ref,
};
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
    /// On a permissioned chain, the sender is not a member of any
    /// organisation.
    NotAMember,
}

/// How a contract deploy or call ended, as objectives name it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// It ran to the end and its effects were kept.
    #[default]
    Ok,
    /// It stopped (any fault, running out of gas included) and everything
    /// but the fee and the nonce was reverted.
    Reverted,
    /// It ran out of gas (and was reverted).
    OutOfGas,
}

impl RunOutcome {
    fn matches(self, fault: Option<&Fault>) -> bool {
        match self {
            RunOutcome::Ok => fault.is_none(),
            RunOutcome::Reverted => fault.is_some(),
            RunOutcome::OutOfGas => matches!(
                fault,
                Some(Fault {
                    kind: FaultKind::OutOfGas { .. },
                    ..
                })
            ),
        }
    }
}

/// A kind of governance change, as objectives name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new organisation.
    AddOrganisation,
    /// A key admitted to an organisation.
    AddMember,
    /// A key removed.
    RemoveMember,
    /// A validator added.
    AddValidator,
    /// A validator removed.
    RemoveValidator,
}

impl ChangeKind {
    fn of(c: &Change) -> Self {
        match c {
            Change::AddOrganisation { .. } => ChangeKind::AddOrganisation,
            Change::AddMember { .. } => ChangeKind::AddMember,
            Change::RemoveMember { .. } => ChangeKind::RemoveMember,
            Change::AddValidator { .. } => ChangeKind::AddValidator,
            Change::RemoveValidator { .. } => ChangeKind::RemoveValidator,
        }
    }
}

/// `on_chain`: a predicate evaluated on one of the connected chains. In
/// files the chain and one predicate side by side:
/// `on_chain = { chain = 1, balance = { account = "alice", at_least = 5 } }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnChain {
    /// The chain's position (0 is the first `[[world.chains]]`).
    pub chain: usize,
    /// What must hold there.
    pub check: Box<Predicate>,
}

impl Serialize for OnChain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let check = serde_json::to_value(&self.check).map_err(S::Error::custom)?;
        let serde_json::Value::Object(inner) = check else {
            return Err(S::Error::custom("a predicate is a table"));
        };
        let mut m = s.serialize_map(Some(inner.len().saturating_add(1)))?;
        m.serialize_entry("chain", &self.chain)?;
        for (k, v) in &inner {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for OnChain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(D::Error::custom(
                "`on_chain` is a table: `{ chain = 1, <predicate> = { ... } }`",
            ));
        };
        let chain = match map.remove("chain") {
            Some(c) => usize::deserialize(c)
                .map_err(|e| D::Error::custom(format!("`on_chain.chain`: {e}")))?,
            None => return Err(D::Error::custom("`on_chain` needs a `chain` (0, 1, ...)")),
        };
        if map.len() != 1 {
            let found = map.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(D::Error::custom(format!(
                "`on_chain` takes `chain` and exactly one predicate beside it, found {}",
                if found.is_empty() {
                    "none".to_owned()
                } else {
                    found
                }
            )));
        }
        let check = Predicate::deserialize(serde_json::Value::Object(map))
            .map_err(|e| D::Error::custom(format!("`on_chain`: {e}")))?;
        Ok(OnChain {
            chain,
            check: Box::new(check),
        })
    }
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
    /// Connected chains: the predicate holds on another chain.
    OnChain(OnChain),
    /// Proof of authority: blocks produced since the lesson began, on a
    /// node's canonical chain, sealed by an authority (`by`), in turn or
    /// not.
    Sealed {
        /// The authority's key name; default any.
        #[serde(default)]
        by: Option<String>,
        /// Only blocks sealed by the in-turn authority (`true`) or by a
        /// stand-in (`false`); default both.
        #[serde(default)]
        in_turn: Option<bool>,
        /// How many blocks, at least.
        #[serde(default = "one")]
        count: u64,
        /// Whose canonical chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// BFT: a block finalised since the lesson began was decided in round
    /// `at_least` or later (earlier rounds failed: a silent proposer, a
    /// split vote).
    DecidedRound {
        /// The round, at least.
        at_least: u32,
        /// Finalised on this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// No two of the nodes disagree: no two finalised different blocks at
    /// one height, their canonical chains agree up to the lowest of their
    /// tips, and each is at least `min_height` high.
    NoFork {
        /// These nodes; default every honest node.
        #[serde(default)]
        nodes: Option<Vec<u32>>,
        /// Each node's height, at least.
        #[serde(default)]
        min_height: u64,
    },
    /// Since the lesson began, no block was produced anywhere for at least
    /// `for_ms` of simulated time (between two blocks, or from the last
    /// one until now): the chain halted.
    Halted {
        /// Milliseconds without a block, at least.
        for_ms: u64,
    },
    /// A node caught a validator breaking the BFT protocol (since the
    /// lesson began).
    Evidence {
        /// This offence; default any.
        #[serde(default)]
        offence: Option<Offence>,
        /// Caught by this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// Permissioned chains: a key is a member (of `org`, with `role`) on a
    /// node's chain now.
    Member {
        /// The key's name.
        key: String,
        /// The organisation; default any.
        #[serde(default)]
        org: Option<String>,
        /// The role; default any.
        #[serde(default)]
        role: Option<Role>,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// Permissioned chains: a governance change gathered the approvals of
    /// admins of at least `organisations` organisations (since the lesson
    /// began).
    ChangeApproved {
        /// Organisations approving, at least.
        #[serde(default = "one_usize")]
        organisations: usize,
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// Permissioned chains: a governance change took effect on a node's
    /// chain (since the lesson began).
    GovernanceApplied {
        /// This kind of change; default any.
        #[serde(default)]
        kind: Option<ChangeKind>,
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A contract deploy ran in a block on a node's canonical chain (since
    /// the lesson began), ending as `outcome`.
    ContractDeployed {
        /// The deployer's key name; default any.
        #[serde(default)]
        from: Option<String>,
        /// The contract (`<key>/<nonce>` or 40 hex digits); default any.
        #[serde(default)]
        contract: Option<String>,
        /// How it ended; default `ok`.
        #[serde(default)]
        outcome: RunOutcome,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A contract call ran in a block on a node's canonical chain (since
    /// the lesson began), ending as `outcome`.
    ContractCalled {
        /// The caller's key name; default any.
        #[serde(default)]
        from: Option<String>,
        /// The contract (`<key>/<nonce>` or 40 hex digits); default any.
        #[serde(default)]
        contract: Option<String>,
        /// The function; default any.
        #[serde(default)]
        function: Option<String>,
        /// How it ended; default `ok`.
        #[serde(default)]
        outcome: RunOutcome,
        /// Words the fault's message contains (e.g. "not enough tokens");
        /// default any.
        #[serde(default)]
        fault: Option<String>,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A contract emitted an event by this name in a block on a node's
    /// canonical chain (since the lesson began).
    ContractEvent {
        /// The event's name, e.g. `Transfer`.
        name: String,
        /// The contract (`<key>/<nonce>` or 40 hex digits); default any.
        #[serde(default)]
        contract: Option<String>,
        /// How many such events, at least.
        #[serde(default = "one")]
        count: u64,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// A number a contract stores, on a node's canonical chain, compares
    /// (an unset entry is 0).
    Storage {
        /// The contract (`<key>/<nonce>` or 40 hex digits).
        contract: String,
        /// The `storage` or `map` name.
        name: String,
        /// For a map: the entry's key (a contract value or a named form,
        /// e.g. `{ key = "bob" }` for bob's address).
        #[serde(default)]
        key: Option<Arg>,
        /// Value ≥ this.
        #[serde(default)]
        at_least: Option<u64>,
        /// Value ≤ this.
        #[serde(default)]
        at_most: Option<u64>,
        /// Value = this.
        #[serde(default)]
        equals: Option<u64>,
        /// Whose chain; default the student's node.
        #[serde(default)]
        node: Option<u32>,
    },
    /// The student read a contract with `query_contract` and the function
    /// returned (a number equal to `equals`, if given).
    Queried {
        /// The contract (`<key>/<nonce>` or 40 hex digits); default any.
        #[serde(default)]
        contract: Option<String>,
        /// The function; default any.
        #[serde(default)]
        function: Option<String>,
        /// The number returned.
        #[serde(default)]
        equals: Option<u64>,
    },
    /// Connected chains: wrapped coins of an account on chain `chain`,
    /// minted for locks on chain `from`, compare.
    WrappedBalance {
        /// A key name (or a 40-digit hex address).
        account: String,
        /// The destination chain.
        chain: usize,
        /// The source chain whose locks they stand for.
        from: usize,
        /// As this node of `chain` sees it; default the student's node
        /// number.
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
    /// A relay (headers and lock proofs from another chain) ran in a block
    /// on this chain since the lesson began, minting at least `minted`
    /// locks in all.
    RelayApplied {
        /// Locks minted, at least (0: any relay).
        #[serde(default)]
        minted: u64,
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// This chain refused a relayed lock proof (since the lesson began).
    LockRefused {
        /// Words the reason contains (e.g. "memo"); default any.
        #[serde(default)]
        reason: Option<String>,
        /// On this node; default any.
        #[serde(default)]
        node: Option<u32>,
    },
    /// Connected chains: a relayer is online (or offline) now.
    Relayer {
        /// The relayer's position.
        relayer: usize,
        /// The state wanted.
        online: bool,
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
    "on_chain",
    "sealed",
    "decided_round",
    "no_fork",
    "halted",
    "evidence",
    "member",
    "change_approved",
    "governance_applied",
    "contract_deployed",
    "contract_called",
    "contract_event",
    "storage",
    "queried",
    "wrapped_balance",
    "relay_applied",
    "lock_refused",
    "relayer",
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
    /// The world predicates read: the student's chain, or the chain an
    /// `on_chain` names.
    pub world: &'a World,
    /// The student's node (on another chain: the node with that number).
    pub student: NodeId,
    /// The first event of the lesson (events before it are the setup's).
    pub events_from: usize,
    /// The first entry of the world's action history made by the student.
    pub history_from: usize,
    /// The student's actions.
    pub log: &'a [LogEntry],
    /// Connected chains, if the lesson has them.
    pub connected: Option<ConnectedFacts<'a>>,
}

/// The connected chains a predicate may look across.
#[derive(Clone, Copy, Debug)]
pub struct ConnectedFacts<'a> {
    /// The chains.
    pub islands: &'a Islands,
    /// The chain [`Facts::world`] is.
    pub chain: usize,
    /// Per chain: its first event of the lesson.
    pub events_from: &'a [usize],
    /// Per chain: its first action-history entry of the lesson.
    pub history_from: &'a [usize],
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

impl<'a> Facts<'a> {
    /// The same facts, read on chain `chain` of the connected chains
    /// (`None`: no connected chains, or no such chain).
    pub fn on_chain(&self, chain: usize) -> Option<Facts<'a>> {
        let c = self.connected?;
        Some(Facts {
            world: c.islands.world(chain)?,
            student: self.student,
            events_from: c.events_from.get(chain).copied().unwrap_or(0),
            history_from: c.history_from.get(chain).copied().unwrap_or(0),
            log: self.log,
            connected: Some(ConnectedFacts { chain, ..c }),
        })
    }

    fn node(&self, n: Option<u32>) -> NodeId {
        n.map_or(self.student, NodeId)
    }

    /// Contract receipts of blocks on `node`'s canonical chain since the
    /// lesson began: (deploy or call, caller, function, receipt).
    fn receipts(&self, node: NodeId) -> Vec<(bool, &Address, &str, &Receipt)> {
        let Some(chain) = self.world.chain(node) else {
            return Vec::new();
        };
        self.events()
            .filter_map(|(_, e)| match e {
                WorldEvent::ContractDeployed {
                    node: n,
                    block,
                    deployer,
                    receipt,
                    ..
                } if *n == node && chain.is_canonical(block) => {
                    Some((true, deployer, "init", receipt))
                }
                WorldEvent::ContractCalled {
                    node: n,
                    block,
                    caller,
                    function,
                    receipt,
                    ..
                } if *n == node && chain.is_canonical(block) => {
                    Some((false, caller, function.as_str(), receipt))
                }
                _ => None,
            })
            .collect()
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

/// What a predicate's settings are checked against.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    /// Nodes of the chain the predicate reads.
    pub nodes: u32,
    /// Which chain that is (`None`: the student's).
    pub chain: Option<usize>,
    /// Names objectives may mention.
    pub known: &'a BTreeSet<String>,
    /// Nodes per connected chain (empty: the lesson has one chain).
    pub chains: &'a [u32],
    /// Relayers between the connected chains.
    pub relayers: usize,
}

impl Scope<'_> {
    fn which(&self) -> String {
        match self.chain {
            None => "this lesson's world".to_owned(),
            Some(c) => format!("chain {c}"),
        }
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
                                RejectReason::NotAMember => *reject == TxRejectKind::NotAMember,
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
            Predicate::OnChain(OnChain { chain, check }) => {
                f.on_chain(*chain).is_some_and(|g| check.holds(&g))
            }
            Predicate::Sealed {
                by,
                in_turn,
                count,
                node,
            } => {
                let Some(chain) = w.chain(f.node(*node)) else {
                    return false;
                };
                let by = by.as_deref().map(|b| Keypair::from_name(b).public());
                let blocks: BTreeSet<_> = f
                    .events()
                    .filter_map(|(_, e)| match e {
                        WorldEvent::BlockProduced { hash, .. } if chain.is_canonical(hash) => {
                            chain.get(hash)
                        }
                        _ => None,
                    })
                    .filter(|b| {
                        let Seal::Authority(seal) = &b.seal else {
                            return false;
                        };
                        let turn = || {
                            let v = chain.validators_after(&b.header.parent).unwrap_or_default();
                            poa::in_turn(&v, b.height()) == Some(&seal.signer)
                        };
                        by.is_none_or(|k| seal.signer == k)
                            && in_turn.is_none_or(|want| turn() == want)
                    })
                    .map(|b| b.hash())
                    .collect();
                blocks.len() as u64 >= *count
            }
            Predicate::DecidedRound { at_least, node } => f.events().any(|(_, e)| match e {
                WorldEvent::Finalized { node: n, hash, .. }
                    if node.is_none_or(|want| NodeId(want) == *n) =>
                {
                    w.chain(*n)
                        .and_then(|c| c.get(hash))
                        .is_some_and(|b| matches!(&b.seal, Seal::Commit(c) if c.round >= *at_least))
                }
                _ => false,
            }),
            Predicate::NoFork { nodes, min_height } => {
                let nodes: Vec<NodeId> = match nodes {
                    Some(list) => list.iter().map(|n| NodeId(*n)).collect(),
                    None => w
                        .node_ids()
                        .filter(|n| w.behaviour(*n) == Some(Behaviour::Honest))
                        .collect(),
                };
                let Some(chains) = nodes
                    .iter()
                    .map(|n| w.chain(*n))
                    .collect::<Option<Vec<_>>>()
                else {
                    return false;
                };
                let mut finalized: BTreeMap<u64, _> = BTreeMap::new();
                for e in w.events() {
                    if let WorldEvent::Finalized { node, height, hash } = &e.event
                        && nodes.contains(node)
                        && *finalized.entry(*height).or_insert(*hash) != *hash
                    {
                        return false;
                    }
                }
                let low = chains.iter().map(|c| c.height()).min().unwrap_or(0);
                let at_low: BTreeSet<_> = chains.iter().map(|c| c.canonical_at(low)).collect();
                !chains.is_empty() && at_low.len() == 1 && low >= *min_height
            }
            Predicate::Halted { for_ms } => {
                let produced: Vec<(usize, u64)> = w
                    .events()
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches!(e.event, WorldEvent::BlockProduced { .. }))
                    .map(|(i, e)| (i, e.at_ms))
                    .collect();
                let ends = produced
                    .iter()
                    .skip(1)
                    .copied()
                    .chain(std::iter::once((usize::MAX, w.now_ms())));
                produced.iter().zip(ends).any(|(&(_, from), (i, to))| {
                    i >= f.events_from && to.saturating_sub(from) >= *for_ms
                })
            }
            Predicate::Evidence { offence, node } => f.events().any(|(_, e)| {
                matches!(e, WorldEvent::Evidence { node: n, offence: o, .. }
                    if node.is_none_or(|want| NodeId(want) == *n)
                        && offence.is_none_or(|want| want == *o))
            }),
            Predicate::Member {
                key,
                org,
                role,
                node,
            } => w.membership(f.node(*node)).is_some_and(|m| {
                m.member(&Keypair::from_name(key).public())
                    .is_some_and(|(o, r)| {
                        org.as_deref().is_none_or(|want| want == o)
                            && role.is_none_or(|want| want == r)
                    })
            }),
            Predicate::ChangeApproved {
                organisations,
                node,
            } => f.events().any(|(_, e)| {
                matches!(e, WorldEvent::ChangeApproved { node: n, organisations: o, .. }
                    if *o >= *organisations && node.is_none_or(|want| NodeId(want) == *n))
            }),
            Predicate::GovernanceApplied { kind, node } => f.events().any(|(_, e)| {
                matches!(e, WorldEvent::GovernanceApplied { node: n, change, .. }
                    if node.is_none_or(|want| NodeId(want) == *n)
                        && kind.is_none_or(|want| want == ChangeKind::of(change)))
            }),
            Predicate::ContractDeployed {
                from,
                contract,
                outcome,
                node,
            } => {
                let from = from.as_deref().map(resolve_account);
                let contract = contract.as_deref().and_then(|c| contract_ref(c).ok());
                f.receipts(f.node(*node)).iter().any(|(deploy, who, _, r)| {
                    *deploy
                        && from.is_none_or(|a| **who == a)
                        && contract.is_none_or(|c| r.contract == c)
                        && outcome.matches(r.fault.as_ref())
                })
            }
            Predicate::ContractCalled {
                from,
                contract,
                function,
                outcome,
                fault,
                node,
            } => {
                let from = from.as_deref().map(resolve_account);
                let contract = contract.as_deref().and_then(|c| contract_ref(c).ok());
                f.receipts(f.node(*node))
                    .iter()
                    .any(|(deploy, who, func, r)| {
                        !*deploy
                            && from.is_none_or(|a| **who == a)
                            && contract.is_none_or(|c| r.contract == c)
                            && function.as_deref().is_none_or(|want| want == *func)
                            && outcome.matches(r.fault.as_ref())
                            && fault.as_deref().is_none_or(|want| {
                                r.fault
                                    .as_ref()
                                    .is_some_and(|x| x.to_string().contains(want))
                            })
                    })
            }
            Predicate::ContractEvent {
                name,
                contract,
                count,
                node,
            } => {
                let contract = contract.as_deref().and_then(|c| contract_ref(c).ok());
                let n = f
                    .receipts(f.node(*node))
                    .iter()
                    .flat_map(|(_, _, _, r)| &r.events)
                    .filter(|e| &e.name == name && contract.is_none_or(|c| e.contract == c))
                    .count();
                n as u64 >= *count
            }
            Predicate::Storage {
                contract,
                name,
                key,
                at_least,
                at_most,
                equals,
                node,
            } => {
                let Ok(address) = contract_ref(contract) else {
                    return false;
                };
                let key = match key.as_ref().map(arg_value) {
                    None => None,
                    Some(Ok(k)) => Some(k),
                    Some(Err(_)) => return false,
                };
                w.contract(f.node(*node), &address).is_some_and(|c| {
                    let at = sandbox_chain::contract::StorageKey {
                        name: name.clone(),
                        key,
                    };
                    match c.storage.get(&at) {
                        None => cmp(0, *at_least, *at_most, *equals),
                        Some(v) => v
                            .as_int()
                            .is_some_and(|n| cmp(n, *at_least, *at_most, *equals)),
                    }
                })
            }
            Predicate::Queried {
                contract,
                function,
                equals,
            } => {
                let contract = contract
                    .as_deref()
                    .and_then(|c| contract_ref(c).ok())
                    .map(|a| a.to_hex());
                f.tools().any(|(t, o)| match (t, o) {
                    (
                        ToolAction::QueryContract { function: func, .. },
                        ToolOutput::Query {
                            contract: c,
                            returned,
                            fault: None,
                        },
                    ) => {
                        contract.as_ref().is_none_or(|want| want == c)
                            && function.as_ref().is_none_or(|want| want == func)
                            && equals.is_none_or(|want| {
                                returned.as_ref().and_then(Value::as_int) == Some(want)
                            })
                    }
                    _ => false,
                })
            }
            Predicate::WrappedBalance {
                account,
                chain,
                from,
                node,
                at_least,
                at_most,
                equals,
            } => f.connected.is_some_and(|c| {
                let b = c.islands.wrapped_balance(
                    *chain,
                    f.node(*node),
                    *from,
                    &resolve_account(account),
                );
                // A chain with no bridge from `from` holds no wrapped coins.
                c.islands.world(*chain).is_some() && cmp(b, *at_least, *at_most, *equals)
            }),
            Predicate::RelayApplied { minted, node } => {
                let mut any = false;
                let mut total = 0u64;
                for (_, e) in f.events() {
                    if let WorldEvent::RelayApplied {
                        node: n, receipt, ..
                    } = e
                        && node.is_none_or(|want| NodeId(want) == *n)
                    {
                        any = true;
                        total = total.saturating_add(receipt.minted.len() as u64);
                    }
                }
                any && total >= *minted
            }
            Predicate::LockRefused { reason, node } => f.events().any(|(_, e)| match e {
                WorldEvent::RelayApplied {
                    node: n, receipt, ..
                } if node.is_none_or(|want| NodeId(want) == *n) => receipt
                    .claims_refused
                    .iter()
                    .any(|r| reason.as_deref().is_none_or(|want| r.reason.contains(want))),
                _ => false,
            }),
            Predicate::Relayer { relayer, online } => f
                .connected
                .is_some_and(|c| c.islands.relayer_online(*relayer) == Some(*online)),
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

    /// Checks the settings against a lesson: nodes and chains exist,
    /// accounts are known, comparisons compare something, nesting is
    /// bounded. Returns every problem, in words.
    pub fn validate(&self, scope: &Scope<'_>) -> Vec<String> {
        let mut out = Vec::new();
        self.validate_into(scope, 1, &mut out);
        out
    }

    fn validate_into(&self, scope: &Scope<'_>, depth: usize, out: &mut Vec<String>) {
        let (nodes, known) = (scope.nodes, scope.known);
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
                    "`{what}`: there is no node {n}: {} has nodes 0 to {}",
                    scope.which(),
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
        let contract = |c: &str, what: &str, out: &mut Vec<String>| {
            if let Err(e) = contract_ref(c) {
                out.push(format!("`{what}`: {e}"));
            } else if let Some((name, _)) = c.rsplit_once('/') {
                account(name, what, out);
            }
        };
        let connected = |what: &str, out: &mut Vec<String>| {
            if scope.chains.is_empty() {
                out.push(format!(
                    "`{what}` is about connected chains, but this lesson has one chain (give `[[world.chains]]`)"
                ));
                false
            } else {
                true
            }
        };
        let chain = |c: usize, what: &str, out: &mut Vec<String>| -> Option<u32> {
            let n = scope.chains.get(c).copied();
            if n.is_none() && !scope.chains.is_empty() {
                out.push(format!(
                    "`{what}`: there is no chain {c}: this lesson has chains 0 to {}",
                    scope.chains.len().saturating_sub(1)
                ));
            }
            n
        };
        match self {
            Predicate::All(ps) | Predicate::Any(ps) => {
                if ps.is_empty() {
                    out.push("`all`/`any` needs at least one predicate".to_owned());
                }
                for p in ps {
                    p.validate_into(scope, depth.saturating_add(1), out);
                }
            }
            Predicate::Not(p) => p.validate_into(scope, depth.saturating_add(1), out),
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
            Predicate::OnChain(OnChain { chain: c, check }) => {
                if connected("on_chain", out)
                    && let Some(n) = chain(*c, "on_chain.chain", out)
                {
                    let inner = Scope {
                        nodes: n,
                        chain: Some(*c),
                        ..*scope
                    };
                    check.validate_into(&inner, depth.saturating_add(1), out);
                }
            }
            Predicate::Sealed { by, node: n, .. } => {
                if let Some(b) = by {
                    account(b, "sealed.by", out);
                }
                node(n, "sealed.node", out);
            }
            Predicate::DecidedRound { node: n, .. } => node(n, "decided_round.node", out),
            Predicate::NoFork { nodes: ns, .. } => {
                for n in ns.iter().flatten() {
                    node(&Some(*n), "no_fork.nodes", out);
                }
                if ns.as_ref().is_some_and(|ns| ns.len() < 2) {
                    out.push("`no_fork.nodes` must list at least two nodes".to_owned());
                }
            }
            Predicate::Halted { for_ms } => {
                if *for_ms == 0 {
                    out.push("`halted.for_ms` must be more than 0".to_owned());
                }
            }
            Predicate::Evidence { node: n, .. } => node(n, "evidence.node", out),
            Predicate::Member { key, node: n, .. } => {
                account(key, "member.key", out);
                node(n, "member.node", out);
            }
            Predicate::ChangeApproved { node: n, .. } => node(n, "change_approved.node", out),
            Predicate::GovernanceApplied { node: n, .. } => {
                node(n, "governance_applied.node", out);
            }
            Predicate::ContractDeployed {
                from,
                contract: c,
                node: n,
                ..
            } => {
                if let Some(a) = from {
                    account(a, "contract_deployed.from", out);
                }
                if let Some(c) = c {
                    contract(c, "contract_deployed.contract", out);
                }
                node(n, "contract_deployed.node", out);
            }
            Predicate::ContractCalled {
                from,
                contract: c,
                node: n,
                ..
            } => {
                if let Some(a) = from {
                    account(a, "contract_called.from", out);
                }
                if let Some(c) = c {
                    contract(c, "contract_called.contract", out);
                }
                node(n, "contract_called.node", out);
            }
            Predicate::ContractEvent {
                name,
                contract: c,
                node: n,
                ..
            } => {
                if name.is_empty() {
                    out.push(
                        "`contract_event.name` is the event's name, e.g. \"Transfer\"".to_owned(),
                    );
                }
                if let Some(c) = c {
                    contract(c, "contract_event.contract", out);
                }
                node(n, "contract_event.node", out);
            }
            Predicate::Storage {
                contract: c,
                key,
                at_least,
                at_most,
                equals,
                node: n,
                ..
            } => {
                contract(c, "storage.contract", out);
                if let Some(k) = key
                    && let Err(e) = arg_value(k)
                {
                    out.push(format!("`storage.key`: {e}"));
                }
                if let Some(sandbox_chain::world::Arg::Named(
                    sandbox_chain::world::NamedArg::Key(k),
                )) = key
                {
                    account(k, "storage.key", out);
                }
                node(n, "storage.node", out);
                if at_least.is_none() && at_most.is_none() && equals.is_none() {
                    out.push("`storage` needs `at_least`, `at_most` or `equals`".to_owned());
                }
            }
            Predicate::Queried { contract: c, .. } => {
                if let Some(c) = c {
                    contract(c, "queried.contract", out);
                }
            }
            Predicate::WrappedBalance {
                account: a,
                chain: to,
                from,
                node: n,
                at_least,
                at_most,
                equals,
            } => {
                account(a, "wrapped_balance.account", out);
                if at_least.is_none() && at_most.is_none() && equals.is_none() {
                    out.push(
                        "`wrapped_balance` needs `at_least`, `at_most` or `equals`".to_owned(),
                    );
                }
                if connected("wrapped_balance", out) {
                    let dest = chain(*to, "wrapped_balance.chain", out);
                    chain(*from, "wrapped_balance.from", out);
                    if to == from {
                        out.push(
                            "`wrapped_balance`: `chain` and `from` are the same chain; wrapped coins stand for locks on another chain"
                                .to_owned(),
                        );
                    }
                    if let (Some(count), Some(n)) = (dest, n)
                        && *n >= count
                    {
                        out.push(format!(
                            "`wrapped_balance.node`: there is no node {n}: chain {to} has nodes 0 to {}",
                            count.saturating_sub(1)
                        ));
                    }
                }
            }
            Predicate::RelayApplied { node: n, .. } => node(n, "relay_applied.node", out),
            Predicate::LockRefused { node: n, .. } => node(n, "lock_refused.node", out),
            Predicate::Relayer { relayer, .. } => {
                if connected("relayer", out) && *relayer >= scope.relayers {
                    out.push(if scope.relayers == 0 {
                        format!("`relayer`: there is no relayer {relayer}: this lesson has none")
                    } else {
                        format!(
                            "`relayer`: there is no relayer {relayer}: this lesson has relayers 0 to {}",
                            scope.relayers.saturating_sub(1)
                        )
                    });
                }
            }
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
            Predicate::OnChain(_) => "on_chain",
            Predicate::Sealed { .. } => "sealed",
            Predicate::DecidedRound { .. } => "decided_round",
            Predicate::NoFork { .. } => "no_fork",
            Predicate::Halted { .. } => "halted",
            Predicate::Evidence { .. } => "evidence",
            Predicate::Member { .. } => "member",
            Predicate::ChangeApproved { .. } => "change_approved",
            Predicate::GovernanceApplied { .. } => "governance_applied",
            Predicate::ContractDeployed { .. } => "contract_deployed",
            Predicate::ContractCalled { .. } => "contract_called",
            Predicate::ContractEvent { .. } => "contract_event",
            Predicate::Storage { .. } => "storage",
            Predicate::Queried { .. } => "queried",
            Predicate::WrappedBalance { .. } => "wrapped_balance",
            Predicate::RelayApplied { .. } => "relay_applied",
            Predicate::LockRefused { .. } => "lock_refused",
            Predicate::Relayer { .. } => "relayer",
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
                "on_chain" => "{ chain = 1, partitioned = {} }".to_owned(),
                "decided_round" => "{ at_least = 1 }".to_owned(),
                "halted" => "{ for_ms = 1000 }".to_owned(),
                "member" => "{ key = \"a\" }".to_owned(),
                "contract_event" => "{ name = \"E\" }".to_owned(),
                "storage" => "{ contract = \"a/0\", name = \"n\", equals = 1 }".to_owned(),
                "wrapped_balance" => {
                    "{ account = \"a\", chain = 1, from = 0, at_least = 1 }".to_owned()
                }
                "relayer" => "{ relayer = 0, online = true }".to_owned(),
                _ => "{}".to_owned(),
            };
            let p: Predicate = toml::from_str(&format!("{name} = {body}")).unwrap();
            assert_eq!(p.name(), *name);
        }
    }

    // ---- the predicates for PoA, BFT, consortia, contracts and bridges ----

    use sandbox_chain::amount::Amount;
    use sandbox_chain::world::islands::{IslandsAction, IslandsConfig};
    use sandbox_chain::world::{ContractCode, WorldConfig};

    /// Parses one predicate as a lesson writes it.
    fn p(toml_text: &str) -> Predicate {
        toml::from_str(toml_text).unwrap_or_else(|e| panic!("{toml_text}: {e}"))
    }

    /// Facts over a whole world (every event counts), node 0 the student.
    fn facts(world: &World) -> Facts<'_> {
        Facts {
            world,
            student: NodeId(0),
            events_from: 0,
            history_from: 0,
            log: &[],
            connected: None,
        }
    }

    fn holds(world: &World, toml_text: &str) -> bool {
        p(toml_text).holds(&facts(world))
    }

    fn advance(w: &mut World, ms: u64) {
        w.apply(Action::AdvanceTime { ms }).unwrap();
    }

    fn behave(w: &mut World, node: u32, behaviour: Behaviour) {
        w.apply(Action::SetBehaviour {
            node: NodeId(node),
            behaviour,
        })
        .unwrap();
    }

    #[test]
    fn run_outcomes_match_faults() {
        let gas = Fault {
            line: 3,
            kind: FaultKind::OutOfGas {
                needed: 100,
                left: 1,
                limit: 50,
            },
        };
        let require = Fault {
            line: 4,
            kind: FaultKind::RequireFailed {
                message: "no".into(),
            },
        };
        assert!(RunOutcome::Ok.matches(None));
        assert!(!RunOutcome::Ok.matches(Some(&gas)));
        assert!(RunOutcome::Reverted.matches(Some(&gas)));
        assert!(RunOutcome::Reverted.matches(Some(&require)));
        assert!(!RunOutcome::Reverted.matches(None));
        assert!(RunOutcome::OutOfGas.matches(Some(&gas)));
        assert!(!RunOutcome::OutOfGas.matches(Some(&require)));
    }

    /// Authorities take turns; a silent one is stood in for; two of four
    /// cannot go on alone, and `halted` sees the stop.
    #[test]
    fn sealed_and_halted_follow_the_authorities() {
        let mut w = World::new(WorldConfig::poa(4), 1).unwrap();
        assert!(!holds(&w, "sealed = {}"));
        advance(&mut w, 5_000);
        assert!(holds(&w, "sealed = { count = 4, in_turn = true }"));
        assert!(holds(&w, "sealed = { by = \"node-2\" }"));
        assert!(!holds(&w, "sealed = { in_turn = false }"));
        assert!(!holds(&w, "sealed = { count = 99 }"));
        assert!(!holds(&w, "halted = { for_ms = 1500 }"));
        behave(&mut w, 2, Behaviour::Silent);
        advance(&mut w, 8_000);
        assert!(holds(&w, "sealed = { in_turn = false }"));
        behave(&mut w, 3, Behaviour::Silent);
        advance(&mut w, 10_000);
        assert!(holds(&w, "halted = { for_ms = 5000 }"));
        // Only what happened since the lesson began counts.
        let mut f = facts(&w);
        f.events_from = w.events().len();
        assert!(!p("sealed = {}").holds(&f));
        // The gap that is still going on counts from the last block.
        assert!(p("halted = { for_ms = 5000 }").holds(&f));
        let w2 = World::new(WorldConfig::poa(4), 1).unwrap();
        assert!(!holds(&w2, "halted = { for_ms = 1 }"), "no block yet");
    }

    /// BFT: finality on one chain; a silent proposer makes a round fail;
    /// an equivocator is caught; two of four silent halt the chain.
    #[test]
    fn bft_rounds_evidence_forks_and_halts() {
        let mut w = World::new(WorldConfig::bft(4), 1).unwrap();
        advance(&mut w, 6_000);
        assert!(holds(&w, "no_fork = { min_height = 3 }"));
        assert!(!holds(&w, "no_fork = { min_height = 300 }"));
        assert!(!holds(&w, "decided_round = { at_least = 1 }"));
        assert!(holds(&w, "decided_round = { at_least = 0 }"));
        behave(&mut w, 1, Behaviour::Silent);
        advance(&mut w, 10_000);
        assert!(holds(&w, "decided_round = { at_least = 1 }"));
        assert!(!holds(&w, "evidence = {}"));
        behave(&mut w, 1, Behaviour::Honest);
        behave(&mut w, 3, Behaviour::Equivocate);
        advance(&mut w, 10_000);
        assert!(holds(&w, "evidence = { offence = \"double_vote\" }"));
        assert!(
            !holds(&w, "evidence = { node = 3 }"),
            "the liar does not catch itself"
        );
        assert!(holds(&w, "no_fork = { min_height = 10 }"));
        assert!(!holds(&w, "halted = { for_ms = 5000 }"));
        behave(&mut w, 3, Behaviour::Silent);
        behave(&mut w, 2, Behaviour::Silent);
        advance(&mut w, 15_000);
        assert!(holds(&w, "halted = { for_ms = 8000 }"));
        assert!(holds(&w, "no_fork = { nodes = [0, 1] }"));
    }

    /// Two proof-of-work nodes split and each mines: their chains differ,
    /// which `no_fork` sees.
    #[test]
    fn no_fork_sees_two_branches() {
        let mut w = World::new(WorldConfig::pow(2, 4, 0), 1).unwrap();
        w.apply(Action::Partition {
            groups: vec![vec![NodeId(0)], vec![NodeId(1)]],
        })
        .unwrap();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        w.apply(Action::Mine { node: NodeId(1) }).unwrap();
        assert!(!holds(&w, "no_fork = {}"));
        w.apply(Action::Mine { node: NodeId(1) }).unwrap();
        w.apply(Action::Heal).unwrap();
        w.apply(Action::RunUntil {
            until: sandbox_chain::world::Until::Converged,
            max_events: 100_000,
        })
        .unwrap();
        assert!(holds(&w, "no_fork = { min_height = 2 }"));
    }

    /// The `permissioned-outsider` scenario: olivia refused, a change
    /// approved by two organisations, applied, and olivia a member.
    #[test]
    fn consortium_membership_and_governance() {
        let w = World::scenario("permissioned-outsider").unwrap();
        assert!(holds(&w, "tx_rejected = { reason = \"not_a_member\" }"));
        assert!(!holds(&w, "tx_rejected = { reason = \"bad_signature\" }"));
        assert!(holds(&w, "change_approved = { organisations = 2 }"));
        assert!(!holds(&w, "change_approved = { organisations = 3 }"));
        assert!(holds(&w, "governance_applied = { kind = \"add_member\" }"));
        assert!(!holds(
            &w,
            "governance_applied = { kind = \"remove_member\" }"
        ));
        assert!(holds(
            &w,
            "member = { key = \"olivia\", org = \"org1\", role = \"client\" }"
        ));
        assert!(!holds(&w, "member = { key = \"olivia\", org = \"org2\" }"));
        assert!(!holds(
            &w,
            "member = { key = \"olivia\", role = \"admin\" }"
        ));
        assert!(holds(&w, "member = { key = \"admin2\", role = \"admin\" }"));
        assert!(!holds(&w, "member = { key = \"mallory\" }"));
        let fresh = World::new(w.config().clone(), 1).unwrap();
        assert!(!holds(&fresh, "member = { key = \"olivia\" }"));
        assert!(holds(
            &fresh,
            "member = { key = \"alice\", org = \"org3\" }"
        ));
        // A public chain has no members at all.
        let public = World::new(WorldConfig::pow(1, 4, 0), 1).unwrap();
        assert!(!holds(&public, "member = { key = \"alice\" }"));
    }

    const COUNTER: &str = "contract Counter\n\nstorage count\nmap seen\n\nfn increment()\n  count = count + 1\n  seen[caller] = count\n  emit Incremented(caller, count)\nend\n\nfn add(n)\n  require n <= 10, \"add at most 10\"\n  count = count + n\nend\n\nfn get()\n  return count\nend\n";

    fn call(w: &mut World, function: &str, args: Vec<Arg>, gas_limit: u64) {
        w.apply(Action::CallContract {
            node: NodeId(0),
            from: "alice".into(),
            contract: "alice/0".into(),
            function: function.into(),
            args,
            value: Amount::ZERO,
            gas_limit,
            gas_price: Amount::new(1),
            nonce: None,
        })
        .unwrap();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
    }

    fn contract_world() -> World {
        let mut config = WorldConfig::pow(1, 4, 0);
        config.nodes[0].keys = vec!["alice".into()];
        config.funds = vec![sandbox_chain::world::Fund {
            name: "alice".into(),
            amount: Amount::new(100_000),
        }];
        World::new(config, 1).unwrap()
    }

    /// Deploy, call, out of gas, a require, events and storage, each seen
    /// by its predicate and not by the others.
    #[test]
    fn contract_runs_events_and_storage() {
        let mut w = contract_world();
        assert!(!holds(&w, "contract_deployed = {}"));
        w.apply(Action::DeployContract {
            node: NodeId(0),
            from: "alice".into(),
            code: ContractCode::Source(COUNTER.into()),
            args: Vec::new(),
            gas_limit: 20_000,
            gas_price: Amount::new(1),
            nonce: None,
        })
        .unwrap();
        assert!(!holds(&w, "contract_deployed = {}"), "not in a block yet");
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        assert!(holds(
            &w,
            "contract_deployed = { from = \"alice\", contract = \"alice/0\" }"
        ));
        assert!(!holds(&w, "contract_deployed = { from = \"bob\" }"));
        assert!(!holds(&w, "contract_deployed = { outcome = \"reverted\" }"));
        assert!(!holds(&w, "contract_called = {}"));
        let stored = "storage = { contract = \"alice/0\", name = \"count\", equals = 1 }";
        assert!(!holds(&w, stored));
        assert!(holds(
            &w,
            "storage = { contract = \"alice/0\", name = \"count\", equals = 0 }"
        ));
        call(&mut w, "increment", Vec::new(), 20_000);
        assert!(holds(
            &w,
            "contract_called = { function = \"increment\", from = \"alice\" }"
        ));
        assert!(holds(&w, stored));
        assert!(holds(
            &w,
            "storage = { contract = \"alice/0\", name = \"seen\", key = { key = \"alice\" }, equals = 1 }"
        ));
        assert!(holds(
            &w,
            "storage = { contract = \"alice/0\", name = \"seen\", key = { key = \"bob\" }, equals = 0 }"
        ));
        assert!(holds(
            &w,
            "contract_event = { name = \"Incremented\", contract = \"alice/0\" }"
        ));
        assert!(!holds(
            &w,
            "contract_event = { name = \"Incremented\", count = 2 }"
        ));
        assert!(!holds(&w, "contract_called = { outcome = \"out_of_gas\" }"));
        call(&mut w, "increment", Vec::new(), 250);
        assert!(holds(&w, "contract_called = { outcome = \"out_of_gas\" }"));
        assert!(holds(
            &w,
            "contract_called = { outcome = \"reverted\", fault = \"out of gas\" }"
        ));
        assert!(holds(&w, stored), "the run out of gas was reverted");
        assert!(!holds(
            &w,
            "contract_event = { name = \"Incremented\", count = 2 }"
        ));
        call(&mut w, "add", vec![Arg::Value(Value::Int(50))], 20_000);
        assert!(holds(
            &w,
            "contract_called = { function = \"add\", outcome = \"reverted\", fault = \"at most 10\" }"
        ));
        assert!(!holds(
            &w,
            "contract_called = { function = \"add\", outcome = \"out_of_gas\" }"
        ));
        assert!(!holds(
            &w,
            "contract_called = { function = \"add\", fault = \"at most 11\" }"
        ));
        assert!(
            !holds(&w, "contract_called = { function = \"add\" }"),
            "ok is the default"
        );
        // Another node's chain has none of it (no gossip happened).
        let f = Facts {
            student: NodeId(5),
            ..facts(&w)
        };
        assert!(!p(stored).holds(&f));
    }

    #[test]
    fn a_read_counts_only_when_it_returned() {
        let mut w = contract_world();
        w.apply(Action::DeployContract {
            node: NodeId(0),
            from: "alice".into(),
            code: ContractCode::Source(COUNTER.into()),
            args: Vec::new(),
            gas_limit: 20_000,
            gas_price: Amount::new(1),
            nonce: None,
        })
        .unwrap();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        call(&mut w, "increment", Vec::new(), 20_000);
        let read = |function: &str| {
            let t = ToolAction::QueryContract {
                contract: "alice/0".into(),
                function: function.into(),
                args: Vec::new(),
            };
            let ctx = crate::action::ToolCtx {
                world: &w,
                student: NodeId(0),
            };
            let output = t.run(&ctx).ok();
            LogEntry {
                action: LessonAction::Tool(t),
                refused: None,
                output,
            }
        };
        let log = vec![read("nope")];
        let f = Facts {
            log: &log,
            ..facts(&w)
        };
        assert!(!p("queried = {}").holds(&f), "a failed read does not count");
        let log = vec![read("get")];
        let f = Facts {
            log: &log,
            ..facts(&w)
        };
        assert!(p("queried = { function = \"get\", equals = 1 }").holds(&f));
        assert!(p("queried = { contract = \"alice/0\" }").holds(&f));
        assert!(!p("queried = { equals = 2 }").holds(&f));
        assert!(!p("queried = { contract = \"bob/0\" }").holds(&f));
    }

    /// A bridge: headers and a proof relayed, coins minted, a lock without
    /// a memo refused, a relayer stopped; `on_chain` reads chain B.
    #[test]
    fn bridges_across_connected_chains() {
        let config = IslandsConfig::two_chains(2, 4, 0, &[("alice", 1_000)], 1_000, 1);
        let mut i = Islands::new(config).unwrap();
        let vault = i.vault(0, 1).unwrap().to_hex();
        let lock = |memo: &str| IslandsAction::On {
            chain: 0,
            action: Action::SendTransaction {
                node: NodeId(0),
                from: "alice".into(),
                to: vault.clone(),
                amount: Amount::new(100),
                fee: Amount::new(1),
                memo: memo.into(),
                nonce: None,
            },
        };
        let mine = |chain: usize| IslandsAction::On {
            chain,
            action: Action::Mine { node: NodeId(0) },
        };
        let alice = Keypair::from_name("alice").address().to_hex();
        let starts = vec![0usize, 0];
        let check = |i: &Islands, chain: usize, text: &str| {
            let f = Facts {
                world: i.world(chain).unwrap(),
                student: NodeId(0),
                events_from: 0,
                history_from: 0,
                log: &[],
                connected: Some(ConnectedFacts {
                    islands: i,
                    chain,
                    events_from: &starts,
                    history_from: &starts,
                }),
            };
            p(text).holds(&f)
        };
        let wrapped =
            "wrapped_balance = { account = \"alice\", chain = 1, from = 0, equals = 100 }";
        assert!(!check(&i, 0, wrapped));
        assert!(check(&i, 0, "relayer = { relayer = 0, online = true }"));
        assert!(!check(&i, 0, "relayer = { relayer = 1, online = true }"));
        i.apply(lock(&format!("bridge:{alice}"))).unwrap();
        i.apply(mine(0)).unwrap();
        i.apply(IslandsAction::AdvanceTime { ms: 1_000 }).unwrap();
        i.apply(mine(1)).unwrap();
        assert!(check(&i, 0, wrapped));
        assert!(check(&i, 1, wrapped), "the same from either chain");
        assert!(!check(
            &i,
            0,
            "wrapped_balance = { account = \"bob\", chain = 1, from = 0, at_least = 1 }"
        ));
        assert!(check(
            &i,
            0,
            "on_chain = { chain = 1, relay_applied = { minted = 1 } }"
        ));
        assert!(!check(&i, 0, "relay_applied = {}"), "chain A ran no relay");
        assert!(check(&i, 1, "relay_applied = { minted = 1 }"));
        assert!(!check(
            &i,
            0,
            "on_chain = { chain = 1, relay_applied = { minted = 2 } }"
        ));
        assert!(!check(&i, 0, "on_chain = { chain = 1, lock_refused = {} }"));
        assert!(!check(
            &i,
            0,
            "on_chain = { chain = 7, height = { at_least = 0 } }"
        ));
        i.apply(lock("")).unwrap();
        i.apply(mine(0)).unwrap();
        i.apply(IslandsAction::AdvanceTime { ms: 1_000 }).unwrap();
        i.apply(mine(1)).unwrap();
        assert!(check(
            &i,
            0,
            "on_chain = { chain = 1, lock_refused = { reason = \"memo\" } }"
        ));
        assert!(!check(
            &i,
            0,
            "on_chain = { chain = 1, lock_refused = { reason = \"deep\" } }"
        ));
        i.apply(IslandsAction::StopRelayer { relayer: 0 }).unwrap();
        assert!(check(&i, 0, "relayer = { relayer = 0, online = false }"));
        // Without connected chains, the connected predicates are false.
        let w = World::new(WorldConfig::pow(1, 4, 0), 1).unwrap();
        assert!(!holds(&w, "relayer = { relayer = 0, online = true }"));
        assert!(!holds(
            &w,
            "on_chain = { chain = 0, height = { at_least = 0 } }"
        ));
        assert!(!holds(
            &w,
            "wrapped_balance = { account = \"alice\", chain = 1, from = 0, equals = 0 }"
        ));
    }

    #[test]
    fn on_chain_round_trips_and_names_its_mistakes() {
        let one = p("on_chain = { chain = 1, balance = { account = \"alice\", at_least = 5 } }");
        let json = serde_json::to_string(&one).unwrap();
        assert_eq!(
            json,
            r#"{"on_chain":{"chain":1,"balance":{"account":"alice","at_least":5,"at_most":null,"equals":null,"node":null}}}"#
        );
        assert_eq!(serde_json::from_str::<Predicate>(&json).unwrap(), one);
        let err = |text: &str| toml::from_str::<Predicate>(text).unwrap_err().to_string();
        assert!(err("on_chain = { height = { at_least = 1 } }").contains("needs a `chain`"));
        assert!(err("on_chain = { chain = 1 }").contains("exactly one predicate"));
        assert!(
            err("on_chain = { chain = 1, height = { at_least = 1 }, reorg = {} }")
                .contains("found height, reorg")
        );
        assert!(err("on_chain = { chain = 1, hieght = {} }").contains("unknown variant `hieght`"));
        assert!(err("on_chain = { chain = -1, reorg = {} }").contains("on_chain.chain"));
    }

    /// Settings are checked against the lesson: chains, relayers, nodes
    /// per chain, contract references, comparisons.
    #[test]
    fn connected_settings_are_checked() {
        let known: BTreeSet<String> = ["alice".to_owned()].into_iter().collect();
        let one = Scope {
            nodes: 2,
            chain: None,
            known: &known,
            chains: &[],
            relayers: 0,
        };
        let two = Scope {
            chains: &[2, 4],
            relayers: 1,
            ..one
        };
        let problems = |scope: &Scope<'_>, text: &str| p(text).validate(scope).join("\n");
        assert!(
            problems(&one, "on_chain = { chain = 0, reorg = {} }")
                .contains("this lesson has one chain")
        );
        assert!(problems(&one, "relayer = { relayer = 0, online = true }").contains("one chain"));
        assert!(
            problems(&two, "on_chain = { chain = 2, reorg = {} }").contains("there is no chain 2")
        );
        // Node settings inside `on_chain` are checked against that chain.
        assert_eq!(
            problems(
                &two,
                "on_chain = { chain = 1, height = { node = 3, at_least = 1 } }"
            ),
            ""
        );
        assert!(
            problems(
                &two,
                "on_chain = { chain = 0, height = { node = 3, at_least = 1 } }"
            )
            .contains("there is no node 3: chain 0 has nodes 0 to 1")
        );
        assert!(
            problems(&two, "relayer = { relayer = 1, online = true }").contains("relayers 0 to 0")
        );
        assert!(
            problems(
                &two,
                "wrapped_balance = { account = \"alice\", chain = 1, from = 1, equals = 0 }"
            )
            .contains("the same chain")
        );
        assert!(
            problems(&two, "wrapped_balance = { account = \"alice\", chain = 0, from = 1, node = 2, equals = 0 }")
                .contains("chain 0 has nodes 0 to 1")
        );
        assert!(
            problems(
                &two,
                "wrapped_balance = { account = \"alice\", chain = 1, from = 0 }"
            )
            .contains("needs `at_least`")
        );
        assert!(
            problems(
                &one,
                "storage = { contract = \"alice/x\", name = \"n\", equals = 1 }"
            )
            .contains("not a contract")
        );
        assert!(
            problems(
                &one,
                "storage = { contract = \"carol/0\", name = \"n\", equals = 1 }"
            )
            .contains("unknown account \"carol\"")
        );
        assert!(
            problems(&one, "storage = { contract = \"alice/0\", name = \"n\" }")
                .contains("needs `at_least`")
        );
        assert!(problems(&one, "sealed = { by = \"auth-9\" }").contains("unknown account"));
        assert!(problems(&one, "halted = { for_ms = 0 }").contains("more than 0"));
        assert!(problems(&one, "contract_event = { name = \"\" }").contains("event's name"));
        assert!(problems(&one, "no_fork = { nodes = [0] }").contains("at least two"));
        assert!(problems(&one, "member = { key = \"olivia\" }").contains("unknown account"));
        assert_eq!(
            problems(
                &one,
                "contract_called = { contract = \"alice/0\", outcome = \"out_of_gas\" }"
            ),
            ""
        );
    }
}
