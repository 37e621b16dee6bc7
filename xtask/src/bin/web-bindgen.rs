//! wasm-bindgen's command line, built from the `wasm-bindgen-cli` library at
//! exactly the workspace's `wasm-bindgen` version (no `cargo install`).
//! `cargo xtask dist` runs it as `web-bindgen --target web ... app.wasm`.

fn main() -> anyhow::Result<()> {
    wasm_bindgen_cli::wasm_bindgen::run_cli_with_args(std::env::args_os())
}
