//! The views, one component each, and the registry that names them; the
//! lesson list and player; and [`lesson_view`], which mounts the view a
//! lesson step names.

pub mod bench;
pub mod block;
pub mod chain;
pub mod hash;
pub mod home;
pub mod keys;
pub mod lesson_list;
pub mod md;
pub mod merkle;
pub mod miner_panel;
pub mod player;
pub mod wallet;
pub mod world;

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

/// Mounts the view a lesson step names, in lesson mode: everything the
/// student does in it goes through `PlayWrite::apply` (so the objectives
/// and the transcript see it), and it draws the lesson's world.
///
/// The world views that are not wired in yet (network, block tree, BFT,
/// contract, bridge) show compact stand-ins from [`world`]: the nodes with
/// their tips, or the node's block tree.
pub fn lesson_view(v: &lessons::View) -> AnyView {
    use lessons::View;
    match v.clone() {
        View::Hash { input, show_bits } => {
            view! { <hash::HashInLesson input show_bits/> }.into_any()
        }
        View::Keys { names } => view! { <keys::KeysInLesson names/> }.into_any(),
        View::Block { node, height, .. } => {
            view! { <block::BlockInLesson node height/> }.into_any()
        }
        View::Chain {
            node, show_ledger, ..
        } => view! { <chain::ChainInLesson node show_ledger/> }.into_any(),
        View::Merkle { leaves, proof_for } => {
            view! { <merkle::MerkleInLesson leaves proof_for/> }.into_any()
        }
        View::Wallet { node, .. } => view! { <wallet::WalletInLesson node/> }.into_any(),
        View::Mempool { node, .. } => view! { <world::MempoolInLesson node/> }.into_any(),
        View::Events { kinds, .. } => view! { <world::EventsInLesson kinds/> }.into_any(),
        // Stand-ins until the world views land (see the doc comment).
        View::Network { .. } => {
            view! { <world::NodesInLesson title="lesson_world.network"/> }.into_any()
        }
        View::Blocktree { node, .. } => view! { <world::TreeInLesson node/> }.into_any(),
        View::Bft { .. } => view! { <world::NodesInLesson title="lesson_world.bft"/> }.into_any(),
        View::Contract { .. } => {
            view! { <world::NodesInLesson title="lesson_world.contract"/> }.into_any()
        }
        View::Bridge { .. } => {
            view! { <world::NodesInLesson title="lesson_world.bridge"/> }.into_any()
        }
    }
}

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
