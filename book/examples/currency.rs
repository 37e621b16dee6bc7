// The digital-currency chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::amount::Amount;
use sandbox_chain::contract::examples::TOKEN;
use sandbox_chain::contract::{Call, Deploy, Receipt, Value, apply_call, apply_deploy};
use sandbox_chain::keys::{Address, Keypair};
use sandbox_chain::ledger::Ledger;

/// Signs and applies a call of the token's `function` by `who`.
fn call(
    ledger: &mut Ledger,
    token: Address,
    who: &Keypair,
    function: &str,
    args: Vec<Value>,
) -> Receipt {
    let tx = Call {
        chain_id: 1,
        from: who.public(),
        nonce: ledger.next_nonce(&who.address()),
        contract: token,
        function: function.into(),
        args,
        value: Amount::ZERO,
        gas_limit: 100_000,
        gas_price: Amount::new(1),
    }
    .sign(who);
    apply_call(ledger, &tx, 2, Keypair::from_name("node-0").address()).unwrap()
}

fn main() {
    // ANCHOR: deploy
    let bank = Keypair::from_name("central-bank");
    let (alice, bob) = (Keypair::from_name("alice"), Keypair::from_name("bob"));
    let mut ledger =
        Ledger::with_balances([&bank, &alice, &bob].map(|k| (k.address(), Amount::new(1_000_000))))
            .unwrap();
    // Whoever deploys the token is its issuer (`init` records the caller).
    let deploy = Deploy {
        chain_id: 1,
        from: bank.public(),
        nonce: ledger.next_nonce(&bank.address()),
        gas_limit: 100_000,
        gas_price: Amount::new(1),
        source: TOKEN.source.to_string(),
        args: vec![Value::text("e-coin")],
    }
    .sign(&bank);
    let receipt = apply_deploy(&mut ledger, &deploy, 1, bank.address()).unwrap();
    assert!(receipt.succeeded());
    let token = receipt.contract;
    // ANCHOR_END: deploy

    // ANCHOR: issue
    // The issuer creates money: 500 to alice.
    let minted = call(
        &mut ledger,
        token,
        &bank,
        "mint",
        vec![Value::Address(alice.address()), Value::Int(500)],
    );
    println!(
        "mint: {} {:?}",
        minted.events[0].name, minted.events[0].values
    );
    // Nobody else can: the contract says why.
    let refused = call(
        &mut ledger,
        token,
        &alice,
        "mint",
        vec![Value::Address(alice.address()), Value::Int(1)],
    );
    println!("alice mints: {}", refused.fault.unwrap());
    // ANCHOR_END: issue

    // ANCHOR: pay
    // Holders pay each other; the issuer is not asked.
    let paid = call(
        &mut ledger,
        token,
        &alice,
        "transfer",
        vec![Value::Address(bob.address()), Value::Int(200)],
    );
    assert!(paid.succeeded());
    let overdrawn = call(
        &mut ledger,
        token,
        &bob,
        "transfer",
        vec![Value::Address(alice.address()), Value::Int(201)],
    );
    println!("bob sends 201: {}", overdrawn.fault.unwrap());
    let balance = |ledger: &mut Ledger, who: &Keypair| {
        call(
            ledger,
            token,
            who,
            "balance_of",
            vec![Value::Address(who.address())],
        )
        .returned
    };
    assert_eq!(balance(&mut ledger, &alice), Some(Value::Int(300)));
    assert_eq!(balance(&mut ledger, &bob), Some(Value::Int(200)));
    // ANCHOR_END: pay

    // ANCHOR: supply
    // Alice returns 100 to the issuer, which takes them out of circulation.
    call(
        &mut ledger,
        token,
        &alice,
        "transfer",
        vec![Value::Address(bank.address()), Value::Int(100)],
    );
    let burned = call(&mut ledger, token, &bank, "burn", vec![Value::Int(100)]);
    assert!(burned.succeeded());
    let supply = call(&mut ledger, token, &bob, "total_supply", vec![]).returned;
    println!("in circulation: {supply:?}");
    assert_eq!(supply, Some(Value::Int(400)));
    // ANCHOR_END: supply
}
