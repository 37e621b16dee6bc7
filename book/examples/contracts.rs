// The smart-contracts chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::amount::Amount;
use sandbox_chain::contract::{
    Call, Deploy, Program, Receipt, Value, apply_call, apply_deploy, contract_address,
};
use sandbox_chain::keys::{Address, Keypair};
use sandbox_chain::ledger::Ledger;

// The contract's source. The ANCHOR lines are comments of the contract
// language (`#`); the chapter shows the lines between them.
const COUNTER: &str = r#"
# ANCHOR: counter
# A counter anyone can bump.
contract Counter
storage count

fn bump(by)
  require by > 0, "bump by at least 1"
  count = count + by
  emit Bumped(caller, count)
  return count
end

fn get()
  return count
end
# ANCHOR_END: counter
"#;

/// Signs and applies a call of `function` on `contract` by `who`.
fn call(
    ledger: &mut Ledger,
    who: &Keypair,
    contract: Address,
    function: &str,
    args: Vec<Value>,
    gas_limit: u64,
) -> Receipt {
    let tx = Call {
        chain_id: 1,
        from: who.public(),
        nonce: ledger.next_nonce(&who.address()),
        contract,
        function: function.into(),
        args,
        value: Amount::ZERO,
        gas_limit,
        gas_price: Amount::new(1),
    }
    .sign(who);
    apply_call(ledger, &tx, 2, Keypair::from_name("miner").address()).unwrap()
}

fn main() {
    // ANCHOR: deploy
    let alice = Keypair::from_name("alice");
    let miner = Keypair::from_name("miner").address();
    let mut ledger = Ledger::with_balances([(alice.address(), Amount::new(100_000))]).unwrap();
    let nonce = ledger.next_nonce(&alice.address());
    let deploy = Deploy {
        chain_id: 1,
        from: alice.public(),
        nonce,
        gas_limit: 5_000,
        gas_price: Amount::new(1),
        source: COUNTER.to_string(),
        args: vec![],
    }
    .sign(&alice);
    let receipt = apply_deploy(&mut ledger, &deploy, 1, miner).unwrap();
    assert!(receipt.succeeded());
    // The address comes from the deployer and its nonce: no key has it.
    let counter = receipt.contract;
    assert_eq!(counter, contract_address(&alice.address(), nonce));
    println!(
        "deployed at {counter}: {} gas, fee {}",
        receipt.gas_used, receipt.fee
    );
    // ANCHOR_END: deploy

    // ANCHOR: call
    let bumped = call(
        &mut ledger,
        &alice,
        counter,
        "bump",
        vec![Value::Int(5)],
        1_000,
    );
    assert_eq!(bumped.returned, Some(Value::Int(5)));
    let event = &bumped.events[0];
    println!(
        "bump(5): event {} {:?}, {} gas",
        event.name, event.values, bumped.gas_used
    );
    let bumped = call(
        &mut ledger,
        &alice,
        counter,
        "bump",
        vec![Value::Int(3)],
        1_000,
    );
    assert_eq!(bumped.returned, Some(Value::Int(8)));
    // ANCHOR_END: call

    // ANCHOR: revert
    // A failed `require` stops the call: nothing it did is kept, but the
    // gas it used is paid, and the nonce is used up.
    let before = ledger.balance(&alice.address());
    let refused = call(
        &mut ledger,
        &alice,
        counter,
        "bump",
        vec![Value::Int(0)],
        1_000,
    );
    println!("bump(0): {}", refused.fault.as_ref().unwrap());
    assert!(!refused.succeeded() && refused.events.is_empty());
    assert_eq!(
        ledger.balance(&alice.address()),
        before.checked_sub(refused.fee).unwrap()
    );
    let count = call(&mut ledger, &alice, counter, "get", vec![], 1_000);
    assert_eq!(count.returned, Some(Value::Int(8)));
    // ANCHOR_END: revert

    // ANCHOR: gas
    // Too little gas: the run stops where the gas runs out, is reverted,
    // and uses (and pays for) the whole limit.
    let starved = call(
        &mut ledger,
        &alice,
        counter,
        "bump",
        vec![Value::Int(1)],
        230,
    );
    println!("with 230 gas: {}", starved.fault.as_ref().unwrap());
    assert_eq!(starved.gas_used, 230);
    let count = call(&mut ledger, &alice, counter, "get", vec![], 1_000);
    assert_eq!(count.returned, Some(Value::Int(8)));
    // ANCHOR_END: gas

    // ANCHOR: syntax
    // A contract that does not compile is refused with the place.
    let error = Program::parse("contract Broken\nfn f()\n  return 1 +\nend\n").unwrap_err();
    println!("{error}");
    assert_eq!(error.line, 3);
    // ANCHOR_END: syntax
}
