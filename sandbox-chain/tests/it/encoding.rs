//! Canonical encoding: checked-in vectors, decoders that never panic, and
//! tamper evidence of every byte of a block.

use std::sync::OnceLock;

use proptest::prelude::*;
use sandbox_chain::block::Block;
use sandbox_chain::chain::Chain;
use sandbox_chain::demo::{demo_chain, demo_params};
use sandbox_chain::encode::{Decode, Encode};

/// A small valid block with transfers (height 2 of the seed-5 demo chain)
/// and the chain of its parent, built once.
fn sample_block() -> (Chain, Block) {
    static SAMPLE: OnceLock<(Chain, Block)> = OnceLock::new();
    SAMPLE
        .get_or_init(|| {
            let block = demo_chain(5, 2, 3).unwrap().tip_block().clone();
            assert!(block.txs.len() > 1, "the sample block has transfers");
            let parent_chain = demo_chain(5, 1, 3).unwrap();
            assert!(parent_chain.clone().insert(block.clone()).is_ok());
            (parent_chain, block)
        })
        .clone()
}

#[test]
fn block_encoding_round_trips() {
    let (_, block) = sample_block();
    assert_eq!(Block::decode(&block.encode()).unwrap(), block);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// No decoder or validator panics on arbitrary bytes.
    #[test]
    fn no_decoder_panics_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        sandbox_chain::fuzz_decode(&data);
    }

    /// Nor on valid encodings with random corruption (which reach deeper).
    #[test]
    fn no_decoder_panics_on_corrupted_blocks(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8), cut in any::<usize>()) {
        let (_, block) = sample_block();
        let mut bytes = block.encode();
        for (at, value) in edits {
            let i = at % bytes.len();
            bytes[i] = value;
        }
        sandbox_chain::fuzz_decode(&bytes);
        bytes.truncate(cut % (bytes.len() + 1));
        sandbox_chain::fuzz_decode(&bytes);
    }

    /// Nor on corrupted deploys and calls (which also run through the
    /// contract engine and the mempool there).
    #[test]
    fn no_decoder_panics_on_corrupted_contract_txs(which in any::<bool>(), edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6), cut in any::<usize>()) {
        let mut bytes = contract_tx(which).encode();
        for (at, value) in edits {
            let i = at % bytes.len();
            bytes[i] = value;
        }
        sandbox_chain::fuzz_decode(&bytes);
        bytes.truncate(cut % (bytes.len() + 1));
        sandbox_chain::fuzz_decode(&bytes);
    }
}

/// A signed deploy of the shipped token (`true`) or a call of it.
fn contract_tx(deploy: bool) -> sandbox_chain::tx::Transaction {
    use sandbox_chain::amount::Amount;
    use sandbox_chain::contract::{Call, Deploy, Value, contract_address, examples};
    use sandbox_chain::keys::Keypair;
    let key = Keypair::from_name("alice");
    if deploy {
        Deploy {
            chain_id: 1,
            from: key.public(),
            nonce: 0,
            gas_limit: 20_000,
            gas_price: Amount::new(1),
            source: examples::TOKEN.source.into(),
            args: vec![Value::text("T")],
        }
        .sign(&key)
        .into()
    } else {
        Call {
            chain_id: 1,
            from: key.public(),
            nonce: 0,
            contract: contract_address(&key.address(), 0),
            function: "mint".into(),
            args: vec![Value::Address(key.address()), Value::Int(5)],
            value: Amount::new(3),
            gas_limit: 5_000,
            gas_price: Amount::new(1),
        }
        .sign(&key)
        .into()
    }
}

/// Flipping any single byte of a valid block's encoding (every position,
/// several bit patterns) makes it fail to decode, or changes its hash, or
/// makes it invalid on the parent chain.
#[test]
fn flipping_any_byte_of_a_block_is_detected() {
    let (parent_chain, block) = sample_block();
    let bytes = block.encode();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            let Ok(decoded) = Block::decode(&b) else {
                continue;
            };
            if decoded.hash() != block.hash() {
                continue;
            }
            let mut chain = parent_chain.clone();
            assert!(
                chain.insert(decoded).is_err(),
                "byte {i} ^ {mask:#04x} went unnoticed"
            );
        }
    }
}

#[test]
fn genesis_is_fixed_by_the_params() {
    assert_eq!(
        Chain::new(demo_params()).genesis(),
        demo_params().genesis_block().hash()
    );
}
