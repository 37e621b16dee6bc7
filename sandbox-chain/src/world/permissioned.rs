//! Permissioned chains in a world: the consortium from named keys, the
//! membership check on incoming transfers, governance changes that admins
//! propose and approve from their nodes' wallets, and block templates that
//! only carry what the membership allows.
//!
//! A governance change travels as a *proposal*: the change, the
//! consortium's next governance nonce as the proposing node sees it, and
//! the admins' approvals collected so far. Proposals are gossiped (each
//! node merges the approvals it did not have and passes the proposal on);
//! a node's block producer includes a proposal once its approvals make a
//! majority of the organisations ([`Membership::apply`] accepts it). When a
//! block with the change is on a node's chain, the proposal leaves its
//! pool.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::block::Block;
use crate::chain::Chain;
use crate::encode::Encode;
use crate::identity::{
    Approval, Change, Consortium, Governance, GovernanceError, Membership, Organisation, Role,
    SignedGovernance,
};
use crate::keys::{Keypair, PublicKey};
use crate::tx::Transaction;

use super::World;
use super::action::{ActionError, ActionOutcome};
use super::engine::{NodeCtx, NodeId};
use super::event::WorldEvent;
use super::net::Message;

/// One organisation of a world's consortium, by key names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationConfig {
    /// Names of its admin keys (they approve governance changes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admins: Vec<String>,
    /// Names of its consensus-node keys (they may be validators).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consensus_nodes: Vec<String>,
    /// Names of its client keys (they may send transactions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<String>,
}

/// A world's consortium: organisations by name. With one, the chain is
/// permissioned: only members' transfers are accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsortiumConfig {
    /// Organisations by name.
    pub organisations: BTreeMap<String, OrganisationConfig>,
}

impl ConsortiumConfig {
    /// The consortium with every name turned into its key.
    pub fn build(&self) -> Consortium {
        let organisations = self
            .organisations
            .iter()
            .map(|(name, o)| {
                let mut org = Organisation::default();
                for (names, role) in [
                    (&o.clients, Role::Client),
                    (&o.consensus_nodes, Role::ConsensusNode),
                    (&o.admins, Role::Admin),
                ] {
                    for n in names {
                        org.members.insert(Keypair::from_name(n).public(), role);
                    }
                }
                (name.clone(), org)
            })
            .collect();
        Consortium { organisations }
    }
}

/// A governance change with keys given by name, as actions write it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChangeSpec {
    /// A new organisation with its first admin.
    AddOrganisation {
        /// Its name.
        org: String,
        /// Its first admin's key name.
        admin: String,
    },
    /// Admits a key to an organisation with a role.
    AddMember {
        /// The organisation.
        org: String,
        /// The key's name.
        key: String,
        /// Its role.
        role: Role,
    },
    /// Removes a key from its organisation.
    RemoveMember {
        /// The key's name.
        key: String,
    },
    /// Makes a consensus node a validator.
    AddValidator {
        /// The key's name.
        key: String,
    },
    /// Removes a validator.
    RemoveValidator {
        /// The key's name.
        key: String,
    },
}

impl ChangeSpec {
    /// The change with keys.
    pub fn to_change(&self) -> Change {
        let k = |name: &str| Keypair::from_name(name).public();
        match self {
            ChangeSpec::AddOrganisation { org, admin } => Change::AddOrganisation {
                org: org.clone(),
                admin: k(admin),
            },
            ChangeSpec::AddMember { org, key, role } => Change::AddMember {
                org: org.clone(),
                key: k(key),
                role: *role,
            },
            ChangeSpec::RemoveMember { key } => Change::RemoveMember { key: k(key) },
            ChangeSpec::AddValidator { key } => Change::AddValidator { key: k(key) },
            ChangeSpec::RemoveValidator { key } => Change::RemoveValidator { key: k(key) },
        }
    }
}

/// Organisations approving a proposal under `m`, and the majority needed.
fn approving(m: &Membership, g: &SignedGovernance) -> (usize, usize) {
    let mut orgs: Vec<&str> = g
        .approvals
        .iter()
        .filter_map(|a| match m.member(&a.admin) {
            Some((org, Role::Admin)) => Some(org),
            _ => None,
        })
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let total = m.organisations().len();
    (orgs.len(), (total / 2).saturating_add(1))
}

/// Adds approvals of `from` missing in `into` (kept sorted by key, one
/// per key); whether any was added.
fn merge(into: &mut SignedGovernance, from: &[Approval]) -> bool {
    let mut added = false;
    for a in from {
        if let Err(i) = into.approvals.binary_search_by(|x| x.admin.cmp(&a.admin)) {
            into.approvals.insert(i, *a);
            added = true;
        }
    }
    added
}

impl NodeCtx<'_> {
    /// A block on the node's tip for a sealing engine (authority, BFT):
    /// the relays and transactions [`NodeCtx::block_template`] would pick,
    /// less those whose sender the membership does not admit, then the pending
    /// governance changes that a majority has approved, in order, as long
    /// as each applies. On a public chain, the plain template.
    pub fn sealing_template(&self) -> Block {
        let Some(members) = self.chain.membership() else {
            return self.block_template();
        };
        let max = self.chain.params().max_block_txs.saturating_sub(1) as usize;
        // Relays, then transfers, deploys and calls of members (a sender
        // the membership refuses is left out with all its transactions).
        let mut txs: Vec<Transaction> = self.relays.values().take(max).cloned().collect();
        let mut picked = self
            .pool
            .select_txs(self.chain.ledger(), max.saturating_sub(txs.len()));
        picked.retain(|t| {
            t.sender_nonce()
                .is_none_or(|(from, _)| members.check_sender(from).is_ok())
        });
        txs.extend(picked);
        let room = max.saturating_sub(txs.len());
        let mut block = self
            .chain
            .block_template_txs(self.address(), txs, self.now_ms);
        let mut after = members.clone();
        for g in self.governance.values().take(room) {
            if g.check_stateless(self.chain.params().chain_id).is_err() {
                continue;
            }
            if let Ok(next) = after.apply(g) {
                after = next;
                block.txs.push(Transaction::Governance(g.clone()));
            }
        }
        block.header.merkle_root = block.compute_merkle_root();
        block
    }
}

/// Whether `block` may be decided on top of `chain`'s tip: the checks a
/// node makes before voting for a proposal (everything but the seal, which
/// the decision adds): stateless rules, the ledger, and on a permissioned
/// chain the senders' membership and the governance changes.
pub(crate) fn acceptable(chain: &Chain, block: &Block) -> bool {
    let p = chain.params();
    if block.header.parent != chain.tip()
        || block.header.timestamp_ms <= chain.tip_block().header.timestamp_ms
        || block
            .check_stateless(p.chain_id, p.max_block_txs, false)
            .is_err()
        || block.apply(chain.ledger(), p.block_reward).is_err()
    {
        return false;
    }
    let Some(members) = chain.membership() else {
        return block.txs.iter().all(|t| t.as_governance().is_none());
    };
    let mut after: Option<Membership> = None;
    for tx in &block.txs {
        match tx {
            Transaction::Transfer(_) | Transaction::Deploy(_) | Transaction::Call(_) => {
                if let Some((from, _)) = tx.sender_nonce()
                    && members.check_sender(from).is_err()
                {
                    return false;
                }
            }
            Transaction::Governance(g) => match after.as_ref().unwrap_or(members).apply(g) {
                Ok(m) => after = Some(m),
                Err(_) => return false,
            },
            Transaction::Coinbase(_) | Transaction::Relay(_) => {}
        }
    }
    true
}

impl World {
    /// `propose_change` and `approve_change`: `admin` (a key in `node`'s
    /// wallet) approves `change` as the consortium's next change; a
    /// proposal must be new, an approval must find the proposal in the
    /// node's pool.
    pub(crate) fn approve_change(
        &mut self,
        node: NodeId,
        admin: &str,
        spec: &ChangeSpec,
        propose: bool,
    ) -> Result<ActionOutcome, ActionError> {
        let n = self.node_ref(node)?;
        let members = n
            .chain
            .membership()
            .ok_or(ActionError::Governance(GovernanceError::NotPermissioned))?;
        let key = n.wallet.get(admin).ok_or(ActionError::KeyNotInWallet {
            node,
            name: admin.to_owned(),
        })?;
        if !matches!(members.member(&key.public()), Some((_, Role::Admin))) {
            return Err(ActionError::Governance(GovernanceError::NotAnAdmin {
                key: key.address(),
            }));
        }
        let governance = Governance {
            chain_id: n.chain.params().chain_id,
            nonce: members.next_nonce(),
            change: spec.to_change(),
        };
        let id = governance.encode();
        let approval = governance.clone().approve(&[key]);
        let admin_address = key.address();
        let mut pending = match (n.governance.get(&id), propose) {
            (Some(_), true) => return Err(ActionError::AlreadyProposed { node }),
            (None, false) => return Err(ActionError::NoSuchProposal { node }),
            (Some(p), false) => p.clone(),
            (None, true) => SignedGovernance {
                governance,
                approvals: Vec::new(),
            },
        };
        if !merge(&mut pending, &approval.approvals) {
            return Err(ActionError::AlreadyApproved {
                node,
                admin: admin_address,
            });
        }
        let (orgs, needed) = approving(members, &pending);
        let change = pending.governance.change.clone();
        let shared = Arc::new(pending.clone());
        if let Some(n) = self.nodes.get_mut(node.index()) {
            n.governance.insert(id, pending);
        }
        self.log(WorldEvent::ChangeApproved {
            node,
            admin: admin_address,
            change,
            organisations: orgs,
            needed,
        });
        self.broadcast(node, &Message::Governance(shared), None);
        Ok(ActionOutcome::default())
    }

    /// A proposal arrived from a neighbour: merge its approvals (each
    /// checked) and pass it on if it taught this node anything.
    pub(crate) fn receive_governance(&mut self, node: NodeId, g: &SignedGovernance, from: NodeId) {
        let Some(n) = self.nodes.get_mut(node.index()) else {
            return;
        };
        let Some(members) = n.chain.membership() else {
            return;
        };
        if g.governance.nonce < members.next_nonce()
            || g.check_stateless(n.chain.params().chain_id).is_err()
        {
            return;
        }
        let admins: Vec<Approval> = g
            .approvals
            .iter()
            .filter(|a| matches!(members.member(&a.admin), Some((_, Role::Admin))))
            .copied()
            .collect();
        let id = g.governance.encode();
        let entry = n.governance.entry(id).or_insert_with(|| SignedGovernance {
            governance: g.governance.clone(),
            approvals: Vec::new(),
        });
        if merge(entry, &admins) {
            let shared = Arc::new(entry.clone());
            self.broadcast(node, &Message::Governance(shared), Some(from));
            self.run_engine(node, super::EngineInput::NewTransaction);
        }
    }

    /// After `node`'s tip moved: log the governance changes of the blocks
    /// put on its chain and forget proposals the chain has passed.
    pub(crate) fn governance_after_tip(
        &mut self,
        node: NodeId,
        connected: &[crate::hash::BlockHash],
    ) {
        let Some(n) = self.nodes.get_mut(node.index()) else {
            return;
        };
        let Some(next) = n.chain.membership().map(Membership::next_nonce) else {
            return;
        };
        n.governance.retain(|_, g| g.governance.nonce >= next);
        let applied: Vec<WorldEvent> = connected
            .iter()
            .filter_map(|h| n.chain.get(h))
            .flat_map(|b| {
                b.txs.iter().filter_map(move |t| {
                    t.as_governance().map(|g| WorldEvent::GovernanceApplied {
                        node,
                        height: b.height(),
                        change: g.governance.change.clone(),
                    })
                })
            })
            .collect();
        for e in applied {
            self.log(e);
        }
    }

    /// The membership of `node`'s chain after its tip (permissioned
    /// chains only).
    pub fn membership(&self, node: NodeId) -> Option<&Membership> {
        self.chain(node)?.membership()
    }

    /// Governance proposals waiting in `node`'s pool, in id order.
    pub fn pending_changes(&self, node: NodeId) -> Vec<&SignedGovernance> {
        self.nodes
            .get(node.index())
            .map(|n| n.governance.values().collect())
            .unwrap_or_default()
    }
}

/// The validator keys for an engine's list of names.
pub(crate) fn keys_of(names: &[String]) -> Vec<PublicKey> {
    names
        .iter()
        .map(|n| Keypair::from_name(n).public())
        .collect()
}
