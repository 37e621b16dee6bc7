//! The one canonical byte encoding of everything that is hashed or signed.
//!
//! Rules (specified in full in `docs/encoding.md`):
//! - unsigned integers are fixed width, big-endian (`u8`, `u32`, `u64`);
//! - fixed-size values (hashes, keys, signatures, addresses) are their raw bytes;
//! - a variable-length byte string or list is a `u32` big-endian count followed
//!   by its items;
//! - a choice between kinds (e.g. coinbase or transfer) starts with a `u8` tag;
//! - decoding must consume every byte: trailing bytes are an error.
//!
//! JSON (serde) is only for the edges: files, the browser, reports.

/// A value with a canonical byte encoding.
pub trait Encode {
    /// Appends the canonical bytes of `self` to `out`.
    fn encode_to(&self, out: &mut Vec<u8>);

    /// The canonical bytes of `self`.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_to(&mut out);
        out
    }
}

/// A value that can be read back from its canonical encoding.
pub trait Decode: Sized {
    /// Reads one value from `r`, leaving the reader after it.
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Reads one value that must span all of `bytes`.
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let v = Self::decode_from(&mut r)?;
        r.finish()?;
        Ok(v)
    }
}

/// Why some bytes are not a canonical encoding.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended in the middle of a field.
    #[error(
        "the bytes end too early: reading {field} at offset {offset} needs {needed} more bytes, only {left} are left"
    )]
    UnexpectedEnd {
        /// The field being read.
        field: &'static str,
        /// Byte offset where it starts.
        offset: usize,
        /// Bytes it needs.
        needed: usize,
        /// Bytes left.
        left: usize,
    },
    /// Bytes remain after a complete value.
    #[error("{count} unexpected bytes after the end of the value (at offset {offset})")]
    TrailingBytes {
        /// How many bytes remain.
        count: usize,
        /// Where they start.
        offset: usize,
    },
    /// A kind tag that names no known kind.
    #[error("unknown {field} tag {tag} at offset {offset}")]
    UnknownTag {
        /// What the tag chooses between.
        field: &'static str,
        /// The tag byte found.
        tag: u8,
        /// Its offset.
        offset: usize,
    },
    /// A length prefix larger than the field allows.
    #[error("{field} has length {len} at offset {offset}, but at most {max} is allowed")]
    TooLong {
        /// The field.
        field: &'static str,
        /// The length found.
        len: u64,
        /// The maximum.
        max: u64,
        /// Its offset.
        offset: usize,
    },
    /// A field whose bytes are well-formed but whose value is not allowed.
    #[error("{field} at offset {offset} is invalid: {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Its offset.
        offset: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// A cursor over bytes being decoded; every read names its field for errors.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// The current offset.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Reads `n` raw bytes.
    pub fn take(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|end| self.bytes.get(self.pos..end)) {
            Some(slice) => {
                self.pos = self.pos.saturating_add(n);
                Ok(slice)
            }
            None => Err(DecodeError::UnexpectedEnd {
                field,
                offset: self.pos,
                needed: n,
                left: self.remaining(),
            }),
        }
    }

    /// Reads a fixed-size array.
    pub fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(field, N)?);
        Ok(out)
    }

    /// Reads one byte.
    pub fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(u8::from_be_bytes(self.array(field)?))
    }

    /// Reads a big-endian `u32`.
    pub fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    /// Reads a big-endian `u64`.
    pub fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array(field)?))
    }

    /// Reads a `u32` count and checks it against `max` before anything is
    /// allocated (so a forged huge count cannot exhaust memory).
    pub fn count(&mut self, field: &'static str, max: u32) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let n = self.u32(field)?;
        if n > max {
            return Err(DecodeError::TooLong {
                field,
                len: u64::from(n),
                max: u64::from(max),
                offset,
            });
        }
        usize::try_from(n).map_err(|_| DecodeError::TooLong {
            field,
            len: u64::from(n),
            max: u64::from(max),
            offset,
        })
    }

    /// Reads a length-prefixed byte string of at most `max` bytes.
    pub fn bytes(&mut self, field: &'static str, max: u32) -> Result<&'a [u8], DecodeError> {
        let n = self.count(field, max)?;
        self.take(field, n)
    }

    /// Reads a length-prefixed UTF-8 string of at most `max` bytes.
    pub fn string(&mut self, field: &'static str, max: u32) -> Result<String, DecodeError> {
        let offset = self.pos;
        let raw = self.bytes(field, max)?;
        String::from_utf8(raw.to_vec()).map_err(|e| DecodeError::Invalid {
            field,
            offset,
            reason: format!("not UTF-8 text ({e})"),
        })
    }

    /// Reads a length-prefixed list of at most `max` items.
    pub fn list<T: Decode>(
        &mut self,
        field: &'static str,
        max: u32,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.count(field, max)?;
        // Each item takes at least one byte, so `remaining` bounds the
        // allocation even when `max` is generous.
        let mut out = Vec::with_capacity(n.min(self.remaining()));
        for _ in 0..n {
            out.push(T::decode_from(self)?);
        }
        Ok(out)
    }

    /// Fails if any byte is left unread.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes {
                count,
                offset: self.pos,
            }),
        }
    }

    /// An [`DecodeError::Invalid`] error for `field` at the current offset.
    pub fn invalid(&self, field: &'static str, reason: impl Into<String>) -> DecodeError {
        DecodeError::Invalid {
            field,
            offset: self.pos,
            reason: reason.into(),
        }
    }
}

/// Writes a big-endian `u32` length prefix; lengths beyond `u32::MAX` cannot
/// be produced by the chain's own types (they bound every list far lower).
pub fn put_len(out: &mut Vec<u8>, len: usize) {
    let n = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&n.to_be_bytes());
}

/// Writes a length-prefixed byte string.
pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

/// Writes a length-prefixed list.
pub fn put_list<T: Encode>(out: &mut Vec<u8>, items: &[T]) {
    put_len(out, items.len());
    for item in items {
        item.encode_to(out);
    }
}

impl Encode for u8 {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
}

impl Encode for u32 {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
}

impl Encode for u64 {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
}

impl<const N: usize> Encode for [u8; N] {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

macro_rules! encode_hash_kind {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode_to(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.as_bytes());
            }
        }
        impl Decode for $t {
            fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok(<$t>::from_bytes(r.array(stringify!($t))?))
            }
        }
    )*};
}
encode_hash_kind!(
    crate::hash::Hash256,
    crate::hash::BlockHash,
    crate::hash::TxId,
    crate::hash::MerkleRoot,
    crate::hash::StateRoot
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_big_endian() {
        assert_eq!(0x0102_0304u32.encode(), vec![1, 2, 3, 4]);
        assert_eq!(12u64.encode(), vec![0, 0, 0, 0, 0, 0, 0, 12]);
    }

    #[test]
    fn reader_errors_name_the_field() {
        let mut r = Reader::new(&[0, 0, 0, 9, 1]);
        let e = r.bytes("memo", 4).unwrap_err();
        assert_eq!(
            e,
            DecodeError::TooLong {
                field: "memo",
                len: 9,
                max: 4,
                offset: 0
            }
        );
        let mut r = Reader::new(&[0, 0, 0, 3, 1]);
        let e = r.bytes("memo", 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the bytes end too early: reading memo at offset 4 needs 3 more bytes, only 1 are left"
        );
    }

    #[test]
    fn decode_rejects_trailing_bytes() {
        struct One(u8);
        impl Decode for One {
            fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                r.u8("one").map(One)
            }
        }
        assert_eq!(One::decode(&[7]).map(|o| o.0), Ok(7));
        assert_eq!(
            One::decode(&[7, 8]).err(),
            Some(DecodeError::TrailingBytes {
                count: 1,
                offset: 1
            })
        );
    }

    #[test]
    fn huge_counts_do_not_allocate() {
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff]);
        assert!(r.list::<crate::hash::TxId>("txs", u32::MAX).is_err());
    }
}
