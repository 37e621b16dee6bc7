//! What the player says after each action: accepted (with what it gave) or
//! refused (with the world's reason), and the objectives it ticked.

use lessons::{Applied, Done, LessonAction, ToolOutput};

/// The outcome of the last action, as the player shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    /// A number that changes with every action (so the same outcome twice
    /// is announced twice).
    pub serial: u64,
    /// The action's name (`mine`, `hash`, ...).
    pub action: String,
    /// What happened.
    pub outcome: Outcome,
    /// Objectives this action ticked, as (step, objective) indices.
    pub newly_done: Vec<(usize, usize)>,
}

/// Accepted or refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted; a short account of what it gave (may be empty).
    Accepted(String),
    /// Refused by the world or a tool, with the reason in its words.
    Refused(String),
    /// The session took no more actions (a limit), in words.
    Stopped(String),
}

impl Feedback {
    /// The feedback for an action and what applying it did.
    pub fn of(serial: u64, action: &LessonAction, applied: &Result<Applied, String>) -> Feedback {
        let (outcome, newly_done) = match applied {
            Err(e) => (Outcome::Stopped(e.clone()), Vec::new()),
            Ok(a) => (
                match &a.result {
                    Ok(done) => Outcome::Accepted(describe(done)),
                    Err(reason) => Outcome::Refused(reason.clone()),
                },
                a.newly_done.clone(),
            ),
        };
        Feedback {
            serial,
            action: action.name(),
            outcome,
            newly_done,
        }
    }
}

/// A short, language-neutral account of an accepted action's result.
pub fn describe(done: &Done) -> String {
    match done {
        Done::World(o) => {
            let mut parts = Vec::new();
            if let Some(b) = &o.block {
                parts.push(format!("▣ {}…", b.short()));
            }
            if let Some(t) = &o.txid {
                parts.push(format!("tx {}…", t.short()));
            }
            if let Some(r) = o.reached {
                parts.push(if r {
                    "✓".to_owned()
                } else {
                    "…".to_owned()
                });
            }
            parts.join(" ")
        }
        Done::Tool(ToolOutput::Hash { digest, zero_bits }) => {
            format!("{} ({zero_bits} ⁰)", hex::encode(digest.0))
        }
        Done::Tool(ToolOutput::Signature { signature }) => signature.clone(),
        Done::Tool(ToolOutput::Verified { valid }) => if *valid { "✓" } else { "✗" }.to_owned(),
        Done::Tool(ToolOutput::BlockEdit { hash, broken }) => {
            let broken: Vec<String> = broken
                .iter()
                .filter_map(|b| serde_json::to_value(b).ok())
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            format!("{}… ✗ {}", hash.get(..8).unwrap_or(hash), broken.join(", "))
        }
        Done::Tool(ToolOutput::Inclusion { valid, leaves, .. }) => {
            format!("{} ({leaves})", if *valid { "✓" } else { "✗" })
        }
        Done::Tool(ToolOutput::Query {
            returned, fault, ..
        }) => match (returned, fault) {
            (_, Some(fault)) => format!("✗ {fault}"),
            (Some(value), None) => format!("→ {value}"),
            (None, None) => "→ ()".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::forms;
    use crate::player::saved::tests::lesson;
    use lessons::Session;
    use sandbox_chain::world::NodeId;

    #[test]
    fn accepted_refused_and_ticked() {
        let mut s = Session::start(&lesson()).unwrap();
        let a = forms::hash("hi");
        let f = Feedback::of(1, &a, &s.apply(a.clone()).map_err(|e| e.to_string()));
        assert_eq!(f.action, "hash");
        assert_eq!(f.newly_done, [(0, 0)]);
        assert!(
            matches!(&f.outcome, Outcome::Accepted(t) if t.starts_with("8f434346")),
            "{f:?}"
        );
        let bad = forms::mine(NodeId(7));
        let f = Feedback::of(2, &bad, &s.apply(bad.clone()).map_err(|e| e.to_string()));
        assert!(
            matches!(&f.outcome, Outcome::Refused(r) if r.contains("no node 7")),
            "{f:?}"
        );
        assert!(f.newly_done.is_empty());
        let f = Feedback::of(3, &bad, &Err("stopped".into()));
        assert_eq!(f.outcome, Outcome::Stopped("stopped".into()));
    }
}
