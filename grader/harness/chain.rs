//! Types the grader passes to your functions: `use crate::chain::*;`
//! (grader-owned; the same in every exercise).
#![allow(dead_code)]

use std::collections::BTreeMap;

/// A block header (see docs/encoding.md, "Block header").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub chain_id: u32,
    pub height: u64,
    pub parent: [u8; 32],
    pub merkle_root: [u8; 32],
    pub timestamp_ms: u64,
    /// A 256-bit big-endian number.
    pub target: [u8; 32],
    pub nonce: u64,
}

/// What a sender signs (see docs/encoding.md, "Transfer").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub chain_id: u32,
    /// The sender's ed25519 public key.
    pub from: [u8; 32],
    /// The recipient's address.
    pub to: [u8; 20],
    pub amount: u64,
    pub fee: u64,
    pub nonce: u64,
    pub memo: String,
}

/// A transfer with the sender's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransfer {
    pub transfer: Transfer,
    pub signature: [u8; 64],
}

/// One account: its balance and the nonce its next transfer must carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Account {
    pub balance: u64,
    pub nonce: u64,
}

/// Accounts by address; an address that is not present is `Account::default()`.
pub type Ledger = BTreeMap<[u8; 20], Account>;

/// Why a transfer is refused, one variant per rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxRejection {
    ZeroAmount,
    MemoTooLong,
    /// `amount + fee` does not fit in a u64.
    Overflow,
    WrongChain,
    BadSignature,
    NonceUsed,
    NonceAhead,
    InsufficientFunds,
}

/// A block in a block tree, listed in the order it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockMeta {
    /// Index of the parent in the same list (`None` for genesis, index 0).
    pub parent: Option<usize>,
    /// The work this block adds (expected hashes to meet its target).
    pub work: u64,
}

/// A validator and its voting power.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validator {
    pub key: [u8; 32],
    pub power: u64,
}

/// `floor(x * num / den)` for a 256-bit big-endian `x`, saturating at
/// 2^256 - 1. Panics if `den` is 0.
pub fn mul_div(x: &[u8; 32], num: u64, den: u64) -> [u8; 32] {
    assert!(den != 0, "mul_div: division by zero");
    // Little-endian 64-bit limbs; 5 limbs hold the 320-bit product.
    let mut limbs = [0u64; 5];
    for i in 0..4 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&x[32 - 8 * (i + 1)..32 - 8 * i]);
        limbs[i] = u64::from_be_bytes(b);
    }
    let mut carry = 0u128;
    for limb in limbs.iter_mut() {
        let p = (*limb as u128) * (num as u128) + carry;
        *limb = p as u64;
        carry = p >> 64;
    }
    let mut rem = 0u128;
    for limb in limbs.iter_mut().rev() {
        let cur = (rem << 64) | (*limb as u128);
        *limb = (cur / den as u128) as u64;
        rem = cur % den as u128;
    }
    if limbs[4] != 0 {
        return [0xff; 32];
    }
    let mut out = [0u8; 32];
    for i in 0..4 {
        out[32 - 8 * (i + 1)..32 - 8 * i].copy_from_slice(&limbs[i].to_be_bytes());
    }
    out
}

/// Where a hash time-locked contract stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtlcState {
    Locked,
    Claimed,
    Refunded,
}

/// A hash time-locked contract: coins claimable with the preimage of
/// `hashlock` before height `timeout`, refundable to the sender from then on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Htlc {
    /// SHA-256 (plain, untagged) of the secret.
    pub hashlock: [u8; 32],
    /// The first height at which the sender may refund.
    pub timeout: u64,
    pub state: HtlcState,
}

/// A step on an HTLC, in a block at `height`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HtlcAction {
    Claim { secret: Vec<u8>, height: u64 },
    Refund { height: u64 },
}

/// Why an HTLC step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtlcRefusal {
    NotLocked,
    TooLate,
    TooEarly,
    WrongSecret,
}
