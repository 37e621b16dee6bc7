//! The hash view: SHA-256 of what the student types, with the bits that
//! changed since the previous input (the avalanche effect).

use sandbox_chain::hash::{HASH_LEN, Hash256, sha256};
use serde::{Deserialize, Serialize};

/// The text being hashed and the text before the last edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HashLab {
    /// What the student typed.
    pub input: String,
    /// The input before the last change, to compare against.
    pub previous: String,
}

impl Default for HashLab {
    fn default() -> Self {
        HashLab {
            input: "Hello, ChainLab!".into(),
            previous: "Hello, ChainLab".into(),
        }
    }
}

/// One hex digit of the hash and whether any of its 4 bits changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexDigit {
    /// The digit, `0`-`f`.
    pub digit: char,
    /// Whether it differs from the previous hash's digit.
    pub changed: bool,
}

impl HashLab {
    /// Replaces the input, keeping the old one to compare with.
    pub fn set_input(&mut self, input: String) {
        if input != self.input {
            self.previous = std::mem::replace(&mut self.input, input);
        }
    }

    /// SHA-256 of the input's UTF-8 bytes.
    pub fn digest(&self) -> Hash256 {
        sha256(self.input.as_bytes())
    }

    /// SHA-256 of the previous input.
    pub fn previous_digest(&self) -> Hash256 {
        sha256(self.previous.as_bytes())
    }

    /// The 256 bits of the hash, most significant first, each with whether
    /// it differs from the previous hash.
    pub fn bits(&self) -> Vec<(bool, bool)> {
        let now = self.digest();
        let before = self.previous_digest();
        (0..HASH_LEN * 8)
            .map(|i| (now.bit(i), now.bit(i) != before.bit(i)))
            .collect()
    }

    /// How many of the 256 bits changed.
    pub fn changed_bits(&self) -> usize {
        self.bits().iter().filter(|(_, changed)| *changed).count()
    }

    /// The 64 hex digits of the hash, each marked if it changed.
    pub fn hex_digits(&self) -> Vec<HexDigit> {
        let now = self.digest().to_hex();
        let before = self.previous_digest().to_hex();
        now.chars()
            .zip(before.chars())
            .map(|(digit, old)| HexDigit {
                digit,
                changed: digit != old,
            })
            .collect()
    }

    /// The number of UTF-8 bytes hashed.
    pub fn byte_len(&self) -> usize {
        self.input.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha256_of_the_utf8_bytes() {
        let lab = HashLab {
            input: "abc".into(),
            previous: String::new(),
        };
        assert_eq!(
            lab.digest().to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn one_character_changes_about_half_the_bits() {
        let mut lab = HashLab::default();
        lab.set_input("Hello, ChainLab?".into());
        let changed = lab.changed_bits();
        assert!((80..=176).contains(&changed), "{changed} bits changed");
        assert_eq!(lab.bits().len(), 256);
        assert_eq!(lab.hex_digits().len(), 64);
    }

    #[test]
    fn setting_the_same_input_keeps_the_comparison() {
        let mut lab = HashLab::default();
        let before = lab.clone();
        lab.set_input(before.input.clone());
        assert_eq!(lab, before);
        assert!(lab.changed_bits() > 0);
    }

    #[test]
    fn unchanged_hash_marks_nothing() {
        let lab = HashLab {
            input: "same".into(),
            previous: "same".into(),
        };
        assert_eq!(lab.changed_bits(), 0);
        assert!(lab.hex_digits().iter().all(|d| !d.changed));
    }
}
