//! The lesson page (`#/lesson/<id>`): the steps with their text, the
//! objectives ticking as the student acts, hints one at a time, the
//! solution behind two asks, the step's views beside the text, and the
//! transcript (export, import, start over). The logic is in
//! [`crate::player`]; this only draws it and sends actions.

use std::sync::Arc;

use leptos::prelude::*;
use lessons::Lesson;

use crate::browser;
use crate::play::{PlayRead, PlayWrite, use_play, use_play_mut};
use crate::player::feedback::Outcome;
use crate::player::help::{SolutionGate, StepHelp};
use crate::player::links::{LESSONS_ROUTE, book_chapter, lesson_href};
use crate::player::saved::{self, SavedLesson, transcript_file, transcript_file_name};
use crate::player::{
    forms, hint_text, intro, objective_text, opening_step, solution_lines, step_text, title,
};
use crate::state::{CourseRead, DismissNotices, WorkRead, WorkWrite, use_i18n};
use crate::store::{Notice, lesson_backup_key};
use crate::ui::{BAD, BTN, BTN_SM, BTN2, CARD, H2, OK};
use crate::views::lesson_list::course_pending;
use crate::views::md::{markdown, markdown_inline};

/// The lesson page for `id`, once the course is there.
#[component]
pub fn LessonPage(
    /// The lesson's id.
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let course: CourseRead = expect_context();
    move || {
        let course = course.0.get();
        if let Some(pending) = course_pending(&course) {
            return pending;
        }
        let Some(bundle) = course.bundle().cloned() else {
            return ().into_any();
        };
        match bundle.lesson(&id).cloned() {
            Some(lesson) => view! { <Player lesson=Arc::new(lesson)/> }.into_any(),
            None => {
                let id = id.clone();
                view! {
                    <div id="lesson-missing" role="alert" class="rounded-2xl bg-amber-50 p-6 text-amber-950 ring-1 ring-amber-300">
                        <p>{move || i18n.t_args("player.no_such_lesson", &[("id", &id)])}</p>
                        <a href=format!("#/{LESSONS_ROUTE}") class="mt-3 inline-block font-semibold text-indigo-700 underline">{move || i18n.t("player.all_lessons")}</a>
                    </div>
                }
                .into_any()
            }
        }
    }
}

/// Copies stored work that is about to be dropped to its backup key.
fn keep_aside(lesson: &str, saved: Option<&SavedLesson>) {
    if let Some(saved) = saved
        && let Ok(json) = serde_json::to_string(saved)
    {
        browser::storage_set(&lesson_backup_key(lesson), &json);
    }
}

/// One lesson being played.
#[component]
fn Player(lesson: Arc<Lesson>) -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let work: WorkRead = expect_context();
    let set_work: WorkWrite = expect_context();
    let notices: DismissNotices = expect_context();
    let stored = work.0.with_untracked(|w| w.get(&lesson.id).cloned());
    let resumed = match saved::resume(&lesson, stored.as_ref()) {
        Ok(r) => r,
        Err(reason) => {
            return view! {
                <div id="lesson-broken" role="alert" class=BAD>{move || i18n.t("player.cannot_start")}" "{reason.clone()}</div>
            }
            .into_any();
        }
    };
    if let Some(problem) = &resumed.problem {
        keep_aside(&lesson.id, stored.as_ref());
        let reason = match problem {
            saved::ResumeProblem::OtherVersion { saved, current } => {
                format!("the lesson changed (version {saved} → {current}) since you worked on it")
            }
            saved::ResumeProblem::Replay(e) => e.clone(),
        };
        notices.0.update(|n| {
            n.push(Notice::LessonRestarted {
                lesson: lesson.id.clone(),
                reason,
            })
        });
    }
    let help = RwSignal::new(resumed.help);
    let selected = RwSignal::new(opening_step(&resumed.session));
    write.set(Some(resumed.session));

    // Storage: the work is saved after every action and every hint.
    let lesson_id = lesson.id.clone();
    Effect::new(move |_| {
        let help = help.get();
        let saved =
            play.with(|s| (s.transcript().lesson == lesson_id).then(|| SavedLesson::of(s, &help)));
        if let Some(Some(saved)) = saved {
            set_work.0.update(|w| {
                w.insert(lesson_id.clone(), saved);
            });
        }
    });

    let steps = lesson.steps.len();
    let lesson_for_nav = lesson.clone();
    let step_nav = move || {
        let lang = i18n.lang();
        let done: Vec<bool> = play
            .with(|s| s.progress().iter().map(|p| p.complete()).collect())
            .unwrap_or_default();
        (0..steps)
            .map(|i| {
                let (name, _) = step_text(&lesson_for_nav, lang, i);
                let complete = done.get(i).copied().unwrap_or(false);
                let current = move || selected.get() == i;
                view! {
                    <li>
                        <button type="button" id=format!("step-tab-{i}") data-done=complete.to_string()
                            aria-current=move || current().then_some("step")
                            class=move || if current() {
                                "flex w-full items-center gap-2 rounded-lg bg-indigo-600 px-3 py-2 text-left text-sm font-semibold text-white"
                            } else {
                                "flex w-full items-center gap-2 rounded-lg px-3 py-2 text-left text-sm font-medium text-slate-800 hover:bg-slate-100"
                            }
                            on:click=move |_| selected.set(i)>
                            <span aria-hidden="true" class="w-5 text-center">{if complete { "✓".to_owned() } else { format!("{}", i + 1) }}</span>
                            <span>{name}</span>
                            <span class="sr-only">{if complete { i18n.t("player.step_done") } else { "" }}</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let progress_text = move || {
        let (done, total) = play
            .with(|s| {
                (
                    s.progress().iter().filter(|p| p.complete()).count(),
                    s.progress().len(),
                )
            })
            .unwrap_or((0, 0));
        i18n.t_args(
            "lessons.in_progress",
            &[("done", &done.to_string()), ("total", &total.to_string())],
        )
    };
    let lesson_head = lesson.clone();
    let lesson_intro = lesson.clone();
    let lesson_step = lesson.clone();
    let lesson_views = lesson.clone();
    let lesson_feedback = lesson.clone();
    let lesson_tools = lesson.clone();
    let id_for_book = lesson.id.clone();
    let minutes = lesson.minutes;
    let multi_node = play
        .with_untracked(|s| s.world().node_count() > 1)
        .unwrap_or(false);
    view! {
        <nav aria-label=move || i18n.t("player.breadcrumb") class="mb-3 text-sm">
            <a href=format!("#/{LESSONS_ROUTE}") class="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">{move || i18n.t("player.all_lessons")}</a>
        </nav>
        <header class="mb-5">
            <h1 class="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{move || title(&lesson_head, i18n.lang())}</h1>
            <p class="mt-1 flex flex-wrap gap-x-3 text-sm text-slate-600">
                <span>{move || i18n.t_args("lessons.minutes", &[("n", &minutes.to_string())])}</span>
                <span id="lesson-progress">{progress_text}</span>
                <a id="book-link" href=move || book_chapter(&id_for_book, i18n.lang())
                    class="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
                    {move || i18n.t("player.book")}
                </a>
            </p>
        </header>
        <details id="lesson-intro" class="mb-5 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200" open=play.with_untracked(|s| s.log().is_empty()).unwrap_or(true)>
            <summary class="cursor-pointer font-semibold text-slate-900">{move || i18n.t("player.intro")}</summary>
            <div class="mt-3 max-w-3xl text-slate-800">{move || markdown(&intro(&lesson_intro, i18n.lang()))}</div>
        </details>
        // On a phone: the step, the views, then the clock and the work; on
        // a wide screen the views fill the right column beside both.
        <div class="grid gap-5 lg:grid-cols-[minmax(0,24rem)_minmax(0,1fr)] lg:grid-rows-[auto_1fr] lg:items-start">
            <div class="space-y-5 lg:col-start-1 lg:row-start-1">
                <nav aria-label=move || i18n.t("player.steps")>
                    <ol id="steps" class="space-y-1">{step_nav}</ol>
                </nav>
                {move || {
                    let step = selected.get();
                    view! { <StepPanel lesson=lesson_step.clone() step help selected/> }
                }}
                <FeedbackPanel lesson=lesson_feedback/>
            </div>
            <div id="step-views" class="min-w-0 space-y-5 lg:col-start-2 lg:row-span-2 lg:row-start-1">
                {move || {
                    let step = selected.get();
                    lesson_views
                        .steps
                        .get(step)
                        .map(|s| s.views.iter().map(crate::views::lesson_view).collect_view())
                }}
            </div>
            <div class="space-y-5 lg:col-start-1 lg:row-start-2">
                {multi_node.then(|| view! { <Clock/> })}
                <WorkPanel lesson=lesson_tools help/>
            </div>
        </div>
    }
    .into_any()
}

/// One step: its text, objectives, hints, solution.
#[component]
fn StepPanel(
    lesson: Arc<Lesson>,
    step: usize,
    help: RwSignal<Vec<StepHelp>>,
    selected: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let Some(spec) = lesson.steps.get(step).cloned() else {
        return ().into_any();
    };
    let steps = lesson.steps.len();
    let hint_count = spec.hints.len();
    let objective_count = spec.objectives.len();
    let solution = spec.solution.clone();
    let done = move |oi: usize| {
        play.with(|s| {
            s.progress()
                .get(step)
                .and_then(|p| p.objectives.get(oi))
                .is_some_and(|o| o.done_after.is_some())
        })
        .unwrap_or(false)
    };
    let complete = move || {
        play.with(|s| s.progress().get(step).is_some_and(|p| p.complete()))
            .unwrap_or(false)
    };
    let lesson_complete = move || play.with(|s| s.complete()).unwrap_or(false);
    let my_help = move || help.with(|h| h.get(step).copied().unwrap_or_default());
    let l1 = lesson.clone();
    let l2 = lesson.clone();
    let l3 = lesson.clone();
    let objectives = move || {
        let lang = i18n.lang();
        (0..objective_count)
            .map(|oi| {
                let (label, more) = objective_text(&l2, lang, step, oi);
                let is_done = move || done(oi);
                view! {
                    <li class="objective flex items-start gap-2" data-done=move || is_done().to_string()>
                        <span aria-hidden="true"
                            class=move || if is_done() {
                                "mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-emerald-600 text-xs font-bold text-white"
                            } else {
                                "mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full ring-2 ring-slate-300"
                            }>
                            {move || if is_done() { "✓" } else { "" }}
                        </span>
                        <span>
                            <span class="sr-only">{move || if is_done() { i18n.t("player.done") } else { i18n.t("player.not_done") }}" "</span>
                            <span class=move || if is_done() { "font-medium text-emerald-900" } else { "font-medium text-slate-900" }>{markdown_inline(&label)}</span>
                            {(!more.is_empty()).then(|| view! { <span class="block text-sm text-slate-600">{markdown_inline(&more)}</span> })}
                        </span>
                    </li>
                }
            })
            .collect_view()
    };
    let hints = move || {
        let lang = i18n.lang();
        let shown = my_help().hints_shown(hint_count);
        (0..shown)
            .map(|hi| {
                view! {
                    <div class="hint rounded-lg bg-sky-50 p-3 text-sm text-sky-950 ring-1 ring-sky-200">
                        <p class="mb-1 font-semibold">{i18n.t_args("player.hint_n", &[("n", &(hi + 1).to_string())])}</p>
                        {markdown(&hint_text(&l3, lang, step, hi))}
                    </div>
                }
            })
            .collect_view()
    };
    let lines = solution_lines(&solution);
    let apply_solution = move |_| {
        for action in solution.clone() {
            if write.apply(action).is_err() {
                break;
            }
        }
    };
    let gate = move || my_help().solution(complete());
    let body = move || markdown(&step_text(&l1, i18n.lang(), step).1);
    let heading = move || step_text(&lesson, i18n.lang(), step).0;
    view! {
        <section class=CARD aria-labelledby="step-title" id="step-panel" data-step=step.to_string()>
            <p class="text-sm font-semibold text-indigo-700">{move || i18n.t_args("player.step_of", &[("n", &(step + 1).to_string()), ("total", &steps.to_string())])}</p>
            <h2 id="step-title" class=H2>{heading}</h2>
            <div class="text-slate-800">{body}</div>
            <h3 class="mb-2 mt-4 text-sm font-semibold uppercase tracking-wide text-slate-600">{move || i18n.t("player.objectives")}</h3>
            <ul id="objectives" class="space-y-2" aria-live="polite">{objectives}</ul>
            {move || complete().then(|| view! {
                <div id="step-done" role="status" class=format!("{OK} mt-4 flex flex-wrap items-center justify-between gap-2")>
                    <span>{move || if lesson_complete() { i18n.t("player.lesson_done") } else { i18n.t("player.step_complete") }}</span>
                    {(step + 1 < steps).then(|| view! {
                        <button type="button" id="next-step" class=BTN_SM on:click=move |_| selected.set(step + 1)>{move || i18n.t("player.next_step")}</button>
                    })}
                    {move || (lesson_complete() && step + 1 >= steps).then(|| view! {
                        <a href=format!("#/{LESSONS_ROUTE}") class=BTN_SM>{i18n.t("player.all_lessons")}</a>
                    })}
                </div>
            })}
            <div class="mt-5 space-y-2">
                <div id="hints" class="space-y-2">{hints}</div>
                {move || if hint_count == 0 {
                    view! { <p class="text-sm text-slate-600">{i18n.t("player.no_hints")}</p> }.into_any()
                } else {
                    let left = hint_count - my_help().hints_shown(hint_count);
                    view! {
                        <button type="button" id="hint-next" class=BTN2 disabled=left == 0
                            on:click=move |_| help.update(|h| {
                                if let Some(s) = h.get_mut(step) {
                                    s.reveal_hint(hint_count);
                                }
                            })>
                            {if left == 0 { i18n.t("player.no_more_hints").to_owned() } else { i18n.t_args("player.show_hint", &[("n", &left.to_string())]) }}
                        </button>
                    }.into_any()
                }}
            </div>
            <div class="mt-5" id="solution-area">
                {move || match gate() {
                    SolutionGate::Hidden => view! {
                        <button type="button" id="solution-ask" class=BTN_SM
                            on:click=move |_| help.update(|h| if let Some(s) = h.get_mut(step) { s.ask_solution() })>
                            {i18n.t("player.show_solution")}
                        </button>
                    }.into_any(),
                    SolutionGate::Confirm => view! {
                        <div class="rounded-lg bg-amber-50 p-3 text-sm text-amber-950 ring-1 ring-amber-300" role="status">
                            <p id="solution-warning">{i18n.t("player.solution_warning")}</p>
                            <button type="button" id="solution-ask" class=format!("{BTN_SM} mt-2")
                                on:click=move |_| help.update(|h| if let Some(s) = h.get_mut(step) { s.ask_solution() })>
                                {i18n.t("player.show_solution_anyway")}
                            </button>
                        </div>
                    }.into_any(),
                    SolutionGate::Shown => {
                        let lines = lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view();
                        view! {
                            <div class="rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200">
                                <p class="text-sm font-semibold text-slate-800">{i18n.t("player.solution")}</p>
                                <ol id="solution" class="mt-1 list-decimal space-y-1 pl-6 font-mono text-xs text-slate-800 break-all">{lines}</ol>
                                {(!complete()).then(|| view! {
                                    <button type="button" id="solution-apply" class=format!("{BTN} mt-3") on:click=apply_solution.clone()>
                                        {i18n.t("player.apply_solution")}
                                    </button>
                                    <p class="mt-1 text-xs text-slate-600">{i18n.t("player.apply_hint")}</p>
                                })}
                            </div>
                        }.into_any()
                    }
                }}
            </div>
        </section>
    }
    .into_any()
}

/// What the last action did: accepted, or refused with the world's reason;
/// and the objectives it ticked.
#[component]
fn FeedbackPanel(lesson: Arc<Lesson>) -> impl IntoView {
    let i18n = use_i18n();
    let play: PlayRead = use_play();
    move || {
        let f = play.last()?;
        let lang = i18n.lang();
        let ticked = f
            .newly_done
            .iter()
            .map(|(si, oi)| {
                let (label, _) = objective_text(&lesson, lang, *si, *oi);
                view! { <li class="font-medium">"✓ "{markdown_inline(&label)}</li> }
            })
            .collect_view();
        let (class, role, text) = match &f.outcome {
            Outcome::Accepted(detail) => (
                OK,
                "status",
                format!(
                    "{} {}{}",
                    i18n.t("lesson.accepted"),
                    f.action,
                    if detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {detail}")
                    }
                ),
            ),
            Outcome::Refused(reason) => (
                BAD,
                "alert",
                format!("{} {} — {reason}", i18n.t("lesson.refused"), f.action),
            ),
            Outcome::Stopped(reason) => (
                BAD,
                "alert",
                format!("{} {reason}", i18n.t("player.stopped")),
            ),
        };
        let any_ticked = !f.newly_done.is_empty();
        let outcome_name = match f.outcome {
            Outcome::Accepted(_) => "accepted",
            Outcome::Refused(_) => "refused",
            Outcome::Stopped(_) => "stopped",
        };
        Some(view! {
            <div id="feedback" class=format!("{class} break-words") role=role data-outcome=outcome_name>
                <p>{text}</p>
                {any_ticked.then(|| view! {
                    <p class="mt-2 font-semibold">{i18n.t("player.ticked")}</p>
                    <ul id="ticked">{ticked}</ul>
                })}
            </div>
        })
    }
}

/// The simulated clock, for lessons with a network.
#[component]
fn Clock() -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let write: PlayWrite = use_play_mut();
    let now = move || {
        play.with(|s| crate::player::world::clock(s.world()))
            .unwrap_or_default()
    };
    let in_flight = move || play.with(|s| s.world().in_flight_count()).unwrap_or(0);
    let button = move |id: &'static str, label: &'static str, action: lessons::LessonAction| {
        view! {
            <button type="button" id=id class=BTN_SM on:click=move |_| { let _ = write.apply(action.clone()); }>
                {move || i18n.t(label)}
            </button>
        }
    };
    view! {
        <section class=CARD aria-labelledby="clock-title" id="clock">
            <h2 id="clock-title" class=H2>{move || i18n.t("player.clock")}</h2>
            <p class="text-sm text-slate-700" aria-live="polite">
                {move || i18n.t_args("player.clock_now", &[("s", &now()), ("n", &in_flight().to_string())])}
            </p>
            <div class="mt-3 flex flex-wrap gap-2">
                {button("clock-1s", "player.clock_1s", forms::advance(1_000))}
                {button("clock-10s", "player.clock_10s", forms::advance(10_000))}
                {button("clock-1m", "player.clock_1m", forms::advance(60_000))}
                {button("clock-idle", "player.clock_idle", forms::run_until_idle())}
            </div>
        </section>
    }
}

/// The student's work: export and import the transcript, start over.
#[component]
fn WorkPanel(lesson: Arc<Lesson>, help: RwSignal<Vec<StepHelp>>) -> impl IntoView {
    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let file_name = transcript_file_name(&lesson.id);
    let export_url = RwSignal::new(None::<String>);
    let import_result = RwSignal::new(None::<Result<String, String>>);
    let confirm_restart = RwSignal::new(false);
    on_cleanup(move || {
        if let Some(url) = export_url.get_untracked() {
            browser::revoke_url(&url);
        }
    });
    let name = file_name.clone();
    let export = move |_| {
        let Some(text) = play.with_untracked(|s| transcript_file(s)) else {
            return;
        };
        if let Some(url) = browser::download(&name, &text) {
            if let Some(old) = export_url.get_untracked() {
                browser::revoke_url(&old);
            }
            export_url.set(Some(url));
        }
    };
    let lesson_import = lesson.clone();
    let import = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let lesson = lesson_import.clone();
        leptos::task::spawn_local(async move {
            let outcome = match browser::read_chosen_file(&input, saved::MAX_IMPORT_BYTES).await {
                Err(e) => Err(e),
                Ok((file, bytes)) => match saved::import(&lesson, &bytes) {
                    Ok(session) => {
                        let n = session.log().len();
                        write.set(Some(session));
                        Ok(i18n
                            .t_args("player.imported", &[("name", &file), ("n", &n.to_string())]))
                    }
                    Err(e) => Err(format!("{file}: {e}")),
                },
            };
            input.set_value("");
            import_result.set(Some(outcome));
        });
    };
    let lesson_restart = lesson.clone();
    let restart = move |_| {
        if !confirm_restart.get_untracked() {
            confirm_restart.set(true);
            return;
        }
        confirm_restart.set(false);
        let saved = play.with_untracked(|s| SavedLesson::of(s, &help.get_untracked()));
        keep_aside(&lesson_restart.id, saved.as_ref());
        if let Ok(session) = lessons::Session::start(&lesson_restart) {
            write.set(Some(session));
            help.set(crate::player::help::for_steps(
                &[],
                lesson_restart.steps.len(),
            ));
        }
    };
    let actions = move || play.with(|s| s.log().len()).unwrap_or(0);
    view! {
        <section class=CARD aria-labelledby="work-title" id="work">
            <h2 id="work-title" class=H2>{move || i18n.t("player.work")}</h2>
            <p class="text-sm text-slate-700">{move || i18n.t_args("player.actions", &[("n", &actions().to_string())])}</p>
            <div class="mt-3 flex flex-wrap items-center gap-2">
                <button type="button" id="export-transcript" class=BTN2 on:click=export>{move || i18n.t("player.export")}</button>
                {move || export_url.get().map(|url| {
                    let name = file_name.clone();
                    view! {
                        <a id="transcript-file" href=url download=name.clone() class="text-sm font-medium text-indigo-700 underline underline-offset-2">
                            {i18n.t_args("player.saved_as", &[("name", &name)])}
                        </a>
                    }
                })}
            </div>
            <p class="mt-1 text-xs text-slate-600">{move || i18n.t("player.export_hint")}</p>
            <label for="import-transcript" class="mt-4 block text-sm font-medium text-slate-700">{move || i18n.t("player.import")}</label>
            <input id="import-transcript" type="file" accept=".json,application/json" on:change=import
                class="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-lg file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:font-semibold file:text-slate-800 hover:file:bg-slate-200"/>
            {move || import_result.get().map(|r| match r {
                Ok(text) => view! { <p id="import-result" class=format!("{OK} mt-2") role="status">{text}</p> }.into_any(),
                Err(reason) => view! {
                    <div id="import-result" class=format!("{BAD} mt-2") role="alert">
                        <p>{i18n.t("player.import_failed")}</p>
                        <p class="mt-1 font-mono text-xs">{reason}</p>
                    </div>
                }.into_any(),
            })}
            <div class="mt-4">
                <button type="button" id="restart" class=BTN_SM on:click=restart>
                    {move || if confirm_restart.get() { i18n.t("player.restart_confirm") } else { i18n.t("player.restart") }}
                </button>
            </div>
            <p class="mt-3 text-xs text-slate-600">
                <a href=lesson_href(&lesson.id) class="underline">{move || i18n.t("player.permalink")}</a>
            </p>
        </section>
    }
}
