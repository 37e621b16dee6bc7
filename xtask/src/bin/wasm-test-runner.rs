//! The wasm-bindgen test runner, built from the `wasm-bindgen-cli` library at
//! exactly the workspace's `wasm-bindgen` version, so nothing needs
//! `cargo install`. `cargo xtask test` builds it and points
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER` at it; it runs the tests in
//! Node.js. (Deliberately not named `wasm-bindgen`: a binary of that name in the
//! workspace confuses tools that look for the real CLI on PATH.)

fn main() -> anyhow::Result<()> {
    wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(std::env::args_os())
}
