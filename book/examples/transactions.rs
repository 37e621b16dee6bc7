// The transactions chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::amount::Amount;
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;
use sandbox_chain::tx::{Transfer, TxError};

fn main() {
    // ANCHOR: transfer
    let alice = Keypair::from_name("alice");
    let bob = Keypair::from_name("bob");
    let miner = Keypair::from_name("miner-1");
    let mut ledger = Ledger::with_balances([(alice.address(), Amount::new(25))]).unwrap();

    let pay_bob = Transfer {
        chain_id: 1,
        from: alice.public(),
        to: bob.address(),
        amount: Amount::new(10),
        fee: Amount::new(1),
        nonce: ledger.next_nonce(&alice.address()), // 0: alice's first transfer
        memo: "lunch".into(),
    }
    .sign(&alice);

    // Checks that need no ledger: the signature, the chain id, the form.
    pay_bob.check_stateless(1).unwrap();
    ledger.apply_transfer(&pay_bob, miner.address()).unwrap();
    assert_eq!(ledger.balance(&alice.address()), Amount::new(14));
    assert_eq!(ledger.balance(&bob.address()), Amount::new(10));
    assert_eq!(ledger.next_nonce(&alice.address()), 1);
    // ANCHOR_END: transfer

    // ANCHOR: replay
    // Bob sends alice's signed transfer again: the nonce is used up.
    let replay = ledger
        .apply_transfer(&pay_bob, miner.address())
        .unwrap_err();
    println!("replay: {replay}");
    assert!(matches!(replay, TxError::NonceUsed { .. }));
    // ANCHOR_END: replay

    // ANCHOR: tamper
    // Bob edits the amount of alice's transfer: the signature no longer fits.
    let mut edited = pay_bob.clone();
    edited.transfer.amount = Amount::new(1_000);
    let error = edited.check_stateless(1).unwrap_err();
    println!("edited: {error}");
    assert!(matches!(error, TxError::BadSignature { .. }));
    // ANCHOR_END: tamper

    // ANCHOR: double_spend
    // Alice signs two transfers with the same nonce, to two shops. Only the
    // first one applied wins; the second is the double spend.
    let spend = |to: &Keypair| {
        Transfer {
            chain_id: 1,
            from: alice.public(),
            to: to.address(),
            amount: Amount::new(12),
            fee: Amount::new(1),
            nonce: 1,
            memo: String::new(),
        }
        .sign(&alice)
    };
    let (shop_a, shop_b) = (Keypair::from_name("shop-a"), Keypair::from_name("shop-b"));
    ledger
        .apply_transfer(&spend(&shop_a), miner.address())
        .unwrap();
    let error = ledger
        .apply_transfer(&spend(&shop_b), miner.address())
        .unwrap_err();
    println!("double spend: {error}");
    assert_eq!(ledger.balance(&shop_b.address()), Amount::ZERO);
    // ANCHOR_END: double_spend
}
