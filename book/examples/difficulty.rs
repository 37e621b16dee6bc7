// The difficulty chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::pow::{Target, retarget};

fn main() {
    // ANCHOR: target
    // A target of 8 leading zero bits: a hash meets it with probability 1/256.
    let easy = Target::from_leading_zero_bits(8).unwrap();
    let hard = Target::from_leading_zero_bits(20).unwrap();
    println!("8 bits:  {easy}");
    println!("20 bits: {hard}");
    // Work is the expected number of hashes to meet the target.
    assert_eq!(easy.work(), 256);
    assert_eq!(hard.work(), 1 << 20);
    // ANCHOR_END: target

    // ANCHOR: retarget
    // Ten blocks should take 100 s. They took 50 s: the hash rate doubled,
    // so the target halves (twice the work per block).
    let faster = retarget(easy, 50_000, 100_000);
    assert_eq!(faster.work(), 2 * easy.work());
    // They took 200 s: half the hash rate, the target doubles.
    let slower = retarget(easy, 200_000, 100_000);
    assert_eq!(slower.work(), easy.work() / 2);
    // A lying timestamp (10 000 s) moves it at most by a factor of 4.
    let clamped = retarget(easy, 10_000_000, 100_000);
    assert_eq!(clamped.work(), easy.work() / 4);
    // ANCHOR_END: retarget
}
