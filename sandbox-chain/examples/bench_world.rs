//! Simulated events per second of a 100-node, 1,000-block proof-of-work
//! world at lesson difficulty. Prints `name value` lines for `cargo xtask
//! bench`. Arguments (optional): nodes blocks bits seed.

use std::time::Instant;

use sandbox_chain::world::bench::bench_pow_world;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let nodes = args.first().copied().unwrap_or(100) as u32;
    let blocks = args.get(1).copied().unwrap_or(1_000);
    let bits = args.get(2).copied().unwrap_or(8) as u32;
    let seed = args.get(3).copied().unwrap_or(1);
    let t0 = Instant::now();
    let mut clock = || t0.elapsed().as_secs_f64() * 1000.0;
    let r = bench_pow_world(nodes, blocks, bits, seed, &mut clock);
    println!("world_nodes {}", r.nodes);
    println!("world_blocks {}", r.blocks);
    println!("world_blocks_produced {}", r.produced);
    println!("world_events {}", r.events);
    println!("world_messages {}", r.messages);
    println!("world_elapsed_ms {:.1}", r.elapsed_ms);
    println!("world_events_per_sec {:.0}", r.events_per_sec);
}
