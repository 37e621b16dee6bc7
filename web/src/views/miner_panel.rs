//! Progress, hash rate and a cancel button for the mining job of one view.

use leptos::prelude::*;

use crate::mining::{MiningState, human_count};
use crate::state::use_i18n;
use crate::ui::{BAD, BTN_DANGER, OK};
use crate::workers::use_miner;

/// Shows the miner's status while `owner`'s job is the current one.
#[component]
pub fn MinerPanel(
    /// The view whose job is shown.
    owner: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let miner = use_miner();
    move || {
        let status = miner.status();
        if status.owner != owner || status.state == MiningState::Idle {
            return None;
        }
        let luck = (status.luck() * 100.0).clamp(0.0, 100.0);
        let stats = i18n.t_args(
            "miner.stats",
            &[
                ("tried", &human_count(status.tried as f64)),
                ("rate", &human_count(status.rate())),
                ("workers", &status.workers.to_string()),
                ("seconds", &format!("{:.1}", status.elapsed_ms / 1000.0)),
            ],
        );
        let outcome = match &status.state {
            MiningState::Running => view! {
                <button id="miner-cancel" type="button" class=BTN_DANGER on:click=move |_| miner.cancel()>
                    {i18n.t("miner.cancel")}
                </button>
            }
            .into_any(),
            MiningState::Found { nonce, .. } => view! {
                <p id="miner-found" class=OK>{i18n.t_args("miner.found", &[("nonce", &nonce.to_string())])}</p>
            }
            .into_any(),
            MiningState::Cancelled => view! { <p class=BAD>{i18n.t("miner.cancelled")}</p> }.into_any(),
            MiningState::Exhausted => view! { <p class=BAD>{i18n.t("miner.exhausted")}</p> }.into_any(),
            MiningState::Failed(reason) => {
                view! { <p class=BAD>{format!("{} {reason}", i18n.t("miner.failed"))}</p> }.into_any()
            }
            MiningState::Idle => ().into_any(),
        };
        Some(view! {
            <div class="mt-4 rounded-xl bg-slate-50 p-4 ring-1 ring-slate-200" role="status" aria-live="polite">
                <div class="flex items-center justify-between text-sm font-medium text-slate-700">
                    <span>{i18n.t("miner.title")}</span>
                    <span>{format!("{luck:.0} %")}</span>
                </div>
                <div class="mt-2 h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
                    role="progressbar" aria-valuemin="0" aria-valuemax="100"
                    aria-valuenow=format!("{luck:.0}") aria-label=i18n.t("miner.luck")>
                    <div class="h-full rounded-full bg-indigo-600" style=format!("width: {luck:.1}%")></div>
                </div>
                <p id="miner-stats" class="mt-2 text-sm text-slate-700">{stats}</p>
                <p class="mt-1 text-xs text-slate-600">{i18n.t("miner.luck_hint")}</p>
                <div class="mt-3">{outcome}</div>
            </div>
        })
    }
}
