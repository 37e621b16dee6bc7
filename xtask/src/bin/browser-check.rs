//! Drives headless Chromium (through chromedriver, with fantoccini) against
//! the built app served on 127.0.0.1. Run by `cargo xtask test` and `cargo
//! xtask bench`; by hand:
//!
//! ```text
//! browser-check e2e   <webdriver url> <site url> <screenshot dir>
//! browser-check bench <webdriver url> <site url> [query, default auto=1]
//! ```
//!
//! `e2e` does what a student does in each view and saves a screenshot of
//! every main view; `bench` runs the app's benchmark page (`#/bench?<query>`)
//! and prints its results as `BENCH <name> <number>` lines, and a benchmark
//! that failed in the page as `FAILED <name>: <why>`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// SHA-256("hello"), what the hash view must show after typing "hello".
const SHA256_HELLO: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match args.as_slice() {
        [mode, driver, site, shots] if mode == "e2e" => {
            let shots = Path::new(shots);
            runtime.block_on(with_browser(driver, shots, |c| e2e(c, site, shots)))
        }
        [mode, driver, site, rest @ ..] if mode == "bench" && rest.len() <= 1 => {
            let shots = std::env::temp_dir();
            let query = rest.first().map_or("auto=1", String::as_str);
            runtime.block_on(with_browser(driver, &shots, |c| bench(c, site, query)))
        }
        _ => bail!(
            "usage: browser-check e2e <webdriver> <site> <screenshots> | bench <webdriver> <site> [query]"
        ),
    }
}

/// Opens a fresh headless Chromium, runs `f`, and always closes it. If `f`
/// fails, prints what the page showed and saves `failure.png` in `shots`.
async fn with_browser<F, Fut>(driver: &str, shots: &Path, f: F) -> Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<Client>>,
{
    let profile = std::env::temp_dir().join(format!("chainlab-chromium-{}", std::process::id()));
    let mut args: Vec<Value> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--lang=en-US",
        "--window-size=1280,900",
        "--hide-scrollbars",
    ]
    .iter()
    .map(|a| json!(a))
    .collect();
    args.push(json!(format!("--user-data-dir={}", profile.display())));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "args": args, "prefs": { "intl.accept_languages": "en-US" } }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver)
        .await
        .context("could not start a Chromium session through chromedriver")?;
    let result = f(client.clone()).await;
    if result.is_err() {
        report_failure(&client, shots).await;
    }
    let _ = client.close().await;
    let _ = std::fs::remove_dir_all(&profile);
    result.map(|_| ())
}

/// After a failure: the URL, the visible text of the page and the browser's
/// console errors, and a screenshot, so the log says what went wrong.
async fn report_failure(c: &Client, shots: &Path) {
    eprintln!("e2e: FAILED; this is what the browser showed:");
    if let Ok(url) = c.current_url().await {
        eprintln!("e2e: url: {url}");
    }
    match c
        .execute(
            "return document.body ? document.body.innerText : ''",
            vec![],
        )
        .await
    {
        Ok(Value::String(text)) => {
            let text: String = text.chars().take(4000).collect();
            eprintln!("e2e: page text:\n{text}\n-- end of page text");
        }
        other => eprintln!("e2e: could not read the page text: {other:?}"),
    }
    let _ = std::fs::create_dir_all(shots);
    let path = shots.join("failure.png");
    match c.screenshot().await {
        Ok(png) if std::fs::write(&path, &png).is_ok() => {
            eprintln!("e2e: screenshot of the failure: {}", path.display());
        }
        _ => eprintln!("e2e: could not save a screenshot of the failure"),
    }
}

async fn text_of(c: &Client, css: &str) -> Result<String> {
    let element = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("`{css}` did not appear"))?;
    Ok(element.text().await?)
}

/// Waits until `css`'s text contains `needle`.
async fn wait_text(c: &Client, css: &str, needle: &str, seconds: u64) -> Result<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return Ok(text);
        }
        if std::time::Instant::now() > deadline {
            bail!("`{css}` should contain {needle:?} within {seconds} s; it says {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn open(c: &Client, site: &str, route: &str) -> Result<()> {
    c.goto(&format!("{site}#/{route}")).await?;
    text_of(c, "main h1").await?;
    Ok(())
}

async fn shot(c: &Client, dir: &Path, name: &str) -> Result<()> {
    // Web fonts and the CJK system font must be loaded, or the picture
    // shows boxes; `document.fonts.ready` says when.
    c.execute_async(
        "const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done(true));",
        vec![],
    )
    .await
    .context("document.fonts.ready did not resolve")?;
    let png = c.screenshot().await?;
    let path: PathBuf = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("could not write {}", path.display()))?;
    println!("e2e: screenshot {}", path.display());
    Ok(())
}

async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    let field = c.find(Locator::Css(css)).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

async fn step(name: &str) {
    println!("e2e: {name}");
}

async fn e2e(c: Client, site: &str, shots: &Path) -> Result<Client> {
    std::fs::create_dir_all(shots)?;
    c.goto(site).await?;
    c.execute("localStorage.clear()", vec![]).await?;
    open(&c, site, "").await?;
    shot(&c, shots, "home").await?;

    step("hash: typing shows the SHA-256").await;
    open(&c, site, "hash").await?;
    type_into(&c, "#hash-input", "hello").await?;
    wait_text(&c, "#hash-output", SHA256_HELLO, 10).await?;
    shot(&c, shots, "hash").await?;

    step("keys: sign, verify, tamper").await;
    open(&c, site, "keys").await?;
    c.find(Locator::Css("#keys-sign")).await?.click().await?;
    wait_text(&c, "#keys-verdict", "Valid", 10).await?;
    c.find(Locator::Css("#keys-tamper")).await?.click().await?;
    wait_text(&c, "#keys-verdict", "does not match the sender's key", 10).await?;
    shot(&c, shots, "keys").await?;

    step("block: mine in workers").await;
    open(&c, site, "block").await?;
    wait_text(&c, "#block-status", "Not valid", 10).await?;
    c.find(Locator::Css("#block-mine")).await?.click().await?;
    wait_text(&c, "#miner-found", "nonce", 120).await?;
    wait_text(&c, "#block-status", "Valid", 10).await?;
    let stats = text_of(&c, "#miner-stats").await?;
    ensure!(stats.contains("hashes/s"), "no hash rate shown: {stats}");
    println!("e2e: block mined ({stats})");
    shot(&c, shots, "block").await?;

    step("chain: edit an old block, later ones break, re-mine").await;
    open(&c, site, "chain").await?;
    for index in 0..5 {
        wait_text(
            &c,
            &format!("#chain-block-{index} .chain-badge"),
            "valid",
            10,
        )
        .await
        .context("the default chain should be whole before any edit")?;
    }
    c.find(Locator::Css("#chain-data-1"))
        .await?
        .send_keys(" 1000")
        .await?;
    wait_text(&c, "#chain-block-4", "broken", 10).await?;
    shot(&c, shots, "chain-broken").await?;
    c.find(Locator::Css("#chain-repair")).await?.click().await?;
    for index in 1..5 {
        wait_text(
            &c,
            &format!("#chain-block-{index} .chain-badge"),
            "valid",
            120,
        )
        .await
        .context("the chain was not repaired")?;
    }
    shot(&c, shots, "chain").await?;

    step("merkle: a proof path").await;
    open(&c, site, "merkle").await?;
    c.find(Locator::Css("#merkle-leaf"))
        .await?
        .select_by_value("3")
        .await?;
    wait_text(&c, "#merkle-verdict", "root", 10).await?;
    shot(&c, shots, "merkle").await?;

    step("wallet: a refused transfer, an accepted one, a mined block").await;
    open(&c, site, "wallet").await?;
    type_into(&c, "#wallet-amount", "500").await?;
    c.find(Locator::Css("#wallet-send")).await?.click().await?;
    wait_text(&c, "#wallet-result", "has only", 10).await?;
    type_into(&c, "#wallet-amount", "25").await?;
    c.find(Locator::Css("#wallet-send")).await?.click().await?;
    wait_text(&c, "#wallet-result", "Accepted", 10).await?;
    c.find(Locator::Css("#wallet-mine")).await?.click().await?;
    wait_text(&c, "#wallet-blocks", "#1", 120).await?;
    shot(&c, shots, "wallet").await?;

    step("reload: the work is still there").await;
    c.refresh().await?;
    wait_text(&c, "#wallet-blocks", "#1", 20).await?;
    open(&c, site, "hash").await?;
    let kept = c
        .find(Locator::Css("#hash-input"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        kept == "hello",
        "the hash input was not kept over a reload: {kept:?}"
    );

    step("language: switch to Chinese, and it sticks").await;
    c.find(Locator::Css("#lang-zh-CN")).await?.click().await?;
    wait_text(&c, "main h1", "哈希", 10).await?;
    let lang = c
        .execute("return document.documentElement.lang", vec![])
        .await?;
    ensure!(lang == json!("zh-CN"), "<html lang> is {lang}");
    shot(&c, shots, "hash-zh").await?;
    open(&c, site, "wallet").await?;
    shot(&c, shots, "wallet-zh").await?;
    c.refresh().await?;
    wait_text(&c, "main h1", "钱包", 20).await?;
    c.find(Locator::Css("#lang-en")).await?.click().await?;
    wait_text(&c, "main h1", "Wallet", 10).await?;

    step("phone-sized screen").await;
    c.set_window_size(390, 844).await?;
    open(&c, site, "block").await?;
    shot(&c, shots, "phone-block").await?;
    open(&c, site, "").await?;
    shot(&c, shots, "phone-home").await?;
    c.set_window_size(1280, 900).await?;

    step("corrupted storage: a notice, not a blank page").await;
    c.execute(
        "localStorage.setItem('chainlab.state', '{not json')",
        vec![],
    )
    .await?;
    c.refresh().await?;
    wait_text(&c, "#notice", "could not be read", 20).await?;
    text_of(&c, "main h1").await?;
    shot(&c, shots, "notice").await?;

    println!("e2e: all steps passed");
    Ok(c)
}

async fn bench(c: Client, site: &str, query: &str) -> Result<Client> {
    c.goto(&format!("{site}#/bench?{query}")).await?;
    let json = c
        .wait()
        // Four 3 s rates plus the whole 100-node, 1,000-block world.
        .at_most(Duration::from_secs(600))
        .for_element(Locator::Css("#bench-json"))
        .await
        .context("the benchmark page did not finish within 600 s")?
        .text()
        .await?;
    let results: serde_json::Map<String, Value> =
        serde_json::from_str(&json).with_context(|| format!("bad benchmark JSON: {json}"))?;
    for (name, value) in results {
        if let Some(number) = value.as_f64() {
            println!("BENCH {name} {number}");
        } else if let (true, Some(failed)) = (name == "failed", value.as_object()) {
            for (name, why) in failed {
                let why = why.as_str().unwrap_or_default().replace('\n', " ");
                println!("FAILED {name}: {why}");
            }
        }
    }
    Ok(c)
}
