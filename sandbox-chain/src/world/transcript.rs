//! Transcripts: a world as data (seed, configuration, action log), and
//! replaying one.

use serde::{Deserialize, Serialize};

use crate::json::{ImportError, from_json_bounded};

use super::action::Action;
use super::digest::WorldDigest;
use super::{World, WorldConfig, WorldError};

/// The transcript format this crate writes and reads.
pub const TRANSCRIPT_FORMAT_VERSION: u32 = 1;

/// A world as data: replaying its actions on a world built from its seed
/// and configuration gives the same world, with the same digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transcript {
    /// Always [`TRANSCRIPT_FORMAT_VERSION`].
    pub format_version: u32,
    /// A title, for scenarios and saved worlds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// What it shows, for scenarios.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The seed of the world's random stream.
    pub seed: u64,
    /// The starting configuration.
    pub config: WorldConfig,
    /// Every action applied, accepted or refused, in order.
    pub actions: Vec<Action>,
    /// The digest after the last action, if recorded: a replay must
    /// reproduce it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<WorldDigest>,
}

/// Why a transcript could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The file is not a transcript.
    #[error("not a valid transcript: {0}")]
    Import(#[from] ImportError),
    /// Written by another version of the format.
    #[error(
        "transcript format version {found} is not supported (this build reads version {supported})"
    )]
    FormatVersion {
        /// The version in the file.
        found: u32,
        /// The version supported.
        supported: u32,
    },
    /// The configuration cannot make a world.
    #[error(transparent)]
    World(#[from] WorldError),
    /// The replay ended in another state than the one recorded.
    #[error(
        "the replay ends with digest {found} but the transcript recorded {expected}: the world did not replay identically"
    )]
    DigestMismatch {
        /// The recorded digest.
        expected: WorldDigest,
        /// The replay's digest.
        found: WorldDigest,
    },
}

impl Transcript {
    /// Reads a transcript from JSON (bounded in size, unknown fields refused).
    pub fn from_json(json: &str) -> Result<Transcript, ReplayError> {
        let t: Transcript = from_json_bounded(json)?;
        if t.format_version != TRANSCRIPT_FORMAT_VERSION {
            return Err(ReplayError::FormatVersion {
                found: t.format_version,
                supported: TRANSCRIPT_FORMAT_VERSION,
            });
        }
        Ok(t)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // A transcript holds only strings, numbers and maps with string
        // keys, so it always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl World {
    /// The transcript of this world so far, with its current digest.
    pub fn transcript(&self) -> Transcript {
        Transcript {
            format_version: TRANSCRIPT_FORMAT_VERSION,
            title: String::new(),
            description: String::new(),
            seed: self.seed,
            config: self.config.clone(),
            actions: self.history.iter().map(|r| r.action.clone()).collect(),
            digest: Some(self.digest()),
        }
    }

    /// Builds the transcript's world and applies its actions in order
    /// (refused ones are refused again, exactly as recorded). If the
    /// transcript records a digest, the replay must end with it.
    pub fn replay(t: &Transcript) -> Result<World, ReplayError> {
        if t.format_version != TRANSCRIPT_FORMAT_VERSION {
            return Err(ReplayError::FormatVersion {
                found: t.format_version,
                supported: TRANSCRIPT_FORMAT_VERSION,
            });
        }
        let mut world = World::new(t.config.clone(), t.seed)?;
        for a in &t.actions {
            // Refusals are part of the record.
            let _ = world.apply(a.clone());
        }
        if let Some(expected) = t.digest {
            let found = world.digest();
            if found != expected {
                return Err(ReplayError::DigestMismatch { expected, found });
            }
        }
        Ok(world)
    }
}
