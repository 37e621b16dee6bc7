// Exercise bft-quorum: `grader show bft-quorum`.
use crate::chain::Validator;

pub fn has_quorum(validators: &[Validator], votes: &[[u8; 32]]) -> bool {
    // TODO: distinct validator votes, power in u128, strictly more than 2/3.
    let _ = validators;
    !votes.is_empty()
}
