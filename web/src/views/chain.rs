//! The chain view.

use leptos::prelude::*;

use crate::labs::chain::{ChainLab, MAX_LAB_BLOCKS};
use crate::state::{LabsWrite, use_i18n, use_labs, use_labs_mut};
use crate::ui::{BTN, BTN2, HINT, INPUT, LABEL, MONO, ViewHeader};
use crate::views::MinerPanel;
use crate::workers::{Miner, use_miner};

/// Mines block `index` of the chain view; with `repair`, then mines the next
/// broken block, until the chain is whole again.
fn mine_block(
    miner: Miner,
    chain: ReadSignal<ChainLab>,
    set: LabsWrite,
    index: usize,
    repair: bool,
) {
    let Some(header) = chain.with_untracked(|c| c.header_to_mine(index)) else {
        return;
    };
    let mined = header;
    miner.start("chain", &header, move |nonce| {
        let same = chain.with_untracked(|c| c.header_to_mine(index)) == Some(mined);
        if !same {
            return;
        }
        set.chain.update(|c| c.set_nonce(index, nonce));
        set.progress.update(|p| p.blocks_mined += 1);
        if repair && let Some(next) = chain.with_untracked(ChainLab::first_broken) {
            mine_block(miner, chain, set, next, true);
        }
    });
}

/// Edit an old block and watch the later ones break; re-mine them.
#[component]
pub fn ChainView() -> impl IntoView {
    let i18n = use_i18n();
    let labs = use_labs();
    let set = use_labs_mut();
    let miner = use_miner();
    let chain = labs.chain;
    // Cards are keyed by position so a field keeps its focus while the
    // student types; only the texts and colours inside follow the chain.
    let statuses = Memo::new(move |_| chain.with(|c| c.statuses()));
    let count = Memo::new(move |_| chain.with(|c| c.blocks.len()));
    let card = move |index: usize| {
        let status = move || statuses.with(|s| s.get(index).cloned());
        let valid = move || status().is_some_and(|s| s.valid);
        let frame = move || {
            if valid() {
                "rounded-2xl bg-emerald-50 p-4 shadow-sm ring-2 ring-emerald-300"
            } else {
                "rounded-2xl bg-rose-50 p-4 shadow-sm ring-2 ring-rose-300"
            }
        };
        let badge = move || {
            if valid() {
                view! { <span class="chain-badge rounded-full bg-emerald-700 px-2 py-0.5 text-xs font-semibold text-white">{i18n.t("chain.ok")}</span> }
            } else {
                view! { <span class="chain-badge rounded-full bg-rose-700 px-2 py-0.5 text-xs font-semibold text-white">{i18n.t("chain.broken")}</span> }
            }
        };
        let title = move || i18n.t_args("chain.block", &[("n", &index.to_string())]);
        let data_id = format!("chain-data-{index}");
        let nonce_id = format!("chain-nonce-{index}");
        view! {
            <article class=frame id=format!("chain-block-{index}") aria-label=title>
                <div class="mb-3 flex items-center justify-between">
                    <h2 class="text-base font-semibold text-slate-900">{title}</h2>
                    {badge}
                </div>
                <label for=data_id.clone() class=LABEL>{move || i18n.t("chain.data")}</label>
                <textarea id=data_id class=INPUT rows="2"
                    prop:value=move || chain.with(|c| c.blocks.get(index).map(|b| b.data.clone()).unwrap_or_default())
                    on:input=move |ev| set.chain.update(|c| c.set_data(index, event_target_value(&ev)))></textarea>
                <label for=nonce_id.clone() class=format!("{LABEL} mt-2")>{move || i18n.t("chain.nonce")}</label>
                <input id=nonce_id type="number" min="0" class=INPUT
                    prop:value=move || status().map(|s| s.header.nonce.to_string()).unwrap_or_default()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse() {
                            set.chain.update(|c| c.set_nonce(index, n));
                        }
                    }/>
                <dl class="mt-3 space-y-1 text-sm">
                    <div class="flex gap-2">
                        <dt class="w-14 shrink-0 font-medium text-slate-600">{move || i18n.t("chain.prev")}</dt>
                        <dd class=MONO>{move || status().map(|s| format!("{}…", s.header.parent.short()))}</dd>
                    </div>
                    <div class="flex gap-2">
                        <dt class="w-14 shrink-0 font-medium text-slate-600">{move || i18n.t("chain.hash")}</dt>
                        <dd class=MONO id=format!("chain-hash-{index}")>{move || status().map(|s| format!("{}…", s.hash.short()))}</dd>
                    </div>
                </dl>
                <button type="button" class=format!("{BTN2} mt-3") id=format!("chain-mine-{index}")
                    disabled=move || miner.busy()
                    on:click=move |_| mine_block(miner, chain, set, index, false)>
                    {move || i18n.t("chain.mine")}
                </button>
            </article>
        }
    };
    view! {
        <ViewHeader title="chain.title" intro="chain.intro"/>
        <div class="mb-4 flex flex-wrap items-center gap-2">
            <button id="chain-repair" type="button" class=BTN
                disabled=move || miner.busy() || chain.with(|c| c.first_broken().is_none())
                on:click=move |_| {
                    if let Some(first) = chain.with_untracked(ChainLab::first_broken) {
                        mine_block(miner, chain, set, first, true);
                    }
                }>
                {move || i18n.t("chain.repair")}
            </button>
            <button type="button" class=BTN2
                disabled=move || chain.with(|c| c.blocks.len() >= MAX_LAB_BLOCKS)
                on:click=move |_| set.chain.update(|c| c.push_block(String::from("…")))>
                {move || i18n.t("chain.add")}
            </button>
            <button type="button" class=BTN2 on:click=move |_| { miner.cancel(); set.chain.set(ChainLab::default()) }>
                {move || i18n.t("chain.reset")}
            </button>
            <span class=HINT>{move || i18n.t_args("chain.difficulty", &[("n", &chain.with(|c| c.bits).to_string())])}</span>
        </div>
        <MinerPanel owner="chain"/>
        <div class="mt-4 grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
            <For each=move || 0..count.get() key=|index| *index children=card/>
        </div>
    }
}

/// The most blocks the chain view draws in a lesson (the latest ones).
pub const LESSON_CHAIN_BLOCKS: usize = 12;

/// The chain view inside a lesson: a node's canonical chain as linked
/// blocks (with each block's payments if `show_ledger`), and "Mine" (the
/// world's `mine` action on that node).
#[component]
pub fn ChainInLesson(
    /// Whose chain; `None`: the student's node.
    node: Option<u32>,
    /// Show each block's payments.
    show_ledger: bool,
) -> impl IntoView {
    use sandbox_chain::world::NodeId;

    use crate::play::{use_play, use_play_mut};
    use crate::player::forms;
    use crate::player::world::{self, TxKind};
    use crate::ui::LessonCard;

    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let node = node.map_or(play.student_untracked(), NodeId);
    let node_name = Signal::derive(move || {
        play.with(|s| {
            s.world()
                .config()
                .nodes
                .get(node.index())
                .map(|n| n.name.clone())
        })
        .flatten()
        .unwrap_or_default()
    });
    let rows = Memo::new(move |_| {
        play.with(|s| {
            world::chain_rows(
                s.world(),
                node,
                LESSON_CHAIN_BLOCKS,
                &world::NameBook::of(s),
            )
        })
        .unwrap_or_default()
    });
    let blocks = move || {
        let (rows, _) = rows.get();
        rows.into_iter()
            .map(|b| {
                let payments = show_ledger.then(|| {
                    b.txs
                        .iter()
                        .filter_map(|t| match &t.kind {
                            TxKind::Transfer { from, to, amount, .. } => Some(format!("{from} → {to}: {amount}")),
                            TxKind::Coinbase { to, amount } => Some(format!("+{amount} → {to}")),
                            TxKind::Other(_) => None,
                        })
                        .map(|line| view! { <li>{line}</li> })
                        .collect_view()
                });
                view! {
                    <li class="w-44 shrink-0 rounded-xl bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200" data-role="chain-block">
                        <p class="font-semibold text-slate-900">{format!("#{}", b.height)}</p>
                        <p class=MONO>{format!("{}…", b.hash.short())}</p>
                        <p class="text-xs text-slate-600">{format!("← {}…", b.parent.short())}</p>
                        <p class="mt-1 text-xs text-slate-700">
                            {b.producer.clone().unwrap_or_else(|| i18n.t("lesson_chain.genesis").to_owned())}
                        </p>
                        <p class="text-xs text-slate-700">{i18n.t_args("wallet.txs", &[("n", &b.txs.len().to_string())])}</p>
                        {payments.map(|p| view! { <ul class="mt-1 space-y-0.5 text-xs text-slate-800">{p}</ul> })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <LessonCard name="chain" title="chain.title" suffix=node_name>
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <p class="text-sm text-slate-700">
                    {move || {
                        let (rows, skipped) = rows.get();
                        let height = rows.last().map_or(0, |b| b.height);
                        i18n.t_args("lesson_chain.summary", &[("height", &height.to_string()), ("skipped", &skipped.to_string())])
                    }}
                </p>
                <button type="button" class=BTN data-role="mine" on:click=move |_| { let _ = write.apply(forms::mine(node)); }>
                    {move || i18n.t_args("lesson.mine_on", &[("node", &node_name.get())])}
                </button>
            </div>
            <ol tabindex="0" class="flex gap-2 overflow-x-auto pb-2" data-role="chain-blocks" aria-label=move || i18n.t("chain.title")>{blocks}</ol>
        </LessonCard>
    }
}
