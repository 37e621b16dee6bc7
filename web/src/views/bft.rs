//! The BFT view: the height being decided as one node sees it, round by
//! round (proposer, proposal, every validator's prevote and precommit,
//! whether 2f+1 agreed), its step, lock and timeouts, the last decision's
//! certificate, and every node side by side. Logic: [`crate::labs::bft`].

use leptos::prelude::*;
use sandbox_chain::world::NodeId;

use crate::labs::bft::{BftTable, Quorum, VoteCell};
use crate::play::use_play;
use crate::state::use_i18n;
use crate::ui::{CARD, H2, HINT, NEUTRAL, TABLE, TD, TH};
use crate::views::network::behaviour_key;
use crate::views::world_kit::{NoWorld, NodePicker, shown_node, sim_time};

fn cell(c: &VoteCell) -> (String, &'static str) {
    match c {
        VoteCell::Missing => ("·".into(), "text-slate-400"),
        VoteCell::For(h) => (h.clone(), "font-mono text-emerald-800"),
        VoteCell::Nil => ("nil".into(), "font-mono text-amber-800"),
        VoteCell::Double => ("×2".into(), "font-bold text-rose-800"),
    }
}

/// The BFT rounds as `node` (default: the student's) sees them.
#[component]
pub fn BftView(
    /// Whose view; `None`: the student's node.
    #[prop(default = None)]
    node: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let chosen = RwSignal::new(node.map(NodeId));
    let table = Memo::new(move |_| {
        let n = shown_node(read, chosen);
        read.with(|s| BftTable::of(s.world(), n)).flatten()
    });
    let quorum_text = move |q: &Quorum| match q {
        Quorum::Waiting => (i18n.t("bft.q_waiting").to_owned(), "text-slate-600"),
        Quorum::Split => (i18n.t("bft.q_split").to_owned(), "text-amber-800"),
        Quorum::Nil => (i18n.t("bft.q_nil").to_owned(), "text-amber-800"),
        Quorum::Block(h) => (
            i18n.t_args("bft.q_block", &[("block", h)]),
            "font-semibold text-emerald-800",
        ),
    };
    let body = move || {
        let Some(t) = table.get() else {
            return read
                .is_playing()
                .then(|| view! { <p class=NEUTRAL>{i18n.t("bft.not_bft")}</p> })
                .into_any();
        };
        let me = &t.me;
        let header = t
            .validators
            .iter()
            .map(|v| view! { <th scope="col" class=format!("{TH} text-center")>{v.clone()}</th> })
            .collect_view();
        let rows = t
            .rounds
            .iter()
            .map(|r| {
                let proposal = match &r.proposal {
                    Some((h, Some(pol))) => format!("{h} (POL {pol})"),
                    Some((h, None)) => h.clone(),
                    None => "—".into(),
                };
                let votes = |cells: &[VoteCell], q: &Quorum, label: &'static str| {
                    let (qt, qc) = quorum_text(q);
                    let tds = cells
                        .iter()
                        .map(|c| {
                            let (t, class) = cell(c);
                            view! { <td class=format!("{TD} text-center text-xs {class}")>{t}</td> }
                        })
                        .collect_view();
                    view! {
                        <tr class=if r.current { "bg-indigo-50" } else { "" }>
                            <th scope="row" class=format!("{TD} text-left text-xs font-medium")>{format!("{} {}", r.round, i18n.t(label))}</th>
                            {tds}
                            <td class=format!("{TD} text-xs {qc}")>{qt}</td>
                        </tr>
                    }
                };
                view! {
                    <tr class=if r.current { "bg-indigo-50" } else { "" }>
                        <th scope="row" class=format!("{TD} text-left text-xs font-semibold")>
                            {i18n.t_args("bft.round", &[("round", &r.round.to_string())])}
                        </th>
                        <td colspan=t.validators.len().to_string() class=format!("{TD} text-xs")>
                            {i18n.t_args("bft.proposal", &[("proposer", &r.proposer), ("block", &proposal)])}
                        </td>
                        <td class=TD></td>
                    </tr>
                    {votes(&r.prevotes, &r.prevote_quorum, "bft.prevotes")}
                    {votes(&r.precommits, &r.precommit_quorum, "bft.precommits")}
                }
            })
            .collect_view();
        let timers = t
            .timers
            .iter()
            .map(|x| view! {
                <li class="font-mono text-xs">{format!("{} r{} @ {}", x.kind, x.round, sim_time(x.due_ms))}</li>
            })
            .collect_view();
        let decided = t.last_decided.as_ref().map(|d| view! {
            <p id="bft-decided" class="mt-3 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">
                {i18n.t_args("bft.decided", &[
                    ("height", &d.height.to_string()),
                    ("round", &d.round.to_string()),
                    ("block", &d.block),
                    ("signers", &d.signers.join(", ")),
                    ("count", &d.signers.len().to_string()),
                    ("quorum", &t.quorum.to_string()),
                ])}
            </p>
        });
        let nodes = t
            .nodes
            .iter()
            .map(|n| view! {
                <tr>
                    <td class=TD>{format!("{} · {}", n.node.0, n.name)}</td>
                    <td class=format!("{TD} font-mono")>{n.height}</td>
                    <td class=format!("{TD} font-mono")>{n.round}</td>
                    <td class=TD>{i18n.t(step_key(n.step))}</td>
                    <td class=format!("{TD} font-mono")>{n.locked.as_ref().map(|(r, h)| format!("{h} (r{r})")).unwrap_or_else(|| "—".into())}</td>
                    <td class=format!("{TD} font-mono")>{n.finalized.map(|f| f.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td class=TD>{i18n.t(behaviour_key(n.behaviour))}</td>
                </tr>
            })
            .collect_view();
        view! {
            <p id="bft-state" class="text-sm text-slate-800">
                {i18n.t_args("bft.state", &[
                    ("node", &me.name),
                    ("height", &me.height.to_string()),
                    ("round", &me.round.to_string()),
                    ("step", i18n.t(step_key(me.step))),
                ])}
                " "
                {match &me.locked {
                    Some((r, h)) => i18n.t_args("bft.locked", &[("block", h), ("round", &r.to_string())]),
                    None => i18n.t("bft.unlocked").to_owned(),
                }}
            </p>
            <p class="mt-1 text-sm text-slate-700">
                {i18n.t_args("bft.quorum", &[("n", &t.n.to_string()), ("f", &t.f.to_string()), ("q", &t.quorum.to_string())])}
            </p>
            {decided}
            <div class="mt-3 overflow-x-auto" tabindex="0" role="region" aria-label=i18n.t("bft.caption")>
                <table id="bft-rounds" class=TABLE>
                    <caption class="sr-only">{i18n.t("bft.caption")}</caption>
                    <thead><tr>
                        <th scope="col" class=TH>{i18n.t("bft.col_round")}</th>
                        {header}
                        <th scope="col" class=TH>{i18n.t("bft.col_quorum")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3 class="mt-4 text-sm font-semibold text-slate-900">{i18n.t("bft.timers")}</h3>
            <ul class="mt-1 space-y-0.5">{timers}</ul>
            <div class="mt-4 overflow-x-auto" tabindex="0" role="region" aria-label=i18n.t("bft.nodes")>
                <table id="bft-nodes" class=TABLE>
                    <caption class="mb-1 text-left text-sm font-semibold text-slate-900">{i18n.t("bft.nodes")}</caption>
                    <thead><tr>
                        <th scope="col" class=TH>{i18n.t("network.col_node")}</th>
                        <th scope="col" class=TH>{i18n.t("bft.col_height")}</th>
                        <th scope="col" class=TH>{i18n.t("bft.col_round")}</th>
                        <th scope="col" class=TH>{i18n.t("bft.col_step")}</th>
                        <th scope="col" class=TH>{i18n.t("bft.col_lock")}</th>
                        <th scope="col" class=TH>{i18n.t("bft.col_final")}</th>
                        <th scope="col" class=TH>{i18n.t("network.col_behaviour")}</th>
                    </tr></thead>
                    <tbody>{nodes}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class=CARD aria-labelledby="bft-title">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <h2 id="bft-title" class=H2>{move || i18n.t("bft.title")}</h2>
                <NodePicker chosen read id="bft-node"/>
            </div>
            {move || if read.is_playing() { ().into_any() } else { view! { <NoWorld/> }.into_any() }}
            <div class="mt-3">{body}</div>
            <p class=HINT>{move || i18n.t("bft.hint")}</p>
        </section>
    }
}

fn step_key(step: &str) -> &'static str {
    match step {
        "propose" => "bft.step_propose",
        "prevote" => "bft.step_prevote",
        "precommit" => "bft.step_precommit",
        _ => "bft.step_pause",
    }
}
