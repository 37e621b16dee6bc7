//! The world a lesson is played in: one [`World`] (every lesson on one
//! chain), or connected chains ([`Islands`]: two or more worlds on one
//! clock, with relayers) of which the student is on one.
//!
//! Every action reaches the worlds through [`LessonWorld::apply`], so a
//! session, a replayed transcript and the checker route it the same way:
//!
//! - a world action (`{ action = "mine", node = 0 }`) acts on the
//!   student's chain, except `advance_time`, which on connected chains lets
//!   time pass on every chain together (relayers relaying on their periods),
//!   as a clock on the wall would;
//! - a connected-chains action (`{ op = "on", chain = 1, action = { ... } }`,
//!   `{ op = "stop_relayer", relayer = 0 }`, ...) is the world's own
//!   [`IslandsAction`], refused on a lesson with one chain.

use sandbox_chain::world::islands::{Islands, IslandsAction, IslandsError};
use sandbox_chain::world::{Action, ActionError, ActionOutcome, World, WorldDigest};

/// One world, or connected chains and the student's chain among them.
#[derive(Debug)]
pub enum LessonWorld {
    /// Every lesson on one chain (boxed: a world is large, connected
    /// chains keep theirs on the heap already).
    One(Box<World>),
    /// Connected chains; the student is on `chain`.
    Connected(Connected),
}

/// Connected chains with the student on one of them (which exists: see
/// [`Connected::new`]).
#[derive(Debug)]
pub struct Connected {
    islands: Islands,
    chain: usize,
}

impl Connected {
    /// The student on `chain` of `islands`; `None` if there is no such
    /// chain.
    pub fn new(islands: Islands, chain: usize) -> Option<Connected> {
        islands.world(chain)?;
        Some(Connected { islands, chain })
    }

    /// The connected chains.
    pub fn islands(&self) -> &Islands {
        &self.islands
    }

    /// The student's chain.
    pub fn chain(&self) -> usize {
        self.chain
    }

    fn student_world(&self) -> &World {
        // `new` checked that the chain exists, and chains are never removed.
        self.islands
            .world(self.chain)
            .expect("Connected::new checked the student's chain exists")
    }
}

/// Why the worlds refused an action, in words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorldsError {
    /// The world refused it.
    #[error("{0}")]
    World(ActionError),
    /// The connected chains refused it.
    #[error("{0}")]
    Islands(IslandsError),
    /// A connected-chains action on a lesson with one chain.
    #[error(
        "this lesson has one chain: `op` actions (`on`, `start_relayer`, `stop_relayer`) are for lessons with connected chains"
    )]
    NotConnected,
}

impl LessonWorld {
    /// The world of the student's chain.
    pub fn student_world(&self) -> &World {
        match self {
            LessonWorld::One(w) => w,
            LessonWorld::Connected(c) => c.student_world(),
        }
    }

    /// The connected chains, if the lesson has them.
    pub fn islands(&self) -> Option<&Islands> {
        match self {
            LessonWorld::One(_) => None,
            LessonWorld::Connected(c) => Some(&c.islands),
        }
    }

    /// The student's chain among connected chains (`None`: one chain).
    pub fn student_chain(&self) -> Option<usize> {
        match self {
            LessonWorld::One(_) => None,
            LessonWorld::Connected(c) => Some(c.chain),
        }
    }

    /// The world of `chain` (`None`: the student's); `None` if there is no
    /// such chain (and any chain named on a lesson with one).
    pub fn world_of(&self, chain: Option<usize>) -> Option<&World> {
        match (self, chain) {
            (_, None) => Some(self.student_world()),
            (LessonWorld::One(_), Some(_)) => None,
            (LessonWorld::Connected(c), Some(n)) => c.islands.world(n),
        }
    }

    /// Every chain's world, in order (one for a lesson with one chain).
    pub fn worlds(&self) -> Vec<&World> {
        match self {
            LessonWorld::One(w) => vec![w],
            LessonWorld::Connected(c) => (0..c.islands.chain_count())
                .filter_map(|i| c.islands.world(i))
                .collect(),
        }
    }

    /// Events processed so far, by every chain together.
    pub fn events_processed(&self) -> u64 {
        match self {
            LessonWorld::One(w) => w.stats().events,
            LessonWorld::Connected(c) => c.islands.events_processed(),
        }
    }

    /// The digest: the world's, or the connected chains' (every chain, the
    /// relayers and the clock).
    pub fn digest(&self) -> WorldDigest {
        match self {
            LessonWorld::One(w) => w.digest(),
            LessonWorld::Connected(c) => {
                // The same 32 bytes, shown the same way.
                WorldDigest::from_hex(&c.islands.digest().to_hex()).unwrap_or_else(|_| {
                    // A digest's hex always parses; fall back to the
                    // student's world so nothing here can panic.
                    c.student_world().digest()
                })
            }
        }
    }

    /// Applies a world action (to the student's chain; `advance_time` to
    /// every connected chain).
    pub fn apply_world(&mut self, action: &Action) -> Result<ActionOutcome, WorldsError> {
        match self {
            LessonWorld::One(w) => w.apply(action.clone()).map_err(WorldsError::World),
            LessonWorld::Connected(c) => {
                let a = match action {
                    Action::AdvanceTime { ms } => IslandsAction::AdvanceTime { ms: *ms },
                    other => IslandsAction::On {
                        chain: c.chain,
                        action: other.clone(),
                    },
                };
                c.islands
                    .apply_with_outcome(a)
                    .map_err(WorldsError::Islands)
            }
        }
    }

    /// Applies a connected-chains action (refused on one chain, and then
    /// recorded nowhere: a lesson with one chain has no such log).
    pub fn apply_islands(&mut self, action: &IslandsAction) -> Result<ActionOutcome, WorldsError> {
        match self {
            LessonWorld::One(_) => Err(WorldsError::NotConnected),
            LessonWorld::Connected(c) => c
                .islands
                .apply_with_outcome(action.clone())
                .map_err(WorldsError::Islands),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::world::islands::IslandsConfig;
    use sandbox_chain::world::{NodeId, WorldConfig};

    fn connected() -> LessonWorld {
        let islands = Islands::new(IslandsConfig::two_chains(
            2,
            4,
            0,
            &[("alice", 100)],
            1_000,
            1,
        ))
        .unwrap();
        LessonWorld::Connected(Connected::new(islands, 1).unwrap())
    }

    #[test]
    fn the_student_chain_must_exist() {
        let islands = Islands::new(IslandsConfig::two_chains(2, 4, 0, &[], 1_000, 1)).unwrap();
        assert!(Connected::new(islands, 2).is_none());
    }

    /// World actions go to the student's chain; `advance_time` moves every
    /// chain's clock; `op` actions address any chain.
    #[test]
    fn actions_are_routed_to_the_student_chain_or_every_chain() {
        let mut w = connected();
        assert_eq!(w.student_chain(), Some(1));
        w.apply_world(&Action::Mine { node: NodeId(0) }).unwrap();
        assert_eq!(
            w.world_of(Some(1))
                .unwrap()
                .chain(NodeId(0))
                .unwrap()
                .height(),
            1
        );
        assert_eq!(
            w.world_of(Some(0))
                .unwrap()
                .chain(NodeId(0))
                .unwrap()
                .height(),
            0
        );
        w.apply_world(&Action::AdvanceTime { ms: 2_000 }).unwrap();
        assert!(w.worlds().iter().all(|x| x.now_ms() >= 2_000));
        w.apply_islands(&IslandsAction::On {
            chain: 0,
            action: Action::Mine { node: NodeId(1) },
        })
        .unwrap();
        assert_eq!(
            w.world_of(Some(0))
                .unwrap()
                .chain(NodeId(1))
                .unwrap()
                .height(),
            1
        );
        assert_eq!(
            w.world_of(None).unwrap().chain(NodeId(0)).unwrap().height(),
            1
        );
        let e = w
            .apply_islands(&IslandsAction::On {
                chain: 5,
                action: Action::Heal,
            })
            .unwrap_err();
        assert_eq!(e.to_string(), "there is no chain 5");
    }

    #[test]
    fn one_chain_refuses_connected_actions_and_other_chains() {
        let mut w = LessonWorld::One(Box::new(World::new(WorldConfig::pow(1, 4, 0), 1).unwrap()));
        let e = w
            .apply_islands(&IslandsAction::StopRelayer { relayer: 0 })
            .unwrap_err();
        assert_eq!(e, WorldsError::NotConnected);
        assert!(w.world_of(Some(0)).is_none());
        assert!(w.islands().is_none());
        assert_eq!(w.digest(), w.student_world().digest());
    }

    #[test]
    fn the_digest_of_connected_chains_is_the_islands_digest() {
        let w = connected();
        assert_eq!(w.digest().to_hex(), w.islands().unwrap().digest().to_hex());
    }
}
