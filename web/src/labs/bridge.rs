//! The bridge view's logic over connected chains ([`Islands`]): each
//! chain's height and tip, each bridge's light client (the headers the
//! destination chain checked itself), the vault on the source, the wrapped
//! coins on the destination, the relayers and what they carried, and the
//! lock action a student sends.

use sandbox_chain::amount::Amount;
use sandbox_chain::keys::{Address, Keypair};
use sandbox_chain::world::islands::{IslandEvent, Islands, IslandsAction};
use sandbox_chain::world::{Action, NodeId, WorldEvent};

/// One chain, as its node 0 sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainCard {
    /// Position.
    pub index: usize,
    /// Its name ("A").
    pub name: String,
    /// Chain id.
    pub chain_id: u32,
    /// Height.
    pub height: u64,
    /// Tip, shortened.
    pub tip: String,
    /// Canonical block hashes, newest last (shortened), at most 8.
    pub recent: Vec<(u64, String)>,
    /// Balances of the funded keys: (name, coins).
    pub balances: Vec<(String, u64)>,
}

/// One bridge (one relayer's source and destination).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeCard {
    /// The relayer.
    pub relayer: usize,
    /// Source chain position.
    pub from: usize,
    /// Destination.
    pub to: usize,
    /// Online.
    pub online: bool,
    /// Relay period.
    pub period_ms: u64,
    /// Confirmations a lock needs.
    pub min_confirmations: u64,
    /// The vault's address on the source (hex).
    pub vault: String,
    /// Coins locked in the vault.
    pub vault_balance: u64,
    /// The destination's light client of the source: height and tip.
    pub light_height: u64,
    /// Its tip, shortened.
    pub light_tip: String,
    /// The source's real height, to compare.
    pub source_height: u64,
    /// Wrapped coins in circulation on the destination.
    pub supply: u64,
    /// Wrapped balances by holder: (name or short address, coins).
    pub wrapped: Vec<(String, u64)>,
    /// Locks minted so far.
    pub minted: usize,
    /// Locks the destination refused for good (they named no recipient):
    /// their ids, shortened. Their coins stay in the vault.
    pub unclaimable: Vec<String>,
}

/// Something carried between chains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trip {
    /// Position in the connected world's log.
    pub index: usize,
    /// Simulated time.
    pub at_ms: u64,
    /// The relayer.
    pub relayer: usize,
    /// Source.
    pub from: usize,
    /// Destination.
    pub to: usize,
    /// Headers carried.
    pub headers: usize,
    /// Their heights.
    pub heights: Option<(u64, u64)>,
    /// Lock proofs carried.
    pub proofs: usize,
    /// The relay failed (the reason).
    pub failed: Option<String>,
}

/// A mint (or refusal) on a destination chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MintRow {
    /// Chain position.
    pub chain: usize,
    /// Height of the block that ran the relay.
    pub height: u64,
    /// Headers the light client took.
    pub headers: u32,
    /// Coins minted, to whom.
    pub minted: Vec<(String, u64)>,
    /// Claims refused, with why.
    pub refused: Vec<String>,
}

/// The whole picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgePicture {
    /// Shared clock.
    pub now_ms: u64,
    /// Chains.
    pub chains: Vec<ChainCard>,
    /// Bridges.
    pub bridges: Vec<BridgeCard>,
    /// Relays, newest first.
    pub trips: Vec<Trip>,
    /// Mints, newest first.
    pub mints: Vec<MintRow>,
}

/// Names of every key funded or held on any chain, to label addresses.
fn known_names(islands: &Islands) -> Vec<(String, Address)> {
    let mut names: Vec<String> = Vec::new();
    for c in &islands.config().chains {
        for f in &c.world.funds {
            names.push(f.name.clone());
        }
        for n in &c.world.nodes {
            names.extend(n.keys.iter().cloned());
        }
    }
    for n in ["alice", "bob", "carol"] {
        names.push(n.to_owned());
    }
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|n| {
            let a = Keypair::from_name(&n).address();
            (n, a)
        })
        .collect()
}

fn label(names: &[(String, Address)], a: &Address) -> String {
    names
        .iter()
        .find(|(_, x)| x == a)
        .map_or_else(|| a.short(), |(n, _)| n.clone())
}

impl BridgePicture {
    /// The picture of `islands`.
    pub fn of(islands: &Islands) -> BridgePicture {
        let names = known_names(islands);
        let node = NodeId(0);
        let chains = (0..islands.chain_count())
            .filter_map(|i| {
                let w = islands.world(i)?;
                let chain = w.chain(node)?;
                let canon = chain.canonical_chain();
                let recent = canon
                    .iter()
                    .enumerate()
                    .skip(canon.len().saturating_sub(8))
                    .map(|(h, x)| (h as u64, x.short()))
                    .collect();
                let balances = names
                    .iter()
                    .filter_map(|(n, a)| {
                        let b = chain.ledger().balance(a).get();
                        (b > 0).then(|| (n.clone(), b))
                    })
                    .collect();
                Some(ChainCard {
                    index: i,
                    name: islands
                        .config()
                        .chains
                        .get(i)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    chain_id: chain.params().chain_id,
                    height: chain.height(),
                    tip: chain.tip().short(),
                    recent,
                    balances,
                })
            })
            .collect();
        let bridges = islands
            .config()
            .relayers
            .iter()
            .enumerate()
            .filter_map(|(r, rc)| {
                let src = islands.world(rc.from)?.chain(rc.from_node)?;
                let dest = islands.world(rc.to)?.chain(rc.to_node)?;
                let bridge = dest.ledger().bridge(src.params().chain_id)?;
                let vault = islands.vault(rc.from, rc.to)?;
                Some(BridgeCard {
                    relayer: r,
                    from: rc.from,
                    to: rc.to,
                    online: islands.relayer_online(r).unwrap_or(false),
                    period_ms: rc.period_ms,
                    min_confirmations: bridge.min_confirmations,
                    vault: vault.to_hex(),
                    vault_balance: src.ledger().balance(&vault).get(),
                    light_height: bridge.light.height(),
                    light_tip: bridge.light.tip().short(),
                    source_height: src.height(),
                    supply: bridge.supply().get(),
                    wrapped: bridge
                        .wrapped()
                        .map(|(a, v)| (label(&names, a), v.get()))
                        .collect(),
                    minted: bridge.minted().count(),
                    unclaimable: bridge.unclaimable().map(|t| t.short()).collect(),
                })
            })
            .collect();
        let trips = islands
            .events()
            .iter()
            .enumerate()
            .rev()
            .filter_map(|(index, e)| match &e.event {
                IslandEvent::HeadersRelayed {
                    relayer,
                    from,
                    to,
                    headers,
                    heights,
                    proofs,
                } => Some(Trip {
                    index,
                    at_ms: e.at_ms,
                    relayer: *relayer,
                    from: *from,
                    to: *to,
                    headers: *headers,
                    heights: *heights,
                    proofs: *proofs,
                    failed: None,
                }),
                IslandEvent::RelayFailed { relayer, reason } => {
                    let rc = islands.config().relayers.get(*relayer)?;
                    Some(Trip {
                        index,
                        at_ms: e.at_ms,
                        relayer: *relayer,
                        from: rc.from,
                        to: rc.to,
                        headers: 0,
                        heights: None,
                        proofs: 0,
                        failed: Some(reason.clone()),
                    })
                }
                IslandEvent::RelayerOnline { .. } => None,
            })
            .take(12)
            .collect();
        let mut mints = Vec::new();
        for i in 0..islands.chain_count() {
            let Some(w) = islands.world(i) else { continue };
            for e in w.events() {
                if let WorldEvent::RelayApplied {
                    node: n,
                    height,
                    receipt,
                    ..
                } = &e.event
                    && *n == node
                {
                    mints.push((
                        e.at_ms,
                        MintRow {
                            chain: i,
                            height: *height,
                            headers: receipt.headers_accepted,
                            minted: receipt
                                .minted
                                .iter()
                                .map(|m| (label(&names, &m.to), m.amount.get()))
                                .collect(),
                            refused: receipt
                                .claims_refused
                                .iter()
                                .map(|c| c.reason.clone())
                                .collect(),
                        },
                    ));
                }
            }
        }
        mints.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        BridgePicture {
            now_ms: islands.now_ms(),
            chains,
            bridges,
            trips,
            mints: mints.into_iter().map(|(_, m)| m).take(12).collect(),
        }
    }
}

/// The action that locks `amount` coins of key `from` on the bridge's
/// source chain for `recipient` (a key name or 40 hex digits) on its
/// destination: a transfer to the vault with the memo
/// `bridge:<recipient>`, sent by the source's node 0.
pub fn lock_action(
    islands: &Islands,
    relayer: usize,
    from: &str,
    recipient: &str,
    amount: &str,
) -> Result<IslandsAction, String> {
    let rc = islands
        .config()
        .relayers
        .get(relayer)
        .ok_or_else(|| format!("there is no bridge {relayer}"))?;
    let vault = islands
        .vault(rc.from, rc.to)
        .ok_or_else(|| "this bridge has no vault".to_owned())?;
    let amount: u64 = amount
        .trim()
        .parse()
        .ok()
        .filter(|a| *a > 0)
        .ok_or_else(|| {
            format!(
                "the amount must be a whole number above 0, not `{}`",
                amount.trim()
            )
        })?;
    let r = recipient.trim();
    let to = if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) {
        r.to_ascii_lowercase()
    } else if !r.is_empty() && !r.contains(char::is_whitespace) {
        Keypair::from_name(r).address().to_hex()
    } else {
        return Err("write the recipient's key name (such as bob) or address".to_owned());
    };
    Ok(IslandsAction::On {
        chain: rc.from,
        action: Action::SendTransaction {
            node: rc.from_node,
            from: from.trim().to_owned(),
            to: vault.to_hex(),
            amount: Amount::new(amount),
            fee: Amount::new(1),
            memo: format!("bridge:{to}"),
            nonce: None,
        },
    })
}

/// The playground's connected world ([`WorldKind::Islands`]'s chains).
///
/// [`WorldKind::Islands`]: crate::labs::playground::WorldKind::Islands
pub fn playground() -> Result<Islands, String> {
    Islands::new(crate::labs::playground::islands_config()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mine(i: &mut Islands, chain: usize) {
        i.apply(IslandsAction::On {
            chain,
            action: Action::Mine { node: NodeId(0) },
        })
        .unwrap();
        i.apply(IslandsAction::AdvanceTime { ms: 1_000 }).unwrap();
    }

    /// Buries a lock on A under enough blocks, then lets B take the relay.
    fn bury_and_relay(i: &mut Islands) {
        for _ in 0..4 {
            mine(i, 0);
        }
        for _ in 0..3 {
            mine(i, 1);
        }
    }

    /// A lock on A, made deep enough, is relayed and minted on B; the
    /// picture shows the vault, the light client catching up, the trip and
    /// the mint.
    #[test]
    fn a_lock_is_relayed_and_minted_and_the_picture_shows_it() {
        let mut i = playground().unwrap();
        let p = BridgePicture::of(&i);
        assert_eq!(p.chains.len(), 2);
        assert_eq!(p.bridges.len(), 1);
        assert!(p.bridges[0].online);
        assert_eq!(p.bridges[0].vault_balance, 0);
        let lock = lock_action(&i, 0, "alice", "bob", "40").unwrap();
        i.apply(lock).unwrap();
        bury_and_relay(&mut i);
        let p = BridgePicture::of(&i);
        let b = &p.bridges[0];
        assert_eq!(b.vault_balance, 40);
        assert!(b.light_height >= 3, "{b:?}");
        assert_eq!(b.supply, 40, "{p:?}");
        assert_eq!(b.wrapped, vec![("bob".to_owned(), 40)]);
        assert!(!p.trips.is_empty());
        assert!(p.trips.iter().any(|t| t.proofs == 1));
        assert!(
            p.mints
                .iter()
                .any(|m| m.minted == vec![("bob".to_owned(), 40)])
        );
        assert!(
            p.chains[0]
                .balances
                .iter()
                .any(|(n, c)| n == "alice" && *c < 1_000)
        );
    }

    /// A payment to the vault that names no recipient is proven once,
    /// refused for good, and listed as unclaimable; its coins stay locked.
    #[test]
    fn a_lock_naming_nobody_is_listed_as_unclaimable() {
        let mut i = playground().unwrap();
        let vault = i.vault(0, 1).unwrap();
        i.apply(IslandsAction::On {
            chain: 0,
            action: Action::SendTransaction {
                node: NodeId(0),
                from: "alice".to_owned(),
                to: vault.to_hex(),
                amount: Amount::new(25),
                fee: Amount::new(1),
                memo: String::new(),
                nonce: None,
            },
        })
        .unwrap();
        assert!(BridgePicture::of(&i).bridges[0].unclaimable.is_empty());
        bury_and_relay(&mut i);
        let p = BridgePicture::of(&i);
        let b = &p.bridges[0];
        assert_eq!(b.vault_balance, 25, "{b:?}");
        assert_eq!(b.supply, 0, "{b:?}");
        assert_eq!(b.unclaimable.len(), 1, "{b:?}");
        assert!(p.mints.iter().any(|m| !m.refused.is_empty()), "{p:?}");
    }

    #[test]
    fn a_stopped_relayer_carries_nothing() {
        let mut i = playground().unwrap();
        i.apply(IslandsAction::StopRelayer { relayer: 0 }).unwrap();
        mine(&mut i, 0);
        mine(&mut i, 0);
        let p = BridgePicture::of(&i);
        assert!(!p.bridges[0].online);
        assert!(p.trips.is_empty());
        assert_eq!(p.bridges[0].light_height, 0);
    }

    #[test]
    fn bad_lock_forms_say_why() {
        let i = playground().unwrap();
        assert!(
            lock_action(&i, 0, "alice", "bob", "0")
                .unwrap_err()
                .contains("above 0")
        );
        assert!(
            lock_action(&i, 0, "alice", " ", "5")
                .unwrap_err()
                .contains("recipient")
        );
        assert!(
            lock_action(&i, 3, "alice", "bob", "5")
                .unwrap_err()
                .contains("no bridge")
        );
    }
}
