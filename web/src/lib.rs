//! ChainLab in the browser: a Leptos client-side app whose every view is
//! driven by `sandbox-chain`.
//!
//! Layout: [`labs`] holds each view's logic as plain Rust types (tested
//! natively); [`views`] holds thin components over them, named in
//! [`views::REGISTRY`]; [`state`] provides shared state through context;
//! [`play`] shares the world being played (a lesson's session);
//! [`store`] reads and writes `localStorage`; [`mining`] and [`workers`]
//! run proof of work in Web Workers; [`i18n`] holds the languages.

pub mod app;
pub mod browser;
pub mod i18n;
pub mod labs;
pub mod mining;
pub mod play;
pub mod player;
pub mod registry;
pub mod state;
pub mod store;
pub mod ui;
pub mod views;
pub mod workers;

/// Mounts the app on the page's `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(app::App);
}
