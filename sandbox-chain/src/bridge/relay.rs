//! What a relayer carries between chains. A relayer is untrusted: the
//! light client checks everything it brings, so a relayer can only delay
//! (go offline) or withhold, never forge.

use serde::{Deserialize, Serialize};

use super::light::LightClient;
use super::mint::MintBridge;
use crate::chain::Chain;
use crate::encode::{Decode, DecodeError, Encode, Reader, put_len, put_list};
use crate::hash::{BlockHash, TxId};
use crate::keys::Signature;
use crate::merkle::{MerkleProof, merkle_proof};
use crate::pow::Header;
use crate::tx::{SignedTransfer, Transaction, Transfer};

/// The headers of `source`'s best chain that `client` does not have yet,
/// lowest first, at most `max` of them (one relay round).
pub fn headers_to_relay(source: &Chain, client: &LightClient, max: usize) -> Vec<Header> {
    source
        .canonical_chain()
        .iter()
        .filter(|h| !client.knows(h))
        .take(max)
        .filter_map(|h| source.get(h).map(|b| b.header))
        .collect()
}

/// The proofs of the locks on `source`'s best chain (transfers to
/// `bridge`'s vault) that `bridge` would act on now, oldest first, at most
/// `max`: the ones it would mint for, and the ones it would refuse for good
/// ([`crate::bridge::BridgeError::is_final`]), so that the refusal is
/// recorded once. `bridge` is the destination's bridge with the headers the
/// relay carries already given to its light client; each lock is tried on a
/// copy of it, by the very rules the destination chain runs.
///
/// Locks already minted or recorded as unclaimable are skipped, and so are
/// the ones it would refuse for now (too shallow, not on its light client's
/// best branch): they wait for a later round. A relayer that brought them
/// anyway would only fill the destination chain with the same refusal.
pub fn locks_to_relay(source: &Chain, bridge: &MintBridge, max: usize) -> Vec<TxProof> {
    let mut trial = bridge.clone();
    let mut proofs = Vec::new();
    for block in source.canonical_blocks() {
        for tx in &block.txs {
            if proofs.len() >= max {
                return proofs;
            }
            let Transaction::Transfer(t) = tx else {
                continue;
            };
            let txid = tx.id();
            if t.transfer.to != bridge.vault
                || bridge.has_minted(&txid)
                || bridge.is_unclaimable(&txid)
            {
                continue;
            }
            let Some(p) = prove(source, &txid) else {
                continue;
            };
            match trial.claim(&p) {
                Ok(_) => proofs.push(p),
                Err(e) if e.is_final() => proofs.push(p),
                Err(_) => {}
            }
        }
    }
    proofs
}

/// A transaction with where it is and the proof of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxProof {
    /// The block holding it.
    pub block: BlockHash,
    /// The transaction itself (its id is recomputed, never taken on trust).
    pub tx: Transaction,
    /// Its Merkle proof against the block's header.
    pub proof: MerkleProof,
}

/// Builds the proof that `txid` is in `source`'s best chain, if it is.
pub fn prove(source: &Chain, txid: &TxId) -> Option<TxProof> {
    let (block, _) = source.find_tx(txid)?;
    let b = source.get(&block)?;
    let txids = b.txids();
    let index = txids.iter().position(|t| t == txid)?;
    let tx = b.txs.get(index)?.clone();
    let proof = merkle_proof(&txids, index).ok()?;
    Some(TxProof { block, tx, proof })
}

/// The kind tag of a [`Relay`] in the `Transaction` encoding.
pub const TAG_RELAY: u8 = 0x12;
/// The most headers one relay transaction carries.
pub const MAX_RELAY_HEADERS: u32 = 64;
/// The most lock proofs one relay transaction carries.
pub const MAX_RELAY_PROOFS: u32 = 16;

/// What a relayer puts on the destination chain: headers of the source
/// chain for the destination's light client, and proofs of locks to mint
/// for. It is not signed and pays no fee: anyone may relay, because the
/// destination chain checks every header and proof itself (a relay that
/// carries a bad header or proof is still a valid transaction; its receipt
/// says what was refused and why).
///
/// Encoding: `source_chain u32 | u32 count ≤ 64, Header* (124 bytes each) |
/// u32 count ≤ 16, (block hash 32 | 0x01 Transfer signature 64 |
/// MerkleProof)*`. Only transfers can be proven (a lock is a transfer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relay {
    /// The chain the headers come from.
    pub source_chain: u32,
    /// Its headers, lowest first.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// Lock transactions with their Merkle proofs.
    #[serde(default)]
    pub proofs: Vec<TxProof>,
}

impl Relay {
    /// Sizes and kinds that need no ledger.
    pub fn check_form(&self) -> Result<(), String> {
        if self.headers.len() > MAX_RELAY_HEADERS as usize {
            return Err(format!(
                "a relay carries at most {MAX_RELAY_HEADERS} headers, this one {}",
                self.headers.len()
            ));
        }
        if self.proofs.len() > MAX_RELAY_PROOFS as usize {
            return Err(format!(
                "a relay carries at most {MAX_RELAY_PROOFS} proofs, this one {}",
                self.proofs.len()
            ));
        }
        if self.proofs.iter().any(|p| p.tx.as_transfer().is_none()) {
            return Err("a relay proves only transfers (a lock is a transfer)".into());
        }
        Ok(())
    }
}

impl Encode for Relay {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.source_chain.encode_to(out);
        put_list(out, &self.headers);
        put_len(out, self.proofs.len());
        for p in &self.proofs {
            p.block.encode_to(out);
            p.tx.encode_to(out);
            p.proof.encode_to(out);
        }
    }
}

impl Decode for Relay {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let source_chain = r.u32("source_chain")?;
        let headers = r.list("relayed headers", MAX_RELAY_HEADERS)?;
        let count = r.u32("relayed proofs")?;
        if count > MAX_RELAY_PROOFS {
            return Err(r.invalid(
                "relayed proofs",
                format!("at most {MAX_RELAY_PROOFS} proofs, not {count}"),
            ));
        }
        let mut proofs = Vec::new();
        for _ in 0..count {
            let block = BlockHash::decode_from(r)?;
            let offset = r.offset();
            let tag = r.u8("proven transaction kind")?;
            if tag != TAG_TRANSFER {
                return Err(DecodeError::UnknownTag {
                    field: "proven transaction kind (only transfers)",
                    tag,
                    offset,
                });
            }
            let tx = Transaction::Transfer(SignedTransfer {
                transfer: Transfer::decode_from(r)?,
                signature: Signature::decode_from(r)?,
            });
            let proof = MerkleProof::decode_from(r)?;
            proofs.push(TxProof { block, tx, proof });
        }
        Ok(Relay {
            source_chain,
            headers,
            proofs,
        })
    }
}

/// The tag of a transfer inside a relayed proof.
const TAG_TRANSFER: u8 = 1;
