//! A node's mempool inside a world: signed transfers waiting for a block.
//!
//! Kept small on purpose: one pending transfer per sender and nonce, checked
//! against the node's ledger when it arrives and again whenever the tip
//! moves. (The chain's general-purpose mempool lives in its own module; the
//! world needs only this much, and its iteration order is part of the
//! state digest.)

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::hash::TxId;
use crate::keys::Address;
use crate::ledger::Ledger;
use crate::tx::{SignedTransfer, Transaction, TxError};

/// The most transfers one node keeps pending.
pub const MAX_POOL_TXS: usize = 10_000;

/// How far ahead of the sender's next nonce a pending transfer may be.
pub const MAX_NONCE_GAP: u64 = 64;

/// Why a transfer was not taken into a mempool.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// It breaks a transaction rule (signature, chain, nonce, funds, ...).
    #[error(transparent)]
    Tx(#[from] TxError),
    /// Another pending transfer already uses this sender's nonce.
    #[error(
        "nonce {nonce} of {from} is already used by pending transaction {pending}: this is a double spend"
    )]
    Conflict {
        /// The sender.
        from: Address,
        /// The nonce both use.
        nonce: u64,
        /// The transfer that was there first.
        pending: TxId,
    },
    /// The nonce is too far ahead of the sender's next one.
    #[error("nonce {nonce} of {from} is more than {max} ahead of its next nonce {next}")]
    TooFarAhead {
        /// The sender.
        from: Address,
        /// The nonce in the transfer.
        nonce: u64,
        /// The sender's next nonce.
        next: u64,
        /// The allowed gap.
        max: u64,
    },
    /// The mempool is full.
    #[error("the mempool already holds {max} transactions")]
    Full {
        /// The limit.
        max: usize,
    },
}

/// Pending transfers of one node, by sender and nonce.
#[derive(Clone, Debug, Default)]
pub struct Mempool {
    by_slot: BTreeMap<(Address, u64), (TxId, Arc<SignedTransfer>)>,
    slots: BTreeMap<TxId, (Address, u64)>,
}

impl Mempool {
    /// An empty mempool.
    pub fn new() -> Self {
        Mempool::default()
    }

    /// Number of pending transfers.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Whether `txid` is pending.
    pub fn contains(&self, txid: &TxId) -> bool {
        self.slots.contains_key(txid)
    }

    /// Pending transaction ids, in id order.
    pub fn txids(&self) -> impl Iterator<Item = &TxId> {
        self.slots.keys()
    }

    /// Pending transfers, by sender then nonce.
    pub fn transfers(&self) -> impl Iterator<Item = &SignedTransfer> {
        self.by_slot.values().map(|(_, t)| t.as_ref())
    }

    /// The nonce `from`'s next transfer should carry: the ledger's, plus
    /// the pending transfers that follow it without a gap.
    pub fn next_nonce(&self, from: &Address, ledger: &Ledger) -> u64 {
        let mut n = ledger.next_nonce(from);
        while self.by_slot.contains_key(&(*from, n)) {
            n = n.saturating_add(1);
        }
        n
    }

    /// Checks a transfer whose signature and form were already checked
    /// against `ledger` (the node's tip) and the pending ones, and keeps
    /// it. `Ok(false)` if it was already pending.
    pub fn add(
        &mut self,
        txid: TxId,
        tx: Arc<SignedTransfer>,
        ledger: &Ledger,
    ) -> Result<bool, PoolError> {
        if self.slots.contains_key(&txid) {
            return Ok(false);
        }
        let t = &tx.transfer;
        let from = t.sender();
        let account = ledger.account(&from);
        if t.nonce < account.nonce {
            return Err(TxError::NonceUsed {
                from,
                nonce: t.nonce,
                next: account.nonce,
            }
            .into());
        }
        if t.nonce.saturating_sub(account.nonce) > MAX_NONCE_GAP {
            return Err(PoolError::TooFarAhead {
                from,
                nonce: t.nonce,
                next: account.nonce,
                max: MAX_NONCE_GAP,
            });
        }
        if let Some((pending, _)) = self.by_slot.get(&(from, t.nonce)) {
            return Err(PoolError::Conflict {
                from,
                nonce: t.nonce,
                pending: *pending,
            });
        }
        let needed = t.total()?;
        if needed > account.balance {
            return Err(TxError::InsufficientFunds {
                from,
                needed,
                available: account.balance,
            }
            .into());
        }
        if self.slots.len() >= MAX_POOL_TXS {
            return Err(PoolError::Full { max: MAX_POOL_TXS });
        }
        let slot = (from, t.nonce);
        self.by_slot.insert(slot, (txid, tx));
        self.slots.insert(txid, slot);
        Ok(true)
    }

    /// Removes a pending transfer.
    pub fn remove(&mut self, txid: &TxId) -> Option<Arc<SignedTransfer>> {
        let slot = self.slots.remove(txid)?;
        self.by_slot.remove(&slot).map(|(_, t)| t)
    }

    /// After the tip moved: drops every pending transfer whose nonce the
    /// new ledger has used. Returns the dropped ones that are not in the
    /// chain (`in_chain` says which are) with the reason: those lost a
    /// double spend.
    pub fn revalidate(
        &mut self,
        ledger: &Ledger,
        in_chain: impl Fn(&TxId) -> bool,
    ) -> Vec<(TxId, TxError)> {
        let stale: Vec<(TxId, Address, u64)> = self
            .by_slot
            .iter()
            .filter(|((from, nonce), _)| *nonce < ledger.next_nonce(from))
            .map(|((from, nonce), (txid, _))| (*txid, *from, *nonce))
            .collect();
        let mut dropped = Vec::new();
        for (txid, from, nonce) in stale {
            self.remove(&txid);
            if !in_chain(&txid) {
                let next = ledger.next_nonce(&from);
                dropped.push((txid, TxError::NonceUsed { from, nonce, next }));
            }
        }
        dropped
    }

    /// Up to `max` transfers that apply in order on `ledger`: senders in
    /// address order, each sender's transfers in nonce order from its next
    /// nonce, stopping at the first that does not apply.
    pub fn select(&self, ledger: &Ledger, max: usize) -> Vec<SignedTransfer> {
        let mut out = Vec::new();
        if self.by_slot.is_empty() || max == 0 {
            return out;
        }
        let mut scratch = ledger.clone();
        let mut blocked: Option<Address> = None;
        for ((from, _), (_, tx)) in &self.by_slot {
            if out.len() >= max {
                break;
            }
            if blocked == Some(*from) {
                continue;
            }
            // The fee goes to the producer; crediting it to the sender's
            // recipient-free sink keeps the check exact without knowing it.
            if scratch.apply_transfer(tx, Address::default()).is_ok() {
                out.push(SignedTransfer::clone(tx));
            } else {
                blocked = Some(*from);
            }
        }
        out
    }
}

/// The transfers of a block (everything but the coinbase).
pub(crate) fn transfers_of(txs: &[Transaction]) -> impl Iterator<Item = &SignedTransfer> {
    txs.iter().filter_map(Transaction::as_transfer)
}
