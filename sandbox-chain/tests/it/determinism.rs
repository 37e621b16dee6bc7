//! Same seed, same bytes: the demo export is pinned by a checked-in SHA-256
//! that the wasm32 test (`tests/wasm.rs`) checks too, so both platforms
//! produce byte-identical output.

use sandbox_chain::demo::demo_export_json;
use sandbox_chain::hash::sha256;

#[test]
fn export_seed7_matches_the_golden_hash() {
    let json = demo_export_json(7, 20, 5).unwrap();
    let golden = include_str!("../data/export_seed7_blocks20_txs5.sha256").trim();
    assert_eq!(
        sha256(json.as_bytes()).to_hex(),
        golden,
        "seed 7 export changed; if intended, update the golden file"
    );
}
