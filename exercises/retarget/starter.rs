// Exercise retarget: `grader show retarget`.
use crate::chain::mul_div;

pub fn retarget(old: &[u8; 32], actual_ms: u64, expected_ms: u64) -> [u8; 32] {
    // TODO: scale by actual/expected, clamp to [old/4, old*4], never below 1.
    let _ = (mul_div(old, 1, 1), actual_ms, expected_ms);
    *old
}
