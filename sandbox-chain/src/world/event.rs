//! The event log: what happened in a world, in order, for the UI to animate
//! and for lesson checks to read.

use serde::{Deserialize, Serialize};

use crate::bridge::mint::RelayReceipt;
use crate::contract::{ContractTxError, Receipt};
use crate::hash::{BlockHash, TxId};
use crate::keys::Address;
use crate::tx::TxError;

use super::engine::{Behaviour, NodeId, Offence};
use crate::identity::Change;
use crate::mempool::MempoolError;

/// One entry of the event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEvent {
    /// Simulated time, in milliseconds.
    pub at_ms: u64,
    /// What happened.
    #[serde(flatten)]
    pub event: WorldEvent,
}

/// Why a node turned a transaction away, in a form lesson checks can match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxRejectKind {
    /// Its nonce was already used, on chain or by a pending transaction.
    DoubleSpend,
    /// Its signature does not verify.
    BadSignature,
    /// The sender cannot pay.
    InsufficientFunds,
    /// Its nonce is ahead of the sender's next one.
    NonceAhead,
    /// It is for another chain.
    WrongChain,
    /// Zero amount, long memo, overflow.
    Malformed,
    /// The mempool is full (or the fee too low to make room).
    PoolFull,
    /// The node already holds it (pending, or a relay already on its
    /// chain).
    AlreadyKnown,
    /// On a permissioned chain, the sender is not a member.
    NotAMember,
    /// A governance change without a majority, or otherwise refused.
    Governance,
}

impl TxRejectKind {
    /// The kind of a mempool refusal.
    pub fn of(e: &MempoolError) -> Self {
        match e {
            MempoolError::Tx(t) => Self::of_tx(t),
            MempoolError::AlreadyKnown { .. } => TxRejectKind::AlreadyKnown,
            MempoolError::NonceAhead { .. } => TxRejectKind::NonceAhead,
            MempoolError::DoubleSpend { .. } => TxRejectKind::DoubleSpend,
            MempoolError::InsufficientFundsWithPending { .. } => TxRejectKind::InsufficientFunds,
            MempoolError::FeeTooLow { .. } | MempoolError::PoolFull { .. } => {
                TxRejectKind::PoolFull
            }
            MempoolError::NotPoolable { .. } => TxRejectKind::Malformed,
        }
    }

    /// The kind of a transaction rule broken.
    pub fn of_tx(e: &TxError) -> Self {
        match e {
            TxError::BadSignature { .. } => TxRejectKind::BadSignature,
            TxError::WrongChain { .. } => TxRejectKind::WrongChain,
            TxError::NonceUsed { .. } => TxRejectKind::DoubleSpend,
            TxError::NonceAhead { .. } => TxRejectKind::NonceAhead,
            TxError::InsufficientFunds { .. } => TxRejectKind::InsufficientFunds,
            TxError::ZeroAmount | TxError::MemoTooLong { .. } | TxError::Overflow { .. } => {
                TxRejectKind::Malformed
            }
            TxError::NotAMember(_) => TxRejectKind::NotAMember,
            TxError::Governance(_) => TxRejectKind::Governance,
            TxError::NoBridge { .. } | TxError::BadRelay(_) => TxRejectKind::Malformed,
            TxError::RelayAlreadyApplied { .. } => TxRejectKind::AlreadyKnown,
            TxError::Contract(c) => match c.as_ref() {
                ContractTxError::BadSignature { .. } => TxRejectKind::BadSignature,
                ContractTxError::WrongChain { .. } => TxRejectKind::WrongChain,
                ContractTxError::Tx(t) => Self::of_tx(t),
                ContractTxError::GasBelowIntrinsic { .. }
                | ContractTxError::GasAboveMax { .. }
                | ContractTxError::TooLong { .. }
                | ContractTxError::Overflow { .. } => TxRejectKind::Malformed,
            },
        }
    }
}

/// Something that happened in a world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorldEvent {
    /// An action was refused (see the action log for the action).
    ActionRejected {
        /// Its position in the action log.
        index: usize,
        /// Why, in words.
        reason: String,
    },
    /// A node produced (mined) a block.
    BlockProduced {
        /// The producer.
        node: NodeId,
        /// The block.
        hash: BlockHash,
        /// Its height.
        height: u64,
        /// Its transactions, coinbase included.
        txs: usize,
        /// Whether the producer kept it to itself.
        withheld: bool,
    },
    /// A node refused a block.
    BlockRejected {
        /// The node.
        node: NodeId,
        /// The block.
        hash: BlockHash,
        /// Why, in words.
        reason: String,
    },
    /// A node's canonical chain switched branches.
    Reorg {
        /// The node.
        node: NodeId,
        /// Blocks taken off its canonical chain.
        depth: usize,
        /// Its tip before.
        old_tip: BlockHash,
        /// Its tip after.
        new_tip: BlockHash,
        /// The last block both branches share.
        fork_point: BlockHash,
    },
    /// A node took a transaction into its mempool.
    TxAccepted {
        /// The node.
        node: NodeId,
        /// The transaction.
        txid: TxId,
        /// The neighbour it came from (none: from the node's own wallet or
        /// an action).
        from: Option<NodeId>,
    },
    /// A node refused a transaction.
    TxRejected {
        /// The node.
        node: NodeId,
        /// The transaction.
        txid: TxId,
        /// The kind of refusal.
        reject: TxRejectKind,
        /// Why, in words.
        reason: String,
    },
    /// A pending transaction left a mempool without being confirmed: the
    /// chain now holds a conflicting one (it lost a double spend, e.g. after
    /// a reorg), a higher fee replaced it, or it no longer applies.
    TxDropped {
        /// The node.
        node: NodeId,
        /// The transaction.
        txid: TxId,
        /// Why, in words.
        reason: String,
    },
    /// A node ran a deploy in a block it connected (once per node, and
    /// again if a reorg connects another block holding it).
    ContractDeployed {
        /// The node.
        node: NodeId,
        /// The deploy.
        txid: TxId,
        /// The block that ran it.
        block: BlockHash,
        /// Its height.
        height: u64,
        /// Who deployed it.
        deployer: Address,
        /// The fault in words with its line ("line 3: ..."), if it was
        /// reverted (then no contract exists at `receipt.contract`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fault: Option<String>,
        /// Contract address, gas used, fee, fault, events.
        receipt: Receipt,
    },
    /// A node ran a call in a block it connected.
    ContractCalled {
        /// The node.
        node: NodeId,
        /// The call.
        txid: TxId,
        /// The block that ran it.
        block: BlockHash,
        /// Its height.
        height: u64,
        /// Who called.
        caller: Address,
        /// The function called.
        function: String,
        /// The fault in words with its line, if it was reverted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fault: Option<String>,
        /// Contract, gas used, fee, fault, events, returned value.
        receipt: Receipt,
    },
    /// A relayer handed a relay (headers, lock proofs) to a node.
    RelayReceived {
        /// The node.
        node: NodeId,
        /// The relay transaction.
        txid: TxId,
        /// The chain its headers come from.
        source_chain: u32,
        /// Headers carried.
        headers: usize,
        /// Lock proofs carried.
        proofs: usize,
    },
    /// A node ran a relay in a block it connected: headers checked by the
    /// bridge's light client, proofs checked, coins minted (or refused).
    RelayApplied {
        /// The node.
        node: NodeId,
        /// The relay.
        txid: TxId,
        /// The block that ran it.
        block: BlockHash,
        /// Its height.
        height: u64,
        /// Headers taken, light client tip, minted, refused.
        receipt: RelayReceipt,
    },
    /// A block became final on a node (BFT engines).
    Finalized {
        /// The node.
        node: NodeId,
        /// Its height.
        height: u64,
        /// The block.
        hash: BlockHash,
    },
    /// The network was split.
    Partitioned {
        /// The groups, every node in exactly one.
        groups: Vec<Vec<NodeId>>,
    },
    /// Partitions ended.
    Healed,
    /// A link was cut.
    LinkCut {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
    },
    /// A cut link came back.
    LinkRestored {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
    },
    /// A node's behaviour changed.
    BehaviourChanged {
        /// The node.
        node: NodeId,
        /// Its new behaviour.
        behaviour: Behaviour,
    },
    /// A node's mining power changed.
    MiningPowerChanged {
        /// The node.
        node: NodeId,
        /// Hashes per simulated second.
        hashes_per_sec: u64,
    },
    /// A note from a node's consensus engine.
    Note {
        /// The node.
        node: NodeId,
        /// The text.
        text: String,
    },
    /// A node's consensus engine caught a validator breaking the protocol
    /// (BFT: two different votes or proposals for one step).
    Evidence {
        /// The node that caught it.
        node: NodeId,
        /// The validator.
        validator: Address,
        /// The height.
        height: u64,
        /// The round.
        round: u32,
        /// What it did.
        offence: Offence,
    },
    /// An admin approved (or proposed) a governance change on a node.
    ChangeApproved {
        /// The node whose wallet signed.
        node: NodeId,
        /// The admin.
        admin: Address,
        /// The change.
        change: Change,
        /// Organisations whose admins have approved so far.
        organisations: usize,
        /// Organisations needed (a majority).
        needed: usize,
    },
    /// A governance change took effect on a node's chain (its block is on
    /// the node's canonical chain).
    GovernanceApplied {
        /// The node.
        node: NodeId,
        /// The block's height.
        height: u64,
        /// The change.
        change: Change,
    },
}
