//! The benchmark page (`#/bench`, not in the navigation): hashing and
//! signature verification rates in this browser, in workers. With
//! `?auto=1` it starts by itself; `cargo xtask bench` reads the JSON it
//! writes into `#bench-json` when done.

use leptos::prelude::*;

use crate::browser;
use crate::mining::human_count;
use crate::registry::ViewSettings;
use crate::state::use_i18n;
use crate::ui::{BTN, CARD, TABLE, TD, ViewHeader};
use crate::workers::run_bench;

/// Milliseconds each benchmark runs.
const BENCH_MS: f64 = 3000.0;

/// The benchmarks, in order: (result name, kind, all workers?).
const STEPS: [(&str, &str, bool); 4] = [
    ("browser_header_hashes_per_s_1_worker", "hash", false),
    ("browser_header_hashes_per_s_all_workers", "hash", true),
    ("browser_ed25519_verify_per_s_1_worker", "verify", false),
    // The world benchmark ignores the time budget: it runs the whole
    // 100-node, 1,000-block world, as the native bench does.
    ("browser_world_events_per_s_1_worker", "world", false),
];

fn run_from(step: usize, results: RwSignal<Vec<(String, f64)>>, done: RwSignal<bool>) {
    let Some((name, kind, all)) = STEPS.get(step).copied() else {
        done.set(true);
        return;
    };
    let workers = if all {
        browser::hardware_concurrency()
    } else {
        1
    };
    run_bench(kind, workers, BENCH_MS, move |rate| {
        results.update(|r| r.push((name.to_owned(), rate)));
        run_from(step + 1, results, done);
    });
}

/// Runs the benchmarks and shows their rates.
#[component]
pub fn BenchView(
    /// `auto`: start at once.
    settings: ViewSettings,
) -> impl IntoView {
    let i18n = use_i18n();
    let results = RwSignal::new(Vec::<(String, f64)>::new());
    let done = RwSignal::new(false);
    let running = RwSignal::new(false);
    let start = move || {
        if !running.get_untracked() {
            running.set(true);
            results.set(Vec::new());
            done.set(false);
            run_from(0, results, done);
        }
    };
    if settings.flag("auto") {
        start();
    }
    let json = move || {
        let mut map = serde_json::Map::new();
        map.insert(
            "browser_workers".into(),
            serde_json::json!(browser::hardware_concurrency()),
        );
        for (name, rate) in results.get() {
            map.insert(name, serde_json::json!(rate));
        }
        serde_json::Value::Object(map).to_string()
    };
    let rows = move || {
        results
            .get()
            .into_iter()
            .map(|(name, rate)| view! {
                <tr><td class=format!("{TD} font-mono")>{name}</td><td class=format!("{TD} text-right tabular-nums")>{format!("{}/s", human_count(rate))}</td></tr>
            })
            .collect_view()
    };
    view! {
        <ViewHeader title="bench.title" intro="bench.intro"/>
        <section class=CARD>
            <button id="bench-start" type="button" class=BTN disabled=move || running.get() && !done.get()
                on:click=move |_| { running.set(false); start(); }>
                {move || i18n.t("bench.start")}
            </button>
            <p class="mt-2 text-sm text-slate-600">
                {move || i18n.t_args("bench.workers", &[("n", &browser::hardware_concurrency().to_string())])}
            </p>
            <table class=format!("{TABLE} mt-4")><tbody>{rows}</tbody></table>
            {move || done.get().then(|| view! { <pre id="bench-json" tabindex="0" class="mt-4 overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">{json()}</pre> })}
        </section>
    }
}
