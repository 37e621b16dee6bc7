//! The world benchmark: simulated events per second for a proof-of-work
//! run. A plain function, so the native bench binary and a wasm32 test call
//! the same code; the caller passes its own clock in.

use serde::Serialize;

/// What one benchmark run measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchResult {
    /// Nodes in the world.
    pub nodes: u32,
    /// Blocks on the first node's chain at the end.
    pub blocks: u64,
    /// Events processed.
    pub events: u64,
    /// Messages sent.
    pub messages: u64,
    /// Blocks produced (all branches).
    pub produced: u64,
    /// Wall-clock milliseconds, as measured by the caller's clock.
    pub elapsed_ms: f64,
    /// Events per wall-clock second.
    pub events_per_sec: f64,
}
