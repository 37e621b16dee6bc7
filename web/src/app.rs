//! The app shell: loads stored state, provides context, routes by the
//! address fragment, and keeps storage in sync.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::Lang;
use crate::play::provide_play;
use crate::player::Course;
use crate::player::links::{BOOK_INDEX, LESSONS_ROUTE, PlayerRoute, route_lang};
use crate::registry::{ViewSettings, parse_route};
use crate::state::{
    CourseWrite, DismissNotices, I18n, LabsRead, Notices, SetLang, WorkRead, provide_course,
    provide_i18n, provide_labs, provide_notices, provide_work, use_i18n,
};
use crate::store::{self, BACKUP_KEY, Notice, STORAGE_KEY, Saved};
use crate::views::lesson_list::LessonList;
use crate::views::player::LessonPage;
use crate::views::{REGISTRY, render};
use crate::workers::provide_miner;

/// The `<meta>` naming the course bundle's address (written by `cargo xtask
/// dist`; relative to the page).
pub const COURSE_META: &str = "chainlab-course";

/// What the address names.
#[derive(Clone, Debug, PartialEq)]
enum Page {
    /// A view of the registry (or the home page).
    View(String, ViewSettings),
    /// The lesson list or a lesson.
    Player(PlayerRoute),
}

impl Page {
    fn of(name: &str, settings: &ViewSettings) -> Page {
        match PlayerRoute::parse(name) {
            Some(route) => Page::Player(route),
            None => Page::View(name.to_owned(), settings.clone()),
        }
    }
}

/// Fetches the course bundle named by the page's `<meta name="chainlab-course">`.
pub fn fetch_course(set: CourseWrite) {
    set.0.set(Course::Loading);
    let Some(url) = browser::meta_content(COURSE_META) else {
        set.0.set(Course::Failed(format!(
            "this page does not say where the course is (no <meta name=\"{COURSE_META}\">)"
        )));
        return;
    };
    leptos::task::spawn_local(async move {
        let course = match browser::fetch_text(&url).await {
            Ok(json) => Course::from_json(&json),
            Err(e) => Course::Failed(e),
        };
        set.0.set(course);
    });
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let stored = browser::storage_get(STORAGE_KEY);
    let loaded = store::load(stored.as_deref());
    if !loaded.notices.is_empty()
        && let Some(text) = &stored
    {
        // Keep what could not be read, for a teacher to look at.
        browser::storage_set(BACKUP_KEY, text);
    }
    let first_route = parse_route(&browser::location_hash());
    let lang_choice = RwSignal::new(route_lang(&first_route.1).or(loaded.saved.lang));
    let initial = lang_choice
        .get_untracked()
        .unwrap_or_else(|| Lang::from_browser(&browser::navigator_language()));
    let (i18n, set_lang) = provide_i18n(initial);
    let work = provide_work(loaded.saved.lessons.clone());
    let (labs, labs_write) = provide_labs(loaded.saved, loaded.wallet);
    provide_notices(loaded.notices);
    provide_miner();
    provide_play();
    let (_, set_course) = provide_course();
    provide_context(lang_choice);
    fetch_course(set_course);

    let (route, set_route) = signal(first_route);
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(parse_route(&browser::location_hash()));
    });
    on_cleanup(move || handle.remove());

    // The outside world: the page's language, storage, progress.
    Effect::new(move |_| browser::set_document_lang(i18n.lang().code()));
    // `?lang=zh-CN` (the book links to lessons so) selects the language.
    Effect::new(move |_| {
        if let Some(lang) = route.with(|(_, settings)| route_lang(settings)) {
            set_lang.0.set(lang);
            lang_choice.set(Some(lang));
        }
    });
    Effect::new(move |_| {
        let name = route.with(|(name, _)| name.clone());
        if !name.is_empty() && !labs.progress.with(|p| p.visited.contains(&name)) {
            labs_write.progress.update(|p| {
                p.visited.insert(name);
            });
        }
    });
    Effect::new(move |_| save(labs, work.0, lang_choice.get()));

    let name = Memo::new(move |_| route.with(|(name, _)| name.clone()));
    let page = Memo::new(move |_| route.with(|(name, settings)| Page::of(name, settings)));
    let view = move || match page.get() {
        Page::View(name, settings) => render(&name, settings),
        Page::Player(PlayerRoute::List) => view! { <LessonList/> }.into_any(),
        Page::Player(PlayerRoute::Lesson(id)) => view! { <LessonPage id/> }.into_any(),
    };
    view! {
        <div class="min-h-screen bg-slate-50 text-slate-900">
            <Header current=name/>
            <main id="main" tabindex="-1" class="mx-auto max-w-6xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
                <NoticeList/>
                {view}
            </main>
            <footer class="mx-auto max-w-6xl px-4 pb-8 text-sm text-slate-600 sm:px-6">
                {move || i18n.t("app.footer")}
            </footer>
        </div>
    }
}

fn save(labs: LabsRead, work: WorkRead, lang: Option<Lang>) {
    let saved = Saved {
        lessons: work.0.get(),
        lang,
        progress: labs.progress.get(),
        hash: labs.hash.get(),
        keys: labs.keys.get(),
        block: labs.block.get(),
        chain: labs.chain.get(),
        merkle: labs.merkle.get(),
    };
    let json = labs.wallet.with(|wallet| store::to_json(&saved, wallet));
    browser::storage_set(STORAGE_KEY, &json);
}

/// The top bar: name, navigation, language switch.
#[component]
fn Header(current: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let lessons_link = nav_link(i18n, LESSONS_ROUTE, "nav.lessons", move || {
        current.with(|c| PlayerRoute::parse(c).is_some())
    });
    // Two groups: the single-chain labs and the world views. Very wide
    // screens show both in a row; narrower ones a "Views" menu that opens
    // a grid (a drop-down panel from `lg` up).
    let link = move |spec: &'static crate::registry::ViewSpec, wide: bool| {
        let href = format!("#/{}", spec.name);
        let active = move || current.get() == spec.name;
        let base = if wide {
            "whitespace-nowrap rounded-lg px-3 py-2 text-sm"
        } else {
            "block rounded-lg px-3 py-2 text-sm"
        };
        view! {
            <a href=href
                aria-current=move || active().then_some("page")
                class=move || if active() {
                    format!("{base} bg-indigo-600 font-semibold text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600")
                } else {
                    format!("{base} font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600")
                }>
                {move || i18n.t(spec.title_key)}
            </a>
        }
    };
    let group = move |world: bool, wide: bool| {
        REGISTRY
            .iter()
            .filter(move |spec| spec.in_nav && spec.needs_world == world)
            .map(move |spec| link(spec, wide))
            .collect_view()
    };
    let menu_open = RwSignal::new(false);
    Effect::new(move |_| {
        current.track();
        menu_open.set(false);
    });
    // "Views · Network" on a view's page, just "Views" elsewhere.
    let current_title = move || {
        crate::views::find(&current.get()).map(|spec| format!(" · {}", i18n.t(spec.title_key)))
    };
    let links = view! {
        <div class="hidden flex-wrap items-center gap-1 2xl:flex">
            <span class="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600">{move || i18n.t("nav.labs")}</span>
            {group(false, true)}
            <span class="ml-2 border-l border-slate-200 px-2 text-xs font-semibold uppercase tracking-wide text-slate-600">{move || i18n.t("nav.world")}</span>
            {group(true, true)}
        </div>
        <details class="order-last w-full lg:relative lg:order-none lg:w-auto 2xl:hidden" prop:open=move || menu_open.get()
            on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                    menu_open.set(d.open());
                }
            }>
            <summary id="nav-menu" class="flex cursor-pointer items-center justify-between gap-2 rounded-lg bg-slate-100 px-3 py-2 text-sm font-semibold text-slate-900">
                <span>{move || i18n.t("app.nav")}{current_title}</span>
                <span aria-hidden="true">"▾"</span>
            </summary>
            <div class="mt-2 grid gap-3 rounded-xl bg-white p-3 ring-1 ring-slate-200 sm:grid-cols-2 lg:absolute lg:left-0 lg:z-20 lg:w-[34rem] lg:shadow-lg">
                <div>
                    <p class="px-3 text-xs font-semibold uppercase tracking-wide text-slate-600">{move || i18n.t("nav.labs")}</p>
                    <div class="grid grid-cols-2 gap-1">{group(false, false)}</div>
                </div>
                <div>
                    <p class="px-3 text-xs font-semibold uppercase tracking-wide text-slate-600">{move || i18n.t("nav.world")}</p>
                    <div class="grid grid-cols-2 gap-1">{group(true, false)}</div>
                </div>
            </div>
        </details>
    };
    let book = view! {
        <a href=BOOK_INDEX id="nav-book"
            class="whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium text-slate-700 underline decoration-slate-300 underline-offset-4 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            {move || i18n.t("nav.book")}
        </a>
    };
    let skip = move |_| {
        if let Some(main) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main"))
        {
            use wasm_bindgen::JsCast;
            if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
                let _ = main.focus();
            }
        }
    };
    view! {
        <header class="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur">
            <button type="button" on:click=skip
                class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded-lg focus:bg-indigo-700 focus:px-3 focus:py-2 focus:text-white">
                {move || i18n.t("app.skip")}
            </button>
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
                <a href="#/" class="flex items-center gap-2 rounded-lg text-lg font-bold text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
                    <span class="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-indigo-600" aria-hidden="true">
                        <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="white" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                            <rect x="3" y="3" width="8" height="8" rx="2"/>
                            <rect x="13" y="13" width="8" height="8" rx="2"/>
                            <path d="M11 7h3a3 3 0 0 1 3 3v3"/>
                        </svg>
                    </span>
                    "ChainLab"
                </a>
                <nav aria-label=move || i18n.t("app.nav") class="order-3 flex w-full flex-wrap items-center gap-1 md:order-none md:w-auto md:flex-1">
                    {lessons_link}
                    {links}
                    {book}
                </nav>
                <LangSwitch/>
            </div>
        </header>
    }
}

/// One link of the navigation, highlighted while `active`.
fn nav_link(
    i18n: I18n,
    name: &'static str,
    title_key: &'static str,
    active: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <a href=format!("#/{name}") id=format!("nav-{name}")
            aria-current=move || active().then_some("page")
            class=move || if active() {
                "whitespace-nowrap rounded-lg bg-indigo-600 px-3 py-2 text-sm font-semibold text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            } else {
                "whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            }>
            {move || i18n.t(title_key)}
        </a>
    }
}

/// English / 简体中文 buttons.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n: I18n = use_i18n();
    let set_lang: SetLang = expect_context();
    let choice: RwSignal<Option<Lang>> = expect_context();
    let buttons = Lang::ALL
        .iter()
        .map(|lang| {
            let lang = *lang;
            let pressed = move || i18n.lang() == lang;
            view! {
                <button type="button" id=format!("lang-{}", lang.code()) lang=lang.code()
                    aria-pressed=move || pressed().to_string()
                    class=move || if pressed() {
                        "rounded-md bg-white px-2.5 py-1 text-sm font-semibold text-slate-900 shadow-sm"
                    } else {
                        "rounded-md px-2.5 py-1 text-sm font-medium text-slate-600 hover:text-slate-900"
                    }
                    on:click=move |_| {
                        set_lang.0.set(lang);
                        choice.set(Some(lang));
                    }>
                    {lang.native_name()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div role="group" aria-label=move || i18n.t("app.language") class="ml-auto flex gap-1 rounded-lg bg-slate-100 p-1">
            {buttons}
        </div>
    }
}

/// Messages about stored data that could not be used.
#[component]
fn NoticeList() -> impl IntoView {
    let i18n = use_i18n();
    let notices: Notices = expect_context();
    let dismiss: DismissNotices = expect_context();
    move || {
        let list = notices.0.get();
        (!list.is_empty()).then(|| {
            let items = list
                .iter()
                .map(|notice| {
                    let text = match notice {
                        Notice::Corrupt => i18n.t("notice.corrupt").to_owned(),
                        Notice::PartlyReset(parts) => {
                            i18n.t_args("notice.partly_reset", &[("parts", &parts.join(", "))])
                        }
                        Notice::TooNew(v) => i18n.t_args("notice.too_new", &[("version", &v.to_string())]),
                        Notice::TooOld(v) => i18n.t_args("notice.too_old", &[("version", &v.to_string())]),
                        Notice::LessonRestarted { lesson, reason } => i18n.t_args(
                            "notice.lesson_restarted",
                            &[("lesson", lesson), ("reason", reason)],
                        ),
                    };
                    view! { <p>{text}</p> }
                })
                .collect_view();
            view! {
                <div id="notice" role="alert" class="mb-6 flex flex-wrap items-start justify-between gap-3 rounded-xl bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-300">
                    <div class="space-y-1">{items}<p class="text-amber-900">{i18n.t("notice.backup")}</p></div>
                    <button type="button" id="notice-dismiss"
                        class="rounded-lg bg-white px-3 py-1.5 text-sm font-semibold text-amber-950 ring-1 ring-amber-300 hover:bg-amber-100"
                        on:click=move |_| dismiss.0.set(Vec::new())>
                        {i18n.t("notice.dismiss")}
                    </button>
                </div>
            }
        })
    }
}
