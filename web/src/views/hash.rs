//! The hash view.

use leptos::prelude::*;

use crate::state::{use_i18n, use_labs, use_labs_mut};
use crate::ui::{CARD, H2, HINT, INPUT, LABEL, ViewHeader};

/// Live SHA-256 of what the student types, changed bits highlighted.
#[component]
pub fn HashView() -> impl IntoView {
    let i18n = use_i18n();
    let labs = use_labs();
    let set = use_labs_mut();
    let digits = move || {
        labs.hash
            .with(|h| h.hex_digits())
            .into_iter()
            .map(|d| {
                let class = if d.changed {
                    "rounded-sm bg-amber-200 text-amber-950"
                } else {
                    "text-slate-800"
                };
                view! { <span class=class>{d.digit.to_string()}</span> }
            })
            .collect_view()
    };
    let bits = move || {
        labs.hash
            .with(|h| h.bits())
            .into_iter()
            .map(|(one, changed)| {
                let class = match (one, changed) {
                    (true, true) => "h-3 w-3 rounded-sm bg-amber-500 sm:h-4 sm:w-4",
                    (false, true) => "h-3 w-3 rounded-sm bg-amber-200 sm:h-4 sm:w-4",
                    (true, false) => "h-3 w-3 rounded-sm bg-indigo-700 sm:h-4 sm:w-4",
                    (false, false) => "h-3 w-3 rounded-sm bg-slate-200 sm:h-4 sm:w-4",
                };
                view! { <span class=class></span> }
            })
            .collect_view()
    };
    let changed = move || labs.hash.with(|h| h.changed_bits()).to_string();
    view! {
        <ViewHeader title="hash.title" intro="hash.intro"/>
        <div class="grid gap-5 lg:grid-cols-2">
            <section class=CARD>
                <label for="hash-input" class=LABEL>{move || i18n.t("hash.input")}</label>
                <textarea
                    id="hash-input"
                    class=INPUT
                    rows="6"
                    prop:value=move || labs.hash.with(|h| h.input.clone())
                    on:input=move |ev| set.hash.update(|h| h.set_input(event_target_value(&ev)))
                ></textarea>
                <p class=HINT>
                    {move || i18n.t_args("hash.bytes", &[("n", &labs.hash.with(|h| h.byte_len()).to_string())])}
                </p>
            </section>
            <section class=CARD aria-labelledby="hash-output-title">
                <h2 id="hash-output-title" class=H2>{move || i18n.t("hash.output")}</h2>
                <p id="hash-output" class="font-mono text-base leading-7 break-all">{digits}</p>
                <p class="mt-3 text-sm text-slate-700" aria-live="polite">
                    {move || i18n.t_args("hash.changed", &[("n", &changed())])}
                </p>
                <div class="mt-3 grid w-fit grid-cols-[repeat(16,minmax(0,1fr))] gap-1" role="img" aria-label=move || i18n.t("hash.bits_label")>
                    {bits}
                </div>
                <p class=HINT>{move || i18n.t("hash.legend")}</p>
            </section>
        </div>
    }
}

/// The hash view inside a lesson: the digest is shown live as the student
/// types; "Hash" records a `hash` action (what the objectives count), and
/// the comparison is with the previous text hashed.
#[component]
pub fn HashInLesson(
    /// Text already in the box.
    input: String,
    /// Show the 256 bits too.
    show_bits: bool,
) -> impl IntoView {
    use crate::labs::hash::HashLab;
    use crate::play::{use_play, use_play_mut};
    use crate::player::{forms, world};
    use crate::ui::{LessonCard, uid};

    let i18n = use_i18n();
    let play = use_play();
    let write = use_play_mut();
    let text = RwSignal::new(input);
    let recent = Memo::new(move |_| {
        play.with(|s| world::recent_hashes(s.log(), 6))
            .unwrap_or_default()
    });
    let lab = Memo::new(move |_| {
        let input = text.get();
        let previous = recent.with(|r| world::previous_input(r, &input));
        HashLab { input, previous }
    });
    let id = uid("hash");
    let input_id = format!("{id}-input");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let _ = write.apply(forms::hash(&text.get_untracked()));
    };
    let digits = move || {
        lab.with(|h| h.hex_digits())
            .into_iter()
            .map(|d| {
                let class = if d.changed {
                    "rounded-sm bg-amber-200 text-amber-950"
                } else {
                    "text-slate-800"
                };
                view! { <span class=class>{d.digit.to_string()}</span> }
            })
            .collect_view()
    };
    let bits = move || {
        lab.with(|h| h.bits())
            .into_iter()
            .map(|(one, changed)| {
                let class = match (one, changed) {
                    (true, true) => "h-3 w-3 rounded-sm bg-amber-500",
                    (false, true) => "h-3 w-3 rounded-sm bg-amber-200",
                    (true, false) => "h-3 w-3 rounded-sm bg-indigo-700",
                    (false, false) => "h-3 w-3 rounded-sm bg-slate-200",
                };
                view! { <span class=class></span> }
            })
            .collect_view()
    };
    let history = move || {
        recent
            .get()
            .into_iter()
            .map(|r| {
                view! {
                    <li class="flex flex-wrap items-baseline justify-between gap-x-3 border-b border-slate-100 py-1.5 text-sm">
                        <span class="font-mono text-slate-900">{format!("\"{}\"", r.input)}</span>
                        <span class="font-mono text-slate-600">{format!("{}…", &r.digest[..16])}</span>
                        <span class="text-slate-600">{i18n.t_args("lesson_hash.zero_bits", &[("n", &r.zero_bits.to_string())])}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <LessonCard name="hash" title="hash.title">
            <form class="flex flex-wrap items-end gap-2" on:submit=submit>
                <div class="min-w-0 flex-1">
                    <label for=input_id.clone() class=LABEL>{move || i18n.t("hash.input")}</label>
                    <input id=input_id type="text" data-role="hash-input" class=INPUT autocomplete="off" spellcheck="false"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))/>
                </div>
                <button type="submit" data-role="hash-button" class=crate::ui::BTN>{move || i18n.t("lesson_hash.hash")}</button>
            </form>
            <p class=HINT>{move || i18n.t("lesson_hash.record_hint")}</p>
            <p class="mt-4 text-sm font-medium text-slate-700">{move || i18n.t("hash.output")}</p>
            <p data-role="hash-output" class="font-mono text-base leading-7 break-all">{digits}</p>
            <p class="mt-2 text-sm text-slate-700" aria-live="polite">
                {move || i18n.t_args("lesson_hash.summary", &[
                    ("zeros", &lab.with(|h| h.digest().leading_zero_bits()).to_string()),
                    ("changed", &lab.with(|h| h.changed_bits()).to_string()),
                    ("previous", &lab.with(|h| h.previous.clone())),
                ])}
            </p>
            {show_bits.then(|| view! {
                <div class="mt-3 grid w-fit grid-cols-[repeat(16,minmax(0,1fr))] gap-1" role="img" aria-label=move || i18n.t("hash.bits_label")>
                    {bits}
                </div>
                <p class=HINT>{move || i18n.t("hash.legend")}</p>
            })}
            <h4 class="mt-4 text-sm font-semibold text-slate-800">{move || i18n.t("lesson_hash.history")}</h4>
            <ul data-role="hash-history">{history}</ul>
            {move || recent.with(Vec::is_empty).then(|| view! { <p class=HINT>{i18n.t("lesson_hash.none_yet")}</p> })}
        </LessonCard>
    }
}
