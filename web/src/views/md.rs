//! Draws lesson Markdown (read by [`crate::player::markdown`]) as DOM
//! nodes. Text is always inserted as text, never as HTML.

use leptos::prelude::*;

use crate::player::markdown::{Block, Inline, inlines, parse};

/// A lesson text's blocks.
pub fn markdown(text: &str) -> AnyView {
    parse(text).into_iter().map(block).collect_view().into_any()
}

/// One line of Markdown (a label), without a paragraph around it.
pub fn markdown_inline(text: &str) -> AnyView {
    inline_all(inlines(text))
}

fn block(b: Block) -> AnyView {
    match b {
        Block::Paragraph(i) => view! { <p class="mb-3 leading-7">{inline_all(i)}</p> }.into_any(),
        Block::Heading { content, .. } => {
            view! { <h4 class="mb-2 mt-4 font-semibold text-slate-900">{inline_all(content)}</h4> }
                .into_any()
        }
        Block::List {
            ordered,
            start,
            items,
        } => {
            let items = items
                .into_iter()
                .map(|i| view! { <li class="mb-1">{inline_all(i)}</li> })
                .collect_view();
            if ordered {
                view! { <ol start=start.to_string() class="mb-3 list-decimal space-y-1 pl-6">{items}</ol> }
                    .into_any()
            } else {
                view! { <ul class="mb-3 list-disc space-y-1 pl-6">{items}</ul> }.into_any()
            }
        }
        Block::Code { text, .. } => view! {
            <pre tabindex="0" class="mb-3 overflow-x-auto rounded-lg bg-slate-900 p-3 text-sm text-slate-100"><code>{text}</code></pre>
        }
        .into_any(),
        Block::Quote(i) => view! {
            <blockquote class="mb-3 border-l-4 border-indigo-300 pl-3 text-slate-700">{inline_all(i)}</blockquote>
        }
        .into_any(),
        Block::Rule => view! { <hr class="my-4 border-slate-200"/> }.into_any(),
    }
}

fn inline_all(items: Vec<Inline>) -> AnyView {
    items.into_iter().map(inline).collect_view().into_any()
}

fn inline(i: Inline) -> AnyView {
    match i {
        Inline::Text(t) => t.into_any(),
        Inline::Code(c) => view! {
            <code class="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] text-slate-900 ring-1 ring-slate-200">{c}</code>
        }
        .into_any(),
        Inline::Strong(c) => view! { <strong class="font-semibold text-slate-900">{inline_all(c)}</strong> }.into_any(),
        Inline::Emph(c) => view! { <em>{inline_all(c)}</em> }.into_any(),
        Inline::Link { href, content } => {
            let external = href.starts_with("http");
            view! {
                <a href=href target=external.then_some("_blank") rel=external.then_some("noopener noreferrer")
                    class="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
                    {inline_all(content)}
                </a>
            }
            .into_any()
        }
        Inline::Break => view! { <br/> }.into_any(),
    }
}
