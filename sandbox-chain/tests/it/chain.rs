//! The block tree: extension, forks, reorgs, orphans, invalid branches,
//! retargeting, and the errors a student sees.

use proptest::prelude::*;
use sandbox_chain::amount::Amount;
use sandbox_chain::block::{Block, BlockError};
use sandbox_chain::chain::{Chain, ChainError, Placement};
use sandbox_chain::ledger::Ledger;
use sandbox_chain::tx::{Transaction, TxError};

use crate::support::{addr, mine, mine_on, params, pay, solve};

#[test]
fn mining_extends_the_chain_and_pays_reward_and_fees() {
    let mut chain = Chain::new(params());
    let b1 = mine(&chain, "miner", vec![pay("alice", "bob", 10, 2, 0)], 10_000);
    let report = chain.insert(b1.clone()).unwrap();
    assert_eq!(report.placement, Placement::Canonical);
    assert_eq!(chain.height(), 1);
    assert_eq!(chain.tip(), b1.hash());
    let ledger = chain.ledger();
    assert_eq!(ledger.balance(&addr("alice")), Amount::new(88));
    assert_eq!(ledger.balance(&addr("bob")), Amount::new(110));
    assert_eq!(ledger.balance(&addr("miner")), Amount::new(52));
    let txid = b1.txs[1].id();
    assert_eq!(chain.find_tx(&txid), Some((b1.hash(), 1)));
    // Inserting the same block again changes nothing.
    assert_eq!(chain.insert(b1).unwrap().placement, Placement::AlreadyKnown);
}

#[test]
fn the_branch_with_more_work_wins_and_reorgs_are_exact() {
    let mut chain = Chain::new(params());
    let genesis = chain.tip_block().clone();
    let a1 = mine(
        &chain,
        "miner-a",
        vec![pay("alice", "bob", 10, 1, 0)],
        10_000,
    );
    chain.insert(a1.clone()).unwrap();
    let ledger_a = chain.ledger().clone();

    // A competing branch from genesis: equal work keeps the first seen.
    let b1 = mine_on(
        &chain,
        &genesis,
        "miner-b",
        vec![pay("alice", "carol", 20, 1, 0)],
        11_000,
    );
    assert_eq!(
        chain.insert(b1.clone()).unwrap().placement,
        Placement::SideBranch
    );
    assert_eq!(chain.tip(), a1.hash());

    // One more block on b: more work, so the chain reorgs to it.
    let b2 = mine_on(&chain, &b1, "miner-b", vec![], 21_000);
    let report = chain.insert(b2.clone()).unwrap();
    let change = report.tip_change.unwrap();
    assert!(change.is_reorg());
    assert_eq!(change.disconnected, vec![a1.hash()]);
    assert_eq!(change.connected, vec![b1.hash(), b2.hash()]);
    assert_eq!(change.fork_point, genesis.hash());
    assert_eq!(chain.ledger().balance(&addr("carol")), Amount::new(20));
    assert_eq!(chain.ledger().balance(&addr("bob")), Amount::new(100));
    assert_eq!(
        chain.find_tx(&a1.txs[1].id()),
        None,
        "a disconnected transaction is no longer confirmed"
    );

    // And back: a grows to 3 blocks; the ledger is exactly branch a's.
    let a2 = mine_on(&chain, &a1, "miner-a", vec![], 20_000);
    let a3 = mine_on(&chain, &a2, "miner-a", vec![], 30_000);
    chain.insert(a2).unwrap();
    chain.insert(a3.clone()).unwrap();
    assert_eq!(chain.tip(), a3.hash());
    let mut expected = ledger_a;
    expected.credit(addr("miner-a"), Amount::new(100)).unwrap();
    assert_eq!(chain.ledger(), &expected);
}

#[test]
fn orphans_wait_for_their_parent() {
    let mut source = Chain::new(params());
    let b1 = mine(&source, "m", vec![], 10_000);
    source.insert(b1.clone()).unwrap();
    let b2 = mine(&source, "m", vec![], 20_000);
    source.insert(b2.clone()).unwrap();
    let b3 = mine(&source, "m", vec![], 30_000);

    let mut chain = Chain::new(params());
    assert_eq!(
        chain.insert(b3.clone()).unwrap().placement,
        Placement::Orphan {
            missing_parent: b2.hash()
        }
    );
    assert_eq!(
        chain.insert(b2.clone()).unwrap().placement,
        Placement::Orphan {
            missing_parent: b1.hash()
        }
    );
    assert_eq!(chain.height(), 0);
    let mut held = chain.orphans();
    held.sort();
    let mut expected = vec![(b2.hash(), b1.hash(), 2), (b3.hash(), b2.hash(), 3)];
    expected.sort();
    assert_eq!(held, expected);
    let report = chain.insert(b1.clone()).unwrap();
    assert_eq!(report.adopted_orphans, vec![b2.hash(), b3.hash()]);
    assert_eq!(chain.tip(), b3.hash());
    assert!(chain.orphans().is_empty());
    assert_eq!(
        report.tip_change.unwrap().connected,
        vec![b1.hash(), b2.hash(), b3.hash()]
    );
}

#[test]
fn a_branch_with_an_invalid_block_never_becomes_canonical() {
    let mut chain = Chain::new(params());
    let genesis = chain.tip_block().clone();
    let a1 = mine(&chain, "a", vec![], 10_000);
    chain.insert(a1.clone()).unwrap();
    // Branch b: block 1 is fine, block 2 spends more than alice has.
    let b1 = mine_on(&chain, &genesis, "b", vec![], 11_000);
    chain.insert(b1.clone()).unwrap();
    let b2 = mine_on(
        &chain,
        &b1,
        "b",
        vec![pay("alice", "bob", 500, 0, 0)],
        21_000,
    );
    let err = chain.insert(b2.clone()).unwrap_err();
    assert_eq!(
        err,
        ChainError::Block(BlockError::Tx {
            height: 2,
            index: 1,
            error: TxError::InsufficientFunds {
                from: addr("alice"),
                needed: Amount::new(500),
                available: Amount::new(100)
            },
        })
    );
    assert!(
        err.to_string().starts_with("block 2, transaction 1: "),
        "{err}"
    );
    assert_eq!(chain.tip(), a1.hash(), "the valid branch stays canonical");
    assert!(chain.is_invalid(&b2.hash()));
    // Anything built on the invalid block is refused at once.
    let b3 = mine_on(&Chain::new(params()), &b2, "b", vec![], 31_000);
    assert!(matches!(
        chain.insert(b3),
        Err(ChainError::InvalidParent { .. })
    ));
}

#[test]
fn double_spend_across_blocks_is_caught() {
    let mut chain = Chain::new(params());
    let spend = pay("alice", "bob", 60, 0, 0);
    chain
        .insert(mine(&chain, "m", vec![spend.clone()], 10_000))
        .unwrap();
    // The same signed transfer again (a replay), in the next block.
    let replay = mine(&chain, "m", vec![spend], 20_000);
    let err = chain.insert(replay).unwrap_err();
    assert!(err.to_string().contains("was already used"), "{err}");
    // Two transfers with one nonce in a single block (a double spend).
    let mut chain = Chain::new(params());
    let both = mine(
        &chain,
        "m",
        vec![
            pay("alice", "bob", 60, 0, 0),
            pay("alice", "carol", 60, 0, 0),
        ],
        10_000,
    );
    let err = chain.insert(both).unwrap_err();
    assert!(
        matches!(
            err,
            ChainError::Block(BlockError::Tx {
                index: 2,
                error: TxError::NonceUsed { .. },
                ..
            })
        ),
        "{err}"
    );
}

#[test]
fn tampering_is_detected() {
    let chain = Chain::new(params());
    let block = mine(&chain, "m", vec![pay("alice", "bob", 10, 1, 0)], 10_000);

    // Changing a transaction after the block was mined breaks the Merkle root.
    let mut t = block.clone();
    if let Transaction::Transfer(tr) = &mut t.txs[1] {
        tr.transfer.amount = Amount::new(11);
    }
    let err = Chain::new(params()).insert(t).unwrap_err();
    assert!(
        matches!(err, ChainError::Block(BlockError::MerkleMismatch { .. })),
        "{err}"
    );

    // Re-computing the root (and re-mining) still fails: the signature.
    let mut t = block.clone();
    if let Transaction::Transfer(tr) = &mut t.txs[1] {
        tr.transfer.amount = Amount::new(11);
    }
    t.header.merkle_root = t.compute_merkle_root();
    let err = Chain::new(params()).insert(solve(t)).unwrap_err();
    assert!(
        err.to_string()
            .contains("signature does not match the sender's key"),
        "{err}"
    );

    // A coinbase that pays itself too much.
    let mut t = block.clone();
    if let Transaction::Coinbase(c) = &mut t.txs[0] {
        c.amount = Amount::new(1_000);
    }
    t.header.merkle_root = t.compute_merkle_root();
    let err = Chain::new(params()).insert(solve(t)).unwrap_err();
    assert!(
        err.to_string()
            .contains("must pay exactly the reward 50 plus the fees 1"),
        "{err}"
    );

    // A header whose nonce no longer meets the target.
    let mut t = block;
    t.header.nonce = (0..)
        .find(|n| {
            let mut h = t.header;
            h.nonce = *n;
            !h.meets_target()
        })
        .unwrap();
    assert!(matches!(
        Chain::new(params()).insert(t),
        Err(ChainError::Block(BlockError::InsufficientWork { .. }))
    ));
}

#[test]
fn contextual_rules() {
    let mut chain = Chain::new(params());
    let b1 = mine(&chain, "m", vec![], 10_000);
    chain.insert(b1.clone()).unwrap();
    let mut same_time = chain.block_template(addr("m"), vec![], 0);
    same_time.header.timestamp_ms = b1.header.timestamp_ms;
    let err = chain.insert(solve(same_time)).unwrap_err();
    assert!(
        matches!(
            err,
            ChainError::Block(BlockError::TimeNotAfterParent { .. })
        ),
        "{err}"
    );
    let mut wrong_target = chain.block_template(addr("m"), vec![], 20_000);
    wrong_target.header.target = sandbox_chain::pow::Target::MAX;
    let err = chain.insert(solve(wrong_target)).unwrap_err();
    assert!(
        matches!(err, ChainError::Block(BlockError::WrongTarget { .. })),
        "{err}"
    );
}

#[test]
fn retargeting_makes_fast_blocks_harder_and_slow_blocks_easier() {
    // Blocks every second where ten seconds are wanted: the target shrinks.
    let mut fast = Chain::new(params());
    for i in 1..=10 {
        fast.insert(mine(&fast, "m", vec![], i * 1_000)).unwrap();
    }
    let genesis_target = params().genesis_target;
    assert!(fast.tip_block().header.target < genesis_target);
    // Blocks every 40 s: the target grows (by at most 4x).
    let mut slow = Chain::new(params());
    for i in 1..=10 {
        slow.insert(mine(&slow, "m", vec![], i * 40_000)).unwrap();
    }
    assert!(slow.tip_block().header.target > genesis_target);
}

/// Mines `len` blocks on `from`, inserting each into `chain`; bit `i` of
/// `seed` says whether block `i` carries a transfer from alice.
fn grow(
    chain: &mut Chain,
    from: &Block,
    miner: &str,
    len: usize,
    seed: u64,
    t0: u64,
) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut nonce = 0;
    for i in 0..len {
        let transfers = if (seed >> i) & 1 == 1 {
            nonce += 1;
            vec![pay("alice", miner, 1 + seed % 7, seed % 3, nonce - 1)]
        } else {
            vec![]
        };
        let parent = out.last().unwrap_or(from).clone();
        let b = mine_on(
            chain,
            &parent,
            miner,
            transfers,
            t0 + (i as u64 + 1) * 10_000,
        );
        chain.insert(b.clone()).unwrap();
        out.push(b);
    }
    out
}

/// The ledger of a chain that only ever saw `blocks`.
fn replay(blocks: &[Block]) -> Ledger {
    let mut fresh = Chain::new(params());
    for b in blocks {
        fresh.insert(b.clone()).unwrap();
    }
    fresh.ledger().clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Reorg to a longer branch b, then back to a (extended with empty
    /// blocks): the ledger is always exactly that of the canonical branch,
    /// and after coming back it is a's ledger plus only the new rewards.
    #[test]
    fn a_reorg_away_and_back_restores_the_exact_ledger(seed in any::<u64>(), la in 1usize..4, lb in 1usize..4) {
        let mut chain = Chain::new(params());
        let genesis = chain.tip_block().clone();
        let a = grow(&mut chain, &genesis, "a", la, seed, 0);
        let before = chain.ledger().clone();
        let b = grow(&mut chain, &genesis, "b", la + lb, seed.rotate_left(17), 5);
        prop_assert_eq!(chain.tip(), b.last().unwrap().hash());
        prop_assert_eq!(chain.ledger(), &replay(&b));
        let ext = grow(&mut chain, a.last().unwrap(), "a", lb + 1, 0, 1_000_000);
        prop_assert_eq!(chain.tip(), ext.last().unwrap().hash());
        let mut expected = before;
        expected.credit(addr("a"), Amount::new(50 * (lb as u64 + 1))).unwrap();
        prop_assert_eq!(chain.ledger(), &expected);
        prop_assert_eq!(chain.ledger().state_root(), expected.state_root());
    }
}

/// Regression: a block whose *parent* fails the ledger rules during the
/// switch is itself refused with the parent's error, not reported as stored.
#[test]
fn a_block_on_an_invalid_parent_found_during_a_switch_is_refused() {
    let mut chain = Chain::new(params());
    let genesis = chain.tip_block().clone();
    chain.insert(mine(&chain, "a", vec![], 10_000)).unwrap();
    chain.insert(mine(&chain, "a", vec![], 20_000)).unwrap();
    // Branch b: b1 overspends, which is only checked once branch b has
    // the most work, i.e. when b3 arrives.
    let b1 = mine_on(
        &chain,
        &genesis,
        "b",
        vec![pay("alice", "bob", 500, 0, 0)],
        11_000,
    );
    let b2 = mine_on(&chain, &b1, "b", vec![], 21_000);
    let b3 = mine_on(&chain, &b2, "b", vec![], 31_000);
    assert_eq!(chain.insert(b1).unwrap().placement, Placement::SideBranch);
    assert_eq!(chain.insert(b2).unwrap().placement, Placement::SideBranch);
    let err = chain.insert(b3.clone()).unwrap_err();
    assert!(err.to_string().contains("spends 500"), "{err}");
    assert_eq!(chain.height(), 2);
    assert!(chain.is_invalid(&b3.hash()));
}

/// `Block::apply_in_place` (how `Chain` connects blocks) against the pure
/// `Block::apply`: the same ledger, an undo record that restores the exact
/// parent ledger, and a record sized by what the block touched, not by the
/// ledger (the reason it exists: connecting used to copy and diff the
/// whole ledger per block).
mod in_place {
    use super::*;
    use sandbox_chain::chain::{Allocation, ChainParams};
    use sandbox_chain::contract::{Call, Deploy, Value, contract_address, examples};
    use sandbox_chain::keys::Keypair;

    /// Accounts in the ledger besides the ones the blocks use.
    const BYSTANDERS: u64 = 300;

    fn crowded_params() -> ChainParams {
        let mut allocations: Vec<Allocation> = (0..BYSTANDERS)
            .map(|i| Allocation {
                address: addr(&format!("bystander-{i}")),
                amount: Amount::new(5),
            })
            .collect();
        for name in ["alice", "bob", "carol"] {
            allocations.push(Allocation {
                address: addr(name),
                amount: Amount::new(100_000),
            });
        }
        ChainParams::lesson(0, allocations)
    }

    fn deploy(nonce: u64) -> Transaction {
        let key = Keypair::from_name("alice");
        Transaction::Deploy(
            Deploy {
                chain_id: 1,
                from: key.public(),
                nonce,
                gas_limit: 20_000,
                gas_price: Amount::new(1),
                source: examples::TOKEN.source.into(),
                args: vec![Value::text("Coin")],
            }
            .sign(&key),
        )
    }

    fn mint(nonce: u64, deployed_at: u64, amount: u64) -> Transaction {
        let key = Keypair::from_name("alice");
        Transaction::Call(
            Call {
                chain_id: 1,
                from: key.public(),
                nonce,
                contract: contract_address(&addr("alice"), deployed_at),
                function: "mint".into(),
                args: vec![Value::Address(addr("bob")), Value::Int(amount)],
                value: Amount::ZERO,
                gas_limit: 5_000,
                gas_price: Amount::new(2),
            }
            .sign(&key),
        )
    }

    /// Transactions chosen by `seed`: transfers among alice, bob and carol,
    /// a token deploy and mints of it; `overspend` appends one transfer
    /// that cannot apply, so the block fails after writing.
    fn txs(seed: u64, overspend: bool) -> Vec<Transaction> {
        let names = ["alice", "bob", "carol"];
        let mut nonces = [0u64; 3];
        let mut out = Vec::new();
        let mut deployed = None;
        for i in 0..(2 + seed % 6) {
            let pick = (seed >> (3 * i)) as usize;
            if pick.is_multiple_of(5) && deployed.is_none() {
                deployed = Some(nonces[0]);
                out.push(deploy(nonces[0]));
                nonces[0] += 1;
            } else if pick % 5 == 1
                && let Some(at) = deployed
            {
                out.push(mint(nonces[0], at, 1 + seed % 50));
                nonces[0] += 1;
            } else {
                let (from, to) = (pick % 3, (pick / 3) % 3);
                out.push(Transaction::Transfer(pay(
                    names[from],
                    names[to],
                    1 + (seed >> i) % 90,
                    seed % 3,
                    nonces[from],
                )));
                nonces[from] += 1;
            }
        }
        if overspend {
            out.push(Transaction::Transfer(pay(
                "carol", "bob", 1_000_000, 0, nonces[2],
            )));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
        #[test]
        fn applying_in_place_matches_the_pure_transition_and_undoes_exactly(seed in any::<u64>()) {
            let chain = Chain::new(crowded_params());
            let parent = chain.ledger().clone();
            let block = chain.block_template_txs(addr("miner"), txs(seed, false), 10_000);
            let reward = chain.params().block_reward;
            let (pure, receipts) = block.apply_with_receipts(&parent, reward).unwrap();
            let mut ledger = parent.clone();
            let (undo, in_place_receipts) = block.apply_in_place(&mut ledger, reward).unwrap();
            prop_assert_eq!(&ledger, &pure);
            prop_assert_eq!(ledger.state_root(), pure.state_root());
            prop_assert_eq!(in_place_receipts, receipts);
            // Only what the block touched: alice, bob, carol, the miner and
            // at most one contract account; never the bystanders.
            prop_assert!(undo.accounts.len() <= 5, "{} accounts in the undo record", undo.accounts.len());
            prop_assert!(undo.contracts.len() <= 1);
            // Exactly what the whole-ledger diff finds changed, if less
            // eagerly filtered: restoring either gives the parent back.
            let diff = parent.diff_from(&pure);
            for (address, _) in &diff.accounts {
                prop_assert!(undo.accounts.iter().any(|(a, _)| a == address));
            }
            ledger.restore(&undo);
            prop_assert_eq!(&ledger, &parent);
            prop_assert_eq!(ledger.state_root(), parent.state_root());
        }

        #[test]
        fn a_block_that_fails_midway_leaves_the_ledger_untouched(seed in any::<u64>()) {
            let chain = Chain::new(crowded_params());
            let parent = chain.ledger().clone();
            let block = chain.block_template_txs(addr("miner"), txs(seed, true), 10_000);
            let mut ledger = parent.clone();
            let err = block.apply_in_place(&mut ledger, chain.params().block_reward).unwrap_err();
            prop_assert!(err.to_string().contains("1000000"), "{}", err);
            prop_assert_eq!(&ledger, &parent);
            prop_assert_eq!(ledger.state_root(), parent.state_root());
        }
    }
}
