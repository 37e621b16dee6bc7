//! The mempool view: a node's pending transactions in the order a block
//! producer takes them, with replace-by-fee and refusals shown. Logic:
//! [`crate::labs::mempool`].

use leptos::prelude::*;
use sandbox_chain::world::NodeId;

use sandbox_chain::amount::Amount;
use sandbox_chain::world::Action;

use crate::labs::mempool::PoolView;
use crate::play::{use_play, use_play_mut};
use crate::state::use_i18n;
use crate::ui::{BTN, CARD, H2, HINT, INPUT, LABEL, TABLE, TD, TH};
use crate::views::world_kit::{NoWorld, NodePicker, Status, StatusLine, act, shown_node, sim_time};

/// The mempool of `node` (default: the student's node).
#[component]
pub fn MempoolView(
    /// Whose mempool; `None`: the student's node.
    #[prop(default = None)]
    node: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let chosen = RwSignal::new(node.map(NodeId));
    let pool = Memo::new(move |_| {
        let n = shown_node(read, chosen);
        read.with(|s| PoolView::of(s.world(), n, 20)).flatten()
    });
    let table = move || {
        let p = pool.get()?;
        let empty = p.rows.is_empty().then(|| {
            view! {
                <p class="mt-2 text-sm text-slate-600">{i18n.t("mempool.empty")}</p>
            }
        });
        let rows = p
            .rows
            .iter()
            .map(|r| {
                let rbf = r.replaced_other.then(|| view! {
                    <span class="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">{i18n.t("mempool.rbf")}</span>
                });
                view! {
                    <tr>
                        <td class=TD>{r.rank}</td>
                        <td class=format!("{TD} font-mono")>{r.txid.clone()}{rbf}</td>
                        <td class=TD>{r.kind}</td>
                        <td class=format!("{TD} font-mono")>{r.from.clone()}</td>
                        <td class=TD>{r.what.clone()}</td>
                        <td class=format!("{TD} text-right font-mono")>{r.fee}</td>
                        <td class=format!("{TD} text-right font-mono")>{r.nonce.map(|n| n.to_string()).unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        let turned = p
            .turned
            .iter()
            .map(|t| {
                let (label, class) = if t.replaced {
                    (i18n.t("mempool.replaced"), "rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900")
                } else if t.refused {
                    (i18n.t("mempool.refused"), "rounded bg-rose-100 px-1.5 py-0.5 text-xs font-medium text-rose-900")
                } else {
                    (i18n.t("mempool.dropped"), "rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-800")
                };
                view! {
                    <li class="flex flex-col gap-1 border-b border-slate-100 py-2 text-sm sm:flex-row sm:gap-3">
                        <span class="w-20 shrink-0 font-mono text-xs text-slate-600">{sim_time(t.at_ms)}</span>
                        <span><span class=class>{label}</span></span>
                        <span class="font-mono">{t.txid.clone()}</span>
                        <span class="text-slate-800">{t.reason.clone()}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <p class="text-sm text-slate-700">{i18n.t_args("mempool.count", &[("n", &p.rows.len().to_string()), ("capacity", &p.capacity.to_string())])}</p>
            <div class="mt-2 overflow-x-auto" tabindex="0" role="region" aria-label=i18n.t("mempool.caption")>
                <table id="mempool-table" class=TABLE>
                    <caption class="sr-only">{i18n.t("mempool.caption")}</caption>
                    <thead><tr>
                        <th scope="col" class=TH>{i18n.t("mempool.col_rank")}</th>
                        <th scope="col" class=TH>{i18n.t("mempool.col_tx")}</th>
                        <th scope="col" class=TH>{i18n.t("mempool.col_kind")}</th>
                        <th scope="col" class=TH>{i18n.t("mempool.col_from")}</th>
                        <th scope="col" class=TH>{i18n.t("mempool.col_what")}</th>
                        <th scope="col" class=format!("{TH} text-right")>{i18n.t("mempool.col_fee")}</th>
                        <th scope="col" class=format!("{TH} text-right")>{i18n.t("mempool.col_nonce")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {empty}
            <h3 class="mt-5 text-sm font-semibold text-slate-900">{i18n.t("mempool.turned")}</h3>
            <ol id="mempool-turned" class="mt-1">{turned}</ol>
        })
    };
    view! {
        <section class=CARD aria-labelledby="mempool-title">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <h2 id="mempool-title" class=H2>{move || i18n.t("mempool.title")}</h2>
                <NodePicker chosen read id="mempool-node"/>
            </div>
            {move || if read.is_playing() { ().into_any() } else { view! { <NoWorld/> }.into_any() }}
            <div class="mt-3">{table}</div>
            <p class=HINT>{move || i18n.t("mempool.hint")}</p>
            <SendForm chosen/>
        </section>
    }
}

/// A transfer from a key of the node's wallet, with a fee and an optional
/// nonce (reuse one with a higher fee to replace a pending transfer).
#[component]
fn SendForm(chosen: RwSignal<Option<NodeId>>) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let write = use_play_mut();
    let status: Status = RwSignal::new(None);
    let from = RwSignal::new(String::from("alice"));
    let to = RwSignal::new(String::from("bob"));
    let amount = RwSignal::new(String::from("5"));
    let fee = RwSignal::new(String::from("3"));
    let nonce = RwSignal::new(String::new());
    let send = move |_| {
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u64>();
        let (Ok(a), Ok(f)) = (number(amount), number(fee)) else {
            status.set(Some(Err(i18n.t_untracked("mempool.bad_number").to_owned())));
            return;
        };
        let n = match nonce.get_untracked().trim() {
            "" => None,
            t => match t.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    status.set(Some(Err(i18n.t_untracked("mempool.bad_number").to_owned())));
                    return;
                }
            },
        };
        let node = chosen
            .get_untracked()
            .or_else(|| read.with_untracked(|s| s.student()))
            .unwrap_or_default();
        act(
            write,
            status,
            Action::SendTransaction {
                node,
                from: from.get_untracked().trim().to_owned(),
                to: to.get_untracked().trim().to_owned(),
                amount: Amount::new(a),
                fee: Amount::new(f),
                memo: String::new(),
                nonce: n,
            },
        );
    };
    let field = move |id: &'static str, key: &'static str, value: RwSignal<String>| {
        view! {
            <div class="w-28 grow sm:grow-0">
                <label for=id class=LABEL>{move || i18n.t(key)}</label>
                <input id=id class=INPUT prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </div>
        }
    };
    view! {
        <form class="mt-5 border-t border-slate-200 pt-4" on:submit=move |ev| { ev.prevent_default(); send(()); }>
            <h3 class="mb-2 text-sm font-semibold text-slate-900">{move || i18n.t("mempool.send_title")}</h3>
            <div class="flex flex-wrap items-end gap-2">
                {field("mempool-from", "mempool.from", from)}
                {field("mempool-to", "mempool.to", to)}
                {field("mempool-amount", "mempool.amount", amount)}
                {field("mempool-fee", "mempool.fee", fee)}
                {field("mempool-nonce", "mempool.nonce", nonce)}
                <button type="submit" id="mempool-send" class=BTN>{move || i18n.t("mempool.send")}</button>
            </div>
            <p class=HINT>{move || i18n.t("mempool.send_hint")}</p>
            <StatusLine status id="mempool-status"/>
        </form>
    }
}
