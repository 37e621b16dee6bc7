//! The BFT engine on its own: a tiny seeded network of engines, each
//! committing into its own `Chain`, with random delays, partitions and
//! Byzantine validators. Safety (no two honest nodes finalise different
//! blocks at a height) and liveness (progress with at most f faulty, also
//! after a partition heals; a halt, not a fork, with more).

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use sandbox_chain::block::{Block, Seal};
use sandbox_chain::chain::{Chain, ChainParams};
use sandbox_chain::consensus::bft::{
    Behaviour, BftApp, BftConfig, BftEngine, Evidence, Message, Output, Timeout,
};
use sandbox_chain::consensus::{Consensus, ValidatorSet};
use sandbox_chain::hash::BlockHash;
use sandbox_chain::keys::{Address, Keypair, PublicKey};

/// A node's application: its own chain, into which decided blocks go.
struct ChainApp {
    chain: Chain,
    me: Address,
    now: u64,
    /// Every decision, in order: (height, block).
    decided: Vec<(u64, BlockHash)>,
    /// Anything the chain refused or a reorg it made: must stay empty.
    problems: Vec<String>,
}

impl BftApp for ChainApp {
    fn propose(&mut self, _height: u64, _round: u32) -> Block {
        self.chain.block_template(self.me, vec![], self.now)
    }

    fn validate(&mut self, block: &Block) -> bool {
        let p = self.chain.params();
        block.header.parent == self.chain.tip()
            && block
                .check_stateless(p.chain_id, p.max_block_txs, false)
                .is_ok()
            && block.apply(self.chain.ledger(), p.block_reward).is_ok()
    }

    fn commit(&mut self, block: Arc<Block>) {
        self.decided.push((block.height(), block.hash()));
        match self.chain.insert(block) {
            Ok(r) if r.tip_change.as_ref().is_some_and(|t| t.is_reorg()) => {
                self.problems.push(format!("reorg at {}", r.hash));
            }
            Ok(_) => {}
            Err(e) => self.problems.push(e.to_string()),
        }
    }

    fn validators(&self) -> ValidatorSet {
        ValidatorSet::new(self.chain.validators())
    }
}

enum Event {
    Deliver { to: usize, message: Box<Message> },
    Timeout { node: usize, timeout: Timeout },
}

/// Nodes `groups[i]` apart cannot talk between `from` and `until` (ms).
struct Partition {
    from: u64,
    until: u64,
    groups: Vec<u8>,
}

struct Sim {
    engines: Vec<BftEngine>,
    apps: Vec<ChainApp>,
    index: BTreeMap<PublicKey, usize>,
    queue: BTreeMap<(u64, u64), Event>,
    seq: u64,
    now: u64,
    rng: ChaCha8Rng,
    max_delay_ms: u64,
    partition: Option<Partition>,
    /// Misbehaviour reports (a double vote shows up only where both
    /// conflicting votes meet, e.g. in a commit certificate).
    evidence: usize,
    delivered: usize,
}

fn keys(n: usize) -> Vec<Keypair> {
    (0..n)
        .map(|i| Keypair::from_name(&format!("validator-{i}")))
        .collect()
}

impl Sim {
    fn new(n: usize, behaviours: &[Behaviour], seed: u64, max_delay_ms: u64) -> Self {
        let keys = keys(n);
        let publics: Vec<PublicKey> = keys.iter().map(Keypair::public).collect();
        let params = ChainParams::lesson(0, vec![]).with_consensus(Consensus::Bft {
            validators: publics.clone(),
        });
        let config = BftConfig::for_block_time(params.chain_id, 1_000);
        let mut sim = Sim {
            engines: Vec::new(),
            apps: Vec::new(),
            index: publics.iter().enumerate().map(|(i, k)| (*k, i)).collect(),
            queue: BTreeMap::new(),
            seq: 0,
            now: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            max_delay_ms,
            partition: None,
            evidence: 0,
            delivered: 0,
        };
        for (i, key) in keys.into_iter().enumerate() {
            let chain = Chain::new(params.clone());
            let behaviour = behaviours.get(i).copied().unwrap_or_default();
            sim.apps.push(ChainApp {
                me: key.address(),
                chain,
                now: 0,
                decided: Vec::new(),
                problems: Vec::new(),
            });
            sim.engines.push(BftEngine::new(
                config,
                Some(key),
                behaviour,
                1,
                ValidatorSet::new(publics.clone()),
            ));
        }
        for i in 0..n {
            let out = sim.engines[i].start(&mut sim.apps[i]);
            sim.handle(i, out);
        }
        sim
    }

    fn push(&mut self, at: u64, event: Event) {
        self.seq += 1;
        self.queue.insert((at, self.seq), event);
    }

    fn cut(&self, a: usize, b: usize) -> bool {
        self.partition
            .as_ref()
            .is_some_and(|p| (p.from..p.until).contains(&self.now) && p.groups[a] != p.groups[b])
    }

    fn send(&mut self, from: usize, to: usize, message: Message) {
        if from == to || self.cut(from, to) {
            return;
        }
        let delay = 1 + self.rng.next_u64() % self.max_delay_ms;
        self.push(
            self.now + delay,
            Event::Deliver {
                to,
                message: Box::new(message),
            },
        );
    }

    fn handle(&mut self, node: usize, out: Vec<Output>) {
        for o in out {
            match o {
                Output::Broadcast(m) => {
                    for to in 0..self.engines.len() {
                        self.send(node, to, m.clone());
                    }
                }
                Output::Send { to, message } => {
                    if let Some(to) = self.index.get(&to).copied() {
                        self.send(node, to, message);
                    }
                }
                Output::Schedule { timeout, after_ms } => {
                    self.push(self.now + after_ms, Event::Timeout { node, timeout });
                }
                Output::Evidence(_) => self.evidence += 1,
                Output::Decided { .. } => {}
            }
        }
    }

    /// Runs events until `until` ms or until every node in `nodes` has
    /// decided `height`.
    fn run(&mut self, until: u64, nodes: &[usize], height: u64) {
        while let Some(entry) = self.queue.first_entry() {
            let (at, _) = *entry.key();
            if at > until || nodes.iter().all(|i| self.apps[*i].chain.height() >= height) {
                return;
            }
            let event = entry.remove();
            self.now = at;
            let (node, out) = match event {
                Event::Deliver { to, message } => {
                    self.delivered += 1;
                    self.apps[to].now = at;
                    (
                        to,
                        self.engines[to].on_message(&mut self.apps[to], *message),
                    )
                }
                Event::Timeout { node, timeout } => {
                    self.apps[node].now = at;
                    (
                        node,
                        self.engines[node].on_timeout(&mut self.apps[node], timeout),
                    )
                }
            };
            self.handle(node, out);
        }
    }

    fn honest(&self) -> Vec<usize> {
        (0..self.engines.len())
            .filter(|i| self.engines[*i].behaviour() == Behaviour::Honest)
            .collect()
    }

    /// Safety: no two honest nodes decided different blocks at a height,
    /// and no honest chain refused a decision or reorganised.
    fn check_safety(&self) -> Result<(), String> {
        let mut by_height: BTreeMap<u64, (usize, BlockHash)> = BTreeMap::new();
        for i in self.honest() {
            if let Some(p) = self.apps[i].problems.first() {
                return Err(format!("node {i}: {p}"));
            }
            for (h, b) in &self.apps[i].decided {
                match by_height.get(h) {
                    Some((j, other)) if other != b => {
                        return Err(format!(
                            "nodes {j} and {i} finalised different blocks at height {h}"
                        ));
                    }
                    Some(_) => {}
                    None => {
                        by_height.insert(*h, (i, *b));
                    }
                }
            }
        }
        Ok(())
    }

    fn min_honest_height(&self) -> u64 {
        self.honest()
            .iter()
            .map(|i| self.apps[*i].chain.height())
            .min()
            .unwrap_or(0)
    }
}

#[test]
fn four_honest_validators_finalise_blocks_with_certificates() {
    let mut sim = Sim::new(4, &[], 1, 100);
    sim.run(60_000, &[0, 1, 2, 3], 5);
    sim.check_safety().unwrap();
    assert!(sim.min_honest_height() >= 5, "heights {:?}", heights(&sim));
    // Every block carries a certificate a late node can check.
    let chain = &sim.apps[2].chain;
    let block = chain.get(&chain.canonical_at(3).unwrap()).unwrap();
    let Seal::Commit(cert) = &block.seal else {
        panic!("a BFT block must carry a commit certificate");
    };
    assert!(cert.precommits.len() >= 3);
    let validators = ValidatorSet::new(chain.validators());
    assert_eq!(
        cert.verify(1, &validators, &block.hash(), 3),
        Ok(()),
        "certificate"
    );
    // Proposers rotate: the first blocks pay different validators.
    let producers: std::collections::BTreeSet<_> = (1..=4)
        .map(|h| {
            chain
                .get(&chain.canonical_at(h).unwrap())
                .unwrap()
                .producer()
        })
        .collect();
    assert!(producers.len() >= 3, "{producers:?}");
}

fn heights(sim: &Sim) -> Vec<u64> {
    sim.apps.iter().map(|a| a.chain.height()).collect()
}

#[test]
fn f_equivocating_validators_are_caught_and_cannot_fork() {
    // 7 validators tolerate f = 2.
    let b = [Behaviour::Equivocating, Behaviour::Equivocating];
    let mut sim = Sim::new(7, &b, 7, 200);
    let honest = sim.honest();
    sim.run(120_000, &honest, 6);
    sim.check_safety().unwrap();
    assert!(sim.min_honest_height() >= 6, "heights {:?}", heights(&sim));
}

#[test]
fn f_plus_one_silent_validators_halt_the_chain_without_a_fork() {
    let b = [Behaviour::Silent, Behaviour::Silent];
    let mut sim = Sim::new(4, &b, 3, 100);
    sim.run(60_000, &[2, 3], 1);
    sim.check_safety().unwrap();
    assert_eq!(heights(&sim), vec![0, 0, 0, 0], "no quorum, no block");
    // The honest nodes wait for votes that never come (and keep asking).
    assert!(sim.delivered > 50, "{} messages", sim.delivered);
}

#[test]
fn a_healed_partition_resumes_and_a_late_node_catches_up() {
    let mut sim = Sim::new(4, &[], 11, 100);
    // 2 | 2: neither side has a quorum of 3 until 20 s.
    sim.partition = Some(Partition {
        from: 0,
        until: 20_000,
        groups: vec![0, 0, 1, 1],
    });
    sim.run(19_000, &[0, 1, 2, 3], 1);
    assert_eq!(heights(&sim), vec![0, 0, 0, 0]);
    sim.run(120_000, &[0, 1, 2, 3], 4);
    sim.check_safety().unwrap();
    assert!(sim.min_honest_height() >= 4, "heights {:?}", heights(&sim));

    // 3 | 1: the majority side goes on; the cut-off node catches up after.
    sim.partition = Some(Partition {
        from: sim.now,
        until: sim.now + 30_000,
        groups: vec![0, 0, 0, 1],
    });
    let start = sim.apps[3].chain.height();
    sim.run(sim.now + 29_000, &[0, 1, 2], start + 5);
    assert!(sim.apps[0].chain.height() >= start + 5);
    assert!(sim.apps[3].chain.height() <= start + 1);
    let target = sim.apps[0].chain.height() + 1;
    sim.run(sim.now + 120_000, &[0, 1, 2, 3], target);
    sim.check_safety().unwrap();
    assert!(
        sim.apps[3].chain.height() >= target,
        "heights {:?}",
        heights(&sim)
    );
}

#[test]
fn a_late_node_verifies_decided_blocks_by_their_certificates() {
    let mut sim = Sim::new(4, &[], 5, 50);
    sim.run(60_000, &[0, 1, 2, 3], 3);
    // A fresh observer (no key) is handed the decided blocks.
    let params = sim.apps[0].chain.params().clone();
    let mut late = Chain::new(params);
    for b in sim.apps[0].chain.canonical_blocks() {
        late.insert(b).unwrap();
    }
    assert_eq!(late.tip(), sim.apps[0].chain.tip());
    // A block whose certificate lost a signature is refused.
    let mut other = Chain::new(sim.apps[0].chain.params().clone());
    let mut b1 = Block::clone(&sim.apps[0].chain.canonical_blocks()[0]);
    if let Seal::Commit(c) = &mut b1.seal {
        c.precommits.truncate(2);
    }
    let e = other.insert(b1).unwrap_err().to_string();
    assert!(e.contains("needs 3 of the 4 validators"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    /// With at most f Byzantine validators (silent or equivocating), random
    /// delays and a partition that heals, honest nodes never finalise
    /// different blocks, and they make progress after the heal.
    #[test]
    fn bft_is_safe_and_live_with_at_most_f_byzantine(
        seed in any::<u64>(),
        seven in any::<bool>(),
        kinds in proptest::collection::vec(any::<bool>(), 2),
        faulty in 0usize..=2,
        max_delay in 20u64..400,
        cut in any::<u8>(),
        partition_ms in 0u64..15_000,
    ) {
        let n = if seven { 7 } else { 4 };
        let f = (n - 1) / 3;
        let behaviours: Vec<Behaviour> = (0..faulty.min(f))
            .map(|i| if kinds[i] { Behaviour::Equivocating } else { Behaviour::Silent })
            .collect();
        let mut sim = Sim::new(n, &behaviours, seed, max_delay);
        sim.partition = Some(Partition {
            from: 0,
            until: partition_ms,
            groups: (0..n).map(|i| (cut >> (i % 8)) & 1).collect(),
        });
        let honest = sim.honest();
        sim.run(partition_ms + 90_000, &honest, 3);
        let report = format!("seed {seed}, n {n}, {behaviours:?}, delay {max_delay}, cut {cut:#010b} until {partition_ms}, heights {:?}", heights(&sim));
        prop_assert!(sim.check_safety().is_ok(), "{}: {:?}", report, sim.check_safety());
        prop_assert!(sim.min_honest_height() >= 3, "not live: {}", report);
    }

    /// With f+1 faulty of 3f+1 (one silent, the rest equivocating), honest
    /// nodes may stop, but still never finalise different blocks.
    #[test]
    fn bft_never_forks_with_one_silent_and_f_equivocating(
        seed in any::<u64>(),
        max_delay in 20u64..400,
    ) {
        let behaviours = [Behaviour::Silent, Behaviour::Equivocating];
        let mut sim = Sim::new(4, &behaviours, seed, max_delay);
        sim.run(30_000, &[2, 3], 3);
        prop_assert!(sim.check_safety().is_ok(), "seed {seed}: {:?}", sim.check_safety());
    }
}

#[test]
fn a_double_vote_is_reported_as_evidence() {
    let mut sim = Sim::new(4, &[], 2, 50);
    let liar = Keypair::from_name("validator-1");
    let vote = |block| {
        sandbox_chain::consensus::bft::Vote {
            chain_id: 1,
            kind: sandbox_chain::consensus::bft::VoteKind::Prevote,
            height: 1,
            round: 0,
            block,
        }
        .sign(&liar)
    };
    let a = sim.engines[0].on_message(&mut sim.apps[0], Message::Vote(vote(None)));
    assert!(!a.iter().any(|o| matches!(o, Output::Evidence(_))));
    let b = sim.engines[0].on_message(
        &mut sim.apps[0],
        Message::Vote(vote(Some(BlockHash::from_bytes([9; 32])))),
    );
    assert!(
        b.iter()
            .any(|o| matches!(o, Output::Evidence(Evidence::DoubleVote { .. }))),
        "{b:?}"
    );
}
