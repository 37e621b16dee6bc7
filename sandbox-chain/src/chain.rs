//! The chain: a tree of every valid block, the most-work branch as the
//! canonical chain, exact reorgs, and orphans held until their parent comes.
//!
//! A block is checked on arrival against everything that needs no ledger
//! (proof of work, Merkle root, signatures, height, time, target). Its
//! transactions are checked against the ledger when its branch becomes the
//! one with the most work; if one fails there, that block and everything
//! built on it are marked invalid and the chain settles on the best valid
//! branch. Switching branches rolls the ledger back block by block with
//! per-block undo records and forward by applying blocks again, so a reorg
//! away and back restores the exact ledger.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::block::{
    Block, BlockError, BlockReceipts, Paid, RelayTxReceipt, Seal, TxReceipt, apply_transaction,
};
use crate::bridge::mint::vault_address;
use crate::bridge::{LightClient, MintBridge};
use crate::consensus::{Consensus, ValidatorSet, poa, stake};
use crate::hash::{BlockHash, TxId};
use crate::identity::GovernanceError;
use crate::identity::{Consortium, Membership};
use crate::keys::{Address, PublicKey};
use crate::ledger::{Ledger, LedgerUndo};
use crate::merkle::merkle_root;
use crate::pow::{Header, Target, retarget};
use crate::tx::{Coinbase, SignedTransfer, Transaction, TxError};

/// Blocks held while their parent is unknown, at most.
pub const MAX_ORPHANS: usize = 256;

/// The rules of one chain. Every node of a chain must use the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainParams {
    /// This chain's id, signed into every transfer and header.
    pub chain_id: u32,
    /// New coins per block, paid by the coinbase.
    pub block_reward: Amount,
    /// The target of the genesis block and of the blocks until the first
    /// retarget.
    pub genesis_target: Target,
    /// The wanted time between blocks, in milliseconds.
    pub target_block_time_ms: u64,
    /// Retarget every this many blocks; 0 keeps the target fixed.
    pub retarget_interval: u64,
    /// The most transactions in a block, coinbase included.
    pub max_block_txs: u32,
    /// The genesis block's timestamp.
    pub genesis_timestamp_ms: u64,
    /// Starting balances, written into the genesis block as coinbases.
    pub allocations: Vec<Allocation>,
    /// How blocks are agreed on (absent in JSON: proof of work).
    #[serde(default, skip_serializing_if = "Consensus::is_proof_of_work")]
    pub consensus: Consensus,
    /// The organisations of a permissioned chain; absent for a public chain,
    /// where anyone may send transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consortium: Option<Consortium>,
    /// Lock-and-mint bridges from other chains: for each, the source
    /// chain's parameters (all its light client trusts) and the depth a
    /// lock needs. Absent in JSON: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bridges: Vec<BridgeParams>,
}

/// A lock-and-mint bridge from another chain into this one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeParams {
    /// The source chain's parameters (a proof-of-work chain).
    pub source: Box<ChainParams>,
    /// Confirmations a lock needs on the source chain before it mints.
    pub min_confirmations: u64,
}

/// A starting balance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// Who.
    pub address: Address,
    /// How much.
    pub amount: Amount,
}

impl ChainParams {
    /// Parameters for a lesson: chain 1, reward 50, `bits` leading zero bits
    /// of difficulty, 10 s blocks, retarget every 10 blocks.
    pub fn lesson(bits: u32, allocations: Vec<Allocation>) -> Self {
        ChainParams {
            chain_id: 1,
            block_reward: Amount::new(50),
            genesis_target: Target::from_leading_zero_bits(bits.min(255)).unwrap_or(Target::MAX),
            target_block_time_ms: 10_000,
            retarget_interval: 10,
            max_block_txs: 1_000,
            genesis_timestamp_ms: 0,
            allocations,
            consensus: Consensus::ProofOfWork,
            consortium: None,
            bridges: Vec::new(),
        }
    }

    /// The same parameters with another consensus. Proof of authority and
    /// BFT do no proof of work: their headers carry the largest target,
    /// which every hash meets, and the target never changes.
    pub fn with_consensus(mut self, consensus: Consensus) -> Self {
        if !consensus.is_proof_of_work() {
            self.genesis_target = Target::MAX;
        }
        self.consensus = consensus;
        self
    }

    /// The same parameters as a permissioned chain of these organisations.
    pub fn with_consortium(mut self, consortium: Consortium) -> Self {
        self.consortium = Some(consortium);
        self
    }

    /// The membership at genesis, for a permissioned chain.
    pub fn genesis_membership(&self) -> Option<Membership> {
        self.consortium
            .as_ref()
            .map(|c| Membership::genesis(c, self.consensus.validators()))
    }

    /// The genesis block: height 0, parent all zeros, one coinbase per
    /// allocation (merged per address, in address order), no proof of work.
    pub fn genesis_block(&self) -> Block {
        let mut merged: BTreeMap<Address, Amount> = BTreeMap::new();
        for a in &self.allocations {
            let slot = merged.entry(a.address).or_default();
            *slot = slot.checked_add(a.amount).unwrap_or(Amount::MAX);
        }
        let txs: Vec<Transaction> = merged
            .into_iter()
            .map(|(to, amount)| {
                Transaction::Coinbase(Coinbase {
                    height: 0,
                    to,
                    amount,
                })
            })
            .collect();
        let txids: Vec<TxId> = txs.iter().map(Transaction::id).collect();
        Block::new(
            Header {
                chain_id: self.chain_id,
                height: 0,
                parent: BlockHash::ZERO,
                merkle_root: merkle_root(&txids),
                timestamp_ms: self.genesis_timestamp_ms,
                target: self.genesis_target,
                nonce: 0,
            },
            txs,
        )
    }

    /// The ledger right after genesis: the allocations, and an empty
    /// bridge (a light client knowing only the source's genesis) per
    /// [`BridgeParams`], its vault at `bridge::mint::vault_address(source,
    /// this chain)`.
    pub fn genesis_ledger(&self) -> Ledger {
        let mut ledger = Ledger::new();
        for b in &self.bridges {
            let source = b.source.chain_id;
            ledger.set_bridge(
                source,
                MintBridge::new(
                    LightClient::new(&b.source),
                    vault_address(source, self.chain_id),
                    b.min_confirmations,
                ),
            );
        }
        for tx in self.genesis_block().txs {
            if let Transaction::Coinbase(c) = tx {
                // Cannot overflow: genesis_block saturates merged amounts,
                // and each address appears once.
                let _ = ledger.credit(c.to, c.amount);
            }
        }
        ledger
    }
}

/// Why a block was not added to the tree.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The block breaks a rule.
    #[error(transparent)]
    Block(#[from] BlockError),
    /// The block builds on a block known to be invalid.
    #[error("block {hash} builds on block {parent}, which is invalid")]
    InvalidParent {
        /// The block.
        hash: BlockHash,
        /// Its invalid ancestor.
        parent: BlockHash,
    },
    /// The block itself was found invalid before.
    #[error("block {hash} was already found invalid")]
    KnownInvalid {
        /// The block.
        hash: BlockHash,
    },
    /// Too many blocks wait for unknown parents.
    #[error(
        "{max} blocks already wait for unknown parents; block {hash} is refused (ask for its parent {parent} first)"
    )]
    OrphanPoolFull {
        /// The block.
        hash: BlockHash,
        /// Its missing parent.
        parent: BlockHash,
        /// The limit.
        max: usize,
    },
    /// A second genesis block.
    #[error("block {hash} claims height 0 but this chain's genesis is {genesis}")]
    OtherGenesis {
        /// The block.
        hash: BlockHash,
        /// This chain's genesis.
        genesis: BlockHash,
    },
}

/// Where a newly inserted block went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Placement {
    /// The block was already in the tree (or held as an orphan).
    AlreadyKnown,
    /// Held until its parent arrives.
    Orphan {
        /// The missing parent.
        missing_parent: BlockHash,
    },
    /// Stored on a branch with less work than the tip (or an equal amount:
    /// the first branch seen keeps the tip).
    SideBranch,
    /// The block is (on) the new canonical chain.
    Canonical,
}

/// How the tip moved during one insert.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TipChange {
    /// The tip before.
    pub old_tip: BlockHash,
    /// The tip after.
    pub new_tip: BlockHash,
    /// The last block both branches share.
    pub fork_point: BlockHash,
    /// Blocks taken off the canonical chain, tip first. Non-empty means a reorg.
    pub disconnected: Vec<BlockHash>,
    /// Blocks put on the canonical chain, oldest first.
    pub connected: Vec<BlockHash>,
}

impl TipChange {
    /// Whether blocks were taken off the canonical chain.
    pub fn is_reorg(&self) -> bool {
        !self.disconnected.is_empty()
    }
}

/// What one call to [`Chain::insert`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertReport {
    /// The inserted block.
    pub hash: BlockHash,
    /// Where it went.
    pub placement: Placement,
    /// Orphans that were waiting for it (or for them) and are now stored.
    pub adopted_orphans: Vec<BlockHash>,
    /// Blocks found invalid while switching branches, with the reason.
    pub invalidated: Vec<(BlockHash, BlockError)>,
    /// How the tip moved, if it did.
    pub tip_change: Option<TipChange>,
}

/// A stored block and what the tree knows of it.
#[derive(Clone, Debug)]
struct Entry {
    block: Arc<Block>,
    /// Proof of work: the branch's total work. Proof of authority: its
    /// total weight (2 per in-turn block, 1 per other). BFT: its length.
    cumulative_work: u128,
    /// Arrival order: among equal work, the earlier block keeps the tip.
    seq: u64,
    /// The membership after this block (permissioned chains only). It
    /// depends only on governance transactions, never on balances, so it
    /// is known as soon as the block is stored.
    membership: Option<Arc<Membership>>,
}

/// A view of one stored block, for drawing the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockInfo {
    /// Its hash.
    pub hash: BlockHash,
    /// Its parent.
    pub parent: BlockHash,
    /// Its height.
    pub height: u64,
    /// Total work of the branch ending in it.
    pub cumulative_work: u128,
    /// Whether it is on the canonical chain.
    pub canonical: bool,
    /// Who produced it (the coinbase's recipient).
    pub producer: Option<Address>,
    /// Number of transactions, coinbase included.
    pub tx_count: usize,
}

/// A node's block tree with its canonical chain and the ledger at its tip.
#[derive(Clone, Debug)]
pub struct Chain {
    params: ChainParams,
    entries: BTreeMap<BlockHash, Entry>,
    children: BTreeMap<BlockHash, Vec<BlockHash>>,
    /// Orphans by missing parent.
    orphans: BTreeMap<BlockHash, Vec<Arc<Block>>>,
    orphan_count: usize,
    invalid: BTreeSet<BlockHash>,
    /// The canonical chain, by height.
    canonical: Vec<BlockHash>,
    /// Undo records of canonical blocks: prior values of touched accounts.
    undo: BTreeMap<BlockHash, LedgerUndo>,
    /// Where each canonical transaction is.
    tx_index: BTreeMap<TxId, BlockHash>,
    /// Receipts of the deploys and calls of every block ever connected. A
    /// block's receipts depend only on its ancestry, so they never change
    /// and stay when a reorg disconnects it.
    receipts: BTreeMap<BlockHash, Arc<BlockReceipts>>,
    ledger: Ledger,
    next_seq: u64,
    genesis_block: Arc<Block>,
}

impl Chain {
    /// A chain holding only the genesis block of `params`.
    pub fn new(params: ChainParams) -> Self {
        let genesis = Arc::new(params.genesis_block());
        let hash = genesis.hash();
        let ledger = params.genesis_ledger();
        let mut tx_index = BTreeMap::new();
        for txid in genesis.txids() {
            tx_index.insert(txid, hash);
        }
        let work = if params.consensus.is_proof_of_work() {
            genesis.header.target.work()
        } else {
            0
        };
        let mut entries = BTreeMap::new();
        entries.insert(
            hash,
            Entry {
                block: Arc::clone(&genesis),
                cumulative_work: work,
                seq: 0,
                membership: params.genesis_membership().map(Arc::new),
            },
        );
        Chain {
            params,
            entries,
            children: BTreeMap::new(),
            orphans: BTreeMap::new(),
            orphan_count: 0,
            invalid: BTreeSet::new(),
            canonical: vec![hash],
            undo: BTreeMap::new(),
            tx_index,
            receipts: BTreeMap::new(),
            ledger,
            next_seq: 1,
            genesis_block: genesis,
        }
    }

    /// The chain's rules.
    pub fn params(&self) -> &ChainParams {
        &self.params
    }

    /// The genesis block's hash.
    pub fn genesis(&self) -> BlockHash {
        self.canonical.first().copied().unwrap_or_default()
    }

    /// The tip of the canonical chain.
    pub fn tip(&self) -> BlockHash {
        self.canonical.last().copied().unwrap_or_default()
    }

    /// The tip block.
    pub fn tip_block(&self) -> &Block {
        // The tip is always stored; genesis is the fallback of a broken
        // invariant, never a panic.
        self.entries
            .get(&self.tip())
            .map_or(&self.genesis_block, |e| &e.block)
    }

    /// The height of the tip.
    pub fn height(&self) -> u64 {
        u64::try_from(self.canonical.len())
            .unwrap_or(u64::MAX)
            .saturating_sub(1)
    }

    /// The ledger after the tip.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The canonical chain's total work.
    pub fn tip_work(&self) -> u128 {
        self.entries
            .get(&self.tip())
            .map_or(0, |e| e.cumulative_work)
    }

    /// A stored block.
    pub fn get(&self, hash: &BlockHash) -> Option<&Block> {
        self.entries.get(hash).map(|e| e.block.as_ref())
    }

    /// A stored block, shared.
    pub fn get_arc(&self, hash: &BlockHash) -> Option<Arc<Block>> {
        self.entries.get(hash).map(|e| Arc::clone(&e.block))
    }

    /// Whether the block is stored (not counting orphans).
    pub fn contains(&self, hash: &BlockHash) -> bool {
        self.entries.contains_key(hash)
    }

    /// Whether the block is held as an orphan.
    pub fn is_orphan(&self, hash: &BlockHash) -> bool {
        self.orphans.values().flatten().any(|b| b.hash() == *hash)
    }

    /// The orphans held (blocks whose parent has not arrived), as (hash,
    /// missing parent, height), by parent then arrival.
    pub fn orphans(&self) -> Vec<(BlockHash, BlockHash, u64)> {
        self.orphans
            .iter()
            .flat_map(|(parent, blocks)| blocks.iter().map(|b| (b.hash(), *parent, b.height())))
            .collect()
    }

    /// Whether the block was found invalid.
    pub fn is_invalid(&self, hash: &BlockHash) -> bool {
        self.invalid.contains(hash)
    }

    /// The canonical block at `height`.
    pub fn canonical_at(&self, height: u64) -> Option<BlockHash> {
        usize::try_from(height)
            .ok()
            .and_then(|h| self.canonical.get(h))
            .copied()
    }

    /// Whether the block is on the canonical chain.
    pub fn is_canonical(&self, hash: &BlockHash) -> bool {
        self.entries
            .get(hash)
            .is_some_and(|e| self.canonical_at(e.block.height()) == Some(*hash))
    }

    /// The canonical chain, genesis first.
    pub fn canonical_chain(&self) -> &[BlockHash] {
        &self.canonical
    }

    /// Total work of the branch ending in `hash`.
    pub fn cumulative_work(&self, hash: &BlockHash) -> Option<u128> {
        self.entries.get(hash).map(|e| e.cumulative_work)
    }

    /// Children of a stored block.
    pub fn children(&self, hash: &BlockHash) -> &[BlockHash] {
        self.children.get(hash).map_or(&[], Vec::as_slice)
    }

    /// Every stored block, by height then hash, for drawing the tree.
    pub fn blocks(&self) -> Vec<BlockInfo> {
        let mut out: Vec<BlockInfo> = self
            .entries
            .iter()
            .map(|(hash, e)| BlockInfo {
                hash: *hash,
                parent: e.block.header.parent,
                height: e.block.height(),
                cumulative_work: e.cumulative_work,
                canonical: self.canonical_at(e.block.height()) == Some(*hash),
                producer: e.block.producer(),
                tx_count: e.block.txs.len(),
            })
            .collect();
        out.sort_by_key(|b| (b.height, b.hash));
        out
    }

    /// The canonical block holding `txid`, and its number of confirmations
    /// (1 when it is in the tip).
    pub fn find_tx(&self, txid: &TxId) -> Option<(BlockHash, u64)> {
        let block = *self.tx_index.get(txid)?;
        let height = self.entries.get(&block)?.block.height();
        Some((
            block,
            self.height().saturating_sub(height).saturating_add(1),
        ))
    }

    /// The receipts of the deploys and calls of a block that has been on
    /// the canonical chain (empty for a block without any; `None` for a
    /// block never connected).
    pub fn receipts(&self, block: &BlockHash) -> Option<&[TxReceipt]> {
        self.receipts.get(block).map(|r| &r.contracts[..])
    }

    /// The receipts of the relays of a block that has been on the
    /// canonical chain.
    pub fn relay_receipts(&self, block: &BlockHash) -> Option<&[RelayTxReceipt]> {
        self.receipts.get(block).map(|r| &r.relays[..])
    }

    /// The receipt of a canonical deploy or call, with its block.
    pub fn receipt(&self, txid: &TxId) -> Option<(BlockHash, &TxReceipt)> {
        let block = *self.tx_index.get(txid)?;
        let r = self
            .receipts
            .get(&block)?
            .contracts
            .iter()
            .find(|r| r.txid == *txid)?;
        Some((block, r))
    }

    /// The target a child of `parent` must carry. Every
    /// `retarget_interval` blocks the target is scaled by how long the last
    /// blocks took compared with how long they should have taken.
    pub fn next_target(&self, parent: &BlockHash) -> Option<Target> {
        let p = self.entries.get(parent)?;
        let height = p.block.height().checked_add(1)?;
        if !self.params.consensus.is_proof_of_work() {
            return Some(p.block.header.target);
        }
        let interval = self.params.retarget_interval;
        if height.checked_rem(interval).is_none_or(|r| r != 0) {
            return Some(p.block.header.target);
        }
        // Compare the last `interval` block intervals (fewer at the first
        // retarget, which can only look back to genesis).
        let first_height = height.saturating_sub(1).saturating_sub(interval);
        let first = self.ancestor_at(parent, first_height)?;
        let intervals = p.block.height().saturating_sub(first.height());
        let actual = p
            .block
            .header
            .timestamp_ms
            .saturating_sub(first.header.timestamp_ms);
        let expected = intervals.saturating_mul(self.params.target_block_time_ms);
        Some(retarget(p.block.header.target, actual, expected))
    }

    /// The ancestor of `hash` (or itself) at `height`.
    pub fn ancestor_at(&self, hash: &BlockHash, height: u64) -> Option<&Block> {
        if self.is_canonical(hash) {
            return self.canonical_at(height).and_then(|h| self.get(&h));
        }
        let mut cur = self.entries.get(hash)?;
        while cur.block.height() > height {
            cur = self.entries.get(&cur.block.header.parent)?;
        }
        (cur.block.height() == height).then_some(cur.block.as_ref())
    }

    /// An unmined block on top of the tip paying `miner` the reward plus
    /// the fees of `transfers` (taken in order, as given).
    pub fn block_template(
        &self,
        miner: Address,
        transfers: Vec<SignedTransfer>,
        timestamp_ms: u64,
    ) -> Block {
        self.block_template_txs(
            miner,
            transfers.into_iter().map(Transaction::Transfer).collect(),
            timestamp_ms,
        )
    }

    /// An unmined block on top of the tip with `txs` (transfers, deploys,
    /// calls, governance; in order, as given, even if one does not apply:
    /// a lesson may build an invalid block on purpose). They are run on a
    /// copy of the tip's ledger to learn what the deploys and calls pay for
    /// gas, and the coinbase pays `miner` the reward plus every fee (see
    /// [`Block::apply_with_receipts`]; a transfer counts its `fee` whether
    /// or not it applies, a contract transaction that does not apply
    /// counts nothing).
    pub fn block_template_txs(
        &self,
        miner: Address,
        txs: Vec<Transaction>,
        timestamp_ms: u64,
    ) -> Block {
        let parent = self.tip_block();
        let height = parent.height().saturating_add(1);
        let mut scratch = self.ledger.clone();
        let mut fees = Amount::ZERO;
        let mut included = Vec::with_capacity(txs.len().saturating_add(1));
        for tx in txs {
            if matches!(tx, Transaction::Coinbase(_)) {
                continue;
            }
            let paid = match apply_transaction(&mut scratch, &tx, height, miner) {
                Ok(Paid::Gas(receipt)) => receipt.fee,
                Ok(Paid::Fee(_) | Paid::Relay(_)) | Err(_) => tx.fee(),
            };
            fees = fees.checked_add(paid).unwrap_or(Amount::MAX);
            included.push(tx);
        }
        let coinbase = Coinbase {
            height,
            to: miner,
            amount: self
                .params
                .block_reward
                .checked_add(fees)
                .unwrap_or(Amount::MAX),
        };
        let mut all = Vec::with_capacity(included.len().saturating_add(1));
        all.push(Transaction::Coinbase(coinbase));
        all.extend(included);
        let txids: Vec<TxId> = all.iter().map(Transaction::id).collect();
        Block::new(
            Header {
                chain_id: self.params.chain_id,
                height,
                parent: self.tip(),
                merkle_root: merkle_root(&txids),
                timestamp_ms: timestamp_ms.max(parent.header.timestamp_ms.saturating_add(1)),
                target: self
                    .next_target(&self.tip())
                    .unwrap_or(parent.header.target),
                nonce: 0,
            },
            all,
        )
    }

    /// Adds a block to the tree: checks it, stores it (or holds it as an
    /// orphan), adopts orphans waiting for it, and moves the tip to the
    /// valid branch with the most work.
    pub fn insert(&mut self, block: impl Into<Arc<Block>>) -> Result<InsertReport, ChainError> {
        let block: Arc<Block> = block.into();
        let hash = block.hash();
        let old_tip = self.tip();
        let mut report = InsertReport {
            hash,
            placement: Placement::AlreadyKnown,
            adopted_orphans: Vec::new(),
            invalidated: Vec::new(),
            tip_change: None,
        };
        if self.invalid.contains(&hash) {
            return Err(ChainError::KnownInvalid { hash });
        }
        if self.entries.contains_key(&hash) || self.is_orphan(&hash) {
            return Ok(report);
        }
        block.check_stateless(
            self.params.chain_id,
            self.params.max_block_txs,
            self.params.consensus.is_proof_of_work(),
        )?;
        if block.height() == 0 {
            return Err(ChainError::OtherGenesis {
                hash,
                genesis: self.genesis(),
            });
        }
        let parent = block.header.parent;
        if self.invalid.contains(&parent) {
            self.invalid.insert(hash);
            return Err(ChainError::InvalidParent { hash, parent });
        }
        if !self.entries.contains_key(&parent) {
            if self.orphan_count >= MAX_ORPHANS {
                return Err(ChainError::OrphanPoolFull {
                    hash,
                    parent,
                    max: MAX_ORPHANS,
                });
            }
            self.orphans.entry(parent).or_default().push(block);
            self.orphan_count = self.orphan_count.saturating_add(1);
            report.placement = Placement::Orphan {
                missing_parent: parent,
            };
            return Ok(report);
        }
        self.store(block)?;
        // Adopt orphans, breadth first.
        let mut ready = vec![hash];
        while let Some(h) = ready.pop() {
            for orphan in self.orphans.remove(&h).unwrap_or_default() {
                self.orphan_count = self.orphan_count.saturating_sub(1);
                let oh = orphan.hash();
                match self.store(orphan) {
                    Ok(()) => {
                        report.adopted_orphans.push(oh);
                        ready.push(oh);
                    }
                    Err(ChainError::Block(e)) => report.invalidated.push((oh, e)),
                    Err(_) => {}
                }
            }
        }
        // Try the best candidates until one connects.
        let mut candidates: Vec<BlockHash> = report.adopted_orphans.clone();
        candidates.push(hash);
        let mut best = self.best_of(&candidates);
        while let Some(cand) = best {
            match self.switch_to(cand) {
                Ok(()) => break,
                Err((bad, e)) => {
                    self.mark_invalid(bad);
                    report.invalidated.push((bad, e));
                    best = self.best_of_all();
                }
            }
        }
        if self.invalid.contains(&hash) {
            // The block, or a block it builds on, broke a ledger rule: the
            // tree is back on a valid best chain, and the caller learns why.
            let own = report.invalidated.iter().find(|(h, _)| *h == hash);
            return Err(match own.or(report.invalidated.first()) {
                Some((_, e)) => ChainError::Block(e.clone()),
                None => ChainError::KnownInvalid { hash },
            });
        }
        report.placement = if self.is_canonical(&hash) {
            Placement::Canonical
        } else {
            Placement::SideBranch
        };
        let new_tip = self.tip();
        if new_tip != old_tip {
            report.tip_change = Some(self.tip_change(old_tip, new_tip));
        }
        Ok(report)
    }

    /// Contextual checks against the parent, then store.
    fn store(&mut self, block: Arc<Block>) -> Result<(), ChainError> {
        let hash = block.hash();
        let parent_hash = block.header.parent;
        if self.invalid.contains(&parent_hash) {
            self.invalid.insert(hash);
            return Err(ChainError::InvalidParent {
                hash,
                parent: parent_hash,
            });
        }
        let Some(parent) = self.entries.get(&parent_hash) else {
            return Err(ChainError::InvalidParent {
                hash,
                parent: parent_hash,
            });
        };
        let h = block.header.height;
        let parent_height = parent.block.height();
        if Some(h) != parent_height.checked_add(1) {
            return Err(BlockError::WrongHeight {
                hash,
                found: h,
                parent: parent_height,
            }
            .into());
        }
        let parent_time = parent.block.header.timestamp_ms;
        if block.header.timestamp_ms <= parent_time {
            return Err(BlockError::TimeNotAfterParent {
                height: h,
                found: block.header.timestamp_ms,
                parent: parent_time,
            }
            .into());
        }
        let (weight, membership) = self.check_consensus(&block, parent)?;
        let cumulative_work = parent.cumulative_work.saturating_add(weight);
        let expected = self
            .next_target(&parent_hash)
            .unwrap_or(block.header.target);
        if block.header.target != expected {
            return Err(BlockError::WrongTarget {
                height: h,
                found: block.header.target,
                expected,
            }
            .into());
        }
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        self.entries.insert(
            hash,
            Entry {
                block,
                cumulative_work,
                seq,
                membership,
            },
        );
        self.children.entry(parent_hash).or_default().push(hash);
        Ok(())
    }

    /// The consensus rules of a block that need its parent but no ledger:
    /// its seal, and on a permissioned chain its senders' membership and its
    /// governance changes. Returns the block's fork-choice weight and the
    /// membership after it.
    fn check_consensus(
        &self,
        block: &Block,
        parent: &Entry,
    ) -> Result<(u128, Option<Arc<Membership>>), BlockError> {
        let height = block.height();
        let validators = self.validators_of(parent);
        let consensus = self.params.consensus.name();
        let wrong_seal = |expected| BlockError::WrongSeal {
            height,
            consensus,
            found: block.seal.describe(),
            expected,
        };
        let weight = match (&self.params.consensus, &block.seal) {
            (Consensus::ProofOfWork, Seal::None) => block.header.target.work(),
            (Consensus::ProofOfWork, _) => return Err(wrong_seal(Seal::None.describe())),
            (Consensus::Authority { .. }, Seal::Authority(seal)) => {
                self.check_authority(block, parent, seal, &validators)?
            }
            (Consensus::Authority { .. }, _) => return Err(wrong_seal("an authority seal")),
            (Consensus::Stake { .. }, Seal::Authority(seal)) => {
                self.check_stake(block, parent, seal, &validators)?
            }
            (Consensus::Stake { .. }, _) => return Err(wrong_seal("an authority seal")),
            (Consensus::Bft { .. }, Seal::Commit(cert)) => {
                let hash = block.hash();
                cert.verify(
                    self.params.chain_id,
                    &ValidatorSet::new(validators),
                    &hash,
                    height,
                )
                .map_err(|error| BlockError::Certificate { height, error })?;
                // Final blocks are never replaced: a block must not
                // compete with a canonical block at its height or its
                // parent's.
                for (h, mine) in [
                    (height, hash),
                    (height.saturating_sub(1), block.header.parent),
                ] {
                    if let Some(finalised) = self.canonical_at(h)
                        && finalised != mine
                    {
                        return Err(BlockError::ConflictsWithFinal {
                            height: h,
                            hash,
                            finalised,
                        });
                    }
                }
                1
            }
            (Consensus::Bft { .. }, _) => return Err(wrong_seal("a commit certificate")),
        };
        let Some(before) = &parent.membership else {
            if let Some(index) = block.txs.iter().position(|t| t.as_governance().is_some()) {
                return Err(BlockError::Tx {
                    height,
                    index,
                    error: GovernanceError::NotPermissioned.into(),
                });
            }
            return Ok((weight, None));
        };
        let mut after: Option<Membership> = None;
        for (index, tx) in block.txs.iter().enumerate() {
            let tx_error = |error: TxError| BlockError::Tx {
                height,
                index,
                error,
            };
            match tx {
                Transaction::Transfer(_) | Transaction::Deploy(_) | Transaction::Call(_) => {
                    if let Some((from, _)) = tx.sender_nonce() {
                        before.check_sender(from).map_err(|e| tx_error(e.into()))?;
                    }
                }
                Transaction::Governance(g) => {
                    let current = after.as_ref().unwrap_or(before);
                    after = Some(current.apply(g).map_err(|e| tx_error(e.into()))?);
                }
                Transaction::Coinbase(_) | Transaction::Relay(_) => {}
            }
        }
        let membership = match after {
            Some(m) => Arc::new(m),
            None => Arc::clone(before),
        };
        Ok((weight, Some(membership)))
    }

    // ANCHOR: check_authority
    /// Proof-of-authority rules (see [`poa`]): a sealer among the
    /// authorities, a valid signature, not too early, not sealed too often.
    fn check_authority(
        &self,
        block: &Block,
        parent: &Entry,
        seal: &poa::AuthoritySeal,
        validators: &[PublicKey],
    ) -> Result<u128, BlockError> {
        let height = block.height();
        let key = seal.signer;
        let signer = key.address();
        if !validators.contains(&key) {
            return Err(BlockError::NotAnAuthority { height, signer });
        }
        seal.verify(&block.hash())
            .map_err(|_| BlockError::BadSeal { height, signer })?;
        let in_turn = poa::in_turn(validators, height) == Some(&key);
        let earliest = poa::earliest_time(
            parent.block.header.timestamp_ms,
            self.params.target_block_time_ms,
            in_turn,
        );
        if block.header.timestamp_ms < earliest {
            return Err(BlockError::TooEarly {
                height,
                found: block.header.timestamp_ms,
                earliest,
                in_turn,
            });
        }
        let window = poa::recent_window(validators.len());
        let mut cur = Some(parent);
        for _ in 0..window {
            let Some(e) = cur else { break };
            if let Seal::Authority(s) = &e.block.seal
                && s.signer == key
            {
                return Err(BlockError::SealedRecently {
                    height,
                    signer,
                    window,
                });
            }
            cur = self.entries.get(&e.block.header.parent);
        }
        Ok(poa::weight(validators, height, &key))
    }
    // ANCHOR_END: check_authority

    /// Proof-of-stake rules (see [`stake`]): a sealer with stake, a valid
    /// signature, not before its place in the height's stake-weighted
    /// order allows. Returns the block's weight.
    fn check_stake(
        &self,
        block: &Block,
        parent: &Entry,
        seal: &poa::AuthoritySeal,
        validators: &[PublicKey],
    ) -> Result<u128, BlockError> {
        let height = block.height();
        let key = seal.signer;
        let signer = key.address();
        let stakes = self.stakes_of(validators);
        if !stakes.iter().any(|s| s.key == key && s.stake > 0) {
            return Err(BlockError::NoStake { height, signer });
        }
        seal.verify(&block.hash())
            .map_err(|_| BlockError::BadSeal { height, signer })?;
        let parent_hash = block.header.parent;
        let rank = stake::rank(&stakes, &parent_hash, height, &key)
            .ok_or(BlockError::NoStake { height, signer })?;
        let earliest = stake::earliest_time(
            parent.block.header.timestamp_ms,
            self.params.target_block_time_ms,
            rank,
            stakes.len(),
        );
        if block.header.timestamp_ms < earliest {
            return Err(BlockError::TooEarly {
                height,
                found: block.header.timestamp_ms,
                earliest,
                in_turn: rank == 0,
            });
        }
        Ok(stake::weight(rank))
    }

    /// `validators` with their stakes from the chain's parameters (0 for
    /// a validator the parameters give none, e.g. one a consortium added).
    fn stakes_of(&self, validators: &[PublicKey]) -> Vec<stake::Stake> {
        validators
            .iter()
            .map(|key| stake::Stake {
                key: *key,
                stake: self.params.consensus.stake_of(key),
            })
            .collect()
    }

    /// The validators and their stakes for the block after `hash` on a
    /// proof-of-stake chain (empty on any other chain).
    pub fn stakes_after(&self, hash: &BlockHash) -> Vec<stake::Stake> {
        if !matches!(self.params.consensus, Consensus::Stake { .. }) {
            return Vec::new();
        }
        self.validators_after(hash)
            .map(|v| self.stakes_of(&v))
            .unwrap_or_default()
    }

    /// The validators for the child of `entry`: the membership's on a
    /// permissioned chain, the consensus parameters' otherwise.
    fn validators_of(&self, entry: &Entry) -> Vec<PublicKey> {
        match &entry.membership {
            Some(m) => m.validators().to_vec(),
            None => self.params.consensus.validators().to_vec(),
        }
    }

    /// The validators (or authorities) for the block after `hash`, in
    /// rotation order; empty for proof of work.
    pub fn validators_after(&self, hash: &BlockHash) -> Option<Vec<PublicKey>> {
        self.entries.get(hash).map(|e| self.validators_of(e))
    }

    /// The validators for the next block on the tip.
    pub fn validators(&self) -> Vec<PublicKey> {
        self.validators_after(&self.tip()).unwrap_or_default()
    }

    /// The membership after the tip (permissioned chains only). Its
    /// [`Membership::root`] belongs in any digest of the node's state.
    pub fn membership(&self) -> Option<&Membership> {
        self.entries
            .get(&self.tip())
            .and_then(|e| e.membership.as_deref())
    }

    /// The membership after a stored block (permissioned chains only).
    pub fn membership_after(&self, hash: &BlockHash) -> Option<&Membership> {
        self.entries.get(hash).and_then(|e| e.membership.as_deref())
    }

    /// Whether `key` may send a transfer on top of the tip: anyone on a
    /// public chain, members only on a permissioned one.
    pub fn check_sender(&self, key: &PublicKey) -> Result<(), TxError> {
        match self.membership() {
            Some(m) => m.check_sender(key).map_err(TxError::from),
            None => Ok(()),
        }
    }

    // ANCHOR: fork_choice
    /// The candidate among `hashes` with more work than the tip (most work,
    /// then earliest arrival).
    fn best_of(&self, hashes: &[BlockHash]) -> Option<BlockHash> {
        let tip_work = self.tip_work();
        hashes
            .iter()
            .filter(|h| !self.invalid.contains(h))
            .filter_map(|h| self.entries.get(h).map(|e| (h, e)))
            .filter(|(_, e)| e.cumulative_work > tip_work)
            .max_by(|(_, a), (_, b)| {
                a.cumulative_work
                    .cmp(&b.cumulative_work)
                    .then(b.seq.cmp(&a.seq))
            })
            .map(|(h, _)| *h)
    }
    // ANCHOR_END: fork_choice

    /// The valid stored block with more work than the tip, if any.
    fn best_of_all(&self) -> Option<BlockHash> {
        let all: Vec<BlockHash> = self.entries.keys().copied().collect();
        self.best_of(&all)
    }

    /// Marks a block and all its descendants invalid and drops them.
    fn mark_invalid(&mut self, hash: BlockHash) {
        let mut stack = vec![hash];
        while let Some(h) = stack.pop() {
            self.invalid.insert(h);
            if let Some(kids) = self.children.remove(&h) {
                stack.extend(kids);
            }
            if let Some(e) = self.entries.remove(&h)
                && let Some(siblings) = self.children.get_mut(&e.block.header.parent)
            {
                siblings.retain(|s| *s != h);
            }
        }
    }

    /// The path from the fork point of `a` and `b` to each.
    fn fork_paths(
        &self,
        a: BlockHash,
        b: BlockHash,
    ) -> Option<(BlockHash, Vec<BlockHash>, Vec<BlockHash>)> {
        let (mut x, mut y) = (a, b);
        let (mut from_a, mut from_b) = (Vec::new(), Vec::new());
        let height = |h: &BlockHash| self.entries.get(h).map(|e| e.block.height());
        while x != y {
            let (hx, hy) = (height(&x)?, height(&y)?);
            if hx >= hy {
                from_a.push(x);
                x = self.entries.get(&x)?.block.header.parent;
            }
            if hy >= hx {
                from_b.push(y);
                y = self.entries.get(&y)?.block.header.parent;
            }
        }
        from_b.reverse();
        Some((x, from_a, from_b))
    }

    fn tip_change(&self, old_tip: BlockHash, new_tip: BlockHash) -> TipChange {
        // Both tips are stored: a canonical block is never marked invalid.
        let (fork_point, disconnected, connected) =
            self.fork_paths(old_tip, new_tip)
                .unwrap_or((self.genesis(), Vec::new(), Vec::new()));
        TipChange {
            old_tip,
            new_tip,
            fork_point,
            disconnected,
            connected,
        }
    }

    /// Makes `target` the tip: rolls back to the fork point, then applies
    /// the target's branch. If a block of that branch is invalid, restores
    /// the previous canonical chain exactly and returns the bad block.
    fn switch_to(&mut self, target: BlockHash) -> Result<(), (BlockHash, BlockError)> {
        let old_tip = self.tip();
        let Some((_, down, up)) = self.fork_paths(old_tip, target) else {
            return Ok(());
        };
        for h in &down {
            self.disconnect(h);
        }
        let mut connected = Vec::new();
        for h in &up {
            match self.connect(h) {
                Ok(()) => connected.push(*h),
                Err(e) => {
                    for c in connected.iter().rev() {
                        self.disconnect(c);
                    }
                    for d in down.iter().rev() {
                        // These blocks were canonical a moment ago.
                        let _ = self.connect(d);
                    }
                    return Err((*h, e));
                }
            }
        }
        Ok(())
    }

    fn connect(&mut self, hash: &BlockHash) -> Result<(), BlockError> {
        let Some(entry) = self.entries.get(hash) else {
            return Ok(());
        };
        self.check_relays_not_applied(&entry.block)?;
        let block = Arc::clone(&entry.block);
        // In place: the undo record is what the block touched, so connecting
        // costs O(touched accounts), not a copy and a diff of the ledger.
        let (undo, receipts) = block.apply_in_place(&mut self.ledger, self.params.block_reward)?;
        self.receipts.insert(*hash, Arc::new(receipts));
        self.undo.insert(*hash, undo);
        for txid in block.txids() {
            self.tx_index.insert(txid, *hash);
        }
        self.canonical.push(*hash);
        Ok(())
    }

    fn disconnect(&mut self, hash: &BlockHash) {
        if let Some(undo) = self.undo.remove(hash) {
            self.ledger.restore(&undo);
        }
        if let Some(e) = self.entries.get(hash) {
            for txid in e.block.txids() {
                if self.tx_index.get(&txid) == Some(hash) {
                    self.tx_index.remove(&txid);
                }
            }
        }
        if self.canonical.last() == Some(hash) {
            self.canonical.pop();
        }
    }

    /// `Err` if the relay `txid` is already on the canonical chain. Every
    /// other kind of transaction carries a nonce (or, a coinbase, its
    /// height), so the ledger refuses its replay; a relay carries neither,
    /// so the chain refuses it by id. Nodes ask this before they take a
    /// relay for their next block.
    pub fn check_relay_not_applied(&self, txid: &TxId) -> Result<(), TxError> {
        match self.tx_index.get(txid) {
            Some(block) => Err(TxError::RelayAlreadyApplied {
                block: *block,
                height: self.get(block).map_or(0, Block::height),
            }),
            None => Ok(()),
        }
    }

    /// A block connects on top of the canonical chain, which is then exactly
    /// its ancestry: none of its relays may be on it already.
    fn check_relays_not_applied(&self, block: &Block) -> Result<(), BlockError> {
        for (index, tx) in block.txs.iter().enumerate() {
            if let Transaction::Relay(_) = tx {
                self.check_relay_not_applied(&tx.id())
                    .map_err(|error| BlockError::Tx {
                        height: block.height(),
                        index,
                        error,
                    })?;
            }
        }
        Ok(())
    }

    /// The blocks of the canonical chain after genesis, oldest first, for
    /// export.
    pub fn canonical_blocks(&self) -> Vec<Arc<Block>> {
        self.canonical
            .iter()
            .skip(1)
            .filter_map(|h| self.get_arc(h))
            .collect()
    }

    /// Every stored block except genesis, parents before children (for
    /// export of the whole tree).
    pub fn all_blocks(&self) -> Vec<Arc<Block>> {
        let mut all: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| e.block.height() > 0)
            .collect();
        all.sort_by_key(|e| (e.block.height(), e.seq));
        all.into_iter().map(|e| Arc::clone(&e.block)).collect()
    }
}
