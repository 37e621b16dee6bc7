//! Connected chains: light-client verification, the lock-and-mint bridge
//! with its failure cases (relayer offline, reorg under a transfer, forged
//! proofs), and atomic swaps over random seeds, outages and reorgs.

use proptest::prelude::*;
use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::bridge::mint::vault_address;
use sandbox_chain::bridge::relay::{Relay, headers_to_relay, locks_to_relay, prove};
use sandbox_chain::bridge::swap::{SwapOutcome, SwapParams, simulate};
use sandbox_chain::bridge::{BridgeError, LightClient, LightError, MintBridge};
use sandbox_chain::chain::{BridgeParams, Chain};
use sandbox_chain::keys::Keypair;
use sandbox_chain::tx::{SignedTransfer, Transaction, Transfer};

use crate::support::{addr, mine, mine_on, params, solve};

/// Chain B's id in these tests (chain A is the lesson chain, id 1).
const CHAIN_B: u32 = 2;

fn lock(amount: u64, nonce: u64, recipient: &str) -> SignedTransfer {
    let key = Keypair::from_name("alice");
    Transfer {
        chain_id: 1,
        from: key.public(),
        to: vault_address(1, CHAIN_B),
        amount: Amount::new(amount),
        fee: Amount::new(1),
        nonce,
        memo: format!("bridge:{}", addr(recipient).to_hex()),
    }
    .sign(&key)
}

/// Chain A with `extra` blocks on top of the block holding a lock of 40.
fn chain_with_lock(extra: u64) -> (Chain, Transaction, Vec<Block>) {
    let mut a = Chain::new(params());
    let b1 = mine(&a, "miner", vec![], 10_000);
    a.insert(b1.clone()).unwrap();
    let b2 = mine(&a, "miner", vec![lock(40, 0, "alice")], 20_000);
    let tx = b2.txs[1].clone();
    a.insert(b2.clone()).unwrap();
    let mut blocks = vec![b1, b2];
    for i in 0..extra {
        let b = mine(&a, "miner", vec![], 30_000 + i * 10_000);
        a.insert(b.clone()).unwrap();
        blocks.push(b);
    }
    (a, tx, blocks)
}

fn relay_all(a: &Chain, light: &mut LightClient) {
    for h in headers_to_relay(a, light, usize::MAX) {
        light.submit(h).unwrap();
    }
}

#[test]
fn a_proven_lock_mints_once_at_depth() {
    let (a, tx, _) = chain_with_lock(2);
    let mut bridge = MintBridge::new(LightClient::new(&params()), vault_address(1, CHAIN_B), 3);
    relay_all(&a, &mut bridge.light);
    let p = prove(&a, &tx.id()).unwrap();
    let minted = bridge.claim(&p).unwrap();
    assert_eq!(minted.amount, Amount::new(40));
    assert_eq!(minted.to, addr("alice"));
    assert_eq!(minted.confirmations, 3);
    assert_eq!(bridge.wrapped_balance(&addr("alice")), Amount::new(40));
    // The same proof again (a replaying relayer) mints nothing.
    assert!(matches!(
        bridge.claim(&p),
        Err(BridgeError::AlreadyMinted { .. })
    ));
    assert_eq!(bridge.supply(), Amount::new(40));
}

#[test]
fn relayer_offline_means_waiting_not_losing() {
    let (a, tx, _) = chain_with_lock(2);
    let mut bridge = MintBridge::new(LightClient::new(&params()), vault_address(1, CHAIN_B), 3);
    let p = prove(&a, &tx.id()).unwrap();
    // The relayer has delivered nothing: B knows no such block.
    let e = bridge.claim(&p).unwrap_err();
    assert!(
        matches!(e, BridgeError::Light(LightError::UnknownBlock { .. })),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("has the relayer delivered its header?")
    );
    // It delivered up to the lock's block, then went offline: too shallow.
    for h in headers_to_relay(&a, &bridge.light, 2) {
        bridge.light.submit(h).unwrap();
    }
    let e = bridge.claim(&p).unwrap_err();
    assert!(
        e.to_string()
            .contains("has 1 confirmation(s), 3 are required"),
        "{e}"
    );
    // Back online: the claim goes through.
    relay_all(&a, &mut bridge.light);
    assert!(bridge.claim(&p).is_ok());
}

#[test]
fn a_relayer_cannot_forge() {
    let (a, tx, blocks) = chain_with_lock(2);
    let mut bridge = MintBridge::new(LightClient::new(&params()), vault_address(1, CHAIN_B), 1);
    relay_all(&a, &mut bridge.light);
    // A bigger lock than alice made: its id differs, the proof fails.
    let mut p = prove(&a, &tx.id()).unwrap();
    if let Transaction::Transfer(t) = &mut p.tx {
        t.transfer.amount = Amount::new(4_000);
    }
    let e = bridge.claim(&p).unwrap_err();
    assert!(e.to_string().contains("Merkle proof does not match"), "{e}");
    // The coinbase is in a block too, but it pays no vault.
    let cb = blocks[1].txs[0].clone();
    let p = prove(&a, &cb.id()).unwrap();
    assert!(matches!(bridge.claim(&p), Err(BridgeError::NotATransfer)));
    // Headers without work, or with an easier target, are refused.
    let mut light = LightClient::new(&params());
    let mut lazy = blocks[0].header;
    lazy.nonce = lazy.nonce.wrapping_add(1);
    while lazy.meets_target() {
        lazy.nonce = lazy.nonce.wrapping_add(1);
    }
    assert!(matches!(light.submit(lazy), Err(LightError::NoWork { .. })));
    let mut easy = blocks[0].clone();
    easy.header.target = sandbox_chain::pow::Target::MAX;
    let easy = solve(easy);
    assert!(matches!(
        light.submit(easy.header),
        Err(LightError::WrongTarget { .. })
    ));
    // Out of order.
    assert!(matches!(
        light.submit(blocks[1].header),
        Err(LightError::UnknownParent { .. })
    ));
}

#[test]
fn a_reorg_under_a_transfer_is_why_the_bridge_waits_for_depth() {
    let (mut a, tx, blocks) = chain_with_lock(0);
    let hasty = MintBridge::new(LightClient::new(&params()), vault_address(1, CHAIN_B), 1);
    let careful = MintBridge::new(LightClient::new(&params()), vault_address(1, CHAIN_B), 3);
    let (mut hasty, mut careful) = (hasty, careful);
    relay_all(&a, &mut hasty.light);
    relay_all(&a, &mut careful.light);
    let p = prove(&a, &tx.id()).unwrap();
    // With 1 confirmation the hasty bridge mints at once...
    assert!(hasty.claim(&p).is_ok());
    // ...the careful one waits.
    assert!(matches!(
        careful.claim(&p),
        Err(BridgeError::Light(LightError::TooShallow { .. }))
    ));
    // An attacker mines a longer branch from block 1, without the lock.
    let mut parent = blocks[0].clone();
    for i in 0..3 {
        let b = mine_on(&a, &parent, "mallory", vec![], 25_000 + i * 10_000);
        a.insert(b.clone()).unwrap();
        parent = b;
    }
    assert!(
        a.find_tx(&tx.id()).is_none(),
        "the lock was reorganised away"
    );
    relay_all(&a, &mut hasty.light);
    relay_all(&a, &mut careful.light);
    // The hasty bridge minted 40 wrapped coins that nothing backs on A.
    assert_eq!(hasty.supply(), Amount::new(40));
    // The careful bridge refuses: the lock's block is off the best branch.
    let e = careful.claim(&p).unwrap_err();
    assert!(
        matches!(e, BridgeError::Light(LightError::NotOnBestChain { .. })),
        "{e}"
    );
    assert_eq!(careful.supply(), Amount::ZERO);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Both honest: with timeouts far enough apart, every swap completes,
    /// whatever the outages and reorgs.
    #[test]
    fn honest_swaps_complete(seed in any::<u64>(), outage in 0u64..6, reorg in 0u64..4) {
        let p = SwapParams::safe(outage, reorg);
        let (outcome, _, _) = simulate(&p, seed);
        prop_assert_eq!(outcome, SwapOutcome::Swapped, "seed {} outage {} reorg {}", seed, outage, reorg);
    }

    /// A swap is atomic: whoever stops cooperating, both sides complete or
    /// both refund (a timeout refunds), never one of each.
    #[test]
    fn swaps_are_atomic(seed in any::<u64>(), outage in 0u64..6, reorg in 0u64..4, alice_claims in any::<bool>(), bob_locks in any::<bool>()) {
        let p = SwapParams { alice_claims, bob_locks, ..SwapParams::safe(outage, reorg) };
        let (outcome, _, _) = simulate(&p, seed);
        prop_assert!(
            matches!(outcome, SwapOutcome::Swapped | SwapOutcome::Refunded),
            "seed {} outage {} reorg {} alice_claims {} bob_locks {}: {:?}", seed, outage, reorg, alice_claims, bob_locks, outcome
        );
        if !alice_claims || !bob_locks {
            prop_assert_eq!(outcome, SwapOutcome::Refunded, "seed {}", seed);
        }
    }
}

#[test]
fn timeouts_closer_than_the_longest_outage_break_atomicity() {
    // The lesson's failure case: bob's timeout is only 2 blocks before
    // alice's, and the relayer can be offline for 12. Alice claims bob's
    // coins; bob's claim on A arrives after alice refunded. Find such a
    // seed (deterministically) and check that bob lost.
    let p = SwapParams {
        confirmations: 1,
        timeout_b: 30,
        timeout_a: 32,
        max_outage: 12,
        max_reorg: 0,
        alice_claims: true,
        bob_locks: true,
    };
    let lost: Vec<u64> = (0..200)
        .filter(|s| simulate(&p, *s).0 == SwapOutcome::BobLost)
        .collect();
    assert!(!lost.is_empty(), "no seed in 0..200 shows the failure");
    // And the same seeds with safe timeouts complete.
    for s in lost.iter().take(5) {
        assert_eq!(
            simulate(&SwapParams::safe(12, 0), *s).0,
            SwapOutcome::Swapped,
            "seed {s}"
        );
    }
}

// ---- a relay is applied once per branch ----

/// Chain B (id 2, proof of work) with a bridge from the test chain A that
/// needs `depth` confirmations.
fn chain_b(depth: u64) -> Chain {
    let mut p = params();
    p.chain_id = CHAIN_B;
    p.bridges = vec![BridgeParams {
        source: Box::new(params()),
        min_confirmations: depth,
    }];
    Chain::new(p)
}

/// A mined block of `chain` at time `t` holding `txs` (after the coinbase).
fn mine_txs(chain: &Chain, txs: Vec<Transaction>, t: u64) -> Block {
    solve(chain.block_template_txs(addr("miner"), txs, t))
}

/// A relay carries no sender and no nonce, so nothing in the ledger tells
/// its second run from its first. Before the fix chain B took the very same
/// relay (same id) in a later block again, once more refusing its lock: a
/// replay, and two blocks for one transaction id in the chain's index.
#[test]
fn a_relay_already_on_the_branch_makes_a_later_block_invalid() {
    let (a, tx, _) = chain_with_lock(2);
    let relay = Transaction::Relay(Relay {
        source_chain: 1,
        headers: headers_to_relay(&a, &LightClient::new(&params()), 64),
        proofs: vec![prove(&a, &tx.id()).unwrap()],
    });
    let mut b = chain_b(3);
    let first = mine_txs(&b, vec![relay.clone()], 10_000);
    b.insert(first.clone()).unwrap();
    assert_eq!(
        b.ledger()
            .bridge(1)
            .unwrap()
            .wrapped_balance(&addr("alice")),
        Amount::new(40)
    );
    assert_eq!(b.find_tx(&relay.id()), Some((first.hash(), 1)));
    // One more block, then the same relay again in block 3 of the same
    // branch: refused, and the block with it.
    b.insert(mine_txs(&b, vec![], 15_000)).unwrap();
    let again = mine_txs(&b, vec![relay.clone()], 20_000);
    let e = b.insert(again).unwrap_err().to_string();
    assert!(
        e.contains("already on this chain, in block 1"),
        "the reason names where it already is: {e}"
    );
    assert_eq!(b.height(), 2);
    assert_eq!(b.find_tx(&relay.id()), Some((first.hash(), 2)));
    // On another branch it is not a replay: a sibling of block 1 may hold
    // it, and when that branch wins, the relay runs there (once).
    let sibling = mine_txs(&chain_b(3), vec![relay.clone()], 11_000);
    b.insert(sibling.clone()).unwrap();
    let mut parent = sibling.clone();
    for t in [21_000, 31_000] {
        let next = mine_on(&b, &parent, "mallory", vec![], t);
        b.insert(next.clone()).unwrap();
        parent = next;
    }
    assert_eq!(b.tip(), parent.hash(), "the sibling's branch has more work");
    assert_eq!(b.find_tx(&relay.id()), Some((sibling.hash(), 3)));
    assert_eq!(
        b.ledger()
            .bridge(1)
            .unwrap()
            .wrapped_balance(&addr("alice")),
        Amount::new(40),
        "minted once, on the winning branch"
    );
}

// ---- a lock refused for good is recorded, and not proven again ----

/// Chain A with a lock of 40 that names nobody (`memo`), and one of 30 to
/// alice, then `extra` blocks: (chain, the memo's lock, alice's lock).
fn chain_with_locks(memo: &str, extra: u64) -> (Chain, Transaction, Transaction) {
    let key = Keypair::from_name("alice");
    let nameless = Transfer {
        memo: memo.into(),
        ..lock(40, 0, "alice").transfer
    }
    .sign(&key);
    let mut a = Chain::new(params());
    let b1 = mine(
        &a,
        "miner",
        vec![nameless.clone(), lock(30, 1, "alice")],
        10_000,
    );
    a.insert(b1.clone()).unwrap();
    for i in 0..extra {
        let b = mine(&a, "miner", vec![], 20_000 + i * 10_000);
        a.insert(b).unwrap();
    }
    (a, Transaction::Transfer(nameless), b1.txs[2].clone())
}

/// Before the fix the refusal left no trace in B's state: the relayer
/// proved the same lock every round and B refused it every time.
#[test]
fn a_lock_naming_nobody_is_refused_once_and_recorded_as_unclaimable() {
    for memo in ["", "bridge:nobody", "to alice"] {
        let (a, nameless, good) = chain_with_locks(memo, 2);
        let mut bridge = MintBridge::new(LightClient::new(&params()), vault_address(1, CHAIN_B), 3);
        let root_before = {
            let mut out = Vec::new();
            bridge.encode_state(&mut out);
            out
        };
        let relay = Relay {
            source_chain: 1,
            headers: headers_to_relay(&a, &bridge.light, 64),
            proofs: vec![
                prove(&a, &nameless.id()).unwrap(),
                prove(&a, &good.id()).unwrap(),
            ],
        };
        let receipt = bridge.apply_relay(&relay);
        assert_eq!(receipt.minted.len(), 1, "{memo:?}: alice's lock mints");
        let [refused] = receipt.claims_refused.as_slice() else {
            panic!("{memo:?}: one refusal: {receipt:?}");
        };
        assert_eq!(refused.lock, nameless.id());
        assert!(
            refused.reason.contains("does not say who receives"),
            "{}",
            refused.reason
        );
        assert!(bridge.is_unclaimable(&nameless.id()), "{memo:?}");
        assert_eq!(bridge.unclaimable().count(), 1);
        let mut root_after = Vec::new();
        bridge.encode_state(&mut root_after);
        assert_ne!(root_before, root_after, "the record is in the state");
        // Proven again (by anyone): refused, saying it is final.
        let e = bridge.claim(&relay.proofs[0]).unwrap_err();
        assert!(matches!(e, BridgeError::Unclaimable { .. }), "{e}");
        assert!(e.to_string().contains("already refused for good"), "{e}");
        // A relayer has nothing left to prove.
        assert_eq!(locks_to_relay(&a, &bridge, 16), vec![]);
        assert_eq!(bridge.supply(), Amount::new(30));
    }
}

/// A relayer proves what B would act on, by B's rules: locks that mint
/// now, and a lock refused for good once (so B records it); not locks too
/// shallow yet, and not what B has minted or recorded.
#[test]
fn a_relayer_proves_only_what_the_destination_would_act_on() {
    let (mut a, nameless, good) = chain_with_locks("", 1);
    let mut bridge = MintBridge::new(LightClient::new(&params()), vault_address(1, CHAIN_B), 3);
    relay_all(&a, &mut bridge.light);
    // Two confirmations of three: too shallow, nothing to prove.
    assert_eq!(locks_to_relay(&a, &bridge, 16), vec![]);
    let b = mine(&a, "miner", vec![], 90_000);
    a.insert(b).unwrap();
    relay_all(&a, &mut bridge.light);
    let proofs = locks_to_relay(&a, &bridge, 16);
    let ids: Vec<_> = proofs.iter().map(|p| p.tx.id()).collect();
    assert_eq!(ids, vec![nameless.id(), good.id()], "block order");
    assert_eq!(locks_to_relay(&a, &bridge, 1).len(), 1, "at most max");
    bridge.apply_relay(&Relay {
        source_chain: 1,
        headers: vec![],
        proofs,
    });
    assert!(bridge.has_minted(&good.id()) && bridge.is_unclaimable(&nameless.id()));
    assert_eq!(locks_to_relay(&a, &bridge, 16), vec![]);
}
