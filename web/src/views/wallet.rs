//! The wallet view: one node's chain, its mempool and signed transfers.

use leptos::prelude::*;

use crate::labs::wallet::{ACCOUNTS, LogEntry, TransferRequest, Wallet};
use crate::state::{use_i18n, use_labs, use_labs_mut};
use crate::ui::{
    BAD, BTN, BTN2, CARD, H2, HINT, INPUT, LABEL, OK, SELECT, TABLE, TD, TH, ViewHeader,
};
use crate::views::MinerPanel;
use crate::workers::use_miner;

fn options(names: &[&'static str]) -> impl IntoView + use<> {
    names
        .iter()
        .map(|name| view! { <option value=*name>{*name}</option> })
        .collect_view()
}

/// Balances, signed transfers, the mempool, rejections and mined blocks.
#[component]
pub fn WalletView() -> impl IntoView {
    let i18n = use_i18n();
    let labs = use_labs();
    let set = use_labs_mut();
    let miner = use_miner();
    let wallet = labs.wallet;
    let from = RwSignal::new(String::from("alice"));
    let to = RwSignal::new(String::from("bob"));
    let amount = RwSignal::new(String::from("10"));
    let fee = RwSignal::new(String::from("1"));
    let nonce = RwSignal::new(String::new());
    let signer = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<String, String>>);

    let send = move |_| {
        let parse = |s: RwSignal<String>| s.get_untracked().trim().parse::<u64>();
        let (Ok(amount), Ok(fee)) = (parse(amount), parse(fee)) else {
            result.set(Some(Err(i18n.t("wallet.bad_number").into())));
            return;
        };
        let request = TransferRequest {
            from: from.get_untracked(),
            to: to.get_untracked(),
            amount,
            fee,
            nonce: parse(nonce).ok(),
            signer: Some(signer.get_untracked()).filter(|s| !s.is_empty()),
        };
        let mut outcome = Ok(());
        set.wallet.update(|w| outcome = w.submit(&request));
        result.set(Some(outcome.map(|()| i18n.t("wallet.accepted").into())));
    };
    let mine = move |_| {
        let template = wallet.with_untracked(Wallet::block_template);
        let header = template.header;
        miner.start("wallet", &header, move |found| {
            let mut block = template;
            block.header.nonce = found;
            let mut outcome = Ok(());
            set.wallet.update(|w| outcome = w.add_block(block));
            if outcome.is_ok() {
                set.progress.update(|p| p.blocks_mined += 1);
            }
        });
    };

    let balances = move || {
        wallet
            .with(|w| w.accounts())
            .into_iter()
            .map(|a| {
                view! {
                    <tr>
                        <td class=TD><span class="font-semibold">{a.name}</span></td>
                        <td class=format!("{TD} font-mono")>{a.address}"…"</td>
                        <td class=format!("{TD} text-right tabular-nums font-semibold")>{a.balance}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{a.nonce}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{a.pending}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let pending = move || {
        let rows = wallet.with(|w| w.pending());
        if rows.is_empty() {
            return view! { <p class="text-sm text-slate-600">{i18n.t("wallet.pool_empty")}</p> }
                .into_any();
        }
        let rows = rows
            .into_iter()
            .map(|p| {
                view! {
                    <tr>
                        <td class=format!("{TD} font-mono")>{p.id}</td>
                        <td class=TD>{format!("{} → {}", p.from, p.to)}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{p.amount}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{p.fee}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{p.nonce}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="overflow-x-auto" tabindex="0" role="region" aria-label=i18n.t("wallet.title")>
                <table class=TABLE id="wallet-pool">
                    <thead><tr>
                        <th class=TH scope="col">{i18n.t("wallet.id")}</th>
                        <th class=TH scope="col">{i18n.t("wallet.transfer")}</th>
                        <th class=format!("{TH} text-right") scope="col">{i18n.t("wallet.amount")}</th>
                        <th class=format!("{TH} text-right") scope="col">{i18n.t("wallet.fee")}</th>
                        <th class=format!("{TH} text-right") scope="col">{i18n.t("wallet.nonce")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let blocks = move || {
        wallet
            .with(|w| w.blocks())
            .into_iter()
            .map(|b| {
                view! {
                    <li class="flex items-center justify-between rounded-lg bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200">
                        <span class="font-semibold text-slate-900">{format!("#{}", b.height)}</span>
                        <span class="font-mono text-slate-700">{format!("{}…", b.hash)}</span>
                        <span class="text-slate-600">{i18n.t_args("wallet.txs", &[("n", &b.txs.to_string())])}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let log = move || {
        wallet
            .with(|w| w.log().to_vec())
            .into_iter()
            .take(8)
            .map(|entry| {
                let (class, text) = match entry {
                    LogEntry::Accepted {
                        from,
                        to,
                        amount,
                        id,
                    } => (
                        "text-slate-800",
                        i18n.t_args(
                            "wallet.log_accepted",
                            &[
                                ("from", &from),
                                ("to", &to),
                                ("amount", &amount.to_string()),
                                ("id", &id),
                            ],
                        ),
                    ),
                    LogEntry::Rejected { reason } => (
                        "text-rose-800",
                        format!("{} {reason}", i18n.t("wallet.rejected")),
                    ),
                    LogEntry::Mined {
                        height,
                        hash,
                        transfers,
                    } => (
                        "text-emerald-800",
                        i18n.t_args(
                            "wallet.log_mined",
                            &[
                                ("height", &height.to_string()),
                                ("hash", &hash),
                                ("n", &transfers.to_string()),
                            ],
                        ),
                    ),
                };
                view! { <li class=format!("{class} text-sm")>{text}</li> }
            })
            .collect_view()
    };
    let outcome = move || {
        result.get().map(|r| match r {
            Ok(text) => view! { <p id="wallet-result" class=OK role="status">{text}</p> }.into_any(),
            Err(reason) => view! {
                <p id="wallet-result" class=BAD role="alert">{format!("{} {reason}", i18n.t("wallet.rejected"))}</p>
            }
            .into_any(),
        })
    };

    view! {
        <ViewHeader title="wallet.title" intro="wallet.intro"/>
        <div class="grid gap-5 lg:grid-cols-2">
            <section class=CARD>
                <h2 class=H2>{move || i18n.t("wallet.balances")}</h2>
                <div class="overflow-x-auto" tabindex="0" role="region" aria-label=move || i18n.t("wallet.balances")>
                    <table class=TABLE id="wallet-balances">
                        <thead><tr>
                            <th class=TH scope="col">{move || i18n.t("wallet.account")}</th>
                            <th class=TH scope="col">{move || i18n.t("wallet.address")}</th>
                            <th class=format!("{TH} text-right") scope="col">{move || i18n.t("wallet.balance")}</th>
                            <th class=format!("{TH} text-right") scope="col">{move || i18n.t("wallet.nonce")}</th>
                            <th class=format!("{TH} text-right") scope="col">{move || i18n.t("wallet.pending")}</th>
                        </tr></thead>
                        <tbody>{balances}</tbody>
                    </table>
                </div>
                <p class=HINT>{move || i18n.t("wallet.balances_hint")}</p>
            </section>
            <section class=CARD>
                <h2 class=H2>{move || i18n.t("wallet.send")}</h2>
                <form class="grid gap-3 sm:grid-cols-2" on:submit=move |ev| { ev.prevent_default(); send(()); }>
                    <div>
                        <label for="wallet-from" class=LABEL>{move || i18n.t("wallet.from")}</label>
                        <select id="wallet-from" class=SELECT prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))>
                            {options(&ACCOUNTS)}
                        </select>
                    </div>
                    <div>
                        <label for="wallet-to" class=LABEL>{move || i18n.t("wallet.to")}</label>
                        <select id="wallet-to" class=SELECT prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))>
                            {options(&ACCOUNTS)}
                        </select>
                    </div>
                    <div>
                        <label for="wallet-amount" class=LABEL>{move || i18n.t("wallet.amount")}</label>
                        <input id="wallet-amount" type="number" min="0" class=INPUT prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for="wallet-fee" class=LABEL>{move || i18n.t("wallet.fee")}</label>
                        <input id="wallet-fee" type="number" min="0" class=INPUT prop:value=move || fee.get() on:input=move |ev| fee.set(event_target_value(&ev))/>
                    </div>
                    <details class="sm:col-span-2 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200">
                        <summary class="cursor-pointer text-sm font-semibold text-slate-800">{move || i18n.t("wallet.attacks")}</summary>
                        <div class="mt-3 grid gap-3 sm:grid-cols-2">
                            <div>
                                <label for="wallet-nonce" class=LABEL>{move || i18n.t("wallet.nonce_override")}</label>
                                <input id="wallet-nonce" type="number" min="0" class=INPUT
                                    placeholder=move || i18n.t_args("wallet.nonce_auto", &[("n", &wallet.with(|w| w.next_nonce(&from.get())).to_string())])
                                    prop:value=move || nonce.get() on:input=move |ev| nonce.set(event_target_value(&ev))/>
                            </div>
                            <div>
                                <label for="wallet-signer" class=LABEL>{move || i18n.t("wallet.signer")}</label>
                                <select id="wallet-signer" class=SELECT prop:value=move || signer.get() on:change=move |ev| signer.set(event_target_value(&ev))>
                                    <option value="">{move || i18n.t("wallet.signer_self")}</option>
                                    <option value="mallory">"mallory"</option>
                                </select>
                            </div>
                        </div>
                    </details>
                    <div class="sm:col-span-2">
                        <button id="wallet-send" type="submit" class=BTN>{move || i18n.t("wallet.sign_send")}</button>
                    </div>
                </form>
                <div class="mt-3">{outcome}</div>
            </section>
            <section class=CARD>
                <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                    <h2 class="text-base font-semibold text-slate-900">{move || i18n.t("wallet.pool")}</h2>
                    <button id="wallet-mine" type="button" class=BTN disabled=move || miner.busy() on:click=mine>
                        {move || i18n.t("wallet.mine")}
                    </button>
                </div>
                {pending}
                <MinerPanel owner="wallet"/>
            </section>
            <section class=CARD>
                <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                    <h2 class="text-base font-semibold text-slate-900">{move || i18n.t("wallet.chain")}</h2>
                    <button type="button" class=BTN2 on:click=move |_| { miner.cancel(); set.wallet.set(Wallet::default()); result.set(None); }>
                        {move || i18n.t("wallet.reset")}
                    </button>
                </div>
                <ol id="wallet-blocks" class="space-y-2">{blocks}</ol>
                <h2 class=format!("{H2} mt-5")>{move || i18n.t("wallet.log")}</h2>
                <ul class="space-y-1">{log}</ul>
            </section>
        </div>
    }
}

/// The wallet view inside a lesson: a node's keys and balances, a form to
/// send a payment (`send_transaction` on that node), a new key
/// (`create_key`), the node's pending transactions and "Mine".
#[component]
pub fn WalletInLesson(
    /// Whose wallet; `None`: the student's node.
    node: Option<u32>,
) -> impl IntoView {
    use sandbox_chain::world::NodeId;

    use crate::play::{use_play, use_play_mut};
    use crate::player::forms;
    use crate::player::world::{self, TxKind};
    use crate::ui::{BTN_SM, LessonCard, uid};

    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let id = uid("wallet");
    let node = node.map_or(play.student_untracked(), NodeId);
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
    let book = Memo::new(move |_| play.with(|s| world::NameBook::of(s)).unwrap_or_default());
    let accounts = Memo::new(move |_| {
        book.with(|b| play.with(|s| world::account_rows(s.world(), node, b)))
            .unwrap_or_default()
    });
    let pool = Memo::new(move |_| {
        book.with(|b| play.with(|s| world::mempool_rows(s.world(), node, b)))
            .unwrap_or_default()
    });
    let keys = Memo::new(move |_| {
        play.with(|s| world::wallet_keys(s.world(), node))
            .unwrap_or_default()
    });
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let amount = RwSignal::new(String::from("10"));
    let fee = RwSignal::new(String::from("0"));
    let nonce = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<String, String>>);

    let apply = move |built: Result<lessons::LessonAction, forms::FormError>| {
        let outcome = match built {
            Err(e) => Err(i18n.t(e.0).to_owned()),
            Ok(action) => match write.apply(action) {
                Ok(applied) => match applied.result {
                    Ok(done) => Ok(crate::player::feedback::describe(&done)),
                    Err(reason) => Err(format!("{} {reason}", i18n.t("lesson.refused"))),
                },
                Err(e) => Err(e),
            },
        };
        result.set(Some(outcome));
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let sender = from.get_untracked();
        let sender = if sender.is_empty() {
            keys.get_untracked().first().cloned().unwrap_or_default()
        } else {
            sender
        };
        apply(forms::send(
            node,
            &sender,
            &to.get_untracked(),
            &amount.get_untracked(),
            &fee.get_untracked(),
            &nonce.get_untracked(),
        ));
    };
    let rows = move || {
        accounts
            .get()
            .into_iter()
            .map(|a| {
                view! {
                    <tr>
                        <td class=TD><span class=if a.in_wallet { "font-semibold" } else { "" }>{a.name}</span>{a.in_wallet.then_some(" 🔑")}</td>
                        <td class=format!("{TD} font-mono text-xs")>{format!("{}…", &a.address[..10])}</td>
                        <td class=format!("{TD} text-right tabular-nums font-semibold")>{a.balance}</td>
                        <td class=format!("{TD} text-right tabular-nums")>{a.nonce}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let pending = move || {
        let rows = pool.get();
        if rows.is_empty() {
            // Inside the pool's <ul>: a list item, not a paragraph.
            return view! { <li class="text-sm text-slate-600">{i18n.t("wallet.pool_empty")}</li> }
                .into_any();
        }
        rows.into_iter()
            .map(|p| {
                let what = match p.kind {
                    TxKind::Transfer { from, to, amount, nonce, .. } => format!("{from} → {to}: {amount} (nonce {nonce})"),
                    TxKind::Coinbase { to, amount } => format!("+{amount} → {to}"),
                    TxKind::Other(kind) => kind.to_owned(),
                };
                view! {
                    <li class="flex flex-wrap justify-between gap-x-3 border-b border-slate-100 py-1.5 text-sm">
                        <span class="text-slate-800">{what}</span>
                        <span class="tabular-nums text-slate-700">{i18n.t_args("lesson_wallet.fee", &[("n", &p.fee.to_string())])}</span>
                        <span class="font-mono text-xs text-slate-600">{format!("{}…", p.txid.short())}</span>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let key_options = move || {
        keys.get()
            .into_iter()
            .map(|k| view! { <option value=k.clone()>{k.clone()}</option> })
            .collect_view()
    };
    let datalist = format!("{id}-names");
    let names = move || {
        book.with(world::NameBook::all)
            .into_iter()
            .map(|n| view! { <option value=n/> })
            .collect_view()
    };
    let outcome = move || {
        result.get().map(|r| match r {
            Ok(text) => view! { <p data-role="wallet-result" class=format!("{OK} mt-3") role="status">{format!("{} {text}", i18n.t("lesson.accepted"))}</p> }.into_any(),
            Err(text) => view! { <p data-role="wallet-result" class=format!("{BAD} mt-3") role="alert">{text}</p> }.into_any(),
        })
    };
    view! {
        <LessonCard name="wallet" title="wallet.title" suffix=node_name>
            <div class="overflow-x-auto">
                <table class=TABLE data-role="balances">
                    <thead><tr>
                        <th class=TH scope="col">{move || i18n.t("wallet.account")}</th>
                        <th class=TH scope="col">{move || i18n.t("wallet.address")}</th>
                        <th class=format!("{TH} text-right") scope="col">{move || i18n.t("wallet.balance")}</th>
                        <th class=format!("{TH} text-right") scope="col">{move || i18n.t("wallet.nonce")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class=HINT>{move || i18n.t("lesson_wallet.balances_hint")}</p>
            <form class="mt-4 grid gap-3 sm:grid-cols-2" on:submit=send>
                <h4 class="text-sm font-semibold text-slate-800 sm:col-span-2">{move || i18n.t("wallet.send")}</h4>
                <datalist id=datalist.clone()>{names}</datalist>
                <div>
                    <label for=format!("{id}-from") class=LABEL>{move || i18n.t("wallet.from")}</label>
                    <select id=format!("{id}-from") data-role="send-from" class=SELECT
                        prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))>
                        {key_options}
                    </select>
                </div>
                <div>
                    <label for=format!("{id}-to") class=LABEL>{move || i18n.t("wallet.to")}</label>
                    <input id=format!("{id}-to") data-role="send-to" class=INPUT list=datalist autocomplete="off"
                        prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label for=format!("{id}-amount") class=LABEL>{move || i18n.t("wallet.amount")}</label>
                    <input id=format!("{id}-amount") data-role="send-amount" type="number" min="0" class=INPUT
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label for=format!("{id}-fee") class=LABEL>{move || i18n.t("wallet.fee")}</label>
                    <input id=format!("{id}-fee") data-role="send-fee" type="number" min="0" class=INPUT
                        prop:value=move || fee.get() on:input=move |ev| fee.set(event_target_value(&ev))/>
                </div>
                <details class="sm:col-span-2 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200">
                    <summary class="cursor-pointer text-sm font-semibold text-slate-800">{move || i18n.t("wallet.attacks")}</summary>
                    <label for=format!("{id}-nonce") class=format!("{LABEL} mt-3")>{move || i18n.t("wallet.nonce_override")}</label>
                    <input id=format!("{id}-nonce") data-role="send-nonce" type="number" min="0" class=format!("{INPUT} max-w-xs")
                        placeholder=move || i18n.t("lesson_wallet.nonce_next")
                        prop:value=move || nonce.get() on:input=move |ev| nonce.set(event_target_value(&ev))/>
                </details>
                <div class="sm:col-span-2">
                    <button type="submit" data-role="send-button" class=BTN disabled=move || keys.with(Vec::is_empty)>{move || i18n.t("wallet.sign_send")}</button>
                </div>
            </form>
            {outcome}
            <form class="mt-4 flex flex-wrap items-end gap-2"
                on:submit=move |ev| { ev.prevent_default(); apply(forms::create_key(node, &new_name.get_untracked())); }>
                <div class="min-w-0 flex-1">
                    <label for=format!("{id}-new") class=LABEL>{move || i18n.t("lesson_keys.new_name")}</label>
                    <input id=format!("{id}-new") data-role="key-name" class=INPUT autocomplete="off"
                        prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                </div>
                <button type="submit" data-role="key-create" class=BTN2>{move || i18n.t("lesson_keys.create")}</button>
            </form>
            <div class="mt-5 flex flex-wrap items-center justify-between gap-2">
                <h4 class="text-sm font-semibold text-slate-800">{move || i18n.t("wallet.pool")}</h4>
                <button type="button" class=BTN_SM data-role="mine" on:click=move |_| apply(Ok(forms::mine(node)))>
                    {move || i18n.t_args("lesson.mine_on", &[("node", &node_name.get())])}
                </button>
            </div>
            <ul data-role="pool">{pending}</ul>
        </LessonCard>
    }
}
