//! What a relayer carries between chains. A relayer is untrusted: the
//! light client checks everything it brings, so a relayer can only delay
//! (go offline) or withhold, never forge.

use serde::{Deserialize, Serialize};

use super::light::LightClient;
use crate::chain::Chain;
use crate::hash::{BlockHash, TxId};
use crate::merkle::{MerkleProof, merkle_proof};
use crate::pow::Header;
use crate::tx::Transaction;

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
