// The blocks-and-mining chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::amount::Amount;
use sandbox_chain::chain::{Allocation, Chain, ChainParams, Placement};
use sandbox_chain::encode::Encode;
use sandbox_chain::keys::Keypair;
use sandbox_chain::pow::{HEADER_LEN, MineOutcome, mine_range};
use sandbox_chain::tx::Transfer;

fn main() {
    // ANCHOR: template
    let alice = Keypair::from_name("alice");
    let miner = Keypair::from_name("miner-1");
    // A lesson chain: 8 leading zero bits of difficulty, alice starts with 100.
    let params = ChainParams::lesson(
        8,
        vec![Allocation {
            address: alice.address(),
            amount: Amount::new(100),
        }],
    );
    let mut chain = Chain::new(params);

    let pay = Transfer {
        chain_id: 1,
        from: alice.public(),
        to: Keypair::from_name("bob").address(),
        amount: Amount::new(5),
        fee: Amount::new(2),
        nonce: 0,
        memo: String::new(),
    }
    .sign(&alice);
    // An unmined block on top of the tip: a coinbase paying the miner the
    // reward plus the fees, then the transfers. Time is simulated: we pass it.
    let mut block = chain.block_template(miner.address(), vec![pay], 10_000);
    assert_eq!(block.header.encode().len(), HEADER_LEN); // 124 bytes
    // ANCHOR_END: template

    // ANCHOR: mine
    // Mine in chunks of 64 nonces, as the web app's workers do, so that a
    // user could watch progress or cancel between chunks.
    let mut start = 0u64;
    let nonce = loop {
        match mine_range(&block.header, start..start + 64) {
            MineOutcome::Found { nonce, hash, tried } => {
                println!("nonce {nonce} gives {hash} ({tried} tried in the last chunk)");
                break nonce;
            }
            MineOutcome::Exhausted { .. } => start += 64,
        }
    };
    block.header.nonce = nonce;
    assert!(block.header.meets_target());
    // ANCHOR_END: mine

    // ANCHOR: insert
    let report = chain.insert(block).unwrap();
    assert_eq!(report.placement, Placement::Canonical);
    assert_eq!(chain.height(), 1);
    // The miner got the reward (50) plus the fee (2).
    assert_eq!(chain.ledger().balance(&miner.address()), Amount::new(52));
    // ANCHOR_END: insert

    // ANCHOR: unmined
    // A block whose hash does not meet its target is refused, with a reason.
    let mut lazy = chain.block_template(miner.address(), vec![], 20_000);
    lazy.header.nonce = (0..)
        .find(|n| {
            let mut h = lazy.header;
            h.nonce = *n;
            !h.meets_target()
        })
        .unwrap();
    let error = chain.insert(lazy).unwrap_err();
    println!("refused: {error}");
    // ANCHOR_END: unmined
}
