//! The benchmark page (`#/bench`, not in the navigation): hashing and
//! signature verification rates in this browser, in workers. With
//! `?auto=1` it starts by itself; `cargo xtask bench` reads the JSON it
//! writes into `#bench-json` when done. With `?cryptojs=<relative URL>` it
//! also runs that classic worker script (the CryptoJS baseline the xtask
//! serves beside the app) for the same time as the one-worker hash rate.

use leptos::prelude::*;

use crate::browser;
use crate::mining::human_count;
use crate::registry::ViewSettings;
use crate::state::use_i18n;
use crate::ui::{BTN, CARD, TABLE, TD, ViewHeader};
use crate::workers::{BenchWorker, run_bench};

/// Milliseconds each timed benchmark runs.
const BENCH_MS: f64 = 3000.0;

/// One benchmark of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchStep {
    /// The result's name in `#bench-json` (and `target/bench.json`).
    pub name: &'static str,
    /// The worker's benchmark kind.
    pub kind: &'static str,
    /// One worker per core, or one.
    pub all_workers: bool,
    /// Which script the workers run.
    pub worker: BenchWorker,
}

/// The page's benchmarks in order: header hashing (one worker, and the
/// CryptoJS baselines right after it when `cryptojs` names a worker script,
/// so they run under the same conditions: 80-byte headers as bytes, and as
/// the string the best-known demo hashes), hashing on every core,
/// ed25519 verification, and the world simulation (which ignores the time
/// budget: it runs the whole 100-node, 1,000-block world, as the native
/// bench does). A `cryptojs` value that is not a plain relative path is
/// ignored (workers load same-origin scripts only, and the site uses
/// relative paths only).
pub fn bench_plan(settings: &ViewSettings) -> Vec<BenchStep> {
    let app = |name, kind, all_workers| BenchStep {
        name,
        kind,
        all_workers,
        worker: BenchWorker::App,
    };
    let mut steps = vec![app("browser_header_hashes_per_s_1_worker", "hash", false)];
    if let Some(url) = settings.get("cryptojs").filter(|u| is_relative_path(u)) {
        for (name, kind) in [
            ("browser_cryptojs_header_hashes_per_s_1_worker", "cryptojs"),
            (
                "browser_cryptojs_string_header_hashes_per_s_1_worker",
                "cryptojs-string",
            ),
        ] {
            steps.push(BenchStep {
                name,
                kind,
                all_workers: false,
                worker: BenchWorker::Script(url.to_owned()),
            });
        }
    }
    steps.extend([
        app("browser_header_hashes_per_s_all_workers", "hash", true),
        app("browser_ed25519_verify_per_s_1_worker", "verify", false),
        app("browser_world_events_per_s_1_worker", "world", false),
    ]);
    steps
}

/// `a/b.js`, not `/a.js`, `//host/a.js`, `https://...` or `data:...`.
fn is_relative_path(url: &str) -> bool {
    !url.is_empty()
        && !url.starts_with('/')
        && !url.contains(':')
        && !url.contains('\\')
        && url
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

/// What the page shows and writes: rates by name, and failures by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BenchResults {
    /// Rates per second, in the order measured.
    pub rates: Vec<(String, f64)>,
    /// Benchmarks that failed, and why.
    pub failed: Vec<(String, String)>,
}

impl BenchResults {
    /// The `#bench-json` object: `browser_workers`, every rate by name, and
    /// `failed` (name -> why) if any failed.
    pub fn to_json(&self, workers: u32) -> String {
        let mut map = serde_json::Map::new();
        map.insert("browser_workers".into(), serde_json::json!(workers));
        for (name, rate) in &self.rates {
            map.insert(name.clone(), serde_json::json!(rate));
        }
        if !self.failed.is_empty() {
            let failed: serde_json::Map<String, serde_json::Value> = self
                .failed
                .iter()
                .map(|(n, why)| (n.clone(), serde_json::json!(why)))
                .collect();
            map.insert("failed".into(), serde_json::Value::Object(failed));
        }
        serde_json::Value::Object(map).to_string()
    }
}

fn run_from(
    steps: StoredValue<Vec<BenchStep>>,
    at: usize,
    results: RwSignal<BenchResults>,
    done: RwSignal<bool>,
) {
    let Some(step) = steps.with_value(|s| s.get(at).cloned()) else {
        done.set(true);
        return;
    };
    let workers = if step.all_workers {
        browser::hardware_concurrency()
    } else {
        1
    };
    run_bench(step.worker, step.kind, workers, BENCH_MS, move |result| {
        results.update(|r| match result {
            Ok(rate) => r.rates.push((step.name.to_owned(), rate)),
            Err(why) => r.failed.push((step.name.to_owned(), why)),
        });
        run_from(steps, at + 1, results, done);
    });
}

/// Runs the benchmarks and shows their rates.
#[component]
pub fn BenchView(
    /// `auto`: start at once; `cryptojs`: the baseline worker's URL.
    settings: ViewSettings,
) -> impl IntoView {
    let i18n = use_i18n();
    let steps = StoredValue::new(bench_plan(&settings));
    let results = RwSignal::new(BenchResults::default());
    let done = RwSignal::new(false);
    let running = RwSignal::new(false);
    let start = move || {
        if !running.get_untracked() {
            running.set(true);
            results.set(BenchResults::default());
            done.set(false);
            run_from(steps, 0, results, done);
        }
    };
    if settings.flag("auto") {
        start();
    }
    let json = move || results.get().to_json(browser::hardware_concurrency());
    let rows = move || {
        let r = results.get();
        let rates = r.rates.into_iter().map(|(name, rate)| view! {
            <tr><td class=format!("{TD} font-mono")>{name}</td><td class=format!("{TD} text-right tabular-nums")>{format!("{}/s", human_count(rate))}</td></tr>
        });
        let failed = r.failed.into_iter().map(|(name, why)| view! {
            <tr><td class=format!("{TD} font-mono")>{name}</td><td class=format!("{TD} text-right text-red-700")>{why}</td></tr>
        });
        rates.chain(failed).collect_view()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(steps: &[BenchStep]) -> Vec<&str> {
        steps.iter().map(|s| s.name).collect()
    }

    #[test]
    fn the_plan_has_the_cryptojs_baseline_only_when_asked() {
        let plain = bench_plan(&ViewSettings::parse("auto=1"));
        assert_eq!(
            names(&plain),
            [
                "browser_header_hashes_per_s_1_worker",
                "browser_header_hashes_per_s_all_workers",
                "browser_ed25519_verify_per_s_1_worker",
                "browser_world_events_per_s_1_worker",
            ]
        );
        assert!(plain.iter().all(|s| s.worker == BenchWorker::App));
        let with = bench_plan(&ViewSettings::parse("auto=1&cryptojs=cryptojs/worker.js"));
        assert_eq!(with.len(), 6);
        assert_eq!(
            with[1],
            BenchStep {
                name: "browser_cryptojs_header_hashes_per_s_1_worker",
                kind: "cryptojs",
                all_workers: false,
                worker: BenchWorker::Script("cryptojs/worker.js".into()),
            }
        );
        assert_eq!(with[2].kind, "cryptojs-string");
        assert_eq!(with[2].worker, with[1].worker);
    }

    #[test]
    fn the_baseline_script_must_be_a_relative_path() {
        for bad in [
            "",
            "/abs.js",
            "//evil.example/w.js",
            "https://evil.example/w.js",
            "data:text/javascript,1",
            "a\\b.js",
            "a b.js",
        ] {
            let plan = bench_plan(&ViewSettings::parse(&format!("cryptojs={bad}")));
            assert_eq!(plan.len(), 4, "{bad:?} was accepted");
        }
    }

    #[test]
    fn results_json_has_rates_and_failures() {
        let r = BenchResults {
            rates: vec![("a_per_s".into(), 2.5)],
            failed: vec![("b_per_s".into(), "404".into())],
        };
        let v: serde_json::Value = serde_json::from_str(&r.to_json(4)).unwrap();
        assert_eq!(v["browser_workers"], 4);
        assert_eq!(v["a_per_s"], 2.5);
        assert_eq!(v["failed"]["b_per_s"], "404");
        let ok: serde_json::Value =
            serde_json::from_str(&BenchResults::default().to_json(1)).unwrap();
        assert!(ok.get("failed").is_none());
    }
}
