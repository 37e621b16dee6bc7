//! Permissioned identity, as ChainMaker's `PermissionedWithKey` mode: a
//! consortium of organisations, each with admin, client and consensus-node
//! keys; only members may send transactions; membership and the validator
//! set change only through governance transactions approved by the admins of
//! a majority of the organisations.
//!
//! The membership is chain state: each block's governance transactions are
//! applied to the membership after its parent, and the result takes effect
//! from the next block (a transfer is checked against the membership after
//! its block's parent). [`Membership::root`] is one hash over all of it.
//!
//! A public chain has no consortium: anyone may send, and governance
//! transactions are refused.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::encode::{Decode, DecodeError, Encode, Reader, put_bytes, put_len, put_list};
use crate::hash::{Domain, StateRoot, tagged_hash};
use crate::keys::{Address, Keypair, PublicKey, Signature, SignedMessage, verify_batch};
use crate::tx::TxError;

/// The longest organisation name, in bytes.
pub const MAX_ORG_NAME_BYTES: u32 = 32;

/// The most approvals a governance transaction may carry.
pub const MAX_APPROVALS: u32 = 64;

/// The most validators a chain may have.
pub const MAX_VALIDATORS: u32 = 256;

/// What a member key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Approves governance changes for its organisation, and may transact.
    Admin,
    /// May send transactions.
    Client,
    /// May be a validator (and may transact).
    ConsensusNode,
}

impl Role {
    /// The tag of the role in the canonical encoding.
    pub const fn tag(self) -> u8 {
        match self {
            Role::Admin => 0,
            Role::Client => 1,
            Role::ConsensusNode => 2,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Admin => "admin",
            Role::Client => "client",
            Role::ConsensusNode => "consensus node",
        })
    }
}

impl Encode for Role {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.push(self.tag());
    }
}

impl Decode for Role {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        match r.u8("role")? {
            0 => Ok(Role::Admin),
            1 => Ok(Role::Client),
            2 => Ok(Role::ConsensusNode),
            tag => Err(DecodeError::UnknownTag {
                field: "role",
                tag,
                offset,
            }),
        }
    }
}

/// One organisation: its member keys and their roles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Every member key and its role.
    pub members: BTreeMap<PublicKey, Role>,
}

impl Organisation {
    /// The admins of the organisation.
    pub fn admins(&self) -> impl Iterator<Item = &PublicKey> {
        self.members
            .iter()
            .filter(|(_, r)| **r == Role::Admin)
            .map(|(k, _)| k)
    }
}

/// The organisations a permissioned chain starts with (in `ChainParams`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consortium {
    /// Organisations by name.
    pub organisations: BTreeMap<String, Organisation>,
}

/// Why a governance transaction is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GovernanceError {
    /// Governance on a public chain.
    #[error(
        "this chain is public (it has no consortium), so there is nobody to approve a governance change"
    )]
    NotPermissioned,
    /// The nonce is not the consortium's next governance nonce.
    #[error(
        "governance nonce {found} is wrong: the consortium's next governance change must carry {expected} (a replayed or skipped change?)"
    )]
    WrongNonce {
        /// The nonce expected.
        expected: u64,
        /// The nonce found.
        found: u64,
    },
    /// Approvals must be listed once each, in ascending key order.
    #[error(
        "approvals must be sorted by admin key with no key twice (approval {index} is out of order or repeated)"
    )]
    ApprovalsNotSorted {
        /// The position of the offending approval.
        index: usize,
    },
    /// An approval signature does not verify.
    #[error(
        "approval {index}: the signature does not match admin key {admin} (was the change edited after it was signed?)"
    )]
    BadApproval {
        /// Its position.
        index: usize,
        /// The key it claims.
        admin: Address,
    },
    /// An approval comes from a key that is not an admin.
    #[error(
        "{key} approved the change, but it is not an admin of any organisation of this consortium"
    )]
    NotAnAdmin {
        /// The approving key.
        key: Address,
    },
    /// Too few organisations approve.
    #[error(
        "the admins of {approving} of {total} organisations approved, but a change needs a majority: more than half, so at least {needed}"
    )]
    NoMajority {
        /// Organisations with at least one approving admin.
        approving: usize,
        /// All organisations.
        total: usize,
        /// The smallest majority.
        needed: usize,
    },
    /// The organisation exists already.
    #[error("organisation {org:?} already exists")]
    OrganisationExists {
        /// Its name.
        org: String,
    },
    /// No such organisation.
    #[error("there is no organisation {org:?} in this consortium")]
    NoSuchOrganisation {
        /// The name given.
        org: String,
    },
    /// The organisation name is empty, too long or has odd characters.
    #[error("{org:?} is not a valid organisation name: use 1 to 32 letters, digits, '-' or '_'")]
    BadOrganisationName {
        /// The name given.
        org: String,
    },
    /// The key already belongs to an organisation.
    #[error(
        "{key} is already a member of organisation {org:?}; a key belongs to one organisation only"
    )]
    AlreadyMember {
        /// The key.
        key: Address,
        /// Its organisation.
        org: String,
    },
    /// The key is not a member.
    #[error("{key} is not a member of any organisation of this consortium")]
    NotMember {
        /// The key.
        key: Address,
    },
    /// Removing the last admin would leave an organisation nobody can speak for.
    #[error(
        "{key} is the last admin of organisation {org:?}; add another admin before removing it"
    )]
    LastAdmin {
        /// The key.
        key: Address,
        /// Its organisation.
        org: String,
    },
    /// Removing a member that is still a validator.
    #[error("{key} is still a validator: remove it from the validator set first")]
    StillValidator {
        /// The key.
        key: Address,
    },
    /// Only consensus nodes may validate.
    #[error("{key} has role {role}, but only a consensus node may be a validator")]
    NotConsensusNode {
        /// The key.
        key: Address,
        /// Its role.
        role: Role,
    },
    /// Already a validator.
    #[error("{key} is already a validator")]
    AlreadyValidator {
        /// The key.
        key: Address,
    },
    /// Not a validator.
    #[error("{key} is not a validator")]
    NotValidator {
        /// The key.
        key: Address,
    },
    /// The validator set must not become empty (or too large).
    #[error("the validator set must keep between 1 and {max} validators")]
    ValidatorCount {
        /// The limit.
        max: u32,
    },
}

/// A change to the consortium.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A new organisation with its first admin.
    AddOrganisation {
        /// Its name.
        org: String,
        /// Its first admin.
        admin: PublicKey,
    },
    /// Admits a key to an organisation with a role.
    AddMember {
        /// The organisation.
        org: String,
        /// The key admitted.
        key: PublicKey,
        /// Its role.
        role: Role,
    },
    /// Removes a key from its organisation.
    RemoveMember {
        /// The key.
        key: PublicKey,
    },
    /// Makes a consensus node a validator (it joins the end of the rotation).
    AddValidator {
        /// The key.
        key: PublicKey,
    },
    /// Removes a validator.
    RemoveValidator {
        /// The key.
        key: PublicKey,
    },
}

const TAG_ADD_ORG: u8 = 0;
const TAG_ADD_MEMBER: u8 = 1;
const TAG_REMOVE_MEMBER: u8 = 2;
const TAG_ADD_VALIDATOR: u8 = 3;
const TAG_REMOVE_VALIDATOR: u8 = 4;

impl Encode for Change {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            Change::AddOrganisation { org, admin } => {
                out.push(TAG_ADD_ORG);
                put_bytes(out, org.as_bytes());
                admin.encode_to(out);
            }
            Change::AddMember { org, key, role } => {
                out.push(TAG_ADD_MEMBER);
                put_bytes(out, org.as_bytes());
                key.encode_to(out);
                role.encode_to(out);
            }
            Change::RemoveMember { key } => {
                out.push(TAG_REMOVE_MEMBER);
                key.encode_to(out);
            }
            Change::AddValidator { key } => {
                out.push(TAG_ADD_VALIDATOR);
                key.encode_to(out);
            }
            Change::RemoveValidator { key } => {
                out.push(TAG_REMOVE_VALIDATOR);
                key.encode_to(out);
            }
        }
    }
}

impl Decode for Change {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        match r.u8("governance change kind")? {
            TAG_ADD_ORG => Ok(Change::AddOrganisation {
                org: r.string("organisation", MAX_ORG_NAME_BYTES)?,
                admin: PublicKey::decode_from(r)?,
            }),
            TAG_ADD_MEMBER => Ok(Change::AddMember {
                org: r.string("organisation", MAX_ORG_NAME_BYTES)?,
                key: PublicKey::decode_from(r)?,
                role: Role::decode_from(r)?,
            }),
            TAG_REMOVE_MEMBER => Ok(Change::RemoveMember {
                key: PublicKey::decode_from(r)?,
            }),
            TAG_ADD_VALIDATOR => Ok(Change::AddValidator {
                key: PublicKey::decode_from(r)?,
            }),
            TAG_REMOVE_VALIDATOR => Ok(Change::RemoveValidator {
                key: PublicKey::decode_from(r)?,
            }),
            tag => Err(DecodeError::UnknownTag {
                field: "governance change kind",
                tag,
                offset,
            }),
        }
    }
}

/// What admins sign: a change, for one chain, as the consortium's
/// `nonce`-th change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// The chain it is valid on.
    pub chain_id: u32,
    /// The consortium's governance counter: 0 for the first change, then 1, ...
    pub nonce: u64,
    /// The change.
    pub change: Change,
}

impl Encode for Governance {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.chain_id.encode_to(out);
        self.nonce.encode_to(out);
        self.change.encode_to(out);
    }
}

impl Decode for Governance {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Governance {
            chain_id: r.u32("chain_id")?,
            nonce: r.u64("governance nonce")?,
            change: Change::decode_from(r)?,
        })
    }
}

/// One admin's approval of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The admin key.
    pub admin: PublicKey,
    /// Its signature over `"chainlab:governance:v1" || 0x00 || governance bytes`.
    pub signature: Signature,
}

impl Encode for Approval {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.admin.encode_to(out);
        self.signature.encode_to(out);
    }
}

impl Decode for Approval {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Approval {
            admin: PublicKey::decode_from(r)?,
            signature: Signature::decode_from(r)?,
        })
    }
}

/// A governance change with its approvals (sorted by admin key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedGovernance {
    /// The change as signed.
    pub governance: Governance,
    /// Admin approvals, ascending by key, one per key.
    pub approvals: Vec<Approval>,
}

impl Governance {
    /// The bytes each admin signs.
    pub fn signing_bytes(&self) -> Vec<u8> {
        self.encode()
    }

    /// Signs the change with every key in `admins` (sorted and deduplicated).
    pub fn approve(self, admins: &[&Keypair]) -> SignedGovernance {
        let bytes = self.signing_bytes();
        let mut approvals: Vec<Approval> = admins
            .iter()
            .map(|k| Approval {
                admin: k.public(),
                signature: k.sign(Domain::Governance, &bytes),
            })
            .collect();
        approvals.sort_by_key(|a| a.admin);
        approvals.dedup_by(|a, b| a.admin == b.admin);
        SignedGovernance {
            governance: self,
            approvals,
        }
    }
}

impl SignedGovernance {
    /// Every check that needs no chain state: chain id, form (names,
    /// approval order) and every approval signature.
    pub fn check_stateless(&self, chain_id: u32) -> Result<(), TxError> {
        if self.governance.chain_id != chain_id {
            return Err(TxError::WrongChain {
                expected: chain_id,
                found: self.governance.chain_id,
            });
        }
        self.check_form()?;
        Ok(self.verify_approvals()?)
    }

    /// Checks names and that approvals are sorted by key, one per key.
    pub fn check_form(&self) -> Result<(), GovernanceError> {
        if let Change::AddOrganisation { org, .. } | Change::AddMember { org, .. } =
            &self.governance.change
        {
            check_org_name(org)?;
        }
        if self.approvals.len() > MAX_APPROVALS as usize {
            return Err(GovernanceError::ApprovalsNotSorted {
                index: MAX_APPROVALS as usize,
            });
        }
        for (index, pair) in self.approvals.windows(2).enumerate() {
            if let [a, b] = pair
                && a.admin >= b.admin
            {
                return Err(GovernanceError::ApprovalsNotSorted {
                    index: index.saturating_add(1),
                });
            }
        }
        Ok(())
    }

    /// Verifies every approval signature (in one batch).
    pub fn verify_approvals(&self) -> Result<(), GovernanceError> {
        let bytes = self.governance.signing_bytes();
        let items: Vec<SignedMessage<'_>> = self
            .approvals
            .iter()
            .map(|a| SignedMessage {
                key: &a.admin,
                domain: Domain::Governance,
                message: &bytes,
                signature: &a.signature,
            })
            .collect();
        verify_batch(&items).map_err(|(index, _)| match self.approvals.get(index) {
            Some(a) => GovernanceError::BadApproval {
                index,
                admin: a.admin.address(),
            },
            None => GovernanceError::ApprovalsNotSorted { index },
        })
    }

    /// The signed items, for a block's signature batch.
    pub(crate) fn signed_items<'a>(&'a self, bytes: &'a [u8]) -> Vec<SignedMessage<'a>> {
        self.approvals
            .iter()
            .map(|a| SignedMessage {
                key: &a.admin,
                domain: Domain::Governance,
                message: bytes,
                signature: &a.signature,
            })
            .collect()
    }
}

impl Encode for SignedGovernance {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.governance.encode_to(out);
        put_list(out, &self.approvals);
    }
}

impl Decode for SignedGovernance {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SignedGovernance {
            governance: Governance::decode_from(r)?,
            approvals: r.list("approvals", MAX_APPROVALS)?,
        })
    }
}

fn check_org_name(org: &str) -> Result<(), GovernanceError> {
    let ok = !org.is_empty()
        && org.len() <= MAX_ORG_NAME_BYTES as usize
        && org
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(GovernanceError::BadOrganisationName {
            org: org.to_owned(),
        })
    }
}

/// The membership state of a permissioned chain: organisations, members,
/// the validator rotation and the governance counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    organisations: BTreeMap<String, Organisation>,
    validators: Vec<PublicKey>,
    nonce: u64,
}

impl Membership {
    /// The membership at genesis: the consortium's organisations and the
    /// consensus engine's starting validators (in rotation order).
    pub fn genesis(consortium: &Consortium, validators: &[PublicKey]) -> Self {
        Membership {
            organisations: consortium.organisations.clone(),
            validators: validators.to_vec(),
            nonce: 0,
        }
    }

    /// The organisations.
    pub fn organisations(&self) -> &BTreeMap<String, Organisation> {
        &self.organisations
    }

    /// The validators, in rotation order.
    pub fn validators(&self) -> &[PublicKey] {
        &self.validators
    }

    /// The nonce the next governance change must carry.
    pub fn next_nonce(&self) -> u64 {
        self.nonce
    }

    /// The organisation and role of `key`, if it is a member.
    pub fn member(&self, key: &PublicKey) -> Option<(&str, Role)> {
        self.organisations
            .iter()
            .find_map(|(name, org)| org.members.get(key).map(|r| (name.as_str(), *r)))
    }

    /// Whether `key` may send transactions (any member may).
    pub fn check_sender(&self, key: &PublicKey) -> Result<(), NotAMember> {
        match self.member(key) {
            Some(_) => Ok(()),
            None => Err(NotAMember {
                address: key.address(),
            }),
        }
    }

    /// Checks a governance change against this membership and returns the
    /// membership after it. Call [`SignedGovernance::check_stateless`]
    /// first: this does not re-verify signatures.
    pub fn apply(&self, tx: &SignedGovernance) -> Result<Membership, GovernanceError> {
        let g = &tx.governance;
        if g.nonce != self.nonce {
            return Err(GovernanceError::WrongNonce {
                expected: self.nonce,
                found: g.nonce,
            });
        }
        // ANCHOR: majority
        let mut approving: BTreeSet<&str> = BTreeSet::new();
        for a in &tx.approvals {
            match self.member(&a.admin) {
                Some((org, Role::Admin)) => {
                    approving.insert(org);
                }
                _ => {
                    return Err(GovernanceError::NotAnAdmin {
                        key: a.admin.address(),
                    });
                }
            }
        }
        let total = self.organisations.len();
        let needed = (total / 2).saturating_add(1);
        if approving.len() < needed {
            return Err(GovernanceError::NoMajority {
                approving: approving.len(),
                total,
                needed,
            });
        }
        // ANCHOR_END: majority
        let mut next = self.clone();
        match &g.change {
            Change::AddOrganisation { org, admin } => {
                check_org_name(org)?;
                if self.organisations.contains_key(org) {
                    return Err(GovernanceError::OrganisationExists { org: org.clone() });
                }
                self.check_not_member(admin)?;
                let mut o = Organisation::default();
                o.members.insert(*admin, Role::Admin);
                next.organisations.insert(org.clone(), o);
            }
            Change::AddMember { org, key, role } => {
                self.check_not_member(key)?;
                let o = next
                    .organisations
                    .get_mut(org)
                    .ok_or_else(|| GovernanceError::NoSuchOrganisation { org: org.clone() })?;
                o.members.insert(*key, *role);
            }
            Change::RemoveMember { key } => {
                let (org, role) = self
                    .member(key)
                    .ok_or(GovernanceError::NotMember { key: key.address() })?;
                if self.validators.contains(key) {
                    return Err(GovernanceError::StillValidator { key: key.address() });
                }
                let org = org.to_owned();
                if let Some(o) = next.organisations.get_mut(&org) {
                    if role == Role::Admin && o.admins().count() <= 1 {
                        return Err(GovernanceError::LastAdmin {
                            key: key.address(),
                            org,
                        });
                    }
                    o.members.remove(key);
                }
            }
            Change::AddValidator { key } => {
                match self.member(key) {
                    None => return Err(GovernanceError::NotMember { key: key.address() }),
                    Some((_, Role::ConsensusNode)) => {}
                    Some((_, role)) => {
                        return Err(GovernanceError::NotConsensusNode {
                            key: key.address(),
                            role,
                        });
                    }
                }
                if self.validators.contains(key) {
                    return Err(GovernanceError::AlreadyValidator { key: key.address() });
                }
                if self.validators.len() >= MAX_VALIDATORS as usize {
                    return Err(GovernanceError::ValidatorCount {
                        max: MAX_VALIDATORS,
                    });
                }
                next.validators.push(*key);
            }
            Change::RemoveValidator { key } => {
                if !self.validators.contains(key) {
                    return Err(GovernanceError::NotValidator { key: key.address() });
                }
                if self.validators.len() <= 1 {
                    return Err(GovernanceError::ValidatorCount {
                        max: MAX_VALIDATORS,
                    });
                }
                next.validators.retain(|v| v != key);
            }
        }
        next.nonce = self.nonce.saturating_add(1);
        Ok(next)
    }

    fn check_not_member(&self, key: &PublicKey) -> Result<(), GovernanceError> {
        match self.member(key) {
            Some((org, _)) => Err(GovernanceError::AlreadyMember {
                key: key.address(),
                org: org.to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// One hash over the whole membership:
    /// `tagged_hash("chainlab:membership-state:v1", nonce u64 || count u32 ||
    /// (name || count u32 || (key || role u8)*)* || count u32 || key*)`,
    /// organisations by name, members by key, validators in rotation order.
    pub fn root(&self) -> StateRoot {
        let mut bytes = Vec::new();
        self.nonce.encode_to(&mut bytes);
        put_len(&mut bytes, self.organisations.len());
        for (name, org) in &self.organisations {
            put_bytes(&mut bytes, name.as_bytes());
            put_len(&mut bytes, org.members.len());
            for (key, role) in &org.members {
                key.encode_to(&mut bytes);
                role.encode_to(&mut bytes);
            }
        }
        put_list(&mut bytes, &self.validators);
        StateRoot::from_hash(tagged_hash(Domain::MembershipState, &bytes))
    }
}

/// A transaction from a key outside the consortium.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("this key is not a member of any organisation of this consortium ({address})")]
pub struct NotAMember {
    /// The sender's address.
    pub address: Address,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Keypair {
        Keypair::from_name(name)
    }

    fn consortium() -> Membership {
        let mut orgs = BTreeMap::new();
        for (org, admin, node) in [
            ("org1", "admin1", "node1"),
            ("org2", "admin2", "node2"),
            ("org3", "admin3", "node3"),
        ] {
            let mut o = Organisation::default();
            o.members.insert(key(admin).public(), Role::Admin);
            o.members.insert(key(node).public(), Role::ConsensusNode);
            orgs.insert(org.to_owned(), o);
        }
        let validators: Vec<PublicKey> = ["node1", "node2", "node3"]
            .iter()
            .map(|n| key(n).public())
            .collect();
        Membership::genesis(
            &Consortium {
                organisations: orgs,
            },
            &validators,
        )
    }

    fn change(nonce: u64, change: Change, admins: &[&str]) -> SignedGovernance {
        let keys: Vec<Keypair> = admins.iter().map(|a| key(a)).collect();
        let refs: Vec<&Keypair> = keys.iter().collect();
        Governance {
            chain_id: 1,
            nonce,
            change,
        }
        .approve(&refs)
    }

    #[test]
    fn outsiders_cannot_send_and_messages_say_why() {
        let m = consortium();
        assert!(m.check_sender(&key("admin1").public()).is_ok());
        let e = m.check_sender(&key("mallory").public()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("this key is not a member of any organisation of this consortium")
        );
    }

    #[test]
    fn a_majority_of_organisations_admits_a_member() {
        let m = consortium();
        let admit = Change::AddMember {
            org: "org1".into(),
            key: key("dave").public(),
            role: Role::Client,
        };
        // One organisation of three is not a majority.
        let one = change(0, admit.clone(), &["admin1"]);
        one.check_stateless(1).unwrap();
        assert_eq!(
            m.apply(&one),
            Err(GovernanceError::NoMajority {
                approving: 1,
                total: 3,
                needed: 2
            })
        );
        let two = change(0, admit, &["admin1", "admin3"]);
        two.check_stateless(1).unwrap();
        let after = m.apply(&two).unwrap();
        assert_eq!(
            after.member(&key("dave").public()),
            Some(("org1", Role::Client))
        );
        assert_eq!(after.next_nonce(), 1);
        assert_ne!(after.root(), m.root());
        // Replaying the same approved change fails on the nonce.
        assert!(matches!(
            after.apply(&two),
            Err(GovernanceError::WrongNonce {
                expected: 1,
                found: 0
            })
        ));
    }

    #[test]
    fn non_admins_and_forged_approvals_are_refused() {
        let m = consortium();
        let c = Change::RemoveValidator {
            key: key("node3").public(),
        };
        let by_node = change(0, c.clone(), &["node1", "admin2"]);
        assert!(matches!(
            m.apply(&by_node),
            Err(GovernanceError::NotAnAdmin { .. })
        ));
        let mut forged = change(0, c, &["admin1", "admin2"]);
        forged.governance.change = Change::RemoveValidator {
            key: key("node1").public(),
        };
        assert!(matches!(
            forged.check_stateless(1),
            Err(TxError::Governance(GovernanceError::BadApproval { .. }))
        ));
    }

    #[test]
    fn validator_changes_follow_the_rules() {
        let m = consortium();
        let add_client = change(
            0,
            Change::AddValidator {
                key: key("admin1").public(),
            },
            &["admin1", "admin2"],
        );
        assert!(matches!(
            m.apply(&add_client),
            Err(GovernanceError::NotConsensusNode {
                role: Role::Admin,
                ..
            })
        ));
        let remove = change(
            0,
            Change::RemoveValidator {
                key: key("node3").public(),
            },
            &["admin1", "admin2"],
        );
        let after = m.apply(&remove).unwrap();
        assert_eq!(after.validators().len(), 2);
        let remove_member = change(
            1,
            Change::RemoveMember {
                key: key("node2").public(),
            },
            &["admin1", "admin2"],
        );
        assert!(matches!(
            after.apply(&remove_member),
            Err(GovernanceError::StillValidator { .. })
        ));
    }

    #[test]
    fn governance_round_trips_through_its_encoding() {
        let g = change(
            7,
            Change::AddMember {
                org: "org2".into(),
                key: key("erin").public(),
                role: Role::ConsensusNode,
            },
            &["admin2", "admin1"],
        );
        let bytes = g.encode();
        assert_eq!(SignedGovernance::decode(&bytes), Ok(g.clone()));
        // chain_id 4 | nonce 8 | tag 1 | "org2" 4+4 | key 32 | role 1 | count 4 | 2 * 96
        assert_eq!(bytes.len(), 4 + 8 + 1 + 8 + 32 + 1 + 4 + 2 * 96);
        assert_eq!(&bytes[12..21], &[1, 0, 0, 0, 4, b'o', b'r', b'g', b'2']);
    }
}
