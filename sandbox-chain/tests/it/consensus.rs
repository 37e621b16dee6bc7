//! Chain-level consensus rules: seals, proof of authority, permissioned
//! membership and governance, and the seal's place in the encoding.

use std::collections::BTreeMap;

use sandbox_chain::block::{Block, BlockError, Seal};
use sandbox_chain::chain::{Chain, ChainError, ChainParams};
use sandbox_chain::consensus::Consensus;
use sandbox_chain::encode::{Decode, Encode};
use sandbox_chain::identity::{
    Change, Consortium, Governance, GovernanceError, Organisation, Role,
};
use sandbox_chain::keys::{Keypair, PublicKey};
use sandbox_chain::tx::{Transaction, TxError};

use crate::support::{addr, params, pay};

fn key(name: &str) -> Keypair {
    Keypair::from_name(name)
}

fn authorities() -> Vec<PublicKey> {
    ["auth0", "auth1", "auth2"]
        .iter()
        .map(|n| key(n).public())
        .collect()
}

/// A proof-of-authority chain of three authorities, 1 s blocks.
fn poa_params() -> ChainParams {
    let mut p = params().with_consensus(Consensus::Authority {
        validators: authorities(),
    });
    p.target_block_time_ms = 1_000;
    p
}

/// A block on `parent` (a stored block) sealed by `signer` at time `t`.
fn sealed(chain: &Chain, parent: &Block, signer: &str, t: u64) -> Block {
    let mut b = chain.block_template(addr(signer), vec![], t);
    b.header.parent = parent.hash();
    b.header.height = parent.height() + 1;
    if let Some(Transaction::Coinbase(c)) = b.txs.first_mut() {
        c.height = b.header.height;
    }
    b.header.merkle_root = b.compute_merkle_root();
    b.seal_as_authority(&key(signer));
    b
}

#[test]
fn authorities_take_turns_and_in_turn_blocks_win() {
    let mut chain = Chain::new(poa_params());
    let genesis = chain.tip_block().clone();
    // Height 1: auth1 is in turn (1 mod 3).
    let b1 = sealed(&chain, &genesis, "auth1", 1_000);
    chain.insert(b1.clone()).unwrap();
    // An out-of-turn stand-in at height 2 (auth2's turn), after 2 periods.
    let stand_in = sealed(&chain, &b1, "auth0", 3_000);
    chain.insert(stand_in.clone()).unwrap();
    assert_eq!(chain.tip(), stand_in.hash());
    // The in-turn authority's block at the same height weighs more.
    let in_turn = sealed(&chain, &b1, "auth2", 3_500);
    let r = chain.insert(in_turn.clone()).unwrap();
    assert!(r.tip_change.unwrap().is_reorg());
    assert_eq!(chain.tip(), in_turn.hash());
    assert_eq!(chain.cumulative_work(&in_turn.hash()), Some(4));
}

#[test]
fn authority_rules_refuse_with_reasons() {
    let mut chain = Chain::new(poa_params());
    let genesis = chain.tip_block().clone();
    let refuse = |chain: &mut Chain, b: Block| match chain.insert(b) {
        Err(ChainError::Block(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Not an authority.
    let e = {
        let b = sealed(&chain, &genesis, "mallory", 1_000);
        refuse(&mut chain, b)
    };
    assert!(matches!(e, BlockError::NotAnAuthority { .. }), "{e}");
    // Unsealed.
    let mut unsealed = sealed(&chain, &genesis, "auth1", 1_000);
    unsealed.seal = Seal::None;
    let e = refuse(&mut chain, unsealed);
    assert_eq!(
        e.to_string(),
        "block 1 carries no seal, but a proof of authority chain needs an authority seal"
    );
    // A seal over another block.
    let mut forged = sealed(&chain, &genesis, "auth1", 1_000);
    forged.header.timestamp_ms += 1;
    assert!(matches!(
        refuse(&mut chain, forged),
        BlockError::BadSeal { .. }
    ));
    // Out of turn too early: auth0 at height 1 must wait two periods.
    let e = {
        let b = sealed(&chain, &genesis, "auth0", 1_500);
        refuse(&mut chain, b)
    };
    assert!(e.to_string().contains("too early"), "{e}");
    // Twice in a row by the same authority (1 of any 2 with 3 authorities).
    let b1 = sealed(&chain, &genesis, "auth1", 1_000);
    chain.insert(b1.clone()).unwrap();
    let e = {
        let b = sealed(&chain, &b1, "auth1", 5_000);
        refuse(&mut chain, b)
    };
    assert!(
        matches!(e, BlockError::SealedRecently { window: 1, .. }),
        "{e}"
    );
}

#[test]
fn proof_of_work_refuses_sealed_blocks_and_old_json_still_loads() {
    let mut chain = Chain::new(params());
    let mut b = crate::support::mine(&chain, "miner", vec![], 10_000);
    b.seal_as_authority(&key("auth0"));
    assert!(matches!(
        chain.insert(b),
        Err(ChainError::Block(BlockError::WrongSeal { .. }))
    ));
    // Parameters without the new fields are proof of work, public.
    let json = serde_json::to_string(&params()).unwrap();
    assert!(!json.contains("consensus") && !json.contains("consortium"));
    let back: ChainParams = serde_json::from_str(&json).unwrap();
    assert_eq!(back.consensus, Consensus::ProofOfWork);
}

#[test]
fn the_seal_is_encoded_after_the_transactions_and_not_hashed() {
    let chain = Chain::new(poa_params());
    let genesis = chain.tip_block().clone();
    let unsealed_bytes = {
        let mut b = sealed(&chain, &genesis, "auth1", 1_000);
        b.seal = Seal::None;
        b.encode()
    };
    let b = sealed(&chain, &genesis, "auth1", 1_000);
    let bytes = b.encode();
    // Same prefix; the unsealed block ends in 00, the sealed one in
    // 01 || signer (32) || signature (64).
    assert_eq!(unsealed_bytes.last(), Some(&0));
    assert_eq!(bytes.len(), unsealed_bytes.len() + 96);
    assert_eq!(
        bytes[..unsealed_bytes.len() - 1],
        unsealed_bytes[..unsealed_bytes.len() - 1]
    );
    assert_eq!(bytes[unsealed_bytes.len() - 1], 1);
    assert_eq!(
        &bytes[unsealed_bytes.len()..unsealed_bytes.len() + 32],
        key("auth1").public().as_bytes()
    );
    let back = Block::decode(&bytes).unwrap();
    assert_eq!(back, b);
    assert_eq!(back.hash(), Block::decode(&unsealed_bytes).unwrap().hash());
    // An unknown seal kind is refused.
    let mut bad = unsealed_bytes.clone();
    *bad.last_mut().unwrap() = 9;
    assert!(
        Block::decode(&bad)
            .unwrap_err()
            .to_string()
            .contains("unknown seal kind tag 9")
    );
}

// ---- Permissioned chains ----

/// Two organisations (each an admin and a client) on proof of authority.
fn consortium_params() -> ChainParams {
    let mut orgs = BTreeMap::new();
    for (org, admin, client) in [("org1", "admin1", "alice"), ("org2", "admin2", "bob")] {
        let mut o = Organisation::default();
        o.members.insert(key(admin).public(), Role::Admin);
        o.members.insert(key(client).public(), Role::Client);
        orgs.insert(org.to_owned(), o);
    }
    poa_params().with_consortium(Consortium {
        organisations: orgs,
    })
}

/// The next block on the tip, sealed in turn, with `txs` after the coinbase.
fn next_block(chain: &Chain, txs: Vec<Transaction>) -> Block {
    let tip = chain.tip_block().clone();
    let height = tip.height() + 1;
    let signer = ["auth0", "auth1", "auth2"][(height % 3) as usize];
    let mut b = chain.block_template(addr(signer), vec![], tip.header.timestamp_ms + 1_000);
    b.txs.extend(txs);
    b.header.merkle_root = b.compute_merkle_root();
    b.seal_as_authority(&key(signer));
    b
}

#[test]
fn an_outsider_is_refused_until_a_majority_of_organisations_admits_them() {
    let mut chain = Chain::new(consortium_params());
    // carol holds coins from genesis? No: give her some from alice first.
    chain
        .insert(next_block(
            &chain,
            vec![pay("alice", "carol", 10, 0, 0).into()],
        ))
        .unwrap();
    // carol is no member: her transfer is refused, in words.
    let outsider = next_block(&chain, vec![pay("carol", "bob", 1, 0, 0).into()]);
    let e = chain.insert(outsider).unwrap_err();
    assert!(
        e.to_string()
            .contains("this key is not a member of any organisation of this consortium"),
        "{e}"
    );
    assert!(chain.check_sender(&key("carol").public()).is_err());
    // One organisation of two is no majority.
    let admit = Governance {
        chain_id: 1,
        nonce: 0,
        change: Change::AddMember {
            org: "org1".into(),
            key: key("carol").public(),
            role: Role::Client,
        },
    };
    let minority = admit.clone().approve(&[&key("admin1")]);
    let e = chain
        .insert(next_block(&chain, vec![Transaction::Governance(minority)]))
        .unwrap_err();
    assert!(
        matches!(
            &e,
            ChainError::Block(BlockError::Tx {
                error: TxError::Governance(GovernanceError::NoMajority {
                    approving: 1,
                    total: 2,
                    needed: 2
                }),
                ..
            })
        ),
        "{e}"
    );
    // Both organisations approve: carol is in from the next block on.
    let before = chain.membership().unwrap().root();
    let both = admit.approve(&[&key("admin1"), &key("admin2")]);
    chain
        .insert(next_block(&chain, vec![Transaction::Governance(both)]))
        .unwrap();
    assert_ne!(chain.membership().unwrap().root(), before);
    assert_eq!(
        chain.membership().unwrap().member(&key("carol").public()),
        Some(("org1", Role::Client))
    );
    chain
        .insert(next_block(
            &chain,
            vec![pay("carol", "bob", 1, 0, 0).into()],
        ))
        .unwrap();
    assert_eq!(chain.ledger().balance(&addr("carol")).get(), 9);
}

#[test]
fn governance_changes_the_authorities() {
    let mut chain = Chain::new(consortium_params());
    // auth2 is an authority but no member yet: make it a consensus node of
    // org2, then remove it from the authorities.
    let g = |nonce, change| {
        Transaction::Governance(
            Governance {
                chain_id: 1,
                nonce,
                change,
            }
            .approve(&[&key("admin1"), &key("admin2")]),
        )
    };
    let remove = g(
        0,
        Change::RemoveValidator {
            key: key("auth2").public(),
        },
    );
    chain.insert(next_block(&chain, vec![remove])).unwrap();
    assert_eq!(chain.validators().len(), 2);
    // The rotation is now over two authorities: height 2 is auth0's turn.
    let tip = chain.tip_block().clone();
    let mut b = chain.block_template(addr("auth0"), vec![], tip.header.timestamp_ms + 1_000);
    b.seal_as_authority(&key("auth0"));
    chain.insert(b).unwrap();
    // auth2 may no longer seal.
    let tip = chain.tip_block().clone();
    let mut b = chain.block_template(addr("auth2"), vec![], tip.header.timestamp_ms + 5_000);
    b.seal_as_authority(&key("auth2"));
    assert!(matches!(
        chain.insert(b),
        Err(ChainError::Block(BlockError::NotAnAuthority { .. }))
    ));
}

#[test]
fn a_public_chain_refuses_governance() {
    let mut chain = Chain::new(poa_params());
    let g = Governance {
        chain_id: 1,
        nonce: 0,
        change: Change::AddValidator {
            key: key("x").public(),
        },
    }
    .approve(&[&key("admin1")]);
    let e = chain
        .insert(next_block(&chain, vec![Transaction::Governance(g.clone())]))
        .unwrap_err();
    assert!(e.to_string().contains("this chain is public"), "{e}");
    // And the governance transaction round-trips through its encoding.
    let tx = Transaction::Governance(g);
    assert_eq!(Transaction::decode(&tx.encode()).unwrap(), tx);
    assert_eq!(tx.encode()[0], 2);
}

// ---- proof of stake (simplified) ----

use sandbox_chain::consensus::stake;

/// Three validators with stakes 6 : 3 : 1 (and "idle" with none), 1 s blocks.
fn pos_params() -> ChainParams {
    let mut p = params().with_consensus(Consensus::Stake {
        validators: ["st0", "st1", "st2", "idle"]
            .iter()
            .map(|n| key(n).public())
            .collect(),
        stakes: vec![6, 3, 1, 0],
    });
    p.target_block_time_ms = 1_000;
    p
}

/// The name of the validator at `rank` for the child of `parent`.
fn ranked(chain: &Chain, parent: &Block, rank: usize) -> &'static str {
    let stakes = chain.stakes_after(&parent.hash());
    let order = stake::ranking(&stakes, &parent.hash(), parent.height() + 1);
    let k = order[rank];
    ["st0", "st1", "st2", "idle"]
        .into_iter()
        .find(|n| key(n).public() == k)
        .unwrap()
}

#[test]
fn the_drawn_proposer_seals_and_outweighs_a_stand_in() {
    let mut chain = Chain::new(pos_params());
    let genesis = chain.tip_block().clone();
    let b1 = sealed(&chain, &genesis, ranked(&chain, &genesis, 0), 1_000);
    chain.insert(b1.clone()).unwrap();
    assert_eq!(chain.tip(), b1.hash());
    // A stand-in (rank 1) after two periods, then the proposer itself.
    let stand_in = sealed(&chain, &b1, ranked(&chain, &b1, 1), 3_000);
    chain.insert(stand_in.clone()).unwrap();
    assert_eq!(chain.tip(), stand_in.hash());
    let proposer = sealed(&chain, &b1, ranked(&chain, &b1, 0), 3_500);
    let r = chain.insert(proposer.clone()).unwrap();
    assert!(r.tip_change.unwrap().is_reorg());
    assert_eq!(chain.tip(), proposer.hash());
    assert_eq!(
        chain.cumulative_work(&proposer.hash()),
        Some(2 * stake::PROPOSER_WEIGHT)
    );
}

#[test]
fn stake_rules_refuse_with_reasons() {
    let mut chain = Chain::new(pos_params());
    let genesis = chain.tip_block().clone();
    let refuse = |chain: &mut Chain, b: Block| match chain.insert(b) {
        Err(ChainError::Block(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // No stake: an outsider, and a listed validator with stake 0.
    for who in ["mallory", "idle"] {
        let b = sealed(&chain, &genesis, who, 5_000);
        let e = refuse(&mut chain, b);
        assert!(matches!(e, BlockError::NoStake { .. }), "{e}");
        assert!(e.to_string().contains("has no stake"), "{e}");
    }
    // The proposer, too early.
    let proposer = ranked(&chain, &genesis, 0);
    let b = sealed(&chain, &genesis, proposer, 999);
    let e = refuse(&mut chain, b);
    assert!(
        matches!(
            e,
            BlockError::TooEarly {
                earliest: 1_000,
                in_turn: true,
                ..
            }
        ),
        "{e}"
    );
    // A stand-in at the proposer's time.
    let stand_in = ranked(&chain, &genesis, 1);
    let b = sealed(&chain, &genesis, stand_in, 1_000);
    let e = refuse(&mut chain, b);
    assert!(
        matches!(
            e,
            BlockError::TooEarly {
                earliest: 2_000,
                in_turn: false,
                ..
            }
        ),
        "{e}"
    );
    // A seal by someone else's key over the block.
    let mut forged = sealed(&chain, &genesis, proposer, 1_000);
    if let Seal::Authority(s) = &mut forged.seal {
        s.signer = key(stand_in).public();
    }
    let e = refuse(&mut chain, forged);
    assert!(matches!(e, BlockError::BadSeal { .. }), "{e}");
    // A proof-of-work block on a stake chain.
    let mut unsealed = sealed(&chain, &genesis, proposer, 1_000);
    unsealed.seal = Seal::None;
    let e = refuse(&mut chain, unsealed);
    assert!(
        e.to_string()
            .contains("proof of stake chain needs an authority seal"),
        "{e}"
    );
}

#[test]
fn stake_params_round_trip_through_json() {
    let p = pos_params();
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains(r#""kind":"stake""#), "{json}");
    assert_eq!(serde_json::from_str::<ChainParams>(&json).unwrap(), p);
    assert_eq!(p.consensus.stake_of(&key("st1").public()), 3);
    assert_eq!(p.consensus.stake_of(&key("nobody").public()), 0);
}
