// The forks chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::block::Block;
use sandbox_chain::chain::{Chain, ChainParams, Placement};
use sandbox_chain::keys::Keypair;
use sandbox_chain::pow::mine_range;

/// Mines a block on `chain`'s tip paying `miner`, and inserts it there.
fn mine_on(chain: &mut Chain, miner: &str, time_ms: u64) -> Block {
    let mut block = chain.block_template(Keypair::from_name(miner).address(), vec![], time_ms);
    block.header.nonce = mine_range(&block.header, 0..u64::MAX).nonce().unwrap();
    chain.insert(block.clone()).unwrap();
    block
}

fn main() {
    // ANCHOR: fork
    // Two miners find a block at height 1 at nearly the same moment.
    let params = ChainParams::lesson(8, vec![]);
    let (mut west, mut east) = (Chain::new(params.clone()), Chain::new(params));
    let a = mine_on(&mut west, "miner-west", 10_000);
    let b = mine_on(&mut east, "miner-east", 10_500);
    // West hears of east's block: same work, so the first one seen stays.
    let report = west.insert(b.clone()).unwrap();
    assert_eq!(report.placement, Placement::SideBranch);
    assert_eq!(west.tip(), a.hash());
    // ANCHOR_END: fork

    // ANCHOR: reorg
    // East finds the next block first: its branch now has more work.
    let c = mine_on(&mut east, "miner-east", 20_000);
    let report = west.insert(c.clone()).unwrap();
    let change = report.tip_change.unwrap();
    assert!(change.is_reorg());
    assert_eq!(change.disconnected, vec![a.hash()]);
    assert_eq!(change.connected, vec![b.hash(), c.hash()]);
    println!(
        "west reorganised: {} off, {} on",
        change.disconnected.len(),
        change.connected.len()
    );
    // A's coinbase is gone from west's ledger: that reward never happened.
    let west_miner = Keypair::from_name("miner-west").address();
    assert_eq!(west.ledger().balance(&west_miner).get(), 0);
    // ANCHOR_END: reorg
}
