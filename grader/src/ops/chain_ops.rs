//! Transaction, ledger and proof-of-work operations.

use sandbox_chain::amount::Amount;
use sandbox_chain::keys::{Address, Keypair, PublicKey, Signature};
use sandbox_chain::ledger::Ledger;
use sandbox_chain::pow::{Header, Target, mine_range, retarget};
use sandbox_chain::tx::{SignedTransfer, Transfer, TxError};
use serde::{Deserialize, Serialize};

use super::{CaseClass, TypedOp, gen_header, shrink};
use crate::rng::CaseRng;

/// A transfer on the wire (keys and addresses as hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TransferW {
    chain_id: u32,
    #[serde(with = "hex::serde")]
    from: [u8; 32],
    #[serde(with = "hex::serde")]
    to: [u8; 20],
    amount: u64,
    fee: u64,
    nonce: u64,
    memo: String,
}

impl TransferW {
    fn to_chain(&self) -> Option<Transfer> {
        Some(Transfer {
            chain_id: self.chain_id,
            from: PublicKey::from_bytes(&self.from).ok()?,
            to: Address::from_bytes(self.to),
            amount: Amount::new(self.amount),
            fee: Amount::new(self.fee),
            nonce: self.nonce,
            memo: self.memo.clone(),
        })
    }
}

/// A signed transfer on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SignedW {
    transfer: TransferW,
    #[serde(with = "hex::serde")]
    signature: [u8; 64],
}

impl SignedW {
    fn to_chain(&self) -> Option<SignedTransfer> {
        Some(SignedTransfer {
            transfer: self.transfer.to_chain()?,
            signature: Signature::from_bytes(self.signature),
        })
    }
}

const NAMES: [&str; 5] = ["alice", "bob", "carol", "dave", "erin"];

fn memo(rng: &mut CaseRng, class: &str) -> String {
    match class {
        "empty_memo" => String::new(),
        "unicode_memo" => ["区块链", "café ☕", "𝔹𝕝𝕠𝕔𝕜", "ñandú"][rng.below(4) as usize]
            .repeat(rng.range_usize(1, 3)),
        "edge" => "m".repeat(140),
        _ => {
            let n = rng.range_usize(0, 30);
            (0..n)
                .map(|_| (b'a' + rng.below(26) as u8) as char)
                .collect()
        }
    }
}

fn transfer(rng: &mut CaseRng, from: &Keypair, class: &str) -> TransferW {
    let big = class == "edge";
    TransferW {
        chain_id: if big {
            u32::MAX
        } else {
            rng.range(1, 3) as u32
        },
        from: *from.public().as_bytes(),
        to: *Keypair::from_seed(&rng.bytes()).address().as_bytes(),
        amount: if big {
            u64::MAX - 1
        } else {
            rng.range(1, 1000)
        },
        fee: if big { 1 } else { rng.below(20) },
        nonce: if big { u64::MAX } else { rng.below(50) },
        memo: memo(rng, class),
    }
}

fn sign(t: &TransferW, key: &Keypair) -> SignedW {
    let signature = match t.to_chain() {
        Some(c) => *c.sign(key).signature.as_bytes(),
        None => [0; 64],
    };
    SignedW {
        transfer: t.clone(),
        signature,
    }
}

fn shrink_transfer(t: &TransferW) -> Vec<TransferW> {
    let mut out = Vec::new();
    if !t.memo.is_empty() {
        out.push(TransferW {
            memo: String::new(),
            ..t.clone()
        });
        let half: String = t.memo.chars().take(t.memo.chars().count() / 2).collect();
        out.push(TransferW {
            memo: half,
            ..t.clone()
        });
    }
    for n in shrink::u64(t.nonce) {
        out.push(TransferW {
            nonce: n,
            ..t.clone()
        });
    }
    for f in shrink::u64(t.fee) {
        out.push(TransferW {
            fee: f,
            ..t.clone()
        });
    }
    for a in shrink::u64(t.amount).into_iter().filter(|a| *a >= 1) {
        out.push(TransferW {
            amount: a,
            ..t.clone()
        });
    }
    out
}

// ---------------------------------------------------------------- sign

/// Signing a transfer: ed25519 over `"chainlab:transfer:v1" || 0x00 || body`.
pub(crate) struct SignTransfer;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SignInput {
    #[serde(with = "hex::serde")]
    seed: [u8; 32],
    transfer: TransferW,
}

impl TypedOp for SignTransfer {
    type Input = SignInput;
    type Output = String;
    const NAME: &'static str = "sign_transfer";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "empty_memo",
            cases: 3,
            about: "no memo",
        },
        CaseClass {
            name: "unicode_memo",
            cases: 4,
            about: "memos with multi-byte UTF-8 characters",
        },
        CaseClass {
            name: "edge",
            cases: 3,
            about: "largest chain id, amount and nonce, a 140-byte memo",
        },
        CaseClass {
            name: "random",
            cases: 12,
            about: "random transfers",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/sign_transfer.rs");

    fn generate(class: &str, _index: usize, rng: &mut CaseRng) -> Option<SignInput> {
        if !["empty_memo", "unicode_memo", "edge", "random"].contains(&class) {
            return None;
        }
        let seed = rng.bytes();
        let key = Keypair::from_seed(&seed);
        Some(SignInput {
            seed,
            transfer: transfer(rng, &key, class),
        })
    }

    fn reference(i: &SignInput) -> String {
        hex::encode(sign(&i.transfer, &Keypair::from_seed(&i.seed)).signature)
    }

    fn valid(i: &SignInput) -> bool {
        i.transfer.from == *Keypair::from_seed(&i.seed).public().as_bytes()
    }

    fn shrink(i: &SignInput) -> Vec<SignInput> {
        shrink_transfer(&i.transfer)
            .into_iter()
            .map(|transfer| SignInput {
                seed: i.seed,
                transfer,
            })
            .collect()
    }
}

// ---------------------------------------------------------------- verify

/// Verifying a transfer's signature (strict ed25519).
pub(crate) struct VerifyTransfer;

impl TypedOp for VerifyTransfer {
    type Input = SignedW;
    type Output = bool;
    const NAME: &'static str = "verify_transfer";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "valid",
            cases: 8,
            about: "correctly signed transfers",
        },
        CaseClass {
            name: "tampered",
            cases: 12,
            about: "one field changed after signing",
        },
        CaseClass {
            name: "wrong_signer",
            cases: 4,
            about: "signed by a key other than `from`",
        },
        CaseClass {
            name: "garbage",
            cases: 4,
            about: "signatures that are random bytes or all zeros",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/verify_transfer.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<SignedW> {
        let key = Keypair::from_name(NAMES[index % NAMES.len()]);
        let t = transfer(rng, &key, "random");
        let mut s = sign(&t, &key);
        match class {
            "valid" => {}
            "tampered" => match index % 6 {
                0 => s.transfer.amount += 1,
                1 => s.transfer.fee += 1,
                2 => s.transfer.nonce += 1,
                3 => s.transfer.memo.push('!'),
                4 => s.transfer.to[0] ^= 1,
                _ => s.transfer.chain_id += 1,
            },
            "wrong_signer" => {
                let other = Keypair::from_name(NAMES[(index + 1) % NAMES.len()]);
                s = SignedW {
                    signature: sign(&t, &other).signature,
                    ..s
                };
            }
            "garbage" => {
                s.signature = if index.is_multiple_of(2) {
                    let mut b = [0u8; 64];
                    rng.fill(&mut b);
                    b
                } else {
                    [0; 64]
                };
            }
            _ => return None,
        }
        Some(s)
    }

    fn reference(s: &SignedW) -> bool {
        s.to_chain().is_some_and(|c| c.verify_signature().is_ok())
    }

    fn valid(s: &SignedW) -> bool {
        s.transfer.to_chain().is_some()
    }

    fn shrink(s: &SignedW) -> Vec<SignedW> {
        // Changing a field changes what was signed: only the memo may go.
        let _ = s;
        Vec::new()
    }
}

// ---------------------------------------------------------------- validate

/// Validating a transfer against a ledger: form, chain, signature, nonce, funds.
pub(crate) struct ValidateTransfer;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AccountW {
    #[serde(with = "hex::serde")]
    address: [u8; 20],
    balance: u64,
    nonce: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ValidateInput {
    chain_id: u32,
    ledger: Vec<AccountW>,
    tx: SignedW,
}

fn ledger_of(accounts: &[AccountW]) -> Option<Ledger> {
    let map: serde_json::Map<String, serde_json::Value> = accounts
        .iter()
        .map(|a| {
            (
                hex::encode(a.address),
                serde_json::json!({"balance": a.balance, "nonce": a.nonce}),
            )
        })
        .collect();
    serde_json::from_value(serde_json::json!({ "accounts": map })).ok()
}

fn accounts_of(l: &Ledger) -> Vec<AccountW> {
    l.accounts()
        .filter(|(_, a)| a.balance != Amount::ZERO || a.nonce != 0)
        .map(|(addr, a)| AccountW {
            address: *addr.as_bytes(),
            balance: a.balance.get(),
            nonce: a.nonce,
        })
        .collect()
}

fn rejection(e: &TxError) -> &'static str {
    match e {
        TxError::BadSignature { .. } => "bad_signature",
        TxError::WrongChain { .. } => "wrong_chain",
        TxError::ZeroAmount => "zero_amount",
        TxError::MemoTooLong { .. } => "memo_too_long",
        TxError::NonceUsed { .. } => "nonce_used",
        TxError::NonceAhead { .. } => "nonce_ahead",
        TxError::InsufficientFunds { .. } => "insufficient_funds",
        TxError::Overflow { .. } => "overflow",
        // Permissioned chains only; this operation checks public transfers.
        TxError::NotAMember(_) => "not_a_member",
        TxError::Governance(_) => "governance",
        // Deploys and calls only; this operation checks transfers.
        TxError::Contract(_) => "contract",
        // Relays only (connected chains).
        TxError::NoBridge { .. } | TxError::BadRelay(_) | TxError::RelayAlreadyApplied { .. } => {
            "relay"
        }
    }
}

impl TypedOp for ValidateTransfer {
    type Input = ValidateInput;
    type Output = String;
    const NAME: &'static str = "validate_transfer";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "valid",
            cases: 6,
            about: "acceptable transfers, including spending the whole balance",
        },
        CaseClass {
            name: "form",
            cases: 4,
            about: "zero amount, a 141-byte memo, amount + fee overflowing",
        },
        CaseClass {
            name: "wrong_chain",
            cases: 2,
            about: "a transfer signed for another chain",
        },
        CaseClass {
            name: "bad_signature",
            cases: 3,
            about: "a field changed after signing",
        },
        CaseClass {
            name: "nonce",
            cases: 6,
            about: "a nonce already used, or one that skips ahead",
        },
        CaseClass {
            name: "funds",
            cases: 5,
            about: "balance one coin short, or fee forgotten",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/validate_transfer.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<ValidateInput> {
        let key = Keypair::from_name(NAMES[index % NAMES.len()]);
        let chain_id = rng.range(1, 3) as u32;
        let mut t = transfer(rng, &key, "random");
        t.chain_id = chain_id;
        t.nonce = rng.range(3, 20);
        let mut ledger_nonce = t.nonce;
        let mut extra = rng.below(500);
        match class {
            "valid" => {
                if index.is_multiple_of(2) {
                    extra = 0; // exactly enough
                }
            }
            "form" => match index % 3 {
                0 => t.amount = 0,
                1 => t.memo = "x".repeat(141),
                _ => {
                    t.amount = u64::MAX;
                    t.fee = 1 + rng.below(5);
                }
            },
            "wrong_chain" => t.chain_id = chain_id + 1,
            "bad_signature" => {}
            "nonce" => {
                ledger_nonce = if index.is_multiple_of(2) {
                    t.nonce + 1 + rng.below(3) // the transfer's nonce was used
                } else {
                    t.nonce - 1 - rng.below(3) // the transfer skips ahead
                };
            }
            "funds" => t.fee = t.fee.max(1),
            _ => return None,
        }
        let need = t.amount.saturating_add(t.fee);
        let balance = match class {
            "funds" if index.is_multiple_of(2) => need - 1, // one coin short
            "funds" => t.amount,                            // enough for the amount, not the fee
            _ => need.saturating_add(extra),
        };
        let mut s = sign(&t, &key);
        if class == "bad_signature" {
            s.transfer.amount += 1;
        }
        Some(ValidateInput {
            chain_id,
            ledger: ledger(&key, balance, ledger_nonce, rng),
            tx: s,
        })
    }

    fn reference(i: &ValidateInput) -> String {
        let (Some(s), Some(l)) = (i.tx.to_chain(), ledger_of(&i.ledger)) else {
            return String::new();
        };
        match s
            .check_stateless(i.chain_id)
            .and_then(|()| l.check_transfer(&s))
        {
            Ok(()) => "ok".into(),
            Err(e) => rejection(&e).into(),
        }
    }

    fn valid(i: &ValidateInput) -> bool {
        i.tx.to_chain().is_some() && ledger_of(&i.ledger).is_some()
    }

    fn shrink(i: &ValidateInput) -> Vec<ValidateInput> {
        // Other accounts in the ledger are noise: drop them one at a time.
        let sender = PublicKey::from_bytes(&i.tx.transfer.from).map(|k| *k.address().as_bytes());
        (0..i.ledger.len())
            .filter(|&k| sender.as_ref().ok() != Some(&i.ledger[k].address))
            .map(|k| {
                let mut j = i.clone();
                j.ledger.remove(k);
                j
            })
            .collect()
    }
}

fn ledger(key: &Keypair, balance: u64, nonce: u64, rng: &mut CaseRng) -> Vec<AccountW> {
    let mut l = vec![AccountW {
        address: *key.address().as_bytes(),
        balance,
        nonce,
    }];
    for _ in 0..rng.below(3) {
        l.push(AccountW {
            address: rng.bytes(),
            balance: rng.range(1, 1000),
            nonce: rng.below(5),
        });
    }
    l.sort_by_key(|a| a.address);
    l
}

// ---------------------------------------------------------------- apply

/// Applying a block's transfers to a ledger, all or nothing.
pub(crate) struct ApplyTransfers;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ApplyInput {
    ledger: Vec<AccountW>,
    #[serde(with = "hex::serde")]
    fee_to: [u8; 20],
    txs: Vec<SignedW>,
}

/// The ledger after every transfer, or the index of the first that fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ApplyOutput {
    /// Every account that is not zero, by address.
    Ok(Vec<AccountW>),
    /// Index of the first transfer that cannot be applied.
    Err(usize),
}

impl PartialEq for AccountW {
    fn eq(&self, o: &Self) -> bool {
        (self.address, self.balance, self.nonce) == (o.address, o.balance, o.nonce)
    }
}
impl Eq for AccountW {}

impl TypedOp for ApplyTransfers {
    type Input = ApplyInput;
    type Output = ApplyOutput;
    const NAME: &'static str = "apply_transfers";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "single",
            cases: 4,
            about: "one transfer",
        },
        CaseClass {
            name: "nonce_chain",
            cases: 4,
            about: "several transfers from one sender, nonces in a row",
        },
        CaseClass {
            name: "self_and_collector",
            cases: 4,
            about: "sending to yourself; the fee collector is the sender or recipient",
        },
        CaseClass {
            name: "failing",
            cases: 6,
            about: "a transfer in the middle cannot be applied",
        },
        CaseClass {
            name: "random",
            cases: 8,
            about: "random blocks of transfers between five people",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/apply_transfers.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<ApplyInput> {
        let keys: Vec<Keypair> = NAMES.iter().map(|n| Keypair::from_name(n)).collect();
        let mut state: Vec<(u64, u64)> = (0..keys.len())
            .map(|_| (rng.range(50, 500), rng.below(4)))
            .collect();
        let ledger: Vec<AccountW> = keys
            .iter()
            .zip(&state)
            .map(|(k, (b, n))| AccountW {
                address: *k.address().as_bytes(),
                balance: *b,
                nonce: *n,
            })
            .collect();
        let mut fee_to = rng.bytes::<20>();
        let count = match class {
            "single" => 1,
            "nonce_chain" | "self_and_collector" => rng.range_usize(2, 4),
            "failing" => rng.range_usize(2, 5),
            "random" => rng.range_usize(0, 8),
            _ => return None,
        };
        let fail_at = (class == "failing").then(|| rng.below(count as u64) as usize);
        let mut txs = Vec::new();
        let sender0 = index % keys.len();
        for k in 0..count {
            let s = if class == "random" {
                rng.below(keys.len() as u64) as usize
            } else {
                sender0
            };
            let r = match class {
                "self_and_collector" if k == 0 => s,
                _ => (s + 1 + rng.below(keys.len() as u64 - 1) as usize) % keys.len(),
            };
            if class == "self_and_collector" {
                fee_to = *keys[if index.is_multiple_of(2) { s } else { r }]
                    .address()
                    .as_bytes();
            }
            let (bal, nonce) = state[s];
            let mut t = TransferW {
                chain_id: 1,
                from: *keys[s].public().as_bytes(),
                to: *keys[r].address().as_bytes(),
                amount: rng.range(1, (bal / 4).max(1)),
                fee: rng.range(1, 3).min(bal / 8),
                nonce,
                memo: String::new(),
            };
            if fail_at == Some(k) {
                match rng.below(3) {
                    0 => t.nonce += 1,
                    1 => t.nonce = t.nonce.wrapping_sub(1).min(t.nonce),
                    _ => t.amount = bal + 1,
                }
                if t.nonce == nonce && t.amount <= bal {
                    t.amount = bal + 1;
                }
            }
            if t.amount + t.fee <= bal && t.nonce == nonce {
                state[s] = (bal - t.amount - t.fee, nonce + 1);
                let to = r;
                state[to].0 += t.amount;
            }
            txs.push(sign(&t, &keys[s]));
        }
        Some(ApplyInput {
            ledger,
            fee_to,
            txs,
        })
    }

    fn reference(i: &ApplyInput) -> ApplyOutput {
        let Some(mut l) = ledger_of(&i.ledger) else {
            return ApplyOutput::Err(usize::MAX);
        };
        let fee_to = Address::from_bytes(i.fee_to);
        for (k, tx) in i.txs.iter().enumerate() {
            let Some(s) = tx.to_chain() else {
                return ApplyOutput::Err(k);
            };
            if l.apply_transfer(&s, fee_to).is_err() {
                return ApplyOutput::Err(k);
            }
        }
        ApplyOutput::Ok(accounts_of(&l))
    }

    fn valid(i: &ApplyInput) -> bool {
        ledger_of(&i.ledger).is_some() && i.txs.iter().all(|t| t.to_chain().is_some())
    }

    fn shrink(i: &ApplyInput) -> Vec<ApplyInput> {
        // Drop transfers from the end (earlier ones set up later nonces).
        (1..=i.txs.len().min(4))
            .map(|k| ApplyInput {
                txs: i.txs[..i.txs.len() - k].to_vec(),
                ..i.clone()
            })
            .collect()
    }
}

// ---------------------------------------------------------------- mine

/// Mining: the first nonce in `start..end` whose header hash meets the target.
pub(crate) struct MineRange;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MineInput {
    header: Header,
    start: u64,
    end: u64,
}

fn first_solution(h: &Header, from: u64, limit: u64) -> Option<u64> {
    mine_range(h, from..from.saturating_add(limit)).nonce()
}

impl TypedOp for MineRange {
    type Input = MineInput;
    type Output = Option<u64>;
    const NAME: &'static str = "mine_range";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "found",
            cases: 6,
            about: "a range that holds a winning nonce (targets of 1 to 10 zero bits)",
        },
        CaseClass {
            name: "exhausted",
            cases: 4,
            about: "a range with no winning nonce",
        },
        CaseClass {
            name: "boundaries",
            cases: 6,
            about: "the winner exactly at `start`, exactly at `end` (excluded), or an empty range",
        },
        CaseClass {
            name: "random",
            cases: 6,
            about: "random headers and ranges",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/mine_range.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<MineInput> {
        let mut h = gen_header(rng);
        let bits = match class {
            "found" => [1u32, 3, 5, 7, 9, 10][index % 6],
            _ => rng.range(1, 8) as u32,
        };
        h.target = Target::from_leading_zero_bits(bits).ok()?;
        let start = rng.below(1 << 40);
        let win = first_solution(&h, start, 1 << 16)?;
        let (start, end) = match class {
            "found" => (start, win + 1 + rng.below(100)),
            "exhausted" => (start, win),
            "boundaries" => match index % 3 {
                0 => (win, win + 1),
                1 => (start.min(win), win),
                _ => (win, win),
            },
            "random" => (start, start + rng.below(2 * (win - start + 1))),
            _ => return None,
        };
        Some(MineInput {
            header: h,
            start,
            end,
        })
    }

    fn reference(i: &MineInput) -> Option<u64> {
        mine_range(&i.header, i.start..i.end).nonce()
    }

    fn valid(i: &MineInput) -> bool {
        i.end.saturating_sub(i.start) <= 1 << 17
    }

    fn shrink(i: &MineInput) -> Vec<MineInput> {
        let mut out = Vec::new();
        if i.end > i.start + 1 {
            out.push(MineInput {
                end: i.start + (i.end - i.start) / 2,
                ..i.clone()
            });
            out.push(MineInput {
                start: i.start + (i.end - i.start) / 2,
                ..i.clone()
            });
        }
        out
    }
}

// ---------------------------------------------------------------- retarget

/// Difficulty retargeting, with the factor clamped to [1/4, 4].
pub(crate) struct Retarget;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RetargetInput {
    #[serde(with = "hex::serde")]
    old: [u8; 32],
    actual_ms: u64,
    expected_ms: u64,
}

fn num(n: u64) -> [u8; 32] {
    let mut b = [0u8; 32];
    b[24..].copy_from_slice(&n.to_be_bytes());
    b
}

fn pow2m1(bits: u32) -> [u8; 32] {
    Target::from_leading_zero_bits(256 - bits)
        .map(|t| *t.as_bytes())
        .unwrap_or([0xff; 32])
}

impl TypedOp for Retarget {
    type Input = RetargetInput;
    type Output = String;
    const NAME: &'static str = "retarget";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "vectors",
            cases: 5,
            about: "the worked examples of docs/encoding.md",
        },
        CaseClass {
            name: "clamp",
            cases: 6,
            about: "blocks far too fast or too slow: the factor is clamped to 1/4 or 4",
        },
        CaseClass {
            name: "tiny",
            cases: 4,
            about: "targets so small that rounding down reaches 0",
        },
        CaseClass {
            name: "edge",
            cases: 5,
            about: "the largest target, huge times, an expected time of 0",
        },
        CaseClass {
            name: "random",
            cases: 12,
            about: "random targets and times",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/retarget.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<RetargetInput> {
        let (old, actual_ms, expected_ms) = match class {
            "vectors" => [
                (num(63), 2, 3),
                (num(63), 1, 5),
                (num(100), 1, 7),
                (num(63), 1000, 1),
                (pow2m1(240), 1200, 600),
            ][index % 5],
            "clamp" => {
                let old = pow2m1(rng.range(200, 250) as u32);
                let e = rng.range(1000, 100_000);
                if index.is_multiple_of(2) {
                    (old, rng.range(e * 5, e * 50), e)
                } else {
                    (old, rng.below(e / 5), e)
                }
            }
            "tiny" => [
                (num(3), 0, 1),
                (num(1), 1, 3),
                (num(2), 1, 2),
                (num(1), 0, 600),
            ][index % 4],
            "edge" => [
                ([0xff; 32], 4, 1),
                ([0xff; 32], u64::MAX, u64::MAX),
                (pow2m1(250), u64::MAX, 1),
                (pow2m1(100), 5, 0),
                (num(u64::MAX), u64::MAX, u64::MAX / 3),
            ][index % 5],
            "random" => {
                let mut old = rng.bytes::<32>();
                let zeros = rng.below(31) as usize;
                old[..zeros].iter_mut().for_each(|b| *b = 0);
                if old == [0; 32] {
                    old[31] = 1;
                }
                let e = rng.range(1, 1_000_000);
                (old, rng.below(e * 6), e)
            }
            _ => return None,
        };
        Some(RetargetInput {
            old,
            actual_ms,
            expected_ms,
        })
    }

    fn reference(i: &RetargetInput) -> String {
        match Target::from_bytes(i.old) {
            Ok(t) => retarget(t, i.actual_ms, i.expected_ms).to_hex(),
            Err(_) => String::new(),
        }
    }

    fn valid(i: &RetargetInput) -> bool {
        Target::from_bytes(i.old).is_ok()
    }

    fn shrink(i: &RetargetInput) -> Vec<RetargetInput> {
        let mut out = Vec::new();
        for a in shrink::u64(i.actual_ms) {
            out.push(RetargetInput {
                actual_ms: a,
                ..i.clone()
            });
        }
        for e in shrink::u64(i.expected_ms) {
            out.push(RetargetInput {
                expected_ms: e,
                ..i.clone()
            });
        }
        // Fewer significant bytes in the target.
        if let Some(k) = i.old.iter().position(|b| *b != 0)
            && k < 31
        {
            let mut old = i.old;
            old[k] = 0;
            out.push(RetargetInput { old, ..i.clone() });
        }
        out
    }
}
