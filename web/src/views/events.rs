//! The event log view: newest first, filterable by kind, a readable
//! sentence per event. Logic: [`crate::labs::events`].

use leptos::prelude::*;

use crate::labs::events::{KINDS, counts, kind_key, rows};
use crate::play::use_play;
use crate::state::use_i18n;
use crate::ui::{CARD, H2, LABEL, SELECT};
use crate::views::world_kit::{NoWorld, sim_time};

/// Rows drawn at most.
const LIMIT: usize = 200;

/// The event log; `kinds` limits it to those kinds (empty: all), and the
/// student can narrow it further.
#[component]
pub fn EventsView(
    /// Event kinds to show (`block_produced`, `reorg`, ...); empty: all.
    #[prop(default = Vec::new())]
    kinds: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let allowed: Vec<&'static str> = if kinds.is_empty() {
        KINDS.to_vec()
    } else {
        KINDS
            .iter()
            .copied()
            .filter(|k| kinds.iter().any(|x| x == k))
            .collect()
    };
    let base = StoredValue::new(kinds);
    let pick = RwSignal::new(String::new());
    let list = move || {
        let filter: Vec<String> = match pick.get() {
            p if p.is_empty() => base.get_value(),
            p => vec![p],
        };
        let lang = i18n.lang();
        let items = read
            .with(|s| rows(s.world().events(), &filter, LIMIT))
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let badge = if r.bad {
                    "shrink-0 rounded bg-rose-100 px-1.5 py-0.5 text-xs font-medium text-rose-900"
                } else {
                    "shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700"
                };
                view! {
                    <li class="flex flex-col gap-1 border-b border-slate-100 py-2 sm:flex-row sm:items-baseline sm:gap-3" data-kind=r.kind>
                        <span class="w-20 shrink-0 font-mono text-xs text-slate-600">{sim_time(r.at_ms)}</span>
                        <span class=badge>{i18n.t(kind_key(r.kind))}</span>
                        <span class=if r.bad { "text-sm text-rose-900" } else { "text-sm text-slate-800" }>{r.phrase.text(lang)}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ol id="events-list" class="mt-3" aria-live="polite">{items}</ol> }
    };
    let options = move || {
        let have = read
            .with(|s| counts(s.world().events()))
            .unwrap_or_default();
        allowed
            .iter()
            .map(|k| {
                let n = have.iter().find(|(x, _)| x == k).map_or(0, |(_, c)| *c);
                view! { <option value=*k>{format!("{} ({n})", i18n.t(kind_key(k)))}</option> }
            })
            .collect_view()
    };
    view! {
        <section class=CARD aria-labelledby="events-title">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <h2 id="events-title" class=H2>{move || i18n.t("events.title")}</h2>
                <div class="min-w-48">
                    <label for="events-kind" class=LABEL>{move || i18n.t("events.filter")}</label>
                    <select id="events-kind" class=SELECT on:change=move |ev| pick.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("events.all")}</option>
                        {options}
                    </select>
                </div>
            </div>
            {move || if read.is_playing() { ().into_any() } else { view! { <NoWorld/> }.into_any() }}
            <div class="max-h-[32rem] overflow-y-auto" tabindex="0" role="region" aria-label=move || i18n.t("events.title")>{list}</div>
        </section>
    }
}
