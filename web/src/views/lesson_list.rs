//! The lesson list (`#/lessons`): every lesson of the course with its
//! title, time, prerequisites and the student's progress; and the
//! course's loading and error states, shared with the lesson page.

use leptos::prelude::*;

use crate::app::fetch_course;
use crate::browser;
use crate::player::links::{BOOK_INDEX, lesson_href};
use crate::player::saved::{PROGRESS_FILE_NAME, Status, progress_file, status};
use crate::player::{Course, prerequisites, title};
use crate::state::{CourseRead, CourseWrite, WorkRead, use_i18n};
use crate::ui::{BTN, BTN2};

/// The course while it loads, or why it could not, with a retry button.
pub fn course_pending(course: &Course) -> Option<AnyView> {
    let i18n = use_i18n();
    match course {
        Course::Ready(_) => None,
        Course::Loading => Some(
            view! {
                <div id="course-loading" role="status" aria-live="polite"
                    class="flex items-center gap-3 rounded-2xl bg-white p-6 text-slate-700 shadow-sm ring-1 ring-slate-200">
                    <span class="h-5 w-5 animate-spin rounded-full border-2 border-indigo-200 border-t-indigo-700" aria-hidden="true"></span>
                    {move || i18n.t("course.loading")}
                </div>
            }
            .into_any(),
        ),
        Course::Failed(reason) => {
            let set: CourseWrite = expect_context();
            let reason = reason.clone();
            Some(
                view! {
                    <div id="course-error" role="alert" class="rounded-2xl bg-rose-50 p-6 text-rose-950 ring-1 ring-rose-300">
                        <p class="font-semibold">{move || i18n.t("course.failed")}</p>
                        <p class="mt-1 font-mono text-sm">{reason}</p>
                        <button type="button" class=format!("{BTN} mt-4") on:click=move |_| fetch_course(set)>
                            {move || i18n.t("course.retry")}
                        </button>
                    </div>
                }
                .into_any(),
            )
        }
    }
}

/// Every lesson with its progress.
#[component]
pub fn LessonList() -> impl IntoView {
    let i18n = use_i18n();
    let course: CourseRead = expect_context();
    let work: WorkRead = expect_context();
    let export_url = RwSignal::new(None::<String>);
    on_cleanup(move || {
        if let Some(url) = export_url.get_untracked() {
            browser::revoke_url(&url);
        }
    });
    move || {
        let course = course.0.get();
        if let Some(pending) = course_pending(&course) {
            return pending;
        }
        let Some(bundle) = course.bundle().cloned() else {
            return ().into_any();
        };
        let lang = i18n.lang();
        let course_title = bundle
            .title
            .get(lang.code())
            .or_else(|| bundle.title.values().next())
            .cloned()
            .unwrap_or_default();
        let cards = bundle
            .lessons
            .iter()
            .enumerate()
            .map(|(n, lesson)| {
                let id = lesson.id.clone();
                let lesson_title = title(lesson, lang);
                let state = work.0.with(|w| status(lesson, w.get(&id)));
                let (badge_class, badge, percent) = match state {
                    Status::NotStarted => ("bg-slate-100 text-slate-700 ring-slate-300", i18n.t("lessons.not_started").to_owned(), 0),
                    Status::InProgress { done, total } => (
                        "bg-amber-50 text-amber-900 ring-amber-300",
                        i18n.t_args("lessons.in_progress", &[("done", &done.to_string()), ("total", &total.to_string())]),
                        done * 100 / total.max(1),
                    ),
                    Status::Done => ("bg-emerald-50 text-emerald-900 ring-emerald-300", i18n.t("lessons.done").to_owned(), 100),
                };
                let prereqs = prerequisites(&bundle, lesson, lang);
                let after = (!prereqs.is_empty()).then(|| {
                    let links = prereqs
                        .into_iter()
                        .enumerate()
                        .map(|(i, (pid, name))| {
                            view! {
                                {(i > 0).then_some(", ")}
                                <a href=lesson_href(&pid) class="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">{name}</a>
                            }
                        })
                        .collect_view();
                    view! { <p class="mt-1 text-sm text-slate-600">{i18n.t("lessons.after")}" "{links}</p> }
                });
                view! {
                    <li class="flex flex-col rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200" data-lesson=id.clone()>
                        <span class="text-sm font-semibold text-indigo-700">{format!("{:02}", n + 1)}</span>
                        <h2 class="mt-1 text-lg font-semibold text-slate-900">
                            <a href=lesson_href(&id) class="lesson-link rounded hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
                                {lesson_title}
                            </a>
                        </h2>
                        <p class="mt-1 text-sm text-slate-600">
                            {i18n.t_args("lessons.minutes", &[("n", &lesson.minutes.to_string())])}
                            " · "
                            {i18n.t_args("lessons.steps", &[("n", &lesson.steps.len().to_string())])}
                        </p>
                        {after}
                        <div class="mt-auto pt-4">
                            <div class="flex items-center justify-between gap-2">
                                <span class=format!("lesson-status rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 {badge_class}")>{badge}</span>
                            </div>
                            <div class="mt-2 h-2 w-full overflow-hidden rounded-full bg-slate-100" role="progressbar"
                                aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent.to_string()
                                aria-label=i18n.t("lessons.progress")>
                                <div class="h-full rounded-full bg-indigo-600" style=format!("width: {percent}%")></div>
                            </div>
                        </div>
                    </li>
                }
            })
            .collect_view();
        let export = {
            let bundle = bundle.clone();
            move |_| {
                let text = work
                    .0
                    .with_untracked(|w| progress_file(&bundle, w, i18n.lang().code()));
                if let Some(url) = browser::download(PROGRESS_FILE_NAME, &text) {
                    if let Some(old) = export_url.get_untracked() {
                        browser::revoke_url(&old);
                    }
                    export_url.set(Some(url));
                }
            }
        };
        view! {
            <header class="mb-6">
                <h1 class="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{course_title}</h1>
                <p class="mt-2 max-w-3xl text-base text-slate-600">{i18n.t("lessons.intro")}</p>
                <div class="mt-4 flex flex-wrap items-center gap-2">
                    <button type="button" id="export-progress" class=BTN2 on:click=export>{i18n.t("lessons.export")}</button>
                    {move || export_url.get().map(|url| view! {
                        <a id="progress-file" href=url download=PROGRESS_FILE_NAME class="text-sm font-medium text-indigo-700 underline underline-offset-2">
                            {i18n.t_args("player.saved_as", &[("name", PROGRESS_FILE_NAME)])}
                        </a>
                    })}
                    <a href=BOOK_INDEX class="text-sm font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">{i18n.t("lessons.book")}</a>
                </div>
            </header>
            <ol id="lesson-list" class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">{cards}</ol>
        }
        .into_any()
    }
}
