//! Compact views of a lesson's world, read from the session being played:
//! the event log, a node's mempool, the nodes, a node's block tree. They
//! stand in (in `lesson_view`) for the richer world views (network, block
//! tree, BFT, contract, bridge) until those are wired in.

use leptos::prelude::*;
use sandbox_chain::world::NodeId;

use crate::play::{use_play, use_play_mut};
use crate::player::forms;
use crate::player::world::{self, TxKind};
use crate::state::use_i18n;
use crate::ui::{BTN_SM, LessonCard, MONO, TABLE, TD, TH};

/// How many events the list shows (the newest).
pub const EVENTS_SHOWN: usize = 40;

fn node_name(play: crate::play::PlayRead, node: NodeId) -> Signal<String> {
    Signal::derive(move || {
        play.with(|s| {
            s.world()
                .config()
                .nodes
                .get(node.index())
                .map(|n| n.name.clone())
        })
        .flatten()
        .unwrap_or_default()
    })
}

/// The events since the lesson began, newest first (only `kinds`, if
/// given).
#[component]
pub fn EventsInLesson(
    /// Kinds to show (`block_produced`, `reorg`, ...); empty: all.
    kinds: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let rows = Memo::new(move |_| {
        play.with(|s| world::event_rows(s, &kinds, EVENTS_SHOWN, &world::NameBook::of(s)))
            .unwrap_or_default()
    });
    let items = move || {
        rows.get()
            .into_iter()
            .map(|r| {
                let args: Vec<(&str, &str)> = r.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                view! {
                    <li class="flex gap-3 border-b border-slate-100 py-1.5 text-sm" data-kind=r.kind>
                        <span class="w-16 shrink-0 tabular-nums text-slate-600">{format!("{:.1} s", r.at_ms as f64 / 1000.0)}</span>
                        <span class="text-slate-800">{i18n.t_args(r.key, &args)}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <LessonCard name="events" title="lesson_world.events">
            <ol data-role="events" class="max-h-80 overflow-y-auto" aria-live="polite">{items}</ol>
            {move || rows.with(Vec::is_empty).then(|| view! { <p class="text-sm text-slate-600">{i18n.t("lesson_world.no_events")}</p> })}
        </LessonCard>
    }
}

/// A node's mempool, highest fee first.
#[component]
pub fn MempoolInLesson(
    /// Whose mempool; `None`: the student's node.
    node: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let node = node.map_or(play.student_untracked(), NodeId);
    let rows = Memo::new(move |_| {
        play.with(|s| world::mempool_rows(s.world(), node, &world::NameBook::of(s)))
            .unwrap_or_default()
    });
    let items = move || {
        rows.get()
            .into_iter()
            .map(|p| {
                let what = match p.kind {
                    TxKind::Transfer { from, to, amount, nonce, .. } => format!("{from} → {to}: {amount} (nonce {nonce})"),
                    TxKind::Coinbase { to, amount } => format!("+{amount} → {to}"),
                    TxKind::Other(kind) => kind.to_owned(),
                };
                view! {
                    <tr>
                        <td class=format!("{TD} font-mono text-xs")>{format!("{}…", p.txid.short())}</td>
                        <td class=TD>{what}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{p.fee}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <LessonCard name="mempool" title="lesson_world.mempool" suffix=node_name(play, node)>
            <div class="overflow-x-auto">
                <table class=TABLE data-role="mempool">
                    <thead><tr>
                        <th class=TH scope="col">{move || i18n.t("wallet.id")}</th>
                        <th class=TH scope="col">{move || i18n.t("wallet.transfer")}</th>
                        <th class=format!("{TH} text-right") scope="col">{move || i18n.t("wallet.fee")}</th>
                    </tr></thead>
                    <tbody>{items}</tbody>
                </table>
            </div>
            {move || rows.with(Vec::is_empty).then(|| view! { <p class="mt-2 text-sm text-slate-600">{i18n.t("wallet.pool_empty")}</p> })}
        </LessonCard>
    }
}

/// Every node: height, tip, blocks stored, mempool, mining power and
/// behaviour, with a "Mine" button each, and the simulated clock.
#[component]
pub fn NodesInLesson(
    /// The message key of the card's title (the view it stands for).
    title: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let rows = Memo::new(move |_| {
        play.with(|s| world::node_rows(s.world()))
            .unwrap_or_default()
    });
    let items = move || {
        rows.get()
            .into_iter()
            .map(|n| {
                let id = n.id;
                let name = n.name.clone();
                view! {
                    <tr data-node=id.0.to_string()>
                        <td class=TD><span class="font-semibold">{n.name}</span></td>
                        <td class=format!("{TD} text-right tabular-nums")>{n.height}</td>
                        <td class=format!("{TD} font-mono text-xs")>{format!("{}…", n.tip.short())}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{n.blocks}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{n.mempool}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{n.hashes_per_sec}</td>
                        <td class=TD>{n.behaviour}{n.finalized.map(|h| format!(" · ✓#{h}"))}</td>
                        <td class=TD>
                            <button type="button" class=BTN_SM data-role="mine"
                                aria-label=move || i18n.t_args("lesson.mine_on", &[("node", &name)])
                                on:click=move |_| { let _ = write.apply(forms::mine(id)); }>
                                {move || i18n.t("lesson_world.mine")}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let agree = move || play.with(|s| s.world().tips_agree()).unwrap_or(false);
    view! {
        <LessonCard name="nodes" title=title>
            <div class="overflow-x-auto">
                <table class=TABLE data-role="nodes">
                    <thead><tr>
                        <th class=TH scope="col">{move || i18n.t("lesson_world.node")}</th>
                        <th class=format!("{TH} text-right") scope="col">{move || i18n.t("block.height")}</th>
                        <th class=TH scope="col">{move || i18n.t("lesson_world.tip")}</th>
                        <th class=format!("{TH} text-right") scope="col">{move || i18n.t("lesson_world.blocks")}</th>
                        <th class=format!("{TH} text-right") scope="col">{move || i18n.t("lesson_world.pending")}</th>
                        <th class=format!("{TH} text-right") scope="col">{move || i18n.t("lesson_world.power")}</th>
                        <th class=TH scope="col">{move || i18n.t("lesson_world.behaviour")}</th>
                        <th class=TH scope="col"><span class="sr-only">{move || i18n.t("lesson_world.mine")}</span></th>
                    </tr></thead>
                    <tbody>{items}</tbody>
                </table>
            </div>
            <p class="mt-2 text-sm text-slate-700" data-role="tips">
                {move || if agree() { i18n.t("lesson_world.agree") } else { i18n.t("lesson_world.differ") }}
            </p>
        </LessonCard>
    }
}

/// Every block a node stores, side branches included.
#[component]
pub fn TreeInLesson(
    /// Whose tree; `None`: the student's node.
    node: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let node = node.map_or(play.student_untracked(), NodeId);
    let rows = Memo::new(move |_| {
        play.with(|s| world::tree_rows(s.world(), node, &world::NameBook::of(s)))
            .unwrap_or_default()
    });
    let items = move || {
        rows.get()
            .into_iter()
            .map(|b| {
                let class = if b.canonical {
                    "rounded-lg bg-emerald-50 px-2 py-1 ring-1 ring-emerald-200"
                } else {
                    "rounded-lg bg-slate-100 px-2 py-1 ring-1 ring-slate-300 line-through decoration-slate-400"
                };
                view! {
                    <li class="flex flex-wrap items-center gap-2 text-sm" data-canonical=b.canonical.to_string()>
                        <span class="w-10 font-semibold tabular-nums text-slate-900">{format!("#{}", b.height)}</span>
                        <span class=format!("{class} {MONO}")>{format!("{}…", b.hash.short())}</span>
                        <span class="text-xs text-slate-600">{format!("← {}…", b.parent.short())}</span>
                        <span class="text-xs text-slate-700">{b.producer.unwrap_or_default()}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <LessonCard name="blocktree" title="lesson_world.tree" suffix=node_name(play, node)>
            <ol data-role="tree" class="max-h-80 space-y-1 overflow-y-auto">{items}</ol>
            <p class="mt-2 text-xs text-slate-600">{move || i18n.t("lesson_world.tree_legend")}</p>
        </LessonCard>
    }
}
