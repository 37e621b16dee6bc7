//! Tests of the engine and of every shipped contract, through signed
//! deploy and call transactions applied to a ledger.

use super::examples;
use super::*;
use crate::amount::Amount;
use crate::encode::{Decode, Encode};
use crate::hash::sha256;
use crate::keys::Keypair;
use crate::ledger::Ledger;

fn addr(name: &str) -> Address {
    Keypair::from_name(name).address()
}

fn int(n: u64) -> Value {
    Value::Int(n)
}

fn at(name: &str) -> Value {
    Value::Address(addr(name))
}

/// A ledger where alice, bob, carol and dave have 1,000,000 coins each.
struct Sandbox {
    ledger: Ledger,
    height: u64,
}

impl Sandbox {
    fn new() -> Self {
        let ledger = Ledger::with_balances(
            ["alice", "bob", "carol", "dave"].map(|n| (addr(n), Amount::new(1_000_000))),
        )
        .unwrap();
        Sandbox { ledger, height: 1 }
    }

    fn deploy(&mut self, who: &str, source: &str, args: Vec<Value>) -> Receipt {
        let key = Keypair::from_name(who);
        let tx = Deploy {
            chain_id: 1,
            from: key.public(),
            nonce: self.ledger.next_nonce(&key.address()),
            gas_limit: 100_000,
            gas_price: Amount::new(1),
            source: source.to_string(),
            args,
        }
        .sign(&key);
        tx.check_stateless(1).unwrap();
        apply_deploy(&mut self.ledger, &tx, self.height, addr("miner")).unwrap()
    }

    fn call_with(
        &mut self,
        who: &str,
        contract: Address,
        function: &str,
        args: Vec<Value>,
        value: u64,
        gas_limit: u64,
    ) -> Receipt {
        let key = Keypair::from_name(who);
        let tx = Call {
            chain_id: 1,
            from: key.public(),
            nonce: self.ledger.next_nonce(&key.address()),
            contract,
            function: function.to_string(),
            args,
            value: Amount::new(value),
            gas_limit,
            gas_price: Amount::new(1),
        }
        .sign(&key);
        tx.check_stateless(1).unwrap();
        apply_call(&mut self.ledger, &tx, self.height, addr("miner")).unwrap()
    }

    fn call(&mut self, who: &str, c: Address, f: &str, args: Vec<Value>) -> Receipt {
        self.call_with(who, c, f, args, 0, 100_000)
    }

    fn ok(&mut self, who: &str, c: Address, f: &str, args: Vec<Value>) -> Option<Value> {
        let r = self.call(who, c, f, args);
        assert!(r.succeeded(), "{f}: {:?}", r.fault);
        r.returned
    }

    fn fails(&mut self, who: &str, c: Address, f: &str, args: Vec<Value>) -> String {
        let r = self.call(who, c, f, args);
        r.fault.expect("the call should fail").to_string()
    }

    fn coins(&self, name: &str) -> u64 {
        self.ledger.balance(&addr(name)).get()
    }
}

#[test]
fn token_issuer_mints_and_burns_holders_transfer() {
    let mut s = Sandbox::new();
    let r = s.deploy("alice", examples::TOKEN.source, vec![Value::text("e-CNY")]);
    assert!(r.succeeded(), "{:?}", r.fault);
    let t = r.contract;
    assert_eq!(t, contract_address(&addr("alice"), 0));
    s.ok("alice", t, "mint", vec![at("bob"), int(100)]);
    s.ok("bob", t, "transfer", vec![at("carol"), int(30)]);
    assert_eq!(s.ok("bob", t, "balance_of", vec![at("bob")]), Some(int(70)));
    assert_eq!(
        s.ok("bob", t, "balance_of", vec![at("carol")]),
        Some(int(30))
    );
    assert_eq!(
        s.fails("bob", t, "mint", vec![at("bob"), int(1)]),
        "line 16: require failed: only the issuer can mint"
    );
    assert_eq!(
        s.fails("carol", t, "transfer", vec![at("bob"), int(31)]),
        "line 33: require failed: not enough tokens"
    );
    s.ok("carol", t, "transfer", vec![at("alice"), int(30)]);
    s.ok("alice", t, "burn", vec![int(20)]);
    assert_eq!(s.ok("dave", t, "total_supply", vec![]), Some(int(80)));
    let r = s.call("bob", t, "transfer", vec![at("carol"), int(5)]);
    assert_eq!(r.events.len(), 1);
    assert_eq!(r.events[0].name, "Transfer");
    assert_eq!(r.events[0].values, vec![at("bob"), at("carol"), int(5)]);
    assert_eq!(r.events[0].line, 36);
}

#[test]
fn escrow_releases_to_seller_or_refunds_buyer() {
    let mut s = Sandbox::new();
    let e = s
        .deploy(
            "alice",
            examples::ESCROW.source,
            vec![at("bob"), at("carol")],
        )
        .contract;
    let r = s.call_with("alice", e, "deposit", vec![], 500, 100_000);
    assert!(r.succeeded(), "{:?}", r.fault);
    assert_eq!(s.ledger.balance(&e), Amount::new(500));
    assert!(
        s.fails("bob", e, "release", vec![])
            .contains("only the arbiter or the buyer")
    );
    let bob_before = s.coins("bob");
    s.ok("carol", e, "release", vec![]);
    assert_eq!(s.coins("bob"), bob_before + 500);
    assert_eq!(s.ledger.balance(&e), Amount::ZERO);
    assert!(
        s.fails("carol", e, "refund", vec![])
            .contains("nothing to refund")
    );

    // A second deal, refunded by the seller.
    let e2 = s
        .deploy(
            "alice",
            examples::ESCROW.source,
            vec![at("bob"), at("carol")],
        )
        .contract;
    s.call_with("alice", e2, "deposit", vec![], 40, 100_000);
    let alice_before = s.coins("alice");
    let r = s.call("bob", e2, "refund", vec![]);
    assert!(r.succeeded());
    assert_eq!(s.coins("alice"), alice_before + 40);
}

#[test]
fn vote_counts_registered_voters_once() {
    let mut s = Sandbox::new();
    let v = s
        .deploy("alice", examples::VOTE.source, vec![int(3), int(10)])
        .contract;
    for who in ["bob", "carol", "dave"] {
        s.ok("alice", v, "register", vec![at(who)]);
    }
    s.ok("bob", v, "vote", vec![int(2)]);
    s.ok("carol", v, "vote", vec![int(2)]);
    s.ok("dave", v, "vote", vec![int(0)]);
    assert!(
        s.fails("bob", v, "vote", vec![int(1)])
            .contains("already voted")
    );
    assert!(
        s.fails("alice", v, "vote", vec![int(1)])
            .contains("not registered")
    );
    assert!(s.fails("alice", v, "winner", vec![]).contains("still open"));
    s.height = 12;
    assert!(
        s.fails("dave", v, "vote", vec![int(1)])
            .contains("voting has closed")
    );
    assert_eq!(s.ok("alice", v, "winner", vec![]), Some(int(2)));
    assert_eq!(s.ok("alice", v, "votes", vec![int(2)]), Some(int(2)));
}

#[test]
fn htlc_claim_with_secret_or_refund_after_timeout() {
    let secret = Value::text("open sesame");
    let lock = Value::Bytes(sha256(b"open sesame").as_bytes().to_vec());
    let mut s = Sandbox::new();
    let h = s
        .deploy(
            "alice",
            examples::HTLC.source,
            vec![at("bob"), lock.clone(), int(20)],
        )
        .contract;
    assert!(
        s.call_with("alice", h, "lock", vec![], 300, 100_000)
            .succeeded()
    );
    assert!(
        s.fails("bob", h, "claim", vec![Value::text("guess")])
            .contains("wrong secret")
    );
    assert!(s.fails("alice", h, "refund", vec![]).contains("too early"));
    let bob_before = s.coins("bob");
    // Anyone may submit the secret; bob gets the coins.
    let r = s.call("carol", h, "claim", vec![secret.clone()]);
    assert!(r.succeeded(), "{:?}", r.fault);
    assert_eq!(s.coins("bob"), bob_before + 300);
    assert_eq!(r.events[0].values[2], secret);

    let h2 = s
        .deploy(
            "alice",
            examples::HTLC.source,
            vec![at("bob"), lock, int(20)],
        )
        .contract;
    s.call_with("alice", h2, "lock", vec![], 300, 100_000);
    s.height = 20;
    assert!(
        s.fails("bob", h2, "claim", vec![secret])
            .contains("too late")
    );
    let alice_before = s.coins("alice");
    let r = s.call("alice", h2, "refund", vec![]);
    assert!(r.succeeded());
    assert_eq!(s.coins("alice"), alice_before + 300 - r.fee.get());
}

#[test]
fn out_of_gas_reverts_state_and_still_charges_the_fee() {
    let mut s = Sandbox::new();
    let src = "storage n\nmap m\nfn spin()\n  n = 1\n  m[1] = 5\n  while true\n    n = n + 1\n  end\nend\n";
    let c = s.deploy("alice", src, vec![]).contract;
    let root_before = s.ledger.state_root();
    let bob_before = s.coins("bob");
    let r = s.call_with("bob", c, "spin", vec![], 7, 5_000);
    let fault = r.fault.clone().unwrap();
    assert!(
        matches!(fault.kind, FaultKind::OutOfGas { limit: 4_800, .. }),
        "{fault}"
    );
    assert_eq!(fault.line, 7);
    assert_eq!(r.gas_used, 5_000);
    assert_eq!(r.fee, Amount::new(5_000));
    // Only bob's nonce and fee changed: no storage, no value moved.
    assert_eq!(s.coins("bob"), bob_before - 5_000);
    assert_eq!(s.ledger.next_nonce(&addr("bob")), 1);
    assert!(s.ledger.contract(&c).unwrap().storage.is_empty());
    assert_eq!(s.ledger.balance(&c), Amount::ZERO);
    assert_ne!(s.ledger.state_root(), root_before);
}

#[test]
fn a_failed_call_keeps_nothing_but_a_successful_one_changes_the_state_root() {
    let mut s = Sandbox::new();
    let t = s
        .deploy("alice", examples::TOKEN.source, vec![Value::text("T")])
        .contract;
    let before = s.ledger.state_root();
    s.ok("alice", t, "mint", vec![at("bob"), int(5)]);
    let after = s.ledger.state_root();
    assert_ne!(before, after);
    let storage = &s.ledger.contract(&t).unwrap().storage;
    assert_eq!(
        storage.get(&StorageKey {
            name: "balances".into(),
            key: Some(at("bob"))
        }),
        Some(&int(5))
    );
}

#[test]
fn invalid_transactions_change_nothing() {
    let mut s = Sandbox::new();
    let key = Keypair::from_name("erin"); // has no coins
    let tx = Deploy {
        chain_id: 1,
        from: key.public(),
        nonce: 0,
        gas_limit: 10_000,
        gas_price: Amount::new(1),
        source: examples::TOKEN.source.into(),
        args: vec![],
    }
    .sign(&key);
    let before = s.ledger.clone();
    let e = apply_deploy(&mut s.ledger, &tx, 1, addr("miner")).unwrap_err();
    assert!(e.to_string().contains("spends 10000"), "{e}");
    assert_eq!(s.ledger, before);
    let mut forged = tx.clone();
    forged.tx.gas_price = Amount::new(2);
    assert!(
        forged
            .check_stateless(1)
            .unwrap_err()
            .to_string()
            .contains("signature")
    );
    forged.tx.gas_limit = 10;
    forged = forged.tx.sign(&key);
    assert!(
        forged
            .check_stateless(1)
            .unwrap_err()
            .to_string()
            .contains("below the")
    );
}

#[test]
fn deploy_with_a_syntax_error_is_reverted_with_its_line() {
    let mut s = Sandbox::new();
    let r = s.deploy("alice", "fn f()\n  return 1 +\nend\n", vec![]);
    let f = r.fault.unwrap();
    assert_eq!(f.line, 2);
    assert_eq!(
        f.to_string(),
        "line 2: the contract does not compile: column 13: expected a value, found the end of the line"
    );
    assert!(s.ledger.contract(&r.contract).is_none());
    assert!(r.fee > Amount::ZERO);
}

#[test]
fn calling_errors_a_student_understands() {
    let mut s = Sandbox::new();
    let t = s
        .deploy("alice", examples::TOKEN.source, vec![Value::text("T")])
        .contract;
    assert_eq!(
        s.fails("bob", t, "steal", vec![]),
        "line 0: this contract has no function `steal`; it has: balance_of, burn, mint, total_supply, transfer"
    );
    assert!(
        s.fails("bob", t, "init", vec![Value::text("x")])
            .contains("runs once")
    );
    assert!(
        s.fails("bob", t, "mint", vec![])
            .contains("takes 2 argument(s) (to, amount), the call passes 0")
    );
    assert!(
        s.fails("alice", t, "mint", vec![at("bob"), at("bob")])
            .contains("`>` needs two numbers, but got an address")
    );
    s.ok("alice", t, "mint", vec![at("bob"), int(u64::MAX)]);
    assert!(
        s.fails("alice", t, "mint", vec![at("bob"), int(1)])
            .contains("is too large for a number")
    );
    let nobody = addr("nobody");
    assert!(
        s.fails("bob", nobody, "f", vec![])
            .contains("there is no contract at")
    );
}

#[test]
fn every_shipped_contract_parses() {
    for e in examples::ALL {
        let p = Program::parse(e.source).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert!(!p.name.is_empty());
    }
}

#[test]
fn transactions_round_trip_and_have_fixed_layouts() {
    let key = Keypair::from_name("alice");
    let call = Call {
        chain_id: 1,
        from: key.public(),
        nonce: 2,
        contract: addr("c"),
        function: "mint".into(),
        args: vec![int(5)],
        value: Amount::new(3),
        gas_limit: 1_000,
        gas_price: Amount::new(1),
    };
    let bytes = call.encode();
    // 4 + 32 + 8 + 20 + (4 + 4) + (4 + 9) + 8 + 8 + 8
    assert_eq!(bytes.len(), 109);
    assert_eq!(Call::decode(&bytes), Ok(call.clone()));
    let signed = call.sign(&key);
    let enc = signed.encode();
    assert_eq!(enc[0], tx::TAG_CALL);
    assert_eq!(enc.len(), 1 + 109 + 64);
    let deploy = Deploy {
        chain_id: 1,
        from: key.public(),
        nonce: 0,
        gas_limit: 5_000,
        gas_price: Amount::new(2),
        source: "fn f()\nend".into(),
        args: vec![],
    };
    let bytes = deploy.encode();
    assert_eq!(bytes.len(), 4 + 32 + 8 + 8 + 8 + 4 + 10 + 4);
    assert_eq!(Deploy::decode(&bytes), Ok(deploy));
    let json = serde_json::to_string(&signed).unwrap();
    assert_eq!(serde_json::from_str::<Signed<Call>>(&json).unwrap(), signed);
}

#[test]
fn ledger_with_contracts_round_trips_through_json_and_undo() {
    let mut s = Sandbox::new();
    let before = s.ledger.clone();
    let t = s
        .deploy("alice", examples::TOKEN.source, vec![Value::text("T")])
        .contract;
    s.ok("alice", t, "mint", vec![at("bob"), int(5)]);
    let json = serde_json::to_string(&s.ledger).unwrap();
    let back: Ledger = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s.ledger);
    let undo = before.diff_from(&s.ledger);
    let mut restored = s.ledger.clone();
    restored.restore(&undo);
    assert_eq!(restored, before);
    assert_eq!(restored.state_root(), before.state_root());
}
