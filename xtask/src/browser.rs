//! Headless Chromium for the browser tests and benchmarks: installs Debian's
//! `chromium` and `chromium-driver` when missing (as root, through apt), runs
//! chromedriver on a free local port, and builds and runs `browser-check`
//! (the fantoccini client, a separate binary so that everyday `cargo xtask`
//! does not compile tokio and hyper).

use std::net::TcpStream;
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

/// Installs chromium and chromium-driver with apt if either is missing (and
/// a CJK font for the screenshots, if it can).
pub(crate) fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
        if !Path::new(CJK_FONT).is_file() && is_root() {
            let _ = util::run(
                Command::new("apt-get")
                    .args(["install", "-y", "-qq", "fonts-wqy-zenhei"])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            );
        }
        return Ok(());
    }
    if !is_root() || !util::succeeds(Command::new("apt-get").arg("--version")) {
        bail!(
            "the browser tests need Debian's chromium and chromium-driver; install them with \
             `apt-get install -y chromium chromium-driver` (as root)"
        );
    }
    let start = Instant::now();
    util::run(Command::new("apt-get").args(["update", "-qq"]))?;
    util::run(
        Command::new("apt-get")
            .args([
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    println!(
        "xtask: installed chromium in {:.1} s",
        util::seconds_since(start)
    );
    Ok(())
}

fn is_root() -> bool {
    util::output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

/// A running chromedriver, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it listens.
    pub(crate) fn start() -> Result<Driver> {
        let port = free_port()?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {CHROMEDRIVER}"))?;
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
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
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
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
