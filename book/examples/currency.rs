// The smart-contracts chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::amount::Amount;
use sandbox_chain::contract::examples::TOKEN;
use sandbox_chain::contract::{Call, Deploy, Value, apply_call, apply_deploy};
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;

fn main() {
    // ANCHOR: deploy
    let bank = Keypair::from_name("central-bank");
    let alice = Keypair::from_name("alice");
    let miner = Keypair::from_name("miner-1").address();
    let mut ledger = Ledger::with_balances([
        (bank.address(), Amount::new(1_000_000)),
        (alice.address(), Amount::new(1_000_000)),
    ])
    .unwrap();

    // Deploying is a signed transaction like a transfer: nonce, gas, fee.
    let deploy = Deploy {
        chain_id: 1,
        from: bank.public(),
        nonce: ledger.next_nonce(&bank.address()),
        gas_limit: 100_000,
        gas_price: Amount::new(1),
        source: TOKEN.source.to_string(),
        args: vec![Value::Bytes(b"e-CNY".to_vec())],
    }
    .sign(&bank);
    let receipt = apply_deploy(&mut ledger, &deploy, 1, miner).unwrap();
    assert!(receipt.succeeded());
    let token = receipt.contract;
    println!("token at {token}, deploy used {} gas", receipt.gas_used);
    // ANCHOR_END: deploy

    // ANCHOR: call
    let call = |ledger: &mut Ledger, who: &Keypair, function: &str, args: Vec<Value>, gas: u64| {
        let tx = Call {
            chain_id: 1,
            from: who.public(),
            nonce: ledger.next_nonce(&who.address()),
            contract: token,
            function: function.into(),
            args,
            value: Amount::ZERO,
            gas_limit: gas,
            gas_price: Amount::new(1),
        }
        .sign(who);
        apply_call(ledger, &tx, 2, miner).unwrap()
    };
    let mint = call(
        &mut ledger,
        &bank,
        "mint",
        vec![Value::Address(alice.address()), Value::Int(500)],
        100_000,
    );
    assert!(mint.succeeded());
    println!("events: {:?}", mint.events);
    // Only the issuer may mint: the contract's `require` says why not.
    let refused = call(
        &mut ledger,
        &alice,
        "mint",
        vec![Value::Address(alice.address()), Value::Int(1)],
        100_000,
    );
    println!("alice mints: {}", refused.fault.unwrap());
    let balance = call(
        &mut ledger,
        &alice,
        "balance_of",
        vec![Value::Address(alice.address())],
        100_000,
    );
    assert_eq!(balance.returned, Some(Value::Int(500)));
    // ANCHOR_END: call

    // ANCHOR: gas
    // Too little gas: the call stops, its changes are reverted, but the gas
    // it burned is still paid (miners did the work).
    let before = ledger.balance(&alice.address());
    let starved = call(
        &mut ledger,
        &alice,
        "transfer",
        vec![Value::Address(bank.address()), Value::Int(5)],
        230,
    );
    println!("with 230 gas: {}", starved.fault.clone().unwrap());
    assert!(!starved.succeeded());
    assert_eq!(
        ledger.balance(&alice.address()),
        before.checked_sub(starved.fee).unwrap()
    );
    let balance = call(
        &mut ledger,
        &alice,
        "balance_of",
        vec![Value::Address(alice.address())],
        100_000,
    );
    assert_eq!(balance.returned, Some(Value::Int(500)));
    // ANCHOR_END: gas
}
