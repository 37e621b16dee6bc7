//! The block view: a header over some data, a nonce, a difficulty, and
//! whether the hash meets the target.

use sandbox_chain::hash::{BlockHash, MerkleRoot};
use sandbox_chain::pow::{Header, Target};
use serde::{Deserialize, Serialize};

use super::{clamp_bits, text_root};

/// The state of the block view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockLab {
    /// The block's data: one line per "transaction".
    pub data: String,
    /// The nonce the student typed or the miner found.
    pub nonce: u64,
    /// Difficulty in leading zero bits.
    pub bits: u32,
}

impl Default for BlockLab {
    fn default() -> Self {
        BlockLab {
            data: "alice pays bob 5\nbob pays carol 2".into(),
            nonce: 0,
            bits: 18,
        }
    }
}

impl BlockLab {
    /// The target for the chosen difficulty.
    pub fn target(&self) -> Target {
        lab_target(self.bits)
    }

    /// The data's Merkle root.
    pub fn merkle_root(&self) -> MerkleRoot {
        text_root(&self.data)
    }

    /// The header with the current nonce.
    pub fn header(&self) -> Header {
        Header {
            chain_id: 1,
            height: 1,
            parent: BlockHash::ZERO,
            merkle_root: self.merkle_root(),
            timestamp_ms: 0,
            target: self.target(),
            nonce: self.nonce,
        }
    }

    /// The block's hash.
    pub fn hash(&self) -> BlockHash {
        self.header().hash()
    }

    /// Whether the hash meets the target.
    pub fn is_valid(&self) -> bool {
        self.header().meets_target()
    }
}

/// The target with `bits` leading zero bits (clamped to what views offer).
pub fn lab_target(bits: u32) -> Target {
    Target::from_leading_zero_bits(clamp_bits(bits)).unwrap_or(Target::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::pow::mine_range;

    #[test]
    fn mining_makes_the_block_valid_and_editing_breaks_it() {
        let mut lab = BlockLab {
            bits: 8,
            ..BlockLab::default()
        };
        let found = mine_range(&lab.header(), 0..1_000_000).nonce().unwrap();
        lab.nonce = found;
        assert!(lab.is_valid());
        assert!(lab.hash().hash().leading_zero_bits() >= 8);
        lab.data.push('!');
        // One chance in 256 that the edited data is still valid; this text is not.
        assert!(!lab.is_valid());
    }

    #[test]
    fn difficulty_is_clamped() {
        assert_eq!(lab_target(0).leading_zero_bits(), 1);
        assert_eq!(lab_target(99).leading_zero_bits(), 28);
    }
}
