// The network chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::world::{Action, NodeId, Until, World, WorldConfig};

fn main() {
    // ANCHOR: world
    // Four nodes, 8 bits of difficulty, each doing 5 hashes per simulated
    // second; seed 7 decides every random choice, so this run is always
    // the same, natively and in the browser.
    let mut world = World::new(WorldConfig::pow(4, 8, 5), 7).unwrap();
    let outcome = world
        .apply(Action::RunUntil {
            until: Until::Height { height: 3 },
            max_events: 1_000_000,
        })
        .unwrap();
    assert_eq!(outcome.reached, Some(true));
    // ANCHOR_END: world

    // ANCHOR: views
    // What a UI draws: the messages on the wire, and each node's view.
    for m in world.messages_in_flight().iter().take(3) {
        println!(
            "{} -> {}: {} (departs {} ms, arrives {} ms)",
            m.from, m.to, m.kind, m.departs_ms, m.arrives_ms
        );
    }
    for node in world.node_ids() {
        let view = world.node_view(node).unwrap();
        println!(
            "{} sees height {} tip {}",
            view.name,
            view.height,
            view.tip.short()
        );
    }
    // ANCHOR_END: views

    // ANCHOR: partition
    // Cut the network in two and let both halves mine for a minute.
    world
        .apply(Action::Partition {
            groups: vec![vec![NodeId(0), NodeId(1)], vec![NodeId(2), NodeId(3)]],
        })
        .unwrap();
    world.apply(Action::AdvanceTime { ms: 60_000 }).unwrap();
    println!("tips agree during the split? {}", world.tips_agree());
    // Heal it: blocks flow again and every node settles on the most work.
    world.apply(Action::Heal).unwrap();
    world
        .apply(Action::SetMiningPower {
            node: NodeId(0),
            hashes_per_sec: 0,
        })
        .unwrap();
    for n in 1..4 {
        world
            .apply(Action::SetMiningPower {
                node: NodeId(n),
                hashes_per_sec: 0,
            })
            .unwrap();
    }
    let outcome = world
        .apply(Action::RunUntil {
            until: Until::Converged,
            max_events: 1_000_000,
        })
        .unwrap();
    assert_eq!(outcome.reached, Some(true));
    assert!(world.tips_agree());
    // ANCHOR_END: partition

    // ANCHOR: transcript
    // The whole run is a seed plus the actions: replaying them rebuilds the
    // same world, and one digest over every node's state proves it.
    let transcript = world.transcript();
    let again = World::replay(&transcript).unwrap();
    assert_eq!(again.digest(), world.digest());
    println!(
        "{} actions, digest {}",
        transcript.actions.len(),
        world.digest().to_hex()
    );
    // ANCHOR_END: transcript
}
