//! A light client: chain A's headers as chain B sees them.

use std::collections::BTreeMap;

use crate::chain::ChainParams;
use crate::hash::{BlockHash, TxId};
use crate::merkle::{MerkleError, MerkleProof};
use crate::pow::{Header, Target, retarget};

/// The most headers a light client keeps (a classroom bound on memory).
pub const MAX_HEADERS: usize = 100_000;

/// Why a header or an inclusion proof was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LightError {
    /// The header names another chain.
    #[error("this header is from chain {found}, but this light client follows chain {expected}")]
    WrongChain {
        /// The followed chain.
        expected: u32,
        /// The header's chain.
        found: u32,
    },
    /// The parent is not known (headers must come in order).
    #[error(
        "the parent {parent} of the header at height {height} is unknown: relay the headers in order"
    )]
    UnknownParent {
        /// The header's height.
        height: u64,
        /// Its parent.
        parent: BlockHash,
    },
    /// The height is not the parent's plus one.
    #[error("the header says height {found}, but its parent is at {parent_height}")]
    BadHeight {
        /// The header's height.
        found: u64,
        /// The parent's height.
        parent_height: u64,
    },
    /// The header's hash does not meet its target: no proof of work.
    #[error("the header {hash} does not meet its own target: it carries no proof of work")]
    NoWork {
        /// The hash.
        hash: BlockHash,
    },
    /// The target is not what the chain's rule requires (an easier target
    /// would let a forger mine cheap headers).
    #[error(
        "the header at height {height} has target {found}, but the chain's rule requires {expected}"
    )]
    WrongTarget {
        /// The height.
        height: u64,
        /// The header's target.
        found: Target,
        /// The required target.
        expected: Target,
    },
    /// The time does not move forward.
    #[error("the header's time {found} ms is not after its parent's {parent} ms")]
    TimeNotForward {
        /// The header's time.
        found: u64,
        /// The parent's time.
        parent: u64,
    },
    /// The store is full.
    #[error("the light client holds its maximum of {max} headers")]
    Full {
        /// The limit.
        max: usize,
    },
    /// The block of a proof is not known.
    #[error("block {block} is unknown to this light client: has the relayer delivered its header?")]
    UnknownBlock {
        /// The block.
        block: BlockHash,
    },
    /// The block is known but not on the branch with the most work.
    #[error("block {block} is not on chain A's best branch (it was reorganised away)")]
    NotOnBestChain {
        /// The block.
        block: BlockHash,
    },
    /// Not deep enough yet.
    #[error(
        "block {block} has {confirmations} confirmation(s), {required} are required: wait for more blocks (and for the relayer to bring their headers)"
    )]
    TooShallow {
        /// The block.
        block: BlockHash,
        /// Its confirmations.
        confirmations: u64,
        /// The required depth.
        required: u64,
    },
    /// The Merkle proof does not lead to the header's root.
    #[error("the Merkle proof does not match block {block}: {error}")]
    BadProof {
        /// The block.
        block: BlockHash,
        /// Why.
        error: MerkleError,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    header: Header,
    work: u128,
}

/// Chain A's headers, checked one by one, with the most-work tip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LightClient {
    chain_id: u32,
    target_block_time_ms: u64,
    retarget_interval: u64,
    genesis: BlockHash,
    headers: BTreeMap<BlockHash, Entry>,
    tip: BlockHash,
}

impl LightClient {
    /// A light client that knows only chain A's genesis (its parameters are
    /// public, and are all it trusts).
    pub fn new(params: &ChainParams) -> Self {
        let header = params.genesis_block().header;
        let genesis = header.hash();
        let mut headers = BTreeMap::new();
        headers.insert(
            genesis,
            Entry {
                header,
                work: header.target.work(),
            },
        );
        LightClient {
            chain_id: params.chain_id,
            target_block_time_ms: params.target_block_time_ms,
            retarget_interval: params.retarget_interval,
            genesis,
            headers,
            tip: genesis,
        }
    }

    /// The followed chain's id.
    pub fn chain_id(&self) -> u32 {
        self.chain_id
    }

    /// The best tip.
    pub fn tip(&self) -> BlockHash {
        self.tip
    }

    /// The best tip's height.
    pub fn height(&self) -> u64 {
        self.headers.get(&self.tip).map_or(0, |e| e.header.height)
    }

    /// Whether a header is stored.
    pub fn knows(&self, hash: &BlockHash) -> bool {
        self.headers.contains_key(hash)
    }

    /// A stored header.
    pub fn header(&self, hash: &BlockHash) -> Option<&Header> {
        self.headers.get(hash).map(|e| &e.header)
    }

    /// How many headers are stored.
    pub fn len(&self) -> usize {
        self.headers.len()
    }

    /// Whether only genesis is stored.
    pub fn is_empty(&self) -> bool {
        self.headers.len() <= 1
    }

    /// The ancestor of `hash` at `height`.
    fn ancestor(&self, hash: &BlockHash, height: u64) -> Option<&Header> {
        let mut cur = &self.headers.get(hash)?.header;
        while cur.height > height {
            cur = &self.headers.get(&cur.parent)?.header;
        }
        (cur.height == height).then_some(cur)
    }

    /// The target a child of `parent` must carry (the chain's own rule).
    fn expected_target(&self, parent: &Header) -> Target {
        let height = parent.height.saturating_add(1);
        let interval = self.retarget_interval;
        if height.checked_rem(interval).is_none_or(|r| r != 0) {
            return parent.target;
        }
        let first_height = height.saturating_sub(1).saturating_sub(interval);
        let Some(first) = self.ancestor(&parent.hash(), first_height) else {
            return parent.target;
        };
        let intervals = parent.height.saturating_sub(first.height);
        let actual = parent.timestamp_ms.saturating_sub(first.timestamp_ms);
        let expected = intervals.saturating_mul(self.target_block_time_ms);
        retarget(parent.target, actual, expected)
    }

    // ANCHOR: submit
    /// Checks and stores a header. Returns whether the tip moved to it.
    /// A header already stored is accepted again and changes nothing.
    pub fn submit(&mut self, header: Header) -> Result<bool, LightError> {
        let hash = header.hash();
        if self.headers.contains_key(&hash) {
            return Ok(false);
        }
        if header.chain_id != self.chain_id {
            return Err(LightError::WrongChain {
                expected: self.chain_id,
                found: header.chain_id,
            });
        }
        let parent = self
            .headers
            .get(&header.parent)
            .ok_or(LightError::UnknownParent {
                height: header.height,
                parent: header.parent,
            })?;
        if Some(header.height) != parent.header.height.checked_add(1) {
            return Err(LightError::BadHeight {
                found: header.height,
                parent_height: parent.header.height,
            });
        }
        if header.timestamp_ms <= parent.header.timestamp_ms {
            return Err(LightError::TimeNotForward {
                found: header.timestamp_ms,
                parent: parent.header.timestamp_ms,
            });
        }
        let expected = self.expected_target(&parent.header);
        if header.target != expected {
            return Err(LightError::WrongTarget {
                height: header.height,
                found: header.target,
                expected,
            });
        }
        if !header.meets_target() {
            return Err(LightError::NoWork { hash });
        }
        if self.headers.len() >= MAX_HEADERS {
            return Err(LightError::Full { max: MAX_HEADERS });
        }
        let work = parent.work.saturating_add(header.target.work());
        let best = self.headers.get(&self.tip).map_or(0, |e| e.work);
        self.headers.insert(hash, Entry { header, work });
        // Most work wins; the first seen wins ties (as full nodes do).
        if work > best {
            self.tip = hash;
            return Ok(true);
        }
        Ok(false)
    }
    // ANCHOR_END: submit

    /// How many blocks of the best branch are at or above `block` (1 for
    /// the tip itself), or the reason it has none.
    pub fn confirmations(&self, block: &BlockHash) -> Result<u64, LightError> {
        let header = self
            .header(block)
            .ok_or(LightError::UnknownBlock { block: *block })?;
        match self.ancestor(&self.tip, header.height) {
            Some(h) if h.hash() == *block => Ok(self
                .height()
                .saturating_sub(header.height)
                .saturating_add(1)),
            _ => Err(LightError::NotOnBestChain { block: *block }),
        }
    }

    /// Checks, from headers alone, that `txid` is in `block`, that `block`
    /// is on the best branch, and that it has at least `min_confirmations`.
    pub fn verify_inclusion(
        &self,
        txid: TxId,
        block: &BlockHash,
        proof: &MerkleProof,
        min_confirmations: u64,
    ) -> Result<(), LightError> {
        let confirmations = self.confirmations(block)?;
        if confirmations < min_confirmations {
            return Err(LightError::TooShallow {
                block: *block,
                confirmations,
                required: min_confirmations,
            });
        }
        let root = self
            .header(block)
            .map(|h| h.merkle_root)
            .ok_or(LightError::UnknownBlock { block: *block })?;
        proof
            .verify(txid, root)
            .map_err(|error| LightError::BadProof {
                block: *block,
                error,
            })
    }

    /// The genesis hash.
    pub fn genesis(&self) -> BlockHash {
        self.genesis
    }

    /// Every stored header's hash, in byte order.
    pub fn hashes(&self) -> impl Iterator<Item = &BlockHash> {
        self.headers.keys()
    }

    /// As hashed into the destination chain's state root: `chain_id u32 |
    /// tip 32 | u32 count | header hashes (32 each, in byte order)`. The
    /// rules (target spacing, retarget interval) come from the chain's
    /// parameters, which the genesis hash (first of the set) pins.
    pub fn encode_state(&self, out: &mut Vec<u8>) {
        use crate::encode::{Encode, put_len};
        self.chain_id.encode_to(out);
        self.tip.encode_to(out);
        put_len(out, self.headers.len());
        for h in self.headers.keys() {
            h.encode_to(out);
        }
    }
}
