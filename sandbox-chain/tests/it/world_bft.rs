//! The world with proof-of-authority and BFT engines, and permissioned
//! chains: the scenarios' outcomes, safety and liveness properties under
//! random faults, replay, and the BFT golden digest.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sandbox_chain::amount::Amount;
use sandbox_chain::block::Seal;
use sandbox_chain::consensus::bft::{Message, Vote, VoteKind};
use sandbox_chain::encode::{Decode, Encode};
use sandbox_chain::hash::BlockHash;
use sandbox_chain::identity::Role;
use sandbox_chain::keys::Keypair;
use sandbox_chain::mempool::MempoolError;
use sandbox_chain::tx::TxError;
use sandbox_chain::world::scenario::scenario_transcript;
use sandbox_chain::world::{
    Action, ActionError, Behaviour, ChangeSpec, EngineConfig, LinkConfig, NodeId, Offence,
    Transcript, TxRejectKind, World, WorldConfig, WorldError, WorldEvent,
};

fn advance(w: &mut World, ms: u64) {
    w.apply(Action::AdvanceTime { ms }).unwrap();
}

/// Applies a scenario's actions one by one, calling `check` after each.
fn play(name: &str, mut check: impl FnMut(usize, &World)) -> World {
    let t = scenario_transcript(name).unwrap();
    let mut w = World::new(t.config.clone(), t.seed).unwrap();
    for (i, a) in t.actions.iter().enumerate() {
        let _ = w.apply(a.clone());
        check(i, &w);
    }
    w
}

fn heights(w: &World) -> Vec<u64> {
    w.node_ids().map(|n| w.chain(n).unwrap().height()).collect()
}

/// Safety over `nodes`: no two of them finalised different blocks at one
/// height (from the `finalized` events, which record every decision), and
/// their canonical chains agree wherever both have a block.
fn check_no_fork(w: &World, nodes: &[NodeId]) -> Result<(), String> {
    let mut by_height: BTreeMap<u64, (NodeId, BlockHash)> = BTreeMap::new();
    for e in w.events() {
        if let WorldEvent::Finalized { node, height, hash } = e.event
            && nodes.contains(&node)
        {
            match by_height.get(&height) {
                Some((other, h)) if *h != hash => {
                    return Err(format!(
                        "{other} and {node} finalised different blocks at height {height}"
                    ));
                }
                Some(_) => {}
                None => {
                    by_height.insert(height, (node, hash));
                }
            }
        }
    }
    for a in nodes {
        for b in nodes {
            let (ca, cb) = (w.chain(*a).unwrap(), w.chain(*b).unwrap());
            let common = ca.height().min(cb.height());
            if ca.canonical_at(common) != cb.canonical_at(common) {
                return Err(format!("{a} and {b} differ at height {common}"));
            }
        }
    }
    for e in w.events() {
        if let WorldEvent::Reorg { node, .. } = e.event
            && nodes.contains(&node)
        {
            return Err(format!("{node} reorganised a BFT chain"));
        }
    }
    Ok(())
}

fn all(w: &World) -> Vec<NodeId> {
    w.node_ids().collect()
}

// ---- scenarios ----

/// bft-equivocating-f: two of seven validators equivocate; they are caught,
/// and the honest ones agree on every height while the chain grows.
#[test]
fn scenario_bft_equivocating_f_is_safe_and_live() {
    let w = play("bft-equivocating-f", |_, _| {});
    let honest: Vec<NodeId> = (0..5).map(NodeId).collect();
    check_no_fork(&w, &honest).unwrap();
    for n in &honest {
        assert!(
            w.chain(*n).unwrap().height() >= 10,
            "{n}: {:?}",
            heights(&w)
        );
    }
    for liar in ["val-5", "val-6"] {
        let address = Keypair::from_name(liar).address();
        assert!(
            w.events().iter().any(|e| matches!(
                e.event,
                WorldEvent::Evidence { validator, offence: Offence::DoubleVote, .. } if validator == address
            )),
            "{liar} was caught double voting"
        );
    }
    // Every finalised block carries a commit certificate.
    let chain = w.chain(NodeId(0)).unwrap();
    for h in 1..=chain.height() {
        let block = chain.get(&chain.canonical_at(h).unwrap()).unwrap();
        assert!(matches!(block.seal, Seal::Commit(_)), "height {h}");
    }
}

/// bft-halt-f-plus-1: with two of four silent nothing is decided (and
/// nothing forks); one comes back and the chain continues from there.
#[test]
fn scenario_bft_halt_f_plus_1_halts_then_continues() {
    let name = "bft-halt-f-plus-1";
    let t = scenario_transcript(name).unwrap();
    let silenced = t
        .actions
        .iter()
        .rposition(|a| {
            matches!(
                a,
                Action::SetBehaviour {
                    behaviour: Behaviour::Silent,
                    ..
                }
            )
        })
        .unwrap();
    let back = silenced + 2;
    assert!(matches!(
        t.actions[back],
        Action::SetBehaviour {
            behaviour: Behaviour::Honest,
            ..
        }
    ));
    let mut at_halt = Vec::new();
    let mut before_return = Vec::new();
    let w = play(name, |i, w| {
        if i == silenced {
            at_halt = heights(w);
        }
        if i == back {
            before_return = heights(w);
        }
    });
    assert!(at_halt[0] >= 3, "blocks before the halt: {at_halt:?}");
    assert_eq!(at_halt, before_return, "no decision with f + 1 silent");
    check_no_fork(&w, &all(&w)).unwrap();
    let end = heights(&w);
    for n in [0, 1, 3] {
        assert!(end[n] >= before_return[0] + 5, "{end:?}");
    }
    assert_eq!(end[0], end[3], "the returning validator caught up");
}

/// bft-partition-heal: 2|2 decides nothing; after healing, progress.
#[test]
fn scenario_bft_partition_heal_halts_then_resumes() {
    let name = "bft-partition-heal";
    let t = scenario_transcript(name).unwrap();
    let split = t
        .actions
        .iter()
        .position(|a| matches!(a, Action::Partition { .. }))
        .unwrap();
    let heal = t
        .actions
        .iter()
        .position(|a| matches!(a, Action::Heal))
        .unwrap();
    let (mut at_split, mut at_heal) = (Vec::new(), Vec::new());
    let w = play(name, |i, w| {
        if i == split {
            at_split = heights(w);
        }
        if i == heal {
            at_heal = heights(w);
        }
    });
    assert!(at_split[0] >= 3);
    assert_eq!(at_split, at_heal, "neither side of 2|2 decides");
    check_no_fork(&w, &all(&w)).unwrap();
    let end = heights(&w);
    assert!(
        end.iter().all(|h| *h == end[0] && *h >= at_heal[0] + 10),
        "{end:?}"
    );
}

/// poa-rotation: blocks sealed in turn; with one authority offline the
/// others seal out of turn and it seals nothing.
#[test]
fn scenario_poa_rotation_skips_the_offline_authority() {
    let name = "poa-rotation";
    let t = scenario_transcript(name).unwrap();
    let offline_at = t
        .actions
        .iter()
        .position(|a| matches!(a, Action::SetBehaviour { .. }))
        .unwrap();
    let mut height_when_offline = 0;
    let w = play(name, |i, w| {
        if i == offline_at {
            height_when_offline = w.chain(NodeId(0)).unwrap().height();
        }
    });
    let names = ["auth-0", "auth-1", "auth-2", "auth-3"];
    let keys: Vec<_> = names
        .iter()
        .map(|n| Keypair::from_name(n).public())
        .collect();
    let chain = w.chain(NodeId(0)).unwrap();
    assert!(height_when_offline >= 6);
    assert!(
        chain.height() >= height_when_offline + 6,
        "{}",
        chain.height()
    );
    let mut sealers = BTreeMap::new();
    for h in 1..=chain.height() {
        let block = chain.get(&chain.canonical_at(h).unwrap()).unwrap();
        let Seal::Authority(seal) = &block.seal else {
            panic!("height {h} is not sealed by an authority");
        };
        let who = keys.iter().position(|k| *k == seal.signer).unwrap();
        if h <= height_when_offline {
            assert_eq!(who as u64, h % 4, "height {h} was sealed in turn");
        } else {
            assert_ne!(who, 2, "the offline authority sealed height {h}");
        }
        *sealers.entry(who).or_insert(0) += 1;
    }
    assert_eq!(sealers.len(), 4, "every authority sealed: {sealers:?}");
    // The other nodes agree, and alice's payment is confirmed.
    for n in [1, 3] {
        assert_eq!(w.chain(NodeId(n)).unwrap().tip(), chain.tip());
    }
    let bob = Keypair::from_name("bob").address();
    assert_eq!(chain.ledger().balance(&bob), Amount::new(10));
    assert!(w.events().iter().any(
        |e| matches!(&e.event, WorldEvent::Note { text, .. } if text.contains("out of turn"))
    ));
}

/// pos-stake-weighted: while everyone is online each block is sealed by
/// its drawn proposer, and the proposers follow the stakes 6 : 3 : 1; with
/// the biggest validator offline the drawn stand-ins keep the chain going.
#[test]
fn scenario_pos_proposers_follow_the_stake_and_stand_ins_cover() {
    use sandbox_chain::consensus::stake;
    let name = "pos-stake-weighted";
    let t = scenario_transcript(name).unwrap();
    let offline_at = t
        .actions
        .iter()
        .position(|a| matches!(a, Action::SetBehaviour { .. }))
        .unwrap();
    let mut height_when_offline = 0;
    let w = play(name, |i, w| {
        if i == offline_at {
            height_when_offline = w.chain(NodeId(0)).unwrap().height();
        }
    });
    let keys: Vec<_> = ["big", "mid", "small"]
        .iter()
        .map(|n| Keypair::from_name(n).public())
        .collect();
    let chain = w.chain(NodeId(1)).unwrap();
    assert!(height_when_offline >= 100, "{height_when_offline}");
    assert!(
        chain.height() >= height_when_offline + 15,
        "{}",
        chain.height()
    );
    let mut sealed = [0u32; 3];
    let mut stood_in = 0;
    for h in 1..=chain.height() {
        let block = chain.get(&chain.canonical_at(h).unwrap()).unwrap();
        let Seal::Authority(seal) = &block.seal else {
            panic!("height {h} is not sealed");
        };
        let parent = block.header.parent;
        let order = stake::ranking(&chain.stakes_after(&parent), &parent, h);
        let rank = order.iter().position(|k| *k == seal.signer).unwrap();
        let who = keys.iter().position(|k| *k == seal.signer).unwrap();
        if h <= height_when_offline {
            assert_eq!(rank, 0, "height {h} was sealed by its proposer");
            sealed[who] += 1;
        } else {
            assert_ne!(who, 0, "the offline validator sealed height {h}");
            if rank > 0 {
                assert_eq!(order[0], keys[0], "a stand-in at {h} only for big");
                assert_eq!(rank, 1, "the first stand-in covers at {h}");
                stood_in += 1;
            }
        }
    }
    // About 60 / 30 / 10 % (seed 5; a binomial's spread over 100+ blocks
    // is about 5 points, the bounds are three times that).
    let total = f64::from(sealed.iter().sum::<u32>());
    for (count, share) in sealed.iter().zip([0.6, 0.3, 0.1]) {
        let got = f64::from(*count) / total;
        assert!((got - share).abs() < 0.15, "{sealed:?}");
    }
    assert!(stood_in > 0, "big was never drawn after going offline");
    assert!(
        w.events().iter().any(
            |e| matches!(&e.event, WorldEvent::Note { text, .. } if text.contains("stand-in"))
        )
    );
    let bob = Keypair::from_name("bob").address();
    assert_eq!(chain.ledger().balance(&bob), Amount::new(10));
    assert_eq!(w.chain(NodeId(2)).unwrap().tip(), chain.tip());
}

/// A proof-of-stake world refuses stakes that cannot work.
#[test]
fn stake_worlds_check_their_stakes() {
    let mut c = WorldConfig::stake(3, &[1, 2]);
    if let EngineConfig::ProofOfStake { stakes, .. } = &mut c.engine {
        stakes.truncate(2);
    }
    let e = World::new(c, 1).unwrap_err();
    assert!(e.to_string().contains("3 but 2 stakes"), "{e}");
    let e = World::new(WorldConfig::stake(2, &[0, 0]), 1).unwrap_err();
    assert!(e.to_string().contains("stake 0"), "{e}");
    let mut w = World::new(WorldConfig::stake(3, &[]), 1).unwrap();
    advance(&mut w, 10_500);
    assert!(w.chain(NodeId(0)).unwrap().height() >= 8);
    assert!(w.tips_agree());
}

/// permissioned-outsider: refused with `not_a_member`; a majority of
/// organisations admits her; her next transfer is confirmed.
#[test]
fn scenario_permissioned_outsider_is_refused_then_admitted() {
    let w = play("permissioned-outsider", |_, _| {});
    let olivia = Keypair::from_name("olivia");
    let refused: Vec<_> = w
        .history()
        .iter()
        .filter(|r| r.rejected.is_some())
        .collect();
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0]
            .rejected
            .as_deref()
            .unwrap()
            .contains("not a member of any organisation")
    );
    assert!(w.events().iter().any(|e| matches!(
        e.event,
        WorldEvent::TxRejected {
            reject: TxRejectKind::NotAMember,
            ..
        }
    )));
    assert!(w.events().iter().any(|e| matches!(
        e.event,
        WorldEvent::ChangeApproved {
            organisations: 2,
            needed: 2,
            ..
        }
    )));
    for n in w.node_ids() {
        assert_eq!(
            w.membership(n).unwrap().member(&olivia.public()),
            Some(("org1", Role::Client)),
            "{n}"
        );
        assert!(w.pending_changes(n).is_empty(), "{n}");
        let bob = Keypair::from_name("bob").address();
        assert_eq!(
            w.chain(n).unwrap().ledger().balance(&bob),
            Amount::new(5),
            "{n}"
        );
    }
    check_no_fork(&w, &all(&w)).unwrap();
}

// ---- governance and configuration errors ----

fn permissioned_world() -> World {
    World::new(
        scenario_transcript("permissioned-outsider").unwrap().config,
        1,
    )
    .unwrap()
}

fn admit(key: &str) -> ChangeSpec {
    ChangeSpec::AddMember {
        org: "org1".into(),
        key: key.into(),
        role: Role::Client,
    }
}

#[test]
fn governance_actions_say_what_is_wrong() {
    let mut w = permissioned_world();
    advance(&mut w, 2_000);
    let propose = |node, admin: &str, change| Action::ProposeChange {
        node: NodeId(node),
        admin: admin.into(),
        change,
    };
    let approve = |node, admin: &str, change| Action::ApproveChange {
        node: NodeId(node),
        admin: admin.into(),
        change,
    };
    // A key the wallet does not hold; a key that is no admin.
    assert!(matches!(
        w.apply(propose(1, "admin1", admit("dave"))),
        Err(ActionError::KeyNotInWallet { .. })
    ));
    let e = w.apply(propose(0, "olivia", admit("dave"))).unwrap_err();
    assert!(e.to_string().contains("not an admin"), "{e}");
    // Approving what has not arrived; proposing twice; approving twice.
    assert!(matches!(
        w.apply(approve(2, "admin2", admit("dave"))),
        Err(ActionError::NoSuchProposal { .. })
    ));
    w.apply(propose(0, "admin1", admit("dave"))).unwrap();
    assert!(matches!(
        w.apply(propose(0, "admin1", admit("dave"))),
        Err(ActionError::AlreadyProposed { .. })
    ));
    advance(&mut w, 300);
    assert!(matches!(
        w.apply(approve(0, "admin1", admit("dave"))),
        Err(ActionError::AlreadyApproved { .. })
    ));
    // One organisation of three is not enough: nothing changes.
    advance(&mut w, 3_000);
    let dave = Keypair::from_name("dave").public();
    assert_eq!(w.membership(NodeId(3)).unwrap().member(&dave), None);
    assert_eq!(w.pending_changes(NodeId(3)).len(), 1);
    // A second organisation approves from another node: admitted.
    w.apply(approve(3, "admin3", admit("dave"))).unwrap();
    advance(&mut w, 3_000);
    assert!(w.membership(NodeId(1)).unwrap().member(&dave).is_some());
    // Governance on a public chain is refused.
    let mut public = World::new(WorldConfig::bft(4), 1).unwrap();
    public
        .apply(Action::CreateKey {
            node: NodeId(0),
            name: "admin1".into(),
        })
        .unwrap();
    let e = public
        .apply(propose(0, "admin1", admit("dave")))
        .unwrap_err();
    assert!(e.to_string().contains("public"), "{e}");
}

#[test]
fn an_outsiders_transfer_is_a_typed_error() {
    let mut w = permissioned_world();
    let e = w
        .apply(Action::SendTransaction {
            node: NodeId(0),
            from: "olivia".into(),
            to: "bob".into(),
            amount: Amount::new(1),
            fee: Amount::new(1),
            memo: String::new(),
            nonce: None,
        })
        .unwrap_err();
    assert!(matches!(
        e,
        ActionError::Tx {
            error: MempoolError::Tx(TxError::NotAMember(_)),
            ..
        }
    ));
}

#[test]
fn validator_sets_that_cannot_work_are_refused() {
    let mut c = WorldConfig::bft(4);
    c.engine = EngineConfig::Bft {
        validators: vec!["node-0".into(), "node-0".into()],
        block_time_ms: 1_000,
    };
    assert!(matches!(World::new(c, 1), Err(WorldError::Validators(_))));
}

/// Lesson defaults: four validators named after the nodes, f = 1, 1 s
/// blocks, and the JSON form a lesson writes.
#[test]
fn bft_world_config_defaults_and_json() {
    let json = r#"{
        "chain": { "lesson": { "bits": 0 } },
        "nodes": [ { "name": "node-0" }, { "name": "node-1" }, { "name": "node-2" }, { "name": "node-3" } ],
        "engine": { "kind": "bft" }
    }"#;
    let c: WorldConfig = serde_json::from_str(json).unwrap();
    assert_eq!(c, WorldConfig::bft(4));
    assert_eq!(c.validator_names().len(), 4);
    let p = c.params();
    assert_eq!(p.consensus.validators().len(), 4);
    assert_eq!(p.target_block_time_ms, 1_000);
    let mut w = World::new(c, 9).unwrap();
    advance(&mut w, 5_000);
    assert!(heights(&w).iter().all(|h| *h >= 3), "{:?}", heights(&w));
    // Mining means nothing to BFT: a typed refusal.
    assert!(matches!(
        w.apply(Action::Mine { node: NodeId(0) }),
        Err(ActionError::NoBlock { .. })
    ));
}

/// A node that was silent for many heights catches up from the blocks'
/// certificates and votes again.
#[test]
fn a_lagging_validator_catches_up_from_certificates() {
    let mut w = World::new(WorldConfig::bft(4), 3).unwrap();
    w.apply(Action::SetBehaviour {
        node: NodeId(3),
        behaviour: Behaviour::Silent,
    })
    .unwrap();
    advance(&mut w, 10_000);
    assert_eq!(w.chain(NodeId(3)).unwrap().height(), 0);
    assert!(w.chain(NodeId(0)).unwrap().height() >= 5);
    w.apply(Action::SetBehaviour {
        node: NodeId(3),
        behaviour: Behaviour::Honest,
    })
    .unwrap();
    advance(&mut w, 3_000);
    // Now node 1 goes silent: the chain moves only if node 3 votes.
    w.apply(Action::SetBehaviour {
        node: NodeId(1),
        behaviour: Behaviour::Silent,
    })
    .unwrap();
    let before = w.chain(NodeId(0)).unwrap().height();
    advance(&mut w, 10_000);
    let after = w.chain(NodeId(0)).unwrap().height();
    assert!(after >= before + 3, "{before} -> {after}");
    assert_eq!(
        w.chain(NodeId(3)).unwrap().tip(),
        w.chain(NodeId(0)).unwrap().tip()
    );
    check_no_fork(&w, &all(&w)).unwrap();
}

// ---- the BFT messages' encoding ----

#[test]
fn bft_messages_round_trip_and_bad_bytes_are_errors() {
    let w = World::scenario("bft-partition-heal").unwrap();
    let chain = w.chain(NodeId(0)).unwrap();
    let block = chain.get_arc(&chain.tip()).unwrap();
    let key = Keypair::from_name("val-0");
    let vote = Vote {
        chain_id: 1,
        kind: VoteKind::Precommit,
        height: block.height(),
        round: 2,
        block: Some(block.hash()),
    }
    .sign(&key);
    for m in [Message::Vote(vote), Message::Decided { block }] {
        let bytes = m.encode();
        assert_eq!(Message::decode(&bytes), Ok(m.clone()));
        // Every strict prefix fails cleanly; so does a trailing byte.
        for cut in 0..bytes.len() {
            assert!(Message::decode(&bytes[..cut]).is_err());
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Message::decode(&longer).is_err());
    }
    // A vote: tag 1 | chain 4 | kind 1 | height 8 | round 4 | choice 1 + 32 | key 32 | sig 64.
    let bytes = Message::Vote(vote).encode();
    assert_eq!(bytes.len(), 1 + 4 + 1 + 8 + 4 + 33 + 32 + 64);
    let mut head = vec![1, 0, 0, 0, 1, 1];
    head.extend(vote.vote.height.to_be_bytes());
    head.extend([0, 0, 0, 2, 1]);
    head.extend(vote.vote.block.unwrap().as_bytes());
    head.extend(key.public().as_bytes());
    assert_eq!(&bytes[..head.len()], &head[..]);
    assert!(Message::decode(&[9]).is_err());
}

// ---- the BFT golden digest ----

/// A permissioned BFT transcript and the digest it must replay to, checked
/// natively here and in wasm32 (`tests/wasm.rs`): signatures, votes,
/// certificates and governance replay bit for bit on both platforms.
/// Regenerate with `CHAINLAB_BLESS=1 cargo test -p sandbox-chain --test it
/// golden_bft` only when the world's behaviour is meant to change.
#[test]
fn golden_bft_world_digest_replays() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/world_digest_bft.json"
    );
    if std::env::var_os("CHAINLAB_BLESS").is_some() {
        let mut t = scenario_transcript("permissioned-outsider").unwrap();
        t.title = "Golden BFT world digest".into();
        t.description = "permissioned-outsider plus an equivocating validator and a lossy link; checked natively and in wasm32".into();
        let mut w = World::replay(&t).unwrap();
        w.apply(Action::SetBehaviour {
            node: NodeId(3),
            behaviour: Behaviour::Equivocate,
        })
        .unwrap();
        w.apply(Action::SetLink {
            a: NodeId(0),
            b: NodeId(1),
            latency_ms: 150,
            jitter_ms: 100,
            loss_permille: 300,
        })
        .unwrap();
        advance(&mut w, 8_000);
        let mut golden = w.transcript();
        golden.title = t.title;
        golden.description = t.description;
        std::fs::write(path, golden.to_json() + "\n").unwrap();
    }
    let t = Transcript::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(t.digest.is_some());
    let w = World::replay(&t).unwrap();
    assert_eq!(Some(w.digest()), t.digest);
}

// ---- properties ----

/// 10 cases by default (CPU is shared); `PROPTEST_CASES=200` for a long run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// A fault while the network misbehaves.
#[derive(Clone, Debug)]
enum Fault {
    /// Split into two groups (by a bit mask) for a while.
    Partition { mask: u8, ms: u64 },
    /// One link loses messages for a while.
    Lossy {
        a: u32,
        b: u32,
        loss_permille: u16,
        ms: u64,
    },
    /// Nothing happens for a while.
    Wait { ms: u64 },
}

fn arb_fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (any::<u8>(), 500u64..8_000).prop_map(|(mask, ms)| Fault::Partition { mask, ms }),
        (0u32..7, 0u32..7, 0u16..600, 500u64..8_000).prop_map(|(a, b, loss_permille, ms)| {
            Fault::Lossy {
                a,
                b,
                loss_permille,
                ms,
            }
        }),
        (100u64..5_000).prop_map(|ms| Fault::Wait { ms }),
    ]
}

/// A BFT world with `n` validators of which `byzantine` (at most f) are
/// silent or equivocating, through random faults, then healed. Returns
/// the world and the honest nodes.
fn chaos(
    seed: u64,
    n: u32,
    byzantine: &[(u32, bool)],
    latency_ms: u64,
    jitter_ms: u64,
    faults: &[Fault],
) -> (World, Vec<NodeId>) {
    let mut config = WorldConfig::bft(n);
    config.network.link = LinkConfig {
        latency_ms,
        jitter_ms,
        loss_permille: 0,
    };
    let mut w = World::new(config, seed).unwrap();
    for (node, equivocate) in byzantine {
        let behaviour = if *equivocate {
            Behaviour::Equivocate
        } else {
            Behaviour::Silent
        };
        w.apply(Action::SetBehaviour {
            node: NodeId(*node),
            behaviour,
        })
        .unwrap();
    }
    for f in faults {
        match *f {
            Fault::Partition { mask, ms } => {
                let group: Vec<NodeId> = (0..n)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(NodeId)
                    .collect();
                w.apply(Action::Partition {
                    groups: vec![group],
                })
                .unwrap();
                advance(&mut w, ms);
                w.apply(Action::Heal).unwrap();
            }
            Fault::Lossy {
                a,
                b,
                loss_permille,
                ms,
            } => {
                let (a, b) = (NodeId(a % n), NodeId(b % n));
                let link = |loss_permille| Action::SetLink {
                    a,
                    b,
                    latency_ms,
                    jitter_ms,
                    loss_permille,
                };
                // A link from a node to itself is refused: fine.
                let _ = w.apply(link(loss_permille));
                advance(&mut w, ms);
                let _ = w.apply(link(0));
            }
            Fault::Wait { ms } => advance(&mut w, ms),
        }
    }
    let honest = (0..n)
        .filter(|i| byzantine.iter().all(|(b, _)| b != i))
        .map(NodeId)
        .collect();
    (w, honest)
}

fn arb_byzantine() -> impl Strategy<Value = (u32, Vec<(u32, bool)>)> {
    prop_oneof![Just(4u32), Just(7u32)].prop_flat_map(|n| {
        let f = (n - 1) / 3;
        (
            Just(n),
            proptest::collection::btree_map(0..n, any::<bool>(), 0..=f as usize)
                .prop_map(|m| m.into_iter().collect::<Vec<_>>()),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// With at most f Byzantine validators (silent or equivocating), under
    /// random latency, lossy links and partitions: no two honest nodes
    /// finalise different blocks at a height; once the network is whole
    /// again every honest node makes progress; and the transcript replays
    /// to its digest. proptest prints the seed and the rest of a failing
    /// case.
    #[test]
    fn bft_is_safe_and_live_with_at_most_f_byzantine(
        seed in any::<u64>(),
        (n, byzantine) in arb_byzantine(),
        latency_ms in 5u64..200,
        jitter_ms in 0u64..150,
        faults in proptest::collection::vec(arb_fault(), 0..5),
    ) {
        let (mut w, honest) = chaos(seed, n, &byzantine, latency_ms, jitter_ms, &faults);
        prop_assert!(check_no_fork(&w, &honest).is_ok(), "seed {seed}: {:?}", check_no_fork(&w, &honest));
        let healed: Vec<u64> = honest.iter().map(|h| w.chain(*h).unwrap().height()).collect();
        advance(&mut w, 30_000);
        prop_assert!(check_no_fork(&w, &honest).is_ok(), "seed {seed}: {:?}", check_no_fork(&w, &honest));
        let top = healed.iter().max().copied().unwrap_or(0);
        for h in &honest {
            let now = w.chain(*h).unwrap().height();
            prop_assert!(now > top, "seed {seed}: {h} stayed at {now} (heights when healed {healed:?})");
        }
        // Through JSON export and import, so the replay starts from text.
        let imported = Transcript::from_json(&w.transcript().to_json()).unwrap();
        prop_assert_eq!(World::replay(&imported).unwrap().digest(), w.digest(), "seed {}", seed);
    }
}

/// A node that is not a validator follows the decisions, also on a ring
/// where it has only two neighbours; PoA works on a ring too.
#[test]
fn observers_follow_and_rings_work() {
    let mut c = WorldConfig::bft(5);
    c.engine = EngineConfig::Bft {
        validators: (0..4).map(|i| format!("node-{i}")).collect(),
        block_time_ms: 500,
    };
    c.network.topology = sandbox_chain::world::Topology::Ring;
    let mut w = World::new(c, 4).unwrap();
    advance(&mut w, 6_000);
    let h = heights(&w);
    assert!(h.iter().all(|x| *x >= 5), "{h:?}");
    check_no_fork(&w, &all(&w)).unwrap();
    // The observer never signs: no certificate carries its key.
    let observer = Keypair::from_name("node-4").public();
    let chain = w.chain(NodeId(4)).unwrap();
    let block = chain.get(&chain.tip()).unwrap();
    let Seal::Commit(cert) = &block.seal else {
        panic!("no certificate");
    };
    assert!(cert.precommits.iter().all(|p| p.validator != observer));

    let mut c = WorldConfig::poa(5);
    c.network.topology = sandbox_chain::world::Topology::Ring;
    let mut w = World::new(c, 4).unwrap();
    advance(&mut w, 6_000);
    let h = heights(&w);
    assert!(h.iter().all(|x| *x >= 4), "{h:?}");
}
