//! The contract view's logic: reading the form (arguments, gas limit,
//! value) into a deploy or call action, the contract's functions from its
//! source, and what the chain says happened: receipts (ok, reverted, out of
//! gas, with the fault's words and line), events, and storage.

use sandbox_chain::amount::Amount;
use sandbox_chain::contract::tx::MAX_GAS;
use sandbox_chain::contract::{FaultKind, Program, Value, examples};
use sandbox_chain::keys::Address;
use sandbox_chain::world::{
    Action, Arg, ContractCode, NamedArg, NodeId, World, WorldEvent, contract_ref,
};

/// Parses the arguments box: values separated by commas. Each is a number
/// (`42`), `true`/`false`, text in double quotes (`"hello"`), `@name` for a
/// named key's address (`@bob`), an address as 40 hex digits, bytes as
/// `0x…`, or `sha256("text")` for a hash lock. Errors name the argument.
pub fn parse_args(text: &str) -> Result<Vec<Arg>, String> {
    let parts = split_args(text)?;
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| parse_arg(p).map_err(|e| format!("argument {}: {e}", i + 1)))
        .collect()
}

/// Splits on commas outside double quotes; empty text is no arguments.
fn split_args(text: &str) -> Result<Vec<String>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted {
        return Err("a text argument has no closing \"".to_owned());
    }
    parts.push(current);
    Ok(parts.into_iter().map(|p| p.trim().to_owned()).collect())
}

fn unquote(s: &str) -> Option<&str> {
    s.strip_prefix('"')?.strip_suffix('"')
}

fn parse_arg(p: &str) -> Result<Arg, String> {
    if p.is_empty() {
        return Err("it is empty (remove the extra comma, or write a value)".to_owned());
    }
    if let Some(t) = unquote(p) {
        return Ok(Arg::Named(NamedArg::Text(t.to_owned())));
    }
    if let Some(inner) = p.strip_prefix("sha256(").and_then(|r| r.strip_suffix(')')) {
        let t = unquote(inner.trim()).ok_or_else(|| {
            format!("`{p}`: write sha256(\"your secret\") with the text in quotes")
        })?;
        return Ok(Arg::Named(NamedArg::Sha256OfText(t.to_owned())));
    }
    if p == "true" || p == "false" {
        return Ok(Arg::Value(Value::Bool(p == "true")));
    }
    if let Some(name) = p.strip_prefix('@') {
        if name.len() == 40 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
            return address(name).map(|a| Arg::Value(Value::Address(a)));
        }
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("`{p}`: write @ and a key name, such as @bob"));
        }
        return Ok(Arg::Named(NamedArg::Key(name.to_owned())));
    }
    if let Some(hex) = p.strip_prefix("0x") {
        return hex::decode(hex)
            .map(|b| Arg::Value(Value::Bytes(b)))
            .map_err(|_| format!("`{p}`: after 0x write bytes as pairs of hex digits"));
    }
    if p.len() == 40 && p.bytes().all(|b| b.is_ascii_hexdigit()) {
        return address(p).map(|a| Arg::Value(Value::Address(a)));
    }
    if p.bytes().all(|b| b.is_ascii_digit()) {
        return p
            .parse::<u64>()
            .map(|n| Arg::Value(Value::Int(n)))
            .map_err(|_| format!("`{p}` is too large (the largest number is {})", u64::MAX));
    }
    Err(format!(
        "`{p}` is not a value: write a number, true or false, \"text\", @name, 0x-bytes or sha256(\"text\")"
    ))
}

fn address(hex: &str) -> Result<Address, String> {
    contract_ref(hex).map_err(|e| e.to_string())
}

/// Parses the gas limit box: a whole number from 1 to the chain's maximum.
pub fn parse_gas(text: &str) -> Result<u64, String> {
    let t = text.trim().replace(['_', ','], "");
    let n: u64 = t.parse().map_err(|_| {
        format!(
            "the gas limit must be a whole number, not `{}`",
            text.trim()
        )
    })?;
    if n == 0 || n > MAX_GAS {
        return Err(format!(
            "the gas limit must be from 1 to {MAX_GAS}, not {n}"
        ));
    }
    Ok(n)
}

/// Parses the coins box (coins sent with a call); empty is 0.
pub fn parse_coins(text: &str) -> Result<Amount, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Amount::ZERO);
    }
    t.parse::<u64>()
        .map(Amount::new)
        .map_err(|_| format!("coins must be a whole number, not `{t}`"))
}

/// The deploy form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeployForm {
    /// The signing key's name (in the node's wallet).
    pub from: String,
    /// Source text.
    pub source: String,
    /// Arguments for `init`.
    pub args: String,
    /// Gas limit.
    pub gas: String,
}

impl DeployForm {
    /// The action, or what is wrong with the form.
    pub fn action(&self, node: NodeId) -> Result<Action, String> {
        if self.source.trim().is_empty() {
            return Err("write a contract or load an example first".to_owned());
        }
        Program::parse(&self.source).map_err(|e| format!("the contract does not compile: {e}"))?;
        Ok(Action::DeployContract {
            node,
            from: self.from.clone(),
            code: ContractCode::Source(self.source.clone()),
            args: parse_args(&self.args)?,
            gas_limit: parse_gas(&self.gas)?,
            gas_price: Amount::new(1),
            nonce: None,
        })
    }
}

/// The call form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallForm {
    /// The signing key's name.
    pub from: String,
    /// The contract: 40 hex digits or `name/nonce`.
    pub contract: String,
    /// The function.
    pub function: String,
    /// Its arguments.
    pub args: String,
    /// Coins sent along.
    pub value: String,
    /// Gas limit.
    pub gas: String,
}

impl CallForm {
    /// The action, or what is wrong with the form.
    pub fn action(&self, node: NodeId) -> Result<Action, String> {
        if self.contract.trim().is_empty() {
            return Err("deploy a contract first (or choose one)".to_owned());
        }
        contract_ref(self.contract.trim()).map_err(|e| e.to_string())?;
        if self.function.trim().is_empty() {
            return Err("choose a function to call".to_owned());
        }
        Ok(Action::CallContract {
            node,
            from: self.from.clone(),
            contract: self.contract.trim().to_owned(),
            function: self.function.trim().to_owned(),
            args: parse_args(&self.args)?,
            value: parse_coins(&self.value)?,
            gas_limit: parse_gas(&self.gas)?,
            gas_price: Amount::new(1),
            nonce: None,
        })
    }
}

/// The functions a call may name (not `init`), with their parameters, or
/// the syntax error.
pub fn functions(source: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let p = Program::parse(source).map_err(|e| e.to_string())?;
    Ok(p.functions
        .values()
        .filter(|f| f.name != "init")
        .map(|f| (f.name.clone(), f.params.clone()))
        .collect())
}

/// The shipped example's source, by id (`token`, `escrow`, `vote`, `htlc`).
pub fn example(id: &str) -> Option<&'static str> {
    examples::by_id(id).map(|e| e.source)
}

/// Ids of the shipped examples.
pub fn example_ids() -> Vec<&'static str> {
    examples::ALL.iter().map(|e| e.id).collect()
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It ran to the end; changes kept.
    Ok,
    /// It stopped with this fault (line and words); changes undone, gas paid.
    Reverted(String),
    /// It ran out of gas (the words); changes undone, all gas paid.
    OutOfGas(String),
}

/// A receipt as the view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptRow {
    /// Position in the event log (newest first in lists).
    pub index: usize,
    /// `deploy` or the function called.
    pub what: String,
    /// The contract (hex).
    pub contract: String,
    /// The block height that ran it.
    pub height: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Fee paid.
    pub fee: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// Events emitted: name(values).
    pub events: Vec<String>,
    /// The value returned.
    pub returned: Option<String>,
}

/// The receipts `node` has run (deploys and calls), newest first.
pub fn receipts(world: &World, node: NodeId, limit: usize) -> Vec<ReceiptRow> {
    world
        .events()
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(index, e)| {
            let (what, n, height, receipt) = match &e.event {
                WorldEvent::ContractDeployed {
                    node,
                    height,
                    receipt,
                    ..
                } => ("deploy".to_owned(), *node, *height, receipt),
                WorldEvent::ContractCalled {
                    node,
                    height,
                    function,
                    receipt,
                    ..
                } => (format!("{function}()"), *node, *height, receipt),
                _ => return None,
            };
            if n != node {
                return None;
            }
            let outcome = match &receipt.fault {
                None => Outcome::Ok,
                Some(f) if matches!(f.kind, FaultKind::OutOfGas { .. }) => {
                    Outcome::OutOfGas(f.to_string())
                }
                Some(f) => Outcome::Reverted(f.to_string()),
            };
            Some(ReceiptRow {
                index,
                what,
                contract: receipt.contract.to_hex(),
                height,
                gas_used: receipt.gas_used,
                fee: receipt.fee.get(),
                outcome,
                events: receipt
                    .events
                    .iter()
                    .map(|ev| {
                        let vals: Vec<String> = ev.values.iter().map(ToString::to_string).collect();
                        format!("{}({})", ev.name, vals.join(", "))
                    })
                    .collect(),
                returned: receipt.returned.as_ref().map(ToString::to_string),
            })
        })
        .take(limit)
        .collect()
}

/// The contracts deployed successfully on `node`'s chain, oldest first, as
/// (address hex, contract name from its source).
pub fn deployed(world: &World, node: NodeId) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in world.events() {
        if let WorldEvent::ContractDeployed {
            node: n,
            fault: None,
            receipt,
            ..
        } = &e.event
            && *n == node
            && let Some(c) = world.contract(node, &receipt.contract)
        {
            let hex = receipt.contract.to_hex();
            if !out.iter().any(|(h, _)| *h == hex) {
                let name = Program::parse(&c.source)
                    .map(|p| p.name)
                    .unwrap_or_default();
                out.push((hex, name));
            }
        }
    }
    out
}

/// A contract's storage as rows: (name, map key if any, value).
pub fn storage(
    world: &World,
    node: NodeId,
    contract: &str,
) -> Option<Vec<(String, Option<String>, String)>> {
    let address = contract_ref(contract.trim()).ok()?;
    let c = world.contract(node, &address)?;
    Some(
        c.storage
            .iter()
            .map(|(k, v)| {
                (
                    k.name.clone(),
                    k.key.as_ref().map(ToString::to_string),
                    v.to_string(),
                )
            })
            .collect(),
    )
}

/// The source of the contract at `contract` on `node`'s chain.
pub fn source_of(world: &World, node: NodeId, contract: &str) -> Option<String> {
    let address = contract_ref(contract.trim()).ok()?;
    world.contract(node, &address).map(|c| c.source.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::world::{Fund, WorldConfig};

    #[test]
    fn arguments_parse_into_values_and_names() {
        let args = parse_args(r#"42, true, "a, b", @bob, 0xab01, sha256("s")"#).unwrap();
        assert_eq!(
            args,
            vec![
                Arg::Value(Value::Int(42)),
                Arg::Value(Value::Bool(true)),
                Arg::Named(NamedArg::Text("a, b".into())),
                Arg::Named(NamedArg::Key("bob".into())),
                Arg::Value(Value::Bytes(vec![0xab, 0x01])),
                Arg::Named(NamedArg::Sha256OfText("s".into())),
            ]
        );
        assert_eq!(parse_args("  ").unwrap(), vec![]);
        let hex = "00".repeat(20);
        assert!(matches!(
            parse_args(&hex).unwrap()[0],
            Arg::Value(Value::Address(_))
        ));
    }

    #[test]
    fn bad_arguments_name_the_argument_and_the_fix() {
        let e = parse_args("1, lots").unwrap_err();
        assert!(
            e.starts_with("argument 2:") && e.contains("not a value"),
            "{e}"
        );
        assert!(
            parse_args("1,,2")
                .unwrap_err()
                .contains("argument 2: it is empty")
        );
        assert!(parse_args("\"open").unwrap_err().contains("closing"));
        assert!(parse_args("0xzz").unwrap_err().contains("hex"));
        assert!(
            parse_args("99999999999999999999")
                .unwrap_err()
                .contains("too large")
        );
        assert!(parse_args("sha256(x)").unwrap_err().contains("quotes"));
        assert!(parse_args("@").unwrap_err().contains("key name"));
    }

    #[test]
    fn gas_and_coins_are_checked() {
        assert_eq!(parse_gas(" 20_000 "), Ok(20_000));
        assert!(parse_gas("0").unwrap_err().contains("from 1"));
        assert!(parse_gas("lots").unwrap_err().contains("whole number"));
        assert!(parse_gas("2000000").is_err());
        assert_eq!(parse_coins(""), Ok(Amount::ZERO));
        assert!(parse_coins("-1").is_err());
    }

    #[test]
    fn the_forms_build_actions_or_say_what_is_missing() {
        let mut f = DeployForm {
            from: "alice".into(),
            source: String::new(),
            args: String::new(),
            gas: "20000".into(),
        };
        assert!(f.action(NodeId(0)).unwrap_err().contains("example"));
        f.source = "contract C\nfn f(\n".into();
        assert!(
            f.action(NodeId(0))
                .unwrap_err()
                .contains("does not compile")
        );
        f.source = example("token").unwrap().into();
        f.args = "\"Coin\"".into();
        assert!(matches!(
            f.action(NodeId(0)),
            Ok(Action::DeployContract { .. })
        ));
        let mut c = CallForm {
            from: "alice".into(),
            gas: "20000".into(),
            ..CallForm::default()
        };
        assert!(
            c.action(NodeId(0))
                .unwrap_err()
                .contains("deploy a contract first")
        );
        c.contract = "alice/0".into();
        assert!(c.action(NodeId(0)).unwrap_err().contains("function"));
        c.function = "mint".into();
        c.args = "@bob, 5".into();
        assert!(matches!(
            c.action(NodeId(0)),
            Ok(Action::CallContract { .. })
        ));
        let fs = functions(example("token").unwrap()).unwrap();
        assert!(
            fs.iter()
                .any(|(n, p)| n == "mint" && p == &["to", "amount"])
        );
        assert!(!fs.iter().any(|(n, _)| n == "init"));
        assert_eq!(example_ids(), ["token", "escrow", "vote", "htlc"]);
    }

    /// Deploy, call, run out of gas, revert: each receipt says so, and the
    /// storage shows what stuck.
    #[test]
    fn receipts_show_gas_faults_and_storage() {
        let mut cfg = WorldConfig::pow(2, 4, 0);
        cfg.funds = vec![Fund {
            name: "alice".into(),
            amount: Amount::new(1_000_000),
        }];
        cfg.nodes[0].keys = vec!["alice".into()];
        let mut w = World::new(cfg, 1).unwrap();
        let node = NodeId(0);
        let deploy = DeployForm {
            from: "alice".into(),
            source: example("token").unwrap().into(),
            args: "\"Coin\"".into(),
            gas: "20000".into(),
        };
        let out = w.apply(deploy.action(node).unwrap()).unwrap();
        let address = out.contract.unwrap().to_hex();
        w.apply(Action::Mine { node }).unwrap();
        let call = |function: &str, args: &str, gas: &str| CallForm {
            from: "alice".into(),
            contract: address.clone(),
            function: function.into(),
            args: args.into(),
            value: String::new(),
            gas: gas.into(),
        };
        w.apply(call("mint", "@bob, 7", "20000").action(node).unwrap())
            .unwrap();
        w.apply(call("mint", "@bob, 7", "250").action(node).unwrap())
            .unwrap();
        w.apply(call("burn", "100", "20000").action(node).unwrap())
            .unwrap();
        w.apply(Action::Mine { node }).unwrap();
        let r = receipts(&w, node, 10);
        assert_eq!(r.len(), 4, "{r:?}");
        let deploy_r = r.iter().find(|x| x.what == "deploy").unwrap();
        assert_eq!(deploy_r.outcome, Outcome::Ok);
        assert!(deploy_r.gas_used > 0);
        let mint_ok = r
            .iter()
            .find(|x| x.what == "mint()" && x.outcome == Outcome::Ok)
            .unwrap();
        assert!(
            mint_ok.events.iter().any(|e| e.starts_with("Minted(")),
            "{mint_ok:?}"
        );
        assert!(
            r.iter()
                .any(|x| matches!(&x.outcome, Outcome::OutOfGas(t) if t.contains("out of gas")))
        );
        assert!(r.iter().any(
            |x| matches!(&x.outcome, Outcome::Reverted(t) if t.contains("the issuer can burn only"))
        ));
        let st = storage(&w, node, &address).unwrap();
        assert!(
            st.iter().any(|(n, _, v)| n == "supply" && v == "7"),
            "{st:?}"
        );
        assert!(
            st.iter()
                .any(|(n, k, v)| n == "balances" && k.is_some() && v == "7")
        );
        assert_eq!(
            deployed(&w, node),
            vec![(address.clone(), "Token".to_owned())]
        );
        assert!(
            source_of(&w, node, &address)
                .unwrap()
                .contains("contract Token")
        );
        assert!(storage(&w, node, "nonsense").is_none());
    }
}
