//! The world being played: one [`lessons::Session`] shared through context
//! by the lesson player and the views that draw or change the world
//! (network, block tree, events, mempool, BFT, contract, bridge, and the
//! lab views when they are shown inside a lesson).
//!
//! Read and write access are separate `Copy` structs, as in [`crate::state`]:
//! a view that only draws takes [`PlayRead`]; a view with buttons takes
//! [`PlayWrite`] too, and every change goes through [`PlayWrite::apply`],
//! so it reaches `Session::apply` and so the transcript and the objectives.
//! The session is not `Send` (a world holds its engines as trait objects),
//! so it lives in local (single-threaded) reactive storage.
//!
//! On connected chains a view may show another chain than the student's
//! (a lesson's `chain` setting). [`OnChain`] scopes the views inside it to
//! a chain: their [`PlayRead`] hands them a [`Scene`] whose `world()` is
//! that chain's world, and their [`PlayWrite::apply`] sends a world action
//! to that chain (as `op = "on"`). Views need not know about chains.

use std::ops::Deref;

use leptos::context::Provider;
use leptos::prelude::*;
use lessons::{Applied, LessonAction, Session};
use sandbox_chain::world::islands::IslandsAction;
use sandbox_chain::world::{Action, NodeId, World};

use crate::player::feedback::Feedback;

/// The chain the views inside an [`OnChain`] show (`None`: the student's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChainScope(pub Option<usize>);

/// The session as one view sees it: the session itself (through `Deref`),
/// but `world()` and `student()` of the view's chain.
pub struct Scene<'a> {
    session: &'a Session,
    chain: Option<usize>,
}

impl<'a> Scene<'a> {
    /// A scene of `session` showing `chain` (`None`: the student's chain).
    pub fn new(session: &'a Session, chain: Option<usize>) -> Self {
        Scene { session, chain }
    }

    /// Whether the scene shows the student's own chain.
    pub fn is_students_chain(&self) -> bool {
        self.chain.is_none() || self.chain == self.session.student_chain()
    }

    /// The world of the scene's chain. A chain the lesson does not have
    /// (the lesson checker refuses such settings) shows the student's.
    pub fn world(&self) -> &'a World {
        self.session
            .world_of(self.chain)
            .unwrap_or_else(|| self.session.world())
    }

    /// The student's node on the student's chain; node 0 on another chain.
    pub fn student(&self) -> NodeId {
        if self.is_students_chain() {
            self.session.student()
        } else {
            NodeId(0)
        }
    }

    /// The whole session.
    pub fn session(&self) -> &'a Session {
        self.session
    }
}

impl Deref for Scene<'_> {
    type Target = Session;

    fn deref(&self) -> &Session {
        self.session
    }
}

/// Reading the session (tracked).
#[derive(Clone, Copy)]
pub struct PlayRead {
    session: RwSignal<Option<Session>, LocalStorage>,
    last: RwSignal<Option<Feedback>>,
    chain: Option<usize>,
}

impl PlayRead {
    /// Runs `f` over the session, as this view's chain shows it, if one is
    /// being played (tracked: the caller re-runs after every action).
    pub fn with<R>(self, f: impl FnOnce(&Scene<'_>) -> R) -> Option<R> {
        self.session
            .with(|s| s.as_ref().map(|s| f(&Scene::new(s, self.chain))))
    }

    /// Runs `f` like [`PlayRead::with`] without tracking (in event handlers
    /// and when a component is built).
    pub fn with_untracked<R>(self, f: impl FnOnce(&Scene<'_>) -> R) -> Option<R> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| f(&Scene::new(s, self.chain))))
    }

    /// Whether a session is being played (tracked).
    pub fn is_playing(self) -> bool {
        self.session.with(Option::is_some)
    }

    /// The student's node as this view's chain shows it (untracked: it is
    /// fixed for a session; node 0 when nothing is played).
    pub fn student_untracked(self) -> NodeId {
        self.with_untracked(|s| s.student()).unwrap_or(NodeId(0))
    }

    /// What the last action through [`PlayWrite::apply`] did: accepted or
    /// refused (with the world's reason), and the objectives it ticked
    /// (tracked; `None` before the first action of a session).
    pub fn last(self) -> Option<Feedback> {
        self.last.get()
    }
}

/// Changing the session.
#[derive(Clone, Copy)]
pub struct PlayWrite {
    session: RwSignal<Option<Session>, LocalStorage>,
    last: RwSignal<Option<Feedback>>,
    chain: Option<usize>,
}

impl PlayWrite {
    /// Applies one action to the session. `Err` says why nothing was
    /// applied (no session, or the session takes no more actions); an
    /// action the world refuses is `Ok` with `Applied::result` an `Err`,
    /// and is recorded in the transcript like every other action.
    /// The outcome is also kept for [`PlayRead::last`].
    ///
    /// In a view scoped to another chain than the student's, a world
    /// action goes to that chain (`op = "on"`), except `advance_time`,
    /// which moves every chain's clock together as it does anywhere.
    pub fn apply(self, action: LessonAction) -> Result<Applied, String> {
        let students = self.session.with_untracked(|s| {
            s.as_ref()
                .is_none_or(|s| Scene::new(s, self.chain).is_students_chain())
        });
        let action = on_chain(action, if students { None } else { self.chain });
        let mut out = Err(String::from("no lesson or world is open"));
        let playing = self.session.with_untracked(Option::is_some);
        if playing {
            self.session.update(|s| {
                if let Some(s) = s {
                    out = s.apply(action.clone()).map_err(|e| e.to_string());
                }
            });
            let serial = self
                .last
                .with_untracked(|l| l.as_ref().map_or(1, |f| f.serial.wrapping_add(1)));
            self.last.set(Some(Feedback::of(serial, &action, &out)));
        }
        out
    }

    /// Starts playing `session` (or stops playing, with `None`).
    pub fn set(self, session: Option<Session>) {
        self.session.set(session);
        self.last.set(None);
    }
}

/// `action` sent to `chain` (`None`: as it is).
fn on_chain(action: LessonAction, chain: Option<usize>) -> LessonAction {
    match (action, chain) {
        (LessonAction::World(Action::AdvanceTime { ms }), Some(_)) => {
            LessonAction::World(Action::AdvanceTime { ms })
        }
        (LessonAction::World(action), Some(chain)) => {
            LessonAction::Islands(IslandsAction::On { chain, action })
        }
        (action, _) => action,
    }
}

/// Provides [`PlayRead`] and [`PlayWrite`], with nothing being played.
pub fn provide_play() -> (PlayRead, PlayWrite) {
    let session = RwSignal::new_local(None);
    let last = RwSignal::new(None);
    let pair = (
        PlayRead {
            session,
            last,
            chain: None,
        },
        PlayWrite {
            session,
            last,
            chain: None,
        },
    );
    provide_context(pair.0);
    provide_context(pair.1);
    pair
}

/// The chain the current view is scoped to (see [`OnChain`]).
fn scope() -> Option<usize> {
    use_context::<ChainScope>().and_then(|c| c.0)
}

/// The session, read side, from context, scoped to the view's chain.
pub fn use_play() -> PlayRead {
    PlayRead {
        chain: scope(),
        ..expect_context()
    }
}

/// The session, write side, from context, scoped to the view's chain.
pub fn use_play_mut() -> PlayWrite {
    PlayWrite {
        chain: scope(),
        ..expect_context()
    }
}

/// Scopes the views inside it to `chain` (`None`: the student's chain).
#[component]
pub fn OnChain(
    /// The chain (a lesson view's `chain` setting).
    chain: Option<usize>,
    /// The views.
    children: Children,
) -> impl IntoView {
    view! { <Provider value=ChainScope(chain)>{children()}</Provider> }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A view of chain B sends B's actions there, but time moves together.
    #[test]
    fn world_actions_go_to_the_scoped_chain() {
        let mine = LessonAction::World(Action::Mine { node: NodeId(1) });
        assert_eq!(on_chain(mine.clone(), None), mine);
        assert_eq!(
            on_chain(mine, Some(1)),
            LessonAction::Islands(IslandsAction::On {
                chain: 1,
                action: Action::Mine { node: NodeId(1) }
            })
        );
        let time = LessonAction::World(Action::AdvanceTime { ms: 5 });
        assert_eq!(on_chain(time.clone(), Some(1)), time);
    }
}
