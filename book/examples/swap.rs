// The atomic-swap chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::bridge::swap::{Htlc, HtlcError, HtlcState, SwapOutcome, SwapParams, simulate};
use sandbox_chain::contract::contract_address;
use sandbox_chain::hash::sha256;
use sandbox_chain::keys::Keypair;
use sandbox_chain::world::NodeId;
use sandbox_chain::world::islands::{self, Islands};

fn main() {
    // ANCHOR: htlc
    // A hash time lock: coins go to whoever shows the secret before block
    // 100; from block 100 on, the sender can take them back.
    let secret = b"the secret alice chose";
    let mut htlc = Htlc {
        hashlock: sha256(secret),
        timeout: 100,
        state: HtlcState::Locked,
    };
    assert_eq!(htlc.claim(b"a guess", 50), Err(HtlcError::WrongSecret));
    assert_eq!(htlc.refund(50), Err(HtlcError::TooEarly));
    htlc.claim(secret, 60).unwrap();
    // Claiming published the secret: the other chain's HTLC with the same
    // hash lock can now be claimed with it too.
    assert_eq!(htlc.state, HtlcState::Claimed(secret.to_vec()));
    assert_eq!(htlc.refund(120), Err(HtlcError::NotLocked));
    // ANCHOR_END: htlc

    // ANCHOR: chains
    // The scenario `atomic-swap`: alice's 500 A-coins for bob's 300 B-coins,
    // with the shipped `htlc` contract on each chain. Each deployed its HTLC
    // with its first nonce, so the addresses are known in advance.
    let transcript = islands::scenario_transcript("atomic-swap")
        .unwrap()
        .unwrap();
    let world = Islands::replay(&transcript).unwrap();
    let on_a = contract_address(&Keypair::from_name("alice").address(), 0);
    let on_b = contract_address(&Keypair::from_name("bob").address(), 0);
    let a = world.htlc(0, NodeId(0), &on_a).unwrap();
    let b = world.htlc(1, NodeId(0), &on_b).unwrap();
    // State 2 is "claimed": both sides paid out, and the secret is public.
    println!(
        "A: state {}, {} coins, timeout {}",
        a.state, a.amount, a.timeout
    );
    println!(
        "B: state {}, {} coins, timeout {}",
        b.state, b.amount, b.timeout
    );
    assert_eq!((a.state, b.state), (2, 2));
    assert!(b.timeout < a.timeout, "bob's lock must expire first");
    assert_eq!(a.secret, b.secret);
    // ANCHOR_END: chains

    // ANCHOR: timeouts
    // A seeded simulation with relayer outages of up to 12 blocks. With
    // timeouts far enough apart, every run swaps or refunds both sides...
    let safe = SwapParams::safe(12, 0);
    for seed in 0..50 {
        let (outcome, _, _) = simulate(&safe, seed);
        assert!(matches!(
            outcome,
            SwapOutcome::Swapped | SwapOutcome::Refunded
        ));
    }
    // ... but with bob's timeout only 2 blocks before alice's, a relayer
    // outage can delay bob's claim on A past alice's timeout: she has
    // claimed bob's coins on B and refunds her own on A. Bob loses.
    let tight = SwapParams {
        timeout_b: 30,
        timeout_a: 32,
        confirmations: 1,
        ..safe
    };
    let lost = (0..200)
        .filter(|seed| simulate(&tight, *seed).0 == SwapOutcome::BobLost)
        .count();
    println!("timeouts 2 blocks apart: bob lost in {lost} of 200 runs");
    assert!(lost > 0);
    // ANCHOR_END: timeouts
}
