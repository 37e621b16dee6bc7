//! JSON at the edges: bounded parsing and import errors. Everything read
//! from outside is checked like any other input before it is used.

use serde::{Deserialize, Serialize};

use crate::block::{Block, Seal};
use crate::chain::{Chain, ChainError, ChainParams};
use crate::encode::Encode;
use crate::hash::{BlockHash, TxId};
use crate::keys::{Address, PublicKey};
use crate::pow::Header;
use crate::tx::{self, Transaction};

/// The largest JSON document any import accepts, in bytes.
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;

/// Why a JSON document could not be imported. Nothing read from outside is
/// trusted: it is parsed with limits, then checked like any other input.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The document is larger than [`MAX_JSON_BYTES`].
    #[error("the JSON document has {len} bytes, more than the limit of {max}")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The JSON is malformed, or a field is missing or of the wrong type.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde expected.
        message: String,
    },
    /// A transaction in it is invalid.
    #[error("invalid transaction: {0}")]
    Tx(#[from] tx::TxError),
    /// The file's format version is not one this program reads.
    #[error("format_version {found} is not supported (this program reads version {supported})")]
    FormatVersion {
        /// The version in the file.
        found: u32,
        /// The version understood.
        supported: u32,
    },
    /// A recorded hash or hex encoding disagrees with the data beside it.
    #[error("{field}: the file says {recorded} but the data gives {computed} (was it edited?)")]
    Mismatch {
        /// Path of the field, e.g. `blocks[3].transactions[1].txid`.
        field: String,
        /// What the file records.
        recorded: String,
        /// What the data actually hashes or encodes to.
        computed: String,
    },
    /// A block breaks a rule of the chain.
    #[error("blocks[{index}]: {error}")]
    Block {
        /// Position in the file.
        index: usize,
        /// The rule broken.
        error: ChainError,
    },
}

/// Parses JSON with a size bound (serde_json also bounds nesting at 128).
pub(crate) fn from_json_bounded<T: serde::de::DeserializeOwned>(
    json: &str,
) -> Result<T, ImportError> {
    if json.len() > MAX_JSON_BYTES {
        return Err(ImportError::TooLarge {
            len: json.len(),
            max: MAX_JSON_BYTES,
        });
    }
    serde_json::from_str(json).map_err(|e| ImportError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// The version of [`ChainFile`] this program writes and reads.
pub const CHAIN_FILE_VERSION: u32 = 1;

/// A whole chain as a JSON file: the rules, then every canonical block with
/// its canonical bytes and hashes beside the readable fields, so a student
/// (or an independent verifier) can check each hash by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainFile {
    /// Always [`CHAIN_FILE_VERSION`].
    pub format_version: u32,
    /// The seed the chain was generated from, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The chain's rules.
    pub params: ChainParams,
    /// Named keys appearing in the chain (for readers; not trusted on import).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountRecord>,
    /// The canonical chain, genesis first.
    pub blocks: Vec<BlockRecord>,
}

/// A named key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRecord {
    /// The name the key was derived from.
    pub name: String,
    /// Its public key.
    pub public_key: PublicKey,
    /// Its address.
    pub address: Address,
}

/// A block with its canonical header bytes and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockRecord {
    /// The header hash (the block id).
    pub hash: BlockHash,
    /// The header's canonical bytes, hex.
    pub header_hex: String,
    /// The header's fields.
    pub header: Header,
    /// The transactions, coinbase first.
    pub transactions: Vec<TxRecord>,
    /// The seal (absent for proof of work).
    #[serde(default, skip_serializing_if = "Seal::is_none")]
    pub seal: Seal,
}

/// A transaction with its canonical bytes and id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxRecord {
    /// The transaction id.
    pub txid: TxId,
    /// The canonical bytes, hex.
    pub hex: String,
    /// The fields.
    pub tx: Transaction,
}

impl BlockRecord {
    /// Reads one block from JSON (a record as written by
    /// [`BlockRecord::to_json`]) and checks it: every recorded hash and hex
    /// string against the fields, then every rule that needs no ledger
    /// (proof of work on a PoW chain, Merkle root, coinbase, signatures).
    /// The ledger rules are checked when it is inserted into a `Chain`.
    pub fn import(json: &str, params: &ChainParams) -> Result<Block, ImportError> {
        let record: BlockRecord = from_json_bounded(json)?;
        let block = record.to_block("block")?;
        block
            .check_stateless(
                params.chain_id,
                params.max_block_txs,
                params.consensus.is_proof_of_work(),
            )
            .map_err(|e| ImportError::Block {
                index: 0,
                error: ChainError::Block(e),
            })?;
        Ok(block)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising these plain data types cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The record of a block.
    pub fn new(block: &Block) -> Self {
        BlockRecord {
            hash: block.hash(),
            header_hex: hex::encode(block.header.encode()),
            header: block.header,
            transactions: block
                .txs
                .iter()
                .map(|tx| TxRecord {
                    txid: tx.id(),
                    hex: hex::encode(tx.encode()),
                    tx: tx.clone(),
                })
                .collect(),
            seal: block.seal.clone(),
        }
    }

    /// The block, after checking every recorded hash and hex string
    /// against the fields (`at` names the record in errors).
    pub fn to_block(&self, at: &str) -> Result<Block, ImportError> {
        let block = Block {
            header: self.header,
            txs: self.transactions.iter().map(|t| t.tx.clone()).collect(),
            seal: self.seal.clone(),
        };
        check(
            format!("{at}.header_hex"),
            &self.header_hex,
            hex::encode(block.header.encode()),
        )?;
        check(
            format!("{at}.hash"),
            &self.hash.to_hex(),
            block.hash().to_hex(),
        )?;
        for (i, t) in self.transactions.iter().enumerate() {
            check(
                format!("{at}.transactions[{i}].hex"),
                &t.hex,
                hex::encode(t.tx.encode()),
            )?;
            check(
                format!("{at}.transactions[{i}].txid"),
                &t.txid.to_hex(),
                t.tx.id().to_hex(),
            )?;
        }
        Ok(block)
    }
}

fn check(field: String, recorded: &str, computed: String) -> Result<(), ImportError> {
    if recorded.eq_ignore_ascii_case(&computed) {
        Ok(())
    } else {
        Err(ImportError::Mismatch {
            field,
            recorded: recorded.to_string(),
            computed,
        })
    }
}

impl ChainFile {
    /// The file of `chain`'s canonical chain.
    pub fn from_chain(chain: &Chain, seed: Option<u64>, names: &[&str]) -> Self {
        let genesis = chain.params().genesis_block();
        let mut blocks = vec![BlockRecord::new(&genesis)];
        blocks.extend(chain.canonical_blocks().iter().map(|b| BlockRecord::new(b)));
        let accounts = names
            .iter()
            .map(|name| {
                let key = crate::keys::Keypair::from_name(name);
                AccountRecord {
                    name: (*name).to_string(),
                    public_key: key.public(),
                    address: key.address(),
                }
            })
            .collect();
        ChainFile {
            format_version: CHAIN_FILE_VERSION,
            seed,
            params: chain.params().clone(),
            accounts,
            blocks,
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising these plain data types cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a chain file and rebuilds the chain, checking everything: the
    /// version, every recorded hash and hex string, the genesis block
    /// against the rules, and every block by inserting it.
    pub fn import(json: &str) -> Result<Chain, ImportError> {
        let file: ChainFile = from_json_bounded(json)?;
        if file.format_version != CHAIN_FILE_VERSION {
            return Err(ImportError::FormatVersion {
                found: file.format_version,
                supported: CHAIN_FILE_VERSION,
            });
        }
        let mut chain = Chain::new(file.params.clone());
        for (index, record) in file.blocks.iter().enumerate() {
            let block = record.to_block(&format!("blocks[{index}]"))?;
            if index == 0 {
                check(
                    "blocks[0].hash (genesis)".into(),
                    &block.hash().to_hex(),
                    chain.genesis().to_hex(),
                )?;
                continue;
            }
            chain
                .insert(block)
                .map_err(|error| ImportError::Block { index, error })?;
        }
        Ok(chain)
    }
}
