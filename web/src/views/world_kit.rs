//! Small pieces the world views share: applying an action and saying what
//! came of it, choosing a node, and the note shown when no world is open.

use leptos::prelude::*;
use lessons::{Applied, Done, LessonAction};
use sandbox_chain::world::{Action, NodeId};

use crate::play::{PlayRead, PlayWrite};
use crate::state::use_i18n;
use crate::ui::{BAD, LABEL, NEUTRAL, OK, SELECT};

/// What the last button did: `Ok(text)` or `Err(reason)`.
pub type Status = RwSignal<Option<Result<String, String>>>;

/// Applies a world action through the session and records the outcome in
/// `status` (a refusal's reason comes from the library).
pub fn act(write: PlayWrite, status: Status, action: Action) -> Option<Applied> {
    match write.apply(LessonAction::World(action)) {
        Ok(applied) => {
            status.set(Some(match &applied.result {
                Ok(Done::World(outcome)) => Ok(outcome_text(outcome)),
                Ok(Done::Tool(_)) => Ok(String::new()),
                Err(reason) => Err(reason.clone()),
            }));
            Some(applied)
        }
        Err(reason) => {
            status.set(Some(Err(reason)));
            None
        }
    }
}

/// A short, plain account of an accepted action (numbers only: the view
/// translates the words around them).
fn outcome_text(o: &sandbox_chain::world::ActionOutcome) -> String {
    let mut parts = vec![format!("{} events", o.events)];
    if let Some(b) = &o.block {
        parts.push(format!("block {}", b.short()));
    }
    if let Some(t) = &o.txid {
        parts.push(format!("tx {}", t.short()));
    }
    if let Some(c) = &o.contract {
        parts.push(format!("contract {}", c.to_hex()));
    }
    parts.join(" · ")
}

/// The line under a view's buttons saying what the last one did.
#[component]
pub fn StatusLine(
    /// The status.
    status: Status,
    /// The element id (tests read it).
    id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        status.get().map(|s| match s {
            Ok(text) => view! {
                <p id=id role="status" class=format!("{OK} mt-3")>
                    {i18n.t("world.done")}" "<span class="font-mono text-xs">{text}</span>
                </p>
            }
            .into_any(),
            Err(reason) => view! {
                <p id=id role="alert" class=format!("{BAD} mt-3")>
                    {i18n.t("world.refused")}" "{reason}
                </p>
            }
            .into_any(),
        })
    }
}

/// Shown instead of a world view when nothing is being played.
#[component]
pub fn NoWorld() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class=NEUTRAL>{move || i18n.t("world.none")}</p> }
}

/// The node a view shows: `fixed` if the settings name one, else the
/// student's; the select changes it locally (not an action).
#[component]
pub fn NodePicker(
    /// The node shown.
    chosen: RwSignal<Option<NodeId>>,
    /// The session.
    read: PlayRead,
    /// The select's id.
    id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let options = move || {
        let names = read
            .with(|s| {
                s.world()
                    .node_ids()
                    .filter_map(|n| s.world().node_view(n).map(|v| (n, v.name)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let current = chosen
            .get()
            .or_else(|| read.with(|s| s.student()))
            .unwrap_or_default();
        names
            .into_iter()
            .map(|(n, name)| {
                view! {
                    <option value=n.0.to_string() selected=n == current>
                        {format!("{} · {name}", n.0)}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <div class="min-w-40">
            <label for=id class=LABEL>{move || i18n.t("world.node")}</label>
            <select id=id class=SELECT
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                        chosen.set(Some(NodeId(n)));
                    }
                }>
                {options}
            </select>
        </div>
    }
}

/// The node shown: the picker's choice, else the settings', else the
/// student's.
pub fn shown_node(read: PlayRead, chosen: RwSignal<Option<NodeId>>) -> NodeId {
    chosen
        .get()
        .or_else(|| read.with(|s| s.student()))
        .unwrap_or_default()
}

/// Simulated time for display.
pub fn sim_time(ms: u64) -> String {
    crate::labs::events::time_text(ms)
}
