// The mempool-and-fees chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::amount::Amount;
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;
use sandbox_chain::mempool::{Mempool, MempoolError};
use sandbox_chain::tx::{SignedTransfer, Transfer};

/// `from` pays `to` `amount` with `fee`, as `from`'s `nonce`-th transfer.
fn pay(from: &str, to: &str, amount: u64, fee: u64, nonce: u64) -> SignedTransfer {
    let key = Keypair::from_name(from);
    Transfer {
        chain_id: 1,
        from: key.public(),
        to: Keypair::from_name(to).address(),
        amount: Amount::new(amount),
        fee: Amount::new(fee),
        nonce,
        memo: String::new(),
    }
    .sign(&key)
}

fn main() {
    // ANCHOR: admit
    let tip = Ledger::with_balances(
        ["alice", "bob", "carol"].map(|n| (Keypair::from_name(n).address(), Amount::new(100))),
    )
    .unwrap();
    let mut pool = Mempool::new(1, 1_000);
    pool.add(pay("alice", "dave", 10, 1, 0), &tip).unwrap();
    pool.add(pay("bob", "dave", 10, 5, 0), &tip).unwrap();
    pool.add(pay("carol", "dave", 10, 3, 0), &tip).unwrap();
    // alice queues a second payment behind her first (nonce 1).
    pool.add(pay("alice", "erin", 10, 9, 1), &tip).unwrap();
    // ANCHOR_END: admit

    // ANCHOR: select
    // A miner fills a block with the best fees first, but never puts a
    // sender's nonce 1 before its nonce 0: alice's fee-9 transfer waits for
    // her fee-1 one.
    let fees: Vec<u64> = pool
        .select(&tip, 10)
        .iter()
        .map(|t| t.transfer.fee.get())
        .collect();
    assert_eq!(fees, [5, 3, 1, 9]);
    // ANCHOR_END: select

    // ANCHOR: refuse
    // Same sender, same nonce, same fee: a double spend attempt.
    let error = pool.add(pay("bob", "mallory", 10, 5, 0), &tip).unwrap_err();
    println!("{error}");
    assert!(matches!(error, MempoolError::DoubleSpend { .. }));
    // Paying a higher fee replaces the pending one (replace-by-fee).
    let admitted = pool.add(pay("bob", "mallory", 10, 6, 0), &tip).unwrap();
    assert!(admitted.evicted.is_some());
    // Spending more than the balance, counting what is already pending:
    let error = pool.add(pay("alice", "frank", 80, 1, 2), &tip).unwrap_err();
    println!("{error}");
    // ANCHOR_END: refuse
}
