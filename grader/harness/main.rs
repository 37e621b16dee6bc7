//! ChainLab grading harness (grader-owned; the student's file is `solution`).
//!
//! Reads one JSON input per line from the file named by the first argument,
//! calls the student's function through `op::call`, and writes one result
//! line per input to stdout, each starting with the token given as the second
//! argument. The grader decides pass or fail itself, outside this process.
#![forbid(unsafe_code)]
#![allow(dead_code)]

pub mod chain;
mod op;
mod solution;

use std::io::{BufRead, Write};
use std::sync::Mutex;

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Helpers for decoding inputs and encoding outputs.
pub(crate) mod wire {
    pub(crate) use serde_json::{Value, json};

    pub(crate) fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
        v.get(name).ok_or_else(|| format!("missing field `{name}`"))
    }
    pub(crate) fn hex_vec(v: &Value, name: &str) -> Result<Vec<u8>, String> {
        let s = field(v, name)?.as_str().ok_or_else(|| format!("`{name}` is not a string"))?;
        hex::decode(s).map_err(|e| format!("`{name}`: {e}"))
    }
    pub(crate) fn hex_array<const N: usize>(v: &Value, name: &str) -> Result<[u8; N], String> {
        hex_vec(v, name)?.try_into().map_err(|_| format!("`{name}` is not {N} bytes"))
    }
    pub(crate) fn hex_of(v: &Value) -> Result<Vec<u8>, String> {
        hex::decode(v.as_str().ok_or("not a string")?).map_err(|e| e.to_string())
    }
    pub(crate) fn u64_of(v: &Value, name: &str) -> Result<u64, String> {
        field(v, name)?.as_u64().ok_or_else(|| format!("`{name}` is not a u64"))
    }
    pub(crate) fn bool_of(v: &Value, name: &str) -> Result<bool, String> {
        field(v, name)?.as_bool().ok_or_else(|| format!("`{name}` is not a bool"))
    }
    pub(crate) fn list<'a>(v: &'a Value, name: &str) -> Result<&'a Vec<Value>, String> {
        field(v, name)?.as_array().ok_or_else(|| format!("`{name}` is not a list"))
    }
    pub(crate) fn hex(bytes: impl AsRef<[u8]>) -> Value {
        Value::String(hex::encode(bytes))
    }
    pub(crate) fn header(v: &Value) -> Result<crate::chain::Header, String> {
        Ok(crate::chain::Header {
            chain_id: u64_of(v, "chain_id")? as u32,
            height: u64_of(v, "height")?,
            parent: hex_array(v, "parent")?,
            merkle_root: hex_array(v, "merkle_root")?,
            timestamp_ms: u64_of(v, "timestamp_ms")?,
            target: hex_array(v, "target")?,
            nonce: u64_of(v, "nonce")?,
        })
    }
    pub(crate) fn transfer(v: &Value) -> Result<crate::chain::Transfer, String> {
        Ok(crate::chain::Transfer {
            chain_id: u64_of(v, "chain_id")? as u32,
            from: hex_array(v, "from")?,
            to: hex_array(v, "to")?,
            amount: u64_of(v, "amount")?,
            fee: u64_of(v, "fee")?,
            nonce: u64_of(v, "nonce")?,
            memo: field(v, "memo")?.as_str().ok_or("`memo` is not a string")?.to_string(),
        })
    }
    pub(crate) fn signed(v: &Value) -> Result<crate::chain::SignedTransfer, String> {
        Ok(crate::chain::SignedTransfer {
            transfer: transfer(field(v, "transfer")?)?,
            signature: hex_array(v, "signature")?,
        })
    }
    pub(crate) fn ledger(v: &Value) -> Result<crate::chain::Ledger, String> {
        let mut l = crate::chain::Ledger::new();
        for a in v.as_array().ok_or("ledger is not a list")? {
            l.insert(
                hex_array(a, "address")?,
                crate::chain::Account { balance: u64_of(a, "balance")?, nonce: u64_of(a, "nonce")? },
            );
        }
        Ok(l)
    }
    pub(crate) fn ledger_out(l: &crate::chain::Ledger) -> Value {
        Value::Array(
            l.iter()
                .filter(|(_, a)| **a != crate::chain::Account::default())
                .map(|(k, a)| json!({"address": hex::encode(k), "balance": a.balance, "nonce": a.nonce}))
                .collect(),
        )
    }
    pub(crate) fn hashes(v: &Value, name: &str) -> Result<Vec<[u8; 32]>, String> {
        list(v, name)?
            .iter()
            .map(|h| hex_of(h)?.try_into().map_err(|_| format!("`{name}`: not 32 bytes")))
            .collect()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(token)) = (args.get(1), args.get(2)) else {
        eprintln!("harness: usage: submission INPUTS TOKEN");
        std::process::exit(2);
    };
    std::panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "panic".to_string()
        };
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut slot) = LAST_PANIC.lock() {
            *slot = Some(format!("{msg}{at}"));
        }
    }));
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("harness: cannot open inputs: {e}");
            std::process::exit(2);
        }
    };
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let Ok(line) = line else { break };
        let record = match serde_json::from_str::<wire::Value>(&line) {
            Err(e) => wire::json!({"i": i, "bad_input": e.to_string()}),
            Ok(input) => match std::panic::catch_unwind(|| op::call(&input)) {
                Ok(Ok(out)) => wire::json!({"i": i, "ok": out}),
                Ok(Err(e)) => wire::json!({"i": i, "bad_input": e}),
                Err(_) => {
                    let msg = LAST_PANIC.lock().ok().and_then(|mut s| s.take());
                    wire::json!({"i": i, "panic": msg.unwrap_or_else(|| "panic".into())})
                }
            },
        };
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\n{token} {record}\n");
        let _ = out.flush();
    }
}
