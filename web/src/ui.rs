//! Shared class names (Tailwind-compatible utilities; `cargo xtask` turns the
//! ones used in web/'s sources into the stylesheet with encre-css) and small
//! presentational components.

use leptos::prelude::*;

use crate::state::use_i18n;

/// A white card.
pub const CARD: &str = "rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200";
/// A card's heading.
pub const H2: &str = "mb-3 text-base font-semibold text-slate-900";
/// A form label.
pub const LABEL: &str = "mb-1 block text-sm font-medium text-slate-700";
/// A text field.
pub const INPUT: &str = "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-200";
/// A select box.
pub const SELECT: &str = "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-200";
/// The main button.
pub const BTN: &str = "inline-flex items-center justify-center gap-2 rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50";
/// A secondary button.
pub const BTN2: &str = "inline-flex items-center justify-center gap-2 rounded-lg bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50";
/// A danger button.
pub const BTN_DANGER: &str = "inline-flex items-center justify-center gap-2 rounded-lg bg-rose-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-rose-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-rose-700";
/// Small print under a field.
pub const HINT: &str = "mt-1 text-sm text-slate-600";
/// Monospace hashes and hex.
pub const MONO: &str = "font-mono text-sm break-all text-slate-800";
/// A good outcome.
pub const OK: &str = "rounded-lg bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800 ring-1 ring-emerald-200";
/// A bad outcome.
pub const BAD: &str =
    "rounded-lg bg-rose-50 px-3 py-2 text-sm font-medium text-rose-800 ring-1 ring-rose-200";
/// A neutral outcome.
pub const NEUTRAL: &str =
    "rounded-lg bg-slate-100 px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-200";
/// A table.
pub const TABLE: &str = "w-full text-left text-sm";
/// A table header cell.
pub const TH: &str = "border-b border-slate-200 py-2 pr-3 font-semibold text-slate-700";
/// A table cell.
pub const TD: &str = "border-b border-slate-100 py-2 pr-3 text-slate-800";

/// A view's title and introduction.
#[component]
pub fn ViewHeader(
    /// The title's message key.
    title: &'static str,
    /// The introduction's message key.
    intro: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="mb-6">
            <h1 class="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">
                {move || i18n.t(title)}
            </h1>
            <p class="mt-2 max-w-3xl text-base text-slate-600">{move || i18n.t(intro)}</p>
        </header>
    }
}

/// A labelled key/value row in a definition list.
#[component]
pub fn Row(
    /// The label's message key.
    label: &'static str,
    /// The value.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="grid grid-cols-1 gap-1 border-b border-slate-100 py-2 sm:grid-cols-[9rem_1fr] sm:gap-3">
            <dt class="text-sm font-medium text-slate-600">{move || i18n.t(label)}</dt>
            <dd class=MONO>{children()}</dd>
        </div>
    }
}

/// A small secondary button.
pub const BTN_SM: &str = "inline-flex items-center justify-center gap-1 rounded-lg bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50";
/// A card's smaller heading (inside a lesson, under the step's).
pub const H3: &str = "mb-3 text-base font-semibold text-slate-900";

/// A fresh id prefix for one view's elements (`hash-3`): a lesson step can
/// show the same view twice, and labels need ids unique on the page.
pub fn uid(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A card in a lesson: a titled section, with `data-view` naming the view.
#[component]
pub fn LessonCard(
    /// The view's name (`hash`, `wallet`, ...).
    name: &'static str,
    /// The title's message key.
    title: &'static str,
    /// Text after the title (a node's name), if any.
    #[prop(optional, into)]
    suffix: Signal<String>,
    /// The content.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = uid(name);
    view! {
        <section class=CARD data-view=name aria-labelledby=heading.clone()>
            <h3 id=heading.clone() class=H3>
                {move || i18n.t(title)}
                {move || {
                    let s = suffix.get();
                    (!s.is_empty()).then(|| view! { <span class="font-normal text-slate-600">" · "{s}</span> })
                }}
            </h3>
            {children()}
        </section>
    }
}
