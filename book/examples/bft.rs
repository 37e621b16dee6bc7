// The BFT chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::block::Seal;
use sandbox_chain::consensus::ValidatorSet;
use sandbox_chain::keys::Keypair;
use sandbox_chain::world::{Action, Behaviour, NodeId, World, WorldConfig, WorldEvent};

fn height(world: &World, node: u32) -> u64 {
    world.chain(NodeId(node)).unwrap().height()
}

fn advance(world: &mut World, ms: u64) {
    world.apply(Action::AdvanceTime { ms }).unwrap();
}

fn main() {
    // ANCHOR: quorum
    for n in [4, 7, 10] {
        let keys = (0..n)
            .map(|i| Keypair::from_name(&format!("val-{i}")).public())
            .collect();
        let set = ValidatorSet::new(keys);
        let (f, q) = (set.max_faulty(), set.quorum());
        // Two quorums overlap in at least 2q - n validators: more than f,
        // so at least one honest validator is in both.
        println!(
            "n = {n}: tolerates f = {f}, a quorum is {q}, two quorums share {}",
            2 * q - n
        );
        assert!(2 * q - n > f);
    }
    // ANCHOR_END: quorum

    // ANCHOR: decide
    // Four validators (f = 1), one block a second.
    let mut world = World::new(WorldConfig::bft(4), 7).unwrap();
    advance(&mut world, 10_000);
    let chain = world.chain(NodeId(0)).unwrap();
    println!("after 10 s: height {}", chain.height());
    assert!(chain.height() >= 5);
    // Every block carries its commit certificate: 3 precommits or more.
    let tip = chain.tip_block();
    let Seal::Commit(certificate) = &tip.seal else {
        unreachable!("a BFT block is sealed by a commit certificate")
    };
    println!(
        "block {} was decided in round {} by {} precommits",
        tip.height(),
        certificate.round,
        certificate.precommits.len()
    );
    assert!(certificate.precommits.len() >= 3);
    // ANCHOR_END: decide

    // ANCHOR: halt
    // Two validators go silent: f + 1 = 2 faults. The two left cannot
    // gather the 3 votes a decision needs.
    for node in [2, 3] {
        world
            .apply(Action::SetBehaviour {
                node: NodeId(node),
                behaviour: Behaviour::Silent,
            })
            .unwrap();
    }
    advance(&mut world, 2_000); // a decision already under way may finish
    let stopped = height(&world, 0);
    advance(&mut world, 30_000);
    assert_eq!(height(&world, 0), stopped);
    assert_eq!(height(&world, 1), stopped);
    // The chain stopped; it did not fork: no node ever reorganised.
    let reorgs = world
        .events()
        .iter()
        .filter(|e| matches!(e.event, WorldEvent::Reorg { .. }))
        .count();
    assert_eq!(reorgs, 0);
    println!("halted at height {stopped} for 30 s, {reorgs} reorgs");
    // ANCHOR_END: halt

    // ANCHOR: resume
    // One comes back: three validators, a quorum again.
    world
        .apply(Action::SetBehaviour {
            node: NodeId(3),
            behaviour: Behaviour::Honest,
        })
        .unwrap();
    advance(&mut world, 30_000);
    println!("30 s later: height {}", height(&world, 0));
    assert!(height(&world, 0) > stopped);
    // ANCHOR_END: resume
}
