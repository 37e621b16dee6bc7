//! Encoding vectors for keys, addresses, transactions, blocks and ledger
//! state, checked in as data (`tests/data/tx_vectors.json`). They were
//! produced by this crate and checked independently by the Python verifier
//! in `docs/encoding.md`; `CHAINLAB_BLESS=1` rewrites the file after an
//! intended encoding change.

use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::encode::Encode;
use sandbox_chain::hash::Domain;
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;
use sandbox_chain::tx::{Coinbase, Transaction, Transfer};
use serde_json::{Value, json};

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
    json!({
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
