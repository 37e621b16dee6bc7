//! Smart contracts: a small language students read in one sitting, a
//! gas-metered interpreter, and the deploy and call transactions.
//!
//! - [`syntax`]: the language, parsed into a checked [`Program`]; errors
//!   carry a line and column ([`SyntaxError`]).
//! - [`vm`]: runs a function with a gas limit; returns the effects it would
//!   have or the [`Fault`] (with its line) that stopped it. Pure: never
//!   touches the ledger, never panics, never uses more gas than given.
//! - [`tx`]: [`Deploy`] and [`Call`], their canonical encodings and
//!   signatures.
//! - [`exec`]: applies a signed deploy or call to a [`Ledger`](crate::ledger::Ledger),
//!   validating first; a failed run reverts everything but the nonce and
//!   the fee for the gas used.
//! - [`examples`]: the standard contracts shipped with the course.

pub mod examples;
pub mod exec;
pub mod syntax;
pub mod tx;
pub mod value;
pub mod vm;

use serde::{Deserialize, Serialize};

pub use exec::{Receipt, apply_call, apply_deploy};
pub use syntax::{Program, SyntaxError};
pub use tx::{Call, ContractTxError, Deploy, Signed};
pub use value::Value;
pub use vm::{Event, Fault, FaultKind, Storage, StorageKey};

use crate::encode::{Encode, put_len};
use crate::hash::{Domain, Hash256, tagged_hash};
use crate::keys::{ADDRESS_LEN, Address};

/// A deployed contract as the ledger holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Who deployed it.
    pub deployer: Address,
    /// Its source, exactly as deployed.
    pub source: String,
    /// `tagged_hash("chainlab:contract-code:v1", source)`.
    pub code_hash: Hash256,
    /// Its stored data.
    #[serde(with = "storage_entries")]
    pub storage: Storage,
}

impl Contract {
    /// A freshly deployed contract with empty storage.
    pub fn new(deployer: Address, source: String) -> Self {
        Contract {
            deployer,
            code_hash: code_hash(&source),
            source,
            storage: Storage::new(),
        }
    }
}

impl Encode for Contract {
    /// As hashed into the state root: `code_hash 32 | u32 entry count |
    /// (StorageKey | Value)*` in key order. The source is covered by its hash.
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.code_hash.encode_to(out);
        put_len(out, self.storage.len());
        for (k, v) in &self.storage {
            k.encode_to(out);
            v.encode_to(out);
        }
    }
}

/// `tagged_hash("chainlab:contract-code:v1", source)`.
pub fn code_hash(source: &str) -> Hash256 {
    tagged_hash(Domain::ContractCode, source.as_bytes())
}

/// The address of the contract `deployer` creates with its nonce `nonce`:
/// the first 20 bytes of `tagged_hash("chainlab:contract-address:v1",
/// deployer 20 | nonce u64 BE)`. No key has it, so nobody can sign for it.
pub fn contract_address(deployer: &Address, nonce: u64) -> Address {
    let mut data = Vec::with_capacity(ADDRESS_LEN.saturating_add(8));
    deployer.encode_to(&mut data);
    nonce.encode_to(&mut data);
    let h = tagged_hash(Domain::ContractAddress, &data);
    let mut a = [0u8; ADDRESS_LEN];
    a.copy_from_slice(h.as_bytes().get(..ADDRESS_LEN).unwrap_or(&[0; ADDRESS_LEN]));
    Address::from_bytes(a)
}

/// Serde for [`Storage`] as a list of `{key, value}` (JSON maps need
/// string keys).
mod storage_entries {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Storage, StorageKey, Value};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        key: StorageKey,
        value: Value,
    }

    pub(super) fn serialize<S: Serializer>(s: &Storage, ser: S) -> Result<S::Ok, S::Error> {
        let entries: Vec<Entry> = s
            .iter()
            .map(|(k, v)| Entry {
                key: k.clone(),
                value: v.clone(),
            })
            .collect();
        entries.serialize(ser)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Storage, D::Error> {
        let entries = Vec::<Entry>::deserialize(d)?;
        Ok(entries.into_iter().map(|e| (e.key, e.value)).collect())
    }
}

#[cfg(test)]
mod tests;
