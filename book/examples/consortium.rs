// The permissioned-consortium chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use std::collections::BTreeMap;

use sandbox_chain::identity::{Change, Consortium, Governance, Membership, Organisation, Role};
use sandbox_chain::keys::Keypair;
use sandbox_chain::world::{TxRejectKind, World, WorldEvent};

fn key(name: &str) -> Keypair {
    Keypair::from_name(name)
}

fn main() {
    // ANCHOR: consortium
    // Three organisations, each with an admin and a consensus node.
    let mut organisations = BTreeMap::new();
    for (org, admin, node) in [
        ("org1", "admin1", "node-0"),
        ("org2", "admin2", "node-1"),
        ("org3", "admin3", "node-2"),
    ] {
        let mut o = Organisation::default();
        o.members.insert(key(admin).public(), Role::Admin);
        o.members.insert(key(node).public(), Role::ConsensusNode);
        organisations.insert(org.to_owned(), o);
    }
    let validators: Vec<_> = ["node-0", "node-1", "node-2"]
        .iter()
        .map(|n| key(n).public())
        .collect();
    let membership = Membership::genesis(&Consortium { organisations }, &validators);
    // Olivia holds a key, but no organisation vouches for it.
    let olivia = key("olivia");
    let refused = membership.check_sender(&olivia.public()).unwrap_err();
    println!("olivia sends: {refused}");
    // ANCHOR_END: consortium

    // ANCHOR: governance
    // org1's admin proposes to admit olivia as a client of org1.
    let admit = Governance {
        chain_id: 1,
        nonce: membership.next_nonce(),
        change: Change::AddMember {
            org: "org1".into(),
            key: olivia.public(),
            role: Role::Client,
        },
    };
    // One organisation of three is no majority.
    let alone = admit.clone().approve(&[&key("admin1")]);
    println!("{}", membership.apply(&alone).unwrap_err());
    // With org2's admin, two of three organisations approve.
    let approved = admit.approve(&[&key("admin1"), &key("admin2")]);
    approved.verify_approvals().unwrap();
    let after = membership.apply(&approved).unwrap();
    assert_eq!(after.member(&olivia.public()), Some(("org1", Role::Client)));
    after.check_sender(&olivia.public()).unwrap();
    // The same approved change cannot be applied twice: the consortium's
    // governance nonce has moved on.
    println!("{}", after.apply(&approved).unwrap_err());
    // ANCHOR_END: governance

    // ANCHOR: world
    // The scenario `permissioned-outsider`: the same story on a BFT chain of
    // four nodes, with the proposal and approval gossiped between them.
    let world = World::scenario("permissioned-outsider").unwrap();
    for e in world.events() {
        match &e.event {
            WorldEvent::TxRejected {
                node,
                reject: TxRejectKind::NotAMember,
                reason,
                ..
            } => println!("{} ms, {node}: refused: {reason}", e.at_ms),
            WorldEvent::ChangeApproved {
                node,
                organisations,
                needed,
                ..
            } => println!(
                "{} ms, {node}: approved by {organisations} organisation(s), {needed} needed",
                e.at_ms
            ),
            WorldEvent::GovernanceApplied { node, height, .. } => {
                println!(
                    "{} ms, {node}: block {height} carries the change; it applies from block {}",
                    e.at_ms,
                    height + 1
                )
            }
            _ => {}
        }
    }
    // ANCHOR_END: world
}
