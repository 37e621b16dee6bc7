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

/// The keys view inside a lesson: the wallet's keys (or the lesson's
/// names), a "new key" form (`create_key` on the student's node), signing
/// (`sign`) and checking (`verify`) lesson messages.
#[component]
pub fn KeysInLesson(
    /// Key names to show; empty: the student's wallet.
    names: Vec<String>,
) -> impl IntoView {
    use lessons::ToolOutput;
    use sandbox_chain::keys::Keypair;

    use crate::play::{use_play, use_play_mut};
    use crate::player::{forms, world};
    use crate::ui::{BTN_SM, LessonCard, uid};

    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let id = uid("keys");
    let wallet = Memo::new(move |_| {
        play.with(|s| world::wallet_keys(s.world(), s.student()))
            .unwrap_or_default()
    });
    let shown = {
        let names = names.clone();
        Memo::new(move |_| {
            if names.is_empty() {
                wallet.get()
            } else {
                names.clone()
            }
        })
    };
    let known = Memo::new(move |_| {
        play.with(|s| world::NameBook::of(s).all())
            .unwrap_or_default()
    });
    let new_name = RwSignal::new(String::new());
    let sign_key = RwSignal::new(String::new());
    let sign_message = RwSignal::new(String::new());
    let verify_key = RwSignal::new(String::new());
    let verify_message = RwSignal::new(String::new());
    let verify_signature = RwSignal::new(String::new());
    let form_error = RwSignal::new(None::<&'static str>);
    let send = move |built: Result<lessons::LessonAction, forms::FormError>| match built {
        Ok(action) => {
            form_error.set(None);
            let _ = write.apply(action);
        }
        Err(e) => form_error.set(Some(e.0)),
    };
    let student = move || {
        play.with(|s| s.student())
            .unwrap_or(sandbox_chain::world::NodeId(0))
    };

    let cards = move || {
        shown
            .get()
            .into_iter()
            .map(|name| {
                let key = Keypair::from_name(&name);
                view! {
                    <li class="rounded-xl bg-slate-50 p-3 ring-1 ring-slate-200" data-role="key-card">
                        <p class="font-semibold text-slate-900">{name.clone()}</p>
                        <dl class="mt-1 space-y-1 text-sm">
                            <div><dt class="inline font-medium text-slate-600">{i18n.t("keys.public")}": "</dt>
                                <dd class=format!("{MONO} inline")>{key.public().to_hex()}</dd></div>
                            <div><dt class="inline font-medium text-slate-600">{i18n.t("keys.address")}": "</dt>
                                <dd class=format!("{MONO} inline")>{key.address().to_hex()}</dd></div>
                        </dl>
                        <details class="mt-1 text-sm">
                            <summary class="cursor-pointer font-medium text-slate-700">{i18n.t("lesson_keys.seed")}</summary>
                            <p class=MONO>{hex::encode(key.seed())}</p>
                        </details>
                    </li>
                }
            })
            .collect_view()
    };
    let signed = move || {
        play.with(|s| world::last_output(s.log(), "sign")).flatten().map(|(action, out)| {
            match out {
                Ok(ToolOutput::Signature { signature }) => {
                    let (key, message) = match action {
                        lessons::LessonAction::Tool(lessons::ToolAction::Sign { key, message }) => (key, message),
                        _ => (String::new(), String::new()),
                    };
                    let sig = signature.clone();
                    view! {
                        <div class=format!("{OK} mt-3")>
                            <p>{i18n.t_args("lesson_keys.signed", &[("key", &key), ("message", &message)])}</p>
                            <p data-role="sign-output" class=MONO>{signature}</p>
                            <button type="button" class=format!("{BTN_SM} mt-2") data-role="sign-use"
                                on:click=move |_| {
                                    verify_key.set(key.clone());
                                    verify_message.set(message.clone());
                                    verify_signature.set(sig.clone());
                                }>
                                {i18n.t("lesson_keys.use")}
                            </button>
                        </div>
                    }
                    .into_any()
                }
                Err(reason) => view! { <p class=format!("{BAD} mt-3")>{format!("{} {reason}", i18n.t("lesson.refused"))}</p> }.into_any(),
                Ok(_) => ().into_any(),
            }
        })
    };
    let verified = move || {
        play.with(|s| world::last_output(s.log(), "verify")).flatten().map(|(_, out)| match out {
            Ok(ToolOutput::Verified { valid: true }) => {
                view! { <p data-role="verify-output" class=format!("{OK} mt-3")>{i18n.t("lesson_keys.valid")}</p> }.into_any()
            }
            Ok(ToolOutput::Verified { valid: false }) => {
                view! { <p data-role="verify-output" class=format!("{BAD} mt-3")>{i18n.t("lesson_keys.invalid")}</p> }.into_any()
            }
            Err(reason) => view! { <p data-role="verify-output" class=format!("{BAD} mt-3")>{format!("{} {reason}", i18n.t("lesson.refused"))}</p> }.into_any(),
            Ok(_) => ().into_any(),
        })
    };
    let key_options = move || {
        wallet
            .get()
            .into_iter()
            .map(|k| view! { <option value=k.clone()>{k.clone()}</option> })
            .collect_view()
    };
    let datalist = format!("{id}-names");
    let known_options = move || {
        known
            .get()
            .into_iter()
            .map(|n| view! { <option value=n/> })
            .collect_view()
    };
    view! {
        <LessonCard name="keys" title="keys.title">
            <ul class="grid gap-2" data-role="key-list">{cards}</ul>
            {move || shown.with(Vec::is_empty).then(|| view! { <p class=HINT>{i18n.t("lesson_keys.no_keys")}</p> })}
            <form class="mt-4 flex flex-wrap items-end gap-2"
                on:submit=move |ev| { ev.prevent_default(); send(forms::create_key(student(), &new_name.get_untracked())); }>
                <div class="min-w-0 flex-1">
                    <label for=format!("{id}-new") class=LABEL>{move || i18n.t("lesson_keys.new_name")}</label>
                    <input id=format!("{id}-new") data-role="key-name" class=INPUT autocomplete="off"
                        prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                </div>
                <button type="submit" data-role="key-create" class=BTN2>{move || i18n.t("lesson_keys.create")}</button>
            </form>
            <form class="mt-5 grid gap-3 sm:grid-cols-[10rem_1fr]"
                on:submit=move |ev| {
                    ev.prevent_default();
                    let key = sign_key.get_untracked();
                    let key = if key.is_empty() { wallet.get_untracked().first().cloned().unwrap_or_default() } else { key };
                    send(forms::sign(&key, &sign_message.get_untracked()));
                }>
                <h4 class="text-sm font-semibold text-slate-800 sm:col-span-2">{move || i18n.t("lesson_keys.sign_title")}</h4>
                <div>
                    <label for=format!("{id}-sign-key") class=LABEL>{move || i18n.t("lesson_keys.key")}</label>
                    <select id=format!("{id}-sign-key") data-role="sign-key" class=SELECT
                        prop:value=move || sign_key.get() on:change=move |ev| sign_key.set(event_target_value(&ev))>
                        {key_options}
                    </select>
                </div>
                <div>
                    <label for=format!("{id}-sign-message") class=LABEL>{move || i18n.t("lesson_keys.message")}</label>
                    <input id=format!("{id}-sign-message") data-role="sign-message" class=INPUT autocomplete="off"
                        prop:value=move || sign_message.get() on:input=move |ev| sign_message.set(event_target_value(&ev))/>
                </div>
                <div class="sm:col-span-2">
                    <button type="submit" data-role="sign-button" class=BTN disabled=move || wallet.with(Vec::is_empty)>
                        {move || i18n.t("keys.sign")}
                    </button>
                </div>
            </form>
            {signed}
            <form class="mt-5 grid gap-3"
                on:submit=move |ev| {
                    ev.prevent_default();
                    send(forms::verify(&verify_key.get_untracked(), &verify_message.get_untracked(), &verify_signature.get_untracked()));
                }>
                <h4 class="text-sm font-semibold text-slate-800">{move || i18n.t("lesson_keys.verify_title")}</h4>
                <datalist id=datalist.clone()>{known_options}</datalist>
                <div class="grid gap-3 sm:grid-cols-[10rem_1fr]">
                    <div>
                        <label for=format!("{id}-verify-key") class=LABEL>{move || i18n.t("lesson_keys.key_or_public")}</label>
                        <input id=format!("{id}-verify-key") data-role="verify-key" class=INPUT list=datalist autocomplete="off"
                            prop:value=move || verify_key.get() on:input=move |ev| verify_key.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for=format!("{id}-verify-message") class=LABEL>{move || i18n.t("lesson_keys.message")}</label>
                        <input id=format!("{id}-verify-message") data-role="verify-message" class=INPUT autocomplete="off"
                            prop:value=move || verify_message.get() on:input=move |ev| verify_message.set(event_target_value(&ev))/>
                    </div>
                </div>
                <div>
                    <label for=format!("{id}-verify-signature") class=LABEL>{move || i18n.t("keys.signature")}</label>
                    <textarea id=format!("{id}-verify-signature") data-role="verify-signature" class=INPUT rows="2" spellcheck="false"
                        prop:value=move || verify_signature.get() on:input=move |ev| verify_signature.set(event_target_value(&ev))></textarea>
                </div>
                <div><button type="submit" data-role="verify-button" class=BTN>{move || i18n.t("lesson_keys.verify")}</button></div>
            </form>
            {verified}
            {move || form_error.get().map(|key| view! { <p class=format!("{BAD} mt-3") role="alert">{i18n.t(key)}</p> })}
        </LessonCard>
    }
}
