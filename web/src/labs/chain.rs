//! The chain view: blocks that each name the hash of the one before. Edit an
//! old block and its hash changes, so every later block now names a parent
//! that is not there and needs its proof of work redone.

use sandbox_chain::hash::BlockHash;
use sandbox_chain::pow::{Header, Target};
use serde::{Deserialize, Serialize};

use super::block::lab_target;
use super::text_root;

/// One block of the chain view: what the student can edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabBlock {
    /// The block's data, one "transaction" per line.
    pub data: String,
    /// The block's nonce.
    pub nonce: u64,
}

/// The state of the chain view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChainLab {
    /// Difficulty in leading zero bits, the same for every block.
    pub bits: u32,
    /// The blocks, genesis first.
    pub blocks: Vec<LabBlock>,
}

/// The difficulty of the default chain.
pub const DEFAULT_BITS: u32 = 16;

/// The default chain's data and nonces, mined once (the test
/// `default_chain_is_mined` checks them and prints the right ones if the
/// header rules ever change).
const DEFAULT_BLOCKS: [(&str, u64); 5] = [
    ("genesis: alice gets 100", 184_818),
    ("alice pays bob 10", 70_407),
    ("bob pays carol 4", 4_615),
    ("carol pays dave 1", 64_078),
    ("dave pays alice 1", 3_655),
];

impl Default for ChainLab {
    fn default() -> Self {
        ChainLab {
            bits: DEFAULT_BITS,
            blocks: DEFAULT_BLOCKS
                .iter()
                .map(|(data, nonce)| LabBlock {
                    data: (*data).into(),
                    nonce: *nonce,
                })
                .collect(),
        }
    }
}

/// What the view shows for one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockStatus {
    /// The header as it is now (its parent is the previous block's hash).
    pub header: Header,
    /// Its hash.
    pub hash: BlockHash,
    /// Whether the hash meets the target.
    pub mined: bool,
    /// Whether this block and every block before it are mined.
    pub valid: bool,
}

impl ChainLab {
    /// The target every block must meet.
    pub fn target(&self) -> Target {
        lab_target(self.bits)
    }

    /// The header of block `index` given its parent's hash.
    fn header(&self, index: usize, parent: BlockHash) -> Option<Header> {
        let block = self.blocks.get(index)?;
        Some(Header {
            chain_id: 1,
            height: index as u64,
            parent,
            merkle_root: text_root(&block.data),
            timestamp_ms: (index as u64).saturating_mul(10_000),
            target: self.target(),
            nonce: block.nonce,
        })
    }

    /// Every block's header, hash and validity, genesis first.
    pub fn statuses(&self) -> Vec<BlockStatus> {
        let mut parent = BlockHash::ZERO;
        let mut all_valid = true;
        let mut out = Vec::with_capacity(self.blocks.len());
        for index in 0..self.blocks.len() {
            let Some(header) = self.header(index, parent) else {
                break;
            };
            let hash = header.hash();
            let mined = header.meets_target();
            all_valid &= mined;
            out.push(BlockStatus {
                header,
                hash,
                mined,
                valid: all_valid,
            });
            parent = hash;
        }
        out
    }

    /// The header to mine for block `index` (its current parent, any nonce).
    pub fn header_to_mine(&self, index: usize) -> Option<Header> {
        self.statuses().get(index).map(|s| s.header)
    }

    /// The first block whose proof of work is missing, if any.
    pub fn first_broken(&self) -> Option<usize> {
        self.statuses().iter().position(|s| !s.mined)
    }

    /// Sets block `index`'s data.
    pub fn set_data(&mut self, index: usize, data: String) {
        if let Some(block) = self.blocks.get_mut(index) {
            block.data = data;
        }
    }

    /// Sets block `index`'s nonce.
    pub fn set_nonce(&mut self, index: usize, nonce: u64) {
        if let Some(block) = self.blocks.get_mut(index) {
            block.nonce = nonce;
        }
    }

    /// Appends an unmined block.
    pub fn push_block(&mut self, data: String) {
        if self.blocks.len() < MAX_LAB_BLOCKS {
            self.blocks.push(LabBlock { data, nonce: 0 });
        }
    }
}

/// The most blocks the chain view holds.
pub const MAX_LAB_BLOCKS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::pow::mine_range;

    fn mine_all(lab: &mut ChainLab) {
        while let Some(index) = lab.first_broken() {
            let header = lab.header_to_mine(index).unwrap();
            let nonce = mine_range(&header, 0..u64::MAX).nonce().unwrap();
            lab.set_nonce(index, nonce);
        }
    }

    /// Guards the first thing a student sees: the default chain is mined.
    #[test]
    fn default_chain_is_mined() {
        let lab = ChainLab::default();
        if lab.first_broken().is_some() {
            let mut fixed = lab.clone();
            mine_all(&mut fixed);
            let nonces: Vec<u64> = fixed.blocks.iter().map(|b| b.nonce).collect();
            panic!("DEFAULT_BLOCKS need the nonces {nonces:?}");
        }
        assert!(lab.statuses().iter().all(|s| s.valid));
    }

    #[test]
    fn editing_an_old_block_breaks_it_and_every_later_one() {
        let mut lab = ChainLab::default();
        lab.set_data(1, "alice pays bob 1000".into());
        let statuses = lab.statuses();
        assert!(statuses[0].valid);
        assert!(statuses[1..].iter().all(|s| !s.valid));
        assert!(!statuses[1].mined);
        // Later blocks lose their proof of work too: their parent changed.
        assert!(statuses[2..].iter().all(|s| !s.mined));
        assert_eq!(lab.first_broken(), Some(1));
    }

    #[test]
    fn re_mining_in_order_repairs_the_chain() {
        let mut lab = ChainLab::default();
        lab.set_data(2, "bob pays carol 400".into());
        mine_all(&mut lab);
        assert!(lab.statuses().iter().all(|s| s.valid));
        let statuses = lab.statuses();
        for pair in statuses.windows(2) {
            assert_eq!(pair[1].header.parent, pair[0].hash);
        }
    }

    #[test]
    fn blocks_are_capped() {
        let mut lab = ChainLab::default();
        for _ in 0..20 {
            lab.push_block("x".into());
        }
        assert_eq!(lab.blocks.len(), MAX_LAB_BLOCKS);
    }
}
