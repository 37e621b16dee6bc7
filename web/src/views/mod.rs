//! The views, one component each, and the registry that names them.

pub mod bench;
pub mod block;
pub mod chain;
pub mod hash;
pub mod home;
pub mod keys;
pub mod merkle;
pub mod miner_panel;
pub mod wallet;

pub use bench::BenchView;
pub use block::BlockView;
pub use chain::ChainView;
pub use hash::HashView;
pub use home::HomeView;
pub use keys::KeysView;
pub use merkle::MerkleView;
pub use miner_panel::MinerPanel;
pub use wallet::WalletView;

use leptos::prelude::*;

use crate::registry::{ViewSettings, ViewSpec};

/// Every view by name, in navigation order. Lessons name views from here;
/// the multi-node views (`network`, `blocktree`, `bft`) and the lesson
/// player join this table when the world is available.
pub static REGISTRY: &[ViewSpec] = &[
    ViewSpec {
        name: "hash",
        title_key: "hash.title",
        summary_key: "hash.summary",
        in_nav: true,
        needs_world: false,
        render: |_| view! { <HashView/> }.into_any(),
    },
    ViewSpec {
        name: "keys",
        title_key: "keys.title",
        summary_key: "keys.summary",
        in_nav: true,
        needs_world: false,
        render: |_| view! { <KeysView/> }.into_any(),
    },
    ViewSpec {
        name: "block",
        title_key: "block.title",
        summary_key: "block.summary",
        in_nav: true,
        needs_world: false,
        render: |settings| view! { <BlockView settings/> }.into_any(),
    },
    ViewSpec {
        name: "chain",
        title_key: "chain.title",
        summary_key: "chain.summary",
        in_nav: true,
        needs_world: false,
        render: |_| view! { <ChainView/> }.into_any(),
    },
    ViewSpec {
        name: "merkle",
        title_key: "merkle.title",
        summary_key: "merkle.summary",
        in_nav: true,
        needs_world: false,
        render: |_| view! { <MerkleView/> }.into_any(),
    },
    ViewSpec {
        name: "wallet",
        title_key: "wallet.title",
        summary_key: "wallet.summary",
        in_nav: true,
        needs_world: false,
        render: |_| view! { <WalletView/> }.into_any(),
    },
    ViewSpec {
        name: "bench",
        title_key: "bench.title",
        summary_key: "bench.summary",
        in_nav: false,
        needs_world: false,
        render: |settings| view! { <BenchView settings/> }.into_any(),
    },
];

/// The view called `name`.
pub fn find(name: &str) -> Option<&'static ViewSpec> {
    REGISTRY.iter().find(|spec| spec.name == name)
}

/// Renders the view called `name`, or the home page.
pub fn render(name: &str, settings: ViewSettings) -> AnyView {
    match find(name) {
        Some(spec) => (spec.render)(settings),
        None => view! { <HomeView/> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_have_messages() {
        let mut names: Vec<_> = REGISTRY.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), REGISTRY.len());
        for spec in REGISTRY {
            for key in [spec.title_key, spec.summary_key] {
                assert_ne!(crate::i18n::tr(crate::i18n::Lang::En, key), key);
            }
        }
    }
}
