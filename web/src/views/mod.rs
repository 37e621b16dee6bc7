//! The views, one component each, and the registry that names them; the
//! lesson list and player; and [`lesson_view`], which mounts the view a
//! lesson step names.

pub mod bench;
pub mod bft;
pub mod block;
pub mod blocktree;
pub mod bridge;
pub mod chain;
pub mod contract;
pub mod events;
pub mod hash;
pub mod home;
pub mod keys;
pub mod lesson_list;
pub mod md;
pub mod mempool;
pub mod merkle;
pub mod miner_panel;
pub mod network;
pub mod player;
pub mod playground;
pub mod wallet;
pub mod world_kit;

pub use bench::BenchView;
pub use block::BlockView;
pub use chain::ChainView;
pub use hash::HashView;
pub use home::HomeView;
pub use keys::KeysView;
pub use merkle::MerkleView;
pub use miner_panel::MinerPanel;
pub use wallet::WalletView;

pub use bft::BftView;
pub use blocktree::BlocktreeView;
pub use bridge::BridgeView;
pub use contract::ContractView;
pub use events::EventsView;
pub use mempool::MempoolView;
pub use network::NetworkView;
pub use playground::Playground;

use crate::labs::playground::WorldKind;
use crate::ui::ViewHeader;

use leptos::prelude::*;

use crate::play::OnChain;
use crate::registry::{ViewSettings, ViewSpec};

/// Every view by name, in navigation order. Lessons name views from here.
/// The world views (`network` … `bridge`, `group: World`) open over a
/// playground world (see [`playground`]); their route settings mirror
/// `lessons::View`'s (`#/network?controls=0`, `#/blocktree?node=2`,
/// `#/events?kinds=reorg,block_produced`, `#/contract?name=htlc`).
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
        name: "network",
        title_key: "network.title",
        summary_key: "network.summary",
        in_nav: true,
        needs_world: true,
        render: |settings| {
            let show_messages = settings.get("show_messages") != Some("0");
            let controls = settings.get("controls") != Some("0");
            view! {
                <ViewHeader title="network.title" intro="network.intro"/>
                <Playground kind=WorldKind::Pow><NetworkView show_messages controls/></Playground>
            }
            .into_any()
        },
    },
    ViewSpec {
        name: "blocktree",
        title_key: "blocktree.title",
        summary_key: "blocktree.summary",
        in_nav: true,
        needs_world: true,
        render: |settings| {
            let node = settings.u32("node");
            view! {
                <ViewHeader title="blocktree.title" intro="blocktree.intro"/>
                <Playground kind=WorldKind::Pow>
                    <NetworkView show_messages=true controls=true/>
                    <BlocktreeView node/>
                </Playground>
            }
            .into_any()
        },
    },
    ViewSpec {
        name: "events",
        title_key: "events.title",
        summary_key: "events.summary",
        in_nav: true,
        needs_world: true,
        render: |settings| {
            let kinds: Vec<String> = settings
                .get("kinds")
                .map(|k| {
                    k.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            view! {
                <ViewHeader title="events.title" intro="events.intro"/>
                <Playground kind=WorldKind::Pow><EventsView kinds/></Playground>
            }
            .into_any()
        },
    },
    ViewSpec {
        name: "mempool",
        title_key: "mempool.title",
        summary_key: "mempool.summary",
        in_nav: true,
        needs_world: true,
        render: |settings| {
            let node = settings.u32("node");
            view! {
                <ViewHeader title="mempool.title" intro="mempool.intro"/>
                <Playground kind=WorldKind::Pow><MempoolView node/></Playground>
            }
            .into_any()
        },
    },
    ViewSpec {
        name: "bft",
        title_key: "bft.title",
        summary_key: "bft.summary",
        in_nav: true,
        needs_world: true,
        render: |settings| {
            let node = settings.u32("node");
            view! {
                <ViewHeader title="bft.title" intro="bft.intro"/>
                <Playground kind=WorldKind::Bft>
                    <BftView node/>
                    <NetworkView show_messages=true controls=true/>
                </Playground>
            }
            .into_any()
        },
    },
    ViewSpec {
        name: "contract",
        title_key: "contract.title",
        summary_key: "contract.summary",
        in_nav: true,
        needs_world: true,
        render: |settings| {
            let name = settings.get("name").unwrap_or_default().to_owned();
            view! {
                <ViewHeader title="contract.title" intro="contract.intro"/>
                <Playground kind=WorldKind::Pow><ContractView name/></Playground>
            }
            .into_any()
        },
    },
    ViewSpec {
        name: "bridge",
        title_key: "bridge.title",
        summary_key: "bridge.summary",
        in_nav: true,
        needs_world: true,
        render: |_| {
            view! {
                <ViewHeader title="bridge.title" intro="bridge.intro"/>
                <Playground kind=WorldKind::Islands><BridgeView/></Playground>
            }
            .into_any()
        },
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
/// and the transcript see it), and it draws the lesson's world, on the
/// chain its `chain` setting names ([`OnChain`]).
pub fn lesson_view(v: &lessons::View) -> AnyView {
    let chain = v.chain();
    let v = v.clone();
    view! { <OnChain chain>{lesson_view_on_chain(v)}</OnChain> }.into_any()
}

fn lesson_view_on_chain(v: lessons::View) -> AnyView {
    use lessons::View;
    match v {
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
        View::Mempool { node, .. } => view! { <MempoolView node/> }.into_any(),
        View::Events { kinds, .. } => view! { <EventsView kinds/> }.into_any(),
        View::Network {
            show_messages,
            controls,
            ..
        } => view! { <NetworkView show_messages controls/> }.into_any(),
        View::Blocktree { node, .. } => view! { <BlocktreeView node/> }.into_any(),
        View::Bft { node, .. } => view! { <BftView node/> }.into_any(),
        View::Contract { name, node, .. } => view! { <ContractView name node/> }.into_any(),
        View::Bridge { from, to, controls } => view! { <BridgeView from to controls/> }.into_any(),
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
