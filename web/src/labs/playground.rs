//! Worlds to play in outside lessons: the world views (`#/network`,
//! `#/blocktree`, ...) open over one of these, played as a
//! [`lessons::Session`] of a lesson with no steps, so every change goes
//! through `Session::apply` exactly as in a lesson.

use std::collections::BTreeMap;

use lessons::lesson::{Start, StartWorld};
use lessons::{Lesson, LessonAction, Session};
use sandbox_chain::amount::Amount;
use sandbox_chain::world::islands::IslandsConfig;
use sandbox_chain::world::{Action, Fund, LinkConfig, NodeId, WorldConfig};

/// Which default world a view opens over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WorldKind {
    /// Four proof-of-work nodes that mine on their own, slow links so
    /// messages can be watched, alice and bob funded with transactions
    /// already pending.
    Pow,
    /// Four BFT validators.
    Bft,
    /// Connected chains A and B of two nodes each, mining only when asked,
    /// alice funded on both, one relayer A → B every second, locks minting
    /// at 3 confirmations.
    Islands,
}

impl WorldKind {
    /// The id of its step-less lesson (so the app can tell a playground
    /// session from a lesson's).
    pub fn lesson_id(self) -> &'static str {
        match self {
            WorldKind::Pow => "playground-pow",
            WorldKind::Bft => "playground-bft",
            WorldKind::Islands => "playground-islands",
        }
    }

    /// The kind whose lesson id this is.
    pub fn of_lesson(id: &str) -> Option<WorldKind> {
        [WorldKind::Pow, WorldKind::Bft, WorldKind::Islands]
            .into_iter()
            .find(|k| k.lesson_id() == id)
    }

    fn config(self) -> WorldConfig {
        let mut c = match self {
            WorldKind::Pow => WorldConfig::pow(4, 12, 100),
            WorldKind::Bft | WorldKind::Islands => WorldConfig::bft(4),
        };
        c.network.link = LinkConfig {
            latency_ms: match self {
                WorldKind::Pow => 400,
                WorldKind::Bft | WorldKind::Islands => 150,
            },
            jitter_ms: 100,
            loss_permille: 0,
        };
        c.funds = vec![
            Fund {
                name: "alice".into(),
                amount: Amount::new(1_000_000),
            },
            Fund {
                name: "bob".into(),
                amount: Amount::new(500_000),
            },
        ];
        for n in &mut c.nodes {
            n.keys = vec!["alice".into(), "bob".into()];
        }
        c
    }

    fn setup(self) -> Vec<Action> {
        let send = |from: &str, to: &str, amount: u64, fee: u64| Action::SendTransaction {
            node: NodeId(0),
            from: from.into(),
            to: to.into(),
            amount: Amount::new(amount),
            fee: Amount::new(fee),
            memo: String::new(),
            nonce: None,
        };
        match self {
            WorldKind::Pow => vec![
                send("alice", "bob", 25, 1),
                send("bob", "carol", 10, 4),
                send("alice", "carol", 5, 2),
            ],
            WorldKind::Bft | WorldKind::Islands => Vec::new(),
        }
    }

    /// The step-less lesson whose world this is.
    pub fn lesson(self) -> Lesson {
        Lesson {
            id: self.lesson_id().to_owned(),
            version: 1,
            prerequisites: Vec::new(),
            minutes: 0,
            start: Start {
                seed: 42,
                world: match self {
                    WorldKind::Islands => StartWorld::Islands(Box::new(islands_config())),
                    WorldKind::Pow | WorldKind::Bft => StartWorld::Config(Box::new(self.config())),
                },
                student: NodeId(0),
                chain: 0,
                setup: self.setup().into_iter().map(LessonAction::World).collect(),
            },
            steps: Vec::new(),
            text: BTreeMap::new(),
        }
    }

    /// A fresh session over this world.
    pub fn session(self) -> Result<Session, String> {
        Session::start(&self.lesson())
    }
}

/// The connected chains of [`WorldKind::Islands`].
pub fn islands_config() -> IslandsConfig {
    IslandsConfig::two_chains(2, 4, 0, &[("alice", 1_000), ("bob", 100)], 1_000, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_worlds_start_and_take_actions() {
        for kind in [WorldKind::Pow, WorldKind::Bft] {
            let mut s = kind.session().unwrap();
            assert_eq!(s.world().node_count(), 4);
            assert_eq!(WorldKind::of_lesson(kind.lesson_id()), Some(kind));
            let applied = s
                .apply(LessonAction::World(Action::AdvanceTime { ms: 3_000 }))
                .unwrap();
            assert!(applied.result.is_ok());
            assert_eq!(s.log().len(), 1);
        }
        let pow = WorldKind::Pow.session().unwrap();
        assert_eq!(pow.world().mempool(NodeId(0)).unwrap().len(), 3);
        assert_eq!(WorldKind::of_lesson("hashing"), None);
    }

    /// The same playground twice is the same world (seeded).
    #[test]
    fn playgrounds_are_deterministic() {
        let a = WorldKind::Pow.session().unwrap();
        let b = WorldKind::Pow.session().unwrap();
        assert_eq!(a.digest(), b.digest());
    }
}
