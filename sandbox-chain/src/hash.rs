//! SHA-256 hashes, one newtype per kind of hash, and domain-separated hashing.
//!
//! Every hash the chain computes is `SHA-256(tag || 0x00 || data)` where `tag`
//! is one of the ASCII strings of [`Domain`]. The tag keeps a header hash from
//! ever being mistaken for a transaction id, a Merkle leaf or a signed message
//! (see `docs/encoding.md`, "Domain separation").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The number of bytes in a SHA-256 hash.
pub const HASH_LEN: usize = 32;

/// The purpose of a hash or of a signed message. Its tag is hashed (or signed)
/// in front of the data, followed by one zero byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Domain {
    /// A block header: the block's id and its proof of work.
    Header,
    /// A transaction id.
    TxId,
    /// A Merkle leaf (a transaction id as it enters the tree).
    MerkleLeaf,
    /// A Merkle inner node (two children).
    MerkleNode,
    /// A Merkle root: the leaf count bound to the tree's top node.
    MerkleRoot,
    /// An address, derived from a public key.
    Address,
    /// A signing key derived from a human-readable name such as "alice".
    KeyFromName,
    /// What a sender signs in a transfer.
    Transfer,
    /// The digest of a ledger's accounts.
    LedgerState,
    /// A contract's address, from its deployer and the deployer's nonce.
    ContractAddress,
    /// A contract's code hash (the hash of its source).
    ContractCode,
    /// What a sender signs to deploy a contract.
    Deploy,
    /// What a sender signs to call a contract.
    Call,
    /// What an authority signs to seal a block (proof of authority): the
    /// block hash.
    BlockSeal,
    /// What a BFT validator signs to propose a block for a height and round.
    Proposal,
    /// What a BFT validator signs to prevote or precommit.
    Vote,
    /// What an organisation admin signs to approve a governance change.
    Governance,
    /// The digest of a permissioned chain's membership (organisations,
    /// members, validators).
    MembershipState,
}

impl Domain {
    /// Every domain, in a fixed order (for tests and documentation).
    pub const ALL: [Domain; 18] = [
        Domain::Header,
        Domain::TxId,
        Domain::MerkleLeaf,
        Domain::MerkleNode,
        Domain::MerkleRoot,
        Domain::Address,
        Domain::KeyFromName,
        Domain::Transfer,
        Domain::LedgerState,
        Domain::ContractAddress,
        Domain::ContractCode,
        Domain::Deploy,
        Domain::Call,
        Domain::BlockSeal,
        Domain::Proposal,
        Domain::Vote,
        Domain::Governance,
        Domain::MembershipState,
    ];

    /// The ASCII tag of this domain, as written in `docs/encoding.md`.
    pub const fn tag(self) -> &'static str {
        match self {
            Domain::Header => "chainlab:header:v1",
            Domain::TxId => "chainlab:txid:v1",
            Domain::MerkleLeaf => "chainlab:merkle-leaf:v1",
            Domain::MerkleNode => "chainlab:merkle-node:v1",
            Domain::MerkleRoot => "chainlab:merkle-root:v1",
            Domain::Address => "chainlab:address:v1",
            Domain::KeyFromName => "chainlab:key-from-name:v1",
            Domain::Transfer => "chainlab:transfer:v1",
            Domain::LedgerState => "chainlab:ledger-state:v1",
            Domain::ContractAddress => "chainlab:contract-address:v1",
            Domain::ContractCode => "chainlab:contract-code:v1",
            Domain::Deploy => "chainlab:deploy:v1",
            Domain::Call => "chainlab:call:v1",
            Domain::BlockSeal => "chainlab:block-seal:v1",
            Domain::Proposal => "chainlab:bft-proposal:v1",
            Domain::Vote => "chainlab:bft-vote:v1",
            Domain::Governance => "chainlab:governance:v1",
            Domain::MembershipState => "chainlab:membership-state:v1",
        }
    }

    /// `tag || 0x00 || data`: the exact bytes that are hashed or signed.
    pub fn prefixed(self, data: &[u8]) -> Vec<u8> {
        let tag = self.tag().as_bytes();
        let mut out = Vec::with_capacity(tag.len().saturating_add(1).saturating_add(data.len()));
        out.extend_from_slice(tag);
        out.push(0);
        out.extend_from_slice(data);
        out
    }
}

/// Plain SHA-256 of `data`, with no domain tag (the primitive itself).
pub fn sha256(data: &[u8]) -> Hash256 {
    Hash256(Sha256::digest(data).into())
}

// ANCHOR: tagged_hash
/// `SHA-256(tag || 0x00 || data)`: the hash used for everything on the chain.
pub fn tagged_hash(domain: Domain, data: &[u8]) -> Hash256 {
    let mut h = Sha256::new();
    h.update(domain.tag().as_bytes());
    h.update([0u8]);
    h.update(data);
    Hash256(h.finalize().into())
}
// ANCHOR_END: tagged_hash

/// A hex string that could not be read as a hash or key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// The string has the wrong number of characters.
    #[error("expected {expected} hex characters ({bytes} bytes), found {found}")]
    WrongLength {
        /// Characters expected.
        expected: usize,
        /// Bytes those characters encode.
        bytes: usize,
        /// Characters found.
        found: usize,
    },
    /// A character is not one of 0-9, a-f, A-F.
    #[error("character {found:?} at position {position} is not a hex digit (0-9, a-f)")]
    NotHex {
        /// Zero-based position of the character.
        position: usize,
        /// The offending character.
        found: char,
    },
}

/// Parses exactly `N` bytes from `2 * N` hex digits (upper or lower case).
pub fn parse_hex_array<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    if let Some((position, found)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(HexError::NotHex { position, found });
    }
    let expected = N.saturating_mul(2);
    if s.len() != expected {
        return Err(HexError::WrongLength {
            expected,
            bytes: N,
            found: s.chars().count(),
        });
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).map_err(|_| HexError::WrongLength {
        expected,
        bytes: N,
        found: s.len(),
    })?;
    Ok(out)
}

/// Parses any even number of hex digits into bytes.
pub fn parse_hex_bytes(s: &str) -> Result<Vec<u8>, HexError> {
    if let Some((position, found)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(HexError::NotHex { position, found });
    }
    hex::decode(s).map_err(|_| HexError::WrongLength {
        expected: s.len().saturating_add(1),
        bytes: s.len().div_ceil(2),
        found: s.len(),
    })
}

/// Implements hex `Display`/`Debug`/`FromStr` and hex-string serde for a
/// fixed-size byte newtype.
macro_rules! hex_newtype {
    ($name:ident, $len:expr) => {
        impl $name {
            /// Lower-case hex, two characters per byte.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }

            /// Parses lower- or upper-case hex of exactly the right length.
            pub fn from_hex(s: &str) -> Result<Self, $crate::hash::HexError> {
                $crate::hash::parse_hex_array::<{ $len }>(s).map(Self)
            }

            /// The first 4 bytes in hex, for compact display in a UI.
            pub fn short(&self) -> String {
                hex::encode(self.0.get(..4).unwrap_or(&[]))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::hash::HexError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_hex(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_hex())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::from_hex(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
#[allow(unused_imports)] // used by keys.rs for addresses, keys and signatures
pub(crate) use hex_newtype;

/// A raw 32-byte SHA-256 output. Kinds of hash wrap it in their own type.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash256([u8; HASH_LEN]);

impl Hash256 {
    /// All zero bytes (the parent of the genesis block).
    pub const ZERO: Hash256 = Hash256([0; HASH_LEN]);

    /// Wraps 32 bytes.
    pub const fn from_bytes(bytes: [u8; HASH_LEN]) -> Self {
        Hash256(bytes)
    }

    /// The 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; HASH_LEN] {
        &self.0
    }

    /// The number of zero bits before the first one bit, reading the bytes
    /// in order and each byte from its most significant bit.
    pub fn leading_zero_bits(&self) -> u32 {
        let mut n = 0u32;
        for b in self.0 {
            if b == 0 {
                n = n.saturating_add(8);
            } else {
                return n.saturating_add(b.leading_zeros());
            }
        }
        n
    }

    /// The bit at `index` (0 = most significant bit of the first byte).
    pub fn bit(&self, index: usize) -> bool {
        let byte = self.0.get(index / 8).copied().unwrap_or(0);
        byte.rotate_left(u32::try_from(index % 8).unwrap_or(0)) & 0x80 != 0
    }
}
hex_newtype!(Hash256, HASH_LEN);

/// Declares a kind of hash: a newtype over [`Hash256`] with hex I/O.
macro_rules! hash_kind {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(Hash256);

        impl $name {
            /// All zero bytes.
            pub const ZERO: $name = $name(Hash256::ZERO);

            /// Wraps a raw hash.
            pub const fn from_hash(h: Hash256) -> Self {
                $name(h)
            }

            /// Wraps 32 raw bytes.
            pub const fn from_bytes(bytes: [u8; HASH_LEN]) -> Self {
                $name(Hash256::from_bytes(bytes))
            }

            /// The raw hash.
            pub const fn hash(&self) -> Hash256 {
                self.0
            }

            /// The 32 bytes.
            pub const fn as_bytes(&self) -> &[u8; HASH_LEN] {
                self.0.as_bytes()
            }

            /// Lower-case hex.
            pub fn to_hex(&self) -> String {
                self.0.to_hex()
            }

            /// Parses 64 hex digits.
            pub fn from_hex(s: &str) -> Result<Self, HexError> {
                Hash256::from_hex(s).map($name)
            }

            /// The first 4 bytes in hex, for compact display.
            pub fn short(&self) -> String {
                self.0.short()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.to_hex())
            }
        }

        impl FromStr for $name {
            type Err = HexError;
            fn from_str(s: &str) -> Result<Self, HexError> {
                Self::from_hex(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Hash256::deserialize(d).map($name)
            }
        }
    };
}

hash_kind!(
    /// The id of a block: the tagged hash of its header's canonical bytes.
    BlockHash
);
hash_kind!(
    /// The id of a transaction: the tagged hash of its canonical bytes.
    TxId
);
hash_kind!(
    /// The root of a Merkle tree over a block's transaction ids.
    MerkleRoot
);
hash_kind!(
    /// A digest of a ledger's accounts (balances and nonces).
    StateRoot
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nist_vectors() {
        // FIPS 180-2 appendix B.1 and B.2, and the empty string.
        assert_eq!(
            sha256(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").to_hex(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            sha256(b"").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // B.3: one million 'a'.
        assert_eq!(
            sha256(&vec![b'a'; 1_000_000]).to_hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn tagged_hash_is_sha256_of_tag_zero_data() {
        let data = b"hello";
        assert_eq!(
            tagged_hash(Domain::TxId, data),
            sha256(&Domain::TxId.prefixed(data))
        );
        assert_ne!(
            tagged_hash(Domain::TxId, data),
            tagged_hash(Domain::Header, data)
        );
    }

    #[test]
    fn tags_are_distinct_and_zero_free() {
        let tags: std::collections::BTreeSet<_> = Domain::ALL.iter().map(|d| d.tag()).collect();
        assert_eq!(tags.len(), Domain::ALL.len());
        assert!(tags.iter().all(|t| t.is_ascii() && !t.contains('\0')));
    }

    #[test]
    fn hex_round_trip_and_errors() {
        let h = sha256(b"abc");
        assert_eq!(Hash256::from_hex(&h.to_hex()), Ok(h));
        assert_eq!(Hash256::from_hex(&h.to_hex().to_uppercase()), Ok(h));
        assert_eq!(
            BlockHash::from_hex("abc"),
            Err(HexError::WrongLength {
                expected: 64,
                bytes: 32,
                found: 3
            })
        );
        let bad = format!("{}g", &h.to_hex()[..63]);
        assert_eq!(
            Hash256::from_hex(&bad),
            Err(HexError::NotHex {
                position: 63,
                found: 'g'
            })
        );
        assert_eq!(
            HexError::NotHex {
                position: 3,
                found: 'z'
            }
            .to_string(),
            "character 'z' at position 3 is not a hex digit (0-9, a-f)"
        );
        assert!(Hash256::from_hex("é").is_err());
    }

    #[test]
    fn serde_is_hex_string() {
        let h = TxId::from_hash(sha256(b"abc"));
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, format!("\"{}\"", h.to_hex()));
        assert_eq!(serde_json::from_str::<TxId>(&json).unwrap(), h);
        let err = serde_json::from_str::<TxId>("\"00\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected 64 hex characters"), "{err}");
    }

    #[test]
    fn leading_zero_bits() {
        let mut b = [0xffu8; 32];
        assert_eq!(Hash256::from_bytes(b).leading_zero_bits(), 0);
        b[0] = 0;
        b[1] = 0x1f;
        assert_eq!(Hash256::from_bytes(b).leading_zero_bits(), 11);
        assert_eq!(Hash256::ZERO.leading_zero_bits(), 256);
        assert!(!Hash256::from_bytes(b).bit(10));
        assert!(Hash256::from_bytes(b).bit(11));
    }
}
