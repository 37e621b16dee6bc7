//! The BFT view's logic: one node's view of the height being decided, as a
//! table of rounds (proposer, proposal, each validator's prevote and
//! precommit, whether 2f+1 agreed), its step, lock and timeouts, and every
//! node's height, round and step side by side.

use std::collections::BTreeMap;

use sandbox_chain::block::Seal;
use sandbox_chain::consensus::bft::{BftEngine, Step, TimeoutKind, VoteKind};
use sandbox_chain::hash::BlockHash;
use sandbox_chain::keys::{Keypair, PublicKey};
use sandbox_chain::world::bft::timer_purpose;
use sandbox_chain::world::{Behaviour, NodeId, World};

/// One validator's vote in a round, as a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VoteCell {
    /// Nothing heard from it.
    Missing,
    /// For a block (shortened hash).
    For(String),
    /// For nil (no block).
    Nil,
    /// More than one vote: equivocation.
    Double,
}

/// Whether 2f+1 voted the same way in one step of a round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Quorum {
    /// Fewer than 2f+1 votes in all.
    Waiting,
    /// 2f+1 votes, but split: no value has 2f+1.
    Split,
    /// 2f+1 for this block.
    Block(String),
    /// 2f+1 for nil.
    Nil,
}

/// One round of the current height, as a node saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundRow {
    /// The round.
    pub round: u32,
    /// Whose turn it is to propose (node name).
    pub proposer: String,
    /// The proposal received (shortened hash), with its proof-of-lock
    /// round if it re-proposes a locked block.
    pub proposal: Option<(String, Option<u32>)>,
    /// Prevotes by validator, in validator order.
    pub prevotes: Vec<VoteCell>,
    /// Precommits by validator, in validator order.
    pub precommits: Vec<VoteCell>,
    /// Prevote quorum (a "polka").
    pub prevote_quorum: Quorum,
    /// Precommit quorum (a decision when for a block).
    pub precommit_quorum: Quorum,
    /// The node's current round.
    pub current: bool,
}

/// A pending timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerRow {
    /// `propose`, `prevote`, `precommit`, `gossip`.
    pub kind: &'static str,
    /// The round it was set in.
    pub round: u32,
    /// When it fires (simulated ms).
    pub due_ms: u64,
}

/// One node's BFT state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRound {
    /// The node.
    pub node: NodeId,
    /// Its name.
    pub name: String,
    /// Height being decided.
    pub height: u64,
    /// Round.
    pub round: u32,
    /// `propose`, `prevote`, `precommit`, or `pause` (decided, the next
    /// height starts after the block time).
    pub step: &'static str,
    /// Lock: (round, block).
    pub locked: Option<(u32, String)>,
    /// Its last final height.
    pub finalized: Option<u64>,
    /// How it behaves.
    pub behaviour: Behaviour,
}

/// The last block a node decided, from its commit certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decided {
    /// Height.
    pub height: u64,
    /// The round it was decided in.
    pub round: u32,
    /// The block, shortened.
    pub block: String,
    /// The validators whose precommits the certificate holds.
    pub signers: Vec<String>,
}

/// The whole BFT picture from one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BftTable {
    /// Validator names, in rotation order (columns).
    pub validators: Vec<String>,
    /// n, f and the quorum 2f+1 (n - f).
    pub n: usize,
    /// Faults tolerated.
    pub f: usize,
    /// Votes needed.
    pub quorum: usize,
    /// The node shown.
    pub me: NodeRound,
    /// Its rounds at the current height, oldest first.
    pub rounds: Vec<RoundRow>,
    /// Its pending timeouts, soonest first.
    pub timers: Vec<TimerRow>,
    /// Every node's state.
    pub nodes: Vec<NodeRound>,
    /// The node's tip, if a commit certificate seals it.
    pub last_decided: Option<Decided>,
}

fn step_name(e: &BftEngine) -> &'static str {
    if e.is_decided() {
        return "pause";
    }
    match e.step() {
        Step::Propose => "propose",
        Step::Prevote => "prevote",
        Step::Precommit => "precommit",
    }
}

/// Names of nodes by their key (a validator's key is its node's key).
fn names(world: &World) -> BTreeMap<PublicKey, String> {
    world
        .config()
        .nodes
        .iter()
        .map(|n| (Keypair::from_name(&n.name).public(), n.name.clone()))
        .collect()
}

fn node_round(world: &World, node: NodeId) -> Option<NodeRound> {
    let e = world.bft(node)?;
    let v = world.node_view(node)?;
    Some(NodeRound {
        node,
        name: v.name,
        height: e.height(),
        round: e.round(),
        step: step_name(e),
        locked: e.locked().map(|(r, h)| (r, h.short())),
        finalized: v.finalized.map(|(h, _)| h),
        behaviour: v.behaviour,
    })
}

fn quorum_of(votes: &[(PublicKey, Vec<Option<BlockHash>>)], quorum: usize) -> Quorum {
    let total: usize = votes.len();
    let mut by_value: BTreeMap<Option<BlockHash>, usize> = BTreeMap::new();
    for (_, vs) in votes {
        for v in vs {
            *by_value.entry(*v).or_default() += 1;
        }
    }
    if let Some((value, _)) = by_value.iter().find(|(_, c)| **c >= quorum) {
        return match value {
            Some(h) => Quorum::Block(h.short()),
            None => Quorum::Nil,
        };
    }
    if total >= quorum {
        Quorum::Split
    } else {
        Quorum::Waiting
    }
}

impl BftTable {
    /// `node`'s BFT picture (`None` if it runs no BFT engine).
    pub fn of(world: &World, node: NodeId) -> Option<BftTable> {
        let e = world.bft(node)?;
        let names = names(world);
        let name_of = |k: &PublicKey| names.get(k).cloned().unwrap_or_else(|| k.address().short());
        let keys = e.validators().keys().to_vec();
        let validators: Vec<String> = keys.iter().map(name_of).collect();
        let quorum = e.validators().quorum();
        let cells = |round: u32, kind: VoteKind| {
            let held = e.votes(round, kind);
            let values: Vec<(PublicKey, Vec<Option<BlockHash>>)> = held
                .iter()
                .map(|(k, vs)| (*k, vs.iter().map(|v| v.vote.block).collect()))
                .collect();
            let row = keys
                .iter()
                .map(|k| match values.iter().find(|(v, _)| v == k) {
                    None => VoteCell::Missing,
                    Some((_, vs)) if vs.len() > 1 => VoteCell::Double,
                    Some((_, vs)) => match vs.first() {
                        Some(Some(h)) => VoteCell::For(h.short()),
                        Some(None) => VoteCell::Nil,
                        None => VoteCell::Missing,
                    },
                })
                .collect::<Vec<_>>();
            (row, quorum_of(&values, quorum))
        };
        let rounds = e
            .rounds_seen()
            .into_iter()
            .map(|round| {
                let (prevotes, prevote_quorum) = cells(round, VoteKind::Prevote);
                let (precommits, precommit_quorum) = cells(round, VoteKind::Precommit);
                RoundRow {
                    round,
                    proposer: e
                        .validators()
                        .proposer(e.height(), round)
                        .map(name_of)
                        .unwrap_or_default(),
                    proposal: e
                        .proposal(round)
                        .map(|p| (p.proposal.block.short(), p.proposal.pol_round)),
                    prevotes,
                    precommits,
                    prevote_quorum,
                    precommit_quorum,
                    current: round == e.round(),
                }
            })
            .collect();
        let timers = world
            .timers(node)
            .into_iter()
            .filter_map(|(tag, due_ms)| {
                let (kind, round) = timer_purpose(tag)?;
                Some(TimerRow {
                    kind: match kind {
                        TimeoutKind::Propose => "propose",
                        TimeoutKind::Prevote => "prevote",
                        TimeoutKind::Precommit => "precommit",
                        TimeoutKind::Gossip => "gossip",
                    },
                    round,
                    due_ms,
                })
            })
            .collect();
        let last_decided = world.chain(node).and_then(|c| match &c.tip_block().seal {
            Seal::Commit(cert) => Some(Decided {
                height: cert.height,
                round: cert.round,
                block: cert.block.short(),
                signers: cert
                    .precommits
                    .iter()
                    .map(|p| name_of(&p.validator))
                    .collect(),
            }),
            _ => None,
        });
        Some(BftTable {
            last_decided,
            n: keys.len(),
            f: e.validators().max_faulty(),
            quorum,
            validators,
            me: node_round(world, node)?,
            rounds,
            timers,
            nodes: world
                .node_ids()
                .filter_map(|n| node_round(world, n))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::world::{Action, WorldConfig};

    #[test]
    fn four_validators_tolerate_one_and_need_three() {
        let w = World::new(WorldConfig::bft(4), 1).unwrap();
        let t = BftTable::of(&w, NodeId(0)).unwrap();
        assert_eq!((t.n, t.f, t.quorum), (4, 1, 3));
        assert_eq!(t.validators.len(), 4);
        assert_eq!(t.me.height, 1);
        assert_eq!(t.rounds.len(), 1);
        assert!(t.rounds[0].current);
        assert_eq!(t.nodes.len(), 4);
        assert!(t.timers.iter().any(|x| x.kind == "gossip"));
        assert!(
            BftTable::of(
                &World::new(WorldConfig::pow(2, 4, 0), 1).unwrap(),
                NodeId(0)
            )
            .is_none()
        );
    }

    /// Step by step, a node's table fills with prevotes until 2f+1 agree
    /// (a polka), then precommits; the decision's certificate names 2f+1
    /// signers.
    #[test]
    fn votes_fill_the_round_until_a_quorum() {
        let mut w = World::new(WorldConfig::bft(4), 1).unwrap();
        let mut saw_polka = false;
        let mut most_prevotes = 0;
        for _ in 0..400 {
            w.step();
            let t = BftTable::of(&w, NodeId(2)).unwrap();
            if t.me.height > 1 {
                assert_eq!(t.me.step, "pause");
                let d = t.last_decided.expect("the tip carries its certificate");
                assert_eq!((d.height, d.round), (1, 0));
                assert!(d.signers.len() >= 3, "{d:?}");
                break;
            }
            let r0 = &t.rounds[0];
            let n = r0
                .prevotes
                .iter()
                .filter(|c| matches!(c, VoteCell::For(_)))
                .count();
            assert!(
                n >= most_prevotes,
                "votes are never forgotten within a round"
            );
            most_prevotes = n;
            if let Quorum::Block(h) = &r0.prevote_quorum {
                saw_polka = true;
                assert!(
                    r0.prevotes
                        .iter()
                        .filter(|c| **c == VoteCell::For(h.clone()))
                        .count()
                        >= 3
                );
                assert_eq!(t.me.locked.as_ref().map(|l| &l.1), Some(h));
            }
        }
        assert!(saw_polka);
        assert!(BftTable::of(&w, NodeId(2)).unwrap().last_decided.is_some());
    }

    /// With two of four validators silent no quorum forms: rounds pass by
    /// timeouts and nothing is decided.
    #[test]
    fn without_a_quorum_rounds_time_out() {
        let mut w = World::new(WorldConfig::bft(4), 3).unwrap();
        for n in [1, 2] {
            w.apply(Action::SetBehaviour {
                node: NodeId(n),
                behaviour: Behaviour::Silent,
            })
            .unwrap();
        }
        w.apply(Action::AdvanceTime { ms: 30_000 }).unwrap();
        let t = BftTable::of(&w, NodeId(0)).unwrap();
        assert_eq!(t.me.height, 1, "nothing decided");
        // Two live validators of four (votes sent before the others went
        // silent may still arrive): never 2f+1 precommits, no decision.
        assert_ne!(t.me.step, "pause");
        assert!(t.last_decided.is_none());
        assert!(
            t.rounds
                .iter()
                .all(|r| !matches!(r.precommit_quorum, Quorum::Block(_)))
        );
        let silent = t
            .nodes
            .iter()
            .filter(|n| n.behaviour == Behaviour::Silent)
            .count();
        assert_eq!(silent, 2);
        // A healthy world decides.
        let mut ok = World::new(WorldConfig::bft(4), 3).unwrap();
        ok.apply(Action::AdvanceTime { ms: 5_000 }).unwrap();
        assert!(ok.chain(NodeId(0)).unwrap().height() >= 1);
    }
}
