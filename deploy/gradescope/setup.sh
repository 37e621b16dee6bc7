#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# The autograder zip holds: setup.sh, run_autograder, exercise (one line: the
# exercise id) and chainlab/ (the repository). See book: operators/gradescope.
set -euo pipefail
SOURCE=/autograder/source

apt-get update
apt-get install -y --no-install-recommends bubblewrap build-essential ca-certificates curl

# Rust, system-wide so the sandbox user can read the toolchain.
export RUSTUP_HOME=/opt/rustup CARGO_HOME=/opt/cargo
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain stable
export PATH=/opt/cargo/bin:$PATH

cd "$SOURCE/chainlab"
cargo build --release --locked -p grader
# The grader prepares its cache offline: fetch every crate now.
cargo fetch --locked

# Warm the cache (the offered crates, the staged toolchain). No student code
# runs here, so the sandbox is not needed yet; run_autograder insists on it.
export CHAINLAB_GRADER_CACHE=${CHAINLAB_GRADER_CACHE:-/var/tmp/chainlab-grader-cache}
target/release/grader --exercises exercises --unsandboxed-own-machine doctor
