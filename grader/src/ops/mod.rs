//! Reference operations: the chain concepts exercises are checked against.
//!
//! Each operation knows how to generate inputs in named case classes, how to
//! compute the reference answer, how to shrink a failing input, and which
//! grader-owned harness calls the student's function. Exercises (data in
//! `exercises/`) name an operation; no Rust code names an exercise.

use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::rng::CaseRng;

mod chain_ops;
mod consensus;
mod hashing;
mod htlc;
mod merkle;
mod sha256_hex;
pub(crate) mod shrink;

/// A named family of hidden cases; partial credit is given per class.
#[derive(Debug, Clone, Copy)]
pub struct CaseClass {
    /// Short name shown in reports (`empty`, `odd_counts`, `edge`, `random`).
    pub name: &'static str,
    /// How many cases of this class a grading run generates.
    pub cases: usize,
    /// One line for the student: what this class exercises.
    pub about: &'static str,
}

/// An operation with typed inputs and outputs; see [`Operation`] for the
/// object-safe view the grader uses.
pub trait TypedOp: Send + Sync + 'static {
    /// The input the student's function receives (as JSON on the wire).
    type Input: Serialize + DeserializeOwned + Clone;
    /// What the student's function returns (as JSON on the wire).
    type Output: Serialize + DeserializeOwned + PartialEq;
    /// Registry key, named by `operation = "..."` in the exercise manifest.
    const NAME: &'static str;
    /// The hidden case classes, in report order.
    const CLASSES: &'static [CaseClass];
    /// Grader-owned Rust source that decodes an input, calls the student's
    /// function and encodes its output (module `op` of the template crate).
    const HARNESS: &'static str;
    /// Input number `index` of `class`, or `None` when the class name is unknown.
    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<Self::Input>;
    /// The reference answer (only asked for inputs that are [`TypedOp::valid`]).
    fn reference(input: &Self::Input) -> Self::Output;
    /// Whether `input` is within the operation's domain (e.g. a public key
    /// that decodes); shrinking and visible examples never leave it.
    fn valid(_input: &Self::Input) -> bool {
        true
    }
    /// Smaller inputs to try when `input` fails; most promising first.
    fn shrink(input: &Self::Input) -> Vec<Self::Input>;
}

/// The object-safe face of an operation: everything is JSON.
pub trait Operation: Send + Sync {
    /// Registry key.
    fn name(&self) -> &'static str;
    /// Hidden case classes in report order.
    fn classes(&self) -> &'static [CaseClass];
    /// Generated input number `index` of `class`.
    fn generate(&self, class: &str, index: usize, rng: &mut CaseRng) -> Result<Value>;
    /// The reference output for `input` (an error means the input is not a
    /// valid input of this operation: a broken exercise file, not a student bug).
    fn reference(&self, input: &Value) -> Result<Value>;
    /// Whether the student's `actual` output equals `expected`; compared as
    /// typed values so that JSON formatting does not matter. An `actual` that
    /// does not even decode is unequal.
    fn same_output(&self, expected: &Value, actual: &Value) -> bool;
    /// Smaller candidate inputs.
    fn shrink(&self, input: &Value) -> Vec<Value>;
    /// Harness source for the template crate.
    fn harness(&self) -> &'static str;
}

struct Typed<T>(PhantomData<T>);

impl<T: TypedOp> Operation for Typed<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }
    fn classes(&self) -> &'static [CaseClass] {
        T::CLASSES
    }
    fn generate(&self, class: &str, index: usize, rng: &mut CaseRng) -> Result<Value> {
        let input = T::generate(class, index, rng)
            .ok_or_else(|| anyhow!("operation `{}` has no case class `{class}`", T::NAME))?;
        serde_json::to_value(input).context("encoding a generated input")
    }
    fn reference(&self, input: &Value) -> Result<Value> {
        let input: T::Input = serde_json::from_value(input.clone())
            .with_context(|| format!("input is not a valid `{}` input: {input}", T::NAME))?;
        if !T::valid(&input) {
            return Err(anyhow!("input is outside the domain of `{}`", T::NAME));
        }
        serde_json::to_value(T::reference(&input)).context("encoding a reference output")
    }
    fn same_output(&self, expected: &Value, actual: &Value) -> bool {
        let (Ok(e), Ok(a)) = (
            serde_json::from_value::<T::Output>(expected.clone()),
            serde_json::from_value::<T::Output>(actual.clone()),
        ) else {
            return false;
        };
        e == a
    }
    fn shrink(&self, input: &Value) -> Vec<Value> {
        let Ok(input) = serde_json::from_value::<T::Input>(input.clone()) else {
            return Vec::new();
        };
        T::shrink(&input)
            .into_iter()
            .filter(T::valid)
            .filter_map(|i| serde_json::to_value(i).ok())
            .collect()
    }
    fn harness(&self) -> &'static str {
        T::HARNESS
    }
}

/// A random, valid header whose target has 0 to 12 leading zero bits.
pub(crate) fn gen_header(rng: &mut CaseRng) -> sandbox_chain::pow::Header {
    use sandbox_chain::hash::{BlockHash, MerkleRoot};
    use sandbox_chain::pow::{Header, Target};
    Header {
        chain_id: rng.range(1, 5) as u32,
        height: rng.range(1, 100_000),
        parent: BlockHash::from_bytes(rng.bytes()),
        merkle_root: MerkleRoot::from_bytes(rng.bytes()),
        timestamp_ms: rng.range(1, 2_000_000_000_000),
        target: Target::from_leading_zero_bits(rng.below(13) as u32).unwrap_or(Target::MAX),
        nonce: rng.next_u64(),
    }
}

/// All reference operations, by name.
pub struct Registry {
    ops: BTreeMap<&'static str, Box<dyn Operation>>,
}

impl Registry {
    /// The built-in operations.
    pub fn builtin() -> Self {
        let mut r = Self {
            ops: BTreeMap::new(),
        };
        r.add::<sha256_hex::Sha256Hex>();
        r.add::<hashing::TaggedHash>();
        r.add::<hashing::HeaderHash>();
        r.add::<hashing::AddressOf>();
        r.add::<merkle::MerkleRootOp>();
        r.add::<merkle::VerifyProof>();
        r.add::<chain_ops::SignTransfer>();
        r.add::<chain_ops::VerifyTransfer>();
        r.add::<chain_ops::ValidateTransfer>();
        r.add::<chain_ops::ApplyTransfers>();
        r.add::<chain_ops::MineRange>();
        r.add::<chain_ops::Retarget>();
        r.add::<consensus::ForkChoice>();
        r.add::<consensus::ReorgPath>();
        r.add::<consensus::BftQuorum>();
        r.add::<htlc::HtlcStep>();
        r
    }

    fn add<T: TypedOp>(&mut self) {
        self.ops.insert(T::NAME, Box::new(Typed::<T>(PhantomData)));
    }

    /// The operation called `name`.
    pub fn get(&self, name: &str) -> Result<&dyn Operation> {
        self.ops.get(name).map(|b| b.as_ref()).ok_or_else(|| {
            anyhow!(
                "no reference operation named `{name}` (known: {})",
                self.names().join(", ")
            )
        })
    }

    /// Every operation name, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        self.ops.keys().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation generates valid inputs in each of its classes, its
    /// reference accepts them, and every shrink candidate is a valid input.
    #[test]
    fn every_operation_is_self_consistent() {
        let reg = Registry::builtin();
        let seed = 7;
        println!("seed {seed}");
        for name in reg.names() {
            let op = reg.get(name).unwrap();
            for class in op.classes() {
                let mut rng = CaseRng::derive(seed, class.name);
                for i in 0..class.cases {
                    let input = op.generate(class.name, i, &mut rng).unwrap();
                    let out = op.reference(&input).unwrap();
                    assert!(op.same_output(&out, &out), "{name}/{}", class.name);
                    for smaller in op.shrink(&input).into_iter().take(8) {
                        op.reference(&smaller).unwrap();
                    }
                }
            }
            assert!(
                op.generate("no-such-class", 0, &mut CaseRng::new(1))
                    .is_err()
            );
        }
    }
}
