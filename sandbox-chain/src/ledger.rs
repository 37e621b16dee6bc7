//! The ledger: every account's balance and next nonce.
//!
//! State transitions are pure: they validate everything first, then return a
//! new ledger, so a refused transaction or block never half-applies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::bridge::MintBridge;
use crate::bridge::mint::RelayReceipt;
use crate::bridge::relay::Relay;
use crate::contract::Contract;
use crate::encode::{Encode, put_len};
use crate::hash::{Domain, StateRoot, tagged_hash};
use crate::keys::Address;
use crate::tx::{SignedTransfer, TxError};

/// One account's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Coins owned.
    pub balance: Amount,
    /// The nonce its next transfer must carry (= transfers made so far).
    pub nonce: u64,
}

impl Encode for Account {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.balance.encode_to(out);
        self.nonce.encode_to(out);
    }
}

/// Balances and nonces by address. Accounts never touched are zero.
///
/// Two ledgers are equal when their accounts, contracts and bridges are
/// (the journal of a transition in progress is not part of the state).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Ledger {
    accounts: BTreeMap<Address, Account>,
    /// Deployed contracts (their coins are in `accounts`, like anyone's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    contracts: BTreeMap<Address, Contract>,
    /// Lock-and-mint bridges from other chains, by source chain id: each a
    /// light client of the source and the wrapped coins minted. Not in the
    /// JSON form (it is rebuilt by replaying the blocks).
    #[serde(skip)]
    bridges: BTreeMap<u32, MintBridge>,
    /// While a block is applied in place: the value every entry had before
    /// the block first touched it (see [`Ledger::begin_journal`]).
    #[serde(skip)]
    journal: Option<Box<Journal>>,
}

impl PartialEq for Ledger {
    fn eq(&self, other: &Self) -> bool {
        self.accounts == other.accounts
            && self.contracts == other.contracts
            && self.bridges == other.bridges
    }
}

impl Eq for Ledger {}

/// The value each entry had before a transition first wrote it (`None`:
/// absent). The first write wins, so it always holds the value from before
/// the transition, however often the entry changes during it.
#[derive(Clone, Debug, Default)]
struct Journal {
    accounts: BTreeMap<Address, Option<Account>>,
    contracts: BTreeMap<Address, Option<Contract>>,
    bridges: BTreeMap<u32, Option<MintBridge>>,
}

/// What a block changed, to undo it in a reorg: the prior value of every
/// account, contract and bridge it touched (`None`: did not exist). Made by
/// `Block::apply_in_place` as it goes (one entry per touched key, in key
/// order), or by [`Ledger::diff_from`] from two whole ledgers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LedgerUndo {
    /// Accounts before.
    pub accounts: Vec<(Address, Option<Account>)>,
    /// Contracts before.
    pub contracts: Vec<(Address, Option<Contract>)>,
    /// Bridges before.
    pub bridges: Vec<(u32, Option<MintBridge>)>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// A ledger with these starting balances (the genesis allocation).
    /// Repeated addresses add up; returns `None` if a sum overflows.
    pub fn with_balances(balances: impl IntoIterator<Item = (Address, Amount)>) -> Option<Self> {
        let mut ledger = Ledger::new();
        for (address, amount) in balances {
            ledger.credit(address, amount).ok()?;
        }
        Some(ledger)
    }

    /// The state of `address` (zero if never used).
    pub fn account(&self, address: &Address) -> Account {
        self.accounts.get(address).copied().unwrap_or_default()
    }

    /// The balance of `address`.
    pub fn balance(&self, address: &Address) -> Amount {
        self.account(address).balance
    }

    /// The nonce the next transfer from `address` must carry.
    pub fn next_nonce(&self, address: &Address) -> u64 {
        self.account(address).nonce
    }

    /// The contract at `address`, if one is deployed there.
    pub fn contract(&self, address: &Address) -> Option<&Contract> {
        self.contracts.get(address)
    }

    /// The bridge from chain `source`, if this chain has one.
    pub fn bridge(&self, source: u32) -> Option<&MintBridge> {
        self.bridges.get(&source)
    }

    /// Every bridge, by source chain id.
    pub fn bridges(&self) -> impl Iterator<Item = (&u32, &MintBridge)> {
        self.bridges.iter()
    }

    /// Installs a bridge (at genesis).
    pub(crate) fn set_bridge(&mut self, source: u32, bridge: MintBridge) {
        self.note_bridge(source);
        self.bridges.insert(source, bridge);
    }

    /// Starts recording the prior value of every entry written from now on
    /// (replacing any journal in progress).
    pub(crate) fn begin_journal(&mut self) {
        self.journal = Some(Box::default());
    }

    /// Stops recording and returns what was recorded as an undo record:
    /// [`Ledger::restore`] with it returns the ledger to where
    /// [`Ledger::begin_journal`] found it. Costs O(entries touched).
    pub(crate) fn end_journal(&mut self) -> LedgerUndo {
        let journal = self.journal.take().map(|j| *j).unwrap_or_default();
        LedgerUndo {
            accounts: journal.accounts.into_iter().collect(),
            contracts: journal.contracts.into_iter().collect(),
            bridges: journal.bridges.into_iter().collect(),
        }
    }

    /// Records `address`'s account before its first write (if journaling).
    fn note_account(&mut self, address: Address) {
        if let Some(journal) = self.journal.as_mut() {
            let prior = self.accounts.get(&address).copied();
            journal.accounts.entry(address).or_insert(prior);
        }
    }

    /// Records the contract at `address` before its first write.
    fn note_contract(&mut self, address: Address) {
        if let Some(journal) = self.journal.as_mut()
            && !journal.contracts.contains_key(&address)
        {
            let prior = self.contracts.get(&address).cloned();
            journal.contracts.insert(address, prior);
        }
    }

    /// Records the bridge from `source` before its first write.
    fn note_bridge(&mut self, source: u32) {
        if let Some(journal) = self.journal.as_mut()
            && !journal.bridges.contains_key(&source)
        {
            let prior = self.bridges.get(&source).cloned();
            journal.bridges.insert(source, prior);
        }
    }

    /// Applies a relay to the bridge from its source chain. `Err` (and no
    /// change) if this chain has no bridge from that chain.
    pub fn apply_relay(&mut self, relay: &Relay) -> Result<RelayReceipt, TxError> {
        if self.bridges.contains_key(&relay.source_chain) {
            self.note_bridge(relay.source_chain);
        }
        let bridge = self
            .bridges
            .get_mut(&relay.source_chain)
            .ok_or(TxError::NoBridge {
                source_chain: relay.source_chain,
            })?;
        Ok(bridge.apply_relay(relay))
    }

    /// Every deployed contract, in address order.
    pub fn contracts(&self) -> impl Iterator<Item = (&Address, &Contract)> {
        self.contracts.iter()
    }

    /// Overwrites an account (for the contract layer, which computes every
    /// new value before it writes any).
    pub(crate) fn set_account(&mut self, address: Address, account: Account) {
        self.note_account(address);
        self.accounts.insert(address, account);
    }

    /// Stores a contract (deploy, or its storage after a call).
    pub(crate) fn set_contract(&mut self, address: Address, contract: Contract) {
        self.note_contract(address);
        self.contracts.insert(address, contract);
    }

    /// Every non-empty account, in address order.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &Account)> {
        self.accounts.iter()
    }

    /// The total of all balances.
    pub fn total_supply(&self) -> Option<Amount> {
        Amount::checked_sum(self.accounts.values().map(|a| a.balance))
    }

    /// Adds `amount` to `address`.
    pub fn credit(&mut self, address: Address, amount: Amount) -> Result<(), TxError> {
        let mut account = self.account(&address);
        account.balance = account
            .balance
            .checked_add(amount)
            .ok_or(TxError::Overflow {
                what: "the recipient's balance",
            })?;
        self.set_account(address, account);
        Ok(())
    }

    // ANCHOR: check_transfer
    /// Checks a transfer against this ledger: nonce order and funds. The
    /// signature and form are checked by [`SignedTransfer::check_stateless`].
    pub fn check_transfer(&self, tx: &SignedTransfer) -> Result<(), TxError> {
        let t = &tx.transfer;
        let from = t.sender();
        let account = self.account(&from);
        if t.nonce < account.nonce {
            return Err(TxError::NonceUsed {
                from,
                nonce: t.nonce,
                next: account.nonce,
            });
        }
        if t.nonce > account.nonce {
            return Err(TxError::NonceAhead {
                from,
                nonce: t.nonce,
                next: account.nonce,
            });
        }
        let needed = t.total()?;
        if needed > account.balance {
            return Err(TxError::InsufficientFunds {
                from,
                needed,
                available: account.balance,
            });
        }
        Ok(())
    }
    // ANCHOR_END: check_transfer

    /// Checks and applies a transfer, crediting the fee to `fee_to`. Every
    /// new value is computed before anything is written, so on error the
    /// ledger is unchanged.
    pub fn apply_transfer(&mut self, tx: &SignedTransfer, fee_to: Address) -> Result<(), TxError> {
        self.check_transfer(tx)?;
        let t = &tx.transfer;
        let from = t.sender();
        let total = t.total()?;
        let mut writes: BTreeMap<Address, Account> = BTreeMap::new();
        let mut sender = self.account(&from);
        let available = sender.balance;
        sender.balance = available
            .checked_sub(total)
            .ok_or(TxError::InsufficientFunds {
                from,
                needed: total,
                available,
            })?;
        sender.nonce = sender.nonce.checked_add(1).ok_or(TxError::Overflow {
            what: "the sender's nonce",
        })?;
        writes.insert(from, sender);
        for (to, amount, what) in [
            (t.to, t.amount, "the recipient's balance"),
            (fee_to, t.fee, "the fee collector's balance"),
        ] {
            let mut account = writes
                .get(&to)
                .copied()
                .unwrap_or_else(|| self.account(&to));
            account.balance = account
                .balance
                .checked_add(amount)
                .ok_or(TxError::Overflow { what })?;
            writes.insert(to, account);
        }
        for (address, account) in writes {
            self.set_account(address, account);
        }
        Ok(())
    }

    /// Restores accounts to earlier values (used to undo a block in a reorg).
    pub fn restore(&mut self, previous: &LedgerUndo) {
        for (address, account) in &previous.accounts {
            match account {
                Some(a) => self.accounts.insert(*address, *a),
                None => self.accounts.remove(address),
            };
        }
        for (address, contract) in &previous.contracts {
            match contract {
                Some(c) => self.contracts.insert(*address, c.clone()),
                None => self.contracts.remove(address),
            };
        }
        for (source, bridge) in &previous.bridges {
            match bridge {
                Some(b) => self.bridges.insert(*source, b.clone()),
                None => self.bridges.remove(source),
            };
        }
    }

    /// The prior value of every account that differs between `self` (before)
    /// and `after`: applying it to `after` with [`Ledger::restore`] gives `self`.
    pub fn diff_from(&self, after: &Ledger) -> LedgerUndo {
        LedgerUndo {
            accounts: diff_maps(&self.accounts, &after.accounts),
            contracts: diff_maps(&self.contracts, &after.contracts),
            bridges: diff_maps(&self.bridges, &after.bridges),
        }
    }

    /// One hash over every account: `tagged_hash("chainlab:ledger-state:v1",
    /// count || (address || balance || nonce)*)`, accounts in address order.
    /// If any contract is deployed, the contracts follow: `count ||
    /// (address || Contract encoding)*` in address order (a ledger without
    /// contracts hashes exactly as before contracts existed). If the chain
    /// has bridges, they follow: `count || (source chain u32 || bridge
    /// state)*` in chain id order (see `MintBridge::encode_state`); a
    /// contract count of 0 comes first if there are no contracts.
    pub fn state_root(&self) -> StateRoot {
        let mut bytes =
            Vec::with_capacity(self.accounts.len().saturating_mul(36).saturating_add(4));
        put_len(&mut bytes, self.accounts.len());
        for (address, account) in &self.accounts {
            address.encode_to(&mut bytes);
            account.encode_to(&mut bytes);
        }
        if !self.contracts.is_empty() || !self.bridges.is_empty() {
            put_len(&mut bytes, self.contracts.len());
            for (address, contract) in &self.contracts {
                address.encode_to(&mut bytes);
                contract.encode_to(&mut bytes);
            }
        }
        if !self.bridges.is_empty() {
            put_len(&mut bytes, self.bridges.len());
            for (source, bridge) in &self.bridges {
                source.encode_to(&mut bytes);
                bridge.encode_state(&mut bytes);
            }
        }
        StateRoot::from_hash(tagged_hash(Domain::LedgerState, &bytes))
    }
}

/// The prior value of every key of `before` that differs in `after`.
fn diff_maps<K: Ord + Copy, V: Clone + PartialEq>(
    before: &BTreeMap<K, V>,
    after: &BTreeMap<K, V>,
) -> Vec<(K, Option<V>)> {
    let mut changed = Vec::new();
    for (address, value) in after {
        let prior = before.get(address);
        if prior != Some(value) {
            changed.push((*address, prior.cloned()));
        }
    }
    for (address, value) in before {
        if !after.contains_key(address) {
            changed.push((*address, Some(value.clone())));
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keypair;
    use crate::tx::Transfer;

    fn addr(name: &str) -> Address {
        Keypair::from_name(name).address()
    }

    fn pay(from: &str, to: &str, amount: u64, fee: u64, nonce: u64) -> SignedTransfer {
        let key = Keypair::from_name(from);
        Transfer {
            chain_id: 1,
            from: key.public(),
            to: addr(to),
            amount: Amount::new(amount),
            fee: Amount::new(fee),
            nonce,
            memo: String::new(),
        }
        .sign(&key)
    }

    #[test]
    fn transfer_moves_coins_and_fee() {
        let mut l = Ledger::with_balances([(addr("alice"), Amount::new(25))]).unwrap();
        l.apply_transfer(&pay("alice", "bob", 10, 2, 0), addr("miner"))
            .unwrap();
        assert_eq!(l.balance(&addr("alice")), Amount::new(13));
        assert_eq!(l.balance(&addr("bob")), Amount::new(10));
        assert_eq!(l.balance(&addr("miner")), Amount::new(2));
        assert_eq!(l.next_nonce(&addr("alice")), 1);
        assert_eq!(l.total_supply(), Some(Amount::new(25)));
    }

    #[test]
    fn replay_and_double_spend_are_caught() {
        let mut l = Ledger::with_balances([(addr("alice"), Amount::new(25))]).unwrap();
        let first = pay("alice", "bob", 10, 0, 0);
        l.apply_transfer(&first, addr("miner")).unwrap();
        // Replaying the very same signed transfer.
        let e = l.apply_transfer(&first, addr("miner")).unwrap_err();
        assert!(matches!(
            e,
            TxError::NonceUsed {
                nonce: 0,
                next: 1,
                ..
            }
        ));
        assert!(e.to_string().contains("replay or a double spend"));
        // A different payment reusing the nonce (double spend).
        assert!(matches!(
            l.check_transfer(&pay("alice", "carol", 10, 0, 0)),
            Err(TxError::NonceUsed { .. })
        ));
        assert!(matches!(
            l.check_transfer(&pay("alice", "carol", 1, 0, 5)),
            Err(TxError::NonceAhead { .. })
        ));
    }

    #[test]
    fn insufficient_funds_message() {
        let l = Ledger::with_balances([(addr("alice"), Amount::new(25))]).unwrap();
        let e = l
            .check_transfer(&pay("alice", "bob", 28, 2, 0))
            .unwrap_err();
        assert_eq!(
            e,
            TxError::InsufficientFunds {
                from: addr("alice"),
                needed: Amount::new(30),
                available: Amount::new(25)
            }
        );
        assert!(
            e.to_string()
                .ends_with("spends 30 (amount plus fee) but has only 25")
        );
    }

    #[test]
    fn failed_apply_changes_nothing() {
        let mut l = Ledger::with_balances([(addr("alice"), Amount::MAX)]).unwrap();
        l.credit(addr("bob"), Amount::MAX).unwrap();
        let before = l.clone();
        // bob's balance would overflow.
        assert!(
            l.apply_transfer(&pay("alice", "bob", 1, 0, 0), addr("miner"))
                .is_err()
        );
        assert_eq!(l, before);
    }

    #[test]
    fn diff_and_restore_round_trip() {
        let before = Ledger::with_balances([(addr("alice"), Amount::new(25))]).unwrap();
        let mut after = before.clone();
        after
            .apply_transfer(&pay("alice", "bob", 10, 2, 0), addr("miner"))
            .unwrap();
        let undo = before.diff_from(&after);
        assert_eq!(undo.accounts.len(), 3);
        let mut back = after.clone();
        back.restore(&undo);
        assert_eq!(back, before);
        assert_eq!(back.state_root(), before.state_root());
        assert_ne!(after.state_root(), before.state_root());
    }
}
