//! The bridge view: two chains side by side, the relayer's headers and
//! lock proofs moving between them, each bridge's light client, the vault
//! and the wrapped coins, relayers on and off. Logic:
//! [`crate::labs::bridge`].
//!
//! The connected world is the session's (`Session::islands`): a lesson's
//! connected chains, or the playground's. Every change goes through
//! `PlayWrite::apply` as an `op` action, so it reaches the transcript.

use leptos::prelude::*;
use sandbox_chain::world::islands::{Islands, IslandsAction};
use sandbox_chain::world::{Action, NodeId};

use lessons::LessonAction;

use crate::labs::bridge::{BridgePicture, lock_action};
use crate::play::{use_play, use_play_mut};
use crate::state::use_i18n;
use crate::ui::{BTN, BTN2, CARD, H2, HINT, INPUT, LABEL, NEUTRAL};
use crate::views::world_kit::{Status, StatusLine, sim_time};

/// Two chains and the bridge between them.
#[component]
pub fn BridgeView(
    /// The source chain, where coins are locked.
    #[prop(default = 0)]
    from: usize,
    /// The destination chain, where wrapped coins are minted.
    #[prop(default = 1)]
    to: usize,
    /// Offer the relayers' start and stop buttons.
    #[prop(default = true)]
    controls: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let write = use_play_mut();
    if !read
        .with_untracked(|s| s.islands().is_some())
        .unwrap_or(false)
    {
        return view! { <section class=CARD><p class=NEUTRAL>{move || i18n.t("bridge.none")}</p></section> }.into_any();
    }
    let handle = IslandsRead(read);
    let status: Status = RwSignal::new(None);
    let apply = move |a: IslandsAction| {
        status.set(Some(match write.apply(LessonAction::Islands(a)) {
            Ok(applied) => applied.result.map(|_| String::new()),
            Err(reason) => Err(reason),
        }));
    };
    // The bridge the lock form uses: the relayer from `from` to `to`.
    let relayer = move || {
        handle
            .with(|i| {
                i.config()
                    .relayers
                    .iter()
                    .position(|r| r.from == from && r.to == to)
            })
            .flatten()
            .unwrap_or(0)
    };
    let picture = Memo::new(move |_| handle.with(BridgePicture::of));
    let lock_from = RwSignal::new(String::from("alice"));
    let lock_to = RwSignal::new(String::from("bob"));
    let lock_amount = RwSignal::new(String::from("40"));
    let advance = RwSignal::new(String::from("1000"));

    let chains = move || {
        let p = picture.get()?;
        let cards = p
            .chains
            .iter()
            .map(|c| {
                let index = c.index;
                let blocks = c
                    .recent
                    .iter()
                    .map(|(h, hash)| view! {
                        <li class="rounded-md bg-indigo-50 px-2 py-1 font-mono text-xs text-indigo-950 ring-1 ring-indigo-200">{format!("#{h} {hash}")}</li>
                    })
                    .collect_view();
                let balances = c
                    .balances
                    .iter()
                    .map(|(n, b)| view! { <li>{format!("{n}: {b}")}</li> })
                    .collect_view();
                view! {
                    <div id=format!("bridge-chain-{index}") class="rounded-xl bg-slate-50 p-4 ring-1 ring-slate-200">
                        <h3 class="text-base font-semibold text-slate-900">
                            {i18n.t_args("bridge.chain", &[("name", &c.name), ("id", &c.chain_id.to_string())])}
                        </h3>
                        <p class="text-sm text-slate-700">{i18n.t_args("bridge.height", &[("height", &c.height.to_string()), ("tip", &c.tip)])}</p>
                        <ol class="mt-2 flex flex-wrap gap-1">{blocks}</ol>
                        <h4 class="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-600">{i18n.t("bridge.balances")}</h4>
                        <ul class="font-mono text-xs text-slate-800">{balances}</ul>
                        <button type="button" id=format!("bridge-mine-{index}") class=format!("{BTN2} mt-3")
                            on:click=move |_| apply(IslandsAction::On { chain: index, action: Action::Mine { node: NodeId(0) } })>
                            {i18n.t_args("bridge.mine", &[("name", &c_name(index, handle))])}
                        </button>
                    </div>
                }
            })
            .collect_view();
        Some(view! { <div class="grid gap-4 md:grid-cols-2">{cards}</div> })
    };

    let bridges = move || {
        let p = picture.get()?;
        let latest = p.trips.first().map(|t| t.index);
        let items = p
            .bridges
            .iter()
            .map(|b| {
                let r = b.relayer;
                let name = |i: usize| c_name(i, handle);
                let behind = b.source_height.saturating_sub(b.light_height);
                let wrapped = b
                    .wrapped
                    .iter()
                    .map(|(n, v)| format!("{n}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                view! {
                    <div id=format!("bridge-{r}") class="rounded-xl p-4 ring-1 ring-slate-200">
                        <div class="flex flex-wrap items-center justify-between gap-2">
                            <h3 class="text-base font-semibold">{i18n.t_args("bridge.relayer", &[("from", &name(b.from)), ("to", &name(b.to))])}</h3>
                            {if controls {
                                view! {
                                    <button type="button" id=format!("bridge-relayer-{r}") class=BTN2 aria-pressed=b.online.to_string()
                                        on:click={
                                            let online = b.online;
                                            move |_| apply(if online { IslandsAction::StopRelayer { relayer: r } } else { IslandsAction::StartRelayer { relayer: r } })
                                        }>
                                        {if b.online { i18n.t("bridge.online") } else { i18n.t("bridge.offline") }}
                                    </button>
                                }.into_any()
                            } else {
                                view! {
                                    <span id=format!("bridge-relayer-{r}") class="text-sm text-slate-700">
                                        {if b.online { i18n.t("bridge.online") } else { i18n.t("bridge.offline") }}
                                    </span>
                                }.into_any()
                            }}
                        </div>
                        <dl class="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-2">
                            <div><dt class="text-slate-600">{i18n.t_args("bridge.light", &[("name", &name(b.from)), ("on", &name(b.to))])}</dt>
                                <dd id=format!("bridge-light-{r}") class="font-mono">{i18n.t_args("bridge.light_value", &[("height", &b.light_height.to_string()), ("tip", &b.light_tip), ("behind", &behind.to_string())])}</dd></div>
                            <div><dt class="text-slate-600">{i18n.t("bridge.rule")}</dt>
                                <dd>{i18n.t_args("bridge.rule_value", &[("n", &b.min_confirmations.to_string()), ("period", &sim_time(b.period_ms))])}</dd></div>
                            <div><dt class="text-slate-600">{i18n.t_args("bridge.vault", &[("name", &name(b.from))])}</dt>
                                <dd id=format!("bridge-vault-{r}") class="font-mono">{b.vault_balance}</dd></div>
                            <div><dt class="text-slate-600">{i18n.t_args("bridge.wrapped", &[("name", &name(b.to))])}</dt>
                                <dd id=format!("bridge-supply-{r}") class="font-mono">{format!("{} ({wrapped})", b.supply)}</dd></div>
                        </dl>
                        {(!b.unclaimable.is_empty()).then(|| view! {
                            <div id=format!("bridge-unclaimable-{r}") class="mt-2 text-sm text-rose-900">
                                <p>{i18n.t_args("bridge.unclaimable", &[("n", &b.unclaimable.len().to_string()), ("name", &name(b.from))])}</p>
                                <ul class="font-mono text-xs">{b.unclaimable.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
                            </div>
                        })}
                    </div>
                }
            })
            .collect_view();
        let trips = p
            .trips
            .iter()
            .map(|t| {
                let fresh = Some(t.index) == latest;
                let text = match &t.failed {
                    Some(reason) => i18n.t_args("bridge.trip_failed", &[("reason", reason)]),
                    None => i18n.t_args("bridge.trip", &[
                        ("from", &c_name(t.from, handle)),
                        ("to", &c_name(t.to, handle)),
                        ("headers", &t.headers.to_string()),
                        ("heights", &t.heights.map(|(a, b)| format!("#{a}–#{b}")).unwrap_or_default()),
                        ("proofs", &t.proofs.to_string()),
                    ]),
                };
                view! {
                    <li class="flex items-center gap-3 border-b border-slate-100 py-1.5 text-sm">
                        <span class="w-20 shrink-0 font-mono text-xs text-slate-600">{sim_time(t.at_ms)}</span>
                        <svg viewBox="0 0 80 12" width="80" height="12" aria-hidden="true" class="shrink-0">
                            <line x1="4" y1="6" x2="76" y2="6" stroke="#94a3b8" stroke-width="2"/>
                            <circle cx="4" cy="6" r="4" fill={if t.proofs > 0 { "#b45309" } else { "#4338ca" }}>
                                {fresh.then(|| view! { <animate attributeName="cx" from="4" to="76" dur="1.2s" repeatCount="indefinite"/> })}
                            </circle>
                        </svg>
                        <span class=if t.failed.is_some() { "text-rose-900" } else { "text-slate-800" }>{text}</span>
                    </li>
                }
            })
            .collect_view();
        let mints = p
            .mints
            .iter()
            .map(|m| {
                let minted = m.minted.iter().map(|(n, v)| format!("{n} +{v}")).collect::<Vec<_>>().join(", ");
                view! {
                    <li class="border-b border-slate-100 py-1.5 text-sm">
                        {i18n.t_args("bridge.mint", &[
                            ("name", &c_name(m.chain, handle)),
                            ("height", &m.height.to_string()),
                            ("headers", &m.headers.to_string()),
                            ("minted", &if minted.is_empty() { "—".to_owned() } else { minted }),
                        ])}
                        {m.refused.iter().map(|r| view! { <span class="block text-rose-900">{r.clone()}</span> }).collect_view()}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <div class="mt-4 grid gap-4">{items}</div>
            <div class="mt-4 grid gap-4 md:grid-cols-2">
                <div>
                    <h3 class="text-sm font-semibold text-slate-900">{i18n.t("bridge.trips")}</h3>
                    <ol id="bridge-trips" class="mt-1">{trips}</ol>
                </div>
                <div>
                    <h3 class="text-sm font-semibold text-slate-900">{i18n.t("bridge.mints")}</h3>
                    <ol id="bridge-mints" class="mt-1">{mints}</ol>
                </div>
            </div>
        })
    };

    let lock = move |_| {
        let action = handle.with(|i| {
            lock_action(
                i,
                relayer(),
                &lock_from.get_untracked(),
                &lock_to.get_untracked(),
                &lock_amount.get_untracked(),
            )
        });
        match action {
            Some(Ok(a)) => apply(a),
            Some(Err(e)) => status.set(Some(Err(e))),
            None => {}
        }
    };
    let field = move |id: &'static str, key: &'static str, value: RwSignal<String>| {
        view! {
            <div class="w-32 grow sm:grow-0">
                <label for=id class=LABEL>{move || i18n.t(key)}</label>
                <input id=id class=INPUT prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </div>
        }
    };

    view! {
        <section class=CARD aria-labelledby="bridge-title">
            <h2 id="bridge-title" class=H2>{move || i18n.t("bridge.title")}</h2>
            <p class="mb-3 text-sm text-slate-700">{move || handle.with(|i| i18n.t_args("bridge.clock", &[("time", &sim_time(i.now_ms()))]))}</p>
            {chains}
            <div class="mt-4 flex flex-wrap items-end gap-2">
                {field("bridge-lock-from", "bridge.lock_from", lock_from)}
                {field("bridge-lock-to", "bridge.lock_to", lock_to)}
                {field("bridge-lock-amount", "bridge.lock_amount", lock_amount)}
                <button type="button" id="bridge-lock" class=BTN on:click=lock>{move || i18n.t("bridge.lock")}</button>
            </div>
            <div class="mt-3 flex flex-wrap items-end gap-2">
                {field("bridge-advance-ms", "network.advance_ms", advance)}
                <button type="button" id="bridge-advance" class=BTN2
                    on:click=move |_| {
                        match advance.get_untracked().trim().parse::<u64>() {
                            Ok(ms) => apply(IslandsAction::AdvanceTime { ms }),
                            Err(_) => status.set(Some(Err(i18n.t_untracked("network.bad_ms").to_owned()))),
                        }
                    }>
                    {move || i18n.t("network.advance")}
                </button>
            </div>
            <p class=HINT>{move || i18n.t("bridge.hint")}</p>
            <StatusLine status id="bridge-status"/>
            {bridges}
        </section>
    }
    .into_any()
}

/// The session's connected chains, read (tracked).
#[derive(Clone, Copy)]
struct IslandsRead(crate::play::PlayRead);

impl IslandsRead {
    fn with<R>(self, f: impl FnOnce(&Islands) -> R) -> Option<R> {
        self.0.with(|s| s.islands().map(f)).flatten()
    }
}

fn c_name(i: usize, handle: IslandsRead) -> String {
    handle
        .with(|x| x.config().chains.get(i).map(|c| c.name.clone()))
        .flatten()
        .unwrap_or_else(|| i.to_string())
}
