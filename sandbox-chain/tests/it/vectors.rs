//! Encoding vectors for keys, addresses, transactions (transfers, coinbases,
//! contract deploys and calls, relays), blocks and ledger
//! state, checked in as data (`tests/data/tx_vectors.json`). They were
//! produced by this crate and checked independently by the Python verifier
//! in `docs/encoding.md`; `CHAINLAB_BLESS=1` rewrites the file after an
//! intended encoding change.

use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::bridge::mint::vault_address;
use sandbox_chain::bridge::relay::{Relay, headers_to_relay, prove};
use sandbox_chain::bridge::{LightClient, MintBridge};
use sandbox_chain::chain::Chain;
use sandbox_chain::contract::{
    Call, Deploy, Value as CValue, apply_call, apply_deploy, contract_address, examples,
};
use sandbox_chain::encode::Encode;
use sandbox_chain::hash::Domain;
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;
use sandbox_chain::tx::{Coinbase, Transaction, Transfer};
use serde_json::{Value, json};

use crate::support::{addr, mine, params};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tx_vectors.json");

fn key_vector(name: &str) -> Value {
    let k = Keypair::from_name(name);
    json!({
        "name": name,
        "seed": hex::encode(k.seed()),
        "public_key": k.public().to_hex(),
        "address": k.address().to_hex(),
    })
}

fn vectors() -> Value {
    let alice = Keypair::from_name("alice");
    let bob = Keypair::from_name("bob");
    let transfer = Transfer {
        chain_id: 1,
        from: alice.public(),
        to: bob.address(),
        amount: Amount::new(25),
        fee: Amount::new(2),
        nonce: 0,
        memo: "coffee".into(),
    };
    let signed = transfer.clone().sign(&alice);
    let tx = Transaction::Transfer(signed.clone());
    let coinbase = Transaction::Coinbase(Coinbase {
        height: 1,
        to: Keypair::from_name("miner").address(),
        amount: Amount::new(52),
    });
    let block = sandbox_chain::demo::demo_chain(11, 1, 2)
        .unwrap()
        .tip_block()
        .clone();
    let mut ledger = Ledger::with_balances([(alice.address(), Amount::new(100))]).unwrap();
    ledger
        .apply_transfer(&signed, Keypair::from_name("miner").address())
        .unwrap();
    let contracts = contract_vectors();
    json!({
        "contracts": contracts,
        "relay": relay_vector(),
        "comment": "Produced by sandbox-chain (tests/it/vectors.rs), verified by the Python program in docs/encoding.md.",
        "keys": [key_vector("alice"), key_vector("bob"), key_vector("miner")],
        "transfer": {
            "fields": serde_json::to_value(&transfer).unwrap(),
            "signing_bytes": hex::encode(transfer.signing_bytes()),
            "signed_message": hex::encode(Domain::Transfer.prefixed(&transfer.signing_bytes())),
            "signature": signed.signature.to_hex(),
            "tx_hex": hex::encode(tx.encode()),
            "txid": tx.id().to_hex(),
        },
        "coinbase": {
            "fields": serde_json::to_value(&coinbase).unwrap(),
            "tx_hex": hex::encode(coinbase.encode()),
            "txid": coinbase.id().to_hex(),
        },
        "block": {
            "hex": hex::encode(block.encode()),
            "hash": block.hash().to_hex(),
            "txids": block.txids().iter().map(|t| t.to_hex()).collect::<Vec<_>>(),
            "merkle_root": block.header.merkle_root.to_hex(),
        },
        "ledger": {
            "accounts": ledger.accounts().map(|(a, acc)| json!({"address": a.to_hex(), "balance": acc.balance.get(), "nonce": acc.nonce})).collect::<Vec<_>>(),
            "state_root": ledger.state_root().to_hex(),
        },
    })
}

/// A deploy of the shipped token, a call of it, and the ledger (state root
/// with the contract part) after both ran.
fn contract_vectors() -> Value {
    let alice = Keypair::from_name("alice");
    let bob = Keypair::from_name("bob");
    let miner = Keypair::from_name("miner").address();
    let deploy = Deploy {
        chain_id: 1,
        from: alice.public(),
        nonce: 0,
        gas_limit: 20_000,
        gas_price: Amount::new(1),
        source: examples::TOKEN.source.into(),
        args: vec![CValue::text("ChainCoin")],
    };
    let signed_deploy = deploy.clone().sign(&alice);
    let deploy_tx = Transaction::Deploy(signed_deploy.clone());
    let token = contract_address(&alice.address(), 0);
    let call = Call {
        chain_id: 1,
        from: alice.public(),
        nonce: 1,
        contract: token,
        function: "mint".into(),
        args: vec![CValue::Address(bob.address()), CValue::Int(500)],
        value: Amount::new(3),
        gas_limit: 5_000,
        gas_price: Amount::new(2),
    };
    let signed_call = call.clone().sign(&alice);
    let call_tx = Transaction::Call(signed_call.clone());
    let mut ledger = Ledger::with_balances([(alice.address(), Amount::new(100_000))]).unwrap();
    let r1 = apply_deploy(&mut ledger, &signed_deploy, 1, miner).unwrap();
    let r2 = apply_call(&mut ledger, &signed_call, 1, miner).unwrap();
    assert!(r1.succeeded() && r2.succeeded());
    let contracts: Vec<Value> = ledger
        .contracts()
        .map(|(a, c)| {
            json!({
                "address": a.to_hex(),
                "source": c.source,
                "code_hash": c.code_hash.to_hex(),
                // Deliberately not in key order: the verifier sorts.
                "storage": c.storage.iter().rev().map(|(k, v)| json!({
                    "name": k.name,
                    "key": k.key,
                    "value": v,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "deploy": {
            "fields": serde_json::to_value(&deploy).unwrap(),
            "signing_bytes": hex::encode(deploy.encode()),
            "signature": signed_deploy.signature.to_hex(),
            "tx_hex": hex::encode(deploy_tx.encode()),
            "txid": deploy_tx.id().to_hex(),
            "contract_address": token.to_hex(),
        },
        "call": {
            "fields": serde_json::to_value(&call).unwrap(),
            "signing_bytes": hex::encode(call.encode()),
            "signature": signed_call.signature.to_hex(),
            "tx_hex": hex::encode(call_tx.encode()),
            "txid": call_tx.id().to_hex(),
        },
        "ledger": {
            "accounts": ledger.accounts().map(|(a, acc)| json!({"address": a.to_hex(), "balance": acc.balance.get(), "nonce": acc.nonce})).collect::<Vec<_>>(),
            "contracts": contracts,
            "state_root": ledger.state_root().to_hex(),
        },
    })
}

/// The destination chain of the relay vector (the source is the lesson
/// chain of `support::params`, id 1).
const RELAY_DEST: u32 = 2;
/// Confirmations the relay vector's bridge needs.
const RELAY_DEPTH: u64 = 3;

/// A relay from chain 1 to chain 2: three headers (the first holds a lock:
/// alice pays 30 to the vault for bob), and the lock's Merkle proof.
fn relay() -> Relay {
    let key = Keypair::from_name("alice");
    let lock = Transfer {
        chain_id: 1,
        from: key.public(),
        to: vault_address(1, RELAY_DEST),
        amount: Amount::new(30),
        fee: Amount::new(1),
        nonce: 0,
        memo: format!("bridge:{}", addr("bob").to_hex()),
    }
    .sign(&key);
    let mut a = Chain::new(params());
    let b1 = mine(&a, "miner", vec![lock], 10_000);
    let lock_id = b1.txs[1].id();
    a.insert(b1).unwrap();
    for t in [20_000, 30_000] {
        let b = mine(&a, "miner", vec![], t);
        a.insert(b).unwrap();
    }
    let light = LightClient::new(&params());
    Relay {
        source_chain: 1,
        headers: headers_to_relay(&a, &light, 64),
        proofs: vec![prove(&a, &lock_id).unwrap()],
    }
}

fn relay_vector() -> Value {
    let relay = relay();
    let tx = Transaction::Relay(relay.clone());
    let proofs: Vec<Value> = relay
        .proofs
        .iter()
        .map(|p| {
            let t = p.tx.as_transfer().unwrap();
            json!({
                "block": p.block.to_hex(),
                "transfer": serde_json::to_value(&t.transfer).unwrap(),
                "signature": t.signature.to_hex(),
                "txid": p.tx.id().to_hex(),
                "leaf_index": p.proof.leaf_index(),
                "leaf_count": p.proof.leaf_count(),
                "siblings": p.proof.siblings().iter().map(|h| h.to_hex()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "source_chain": relay.source_chain,
        "destination_chain": RELAY_DEST,
        "min_confirmations": RELAY_DEPTH,
        "vault": vault_address(relay.source_chain, RELAY_DEST).to_hex(),
        "headers": relay.headers.iter().map(|h| hex::encode(h.encode())).collect::<Vec<_>>(),
        "proofs": proofs,
        "tx_hex": hex::encode(tx.encode()),
        "txid": tx.id().to_hex(),
    })
}

/// The relay vector is a real relay: its bytes decode to the relay built
/// here, and a bridge from chain 1 needing 3 confirmations takes its three
/// headers and mints bob's 30 once.
#[test]
fn relay_vector_decodes_and_mints_on_the_destination() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    let bytes = hex::decode(file["relay"]["tx_hex"].as_str().unwrap()).unwrap();
    let tx = <Transaction as sandbox_chain::encode::Decode>::decode(&bytes).unwrap();
    assert_eq!(tx.id().to_hex(), file["relay"]["txid"].as_str().unwrap());
    let Transaction::Relay(decoded) = tx else {
        panic!("tag 0x12 decodes to a relay, not {tx:?}")
    };
    assert_eq!(decoded, relay());
    let mut bridge = MintBridge::new(
        LightClient::new(&params()),
        vault_address(1, RELAY_DEST),
        RELAY_DEPTH,
    );
    let receipt = bridge.apply_relay(&decoded);
    assert_eq!(receipt.headers_accepted, 3);
    assert_eq!(receipt.header_refused, None);
    assert!(receipt.claims_refused.is_empty(), "{receipt:?}");
    assert_eq!(receipt.minted.len(), 1);
    assert_eq!(bridge.wrapped_balance(&addr("bob")), Amount::new(30));
}

#[test]
fn encoding_vectors_match_the_checked_in_file() {
    let now = vectors();
    if std::env::var_os("CHAINLAB_BLESS").is_some() {
        std::fs::write(PATH, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
    }
    let file: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    assert_eq!(
        file, now,
        "encoding changed: if intended, run with CHAINLAB_BLESS=1 and update docs/encoding.md"
    );
}

#[test]
fn block_vector_decodes() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    let bytes = hex::decode(file["block"]["hex"].as_str().unwrap()).unwrap();
    let block = <Block as sandbox_chain::encode::Decode>::decode(&bytes).unwrap();
    assert_eq!(
        block.hash().to_hex(),
        file["block"]["hash"].as_str().unwrap()
    );
}
