//! A BFT consensus engine in the spirit of Tendermint and ChainMaker's TBFT,
//! as a pure state machine: messages and timeouts go in, messages to send
//! and timeouts to schedule come out. No clock, no network, no randomness.
//!
//! Each height runs in rounds. In round `r` of height `h` the proposer
//! `validators[(h + r) mod n]` proposes a block; every validator *prevotes*
//! for it (or for nil); a validator that sees 2f+1 prevotes for the block (a
//! *polka*) locks on it and *precommits* it; 2f+1 precommits for a block
//! decide it: it is final, and the precommits form its
//! [`CommitCertificate`]. A locked validator prevotes only for its locked
//! block, unless a proposal shows a polka for another block from a later
//! round than its lock. Timeouts, longer in each round, move a stuck round
//! on (Buchman, Kwon and Milosevic, "The latest gossip on BFT consensus",
//! 2018, algorithm 1).
//!
//! With at most f Byzantine validators of 3f+1, no two honest validators
//! decide different blocks at a height; with more, honest validators wait
//! rather than decide.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::block::{Block, Seal};
use crate::consensus::ValidatorSet;
use crate::encode::{Decode, DecodeError, Encode, Reader, put_len, put_list};
use crate::hash::{BlockHash, Domain};
use crate::identity::MAX_VALIDATORS;
use crate::keys::{Address, Keypair, PublicKey, Signature, SignedMessage, verify_batch};

// ---------------------------------------------------------------------------
// Votes, proposals and certificates
// ---------------------------------------------------------------------------

/// The two kinds of vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteKind {
    /// First vote of a round: "this proposal is valid and I am free to take it".
    Prevote,
    /// Second vote: "I saw 2f+1 prevotes for it and I lock on it".
    Precommit,
}

impl VoteKind {
    const fn tag(self) -> u8 {
        match self {
            VoteKind::Prevote => 0,
            VoteKind::Precommit => 1,
        }
    }
}

/// What a validator signs when it votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    /// The chain.
    pub chain_id: u32,
    /// Prevote or precommit.
    pub kind: VoteKind,
    /// The height being decided.
    pub height: u64,
    /// The round of that height.
    pub round: u32,
    /// The block voted for, or `None` for nil.
    pub block: Option<BlockHash>,
}

impl Encode for Vote {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.chain_id.encode_to(out);
        out.push(self.kind.tag());
        self.height.encode_to(out);
        self.round.encode_to(out);
        encode_option_hash(self.block.as_ref(), out);
    }
}

impl Decode for Vote {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let chain_id = r.u32("chain_id")?;
        let offset = r.offset();
        let kind = match r.u8("vote kind")? {
            0 => VoteKind::Prevote,
            1 => VoteKind::Precommit,
            tag => {
                return Err(DecodeError::UnknownTag {
                    field: "vote kind",
                    tag,
                    offset,
                });
            }
        };
        Ok(Vote {
            chain_id,
            kind,
            height: r.u64("height")?,
            round: r.u32("round")?,
            block: decode_option_hash(r)?,
        })
    }
}

fn encode_option_hash(h: Option<&BlockHash>, out: &mut Vec<u8>) {
    match h {
        None => out.push(0),
        Some(h) => {
            out.push(1);
            h.encode_to(out);
        }
    }
}

fn decode_option_hash(r: &mut Reader<'_>) -> Result<Option<BlockHash>, DecodeError> {
    let offset = r.offset();
    match r.u8("block choice")? {
        0 => Ok(None),
        1 => Ok(Some(BlockHash::decode_from(r)?)),
        tag => Err(DecodeError::UnknownTag {
            field: "block choice",
            tag,
            offset,
        }),
    }
}

/// A vote with its validator's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedVote {
    /// The vote.
    pub vote: Vote,
    /// Who voted.
    pub validator: PublicKey,
    /// Signature over `"chainlab:bft-vote:v1" || 0x00 || vote bytes`.
    pub signature: Signature,
}

impl Vote {
    /// Signs the vote.
    pub fn sign(self, key: &Keypair) -> SignedVote {
        SignedVote {
            vote: self,
            validator: key.public(),
            signature: key.sign(Domain::Vote, &self.encode()),
        }
    }
}

impl SignedVote {
    /// Checks the signature.
    pub fn verify(&self) -> bool {
        self.validator
            .verify(Domain::Vote, &self.vote.encode(), &self.signature)
            .is_ok()
    }
}

/// What a proposer signs: a block for a height and round, and the round of
/// the polka that justifies re-proposing it (if any).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// The chain.
    pub chain_id: u32,
    /// The height.
    pub height: u64,
    /// The round.
    pub round: u32,
    /// The proposed block's hash.
    pub block: BlockHash,
    /// The earlier round in which 2f+1 validators prevoted this block, if
    /// the proposer re-proposes a block it saw a polka for.
    pub pol_round: Option<u32>,
}

impl Encode for Proposal {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.chain_id.encode_to(out);
        self.height.encode_to(out);
        self.round.encode_to(out);
        self.block.encode_to(out);
        match self.pol_round {
            None => out.push(0),
            Some(r) => {
                out.push(1);
                r.encode_to(out);
            }
        }
    }
}

impl Decode for Proposal {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let chain_id = r.u32("chain_id")?;
        let height = r.u64("height")?;
        let round = r.u32("round")?;
        let block = BlockHash::decode_from(r)?;
        let offset = r.offset();
        let pol_round = match r.u8("pol_round choice")? {
            0 => None,
            1 => Some(r.u32("pol_round")?),
            tag => {
                return Err(DecodeError::UnknownTag {
                    field: "pol_round choice",
                    tag,
                    offset,
                });
            }
        };
        Ok(Proposal {
            chain_id,
            height,
            round,
            block,
            pol_round,
        })
    }
}

impl Encode for SignedVote {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.vote.encode_to(out);
        self.validator.encode_to(out);
        self.signature.encode_to(out);
    }
}

impl Decode for SignedVote {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SignedVote {
            vote: Vote::decode_from(r)?,
            validator: PublicKey::decode_from(r)?,
            signature: Signature::decode_from(r)?,
        })
    }
}

/// A proposal with the block itself and the proposer's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedProposal {
    /// The signed part.
    pub proposal: Proposal,
    /// The block (its hash is `proposal.block`).
    pub block: Arc<Block>,
    /// The proposer.
    pub proposer: PublicKey,
    /// Signature over `"chainlab:bft-proposal:v1" || 0x00 || proposal bytes`.
    pub signature: Signature,
    /// When re-proposing (`pol_round` set): the 2f+1 prevotes for the block
    /// in that round, so that validators who missed them can check the
    /// polka and unlock. Each vote carries its own signature.
    pub pol_votes: Vec<SignedVote>,
}

impl SignedProposal {
    fn new(
        key: &Keypair,
        proposal: Proposal,
        block: Arc<Block>,
        pol_votes: Vec<SignedVote>,
    ) -> Self {
        SignedProposal {
            signature: key.sign(Domain::Proposal, &proposal.encode()),
            proposal,
            block,
            proposer: key.public(),
            pol_votes,
        }
    }

    /// Checks the signature and that the block matches.
    pub fn verify(&self) -> bool {
        self.block.hash() == self.proposal.block
            && self.block.height() == self.proposal.height
            && self
                .proposer
                .verify(Domain::Proposal, &self.proposal.encode(), &self.signature)
                .is_ok()
    }
}

impl Encode for SignedProposal {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.proposal.encode_to(out);
        self.block.encode_to(out);
        self.proposer.encode_to(out);
        self.signature.encode_to(out);
        put_list(out, &self.pol_votes);
    }
}

impl Decode for SignedProposal {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SignedProposal {
            proposal: Proposal::decode_from(r)?,
            block: Arc::new(Block::decode_from(r)?),
            proposer: PublicKey::decode_from(r)?,
            signature: Signature::decode_from(r)?,
            pol_votes: r.list("pol_votes", MAX_VALIDATORS)?,
        })
    }
}

/// One validator's precommit inside a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitSig {
    /// The validator.
    pub validator: PublicKey,
    /// Its precommit signature.
    pub signature: Signature,
}

impl Encode for CommitSig {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.validator.encode_to(out);
        self.signature.encode_to(out);
    }
}

impl Decode for CommitSig {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(CommitSig {
            validator: PublicKey::decode_from(r)?,
            signature: Signature::decode_from(r)?,
        })
    }
}

/// Proof that a block is final: precommits for it from a quorum of the
/// validators, all in the same round. It travels with the block (as its
/// seal), so a node that missed the votes can still check the decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitCertificate {
    /// The height decided.
    pub height: u64,
    /// The round in which it was decided.
    pub round: u32,
    /// The block decided.
    pub block: BlockHash,
    /// Precommit signatures, ascending by validator key, one per validator.
    pub precommits: Vec<CommitSig>,
}

/// Why a commit certificate does not prove its block final.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// It certifies another block or height.
    #[error(
        "the commit certificate is for block {certified} at height {cert_height}, not for this block"
    )]
    WrongBlock {
        /// The block it certifies.
        certified: BlockHash,
        /// The height it certifies.
        cert_height: u64,
    },
    /// Signatures not sorted by key or a key twice.
    #[error(
        "the certificate's precommits must be sorted by validator key, each key once (entry {index})"
    )]
    NotSorted {
        /// The offending entry.
        index: usize,
    },
    /// A signer is not a validator.
    #[error("the certificate has a precommit from {key}, which is not a validator")]
    NotAValidator {
        /// The key.
        key: Address,
    },
    /// Too few precommits.
    #[error(
        "the certificate has {found} precommits but a decision needs {needed} of the {validators} validators (2f+1)"
    )]
    NoQuorum {
        /// Precommits present.
        found: usize,
        /// The quorum.
        needed: usize,
        /// Validators.
        validators: usize,
    },
    /// A signature does not verify.
    #[error("the precommit of {key} in the certificate does not verify: it did not sign this vote")]
    BadSignature {
        /// The key.
        key: Address,
    },
}

impl CommitCertificate {
    /// The precommit each signature signs.
    pub fn vote(&self, chain_id: u32) -> Vote {
        Vote {
            chain_id,
            kind: VoteKind::Precommit,
            height: self.height,
            round: self.round,
            block: Some(self.block),
        }
    }

    /// Checks that the certificate proves `block` (at `height`) final:
    /// a quorum of distinct validators of `validators` precommitted it in
    /// one round, with valid signatures (verified in one batch).
    pub fn verify(
        &self,
        chain_id: u32,
        validators: &ValidatorSet,
        block: &BlockHash,
        height: u64,
    ) -> Result<(), CertificateError> {
        if self.block != *block || self.height != height {
            return Err(CertificateError::WrongBlock {
                certified: self.block,
                cert_height: self.height,
            });
        }
        for (index, pair) in self.precommits.windows(2).enumerate() {
            if let [a, b] = pair
                && a.validator >= b.validator
            {
                return Err(CertificateError::NotSorted {
                    index: index.saturating_add(1),
                });
            }
        }
        if let Some(c) = self
            .precommits
            .iter()
            .find(|c| !validators.contains(&c.validator))
        {
            return Err(CertificateError::NotAValidator {
                key: c.validator.address(),
            });
        }
        if self.precommits.len() < validators.quorum() || validators.is_empty() {
            return Err(CertificateError::NoQuorum {
                found: self.precommits.len(),
                needed: validators.quorum(),
                validators: validators.len(),
            });
        }
        let bytes = self.vote(chain_id).encode();
        let items: Vec<SignedMessage<'_>> = self
            .precommits
            .iter()
            .map(|c| SignedMessage {
                key: &c.validator,
                domain: Domain::Vote,
                message: &bytes,
                signature: &c.signature,
            })
            .collect();
        verify_batch(&items).map_err(|(index, _)| match self.precommits.get(index) {
            Some(c) => CertificateError::BadSignature {
                key: c.validator.address(),
            },
            None => CertificateError::NotSorted { index },
        })
    }
}

impl Encode for CommitCertificate {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.height.encode_to(out);
        self.round.encode_to(out);
        self.block.encode_to(out);
        put_list(out, &self.precommits);
    }
}

impl Decode for CommitCertificate {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(CommitCertificate {
            height: r.u64("height")?,
            round: r.u32("round")?,
            block: BlockHash::decode_from(r)?,
            precommits: r.list("precommits", MAX_VALIDATORS)?,
        })
    }
}

// ---------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------

/// Timeouts of the engine. Round `r` waits `base + r * delta` for each step,
/// so that after a network problem the rounds slow down until messages
/// arrive in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BftConfig {
    /// The chain.
    pub chain_id: u32,
    /// How long to wait for a proposal in round 0, in ms.
    pub propose_timeout_ms: u64,
    /// How long to wait for more prevotes after 2f+1 arrived, in round 0.
    pub prevote_timeout_ms: u64,
    /// How long to wait for more precommits after 2f+1 arrived, in round 0.
    pub precommit_timeout_ms: u64,
    /// Added to every timeout per round.
    pub timeout_delta_ms: u64,
}

impl BftConfig {
    /// Timeouts scaled to a block time: propose waits one block time,
    /// prevote and precommit half of it, each growing by half per round.
    pub fn for_block_time(chain_id: u32, block_time_ms: u64) -> Self {
        let half = (block_time_ms / 2).max(1);
        BftConfig {
            chain_id,
            propose_timeout_ms: block_time_ms.max(1),
            prevote_timeout_ms: half,
            precommit_timeout_ms: half,
            timeout_delta_ms: half,
        }
    }

    /// The timeout of `kind` in `round`. Gossip repeats every two
    /// proposal timeouts of round 0.
    pub fn timeout_ms(&self, kind: TimeoutKind, round: u32) -> u64 {
        let base = match kind {
            TimeoutKind::Propose => self.propose_timeout_ms,
            TimeoutKind::Prevote => self.prevote_timeout_ms,
            TimeoutKind::Precommit => self.precommit_timeout_ms,
            TimeoutKind::Gossip => return self.propose_timeout_ms.saturating_mul(2),
        };
        base.saturating_add(self.timeout_delta_ms.saturating_mul(u64::from(round)))
    }
}

/// How a validator behaves: honestly, or one of the Byzantine behaviours
/// lessons and tests use.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Follows the protocol.
    #[default]
    Honest,
    /// Sends nothing at all (crashed, or withholding its votes).
    Silent,
    /// Proposes two different blocks to two halves of the validators, and
    /// sends each half a different vote in every step (double votes).
    Equivocating,
}

/// The step of a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Waiting for the proposal.
    Propose,
    /// Prevoted; waiting for 2f+1 prevotes.
    Prevote,
    /// Precommitted; waiting for 2f+1 precommits.
    Precommit,
}

/// What a timeout is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeoutKind {
    /// No proposal came: prevote nil.
    Propose,
    /// 2f+1 prevotes but no polka: precommit nil.
    Prevote,
    /// 2f+1 precommits but no decision: next round.
    Precommit,
    /// Time to send this round's messages again, for validators that lost
    /// them (a partition, a dropped message): votes are re-sent until the
    /// height is decided, as Tendermint's gossip does.
    Gossip,
}

/// A timeout the driver must feed back after `after_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeout {
    /// What it is for.
    pub kind: TimeoutKind,
    /// The height it was set in.
    pub height: u64,
    /// The round it was set in.
    pub round: u32,
}

/// A message between validators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A proposed block.
    Proposal(SignedProposal),
    /// A prevote or precommit.
    Vote(SignedVote),
    /// A decided block, sealed with its commit certificate (sent when a
    /// node decides, and to nodes heard from at an earlier height).
    Decided {
        /// The block.
        block: Arc<Block>,
    },
}

impl Message {
    /// The height the message is about.
    pub fn height(&self) -> u64 {
        match self {
            Message::Proposal(p) => p.proposal.height,
            Message::Vote(v) => v.vote.height,
            Message::Decided { block } => block.height(),
        }
    }

    /// A short label for a UI ("proposal", "prevote", "precommit", "decided").
    pub fn label(&self) -> &'static str {
        match self {
            Message::Proposal(_) => "proposal",
            Message::Vote(v) => match v.vote.kind {
                VoteKind::Prevote => "prevote",
                VoteKind::Precommit => "precommit",
            },
            Message::Decided { .. } => "decided",
        }
    }

    /// The validator that signed it (none for a decided block, which
    /// anyone may forward).
    pub fn sender(&self) -> Option<&PublicKey> {
        match self {
            Message::Proposal(p) => Some(&p.proposer),
            Message::Vote(v) => Some(&v.validator),
            Message::Decided { .. } => None,
        }
    }
}

/// Kind tags of [`Message`] in the canonical encoding.
const MSG_PROPOSAL: u8 = 0;
const MSG_VOTE: u8 = 1;
const MSG_DECIDED: u8 = 2;

/// `u8 kind || body`: `0` proposal (proposal bytes, block, proposer key,
/// signature, u32 count of POL prevotes, each a signed vote), `1` signed
/// vote (vote bytes, validator key, signature), `2` decided block (the
/// block with its commit certificate as seal). Specified in
/// `docs/encoding.md`.
impl Encode for Message {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            Message::Proposal(p) => {
                out.push(MSG_PROPOSAL);
                p.encode_to(out);
            }
            Message::Vote(v) => {
                out.push(MSG_VOTE);
                v.encode_to(out);
            }
            Message::Decided { block } => {
                out.push(MSG_DECIDED);
                block.encode_to(out);
            }
        }
    }
}

impl Decode for Message {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        match r.u8("BFT message kind")? {
            MSG_PROPOSAL => Ok(Message::Proposal(SignedProposal::decode_from(r)?)),
            MSG_VOTE => Ok(Message::Vote(SignedVote::decode_from(r)?)),
            MSG_DECIDED => Ok(Message::Decided {
                block: Arc::new(Block::decode_from(r)?),
            }),
            tag => Err(DecodeError::UnknownTag {
                field: "BFT message kind",
                tag,
                offset,
            }),
        }
    }
}

/// Proof that a validator broke the protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Two different signed votes of one kind in one round.
    DoubleVote {
        /// The first vote seen.
        first: Box<SignedVote>,
        /// The conflicting vote.
        second: Box<SignedVote>,
    },
    /// Two different signed proposals for one round.
    DoubleProposal {
        /// The proposer.
        proposer: Address,
        /// Height.
        height: u64,
        /// Round.
        round: u32,
        /// The first block seen.
        first: BlockHash,
        /// The other block.
        second: BlockHash,
    },
}

/// What the engine asks of its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Send to every other validator.
    Broadcast(Message),
    /// Send to one validator.
    Send {
        /// The recipient.
        to: PublicKey,
        /// The message.
        message: Message,
    },
    /// Feed `timeout` back after `after_ms` of simulated time.
    Schedule {
        /// The timeout.
        timeout: Timeout,
        /// Delay in ms.
        after_ms: u64,
    },
    /// A block was decided at `height` (already handed to
    /// [`BftApp::commit`]).
    Decided {
        /// The height.
        height: u64,
        /// The round.
        round: u32,
        /// The block.
        block: BlockHash,
    },
    /// A validator was caught misbehaving.
    Evidence(Evidence),
}

/// What the engine needs from the node it runs in: blocks to propose, a
/// judgement on proposed blocks, a place to put decided ones, and the
/// validators of the next height.
pub trait BftApp {
    /// A new block at `height` on top of the last committed block.
    fn propose(&mut self, height: u64, round: u32) -> Block;
    /// Whether `block` may be voted for (valid on top of the last committed
    /// block).
    fn validate(&mut self, block: &Block) -> bool;
    /// A decided block, sealed with its certificate.
    fn commit(&mut self, block: Arc<Block>);
    /// The validators for the height after the last committed block.
    fn validators(&self) -> ValidatorSet;
}

/// Votes of one kind in one round, by validator; a validator with more than
/// one is equivocating.
type RoundVotes = BTreeMap<PublicKey, Vec<SignedVote>>;

/// One validator's (or observer's) consensus state machine.
#[derive(Clone, Debug)]
pub struct BftEngine {
    config: BftConfig,
    key: Option<Keypair>,
    behaviour: Behaviour,
    validators: ValidatorSet,
    height: u64,
    round: u32,
    step: Step,
    started: bool,
    locked: Option<(u32, BlockHash)>,
    valid: Option<(u32, BlockHash)>,
    /// Every proposed block seen at this height.
    blocks: BTreeMap<BlockHash, Arc<Block>>,
    /// The first valid proposal of each round.
    proposals: BTreeMap<u32, SignedProposal>,
    votes: BTreeMap<(u32, VoteKind), RoundVotes>,
    validity: BTreeMap<BlockHash, bool>,
    /// Who has sent anything in each round (for round skipping).
    seen_in_round: BTreeMap<u32, BTreeSet<PublicKey>>,
    prevote_timeout_set: BTreeSet<u32>,
    precommit_timeout_set: BTreeSet<u32>,
    polka_acted: BTreeSet<u32>,
    /// Messages for the next height, replayed when it starts.
    future: Vec<Message>,
    /// Decided blocks by height, for nodes that fall behind.
    decided: BTreeMap<u64, Arc<Block>>,
    /// Whether to wait after each decision until the driver calls
    /// [`BftEngine::resume`] (see [`BftEngine::holding_after_commit`]).
    hold_after_commit: bool,
    /// Decided the height before; waiting for [`BftEngine::resume`].
    held: bool,
}

/// At most this many messages for the next height are kept.
const MAX_FUTURE: usize = 1_024;

impl BftEngine {
    /// An engine for the height after the app's last committed block
    /// (`height`). `key` is `None` for a node that follows but does not
    /// vote.
    pub fn new(
        config: BftConfig,
        key: Option<Keypair>,
        behaviour: Behaviour,
        height: u64,
        validators: ValidatorSet,
    ) -> Self {
        BftEngine {
            config,
            key,
            behaviour,
            validators,
            height,
            round: 0,
            step: Step::Propose,
            started: false,
            locked: None,
            valid: None,
            blocks: BTreeMap::new(),
            proposals: BTreeMap::new(),
            votes: BTreeMap::new(),
            validity: BTreeMap::new(),
            seen_in_round: BTreeMap::new(),
            prevote_timeout_set: BTreeSet::new(),
            precommit_timeout_set: BTreeSet::new(),
            polka_acted: BTreeSet::new(),
            future: Vec::new(),
            decided: BTreeMap::new(),
            hold_after_commit: false,
            held: false,
        }
    }

    /// The same engine, but after each decision it waits for
    /// [`BftEngine::resume`] before starting the next height (messages for
    /// that height are kept meanwhile). For a driver whose
    /// [`BftApp::commit`] cannot store the block at once: the world's
    /// engine stores it through an effect and resumes once the node's tip
    /// has moved, so that proposals and the next validator set are read
    /// from the chain with the decided block on it.
    pub fn holding_after_commit(mut self) -> Self {
        self.hold_after_commit = true;
        self
    }

    /// Whether the engine has decided a height and waits for
    /// [`BftEngine::resume`].
    pub fn is_held(&self) -> bool {
        self.held
    }

    /// Starts the height after the last decision (if the engine is held):
    /// reads the validators from the app, starts round 0 and replays the
    /// messages kept for this height.
    pub fn resume(&mut self, app: &mut impl BftApp) -> Vec<Output> {
        let mut out = Vec::new();
        if self.held {
            self.held = false;
            self.validators = app.validators();
            self.schedule_gossip(&mut out);
            self.start_round(app, 0, &mut out);
            for m in std::mem::take(&mut self.future) {
                self.receive(app, m, &mut out);
            }
            self.progress(app, &mut out);
        }
        self.filter(out)
    }

    /// Starts again after the driver lost this engine's pending timeouts
    /// (the node was down): keeps heights, rounds and locks, sends this
    /// round's own messages again and schedules the timeouts the current
    /// step needs. Starts the engine if it never started.
    pub fn restart(&mut self, app: &mut impl BftApp) -> Vec<Output> {
        if !self.started {
            return self.start(app);
        }
        let mut out = Vec::new();
        if !self.held {
            self.prevote_timeout_set.clear();
            self.precommit_timeout_set.clear();
            self.gossip(&mut out);
            if self.step == Step::Propose {
                out.push(Output::Schedule {
                    timeout: Timeout {
                        kind: TimeoutKind::Propose,
                        height: self.height,
                        round: self.round,
                    },
                    after_ms: self.config.timeout_ms(TimeoutKind::Propose, self.round),
                });
            }
            self.progress(app, &mut out);
        }
        self.filter(out)
    }

    /// Appends the engine's whole state in a canonical byte encoding (for a
    /// state digest): height, round, step, flags, lock, valid block,
    /// validators, blocks seen, proposals, votes, validity verdicts,
    /// senders per round, timeouts set, messages kept for later and the
    /// decided blocks' hashes, each map in key order.
    pub fn encode_state(&self, out: &mut Vec<u8>) {
        fn put_round_hash(out: &mut Vec<u8>, v: Option<(u32, BlockHash)>) {
            match v {
                None => out.push(0),
                Some((r, h)) => {
                    out.push(1);
                    r.encode_to(out);
                    h.encode_to(out);
                }
            }
        }
        fn put_rounds(out: &mut Vec<u8>, rounds: &BTreeSet<u32>) {
            put_len(out, rounds.len());
            for r in rounds {
                r.encode_to(out);
            }
        }
        self.height.encode_to(out);
        self.round.encode_to(out);
        out.push(match self.step {
            Step::Propose => 0,
            Step::Prevote => 1,
            Step::Precommit => 2,
        });
        out.push(u8::from(self.started));
        out.push(u8::from(self.held));
        out.push(match self.behaviour {
            Behaviour::Honest => 0,
            Behaviour::Silent => 1,
            Behaviour::Equivocating => 2,
        });
        put_round_hash(out, self.locked);
        put_round_hash(out, self.valid);
        put_list(out, self.validators.keys());
        put_len(out, self.blocks.len());
        for h in self.blocks.keys() {
            h.encode_to(out);
        }
        put_len(out, self.proposals.len());
        for (r, p) in &self.proposals {
            r.encode_to(out);
            p.proposal.encode_to(out);
        }
        put_len(out, self.votes.len());
        for ((r, kind), by) in &self.votes {
            r.encode_to(out);
            out.push(kind.tag());
            put_len(out, by.len());
            for (k, vs) in by {
                k.encode_to(out);
                put_list(out, vs);
            }
        }
        put_len(out, self.validity.len());
        for (h, ok) in &self.validity {
            h.encode_to(out);
            out.push(u8::from(*ok));
        }
        put_len(out, self.seen_in_round.len());
        for (r, who) in &self.seen_in_round {
            r.encode_to(out);
            put_len(out, who.len());
            for k in who {
                k.encode_to(out);
            }
        }
        put_rounds(out, &self.prevote_timeout_set);
        put_rounds(out, &self.precommit_timeout_set);
        put_rounds(out, &self.polka_acted);
        put_list(out, &self.future);
        put_len(out, self.decided.len());
        for (h, b) in &self.decided {
            h.encode_to(out);
            b.hash().encode_to(out);
        }
    }

    /// The height being decided.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// The current round.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// The current step.
    pub fn step(&self) -> Step {
        self.step
    }

    /// The lock: the round and block this validator precommitted last.
    pub fn locked(&self) -> Option<(u32, BlockHash)> {
        self.locked
    }

    /// The valid value: the round and block of the latest polka seen.
    pub fn valid(&self) -> Option<(u32, BlockHash)> {
        self.valid
    }

    /// Whether the current height is decided and the engine waits for the
    /// next one.
    pub fn is_decided(&self) -> bool {
        self.held
    }

    /// The rounds of the current height something was heard in (proposals,
    /// votes, senders), in order: what a view draws one row for.
    pub fn rounds_seen(&self) -> Vec<u32> {
        let mut rounds: BTreeSet<u32> = self.proposals.keys().copied().collect();
        rounds.extend(self.votes.keys().map(|(r, _)| *r));
        rounds.extend(self.seen_in_round.keys().copied());
        rounds.insert(self.round);
        rounds.into_iter().collect()
    }

    /// The first valid proposal of `round` at the current height.
    pub fn proposal(&self, round: u32) -> Option<&SignedProposal> {
        self.proposals.get(&round)
    }

    /// The votes of `kind` held for `round` at the current height, by
    /// validator (more than one vote from a validator is equivocation).
    pub fn votes(&self, round: u32, kind: VoteKind) -> Vec<(PublicKey, Vec<SignedVote>)> {
        self.votes
            .get(&(round, kind))
            .map(|by| by.iter().map(|(k, v)| (*k, v.clone())).collect())
            .unwrap_or_default()
    }

    /// How this validator behaves.
    pub fn behaviour(&self) -> Behaviour {
        self.behaviour
    }

    /// Makes this validator honest, silent or equivocating from now on.
    pub fn set_behaviour(&mut self, behaviour: Behaviour) {
        self.behaviour = behaviour;
    }

    /// The validators of the current height.
    pub fn validators(&self) -> &ValidatorSet {
        &self.validators
    }

    /// This validator's key, if it has one.
    pub fn public_key(&self) -> Option<PublicKey> {
        self.key.as_ref().map(Keypair::public)
    }

    /// Starts round 0 of the current height (call once).
    pub fn start(&mut self, app: &mut impl BftApp) -> Vec<Output> {
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            self.schedule_gossip(&mut out);
            self.start_round(app, 0, &mut out);
            self.progress(app, &mut out);
        }
        self.filter(out)
    }

    /// Handles a message from another validator.
    pub fn on_message(&mut self, app: &mut impl BftApp, message: Message) -> Vec<Output> {
        let mut out = Vec::new();
        self.receive(app, message, &mut out);
        self.progress(app, &mut out);
        self.filter(out)
    }

    /// Handles a timeout scheduled earlier.
    pub fn on_timeout(&mut self, app: &mut impl BftApp, timeout: Timeout) -> Vec<Output> {
        let mut out = Vec::new();
        if self.held {
            // Timeouts belong to the height just decided.
        } else if timeout.kind == TimeoutKind::Gossip && timeout.height == self.height {
            self.gossip(&mut out);
        } else if timeout.height == self.height && timeout.round == self.round {
            match (timeout.kind, self.step) {
                (TimeoutKind::Propose, Step::Propose) => {
                    self.vote(VoteKind::Prevote, None, &mut out);
                    self.step = Step::Prevote;
                }
                (TimeoutKind::Prevote, Step::Prevote) => {
                    self.vote(VoteKind::Precommit, None, &mut out);
                    self.step = Step::Precommit;
                }
                (TimeoutKind::Precommit, _) => {
                    self.start_round(app, self.round.saturating_add(1), &mut out);
                }
                _ => {}
            }
        }
        self.progress(app, &mut out);
        self.filter(out)
    }

    /// Sends this round's own proposal and votes again, and the last
    /// decided block (for validators still at the height before), then
    /// schedules the next gossip.
    fn gossip(&mut self, out: &mut Vec<Output>) {
        if let Some(me) = self.public_key() {
            if let Some(p) = self.proposals.get(&self.round)
                && p.proposer == me
            {
                out.push(Output::Broadcast(Message::Proposal(p.clone())));
            }
            for kind in [VoteKind::Prevote, VoteKind::Precommit] {
                let mine = self
                    .votes
                    .get(&(self.round, kind))
                    .and_then(|by| by.get(&me))
                    .and_then(|vs| vs.first());
                if let Some(v) = mine {
                    out.push(Output::Broadcast(Message::Vote(*v)));
                }
            }
        }
        self.schedule_gossip(out);
    }

    fn schedule_gossip(&self, out: &mut Vec<Output>) {
        out.push(Output::Schedule {
            timeout: Timeout {
                kind: TimeoutKind::Gossip,
                height: self.height,
                round: self.round,
            },
            after_ms: self.config.timeout_ms(TimeoutKind::Gossip, self.round),
        });
    }

    /// A silent validator sends nothing (it still follows decisions).
    fn filter(&self, out: Vec<Output>) -> Vec<Output> {
        if self.behaviour == Behaviour::Silent {
            out.into_iter()
                .filter(|o| {
                    !matches!(
                        o,
                        Output::Broadcast(_) | Output::Send { .. } | Output::Schedule { .. }
                    )
                })
                .collect()
        } else {
            out
        }
    }

    fn is_validator(&self) -> bool {
        self.key
            .as_ref()
            .is_some_and(|k| self.validators.contains(&k.public()))
    }

    fn proposer(&self, round: u32) -> Option<PublicKey> {
        self.validators.proposer(self.height, round).copied()
    }

    fn start_round(&mut self, app: &mut impl BftApp, round: u32, out: &mut Vec<Output>) {
        self.round = round;
        self.step = Step::Propose;
        let me = self.public_key();
        if me.is_some() && me == self.proposer(round) && self.is_validator() {
            let (block, pol_round) = match self
                .valid
                .and_then(|(r, h)| self.blocks.get(&h).map(|b| (Arc::clone(b), Some(r))))
            {
                Some(v) => v,
                None => (Arc::new(app.propose(self.height, round)), None),
            };
            self.propose(block, pol_round, out);
        } else {
            out.push(Output::Schedule {
                timeout: Timeout {
                    kind: TimeoutKind::Propose,
                    height: self.height,
                    round,
                },
                after_ms: self.config.timeout_ms(TimeoutKind::Propose, round),
            });
        }
    }

    fn propose(&mut self, block: Arc<Block>, pol_round: Option<u32>, out: &mut Vec<Output>) {
        let Some(key) = self.key.clone() else {
            return;
        };
        let proposal = |b: &Block| Proposal {
            chain_id: self.config.chain_id,
            height: self.height,
            round: self.round,
            block: b.hash(),
            pol_round,
        };
        let pol_votes = match pol_round {
            Some(vr) => self.prevotes_for(vr, block.hash()),
            None => Vec::new(),
        };
        let first = SignedProposal::new(&key, proposal(&block), Arc::clone(&block), pol_votes);
        if self.behaviour == Behaviour::Equivocating {
            // A second block that differs only in its time: same parent,
            // same transactions, another hash.
            let mut other = Block::clone(&block);
            other.header.timestamp_ms = other.header.timestamp_ms.saturating_add(1);
            let other = Arc::new(other);
            let second =
                SignedProposal::new(&key, proposal(&other), Arc::clone(&other), Vec::new());
            self.blocks.insert(other.hash(), other);
            self.split_send(
                Message::Proposal(first.clone()),
                Message::Proposal(second),
                out,
            );
        } else {
            out.push(Output::Broadcast(Message::Proposal(first.clone())));
        }
        self.accept_proposal(first, out);
    }

    /// Sends `a` to one half of the other validators and `b` to the other.
    fn split_send(&self, a: Message, b: Message, out: &mut Vec<Output>) {
        let me = self.public_key();
        let others = self
            .validators
            .keys()
            .iter()
            .filter(|k| Some(**k) != me)
            .copied();
        for (i, to) in others.enumerate() {
            let message = if i % 2 == 0 { a.clone() } else { b.clone() };
            out.push(Output::Send { to, message });
        }
    }

    fn vote(&mut self, kind: VoteKind, block: Option<BlockHash>, out: &mut Vec<Output>) {
        let Some(key) = self.key.clone() else {
            return;
        };
        if !self.validators.contains(&key.public()) {
            return;
        }
        let vote = Vote {
            chain_id: self.config.chain_id,
            kind,
            height: self.height,
            round: self.round,
            block,
        };
        let signed = vote.sign(&key);
        if self.behaviour == Behaviour::Equivocating {
            // The conflicting vote: another block seen at this height, or
            // nil when voting for a block and no other is known.
            let other = self.blocks.keys().copied().find(|h| Some(*h) != block);
            let conflicting = Vote {
                block: other,
                ..vote
            }
            .sign(&key);
            if conflicting.vote.block != block {
                self.split_send(Message::Vote(signed), Message::Vote(conflicting), out);
            } else {
                out.push(Output::Broadcast(Message::Vote(signed)));
            }
        } else {
            out.push(Output::Broadcast(Message::Vote(signed)));
        }
        self.add_vote(signed, out);
    }

    fn receive(&mut self, app: &mut impl BftApp, message: Message, out: &mut Vec<Output>) {
        let height = message.height();
        if height < self.height {
            // A node behind us: send it the block it is missing.
            if let (Some(to), Some(block)) = (message.sender(), self.decided.get(&height)) {
                out.push(Output::Send {
                    to: *to,
                    message: Message::Decided {
                        block: Arc::clone(block),
                    },
                });
            }
            return;
        }
        if self.held {
            // Decided the height before; the driver has not resumed yet.
            if height == self.height && self.future.len() < MAX_FUTURE {
                self.future.push(message);
            }
            return;
        }
        if height > self.height {
            if height == self.height.saturating_add(1) && self.future.len() < MAX_FUTURE {
                self.future.push(message);
            }
            return;
        }
        match message {
            Message::Proposal(p) => {
                if p.proposal.chain_id != self.config.chain_id
                    || Some(p.proposer) != self.proposer(p.proposal.round)
                    || !p.verify()
                {
                    return;
                }
                self.note_sender(p.proposal.round, p.proposer);
                if let Some(vr) = p.proposal.pol_round {
                    for v in &p.pol_votes {
                        let ok = v.vote.chain_id == self.config.chain_id
                            && v.vote.kind == VoteKind::Prevote
                            && v.vote.height == self.height
                            && v.vote.round == vr
                            && v.vote.block == Some(p.proposal.block)
                            && self.validators.contains(&v.validator)
                            && v.verify();
                        if ok {
                            self.add_vote(*v, out);
                        }
                    }
                }
                self.accept_proposal(p, out);
            }
            Message::Vote(v) => {
                if v.vote.chain_id != self.config.chain_id
                    || !self.validators.contains(&v.validator)
                    || !v.verify()
                {
                    return;
                }
                self.note_sender(v.vote.round, v.validator);
                self.add_vote(v, out);
            }
            Message::Decided { block } => self.on_decided(app, block, out),
        }
    }

    fn note_sender(&mut self, round: u32, who: PublicKey) {
        self.seen_in_round.entry(round).or_default().insert(who);
    }

    fn accept_proposal(&mut self, p: SignedProposal, out: &mut Vec<Output>) {
        let round = p.proposal.round;
        self.blocks.insert(p.proposal.block, Arc::clone(&p.block));
        match self.proposals.get(&round) {
            None => {
                self.proposals.insert(round, p);
            }
            Some(first) if first.proposal.block != p.proposal.block => {
                out.push(Output::Evidence(Evidence::DoubleProposal {
                    proposer: p.proposer.address(),
                    height: p.proposal.height,
                    round,
                    first: first.proposal.block,
                    second: p.proposal.block,
                }));
            }
            Some(_) => {}
        }
    }

    fn add_vote(&mut self, v: SignedVote, out: &mut Vec<Output>) {
        let votes = self
            .votes
            .entry((v.vote.round, v.vote.kind))
            .or_default()
            .entry(v.validator)
            .or_default();
        if votes.iter().any(|x| x.vote == v.vote) {
            return;
        }
        if let Some(first) = votes.first() {
            out.push(Output::Evidence(Evidence::DoubleVote {
                first: Box::new(*first),
                second: Box::new(v),
            }));
        }
        votes.push(v);
    }

    /// The prevotes for `block` in `round` (a polka, when 2f+1).
    fn prevotes_for(&self, round: u32, block: BlockHash) -> Vec<SignedVote> {
        self.votes
            .get(&(round, VoteKind::Prevote))
            .map(|by| {
                by.values()
                    .filter_map(|vs| vs.iter().find(|v| v.vote.block == Some(block)).copied())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Validators with a vote of `kind` in `round` for `block` (any block
    /// and nil when `block` is `None` and `any` is true).
    fn count(&self, round: u32, kind: VoteKind, block: Option<BlockHash>, any: bool) -> usize {
        self.votes.get(&(round, kind)).map_or(0, |by| {
            by.values()
                .filter(|vs| any || vs.iter().any(|v| v.vote.block == block))
                .count()
        })
    }

    fn polka(&self, round: u32, block: BlockHash) -> bool {
        self.count(round, VoteKind::Prevote, Some(block), false) >= self.validators.quorum()
    }

    fn is_valid(&mut self, app: &mut impl BftApp, hash: BlockHash) -> bool {
        if let Some(v) = self.validity.get(&hash) {
            return *v;
        }
        let ok = self
            .blocks
            .get(&hash)
            .is_some_and(|b| b.height() == self.height && app.validate(b));
        self.validity.insert(hash, ok);
        ok
    }

    /// Applies the protocol's rules until none fires.
    fn progress(&mut self, app: &mut impl BftApp, out: &mut Vec<Output>) {
        // Each pass either changes the step, round or height, or stops;
        // the bound only guards against a bug looping forever.
        for _ in 0..1_000 {
            if !self.started || self.held || !self.step_once(app, out) {
                return;
            }
        }
    }

    // ANCHOR: step_once
    fn step_once(&mut self, app: &mut impl BftApp, out: &mut Vec<Output>) -> bool {
        let q = self.validators.quorum();
        let round = self.round;
        // Decide: a proposal and 2f+1 precommits for it, in any round.
        let decisions: Vec<(u32, BlockHash)> = self
            .votes
            .iter()
            .filter(|((_, kind), _)| *kind == VoteKind::Precommit)
            .flat_map(|((r, _), by)| {
                let mut hashes: BTreeSet<BlockHash> = BTreeSet::new();
                for v in by.values().flatten() {
                    if let Some(h) = v.vote.block {
                        hashes.insert(h);
                    }
                }
                hashes.into_iter().map(move |h| (*r, h))
            })
            .collect();
        for (r, h) in decisions {
            if self.count(r, VoteKind::Precommit, Some(h), false) >= q
                && self.blocks.contains_key(&h)
                && self.is_valid(app, h)
            {
                self.decide(app, r, h, out);
                return true;
            }
        }
        // Round skip: f+1 validators are already in a later round.
        let skip = self
            .seen_in_round
            .iter()
            .filter(|(r, who)| **r > round && who.len() > self.validators.max_faulty())
            .map(|(r, _)| *r)
            .max();
        if let Some(r) = skip {
            self.start_round(app, r, out);
            return true;
        }
        let proposal = self
            .proposals
            .get(&round)
            .map(|p| (p.proposal.block, p.proposal.pol_round));
        if self.step == Step::Propose
            && let Some((v, pol)) = proposal
        {
            match pol {
                None => {
                    let ok = self.is_valid(app, v) && self.locked.is_none_or(|(_, l)| l == v);
                    self.vote(VoteKind::Prevote, ok.then_some(v), out);
                    self.step = Step::Prevote;
                    return true;
                }
                Some(vr) if vr < round && self.polka(vr, v) => {
                    let ok = self.is_valid(app, v)
                        && self.locked.is_none_or(|(lr, l)| lr <= vr || l == v);
                    self.vote(VoteKind::Prevote, ok.then_some(v), out);
                    self.step = Step::Prevote;
                    return true;
                }
                Some(_) => {}
            }
        }
        if self.step == Step::Prevote
            && self.count(round, VoteKind::Prevote, None, true) >= q
            && self.prevote_timeout_set.insert(round)
        {
            out.push(Output::Schedule {
                timeout: Timeout {
                    kind: TimeoutKind::Prevote,
                    height: self.height,
                    round,
                },
                after_ms: self.config.timeout_ms(TimeoutKind::Prevote, round),
            });
        }
        if let Some((v, _)) = proposal
            && self.step >= Step::Prevote
            && !self.polka_acted.contains(&round)
            && self.polka(round, v)
            && self.is_valid(app, v)
        {
            self.polka_acted.insert(round);
            self.valid = Some((round, v));
            if self.step == Step::Prevote {
                self.locked = Some((round, v));
                self.vote(VoteKind::Precommit, Some(v), out);
                self.step = Step::Precommit;
            }
            return true;
        }
        if self.step == Step::Prevote && self.count(round, VoteKind::Prevote, None, false) >= q {
            self.vote(VoteKind::Precommit, None, out);
            self.step = Step::Precommit;
            return true;
        }
        if self.count(round, VoteKind::Precommit, None, true) >= q
            && self.precommit_timeout_set.insert(round)
        {
            out.push(Output::Schedule {
                timeout: Timeout {
                    kind: TimeoutKind::Precommit,
                    height: self.height,
                    round,
                },
                after_ms: self.config.timeout_ms(TimeoutKind::Precommit, round),
            });
        }
        false
    }
    // ANCHOR_END: step_once

    /// The certificate for `block` from the precommits of `round`.
    fn certificate(&self, round: u32, block: BlockHash) -> CommitCertificate {
        let precommits = self
            .votes
            .get(&(round, VoteKind::Precommit))
            .map(|by| {
                by.iter()
                    .filter_map(|(k, vs)| {
                        vs.iter()
                            .find(|v| v.vote.block == Some(block))
                            .map(|v| CommitSig {
                                validator: *k,
                                signature: v.signature,
                            })
                    })
                    .collect()
            })
            .unwrap_or_default();
        CommitCertificate {
            height: self.height,
            round,
            block,
            precommits,
        }
    }

    fn decide(
        &mut self,
        app: &mut impl BftApp,
        round: u32,
        hash: BlockHash,
        out: &mut Vec<Output>,
    ) {
        let Some(block) = self.blocks.get(&hash) else {
            return;
        };
        let mut sealed = Block::clone(block);
        sealed.seal = Seal::Commit(self.certificate(round, hash));
        let sealed = Arc::new(sealed);
        self.finish_height(app, round, sealed, out);
    }

    fn on_decided(&mut self, app: &mut impl BftApp, block: Arc<Block>, out: &mut Vec<Output>) {
        let hash = block.hash();
        let Seal::Commit(cert) = &block.seal else {
            return;
        };
        if cert
            .verify(self.config.chain_id, &self.validators, &hash, self.height)
            .is_err()
        {
            return;
        }
        // A precommit in the certificate that differs from one we saw
        // from the same validator in that round is a double vote.
        let vote = cert.vote(self.config.chain_id);
        for c in &cert.precommits {
            let seen = self
                .votes
                .get(&(cert.round, VoteKind::Precommit))
                .and_then(|by| by.get(&c.validator))
                .and_then(|vs| vs.iter().find(|v| v.vote.block != vote.block));
            if let Some(first) = seen {
                out.push(Output::Evidence(Evidence::DoubleVote {
                    first: Box::new(*first),
                    second: Box::new(SignedVote {
                        vote,
                        validator: c.validator,
                        signature: c.signature,
                    }),
                }));
            }
        }
        let round = cert.round;
        self.finish_height(app, round, block, out);
    }

    fn finish_height(
        &mut self,
        app: &mut impl BftApp,
        round: u32,
        block: Arc<Block>,
        out: &mut Vec<Output>,
    ) {
        let height = self.height;
        let hash = block.hash();
        app.commit(Arc::clone(&block));
        out.push(Output::Decided {
            height,
            round,
            block: hash,
        });
        out.push(Output::Broadcast(Message::Decided {
            block: Arc::clone(&block),
        }));
        self.decided.insert(height, block);
        self.height = height.saturating_add(1);
        self.locked = None;
        self.valid = None;
        self.blocks.clear();
        self.proposals.clear();
        self.votes.clear();
        self.validity.clear();
        self.seen_in_round.clear();
        self.prevote_timeout_set.clear();
        self.precommit_timeout_set.clear();
        self.polka_acted.clear();
        if self.hold_after_commit {
            self.held = true;
            return;
        }
        self.validators = app.validators();
        self.schedule_gossip(out);
        self.start_round(app, 0, out);
        for m in std::mem::take(&mut self.future) {
            self.receive(app, m, out);
        }
    }
}
