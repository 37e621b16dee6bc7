//! The wallet view: one node's chain and mempool, named accounts, signed
//! transfers, rejections with the library's reason, and blocks mined from
//! the pool.

use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::chain::{Allocation, Chain, ChainParams};
use sandbox_chain::json::ChainFile;
use sandbox_chain::keys::{Address, Keypair};
use sandbox_chain::mempool::{DEFAULT_CAPACITY, Mempool};
use sandbox_chain::tx::{SignedTransfer, Transfer};
use serde::{Deserialize, Serialize};

/// The accounts of the wallet view; each starts with [`START_BALANCE`].
pub const ACCOUNTS: [&str; 4] = ["alice", "bob", "carol", "dave"];
/// Who mines the wallet view's blocks (and collects rewards and fees).
pub const MINER: &str = "miner";
/// Every account's balance at genesis.
pub const START_BALANCE: u64 = 100;
/// The wallet chain's difficulty.
pub const WALLET_BITS: u32 = 16;
/// At most this many entries are kept in the activity log.
const MAX_LOG: usize = 40;

/// What happened, newest first in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LogEntry {
    /// A transfer entered the pool.
    Accepted {
        /// Sender's name.
        from: String,
        /// Recipient's name.
        to: String,
        /// Coins.
        amount: u64,
        /// Short transaction id.
        id: String,
    },
    /// A transfer was refused.
    Rejected {
        /// The library's reason, with addresses replaced by names.
        reason: String,
    },
    /// A block joined the chain.
    Mined {
        /// Its height.
        height: u64,
        /// Short hash.
        hash: String,
        /// Transfers it confirmed.
        transfers: usize,
    },
}

/// A transfer the student asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRequest {
    /// Sender's name.
    pub from: String,
    /// Recipient's name.
    pub to: String,
    /// Coins sent.
    pub amount: u64,
    /// Fee for the miner.
    pub fee: u64,
    /// A nonce to use instead of the next one (to try a replay).
    pub nonce: Option<u64>,
    /// Sign with this name's key instead of the sender's (to try a forgery).
    pub signer: Option<String>,
}

/// One row of the balances table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    /// The name.
    pub name: String,
    /// Short address.
    pub address: String,
    /// Confirmed balance.
    pub balance: u64,
    /// Next nonce on the chain.
    pub nonce: u64,
    /// Transfers of it waiting in the pool.
    pub pending: usize,
}

/// One pending transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRow {
    /// Short id.
    pub id: String,
    /// Sender's name.
    pub from: String,
    /// Recipient's name.
    pub to: String,
    /// Coins.
    pub amount: u64,
    /// Fee.
    pub fee: u64,
    /// Nonce.
    pub nonce: u64,
}

/// One block of the canonical chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRow {
    /// Height.
    pub height: u64,
    /// Short hash.
    pub hash: String,
    /// Transactions, coinbase included.
    pub txs: usize,
}

/// The wallet view's node: a chain, a pool and a log.
#[derive(Clone, Debug)]
pub struct Wallet {
    chain: Chain,
    mempool: Mempool,
    log: Vec<LogEntry>,
}

/// The stored form of a [`Wallet`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedWallet {
    /// The canonical chain, as a chain file (every hash is rechecked on load).
    pub chain: ChainFile,
    /// The pending transfers, in pool order.
    pub pending: Vec<SignedTransfer>,
    /// The activity log.
    #[serde(default)]
    pub log: Vec<LogEntry>,
}

impl Default for Wallet {
    fn default() -> Self {
        Wallet::new(WALLET_BITS)
    }
}

/// Every name the wallet knows, accounts then the miner.
fn known_names() -> impl Iterator<Item = &'static str> {
    ACCOUNTS.into_iter().chain([MINER])
}

fn address_of(name: &str) -> Address {
    Keypair::from_name(name).address()
}

impl Wallet {
    /// A fresh chain where every account holds [`START_BALANCE`].
    pub fn new(bits: u32) -> Self {
        let allocations = ACCOUNTS
            .iter()
            .map(|name| Allocation {
                address: address_of(name),
                amount: Amount::new(START_BALANCE),
            })
            .collect();
        let params = ChainParams::lesson(bits, allocations);
        Wallet {
            mempool: Mempool::new(params.chain_id, DEFAULT_CAPACITY),
            chain: Chain::new(params),
            log: Vec::new(),
        }
    }

    /// The name of an address, or its short hex.
    pub fn name_of(address: &Address) -> String {
        known_names()
            .find(|name| address_of(name) == *address)
            .map_or_else(|| address.to_string(), String::from)
    }

    /// `text` with every known address replaced by its name, so reasons read
    /// "alice has only 3" rather than forty hex digits.
    pub fn humanize(text: &str) -> String {
        let mut out = text.to_owned();
        for name in known_names() {
            out = out.replace(&address_of(name).to_string(), name);
        }
        out
    }

    /// The chain.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// The log, newest first.
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    fn push_log(&mut self, entry: LogEntry) {
        self.log.insert(0, entry);
        self.log.truncate(MAX_LOG);
    }

    /// Balances and nonces of every account and the miner.
    pub fn accounts(&self) -> Vec<AccountRow> {
        let ledger = self.chain.ledger();
        known_names()
            .map(|name| {
                let address = address_of(name);
                let account = ledger.account(&address);
                AccountRow {
                    name: name.into(),
                    address: address.to_string().chars().take(8).collect(),
                    balance: account.balance.get(),
                    nonce: account.nonce,
                    pending: self.mempool.pending_from(&address).count(),
                }
            })
            .collect()
    }

    /// The pool's transfers, in the pool's order.
    pub fn pending(&self) -> Vec<PendingRow> {
        self.mempool
            .iter()
            .map(|(id, tx)| PendingRow {
                id: id.short(),
                from: Wallet::name_of(&tx.transfer.sender()),
                to: Wallet::name_of(&tx.transfer.to),
                amount: tx.transfer.amount.get(),
                fee: tx.transfer.fee.get(),
                nonce: tx.transfer.nonce,
            })
            .collect()
    }

    /// The canonical chain, newest first.
    pub fn blocks(&self) -> Vec<BlockRow> {
        let mut rows: Vec<BlockRow> = self
            .chain
            .canonical_chain()
            .iter()
            .filter_map(|hash| self.chain.get(hash).map(|b| (hash, b)))
            .map(|(hash, block)| BlockRow {
                height: block.height(),
                hash: hash.short(),
                txs: block.txs.len(),
            })
            .collect();
        rows.reverse();
        rows
    }

    /// The nonce the pool expects next from `name`.
    pub fn next_nonce(&self, name: &str) -> u64 {
        self.mempool
            .next_nonce(self.chain.ledger(), &address_of(name))
    }

    /// Signs and submits a transfer; the refusal reason on failure (also logged).
    pub fn submit(&mut self, request: &TransferRequest) -> Result<(), String> {
        let sender = Keypair::from_name(&request.from);
        let signer = request
            .signer
            .as_deref()
            .map_or_else(|| sender.clone(), Keypair::from_name);
        let transfer = Transfer {
            chain_id: self.chain.params().chain_id,
            from: sender.public(),
            to: address_of(&request.to),
            amount: Amount::new(request.amount),
            fee: Amount::new(request.fee),
            nonce: request
                .nonce
                .unwrap_or_else(|| self.next_nonce(&request.from)),
            memo: String::new(),
        };
        let signed = transfer.sign(&signer);
        match self.mempool.add(signed, self.chain.ledger()) {
            Ok(admitted) => {
                self.push_log(LogEntry::Accepted {
                    from: request.from.clone(),
                    to: request.to.clone(),
                    amount: request.amount,
                    id: admitted.id.short(),
                });
                Ok(())
            }
            Err(error) => {
                let reason = Wallet::humanize(&error.to_string());
                self.push_log(LogEntry::Rejected {
                    reason: reason.clone(),
                });
                Err(reason)
            }
        }
    }

    /// An unmined block of the pool's best transfers, paying the miner; its
    /// simulated time is 10 s after the tip's.
    pub fn block_template(&self) -> Block {
        let transfers = self.mempool.select(
            self.chain.ledger(),
            self.chain.params().max_block_txs as usize,
        );
        let time = self
            .chain
            .tip_block()
            .header
            .timestamp_ms
            .saturating_add(self.chain.params().target_block_time_ms);
        self.chain
            .block_template(address_of(MINER), transfers, time)
    }

    /// Adds a mined block and updates the pool; the refusal reason on failure.
    pub fn add_block(&mut self, block: Block) -> Result<(), String> {
        let transfers = block
            .txs
            .iter()
            .filter(|t| t.as_transfer().is_some())
            .count();
        let height = block.height();
        let hash = block.hash().short();
        let txs = block.txs.clone();
        match self.chain.insert(block) {
            Ok(report) if self.chain.tip() == report.hash => {
                self.mempool.on_block_connected(&txs, self.chain.ledger());
                self.push_log(LogEntry::Mined {
                    height,
                    hash,
                    transfers,
                });
                Ok(())
            }
            Ok(_) => Err("the block did not become the tip".into()),
            Err(error) => Err(Wallet::humanize(&error.to_string())),
        }
    }

    /// The stored form.
    pub fn to_saved(&self) -> SavedWallet {
        let names: Vec<&str> = known_names().collect();
        SavedWallet {
            chain: ChainFile::from_chain(&self.chain, None, &names),
            pending: self.mempool.iter().map(|(_, tx)| tx.clone()).collect(),
            log: self.log.clone(),
        }
    }

    /// Rebuilds a wallet, checking every block; pending transfers that are no
    /// longer valid are dropped.
    pub fn from_saved(saved: SavedWallet) -> Result<Wallet, String> {
        let json = serde_json::to_string(&saved.chain).map_err(|e| e.to_string())?;
        let chain = ChainFile::import(&json).map_err(|e| e.to_string())?;
        let mut mempool = Mempool::new(chain.params().chain_id, DEFAULT_CAPACITY);
        for tx in saved.pending {
            let _ = mempool.add(tx, chain.ledger());
        }
        Ok(Wallet {
            chain,
            mempool,
            log: saved.log,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::pow::mine_range;

    fn pay(from: &str, to: &str, amount: u64) -> TransferRequest {
        TransferRequest {
            from: from.into(),
            to: to.into(),
            amount,
            fee: 1,
            nonce: None,
            signer: None,
        }
    }

    fn mine(wallet: &mut Wallet) {
        let mut block = wallet.block_template();
        block.header.nonce = mine_range(&block.header, 0..u64::MAX).nonce().unwrap();
        wallet.add_block(block).unwrap();
    }

    fn low_difficulty() -> Wallet {
        Wallet::new(4)
    }

    #[test]
    fn a_transfer_waits_in_the_pool_then_a_block_confirms_it() {
        let mut wallet = low_difficulty();
        wallet.submit(&pay("alice", "bob", 10)).unwrap();
        assert_eq!(wallet.pending().len(), 1);
        assert_eq!(wallet.accounts()[0].balance, START_BALANCE);
        mine(&mut wallet);
        assert!(wallet.pending().is_empty());
        let balances: Vec<u64> = wallet.accounts().iter().map(|a| a.balance).collect();
        assert_eq!(balances, [89, 110, 100, 100, 51]);
        assert_eq!(wallet.blocks().len(), 2);
        assert!(matches!(
            wallet.log()[0],
            LogEntry::Mined {
                height: 1,
                transfers: 1,
                ..
            }
        ));
    }

    #[test]
    fn overspending_is_refused_with_a_reason_that_names_the_sender() {
        let mut wallet = low_difficulty();
        let reason = wallet.submit(&pay("alice", "bob", 500)).unwrap_err();
        assert!(reason.contains("alice"), "{reason}");
        assert!(reason.contains("100"), "{reason}");
        assert!(matches!(wallet.log()[0], LogEntry::Rejected { .. }));
    }

    #[test]
    fn a_forged_signature_and_a_replay_are_refused() {
        let mut wallet = low_difficulty();
        let forged = TransferRequest {
            signer: Some("mallory".into()),
            ..pay("alice", "bob", 1)
        };
        let reason = wallet.submit(&forged).unwrap_err();
        assert!(reason.contains("signature"), "{reason}");

        wallet.submit(&pay("alice", "bob", 1)).unwrap();
        mine(&mut wallet);
        let replay = TransferRequest {
            nonce: Some(0),
            ..pay("alice", "bob", 1)
        };
        let reason = wallet.submit(&replay).unwrap_err();
        assert!(reason.contains("replay"), "{reason}");
    }

    #[test]
    fn saving_and_loading_keeps_chain_pool_and_log() {
        let mut wallet = low_difficulty();
        wallet.submit(&pay("alice", "bob", 10)).unwrap();
        mine(&mut wallet);
        wallet.submit(&pay("bob", "carol", 3)).unwrap();
        let text = serde_json::to_string(&wallet.to_saved()).unwrap();
        let back = Wallet::from_saved(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back.accounts(), wallet.accounts());
        assert_eq!(back.pending(), wallet.pending());
        assert_eq!(back.blocks(), wallet.blocks());
        assert_eq!(back.log(), wallet.log());
    }

    #[test]
    fn an_edited_saved_chain_is_refused() {
        let mut wallet = low_difficulty();
        mine(&mut wallet);
        let mut saved = wallet.to_saved();
        saved.chain.blocks[1].header.nonce ^= 1;
        assert!(Wallet::from_saved(saved).is_err());
    }
}
