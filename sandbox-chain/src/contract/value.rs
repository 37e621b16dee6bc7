//! Values a contract computes with, stores and emits.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::encode::{Decode, DecodeError, Encode, Reader, put_bytes};
use crate::keys::Address;

/// The longest byte string (or text) a value may hold.
pub const MAX_VALUE_BYTES: u32 = 1024;

/// Kind tags of [`Value`] in the canonical encoding.
const TAG_INT: u8 = 0;
const TAG_BOOL: u8 = 1;
const TAG_ADDRESS: u8 = 2;
const TAG_BYTES: u8 = 3;

/// A contract value: a whole number, a truth value, an address or bytes
/// (text and hashes are bytes).
///
/// Canonical encoding: a kind byte, then `0` int: u64 BE | `1` bool: one
/// byte 0 or 1 | `2` address: 20 bytes | `3` bytes: u32 BE length, bytes.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Value {
    /// A whole number from 0 to 2^64 - 1 (contracts have no negative numbers).
    Int(u64),
    /// `true` or `false`.
    Bool(bool),
    /// An account or contract address.
    Address(Address),
    /// Bytes: text such as `"hello"` or a hash such as `0xab12…`.
    Bytes(#[serde(with = "hex_bytes")] Vec<u8>),
}

impl Value {
    /// What kind of value this is, for error messages ("a number", …).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Int(_) => "a number",
            Value::Bool(_) => "true/false",
            Value::Address(_) => "an address",
            Value::Bytes(_) => "bytes",
        }
    }

    /// A text value.
    pub fn text(s: &str) -> Value {
        Value::Bytes(s.as_bytes().to_vec())
    }

    /// The number inside, if it is one.
    pub fn as_int(&self) -> Option<u64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether a value is "set": unset storage reads as `0`, which is the
    /// only falsy number; `false` and empty bytes are falsy too.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Int(n) => *n != 0,
            Value::Bool(b) => *b,
            Value::Address(_) => true,
            Value::Bytes(b) => !b.is_empty(),
        }
    }
}

impl fmt::Display for Value {
    /// As a contract writes it: `42`, `true`, `0x…` for addresses and for
    /// bytes that are not printable text, `"text"` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Address(a) => write!(f, "@{a}"),
            Value::Bytes(b) => match std::str::from_utf8(b) {
                Ok(s) if s.chars().all(|c| !c.is_control()) => write!(f, "{s:?}"),
                _ => write!(f, "0x{}", hex::encode(b)),
            },
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Encode for Value {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            Value::Int(n) => {
                out.push(TAG_INT);
                n.encode_to(out);
            }
            Value::Bool(b) => {
                out.push(TAG_BOOL);
                out.push(u8::from(*b));
            }
            Value::Address(a) => {
                out.push(TAG_ADDRESS);
                a.encode_to(out);
            }
            Value::Bytes(b) => {
                out.push(TAG_BYTES);
                put_bytes(out, b);
            }
        }
    }
}

impl Decode for Value {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        match r.u8("value kind")? {
            TAG_INT => r.u64("int value").map(Value::Int),
            TAG_BOOL => match r.u8("bool value")? {
                0 => Ok(Value::Bool(false)),
                1 => Ok(Value::Bool(true)),
                _ => Err(r.invalid("bool value", "a bool must be the byte 0 or 1")),
            },
            TAG_ADDRESS => Address::decode_from(r).map(Value::Address),
            TAG_BYTES => Ok(Value::Bytes(
                r.bytes("bytes value", MAX_VALUE_BYTES)?.to_vec(),
            )),
            tag => Err(DecodeError::UnknownTag {
                field: "value kind",
                tag,
                offset,
            }),
        }
    }
}

/// Serde for bytes as a lower-case hex string.
pub(crate) mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        crate::hash::parse_hex_bytes(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keypair;

    #[test]
    fn encoding_round_trips() {
        for v in [
            Value::Int(0x0102),
            Value::Bool(true),
            Value::Address(Keypair::from_name("alice").address()),
            Value::text("hi"),
        ] {
            assert_eq!(Value::decode(&v.encode()), Ok(v.clone()));
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), v);
        }
        assert_eq!(Value::Int(258).encode(), [0, 0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(Value::text("hi").encode(), [3, 0, 0, 0, 2, b'h', b'i']);
        assert!(Value::decode(&[1, 2]).is_err());
    }

    #[test]
    fn display_reads_like_source() {
        assert_eq!(Value::text("hi").to_string(), "\"hi\"");
        assert_eq!(Value::Bytes(vec![0, 0xff]).to_string(), "0x00ff");
        assert_eq!(Value::Int(7).to_string(), "7");
    }
}
