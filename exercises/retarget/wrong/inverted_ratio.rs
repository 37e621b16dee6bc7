// caught-by: vectors
// Bug: fast blocks make the target larger.
use crate::chain::mul_div;

pub fn retarget(old: &[u8; 32], actual_ms: u64, expected_ms: u64) -> [u8; 32] {
    if expected_ms == 0 {
        return *old;
    }
    let mut new = if actual_ms == 0 { *old } else { mul_div(old, expected_ms, actual_ms) };
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
