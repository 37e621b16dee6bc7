// The 51%-attack chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::keys::Keypair;
use sandbox_chain::world::scenario::scenario_transcript;
use sandbox_chain::world::{NodeId, World, WorldEvent};

fn main() {
    // ANCHOR: attack
    // The scenario `double-spend-51`: mallory's rig has 60% of the hash
    // rate. It mines in secret with a payment to her own stash, while her
    // phone pays the shop with the same nonce on the public chain.
    let transcript = scenario_transcript("double-spend-51").unwrap();
    let world = World::replay(&transcript).unwrap();
    let deepest = world
        .events()
        .iter()
        .filter_map(|e| match e.event {
            WorldEvent::Reorg { depth, .. } => Some(depth),
            _ => None,
        })
        .max()
        .unwrap();
    println!("deepest reorg: {deepest} blocks");
    assert!(deepest >= 3);
    // The shop's payment was dropped as a double spend ...
    for e in world.events() {
        if let WorldEvent::TxDropped {
            node: NodeId(0),
            reason,
            ..
        } = &e.event
        {
            println!("the shop's node dropped a payment: {reason}");
        }
    }
    // ... and on the chain everyone follows now, the coins are in the stash.
    let ledger = world.chain(NodeId(0)).unwrap().ledger();
    let shop = Keypair::from_name("shop").address();
    let stash = Keypair::from_name("mallory-stash").address();
    println!(
        "stash: {}, shop: {}",
        ledger.balance(&stash),
        ledger.balance(&shop)
    );
    assert_eq!(ledger.balance(&stash).get(), 90);
    // ANCHOR_END: attack

    // ANCHOR: catch_up
    // Nakamoto's estimate: an attacker with a share q of the hash rate,
    // z blocks behind, ever catches up with probability (q / p)^z when
    // q < p = 1 - q, and surely when q >= p. Confirmations help only
    // against a minority.
    let catch_up = |q: f64, z: i32| {
        if q >= 0.5 {
            1.0
        } else {
            (q / (1.0 - q)).powi(z)
        }
    };
    for q in [0.1, 0.3, 0.45, 0.6] {
        let row: Vec<String> = [1, 3, 6]
            .iter()
            .map(|z| format!("z={z}: {:.4}", catch_up(q, *z)))
            .collect();
        println!("q = {q}: {}", row.join(", "));
    }
    assert!(catch_up(0.1, 6) < 0.000_002);
    assert_eq!(catch_up(0.6, 6), 1.0);
    // ANCHOR_END: catch_up
}
