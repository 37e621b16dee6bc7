//! Named scenarios: transcripts under `sandbox-chain/scenarios/`, compiled
//! in (so they load in wasm32 too) and replayed on demand.

use super::World;
use super::transcript::{ReplayError, Transcript};

/// Every scenario: (name, transcript JSON).
const SCENARIOS: &[(&str, &str)] = &[
    (
        "partition-reorg",
        include_str!("../../scenarios/partition-reorg.json"),
    ),
    (
        "double-spend-51",
        include_str!("../../scenarios/double-spend-51.json"),
    ),
    (
        "bft-equivocating-f",
        include_str!("../../scenarios/bft-equivocating-f.json"),
    ),
    (
        "bft-halt-f-plus-1",
        include_str!("../../scenarios/bft-halt-f-plus-1.json"),
    ),
    (
        "bft-partition-heal",
        include_str!("../../scenarios/bft-partition-heal.json"),
    ),
    (
        "poa-rotation",
        include_str!("../../scenarios/poa-rotation.json"),
    ),
    (
        "pos-stake-weighted",
        include_str!("../../scenarios/pos-stake-weighted.json"),
    ),
    (
        "permissioned-outsider",
        include_str!("../../scenarios/permissioned-outsider.json"),
    ),
];

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// No scenario has this name.
    #[error("there is no scenario named \"{name}\" (known: {known})")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names there are.
        known: String,
    },
    /// The scenario's transcript did not replay.
    #[error("scenario \"{name}\": {error}")]
    Replay {
        /// The scenario.
        name: String,
        /// What went wrong.
        error: ReplayError,
    },
}

/// The names of the scenarios.
pub fn scenario_names() -> Vec<&'static str> {
    SCENARIOS.iter().map(|(n, _)| *n).collect()
}

/// A scenario's transcript.
pub fn scenario_transcript(name: &str) -> Result<Transcript, ScenarioError> {
    let json = SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, j)| *j)
        .ok_or_else(|| ScenarioError::Unknown {
            name: name.to_owned(),
            known: scenario_names().join(", "),
        })?;
    Transcript::from_json(json).map_err(|error| ScenarioError::Replay {
        name: name.to_owned(),
        error,
    })
}

impl World {
    /// The world a named scenario ends in (its transcript replayed).
    pub fn scenario(name: &str) -> Result<World, ScenarioError> {
        let t = scenario_transcript(name)?;
        World::replay(&t).map_err(|error| ScenarioError::Replay {
            name: name.to_owned(),
            error,
        })
    }
}
