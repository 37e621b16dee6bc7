// The bridge chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::bridge::LightClient;
use sandbox_chain::bridge::relay::{headers_to_relay, prove};
use sandbox_chain::demo::{demo_chain, demo_params};
use sandbox_chain::keys::Keypair;
use sandbox_chain::world::islands::{self, Islands};
use sandbox_chain::world::{NodeId, WorldEvent};

fn main() {
    // ANCHOR: light
    // Chain A: a seeded demo chain of 8 blocks. Chain B runs a light client
    // of A that starts from A's public parameters and trusts nothing else.
    let chain_a = demo_chain(7, 8, 3).unwrap();
    let mut light = LightClient::new(&demo_params());
    // A relayer carries A's headers over: 124 bytes each, no transactions.
    for header in headers_to_relay(&chain_a, &light, 100) {
        light.submit(header).unwrap();
    }
    assert_eq!(light.tip(), chain_a.tip());
    // ANCHOR_END: light

    // ANCHOR: forged
    // A relayer that edits a header is caught: the proof of work no longer
    // fits, or the link to the parent breaks.
    let mut fake = chain_a.tip_block().header;
    fake.timestamp_ms += 1;
    fake.nonce += 1;
    let error = light.submit(fake).unwrap_err();
    println!("forged header: {error}");
    // ANCHOR_END: forged

    // ANCHOR: inclusion
    // Prove that an early payment on A happened, from headers alone.
    let txid = (1..=3)
        .filter_map(|h| chain_a.get(&chain_a.canonical_at(h)?))
        .find_map(|block| block.txids().get(1).copied())
        .unwrap();
    let proof = prove(&chain_a, &txid).unwrap();
    light
        .verify_inclusion(txid, &proof.block, &proof.proof, 6)
        .unwrap();
    // Demanding more confirmations than the block has is refused.
    let error = light
        .verify_inclusion(txid, &proof.block, &proof.proof, 20)
        .unwrap_err();
    println!("{error}");
    // ANCHOR_END: inclusion

    // ANCHOR: mint
    // The scenario `bridge-transfer`: alice pays 100 coins into the vault
    // on chain A; a relayer carries A's headers and the lock's proof to
    // chain B, whose bridge mints once the lock is 3 blocks deep.
    let transcript = islands::scenario_transcript("bridge-transfer")
        .unwrap()
        .unwrap();
    let world = Islands::replay(&transcript).unwrap();
    let (a, b) = (0, 1);
    let alice = Keypair::from_name("alice").address();
    let vault = world.vault(a, b).unwrap();
    let a_ledger = world.world(a).unwrap().chain(NodeId(0)).unwrap().ledger();
    println!("vault on A holds {}", a_ledger.balance(&vault));
    // Every node of B runs the bridge in its own state, and agrees.
    for node in [0, 1] {
        assert_eq!(world.wrapped_balance(b, NodeId(node), a, &alice), 100);
    }
    for e in world.world(b).unwrap().events() {
        if let WorldEvent::RelayApplied {
            node: NodeId(0),
            height,
            receipt,
            ..
        } = &e.event
        {
            println!(
                "B block {height}: {} headers taken, A's tip at {}, minted {:?}",
                receipt.headers_accepted,
                receipt.light_height,
                receipt
                    .minted
                    .iter()
                    .map(|m| m.amount.get())
                    .collect::<Vec<_>>()
            );
        }
    }
    // ANCHOR_END: mint

    // ANCHOR: reorg
    // The scenario `reorg-under-bridge-transfer`: the lock is mined on a
    // branch of A that loses a reorganisation. B's light client follows A's
    // most-work branch, on which the lock never happened: nothing mints.
    let transcript = islands::scenario_transcript("reorg-under-bridge-transfer")
        .unwrap()
        .unwrap();
    let world = Islands::replay(&transcript).unwrap();
    let a_ledger = world.world(a).unwrap().chain(NodeId(0)).unwrap().ledger();
    let carol = Keypair::from_name("carol").address();
    println!(
        "after the reorg, A's vault holds {} and carol {}",
        a_ledger.balance(&vault),
        a_ledger.balance(&carol)
    );
    assert_eq!(a_ledger.balance(&vault).get(), 0);
    assert_eq!(world.wrapped_balance(b, NodeId(0), a, &alice), 0);
    // ANCHOR_END: reorg
}
