//! ed25519 keys and signatures, and addresses derived from public keys.
//!
//! A key pair can come from 32 seed bytes or from a name ("alice"), so a
//! lesson can say "alice pays bob" and every run gets the same keys.
//! Signatures always sign `tag || 0x00 || message` for a [`Domain`] tag, so a
//! signature made for one purpose can never be replayed as another.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::encode::{Decode, DecodeError, Encode, Reader};
use crate::hash::{Domain, HexError, hex_newtype, parse_hex_array, tagged_hash};

/// Bytes in an address.
pub const ADDRESS_LEN: usize = 20;

/// Where funds are sent: the first 20 bytes of
/// `SHA-256("chainlab:address:v1" || 0x00 || public key)`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address([u8; ADDRESS_LEN]);
hex_newtype!(Address, ADDRESS_LEN);

impl Address {
    /// Wraps 20 raw bytes.
    pub const fn from_bytes(bytes: [u8; ADDRESS_LEN]) -> Self {
        Address(bytes)
    }

    /// The 20 bytes.
    pub const fn as_bytes(&self) -> &[u8; ADDRESS_LEN] {
        &self.0
    }
}

/// A key's problem, found while reading or checking it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The hex text is malformed.
    #[error("not a public key: {0}")]
    Hex(#[from] HexError),
    /// The 32 bytes are not a point on the ed25519 curve.
    #[error("these 32 bytes are not a valid ed25519 public key (not a point on the curve)")]
    NotOnCurve,
    /// The key is a small-order point: anyone could forge signatures for it.
    #[error("this public key is a weak (small-order) point; signatures for it prove nothing")]
    Weak,
}

/// Why a signature was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The signature was not made by this key over these bytes.
    #[error(
        "the signature does not match the sender's key (was the message changed after signing?)"
    )]
    Mismatch,
}

/// An ed25519 public (verifying) key. Always a valid, non-weak curve point:
/// the only way to build one checks it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Checks and wraps 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotOnCurve)?;
        if key.is_weak() {
            return Err(KeyError::Weak);
        }
        Ok(PublicKey(key))
    }

    /// Parses 64 hex digits and checks the point.
    pub fn from_hex(s: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&parse_hex_array::<32>(s)?)
    }

    /// The 32 compressed bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.as_bytes())
    }

    // ANCHOR: address
    /// The address that funds for this key are sent to.
    pub fn address(&self) -> Address {
        let h = tagged_hash(Domain::Address, self.as_bytes());
        let mut a = [0u8; ADDRESS_LEN];
        a.copy_from_slice(h.as_bytes().get(..ADDRESS_LEN).unwrap_or(&[0; ADDRESS_LEN]));
        Address(a)
    }
    // ANCHOR_END: address

    /// Checks `signature` over `tag || 0x00 || message` (strict ed25519:
    /// non-canonical and small-order encodings are refused).
    pub fn verify(
        &self,
        domain: Domain,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), SignatureError> {
        let sig = ed25519_dalek::Signature::from_bytes(&signature.0);
        self.0
            .verify_strict(&domain.prefixed(message), &sig)
            .map_err(|_| SignatureError::Mismatch)
    }

    /// The dalek key, for batch verification.
    pub(crate) fn dalek(&self) -> &VerifyingKey {
        &self.0
    }
}

impl PartialOrd for PublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PublicKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl std::hash::Hash for PublicKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        PublicKey::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// An ed25519 signature: 64 bytes (R then S).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 64]);
hex_newtype!(Signature, 64);

impl Signature {
    /// Wraps 64 raw bytes (checked only when verified).
    pub const fn from_bytes(bytes: [u8; 64]) -> Self {
        Signature(bytes)
    }

    /// The 64 bytes.
    pub const fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    pub(crate) fn dalek(&self) -> ed25519_dalek::Signature {
        ed25519_dalek::Signature::from_bytes(&self.0)
    }
}

/// A signing key and its public key. Debug output never shows the secret.
#[derive(Clone)]
pub struct Keypair {
    signing: SigningKey,
    public: PublicKey,
}

impl Keypair {
    /// The key pair whose RFC 8032 secret seed is `seed`.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(seed);
        // A key derived from a seed is the seed's scalar times the base
        // point: never weak, always on the curve.
        let public = PublicKey(signing.verifying_key());
        Keypair { signing, public }
    }

    /// The key pair for a name: seed = `SHA-256("chainlab:key-from-name:v1" || 0x00 || name)`.
    /// Deterministic and public: fine for a classroom, never for real funds.
    pub fn from_name(name: &str) -> Self {
        Self::from_seed(tagged_hash(Domain::KeyFromName, name.as_bytes()).as_bytes())
    }

    /// The 32 secret seed bytes.
    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    /// The public key.
    pub fn public(&self) -> PublicKey {
        self.public
    }

    /// The address of the public key.
    pub fn address(&self) -> Address {
        self.public.address()
    }

    /// Signs `tag || 0x00 || message`.
    pub fn sign(&self, domain: Domain, message: &[u8]) -> Signature {
        Signature(self.signing.sign(&domain.prefixed(message)).to_bytes())
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keypair(public {})", self.public)
    }
}

/// One item of a batch to verify: who signed what, for which purpose.
#[derive(Clone, Copy, Debug)]
pub struct SignedMessage<'a> {
    /// The signer.
    pub key: &'a PublicKey,
    /// The domain the message was signed under.
    pub domain: Domain,
    /// The message (without the domain prefix).
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a Signature,
}

/// Verifies many signatures at once (ed25519 batch verification, about 2-3
/// times faster than one by one). On failure it finds the first bad one by
/// checking each singly, and returns its index.
pub fn verify_batch(items: &[SignedMessage<'_>]) -> Result<(), (usize, SignatureError)> {
    if items.is_empty() {
        return Ok(());
    }
    let prefixed: Vec<Vec<u8>> = items.iter().map(|i| i.domain.prefixed(i.message)).collect();
    let messages: Vec<&[u8]> = prefixed.iter().map(Vec::as_slice).collect();
    let signatures: Vec<ed25519_dalek::Signature> =
        items.iter().map(|i| i.signature.dalek()).collect();
    let keys: Vec<VerifyingKey> = items.iter().map(|i| *i.key.dalek()).collect();
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        return Ok(());
    }
    for (index, item) in items.iter().enumerate() {
        item.key
            .verify(item.domain, item.message, item.signature)
            .map_err(|e| (index, e))?;
    }
    // The batch equation failed but every signature verifies alone: only
    // possible for crafted signatures with small-order components.
    Err((0, SignatureError::Mismatch))
}

impl Encode for Address {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
}

impl Decode for Address {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.array("address").map(Address)
    }
}

impl Encode for PublicKey {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

impl Decode for PublicKey {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        let bytes: [u8; 32] = r.array("public key")?;
        PublicKey::from_bytes(&bytes).map_err(|e| DecodeError::Invalid {
            field: "public key",
            offset,
            reason: e.to_string(),
        })
    }
}

impl Encode for Signature {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
}

impl Decode for Signature {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.array("signature").map(Signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 section 7.1, tests 1-3 (and SHA(abc)), raw ed25519 without
    /// our domain prefix, through the same dalek calls our keys use.
    #[test]
    fn rfc8032_vectors() {
        let vectors = [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            ),
            (
                "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
            ),
        ];
        for (sk, pk, msg, sig) in vectors {
            let seed: [u8; 32] = parse_hex_array(sk).unwrap();
            let kp = Keypair::from_seed(&seed);
            assert_eq!(kp.public().to_hex(), pk);
            let msg = hex::decode(msg).unwrap();
            let raw = kp.signing.sign(&msg).to_bytes();
            assert_eq!(hex::encode(raw), sig);
            let sig = ed25519_dalek::Signature::from_bytes(&raw);
            assert!(kp.public().dalek().verify_strict(&msg, &sig).is_ok());
        }
    }

    #[test]
    fn named_keys_are_stable_and_distinct() {
        let alice = Keypair::from_name("alice");
        assert_eq!(alice.public(), Keypair::from_name("alice").public());
        assert_ne!(alice.address(), Keypair::from_name("bob").address());
        assert_eq!(alice.address().to_hex().len(), 40);
    }

    #[test]
    fn sign_verify_and_tamper() {
        let alice = Keypair::from_name("alice");
        let sig = alice.sign(Domain::Transfer, b"pay bob 5");
        assert_eq!(
            alice.public().verify(Domain::Transfer, b"pay bob 5", &sig),
            Ok(())
        );
        assert_eq!(
            alice.public().verify(Domain::Transfer, b"pay bob 6", &sig),
            Err(SignatureError::Mismatch)
        );
        // The same bytes under another domain do not verify.
        assert!(
            alice
                .public()
                .verify(Domain::Header, b"pay bob 5", &sig)
                .is_err()
        );
        let bob = Keypair::from_name("bob");
        assert!(
            bob.public()
                .verify(Domain::Transfer, b"pay bob 5", &sig)
                .is_err()
        );
    }

    #[test]
    fn batch_finds_the_bad_signature() {
        let keys: Vec<Keypair> = (0..5)
            .map(|i| Keypair::from_name(&format!("k{i}")))
            .collect();
        let publics: Vec<PublicKey> = keys.iter().map(Keypair::public).collect();
        let msgs: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 10]).collect();
        let mut sigs: Vec<Signature> = keys
            .iter()
            .zip(&msgs)
            .map(|(k, m)| k.sign(Domain::Transfer, m))
            .collect();
        let check = |sigs: &[Signature]| {
            let batch: Vec<SignedMessage<'_>> = (0..5)
                .map(|i| SignedMessage {
                    key: &publics[i],
                    domain: Domain::Transfer,
                    message: &msgs[i],
                    signature: &sigs[i],
                })
                .collect();
            verify_batch(&batch)
        };
        assert_eq!(check(&sigs), Ok(()));
        sigs[3] = keys[2].sign(Domain::Transfer, &msgs[3]);
        assert_eq!(check(&sigs), Err((3, SignatureError::Mismatch)));
    }

    #[test]
    fn public_key_errors() {
        assert!(matches!(PublicKey::from_hex("zz"), Err(KeyError::Hex(_))));
        // The identity point (small order) is weak.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity), Err(KeyError::Weak));
        // y = 2 is not on the curve.
        let mut not_on_curve = [0u8; 32];
        not_on_curve[0] = 2;
        assert_eq!(
            PublicKey::from_bytes(&not_on_curve),
            Err(KeyError::NotOnCurve)
        );
    }
}
