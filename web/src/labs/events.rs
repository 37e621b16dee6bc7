//! The event log's logic: each world event as a translatable sentence, its
//! kind (as lessons name kinds: `block_produced`, `reorg`, ...), and the
//! filter.

use sandbox_chain::world::{LoggedEvent, WorldEvent};

use crate::i18n::{Lang, fill, tr};

/// A message key and its values: the view translates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    /// The message key.
    pub key: &'static str,
    /// Its `{placeholders}`' values.
    pub args: Vec<(&'static str, String)>,
}

impl Phrase {
    /// A phrase.
    pub fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Phrase { key, args }
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(tr(lang, self.key), &args)
    }
}

/// Every event kind, in the order the filter offers them.
pub const KINDS: &[&str] = &[
    "block_produced",
    "block_rejected",
    "reorg",
    "finalized",
    "tx_accepted",
    "tx_rejected",
    "tx_dropped",
    "contract_deployed",
    "contract_called",
    "relay_received",
    "relay_applied",
    "partitioned",
    "healed",
    "link_cut",
    "link_restored",
    "behaviour_changed",
    "mining_power_changed",
    "note",
    "evidence",
    "change_approved",
    "governance_applied",
    "action_rejected",
];

/// An event's kind, as in its JSON (`reorg`, `tx_rejected`, ...).
pub fn kind(e: &WorldEvent) -> &'static str {
    match e {
        WorldEvent::ActionRejected { .. } => "action_rejected",
        WorldEvent::BlockProduced { .. } => "block_produced",
        WorldEvent::BlockRejected { .. } => "block_rejected",
        WorldEvent::Reorg { .. } => "reorg",
        WorldEvent::TxAccepted { .. } => "tx_accepted",
        WorldEvent::TxRejected { .. } => "tx_rejected",
        WorldEvent::TxDropped { .. } => "tx_dropped",
        WorldEvent::ContractDeployed { .. } => "contract_deployed",
        WorldEvent::ContractCalled { .. } => "contract_called",
        WorldEvent::RelayReceived { .. } => "relay_received",
        WorldEvent::RelayApplied { .. } => "relay_applied",
        WorldEvent::Finalized { .. } => "finalized",
        WorldEvent::Partitioned { .. } => "partitioned",
        WorldEvent::Healed => "healed",
        WorldEvent::LinkCut { .. } => "link_cut",
        WorldEvent::LinkRestored { .. } => "link_restored",
        WorldEvent::BehaviourChanged { .. } => "behaviour_changed",
        WorldEvent::MiningPowerChanged { .. } => "mining_power_changed",
        WorldEvent::Note { .. } => "note",
        WorldEvent::Evidence { .. } => "evidence",
        WorldEvent::ChangeApproved { .. } => "change_approved",
        WorldEvent::GovernanceApplied { .. } => "governance_applied",
    }
}

/// The message key naming a kind in the filter (`events.kind.reorg`).
pub fn kind_key(kind: &str) -> &'static str {
    match kind {
        "block_produced" => "events.kind.block_produced",
        "block_rejected" => "events.kind.block_rejected",
        "reorg" => "events.kind.reorg",
        "finalized" => "events.kind.finalized",
        "tx_accepted" => "events.kind.tx_accepted",
        "tx_rejected" => "events.kind.tx_rejected",
        "tx_dropped" => "events.kind.tx_dropped",
        "contract_deployed" => "events.kind.contract_deployed",
        "contract_called" => "events.kind.contract_called",
        "relay_received" => "events.kind.relay_received",
        "relay_applied" => "events.kind.relay_applied",
        "partitioned" => "events.kind.partitioned",
        "healed" => "events.kind.healed",
        "link_cut" => "events.kind.link_cut",
        "link_restored" => "events.kind.link_restored",
        "behaviour_changed" => "events.kind.behaviour_changed",
        "mining_power_changed" => "events.kind.mining_power_changed",
        "note" => "events.kind.note",
        "evidence" => "events.kind.evidence",
        "change_approved" => "events.kind.change_approved",
        "governance_applied" => "events.kind.governance_applied",
        _ => "events.kind.action_rejected",
    }
}

/// Whether an event is bad news (drawn in red): refusals, drops, faults,
/// evidence.
pub fn is_bad(e: &WorldEvent) -> bool {
    match e {
        WorldEvent::ActionRejected { .. }
        | WorldEvent::BlockRejected { .. }
        | WorldEvent::TxRejected { .. }
        | WorldEvent::TxDropped { .. }
        | WorldEvent::Evidence { .. } => true,
        WorldEvent::ContractDeployed { fault, .. } | WorldEvent::ContractCalled { fault, .. } => {
            fault.is_some()
        }
        _ => false,
    }
}

fn node(n: sandbox_chain::world::NodeId) -> String {
    n.0.to_string()
}

/// An event as a sentence.
pub fn describe(e: &WorldEvent) -> Phrase {
    use WorldEvent as E;
    match e {
        E::ActionRejected { index, reason } => Phrase::new(
            "events.action_rejected",
            vec![("n", (index + 1).to_string()), ("reason", reason.clone())],
        ),
        E::BlockProduced {
            node: n,
            hash,
            height,
            txs,
            withheld,
        } => Phrase::new(
            if *withheld {
                "events.block_withheld"
            } else {
                "events.block_produced"
            },
            vec![
                ("node", node(*n)),
                ("hash", hash.short()),
                ("height", height.to_string()),
                ("txs", txs.to_string()),
            ],
        ),
        E::BlockRejected {
            node: n,
            hash,
            reason,
        } => Phrase::new(
            "events.block_rejected",
            vec![
                ("node", node(*n)),
                ("hash", hash.short()),
                ("reason", reason.clone()),
            ],
        ),
        E::Reorg {
            node: n,
            depth,
            old_tip,
            new_tip,
            fork_point,
        } => Phrase::new(
            "events.reorg",
            vec![
                ("node", node(*n)),
                ("depth", depth.to_string()),
                ("old", old_tip.short()),
                ("new", new_tip.short()),
                ("fork", fork_point.short()),
            ],
        ),
        E::TxAccepted {
            node: n,
            txid,
            from,
        } => match from {
            Some(f) => Phrase::new(
                "events.tx_relayed",
                vec![("node", node(*n)), ("tx", txid.short()), ("from", node(*f))],
            ),
            None => Phrase::new(
                "events.tx_accepted",
                vec![("node", node(*n)), ("tx", txid.short())],
            ),
        },
        E::TxRejected {
            node: n,
            txid,
            reason,
            ..
        } => Phrase::new(
            "events.tx_rejected",
            vec![
                ("node", node(*n)),
                ("tx", txid.short()),
                ("reason", reason.clone()),
            ],
        ),
        E::TxDropped {
            node: n,
            txid,
            reason,
        } => Phrase::new(
            "events.tx_dropped",
            vec![
                ("node", node(*n)),
                ("tx", txid.short()),
                ("reason", reason.clone()),
            ],
        ),
        E::ContractDeployed {
            node: n,
            height,
            fault,
            receipt,
            ..
        } => match fault {
            None => Phrase::new(
                "events.contract_deployed",
                vec![
                    ("node", node(*n)),
                    ("contract", receipt.contract.short()),
                    ("height", height.to_string()),
                    ("gas", receipt.gas_used.to_string()),
                ],
            ),
            Some(f) => Phrase::new(
                "events.contract_deploy_failed",
                vec![
                    ("node", node(*n)),
                    ("height", height.to_string()),
                    ("gas", receipt.gas_used.to_string()),
                    ("fault", f.clone()),
                ],
            ),
        },
        E::ContractCalled {
            node: n,
            height,
            function,
            fault,
            receipt,
            ..
        } => match fault {
            None => Phrase::new(
                "events.contract_called",
                vec![
                    ("node", node(*n)),
                    ("function", function.clone()),
                    ("contract", receipt.contract.short()),
                    ("height", height.to_string()),
                    ("gas", receipt.gas_used.to_string()),
                ],
            ),
            Some(f) => Phrase::new(
                "events.contract_call_failed",
                vec![
                    ("node", node(*n)),
                    ("function", function.clone()),
                    ("height", height.to_string()),
                    ("gas", receipt.gas_used.to_string()),
                    ("fault", f.clone()),
                ],
            ),
        },
        E::RelayReceived {
            node: n,
            source_chain,
            headers,
            proofs,
            ..
        } => Phrase::new(
            "events.relay_received",
            vec![
                ("node", node(*n)),
                ("chain", source_chain.to_string()),
                ("headers", headers.to_string()),
                ("proofs", proofs.to_string()),
            ],
        ),
        E::RelayApplied {
            node: n,
            height,
            receipt,
            ..
        } => Phrase::new(
            "events.relay_applied",
            vec![
                ("node", node(*n)),
                ("height", height.to_string()),
                ("headers", receipt.headers_accepted.to_string()),
                ("light", receipt.light_height.to_string()),
                ("minted", receipt.minted.len().to_string()),
                ("refused", receipt.claims_refused.len().to_string()),
            ],
        ),
        E::Finalized {
            node: n,
            height,
            hash,
        } => Phrase::new(
            "events.finalized",
            vec![
                ("node", node(*n)),
                ("height", height.to_string()),
                ("hash", hash.short()),
            ],
        ),
        E::Partitioned { groups } => Phrase::new(
            "events.partitioned",
            vec![(
                "groups",
                groups
                    .iter()
                    .map(|g| {
                        let ids: Vec<String> = g.iter().map(|n| n.0.to_string()).collect();
                        format!("{{{}}}", ids.join(", "))
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            )],
        ),
        E::Healed => Phrase::new("events.healed", Vec::new()),
        E::LinkCut { a, b } => {
            Phrase::new("events.link_cut", vec![("a", node(*a)), ("b", node(*b))])
        }
        E::LinkRestored { a, b } => Phrase::new(
            "events.link_restored",
            vec![("a", node(*a)), ("b", node(*b))],
        ),
        E::BehaviourChanged { node: n, behaviour } => Phrase::new(
            "events.behaviour_changed",
            vec![
                ("node", node(*n)),
                ("behaviour", behaviour_name(*behaviour).to_owned()),
            ],
        ),
        E::MiningPowerChanged {
            node: n,
            hashes_per_sec,
        } => Phrase::new(
            "events.mining_power_changed",
            vec![("node", node(*n)), ("rate", hashes_per_sec.to_string())],
        ),
        E::Note { node: n, text } => Phrase::new(
            "events.note",
            vec![("node", node(*n)), ("text", text.clone())],
        ),
        E::Evidence {
            node: n,
            validator,
            height,
            round,
            offence,
        } => Phrase::new(
            "events.evidence",
            vec![
                ("node", node(*n)),
                ("validator", validator.short()),
                ("height", height.to_string()),
                ("round", round.to_string()),
                (
                    "offence",
                    match offence {
                        sandbox_chain::world::Offence::DoubleVote => "double vote",
                        sandbox_chain::world::Offence::DoubleProposal => "double proposal",
                    }
                    .to_owned(),
                ),
            ],
        ),
        E::ChangeApproved {
            node: n,
            admin,
            organisations,
            needed,
            ..
        } => Phrase::new(
            "events.change_approved",
            vec![
                ("node", node(*n)),
                ("admin", admin.short()),
                ("orgs", organisations.to_string()),
                ("needed", needed.to_string()),
            ],
        ),
        E::GovernanceApplied {
            node: n, height, ..
        } => Phrase::new(
            "events.governance_applied",
            vec![("node", node(*n)), ("height", height.to_string())],
        ),
    }
}

/// A behaviour's name as actions write it.
pub fn behaviour_name(b: sandbox_chain::world::Behaviour) -> &'static str {
    use sandbox_chain::world::Behaviour as B;
    match b {
        B::Honest => "honest",
        B::Silent => "silent",
        B::Withhold => "withhold",
        B::Equivocate => "equivocate",
    }
}

/// One row of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Its position in the world's log (stable, for keys).
    pub index: usize,
    /// Simulated time.
    pub at_ms: u64,
    /// Kind.
    pub kind: &'static str,
    /// The sentence.
    pub phrase: Phrase,
    /// Bad news.
    pub bad: bool,
}

/// The events of `log` whose kind is in `kinds` (all if empty), newest
/// first, at most `limit`.
pub fn rows(log: &[LoggedEvent], kinds: &[String], limit: usize) -> Vec<EventRow> {
    log.iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| kinds.is_empty() || kinds.iter().any(|k| k == kind(&e.event)))
        .take(limit)
        .map(|(index, e)| EventRow {
            index,
            at_ms: e.at_ms,
            kind: kind(&e.event),
            phrase: describe(&e.event),
            bad: is_bad(&e.event),
        })
        .collect()
}

/// How many events of each kind the log holds, in [`KINDS`] order (kinds
/// with none left out).
pub fn counts(log: &[LoggedEvent]) -> Vec<(&'static str, usize)> {
    KINDS
        .iter()
        .map(|k| (*k, log.iter().filter(|e| kind(&e.event) == *k).count()))
        .filter(|(_, c)| *c > 0)
        .collect()
}

/// Simulated time as seconds with milliseconds: `12.345 s`.
pub fn time_text(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1_000, ms % 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::world::{Action, NodeId, World, WorldConfig};

    /// Every kind has a filter label and every sentence key exists in both
    /// languages with the placeholders the code fills.
    #[test]
    fn every_kind_and_sentence_has_messages() {
        for k in KINDS {
            assert_ne!(tr(Lang::En, kind_key(k)), kind_key(k), "{k}");
        }
        let mut w = World::new(WorldConfig::pow(3, 4, 0), 1).unwrap();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        w.apply(Action::CutLink {
            a: NodeId(0),
            b: NodeId(1),
        })
        .unwrap();
        w.apply(Action::RestoreLink {
            a: NodeId(0),
            b: NodeId(1),
        })
        .unwrap();
        w.apply(Action::Partition {
            groups: vec![vec![NodeId(0)]],
        })
        .unwrap();
        w.apply(Action::Heal).unwrap();
        let _ = w.apply(Action::Mine { node: NodeId(9) });
        w.apply(Action::AdvanceTime { ms: 1_000 }).unwrap();
        for e in w.events() {
            let p = describe(&e.event);
            for lang in Lang::ALL {
                let text = p.text(lang);
                assert!(
                    !text.contains('{') || text.contains("{0"),
                    "{lang:?}: {text}"
                );
                assert_ne!(text, p.key);
            }
        }
    }

    #[test]
    fn rows_are_newest_first_and_filtered_by_kind() {
        let mut w = World::new(WorldConfig::pow(3, 4, 0), 1).unwrap();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        w.apply(Action::AdvanceTime { ms: 1_000 }).unwrap();
        w.apply(Action::CutLink {
            a: NodeId(0),
            b: NodeId(1),
        })
        .unwrap();
        let all = rows(w.events(), &[], 1_000);
        assert_eq!(all.len(), w.events().len());
        assert_eq!(all[0].kind, "link_cut");
        assert!(all.windows(2).all(|p| p[0].index > p[1].index));
        let blocks = rows(w.events(), &["block_produced".to_owned()], 1_000);
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            blocks[0].phrase.text(Lang::En),
            format!(
                "Node 0 produced block {} at height 1 (1 transactions).",
                w.chain(NodeId(0)).unwrap().tip().short()
            )
        );
        assert_eq!(rows(w.events(), &[], 2).len(), 2);
        assert!(counts(w.events()).contains(&("link_cut", 1)));
    }

    #[test]
    fn refusals_are_bad_news() {
        let mut w = World::new(WorldConfig::pow(2, 4, 0), 1).unwrap();
        let _ = w.apply(Action::Mine { node: NodeId(5) });
        let r = rows(w.events(), &[], 10);
        assert!(r[0].bad);
        assert!(r[0].phrase.text(Lang::En).contains("there is no node 5"));
        assert_eq!(time_text(12_345), "12.345 s");
    }
}
