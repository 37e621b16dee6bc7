//! Headless Chromium for the browser tests and benchmarks: installs Debian's
//! `chromium` and `chromium-driver` when missing (as root, through apt), runs
//! chromedriver on a free local port, and builds and runs `browser-check`
//! (the fantoccini client, a separate binary so that everyday `cargo xtask`
//! does not compile tokio and hyper).

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::util::{self, cargo};

/// Debian's chromedriver.
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium's flags for these machines (see TOOLCHAIN.md); the profile
/// folder is added per session.
pub(crate) const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// A CJK font, so that screenshots of the Chinese pages are readable
/// (students' own machines have one; a bare server does not).
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

/// Installs chromium and chromium-driver with apt if either is missing, and
/// a CJK font for the screenshots of the Chinese pages (a missing font only
/// gives a warning: the tests do not need it).
pub(crate) fn ensure_chromium() -> Result<()> {
    let browser_missing = !Path::new(CHROMIUM).is_file() || !Path::new(CHROMEDRIVER).is_file();
    let font_missing = !Path::new(CJK_FONT).is_file();
    if !browser_missing && !font_missing {
        return Ok(());
    }
    let can_install = is_root() && util::succeeds(Command::new("apt-get").arg("--version"));
    if !can_install {
        if browser_missing {
            bail!(
                "the browser tests need Debian's chromium and chromium-driver; install them with \
                 `apt-get install -y chromium chromium-driver fonts-wqy-zenhei` (as root)"
            );
        }
        println!("xtask: warning: no CJK font ({CJK_FONT}); Chinese screenshots show boxes");
        return Ok(());
    }
    let mut packages = Vec::new();
    if browser_missing {
        packages.extend(["chromium", "chromium-driver"]);
    }
    if font_missing {
        packages.push("fonts-wqy-zenhei");
    }
    let start = Instant::now();
    let installed = util::run(
        Command::new("apt-get")
            .args(["update", "-qq"])
            .stdin(Stdio::null()),
    )
    .and_then(|()| {
        util::run(
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "--no-install-recommends"])
                .args(&packages)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .stdin(Stdio::null()),
        )
    });
    match installed {
        Ok(()) => println!(
            "xtask: installed {} in {:.1} s",
            packages.join(", "),
            util::seconds_since(start)
        ),
        Err(error) if browser_missing => return Err(error),
        Err(error) => println!("xtask: warning: could not install a CJK font: {error:#}"),
    }
    Ok(())
}

fn is_root() -> bool {
    util::output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

/// A running chromedriver in a process group of its own, so that stopping
/// it also stops every Chromium it started (no stray browsers after a run).
pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver on a free port of 127.0.0.1 and waits (at most
    /// 20 s) until it listens; tries another port if the first was taken in
    /// the meantime.
    pub(crate) fn start() -> Result<Driver> {
        let mut last_error = None;
        for _ in 0..3 {
            match Driver::start_on(free_port()?) {
                Ok(driver) => return Ok(driver),
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("chromedriver did not start")))
    }

    fn start_on(port: u16) -> Result<Driver> {
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("could not start {CHROMEDRIVER}"))?;
        let mut driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                bail!("chromedriver exited on port {port} before listening ({status})");
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }

    /// The WebDriver URL.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any Chromium left behind by a
        // session that was not closed (a crashed or killed checker).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// The npm package of the accessibility checker the end-to-end test runs
/// in every main view.
const AXE: &str = "axe-core@4.10";

/// axe-core's browser bundle (`axe.min.js`), installed from npm into
/// `target/tools/axe-core` on first use. Unlike wasm-opt this is not
/// optional: without npm the end-to-end test cannot check accessibility,
/// so it fails and says how to fix it.
pub(crate) fn axe_core() -> Result<PathBuf> {
    let dir = util::target_dir()?.join("tools").join("axe-core");
    let script = dir.join("node_modules").join("axe-core").join("axe.min.js");
    if script.is_file() {
        return Ok(script);
    }
    if !util::succeeds(Command::new("npm").arg("--version")) {
        bail!(
            "the accessibility check needs npm to install {AXE} (as root: `apt-get install -y npm`)"
        );
    }
    std::fs::create_dir_all(&dir)?;
    util::run(
        Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&dir)
            .arg(AXE),
    )
    .with_context(|| format!("could not install npm {AXE} for the accessibility check"))?;
    if !script.is_file() {
        bail!("npm installed {AXE} but {} is missing", script.display());
    }
    Ok(script)
}

/// Builds `browser-check` and returns its path.
pub(crate) fn build_checker() -> Result<PathBuf> {
    util::run(&mut cargo([
        "build",
        "-q",
        "-p",
        "xtask",
        "--features",
        "browser",
        "--bin",
        "browser-check",
    ]))?;
    let path = util::target_dir()?
        .join("debug")
        .join(format!("browser-check{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        bail!("browser-check was built but is not at {}", path.display());
    }
    Ok(path)
}

/// Runs `browser-check <mode>` against `site` (a base URL) through a fresh
/// chromedriver; returns its standard output.
pub(crate) fn check(checker: &Path, mode: &str, site: &str, extra: &[&str]) -> Result<String> {
    let driver = Driver::start()?;
    let out = util::output(
        Command::new(checker)
            .arg(mode)
            .arg(driver.url())
            .arg(site)
            .args(extra),
    )?;
    drop(driver);
    Ok(out)
}

/// Like [`check`], but the checker's output goes straight to the log as it
/// runs (so a failure shows every step before it).
pub(crate) fn check_streaming(
    checker: &Path,
    mode: &str,
    site: &str,
    extra: &[&str],
) -> Result<()> {
    let driver = Driver::start()?;
    let result = util::run(
        Command::new(checker)
            .arg(mode)
            .arg(driver.url())
            .arg(site)
            .args(extra)
            .stdin(Stdio::null()),
    );
    drop(driver);
    result
}
