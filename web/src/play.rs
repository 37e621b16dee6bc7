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

use leptos::prelude::*;
use lessons::{Applied, LessonAction, Session};

/// Reading the session (tracked).
#[derive(Clone, Copy)]
pub struct PlayRead {
    session: RwSignal<Option<Session>, LocalStorage>,
}

impl PlayRead {
    /// Runs `f` over the session, if one is being played (tracked: the
    /// caller re-runs after every action).
    pub fn with<R>(self, f: impl FnOnce(&Session) -> R) -> Option<R> {
        self.session.with(|s| s.as_ref().map(f))
    }

    /// Runs `f` over the session without tracking (for timers and event
    /// handlers).
    pub fn with_untracked<R>(self, f: impl FnOnce(&Session) -> R) -> Option<R> {
        self.session.with_untracked(|s| s.as_ref().map(f))
    }

    /// Whether a session is being played (tracked).
    pub fn is_playing(self) -> bool {
        self.session.with(Option::is_some)
    }
}

/// Changing the session.
#[derive(Clone, Copy)]
pub struct PlayWrite {
    session: RwSignal<Option<Session>, LocalStorage>,
}

impl PlayWrite {
    /// Applies one action to the session. `Err` says why nothing was
    /// applied (no session, or the session takes no more actions); an
    /// action the world refuses is `Ok` with `Applied::result` an `Err`,
    /// and is recorded in the transcript like every other action.
    pub fn apply(self, action: LessonAction) -> Result<Applied, String> {
        let mut out = Err(String::from("no lesson or world is open"));
        self.session.update(|s| {
            if let Some(s) = s {
                out = s.apply(action).map_err(|e| e.to_string());
            }
        });
        out
    }

    /// Starts playing `session` (or stops playing, with `None`).
    pub fn set(self, session: Option<Session>) {
        self.session.set(session);
    }
}

/// Provides [`PlayRead`] and [`PlayWrite`], with nothing being played.
pub fn provide_play() -> (PlayRead, PlayWrite) {
    let session = RwSignal::new_local(None);
    let pair = (PlayRead { session }, PlayWrite { session });
    provide_context(pair.0);
    provide_context(pair.1);
    pair
}

/// The session, read side, from context.
pub fn use_play() -> PlayRead {
    expect_context()
}

/// The session, write side, from context.
pub fn use_play_mut() -> PlayWrite {
    expect_context()
}
