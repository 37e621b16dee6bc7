//! The Merkle tree view.

use leptos::prelude::*;

use crate::labs::merkle::{Layout, NODE_H, NODE_W, Role};
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
        tree_svg(layout.get(), i18n.t("merkle.svg_label"), move |i| {
            set.merkle.update(|m| m.selected = i)
        })
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

/// Draws a laid-out Merkle tree; clicking a leaf (or pressing Enter on it)
/// calls `on_leaf` with its index.
pub(crate) fn tree_svg(
    layout: Layout,
    label: &'static str,
    on_leaf: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
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
            let short = n.hash.to_hex().chars().take(8).collect::<String>();
            view! {
                <g class=if leaf.is_some() { "cursor-pointer" } else { "" }
                    tabindex=leaf.map(|_| "0") role=leaf.map(|_| "button")
                    aria-label=leaf.map(|i| format!("{i}: {short}"))
                    on:click=move |_| if let Some(i) = leaf { on_leaf(i) }
                    on:keydown=move |ev| if ev.key() == "Enter" && let Some(i) = leaf { on_leaf(i) }>
                    <rect x=x.to_string() y=y.to_string() width=NODE_W.to_string() height=NODE_H.to_string()
                        rx="8" fill=fill stroke=stroke stroke-width="1.5" stroke-dasharray=dash/>
                    <text x=n.x.to_string() y=(n.y + 5.0).to_string() text-anchor="middle"
                        font-family="ui-monospace, monospace" font-size="13" fill=text>{short.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let width = layout.width.max(1.0);
    let height = layout.height.max(1.0);
    view! {
        <svg viewBox=format!("0 0 {width} {height}") width=width.to_string() height=height.to_string()
            class="max-w-none" role="group" aria-label=label data-role="merkle-svg">
            {edges}
            {nodes}
        </svg>
    }
}

/// The Merkle view inside a lesson: the tree over a block of the student's
/// chain (or the lesson's leaves), the proof of one leaf, and a light
/// client's check (`check_inclusion`).
#[component]
pub fn MerkleInLesson(
    /// Leaves to draw instead of a block's transactions.
    leaves: Vec<String>,
    /// The leaf whose proof is shown first.
    proof_for: Option<u32>,
) -> impl IntoView {
    use lessons::ToolOutput;

    use crate::labs::merkle::layout_of;
    use crate::labs::text_txids;
    use crate::play::{use_play, use_play_mut};
    use crate::player::{forms, world};
    use crate::ui::{BTN, BTN_SM, LessonCard, uid};

    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let id = uid("merkle");
    let student = play.student_untracked();
    let shown = RwSignal::new(None::<u64>);
    let selected = RwSignal::new(proof_for.map_or(0, |p| p as usize));
    let fixed = (!leaves.is_empty()).then(|| text_txids(&leaves.join("\n")));
    let block = Memo::new(move |_| {
        let h = shown.get();
        play.with(|s| world::block_at(s.world(), student, h, &world::NameBook::default()))
            .flatten()
    });
    let ids = Memo::new(move |_| match &fixed {
        Some(ids) => ids.clone(),
        None => block.with(|b| {
            b.as_ref()
                .map(|b| b.txs.iter().map(|t| t.txid).collect())
                .unwrap_or_default()
        }),
    });
    let height = move || block.with(|b| b.as_ref().map_or(0, |b| b.height));
    let layout = Memo::new(move |_| {
        let sel = selected.get();
        ids.with(|ids| layout_of(ids, sel.min(ids.len().saturating_sub(1))))
    });
    let tip = Memo::new(move |_| {
        play.with(|s| world::tip_height(s.world(), student))
            .unwrap_or(0)
    });
    let check_height = RwSignal::new(String::new());
    let check_index = RwSignal::new(String::new());
    let check_txid = RwSignal::new(String::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let leaf_list = move || {
        let sel = selected.get();
        ids.get()
            .into_iter()
            .enumerate()
            .map(|(i, txid)| {
                let current = i == sel;
                view! {
                    <li>
                        <button type="button" data-role="merkle-leaf" aria-pressed=current.to_string()
                            class=if current { "w-full rounded-lg bg-indigo-50 px-2 py-1 text-left font-mono text-xs text-indigo-950 ring-1 ring-indigo-300" } else { "w-full rounded-lg px-2 py-1 text-left font-mono text-xs text-slate-800 hover:bg-slate-50" }
                            on:click=move |_| selected.set(i)>
                            {format!("{i}: {}", txid.to_hex())}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let checked = move || {
        play.with(|s| world::last_output(s.log(), "check_inclusion")).flatten().map(|(action, out)| match out {
            Ok(ToolOutput::Inclusion { valid, leaves, siblings }) => {
                let siblings = siblings
                    .into_iter()
                    .enumerate()
                    .map(|(level, h)| view! { <li class=MONO>{format!("{level}: {h}")}</li> })
                    .collect_view();
                let claim = serde_json::to_string(&action).unwrap_or_default();
                view! {
                    <div class=if valid { format!("{OK} mt-3") } else { format!("{BAD} mt-3") } data-role="inclusion-output" data-valid=valid.to_string()>
                        <p>{if valid { i18n.t("lesson_merkle.valid") } else { i18n.t("lesson_merkle.invalid") }}</p>
                        <p class="text-xs">{i18n.t_args("lesson_merkle.leaves", &[("n", &leaves.to_string())])}</p>
                        <ol class="mt-1 space-y-0.5 text-xs">{siblings}</ol>
                        <p class="mt-1 font-mono text-xs text-slate-600">{claim}</p>
                    </div>
                }
                .into_any()
            }
            Err(reason) => view! { <p class=format!("{BAD} mt-3") data-role="inclusion-output">{format!("{} {reason}", i18n.t("lesson.refused"))}</p> }.into_any(),
            Ok(_) => ().into_any(),
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let h = check_height.get_untracked();
        let h = if h.trim().is_empty() {
            height().to_string()
        } else {
            h
        };
        let i = check_index.get_untracked();
        let i = if i.trim().is_empty() {
            selected.get_untracked().to_string()
        } else {
            i
        };
        match forms::check_inclusion(&h, &i, &check_txid.get_untracked()) {
            Ok(action) => {
                form_error.set(None);
                let _ = write.apply(action);
            }
            Err(e) => form_error.set(Some(e.0)),
        }
    };
    view! {
        <LessonCard name="merkle" title="merkle.title">
            <div class="mb-3 flex flex-wrap items-center gap-2">
                <button type="button" class=BTN_SM data-role="merkle-prev" disabled=move || { height() <= 1 }
                    aria-label=move || i18n.t("lesson_block.prev")
                    on:click=move |_| shown.set(Some(height().saturating_sub(1).max(1)))>"←"</button>
                <span class="text-sm font-medium text-slate-700">{move || i18n.t_args("lesson_merkle.block", &[("h", &height().to_string()), ("n", &ids.with(Vec::len).to_string())])}</span>
                <button type="button" class=BTN_SM data-role="merkle-next" disabled=move || { height() >= tip.get() }
                    aria-label=move || i18n.t("lesson_block.next")
                    on:click=move |_| shown.set(Some(height() + 1))>"→"</button>
                <button type="button" class=BTN_SM on:click=move |_| shown.set(None)>{move || i18n.t("lesson_block.latest")}</button>
            </div>
            <p class="mb-2 text-sm font-medium text-slate-700">
                {move || i18n.t("merkle.root")}" "
                <span class="font-mono" data-role="merkle-root">{move || block.with(|b| b.as_ref().map(|b| b.merkle_root.clone()).unwrap_or_default())}</span>
            </p>
            <div class="overflow-x-auto">{move || tree_svg(layout.get(), i18n.t("merkle.svg_label"), move |i| selected.set(i))}</div>
            <p class=HINT>{move || i18n.t("lesson_merkle.legend")}</p>
            <ol class="mt-3 max-h-56 space-y-0.5 overflow-y-auto" data-role="merkle-leaves" aria-label=move || i18n.t("merkle.leaves")>{leaf_list}</ol>
            <form class="mt-5 rounded-xl bg-indigo-50 p-4 ring-1 ring-indigo-200" on:submit=submit>
                <h4 class="text-sm font-semibold text-indigo-950">{move || i18n.t("lesson_merkle.light_client")}</h4>
                <p class="mb-3 text-sm text-indigo-900">{move || i18n.t("lesson_merkle.light_client_hint")}</p>
                <div class="grid gap-3 sm:grid-cols-2">
                    <div>
                        <label for=format!("{id}-height") class=LABEL>{move || i18n.t("block.height")}</label>
                        <input id=format!("{id}-height") data-role="inclusion-height" type="number" min="1" class=INPUT
                            placeholder=move || height().to_string()
                            prop:value=move || check_height.get() on:input=move |ev| check_height.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for=format!("{id}-index") class=LABEL>{move || i18n.t("lesson_merkle.position")}</label>
                        <input id=format!("{id}-index") data-role="inclusion-index" type="number" min="0" class=INPUT
                            placeholder=move || selected.get().to_string()
                            prop:value=move || check_index.get() on:input=move |ev| check_index.set(event_target_value(&ev))/>
                    </div>
                </div>
                <label for=format!("{id}-txid") class=format!("{LABEL} mt-3")>{move || i18n.t("lesson_merkle.txid")}</label>
                <input id=format!("{id}-txid") data-role="inclusion-txid" class=INPUT autocomplete="off" spellcheck="false"
                    prop:value=move || check_txid.get() on:input=move |ev| check_txid.set(event_target_value(&ev))/>
                <div class="mt-3 flex flex-wrap gap-2">
                    <button type="button" class=BTN_SM data-role="inclusion-fill"
                        on:click=move |_| {
                            let sel = selected.get_untracked();
                            if let Some(txid) = ids.with_untracked(|ids| ids.get(sel).copied()) {
                                check_txid.set(txid.to_hex());
                                check_index.set(sel.to_string());
                                check_height.set(height().to_string());
                            }
                        }>
                        {move || i18n.t_args("lesson_merkle.fill", &[("i", &selected.get().to_string())])}
                    </button>
                    <button type="submit" class=BTN data-role="inclusion-check">{move || i18n.t("lesson_merkle.check")}</button>
                </div>
                {move || form_error.get().map(|key| view! { <p class=format!("{BAD} mt-3") role="alert">{i18n.t(key)}</p> })}
                {checked}
            </form>
        </LessonCard>
    }
}
