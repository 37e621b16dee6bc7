//! The Merkle tree view.

use leptos::prelude::*;

use crate::labs::merkle::{NODE_H, NODE_W, Role};
use crate::state::{use_i18n, use_labs, use_labs_mut};
use crate::ui::{BAD, CARD, H2, HINT, INPUT, LABEL, MONO, OK, SELECT, ViewHeader};

/// The tree drawn from `merkle_levels`, with the proof of one leaf.
#[component]
pub fn MerkleView() -> impl IntoView {
    let i18n = use_i18n();
    let labs = use_labs();
    let set = use_labs_mut();
    let merkle = labs.merkle;
    let layout = Memo::new(move |_| merkle.with(|m| m.layout()));
    let svg = move || {
        let layout = layout.get();
        let edges = layout
            .edges
            .iter()
            .map(|e| {
                let (stroke, width) = if e.on_path { ("#4338ca", "3") } else { ("#94a3b8", "1.5") };
                view! {
                    <line x1=e.from.0.to_string() y1=e.from.1.to_string() x2=e.to.0.to_string() y2=e.to.1.to_string()
                        stroke=stroke stroke-width=width/>
                }
            })
            .collect_view();
        let nodes = layout
            .nodes
            .iter()
            .map(|n| {
                let (fill, stroke, text) = match n.role {
                    Role::Path => ("#4338ca", "#312e81", "#ffffff"),
                    Role::Sibling => ("#fef3c7", "#b45309", "#78350f"),
                    Role::Plain => ("#ffffff", "#cbd5e1", "#1e293b"),
                };
                let dash = if n.promoted { "5 3" } else { "" };
                let leaf = (n.level == 0).then_some(n.index);
                let x = n.x - NODE_W / 2.0;
                let y = n.y - NODE_H / 2.0;
                let label = n.hash.to_hex().chars().take(8).collect::<String>();
                view! {
                    <g class=if leaf.is_some() { "cursor-pointer" } else { "" }
                        on:click=move |_| if let Some(i) = leaf { set.merkle.update(|m| m.selected = i) }>
                        <rect x=x.to_string() y=y.to_string() width=NODE_W.to_string() height=NODE_H.to_string()
                            rx="8" fill=fill stroke=stroke stroke-width="1.5" stroke-dasharray=dash/>
                        <text x=n.x.to_string() y=(n.y + 5.0).to_string() text-anchor="middle"
                            font-family="ui-monospace, monospace" font-size="13" fill=text>{label}</text>
                    </g>
                }
            })
            .collect_view();
        let width = layout.width.max(1.0);
        let height = layout.height.max(1.0);
        view! {
            <svg id="merkle-svg" viewBox=format!("0 0 {width} {height}") width=width.to_string() height=height.to_string()
                class="max-w-none" role="img" aria-label=i18n.t("merkle.svg_label")>
                {edges}
                {nodes}
            </svg>
        }
    };
    let options = move || {
        let selected = merkle.with(|m| m.selected());
        merkle
            .with(|m| m.lines())
            .into_iter()
            .enumerate()
            .map(|(i, line)| view! { <option value=i.to_string() selected=i == selected>{format!("{i}: {line}")}</option> })
            .collect_view()
    };
    let proof = move || {
        let proof = merkle.with(|m| m.proof())?;
        let siblings = proof
            .siblings()
            .iter()
            .enumerate()
            .map(|(level, hash)| {
                view! { <li class=MONO>{format!("{level}: {}…", &hash.to_hex()[..16])}</li> }
            })
            .collect_view();
        Some(view! { <ol class="mt-2 list-none space-y-1">{siblings}</ol> })
    };
    let verdict = move || match merkle.with(|m| m.proof_verifies()) {
        Some(Ok(())) => Some(
            view! { <p id="merkle-verdict" class=OK>{i18n.t("merkle.verified")}</p> }.into_any(),
        ),
        Some(Err(reason)) => {
            Some(view! { <p id="merkle-verdict" class=BAD>{reason}</p> }.into_any())
        }
        None => None,
    };
    view! {
        <ViewHeader title="merkle.title" intro="merkle.intro"/>
        <div class="grid gap-5 lg:grid-cols-[22rem_1fr]">
            <section class=CARD>
                <label for="merkle-text" class=LABEL>{move || i18n.t("merkle.leaves")}</label>
                <textarea id="merkle-text" class=INPUT rows="7"
                    prop:value=move || merkle.with(|m| m.text.clone())
                    on:input=move |ev| set.merkle.update(|m| m.text = event_target_value(&ev))></textarea>
                <p class=HINT>{move || i18n.t("merkle.leaves_hint")}</p>
                <label for="merkle-leaf" class=format!("{LABEL} mt-4")>{move || i18n.t("merkle.prove")}</label>
                <select id="merkle-leaf" class=SELECT
                    on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse() {
                            set.merkle.update(|m| m.selected = i);
                        }
                    }>
                    {options}
                </select>
                <h2 class=format!("{H2} mt-4")>{move || i18n.t("merkle.proof")}</h2>
                <p class="text-sm text-slate-600">{move || i18n.t("merkle.proof_hint")}</p>
                {proof}
                <div class="mt-3">{verdict}</div>
            </section>
            <section class=CARD>
                <h2 class=H2>{move || i18n.t("merkle.tree")}</h2>
                <p class="mb-3 text-sm font-medium text-slate-700">
                    {move || i18n.t("merkle.root")}" "
                    <span id="merkle-root" class="font-mono">{move || merkle.with(|m| m.root().short())}"…"</span>
                </p>
                <div class="overflow-x-auto" tabindex="0" role="region" aria-label=move || i18n.t("merkle.svg_label")>{svg}</div>
                <ul class="mt-3 flex flex-wrap gap-4 text-sm text-slate-700">
                    <li class="flex items-center gap-2"><span class="inline-block h-3 w-5 rounded bg-indigo-700"></span>{move || i18n.t("merkle.legend_path")}</li>
                    <li class="flex items-center gap-2"><span class="inline-block h-3 w-5 rounded bg-amber-100 ring-1 ring-amber-700"></span>{move || i18n.t("merkle.legend_sibling")}</li>
                    <li class="flex items-center gap-2"><span class="inline-block h-3 w-5 rounded ring-1 ring-dashed ring-slate-400"></span>{move || i18n.t("merkle.legend_promoted")}</li>
                </ul>
            </section>
        </div>
    }
}
