//! Feeds arbitrary bytes to every decoder of sandbox-chain (through
//! `sandbox_chain::fuzz_decode`); any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sandbox_chain::fuzz_decode(data);
});
