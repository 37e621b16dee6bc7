//! What a student does in a lesson: a world [`Action`] (send, mine,
//! partition, ...) or a tool action that computes without changing the
//! world (hash some text, sign or verify a message). Both are recorded in
//! the lesson's action log and in the exported transcript, so objectives
//! such as "you showed the avalanche effect" can be re-checked by the
//! grader.
//!
//! In files both look the same: `{ action = "mine", node = 0 }`,
//! `{ action = "hash", input = "hello" }`.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sandbox_chain::amount::Amount;
use sandbox_chain::block::Block;
use sandbox_chain::contract::Value;
use sandbox_chain::hash::{Hash256, TxId, sha256};
use sandbox_chain::keys::{Keypair, PublicKey};
use sandbox_chain::merkle::merkle_proof;
use sandbox_chain::pow::mine_range;
use sandbox_chain::tx::{SignedTransfer, Transaction};
use sandbox_chain::world::islands::IslandsAction;
use sandbox_chain::world::{Action, Arg, NodeId, World, arg_value, contract_ref};
use serde::{Deserialize, Serialize};

/// The longest text a tool action takes, in bytes.
pub const MAX_TOOL_INPUT: usize = 4096;

/// The domain tag of lesson messages: a signature over a lesson message can
/// never be passed off as a signature over a transfer (whose tag is
/// `chainlab:transfer:v1`), and the other way round.
pub const MESSAGE_TAG: &str = "chainlab:lesson-message:v1";

/// The most nonces `edit_block` tries when it re-mines (2^22: about four
/// million hashes, enough for 20 bits of difficulty with room to spare).
pub const MAX_REMINE_NONCES: u64 = 1 << 22;

/// A computation the views offer that changes nothing in the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToolAction {
    /// SHA-256 of the UTF-8 text (exactly what `sha256sum` prints).
    Hash {
        /// The text.
        input: String,
    },
    /// Sign a message with a key the student's node's wallet holds.
    Sign {
        /// The key's name.
        key: String,
        /// The message.
        message: String,
    },
    /// Check a signature over a message against a key (anyone may verify).
    Verify {
        /// A key name, or a public key in hex.
        key: String,
        /// The message.
        message: String,
        /// The signature, 128 hex digits.
        signature: String,
    },
    /// Change the amount of a transfer in a *copy* of a block of the
    /// student's canonical chain, optionally repairing what that breaks,
    /// and report which checks the copy now fails. The world is untouched:
    /// this shows what a node would find if someone handed it the copy.
    EditBlock {
        /// The block's height (1 or more).
        height: u64,
        /// The transaction's position in the block (0 is the coinbase,
        /// which cannot be edited: pick a transfer).
        tx: u32,
        /// The new amount (it must differ from the old one).
        amount: u64,
        /// Sign the changed transfer again (needs the sender's key in the
        /// student's wallet).
        #[serde(default)]
        resign: bool,
        /// Write the new Merkle root into the header.
        #[serde(default)]
        update_root: bool,
        /// Search a new nonce so the header meets its target again.
        #[serde(default)]
        remine: bool,
    },
    /// Read a contract without a transaction, as a wallet or an explorer
    /// does: run `function` of the contract on the student's node's tip,
    /// keeping nothing (no block, no fee, no change to its storage).
    QueryContract {
        /// 40 hex digits, or `<key name>/<nonce>`: the contract that key
        /// deployed with that nonce.
        contract: String,
        /// The function.
        function: String,
        /// Its arguments (contract values or named forms, as for
        /// `call_contract`).
        #[serde(default)]
        args: Vec<Arg>,
    },
    /// Be a light client: check that `txid` is transaction number `index`
    /// of the block at `height`, with the Merkle proof an honest full node
    /// gives for that position, against the Merkle root in the block's
    /// header (the only part of the block a light client keeps).
    CheckInclusion {
        /// The block's height.
        height: u64,
        /// The position the proof is for (0 is the coinbase).
        index: u32,
        /// The transaction id claimed to be there, 64 hex digits.
        txid: String,
    },
}

/// The names of the tool actions.
pub const TOOL_ACTIONS: &[&str] = &[
    "hash",
    "sign",
    "verify",
    "edit_block",
    "check_inclusion",
    "query_contract",
];

/// A check a node makes of a block it is handed, as `edit_block` reports
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockCheck {
    /// The edited transfer's signature verifies against its sender's key.
    Signature,
    /// The header's Merkle root is the root of the block's transactions.
    MerkleRoot,
    /// The header's hash meets its target.
    ProofOfWork,
    /// The next block of the chain names this block's hash as its parent
    /// (holds trivially for the tip).
    Link,
}

/// One thing a student does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum LessonAction {
    /// A computation (see [`ToolAction`]).
    Tool(ToolAction),
    /// A change to the world (on connected chains: to the student's chain,
    /// but `advance_time` moves every chain's clock).
    World(Action),
    /// A change to connected chains: an action on one chain by its
    /// position, or a relayer started or stopped (written with `op`:
    /// `{ op = "on", chain = 1, action = { action = "mine", node = 0 } }`,
    /// `{ op = "stop_relayer", relayer = 0 }`).
    Islands(IslandsAction),
}

impl<'de> Deserialize<'de> for LessonAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        if let Some(op) = value.get("op") {
            let op = op.as_str().unwrap_or("").to_owned();
            return IslandsAction::deserialize(value)
                .map(LessonAction::Islands)
                .map_err(|e| D::Error::custom(format!("`op = \"{op}\"`: {e}")));
        }
        let tag = value
            .get("action")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                D::Error::custom(
                    "an action needs an `action` key naming what to do, e.g. `action = \"mine\"`",
                )
            })?;
        if TOOL_ACTIONS.contains(&tag.as_str()) {
            ToolAction::deserialize(value)
                .map(LessonAction::Tool)
                .map_err(|e| D::Error::custom(format!("action `{tag}`: {e}")))
        } else {
            Action::deserialize(value)
                .map(LessonAction::World)
                .map_err(|e| {
                    let e = e.to_string();
                    if e.contains("unknown variant") {
                        D::Error::custom(format!(
                            "{e}, or a tool action: {}",
                            TOOL_ACTIONS.join(", ")
                        ))
                    } else {
                        D::Error::custom(format!("action `{tag}`: {e}"))
                    }
                })
        }
    }
}

impl LessonAction {
    /// The action's name (`mine`, `hash`, ...; on connected chains `mine
    /// on chain 1`, `stop_relayer`, ...).
    pub fn name(&self) -> String {
        if let LessonAction::Islands(a) = self {
            return match a {
                IslandsAction::On { chain, action } => {
                    format!(
                        "{} on chain {chain}",
                        LessonAction::World(action.clone()).name()
                    )
                }
                IslandsAction::StartRelayer { .. } => "start_relayer".to_owned(),
                IslandsAction::StopRelayer { .. } => "stop_relayer".to_owned(),
                IslandsAction::AdvanceTime { .. } => "advance_time".to_owned(),
            };
        }
        match serde_json::to_value(self) {
            Ok(v) => v
                .get("action")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned(),
            Err(_) => String::new(),
        }
    }
}

/// What a tool action computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToolOutput {
    /// A digest.
    Hash {
        /// The SHA-256 digest.
        digest: Hash256Hex,
        /// Its leading zero bits.
        zero_bits: u32,
    },
    /// A signature.
    Signature {
        /// 128 hex digits.
        signature: String,
    },
    /// The result of a check.
    Verified {
        /// Whether the signature is valid for that key and message.
        valid: bool,
    },
    /// What an edited copy of a block looks like to a node.
    BlockEdit {
        /// The copy's hash (64 hex digits).
        hash: String,
        /// The checks the copy fails, in [`BlockCheck`] order.
        broken: Vec<BlockCheck>,
    },
    /// What a read-only contract call returned.
    Query {
        /// The contract's address (40 hex digits).
        contract: String,
        /// The value returned, if the function returned one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        returned: Option<Value>,
        /// Why the run stopped, with its line, if it failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fault: Option<String>,
    },
    /// A light client's inclusion check.
    Inclusion {
        /// Whether the proof leads from the txid to the header's root.
        valid: bool,
        /// Transactions in the block.
        leaves: u32,
        /// The proof's sibling hashes, bottom first (64 hex digits each).
        siblings: Vec<String>,
    },
}

/// A SHA-256 digest, shown in hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hash256Hex(#[serde(with = "hex_32")] pub [u8; 32]);

mod hex_32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(b: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

/// Why a tool action was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The text is too long.
    #[error("the text has {len} bytes; the tools take at most {max}")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Signing needs the key in the wallet.
    #[error("your node's wallet holds no key named \"{0}\" (create it first)")]
    KeyNotInWallet(String),
    /// The key is neither a name nor a public key.
    #[error("\"{0}\" is neither a key name nor a public key (64 hex digits)")]
    BadKey(String),
    /// The signature is not 64 bytes of hex.
    #[error("a signature is 128 hex digits: {0}")]
    BadSignature(String),
    /// No canonical block at that height.
    #[error("your node's chain has no block at height {0}")]
    NoBlock(u64),
    /// The genesis block is not edited or proven.
    #[error(
        "height 0 is the genesis block, which every node builds itself: pick a block from height 1"
    )]
    Genesis,
    /// No transaction at that position.
    #[error(
        "the block at height {height} has {count} transaction(s), numbered from 0: there is no number {index}"
    )]
    NoTx {
        /// The block's height.
        height: u64,
        /// The position asked for.
        index: u32,
        /// Transactions in the block.
        count: usize,
    },
    /// Only transfers are edited.
    #[error("transaction {0} is not a signed transfer (number 0 is the coinbase): pick a transfer")]
    NotATransfer(u32),
    /// The edit changes nothing.
    #[error("the transfer already moves {0} coins: give another amount")]
    Unchanged(u64),
    /// Re-signing needs the sender's key.
    #[error("only the sender can sign again, and your wallet holds no key of {0}")]
    NotYourKey(String),
    /// No nonce found.
    #[error("no nonce below {MAX_REMINE_NONCES} makes this header meet its target")]
    NoNonce,
    /// The txid is not 64 hex digits.
    #[error("a transaction id is 64 hex digits: {0}")]
    BadTxid(String),
    /// A contract reference or argument that cannot be read.
    #[error("{0}")]
    BadContractInput(String),
}

/// The bytes a lesson message signature covers: `tag || 0x00 || message`.
pub fn message_bytes(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        MESSAGE_TAG
            .len()
            .saturating_add(1)
            .saturating_add(message.len()),
    );
    out.extend_from_slice(MESSAGE_TAG.as_bytes());
    out.push(0);
    out.extend_from_slice(message.as_bytes());
    out
}

/// Signs a lesson message with the key named `name`.
pub fn sign_message(name: &str, message: &str) -> String {
    let key = SigningKey::from_bytes(&Keypair::from_name(name).seed());
    hex::encode(key.sign(&message_bytes(message)).to_bytes())
}

fn resolve_key(key: &str) -> Result<PublicKey, ToolError> {
    if key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit()) {
        return PublicKey::from_hex(key).map_err(|_| ToolError::BadKey(key.to_owned()));
    }
    if key.is_empty() || key.len() > 64 {
        return Err(ToolError::BadKey(key.to_owned()));
    }
    Ok(Keypair::from_name(key).public())
}

fn check_len(s: &str) -> Result<(), ToolError> {
    if s.len() > MAX_TOOL_INPUT {
        return Err(ToolError::TooLong {
            len: s.len(),
            max: MAX_TOOL_INPUT,
        });
    }
    Ok(())
}

/// The SHA-256 of a text, as the hash view shows it.
pub fn hash_text(input: &str) -> Hash256 {
    sha256(input.as_bytes())
}

/// What a tool may read: the world and the student's node. A tool never
/// changes either.
#[derive(Clone, Copy, Debug)]
pub struct ToolCtx<'a> {
    /// The world.
    pub world: &'a World,
    /// The student's node.
    pub student: NodeId,
}

impl ToolCtx<'_> {
    /// The key names in the student's wallet, with their addresses.
    fn wallet(&self) -> Vec<(String, sandbox_chain::keys::Address)> {
        self.world
            .node_view(self.student)
            .map(|v| v.wallet)
            .unwrap_or_default()
    }

    /// Whether the student's wallet holds the key `name`.
    pub fn wallet_has(&self, name: &str) -> bool {
        self.wallet().iter().any(|(n, _)| n == name)
    }

    /// The canonical block at `height` of the student's chain (not genesis).
    fn block(&self, height: u64) -> Result<(&Block, Option<&Block>), ToolError> {
        if height == 0 {
            return Err(ToolError::Genesis);
        }
        let chain = self
            .world
            .chain(self.student)
            .ok_or(ToolError::NoBlock(height))?;
        let at = |h: u64| chain.canonical_at(h).and_then(|hash| chain.get(&hash));
        let block = at(height).ok_or(ToolError::NoBlock(height))?;
        Ok((block, height.checked_add(1).and_then(at)))
    }
}

/// `edit_block`: the edited copy and the checks it fails.
fn edit_block(
    ctx: &ToolCtx<'_>,
    height: u64,
    tx: u32,
    amount: u64,
    resign: bool,
    update_root: bool,
    remine: bool,
) -> Result<ToolOutput, ToolError> {
    let (block, child) = ctx.block(height)?;
    let no_tx = || ToolError::NoTx {
        height,
        index: tx,
        count: block.txs.len(),
    };
    let slot = usize::try_from(tx).map_err(|_| no_tx())?;
    let original = block.txs.get(slot).ok_or_else(no_tx)?;
    let Some(signed) = original.as_transfer() else {
        return Err(ToolError::NotATransfer(tx));
    };
    if signed.transfer.amount.get() == amount {
        return Err(ToolError::Unchanged(amount));
    }
    let mut transfer = signed.transfer.clone();
    transfer.amount = Amount::new(amount);
    let edited = if resign {
        let sender = transfer.sender();
        let name = ctx
            .wallet()
            .into_iter()
            .find(|(_, a)| *a == sender)
            .map(|(n, _)| n)
            .ok_or_else(|| ToolError::NotYourKey(sender.to_hex()))?;
        transfer.sign(&Keypair::from_name(&name))
    } else {
        SignedTransfer {
            transfer,
            signature: signed.signature,
        }
    };
    let mut copy = block.clone();
    let signature_ok = edited.verify_signature().is_ok();
    if let Some(t) = copy.txs.get_mut(slot) {
        *t = Transaction::Transfer(edited);
    }
    if update_root {
        copy.header.merkle_root = copy.compute_merkle_root();
    }
    if remine {
        let nonce = mine_range(&copy.header, 0..MAX_REMINE_NONCES)
            .nonce()
            .ok_or(ToolError::NoNonce)?;
        copy.header.nonce = nonce;
    }
    let hash = copy.hash();
    let mut broken = Vec::new();
    if !signature_ok {
        broken.push(BlockCheck::Signature);
    }
    if copy.header.merkle_root != copy.compute_merkle_root() {
        broken.push(BlockCheck::MerkleRoot);
    }
    if !copy.header.meets_target() {
        broken.push(BlockCheck::ProofOfWork);
    }
    if child.is_some_and(|c| c.header.parent != hash) {
        broken.push(BlockCheck::Link);
    }
    Ok(ToolOutput::BlockEdit {
        hash: hash.to_hex(),
        broken,
    })
}

/// `check_inclusion`: the honest proof for `index`, checked for `txid`.
fn check_inclusion(
    ctx: &ToolCtx<'_>,
    height: u64,
    index: u32,
    txid: &str,
) -> Result<ToolOutput, ToolError> {
    let claimed = TxId::from_hex(txid.trim()).map_err(|e| ToolError::BadTxid(e.to_string()))?;
    let (block, _) = ctx.block(height)?;
    let txids = block.txids();
    let no_tx = || ToolError::NoTx {
        height,
        index,
        count: txids.len(),
    };
    let slot = usize::try_from(index).map_err(|_| no_tx())?;
    let proof = merkle_proof(&txids, slot).map_err(|_| no_tx())?;
    Ok(ToolOutput::Inclusion {
        valid: proof.verify(claimed, block.header.merkle_root).is_ok(),
        leaves: proof.leaf_count(),
        siblings: proof.siblings().iter().map(|h| h.to_hex()).collect(),
    })
}

/// `query_contract`: a read-only run on the student's node's tip.
fn query_contract(
    ctx: &ToolCtx<'_>,
    contract: &str,
    function: &str,
    args: &[Arg],
) -> Result<ToolOutput, ToolError> {
    check_len(function)?;
    let address = contract_ref(contract).map_err(|e| ToolError::BadContractInput(e.to_string()))?;
    let values = args
        .iter()
        .map(arg_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ToolError::BadContractInput(e.to_string()))?;
    let run = ctx
        .world
        .query_contract(ctx.student, &address, function, &values);
    Ok(ToolOutput::Query {
        contract: address.to_hex(),
        returned: run.as_ref().ok().cloned().flatten(),
        fault: run.err().map(|f| f.to_string()),
    })
}

impl ToolAction {
    /// Runs the tool over the world as it is (which it never changes).
    pub fn run(&self, ctx: &ToolCtx<'_>) -> Result<ToolOutput, ToolError> {
        match self {
            ToolAction::QueryContract {
                contract,
                function,
                args,
            } => query_contract(ctx, contract, function, args),
            ToolAction::EditBlock {
                height,
                tx,
                amount,
                resign,
                update_root,
                remine,
            } => edit_block(ctx, *height, *tx, *amount, *resign, *update_root, *remine),
            ToolAction::CheckInclusion {
                height,
                index,
                txid,
            } => check_inclusion(ctx, *height, *index, txid),
            ToolAction::Hash { input } => {
                check_len(input)?;
                let h = hash_text(input);
                Ok(ToolOutput::Hash {
                    digest: Hash256Hex(*h.as_bytes()),
                    zero_bits: h.leading_zero_bits(),
                })
            }
            ToolAction::Sign { key, message } => {
                check_len(message)?;
                if !ctx.wallet_has(key) {
                    return Err(ToolError::KeyNotInWallet(key.clone()));
                }
                Ok(ToolOutput::Signature {
                    signature: sign_message(key, message),
                })
            }
            ToolAction::Verify {
                key,
                message,
                signature,
            } => {
                check_len(message)?;
                let public = resolve_key(key)?;
                let mut sig = [0u8; 64];
                hex::decode_to_slice(signature, &mut sig)
                    .map_err(|e| ToolError::BadSignature(e.to_string()))?;
                let valid = VerifyingKey::from_bytes(public.as_bytes())
                    .map(|vk| {
                        vk.verify_strict(
                            &message_bytes(message),
                            &ed25519_dalek::Signature::from_bytes(&sig),
                        )
                        .is_ok()
                    })
                    .unwrap_or(false);
                Ok(ToolOutput::Verified { valid })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::world::WorldConfig;

    fn ctx() -> ToolCtx<'static> {
        let mut config = WorldConfig::pow(1, 8, 0);
        config.nodes[0].keys = vec!["alice".into()];
        let world = Box::leak(Box::new(World::new(config, 1).unwrap()));
        ToolCtx {
            world,
            student: NodeId(0),
        }
    }

    #[test]
    fn hash_is_plain_sha256() {
        // sha256("abc"), FIPS 180-2 appendix B.1.
        let out = ToolAction::Hash {
            input: "abc".into(),
        }
        .run(&ctx())
        .unwrap();
        let ToolOutput::Hash { digest, .. } = out else {
            panic!("not a hash")
        };
        assert_eq!(
            hex::encode(digest.0),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_changed_message_fails_verification() {
        let sig = sign_message("alice", "pay bob 5");
        let ok = |message: &str| {
            ToolAction::Verify {
                key: "alice".into(),
                message: message.into(),
                signature: sig.clone(),
            }
            .run(&ctx())
            .unwrap()
        };
        assert_eq!(ok("pay bob 5"), ToolOutput::Verified { valid: true });
        assert_eq!(ok("pay bob 50"), ToolOutput::Verified { valid: false });
    }

    #[test]
    fn actions_parse_from_toml_and_json_alike() {
        let t: LessonAction = toml::from_str("action = \"mine\"\nnode = 0").unwrap();
        let j: LessonAction = serde_json::from_str(r#"{"action":"mine","node":0}"#).unwrap();
        assert_eq!(t, j);
        let h: LessonAction = toml::from_str("action = \"hash\"\ninput = \"x\"").unwrap();
        assert!(matches!(h, LessonAction::Tool(ToolAction::Hash { .. })));
        let e = toml::from_str::<LessonAction>("action = \"mien\"").unwrap_err();
        assert!(e.to_string().contains("hash, sign, verify"), "{e}");
    }

    /// A world where alice paid bob 10 at height 1, then two more blocks.
    fn paid_world() -> World {
        let mut config = WorldConfig::pow(2, 8, 0);
        config.nodes[0].keys = vec!["alice".into()];
        config.funds = vec![sandbox_chain::world::Fund {
            name: "alice".into(),
            amount: Amount::new(100),
        }];
        let mut world = World::new(config, 1).unwrap();
        world
            .apply(Action::SendTransaction {
                node: NodeId(0),
                from: "alice".into(),
                to: "bob".into(),
                amount: Amount::new(10),
                fee: Amount::ZERO,
                memo: String::new(),
                nonce: None,
            })
            .unwrap();
        for _ in 0..3 {
            world.apply(Action::Mine { node: NodeId(0) }).unwrap();
        }
        world.apply(Action::AdvanceTime { ms: 1000 }).unwrap();
        world
    }

    fn edit(
        world: &World,
        height: u64,
        resign: bool,
        update_root: bool,
        remine: bool,
    ) -> Result<Vec<BlockCheck>, ToolError> {
        edit_as(world, NodeId(0), height, resign, update_root, remine)
    }

    fn edit_as(
        world: &World,
        student: NodeId,
        height: u64,
        resign: bool,
        update_root: bool,
        remine: bool,
    ) -> Result<Vec<BlockCheck>, ToolError> {
        let ctx = ToolCtx { world, student };
        match (ToolAction::EditBlock {
            height,
            tx: 1,
            amount: 1000,
            resign,
            update_root,
            remine,
        })
        .run(&ctx)?
        {
            ToolOutput::BlockEdit { broken, .. } => Ok(broken),
            o => panic!("not an edit: {o:?}"),
        }
    }

    /// Each repair moves the damage one level up: signature, then Merkle
    /// root, then proof of work, then the next block's link. Only the
    /// tip can be rewritten without breaking anything after it.
    #[test]
    fn editing_a_block_breaks_one_level_after_another() {
        use BlockCheck::*;
        let w = paid_world();
        assert_eq!(
            edit(&w, 1, false, false, false).unwrap(),
            vec![Signature, MerkleRoot]
        );
        assert_eq!(edit(&w, 1, true, false, false).unwrap(), vec![MerkleRoot]);
        // A new hash misses an 8-bit target with probability 255/256; this
        // world's seed and data give one that misses.
        assert_eq!(
            edit(&w, 1, true, true, false).unwrap(),
            vec![ProofOfWork, Link]
        );
        assert_eq!(edit(&w, 1, true, true, true).unwrap(), vec![Link]);
        // Without re-signing, re-mining still cannot hide the signature.
        assert_eq!(
            edit(&w, 1, false, true, true).unwrap(),
            vec![Signature, Link]
        );
    }

    #[test]
    fn edits_that_cannot_be_made_are_refused_in_words() {
        let w = paid_world();
        assert_eq!(edit(&w, 0, false, false, false), Err(ToolError::Genesis));
        assert_eq!(edit(&w, 9, false, false, false), Err(ToolError::NoBlock(9)));
        let ctx = ToolCtx {
            world: &w,
            student: NodeId(0),
        };
        let coinbase = ToolAction::EditBlock {
            height: 1,
            tx: 0,
            amount: 1,
            resign: false,
            update_root: false,
            remine: false,
        };
        assert_eq!(coinbase.run(&ctx), Err(ToolError::NotATransfer(0)));
        let same = ToolAction::EditBlock {
            height: 1,
            tx: 1,
            amount: 10,
            resign: false,
            update_root: false,
            remine: false,
        };
        assert_eq!(same.run(&ctx), Err(ToolError::Unchanged(10)));
        // Node 1 has the block but not alice's key: it cannot sign for her.
        assert!(matches!(
            edit_as(&w, NodeId(1), 1, true, false, false),
            Err(ToolError::NotYourKey(_))
        ));
        assert!(edit_as(&w, NodeId(1), 1, false, false, false).is_ok());
        let before = w.digest();
        let _ = edit(&w, 1, true, true, true);
        assert_eq!(w.digest(), before, "the world is untouched");
    }

    #[test]
    fn a_light_client_accepts_the_real_txid_and_nothing_else() {
        let w = paid_world();
        let ctx = ToolCtx {
            world: &w,
            student: NodeId(0),
        };
        let chain = w.chain(NodeId(0)).unwrap();
        let block = chain.get(&chain.canonical_at(1).unwrap()).unwrap();
        let real = block.txids()[1].to_hex();
        let check = |index: u32, txid: &str| {
            ToolAction::CheckInclusion {
                height: 1,
                index,
                txid: txid.into(),
            }
            .run(&ctx)
        };
        let Ok(ToolOutput::Inclusion {
            valid,
            leaves,
            siblings,
        }) = check(1, &real)
        else {
            panic!("no inclusion output")
        };
        assert!(valid);
        assert_eq!((leaves, siblings.len()), (2, 1));
        let mut fake = real.clone();
        fake.replace_range(0..1, if real.starts_with('0') { "1" } else { "0" });
        assert!(matches!(
            check(1, &fake),
            Ok(ToolOutput::Inclusion { valid: false, .. })
        ));
        // The right txid at the wrong position does not verify either.
        assert!(matches!(
            check(0, &real),
            Ok(ToolOutput::Inclusion { valid: false, .. })
        ));
        assert!(matches!(check(2, &real), Err(ToolError::NoTx { .. })));
        assert!(matches!(check(1, "zz"), Err(ToolError::BadTxid(_))));
    }

    /// Connected-chain actions are written with `op`, read the same from
    /// TOML and JSON, and are named with their chain.
    #[test]
    fn op_actions_parse_and_are_named() {
        let t: LessonAction =
            toml::from_str("op = \"on\"\nchain = 1\naction = { action = \"mine\", node = 0 }")
                .unwrap();
        let j: LessonAction =
            serde_json::from_str(r#"{"op":"on","chain":1,"action":{"action":"mine","node":0}}"#)
                .unwrap();
        assert_eq!(t, j);
        assert_eq!(t.name(), "mine on chain 1");
        let back: LessonAction = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        let stop: LessonAction = toml::from_str("op = \"stop_relayer\"\nrelayer = 0").unwrap();
        assert_eq!(stop.name(), "stop_relayer");
        let e = toml::from_str::<LessonAction>("op = \"stop\"\nrelayer = 0").unwrap_err();
        assert!(
            e.to_string()
                .contains("`op = \"stop\"`: unknown variant `stop`"),
            "{e}"
        );
        let e = toml::from_str::<LessonAction>(
            "op = \"on\"\nchain = 1\naction = { action = \"mien\" }",
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown variant `mien`"), "{e}");
    }

    #[test]
    fn a_query_of_nothing_is_refused_or_reported() {
        let c = ctx();
        let q = |contract: &str| {
            ToolAction::QueryContract {
                contract: contract.into(),
                function: "get".into(),
                args: Vec::new(),
            }
            .run(&c)
        };
        assert!(
            matches!(q("alice"), Err(ToolError::BadContractInput(m)) if m.contains("not a contract"))
        );
        let Ok(ToolOutput::Query {
            returned, fault, ..
        }) = q("alice/0")
        else {
            panic!("a query of a missing contract still reports")
        };
        assert_eq!(returned, None);
        assert!(fault.unwrap().contains("there is no contract"));
    }
}
