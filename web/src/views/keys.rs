//! The keys and signatures view.

use leptos::prelude::*;

use crate::browser;
use crate::labs::keys::{KeySource, Verdict};
use crate::labs::wallet::ACCOUNTS;
use crate::state::{use_i18n, use_labs, use_labs_mut};
use crate::ui::{
    BAD, BTN, BTN2, CARD, H2, HINT, INPUT, LABEL, MONO, NEUTRAL, OK, Row, SELECT, ViewHeader,
};

/// Generate a key, sign a transfer, verify, tamper and watch it fail.
#[component]
pub fn KeysView() -> impl IntoView {
    let i18n = use_i18n();
    let labs = use_labs();
    let set = use_labs_mut();
    let keys = labs.keys;
    let name_value = move || match keys.with(|k| k.source.clone()) {
        KeySource::Name(name) => name,
        KeySource::Seed(_) => String::new(),
    };
    let public = move || keys.with(|k| k.keypair().public().to_hex());
    let address = move || keys.with(|k| k.keypair().address().to_string());
    let random = move |_| {
        if let Some(seed) = browser::random_seed() {
            set.keys.update(|k| k.use_seed(seed));
        }
    };
    let message_hex = move || {
        keys.with(|k| {
            let tampered = k.tampered;
            k.message()
                .iter()
                .enumerate()
                .map(|(i, byte)| {
                    let class = if Some(i) == tampered {
                        "rounded-sm bg-rose-600 px-0.5 text-white"
                    } else {
                        "px-0.5"
                    };
                    view! { <span class=class>{format!("{byte:02x}")}</span> }
                })
                .collect_view()
        })
    };
    let (tamper_at, set_tamper_at) = signal(40usize);
    let verdict = move || {
        let (class, text) = match keys.with(|k| k.verdict()) {
            Verdict::Unsigned => (NEUTRAL, i18n.t("keys.unsigned").to_owned()),
            Verdict::Valid => (OK, i18n.t("keys.valid").to_owned()),
            Verdict::Invalid(reason) => (BAD, format!("{} {reason}", i18n.t("keys.invalid"))),
        };
        view! { <p id="keys-verdict" class=class role="status">{text}</p> }
    };
    let recipients = ACCOUNTS
        .iter()
        .map(|name| view! { <option value=*name>{*name}</option> })
        .collect_view();
    view! {
        <ViewHeader title="keys.title" intro="keys.intro"/>
        <div class="grid gap-5 lg:grid-cols-2">
            <section class=CARD>
                <h2 class=H2>{move || i18n.t("keys.step_key")}</h2>
                <label for="keys-name" class=LABEL>{move || i18n.t("keys.name")}</label>
                <div class="flex flex-wrap gap-2">
                    <input
                        id="keys-name"
                        class=format!("{INPUT} max-w-xs")
                        prop:value=name_value
                        on:input=move |ev| set.keys.update(|k| k.source = KeySource::Name(event_target_value(&ev)))
                    />
                    <button type="button" class=BTN2 on:click=random>{move || i18n.t("keys.random")}</button>
                </div>
                <p class=HINT>{move || i18n.t("keys.name_hint")}</p>
                <dl class="mt-3">
                    <Row label="keys.public"><span id="keys-public">{public}</span></Row>
                    <Row label="keys.address">{address}</Row>
                </dl>
            </section>
            <section class=CARD>
                <h2 class=H2>{move || i18n.t("keys.step_message")}</h2>
                <div class="grid gap-3 sm:grid-cols-3">
                    <div>
                        <label for="keys-to" class=LABEL>{move || i18n.t("keys.to")}</label>
                        <select id="keys-to" class=SELECT
                            prop:value=move || keys.with(|k| k.to.clone())
                            on:change=move |ev| set.keys.update(|k| k.to = event_target_value(&ev))>
                            {recipients}
                        </select>
                    </div>
                    <div>
                        <label for="keys-amount" class=LABEL>{move || i18n.t("keys.amount")}</label>
                        <input id="keys-amount" type="number" min="1" class=INPUT
                            prop:value=move || keys.with(|k| k.amount.to_string())
                            on:input=move |ev| {
                                if let Ok(n) = event_target_value(&ev).parse() {
                                    set.keys.update(|k| k.amount = n);
                                }
                            }/>
                    </div>
                    <div>
                        <label for="keys-memo" class=LABEL>{move || i18n.t("keys.memo")}</label>
                        <input id="keys-memo" class=INPUT
                            prop:value=move || keys.with(|k| k.memo.clone())
                            on:input=move |ev| set.keys.update(|k| k.memo = event_target_value(&ev))/>
                    </div>
                </div>
                <div class="mt-4 flex flex-wrap gap-2">
                    <button id="keys-sign" type="button" class=BTN on:click=move |_| set.keys.update(|k| k.sign())>
                        {move || i18n.t("keys.sign")}
                    </button>
                </div>
                <div class="mt-4">{verdict}</div>
            </section>
            <section class=format!("{CARD} lg:col-span-2")>
                <h2 class=H2>{move || i18n.t("keys.step_check")}</h2>
                <p class="text-sm font-medium text-slate-700">{move || i18n.t("keys.message")}</p>
                <p id="keys-message" class=format!("{MONO} mt-1")>{message_hex}</p>
                <p class="mt-3 text-sm font-medium text-slate-700">{move || i18n.t("keys.signature")}</p>
                <p id="keys-signature" class=format!("{MONO} mt-1")>
                    {move || keys.with(|k| k.signature.clone()).unwrap_or_else(|| "—".into())}
                </p>
                <div class="mt-4 flex flex-wrap items-end gap-2">
                    <div class="w-32">
                        <label for="keys-tamper-at" class=LABEL>{move || i18n.t("keys.tamper_at")}</label>
                        <input id="keys-tamper-at" type="number" min="0" class=INPUT
                            prop:value=move || tamper_at.get().to_string()
                            on:input=move |ev| {
                                if let Ok(n) = event_target_value(&ev).parse() {
                                    set_tamper_at.set(n);
                                }
                            }/>
                    </div>
                    <button id="keys-tamper" type="button" class=BTN2
                        on:click=move |_| set.keys.update(|k| k.tamper(tamper_at.get_untracked()))>
                        {move || i18n.t("keys.tamper")}
                    </button>
                    <button type="button" class=BTN2 on:click=move |_| set.keys.update(|k| k.tampered = None)>
                        {move || i18n.t("keys.untamper")}
                    </button>
                </div>
                <p class=HINT>{move || i18n.t("keys.tamper_hint")}</p>
            </section>
        </div>
    }
}
