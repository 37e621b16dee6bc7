//! Connected chains ("blockchain islands"): two or more independent
//! [`World`]s, each with its own nodes, network, consensus and chain id, on
//! one simulated clock, and relayers that carry block headers and lock
//! proofs between them.
//!
//! A relayer is a program anyone could run; nothing it brings is trusted.
//! Every `period_ms` (while online) it reads the source chain (as one
//! source node sees it) and the destination chain's bridge state (as one
//! destination node sees it), and hands that node a relay transaction
//! (`bridge::relay::Relay`): the headers the destination's light client
//! lacks, and the proofs of the locks (transfers to the bridge vault) that
//! the destination would act on after those headers: deep enough, not yet
//! minted, not yet refused for good (the relayer tries each on a copy of
//! the destination's bridge, by the destination's own rules). The
//! destination node puts it in its next block, where the chain itself
//! checks each header (link, height, time, target rule, work) and each
//! proof (Merkle path, on the best branch, at the confirmation depth)
//! before it mints; the receipt is the `relay_applied` event of the
//! destination world.
//!
//! A relay has no sender and no nonce: the destination chain applies a
//! relay once per branch (a block holding one already on its branch is
//! invalid), nodes refuse one their chain already holds, and the relayer
//! does not hand it over again. It hands over one relay at a time: while
//! the node still holds the last one, it waits, so no two relays in flight
//! prove the same lock. A lock that pays the vault but names no recipient
//! is refused once and recorded as unclaimable in the bridge's state, so
//! nobody proves it again.
//!
//! What can go wrong is shown, not hidden: a relayer that is offline only
//! delays minting; a lock the source chain reorganises away before it is
//! deep enough never mints (the light client follows the heavier branch,
//! where it is "not on the best branch"); a lock reorganised away *after*
//! minting (a reorg deeper than the confirmation depth) leaves wrapped
//! coins without a lock, which is why the depth exists.
//!
//! Atomic swaps need no relayer: each party watches both chains and uses the
//! shipped `htlc` contract on each (`DeployContract` with `{"example":
//! "htlc"}`, then `lock`, `claim`, `refund` calls); see [`Islands::htlc`].

use serde::{Deserialize, Serialize};

use super::{
    Action, ActionError, ActionOutcome, ChainSpec, NodeId, World, WorldConfig, WorldError,
};
use crate::bridge::mint::vault_address;
use crate::bridge::relay::{
    MAX_RELAY_HEADERS, MAX_RELAY_PROOFS, Relay, headers_to_relay, locks_to_relay,
};
use crate::chain::{BridgeParams, ChainParams};
use crate::contract::Value;
use crate::contract::vm::StorageKey;
use crate::encode::{Encode, put_len};
use crate::hash::{BlockHash, Hash256, sha256};
use crate::keys::Address;
use crate::tx::Transaction;

/// The transcript format of connected chains.
pub const ISLANDS_FORMAT_VERSION: u32 = 1;

/// One chain of a connected world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IslandConfig {
    /// Its name, e.g. "A".
    pub name: String,
    /// Its nodes, network, engine and chain. A `lesson` chain gets chain
    /// id = its position + 1.
    pub world: WorldConfig,
    /// The seed of its random stream.
    pub seed: u64,
}

/// A relayer from one chain to another, and the bridge it feeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayerConfig {
    /// The source chain (position in `chains`).
    pub from: usize,
    /// The destination chain.
    pub to: usize,
    /// The source node it reads.
    #[serde(default)]
    pub from_node: NodeId,
    /// The destination node it hands relays to.
    #[serde(default)]
    pub to_node: NodeId,
    /// How often it relays, in simulated milliseconds.
    pub period_ms: u64,
    /// The destination chain's rule: confirmations a lock needs before it
    /// mints (part of the destination's chain parameters).
    pub min_confirmations: u64,
    /// Whether it starts online.
    #[serde(default = "yes")]
    pub online: bool,
}

fn yes() -> bool {
    true
}

/// Everything a connected world starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IslandsConfig {
    /// The chains.
    pub chains: Vec<IslandConfig>,
    /// The relayers.
    #[serde(default)]
    pub relayers: Vec<RelayerConfig>,
}

/// One change to a connected world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum IslandsAction {
    /// An action on one chain's world (send, deploy, call, mine, partition,
    /// ...). Time-moving actions move only that chain's clock; use
    /// `advance_time` to move all of them together.
    On {
        /// The chain.
        chain: usize,
        /// The action.
        action: Action,
    },
    /// Bring a relayer online.
    StartRelayer {
        /// The relayer.
        relayer: usize,
    },
    /// Take a relayer offline (it relays nothing until started again).
    StopRelayer {
        /// The relayer.
        relayer: usize,
    },
    /// Let `ms` of simulated time pass on every chain, relayers relaying on
    /// their periods.
    AdvanceTime {
        /// Milliseconds.
        ms: u64,
    },
}

/// Why a connected world refused an action or could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IslandsError {
    /// No chain at this position.
    #[error("there is no chain {0}")]
    UnknownChain(usize),
    /// No relayer at this position.
    #[error("there is no relayer {0}")]
    UnknownRelayer(usize),
    /// Two chains share an id.
    #[error("chains {a} and {b} share chain id {id}; each island needs its own")]
    SameChainId {
        /// One chain.
        a: usize,
        /// The other.
        b: usize,
        /// The id.
        id: u32,
    },
    /// The source of a bridge is not proof of work (the light client
    /// follows proof of work only).
    #[error("chain {0} is not proof of work, so no light client can follow it yet")]
    NotProofOfWork(usize),
    /// A relayer from a chain to itself.
    #[error("relayer {0} goes from a chain to itself")]
    SelfRelay(usize),
    /// A chain's world could not be built.
    #[error("chain {chain}: {error}")]
    World {
        /// The chain.
        chain: usize,
        /// Why.
        error: WorldError,
    },
    /// A chain's world refused the action.
    #[error("chain {chain}: {error}")]
    Action {
        /// The chain.
        chain: usize,
        /// Why (boxed: a world's refusals are large and rare).
        error: Box<ActionError>,
    },
}

/// Something a relayer did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IslandEvent {
    /// A relayer handed headers and proofs to the destination chain.
    HeadersRelayed {
        /// The relayer.
        relayer: usize,
        /// Source chain position.
        from: usize,
        /// Destination chain position.
        to: usize,
        /// Headers carried.
        headers: usize,
        /// The lowest and highest height carried, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        heights: Option<(u64, u64)>,
        /// Lock proofs carried.
        proofs: usize,
    },
    /// A relayer went online or offline.
    RelayerOnline {
        /// The relayer.
        relayer: usize,
        /// Whether it is online now.
        online: bool,
    },
    /// A relayer could not hand over its relay (destination node silent).
    RelayFailed {
        /// The relayer.
        relayer: usize,
        /// Why.
        reason: String,
    },
}

/// An entry of the connected world's own event log (each chain's world has
/// its own log too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IslandLogged {
    /// Simulated time.
    pub at_ms: u64,
    /// What happened.
    #[serde(flatten)]
    pub event: IslandEvent,
}

/// A connected world as data: replaying its actions gives the same world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IslandsTranscript {
    /// Always [`ISLANDS_FORMAT_VERSION`].
    pub format_version: u32,
    /// A title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// What it shows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The starting configuration.
    pub config: IslandsConfig,
    /// Every action, accepted or refused, in order.
    pub actions: Vec<IslandsAction>,
}

impl IslandsConfig {
    /// Two proof-of-work lesson chains "A" (id 1) and "B" (id 2) of
    /// `nodes` nodes each at `bits` of difficulty mining at
    /// `hashes_per_sec` (0: only `mine` actions make blocks), every key of
    /// `funds` funded on both and held by every node's wallet, and one
    /// relayer A → B (node 0 to node 0) every `period_ms` for a bridge
    /// needing `min_confirmations`.
    pub fn two_chains(
        nodes: u32,
        bits: u32,
        hashes_per_sec: u64,
        funds: &[(&str, u64)],
        period_ms: u64,
        min_confirmations: u64,
    ) -> Self {
        let world = |seed: u64, name: &str| {
            let mut w = WorldConfig::pow(nodes, bits, hashes_per_sec);
            w.funds = funds
                .iter()
                .map(|(n, a)| super::Fund {
                    name: (*n).to_owned(),
                    amount: crate::amount::Amount::new(*a),
                })
                .collect();
            for n in &mut w.nodes {
                n.name = format!("{name}-{}", n.name);
                n.keys = funds.iter().map(|(k, _)| (*k).to_owned()).collect();
            }
            IslandConfig {
                name: name.to_owned(),
                world: w,
                seed,
            }
        };
        IslandsConfig {
            chains: vec![world(1, "A"), world(2, "B")],
            relayers: vec![RelayerConfig {
                from: 0,
                to: 1,
                from_node: NodeId(0),
                to_node: NodeId(0),
                period_ms,
                min_confirmations,
                online: true,
            }],
        }
    }
}

#[derive(Clone, Debug)]
struct Relayer {
    config: RelayerConfig,
    online: bool,
    next_ms: u64,
}

/// An HTLC as its storage shows it (see `contracts/htlc.contract`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HtlcView {
    /// 0 empty, 1 locked, 2 claimed, 3 refunded.
    pub state: u64,
    /// Coins locked.
    pub amount: u64,
    /// The refund height.
    pub timeout: u64,
    /// The secret, once claimed.
    pub secret: Option<Vec<u8>>,
}

/// Two or more chains on one clock, with relayers. See the module docs.
#[derive(Debug)]
pub struct Islands {
    config: IslandsConfig,
    worlds: Vec<World>,
    relayers: Vec<Relayer>,
    now_ms: u64,
    events: Vec<IslandLogged>,
    history: Vec<IslandsAction>,
}

impl Islands {
    /// Builds the chains (giving `lesson` chains ids 1, 2, ... and every
    /// destination a bridge per relayer into it) and the relayers.
    pub fn new(config: IslandsConfig) -> Result<Islands, IslandsError> {
        let mut params: Vec<ChainParams> = Vec::new();
        for (i, c) in config.chains.iter().enumerate() {
            let mut p = c.world.params();
            if matches!(c.world.chain, ChainSpec::Lesson { .. }) {
                p.chain_id = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
            }
            if let Some((a, q)) = params
                .iter()
                .enumerate()
                .find(|(_, q)| q.chain_id == p.chain_id)
            {
                return Err(IslandsError::SameChainId {
                    a,
                    b: i,
                    id: q.chain_id,
                });
            }
            params.push(p);
        }
        for (r, rc) in config.relayers.iter().enumerate() {
            if rc.from == rc.to {
                return Err(IslandsError::SelfRelay(r));
            }
            let source = params
                .get(rc.from)
                .cloned()
                .ok_or(IslandsError::UnknownChain(rc.from))?;
            if !source.consensus.is_proof_of_work() {
                return Err(IslandsError::NotProofOfWork(rc.from));
            }
            let dest = params
                .get_mut(rc.to)
                .ok_or(IslandsError::UnknownChain(rc.to))?;
            if !dest
                .bridges
                .iter()
                .any(|b| b.source.chain_id == source.chain_id)
            {
                // The source's own bridges are not part of what the light
                // client needs.
                let mut source = source;
                source.bridges.clear();
                dest.bridges.push(BridgeParams {
                    source: Box::new(source),
                    min_confirmations: rc.min_confirmations,
                });
            }
        }
        let mut worlds = Vec::new();
        for (i, (c, p)) in config.chains.iter().zip(params).enumerate() {
            let mut wc = c.world.clone();
            wc.chain = ChainSpec::Params(p);
            // The funds are now in the parameters' allocations.
            wc.funds.clear();
            worlds.push(
                World::new(wc, c.seed).map_err(|error| IslandsError::World { chain: i, error })?,
            );
        }
        let relayers = config
            .relayers
            .iter()
            .map(|rc| Relayer {
                config: rc.clone(),
                online: rc.online,
                next_ms: rc.period_ms.max(1),
            })
            .collect();
        Ok(Islands {
            config,
            worlds,
            relayers,
            now_ms: 0,
            events: Vec::new(),
            history: Vec::new(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &IslandsConfig {
        &self.config
    }

    /// The shared clock.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// How many chains.
    pub fn chain_count(&self) -> usize {
        self.worlds.len()
    }

    /// One chain's world (its nodes, event log, views).
    pub fn world(&self, chain: usize) -> Option<&World> {
        self.worlds.get(chain)
    }

    /// A chain's id.
    pub fn chain_id(&self, chain: usize) -> Option<u32> {
        self.worlds
            .get(chain)
            .and_then(|w| w.chain(NodeId(0)))
            .map(|c| c.params().chain_id)
    }

    /// The bridge vault on chain `from` for the bridge into chain `to`:
    /// pay it with the memo `bridge:<recipient address on to, in hex>`.
    pub fn vault(&self, from: usize, to: usize) -> Option<Address> {
        Some(vault_address(self.chain_id(from)?, self.chain_id(to)?))
    }

    /// Wrapped coins of `who` on chain `to`, minted for locks on `from`, as
    /// `node` of `to` sees it.
    pub fn wrapped_balance(&self, to: usize, node: NodeId, from: usize, who: &Address) -> u64 {
        let Some(source) = self.chain_id(from) else {
            return 0;
        };
        self.worlds
            .get(to)
            .and_then(|w| w.chain(node))
            .and_then(|c| c.ledger().bridge(source))
            .map_or(0, |b| b.wrapped_balance(who).get())
    }

    /// Whether relayer `r` is online.
    pub fn relayer_online(&self, r: usize) -> Option<bool> {
        self.relayers.get(r).map(|x| x.online)
    }

    /// The connected world's own event log (relayers).
    pub fn events(&self) -> &[IslandLogged] {
        &self.events
    }

    /// The actions applied so far.
    pub fn history(&self) -> &[IslandsAction] {
        &self.history
    }

    /// The HTLC at `contract` on `chain`, as `node` sees it.
    pub fn htlc(&self, chain: usize, node: NodeId, contract: &Address) -> Option<HtlcView> {
        let c = self.worlds.get(chain)?.contract(node, contract)?;
        let get = |name: &str| {
            c.storage.get(&StorageKey {
                name: name.into(),
                key: None,
            })
        };
        let int = |name: &str| get(name).and_then(Value::as_int).unwrap_or(0);
        Some(HtlcView {
            state: int("state"),
            amount: int("amount"),
            timeout: int("timeout"),
            secret: match get("secret") {
                Some(Value::Bytes(b)) => Some(b.clone()),
                _ => None,
            },
        })
    }

    /// As data.
    pub fn transcript(&self) -> IslandsTranscript {
        IslandsTranscript {
            format_version: ISLANDS_FORMAT_VERSION,
            title: String::new(),
            description: String::new(),
            config: self.config.clone(),
            actions: self.history.clone(),
        }
    }

    /// Replays a transcript (refused actions are refused again).
    pub fn replay(t: &IslandsTranscript) -> Result<Islands, IslandsError> {
        let mut i = Islands::new(t.config.clone())?;
        for a in &t.actions {
            let _ = i.apply(a.clone());
        }
        Ok(i)
    }

    /// One hash over every chain's world digest, the relayers and the
    /// clock: equal digests mean equal connected worlds.
    pub fn digest(&self) -> Hash256 {
        let mut b = Vec::new();
        self.now_ms.encode_to(&mut b);
        put_len(&mut b, self.worlds.len());
        for w in &self.worlds {
            b.extend_from_slice(w.digest().to_hex().as_bytes());
        }
        put_len(&mut b, self.relayers.len());
        for r in &self.relayers {
            b.push(u8::from(r.online));
            r.next_ms.encode_to(&mut b);
        }
        put_len(&mut b, self.events.len());
        sha256(&b)
    }

    /// Applies an action; it is recorded whether accepted or refused.
    pub fn apply(&mut self, action: IslandsAction) -> Result<(), IslandsError> {
        self.apply_with_outcome(action).map(|_| ())
    }

    /// Applies an action like [`Islands::apply`] and says what it did: for
    /// `on`, the chain's own [`ActionOutcome`] (the transaction sent, the
    /// contract deployed, the block produced, ...); for the others, the
    /// events processed on every chain together.
    pub fn apply_with_outcome(
        &mut self,
        action: IslandsAction,
    ) -> Result<ActionOutcome, IslandsError> {
        let result = self.apply_inner(&action);
        self.history.push(action);
        result
    }

    /// Events processed by every chain's world together.
    pub fn events_processed(&self) -> u64 {
        self.worlds
            .iter()
            .fold(0u64, |n, w| n.saturating_add(w.stats().events))
    }

    fn apply_inner(&mut self, action: &IslandsAction) -> Result<ActionOutcome, IslandsError> {
        let before = self.events_processed();
        let processed = |me: &Self| ActionOutcome {
            events: me.events_processed().saturating_sub(before),
            ..ActionOutcome::default()
        };
        match action {
            IslandsAction::On { chain, action } => {
                let w = self
                    .worlds
                    .get_mut(*chain)
                    .ok_or(IslandsError::UnknownChain(*chain))?;
                w.apply(action.clone())
                    .map_err(|error| IslandsError::Action {
                        chain: *chain,
                        error: Box::new(error),
                    })
            }
            IslandsAction::StartRelayer { relayer } => {
                self.set_online(*relayer, true)?;
                Ok(processed(self))
            }
            IslandsAction::StopRelayer { relayer } => {
                self.set_online(*relayer, false)?;
                Ok(processed(self))
            }
            IslandsAction::AdvanceTime { ms } => {
                self.advance(*ms);
                Ok(processed(self))
            }
        }
    }

    fn set_online(&mut self, r: usize, online: bool) -> Result<(), IslandsError> {
        let now = self.now_ms;
        let relayer = self
            .relayers
            .get_mut(r)
            .ok_or(IslandsError::UnknownRelayer(r))?;
        if relayer.online != online {
            relayer.online = online;
            relayer.next_ms = now.saturating_add(relayer.config.period_ms.max(1));
        }
        self.log(IslandEvent::RelayerOnline { relayer: r, online });
        Ok(())
    }

    fn log(&mut self, event: IslandEvent) {
        self.events.push(IslandLogged {
            at_ms: self.now_ms,
            event,
        });
    }

    /// Moves every chain's clock to `now + ms` in steps, relaying at each
    /// online relayer's period.
    fn advance(&mut self, ms: u64) {
        let end = self.now_ms.saturating_add(ms);
        loop {
            let next = self
                .relayers
                .iter()
                .filter(|r| r.online)
                .map(|r| r.next_ms)
                .min()
                .unwrap_or(end)
                .clamp(self.now_ms, end);
            for w in &mut self.worlds {
                let step = next.saturating_sub(w.now_ms());
                // AdvanceTime is never refused.
                let _ = w.apply(Action::AdvanceTime { ms: step });
            }
            self.now_ms = next;
            for r in 0..self.relayers.len() {
                let due = self
                    .relayers
                    .get(r)
                    .is_some_and(|x| x.online && x.next_ms <= next);
                if due {
                    self.relay(r);
                    if let Some(x) = self.relayers.get_mut(r) {
                        x.next_ms = next.saturating_add(x.config.period_ms.max(1));
                    }
                }
            }
            if next >= end {
                break;
            }
        }
    }

    /// One relay round of relayer `r`.
    fn relay(&mut self, r: usize) {
        let Some(rc) = self.relayers.get(r).map(|x| x.config.clone()) else {
            return;
        };
        let Some(relay) = self.build_relay(&rc) else {
            return;
        };
        let heights = match (relay.headers.first(), relay.headers.last()) {
            (Some(a), Some(b)) => Some((a.height, b.height)),
            _ => None,
        };
        let (headers, proofs) = (relay.headers.len(), relay.proofs.len());
        let Some(dest) = self.worlds.get_mut(rc.to) else {
            return;
        };
        match dest.submit_relay(rc.to_node, relay) {
            Ok(_) => self.log(IslandEvent::HeadersRelayed {
                relayer: r,
                from: rc.from,
                to: rc.to,
                headers,
                heights,
                proofs,
            }),
            Err(e) => self.log(IslandEvent::RelayFailed {
                relayer: r,
                reason: e.to_string(),
            }),
        }
    }

    /// What relayer `rc` would hand over now: headers the destination's
    /// light client lacks, and proofs of the locks the destination would
    /// mint for, or refuse for good (once: it records them), after those
    /// headers (`bridge::relay::locks_to_relay`). `None` while the node
    /// still holds a relay from this source for its next block, when there
    /// is nothing new, or when its chain already has this very relay.
    fn build_relay(&self, rc: &RelayerConfig) -> Option<Relay> {
        let source_world = self.worlds.get(rc.from)?;
        let source = source_world.chain(rc.from_node)?;
        let dest_world = self.worlds.get(rc.to)?;
        let dest = dest_world.chain(rc.to_node)?;
        let source_id = source.params().chain_id;
        // One relay in flight at a time: while the node still holds one
        // for its next block, the relayer waits. (A newer relay would carry
        // the same proofs again, and if the older one, gossiped to other
        // nodes, landed first, the newer would prove them a second time.)
        if dest_world.pending_relay(rc.to_node, source_id).is_some() {
            return None;
        }
        // The relayer runs the destination's own rules on a copy of its
        // bridge: first the headers, then each lock.
        let mut bridge = dest.ledger().bridge(source_id)?.clone();
        let headers = headers_to_relay(source, &bridge.light, MAX_RELAY_HEADERS as usize);
        bridge.apply_relay(&Relay {
            source_chain: source_id,
            headers: headers.clone(),
            proofs: Vec::new(),
        });
        let proofs = locks_to_relay(source, &bridge, MAX_RELAY_PROOFS as usize);
        if headers.is_empty() && proofs.is_empty() {
            return None;
        }
        let relay = Relay {
            source_chain: source_id,
            headers,
            proofs,
        };
        // Nothing to hand over if its chain has applied this very relay (a
        // relay runs once per branch).
        let id = Transaction::Relay(relay.clone()).id();
        if dest.find_tx(&id).is_some() {
            return None;
        }
        Some(relay)
    }
}

/// The connected-chain scenarios: (name, transcript JSON) under
/// `sandbox-chain/scenarios/islands/`, compiled in (so they load in wasm32
/// too). They are written and checked by the integration tests.
const SCENARIOS: &[(&str, &str)] = &[
    (
        "bridge-transfer",
        include_str!("../../scenarios/islands/bridge-transfer.json"),
    ),
    (
        "relayer-outage",
        include_str!("../../scenarios/islands/relayer-outage.json"),
    ),
    (
        "reorg-under-bridge-transfer",
        include_str!("../../scenarios/islands/reorg-under-bridge-transfer.json"),
    ),
    (
        "atomic-swap",
        include_str!("../../scenarios/islands/atomic-swap.json"),
    ),
    (
        "swap-refund",
        include_str!("../../scenarios/islands/swap-refund.json"),
    ),
];

/// The names of the connected-chain scenarios.
pub fn scenario_names() -> Vec<&'static str> {
    SCENARIOS.iter().map(|(n, _)| *n).collect()
}

/// A connected-chain scenario's transcript, if there is one by that name.
pub fn scenario_transcript(name: &str) -> Option<Result<IslandsTranscript, crate::ImportError>> {
    SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| crate::json::from_json_bounded(json))
}

/// The tip of `chain`'s world as `node` sees it (for tests and views).
pub fn tip_of(islands: &Islands, chain: usize, node: NodeId) -> Option<BlockHash> {
    islands.world(chain)?.chain(node).map(|c| c.tip())
}
