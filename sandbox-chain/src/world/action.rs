//! Actions: every change to a world, as data a lesson or the web app can
//! write in JSON, and the typed errors of the ones a world refuses.

use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::contract::Value;
use crate::hash::{BlockHash, TxId};
use crate::identity::GovernanceError;
use crate::keys::Address;
use crate::tx::SignedTransfer;

use super::engine::{Behaviour, NodeId};
use super::permissioned::ChangeSpec;
use crate::mempool::MempoolError;

/// The most events one action may process; an action that would run
/// longer stops there (and says so in its outcome).
pub const DEFAULT_MAX_EVENTS: u64 = 10_000_000;

fn default_max_events() -> u64 {
    DEFAULT_MAX_EVENTS
}

/// The gas limit of a deploy or call action that names none.
pub const DEFAULT_GAS_LIMIT: u64 = 20_000;

fn default_gas_limit() -> u64 {
    DEFAULT_GAS_LIMIT
}

fn default_gas_price() -> Amount {
    Amount::new(1)
}

/// Where a deployed contract's source comes from. JSON: `{"example":
/// "token"}` (a shipped contract, `contract::examples`) or `{"source":
/// "contract C ..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ContractCode {
    /// A shipped example by id: `token`, `escrow`, `vote`, `htlc`.
    Example(String),
    /// Source text.
    Source(String),
}

/// An argument of a deploy or call action: a contract [`Value`]
/// (`{"int": 5}`, `{"bool": true}`, `{"address": "<40 hex>"}`,
/// `{"bytes": "<hex>"}`) or a convenience a lesson can write without hex
/// (`{"text": "hello"}`, `{"key": "bob"}` for bob's address,
/// `{"contract": "alice/0"}` for the contract alice deployed with nonce 0,
/// `{"sha256_of_text": "secret"}` for a hash lock).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// A value as it is.
    Value(Value),
    /// A value described by name.
    Named(NamedArg),
}

/// The named forms of an [`Arg`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NamedArg {
    /// UTF-8 text as bytes.
    Text(String),
    /// The address of a named key (`Keypair::from_name`).
    Key(String),
    /// A contract address: 40 hex digits, or `<key name>/<nonce>`.
    Contract(String),
    /// The SHA-256 of UTF-8 text, as 32 bytes (a hash lock).
    Sha256OfText(String),
}

/// One change to a world. JSON: `{"action": "send_transaction", "node": 0,
/// "from": "alice", "to": "bob", "amount": 5}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Give `node`'s wallet the key named `name` (`Keypair::from_name`).
    CreateKey {
        /// The node.
        node: NodeId,
        /// The key's name, e.g. "alice".
        name: String,
    },
    /// `node`'s wallet signs a transfer from its key `from` and the node
    /// takes it into its mempool and gossips it.
    SendTransaction {
        /// The node whose wallet signs and that first receives it.
        node: NodeId,
        /// Name of a key the node's wallet holds.
        from: String,
        /// A key name, or an address in hex.
        to: String,
        /// Coins to send.
        amount: Amount,
        /// Fee for the block producer.
        #[serde(default)]
        fee: Amount,
        /// A note.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        memo: String,
        /// The nonce to use; by default the sender's next one as `node`
        /// sees it. Reusing an old nonce is how a double spend is tried.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<u64>,
    },
    /// Hand an already signed transfer to `node` (e.g. one a student built).
    SubmitTransaction {
        /// The node that receives it.
        node: NodeId,
        /// The transfer.
        tx: Box<SignedTransfer>,
    },
    /// `node`'s wallet signs a deploy from its key `from`; the node takes
    /// it into its mempool and gossips it. The contract's address is in
    /// the outcome; its receipt comes as a `contract_deployed` event once
    /// a block runs it.
    DeployContract {
        /// The node whose wallet signs.
        node: NodeId,
        /// Name of a key the node's wallet holds.
        from: String,
        /// The contract.
        code: ContractCode,
        /// Arguments for its `init`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        args: Vec<Arg>,
        /// The most gas it may use.
        #[serde(default = "default_gas_limit")]
        gas_limit: u64,
        /// Coins per unit of gas.
        #[serde(default = "default_gas_price")]
        gas_price: Amount,
        /// The nonce to use; by default the sender's next one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<u64>,
    },
    /// `node`'s wallet signs a call of `function` on `contract`; its
    /// receipt comes as a `contract_called` event once a block runs it.
    CallContract {
        /// The node whose wallet signs.
        node: NodeId,
        /// Name of a key the node's wallet holds.
        from: String,
        /// 40 hex digits, or `<key name>/<nonce>`: the contract that key
        /// deployed with that nonce.
        contract: String,
        /// The function.
        function: String,
        /// Its arguments.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        args: Vec<Arg>,
        /// Coins sent to the contract with the call.
        #[serde(default)]
        value: Amount,
        /// The most gas it may use.
        #[serde(default = "default_gas_limit")]
        gas_limit: u64,
        /// Coins per unit of gas.
        #[serde(default = "default_gas_price")]
        gas_price: Amount,
        /// The nonce to use; by default the sender's next one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<u64>,
    },
    /// `node` produces a block now (proof of work: it finds a nonce at once).
    Mine {
        /// The node.
        node: NodeId,
    },
    /// Set `node`'s mining power.
    SetMiningPower {
        /// The node.
        node: NodeId,
        /// Hashes per simulated second (0 stops mining).
        hashes_per_sec: u64,
    },
    /// Make `node` Byzantine (or honest again).
    SetBehaviour {
        /// The node.
        node: NodeId,
        /// How it behaves from now on.
        behaviour: Behaviour,
    },
    /// Split the network: links work only within a group. Nodes not listed
    /// form one more group together.
    Partition {
        /// Disjoint groups of nodes.
        groups: Vec<Vec<NodeId>>,
    },
    /// End every partition (cut links stay cut).
    Heal,
    /// Take one link down.
    CutLink {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
    },
    /// Bring a cut link back.
    RestoreLink {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
    },
    /// Change one link's delay and loss.
    SetLink {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
        /// Base delay in milliseconds.
        latency_ms: u64,
        /// Extra random delay, up to this many milliseconds.
        #[serde(default)]
        jitter_ms: u64,
        /// Messages lost per thousand.
        #[serde(default)]
        loss_permille: u16,
    },
    /// Let `ms` of simulated time pass, processing every event due.
    AdvanceTime {
        /// Milliseconds.
        ms: u64,
    },
    /// Process events until a condition holds (or `max_events`).
    RunUntil {
        /// The condition.
        until: Until,
        /// Stop after this many events even if the condition never holds.
        #[serde(default = "default_max_events")]
        max_events: u64,
    },
    /// Process the next `events` events.
    Step {
        /// How many.
        events: u64,
    },
    /// On a permissioned chain: the admin key `admin` in `node`'s wallet
    /// proposes `change` as the consortium's next governance change, with
    /// its own approval; the proposal is gossiped to the other nodes.
    ProposeChange {
        /// The node whose wallet holds the admin key.
        node: NodeId,
        /// Name of the admin key.
        admin: String,
        /// The change, keys by name.
        change: ChangeSpec,
    },
    /// On a permissioned chain: the admin key `admin` in `node`'s wallet
    /// approves a proposal the node has received. Once admins of a
    /// majority of organisations approve, block producers include it.
    ApproveChange {
        /// The node whose wallet holds the admin key.
        node: NodeId,
        /// Name of the admin key.
        admin: String,
        /// The change, as proposed.
        change: ChangeSpec,
    },
}

/// A condition to run a world until.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Until {
    /// The clock reaches `ms` (absolute simulated time).
    Time {
        /// Milliseconds since the world began.
        ms: u64,
    },
    /// The network has drained: no message in flight and no block request
    /// waiting to be retried (engine timers, such as mining, may be pending).
    Idle,
    /// The network has drained and every node that is not silent has the
    /// same tip.
    Converged,
    /// Some node's tip reaches `height`.
    Height {
        /// The height.
        height: u64,
    },
}

/// What an accepted action did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOutcome {
    /// Events processed.
    pub events: u64,
    /// The transaction sent, if the action sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txid: Option<TxId>,
    /// The contract a `deploy_contract` action creates (once a block
    /// runs it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<Address>,
    /// The block produced, if the action produced one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<BlockHash>,
    /// For `run_until`: whether the condition held when it stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached: Option<bool>,
}

/// Why a world refused an action. A refused action changes nothing but
/// the action log and the event log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// No node has this id.
    #[error("there is no {node}: this world has nodes 0 to {}", count.saturating_sub(1))]
    UnknownNode {
        /// The id given.
        node: NodeId,
        /// How many nodes there are.
        count: u32,
    },
    /// The wallet does not hold the key.
    #[error("{node}'s wallet holds no key named \"{name}\" (create it first)")]
    KeyNotInWallet {
        /// The node.
        node: NodeId,
        /// The key's name.
        name: String,
    },
    /// The wallet already holds the key.
    #[error("{node}'s wallet already holds the key \"{name}\"")]
    KeyExists {
        /// The node.
        node: NodeId,
        /// The key's name.
        name: String,
    },
    /// A key name or address that is neither.
    #[error("\"{0}\" is not a key name or a 40-digit hex address")]
    BadRecipient(String),
    /// The node refused the transaction.
    #[error("{node} refused transaction {txid}: {error}")]
    Tx {
        /// The node.
        node: NodeId,
        /// The transaction.
        txid: TxId,
        /// Why.
        error: MempoolError,
    },
    /// The node is silent and cannot act.
    #[error("{node} is silent (crashed or muted) and cannot do that")]
    NodeSilent {
        /// The node.
        node: NodeId,
    },
    /// The node's engine made no block when asked.
    #[error("{node} could not produce a block: {reason}")]
    NoBlock {
        /// The node.
        node: NodeId,
        /// What the engine said.
        reason: String,
    },
    /// A node appears twice in a partition.
    #[error("{node} is in two groups of the partition")]
    NodeInTwoGroups {
        /// The node.
        node: NodeId,
    },
    /// A link from a node to itself.
    #[error("a link joins two different nodes, but both ends are {node}")]
    SelfLink {
        /// The node.
        node: NodeId,
    },
    /// Loss above 1000 per thousand.
    #[error("loss is per thousand, so at most 1000, not {0}")]
    BadLoss(u16),
    /// No shipped contract has this id.
    #[error("there is no shipped contract \"{0}\" (there are token, escrow, vote and htlc)")]
    UnknownExample(String),
    /// A contract reference that is neither an address nor `name/nonce`.
    #[error(
        "\"{0}\" is not a contract: write its 40-digit hex address or <key name>/<nonce of the deploy>"
    )]
    BadContract(String),
    /// A governance action the consortium's rules refuse.
    #[error("{0}")]
    Governance(GovernanceError),
    /// The node already holds a proposal of this change.
    #[error("{node} already holds a proposal of this change: approve it instead")]
    AlreadyProposed {
        /// The node.
        node: NodeId,
    },
    /// The node holds no proposal of this change (yet).
    #[error(
        "{node} has no proposal of this change to approve (propose it first, or wait until the proposal reaches {node})"
    )]
    NoSuchProposal {
        /// The node.
        node: NodeId,
    },
    /// The admin already approved.
    #[error("{admin} already approved this change")]
    AlreadyApproved {
        /// The node.
        node: NodeId,
        /// The admin's address.
        admin: Address,
    },
}
