//! Mining jobs, as plain data: how the nonce space is cut into chunks for
//! the workers, and the progress and hash rate shown while they search.
//! The browser side (`crate::workers`) sends the chunks and feeds the
//! results back into a [`MiningStatus`].

use std::ops::Range;

/// Nonces per message to a worker: about 25 ms of hashing at 2 M/s, so a
/// cancel takes effect within one chunk and messages cost nothing.
pub const CHUNK: u64 = 50_000;

/// Nonces stay below 2^53 so they travel exactly as JavaScript numbers.
pub const MAX_NONCE: u64 = 1 << 53;

/// Hands out consecutive, non-overlapping chunks of nonces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkPlan {
    next: u64,
    chunk: u64,
}

impl ChunkPlan {
    /// Chunks of `chunk` nonces (at least 1), starting at 0.
    pub fn new(chunk: u64) -> Self {
        ChunkPlan {
            next: 0,
            chunk: chunk.max(1),
        }
    }

    /// The next range to search, or `None` once [`MAX_NONCE`] is reached.
    pub fn next_chunk(&mut self) -> Option<Range<u64>> {
        if self.next >= MAX_NONCE {
            return None;
        }
        let start = self.next;
        let end = start.saturating_add(self.chunk).min(MAX_NONCE);
        self.next = end;
        Some(start..end)
    }
}

/// Where a mining job stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum MiningState {
    /// No job has run.
    #[default]
    Idle,
    /// Workers are searching.
    Running,
    /// A nonce was found.
    Found {
        /// The nonce.
        nonce: u64,
        /// The hash it gives, hex.
        hash: String,
    },
    /// The student cancelled.
    Cancelled,
    /// Every nonce below [`MAX_NONCE`] was tried without success.
    Exhausted,
    /// Workers could not be started; the reason.
    Failed(String),
}

/// What the mining panel shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MiningStatus {
    /// Which view's job this is (e.g. `block`, `chain:3`, `wallet`).
    pub owner: String,
    /// The job's number; results of older jobs are ignored.
    pub job: u32,
    /// Where it stands.
    pub state: MiningState,
    /// Nonces hashed so far.
    pub tried: u64,
    /// Expected hashes to find a block (the target's work).
    pub expected: f64,
    /// Milliseconds since the job started.
    pub elapsed_ms: f64,
    /// Workers searching.
    pub workers: u32,
}

impl MiningStatus {
    /// A running job.
    pub fn start(owner: &str, job: u32, expected: f64, workers: u32) -> Self {
        MiningStatus {
            owner: owner.into(),
            job,
            state: MiningState::Running,
            tried: 0,
            expected,
            elapsed_ms: 0.0,
            workers,
        }
    }

    /// Whether workers are searching.
    pub fn is_running(&self) -> bool {
        self.state == MiningState::Running
    }

    /// Records a searched chunk of `job`; false (and no change) if the job
    /// is not the current running one.
    pub fn record(&mut self, job: u32, tried: u64, elapsed_ms: f64) -> bool {
        if job != self.job || !self.is_running() {
            return false;
        }
        self.tried = self.tried.saturating_add(tried);
        self.elapsed_ms = elapsed_ms.max(self.elapsed_ms);
        true
    }

    /// Hashes per second so far.
    pub fn rate(&self) -> f64 {
        if self.elapsed_ms <= 0.0 {
            0.0
        } else {
            self.tried as f64 * 1000.0 / self.elapsed_ms
        }
    }

    /// The chance that a block would have been found by now,
    /// `1 - e^(-tried / expected)`: the progress bar (mining has no
    /// "percent done", only luck).
    pub fn luck(&self) -> f64 {
        if self.expected <= 0.0 {
            return 1.0;
        }
        1.0 - (-(self.tried as f64) / self.expected).exp()
    }
}

/// `1234567.0` → `1.23 M`, for hash rates and counts.
pub fn human_count(value: f64) -> String {
    if value >= 1e9 {
        format!("{:.2} G", value / 1e9)
    } else if value >= 1e6 {
        format!("{:.2} M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.1} k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_nonces_without_gaps_or_overlap() {
        let mut plan = ChunkPlan::new(CHUNK);
        let a = plan.next_chunk().unwrap();
        let b = plan.next_chunk().unwrap();
        assert_eq!(a, 0..CHUNK);
        assert_eq!(b, CHUNK..2 * CHUNK);
    }

    #[test]
    fn chunks_stop_at_the_largest_exact_javascript_number() {
        let mut plan = ChunkPlan {
            next: MAX_NONCE - 10,
            chunk: CHUNK,
        };
        assert_eq!(plan.next_chunk(), Some(MAX_NONCE - 10..MAX_NONCE));
        assert_eq!(plan.next_chunk(), None);
    }

    #[test]
    fn results_of_an_old_or_finished_job_are_ignored() {
        let mut status = MiningStatus::start("block", 2, 65536.0, 2);
        assert!(!status.record(1, 50_000, 10.0));
        assert!(status.record(2, 50_000, 25.0));
        assert_eq!(status.tried, 50_000);
        assert_eq!(status.rate(), 2_000_000.0);
        status.state = MiningState::Cancelled;
        assert!(!status.record(2, 50_000, 50.0));
        assert_eq!(status.tried, 50_000);
    }

    #[test]
    fn luck_grows_towards_one() {
        let mut status = MiningStatus::start("block", 1, 1000.0, 1);
        assert_eq!(status.luck(), 0.0);
        status.record(1, 1000, 1.0);
        assert!((status.luck() - 0.632).abs() < 0.001);
    }

    #[test]
    fn counts_are_human_sized() {
        assert_eq!(human_count(1_234_567.0), "1.23 M");
        assert_eq!(human_count(950.0), "950");
        assert_eq!(human_count(12_300.0), "12.3 k");
    }
}
