//! Simulated events per second of a 100-node, 1,000-block proof-of-work
//! world at lesson difficulty (`sandbox_chain::world::bench`). Run by
//! `cargo xtask bench` (or `cargo bench -p sandbox-chain --bench world`);
//! prints `BENCH <name> <number>` lines. The browser runs the same function
//! in a Web Worker (the `world` benchmark of the web app's bench page), and
//! `cargo xtask bench` writes the ratio of the two.

use std::time::Instant;

use sandbox_chain::world::bench::bench_pow_world;

fn main() {
    let t0 = Instant::now();
    let mut clock = || t0.elapsed().as_secs_f64() * 1000.0;
    let r = bench_pow_world(100, 1_000, 8, 1, &mut clock);
    assert!(
        r.blocks >= 1_000,
        "the benchmark world must reach 1,000 blocks"
    );
    println!("BENCH world_events {}", r.events);
    println!("BENCH world_messages {}", r.messages);
    println!("BENCH world_events_per_s {:.1}", r.events_per_sec);
}
