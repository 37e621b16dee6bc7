//! The state digest: one hash over everything that decides a world's
//! future. Two worlds with the same digest behave the same from then on;
//! replaying a transcript must reproduce its digest exactly.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::encode::{Encode, put_bytes, put_len};
use crate::hash::{Hash256, HexError, sha256};

use super::net::Message;
use super::{Pending, World};

/// The tag hashed in front of the digest's body.
pub const WORLD_STATE_TAG: &str = "chainlab:world-state:v1";

/// The digest of a world's whole state. See [`World::digest`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorldDigest(Hash256);

impl WorldDigest {
    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        self.0.to_hex()
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Result<Self, HexError> {
        Hash256::from_hex(s).map(WorldDigest)
    }
}

impl fmt::Display for WorldDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for WorldDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WorldDigest({})", self.to_hex())
    }
}

impl FromStr for WorldDigest {
    type Err = HexError;
    fn from_str(s: &str) -> Result<Self, HexError> {
        Self::from_hex(s)
    }
}

impl Serialize for WorldDigest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for WorldDigest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Hash256::deserialize(d).map(WorldDigest)
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

impl World {
    /// One hash over the world's whole state:
    /// `SHA-256("chainlab:world-state:v1" || 0x00 || body)`, where `body`
    /// is the canonical big-endian encoding (counts and lengths as u32) of,
    /// in order:
    ///
    /// 1. the seed (u64), the clock (u64), the random stream's position
    ///    (u128 words drawn) and the scheduler's next sequence number (u64);
    /// 2. the number of nodes, then for each node in id order: its name,
    ///    tip hash, height, ledger state root, every stored block hash in
    ///    (height, hash) order, pending transaction ids in id order, the ids
    ///    of transactions it has seen, its wallet (name, address) in name
    ///    order, mining power (u64), behaviour (u8), finalised block (u8
    ///    flag, then height and hash), blocks it asked for (hash, time) in
    ///    hash order, its engine's state bytes
    ///    ([`Engine::encode_state`](super::Engine::encode_state)), and on a
    ///    permissioned chain only (a fact of the configuration, the same
    ///    for the whole world) its membership root
    ///    ([`Membership::root`](crate::identity::Membership::root)) and
    ///    its governance proposals (count, then each proposal's canonical
    ///    bytes, length-prefixed, in the order of their governance bytes);
    /// 3. the network: each node's partition group (u32), cut links
    ///    (u32, u32) and link overrides (ends, latency u64, jitter u64,
    ///    loss u16), in link order;
    /// 4. the event queue in (time, sequence) order: time, sequence, then
    ///    0 and (from, to, departure, lost flag, message) for a message or
    ///    1 and (node, tag) for a timer, or 2 and (node, peer, block hash,
    ///    attempt u32) for a block request's retry; a message is its kind's tag (0 tx,
    ///    1 inv, 2 getblock, 3 block, 4 engine, 5 governance, 6 txs) then the
    ///    transaction id or block hash, the engine kind and payload, the
    ///    proposal's canonical bytes (length-prefixed), or the count and
    ///    ids of the transactions;
    /// 5. the number of events in the event log and of actions in the
    ///    action log (u64 each).
    ///
    /// The full definition, with the reasons, is in `docs/world.md`.
    pub fn digest(&self) -> WorldDigest {
        let mut b = Vec::with_capacity(4096);
        self.seed.encode_to(&mut b);
        self.now_ms.encode_to(&mut b);
        b.extend_from_slice(&self.rng.get_word_pos().to_be_bytes());
        self.next_seq.encode_to(&mut b);

        put_len(&mut b, self.nodes.len());
        for (n, engine) in self.nodes.iter().zip(&self.engines) {
            put_str(&mut b, &n.name);
            n.chain.tip().encode_to(&mut b);
            n.chain.height().encode_to(&mut b);
            n.chain.ledger().state_root().encode_to(&mut b);
            let blocks = n.chain.blocks();
            put_len(&mut b, blocks.len());
            for info in &blocks {
                info.hash.encode_to(&mut b);
            }
            put_len(&mut b, n.pool.len());
            for (t, _) in n.pool.iter_txs() {
                t.encode_to(&mut b);
            }
            // Pending relays (connected chains only; a world without a
            // relayer hashes as before).
            if !n.relays.is_empty() {
                put_len(&mut b, n.relays.len());
                for r in n.relays.values() {
                    r.id().encode_to(&mut b);
                }
            }
            put_len(&mut b, n.seen_txs.len());
            for t in &n.seen_txs {
                t.encode_to(&mut b);
            }
            put_len(&mut b, n.wallet.len());
            for (name, key) in &n.wallet {
                put_str(&mut b, name);
                key.address().encode_to(&mut b);
            }
            n.hashrate.encode_to(&mut b);
            b.push(n.behaviour.code());
            match n.finalized {
                Some((height, hash)) => {
                    b.push(1);
                    height.encode_to(&mut b);
                    hash.encode_to(&mut b);
                }
                None => b.push(0),
            }
            put_len(&mut b, n.requested.len());
            for (hash, at) in &n.requested {
                hash.encode_to(&mut b);
                at.encode_to(&mut b);
            }
            let mut state = Vec::new();
            engine.encode_state(&mut state);
            put_bytes(&mut b, &state);
            // Permissioned chains only (whether a chain has a consortium
            // is fixed by its configuration): the membership root and the
            // governance proposals held.
            if let Some(m) = n.chain.membership() {
                m.root().encode_to(&mut b);
                put_len(&mut b, n.governance.len());
                for g in n.governance.values() {
                    put_bytes(&mut b, &g.encode());
                }
            }
        }

        put_len(&mut b, self.net.group.len());
        for g in &self.net.group {
            g.encode_to(&mut b);
        }
        put_len(&mut b, self.net.cut.len());
        for (x, y) in &self.net.cut {
            x.0.encode_to(&mut b);
            y.0.encode_to(&mut b);
        }
        put_len(&mut b, self.net.overrides.len());
        for ((x, y), l) in &self.net.overrides {
            x.0.encode_to(&mut b);
            y.0.encode_to(&mut b);
            l.latency_ms.encode_to(&mut b);
            l.jitter_ms.encode_to(&mut b);
            b.extend_from_slice(&l.loss_permille.to_be_bytes());
        }

        put_len(&mut b, self.queue.len());
        for ((at, seq), p) in &self.queue {
            at.encode_to(&mut b);
            seq.encode_to(&mut b);
            match p {
                Pending::Deliver(m) => {
                    b.push(0);
                    m.from.0.encode_to(&mut b);
                    m.to.0.encode_to(&mut b);
                    m.departs_ms.encode_to(&mut b);
                    b.push(u8::from(m.lost));
                    match &m.msg {
                        Message::Tx(t) => {
                            b.push(0);
                            t.id().encode_to(&mut b);
                        }
                        Message::Inv(h) => {
                            b.push(1);
                            h.encode_to(&mut b);
                        }
                        Message::GetBlock(h) => {
                            b.push(2);
                            h.encode_to(&mut b);
                        }
                        Message::Block(block) => {
                            b.push(3);
                            block.hash().encode_to(&mut b);
                        }
                        Message::Engine(e) => {
                            b.push(4);
                            put_str(&mut b, e.kind);
                            put_bytes(&mut b, &e.payload);
                        }
                        Message::Governance(g) => {
                            b.push(5);
                            put_bytes(&mut b, &g.encode());
                        }
                        Message::Txs(txs) => {
                            b.push(6);
                            put_len(&mut b, txs.len());
                            for t in txs.iter() {
                                t.id().encode_to(&mut b);
                            }
                        }
                    }
                }
                Pending::Timer { node, tag } => {
                    b.push(1);
                    node.0.encode_to(&mut b);
                    tag.encode_to(&mut b);
                }
                Pending::Retry {
                    node,
                    peer,
                    hash,
                    attempt,
                } => {
                    b.push(2);
                    node.0.encode_to(&mut b);
                    peer.0.encode_to(&mut b);
                    hash.encode_to(&mut b);
                    attempt.encode_to(&mut b);
                }
            }
        }
        u64::try_from(self.events.len())
            .unwrap_or(u64::MAX)
            .encode_to(&mut b);
        u64::try_from(self.history.len())
            .unwrap_or(u64::MAX)
            .encode_to(&mut b);

        let mut prefixed = Vec::with_capacity(
            b.len()
                .saturating_add(WORLD_STATE_TAG.len())
                .saturating_add(1),
        );
        prefixed.extend_from_slice(WORLD_STATE_TAG.as_bytes());
        prefixed.push(0);
        prefixed.extend_from_slice(&b);
        WorldDigest(sha256(&prefixed))
    }
}
