//! The interpreter: runs one function of a [`Program`] against a contract's
//! storage, with gas metered on every step.
//!
//! Nothing here writes to the ledger: a run returns the storage writes,
//! payments and events it *would* make ([`Effects`]), and the caller commits
//! them only if the run succeeded. A failed run (a `require`, an overflow, out
//! of gas) therefore changes nothing but the gas it used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::syntax::{BinOp, Builtin, Context, Expr, Function, Program, Stmt, StmtKind};
use super::value::{MAX_VALUE_BYTES, Value};
use crate::amount::Amount;
use crate::encode::Encode;
use crate::hash::sha256;
use crate::keys::Address;

// ANCHOR: gas
/// How much gas each kind of step costs. The schedule is part of the
/// chain's rules: every node must charge exactly the same.
pub mod gas {
    /// Every statement executed, and every expression evaluated.
    pub const STEP: u64 = 1;
    /// Reading a stored value or map entry.
    pub const STORAGE_READ: u64 = 20;
    /// Writing a stored value or map entry.
    pub const STORAGE_WRITE: u64 = 100;
    /// Emitting an event, plus [`EVENT_PER_VALUE`] per value.
    pub const EVENT: u64 = 30;
    /// Per value carried by an event.
    pub const EVENT_PER_VALUE: u64 = 5;
    /// `sha256(x)`.
    pub const SHA256: u64 = 50;
    /// `pay to, amount`.
    pub const PAY: u64 = 50;
    /// Calling another function of the contract.
    pub const CALL: u64 = 10;
    /// Every call transaction, before any code runs.
    pub const TX_CALL: u64 = 200;
    /// Every deploy transaction, before `init` runs, plus
    /// [`DEPLOY_PER_BYTE`] per byte of source.
    pub const TX_DEPLOY: u64 = 1_000;
    /// Per byte of deployed source.
    pub const DEPLOY_PER_BYTE: u64 = 2;
}
// ANCHOR_END: gas

/// How deeply contract functions may call each other.
pub const MAX_CALL_DEPTH: usize = 8;
/// The most events one call may emit.
pub const MAX_EVENTS: usize = 64;

/// Where a stored value lives: a `storage` name, or a `map` name and key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageKey {
    /// The declared name.
    pub name: String,
    /// The map key, for a map entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Value>,
}

impl Encode for StorageKey {
    /// `name` as length-prefixed bytes, then `0` for a stored value or `1`
    /// and the key's [`Value`] encoding for a map entry.
    fn encode_to(&self, out: &mut Vec<u8>) {
        crate::encode::put_bytes(out, self.name.as_bytes());
        match &self.key {
            None => out.push(0),
            Some(k) => {
                out.push(1);
                k.encode_to(out);
            }
        }
    }
}

/// A contract's stored data. Absent keys read as `0`, and writing `0`
/// removes the key, so storage holds only what was set.
pub type Storage = BTreeMap<StorageKey, Value>;

/// Something a contract announced, for wallets, explorers and lessons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The contract that emitted it.
    pub contract: Address,
    /// The event's name, e.g. `Transfer`.
    pub name: String,
    /// Its values.
    pub values: Vec<Value>,
    /// The source line of the `emit`.
    pub line: u32,
}

/// What a running contract can see of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Env {
    /// The contract's address.
    pub contract: Address,
    /// Who called.
    pub caller: Address,
    /// Coins sent with the call (already in the contract's balance).
    pub value: Amount,
    /// The contract's coins, `value` included.
    pub balance: Amount,
    /// The height of the block the call is in.
    pub height: u64,
}

/// What a successful run would change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// New values for storage keys (`Int(0)` means remove).
    pub writes: BTreeMap<StorageKey, Value>,
    /// Coins paid out of the contract, in order.
    pub payments: Vec<(Address, Amount)>,
    /// Events, in order.
    pub events: Vec<Event>,
    /// The function's result, if it returned one.
    pub returned: Option<Value>,
}

/// Why a run stopped, and on which line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("line {line}: {kind}")]
pub struct Fault {
    /// The source line (0 when no code had run yet).
    pub line: u32,
    /// What happened.
    pub kind: FaultKind,
}

/// What stopped a contract run. Every one reverts the call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fault")]
pub enum FaultKind {
    /// The gas limit was reached.
    #[error(
        "out of gas: this step needs {needed} more but only {left} of the limit {limit} is left"
    )]
    OutOfGas {
        /// Gas the step needed.
        needed: u64,
        /// Gas left before it.
        left: u64,
        /// The call's gas limit.
        limit: u64,
    },
    /// A `require` condition was false.
    #[error("require failed: {message}")]
    RequireFailed {
        /// The contract's message.
        message: String,
    },
    /// A `fail` statement ran.
    #[error("failed: {message}")]
    Failed {
        /// The contract's message.
        message: String,
    },
    /// A sum or product too large for 64 bits.
    #[error("{a} {op} {b} is too large for a number (at most 18446744073709551615)")]
    Overflow {
        /// The operator.
        op: String,
        /// Left operand.
        a: u64,
        /// Right operand.
        b: u64,
    },
    /// A subtraction below zero.
    #[error("{a} - {b} is below zero, and contract numbers are never negative")]
    BelowZero {
        /// Left operand.
        a: u64,
        /// Right operand.
        b: u64,
    },
    /// Division or remainder by zero.
    #[error("{a} {op} 0: cannot divide by zero")]
    DivideByZero {
        /// The operator.
        op: String,
        /// Left operand.
        a: u64,
    },
    /// An operation on the wrong kind of value.
    #[error("`{op}` needs {expected}, but got {found}")]
    WrongKind {
        /// The operation.
        op: String,
        /// The kind it needs.
        expected: String,
        /// The value it got.
        found: String,
    },
    /// The function to call does not exist.
    #[error("this contract has no function `{name}`; it has: {available}")]
    NoSuchFunction {
        /// The name asked for.
        name: String,
        /// The public functions.
        available: String,
    },
    /// `init` called after deployment.
    #[error("`init` runs once, when the contract is deployed; it cannot be called again")]
    InitIsNotCallable,
    /// The call passes the wrong number of arguments.
    #[error("`{name}` takes {expected} argument(s) ({params}), the call passes {found}")]
    ArgCount {
        /// The function.
        name: String,
        /// How many it takes.
        expected: usize,
        /// Their names.
        params: String,
        /// How many were passed.
        found: usize,
    },
    /// `pay` for more than the contract has.
    #[error("pay {amount} to {to}: the contract has only {available}")]
    InsufficientBalance {
        /// The payee.
        to: Address,
        /// The amount.
        amount: u64,
        /// The contract's coins at that moment.
        available: u64,
    },
    /// Functions call each other too deeply.
    #[error("functions call each other more than {max} deep")]
    CallTooDeep {
        /// The limit.
        max: usize,
    },
    /// A function used as a value returned nothing.
    #[error("`{name}` returned no value, but its result is used")]
    NoValue {
        /// The function.
        name: String,
    },
    /// Too many events.
    #[error("a call may emit at most {max} events")]
    TooManyEvents {
        /// The limit.
        max: usize,
    },
    /// The deployed source does not parse.
    #[error("the contract does not compile: column {column}: {problem}")]
    Syntax {
        /// The column of the problem (its line is the fault's line).
        column: u32,
        /// What is wrong.
        problem: String,
    },
    /// A call to an address that holds no contract.
    #[error("there is no contract at {address}")]
    NoContract {
        /// The address called.
        address: Address,
    },
    /// Paying out or receiving coins would overflow an account.
    #[error("the coins moved by this call would overflow {what}")]
    BalanceOverflow {
        /// Whose balance.
        what: String,
    },
    /// A local read before it has a value (cannot happen in checked code).
    #[error("`{name}` has no value here")]
    Unset {
        /// The local.
        name: String,
    },
}

enum Flow {
    Next,
    Return(Option<Value>),
}

/// A run in progress.
struct Machine<'a> {
    program: &'a Program,
    storage: &'a Storage,
    env: Env,
    gas_limit: u64,
    gas_used: u64,
    effects: Effects,
    /// The contract's coins now (after payments so far).
    balance: u64,
    depth: usize,
    line: u32,
}

/// The result of a run: the gas it used (never more than the limit) and
/// either its effects or the fault that stopped it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Gas used, at most the limit.
    pub gas_used: u64,
    /// Effects to commit, or why nothing is committed.
    pub result: Result<Effects, Fault>,
}

/// Runs `function(args)` of `program` with `gas_limit` gas. `allow_init`
/// is true only for the call made at deploy time.
///
/// Never panics, and `gas_used <= gas_limit` whatever the program and
/// inputs (a property test checks both).
pub fn run(
    program: &Program,
    storage: &Storage,
    env: Env,
    function: &str,
    args: &[Value],
    gas_limit: u64,
    allow_init: bool,
) -> Run {
    let mut m = Machine {
        program,
        storage,
        env,
        gas_limit,
        gas_used: 0,
        effects: Effects::default(),
        balance: env.balance.get(),
        depth: 0,
        line: 0,
    };
    let result = m.entry(function, args, allow_init);
    Run {
        gas_used: m.gas_used.min(gas_limit),
        result: result.map(|returned| {
            let mut effects = m.effects;
            effects.returned = returned;
            effects
        }),
    }
}

type R<T> = Result<T, Fault>;

impl Machine<'_> {
    fn fault(&self, kind: FaultKind) -> Fault {
        Fault {
            line: self.line,
            kind,
        }
    }

    fn charge(&mut self, cost: u64) -> R<()> {
        let left = self.gas_limit.saturating_sub(self.gas_used);
        if cost > left {
            self.gas_used = self.gas_limit;
            return Err(self.fault(FaultKind::OutOfGas {
                needed: cost,
                left,
                limit: self.gas_limit,
            }));
        }
        self.gas_used = self.gas_used.saturating_add(cost);
        Ok(())
    }

    fn entry(&mut self, name: &str, args: &[Value], allow_init: bool) -> R<Option<Value>> {
        if name == "init" && !allow_init {
            return Err(self.fault(FaultKind::InitIsNotCallable));
        }
        let Some(f) = self.program.functions.get(name) else {
            let available: Vec<&str> = self
                .program
                .public_functions()
                .map(|f| f.name.as_str())
                .collect();
            return Err(self.fault(FaultKind::NoSuchFunction {
                name: name.to_string(),
                available: available.join(", "),
            }));
        };
        self.invoke(f, args.to_vec())
    }

    fn invoke(&mut self, f: &Function, args: Vec<Value>) -> R<Option<Value>> {
        if args.len() != f.params.len() {
            return Err(self.fault(FaultKind::ArgCount {
                name: f.name.clone(),
                expected: f.params.len(),
                params: f.params.join(", "),
                found: args.len(),
            }));
        }
        if self.depth >= MAX_CALL_DEPTH {
            return Err(self.fault(FaultKind::CallTooDeep {
                max: MAX_CALL_DEPTH,
            }));
        }
        self.depth = self.depth.saturating_add(1);
        let mut locals: BTreeMap<String, Value> = f.params.iter().cloned().zip(args).collect();
        let saved_line = self.line;
        self.line = f.line;
        let flow = self.block(&f.body, &mut locals);
        self.depth = self.depth.saturating_sub(1);
        let flow = flow?;
        self.line = saved_line;
        Ok(match flow {
            Flow::Return(v) => v,
            Flow::Next => None,
        })
    }

    fn block(&mut self, stmts: &[Stmt], locals: &mut BTreeMap<String, Value>) -> R<Flow> {
        for s in stmts {
            if let Flow::Return(v) = self.stmt(s, locals)? {
                return Ok(Flow::Return(v));
            }
        }
        Ok(Flow::Next)
    }

    fn stmt(&mut self, s: &Stmt, locals: &mut BTreeMap<String, Value>) -> R<Flow> {
        self.line = s.line;
        self.charge(gas::STEP)?;
        match &s.kind {
            StmtKind::Let(name, e) | StmtKind::SetLocal(name, e) => {
                let v = self.eval(e, locals)?;
                locals.insert(name.clone(), v);
            }
            StmtKind::SetStored(name, e) => {
                let v = self.eval(e, locals)?;
                self.write(
                    StorageKey {
                        name: name.clone(),
                        key: None,
                    },
                    v,
                )?;
            }
            StmtKind::SetIndex(name, k, e) => {
                let key = self.eval(k, locals)?;
                let v = self.eval(e, locals)?;
                self.write(
                    StorageKey {
                        name: name.clone(),
                        key: Some(key),
                    },
                    v,
                )?;
            }
            StmtKind::If(c, then, otherwise) => {
                let branch = if self.eval(c, locals)?.is_truthy() {
                    then
                } else {
                    otherwise
                };
                let flow = self.block(branch, locals)?;
                self.line = s.line;
                return Ok(flow);
            }
            StmtKind::While(c, body) => loop {
                self.line = s.line;
                self.charge(gas::STEP)?;
                if !self.eval(c, locals)?.is_truthy() {
                    break;
                }
                if let Flow::Return(v) = self.block(body, locals)? {
                    return Ok(Flow::Return(v));
                }
            },
            StmtKind::Require(c, message) => {
                if !self.eval(c, locals)?.is_truthy() {
                    return Err(self.fault(FaultKind::RequireFailed {
                        message: message.clone(),
                    }));
                }
            }
            StmtKind::Fail(message) => {
                return Err(self.fault(FaultKind::Failed {
                    message: message.clone(),
                }));
            }
            StmtKind::Emit(name, args) => {
                let n = u64::try_from(args.len()).unwrap_or(u64::MAX);
                self.charge(gas::EVENT.saturating_add(gas::EVENT_PER_VALUE.saturating_mul(n)))?;
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, locals)?);
                }
                if self.effects.events.len() >= MAX_EVENTS {
                    return Err(self.fault(FaultKind::TooManyEvents { max: MAX_EVENTS }));
                }
                self.effects.events.push(Event {
                    contract: self.env.contract,
                    name: name.clone(),
                    values,
                    line: s.line,
                });
            }
            StmtKind::Pay(to, amount) => {
                self.charge(gas::PAY)?;
                let to = match self.eval(to, locals)? {
                    Value::Address(a) => a,
                    other => return Err(self.wrong_kind("pay", "an address to pay", &other)),
                };
                let amount = self.int("pay", amount, locals)?;
                let available = self.balance;
                self.balance = available.checked_sub(amount).ok_or_else(|| {
                    self.fault(FaultKind::InsufficientBalance {
                        to,
                        amount,
                        available,
                    })
                })?;
                if amount > 0 {
                    self.effects.payments.push((to, Amount::new(amount)));
                }
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => Some(self.eval(e, locals)?),
                    None => None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Expr(e) => {
                if let Expr::Call(name, args) = e {
                    self.call(name, args, locals)?;
                } else {
                    self.eval(e, locals)?;
                }
            }
        }
        Ok(Flow::Next)
    }

    fn write(&mut self, key: StorageKey, v: Value) -> R<()> {
        self.charge(gas::STORAGE_WRITE)?;
        self.effects.writes.insert(key, v);
        Ok(())
    }

    fn read(&mut self, key: StorageKey) -> R<Value> {
        self.charge(gas::STORAGE_READ)?;
        let v = self
            .effects
            .writes
            .get(&key)
            .or_else(|| self.storage.get(&key))
            .cloned();
        Ok(v.unwrap_or(Value::Int(0)))
    }

    fn wrong_kind(&self, op: &str, expected: &str, found: &Value) -> Fault {
        self.fault(FaultKind::WrongKind {
            op: op.to_string(),
            expected: expected.to_string(),
            found: format!("{} ({found})", found.kind()),
        })
    }

    fn int(&mut self, op: &str, e: &Expr, locals: &mut BTreeMap<String, Value>) -> R<u64> {
        match self.eval(e, locals)? {
            Value::Int(n) => Ok(n),
            other => Err(self.wrong_kind(op, "a number", &other)),
        }
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        locals: &mut BTreeMap<String, Value>,
    ) -> R<Option<Value>> {
        self.charge(gas::CALL)?;
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a, locals)?);
        }
        let program = self.program;
        let Some(f) = program.functions.get(name) else {
            return Err(self.fault(FaultKind::NoSuchFunction {
                name: name.to_string(),
                available: String::new(),
            }));
        };
        self.invoke(f, values)
    }

    fn eval(&mut self, e: &Expr, locals: &mut BTreeMap<String, Value>) -> R<Value> {
        self.charge(gas::STEP)?;
        Ok(match e {
            Expr::Lit(v) => v.clone(),
            Expr::Local(name) => match locals.get(name) {
                Some(v) => v.clone(),
                None => return Err(self.fault(FaultKind::Unset { name: name.clone() })),
            },
            Expr::Stored(name) => self.read(StorageKey {
                name: name.clone(),
                key: None,
            })?,
            Expr::Index(name, k) => {
                let key = self.eval(k, locals)?;
                self.read(StorageKey {
                    name: name.clone(),
                    key: Some(key),
                })?
            }
            Expr::Context(c) => match c {
                Context::Caller => Value::Address(self.env.caller),
                Context::Value => Value::Int(self.env.value.get()),
                Context::Height => Value::Int(self.env.height),
                Context::SelfAddress => Value::Address(self.env.contract),
                Context::Balance => Value::Int(self.balance),
            },
            Expr::Not(inner) => Value::Bool(!self.eval(inner, locals)?.is_truthy()),
            Expr::Binary(BinOp::And, a, b) => {
                let a = self.eval(a, locals)?.is_truthy();
                Value::Bool(a && self.eval(b, locals)?.is_truthy())
            }
            Expr::Binary(BinOp::Or, a, b) => {
                let a = self.eval(a, locals)?.is_truthy();
                Value::Bool(a || self.eval(b, locals)?.is_truthy())
            }
            Expr::Binary(op, a, b) => {
                let a = self.eval(a, locals)?;
                let b = self.eval(b, locals)?;
                self.binary(*op, a, b)?
            }
            Expr::Builtin(b, args) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, locals)?);
                }
                self.builtin(*b, values)?
            }
            Expr::Call(name, args) => match self.call(name, args, locals)? {
                Some(v) => v,
                None => return Err(self.fault(FaultKind::NoValue { name: name.clone() })),
            },
        })
    }

    fn binary(&mut self, op: BinOp, a: Value, b: Value) -> R<Value> {
        match op {
            BinOp::Eq => return Ok(Value::Bool(a == b)),
            BinOp::Ne => return Ok(Value::Bool(a != b)),
            _ => {}
        }
        let (x, y) = match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => (*x, *y),
            (Value::Int(_), other) | (other, _) => {
                return Err(self.wrong_kind(op.symbol(), "two numbers", other));
            }
        };
        let overflow = || FaultKind::Overflow {
            op: op.symbol().to_string(),
            a: x,
            b: y,
        };
        let divide = || FaultKind::DivideByZero {
            op: op.symbol().to_string(),
            a: x,
        };
        let v = match op {
            BinOp::Add => Value::Int(x.checked_add(y).ok_or_else(|| self.fault(overflow()))?),
            BinOp::Mul => Value::Int(x.checked_mul(y).ok_or_else(|| self.fault(overflow()))?),
            BinOp::Sub => Value::Int(
                x.checked_sub(y)
                    .ok_or_else(|| self.fault(FaultKind::BelowZero { a: x, b: y }))?,
            ),
            BinOp::Div => Value::Int(x.checked_div(y).ok_or_else(|| self.fault(divide()))?),
            BinOp::Rem => Value::Int(x.checked_rem(y).ok_or_else(|| self.fault(divide()))?),
            BinOp::Lt => Value::Bool(x < y),
            BinOp::Le => Value::Bool(x <= y),
            BinOp::Gt => Value::Bool(x > y),
            BinOp::Ge => Value::Bool(x >= y),
            BinOp::Eq | BinOp::Ne | BinOp::And | BinOp::Or => Value::Bool(false),
        };
        Ok(v)
    }

    fn builtin(&mut self, b: Builtin, args: Vec<Value>) -> R<Value> {
        let mut it = args.into_iter();
        let first = it.next().unwrap_or(Value::Int(0));
        match b {
            Builtin::Sha256 => {
                self.charge(gas::SHA256)?;
                let bytes = match first {
                    Value::Bytes(b) => b,
                    other => other.encode(),
                };
                Ok(Value::Bytes(sha256(&bytes).as_bytes().to_vec()))
            }
            Builtin::Len => match first {
                Value::Bytes(b) => Ok(Value::Int(u64::try_from(b.len()).unwrap_or(u64::MAX))),
                other => Err(self.wrong_kind("len", "bytes or text", &other)),
            },
            Builtin::Min | Builtin::Max => {
                let second = it.next().unwrap_or(Value::Int(0));
                match (&first, &second) {
                    (Value::Int(x), Value::Int(y)) => Ok(Value::Int(if b == Builtin::Min {
                        *x.min(y)
                    } else {
                        *x.max(y)
                    })),
                    (Value::Int(_), other) | (other, _) => Err(self.wrong_kind(
                        if b == Builtin::Min { "min" } else { "max" },
                        "two numbers",
                        other,
                    )),
                }
            }
        }
    }
}

/// The gas a deploy of `source` costs before `init` runs.
pub fn deploy_intrinsic_gas(source: &str) -> u64 {
    let bytes = u64::try_from(source.len()).unwrap_or(u64::MAX);
    gas::TX_DEPLOY.saturating_add(gas::DEPLOY_PER_BYTE.saturating_mul(bytes))
}

/// Values never grow past [`MAX_VALUE_BYTES`]: no operation concatenates,
/// so every byte string comes from a literal, an argument or `sha256`.
const _: () = assert!(MAX_VALUE_BYTES >= 32);
