//! Transactions: signed transfers between accounts, and the coinbase that
//! pays a block's producer.
//!
//! The chain uses the account model (balances plus a per-account nonce); see
//! `ARCHITECTURE.md` for why. A transfer's `nonce` must equal the sender's
//! next nonce: reusing one is a replay or a double spend, and is refused.

use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::bridge::relay::{Relay, TAG_RELAY};
use crate::contract::tx::{Call, ContractTxError, Deploy, Signed, TAG_CALL, TAG_DEPLOY};
use crate::encode::{Decode, DecodeError, Encode, Reader, put_bytes};
use crate::hash::{Domain, TxId, tagged_hash};
use crate::identity::{GovernanceError, NotAMember, SignedGovernance};
use crate::keys::{Address, Keypair, PublicKey, Signature, SignatureError};

/// The longest memo a transfer may carry, in bytes of UTF-8.
pub const MAX_MEMO_BYTES: u32 = 140;

/// Why a transaction is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The signature does not verify against the sender's public key.
    #[error(
        "the signature does not match the sender's key: {from} did not sign exactly these bytes (was a field changed after signing?)"
    )]
    BadSignature {
        /// The sender's address.
        from: Address,
    },
    /// The transaction names another chain: a replay from a different chain.
    #[error(
        "this transaction is for chain {found} but this is chain {expected} (a replay from another chain?)"
    )]
    WrongChain {
        /// This chain's id.
        expected: u32,
        /// The chain id in the transaction.
        found: u32,
    },
    /// Sending nothing is refused (it would only burn a nonce and a fee).
    #[error("the amount must be at least 1 coin")]
    ZeroAmount,
    /// The memo is too long.
    #[error("the memo has {len} bytes but at most {max} are allowed")]
    MemoTooLong {
        /// The memo's length in bytes.
        len: usize,
        /// The limit.
        max: u32,
    },
    /// The nonce was already used: this is a replay or a double spend.
    #[error(
        "nonce {nonce} of {from} was already used (its next nonce is {next}): this is a replay or a double spend"
    )]
    NonceUsed {
        /// The sender.
        from: Address,
        /// The nonce in the transaction.
        nonce: u64,
        /// The sender's next unused nonce.
        next: u64,
    },
    /// The nonce skips ahead of the sender's next nonce.
    #[error(
        "nonce {nonce} of {from} is ahead: its next nonce is {next}, so that one must be used first"
    )]
    NonceAhead {
        /// The sender.
        from: Address,
        /// The nonce in the transaction.
        nonce: u64,
        /// The sender's next unused nonce.
        next: u64,
    },
    /// The sender cannot pay the amount plus the fee.
    #[error("{from} spends {needed} (amount plus fee) but has only {available}")]
    InsufficientFunds {
        /// The sender.
        from: Address,
        /// Amount plus fee.
        needed: Amount,
        /// The sender's balance.
        available: Amount,
    },
    /// A sum went past the largest representable amount.
    #[error("the amounts are too large: {what} would overflow")]
    Overflow {
        /// Which sum overflowed.
        what: &'static str,
    },
    /// On a permissioned chain, the sender is not a member.
    #[error(transparent)]
    NotAMember(#[from] NotAMember),
    /// A governance change is refused.
    #[error("governance change refused: {0}")]
    Governance(#[from] GovernanceError),
    /// A relay names a chain this chain has no bridge from.
    #[error("this chain has no bridge from chain {source_chain}, so it cannot take its headers")]
    NoBridge {
        /// The chain named.
        source_chain: u32,
    },
    /// A relay is malformed (too many headers or proofs).
    #[error("bad relay: {0}")]
    BadRelay(String),
    /// This very relay is already on the chain (a relay carries no nonce,
    /// so the chain applies it at most once per branch).
    #[error(
        "this relay is already on this chain, in block {height} ({block}): a relay has no nonce, so the same relay is never applied twice"
    )]
    RelayAlreadyApplied {
        /// The block that holds it.
        block: crate::hash::BlockHash,
        /// Its height.
        height: u64,
    },
    /// A contract deploy or call breaks a rule of its own (gas limit,
    /// sizes, its signature). Nonce and funds errors of a contract
    /// transaction are the variants above, as for a transfer.
    #[error(transparent)]
    Contract(Box<ContractTxError>),
}

impl From<ContractTxError> for TxError {
    /// A contract transaction's nonce and funds errors become the plain
    /// [`TxError`] a transfer would have; the rest are wrapped.
    fn from(e: ContractTxError) -> Self {
        match e {
            ContractTxError::Tx(t) => t,
            other => TxError::Contract(Box::new(other)),
        }
    }
}

/// What a sender signs: a payment of `amount` to `to`, paying `fee` to the
/// block producer, as the sender's `nonce`-th transaction on chain `chain_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The chain this transfer is valid on (replay protection across chains).
    pub chain_id: u32,
    /// The sender's public key (its address is derived from it).
    pub from: PublicKey,
    /// The recipient.
    pub to: Address,
    /// Coins moved to the recipient.
    pub amount: Amount,
    /// Coins paid to whoever includes the transfer in a block.
    pub fee: Amount,
    /// The sender's transaction counter: 0 for its first transfer, then 1, ...
    pub nonce: u64,
    /// A short note, e.g. "coffee".
    #[serde(default)]
    pub memo: String,
}

impl Transfer {
    /// The sender's address.
    pub fn sender(&self) -> Address {
        self.from.address()
    }

    /// Amount plus fee, the most the sender's balance goes down by.
    pub fn total(&self) -> Result<Amount, TxError> {
        self.amount.checked_add(self.fee).ok_or(TxError::Overflow {
            what: "amount + fee",
        })
    }

    /// The canonical bytes of the unsigned transfer (what is signed).
    pub fn signing_bytes(&self) -> Vec<u8> {
        self.encode()
    }

    /// Signs the transfer with `key`. A key that is not `from`'s yields a
    /// signature that fails to verify, exactly as on a real chain.
    pub fn sign(self, key: &Keypair) -> SignedTransfer {
        let signature = key.sign(Domain::Transfer, &self.signing_bytes());
        SignedTransfer {
            transfer: self,
            signature,
        }
    }

    /// Checks what can be checked without a ledger: amount and memo.
    pub fn check_form(&self) -> Result<(), TxError> {
        if self.amount == Amount::ZERO {
            return Err(TxError::ZeroAmount);
        }
        let len = self.memo.len();
        if len > MAX_MEMO_BYTES as usize {
            return Err(TxError::MemoTooLong {
                len,
                max: MAX_MEMO_BYTES,
            });
        }
        self.total().map(|_| ())
    }
}

impl Encode for Transfer {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.chain_id.encode_to(out);
        self.from.encode_to(out);
        self.to.encode_to(out);
        self.amount.encode_to(out);
        self.fee.encode_to(out);
        self.nonce.encode_to(out);
        put_bytes(out, self.memo.as_bytes());
    }
}

impl Decode for Transfer {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Transfer {
            chain_id: r.u32("chain_id")?,
            from: PublicKey::decode_from(r)?,
            to: Address::decode_from(r)?,
            amount: Amount::decode_from(r)?,
            fee: Amount::decode_from(r)?,
            nonce: r.u64("nonce")?,
            memo: r.string("memo", MAX_MEMO_BYTES)?,
        })
    }
}

/// A transfer with its sender's signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedTransfer {
    /// The signed content.
    pub transfer: Transfer,
    /// ed25519 signature by `transfer.from` over `"chainlab:transfer:v1" || 0x00 || signing_bytes`.
    pub signature: Signature,
}

impl SignedTransfer {
    /// The id this transfer has as a [`Transaction`] (no copy made).
    pub fn id(&self) -> TxId {
        let mut bytes = vec![TAG_TRANSFER];
        self.transfer.encode_to(&mut bytes);
        self.signature.encode_to(&mut bytes);
        TxId::from_hash(tagged_hash(Domain::TxId, &bytes))
    }

    /// Checks the signature against the sender's key.
    pub fn verify_signature(&self) -> Result<(), TxError> {
        self.transfer
            .from
            .verify(
                Domain::Transfer,
                &self.transfer.signing_bytes(),
                &self.signature,
            )
            .map_err(|SignatureError::Mismatch| TxError::BadSignature {
                from: self.transfer.sender(),
            })
    }

    /// Every check that needs no ledger: form, chain id, and signature.
    pub fn check_stateless(&self, chain_id: u32) -> Result<(), TxError> {
        self.transfer.check_form()?;
        if self.transfer.chain_id != chain_id {
            return Err(TxError::WrongChain {
                expected: chain_id,
                found: self.transfer.chain_id,
            });
        }
        self.verify_signature()
    }
}

/// The block producer's reward: new coins plus the block's fees. It is the
/// first transaction of every block, and names the height so that two
/// coinbases to the same address never share an id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coinbase {
    /// The height of the block it belongs to.
    pub height: u64,
    /// Who is paid.
    pub to: Address,
    /// Block reward plus fees.
    pub amount: Amount,
}

/// Kind tags of [`Transaction`] in the canonical encoding (deploy `0x10`
/// and call `0x11` are [`TAG_DEPLOY`] and [`TAG_CALL`]).
const TAG_COINBASE: u8 = 0;
const TAG_TRANSFER: u8 = 1;
const TAG_GOVERNANCE: u8 = 2;

/// Any transaction a block can contain.
// Nearly every transaction is a transfer; boxing it would cost an allocation
// each to save space only on the one coinbase per block.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transaction {
    /// New coins for the block producer.
    Coinbase(Coinbase),
    /// A signed payment.
    Transfer(SignedTransfer),
    /// A change to a permissioned chain's membership or validators,
    /// approved by organisation admins.
    Governance(SignedGovernance),
    /// A signed contract deployment.
    Deploy(Signed<Deploy>),
    /// A signed contract call.
    Call(Signed<Call>),
    /// Headers and lock proofs from another chain, for this chain's bridge
    /// (unsigned: everything in it is checked).
    Relay(Relay),
}

impl Transaction {
    /// The id: `SHA-256("chainlab:txid:v1" || 0x00 || canonical bytes)`,
    /// signature included, so any change to any byte changes the id.
    pub fn id(&self) -> TxId {
        TxId::from_hash(tagged_hash(Domain::TxId, &self.encode()))
    }

    /// The transfer inside, if this is one.
    pub fn as_transfer(&self) -> Option<&SignedTransfer> {
        match self {
            Transaction::Transfer(t) => Some(t),
            _ => None,
        }
    }

    /// The governance change inside, if this is one.
    pub fn as_governance(&self) -> Option<&SignedGovernance> {
        match self {
            Transaction::Governance(g) => Some(g),
            _ => None,
        }
    }

    /// The fee of a transfer (zero for every other kind: a contract
    /// transaction's fee depends on the gas it uses, see its receipt).
    pub fn fee(&self) -> Amount {
        self.as_transfer().map_or(Amount::ZERO, |t| t.transfer.fee)
    }

    /// The signer's key and nonce of a transaction that uses an account
    /// nonce: a transfer, a deploy or a call.
    pub fn sender_nonce(&self) -> Option<(&PublicKey, u64)> {
        match self {
            Transaction::Transfer(t) => Some((&t.transfer.from, t.transfer.nonce)),
            Transaction::Deploy(d) => Some((&d.tx.from, d.tx.nonce)),
            Transaction::Call(c) => Some((&c.tx.from, c.tx.nonce)),
            Transaction::Coinbase(_) | Transaction::Governance(_) | Transaction::Relay(_) => None,
        }
    }

    /// Whether this is a deploy or a call.
    pub fn is_contract(&self) -> bool {
        matches!(self, Transaction::Deploy(_) | Transaction::Call(_))
    }

    /// Every check that needs no ledger (form, chain id, signatures); a
    /// coinbase has none.
    pub fn check_stateless(&self, chain_id: u32) -> Result<(), TxError> {
        match self {
            Transaction::Transfer(t) => t.check_stateless(chain_id),
            Transaction::Governance(g) => g.check_stateless(chain_id),
            Transaction::Deploy(d) => d.check_stateless(chain_id).map_err(TxError::from),
            Transaction::Call(c) => c.check_stateless(chain_id).map_err(TxError::from),
            Transaction::Relay(r) => r.check_form().map_err(TxError::BadRelay),
            Transaction::Coinbase(_) => Ok(()),
        }
    }

    /// Reads a transaction from JSON and checks its form and signature
    /// against `chain_id` (nothing from outside is trusted).
    pub fn from_json(json: &str, chain_id: u32) -> Result<Transaction, crate::ImportError> {
        let tx: Transaction = crate::json::from_json_bounded(json)?;
        tx.check_stateless(chain_id)
            .map_err(crate::ImportError::Tx)?;
        Ok(tx)
    }
}

impl From<SignedTransfer> for Transaction {
    fn from(t: SignedTransfer) -> Self {
        Transaction::Transfer(t)
    }
}

impl From<Signed<Deploy>> for Transaction {
    fn from(d: Signed<Deploy>) -> Self {
        Transaction::Deploy(d)
    }
}

impl From<Signed<Call>> for Transaction {
    fn from(c: Signed<Call>) -> Self {
        Transaction::Call(c)
    }
}

impl Encode for Transaction {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            Transaction::Coinbase(c) => {
                out.push(TAG_COINBASE);
                c.height.encode_to(out);
                c.to.encode_to(out);
                c.amount.encode_to(out);
            }
            Transaction::Transfer(t) => {
                out.push(TAG_TRANSFER);
                t.transfer.encode_to(out);
                t.signature.encode_to(out);
            }
            Transaction::Governance(g) => {
                out.push(TAG_GOVERNANCE);
                g.encode_to(out);
            }
            // `Signed` writes its own kind tag (0x10 or 0x11).
            Transaction::Deploy(d) => d.encode_to(out),
            Transaction::Call(c) => c.encode_to(out),
            Transaction::Relay(r) => {
                out.push(TAG_RELAY);
                r.encode_to(out);
            }
        }
    }
}

impl Decode for Transaction {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        match r.u8("transaction kind")? {
            TAG_COINBASE => Ok(Transaction::Coinbase(Coinbase {
                height: r.u64("height")?,
                to: Address::decode_from(r)?,
                amount: Amount::decode_from(r)?,
            })),
            TAG_TRANSFER => Ok(Transaction::Transfer(SignedTransfer {
                transfer: Transfer::decode_from(r)?,
                signature: Signature::decode_from(r)?,
            })),
            TAG_GOVERNANCE => Ok(Transaction::Governance(SignedGovernance::decode_from(r)?)),
            TAG_DEPLOY => Ok(Transaction::Deploy(Signed::decode_after_tag(r)?)),
            TAG_CALL => Ok(Transaction::Call(Signed::decode_after_tag(r)?)),
            TAG_RELAY => Ok(Transaction::Relay(Relay::decode_from(r)?)),
            tag => Err(DecodeError::UnknownTag {
                field: "transaction kind",
                tag,
                offset,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pay(from: &str, to: &str, amount: u64, nonce: u64) -> SignedTransfer {
        let key = Keypair::from_name(from);
        Transfer {
            chain_id: 1,
            from: key.public(),
            to: Keypair::from_name(to).address(),
            amount: Amount::new(amount),
            fee: Amount::new(1),
            nonce,
            memo: "coffee".into(),
        }
        .sign(&key)
    }

    #[test]
    fn signed_transfer_verifies_and_tampering_fails() {
        let tx = pay("alice", "bob", 5, 0);
        assert_eq!(tx.check_stateless(1), Ok(()));
        let mut tampered = tx.clone();
        tampered.transfer.amount = Amount::new(500);
        assert_eq!(
            tampered.check_stateless(1),
            Err(TxError::BadSignature {
                from: tx.transfer.sender()
            })
        );
        assert_eq!(
            tx.check_stateless(2),
            Err(TxError::WrongChain {
                expected: 2,
                found: 1
            })
        );
    }

    #[test]
    fn signing_with_someone_elses_key_fails() {
        let mut tx = pay("alice", "bob", 5, 0);
        tx.transfer.from = Keypair::from_name("carol").public();
        assert!(matches!(
            tx.check_stateless(1),
            Err(TxError::BadSignature { .. })
        ));
    }

    #[test]
    fn encoding_round_trips_and_ids_differ() {
        let a = Transaction::from(pay("alice", "bob", 5, 0));
        let b = Transaction::from(pay("alice", "bob", 5, 1));
        assert_eq!(Transaction::decode(&a.encode()), Ok(a.clone()));
        assert_ne!(a.id(), b.id());
        assert_eq!(a.as_transfer().unwrap().id(), a.id());
        let cb = Transaction::Coinbase(Coinbase {
            height: 3,
            to: Keypair::from_name("miner").address(),
            amount: Amount::new(50),
        });
        assert_eq!(cb.encode().len(), 1 + 8 + 20 + 8);
        assert_eq!(Transaction::decode(&cb.encode()), Ok(cb));
    }

    #[test]
    fn json_round_trip_checks_signature() {
        let tx = Transaction::from(pay("alice", "bob", 5, 0));
        let json = serde_json::to_string(&tx).unwrap();
        assert_eq!(Transaction::from_json(&json, 1).unwrap(), tx);
        let forged = json.replace("\"amount\":5", "\"amount\":6");
        let err = Transaction::from_json(&forged, 1).unwrap_err().to_string();
        assert!(err.contains("signature does not match"), "{err}");
    }

    #[test]
    fn form_errors() {
        let mut t = pay("alice", "bob", 5, 0).transfer;
        t.amount = Amount::ZERO;
        assert_eq!(t.check_form(), Err(TxError::ZeroAmount));
        t.amount = Amount::MAX;
        assert_eq!(
            t.check_form(),
            Err(TxError::Overflow {
                what: "amount + fee"
            })
        );
        t.amount = Amount::new(1);
        t.memo = "x".repeat(141);
        assert_eq!(
            t.check_form(),
            Err(TxError::MemoTooLong { len: 141, max: 140 })
        );
    }
}
