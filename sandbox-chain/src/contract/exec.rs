//! Applying deploy and call transactions to a ledger.
//!
//! Order of events, the same on every node:
//! 1. Validate (nonce, and that the sender can pay `value + gas_limit *
//!    gas_price`). A transaction that fails here is invalid: it cannot be
//!    in a block, and the ledger is unchanged.
//! 2. Run the code with `gas_limit` minus the fixed cost of the transaction.
//! 3. On success: move `value` to the contract, apply its payments and
//!    storage writes. On any fault (a `require`, an overflow, out of gas):
//!    apply none of them.
//! 4. Either way: the sender's nonce goes up and the sender pays
//!    `gas_used * gas_price` to `fee_to` (the block producer). Out of gas
//!    means `gas_used = gas_limit`: a failed call still costs its fee.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::syntax::Program;
use super::tx::{Call, ContractTxError, Deploy, Signed, max_fee};
use super::value::Value;
use super::vm::{self, Effects, Env, Event, Fault, FaultKind, deploy_intrinsic_gas, gas};
use super::{Contract, contract_address};
use crate::amount::Amount;
use crate::keys::Address;
use crate::ledger::{Account, Ledger};
use crate::tx::TxError;

/// What a deploy or call did, as a wallet, explorer or lesson shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The contract deployed or called.
    pub contract: Address,
    /// Gas used, fixed cost included; at most the gas limit.
    pub gas_used: u64,
    /// Coins paid for the gas: `gas_used * gas_price`.
    pub fee: Amount,
    /// `None` if the code ran to the end; the fault if it was reverted.
    pub fault: Option<Fault>,
    /// Events emitted (none if reverted).
    pub events: Vec<Event>,
    /// The function's result, if any (none if reverted).
    pub returned: Option<Value>,
}

impl Receipt {
    /// Whether the code ran to the end and its effects were kept.
    pub fn succeeded(&self) -> bool {
        self.fault.is_none()
    }
}

/// Account values being computed before any is written.
struct Staged<'a> {
    ledger: &'a Ledger,
    accounts: BTreeMap<Address, Account>,
}

impl<'a> Staged<'a> {
    fn new(ledger: &'a Ledger) -> Self {
        Staged {
            ledger,
            accounts: BTreeMap::new(),
        }
    }

    fn get(&self, a: &Address) -> Account {
        self.accounts
            .get(a)
            .copied()
            .unwrap_or_else(|| self.ledger.account(a))
    }

    fn add(&mut self, a: Address, amount: Amount) -> Option<()> {
        let mut acct = self.get(&a);
        acct.balance = acct.balance.checked_add(amount)?;
        self.accounts.insert(a, acct);
        Some(())
    }

    fn sub(&mut self, a: Address, amount: Amount) -> Option<()> {
        let mut acct = self.get(&a);
        acct.balance = acct.balance.checked_sub(amount)?;
        self.accounts.insert(a, acct);
        Some(())
    }
}

/// Checks the sender's nonce and that it can pay `value + max fee`.
fn check_sender(
    ledger: &Ledger,
    from: Address,
    nonce: u64,
    needed: Amount,
) -> Result<(), ContractTxError> {
    let account = ledger.account(&from);
    if nonce < account.nonce {
        return Err(TxError::NonceUsed {
            from,
            nonce,
            next: account.nonce,
        }
        .into());
    }
    if nonce > account.nonce {
        return Err(TxError::NonceAhead {
            from,
            nonce,
            next: account.nonce,
        }
        .into());
    }
    if needed > account.balance {
        return Err(TxError::InsufficientFunds {
            from,
            needed,
            available: account.balance,
        }
        .into());
    }
    Ok(())
}

/// The value moves and payments of a successful run, or the fault that
/// reverts it when an account would overflow.
fn stage_effects(
    staged: &mut Staged<'_>,
    from: Address,
    contract: Address,
    value: Amount,
    effects: &Effects,
) -> Result<(), FaultKind> {
    let overflow = |what: &str| FaultKind::BalanceOverflow {
        what: what.to_string(),
    };
    staged
        .sub(from, value)
        .ok_or_else(|| overflow("the caller's balance"))?;
    staged
        .add(contract, value)
        .ok_or_else(|| overflow("the contract's balance"))?;
    for (to, amount) in &effects.payments {
        staged
            .sub(contract, *amount)
            .ok_or_else(|| overflow("the contract's balance"))?;
        staged
            .add(*to, *amount)
            .ok_or_else(|| overflow("the payee's balance"))?;
    }
    Ok(())
}

/// Applies the storage writes of a run to a contract.
fn write_storage(contract: &mut Contract, effects: &Effects) {
    for (k, v) in &effects.writes {
        if *v == Value::Int(0) {
            contract.storage.remove(k);
        } else {
            contract.storage.insert(k.clone(), v.clone());
        }
    }
}

/// The common end of a deploy or call: charge the fee, bump the nonce,
/// commit the staged accounts (and contract) if the run succeeded.
fn finish(
    ledger: &mut Ledger,
    from: Address,
    fee_to: Address,
    gas_price: Amount,
    gas_used: u64,
    contract_address: Address,
    outcome: Result<(Effects, BTreeMap<Address, Account>, Contract), Fault>,
) -> Result<Receipt, ContractTxError> {
    // gas_used <= gas_limit, and gas_limit * gas_price was checked.
    let fee = max_fee(gas_used, gas_price)?;
    let (mut staged_accounts, contract, effects, fault) = match outcome {
        Ok((effects, staged, contract)) => (staged, Some(contract), effects, None),
        Err(fault) => (BTreeMap::new(), None, Effects::default(), Some(fault)),
    };
    let mut sender = staged_accounts
        .get(&from)
        .copied()
        .unwrap_or_else(|| ledger.account(&from));
    sender.balance = sender
        .balance
        .checked_sub(fee)
        .ok_or(TxError::InsufficientFunds {
            from,
            needed: fee,
            available: sender.balance,
        })?;
    sender.nonce = sender.nonce.checked_add(1).ok_or(TxError::Overflow {
        what: "the sender's nonce",
    })?;
    staged_accounts.insert(from, sender);
    let mut collector = staged_accounts
        .get(&fee_to)
        .copied()
        .unwrap_or_else(|| ledger.account(&fee_to));
    collector.balance = collector
        .balance
        .checked_add(fee)
        .ok_or(TxError::Overflow {
            what: "the fee collector's balance",
        })?;
    staged_accounts.insert(fee_to, collector);
    for (a, acct) in staged_accounts {
        ledger.set_account(a, acct);
    }
    if let Some(c) = contract {
        ledger.set_contract(contract_address, c);
    }
    Ok(Receipt {
        contract: contract_address,
        gas_used,
        fee,
        fault,
        events: effects.events,
        returned: effects.returned,
    })
}

/// Deploys a contract: validates, runs `init` (if the contract has one)
/// with the deploy's arguments, and stores the contract at
/// [`contract_address`]`(sender, nonce)`. Call
/// [`Signed::check_stateless`] first: the signature is not checked here.
///
/// `Err` means the deploy is invalid and the ledger is unchanged; `Ok`
/// holds its receipt, which says whether it succeeded.
pub fn apply_deploy(
    ledger: &mut Ledger,
    tx: &Signed<Deploy>,
    height: u64,
    fee_to: Address,
) -> Result<Receipt, ContractTxError> {
    let d = &tx.tx;
    d.check_form()?;
    let from = d.from.address();
    let max = max_fee(d.gas_limit, d.gas_price)?;
    check_sender(ledger, from, d.nonce, max)?;
    let address = contract_address(&from, d.nonce);
    let intrinsic = deploy_intrinsic_gas(&d.source);
    let mut gas_used = intrinsic;
    let outcome = match Program::parse(&d.source) {
        Err(e) => Err(Fault {
            line: e.line,
            kind: FaultKind::Syntax {
                column: e.column,
                problem: e.problem.to_string(),
            },
        }),
        Ok(program) => {
            let contract = Contract::new(from, d.source.clone());
            let env = Env {
                contract: address,
                caller: from,
                value: Amount::ZERO,
                balance: ledger.balance(&address),
                height,
            };
            let has_init = program.functions.contains_key("init");
            let run = if has_init || !d.args.is_empty() {
                let r = vm::run(
                    &program,
                    &contract.storage,
                    env,
                    "init",
                    &d.args,
                    d.gas_limit.saturating_sub(intrinsic),
                    true,
                );
                gas_used = gas_used.saturating_add(r.gas_used);
                r.result
            } else {
                Ok(Effects::default())
            };
            run.and_then(|effects| {
                let mut staged = Staged::new(ledger);
                stage_effects(&mut staged, from, address, Amount::ZERO, &effects)
                    .map_err(|kind| Fault { line: 0, kind })?;
                let mut contract = contract;
                write_storage(&mut contract, &effects);
                Ok((effects, staged.accounts, contract))
            })
        }
    };
    let gas_used = gas_used.min(d.gas_limit);
    finish(
        ledger,
        from,
        fee_to,
        d.gas_price,
        gas_used,
        address,
        outcome,
    )
}

/// Calls a contract's function. Same rules as [`apply_deploy`]; `value`
/// coins move from the caller to the contract only if the call succeeds.
pub fn apply_call(
    ledger: &mut Ledger,
    tx: &Signed<Call>,
    height: u64,
    fee_to: Address,
) -> Result<Receipt, ContractTxError> {
    let c = &tx.tx;
    c.check_form()?;
    let from = c.from.address();
    let max = max_fee(c.gas_limit, c.gas_price)?;
    let needed = max.checked_add(c.value).ok_or(ContractTxError::Overflow {
        what: "max fee + value",
    })?;
    check_sender(ledger, from, c.nonce, needed)?;
    let mut gas_used = gas::TX_CALL;
    let outcome = match ledger.contract(&c.contract) {
        None => Err(Fault {
            line: 0,
            kind: FaultKind::NoContract {
                address: c.contract,
            },
        }),
        Some(contract) => match Program::parse(&contract.source) {
            Err(e) => Err(Fault {
                line: e.line,
                kind: FaultKind::Syntax {
                    column: e.column,
                    problem: e.problem.to_string(),
                },
            }),
            Ok(program) => {
                let balance = ledger.balance(&c.contract).checked_add(c.value);
                match balance {
                    None => Err(Fault {
                        line: 0,
                        kind: FaultKind::BalanceOverflow {
                            what: "the contract's balance".into(),
                        },
                    }),
                    Some(balance) => {
                        let env = Env {
                            contract: c.contract,
                            caller: from,
                            value: c.value,
                            balance,
                            height,
                        };
                        let r = vm::run(
                            &program,
                            &contract.storage,
                            env,
                            &c.function,
                            &c.args,
                            c.gas_limit.saturating_sub(gas::TX_CALL),
                            false,
                        );
                        gas_used = gas_used.saturating_add(r.gas_used);
                        r.result.and_then(|effects| {
                            let mut staged = Staged::new(ledger);
                            stage_effects(&mut staged, from, c.contract, c.value, &effects)
                                .map_err(|kind| Fault { line: 0, kind })?;
                            let mut updated = contract.clone();
                            write_storage(&mut updated, &effects);
                            Ok((effects, staged.accounts, updated))
                        })
                    }
                }
            }
        },
    };
    let gas_used = gas_used.min(c.gas_limit);
    finish(
        ledger,
        from,
        fee_to,
        c.gas_price,
        gas_used,
        c.contract,
        outcome,
    )
}
