//! The block tree view: a node's whole tree of blocks, forks drawn as
//! branches, the canonical branch marked, invalid and orphan blocks marked,
//! the last reorganisation highlighted. Logic: [`crate::labs::blocktree`].

use leptos::prelude::*;
use sandbox_chain::world::NodeId;

use crate::labs::blocktree::{BOX_H, BOX_W, BlockKind, TreeLayout};
use crate::play::use_play;
use crate::state::use_i18n;
use crate::ui::{CARD, H2, HINT};
use crate::views::world_kit::{NoWorld, NodePicker, shown_node, sim_time};

/// Heights drawn at most (older blocks are counted, not drawn).
const WINDOW: u64 = 40;

/// The block tree of `node` (default: the student's node).
#[component]
pub fn BlocktreeView(
    /// Whose tree; `None`: the student's node.
    #[prop(default = None)]
    node: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let chosen = RwSignal::new(node.map(NodeId));
    let layout = Memo::new(move |_| {
        let n = shown_node(read, chosen);
        read.with(|s| TreeLayout::of(s.world(), n, WINDOW))
            .flatten()
    });
    let svg = move || {
        let t = layout.get()?;
        let edges = t
            .edges
            .iter()
            .map(|e| {
                let (stroke, width, dash) = if e.missing {
                    ("#94a3b8", "1.5", "4 4")
                } else if e.canonical {
                    ("#4338ca", "3", "")
                } else {
                    ("#94a3b8", "2", "")
                };
                let mid = (e.from.0 + e.to.0) / 2.0;
                view! {
                    <path d=format!("M{} {} C{mid} {} {mid} {} {} {}", e.from.0, e.from.1, e.from.1, e.to.1, e.to.0, e.to.1)
                        fill="none" stroke=stroke stroke-width=width stroke-dasharray=dash/>
                }
            })
            .collect_view();
        let blocks = t
            .blocks
            .iter()
            .map(|b| {
                let (fill, stroke, text) = match b.kind {
                    BlockKind::Canonical => ("#4338ca", "#312e81", "#ffffff"),
                    BlockKind::Side => ("#f1f5f9", "#64748b", "#1e293b"),
                    BlockKind::Invalid => ("#ffe4e6", "#be123c", "#881337"),
                    BlockKind::Orphan => ("#ffffff", "#94a3b8", "#334155"),
                };
                let dash = if b.kind == BlockKind::Orphan { "5 3" } else { "" };
                let kind = match b.kind {
                    BlockKind::Canonical => i18n.t("blocktree.canonical"),
                    BlockKind::Side => i18n.t("blocktree.side"),
                    BlockKind::Invalid => i18n.t("blocktree.invalid"),
                    BlockKind::Orphan => i18n.t("blocktree.orphan"),
                };
                let mut title = format!("#{} {} · {}", b.height, b.hash.short(), kind);
                if b.tip {
                    title.push_str(" · ");
                    title.push_str(i18n.t("blocktree.tip"));
                }
                if b.finalized {
                    title.push_str(" · ");
                    title.push_str(i18n.t("blocktree.final"));
                }
                let glow = (b.reorg_new || b.reorg_old).then(|| {
                    let colour = if b.reorg_new { "#16a34a" } else { "#d97706" };
                    view! {
                        <rect x=(b.x - 4.0).to_string() y=(b.y - 4.0).to_string() width=(BOX_W + 8.0).to_string() height=(BOX_H + 8.0).to_string()
                            rx="11" fill="none" stroke=colour stroke-width="3" class="animate-pulse"/>
                    }
                });
                let tip = b.tip.then(|| view! {
                    <circle cx=(b.x + BOX_W - 4.0).to_string() cy=(b.y + 4.0).to_string() r="6" fill="#f59e0b" stroke="white" stroke-width="1.5"/>
                });
                let lock = b.finalized.then(|| view! {
                    <text x=(b.x + 6.0).to_string() y=(b.y + 13.0).to_string() font-size="10" fill=text>"✓"</text>
                });
                view! {
                    <g class="bt-block" data-kind=format!("{:?}", b.kind).to_lowercase()>
                        <title>{title}</title>
                        {glow}
                        <rect x=b.x.to_string() y=b.y.to_string() width=BOX_W.to_string() height=BOX_H.to_string()
                            rx="8" fill=fill stroke=stroke stroke-width="1.5" stroke-dasharray=dash/>
                        <text x=(b.x + BOX_W / 2.0).to_string() y=(b.y + 16.0).to_string() text-anchor="middle" font-size="12" font-weight="600" fill=text>
                            {format!("#{}", b.height)}
                        </text>
                        <text x=(b.x + BOX_W / 2.0).to_string() y=(b.y + 31.0).to_string() text-anchor="middle" font-size="11" font-family="ui-monospace, monospace" fill=text>
                            {b.hash.short()}
                        </text>
                        {tip}
                        {lock}
                    </g>
                }
            })
            .collect_view();
        Some(view! {
            <svg id="bt-svg" viewBox=format!("0 0 {} {}", t.width, t.height) width=t.width.to_string() height=t.height.to_string()
                class="max-w-none" role="img" aria-label=i18n.t("blocktree.svg_label")>
                {edges}
                {blocks}
            </svg>
        })
    };
    let summary = move || {
        let t = layout.get()?;
        let reorg = t.reorg.as_ref().map(|r| {
            view! {
                <p id="bt-reorg" class="mt-2 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">
                    {i18n.t_args("blocktree.reorg", &[
                        ("depth", &r.depth.to_string()),
                        ("at", &sim_time(r.at_ms)),
                        ("fork", &r.fork_point.short()),
                    ])}
                </p>
            }
        });
        let canonical = t
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Canonical)
            .count();
        let invalid = t
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Invalid)
            .count();
        let orphans = t
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Orphan)
            .count();
        Some(view! {
            <p id="bt-summary" class="text-sm text-slate-700">
                {i18n.t_args("blocktree.counts", &[
                    ("canonical", &canonical.to_string()),
                    ("side", &t.side.to_string()),
                    ("invalid", &invalid.to_string()),
                    ("orphans", &orphans.to_string()),
                ])}
                {(t.hidden > 0).then(|| format!(" {}", i18n.t_args("blocktree.hidden", &[("n", &t.hidden.to_string())])))}
            </p>
            {reorg}
        })
    };
    view! {
        <section class=CARD aria-labelledby="bt-title">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <h2 id="bt-title" class=H2>{move || i18n.t("blocktree.title")}</h2>
                <NodePicker chosen read id="bt-node"/>
            </div>
            {move || if read.is_playing() { ().into_any() } else { view! { <NoWorld/> }.into_any() }}
            <div class="mt-3">{summary}</div>
            <div class="mt-3 overflow-x-auto rounded-lg bg-slate-50 p-2" tabindex="0" role="region" aria-label=move || i18n.t("blocktree.svg_label")>{svg}</div>
            <ul class="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
                <li class="flex items-center gap-1.5"><span class="inline-block h-3 w-5 rounded bg-indigo-700"></span>{move || i18n.t("blocktree.canonical")}</li>
                <li class="flex items-center gap-1.5"><span class="inline-block h-3 w-5 rounded bg-slate-100 ring-1 ring-slate-500"></span>{move || i18n.t("blocktree.side")}</li>
                <li class="flex items-center gap-1.5"><span class="inline-block h-3 w-5 rounded bg-rose-100 ring-1 ring-rose-700"></span>{move || i18n.t("blocktree.invalid")}</li>
                <li class="flex items-center gap-1.5"><span class="inline-block h-3 w-5 rounded bg-white ring-1 ring-slate-400"></span>{move || i18n.t("blocktree.orphan")}</li>
                <li class="flex items-center gap-1.5"><span class="inline-block h-3 w-3 rounded-full bg-amber-500"></span>{move || i18n.t("blocktree.tip")}</li>
                <li class="flex items-center gap-1.5"><span class="inline-block h-3 w-5 rounded ring-2 ring-emerald-600"></span>{move || i18n.t("blocktree.legend_reorg")}</li>
            </ul>
            <p class=HINT>{move || i18n.t("blocktree.hint")}</p>
        </section>
    }
}
