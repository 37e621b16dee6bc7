//! sandbox-chain: a small, complete, deterministic blockchain for teaching.
//!
//! Functional core: no I/O, no wall clock, no OS randomness. Time and seeds are
//! passed in, so every run is reproducible natively and in wasm32.
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

pub mod amount;
pub mod encode;
pub mod hash;
pub mod keys;
pub mod ledger;
pub mod mempool;
pub mod tx;

/// The largest JSON document any import accepts, in bytes.
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;

/// Why a JSON document could not be imported. Nothing read from outside is
/// trusted: it is parsed with limits, then checked like any other input.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The document is larger than [`MAX_JSON_BYTES`].
    #[error("the JSON document has {len} bytes, more than the limit of {max}")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The JSON is malformed, or a field is missing or of the wrong type.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde expected.
        message: String,
    },
    /// A transaction in it is invalid.
    #[error("invalid transaction: {0}")]
    Tx(#[from] tx::TxError),
}

/// Parses JSON with a size bound (serde_json also bounds nesting at 128).
pub(crate) fn from_json_bounded<T: serde::de::DeserializeOwned>(
    json: &str,
) -> Result<T, ImportError> {
    if json.len() > MAX_JSON_BYTES {
        return Err(ImportError::TooLarge {
            len: json.len(),
            max: MAX_JSON_BYTES,
        });
    }
    serde_json::from_str(json).map_err(|e| ImportError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}
