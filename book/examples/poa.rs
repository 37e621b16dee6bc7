// The proof-of-authority chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::block::Block;
use sandbox_chain::chain::{Chain, ChainParams};
use sandbox_chain::consensus::Consensus;
use sandbox_chain::keys::Keypair;
use sandbox_chain::world::{World, WorldEvent};

/// The next block on `chain`'s tip at `time_ms`, sealed by `who`.
fn sealed(chain: &Chain, who: &str, time_ms: u64) -> Block {
    let key = Keypair::from_name(who);
    let mut block = chain.block_template(key.address(), vec![], time_ms);
    block.seal_as_authority(&key);
    block
}

fn main() {
    // ANCHOR: params
    // Three authorities, known by their public keys from genesis on, and a
    // period of one second between blocks. No proof of work at all.
    let authorities = ["auth-0", "auth-1", "auth-2"]
        .iter()
        .map(|name| Keypair::from_name(name).public())
        .collect();
    let mut params = ChainParams::lesson(0, vec![]).with_consensus(Consensus::Authority {
        validators: authorities,
    });
    params.target_block_time_ms = 1_000;
    let mut chain = Chain::new(params);
    // ANCHOR_END: params

    // ANCHOR: turns
    // Height 1 is auth-1's turn (1 mod 3): it may seal one period after
    // genesis.
    let b1 = sealed(&chain, "auth-1", 1_000);
    chain.insert(b1.clone()).unwrap();
    // Height 2 is auth-2's turn. A key that is no authority is refused...
    let refused = chain.insert(sealed(&chain, "mallory", 2_000)).unwrap_err();
    println!("mallory: {refused}");
    // ... another authority may stand in, but only after two periods ...
    let refused = chain.insert(sealed(&chain, "auth-0", 2_000)).unwrap_err();
    println!("auth-0 at 2000 ms: {refused}");
    // ... and auth-1, which sealed block 1, may not seal block 2 as well.
    let refused = chain.insert(sealed(&chain, "auth-1", 3_000)).unwrap_err();
    println!("auth-1 again: {refused}");
    // ANCHOR_END: turns

    // ANCHOR: weight
    // auth-2 seals its block late, while auth-0 stands in for it: two
    // blocks at height 2, a fork.
    let in_turn = sealed(&chain, "auth-2", 3_500);
    let stand_in = sealed(&chain, "auth-0", 3_000);
    chain.insert(stand_in.clone()).unwrap();
    assert_eq!(chain.tip(), stand_in.hash());
    // The in-turn block weighs 2, the stand-in 1: nodes switch to it.
    let report = chain.insert(in_turn.clone()).unwrap();
    assert!(report.tip_change.unwrap().is_reorg());
    assert_eq!(chain.tip(), in_turn.hash());
    assert_eq!(chain.cumulative_work(&stand_in.hash()), Some(2 + 1));
    assert_eq!(chain.cumulative_work(&in_turn.hash()), Some(2 + 2));
    // ANCHOR_END: weight

    // ANCHOR: rotation
    // The scenario `poa-rotation`: four authorities, then one goes offline
    // and the others seal its turns out of turn.
    let world = World::scenario("poa-rotation").unwrap();
    let notes: Vec<&str> = world
        .events()
        .iter()
        .filter_map(|e| match &e.event {
            WorldEvent::Note { text, .. } if text.contains("out of turn") => Some(text.as_str()),
            _ => None,
        })
        .collect();
    println!("{} blocks out of turn, e.g. {:?}", notes.len(), notes[0]);
    assert!(!notes.is_empty());
    // ANCHOR_END: rotation
}
