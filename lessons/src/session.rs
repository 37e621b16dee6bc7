//! A lesson being played: the world, the student's action log and the
//! objectives ticking as they first hold. The web app drives one of these
//! live; the grader replays a transcript through one; the checker replays
//! the solutions through one. One implementation for all three.
//!
//! An objective is *latched*: once it holds after some action it stays
//! done, even if the world later moves on (bob may spend the coins he was
//! sent). A step is complete when all its objectives are done; steps may
//! be completed in any order.

use sandbox_chain::world::islands::Islands;
use sandbox_chain::world::{ActionOutcome, NodeId, World, WorldDigest};
use serde::{Deserialize, Serialize};

use crate::action::{LessonAction, ToolCtx, ToolOutput};
use crate::lesson::{Lesson, Objective};
use crate::predicate::{ConnectedFacts, Facts, LogEntry};
use crate::transcript::{LESSON_TRANSCRIPT_FORMAT_VERSION, LessonTranscript};
use crate::worlds::LessonWorld;

/// The most actions one session (and so one transcript) may hold.
pub const MAX_ACTIONS: usize = 10_000;

/// The most simulated events a session may process (a guard against a
/// transcript that asks for hours of mining).
pub const MAX_EVENTS: u64 = 2_000_000;

/// Progress of one objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveProgress {
    /// The objective's id.
    pub id: String,
    /// How many actions had been applied when it first held (`None`: not
    /// yet).
    pub done_after: Option<usize>,
}

/// Progress of one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepProgress {
    /// The step's id.
    pub id: String,
    /// Its objectives, in lesson order.
    pub objectives: Vec<ObjectiveProgress>,
}

impl StepProgress {
    /// Whether every objective is done.
    pub fn complete(&self) -> bool {
        self.objectives.iter().all(|o| o.done_after.is_some())
    }
}

/// What applying one action did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The world's outcome, or the tool's output, or why it was refused.
    pub result: Result<Done, String>,
    /// Objectives that became done, as (step index, objective index).
    pub newly_done: Vec<(usize, usize)>,
}

/// An accepted action's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    /// A world action's outcome.
    World(ActionOutcome),
    /// A tool's output.
    Tool(ToolOutput),
}

/// Why a session takes no more actions.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Too many actions.
    #[error("a lesson takes at most {MAX_ACTIONS} actions")]
    TooManyActions,
    /// Too much simulated work.
    #[error("the world has processed {0} events, more than a lesson allows ({MAX_EVENTS})")]
    EventBudget(u64),
}

/// A lesson being played. See the module documentation.
#[derive(Debug)]
pub struct Session {
    lesson_id: String,
    lesson_version: u32,
    seed: u64,
    student: NodeId,
    steps: Vec<(String, Vec<Objective>)>,
    world: LessonWorld,
    /// Per chain: its first event and action-history entry of the lesson.
    events_from: Vec<usize>,
    history_from: Vec<usize>,
    log: Vec<LogEntry>,
    progress: Vec<StepProgress>,
}

impl Session {
    /// Starts a lesson: builds its world (one chain, or connected chains),
    /// applies its setup, and checks the objectives once (the checker makes
    /// sure none holds yet).
    pub fn start(lesson: &Lesson) -> Result<Session, String> {
        let world = lesson.start.build()?;
        let progress = lesson
            .steps
            .iter()
            .map(|s| StepProgress {
                id: s.id.clone(),
                objectives: s
                    .objectives
                    .iter()
                    .map(|o| ObjectiveProgress {
                        id: o.id.clone(),
                        done_after: None,
                    })
                    .collect(),
            })
            .collect();
        let worlds = world.worlds();
        let events_from = worlds.iter().map(|w| w.events().len()).collect();
        let history_from = worlds.iter().map(|w| w.history().len()).collect();
        let mut s = Session {
            lesson_id: lesson.id.clone(),
            lesson_version: lesson.version,
            seed: lesson.start.seed,
            student: lesson.start.student,
            steps: lesson
                .steps
                .iter()
                .map(|s| (s.id.clone(), s.objectives.clone()))
                .collect(),
            events_from,
            history_from,
            world,
            log: Vec::new(),
            progress,
        };
        s.evaluate();
        Ok(s)
    }

    /// The world of the student's chain, to draw (on a lesson with one
    /// chain, the world).
    pub fn world(&self) -> &World {
        self.world.student_world()
    }

    /// The connected chains, if the lesson has them (the bridge view draws
    /// from them; each chain's world is `islands().world(i)`).
    pub fn islands(&self) -> Option<&Islands> {
        self.world.islands()
    }

    /// The student's chain among connected chains (`None`: the lesson has
    /// one chain). World actions act on this chain.
    pub fn student_chain(&self) -> Option<usize> {
        self.world.student_chain()
    }

    /// The world of `chain` (a view's `chain` setting; `None`: the
    /// student's chain). `None` if there is no such chain.
    pub fn world_of(&self, chain: Option<usize>) -> Option<&World> {
        self.world.world_of(chain)
    }

    /// The student's node (on the student's chain).
    pub fn student(&self) -> NodeId {
        self.student
    }

    /// The student's actions so far.
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// Progress per step.
    pub fn progress(&self) -> &[StepProgress] {
        &self.progress
    }

    /// The first step not yet complete (`None`: the lesson is done).
    pub fn current_step(&self) -> Option<usize> {
        self.progress.iter().position(|s| !s.complete())
    }

    /// Whether every objective is done.
    pub fn complete(&self) -> bool {
        self.current_step().is_none()
    }

    /// The facts predicates are evaluated over, now.
    pub fn facts(&self) -> Facts<'_> {
        let chain = self.world.student_chain().unwrap_or(0);
        Facts {
            world: self.world.student_world(),
            student: self.student,
            events_from: self.events_from.get(chain).copied().unwrap_or(0),
            history_from: self.history_from.get(chain).copied().unwrap_or(0),
            log: &self.log,
            connected: self.world.islands().map(|islands| ConnectedFacts {
                islands,
                chain,
                events_from: &self.events_from,
                history_from: &self.history_from,
            }),
        }
    }

    /// Applies one action (a refused one is recorded too, as in the
    /// world), then ticks the objectives that now hold.
    pub fn apply(&mut self, action: LessonAction) -> Result<Applied, SessionError> {
        if self.log.len() >= MAX_ACTIONS {
            return Err(SessionError::TooManyActions);
        }
        let events = self.world.events_processed();
        if events > MAX_EVENTS {
            return Err(SessionError::EventBudget(events));
        }
        let result = match &action {
            LessonAction::World(a) => self
                .world
                .apply_world(a)
                .map(Done::World)
                .map_err(|e| e.to_string()),
            LessonAction::Islands(a) => self
                .world
                .apply_islands(a)
                .map(Done::World)
                .map_err(|e| e.to_string()),
            LessonAction::Tool(t) => {
                let ctx = ToolCtx {
                    world: self.world.student_world(),
                    student: self.student,
                };
                t.run(&ctx).map(Done::Tool).map_err(|e| e.to_string())
            }
        };
        self.log.push(LogEntry {
            action,
            refused: result.as_ref().err().cloned(),
            output: match &result {
                Ok(Done::Tool(o)) => Some(o.clone()),
                _ => None,
            },
        });
        let newly_done = self.evaluate();
        Ok(Applied { result, newly_done })
    }

    /// Ticks every objective not yet done that holds now.
    fn evaluate(&mut self) -> Vec<(usize, usize)> {
        let after = self.log.len();
        let mut newly = Vec::new();
        let mut done = Vec::new();
        {
            let facts = self.facts();
            for (si, (step, (_, objectives))) in self.progress.iter().zip(&self.steps).enumerate() {
                for (oi, (p, o)) in step.objectives.iter().zip(objectives).enumerate() {
                    if p.done_after.is_none() && o.check.holds(&facts) {
                        done.push((si, oi));
                    }
                }
            }
        }
        for (si, oi) in done {
            if let Some(p) = self
                .progress
                .get_mut(si)
                .and_then(|s| s.objectives.get_mut(oi))
            {
                p.done_after = Some(after);
                newly.push((si, oi));
            }
        }
        newly
    }

    /// Whether each objective holds right now (not latched), by step.
    pub fn holding_now(&self) -> Vec<Vec<bool>> {
        let facts = self.facts();
        self.steps
            .iter()
            .map(|(_, os)| os.iter().map(|o| o.check.holds(&facts)).collect())
            .collect()
    }

    /// The digest now: the world's, or on connected chains the digest of
    /// every chain, the relayers and the clock together.
    pub fn digest(&self) -> WorldDigest {
        self.world.digest()
    }

    /// The transcript to export: the student's actions, which ones were
    /// refused, and the digest (see [`Session::digest`]).
    pub fn transcript(&self) -> LessonTranscript {
        LessonTranscript {
            format_version: LESSON_TRANSCRIPT_FORMAT_VERSION,
            lesson: self.lesson_id.clone(),
            lesson_version: self.lesson_version,
            seed: self.seed,
            actions: self.log.iter().map(|e| e.action.clone()).collect(),
            refused: self
                .log
                .iter()
                .enumerate()
                .filter(|(_, e)| e.refused.is_some())
                .map(|(i, _)| i)
                .collect(),
            digest: self.world.digest(),
        }
    }
}
