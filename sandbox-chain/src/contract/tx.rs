//! The two contract transactions: deploy and call, signed like transfers.
//!
//! Canonical encodings (all integers big-endian; see `docs/encoding.md`):
//!
//! ```text
//! Deploy = chain_id u32 | from 32 | nonce u64 | gas_limit u64 | gas_price u64
//!        | source (u32 length, UTF-8, <= 16384) | args (u32 count <= 8, Value*)
//! Call   = chain_id u32 | from 32 | nonce u64 | contract 20
//!        | function (u32 length, UTF-8, <= 64) | args (u32 count <= 8, Value*)
//!        | value u64 | gas_limit u64 | gas_price u64
//! signature = ed25519 over "chainlab:deploy:v1" 0x00 Deploy
//!                       (or "chainlab:call:v1" 0x00 Call)
//! as a Transaction: 0x10 | Deploy | signature 64   or   0x11 | Call | signature 64
//! ```

use serde::{Deserialize, Serialize};

use super::syntax::{MAX_PARAMS, MAX_SOURCE_BYTES};
use super::value::{MAX_VALUE_BYTES, Value};
use super::vm::{deploy_intrinsic_gas, gas};
use crate::amount::Amount;
use crate::encode::{Decode, DecodeError, Encode, Reader, put_bytes, put_list};
use crate::hash::{Domain, TxId, tagged_hash};
use crate::keys::{Address, Keypair, PublicKey, Signature, SignatureError};

/// The longest function name, in bytes.
pub const MAX_FUNCTION_NAME: u32 = 64;
/// The most gas one transaction may ask for.
pub const MAX_GAS: u64 = 1_000_000;
/// The kind tag of a deploy in the `Transaction` encoding.
pub const TAG_DEPLOY: u8 = 0x10;
/// The kind tag of a call in the `Transaction` encoding.
pub const TAG_CALL: u8 = 0x11;

/// Why a contract transaction cannot go into a block at all (as opposed to
/// a call that runs and fails, which is included and pays its fee).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContractTxError {
    /// The signature does not verify.
    #[error(
        "the signature does not match the sender's key: {from} did not sign exactly these bytes"
    )]
    BadSignature {
        /// The sender.
        from: Address,
    },
    /// The transaction is for another chain.
    #[error("this transaction is for chain {found} but this is chain {expected}")]
    WrongChain {
        /// This chain.
        expected: u32,
        /// The transaction's chain.
        found: u32,
    },
    /// The gas limit does not cover the fixed cost.
    #[error(
        "the gas limit {limit} is below the {needed} gas this transaction costs before any code runs"
    )]
    GasBelowIntrinsic {
        /// The limit.
        limit: u64,
        /// The fixed cost.
        needed: u64,
    },
    /// The gas limit is above the chain's maximum.
    #[error("the gas limit {limit} is above the maximum of {max}")]
    GasAboveMax {
        /// The limit.
        limit: u64,
        /// The maximum.
        max: u64,
    },
    /// A field is larger than allowed.
    #[error("{field} is too long: {len} but at most {max}")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The sender's nonce or balance does not allow it.
    #[error(transparent)]
    Tx(#[from] crate::tx::TxError),
    /// `gas_limit * gas_price + value` overflows.
    #[error("the amounts are too large: {what} would overflow")]
    Overflow {
        /// Which product or sum.
        what: &'static str,
    },
}

/// What a sender signs to put a contract on the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// The chain.
    pub chain_id: u32,
    /// The deployer.
    pub from: PublicKey,
    /// The deployer's next nonce (shared with transfers).
    pub nonce: u64,
    /// The most gas the deploy may use (intrinsic cost plus `init`).
    pub gas_limit: u64,
    /// Coins paid per unit of gas used.
    pub gas_price: Amount,
    /// The contract's source.
    pub source: String,
    /// Arguments for `init`.
    #[serde(default)]
    pub args: Vec<Value>,
}

/// What a sender signs to call a contract's function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// The chain.
    pub chain_id: u32,
    /// The caller.
    pub from: PublicKey,
    /// The caller's next nonce.
    pub nonce: u64,
    /// The contract.
    pub contract: Address,
    /// The function.
    pub function: String,
    /// Its arguments.
    #[serde(default)]
    pub args: Vec<Value>,
    /// Coins sent to the contract with the call.
    #[serde(default)]
    pub value: Amount,
    /// The most gas the call may use.
    pub gas_limit: u64,
    /// Coins paid per unit of gas used.
    pub gas_price: Amount,
}

fn check_args(args: &[Value]) -> Result<(), ContractTxError> {
    if args.len() > MAX_PARAMS {
        return Err(ContractTxError::TooLong {
            field: "args",
            len: args.len(),
            max: MAX_PARAMS,
        });
    }
    for a in args {
        if let Value::Bytes(b) = a
            && b.len() > MAX_VALUE_BYTES as usize
        {
            return Err(ContractTxError::TooLong {
                field: "an argument",
                len: b.len(),
                max: MAX_VALUE_BYTES as usize,
            });
        }
    }
    Ok(())
}

fn check_gas(limit: u64, needed: u64) -> Result<(), ContractTxError> {
    if limit < needed {
        return Err(ContractTxError::GasBelowIntrinsic { limit, needed });
    }
    if limit > MAX_GAS {
        return Err(ContractTxError::GasAboveMax {
            limit,
            max: MAX_GAS,
        });
    }
    Ok(())
}

/// `gas_limit * gas_price`: the most the gas can cost.
pub fn max_fee(gas_limit: u64, gas_price: Amount) -> Result<Amount, ContractTxError> {
    gas_limit
        .checked_mul(gas_price.get())
        .map(Amount::new)
        .ok_or(ContractTxError::Overflow {
            what: "gas_limit * gas_price",
        })
}

impl Deploy {
    /// Size, gas and argument checks that need no ledger.
    pub fn check_form(&self) -> Result<(), ContractTxError> {
        if self.source.len() > MAX_SOURCE_BYTES as usize {
            return Err(ContractTxError::TooLong {
                field: "source",
                len: self.source.len(),
                max: MAX_SOURCE_BYTES as usize,
            });
        }
        check_args(&self.args)?;
        check_gas(self.gas_limit, deploy_intrinsic_gas(&self.source))?;
        max_fee(self.gas_limit, self.gas_price).map(|_| ())
    }

    /// Signs the deploy.
    pub fn sign(self, key: &Keypair) -> Signed<Deploy> {
        let signature = key.sign(Domain::Deploy, &self.encode());
        Signed {
            tx: self,
            signature,
        }
    }
}

impl Call {
    /// Size, gas and argument checks that need no ledger.
    pub fn check_form(&self) -> Result<(), ContractTxError> {
        if self.function.len() > MAX_FUNCTION_NAME as usize {
            return Err(ContractTxError::TooLong {
                field: "function",
                len: self.function.len(),
                max: MAX_FUNCTION_NAME as usize,
            });
        }
        check_args(&self.args)?;
        check_gas(self.gas_limit, gas::TX_CALL)?;
        max_fee(self.gas_limit, self.gas_price)?
            .checked_add(self.value)
            .ok_or(ContractTxError::Overflow {
                what: "max fee + value",
            })
            .map(|_| ())
    }

    /// Signs the call.
    pub fn sign(self, key: &Keypair) -> Signed<Call> {
        let signature = key.sign(Domain::Call, &self.encode());
        Signed {
            tx: self,
            signature,
        }
    }
}

/// A contract transaction's common shape, for [`Signed`].
pub trait ContractTx: Encode {
    /// The signing domain.
    const DOMAIN: Domain;
    /// The `Transaction` kind tag.
    const TAG: u8;
    /// The signer.
    fn from(&self) -> &PublicKey;
    /// The chain.
    fn chain_id(&self) -> u32;
    /// Checks that need no ledger, signature aside.
    fn check_form(&self) -> Result<(), ContractTxError>;
}

impl ContractTx for Deploy {
    const DOMAIN: Domain = Domain::Deploy;
    const TAG: u8 = TAG_DEPLOY;
    fn from(&self) -> &PublicKey {
        &self.from
    }
    fn chain_id(&self) -> u32 {
        self.chain_id
    }
    fn check_form(&self) -> Result<(), ContractTxError> {
        Deploy::check_form(self)
    }
}

impl ContractTx for Call {
    const DOMAIN: Domain = Domain::Call;
    const TAG: u8 = TAG_CALL;
    fn from(&self) -> &PublicKey {
        &self.from
    }
    fn chain_id(&self) -> u32 {
        self.chain_id
    }
    fn check_form(&self) -> Result<(), ContractTxError> {
        Call::check_form(self)
    }
}

/// A deploy or call with its sender's signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signed<T> {
    /// The signed content.
    pub tx: T,
    /// ed25519 over the domain tag, a zero byte and the content's encoding.
    pub signature: Signature,
}

impl<T: ContractTx> Signed<T> {
    /// The transaction id: `tagged_hash(TxId, tag || content || signature)`,
    /// as it will be inside a `Transaction`.
    pub fn id(&self) -> TxId {
        TxId::from_hash(tagged_hash(Domain::TxId, &self.encode()))
    }

    /// Every check that needs no ledger: form, chain and signature.
    pub fn check_stateless(&self, chain_id: u32) -> Result<(), ContractTxError> {
        self.tx.check_form()?;
        if self.tx.chain_id() != chain_id {
            return Err(ContractTxError::WrongChain {
                expected: chain_id,
                found: self.tx.chain_id(),
            });
        }
        self.tx
            .from()
            .verify(T::DOMAIN, &self.tx.encode(), &self.signature)
            .map_err(|SignatureError::Mismatch| ContractTxError::BadSignature {
                from: self.tx.from().address(),
            })
    }
}

impl<T: ContractTx> Encode for Signed<T> {
    /// `tag | content | signature`, exactly as inside a `Transaction`.
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.push(T::TAG);
        self.tx.encode_to(out);
        self.signature.encode_to(out);
    }
}

impl Encode for Deploy {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.chain_id.encode_to(out);
        self.from.encode_to(out);
        self.nonce.encode_to(out);
        self.gas_limit.encode_to(out);
        self.gas_price.encode_to(out);
        put_bytes(out, self.source.as_bytes());
        put_list(out, &self.args);
    }
}

impl Decode for Deploy {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Deploy {
            chain_id: r.u32("chain_id")?,
            from: PublicKey::decode_from(r)?,
            nonce: r.u64("nonce")?,
            gas_limit: r.u64("gas_limit")?,
            gas_price: Amount::decode_from(r)?,
            source: r.string("source", MAX_SOURCE_BYTES)?,
            args: r.list("args", MAX_PARAMS as u32)?,
        })
    }
}

impl Encode for Call {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.chain_id.encode_to(out);
        self.from.encode_to(out);
        self.nonce.encode_to(out);
        self.contract.encode_to(out);
        put_bytes(out, self.function.as_bytes());
        put_list(out, &self.args);
        self.value.encode_to(out);
        self.gas_limit.encode_to(out);
        self.gas_price.encode_to(out);
    }
}

impl Decode for Call {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Call {
            chain_id: r.u32("chain_id")?,
            from: PublicKey::decode_from(r)?,
            nonce: r.u64("nonce")?,
            contract: Address::decode_from(r)?,
            function: r.string("function", MAX_FUNCTION_NAME)?,
            args: r.list("args", MAX_PARAMS as u32)?,
            value: Amount::decode_from(r)?,
            gas_limit: r.u64("gas_limit")?,
            gas_price: Amount::decode_from(r)?,
        })
    }
}

impl<T: Decode> Signed<T> {
    /// Reads the content and signature that follow a kind tag.
    pub fn decode_after_tag(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Signed {
            tx: T::decode_from(r)?,
            signature: Signature::decode_from(r)?,
        })
    }
}
