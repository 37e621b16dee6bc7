// caught-by: big_power
// Bug: adds powers in u64 (overflows, and panics with overflow checks).
use crate::chain::Validator;

pub fn has_quorum(validators: &[Validator], votes: &[[u8; 32]]) -> bool {
    let total: u64 = validators.iter().map(|v| v.power).sum();
    let mut counted: Vec<[u8; 32]> = Vec::new();
    let mut yes: u64 = 0;
    for vote in votes {
        if counted.contains(vote) {
            continue;
        }
        if let Some(v) = validators.iter().find(|v| &v.key == vote) {
            counted.push(*vote);
            yes += v.power;
        }
    }
    3 * u128::from(yes) > 2 * u128::from(total)
}
