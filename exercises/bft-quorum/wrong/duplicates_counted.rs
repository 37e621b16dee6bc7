// caught-by: duplicates
// Bug: a validator voting twice counts twice.
use crate::chain::Validator;

pub fn has_quorum(validators: &[Validator], votes: &[[u8; 32]]) -> bool {
    let total: u128 = validators.iter().map(|v| u128::from(v.power)).sum();
    let mut counted: Vec<[u8; 32]> = Vec::new();
    let mut yes: u128 = 0;
    for vote in votes {
        if let Some(v) = validators.iter().find(|v| &v.key == vote) {
            counted.push(*vote);
            yes += u128::from(v.power);
        }
    }
    3 * yes > 2 * total
}
