//! What a student does in a lesson: a world [`Action`] (send, mine,
//! partition, ...) or a tool action that computes without changing the
//! world (hash some text, sign or verify a message). Both are recorded in
//! the lesson's action log and in the exported transcript, so objectives
//! such as "you showed the avalanche effect" can be re-checked by the
//! grader.
//!
//! In files both look the same: `{ action = "mine", node = 0 }`,
//! `{ action = "hash", input = "hello" }`.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sandbox_chain::hash::{Hash256, sha256};
use sandbox_chain::keys::{Keypair, PublicKey};
use sandbox_chain::world::Action;
use serde::{Deserialize, Serialize};

/// The longest text a tool action takes, in bytes.
pub const MAX_TOOL_INPUT: usize = 4096;

/// The domain tag of lesson messages: a signature over a lesson message can
/// never be passed off as a signature over a transfer (whose tag is
/// `chainlab:transfer:v1`), and the other way round.
pub const MESSAGE_TAG: &str = "chainlab:lesson-message:v1";

/// A computation the views offer that changes nothing in the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToolAction {
    /// SHA-256 of the UTF-8 text (exactly what `sha256sum` prints).
    Hash {
        /// The text.
        input: String,
    },
    /// Sign a message with a key the student's node's wallet holds.
    Sign {
        /// The key's name.
        key: String,
        /// The message.
        message: String,
    },
    /// Check a signature over a message against a key (anyone may verify).
    Verify {
        /// A key name, or a public key in hex.
        key: String,
        /// The message.
        message: String,
        /// The signature, 128 hex digits.
        signature: String,
    },
}

/// The names of the tool actions.
pub const TOOL_ACTIONS: &[&str] = &["hash", "sign", "verify"];

/// One thing a student does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum LessonAction {
    /// A computation (see [`ToolAction`]).
    Tool(ToolAction),
    /// A change to the world.
    World(Action),
}

impl<'de> Deserialize<'de> for LessonAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let tag = value
            .get("action")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                D::Error::custom(
                    "an action needs an `action` key naming what to do, e.g. `action = \"mine\"`",
                )
            })?;
        if TOOL_ACTIONS.contains(&tag.as_str()) {
            ToolAction::deserialize(value)
                .map(LessonAction::Tool)
                .map_err(|e| D::Error::custom(format!("action `{tag}`: {e}")))
        } else {
            Action::deserialize(value)
                .map(LessonAction::World)
                .map_err(|e| {
                    let e = e.to_string();
                    if e.contains("unknown variant") {
                        D::Error::custom(format!(
                            "{e}, or a tool action: {}",
                            TOOL_ACTIONS.join(", ")
                        ))
                    } else {
                        D::Error::custom(format!("action `{tag}`: {e}"))
                    }
                })
        }
    }
}

impl LessonAction {
    /// The action's name (`mine`, `hash`, ...).
    pub fn name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(v) => v
                .get("action")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned(),
            Err(_) => String::new(),
        }
    }
}

/// What a tool action computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToolOutput {
    /// A digest.
    Hash {
        /// The SHA-256 digest.
        digest: Hash256Hex,
        /// Its leading zero bits.
        zero_bits: u32,
    },
    /// A signature.
    Signature {
        /// 128 hex digits.
        signature: String,
    },
    /// The result of a check.
    Verified {
        /// Whether the signature is valid for that key and message.
        valid: bool,
    },
}

/// A SHA-256 digest, shown in hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hash256Hex(#[serde(with = "hex_32")] pub [u8; 32]);

mod hex_32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(b: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

/// Why a tool action was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The text is too long.
    #[error("the text has {len} bytes; the tools take at most {max}")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Signing needs the key in the wallet.
    #[error("your node's wallet holds no key named \"{0}\" (create it first)")]
    KeyNotInWallet(String),
    /// The key is neither a name nor a public key.
    #[error("\"{0}\" is neither a key name nor a public key (64 hex digits)")]
    BadKey(String),
    /// The signature is not 64 bytes of hex.
    #[error("a signature is 128 hex digits: {0}")]
    BadSignature(String),
}

/// The bytes a lesson message signature covers: `tag || 0x00 || message`.
pub fn message_bytes(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        MESSAGE_TAG
            .len()
            .saturating_add(1)
            .saturating_add(message.len()),
    );
    out.extend_from_slice(MESSAGE_TAG.as_bytes());
    out.push(0);
    out.extend_from_slice(message.as_bytes());
    out
}

/// Signs a lesson message with the key named `name`.
pub fn sign_message(name: &str, message: &str) -> String {
    let key = SigningKey::from_bytes(&Keypair::from_name(name).seed());
    hex::encode(key.sign(&message_bytes(message)).to_bytes())
}

fn resolve_key(key: &str) -> Result<PublicKey, ToolError> {
    if key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit()) {
        return PublicKey::from_hex(key).map_err(|_| ToolError::BadKey(key.to_owned()));
    }
    if key.is_empty() || key.len() > 64 {
        return Err(ToolError::BadKey(key.to_owned()));
    }
    Ok(Keypair::from_name(key).public())
}

fn check_len(s: &str) -> Result<(), ToolError> {
    if s.len() > MAX_TOOL_INPUT {
        return Err(ToolError::TooLong {
            len: s.len(),
            max: MAX_TOOL_INPUT,
        });
    }
    Ok(())
}

/// The SHA-256 of a text, as the hash view shows it.
pub fn hash_text(input: &str) -> Hash256 {
    sha256(input.as_bytes())
}

impl ToolAction {
    /// Runs the tool. `wallet_has` says whether the student's wallet holds
    /// a key name.
    pub fn run(&self, wallet_has: impl Fn(&str) -> bool) -> Result<ToolOutput, ToolError> {
        match self {
            ToolAction::Hash { input } => {
                check_len(input)?;
                let h = hash_text(input);
                Ok(ToolOutput::Hash {
                    digest: Hash256Hex(*h.as_bytes()),
                    zero_bits: h.leading_zero_bits(),
                })
            }
            ToolAction::Sign { key, message } => {
                check_len(message)?;
                if !wallet_has(key) {
                    return Err(ToolError::KeyNotInWallet(key.clone()));
                }
                Ok(ToolOutput::Signature {
                    signature: sign_message(key, message),
                })
            }
            ToolAction::Verify {
                key,
                message,
                signature,
            } => {
                check_len(message)?;
                let public = resolve_key(key)?;
                let mut sig = [0u8; 64];
                hex::decode_to_slice(signature, &mut sig)
                    .map_err(|e| ToolError::BadSignature(e.to_string()))?;
                let valid = VerifyingKey::from_bytes(public.as_bytes())
                    .map(|vk| {
                        vk.verify_strict(
                            &message_bytes(message),
                            &ed25519_dalek::Signature::from_bytes(&sig),
                        )
                        .is_ok()
                    })
                    .unwrap_or(false);
                Ok(ToolOutput::Verified { valid })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_plain_sha256() {
        // sha256("abc"), FIPS 180-2 appendix B.1.
        let out = ToolAction::Hash {
            input: "abc".into(),
        }
        .run(|_| false)
        .unwrap();
        let ToolOutput::Hash { digest, .. } = out else {
            panic!("not a hash")
        };
        assert_eq!(
            hex::encode(digest.0),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_changed_message_fails_verification() {
        let sig = sign_message("alice", "pay bob 5");
        let ok = |message: &str| {
            ToolAction::Verify {
                key: "alice".into(),
                message: message.into(),
                signature: sig.clone(),
            }
            .run(|_| true)
            .unwrap()
        };
        assert_eq!(ok("pay bob 5"), ToolOutput::Verified { valid: true });
        assert_eq!(ok("pay bob 50"), ToolOutput::Verified { valid: false });
    }

    #[test]
    fn actions_parse_from_toml_and_json_alike() {
        let t: LessonAction = toml::from_str("action = \"mine\"\nnode = 0").unwrap();
        let j: LessonAction = serde_json::from_str(r#"{"action":"mine","node":0}"#).unwrap();
        assert_eq!(t, j);
        let h: LessonAction = toml::from_str("action = \"hash\"\ninput = \"x\"").unwrap();
        assert!(matches!(h, LessonAction::Tool(ToolAction::Hash { .. })));
        let e = toml::from_str::<LessonAction>("action = \"mien\"").unwrap_err();
        assert!(e.to_string().contains("hash, sign, verify"), "{e}");
    }
}
