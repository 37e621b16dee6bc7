// The chain-and-tamper-evidence chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::amount::Amount;
use sandbox_chain::demo::demo_chain;
use sandbox_chain::json::ChainFile;
use sandbox_chain::tx::Transaction;

fn main() {
    // ANCHOR: edit
    // A seeded demo chain: 6 blocks of payments between alice, bob, carol...
    let chain = demo_chain(7, 6, 3).unwrap();
    let blocks = chain.canonical_blocks(); // genesis first
    // Pick an old block that holds a transfer, and change its amount.
    let (height, index) = (1..blocks.len() - 1)
        .find_map(|h| (blocks[h].txs.len() > 1).then_some((h, 1)))
        .unwrap();
    let mut edited = (*blocks[height]).clone();
    if let Transaction::Transfer(t) = &mut edited.txs[index] {
        t.transfer.amount = Amount::new(t.transfer.amount.get() + 100);
    }
    // 1. The transactions no longer match the Merkle root in the header.
    assert_ne!(edited.compute_merkle_root(), edited.header.merkle_root);
    // 2. Fix the root, and the header's hash changes: the next block's
    //    `parent` no longer points at this block.
    edited.header.merkle_root = edited.compute_merkle_root();
    assert_ne!(edited.hash(), blocks[height + 1].header.parent);
    // 3. And the proof of work was for the old header.
    println!(
        "edited block still meets its target? {}",
        edited.header.meets_target()
    );
    // ANCHOR_END: edit

    // ANCHOR: import
    // The same edit in an exported file is caught on import, with where.
    let mut file = ChainFile::from_chain(&chain, Some(7), &[]);
    if let Transaction::Transfer(t) = &mut file.blocks[height].transactions[index].tx {
        t.transfer.amount = Amount::new(t.transfer.amount.get() + 100);
    }
    let error = ChainFile::import(&file.to_json()).unwrap_err();
    println!("import refused: {error}");
    // ANCHOR_END: import
}
