//! What the lesson views show of a lesson's world, as plain rows read from
//! a [`Session`]: blocks and their transactions, balances, mempools,
//! events, nodes, the student's hashes. The components only draw these.

use std::collections::BTreeMap;

use lessons::{LessonAction, LogEntry, Session, ToolAction, ToolOutput};
use sandbox_chain::block::Block;
use sandbox_chain::hash::{BlockHash, TxId};
use sandbox_chain::keys::{Address, Keypair};
use sandbox_chain::tx::Transaction;
use sandbox_chain::world::{Action, NodeId, World};

/// Names for addresses: every name the lesson's world knows (nodes, the
/// keys in wallets, funded names) and every name the student used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameBook {
    names: BTreeMap<Address, String>,
}

impl NameBook {
    /// The names of a session's world.
    pub fn of(session: &Session) -> NameBook {
        let world = session.world();
        let mut book = NameBook::default();
        for n in &world.config().nodes {
            book.add(&n.name);
            for k in &n.keys {
                book.add(k);
            }
        }
        for f in &world.config().funds {
            book.add(&f.name);
        }
        for id in world.node_ids() {
            if let Some(view) = world.node_view(id) {
                for (name, address) in view.wallet {
                    book.names.entry(address).or_insert(name);
                }
            }
        }
        for a in world.history().iter().map(|r| &r.action) {
            book.add_from(a);
        }
        for e in session.log() {
            if let LessonAction::World(a) = &e.action {
                book.add_from(a);
            }
        }
        book
    }

    fn add(&mut self, name: &str) {
        if name.is_empty() || name.len() > 64 {
            return;
        }
        let address = Keypair::from_name(name).address();
        self.names.entry(address).or_insert_with(|| name.to_owned());
    }

    fn add_from(&mut self, action: &Action) {
        match action {
            Action::CreateKey { name, .. } => self.add(name),
            Action::SendTransaction { from, to, .. } => {
                self.add(from);
                if !is_address(to) {
                    self.add(to);
                }
            }
            _ => {}
        }
    }

    /// The name of an address, or its first hex digits.
    pub fn name(&self, address: &Address) -> String {
        self.names
            .get(address)
            .cloned()
            .unwrap_or_else(|| format!("{}…", address.short()))
    }

    /// Every known name, sorted.
    pub fn all(&self) -> Vec<String> {
        let mut names: Vec<String> = self.names.values().cloned().collect();
        names.sort();
        names
    }
}

fn is_address(s: &str) -> bool {
    s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// One transaction of a block, as the views list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxRow {
    /// Its position in the block (0: the coinbase).
    pub index: usize,
    /// Its id (the Merkle tree's leaf).
    pub txid: TxId,
    /// What it is.
    pub kind: TxKind,
}

/// What a transaction does, with names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxKind {
    /// New coins for the producer.
    Coinbase {
        /// Who is paid.
        to: String,
        /// Coins.
        amount: u64,
    },
    /// A payment.
    Transfer {
        /// Sender.
        from: String,
        /// Recipient.
        to: String,
        /// Coins.
        amount: u64,
        /// Fee.
        fee: u64,
        /// The sender's nonce.
        nonce: u64,
    },
    /// Anything else (governance, contracts, relays), by its kind.
    Other(&'static str),
}

fn tx_kind(tx: &Transaction, book: &NameBook) -> TxKind {
    match tx {
        Transaction::Coinbase(c) => TxKind::Coinbase {
            to: book.name(&c.to),
            amount: c.amount.get(),
        },
        Transaction::Transfer(t) => TxKind::Transfer {
            from: book.name(&t.transfer.sender()),
            to: book.name(&t.transfer.to),
            amount: t.transfer.amount.get(),
            fee: t.transfer.fee.get(),
            nonce: t.transfer.nonce,
        },
        Transaction::Governance(_) => TxKind::Other("governance"),
        Transaction::Deploy(_) => TxKind::Other("deploy"),
        Transaction::Call(_) => TxKind::Other("call"),
        Transaction::Relay(_) => TxKind::Other("relay"),
    }
}

/// One block, as the block and chain views show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRow {
    /// Its height.
    pub height: u64,
    /// Its hash.
    pub hash: BlockHash,
    /// Its parent's hash.
    pub parent: BlockHash,
    /// The Merkle root in its header.
    pub merkle_root: String,
    /// Its timestamp, simulated milliseconds.
    pub timestamp_ms: u64,
    /// The target's leading zero bits (the difficulty).
    pub target_bits: u32,
    /// Its nonce.
    pub nonce: u64,
    /// Leading zero bits of its hash.
    pub zero_bits: u32,
    /// Who produced it (the coinbase's recipient), if anyone.
    pub producer: Option<String>,
    /// Its transactions, in order.
    pub txs: Vec<TxRow>,
}

fn block_row(block: &Block, book: &NameBook) -> BlockRow {
    let hash = block.hash();
    let producer = block.txs.first().and_then(|t| match t {
        Transaction::Coinbase(c) => Some(book.name(&c.to)),
        _ => None,
    });
    BlockRow {
        height: block.header.height,
        hash,
        parent: block.header.parent,
        merkle_root: block.header.merkle_root.to_hex(),
        timestamp_ms: block.header.timestamp_ms,
        target_bits: block.header.target.leading_zero_bits(),
        nonce: block.header.nonce,
        zero_bits: hash.hash().leading_zero_bits(),
        producer,
        txs: block
            .txs
            .iter()
            .zip(block.txids())
            .enumerate()
            .map(|(index, (tx, txid))| TxRow {
                index,
                txid,
                kind: tx_kind(tx, book),
            })
            .collect(),
    }
}

/// The canonical block of `node` at `height` (default: the tip).
pub fn block_at(
    world: &World,
    node: NodeId,
    height: Option<u64>,
    book: &NameBook,
) -> Option<BlockRow> {
    let chain = world.chain(node)?;
    let height = height.unwrap_or_else(|| chain.height());
    let block = chain.get(&chain.canonical_at(height)?)?;
    Some(block_row(block, book))
}

/// The height of `node`'s tip.
pub fn tip_height(world: &World, node: NodeId) -> u64 {
    world.chain(node).map_or(0, |c| c.height())
}

/// The last `limit` blocks of `node`'s canonical chain, oldest first, and
/// how many earlier ones were left out.
pub fn chain_rows(
    world: &World,
    node: NodeId,
    limit: usize,
    book: &NameBook,
) -> (Vec<BlockRow>, usize) {
    let Some(chain) = world.chain(node) else {
        return (Vec::new(), 0);
    };
    let hashes = chain.canonical_chain();
    let skipped = hashes.len().saturating_sub(limit);
    let rows = hashes
        .iter()
        .skip(skipped)
        .filter_map(|h| chain.get(h))
        .map(|b| block_row(b, book))
        .collect();
    (rows, skipped)
}

/// One account in a node's ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    /// Its name (or short address).
    pub name: String,
    /// Its address in hex.
    pub address: String,
    /// Balance on the node's canonical chain.
    pub balance: u64,
    /// Its next nonce.
    pub nonce: u64,
    /// Whether the node's wallet holds its key.
    pub in_wallet: bool,
}

/// The accounts of `node`'s ledger, the wallet's keys first (with a zero
/// balance if they have none yet), then the others by name.
pub fn account_rows(world: &World, node: NodeId, book: &NameBook) -> Vec<AccountRow> {
    let Some(view) = world.node_view(node) else {
        return Vec::new();
    };
    let ledger: BTreeMap<Address, (u64, u64)> = view
        .ledger
        .iter()
        .map(|(a, acc)| (*a, (acc.balance.get(), acc.nonce)))
        .collect();
    let mut rows: Vec<AccountRow> = view
        .wallet
        .iter()
        .map(|(name, address)| {
            let (balance, nonce) = ledger.get(address).copied().unwrap_or((0, 0));
            AccountRow {
                name: name.clone(),
                address: address.to_hex(),
                balance,
                nonce,
                in_wallet: true,
            }
        })
        .collect();
    let mut others: Vec<AccountRow> = ledger
        .iter()
        .filter(|(a, _)| !view.wallet.iter().any(|(_, w)| w == *a))
        .map(|(address, (balance, nonce))| AccountRow {
            name: book.name(address),
            address: address.to_hex(),
            balance: *balance,
            nonce: *nonce,
            in_wallet: false,
        })
        .collect();
    others.sort_by(|a, b| a.name.cmp(&b.name));
    rows.extend(others);
    rows
}

/// The key names in `node`'s wallet.
pub fn wallet_keys(world: &World, node: NodeId) -> Vec<String> {
    world
        .node_view(node)
        .map(|v| v.wallet.into_iter().map(|(n, _)| n).collect())
        .unwrap_or_default()
}

/// A pending transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRow {
    /// Its id.
    pub txid: TxId,
    /// What it is.
    pub kind: TxKind,
    /// Its fee.
    pub fee: u64,
}

/// `node`'s mempool, highest fee first.
pub fn mempool_rows(world: &World, node: NodeId, book: &NameBook) -> Vec<PendingRow> {
    let Some(pool) = world.mempool(node) else {
        return Vec::new();
    };
    let mut rows: Vec<PendingRow> = pool
        .iter_txs()
        .map(|(id, tx)| PendingRow {
            txid: *id,
            kind: tx_kind(tx, book),
            fee: tx.fee().get(),
        })
        .collect();
    rows.sort_by(|a, b| b.fee.cmp(&a.fee).then(a.txid.cmp(&b.txid)));
    rows
}

/// One of the student's hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashRow {
    /// The text hashed.
    pub input: String,
    /// The digest in hex.
    pub digest: String,
    /// Its leading zero bits.
    pub zero_bits: u32,
}

/// The student's last `limit` hashes, newest first.
pub fn recent_hashes(log: &[LogEntry], limit: usize) -> Vec<HashRow> {
    log.iter()
        .rev()
        .filter_map(|e| match (&e.action, &e.output) {
            (
                LessonAction::Tool(ToolAction::Hash { input }),
                Some(ToolOutput::Hash { digest, zero_bits }),
            ) => Some(HashRow {
                input: input.clone(),
                digest: hex::encode(digest.0),
                zero_bits: *zero_bits,
            }),
            _ => None,
        })
        .take(limit)
        .collect()
}

/// The text to compare the hash box with: the student's latest hashed text
/// that differs from `current` (so right after hashing, the comparison is
/// with the hash before), or `current` itself if there is none.
pub fn previous_input(recent: &[HashRow], current: &str) -> String {
    recent
        .iter()
        .find(|r| r.input != current)
        .map_or_else(|| current.to_owned(), |r| r.input.clone())
}

/// The student's last tool output of each kind, newest first (for the
/// views to show what the last sign, verify, edit or check gave).
pub fn last_output(
    log: &[LogEntry],
    name: &str,
) -> Option<(LessonAction, Result<ToolOutput, String>)> {
    log.iter().rev().find(|e| e.action.name() == name).map(|e| {
        let result = match (&e.refused, &e.output) {
            (Some(reason), _) => Err(reason.clone()),
            (None, Some(o)) => Ok(o.clone()),
            (None, None) => Err(String::new()),
        };
        (e.action.clone(), result)
    })
}

/// The simulated clock, in seconds with one decimal.
pub fn clock(world: &World) -> String {
    let ms = world.now_ms();
    format!("{}.{}", ms / 1000, (ms % 1000) / 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::saved::tests::lesson;
    use sandbox_chain::amount::Amount;

    fn session_with_a_payment() -> Session {
        let mut s = Session::start(&lesson()).unwrap();
        let send = Action::SendTransaction {
            node: NodeId(0),
            from: "alice".into(),
            to: "bob".into(),
            amount: Amount::new(10),
            fee: Amount::new(2),
            memo: String::new(),
            nonce: None,
        };
        assert!(s.apply(LessonAction::World(send)).unwrap().result.is_ok());
        s
    }

    #[test]
    fn names_come_from_the_world_and_the_students_actions() {
        let s = session_with_a_payment();
        let book = NameBook::of(&s);
        for name in ["alice", "bob", "my-node", "other"] {
            assert_eq!(book.name(&Keypair::from_name(name).address()), name);
        }
        assert!(
            book.name(&Keypair::from_name("zed").address())
                .ends_with('…')
        );
    }

    #[test]
    fn the_mempool_then_a_mined_block_with_its_transactions() {
        let mut s = session_with_a_payment();
        let book = NameBook::of(&s);
        let pool = mempool_rows(s.world(), NodeId(0), &book);
        assert_eq!(pool.len(), 1);
        assert_eq!(
            pool[0].kind,
            TxKind::Transfer {
                from: "alice".into(),
                to: "bob".into(),
                amount: 10,
                fee: 2,
                nonce: 0
            }
        );
        s.apply(LessonAction::World(Action::Mine { node: NodeId(0) }))
            .unwrap();
        let book = NameBook::of(&s);
        let block = block_at(s.world(), NodeId(0), None, &book).unwrap();
        assert_eq!(block.height, 1);
        assert_eq!(block.producer.as_deref(), Some("my-node"));
        assert_eq!(block.txs.len(), 2);
        assert!(
            matches!(&block.txs[0].kind, TxKind::Coinbase { to, amount: 52 } if to == "my-node")
        );
        assert!(block.zero_bits >= block.target_bits);
        assert_eq!(
            block.txs[1].txid,
            s.world().chain(NodeId(0)).unwrap().tip_block().txids()[1]
        );
        let (rows, skipped) = chain_rows(s.world(), NodeId(0), 1, &book);
        assert_eq!((rows.len(), skipped), (1, 1));
        assert_eq!(rows[0].hash, block.hash);
        assert!(mempool_rows(s.world(), NodeId(0), &book).is_empty());
        let accounts = account_rows(s.world(), NodeId(0), &book);
        assert_eq!(accounts[0].name, "alice");
        assert!(accounts[0].in_wallet);
        assert_eq!(accounts[0].balance, 88);
        assert!(accounts.iter().any(|a| a.name == "bob" && a.balance == 10));
    }

    #[test]
    fn the_students_hashes_and_last_outputs() {
        let mut s = Session::start(&lesson()).unwrap();
        for input in ["a", "b"] {
            s.apply(LessonAction::Tool(ToolAction::Hash {
                input: input.into(),
            }))
            .unwrap();
        }
        let rows = recent_hashes(s.log(), 5);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].input, "b");
        assert_eq!(
            rows[1].digest,
            "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
        );
        let (action, out) = last_output(s.log(), "hash").unwrap();
        assert_eq!(
            action,
            LessonAction::Tool(ToolAction::Hash { input: "b".into() })
        );
        assert!(matches!(out, Ok(ToolOutput::Hash { .. })));
        assert!(last_output(s.log(), "verify").is_none());
        assert_eq!(previous_input(&rows, "b"), "a");
        assert_eq!(previous_input(&rows, "c"), "b");
        assert_eq!(previous_input(&[], "c"), "c");
    }
}
