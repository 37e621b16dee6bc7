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
