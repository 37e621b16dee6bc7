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
