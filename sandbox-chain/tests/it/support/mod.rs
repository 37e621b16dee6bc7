//! Helpers shared by the integration tests: named keys, transfers, mining.

use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::chain::{Allocation, Chain, ChainParams};
use sandbox_chain::keys::{Address, Keypair};
use sandbox_chain::pow::mine_range;
use sandbox_chain::tx::{SignedTransfer, Transaction, Transfer};

/// The address of a named key.
pub(crate) fn addr(name: &str) -> Address {
    Keypair::from_name(name).address()
}

/// Lesson parameters at 4 bits of difficulty, alice and bob holding 100.
pub(crate) fn params() -> ChainParams {
    ChainParams::lesson(
        4,
        vec![
            Allocation {
                address: addr("alice"),
                amount: Amount::new(100),
            },
            Allocation {
                address: addr("bob"),
                amount: Amount::new(100),
            },
        ],
    )
}

/// A signed transfer on chain 1.
pub(crate) fn pay(from: &str, to: &str, amount: u64, fee: u64, nonce: u64) -> SignedTransfer {
    let key = Keypair::from_name(from);
    Transfer {
        chain_id: 1,
        from: key.public(),
        to: addr(to),
        amount: Amount::new(amount),
        fee: Amount::new(fee),
        nonce,
        memo: String::new(),
    }
    .sign(&key)
}

/// Finds a nonce for `block` (low difficulty: a few dozen tries).
pub(crate) fn solve(mut block: Block) -> Block {
    block.header.nonce = mine_range(&block.header, 0..u64::MAX)
        .nonce()
        .expect("some nonce meets a lesson target");
    block
}

/// A mined block on top of `chain`'s tip at time `t`.
pub(crate) fn mine(chain: &Chain, miner: &str, transfers: Vec<SignedTransfer>, t: u64) -> Block {
    solve(chain.block_template(addr(miner), transfers, t))
}

/// A mined block on top of `parent` (any stored block of `chain`).
pub(crate) fn mine_on(
    chain: &Chain,
    parent: &Block,
    miner: &str,
    transfers: Vec<SignedTransfer>,
    t: u64,
) -> Block {
    let mut template = chain.block_template(addr(miner), transfers, t);
    template.header.parent = parent.hash();
    template.header.height = parent.height() + 1;
    // An unknown parent (not inserted yet) keeps its target: tests stay below
    // the first retarget height there.
    template.header.target = chain
        .next_target(&parent.hash())
        .unwrap_or(parent.header.target);
    template.header.timestamp_ms = t.max(parent.header.timestamp_ms + 1);
    if let Some(Transaction::Coinbase(c)) = template.txs.first_mut() {
        c.height = template.header.height;
    }
    template.header.merkle_root = template.compute_merkle_root();
    solve(template)
}
