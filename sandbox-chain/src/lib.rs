//! sandbox-chain: a small, complete, deterministic blockchain for teaching.
