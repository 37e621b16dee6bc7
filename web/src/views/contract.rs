//! The contract view: an editor with the shipped examples, deploy and call
//! forms with a gas limit, and what the chain did: receipts (ok, reverted,
//! out of gas, with the reason), events, and the contract's storage.
//! Logic: [`crate::labs::contract`].

use leptos::prelude::*;
use lessons::Done;
use sandbox_chain::world::{Action, NodeId};

use crate::play::Scene;

use crate::labs::contract::{
    CallForm, DeployForm, Outcome, deployed, example, example_ids, functions, receipts, source_of,
    storage,
};
use crate::play::{use_play, use_play_mut};
use crate::state::use_i18n;
use crate::ui::{BAD, BTN, BTN2, CARD, H2, HINT, INPUT, LABEL, MONO, OK, SELECT, TABLE, TD, TH};
use crate::views::world_kit::{NoWorld, Status, StatusLine, act};

/// The contract view. `name`: a shipped example to load (`token`,
/// `escrow`, `vote`, `htlc`) or a deployed contract to open (40 hex digits
/// or `key/nonce`); empty: the token example.
#[component]
pub fn ContractView(
    /// An example id or a contract reference; empty: the token example.
    #[prop(default = String::new())]
    name: String,
    /// Whose chain and wallet; `None`: the student's node.
    #[prop(default = None)]
    node: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let write = use_play_mut();
    // The node whose chain and wallet the view uses.
    let who = move |s: &Scene<'_>| node.map_or_else(|| s.student(), NodeId);
    let status: Status = RwSignal::new(None);
    let initial = example(if name.is_empty() { "token" } else { &name }).unwrap_or("");
    let source = RwSignal::new(initial.to_owned());
    let from = RwSignal::new(String::from("alice"));
    let init_args = RwSignal::new(if initial.contains("contract Token") {
        "\"Coin\"".to_owned()
    } else {
        String::new()
    });
    let deploy_gas = RwSignal::new(String::from("20000"));
    let mine_now = RwSignal::new(true);
    let contract = RwSignal::new(if example(&name).is_none() {
        name.clone()
    } else {
        String::new()
    });
    if contract.get_untracked().is_empty()
        && let Some((last, _)) = read
            .with_untracked(|s| deployed(s.world(), who(s)))
            .and_then(|d| d.last().cloned())
    {
        // Coming back to the view: open the contract deployed last.
        contract.set(last);
    }
    let function = RwSignal::new(String::new());
    let call_args = RwSignal::new(String::new());
    let call_value = RwSignal::new(String::new());
    let call_gas = RwSignal::new(String::from("20000"));
    let student = move || read.with_untracked(|s| who(s)).unwrap_or_default();

    let keys = Memo::new(move |_| {
        read.with(|s| {
            s.world()
                .node_view(who(s))
                .map(|v| v.wallet.into_iter().map(|(n, _)| n).collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .unwrap_or_default()
    });
    let mine = move || {
        let node = student();
        act(write, status, Action::Mine { node });
    };
    let deploy = move |_| {
        let form = DeployForm {
            from: from.get_untracked(),
            source: source.get_untracked(),
            args: init_args.get_untracked(),
            gas: deploy_gas.get_untracked(),
        };
        match form.action(student()) {
            Err(e) => status.set(Some(Err(e))),
            Ok(action) => {
                if let Some(applied) = act(write, status, action)
                    && let Ok(Done::World(o)) = applied.result
                    && let Some(c) = o.contract
                {
                    contract.set(c.to_hex());
                    function.set(String::new());
                    if mine_now.get_untracked() {
                        mine();
                    }
                }
            }
        }
    };
    let call = move |_| {
        let form = CallForm {
            from: from.get_untracked(),
            contract: contract.get_untracked(),
            function: function.get_untracked(),
            args: call_args.get_untracked(),
            value: call_value.get_untracked(),
            gas: call_gas.get_untracked(),
        };
        match form.action(student()) {
            Err(e) => status.set(Some(Err(e))),
            Ok(action) => {
                if let Some(applied) = act(write, status, action)
                    && applied.result.is_ok()
                    && mine_now.get_untracked()
                {
                    mine();
                }
            }
        }
    };

    let check = move || match functions(&source.get()) {
        Ok(fs) => {
            let names: Vec<String> = fs
                .iter()
                .map(|(n, p)| format!("{n}({})", p.join(", ")))
                .collect();
            view! { <p id="contract-check" class=format!("{OK} mt-2")>{i18n.t("contract.compiles")}" "<span class="font-mono text-xs">{names.join("  ")}</span></p> }.into_any()
        }
        Err(e) => view! { <p id="contract-check" class=format!("{BAD} mt-2")>{e}</p> }.into_any(),
    };
    let key_options = move || {
        keys.get()
            .into_iter()
            .map(|k| view! { <option value=k.clone() selected=k == from.get_untracked()>{k.clone()}</option> })
            .collect_view()
    };
    let examples = example_ids()
        .into_iter()
        .map(|id| view! {
            <button type="button" id=format!("contract-example-{id}") class=BTN2
                on:click=move |_| {
                    source.set(example(id).unwrap_or_default().to_owned());
                    init_args.set(if id == "token" { "\"Coin\"".into() } else { String::new() });
                }>
                {id}
            </button>
        })
        .collect_view();

    let chosen_source = Memo::new(move |_| {
        let c = contract.get();
        read.with(|s| source_of(s.world(), who(s), &c)).flatten()
    });
    let function_options = move || {
        let list = chosen_source
            .get()
            .and_then(|src| functions(&src).ok())
            .unwrap_or_default();
        if function.get_untracked().is_empty()
            && let Some((first, _)) = list.first()
        {
            function.set(first.clone());
        }
        list.into_iter()
            .map(|(n, p)| {
                let selected = n == function.get_untracked();
                view! { <option value=n.clone() selected=selected>{format!("{n}({})", p.join(", "))}</option> }
            })
            .collect_view()
    };
    let contract_options = move || {
        read.with(|s| deployed(s.world(), who(s)))
            .unwrap_or_default()
            .into_iter()
            .map(|(hex, name)| {
                let selected = hex == contract.get();
                view! { <option value=hex.clone() selected=selected>{format!("{name} · {}…", &hex[..12])}</option> }
            })
            .collect_view()
    };

    let receipts_list = move || {
        let rows = read
            .with(|s| receipts(s.world(), who(s), 20))
            .unwrap_or_default();
        if rows.is_empty() {
            return view! { <li class="text-sm text-slate-600">{i18n.t("contract.no_receipts")}</li> }.into_any();
        }
        rows.into_iter()
            .map(|r| {
                let (badge, class, reason) = match &r.outcome {
                    Outcome::Ok => (i18n.t("contract.ok"), "bg-emerald-100 text-emerald-900", None),
                    Outcome::Reverted(f) => (i18n.t("contract.reverted"), "bg-rose-100 text-rose-900", Some(f.clone())),
                    Outcome::OutOfGas(f) => (i18n.t("contract.out_of_gas"), "bg-amber-100 text-amber-900", Some(f.clone())),
                };
                let events = (!r.events.is_empty()).then(|| view! {
                    <p class="mt-1 text-xs text-slate-700">{i18n.t("contract.events")}" "<span class="font-mono">{r.events.join("  ")}</span></p>
                });
                let returned = r.returned.clone().map(|v| view! {
                    <p class="mt-1 text-xs text-slate-700">{i18n.t("contract.returned")}" "<span class="font-mono">{v}</span></p>
                });
                view! {
                    <li class="contract-receipt border-b border-slate-100 py-2">
                        <div class="flex flex-wrap items-baseline gap-2 text-sm">
                            <span class=format!("rounded px-1.5 py-0.5 text-xs font-semibold {class}")>{badge}</span>
                            <span class="font-mono font-semibold">{r.what.clone()}</span>
                            <span class="text-slate-700">{i18n.t_args("contract.receipt", &[
                                ("gas", &r.gas_used.to_string()),
                                ("fee", &r.fee.to_string()),
                                ("height", &r.height.to_string()),
                            ])}</span>
                        </div>
                        {reason.map(|t| view! { <p class="mt-1 text-sm text-rose-900">{t}</p> })}
                        {events}
                        {returned}
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let storage_table = move || {
        let c = contract.get();
        let rows = read.with(|s| storage(s.world(), who(s), &c)).flatten()?;
        let body = rows
            .into_iter()
            .map(|(n, k, v)| view! {
                <tr><td class=format!("{TD} font-mono")>{n}</td><td class=format!("{TD} font-mono")>{k.unwrap_or_default()}</td><td class=format!("{TD} font-mono")>{v}</td></tr>
            })
            .collect_view();
        Some(view! {
            <table id="contract-storage" class=TABLE>
                <caption class="sr-only">{i18n.t("contract.storage")}</caption>
                <thead><tr>
                    <th scope="col" class=TH>{i18n.t("contract.col_name")}</th>
                    <th scope="col" class=TH>{i18n.t("contract.col_key")}</th>
                    <th scope="col" class=TH>{i18n.t("contract.col_value")}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        })
    };
    let text_field = move |id: &'static str,
                           key: &'static str,
                           value: RwSignal<String>,
                           hint: Option<&'static str>| {
        view! {
            <div>
                <label for=id class=LABEL>{move || i18n.t(key)}</label>
                <input id=id class=INPUT prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                {hint.map(|h| view! { <p class=HINT>{move || i18n.t(h)}</p> })}
            </div>
        }
    };

    view! {
        <section class=CARD aria-labelledby="contract-title">
            <h2 id="contract-title" class=H2>{move || i18n.t("contract.title")}</h2>
            {move || if read.is_playing() { ().into_any() } else { view! { <NoWorld/> }.into_any() }}
            <div class="grid gap-5 lg:grid-cols-2">
                <div>
                    <div class="mb-2 flex flex-wrap items-center gap-2" role="group" aria-label=move || i18n.t("contract.examples")>
                        <span class="text-sm font-medium text-slate-700">{move || i18n.t("contract.examples")}</span>
                        {examples}
                    </div>
                    <label for="contract-source" class=LABEL>{move || i18n.t("contract.source")}</label>
                    <textarea id="contract-source" class=format!("{INPUT} h-72") spellcheck="false"
                        prop:value=move || source.get()
                        on:input=move |ev| source.set(event_target_value(&ev))></textarea>
                    {check}
                    <div class="mt-3 grid gap-3 sm:grid-cols-3">
                        <div>
                            <label for="contract-from" class=LABEL>{move || i18n.t("contract.from")}</label>
                            <select id="contract-from" class=SELECT on:change=move |ev| from.set(event_target_value(&ev))>{key_options}</select>
                        </div>
                        {text_field("contract-init-args", "contract.init_args", init_args, None)}
                        {text_field("contract-deploy-gas", "contract.gas", deploy_gas, None)}
                    </div>
                    <div class="mt-3 flex flex-wrap items-center gap-3">
                        <button type="button" id="contract-deploy" class=BTN on:click=deploy>{move || i18n.t("contract.deploy")}</button>
                        <label for="contract-mine-now" class="inline-flex items-center gap-2 text-sm text-slate-800">
                            <input type="checkbox" id="contract-mine-now" prop:checked=move || mine_now.get()
                                on:change=move |ev| mine_now.set(event_target_checked(&ev))/>
                            {move || i18n.t("contract.mine_now")}
                        </label>
                        <button type="button" id="contract-mine" class=BTN2 on:click=move |_| mine()>{move || i18n.t("contract.mine")}</button>
                    </div>
                </div>
                <div>
                    <h3 class="text-sm font-semibold text-slate-900">{move || i18n.t("contract.call_title")}</h3>
                    <div class="mt-2 grid gap-3 sm:grid-cols-2">
                        <div>
                            <label for="contract-address" class=LABEL>{move || i18n.t("contract.contract")}</label>
                            <select id="contract-address" class=SELECT on:change=move |ev| { contract.set(event_target_value(&ev)); function.set(String::new()); }>
                                <option value="">{move || i18n.t("contract.choose")}</option>
                                {contract_options}
                            </select>
                        </div>
                        <div>
                            <label for="contract-function" class=LABEL>{move || i18n.t("contract.function")}</label>
                            <select id="contract-function" class=SELECT on:change=move |ev| function.set(event_target_value(&ev))>{function_options}</select>
                        </div>
                        {text_field("contract-args", "contract.args", call_args, Some("contract.args_hint"))}
                        <div class="grid grid-cols-2 gap-3">
                            {text_field("contract-value", "contract.value", call_value, None)}
                            {text_field("contract-call-gas", "contract.gas", call_gas, None)}
                        </div>
                    </div>
                    <button type="button" id="contract-call" class=format!("{BTN} mt-3") on:click=call>{move || i18n.t("contract.call")}</button>
                    <p class=format!("{MONO} mt-2 text-xs")>{move || contract.get()}</p>
                    <h3 class="mt-4 text-sm font-semibold text-slate-900">{move || i18n.t("contract.storage")}</h3>
                    <div class="mt-1 overflow-x-auto" tabindex="0" role="region" aria-label=move || i18n.t("contract.storage")>{storage_table}</div>
                </div>
            </div>
            <StatusLine status id="contract-status"/>
            <h3 class="mt-5 text-sm font-semibold text-slate-900">{move || i18n.t("contract.receipts")}</h3>
            <ol id="contract-receipts" class="mt-1">{receipts_list}</ol>
        </section>
    }
}
