//! The lock-and-mint bridge, as chain B runs it.
//!
//! 1. On chain A, alice pays coins to the bridge's **vault** address with the
//!    memo `bridge:<her address on B in hex>`. Nobody has the vault's key, so
//!    the coins are locked on A.
//! 2. A relayer brings A's headers to B's [`LightClient`], then the lock
//!    transaction with its Merkle proof ([`LockProof`]).
//! 3. B checks the proof against A's headers at a confirmation depth, and
//!    mints as many wrapped A-coins to alice on B, exactly once per lock.
//!
//! A lock proven at depth that pays the vault but names nobody (no memo,
//! or not `bridge:<address>`) can never mint: B refuses it once and
//! records it as **unclaimable** in its state, so the refusal is final and
//! relayers stop proving it (its coins stay in the vault on A for good).
//!
//! The relayer is not trusted: it cannot mint without a real lock buried
//! under real proof of work. The depth is the defence against A reorganising
//! the lock away after B minted (see the tests).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::light::{LightClient, LightError};
use super::relay::{Relay, TxProof};
use crate::amount::Amount;
use crate::encode::{Encode, put_len};
use crate::hash::BlockHash;
use crate::hash::{Domain, TxId, tagged_hash};
use crate::keys::{ADDRESS_LEN, Address};
use crate::tx::Transaction;

/// A lock transaction on chain A and its proof: what a relayer submits.
pub type LockProof = TxProof;

/// The memo prefix of a lock: `bridge:` then the recipient's address on B.
pub const MEMO_PREFIX: &str = "bridge:";

/// Why a lock proof did not mint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BridgeError {
    /// The light client refused the proof.
    #[error("{0}")]
    Light(#[from] LightError),
    /// The proven transaction is not a transfer.
    #[error("the proven transaction is not a transfer, so it locks nothing")]
    NotATransfer,
    /// The transfer does not pay the vault.
    #[error("the transfer pays {to}, not the bridge vault {vault}: it locks nothing")]
    NotToVault {
        /// Whom it pays.
        to: Address,
        /// The vault.
        vault: Address,
    },
    /// The memo does not name a recipient.
    #[error(
        "the memo {memo:?} does not say who receives the coins: write bridge:<address on chain B>"
    )]
    BadMemo {
        /// The memo.
        memo: String,
    },
    /// Already minted for this lock.
    #[error("lock {txid} was already minted: each lock mints once")]
    AlreadyMinted {
        /// The lock.
        txid: TxId,
    },
    /// This lock was refused for good before (see
    /// [`BridgeError::is_final`]).
    #[error(
        "lock {txid} was already refused for good (its memo names no recipient): its coins stay locked in the vault"
    )]
    Unclaimable {
        /// The lock.
        txid: TxId,
    },
    /// The wrapped supply would overflow.
    #[error("minting would overflow the wrapped supply")]
    Overflow,
}

impl BridgeError {
    /// Whether no later header can change this refusal: the lock is on the
    /// best branch at depth and pays the vault, but its memo names no
    /// recipient. The bridge records such a lock as unclaimable. Every other
    /// refusal is for now (too shallow, not on the best branch yet, header
    /// not relayed yet) or about something that is not a lock at all.
    pub fn is_final(&self) -> bool {
        matches!(self, BridgeError::BadMemo { .. })
    }
}

/// One mint, for events and views.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minted {
    /// The lock on A.
    pub lock: TxId,
    /// Who received the wrapped coins on B.
    pub to: Address,
    /// How many.
    pub amount: Amount,
    /// The lock's confirmations when it was accepted.
    pub confirmations: u64,
}

/// What a relay did on the destination chain: its receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayReceipt {
    /// The chain the headers came from.
    pub source_chain: u32,
    /// Headers the light client took (already known ones count too).
    pub headers_accepted: u32,
    /// The first header refused, and why (none: all taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_refused: Option<String>,
    /// The light client's best tip after the headers.
    pub light_tip: BlockHash,
    /// Its height.
    pub light_height: u64,
    /// Proofs checked and minted for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub minted: Vec<Minted>,
    /// Proofs refused, and why (too shallow, not on the best chain, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims_refused: Vec<ClaimRefused>,
}

/// A lock proof the destination chain refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRefused {
    /// The lock on the source chain.
    pub lock: TxId,
    /// Why, in words.
    pub reason: String,
}

/// The vault on chain `source` for the bridge to chain `dest`: the first 20
/// bytes of `tagged_hash("chainlab:contract-address:v1", "bridge-vault" |
/// source u32 BE | dest u32 BE)`. No key has it.
pub fn vault_address(source: u32, dest: u32) -> Address {
    let mut data = b"bridge-vault".to_vec();
    source.encode_to(&mut data);
    dest.encode_to(&mut data);
    let h = tagged_hash(Domain::ContractAddress, &data);
    let mut a = [0u8; ADDRESS_LEN];
    a.copy_from_slice(h.as_bytes().get(..ADDRESS_LEN).unwrap_or(&[0; ADDRESS_LEN]));
    Address::from_bytes(a)
}

/// Chain B's side of the bridge: A's light client and wrapped balances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MintBridge {
    /// Chain A's headers.
    pub light: LightClient,
    /// The vault on A.
    pub vault: Address,
    /// Confirmations a lock needs before it mints.
    pub min_confirmations: u64,
    minted: BTreeSet<TxId>,
    /// Locks refused for good ([`BridgeError::is_final`]).
    unclaimable: BTreeSet<TxId>,
    wrapped: BTreeMap<Address, Amount>,
    supply: Amount,
}

impl MintBridge {
    /// A bridge that mints for locks in `vault` with `min_confirmations`.
    pub fn new(light: LightClient, vault: Address, min_confirmations: u64) -> Self {
        MintBridge {
            light,
            vault,
            min_confirmations,
            minted: BTreeSet::new(),
            unclaimable: BTreeSet::new(),
            wrapped: BTreeMap::new(),
            supply: Amount::ZERO,
        }
    }

    /// Wrapped coins held by `who` on B.
    pub fn wrapped_balance(&self, who: &Address) -> Amount {
        self.wrapped.get(who).copied().unwrap_or_default()
    }

    /// All wrapped coins minted.
    pub fn supply(&self) -> Amount {
        self.supply
    }

    /// Whether the lock `txid` has minted.
    pub fn has_minted(&self, txid: &TxId) -> bool {
        self.minted.contains(txid)
    }

    /// The locks minted for, in id order.
    pub fn minted(&self) -> impl Iterator<Item = &TxId> {
        self.minted.iter()
    }

    /// Whether the lock `txid` was refused for good (it will never mint).
    pub fn is_unclaimable(&self, txid: &TxId) -> bool {
        self.unclaimable.contains(txid)
    }

    /// The locks refused for good, in id order.
    pub fn unclaimable(&self) -> impl Iterator<Item = &TxId> {
        self.unclaimable.iter()
    }

    /// Every wrapped balance, in address order.
    pub fn wrapped(&self) -> impl Iterator<Item = (&Address, &Amount)> {
        self.wrapped.iter()
    }

    /// As hashed into the destination chain's state root: `vault 20 |
    /// min_confirmations u64 | light client state | u32 count | minted lock
    /// ids (32 each, in byte order) | u32 count | unclaimable lock ids (32
    /// each, in byte order) | u32 count | (address 20 | amount u64)* in
    /// address order`.
    pub fn encode_state(&self, out: &mut Vec<u8>) {
        self.vault.encode_to(out);
        self.min_confirmations.encode_to(out);
        self.light.encode_state(out);
        put_len(out, self.minted.len());
        for t in &self.minted {
            t.encode_to(out);
        }
        put_len(out, self.unclaimable.len());
        for t in &self.unclaimable {
            t.encode_to(out);
        }
        put_len(out, self.wrapped.len());
        for (a, v) in &self.wrapped {
            a.encode_to(out);
            v.encode_to(out);
        }
    }

    /// Applies a relay: submits its headers in order to the light client
    /// (stopping at the first refused one, as later ones build on it), then
    /// checks each proof and mints, recording a lock refused for good as
    /// unclaimable. Nothing a relay carries makes it invalid: the receipt
    /// says what was accepted, refused and minted. (The chain refuses a
    /// relay that is already on its branch: a relay has no nonce.)
    pub fn apply_relay(&mut self, relay: &Relay) -> RelayReceipt {
        let mut receipt = RelayReceipt {
            source_chain: relay.source_chain,
            headers_accepted: 0,
            header_refused: None,
            light_tip: self.light.tip(),
            light_height: self.light.height(),
            minted: Vec::new(),
            claims_refused: Vec::new(),
        };
        for h in &relay.headers {
            match self.light.submit(*h) {
                Ok(_) => receipt.headers_accepted = receipt.headers_accepted.saturating_add(1),
                Err(e) => {
                    receipt.header_refused = Some(format!("header at height {}: {e}", h.height));
                    break;
                }
            }
        }
        receipt.light_tip = self.light.tip();
        receipt.light_height = self.light.height();
        for p in &relay.proofs {
            match self.claim(p) {
                Ok(m) => receipt.minted.push(m),
                Err(e) => {
                    let lock = p.tx.id();
                    if e.is_final() {
                        self.unclaimable.insert(lock);
                    }
                    receipt.claims_refused.push(ClaimRefused {
                        lock,
                        reason: e.to_string(),
                    });
                }
            }
        }
        receipt
    }

    // ANCHOR: claim
    /// Checks a lock proof and mints. Validates everything before changing
    /// anything (recording a lock refused for good is
    /// [`MintBridge::apply_relay`]'s job).
    pub fn claim(&mut self, p: &LockProof) -> Result<Minted, BridgeError> {
        let Transaction::Transfer(t) = &p.tx else {
            return Err(BridgeError::NotATransfer);
        };
        let txid = p.tx.id();
        if self.minted.contains(&txid) {
            return Err(BridgeError::AlreadyMinted { txid });
        }
        if self.unclaimable.contains(&txid) {
            return Err(BridgeError::Unclaimable { txid });
        }
        self.light
            .verify_inclusion(txid, &p.block, &p.proof, self.min_confirmations)?;
        let confirmations = self.light.confirmations(&p.block)?;
        let transfer = &t.transfer;
        if transfer.to != self.vault {
            return Err(BridgeError::NotToVault {
                to: transfer.to,
                vault: self.vault,
            });
        }
        let to = transfer
            .memo
            .strip_prefix(MEMO_PREFIX)
            .and_then(|hex| Address::from_hex(hex.trim()).ok())
            .ok_or_else(|| BridgeError::BadMemo {
                memo: transfer.memo.clone(),
            })?;
        let supply = self
            .supply
            .checked_add(transfer.amount)
            .ok_or(BridgeError::Overflow)?;
        let balance = self
            .wrapped_balance(&to)
            .checked_add(transfer.amount)
            .ok_or(BridgeError::Overflow)?;
        self.minted.insert(txid);
        self.wrapped.insert(to, balance);
        self.supply = supply;
        Ok(Minted {
            lock: txid,
            to,
            amount: transfer.amount,
            confirmations,
        })
    }
    // ANCHOR_END: claim
}
