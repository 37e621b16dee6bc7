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
//! The relayer is not trusted: it cannot mint without a real lock buried
//! under real proof of work. The depth is the defence against A reorganising
//! the lock away after B minted (see the tests).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::light::{LightClient, LightError};
use super::relay::TxProof;
use crate::amount::Amount;
use crate::encode::Encode;
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
    /// The wrapped supply would overflow.
    #[error("minting would overflow the wrapped supply")]
    Overflow,
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

    /// Checks a lock proof and mints. Validates everything before changing
    /// anything.
    pub fn claim(&mut self, p: &LockProof) -> Result<Minted, BridgeError> {
        let Transaction::Transfer(t) = &p.tx else {
            return Err(BridgeError::NotATransfer);
        };
        let txid = p.tx.id();
        if self.minted.contains(&txid) {
            return Err(BridgeError::AlreadyMinted { txid });
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
}
