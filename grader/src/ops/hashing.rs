//! Hashing operations: `tagged_hash`, `header_hash`, `address`.

use sandbox_chain::hash::{Domain, tagged_hash};
use sandbox_chain::keys::{Keypair, PublicKey};
use sandbox_chain::pow::{Header, Target};
use serde::{Deserialize, Serialize};

use super::{CaseClass, TypedOp, gen_header, shrink};
use crate::rng::CaseRng;

/// `tagged_hash(tag, data) = SHA-256(tag || 0x00 || data)` over the chain's tags.
pub(crate) struct TaggedHash;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TaggedInput {
    tag: String,
    #[serde(with = "hex::serde")]
    data: Vec<u8>,
}

fn domain(tag: &str) -> Option<Domain> {
    Domain::ALL.into_iter().find(|d| d.tag() == tag)
}

impl TypedOp for TaggedHash {
    type Input = TaggedInput;
    type Output = String;
    const NAME: &'static str = "tagged_hash";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "empty",
            cases: 3,
            about: "no data bytes, only the tag",
        },
        CaseClass {
            name: "every_tag",
            cases: 9,
            about: "each of the chain's nine tags",
        },
        CaseClass {
            name: "random",
            cases: 20,
            about: "random tags and data",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/tagged_hash.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<TaggedInput> {
        let pick = |rng: &mut CaseRng| Domain::ALL[rng.below(Domain::ALL.len() as u64) as usize];
        let (d, data) = match class {
            "empty" => (pick(rng), Vec::new()),
            "every_tag" => {
                let len = rng.range_usize(1, 40);
                (Domain::ALL[index % Domain::ALL.len()], rng.vec(len))
            }
            "random" => {
                let len = rng.range_usize(0, 200);
                (pick(rng), rng.vec(len))
            }
            _ => return None,
        };
        Some(TaggedInput {
            tag: d.tag().to_string(),
            data,
        })
    }

    fn reference(input: &TaggedInput) -> String {
        match domain(&input.tag) {
            Some(d) => tagged_hash(d, &input.data).to_hex(),
            None => String::new(),
        }
    }

    fn valid(input: &TaggedInput) -> bool {
        domain(&input.tag).is_some()
    }

    fn shrink(input: &TaggedInput) -> Vec<TaggedInput> {
        shrink::bytes(&input.data)
            .into_iter()
            .map(|data| TaggedInput {
                tag: input.tag.clone(),
                data,
            })
            .collect()
    }
}

/// The block id: `tagged_hash("chainlab:header:v1", 124-byte encoding)`.
pub(crate) struct HeaderHash;

impl TypedOp for HeaderHash {
    type Input = Header;
    type Output = String;
    const NAME: &'static str = "header_hash";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "genesis_like",
            cases: 3,
            about: "height 0, all-zero parent, small nonce",
        },
        CaseClass {
            name: "edge",
            cases: 6,
            about: "largest values in every integer field, smallest and largest targets",
        },
        CaseClass {
            name: "random",
            cases: 20,
            about: "random headers",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/header_hash.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<Header> {
        let mut h = gen_header(rng);
        match class {
            "genesis_like" => {
                h.height = 0;
                h.parent = sandbox_chain::hash::BlockHash::ZERO;
                h.nonce = rng.below(4);
            }
            "edge" => match index % 3 {
                0 => {
                    h.chain_id = u32::MAX;
                    h.height = u64::MAX;
                    h.timestamp_ms = u64::MAX;
                    h.nonce = u64::MAX;
                    h.target = Target::MAX;
                }
                1 => {
                    h.nonce = 1 << rng.below(64);
                    h.target = Target::from_leading_zero_bits(255).ok()?;
                }
                _ => {
                    h.height = 1 << rng.below(64);
                    h.timestamp_ms = 0x0102_0304_0506_0708;
                }
            },
            "random" => {}
            _ => return None,
        }
        Some(h)
    }

    fn reference(input: &Header) -> String {
        input.hash().to_hex()
    }

    fn shrink(input: &Header) -> Vec<Header> {
        let mut out = Vec::new();
        let z = Header {
            chain_id: 0,
            height: 0,
            parent: sandbox_chain::hash::BlockHash::ZERO,
            merkle_root: sandbox_chain::hash::MerkleRoot::from_bytes([0; 32]),
            timestamp_ms: 0,
            target: Target::MAX,
            nonce: 0,
        };
        // Zero one field at a time, keeping the rest.
        let fields: [fn(&mut Header, &Header); 7] = [
            |h, z| h.chain_id = z.chain_id,
            |h, z| h.height = z.height,
            |h, z| h.parent = z.parent,
            |h, z| h.merkle_root = z.merkle_root,
            |h, z| h.timestamp_ms = z.timestamp_ms,
            |h, z| h.target = z.target,
            |h, z| h.nonce = z.nonce,
        ];
        for f in fields {
            let mut h = *input;
            f(&mut h, &z);
            if h != *input {
                out.push(h);
            }
        }
        for n in shrink::u64(input.nonce) {
            out.push(Header { nonce: n, ..*input });
        }
        out
    }
}

/// An address: the first 20 bytes of `tagged_hash("chainlab:address:v1", public key)`.
pub(crate) struct AddressOf;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyInput {
    #[serde(with = "hex::serde")]
    public_key: [u8; 32],
}

impl TypedOp for AddressOf {
    type Input = KeyInput;
    type Output = String;
    const NAME: &'static str = "address";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "named",
            cases: 4,
            about: "the classroom keys of alice, bob, carol and dave",
        },
        CaseClass {
            name: "random",
            cases: 16,
            about: "keys from random seeds",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/address.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<KeyInput> {
        let kp = match class {
            "named" => Keypair::from_name(["alice", "bob", "carol", "dave"][index % 4]),
            "random" => Keypair::from_seed(&rng.bytes()),
            _ => return None,
        };
        Some(KeyInput {
            public_key: *kp.public().as_bytes(),
        })
    }

    fn reference(input: &KeyInput) -> String {
        PublicKey::from_bytes(&input.public_key)
            .map(|k| k.address().to_hex())
            .unwrap_or_default()
    }

    fn valid(input: &KeyInput) -> bool {
        PublicKey::from_bytes(&input.public_key).is_ok()
    }

    fn shrink(_: &KeyInput) -> Vec<KeyInput> {
        Vec::new()
    }
}
