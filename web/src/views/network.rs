//! The network view: nodes and links, messages moving along them, each
//! node's tip; with `controls`, buttons to move time, split the network,
//! cut links, make nodes misbehave and mine. Logic: [`crate::labs::network`].

use std::time::Duration;

use leptos::prelude::*;
use sandbox_chain::world::{Action, Behaviour, NodeId, Until};

use crate::labs::events::behaviour_name;
use crate::labs::network::{
    LinkState, NODE_R, NetworkLayout, PlayClock, SIZE, SPEEDS, kind_colour, partitioned, visible,
};
use crate::play::{use_play, use_play_mut};
use crate::state::use_i18n;
use crate::ui::{BTN, BTN2, CARD, H2, HINT, INPUT, LABEL, SELECT};
use crate::views::world_kit::{NoWorld, Status, StatusLine, act, sim_time};

/// Frames per second of the animation.
const FRAME_MS: u64 = 50;
/// At most one world action per this many frames while playing.
const FRAMES_PER_ACTION: u32 = 4;
/// Playing stops when the session gets this close to its action limit.
const ACTION_MARGIN: usize = 200;

/// The network view. `show_messages`: draw messages in flight;
/// `controls`: offer the buttons.
#[component]
pub fn NetworkView(
    /// Draw messages in flight.
    #[prop(default = true)]
    show_messages: bool,
    /// Offer time, partition, link, behaviour and mining controls.
    #[prop(default = false)]
    controls: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let write = use_play_mut();
    let status: Status = RwSignal::new(None);
    let world_ms = Memo::new(move |_| read.with(|s| s.world().now_ms()).unwrap_or(0));
    let clock = RwSignal::new(PlayClock::new(world_ms.get_untracked(), SPEEDS[1]));
    let playing = RwSignal::new(false);
    let frames = StoredValue::new(0u32);

    // Keep the drawn moment at or after the world's clock.
    Effect::new(move |_| {
        let now = world_ms.get();
        clock.update(|c| c.sync(now));
    });

    // The timer: only while playing (an effect: it talks to the browser).
    Effect::new(move |prev: Option<Option<IntervalHandle>>| {
        if let Some(Some(h)) = prev {
            h.clear();
        }
        if !playing.get() {
            return None;
        }
        set_interval_with_handle(
            move || {
                let (now, next, actions) = read
                    .with_untracked(|s| {
                        (s.world().now_ms(), s.world().next_event_ms(), s.log().len())
                    })
                    .unwrap_or((0, None, 0));
                if actions + ACTION_MARGIN >= lessons::session::MAX_ACTIONS {
                    playing.set(false);
                    status.set(Some(Err(i18n.t_untracked("network.play_limit").to_owned())));
                    return;
                }
                let mut c = clock.get_untracked();
                let due = c.tick(FRAME_MS, now, next);
                clock.set(c);
                let n = frames.get_value().saturating_add(1);
                frames.set_value(n);
                if let Some(ms) = due
                    && n >= FRAMES_PER_ACTION
                {
                    frames.set_value(0);
                    act(write, status, Action::AdvanceTime { ms });
                }
            },
            Duration::from_millis(FRAME_MS),
        )
        .ok()
    });
    on_cleanup(move || playing.set(false));

    let layout = Memo::new(move |_| read.with(|s| NetworkLayout::of(s.world(), s.student())));
    let in_flight = Memo::new(move |_| {
        read.with(|s| s.world().messages_in_flight())
            .unwrap_or_default()
    });
    let cut_or_restore = move |a: NodeId, b: NodeId, state: LinkState| {
        let action = if state == LinkState::Cut {
            Action::RestoreLink { a, b }
        } else {
            Action::CutLink { a, b }
        };
        act(write, status, action);
    };

    let svg = move || {
        let layout = layout.get()?;
        let links = layout
            .links
            .iter()
            .map(|l| {
                let (a, b, state) = (l.a, l.b, l.state);
                let (stroke, dash, width) = match state {
                    LinkState::Up => ("#94a3b8", "", "3"),
                    LinkState::Cut => ("#be123c", "8 6", "3"),
                    LinkState::Partitioned => ("#d97706", "2 6", "3"),
                };
                let label = i18n.t_args(
                    match state {
                        LinkState::Up => "network.link_up",
                        LinkState::Cut => "network.link_cut",
                        LinkState::Partitioned => "network.link_partitioned",
                    },
                    &[("a", &a.0.to_string()), ("b", &b.0.to_string())],
                );
                let line = view! {
                    <line x1=l.from.0.to_string() y1=l.from.1.to_string() x2=l.to.0.to_string() y2=l.to.1.to_string()
                        stroke=stroke stroke-width=width stroke-dasharray=dash stroke-linecap="round"/>
                };
                if controls {
                    let aria = label.clone();
                    view! {
                        <g id=format!("net-link-{}-{}", a.0, b.0) role="button" tabindex="0" aria-label=aria
                            class="cursor-pointer outline-none focus-visible:opacity-70"
                            on:click=move |_| cut_or_restore(a, b, state)
                            on:keydown=move |ev| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    cut_or_restore(a, b, state);
                                }
                            }>
                            <title>{label}</title>
                            <line x1=l.from.0.to_string() y1=l.from.1.to_string() x2=l.to.0.to_string() y2=l.to.1.to_string()
                                stroke="transparent" stroke-width="18"/>
                            {line}
                        </g>
                    }
                    .into_any()
                } else {
                    view! { <g><title>{label}</title>{line}</g> }.into_any()
                }
            })
            .collect_view();
        let nodes = layout
            .nodes
            .iter()
            .map(|n| {
                let (fill, stroke) = match n.behaviour {
                    Behaviour::Honest if n.minority_tip => ("#fef3c7", "#b45309"),
                    Behaviour::Honest => ("#eef2ff", "#4338ca"),
                    Behaviour::Silent => ("#e2e8f0", "#475569"),
                    Behaviour::Withhold | Behaviour::Equivocate => ("#ffe4e6", "#be123c"),
                };
                let ring = n.student.then(|| {
                    view! { <circle cx=n.x.to_string() cy=n.y.to_string() r=(NODE_R + 6.0).to_string()
                        fill="none" stroke="#4338ca" stroke-width="2" stroke-dasharray="4 3"/> }
                });
                let title = i18n.t_args(
                    "network.node_title",
                    &[
                        ("node", &n.id.0.to_string()),
                        ("name", &n.name),
                        ("height", &n.height.to_string()),
                        ("tip", &n.tip),
                        ("behaviour", behaviour_name(n.behaviour)),
                    ],
                );
                view! {
                    <g id=format!("net-node-{}", n.id.0)>
                        <title>{title}</title>
                        {ring}
                        <circle cx=n.x.to_string() cy=n.y.to_string() r=NODE_R.to_string() fill=fill stroke=stroke stroke-width="2.5"/>
                        <text x=n.x.to_string() y=(n.y - 4.0).to_string() text-anchor="middle" font-size="15" font-weight="700" fill="#1e293b">
                            {n.id.0.to_string()}
                        </text>
                        <text x=n.x.to_string() y=(n.y + 13.0).to_string() text-anchor="middle" font-size="11" fill="#334155">
                            {format!("h{}", n.height)}
                        </text>
                        <text x=n.x.to_string() y=(n.y + NODE_R + 16.0).to_string() text-anchor="middle" font-size="11" font-family="ui-monospace, monospace" fill="#334155">
                            {n.tip.clone()}
                        </text>
                    </g>
                }
            })
            .collect_view();
        let messages = show_messages.then(|| {
            let at = clock.get().view_ms;
            let msgs = visible(&in_flight.get(), at);
            layout
                .messages(&msgs, at)
                .into_iter()
                .map(|m| {
                    let colour = kind_colour(m.kind);
                    let opacity = if m.lost { (1.0 - m.progress).max(0.15) } else { 1.0 };
                    view! {
                        <g class="net-msg" opacity=opacity.to_string() pointer-events="none">
                            <title>{format!("{} → {}: {}", m.from.0, m.to.0, m.summary)}</title>
                            <circle cx=m.x.to_string() cy=m.y.to_string() r="7" fill=colour stroke="white" stroke-width="1.5"/>
                        </g>
                    }
                })
                .collect_view()
        });
        Some(view! {
            <svg id="net-svg" viewBox=format!("0 0 {SIZE} {SIZE}") class="h-auto w-full max-w-xl"
                role="group" aria-label=i18n.t("network.svg_label")>
                {links}
                {messages}
                {nodes}
            </svg>
        })
    };

    let facts = move || {
        read.with(|s| {
            let w = s.world();
            let stats = w.stats();
            view! {
                <dl class="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
                    <div><dt class="text-slate-600">{i18n.t("network.time")}</dt><dd id="net-time" class="font-mono">{sim_time(w.now_ms())}</dd></div>
                    <div><dt class="text-slate-600">{i18n.t("network.in_flight")}</dt><dd id="net-in-flight" class="font-mono">{w.in_flight_count()}</dd></div>
                    <div><dt class="text-slate-600">{i18n.t("network.events")}</dt><dd class="font-mono">{stats.events}</dd></div>
                    <div><dt class="text-slate-600">{i18n.t("network.agree")}</dt><dd id="net-agree" class="font-mono">
                        {if w.tips_agree() { i18n.t("network.yes") } else { i18n.t("network.no") }}
                    </dd></div>
                </dl>
            }
        })
    };

    let legend = view! {
        <ul class="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
            {["block", "inv", "tx", "proposal", "prevote", "precommit"].into_iter().map(|k| view! {
                <li class="flex items-center gap-1.5">
                    <svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5" fill=kind_colour(k)/></svg>
                    {k}
                </li>
            }).collect_view()}
            <li class="flex items-center gap-1.5"><span class="inline-block h-0.5 w-5 border-t-2 border-dashed border-rose-700"></span>{move || i18n.t("network.legend_cut")}</li>
            <li class="flex items-center gap-1.5"><span class="inline-block h-0.5 w-5 border-t-2 border-dotted border-amber-600"></span>{move || i18n.t("network.legend_partitioned")}</li>
            <li class="flex items-center gap-1.5"><span class="inline-block h-3 w-3 rounded-full bg-amber-100 ring-1 ring-amber-700"></span>{move || i18n.t("network.legend_minority")}</li>
        </ul>
    };

    let panel = controls.then(|| view! { <NetworkControls playing clock status/> });

    view! {
        <section class=CARD aria-labelledby="net-title">
            <h2 id="net-title" class=H2>{move || i18n.t("network.title")}</h2>
            {move || if read.is_playing() { ().into_any() } else { view! { <NoWorld/> }.into_any() }}
            {facts}
            <div class="mt-3 flex justify-center">{svg}</div>
            {legend}
            <p class=HINT>{move || if controls { i18n.t("network.hint_controls") } else { i18n.t("network.hint") }}</p>
            {panel}
            <StatusLine status id="net-status"/>
        </section>
    }
}

/// The buttons of the network view.
#[component]
fn NetworkControls(
    playing: RwSignal<bool>,
    clock: RwSignal<PlayClock>,
    status: Status,
) -> impl IntoView {
    let i18n = use_i18n();
    let read = use_play();
    let write = use_play_mut();
    let advance = RwSignal::new(String::from("1000"));
    let until = RwSignal::new(String::from("10000"));
    let group = RwSignal::new(std::collections::BTreeSet::<u32>::new());
    let ids = Memo::new(move |_| {
        read.with(|s| s.world().node_ids().map(|n| n.0).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let number = move |s: RwSignal<String>| -> Option<u64> {
        match s.get_untracked().trim().parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                status.set(Some(Err(i18n.t_untracked("network.bad_ms").to_owned())));
                None
            }
        }
    };

    let time_row = view! {
        <div class="flex flex-wrap items-end gap-2">
            <button type="button" id="net-play" class=BTN aria-pressed=move || playing.get().to_string()
                on:click=move |_| playing.update(|p| *p = !*p)>
                {move || if playing.get() { i18n.t("network.pause") } else { i18n.t("network.play") }}
            </button>
            <div>
                <label for="net-speed" class=LABEL>{move || i18n.t("network.speed")}</label>
                <select id="net-speed" class=SELECT
                    on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>()
                            && let Some(s) = SPEEDS.get(i)
                        {
                            clock.update(|c| c.speed = *s);
                        }
                    }>
                    {SPEEDS.iter().enumerate().map(|(i, s)| view! {
                        <option value=i.to_string() selected=i == 1>{format!("×{}", *s as f64 / 1000.0)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="button" id="net-step" class=BTN2
                on:click=move |_| { act(write, status, Action::Step { events: 1 }); }>
                {move || i18n.t("network.step")}
            </button>
            <button type="button" id="net-idle" class=BTN2
                on:click=move |_| { act(write, status, Action::RunUntil { until: Until::Idle, max_events: 100_000 }); }>
                {move || i18n.t("network.run_idle")}
            </button>
        </div>
        <div class="mt-3 flex flex-wrap items-end gap-2">
            <div class="w-32">
                <label for="net-advance-ms" class=LABEL>{move || i18n.t("network.advance_ms")}</label>
                <input id="net-advance-ms" class=INPUT inputmode="numeric" prop:value=move || advance.get()
                    on:input=move |ev| advance.set(event_target_value(&ev))/>
            </div>
            <button type="button" id="net-advance" class=BTN2
                on:click=move |_| if let Some(ms) = number(advance) { act(write, status, Action::AdvanceTime { ms }); }>
                {move || i18n.t("network.advance")}
            </button>
            <div class="w-32">
                <label for="net-until-ms" class=LABEL>{move || i18n.t("network.until_ms")}</label>
                <input id="net-until-ms" class=INPUT inputmode="numeric" prop:value=move || until.get()
                    on:input=move |ev| until.set(event_target_value(&ev))/>
            </div>
            <button type="button" id="net-until" class=BTN2
                on:click=move |_| if let Some(ms) = number(until) {
                    act(write, status, Action::RunUntil { until: Until::Time { ms }, max_events: 1_000_000 });
                }>
                {move || i18n.t("network.run_until")}
            </button>
        </div>
    };

    let partition_row = move || {
        let split = read.with(|s| partitioned(s.world())).unwrap_or(false);
        let boxes = ids
            .get()
            .into_iter()
            .map(|n| {
                let id = format!("net-group-{n}");
                let for_id = id.clone();
                view! {
                    <label for=for_id class="inline-flex items-center gap-1.5 rounded-lg px-2 py-1 text-sm ring-1 ring-slate-300">
                        <input type="checkbox" id=id prop:checked=move || group.get().contains(&n)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                group.update(|g| { if on { g.insert(n); } else { g.remove(&n); } });
                            }/>
                        {n}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="mt-4">
                <legend class=LABEL>{i18n.t("network.partition_legend")}</legend>
                <div class="flex flex-wrap items-center gap-2">
                    {boxes}
                    <button type="button" id="net-partition" class=BTN2
                        on:click=move |_| {
                            let g: Vec<NodeId> = group.get_untracked().into_iter().map(NodeId).collect();
                            if g.is_empty() {
                                status.set(Some(Err(i18n.t_untracked("network.pick_group").to_owned())));
                            } else {
                                act(write, status, Action::Partition { groups: vec![g] });
                            }
                        }>
                        {i18n.t("network.partition")}
                    </button>
                    <button type="button" id="net-heal" class=BTN2 disabled=!split
                        on:click=move |_| { act(write, status, Action::Heal); }>
                        {i18n.t("network.heal")}
                    </button>
                </div>
            </fieldset>
        }
    };

    let links_list = move || {
        let layout =
            read.with(|s| crate::labs::network::NetworkLayout::of(s.world(), s.student()))?;
        let items = layout
            .links
            .into_iter()
            .map(|l| {
                let (a, b, state) = (l.a, l.b, l.state);
                let label = match state {
                    LinkState::Up => i18n.t("network.cut"),
                    LinkState::Cut => i18n.t("network.restore"),
                    LinkState::Partitioned => i18n.t("network.cut"),
                };
                let state_text = match state {
                    LinkState::Up => i18n.t("network.state_up"),
                    LinkState::Cut => i18n.t("network.state_cut"),
                    LinkState::Partitioned => i18n.t("network.state_partitioned"),
                };
                view! {
                    <li class="flex items-center justify-between gap-2 py-1 text-sm">
                        <span>{format!("{} ↔ {}", a.0, b.0)}" · "<span class="text-slate-600">{state_text}</span></span>
                        <button type="button" id=format!("net-toggle-{}-{}", a.0, b.0)
                            class="rounded-md px-2 py-1 text-xs font-semibold text-indigo-800 ring-1 ring-indigo-300 hover:bg-indigo-50"
                            on:click=move |_| {
                                let action = if state == LinkState::Cut { Action::RestoreLink { a, b } } else { Action::CutLink { a, b } };
                                act(write, status, action);
                            }>
                            {label}<span class="sr-only">{format!(" {} ↔ {}", a.0, b.0)}</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <details class="mt-4">
                <summary class="cursor-pointer text-sm font-semibold text-slate-800">{i18n.t("network.links")}</summary>
                <ul class="mt-2 grid gap-x-6 sm:grid-cols-2">{items}</ul>
            </details>
        })
    };

    let nodes_table = move || {
        let rows = read
            .with(|s| {
                s.world()
                    .node_ids()
                    .filter_map(|n| s.world().node_view(n))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                let node = v.id;
                let sel = format!("net-behaviour-{}", node.0);
                view! {
                    <tr>
                        <td class="py-1.5 pr-3 text-sm font-medium">{format!("{} · {}", node.0, v.name)}</td>
                        <td class="py-1.5 pr-3 font-mono text-sm">{format!("h{} {}", v.height, v.tip.short())}</td>
                        <td class="py-1.5 pr-3">
                            <label for=sel.clone() class="sr-only">{i18n.t_args("network.behaviour_of", &[("node", &node.0.to_string())])}</label>
                            <select id=sel class="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                                on:change=move |ev| {
                                    let b = match event_target_value(&ev).as_str() {
                                        "silent" => Behaviour::Silent,
                                        "withhold" => Behaviour::Withhold,
                                        "equivocate" => Behaviour::Equivocate,
                                        _ => Behaviour::Honest,
                                    };
                                    act(write, status, Action::SetBehaviour { node, behaviour: b });
                                }>
                                {[Behaviour::Honest, Behaviour::Withhold, Behaviour::Silent, Behaviour::Equivocate].into_iter().map(|b| view! {
                                    <option value=behaviour_name(b) selected=b == v.behaviour>{i18n.t(behaviour_key(b))}</option>
                                }).collect_view()}
                            </select>
                        </td>
                        <td class="py-1.5">
                            <button type="button" id=format!("net-mine-{}", node.0)
                                class="rounded-md bg-indigo-600 px-2.5 py-1 text-xs font-semibold text-white hover:bg-indigo-700"
                                on:click=move |_| { act(write, status, Action::Mine { node }); }>
                                {i18n.t("network.mine")}<span class="sr-only">{format!(" ({})", node.0)}</span>
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="mt-4 overflow-x-auto" tabindex="0" role="region" aria-label=i18n.t("network.nodes")>
                <table class="w-full text-left">
                    <caption class="mb-1 text-left text-sm font-semibold text-slate-800">{i18n.t("network.nodes")}</caption>
                    <thead><tr class="text-xs text-slate-600">
                        <th scope="col" class="pr-3 font-medium">{i18n.t("network.col_node")}</th>
                        <th scope="col" class="pr-3 font-medium">{i18n.t("network.col_tip")}</th>
                        <th scope="col" class="pr-3 font-medium">{i18n.t("network.col_behaviour")}</th>
                        <th scope="col" class="font-medium">{i18n.t("network.col_mine")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };

    view! {
        <div class="mt-4 border-t border-slate-200 pt-4">
            {time_row}
            {partition_row}
            {links_list}
            {nodes_table}
        </div>
    }
}

/// The message key of a behaviour's name.
pub fn behaviour_key(b: Behaviour) -> &'static str {
    match b {
        Behaviour::Honest => "behaviour.honest",
        Behaviour::Silent => "behaviour.silent",
        Behaviour::Withhold => "behaviour.withhold",
        Behaviour::Equivocate => "behaviour.equivocate",
    }
}
