//! `sha256_hex`: hash arbitrary bytes, answer in lowercase hex.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{CaseClass, TypedOp, shrink};
use crate::rng::CaseRng;

pub(crate) struct Sha256Hex;

/// Input: the bytes to hash, as hex.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Input {
    #[serde(with = "hex::serde")]
    data: Vec<u8>,
}

impl TypedOp for Sha256Hex {
    type Input = Input;
    type Output = String;
    const NAME: &'static str = "sha256_hex";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "empty",
            cases: 1,
            about: "no bytes at all",
        },
        CaseClass {
            name: "edge",
            cases: 6,
            about: "block-boundary lengths (55, 56, 63, 64, 65 bytes) and bytes with the high bit set",
        },
        CaseClass {
            name: "random",
            cases: 24,
            about: "random bytes of random length",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/sha256_hex.rs");

    fn generate(class: &str, _index: usize, rng: &mut CaseRng) -> Option<Input> {
        let data = match class {
            "empty" => Vec::new(),
            "edge" => {
                let len = *rng.pick(&[55usize, 56, 63, 64, 65, 1])?;
                let mut d = rng.vec(len);
                d.iter_mut().for_each(|b| *b |= 0x80);
                d
            }
            "random" => {
                let len = rng.range_usize(1, 300);
                rng.vec(len)
            }
            _ => return None,
        };
        Some(Input { data })
    }

    fn reference(input: &Input) -> String {
        hex::encode(Sha256::digest(&input.data))
    }

    fn shrink(input: &Input) -> Vec<Input> {
        shrink::bytes(&input.data)
            .into_iter()
            .map(|data| Input { data })
            .collect()
    }
}
