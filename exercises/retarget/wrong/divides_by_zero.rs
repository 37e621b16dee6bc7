// caught-by: edge
// Bug: no special case for an expected time of 0 (panics).
use crate::chain::mul_div;

pub fn retarget(old: &[u8; 32], actual_ms: u64, expected_ms: u64) -> [u8; 32] {
    let mut new = mul_div(old, actual_ms, expected_ms);
    let lowest = mul_div(old, 1, 4);
    let highest = mul_div(old, 4, 1);
    if new < lowest {
        new = lowest;
    }
    if new > highest {
        new = highest;
    }
    if new == [0u8; 32] {
        new[31] = 1;
    }
    new
}
