//! The mempool: valid transfers waiting for a block, one pool per node.
//!
//! Contract deploys and calls wait here too, under the same rules: they
//! carry the sender's next nonce like a transfer, and what they may spend
//! counts as their "amount plus fee": `gas_limit × gas_price` for a deploy,
//! `value + gas_limit × gas_price` for a call (the most they can cost; the
//! receipt says what they did cost). Their "fee" for ordering, replacement
//! and eviction is that most they can pay, `gas_limit × gas_price`. The
//! transfer-only accessors ([`Mempool::get`], [`Mempool::iter`],
//! [`Mempool::pending_from`], [`Mempool::select`]) skip them; the `_txs`
//! ones ([`Mempool::add_tx`], [`Mempool::iter_txs`], [`Mempool::select_txs`],
//! ...) show every kind.
//!
//! # The rules
//!
//! A transfer is admitted ([`Mempool::add`]) only if it would be valid in a
//! block built on the current tip *after* everything its sender already has
//! pending:
//!
//! - **Stateless checks** first: form, chain id and signature
//!   ([`SignedTransfer::check_stateless`]). The same transaction twice (same
//!   [`TxId`]) is [`MempoolError::AlreadyKnown`].
//! - **Nonces have no gaps.** A sender's pending transfers always carry the
//!   consecutive nonces `tip nonce, tip nonce + 1, ...`; a new one must carry
//!   the next of these. A nonce the chain already used is a replay
//!   ([`TxError::NonceUsed`]); one that skips ahead is refused
//!   ([`MempoolError::NonceAhead`]) rather than parked in a "future" queue:
//!   a gap could wait forever, and "send nonce 3 first" is the lesson.
//! - **Funds cover everything pending.** The sender's tip balance must pay
//!   this transfer plus all its pending ones (amount plus fee each). Coins it
//!   is *about* to receive from pending transfers do not count: they might
//!   never be confirmed.
//! - **Same sender, same nonce is a double spend** and is refused
//!   ([`MempoolError::DoubleSpend`]), unless the new transfer pays a strictly
//!   higher fee: then it **replaces** the pending one (replace-by-fee), which
//!   is evicted and reported. The replacement must still be affordable
//!   together with the sender's other pending transfers.
//! - **Capacity.** When the pool is full, a newcomer must pay a strictly
//!   higher fee than the cheapest transfer that can be evicted, and that one
//!   is evicted. Only the *last* pending transfer of a sender can be evicted
//!   (its earlier ones stay valid without it), and never the one the newcomer
//!   itself follows. Ties are broken by the larger [`TxId`] going first.
//!
//! When a check fails only because of the ledger (nothing of the sender is
//! pending), the error is the ledger's own [`TxError`]; the pool's own
//! variants appear when pending transfers change the answer.
//!
//! A block template ([`Mempool::select`]) is built greedily: among the next
//! transfer of each sender, take the one paying the highest fee (equal fees:
//! the smaller [`TxId`] first), then that sender's following transfer becomes
//! a candidate. So fees decide the order but a sender's nonce `n + 1` never
//! comes before `n`. (A high fee does not pull a cheap earlier transfer of
//! the same sender forward: there is no "child pays for parent".) Each pick
//! is applied to a scratch copy of the tip, so every returned list applies
//! cleanly, in order, to that tip.
//!
//! When the tip changes, the pool follows: [`Mempool::on_block_connected`]
//! removes what the block confirmed, then [`Mempool::revalidate`] evicts what
//! is no longer valid (nonce used by a conflicting transfer, funds gone) and
//! the later transfers of the same sender that depended on it.
//! [`Mempool::on_reorg`] also puts back the transfers of the blocks the reorg
//! dropped, if still valid on the new tip.
//!
//! **Architecture invariant:** between calls, the pool holds at most
//! `capacity` transfers, at most one per (sender, nonce), and — if it has
//! been kept in step with the tip passed to it — each sender's pending
//! transfers apply in nonce order to that tip, so `select(tip, usize::MAX)`
//! returns all of them.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::block::{Paid, apply_transaction};
use crate::contract::tx::max_fee;
use crate::hash::TxId;
use crate::keys::Address;
use crate::ledger::Ledger;
use crate::tx::{SignedTransfer, Transaction, TxError};

/// A reasonable pool size for lessons and the web app.
pub const DEFAULT_CAPACITY: usize = 1_000;

/// Where [`Mempool::select`] credits fees while it checks a template: an
/// address nobody holds the key of, so no sender's spending can depend on
/// fees it collects. A template valid this way stays valid whoever the real
/// block producer is (their balance only ends up higher).
const FEE_SINK: Address = Address::from_bytes([0; 20]);

/// Why a transfer was not admitted to the pool.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    /// The transfer itself is invalid, or invalid against the tip's ledger.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// This very transaction is already pending.
    #[error("transaction {id} is already in the pool")]
    AlreadyKnown {
        /// Its id.
        id: TxId,
    },
    /// The nonce skips ahead of the sender's pending transfers.
    #[error(
        "nonce {nonce} of {from} is ahead: the chain's next nonce for it is {confirmed_next} and {pending} transfer(s) of it are pending, so the next nonce the pool accepts is {expected} (the pool keeps no gaps: send that one first)"
    )]
    NonceAhead {
        /// The sender.
        from: Address,
        /// The nonce in the transfer.
        nonce: u64,
        /// The sender's next nonce on the chain.
        confirmed_next: u64,
        /// How many of its transfers are pending.
        pending: usize,
        /// The nonce the pool expects next.
        expected: u64,
    },
    /// Another pending transfer of the sender has the same nonce, and this
    /// one does not pay more to replace it.
    #[error(
        "double spend attempt: {from} already has pending transfer {pending_id} with nonce {nonce} paying fee {pending_fee}; a replacement must pay a fee above {pending_fee}, this one pays {fee}"
    )]
    DoubleSpend {
        /// The sender.
        from: Address,
        /// The shared nonce.
        nonce: u64,
        /// The pending transfer with that nonce.
        pending_id: TxId,
        /// Its fee.
        pending_fee: Amount,
        /// The fee of the refused transfer.
        fee: Amount,
    },
    /// The sender cannot pay this transfer on top of its pending ones.
    #[error(
        "{from} would spend {needed} in total (this transfer plus {pending} pending one(s), amounts plus fees) but has only {available}"
    )]
    InsufficientFundsWithPending {
        /// The sender.
        from: Address,
        /// This transfer's total plus every other pending total.
        needed: Amount,
        /// How many other pending transfers count.
        pending: usize,
        /// The sender's balance at the tip.
        available: Amount,
    },
    /// The pool is full and the fee is not above the cheapest evictable one.
    #[error(
        "the pool is full ({capacity} transfers): to get in, a transfer must pay a fee above {cheapest}, the lowest fee that can be evicted, but this one pays {fee}"
    )]
    FeeTooLow {
        /// The pool's capacity.
        capacity: usize,
        /// The lowest fee among the transfers that could make room.
        cheapest: Amount,
        /// The fee offered.
        fee: Amount,
    },
    /// The pool is full and no pending transfer can make room.
    #[error("the pool is full ({capacity} transfers) and none of them can make room for this one")]
    PoolFull {
        /// The pool's capacity.
        capacity: usize,
    },
    /// Coinbases and governance changes do not wait in a mempool.
    #[error(
        "a {kind} does not go through the mempool: only transfers, deploys and calls do (a coinbase is made by the block producer)"
    )]
    NotPoolable {
        /// "coinbase" or "governance change".
        kind: &'static str,
    },
}

/// Why a transfer left the pool without being selected by this node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvictionReason {
    /// A connected block contains it.
    Confirmed,
    /// A transfer with the same sender and nonce and a higher fee took its place.
    Replaced {
        /// The replacement.
        by: TxId,
    },
    /// The pool was full and a transfer paying more took its place.
    PoolFull,
    /// It would no longer be admitted on the new tip (e.g. its nonce was
    /// used by a conflicting transfer, or the sender's funds are gone).
    Invalid(MempoolError),
    /// It follows a nonce of the same sender that is no longer pending.
    Orphaned {
        /// The nonce that must come first.
        missing_nonce: u64,
    },
}

impl fmt::Display for EvictionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvictionReason::Confirmed => f.write_str("it was included in a block"),
            EvictionReason::Replaced { by } => write!(
                f,
                "it was replaced by {by}, which pays a higher fee for the same nonce"
            ),
            EvictionReason::PoolFull => {
                f.write_str("the pool was full and a transfer paying a higher fee took its place")
            }
            EvictionReason::Invalid(e) => write!(f, "it is no longer valid: {e}"),
            EvictionReason::Orphaned { missing_nonce } => write!(
                f,
                "it needs nonce {missing_nonce} of the same sender first, which is no longer pending"
            ),
        }
    }
}

/// A transaction that left the pool, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evicted {
    /// Its id.
    pub id: TxId,
    /// The transaction (a transfer, deploy or call).
    pub tx: Transaction,
    /// Why it left.
    pub reason: EvictionReason,
}

impl Evicted {
    /// The transfer, if it was one.
    pub fn transfer(&self) -> Option<&SignedTransfer> {
        self.tx.as_transfer()
    }
}

/// A successful admission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admitted {
    /// The id of the admitted transfer.
    pub id: TxId,
    /// The transfer it displaced, if any (replaced by fee, or the pool was full).
    pub evicted: Option<Evicted>,
}

/// What [`Mempool::on_reorg`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReorgReport {
    /// Transfers of dropped blocks that are pending again, in block order.
    pub readmitted: Vec<TxId>,
    /// Transfers of dropped blocks that were not put back, and why.
    pub not_readmitted: Vec<Evicted>,
    /// Transfers that were pending before the reorg and left, and why.
    pub evicted: Vec<Evicted>,
}

/// A pending transaction with what the pool needs of it at hand.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    tx: Transaction,
    sender: Address,
    nonce: u64,
    /// What it pays the producer: a transfer's fee, a contract
    /// transaction's `gas_limit × gas_price`.
    fee: Amount,
    /// The most it can take from the sender: amount plus fee, or value
    /// plus `gas_limit × gas_price`.
    total: Amount,
}

impl Entry {
    fn new(tx: Transaction) -> Result<Entry, MempoolError> {
        let (sender, nonce, fee, total) = match &tx {
            Transaction::Transfer(t) => (
                t.transfer.sender(),
                t.transfer.nonce,
                t.transfer.fee,
                t.transfer.total()?,
            ),
            Transaction::Deploy(d) => {
                let max = max_fee(d.tx.gas_limit, d.tx.gas_price).map_err(TxError::from)?;
                (d.tx.from.address(), d.tx.nonce, max, max)
            }
            Transaction::Call(c) => {
                let max = max_fee(c.tx.gas_limit, c.tx.gas_price).map_err(TxError::from)?;
                let total = max.checked_add(c.tx.value).ok_or(TxError::Overflow {
                    what: "max fee + value",
                })?;
                (c.tx.from.address(), c.tx.nonce, max, total)
            }
            Transaction::Coinbase(_) => {
                return Err(MempoolError::NotPoolable { kind: "coinbase" });
            }
            Transaction::Governance(_) => {
                return Err(MempoolError::NotPoolable {
                    kind: "governance change",
                });
            }
            Transaction::Relay(_) => {
                return Err(MempoolError::NotPoolable { kind: "relay" });
            }
        };
        Ok(Entry {
            tx,
            sender,
            nonce,
            fee,
            total,
        })
    }

    fn fee(&self) -> Amount {
        self.fee
    }

    fn nonce(&self) -> u64 {
        self.nonce
    }
}

/// The id a transfer has once it is a [`Transaction`].
pub fn transfer_id(tx: &SignedTransfer) -> TxId {
    tx.id()
}

/// The pool of pending transfers of one node. See the module docs for the
/// rules. It keeps no ledger: every call that needs the chain state takes
/// the tip's [`Ledger`], and the pool must be told when the tip changes.
///
/// Serialized (for the web app) as `{chain_id, capacity, transfers}` with
/// the transfers in fee order. Loading checks every signature, duplicate and
/// the capacity, but not nonces or funds (it has no ledger): call
/// [`Mempool::revalidate`] with the tip after loading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "MempoolSnapshot", into = "MempoolSnapshot")]
pub struct Mempool {
    chain_id: u32,
    capacity: usize,
    entries: BTreeMap<TxId, Entry>,
    /// Each sender's pending transfers by nonce.
    queues: BTreeMap<Address, BTreeMap<u64, TxId>>,
    /// Highest fee first, then smallest id.
    by_fee: BTreeSet<(Reverse<Amount>, TxId)>,
}

impl Mempool {
    /// An empty pool for chain `chain_id` holding at most `capacity` transfers.
    pub fn new(chain_id: u32, capacity: usize) -> Self {
        Mempool {
            chain_id,
            capacity,
            entries: BTreeMap::new(),
            queues: BTreeMap::new(),
            by_fee: BTreeSet::new(),
        }
    }

    /// The chain whose transfers this pool accepts.
    pub fn chain_id(&self) -> u32 {
        self.chain_id
    }

    /// The most transfers it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many transfers are pending.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the transaction `id` is pending.
    pub fn contains(&self, id: &TxId) -> bool {
        self.entries.contains_key(id)
    }

    /// The pending transfer `id` (`None` for a deploy or call: see
    /// [`Mempool::get_tx`]).
    pub fn get(&self, id: &TxId) -> Option<&SignedTransfer> {
        self.entries.get(id).and_then(|e| e.tx.as_transfer())
    }

    /// The pending transaction `id`, of any kind.
    pub fn get_tx(&self, id: &TxId) -> Option<&Transaction> {
        self.entries.get(id).map(|e| &e.tx)
    }

    /// Every pending transfer, highest fee first (equal fees: smaller id
    /// first). Deploys and calls are skipped: see [`Mempool::iter_txs`].
    pub fn iter(&self) -> impl Iterator<Item = (&TxId, &SignedTransfer)> {
        self.iter_txs()
            .filter_map(|(id, tx)| tx.as_transfer().map(|t| (id, t)))
    }

    /// Every pending transaction, highest fee first (equal fees: smaller id
    /// first).
    pub fn iter_txs(&self) -> impl Iterator<Item = (&TxId, &Transaction)> {
        self.by_fee
            .iter()
            .filter_map(|(_, id)| self.entries.get(id).map(|e| (id, &e.tx)))
    }

    /// The pending transfers of `sender`, in nonce order (deploys and calls
    /// skipped: see [`Mempool::pending_txs_from`]).
    pub fn pending_from(&self, sender: &Address) -> impl Iterator<Item = (&TxId, &SignedTransfer)> {
        self.pending_txs_from(sender)
            .filter_map(|(id, tx)| tx.as_transfer().map(|t| (id, t)))
    }

    /// The pending transactions of `sender`, in nonce order.
    pub fn pending_txs_from(
        &self,
        sender: &Address,
    ) -> impl Iterator<Item = (&TxId, &Transaction)> {
        self.queues
            .get(sender)
            .into_iter()
            .flat_map(|q| q.values())
            .filter_map(|id| self.entries.get(id).map(|e| (id, &e.tx)))
    }

    /// Every pending transaction in an order another pool admits them in:
    /// senders in address order, each sender's in nonce order (what a node
    /// sends a peer it has just reconnected with).
    pub fn pending_in_order(&self) -> impl Iterator<Item = (&TxId, &Transaction)> {
        self.queues
            .values()
            .flat_map(|q| q.values())
            .filter_map(|id| self.entries.get(id).map(|e| (id, &e.tx)))
    }

    /// The nonce the pool expects next from `sender` (what a wallet should
    /// sign): the tip's next nonce plus its pending transfers.
    pub fn next_nonce(&self, tip: &Ledger, sender: &Address) -> u64 {
        let confirmed = tip.next_nonce(sender);
        self.queues
            .get(sender)
            .and_then(|q| q.last_key_value())
            .and_then(|(last, _)| last.checked_add(1))
            .map_or(confirmed, |after_last| after_last.max(confirmed))
    }

    /// Admits `tx` if it is valid on `tip` after the sender's pending
    /// transfers (see the module docs for every rule).
    pub fn add(&mut self, tx: SignedTransfer, tip: &Ledger) -> Result<Admitted, MempoolError> {
        self.add_tx(Transaction::Transfer(tx), tip)
    }

    /// Admits a transfer, deploy or call under the same rules (see the
    /// module docs for what a contract transaction spends).
    pub fn add_tx(&mut self, tx: Transaction, tip: &Ledger) -> Result<Admitted, MempoolError> {
        let id = tx.id();
        if self.entries.contains_key(&id) {
            return Err(MempoolError::AlreadyKnown { id });
        }
        let entry = Entry::new(tx)?;
        entry.tx.check_stateless(self.chain_id)?;
        self.admit(id, entry, tip)
    }

    /// Admission after the stateless checks.
    fn admit(&mut self, id: TxId, entry: Entry, tip: &Ledger) -> Result<Admitted, MempoolError> {
        let from = entry.sender;
        let nonce = entry.nonce();
        let account = tip.account(&from);
        if nonce < account.nonce {
            return Err(TxError::NonceUsed {
                from,
                nonce,
                next: account.nonce,
            }
            .into());
        }
        // A nonce with no successor could never be followed; the ledger
        // would refuse to apply it anyway.
        if nonce.checked_add(1).is_none() {
            return Err(TxError::Overflow {
                what: "the sender's nonce",
            }
            .into());
        }
        // The sender's pending transfers that still count on this tip.
        let pending: Vec<(u64, TxId)> = self
            .queues
            .get(&from)
            .map(|q| q.range(account.nonce..).map(|(n, i)| (*n, *i)).collect())
            .unwrap_or_default();
        let conflict = match pending.iter().find(|(n, _)| *n == nonce) {
            Some((_, old_id)) => {
                let old_fee = self.entries.get(old_id).map_or(Amount::ZERO, Entry::fee);
                if entry.fee() <= old_fee {
                    return Err(MempoolError::DoubleSpend {
                        from,
                        nonce,
                        pending_id: *old_id,
                        pending_fee: old_fee,
                        fee: entry.fee(),
                    });
                }
                Some(*old_id)
            }
            None => {
                let expected = pending
                    .last()
                    .and_then(|(n, _)| n.checked_add(1))
                    .unwrap_or(account.nonce);
                if nonce != expected {
                    return Err(if pending.is_empty() {
                        TxError::NonceAhead {
                            from,
                            nonce,
                            next: expected,
                        }
                        .into()
                    } else {
                        MempoolError::NonceAhead {
                            from,
                            nonce,
                            confirmed_next: account.nonce,
                            pending: pending.len(),
                            expected,
                        }
                    });
                }
                None
            }
        };
        let others: Vec<Amount> = pending
            .iter()
            .filter(|(_, i)| Some(*i) != conflict)
            .filter_map(|(_, i)| self.entries.get(i).map(|e| e.total))
            .collect();
        let needed = Amount::checked_sum(others.iter().copied().chain([entry.total])).ok_or(
            TxError::Overflow {
                what: "the sender's pending totals",
            },
        )?;
        if needed > account.balance {
            return Err(if others.is_empty() {
                TxError::InsufficientFunds {
                    from,
                    needed,
                    available: account.balance,
                }
                .into()
            } else {
                MempoolError::InsufficientFundsWithPending {
                    from,
                    needed,
                    pending: others.len(),
                    available: account.balance,
                }
            });
        }
        let evicted = if let Some(old_id) = conflict {
            self.evict(old_id, EvictionReason::Replaced { by: id })
        } else if self.entries.len() >= self.capacity {
            match self.cheapest_tail(Some(&from)) {
                None => {
                    return Err(MempoolError::PoolFull {
                        capacity: self.capacity,
                    });
                }
                Some((cheapest, victim)) if entry.fee() > cheapest => {
                    self.evict(victim, EvictionReason::PoolFull)
                }
                Some((cheapest, _)) => {
                    return Err(MempoolError::FeeTooLow {
                        capacity: self.capacity,
                        cheapest,
                        fee: entry.fee(),
                    });
                }
            }
        } else {
            None
        };
        self.insert(id, entry);
        Ok(Admitted { id, evicted })
    }

    /// A block template of at most `max_txs` transfers: highest fee first
    /// among each sender's next transfer, ties by smaller id. The list
    /// applies cleanly, in order, to `tip` (whoever collects the fees).
    pub fn select(&self, tip: &Ledger, max_txs: usize) -> Vec<SignedTransfer> {
        self.select_where(tip, max_txs, |tx| tx.as_transfer().is_some())
            .into_iter()
            .filter_map(|tx| match tx {
                Transaction::Transfer(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// [`Mempool::select`] over every kind: transfers, deploys and calls
    /// (each checked by running it on a scratch copy of `tip`), for a block
    /// built with `Chain::block_template_txs`.
    pub fn select_txs(&self, tip: &Ledger, max_txs: usize) -> Vec<Transaction> {
        self.select_where(tip, max_txs, |_| true)
    }

    /// The greedy selection over the transactions `take` accepts; a sender
    /// stops at its first one `take` refuses.
    fn select_where(
        &self,
        tip: &Ledger,
        max_txs: usize,
        take: impl Fn(&Transaction) -> bool,
    ) -> Vec<Transaction> {
        let mut scratch = tip.clone();
        let mut heads: BinaryHeap<(Amount, Reverse<TxId>, Address, u64)> = BinaryHeap::new();
        let head = |sender: &Address, nonce: u64| {
            let id = self.queues.get(sender)?.get(&nonce)?;
            let entry = self.entries.get(id)?;
            Some((entry.fee(), Reverse(*id), *sender, nonce))
        };
        for sender in self.queues.keys() {
            heads.extend(head(sender, tip.next_nonce(sender)));
        }
        let mut out = Vec::new();
        while out.len() < max_txs {
            let Some((_, Reverse(id), sender, nonce)) = heads.pop() else {
                break;
            };
            let Some(entry) = self.entries.get(&id) else {
                continue;
            };
            // On failure the sender's later transfers are dropped too: they
            // need this nonce first. The height only matters to contract
            // code that reads it; the block may differ, so a call could
            // fault there, but it stays valid (it still pays its gas).
            if !take(&entry.tx) {
                continue;
            }
            let height = 0;
            if !matches!(
                apply_transaction(&mut scratch, &entry.tx, height, FEE_SINK),
                Ok(Paid::Fee(_) | Paid::Gas(_) | Paid::Relay(_))
            ) {
                continue;
            }
            out.push(entry.tx.clone());
            if let Some(next) = nonce.checked_add(1) {
                heads.extend(head(&sender, next));
            }
        }
        out
    }

    /// Follows the tip to a newly connected block: removes the transfers it
    /// confirmed, then everything no longer valid on `new_tip`.
    pub fn on_block_connected(
        &mut self,
        block_txs: &[Transaction],
        new_tip: &Ledger,
    ) -> Vec<Evicted> {
        let mut evicted: Vec<Evicted> = block_txs
            .iter()
            .filter(|tx| tx.sender_nonce().is_some())
            .filter_map(|tx| self.evict(tx.id(), EvictionReason::Confirmed))
            .collect();
        evicted.extend(self.revalidate(new_tip));
        evicted
    }

    /// Follows a reorg to `new_tip`. `disconnected` holds the transactions of
    /// the dropped blocks and `connected` those of the new branch's blocks,
    /// each in chain order. Removes what the new branch confirmed, puts back
    /// the dropped transfers (coinbases and those the new branch contains are
    /// skipped), then evicts everything not valid on `new_tip` and, if over
    /// capacity, the cheapest evictable transfers.
    pub fn on_reorg(
        &mut self,
        disconnected: &[Transaction],
        connected: &[Transaction],
        new_tip: &Ledger,
    ) -> ReorgReport {
        let mut report = ReorgReport::default();
        let connected_ids: BTreeSet<TxId> = connected
            .iter()
            .filter(|tx| tx.sender_nonce().is_some())
            .map(Transaction::id)
            .collect();
        for id in &connected_ids {
            report
                .evicted
                .extend(self.evict(*id, EvictionReason::Confirmed));
        }
        let mut fresh: Vec<TxId> = Vec::new();
        for tx in disconnected {
            if tx.sender_nonce().is_none() {
                continue;
            }
            let id = tx.id();
            if self.entries.contains_key(&id) {
                continue;
            }
            let refuse = |reason| Evicted {
                id,
                tx: tx.clone(),
                reason,
            };
            if connected_ids.contains(&id) {
                report
                    .not_readmitted
                    .push(refuse(EvictionReason::Confirmed));
                continue;
            }
            let entry = match tx
                .check_stateless(self.chain_id)
                .map_err(MempoolError::from)
                .and_then(|()| Entry::new(tx.clone()))
            {
                Ok(entry) => entry,
                Err(e) => {
                    report
                        .not_readmitted
                        .push(refuse(EvictionReason::Invalid(e)));
                    continue;
                }
            };
            let same_nonce = self
                .queues
                .get(&entry.sender)
                .and_then(|q| q.get(&entry.nonce()))
                .copied();
            if let Some(old_id) = same_nonce {
                let old_fee = self.entries.get(&old_id).map_or(Amount::ZERO, Entry::fee);
                if entry.fee() <= old_fee {
                    report.not_readmitted.push(refuse(EvictionReason::Invalid(
                        MempoolError::DoubleSpend {
                            from: entry.sender,
                            nonce: entry.nonce(),
                            pending_id: old_id,
                            pending_fee: old_fee,
                            fee: entry.fee(),
                        },
                    )));
                    continue;
                }
                report
                    .evicted
                    .extend(self.evict(old_id, EvictionReason::Replaced { by: id }));
            }
            self.insert(id, entry);
            fresh.push(id);
        }
        let mut gone = self.revalidate(new_tip);
        while self.entries.len() > self.capacity {
            let Some((_, victim)) = self.cheapest_tail(None) else {
                break;
            };
            gone.extend(self.evict(victim, EvictionReason::PoolFull));
        }
        for e in gone {
            if fresh.contains(&e.id) {
                report.not_readmitted.push(e);
            } else {
                report.evicted.push(e);
            }
        }
        report.readmitted = fresh
            .into_iter()
            .filter(|id| self.entries.contains_key(id))
            .collect();
        report
    }

    /// Evicts every transfer that is not valid on `tip` after its sender's
    /// earlier pending ones: used nonces, unaffordable transfers, and those
    /// that follow a missing nonce. Call it after loading a saved pool.
    pub fn revalidate(&mut self, tip: &Ledger) -> Vec<Evicted> {
        let mut doomed: Vec<(TxId, EvictionReason)> = Vec::new();
        for (sender, queue) in &self.queues {
            let account = tip.account(sender);
            let mut expected = account.nonce;
            let mut spent = Amount::ZERO;
            let mut kept = 0usize;
            // Once a nonce is missing, every later one would wait for it forever.
            let mut missing: Option<u64> = None;
            for (&nonce, id) in queue {
                let total = self.entries.get(id).map_or(Amount::ZERO, |e| e.total);
                let reason = if nonce < account.nonce {
                    let used = TxError::NonceUsed {
                        from: *sender,
                        nonce,
                        next: account.nonce,
                    };
                    EvictionReason::Invalid(used.into())
                } else if let Some(missing_nonce) = missing {
                    EvictionReason::Orphaned { missing_nonce }
                } else if nonce != expected {
                    missing = Some(expected);
                    EvictionReason::Orphaned {
                        missing_nonce: expected,
                    }
                } else {
                    let needed = spent.checked_add(total);
                    match (needed, nonce.checked_add(1)) {
                        (Some(needed), Some(next)) if needed <= account.balance => {
                            spent = needed;
                            kept = kept.saturating_add(1);
                            expected = next;
                            continue;
                        }
                        (None, _) => {
                            missing = Some(nonce);
                            EvictionReason::Invalid(MempoolError::Tx(TxError::Overflow {
                                what: "the sender's pending totals",
                            }))
                        }
                        (Some(_), None) => {
                            missing = Some(nonce);
                            EvictionReason::Invalid(MempoolError::Tx(TxError::Overflow {
                                what: "the sender's nonce",
                            }))
                        }
                        (Some(needed), Some(_)) => {
                            missing = Some(nonce);
                            EvictionReason::Invalid(if kept == 0 {
                                TxError::InsufficientFunds {
                                    from: *sender,
                                    needed,
                                    available: account.balance,
                                }
                                .into()
                            } else {
                                MempoolError::InsufficientFundsWithPending {
                                    from: *sender,
                                    needed,
                                    pending: kept,
                                    available: account.balance,
                                }
                            })
                        }
                    }
                };
                doomed.push((*id, reason));
            }
        }
        doomed
            .into_iter()
            .filter_map(|(id, reason)| self.evict(id, reason))
            .collect()
    }

    /// The lowest-fee transfer that is last in its sender's queue, skipping
    /// `except`'s queue; on equal fees the larger id.
    fn cheapest_tail(&self, except: Option<&Address>) -> Option<(Amount, TxId)> {
        self.queues
            .iter()
            .filter(|(sender, _)| Some(*sender) != except)
            .filter_map(|(_, q)| q.last_key_value())
            .filter_map(|(_, id)| self.entries.get(id).map(|e| (e.fee(), *id)))
            .min_by_key(|(fee, id)| (*fee, Reverse(*id)))
    }

    fn insert(&mut self, id: TxId, entry: Entry) {
        self.queues
            .entry(entry.sender)
            .or_default()
            .insert(entry.nonce(), id);
        self.by_fee.insert((Reverse(entry.fee()), id));
        self.entries.insert(id, entry);
    }

    fn evict(&mut self, id: TxId, reason: EvictionReason) -> Option<Evicted> {
        let entry = self.entries.remove(&id)?;
        self.by_fee.remove(&(Reverse(entry.fee()), id));
        if let Some(queue) = self.queues.get_mut(&entry.sender) {
            queue.remove(&entry.nonce());
            if queue.is_empty() {
                self.queues.remove(&entry.sender);
            }
        }
        Some(Evicted {
            id,
            tx: entry.tx,
            reason,
        })
    }
}

/// The saved form of a [`Mempool`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MempoolSnapshot {
    chain_id: u32,
    capacity: usize,
    /// In fee order.
    transfers: Vec<SignedTransfer>,
    /// Deploys and calls, in fee order (absent when there are none, so a
    /// pool of transfers saves as before contracts existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    contracts: Vec<Transaction>,
}

impl From<Mempool> for MempoolSnapshot {
    fn from(pool: Mempool) -> Self {
        let transfers = pool.iter().map(|(_, t)| t.clone()).collect();
        let contracts = pool
            .iter_txs()
            .filter(|(_, t)| t.is_contract())
            .map(|(_, t)| t.clone())
            .collect();
        MempoolSnapshot {
            chain_id: pool.chain_id,
            capacity: pool.capacity,
            transfers,
            contracts,
        }
    }
}

impl TryFrom<MempoolSnapshot> for Mempool {
    type Error = MempoolError;

    /// Checks each transfer's signature and chain, duplicates, double spends
    /// and the capacity. Nonces and funds need a ledger: see [`Mempool::revalidate`].
    fn try_from(s: MempoolSnapshot) -> Result<Self, MempoolError> {
        let mut pool = Mempool::new(s.chain_id, s.capacity);
        let all = s
            .transfers
            .into_iter()
            .map(Transaction::Transfer)
            .chain(s.contracts);
        for tx in all {
            if pool.len() >= pool.capacity {
                return Err(MempoolError::PoolFull {
                    capacity: pool.capacity,
                });
            }
            let id = tx.id();
            if pool.contains(&id) {
                return Err(MempoolError::AlreadyKnown { id });
            }
            tx.check_stateless(pool.chain_id)?;
            let entry = Entry::new(tx)?;
            let same_nonce = pool
                .queues
                .get(&entry.sender)
                .and_then(|q| q.get(&entry.nonce()));
            if let Some(pending_id) = same_nonce {
                return Err(MempoolError::DoubleSpend {
                    from: entry.sender,
                    nonce: entry.nonce(),
                    pending_id: *pending_id,
                    pending_fee: pool
                        .entries
                        .get(pending_id)
                        .map_or(Amount::ZERO, Entry::fee),
                    fee: entry.fee(),
                });
            }
            pool.insert(id, entry);
        }
        Ok(pool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keypair;
    use crate::tx::{Coinbase, Transfer};

    const CHAIN: u32 = 1;

    fn addr(name: &str) -> Address {
        Keypair::from_name(name).address()
    }

    fn pay(from: &str, to: &str, amount: u64, fee: u64, nonce: u64) -> SignedTransfer {
        let key = Keypair::from_name(from);
        Transfer {
            chain_id: CHAIN,
            from: key.public(),
            to: addr(to),
            amount: Amount::new(amount),
            fee: Amount::new(fee),
            nonce,
            memo: String::new(),
        }
        .sign(&key)
    }

    fn ledger(balances: &[(&str, u64)]) -> Ledger {
        Ledger::with_balances(balances.iter().map(|(n, b)| (addr(n), Amount::new(*b)))).unwrap()
    }

    /// Applies `txs` in order, as a block producer would; panics if one fails.
    fn apply_all(tip: &Ledger, txs: &[SignedTransfer]) -> Ledger {
        let mut l = tip.clone();
        for (i, t) in txs.iter().enumerate() {
            l.apply_transfer(t, addr("miner"))
                .unwrap_or_else(|e| panic!("transfer {i} of the template fails: {e}"));
        }
        l
    }

    fn block(height: u64, txs: &[SignedTransfer]) -> Vec<Transaction> {
        let mut out = vec![Transaction::Coinbase(Coinbase {
            height,
            to: addr("miner"),
            amount: Amount::new(50),
        })];
        out.extend(txs.iter().cloned().map(Transaction::from));
        out
    }

    fn pool() -> Mempool {
        Mempool::new(CHAIN, DEFAULT_CAPACITY)
    }

    #[test]
    fn admits_a_valid_transfer_and_shows_it() {
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        let tx = pay("alice", "bob", 10, 1, 0);
        let admitted = p.add(tx.clone(), &tip).unwrap();
        assert_eq!(admitted.evicted, None);
        assert_eq!(admitted.id, transfer_id(&tx));
        assert_eq!(p.len(), 1);
        assert!(p.contains(&admitted.id));
        assert_eq!(p.get(&admitted.id), Some(&tx));
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![(&admitted.id, &tx)]);
        assert_eq!(p.next_nonce(&tip, &addr("alice")), 1);
    }

    #[test]
    fn same_transaction_twice_is_already_known() {
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        let tx = pay("alice", "bob", 10, 1, 0);
        let id = p.add(tx.clone(), &tip).unwrap().id;
        let e = p.add(tx, &tip).unwrap_err();
        assert_eq!(e, MempoolError::AlreadyKnown { id });
        assert!(e.to_string().contains("already in the pool"));
    }

    #[test]
    fn stateless_checks_come_first() {
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        let mut forged = pay("alice", "bob", 10, 1, 0);
        forged.transfer.amount = Amount::new(20);
        let e = p.add(forged, &tip).unwrap_err();
        assert!(matches!(e, MempoolError::Tx(TxError::BadSignature { .. })));
        assert!(e.to_string().contains("signature does not match"), "{e}");
        let mut other_chain = Mempool::new(7, 10);
        assert!(matches!(
            other_chain.add(pay("alice", "bob", 10, 1, 0), &tip),
            Err(MempoolError::Tx(TxError::WrongChain {
                expected: 7,
                found: 1
            }))
        ));
        assert!(p.is_empty());
    }

    #[test]
    fn replay_of_a_confirmed_transfer_is_refused() {
        let genesis = ledger(&[("alice", 25)]);
        let tx = pay("alice", "bob", 10, 1, 0);
        let tip = apply_all(&genesis, std::slice::from_ref(&tx));
        let e = pool().add(tx, &tip).unwrap_err();
        assert!(matches!(
            e,
            MempoolError::Tx(TxError::NonceUsed {
                nonce: 0,
                next: 1,
                ..
            })
        ));
        assert!(e.to_string().contains("replay or a double spend"));
    }

    #[test]
    fn nonce_gap_is_refused_naming_the_nonce_to_send() {
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        // Nothing pending: the ledger's own error.
        assert_eq!(
            p.add(pay("alice", "bob", 1, 0, 1), &tip),
            Err(TxError::NonceAhead {
                from: addr("alice"),
                nonce: 1,
                next: 0
            }
            .into())
        );
        p.add(pay("alice", "bob", 1, 0, 0), &tip).unwrap();
        let e = p.add(pay("alice", "bob", 1, 0, 3), &tip).unwrap_err();
        assert_eq!(
            e,
            MempoolError::NonceAhead {
                from: addr("alice"),
                nonce: 3,
                confirmed_next: 0,
                pending: 1,
                expected: 1
            }
        );
        assert!(
            e.to_string()
                .contains("the next nonce the pool accepts is 1")
        );
    }

    #[test]
    fn chain_of_nonces_from_one_sender() {
        let tip = ledger(&[("alice", 100)]);
        let mut p = pool();
        let txs: Vec<_> = (0..4).map(|n| pay("alice", "bob", 10, n + 1, n)).collect();
        for t in &txs {
            p.add(t.clone(), &tip).unwrap();
        }
        assert_eq!(p.next_nonce(&tip, &addr("alice")), 4);
        assert_eq!(
            p.pending_from(&addr("alice"))
                .map(|(_, t)| t.transfer.nonce)
                .collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        // The highest fee is on nonce 3, yet the template keeps nonce order.
        let template = p.select(&tip, 10);
        assert_eq!(template, txs);
        let after = apply_all(&tip, &template);
        assert_eq!(after.next_nonce(&addr("alice")), 4);
        assert_eq!(p.select(&tip, 2), txs[..2].to_vec());
    }

    #[test]
    fn funds_must_cover_all_pending_transfers() {
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        p.add(pay("alice", "bob", 10, 1, 0), &tip).unwrap();
        p.add(pay("alice", "bob", 10, 1, 1), &tip).unwrap();
        let e = p.add(pay("alice", "bob", 5, 0, 2), &tip).unwrap_err();
        assert_eq!(
            e,
            MempoolError::InsufficientFundsWithPending {
                from: addr("alice"),
                needed: Amount::new(27),
                pending: 2,
                available: Amount::new(25)
            }
        );
        assert!(e.to_string().contains("would spend 27 in total"), "{e}");
        assert!(e.to_string().ends_with("but has only 25"), "{e}");
        // Nothing pending: the ledger's own message.
        let e = pool().add(pay("alice", "bob", 28, 2, 0), &tip).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("spends 30 (amount plus fee) but has only 25")
        );
    }

    #[test]
    fn coins_not_yet_received_do_not_count() {
        // bob has nothing until alice's pending payment is confirmed.
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        p.add(pay("alice", "bob", 10, 1, 0), &tip).unwrap();
        assert!(matches!(
            p.add(pay("bob", "carol", 5, 0, 0), &tip),
            Err(MempoolError::Tx(TxError::InsufficientFunds { .. }))
        ));
    }

    #[test]
    fn double_spend_with_same_or_lower_fee_is_refused() {
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        let first = p.add(pay("alice", "bob", 10, 2, 0), &tip).unwrap().id;
        for fee in [1, 2] {
            let e = p.add(pay("alice", "carol", 10, fee, 0), &tip).unwrap_err();
            assert_eq!(
                e,
                MempoolError::DoubleSpend {
                    from: addr("alice"),
                    nonce: 0,
                    pending_id: first,
                    pending_fee: Amount::new(2),
                    fee: Amount::new(fee)
                }
            );
            assert!(e.to_string().starts_with("double spend attempt"));
        }
        assert_eq!(p.len(), 1);
        assert!(p.contains(&first));
    }

    #[test]
    fn replace_by_fee_evicts_the_old_transfer() {
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        let old = pay("alice", "bob", 10, 1, 0);
        let old_id = p.add(old.clone(), &tip).unwrap().id;
        let later = p.add(pay("alice", "bob", 5, 1, 1), &tip).unwrap().id;
        let admitted = p.add(pay("alice", "carol", 10, 3, 0), &tip).unwrap();
        assert_eq!(
            admitted.evicted,
            Some(Evicted {
                id: old_id,
                tx: old.into(),
                reason: EvictionReason::Replaced { by: admitted.id }
            })
        );
        assert!(!p.contains(&old_id));
        // The later nonce still follows the replacement.
        assert!(p.contains(&later));
        assert_eq!(p.len(), 2);
        apply_all(&tip, &p.select(&tip, 10));
    }

    #[test]
    fn replacement_must_still_be_affordable() {
        // 11 + 11 = 22 fits in 25; replacing nonce 0 by 10 + 5 would need 26.
        let tip = ledger(&[("alice", 25)]);
        let mut p = pool();
        p.add(pay("alice", "bob", 10, 1, 0), &tip).unwrap();
        p.add(pay("alice", "bob", 10, 1, 1), &tip).unwrap();
        assert!(matches!(
            p.add(pay("alice", "bob", 10, 5, 0), &tip),
            Err(MempoolError::InsufficientFundsWithPending {
                needed,
                pending: 1,
                ..
            }) if needed == Amount::new(26)
        ));
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn select_orders_by_fee_but_keeps_each_senders_nonces_in_order() {
        let tip = ledger(&[("alice", 100), ("bob", 100), ("carol", 100)]);
        let mut p = pool();
        let a0 = pay("alice", "dave", 1, 1, 0);
        let a1 = pay("alice", "dave", 1, 10, 1);
        let b0 = pay("bob", "dave", 1, 5, 0);
        let c0 = pay("carol", "dave", 1, 3, 0);
        for t in [&a1, &c0, &a0, &b0] {
            let _ = p.add(t.clone(), &tip);
        }
        // a1 came before a0 and was refused (gap); add it again now.
        p.add(a1.clone(), &tip).unwrap();
        let template = p.select(&tip, 10);
        assert_eq!(template, vec![b0.clone(), c0.clone(), a0, a1.clone()]);
        apply_all(&tip, &template);
        assert_eq!(p.select(&tip, 2), vec![b0, c0]);
        assert_eq!(p.select(&tip, 0), vec![]);
        // The UI view is plain fee order.
        let fees: Vec<u64> = p.iter().map(|(_, t)| t.transfer.fee.get()).collect();
        assert_eq!(fees, vec![10, 5, 3, 1]);
    }

    #[test]
    fn select_breaks_fee_ties_by_smaller_txid() {
        let tip = ledger(&[("alice", 100), ("bob", 100), ("carol", 100)]);
        let mut p = pool();
        let txs = [
            pay("alice", "dave", 1, 4, 0),
            pay("bob", "dave", 1, 4, 0),
            pay("carol", "dave", 1, 4, 0),
        ];
        for t in &txs {
            p.add(t.clone(), &tip).unwrap();
        }
        let mut expected = txs.to_vec();
        expected.sort_by_key(transfer_id);
        assert_eq!(p.select(&tip, 10), expected);
    }

    #[test]
    fn select_skips_what_the_given_tip_no_longer_allows() {
        let tip = ledger(&[("alice", 25), ("bob", 25)]);
        let mut p = pool();
        p.add(pay("alice", "carol", 10, 1, 0), &tip).unwrap();
        p.add(pay("alice", "carol", 10, 1, 1), &tip).unwrap();
        let b0 = pay("bob", "carol", 10, 1, 0);
        p.add(b0.clone(), &tip).unwrap();
        // A tip where alice has spent her coins elsewhere (pool not told yet).
        let drained = apply_all(&tip, &[pay("alice", "carol", 20, 0, 0)]);
        let template = p.select(&drained, 10);
        assert_eq!(template, vec![b0]);
        apply_all(&drained, &template);
    }

    #[test]
    fn eviction_after_a_block_is_connected() {
        let tip = ledger(&[("alice", 50), ("bob", 50), ("carol", 20)]);
        let mut p = pool();
        let a0 = pay("alice", "dave", 10, 1, 0);
        let a1 = pay("alice", "dave", 10, 1, 1);
        let b0 = pay("bob", "dave", 10, 1, 0);
        let b1 = pay("bob", "dave", 10, 1, 1);
        let c0 = pay("carol", "dave", 10, 1, 0);
        let c1 = pay("carol", "dave", 5, 1, 1);
        for t in [&a0, &a1, &b0, &b1, &c0, &c1] {
            p.add(t.clone(), &tip).unwrap();
        }
        // Another producer's block: a0 (ours), a conflicting bob nonce 0,
        // and carol spends most of her coins in a transfer we never saw.
        let b0_conflict = pay("bob", "erin", 40, 2, 0);
        let c_elsewhere = pay("carol", "erin", 5, 0, 0);
        let mined = [a0.clone(), b0_conflict, c_elsewhere];
        let new_tip = apply_all(&tip, &mined);
        let evicted = p.on_block_connected(&block(1, &mined), &new_tip);
        let reasons: BTreeMap<TxId, EvictionReason> =
            evicted.into_iter().map(|e| (e.id, e.reason)).collect();
        let id = |t: &SignedTransfer| transfer_id(t);
        assert_eq!(reasons.get(&id(&a0)), Some(&EvictionReason::Confirmed));
        assert!(matches!(
            reasons.get(&id(&b0)),
            Some(EvictionReason::Invalid(MempoolError::Tx(
                TxError::NonceUsed {
                    nonce: 0,
                    next: 1,
                    ..
                }
            )))
        ));
        // bob nonce 1 is now next, but bob has only 8 left.
        assert!(matches!(
            reasons.get(&id(&b1)),
            Some(EvictionReason::Invalid(MempoolError::Tx(
                TxError::InsufficientFunds { .. }
            )))
        ));
        // carol's c0 reuses the nonce the unseen transfer took; c1 (nonce 1)
        // is now her next nonce and 6 <= 15 still fits, so it stays.
        assert!(matches!(
            reasons.get(&id(&c0)),
            Some(EvictionReason::Invalid(MempoolError::Tx(
                TxError::NonceUsed { .. }
            )))
        ));
        assert_eq!(reasons.len(), 4);
        assert!(p.contains(&id(&a1)) && p.contains(&id(&c1)));
        apply_all(&new_tip, &p.select(&new_tip, 10));
        assert_eq!(p.select(&new_tip, 10).len(), p.len());
    }

    #[test]
    fn later_nonces_are_orphaned_when_an_earlier_one_becomes_invalid() {
        let tip = ledger(&[("alice", 30)]);
        let mut p = pool();
        for n in 0..3 {
            p.add(pay("alice", "bob", 8, 0, n), &tip).unwrap();
        }
        // On the new tip alice paid 23 elsewhere with nonce 0: she has 7
        // left. Pending nonce 0 is used, nonce 1 is unaffordable (8 > 7), and
        // nonce 2 can never come before nonce 1.
        let other = apply_all(&tip, &[pay("alice", "carol", 23, 0, 0)]);
        let evicted = p.revalidate(&other);
        let reasons: Vec<String> = evicted.iter().map(|e| e.reason.to_string()).collect();
        assert_eq!(evicted.len(), 3, "{reasons:?}");
        assert!(reasons[0].contains("was already used"), "{reasons:?}");
        assert!(
            reasons[1].contains("spends 8 (amount plus fee) but has only 7"),
            "{reasons:?}"
        );
        assert_eq!(
            evicted[2].reason,
            EvictionReason::Orphaned { missing_nonce: 1 }
        );
        assert!(p.is_empty());
        // Now a hole: drop nonce 1 by hand and nonce 2 is orphaned.
        let mut p = pool();
        for n in 0..3 {
            p.add(pay("alice", "bob", 5, 0, n), &tip).unwrap();
        }
        let n1 = transfer_id(&pay("alice", "bob", 5, 0, 1));
        p.evict(n1, EvictionReason::PoolFull);
        let evicted = p.revalidate(&tip);
        assert_eq!(evicted.len(), 1);
        assert_eq!(
            evicted[0].reason,
            EvictionReason::Orphaned { missing_nonce: 1 }
        );
        assert!(evicted[0].reason.to_string().contains("needs nonce 1"));
    }

    #[test]
    fn readmission_after_reorg() {
        let genesis = ledger(&[("alice", 50), ("bob", 50)]);
        let mut p = pool();
        let a0 = pay("alice", "carol", 10, 1, 0);
        let b0 = pay("bob", "carol", 10, 1, 0);
        p.add(a0.clone(), &genesis).unwrap();
        p.add(b0.clone(), &genesis).unwrap();
        // Our block 1 confirms both; alice then sends nonce 1.
        let old_branch = block(1, &[a0.clone(), b0.clone()]);
        let old_tip = apply_all(&genesis, &[a0.clone(), b0.clone()]);
        assert_eq!(p.on_block_connected(&old_branch, &old_tip).len(), 2);
        let a1 = pay("alice", "carol", 10, 1, 1);
        p.add(a1.clone(), &old_tip).unwrap();
        // A heavier branch replaces block 1 with one that has only b0.
        let new_branch = block(1, std::slice::from_ref(&b0));
        let new_tip = apply_all(&genesis, std::slice::from_ref(&b0));
        let report = p.on_reorg(&old_branch, &new_branch, &new_tip);
        assert_eq!(report.readmitted, vec![transfer_id(&a0)]);
        assert_eq!(report.not_readmitted.len(), 1);
        assert_eq!(report.not_readmitted[0].id, transfer_id(&b0));
        assert_eq!(report.not_readmitted[0].reason, EvictionReason::Confirmed);
        assert_eq!(report.evicted, vec![]);
        // alice's nonce 1, added on the old tip, still follows nonce 0.
        let template = p.select(&new_tip, 10);
        assert_eq!(template, vec![a0, a1]);
        apply_all(&new_tip, &template);
    }

    #[test]
    fn reorg_evicts_what_the_new_branch_confirmed_or_invalidated() {
        let genesis = ledger(&[("alice", 50), ("bob", 50)]);
        let mut p = pool();
        let a0 = pay("alice", "carol", 10, 1, 0);
        let a1 = pay("alice", "carol", 10, 1, 1);
        let b0 = pay("bob", "carol", 10, 1, 0);
        for t in [&a0, &a1, &b0] {
            p.add(t.clone(), &genesis).unwrap();
        }
        // The new branch (from genesis, nothing disconnected) confirms b0 and
        // a different alice nonce 0 that spends 45.
        let a0_other = pay("alice", "erin", 45, 0, 0);
        let mined = [b0.clone(), a0_other];
        let new_tip = apply_all(&genesis, &mined);
        let report = p.on_reorg(&[], &block(1, &mined), &new_tip);
        assert_eq!(report.readmitted, vec![]);
        let reasons: BTreeMap<TxId, EvictionReason> = report
            .evicted
            .into_iter()
            .map(|e| (e.id, e.reason))
            .collect();
        assert_eq!(
            reasons.get(&transfer_id(&b0)),
            Some(&EvictionReason::Confirmed)
        );
        assert!(matches!(
            reasons.get(&transfer_id(&a0)),
            Some(EvictionReason::Invalid(MempoolError::Tx(
                TxError::NonceUsed { .. }
            )))
        ));
        assert!(matches!(
            reasons.get(&transfer_id(&a1)),
            Some(EvictionReason::Invalid(MempoolError::Tx(
                TxError::InsufficientFunds { .. }
            )))
        ));
        assert!(p.is_empty());
    }

    #[test]
    fn reorg_does_not_readmit_what_no_longer_fits() {
        // Block 1 had alice's nonce 0; the new block 1 has another nonce 0.
        let genesis = ledger(&[("alice", 20)]);
        let a0 = pay("alice", "bob", 15, 0, 0);
        let mut p = pool();
        let a_other = pay("alice", "carol", 10, 0, 0);
        let new_tip = apply_all(&genesis, std::slice::from_ref(&a_other));
        let report = p.on_reorg(
            &block(1, std::slice::from_ref(&a0)),
            &block(1, &[a_other]),
            &new_tip,
        );
        assert_eq!(report.readmitted, vec![]);
        assert_eq!(report.not_readmitted.len(), 1);
        assert!(matches!(
            report.not_readmitted[0].reason,
            EvictionReason::Invalid(MempoolError::Tx(TxError::NonceUsed { .. }))
        ));
        assert!(p.is_empty());
    }

    #[test]
    fn capacity_evicts_the_cheapest_tail() {
        let tip = ledger(&[("alice", 100), ("bob", 100), ("carol", 100), ("dave", 100)]);
        let mut p = Mempool::new(CHAIN, 3);
        let a0 = pay("alice", "erin", 1, 1, 0);
        let a1 = pay("alice", "erin", 1, 9, 1);
        let b0 = pay("bob", "erin", 1, 2, 0);
        for t in [&a0, &a1, &b0] {
            p.add(t.clone(), &tip).unwrap();
        }
        // a0 is cheapest but a1 depends on it: only tails (a1, b0) can go.
        let admitted = p.add(pay("carol", "erin", 1, 3, 0), &tip).unwrap();
        let evicted = admitted.evicted.unwrap();
        assert_eq!(evicted.id, transfer_id(&b0));
        assert_eq!(evicted.reason, EvictionReason::PoolFull);
        assert!(p.contains(&transfer_id(&a0)));
        assert_eq!(p.len(), 3);
        // Tails now pay 9 and 3: a fee of 3 is not enough.
        let e = p.add(pay("dave", "erin", 1, 3, 0), &tip).unwrap_err();
        assert_eq!(
            e,
            MempoolError::FeeTooLow {
                capacity: 3,
                cheapest: Amount::new(3),
                fee: Amount::new(3)
            }
        );
        assert!(e.to_string().contains("must pay a fee above 3"), "{e}");
        // alice's own tail a1 is never evicted for her nonce 2 (it depends on
        // a1), so carol's transfer goes even though a1 would be "cheaper" to lose.
        let a2 = p.add(pay("alice", "erin", 1, 50, 2), &tip).unwrap();
        assert_eq!(
            a2.evicted.map(|e| e.transfer().unwrap().transfer.sender()),
            Some(addr("carol"))
        );
        apply_all(&tip, &p.select(&tip, 10));
        assert_eq!(p.select(&tip, 10).len(), 3);
    }

    #[test]
    fn a_full_pool_with_nothing_to_evict_says_so() {
        let tip = ledger(&[("alice", 100)]);
        let mut zero = Mempool::new(CHAIN, 0);
        assert_eq!(
            zero.add(pay("alice", "bob", 1, 50, 0), &tip),
            Err(MempoolError::PoolFull { capacity: 0 })
        );
        // Capacity 1, alice's nonce 0 pending: her nonce 1 cannot evict its parent.
        let mut one = Mempool::new(CHAIN, 1);
        one.add(pay("alice", "bob", 1, 1, 0), &tip).unwrap();
        assert_eq!(
            one.add(pay("alice", "bob", 1, 50, 1), &tip),
            Err(MempoolError::PoolFull { capacity: 1 })
        );
        // ... but a replacement needs no room.
        assert!(one.add(pay("alice", "bob", 1, 2, 0), &tip).is_ok());
    }

    #[test]
    fn reorg_over_capacity_drops_the_cheapest() {
        let genesis = ledger(&[("alice", 100), ("bob", 100)]);
        let mut p = Mempool::new(CHAIN, 1);
        let b0 = pay("bob", "carol", 1, 5, 0);
        p.add(b0.clone(), &genesis).unwrap();
        let a0 = pay("alice", "carol", 1, 1, 0);
        let report = p.on_reorg(&block(1, std::slice::from_ref(&a0)), &[], &genesis);
        assert_eq!(report.readmitted, vec![]);
        assert_eq!(report.not_readmitted.len(), 1);
        assert_eq!(report.not_readmitted[0].reason, EvictionReason::PoolFull);
        assert!(p.contains(&transfer_id(&b0)));
    }

    #[test]
    fn json_round_trip_and_tampering_is_caught() {
        let tip = ledger(&[("alice", 100), ("bob", 100)]);
        let mut p = Mempool::new(CHAIN, 5);
        p.add(pay("alice", "carol", 1, 1, 0), &tip).unwrap();
        p.add(pay("alice", "carol", 1, 3, 1), &tip).unwrap();
        p.add(pay("bob", "carol", 1, 2, 0), &tip).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        let back: Mempool = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        let forged = json.replacen("\"amount\":1", "\"amount\":2", 1);
        let e = serde_json::from_str::<Mempool>(&forged).unwrap_err();
        assert!(e.to_string().contains("signature does not match"), "{e}");
        let small = json.replace("\"capacity\":5", "\"capacity\":2");
        let e = serde_json::from_str::<Mempool>(&small).unwrap_err();
        assert!(e.to_string().contains("pool is full"), "{e}");
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        const NAMES: [&str; 4] = ["alice", "bob", "carol", "dave"];

        #[derive(Clone, Debug)]
        enum Op {
            /// A transfer; `nonce_delta` is added to the expected nonce
            /// (0 = right, 1 = gap) or subtracted (2 = an earlier one).
            Add {
                from: usize,
                to: usize,
                amount: u64,
                fee: u64,
                nonce_delta: u8,
            },
            /// Mine `select(tip, max)` into a block.
            Connect { max: usize },
            /// Mine a block with one transfer the pool never saw.
            ConnectForeign { from: usize, amount: u64 },
            /// Undo the last block (reorg back to its parent).
            Disconnect,
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                6 => (0..4usize, 0..4usize, 1..30u64, 0..6u64, 0..3u8).prop_map(
                    |(from, to, amount, fee, nonce_delta)| Op::Add { from, to, amount, fee, nonce_delta }
                ),
                2 => (0..5usize).prop_map(|max| Op::Connect { max }),
                1 => (0..4usize, 1..60u64).prop_map(|(from, amount)| Op::ConnectForeign { from, amount }),
                1 => Just(Op::Disconnect),
            ]
        }

        fn check_invariants(p: &Mempool, tip: &Ledger) {
            // At most one transfer per (sender, nonce), indexes agree.
            let mut seen = BTreeSet::new();
            for (id, t) in p.iter() {
                assert!(
                    seen.insert((t.transfer.sender(), t.transfer.nonce)),
                    "two pending with the same sender and nonce"
                );
                assert_eq!(*id, transfer_id(t));
            }
            assert_eq!(seen.len(), p.len());
            assert!(p.len() <= p.capacity());
            // Any template applies cleanly; the unbounded one is everything.
            for max in [0, 1, 3, usize::MAX] {
                let template = p.select(tip, max);
                assert!(template.len() <= max);
                apply_all(tip, &template);
            }
            assert_eq!(p.select(tip, usize::MAX).len(), p.len());
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(32))]

            #[test]
            fn pool_stays_consistent_with_the_tip(ops in proptest::collection::vec(op(), 1..40)) {
                let genesis = ledger(&NAMES.map(|n| (n, 60)));
                let mut p = Mempool::new(CHAIN, 6);
                // (ledger before the block, block transactions)
                let mut history: Vec<(Ledger, Vec<Transaction>)> = Vec::new();
                let mut tip = genesis;
                for op in ops {
                    match op {
                        Op::Add { from, to, amount, fee, nonce_delta } => {
                            let (f, t) = (NAMES[from], NAMES[to]);
                            let expected = p.next_nonce(&tip, &addr(f));
                            let nonce = match nonce_delta {
                                0 => expected,
                                1 => expected + 1,
                                _ => expected.saturating_sub(1),
                            };
                            let _ = p.add(pay(f, t, amount, fee, nonce), &tip);
                        }
                        Op::Connect { max } => {
                            let txs = p.select(&tip, max);
                            let new_tip = apply_all(&tip, &txs);
                            let b = block(history.len() as u64, &txs);
                            let evicted = p.on_block_connected(&b, &new_tip);
                            prop_assert!(txs.iter().all(|t| !p.contains(&transfer_id(t))));
                            prop_assert!(evicted.len() >= txs.len());
                            history.push((tip, b));
                            tip = new_tip;
                        }
                        Op::ConnectForeign { from, amount } => {
                            let f = NAMES[from];
                            let t = pay(f, "miner", amount, 0, tip.next_nonce(&addr(f)));
                            if tip.check_transfer(&t).is_ok() {
                                let new_tip = apply_all(&tip, std::slice::from_ref(&t));
                                let b = block(history.len() as u64, &[t]);
                                p.on_block_connected(&b, &new_tip);
                                history.push((tip, b));
                                tip = new_tip;
                            }
                        }
                        Op::Disconnect => {
                            if let Some((parent, b)) = history.pop() {
                                let report = p.on_reorg(&b, &[], &parent);
                                for id in &report.readmitted {
                                    prop_assert!(p.contains(id));
                                }
                                tip = parent;
                            }
                        }
                    }
                    check_invariants(&p, &tip);
                }
            }
        }
    }
}
