//! The block view.

use leptos::prelude::*;

use crate::labs::{MAX_BITS, clamp_bits};
use crate::registry::ViewSettings;
use crate::state::{use_i18n, use_labs, use_labs_mut};
use crate::ui::{BAD, BTN, CARD, H2, HINT, INPUT, LABEL, MONO, OK, Row, ViewHeader};
use crate::views::MinerPanel;
use crate::workers::use_miner;

/// A hash split into its leading zero hex digits and the rest, for display.
pub(crate) fn split_zeros(hex: &str) -> (String, String) {
    let zeros = hex.chars().take_while(|c| *c == '0').count();
    (hex[..zeros].to_owned(), hex[zeros..].to_owned())
}

/// Data, nonce, difficulty, mine, valid or not. Settings: `bits`.
#[component]
pub fn BlockView(
    /// `bits`: the difficulty to start at.
    settings: ViewSettings,
) -> impl IntoView {
    let i18n = use_i18n();
    let labs = use_labs();
    let set = use_labs_mut();
    let miner = use_miner();
    let block = labs.block;
    if let Some(bits) = settings.u32("bits") {
        set.block.update(|b| b.bits = clamp_bits(bits));
    }
    let mine = move |_| {
        let header = block.with_untracked(|b| b.header());
        let mined = header;
        miner.start("block", &header, move |nonce| {
            // Apply only if the student did not edit the block meanwhile.
            let same = block.with_untracked(|b| {
                let mut now = b.header();
                now.nonce = mined.nonce;
                now == mined
            });
            if same {
                set.block.update(|b| b.nonce = nonce);
                set.progress.update(|p| p.blocks_mined += 1);
            }
        });
    };
    let hash = move || {
        let (zeros, rest) = split_zeros(&block.with(|b| b.hash().to_hex()));
        view! {
            <span class="rounded-sm bg-emerald-100 text-emerald-900">{zeros}</span>
            <span>{rest}</span>
        }
    };
    let verdict = move || {
        if block.with(|b| b.is_valid()) {
            view! { <p id="block-status" class=OK role="status">{i18n.t("block.valid")}</p> }
        } else {
            view! { <p id="block-status" class=BAD role="status">{i18n.t("block.invalid")}</p> }
        }
    };
    view! {
        <ViewHeader title="block.title" intro="block.intro"/>
        <div class="grid gap-5 lg:grid-cols-2">
            <section class=CARD>
                <label for="block-data" class=LABEL>{move || i18n.t("block.data")}</label>
                <textarea id="block-data" class=INPUT rows="4"
                    prop:value=move || block.with(|b| b.data.clone())
                    on:input=move |ev| set.block.update(|b| b.data = event_target_value(&ev))></textarea>
                <p class=HINT>{move || i18n.t("block.data_hint")}</p>
                <div class="mt-4 grid gap-4 sm:grid-cols-2">
                    <div>
                        <label for="block-nonce" class=LABEL>{move || i18n.t("block.nonce")}</label>
                        <input id="block-nonce" type="number" min="0" class=INPUT
                            prop:value=move || block.with(|b| b.nonce.to_string())
                            on:input=move |ev| {
                                if let Ok(n) = event_target_value(&ev).parse() {
                                    set.block.update(|b| b.nonce = n);
                                }
                            }/>
                    </div>
                    <div>
                        <label for="block-bits" class=LABEL>
                            {move || i18n.t_args("block.bits", &[("n", &block.with(|b| b.bits).to_string())])}
                        </label>
                        <input id="block-bits" type="range" min="1" max=MAX_BITS.to_string() class="w-full accent-indigo-600"
                            prop:value=move || block.with(|b| b.bits.to_string())
                            on:input=move |ev| {
                                if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                    set.block.update(|b| b.bits = clamp_bits(n));
                                }
                            }/>
                        <p class=HINT>
                            {move || i18n.t_args("block.expected", &[("n", &crate::mining::human_count(block.with(|b| b.target().work()) as f64))])}
                        </p>
                    </div>
                </div>
                <div class="mt-4 flex flex-wrap gap-2">
                    <button id="block-mine" type="button" class=BTN disabled=move || miner.busy() on:click=mine>
                        {move || i18n.t("block.mine")}
                    </button>
                </div>
                <MinerPanel owner="block"/>
            </section>
            <section class=CARD>
                <h2 class=H2>{move || i18n.t("block.header")}</h2>
                <dl>
                    <Row label="block.height">"1"</Row>
                    <Row label="block.parent">{move || block.with(|b| b.header().parent.short())}"…"</Row>
                    <Row label="block.merkle">{move || block.with(|b| b.merkle_root().short())}"…"</Row>
                    <Row label="block.target">{move || block.with(|b| b.target().to_hex())}</Row>
                    <Row label="block.nonce">{move || block.with(|b| b.nonce.to_string())}</Row>
                </dl>
                <p class="mt-4 text-sm font-medium text-slate-700">{move || i18n.t("block.hash")}</p>
                <p id="block-hash" class=format!("{MONO} mt-1 text-base")>{hash}</p>
                <div class="mt-4">{verdict}</div>
            </section>
        </div>
    }
}

/// The block view inside a lesson: a block of a node's canonical chain,
/// browsable by height, a "Mine" button (the world's `mine` action on that
/// node) and, on the student's own chain, the block editor (`edit_block`:
/// an edited copy, checked as a node would, the world untouched).
#[component]
pub fn BlockInLesson(
    /// Whose chain; `None`: the student's node.
    node: Option<u32>,
    /// Which height; `None`: the tip (following it as it grows).
    height: Option<u64>,
) -> impl IntoView {
    use lessons::ToolOutput;
    use lessons::action::BlockCheck;
    use sandbox_chain::world::NodeId;

    use crate::play::{use_play, use_play_mut};
    use crate::player::forms;
    use crate::player::world::{self, TxKind};
    use crate::ui::{BTN_SM, LessonCard, SELECT, uid};

    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let id = uid("block");
    let student = play.student_untracked();
    let node = node.map_or(student, NodeId);
    let shown = RwSignal::new(height);
    let book = Memo::new(move |_| play.with(|s| world::NameBook::of(s)).unwrap_or_default());
    let block = Memo::new(move |_| {
        let h = shown.get();
        book.with(|b| {
            play.with(|s| world::block_at(s.world(), node, h, b))
                .flatten()
        })
    });
    let tip = Memo::new(move |_| {
        play.with(|s| world::tip_height(s.world(), node))
            .unwrap_or(0)
    });
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
    let current = move || shown.get().unwrap_or_else(|| tip.get());
    let go = move |h: u64| shown.set(Some(h.min(tip.get_untracked())));

    let edit_tx = RwSignal::new(String::from("1"));
    let edit_amount = RwSignal::new(String::from("1000"));
    let resign = RwSignal::new(false);
    let update_root = RwSignal::new(false);
    let remine = RwSignal::new(false);
    let form_error = RwSignal::new(None::<&'static str>);

    let fields = move || {
        block.get().map(|b| {
            let (zeros, rest) = split_zeros(&b.hash.to_hex());
            let txs = b
                .txs
                .iter()
                .map(|t| {
                    let what = match &t.kind {
                        TxKind::Coinbase { to, amount } => i18n.t_args("lesson_block.coinbase", &[("to", to), ("amount", &amount.to_string())]),
                        TxKind::Transfer { from, to, amount, fee, nonce } => i18n.t_args(
                            "lesson_block.transfer",
                            &[("from", from), ("to", to), ("amount", &amount.to_string()), ("fee", &fee.to_string()), ("nonce", &nonce.to_string())],
                        ),
                        TxKind::Other(kind) => (*kind).to_owned(),
                    };
                    view! {
                        <li class="border-b border-slate-100 py-2 text-sm">
                            <span class="mr-2 inline-block w-6 font-semibold text-slate-900">{t.index}</span>
                            <span class="text-slate-800">{what}</span>
                            <p class=MONO data-role="txid">{t.txid.to_hex()}</p>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <dl>
                    <Row label="block.height"><span data-role="block-height">{b.height}</span></Row>
                    <Row label="block.hash">
                        <span data-role="block-hash">
                            <span class="rounded-sm bg-emerald-100 text-emerald-900">{zeros}</span>{rest}
                        </span>
                    </Row>
                    <Row label="block.parent">{b.parent.to_hex()}</Row>
                    <Row label="block.merkle">{b.merkle_root.clone()}</Row>
                    <Row label="lesson_block.difficulty">{i18n.t_args("lesson_block.bits", &[("target", &b.target_bits.to_string()), ("zeros", &b.zero_bits.to_string())])}</Row>
                    <Row label="block.nonce">{b.nonce}</Row>
                    <Row label="lesson_block.time">{format!("{:.1} s", b.timestamp_ms as f64 / 1000.0)}</Row>
                    <Row label="lesson_block.producer">{b.producer.clone().unwrap_or_else(|| "—".into())}</Row>
                </dl>
                <h4 class="mt-4 text-sm font-semibold text-slate-800">{i18n.t_args("lesson_block.txs", &[("n", &b.txs.len().to_string())])}</h4>
                <ol data-role="block-txs">{txs}</ol>
            }
        })
    };
    let can_edit =
        move || node == student && block.with(|b| b.as_ref().is_some_and(|b| b.height >= 1));
    let transfers = move || {
        block.get().map(|b| {
            b.txs
                .iter()
                .filter(|t| matches!(t.kind, TxKind::Transfer { .. }))
                .map(|t| view! { <option value=t.index.to_string()>{t.index}</option> })
                .collect_view()
        })
    };
    let edited = move || {
        play.with(|s| world::last_output(s.log(), "edit_block")).flatten().map(|(action, out)| match out {
            Ok(ToolOutput::BlockEdit { hash, broken }) => {
                let checks = [BlockCheck::Signature, BlockCheck::MerkleRoot, BlockCheck::ProofOfWork, BlockCheck::Link]
                    .into_iter()
                    .map(|c| {
                        let bad = broken.contains(&c);
                        let key = match c {
                            BlockCheck::Signature => "lesson_block.check_signature",
                            BlockCheck::MerkleRoot => "lesson_block.check_root",
                            BlockCheck::ProofOfWork => "lesson_block.check_work",
                            BlockCheck::Link => "lesson_block.check_link",
                        };
                        view! {
                            <li class=if bad { "text-rose-800" } else { "text-emerald-800" } data-broken=bad.to_string()>
                                {if bad { "✗ " } else { "✓ " }}{i18n.t(key)}
                            </li>
                        }
                    })
                    .collect_view();
                let what = serde_json::to_string(&action).unwrap_or_default();
                view! {
                    <div class="mt-3 rounded-lg bg-slate-50 p-3 text-sm ring-1 ring-slate-200" data-role="edit-output">
                        <p class="font-medium text-slate-800">{i18n.t("lesson_block.copy_hash")}</p>
                        <p class=MONO>{hash}</p>
                        <ul class="mt-2 space-y-1 font-medium">{checks}</ul>
                        <p class="mt-2 font-mono text-xs text-slate-600">{what}</p>
                    </div>
                }
                .into_any()
            }
            Err(reason) => view! { <p class=format!("{BAD} mt-3") data-role="edit-output">{format!("{} {reason}", i18n.t("lesson.refused"))}</p> }.into_any(),
            Ok(_) => ().into_any(),
        })
    };
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match forms::edit_block(
            current(),
            &edit_tx.get_untracked(),
            &edit_amount.get_untracked(),
            resign.get_untracked(),
            update_root.get_untracked(),
            remine.get_untracked(),
        ) {
            Ok(action) => {
                form_error.set(None);
                let _ = write.apply(action);
            }
            Err(e) => form_error.set(Some(e.0)),
        }
    };
    let cb_id = id.clone();
    let checkbox = move |signal: RwSignal<bool>, key: &'static str, role: &'static str| {
        let box_id = format!("{cb_id}-{role}");
        let label_for = box_id.clone();
        view! {
            <label for=label_for class="flex items-center gap-2 text-sm text-slate-800">
                <input id=box_id type="checkbox" data-role=role class="h-4 w-4 accent-indigo-600"
                    prop:checked=move || signal.get() on:change=move |ev| signal.set(event_target_checked(&ev))/>
                {move || i18n.t(key)}
            </label>
        }
    };
    let id2 = id.clone();
    view! {
        <LessonCard name="block" title="block.title" suffix=node_name>
            <div class="mb-3 flex flex-wrap items-center gap-2">
                <button type="button" class=BTN_SM data-role="block-prev" disabled=move || { current() == 0 }
                    on:click=move |_| go(current().saturating_sub(1))
                    aria-label=move || i18n.t("lesson_block.prev")>"←"</button>
                <span class="text-sm font-medium text-slate-700">{move || i18n.t_args("lesson_block.of", &[("h", &current().to_string()), ("tip", &tip.get().to_string())])}</span>
                <button type="button" class=BTN_SM data-role="block-next" disabled=move || { current() >= tip.get() }
                    on:click=move |_| go(current() + 1)
                    aria-label=move || i18n.t("lesson_block.next")>"→"</button>
                <button type="button" class=BTN_SM data-role="block-tip" on:click=move |_| shown.set(None)>{move || i18n.t("lesson_block.latest")}</button>
                <button type="button" class=format!("{BTN} ml-auto") data-role="mine"
                    on:click=move |_| { shown.set(None); let _ = write.apply(forms::mine(node)); }>
                    {move || i18n.t_args("lesson.mine_on", &[("node", &node_name.get())])}
                </button>
            </div>
            {fields}
            {move || can_edit().then(|| {
                let id = id2.clone();
                view! {
                    <form class="mt-5 rounded-xl bg-amber-50 p-4 ring-1 ring-amber-200" on:submit=check>
                        <h4 class="text-sm font-semibold text-amber-950">{move || i18n.t("lesson_block.editor")}</h4>
                        <p class="mb-3 text-sm text-amber-900">{move || i18n.t("lesson_block.editor_hint")}</p>
                        <div class="grid gap-3 sm:grid-cols-2">
                            <div>
                                <label for=format!("{id}-tx") class=LABEL>{move || i18n.t("lesson_block.tx")}</label>
                                <select id=format!("{id}-tx") data-role="edit-tx" class=SELECT
                                    prop:value=move || edit_tx.get() on:change=move |ev| edit_tx.set(event_target_value(&ev))>
                                    {transfers}
                                </select>
                            </div>
                            <div>
                                <label for=format!("{id}-amount") class=LABEL>{move || i18n.t("lesson_block.new_amount")}</label>
                                <input id=format!("{id}-amount") data-role="edit-amount" type="number" min="0" class=INPUT
                                    prop:value=move || edit_amount.get() on:input=move |ev| edit_amount.set(event_target_value(&ev))/>
                            </div>
                        </div>
                        <div class="mt-3 space-y-2">
                            {checkbox(resign, "lesson_block.resign", "edit-resign")}
                            {checkbox(update_root, "lesson_block.update_root", "edit-root")}
                            {checkbox(remine, "lesson_block.remine", "edit-remine")}
                        </div>
                        <button type="submit" class=format!("{BTN} mt-3") data-role="edit-check">{move || i18n.t("lesson_block.check")}</button>
                        {move || form_error.get().map(|key| view! { <p class=format!("{BAD} mt-3") role="alert">{i18n.t(key)}</p> })}
                        {edited}
                    </form>
                }
            })}
        </LessonCard>
    }
}
