//! The keys view: a key pair from a name or a random seed, a transfer to
//! sign, its signature, and verification that fails, with the library's
//! own reason, as soon as a byte of the message or the key changes.

use sandbox_chain::amount::Amount;
use sandbox_chain::hash::{Domain, parse_hex_array};
use sandbox_chain::keys::{Keypair, Signature};
use sandbox_chain::tx::Transfer;
use serde::{Deserialize, Serialize};

/// Where the key pair comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum KeySource {
    /// `Keypair::from_name`: the same name gives the same key everywhere.
    Name(String),
    /// A random 32-byte seed, in hex.
    Seed(String),
}

/// The state of the keys view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeysLab {
    /// The signer's key.
    pub source: KeySource,
    /// Who the transfer pays (a name).
    pub to: String,
    /// Coins sent.
    pub amount: u64,
    /// The transfer's memo, free text.
    pub memo: String,
    /// The signature made by "Sign", in hex.
    pub signature: Option<String>,
    /// A byte of the signed message flipped by "Tamper", if any.
    pub tampered: Option<usize>,
}

impl Default for KeysLab {
    fn default() -> Self {
        KeysLab {
            source: KeySource::Name("alice".into()),
            to: "bob".into(),
            amount: 5,
            memo: "lunch".into(),
            signature: None,
            tampered: None,
        }
    }
}

/// The outcome of checking the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing signed yet.
    Unsigned,
    /// The signature matches this key and these bytes.
    Valid,
    /// Refused, with the library's reason.
    Invalid(String),
}

impl KeysLab {
    /// The signer's key pair.
    pub fn keypair(&self) -> Keypair {
        match &self.source {
            KeySource::Name(name) => Keypair::from_name(name),
            KeySource::Seed(hex) => match parse_hex_array::<32>(hex) {
                Ok(seed) => Keypair::from_seed(&seed),
                Err(_) => Keypair::from_name(""),
            },
        }
    }

    /// Uses a fresh random seed (the caller supplies the bytes).
    pub fn use_seed(&mut self, seed: [u8; 32]) {
        self.source = KeySource::Seed(hex::encode(seed));
        self.signature = None;
        self.tampered = None;
    }

    /// The transfer being signed.
    pub fn transfer(&self) -> Transfer {
        Transfer {
            chain_id: 1,
            from: self.keypair().public(),
            to: Keypair::from_name(&self.to).address(),
            amount: Amount::new(self.amount),
            fee: Amount::new(1),
            nonce: 0,
            memo: self.memo.clone(),
        }
    }

    /// The bytes that are checked: the transfer's canonical bytes, with the
    /// tampered byte flipped.
    pub fn message(&self) -> Vec<u8> {
        let mut bytes = self.transfer().signing_bytes();
        if let Some(byte) = self.tampered.and_then(|i| bytes.get_mut(i)) {
            *byte ^= 0x01;
        }
        bytes
    }

    /// Signs the current transfer and clears any tampering.
    pub fn sign(&mut self) {
        self.tampered = None;
        let signature = self
            .keypair()
            .sign(Domain::Transfer, &self.transfer().signing_bytes());
        self.signature = Some(hex::encode(signature.as_bytes()));
    }

    /// Flips one bit of byte `index` of the message (wrapping to its length).
    pub fn tamper(&mut self, index: usize) {
        let len = self.transfer().signing_bytes().len().max(1);
        self.tampered = Some(index % len);
    }

    /// Checks the signature against the current key and message.
    pub fn verdict(&self) -> Verdict {
        let Some(hex) = &self.signature else {
            return Verdict::Unsigned;
        };
        let signature = match parse_hex_array::<64>(hex) {
            Ok(bytes) => Signature::from_bytes(bytes),
            Err(error) => return Verdict::Invalid(error.to_string()),
        };
        match self
            .keypair()
            .public()
            .verify(Domain::Transfer, &self.message(), &signature)
        {
            Ok(()) => Verdict::Valid,
            Err(error) => Verdict::Invalid(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> KeysLab {
        let mut lab = KeysLab::default();
        lab.sign();
        lab
    }

    #[test]
    fn unsigned_until_signed() {
        assert_eq!(KeysLab::default().verdict(), Verdict::Unsigned);
        assert_eq!(signed().verdict(), Verdict::Valid);
    }

    #[test]
    fn names_give_fixed_keys() {
        let lab = KeysLab::default();
        assert_eq!(lab.keypair().public(), Keypair::from_name("alice").public());
    }

    #[test]
    fn a_flipped_byte_fails_with_the_library_reason() {
        let mut lab = signed();
        lab.tamper(3);
        let Verdict::Invalid(reason) = lab.verdict() else {
            panic!("tampered message verified");
        };
        assert!(
            reason.contains("does not match the sender's key"),
            "{reason}"
        );
        assert_eq!(lab.message()[3] ^ 1, lab.transfer().signing_bytes()[3]);
    }

    #[test]
    fn editing_the_memo_after_signing_breaks_the_signature() {
        let mut lab = signed();
        lab.memo.push('!');
        assert!(matches!(lab.verdict(), Verdict::Invalid(_)));
    }

    #[test]
    fn another_key_does_not_verify() {
        let mut lab = signed();
        lab.source = KeySource::Name("mallory".into());
        assert!(matches!(lab.verdict(), Verdict::Invalid(_)));
    }

    #[test]
    fn random_seed_keys_sign_and_verify() {
        let mut lab = KeysLab::default();
        lab.use_seed([7; 32]);
        assert_eq!(lab.keypair().seed(), [7; 32]);
        lab.sign();
        assert_eq!(lab.verdict(), Verdict::Valid);
    }

    #[test]
    fn tamper_index_wraps() {
        let mut lab = signed();
        let len = lab.message().len();
        lab.tamper(len + 2);
        assert_eq!(lab.tampered, Some(2));
    }
}
