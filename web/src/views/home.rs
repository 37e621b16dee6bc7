//! The home page: what ChainLab is, and a card per view.

use leptos::prelude::*;

use crate::player::links::{BOOK_INDEX, LESSONS_ROUTE};
use crate::state::use_i18n;
use crate::views::REGISTRY;

/// The home page.
#[component]
pub fn HomeView() -> impl IntoView {
    let i18n = use_i18n();
    let cards = REGISTRY
        .iter()
        .filter(|spec| spec.in_nav)
        .enumerate()
        .map(|(number, spec)| {
            let href = format!("#/{}", spec.name);
            view! {
                <a href=href class="group block rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200 hover:ring-indigo-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
                    <span class="text-sm font-semibold text-indigo-700">{format!("{:02}", number + 1)}</span>
                    <h2 class="mt-1 text-lg font-semibold text-slate-900 group-hover:text-indigo-700">
                        {move || i18n.t(spec.title_key)}
                    </h2>
                    <p class="mt-1 text-sm text-slate-600">{move || i18n.t(spec.summary_key)}</p>
                </a>
            }
        })
        .collect_view();
    view! {
        <section class="mb-8 rounded-3xl bg-gradient-to-br from-indigo-700 to-violet-700 px-6 py-10 text-white shadow-md sm:px-10">
            <h1 class="text-3xl font-bold tracking-tight sm:text-4xl">{move || i18n.t("home.title")}</h1>
            <p class="mt-3 max-w-2xl text-lg text-indigo-50">{move || i18n.t("home.intro")}</p>
            <div class="mt-6 flex flex-wrap gap-3">
                <a href=format!("#/{LESSONS_ROUTE}") id="home-lessons" class="inline-flex items-center rounded-lg bg-white px-4 py-2 text-sm font-semibold text-indigo-800 shadow-sm hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
                    {move || i18n.t("home.lessons")}
                </a>
                <a href="#/hash" class="inline-flex items-center rounded-lg px-4 py-2 text-sm font-semibold text-white ring-1 ring-white/70 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
                    {move || i18n.t("home.start")}
                </a>
                <a href=BOOK_INDEX id="home-book" class="inline-flex items-center rounded-lg px-4 py-2 text-sm font-semibold text-white underline underline-offset-4 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
                    {move || i18n.t("home.book")}
                </a>
            </div>
        </section>
        <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">{cards}</div>
    }
}
