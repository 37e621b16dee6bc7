//! Property tests of the contract engine: whatever the program, arguments
//! and gas limit, a call never panics the host, never uses more gas than
//! its limit, and gives the same result every time.
//!
//! Programs come from a seeded generator (mostly valid programs, with
//! loops, recursion, overflow, division by zero, payments), sometimes
//! corrupted to exercise the parser. Every failure prints its seed.

use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sandbox_chain::amount::Amount;
use sandbox_chain::contract::vm::{self, Env, Storage};
use sandbox_chain::contract::{Call, Program, Value, apply_call, apply_deploy, examples};
use sandbox_chain::keys::Keypair;
use sandbox_chain::ledger::Ledger;

fn below(rng: &mut ChaCha20Rng, n: u64) -> u64 {
    rng.next_u64() % n.max(1)
}

fn pick<'a>(rng: &mut ChaCha20Rng, items: &[&'a str]) -> &'a str {
    items[below(rng, items.len() as u64) as usize]
}

struct Gen {
    rng: ChaCha20Rng,
    functions: Vec<(String, usize)>,
}

impl Gen {
    fn expr(&mut self, locals: &[String], depth: u32) -> String {
        let choice = if depth == 0 {
            below(&mut self.rng, 6)
        } else {
            below(&mut self.rng, 12)
        };
        match choice {
            0 => pick(
                &mut self.rng,
                &["0", "1", "2", "7", "18446744073709551615", "100"],
            )
            .into(),
            1 => pick(
                &mut self.rng,
                &[
                    "true", "false", "\"hi\"", "0x00ff", "caller", "value", "height", "self",
                    "balance",
                ],
            )
            .into(),
            2 | 3 if !locals.is_empty() => {
                locals[below(&mut self.rng, locals.len() as u64) as usize].clone()
            }
            2..=4 => pick(&mut self.rng, &["s0", "s1", "s2"]).into(),
            5 => format!(
                "m{}[{}]",
                below(&mut self.rng, 2),
                if depth == 0 {
                    "1".into()
                } else {
                    self.expr(locals, depth - 1)
                }
            ),
            6..=8 => {
                let op = pick(
                    &mut self.rng,
                    &[
                        "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or",
                    ],
                );
                format!(
                    "({} {op} {})",
                    self.expr(locals, depth - 1),
                    self.expr(locals, depth - 1)
                )
            }
            9 => format!("not {}", self.expr(locals, depth - 1)),
            10 => {
                let b = pick(&mut self.rng, &["sha256", "len", "min", "max"]);
                let n = if b == "min" || b == "max" { 2 } else { 1 };
                let args: Vec<String> = (0..n).map(|_| self.expr(locals, depth - 1)).collect();
                format!("{b}({})", args.join(", "))
            }
            _ => {
                let (name, arity) = self.functions
                    [below(&mut self.rng, self.functions.len() as u64) as usize]
                    .clone();
                let args: Vec<String> = (0..arity).map(|_| self.expr(locals, depth - 1)).collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }

    fn block(&mut self, out: &mut String, locals: &mut Vec<String>, indent: usize, depth: u32) {
        let n = below(&mut self.rng, 5) + 1;
        let scope_start = locals.len();
        for _ in 0..n {
            let pad = "  ".repeat(indent);
            let e = self.expr(locals, 3);
            match below(&mut self.rng, 12) {
                0 => {
                    let name = format!("l{}", locals.len());
                    out.push_str(&format!("{pad}let {name} = {e}\n"));
                    locals.push(name);
                }
                1 => out.push_str(&format!("{pad}s{} = {e}\n", below(&mut self.rng, 3))),
                2 => out.push_str(&format!(
                    "{pad}m{}[{}] = {e}\n",
                    below(&mut self.rng, 2),
                    self.expr(locals, 1)
                )),
                3 if depth > 0 => {
                    out.push_str(&format!("{pad}if {e}\n"));
                    self.block(out, locals, indent + 1, depth - 1);
                    if below(&mut self.rng, 2) == 0 {
                        out.push_str(&format!("{pad}else\n"));
                        self.block(out, locals, indent + 1, depth - 1);
                    }
                    out.push_str(&format!("{pad}end\n"));
                }
                4 if depth > 0 => {
                    out.push_str(&format!("{pad}while {e}\n"));
                    self.block(out, locals, indent + 1, depth - 1);
                    out.push_str(&format!("{pad}end\n"));
                }
                5 => out.push_str(&format!("{pad}require {e}, \"nope\"\n")),
                6 => out.push_str(&format!("{pad}emit E({e}, {})\n", self.expr(locals, 1))),
                7 => out.push_str(&format!("{pad}pay caller, {e}\n")),
                8 => out.push_str(&format!("{pad}return {e}\n")),
                9 if !locals.is_empty() => {
                    let l = locals[below(&mut self.rng, locals.len() as u64) as usize].clone();
                    out.push_str(&format!("{pad}{l} = {e}\n"));
                }
                _ => out.push_str(&format!("{pad}s0 = {e}\n")),
            }
        }
        locals.truncate(scope_start);
    }

    fn program(seed: u64) -> String {
        let mut g = Gen {
            rng: ChaCha20Rng::seed_from_u64(seed),
            functions: Vec::new(),
        };
        let count = below(&mut g.rng, 3) + 1;
        g.functions = (0..count)
            .map(|i| (format!("f{i}"), below(&mut g.rng, 3) as usize))
            .collect();
        let mut src =
            String::from("contract Random\nstorage s0\nstorage s1\nstorage s2\nmap m0\nmap m1\n");
        for (name, arity) in g.functions.clone() {
            let mut locals: Vec<String> = (0..arity).map(|i| format!("p{i}")).collect();
            src.push_str(&format!("fn {name}({})\n", locals.join(", ")));
            g.block(&mut src, &mut locals, 1, 3);
            src.push_str("end\n");
        }
        // Sometimes corrupt it, to exercise the parser's error paths.
        if below(&mut g.rng, 4) == 0 && !src.is_empty() {
            let chars: Vec<char> = src.chars().collect();
            let at = below(&mut g.rng, chars.len() as u64) as usize;
            let len = below(&mut g.rng, 8) as usize;
            let junk = pick(
                &mut g.rng,
                &["", "(", "end", "\"", "[", "@12", "0xzz", "let", "\n", "é"],
            );
            let mut out: String = chars[..at].iter().collect();
            out.push_str(junk);
            out.extend(chars[(at + len).min(chars.len())..].iter());
            return out;
        }
        src
    }
}

fn random_value(rng: &mut ChaCha20Rng) -> Value {
    match below(rng, 5) {
        0 => Value::Int(below(rng, 10)),
        1 => Value::Int(rng.next_u64()),
        2 => Value::Bool(below(rng, 2) == 1),
        3 => Value::Address(Keypair::from_name("bob").address()),
        _ => Value::Bytes((0..below(rng, 40)).map(|_| rng.next_u64() as u8).collect()),
    }
}

fn env() -> Env {
    Env {
        contract: Keypair::from_name("contract").address(),
        caller: Keypair::from_name("alice").address(),
        value: Amount::new(5),
        balance: Amount::new(50),
        height: 3,
    }
}

/// Runs every function of `program` (and a missing one) with random
/// arguments and gas; checks the gas bound and determinism.
fn run_all(seed: u64, program: &Program, rng: &mut ChaCha20Rng) -> Result<(), TestCaseError> {
    let mut storage = Storage::new();
    let mut names: Vec<String> = program.functions.keys().cloned().collect();
    names.push("missing".into());
    for name in names {
        for _ in 0..3 {
            let arity = program.functions.get(&name).map_or(0, |f| f.params.len());
            let n = if below(rng, 5) == 0 {
                below(rng, 4) as usize
            } else {
                arity
            };
            let args: Vec<Value> = (0..n).map(|_| random_value(rng)).collect();
            let gas = match below(rng, 4) {
                0 => below(rng, 50),
                1 => below(rng, 2_000),
                _ => below(rng, 200_000),
            };
            let run = vm::run(program, &storage, env(), &name, &args, gas, name == "init");
            prop_assert!(
                run.gas_used <= gas,
                "seed {seed}: {name} used {} of {gas} gas",
                run.gas_used
            );
            let again = vm::run(program, &storage, env(), &name, &args, gas, name == "init");
            prop_assert_eq!(&run, &again, "seed {}: two runs differ", seed);
            if let Ok(effects) = run.result {
                for (k, v) in effects.writes {
                    storage.insert(k, v);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No contract call panics the host or uses more gas than its limit.
    #[test]
    fn no_call_panics_or_exceeds_its_gas(seed in any::<u64>()) {
        let src = Gen::program(seed);
        let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0x5eed);
        if let Ok(program) = Program::parse(&src) {
            run_all(seed, &program, &mut rng)?;
        }
    }

    /// The shipped contracts too, called with random functions, arguments
    /// and gas, through signed transactions on a ledger.
    #[test]
    fn shipped_contracts_never_exceed_gas(seed in any::<u64>()) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let example = examples::ALL[below(&mut rng, 4) as usize];
        let program = Program::parse(example.source).unwrap();
        run_all(seed, &program, &mut rng)?;

        let alice = Keypair::from_name("alice");
        let mut ledger = Ledger::with_balances([(alice.address(), Amount::new(10_000_000))]).unwrap();
        let args: Vec<Value> = program.functions.get("init").map_or(vec![], |f| f.params.iter().map(|_| random_value(&mut rng)).collect());
        let deploy = sandbox_chain::contract::Deploy {
            chain_id: 1, from: alice.public(), nonce: 0, gas_limit: 5_000 + below(&mut rng, 5_000),
            gas_price: Amount::new(1), source: example.source.into(), args,
        }.sign(&alice);
        let receipt = apply_deploy(&mut ledger, &deploy, 1, alice.address()).unwrap();
        prop_assert!(receipt.gas_used <= deploy.tx.gas_limit, "seed {seed}");
        let supply = ledger.total_supply();
        for nonce in 1..6 {
            let names: Vec<&String> = program.functions.keys().collect();
            let function = names[below(&mut rng, names.len() as u64) as usize].clone();
            let args: Vec<Value> = (0..below(&mut rng, 4)).map(|_| random_value(&mut rng)).collect();
            let call = Call {
                chain_id: 1, from: alice.public(), nonce, contract: receipt.contract, function, args,
                value: Amount::new(below(&mut rng, 100)), gas_limit: 200 + below(&mut rng, 3_000), gas_price: Amount::new(1),
            }.sign(&alice);
            let r = apply_call(&mut ledger, &call, 2, alice.address()).unwrap();
            prop_assert!(r.gas_used <= call.tx.gas_limit, "seed {seed}");
            // Coins are neither created nor destroyed by contracts.
            prop_assert_eq!(ledger.total_supply(), supply, "seed {}", seed);
        }
    }

    /// Random text never panics the parser.
    #[test]
    fn parser_never_panics(text in "[a-z0-9 ()\\[\\],=<>+*/%\"#@\\n-]{0,300}") {
        let _ = Program::parse(&text);
    }
}

#[test]
fn the_generator_makes_runnable_programs() {
    // Guards the property test's strength: most generated programs parse.
    let parsed = (0..200)
        .filter(|s| Program::parse(&Gen::program(*s)).is_ok())
        .count();
    assert!(
        parsed > 100,
        "only {parsed} of 200 generated programs parse"
    );
}
