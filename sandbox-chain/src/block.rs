//! Blocks: a header plus transactions, and the rules a block must follow.
//!
//! Validation has two stages. [`Block::check_stateless`] needs nothing but
//! the block (proof of work, Merkle root, shape, signatures, verified in one
//! batch). [`Block::apply`] needs the ledger of the parent block and returns
//! the new ledger, or the first rule broken; it never half-applies.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::bridge::mint::RelayReceipt;
use crate::consensus::bft::{CertificateError, CommitCertificate};
use crate::consensus::poa::AuthoritySeal;
use crate::contract::tx::{ContractTx, ContractTxError};
use crate::contract::{Receipt, apply_call, apply_deploy};
use crate::encode::{Decode, DecodeError, Encode, Reader, put_list};
use crate::hash::{BlockHash, Domain, MerkleRoot, TxId};
use crate::identity::GovernanceError;
use crate::keys::{Address, Keypair, SignedMessage, verify_batch};
use crate::ledger::{Ledger, LedgerUndo};
use crate::merkle::merkle_root;
use crate::pow::{Header, Target};
use crate::tx::{Coinbase, Transaction, TxError};

/// The most transactions a block may hold (coinbase included), whatever the
/// chain's own limit.
pub const MAX_BLOCK_TXS: u32 = 10_000;

/// A rule a block breaks. Messages say which block and which transaction.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// The header hash is above the target.
    #[error(
        "block {height}: its hash {hash} is above the target, so the proof of work is missing (try more nonces)"
    )]
    InsufficientWork {
        /// Height of the block.
        height: u64,
        /// Its hash.
        hash: BlockHash,
    },
    /// The header's Merkle root does not match the transactions.
    #[error(
        "block {height}: the header's Merkle root {in_header} does not match its transactions (they hash to {computed}): a transaction was changed, added or removed"
    )]
    MerkleMismatch {
        /// Height of the block.
        height: u64,
        /// Root in the header.
        in_header: MerkleRoot,
        /// Root of the transactions.
        computed: MerkleRoot,
    },
    /// The block has no transactions at all.
    #[error("block {height} has no transactions: the first one must be the coinbase")]
    Empty {
        /// Height of the block.
        height: u64,
    },
    /// The first transaction is not a coinbase.
    #[error("block {height}: the first transaction must be the coinbase")]
    FirstNotCoinbase {
        /// Height of the block.
        height: u64,
    },
    /// A coinbase appears after the first transaction.
    #[error(
        "block {height}: transaction {index} is a second coinbase; only the first transaction may create coins"
    )]
    ExtraCoinbase {
        /// Height of the block.
        height: u64,
        /// Position of the extra coinbase.
        index: usize,
    },
    /// The coinbase names another height.
    #[error("block {height}: the coinbase says height {found}")]
    CoinbaseHeight {
        /// Height of the block.
        height: u64,
        /// Height in the coinbase.
        found: u64,
    },
    /// The coinbase pays more or less than the reward plus fees.
    #[error(
        "block {height}: the coinbase pays {found} but must pay exactly the reward {reward} plus the fees {fees}{}",
        if *gas_fees == Amount::ZERO { String::new() } else { format!(" plus the gas fees {gas_fees}") }
    )]
    CoinbaseAmount {
        /// Height of the block.
        height: u64,
        /// What it pays.
        found: Amount,
        /// The block reward.
        reward: Amount,
        /// The fees of the block's transfers.
        fees: Amount,
        /// What the block's deploys and calls paid for gas:
        /// Σ `gas_used × gas_price` over their receipts.
        gas_fees: Amount,
    },
    /// Too many transactions.
    #[error("block {height} has {count} transactions but at most {max} are allowed")]
    TooManyTxs {
        /// Height of the block.
        height: u64,
        /// Transactions in the block.
        count: usize,
        /// The limit.
        max: u32,
    },
    /// The same transaction twice.
    #[error("block {height}: transaction {index} ({txid}) appears twice")]
    DuplicateTx {
        /// Height of the block.
        height: u64,
        /// Second position.
        index: usize,
        /// Its id.
        txid: TxId,
    },
    /// A transaction breaks a rule.
    #[error("block {height}, transaction {index}: {error}")]
    Tx {
        /// Height of the block.
        height: u64,
        /// Position in the block.
        index: usize,
        /// The rule broken.
        error: TxError,
    },
    /// The header names another chain.
    #[error("block {height} is for chain {found} but this is chain {expected}")]
    WrongChain {
        /// Height of the block.
        height: u64,
        /// This chain's id.
        expected: u32,
        /// The header's chain id.
        found: u32,
    },
    /// The height is not the parent's plus one.
    #[error("block {hash} says height {found} but its parent is at height {parent}, so it must be {}", parent.saturating_add(1))]
    WrongHeight {
        /// The block.
        hash: BlockHash,
        /// Its claimed height.
        found: u64,
        /// The parent's height.
        parent: u64,
    },
    /// The timestamp is not after the parent's.
    #[error("block {height}: its time {found} ms is not after its parent's time {parent} ms")]
    TimeNotAfterParent {
        /// Height of the block.
        height: u64,
        /// Its timestamp.
        found: u64,
        /// The parent's timestamp.
        parent: u64,
    },
    /// The seal is of the wrong kind for this chain's consensus.
    #[error("block {height} carries {found}, but a {consensus} chain needs {expected}")]
    WrongSeal {
        /// Height of the block.
        height: u64,
        /// The consensus of the chain.
        consensus: &'static str,
        /// What the block carries.
        found: &'static str,
        /// What it should carry.
        expected: &'static str,
    },
    /// The authority seal is not a signature of the block hash.
    #[error(
        "block {height}: the authority seal does not verify: {signer} did not sign this block's hash"
    )]
    BadSeal {
        /// Height of the block.
        height: u64,
        /// The key that claims to have sealed it.
        signer: Address,
    },
    /// The block was sealed by a key that is not an authority.
    #[error("block {height} was sealed by {signer}, which is not one of this chain's authorities")]
    NotAnAuthority {
        /// Height of the block.
        height: u64,
        /// The sealer.
        signer: Address,
    },
    /// A proof-of-stake block sealed by a key with no stake.
    #[error(
        "block {height} was sealed by {signer}, which has no stake on this chain (only validators with stake may seal)"
    )]
    NoStake {
        /// Height of the block.
        height: u64,
        /// The sealer.
        signer: Address,
    },
    /// An authority sealed too many blocks in a row.
    #[error("block {height}: {signer} already sealed one of the {window} blocks before it; an authority may seal only one block in any {} in a row", window.saturating_add(1))]
    SealedRecently {
        /// Height of the block.
        height: u64,
        /// The sealer.
        signer: Address,
        /// How many earlier blocks it must not have sealed.
        window: usize,
    },
    /// A proof-of-authority block came before its time.
    #[error("block {height}: its time {found} ms is too early; {} block may come from {earliest} ms", if *in_turn { "an in-turn" } else { "an out-of-turn" })]
    TooEarly {
        /// Height of the block.
        height: u64,
        /// Its timestamp.
        found: u64,
        /// The earliest allowed.
        earliest: u64,
        /// Whether the sealer was in turn.
        in_turn: bool,
    },
    /// The commit certificate does not prove the block final.
    #[error("block {height}: {error}")]
    Certificate {
        /// Height of the block.
        height: u64,
        /// What is wrong with the certificate.
        error: CertificateError,
    },
    /// A BFT block at a height that already has a different final block.
    #[error(
        "block {hash} conflicts with block {finalised}, already final at height {height}: a BFT chain never switches away from a final block (for both to be certified, more than f validators must be faulty)"
    )]
    ConflictsWithFinal {
        /// Height of the block.
        height: u64,
        /// The refused block.
        hash: BlockHash,
        /// The final block at that height (or at its parent's height).
        finalised: BlockHash,
    },
    /// The target differs from what the retargeting rule gives.
    #[error(
        "block {height}: its target {found} differs from the required {expected} (difficulty retargeting)"
    )]
    WrongTarget {
        /// Height of the block.
        height: u64,
        /// The header's target.
        found: Target,
        /// The target the rule requires.
        expected: Target,
    },
}

/// What makes a block acceptable beyond its header and transactions, by
/// consensus: nothing for proof of work (the header's hash is the proof),
/// the authority's signature for proof of authority, the commit certificate
/// for BFT. The seal is not part of the block hash: it signs the hash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Seal {
    /// No seal (proof of work, and every genesis block).
    #[default]
    None,
    /// Signed by an authority (proof of authority).
    Authority(AuthoritySeal),
    /// Precommits of 2f+1 validators (BFT).
    Commit(CommitCertificate),
}

/// Kind tags of [`Seal`] in the canonical encoding.
const SEAL_NONE: u8 = 0;
const SEAL_AUTHORITY: u8 = 1;
const SEAL_COMMIT: u8 = 2;

impl Seal {
    /// Whether there is no seal.
    pub fn is_none(&self) -> bool {
        matches!(self, Seal::None)
    }

    /// Words for messages: "no seal", "an authority seal", "a commit certificate".
    pub fn describe(&self) -> &'static str {
        match self {
            Seal::None => "no seal",
            Seal::Authority(_) => "an authority seal",
            Seal::Commit(_) => "a commit certificate",
        }
    }
}

impl Encode for Seal {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            Seal::None => out.push(SEAL_NONE),
            Seal::Authority(a) => {
                out.push(SEAL_AUTHORITY);
                a.encode_to(out);
            }
            Seal::Commit(c) => {
                out.push(SEAL_COMMIT);
                c.encode_to(out);
            }
        }
    }
}

impl Decode for Seal {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        match r.u8("seal kind")? {
            SEAL_NONE => Ok(Seal::None),
            SEAL_AUTHORITY => Ok(Seal::Authority(AuthoritySeal::decode_from(r)?)),
            SEAL_COMMIT => Ok(Seal::Commit(CommitCertificate::decode_from(r)?)),
            tag => Err(DecodeError::UnknownTag {
                field: "seal kind",
                tag,
                offset,
            }),
        }
    }
}

/// A block: the header (whose hash is the block's id and, on a proof-of-work
/// chain, its proof of work), the transactions the header's Merkle root
/// commits to, and the seal of its consensus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The transactions, coinbase first.
    pub txs: Vec<Transaction>,
    /// The seal (absent in JSON when there is none).
    #[serde(default, skip_serializing_if = "Seal::is_none")]
    pub seal: Seal,
}

impl Block {
    /// An unsealed block.
    pub fn new(header: Header, txs: Vec<Transaction>) -> Self {
        Block {
            header,
            txs,
            seal: Seal::None,
        }
    }

    /// Seals the block as the authority `key` (proof of authority).
    pub fn seal_as_authority(&mut self, key: &Keypair) {
        self.seal = Seal::Authority(AuthoritySeal::sign(key, &self.hash()));
    }

    /// The block's id: the hash of its header.
    pub fn hash(&self) -> BlockHash {
        self.header.hash()
    }

    /// The height.
    pub fn height(&self) -> u64 {
        self.header.height
    }

    /// The ids of the transactions, in order.
    pub fn txids(&self) -> Vec<TxId> {
        self.txs.iter().map(Transaction::id).collect()
    }

    /// The Merkle root of the transactions.
    pub fn compute_merkle_root(&self) -> MerkleRoot {
        merkle_root(&self.txids())
    }

    /// The coinbase, if the first transaction is one.
    pub fn coinbase(&self) -> Option<&Coinbase> {
        match self.txs.first() {
            Some(Transaction::Coinbase(c)) => Some(c),
            _ => None,
        }
    }

    /// Who the coinbase pays (the producer of the block), if any.
    pub fn producer(&self) -> Option<Address> {
        self.coinbase().map(|c| c.to)
    }

    /// Checks everything that needs no other block and no ledger: chain id,
    /// proof of work (if `check_work`), Merkle root, coinbase placement, no
    /// duplicates, each transfer's form and chain, and every signature (in
    /// one batch).
    pub fn check_stateless(
        &self,
        chain_id: u32,
        max_txs: u32,
        check_work: bool,
    ) -> Result<(), BlockError> {
        let height = self.header.height;
        if self.header.chain_id != chain_id {
            return Err(BlockError::WrongChain {
                height,
                expected: chain_id,
                found: self.header.chain_id,
            });
        }
        if check_work {
            let hash = self.hash();
            if !self.header.target.is_met_by(&hash) {
                return Err(BlockError::InsufficientWork { height, hash });
            }
        }
        let max = max_txs.min(MAX_BLOCK_TXS);
        if self.txs.len() > max as usize {
            return Err(BlockError::TooManyTxs {
                height,
                count: self.txs.len(),
                max,
            });
        }
        let txids = self.txids();
        let computed = merkle_root(&txids);
        if computed != self.header.merkle_root {
            return Err(BlockError::MerkleMismatch {
                height,
                in_header: self.header.merkle_root,
                computed,
            });
        }
        let mut seen = BTreeSet::new();
        for (index, txid) in txids.iter().enumerate() {
            if !seen.insert(*txid) {
                return Err(BlockError::DuplicateTx {
                    height,
                    index,
                    txid: *txid,
                });
            }
        }
        match self.txs.first() {
            None => return Err(BlockError::Empty { height }),
            Some(Transaction::Coinbase(c)) if c.height != height => {
                return Err(BlockError::CoinbaseHeight {
                    height,
                    found: c.height,
                });
            }
            Some(Transaction::Coinbase(_)) => {}
            Some(_) => {
                return Err(BlockError::FirstNotCoinbase { height });
            }
        }
        let mut signing = Vec::with_capacity(self.txs.len());
        for (index, tx) in self.txs.iter().enumerate().skip(1) {
            match tx {
                Transaction::Coinbase(_) => {
                    return Err(BlockError::ExtraCoinbase { height, index });
                }
                Transaction::Transfer(t) => {
                    t.transfer.check_form().map_err(|error| BlockError::Tx {
                        height,
                        index,
                        error,
                    })?;
                    if t.transfer.chain_id != chain_id {
                        let error = TxError::WrongChain {
                            expected: chain_id,
                            found: t.transfer.chain_id,
                        };
                        return Err(BlockError::Tx {
                            height,
                            index,
                            error,
                        });
                    }
                    signing.push((index, t.transfer.signing_bytes()));
                }
                Transaction::Governance(g) => {
                    let tx_error = |error| BlockError::Tx {
                        height,
                        index,
                        error,
                    };
                    if g.governance.chain_id != chain_id {
                        return Err(tx_error(TxError::WrongChain {
                            expected: chain_id,
                            found: g.governance.chain_id,
                        }));
                    }
                    g.check_form()
                        .map_err(|e| tx_error(TxError::Governance(e)))?;
                    signing.push((index, g.governance.signing_bytes()));
                }
                Transaction::Deploy(d) => {
                    check_contract_form(&d.tx, chain_id).map_err(|error| BlockError::Tx {
                        height,
                        index,
                        error,
                    })?;
                    signing.push((index, d.tx.encode()));
                }
                Transaction::Relay(r) => {
                    r.check_form().map_err(|e| BlockError::Tx {
                        height,
                        index,
                        error: TxError::BadRelay(e),
                    })?;
                }
                Transaction::Call(c) => {
                    check_contract_form(&c.tx, chain_id).map_err(|error| BlockError::Tx {
                        height,
                        index,
                        error,
                    })?;
                    signing.push((index, c.tx.encode()));
                }
            }
        }
        // One batch for every signature of the block; `owners[i]` is the
        // transaction of item `i` and the position inside it.
        let mut items: Vec<SignedMessage<'_>> = Vec::with_capacity(signing.len());
        let mut owners: Vec<(usize, usize)> = Vec::with_capacity(signing.len());
        for (index, bytes) in &signing {
            match self.txs.get(*index) {
                Some(Transaction::Transfer(t)) => {
                    items.push(SignedMessage {
                        key: &t.transfer.from,
                        domain: Domain::Transfer,
                        message: bytes,
                        signature: &t.signature,
                    });
                    owners.push((*index, 0));
                }
                Some(Transaction::Governance(g)) => {
                    for (j, item) in g.signed_items(bytes).into_iter().enumerate() {
                        items.push(item);
                        owners.push((*index, j));
                    }
                }
                Some(Transaction::Deploy(d)) => {
                    items.push(SignedMessage {
                        key: &d.tx.from,
                        domain: Domain::Deploy,
                        message: bytes,
                        signature: &d.signature,
                    });
                    owners.push((*index, 0));
                }
                Some(Transaction::Call(c)) => {
                    items.push(SignedMessage {
                        key: &c.tx.from,
                        domain: Domain::Call,
                        message: bytes,
                        signature: &c.signature,
                    });
                    owners.push((*index, 0));
                }
                Some(Transaction::Coinbase(_) | Transaction::Relay(_)) | None => {}
            }
        }
        verify_batch(&items).map_err(|(i, _)| {
            let (index, j) = owners.get(i).copied().unwrap_or((0, 0));
            let error = match self.txs.get(index) {
                Some(Transaction::Governance(g)) => match g.approvals.get(j) {
                    Some(a) => TxError::Governance(GovernanceError::BadApproval {
                        index: j,
                        admin: a.admin.address(),
                    }),
                    None => TxError::Governance(GovernanceError::ApprovalsNotSorted { index: j }),
                },
                Some(Transaction::Transfer(t)) => TxError::BadSignature {
                    from: t.transfer.sender(),
                },
                Some(Transaction::Deploy(d)) => ContractTxError::BadSignature {
                    from: d.tx.from.address(),
                }
                .into(),
                Some(Transaction::Call(c)) => ContractTxError::BadSignature {
                    from: c.tx.from.address(),
                }
                .into(),
                _ => TxError::BadSignature {
                    from: Address::default(),
                },
            };
            BlockError::Tx {
                height,
                index,
                error,
            }
        })
    }

    // ANCHOR: apply
    /// Applies the block's transactions to `parent_ledger` (the ledger after
    /// the parent block) and returns the new ledger. The coinbase must pay
    /// exactly `reward` plus the fees (see [`Block::apply_with_receipts`]).
    /// Call [`Block::check_stateless`] first: this does not re-verify
    /// signatures.
    pub fn apply(&self, parent_ledger: &Ledger, reward: Amount) -> Result<Ledger, BlockError> {
        self.apply_with_receipts(parent_ledger, reward)
            .map(|(ledger, _)| ledger)
    }

    /// [`Block::apply`], also returning the receipt of every deploy and
    /// call, in block order.
    ///
    /// The transactions run in order on the parent's ledger; each fee goes
    /// to the coinbase's recipient as it is paid (a transfer's `fee`, a
    /// contract transaction's `gas_used × gas_price`, faulted ones
    /// included). Then the coinbase must pay exactly
    ///
    /// ```text
    /// reward + Σ transfer fees + Σ gas_used × gas_price over the receipts
    /// ```
    ///
    /// and the reward is credited. A transaction that is invalid on the
    /// ledger (nonce, funds) makes the whole block invalid; a contract that
    /// faults does not (it is reverted and pays its gas).
    pub fn apply_with_receipts(
        &self,
        parent_ledger: &Ledger,
        reward: Amount,
    ) -> Result<(Ledger, BlockReceipts), BlockError> {
        let mut ledger = parent_ledger.clone();
        let (_undo, receipts) = self.apply_in_place(&mut ledger, reward)?;
        Ok((ledger, receipts))
    }

    /// [`Block::apply_with_receipts`] on `ledger` itself, returning the
    /// block's undo record with its receipts: [`Ledger::restore`] with the
    /// record takes the ledger back to the parent's. It costs what the
    /// block touches, not the size of the ledger (no copy, no diff), which
    /// is how `Chain` connects blocks. On `Err` the ledger is unchanged
    /// (what was written is rolled back from the same record).
    pub fn apply_in_place(
        &self,
        ledger: &mut Ledger,
        reward: Amount,
    ) -> Result<(LedgerUndo, BlockReceipts), BlockError> {
        ledger.begin_journal();
        let applied = self.apply_journaled(ledger, reward);
        let undo = ledger.end_journal();
        match applied {
            Ok(receipts) => Ok((undo, receipts)),
            Err(e) => {
                ledger.restore(&undo);
                Err(e)
            }
        }
    }

    /// The transactions and the coinbase, written straight into `ledger`
    /// (the caller journals and rolls back).
    fn apply_journaled(
        &self,
        ledger: &mut Ledger,
        reward: Amount,
    ) -> Result<BlockReceipts, BlockError> {
        let height = self.header.height;
        let coinbase = self
            .coinbase()
            .ok_or(BlockError::FirstNotCoinbase { height })?;
        let mut fees = Amount::ZERO;
        let mut gas_fees = Amount::ZERO;
        let mut receipts = BlockReceipts::default();
        for (index, tx) in self.txs.iter().enumerate().skip(1) {
            let tx_error = |error| BlockError::Tx {
                height,
                index,
                error,
            };
            if let Transaction::Coinbase(_) = tx {
                return Err(BlockError::ExtraCoinbase { height, index });
            }
            let paid = apply_transaction(ledger, tx, height, coinbase.to).map_err(tx_error)?;
            let overflow = || {
                tx_error(TxError::Overflow {
                    what: "the block's fees",
                })
            };
            match paid {
                Paid::Fee(fee) => fees = fees.checked_add(fee).ok_or_else(overflow)?,
                Paid::Gas(receipt) => {
                    gas_fees = gas_fees.checked_add(receipt.fee).ok_or_else(overflow)?;
                    receipts.contracts.push(TxReceipt {
                        index: u32::try_from(index).unwrap_or(u32::MAX),
                        txid: tx.id(),
                        receipt,
                    });
                }
                Paid::Relay(receipt) => receipts.relays.push(RelayTxReceipt {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    txid: tx.id(),
                    receipt,
                }),
            }
        }
        let owed = reward
            .checked_add(fees)
            .and_then(|o| o.checked_add(gas_fees));
        if owed != Some(coinbase.amount) {
            return Err(BlockError::CoinbaseAmount {
                height,
                found: coinbase.amount,
                reward,
                fees,
                gas_fees,
            });
        }
        ledger
            .credit(coinbase.to, reward)
            .map_err(|error| BlockError::Tx {
                height,
                index: 0,
                error,
            })?;
        Ok(receipts)
    }
    // ANCHOR_END: apply
}

/// The form and chain checks of a deploy or call inside a block (its
/// signature is checked with the block's batch).
fn check_contract_form<T: ContractTx>(tx: &T, chain_id: u32) -> Result<(), TxError> {
    tx.check_form()?;
    if tx.chain_id() != chain_id {
        return Err(TxError::WrongChain {
            expected: chain_id,
            found: tx.chain_id(),
        });
    }
    Ok(())
}

/// What a transaction paid the block producer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paid {
    /// A transfer's fee (zero for governance).
    Fee(Amount),
    /// A deploy's or call's receipt; `receipt.fee` is what its gas cost.
    Gas(Receipt),
    /// A relay pays nothing; its receipt says what the bridge took.
    Relay(RelayReceipt),
}

/// Applies one transaction of a block at `height` to `ledger`, paying fees
/// to `fee_to`. On `Err` the ledger is unchanged. Signatures are not
/// checked here. A coinbase pays nothing and changes nothing (the block
/// credits it); governance changes the membership, not the ledger (the
/// chain applies it, see `identity`).
pub fn apply_transaction(
    ledger: &mut Ledger,
    tx: &Transaction,
    height: u64,
    fee_to: Address,
) -> Result<Paid, TxError> {
    match tx {
        Transaction::Transfer(t) => {
            ledger.apply_transfer(t, fee_to)?;
            Ok(Paid::Fee(t.transfer.fee))
        }
        Transaction::Deploy(d) => Ok(Paid::Gas(apply_deploy(ledger, d, height, fee_to)?)),
        Transaction::Call(c) => Ok(Paid::Gas(apply_call(ledger, c, height, fee_to)?)),
        Transaction::Relay(r) => Ok(Paid::Relay(ledger.apply_relay(r)?)),
        Transaction::Coinbase(_) | Transaction::Governance(_) => Ok(Paid::Fee(Amount::ZERO)),
    }
}

/// The receipts of one block's deploys, calls and relays, in block order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockReceipts {
    /// Deploys and calls.
    pub contracts: Vec<TxReceipt>,
    /// Relays (headers and lock proofs from another chain).
    pub relays: Vec<RelayTxReceipt>,
}

/// The receipt of a relay in a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayTxReceipt {
    /// The relay's position in the block.
    pub index: u32,
    /// The relay.
    pub txid: TxId,
    /// Headers taken, light client tip, minted, refused.
    pub receipt: RelayReceipt,
}

/// The receipt of a deploy or call in a block, for wallets, explorers and
/// lessons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxReceipt {
    /// The transaction's position in the block.
    pub index: u32,
    /// The transaction.
    pub txid: TxId,
    /// Gas used, fee, fault (with its line), events, returned value.
    pub receipt: Receipt,
}

impl Encode for Block {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.header.encode_to(out);
        put_list(out, &self.txs);
        self.seal.encode_to(out);
    }
}

impl Decode for Block {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Block {
            header: Header::decode_from(r)?,
            txs: r.list("transactions", MAX_BLOCK_TXS)?,
            seal: Seal::decode_from(r)?,
        })
    }
}
