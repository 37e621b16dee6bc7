//! Hints and solutions: what a student has asked for on one step.
//!
//! Hints come one at a time, in the lesson's order. The solution stays
//! hidden until the step is complete, or until the student asks for it
//! twice (the first ask only warns), so it is a last resort and not the
//! first thing seen.

use serde::{Deserialize, Serialize};

/// What a student has asked for on one step (stored with the lesson).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepHelp {
    /// Hints revealed.
    pub hints: u32,
    /// Times the solution was asked for (0, 1 or 2).
    pub asks: u32,
}

/// Whether the solution of a step may be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolutionGate {
    /// Not yet asked for.
    Hidden,
    /// Asked for once: the student is told to try the hints and ask again.
    Confirm,
    /// Shown (asked for twice, or the step is complete).
    Shown,
}

impl StepHelp {
    /// How many hints to show, of `available`.
    pub fn hints_shown(&self, available: usize) -> usize {
        usize::try_from(self.hints).map_or(available, |n| n.min(available))
    }

    /// Whether another hint can be revealed.
    pub fn more_hints(&self, available: usize) -> bool {
        self.hints_shown(available) < available
    }

    /// Reveals the next hint; false if all were already shown.
    pub fn reveal_hint(&mut self, available: usize) -> bool {
        if !self.more_hints(available) {
            return false;
        }
        self.hints = self.hints.saturating_add(1);
        true
    }

    /// Asks for the solution (the second ask shows it).
    pub fn ask_solution(&mut self) {
        self.asks = self.asks.saturating_add(1).min(2);
    }

    /// Whether the solution may be shown, given whether the step is done.
    pub fn solution(&self, step_complete: bool) -> SolutionGate {
        match (step_complete, self.asks) {
            (true, _) => SolutionGate::Shown,
            (false, 0) => SolutionGate::Hidden,
            (false, 1) => SolutionGate::Confirm,
            (false, _) => SolutionGate::Shown,
        }
    }
}

/// The help of every step, sized to the lesson (stored lists that are too
/// short or too long, e.g. from another version, are padded or cut).
pub fn for_steps(stored: &[StepHelp], steps: usize) -> Vec<StepHelp> {
    (0..steps)
        .map(|i| stored.get(i).copied().unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_come_one_at_a_time_and_stop_at_the_last() {
        let mut help = StepHelp::default();
        assert_eq!(help.hints_shown(2), 0);
        assert!(help.reveal_hint(2));
        assert_eq!(help.hints_shown(2), 1);
        assert!(help.more_hints(2));
        assert!(help.reveal_hint(2));
        assert!(!help.more_hints(2));
        assert!(!help.reveal_hint(2));
        assert_eq!(help.hints_shown(2), 2);
        // A step without hints has none to give.
        assert!(!StepHelp::default().reveal_hint(0));
    }

    /// Guards the gating rule: one ask only warns; two show it; a finished
    /// step shows it at once.
    #[test]
    fn the_solution_needs_two_asks_or_a_finished_step() {
        let mut help = StepHelp::default();
        assert_eq!(help.solution(false), SolutionGate::Hidden);
        assert_eq!(help.solution(true), SolutionGate::Shown);
        help.ask_solution();
        assert_eq!(help.solution(false), SolutionGate::Confirm);
        help.ask_solution();
        assert_eq!(help.solution(false), SolutionGate::Shown);
        help.ask_solution();
        assert_eq!(help.asks, 2);
    }

    #[test]
    fn stored_help_is_fitted_to_the_steps() {
        let stored = [StepHelp { hints: 1, asks: 0 }];
        let fitted = for_steps(&stored, 3);
        assert_eq!(fitted.len(), 3);
        assert_eq!(fitted[0].hints, 1);
        assert_eq!(fitted[2], StepHelp::default());
        assert_eq!(for_steps(&[StepHelp::default(); 5], 2).len(), 2);
        // More hints stored than the step has: only the ones there are show.
        assert_eq!(StepHelp { hints: 9, asks: 0 }.hints_shown(2), 2);
    }
}
