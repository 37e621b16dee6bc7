//! Contracts in blocks: deploys and calls as transactions, their receipts,
//! the coinbase rule with gas fees, reorgs, the mempool and the world's
//! contract actions.

use sandbox_chain::amount::Amount;
use sandbox_chain::block::BlockError;
use sandbox_chain::chain::{Allocation, Chain, ChainError, ChainParams};
use sandbox_chain::contract::{Call, Deploy, Signed, Value, contract_address, examples};
use sandbox_chain::encode::{Decode, Encode};
use sandbox_chain::keys::Keypair;
use sandbox_chain::mempool::{Mempool, MempoolError};
use sandbox_chain::tx::{Transaction, TxError};
use sandbox_chain::world::{
    Action, ActionError, Arg, ContractCode, NamedArg, NodeId, Until, World, WorldConfig, WorldEvent,
};

use crate::support::{addr, pay, solve};

fn rich_params() -> ChainParams {
    ChainParams::lesson(
        4,
        vec![
            Allocation {
                address: addr("alice"),
                amount: Amount::new(100_000),
            },
            Allocation {
                address: addr("bob"),
                amount: Amount::new(100_000),
            },
        ],
    )
}

fn deploy(from: &str, nonce: u64, source: &str, args: Vec<Value>) -> Signed<Deploy> {
    let key = Keypair::from_name(from);
    Deploy {
        chain_id: 1,
        from: key.public(),
        nonce,
        gas_limit: 20_000,
        gas_price: Amount::new(1),
        source: source.into(),
        args,
    }
    .sign(&key)
}

fn call(from: &str, nonce: u64, contract: &str, function: &str, args: Vec<Value>) -> Signed<Call> {
    let key = Keypair::from_name(from);
    Call {
        chain_id: 1,
        from: key.public(),
        nonce,
        contract: contract_address(&addr(contract), 0),
        function: function.into(),
        args,
        value: Amount::ZERO,
        gas_limit: 5_000,
        gas_price: Amount::new(2),
    }
    .sign(&key)
}

fn mine_txs(
    chain: &Chain,
    miner: &str,
    txs: Vec<Transaction>,
    t: u64,
) -> sandbox_chain::block::Block {
    solve(chain.block_template_txs(addr(miner), txs, t))
}

#[test]
fn deploy_and_call_in_blocks_pay_gas_to_the_producer_and_leave_receipts() {
    let mut chain = Chain::new(rich_params());
    let d = Transaction::Deploy(deploy(
        "alice",
        0,
        examples::TOKEN.source,
        vec![Value::text("CL")],
    ));
    let b1 = mine_txs(&chain, "miner", vec![d.clone()], 10_000);
    chain.insert(b1.clone()).unwrap();
    let receipts = chain.receipts(&b1.hash()).unwrap();
    assert_eq!(receipts.len(), 1);
    let r = &receipts[0];
    assert_eq!(r.index, 1);
    assert_eq!(r.txid, d.id());
    assert!(r.receipt.succeeded(), "{:?}", r.receipt.fault);
    let token = contract_address(&addr("alice"), 0);
    assert_eq!(r.receipt.contract, token);
    // The coinbase: reward 50 plus gas used × price 1.
    let coinbase = b1.coinbase().unwrap().amount;
    assert_eq!(coinbase, Amount::new(50 + r.receipt.gas_used));
    assert_eq!(chain.ledger().balance(&addr("miner")), coinbase);
    assert!(chain.ledger().contract(&token).is_some());

    // A call that succeeds, one that faults (bob is not the issuer), and a
    // transfer, in one block.
    let mint = Transaction::Call(call(
        "alice",
        1,
        "alice",
        "mint",
        vec![Value::Address(addr("bob")), Value::Int(500)],
    ));
    let steal = Transaction::Call(call(
        "bob",
        0,
        "alice",
        "mint",
        vec![Value::Address(addr("bob")), Value::Int(1)],
    ));
    let t = Transaction::Transfer(pay("alice", "carol", 10, 3, 2));
    let b2 = mine_txs(
        &chain,
        "miner",
        vec![mint.clone(), steal.clone(), t],
        20_000,
    );
    chain.insert(b2.clone()).unwrap();
    assert_eq!(chain.tip(), b2.hash());
    let (block, ok) = chain.receipt(&mint.id()).unwrap();
    assert_eq!(block, b2.hash());
    assert!(ok.receipt.succeeded());
    assert_eq!(ok.receipt.events.len(), 1);
    assert_eq!(ok.receipt.events[0].name, "Minted");
    let (_, failed) = chain.receipt(&steal.id()).unwrap();
    let fault = failed.receipt.fault.as_ref().unwrap();
    assert!(
        fault.to_string().contains("only the issuer can mint"),
        "{fault}"
    );
    assert!(fault.line > 0, "the fault names its line");
    let gas = ok.receipt.fee.get() + failed.receipt.fee.get();
    assert_eq!(ok.receipt.fee.get(), ok.receipt.gas_used * 2);
    assert_eq!(b2.coinbase().unwrap().amount, Amount::new(50 + 3 + gas));
    // The failed call still used bob's nonce and paid its gas.
    assert_eq!(chain.ledger().next_nonce(&addr("bob")), 1);
    assert_eq!(
        chain.ledger().balance(&addr("bob")),
        Amount::new(100_000 - failed.receipt.fee.get())
    );
}

#[test]
fn a_coinbase_that_ignores_gas_fees_is_refused() {
    let mut chain = Chain::new(rich_params());
    let d = Transaction::Deploy(deploy("alice", 0, examples::HTLC.source, vec![]));
    let mut block = chain.block_template_txs(addr("miner"), vec![d], 10_000);
    if let Some(Transaction::Coinbase(c)) = block.txs.first_mut() {
        c.amount = Amount::new(50);
    }
    block.header.merkle_root = block.compute_merkle_root();
    let err = chain.insert(solve(block)).unwrap_err();
    match &err {
        ChainError::Block(BlockError::CoinbaseAmount { fees, gas_fees, .. }) => {
            assert_eq!(*fees, Amount::ZERO);
            assert!(*gas_fees > Amount::ZERO);
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("plus the gas fees"), "{err}");
}

#[test]
fn a_forged_deploy_signature_is_caught_by_the_block_batch() {
    let chain = Chain::new(rich_params());
    let mut d = deploy("alice", 0, examples::VOTE.source, vec![]);
    d.tx.gas_limit = 19_999;
    let block = mine_txs(&chain, "miner", vec![Transaction::Deploy(d)], 10_000);
    let err = Chain::new(rich_params()).insert(block).unwrap_err();
    assert!(
        matches!(
            &err,
            ChainError::Block(BlockError::Tx {
                index: 1,
                error: TxError::Contract(_),
                ..
            })
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("signature does not match"),
        "{err}"
    );
}

#[test]
fn a_reorg_removes_a_deployed_contract_and_restores_it() {
    let mut chain = Chain::new(rich_params());
    let genesis = chain.tip_block().clone();
    let d = Transaction::Deploy(deploy(
        "alice",
        0,
        examples::TOKEN.source,
        vec![Value::text("X")],
    ));
    let a1 = mine_txs(&chain, "a", vec![d], 10_000);
    chain.insert(a1.clone()).unwrap();
    let token = contract_address(&addr("alice"), 0);
    assert!(chain.ledger().contract(&token).is_some());
    let root_a = chain.ledger().state_root();
    // A longer branch without the deploy.
    let fork = Chain::new(rich_params());
    let b1 = mine_txs(&fork, "b", vec![], 11_000);
    let mut fork2 = fork.clone();
    fork2.insert(b1.clone()).unwrap();
    let b2 = mine_txs(&fork2, "b", vec![], 21_000);
    chain.insert(b1).unwrap();
    chain.insert(b2.clone()).unwrap();
    assert_eq!(chain.tip(), b2.hash());
    assert!(chain.ledger().contract(&token).is_none());
    assert!(chain.receipt(&a1.txs[1].id()).is_none());
    // The receipts of the block taken off stay readable by block hash.
    assert_eq!(chain.receipts(&a1.hash()).unwrap().len(), 1);
    let _ = genesis;
    // Back: two more blocks on a.
    let mut back = Chain::new(rich_params());
    back.insert(a1.clone()).unwrap();
    assert_eq!(back.ledger().state_root(), root_a);
    let a2 = mine_txs(&back, "a", vec![], 22_000);
    back.insert(a2.clone()).unwrap();
    let a3 = mine_txs(&back, "a", vec![], 32_000);
    chain.insert(a2).unwrap();
    chain.insert(a3.clone()).unwrap();
    assert_eq!(chain.tip(), a3.hash());
    assert!(chain.ledger().contract(&token).is_some());
}

#[test]
fn deploy_and_call_encode_with_their_tags_and_round_trip() {
    let d = Transaction::Deploy(deploy("alice", 0, "contract C\n", vec![Value::Int(7)]));
    let c = Transaction::Call(call("bob", 3, "alice", "f", vec![Value::Bool(true)]));
    for tx in [&d, &c] {
        let bytes = tx.encode();
        assert_eq!(Transaction::decode(&bytes).as_ref(), Ok(tx));
        let json = serde_json::to_string(tx).unwrap();
        assert_eq!(&Transaction::from_json(&json, 1).unwrap(), tx);
        assert!(Transaction::from_json(&json, 2).is_err());
    }
    assert_eq!(d.encode()[0], 0x10);
    assert_eq!(c.encode()[0], 0x11);
    if let Transaction::Deploy(s) = &d {
        assert_eq!(s.id(), d.id());
    }
}

#[test]
fn the_mempool_admits_contract_transactions_under_the_transfer_rules() {
    let chain = Chain::new(rich_params());
    let tip = chain.ledger();
    let mut pool = Mempool::new(1, 100);
    let d = Transaction::Deploy(deploy(
        "alice",
        0,
        examples::TOKEN.source,
        vec![Value::text("T")],
    ));
    pool.add_tx(d.clone(), tip).unwrap();
    // Nonce 1 must follow.
    let skip = Transaction::Call(call("alice", 2, "alice", "total_supply", vec![]));
    assert!(matches!(
        pool.add_tx(skip, tip),
        Err(MempoolError::NonceAhead { .. })
    ));
    let mint = Transaction::Call(call(
        "alice",
        1,
        "alice",
        "mint",
        vec![Value::Address(addr("bob")), Value::Int(5)],
    ));
    pool.add_tx(mint.clone(), tip).unwrap();
    pool.add(pay("alice", "bob", 1, 1, 2), tip).unwrap();
    assert_eq!(pool.len(), 3);
    assert_eq!(pool.iter().count(), 1, "iter() shows transfers only");
    assert_eq!(pool.get(&d.id()), None);
    assert_eq!(pool.get_tx(&d.id()), Some(&d));
    // Funds: gas_limit × gas_price + value must be affordable.
    let key = Keypair::from_name("carol");
    let poor = Transaction::Call(
        Call {
            chain_id: 1,
            from: key.public(),
            nonce: 0,
            contract: addr("x"),
            function: "f".into(),
            args: vec![],
            value: Amount::new(1),
            gas_limit: 1_000,
            gas_price: Amount::new(1),
        }
        .sign(&key),
    );
    let err = pool.add_tx(poor, tip).unwrap_err();
    assert!(
        matches!(err, MempoolError::Tx(TxError::InsufficientFunds { needed, .. }) if needed == Amount::new(1_001)),
        "{err}"
    );
    // A coinbase does not go through a mempool.
    let cb = chain.tip_block().txs[0].clone();
    assert!(matches!(
        pool.add_tx(cb, tip),
        Err(MempoolError::NotPoolable { .. })
    ));
    // select_txs keeps each sender's nonce order and runs the contracts;
    // select() stops alice at her first contract transaction.
    let picked = pool.select_txs(tip, 10);
    assert_eq!(picked.len(), 3);
    assert_eq!(picked[0], d);
    assert_eq!(picked[1], mint);
    assert!(pool.select(tip, 10).is_empty());
    // The block built from them is valid.
    let mut chain = chain.clone();
    let block = mine_txs(&chain, "miner", picked, 10_000);
    chain.insert(block.clone()).unwrap();
    assert_eq!(chain.tip(), block.hash());
    let ev = pool.on_block_connected(&block.txs, chain.ledger());
    assert_eq!(ev.len(), 3);
    assert!(pool.is_empty());
    // A pool with contract transactions saves and loads.
    let mut pool = Mempool::new(1, 100);
    let d2 = Transaction::Deploy(deploy("bob", 0, examples::VOTE.source, vec![]));
    pool.add_tx(d2, Chain::new(rich_params()).ledger()).unwrap();
    let json = serde_json::to_string(&pool).unwrap();
    let back: Mempool = serde_json::from_str(&json).unwrap();
    assert_eq!(back, pool);
}

fn contract_world() -> World {
    let mut config = WorldConfig::pow(2, 4, 0);
    config.funds = vec![
        sandbox_chain::world::Fund {
            name: "alice".into(),
            amount: Amount::new(100_000),
        },
        sandbox_chain::world::Fund {
            name: "bob".into(),
            amount: Amount::new(100_000),
        },
    ];
    config.nodes[0].keys = vec!["alice".into()];
    config.nodes[1].keys = vec!["bob".into()];
    World::new(config, 3).unwrap()
}

fn settle(w: &mut World, node: u32) {
    w.apply(Action::RunUntil {
        until: Until::Idle,
        max_events: 100_000,
    })
    .unwrap();
    w.apply(Action::Mine { node: NodeId(node) }).unwrap();
    w.apply(Action::RunUntil {
        until: Until::Converged,
        max_events: 100_000,
    })
    .unwrap();
}

#[test]
fn world_deploys_and_calls_contracts_and_reports_receipts() {
    let mut w = contract_world();
    let out = w
        .apply(Action::DeployContract {
            node: NodeId(0),
            from: "alice".into(),
            code: ContractCode::Example("token".into()),
            args: vec![Arg::Named(NamedArg::Text("ChainCoin".into()))],
            gas_limit: 20_000,
            gas_price: Amount::new(1),
            nonce: None,
        })
        .unwrap();
    let token = contract_address(&addr("alice"), 0);
    assert_eq!(out.contract, Some(token));
    settle(&mut w, 1);
    let deployed: Vec<_> = w
        .events()
        .iter()
        .filter_map(|e| match &e.event {
            WorldEvent::ContractDeployed { node, receipt, .. } => Some((*node, receipt.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(deployed.len(), 2, "one per node");
    assert!(deployed[0].1.succeeded());
    assert!(w.contract(NodeId(1), &token).is_some());
    let txid = out.txid.unwrap();
    assert!(w.receipt(NodeId(0), &txid).is_some());

    // A call through the JSON form of the action, naming the contract by
    // its deployer and nonce.
    let json = r#"{"action":"call_contract","node":0,"from":"alice","contract":"alice/0",
        "function":"mint","args":[{"key":"bob"},{"int":42}]}"#;
    let action: Action = serde_json::from_str(json).unwrap();
    w.apply(action).unwrap();
    // bob is not the issuer: his mint is reverted with its line.
    w.apply(Action::CallContract {
        node: NodeId(1),
        from: "bob".into(),
        contract: "alice/0".into(),
        function: "mint".into(),
        args: vec![
            Arg::Named(NamedArg::Key("bob".into())),
            Arg::Value(Value::Int(1)),
        ],
        value: Amount::ZERO,
        gas_limit: 5_000,
        gas_price: Amount::new(1),
        nonce: None,
    })
    .unwrap();
    settle(&mut w, 0);
    let calls: Vec<_> = w
        .events()
        .iter()
        .filter_map(|e| match &e.event {
            WorldEvent::ContractCalled {
                node: NodeId(0),
                function,
                fault,
                receipt,
                ..
            } => Some((function.clone(), fault.clone(), receipt.gas_used)),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls.iter().any(|(_, f, _)| f.is_none()));
    let failed = calls.iter().find_map(|(_, f, _)| f.clone()).unwrap();
    assert!(failed.starts_with("line "), "{failed}");
    assert!(failed.contains("only the issuer can mint"), "{failed}");
    // A read without a transaction.
    let balance = w
        .query_contract(
            NodeId(1),
            &token,
            "balance_of",
            &[Value::Address(addr("bob"))],
        )
        .unwrap();
    assert_eq!(balance, Some(Value::Int(42)));
    // Refusals are typed.
    assert!(matches!(
        w.apply(Action::DeployContract {
            node: NodeId(0),
            from: "alice".into(),
            code: ContractCode::Example("nft".into()),
            args: vec![],
            gas_limit: 20_000,
            gas_price: Amount::new(1),
            nonce: None,
        }),
        Err(ActionError::UnknownExample(_))
    ));
    assert!(matches!(
        w.apply(Action::CallContract {
            node: NodeId(0),
            from: "alice".into(),
            contract: "nobody".into(),
            function: "f".into(),
            args: vec![],
            value: Amount::ZERO,
            gas_limit: 5_000,
            gas_price: Amount::new(1),
            nonce: None,
        }),
        Err(ActionError::BadContract(_))
    ));
    // The transcript replays to the same digest.
    let t = w.transcript();
    let again = World::replay(&t).unwrap();
    assert_eq!(again.digest(), w.digest());
}
