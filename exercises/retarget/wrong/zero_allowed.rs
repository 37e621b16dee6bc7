// caught-by: tiny
// Bug: lets the target round down to 0.
use crate::chain::mul_div;

pub fn retarget(old: &[u8; 32], actual_ms: u64, expected_ms: u64) -> [u8; 32] {
    if expected_ms == 0 {
        return *old;
    }
    let mut new = mul_div(old, actual_ms, expected_ms);
    let lowest = mul_div(old, 1, 4);
    let highest = mul_div(old, 4, 1);
    if new < lowest {
        new = lowest;
    }
    if new > highest {
        new = highest;
    }
    new
}
