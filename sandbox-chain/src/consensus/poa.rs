//! Proof of authority, in the manner of Ethereum's Clique.
//!
//! Rules (checked by `Chain` when a block arrives):
//! - the authorities take turns by height: the *in-turn* authority for
//!   height `h` is `validators[h mod n]`;
//! - every block is sealed: an [`AuthoritySeal`] is the signer's key and its
//!   signature over `"chainlab:block-seal:v1" || 0x00 || block hash`; the
//!   signer must be an authority;
//! - an in-turn block may be sealed `period` after its parent (the chain's
//!   `target_block_time_ms`); when the in-turn authority is offline, any
//!   other authority may seal an *out-of-turn* block, but only from
//!   `2 * period` after the parent;
//! - an authority may seal at most one of any `n / 2 + 1` consecutive blocks,
//!   so a minority cannot take over the chain while others are offline;
//! - fork choice: the branch with the most weight, where an in-turn block
//!   weighs [`IN_TURN_WEIGHT`] and an out-of-turn block [`OUT_OF_TURN_WEIGHT`]
//!   (so a chain of in-turn blocks beats an equally long one with
//!   stand-ins, and the longer chain wins otherwise).

use serde::{Deserialize, Serialize};

use crate::encode::{Decode, DecodeError, Encode, Reader};
use crate::hash::{BlockHash, Domain};
use crate::keys::{Keypair, PublicKey, Signature, SignatureError};

/// The fork-choice weight of a block sealed by the in-turn authority.
pub const IN_TURN_WEIGHT: u128 = 2;

/// The fork-choice weight of a block sealed by another authority.
pub const OUT_OF_TURN_WEIGHT: u128 = 1;

/// An authority's signature over a block hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthoritySeal {
    /// The authority that sealed the block.
    pub signer: PublicKey,
    /// Its signature over `"chainlab:block-seal:v1" || 0x00 || block hash`.
    pub signature: Signature,
}

impl AuthoritySeal {
    /// Seals `hash` with `key`.
    pub fn sign(key: &Keypair, hash: &BlockHash) -> Self {
        AuthoritySeal {
            signer: key.public(),
            signature: key.sign(Domain::BlockSeal, hash.as_bytes()),
        }
    }

    /// Checks the signature over `hash`.
    pub fn verify(&self, hash: &BlockHash) -> Result<(), SignatureError> {
        self.signer
            .verify(Domain::BlockSeal, hash.as_bytes(), &self.signature)
    }
}

impl Encode for AuthoritySeal {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.signer.encode_to(out);
        self.signature.encode_to(out);
    }
}

impl Decode for AuthoritySeal {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(AuthoritySeal {
            signer: PublicKey::decode_from(r)?,
            signature: Signature::decode_from(r)?,
        })
    }
}

/// The in-turn authority for `height`: `validators[height mod n]`.
pub fn in_turn(validators: &[PublicKey], height: u64) -> Option<&PublicKey> {
    let n = u64::try_from(validators.len()).ok().filter(|n| *n > 0)?;
    validators.get(usize::try_from(height.checked_rem(n)?).ok()?)
}

/// The fork-choice weight of a block at `height` sealed by `signer`.
pub fn weight(validators: &[PublicKey], height: u64, signer: &PublicKey) -> u128 {
    if in_turn(validators, height) == Some(signer) {
        IN_TURN_WEIGHT
    } else {
        OUT_OF_TURN_WEIGHT
    }
}

/// How many blocks before a block its signer must not have sealed:
/// `n / 2` (so one block in any `n / 2 + 1` consecutive ones).
pub fn recent_window(validators: usize) -> usize {
    validators / 2
}

/// The earliest timestamp a block sealed in turn (or not) may carry.
pub fn earliest_time(parent_ms: u64, period_ms: u64, in_turn: bool) -> u64 {
    let wait = if in_turn {
        period_ms
    } else {
        period_ms.saturating_mul(2)
    };
    parent_ms.saturating_add(wait.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_weights_and_windows() {
        let v: Vec<PublicKey> = (0..3)
            .map(|i| Keypair::from_name(&format!("a{i}")).public())
            .collect();
        assert_eq!(in_turn(&v, 4), Some(&v[1]));
        assert_eq!(weight(&v, 4, &v[1]), IN_TURN_WEIGHT);
        assert_eq!(weight(&v, 4, &v[2]), OUT_OF_TURN_WEIGHT);
        assert_eq!(recent_window(3), 1);
        assert_eq!(recent_window(4), 2);
        assert_eq!(earliest_time(1_000, 500, true), 1_500);
        assert_eq!(earliest_time(1_000, 500, false), 2_000);
    }

    #[test]
    fn seals_verify_only_their_block() {
        let k = Keypair::from_name("a0");
        let h = BlockHash::from_bytes([7; 32]);
        let seal = AuthoritySeal::sign(&k, &h);
        assert_eq!(seal.verify(&h), Ok(()));
        assert!(seal.verify(&BlockHash::from_bytes([8; 32])).is_err());
        assert_eq!(AuthoritySeal::decode(&seal.encode()), Ok(seal));
        assert_eq!(seal.encode().len(), 96);
    }
}
