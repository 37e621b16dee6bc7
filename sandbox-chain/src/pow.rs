//! Proof of work: block headers, targets, bounded mining and retargeting.
//!
//! A block's id is the hash of its [`Header`]. The header names a
//! [`Target`], a 256-bit number; the block is valid only if its hash, read as
//! a big-endian 256-bit number, is at most the target. Finding such a hash
//! means trying nonces until one fits: on average [`Target::work`] tries.
//! That cost is the "work" in proof of work, and the chain with the most
//! summed work wins.
//!
//! The byte-exact rules are in `docs/encoding.md` (section "Headers, proof of
//! work and Merkle trees").

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::encode::{Decode, DecodeError, Encode, Reader};
use crate::hash::{
    BlockHash, Domain, HASH_LEN, HexError, MerkleRoot, parse_hex_array, tagged_hash,
};

/// A minimal unsigned 256-bit integer: just what targets, work and
/// retargeting need (compare, add, subtract, shift, multiply and divide by a
/// `u64`, divide by a `U256`).
///
/// Written here rather than taken from a crate such as `crypto-bigint`: it is
/// about 150 lines, has no `unsafe`, behaves identically on wasm32, adds no
/// dependency to the chain core, and is simple enough for a student to read.
/// Performance does not matter (it runs once per block, never per hash).
mod u256 {
    use std::cmp::Ordering;

    /// Four 64-bit limbs, least significant first.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) struct U256(pub(super) [u64; 4]);

    impl Ord for U256 {
        fn cmp(&self, other: &Self) -> Ordering {
            self.0.iter().rev().cmp(other.0.iter().rev())
        }
    }

    impl PartialOrd for U256 {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }

    impl U256 {
        pub(super) const ZERO: U256 = U256([0; 4]);
        pub(super) const ONE: U256 = U256([1, 0, 0, 0]);
        pub(super) const MAX: U256 = U256([u64::MAX; 4]);

        /// From 32 big-endian bytes.
        pub(super) fn from_be_bytes(bytes: &[u8; 32]) -> Self {
            let mut limbs = [0u64; 4];
            for (limb, chunk) in limbs.iter_mut().rev().zip(bytes.chunks_exact(8)) {
                *limb = u64::from_be_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
            }
            U256(limbs)
        }

        /// To 32 big-endian bytes.
        pub(super) fn to_be_bytes(self) -> [u8; 32] {
            let mut out = [0u8; 32];
            for (chunk, limb) in out.chunks_exact_mut(8).zip(self.0.iter().rev()) {
                chunk.copy_from_slice(&limb.to_be_bytes());
            }
            out
        }

        /// From a `u128`.
        #[cfg(test)]
        pub(super) fn from_u128(v: u128) -> Self {
            // Truncating casts on purpose: low and high halves.
            U256([v as u64, (v >> 64) as u64, 0, 0])
        }

        /// The value as a `u128`, or `None` if it is 2^128 or more.
        pub(super) fn to_u128(self) -> Option<u128> {
            match self.0 {
                [lo, hi, 0, 0] => Some((u128::from(hi) << 64) | u128::from(lo)),
                _ => None,
            }
        }

        pub(super) fn is_zero(self) -> bool {
            self == U256::ZERO
        }

        /// `2^256 - 1 - self`.
        pub(super) fn not(self) -> Self {
            U256(self.0.map(|l| !l))
        }

        /// `self + rhs` and whether it overflowed 256 bits.
        pub(super) fn overflowing_add(self, rhs: U256) -> (U256, bool) {
            let mut out = [0u64; 4];
            let mut carry = false;
            for ((o, a), b) in out.iter_mut().zip(self.0).zip(rhs.0) {
                let (s1, c1) = a.overflowing_add(b);
                let (s2, c2) = s1.overflowing_add(u64::from(carry));
                *o = s2;
                carry = c1 || c2;
            }
            (U256(out), carry)
        }

        /// `self - rhs` modulo 2^256, and whether it borrowed (`rhs > self`).
        pub(super) fn overflowing_sub(self, rhs: U256) -> (U256, bool) {
            let mut out = [0u64; 4];
            let mut borrow = false;
            for ((o, a), b) in out.iter_mut().zip(self.0).zip(rhs.0) {
                let (d1, b1) = a.overflowing_sub(b);
                let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
                *o = d2;
                borrow = b1 || b2;
            }
            (U256(out), borrow)
        }

        /// `self * 2` modulo 2^256, and the bit shifted out at the top.
        fn shl1(self) -> (U256, bool) {
            let mut out = [0u64; 4];
            let mut carry = false;
            for (o, a) in out.iter_mut().zip(self.0) {
                *o = (a << 1) | u64::from(carry);
                carry = a >> 63 == 1;
            }
            (U256(out), carry)
        }

        /// Bit `i` (0 = least significant); false beyond 255.
        fn bit(self, i: usize) -> bool {
            self.0
                .get(i / 64)
                .is_some_and(|limb| (limb >> (i % 64)) & 1 == 1)
        }

        /// Sets bit `i` (0 = least significant); nothing beyond 255.
        fn set_bit(&mut self, i: usize) {
            if let Some(limb) = self.0.get_mut(i / 64) {
                *limb |= 1 << (i % 64);
            }
        }

        /// `(floor(self / d), self mod d)`, or `None` if `d` is zero.
        /// Schoolbook binary long division, one bit at a time.
        pub(super) fn div_rem(self, d: U256) -> Option<(U256, U256)> {
            if d.is_zero() {
                return None;
            }
            let (mut q, mut r) = (U256::ZERO, U256::ZERO);
            for i in (0..256).rev() {
                // r < d here, so 2r + 1 < 2d: one subtraction is enough. If a
                // bit was shifted out, the true 2r + 1 >= 2^256 > d and the
                // wrapping subtraction below still gives the exact remainder.
                let (shifted, carry) = r.shl1();
                r = shifted;
                if self.bit(i) {
                    r.set_bit(0);
                }
                if carry || r >= d {
                    r = r.overflowing_sub(d).0;
                    q.set_bit(i);
                }
            }
            Some((q, r))
        }

        /// `floor(self * m / d)`, exact (the product is kept to 320 bits), or
        /// `None` if `d` is zero or the result does not fit in 256 bits.
        pub(super) fn mul_div_u64(self, m: u64, d: u64) -> Option<U256> {
            if d == 0 {
                return None;
            }
            // 320-bit product, limbs least significant first. Each step is at
            // most (2^64-1)^2 + (2^64-1) < 2^128, so the u128 never wraps.
            let mut product = [0u64; 5];
            let mut carry = 0u64;
            for (p, a) in product.iter_mut().zip(self.0) {
                let t = u128::from(a)
                    .wrapping_mul(u128::from(m))
                    .wrapping_add(u128::from(carry));
                *p = t as u64;
                carry = (t >> 64) as u64;
            }
            if let Some(top) = product.last_mut() {
                *top = carry;
            }
            // Long division by a u64, most significant limb first. `rem < d`
            // so each partial dividend is < d * 2^64 and each quotient limb
            // fits in a u64.
            let d = u128::from(d);
            let mut quotient = [0u64; 5];
            let mut rem = 0u128;
            for (q, p) in quotient.iter_mut().rev().zip(product.iter().rev()) {
                let cur = (rem << 64) | u128::from(*p);
                *q = cur.checked_div(d)? as u64;
                rem = cur.checked_rem(d)?;
            }
            match quotient {
                [a, b, c, e, 0] => Some(U256([a, b, c, e])),
                _ => None,
            }
        }
    }
}

use u256::U256;

/// Why a value is not a usable target.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// A target of zero: only the all-zero hash would meet it.
    #[error(
        "a target of 0 can never be met (a hash would have to be exactly 0); the hardest target is 1, the easiest is ff…ff"
    )]
    Zero,
    /// Asking for more leading zero bits than a non-zero target allows.
    #[error(
        "a target with {bits} leading zero bits would be 0, which no hash can meet; use 0 to 255 bits"
    )]
    TooManyZeroBits {
        /// The number of zero bits asked for.
        bits: u32,
    },
    /// The text is not 64 hex digits.
    #[error("not a target: {0}")]
    Hex(#[from] HexError),
}

/// A proof-of-work target: an unsigned 256-bit number, stored as 32
/// big-endian bytes, never zero.
///
/// A header meets its target when its hash, read as a big-endian number, is
/// **at most** the target. A smaller target is harder. Targets compare (`<`,
/// `>`) as numbers.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target([u8; HASH_LEN]);

impl Target {
    /// The easiest target, `2^256 - 1`: every hash meets it.
    pub const MAX: Target = Target([0xff; HASH_LEN]);

    /// The hardest target, `1`: only hashes 0 and 1 meet it.
    pub const MIN: Target = {
        let mut bytes = [0u8; HASH_LEN];
        bytes[HASH_LEN - 1] = 1;
        Target(bytes)
    };

    /// A target from 32 big-endian bytes; zero is refused.
    pub fn from_bytes(bytes: [u8; HASH_LEN]) -> Result<Self, TargetError> {
        if bytes == [0; HASH_LEN] {
            Err(TargetError::Zero)
        } else {
            Ok(Target(bytes))
        }
    }

    /// The target `2^(256 - bits) - 1`: a hash meets it exactly when it
    /// starts with at least `bits` zero bits. `bits` may be 0 to 255; on
    /// average `2^bits` hashes are needed.
    pub fn from_leading_zero_bits(bits: u32) -> Result<Self, TargetError> {
        if bits >= 256 {
            return Err(TargetError::TooManyZeroBits { bits });
        }
        let mut bytes = [0xffu8; HASH_LEN];
        let mut zeros = bits;
        for b in &mut bytes {
            *b = match zeros {
                0 => break,
                1..=7 => 0xff >> zeros,
                _ => 0,
            };
            zeros = zeros.saturating_sub(8);
        }
        Target::from_bytes(bytes)
    }

    /// The 32 big-endian bytes.
    pub const fn as_bytes(&self) -> &[u8; HASH_LEN] {
        &self.0
    }

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits; zero is refused.
    pub fn from_hex(s: &str) -> Result<Self, TargetError> {
        Target::from_bytes(parse_hex_array::<HASH_LEN>(s)?)
    }

    /// The number of zero bits the target starts with (0 for [`Target::MAX`]).
    pub fn leading_zero_bits(&self) -> u32 {
        crate::hash::Hash256::from_bytes(self.0).leading_zero_bits()
    }

    /// Whether `hash`, read as a big-endian number, is at most this target.
    pub fn is_met_by(&self, hash: &BlockHash) -> bool {
        // Comparing big-endian byte arrays lexicographically is comparing
        // the numbers they encode.
        hash.as_bytes() <= &self.0
    }

    /// The expected number of hashes to meet this target:
    /// `floor(2^256 / (target + 1))`, saturating at `u128::MAX`.
    ///
    /// Chain work is the sum of this over the chain's blocks (add with
    /// `u128::saturating_add`). `Target::MAX` has work 1;
    /// `from_leading_zero_bits(n)` has work `2^n` (saturated from n = 128).
    pub fn work(&self) -> u128 {
        let t = U256::from_be_bytes(&self.0);
        if t == U256::MAX {
            return 1;
        }
        if t.0[2] == 0 && t.0[3] == 0 {
            // t + 1 <= 2^128, so the work is at least 2^128.
            return u128::MAX;
        }
        // 2^256 does not fit in 256 bits, but
        // floor(2^256 / (t+1)) = floor((2^256 - 1 - t) / (t+1)) + 1.
        let (t_plus_1, _) = t.overflowing_add(U256::ONE); // t < MAX: exact
        t.not()
            .div_rem(t_plus_1)
            .and_then(|(q, _)| q.to_u128())
            .map_or(u128::MAX, |q| q.saturating_add(1))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.to_hex())
    }
}

impl FromStr for Target {
    type Err = TargetError;
    fn from_str(s: &str) -> Result<Self, TargetError> {
        Target::from_hex(s)
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Target::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

impl Encode for Target {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
}

impl Decode for Target {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        Target::from_bytes(r.array("target")?).map_err(|e| DecodeError::Invalid {
            field: "target",
            offset,
            reason: e.to_string(),
        })
    }
}

// ANCHOR: retarget
/// The next target after a span of blocks took `actual_span_ms` instead of
/// the `expected_span_ms` the chain aims for.
///
/// # Why retargeting exists
///
/// The time to find a block depends on how many hashes per second all miners
/// together can do, and that changes: miners join, leave, buy faster
/// machines. Without adjustment, blocks would come ever faster (or stall).
/// Every so often the chain compares how long the last blocks took with how
/// long they should have taken and scales the target: blocks came too slowly
/// → larger target (easier); too fast → smaller target (harder).
///
/// The factor is clamped to `[1/4, 4]` so that one period with odd
/// timestamps (a lying miner, a sudden burst of hash power) can only move the
/// difficulty so far.
///
/// # Exact rule
///
/// All integer arithmetic, no floating point:
///
/// ```text
/// new = floor(old * actual / expected)         (exact, 320-bit intermediate)
/// new = max(new, floor(old / 4))                (factor at least 1/4)
/// new = min(new, old * 4)                       (factor at most 4)
/// new = max(new, 1);  new = min(new, 2^256 - 1) (a valid target)
/// ```
///
/// Clamping the result like this equals clamping the factor before
/// rounding, because `floor(old * f)` grows with `f`. If `expected_span_ms`
/// is 0 the question makes no sense; `old` is returned unchanged.
pub fn retarget(old: Target, actual_span_ms: u64, expected_span_ms: u64) -> Target {
    if expected_span_ms == 0 {
        return old;
    }
    let o = U256::from_be_bytes(&old.0);
    let scaled = o
        .mul_div_u64(actual_span_ms, expected_span_ms)
        .unwrap_or(U256::MAX);
    let lowest = o.mul_div_u64(1, 4).unwrap_or(U256::ZERO);
    let highest = o.mul_div_u64(4, 1).unwrap_or(U256::MAX);
    let new = scaled.max(lowest).min(highest).max(U256::ONE);
    Target(new.to_be_bytes())
}
// ANCHOR_END: retarget

/// The number of bytes in a header's canonical encoding.
pub const HEADER_LEN: usize = 124;

/// The offset of the nonce in the canonical encoding: it is the last field.
pub const NONCE_OFFSET: usize = 116;

/// A block header: everything the proof of work covers.
///
/// Canonical encoding, 124 bytes in this order: `chain_id` u32 BE | `height`
/// u64 BE | `parent` 32 | `merkle_root` 32 | `timestamp_ms` u64 BE | `target`
/// 32 | `nonce` u64 BE. JSON uses hex strings for hashes and the target and
/// numbers for the integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Which chain this block belongs to (a lesson's chain, a test net, …),
    /// so a block cannot be replayed on another chain.
    pub chain_id: u32,
    /// Number of blocks before this one (the genesis block has height 0).
    pub height: u64,
    /// The hash of the previous block's header (zero for genesis).
    pub parent: BlockHash,
    /// The Merkle root of the block's transaction ids.
    pub merkle_root: MerkleRoot,
    /// When the block was made, in milliseconds of simulated time.
    pub timestamp_ms: u64,
    /// The target this header's hash must meet.
    pub target: Target,
    /// The number the miner varies to search for a hash below the target.
    pub nonce: u64,
}

impl Header {
    /// Writes every field but the nonce (the first 116 bytes).
    fn encode_without_nonce(&self, out: &mut Vec<u8>) {
        self.chain_id.encode_to(out);
        self.height.encode_to(out);
        self.parent.encode_to(out);
        self.merkle_root.encode_to(out);
        self.timestamp_ms.encode_to(out);
        self.target.encode_to(out);
    }

    /// The block's id: `tagged_hash(Header, canonical 124 bytes)`.
    pub fn hash(&self) -> BlockHash {
        BlockHash::from_hash(tagged_hash(Domain::Header, &self.encode()))
    }

    /// Whether the header's hash meets its own target.
    pub fn meets_target(&self) -> bool {
        self.target.is_met_by(&self.hash())
    }
}

impl Encode for Header {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.reserve(HEADER_LEN);
        self.encode_without_nonce(out);
        self.nonce.encode_to(out);
    }
}

impl Decode for Header {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Header {
            chain_id: r.u32("chain_id")?,
            height: r.u64("height")?,
            parent: BlockHash::from_bytes(r.array("parent")?),
            merkle_root: MerkleRoot::from_bytes(r.array("merkle_root")?),
            timestamp_ms: r.u64("timestamp_ms")?,
            target: Target::decode_from(r)?,
            nonce: r.u64("nonce")?,
        })
    }
}

/// Hashes one header with many nonces quickly.
///
/// The nonce is the last field on purpose: `tag || 0x00 || first 116 bytes`
/// is fed to SHA-256 once and the state (the *midstate*) is kept; each nonce
/// then costs one copy of that state, 8 more bytes and the final block,
/// instead of hashing all 143 bytes again.
#[derive(Clone)]
pub struct HeaderHasher {
    midstate: Sha256,
}

impl fmt::Debug for HeaderHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HeaderHasher { .. }")
    }
}

impl HeaderHasher {
    /// Absorbs everything in `header` but its nonce.
    pub fn new(header: &Header) -> Self {
        let mut prefix = Vec::with_capacity(NONCE_OFFSET);
        header.encode_without_nonce(&mut prefix);
        let mut midstate = Sha256::new();
        midstate.update(Domain::Header.tag().as_bytes());
        midstate.update([0u8]);
        midstate.update(&prefix);
        HeaderHasher { midstate }
    }

    /// The hash the header would have with this `nonce`; equal to
    /// `Header { nonce, ..header }.hash()`.
    pub fn hash_with_nonce(&self, nonce: u64) -> BlockHash {
        let mut h = self.midstate.clone();
        h.update(nonce.to_be_bytes());
        BlockHash::from_bytes(h.finalize().into())
    }
}

/// The result of searching a range of nonces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MineOutcome {
    /// `nonce` makes the header meet its target; it was the first such nonce
    /// in the range.
    Found {
        /// The winning nonce.
        nonce: u64,
        /// The header's hash with that nonce.
        hash: BlockHash,
        /// Nonces hashed, including the winning one.
        tried: u64,
    },
    /// No nonce in the range works.
    Exhausted {
        /// Nonces hashed (the length of the range).
        tried: u64,
    },
}

impl MineOutcome {
    /// The winning nonce, if one was found.
    pub fn nonce(&self) -> Option<u64> {
        match self {
            MineOutcome::Found { nonce, .. } => Some(*nonce),
            MineOutcome::Exhausted { .. } => None,
        }
    }

    /// How many nonces were hashed.
    pub fn tried(&self) -> u64 {
        match self {
            MineOutcome::Found { tried, .. } | MineOutcome::Exhausted { tried } => *tried,
        }
    }
}

// ANCHOR: mine_range
/// Tries the nonces of `nonces` in increasing order (the header's own nonce
/// is ignored) and stops at the first whose hash meets `header.target`.
///
/// Made for callers that mine in chunks so they can report progress or
/// cancel between chunks (a UI, a web worker): mining `0..n` in several
/// consecutive chunks finds the same nonce as one call. The range's end is
/// excluded, so nonce `u64::MAX` is never tried.
pub fn mine_range(header: &Header, nonces: Range<u64>) -> MineOutcome {
    let hasher = HeaderHasher::new(header);
    let mut tried = 0u64;
    for nonce in nonces {
        tried = tried.saturating_add(1);
        let hash = hasher.hash_with_nonce(nonce);
        if header.target.is_met_by(&hash) {
            return MineOutcome::Found { nonce, hash, tried };
        }
    }
    MineOutcome::Exhausted { tried }
}
// ANCHOR_END: mine_range

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::Hash256;
    use proptest::prelude::*;

    fn u(v: u128) -> U256 {
        U256::from_u128(v)
    }

    fn t(bits: u32) -> Target {
        Target::from_leading_zero_bits(bits).unwrap()
    }

    fn target_from_u128(v: u128) -> Target {
        Target::from_bytes(u(v).to_be_bytes()).unwrap()
    }

    fn sample_header() -> Header {
        Header {
            chain_id: 7,
            height: 3,
            parent: BlockHash::from_hash(tagged_hash(Domain::Header, b"parent")),
            merkle_root: crate::merkle::empty_root(),
            timestamp_ms: 1_000,
            target: t(8),
            nonce: 0,
        }
    }

    // ---- Vectors (tests/data/header_vectors.json) ----

    /// Produced by an independent Python script (see the file's `readme`);
    /// any difference here is a consensus change, not a test to update.
    const VECTORS: &str = include_str!("../tests/data/header_vectors.json");

    #[test]
    fn header_vectors() {
        let v: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        let headers = v["headers"].as_array().unwrap();
        assert!(headers.len() >= 4);
        for case in headers {
            let name = case["name"].as_str().unwrap();
            let h: Header = serde_json::from_value(case["header"].clone()).unwrap();
            let encoding = case["encoding"].as_str().unwrap();
            assert_eq!(hex::encode(h.encode()), encoding, "{name}: encoding");
            assert_eq!(
                Header::decode(&hex::decode(encoding).unwrap()),
                Ok(h),
                "{name}: decode"
            );
            assert_eq!(
                h.hash().to_hex(),
                case["hash"].as_str().unwrap(),
                "{name}: hash"
            );
            assert_eq!(
                HeaderHasher::new(&h).hash_with_nonce(h.nonce),
                h.hash(),
                "{name}: midstate"
            );
            assert_eq!(
                h.meets_target(),
                case["meets_target"].as_bool().unwrap(),
                "{name}: meets_target"
            );
            assert_eq!(
                h.target.work().to_string(),
                case["work"].as_str().unwrap(),
                "{name}: work"
            );
            if h.meets_target() && h.target != Target::MAX {
                // Mined from nonce 0: mine_range must find the same nonce.
                assert_eq!(
                    mine_range(&h, 0..h.nonce + 1).nonce(),
                    Some(h.nonce),
                    "{name}: first nonce"
                );
            }
        }
        for case in v["retarget"].as_array().unwrap() {
            let old = Target::from_hex(case["old"].as_str().unwrap()).unwrap();
            let a = case["actual_span_ms"].as_u64().unwrap();
            let e = case["expected_span_ms"].as_u64().unwrap();
            assert_eq!(
                retarget(old, a, e).to_hex(),
                case["new"].as_str().unwrap(),
                "retarget({old}, {a}, {e})"
            );
        }
    }

    // ---- U256 helper ----

    #[test]
    fn u256_bytes_round_trip_and_order() {
        let mut b = [0u8; 32];
        b[0] = 1;
        b[31] = 2;
        let x = U256::from_be_bytes(&b);
        assert_eq!(x.0, [2, 0, 0, 1 << 56]);
        assert_eq!(x.to_be_bytes(), b);
        assert!(U256::ONE < x && x < U256::MAX);
        assert_eq!(U256::MAX.not(), U256::ZERO);
        assert_eq!(U256::MAX.overflowing_add(U256::ONE), (U256::ZERO, true));
        assert_eq!(U256::ZERO.overflowing_sub(U256::ONE), (U256::MAX, true));
    }

    #[test]
    fn u256_known_quotients() {
        // (2^256 - 1) / 3 = 0x5555…55, remainder 0.
        let (q, r) = U256::MAX.div_rem(u(3)).unwrap();
        assert_eq!(q.to_be_bytes(), [0x55; 32]);
        assert_eq!(r, U256::ZERO);
        assert_eq!(U256::MAX.div_rem(U256::ZERO), None);
        assert_eq!(U256::MAX.div_rem(U256::MAX), Some((U256::ONE, U256::ZERO)));
        assert_eq!(U256::MAX.mul_div_u64(2, 1), None, "overflow is reported");
        assert_eq!(U256::MAX.mul_div_u64(6, 6), Some(U256::MAX));
        assert_eq!(U256::MAX.mul_div_u64(1, 0), None);
    }

    proptest! {
        #[test]
        fn u256_matches_u128(a in any::<u64>(), m in any::<u64>(), d in 1..=u64::MAX) {
            let a128 = u128::from(a);
            let expect = a128 * u128::from(m) / u128::from(d);
            prop_assert_eq!(u(a128).mul_div_u64(m, d), Some(u(expect)));
        }

        #[test]
        fn u256_div_rem_matches_u128(n in any::<u128>(), d in 1..=u128::MAX) {
            prop_assert_eq!(u(n).div_rem(u(d)), Some((u(n / d), u(n % d))));
        }

        #[test]
        fn u256_mul_then_divide_round_trips(bytes in any::<[u8; 32]>(), m in 1..=u64::MAX) {
            let a = U256::from_be_bytes(&bytes);
            if let Some(p) = a.mul_div_u64(m, 1) {
                prop_assert_eq!(p.mul_div_u64(1, m), Some(a));
                prop_assert_eq!(p.div_rem(u(u128::from(m))), Some((a, U256::ZERO)));
            }
            // a * m / m is always a, even when a * m needs more than 256 bits.
            prop_assert_eq!(a.mul_div_u64(m, m), Some(a));
        }
    }

    // ---- Target ----

    #[test]
    fn leading_zero_bit_targets() {
        assert_eq!(t(0), Target::MAX);
        assert_eq!(t(255), Target::MIN);
        assert_eq!(
            t(12).to_hex(),
            format!("000f{}", "f".repeat(60)),
            "12 zero bits"
        );
        assert_eq!(t(12).leading_zero_bits(), 12);
        assert_eq!(
            Target::from_leading_zero_bits(256),
            Err(TargetError::TooManyZeroBits { bits: 256 })
        );
        assert_eq!(Target::from_bytes([0; 32]), Err(TargetError::Zero));
    }

    #[test]
    fn is_met_by_is_less_or_equal() {
        let target = target_from_u128(1000);
        let h = |v: u128| BlockHash::from_bytes(u(v).to_be_bytes());
        assert!(target.is_met_by(&h(999)));
        assert!(target.is_met_by(&h(1000)), "equal meets the target");
        assert!(!target.is_met_by(&h(1001)));
        assert!(Target::MAX.is_met_by(&BlockHash::from_bytes([0xff; 32])));
    }

    #[test]
    fn work_examples() {
        assert_eq!(Target::MAX.work(), 1);
        for n in 0..128 {
            assert_eq!(t(n).work(), 1u128 << n, "{n} zero bits");
        }
        assert_eq!(t(128).work(), u128::MAX, "2^128 saturates");
        assert_eq!(Target::MIN.work(), u128::MAX);
        // 2^255 + 1 does not fit twice in 2^256: work 1.
        let mut b = [0u8; 32];
        b[0] = 0x80;
        assert_eq!(Target::from_bytes(b).unwrap().work(), 1);
        // target 2^200: floor(2^256 / (2^200 + 1)) = 2^56 - 1.
        let mut b = [0u8; 32];
        b[6] = 1;
        assert_eq!(Target::from_bytes(b).unwrap().work(), (1 << 56) - 1);
        // target 2^128 (smallest that does not saturate): 2^128 - 1... exactly
        // floor(2^256 / (2^128 + 1)) = 2^128 - 1 = u128::MAX.
        let mut b = [0u8; 32];
        b[15] = 1;
        assert_eq!(Target::from_bytes(b).unwrap().work(), u128::MAX);
        // (2^256 - 1) / 3 = 0x55…55 → floor(2^256 / 0x55…56) = 2.
        let third = Target::from_bytes([0x55; 32]).unwrap();
        assert_eq!(third.work(), 2);
    }

    #[test]
    fn target_hex_json_and_errors() {
        let x = t(20);
        assert_eq!(Target::from_hex(&x.to_hex()), Ok(x));
        assert_eq!(x.to_string().parse::<Target>(), Ok(x));
        let json = serde_json::to_string(&x).unwrap();
        assert_eq!(json, format!("\"{}\"", x.to_hex()));
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), x);
        assert_eq!(Target::from_hex(&"0".repeat(64)), Err(TargetError::Zero));
        assert!(matches!(Target::from_hex("12"), Err(TargetError::Hex(_))));
        assert!(serde_json::from_str::<Target>(&format!("\"{}\"", "0".repeat(64))).is_err());
        assert_eq!(
            TargetError::TooManyZeroBits { bits: 300 }.to_string(),
            "a target with 300 leading zero bits would be 0, which no hash can meet; use 0 to 255 bits"
        );
    }

    proptest! {
        #[test]
        fn meeting_n_zero_bit_target_means_n_zero_bits(bytes in any::<[u8; 32]>(), n in 0u32..256) {
            let hash = BlockHash::from_bytes(bytes);
            prop_assert_eq!(
                t(n).is_met_by(&hash),
                Hash256::from_bytes(bytes).leading_zero_bits() >= n
            );
        }
    }

    // ---- Retargeting ----

    #[test]
    fn retarget_examples() {
        let old = t(16); // 2^240 - 1
        assert_eq!(retarget(old, 600, 600), old, "on time: unchanged");
        // Twice as slow: twice as easy. 2 * (2^240 - 1) = 2^241 - 2, one
        // less than t(15) = 2^241 - 1.
        let mut twice = *t(15).as_bytes();
        twice[31] = 0xfe;
        assert_eq!(retarget(old, 1200, 600), Target::from_bytes(twice).unwrap());
        assert_eq!(
            retarget(old, 300, 600),
            t(17),
            "twice as fast: floor((2^240-1)/2)"
        );
        let small = target_from_u128(63);
        assert_eq!(retarget(small, 2, 3), target_from_u128(42), "63*2/3");
        assert_eq!(
            retarget(small, 1, 3),
            target_from_u128(21),
            "factor 1/3 is allowed"
        );
        assert_eq!(
            retarget(small, 1, 5),
            target_from_u128(15),
            "1/5 clamps to 1/4: floor(63/4)"
        );
        assert_eq!(
            retarget(small, 0, 5),
            target_from_u128(15),
            "0 clamps to 1/4"
        );
        assert_eq!(retarget(target_from_u128(100), 1, 7), target_from_u128(25));
        assert_eq!(
            retarget(small, 1000, 1),
            target_from_u128(252),
            "1000x clamps to 4x"
        );
        assert_eq!(
            retarget(small, 7, 2),
            target_from_u128(220),
            "floor(63*3.5)"
        );
        assert_eq!(retarget(Target::MIN, 0, 1), Target::MIN, "never below 1");
        assert_eq!(
            retarget(target_from_u128(3), 0, 1),
            Target::MIN,
            "3/4 rounds to 0, then 1"
        );
        assert_eq!(retarget(Target::MAX, 4, 1), Target::MAX, "never above MAX");
        assert_eq!(retarget(t(1), u64::MAX, 1), Target::MAX);
        assert_eq!(retarget(old, 5, 0), old, "expected 0: unchanged");
        assert_eq!(retarget(old, u64::MAX, u64::MAX), old);
    }

    proptest! {
        #[test]
        fn retarget_stays_within_a_factor_of_four(
            bytes in any::<[u8; 32]>(), a in any::<u64>(), e in 1..=u64::MAX, a2 in any::<u64>()
        ) {
            let Ok(old) = Target::from_bytes(bytes) else { return Ok(()) };
            let new = retarget(old, a, e);
            let o = U256::from_be_bytes(old.as_bytes());
            let n = U256::from_be_bytes(new.as_bytes());
            prop_assert!(n >= o.mul_div_u64(1, 4).unwrap().max(U256::ONE));
            prop_assert!(n <= o.mul_div_u64(4, 1).unwrap_or(U256::MAX));
            // Slower blocks never make the target harder.
            let (lo, hi) = (a.min(a2), a.max(a2));
            prop_assert!(retarget(old, lo, e) <= retarget(old, hi, e));
        }
    }

    // ---- Header ----

    #[test]
    fn header_encoding_layout() {
        let h = Header {
            chain_id: 0x0102_0304,
            height: 0x1112_1314_1516_1718,
            parent: BlockHash::from_bytes([0xaa; 32]),
            merkle_root: MerkleRoot::from_bytes([0xbb; 32]),
            timestamp_ms: 0x2122_2324_2526_2728,
            target: Target::from_bytes([0xcc; 32]).unwrap(),
            nonce: 0x3132_3334_3536_3738,
        };
        let e = h.encode();
        assert_eq!(e.len(), HEADER_LEN);
        assert_eq!(&e[0..4], &[1, 2, 3, 4]);
        assert_eq!(&e[4..12], &[0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18]);
        assert_eq!(&e[12..44], &[0xaa; 32]);
        assert_eq!(&e[44..76], &[0xbb; 32]);
        assert_eq!(
            &e[76..84],
            &[0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28]
        );
        assert_eq!(&e[84..116], &[0xcc; 32]);
        assert_eq!(
            &e[NONCE_OFFSET..],
            &[0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38]
        );
        assert_eq!(Header::decode(&e), Ok(h));
        assert_eq!(h.hash().hash(), tagged_hash(Domain::Header, &e));
    }

    #[test]
    fn header_decode_errors_name_the_field() {
        let mut e = sample_header().encode();
        let err = Header::decode(&e[..50]).unwrap_err();
        assert_eq!(
            err,
            DecodeError::UnexpectedEnd {
                field: "merkle_root",
                offset: 44,
                needed: 32,
                left: 6
            }
        );
        e[84..116].fill(0);
        let err = Header::decode(&e).unwrap_err().to_string();
        assert!(
            err.starts_with("target at offset 84 is invalid: a target of 0"),
            "{err}"
        );
        let mut long = sample_header().encode();
        long.push(0);
        assert!(matches!(
            Header::decode(&long),
            Err(DecodeError::TrailingBytes {
                count: 1,
                offset: 124
            })
        ));
    }

    #[test]
    fn header_json_uses_hex_and_numbers() {
        let h = sample_header();
        let v: serde_json::Value = serde_json::to_value(h).unwrap();
        assert_eq!(v["chain_id"], 7);
        assert_eq!(v["timestamp_ms"], 1000);
        assert_eq!(v["parent"], h.parent.to_hex());
        assert_eq!(v["target"], h.target.to_hex());
        assert_eq!(serde_json::from_value::<Header>(v.clone()).unwrap(), h);
        let mut extra = v;
        extra["bits"] = 3.into();
        assert!(
            serde_json::from_value::<Header>(extra).is_err(),
            "unknown fields are refused"
        );
    }

    #[test]
    fn mining_finds_a_nonce_that_meets_the_target() {
        let h = sample_header();
        let out = mine_range(&h, 0..10_000);
        let MineOutcome::Found { nonce, hash, tried } = out else {
            panic!("8 zero bits should be found in 10 000 tries: {out:?}");
        };
        let mined = Header { nonce, ..h };
        assert_eq!(mined.hash(), hash, "midstate hash equals Header::hash");
        assert!(mined.meets_target());
        assert_eq!(tried, nonce + 1);
        // Every earlier nonce fails.
        assert!((0..nonce).all(|n| !Header { nonce: n, ..h }.meets_target()));
        assert_eq!(
            mine_range(&h, 0..nonce),
            MineOutcome::Exhausted { tried: nonce }
        );
        assert_eq!(mine_range(&h, 5..5), MineOutcome::Exhausted { tried: 0 });
        let json = serde_json::to_string(&out).unwrap();
        assert!(
            json.starts_with("{\"outcome\":\"found\",\"nonce\":"),
            "{json}"
        );
    }

    fn arb_header() -> impl Strategy<Value = Header> {
        (
            any::<u32>(),
            any::<u64>(),
            any::<[u8; 32]>(),
            any::<[u8; 32]>(),
            any::<u64>(),
            any::<[u8; 32]>(),
            any::<u64>(),
        )
            .prop_map(|(chain_id, height, p, m, timestamp_ms, tg, nonce)| Header {
                chain_id,
                height,
                parent: BlockHash::from_bytes(p),
                merkle_root: MerkleRoot::from_bytes(m),
                timestamp_ms,
                target: Target::from_bytes(tg).unwrap_or(Target::MAX),
                nonce,
            })
    }

    proptest! {
        #[test]
        fn midstate_hash_equals_header_hash(h in arb_header(), nonce in any::<u64>()) {
            prop_assert_eq!(
                HeaderHasher::new(&h).hash_with_nonce(nonce),
                Header { nonce, ..h }.hash()
            );
        }

        #[test]
        fn chunked_mining_finds_the_same_first_nonce(
            h in arb_header(),
            bits in 0u32..7,
            cuts in proptest::collection::vec(0u64..600, 0..8),
        ) {
            let h = Header { target: t(bits), ..h };
            let whole = mine_range(&h, 0..600);
            let mut bounds = cuts;
            bounds.push(0);
            bounds.push(600);
            bounds.sort_unstable();
            let mut tried = 0;
            let mut chunked = MineOutcome::Exhausted { tried: 600 };
            for w in bounds.windows(2) {
                match mine_range(&h, w[0]..w[1]) {
                    MineOutcome::Found { nonce, hash, tried: t } => {
                        chunked = MineOutcome::Found { nonce, hash, tried: tried + t };
                        break;
                    }
                    MineOutcome::Exhausted { tried: t } => tried += t,
                }
            }
            prop_assert_eq!(chunked, whole);
        }

        #[test]
        fn flipping_any_byte_changes_the_hash_or_breaks_decoding(
            h in arb_header(), index in 0..HEADER_LEN, mask in 1u8..=255
        ) {
            let mut bytes = h.encode();
            bytes[index] ^= mask;
            match Header::decode(&bytes) {
                Ok(changed) => {
                    prop_assert_ne!(changed.hash(), h.hash());
                    prop_assert_eq!(changed.encode(), bytes);
                }
                Err(e) => prop_assert!(
                    matches!(e, DecodeError::Invalid { field: "target", .. }),
                    "only a zeroed target may fail to decode: {}", e
                ),
            }
        }

        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(h) = Header::decode(&bytes) {
                prop_assert_eq!(h.encode(), bytes);
            }
        }

        #[test]
        fn header_round_trips(h in arb_header()) {
            prop_assert_eq!(Header::decode(&h.encode()), Ok(h));
            let json = serde_json::to_string(&h).unwrap();
            prop_assert_eq!(serde_json::from_str::<Header>(&json).unwrap(), h);
        }
    }
}
