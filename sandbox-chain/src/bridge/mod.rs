//! Connected chains: light clients, relaying, a lock-and-mint bridge and
//! atomic swaps between independent chains ("blockchain islands").
//!
//! Everything here is a pure state machine, testable without a world:
//! - [`light`]: [`LightClient`], chain B's copy of chain A's headers. It
//!   checks every header itself (link, height, proof of work, the target
//!   rule), follows the most work, and verifies that a transaction is in a
//!   block at a given confirmation depth from a Merkle proof. It trusts
//!   nobody: a relayer can delay or withhold headers, never forge them.
//! - [`relay`]: what a relayer carries: the headers B lacks, and proofs.
//! - [`mint`]: [`MintBridge`], the lock-and-mint bridge on chain B: a
//!   transfer to the vault on A, proven at depth, mints wrapped coins on B,
//!   once.
//! - [`swap`]: the hash time-locked contract as a state machine, and an
//!   atomic swap between two chains.

pub mod light;
pub mod mint;
pub mod relay;
pub mod swap;

pub use light::{LightClient, LightError};
pub use mint::{BridgeError, LockProof, MintBridge};
