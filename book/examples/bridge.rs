// The connected-chains chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::bridge::LightClient;
use sandbox_chain::bridge::relay::{headers_to_relay, prove};
use sandbox_chain::bridge::swap::{Htlc, HtlcError, HtlcState};
use sandbox_chain::demo::{demo_chain, demo_params};
use sandbox_chain::hash::sha256;

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
    // hash lock can now be claimed with it too. That is an atomic swap.
    assert_eq!(htlc.state, HtlcState::Claimed(secret.to_vec()));
    // ANCHOR_END: htlc
}
