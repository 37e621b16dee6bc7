//! The contract language: lexer, parser and name checks.
//!
//! A contract is a short text a student reads in one sitting:
//!
//! ```text
//! # A counter anyone can bump.
//! contract Counter
//! storage count
//!
//! fn bump(by)
//!   require by > 0, "bump by at least 1"
//!   count = count + by
//!   emit Bumped(caller, count)
//!   return count
//! end
//! ```
//!
//! One statement per line. `storage x` declares a stored value, `map m` a
//! stored table (`m[key]`); both read as `0` until written. `let` declares a
//! local inside its block. Statements: `let`, assignment, `if … else if …
//! else … end`, `while … end`, `require cond, "why"`, `fail "why"`,
//! `emit Name(values)`, `pay to, amount`, `return [value]`, or a call.
//! Names the chain provides: `caller`, `value` (coins sent with the call),
//! `height`, `self` (the contract's address), `balance` (its coins).
//! Built-in functions: `sha256(x)`, `len(x)`, `min(a, b)`, `max(a, b)`.
//!
//! Every problem found here is a [`SyntaxError`] with a line and column.

use std::collections::{BTreeMap, BTreeSet};

use super::value::{MAX_VALUE_BYTES, Value};
use crate::keys::Address;

/// The longest source a contract may have, in bytes.
pub const MAX_SOURCE_BYTES: u32 = 16 * 1024;
/// How deeply blocks (`if`, `while`) may nest inside a function.
pub const MAX_BLOCK_DEPTH: usize = 16;
/// How deeply expressions may nest (parentheses, operators, calls).
pub const MAX_EXPR_DEPTH: usize = 32;
/// The most parameters a function may take.
pub const MAX_PARAMS: usize = 8;

/// A problem in a contract's source, with where it is (from 1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {problem}")]
pub struct SyntaxError {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1 (in characters).
    pub column: u32,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong in a contract's source.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The source is longer than allowed.
    #[error("the contract has {len} bytes but at most {max} are allowed")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: u32,
    },
    /// A character that starts no token.
    #[error("the character {0:?} means nothing here")]
    BadChar(char),
    /// A number that does not fit 64 bits.
    #[error("the number {0} is too large (the largest is 18446744073709551615)")]
    NumberTooLarge(String),
    /// A string with no closing quote.
    #[error("this text has no closing \" on the same line")]
    UnclosedString,
    /// A hex literal that is not an even number of hex digits.
    #[error("{0:?} is not hex bytes: write an even number of digits 0-9 a-f after 0x")]
    BadHex(String),
    /// An address literal that is not `@` and 40 hex digits.
    #[error("{0:?} is not an address: write @ and 40 hex digits")]
    BadAddress(String),
    /// A literal longer than a value may be.
    #[error("this literal has {len} bytes but a value holds at most {max}")]
    LiteralTooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: u32,
    },
    /// The parser wanted something else.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What it wanted.
        expected: &'static str,
        /// What it found.
        found: String,
    },
    /// A name used before it is declared.
    #[error(
        "`{0}` is not declared: write `let {0} = …` for a local, or `storage {0}` at the top for stored data"
    )]
    Undeclared(String),
    /// A name declared twice.
    #[error("`{name}` is already declared (on line {first_line})")]
    Duplicate {
        /// The name.
        name: String,
        /// Where it was declared first.
        first_line: u32,
    },
    /// A reserved word used as a name.
    #[error("`{0}` is a reserved word and cannot be used as a name")]
    Reserved(String),
    /// A map used without `[key]`, or a stored value with one.
    #[error("`{name}` is {is}: {hint}")]
    WrongUse {
        /// The name.
        name: String,
        /// What it is.
        is: &'static str,
        /// How to use it.
        hint: &'static str,
    },
    /// A call to a function that does not exist.
    #[error("there is no function `{0}` (built-ins: sha256, len, min, max)")]
    UnknownFunction(String),
    /// A call with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument(s), this call passes {found}")]
    ArgCount {
        /// The function.
        name: String,
        /// Parameters it has.
        expected: usize,
        /// Arguments passed.
        found: usize,
    },
    /// Too deeply nested.
    #[error("{what} nest more than {max} deep here; split this into smaller pieces")]
    TooDeep {
        /// Blocks or expressions.
        what: &'static str,
        /// The limit.
        max: usize,
    },
    /// Too many parameters.
    #[error("a function may take at most {max} parameters")]
    TooManyParams {
        /// The limit.
        max: usize,
    },
    /// A declaration after the first function.
    #[error("declare `storage` and `map` names at the top, before the first `fn`")]
    LateDeclaration,
    /// A statement outside of any function.
    #[error("only `contract`, `storage`, `map` and `fn` may appear outside a function")]
    OutsideFunction,
    /// A block with no `end`.
    #[error("this `{0}` has no matching `end`")]
    MissingEnd(&'static str),
    /// A contract with no functions.
    #[error("the contract has no functions: add at least one `fn`")]
    NoFunctions,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (whole-number division)
    Div,
    /// `%`
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and` (stops early)
    And,
    /// `or` (stops early)
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// A value the chain provides to a running contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// `caller`: who called.
    Caller,
    /// `value`: coins sent with the call.
    Value,
    /// `height`: the block's height.
    Height,
    /// `self`: the contract's address.
    SelfAddress,
    /// `balance`: the contract's coins now.
    Balance,
}

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `sha256(x)`: the SHA-256 of a value's bytes.
    Sha256,
    /// `len(x)`: the number of bytes.
    Len,
    /// `min(a, b)`.
    Min,
    /// `max(a, b)`.
    Max,
}

/// An expression, with names already resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// A literal.
    Lit(Value),
    /// A local or parameter.
    Local(String),
    /// A stored value.
    Stored(String),
    /// `map[key]`.
    Index(String, Box<Expr>),
    /// A name the chain provides.
    Context(Context),
    /// `not x`.
    Not(Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A built-in call.
    Builtin(Builtin, Vec<Expr>),
    /// A call to another function of the contract.
    Call(String, Vec<Expr>),
}

/// A statement and the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    /// The line, from 1.
    pub line: u32,
    /// What it does.
    pub kind: StmtKind,
}

/// What a statement does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `let x = e`
    Let(String, Expr),
    /// `x = e` for a local.
    SetLocal(String, Expr),
    /// `x = e` for a stored value.
    SetStored(String, Expr),
    /// `m[k] = e`
    SetIndex(String, Expr, Expr),
    /// `if c … else … end`
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `while c … end`
    While(Expr, Vec<Stmt>),
    /// `require c, "why"`
    Require(Expr, String),
    /// `fail "why"`
    Fail(String),
    /// `emit Name(a, b)`
    Emit(String, Vec<Expr>),
    /// `pay to, amount`
    Pay(Expr, Expr),
    /// `return` or `return e`
    Return(Option<Expr>),
    /// A call whose result is ignored.
    Expr(Expr),
}

/// A function of a contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// Parameter names.
    pub params: Vec<String>,
    /// The statements.
    pub body: Vec<Stmt>,
    /// The line of `fn`.
    pub line: u32,
}

/// A parsed and checked contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The name after `contract` (empty if none).
    pub name: String,
    /// Stored values, with the line each is declared on.
    pub stored: BTreeMap<String, u32>,
    /// Stored tables, with the line each is declared on.
    pub maps: BTreeMap<String, u32>,
    /// Functions by name.
    pub functions: BTreeMap<String, Function>,
}

impl Program {
    /// Parses and checks a contract's source.
    pub fn parse(source: &str) -> Result<Program, SyntaxError> {
        if source.len() > MAX_SOURCE_BYTES as usize {
            return Err(SyntaxError {
                line: 1,
                column: 1,
                problem: Problem::TooLong {
                    len: source.len(),
                    max: MAX_SOURCE_BYTES,
                },
            });
        }
        let tokens = lex(source)?;
        Parser::new(tokens).program()
    }

    /// The public functions (every function but `init`), in name order.
    pub fn public_functions(&self) -> impl Iterator<Item = &Function> {
        self.functions.values().filter(|f| f.name != "init")
    }
}

const RESERVED: &[&str] = &[
    "contract", "storage", "map", "fn", "end", "let", "if", "else", "while", "require", "fail",
    "emit", "pay", "return", "and", "or", "not", "true", "false", "caller", "value", "height",
    "self", "balance", "sha256", "len", "min", "max",
];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Name(String),
    Lit(Value),
    Sym(&'static str),
    Newline,
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Name(n) => format!("`{n}`"),
            Tok::Lit(v) => format!("the value {v}"),
            Tok::Sym(s) => format!("`{s}`"),
            Tok::Newline => "the end of the line".into(),
            Tok::Eof => "the end of the contract".into(),
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: u32,
    column: u32,
}

const SYMBOLS: &[&str] = &[
    "==", "!=", "<=", ">=", "(", ")", "[", "]", ",", "=", "<", ">", "+", "-", "*", "/", "%",
];

fn lex(source: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut out = Vec::new();
    let mut line: u32 = 1;
    for text in source.lines() {
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0usize;
        while let Some(&c) = chars.get(i) {
            let column = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
            let err = |problem| SyntaxError {
                line,
                column,
                problem,
            };
            let start = i;
            let tok = if c == '#' {
                break;
            } else if c.is_whitespace() {
                i = i.saturating_add(1);
                continue;
            } else if c.is_ascii_digit() {
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i = i.saturating_add(1);
                }
                let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
                if let Some(hex_digits) = word.strip_prefix("0x") {
                    let bytes =
                        hex::decode(hex_digits).map_err(|_| err(Problem::BadHex(word.clone())))?;
                    literal_len(bytes.len()).map_err(err)?;
                    Tok::Lit(Value::Bytes(bytes))
                } else {
                    let digits: String = word.chars().filter(|c| *c != '_').collect();
                    if !digits.chars().all(|c| c.is_ascii_digit()) {
                        return Err(err(Problem::Expected {
                            expected: "a number (digits only)",
                            found: format!("`{word}`"),
                        }));
                    }
                    let n = digits
                        .parse::<u64>()
                        .map_err(|_| err(Problem::NumberTooLarge(word.clone())))?;
                    Tok::Lit(Value::Int(n))
                }
            } else if c.is_alphabetic() || c == '_' {
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_')
                {
                    i = i.saturating_add(1);
                }
                let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
                match word.as_str() {
                    "true" => Tok::Lit(Value::Bool(true)),
                    "false" => Tok::Lit(Value::Bool(false)),
                    _ => Tok::Name(word),
                }
            } else if c == '"' {
                i = i.saturating_add(1);
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None => return Err(err(Problem::UnclosedString)),
                        Some('"') => break,
                        Some(ch) => s.push(*ch),
                    }
                    i = i.saturating_add(1);
                }
                i = i.saturating_add(1);
                literal_len(s.len()).map_err(err)?;
                Tok::Lit(Value::text(&s))
            } else if c == '@' {
                i = i.saturating_add(1);
                while chars.get(i).is_some_and(char::is_ascii_alphanumeric) {
                    i = i.saturating_add(1);
                }
                let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
                let hex_digits = word.get(1..).unwrap_or_default();
                let a = Address::from_hex(hex_digits)
                    .map_err(|_| err(Problem::BadAddress(word.clone())))?;
                Tok::Lit(Value::Address(a))
            } else {
                let rest: String = chars.get(i..).unwrap_or_default().iter().take(2).collect();
                match SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
                    Some(s) => {
                        i = i.saturating_add(s.len());
                        Tok::Sym(s)
                    }
                    None => return Err(err(Problem::BadChar(c))),
                }
            };
            out.push(Token { tok, line, column });
        }
        out.push(Token {
            tok: Tok::Newline,
            line,
            column: u32::try_from(chars.len())
                .unwrap_or(u32::MAX)
                .saturating_add(1),
        });
        line = line.saturating_add(1);
    }
    out.push(Token {
        tok: Tok::Eof,
        line,
        column: 1,
    });
    Ok(out)
}

fn literal_len(len: usize) -> Result<(), Problem> {
    if len > MAX_VALUE_BYTES as usize {
        Err(Problem::LiteralTooLong {
            len,
            max: MAX_VALUE_BYTES,
        })
    } else {
        Ok(())
    }
}

/// A call to a contract function, checked once every function is known.
struct PendingCall {
    name: String,
    args: usize,
    line: u32,
    column: u32,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    stored: BTreeMap<String, u32>,
    maps: BTreeMap<String, u32>,
    /// Block scopes of the function being parsed: name -> line declared.
    scopes: Vec<BTreeMap<String, u32>>,
    calls: Vec<PendingCall>,
    expr_depth: usize,
}

type PResult<T> = Result<T, SyntaxError>;

impl Parser {
    fn new(tokens: Vec<Token>) -> Self {
        Parser {
            tokens,
            pos: 0,
            stored: BTreeMap::new(),
            maps: BTreeMap::new(),
            scopes: Vec::new(),
            calls: Vec::new(),
            expr_depth: 0,
        }
    }

    fn peek(&self) -> &Tok {
        self.tokens.get(self.pos).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn here(&self) -> (u32, u32) {
        self.tokens
            .get(self.pos)
            .or_else(|| self.tokens.last())
            .map_or((1, 1), |t| (t.line, t.column))
    }

    fn error(&self, problem: Problem) -> SyntaxError {
        let (line, column) = self.here();
        SyntaxError {
            line,
            column,
            problem,
        }
    }

    fn expected(&self, expected: &'static str) -> SyntaxError {
        self.error(Problem::Expected {
            expected,
            found: self.peek().describe(),
        })
    }

    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos = self.pos.saturating_add(1);
        }
        t
    }

    fn at_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == word)
    }

    fn at_sym(&self, sym: &str) -> bool {
        matches!(self.peek(), Tok::Sym(s) if *s == sym)
    }

    fn eat_sym(&mut self, sym: &'static str, expected: &'static str) -> PResult<()> {
        if self.at_sym(sym) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(expected))
        }
    }

    fn eat_word(&mut self, word: &str, expected: &'static str) -> PResult<()> {
        if self.at_word(word) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(expected))
        }
    }

    fn end_of_line(&mut self) -> PResult<()> {
        match self.peek() {
            Tok::Newline => {
                self.bump();
                Ok(())
            }
            Tok::Eof => Ok(()),
            _ => Err(self.expected("the end of the line")),
        }
    }

    fn skip_blank_lines(&mut self) {
        while *self.peek() == Tok::Newline {
            self.bump();
        }
    }

    /// A new name (not reserved).
    fn new_name(&mut self, expected: &'static str) -> PResult<(String, u32)> {
        match self.peek().clone() {
            Tok::Name(n) if RESERVED.contains(&n.as_str()) => Err(self.error(Problem::Reserved(n))),
            Tok::Name(n) => {
                let line = self.here().0;
                self.bump();
                Ok((n, line))
            }
            _ => Err(self.expected(expected)),
        }
    }

    fn declared_line(&self, name: &str) -> Option<u32> {
        self.stored
            .get(name)
            .or_else(|| self.maps.get(name))
            .or_else(|| self.scopes.iter().rev().find_map(|s| s.get(name)))
            .copied()
    }

    fn declare_local(&mut self, name: String, line: u32, column: u32) -> PResult<()> {
        if let Some(first_line) = self.declared_line(&name) {
            return Err(SyntaxError {
                line,
                column,
                problem: Problem::Duplicate { name, first_line },
            });
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name, line);
        }
        Ok(())
    }

    fn is_local(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.contains_key(name))
    }

    fn program(mut self) -> PResult<Program> {
        let mut name = String::new();
        let mut functions: BTreeMap<String, Function> = BTreeMap::new();
        loop {
            self.skip_blank_lines();
            let (line, column) = self.here();
            match self.peek().clone() {
                Tok::Eof => break,
                Tok::Name(w) if w == "contract" && name.is_empty() && functions.is_empty() => {
                    self.bump();
                    name = self.new_name("the contract's name")?.0;
                    self.end_of_line()?;
                }
                Tok::Name(w) if w == "storage" || w == "map" => {
                    if !functions.is_empty() {
                        return Err(self.error(Problem::LateDeclaration));
                    }
                    self.bump();
                    let (n, l) = self.new_name("a name to declare")?;
                    if let Some(first_line) = self.declared_line(&n) {
                        return Err(SyntaxError {
                            line,
                            column,
                            problem: Problem::Duplicate {
                                name: n,
                                first_line,
                            },
                        });
                    }
                    if w == "storage" {
                        self.stored.insert(n, l);
                    } else {
                        self.maps.insert(n, l);
                    }
                    self.end_of_line()?;
                }
                Tok::Name(w) if w == "fn" => {
                    self.bump();
                    let f = self.function(line)?;
                    if let Some(first) = functions.get(&f.name) {
                        return Err(SyntaxError {
                            line,
                            column,
                            problem: Problem::Duplicate {
                                name: f.name,
                                first_line: first.line,
                            },
                        });
                    }
                    functions.insert(f.name.clone(), f);
                }
                _ => return Err(self.error(Problem::OutsideFunction)),
            }
        }
        if functions.is_empty() {
            return Err(self.error(Problem::NoFunctions));
        }
        for call in &self.calls {
            let problem = match functions.get(&call.name) {
                None => Problem::UnknownFunction(call.name.clone()),
                Some(f) if f.params.len() != call.args => Problem::ArgCount {
                    name: call.name.clone(),
                    expected: f.params.len(),
                    found: call.args,
                },
                Some(_) => continue,
            };
            return Err(SyntaxError {
                line: call.line,
                column: call.column,
                problem,
            });
        }
        Ok(Program {
            name,
            stored: self.stored,
            maps: self.maps,
            functions,
        })
    }

    fn function(&mut self, line: u32) -> PResult<Function> {
        let (name, _) = self.new_name("the function's name")?;
        self.eat_sym("(", "`(` after the function's name")?;
        self.scopes = vec![BTreeMap::new()];
        let mut params = Vec::new();
        while !self.at_sym(")") {
            if !params.is_empty() {
                self.eat_sym(",", "`,` or `)`")?;
            }
            let (column_line, column) = self.here();
            let (p, l) = self.new_name("a parameter name")?;
            if params.len() >= MAX_PARAMS {
                return Err(SyntaxError {
                    line: column_line,
                    column,
                    problem: Problem::TooManyParams { max: MAX_PARAMS },
                });
            }
            self.declare_local(p.clone(), l, column)?;
            params.push(p);
        }
        self.bump();
        self.end_of_line()?;
        let body = self.block(1, "fn")?;
        self.eat_word("end", "`end`")?;
        self.end_of_line()?;
        self.scopes.clear();
        Ok(Function {
            name,
            params,
            body,
            line,
        })
    }

    /// Statements until `end` or `else` (not consumed).
    fn block(&mut self, depth: usize, opener: &'static str) -> PResult<Vec<Stmt>> {
        if depth > MAX_BLOCK_DEPTH {
            return Err(self.error(Problem::TooDeep {
                what: "blocks",
                max: MAX_BLOCK_DEPTH,
            }));
        }
        let mut out = Vec::new();
        loop {
            self.skip_blank_lines();
            if self.at_word("end") || self.at_word("else") {
                return Ok(out);
            }
            if *self.peek() == Tok::Eof {
                return Err(self.error(Problem::MissingEnd(opener)));
            }
            out.push(self.statement(depth)?);
        }
    }

    fn scoped_block(&mut self, depth: usize, opener: &'static str) -> PResult<Vec<Stmt>> {
        self.scopes.push(BTreeMap::new());
        let b = self.block(depth, opener);
        self.scopes.pop();
        b
    }

    fn text(&mut self, expected: &'static str) -> PResult<String> {
        match self.peek().clone() {
            Tok::Lit(Value::Bytes(b)) => {
                self.bump();
                Ok(String::from_utf8_lossy(&b).into_owned())
            }
            _ => Err(self.expected(expected)),
        }
    }

    fn statement(&mut self, depth: usize) -> PResult<Stmt> {
        let (line, column) = self.here();
        let word = match self.peek() {
            Tok::Name(w) => w.clone(),
            _ => return Err(self.expected("a statement")),
        };
        let kind = match word.as_str() {
            "let" => {
                self.bump();
                let (_, column) = self.here();
                let (name, l) = self.new_name("a name after `let`")?;
                self.eat_sym("=", "`=` after the name")?;
                let e = self.expr()?;
                self.declare_local(name.clone(), l, column)?;
                StmtKind::Let(name, e)
            }
            "if" => {
                self.bump();
                let s = self.if_rest(depth)?;
                return Ok(Stmt { line, kind: s });
            }
            "while" => {
                self.bump();
                let c = self.expr()?;
                self.end_of_line()?;
                let body = self.scoped_block(depth.saturating_add(1), "while")?;
                self.eat_word("end", "`end`")?;
                StmtKind::While(c, body)
            }
            "require" => {
                self.bump();
                let c = self.expr()?;
                self.eat_sym(
                    ",",
                    "`,` and a message, as in: require x > 0, \"x must be positive\"",
                )?;
                StmtKind::Require(c, self.text("a message in quotes")?)
            }
            "fail" => {
                self.bump();
                StmtKind::Fail(self.text("a message in quotes")?)
            }
            "emit" => {
                self.bump();
                let (name, _) = self.new_name("an event name, as in: emit Paid(to, amount)")?;
                self.eat_sym("(", "`(` after the event name")?;
                StmtKind::Emit(name, self.args()?)
            }
            "pay" => {
                self.bump();
                let to = self.expr()?;
                self.eat_sym(",", "`,` and an amount, as in: pay seller, 10")?;
                StmtKind::Pay(to, self.expr()?)
            }
            "return" => {
                self.bump();
                if matches!(self.peek(), Tok::Newline | Tok::Eof) {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.expr()?))
                }
            }
            _ if self.tokens.get(self.pos.saturating_add(1)).map(|t| &t.tok)
                == Some(&Tok::Sym("=")) =>
            {
                self.bump();
                self.bump();
                let e = self.expr()?;
                if self.is_local(&word) {
                    StmtKind::SetLocal(word, e)
                } else if self.stored.contains_key(&word) {
                    StmtKind::SetStored(word, e)
                } else if self.maps.contains_key(&word) {
                    return Err(SyntaxError {
                        line,
                        column,
                        problem: map_misuse(word),
                    });
                } else if RESERVED.contains(&word.as_str()) {
                    return Err(SyntaxError {
                        line,
                        column,
                        problem: Problem::Reserved(word),
                    });
                } else {
                    return Err(SyntaxError {
                        line,
                        column,
                        problem: Problem::Undeclared(word),
                    });
                }
            }
            _ if self.maps.contains_key(&word)
                && self.tokens.get(self.pos.saturating_add(1)).map(|t| &t.tok)
                    == Some(&Tok::Sym("[")) =>
            {
                self.bump();
                self.bump();
                let k = self.expr()?;
                self.eat_sym("]", "`]`")?;
                self.eat_sym("=", "`=`")?;
                StmtKind::SetIndex(word, k, self.expr()?)
            }
            _ => {
                let e = self.expr()?;
                if !matches!(e, Expr::Call(..)) {
                    return Err(SyntaxError {
                        line,
                        column,
                        problem: Problem::Expected {
                            expected: "a statement (a value on its own does nothing)",
                            found: format!("`{word}`"),
                        },
                    });
                }
                StmtKind::Expr(e)
            }
        };
        self.end_of_line()?;
        Ok(Stmt { line, kind })
    }

    /// After `if` (or `else if`): condition, blocks, and the one `end`.
    fn if_rest(&mut self, depth: usize) -> PResult<StmtKind> {
        let c = self.expr()?;
        self.end_of_line()?;
        let then = self.scoped_block(depth.saturating_add(1), "if")?;
        let mut otherwise = Vec::new();
        if self.at_word("else") {
            self.bump();
            if self.at_word("if") {
                let line = self.here().0;
                self.bump();
                let nested = self.if_rest(depth.saturating_add(1))?;
                otherwise.push(Stmt { line, kind: nested });
                return Ok(StmtKind::If(c, then, otherwise));
            }
            self.end_of_line()?;
            otherwise = self.scoped_block(depth.saturating_add(1), "else")?;
        }
        self.eat_word("end", "`end`")?;
        self.end_of_line()?;
        Ok(StmtKind::If(c, then, otherwise))
    }

    /// Comma-separated expressions up to `)` (the `(` already read).
    fn args(&mut self) -> PResult<Vec<Expr>> {
        let mut out = Vec::new();
        while !self.at_sym(")") {
            if !out.is_empty() {
                self.eat_sym(",", "`,` or `)`")?;
            }
            if out.len() >= MAX_PARAMS {
                return Err(self.error(Problem::TooManyParams { max: MAX_PARAMS }));
            }
            out.push(self.expr()?);
        }
        self.bump();
        Ok(out)
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.expr_depth = self.expr_depth.saturating_add(1);
        let r = if self.expr_depth > MAX_EXPR_DEPTH {
            Err(self.error(Problem::TooDeep {
                what: "expressions",
                max: MAX_EXPR_DEPTH,
            }))
        } else {
            self.binary(0)
        };
        self.expr_depth = self.expr_depth.saturating_sub(1);
        r
    }

    fn peek_binop(&self) -> Option<(BinOp, u8)> {
        let op = match self.peek() {
            Tok::Name(w) if w == "or" => BinOp::Or,
            Tok::Name(w) if w == "and" => BinOp::And,
            Tok::Sym("==") => BinOp::Eq,
            Tok::Sym("!=") => BinOp::Ne,
            Tok::Sym("<") => BinOp::Lt,
            Tok::Sym("<=") => BinOp::Le,
            Tok::Sym(">") => BinOp::Gt,
            Tok::Sym(">=") => BinOp::Ge,
            Tok::Sym("+") => BinOp::Add,
            Tok::Sym("-") => BinOp::Sub,
            Tok::Sym("*") => BinOp::Mul,
            Tok::Sym("/") => BinOp::Div,
            Tok::Sym("%") => BinOp::Rem,
            _ => return None,
        };
        let prec = match op {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 3,
            BinOp::Add | BinOp::Sub => 4,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 5,
        };
        Some((op, prec))
    }

    /// Precedence climbing; every operator is left-associative. The loop
    /// runs once per operator, and recursion is bounded by the 5 levels.
    fn binary(&mut self, min_prec: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        while let Some((op, prec)) = self.peek_binop() {
            if prec <= min_prec {
                break;
            }
            self.bump();
            let rhs = self.binary(prec)?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.at_word("not") {
            self.bump();
            let inner = self.nested(Self::unary)?;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.at_sym("-") {
            return Err(self.error(Problem::Expected {
                expected: "a value (numbers in contracts are never negative)",
                found: "`-`".into(),
            }));
        }
        self.primary()
    }

    /// Runs `f` one expression level deeper.
    fn nested(&mut self, f: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        self.expr_depth = self.expr_depth.saturating_add(1);
        let r = if self.expr_depth > MAX_EXPR_DEPTH {
            Err(self.error(Problem::TooDeep {
                what: "expressions",
                max: MAX_EXPR_DEPTH,
            }))
        } else {
            f(self)
        };
        self.expr_depth = self.expr_depth.saturating_sub(1);
        r
    }

    fn primary(&mut self) -> PResult<Expr> {
        let (line, column) = self.here();
        match self.bump() {
            Tok::Lit(v) => Ok(Expr::Lit(v)),
            Tok::Sym("(") => {
                let e = self.expr()?;
                self.eat_sym(")", "`)`")?;
                Ok(e)
            }
            Tok::Name(n) => {
                let at = |problem| SyntaxError {
                    line,
                    column,
                    problem,
                };
                let context = match n.as_str() {
                    "caller" => Some(Context::Caller),
                    "value" => Some(Context::Value),
                    "height" => Some(Context::Height),
                    "self" => Some(Context::SelfAddress),
                    "balance" => Some(Context::Balance),
                    _ => None,
                };
                if let Some(c) = context {
                    return Ok(Expr::Context(c));
                }
                if self.at_sym("(") {
                    self.bump();
                    let args = self.args()?;
                    let builtin = match n.as_str() {
                        "sha256" => Some((Builtin::Sha256, 1)),
                        "len" => Some((Builtin::Len, 1)),
                        "min" => Some((Builtin::Min, 2)),
                        "max" => Some((Builtin::Max, 2)),
                        _ => None,
                    };
                    if let Some((b, arity)) = builtin {
                        if args.len() != arity {
                            return Err(at(Problem::ArgCount {
                                name: n,
                                expected: arity,
                                found: args.len(),
                            }));
                        }
                        return Ok(Expr::Builtin(b, args));
                    }
                    if RESERVED.contains(&n.as_str()) {
                        return Err(at(Problem::Reserved(n)));
                    }
                    self.calls.push(PendingCall {
                        name: n.clone(),
                        args: args.len(),
                        line,
                        column,
                    });
                    return Ok(Expr::Call(n, args));
                }
                if self.is_local(&n) {
                    return Ok(Expr::Local(n));
                }
                if self.stored.contains_key(&n) {
                    if self.at_sym("[") {
                        return Err(at(Problem::WrongUse {
                            name: n,
                            is: "a stored value, not a map",
                            hint: "declare it with `map` to index it with [key]",
                        }));
                    }
                    return Ok(Expr::Stored(n));
                }
                if self.maps.contains_key(&n) {
                    if !self.at_sym("[") {
                        return Err(at(map_misuse(n)));
                    }
                    self.bump();
                    let k = self.expr()?;
                    self.eat_sym("]", "`]`")?;
                    return Ok(Expr::Index(n, Box::new(k)));
                }
                if RESERVED.contains(&n.as_str()) {
                    return Err(at(Problem::Expected {
                        expected: "a value",
                        found: format!("the word `{n}`"),
                    }));
                }
                Err(at(Problem::Undeclared(n)))
            }
            other => Err(SyntaxError {
                line,
                column,
                problem: Problem::Expected {
                    expected: "a value",
                    found: other.describe(),
                },
            }),
        }
    }
}

fn map_misuse(name: String) -> Problem {
    Problem::WrongUse {
        name,
        is: "a map",
        hint: "use one entry of it, as in name[key]",
    }
}

/// The set of names a contract cannot use for its own things.
pub fn reserved_words() -> BTreeSet<&'static str> {
    RESERVED.iter().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        Program::parse(src).unwrap_err().to_string()
    }

    #[test]
    fn parses_a_counter() {
        let p = Program::parse(
            "# c\ncontract Counter\nstorage count\n\nfn bump(by)\n  require by > 0, \"no\"\n  count = count + by\n  emit Bumped(caller, count)\n  return count\nend\n",
        )
        .unwrap();
        assert_eq!(p.name, "Counter");
        let f = &p.functions["bump"];
        assert_eq!(f.params, ["by"]);
        assert_eq!(f.body.len(), 4);
        assert_eq!(f.body[1].line, 7);
    }

    #[test]
    fn precedence_and_else_if() {
        let p = Program::parse(
            "fn f(a)\n  if a + 2 * 3 == 8 and not false\n    return 1\n  else if a == 1\n    return 2\n  else\n    return 3\n  end\nend",
        )
        .unwrap();
        let StmtKind::If(Expr::Binary(BinOp::And, lhs, _), _, otherwise) =
            &p.functions["f"].body[0].kind
        else {
            panic!()
        };
        assert!(matches!(**lhs, Expr::Binary(BinOp::Eq, _, _)));
        assert!(matches!(otherwise[0].kind, StmtKind::If(..)));
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(
            err("fn f()\n  x = 1\nend"),
            "line 2, column 3: `x` is not declared: write `let x = …` for a local, or `storage x` at the top for stored data"
        );
        assert_eq!(
            err("fn f()\n  let a = 1\n  let a = 2\nend"),
            "line 3, column 7: `a` is already declared (on line 2)"
        );
        assert_eq!(
            err("fn f()\n  return 1 +\nend"),
            "line 2, column 13: expected a value, found the end of the line"
        );
        assert_eq!(
            err("fn f()\n  if true\n    return 1\n"),
            "line 4, column 1: this `if` has no matching `end`"
        );
        assert_eq!(
            err("fn f()\n  g(1)\nend"),
            "line 2, column 3: there is no function `g` (built-ins: sha256, len, min, max)"
        );
        assert_eq!(
            err("map m\nfn f()\n  return m\nend"),
            "line 3, column 10: `m` is a map: use one entry of it, as in name[key]"
        );
        assert!(err("fn f()\n  return 99999999999999999999\nend").contains("too large"));
        assert!(err("fn f()\n  return \"abc\nend").contains("no closing"));
        assert!(err("fn f()\n  let x = 1 $ 2\nend").contains("'$' means nothing here"));
        assert!(err("fn f()\n  return -1\nend").contains("never negative"));
        assert!(err("").contains("no functions"));
        assert!(err("fn f()\nend\nstorage x").contains("at the top"));
    }

    #[test]
    fn block_scopes_end_at_end() {
        assert!(
            err("fn f()\n  if true\n    let a = 1\n  end\n  return a\nend")
                .contains("`a` is not declared")
        );
        // Sibling blocks may reuse a name.
        assert!(
            Program::parse("fn f()\n  if true\n    let a = 1\n  else\n    let a = 2\n  end\nend")
                .is_ok()
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(
            "fn f()\n  return {}1{}\nend",
            "(".repeat(40),
            ")".repeat(40)
        );
        assert!(err(&deep).contains("nest more than 32"));
        let mut src = String::from("fn f()\n");
        for _ in 0..20 {
            src.push_str("if true\n");
        }
        for _ in 0..20 {
            src.push_str("end\n");
        }
        src.push_str("end\n");
        assert!(err(&src).contains("blocks nest more than 16"));
        assert!(err(&"not ".repeat(100)).contains("only `contract`"));
        let nots = format!("fn f()\n  return {}true\nend", "not ".repeat(100));
        assert!(err(&nots).contains("nest more than"));
    }
}
