//! The world: many nodes, a simulated network, proof of work, transcripts.

use sandbox_chain::world::{Action, Until, World, WorldConfig};

#[test]
fn pow_nodes_mine_and_converge() {
    let mut w = World::new(WorldConfig::pow(5, 8, 5), 7).unwrap();
    let out = w
        .apply(Action::RunUntil {
            until: Until::Height { height: 10 },
            max_events: 1_000_000,
        })
        .unwrap();
    assert_eq!(out.reached, Some(true));
    w.apply(Action::RunUntil {
        until: Until::Idle,
        max_events: 1_000_000,
    })
    .unwrap();
    eprintln!("t={} stats={:?}", w.now_ms(), w.stats());
    assert!(w.tips_agree());
}
