//! The playground: the world views outside lessons. Opening `#/network`
//! (and the other world routes) plays a default world ([`WorldKind`]) as a
//! session of a step-less lesson, set through [`crate::play::PlayWrite::set`];
//! if a lesson is being played, its world is shown instead (and the student
//! may open a playground world). `#/bridge` plays connected chains
//! ([`WorldKind::Islands`]) the same way.

use leptos::prelude::*;

use crate::labs::playground::WorldKind;
use crate::play::{use_play, use_play_mut};
use crate::state::use_i18n;
use crate::ui::{BAD, BTN2};
/// What is being played, as the playground sees it.
fn playing_now() -> Option<String> {
    use_play().with_untracked(|s| s.transcript().lesson)
}

/// Plays a `kind` world unless one (or a lesson) is already being played,
/// and shows `children` over it, with a button for a fresh world.
#[component]
pub fn Playground(
    /// The default world.
    kind: WorldKind,
    /// The views.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_play_mut();
    let error = RwSignal::new(None::<String>);
    let fresh = move || match kind.session() {
        Ok(s) => write.set(Some(s)),
        Err(e) => error.set(Some(e)),
    };
    let lesson = match playing_now() {
        None => {
            fresh();
            None
        }
        Some(id) => match WorldKind::of_lesson(&id) {
            Some(k) if k == kind => None,
            Some(_) => {
                fresh();
                None
            }
            None => Some(id),
        },
    };
    let in_lesson = RwSignal::new(lesson);
    let banner = move || {
        in_lesson.get().map(|id| view! {
            <p class="mb-4 rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-950 ring-1 ring-indigo-200">
                {i18n.t_args("playground.lesson", &[("lesson", &id)])}
            </p>
        })
    };
    view! {
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-slate-700">{move || i18n.t(match kind {
                WorldKind::Pow => "playground.pow",
                WorldKind::Bft => "playground.bft",
                WorldKind::Islands => "playground.islands",
            })}</p>
            <button type="button" id="playground-reset" class=BTN2
                on:click=move |_| { fresh(); in_lesson.set(None); }>
                {move || i18n.t("playground.reset")}
            </button>
        </div>
        {banner}
        {move || error.get().map(|e| view! { <p class=BAD>{e}</p> })}
        <div class="grid gap-5">{children()}</div>
    }
}
