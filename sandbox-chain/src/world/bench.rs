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

use super::net::{LinkConfig, NetworkConfig, Topology};
use super::{NodeId, World, WorldConfig};

/// The benchmark's world: `nodes` proof-of-work nodes at lesson difficulty
/// (`bits`), one hash per second each, on a random topology of degree 8
/// with 50 ms ± 20 ms links.
pub fn bench_config(nodes: u32, bits: u32) -> WorldConfig {
    let mut config = WorldConfig::pow(nodes, bits, 1);
    config.network = NetworkConfig {
        link: LinkConfig {
            latency_ms: 50,
            jitter_ms: 20,
            loss_permille: 0,
        },
        topology: Topology::Random { degree: 8 },
    };
    config
}

/// Runs a proof-of-work world of `nodes` nodes until node 0's chain has
/// `blocks` blocks, and reports events per second. `now_ms` is the caller's
/// wall clock in milliseconds (`Instant` natively, `performance.now()` in a
/// browser); the world itself never reads a clock.
pub fn bench_pow_world(
    nodes: u32,
    blocks: u64,
    bits: u32,
    seed: u64,
    now_ms: &mut dyn FnMut() -> f64,
) -> BenchResult {
    let start = now_ms();
    let mut world = match World::new(bench_config(nodes, bits), seed) {
        Ok(w) => w,
        Err(_) => {
            return BenchResult {
                nodes,
                blocks: 0,
                events: 0,
                messages: 0,
                produced: 0,
                elapsed_ms: 0.0,
                events_per_sec: 0.0,
            };
        }
    };
    world.run_until_with(u64::MAX, |w| {
        w.chain(NodeId(0)).is_some_and(|c| c.height() >= blocks)
    });
    let elapsed_ms = now_ms() - start;
    let stats = world.stats();
    BenchResult {
        nodes,
        blocks: world.chain(NodeId(0)).map_or(0, |c| c.height()),
        events: stats.events,
        messages: stats.messages_sent,
        produced: stats.blocks_produced,
        elapsed_ms,
        events_per_sec: if elapsed_ms > 0.0 {
            stats.events as f64 * 1000.0 / elapsed_ms
        } else {
            0.0
        },
    }
}
