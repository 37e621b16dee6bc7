//! `cargo xtask sandbox` and `cargo xtask dist`: build the browser app
//! (`web/` and its worker `web-worker/`) into a static folder, and serve it.
//!
//! Steps: `cargo build` for wasm32 of the app (profile `wasm-release`,
//! for size: it is the initial load) and the worker (profile
//! `wasm-worker`, opt-level 3: it runs the hashing loops);
//! wasm-bindgen (the `wasm-bindgen-cli` library at the workspace's exact
//! version, through the `web-bindgen` helper binary) with `--target web`;
//! wasm-opt from npm `binaryen@132` in `target/tools/binaryen` when npm is
//! there (skipped with a note otherwise; Debian's binaryen miscompiles);
//! CSS with encre-css over web/'s sources; the course bundle (`course.json`,
//! written by the lessons checker, which refuses a course that does not
//! check); an `index.html`. Assets go to
//! `a/<content hash>/` so a CDN can cache them forever; every path is
//! relative, so any static host serves the folder as it is. `dist` and
//! `sandbox` also build the book into `book/` (`book::build_into_site`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::serve;
use crate::util::{self, cargo};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The app's profile: small (it is the initial load).
const PROFILE: &str = "wasm-release";
/// Rust flags of the release wasm build only (not of tests or native
/// builds): Leptos's `erase_components` type-erases each component's view,
/// which cut the app's initial load from 918.6 to 812.5 KiB gzipped when
/// the lesson player came (measured with `cargo xtask dist`). A `RUSTFLAGS`
/// in the environment takes precedence, as cargo always gives it.
const WASM_RUSTFLAGS_VAR: &str = "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS";
const WASM_RUSTFLAGS: &str = "--cfg erase_components";

/// The worker's profile: fast (it runs the hashing loops, loaded on demand).
const WORKER_PROFILE: &str = "wasm-worker";
/// The npm package that provides a working wasm-opt here (see TOOLCHAIN.md).
const BINARYEN: &str = "binaryen@132";

/// The wasm features rustc enables by default for wasm32-unknown-unknown;
/// wasm-opt must be told, or it refuses the module.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// Sizes of the initial load and the worker, raw and gzipped.
#[derive(Debug, Default)]
pub(crate) struct Sizes {
    files: Vec<(String, u64, u64)>,
    /// wasm bytes before and after wasm-opt, if it ran.
    wasm_opt: Option<(u64, u64)>,
}

/// Options of `cargo xtask dist`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DistOptions {
    out: PathBuf,
}

impl DistOptions {
    pub(crate) fn parse(args: &[String]) -> Result<DistOptions> {
        let mut out = util::project_root().join("dist");
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--out" => {
                    let Some(dir) = args.next() else {
                        bail!("`--out` needs a folder");
                    };
                    out = PathBuf::from(dir);
                }
                other => bail!("`cargo xtask dist` does not know `{other}` (try --out DIR)"),
            }
        }
        Ok(DistOptions { out })
    }
}

/// `cargo xtask dist`.
pub(crate) fn dist(options: DistOptions) -> Result<()> {
    let sizes = build(&options.out)?;
    // The book goes to `book/` beside the app; the two link to each other
    // with relative paths (book/src/operators/hosting.md).
    crate::book::build_into_site(&options.out)?;
    print_sizes(&sizes);
    println!(
        "xtask dist: the static site is in {} (serve it from any static host)",
        options.out.display()
    );
    Ok(())
}

/// `cargo xtask sandbox`: builds and serves the course until stopped.
pub(crate) fn sandbox(port: u16) -> Result<()> {
    let out = util::target_dir()?.join("sandbox");
    let sizes = build(&out)?;
    crate::book::build_into_site(&out)?;
    print_sizes(&sizes);
    let server = serve::spawn(out, port)
        .or_else(|_| serve::spawn(util::target_dir()?.join("sandbox"), 0))?;
    println!(
        "\nChainLab is running at {}  (Ctrl-C to stop)",
        server.url()
    );
    loop {
        std::thread::park();
    }
}

/// Builds the app into `out` (replaced), returning the sizes.
pub(crate) fn build(out: &Path) -> Result<Sizes> {
    let start = Instant::now();
    crate::test::install_wasm_target()?;
    util::run(
        cargo([
            "build",
            "-p",
            "web",
            "--bin",
            "web",
            "--target",
            WASM_TARGET,
            "--profile",
            PROFILE,
        ])
        .env(WASM_RUSTFLAGS_VAR, WASM_RUSTFLAGS),
    )?;
    util::run(&mut cargo([
        "build",
        "-p",
        "web-worker",
        "--lib",
        "--target",
        WASM_TARGET,
        "--profile",
        WORKER_PROFILE,
    ]))?;
    let wasm_root = util::target_dir()?.join(WASM_TARGET);
    let staging = util::target_dir()?.join("web-staging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("could not clear {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)?;
    let bindgen = build_bindgen()?;
    for (input, name) in [
        (wasm_root.join(PROFILE).join("web.wasm"), "app"),
        (
            wasm_root.join(WORKER_PROFILE).join("web_worker.wasm"),
            "web_worker",
        ),
    ] {
        util::run(Command::new(&bindgen).args([
            "--target".as_ref(),
            "web".as_ref(),
            "--no-typescript".as_ref(),
            "--out-name".as_ref(),
            name.as_ref(),
            "--out-dir".as_ref(),
            staging.as_os_str(),
            input.as_os_str(),
        ]))?;
    }
    let mut sizes = Sizes::default();
    match wasm_opt()? {
        Some(wasm_opt) => {
            let mut before = 0;
            let mut after = 0;
            // The app for size, the worker for speed (as they were built).
            for (name, level) in [("app_bg.wasm", "-Oz"), ("web_worker_bg.wasm", "-O3")] {
                let file = staging.join(name);
                before += file_len(&file)?;
                let mut command = Command::new(&wasm_opt);
                command
                    .arg(level)
                    .args(WASM_OPT_FEATURES)
                    .arg(&file)
                    .arg("-o")
                    .arg(&file);
                util::run(&mut command)?;
                after += file_len(&file)?;
            }
            sizes.wasm_opt = Some((before, after));
        }
        None => println!(
            "xtask: note: npm not found, so wasm-opt was skipped (the app works, its wasm is about 30 % larger)"
        ),
    }
    std::fs::write(
        staging.join("worker.js"),
        "// Loads the mining worker's wasm; web-worker/src/lib.rs does the rest.\nimport init from \"./web_worker.js\";\ninit();\n",
    )?;
    std::fs::write(staging.join("style.css"), css()?)?;
    // The course: checked and bundled by the lessons crate's checker, then
    // hashed with the other assets; the page names it in a `<meta>`.
    util::run(cargo(["run", "-q", "-p", "lessons", "--", "bundle", "--out"]).arg(&staging))?;

    let hash = content_hash(&staging)?;
    if out.exists() {
        std::fs::remove_dir_all(out)
            .with_context(|| format!("could not clear {}", out.display()))?;
    }
    let assets = out.join("a").join(&hash);
    std::fs::create_dir_all(out.join("a"))?;
    std::fs::rename(&staging, &assets)
        .or_else(|_| copy_dir(&staging, &assets))
        .with_context(|| format!("could not move the build to {}", assets.display()))?;
    std::fs::write(out.join("index.html"), index_html(&format!("./a/{hash}")))?;
    for name in [
        "app_bg.wasm",
        "app.js",
        "style.css",
        "web_worker_bg.wasm",
        "web_worker.js",
        "worker.js",
        "course.json",
    ] {
        let bytes = std::fs::read(assets.join(name))?;
        sizes
            .files
            .push((name.into(), bytes.len() as u64, gzip_len(&bytes)));
    }
    let index = std::fs::read(out.join("index.html"))?;
    sizes
        .files
        .push(("index.html".into(), index.len() as u64, gzip_len(&index)));
    write_size_report(&sizes)?;
    println!(
        "xtask: built the app in {:.1} s",
        util::seconds_since(start)
    );
    Ok(sizes)
}

/// Builds the `web-bindgen` helper (wasm-bindgen-cli as a library).
fn build_bindgen() -> Result<PathBuf> {
    crate::test::check_lock_versions()?;
    util::run(&mut cargo([
        "build",
        "-q",
        "-p",
        "xtask",
        "--features",
        "wasm-runner",
        "--bin",
        "web-bindgen",
    ]))?;
    let path = util::target_dir()?
        .join("debug")
        .join(format!("web-bindgen{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        bail!("web-bindgen was built but is not at {}", path.display());
    }
    Ok(path)
}

/// wasm-opt from npm `binaryen@132`, installed into `target/tools/binaryen`
/// on first use; `None` if npm is missing or the install fails.
fn wasm_opt() -> Result<Option<PathBuf>> {
    let dir = util::target_dir()?.join("tools").join("binaryen");
    let bin = dir.join("node_modules").join(".bin").join("wasm-opt");
    if bin.is_file() {
        return Ok(Some(bin));
    }
    if !util::succeeds(Command::new("npm").arg("--version")) {
        return Ok(None);
    }
    std::fs::create_dir_all(&dir)?;
    let installed = util::run(
        Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&dir)
            .arg(BINARYEN),
    );
    match installed {
        Ok(()) if bin.is_file() => Ok(Some(bin)),
        _ => {
            println!("xtask: note: could not install npm {BINARYEN}; wasm-opt skipped");
            Ok(None)
        }
    }
}

/// The stylesheet: encre-css over every `.rs` file of web/.
pub(crate) fn css() -> Result<String> {
    let mut sources = Vec::new();
    collect_rs(&util::project_root().join("web").join("src"), &mut sources)?;
    let texts: Vec<String> = sources
        .iter()
        .map(|p| {
            std::fs::read_to_string(p).with_context(|| format!("could not read {}", p.display()))
        })
        .collect::<Result<_>>()?;
    let config = encre_css::Config::default();
    let mut css = encre_css::generate(texts.iter().map(String::as_str), &config);
    css.push_str(BASE_CSS);
    Ok(css)
}

/// A few rules utilities cannot express.
const BASE_CSS: &str = "
html { -webkit-text-size-adjust: 100%; }
body { font-family: ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; }
:focus-visible { outline: 2px solid #4f46e5; outline-offset: 2px; }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
";

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?
    {
        let path = entry?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// The page. `assets` is the relative folder of the hashed files.
fn index_html(assets: &str) -> String {
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ChainLab</title>
<meta name="description" content="Learn blockchains hands-on: hashes, keys, blocks, chains, Merkle trees and wallets, all in your browser.">
<meta name="theme-color" content="#4f46e5">
<meta name="chainlab-worker" content="{assets}/worker.js">
<meta name="chainlab-course" content="{assets}/course.json">
<link rel="stylesheet" href="{assets}/style.css">
<link rel="modulepreload" href="{assets}/app.js">
<link rel="preload" href="{assets}/app_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<link rel="preload" href="{assets}/course.json" as="fetch" type="application/json" crossorigin>
</head>
<body>
<noscript>ChainLab needs JavaScript and WebAssembly. / ChainLab 需要 JavaScript 和 WebAssembly。</noscript>
<script type="module">import init from "{assets}/app.js"; init();</script>
</body>
</html>
"##
    )
}

/// The first 12 hex digits of a hash over every file of `dir` (names and
/// contents, in name order): changes whenever any asset changes.
fn content_hash(dir: &Path) -> Result<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    // FNV-1a, 64 bits: enough to tell builds apart, and no dependency.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for byte in name.bytes().chain(std::fs::read(&path)?) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Ok(format!("{hash:016x}")[..12].to_owned())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

fn file_len(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("could not read {}", path.display()))?
        .len())
}

/// Bytes after gzip at the best level (what a CDN's gzip serves, about).
fn gzip_len(bytes: &[u8]) -> u64 {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().map_or(0, |v| v.len() as u64)
}

impl Sizes {
    /// Gzipped bytes of what the page loads before it is interactive.
    pub(crate) fn initial_gzip(&self) -> u64 {
        self.files
            .iter()
            .filter(|(name, ..)| {
                ["index.html", "app.js", "app_bg.wasm", "style.css"].contains(&name.as_str())
            })
            .map(|(_, _, gz)| gz)
            .sum()
    }
}

fn print_sizes(sizes: &Sizes) {
    println!("\n{:<22} {:>10} {:>10}", "file", "bytes", "gzipped");
    for (name, raw, gz) in &sizes.files {
        println!("{name:<22} {raw:>10} {gz:>10}");
    }
    println!(
        "initial load (index.html + app.js + app_bg.wasm + style.css), gzipped: {:.1} KiB",
        sizes.initial_gzip() as f64 / 1024.0
    );
    if let Some((_, _, gz)) = sizes.files.iter().find(|(name, ..)| name == "course.json") {
        println!(
            "the course (course.json, fetched at start), gzipped: {:.1} KiB",
            *gz as f64 / 1024.0
        );
    }
    if let Some((before, after)) = sizes.wasm_opt {
        println!(
            "wasm-opt -Oz: {before} -> {after} bytes ({:+.1} %)",
            (after as f64 / before as f64 - 1.0) * 100.0
        );
    }
}

fn write_size_report(sizes: &Sizes) -> Result<()> {
    let mut files = serde_json::Map::new();
    for (name, raw, gz) in &sizes.files {
        files.insert(
            name.clone(),
            serde_json::json!({ "bytes": raw, "gzip": gz }),
        );
    }
    let report = serde_json::json!({
        "files": files,
        "initial_load_gzip_bytes": sizes.initial_gzip(),
        "wasm_opt": sizes.wasm_opt.map(|(b, a)| serde_json::json!({ "before": b, "after": a })),
    });
    let path = util::target_dir()?.join("web-size.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("could not write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dist_takes_an_output_folder() {
        let options = DistOptions::parse(&["--out".into(), "/tmp/x".into()]).unwrap();
        assert_eq!(options.out, PathBuf::from("/tmp/x"));
        assert!(DistOptions::parse(&["--out".into()]).is_err());
        assert!(DistOptions::parse(&["--bogus".into()]).is_err());
    }

    #[test]
    fn the_page_uses_relative_paths_only() {
        let html = index_html("./a/abc");
        assert!(!html.contains("=\"/"), "{html}");
        assert!(html.contains("./a/abc/app.js"));
        assert!(html.contains("name=\"chainlab-worker\" content=\"./a/abc/worker.js\""));
        // The app reads this `<meta>` (web::app::COURSE_META) to fetch the course.
        assert!(html.contains("name=\"chainlab-course\" content=\"./a/abc/course.json\""));
    }

    #[test]
    fn css_covers_classes_used_in_the_views() {
        let css = css().unwrap();
        for class in [
            "bg-indigo-600",
            "hover\\:bg-indigo-700",
            "sm\\:grid-cols-2",
            "focus-visible\\:outline-2",
            // The lesson page's layout on wide screens.
            "lg\\:row-span-2",
            "lg\\:col-start-2",
            "lg\\:grid-rows-\\[auto_1fr\\]",
        ] {
            assert!(css.contains(class), "missing .{class}");
        }
    }
}
